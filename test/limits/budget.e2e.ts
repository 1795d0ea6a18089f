/**
 * Every HTTP attempt counts against a request's REST budget, retries too: a
 * list that keeps answering 503 cannot multiply a query's calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { supportServiceSid } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('REST budget', () => {
  it('counts retries: a list answering 503 stops at the budget with QUERY_TOO_EXPENSIVE', async () => {
    env = await startGateway({ transport: { retry: { maxRetries: 3, baseDelayMs: 1 } }, gateway: { maxRestCallsPerRequest: 20 } });
    const service = await supportServiceSid(env);
    env.resetCalls();
    env.emulator.injectFault({ operation: 'chat.ListMember', status: 503, count: 10_000 });
    // 1 ListChannel and 10 ListMember, each tried 4 times: 41 attempts without the budget.
    const res = await env.query(
      `query($s: String!) { chatService(sid: $s) { channels(first: 10) { nodes { sid members(first: 5) { nodes { identity } } } } } }`,
      { s: service },
    );
    expect(env.totalCalls()).toBe(20);
    const codes = new Set(res.errors?.map((e) => e.extensions?.code));
    expect(codes.has('QUERY_TOO_EXPENSIVE')).toBe(true);
    // The list that answered is kept.
    expect(res.data.chatService.channels.nodes).toHaveLength(10);
  });
});
