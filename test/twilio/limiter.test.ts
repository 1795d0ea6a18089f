import { describe, expect, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import { fairShare } from '../../src/twilio/client.ts';
import { KeyedLimiter, LimiterLineFull } from '../../src/twilio/limiter.ts';
import { ACCOUNT_SID, AUTH_TOKEN, json, startServer, testTransport } from './support/http.ts';

const OTHER_ACCOUNT = 'ACffffffffffffffffffffffffffffffff';
const SERVICE = 'IS0123456789abcdef0123456789abcdef';

describe('KeyedLimiter', () => {
  it('admits up to the limit per key, then serves waiters first come first served', async () => {
    const limiter = new KeyedLimiter(2);
    const a1 = await limiter.acquire('a');
    const a2 = await limiter.acquire('a');
    const b1 = await limiter.acquire('b'); // another key has its own slots
    const order: string[] = [];
    const third = limiter.acquire('a').then((release) => (order.push('third'), release));
    const fourth = limiter.acquire('a').then((release) => (order.push('fourth'), release));
    expect(limiter.stats('a')).toEqual({ active: 2, queued: 2 });
    a1();
    a1(); // releasing twice frees one slot only
    const r3 = await third;
    expect(order).toEqual(['third']);
    a2();
    const r4 = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    r3();
    r4();
    b1();
    // Idle keys are forgotten.
    expect(limiter.stats('a')).toEqual({ active: 0, queued: 0 });
  });

  it('drops a waiter whose signal aborts', async () => {
    const limiter = new KeyedLimiter(1);
    const held = await limiter.acquire('a');
    const controller = new AbortController();
    const waiting = limiter.acquire('a', controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(limiter.stats('a')).toEqual({ active: 1, queued: 0 });
    held();
    expect(limiter.stats('a')).toEqual({ active: 0, queued: 0 });
  });
});

describe('KeyedLimiter with a share per holder', () => {
  it('keeps room for another holder: one holder alone gets the share its formula allows, not every slot', async () => {
    const limiter = new KeyedLimiter(8, { holderShare: fairShare });
    const a = { name: 'a' };
    const granted: string[] = [];
    const held: Array<Promise<() => void>> = [];
    for (let i = 0; i < 10; i++) held.push(limiter.acquire('acct', undefined, a).then((r) => (granted.push('a'), r)));
    await Promise.resolve();
    await Promise.resolve();
    expect(granted).toHaveLength(7); // (8 - 1) / 1: one slot kept free
    expect(limiter.stats('acct')).toEqual({ active: 7, queued: 3 });

    // A second holder is served at once from the slot the first could not take.
    const b = { name: 'b' };
    const releaseB = await limiter.acquire('acct', undefined, b);
    expect(limiter.stats('acct')).toEqual({ active: 8, queued: 3 });
    releaseB();
    await Promise.resolve();
    expect(limiter.stats('acct')).toEqual({ active: 7, queued: 3 });
    // Releases let the first holder's waiters in, never past its share.
    (await held[0]!)();
    await Promise.resolve();
    expect(limiter.stats('acct')).toEqual({ active: 7, queued: 2 });
    for (const h of held) void h.then((release) => release());
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(limiter.stats('acct')).toEqual({ active: 0, queued: 0 });
  });

  it('serves waiting holders in turn rather than first come first served', async () => {
    const limiter = new KeyedLimiter(2, { holderShare: () => 2 });
    const a = {};
    const b = {};
    const first = await limiter.acquire('k', undefined, a);
    const second = await limiter.acquire('k', undefined, a);
    const order: string[] = [];
    const waiters = [
      limiter.acquire('k', undefined, a).then((r) => (order.push('a1'), r)),
      limiter.acquire('k', undefined, a).then((r) => (order.push('a2'), r)),
      limiter.acquire('k', undefined, b).then((r) => (order.push('b1'), r)),
    ];
    first();
    await Promise.resolve();
    second();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    // a1 was served, then b's turn came before a's second waiter.
    expect(order).toEqual(['a1', 'b1']);
    (await waiters[0]!)();
    (await waiters[2]!)();
    (await waiters[1]!)();
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });

  it('gives a holder more as others leave', async () => {
    const limiter = new KeyedLimiter(6, { holderShare: fairShare });
    const a = {};
    const b = {};
    const releaseB = await limiter.acquire('k', undefined, b);
    const aHeld: Array<() => void> = [];
    const aAll = Array.from({ length: 4 }, () => limiter.acquire('k', undefined, a).then((r) => (aHeld.push(r), r)));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(aHeld).toHaveLength(2); // (6 - 1) / 2
    releaseB(); // a is alone now: (6 - 1) / 1 = 5, more than the 4 it wants
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(aHeld).toHaveLength(4);
    await Promise.all(aAll);
    aHeld.forEach((r) => r());
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });

  it('drops the waiter of a holder whose signal aborts, and forgets the key once idle', async () => {
    const limiter = new KeyedLimiter(1, { holderShare: fairShare });
    const a = {};
    const b = {};
    const aHeld = await limiter.acquire('k', undefined, a);
    const controller = new AbortController();
    const bWaiting = limiter.acquire('k', controller.signal, b);
    expect(limiter.stats('k')).toEqual({ active: 1, queued: 1 });
    controller.abort(new Error('gone'));
    await expect(bWaiting).rejects.toThrow('gone');
    expect(limiter.stats('k')).toEqual({ active: 1, queued: 0 });
    aHeld();
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
    // b's abandoned turn holds nothing: the next caller is served at once.
    (await limiter.acquire('k', undefined, b))();
  });
});

/** Lets every settled acquisition run its continuation. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('KeyedLimiter guests', () => {
  it('are no holders: a lone holder keeps its share of what the guests leave, and one slot stays free for a newcomer', async () => {
    const limiter = new KeyedLimiter(8, { holderShare: fairShare });
    const guests = [await limiter.acquireGuest('k'), await limiter.acquireGuest('k')];
    const a = {};
    const aHeld: Array<() => void> = [];
    for (let i = 0; i < 10; i++) void limiter.acquire('k', undefined, a).then((r) => aHeld.push(r));
    await settle();
    // (8 - 2 guests - 1) / 1 holder: the guests do not count as holders, which would have made it (8 - 1) / 3 = 2.
    expect(aHeld).toHaveLength(5);
    expect(limiter.stats('k')).toEqual({ active: 7, queued: 5 });
    // The free slot goes to a new holder at once.
    const releaseB = await limiter.acquire('k', undefined, {});
    releaseB();
    // As guests leave, the holder's share grows.
    guests.forEach((release) => release());
    await settle();
    expect(aHeld).toHaveLength(7);
    aHeld.splice(0).forEach((release) => release());
    await settle();
    aHeld.splice(0).forEach((release) => release());
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });

  it('never take the last free slot, and are served before waiting holders', async () => {
    const limiter = new KeyedLimiter(4, { holderShare: fairShare });
    const a = {};
    const held = [await limiter.acquire('k', undefined, a), await limiter.acquire('k', undefined, a), await limiter.acquire('k', undefined, a)];
    const order: string[] = [];
    const guest = limiter.acquireGuest('k').then((r) => (order.push('guest'), r));
    const more = limiter.acquire('k', undefined, a).then((r) => (order.push('a'), r));
    await settle();
    // One slot is free: it is kept for a new holder, who takes it at once.
    expect(order).toEqual([]);
    const releaseNewcomer = await limiter.acquire('k', undefined, {});
    held[0]!();
    releaseNewcomer();
    await settle();
    // Two slots free: the guest goes first; a, at its share of what the guest leaves ((4 - 1 - 1) / 1 = 2), waits.
    expect(order).toEqual(['guest']);
    (await guest)();
    await settle();
    expect(order).toEqual(['guest', 'a']);
    (await more)();
    held[1]!();
    held[2]!();
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });

  it('drop out of line when their signal aborts', async () => {
    const limiter = new KeyedLimiter(2, { holderShare: fairShare });
    const held = await limiter.acquireGuest('k');
    const controller = new AbortController();
    const waiting = limiter.acquireGuest('k', controller.signal);
    expect(limiter.stats('k')).toEqual({ active: 1, queued: 1 });
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    held();
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });
});

describe('KeyedLimiter line of waiting holders', () => {
  it('refuses a new holder at once past maxWaitingHolders, while a holder already in line may queue more', async () => {
    const limiter = new KeyedLimiter(2, { holderShare: () => 1, maxWaitingHolders: 2 });
    const running = [await limiter.acquire('k', undefined, 'a'), await limiter.acquire('k', undefined, 'b')];
    const waiting = [limiter.acquire('k', undefined, 'c'), limiter.acquire('k', undefined, 'd')];
    expect(limiter.wouldRefuse('k', 'e')).toBe(true);
    await expect(limiter.acquire('k', undefined, 'e')).rejects.toBeInstanceOf(LimiterLineFull);
    // Those already in line, or holding a slot, may queue more work; another key has its own line.
    expect(limiter.wouldRefuse('k', 'c')).toBe(false);
    expect(limiter.wouldRefuse('k', 'a')).toBe(false);
    waiting.push(limiter.acquire('k', undefined, 'c'));
    expect(limiter.wouldRefuse('other', 'e')).toBe(false);
    expect(limiter.stats('k')).toEqual({ active: 2, queued: 3 });
    // A holder served (c) leaves the line: there is room for one more.
    running[0]!();
    await settle();
    expect(limiter.wouldRefuse('k', 'e')).toBe(false);
    const e = limiter.acquire('k', undefined, 'e');
    running[1]!();
    for (const w of [...waiting, e]) (await w)();
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });

  it('lets the waiters of one holder go without a slot', async () => {
    const limiter = new KeyedLimiter(1, { holderShare: () => 1 });
    const held = await limiter.acquire('k', undefined, 'a');
    const waiting = [limiter.acquire('k', undefined, 'b'), limiter.acquire('k', undefined, 'b'), limiter.acquire('k', undefined, 'c')];
    expect(limiter.stats('k')).toEqual({ active: 1, queued: 3 });
    limiter.letGo('k', 'b');
    const [b1, b2] = await Promise.all(waiting.slice(0, 2));
    // They took no slot: releasing frees nothing, and c still waits for a's.
    b1!();
    b2!();
    expect(limiter.stats('k')).toEqual({ active: 1, queued: 1 });
    held();
    (await waiting[2]!)();
    expect(limiter.stats('k')).toEqual({ active: 0, queued: 0 });
  });
});

describe('in-flight cap per account', () => {
  it('never has more than maxInFlightPerAccount requests of one account at the server', async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    await using server = await startServer(async (req, res) => {
      const user = Buffer.from(req.headers.authorization!.slice('Basic '.length), 'base64').toString().split(':')[0]!;
      inFlight.set(user, (inFlight.get(user) ?? 0) + 1);
      peak.set(user, Math.max(peak.get(user) ?? 0, inFlight.get(user)!));
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight.set(user, inFlight.get(user)! - 1);
      json(res, 200, { sid: SERVICE });
    });
    await using transport = testTransport(server.url, { maxInFlightPerAccount: 3 });
    // Two clients of one account share its cap; another account has its own.
    const first = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const second = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const other = transport.client({ accountSid: OTHER_ACCOUNT, authToken: AUTH_TOKEN });
    const calls = [];
    for (let i = 0; i < 10; i++) {
      for (const client of [first, second, other]) calls.push(chat.fetchService(client, { path: { Sid: SERVICE } }));
    }
    await Promise.all(calls);
    expect(server.requests).toHaveLength(30);
    expect(peak.get(ACCOUNT_SID)).toBe(3);
    expect(peak.get(OTHER_ACCOUNT)).toBe(3);
  });
});
