/**
 * Proxy v1 in the emulator over real HTTP: every operation, the number pool,
 * proxy identifier allocation, session lifecycle, message interactions and
 * Twilio's errors.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { loadSpecModel } from '../../src/emulator/spec-model.ts';
import { basicAuth, created, twilioFetch, type Form } from './helpers.ts';
import { expectTwilioError } from '../support/assertions.ts';

let emu: Emulator;
const model = loadSpecModel();
const propertiesOf = (schema: string) => Object.keys(model.resources.get(`proxy.${schema}`)!.properties).sort();

beforeAll(async () => {
  emu = await createEmulator({ port: 0 });
});
afterAll(() => emu?.close());
beforeEach(() => emu.reset('none'));
afterEach(() => vi.useRealTimers());

const PN_A = 'PN' + 'a'.repeat(32);
const PN_B = 'PN' + 'b'.repeat(32);
const SC_A = 'SC' + 'a'.repeat(32);

const call = (method: string, path: string, form?: Form) => twilioFetch(emu, method, path, form);

async function newService(form: Form = {}) {
  return created(emu, '/v1/Services', { UniqueName: `svc-${Math.random().toString(36).slice(2)}`, ...form });
}

/** A service with phone numbers in its pool (by SID). */
async function serviceWithNumbers(sids: string[] = [PN_A], form: Form = {}) {
  const service = await newService(form);
  for (const sid of sids) await created(emu, `/v1/Services/${service.sid}/PhoneNumbers`, { Sid: sid });
  return service;
}

const sessions = (service: string) => `/v1/Services/${service}/Sessions`;
const participants = (service: string, session: string) => `${sessions(service)}/${session}/Participants`;

async function sessionWith(service: string, identifiers: string[], form: Form = {}) {
  return created(emu, sessions(service), { ...form, Participants: identifiers.map((Identifier) => JSON.stringify({ Identifier })) });
}

async function listParticipants(service: string, session: string) {
  const res = await call('GET', participants(service, session));
  expect(res.status).toBe(200);
  return res.body.participants as Array<Record<string, any>>;
}

describe('services', () => {
  it('creates a service with every property, Twilio defaults and absolute links', async () => {
    const svc = await created(emu, '/v1/Services', { UniqueName: 'rides' });
    expect(Object.keys(svc).sort()).toEqual(propertiesOf('proxy.v1.service'));
    expect(svc).toMatchObject({
      account_sid: DEMO_ACCOUNT.accountSid,
      unique_name: 'rides',
      default_ttl: 0,
      geo_match_level: 'country',
      number_selection_behavior: 'prefer-sticky',
      callback_url: null,
      chat_instance_sid: null,
      url: `${emu.url}/v1/Services/${svc.sid}`,
      links: {
        phone_numbers: `${emu.url}/v1/Services/${svc.sid}/PhoneNumbers`,
        short_codes: `${emu.url}/v1/Services/${svc.sid}/ShortCodes`,
        sessions: `${emu.url}/v1/Services/${svc.sid}/Sessions`,
      },
    });
    expect(svc.sid).toMatch(/^KS[0-9a-f]{32}$/);
    expect(svc.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('lists, fetches by SID or unique name, updates only the given fields and deletes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const svc = await newService({ CallbackUrl: 'https://example.com/cb' });
    expect((await call('GET', '/v1/Services')).body.services.map((s: any) => s.sid)).toEqual([svc.sid]);
    expect((await call('GET', `/v1/Services/${svc.sid}`)).body).toEqual(svc);
    expect((await call('GET', `/v1/Services/${svc.unique_name}`)).body.sid).toBe(svc.sid);

    vi.setSystemTime(new Date('2026-03-01T10:05:00Z'));
    const updated = await call('POST', `/v1/Services/${svc.sid}`, { DefaultTtl: 3600, GeoMatchLevel: 'area-code' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      default_ttl: 3600,
      geo_match_level: 'area-code',
      callback_url: 'https://example.com/cb',
      unique_name: svc.unique_name,
    });
    expect(updated.body.date_created).toBe('2026-03-01T10:00:00Z');
    expect(updated.body.date_updated).toBe('2026-03-01T10:05:00Z');

    const del = await call('DELETE', `/v1/Services/${svc.sid}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expect((await call('GET', `/v1/Services/${svc.sid}`)).status).toBe(404);
  });

  it('refuses a duplicate unique name with 409 and code 80602, on create and on update', async () => {
    await newService({ UniqueName: 'taken' });
    expectTwilioError(await call('POST', '/v1/Services', { UniqueName: 'taken' }), 409, 80602, 'taken');
    const other = await newService();
    expectTwilioError(await call('POST', `/v1/Services/${other.sid}`, { UniqueName: 'taken' }), 409, 80602);
    expect((await call('GET', '/v1/Services')).body.services).toHaveLength(2);
  });

  it('names the parameter of a missing or invalid input', async () => {
    expectTwilioError(await call('POST', '/v1/Services', {}), 400, 20001, 'UniqueName');
    expectTwilioError(await call('POST', '/v1/Services', { UniqueName: 'x', GeoMatchLevel: 'planet' }), 400, 20001, 'GeoMatchLevel');
    expectTwilioError(await call('POST', '/v1/Services', { UniqueName: 'x', DefaultTtl: 'soon' }), 400, 20001, 'DefaultTtl');
    expectTwilioError(await call('POST', '/v1/Services', { UniqueName: 'x', ChatInstanceSid: 'IS123' }), 400, 20001, 'ChatInstanceSid');
    expectTwilioError(await call('POST', '/v1/Services', { UniqueName: 'u'.repeat(192) }), 400, 20001, 'UniqueName');
    expect((await call('GET', '/v1/Services')).body.services).toEqual([]);
  });

  it('links a Chat service only when it exists in the account', async () => {
    const missing = 'IS' + '0'.repeat(32);
    expectTwilioError(await call('POST', '/v1/Services', { UniqueName: 'x', ChatInstanceSid: missing }), 400, 20001, 'ChatInstanceSid');
    const chat = await created(emu, '/v2/Services', { FriendlyName: 'chat' });
    const svc = await newService({ ChatInstanceSid: chat.sid });
    expect(svc.chat_instance_sid).toBe(chat.sid);
  });

  it('answers 404 for an unknown or malformed SID and 401 without valid credentials', async () => {
    expectTwilioError(await call('GET', `/v1/Services/KS${'0'.repeat(32)}`), 404, 20404);
    expectTwilioError(await call('POST', '/v1/Services/KS123', { DefaultTtl: 1 }), 404, 20404);
    expectTwilioError(await call('GET', '/v1/Services/KS123/Sessions'), 404, 20404);
    const res = await twilioFetch(emu, 'GET', '/v1/Services', undefined, { auth: basicAuth(DEMO_ACCOUNT.accountSid, 'wrong') });
    expectTwilioError(res, 401, 20003);
  });

  it('deletes sessions, participants and the number pool with the service', async () => {
    const svc = await serviceWithNumbers();
    await created(emu, `/v1/Services/${svc.sid}/ShortCodes`, { Sid: SC_A });
    const session = await sessionWith(svc.sid, ['+15555550100']);
    expect((await call('DELETE', `/v1/Services/${svc.sid}`)).status).toBe(204);
    // Recreated with the same numbers: nothing of the old service survives, and the numbers are free again.
    const again = await serviceWithNumbers();
    await created(emu, `/v1/Services/${again.sid}/ShortCodes`, { Sid: SC_A });
    expect((await call('GET', `${sessions(svc.sid)}/${session.sid}`)).status).toBe(404);
    expect((await call('GET', `${sessions(again.sid)}`)).body.sessions).toEqual([]);
  });
});

describe('phone numbers', () => {
  it('keeps a given PN SID and gives it a realistic phone number', async () => {
    const svc = await newService();
    const pn = await created(emu, `/v1/Services/${svc.sid}/PhoneNumbers`, { Sid: PN_A });
    expect(Object.keys(pn).sort()).toEqual(propertiesOf('proxy.v1.service.phone_number'));
    expect(pn).toMatchObject({
      sid: PN_A,
      service_sid: svc.sid,
      account_sid: DEMO_ACCOUNT.accountSid,
      iso_country: 'US',
      is_reserved: false,
      in_use: 0,
      capabilities: { voice_inbound: true, sms_outbound: true },
      url: `${emu.url}/v1/Services/${svc.sid}/PhoneNumbers/${PN_A}`,
    });
    expect(pn.phone_number).toMatch(/^\+1[2-9]\d{9}$/);
    expect(pn.friendly_name).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/);
  });

  it('makes a PN SID for a given number, the same one each time the number is added', async () => {
    const svc = await newService();
    const pn = await created(emu, `/v1/Services/${svc.sid}/PhoneNumbers`, { PhoneNumber: '+14155550100', IsReserved: true });
    expect(pn).toMatchObject({ phone_number: '+14155550100', friendly_name: '(415) 555-0100', is_reserved: true, iso_country: 'US' });
    expect(pn.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect((await call('DELETE', `/v1/Services/${svc.sid}/PhoneNumbers/${pn.sid}`)).status).toBe(204);
    const again = await created(emu, `/v1/Services/${svc.sid}/PhoneNumbers`, { PhoneNumber: '+14155550100' });
    expect(again.sid).toBe(pn.sid);
    const bySid = await newService();
    expect((await call('POST', `/v1/Services/${svc.sid}/PhoneNumbers/${pn.sid}`, { IsReserved: false })).status).toBe(200);
    expect((await call('DELETE', `/v1/Services/${svc.sid}/PhoneNumbers/${pn.sid}`)).status).toBe(204);
    expect((await created(emu, `/v1/Services/${bySid.sid}/PhoneNumbers`, { Sid: pn.sid })).phone_number).toBe('+14155550100');
  });

  it('lists, fetches, updates IsReserved and deletes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const svc = await serviceWithNumbers([PN_A, PN_B]);
    const base = `/v1/Services/${svc.sid}/PhoneNumbers`;
    expect((await call('GET', base)).body.phone_numbers.map((p: any) => p.sid)).toEqual([PN_A, PN_B]);
    const fetched = await call('GET', `${base}/${PN_B}`);
    expect(fetched.status).toBe(200);
    vi.setSystemTime(new Date('2026-03-01T11:00:00Z'));
    const updated = await call('POST', `${base}/${PN_B}`, { IsReserved: true });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...fetched.body, is_reserved: true, date_updated: '2026-03-01T11:00:00Z' });
    expect((await call('DELETE', `${base}/${PN_B}`)).status).toBe(204);
    expectTwilioError(await call('GET', `${base}/${PN_B}`), 404, 20404);
    expectTwilioError(await call('GET', `${base}/PN123`), 404, 20404);
  });

  it('needs Sid or PhoneNumber, each well formed', async () => {
    const svc = await newService();
    const base = `/v1/Services/${svc.sid}/PhoneNumbers`;
    expectTwilioError(await call('POST', base, {}), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('POST', base, { Sid: 'PN123' }), 400, 20001, 'Sid');
    expectTwilioError(await call('POST', base, { PhoneNumber: '4155550100' }), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('POST', base, { IsReserved: 'maybe', Sid: PN_A }), 400, 20001, 'IsReserved');
    expect((await call('GET', base)).body.phone_numbers).toEqual([]);
  });

  it('adds a number to one service only, once', async () => {
    const svc = await serviceWithNumbers([PN_A]);
    expectTwilioError(await call('POST', `/v1/Services/${svc.sid}/PhoneNumbers`, { Sid: PN_A }), 409, 80104);
    const number = (await call('GET', `/v1/Services/${svc.sid}/PhoneNumbers/${PN_A}`)).body.phone_number;
    expectTwilioError(await call('POST', `/v1/Services/${svc.sid}/PhoneNumbers`, { PhoneNumber: number }), 409, 80104);
    const other = await newService();
    expectTwilioError(await call('POST', `/v1/Services/${other.sid}/PhoneNumbers`, { Sid: PN_A }), 400, 80601, svc.sid);
    expect((await call('GET', `/v1/Services/${other.sid}/PhoneNumbers`)).body.phone_numbers).toEqual([]);
  });

  it('refuses a Sid and PhoneNumber that name different numbers', async () => {
    await serviceWithNumbers([PN_A]);
    const other = await newService();
    expectTwilioError(await call('POST', `/v1/Services/${other.sid}/PhoneNumbers`, { Sid: PN_A, PhoneNumber: '+14155550199' }), 400, 80601, 'PhoneNumber');
    expect((await call('GET', `/v1/Services/${other.sid}/PhoneNumbers`)).body.phone_numbers).toEqual([]);
  });

  it('counts the active sessions using a number in in_use', async () => {
    const svc = await serviceWithNumbers([PN_A]);
    const first = await sessionWith(svc.sid, ['+15555550100', '+15555550101']);
    await sessionWith(svc.sid, ['+15555550102']);
    const inUse = async () => (await call('GET', `/v1/Services/${svc.sid}/PhoneNumbers/${PN_A}`)).body.in_use;
    expect(await inUse()).toBe(2);
    await call('POST', `${sessions(svc.sid)}/${first.sid}`, { Status: 'closed' });
    expect(await inUse()).toBe(1);
  });
});

describe('short codes', () => {
  it('adds a short code by SID with its code, and lists, fetches, updates and deletes it', async () => {
    const svc = await newService();
    const base = `/v1/Services/${svc.sid}/ShortCodes`;
    const sc = await created(emu, base, { Sid: SC_A });
    expect(Object.keys(sc).sort()).toEqual(propertiesOf('proxy.v1.service.short_code'));
    expect(sc).toMatchObject({
      sid: SC_A,
      service_sid: svc.sid,
      iso_country: 'US',
      is_reserved: false,
      capabilities: { sms_outbound: true, voice_inbound: false },
    });
    expect(sc.short_code).toMatch(/^\d{5}$/);
    expect((await call('GET', base)).body.short_codes).toEqual([sc]);
    expect((await call('GET', `${base}/${SC_A}`)).body).toEqual(sc);
    expect((await call('POST', `${base}/${SC_A}`, { IsReserved: true })).body).toMatchObject({ is_reserved: true, short_code: sc.short_code });
    expect((await call('DELETE', `${base}/${SC_A}`)).status).toBe(204);
    expect((await call('GET', `${base}/${SC_A}`)).status).toBe(404);
  });

  it('needs a well-formed Sid, once per service and in one service', async () => {
    const svc = await newService();
    const base = `/v1/Services/${svc.sid}/ShortCodes`;
    expectTwilioError(await call('POST', base, {}), 400, 20001, 'Sid');
    expectTwilioError(await call('POST', base, { Sid: PN_A }), 400, 20001, 'Sid');
    await created(emu, base, { Sid: SC_A });
    expectTwilioError(await call('POST', base, { Sid: SC_A }), 409, 80104);
    const other = await newService();
    expectTwilioError(await call('POST', `/v1/Services/${other.sid}/ShortCodes`, { Sid: SC_A }), 400, 80601);
  });
});

describe('sessions', () => {
  it('creates a session with every property and Twilio defaults', async () => {
    const svc = await newService({ DefaultTtl: 600 });
    const session = await created(emu, sessions(svc.sid), { UniqueName: 'order-1' });
    expect(Object.keys(session).sort()).toEqual(propertiesOf('proxy.v1.service.session'));
    expect(session).toMatchObject({
      service_sid: svc.sid,
      unique_name: 'order-1',
      status: 'open',
      mode: 'voice-and-message',
      ttl: 600,
      date_ended: null,
      date_last_interaction: null,
      closed_reason: null,
      links: {
        participants: `${emu.url}/v1/Services/${svc.sid}/Sessions/${session.sid}/Participants`,
        interactions: `${emu.url}/v1/Services/${svc.sid}/Sessions/${session.sid}/Interactions`,
      },
    });
    expect(session.date_started).toBe(session.date_created);
  });

  it('takes Mode, Ttl and DateExpiry, and refuses a bad Mode naming it', async () => {
    const svc = await newService();
    const session = await created(emu, sessions(svc.sid), { Mode: 'message-only', Ttl: 60, DateExpiry: '2030-01-01T00:00:00+01:00' });
    expect(session).toMatchObject({ mode: 'message-only', ttl: 60, date_expiry: '2029-12-31T23:00:00Z' });
    expectTwilioError(await call('POST', sessions(svc.sid), { Mode: 'video' }), 400, 20001, 'Mode');
    expectTwilioError(await call('POST', sessions(svc.sid), { DateExpiry: 'tomorrow' }), 400, 20001, 'DateExpiry');
  });

  it('lists, fetches by SID or unique name, updates and deletes with its participants', async () => {
    const svc = await serviceWithNumbers();
    const session = await sessionWith(svc.sid, ['+15555550100'], { UniqueName: 'order-2' });
    expect((await call('GET', sessions(svc.sid))).body.sessions.map((s: any) => s.sid)).toEqual([session.sid]);
    expect((await call('GET', `${sessions(svc.sid)}/order-2`)).body.sid).toBe(session.sid);
    const updated = await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Ttl: 120 });
    expect(updated.body).toMatchObject({ ttl: 120, unique_name: 'order-2', status: 'open' });
    const [participant] = await listParticipants(svc.sid, session.sid);
    expect((await call('DELETE', `${sessions(svc.sid)}/${session.sid}`)).status).toBe(204);
    expect((await call('GET', `${participants(svc.sid, session.sid)}/${participant!.sid}`)).status).toBe(404);
    expect((await call('GET', `${sessions(svc.sid)}/order-2`)).status).toBe(404);
  });

  it('refuses a duplicate unique name with 409 and code 80603', async () => {
    const svc = await newService();
    await created(emu, sessions(svc.sid), { UniqueName: 'same' });
    expectTwilioError(await call('POST', sessions(svc.sid), { UniqueName: 'same' }), 409, 80603, 'same');
    // Unique within a service only.
    const other = await newService();
    await created(emu, sessions(other.sid), { UniqueName: 'same' });
  });

  it('addresses sessions by SID only where the spec has a SID pattern', async () => {
    const svc = await newService();
    await created(emu, sessions(svc.sid), { UniqueName: 'by-name' });
    expectTwilioError(await call('POST', `${sessions(svc.sid)}/by-name`, { Ttl: 1 }), 404, 20404);
    expectTwilioError(await call('DELETE', `${sessions(svc.sid)}/by-name`), 404, 20404);
    expectTwilioError(await call('GET', `${sessions(svc.sid)}/by-name/Participants`), 404, 20404);
  });

  it('closes a session, which then refuses updates, participants and messages', async () => {
    const svc = await serviceWithNumbers();
    const session = await sessionWith(svc.sid, ['+15555550100']);
    const [participant] = await listParticipants(svc.sid, session.sid);
    const closed = await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: 'closed' });
    expect(closed.body).toMatchObject({ status: 'closed' });
    expect(closed.body.date_ended).toMatch(/Z$/);
    expectTwilioError(await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Ttl: 5 }), 400, 80607);
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), { Identifier: '+15555550101' }), 400, 80607);
    const mi = `${participants(svc.sid, session.sid)}/${participant!.sid}/MessageInteractions`;
    expectTwilioError(await call('POST', mi, { Body: 'hi' }), 400, 80607);
    expect((await call('GET', mi)).body.interactions).toEqual([]);
  });

  it('re-opens a closed session with in-progress, unless its pairs are in use elsewhere', async () => {
    const svc = await serviceWithNumbers();
    const session = await sessionWith(svc.sid, ['+15555550100']);
    await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: 'closed' });
    const reopened = await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: 'in-progress' });
    expect(reopened.body).toMatchObject({ status: 'in-progress', date_ended: null });

    await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: 'closed' });
    await sessionWith(svc.sid, ['+15555550100']); // takes the same number for the same identifier
    expectTwilioError(await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: 'in-progress' }), 400, 80604);
    expect((await call('GET', `${sessions(svc.sid)}/${session.sid}`)).body.status).toBe('closed');
  });

  it('refuses status changes Twilio does not support with 80608', async () => {
    const svc = await newService();
    const session = await created(emu, sessions(svc.sid), {});
    for (const status of ['open', 'failed', 'unknown']) {
      expectTwilioError(await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: status }), 400, 80608);
    }
    expectTwilioError(await call('POST', `${sessions(svc.sid)}/${session.sid}`, { Status: 'shut' }), 400, 20001, 'Status');
  });

  it('creates the participants given in Participants (JSON objects, as helper libraries send them)', async () => {
    const svc = await serviceWithNumbers();
    const session = await created(emu, sessions(svc.sid), {
      Participants: [
        JSON.stringify({ Identifier: '+15555550100', FriendlyName: 'Alice' }),
        JSON.stringify({ identifier: '+15555550101', friendly_name: 'Bob' }),
      ],
    });
    const list = await listParticipants(svc.sid, session.sid);
    expect(list.map((p) => [p.identifier, p.friendly_name, p.proxy_identifier_sid])).toEqual([
      ['+15555550100', 'Alice', PN_A],
      ['+15555550101', 'Bob', PN_A],
    ]);
    expect(list[0]!.session_sid).toBe(session.sid);
  });

  it('creates nothing when a participant of Participants is refused', async () => {
    const svc = await serviceWithNumbers();
    const three = ['+15555550100', '+15555550101', '+15555550102'].map((Identifier) => JSON.stringify({ Identifier }));
    expectTwilioError(await call('POST', sessions(svc.sid), { UniqueName: 'big', Participants: three }), 400, 80609);
    expectTwilioError(await call('POST', sessions(svc.sid), { Participants: ['{"FriendlyName":"nobody"}'] }), 400, 20001, 'Identifier');
    expectTwilioError(await call('POST', sessions(svc.sid), { Participants: ['not json'] }), 400, 20001, 'Participants');
    expectTwilioError(await call('POST', sessions(svc.sid), { Participants: ['"+15555550100"'] }), 400, 20001, 'Participants');
    const dup = ['+15555550100', '+15555550100'].map((Identifier) => JSON.stringify({ Identifier }));
    expectTwilioError(await call('POST', sessions(svc.sid), { UniqueName: 'dup', Participants: dup }), 400, 80103);
    const empty = await newService();
    expectTwilioError(await call('POST', sessions(empty.sid), { Participants: [JSON.stringify({ Identifier: '+15555550100' })] }), 400, 80205);
    expect((await call('GET', sessions(svc.sid))).body.sessions).toEqual([]);
    expect((await call('GET', sessions(empty.sid))).body.sessions).toEqual([]);
  });
});

describe('participants and proxy identifiers', () => {
  it('creates a participant with every property and a number from the pool', async () => {
    const svc = await serviceWithNumbers();
    const session = await created(emu, sessions(svc.sid), {});
    const p = await created(emu, participants(svc.sid, session.sid), { Identifier: '+15555550100', FriendlyName: 'Alice' });
    expect(Object.keys(p).sort()).toEqual(propertiesOf('proxy.v1.service.session.participant'));
    const number = (await call('GET', `/v1/Services/${svc.sid}/PhoneNumbers/${PN_A}`)).body.phone_number;
    expect(p).toMatchObject({
      identifier: '+15555550100',
      friendly_name: 'Alice',
      proxy_identifier: number,
      proxy_identifier_sid: PN_A,
      session_sid: session.sid,
      service_sid: svc.sid,
      date_deleted: null,
      links: { message_interactions: `${emu.url}/v1/Services/${svc.sid}/Sessions/${session.sid}/Participants/${p.sid}/MessageInteractions` },
    });
    expect((await call('GET', `${participants(svc.sid, session.sid)}/${p.sid}`)).body).toEqual(p);
    expect((await call('DELETE', `${participants(svc.sid, session.sid)}/${p.sid}`)).status).toBe(204);
    expect((await call('GET', `${participants(svc.sid, session.sid)}/${p.sid}`)).status).toBe(404);
  });

  it('holds at most two participants, each identifier once', async () => {
    const svc = await serviceWithNumbers();
    const session = await sessionWith(svc.sid, ['+15555550100']);
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), { Identifier: '+15555550100' }), 400, 80103);
    await created(emu, participants(svc.sid, session.sid), { Identifier: '+15555550101' });
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), { Identifier: '+15555550102' }), 400, 80609, 'at most 2');
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), {}), 400, 20001, 'Identifier');
    expect(await listParticipants(svc.sid, session.sid)).toHaveLength(2);
  });

  it('gives an identifier a different number in each active session, and fails with 80208 when none is left', async () => {
    const svc = await serviceWithNumbers([PN_A, PN_B]);
    const first = await sessionWith(svc.sid, ['+15555550100']);
    const second = await sessionWith(svc.sid, ['+15555550100']);
    expect((await listParticipants(svc.sid, first.sid))[0]!.proxy_identifier_sid).toBe(PN_A);
    expect((await listParticipants(svc.sid, second.sid))[0]!.proxy_identifier_sid).toBe(PN_B);
    // Another identifier may share the numbers.
    await sessionWith(svc.sid, ['+15555550199']);
    expectTwilioError(await call('POST', sessions(svc.sid), { Participants: [JSON.stringify({ Identifier: '+15555550100' })] }), 400, 80208, '+15555550100');
    // Closing a session frees its pairs.
    await call('POST', `${sessions(svc.sid)}/${first.sid}`, { Status: 'closed' });
    const third = await sessionWith(svc.sid, ['+15555550100']);
    expect((await listParticipants(svc.sid, third.sid))[0]!.proxy_identifier_sid).toBe(PN_A);
  });

  it('uses reserved numbers only when asked for', async () => {
    const svc = await newService();
    await created(emu, `/v1/Services/${svc.sid}/PhoneNumbers`, { Sid: PN_A, IsReserved: true });
    const session = await created(emu, sessions(svc.sid), {});
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), { Identifier: '+15555550100' }), 400, 80207);
    const p = await created(emu, participants(svc.sid, session.sid), { Identifier: '+15555550100', ProxyIdentifierSid: PN_A });
    expect(p.proxy_identifier_sid).toBe(PN_A);
    await created(emu, `/v1/Services/${svc.sid}/PhoneNumbers`, { Sid: PN_B });
    expect((await created(emu, participants(svc.sid, session.sid), { Identifier: '+15555550101' })).proxy_identifier_sid).toBe(PN_B);
  });

  it('takes a proxy identifier by number or SID, from the pool, unless its pair is in use', async () => {
    const svc = await serviceWithNumbers([PN_A, PN_B]);
    const numberB = (await call('GET', `/v1/Services/${svc.sid}/PhoneNumbers/${PN_B}`)).body.phone_number;
    const session = await created(emu, sessions(svc.sid), {});
    const p = await created(emu, participants(svc.sid, session.sid), { Identifier: '+15555550100', ProxyIdentifier: numberB });
    expect(p).toMatchObject({ proxy_identifier: numberB, proxy_identifier_sid: PN_B });

    const other = await created(emu, sessions(svc.sid), {});
    const base = participants(svc.sid, other.sid);
    expectTwilioError(await call('POST', base, { Identifier: '+15555550100', ProxyIdentifierSid: PN_B }), 400, 80604);
    expectTwilioError(await call('POST', base, { Identifier: '+15555550100', ProxyIdentifier: '+14155550123' }), 400, 80601, 'ProxyIdentifier');
    expectTwilioError(await call('POST', base, { Identifier: '+15555550100', ProxyIdentifierSid: 'PN' + 'c'.repeat(32) }), 400, 80601, 'ProxyIdentifierSid');
    expectTwilioError(await call('POST', base, { Identifier: '+15555550100', ProxyIdentifierSid: 'SC' + 'c'.repeat(32) }), 400, 20001, 'ProxyIdentifierSid');
    expectTwilioError(
      await call('POST', base, { Identifier: '+15555550100', ProxyIdentifierSid: PN_A, ProxyIdentifier: numberB }),
      400,
      20001,
      'ProxyIdentifier',
    );
    expect(await listParticipants(svc.sid, other.sid)).toEqual([]);
  });

  it('prefers the number an identifier had before, or avoids it, as the service says', async () => {
    for (const [behaviour, expected] of [
      ['prefer-sticky', PN_B],
      ['avoid-sticky', PN_A],
    ] as const) {
      const svc = await serviceWithNumbers(
        [PN_A, PN_B].map((s) => s.replace(/^PN./, behaviour === 'prefer-sticky' ? 'PN1' : 'PN2')),
        {
          NumberSelectionBehavior: behaviour,
        },
      );
      const [a, b] = (await call('GET', `/v1/Services/${svc.sid}/PhoneNumbers`)).body.phone_numbers.map((p: any) => p.sid);
      const earlier = await created(emu, sessions(svc.sid), {});
      const p = await created(emu, participants(svc.sid, earlier.sid), { Identifier: '+15555550100', ProxyIdentifierSid: b });
      expect(p.proxy_identifier_sid).toBe(b);
      await call('POST', `${sessions(svc.sid)}/${earlier.sid}`, { Status: 'closed' });
      const later = await sessionWith(svc.sid, ['+15555550100']);
      const chosen = (await listParticipants(svc.sid, later.sid))[0]!.proxy_identifier_sid;
      expect(chosen, behaviour).toBe(expected === PN_B ? b : a);
    }
  });

  it('matches the participant country and refuses channel identifiers outside message-only sessions', async () => {
    const svc = await serviceWithNumbers();
    const session = await created(emu, sessions(svc.sid), {});
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), { Identifier: '+447700900123' }), 400, 80203, 'GB');
    expectTwilioError(await call('POST', participants(svc.sid, session.sid), { Identifier: 'messenger:123' }), 400, 80616);
    const chat = await created(emu, sessions(svc.sid), { Mode: 'message-only' });
    expect((await created(emu, participants(svc.sid, chat.sid), { Identifier: 'messenger:123' })).proxy_identifier_sid).toBe(PN_A);
  });

  it('allocates short codes to message-only sessions only', async () => {
    const svc = await newService();
    const sc = await created(emu, `/v1/Services/${svc.sid}/ShortCodes`, { Sid: SC_A });
    const voice = await created(emu, sessions(svc.sid), {});
    expectTwilioError(await call('POST', participants(svc.sid, voice.sid), { Identifier: '+15555550100' }), 400, 80205);
    const sms = await created(emu, sessions(svc.sid), { Mode: 'message-only' });
    const p = await created(emu, participants(svc.sid, sms.sid), { Identifier: '+15555550100' });
    expect(p).toMatchObject({ proxy_identifier: sc.short_code, proxy_identifier_sid: SC_A });
  });

  it('answers 404 for participants of unknown sessions and malformed SIDs', async () => {
    const svc = await newService();
    expectTwilioError(await call('POST', participants(svc.sid, 'KC' + '0'.repeat(32)), { Identifier: '+15555550100' }), 404, 20404);
    expectTwilioError(await call('GET', `${participants(svc.sid, 'KC' + '0'.repeat(32))}/KP123`), 404, 20404);
  });
});

describe('interactions', () => {
  async function conversation() {
    const svc = await serviceWithNumbers();
    const session = await sessionWith(svc.sid, ['+15555550100', '+15555550101']);
    const [alice, bob] = await listParticipants(svc.sid, session.sid);
    const mi = (p: any) => `${participants(svc.sid, session.sid)}/${p.sid}/MessageInteractions`;
    return { svc, session, alice: alice!, bob: bob!, mi, interactions: `${sessions(svc.sid)}/${session.sid}/Interactions` };
  }

  it('sends a message interaction that is also an interaction of the session, with the same SID', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const { svc, session, alice, mi, interactions } = await conversation();
    vi.setSystemTime(new Date('2026-03-01T10:30:00Z'));
    const sent = await created(emu, mi(alice), { Body: 'Your driver is here' });
    expect(Object.keys(sent).sort()).toEqual(propertiesOf('proxy.v1.service.session.participant.message_interaction'));
    expect(sent).toMatchObject({
      type: 'message',
      data: JSON.stringify({ body: 'Your driver is here' }),
      participant_sid: alice.sid,
      outbound_participant_sid: alice.sid,
      outbound_resource_type: 'Message',
      outbound_resource_status: 'sent',
      inbound_participant_sid: null,
      inbound_resource_sid: null,
      session_sid: session.sid,
      service_sid: svc.sid,
      url: `${emu.url}${mi(alice)}/${sent.sid}`,
    });
    expect(sent.sid).toMatch(/^KI[0-9a-f]{32}$/);
    expect(sent.outbound_resource_sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(JSON.parse(sent.data)).toEqual({ body: 'Your driver is here' });

    const interaction = await call('GET', `${interactions}/${sent.sid}`);
    expect(interaction.status).toBe(200);
    expect(Object.keys(interaction.body).sort()).toEqual(propertiesOf('proxy.v1.service.session.interaction'));
    const { participant_sid: _p, url: _u, ...shared } = sent;
    expect(interaction.body).toMatchObject(shared);
    expect((await call('GET', interactions)).body.interactions.map((i: any) => i.sid)).toEqual([sent.sid]);
    expect((await call('GET', `${mi(alice)}/${sent.sid}`)).body).toEqual(sent);
    expect((await call('GET', mi(alice))).body.interactions).toEqual([sent]);

    const after = (await call('GET', `${sessions(svc.sid)}/${session.sid}`)).body;
    expect(after).toMatchObject({ status: 'in-progress', date_last_interaction: '2026-03-01T10:30:00Z', date_updated: '2026-03-01T10:30:00Z' });
  });

  it('keeps each participant to its own message interactions', async () => {
    const { alice, bob, mi, interactions } = await conversation();
    const toAlice = await created(emu, mi(alice), { Body: 'a' });
    const toBob = await created(emu, mi(bob), { Body: 'b' });
    expect((await call('GET', mi(bob))).body.interactions.map((i: any) => i.sid)).toEqual([toBob.sid]);
    expect((await call('GET', `${mi(bob)}/${toAlice.sid}`)).status).toBe(404);
    expect((await call('GET', interactions)).body.interactions.map((i: any) => i.sid)).toEqual([toAlice.sid, toBob.sid]);
  });

  it('needs a Body', async () => {
    const { alice, mi, interactions } = await conversation();
    expectTwilioError(await call('POST', mi(alice), {}), 400, 20001, 'Body');
    expectTwilioError(await call('POST', mi(alice), { MediaUrl: 'not a url' }), 400, 20001, 'MediaUrl');
    expect((await call('GET', interactions)).body.interactions).toEqual([]);
  });

  it('deletes an interaction with its message interaction; a deleted participant takes its message interactions', async () => {
    const { svc, session, alice, bob, mi, interactions } = await conversation();
    const one = await created(emu, mi(alice), { Body: 'one' });
    const two = await created(emu, mi(bob), { Body: 'two' });
    expect((await call('DELETE', `${interactions}/${one.sid}`)).status).toBe(204);
    expect((await call('GET', `${interactions}/${one.sid}`)).status).toBe(404);
    expect((await call('GET', `${mi(alice)}/${one.sid}`)).status).toBe(404);
    expect((await call('DELETE', `${participants(svc.sid, session.sid)}/${bob.sid}`)).status).toBe(204);
    expect((await call('GET', mi(bob))).status).toBe(404);
    // The session's record of the conversation stays.
    expect((await call('GET', `${interactions}/${two.sid}`)).status).toBe(200);
    expectTwilioError(await call('GET', `${interactions}/KI123`), 404, 20404);
    expectTwilioError(await call('DELETE', `${interactions}/KI${'0'.repeat(32)}`), 404, 20404);
  });
});
