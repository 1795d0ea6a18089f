import { describe, expect, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import { KeyedLimiter } from '../../src/twilio/limiter.ts';
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
