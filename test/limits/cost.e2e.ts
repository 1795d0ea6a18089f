/** The cost budget over HTTP: an operation over it is refused before any REST call; every answer reports its cost. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';

let env: GatewayEnv;
let service: string;

beforeAll(async () => {
  env = await startGateway();
  service = (await env.query(`{ chatServices(first: 1) { nodes { sid } } }`)).data.chatServices.nodes[0].sid;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

describe('cost budget', () => {
  it('refuses a query that cycles through links, having made no REST call', async () => {
    // 409 bytes that, run, would multiply channels by members five levels deep.
    const cycle = `query($s: String!) { chatService(sid: $s) { channels(first: 50) { nodes { members(first: 50) { nodes { channel { members(first: 50) {
      nodes { channel { members(first: 50) { nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } } } } } } }`;
    const started = Date.now();
    const res = await env.query(cycle, { s: service });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'restCalls', limit: 1000 });
    expect(res.errors![0]!.message).toMatch(/(up to|more than) \d+ REST calls to Twilio, over the budget of 1000/);
    expect(res.extensions?.cost).toMatchObject({ restCalls: 0, budget: { restCalls: 1000, nodes: 100_000 } });
    expect(res.extensions!.cost.predictedRestCalls).toBeGreaterThan(1000);
    expect(env.totalCalls()).toBe(0);
  });

  it('refuses an answer of too many objects, even when it needs few calls', async () => {
    // Aliases past the document limit (30), so that the cost model, not the alias count, is what refuses it.
    await using roomy = await startGateway({ gateway: { documentLimits: { maxAliases: 100, maxTokens: 10_000 } } });
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: channels(first: 1000) { edges { cursor node { sid } } }`).join('\n');
    const res = await roomy.query(`query($s: String!) { chatService(sid: $s) { ${aliases} } }`, { s: service });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'nodes', limit: 100_000 });
    expect(res.errors![0]!.message).toMatch(/(up to|more than) \d+ objects, over the budget of 100000/);
    expect(roomy.totalCalls()).toBe(0);
  });

  it('reports predicted and actual calls on every answer', async () => {
    const res = await env.query(
      `query($s: String!) { chatService(sid: $s) { friendlyName channels(first: 3) { nodes { uniqueName members(first: 2) { nodes { identity user { friendlyName } } } } } } }`,
      {
        s: service,
      },
    );
    expect(res.errors).toBeUndefined();
    // 1 FetchService + 1 ListChannel + 3 ListMember + 1 ListUser, as predicted.
    expect(res.extensions?.cost).toEqual({
      predictedRestCalls: 6,
      restCalls: 6,
      predictedNodes: 1 + 1 + 3 + 3 + 6 + 6,
      budget: { restCalls: 1000, nodes: 100_000 },
    });
    expect(env.totalCalls()).toBe(6);
  });

  it("costs an inbox (a user's channels, and every user's channels) by the service's channel list, not a fetch per channel", async () => {
    const inbox = await env.query(
      `query($s: String!) { chatService(sid: $s) { user(sidOrIdentity: "alice") { channels(first: 999) { nodes { unreadMessagesCount channel { friendlyName } } } } } }`,
      {
        s: service,
      },
    );
    expect(inbox.errors).toBeUndefined();
    expect(inbox.data.chatService.user.channels.nodes.length).toBeGreaterThan(1);
    // FetchUser + ListUserChannel + one ListChannel for every channel.
    expect(env.calls()).toMatchObject({ 'chat.ListUserChannel': 1, 'chat.ListChannel': 1 });
    expect(inbox.extensions!.cost.predictedRestCalls).toBeLessThan(10);

    env.resetCalls();
    const everyone = await env.query(
      `query($s: String!) { chatService(sid: $s) { users(first: 100) { nodes { channels(first: 50) { nodes { channel { friendlyName } } } } } } }`,
      { s: service },
    );
    expect(everyone.errors).toBeUndefined();
    // One ListUserChannel per user, and one channel list for all of them, however their reads fall into batches.
    expect(env.calls()['chat.ListChannel']).toBe(1);
    expect(everyone.extensions!.cost.predictedRestCalls).toBeLessThan(110);
  });

  it('uses the budgets the gateway is configured with', async () => {
    await using small = await startGateway({ gateway: { maxRestCallsPerRequest: 5, maxResultNodes: 10 } });
    const calls = await small.query(`{ chatServices(first: 1) { nodes { channels(first: 1) { nodes { members(first: 1) { nodes { user { sid } } } } } } } }`);
    expect(calls.errors).toBeUndefined();
    const tooMany = await small.query(`{ chatServices(first: 6) { nodes { channels(first: 1) { nodes { sid } } } } }`);
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'restCalls', predicted: 7, limit: 5 });
    const tooBig = await small.query(`{ chatServices(first: 11) { nodes { sid } } }`);
    expect(tooBig.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'nodes', limit: 10 });
    expect(small.totalCalls()).toBe(1 + 1 + 1 + 1);
  });
});
