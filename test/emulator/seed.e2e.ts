/**
 * The demo data set over real HTTP: every listable resource of the four
 * products has data, the products link up (Proxy to Chat, subscriptions to
 * active sinks), every run serves the same data whatever the time, and the
 * seed stays fast.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { twilioFetch } from './helpers.ts';

let emu: Emulator;

beforeAll(async () => {
  emu = await createEmulator({ port: 0, seed: 'demo' });
});
afterAll(() => emu?.close());
afterEach(() => vi.useRealTimers());

const get = async (e: Emulator, path: string) => {
  const res = await twilioFetch(e, 'GET', path);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
};

/** The items of a list, all on one page. */
async function items(e: Emulator, path: string, key: string): Promise<any[]> {
  const body = await get(e, `${path}${path.includes('?') ? '&' : '?'}PageSize=1000`);
  expect(body.meta.next_page_url).toBeNull();
  return body[key];
}

/**
 * Every collection each list operation can address in the seeded data: its
 * path template with every parent parameter filled in each way the data
 * allows (parents are found in the store, so a parent that has no list
 * operation of its own, such as an event schema, is found too).
 */
function collections(e: Emulator): Array<{ op: string; key: string; path: string }> {
  const account = e.engine.store.account(DEMO_ACCOUNT.accountSid);
  const out: Array<{ op: string; key: string; path: string }> = [];
  for (const op of e.engine.model.operations) {
    if (op.kind !== 'list') continue;
    let prefixes = [''];
    for (const segment of op.pathTemplate.split('/').slice(1)) {
      if (!/^\{\w+\}$/.test(segment)) {
        prefixes = prefixes.map((p) => `${p}/${segment}`);
        continue;
      }
      prefixes = prefixes.flatMap((p) => account.list(p).map((r) => r.path));
    }
    for (const path of prefixes) out.push({ op: op.id, key: op.resource.listKey!, path });
  }
  return out;
}

/** Every list of the seeded data as served, with the emulator's origin taken out. */
async function snapshot(e: Emulator): Promise<Map<string, string>> {
  const lists = new Map<string, string>();
  for (const { key, path } of collections(e)) {
    lists.set(path, JSON.stringify(await items(e, path, key)).replaceAll(e.url, 'ORIGIN'));
  }
  return lists;
}

describe('demo data', () => {
  it('has items in every listable resource of the four products', async () => {
    const found = new Map<string, number>();
    for (const { op, key, path } of collections(emu)) found.set(op, (found.get(op) ?? 0) + (await items(emu, path, key)).length);
    const listOps = emu.engine.model.operations.filter((op) => op.kind === 'list').map((op) => op.id);
    expect(new Set(listOps.map((id) => id.split('.')[0]))).toEqual(new Set(['chat', 'proxy', 'events', 'accounts']));
    expect(listOps.filter((id) => !found.get(id))).toEqual([]);
  });

  it('is the same on every run, whatever the time', async () => {
    await using again = await (async () => {
      // A second seed a year later: any date taken from the clock instead of the seed would differ.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2027-06-01T00:00:00Z'));
      return createEmulator({ port: 0, seed: 'demo' });
    })();
    vi.useRealTimers();
    const [a, b] = [await snapshot(emu), await snapshot(again)];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, json] of a) expect(b.get(path), path).toBe(json);
    expect(a.size).toBeGreaterThan(100);
  });

  it('seeds well within a second', async () => {
    await using fresh = await createEmulator({ port: 0, seed: 'none' });
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      fresh.reset('demo');
      times.push(performance.now() - start);
    }
    const median = times.sort((x, y) => x - y)[1]!;
    console.info(`demo seed: ${median.toFixed(0)} ms (median of 3)`);
    // A wide margin (it takes about 0.1 s): this catches a seed that grows out of hand, not a slow machine.
    expect(median).toBeLessThan(2_000);
  });
});

describe('Proxy demo data', () => {
  const services = () => items(emu, '/v1/Services', 'services');

  it('forwards the support service to the Acme Support Chat service', async () => {
    const linked = (await services()).filter((s) => s.chat_instance_sid);
    expect(linked.map((s) => s.unique_name)).toEqual(['acme-support']);
    const chat = await get(emu, `/v2/Services/${linked[0].chat_instance_sid}`);
    expect(chat.friendly_name).toBe('Acme Support');
  });

  it('has pools with reserved numbers and short codes, and a dozen sessions or more per service, each with two participants', async () => {
    const all = await services();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const statuses = new Set<string>();
    const modes = new Set<string>();
    for (const service of all) {
      const base = `/v1/Services/${service.sid}`;
      const numbers = await items(emu, `${base}/PhoneNumbers`, 'phone_numbers');
      expect(numbers.some((n) => n.is_reserved)).toBe(true);
      expect(numbers.some((n) => n.in_use > 0)).toBe(true);
      expect((await items(emu, `${base}/ShortCodes`, 'short_codes')).length).toBeGreaterThan(0);
      const sessions = await items(emu, `${base}/Sessions`, 'sessions');
      expect(sessions.length).toBeGreaterThanOrEqual(12);
      expect(new Set(sessions.map((s) => s.unique_name)).size).toBe(sessions.length);
      for (const session of sessions) {
        statuses.add(session.status);
        modes.add(session.mode);
        const participants = await items(emu, `${base}/Sessions/${session.sid}/Participants`, 'participants');
        expect(participants, session.unique_name).toHaveLength(2);
        const interactions = await items(emu, `${base}/Sessions/${session.sid}/Interactions`, 'interactions');
        // Open sessions have had no message yet; a message is what takes a session in progress.
        if (session.status === 'open') expect(interactions).toEqual([]);
        if (session.mode !== 'voice-only' && session.status !== 'open') expect(interactions.length, session.unique_name).toBeGreaterThanOrEqual(2);
        if (session.status === 'closed') expect(session.date_ended > session.date_started).toBe(true);
      }
    }
    expect(statuses).toEqual(new Set(['open', 'in-progress', 'closed']));
    expect(modes).toEqual(new Set(['message-only', 'voice-only', 'voice-and-message']));
  });
});

describe('Events demo data', () => {
  it('has sinks of each type, active, validating and initialized, and subscriptions of active sinks only', async () => {
    const sinks = await items(emu, '/v1/Sinks', 'sinks');
    expect(new Set(sinks.map((s) => s.sink_type))).toEqual(new Set(['webhook', 'kinesis', 'segment']));
    expect(new Set(sinks.map((s) => s.status))).toEqual(new Set(['active', 'validating', 'initialized']));
    const active = new Set(sinks.filter((s) => s.status === 'active').map((s) => s.sid));
    expect(new Set(sinks.filter((s) => s.status === 'active').map((s) => s.sink_type)).size).toBe(3);

    const subscriptions = await items(emu, '/v1/Subscriptions', 'subscriptions');
    expect(subscriptions.length).toBeGreaterThan(1);
    const versions: number[] = [];
    for (const subscription of subscriptions) {
      expect(active.has(subscription.sink_sid)).toBe(true);
      const types = await items(emu, `/v1/Subscriptions/${subscription.sid}/SubscribedEvents`, 'types');
      expect(types.length).toBeGreaterThan(0);
      versions.push(...types.map((t) => t.schema_version));
    }
    // Some types stay on an older schema version than the latest.
    expect(new Set(versions).size).toBeGreaterThan(1);
  });
});

describe('Accounts demo data', () => {
  it('has AWS credentials, public keys and SafeList numbers, and no secondary auth token', async () => {
    expect((await items(emu, '/v1/Credentials/AWS', 'credentials')).length).toBeGreaterThan(1);
    expect((await items(emu, '/v1/Credentials/PublicKeys', 'credentials')).length).toBeGreaterThan(1);
    const safe = await get(emu, `/v1/SafeList/Numbers?PhoneNumber=${encodeURIComponent('+14155550123')}`);
    expect(safe).toMatchObject({ phone_number: '+14155550123', sid: expect.stringMatching(/^GN/) });
    // The account authenticates with its configured credentials only.
    expect((await twilioFetch(emu, 'DELETE', '/v1/AuthTokens/Secondary')).status).toBe(404);
  });
});
