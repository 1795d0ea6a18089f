/** The in-process store: per-account tags, TTLs, its byte bound, and no answer stored that began before an invalidation of what it read. */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/cache/store.ts';

const A = 'AC00000000000000000000000000000001';
const B = 'AC00000000000000000000000000000002';
const key = (account: string, n: number) => `${account}.${n.toString(16).padStart(64, '0')}`;
const answer = (text: string) => ({ data: { text } });

describe('MemoryStore', () => {
  it('drops the answers carrying an invalidated tag, in that account only', async () => {
    const store = new MemoryStore({ maxBytes: 1_000_000, raceWindowMs: 1_000 });
    await store.set(key(A, 1), answer('a1'), { account: A, tags: ['x', 'y'], ttlMs: 60_000, startedAgoMs: 0 });
    await store.set(key(A, 2), answer('a2'), { account: A, tags: ['y'], ttlMs: 60_000, startedAgoMs: 0 });
    await store.set(key(B, 1), answer('b1'), { account: B, tags: ['x'], ttlMs: 60_000, startedAgoMs: 0 });
    await store.invalidate(A, ['x']);
    expect(await store.get(key(A, 1))).toBeNull();
    expect(await store.get(key(A, 2))).toEqual(answer('a2'));
    expect(await store.get(key(B, 1))).toEqual(answer('b1'));
  });

  it('does not store an answer whose execution began before one of its tags was invalidated', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ maxBytes: 1_000_000, raceWindowMs: 1_000, clock });
    await store.invalidate(A, ['x']);
    clock.advance(20);
    // Began 50 ms ago, before the invalidation: it may hold what the write changed.
    await store.set(key(A, 1), answer('old'), { account: A, tags: ['x'], ttlMs: 60_000, startedAgoMs: 50 });
    expect(await store.get(key(A, 1))).toBeNull();
    // Began after it: stored.
    await store.set(key(A, 1), answer('new'), { account: A, tags: ['x'], ttlMs: 60_000, startedAgoMs: 5 });
    expect(await store.get(key(A, 1))).toEqual(answer('new'));
  });

  it('lets answers expire, and keeps within its byte bound', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ maxBytes: 200, raceWindowMs: 1_000, clock });
    await store.set(key(A, 1), answer('short-lived'), { account: A, tags: ['x'], ttlMs: 30, startedAgoMs: 0 });
    clock.advance(29);
    expect(await store.get(key(A, 1))).not.toBeNull();
    clock.advance(2);
    expect(await store.get(key(A, 1))).toBeNull();
    for (let n = 0; n < 20; n++) await store.set(key(A, n), answer('x'.repeat(40)), { account: A, tags: ['x'], ttlMs: 60_000, startedAgoMs: 0 });
    expect(store.size).toBeLessThanOrEqual(4);
    await store.set(key(A, 99), answer('x'.repeat(500)), { account: A, tags: ['x'], ttlMs: 60_000, startedAgoMs: 0 });
    expect(await store.get(key(A, 99))).toBeNull();
  });
});

/** A clock the test moves: the store times TTLs and invalidations with it. */
function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}
