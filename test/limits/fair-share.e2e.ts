/**
 * One request may not hold more than its share of its account's in-flight
 * slots: a request whose calls all stall leaves room for the account's other
 * requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { supportServiceSid, waitFor } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('fair share of an account', () => {
  it('answers a second request promptly while the first one has every call stalled', async () => {
    env = await startGateway({ transport: { maxInFlightPerAccount: 8, timeoutMs: 5_000, retry: { maxRetries: 0 } } });
    const service = await supportServiceSid(env);
    env.emulator.injectFault({ operation: 'chat.ListMember', stallMs: 4_000, count: 1_000 });
    const hog = new AbortController();
    const stalled = fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($s: String!) { chatService(sid: $s) { channels(first: 30) { nodes { members(first: 5) { nodes { identity } } } } } }`,
        variables: { s: service },
      }),
      signal: hog.signal,
    }).catch(() => undefined);
    // The hog has taken every slot it is allowed before the second request arrives.
    const current = env;
    await waitFor(() => (current.calls()['chat.ListMember'] ?? 0) >= 4, 3_000, 'the stalled calls');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    const res = await env.query(`query($s: String!) { chatService(sid: $s) { friendlyName } }`, { s: service });
    const elapsed = Date.now() - started;
    expect(res.errors).toBeUndefined();
    expect(res.data.chatService.friendlyName).toBe('Acme Support');
    expect(elapsed).toBeLessThan(1_500);
    hog.abort();
    await stalled;
  });
});
