/**
 * Anyone who knows an account SID can send `Basic <SID>:<anything>`. Such
 * requests cost Twilio a handful of calls, not one per field, and do not slow
 * the account's real requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { basic, supportServiceSid } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const FIELDS = 10;
const stormQuery = `{ ${Array.from({ length: FIELDS }, (_, i) => `a${i}: chatService(sid: "IS${i.toString(16).padStart(32, '0')}") { sid }`).join(' ')} }`;
const wrong = { authorization: basic(DEMO_ACCOUNT.accountSid, 'wrong') };

function storm(current: GatewayEnv, requests: number, headers: Record<string, string> = wrong) {
  return Promise.all(Array.from({ length: requests }, () => current.query(stormQuery, undefined, headers)));
}

describe('a credential Twilio refused', () => {
  it('costs one REST call however many requests and fields use it, each field failing UNAUTHENTICATED', async () => {
    env = await startGateway({ emulator: { latencyMs: 20 } });
    env.resetCalls();
    const answers = await storm(env, 30);
    expect(env.totalCalls()).toBe(1);
    for (const res of answers) {
      expect(res.errors).toHaveLength(FIELDS);
      expect(new Set(res.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['UNAUTHENTICATED']));
      expect(JSON.stringify(res)).not.toContain('wrong');
    }
    // Later requests with it are refused from memory.
    await storm(env, 5);
    expect(env.totalCalls()).toBe(1);
  });

  it('is refused the same way with an API key', async () => {
    env = await startGateway();
    env.resetCalls();
    await storm(env, 10, { authorization: basic(DEMO_ACCOUNT.apiKey, 'wrong'), 'x-twilio-account-sid': DEMO_ACCOUNT.accountSid });
    expect(env.totalCalls()).toBe(1);
  });

  it("does not slow the account's real requests", async () => {
    env = await startGateway({ emulator: { latencyMs: 50 }, transport: { maxInFlightPerAccount: 8 } });
    const service = await supportServiceSid(env);
    const current = env;
    const real = async () => {
      const started = Date.now();
      const res = await current.query(
        `query($s: String!) { chatService(sid: $s) { channels(first: 10) { nodes { members(first: 5) { nodes { identity } } } } } }`,
        { s: service },
      );
      expect(res.errors).toBeUndefined();
      return Date.now() - started;
    };
    await real(); // warm up
    const alone = Math.max(await real(), await real(), await real());
    const duringStorm = async () => {
      const [latency] = await Promise.all([real(), storm(current, 12)]);
      return latency;
    };
    const during = Math.max(await duringStorm(), await duringStorm(), await duringStorm());
    // The storm still costs some CPU in this one process; it no longer takes the account's slots.
    expect(during).toBeLessThan(alone * 2 + 250);
  });

  it('lets distinct made-up secrets make one call each, refuses those past the line at once, and the real requests still answer', async () => {
    env = await startGateway({ emulator: { latencyMs: 20 }, transport: { maxInFlightPerAccount: 8 } });
    const service = await supportServiceSid(env);
    env.resetCalls();
    const guesses = Promise.all(Array.from({ length: 40 }, (_, i) => storm(env!, 1, { authorization: basic(DEMO_ACCOUNT.accountSid, `guess-${i}`) })));
    const res = await env.query(`query($s: String!) { chatService(sid: $s) { channels(first: 10) { nodes { members(first: 5) { nodes { identity } } } } } }`, {
      s: service,
    });
    expect(res.errors).toBeUndefined();
    const codes = (await guesses).map(([answer]) => answer!.errors![0]!.extensions?.code);
    const probed = codes.filter((code) => code === 'UNAUTHENTICATED').length;
    // A quarter of the 8 slots probing (2) and as many secrets in line: the others are refused before any call.
    expect(probed).toBeGreaterThanOrEqual(4);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(40 - probed);
    // One probe per secret that got one, and the real query's 11 calls.
    expect(env.totalCalls()).toBe(probed + 11);
    expect(env.emulator.stats().unauthenticated).toBe(probed);
  });
});
