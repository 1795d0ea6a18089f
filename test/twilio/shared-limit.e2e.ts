/**
 * The account's in-flight limit shared through a real redis-server: two
 * limiters stand for two replicas. Never more leases than the limit across
 * both; a release wakes a waiting replica without polling; a dead replica's
 * leases expire; a live replica's are renewed; a replica waiting below its
 * part gets it; an abort ends a wait; and with Redis unreachable, calls go
 * ahead at once (fail open), counted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisInFlightLimit } from '../../src/twilio/shared-limit.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

const ACCOUNT = 'AC00000000000000000000000000000001';
const LEASES = `twilio-gateway:inflight:{${ACCOUNT}}:leases`;

let redis: RedisServer;
let inspector: Redis;
const limiters: RedisInFlightLimit[] = [];

beforeAll(async () => {
  redis = await startRedis();
  inspector = new Redis(redis.url);
});

afterAll(async () => {
  inspector?.disconnect();
  await redis?.stop();
});

afterEach(async () => {
  await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
  await inspector.flushall();
});

function replica(limit: number, options: { leaseMs?: number; url?: string; warnings?: string[] } = {}): RedisInFlightLimit {
  const limiter = new RedisInFlightLimit({
    url: options.url ?? redis.url,
    limit,
    leaseMs: options.leaseMs ?? 5_000,
    onWarning: (message) => options.warnings?.push(message),
  });
  limiters.push(limiter);
  return limiter;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Script calls Redis has run so far (EVAL and EVALSHA). */
async function scriptCalls(): Promise<number> {
  const info = await inspector.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

describe('the in-flight limit shared through Redis', () => {
  it('never grants more leases than the limit across two replicas, and frees them all', async () => {
    const a = replica(4);
    const b = replica(4);
    let inFlight = 0;
    let peak = 0;
    const work = async (limiter: RedisInFlightLimit) => {
      const release = await limiter.acquire(ACCOUNT);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(5 + Math.random() * 15);
      inFlight--;
      release();
    };
    await Promise.all(Array.from({ length: 60 }, (_, i) => work(i % 2 ? a : b)));
    expect(peak).toBe(4);
    await expect.poll(() => inspector.zcard(LEASES)).toBe(0);
    expect(a.stats()).toMatchObject({ leases: 0, waiting: 0, failedOpen: 0 });
  });

  it('wakes a waiting replica when a slot is released, without polling Redis in a loop', async () => {
    const a = replica(1);
    const b = replica(1);
    const releaseA = await a.acquire(ACCOUNT);
    const before = await scriptCalls();
    let acquiredAt = 0;
    const waiting = b.acquire(ACCOUNT).then((release) => {
      acquiredAt = performance.now();
      return release;
    });
    await sleep(600);
    const during = (await scriptCalls()) - before;
    // Jittered backoff up to 250 ms between tries: a handful in 600 ms, not hundreds.
    expect(during).toBeLessThanOrEqual(12);
    expect(b.stats().waiting).toBe(1);
    const releasedAt = performance.now();
    releaseA();
    const releaseB = await waiting;
    // Told by the release, not by its next try (up to 250 ms away).
    expect(acquiredAt - releasedAt).toBeLessThan(100);
    releaseB();
  });

  it("frees a dead replica's leases within the lease time, and renews a live replica's", async () => {
    const leaseMs = 400;
    const live = replica(3, { leaseMs });
    const held = await live.acquire(ACCOUNT);
    // A replica that died holding two leases: never renewed, never released.
    const [seconds, micros] = (await inspector.time()) as unknown as [string | number, string | number];
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await inspector.zadd(LEASES, now + leaseMs, 'dead|1', now + leaseMs, 'dead|2');
    const other = replica(3, { leaseMs });
    const started = performance.now();
    const first = await other.acquire(ACCOUNT); // the one free slot
    const second = await other.acquire(ACCOUNT); // waits for a dead lease to expire
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(leaseMs / 2);
    expect(waited).toBeLessThan(leaseMs + 300);
    // Held three times its lease time: still counted, as the live replica renews it.
    await sleep(leaseMs * 3);
    expect(await inspector.zcard(LEASES)).toBe(3);
    const fourth = other.acquire(ACCOUNT, AbortSignal.timeout(300));
    await expect(fourth).rejects.toThrow();
    expect(live.stats().leasesLost).toBe(0);
    held();
    first();
    second();
    await expect.poll(() => inspector.zcard(LEASES)).toBe(0);
  });

  it('gives the slots freed to a replica waiting below its part of the limit, not to the busy replica that freed them', async () => {
    const busy = replica(4);
    const quiet = replica(4);
    const held = await Promise.all(Array.from({ length: 4 }, () => busy.acquire(ACCOUNT)));
    const busyWaiting = Array.from({ length: 10 }, () => busy.acquire(ACCOUNT));
    let quietGot = 0;
    const quietWaiting = Array.from({ length: 2 }, () => quiet.acquire(ACCOUNT).then((release) => (quietGot++, release)));
    await sleep(100);
    // The busy replica asks again the moment it releases, ahead of any notice to the other: its part (2 of 4) stops it.
    held[0]!();
    await expect.poll(() => quietGot, { timeout: 1_000 }).toBe(1);
    held[1]!();
    await expect.poll(() => quietGot, { timeout: 1_000 }).toBe(2);
    expect(busy.stats()).toMatchObject({ leases: 2, waiting: 10 });
    for (const release of [...held.slice(2), ...(await Promise.all(quietWaiting))]) release();
    for (const waiting of busyWaiting) (await waiting)();
    await expect.poll(() => inspector.zcard(LEASES)).toBe(0);
  });

  it("ends a wait when its signal aborts, with the signal's reason, and holds nothing for it", async () => {
    const a = replica(1);
    const release = await a.acquire(ACCOUNT);
    const controller = new AbortController();
    const waiting = a.acquire(ACCOUNT, controller.signal);
    await sleep(50);
    controller.abort(new Error('request ended'));
    await expect(waiting).rejects.toThrow('request ended');
    release();
    await expect.poll(() => inspector.zcard(LEASES)).toBe(0);
    expect(a.stats()).toMatchObject({ leases: 0, waiting: 0 });
  });

  it('lets calls go ahead at once when Redis cannot be reached, counting them and saying so once', async () => {
    const gone = await startRedis();
    const url = gone.url;
    await gone.stop();
    const warnings: string[] = [];
    const limiter = replica(1, { url, warnings });
    const started = performance.now();
    const releases = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire(ACCOUNT)));
    expect(performance.now() - started).toBeLessThan(1_500);
    for (const release of releases) release();
    expect(limiter.stats().failedOpen).toBe(5);
    // Later calls do not wait for Redis again while it stays away.
    const again = performance.now();
    (await limiter.acquire(ACCOUNT))();
    expect(performance.now() - again).toBeLessThan(50);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(warnings.join('\n')).not.toContain(url);
  });
});
