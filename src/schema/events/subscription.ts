/** EventSubscription: a selection of event types that Twilio sends to one sink. */
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSubscriptionRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { badInput } from '../shared/errors.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { checkEventType, checkSchemaVersion } from './shared.ts';
import { EventSink, sinkOf } from './sink.ts';

/** A subscription is reached by its SID. */
export const subscriptionKeys = new NodeKeys<EventsSubscriptionRecord, { subscription: string }>(
  'EventSubscription',
  { subscription: { sid: 'DF' } },
  (s) => ({ subscription: s.sid! }),
  (ctx, key): Promise<EventsSubscriptionRecord | null> => EventSubscription.getDataloader(ctx).load(key),
);

export const EventSubscription = builder.loadableNodeRef<EventsSubscriptionRecord>('EventSubscription', {
  id: subscriptionKeys.id,
  load: (keys, ctx) => fetchEach(keys, 'EventSubscription', ([sid]) => events.fetchSubscription(ctx.twilio, { path: { Sid: sid! } })),
  cacheResolved: (s) => subscriptionKeys.cacheKey(s),
});

export const EventSubscriptionConnection = builder.connectionObject(
  { type: EventSubscription, name: 'EventSubscriptionConnection', description: 'A page of subscriptions.' },
  { description: 'A subscription with its cursor.' },
);

/** Names the memoised read of a subscription's subscribed events, dropped when the subscription changes. */
export const subscribedEventsMemo = (subscriptionSid: string) => `events.subscribedEvents:${subscriptionSid}`;

EventSubscription.implement({
  description: 'A subscription: the event types Twilio sends to a sink, each at a schema version.',
  fields: (t) => ({
    sid: subscriptionKeys.fields(t).key()({
      type: 'String',
      nullable: false,
      description: 'A 34 character string that uniquely identifies this Subscription (`DF…`).',
      resolve: (s) => s.subscription,
    }),
    accountSid: t.exposeString('account_sid', { description: 'The unique SID identifier of the Account.' }),
    description: t.exposeString('description', { description: 'A human readable description for the Subscription.' }),
    sinkSid: t.exposeString('sink_sid', { description: 'The SID of the sink that events selected by this subscription should be sent to (`DG…`).' }),
    sink: t.field({
      type: EventSink,
      description: 'The sink that events selected by this subscription are sent to. It had to be active when the subscription was created.',
      resolve: (s, _, ctx) => sinkOf(ctx, s.sink_sid),
    }),
    dateCreated: t.field({
      type: 'DateTime',
      description: 'The date that this Subscription was created, given in ISO 8601 format.',
      resolve: (s) => s.date_created,
    }),
    dateUpdated: t.field({
      type: 'DateTime',
      description: 'The date that this Subscription was updated, given in ISO 8601 format.',
      resolve: (s) => s.date_updated,
    }),
    url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (s) => s.url }),
    links: t.field({ type: 'JSON', description: 'Contains a dictionary of URL links to nested resources of this Subscription.', resolve: (s) => s.links }),
  }),
});

/** `first`/`after` and the `SinkSid` filter of ListSubscription, for the root and for a sink. */
function listSubscriptions(ctx: GatewayContext, args: { first?: number | null; after?: string | null }, sinkSid: string | undefined) {
  return resolveConnection(twilioList(ctx, events.eventsOperations.ListSubscription, { query: { SinkSid: sinkSid } }), args);
}

builder.objectFields(EventSink, (t) => ({
  subscriptions: t.field({
    type: EventSubscriptionConnection,
    nullable: false,
    description: 'The subscriptions that send events to this sink, oldest first.',
    args: forwardArgs(t.arg),
    resolve: (s, args, ctx) => listSubscriptions(ctx, args, s.sid!),
  }),
}));

builder.queryFields((t) => ({
  eventSubscriptions: t.field({
    type: EventSubscriptionConnection,
    nullable: false,
    description: "The account's subscriptions, oldest first.",
    args: { ...forwardArgs(t.arg), sinkSid: t.arg.string({ description: 'Only the subscriptions that send to this sink (`DG…`).' }) },
    resolve: (_, args, ctx) => listSubscriptions(ctx, args, args.sinkSid ? checkSid('sinkSid', args.sinkSid, 'DG') : undefined),
  }),
  eventSubscription: t.field({
    type: EventSubscription,
    description: lookupDescription('A subscription by SID', 'subscription'),
    args: { sid: t.arg.string({ required: true, description: 'A 34 character string that uniquely identifies the Subscription (`DF…`).' }) },
    resolve: (_, { sid }, ctx, info) => subscriptionKeys.resolve(ctx, info, { subscription: checkSid('sid', sid, 'DF') }),
  }),
}));

// ---- mutations ----

const EventSubscriptionTypeInput = builder.inputType('EventSubscriptionTypeInput', {
  description: 'An event type to subscribe to, sent as one JSON item of Twilio\'s `Types`: `{"type": …, "schema_version": …}`.',
  fields: (t) => ({
    type: t.string({ required: true, description: 'Type of event being subscribed to (`com.twilio.messaging.message.sent`).' }),
    schemaVersion: t.int({ description: "The schema version that the Subscription should use; the schema's latest when omitted." }),
  }),
});

const subscriptionSid = param('path', 'Sid', 'String', 'A 34 character string that uniquely identifies the Subscription (`DF…`).', {
  required: true,
  sid: 'DF',
});

twilioMutation('createEventSubscription', {
  operation: events.eventsOperations.CreateSubscription,
  description: 'Subscribes an active sink to event types. Twilio refuses a sink that is not active.',
  input: {
    description: 'A new subscription of an active sink to some event types.',
    fields: (p) => ({
      description: p.body('Description', 'String', 'A human readable description for the Subscription. **This value should not contain PII.**', {
        required: true,
      }),
      sinkSid: p.body(
        'SinkSid',
        'String',
        'The SID of the sink that events selected by this subscription should be sent to (`DG…`). Sink must be active for the subscription to be created.',
        { required: true, sid: 'DG' },
      ),
      types: p.body('Types', [EventSubscriptionTypeInput], 'The subscribed event types, at least one, each once.', {
        required: true,
        send: (types, field) => {
          if (types.length === 0) throw badInput(field, 'expected at least one event type');
          return types.map((item, i) => ({
            type: checkEventType(`${field}[${i}].type`, item.type),
            ...(item.schemaVersion === null || item.schemaVersion === undefined
              ? {}
              : { schema_version: checkSchemaVersion(`${field}[${i}].schemaVersion`, item.schemaVersion) }),
          }));
        },
      }),
    }),
  },
  result: { field: 'eventSubscription', type: EventSubscription },
});

twilioMutation('updateEventSubscription', {
  operation: events.eventsOperations.UpdateSubscription,
  description: "Changes a subscription's description, or moves it to another active sink.",
  input: {
    description: 'Changes to a subscription; fields left out stay as they are. Its event types change through the subscribed event mutations.',
    fields: (p) => ({
      sid: subscriptionSid,
      description: p.body('Description', 'String', 'A human readable description for the Subscription.'),
      sinkSid: p.body('SinkSid', 'String', 'The SID of the sink to send the events to from now on (`DG…`); it must be active.', { sid: 'DG' }),
    }),
  },
  result: { field: 'eventSubscription', type: EventSubscription },
});

twilioMutation('deleteEventSubscription', {
  operation: events.eventsOperations.DeleteSubscription,
  description: 'Deletes a subscription with its subscribed events; Twilio stops sending those events to its sink.',
  input: {
    description: 'The subscription to delete, with its subscribed events.',
    fields: () => ({ sid: subscriptionSid }),
  },
  result: { deletes: 'EventSubscription' },
});
