/** The REST client of one GraphQL request: its budget counts every HTTP attempt. */
import { describe, expect, it } from 'vitest';
import { RequestTwilioClient } from '../../src/twilio/request-client.ts';
import { RestBudgetExceeded } from '../../src/twilio/request-errors.ts';
import * as chat from '../../src/twilio/chat.ts';
import { ACCOUNT_SID, AUTH_TOKEN, json, startServer, testTransport, twilioError } from '../twilio/support/http.ts';

const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
const sid = (n: number) => `IS${n.toString(16).padStart(32, '0')}`;

describe('RequestTwilioClient budget', () => {
  it('counts retries as REST calls and makes no retry past the budget', async () => {
    await using server = await startServer((_req, res) => twilioError(res, 503, 20503, 'Service unavailable'));
    await using transport = testTransport(server.url, { retry: { maxRetries: 3 } });
    const client = new RequestTwilioClient(transport, credentials, { maxCalls: 6 });
    expect(client.maxRestCalls).toBe(6);
    const results = await Promise.allSettled([1, 2].map((n) => chat.fetchService(client, { path: { Sid: sid(n) } })));
    // Two reads of four attempts each would be 8; the budget allows 6.
    expect(server.requests).toHaveLength(6);
    expect(client.restCalls).toBe(6);
    // Two first attempts; the rest were retries.
    expect(client.retries).toBe(4);
    const reasons = results.map((r) => (r.status === 'rejected' ? r.reason : undefined));
    expect(reasons.some((e) => e instanceof RestBudgetExceeded && e.limit === 6)).toBe(true);
  });

  it('counts the attempts actually sent, not the calls refused by the budget', async () => {
    await using server = await startServer((_req, res) => json(res, 200, { sid: sid(1) }));
    await using transport = testTransport(server.url);
    const client = new RequestTwilioClient(transport, credentials, { maxCalls: 2 });
    await Promise.allSettled([1, 2, 3, 4].map((n) => chat.fetchService(client, { path: { Sid: sid(n) } })));
    expect(server.requests).toHaveLength(2);
    expect(client.restCalls).toBe(2);
  });
});
