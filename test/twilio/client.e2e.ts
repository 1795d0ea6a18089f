/**
 * The REST client against the emulator over real sockets: every product,
 * both credential kinds, paging, Twilio's errors, and injected faults.
 * Each test states how many REST calls the emulator should have seen.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import * as accounts from '../../src/twilio/accounts.ts';
import * as chat from '../../src/twilio/chat.ts';
import { TwilioTransport, type RetryEvent, type TwilioClient } from '../../src/twilio/client.ts';
import { TwilioApiError, TwilioTransportError } from '../../src/twilio/errors.ts';
import * as events from '../../src/twilio/events.ts';
import { iterateItems, iteratePages } from '../../src/twilio/paging.ts';
import * as proxy from '../../src/twilio/proxy.ts';

describe('REST client against the emulator', () => {
  let emu: Emulator;
  let transport: TwilioTransport;
  let client: TwilioClient;
  const retries: RetryEvent[] = [];
  let serviceSid: string;

  beforeAll(async () => {
    emu = await createEmulator({ port: 0, seed: 'none' });
    transport = new TwilioTransport({
      env: {},
      baseUrl: emu.url,
      keepAliveTimeoutMs: 10,
      timeoutMs: 2_000,
      retry: { baseDelayMs: 1, maxDelayMs: 2_000 },
      onRetry: (event) => retries.push(event),
    });
    client = transport.client({ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken });
    serviceSid = (await chat.createService(client, { body: { FriendlyName: 'e2e' } })).sid!;
  });

  afterAll(async () => {
    await transport?.close();
    await emu?.close();
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.resetStats();
    retries.length = 0;
  });

  it('reaches all four products from one origin', async () => {
    const chatService = await chat.fetchService(client, { path: { Sid: serviceSid } });
    expect(chatService).toMatchObject({ sid: serviceSid, friendly_name: 'e2e', account_sid: DEMO_ACCOUNT.accountSid });

    const proxyService = await proxy.createService(client, { body: { UniqueName: 'e2e-proxy', DefaultTtl: 60 } });
    expect(proxyService.sid).toMatch(/^KS[0-9a-f]{32}$/);
    expect(proxyService.default_ttl).toBe(60);

    const sink = await events.createSink(client, {
      body: {
        Description: 'e2e sink',
        SinkType: 'webhook',
        SinkConfiguration: { destination: 'https://example.com/hook', method: 'POST', batch_events: false },
      },
    });
    expect(sink).toMatchObject({ description: 'e2e sink', sink_type: 'webhook' });
    expect(sink.sink_configuration).toMatchObject({ destination: 'https://example.com/hook' });

    const aws = await accounts.createCredentialAws(client, {
      body: { Credentials: 'AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', FriendlyName: 'e2e aws' },
    });
    await expect(accounts.fetchCredentialAws(client, { path: { Sid: aws.sid! } })).resolves.toMatchObject({ friendly_name: 'e2e aws' });
    await accounts.deleteCredentialAws(client, { path: { Sid: aws.sid! } });

    expect(emu.stats().operations).toEqual({
      'chat.FetchService': 1,
      'proxy.CreateService': 1,
      'events.CreateSink': 1,
      'accounts.CreateCredentialAws': 1,
      'accounts.FetchCredentialAws': 1,
      'accounts.DeleteCredentialAws': 1,
    });
  });

  it('authenticates with an API key and secret', async () => {
    const keyClient = transport.client({
      accountSid: DEMO_ACCOUNT.accountSid,
      apiKey: DEMO_ACCOUNT.apiKey,
      apiSecret: DEMO_ACCOUNT.apiSecret,
    });
    await expect(chat.fetchService(keyClient, { path: { Sid: serviceSid } })).resolves.toMatchObject({ sid: serviceSid });
    expect(emu.stats().total).toBe(1);
  });

  it('addresses a channel by a unique name with "/" and spaces', async () => {
    const uniqueName = 'team/general chat';
    const created = await chat.createChannel(client, {
      path: { ServiceSid: serviceSid },
      body: { UniqueName: uniqueName, FriendlyName: 'General', Type: 'private' },
      headers: { 'X-Twilio-Webhook-Enabled': 'false' },
    });
    const fetched = await chat.fetchChannel(client, { path: { ServiceSid: serviceSid, Sid: uniqueName } });
    expect(fetched).toMatchObject({ sid: created.sid, unique_name: uniqueName, type: 'private' });
    expect(emu.stats().operations).toEqual({ 'chat.CreateChannel': 1, 'chat.FetchChannel': 1 });
  });

  it('sends dotted form names, booleans and arrays as Twilio reads them', async () => {
    const updated = await chat.updateService(client, {
      path: { Sid: serviceSid },
      body: {
        'Notifications.NewMessage.Enabled': true,
        'Notifications.NewMessage.Template': 'New: ${MESSAGE}',
        ReadStatusEnabled: false,
        WebhookFilters: ['onMessageSent', 'onChannelAdded'],
      },
    });
    expect(updated.notifications).toMatchObject({ new_message: { enabled: true, template: 'New: ${MESSAGE}' } });
    expect(updated.read_status_enabled).toBe(false);
    expect(updated.webhook_filters).toEqual(['onMessageSent', 'onChannelAdded']);
  });

  it('pages across several pages, following next_page_url on the emulator', async () => {
    const listService = (await chat.createService(client, { body: { FriendlyName: 'paging' } })).sid!;
    for (let i = 0; i < 5; i++) {
      await chat.createUser(client, { path: { ServiceSid: listService }, body: { Identity: `user-${i}` } });
    }
    emu.resetStats();
    const identities: string[] = [];
    const firstPage = { path: { ServiceSid: listService }, query: { PageSize: 2 } };
    for await (const user of iterateItems(client, chat.chatOperations.ListUser, firstPage)) {
      identities.push(user.identity!);
    }
    expect(identities).toEqual(['user-0', 'user-1', 'user-2', 'user-3', 'user-4']);
    // Three pages: 2 + 2 + 1.
    expect(emu.stats().operations).toEqual({ 'chat.ListUser': 3 });

    const pages = [];
    const biggerPages = { path: { ServiceSid: listService }, query: { PageSize: 4 } };
    for await (const page of iteratePages(client, chat.chatOperations.ListUser, biggerPages)) {
      pages.push(page.items.length);
      expect(page.meta.key).toBe('users');
    }
    expect(pages).toEqual([4, 1]);
  });

  it("turns Twilio's 404 into TwilioApiError", async () => {
    const error = await chat.fetchChannel(client, { path: { ServiceSid: serviceSid, Sid: 'CH00000000000000000000000000000000' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 404, code: 20404, moreInfo: 'https://www.twilio.com/docs/errors/20404', attempts: 1 });
    expect(emu.stats().total).toBe(1);
  });

  it('reports bad credentials as 401 with code 20003, without the secret', async () => {
    const wrong = transport.client({ accountSid: DEMO_ACCOUNT.accountSid, authToken: 'wrong-token-value' });
    const error = (await chat.fetchService(wrong, { path: { Sid: serviceSid } }).catch((e: unknown) => e)) as TwilioApiError;
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 401, code: 20003 });
    expect(JSON.stringify(error) + error.message + error.stack).not.toContain('wrong-token-value');
  });

  describe('faults', () => {
    it('retries a read through 503 twice, then succeeds', async () => {
      emu.injectFault({ operation: 'chat.FetchService', status: 503, count: 2 });
      await expect(chat.fetchService(client, { path: { Sid: serviceSid } })).resolves.toMatchObject({ sid: serviceSid });
      expect(emu.stats().operations).toEqual({ 'chat.FetchService': 3 });
      expect(retries.map((r) => r.reason)).toEqual(['status 503', 'status 503']);
    });

    it('retries a read through 503 and then 429 with Retry-After', async () => {
      emu.injectFault({ operation: 'chat.FetchService', status: 503, count: 1 });
      emu.injectFault({ operation: 'chat.FetchService', status: 429, count: 1, retryAfter: 1 });
      await expect(chat.fetchService(client, { path: { Sid: serviceSid } })).resolves.toMatchObject({ sid: serviceSid });
      expect(emu.stats().operations).toEqual({ 'chat.FetchService': 3 });
      expect(retries.map((r) => [r.reason, r.reason === 'status 429' ? r.delayMs : 'jitter'])).toEqual([
        ['status 503', 'jitter'],
        ['status 429', 1000],
      ]);
    });

    it('retries a create rejected with 429, creating it once', async () => {
      emu.injectFault({ operation: 'chat.CreateRole', status: 429, count: 1 });
      const role = await chat.createRole(client, {
        path: { ServiceSid: serviceSid },
        body: { FriendlyName: 'e2e-role', Type: 'channel', Permission: ['sendMessage', 'leaveChannel'] },
      });
      expect(role.permissions).toEqual(['sendMessage', 'leaveChannel']);
      expect(emu.stats().operations).toEqual({ 'chat.CreateRole': 2 });
      const roles = await chat.listRoles(client, { path: { ServiceSid: serviceSid } });
      expect(roles.items.filter((r) => r.friendly_name === 'e2e-role')).toHaveLength(1);
    });

    it('does not retry a create that answered 503', async () => {
      emu.injectFault({ operation: 'chat.CreateUser', status: 503, count: 1 });
      const error = await chat.createUser(client, { path: { ServiceSid: serviceSid }, body: { Identity: 'not-retried' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwilioApiError);
      expect(error).toMatchObject({ status: 503, code: 20503, attempts: 1 });
      expect(emu.stats().operations).toEqual({ 'chat.CreateUser': 1 });
    });

    it('does not retry a delete that answered 500', async () => {
      const user = await chat.createUser(client, { path: { ServiceSid: serviceSid }, body: { Identity: 'to-delete' } });
      emu.resetStats();
      emu.injectFault({ operation: 'chat.DeleteUser', status: 500, count: 1 });
      await expect(chat.deleteUser(client, { path: { ServiceSid: serviceSid, Sid: user.sid! } })).rejects.toMatchObject({
        status: 500,
        attempts: 1,
      });
      expect(emu.stats().operations).toEqual({ 'chat.DeleteUser': 1 });
    });

    it('times out a stalled read and retries it; a stalled write is not repeated', async () => {
      const quick = new TwilioTransport({
        env: {},
        baseUrl: emu.url,
        keepAliveTimeoutMs: 10,
        timeoutMs: 100,
        retry: { maxRetries: 1, baseDelayMs: 1 },
      });
      try {
        const impatient = quick.client({ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken });
        emu.injectFault({ operation: 'chat.FetchService', stallMs: 300, count: 5 });
        const read = await chat.fetchService(impatient, { path: { Sid: serviceSid } }).catch((e: unknown) => e);
        expect(read).toBeInstanceOf(TwilioTransportError);
        expect(read).toMatchObject({ kind: 'timeout', attempts: 2, operation: 'chat.FetchService' });

        emu.injectFault({ operation: 'chat.CreateChannel', stallMs: 300, count: 5 });
        const write = await chat.createChannel(impatient, { path: { ServiceSid: serviceSid }, body: { FriendlyName: 'stalled' } }).catch((e: unknown) => e);
        expect(write).toMatchObject({ kind: 'timeout', attempts: 1 });
        expect(emu.stats().operations).toEqual({ 'chat.FetchService': 2, 'chat.CreateChannel': 1 });
      } finally {
        await quick.close();
      }
    });
  });
});
