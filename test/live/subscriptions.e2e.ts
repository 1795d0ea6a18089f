/**
 * Subscriptions over real sockets, with a graphql-ws client over WebSocket and
 * an SSE client: typed events with their linked objects, fresh loaders per
 * event, tenancy, limits, release of everything a subscription holds, and
 * shutdown.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import {
  OTHER_ACCOUNT,
  basic,
  chatFixture,
  listening,
  postChatWebhook,
  released,
  sentMessage,
  sseSubscribe,
  until,
  wsClient,
  wsSubscribe,
  type ChatFixture,
} from '../support/live.ts';

let env: GatewayEnv;
let chat: ChatFixture;
let other: ChatFixture;
const OTHER = { authorization: basic(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken) };

const CHANNEL_EVENTS = /* GraphQL */ `
  subscription ($s: String!, $c: String!, $kinds: [ChatLiveEventKind!]) {
    chatChannelEvents(serviceSid: $s, channelSid: $c, kinds: $kinds) {
      __typename
      ... on ChatEvent { eventType accountSid source clientIdentity service { sid } }
      ... on ChatMessageAddedEvent { channelSid message { sid body attributes author { friendlyName } } }
      ... on ChatMemberJoinedEvent { member { sid identity dateCreated user { identity } role { friendlyName } } }
      ... on ChatMemberLeftEvent { memberSid identity user { identity } role { friendlyName } }
      ... on ChatChannelUpdatedEvent { channel { sid friendlyName membersCount } }
      ... on ChatChannelDestroyedEvent { channelSid uniqueName friendlyName type creator { identity } }
    }
  }
`;
const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body author { friendlyName } } }`;

beforeAll(async () => {
  env = await startGateway({
    emulator: { accounts: [...DEFAULT_ACCOUNTS, OTHER_ACCOUNT] },
    gateway: { live: { signingAccounts: [OTHER_ACCOUNT] } },
    websockets: { connectionInitTimeoutMs: 300 },
  });
  chat = await chatFixture(env);
  other = await chatFixture(env, OTHER);
});
afterAll(() => env?.close());
afterEach(() => released(env));

const post = (params: Record<string, string>, token: string = DEMO_ACCOUNT.authToken) => postChatWebhook(env.url, params, token);
const base = (eventType: string, fixture: ChatFixture = chat, accountSid: string = DEMO_ACCOUNT.accountSid) => ({
  EventType: eventType,
  AccountSid: accountSid,
  InstanceSid: fixture.serviceSid,
  ChannelSid: fixture.channelSid,
  Source: 'SDK',
  ClientIdentity: fixture.identity,
  RetryCount: '0',
});

describe('typed events over graphql-ws', () => {
  it('streams a channel’s messages, members and changes as their own types, with linked objects', async () => {
    const client = wsClient(env.url);
    const events = wsSubscribe(client, CHANNEL_EVENTS, { s: chat.serviceSid, c: chat.channelSid });
    await listening(env, 1);

    const message = await sentMessage(env, chat, 'over the socket', DEMO_ACCOUNT.accountSid);
    expect((await post({ ...message, Source: 'SDK', ClientIdentity: chat.identity })).status).toBe(200);
    expect((await events.next()).data.chatChannelEvents).toEqual({
      __typename: 'ChatMessageAddedEvent',
      eventType: 'onMessageSent',
      accountSid: DEMO_ACCOUNT.accountSid,
      source: 'SDK',
      clientIdentity: chat.identity,
      service: { sid: chat.serviceSid },
      channelSid: chat.channelSid,
      message: { sid: message.MessageSid, body: 'over the socket', attributes: { topic: 'live' }, author: { friendlyName: chat.friendlyName } },
    });

    const added = await env.query(
      `mutation($i: CreateChatMemberInput!) { createChatMember(input: $i) { chatMember { sid identity roleSid dateCreated role { friendlyName } } } }`,
      { i: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, identity: 'live-newcomer' } },
    );
    const member = added.data.createChatMember.chatMember;
    const memberParams = { MemberSid: member.sid, Identity: 'live-newcomer', RoleSid: member.roleSid, DateCreated: member.dateCreated };
    expect((await post({ ...base('onMemberAdded'), ...memberParams })).status).toBe(200);
    expect((await events.next()).data.chatChannelEvents).toMatchObject({
      __typename: 'ChatMemberJoinedEvent',
      member: {
        sid: member.sid,
        identity: 'live-newcomer',
        dateCreated: member.dateCreated,
        user: { identity: 'live-newcomer' },
        role: { friendlyName: member.role.friendlyName },
      },
    });

    expect((await post({ ...base('onMemberRemoved'), ...memberParams, DateRemoved: member.dateCreated })).status).toBe(200);
    expect((await events.next()).data.chatChannelEvents).toMatchObject({
      __typename: 'ChatMemberLeftEvent',
      memberSid: member.sid,
      identity: 'live-newcomer',
      user: { identity: 'live-newcomer' },
      role: { friendlyName: member.role.friendlyName },
    });

    await env.query(`mutation($i: UpdateChatChannelInput!) { updateChatChannel(input: $i) { chatChannel { sid } } }`, {
      i: { serviceSid: chat.serviceSid, sidOrUniqueName: chat.channelSid, friendlyName: 'Renamed live' },
    });
    env.resetCalls();
    expect((await post({ ...base('onChannelUpdated'), FriendlyName: 'Renamed live', ChannelType: 'public' })).status).toBe(200);
    const updated = (await events.next()).data.chatChannelEvents;
    expect(updated).toMatchObject({ __typename: 'ChatChannelUpdatedEvent', channel: { sid: chat.channelSid, friendlyName: 'Renamed live' } });
    expect(updated.channel.membersCount).toBeGreaterThan(0);
    // `membersCount` is not in the webhook: the channel is read, once.
    expect(env.calls()).toEqual({ 'chat.FetchChannel': 1 });

    expect((await post({ ...base('onChannelDestroyed'), UniqueName: '', FriendlyName: 'Gone', ChannelType: 'private', CreatedBy: chat.identity })).status).toBe(
      200,
    );
    expect((await events.next()).data.chatChannelEvents).toMatchObject({
      __typename: 'ChatChannelDestroyedEvent',
      channelSid: chat.channelSid,
      uniqueName: null,
      friendlyName: 'Gone',
      type: 'PRIVATE',
      creator: { identity: chat.identity },
    });
    await client.dispose();
  });

  it('filters by kind, and serves a service’s stream with channels and users created or changed', async () => {
    const client = wsClient(env.url);
    const stream = wsSubscribe(
      client,
      `subscription($s: String!) { chatServiceEvents(serviceSid: $s, kinds: [USER_UPDATED, CHANNEL_ADDED]) {
         __typename
         ... on ChatUserUpdatedEvent { user { identity friendlyName isOnline } }
         ... on ChatChannelAddedEvent { channel { sid uniqueName } }
       } }`,
      { s: chat.serviceSid },
    );
    await listening(env, 1);
    const message = await sentMessage(env, chat, 'not wanted here', DEMO_ACCOUNT.accountSid);
    expect((await post(message)).status).toBe(200);
    const user = {
      ...base('onUserUpdated'),
      UserSid: 'US00000000000000000000000000000001',
      Identity: chat.identity,
      FriendlyName: 'Live Name',
      IsOnline: 'true',
    };
    delete (user as Partial<typeof user>).ChannelSid;
    env.resetCalls();
    expect((await post(user)).status).toBe(200);
    expect((await stream.next()).data.chatServiceEvents).toEqual({
      __typename: 'ChatUserUpdatedEvent',
      user: { identity: chat.identity, friendlyName: 'Live Name', isOnline: true },
    });
    // Every field asked for is in the webhook: no REST call.
    expect(env.calls()).toEqual({});
    const channel = { ...base('onChannelAdded'), ChannelSid: 'CH00000000000000000000000000000abc', UniqueName: 'brand-new' };
    expect((await post(channel)).status).toBe(200);
    expect((await stream.next()).data.chatServiceEvents).toEqual({
      __typename: 'ChatChannelAddedEvent',
      channel: { sid: channel.ChannelSid, uniqueName: 'brand-new' },
    });
    await client.dispose();
  });

  it('runs queries too, and answers a bad document with an error for that operation, keeping the connection', async () => {
    const client = wsClient(env.url);
    const bad = wsSubscribe(client, 'subscription { chatMessageAdded(');
    expect((await bad.next()).errors?.[0]?.message).toMatch(/Syntax Error/);
    const query = wsSubscribe(client, '{ chatServices(first: 1) { nodes { sid } } }');
    expect((await query.next()).data.chatServices.nodes[0].sid).toBe(chat.serviceSid);
    await client.dispose();
  });
});

describe('fresh loaders for every event', () => {
  it('reads again for the next event what changed since the last', async () => {
    const subscriber = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(env, 1);
    env.resetCalls();
    expect((await post(await sentMessage(env, chat, 'before the rename', DEMO_ACCOUNT.accountSid))).status).toBe(200);
    expect((await subscriber.next()).data.chatMessageAdded.author.friendlyName).toBe(chat.friendlyName);
    await env.query(`mutation($i: UpdateChatUserInput!) { updateChatUser(input: $i) { chatUser { friendlyName } } }`, {
      i: { serviceSid: chat.serviceSid, sidOrIdentity: chat.identity, friendlyName: 'Renamed author' },
    });
    expect((await post(await sentMessage(env, chat, 'after the rename', DEMO_ACCOUNT.accountSid))).status).toBe(200);
    expect((await subscriber.next()).data.chatMessageAdded.author.friendlyName).toBe('Renamed author');
    // One read of the user list per event.
    expect(env.calls()['chat.ListUser']).toBe(2);
    await env.query(`mutation($i: UpdateChatUserInput!) { updateChatUser(input: $i) { chatUser { friendlyName } } }`, {
      i: { serviceSid: chat.serviceSid, sidOrIdentity: chat.identity, friendlyName: chat.friendlyName },
    });
    await subscriber.close();
  });
});

describe('objects gone by the time of the event', () => {
  it('are NOT_FOUND in that event, and the subscription goes on', async () => {
    const subscriber = await sseSubscribe(
      env.url,
      `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid wasEdited } }`,
      {
        s: chat.serviceSid,
        c: chat.channelSid,
      },
    );
    await listening(env, 1);
    const deleted = await sentMessage(env, chat, 'deleted at once', DEMO_ACCOUNT.accountSid);
    await env.query(`mutation($i: DeleteChatMessageInput!) { deleteChatMessage(input: $i) { deletedId } }`, {
      i: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, sid: deleted.MessageSid },
    });
    expect((await post(deleted)).status).toBe(200);
    const gone = await subscriber.next();
    expect(gone.data).toBeNull();
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const kept = await sentMessage(env, chat, 'still here', DEMO_ACCOUNT.accountSid);
    expect((await post(kept)).status).toBe(200);
    expect((await subscriber.next()).data.chatMessageAdded).toEqual({ sid: kept.MessageSid, wasEdited: false });
    await subscriber.close();
  });
});

describe('tenancy', () => {
  it('never shows an account’s subscriber another account’s events, even one naming its channel', async () => {
    const mine = await sseSubscribe(env.url, MESSAGE_ADDED, { s: other.serviceSid, c: other.channelSid }, OTHER);
    await listening(env, 1);
    // Signed by the demo account, about the demo account, but naming the other account's service and channel.
    const intruding = { ...(await sentMessage(env, chat, 'not yours', DEMO_ACCOUNT.accountSid)), InstanceSid: other.serviceSid, ChannelSid: other.channelSid };
    expect((await post(intruding)).status).toBe(200);
    // Naming the other account, it must be signed with the other account's token.
    expect((await post({ ...intruding, AccountSid: OTHER_ACCOUNT.accountSid })).status).toBe(403);
    expect(await mine.quietFor(400)).toBe(true);
    const own = await sentMessage(env, other, 'yours', OTHER_ACCOUNT.accountSid, OTHER);
    expect((await post(own, OTHER_ACCOUNT.authToken)).status).toBe(200);
    expect((await mine.next()).data.chatMessageAdded.body).toBe('yours');
    await mine.close();
  });

  it('refuses, before any event, a subscription naming another account’s channel or service (SSE and graphql-ws)', async () => {
    env.resetCalls();
    const sse = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid }, OTHER);
    const first = await sse.next();
    expect(first.data ?? null).toBeNull();
    expect(first.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await until(() => sse.completed, 'the refused SSE subscription to complete');

    const client = wsClient(env.url, OTHER);
    const ws = wsSubscribe(client, `subscription($s: String!) { chatServiceEvents(serviceSid: $s) { __typename } }`, { s: chat.serviceSid });
    expect((await ws.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await until(() => ws.completed, 'the refused graphql-ws subscription to complete');
    await client.dispose();
    // One read each, with the subscriber's credentials, and nothing held afterwards.
    expect(env.calls()).toEqual({ 'chat.FetchChannel': 1, 'chat.FetchService': 1 });
    expect(env.gateway.subscriptions.size).toBe(0);
  });

  it('refuses credentials Twilio does not accept with UNAUTHENTICATED', async () => {
    const sse = await sseSubscribe(
      env.url,
      MESSAGE_ADDED,
      { s: chat.serviceSid, c: chat.channelSid },
      { authorization: basic(DEMO_ACCOUNT.accountSid, 'wrong-token') },
    );
    expect((await sse.next()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('limits', () => {
  it('caps subscriptions per credentials and in all, with TOO_MANY_SUBSCRIPTIONS', async () => {
    await using capped = await startGateway({
      emulator: { accounts: [...DEFAULT_ACCOUNTS, OTHER_ACCOUNT] },
      gateway: { subscriptionLimits: { maxPerCredentials: 2, maxTotal: 3 } },
    });
    const mine = await chatFixture(capped);
    const theirs = await chatFixture(capped, OTHER);
    const vars = { s: mine.serviceSid, c: mine.channelSid };
    const first = await sseSubscribe(capped.url, MESSAGE_ADDED, vars);
    const client = wsClient(capped.url);
    const second = wsSubscribe(client, MESSAGE_ADDED, vars);
    await listening(capped, 2);
    const third = await sseSubscribe(capped.url, MESSAGE_ADDED, vars);
    expect(third.status).toBe(429);
    expect((await third.next()).errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'credentials', limit: 2 });
    const overWs = wsSubscribe(client, MESSAGE_ADDED, vars);
    expect((await overWs.next()).errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'credentials' });
    // Other credentials still have room, up to the gateway's cap.
    const theirFirst = await sseSubscribe(capped.url, MESSAGE_ADDED, { s: theirs.serviceSid, c: theirs.channelSid }, OTHER);
    await listening(capped, 3);
    const theirSecond = await sseSubscribe(capped.url, MESSAGE_ADDED, { s: theirs.serviceSid, c: theirs.channelSid }, OTHER);
    expect((await theirSecond.next()).errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'gateway', limit: 3 });
    // A slot given back is free again.
    await first.close();
    await until(() => capped.gateway.subscriptions.size === 2, 'the closed subscription released');
    const again = await sseSubscribe(capped.url, MESSAGE_ADDED, vars);
    await listening(capped, 3);
    await Promise.all([again.close(), theirFirst.close(), second.close()]);
    await client.dispose();
    await released(capped);
  });

  it('refuses a subscription over the REST budget per event before it subscribes', async () => {
    await using tight = await startGateway({ gateway: { maxRestCallsPerRequest: 1 } });
    // Each event would read the message (`wasEdited` is not in the webhook) and its author's service's users: two calls.
    const sub = await sseSubscribe(
      tight.url,
      `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { wasEdited author { friendlyName } } }`,
      {
        s: chat.serviceSid,
        c: chat.channelSid,
      },
    );
    expect((await sub.next()).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(tight.totalCalls()).toBe(0);
    expect(tight.gateway.subscriptions.size).toBe(0);
  });

  it('refuses a subscription asked for as JSON (406) before it starts', async () => {
    env.resetCalls();
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: MESSAGE_ADDED, variables: { s: chat.serviceSid, c: chat.channelSid } }),
    });
    expect(res.status).toBe(406);
    expect((await res.json()).errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
    expect(env.totalCalls()).toBe(0);
    expect(env.gateway.subscriptions.size).toBe(0);
  });

  it('names the argument of a malformed SID', async () => {
    const sub = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: 'general' });
    const error = (await sub.next()).errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channelSid' });
  });
});

describe('graphql-ws connections', () => {
  it('are closed when they do not initialise in time (4408)', async () => {
    const socket = new WebSocket(`${env.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });

  it('are refused with malformed credentials (4403), from another origin (403) or on another path (404)', async () => {
    let closed: number | undefined;
    const client = wsClient(env.url, { authorization: 'Basic not-base64!' }, { onClose: (code) => (closed = code) });
    const sub = wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await until(() => sub.completed, 'the refused connection');
    expect(closed).toBe(4403);
    await client.dispose();
    const status = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
        socket.on('unexpected-response', (_, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
      });
    const ws = env.url.replace('http', 'ws');
    expect(await status(`${ws}/graphql`, { origin: 'https://evil.example.com' })).toBe(403);
    expect(await status(`${ws}/elsewhere`)).toBe(404);
    expect(await status(`${ws}/graphql`, { origin: env.url })).toBe(101);
  });

  it('use the credentials of connection_init: another account’s see their own data', async () => {
    const client = wsClient(env.url, OTHER);
    const query = wsSubscribe(client, '{ chatServices(first: 1) { nodes { sid } } }');
    expect((await query.next()).data.chatServices.nodes[0].sid).toBe(other.serviceSid);
    await client.dispose();
  });
});

describe('release and shutdown', () => {
  it('releases everything a subscription holds when its client goes, on either transport', async () => {
    const sse = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    const client = wsClient(env.url);
    const ws = wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    const dropped = wsClient(env.url);
    wsSubscribe(dropped, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(env, 3);
    await sse.close();
    await ws.close();
    await dropped.dispose();
    await released(env);
    // Nothing is delivered to a subscriber that left, and nothing fails.
    expect((await post(await sentMessage(env, chat, 'to nobody', DEMO_ACCOUNT.accountSid))).status).toBe(200);
    await client.dispose();
  });

  it('ends every subscription at shutdown (complete), and admits no new one', async () => {
    await using closing = await startGateway();
    const fixture = await chatFixture(closing);
    const sse = await sseSubscribe(closing.url, MESSAGE_ADDED, { s: fixture.serviceSid, c: fixture.channelSid });
    const client = wsClient(closing.url);
    const ws = wsSubscribe(client, MESSAGE_ADDED, { s: fixture.serviceSid, c: fixture.channelSid });
    await listening(closing, 2);
    closing.gateway.subscriptions.closeAll();
    await until(() => sse.completed && ws.completed, 'both subscriptions to complete');
    expect(closing.gateway.subscriptions.size).toBe(0);
    const late = await sseSubscribe(closing.url, MESSAGE_ADDED, { s: fixture.serviceSid, c: fixture.channelSid });
    expect((await late.next()).errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
    await client.dispose();
  });
});
