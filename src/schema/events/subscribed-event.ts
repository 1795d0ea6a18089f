/** EventSubscribedEvent: one event type of a subscription, at the schema version its payloads follow. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSubscribedEventRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { checkEventType, eventTypeParam, schemaVersionParam } from './shared.ts';
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
    eventType: t.field({
      type: EventType,
      extensions: listedPer('account'),
      description: 'The event type being subscribed to.',
      resolve: (e, _, ctx) => eventTypeOf(ctx, e.type),
    }),
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

const subscriptionSid = param('path', 'SubscriptionSid', 'String', 'The unique SID identifier of the Subscription (`DF…`).', { required: true, sid: 'DF' });

twilioMutation('createEventSubscribedEvent', {
  operation: events.eventsOperations.CreateSubscribedEvent,
  description: 'Adds an event type to a subscription.',
  input: {
    description: 'An event type to add to a subscription.',
    fields: () => ({
      subscriptionSid,
      type: eventTypeParam('body', 'Type of event being subscribed to (`com.twilio.messaging.message.sent`).'),
      schemaVersion: schemaVersionParam("The schema version that the Subscription should use; the schema's latest when omitted."),
    }),
  },
  result: { field: 'eventSubscribedEvent', type: EventSubscribedEvent },
});

twilioMutation('updateEventSubscribedEvent', {
  operation: events.eventsOperations.UpdateSubscribedEvent,
  description: 'Changes the schema version an event type of a subscription uses.',
  input: {
    description: 'A new schema version for an event type of a subscription.',
    fields: () => ({
      subscriptionSid,
      type: eventTypeParam('path', 'Type of event being subscribed to.'),
      schemaVersion: schemaVersionParam('The schema version that the Subscription should use.'),
    }),
  },
  result: { field: 'eventSubscribedEvent', type: EventSubscribedEvent },
});

twilioMutation('deleteEventSubscribedEvent', {
  operation: events.eventsOperations.DeleteSubscribedEvent,
  description: 'Removes an event type from a subscription.',
  input: {
    description: 'The event type to remove from a subscription.',
    fields: () => ({ subscriptionSid, type: eventTypeParam('path', 'Type of event being subscribed to.') }),
  },
  result: { deletes: 'EventSubscribedEvent' },
});
