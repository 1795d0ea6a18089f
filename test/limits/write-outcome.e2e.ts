/**
 * A write whose request reached Twilio but whose answer was lost may have
 * been applied: the gateway says so (WRITE_OUTCOME_UNKNOWN), never that
 * Twilio could not be reached, and does not send it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { supportServiceSid } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const create = `mutation($s: String!, $name: String!) {
  createChatChannel(input: { serviceSid: $s, uniqueName: $name, friendlyName: "Lost answer" }) { chatChannel { sid } userErrors { message } }
}`;
const readBack = `query($s: String!, $name: String!) { chatService(sid: $s) { channel(sidOrUniqueName: $name) { uniqueName } } }`;

describe('a write whose answer was lost', () => {
  it('is reported as WRITE_OUTCOME_UNKNOWN when Twilio does not answer in time, and is not repeated', async () => {
    env = await startGateway({ transport: { timeoutMs: 200 } });
    const service = await supportServiceSid(env);
    env.resetCalls();
    env.emulator.injectFault({ operation: 'chat.CreateChannel', stallMs: 600 });
    const res = await env.query(create, { s: service, name: 'lost-answer' });
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.extensions?.code).toBe('WRITE_OUTCOME_UNKNOWN');
    expect(error!.path).toEqual(['createChatChannel']);
    expect(error!.message).toMatch(/may or may not have been applied/);
    expect(error!.message).toMatch(/read/i);
    expect(error!.message).not.toMatch(/could not be reached/);
    expect(error!.extensions?.operation).toBe('chat.CreateChannel');
    expect(env.calls()['chat.CreateChannel']).toBe(1);
    // Twilio did apply it once its stall ended: reading back by unique name is how a client finds out.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const read = await env.query(readBack, { s: service, name: 'lost-answer' });
    expect(read.data.chatService.channel).toEqual({ uniqueName: 'lost-answer' });
  });

  it('is reported as WRITE_OUTCOME_UNKNOWN when the request deadline cuts it short', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 200 } });
    const service = await supportServiceSid(env);
    env.emulator.injectFault({ operation: 'chat.CreateChannel', stallMs: 600 });
    const res = await env.query(create, { s: service, name: 'cut-short' });
    expect(res.errors?.[0]?.extensions?.code).toBe('WRITE_OUTCOME_UNKNOWN');
    expect(res.errors?.[0]?.message).toMatch(/may or may not have been applied/);
  });

  it('is DEADLINE_EXCEEDED, not unknown, when it never left: it was still waiting for a slot', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 300 }, transport: { maxInFlightPerAccount: 1 } });
    const service = await supportServiceSid(env);
    env.resetCalls();
    // Something else holds the account's only slot past the deadline.
    const release = await env.transport.limiter.acquire(DEMO_ACCOUNT.accountSid);
    try {
      const res = await env.query(`mutation($s: String!) { createChatUser(input: { serviceSid: $s, identity: "never-sent" }) { chatUser { sid } } }`, {
        s: service,
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('DEADLINE_EXCEEDED');
      expect(env.totalCalls()).toBe(0);
    } finally {
      release();
    }
  });
});
