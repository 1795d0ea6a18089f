/**
 * The Chat graph end to end: the gateway and the emulator both running on
 * loopback, queried over HTTP as a frontend would, with the emulator counting
 * every REST call the gateway makes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { expectBadInput } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { createGateway } from '../../src/gateway.ts';
import {
  ChannelPageDocument,
  ChannelsWithPeopleDocument,
  MessageHistoryDocument,
  type ChannelPageQuery,
  type MessageHistoryQuery,
} from '../generated/graphql.ts';

let env: GatewayEnv;
let support: string; // the "Acme Support" service of the demo data

beforeAll(async () => {
  env = await startGateway({ transport: { timeoutMs: 500, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 50 } } });
  const services = await twilioFetch(env.emulator, 'GET', '/v2/Services');
  support = services.body.services.find((s: any) => s.friendly_name === 'Acme Support').sid;
});
afterAll(() => env?.close());
beforeEach(() => {
  env.emulator.clearFaults();
  env.resetCalls();
});

const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);

describe('REST call counts', () => {
  it('reads 20 channels with members, users, last messages and authors in the fewest calls Twilio allows', async () => {
    const res = await env.run(ChannelsWithPeopleDocument, { sid: support });
    expect(res.errors).toBeUndefined();
    const channels = res.data!.chatService!.channels.nodes;
    expect(channels).toHaveLength(20);
    // The minimum for this query is 42 REST calls:
    //   1  ListChannel (PageSize=20): the service itself is not fetched, since only its channels are asked for
    //  20  ListMember, one per channel: Twilio has no call that lists members of several channels
    //  20  ListMessage (Order=desc, PageSize=5), one per channel, for the same reason
    //   1  ListUser (PageSize=1000): every member's user and every author, all in one service of 40 users
    expect(env.calls()).toEqual({ 'chat.ListChannel': 1, 'chat.ListMember': 20, 'chat.ListMessage': 20, 'chat.ListUser': 1 });
    expect(env.totalCalls()).toBe(42);

    // And the answer is right: members and their users agree, messages are the latest five in order.
    const general = channels.find((c) => c?.uniqueName === 'engineering')!;
    const restMessages = (await rest(`/v2/Services/${support}/Channels/engineering/Messages?Order=desc&PageSize=5`)).messages;
    expect(general.messages.nodes.map((m) => m!.index)).toEqual(restMessages.map((m: any) => m.index).reverse());
    for (const m of general.messages.nodes) expect(m!.author?.identity ?? null).toBe(restMessages.find((r: any) => r.index === m!.index).from);
    for (const member of channels[0]!.members.nodes) expect(member!.user!.friendlyName!.toLowerCase()).toBe(member!.identity!.replace(/\d+$/, ''));
  });

  it('does not grow with the number of members per channel, beyond the extra pages needed', async () => {
    // The first channel of the service gets 60 more members: its member page still costs one call,
    // whether the query asks for 20 of them or 50.
    const path = `/v2/Services/${support}/Channels`;
    const first = (await rest(`${path}?PageSize=1`)).channels[0];
    const guests = Array.from({ length: 60 }, (_, i) => `guest-${i}`);
    for (const identity of guests) await twilioFetch(env.emulator, 'POST', `${path}/${first.sid}/Members`, { Identity: identity });
    try {
      for (const members of [20, 50]) {
        env.resetCalls();
        const res = await env.run(ChannelsWithPeopleDocument, { sid: support, members });
        expect(res.errors).toBeUndefined();
        const crowded = res.data!.chatService!.channels.nodes[0]!;
        expect(crowded.uniqueName).toBe(first.unique_name);
        expect(crowded.members.nodes).toHaveLength(members);
        expect(env.calls()).toEqual({ 'chat.ListChannel': 1, 'chat.ListMember': 20, 'chat.ListMessage': 20, 'chat.ListUser': 1 });
      }
    } finally {
      for (const identity of guests) await twilioFetch(env.emulator, 'DELETE', `${path}/${first.sid}/Members/${identity}`);
    }
  });

  it('fetches a resource at most once per request, and primes loaders from list pages', async () => {
    const res = await env.query(
      `query($sid: String!) {
        a: chatService(sid: $sid) { friendlyName defaultChannelRole { friendlyName } }
        b: chatService(sid: $sid) { friendlyName channels(first: 3) { nodes { service { friendlyName } members(first: 3) { nodes { role { friendlyName } channel { uniqueName } } } } } }
      }`,
      { sid: support },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.a.friendlyName).toBe('Acme Support');
    // One FetchService for both aliases and every channel.service; channels come from the list page, roles from one role list.
    expect(env.calls()).toEqual({ 'chat.FetchService': 1, 'chat.ListChannel': 1, 'chat.ListMember': 3, 'chat.ListRole': 1 });
  });

  it('batches the members of a channel wanted by identity into one ListMember?Identity=… call', async () => {
    const res = await env.query(
      `query($sid: String!) { chatService(sid: $sid) { channel(sidOrUniqueName: "engineering") { messages(first: 25) { nodes { from member { sid identity } } } } } }`,
      { sid: support },
    );
    expect(res.errors).toBeUndefined();
    const messages = res.data.chatService.channel.messages.nodes;
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) expect(m.member?.identity ?? null).toBe(m.from);
    expect(env.calls()['chat.ListMember']).toBe(1);
    expect(env.calls()['chat.FetchMember']).toBeUndefined();
  });
});

describe('pagination', () => {
  it('pages forwards through all channels with endCursor', async () => {
    const all = (await rest(`/v2/Services/${support}/Channels?PageSize=100`)).channels.map((c: any) => c.unique_name);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    env.resetCalls();
    for (;;) {
      const res: GraphQLResponse<ChannelPageQuery> = await env.run(ChannelPageDocument, { sid: support, first: 7, after });
      const conn = res.data!.chatService!.channels;
      seen.push(...conn.nodes.map((n) => n!.uniqueName!));
      pages++;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor ?? null;
    }
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 7));
    // Following endCursor costs one REST call per page.
    expect(env.calls()).toEqual({ 'chat.ListChannel': pages });
  });

  it('pages backwards through message history with last and before', async () => {
    const all = (await rest(`/v2/Services/${support}/Channels/engineering/Messages?PageSize=100`)).messages.map((m: any) => m.index);
    const seen: number[] = [];
    let before: string | null = null;
    for (;;) {
      const res: GraphQLResponse<MessageHistoryQuery> = await env.run(MessageHistoryDocument, { sid: support, channel: 'engineering', last: 4, before });
      expect(res.errors).toBeUndefined();
      const conn = res.data!.chatService!.channel!.messages;
      seen.unshift(...conn.nodes.map((n) => n!.index!));
      expect(conn.pageInfo.hasNextPage).toBe(before !== null);
      if (!conn.pageInfo.hasPreviousPage) break;
      before = conn.pageInfo.startCursor ?? null;
    }
    expect(seen).toEqual(all);
  });

  it('continues from a cursor in the middle of a page', async () => {
    const first = await env.query(`query($sid: String!) { chatService(sid: $sid) { channels(first: 6) { edges { cursor node { uniqueName } } } } }`, {
      sid: support,
    });
    const edges = first.data.chatService.channels.edges;
    const next = await env.query(
      `query($sid: String!, $after: String!) { chatService(sid: $sid) { channels(first: 4, after: $after) { nodes { uniqueName } } } }`,
      {
        sid: support,
        after: edges[2].cursor,
      },
    );
    expect(next.data.chatService.channels.nodes.map((n: any) => n.uniqueName)).toEqual([
      ...edges.slice(3).map((e: any) => e.node.uniqueName),
      ...(await rest(`/v2/Services/${support}/Channels?PageSize=7`)).channels.slice(6, 7).map((c: any) => c.unique_name),
    ]);
  });

  it('offers last only on lists Twilio can read newest first', async () => {
    const res = await env.query(`query($sid: String!) { chatService(sid: $sid) { channels(last: 3) { nodes { sid } } } }`, { sid: support });
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toContain('"last"');
    expect(env.totalCalls()).toBe(0);
  });
});

describe('nodes', () => {
  it('refetches every Chat type by its global ID', async () => {
    const res = await env.query(
      `query($sid: String!) { chatService(sid: $sid) { id defaultServiceRole { id } users(first: 1) { nodes { id } }
        channels(first: 1) { nodes { id members(first: 1) { nodes { id } } messages(first: 1) { nodes { id } } } } } }`,
      { sid: support },
    );
    const s = res.data.chatService;
    const ids = [
      s.id,
      s.defaultServiceRole.id,
      s.users.nodes[0].id,
      s.channels.nodes[0].id,
      s.channels.nodes[0].members.nodes[0].id,
      s.channels.nodes[0].messages.nodes[0].id,
    ];
    env.resetCalls();
    const nodes = await env.query(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes.errors).toBeUndefined();
    expect(nodes.data.nodes.map((n: any) => n.__typename)).toEqual(['ChatService', 'ChatRole', 'ChatUser', 'ChatChannel', 'ChatMember', 'ChatMessage']);
    expect(nodes.data.nodes.map((n: any) => n.id)).toEqual(ids);
    expect(env.totalCalls()).toBe(6);
    const one = await env.query(`query($id: ID!) { node(id: $id) { ... on ChatChannel { uniqueName service { sid } } } }`, { id: ids[3] });
    expect(one.data.node.service.sid).toBe(support);
  });

  it('answers null for a node that no longer exists, and an error for an ID it did not issue', async () => {
    const id = Buffer.from(`v1:ChatChannel:${support}:CH${'0'.repeat(32)}`).toString('base64url');
    expect((await env.query(`query($id: ID!) { node(id: $id) { id } }`, { id })).data.node).toBeNull();
    const bad = await env.query(`{ node(id: "not-an-id") { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('bad input', () => {
  it.each([
    ['a malformed SID', `{ chatService(sid: "IS123") { sid } }`, 'sid'],
    ['first over the page size Twilio allows', `{ chatServices(first: 1001) { nodes { sid } } }`, 'first'],
    ['a negative first', `{ chatServices(first: -1) { nodes { sid } } }`, 'first'],
    ['a cursor not from this gateway', `{ chatServices(after: "abc") { nodes { sid } } }`, 'after'],
  ])('refuses %s with an error naming the argument, before any REST call', async (_, query, field) => {
    const res = await env.query(query);
    expectBadInput(res, field, env);
  });

  it('refuses a mutation input with a malformed SID, naming the input field', async () => {
    const res = await env.query(`mutation { createChatChannel(input: { serviceSid: "nope", friendlyName: "x" }) { chatChannel { sid } } }`);
    expectBadInput(res, 'input.serviceSid', env);
  });

  it('never repeats a variable holding a secret in its error', async () => {
    const res = await env.query(`mutation($input: CreateChatCredentialInput!) { createChatCredential(input: $input) { chatCredential { sid } } }`, {
      input: { friendlyName: 'x', secret: 'TOP-SECRET; more' },
    });
    expect(res.errors?.[0]?.message).toBe('Variable "$input" got invalid value; Field "type" of required type "ChatPushService!" was not provided.');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res)).not.toContain('TOP-SECRET');
    expect(env.totalCalls()).toBe(0);
  });

  it('never writes a variable holding a secret to the log', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
    );
    try {
      const logged = createGateway({ transport: env.transport, credentials: null, logging: true });
      const res = await logged.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(`AC${'1'.repeat(32)}:token`).toString('base64') },
        body: JSON.stringify({
          query: 'mutation($input: CreateChatCredentialInput!) { createChatCredential(input: $input) { chatCredential { sid } } }',
          variables: { input: { secret: 'TOP-SECRET-IN-LOGS' } },
        }),
      });
      expect(await res.text()).not.toContain('TOP-SECRET-IN-LOGS');
      // An expected Twilio failure is answered, not logged as a server error.
      const missing = await logged.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(`AC${'1'.repeat(32)}:token`).toString('base64') },
        body: JSON.stringify({ query: `{ chatService(sid: "IS${'0'.repeat(32)}") { channels { nodes { sid } } } }` }),
      });
      expect(((await missing.json()) as any).errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', twilioCode: 20003 });
      expect(lines).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('refuses a missing required field before execution', async () => {
    const res = await env.query(`mutation { createChatUser(input: { serviceSid: "${support}" }) { chatUser { sid } } }`);
    expect(res.errors?.[0]?.message).toMatch(/identity/);
    expect(env.totalCalls()).toBe(0);
  });
});

describe('upstream failures', () => {
  it('retries a 429 on a read and answers as if nothing happened', async () => {
    env.emulator.injectFault({ operation: 'chat.FetchService', status: 429, count: 1 });
    const res = await env.query(`query($sid: String!) { chatService(sid: $sid) { friendlyName } }`, { sid: support });
    expect(res.errors).toBeUndefined();
    expect(res.data.chatService.friendlyName).toBe('Acme Support');
    expect(env.calls()['chat.FetchService']).toBe(2);
  });

  it('puts a 500 at its field with Twilio facts, while siblings still resolve', async () => {
    env.emulator.injectFault({ operation: 'chat.ListRole', status: 500, count: 5 });
    const res = await env.query(
      `query($sid: String!) { chatService(sid: $sid) { friendlyName roles { nodes { sid } } } other: chatService(sid: $sid) { sid } }`,
      { sid: support },
    );
    expect(res.data.chatService).toBeNull(); // roles is non-null, so its error nulls the service
    expect(res.data.other.sid).toBe(support);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['chatService', 'roles']);
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      twilioCode: 20500,
      status: 500,
      moreInfo: 'https://www.twilio.com/docs/errors/20500',
      operation: 'chat.ListRole',
    });
    // A 500 on a read is not retried.
    expect(env.calls()['chat.ListRole']).toBe(1);
  });

  it("keeps the rest of a page when one item's list fails", async () => {
    env.emulator.injectFault({ operation: 'chat.ListMessage', status: 500, count: 1 });
    const res = await env.query(
      `query($sid: String!) { chatService(sid: $sid) { channels(first: 5) { nodes { uniqueName messages(last: 2) { nodes { index } } } } } }`,
      { sid: support },
    );
    const nodes = res.data.chatService.channels.nodes;
    expect(nodes).toHaveLength(5);
    expect(nodes.filter((n: any) => n === null)).toHaveLength(1);
    expect(nodes.filter((n: any) => n !== null)).toHaveLength(4);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['chatService', 'channels', 'nodes', nodes.indexOf(null), 'messages']);
  });

  it('turns a timeout into UPSTREAM_TIMEOUT after the retries', async () => {
    env.emulator.injectFault({ operation: 'chat.FetchService', stallMs: 800, count: 3 });
    const res = await env.query(`query($sid: String!) { chatService(sid: $sid) { friendlyName } }`, { sid: support });
    expect(res.data.chatService).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', operation: 'chat.FetchService' });
    expect(env.calls()['chat.FetchService']).toBe(3);
  });

  it('answers null for a resource Twilio does not have', async () => {
    const res = await env.query(`{ chatService(sid: "IS${'0'.repeat(32)}") { friendlyName } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.chatService).toBeNull();
  });

  it('answers null for a missing service even when only its sid is asked for', async () => {
    const res = await env.query(`{ chatService(sid: "IS${'0'.repeat(32)}") { id sid } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.chatService).toBeNull();
  });

  it('tells whether a list has items when first is 0', async () => {
    const res = await env.query(`query($sid: String!) { chatService(sid: $sid) { channels(first: 0) { pageInfo { hasNextPage } nodes { sid } } } }`, {
      sid: support,
    });
    expect(res.data.chatService.channels).toEqual({ pageInfo: { hasNextPage: true }, nodes: [] });
  });

  it('fails a malformed ID alone, not the other nodes of its batch', async () => {
    const channel = (await rest(`/v2/Services/${support}/Channels?PageSize=1`)).channels[0];
    const good = Buffer.from(`v1:ChatChannel:${support}:${channel.sid}`).toString('base64url');
    const forged = Buffer.from(`v1:ChatChannel:${support}`).toString('base64url');
    const res = await env.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on ChatChannel { sid } } }`, { ids: [good, forged] });
    expect(res.data.nodes[0]).toEqual({ sid: channel.sid });
    expect(res.data.nodes[1]).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reports NOT_FOUND when only lists of a missing service were asked for', async () => {
    const res = await env.query(`{ chatService(sid: "IS${'0'.repeat(32)}") { channels { nodes { sid } } } }`);
    expect(res.data.chatService).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', twilioCode: 20404, status: 404 });
  });
});

describe('credentials', () => {
  it("uses a request's own Twilio credentials for that request alone", async () => {
    const auth = 'Basic ' + Buffer.from(`AC${'f'.repeat(32)}:not-the-token`).toString('base64');
    const res = await env.query(`{ chatServices { nodes { sid } } }`, undefined, { authorization: auth });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', twilioCode: 20003, status: 401 });
    expect(JSON.stringify(res)).not.toContain('not-the-token');
    const ok = await env.query(`{ chatServices { nodes { sid } } }`);
    expect(ok.data.chatServices.nodes).toHaveLength(2);
  });

  it('refuses a malformed Authorization header without echoing it', async () => {
    const res = await env.query(`{ chatServices { nodes { sid } } }`, undefined, { authorization: 'Basic c2VjcmV0LXRva2Vu' });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res)).not.toContain('secret-token');
    expect(env.totalCalls()).toBe(0);
  });
});

describe('reads after writes in one request', () => {
  it('never serves what a write in the same request changed', async () => {
    const path = `/v2/Services/${support}/Channels`;
    await twilioFetch(env.emulator, 'POST', path, { UniqueName: 'fresh-room' });
    for (const identity of ['ann', 'bob']) await twilioFetch(env.emulator, 'POST', `${path}/fresh-room/Members`, { Identity: identity });
    const message = (await twilioFetch(env.emulator, 'POST', `${path}/fresh-room/Messages`, { Body: 'soon gone' })).body.sid;
    try {
      const res = await env.query(
        `mutation($svc: String!, $msg: String!) {
          before: updateChatChannel(input: { serviceSid: $svc, sidOrUniqueName: "fresh-room", friendlyName: "Fresh" }) { chatChannel { membersCount } }
          leave: deleteChatMember(input: { serviceSid: $svc, channelSidOrUniqueName: "fresh-room", sidOrIdentity: "ann" }) { deletedId }
          gone: deleteChatMessage(input: { serviceSid: $svc, channelSidOrUniqueName: "fresh-room", sid: $msg }) { deletedId }
          after: createChatInvite(input: { serviceSid: $svc, channelSidOrUniqueName: "fresh-room", identity: "cid" }) {
            chatInvite { channel { membersCount messagesCount message(sid: $msg) { sid } } }
          }
        }`,
        { svc: support, msg: message },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.before.chatChannel.membersCount).toBe(2);
      expect(res.data.after.chatInvite.channel).toEqual({ membersCount: 1, messagesCount: 0, message: null });
    } finally {
      await twilioFetch(env.emulator, 'DELETE', `${path}/fresh-room`);
    }
  });
});

describe('server', () => {
  it('gives no CORS permission to any origin unless configured', async () => {
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ query: '{ chatServices { nodes { sid } } }' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${env.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves GraphiQL to a browser, with no asset from a CDN', async () => {
    const res = await fetch(`${env.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GraphiQL');
    expect(html).toContain('Twilio GraphQL gateway');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']?https?:/);
  });
});
