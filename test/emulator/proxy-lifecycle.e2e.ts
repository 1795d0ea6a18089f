/**
 * The Proxy session lifecycle in the emulator, through the official `twilio`
 * library: expiry by `Ttl`, `DateExpiry` and the service's `DefaultTtl` as of
 * the emulator's clock (moved, never slept), the status changes Twilio allows
 * and its codes for the others, at most two participants, and how a proxy
 * number is chosen from the pool (country, area code, overlay; sticky or not).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { expectRestException, twilioClientFor } from '../support/twilio-library.ts';

let emu: Emulator;
let client: twilio.Twilio;
const proxy = () => client.proxy.v1;

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

beforeAll(async () => {
  emu = await createEmulator({ port: 0 });
  client = twilioClientFor(emu.url);
});
afterAll(() => emu?.close());
beforeEach(() => {
  emu.reset('none');
  emu.clock.freeze(T0);
});

/** A service with these numbers in its pool. */
async function serviceWith(numbers: string[], options: Parameters<twilio.Twilio['proxy']['v1']['services']['create']>[0] | object = {}) {
  const service = await proxy().services.create({ uniqueName: `svc-${Math.random().toString(36).slice(2)}`, ...options });
  for (const phoneNumber of numbers) await proxy().services(service.sid).phoneNumbers.create({ phoneNumber });
  return proxy().services(service.sid);
}

const pair = (a = '+15555550100', b = '+15555550101') => [{ Identifier: a }, { Identifier: b }];

describe('expiry as of the clock', () => {
  it('closes a session Ttl seconds after its create, with closed_reason, and frees its numbers', async () => {
    const service = await serviceWith(['+14155550001']);
    const session = await service.sessions.create({ uniqueName: 'short', ttl: 60, participants: pair() });
    expect(session).toMatchObject({ status: 'open', ttl: 60, closedReason: null, dateEnded: null });
    expect((await service.phoneNumbers.list())[0]!.inUse).toBe(1);

    emu.clock.advance(60 * SECOND - 1);
    expect((await service.sessions('short').fetch()).status).toBe('open');
    emu.clock.advance(1);
    const expired = await service.sessions('short').fetch();
    expect(expired).toMatchObject({ status: 'closed', closedReason: 'ttl', dateEnded: at(60 * SECOND), dateUpdated: at(60 * SECOND) });
    expect((await service.phoneNumbers.list())[0]!.inUse).toBe(0);
    // Its identifiers may take the same number in a new session.
    await service.sessions.create({ participants: pair() });
  });

  it('takes an expired session out of in_use at the first read after it expires, though in_use was just counted', async () => {
    const service = await serviceWith(['+14155550001']);
    await service.sessions.create({ ttl: 60, participants: pair() });
    const [number] = await service.phoneNumbers.list();
    expect(number!.inUse).toBe(1);
    // No write in between: this count is the one kept since the tables last changed.
    expect((await service.phoneNumbers(number!.sid).fetch()).inUse).toBe(1);
    emu.clock.advance(60 * SECOND);
    // The read that finds the session expired closes it first, a change the kept count must see.
    expect((await service.phoneNumbers(number!.sid).fetch()).inUse).toBe(0);
    expect(await service.sessions.list()).toMatchObject([{ status: 'closed', closedReason: 'ttl' }]);
  });

  it('measures the Ttl from the last interaction', async () => {
    const service = await serviceWith(['+14155550001']);
    const session = await service.sessions.create({ ttl: 60, participants: pair() });
    const [participant] = await service.sessions(session.sid).participants.list();
    emu.clock.advance(50 * SECOND);
    await service.sessions(session.sid).participants(participant!.sid).messageInteractions.create({ body: 'on my way' });
    emu.clock.advance(60 * SECOND - 1);
    expect((await service.sessions(session.sid).fetch()).status).toBe('in-progress');
    emu.clock.advance(1);
    expect(await service.sessions(session.sid).fetch()).toMatchObject({ status: 'closed', closedReason: 'ttl', dateEnded: at(110 * SECOND) });
  });

  it("takes the service's DefaultTtl, and DateExpiry overrides any Ttl", async () => {
    const service = await serviceWith(['+14155550001'], { defaultTtl: 30 });
    const byDefault = await service.sessions.create({ participants: pair() });
    expect(byDefault.ttl).toBe(30);
    const dated = await service.sessions.create({ ttl: 5, dateExpiry: at(10 * MINUTE), participants: pair('+15555550102', '+15555550103') });

    emu.clock.advance(30 * SECOND);
    expect((await service.sessions(byDefault.sid).fetch()).status).toBe('closed');
    expect((await service.sessions(dated.sid).fetch()).status).toBe('open');
    emu.clock.advance(10 * MINUTE - 30 * SECOND);
    expect(await service.sessions(dated.sid).fetch()).toMatchObject({ status: 'closed', closedReason: 'date-expiry', dateEnded: at(10 * MINUTE) });
    // A later DateExpiry set by update moves the expiry.
    const moved = await service.sessions.create({ dateExpiry: at(11 * MINUTE) });
    await service.sessions(moved.sid).update({ dateExpiry: at(20 * MINUTE) });
    emu.clock.advance(5 * MINUTE);
    expect((await service.sessions(moved.sid).fetch()).status).toBe('open');
  });

  it("with neither Ttl nor DateExpiry, after Twilio's default of 90 days", async () => {
    const service = await serviceWith([]);
    const session = await service.sessions.create({});
    expect(session.ttl).toBe(0);
    emu.clock.advance(90 * DAY - 1);
    expect((await service.sessions(session.sid).fetch()).status).toBe('open');
    emu.clock.advance(1);
    expect((await service.sessions(session.sid).fetch()).closedReason).toBe('ttl');
  });

  it('follows a clock moved through the control API', async () => {
    const service = await serviceWith([]);
    const session = await service.sessions.create({ ttl: 3600 });
    const move = await fetch(`${emu.url}/__emulator/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 3600 * SECOND }) });
    expect(await move.json()).toEqual({ now: '2026-03-01T11:00:00Z', frozen: true, offsetMs: expect.any(Number) });
    expect((await service.sessions(session.sid).fetch()).status).toBe('closed');
  });
});

describe('status changes', () => {
  it('closes an open or in-progress session, and refuses every other change with 80608', async () => {
    const service = await serviceWith(['+14155550001']);
    const session = await service.sessions.create({ participants: pair() });
    const s = service.sessions(session.sid);
    await expectRestException(s.update({ status: 'in-progress' }), 400, 80608);
    await expectRestException(s.update({ status: 'open' }), 400, 80608);
    expect((await s.fetch()).status).toBe('open');
    const [participant] = await s.participants.list();
    await s.participants(participant!.sid).messageInteractions.create({ body: 'hello' });
    expect((await s.fetch()).status).toBe('in-progress');
    await expectRestException(s.update({ status: 'open' }), 400, 80608);
    emu.clock.advance(MINUTE);
    expect(await s.update({ status: 'closed' })).toMatchObject({ status: 'closed', dateEnded: at(MINUTE), closedReason: null });

    const failed = await service.sessions.create({ status: 'failed' });
    await expectRestException(service.sessions(failed.sid).update({ status: 'closed' }), 400, 80608);
  });

  it('takes no update of a closed session but a re-open (80607), which starts its Ttl afresh', async () => {
    const service = await serviceWith(['+14155550001']);
    const session = await service.sessions.create({ ttl: 60, participants: pair() });
    const s = service.sessions(session.sid);
    const [participant] = await s.participants.list();
    emu.clock.advance(60 * SECOND);

    await expectRestException(s.update({ ttl: 600 }), 400, 80607);
    await expectRestException(s.update({ status: 'closed' }), 400, 80607);
    await expectRestException(s.participants(participant!.sid).messageInteractions.create({ body: 'too late' }), 400, 80607);
    expect(await s.fetch()).toMatchObject({ status: 'closed', ttl: 60, dateEnded: at(60 * SECOND) });
    expect(await s.interactions.list()).toEqual([]);

    emu.clock.advance(MINUTE);
    expect(await s.update({ status: 'in-progress' })).toMatchObject({ status: 'in-progress', closedReason: null, dateEnded: null });
    emu.clock.advance(60 * SECOND - 1);
    expect((await s.fetch()).status).toBe('in-progress');
    emu.clock.advance(1);
    expect(await s.fetch()).toMatchObject({ status: 'closed', closedReason: 'ttl', dateEnded: at(3 * MINUTE) });
  });

  it('refuses to re-open a session whose pair is in use in another active session (80604)', async () => {
    const service = await serviceWith(['+14155550001']);
    const first = await service.sessions.create({ participants: pair() });
    await service.sessions(first.sid).update({ status: 'closed' });
    await service.sessions.create({ participants: pair() });
    await expectRestException(service.sessions(first.sid).update({ status: 'in-progress' }), 400, 80604);
    expect((await service.sessions(first.sid).fetch()).status).toBe('closed');
  });
});

describe('participants and proxy numbers', () => {
  it('takes at most two participants (80609): a session asked for three is not created', async () => {
    const service = await serviceWith(['+14155550001']);
    await expectRestException(service.sessions.create({ uniqueName: 'crowd', participants: [...pair(), { Identifier: '+15555550102' }] }), 400, 80609);
    expect(await service.sessions.list()).toEqual([]);
    const session = await service.sessions.create({ participants: pair() });
    await expectRestException(service.sessions(session.sid).participants.create({ identifier: '+15555550102' }), 400, 80609);
    expect(await service.sessions(session.sid).participants.list()).toHaveLength(2);
  });

  it('gives both participants the first free number, and another one to an identifier already using it', async () => {
    const service = await serviceWith(['+14155550001', '+14155550002']);
    const first = await service.sessions.create({ participants: pair() });
    expect((await service.sessions(first.sid).participants.list()).map((p) => p.proxyIdentifier)).toEqual(['+14155550001', '+14155550001']);
    const second = await service.sessions.create({ participants: pair('+15555550100', '+15555550199') });
    expect((await service.sessions(second.sid).participants.list()).map((p) => p.proxyIdentifier)).toEqual(['+14155550002', '+14155550001']);
  });

  it("matches the participant's area code at GeoMatchLevel area-code, and refuses with 80206 when none is free", async () => {
    const service = await serviceWith(['+13125550001', '+14155550001', '+16285550001'], { geoMatchLevel: 'area-code' });
    const session = await service.sessions.create({});
    const participants = service.sessions(session.sid).participants;
    expect((await participants.create({ identifier: '+14155550100' })).proxyIdentifier).toBe('+14155550001');
    expect((await participants.create({ identifier: '+16285550100' })).proxyIdentifier).toBe('+16285550001');

    const other = await service.sessions.create({});
    const error = await expectRestException(service.sessions(other.sid).participants.create({ identifier: '+17735550100' }), 400, 80206);
    expect(error.message).toMatch(/GeoMatchLevel/);
    expect(await service.sessions(other.sid).participants.list()).toEqual([]);
    // The one 415 number is taken by this identifier in the first session.
    await expectRestException(service.sessions(other.sid).participants.create({ identifier: '+14155550100' }), 400, 80208);
  });

  it('takes a number of the same overlay at GeoMatchLevel overlay, any of the country at country', async () => {
    const overlay = await serviceWith(['+13125550001', '+16285550001'], { geoMatchLevel: 'overlay' });
    const s1 = await overlay.sessions.create({});
    expect((await overlay.sessions(s1.sid).participants.create({ identifier: '+14155550100' })).proxyIdentifier).toBe('+16285550001');
    await expectRestException(overlay.sessions(s1.sid).participants.create({ identifier: '+12125550100' }), 400, 80206);

    const country = await serviceWith(['+13125550002', '+447700900001'], { geoMatchLevel: 'country' });
    const s2 = await country.sessions.create({});
    expect((await country.sessions(s2.sid).participants.create({ identifier: '+14155550100' })).proxyIdentifier).toBe('+13125550002');
    expect((await country.sessions(s2.sid).participants.create({ identifier: '+447700900100' })).proxyIdentifier).toBe('+447700900001');
    const s3 = await country.sessions.create({});
    await expectRestException(country.sessions(s3.sid).participants.create({ identifier: '+61255550100' }), 400, 80203);
  });

  it('keeps to the country outside North America and for numbers of no area, whatever the GeoMatchLevel', async () => {
    const service = await serviceWith(['+14155550001', '+447700900001'], { geoMatchLevel: 'area-code' });
    const session = await service.sessions.create({});
    expect((await service.sessions(session.sid).participants.create({ identifier: '+442079460100' })).proxyIdentifier).toBe('+447700900001');
    expect((await service.sessions(session.sid).participants.create({ identifier: '+18005550100' })).proxyIdentifier).toBe('+14155550001');
  });

  it('prefers the number an identifier had before (prefer-sticky), or another one (avoid-sticky)', async () => {
    for (const [behaviour, same, line] of [
      ['prefer-sticky', true, 10],
      ['avoid-sticky', false, 20],
    ] as const) {
      // A number is in one service's pool only: each service has numbers of its own.
      const numbers = [`+141555500${line + 1}`, `+141555500${line + 2}`];
      const service = await serviceWith(numbers, { numberSelectionBehavior: behaviour });
      const earlier = await service.sessions.create({ ttl: 60 });
      const before = await service.sessions(earlier.sid).participants.create({ identifier: '+15555550100', proxyIdentifier: numbers[1] });
      // The earlier session expires; the identifier comes back.
      emu.clock.advance(MINUTE);
      const later = await service.sessions.create({ participants: [{ Identifier: '+15555550100' }] });
      const [after] = await service.sessions(later.sid).participants.list();
      expect(after!.proxyIdentifier === before.proxyIdentifier, behaviour).toBe(same);
    }
  });
});
