/**
 * Twilio's limits in the emulator, through the official `twilio` library: the
 * REST requests an account may have in flight, Chat's writes per second per
 * channel and per service, and Chat's quotas and sizes. Each refusal is
 * checked as the library surfaces it (RestException: status, code, link) and
 * for what it left behind: nothing. Time moves by the emulator's clock, never
 * by sleeping.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { expectRestException, twilioClientFor } from '../support/twilio-library.ts';

const OTHER = { accountSid: 'AC00000000000000000000000000000002', authToken: 'other-token' };

let emu: Emulator;
let client: twilio.Twilio;
const chat = () => client.chat.v2;

beforeAll(async () => {
  emu = await createEmulator({
    port: 0,
    accounts: [{ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken }, OTHER],
    // Frozen: a rate window moves only when a test moves the clock.
    clock: { frozen: true },
  });
  client = twilioClientFor(emu.url);
});
afterAll(() => emu?.close());
beforeEach(() => {
  emu.reset('none');
  emu.limits.restore();
  emu.setLatency(0);
  emu.resetStats();
});

const control = async (path: string, init?: RequestInit) => (await fetch(`${emu.url}/__emulator/${path}`, init)).json() as Promise<any>;

/** Waits (in real time: the requests are really in flight) until the account has `n` requests in flight. */
async function inFlight(n: number, account = DEMO_ACCOUNT.accountSid): Promise<void> {
  const until = Date.now() + 5_000;
  while ((await control('limits')).inFlight[account] !== n) {
    if (Date.now() > until) throw new Error(`never ${n} requests in flight`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** An engine call, as the demo seed makes them: no HTTP, no request limit. */
const seed = (op: string, path: Record<string, string>, params: Record<string, string | number> = {}) =>
  (emu.engine.call(DEMO_ACCOUNT.accountSid, op, path, params).body as { sid: string }).sid;

/** A JSON object string of exactly `bytes` bytes. */
const attributesOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });

describe('REST requests in flight per account', () => {
  it('refuses the request past 100 in flight with 429 / 20429, without processing it', async () => {
    emu.setLatency(600);
    const reads = Array.from({ length: 100 }, () => chat().services.list());
    await inFlight(100);
    const [error, raw, other] = await Promise.all([
      expectRestException(chat().services.create({ friendlyName: 'one too many' }), 429, 20429),
      fetch(`${emu.url}/v2/Services`, {
        headers: { authorization: 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64') },
      }),
      // The limit is per account: another account's request is served.
      twilioClientFor(emu.url, OTHER).chat.v2.services.list(),
    ]);
    expect(error.message).toMatch(/Too Many Requests/);
    expect(raw.status).toBe(429);
    // Twilio documents no Retry-After for 20429: back off and retry.
    expect(raw.headers.get('retry-after')).toBeNull();
    expect(other).toEqual([]);
    expect(await Promise.all(reads)).toHaveLength(100);
    emu.setLatency(0);
    expect(await chat().services.list()).toEqual([]);
    expect(await control('limits')).toMatchObject({ concurrentRequests: 100, inFlight: {}, refused: { 20429: 2 } });
    expect(emu.stats().peakInFlight[DEMO_ACCOUNT.accountSid]).toBe(100);
  });

  it('is set, switched off and restored through the control API', async () => {
    const put = (body: unknown) => control('limits', { method: 'PUT', body: JSON.stringify(body) });
    expect(await put({ concurrentRequests: 2 })).toMatchObject({ enabled: true, concurrentRequests: 2, chatChannelActionsPerSecond: 30 });
    emu.setLatency(300);
    const two = [chat().services.list(), chat().services.list()];
    await inFlight(2);
    await expectRestException(chat().services.list(), 429, 20429);
    await Promise.all(two);

    expect(await put({ enabled: false })).toMatchObject({ enabled: false, concurrentRequests: 2 });
    emu.setLatency(50);
    await Promise.all(Array.from({ length: 5 }, () => chat().services.list()));
    emu.setLatency(0);

    const bad = await fetch(`${emu.url}/__emulator/limits`, { method: 'PUT', body: JSON.stringify({ concurrentRequests: -1 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: expect.stringContaining('concurrentRequests') });
    expect(await control('limits', { method: 'DELETE' })).toMatchObject({
      enabled: true,
      concurrentRequests: 100,
      chatChannelActionsPerSecond: 30,
      chatServiceActionsPerSecond: 30,
      chatWindowSeconds: 5,
      proxyReadsPerSecond: 30,
      proxyWindowSeconds: 5,
    });
  });

  it('is off for an emulator made with limits: false', async () => {
    await using open = await createEmulator({ port: 0, limits: false });
    expect(open.limits.settings.enabled).toBe(false);
    await using tight = await createEmulator({ port: 0, limits: { concurrentRequests: 1 } });
    expect(tight.limits.settings).toMatchObject({ enabled: true, concurrentRequests: 1, chatChannelActionsPerSecond: 30 });
  });
});

describe('Chat writes per second', () => {
  it('per channel: a burst of 150 passes, the next write is 429 / 50063 and not applied, until the 5 s window moves on', async () => {
    const service = await chat().services.create({ friendlyName: 'busy' });
    const general = chat().services(service.sid).channels;
    await general.create({ uniqueName: 'general' });
    await general.create({ uniqueName: 'random' });
    const messages = general('general').messages;
    for (let i = 0; i < 150; i++) await messages.create({ body: `message ${i}` });

    await expectRestException(messages.create({ body: 'one too many' }), 429, 50063);
    // Every write to the channel shares its window: its update and its members' writes too.
    await expectRestException(general('general').update({ friendlyName: 'renamed' }), 429, 50063);
    await expectRestException(general('general').members.create({ identity: 'alice' }), 429, 50063);
    // Reads are not limited; another channel has a window of its own.
    for (let i = 0; i < 5; i++) expect(await messages.list({ limit: 1 })).toHaveLength(1);
    await general('random').messages.create({ body: 'elsewhere' });

    const channel = await general('general').fetch();
    expect({ messages: channel.messagesCount, members: channel.membersCount, name: channel.friendlyName }).toEqual({ messages: 150, members: 0, name: null });
    expect(await chat().services(service.sid).users.list()).toEqual([]);

    emu.clock.advance(5_000);
    const next = await messages.create({ body: 'later' });
    expect(next.index).toBe(150);
    expect(emu.limits.refused).toEqual({ 50063: 3 });
  });

  it('per service: channel, user and role writes share one window, 429 / 50074', async () => {
    const service = await chat().services.create({ friendlyName: 'growing' });
    const svc = chat().services(service.sid);
    const roles = (await svc.roles.list()).length;
    for (let i = 0; i < 100; i++) await svc.channels.create({ uniqueName: `c${i}` });
    for (let i = 0; i < 50; i++) await svc.users.create({ identity: `user${i}` });

    await expectRestException(svc.roles.create({ friendlyName: 'late', type: 'channel', permission: ['sendMessage'] }), 429, 50074);
    await expectRestException(svc.channels.create({ uniqueName: 'late' }), 429, 50074);
    await expectRestException(svc.users('user0').remove(), 429, 50074);
    expect((await svc.roles.list()).length).toBe(roles);
    expect(await svc.channels.list()).toHaveLength(100);
    expect(await svc.users.list()).toHaveLength(50);
    // A channel's own writes count against the channel, not the service.
    await svc.channels('c1').messages.create({ body: 'hello' });

    emu.clock.advance(5_000);
    await svc.roles.create({ friendlyName: 'late', type: 'channel', permission: ['sendMessage'] });
    expect(emu.limits.refused).toEqual({ 50074: 3 });
  });

  it('averages 30 a second: a steady writer is never refused', async () => {
    const service = await chat().services.create({ friendlyName: 'steady' });
    const messages = chat().services(service.sid).channels;
    await messages.create({ uniqueName: 'c' });
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < 30; i++) await messages('c').messages.create({ body: `${second}.${i}` });
      emu.clock.advance(1_000);
    }
    expect(emu.limits.refused).toEqual({});
  });

  it('counts only requests over HTTP: data made in-process, as the demo seed makes it, is not limited', async () => {
    const service = seed('chat.CreateService', {}, { FriendlyName: 'seeded' });
    const channel = seed('chat.CreateChannel', { ServiceSid: service }, { UniqueName: 'c' });
    for (let i = 0; i < 300; i++) seed('chat.CreateMessage', { ServiceSid: service, ChannelSid: channel }, { Body: `m${i}` });
    for (let i = 0; i < 200; i++) seed('chat.CreateUser', { ServiceSid: service }, { Identity: `u${i}` });
    await chat().services(service).channels('c').messages.create({ body: 'over HTTP' });
    await chat().services(service).users.create({ identity: 'over-http' });
    expect(emu.limits.refused).toEqual({});
  });

  it('are set through the control API like the concurrency limit', async () => {
    const service = await chat().services.create({ friendlyName: 'tight' });
    const channels = chat().services(service.sid).channels;
    await channels.create({ uniqueName: 'c' });
    await control('limits', { method: 'PATCH', body: JSON.stringify({ chatChannelActionsPerSecond: 1, chatWindowSeconds: 1 }) });
    await channels('c').messages.create({ body: 'one' });
    await expectRestException(channels('c').messages.create({ body: 'two' }), 429, 50063);
    emu.clock.advance(1_000);
    await channels('c').messages.create({ body: 'two' });
    await control('limits', { method: 'PATCH', body: JSON.stringify({ chatChannelActionsPerSecond: null }) });
    for (let i = 0; i < 5; i++) await channels('c').messages.create({ body: `more ${i}` });
    expect((await channels('c').fetch()).messagesCount).toBe(7);
  });
});

describe('Proxy reads per second', () => {
  const proxy = () => client.proxy.v1;

  it('per endpoint of a service: a burst of 150 passes, the next read is 429 / 80621, until the 5 s window moves on', async () => {
    const service = await proxy().services.create({ uniqueName: 'busy' });
    const other = await proxy().services.create({ uniqueName: 'quiet' });
    const session = await proxy().services(service.sid).sessions.create({ uniqueName: 'case-1' });
    for (let i = 0; i < 150; i++) await proxy().services(service.sid).sessions.page({ pageSize: 1 });

    await expectRestException(proxy().services(service.sid).sessions.page({ pageSize: 1 }), 429, 80621);
    // Each endpoint of each service has its own window: one session, the other service's list, and writes pass.
    expect((await proxy().services(service.sid).sessions(session.sid).fetch()).uniqueName).toBe('case-1');
    expect(await proxy().services(other.sid).sessions.list()).toEqual([]);
    await proxy().services(service.sid).sessions.create({ uniqueName: 'case-2' });
    // Phone numbers are not rate limited.
    for (let i = 0; i < 160; i++) await proxy().services(service.sid).phoneNumbers.page({ pageSize: 1 });

    emu.clock.advance(5_000);
    expect(await proxy().services(service.sid).sessions.list()).toHaveLength(2);
    expect(emu.limits.refused).toEqual({ 80621: 1 });
  });

  it('counts the Services list per account, and can be switched off', async () => {
    for (let i = 0; i < 150; i++) await proxy().services.page({ pageSize: 1 });
    await expectRestException(proxy().services.page({ pageSize: 1 }), 429, 80621);
    await control('limits', { method: 'PATCH', body: JSON.stringify({ proxyReadsPerSecond: null }) });
    for (let i = 0; i < 10; i++) await proxy().services.page({ pageSize: 1 });
    expect(emu.limits.refused).toEqual({ 80621: 1 });
  });
});

describe('Chat quotas and sizes', () => {
  it('members per channel: 100 by default; the 101st is 403 / 50403 and leaves no member and no user behind', async () => {
    const service = seed('chat.CreateService', {}, { FriendlyName: 'full' });
    const channel = seed('chat.CreateChannel', { ServiceSid: service }, { UniqueName: 'full' });
    for (let i = 0; i < 100; i++) seed('chat.CreateMember', { ServiceSid: service, ChannelSid: channel }, { Identity: `m${i}` });
    const svc = chat().services(service);

    const error = await expectRestException(svc.channels('full').members.create({ identity: 'late' }), 403, 50403);
    expect(error.message).toMatch(/member limit/i);
    expect((await svc.channels('full').fetch()).membersCount).toBe(100);
    await expectRestException(svc.users('late').fetch(), 404, 20404);

    const raised = await svc.update({ 'limits.channelMembers': 101 });
    expect(raised.limits).toEqual({ channel_members: 101, user_channels: 250 });
    await svc.channels('full').members.create({ identity: 'late' });
  });

  it('Limits.ChannelMembers and Limits.UserChannels take 1 to 1,000 (400 / 50061, 50060)', async () => {
    const service = await chat().services.create({ friendlyName: 'limits' });
    const svc = chat().services(service.sid);
    await expectRestException(svc.update({ 'limits.channelMembers': 1001 }), 400, 50061);
    await expectRestException(svc.update({ 'limits.channelMembers': 0 }), 400, 50061);
    await expectRestException(svc.update({ 'limits.userChannels': 1001, friendlyName: 'renamed' }), 400, 50060);
    expect(await svc.fetch()).toMatchObject({ friendlyName: 'limits', limits: { channel_members: 100, user_channels: 250 } });
    expect((await svc.update({ 'limits.channelMembers': 1000, 'limits.userChannels': 1000 })).limits).toEqual({ channel_members: 1000, user_channels: 1000 });
  });

  it('channels per user: 250 by default; joining one more is 403 / 50208 and changes nothing', async () => {
    const service = seed('chat.CreateService', {}, { FriendlyName: 'busy user' });
    for (let i = 0; i < 251; i++) {
      const channel = seed('chat.CreateChannel', { ServiceSid: service }, { UniqueName: `c${i}` });
      if (i < 250) seed('chat.CreateMember', { ServiceSid: service, ChannelSid: channel }, { Identity: 'alice' });
    }
    const svc = chat().services(service);
    await expectRestException(svc.channels('c250').members.create({ identity: 'alice' }), 403, 50208);
    expect((await svc.channels('c250').fetch()).membersCount).toBe(0);
    expect((await svc.users('alice').fetch()).joinedChannelsCount).toBe(250);

    // Limits.UserChannels changes it.
    await svc.update({ 'limits.userChannels': 2 });
    await svc.channels('c250').members.create({ identity: 'bob' });
    await svc.channels('c249').members.create({ identity: 'bob' });
    await expectRestException(svc.channels('c248').members.create({ identity: 'bob' }), 403, 50208);
    expect(await svc.users('bob').userChannels.list()).toHaveLength(2);
  });

  it('a message body of up to 32 KiB; a longer one is 400 / 50504, sends nothing and takes no index', async () => {
    const service = await chat().services.create({ friendlyName: 'long' });
    const messages = chat().services(service.sid).channels;
    await messages.create({ uniqueName: 'c' });
    const first = await messages('c').messages.create({ body: 'x'.repeat(32 * 1024) });
    await expectRestException(messages('c').messages.create({ body: 'x'.repeat(32 * 1024 + 1) }), 400, 50504);
    // Bytes, not characters: 16,385 two-byte characters are over.
    await expectRestException(messages('c').messages.create({ body: 'é'.repeat(16 * 1024 + 1) }), 400, 50504);
    await expectRestException(
      messages('c')
        .messages(first.sid)
        .update({ body: 'y'.repeat(32 * 1024 + 1) }),
      400,
      50504,
    );
    expect((await messages('c').messages(first.sid).fetch()).body).toBe('x'.repeat(32 * 1024));
    expect((await messages('c').messages.create({ body: 'short' })).index).toBe(first.index + 1);
    expect((await messages('c').fetch()).messagesCount).toBe(2);
  });

  it('attributes of up to 16 KB on channels and users, 4 KB on members and messages; more is 400 / 50303 and changes nothing', async () => {
    const service = await chat().services.create({ friendlyName: 'attributes' });
    const svc = chat().services(service.sid);
    const KB = 1024;

    await svc.channels.create({ uniqueName: 'c', attributes: attributesOf(16 * KB) });
    await expectRestException(svc.channels.create({ uniqueName: 'd', attributes: attributesOf(16 * KB + 1) }), 400, 50303);
    await expectRestException(svc.channels('c').update({ attributes: attributesOf(16 * KB + 1) }), 400, 50303);
    expect(await svc.channels.list()).toHaveLength(1);
    expect((await svc.channels('c').fetch()).attributes).toBe(attributesOf(16 * KB));

    await svc.users.create({ identity: 'alice', attributes: attributesOf(16 * KB) });
    await expectRestException(svc.users.create({ identity: 'bob', attributes: attributesOf(16 * KB + 1) }), 400, 50303);
    await expectRestException(svc.users('alice').update({ attributes: attributesOf(16 * KB + 1) }), 400, 50303);
    expect((await svc.users.list()).map((u) => u.identity)).toEqual(['alice']);

    await svc.channels('c').members.create({ identity: 'alice', attributes: attributesOf(4 * KB) });
    await expectRestException(svc.channels('c').members.create({ identity: 'carol', attributes: attributesOf(4 * KB + 1) }), 400, 50303);
    await expectRestException(
      svc
        .channels('c')
        .members('alice')
        .update({ attributes: attributesOf(4 * KB + 1) }),
      400,
      50303,
    );
    expect((await svc.channels('c').members.list()).map((m) => m.identity)).toEqual(['alice']);
    await expectRestException(svc.users('carol').fetch(), 404, 20404);

    const message = await svc.channels('c').messages.create({ body: 'hi', attributes: attributesOf(4 * KB) });
    await expectRestException(svc.channels('c').messages.create({ body: 'hi', attributes: attributesOf(4 * KB + 1) }), 400, 50303);
    await expectRestException(
      svc
        .channels('c')
        .messages(message.sid)
        .update({ attributes: attributesOf(4 * KB + 1) }),
      400,
      50303,
    );
    expect((await svc.channels('c').messages.list()).map((m) => m.attributes)).toEqual([attributesOf(4 * KB)]);
  });

  it('five webhooks per channel; the sixth is 403 / 50321 and is not created', async () => {
    const service = await chat().services.create({ friendlyName: 'hooks' });
    const channels = chat().services(service.sid).channels;
    await channels.create({ uniqueName: 'c' });
    const hook = (i: number) => ({ type: 'webhook' as const, 'configuration.url': `https://example.com/${i}` });
    for (let i = 0; i < 5; i++) await channels('c').webhooks.create(hook(i));
    await expectRestException(channels('c').webhooks.create(hook(5)), 403, 50321);
    const hooks = await channels('c').webhooks.list();
    expect(hooks).toHaveLength(5);
    await channels('c').webhooks(hooks[0]!.sid).remove();
    await channels('c').webhooks.create(hook(5));
  });
});
