/**
 * Credentials are checked before the body is read: a request without usable
 * ones is answered 401 UNAUTHENTICATED and nothing of it is parsed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postHeadersFirst } from './support/http.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { DEFAULT_DOCUMENT_LIMITS } from '../../src/limits/document.ts';
import { ParseCache } from '../../src/limits/parse-cache.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';

let env: GatewayEnv;
const parseCache = new ParseCache(DEFAULT_DOCUMENT_LIMITS.parseCacheBytes);
const basic = (user: string, secret: string) => 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');

beforeAll(async () => {
  // No credentials of its own: every request must bring some.
  env = await startGateway({ gateway: { credentials: null, parseCache } });
});
afterAll(() => env?.close());

describe('a request without usable credentials', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no Authorization header', {}, 'No Twilio credentials'],
    ['a scheme other than Basic', { authorization: 'Bearer abc' }, 'Authorization must be Basic'],
    ['Basic without a colon', { authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') }, 'Authorization must be Basic'],
    ['a user that is no SID', { authorization: basic('someone', 'secret') }, 'account SID (AC…) or an API key SID'],
    ['an API key without X-Twilio-Account-Sid', { authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret) }, 'X-Twilio-Account-Sid'],
  ];

  it.each(cases)('%s: 401 UNAUTHENTICATED, and the document is never parsed', async (_, headers, message) => {
    // Distinct valid documents: had any been parsed, the parse cache would hold it.
    const query = `{ chatServices { nodes { sid } } } # ${message}`;
    const res = await env.query(query, undefined, headers);
    expect(res.status).toBe(401);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors![0]!.message).toContain(message);
    expect(parseCache.has(query)).toBe(false);
    expect(parseCache.size).toBe(0);
    expect(env.totalCalls()).toBe(0);
  });

  it('is answered before its body has been sent', async () => {
    // Headers and a first chunk of a body declared at 100 kB: the 401 must come without the rest.
    const answer = await postHeadersFirst(`${env.url}/graphql`, { 'content-type': 'application/json', 'content-length': 100_000 }, '{"query": "{ __typename ');
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(parseCache.size).toBe(0);
  });

  it('with credentials, the same document is parsed and answered', async () => {
    const query = '{ chatServices { nodes { sid } } }';
    const res = await env.query(query, undefined, { authorization: basic(DEMO_ACCOUNT.accountSid, DEMO_ACCOUNT.authToken) });
    expect(res.errors).toBeUndefined();
    expect(res.data.chatServices.nodes.length).toBeGreaterThan(0);
    expect(parseCache.has(query)).toBe(true);
  });
});
