/**
 * Twilio counts an account's concurrent REST calls whichever replica sends
 * them. Two gateway processes (`src/main.ts`) sharing a real redis-server,
 * each running wide queries against one emulator, never have more calls of
 * the account in flight at the emulator than TWILIO_MAX_IN_FLIGHT; and a
 * replica killed with SIGKILL mid-load, which releases nothing, gives its
 * slots back within its lease time.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { startMainProcess } from '../support/main-process.ts';

const LIMIT = 8;
const LEASE_MS = 1_000;
const CHANNELS = 40;
const LEASES = `twilio-gateway:inflight:{${DEMO_ACCOUNT.accountSid}}:leases`;

interface Replica {
  origin: string;
  /** The prefix of this replica's lease ids in Redis. */
  leases: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

let redis: RedisServer;
let emulator: Emulator;
let inspector: Redis;
let service: string;
const replicas: Replica[] = [];

async function startReplica(): Promise<Replica> {
  const env = { REDIS_URL: redis.url, TWILIO_MAX_IN_FLIGHT: String(LIMIT), TWILIO_IN_FLIGHT_LEASE_MS: String(LEASE_MS) };
  const ready = /gateway on (http:\/\/[^/]+)\/graphql[\s\S]*leases: ([0-9a-f]+)\)/;
  const main = await startMainProcess(env, ready, emulator);
  const replica = { origin: main.origin, leases: ready.exec(main.output())![2]!, process: main.process, stop: main.stop };
  replicas.push(replica);
  return replica;
}

/** A Chat service of CHANNELS channels with 5 members each, made through the emulator's engine. */
function wideService(): string {
  const { engine } = emulator;
  const account = DEMO_ACCOUNT.accountSid;
  const sidOf = (result: { body: unknown }) => (result.body as { sid: string }).sid;
  const sid = sidOf(engine.call(account, 'chat.CreateService', {}, { FriendlyName: 'Wide' }));
  for (let c = 0; c < CHANNELS; c++) {
    const channel = sidOf(engine.call(account, 'chat.CreateChannel', { ServiceSid: sid }, { UniqueName: `c${c}` }));
    for (let m = 0; m < 5; m++) engine.call(account, 'chat.CreateMember', { ServiceSid: sid, ChannelSid: channel }, { Identity: `user${m}` });
  }
  return sid;
}

const WIDE = `query($s: String!) { chatService(sid: $s) { channels(first: ${CHANNELS}) { nodes { uniqueName members(first: 5) { nodes { identity } } } } } }`;

async function wideQuery(origin: string): Promise<{ errors?: unknown[]; data?: any }> {
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: WIDE, variables: { s: service } }),
  });
  return (await res.json()) as { errors?: unknown[]; data?: any };
}

/** The replicas' lease-id prefixes found in Redis now. */
async function holders(): Promise<Set<string>> {
  return new Set((await inspector.zrange(LEASES, 0, -1)).map((id) => id.split('|')[0]!));
}

beforeAll(async () => {
  redis = await startRedis();
  emulator = await createEmulator({ port: 0, seed: 'demo', latencyMs: 20 });
  service = wideService();
  inspector = new Redis(redis.url);
  await Promise.all([startReplica(), startReplica()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  inspector?.disconnect();
  await emulator?.close();
  await redis?.stop();
});

describe('TWILIO_MAX_IN_FLIGHT across replicas sharing Redis', () => {
  it('never lets the emulator see more of the account in flight than the limit, with both replicas busy', async () => {
    const [a, b] = replicas as [Replica, Replica];
    // Warm up: connections, JIT, scripts loaded.
    await Promise.all([wideQuery(a.origin), wideQuery(b.origin)]);
    emulator.resetStats();
    const answers = await Promise.all([a, b, a, b].map(({ origin }) => wideQuery(origin)));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.chatService.channels.nodes).toHaveLength(CHANNELS);
    }
    const peak = emulator.stats().peakInFlight[DEMO_ACCOUNT.accountSid];
    // 4 × 41 calls at once, each replica allowed 8 of its own: without the shared limit the emulator would see 16.
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(peak).toBeGreaterThanOrEqual(LIMIT - 1);
    await expect.poll(() => inspector.zcard(LEASES)).toBe(0);
  });

  it("gives back a SIGKILLed replica's slots within its lease time, while the other replica's load goes on", async () => {
    const [doomed, survivor] = replicas as [Replica, Replica];
    emulator.setLatency(300);
    emulator.resetStats();
    const survivorAnswers = [wideQuery(survivor.origin), wideQuery(survivor.origin)];
    void wideQuery(doomed.origin).catch(() => undefined);
    void wideQuery(doomed.origin).catch(() => undefined);
    await expect.poll(async () => (await holders()).has(doomed.leases), { timeout: 5_000, interval: 20 }).toBe(true);
    const held = (await inspector.zrange(LEASES, 0, -1)).filter((id) => id.startsWith(`${doomed.leases}|`)).length;
    expect(held).toBeGreaterThan(0);
    doomed.process.kill('SIGKILL');
    const killedAt = performance.now();
    await once(doomed.process, 'exit');
    // Its leases stay until they expire: renewed at most a third of a lease before the kill.
    await expect.poll(async () => (await holders()).has(doomed.leases), { timeout: LEASE_MS * 3, interval: 20 }).toBe(false);
    const freedAfter = performance.now() - killedAt;
    expect(freedAfter).toBeLessThan(LEASE_MS + 400);
    for (const answer of await Promise.all(survivorAnswers)) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.chatService.channels.nodes).toHaveLength(CHANNELS);
    }
    expect(emulator.stats().peakInFlight[DEMO_ACCOUNT.accountSid]).toBeLessThanOrEqual(LIMIT);
    emulator.setLatency(20);
  });
});
