/** EventSink: a destination Twilio streams events to (a webhook, a Kinesis stream, a Segment source). */
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSinkRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { loadViaAccountList } from './shared.ts';
import { EventSinkConfiguration, EventSinkConfigurationInput, servedConfiguration, sinkParams, typedConfiguration } from './sink-configuration.ts';

export const EventSinkType = builder.enumType('EventSinkType', {
  description: 'Where a sink delivers events.',
  values: {
    KINESIS: { value: 'kinesis', description: 'An Amazon Kinesis data stream.' },
    WEBHOOK: { value: 'webhook', description: 'An HTTP(S) URL.' },
    SEGMENT: { value: 'segment', description: 'A Segment source.' },
  } as const,
});

export const EventSinkStatus = builder.enumType('EventSinkStatus', {
  description: 'Where a sink stands in the test-and-validate handshake that lets subscriptions use it.',
  values: {
    INITIALIZED: { value: 'initialized', description: 'Created; no test event sent yet.' },
    VALIDATING: { value: 'validating', description: 'A test event was sent; waiting for its ID to be sent back with `validateEventSink`.' },
    ACTIVE: { value: 'active', description: 'Validated: subscriptions can send events to it.' },
    FAILED: { value: 'failed', description: 'Twilio could not deliver to it.' },
  } as const,
});

/** Names the memoised read of the account's sink list. */
const SINK_LIST = 'events.sinks';

/**
 * Keyed by SID. One sink is one fetch; several at once (the sinks of a page
 * of subscriptions) one read of the sink list. An account holds at most 100
 * sinks, so that one page of up to 1000 always holds them all: a request
 * costs at most one call for its sinks, however many it wants.
 */
export const EventSink = builder.loadableNodeRef<EventsSinkRecord>('EventSink', {
  id: { resolve: (s) => nodeKey(s.sid!) },
  load: (keys, ctx) =>
    loadViaAccountList(ctx, keys, {
      typename: 'EventSink',
      listFrom: 2,
      memoKey: SINK_LIST,
      listPage: () => events.listSinks(ctx.twilio, { query: { PageSize: 1000 } }),
      fetchOne: (sid) => events.fetchSink(ctx.twilio, { path: { Sid: sid } }),
      idOf: (s) => s.sid!,
      prime: (s) => EventSink.getDataloader(ctx).prime(nodeKey(s.sid!), s),
    }),
  cacheResolved: (s) => nodeKey(s.sid!),
});

export const EventSinkConnection = builder.connectionObject(
  { type: EventSink, name: 'EventSinkConnection', description: 'A page of sinks.' },
  { description: 'A sink with its cursor.' },
);

/** The sink a subscription sends to, through the sink loader. */
export function sinkOf(ctx: GatewayContext, sid: string | null) {
  return sid ? EventSink.getDataloader(ctx).load(nodeKey(sid)) : null;
}

EventSink.implement({
  description:
    'A sink: a destination Twilio streams the events of its subscriptions to. A new sink must pass a test and validation before subscriptions can use it.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'A 34 character string that uniquely identifies this Sink (`DG…`).', resolve: (s) => s.sid! }),
    description: t.exposeString('description', { description: 'A human readable description for the Sink.' }),
    sinkType: t.field({ type: EventSinkType, description: 'The Sink type: where it delivers events.', resolve: (s) => s.sink_type }),
    status: t.field({
      type: EventSinkStatus,
      description: 'The Status of this Sink. One of `INITIALIZED`, `VALIDATING`, `ACTIVE` or `FAILED`.',
      resolve: (s) => s.status,
    }),
    sinkConfiguration: t.field({
      type: EventSinkConfiguration,
      description: 'The information required for Twilio to connect to the Sink, typed by sink type. A Segment write key is never returned.',
      resolve: (s) => typedConfiguration(s.sink_type, s.sink_configuration),
    }),
    sinkConfigurationJson: t.field({
      type: 'JSON',
      description: 'The information required for Twilio to connect to the Sink, as Twilio sent it, without credentials (a Segment `write_key` is left out).',
      resolve: (s) => servedConfiguration(s.sink_configuration),
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'The date that this Sink was created, given in ISO 8601 format.', resolve: (s) => s.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'The date that this Sink was updated, given in ISO 8601 format.', resolve: (s) => s.date_updated }),
    url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (s) => s.url }),
    links: t.field({
      type: 'JSON',
      description: 'Contains a dictionary of URL links to nested resources of this Sink (its test and validate endpoints).',
      resolve: (s) => s.links,
    }),
  }),
});

builder.queryFields((t) => ({
  eventSinks: t.field({
    type: EventSinkConnection,
    nullable: false,
    description: "The account's sinks, oldest first.",
    args: {
      ...forwardArgs(t.arg),
      inUse: t.arg.boolean({ description: 'Only the sinks a subscription uses (true), or only those none uses (false).' }),
      status: t.arg({ type: EventSinkStatus, description: 'Only the sinks with this status.' }),
    },
    resolve: (_, args, ctx) =>
      resolveConnection(
        twilioList(ctx, events.eventsOperations.ListSink, { query: { InUse: args.inUse ?? undefined, Status: args.status ?? undefined } }),
        args,
      ),
  }),
  eventSink: t.field({
    type: EventSink,
    description: 'A sink by SID; null when there is none.',
    args: { sid: t.arg.string({ required: true, description: 'A 34 character string that uniquely identifies the Sink (`DG…`).' }) },
    resolve: (_, { sid }, ctx) => EventSink.getDataloader(ctx).load(nodeKey(checkSid('sid', sid, 'DG'))),
  }),
}));

// ---- mutations ----

const sinkSid = param('path', 'Sid', 'String', 'A 34 character string that uniquely identifies the Sink (`DG…`).', { required: true, sid: 'DG' });
const sinkDescription = param('body', 'Description', 'String', 'A human readable description for the Sink. **This value should not contain PII.**', {
  required: true,
});

twilioMutation('createEventSink', {
  operation: events.eventsOperations.CreateSink,
  description: 'Creates a sink. Twilio checks its configuration against its type.',
  input: {
    description: 'A new sink. Twilio makes new sinks `ACTIVE` at once (validation is no longer needed); `testEventSink` still sends it a test event.',
    fields: (p) => ({
      description: sinkDescription,
      configuration: p.body(
        'SinkConfiguration',
        EventSinkConfigurationInput,
        'Where the sink delivers: exactly one of `webhook`, `kinesis` or `segment`. Sent as `SinkType` and `SinkConfiguration`.',
        // A refusal or error that quotes the configuration back must not carry the write key.
        { required: true, spreads: ['SinkType', 'SinkConfiguration'], send: sinkParams, secret: (c) => [c.segment?.writeKey] },
      ),
    }),
  },
  result: { field: 'eventSink', type: EventSink },
});

twilioMutation('updateEventSink', {
  operation: events.eventsOperations.UpdateSink,
  description: "Changes a sink's description.",
  input: {
    description: "A sink's new description; Twilio lets nothing else of a sink change.",
    fields: () => ({ sid: sinkSid, description: sinkDescription }),
  },
  result: { field: 'eventSink', type: EventSink },
});

twilioMutation('deleteEventSink', {
  operation: events.eventsOperations.DeleteSink,
  description: 'Deletes a sink. Twilio refuses while a subscription uses it: delete or move the subscriptions first.',
  input: {
    description: 'The sink to delete. Twilio refuses while a subscription uses it.',
    fields: () => ({ sid: sinkSid }),
  },
  result: { deletes: 'EventSink' },
});
