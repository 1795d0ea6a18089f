/**
 * The subgraph SDL's demand-control directives (`@cost`, `@listSize`): derived
 * from the cost model, and a router's static estimate from them against the
 * gateway's own prediction of REST calls, query by query.
 */
import { readFileSync } from 'node:fs';
import {
  GraphQLSchema,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  parse,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { costModel, schema, subgraphSdl } from '../../src/schema/index.ts';
import { routerCost, routerSchema } from '../support/router-cost.ts';
import { expectFileUpToDate, expectUpToDate } from '../support/drift.ts';
import { renderSchemaFiles } from '../../scripts/schema-files.ts';

const router = routerSchema(parse(subgraphSdl));
const SERVICE = 'IS' + '0'.repeat(32);

/** The directives a field (`Type.field`), type or argument (`Type.field(arg:)`) carries in the SDL, printed. */
function applied(coordinate: string): string[] {
  const [typeName, rest] = coordinate.split('.') as [string, string | undefined];
  const type = router.getType(typeName);
  if (!type || !isObjectType(type)) throw new Error(`No object type ${typeName}`);
  let node: { directives?: readonly { loc?: { start: number; end: number } }[] } | undefined = type.astNode ?? undefined;
  if (rest) {
    const [fieldName, argument] = rest.replace(/:\)$/, '').split('(') as [string, string | undefined];
    const field = type.getFields()[fieldName]!;
    node = argument ? field.args.find((a) => a.name === argument)!.astNode! : field.astNode!;
  }
  return (node?.directives ?? []).map((d) => subgraphSdl.slice(d.loc!.start, d.loc!.end));
}

describe('demand-control directives in the subgraph SDL', () => {
  it('imports @cost and @listSize through the Federation v2.9 link, as Apollo and Hive composition read them', () => {
    expect(subgraphSdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@cost", "@listSize"])');
    expectFileUpToDate('schema/subgraph.graphql', renderSchemaFiles().get('schema/subgraph.graphql')!, 'npm run generate');
  });

  it('weighs a connection by its page read, sizes its items by first/last, and charges a cursor one more read', () => {
    expect(applied('ChatChannel.members')).toEqual([
      '@cost(weight: 1)',
      '@listSize(assumedSize: 50, slicingArguments: ["first"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)',
    ]);
    expect(applied('ChatChannel.members(after:)')).toEqual(['@cost(weight: 1)']);
    expect(applied('ChatChannel.messages')).toContain(
      '@listSize(assumedSize: 50, slicingArguments: ["first", "last"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)',
    );
    expect(applied('ChatChannel.messages(before:)')).toEqual(['@cost(weight: 1)']);
    // Twilio never puts more than two participants in a session: no argument can size the list past that.
    expect(applied('ProxySession.participants')).toEqual(['@cost(weight: 1)', '@listSize(assumedSize: 2, sizedFields: ["edges", "nodes"])']);
  });

  it('weighs links, writes and lists, and makes objects free', () => {
    expect(applied('ChatMember.user')).toEqual(['@cost(weight: 1)']);
    expect(applied('Query.chatService')).toEqual(['@cost(weight: 1)']);
    expect(applied('Mutation.createChatChannel')).toEqual(['@cost(weight: 2)']);
    expect(applied('Query.nodes')).toEqual(['@cost(weight: 1)', '@listSize(assumedSize: 100)']);
    // Carried in the sink's record; a union cannot carry @cost, so the field does.
    expect(applied('EventSink.sinkConfiguration')).toEqual(['@cost(weight: 0)']);
    expect(applied('ChatChannelConnection.nodes')).toEqual([]);
    expect(applied('ChatChannel')).toContain('@cost(weight: 0)');
    expect(applied('PageInfo')).toEqual(['@shareable', '@cost(weight: 0)']);
  });

  it('gives every field the model counts calls for its weight in the SDL, and every object type weight 0', () => {
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('_')) continue;
      if (!['Query', 'Mutation', 'Subscription'].includes(type.name)) expect(applied(type.name), type.name).toContain('@cost(weight: 0)');
      for (const field of Object.values(type.getFields())) {
        if (field.name.startsWith('_')) continue;
        const cost = costModel.fieldCost(type, field);
        const expected = cost?.kind === 'write' ? cost.calls : cost?.kind === 'connection' ? cost.reads : cost?.kind === 'link' ? 1 : undefined;
        if (expected === undefined) continue;
        expect(applied(`${type.name}.${field.name}`), `${type.name}.${field.name}`).toContain(`@cost(weight: ${expected})`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });
});

/** A value for each variable an operation declares: a SID-like string, 50 for a number, a list of one. */
function sampleVariables(operation: OperationDefinitionNode): Record<string, unknown> {
  const sample = (type: GraphQLInputType): unknown => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) return [sample(nullable.ofType)];
    const name = getNamedType(type).name;
    return name === 'Int' ? 50 : name === 'Boolean' ? true : SERVICE;
  };
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, sample(typeFromAST(schema, v.type as never) as GraphQLInputType)]),
  );
}

interface Case {
  name: string;
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

function documented(): Case[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const sources = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  for (const file of ['examples/operations/chat.graphql', 'test/operations/chat.graphql'])
    sources.push(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
  return sources.flatMap((query) =>
    parse(query).definitions.flatMap((definition) =>
      definition.kind === 'OperationDefinition'
        ? [{ name: definition.name?.value ?? 'README example', query, operationName: definition.name?.value ?? null, variables: sampleVariables(definition) }]
        : [],
    ),
  );
}

const S = `chatService(sid: "${SERVICE}")`;
const SHAPES: Case[] = [
  ['channels × members', `{ ${S} { friendlyName channels(first: 20) { nodes { members(first: 20) { nodes { identity } } } } } }`],
  ['no first: 50 items', `{ chatServices { edges { cursor node { sid } } pageInfo { hasNextPage } } }`],
  [
    'links to reachable objects',
    `{ ${S} { channels(first: 20) { nodes { service { sid friendlyName } members(first: 20) { nodes { channel { friendlyName } } } } } } }`,
  ],
  [
    'links read from a listed parent',
    `{ ${S} { channels(first: 20) { nodes { members(first: 20) { nodes { user { friendlyName } role { friendlyName } } } messages(last: 5) { nodes { author { friendlyName } member { identity } } } } } } }`,
  ],
  [
    'at most two participants',
    `{ proxyServices(first: 10) { nodes { sessions(first: 5) { nodes { participants { nodes { messageInteractions(first: 3) { nodes { sid } } } } } } } } }`,
  ],
  [
    'participants asked for more than Twilio holds',
    `{ proxyServices(first: 2) { nodes { sessions(first: 5) { nodes { participants(first: 50) { nodes { proxyPhoneNumber { phoneNumber } } } } } } } }`,
  ],
  ['from cursors', `{ ${S} { channels(first: 10, after: "x") { nodes { messages(last: 5, before: "y") { nodes { body } } } } } }`],
  ['edges and nodes both', `{ ${S} { channels(first: 10) { edges { node { members(first: 5) { nodes { sid } } } } nodes { uniqueName } } } }`],
  ['node by ID', `{ node(id: "x") { id ... on ChatChannel { members(first: 10) { nodes { sid user { identity } } } } } }`],
  ['a few nodes by ID', `{ nodes(ids: ["a", "b", "c"]) { id ... on ChatChannel { members(first: 10) { nodes { sid } } } } }`],
  [
    'mutations',
    `mutation { a: createChatService(input: { friendlyName: "a" }) { chatService { sid } userErrors { message } } b: createChatService(input: { friendlyName: "b" }) { chatService { sid channels(first: 5) { nodes { sid } } } } }`,
  ],
  [
    'five levels through links',
    `{ ${S} { channels(first: 50) { nodes { members(first: 50) { nodes { channel { members(first: 50) { nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } } } }`,
  ],
  [
    'Events',
    `{ eventSubscriptions(first: 5) { nodes { sink { sinkType sinkConfiguration { ... on EventSinkWebhookConfiguration { destination } } } subscribedEvents(first: 3) { nodes { schemaVersion { raw } eventType { description } } } } } }`,
  ],
  [
    'a user inbox',
    `{ ${S} { user(sidOrIdentity: "alice") { channels(first: 100) { nodes { unreadMessagesCount channel { friendlyName members(first: 3) { nodes { identity } } } } } } } }`,
  ],
].map(([name, query]) => ({ name: name!, query: query!, operationName: null, variables: {} }));

describe("a router's static estimate from the SDL against the gateway's prediction", () => {
  const cases = [...documented(), ...SHAPES];

  // As served: with @defer and @stream (the README defers a fragment).
  const served = new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), GraphQLDeferDirective, GraphQLStreamDirective] });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the router counts at least the REST calls the gateway predicts', (_name, c) => {
    const document = parse(c.query);
    expect(validate(served, document)).toEqual([]);
    const predicted = costModel.estimate(document, c.operationName, c.variables);
    const estimated = routerCost(router, document, c.operationName, c.variables);
    expect(predicted.complete).toBe(true);
    expect(estimated).toBeGreaterThanOrEqual(predicted.restCalls);
  });

  it("gives the figures of the README's table for its examples", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n');
    for (const name of ['SupportInbox', 'MaskedConversations', 'EventStreams']) {
      const c = cases.find((each) => each.name === name)!;
      const document = parse(c.query);
      const label = `| \`${name}\` above |`;
      const row = `${label} ${costModel.estimate(document, name, c.variables).restCalls} | ${routerCost(router, document, name, c.variables)} |`;
      // The row of the router's table: the other table of the README has a longer label.
      const committed = readme.map((line) => line.trim()).find((line) => line.startsWith(label));
      expectUpToDate(
        `README.md's row for ${name} (gateway predicts, router estimates)`,
        committed,
        row,
        'the table is kept by hand: write in the expected row',
      );
    }
  });

  it('counts exactly what the gateway predicts where nothing repeats: connections under connections', () => {
    const query = parse(`{ chatServices(first: 4) { nodes { channels(first: 6) { nodes { members(first: 5, after: "c") { nodes { sid } } } } } } }`);
    const predicted = costModel.estimate(query, null, {}).restCalls;
    // 1 + 4 ListChannel + 24 ListMember from a cursor, two reads each.
    expect(predicted).toBe(1 + 4 + 24 * 2);
    expect(routerCost(router, query, null)).toBe(predicted);
  });

  it('counts a link per object where the gateway counts a read per distinct parent (the router is the more conservative)', () => {
    const query = parse(`{ ${S} { channels(first: 20) { nodes { members(first: 20) { nodes { user { friendlyName } } } } } } }`);
    // Gateway: 1 ListChannel + 20 ListMember + 1 ListUser (the service's user list, read once).
    expect(costModel.estimate(query, null, {}).restCalls).toBe(22);
    // Router: the service (a link it cannot know goes unread), 1 + 20 pages, and 400 users.
    expect(routerCost(router, query, null)).toBe(1 + 1 + 20 * (1 + 20));
  });

  it('assumes 100 items of nodes(ids:), where the gateway counts the IDs given: the one place the router counts fewer', () => {
    const ids = Array.from({ length: 150 }, (_, i) => `id${i}`);
    const query = parse(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`);
    // The cost spec sizes lists by Int arguments only (Federation's LIST_SIZE_INVALID_SLICING_ARGUMENT).
    expect(costModel.estimate(query, null, { ids }).restCalls).toBe(150);
    expect(routerCost(router, query, null, { ids })).toBe(100);
  });

  it('adds what a router adds besides REST calls: 10 per mutation operation, and 1 per input object', () => {
    const query = parse(`mutation { createChatService(input: { friendlyName: "a" }) { chatService { sid } } }`);
    expect(costModel.estimate(query, null, {}).restCalls).toBe(2 + 1);
    expect(routerCost(router, query, null)).toBe(10 + 2 + 1 + 1);
  });
});
