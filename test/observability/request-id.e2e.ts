/**
 * Request ids over real sockets: each answer carries one in `x-request-id`,
 * the caller's when it is well formed, a new UUID otherwise, on errors too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { basic } from '../limits/helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let env: GatewayEnv;
beforeAll(async () => {
  env = await startGateway();
});
afterAll(() => env?.close());

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${env.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('request ids', () => {
  it('gives each request a new id when it brings none', async () => {
    const [a, b] = await Promise.all([post({ query: '{ __typename }' }), post({ query: '{ __typename }' })]);
    expect(a.headers.get('x-request-id')).toMatch(UUID);
    expect(b.headers.get('x-request-id')).toMatch(UUID);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it("keeps the caller's id when it is well formed", async () => {
    for (const id of ['abc-123', '01HZX3K6Q7Y8Z9ABCDEF012345', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'edge.node-7:42_a', 'x'.repeat(128)]) {
      const res = await post({ query: '{ __typename }' }, { 'x-request-id': id });
      expect(res.headers.get('x-request-id')).toBe(id);
    }
  });

  it('replaces an id that is too long or holds what does not belong in a header or a log line', async () => {
    for (const id of ['x'.repeat(129), 'two words', '-leading-dash', 'caf\u00e9', 'a"b', 'a;b=c', '']) {
      const res = await post({ query: '{ __typename }' }, { 'x-request-id': id });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    }
  });

  it('answers errors with an id too', async () => {
    const invalid = await post({ query: '{ nope }' }, { 'x-request-id': 'bad-query' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-request-id')).toBe('bad-query');
    const refused = await post({ query: '{ __typename }' }, { 'x-request-id': 'bad-credentials', authorization: basic('nobody', 'x') });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('bad-credentials');
    const form = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'csrf' },
      body: 'query=%7B__typename%7D',
    });
    expect(form.status).toBe(403);
    expect(form.headers.get('x-request-id')).toBe('csrf');
    const missing = await fetch(`${env.url}/nowhere`, { headers: { 'x-request-id': 'lost' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('lost');
    const health = await fetch(`${env.url}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(UUID);
  });

  it('lets a page of an allowed origin read it', async () => {
    await using cors = await startGateway({ gateway: { corsOrigins: ['https://app.example.com'] } });
    const res = await fetch(`${cors.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json', 'x-request-id': 'from-a-page' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('from-a-page');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('x-request-id');
  });
});
