/**
 * An open subscription proves again, every `recheckMs`, that its credentials
 * reach what it names: when Twilio refuses them (an auth token replaced by
 * promoting the secondary one) or the object is gone, it ends with that
 * error; when Twilio is only briefly unwell, it stays open.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import {
  basic,
  chatFixture,
  listening,
  postChatWebhook,
  released,
  sentMessage,
  sseSubscribe,
  wsClient,
  wsSubscribe,
  type ChatFixture,
} from '../support/live.ts';

const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body } }`;

let env: GatewayEnv;
let chat: ChatFixture;

beforeAll(async () => {
  env = await startGateway({ gateway: { subscriptionLimits: { recheckMs: 100 } } });
  chat = await chatFixture(env);
});
afterAll(() => env?.close());
afterEach(() => {
  env.emulator.clearFaults();
  return released(env);
});

describe('a subscription checked again while it is open', () => {
  it('stays open while Twilio answers 500 to a check, and still streams', async () => {
    const events = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(env, 1);
    env.resetCalls();
    env.emulator.injectFault({ operation: 'chat.FetchChannel', status: 500, count: 3 });
    // Checks run, three answered 500 (for want of Twilio, not for the credentials), and later ones pass.
    await expect.poll(() => env.calls()['chat.FetchChannel'] ?? 0, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    expect(await events.quietFor(100)).toBe(true);
    expect(events.completed).toBe(false);
    const message = await sentMessage(env, chat, 'still here', DEMO_ACCOUNT.accountSid);
    expect((await postChatWebhook(env.url, { ...message, Source: 'SDK', ClientIdentity: chat.identity }, DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await events.next()).data.chatMessageAdded.body).toBe('still here');
    await events.close();
  });

  it('ends with NOT_FOUND once the channel it listens to is deleted', async () => {
    const created = await env.query(
      `mutation($s: String!) { createChatChannel(input: { serviceSid: $s, uniqueName: "short-lived" }) { chatChannel { sid } } }`,
      { s: chat.serviceSid },
    );
    const channel = created.data.createChatChannel.chatChannel.sid;
    const client = wsClient(env.url);
    const events = wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: channel });
    await listening(env, 1);
    await env.query(`mutation($s: String!, $c: String!) { deleteChatChannel(input: { serviceSid: $s, sidOrUniqueName: $c }) { deletedId } }`, {
      s: chat.serviceSid,
      c: channel,
    });
    const last = await events.next(5_000);
    expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect.poll(() => events.completed).toBe(true);
    await client.dispose();
  });

  // Last: the gateway's own credentials are the demo account's, which this replaces.
  it('ends with UNAUTHENTICATED once its auth token is replaced, and gives its slot back', async () => {
    const auth = { authorization: basic(DEMO_ACCOUNT.accountSid, DEMO_ACCOUNT.authToken) };
    const events = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid }, auth);
    await listening(env, 1);
    const secondary = await env.query(`mutation { createSecondaryAuthToken { secondaryAuthToken { authToken } } }`, undefined, auth);
    expect(secondary.data.createSecondaryAuthToken.secondaryAuthToken.authToken).toEqual(expect.any(String));
    const promoted = await env.query(`mutation { promoteSecondaryAuthToken { userErrors { message } } }`, undefined, auth);
    expect(promoted.data.promoteSecondaryAuthToken.userErrors).toEqual([]);

    const last = await events.next(5_000);
    expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', twilioCode: 20003 });
    expect(JSON.stringify(last)).not.toContain(DEMO_ACCOUNT.authToken);
    await expect.poll(() => events.completed).toBe(true);
    expect(env.gateway.subscriptions.size).toBe(0);
  });
});
