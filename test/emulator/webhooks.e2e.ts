/**
 * The webhooks and Event Streams events the emulator sends, as a user meets
 * them: the official `twilio` library makes services, channels, messages,
 * sinks and subscriptions in the emulator, and a small receiver on 127.0.0.1
 * checks what arrives (parameters, method, signature, filters, the
 * X-Twilio-Webhook-Enabled rule, retries, CloudEvents), beside the counters
 * and scripted failures of the control API.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { Deliveries } from '../../src/emulator/webhooks.ts';
import { restException, twilioClientFor } from '../support/twilio-library.ts';
import { WebhookReceiver, type ReceivedRequest } from '../support/webhook-receiver.ts';

const TOKEN = DEMO_ACCOUNT.authToken;
const ON = { xTwilioWebhookEnabled: 'true' } as const;

let emu: Emulator;
let receiver: WebhookReceiver;
let client: twilio.Twilio;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  // Short backoff so that Event Streams retries show within a test; everything else as Twilio.
  emu = await createEmulator({ port: 0, deliveries: { backoffBaseMs: 20, backoffMaxMs: 80 } });
  client = twilioClientFor(emu.url);
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
});
beforeEach(() => {
  emu.reset('none');
  emu.resetStats();
  emu.clearWebhookFaults();
  receiver.clear();
});

const chat = () => client.chat.v2;

/** A service whose post-event webhook goes to the receiver's `path` for the events named. */
async function serviceWithWebhook(filters: string[], options: { path?: string; method?: string; retries?: number } = {}) {
  const service = await chat().services.create({ friendlyName: 'hooks' });
  await chat()
    .services(service.sid)
    .update({
      postWebhookUrl: receiver.url(options.path ?? '/chat'),
      webhookFilters: filters,
      webhookMethod: options.method ?? 'POST',
      postWebhookRetryCount: options.retries ?? 0,
    });
  return service;
}

/** Checks a form webhook's signature with the official library, and that a tampered copy fails. */
function expectSignedForm(hook: ReceivedRequest): void {
  const signature = String(hook.headers['x-twilio-signature']);
  if (hook.method === 'GET') {
    expect(twilio.validateRequest(TOKEN, signature, hook.url, {})).toBe(true);
    expect(twilio.validateRequest(TOKEN, signature, hook.url.replace('EventType=', 'EventType=x'), {})).toBe(false);
  } else {
    expect(twilio.validateRequest(TOKEN, signature, hook.url, hook.form)).toBe(true);
    expect(twilio.validateRequest(TOKEN, signature, hook.url, { ...hook.form, Body: 'tampered' })).toBe(false);
    expect(twilio.validateRequest('another-token', signature, hook.url, hook.form)).toBe(false);
  }
}

/** Checks a JSON delivery's signature and body hash with the official library, and that a tampered body fails. */
function expectSignedJson(hook: ReceivedRequest): void {
  const signature = String(hook.headers['x-twilio-signature']);
  expect(hook.query.get('bodySHA256')).toMatch(/^[0-9a-f]{64}$/);
  expect(twilio.validateRequestWithBody(TOKEN, signature, hook.url, hook.body)).toBe(true);
  expect(twilio.validateRequestWithBody(TOKEN, signature, hook.url, hook.body + ' ')).toBe(false);
}

const sorted = (form: Record<string, string>) => Object.keys(form).sort();
const COMMON = ['AccountSid', 'EventType', 'InstanceSid', 'RetryCount', 'Source'];
const keys = (...specific: string[]) => [...COMMON, ...specific].sort();

describe('Chat post-event webhooks', () => {
  it('posts the events of a REST write sent with X-Twilio-Webhook-Enabled: true, with Twilio parameters, signed', async () => {
    const service = await serviceWithWebhook(['onChannelAdded', 'onMessageSent', 'onMemberAdded', 'onUserAdded']);
    const channel = await chat()
      .services(service.sid)
      .channels.create({ friendlyName: 'Launch', uniqueName: 'launch', attributes: '{"topic":"go"}', ...ON });
    const [added] = await receiver.waitFor(1);
    expect(added!.method).toBe('POST');
    expect(added!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(sorted(added!.form)).toEqual(keys('Attributes', 'ChannelSid', 'ChannelType', 'CreatedBy', 'DateCreated', 'FriendlyName', 'UniqueName'));
    expect(added!.form).toMatchObject({
      EventType: 'onChannelAdded',
      AccountSid: DEMO_ACCOUNT.accountSid,
      InstanceSid: service.sid,
      Source: 'api',
      RetryCount: '0',
      ChannelSid: channel.sid,
      ChannelType: 'public',
      FriendlyName: 'Launch',
      UniqueName: 'launch',
      Attributes: '{"topic":"go"}',
      CreatedBy: 'system',
      DateCreated: channel.dateCreated.toISOString().replace('.000Z', 'Z'),
    });
    expectSignedForm(added!);

    const user = await chat()
      .services(service.sid)
      .users.create({ identity: 'ana', friendlyName: 'Ana', ...ON });
    const member = await chat()
      .services(service.sid)
      .channels(channel.sid)
      .members.create({ identity: 'ana', ...ON });
    const message = await chat()
      .services(service.sid)
      .channels(channel.sid)
      .messages.create({ body: 'Hello', from: 'ana', attributes: '{"n":1}', ...ON });
    const hooks = await receiver.waitFor(4);
    const byEvent = Object.fromEntries(hooks.map((h) => [h.form.EventType, h.form]));
    expect(sorted(byEvent.onUserAdded!)).toEqual(keys('Attributes', 'DateCreated', 'FriendlyName', 'Identity', 'RoleSid', 'UserSid'));
    expect(byEvent.onUserAdded).toMatchObject({ UserSid: user.sid, Identity: 'ana', FriendlyName: 'Ana', RoleSid: user.roleSid, Attributes: '{}' });
    expect(sorted(byEvent.onMemberAdded!)).toEqual(keys('ChannelSid', 'DateCreated', 'Identity', 'MemberSid', 'Reason', 'RoleSid'));
    expect(byEvent.onMemberAdded).toMatchObject({ ChannelSid: channel.sid, MemberSid: member.sid, Identity: 'ana', RoleSid: member.roleSid, Reason: 'ADDED' });
    expect(sorted(byEvent.onMessageSent!)).toEqual(keys('Attributes', 'Body', 'ChannelSid', 'DateCreated', 'From', 'Index', 'MessageSid'));
    expect(byEvent.onMessageSent).toMatchObject({
      ChannelSid: channel.sid,
      MessageSid: message.sid,
      Index: '0',
      Body: 'Hello',
      From: 'ana',
      Attributes: '{"n":1}',
    });
    for (const hook of hooks) expectSignedForm(hook);
  });

  it('sends the updated and removed events with their own parameters', async () => {
    const service = await serviceWithWebhook([
      'onChannelUpdated',
      'onChannelDestroyed',
      'onMessageUpdated',
      'onMessageRemoved',
      'onMemberUpdated',
      'onMemberRemoved',
      'onUserUpdated',
    ]);
    const svc = chat().services(service.sid);
    const channel = await svc.channels.create({ friendlyName: 'Old' });
    const member = await svc.channels(channel.sid).members.create({ identity: 'bo' });
    const message = await svc.channels(channel.sid).messages.create({ body: 'v1', from: 'bo' });
    expect(emu.stats().deliveries.chatService.attempted).toBe(0);

    await svc.channels(channel.sid).update({ friendlyName: 'New', ...ON });
    await svc
      .channels(channel.sid)
      .messages(message.sid)
      .update({ body: 'v2', ...ON });
    await svc
      .channels(channel.sid)
      .members(member.sid)
      .update({ lastConsumedMessageIndex: 0, ...ON });
    await svc.users('bo').update({ friendlyName: 'Bo', ...ON });
    await svc
      .channels(channel.sid)
      .messages(message.sid)
      .remove({ ...ON });
    await svc
      .channels(channel.sid)
      .members(member.sid)
      .remove({ ...ON });
    await svc.channels(channel.sid).remove({ ...ON });
    const hooks = await receiver.waitFor(7);
    const byEvent = Object.fromEntries(hooks.map((h) => [h.form.EventType, h.form]));
    expect(sorted(byEvent.onChannelUpdated!)).toEqual(
      keys('Attributes', 'ChannelSid', 'ChannelType', 'CreatedBy', 'DateCreated', 'DateUpdated', 'FriendlyName'),
    );
    expect(byEvent.onChannelUpdated!.FriendlyName).toBe('New');
    expect(sorted(byEvent.onMessageUpdated!)).toEqual(keys('Attributes', 'Body', 'ChannelSid', 'DateCreated', 'DateUpdated', 'From', 'Index', 'MessageSid'));
    expect(byEvent.onMessageUpdated!.Body).toBe('v2');
    expect(sorted(byEvent.onMemberUpdated!)).toEqual(
      keys('ChannelSid', 'DateCreated', 'DateUpdated', 'Identity', 'LastConsumedMessageIndex', 'MemberSid', 'RoleSid'),
    );
    expect(byEvent.onMemberUpdated!.LastConsumedMessageIndex).toBe('0');
    expect(sorted(byEvent.onUserUpdated!)).toEqual(keys('Attributes', 'DateCreated', 'DateUpdated', 'FriendlyName', 'Identity', 'RoleSid', 'UserSid'));
    expect(sorted(byEvent.onMessageRemoved!)).toEqual(keys('Attributes', 'Body', 'ChannelSid', 'DateCreated', 'DateRemoved', 'From', 'Index', 'MessageSid'));
    expect(sorted(byEvent.onMemberRemoved!)).toEqual(keys('ChannelSid', 'DateCreated', 'DateRemoved', 'Identity', 'MemberSid', 'Reason'));
    expect(byEvent.onMemberRemoved!.Reason).toBe('REMOVED');
    expect(sorted(byEvent.onChannelDestroyed!)).toEqual(
      keys('Attributes', 'ChannelSid', 'ChannelType', 'CreatedBy', 'DateCreated', 'DateUpdated', 'FriendlyName'),
    );
    for (const hook of hooks) expectSignedForm(hook);
  });

  it('fires nothing for a REST write without the header, or with it false, nor for an event outside WebhookFilters', async () => {
    const service = await serviceWithWebhook(['onMessageSent']);
    const svc = chat().services(service.sid);
    const channel = await svc.channels.create({ friendlyName: 'quiet', ...ON }); // onChannelAdded: not in the filters
    await svc.channels(channel.sid).messages.create({ body: 'no header' });
    await svc.channels(channel.sid).messages.create({ body: 'header false', xTwilioWebhookEnabled: 'false' });
    await svc.channels(channel.sid).messages.create({ body: 'header true', ...ON });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.form).toMatchObject({ EventType: 'onMessageSent', Body: 'header true' });
    // Only the one write was ever queued: the others made no delivery at all.
    expect(emu.stats().deliveries.chatService).toEqual({ attempted: 1, succeeded: 1, failed: 0, retried: 0, dropped: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('uses GET with the parameters in the query string when the service says so, signed over the full URL', async () => {
    const service = await serviceWithWebhook(['onChannelAdded'], { method: 'GET', path: '/chat-get' });
    await chat()
      .services(service.sid)
      .channels.create({ friendlyName: 'By GET', ...ON });
    const [hook] = await receiver.waitFor(1, { path: '/chat-get' });
    expect(hook!.method).toBe('GET');
    expect(hook!.body).toBe('');
    expect(hook!.form).toMatchObject({ EventType: 'onChannelAdded', FriendlyName: 'By GET', RetryCount: '0' });
    expectSignedForm(hook!);
  });

  it('sends a media message as onMediaMessageSent with its media parameters', async () => {
    const service = await serviceWithWebhook(['onMediaMessageSent', 'onMessageSent']);
    const channel = await chat().services(service.sid).channels.create({ friendlyName: 'media' });
    await chat()
      .services(service.sid)
      .channels(channel.sid)
      .messages.create({ mediaSid: `ME${'1'.repeat(32)}`, from: 'cy', ...ON });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.form).toMatchObject({
      EventType: 'onMediaMessageSent',
      MediaSid: `ME${'1'.repeat(32)}`,
      MediaContentType: 'application/octet-stream',
      MediaSize: '0',
    });
    expect(hook!.form.Body).toBeUndefined();
  });

  it('retries the service webhook PostWebhookRetryCount times on 429, 503, 504 or a timeout, not on other failures', async () => {
    const service = await serviceWithWebhook(['onChannelAdded'], { retries: 2 });
    receiver.answer('/chat', 503, 504, 200);
    await chat()
      .services(service.sid)
      .channels.create({ friendlyName: 'one', ...ON });
    const tries = await receiver.waitFor(3);
    expect(tries.map((t) => t.form.RetryCount)).toEqual(['0', '1', '2']);
    // One delivery: the same idempotency token on each try, each try signed afresh.
    expect(new Set(tries.map((t) => t.headers['i-twilio-idempotency-token'])).size).toBe(1);
    for (const t of tries) expectSignedForm(t);
    await waitUntil(() => emu.stats().deliveries.chatService.succeeded === 1);
    expect(emu.stats().deliveries.chatService).toEqual({ attempted: 3, succeeded: 1, failed: 2, retried: 2, dropped: 0 });

    emu.resetStats();
    receiver.clear();
    receiver.answer('/chat', 500);
    await chat()
      .services(service.sid)
      .channels.create({ friendlyName: 'two', ...ON });
    await receiver.waitFor(1);
    await waitUntil(() => emu.stats().deliveries.chatService.failed === 1);
    expect(emu.stats().deliveries.chatService).toEqual({ attempted: 1, succeeded: 0, failed: 1, retried: 0, dropped: 0 });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('Chat channel webhooks', () => {
  it('posts to each channel webhook whose filters name the event, with WebhookSid and WebhookType, retrying any failure RetryCount times', async () => {
    const service = await chat().services.create({ friendlyName: 'channel hooks' });
    const svc = chat().services(service.sid);
    const channel = await svc.channels.create({ friendlyName: 'ops' });
    const hook = await svc.channels(channel.sid).webhooks.create({
      type: 'webhook',
      'configuration.url': receiver.url('/channel'),
      'configuration.method': 'POST',
      'configuration.filters': ['onMessageSent'],
      'configuration.retryCount': 2,
    });
    await svc
      .channels(channel.sid)
      .webhooks.create({ type: 'webhook', 'configuration.url': receiver.url('/other'), 'configuration.filters': ['onMemberAdded'] });
    receiver.answer('/channel', 500, 500);
    await svc.channels(channel.sid).messages.create({ body: 'hi', from: 'dee', ...ON });
    const tries = await receiver.waitFor(3, { path: '/channel' });
    expect(tries.map((t) => t.form.RetryCount)).toEqual(['0', '1', '2']);
    expect(sorted(tries[2]!.form)).toEqual(keys('Attributes', 'Body', 'ChannelSid', 'DateCreated', 'From', 'Index', 'MessageSid', 'WebhookSid', 'WebhookType'));
    expect(tries[2]!.form).toMatchObject({ EventType: 'onMessageSent', WebhookSid: hook.sid, WebhookType: 'webhook', ChannelSid: channel.sid });
    for (const t of tries) expectSignedForm(t);
    await waitUntil(() => emu.stats().deliveries.chatChannel.succeeded === 1);
    expect(emu.stats().deliveries.chatChannel).toEqual({ attempted: 3, succeeded: 1, failed: 2, retried: 2, dropped: 0 });
    expect(receiver.to('/other')).toHaveLength(0);
  });

  it('refuses a channel webhook RetryCount outside 0 to 3 (50065)', async () => {
    const service = await chat().services.create({ friendlyName: 'bad hooks' });
    const channel = await chat().services(service.sid).channels.create({ friendlyName: 'x' });
    const error = await restException(
      chat()
        .services(service.sid)
        .channels(channel.sid)
        .webhooks.create({ type: 'webhook', 'configuration.url': receiver.url('/x'), 'configuration.retryCount': 4 }),
    );
    expect(error.code).toBe(50065);
  });
});

describe('Event Streams', () => {
  async function webhookSink(path: string, batch = false) {
    return client.events.v1.sinks.create({
      description: path,
      sinkType: 'webhook',
      sinkConfiguration: { destination: receiver.url(path), method: 'POST', batch_events: batch },
    });
  }

  it('delivers a sink its test event on Test, as a signed CloudEvents array carrying the test id', async () => {
    const sink = await webhookSink('/sink');
    expect(sink.status).toBe('active');
    expect((await client.events.v1.sinks(sink.sid).sinkTest.create()).result).toBe('submitted');
    const [hook] = await receiver.waitFor(1, { path: '/sink' });
    expect(hook!.method).toBe('POST');
    expect(hook!.headers['content-type']).toBe('application/json');
    expectSignedJson(hook!);
    const events = hook!.json as any[];
    expect(events).toHaveLength(1);
    const { test_ids } = (await (await fetch(`${emu.url}/__emulator/sinks/${sink.sid}/tests`)).json()) as { test_ids: string[] };
    expect(events[0]).toEqual({
      specversion: '1.0',
      type: 'com.twilio.eventstreams.test-event',
      source: `/v1/Sinks/${sink.sid}/Test`,
      id: expect.stringMatching(/^EZ[0-9a-f]{32}$/),
      dataschema: 'https://events-schemas.twilio.com/EventStreams.TestSink/1',
      datacontenttype: 'application/json',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { test_id: test_ids[0], sink_sid: sink.sid },
    });
    expect((await client.events.v1.sinks(sink.sid).sinkValidate.create({ testId: events[0].data.test_id })).result).toBe('valid');
  });

  it('sends the user info of a destination as Basic auth, out of the URL it signs and of the control API', async () => {
    const destination = receiver.url('/private').replace('http://', 'http://ops:s3cret@');
    const sink = await client.events.v1.sinks.create({
      description: 'private',
      sinkType: 'webhook',
      sinkConfiguration: { destination, method: 'POST', batch_events: false },
    });
    await client.events.v1.sinks(sink.sid).sinkTest.create();
    const [hook] = await receiver.waitFor(1, { path: '/private' });
    expect(hook!.headers.authorization).toBe(`Basic ${Buffer.from('ops:s3cret').toString('base64')}`);
    expect(hook!.url).not.toContain('s3cret');
    expectSignedJson(hook!);
    emu.injectWebhookFault({ url: destination, status: 500 });
    const listed = await (await fetch(`${emu.url}/__emulator/webhook-faults`)).text();
    expect(listed).toContain('/private');
    expect(listed).not.toContain('s3cret');
  });

  it('fails the tries to a destination it cannot make a request to, and goes on answering', async () => {
    const destination = receiver.url('/never').replace('http://', 'http://%zz@');
    const sink = await client.events.v1.sinks.create({
      description: 'broken',
      sinkType: 'webhook',
      sinkConfiguration: { destination, method: 'POST', batch_events: false },
    });
    await client.events.v1.sinks(sink.sid).sinkTest.create();
    await waitUntil(() => emu.stats().deliveries.eventStreams.failed >= 1);
    expect((await client.events.v1.sinks(sink.sid).fetch()).status).toBe('active');
    expect(receiver.to('/never')).toHaveLength(0);
  });

  it('streams the Chat writes a new sink subscribes to, header or not, at the subscribed schema version', async () => {
    const sink = await webhookSink('/stream');
    await client.events.v1.subscriptions.create({
      description: 'chat',
      sinkSid: sink.sid,
      types: [{ type: 'com.twilio.conversations.message.added', schema_version: 1 }, { type: 'com.twilio.conversations.participant.added' }],
    });
    const service = await chat().services.create({ friendlyName: 'streamed' });
    const svc = chat().services(service.sid);
    const channel = await svc.channels.create({ friendlyName: 'not subscribed' });
    const member = await svc.channels(channel.sid).members.create({ identity: 'eve' });
    const message = await svc.channels(channel.sid).messages.create({ body: 'streamed', from: 'eve', attributes: '{"k":"v"}' });
    const hooks = await receiver.waitFor(2, { path: '/stream' });
    for (const hook of hooks) expectSignedJson(hook);
    const events = hooks.flatMap((h) => h.json as any[]);
    expect(events.map((e) => e.type).sort()).toEqual(['com.twilio.conversations.message.added', 'com.twilio.conversations.participant.added']);
    const added = events.find((e) => e.type === 'com.twilio.conversations.message.added');
    expect(Object.keys(added).sort()).toEqual(['data', 'datacontenttype', 'dataschema', 'id', 'source', 'specversion', 'time', 'type']);
    expect(added).toMatchObject({
      specversion: '1.0',
      source: `/v2/Services/${service.sid}/Channels/${channel.sid}/Messages/${message.sid}`,
      dataschema: 'https://events-schemas.twilio.com/Conversations.MessageAdded/1',
      datacontenttype: 'application/json',
      data: {
        AccountSid: DEMO_ACCOUNT.accountSid,
        ChatServiceSid: service.sid,
        ConversationSid: channel.sid,
        MessageSid: message.sid,
        Author: 'eve',
        ParticipantSid: member.sid,
        Index: 0,
        MessageBody: 'streamed',
        Attributes: { k: 'v' },
      },
    });
    const participant = events.find((e) => e.type === 'com.twilio.conversations.participant.added');
    expect(participant.dataschema).toBe('https://events-schemas.twilio.com/Conversations.ParticipantAdded/2');
    expect(participant.data).toMatchObject({ ConversationSid: channel.sid, ParticipantSid: member.sid, Identity: 'eve' });
    // One event per request without batch_events; no webhook without the header.
    expect(hooks.every((h) => (h.json as unknown[]).length === 1)).toBe(true);
    expect(emu.stats().deliveries.chatService.attempted + emu.stats().deliveries.chatChannel.attempted).toBe(0);
  });

  it('retries a failed delivery with backoff until it is taken, the same event each time (at least once)', async () => {
    const sink = await webhookSink('/flaky');
    await client.events.v1.subscriptions.create({ description: 'users', sinkSid: sink.sid, types: [{ type: 'com.twilio.conversations.user.added' }] });
    receiver.answer('/flaky', 500, 503);
    const service = await chat().services.create({ friendlyName: 'flaky' });
    await chat().services(service.sid).users.create({ identity: 'fay' });
    const tries = await receiver.waitFor(3, { path: '/flaky' });
    expect(new Set(tries.map((t) => (t.json as any[])[0].id)).size).toBe(1);
    expect((tries[2]!.json as any[])[0]).toMatchObject({ type: 'com.twilio.conversations.user.added', data: { Identity: 'fay' } });
    await waitUntil(() => emu.stats().deliveries.eventStreams.succeeded === 1);
    expect(emu.stats().deliveries.eventStreams).toEqual({ attempted: 3, succeeded: 1, failed: 2, retried: 2, dropped: 0 });
  });

  it('sends the events of many writes to a batch_events sink, each request a JSON array', async () => {
    const sink = await webhookSink('/batched', true);
    await client.events.v1.subscriptions.create({ description: 'all users', sinkSid: sink.sid, types: [{ type: 'com.twilio.conversations.user.added' }] });
    const service = await chat().services.create({ friendlyName: 'batched' });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        chat()
          .services(service.sid)
          .users.create({ identity: `u${i}` }),
      ),
    );
    await waitUntil(() => receiver.to('/batched').flatMap((h) => h.json as unknown[]).length === 12);
    const hooks = receiver.to('/batched');
    expect(hooks.length).toBeLessThanOrEqual(12);
    for (const hook of hooks) expectSignedJson(hook);
  });
});

describe('Deliveries', () => {
  it('sends events waiting for the same batched sink in one request', async () => {
    const deliveries = new Deliveries(() => TOKEN);
    try {
      const spec = (n: number) => ({
        kind: 'eventStreams' as const,
        accountSid: DEMO_ACCOUNT.accountSid,
        url: receiver.url('/batch'),
        method: 'POST',
        events: [{ n }],
        batchKey: 'sink:1',
        retry: { kind: 'backoff' as const },
      });
      deliveries.enqueue(spec(1));
      deliveries.enqueue(spec(2));
      deliveries.enqueue(spec(3));
      const [hook] = await receiver.waitFor(1, { path: '/batch' });
      expect(hook!.json).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expectSignedJson(hook!);
    } finally {
      deliveries.close();
    }
  });
});

describe('scripted delivery failures and counters in the control API', () => {
  it('answers the next deliveries to a URL as scripted, and counts every kind', async () => {
    const service = await serviceWithWebhook(['onChannelAdded'], { retries: 1 });
    const url = receiver.url('/chat');
    const post = (body: unknown) => fetch(`${emu.url}/__emulator/webhook-faults`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ url, error: 'timeout' })).status).toBe(201);
    expect((await post({ url: '*', status: 418, error: 'timeout' })).status).toBe(400);
    expect((await post({ url, status: 99 })).status).toBe(400);
    expect(await (await fetch(`${emu.url}/__emulator/webhook-faults`)).json()).toEqual({ faults: [{ url, error: 'timeout', count: 1 }] });

    // The scripted timeout is the first try; the retry reaches the receiver.
    await chat()
      .services(service.sid)
      .channels.create({ friendlyName: 'scripted', ...ON });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.form.RetryCount).toBe('1');
    await waitUntil(() => emu.stats().deliveries.chatService.succeeded === 1);
    const stats = (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as any;
    expect(stats.deliveries).toEqual({
      chatService: { attempted: 2, succeeded: 1, failed: 1, retried: 1, dropped: 0 },
      chatChannel: { attempted: 0, succeeded: 0, failed: 0, retried: 0, dropped: 0 },
      eventStreams: { attempted: 0, succeeded: 0, failed: 0, retried: 0, dropped: 0 },
      pending: 0,
      inFlight: 0,
    });
    expect(JSON.stringify(stats)).not.toContain(TOKEN);

    expect((await post([{ url, status: 503, count: 2 }])).status).toBe(201);
    await chat()
      .services(service.sid)
      .channels.create({ friendlyName: 'never arrives', ...ON });
    await waitUntil(() => emu.stats().deliveries.chatService.failed === 3);
    expect(receiver.requests).toHaveLength(1);
    expect((await fetch(`${emu.url}/__emulator/webhook-faults`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${emu.url}/__emulator/webhook-faults`)).json()).toEqual({ faults: [] });
    expect((await fetch(`${emu.url}/__emulator/stats`, { method: 'DELETE' })).status).toBe(204);
    expect(emu.stats().deliveries.chatService).toEqual({ attempted: 0, succeeded: 0, failed: 0, retried: 0, dropped: 0 });
  });
});

describe('a slow or dead receiver', () => {
  let small: Emulator;
  afterEach(async () => {
    await small?.close();
  });

  it('never slows the write, holds at most the bound, drops and counts the rest, and stops on reset and close', async () => {
    small = await createEmulator({ port: 0, deliveries: { maxPending: 3, concurrency: 2, timeoutMs: 10_000 } });
    const smallClient = twilioClientFor(small.url);
    receiver.answerAlways('/dead', 'hang');
    const service = await smallClient.chat.v2.services.create({ friendlyName: 'dead end' });
    await smallClient.chat.v2.services(service.sid).update({ postWebhookUrl: receiver.url('/dead'), webhookFilters: ['onUserAdded'] });
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      await smallClient.chat.v2.services(service.sid).users.create({ identity: `slow${i}`, ...ON });
      // Each write answers at once, whatever its webhook does.
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    await receiver.waitFor(2, { path: '/dead' });
    const stats = small.stats().deliveries;
    expect(stats.pending).toBe(3);
    expect(stats.inFlight).toBe(2);
    expect(stats.chatService.dropped).toBe(7);
    expect(stats.chatService.attempted).toBe(2);

    // Reset cancels everything: the hung requests are closed, and nothing is left to send.
    small.reset('none');
    expect(small.stats().deliveries).toMatchObject({ pending: 0, inFlight: 0 });
    await waitUntil(() => receiver.abandoned === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.to('/dead')).toHaveLength(2);
  });

  it('gives up a request after the timeout, and close() cancels the retry timers', async () => {
    small = await createEmulator({ port: 0, deliveries: { timeoutMs: 100, backoffBaseMs: 60_000, backoffMaxMs: 60_000 } });
    const smallClient = twilioClientFor(small.url);
    receiver.answerAlways('/slow-sink', 'hang');
    const sink = await smallClient.events.v1.sinks.create({
      description: 'slow',
      sinkType: 'webhook',
      sinkConfiguration: { destination: receiver.url('/slow-sink'), method: 'POST', batch_events: false },
    });
    await smallClient.events.v1.sinks(sink.sid).sinkTest.create();
    await receiver.waitFor(1, { path: '/slow-sink' });
    await waitUntil(() => small.stats().deliveries.eventStreams.retried === 1);
    expect(small.stats().deliveries).toMatchObject({ eventStreams: { attempted: 1, failed: 1, retried: 1 }, pending: 1, inFlight: 0 });
    await small.close();
    expect(small.stats().deliveries).toMatchObject({ pending: 0, inFlight: 0 });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
