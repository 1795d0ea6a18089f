/**
 * The emulator's generic behaviour over real HTTP: auth, routing errors,
 * validation, paging, faults, counters, latency and reset.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { basicAuth, twilioFetch } from './helpers.ts';

let emu: Emulator;
const OTHER = { accountSid: 'AC00000000000000000000000000000002', authToken: 'other-token' };

beforeAll(async () => {
  emu = await createEmulator({
    port: 0,
    accounts: [{ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken, apiKeys: { [DEMO_ACCOUNT.apiKey]: DEMO_ACCOUNT.apiSecret } }, OTHER],
  });
});
afterAll(() => emu?.close());
beforeEach(() => {
  emu.reset('none');
  emu.clearFaults();
  emu.resetStats();
  emu.setLatency(0);
});

async function newService(name = 'svc') {
  const res = await twilioFetch(emu, 'POST', '/v2/Services', { FriendlyName: name });
  expect(res.status).toBe(201);
  return res.body.sid as string;
}

describe('authentication', () => {
  it('accepts the account SID with its auth token, and an API key with its secret', async () => {
    expect((await twilioFetch(emu, 'GET', '/v2/Services')).status).toBe(200);
    const viaKey = await twilioFetch(emu, 'GET', '/v2/Services', undefined, { auth: basicAuth(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret) });
    expect(viaKey.status).toBe(200);
  });

  it.each([
    ['a wrong token', basicAuth(DEMO_ACCOUNT.accountSid, 'wrong')],
    ['an unknown account', basicAuth('AC0000000000000000000000000000ffff', 'x')],
    ['a wrong API secret', basicAuth(DEMO_ACCOUNT.apiKey, 'wrong')],
    ['no credentials', ''],
    ['a malformed header', 'Basic !!!'],
  ])('answers 401 with code 20003 for %s', async (_, auth) => {
    const res = await twilioFetch(emu, 'GET', '/v2/Services', undefined, { auth });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 20003, status: 401, more_info: 'https://www.twilio.com/docs/errors/20003' });
    expect(res.headers.get('www-authenticate')).toContain('Basic');
  });

  it('keeps each account to its own data', async () => {
    const sid = await newService('mine');
    const other = basicAuth(OTHER.accountSid, OTHER.authToken);
    expect((await twilioFetch(emu, 'GET', '/v2/Services', undefined, { auth: other })).body.services).toEqual([]);
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}`, undefined, { auth: other })).status).toBe(404);
  });
});

describe('routing and validation', () => {
  it('answers 404 with code 20404 for unknown paths and resources', async () => {
    const unknownPath = await twilioFetch(emu, 'GET', '/v2/Nope');
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.body).toMatchObject({ code: 20404, status: 404 });
    const missing = await twilioFetch(emu, 'GET', `/v2/Services/IS${'0'.repeat(32)}`);
    expect(missing.body.message).toBe(`The requested resource /Services/IS${'0'.repeat(32)} was not found`);
  });

  it('rejects a malformed SID in the path as the spec pattern says', async () => {
    const res = await twilioFetch(emu, 'GET', '/v2/Services/XX123');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(20404);
  });

  it('answers 405 for a method the path does not have', async () => {
    const res = await twilioFetch(emu, 'DELETE', '/v2/Services');
    expect(res.status).toBe(405);
    expect(res.body.message).toContain('allowed GET, POST');
  });

  it('names a missing required parameter', async () => {
    const res = await twilioFetch(emu, 'POST', '/v2/Services', {});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 20001, message: 'Missing required parameter FriendlyName in the post body' });
  });

  it('names a parameter whose value is outside its enum, range or pattern', async () => {
    const sid = await newService();
    const badEnum = await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { Type: 'secret' });
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.message).toMatch(/Type.*one of public, private/);
    const badInt = await twilioFetch(emu, 'POST', `/v2/Services/${sid}`, { TypingIndicatorTimeout: 'soon' });
    expect(badInt.body.message).toMatch(/TypingIndicatorTimeout.*integer/);
    const badSid = await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Users`, { Identity: 'a', RoleSid: 'RLnope' });
    expect(badSid.status).toBe(400);
    expect(badSid.body.message).toMatch(/RoleSid/);
    const badBool = await twilioFetch(emu, 'POST', `/v2/Services/${sid}`, { ReachabilityEnabled: 'yes' });
    expect(badBool.body.message).toMatch(/ReachabilityEnabled.*true or false/);
    const badPage = await twilioFetch(emu, 'GET', `/v2/Services?PageSize=1001`);
    expect(badPage.status).toBe(400);
    expect(badPage.body.message).toMatch(/PageSize/);
  });

  it('leaves state untouched when a request is refused', async () => {
    const sid = await newService();
    await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'general' });
    const dup = await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'general', FriendlyName: 'Again' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe(50307);
    const list = await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels`);
    expect(list.body.channels).toHaveLength(1);
    const badUpdate = await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels/general`, { FriendlyName: 'Renamed', DateUpdated: 'not a date' });
    expect(badUpdate.status).toBe(400);
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels/general`)).body.friendly_name).toBeNull();
  });

  it('never lets an encoded / in a name reach a record of another collection', async () => {
    const sid = await newService();
    const channel = (await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'c' })).body.sid;
    const member = (await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels/c/Members`, { Identity: 'ann' })).body.sid;
    const smuggled = `/v2/Services/${sid}/Channels/${channel}%2FMembers%2F${member}`;
    expect((await twilioFetch(emu, 'GET', smuggled)).status).toBe(404);
    expect((await twilioFetch(emu, 'POST', smuggled, { UniqueName: 'hijack' })).status).toBe(404);
    expect((await twilioFetch(emu, 'POST', `${smuggled}/Messages`, { Body: 'x' })).status).toBe(404);
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels/c/Members/${member}`)).body.identity).toBe('ann');
    // A unique name may itself hold a slash, and is still found by it.
    await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'team/ops' });
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels/team%2Fops`)).body.unique_name).toBe('team/ops');
  });

  it('survives hostile input', async () => {
    const sid = await newService();
    const bodies = ['%E0%A4%A', 'a=%zz&&&=', '\u0000'.repeat(100), 'FriendlyName=' + 'x'.repeat(10_000)];
    for (const body of bodies) {
      const res = await fetch(`${emu.url}/v2/Services/${sid}/Channels`, {
        method: 'POST',
        headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(res.status).toBeLessThan(500);
    }
    const tooBig = await fetch(`${emu.url}/v2/Services`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=' + 'x'.repeat(2 * 1024 * 1024),
    });
    expect(tooBig.status).toBe(413);
    const json = await fetch(`${emu.url}/v2/Services`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/json' },
      body: '{"FriendlyName":"x"}',
    });
    expect(json.status).toBe(400);
    expect((await twilioFetch(emu, 'GET', `/v2/Services/%ZZ`)).status).toBe(404);
    expect((await twilioFetch(emu, 'GET', '/v2/Services')).status).toBe(200);
  });
});

describe('resources', () => {
  it('creates with every property of the schema, absolute url and links, and Twilio dates', async () => {
    const res = await twilioFetch(emu, 'POST', '/v2/Services', { FriendlyName: 'full' });
    const body = res.body;
    for (const key of [
      'account_sid',
      'consumption_report_interval',
      'date_created',
      'date_updated',
      'default_channel_creator_role_sid',
      'default_channel_role_sid',
      'default_service_role_sid',
      'friendly_name',
      'limits',
      'links',
      'media',
      'notifications',
      'post_webhook_retry_count',
      'post_webhook_url',
      'pre_webhook_retry_count',
      'pre_webhook_url',
      'reachability_enabled',
      'read_status_enabled',
      'sid',
      'typing_indicator_timeout',
      'url',
      'webhook_filters',
      'webhook_method',
    ]) {
      expect(body).toHaveProperty(key);
    }
    expect(body.sid).toMatch(/^IS[0-9a-f]{32}$/);
    expect(body.url).toBe(`${emu.url}/v2/Services/${body.sid}`);
    expect(body.links.channels).toBe(`${emu.url}/v2/Services/${body.sid}/Channels`);
    expect(body.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('updates only the given fields, bumps date_updated, and maps dotted names', async () => {
    // Twilio's dates are to the second: the emulator's clock moves one on, instead of the test waiting for it.
    emu.clock.freeze('2026-03-01T10:00:00Z');
    onTestFinished(() => emu.clock.reset());
    const sid = await newService('before');
    const before = (await twilioFetch(emu, 'GET', `/v2/Services/${sid}`)).body;
    expect(before).toMatchObject({ date_created: '2026-03-01T10:00:00Z', date_updated: '2026-03-01T10:00:00Z' });
    emu.clock.advance(1_000);
    const res = await twilioFetch(emu, 'POST', `/v2/Services/${sid}`, {
      'Notifications.NewMessage.Enabled': true,
      'Notifications.NewMessage.Template': 'New: ${MESSAGE}',
      'Limits.ChannelMembers': 250,
      WebhookFilters: ['onMessageSent', 'onChannelAdded'],
    });
    expect(res.status).toBe(200);
    expect(res.body.friendly_name).toBe('before');
    expect(res.body.notifications.new_message).toEqual({ enabled: true, template: 'New: ${MESSAGE}' });
    expect(res.body.notifications.added_to_channel).toEqual({ enabled: false });
    expect(res.body.limits).toEqual({ channel_members: 250, user_channels: 250 });
    expect(res.body.webhook_filters).toEqual(['onMessageSent', 'onChannelAdded']);
    expect(res.body.date_created).toBe('2026-03-01T10:00:00Z');
    expect(res.body.date_updated).toBe('2026-03-01T10:00:01Z');
  });

  it('deletes with 204 and an empty body, and deletes the children with the parent', async () => {
    const sid = await newService();
    await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'c' });
    await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels/c/Members`, { Identity: 'ann' });
    const del = await fetch(`${emu.url}/v2/Services/${sid}`, { method: 'DELETE', headers: { authorization: basicAuth() } });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels/c/Members/ann`)).status).toBe(404);
    // A new service of the same name starts empty.
    const again = await newService();
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${again}/Channels`)).body.channels).toEqual([]);
  });
});

describe('programmatic calls', () => {
  it('happen at the time they are given, and so do the operations they run', async () => {
    const now = new Date('2025-12-01T10:30:00Z');
    const created = emu.engine.call(DEMO_ACCOUNT.accountSid, 'chat.CreateService', {}, { FriendlyName: 'dated' }, { now }).body as { sid: string };
    const service = (await twilioFetch(emu, 'GET', `/v2/Services/${created.sid}`)).body;
    expect([service.date_created, service.date_updated]).toEqual(['2025-12-01T10:30:00Z', '2025-12-01T10:30:00Z']);
    // The service's default roles are created by the service create, at its time.
    const roles = (await twilioFetch(emu, 'GET', `/v2/Services/${created.sid}/Roles`)).body.roles;
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.every((r: any) => r.date_created === '2025-12-01T10:30:00Z')).toBe(true);
    // Without a time, a call happens now.
    const later = emu.engine.call(DEMO_ACCOUNT.accountSid, 'chat.CreateService', {}, { FriendlyName: 'now' }).body as { date_created: string };
    expect(Date.parse(later.date_created)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('paging', () => {
  async function channels(sid: string, n: number) {
    for (let i = 0; i < n; i++) await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: `c${i}` });
  }
  const names = (body: any) => body.channels.map((c: any) => c.unique_name);
  const rel = (url: string) => url.replace(emu.url, '');

  it('pages with PageSize and follows next and previous page URLs', async () => {
    const sid = await newService();
    await channels(sid, 7);
    const first = (await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels?PageSize=3`)).body;
    expect(names(first)).toEqual(['c0', 'c1', 'c2']);
    expect(first.meta).toMatchObject({ page: 0, page_size: 3, key: 'channels', previous_page_url: null });
    expect(first.meta.first_page_url).toBe(`${emu.url}/v2/Services/${sid}/Channels?PageSize=3&Page=0`);
    const second = (await twilioFetch(emu, 'GET', rel(first.meta.next_page_url))).body;
    expect(names(second)).toEqual(['c3', 'c4', 'c5']);
    expect(second.meta.page).toBe(1);
    const third = (await twilioFetch(emu, 'GET', rel(second.meta.next_page_url))).body;
    expect(names(third)).toEqual(['c6']);
    expect(third.meta.next_page_url).toBeNull();
    const back = (await twilioFetch(emu, 'GET', rel(third.meta.previous_page_url))).body;
    expect(names(back)).toEqual(['c3', 'c4', 'c5']);
    const page2 = (await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels?PageSize=3&Page=2`)).body;
    expect(names(page2)).toEqual(['c6']);
  });

  it('keeps next and previous pages right when items are created or deleted between calls', async () => {
    const sid = await newService();
    await channels(sid, 6);
    const first = (await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels?PageSize=3`)).body;
    // Delete an item already seen and one not yet seen, and add a new one.
    await twilioFetch(emu, 'DELETE', `/v2/Services/${sid}/Channels/c0`);
    await twilioFetch(emu, 'DELETE', `/v2/Services/${sid}/Channels/c4`);
    await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'late' });
    const second = (await twilioFetch(emu, 'GET', rel(first.meta.next_page_url))).body;
    expect(names(second)).toEqual(['c3', 'c5', 'late']);
    const back = (await twilioFetch(emu, 'GET', rel(second.meta.previous_page_url))).body;
    expect(names(back)).toEqual(['c1', 'c2']);
  });

  it('rejects a page token it did not issue', async () => {
    const res = await twilioFetch(emu, 'GET', '/v2/Services?PageToken=bogus');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/PageToken/);
  });

  it('keeps list filters in page URLs', async () => {
    const sid = await newService();
    await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels`, { UniqueName: 'c' });
    for (const id of ['a', 'b', 'c', 'd']) await twilioFetch(emu, 'POST', `/v2/Services/${sid}/Channels/c/Members`, { Identity: id });
    const page = (await twilioFetch(emu, 'GET', `/v2/Services/${sid}/Channels/c/Members?Identity=a&Identity=c&Identity=d&PageSize=2`)).body;
    expect(page.members.map((m: any) => m.identity)).toEqual(['a', 'c']);
    expect(page.meta.next_page_url).toContain('Identity=a&Identity=c&Identity=d');
    const next = (await twilioFetch(emu, 'GET', rel(page.meta.next_page_url))).body;
    expect(next.members.map((m: any) => m.identity)).toEqual(['d']);
  });
});

describe('control API', () => {
  const none = { attempted: 0, succeeded: 0, failed: 0, retried: 0, dropped: 0 };
  const NO_DELIVERIES = { chatService: none, chatChannel: none, eventStreams: none, pending: 0, inFlight: 0 };

  it('counts requests per operation, readable and resettable over HTTP', async () => {
    const sid = await newService();
    await twilioFetch(emu, 'GET', `/v2/Services/${sid}`);
    await twilioFetch(emu, 'GET', `/v2/Services/${sid}`);
    const stats = await (await fetch(`${emu.url}/__emulator/stats`)).json();
    expect(stats).toEqual({
      total: 3,
      operations: { 'chat.CreateService': 1, 'chat.FetchService': 2 },
      unauthenticated: 0,
      peakInFlight: { [DEMO_ACCOUNT.accountSid]: 1 },
      deliveries: NO_DELIVERIES,
    });
    expect((await fetch(`${emu.url}/__emulator/stats`, { method: 'DELETE' })).status).toBe(204);
    expect(emu.stats()).toEqual({ total: 0, operations: {}, unauthenticated: 0, peakInFlight: {}, deliveries: NO_DELIVERIES });
  });

  it('counts failed logins, and the most requests of each account in flight at once', async () => {
    emu.setLatency(100);
    const wrong = basicAuth(DEMO_ACCOUNT.accountSid, 'wrong');
    const other = basicAuth(OTHER.accountSid, OTHER.authToken);
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => twilioFetch(emu, 'GET', '/v2/Services')),
      ...Array.from({ length: 2 }, () => twilioFetch(emu, 'GET', '/v2/Services', undefined, { auth: other })),
      ...Array.from({ length: 3 }, () => twilioFetch(emu, 'GET', '/v2/Services', undefined, { auth: wrong })),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 401, 401, 401]);
    // The latency keeps every request in flight while the others arrive; failed logins belong to no account.
    expect(emu.stats()).toMatchObject({ total: 10, unauthenticated: 3, peakInFlight: { [DEMO_ACCOUNT.accountSid]: 5, [OTHER.accountSid]: 2 } });
    // Once answered, the next peak starts from nothing.
    emu.resetStats();
    await twilioFetch(emu, 'GET', '/v2/Services');
    expect(emu.stats().peakInFlight).toEqual({ [DEMO_ACCOUNT.accountSid]: 1 });
  });

  it('answers the next N calls of an operation with an injected status and Retry-After', async () => {
    const sid = await newService();
    const res = await fetch(`${emu.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'chat.FetchService', status: 429, count: 2, retryAfter: 1 }),
    });
    expect(res.status).toBe(201);
    const a = await twilioFetch(emu, 'GET', `/v2/Services/${sid}`);
    expect(a.status).toBe(429);
    expect(a.body).toMatchObject({ code: 20429, status: 429 });
    expect(a.headers.get('retry-after')).toBe('1');
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}`)).status).toBe(429);
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}`)).status).toBe(200);
    // Other operations are untouched.
    emu.injectFault({ operation: 'chat.ListService', status: 503 });
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}`)).status).toBe(200);
    expect((await twilioFetch(emu, 'GET', `/v2/Services`)).status).toBe(503);
  });

  it('stalls calls, and adds latency to every call', async () => {
    const sid = await newService();
    emu.injectFault({ operation: 'chat.FetchService', stallMs: 300 });
    let t = performance.now();
    expect((await twilioFetch(emu, 'GET', `/v2/Services/${sid}`)).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
    await fetch(`${emu.url}/__emulator/latency`, { method: 'PUT', body: JSON.stringify({ ms: 150 }) });
    t = performance.now();
    await twilioFetch(emu, 'GET', `/v2/Services/${sid}`);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('answers a chosen body, status (200 by default) and content type', async () => {
    const sid = await newService();
    const body = '{"services":[],"meta":{"next_page_url":"https://chat.twilio.com"}}';
    const res = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ operation: 'chat.ListService', body }) });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { faults: unknown[] }).faults).toEqual([{ operation: 'chat.ListService', body, status: 200, count: 1 }]);
    const listed = await fetch(`${emu.url}/v2/Services`, { headers: { authorization: basicAuth() } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await listed.text()).toBe(body);
    expect((await twilioFetch(emu, 'GET', '/v2/Services')).body.services).toHaveLength(1);

    emu.injectFault({ operation: 'chat.FetchService', status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html', retryAfter: 2 });
    const html = await fetch(`${emu.url}/v2/Services/${sid}`, { headers: { authorization: basicAuth() } });
    expect([html.status, html.headers.get('content-type'), html.headers.get('retry-after'), await html.text()]).toEqual([
      502,
      'text/html',
      '2',
      '<html>Bad gateway</html>',
    ]);
    // Calls answered with a chosen body are counted like any other.
    expect(emu.stats().operations).toMatchObject({ 'chat.ListService': 2, 'chat.FetchService': 1 });
  });

  it('applies a write whose 2xx answer a body fault replaces, and refuses one answered with an error status', async () => {
    emu.injectFault({ operation: 'chat.CreateService', status: 201, body: 'not json' });
    const created = await fetch(`${emu.url}/v2/Services`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=applied',
    });
    expect([created.status, await created.text()]).toEqual([201, 'not json']);
    emu.injectFault({ operation: 'chat.CreateService', status: 500, body: 'oops', contentType: 'text/plain' });
    const refused = await fetch(`${emu.url}/v2/Services`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=refused',
    });
    expect([refused.status, await refused.text()]).toEqual([500, 'oops']);
    const names = (await twilioFetch(emu, 'GET', '/v2/Services')).body.services.map((s: { friendly_name: string }) => s.friendly_name);
    expect(names).toEqual(['applied']);
  });

  it.each([
    [{ status: 500 }, /operation/],
    [{ operation: 'chat.FetchChanel', status: 503 }, /operation/],
    [{ operation: '*', status: 200 }, /status/],
    [{ operation: 'chat.FetchChannel', status: 503, retryAfter: 'x\r\nSet-Cookie: a=b' }, /retryAfter/],
    [{ operation: 'chat.FetchChannel', stallMs: -5 }, /stallMs/],
    [{ operation: 'chat.FetchChannel', body: { sid: 'CH1' } }, /body/],
    [{ operation: 'chat.FetchChannel', body: '{}', status: 99 }, /status/],
    [{ operation: 'chat.FetchChannel', body: '{}', status: 600 }, /status/],
    [{ operation: 'chat.FetchChannel', body: '{}', message: 'x' }, /body/],
    [{ operation: 'chat.FetchChannel', body: '{}', contentType: 'text/html\r\nSet-Cookie: a=b' }, /contentType/],
    [{ operation: 'chat.FetchChannel', body: '{}', contentType: '' }, /contentType/],
    [{ operation: 'chat.FetchChannel', status: 503, contentType: 'text/html' }, /contentType/],
  ])('refuses a malformed fault %j', async (fault, reason) => {
    const res = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify(fault) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(reason);
  });

  it('resets to the seed over HTTP', async () => {
    await newService();
    expect((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST', body: '{"seed":"none"}' })).status).toBe(204);
    expect((await twilioFetch(emu, 'GET', '/v2/Services')).body.services).toEqual([]);
  });
});

describe('demo seed', () => {
  it('is deterministic: two emulators seeded alike serve the same SIDs', async () => {
    await using a = await createEmulator({ seed: 'demo' });
    await using b = await createEmulator({ seed: 'demo' });
    const list = async (e: Emulator) => (await twilioFetch(e, 'GET', '/v2/Services')).body.services.map((s: any) => s.sid);
    expect(await list(a)).toEqual(await list(b));
    expect((await list(a)).length).toBe(2);
  });
});
