/**
 * The official `twilio` helper library against the emulator: create, fetch,
 * update, remove, every way of paging (`list`, `each`, `page` → `nextPage` →
 * `previousPage`), fetching by unique name or identity, and RestException on
 * errors, for Chat v2, Proxy v1, Events v1 and Accounts v1.
 */
import { generateKeyPair } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { sinkTestIds } from '../../src/emulator/rules/events.ts';
import { EmulatorRequestClient, expectRestException, restException, twilioClientFor } from '../support/twilio-library.ts';

// ---- helpers -------------------------------------------------------------------------------

interface PageLike<T> {
  instances: T[];
  nextPage(): Promise<PageLike<T>> | undefined;
  previousPage(): Promise<PageLike<T>> | undefined;
}

/** What every list resource of the library offers. */
interface Lister<T> {
  list(params: { pageSize?: number; limit?: number }): Promise<T[]>;
  each(params: { pageSize?: number; limit?: number; callback?: (item: T, done: (err?: Error) => void) => void; done?: Function }): void;
  page(params: { pageSize?: number }): Promise<PageLike<T>>;
}

/** Collects what `each` visits, resolving when the library calls `done`. */
function eachOf<T>(lister: Lister<T>, params: { pageSize?: number; limit?: number }): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const seen: T[] = [];
    lister.each({ ...params, callback: (item) => void seen.push(item), done: (err?: Error) => (err ? reject(err) : resolve(seen)) });
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Reads a collection every way the library can (`list` with and without a
 * limit, `each`, and `page` walked forwards to the end and back to the start)
 * and checks that each way sees exactly `expected`, in order.
 */
async function expectPaging<T>(lister: Lister<T>, key: (item: T) => string, expected: string[], pageSize = 3): Promise<void> {
  expect(expected.length).toBeGreaterThan(2 * pageSize);
  expect((await lister.list({ pageSize })).map(key)).toEqual(expected);
  expect((await lister.list({ pageSize, limit: 5 })).map(key)).toEqual(expected.slice(0, 5));
  expect((await eachOf(lister, { pageSize })).map(key)).toEqual(expected);
  expect((await eachOf(lister, { pageSize, limit: pageSize + 1 })).map(key)).toEqual(expected.slice(0, pageSize + 1));

  const pages: PageLike<T>[] = [await lister.page({ pageSize })];
  for (let next = pages[0]!.nextPage(); next; next = pages[pages.length - 1]!.nextPage()) pages.push(await next);
  expect(pages.map((p) => p.instances.map(key))).toEqual(chunks(expected, pageSize));

  const backwards: string[][] = [];
  let page: PageLike<T> | undefined = pages[pages.length - 1];
  while (page) {
    backwards.unshift(page.instances.map(key));
    const previous = page.previousPage();
    page = previous ? await previous : undefined;
  }
  expect(backwards).toEqual(chunks(expected, pageSize));
}

const sid = (item: { sid: string }) => item.sid;

/** A fresh RSA public key in PEM, as the Accounts API takes them. */
function publicKeyPem(): Promise<string> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (err, publicKey) => (err ? reject(err) : resolve(publicKey)),
    ),
  );
}

/** An emulator for one block of tests, closed after it. */
function useEmulator(options: Parameters<typeof createEmulator>[0] = {}) {
  const ctx = {} as { emulator: Emulator; client: twilio.Twilio };
  beforeAll(async () => {
    ctx.emulator = await createEmulator({ port: 0, ...options });
    ctx.client = twilioClientFor(ctx.emulator.url);
  });
  afterAll(async () => {
    await ctx.emulator?.close();
  });
  return ctx;
}

// ---- Chat v2 -------------------------------------------------------------------------------

describe('Chat v2 through the twilio library', () => {
  const env = useEmulator();
  const chat = () => env.client.chat.v2;

  it('creates, fetches, updates and removes a service, with dotted parameters', async () => {
    const created = await chat().services.create({ friendlyName: 'Support' });
    expect(created.sid).toMatch(/^IS[0-9a-f]{32}$/);
    expect(created.accountSid).toBe(DEMO_ACCOUNT.accountSid);
    expect(created.url).toBe(`${env.emulator.url}/v2/Services/${created.sid}`);
    expect(created.links.channels).toBe(`${env.emulator.url}/v2/Services/${created.sid}/Channels`);

    const fetched = await chat().services(created.sid).fetch();
    expect(fetched.friendlyName).toBe('Support');
    expect(fetched.dateCreated).toBeInstanceOf(Date);

    const updated = await chat()
      .services(created.sid)
      .update({
        friendlyName: 'Support desk',
        'notifications.newMessage.enabled': true,
        'notifications.newMessage.template': 'New message from ${USER}',
        'limits.channelMembers': 50,
        webhookFilters: ['onMessageSent', 'onChannelAdded'],
        typingIndicatorTimeout: 7,
      });
    expect(updated.friendlyName).toBe('Support desk');
    expect(updated.notifications).toMatchObject({ new_message: { enabled: true, template: 'New message from ${USER}' } });
    expect(updated.limits).toMatchObject({ channel_members: 50, user_channels: 250 });
    expect(updated.webhookFilters).toEqual(['onMessageSent', 'onChannelAdded']);
    expect(updated.typingIndicatorTimeout).toBe(7);

    expect(await chat().services(created.sid).remove()).toBe(true);
    await expectRestException(chat().services(created.sid).fetch(), 404, 20404);
  });

  it('pages services with list, each and page/nextPage/previousPage', async () => {
    for (let i = 0; i < 7; i++) await chat().services.create({ friendlyName: `paged ${i}` });
    const all = (await chat().services.list({ pageSize: 50 })).map(sid);
    await expectPaging(chat().services, sid, all);
    const names = (await chat().services.list({})).map((s) => s.friendlyName).filter((n) => n.startsWith('paged '));
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `paged ${i}`));
  });

  it('makes one request per page and stops at the limit', async () => {
    const { sid: serviceSid } = await chat().services.create({ friendlyName: 'counted' });
    for (let i = 0; i < 7; i++)
      await chat()
        .services(serviceSid)
        .channels.create({ friendlyName: `c${i}` });
    env.emulator.resetStats();
    expect(await chat().services(serviceSid).channels.list({ pageSize: 3, limit: 5 })).toHaveLength(5);
    expect(env.emulator.stats().operations['chat.ListChannel']).toBe(2);
  });

  it('does channels: CRUD, fetch by unique name, type filter, paging, duplicate unique name', async () => {
    const service = await chat().services.create({ friendlyName: 'channels' });
    const channels = chat().services(service.sid).channels;
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        await channels.create({ friendlyName: `Room ${i}`, uniqueName: `room-${i}`, type: i % 2 ? 'private' : 'public', attributes: JSON.stringify({ i }) }),
      );
    }
    await expectPaging(channels, sid, created.map(sid));

    const byName = await channels('room-3').fetch();
    expect(byName.sid).toBe(created[3]!.sid);
    expect(byName.type).toBe('private');
    expect(JSON.parse(byName.attributes)).toEqual({ i: 3 });

    const privates = await channels.list({ type: ['private'] });
    expect(privates.map(sid)).toEqual([created[1]!, created[3]!, created[5]!].map(sid));

    const updated = await channels('room-3').update({ friendlyName: 'Room three', uniqueName: 'room-three' });
    expect(updated).toMatchObject({ sid: created[3]!.sid, friendlyName: 'Room three', uniqueName: 'room-three' });
    await expectRestException(channels('room-3').fetch(), 404, 20404);

    const duplicate = await expectRestException(channels.create({ uniqueName: 'room-0' }), 409, 50307);
    expect(duplicate.message).toMatch(/unique name/i);

    expect(await channels('room-three').remove()).toBe(true);
    await expectRestException(channels(created[3]!.sid).fetch(), 404, 20404);
  });

  it('answers a RestException for a missing or invalid parameter', async () => {
    await expectRestException(chat().services.create({ friendlyName: '' }), 400, 20001, /FriendlyName/);
    const service = await chat().services.create({ friendlyName: 'errors' });
    await expectRestException(
      chat()
        .services(service.sid)
        .update({ typingIndicatorTimeout: 'soon' as unknown as number }),
      400,
      20001,
      /TypingIndicatorTimeout/,
    );
    await expectRestException(chat().services('IS00000000000000000000000000000000').channels.list({}), 404, 20404);
  });

  it('does members: CRUD, fetch by identity, identity filter, paging, duplicate identity', async () => {
    const service = await chat().services.create({ friendlyName: 'members' });
    const channel = await chat().services(service.sid).channels.create({ uniqueName: 'general' });
    const members = chat().services(service.sid).channels('general').members;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await members.create({ identity: `user-${i}`, attributes: '{"vip":true}' }));
    expect(created[0]!.channelSid).toBe(channel.sid);
    expect(created[0]!.roleSid).toBe(service.defaultChannelRoleSid);
    await expectPaging(members, sid, created.map(sid));

    expect((await members('user-2').fetch()).sid).toBe(created[2]!.sid);
    expect((await members.list({ identity: ['user-2', 'user-4'] })).map((m) => m.identity)).toEqual(['user-2', 'user-4']);

    const updated = await members('user-2').update({ lastConsumedMessageIndex: 4, attributes: '{"vip":false}' });
    expect(updated.lastConsumedMessageIndex).toBe(4);
    expect(JSON.parse(updated.attributes)).toEqual({ vip: false });

    await expectRestException(members.create({ identity: 'user-2' }), 409, 50404);
    expect((await chat().services(service.sid).channels(channel.sid).fetch()).membersCount).toBe(7);

    expect(await members('user-2').remove()).toBe(true);
    await expectRestException(members(created[2]!.sid).fetch(), 404, 20404);
    expect((await chat().services(service.sid).channels('general').fetch()).membersCount).toBe(6);
  });

  it('does messages: CRUD, Order desc, paging both ways, indexes', async () => {
    const service = await chat().services.create({ friendlyName: 'messages' });
    await chat().services(service.sid).channels.create({ uniqueName: 'general' });
    const messages = chat().services(service.sid).channels('general').messages;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await messages.create({ body: `hello ${i}`, from: 'alice', attributes: '{}' }));
    expect(created.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(created[0]!.to).toBe((await chat().services(service.sid).channels('general').fetch()).sid);

    await expectPaging(messages, sid, created.map(sid));
    const newestFirst = [...created].reverse().map(sid);
    const desc: Lister<(typeof created)[number]> = {
      list: (p) => messages.list({ ...p, order: 'desc' }),
      each: (p) => messages.each({ ...p, order: 'desc' }),
      page: (p) => messages.page({ ...p, order: 'desc' }),
    };
    await expectPaging(desc, sid, newestFirst);

    const fetched = await messages(created[1]!.sid).fetch();
    expect(fetched).toMatchObject({ body: 'hello 1', from: 'alice', wasEdited: false, index: 1 });
    const edited = await messages(created[1]!.sid).update({ body: 'hello again' });
    expect(edited).toMatchObject({ body: 'hello again', wasEdited: true });

    expect(await messages(created[1]!.sid).remove()).toBe(true);
    await expectRestException(messages(created[1]!.sid).fetch(), 404, 20404);
    const next = await messages.create({ body: 'after delete' });
    expect(next.index).toBe(7);
    expect(next.from).toBe('system');
    await expectRestException(messages.create({}), 400, 20001, /Body/);
  });

  it('does users: CRUD, fetch by identity, paging, duplicate identity, and their channels', async () => {
    const service = await chat().services.create({ friendlyName: 'users' });
    const users = chat().services(service.sid).users;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await users.create({ identity: `person-${i}`, friendlyName: `Person ${i}` }));
    expect(created[0]!.roleSid).toBe(service.defaultServiceRoleSid);
    await expectPaging(users, sid, created.map(sid));

    const bob = await users('person-1').fetch();
    expect(bob).toMatchObject({ sid: created[1]!.sid, identity: 'person-1', friendlyName: 'Person 1', joinedChannelsCount: 0 });
    expect((await users('person-1').update({ friendlyName: 'Bob', attributes: '{"team":"a"}' })).friendlyName).toBe('Bob');
    await expectRestException(users.create({ identity: 'person-1' }), 409, 50201);

    // A member with a new identity creates its user; the user's channels are its memberships.
    const channels = [];
    for (let i = 0; i < 7; i++) {
      const channel = await chat()
        .services(service.sid)
        .channels.create({ uniqueName: `ch-${i}` });
      await chat().services(service.sid).channels(channel.sid).members.create({ identity: 'carol' });
      channels.push(channel);
    }
    const carol = await users('carol').fetch();
    expect(carol.joinedChannelsCount).toBe(7);
    const userChannels = users('carol').userChannels;
    await expectPaging(userChannels, (c) => c.channelSid, channels.map(sid));

    await chat().services(service.sid).channels('ch-2').messages.create({ body: 'one', from: 'dave' });
    await chat().services(service.sid).channels('ch-2').messages.create({ body: 'two', from: 'dave' });
    const uc = await userChannels(channels[2]!.sid).fetch();
    expect(uc).toMatchObject({ channelSid: channels[2]!.sid, userSid: carol.sid, status: 'joined', unreadMessagesCount: 2 });
    const read = await userChannels('ch-2').update({ notificationLevel: 'muted', lastConsumedMessageIndex: 0 });
    expect(read).toMatchObject({ notificationLevel: 'muted', lastConsumedMessageIndex: 0, unreadMessagesCount: 1 });
    expect(await userChannels('ch-2').remove()).toBe(true);
    await expectRestException(chat().services(service.sid).channels('ch-2').members('carol').fetch(), 404, 20404);
    expect((await users('carol').fetch()).joinedChannelsCount).toBe(6);

    expect(await users('carol').remove()).toBe(true);
    await expectRestException(users('carol').fetch(), 404, 20404);
    expect((await chat().services(service.sid).channels('ch-0').fetch()).membersCount).toBe(0);
  });

  it('does roles: the four defaults, CRUD, permissions, paging', async () => {
    const service = await chat().services.create({ friendlyName: 'roles' });
    const roles = chat().services(service.sid).roles;
    const defaults = await roles.list({});
    expect(defaults.map((r) => r.friendlyName).sort()).toEqual(['channel admin', 'channel user', 'service admin', 'service user']);
    const created = [];
    for (let i = 0; i < 3; i++)
      created.push(await roles.create({ friendlyName: `moderator ${i}`, type: 'channel', permission: ['sendMessage', 'leaveChannel'] }));
    expect(created[0]!.permissions).toEqual(['sendMessage', 'leaveChannel']);
    await expectPaging(roles, sid, [...defaults, ...created].map(sid));

    const updated = await roles(created[0]!.sid).update({ permission: ['sendMessage'] });
    expect(updated.permissions).toEqual(['sendMessage']);
    expect((await roles(created[0]!.sid).fetch()).type).toBe('channel');
    await expectRestException(roles.create({ friendlyName: 'moderator 1', type: 'channel', permission: ['sendMessage'] }), 409, 50103);
    expect(await roles(created[0]!.sid).remove()).toBe(true);
    await expectRestException(roles(created[0]!.sid).fetch(), 404, 20404);
    await expectRestException(roles(service.defaultChannelRoleSid).remove(), 400, 50102);
  });

  it('does invites: CRUD, identity filter, paging, used up by joining', async () => {
    const service = await chat().services.create({ friendlyName: 'invites' });
    await chat().services(service.sid).channels.create({ uniqueName: 'vip' });
    const invites = chat().services(service.sid).channels('vip').invites;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await invites.create({ identity: `guest-${i}` }));
    expect(created[0]!.roleSid).toBe(service.defaultChannelRoleSid);
    await expectPaging(invites, sid, created.map(sid));
    expect((await invites.list({ identity: ['guest-3'] })).map(sid)).toEqual([created[3]!.sid]);
    expect((await invites(created[3]!.sid).fetch()).identity).toBe('guest-3');
    await expectRestException(invites.create({ identity: 'guest-3' }), 409, 50405);

    expect(await invites(created[3]!.sid).remove()).toBe(true);
    await expectRestException(invites(created[3]!.sid).fetch(), 404, 20404);
    await chat().services(service.sid).channels('vip').members.create({ identity: 'guest-4' });
    await expectRestException(invites(created[4]!.sid).fetch(), 404, 20404);
  });

  it('does channel webhooks: configuration.* as dotted parameters, CRUD, paging', async () => {
    const service = await chat().services.create({ friendlyName: 'webhooks' });
    await chat().services(service.sid).channels.create({ uniqueName: 'hooks' });
    const webhooks = chat().services(service.sid).channels('hooks').webhooks;
    const created = [];
    // Four here and a studio one below: Twilio keeps at most five webhooks per channel.
    for (let i = 0; i < 4; i++) {
      created.push(
        await webhooks.create({
          type: 'webhook',
          'configuration.url': `https://example.com/hook/${i}`,
          'configuration.method': 'GET',
          'configuration.filters': ['onMessageSent', 'onMemberAdded'],
          'configuration.retryCount': 2,
        }),
      );
    }
    expect(created[0]!.configuration).toMatchObject({
      url: 'https://example.com/hook/0',
      method: 'GET',
      filters: ['onMessageSent', 'onMemberAdded'],
      retry_count: 2,
    });
    await expectPaging(webhooks, sid, created.map(sid), 1);

    const updated = await webhooks(created[0]!.sid).update({ 'configuration.url': 'https://example.com/moved' });
    expect(updated.configuration).toMatchObject({ url: 'https://example.com/moved', method: 'GET', retry_count: 2 });
    expect((await webhooks(created[0]!.sid).fetch()).configuration).toMatchObject({ url: 'https://example.com/moved' });
    const studio = await webhooks.create({ type: 'studio', 'configuration.flowSid': 'FW00000000000000000000000000000001' });
    expect(studio.configuration).toMatchObject({ flow_sid: 'FW00000000000000000000000000000001' });

    await expectRestException(webhooks.create({ type: 'webhook' }), 400, 20001, /Configuration\.Url/);
    expect(await webhooks(created[0]!.sid).remove()).toBe(true);
    await expectRestException(webhooks(created[0]!.sid).fetch(), 404, 20404);
  });

  it('does push credentials: CRUD and paging', async () => {
    const credentials = chat().credentials;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await credentials.create({ type: 'fcm', friendlyName: `fcm ${i}`, secret: `secret-${i}` }));
    const apn = await credentials.create({
      type: 'apn',
      friendlyName: 'apn',
      certificate: '-----BEGIN CERTIFICATE-----',
      privateKey: '-----BEGIN RSA PRIVATE KEY-----',
      sandbox: true,
    });
    expect(apn).toMatchObject({ type: 'apn', sandbox: 'true' });
    expect(created[0]!.sid).toMatch(/^CR[0-9a-f]{32}$/);
    const all = (await credentials.list({})).map(sid);
    expect(all.slice(-8)).toEqual([...created, apn].map(sid));
    await expectPaging(credentials, sid, all);

    expect((await credentials(created[0]!.sid).update({ friendlyName: 'renamed' })).friendlyName).toBe('renamed');
    expect((await credentials(created[0]!.sid).fetch()).friendlyName).toBe('renamed');
    await expectRestException(credentials.create({ type: 'gcm' }), 400, 20001, /Secret/);
    expect(await credentials(created[0]!.sid).remove()).toBe(true);
    await expectRestException(credentials(created[0]!.sid).fetch(), 404, 20404);
  });

  it('keeps paging right when items are created or deleted between page calls', async () => {
    const service = await chat().services.create({ friendlyName: 'moving' });
    const channels = chat().services(service.sid).channels;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await channels.create({ uniqueName: `m${i}` }));

    const first = await channels.page({ pageSize: 3 });
    expect(first.instances.map((c) => c.uniqueName)).toEqual(['m0', 'm1', 'm2']);
    // Deleting a seen item and adding one at the end moves nothing onto or off the next page.
    await channels('m1').remove();
    await channels.create({ uniqueName: 'm7' });
    const second = await first.nextPage()!;
    expect(second.instances.map((c) => c.uniqueName)).toEqual(['m3', 'm4', 'm5']);
    // Deleting the first item of the page to come makes the page start at the one after it.
    await channels('m6').remove();
    const third = await second.nextPage()!;
    expect(third.instances.map((c) => c.uniqueName)).toEqual(['m7']);
    expect(third.nextPage()).toBeUndefined();
    const back = await third.previousPage()!;
    expect(back.instances.map((c) => c.uniqueName)).toEqual(['m3', 'm4', 'm5']);
    const start = await back.previousPage()!;
    expect(start.instances.map((c) => c.uniqueName)).toEqual(['m0', 'm2']);
    expect(start.previousPage()).toBeUndefined();
  });

  it('reaches the same data through the ip-messaging and edge hosts, and with an API key', async () => {
    const service = await chat().services.create({ friendlyName: 'hosts' });
    await chat().services(service.sid).channels.create({ uniqueName: 'shared' });
    expect((await env.client.ipMessaging.v2.services(service.sid).channels('shared').fetch()).uniqueName).toBe('shared');

    const withKey = twilioClientFor(env.emulator.url, {
      accountSid: DEMO_ACCOUNT.accountSid,
      apiKey: DEMO_ACCOUNT.apiKey,
      apiSecret: DEMO_ACCOUNT.apiSecret,
    });
    const channel = await withKey.chat.v2.services(service.sid).channels('shared').fetch();
    expect(channel.accountSid).toBe(DEMO_ACCOUNT.accountSid);
    await withKey.chat.v2.services(service.sid).channels.create({ uniqueName: 'by-key' });
    expect((await chat().services(service.sid).channels.list({})).map((c) => c.uniqueName)).toEqual(['shared', 'by-key']);

    // Edge and region hosts of any of the four products reach the emulator too.
    const viaEdge = await env.client.request({ method: 'get', uri: `https://chat.sydney.au1.twilio.com/v2/Services/${service.sid}/Channels/shared` });
    expect(viaEdge.statusCode).toBe(200);
    expect((viaEdge.body as { unique_name: string }).unique_name).toBe('shared');
    // A client with an edge and region rewrites the emulator's page URLs as well, and still pages.
    for (let i = 0; i < 5; i++)
      await chat()
        .services(service.sid)
        .channels.create({ uniqueName: `more-${i}` });
    const regional = twilio(DEMO_ACCOUNT.accountSid, DEMO_ACCOUNT.authToken, {
      httpClient: new EmulatorRequestClient(env.emulator.url),
      edge: 'sydney',
      region: 'au1',
    });
    const everywhere = (await chat().services(service.sid).channels.list({})).map(sid);
    await expectPaging(regional.chat.v2.services(service.sid).channels, sid, everywhere);
    // On a named emulator host that rewrite would leave an unknown host; the emulator's scheme and port still lead back to it.
    const port = new URL(env.emulator.url).port;
    const renamed = await new EmulatorRequestClient(env.emulator.url).request({
      method: 'get',
      uri: `http://emulator.sydney.au1.emulator:${port}/v2/Services/${service.sid}`,
      username: DEMO_ACCOUNT.accountSid,
      password: DEMO_ACCOUNT.authToken,
      headers: {},
    });
    expect(renamed.statusCode).toBe(200);

    const wrong = twilioClientFor(env.emulator.url, { accountSid: DEMO_ACCOUNT.accountSid, authToken: 'wrong' });
    await expectRestException(wrong.chat.v2.services.list({}), 401, 20003);
  });
});

describe('Chat bindings through the twilio library', () => {
  const env = useEmulator({ seed: 'demo' });

  it('lists, fetches and removes the bindings of the demo data', async (ctx) => {
    const chat = env.client.chat.v2;
    const services = await chat.services.list({});
    const withBindings = [];
    for (const service of services) {
      const bindings = await chat.services(service.sid).bindings.list({});
      if (bindings.length) withBindings.push({ service, bindings });
    }
    // Bindings are made by the Chat client SDKs registering for push, never by the REST API,
    // so only seeded data can exercise them.
    if (!withBindings.length) return ctx.skip('the demo seed has no Chat bindings yet');
    const { service, bindings } = withBindings[0]!;
    const binding = bindings[0]!;
    const fetched = await chat.services(service.sid).bindings(binding.sid).fetch();
    expect(fetched).toMatchObject({ sid: binding.sid, identity: binding.identity, bindingType: binding.bindingType });
    expect((await chat.services(service.sid).bindings.list({ identity: [binding.identity] })).map(sid)).toContain(binding.sid);
    const byType = await chat.services(service.sid).bindings.list({ bindingType: [binding.bindingType] });
    expect(byType.every((b) => b.bindingType === binding.bindingType)).toBe(true);

    const userBindings = chat.services(service.sid).users(binding.identity).userBindings;
    expect((await userBindings.list({})).map(sid)).toContain(binding.sid);
    expect((await userBindings(binding.sid).fetch()).identity).toBe(binding.identity);
    expect(await userBindings(binding.sid).remove()).toBe(true);
    await expectRestException(chat.services(service.sid).bindings(binding.sid).fetch(), 404, 20404);

    const other = bindings[1] ?? withBindings[1]?.bindings[0];
    if (other) {
      expect(await chat.services(other.serviceSid).bindings(other.sid).remove()).toBe(true);
      await expectRestException(chat.services(other.serviceSid).bindings(other.sid).fetch(), 404, 20404);
    }
  });
});

// ---- Proxy v1 ------------------------------------------------------------------------------

describe('Proxy v1 through the twilio library', () => {
  const env = useEmulator();
  const proxy = () => env.client.proxy.v1;
  const number = (i: number) => `+1555010${String(i).padStart(4, '0')}`;

  it('creates, fetches by SID and unique name, updates, pages and removes services', async () => {
    const created = [];
    for (let i = 0; i < 7; i++)
      created.push(await proxy().services.create({ uniqueName: `proxy-${i}`, defaultTtl: 3600, callbackUrl: 'https://example.com/proxy' }));
    expect(created[0]!.sid).toMatch(/^KS[0-9a-f]{32}$/);
    expect(created[0]!.links.sessions).toBe(`${env.emulator.url}/v1/Services/${created[0]!.sid}/Sessions`);
    const all = (await proxy().services.list({})).map(sid);
    const mine = new Set(created.map(sid));
    expect(all.filter((s) => mine.has(s))).toEqual(created.map(sid));
    await expectPaging(proxy().services, sid, all);

    // The spec lets a unique name stand for the SID on fetch only; update and delete take the SID.
    expect((await proxy().services('proxy-2').fetch()).sid).toBe(created[2]!.sid);
    await expectRestException(proxy().services('proxy-2').update({ defaultTtl: 60 }), 404, 20404);
    const updated = await proxy()
      .services(created[2]!.sid)
      .update({ uniqueName: 'proxy-two', geoMatchLevel: 'area-code', numberSelectionBehavior: 'avoid-sticky' });
    expect(updated).toMatchObject({
      sid: created[2]!.sid,
      uniqueName: 'proxy-two',
      geoMatchLevel: 'area-code',
      numberSelectionBehavior: 'avoid-sticky',
      defaultTtl: 3600,
    });
    await expectRestException(proxy().services('proxy-2').fetch(), 404, 20404);

    const duplicate = await restException(proxy().services.create({ uniqueName: 'proxy-0' }));
    expect([400, 409]).toContain(duplicate.status);
    expect(duplicate.moreInfo).toBe(`https://www.twilio.com/docs/errors/${duplicate.code}`);
    expect(duplicate.message).toMatch(/proxy-0|unique/i);
    await expectRestException(proxy().services.create({ uniqueName: '' }), 400, 20001, /UniqueName/);

    expect((await proxy().services('proxy-two').fetch()).sid).toBe(created[2]!.sid);
    expect(await proxy().services(created[2]!.sid).remove()).toBe(true);
    await expectRestException(proxy().services(created[2]!.sid).fetch(), 404, 20404);
  });

  it('adds, fetches, updates, pages and removes phone numbers', async () => {
    const service = await proxy().services.create({ uniqueName: 'numbers' });
    const numbers = proxy().services(service.sid).phoneNumbers;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await numbers.create({ phoneNumber: number(i) }));
    expect(created[0]).toMatchObject({ serviceSid: service.sid, phoneNumber: number(0), isReserved: false });
    expect(created[0]!.sid).toMatch(/^PN[0-9a-f]{32}$/);
    await expectPaging(numbers, sid, created.map(sid));

    const bySid = await numbers.create({ sid: 'PN00000000000000000000000000000042' });
    expect(bySid.sid).toBe('PN00000000000000000000000000000042');
    expect((await numbers(created[1]!.sid).update({ isReserved: true })).isReserved).toBe(true);
    expect((await numbers(created[1]!.sid).fetch()).isReserved).toBe(true);
    expect(await numbers(created[1]!.sid).remove()).toBe(true);
    await expectRestException(numbers(created[1]!.sid).fetch(), 404, 20404);
  });

  it('does short codes through the library’s generic request', async () => {
    // twilio-node 6 has no ShortCode resource, so this goes through `client.request` on the Proxy host.
    const service = await proxy().services.create({ uniqueName: 'short-codes' });
    const base = `https://proxy.twilio.com/v1/Services/${service.sid}/ShortCodes`;
    const created = await env.client.request({ method: 'post', uri: base, data: { Sid: 'SC00000000000000000000000000000007' } });
    expect(created.statusCode).toBe(201);
    expect(created.body).toMatchObject({ sid: 'SC00000000000000000000000000000007', service_sid: service.sid });
    const updated = await env.client.request({ method: 'post', uri: `${base}/SC00000000000000000000000000000007`, data: { IsReserved: true } });
    expect(updated.body).toMatchObject({ is_reserved: true });
    const listed = await env.client.request({ method: 'get', uri: base });
    expect((listed.body as { short_codes: Array<{ sid: string }> }).short_codes.map(sid)).toEqual(['SC00000000000000000000000000000007']);
    expect((await env.client.request({ method: 'delete', uri: `${base}/SC00000000000000000000000000000007` })).statusCode).toBe(204);
    expect((await env.client.request({ method: 'get', uri: `${base}/SC00000000000000000000000000000007` })).statusCode).toBe(404);
  });

  it('does sessions with participants, message interactions and interactions', async () => {
    const service = await proxy().services.create({ uniqueName: 'rides' });
    for (let i = 0; i < 4; i++)
      await proxy()
        .services(service.sid)
        .phoneNumbers.create({ phoneNumber: number(100 + i) });
    const sessions = proxy().services(service.sid).sessions;
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await sessions.create({ uniqueName: `ride-${i}`, mode: 'message-only', ttl: 3600 }));
    expect(created[0]).toMatchObject({ serviceSid: service.sid, uniqueName: 'ride-0', mode: 'message-only', ttl: 3600 });
    expect(created[0]!.sid).toMatch(/^KC[0-9a-f]{32}$/);
    await expectPaging(sessions, sid, created.map(sid));

    const ride = await sessions('ride-3').fetch();
    expect(ride.sid).toBe(created[3]!.sid);
    expect(ride.status).toBe('open');
    const dup = await restException(sessions.create({ uniqueName: 'ride-3' }));
    expect([400, 409]).toContain(dup.status);
    expect(dup.moreInfo).toBe(`https://www.twilio.com/docs/errors/${dup.code}`);

    const participants = sessions(ride.sid).participants;
    const rider = await participants.create({ identifier: '+15551110001', friendlyName: 'Rider' });
    const driver = await participants.create({ identifier: '+15551110002', friendlyName: 'Driver' });
    expect(rider.sid).toMatch(/^KP[0-9a-f]{32}$/);
    expect(rider).toMatchObject({ sessionSid: ride.sid, serviceSid: service.sid, identifier: '+15551110001', friendlyName: 'Rider' });
    expect([number(100), number(101), number(102), number(103)]).toContain(rider.proxyIdentifier);
    expect((await participants.list({})).map(sid)).toEqual([rider.sid, driver.sid]);
    expect((await participants(driver.sid).fetch()).identifier).toBe('+15551110002');
    await expectRestException(participants.create({ identifier: '' }), 400, 20001, /Identifier/);

    const messages = participants(driver.sid).messageInteractions;
    const sent = [];
    for (let i = 0; i < 7; i++) sent.push(await messages.create({ body: `on my way ${i}` }));
    expect(sent[0]!.sid).toMatch(/^KI[0-9a-f]{32}$/);
    expect(sent[0]).toMatchObject({ sessionSid: ride.sid, participantSid: driver.sid, type: 'message' });
    expect(JSON.parse(sent[0]!.data)).toMatchObject({ body: 'on my way 0' });
    await expectPaging(messages, sid, sent.map(sid));
    expect((await messages(sent[2]!.sid).fetch()).sid).toBe(sent[2]!.sid);

    const interactions = sessions(ride.sid).interactions;
    await expectPaging(interactions, sid, sent.map(sid));
    const interaction = await interactions(sent[2]!.sid).fetch();
    expect(interaction).toMatchObject({ sessionSid: ride.sid, type: 'message' });
    expect(JSON.parse(interaction.data)).toMatchObject({ body: 'on my way 2' });
    expect(await interactions(sent[2]!.sid).remove()).toBe(true);
    await expectRestException(interactions(sent[2]!.sid).fetch(), 404, 20404);

    const closed = await sessions(ride.sid).update({ status: 'closed' });
    expect(closed.status).toBe('closed');
    expect(await participants(rider.sid).remove()).toBe(true);
    await expectRestException(participants(rider.sid).fetch(), 404, 20404);
    expect(await sessions(ride.sid).remove()).toBe(true);
    await expectRestException(sessions(ride.sid).fetch(), 404, 20404);
  });

  it('creates a session with its participants in one call', async () => {
    const service = await proxy().services.create({ uniqueName: 'one-call' });
    await proxy()
      .services(service.sid)
      .phoneNumbers.create({ phoneNumber: number(200) });
    const session = await proxy()
      .services(service.sid)
      .sessions.create({ uniqueName: 'pair', participants: [{ Identifier: '+15552220001' }, { Identifier: '+15552220002' }] });
    const participants = await proxy().services(service.sid).sessions(session.sid).participants.list({});
    expect(participants.map((p) => p.identifier)).toEqual(['+15552220001', '+15552220002']);
  });
});

// ---- Events v1 -----------------------------------------------------------------------------

describe('Events v1 through the twilio library', () => {
  const env = useEmulator();
  const events = () => env.client.events.v1;

  /** The old sink handshake, which still answers as it did: send a test event, read its id, validate with it. */
  async function testAndValidate(sinkSid: string): Promise<void> {
    expect((await events().sinks(sinkSid).sinkTest.create()).result).toBe('submitted');
    const testId = sinkTestIds(env.emulator.engine.account(DEMO_ACCOUNT.accountSid), sinkSid).at(-1)!;
    expect((await events().sinks(sinkSid).sinkValidate.create({ testId })).result).toBe('valid');
  }

  it('lists, pages and fetches the event type catalogue, and its schemas', async () => {
    const types = await events().eventTypes.list({});
    expect(types.length).toBeGreaterThan(6);
    await expectPaging(
      events().eventTypes,
      (t) => t.type,
      types.map((t) => t.type),
    );

    const first = types[0]!;
    const fetched = await events().eventTypes(first.type).fetch();
    expect(fetched).toMatchObject({ type: first.type, schemaId: first.schemaId, description: first.description });
    const sameSchema = await events().eventTypes.list({ schemaId: first.schemaId });
    expect(sameSchema.length).toBeGreaterThan(0);
    expect(sameSchema.every((t) => t.schemaId === first.schemaId)).toBe(true);
    await expectRestException(events().eventTypes('com.example.no.such.type').fetch(), 404, 20404);

    const schema = await events().schemas(first.schemaId).fetch();
    expect(schema.id).toBe(first.schemaId);
    expect(schema.latestVersion).toBeGreaterThanOrEqual(1);
    const versions = await events().schemas(first.schemaId).versions.list({});
    expect(versions.map((v) => v.schemaVersion)).toContain(schema.latestVersion);
    const version = await events().schemas(first.schemaId).versions(schema.latestVersion).fetch();
    expect(version).toMatchObject({ id: first.schemaId, schemaVersion: schema.latestVersion });
    await expectRestException(events().schemas('no.such.schema').fetch(), 404, 20404);
  });

  it('creates, tests, validates, updates, pages and removes sinks', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        await events().sinks.create({
          description: `sink ${i}`,
          sinkType: 'webhook',
          sinkConfiguration: { destination: `https://example.com/events/${i}`, method: 'POST', batch_events: false },
        }),
      );
    }
    expect(created[0]!.sid).toMatch(/^DG[0-9a-f]{32}$/);
    // Active at once: Twilio's sinks no longer wait for a validation.
    expect(created[0]).toMatchObject({ description: 'sink 0', sinkType: 'webhook', status: 'active' });
    expect(created[0]!.sinkConfiguration).toMatchObject({ destination: 'https://example.com/events/0' });
    await expectPaging(events().sinks, sid, created.map(sid));

    const sink = events().sinks(created[0]!.sid);
    await testAndValidate(created[0]!.sid);
    expect((await sink.fetch()).status).toBe('active');
    // Validate always answers valid now, whatever the test id.
    expect((await events().sinks(created[1]!.sid).sinkValidate.create({ testId: 'TE00000000000000000000000000000000' })).result).toBe('valid');
    expect((await sink.update({ description: 'renamed' })).description).toBe('renamed');
    expect((await sink.fetch()).description).toBe('renamed');
    await expectRestException(events().sinks.create({ description: 'no config', sinkType: 'webhook', sinkConfiguration: {} }), 400, undefined, /destination/);
    expect(await sink.remove()).toBe(true);
    await expectRestException(sink.fetch(), 404, 20404);
  });

  it('creates subscriptions with Types, pages them and their subscribed events', async () => {
    const types = (await events().eventTypes.list({})).map((t) => t.type);
    const sink = await events().sinks.create({
      description: 'subscribed',
      sinkType: 'webhook',
      sinkConfiguration: { destination: 'https://example.com/subscribed', method: 'POST', batch_events: false },
    });
    // A sink takes subscriptions as soon as it is made.
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push(await events().subscriptions.create({ description: `sub ${i}`, sinkSid: sink.sid, types: [{ type: types[i]! }] }));
    }
    expect(created[0]!.sid).toMatch(/^DF[0-9a-f]{32}$/);
    expect(created[0]).toMatchObject({ description: 'sub 0', sinkSid: sink.sid });
    await expectPaging(events().subscriptions, sid, created.map(sid));
    expect((await events().subscriptions.list({ sinkSid: sink.sid })).map(sid)).toEqual(created.map(sid));

    const subscription = events().subscriptions(created[0]!.sid);
    expect((await subscription.update({ description: 'renamed' })).description).toBe('renamed');
    expect((await subscription.fetch()).description).toBe('renamed');

    const subscribed = subscription.subscribedEvents;
    const first = await subscribed(types[0]!).fetch();
    expect(first).toMatchObject({ type: types[0], subscriptionSid: created[0]!.sid });
    for (let i = 1; i < 7; i++) await subscribed.create({ type: types[i]! });
    await expectPaging(subscribed, (e) => e.type, types.slice(0, 7));
    expect((await subscribed(types[1]!).update({ schemaVersion: 1 })).schemaVersion).toBe(1);
    expect(await subscribed(types[1]!).remove()).toBe(true);
    await expectRestException(subscribed(types[1]!).fetch(), 404, 20404);

    await expectRestException(events().subscriptions.create({ description: 'no types', sinkSid: sink.sid, types: [] }), 400, 20001, /Types/);
    await expectRestException(
      events().subscriptions.create({ description: 'bad sink', sinkSid: 'DG00000000000000000000000000000000', types: [{ type: types[0]! }] }),
      400,
    );
    await expectRestException(events().sinks(sink.sid).remove(), 400, undefined, /in use/);
    for (const s of created) expect(await events().subscriptions(s.sid).remove()).toBe(true);
    await expectRestException(subscription.fetch(), 404, 20404);
    expect(await events().sinks(sink.sid).remove()).toBe(true);
  });
});

// ---- Accounts v1 ---------------------------------------------------------------------------

describe('Accounts v1 through the twilio library', () => {
  const env = useEmulator();
  const accounts = () => env.client.accounts.v1;

  it('creates, fetches, updates, pages and removes AWS credentials', async () => {
    const aws = accounts().credentials.aws;
    const created = [];
    for (let i = 0; i < 7; i++)
      created.push(await aws.create({ credentials: `AKIAIOSFODNN7EXAMPL${i}:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, friendlyName: `aws ${i}` }));
    expect(created[0]!.sid).toMatch(/^CR[0-9a-f]{32}$/);
    expect(created[0]).toMatchObject({ accountSid: DEMO_ACCOUNT.accountSid, friendlyName: 'aws 0' });
    expect(JSON.stringify(created[0]!.toJSON())).not.toContain('wJalrXUtnFEMI');
    await expectPaging(aws, sid, created.map(sid));

    expect((await aws(created[0]!.sid).update({ friendlyName: 'renamed' })).friendlyName).toBe('renamed');
    expect((await aws(created[0]!.sid).fetch()).friendlyName).toBe('renamed');
    await expectRestException(aws.create({ credentials: '' }), 400, 20001, /Credentials/);
    expect(await aws(created[0]!.sid).remove()).toBe(true);
    await expectRestException(aws(created[0]!.sid).fetch(), 404, 20404);
  });

  it('creates, fetches, updates, pages and removes public keys', async () => {
    const keys = accounts().credentials.publicKey;
    // One key serves all seven (RSA key generation is slow): the API takes the same key more than once.
    const pem = await publicKeyPem();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await keys.create({ publicKey: pem, friendlyName: `key ${i}` }));
    expect(created[0]!.sid).toMatch(/^CR[0-9a-f]{32}$/);
    await expectPaging(keys, sid, created.map(sid));
    expect((await keys(created[0]!.sid).update({ friendlyName: 'renamed' })).friendlyName).toBe('renamed');
    expect((await keys(created[0]!.sid).fetch()).friendlyName).toBe('renamed');
    await expectRestException(keys.create({ publicKey: '' }), 400, 20001, /PublicKey/);
    expect(await keys(created[0]!.sid).remove()).toBe(true);
    await expectRestException(keys(created[0]!.sid).fetch(), 404, 20404);
  });

  it('adds, fetches and removes a number on the safe list', async () => {
    const added = await accounts().safelist.create({ phoneNumber: '+15553330001' });
    expect(added.sid).toMatch(/^GN[0-9a-f]{32}$/);
    expect(added.phoneNumber).toBe('+15553330001');
    expect((await accounts().safelist.fetch({ phoneNumber: '+15553330001' })).sid).toBe(added.sid);
    expect(await accounts().safelist.remove({ phoneNumber: '+15553330001' })).toBe(true);
    await expectRestException(accounts().safelist.fetch({ phoneNumber: '+15553330001' }), 404, 20404);
  });

  it('takes bulk consents and contacts', async () => {
    const consents = await accounts().bulkConsents.create({
      items: [
        { contact_id: '+15554440001', correlation_id: '0123456789abcdef0123456789abcdef', sender_id: '+15554449999', status: 'opt-in', source: 'website' },
        { contact_id: '+15554440002', correlation_id: 'fedcba9876543210fedcba9876543210', sender_id: '+15554449999', status: 'opt-out', source: 'offline' },
      ],
    });
    // One result per item, named by its correlation_id.
    expect(JSON.stringify(consents.items)).toContain('0123456789abcdef0123456789abcdef');
    expect(JSON.stringify(consents.items)).toContain('fedcba9876543210fedcba9876543210');
    const contacts = await accounts().bulkContacts.create({
      items: [{ contact_id: '+15554440001', correlation_id: '0123456789abcdef0123456789abcdef', country_iso_code: 'US', zip_code: '94105' }],
    });
    expect(JSON.stringify(contacts.items)).toContain('0123456789abcdef0123456789abcdef');
    await expectRestException(accounts().bulkConsents.create({ items: [] }), 400, 20001, /Items/);
  });

  it('creates and deletes a secondary auth token, which then authenticates and stops', async () => {
    const secondary = await accounts().secondaryAuthToken().create();
    expect(secondary.accountSid).toBe(DEMO_ACCOUNT.accountSid);
    expect(secondary.secondaryAuthToken).toMatch(/^\w{32}$/);
    const withSecondary = twilioClientFor(env.emulator.url, { accountSid: DEMO_ACCOUNT.accountSid, authToken: secondary.secondaryAuthToken });
    expect(await withSecondary.chat.v2.services.list({})).toEqual([]);
    expect(await accounts().secondaryAuthToken().remove()).toBe(true);
    await expectRestException(withSecondary.chat.v2.services.list({}), 401, 20003);
    expect(await env.client.chat.v2.services.list({})).toEqual([]);
  });
});

describe('Accounts v1 auth token promotion through the twilio library', () => {
  // Promotion replaces the account's auth token, so it gets an emulator of its own.
  const env = useEmulator();

  it('promotes the secondary token to primary and retires the old one', async () => {
    await expectRestException(env.client.accounts.v1.authTokenPromotion().update(), 400);
    const secondary = await env.client.accounts.v1.secondaryAuthToken().create();
    const promoted = await env.client.accounts.v1.authTokenPromotion().update();
    expect(promoted).toMatchObject({ accountSid: DEMO_ACCOUNT.accountSid, authToken: secondary.secondaryAuthToken });
    await expectRestException(env.client.chat.v2.services.list({}), 401, 20003);
    const promotedClient = twilioClientFor(env.emulator.url, { accountSid: DEMO_ACCOUNT.accountSid, authToken: promoted.authToken });
    expect(await promotedClient.chat.v2.services.list({})).toEqual([]);
    const withKey = twilioClientFor(env.emulator.url, { accountSid: DEMO_ACCOUNT.accountSid, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret });
    expect(await withKey.chat.v2.services.list({})).toEqual([]);
  });
});
