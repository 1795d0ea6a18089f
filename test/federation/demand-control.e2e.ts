/**
 * Demand control at the router, from the subgraph's `@cost`/`@listSize`: the
 * directives survive composition, and a Hive Gateway with its demand control
 * set to the gateway's REST-call budget refuses what the gateway would refuse
 * before sending the subgraph anything, and lets ordinary queries through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Kind, parse, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { composeSupergraph } from '../../scripts/compose.ts';
import { startProfilesSubgraph, type ProfilesSubgraph } from './profiles-subgraph.ts';

/** The gateway's default budget of REST calls per request, given to the router as its maximum cost. */
const BUDGET = 1000;

let twilio: GatewayEnv;
let profiles: ProfilesSubgraph;
/** The gateway behind a server that counts the requests it receives from the router. */
let counted: Server;
let subgraphRequests = 0;
let router: GatewayRuntime;
let routerServer: Server;
let routerUrl: string;
let supergraph: string;
let service: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function viaRouter(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: any;
    errors?: Array<{ message: string; extensions?: Record<string, any> }>;
    extensions?: { cost?: { estimated: number; max: number } };
  };
}

beforeAll(async () => {
  twilio = await startGateway();
  service = (await twilio.query(`{ chatServices(first: 1) { nodes { sid } } }`)).data.chatServices.nodes[0].sid;
  counted = createServer((req, res) => {
    subgraphRequests++;
    void twilio.gateway(req, res);
  });
  const twilioUrl = `${await listen(counted)}/graphql`;
  profiles = await startProfilesSubgraph(['alice']);
  supergraph = await composeSupergraph([
    { name: 'twilio', url: twilioUrl },
    { name: 'profiles', url: profiles.url },
  ]);
  // Hive Gateway's demand control, its other options at their defaults; the estimate reported in `extensions.cost`.
  router = createGatewayRuntime({ supergraph, logging: false, demandControl: { maxCost: BUDGET, includeExtensionMetadata: true } });
  routerServer = createServer(router);
  routerUrl = `${await listen(routerServer)}/graphql`;
});

afterAll(async () => {
  await close(routerServer);
  await router?.dispose();
  await close(counted);
  await profiles?.close();
  await twilio?.close();
});

beforeEach(() => {
  twilio.resetCalls();
  subgraphRequests = 0;
});

function field(typeName: string, fieldName: string): FieldDefinitionNode {
  const type = parse(supergraph).definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName)!;
  return type.fields!.find((f) => f.name.value === fieldName)!;
}

const directiveArgs = (
  node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: any }[] }[] },
  name: string,
) =>
  Object.fromEntries(
    (node.directives?.find((d) => d.name.value === name)?.arguments ?? []).map((a) => [
      a.name.value,
      a.value.kind === Kind.LIST ? a.value.values.map((v: any) => v.value) : a.value.value,
    ]),
  );

describe('demand control at the router', () => {
  it('keeps @cost and @listSize through composition, under the cost spec link', () => {
    expect(supergraph).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/cost\/v0\.1"/);
    const members = field('ChatChannel', 'members');
    expect(directiveArgs(members, 'cost')).toEqual({ weight: '1' });
    expect(directiveArgs(members, 'listSize')).toEqual({
      assumedSize: '50',
      slicingArguments: ['first'],
      sizedFields: ['edges', 'nodes'],
      requireOneSlicingArgument: false,
    });
    expect(
      directiveArgs(
        members.arguments!.find((a) => a.name.value === 'after')!,
        'cost',
      ),
    ).toEqual({ weight: '1' });
    expect(directiveArgs(field('ProxySession', 'participants'), 'listSize')).toEqual({ assumedSize: '2', sizedFields: ['edges', 'nodes'] });
    expect(directiveArgs(field('Mutation', 'createChatChannel'), 'cost')).toEqual({ weight: '2' });
    const channel = parse(supergraph).definitions.find(
      (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'ChatChannel',
    )!;
    expect(directiveArgs(channel, 'cost')).toEqual({ weight: '0' });
  });

  it('refuses a query the gateway refuses as too expensive before it reaches the subgraph', async () => {
    const cycle = `query($s: String!) { chatService(sid: $s) { channels(first: 50) { nodes { members(first: 50) { nodes { channel { members(first: 50) {
      nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } } } }`;
    const direct = await twilio.query(cycle, { s: service });
    expect(direct.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'restCalls', limit: BUDGET });
    subgraphRequests = 0;

    const res = await viaRouter(cycle, { s: service });
    expect(res.data?.chatService ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { max: BUDGET } });
    expect(res.errors![0]!.extensions!.cost.estimated).toBeGreaterThan(BUDGET);
    expect(subgraphRequests).toBe(0);
    expect(twilio.totalCalls()).toBe(0);
  });

  it('agrees with the gateway at the budget: 1,000 predicted calls pass, 1,001 are refused by both', async () => {
    const page = (n: number) => `{ chatServices(first: ${n}) { nodes { sid channels(first: 1) { nodes { sid } } } } }`;
    const within = await twilio.query(page(BUDGET - 1));
    expect(within.errors).toBeUndefined();
    expect(within.extensions!.cost.predictedRestCalls).toBe(BUDGET);
    const over = await twilio.query(page(BUDGET));
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', predicted: BUDGET + 1 });
    subgraphRequests = 0;

    const passes = await viaRouter(page(BUDGET - 1));
    expect(passes.errors).toBeUndefined();
    expect(passes.extensions?.cost).toEqual({ estimated: BUDGET, max: BUDGET });
    expect(passes.data.chatServices.nodes.length).toBeGreaterThan(0);
    expect(subgraphRequests).toBe(1);

    subgraphRequests = 0;
    const refused = await viaRouter(page(BUDGET));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: BUDGET + 1, max: BUDGET } });
    expect(subgraphRequests).toBe(0);
  });

  it('lets ordinary queries through, estimating at least the REST calls the gateway predicts', async () => {
    const queries = [
      `query($s: String!) { chatService(sid: $s) { friendlyName channels(first: 20) { nodes { uniqueName members(first: 20) { nodes { identity user { friendlyName } role { friendlyName } } }
        messages(last: 5) { nodes { body author { friendlyName } } } } } } }`,
      `{ proxyServices(first: 2) { nodes { uniqueName chatService { friendlyName } sessions(first: 3) { nodes { participants { nodes { identifier proxyPhoneNumber { phoneNumber } } } } } } } }`,
      `{ eventSubscriptions(first: 5) { nodes { sink { sinkType sinkConfiguration { ... on EventSinkWebhookConfiguration { destination } } } subscribedEvents(first: 3) { nodes { type eventType { description } } } } } }`,
    ];
    for (const query of queries) {
      const direct = await twilio.query(query, { s: service });
      expect(direct.errors).toBeUndefined();
      const res = await viaRouter(query, { s: service });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(res.data).toEqual(direct.data);
      expect(res.extensions!.cost!.estimated).toBeGreaterThanOrEqual(direct.extensions!.cost.predictedRestCalls);
      expect(res.extensions!.cost!.estimated).toBeLessThanOrEqual(BUDGET);
    }
  });

  it('counts one item of a connection asked for without first or last, where the gateway counts 50 (Hive Gateway ignores assumedSize beside slicing arguments)', async () => {
    const query = `{ chatServices { nodes { channels { nodes { sid } } } } }`;
    const direct = await twilio.query(query);
    expect(direct.extensions!.cost.predictedRestCalls).toBe(1 + 50);
    const res = await viaRouter(query);
    expect(res.errors).toBeUndefined();
    expect(res.extensions!.cost!.estimated).toBe(1 + 1);
  });
});
