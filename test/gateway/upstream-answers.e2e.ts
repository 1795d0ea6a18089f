/**
 * Upstream answers that do not match the spec, end to end: the emulator's
 * faults answer chosen bodies (odd page URLs, enum values the spec does not
 * list, bodies that cannot be read) and the gateway still answers every field
 * it can, with a named error where it cannot, and never "Unexpected error".
 */
import { getNamedType, getNullableType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publicSchema } from '../../src/schema/index.ts';
import { chatOperations } from '../../src/twilio/chat.ts';
import { proxyOperations } from '../../src/twilio/proxy.ts';
import { eventsOperations } from '../../src/twilio/events.ts';
import { accountsOperations } from '../../src/twilio/accounts.ts';
import type { TwilioOperation } from '../../src/twilio/operation.ts';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';

const OPERATIONS = [chatOperations, proxyOperations, eventsOperations, accountsOperations].flatMap((table) => Object.values(table) as TwilioOperation[]);

let env: GatewayEnv;
let dispatcher: Dispatcher;
/** Path and query of every REST request the gateway sent, in order. */
const sent: string[] = [];

beforeAll(async () => {
  // Records what the gateway asks of Twilio, so a test can read the very page it read, and change it.
  dispatcher = new Agent({ keepAliveTimeout: 10 }).compose((dispatch) => (options, handler) => {
    sent.push(options.path);
    return dispatch(options, handler);
  });
  env = await startGateway({ transport: { dispatcher, retry: { maxRetries: 0 } } });
});
afterAll(async () => {
  await env?.close();
  await dispatcher?.close();
});
beforeEach(() => {
  env.emulator.clearFaults();
  env.resetCalls();
  sent.length = 0;
});

/** No answer may hide a failure behind Yoga's mask. */
function expectNoMaskedError(res: GraphQLResponse): void {
  for (const error of res.errors ?? []) expect(error.message).not.toMatch(/Unexpected error/);
}

const rest = async (path: string) => {
  const res = await twilioFetch(env.emulator, 'GET', path);
  expect(res.status, path).toBe(200);
  return res.body;
};

/** The operation whose path template `path` (without its query) fills. */
function operationAt(path: string, method = 'GET'): TwilioOperation | undefined {
  const pathname = path.split('?')[0]!;
  return OPERATIONS.find((op) => op.method === method && new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname));
}

// ---------------------------------------------------------------------------
// Page URLs the client cannot follow

interface ConnectionField {
  parent: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
}

/** Every connection field of the schema: derived, so a new list is tested the day it is added. */
const CONNECTION_FIELDS: ConnectionField[] = Object.values(publicSchema.getTypeMap())
  .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'))
  .flatMap((parent) =>
    Object.values(parent.getFields())
      .filter((field) => getNamedType(field.type).name.endsWith('Connection'))
      .map((field) => ({ parent, field })),
  );

const isNodeType = (type: GraphQLObjectType) => type.getInterfaces().some((i) => i.name === 'Node');
const noRequiredArgs = (field: GraphQLField<unknown, unknown>) => field.args.every((arg) => !isNonNullType(arg.type));
const itemTypeOf = (field: GraphQLField<unknown, unknown>) =>
  getNamedType((getNamedType(field.type) as GraphQLObjectType).getFields().nodes!.type) as GraphQLObjectType;

/**
 * IDs of demo objects of every node type the connections hang from, found by
 * walking the graph from the root: its lists, then the lists and links of
 * what they hold, a few levels down.
 */
async function demoIds(): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  const add = (type: string, id: string | undefined) => {
    if (!id) return;
    const list = ids.get(type) ?? [];
    if (!list.includes(id) && list.length < 40) ids.set(type, [...list, id]);
  };
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(collect);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.__typename === 'string' && typeof record.id === 'string') add(record.__typename, record.id);
    Object.values(record).forEach(collect);
  };
  const selection = (type: GraphQLObjectType) =>
    Object.values(type.getFields())
      .filter((field) => noRequiredArgs(field))
      .flatMap((field) => {
        const named = getNamedType(field.type);
        if (named.name.endsWith('Connection')) return [`${field.name}(first: 10) { nodes { __typename ... on Node { id } } }`];
        if (isObjectType(named) && isNodeType(named) && !isListType(getNullableType(field.type))) return [`${field.name} { __typename id }`];
        return [];
      })
      .join(' ');
  const root = await env.query(`{ ${selection(publicSchema.getQueryType()!)} }`);
  collect(root.data);
  const expanded = new Set<string>();
  for (let level = 0; level < 3; level++) {
    for (const [typename, list] of [...ids]) {
      if (expanded.has(typename)) continue;
      expanded.add(typename);
      const type = publicSchema.getType(typename) as GraphQLObjectType;
      const fields = selection(type);
      if (!fields) continue;
      const res = await env.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on ${typename} { ${fields} } } }`, { ids: list.slice(0, 12) });
      collect(res.data);
    }
  }
  return ids;
}

/** Values of `next_page_url` that no client can follow: each means "no next page". */
const UNFOLLOWABLE = [
  'https://chat.twilio.com',
  'https://chat.twilio.com?PageToken=PT0123',
  'not a url at all',
  'https://elsewhere.example',
  'https://elsewhere.example/somewhere/else?PageToken=PT0123',
  '//elsewhere.example/v2/Services?PageToken=PT0123',
  'ftp://chat.twilio.com/v2/Services?PageToken=PT0123',
  '',
  42,
  { href: 'https://chat.twilio.com' },
];

describe('page URLs the client cannot follow', () => {
  let ids: Map<string, string[]>;
  beforeAll(async () => {
    ids = await demoIds();
  });

  it('covers every connection field of the schema', () => {
    expect(CONNECTION_FIELDS.length).toBeGreaterThanOrEqual(28);
    for (const { parent } of CONNECTION_FIELDS) {
      if (parent.name !== 'Query') expect(ids.get(parent.name)?.length ?? 0, `demo objects of ${parent.name}`).toBeGreaterThan(0);
    }
  });

  it.each(CONNECTION_FIELDS.map(({ parent, field }, i) => [`${parent.name}.${field.name}`, i] as const))(
    '%s answers its items and hasNextPage: false',
    async (_name, i) => {
      const { parent, field } = CONNECTION_FIELDS[i]!;
      const itemType = itemTypeOf(field);
      const item = isNodeType(itemType) ? '__typename id' : '__typename';
      const connection = `${field.name}(first: 2) { edges { cursor node { ${item} } } pageInfo { hasNextPage hasPreviousPage endCursor } }`;
      let query: string;
      let variables: Record<string, unknown> = {};
      if (parent.name === 'Query') {
        query = `{ ${connection} }`;
      } else {
        // The demo object whose list is longest, so that Twilio's own answer has a next page.
        const candidates = ids.get(parent.name)!;
        const probe = await env.query(
          `query($ids: [ID!]!) { nodes(ids: $ids) { ... on ${parent.name} { id ${field.name}(first: 2) { edges { cursor } pageInfo { hasNextPage } } } } }`,
          { ids: candidates },
        );
        expect(probe.errors).toBeUndefined();
        const score = (n: any) => (n?.[field.name].edges.length ?? 0) + (n?.[field.name].pageInfo.hasNextPage ? 1 : 0);
        const best = (probe.data.nodes as any[]).reduce((a, b) => (score(b) > score(a) ? b : a));
        query = `query($id: ID!) { node(id: $id) { ... on ${parent.name} { ${connection} } } }`;
        variables = { id: best.id };
      }
      const pick = (res: GraphQLResponse) => (parent.name === 'Query' ? res.data[field.name] : res.data.node[field.name]);

      sent.length = 0;
      env.resetCalls();
      const normal = await env.query(query, variables);
      expect(normal.errors).toBeUndefined();
      const lists = sent.map((path) => [path, operationAt(path)] as const).filter(([, op]) => op?.listKey);
      expect(lists, `the list read of ${parent.name}.${field.name}`).toHaveLength(1);
      const [path, operation] = lists[0]!;

      // Twilio's own page, with page URLs nobody can follow.
      const page = await rest(path);
      const bad = UNFOLLOWABLE[i % UNFOLLOWABLE.length];
      page.meta.next_page_url = bad;
      page.meta.previous_page_url = bad;
      env.emulator.injectFault({ operation: operation!.key, body: JSON.stringify(page) });
      env.resetCalls();
      const odd = await env.query(query, variables);
      expectNoMaskedError(odd);
      expect(odd.errors).toBeUndefined();
      expect(env.calls()[operation!.key]).toBe(1);
      const answer = pick(odd);
      expect(answer.edges.map((e: any) => e.node)).toEqual(pick(normal).edges.map((e: any) => e.node));
      expect(answer.edges.length).toBe(page[operation!.listKey!].length);
      expect(answer.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      expect(answer.pageInfo.endCursor === null).toBe(answer.edges.length === 0);
    },
  );

  it('a page read backwards (last) whose previous URL has no path has no previous page', async () => {
    const [service] = (await rest('/v2/Services')).services;
    const channels = (await rest(`/v2/Services/${service.sid}/Channels?PageSize=100`)).channels;
    const channel = channels.reduce((a: any, b: any) => (b.messages_count > a.messages_count ? b : a));
    const query = `query($s: String!, $c: String!) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { messages(last: 3) { nodes { index } pageInfo { hasPreviousPage hasNextPage } } } } }`;
    const normal = await env.query(query, { s: service.sid, c: channel.sid });
    expect(normal.data.chatService.channel.messages.pageInfo.hasPreviousPage).toBe(true);
    const page = await rest(`/v2/Services/${service.sid}/Channels/${channel.sid}/Messages?Order=desc&PageSize=3`);
    page.meta.next_page_url = 'https://chat.twilio.com?PageToken=PT1';
    env.emulator.injectFault({ operation: 'chat.ListMessage', body: JSON.stringify(page) });
    const odd = await env.query(query, { s: service.sid, c: channel.sid });
    expect(odd.errors).toBeUndefined();
    expect(odd.data.chatService.channel.messages).toEqual({
      nodes: normal.data.chatService.channel.messages.nodes,
      pageInfo: { hasPreviousPage: false, hasNextPage: false },
    });
  });

  it("follows a page URL of another host whose path is the list's, on the configured origin only", async () => {
    const [service] = (await rest('/v2/Services')).services;
    const page = await rest(`/v2/Services/${service.sid}/Channels?PageSize=2`);
    const next = new URL(page.meta.next_page_url);
    page.meta.next_page_url = `https://elsewhere.example${next.pathname}${next.search}`;
    env.emulator.injectFault({ operation: 'chat.ListChannel', body: JSON.stringify(page) });
    const query = `query($s: String!, $after: String) { chatService(sid: $s) { channels(first: 2, after: $after) { nodes { sid } pageInfo { hasNextPage endCursor } } } }`;
    const first = await env.query(query, { s: service.sid });
    expect(first.errors).toBeUndefined();
    expect(first.data.chatService.channels.pageInfo.hasNextPage).toBe(true);
    sent.length = 0;
    const second = await env.query(query, { s: service.sid, after: first.data.chatService.channels.pageInfo.endCursor });
    expect(second.errors).toBeUndefined();
    expect(second.data.chatService.channels.nodes).toEqual((await rest(next.pathname + next.search)).channels.map((c: any) => ({ sid: c.sid })));
    // Its token went to the emulator, the only origin the client talks to.
    expect(sent).toEqual([expect.stringContaining(`PageToken=${next.searchParams.get('PageToken')}`)]);
  });
});

// ---------------------------------------------------------------------------
// Enum values the spec does not list

describe('enum values the schema does not know', () => {
  /** Answers the next call of `operation` with the record at `path`, changed by `change`. */
  async function serveChanged(operation: string, path: string, change: Record<string, unknown>) {
    const record = await rest(path);
    env.emulator.injectFault({ operation, body: JSON.stringify({ ...record, ...change }) });
    env.resetCalls();
    return record;
  }

  it('Chat: a channel of type "secret" has type null, and the rest of it resolves', async () => {
    const [service] = (await rest('/v2/Services')).services;
    const [first] = (await rest(`/v2/Services/${service.sid}/Channels?PageSize=1`)).channels;
    const channel = await serveChanged('chat.FetchChannel', `/v2/Services/${service.sid}/Channels/${first.sid}`, { type: 'secret' });
    const res = await env.query(
      `query($s: String!, $c: String!) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { sid type uniqueName friendlyName membersCount } } }`,
      { s: service.sid, c: channel.sid },
    );
    expect(env.calls()['chat.FetchChannel']).toBe(1);
    expect(res.errors).toBeUndefined();
    expect(res.data.chatService.channel).toEqual({
      sid: channel.sid,
      type: null,
      uniqueName: channel.unique_name,
      friendlyName: channel.friendly_name,
      membersCount: channel.members_count,
    });
  });

  it('Chat: in a page, only the item with the unknown value loses it', async () => {
    const [service] = (await rest('/v2/Services')).services;
    const page = await rest(`/v2/Services/${service.sid}/Channels?PageSize=3`);
    page.channels[1].type = 'secret';
    env.emulator.injectFault({ operation: 'chat.ListChannel', body: JSON.stringify(page) });
    const res = await env.query(`query($s: String!) { chatService(sid: $s) { channels(first: 3) { nodes { sid type } } } }`, { s: service.sid });
    expect(res.errors).toBeUndefined();
    expect(res.data.chatService.channels.nodes).toEqual(
      page.channels.map((c: any, i: number) => ({ sid: c.sid, type: i === 1 ? null : c.type.toUpperCase() })),
    );
  });

  it('Proxy: a session "paused" in mode "telepathy" has status and mode null, and the rest of it resolves', async () => {
    const [service] = (await rest('/v1/Services')).services;
    const [first] = (await rest(`/v1/Services/${service.sid}/Sessions?PageSize=1`)).sessions;
    const session = await serveChanged('proxy.FetchSession', `/v1/Services/${service.sid}/Sessions/${first.sid}`, { status: 'paused', mode: 'telepathy' });
    const res = await env.query(
      `query($s: String!, $k: String!) { proxyService(sidOrUniqueName: $s) { session(sidOrUniqueName: $k) { sid status mode uniqueName ttl } } }`,
      { s: service.sid, k: session.sid },
    );
    expect(env.calls()['proxy.FetchSession']).toBe(1);
    expect(res.errors).toBeUndefined();
    expect(res.data.proxyService.session).toEqual({ sid: session.sid, status: null, mode: null, uniqueName: session.unique_name, ttl: session.ttl });
  });

  it('Events: a sink of type "pigeon" and status "dormant" has both null, no typed configuration, and the rest resolves', async () => {
    const [first] = (await rest('/v1/Sinks')).sinks;
    const sink = await serveChanged('events.FetchSink', `/v1/Sinks/${first.sid}`, { sink_type: 'pigeon', status: 'dormant' });
    const res = await env.query(
      `query($sid: String!) { eventSink(sid: $sid) { sid sinkType status description sinkConfiguration { __typename } sinkConfigurationJson } }`,
      { sid: sink.sid },
    );
    expect(env.calls()['events.FetchSink']).toBe(1);
    expect(res.errors).toBeUndefined();
    expect(res.data.eventSink).toMatchObject({ sid: sink.sid, sinkType: null, status: null, description: sink.description, sinkConfiguration: null });
    expect(res.data.eventSink.sinkConfigurationJson).not.toBeNull();
  });
});

// ---------------------------------------------------------------------------
// 2xx bodies that cannot be read

describe('2xx bodies that cannot be read', () => {
  let service: any;
  let channel: any;
  beforeAll(async () => {
    [service] = (await rest('/v2/Services')).services;
    [channel] = (await rest(`/v2/Services/${service.sid}/Channels?PageSize=1`)).channels;
  });

  function expectInvalid(res: GraphQLResponse, path: Array<string | number>, operation: string) {
    expectNoMaskedError(res);
    expect(res.errors, JSON.stringify(res.errors)).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path, extensions: { code: 'UPSTREAM_INVALID_RESPONSE', operation } });
  }

  const RECORDS: Array<[string, string, string?]> = [
    ['not JSON', '<html><body>Service Unavailable</body></html>', 'text/html'],
    ['JSON null', 'null'],
    ['an array', '[{"sid":"CH00000000000000000000000000000000"}]'],
    ['a string', '"CH00000000000000000000000000000000"'],
    ['an empty body', ''],
    ['an object without sid', '{"friendly_name":"general"}'],
    ['a sid but not its service', '{"sid":"CH00000000000000000000000000000000"}'],
    ['a sid that is not a string', '{"sid":{"value":"CH1"},"service_sid":"IS00000000000000000000000000000000"}'],
  ];

  it.each(RECORDS)('a fetch answered with %s fails its field with UPSTREAM_INVALID_RESPONSE', async (_what, body, contentType) => {
    env.emulator.injectFault({ operation: 'chat.FetchChannel', body, ...(contentType ? { contentType } : {}) });
    const res = await env.query(`query($s: String!, $c: String!) { chatService(sid: $s) { friendlyName channel(sidOrUniqueName: $c) { sid friendlyName } } }`, {
      s: service.sid,
      c: channel.sid,
    });
    expectInvalid(res, ['chatService', 'channel'], 'chat.FetchChannel');
    // The rest of the answer stands.
    expect(res.data.chatService).toEqual({ friendlyName: service.friendly_name, channel: null });
  });

  const PAGES: Array<[string, (page: any) => unknown]> = [
    ['not JSON', () => 'not json'],
    ['JSON null', () => null],
    ['an array', (page) => page.channels],
    ['a page without its list key', (page) => ({ meta: page.meta })],
    ['a page without meta', (page) => ({ channels: page.channels })],
    ['a list that is not an array', (page) => ({ channels: { 0: page.channels[0] }, meta: page.meta })],
    ['meta that is not an object', (page) => ({ channels: page.channels, meta: 'page 0' })],
    ['a null item', (page) => ({ channels: [page.channels[0], null], meta: page.meta })],
    ['an item without sid', (page) => ({ channels: [page.channels[0], { ...page.channels[1], sid: undefined }], meta: page.meta })],
  ];

  it.each(PAGES)('a list answered with %s fails its field with UPSTREAM_INVALID_RESPONSE', async (_what, make) => {
    const page = await rest(`/v2/Services/${service.sid}/Channels?PageSize=2`);
    const body = make(page);
    env.emulator.injectFault({ operation: 'chat.ListChannel', body: typeof body === 'string' ? body : JSON.stringify(body) });
    const res = await env.query(
      `query($s: String!) { chatServices(first: 5) { nodes { sid } } chatService(sid: $s) { channels(first: 2) { nodes { sid type } } } }`,
      { s: service.sid },
    );
    expectInvalid(res, ['chatService', 'channels'], 'chat.ListChannel');
    expect(res.data.chatServices.nodes.length).toBeGreaterThan(0);
  });

  it('a list read for a link (users of members) fails those links with UPSTREAM_INVALID_RESPONSE', async () => {
    env.emulator.injectFault({ operation: 'chat.ListUser', body: '{"users":"none","meta":{}}' });
    const res = await env.query(
      `query($s: String!, $c: String!) { chatService(sid: $s) { channel(sidOrUniqueName: $c) { members(first: 3) { nodes { identity user { identity } } } } } }`,
      { s: service.sid, c: channel.sid },
    );
    expectNoMaskedError(res);
    const members = res.data.chatService.channel.members.nodes;
    expect(members.length).toBeGreaterThan(1);
    expect(members.every((m: any) => typeof m.identity === 'string')).toBe(true);
    expect(res.errors!.length).toBeGreaterThan(0);
    for (const error of res.errors!) expect(error.extensions).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', operation: 'chat.ListUser' });
  });

  it.each([
    ['not JSON', 'Created'],
    ['an object without sid', '{"unique_name":"launch"}'],
    ['JSON null', 'null'],
    ['an array', '[]'],
  ])('a write answered with %s is UPSTREAM_INVALID_RESPONSE, and says it was applied', async (_what, body) => {
    const uniqueName = `launch-${Math.random().toString(36).slice(2, 8)}`;
    env.emulator.injectFault({ operation: 'chat.CreateChannel', status: 201, body });
    const res = await env.query(
      `mutation($s: String!, $u: String!) { createChatChannel(input: { serviceSid: $s, uniqueName: $u }) { chatChannel { sid } userErrors { message } } }`,
      { s: service.sid, u: uniqueName },
    );
    expectInvalid(res, ['createChatChannel'], 'chat.CreateChannel');
    expect(res.data.createChatChannel).toBeNull();
    expect(res.errors![0]!.message).toMatch(/applied/);
    // Twilio answered 2xx: the channel was created, and reading it back finds it.
    expect((await twilioFetch(env.emulator, 'GET', `/v2/Services/${service.sid}/Channels/${uniqueName}`)).status).toBe(200);
  });

  it('a delete needs no body, and one it does not expect is ignored', async () => {
    const created = await twilioFetch(env.emulator, 'POST', `/v2/Services/${service.sid}/Channels`, { UniqueName: `gone-${Date.now()}` });
    env.emulator.injectFault({ operation: 'chat.DeleteChannel', status: 200, body: 'OK' });
    const res = await env.query(
      `mutation($s: String!, $c: String!) { deleteChatChannel(input: { serviceSid: $s, sidOrUniqueName: $c }) { deletedId userErrors { message } } }`,
      { s: service.sid, c: created.body.sid },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteChatChannel.userErrors).toEqual([]);
  });
});
