/**
 * The Event Streams graph end to end: the catalogue of event types and
 * schemas, sinks with their typed configuration, subscriptions and their
 * subscribed events, every mutation (once accepted, once refused by Twilio),
 * bad input, an upstream fault, and the REST calls behind every answer. The
 * demo data is read-only until the mutations, which clean up after
 * themselves.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { expectBadInput, ok, type Queryable } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { EVENT_CATALOGUE, sinkTestIds } from '../../src/emulator/rules/events.ts';

let env: GatewayEnv;
/** The demo sinks by description. */
const sinks: Record<string, string> = {};
/** Every answer the gateway gave in this file, checked at the end for write keys. */
const answers: string[] = [];

beforeAll(async () => {
  env = await startGateway({ transport: { timeoutMs: 500, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 50 } } });
  for (const s of (await twilioFetch(env.emulator, 'GET', '/v1/Sinks')).body.sinks) sinks[s.description] = s.sid;
});
afterAll(() => env?.close());
beforeEach(() => {
  env.emulator.clearFaults();
  env.resetCalls();
});

const OPS = 'Ops alerts webhook';
const WAREHOUSE = 'Data warehouse stream';
const ANALYTICS = 'Product analytics (Segment)';
const MARKETING = 'Marketing workspace (Segment)';
const STAGING = 'Staging webhook';
const DEMO_WRITE_KEYS = ['acme-segment-write-key-demo', 'acme-marketing-write-key-demo'];
const NEW_WRITE_KEY = 'segment-write-key-TOP-SECRET';
const MISSING = '0'.repeat(32);
const ALL_TYPES = EVENT_CATALOGUE.flatMap((s) => s.types.map(([type]) => type));
const schemaOfType = (type: string) => EVENT_CATALOGUE.find((s) => s.types.some(([t]) => t === type))!;

/** A date as the DateTime scalar serialises it. */
const iso = (date: string) => new Date(date).toISOString();

const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);

/** Runs an operation through the gateway, recording its answer. */
async function query(text: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  const res = await env.query(text, variables);
  answers.push(JSON.stringify(res));
  return res;
}
/** The gateway with every answer recorded, for `ok`. */
const recorded: Queryable = { query };

const SINK_FIELDS = /* GraphQL */ `
  id sid description sinkType status dateCreated dateUpdated url links sinkConfigurationJson
  sinkConfiguration {
    __typename
    ... on EventSinkWebhookConfiguration { destination method batchEvents }
    ... on EventSinkKinesisConfiguration { arn roleArn externalId }
    ... on EventSinkSegmentConfiguration { writeKeySet }
  }`;

describe('REST call counts', () => {
  it('reads subscriptions with their sinks in one call per distinct sink at most: here two calls for five subscriptions', async () => {
    const data = await ok(recorded, `{ eventSubscriptions { nodes { sid description sinkSid sink { sid description sinkType status } } } }`);
    const subscriptions = data.eventSubscriptions.nodes;
    expect(subscriptions).toHaveLength(5);
    for (const s of subscriptions) expect(s.sink.sid).toBe(s.sinkSid);
    expect(new Set(subscriptions.map((s: any) => s.sink.description))).toEqual(new Set([OPS, WAREHOUSE, ANALYTICS]));
    // 1 ListSubscription; 1 ListSink: three distinct sinks wanted at once are read from the sink list
    // (an account holds at most 100 sinks, so one page of 1000 holds them all) instead of three FetchSink.
    expect(env.calls()).toEqual({ 'events.ListSubscription': 1, 'events.ListSink': 1 });
  });

  it("fetches the one sink of a sink's subscriptions once", async () => {
    const data = await ok(recorded, `query($sink: String!) { eventSubscriptions(sinkSid: $sink) { nodes { description sink { description } } } }`, {
      sink: sinks[WAREHOUSE],
    });
    expect(data.eventSubscriptions.nodes.map((s: any) => s.sink.description)).toEqual([WAREHOUSE, WAREHOUSE]);
    // 1 ListSubscription?SinkSid=…; 1 FetchSink for the one sink both subscriptions name.
    expect(env.calls()).toEqual({ 'events.ListSubscription': 1, 'events.FetchSink': 1 });
  });

  it('reads subscriptions, sinks, subscribed events, event types, schemas and their versions in one call per list', async () => {
    // Page sizes stated: at the default 50 × 50, the schemas' version lists alone could be 2,500 calls.
    const data = await ok(
      recorded,
      /* GraphQL */ `{
      eventSubscriptions(first: 10) {
        nodes {
          description
          sink { description }
          subscribedEvents(first: 20) {
            nodes {
              type schemaVersionNumber
              eventType { type description schemaId schema { schemaId versions { nodes { schemaVersion dateCreated } } } }
            }
          }
        }
      }
    }`,
    );
    const subscribed = data.eventSubscriptions.nodes.flatMap((s: any) => s.subscribedEvents.nodes);
    expect(subscribed).toHaveLength(14);
    for (const e of subscribed) {
      const entry = schemaOfType(e.type);
      expect(e.eventType).toMatchObject({ type: e.type, schemaId: entry.id, schema: { schemaId: entry.id } });
      expect(e.eventType.schema.versions.nodes.map((v: any) => v.schemaVersion)).toEqual(entry.versions.map((_, i) => i + 1));
    }
    const distinctSchemas = new Set(subscribed.map((e: any) => e.eventType.schemaId)).size;
    expect(distinctSchemas).toBe(7);
    //  1 ListSubscription
    //  1 ListSink: the three sinks, from one list read
    //  5 ListSubscribedEvent, one per subscription: Twilio lists no subscribed events across subscriptions
    //  1 ListEventType (PageSize=1000): the event types of all 14 subscribed events, from one read of the catalogue
    //  7 ListSchemaVersion, one per distinct schema: the schemas themselves are not fetched (only their
    //    versions are asked for), and event types sharing a schema share its page read
    expect(env.calls()).toEqual({
      'events.ListSubscription': 1,
      'events.ListSink': 1,
      'events.ListSubscribedEvent': 5,
      'events.ListEventType': 1,
      'events.ListSchemaVersion': 7,
    });
    expect(env.totalCalls()).toBe(15);
  });

  it("reads each subscribed event's schema version from one version list per schema", async () => {
    const data = await ok(
      recorded,
      /* GraphQL */ `{
      eventSubscriptions(first: 10) { nodes { subscribedEvents(first: 20) { nodes { type schemaVersionNumber schemaVersion { id schemaId schemaVersion dateCreated raw } } } } }
    }`,
    );
    const subscribed = data.eventSubscriptions.nodes.flatMap((s: any) => s.subscribedEvents.nodes);
    for (const e of subscribed) {
      const entry = schemaOfType(e.type);
      expect(e.schemaVersion).toMatchObject({
        schemaId: entry.id,
        schemaVersion: e.schemaVersionNumber,
        dateCreated: iso(entry.versions[e.schemaVersionNumber - 1]!),
      });
      expect(e.schemaVersion.raw).toMatch(/^https:\/\//);
    }
    // Versions kept on an older schema version are served as such.
    expect(subscribed.find((e: any) => e.type === 'com.twilio.messaging.message.undelivered').schemaVersion.schemaVersion).toBe(2);
    // 1 ListSubscription, 5 ListSubscribedEvent, 1 ListEventType (the schema each type follows),
    // 7 ListSchemaVersion (PageSize=1000), one per distinct schema rather than one FetchSchemaVersion per version.
    expect(env.calls()).toEqual({ 'events.ListSubscription': 1, 'events.ListSubscribedEvent': 5, 'events.ListEventType': 1, 'events.ListSchemaVersion': 7 });
  });

  it('links a subscribed event back to its subscription without fetching it again', async () => {
    const data = await ok(recorded, `{ eventSubscriptions(first: 2) { nodes { sid subscribedEvents { nodes { subscription { sid description } } } } } }`);
    for (const s of data.eventSubscriptions.nodes) for (const e of s.subscribedEvents.nodes) expect(e.subscription.sid).toBe(s.sid);
    // The subscriptions come from the list page, which primed their loader: no FetchSubscription.
    expect(env.calls()).toEqual({ 'events.ListSubscription': 1, 'events.ListSubscribedEvent': 2 });
  });

  it('reads a schema with its latest version, one version, its versions and its event types', async () => {
    const entry = EVENT_CATALOGUE.find((s) => s.id === 'VoiceInsights.CallSummary')!;
    const data = await ok(
      recorded,
      /* GraphQL */ `{
      eventSchema(id: "VoiceInsights.CallSummary") {
        id schemaId latestVersionNumber latestVersionDateCreated url links
        latestVersion { schemaVersion }
        version(schemaVersion: 2) { schemaVersion dateCreated schema { schemaId } }
        versions(first: 2) { pageInfo { hasNextPage } nodes { schemaVersion } }
        eventTypes { nodes { type schema { schemaId } } }
      }
    }`,
    );
    const schema = data.eventSchema;
    expect(schema).toMatchObject({ schemaId: entry.id, latestVersionNumber: entry.versions.length, latestVersionDateCreated: iso(entry.versions.at(-1)!) });
    expect(schema.latestVersion.schemaVersion).toBe(entry.versions.length);
    expect(schema.version).toEqual({ schemaVersion: 2, dateCreated: iso(entry.versions[1]!), schema: { schemaId: entry.id } });
    expect(schema.versions).toEqual({ pageInfo: { hasNextPage: true }, nodes: [{ schemaVersion: 1 }, { schemaVersion: 2 }] });
    expect(schema.eventTypes.nodes.map((t: any) => t.type)).toEqual(entry.types.map(([t]) => t));
    //  1 FetchSchema
    //  1 ListSchemaVersion (PageSize=1000) for latestVersion and version(2), two versions of one schema wanted at once
    //  1 ListSchemaVersion (PageSize=2) for the versions page
    //  1 ListEventType?SchemaId=…; each event type's schema is the one already read
    expect(env.calls()).toEqual({ 'events.FetchSchema': 1, 'events.ListSchemaVersion': 2, 'events.ListEventType': 1 });
  });
});

describe('event types', () => {
  it('pages forwards through the catalogue with endCursor, one REST call per page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: any = await ok(
        recorded,
        `query($after: String) { eventTypes(first: 5, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { type } } }`,
        { after },
      );
      const conn = data.eventTypes;
      seen.push(...conn.nodes.map((n: any) => n.type));
      pages++;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(ALL_TYPES);
    expect(pages).toBe(Math.ceil(ALL_TYPES.length / 5));
    expect(env.calls()).toEqual({ 'events.ListEventType': pages });
  });

  it('filters by schema, and fetches one event type by name', async () => {
    const data = await ok(
      recorded,
      `{ eventTypes(schemaId: "Studio.FlowExecution") { nodes { type } } eventType(type: "com.twilio.studio.flow.step.ended") { id type schemaId description dateCreated dateUpdated url links } }`,
    );
    expect(data.eventTypes.nodes.map((t: any) => t.type)).toEqual(['com.twilio.studio.flow.execution.started', 'com.twilio.studio.flow.execution.ended']);
    expect(data.eventType).toMatchObject({ type: 'com.twilio.studio.flow.step.ended', schemaId: 'Studio.FlowStep', description: 'Studio - flow step ended' });
    expect(data.eventType.links.schema).toContain('/v1/Schemas/Studio.FlowStep/Versions');
    expect(env.calls()).toEqual({ 'events.ListEventType': 1, 'events.FetchEventType': 1 });
  });

  it('answers null for an event type Twilio does not have', async () => {
    expect((await ok(recorded, `{ eventType(type: "com.twilio.nothing") { type } }`)).eventType).toBeNull();
  });
});

describe('sinks', () => {
  it('serves each sink configuration typed by sink type, and as JSON without the write key', async () => {
    const data = await ok(recorded, `{ eventSinks { nodes { ${SINK_FIELDS} } } }`);
    const byName = Object.fromEntries(data.eventSinks.nodes.map((s: any) => [s.description, s]));
    expect(Object.keys(byName)).toEqual([OPS, WAREHOUSE, ANALYTICS, MARKETING, STAGING]);
    expect(byName[OPS]).toMatchObject({
      sinkType: 'WEBHOOK',
      status: 'ACTIVE',
      sinkConfiguration: {
        __typename: 'EventSinkWebhookConfiguration',
        destination: 'https://ops.acme.example/twilio/events',
        method: 'POST',
        batchEvents: false,
      },
      sinkConfigurationJson: { destination: 'https://ops.acme.example/twilio/events', method: 'POST', batch_events: false },
    });
    expect(byName[WAREHOUSE]).toMatchObject({
      sinkType: 'KINESIS',
      status: 'ACTIVE',
      sinkConfiguration: {
        __typename: 'EventSinkKinesisConfiguration',
        arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/acme-twilio-events',
        roleArn: 'arn:aws:iam::123456789012:role/acme-twilio-event-streams',
        externalId: 'acme-demo-4f1c2d',
      },
    });
    expect(byName[ANALYTICS]).toMatchObject({
      sinkType: 'SEGMENT',
      status: 'ACTIVE',
      sinkConfiguration: { __typename: 'EventSinkSegmentConfiguration', writeKeySet: true },
      sinkConfigurationJson: {},
    });
    expect(byName[MARKETING]).toMatchObject({ status: 'VALIDATING', sinkConfigurationJson: {} });
    expect(byName[STAGING]).toMatchObject({ status: 'INITIALIZED', sinkConfiguration: { batchEvents: true } });
    expect(byName[OPS].links.sink_test).toContain(`/v1/Sinks/${sinks[OPS]}/Test`);
    const text = JSON.stringify(data);
    expect(text).not.toContain('write_key');
    for (const key of DEMO_WRITE_KEYS) expect(text).not.toContain(key);
    expect(env.calls()).toEqual({ 'events.ListSink': 1 });
  });

  it('filters sinks by status and use', async () => {
    const data = await ok(
      recorded,
      `{ active: eventSinks(status: ACTIVE) { nodes { description } } idle: eventSinks(inUse: false) { nodes { description } } }`,
    );
    expect(data.active.nodes.map((s: any) => s.description)).toEqual([OPS, WAREHOUSE, ANALYTICS]);
    expect(data.idle.nodes.map((s: any) => s.description)).toEqual([MARKETING, STAGING]);
    expect(env.calls()).toEqual({ 'events.ListSink': 2 });
  });

  it("reads a sink's subscriptions, and each subscription's sink is the sink already read", async () => {
    const data = await ok(
      recorded,
      `query($sid: String!) { eventSink(sid: $sid) { description subscriptions { nodes { description sink { description } } } } }`,
      { sid: sinks[OPS] },
    );
    expect(data.eventSink.subscriptions.nodes).toEqual([
      { description: 'Errors and failed flows to ops', sink: { description: OPS } },
      { description: 'Contact centre activity to ops', sink: { description: OPS } },
    ]);
    // 1 FetchSink, 1 ListSubscription?SinkSid=…; the subscriptions' sink is served from the loader.
    expect(env.calls()).toEqual({ 'events.FetchSink': 1, 'events.ListSubscription': 1 });
  });
});

describe('subscriptions', () => {
  it('finds one subscribed event by type, with its subscription and event type', async () => {
    const [alerts] = (await rest(`/v1/Subscriptions?SinkSid=${sinks[OPS]}`)).subscriptions;
    env.resetCalls();
    const data = await ok(
      recorded,
      `query($sid: String!) { eventSubscription(sid: $sid) { sid description dateCreated dateUpdated url links accountSid
        subscribedEvent(type: "com.twilio.studio.flow.step.ended") { id subscriptionSid type schemaVersionNumber accountSid url subscription { sid } eventType { schemaId } }
        missing: subscribedEvent(type: "com.twilio.messaging.message.sent") { type } } }`,
      { sid: alerts.sid },
    );
    const sub = data.eventSubscription;
    expect(sub).toMatchObject({ sid: alerts.sid, description: 'Errors and failed flows to ops', accountSid: DEMO_ACCOUNT.accountSid, missing: null });
    expect(sub.subscribedEvent).toMatchObject({
      subscriptionSid: alerts.sid,
      schemaVersionNumber: 1,
      subscription: { sid: alerts.sid },
      eventType: { schemaId: 'Studio.FlowStep' },
    });
    // 1 FetchSubscription (the root and the link share it); two subscribed events of one subscription
    // wanted at once are one ListSubscribedEvent; 1 ListEventType: a subscribed event's event type is read
    // from the catalogue, which then serves every other event type of the request.
    expect(env.calls()).toEqual({ 'events.FetchSubscription': 1, 'events.ListSubscribedEvent': 1, 'events.ListEventType': 1 });
  });

  it('reports NOT_FOUND when only the subscribed events of a missing subscription were asked for', async () => {
    const res = await query(`{ eventSubscription(sid: "DF${MISSING}") { subscribedEvents { nodes { type } } } }`);
    expect(res.data?.eventSubscription).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', status: 404, operation: 'events.ListSubscribedEvent' });
    expect((await ok(recorded, `{ eventSubscription(sid: "DF${MISSING}") { description } }`)).eventSubscription).toBeNull();
  });
});

describe('nodes', () => {
  it('refetches every Events type by its global ID, one fetch each', async () => {
    const data = await ok(
      recorded,
      `{
      eventSubscriptions(first: 1) { nodes { id sink { id } subscribedEvents(first: 1) { nodes { id eventType { id schema { id latestVersion { id } } } } } } }
    }`,
    );
    const sub = data.eventSubscriptions.nodes[0];
    const event = sub.subscribedEvents.nodes[0];
    const ids = [event.eventType.id, event.eventType.schema.id, event.eventType.schema.latestVersion.id, sub.sink.id, sub.id, event.id];
    env.resetCalls();
    const nodes = await ok(
      recorded,
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
      ... on EventType { type } ... on EventSchema { schemaId } ... on EventSchemaVersion { schemaId schemaVersion }
      ... on EventSink { sid } ... on EventSubscription { sid } ... on EventSubscribedEvent { subscriptionSid type } } }`,
      { ids },
    );
    expect(nodes.nodes.map((n: any) => n.__typename)).toEqual([
      'EventType',
      'EventSchema',
      'EventSchemaVersion',
      'EventSink',
      'EventSubscription',
      'EventSubscribedEvent',
    ]);
    expect(nodes.nodes.map((n: any) => n.id)).toEqual(ids);
    expect(nodes.nodes[0].type).toBe('com.twilio.messaging.message.queued');
    expect(nodes.nodes[2]).toMatchObject({ schemaId: 'Messaging.MessageStatus', schemaVersion: 3 });
    expect(nodes.nodes[5]).toMatchObject({ subscriptionSid: nodes.nodes[4].sid, type: 'com.twilio.messaging.message.queued' });
    // One of each type: one fetch each, no list read.
    expect(env.calls()).toEqual({
      'events.FetchEventType': 1,
      'events.FetchSchema': 1,
      'events.FetchSchemaVersion': 1,
      'events.FetchSink': 1,
      'events.FetchSubscription': 1,
      'events.FetchSubscribedEvent': 1,
    });
    const one = await ok(recorded, `query($id: ID!) { node(id: $id) { ... on EventSubscribedEvent { subscription { sid } eventType { type } } } }`, {
      id: event.id,
    });
    expect(one.node).toEqual({ subscription: { sid: nodes.nodes[4].sid }, eventType: { type: 'com.twilio.messaging.message.queued' } });
  });

  it('reads several event types or sinks asked for by ID from one list call', async () => {
    const data = await ok(recorded, `{ eventTypes(first: 4) { nodes { id } } eventSinks { nodes { id } } }`);
    const ids = [...data.eventTypes.nodes.map((n: any) => n.id), ...data.eventSinks.nodes.map((n: any) => n.id)];
    env.resetCalls();
    const nodes = await ok(recorded, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(nodes.nodes.map((n: any) => n.id)).toEqual(ids);
    expect(env.calls()).toEqual({ 'events.ListEventType': 1, 'events.ListSink': 1 });
  });

  it('answers null for a node that no longer exists, and an error for a forged key', async () => {
    const gone = Buffer.from(`v1:EventSubscribedEvent:DF${MISSING}:com.twilio.messaging.message.sent`).toString('base64url');
    expect((await ok(recorded, `query($id: ID!) { node(id: $id) { id } }`, { id: gone })).node).toBeNull();
    const forged = Buffer.from(`v1:EventType:a:b`).toString('base64url');
    const res = await query(`query($id: ID!) { node(id: $id) { id } }`, { id: forged });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('bad input', () => {
  it.each([
    ['a malformed sink SID', `{ eventSink(sid: "DG123") { sid } }`, 'sid'],
    ['a subscription SID with the wrong prefix', `{ eventSubscription(sid: "DG${MISSING}") { sid } }`, 'sid'],
    ['a malformed sink filter', `{ eventSubscriptions(sinkSid: "nope") { nodes { sid } } }`, 'sinkSid'],
    ['an event type with a space', `{ eventType(type: "com.twilio a") { type } }`, 'type'],
    ['a schema ID with a colon', `{ eventSchema(id: "a:b") { schemaId } }`, 'id'],
    ['first over the page size Twilio allows', `{ eventTypes(first: 1001) { nodes { type } } }`, 'first'],
  ])('refuses %s with an error naming the argument, before any REST call', async (_, text, field) => {
    expectBadInput(await query(text), field, env);
  });

  it('refuses a schema version under 1', async () => {
    const res = await query(`{ eventSchema(id: "Messaging.MessageStatus") { version(schemaVersion: 0) { raw } } }`);
    expectBadInput(res, 'schemaVersion');
    expect(env.calls()['events.FetchSchemaVersion']).toBeUndefined();
  });

  it('refuses mutation inputs with malformed SIDs, naming the input field', async () => {
    expectBadInput(
      await query(
        `mutation { createEventSubscription(input: { description: "d", sinkSid: "DG1", types: [{ type: "com.twilio.messaging.message.sent" }] }) { eventSubscription { sid } } }`,
      ),
      'input.sinkSid',
      env,
    );
    expectBadInput(
      await query(`mutation { deleteEventSubscribedEvent(input: { subscriptionSid: "DF1", type: "x" }) { deletedId } }`),
      'input.subscriptionSid',
      env,
    );
    expectBadInput(
      await query(`mutation { createEventSubscription(input: { description: "d", sinkSid: "DG${MISSING}", types: [] }) { eventSubscription { sid } } }`),
      'input.types',
      env,
    );
  });

  it('refuses a sink configuration of two types at once before execution', async () => {
    const res = await query(
      `mutation($writeKey: String!) { createEventSink(input: { description: "two", configuration: {
      segment: { writeKey: $writeKey }, kinesis: { arn: "a", roleArn: "r", externalId: "e" } } }) { eventSink { sid } } }`,
      { writeKey: NEW_WRITE_KEY },
    );
    expect(res.errors?.[0]?.message).toContain('EventSinkConfigurationInput');
    expect(env.totalCalls()).toBe(0);
  });
});

describe('upstream failures', () => {
  it('puts a failed sink list at the sink fields, while the subscriptions still resolve', async () => {
    env.emulator.injectFault({ operation: 'events.ListSink', status: 500, count: 5 });
    const res = await query(`{ eventSubscriptions { nodes { description sink { description } } } }`);
    const subscriptions = res.data?.eventSubscriptions.nodes;
    expect(subscriptions).toHaveLength(5);
    for (const s of subscriptions) expect(s.sink).toBeNull();
    expect(res.errors).toHaveLength(5);
    expect(res.errors![0]!.path).toEqual(['eventSubscriptions', 'nodes', 0, 'sink']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', twilioCode: 20500, status: 500, operation: 'events.ListSink' });
    // One ListSink for all five sinks, not retried (a 500).
    expect(env.calls()).toEqual({ 'events.ListSubscription': 1, 'events.ListSink': 1 });
  });

  it('retries a 429 on a read and answers as if nothing happened', async () => {
    env.emulator.injectFault({ operation: 'events.FetchSchema', status: 429, count: 1 });
    const data = await ok(recorded, `{ eventSchema(id: "Messaging.MessageStatus") { latestVersionNumber } }`);
    expect(data.eventSchema.latestVersionNumber).toBe(3);
    expect(env.calls()).toEqual({ 'events.FetchSchema': 2 });
  });
});

describe('mutations', () => {
  const SINK_PAYLOAD = `eventSink { ${SINK_FIELDS} } userErrors { field message code twilioCode }`;
  let webhook: { id: string; sid: string };
  let segment: { id: string; sid: string };
  let subscription: { id: string; sid: string };

  it('creates sinks of each type from a typed configuration, keeping the write key out of the answer', async () => {
    const created = await ok(recorded, `mutation($input: CreateEventSinkInput!) { createEventSink(input: $input) { ${SINK_PAYLOAD} } }`, {
      input: { description: 'Test webhook', configuration: { webhook: { destination: 'https://example.com/events', method: 'POST', batchEvents: true } } },
    });
    expect(created.createEventSink.userErrors).toEqual([]);
    webhook = created.createEventSink.eventSink;
    expect(webhook).toMatchObject({
      description: 'Test webhook',
      sinkType: 'WEBHOOK',
      status: 'ACTIVE',
      sinkConfiguration: { __typename: 'EventSinkWebhookConfiguration', destination: 'https://example.com/events', method: 'POST', batchEvents: true },
    });
    expect(env.calls()).toEqual({ 'events.CreateSink': 1 });

    const seg = await ok(recorded, `mutation($input: CreateEventSinkInput!) { createEventSink(input: $input) { ${SINK_PAYLOAD} } }`, {
      input: { description: 'Test Segment', configuration: { segment: { writeKey: NEW_WRITE_KEY } } },
    });
    segment = seg.createEventSink.eventSink;
    expect(segment).toMatchObject({ sinkType: 'SEGMENT', sinkConfiguration: { writeKeySet: true }, sinkConfigurationJson: {} });
    // The key reached Twilio.
    expect((await rest(`/v1/Sinks/${segment.sid}`)).sink_configuration).toEqual({ write_key: NEW_WRITE_KEY });

    env.resetCalls();
    const kinesis = await ok(recorded, `mutation($input: CreateEventSinkInput!) { createEventSink(input: $input) { ${SINK_PAYLOAD} } }`, {
      input: {
        description: 'Test stream',
        configuration: {
          kinesis: { arn: 'arn:aws:kinesis:eu-west-1:111111111111:stream/test', roleArn: 'arn:aws:iam::111111111111:role/test', externalId: 'x-1' },
        },
      },
    });
    expect(kinesis.createEventSink.eventSink.sinkConfiguration).toEqual({
      __typename: 'EventSinkKinesisConfiguration',
      arn: 'arn:aws:kinesis:eu-west-1:111111111111:stream/test',
      roleArn: 'arn:aws:iam::111111111111:role/test',
      externalId: 'x-1',
    });
    const deleted = await ok(recorded, `mutation($sid: String!) { deleteEventSink(input: { sid: $sid }) { deletedId userErrors { code } } }`, {
      sid: kinesis.createEventSink.eventSink.sid,
    });
    expect(deleted.deleteEventSink).toEqual({ deletedId: kinesis.createEventSink.eventSink.id, userErrors: [] });
    expect(env.calls()).toEqual({ 'events.CreateSink': 1, 'events.DeleteSink': 1 });
  });

  it("puts Twilio's refusal of a configuration in userErrors", async () => {
    const res = await ok(
      recorded,
      `mutation($input: CreateEventSinkInput!) { createEventSink(input: $input) { eventSink { sid } userErrors { field message code twilioCode } } }`,
      {
        input: {
          description: 'Bad stream',
          configuration: { kinesis: { arn: 'not-an-arn', roleArn: 'arn:aws:iam::111111111111:role/test', externalId: 'x' } },
        },
      },
    );
    expect(res.createEventSink).toEqual({
      eventSink: null,
      userErrors: [{ field: ['input', 'configuration'], message: expect.stringContaining('arn'), code: 'INVALID_INPUT', twilioCode: 91000 }],
    });
  });

  it('keeps the write key out of a refusal or an error that quotes the configuration back', async () => {
    const create = `mutation($key: String!) { createEventSink(input: { description: "x", configuration: { segment: { writeKey: $key } } }) { eventSink { sid } userErrors { message twilioCode } } }`;
    env.emulator.injectFault({
      operation: 'events.CreateSink',
      status: 400,
      code: 91000,
      message: `Invalid SinkConfiguration: {"write_key":"${NEW_WRITE_KEY}"}`,
    });
    const res = await ok(recorded, create, { key: NEW_WRITE_KEY });
    expect(res.createEventSink).toEqual({
      eventSink: null,
      userErrors: [{ message: 'Invalid SinkConfiguration: {"write_key":"[redacted]"}', twilioCode: 91000 }],
    });

    env.emulator.injectFault({ operation: 'events.CreateSink', status: 500, message: `Upstream failure for {"write_key":"${NEW_WRITE_KEY}"}` });
    const failed = await query(create, { key: NEW_WRITE_KEY });
    expect(failed.errors?.[0]).toMatchObject({
      message: 'Upstream failure for {"write_key":"[redacted]"}',
      extensions: { code: 'UPSTREAM_ERROR', operation: 'events.CreateSink' },
    });
  });

  it("updates a sink's description, and reports a missing sink", async () => {
    const res = await ok(
      recorded,
      `mutation($sid: String!) { updateEventSink(input: { sid: $sid, description: "Renamed webhook" }) { eventSink { id description } userErrors { code } } }`,
      { sid: webhook.sid },
    );
    expect(res.updateEventSink).toEqual({ eventSink: { id: webhook.id, description: 'Renamed webhook' }, userErrors: [] });
    const missing = await ok(
      recorded,
      `mutation { updateEventSink(input: { sid: "DG${MISSING}", description: "x" }) { eventSink { sid } userErrors { code twilioCode } } }`,
    );
    expect(missing.updateEventSink).toEqual({ eventSink: null, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });
  });

  it('tests and validates a sink, which Twilio answers without a change: sinks are active from the start', async () => {
    const test = await ok(recorded, `mutation($sid: String!) { testEventSink(input: { sid: $sid }) { result eventSink { status } userErrors { code } } }`, {
      sid: webhook.sid,
    });
    expect(test.testEventSink).toEqual({ result: 'submitted', eventSink: { status: 'ACTIVE' }, userErrors: [] });
    // The status is read again after the write: CreateSinkTest, then FetchSink.
    expect(env.calls()).toEqual({ 'events.CreateSinkTest': 1, 'events.FetchSink': 1 });

    // Validate always answers valid now, whatever the test id.
    const any = await ok(
      recorded,
      `mutation($sid: String!) { validateEventSink(input: { sid: $sid, testId: "TE${MISSING}" }) { result eventSink { status } userErrors { field code twilioCode } } }`,
      {
        sid: webhook.sid,
      },
    );
    expect(any.validateEventSink).toEqual({ result: 'valid', eventSink: { status: 'ACTIVE' }, userErrors: [] });

    const testId = sinkTestIds(env.emulator.engine.account(DEMO_ACCOUNT.accountSid), webhook.sid).at(-1)!;
    const valid = await ok(
      recorded,
      `mutation($sid: String!, $testId: String!) { validateEventSink(input: { sid: $sid, testId: $testId }) { result eventSink { status } userErrors { code } } }`,
      {
        sid: webhook.sid,
        testId,
      },
    );
    expect(valid.validateEventSink).toEqual({ result: 'valid', eventSink: { status: 'ACTIVE' }, userErrors: [] });

    const missing = await ok(recorded, `mutation { testEventSink(input: { sid: "DG${MISSING}" }) { result userErrors { code } } }`);
    expect(missing.testEventSink).toEqual({ result: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it('subscribes a new sink at once, sending Types as JSON items, and refuses one still waiting for its validation', async () => {
    const res = await ok(
      recorded,
      `mutation($input: CreateEventSubscriptionInput!) { createEventSubscription(input: $input) {
        eventSubscription { id sid description sink { sid status } subscribedEvents { nodes { type schemaVersionNumber } } } userErrors { code } } }`,
      {
        input: {
          description: 'Test subscription',
          sinkSid: webhook.sid,
          types: [{ type: 'com.twilio.messaging.message.sent' }, { type: 'com.twilio.messaging.message.delivered', schemaVersion: 1 }],
        },
      },
    );
    subscription = res.createEventSubscription.eventSubscription;
    expect(res.createEventSubscription.userErrors).toEqual([]);
    expect(subscription).toMatchObject({
      description: 'Test subscription',
      sink: { sid: webhook.sid, status: 'ACTIVE' },
      subscribedEvents: {
        nodes: [
          { type: 'com.twilio.messaging.message.sent', schemaVersionNumber: 3 },
          { type: 'com.twilio.messaging.message.delivered', schemaVersionNumber: 1 },
        ],
      },
    });

    const refused = await ok(
      recorded,
      `mutation($sink: String!) { createEventSubscription(input: { description: "x", sinkSid: $sink, types: [{ type: "com.twilio.messaging.message.sent" }] }) {
        eventSubscription { sid } userErrors { field code twilioCode } } }`,
      { sink: sinks[MARKETING] },
    );
    expect(refused.createEventSubscription).toEqual({
      eventSubscription: null,
      userErrors: [{ field: ['input', 'sinkSid'], code: 'INVALID_INPUT', twilioCode: 91100 }],
    });
  });

  it('updates a subscription, and refuses to move it to an inactive sink', async () => {
    const res = await ok(
      recorded,
      `mutation($sid: String!) { updateEventSubscription(input: { sid: $sid, description: "Renamed subscription" }) { eventSubscription { id description } userErrors { code } } }`,
      {
        sid: subscription.sid,
      },
    );
    expect(res.updateEventSubscription).toEqual({ eventSubscription: { id: subscription.id, description: 'Renamed subscription' }, userErrors: [] });
    const refused = await ok(
      recorded,
      `mutation($sid: String!, $sink: String!) { updateEventSubscription(input: { sid: $sid, sinkSid: $sink }) { eventSubscription { sid } userErrors { field twilioCode } } }`,
      {
        sid: subscription.sid,
        sink: sinks[MARKETING],
      },
    );
    expect(refused.updateEventSubscription).toEqual({ eventSubscription: null, userErrors: [{ field: ['input', 'sinkSid'], twilioCode: 91100 }] });
  });

  it('adds, re-versions and removes a subscribed event, with a refusal for each', async () => {
    const type = 'com.twilio.voice.insights.call-summary.complete';
    const add = `mutation($sub: String!, $type: String!) { createEventSubscribedEvent(input: { subscriptionSid: $sub, type: $type }) {
      eventSubscribedEvent { id type schemaVersionNumber schemaVersion { schemaVersion } } userErrors { code twilioCode } } }`;
    const added = await ok(recorded, add, { sub: subscription.sid, type });
    expect(added.createEventSubscribedEvent.eventSubscribedEvent).toMatchObject({ type, schemaVersionNumber: 4, schemaVersion: { schemaVersion: 4 } });
    const twice = await ok(recorded, add, { sub: subscription.sid, type });
    expect(twice.createEventSubscribedEvent).toEqual({ eventSubscribedEvent: null, userErrors: [{ code: 'CONFLICT', twilioCode: 20409 }] });

    const update = `mutation($sub: String!, $type: String!, $v: Int!) { updateEventSubscribedEvent(input: { subscriptionSid: $sub, type: $type, schemaVersion: $v }) {
      eventSubscribedEvent { id schemaVersionNumber } userErrors { field code } } }`;
    const updated = await ok(recorded, update, { sub: subscription.sid, type, v: 2 });
    expect(updated.updateEventSubscribedEvent).toEqual({
      eventSubscribedEvent: { id: added.createEventSubscribedEvent.eventSubscribedEvent.id, schemaVersionNumber: 2 },
      userErrors: [],
    });
    const badVersion = await ok(recorded, update, { sub: subscription.sid, type, v: 9 });
    expect(badVersion.updateEventSubscribedEvent).toEqual({
      eventSubscribedEvent: null,
      userErrors: [{ field: ['input', 'schemaVersion'], code: 'INVALID_INPUT' }],
    });
    // The subscribed event as it is after the accepted update.
    const read = await ok(
      recorded,
      `query($sid: String!, $type: String!) { eventSubscription(sid: $sid) { subscribedEvent(type: $type) { schemaVersionNumber } } }`,
      { sid: subscription.sid, type },
    );
    expect(read.eventSubscription.subscribedEvent.schemaVersionNumber).toBe(2);

    const remove = `mutation($sub: String!, $type: String!) { deleteEventSubscribedEvent(input: { subscriptionSid: $sub, type: $type }) { deletedId userErrors { code } } }`;
    env.resetCalls();
    const removed = await ok(recorded, remove, { sub: subscription.sid, type });
    expect(removed.deleteEventSubscribedEvent).toEqual({ deletedId: added.createEventSubscribedEvent.eventSubscribedEvent.id, userErrors: [] });
    expect(env.calls()).toEqual({ 'events.DeleteSubscribedEvent': 1 });
    const again = await ok(recorded, remove, { sub: subscription.sid, type });
    expect(again.deleteEventSubscribedEvent).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it('refuses to delete a sink in use, then deletes the subscription and the sinks', async () => {
    const deleteSink = `mutation($sid: String!) { deleteEventSink(input: { sid: $sid }) { deletedId userErrors { code twilioCode message } } }`;
    const inUse = await ok(recorded, deleteSink, { sid: webhook.sid });
    expect(inUse.deleteEventSink).toEqual({
      deletedId: null,
      userErrors: [{ code: 'INVALID_INPUT', twilioCode: 91007, message: expect.stringContaining('in use') }],
    });

    const deleteSubscription = `mutation($sid: String!) { deleteEventSubscription(input: { sid: $sid }) { deletedId userErrors { code } } }`;
    expect((await ok(recorded, deleteSubscription, { sid: subscription.sid })).deleteEventSubscription).toEqual({ deletedId: subscription.id, userErrors: [] });
    expect((await ok(recorded, deleteSubscription, { sid: subscription.sid })).deleteEventSubscription).toEqual({
      deletedId: null,
      userErrors: [{ code: 'NOT_FOUND' }],
    });

    expect((await ok(recorded, deleteSink, { sid: webhook.sid })).deleteEventSink).toEqual({ deletedId: webhook.id, userErrors: [] });
    expect((await ok(recorded, deleteSink, { sid: segment.sid })).deleteEventSink).toEqual({ deletedId: segment.id, userErrors: [] });
    expect((await rest('/v1/Sinks')).sinks.map((s: any) => s.description)).toEqual([OPS, WAREHOUSE, ANALYTICS, MARKETING, STAGING]);
  });
});

describe('write keys', () => {
  it('never appeared in any answer of this file', () => {
    expect(answers.length).toBeGreaterThan(30);
    for (const answer of answers) {
      for (const key of [...DEMO_WRITE_KEYS, NEW_WRITE_KEY]) expect(answer).not.toContain(key);
      // The field name appears only where a quoted refusal had its value replaced.
      expect(answer.replaceAll('\\"write_key\\":\\"[redacted]\\"', '')).not.toContain('write_key');
    }
  });
});
