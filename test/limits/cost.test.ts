/** The cost model, in-process: what it predicts for shapes of query, and that every documented example fits the default budgets. */
import { readFileSync } from 'node:fs';
import {
  GraphQLSchema,
  execute,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isListType,
  parse,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type GraphQLObjectType,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { OPERATION_COVERAGE, schema } from '../../src/schema/index.ts';
import { CostModel, tooExpensive } from '../../src/limits/cost.ts';

const model = new CostModel(schema, OPERATION_COVERAGE);
const DEFAULT_BUDGET = { restCalls: 1000, nodes: 100_000 };

function estimate(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  return model.estimate(document, undefined, variables);
}

const SERVICE = 'IS' + '0'.repeat(32);
const CYCLE = `{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { members(first: 50) { nodes { channel { members(first: 50) { nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } } } }`;

/** A value for each variable an example declares: a SID-like string, or 50 for a page size. */
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

describe('cost model', () => {
  it('knows where resources nest from the REST paths', () => {
    expect(model.chainOf('ChatMember')).toEqual(['ChatMember', 'ChatChannel', 'ChatService']);
    expect(model.chainOf('ChatUserChannel')).toEqual(['ChatUserChannel', 'ChatUser', 'ChatService']);
    expect(model.chainOf('ProxyMessageInteraction')).toEqual(['ProxyMessageInteraction', 'ProxyParticipant', 'ProxySession', 'ProxyService']);
    expect(model.chainOf('EventSchemaVersion')).toEqual(['EventSchemaVersion', 'EventSchema']);
    expect(model.chainOf('EventSink')).toEqual(['EventSink']);
  });

  it('counts a page per connection and multiplies its items by first, last or 50', () => {
    // 1 FetchService + 1 ListChannel + 20 ListMember; 1 service + 1 connection + 20 channels + 20 connections + 400 members.
    expect(estimate(`{ chatService(sid: "${SERVICE}") { friendlyName channels(first: 20) { nodes { members(first: 20) { nodes { identity } } } } } }`)).toEqual(
      {
        restCalls: 22,
        nodes: 442,
        complete: true,
      },
    );
    // No first: 50 items; edges and their nodes both count.
    expect(estimate(`{ chatServices { edges { cursor node { sid } } pageInfo { hasNextPage } } }`)).toEqual({
      restCalls: 1,
      nodes: 1 + 50 + 50 + 1,
      complete: true,
    });
  });

  it('costs a link at most once per distinct object it can reach', () => {
    // Every member's channel is one of the 20 listed channels, and every channel's service is the one asked for
    // (the root service, asked only for its channels, is not fetched: only the channels' `service` is).
    const links = estimate(
      `{ chatService(sid: "${SERVICE}") { channels(first: 20) { nodes { service { sid friendlyName } members(first: 20) { nodes { channel { friendlyName } } } } } } }`,
    );
    expect(links.restCalls).toBe(1 + 1 + 20 + 20);
  });

  it("costs a link read from its parent's list once per distinct parent", () => {
    // Users, authors and roles come from the service's user and role lists: one call each, however many members.
    const headline = estimate(`{ chatService(sid: "${SERVICE}") { channels(first: 20) { nodes {
      members(first: 20) { nodes { user { friendlyName } role { friendlyName } } }
      messages(last: 5) { nodes { author { friendlyName } member { identity } } } } } } }`);
    // 1 ListChannel (the service, asked only for lists, is not fetched) + 20 ListMember
    // + 20 ListMessage + 1 ListUser (members' users) + 1 ListRole + 1 ListUser (authors, the same read)
    // + members by identity: one ListMember?Identity=… per channel, plus one per 50 identities (100 / 50).
    expect(headline.restCalls).toBe(1 + 20 + 20 + 1 + 1 + 1 + (20 + 2));
  });

  it('uses the limits Twilio documents: a Proxy session has at most two participants', () => {
    const proxy = estimate(
      `{ proxyServices(first: 10) { nodes { sessions(first: 5) { nodes { participants { nodes { messageInteractions(first: 3) { nodes { sid } } } } } } } } }`,
    );
    expect(proxy.restCalls).toBe(1 + 10 + 50 + 50 * 2);
  });

  it('counts node(id:), nodes(ids:) and _entities per ID, and narrows fragments to the type they name', () => {
    const ids = ['a', 'b', 'c'];
    const nodes = estimate(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ChatChannel { members(first: 10) { nodes { sid } } } } }`, { ids });
    expect(nodes.restCalls).toBe(3 + 3);
    expect(nodes.nodes).toBe(3 + 3 + 30);
  });

  it('counts a mutation as a lookup and a write, then what its payload selects', () => {
    const cost = estimate(
      `mutation { a: createChatService(input: { friendlyName: "a" }) { chatService { sid } userErrors { message } } b: createChatService(input: { friendlyName: "b" }) { chatService { sid } } }`,
    );
    expect(cost.restCalls).toBe(2 * 2 + 2);
  });

  it('skips what @skip and @include leave out', () => {
    const query = `query($big: Boolean!) { chatServices(first: 5) { nodes { channels(first: 1000) @include(if: $big) { nodes { sid } } } } }`;
    expect(estimate(query, { big: false }).restCalls).toBe(1);
    expect(estimate(query, { big: true }).restCalls).toBe(6);
  });

  it('refuses a cycle through links before it runs, naming the budget and the prediction', () => {
    const cycle = estimate(CYCLE);
    const error = tooExpensive(cycle, DEFAULT_BUDGET);
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'restCalls', predicted: cycle.restCalls, limit: 1000 });
    expect(error?.message).toContain(`up to ${cycle.restCalls} REST calls`);
    // Given the budget, the walk stops where it is passed, and says the figure is a floor.
    const stopped = model.estimate(parse(CYCLE), undefined, {}, DEFAULT_BUDGET);
    expect(stopped.complete).toBe(false);
    expect(stopped.restCalls).toBeGreaterThan(1000);
    expect(tooExpensive(stopped, DEFAULT_BUDGET)?.message).toContain(`more than ${stopped.restCalls} REST calls`);
  });

  it('walks a fragment spread many times as execution does, once per selection set', () => {
    // 30 levels of three spreads each: 3^30 paths if every spread were walked again.
    let document = `query { ...F0 }\n`;
    for (let i = 0; i < 30; i++) document += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} ...F${i + 1} }\n`;
    document += `fragment F30 on Query { chatServices(first: 2) { nodes { sid } } }`;
    const started = performance.now();
    expect(model.estimate(parse(document), undefined, {}, DEFAULT_BUDGET)).toEqual({ restCalls: 1, nodes: 3, complete: true });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('stops walking once a budget is passed, however many paths remain', () => {
    // Each level doubles the paths (two aliases spread the next level): without the stop, 2^40 walks.
    let document = `{ chatService(sid: "${SERVICE}") { channel(sidOrUniqueName: "general") { ...F0 } } }\n`;
    for (let i = 0; i < 40; i++) {
      document += `fragment F${i} on ChatChannel { a: members(first: 1) { nodes { channel { ...F${i + 1} } } } b: members(first: 1) { nodes { channel { ...F${i + 1} } } } }\n`;
    }
    document += `fragment F40 on ChatChannel { sid }`;
    const started = performance.now();
    const estimate = model.estimate(parse(document), undefined, {}, { restCalls: 30, nodes: 100_000 });
    expect(estimate.complete).toBe(false);
    expect(estimate.restCalls).toBe(31);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses an answer too large even when its calls are few', () => {
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: channels(first: 1000) { edges { node { sid } } }`).join(' ');
    const big = estimate(`{ chatService(sid: "${SERVICE}") { ${aliases} } }`);
    expect(big.restCalls).toBeLessThan(1000);
    expect(tooExpensive(big, DEFAULT_BUDGET)?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'nodes' });
  });

  it('lets every query of the README and examples/ run within the default budgets', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documents = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    for (const file of ['examples/operations/chat.graphql', 'test/operations/chat.graphql'])
      documents.push(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
    expect(documents.length).toBeGreaterThan(2);
    for (const source of documents) {
      const document = parse(source);
      for (const definition of document.definitions) {
        if (definition.kind !== 'OperationDefinition') continue;
        const cost = model.estimate(document, definition.name?.value, sampleVariables(definition));
        expect(cost.restCalls, `${definition.name?.value} was not estimated`).toBeGreaterThan(0);
        expect(tooExpensive(cost, DEFAULT_BUDGET), `${definition.name?.value ?? 'anonymous'}: ${JSON.stringify(cost)}`).toBeUndefined();
      }
    }
  });
});

describe('cost model: incremental delivery', () => {
  // The schema as the gateway serves it, with @defer and @stream (added by Yoga's plugin).
  const withDirectives = new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), GraphQLDeferDirective, GraphQLStreamDirective] });
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    expect(validate(withDirectives, document)).toEqual([]);
    return model.estimate(document, undefined, variables);
  };
  const members = `members(first: 20) { nodes { identity user { friendlyName } } }`;
  const inline = cost(`{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { uniqueName ${members} } } } }`);

  it('counts a deferred fragment as the same fields inline: the same REST calls and objects', () => {
    expect(inline).toEqual({ restCalls: 1 + 50 + 1, nodes: 1 + 1 + 50 + 50 + 50 * 20 + 50 * 20, complete: true });
    expect(cost(`{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { uniqueName ... @defer { ${members} } } } } }`)).toEqual(inline);
    expect(
      cost(
        `{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { uniqueName ...M @defer(label: "members") } } } } fragment M on ChatChannel { ${members} }`,
      ),
    ).toEqual(inline);
    // With its condition from a variable, either way.
    for (const later of [true, false]) {
      expect(
        cost(
          `query($later: Boolean!) { chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { uniqueName ... @defer(if: $later) { ${members} } } } } }`,
          { later },
        ),
      ).toEqual(inline);
    }
  });

  it('counts the read of an object reached by its keys when every list proving it exists is deferred, as execution makes it', () => {
    // Inline, the service is not read: the channel list's 404 would make it null. Deferred, the first part must
    // already say whether the service exists, so it is read (see schema/shared/selection.ts): one call more.
    const deferred = cost(`{ chatService(sid: "${SERVICE}") { ... @defer { channels(first: 50) { nodes { uniqueName ... @defer { ${members} } } } } } }`);
    expect(deferred).toEqual({ ...inline, restCalls: inline.restCalls + 1 });
  });

  it('counts a streamed list as the same list in one part', () => {
    expect(cost(`{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes @stream(initialCount: 5) { uniqueName ${members} } } } }`)).toEqual(inline);
    expect(
      cost(
        `{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { uniqueName members(first: 20) { nodes @stream { identity user { friendlyName } } } } } } }`,
      ),
    ).toEqual(inline);
  });

  it('still leaves out what @skip and @include leave out under a deferred fragment', () => {
    const skipped = cost(
      `{ chatService(sid: "${SERVICE}") { channels(first: 50) { nodes { uniqueName ... @defer { members(first: 20) @skip(if: true) { nodes { identity } } } } } } }`,
    );
    expect(skipped.restCalls).toBe(1);
  });
});

describe('cost model: introspection', () => {
  it("counts GraphiQL's introspection query object by object, within the default budgets and at no REST call", () => {
    const cost = model.estimate(
      parse(
        getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
      ),
      undefined,
      {},
      DEFAULT_BUDGET,
    );
    // As many objects as graphql-js answers: every type, field, argument, enum value and type reference.
    const answer = execute({
      schema,
      document: parse(
        getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
      ),
    }) as { data: unknown };
    let objects = 0;
    const count = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(count);
      else if (value && typeof value === 'object') {
        objects += 1;
        Object.values(value).forEach(count);
      }
    };
    count(answer.data);
    expect(cost).toEqual({ restCalls: 0, nodes: objects - 1, complete: true }); // less the answer's own data object
    expect(tooExpensive(cost, DEFAULT_BUDGET)).toBeUndefined();
  });

  it('refuses aliases of __schema that would answer a large introspection many times over, quickly', () => {
    // 1.1 kB within the document limits; run, it answered 51 MB and held the event loop for seconds.
    const document = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __schema { types { ...T } }`).join(' ')} }
      fragment F on __Field { name description isDeprecated deprecationReason args { name description defaultValue type { name kind description } } }
      fragment W on __Type { name kind description ofType { name kind description ofType { name kind description fields { ...F } ofType { name kind description fields { ...F } } } fields { ...F } } }
      fragment T on __Type { name kind description fields { ...F type { ...W fields { ...F type { name kind description } } } } }`;
    const started = performance.now();
    const cost = model.estimate(parse(document), undefined, {}, DEFAULT_BUDGET);
    expect(performance.now() - started).toBeLessThan(500);
    expect(tooExpensive(cost, DEFAULT_BUDGET)?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'nodes' });
    expect(cost.restCalls).toBe(0);
  });

  it('counts __type(name:) over the type it names', () => {
    const cost = model.estimate(parse(`query($t: String!) { __type(name: $t) { name fields { name } } }`), undefined, { t: 'ChatChannel' });
    expect(cost.nodes).toBe(1 + Object.keys((schema.getType('ChatChannel') as GraphQLObjectType).getFields()).length);
  });
});

describe('the cost plugin', () => {
  it('estimates a document once per operation and variables, and again for other variables', async () => {
    const { createYoga } = await import('graphql-yoga');
    const { useCostLimit } = await import('../../src/limits/cost-plugin.ts');
    let walks = 0;
    const counting = new (class extends CostModel {
      override estimate(...args: Parameters<CostModel['estimate']>) {
        walks++;
        return super.estimate(...args);
      }
    })(schema, OPERATION_COVERAGE);
    // Refused before any resolver runs: a budget of one REST call.
    const yoga = createYoga({ schema, logging: false, plugins: [useCostLimit(counting, { restCalls: 1, nodes: 100 })] });
    const ask = async (first: number) => {
      const res = await yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query($first: Int) { chatServices(first: $first) { nodes { channels(first: 2) { nodes { sid } } } } }`,
          variables: { first },
        }),
      });
      return ((await res.json()) as any).errors[0].extensions;
    };
    const once = await ask(5);
    expect(once).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', predicted: 6 });
    expect(await ask(5)).toEqual(once);
    expect(walks).toBe(1);
    expect((await ask(7)).predicted).toBe(8);
    expect(walks).toBe(2);
  });
});
