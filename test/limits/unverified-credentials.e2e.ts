/**
 * Anyone who knows an account SID can send `Basic <SID>:<a new secret each
 * time>`: every such credential is new to the gateway, so each one must be put
 * to Twilio once. These probes take no share of the account's real requests,
 * wait in a short line, and the gateway's own configured credentials never
 * wait behind them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { countCodes, startAttack } from '../support/attackers.ts';
import { supportServiceSid, waitFor } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const LATENCY_MS = 200;
// The in-flight cap the attack was measured with; the probes may hold a quarter of it (8).
const MAX_IN_FLIGHT = 32;
const UNVERIFIED_CAP = MAX_IN_FLIGHT / 4;
// An account SID Twilio does not know: the control for a storm against the demo account.
const OTHER_ACCOUNT_SID = `AC${'f'.repeat(32)}`;

const attackQuery = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: chatServices(first: 1) { nodes { sid } }`).join(' ')} }`;

// The account's own query, with the gateway's configured credentials: 66 calls, two levels.
const realQuery = `query($s: String!) { chatService(sid: $s) { friendlyName channels(first: 32) { nodes { members(first: 5) { nodes { identity } } messages(last: 2) { nodes { body } } } } } }`;

async function timed(current: GatewayEnv, service: string): Promise<number> {
  const started = performance.now();
  const res = await current.query(realQuery, { s: service });
  expect(res.errors).toBeUndefined();
  expect(res.extensions?.cost?.restCalls).toBe(66);
  return performance.now() - started;
}

describe('credentials Twilio has not accepted yet', () => {
  it("do not slow the account's real requests: 40 clients guessing a new secret each time", async () => {
    env = await startGateway({ emulator: { latencyMs: LATENCY_MS }, transport: { maxInFlightPerAccount: MAX_IN_FLIGHT } });
    const current = env;
    const service = await supportServiceSid(current);
    await timed(current, service); // warm up
    const alone = Math.max(await timed(current, service), await timed(current, service));

    // The same storm against this account and, as a control, against another one: answered at once, 40 clients
    // keep the gateway's event loop busy whichever account they name. Only the difference is this account's.
    const during = async (accountSid: string) => {
      current.resetCalls();
      const attack = startAttack({ url: `${current.url}/graphql`, clients: 40, query: attackQuery, accountSid });
      const started = performance.now();
      let took = 0;
      let codes: Record<string, number> = {};
      try {
        await waitFor(() => current.emulator.stats().unauthenticated >= UNVERIFIED_CAP, 5_000, 'the first failed logins');
        took = await timed(current, service);
      } finally {
        codes = countCodes(await attack.stop());
      }
      const periods = Math.ceil((performance.now() - started) / LATENCY_MS);
      // Every guess was refused, by Twilio or by the line, and Twilio saw at most the probing slots' worth of failed logins per latency.
      expect(codes.UNAUTHENTICATED).toBeGreaterThan(0);
      expect(codes.RATE_LIMITED).toBeGreaterThan(0);
      for (const code of Object.keys(codes)) expect(['UNAUTHENTICATED', 'RATE_LIMITED']).toContain(code);
      expect(current.emulator.stats().unauthenticated).toBeLessThanOrEqual(UNVERIFIED_CAP * (periods + 1));
      return took;
    };
    const elsewhere = await during(OTHER_ACCOUNT_SID);
    const here = await during(DEMO_ACCOUNT.accountSid);
    expect(here).toBeLessThan(Math.max(alone * 2, elsewhere * 1.5) + 300);
  }, 60_000);

  it("never delay the gateway's own credentials, even on its first request", async () => {
    env = await startGateway({ emulator: { latencyMs: LATENCY_MS }, transport: { maxInFlightPerAccount: MAX_IN_FLIGHT } });
    const current = env;
    const attack = startAttack({ url: `${current.url}/graphql`, clients: 200, requestsPerClient: 1, query: attackQuery, accountSid: DEMO_ACCOUNT.accountSid });
    // The probing slots are taken and a line waits before the real request arrives.
    await waitFor(() => current.emulator.stats().total >= UNVERIFIED_CAP, 5_000, 'the first probes');
    const started = performance.now();
    const res = await current.query(`{ chatServices(first: 1) { nodes { friendlyName } } }`);
    const elapsed = performance.now() - started;
    expect(res.errors).toBeUndefined();
    expect(res.data.chatServices.nodes).toHaveLength(1);
    // One call: one latency, and room for the CPU of 200 requests arriving at once.
    expect(elapsed).toBeLessThan(LATENCY_MS * 5);
    const codes = countCodes(await attack.answers);
    expect(codes.UNAUTHENTICATED! + codes.RATE_LIMITED!).toBe(200);
  });

  it('wait in a short line: past it a request fails at once with RATE_LIMITED, and Twilio sees a bounded number of failed logins', async () => {
    // Long enough that the whole burst arrives while the first probes are still out.
    const latency = 1_500;
    env = await startGateway({ emulator: { latencyMs: latency }, transport: { maxInFlightPerAccount: MAX_IN_FLIGHT } });
    const current = env;
    current.resetCalls();
    const answers = await startAttack({
      url: `${current.url}/graphql`,
      clients: 200,
      requestsPerClient: 1,
      query: attackQuery,
      accountSid: DEMO_ACCOUNT.accountSid,
    }).answers;
    const stats = current.emulator.stats();
    // 8 probing and 8 in line; a round more in case part of the burst arrives late.
    expect(stats.unauthenticated).toBeGreaterThanOrEqual(UNVERIFIED_CAP * 2);
    expect(stats.unauthenticated).toBeLessThanOrEqual(UNVERIFIED_CAP * 3);
    expect(stats.total).toBe(stats.unauthenticated);
    const limited = answers.filter((answer) => answer.code === 'RATE_LIMITED');
    expect(answers.filter((answer) => answer.code === 'UNAUTHENTICATED')).toHaveLength(stats.unauthenticated);
    expect(limited).toHaveLength(200 - stats.unauthenticated);
    for (const answer of limited) {
      // Refused before it is parsed: one error for the whole request, HTTP 429, and sooner than Twilio could have answered.
      expect(answer).toMatchObject({ status: 429, errors: 1, hasData: false });
      expect(answer.message).toMatch(/^Too many unverified credentials for this account at once; retry shortly/);
      expect(answer.ms).toBeLessThan(latency);
    }
  });
});
