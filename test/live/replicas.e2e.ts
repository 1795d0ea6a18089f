/**
 * Two gateway replicas sharing a real redis-server (`REDIS_URL`): an event
 * posted to one reaches the subscribers of both, once, however many replicas
 * Twilio's retries reach; a subscriber that leaves leaves no Redis
 * subscription behind; and with Redis away, a webhook is answered 503 so that
 * Twilio sends it again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { REDIS_PREFIX, chatChannelTopic } from '../../src/live/topics.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import {
  chatFixture,
  listening,
  postChatWebhook,
  postEventStreamsWebhook,
  released,
  sentMessage,
  sseSubscribe,
  until,
  wsClient,
  wsSubscribe,
  type ChatFixture,
} from '../support/live.ts';

let redis: RedisServer;
let emulator: Emulator;
let a: GatewayEnv;
let b: GatewayEnv;
let chat: ChatFixture;
let inspector: Redis;

const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body author { friendlyName } } }`;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await createEmulator({ port: 0, seed: 'demo' });
  a = await startGateway({ sharedEmulator: emulator, gateway: { live: { redisUrl: redis.url } } });
  b = await startGateway({ sharedEmulator: emulator, gateway: { live: { redisUrl: redis.url } } });
  chat = await chatFixture(a);
  inspector = new Redis(redis.url);
});

afterAll(async () => {
  inspector?.disconnect();
  await a?.close();
  await b?.close();
  await emulator?.close();
  await redis?.stop();
});

afterEach(async () => {
  await released(a);
  await released(b);
});

/** Subscribers of `topic` on the Redis server, across every replica. */
async function subscribersOf(client: Redis, topic: string): Promise<number> {
  const [, count] = (await client.pubsub('NUMSUB', REDIS_PREFIX + topic)) as [string, number];
  return count;
}

const redisSubscribers = (topic: string) => subscribersOf(inspector, topic);

describe('across replicas', () => {
  it('delivers an event posted to replica A to the subscribers of replica B (graphql-ws) and A (SSE), once', async () => {
    const client = wsClient(b.url);
    const onB = wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    const onA = await sseSubscribe(a.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(b, 1);
    await listening(a, 1);
    expect(await redisSubscribers(chatChannelTopic(DEMO_ACCOUNT.accountSid, chat.serviceSid, chat.channelSid))).toBe(2);

    const webhook = await sentMessage(a, chat, 'from replica A', DEMO_ACCOUNT.accountSid);
    expect((await postChatWebhook(a.url, webhook, DEMO_ACCOUNT.authToken)).status).toBe(200);
    const expected = { sid: webhook.MessageSid, body: 'from replica A', author: { friendlyName: chat.friendlyName } };
    expect((await onB.next()).data.chatMessageAdded).toEqual(expected);
    expect((await onA.next()).data.chatMessageAdded).toEqual(expected);

    // Twilio's retry reaches the other replica: the memory of what was published is shared.
    expect((await postChatWebhook(b.url, { ...webhook, RetryCount: '1' }, DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect(await onB.quietFor(400)).toBe(true);
    expect(await onA.quietFor(0)).toBe(true);
    await onA.close();
    await client.dispose();
  });

  it('delivers Event Streams events across replicas, once per id', async () => {
    const onA = await sseSubscribe(a.url, `subscription { eventStreamEvents { id type } }`);
    await listening(a, 1);
    const event = {
      specversion: '1.0',
      type: 'com.twilio.messaging.message.delivered',
      id: 'EZ000000000000000000000000000000a1',
      source: `/2010-04-01/Accounts/${DEMO_ACCOUNT.accountSid}/Messages/SM1.json`,
      data: { accountSid: DEMO_ACCOUNT.accountSid },
    };
    expect((await postEventStreamsWebhook(b.url, [event], DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await postEventStreamsWebhook(a.url, [event], DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await onA.next()).data.eventStreamEvents).toEqual({ id: event.id, type: event.type });
    expect(await onA.quietFor(400)).toBe(true);
    await onA.close();
  });

  it('leaves no Redis subscription behind when the last subscriber of a topic goes', async () => {
    const topic = chatChannelTopic(DEMO_ACCOUNT.accountSid, chat.serviceSid, chat.channelSid);
    const client = wsClient(b.url);
    const first = wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    const second = await sseSubscribe(b.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(b, 2);
    // One Redis subscription per replica and topic, however many subscribers it has.
    expect(await redisSubscribers(topic)).toBe(1);
    await first.close();
    await second.close();
    await released(b);
    await expectEventually(async () => (await redisSubscribers(topic)) === 0);
    await client.dispose();
  });
});

describe('without Redis', () => {
  it('answers a webhook 503 while Redis is away, for Twilio to retry; the retry is published once Redis is back', async () => {
    let server = await startRedis();
    const env = await startGateway({ gateway: { live: { redisUrl: server.url } } });
    try {
      const fixture = await chatFixture(env);
      const subscriber = await sseSubscribe(env.url, MESSAGE_ADDED, { s: fixture.serviceSid, c: fixture.channelSid });
      await listening(env, 1);
      const webhook = await sentMessage(env, fixture, 'while Redis was away', DEMO_ACCOUNT.accountSid);
      await server.stop();
      const answer = await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken);
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('LIVE_EVENTS_UNAVAILABLE');
      expect(answer.body).not.toContain('while Redis was away');
      // A new subscription cannot be confirmed by Redis: refused once its wait is over, holding nothing.
      const refused = await sseSubscribe(env.url, `subscription { eventStreamEvents { id } }`);
      expect((await refused.next(10_000)).errors?.[0]?.extensions?.code).toBe('LIVE_EVENTS_UNAVAILABLE');
      await until(() => env.gateway.subscriptions.size === 1, 'the refused subscription released');
      // Back on the same port: the gateway reconnects, and subscribes again to its topics.
      server = await startRedis(server.port);
      const probe = new Redis(server.url);
      try {
        await expectEventually(
          async () => (await subscribersOf(probe, chatChannelTopic(DEMO_ACCOUNT.accountSid, fixture.serviceSid, fixture.channelSid))) === 1,
          10_000,
        );
      } finally {
        probe.disconnect();
      }
      let retried = answer;
      for (let retry = 1; retried.status !== 200 && retry <= 50; retry++) {
        retried = await postChatWebhook(env.url, { ...webhook, RetryCount: String(retry) }, DEMO_ACCOUNT.authToken);
        if (retried.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(retried.status).toBe(200);
      expect((await subscriber.next(5_000)).data.chatMessageAdded.body).toBe('while Redis was away');
      await subscriber.close();
    } finally {
      await env.close();
      await server.stop();
    }
  });
});

async function expectEventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
