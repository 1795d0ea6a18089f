/**
 * Event Streams v1 in the emulator over real HTTP: the catalogue every
 * account sees, sinks (active from their creation, as Twilio's sinks are
 * today), subscriptions and subscribed events, and Twilio's errors.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { loadSpecModel } from '../../src/emulator/spec-model.ts';
import { EVENT_CATALOGUE, sinkTestIds } from '../../src/emulator/rules/events.ts';
import { basicAuth, created, twilioFetch, type Form } from './helpers.ts';
import { expectTwilioError } from '../support/assertions.ts';

let emu: Emulator;
const OTHER = { accountSid: 'AC00000000000000000000000000000002', authToken: 'other-token' };
const model = loadSpecModel();
const propertiesOf = (schema: string) => Object.keys(model.resources.get(`events.${schema}`)!.properties).sort();

beforeAll(async () => {
  emu = await createEmulator({ port: 0, accounts: [{ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken }, OTHER] });
});
afterAll(() => emu?.close());
beforeEach(() => emu.reset('none'));
afterEach(() => vi.useRealTimers());

const call = (method: string, path: string, form?: Form) => twilioFetch(emu, method, path, form);

const WEBHOOK = { destination: 'https://example.com/events', method: 'POST', batch_events: false };
const KINESIS = {
  arn: 'arn:aws:kinesis:us-east-1:111111111111:stream/events',
  role_arn: 'arn:aws:iam::111111111111:role/twilio-events',
  external_id: 'external-id-1',
};

async function newSink(type = 'webhook', config: object = WEBHOOK) {
  return created(emu, '/v1/Sinks', { Description: `${type} sink`, SinkType: type, SinkConfiguration: JSON.stringify(config) });
}

/** A sink made active from its creation, as every new sink is. */
async function activeSink() {
  const sink = await newSink();
  expect(sink.status).toBe('active');
  return sink;
}

/**
 * A sink made before Twilio stopped asking for validation, still in the
 * status it had then: no request can make one today.
 */
async function legacySink(status: 'initialized' | 'validating' | 'failed') {
  const sink = await newSink();
  const account = emu.engine.account(DEMO_ACCOUNT.accountSid);
  account.update(account.get(`/v1/Sinks/${sink.sid}`)!, { status });
  return { ...sink, status };
}

const types = (...list: object[]) => list.map((t) => JSON.stringify(t));

describe('catalogue', () => {
  const allTypes = EVENT_CATALOGUE.flatMap((s) => s.types.map(([type]) => type));

  it('lists a dozen or more event types with every property, the same for every account and after a reset', async () => {
    expect(allTypes.length).toBeGreaterThanOrEqual(12);
    const page = await call('GET', '/v1/Types?PageSize=100');
    expect(page.status).toBe(200);
    expect(page.body.types.map((t: any) => t.type)).toEqual(allTypes);
    const delivered = page.body.types.find((t: any) => t.type === 'com.twilio.messaging.message.delivered');
    expect(Object.keys(delivered).sort()).toEqual(propertiesOf('events.v1.event_type'));
    expect(delivered).toMatchObject({
      schema_id: 'Messaging.MessageStatus',
      url: `${emu.url}/v1/Types/com.twilio.messaging.message.delivered`,
      links: { schema: `${emu.url}/v1/Schemas/Messaging.MessageStatus/Versions` },
    });
    expect(delivered.description).toBeTruthy();
    const other = await twilioFetch(emu, 'GET', '/v1/Types?PageSize=100', undefined, { auth: basicAuth(OTHER.accountSid, OTHER.authToken) });
    expect(other.body.types).toEqual(page.body.types);
    for (const type of [
      'com.twilio.messaging.message.sent',
      'com.twilio.messaging.message.failed',
      'com.twilio.voice.insights.call-summary.complete',
      'com.twilio.studio.flow.execution.started',
    ]) {
      expect(allTypes).toContain(type);
    }
  });

  it('pages through event types', async () => {
    const first = await call('GET', '/v1/Types?PageSize=5');
    expect(first.body.types).toHaveLength(5);
    expect(first.body.meta).toMatchObject({ key: 'types', page: 0, page_size: 5 });
    const next = await fetch(first.body.meta.next_page_url, { headers: { authorization: basicAuth() } }).then((r) => r.json() as Promise<any>);
    expect(next.types[0].type).toBe(allTypes[5]);
  });

  it('filters event types by SchemaId', async () => {
    const res = await call('GET', '/v1/Types?SchemaId=VoiceInsights.CallSummary');
    expect(res.body.types.map((t: any) => t.type)).toEqual([
      'com.twilio.voice.insights.call-summary.partial',
      'com.twilio.voice.insights.call-summary.predicted-complete',
      'com.twilio.voice.insights.call-summary.complete',
    ]);
    expect((await call('GET', '/v1/Types?SchemaId=Nope.Nothing')).body.types).toEqual([]);
  });

  it('fetches an event type, or 404', async () => {
    const res = await call('GET', '/v1/Types/com.twilio.studio.flow.execution.started');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'com.twilio.studio.flow.execution.started', schema_id: 'Studio.FlowExecution' });
    expectTwilioError(await call('GET', '/v1/Types/com.twilio.nothing'), 404, 20404);
  });

  it('fetches a schema with its latest version, and its versions', async () => {
    const schema = await call('GET', '/v1/Schemas/Messaging.MessageStatus');
    expect(schema.status).toBe(200);
    expect(Object.keys(schema.body).sort()).toEqual(propertiesOf('events.v1.schema'));
    const entry = EVENT_CATALOGUE.find((s) => s.id === 'Messaging.MessageStatus')!;
    expect(entry.versions.length).toBeGreaterThan(1);
    expect(schema.body).toEqual({
      id: 'Messaging.MessageStatus',
      url: `${emu.url}/v1/Schemas/Messaging.MessageStatus`,
      links: { versions: `${emu.url}/v1/Schemas/Messaging.MessageStatus/Versions` },
      latest_version: entry.versions.length,
      latest_version_date_created: entry.versions.at(-1),
    });

    const versions = await call('GET', '/v1/Schemas/Messaging.MessageStatus/Versions');
    expect(versions.body.meta.key).toBe('schema_versions');
    expect(versions.body.schema_versions.map((v: any) => v.schema_version)).toEqual(entry.versions.map((_, i) => i + 1));

    const v2 = await call('GET', '/v1/Schemas/Messaging.MessageStatus/Versions/2');
    expect(Object.keys(v2.body).sort()).toEqual(propertiesOf('events.v1.schema.schema_version'));
    expect(v2.body).toEqual({
      id: 'Messaging.MessageStatus',
      schema_version: 2,
      date_created: entry.versions[1],
      url: `${emu.url}/v1/Schemas/Messaging.MessageStatus/Versions/2`,
      raw: 'https://events-schemas.twilio.com/Messaging.MessageStatus/2',
    });
    expectTwilioError(await call('GET', '/v1/Schemas/Messaging.MessageStatus/Versions/99'), 404, 20404);
    expectTwilioError(await call('GET', '/v1/Schemas/Nope'), 404, 20404);
    expectTwilioError(await call('GET', '/v1/Schemas/Nope/Versions'), 404, 20404);
  });

  it('every event type names a schema that exists', async () => {
    for (const { schema_id } of (await call('GET', '/v1/Types?PageSize=100')).body.types) {
      expect((await call('GET', `/v1/Schemas/${schema_id}`)).status, schema_id).toBe(200);
    }
  });
});

describe('sinks', () => {
  it('creates a sink, active at once, with every property', async () => {
    const sink = await newSink();
    expect(Object.keys(sink).sort()).toEqual(propertiesOf('events.v1.sink'));
    expect(sink).toMatchObject({
      description: 'webhook sink',
      sink_type: 'webhook',
      sink_configuration: WEBHOOK,
      status: 'active',
      url: `${emu.url}/v1/Sinks/${sink.sid}`,
      links: { sink_test: `${emu.url}/v1/Sinks/${sink.sid}/Test`, sink_validate: `${emu.url}/v1/Sinks/${sink.sid}/Validate` },
    });
    expect(sink.sid).toMatch(/^DG[0-9a-f]{32}$/);
    expect((await newSink('kinesis', KINESIS)).sink_configuration).toEqual(KINESIS);
    expect((await newSink('segment', { write_key: 'wk_123' })).status).toBe('active');
  });

  it.each([
    ['webhook', {}, 'destination'],
    ['webhook', { ...WEBHOOK, destination: 'not a url' }, 'destination'],
    ['webhook', { ...WEBHOOK, method: 'PUT' }, 'method'],
    ['webhook', { destination: WEBHOOK.destination, method: 'POST' }, 'batch_events'],
    ['kinesis', { ...KINESIS, arn: undefined }, 'arn'],
    ['kinesis', { ...KINESIS, role_arn: 'role' }, 'role_arn'],
    ['kinesis', { ...KINESIS, external_id: '' }, 'external_id'],
    ['segment', {}, 'write_key'],
    ['webhook', [], 'JSON object'],
  ])('refuses a %s sink configuration %j with 91000 naming %s', async (type, config, field) => {
    const res = await call('POST', '/v1/Sinks', { Description: 'bad', SinkType: type, SinkConfiguration: JSON.stringify(config) });
    expectTwilioError(res, 400, 91000, field);
    expect(res.body.message).toContain('SinkConfiguration');
    expect((await call('GET', '/v1/Sinks')).body.sinks).toEqual([]);
  });

  it('names a missing or invalid parameter', async () => {
    const config = JSON.stringify(WEBHOOK);
    expectTwilioError(await call('POST', '/v1/Sinks', { SinkType: 'webhook', SinkConfiguration: config }), 400, 20001, 'Description');
    expectTwilioError(await call('POST', '/v1/Sinks', { Description: 'd', SinkConfiguration: config }), 400, 20001, 'SinkType');
    expectTwilioError(await call('POST', '/v1/Sinks', { Description: 'd', SinkType: 'webhook' }), 400, 20001, 'SinkConfiguration');
    expectTwilioError(await call('POST', '/v1/Sinks', { Description: 'd', SinkType: 'email', SinkConfiguration: config }), 400, 20001, 'SinkType');
    expectTwilioError(await call('POST', '/v1/Sinks', { Description: 'd', SinkType: 'webhook', SinkConfiguration: '{oops' }), 400, 20001, 'SinkConfiguration');
  });

  it('sends a test event on Test, leaving the status as it is, and answers valid to any Validate', async () => {
    const sink = await newSink();
    const base = `/v1/Sinks/${sink.sid}`;
    const test = await call('POST', `${base}/Test`);
    expect(test.status).toBe(201);
    expect(test.body).toEqual({ result: 'submitted' });
    expect((await call('GET', base)).body.status).toBe('active');
    // A client outside the process reads the test id the sink received from the control API.
    const control = (await (await fetch(`${emu.url}/__emulator/sinks/${sink.sid}/tests`)).json()) as { test_ids: string[] };
    const [testId] = control.test_ids;
    expect(testId).toMatch(/^\w{34}$/);
    expect(control.test_ids).toEqual(sinkTestIds(emu.engine.account(DEMO_ACCOUNT.accountSid), sink.sid));
    for (const id of [testId!, 'wrong']) {
      const valid = await call('POST', `${base}/Validate`, { TestId: id });
      expect(valid.status).toBe(201);
      expect(valid.body).toEqual({ result: 'valid' });
    }
    expectTwilioError(await call('POST', `${base}/Validate`, {}), 400, 20001, 'TestId');
    expect((await call('GET', base)).body.status).toBe('active');
  });

  it('makes a sink left waiting for its validation active on Validate', async () => {
    const legacy = await legacySink('validating');
    expect((await call('GET', `/v1/Sinks/${legacy.sid}`)).body.status).toBe('validating');
    expect((await call('POST', `/v1/Sinks/${legacy.sid}/Validate`, { TestId: 'TE' + '0'.repeat(32) })).body).toEqual({ result: 'valid' });
    expect((await call('GET', `/v1/Sinks/${legacy.sid}`)).body.status).toBe('active');
  });

  it('lists with InUse and Status filters, fetches, updates the description and deletes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-04-01T08:00:00Z'));
    const used = await activeSink();
    const idle = await legacySink('initialized');
    await created(emu, '/v1/Subscriptions', { Description: 'all', SinkSid: used.sid, Types: types({ type: 'com.twilio.messaging.message.sent' }) });
    const sids = async (query = '') => (await call('GET', `/v1/Sinks${query}`)).body.sinks.map((s: any) => s.sid);
    expect(await sids()).toEqual([used.sid, idle.sid]);
    expect(await sids('?InUse=true')).toEqual([used.sid]);
    expect(await sids('?InUse=false')).toEqual([idle.sid]);
    expect(await sids('?Status=active')).toEqual([used.sid]);
    expect(await sids('?Status=initialized')).toEqual([idle.sid]);
    expectTwilioError(await call('GET', '/v1/Sinks?InUse=perhaps'), 400, 20001, 'InUse');

    vi.setSystemTime(new Date('2026-04-01T09:00:00Z'));
    const before = (await call('GET', `/v1/Sinks/${idle.sid}`)).body;
    const updated = await call('POST', `/v1/Sinks/${idle.sid}`, { Description: 'renamed' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...before, description: 'renamed', date_updated: '2026-04-01T09:00:00Z' });
    expectTwilioError(await call('POST', `/v1/Sinks/${idle.sid}`, {}), 400, 20001, 'Description');

    const del = await call('DELETE', `/v1/Sinks/${idle.sid}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expectTwilioError(await call('GET', `/v1/Sinks/${idle.sid}`), 404, 20404);
  });

  it('refuses to delete a sink a subscription uses, with 91007', async () => {
    const sink = await activeSink();
    const sub = await created(emu, '/v1/Subscriptions', { Description: 'd', SinkSid: sink.sid, Types: types({ type: 'com.twilio.messaging.message.sent' }) });
    expectTwilioError(await call('DELETE', `/v1/Sinks/${sink.sid}`), 400, 91007);
    expect((await call('GET', `/v1/Sinks/${sink.sid}`)).status).toBe(200);
    expect((await call('DELETE', `/v1/Subscriptions/${sub.sid}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/Sinks/${sink.sid}`)).status).toBe(204);
  });

  it('holds at most 100 sinks per account (91003)', async () => {
    for (let i = 0; i < 100; i++) await newSink('segment', { write_key: `k${i}` });
    expectTwilioError(
      await call('POST', '/v1/Sinks', { Description: 'one more', SinkType: 'webhook', SinkConfiguration: JSON.stringify(WEBHOOK) }),
      400,
      91003,
    );
  });

  it('answers 404 for unknown or malformed sink SIDs and 401 for bad credentials', async () => {
    expectTwilioError(await call('GET', '/v1/Sinks/DG123'), 404, 20404);
    expectTwilioError(await call('POST', `/v1/Sinks/DG${'0'.repeat(32)}/Test`), 404, 20404);
    expectTwilioError(await call('POST', '/v1/Sinks/DG123/Validate', { TestId: 'x' }), 404, 20404);
    expectTwilioError(await twilioFetch(emu, 'GET', '/v1/Sinks', undefined, { auth: basicAuth(DEMO_ACCOUNT.accountSid, 'nope') }), 401, 20003);
  });
});

describe('subscriptions', () => {
  it('creates a subscription and its subscribed events, at the latest schema version unless told', async () => {
    const sink = await activeSink();
    const sub = await created(emu, '/v1/Subscriptions', {
      Description: 'messages',
      SinkSid: sink.sid,
      Types: types({ type: 'com.twilio.messaging.message.delivered', schema_version: 2 }, { type: 'com.twilio.messaging.message.failed' }),
    });
    expect(Object.keys(sub).sort()).toEqual(propertiesOf('events.v1.subscription'));
    expect(sub).toMatchObject({
      account_sid: DEMO_ACCOUNT.accountSid,
      description: 'messages',
      sink_sid: sink.sid,
      url: `${emu.url}/v1/Subscriptions/${sub.sid}`,
      links: { subscribed_events: `${emu.url}/v1/Subscriptions/${sub.sid}/SubscribedEvents` },
    });
    expect(sub.sid).toMatch(/^DF[0-9a-f]{32}$/);
    const events = await call('GET', `/v1/Subscriptions/${sub.sid}/SubscribedEvents`);
    expect(events.body.meta.key).toBe('types');
    expect(events.body.types).toEqual([
      {
        account_sid: DEMO_ACCOUNT.accountSid,
        type: 'com.twilio.messaging.message.delivered',
        schema_version: 2,
        subscription_sid: sub.sid,
        url: `${emu.url}/v1/Subscriptions/${sub.sid}/SubscribedEvents/com.twilio.messaging.message.delivered`,
      },
      expect.objectContaining({ type: 'com.twilio.messaging.message.failed', schema_version: 3 }),
    ]);
  });

  it('subscribes a sink as soon as it is made, and needs an existing, active sink', async () => {
    const t = types({ type: 'com.twilio.messaging.message.sent' });
    expectTwilioError(await call('POST', '/v1/Subscriptions', { Description: 'd', SinkSid: `DG${'0'.repeat(32)}`, Types: t }), 400, 91001, 'SinkSid');
    const fresh = await newSink();
    const sub = await created(emu, '/v1/Subscriptions', { Description: 'd', SinkSid: fresh.sid, Types: t });
    expect((await call('DELETE', `/v1/Subscriptions/${sub.sid}`)).status).toBe(204);
    const sink = await legacySink('failed');
    expectTwilioError(await call('POST', '/v1/Subscriptions', { Description: 'd', SinkSid: sink.sid, Types: t }), 400, 91100, 'active');
    expect((await call('GET', '/v1/Subscriptions')).body.subscriptions).toEqual([]);
  });

  it('checks every type before creating anything', async () => {
    const sink = await activeSink();
    const post = (t: string[]) => call('POST', '/v1/Subscriptions', { Description: 'd', SinkSid: sink.sid, Types: t });
    expectTwilioError(await post(types({ type: 'com.twilio.messaging.message.sent' }, { type: 'com.twilio.nothing' })), 400, 91104, 'com.twilio.nothing');
    expectTwilioError(await post(types({ type: 'com.twilio.messaging.message.sent' }, { type: 'com.twilio.messaging.message.sent' })), 400, 91101);
    expectTwilioError(await post(types({ type: 'com.twilio.messaging.message.sent', schema_version: 42 })), 400, 20001, 'schema_version');
    expectTwilioError(await post(types({ schema_version: 1 })), 400, 20001, 'Types');
    expectTwilioError(await post(['com.twilio.messaging.message.sent']), 400, 20001, 'Types');
    expectTwilioError(await call('POST', '/v1/Subscriptions', { Description: 'd', SinkSid: sink.sid }), 400, 20001, 'Types');
    expectTwilioError(
      await call('POST', '/v1/Subscriptions', { SinkSid: sink.sid, Types: types({ type: 'com.twilio.messaging.message.sent' }) }),
      400,
      20001,
      'Description',
    );
    expectTwilioError(
      await call('POST', '/v1/Subscriptions', { Description: 'd', SinkSid: 'DG1', Types: types({ type: 'com.twilio.messaging.message.sent' }) }),
      400,
      20001,
      'SinkSid',
    );
    expect((await call('GET', '/v1/Subscriptions')).body.subscriptions).toEqual([]);
  });

  it('lists with a SinkSid filter, fetches, updates and deletes with its subscribed events', async () => {
    const a = await activeSink();
    const b = await activeSink();
    const t = types({ type: 'com.twilio.studio.flow.execution.started' });
    const one = await created(emu, '/v1/Subscriptions', { Description: 'one', SinkSid: a.sid, Types: t });
    const two = await created(emu, '/v1/Subscriptions', { Description: 'two', SinkSid: b.sid, Types: t });
    const sids = async (query = '') => (await call('GET', `/v1/Subscriptions${query}`)).body.subscriptions.map((s: any) => s.sid);
    expect(await sids()).toEqual([one.sid, two.sid]);
    expect(await sids(`?SinkSid=${b.sid}`)).toEqual([two.sid]);
    expectTwilioError(await call('GET', '/v1/Subscriptions?SinkSid=nope'), 400, 20001, 'SinkSid');
    expect((await call('GET', `/v1/Subscriptions/${one.sid}`)).body).toEqual(one);

    const moved = await call('POST', `/v1/Subscriptions/${one.sid}`, { SinkSid: b.sid });
    expect(moved.body).toMatchObject({ sink_sid: b.sid, description: 'one' });
    expect((await call('POST', `/v1/Subscriptions/${one.sid}`, { Description: 'first' })).body).toMatchObject({ sink_sid: b.sid, description: 'first' });
    const idle = await legacySink('validating');
    expectTwilioError(await call('POST', `/v1/Subscriptions/${one.sid}`, { SinkSid: idle.sid }), 400, 91100);

    expect((await call('DELETE', `/v1/Subscriptions/${one.sid}`)).status).toBe(204);
    expectTwilioError(await call('GET', `/v1/Subscriptions/${one.sid}`), 404, 20404);
    expectTwilioError(await call('GET', `/v1/Subscriptions/${one.sid}/SubscribedEvents/com.twilio.studio.flow.execution.started`), 404, 20404);
    expectTwilioError(await call('GET', '/v1/Subscriptions/DF123'), 404, 20404);
  });
});

describe('subscribed events', () => {
  async function subscription() {
    const sink = await activeSink();
    return created(emu, '/v1/Subscriptions', { Description: 'd', SinkSid: sink.sid, Types: types({ type: 'com.twilio.messaging.message.sent' }) });
  }

  it('adds, fetches by type, updates the schema version and removes event types', async () => {
    const sub = await subscription();
    const base = `/v1/Subscriptions/${sub.sid}/SubscribedEvents`;
    const added = await created(emu, base, { Type: 'com.twilio.voice.insights.call-summary.complete' });
    expect(Object.keys(added).sort()).toEqual(propertiesOf('events.v1.subscription.subscribed_event'));
    expect(added).toMatchObject({ type: 'com.twilio.voice.insights.call-summary.complete', schema_version: 4, subscription_sid: sub.sid });
    expect((await created(emu, base, { Type: 'com.twilio.messaging.message.read', SchemaVersion: 1 })).schema_version).toBe(1);

    const fetched = await call('GET', `${base}/com.twilio.voice.insights.call-summary.complete`);
    expect(fetched.body).toEqual(added);
    const updated = await call('POST', `${base}/com.twilio.voice.insights.call-summary.complete`, { SchemaVersion: 2 });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...added, schema_version: 2 });
    expectTwilioError(await call('POST', `${base}/com.twilio.voice.insights.call-summary.complete`, { SchemaVersion: 9 }), 400, 20001, 'SchemaVersion');
    expect((await call('GET', `${base}/com.twilio.voice.insights.call-summary.complete`)).body.schema_version).toBe(2);

    expect((await call('GET', base)).body.types.map((t: any) => t.type)).toEqual([
      'com.twilio.messaging.message.sent',
      'com.twilio.voice.insights.call-summary.complete',
      'com.twilio.messaging.message.read',
    ]);
    expect((await call('DELETE', `${base}/com.twilio.messaging.message.read`)).status).toBe(204);
    expectTwilioError(await call('GET', `${base}/com.twilio.messaging.message.read`), 404, 20404);
  });

  it('refuses unknown types, unknown versions and a type added twice', async () => {
    const sub = await subscription();
    const base = `/v1/Subscriptions/${sub.sid}/SubscribedEvents`;
    expectTwilioError(await call('POST', base, { Type: 'com.twilio.nothing' }), 400, 91104, 'Type');
    expectTwilioError(await call('POST', base, { Type: 'com.twilio.messaging.message.read', SchemaVersion: 7 }), 400, 20001, 'SchemaVersion');
    expectTwilioError(await call('POST', base, { Type: 'com.twilio.messaging.message.read', SchemaVersion: 'two' }), 400, 20001, 'SchemaVersion');
    expectTwilioError(await call('POST', base, {}), 400, 20001, 'Type');
    expectTwilioError(await call('POST', base, { Type: 'com.twilio.messaging.message.sent' }), 409, 20409);
    expectTwilioError(await call('GET', `/v1/Subscriptions/DF${'0'.repeat(32)}/SubscribedEvents`), 404, 20404);
    expect((await call('GET', base)).body.types).toHaveLength(1);
  });
});
