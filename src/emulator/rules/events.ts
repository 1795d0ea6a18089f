/**
 * Event Streams v1 behaviour beyond CRUD: the catalogue of event types and
 * schemas every account sees, sink configurations checked by sink type, sinks
 * active from their creation (Test still sends a test event, Validate always
 * answers valid), subscriptions that need an active sink and create their
 * subscribed events, and sinks that cannot be deleted while a subscription
 * uses them.
 */
import type { StoredRecord } from '../store.ts';
import { EmulatorError, invalidParameter } from '../errors.ts';
import type { OpContext, ProductRules, RuleAccount } from './types.ts';

const SINK = 'events.v1.sink';
const SUBSCRIPTION = 'events.v1.subscription';
const SUBSCRIBED_EVENT = 'events.v1.subscription.subscribed_event';

/** Twilio's limit of sinks per account. */
const MAX_SINKS = 100;

const eventsError = (code: number, message: string, status = 400) => new EmulatorError(status, code, message);

// ---- the catalogue ----

interface SchemaEntry {
  id: string;
  /** Creation dates of versions 1, 2, … */
  versions: string[];
  types: Array<[type: string, description: string]>;
}

/** Event types grouped by the schema they follow, with the dates their schema versions were published. */
export const EVENT_CATALOGUE: readonly SchemaEntry[] = [
  {
    id: 'Messaging.MessageStatus',
    versions: ['2020-07-30T20:00:00Z', '2021-03-18T17:25:41Z', '2022-06-02T09:12:07Z'],
    types: [
      ['com.twilio.messaging.message.queued', 'Messaging - message queued for sending'],
      ['com.twilio.messaging.message.sent', 'Messaging - message sent to the carrier'],
      ['com.twilio.messaging.message.delivered', 'Messaging - message delivered to the handset'],
      ['com.twilio.messaging.message.undelivered', 'Messaging - message could not be delivered'],
      ['com.twilio.messaging.message.failed', 'Messaging - message failed to send'],
      ['com.twilio.messaging.message.read', 'Messaging - message read by the recipient'],
    ],
  },
  {
    id: 'Messaging.InboundMessageV1',
    versions: ['2020-07-30T20:00:00Z', '2021-09-14T11:40:00Z'],
    types: [['com.twilio.messaging.inbound-message.received', 'Messaging - inbound message received']],
  },
  {
    id: 'VoiceInsights.CallSummary',
    versions: ['2020-09-01T16:00:00Z', '2021-05-20T08:30:00Z', '2022-02-10T14:05:00Z', '2023-01-26T10:00:00Z'],
    types: [
      ['com.twilio.voice.insights.call-summary.partial', 'Voice Insights - partial call summary available'],
      ['com.twilio.voice.insights.call-summary.predicted-complete', 'Voice Insights - call summary predicted to be complete'],
      ['com.twilio.voice.insights.call-summary.complete', 'Voice Insights - call summary complete'],
    ],
  },
  {
    id: 'Voice.StatusCallback',
    versions: ['2021-02-04T12:00:00Z', '2022-08-11T15:20:00Z'],
    types: [
      ['com.twilio.voice.status-callback.call.initiated', 'Voice - call initiated'],
      ['com.twilio.voice.status-callback.call.ringing', 'Voice - call ringing'],
      ['com.twilio.voice.status-callback.call.answered', 'Voice - call answered'],
      ['com.twilio.voice.status-callback.call.completed', 'Voice - call completed'],
    ],
  },
  {
    id: 'Studio.FlowExecution',
    versions: ['2021-06-08T18:00:00Z', '2022-04-27T13:45:00Z'],
    types: [
      ['com.twilio.studio.flow.execution.started', 'Studio - flow execution started'],
      ['com.twilio.studio.flow.execution.ended', 'Studio - flow execution ended'],
    ],
  },
  {
    id: 'Studio.FlowStep',
    versions: ['2021-06-08T18:00:00Z', '2022-04-27T13:45:00Z'],
    types: [['com.twilio.studio.flow.step.ended', 'Studio - flow step ended']],
  },
  {
    id: 'TaskRouter.WDSEvent',
    versions: ['2021-11-03T10:00:00Z', '2022-10-19T09:00:00Z', '2023-07-12T16:30:00Z'],
    types: [
      ['com.twilio.taskrouter.task.created', 'TaskRouter - task created'],
      ['com.twilio.taskrouter.task.completed', 'TaskRouter - task completed'],
      ['com.twilio.taskrouter.reservation.accepted', 'TaskRouter - reservation accepted'],
      ['com.twilio.taskrouter.worker.activity.update', 'TaskRouter - worker activity updated'],
    ],
  },
  {
    id: 'ErrorLogs.Error',
    versions: ['2022-03-01T12:00:00Z', '2023-05-09T12:00:00Z'],
    types: [['com.twilio.errorlogs.error.logged', 'Error Logs - error or warning logged']],
  },
  // Conversations, one schema per event type: https://www.twilio.com/docs/events/event-types
  // (Programmable Chat v2 services run on Conversations; the emulator's Chat writes emit these, see rules/outbound.ts).
  ...(
    [
      ['ConversationAdded', 'conversation.added', 'conversation added'],
      ['ConversationUpdated', 'conversation.updated', 'conversation updated'],
      ['ConversationRemoved', 'conversation.removed', 'conversation removed'],
      ['ConversationStateUpdated', 'conversation-state.updated', 'conversation state updated'],
      ['MessageAdded', 'message.added', 'message added'],
      ['MessageUpdated', 'message.updated', 'message updated'],
      ['MessageRemoved', 'message.removed', 'message removed'],
      ['ParticipantAdded', 'participant.added', 'participant added'],
      ['ParticipantUpdated', 'participant.updated', 'participant updated'],
      ['ParticipantRemoved', 'participant.removed', 'participant removed'],
      ['UserAdded', 'user.added', 'user added'],
      ['UserUpdated', 'user.updated', 'user updated'],
    ] as const
  ).map(([schema, type, description]) => ({
    id: `Conversations.${schema}`,
    versions: ['2022-05-10T15:00:00Z', '2023-08-22T09:30:00Z'],
    types: [[`com.twilio.conversations.${type}`, `Conversations - ${description}`]] as Array<[string, string]>,
  })),
];

/** Where Twilio publishes the JSON Schema of a schema version. */
const rawSchemaUrl = (id: string, version: number) => `https://events-schemas.twilio.com/${id}/${version}`;

/** Loads the catalogue into a new account: event types, schemas and their versions. */
export function seedEventCatalogue(account: RuleAccount): void {
  for (const schema of EVENT_CATALOGUE) {
    const schemaRecord = account.insert('/v1/Schemas', schema.id, { id: schema.id });
    schema.versions.forEach((date, i) => {
      account.insert(`${schemaRecord.path}/Versions`, String(i + 1), {
        id: schema.id,
        schema_version: i + 1,
        date_created: date,
        raw: rawSchemaUrl(schema.id, i + 1),
      });
    });
    for (const [type, description] of schema.types) {
      account.insert('/v1/Types', type, { type, schema_id: schema.id, description, date_created: schema.versions[0], date_updated: schema.versions.at(-1) });
    }
  }
}

function latestVersion(account: RuleAccount, schemaId: string): StoredRecord | undefined {
  return account.list(`/v1/Schemas/${schemaId}/Versions`).at(-1);
}

/** The schema version an event type is subscribed with: the one asked for (which must exist) or the latest. */
function schemaVersionFor(account: RuleAccount, type: string, asked: unknown, params: { type: string; version: string }): number {
  const eventType = account.get(`/v1/Types/${type}`);
  if (!eventType) throw eventsError(91104, `Invalid ${params.type}: event type ${type} not found`);
  const schemaId = String(eventType.data.schema_id);
  if (asked === undefined || asked === null) return latestVersion(account, schemaId)!.data.schema_version as number;
  if (!Number.isInteger(asked) || !account.get(`/v1/Schemas/${schemaId}/Versions/${String(asked)}`)) {
    throw invalidParameter(`Invalid ${params.version}: schema ${schemaId} has no version ${JSON.stringify(asked)}`);
  }
  return asked as number;
}

// ---- sinks ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function isHttpUrl(v: unknown): boolean {
  if (!nonEmpty(v)) return false;
  try {
    const url = new URL(v);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** What each sink type needs in its `SinkConfiguration`; each check answers the problem, or null. */
const SINK_CONFIG_CHECKS: Record<string, Record<string, (v: unknown) => string | null>> = {
  webhook: {
    destination: (v) => (isHttpUrl(v) ? null : 'must be an absolute http(s) URL'),
    method: (v) => (typeof v === 'string' && /^(POST|GET)$/i.test(v) ? null : 'must be POST or GET'),
    batch_events: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  },
  kinesis: {
    arn: (v) => (nonEmpty(v) && /^arn:aws[\w-]*:kinesis:[\w-]+:\d{12}:stream\/\S+$/.test(v) ? null : 'must be the ARN of a Kinesis stream'),
    role_arn: (v) => (nonEmpty(v) && /^arn:aws[\w-]*:iam::\d{12}:role\/\S+$/.test(v) ? null : 'must be the ARN of an IAM role'),
    external_id: (v) => (nonEmpty(v) ? null : 'must be a non-empty string'),
  },
  segment: {
    write_key: (v) => (nonEmpty(v) ? null : 'must be a non-empty string'),
  },
};

function checkSinkConfiguration(type: string, config: unknown): void {
  if (!isObject(config)) throw eventsError(91000, 'Invalid SinkConfiguration: expected a JSON object');
  for (const [field, check] of Object.entries(SINK_CONFIG_CHECKS[type] ?? {})) {
    if (config[field] === undefined || config[field] === null || config[field] === '') {
      throw eventsError(91000, `Invalid SinkConfiguration: ${field} is required for a ${type} sink`);
    }
    const problem = check(config[field]);
    if (problem) throw eventsError(91000, `Invalid SinkConfiguration: ${field} ${problem} for a ${type} sink`);
  }
}

const sinkInUse = (account: RuleAccount, sinkSid: unknown) => account.list('/v1/Subscriptions').some((s) => s.data.sink_sid === sinkSid);

/** A subscription's sink must exist and be active (a sink made before Twilio stopped asking for validation may not be). */
function checkSink(ctx: OpContext, sinkSid: unknown): void {
  const sink = ctx.account.get(`/v1/Sinks/${String(sinkSid)}`);
  if (!sink) throw eventsError(91001, `Invalid SinkSid: Sink ${String(sinkSid)} could not be found`);
  if (sink.data.status !== 'active') {
    throw eventsError(91100, `Invalid SinkSid: Sink ${String(sinkSid)} is ${String(sink.data.status)}; a Sink must be active for a subscription to use it`);
  }
}

/** The test ids a sink has received, oldest first (the value a client reads at its sink and sends back as `TestId`). */
export function sinkTestIds(account: RuleAccount, sinkSid: string): readonly string[] {
  return account.state.events.sinkTests.get(sinkSid) ?? [];
}

// ---- subscriptions ----

/** Reads `Types`: JSON objects `{"type": "...", "schema_version": N}`, each type once and in the catalogue. */
function subscribedTypes(ctx: OpContext): Array<{ type: string; schema_version: number }> {
  const items = ctx.inputs.Types as unknown[];
  const seen = new Set<string>();
  return items.map((item, i) => {
    const where = `Types[${i}]`;
    if (!isObject(item) || !nonEmpty(item.type)) throw invalidParameter(`Invalid body parameter ${where}: expected a JSON object with a type`);
    if (seen.has(item.type)) throw eventsError(91101, `Invalid Types: event type ${item.type} is listed twice`);
    seen.add(item.type);
    return {
      type: item.type,
      schema_version: schemaVersionFor(ctx.account, item.type, item.schema_version, { type: `${where}.type`, version: `${where}.schema_version` }),
    };
  });
}

export const eventsRules: ProductRules = {
  resources: {
    'events.v1.event_type': {
      links: (record) => ({ schema: `/v1/Schemas/${String(record.data.schema_id)}/Versions` }),
    },

    'events.v1.schema': {
      computed(account, record) {
        const latest = latestVersion(account, String(record.data.id));
        return { latest_version: latest?.data.schema_version ?? null, latest_version_date_created: latest?.data.date_created ?? null };
      },
    },

    [SINK]: {
      // "There is no longer a need for validating a Sink. The status of Sinks is active by default."
      // https://www.twilio.com/docs/events/event-streams/sink-resource/validate
      defaults: () => ({ status: 'active' }),
      beforeCreate(ctx, data) {
        if (ctx.account.list('/v1/Sinks').length >= MAX_SINKS) throw eventsError(91003, `Account reached the limit of ${MAX_SINKS} sinks`);
        checkSinkConfiguration(String(data.sink_type), data.sink_configuration);
      },
      beforeDelete(ctx, record) {
        if (sinkInUse(ctx.account, record.data.sid)) {
          throw eventsError(91007, `Sink ${String(record.data.sid)} cannot be deleted because it is still in use by a subscription`);
        }
      },
      afterDelete(ctx, record) {
        ctx.account.state.events.sinkTests.delete(String(record.data.sid));
      },
      filters: {
        InUse: (record, value, account) => sinkInUse(account, record.data.sid) === value,
      },
    },

    [SUBSCRIPTION]: {
      inputFields: { Types: null },
      beforeCreate(ctx, data) {
        if (!nonEmpty(data.description)) throw eventsError(91101, 'Invalid Description: must not be empty');
        checkSink(ctx, data.sink_sid);
        const types = subscribedTypes(ctx);
        // Its subscribed events are inserted once the subscription exists.
        return (record) => {
          for (const { type, schema_version } of types) {
            ctx.account.insert(`${record.path}/SubscribedEvents`, type, {
              account_sid: ctx.account.accountSid,
              type,
              schema_version,
              subscription_sid: record.data.sid,
            });
          }
        };
      },
      beforeUpdate(ctx, _record, changes) {
        if (ctx.given.has('Description') && !nonEmpty(changes.description)) throw invalidParameter('Invalid Description: must not be empty');
        if (ctx.given.has('SinkSid')) checkSink(ctx, changes.sink_sid);
      },
    },

    [SUBSCRIBED_EVENT]: {
      beforeCreate(ctx, data) {
        const asked = ctx.given.has('SchemaVersion') ? data.schema_version : undefined;
        data.schema_version = schemaVersionFor(ctx.account, String(data.type), asked, { type: 'Type', version: 'SchemaVersion' });
      },
      beforeUpdate(ctx, record, changes) {
        if (ctx.given.has('SchemaVersion'))
          schemaVersionFor(ctx.account, String(record.data.type), changes.schema_version, { type: 'Type', version: 'SchemaVersion' });
      },
    },
  },

  operations: {
    // Sends a test event to the sink (rules/outbound.ts), carrying the id it records here.
    CreateSinkTest(ctx) {
      const sink = ctx.account.get(`/v1/Sinks/${ctx.params.Sid}`)!;
      const log = ctx.account.state.events.sinkTests;
      const ids = log.get(String(sink.data.sid)) ?? [];
      ids.push(ctx.engine.newSid('TE'));
      log.set(String(sink.data.sid), ids);
      return { status: 201, body: { result: 'submitted' } };
    },
    // "A request to create a new Sink Validation Resource always returns a result property with a value of
    // valid (to avoid disrupting existing customer workflows)":
    // https://www.twilio.com/docs/events/event-streams/sink-resource/validate
    CreateSinkValidate(ctx) {
      const sink = ctx.account.get(`/v1/Sinks/${ctx.params.Sid}`)!;
      if (sink.data.status !== 'active') ctx.account.update(sink, { status: 'active', date_updated: ctx.now });
      return { status: 201, body: { result: 'valid' } };
    },
  },
};
