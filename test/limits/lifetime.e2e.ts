/**
 * A request's REST calls end with it: at its deadline it answers with what it
 * has, and a client that leaves cancels them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { supportServiceSid, waitFor } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('request deadline', () => {
  it('answers at the deadline with what it has and a DEADLINE_EXCEEDED error where calls were cancelled', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 300 } });
    const service = await supportServiceSid(env);
    // Once Twilio has accepted the credential, its calls no longer go one at a time.
    expect((await env.query(`{ chatServices(first: 1) { nodes { sid } } }`)).errors).toBeUndefined();
    env.emulator.injectFault({ operation: 'chat.ListChannel', stallMs: 5_000 });
    const started = Date.now();
    const res = await env.query(
      `query($s: String!) { fast: chatService(sid: $s) { friendlyName } slow: chatService(sid: $s) { channels(first: 2) { nodes { sid } } } }`,
      { s: service },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    expect(res.status).toBe(200);
    expect(res.data.fast).toEqual({ friendlyName: 'Acme Support' });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path?.[0]).toBe('slow');
    expect(res.errors![0]!.extensions?.code).toBe('DEADLINE_EXCEEDED');
    expect(res.errors![0]!.message).toContain('300 ms');
    expect(env.gateway.requests.size).toBe(0);
    expect(env.transport.limiter.stats(DEMO_ACCOUNT.accountSid)).toEqual({ active: 0, queued: 0 });
  });

  it('leaves no request behind once answered in time', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 5_000 } });
    const res = await env.query(`{ chatServices(first: 1) { nodes { sid } } }`);
    expect(res.errors).toBeUndefined();
    expect(env.gateway.requests.size).toBe(0);
  });
});

describe('client disconnect', () => {
  it('cancels every REST call of a request whose client leaves: the emulator counter stops growing', async () => {
    env = await startGateway({ emulator: { latencyMs: 50 }, transport: { maxInFlightPerAccount: 4 } });
    const service = await supportServiceSid(env);
    env.resetCalls();
    const client = new AbortController();
    const query = `query($s: String!) { chatService(sid: $s) { channels(first: 30) { nodes { members(first: 5) { nodes { identity } } messages(last: 5) { nodes { body } } } } } }`;
    const gone = fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { s: service } }),
      signal: client.signal,
    }).catch((e: unknown) => e);
    setTimeout(() => client.abort(), 100);
    expect(await gone).toMatchObject({ name: 'AbortError' });
    const current = env;
    // The gateway has seen the client go (on a loaded machine, some time after the client did), and the calls it had out have ended.
    await waitFor(
      () => current.gateway.requests.size === 0 && current.transport.limiter.stats(DEMO_ACCOUNT.accountSid).active === 0,
      5_000,
      'the calls to end',
    );
    // Calls sent just before the client left may not have been read by the emulator yet (it reads its sockets on
    // later turns of the event loop, later still on a loaded machine): they are let in before counting what follows.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterAbort = env.totalCalls();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(env.totalCalls()).toBe(afterAbort);
    // 61 calls without the cancellation; a few made it out in the first 100 ms.
    expect(afterAbort).toBeLessThan(20);
    expect(env.gateway.requests.size).toBe(0);
  });
});
