/**
 * Programmable Chat v2 in the emulator, over real HTTP: every operation and
 * the Twilio rules the spec cannot express.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { twilioFetch, type Form } from './helpers.ts';

let emu: Emulator;
let svc: string;
let base: string;

beforeAll(async () => {
  emu = await createEmulator({ port: 0 });
});
afterAll(() => emu?.close());
/** Operations answered with success anywhere in this file, checked at the end. */
const served = new Set<string>();
afterEach(() => {
  for (const op of Object.keys(emu.stats().operations)) served.add(op);
});
beforeEach(async () => {
  emu.reset('none');
  const res = await twilioFetch(emu, 'POST', '/v2/Services', { FriendlyName: 'Chat test' });
  svc = res.body.sid;
  base = `/v2/Services/${svc}`;
});

const post = (path: string, form: Form = {}, headers?: Record<string, string>) => twilioFetch(emu, 'POST', path, form, { headers });
const get = (path: string) => twilioFetch(emu, 'GET', path);
const del = (path: string) => twilioFetch(emu, 'DELETE', path);

describe('services and roles', () => {
  it('gives a new service four roles and points its defaults at them', async () => {
    const service = (await get(base)).body;
    const roles = (await get(`${base}/Roles`)).body.roles;
    expect(roles.map((r: any) => r.friendly_name).sort()).toEqual(['channel admin', 'channel user', 'service admin', 'service user']);
    const byName = Object.fromEntries(roles.map((r: any) => [r.friendly_name, r]));
    expect(service.default_service_role_sid).toBe(byName['service user'].sid);
    expect(service.default_channel_role_sid).toBe(byName['channel user'].sid);
    expect(service.default_channel_creator_role_sid).toBe(byName['channel admin'].sid);
    expect(byName['channel user'].type).toBe('channel');
    expect(byName['channel user'].permissions).toContain('sendMessage');
  });

  it('lists, updates and deletes services', async () => {
    expect((await get('/v2/Services')).body.services).toHaveLength(1);
    const updated = await post(base, { FriendlyName: 'Renamed', ReadStatusEnabled: false, WebhookMethod: 'GET', PreWebhookUrl: 'https://example.com/pre' });
    expect(updated.body).toMatchObject({
      friendly_name: 'Renamed',
      read_status_enabled: false,
      webhook_method: 'GET',
      pre_webhook_url: 'https://example.com/pre',
    });
    expect((await post(base, { PreWebhookUrl: 'not a url' })).status).toBe(400);
    expect((await del(base)).status).toBe(204);
    expect((await get(base)).status).toBe(404);
  });

  it('creates, updates and deletes roles, and protects the default ones', async () => {
    const role = await post(`${base}/Roles`, { FriendlyName: 'moderator', Type: 'channel', Permission: ['sendMessage', 'deleteAnyMessage'] });
    expect(role.status).toBe(201);
    expect(role.body.permissions).toEqual(['sendMessage', 'deleteAnyMessage']);
    expect((await get(`${base}/Roles/${role.body.sid}`)).body).toMatchObject({ friendly_name: 'moderator', type: 'channel' });
    const updated = await post(`${base}/Roles/${role.body.sid}`, { Permission: ['sendMessage'] });
    expect(updated.body.permissions).toEqual(['sendMessage']);
    expect((await post(`${base}/Roles/${role.body.sid}`, {})).body.message).toMatch(/Permission/);
    expect((await post(`${base}/Roles`, { FriendlyName: 'moderator', Type: 'channel', Permission: ['x'] })).status).toBe(409);
    expect((await del(`${base}/Roles/${role.body.sid}`)).status).toBe(204);
    const service = (await get(base)).body;
    const protectedDelete = await del(`${base}/Roles/${service.default_channel_role_sid}`);
    expect(protectedDelete.status).toBe(400);
  });
});

describe('channels, members and messages', () => {
  it('addresses a channel by SID or unique name, and refuses a duplicate unique name', async () => {
    const ch = (await post(`${base}/Channels`, { FriendlyName: 'General', UniqueName: 'general', Type: 'private', Attributes: '{"a":1}' })).body;
    expect(ch).toMatchObject({ type: 'private', attributes: '{"a":1}', created_by: 'system', members_count: 0, messages_count: 0 });
    expect((await get(`${base}/Channels/general`)).body.sid).toBe(ch.sid);
    expect((await get(`${base}/Channels/${ch.sid}`)).body.unique_name).toBe('general');
    const dup = await post(`${base}/Channels`, { UniqueName: 'general' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe(50307);
    const renamed = await post(`${base}/Channels/general`, { UniqueName: 'lobby' }, { 'X-Twilio-Webhook-Enabled': 'true' });
    expect(renamed.body.unique_name).toBe('lobby');
    expect((await get(`${base}/Channels/lobby`)).status).toBe(200);
    expect((await post(`${base}/Channels/lobby`, {}, { 'X-Twilio-Webhook-Enabled': 'maybe' })).status).toBe(400);
  });

  it('filters channels by type', async () => {
    await post(`${base}/Channels`, { UniqueName: 'pub' });
    await post(`${base}/Channels`, { UniqueName: 'priv', Type: 'private' });
    const priv = (await get(`${base}/Channels?Type=private`)).body.channels;
    expect(priv.map((c: any) => c.unique_name)).toEqual(['priv']);
    const both = (await get(`${base}/Channels?Type=private&Type=public`)).body.channels;
    expect(both).toHaveLength(2);
  });

  it('counts members and messages, creates users for new identities, and indexes messages per channel', async () => {
    await post(`${base}/Channels`, { UniqueName: 'general' });
    const alice = await post(`${base}/Channels/general/Members`, { Identity: 'alice' });
    expect(alice.status).toBe(201);
    const service = (await get(base)).body;
    expect(alice.body.role_sid).toBe(service.default_channel_role_sid);
    await post(`${base}/Channels/general/Members`, { Identity: 'bob' });
    expect((await post(`${base}/Channels/general/Members`, { Identity: 'bob' })).status).toBe(409);
    const user = (await get(`${base}/Users/alice`)).body;
    expect(user).toMatchObject({ identity: 'alice', joined_channels_count: 1, role_sid: service.default_service_role_sid });

    const m0 = (await post(`${base}/Channels/general/Messages`, { Body: 'hello', From: 'alice' })).body;
    const m1 = (await post(`${base}/Channels/general/Messages`, { Body: 'hi', From: 'bob' })).body;
    expect([m0.index, m1.index]).toEqual([0, 1]);
    expect(m0).toMatchObject({ from: 'alice', to: expect.stringMatching(/^CH/), was_edited: false, type: 'text' });
    await del(`${base}/Channels/general/Messages/${m1.sid}`);
    const m2 = (await post(`${base}/Channels/general/Messages`, { Body: 'again' })).body;
    expect(m2.index).toBe(2);
    expect(m2.from).toBe('system');
    const channel = (await get(`${base}/Channels/general`)).body;
    expect(channel).toMatchObject({ members_count: 2, messages_count: 2 });
    expect((await post(`${base}/Channels/general/Messages`, {})).status).toBe(400);
    // A refused message uses up no index.
    expect((await post(`${base}/Channels/general/Messages`, { Body: 'after' })).body.index).toBe(3);
  });

  it('fetches, updates and deletes members by SID or identity, and filters them by identity', async () => {
    await post(`${base}/Channels`, { UniqueName: 'c' });
    const a = (await post(`${base}/Channels/c/Members`, { Identity: 'a' })).body;
    await post(`${base}/Channels/c/Members`, { Identity: 'b' });
    await post(`${base}/Channels/c/Members`, { Identity: 'c' });
    expect((await get(`${base}/Channels/c/Members/a`)).body.sid).toBe(a.sid);
    const updated = await post(`${base}/Channels/c/Members/${a.sid}`, { LastConsumedMessageIndex: 4, Attributes: '{"x":1}' });
    expect(updated.body).toMatchObject({ last_consumed_message_index: 4, attributes: '{"x":1}' });
    const filtered = (await get(`${base}/Channels/c/Members?Identity=a&Identity=c`)).body.members;
    expect(filtered.map((m: any) => m.identity)).toEqual(['a', 'c']);
    expect((await del(`${base}/Channels/c/Members/b`)).status).toBe(204);
    expect((await get(`${base}/Channels/c`)).body.members_count).toBe(2);
    const role = await post(`${base}/Channels/c/Members/a`, { RoleSid: (await get(base)).body.default_service_role_sid });
    expect(role.status).toBe(400);
    expect(role.body.message).toMatch(/RoleSid.*deployment role/);
  });

  it('lists messages oldest or newest first, and marks edits', async () => {
    await post(`${base}/Channels`, { UniqueName: 'c' });
    for (const body of ['one', 'two', 'three']) await post(`${base}/Channels/c/Messages`, { Body: body });
    const asc = (await get(`${base}/Channels/c/Messages`)).body.messages.map((m: any) => m.body);
    const desc = (await get(`${base}/Channels/c/Messages?Order=desc`)).body.messages.map((m: any) => m.body);
    expect(asc).toEqual(['one', 'two', 'three']);
    expect(desc).toEqual(['three', 'two', 'one']);
    const first = (await get(`${base}/Channels/c/Messages?Order=desc&PageSize=1`)).body;
    expect(first.meta.next_page_url).toContain('Order=desc');
    const msg = (await get(`${base}/Channels/c/Messages?PageSize=1`)).body.messages[0];
    const edited = await post(`${base}/Channels/c/Messages/${msg.sid}`, { Body: 'uno', LastUpdatedBy: 'alice' });
    expect(edited.body).toMatchObject({ body: 'uno', was_edited: true, last_updated_by: 'alice', index: 0 });
    expect((await get(`${base}/Channels/c/Messages/${msg.sid}`)).body.body).toBe('uno');
    expect((await get(`${base}/Channels/c/Messages/IM${'0'.repeat(32)}`)).status).toBe(404);
  });

  it('deletes a channel with its members and messages', async () => {
    await post(`${base}/Channels`, { UniqueName: 'c' });
    await post(`${base}/Channels/c/Members`, { Identity: 'a' });
    await del(`${base}/Channels/c`);
    expect((await get(`${base}/Users/a`)).body.joined_channels_count).toBe(0);
    expect((await get(`${base}/Channels/c/Members`)).status).toBe(404);
  });
});

describe('invites and webhooks', () => {
  it('creates, lists by identity, fetches and deletes invites; joining uses the invite', async () => {
    await post(`${base}/Channels`, { UniqueName: 'c' });
    const inv = await post(`${base}/Channels/c/Invites`, { Identity: 'zed' });
    expect(inv.status).toBe(201);
    expect(inv.body.sid).toMatch(/^IN/);
    await post(`${base}/Channels/c/Invites`, { Identity: 'amy' });
    expect((await post(`${base}/Channels/c/Invites`, { Identity: 'amy' })).status).toBe(409);
    expect((await get(`${base}/Channels/c/Invites?Identity=zed`)).body.invites).toHaveLength(1);
    expect((await get(`${base}/Channels/c/Invites/${inv.body.sid}`)).body.identity).toBe('zed');
    await post(`${base}/Channels/c/Members`, { Identity: 'zed' });
    expect((await get(`${base}/Channels/c/Invites/${inv.body.sid}`)).status).toBe(404);
    const amy = (await get(`${base}/Channels/c/Invites?Identity=amy`)).body.invites[0];
    expect((await del(`${base}/Channels/c/Invites/${amy.sid}`)).status).toBe(204);
  });

  it('keeps webhook configuration from dotted parameters', async () => {
    await post(`${base}/Channels`, { UniqueName: 'c' });
    const hook = await post(`${base}/Channels/c/Webhooks`, {
      Type: 'webhook',
      'Configuration.Url': 'https://example.com/hook',
      'Configuration.Filters': ['onMessageSent', 'onMemberAdded'],
      'Configuration.RetryCount': 2,
    });
    expect(hook.status).toBe(201);
    expect(hook.body.configuration).toEqual({ url: 'https://example.com/hook', filters: ['onMessageSent', 'onMemberAdded'], retry_count: 2, method: 'POST' });
    const updated = await post(`${base}/Channels/c/Webhooks/${hook.body.sid}`, { 'Configuration.Method': 'GET' });
    expect(updated.body.configuration).toMatchObject({ url: 'https://example.com/hook', method: 'GET' });
    expect((await get(`${base}/Channels/c/Webhooks`)).body.webhooks).toHaveLength(1);
    expect((await get(`${base}/Channels/c/Webhooks/${hook.body.sid}`)).body.type).toBe('webhook');
    expect((await post(`${base}/Channels/c/Webhooks`, { Type: 'webhook' })).body.message).toMatch(/Configuration.Url/);
    expect((await del(`${base}/Channels/c/Webhooks/${hook.body.sid}`)).status).toBe(204);
  });
});

describe('users, user channels and bindings', () => {
  it('creates, fetches by identity, updates and deletes users', async () => {
    const u = await post(`${base}/Users`, { Identity: 'kim', FriendlyName: 'Kim', Attributes: '{"t":"x"}' }, { 'X-Twilio-Webhook-Enabled': 'false' });
    expect(u.status).toBe(201);
    expect(u.body).toMatchObject({ identity: 'kim', friendly_name: 'Kim', joined_channels_count: 0 });
    expect(u.body.links.user_channels).toBe(`${emu.url}${base}/Users/${u.body.sid}/Channels`);
    const dup = await post(`${base}/Users`, { Identity: 'kim' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe(50201);
    expect((await post(`${base}/Users/kim`, { FriendlyName: 'Kimberly' })).body.friendly_name).toBe('Kimberly');
    expect((await get(`${base}/Users`)).body.users).toHaveLength(1);
    await post(`${base}/Channels`, { UniqueName: 'c' });
    await post(`${base}/Channels/c/Members`, { Identity: 'kim' });
    expect((await del(`${base}/Users/kim`)).status).toBe(204);
    expect((await get(`${base}/Channels/c`)).body.members_count).toBe(0);
  });

  it("derives a user's channels from memberships, with unread counts and notification level", async () => {
    await post(`${base}/Channels`, { UniqueName: 'c1' });
    await post(`${base}/Channels`, { UniqueName: 'c2' });
    await post(`${base}/Channels/c1/Members`, { Identity: 'kim' });
    await post(`${base}/Channels/c2/Members`, { Identity: 'kim' });
    for (const b of ['a', 'b', 'c']) await post(`${base}/Channels/c1/Messages`, { Body: b });
    const list = (await get(`${base}/Users/kim/Channels`)).body;
    expect(list.meta.key).toBe('channels');
    expect(list.channels).toHaveLength(2);
    expect(list.channels[0]).toMatchObject({ status: 'joined', unread_messages_count: 3, notification_level: 'default' });
    const updated = await post(`${base}/Users/kim/Channels/c1`, { LastConsumedMessageIndex: 1, NotificationLevel: 'muted' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ last_consumed_message_index: 1, unread_messages_count: 1, notification_level: 'muted' });
    expect((await get(`${base}/Channels/c1/Members/kim`)).body.last_consumed_message_index).toBe(1);
    expect((await get(`${base}/Users/kim/Channels/c1`)).body.links.member).toContain('/Members/MB');
    expect((await del(`${base}/Users/kim/Channels/c2`)).status).toBe(204);
    expect((await get(`${base}/Users/kim`)).body.joined_channels_count).toBe(1);
    expect((await get(`${base}/Users/kim/Channels/c2`)).status).toBe(404);
  });

  it("keeps a user's joined_channels_count right after it leaves a channel through its user channels", async () => {
    await post(`${base}/Channels`, { UniqueName: 'c1' });
    await post(`${base}/Channels`, { UniqueName: 'c2' });
    await post(`${base}/Channels/c1/Members`, { Identity: 'kim' });
    await post(`${base}/Channels/c2/Members`, { Identity: 'kim' });
    expect((await get(`${base}/Users/kim`)).body.joined_channels_count).toBe(2);
    // No write in between: this count is the one kept since the tables last changed.
    expect((await get(`${base}/Users/kim`)).body.joined_channels_count).toBe(2);
    expect((await del(`${base}/Users/kim/Channels/c2`)).status).toBe(204);
    expect((await get(`${base}/Users/kim`)).body.joined_channels_count).toBe(1);
    expect((await get(`${base}/Channels/c2`)).body.members_count).toBe(0);
  });

  it('serves bindings and user bindings from the demo seed, with filters and delete', async () => {
    await using seeded = await createEmulator({ seed: 'demo' });
    const service = (await twilioFetch(seeded, 'GET', '/v2/Services')).body.services[0].sid;
    const all = (await twilioFetch(seeded, 'GET', `/v2/Services/${service}/Bindings`)).body.bindings;
    expect(all.length).toBeGreaterThan(0);
    const one = all[0];
    const byIdentity = (await twilioFetch(seeded, 'GET', `/v2/Services/${service}/Bindings?Identity=${one.identity}&BindingType=${one.binding_type}`)).body
      .bindings;
    expect(byIdentity.every((b: any) => b.identity === one.identity)).toBe(true);
    expect((await twilioFetch(seeded, 'GET', `/v2/Services/${service}/Bindings/${one.sid}`)).body.endpoint).toBe(one.endpoint);
    const userBindings = (await twilioFetch(seeded, 'GET', `/v2/Services/${service}/Users/${one.identity}/Bindings`)).body.bindings;
    expect(userBindings.map((b: any) => b.sid)).toContain(one.sid);
    expect(userBindings[0].user_sid).toMatch(/^US/);
    const fetched = await twilioFetch(seeded, 'GET', `/v2/Services/${service}/Users/${one.identity}/Bindings/${one.sid}`);
    expect(fetched.body.sid).toBe(one.sid);
    expect((await twilioFetch(seeded, 'DELETE', `/v2/Services/${service}/Users/${one.identity}/Bindings/${one.sid}`)).status).toBe(204);
    expect((await twilioFetch(seeded, 'GET', `/v2/Services/${service}/Bindings/${one.sid}`)).status).toBe(404);
    const other = all[1];
    expect((await twilioFetch(seeded, 'DELETE', `/v2/Services/${service}/Bindings/${other.sid}`)).status).toBe(204);
    for (const op of Object.keys(seeded.stats().operations)) served.add(op);
  });
});

describe('push credentials', () => {
  it('creates, lists, fetches, updates and deletes credentials without echoing secrets', async () => {
    const cred = await post('/v2/Credentials', { Type: 'fcm', FriendlyName: 'Android', Secret: 'top-secret-key' });
    expect(cred.status).toBe(201);
    expect(cred.body.sid).toMatch(/^CR/);
    expect(JSON.stringify(cred.body)).not.toContain('top-secret-key');
    expect((await post('/v2/Credentials', { Type: 'apn' })).body.message).toMatch(/Certificate/);
    expect((await post('/v2/Credentials', { Type: 'sms' })).status).toBe(400);
    expect((await post(`/v2/Credentials/${cred.body.sid}`, { FriendlyName: 'Droid' })).body.friendly_name).toBe('Droid');
    expect((await get('/v2/Credentials')).body.credentials).toHaveLength(1);
    expect((await get(`/v2/Credentials/${cred.body.sid}`)).body.type).toBe('fcm');
    expect((await del(`/v2/Credentials/${cred.body.sid}`)).status).toBe(204);
  });
});

describe('coverage', () => {
  it('called every Chat operation of the spec', () => {
    const chatOps = emu.engine.model.operations.filter((o) => o.product === 'chat').map((o) => o.id);
    expect(chatOps).toHaveLength(54);
    expect(chatOps.filter((id) => !served.has(id))).toEqual([]);
  });
});
