/** EventSubscribedEvent: one event type of a subscription, at the schema version its payloads follow. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSubscribedEventRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { checkSid } from '../shared/validate.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { checkEventType, checkSchemaVersion } from './shared.ts';
import { EventType, eventTypeOf } from './event-type.ts';
import { EventSchemaVersion, schemaVersionOf } from './schema-version.ts';
import { EventSubscription, subscribedEventsMemo, subscriptionKeys } from './subscription.ts';

/**
 * Keyed `subscriptionSid:type`. One subscribed event is one fetch; several
 * of one subscription at once, one read of its list (a subscription has a
 * handful).
 */
export const EventSubscribedEvent = builder.loadableNodeRef<EventsSubscribedEventRecord>('EventSubscribedEvent', {
  id: { resolve: (e) => nodeKey(e.subscription_sid!, e.type!) },
  load: (keys, ctx) =>
    loadViaList<EventsSubscribedEventRecord>(ctx, keys, {
      typename: 'EventSubscribedEvent',
      listFrom: 2,
      memoKey: subscribedEventsMemo,
      listPage: (subscription) => events.listSubscribedEvents(ctx.twilio, { path: { SubscriptionSid: subscription }, query: { PageSize: 1000 } }),
      fetchOne: (subscription, type) => events.fetchSubscribedEvent(ctx.twilio, { path: { SubscriptionSid: subscription, Type: type } }),
      idsOf: (e) => [e.type!],
      prime: (subscription, e) => EventSubscribedEvent.getDataloader(ctx).prime(nodeKey(subscription, e.type!), e),
    }),
  cacheResolved: (e) => nodeKey(e.subscription_sid!, e.type!),
});

export const EventSubscribedEventConnection = builder.connectionObject(
  { type: EventSubscribedEvent, name: 'EventSubscribedEventConnection', description: 'A page of subscribed events.' },
  { description: 'A subscribed event with its cursor.' },
);

/** The schema version a subscribed event uses: its event type names the schema, the subscribed event the version. */
async function schemaVersionUsed(ctx: GatewayContext, e: EventsSubscribedEventRecord) {
  if (!e.type || e.schema_version === null) return null;
  const eventType = await eventTypeOf(ctx, e.type);
  return eventType?.schema_id ? schemaVersionOf(ctx, eventType.schema_id, e.schema_version) : null;
}

EventSubscribedEvent.implement({
  description: 'An event type a subscription sends to its sink, at the schema version its payloads follow.',
  fields: (t) => ({
    accountSid: t.exposeString('account_sid', { description: 'The unique SID identifier of the Account.' }),
    subscriptionSid: t.string({ nullable: false, description: 'The unique SID identifier of the Subscription (`DF…`).', resolve: (e) => e.subscription_sid! }),
    subscription: t.field({
      type: EventSubscription,
      description: 'The subscription this event type belongs to.',
      resolve: (e, _, ctx, info) => (e.subscription_sid ? subscriptionKeys.resolve(ctx, info, { subscription: e.subscription_sid }, { exists: true }) : null),
    }),
    type: t.string({ nullable: false, description: 'Type of event being subscribed to.', resolve: (e) => e.type! }),
    eventType: t.field({ type: EventType, extensions: listedPer('account'), description: 'The event type being subscribed to.', resolve: (e, _, ctx) => eventTypeOf(ctx, e.type) }),
    schemaVersionNumber: t.exposeInt('schema_version', { description: 'The schema version that the Subscription should use.' }),
    schemaVersion: t.field({
      type: EventSchemaVersion,
      description: "The version of the event type's schema that the Subscription uses.",
      resolve: (e, _, ctx) => schemaVersionUsed(ctx, e),
    }),
    url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (e) => e.url }),
  }),
});

builder.objectFields(EventSubscription, (t) => {
  const k = subscriptionKeys.fields(t);
  return {
    subscribedEvents: k.list({
      type: EventSubscribedEventConnection,
      nullable: false,
      description: 'The event types this subscription sends, in the order they were added.',
      args: forwardArgs(t.arg),
      resolve: (s, args, ctx) =>
        resolveConnection(twilioList(ctx, events.eventsOperations.ListSubscribedEvent, { path: { SubscriptionSid: s.subscription } }), args),
    }),
    subscribedEvent: k.lookup({
      type: EventSubscribedEvent,
      description: 'One event type of the subscription; null when the subscription does not send it.',
      args: { type: t.arg.string({ required: true, description: 'Type of event being subscribed to (`com.twilio.messaging.message.sent`).' }) },
      resolve: (s, { type }, ctx) => EventSubscribedEvent.getDataloader(ctx).load(nodeKey(s.subscription, checkEventType('type', type))),
    }),
  };
});

// ---- mutations ----

const subscribedEventFields = { SchemaVersion: 'schemaVersion', Type: 'type' };

const CreateEventSubscribedEventInput = builder.inputType('CreateEventSubscribedEventInput', {
  description: 'An event type to add to a subscription.',
  fields: (t) => ({
    subscriptionSid: t.string({ required: true, description: 'The unique SID identifier of the Subscription (`DF…`).' }),
    type: t.string({ required: true, description: 'Type of event being subscribed to (`com.twilio.messaging.message.sent`).' }),
    schemaVersion: t.int({ description: "The schema version that the Subscription should use; the schema's latest when omitted." }),
  }),
});

const UpdateEventSubscribedEventInput = builder.inputType('UpdateEventSubscribedEventInput', {
  description: 'A new schema version for an event type of a subscription.',
  fields: (t) => ({
    subscriptionSid: t.string({ required: true, description: 'The unique SID identifier of the Subscription (`DF…`).' }),
    type: t.string({ required: true, description: 'Type of event being subscribed to.' }),
    schemaVersion: t.int({ description: 'The schema version that the Subscription should use.' }),
  }),
});

const DeleteEventSubscribedEventInput = builder.inputType('DeleteEventSubscribedEventInput', {
  description: 'The event type to remove from a subscription.',
  fields: (t) => ({
    subscriptionSid: t.string({ required: true, description: 'The unique SID identifier of the Subscription (`DF…`).' }),
    type: t.string({ required: true, description: 'Type of event being subscribed to.' }),
  }),
});

const CreateEventSubscribedEventPayload = payloadType('CreateEventSubscribedEventPayload', 'eventSubscribedEvent', EventSubscribedEvent, 'The result of createEventSubscribedEvent.');
const UpdateEventSubscribedEventPayload = payloadType('UpdateEventSubscribedEventPayload', 'eventSubscribedEvent', EventSubscribedEvent, 'The result of updateEventSubscribedEvent.');
const DeleteEventSubscribedEventPayload = deletePayloadType('DeleteEventSubscribedEventPayload', 'The result of deleteEventSubscribedEvent.');

/** Drops cached copies of a subscribed event after a write (and its subscription's memoised list), keeping the new one when Twilio returned it. */
function rememberSubscribedEvent(ctx: GatewayContext, subscription: string, type: string, record: EventsSubscribedEventRecord | null): void {
  if (record) EventSubscribedEvent.getDataloader(ctx).prime(nodeKey(subscription, type), record);
}

/** The checked subscription SID, event type and schema version of a subscribed event input. */
function keyOf(input: { subscriptionSid: string; type: string; schemaVersion?: number | null }) {
  return {
    subscription: checkSid('input.subscriptionSid', input.subscriptionSid, 'DF'),
    type: checkEventType('input.type', input.type),
    schemaVersion: input.schemaVersion === null || input.schemaVersion === undefined ? undefined : checkSchemaVersion('input.schemaVersion', input.schemaVersion),
  };
}

builder.mutationFields((t) => ({
  createEventSubscribedEvent: t.field({
    type: CreateEventSubscribedEventPayload,
    description: 'Adds an event type to a subscription.',
    args: { input: t.arg({ type: CreateEventSubscribedEventInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const { subscription, type, schemaVersion } = keyOf(input);
      const payload = await runWrite(ctx, subscribedEventFields, () =>
        events.createSubscribedEvent(ctx.twilio, { path: { SubscriptionSid: subscription }, body: { Type: type, SchemaVersion: schemaVersion } }),
      );
      if (payload.result) rememberSubscribedEvent(ctx, subscription, type, payload.result);
      return payload;
    },
  }),
  updateEventSubscribedEvent: t.field({
    type: UpdateEventSubscribedEventPayload,
    description: 'Changes the schema version an event type of a subscription uses.',
    args: { input: t.arg({ type: UpdateEventSubscribedEventInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const { subscription, type, schemaVersion } = keyOf(input);
      const payload = await runWrite(ctx, subscribedEventFields, () =>
        events.updateSubscribedEvent(ctx.twilio, { path: { SubscriptionSid: subscription, Type: type }, body: { SchemaVersion: schemaVersion } }),
      );
      rememberSubscribedEvent(ctx, subscription, type, payload.result);
      return payload;
    },
  }),
  deleteEventSubscribedEvent: t.field({
    type: DeleteEventSubscribedEventPayload,
    description: 'Removes an event type from a subscription.',
    args: { input: t.arg({ type: DeleteEventSubscribedEventInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const { subscription, type } = keyOf(input);
      const payload = await runWrite(ctx, {}, async () => {
        await events.deleteSubscribedEvent(ctx.twilio, { path: { SubscriptionSid: subscription, Type: type } });
        return encodeGlobalId('EventSubscribedEvent', nodeKey(subscription, type));
      });
      return payload;
    },
  }),
}));
