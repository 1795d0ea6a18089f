/**
 * Cursors are opaque and tied to their list: a cursor from another list (another
 * channel's members, another kind of list, another account), an altered one or
 * one the gateway did not sign is refused with BAD_USER_INPUT naming the
 * argument, before any REST call. Signed cursors still cost one call a page.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { expectBadInput } from '../support/assertions.ts';
import { basicAuth, twilioFetch } from '../emulator/helpers.ts';
import { DEFAULT_ACCOUNTS } from '../../src/emulator/accounts.ts';

const OTHER_ACCOUNT = { accountSid: `AC${'2'.repeat(32)}`, authToken: 'other-auth-token' };

let env: GatewayEnv;
let chatSupport: string; // Chat service "Acme Support"
let chatCommunity: string; // Chat service "Acme Community"
let proxySupport: string; // Proxy service "acme-support"
let sessions: string[]; // two of its sessions
let channels: string[]; // two channels of Acme Support with members

beforeAll(async () => {
  env = await startGateway({ emulator: { accounts: [...DEFAULT_ACCOUNTS, OTHER_ACCOUNT] } });
  const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
  const chatServices = (await rest('/v2/Services')).services;
  chatSupport = chatServices.find((s: any) => s.friendly_name === 'Acme Support').sid;
  chatCommunity = chatServices.find((s: any) => s.friendly_name === 'Acme Community').sid;
  channels = (await rest(`/v2/Services/${chatSupport}/Channels?PageSize=50`)).channels
    .filter((c: any) => c.members_count >= 3)
    .slice(0, 2)
    .map((c: any) => c.sid);
  proxySupport = (await rest('/v1/Services')).services.find((s: any) => s.unique_name === 'acme-support').sid;
  sessions = (await rest(`/v1/Services/${proxySupport}/Sessions?PageSize=2`)).sessions.map((s: any) => s.sid);
  expect(channels).toHaveLength(2);
  expect(sessions).toHaveLength(2);
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

const PARTICIPANTS = `query($service: String!, $session: String!, $after: String) {
  proxyService(sidOrUniqueName: $service) { session(sidOrUniqueName: $session) { participants(first: 1, after: $after) { nodes { sid } pageInfo { endCursor } } } }
}`;
const MEMBERS = `query($service: String!, $channel: String!, $after: String) {
  chatService(sid: $service) { channel(sidOrUniqueName: $channel) { members(first: 1, after: $after) { nodes { sid } pageInfo { endCursor hasNextPage } } } }
}`;
const CHANNELS = `query($service: String!, $after: String) { chatService(sid: $service) { channels(first: 2, after: $after) { nodes { sid } pageInfo { endCursor } } } }`;

async function participantCursor(session: string): Promise<string> {
  const res = await env.query(PARTICIPANTS, { service: proxySupport, session });
  expect(res.errors).toBeUndefined();
  env.resetCalls();
  return res.data.proxyService.session.participants.pageInfo.endCursor;
}

async function memberCursor(channel: string): Promise<string> {
  const res = await env.query(MEMBERS, { service: chatSupport, channel });
  expect(res.errors).toBeUndefined();
  env.resetCalls();
  return res.data.chatService.channel.members.pageInfo.endCursor;
}

/** One character of `text` at `index` replaced by another character of the base64url alphabet. */
function changeOne(text: string, index: number): string {
  const c = text[index]!;
  return text.slice(0, index) + (c === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

async function channelCursor(service: string): Promise<string> {
  const res = await env.query(CHANNELS, { service });
  expect(res.errors).toBeUndefined();
  env.resetCalls();
  return res.data.chatService.channels.pageInfo.endCursor;
}

describe('a cursor from another list', () => {
  it("is refused on another service's channels, with no REST call", async () => {
    const cursor = await channelCursor(chatSupport);
    // The same cursor on its own list works.
    expect((await env.query(CHANNELS, { service: chatSupport, after: cursor })).errors).toBeUndefined();
    env.resetCalls();
    const res = await env.query(CHANNELS, { service: chatCommunity, after: cursor });
    expectBadInput(res, 'after');
    expect(res.errors![0]!.path).toEqual(['chatService', 'channels']);
    expect(env.totalCalls()).toBe(0);
  });

  it("is refused on another channel's members, before any member list is read", async () => {
    const cursor = await memberCursor(channels[0]!);
    const res = await env.query(MEMBERS, { service: chatSupport, channel: channels[1], after: cursor });
    expectBadInput(res, 'after');
    expect(res.errors![0]!.path).toEqual(['chatService', 'channel', 'members']);
    // No call at all: no ListMember, and the service and channel, asked only for that list, are not read (this was 2:
    // FetchService and FetchChannel, before parents were read only for their own fields).
    expect(env.totalCalls()).toBe(0);
  });

  it("is refused on another session's participants, before any participant list is read", async () => {
    const cursor = await participantCursor(sessions[0]!);
    const res = await env.query(PARTICIPANTS, { service: proxySupport, session: sessions[1], after: cursor });
    expectBadInput(res, 'after');
    expect(res.errors![0]!.path).toEqual(['proxyService', 'session', 'participants']);
    expect(env.calls()['proxy.ListParticipant']).toBeUndefined();
  });

  it('is refused on another kind of list, with no REST call', async () => {
    const cursor = await memberCursor(channels[0]!);
    const res = await env.query(CHANNELS, { service: chatSupport, after: cursor });
    expectBadInput(res, 'after');
    expect(env.totalCalls()).toBe(0);
  });

  it('is refused on the same list filtered differently, with no REST call', async () => {
    const first = await env.query(`query($s: String!) { chatService(sid: $s) { channels(first: 1, type: [PUBLIC]) { pageInfo { endCursor } } } }`, {
      s: chatSupport,
    });
    const cursor = first.data.chatService.channels.pageInfo.endCursor;
    env.resetCalls();
    expectBadInput(await env.query(CHANNELS, { service: chatSupport, after: cursor }), 'after');
    expect(env.totalCalls()).toBe(0);
  });

  it("is refused on another account's list of the same path, with no REST call", async () => {
    const mine = await env.query(`{ chatServices(first: 1) { pageInfo { endCursor } } }`);
    const cursor = mine.data.chatServices.pageInfo.endCursor;
    env.resetCalls();
    const theirs = await env.query(
      `query($after: String) { chatServices(first: 1, after: $after) { nodes { sid } } }`,
      { after: cursor },
      {
        authorization: basicAuth(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken),
      },
    );
    expectBadInput(theirs, 'after');
    expect(env.totalCalls()).toBe(0);
  });

  it('names before when the cursor is passed as before', async () => {
    const res = await env.query(
      `query($s: String!, $c: String!, $before: String) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { messages(last: 2, before: $before) { nodes { index } } } } }`,
      {
        s: chatSupport,
        c: channels[0],
        before: await memberCursor(channels[0]!),
      },
    );
    expectBadInput(res, 'before');
    expect(env.calls()['chat.ListMessage']).toBeUndefined();
  });
});

describe('a cursor the gateway did not sign', () => {
  it('is refused when any one character is changed, with no REST call', async () => {
    const cursor = await channelCursor(chatSupport);
    for (const index of [0, Math.floor(cursor.length / 3), cursor.indexOf('.') - 1, cursor.indexOf('.') + 1, cursor.length - 1]) {
      expectBadInput(await env.query(CHANNELS, { service: chatSupport, after: changeOne(cursor, index) }), 'after');
    }
    expect(env.totalCalls()).toBe(0);
  });

  it('is refused in the old unsigned format, with no REST call', async () => {
    const unsigned = Buffer.from(JSON.stringify({ g: 0, s: 2, i: 1, o: 'asc' })).toString('base64url');
    expectBadInput(await env.query(CHANNELS, { service: chatSupport, after: unsigned }), 'after');
    // Its contents with a signature made up.
    expectBadInput(await env.query(CHANNELS, { service: chatSupport, after: `${unsigned}.${'A'.repeat(22)}` }), 'after');
    expect(env.totalCalls()).toBe(0);
  });

  it('is refused without being repeated in the error', async () => {
    const junk = 'x'.repeat(5000);
    const res = await env.query(CHANNELS, { service: chatSupport, after: junk });
    expectBadInput(res, 'after');
    expect(JSON.stringify(res)).not.toContain(junk);
    expect(env.totalCalls()).toBe(0);
  });
});

describe('signed cursors', () => {
  it('cost one REST call a page, forwards and backwards', async () => {
    let after: string | null = null;
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      env.resetCalls();
      const res: GraphQLResponse = await env.query(MEMBERS, { service: chatSupport, channel: channels[0], after });
      expect(res.errors).toBeUndefined();
      const members = res.data.chatService.channel.members;
      seen.push(...members.nodes.map((n: any) => n.sid));
      // The channel itself is read once per request; the members cost one call per page.
      expect(env.calls()['chat.ListMember']).toBe(1);
      if (!members.pageInfo.hasNextPage) break;
      after = members.pageInfo.endCursor;
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);

    const last = await env.query(
      `query($s: String!, $c: String!, $before: String) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { messages(last: 2, before: $before) { nodes { index } pageInfo { startCursor } } } } }`,
      {
        s: chatSupport,
        c: 'engineering',
      },
    );
    env.resetCalls();
    const earlier = await env.query(
      `query($s: String!, $c: String!, $before: String) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { messages(last: 2, before: $before) { nodes { index } } } } }`,
      {
        s: chatSupport,
        c: 'engineering',
        before: last.data.chatService.channel.messages.pageInfo.startCursor,
      },
    );
    expect(earlier.errors).toBeUndefined();
    expect(earlier.data.chatService.channel.messages.nodes.map((n: any) => n.index)).toEqual(
      last.data.chatService.channel.messages.nodes.map((n: any) => n.index - 2),
    );
    expect(env.calls()['chat.ListMessage']).toBe(1);
  });

  it('are accepted by every gateway with the same CURSOR_SECRET, and by no other', async () => {
    const secret = 's'.repeat(40);
    await using a = await startGateway({ gateway: { cursorSecret: secret } });
    await using b = await startGateway({ gateway: { cursorSecret: secret } });
    await using c = await startGateway({ gateway: { cursorSecret: 't'.repeat(40) } });
    const first = await a.query(CHANNELS, { service: chatSupport });
    const cursor = first.data.chatService.channels.pageInfo.endCursor;
    const next = await b.query(CHANNELS, { service: chatSupport, after: cursor });
    expect(next.errors).toBeUndefined();
    expect(next.data.chatService.channels.nodes).toHaveLength(2);
    expect(next.data.chatService.channels.nodes[0].sid).not.toBe(first.data.chatService.channels.nodes[0].sid);
    expectBadInput(await c.query(CHANNELS, { service: chatSupport, after: cursor }), 'after');
    expect(c.totalCalls()).toBe(0);
  });
});
