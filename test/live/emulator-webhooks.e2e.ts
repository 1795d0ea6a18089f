/**
 * The whole path of an event, with nothing hand-made: a chat service's
 * post-event webhook and a channel webhook point at the gateway, a message is
 * sent through the gateway's mutation with `webhookEnabled`, the emulator
 * signs and delivers the webhooks as Twilio would, and subscribers over
 * graphql-ws and SSE get the message with its author, once, though two
 * webhooks announced it. A write sent without `webhookEnabled` announces
 * nothing (Twilio's rule for REST writes), so no subscriber hears of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { chatFixture, listening, sseSubscribe, until, wsClient, wsSubscribe, type ChatFixture } from '../support/live.ts';

let env: GatewayEnv;
let chat: ChatFixture;

const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body author { identity friendlyName } } }`;
const SEND = `mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { chatMessage { sid } userErrors { message } } }`;

beforeAll(async () => {
  env = await startGateway();
  chat = await chatFixture(env);
  const hook = `${env.url}/webhooks/twilio/chat`;
  const service = await env.query(
    `mutation($input: UpdateChatServiceInput!) { updateChatService(input: $input) { chatService { sid } userErrors { message } } }`,
    { input: { sid: chat.serviceSid, postWebhookUrl: hook, webhookMethod: 'POST', webhookFilters: ['onMessageSent'] } },
  );
  expect(service.data.updateChatService.userErrors).toEqual([]);
  const channelHook = await env.query(
    `mutation($input: CreateChatChannelWebhookInput!) { createChatChannelWebhook(input: $input) { chatChannelWebhook { sid } userErrors { message } } }`,
    {
      input: {
        serviceSid: chat.serviceSid,
        channelSidOrUniqueName: chat.channelSid,
        type: 'WEBHOOK',
        configurationUrl: hook,
        configurationMethod: 'POST',
        configurationFilters: ['onMessageSent'],
      },
    },
  );
  expect(channelHook.data.createChatChannelWebhook.userErrors).toEqual([]);
});
afterAll(() => env?.close());

/** Chat webhook deliveries the emulator made (attempted) and that the gateway accepted (succeeded). */
const attempted = () => {
  const { chatService, chatChannel } = env.emulator.stats().deliveries;
  return chatService.attempted + chatChannel.attempted;
};
const delivered = () => {
  const { chatService, chatChannel } = env.emulator.stats().deliveries;
  return chatService.succeeded + chatChannel.succeeded;
};

describe("the emulator's webhooks reach subscribers", () => {
  it('delivers a sent message to graphql-ws and SSE subscribers once, with its author', async () => {
    const ws = wsClient(env.url);
    const overWs = wsSubscribe(ws, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    const overSse = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(env, 2);
    const before = delivered();

    const sent = await env.query(SEND, {
      input: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, body: 'from the emulator', from: chat.identity, webhookEnabled: true },
    });
    const sid = sent.data.createChatMessage.chatMessage.sid;
    const expected = { data: { chatMessageAdded: { sid, body: 'from the emulator', author: { identity: chat.identity, friendlyName: chat.friendlyName } } } };
    expect(await overWs.next(10_000)).toEqual(expected);
    expect(await overSse.next(10_000)).toEqual(expected);

    // Both webhooks (the service's and the channel's) were delivered and accepted; the second was a duplicate.
    await until(() => delivered() - before >= 2, 'both webhooks delivered');
    expect(await overWs.quietFor(300)).toBe(true);
    expect(await overSse.quietFor(0)).toBe(true);
    await overWs.close();
    await overSse.close();
    await ws.dispose();
  });

  it('announces nothing for a write sent without webhookEnabled', async () => {
    const ws = wsClient(env.url);
    const overWs = wsSubscribe(ws, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await listening(env, 1);
    const before = attempted();
    const sent = await env.query(SEND, {
      input: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, body: 'quietly', from: chat.identity },
    });
    expect(sent.data.createChatMessage.userErrors).toEqual([]);
    expect(await overWs.quietFor(500)).toBe(true);
    expect(attempted()).toBe(before);
    await overWs.close();
    await ws.dispose();
  });

  it("delivers an Event Streams sink's events to eventStreamEvents subscribers", async () => {
    const sink = await env.query(
      `mutation($input: CreateEventSinkInput!) { createEventSink(input: $input) { eventSink { sid status } userErrors { message } } }`,
      {
        input: {
          description: 'gateway',
          // The sink's test event names no account: the URL says whose it is (see the README's Live data).
          configuration: {
            webhook: { destination: `${env.url}/webhooks/twilio/events?AccountSid=${DEMO_ACCOUNT.accountSid}`, method: 'POST', batchEvents: false },
          },
        },
      },
    );
    const { sid, status } = sink.data.createEventSink.eventSink;
    expect(status).toBe('ACTIVE');
    const subscribed = await env.query(
      `mutation($input: CreateEventSubscriptionInput!) { createEventSubscription(input: $input) { eventSubscription { sid } userErrors { message } } }`,
      { input: { description: 'messages', sinkSid: sid, types: [{ type: 'com.twilio.conversations.message.added' }] } },
    );
    expect(subscribed.data.createEventSubscription.userErrors).toEqual([]);

    const stream = await sseSubscribe(env.url, `subscription($types: [String!]) { eventStreamEvents(types: $types) { type data } }`, {
      types: ['com.twilio.conversations.*'],
    });
    await listening(env, 1);
    const sent = await env.query(SEND, {
      input: { serviceSid: chat.serviceSid, channelSidOrUniqueName: chat.channelSid, body: 'streamed', from: chat.identity },
    });
    const event = (await stream.next(10_000)).data.eventStreamEvents;
    expect(event.type).toBe('com.twilio.conversations.message.added');
    expect(JSON.stringify(event.data)).toContain(sent.data.createChatMessage.chatMessage.sid);
    await stream.close();
  });
});
