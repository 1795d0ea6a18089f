/**
 * The webhook endpoints over real sockets: only what verifies with the named
 * account's auth token is published, each event once; everything else is
 * refused with a code, publishes nothing and quotes nothing back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import {
  OTHER_ACCOUNT,
  chatFixture,
  listening,
  postChatWebhook,
  postEventStreamsWebhook,
  released,
  sentMessage,
  sseSubscribe,
  type ChatFixture,
  type Subscriber,
} from '../support/live.ts';

let env: GatewayEnv;
let chat: ChatFixture;

const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body index author { friendlyName } } }`;
const STREAM = `subscription($types: [String!]) { eventStreamEvents(types: $types) { id type accountSid source time data eventType { type description } } }`;

beforeAll(async () => {
  env = await startGateway({
    emulator: { accounts: [...DEFAULT_ACCOUNTS, OTHER_ACCOUNT] },
    gateway: { live: { signingAccounts: [OTHER_ACCOUNT], maxWebhookBodyBytes: 20_000 } },
  });
  chat = await chatFixture(env);
});
afterAll(() => env?.close());
// Each test's subscribers are gone before the next starts.
afterEach(() => released(env));

async function subscribeToMessages(): Promise<Subscriber> {
  const subscriber = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
  await listening(env, 1);
  return subscriber;
}

describe('Chat webhooks', () => {
  it('publish a verified onMessageSent to the channel’s subscribers, its author resolved', async () => {
    const subscriber = await subscribeToMessages();
    const webhook = await sentMessage(env, chat, 'first live message', DEMO_ACCOUNT.accountSid);
    env.resetCalls();
    const answer = await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken);
    expect(answer).toEqual({ status: 200, body: '' });
    const { data } = await subscriber.next();
    expect(data.chatMessageAdded).toEqual({
      sid: webhook.MessageSid,
      body: 'first live message',
      index: Number(webhook.Index),
      author: { friendlyName: chat.friendlyName },
    });
    // The message is built from the webhook; its author is read from the service's user list: one call.
    expect(env.calls()).toEqual({ 'chat.ListUser': 1 });
    await subscriber.close();
  });

  it('refuse a wrong signature with 403: nothing published, nothing of the request quoted back', async () => {
    const subscriber = await subscribeToMessages();
    const webhook = await sentMessage(env, chat, 'forged', DEMO_ACCOUNT.accountSid);
    const cases = [
      await postChatWebhook(env.url, webhook, 'not-the-auth-token'),
      await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken, { signature: '' }),
      // Signed for another URL than the one it was sent to.
      await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken, { signedUrl: 'https://elsewhere.example.com/webhooks/twilio/chat' }),
      // The body changed after signing.
      await postChatWebhook(env.url, { ...webhook, Body: 'changed' }, DEMO_ACCOUNT.authToken, { signature: signatureOf(webhook) }),
    ];
    for (const answer of cases) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(answer.body).not.toContain('forged');
      expect(answer.body).not.toContain(DEMO_ACCOUNT.authToken);
    }
    expect(await subscriber.quietFor(300)).toBe(true);
    await subscriber.close();
  });

  it('refuse an account the gateway holds no token for, as it refuses a bad signature', async () => {
    const stranger = { accountSid: 'AC0000000000000000000000000000000f', authToken: 'stranger-token' };
    const webhook = { ...(await sentMessage(env, chat, 'stranger', DEMO_ACCOUNT.accountSid)), AccountSid: stranger.accountSid };
    const answer = await postChatWebhook(env.url, webhook, stranger.authToken);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const noAccount = await postChatWebhook(env.url, { EventType: 'onMessageSent' }, DEMO_ACCOUNT.authToken);
    expect(noAccount.status).toBe(403);
  });

  it('publish a retry of an event once: Twilio’s retries differ only in RetryCount (and a second webhook in WebhookSid)', async () => {
    const subscriber = await subscribeToMessages();
    const webhook = await sentMessage(env, chat, 'said once', DEMO_ACCOUNT.accountSid);
    for (const retry of [webhook, { ...webhook, RetryCount: '1' }, { ...webhook, RetryCount: '2', WebhookSid: 'WH00000000000000000000000000000001' }]) {
      expect((await postChatWebhook(env.url, retry, DEMO_ACCOUNT.authToken)).status).toBe(200);
    }
    expect((await subscriber.next()).data.chatMessageAdded.body).toBe('said once');
    expect(await subscriber.quietFor(300)).toBe(true);
    // Another event of the same message (an update) is not a duplicate.
    await subscriber.close();
  });

  it('publish two updates of one message as two events, and drop neither for the other', async () => {
    const subscriber = await sseSubscribe(
      env.url,
      `subscription($s: String!, $c: String!) { chatChannelEvents(serviceSid: $s, channelSid: $c, kinds: [MESSAGE_UPDATED]) { ... on ChatMessageUpdatedEvent { message { sid body dateUpdated } } } }`,
      { s: chat.serviceSid, c: chat.channelSid },
    );
    await listening(env, 1);
    const sent = await sentMessage(env, chat, 'v0', DEMO_ACCOUNT.accountSid);
    const update = (body: string) => ({ ...sent, EventType: 'onMessageUpdated', Body: body, DateUpdated: sent.DateCreated!, RetryCount: '0' });
    expect((await postChatWebhook(env.url, update('v1'), DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await postChatWebhook(env.url, update('v2'), DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await subscriber.next()).data.chatChannelEvents.message.body).toBe('v1');
    expect((await subscriber.next()).data.chatChannelEvents.message.body).toBe('v2');
    await subscriber.close();
  });

  it('acknowledge an event the gateway does not stream (a pre-event webhook) without publishing it', async () => {
    const subscriber = await subscribeToMessages();
    const webhook = await sentMessage(env, chat, 'pre-event', DEMO_ACCOUNT.accountSid);
    const answer = await postChatWebhook(env.url, { ...webhook, EventType: 'onMessageSend' }, DEMO_ACCOUNT.authToken);
    expect(answer).toEqual({ status: 200, body: '' });
    expect(await subscriber.quietFor(300)).toBe(true);
    await subscriber.close();
  });

  it('answer a verified webhook that lacks what its event needs with 400, naming the parameter', async () => {
    const webhook = await sentMessage(env, chat, 'incomplete', DEMO_ACCOUNT.accountSid);
    const { ChannelSid: _, ...withoutChannel } = webhook;
    const answer = await postChatWebhook(env.url, withoutChannel, DEMO_ACCOUNT.authToken);
    expect(answer.status).toBe(400);
    const error = JSON.parse(answer.body).errors[0];
    expect(error.extensions.code).toBe('BAD_WEBHOOK_PAYLOAD');
    expect(error.message).toMatch(/ChannelSid/);
    const badIndex = await postChatWebhook(env.url, { ...webhook, Index: 'seven' }, DEMO_ACCOUNT.authToken);
    expect(JSON.parse(badIndex.body).errors[0].message).toMatch(/Index/);
  });

  it('refuse a body over the limit (413) before reading it, another method (405) and another media type (415)', async () => {
    const webhook = await sentMessage(env, chat, 'big', DEMO_ACCOUNT.accountSid);
    const big = await postChatWebhook(env.url, { ...webhook, Body: 'x'.repeat(30_000) }, DEMO_ACCOUNT.authToken);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    const get = await fetch(`${env.url}/webhooks/twilio/chat`);
    expect(get.status).toBe(405);
    expect((await get.json()).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
    const json = await fetch(`${env.url}/webhooks/twilio/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect((await json.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('verify with the other account’s token when the webhook names the other account', async () => {
    const headers = { authorization: `Basic ${Buffer.from(`${OTHER_ACCOUNT.accountSid}:${OTHER_ACCOUNT.authToken}`).toString('base64')}` };
    const other = await chatFixture(env, headers);
    const subscriber = await sseSubscribe(env.url, MESSAGE_ADDED, { s: other.serviceSid, c: other.channelSid }, headers);
    await listening(env, 1);
    const webhook = await sentMessage(env, other, 'in the other account', OTHER_ACCOUNT.accountSid, headers);
    expect((await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken)).status).toBe(403);
    expect((await postChatWebhook(env.url, webhook, OTHER_ACCOUNT.authToken)).status).toBe(200);
    expect((await subscriber.next()).data.chatMessageAdded.author.friendlyName).toBe(other.friendlyName);
    await subscriber.close();
  });
});

describe('the public URL', () => {
  it('is the URL signatures are checked against, since behind a proxy the gateway sees another', async () => {
    await using proxied = await startGateway({ gateway: { live: { publicBaseUrl: 'https://gateway.example.com/twilio' } } });
    const fixture = await chatFixture(proxied);
    const subscriber = await sseSubscribe(proxied.url, MESSAGE_ADDED, { s: fixture.serviceSid, c: fixture.channelSid });
    await listening(proxied, 1);
    const webhook = await sentMessage(proxied, fixture, 'through the proxy', DEMO_ACCOUNT.accountSid);
    // Signed for the URL the gateway itself sees: not the one Twilio was given.
    expect((await postChatWebhook(proxied.url, webhook, DEMO_ACCOUNT.authToken)).status).toBe(403);
    const signedUrl = 'https://gateway.example.com/twilio/webhooks/twilio/chat';
    expect((await postChatWebhook(proxied.url, webhook, DEMO_ACCOUNT.authToken, { signedUrl })).status).toBe(200);
    expect((await subscriber.next()).data.chatMessageAdded.body).toBe('through the proxy');
    await subscriber.close();
  });
});

describe('Event Streams deliveries', () => {
  const cloudEvent = (id: string, type = 'com.twilio.messaging.message.sent', accountSid: string = DEMO_ACCOUNT.accountSid) => ({
    specversion: '1.0',
    type,
    source: `/2010-04-01/Accounts/${accountSid}/Messages/SM00000000000000000000000000000001.json`,
    id,
    dataschema: 'https://events-schemas.twilio.com/Messaging.MessageStatus/1',
    datacontenttype: 'application/json',
    time: '2026-01-15T09:00:00.000Z',
    data: { accountSid, messageSid: 'SM00000000000000000000000000000001', messageStatus: 'SENT' },
  });

  it('publish each CloudEvent of a verified batch once, to the subscribers of the types it has, with its event type linked', async () => {
    const subscriber = await sseSubscribe(env.url, STREAM, { types: ['com.twilio.messaging.message.*'] });
    await listening(env, 1);
    const batch = [
      cloudEvent('EZ00000000000000000000000000000001'),
      cloudEvent('EZ00000000000000000000000000000002', 'com.twilio.voice.insights.call-summary.complete'),
    ];
    expect((await postEventStreamsWebhook(env.url, batch, DEMO_ACCOUNT.authToken)).status).toBe(200);
    // A retry of the batch: the same ids.
    expect((await postEventStreamsWebhook(env.url, batch, DEMO_ACCOUNT.authToken)).status).toBe(200);
    const { data } = await subscriber.next();
    expect(data.eventStreamEvents).toMatchObject({
      id: 'EZ00000000000000000000000000000001',
      type: 'com.twilio.messaging.message.sent',
      accountSid: DEMO_ACCOUNT.accountSid,
      time: '2026-01-15T09:00:00.000Z',
      data: { messageStatus: 'SENT' },
      eventType: { type: 'com.twilio.messaging.message.sent' },
    });
    expect(await subscriber.quietFor(300)).toBe(true);
    await subscriber.close();
  });

  it('refuse a body that does not match its bodySHA256, a hash the signature does not cover, or another account’s signature, with 403', async () => {
    const subscriber = await sseSubscribe(env.url, STREAM);
    await listening(env, 1);
    const signedBody = JSON.stringify([cloudEvent('EZ00000000000000000000000000000003')]);
    const changedBody = signedBody.replace('SENT', 'FAILED');
    const post = (hashOf: string, signedFor: string, body: string) =>
      fetch(`${env.url}/webhooks/twilio/events?bodySHA256=${hash(hashOf)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-twilio-signature': signatureForUrl(`${env.url}/webhooks/twilio/events?bodySHA256=${hash(signedFor)}`),
        },
        body,
      });
    // The body changed after signing.
    expect((await post(signedBody, signedBody, changedBody)).status).toBe(403);
    // The body and its hash changed, the signature is the original's.
    expect((await post(changedBody, signedBody, changedBody)).status).toBe(403);
    expect((await postEventStreamsWebhook(env.url, [cloudEvent('EZ00000000000000000000000000000004')], OTHER_ACCOUNT.authToken)).status).toBe(403);
    expect(await subscriber.quietFor(300)).toBe(true);
    // The original, as signed, is published.
    expect((await post(signedBody, signedBody, signedBody)).status).toBe(200);
    expect((await subscriber.next()).data.eventStreamEvents.id).toBe('EZ00000000000000000000000000000003');
    await subscriber.close();
  });

  it('verify events that name no account (a sink test) with the account the sink URL names', async () => {
    const subscriber = await sseSubscribe(env.url, STREAM, { types: ['com.twilio.eventstreams.test-event'] });
    await listening(env, 1);
    const test = {
      specversion: '1.0',
      type: 'com.twilio.eventstreams.test-event',
      source: 'Sink',
      id: 'EZ00000000000000000000000000000005',
      data: { test_id: 'a-test' },
    };
    expect((await postEventStreamsWebhook(env.url, [test], DEMO_ACCOUNT.authToken)).status).toBe(403);
    expect((await postEventStreamsWebhook(env.url, [test], DEMO_ACCOUNT.authToken, { query: `AccountSid=${DEMO_ACCOUNT.accountSid}` })).status).toBe(200);
    expect((await subscriber.next()).data.eventStreamEvents).toMatchObject({
      id: test.id,
      accountSid: DEMO_ACCOUNT.accountSid,
      data: { test_id: 'a-test' },
      eventType: null,
    });
    // Signed by this account, a delivery cannot speak for another.
    const mixed = [cloudEvent('EZ00000000000000000000000000000006', undefined, OTHER_ACCOUNT.accountSid)];
    const answer = await postEventStreamsWebhook(env.url, mixed, DEMO_ACCOUNT.authToken, { query: `AccountSid=${DEMO_ACCOUNT.accountSid}` });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('WEBHOOK_ACCOUNT_MISMATCH');
    await subscriber.close();
  });

  it('answer a verified delivery that is not CloudEvents with 400', async () => {
    const answer = await postEventStreamsWebhook(env.url, [{ type: 'x' }], DEMO_ACCOUNT.authToken, { query: `AccountSid=${DEMO_ACCOUNT.accountSid}` });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0]).toMatchObject({ extensions: { code: 'BAD_WEBHOOK_PAYLOAD' } });
    expect(JSON.parse(answer.body).errors[0].message).toMatch(/id/);
  });
});

function hash(body: string): string {
  return twilio.getExpectedBodyHash(body);
}

function signatureForUrl(url: string): string {
  return twilio.getExpectedTwilioSignature(DEMO_ACCOUNT.authToken, url, {});
}

function signatureOf(params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(DEMO_ACCOUNT.authToken, `${env.url}/webhooks/twilio/chat`, params);
}
