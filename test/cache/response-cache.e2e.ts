/**
 * The response cache over real sockets, counted at the emulator: a repeated
 * query costs no REST call and says so; no answer crosses to other
 * credentials, not even another secret for the same account SID; a write
 * through the gateway, or a verified webhook, makes the next read fresh;
 * mutations, subscriptions, answers with errors and secret-bearing types are
 * never cached.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSchema, parse } from 'graphql';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { MemoryStore } from '../../src/cache/store.ts';
import { checkTtlNames, documentTtls } from '../../src/cache/response-cache.ts';
import { ConfigError } from '../../src/config.ts';
import { schema } from '../../src/schema/index.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { readAll, merged, requestParts } from '../support/parts.ts';
import {
  OTHER_ACCOUNT,
  basic,
  chatFixture,
  listening,
  postChatWebhook,
  sentMessage,
  sseSubscribe,
  wsClient,
  wsSubscribe,
  type ChatFixture,
} from '../support/live.ts';

let env: GatewayEnv;
let chat: ChatFixture;

const MESSAGES = `query($s: String!, $c: String!) {
  chatService(sid: $s) { friendlyName channel(sidOrUniqueName: $c) { sid messagesCount messages(last: 50) { nodes { sid body } } } }
}`;

beforeAll(async () => {
  env = await startGateway({
    emulator: { accounts: [...DEFAULT_ACCOUNTS, { accountSid: OTHER_ACCOUNT.accountSid, authToken: OTHER_ACCOUNT.authToken }] },
    gateway: { responseCache: { ttlMs: 60_000 } },
  });
  chat = await chatFixture(env);
});

afterAll(async () => {
  await env?.close();
});

beforeEach(() => env.resetCalls());

/** Runs a query and says what it cost at the emulator. */
async function counted(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const before = env.totalCalls();
  const answer = await env.query(query, variables, headers);
  return { ...answer, calls: env.totalCalls() - before };
}

function bodies(answer: { data?: any }): string[] {
  return answer.data.chatService.channel.messages.nodes.map((m: { body: string }) => m.body);
}

describe('a repeated query', () => {
  it('costs no REST call the second time, and says so in extensions.cost', async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    const first = await counted(MESSAGES, vars);
    expect(first.errors).toBeUndefined();
    expect(first.calls).toBeGreaterThan(0);
    expect(first.extensions?.cost.restCalls).toBe(first.calls);
    const hits = env.gateway.responseCache!.stats().hits;
    const second = await counted(MESSAGES, { c: chat.channelSid, s: chat.serviceSid });
    expect(second.calls).toBe(0);
    expect(env.gateway.responseCache!.stats().hits).toBe(hits + 1);
    expect(second.data).toEqual(first.data);
    expect(second.extensions?.cost).toMatchObject({ restCalls: 0, predictedRestCalls: first.extensions?.cost.predictedRestCalls });
    expect(second.extensions?.responseCache).toEqual({ hit: true });
    // Another operation, or other variables, is another answer.
    expect((await counted(MESSAGES, { ...vars, c: 'random' })).calls).toBeGreaterThan(0);
  });
});

describe('tenancy', () => {
  const SERVICES = `{ chatServices(first: 5) { nodes { sid friendlyName } } }`;

  it('answers other credentials from their own calls, with their own data', async () => {
    env.emulator.engine.call(OTHER_ACCOUNT.accountSid, 'chat.CreateService', {}, { FriendlyName: 'Only the other account has this' });
    const mine = await counted(SERVICES);
    expect((await counted(SERVICES)).calls).toBe(0);
    const other = { authorization: basic(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken) };
    const theirs = await counted(SERVICES, undefined, other);
    expect(theirs.calls).toBeGreaterThan(0);
    const names = (answer: { data?: any }) => answer.data.chatServices.nodes.map((s: { friendlyName: string }) => s.friendlyName);
    expect(names(theirs)).toContain('Only the other account has this');
    expect(names(mine)).not.toContain('Only the other account has this');
    // An API key of the same account is other credentials too.
    const key = { authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret), 'x-twilio-account-sid': DEMO_ACCOUNT.accountSid };
    const byKey = await counted(SERVICES, undefined, key);
    expect(byKey.calls).toBeGreaterThan(0);
    expect(byKey.data).toEqual(mine.data);
  });

  it('gives another secret for the same account SID nothing cached: Twilio is asked, and refuses it', async () => {
    const query = `{ chatServices(first: 2) { nodes { sid } } }`;
    const cached = await counted(query);
    expect(cached.errors).toBeUndefined();
    expect((await counted(query)).calls).toBe(0);
    const before = env.emulator.stats().unauthenticated;
    const guess = await counted(query, undefined, { authorization: basic(DEMO_ACCOUNT.accountSid, 'not-the-auth-token') });
    expect(guess.data?.chatServices ?? null).toBeNull();
    expect(guess.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(env.emulator.stats().unauthenticated).toBe(before + 1);
    expect(JSON.stringify(guess)).not.toContain(cached.data.chatServices.nodes[0].sid);
  });
});

describe('invalidation', () => {
  it("is not made by a write Twilio refused or never saw: a wrong token cannot empty the account's cache", async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    await counted(MESSAGES, vars);
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
    const wrong = { authorization: basic(DEMO_ACCOUNT.accountSid, 'not-the-auth-token') };
    const send = `mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { userErrors { message } } }`;
    const input = { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, body: 'never written' };
    // Refused by Twilio, then refused unsent (the refusal is remembered); the token promotion rewrites the whole account's tags.
    for (const attempt of [1, 2]) expect((await env.query(send, { input }, wrong)).errors?.[0]?.extensions?.code, `attempt ${attempt}`).toBe('UNAUTHENTICATED');
    expect((await env.query(`mutation { deleteSecondaryAuthToken { deleted } }`, undefined, wrong)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
  });

  it('makes the next read fresh after a write through the gateway, even one that selects nothing of what it wrote', async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    const before = await counted(MESSAGES, vars);
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
    // The payload selects only userErrors: the write is known from its REST call, not from the payload.
    const write = await env.query(`mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { userErrors { message } } }`, {
      input: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, body: 'written through the gateway', from: chat.identity },
    });
    expect(write.data.createChatMessage.userErrors).toEqual([]);
    const after = await counted(MESSAGES, vars);
    expect(after.calls).toBeGreaterThan(0);
    expect(bodies(after)).toContain('written through the gateway');
    expect(after.data.chatService.channel.messagesCount).toBe(before.data.chatService.channel.messagesCount + 1);
  });

  it('makes a page read through a unique name fresh after a write through the SID', async () => {
    const vars = { s: chat.serviceSid, c: 'general' };
    const generalSid = (await counted(MESSAGES, vars)).data.chatService.channel.sid;
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
    await env.query(`mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { chatMessage { sid } } }`, {
      input: { serviceSid: chat.serviceSid, channelSidOrUniqueName: generalSid, body: 'by SID, read by name' },
    });
    const after = await counted(MESSAGES, vars);
    expect(after.calls).toBeGreaterThan(0);
    expect(bodies(after)).toContain('by SID, read by name');
  });

  it("makes a channel's next read fresh after a verified webhook for it, and not before", async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    const webhook = await sentMessage(env, chat, 'placeholder', DEMO_ACCOUNT.accountSid);
    expect((await counted(MESSAGES, vars)).calls).toBeGreaterThan(0);
    // Written at Twilio, not through the gateway: the cached page does not know yet.
    env.emulator.engine.call(
      DEMO_ACCOUNT.accountSid,
      'chat.CreateMessage',
      { ServiceSid: chat.serviceSid, ChannelSid: chat.channelSid },
      { Body: 'sent from a phone' },
    );
    const stale = await counted(MESSAGES, vars);
    expect(stale.calls).toBe(0);
    expect(bodies(stale)).not.toContain('sent from a phone');
    // A webhook with a bad signature changes nothing.
    expect((await postChatWebhook(env.url, { ...webhook, MessageSid: 'IM0000000000000000000000000000abcd' }, 'wrong-token')).status).toBe(403);
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
    const answer = await postChatWebhook(
      env.url,
      { ...webhook, MessageSid: 'IM0000000000000000000000000000abcd', Body: 'sent from a phone' },
      DEMO_ACCOUNT.authToken,
    );
    expect(answer.status).toBe(200);
    const fresh = await counted(MESSAGES, vars);
    expect(fresh.calls).toBeGreaterThan(0);
    expect(bodies(fresh)).toContain('sent from a phone');
  });

  it("leaves other channels' cached answers alone", async () => {
    const other = { s: chat.serviceSid, c: 'random' };
    await counted(MESSAGES, other);
    const webhook = await sentMessage(env, chat, 'in the first channel', DEMO_ACCOUNT.accountSid);
    expect((await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await counted(MESSAGES, other)).calls).toBe(0);
  });
});

describe('over graphql-ws', () => {
  it('answers queries as ever, uncached (the cache serves HTTP)', async () => {
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    await counted(MESSAGES, vars);
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
    const client = wsClient(env.url);
    try {
      for (let i = 0; i < 2; i++) {
        const before = env.totalCalls();
        const answer = await wsSubscribe(client, MESSAGES, vars).next();
        expect(answer.errors).toBeUndefined();
        expect(answer.data.chatService.channel.sid).toBe(chat.channelSid);
        expect(env.totalCalls()).toBeGreaterThan(before);
      }
    } finally {
      await client.dispose();
    }
  });
});

describe('answers in parts (@defer, @stream)', () => {
  it('are never stored, and a deferred mutation invalidates what it wrote before its first part goes', async () => {
    const deferred = `query($s: String!, $c: String!) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { sid ... @defer { messages(last: 50) { nodes { body } } } } } }`;
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    for (let i = 0; i < 2; i++) {
      const before = env.totalCalls();
      const parts = await readAll(await requestParts(env.url, deferred, vars));
      expect(parts.length).toBeGreaterThan(1);
      expect(env.totalCalls()).toBeGreaterThan(before);
    }
    await counted(MESSAGES, vars);
    expect((await counted(MESSAGES, vars)).calls).toBe(0);
    const write = await readAll(
      await requestParts(
        env.url,
        `mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { ... @defer { chatMessage { sid } } userErrors { message } } }`,
        {
          input: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, body: 'written by a deferred mutation' },
        },
      ),
    );
    expect(merged(write).errors).toEqual([]);
    expect(bodies(await counted(MESSAGES, vars))).toContain('written by a deferred mutation');
  });
});

describe('never cached', () => {
  it('mutations: each one is sent', async () => {
    const mutation = `mutation($input: UpdateChatChannelInput!) { updateChatChannel(input: $input) { chatChannel { friendlyName } } }`;
    const vars = { input: { serviceSid: chat.serviceSid, sidOrUniqueName: chat.channelSid, friendlyName: 'Renamed' } };
    expect((await counted(mutation, vars)).calls).toBeGreaterThan(0);
    expect((await counted(mutation, vars)).calls).toBeGreaterThan(0);
  });

  it('answers with errors', async () => {
    const query = `query($s: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "no-such-channel") { messages { nodes { body } } } } }`;
    const first = await counted(query, { s: chat.serviceSid });
    expect(first.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await counted(query, { s: chat.serviceSid })).calls).toBeGreaterThan(0);
  });

  it('subscriptions: they stream as ever with the cache on', async () => {
    const subscription = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { body } }`;
    const vars = { s: chat.serviceSid, c: chat.channelSid };
    const subscriber = await sseSubscribe(env.url, subscription, vars);
    await listening(env, 1);
    const webhook = await sentMessage(env, chat, 'streamed', DEMO_ACCOUNT.accountSid);
    expect((await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await subscriber.next()).data.chatMessageAdded.body).toBe('streamed');
    await subscriber.close();
  });

  it('types carrying a secret: a new secondary auth token each time, and none kept', async () => {
    const store = env.gateway.responseCache!.store as MemoryStore;
    const held = store.size;
    const mutation = `mutation { createSecondaryAuthToken { secondaryAuthToken { authToken } } }`;
    const first = (await env.query(mutation)).data.createSecondaryAuthToken.secondaryAuthToken.authToken;
    const second = (await env.query(mutation)).data.createSecondaryAuthToken.secondaryAuthToken.authToken;
    expect(first).not.toBe(second);
    expect(store.size).toBeLessThanOrEqual(held);
    await env.query(`mutation { deleteSecondaryAuthToken { deleted } }`);
    // Whatever the document, a type that carries a secret makes its TTL 0, and no configuration can change that.
    const ttlOf = documentTtls(schema, 60_000, {});
    expect(ttlOf(parse(`query { chatServices(first: 1) { nodes { sid } } }`))).toBe(60_000);
    expect(ttlOf(parse(`mutation { createSecondaryAuthToken { secondaryAuthToken { authToken } } }`))).toBe(0);
    expect(ttlOf(parse(`mutation { promoteSecondaryAuthToken { authTokenPromotion { authToken } } }`))).toBe(0);
    // Mutations are never cached anyway: a query that reaches such a type (none does in this schema) is what the rule is for.
    const reaching = buildSchema(`type Query { token: SecondaryAuthToken, name: String } type SecondaryAuthToken { authToken: String }`);
    const reachingTtl = documentTtls(reaching, 60_000, {});
    expect(reachingTtl(parse(`{ name }`))).toBe(60_000);
    expect(reachingTtl(parse(`{ name token { authToken } }`))).toBe(0);
    expect(() => checkTtlNames(schema, { SecondaryAuthToken: 1000 })).toThrow(ConfigError);
    expect(() => checkTtlNames(schema, { AuthTokenPromotion: 1000 })).toThrow('RESPONSE_CACHE_TTLS');
  });
});

describe('TTLs per type', () => {
  it('takes the lowest TTL of the types and fields a document can return', () => {
    const ttlOf = documentTtls(schema, 60_000, { ChatMessage: 0, ChatUser: 5_000, 'ChatChannel.members': 2_000 });
    expect(ttlOf(parse(`{ chatServices { nodes { channels { nodes { sid } } } } }`))).toBe(60_000);
    expect(ttlOf(parse(`{ chatServices { nodes { users { nodes { identity } } } } }`))).toBe(5_000);
    expect(ttlOf(parse(`{ chatServices { nodes { channels { nodes { members { nodes { sid } } } } } } }`))).toBe(2_000);
    expect(ttlOf(parse(`{ chatServices { nodes { channels { nodes { messages { nodes { body } } } } } } }`))).toBe(0);
  });

  it('checks the names against the schema', () => {
    expect(() => checkTtlNames(schema, { ChatMessage: 0, 'ChatChannel.members': 10 })).not.toThrow();
    expect(() => checkTtlNames(schema, { ChatMesage: 0 })).toThrow(/RESPONSE_CACHE_TTLS: ChatMesage is not/);
    expect(() => checkTtlNames(schema, { 'ChatChannel.membres': 0 })).toThrow(/has no field membres/);
  });
});

describe('a TTL of 0 for a type', () => {
  it('is never stored', async () => {
    await using zero = await startGateway({ gateway: { responseCache: { ttlMs: 60_000, ttls: { ChatMessage: 0 } } } });
    const fixture = await chatFixture(zero);
    const vars = { s: fixture.serviceSid, c: fixture.channelSid };
    await zero.query(MESSAGES, vars);
    zero.resetCalls();
    await zero.query(MESSAGES, vars);
    expect(zero.totalCalls()).toBeGreaterThan(0);
    const channels = `query($s: String!) { chatService(sid: $s) { channels(first: 2) { nodes { sid } } } }`;
    await zero.query(channels, { s: fixture.serviceSid });
    zero.resetCalls();
    await zero.query(channels, { s: fixture.serviceSid });
    expect(zero.totalCalls()).toBe(0);
  });
});
