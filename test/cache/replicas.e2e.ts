/**
 * The response cache shared by two replicas through a real redis-server: an
 * answer cached by one is a hit on the other; a write or a webhook on one
 * makes the other's next read fresh; Redis holds no secret, never runs KEYS
 * or SCAN, and every index set it holds expires; and Redis away holds no
 * request up (until an invalidation that could not be made lands, other
 * replicas may still serve the answer it was for: see README).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { OTHER_ACCOUNT, basic, chatFixture, postChatWebhook, sentMessage, type ChatFixture } from '../support/live.ts';

const SECRET = 'a-response-cache-secret-of-32-characters-or-more';
const TTL_MS = 60_000;

let redis: RedisServer;
let emulator: Emulator;
let a: GatewayEnv;
let b: GatewayEnv;
let inspector: Redis;
let chat: ChatFixture;

const MESSAGES = `query($s: String!, $c: String!) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { messagesCount messages(last: 50) { nodes { body } } } } }`;

function replica(url: string) {
  return startGateway({ sharedEmulator: emulator, gateway: { live: { redisUrl: url }, responseCache: { ttlMs: TTL_MS, secret: SECRET, redisUrl: url } } });
}

beforeAll(async () => {
  redis = await startRedis();
  emulator = await createEmulator({
    port: 0,
    seed: 'demo',
    accounts: [...DEFAULT_ACCOUNTS, { accountSid: OTHER_ACCOUNT.accountSid, authToken: OTHER_ACCOUNT.authToken }],
  });
  a = await replica(redis.url);
  b = await replica(redis.url);
  inspector = new Redis(redis.url);
  chat = await chatFixture(a);
});

afterAll(async () => {
  inspector?.disconnect();
  await a?.close();
  await b?.close();
  await emulator?.close();
  await redis?.stop();
});

async function counted(env: GatewayEnv, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const before = emulator.stats().total;
  const answer = await env.query(query, variables, headers);
  return { ...answer, calls: emulator.stats().total - before };
}

const bodies = (answer: { data?: any }): string[] => answer.data.chatService.channel.messages.nodes.map((m: { body: string }) => m.body);

describe('two replicas sharing the cache through Redis', () => {
  it("serves one replica's cached answer from the other, at no REST call", async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    const first = await counted(a, MESSAGES, vars);
    expect(first.calls).toBeGreaterThan(0);
    const second = await counted(b, MESSAGES, vars);
    expect(second.calls).toBe(0);
    expect(second.data).toEqual(first.data);
    expect(second.extensions?.cost.restCalls).toBe(0);
    expect(second.extensions?.responseCache).toEqual({ hit: true });
    // Other credentials on the other replica: their own calls.
    const other = await counted(b, MESSAGES, vars, { authorization: basic(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken) });
    expect(other.calls).toBeGreaterThan(0);
    expect(other.data).not.toEqual(first.data);
  });

  it("makes one replica's next read fresh after a write through the other", async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    await counted(a, MESSAGES, vars);
    expect((await counted(a, MESSAGES, vars)).calls).toBe(0);
    await sentMessage(b, chat, 'written on replica B', DEMO_ACCOUNT.accountSid);
    const fresh = await counted(a, MESSAGES, vars);
    expect(fresh.calls).toBeGreaterThan(0);
    expect(bodies(fresh)).toContain('written on replica B');
  });

  it("makes one replica's next read fresh after a webhook verified by the other", async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    const webhook = await sentMessage(a, chat, 'placeholder', DEMO_ACCOUNT.accountSid);
    await counted(b, MESSAGES, vars);
    emulator.engine.call(DEMO_ACCOUNT.accountSid, 'chat.CreateMessage', { ServiceSid: chat.serviceSid, ChannelSid: chat.channelSid }, { Body: 'from a phone' });
    expect(bodies(await counted(b, MESSAGES, vars))).not.toContain('from a phone');
    expect(
      (await postChatWebhook(a.url, { ...webhook, MessageSid: 'IM0000000000000000000000000000feed', Body: 'from a phone' }, DEMO_ACCOUNT.authToken)).status,
    ).toBe(200);
    const fresh = await counted(b, MESSAGES, vars);
    expect(fresh.calls).toBeGreaterThan(0);
    expect(bodies(fresh)).toContain('from a phone');
  });

  it('keeps no secret in Redis, never lists its keys, and lets every index set expire', async () => {
    const secrets = [
      DEMO_ACCOUNT.authToken,
      DEMO_ACCOUNT.apiSecret,
      OTHER_ACCOUNT.authToken,
      SECRET,
      Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64'),
      Buffer.from(`${OTHER_ACCOUNT.accountSid}:${OTHER_ACCOUNT.authToken}`).toString('base64'),
    ];
    await counted(a, `{ chatServices(first: 3) { nodes { sid friendlyName } } }`, undefined, {
      authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret),
      'x-twilio-account-sid': DEMO_ACCOUNT.accountSid,
    });
    const keys = await inspector.keys('twilio-gateway:rc:*');
    expect(keys.some((key) => key.includes(':e:'))).toBe(true);
    for (const key of keys) {
      for (const secret of secrets) expect(key).not.toContain(secret);
      const type = await inspector.type(key);
      const value = type === 'set' ? (await inspector.smembers(key)).join('\n') : ((await inspector.get(key)) ?? '');
      for (const secret of secrets) expect(value).not.toContain(secret);
      const pttl = await inspector.pttl(key);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(TTL_MS);
    }
    // `KEYS` above is the test's own; the gateway's commands are counted below, after a reset.
    await inspector.config('RESETSTAT');
    await sentMessage(a, chat, 'one more', DEMO_ACCOUNT.accountSid);
    await counted(b, MESSAGES, { s: chat.serviceSid, c: chat.channelSid });
    const stats = await inspector.info('commandstats');
    expect(stats).toMatch(/cmdstat_(evalsha|eval):/);
    expect(stats).not.toMatch(/cmdstat_(keys|scan):/);
  });
});

describe('Redis away', () => {
  it('answers without the cache at once, and replays the invalidations it missed', async () => {
    const own = await startRedis();
    const x = await replica(own.url);
    const y = await replica(own.url);
    const admin = new Redis(own.url);
    admin.on('error', () => undefined);
    try {
      const fixture = await chatFixture(x);
      const vars = { s: fixture.serviceSid, c: fixture.channelSid };
      await counted(x, MESSAGES, vars);
      expect((await counted(y, MESSAGES, vars)).calls).toBe(0);
      // Writes (and scripts) wait while Redis is paused: the invalidation cannot be made in time.
      await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
      const started = performance.now();
      await sentMessage(y, fixture, 'while Redis was paused', DEMO_ACCOUNT.accountSid);
      expect(performance.now() - started).toBeLessThan(1_000);
      // The replica that could not invalidate leaves the cache alone meanwhile: its read is fresh, from Twilio.
      const during = await counted(y, MESSAGES, vars);
      expect(during.calls).toBeGreaterThan(0);
      expect(bodies(during)).toContain('while Redis was paused');
      // Once Redis takes writes again, the cached page is gone for every replica, and the cache works again.
      await expect.poll(async () => bodies(await counted(x, MESSAGES, vars)).includes('while Redis was paused'), { timeout: 6_000, interval: 200 }).toBe(true);
      await expect.poll(async () => (await counted(y, MESSAGES, vars)).calls, { timeout: 6_000, interval: 200 }).toBe(0);
      await own.stop();
      const down = performance.now();
      const answer = await counted(x, MESSAGES, vars);
      expect(answer.errors).toBeUndefined();
      expect(performance.now() - down).toBeLessThan(1_500);
    } finally {
      admin.disconnect();
      await x.close();
      await y.close();
      await own.stop();
    }
  });
});
