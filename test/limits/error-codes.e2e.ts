/**
 * Every error response carries a GraphQL error with an `extensions.code`,
 * including the refusals Yoga makes before any GraphQL work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';

let env: GatewayEnv;

beforeAll(async () => {
  env = await startGateway();
});
afterAll(() => env?.close());

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

async function answer(path: string, init: RequestInit): Promise<{ status: number; errors: Array<{ message: string; extensions?: Record<string, any> }> }> {
  const res = await fetch(`${env.url}${path}`, init);
  const text = await res.text();
  expect(text, `a body for ${res.status}`).not.toBe('');
  const body = JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, any> }> };
  return { status: res.status, errors: body.errors ?? [] };
}

describe('every error response has a code', () => {
  const cases: Array<[string, string, RequestInit, number, string]> = [
    [
      'a form post without the CSRF header',
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query={__typename}' },
      403,
      'CSRF_HEADER_REQUIRED',
    ],
    [
      'a GET without the CSRF header',
      `/graphql?query=${encodeURIComponent('{__typename}')}`,
      { headers: { accept: 'application/json' } },
      403,
      'CSRF_HEADER_REQUIRED',
    ],
    [
      'an unsupported media type',
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'application/xml', accept: 'application/json' }, body: '<query/>' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an answer the client cannot accept',
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/xml' }, body: JSON.stringify({ query: '{ __typename }' }) },
      406,
      'NOT_ACCEPTABLE',
    ],
    [
      'a subscription of an introspection field',
      '/graphql',
      { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ query: 'subscription { __typename }' }) },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a subscription asked for as JSON',
      '/graphql',
      { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ query: 'subscription { eventStreamEvents { id } }' }) },
      406,
      'NOT_ACCEPTABLE',
    ],
    [
      'a mutation sent with GET',
      `/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
      { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } },
      405,
      'BAD_REQUEST',
    ],
    ['malformed JSON', '/graphql', { method: 'POST', headers: JSON_HEADERS, body: '{"query": ' }, 400, 'BAD_REQUEST'],
    ['no query', '/graphql', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ variables: {} }) }, 400, 'BAD_REQUEST'],
    [
      'a method GraphQL does not use',
      '/graphql',
      { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ query: '{ __typename }' }) },
      405,
      'BAD_REQUEST',
    ],
    ['a path that is not the endpoint', '/nowhere', { headers: { accept: 'application/json' } }, 404, 'NOT_FOUND'],
  ];

  it.each(cases)('%s', async (_, path, init, status, code) => {
    const res = await answer(path, init);
    expect(res.status).toBe(status);
    expect(res.errors.length).toBeGreaterThan(0);
    for (const error of res.errors) {
      expect(error.extensions?.code).toBe(code);
      expect(error.message).not.toBe('');
    }
  });

  it('a GET whose URL is longer than Node accepts', async () => {
    const res = await answer(`/graphql?query=${encodeURIComponent(`{ __typename }${' '.repeat(100_000)}`)}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(res.status).toBe(431);
    expect(res.errors[0]!.extensions?.code).toBe('REQUEST_HEADER_FIELDS_TOO_LARGE');
  });

  it('malformed JSON is not quoted back: a mutation input in it may hold a secret', async () => {
    const body = '{"query": "mutation($t: String!) { __typename }", "variables": {"t": "token-12345678-secret"';
    const res = await answer('/graphql', { method: 'POST', headers: JSON_HEADERS, body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.errors)).not.toContain('token-12345678-secret');
  });

  it('a variable left out', async () => {
    const res = await answer('/graphql', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: 'query($name: String!) { __type(name: $name) { name } }' }),
    });
    expect(res.status).toBe(400);
    expect(res.errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a subscription asked for as JSON is refused before anything runs, saying how to ask for one', async () => {
    const res = await answer('/graphql', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: 'subscription { eventStreamEvents { id } }' }),
    });
    expect(res.errors[0]!.message).toMatch(/text\/event-stream/);
    expect(env.totalCalls()).toBe(0);
    expect(env.gateway.subscriptions.size).toBe(0);
  });
});
