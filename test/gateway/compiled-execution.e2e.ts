/**
 * Compiled execution (graphql-jit) answers exactly what graphql-js answers:
 * two gateways on the same demo data, one compiling every query from its first
 * execution and one never compiling, are sent the same requests and must give
 * the same status and body, errors, cost extensions and cursors included.
 * And the operations compiling would get wrong or not repay run with graphql-js.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, print, type DocumentNode } from 'graphql';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { ChannelPageDocument, ChannelsWithPeopleDocument, MessageHistoryDocument } from '../generated/graphql.ts';
import { ChatConversationDocument, ChatInboxDocument } from '../../examples/generated/graphql.ts';
import { COMPILE_AFTER, type Uncompiled } from '../../src/compiled-execution.ts';
import type { FaultSpec } from '../../src/emulator/faults.ts';

let compiled: GatewayEnv;
let plain: GatewayEnv;
let support: string;

beforeAll(async () => {
  // The harness compiles from the first execution.
  compiled = await startGateway();
  plain = await startGateway({ gateway: { compiledExecution: false } });
  const services = await twilioFetch(compiled.emulator, 'GET', '/v2/Services');
  support = services.body.services.find((s: any) => s.friendly_name === 'Acme Support').sid;
});

afterAll(async () => {
  await compiled?.close();
  await plain?.close();
});

/** Errors in path order: fields that fail together may fail in any order, with either executor. */
function normalized(response: GraphQLResponse): GraphQLResponse {
  const errors = response.errors && [...response.errors].sort((a, b) => JSON.stringify(a.path ?? []).localeCompare(JSON.stringify(b.path ?? [])));
  return { ...response, ...(errors ? { errors } : {}) };
}

/** Sends the same request to both gateways, with the same faults injected into each emulator first. */
async function both(query: string, variables?: Record<string, unknown>, faults: FaultSpec[] = [], operationName?: string) {
  const send = async (env: GatewayEnv) => {
    for (const fault of faults) env.emulator.injectFault(fault);
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse, 'status'>;
    env.emulator.clearFaults();
    return normalized({ status: res.status, ...body });
  };
  const [jit, js] = [await send(compiled), await send(plain)];
  return { jit, js };
}

const readmeQueries = () =>
  [...readFileSync(new URL('../../README.md', import.meta.url), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)]
    .flatMap((block) => block[1]!.split(/\n(?=query |mutation )/))
    // Answers in parts never run compiled, and need a client that reads parts: test/gateway/incremental.e2e.ts.
    .filter((text) => text.startsWith('query') && !/@defer|@stream/.test(text));

describe('compiled execution answers what graphql-js answers', () => {
  it("the README's queries, the tests' and the examples' typed documents", async () => {
    const cases: Array<[string | DocumentNode, Record<string, unknown>]> = [
      ...readmeQueries().map((text): [string, Record<string, unknown>] => [text, { service: support }]),
      [ChannelsWithPeopleDocument, { sid: support }],
      [ChannelPageDocument, { sid: support, first: 3 }],
      [MessageHistoryDocument, { sid: support, channel: 'general', last: 4 }],
      [ChatInboxDocument, { service: support, first: 4 }],
      [ChatConversationDocument, { service: support, channel: 'general', last: 5 }],
    ];
    expect(cases.length).toBeGreaterThan(7);
    for (const [document, variables] of cases) {
      const { jit, js } = await both(typeof document === 'string' ? document : print(document), variables);
      expect(jit.errors).toBeUndefined();
      expect(jit).toEqual(js);
    }
  });

  it('cursors, and paging from them', async () => {
    const page = (after?: string) => both(print(ChannelPageDocument), { sid: support, first: 5, after });
    const first = await page();
    expect(first.jit).toEqual(first.js);
    const next = await page(first.jit.data.chatService.channels.pageInfo.endCursor);
    expect(next.jit).toEqual(next.js);
    const edges = await both(
      `query($sid: String!) { chatService(sid: $sid) { channels(first: 3) { edges { cursor node { sid } } pageInfo { startCursor endCursor } } } }`,
      { sid: support },
    );
    expect(edges.jit.data.chatService.channels.edges[0].cursor).toEqual(edges.jit.data.chatService.channels.pageInfo.startCursor);
    expect(edges.jit).toEqual(edges.js);
  });

  it('nodes by global ID, abstract types, fragments and __typename', async () => {
    const ids = (
      await compiled.query(`query($sid: String!) { chatService(sid: $sid) { id channels(first: 2) { nodes { id members(first: 1) { nodes { id } } } } } }`, {
        sid: support,
      })
    ).data;
    const channel = ids.chatService.channels.nodes[0];
    const { jit, js } = await both(
      `query($ids: [ID!]!, $id: ID!) {
        nodes(ids: $ids) { __typename id ...Names ... on ChatChannel { uniqueName service { sid } } }
        node(id: $id) { __typename ... on ChatMember { identity channel { ...Names } } }
        eventSinks(first: 5) { nodes { sinkType sinkConfiguration { __typename ... on EventSinkWebhookConfiguration { destination method } } } }
      }
      fragment Names on ChatChannel { friendlyName uniqueName }`,
      { ids: [ids.chatService.id, channel.id], id: channel.members.nodes[0].id },
    );
    expect(jit.errors).toBeUndefined();
    expect(jit).toEqual(js);
    // An error that nulls the whole answer: graphql-js answers at once, graphql-jit once its other fields settle, so only the calls made so far may differ.
    const bad = await both(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } one: node(id: $ids) { id } }`.replace('node(id: $ids)', `node(id: "${channel.id}")`),
      { ids: [channel.id, 'Q2hhdA'] },
    );
    expect(bad.jit.data).toBeNull();
    expect({ ...bad.jit, extensions: undefined }).toEqual({ ...bad.js, extensions: undefined });
  });

  it('federation: _entities and _service', async () => {
    const { jit, js } = await both(
      `query($r: [_Any!]!) { _service { sdl } _entities(representations: $r) { __typename ... on ChatService { friendlyName } ... on ChatChannel { sid uniqueName } ... on ChatUser { identity friendlyName } } }`,
      {
        r: [
          { __typename: 'ChatService', sid: support },
          { __typename: 'ChatChannel', serviceSid: support, sid: 'general' },
          { __typename: 'ChatUser', serviceSid: support, identity: 'no-such-user' },
        ],
      },
    );
    expect(jit).toEqual(js);
  });

  it('introspection', async () => {
    const { jit, js } = await both(getIntrospectionQuery());
    expect(jit.data.__schema.types.length).toBeGreaterThan(100);
    expect(jit).toEqual(js);
  });

  it('@skip and @include, on fields, inline fragments and fragment spreads', async () => {
    const query = `query($sid: String!, $yes: Boolean!) {
      chatService(sid: $sid) {
        ...Named @include(if: $yes)
        ...Bare @skip(if: $yes)
        channels(first: 2) { nodes { sid @skip(if: $yes) uniqueName @include(if: $yes) ... on ChatChannel @skip(if: $yes) { friendlyName } } }
      }
    }
    fragment Named on ChatService { friendlyName channels(first: 2) { nodes { friendlyName } } }
    fragment Bare on ChatService { sid }`;
    for (const yes of [true, false]) {
      const { jit, js } = await both(query, { sid: support, yes });
      expect(jit.errors).toBeUndefined();
      expect(jit).toEqual(js);
    }
  });

  it('Twilio failures at their fields, nullable connection items, non-null fields nulling their parent', async () => {
    const cases: Array<[string, FaultSpec[]]> = [
      // A 500 on every ListMessage: each channel of the page is null with its error, the page still answers.
      [
        `query($sid: String!) { chatService(sid: $sid) { channels(first: 4) { nodes { uniqueName messages(last: 2) { nodes { index } } } } } }`,
        [{ operation: 'chat.ListMessage', status: 500, count: 100 }],
      ],
      // roles is non-null: its error nulls the service, the alias beside it still answers.
      [
        `query($sid: String!) { chatService(sid: $sid) { friendlyName roles { nodes { sid } } } other: chatService(sid: $sid) { sid } }`,
        [{ operation: 'chat.ListRole', status: 500, count: 100 }],
      ],
      [`query($sid: String!) { chatService(sid: $sid) { friendlyName } }`, [{ operation: 'chat.FetchService', status: 403, count: 100 }]],
      // A missing service is null, with NOT_FOUND when only its lists were asked for.
      [`{ chatService(sid: "IS${'0'.repeat(32)}") { friendlyName } }`, []],
      [`{ chatService(sid: "IS${'0'.repeat(32)}") { channels(first: 1) { nodes { sid } } } }`, []],
      [`{ chatService(sid: "not-a-sid") { friendlyName } ok: chatServices(first: 1) { nodes { sid } } }`, []],
      [`query($sid: String!) { chatService(sid: $sid) { channels(first: 1001) { nodes { sid } } } }`, []],
      [`query($sid: String!) { chatService(sid: $sid) { channels(first: 2, after: "forged") { nodes { sid } } } }`, []],
    ];
    for (const [query, faults] of cases) {
      const { jit, js } = await both(query, { sid: support }, faults);
      expect(jit).toEqual(js);
      for (const error of jit.errors ?? []) expect(error.extensions?.code).toBeTruthy();
    }
  });

  it('variables that do not fit their types are the same 400', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['query($sid: String!) { chatService(sid: $sid) { sid } }', {}],
      ['query($first: Int) { chatServices(first: $first) { nodes { sid } } }', { first: 'many' }],
      ['query($first: Int) { chatServices(first: $first) { nodes { sid } } }', { first: 2 ** 40 }],
      ['query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [null] }],
      // graphql-js's message, cut to what holds no value, never graphql-jit's, which would repeat the value.
      [
        'mutation($i: CreateAwsCredentialInput!) { createAwsCredential(input: $i) { awsCredential { sid } } }',
        { i: { credentials: 'AKIA:secret', accountSid: { nested: 'secret' } } },
      ],
      ['query($sid: String!, $n: Int!) { chatService(sid: $sid) { channels(first: $n) { nodes { sid } } } }', { sid: support, n: 'secret-value' }],
    ];
    for (const [query, variables] of cases) {
      const { jit, js } = await both(query, variables);
      expect(jit.status).toBe(400);
      expect(jit.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
      expect(jit).toEqual(js);
    }
  });
});

describe('what runs with graphql-js', () => {
  let env: GatewayEnv;
  const verdicts = new Map<string, Uncompiled | null>();
  const ask = async (query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: res.status, ...((await res.json()) as any) };
  };

  beforeAll(async () => {
    env = await startGateway({ gateway: { compiledExecution: { onVerdict: (document, why) => verdicts.set(document.loc!.source.body, why) } } });
  });
  afterAll(() => env?.close());

  it('a query is compiled on its second execution, not its first', async () => {
    expect(COMPILE_AFTER).toBe(2);
    const query = `query($sid: String!) { chatService(sid: $sid) { channels(first: 2) { nodes { sid } } } }`;
    const first = await ask(query, { sid: support });
    expect(verdicts.has(query)).toBe(false);
    const second = await ask(query, { sid: support });
    expect(verdicts.get(query)).toBeNull();
    expect(second).toEqual(first);
  });

  it('a query graphql-jit cannot compile (an alias named constructor)', async () => {
    const query = `{ constructor: __typename toString: chatServices(first: 1) { nodes { sid } } }`;
    for (let i = 0; i < 3; i++) {
      const res = await ask(query);
      expect(res.errors).toBeUndefined();
      expect(res.data.constructor).toBe('Query');
      expect(res.data.toString.nodes).toHaveLength(1);
    }
    expect(verdicts.get(query)).toBe('refused by graphql-jit');
  });

  it('each operation of a document with several, and an operation name the document lacks', async () => {
    const query = `query A { chatServices(first: 1) { nodes { sid } } } query B { chatServices(first: 2) { nodes { friendlyName } } }`;
    for (let i = 0; i < 2; i++) {
      expect((await ask(query, undefined, 'A')).data.chatServices.nodes).toEqual([{ sid: expect.stringMatching(/^IS/) }]);
      expect((await ask(query, undefined, 'B')).data.chatServices.nodes).toHaveLength(2);
    }
    expect(verdicts.get(query)).toBe('not a lone query');
    const lone = `query A { chatServices(first: 1) { nodes { sid } } }`;
    for (let i = 0; i < 2; i++) expect((await ask(lone, undefined, 'A')).data.chatServices.nodes).toHaveLength(1);
    expect(verdicts.get(lone)).toBeNull();
    // Compiled as A, it must not answer a request for B with A, but as graphql-js does.
    const wrong = await ask(lone, undefined, 'B');
    expect(wrong.status).toBe(400);
    expect(wrong.data).toBeUndefined();
    const res = await fetch(`${plain.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: lone, operationName: 'B' }),
    });
    expect(wrong).toEqual({ status: res.status, ...((await res.json()) as object) });
  });

  it('a mutation', async () => {
    const query = `mutation($sid: String!) { updateChatService(input: { sid: $sid, friendlyName: "Acme Support" }) { chatService { friendlyName } } }`;
    for (let i = 0; i < 2; i++) expect((await ask(query, { sid: support })).data.updateChatService.chatService.friendlyName).toBe('Acme Support');
    expect(verdicts.get(query)).toBe('not a lone query');
  });

  it('a query whose fields, fragments expanded, are too many to be worth compiling', async () => {
    const query = `{ ${'...Pages '.repeat(30)} } fragment Pages on Query { __typename chatServices(first: 1) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    for (let i = 0; i < 2; i++) {
      const res = await ask(query);
      expect(res.errors).toBeUndefined();
      expect(res.data.chatServices.pageInfo.hasPreviousPage).toBe(false);
    }
    expect(verdicts.get(query)).toBe('too many fields');
  });
});
