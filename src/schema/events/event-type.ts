/** EventType: a kind of event Twilio can stream to a sink (`com.twilio.messaging.message.sent`), from the catalogue every account sees. */
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import type { EventsEventTypeRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkEventType, checkSchemaId, loadViaAccountList } from './shared.ts';

/** How event types are read: the whole catalogue in one list page once several are wanted, else one fetch each. */
function eventTypeSource(ctx: GatewayContext, listFrom: number) {
  return {
    typename: 'EventType',
    listFrom,
    memoKey: 'events.eventTypes',
    listPage: () => events.listEventTypes(ctx.twilio, { query: { PageSize: 1000 } }),
    fetchOne: (type: string) => events.fetchEventType(ctx.twilio, { path: { Type: type } }),
    idOf: (e: EventsEventTypeRecord) => e.type!,
    prime: (e: EventsEventTypeRecord) => EventType.getDataloader(ctx).prime(nodeKey(e.type!), e),
  };
}

/** Keyed by the type itself. One type is one fetch; several at once (`nodes(ids:)`) one read of the catalogue. */
export const EventType = builder.loadableNodeRef<EventsEventTypeRecord>('EventType', {
  id: { resolve: (e) => nodeKey(e.type!) },
  load: (keys, ctx) => loadViaAccountList(ctx, keys, eventTypeSource(ctx, 2)),
  cacheResolved: (e) => nodeKey(e.type!),
});

/**
 * The event type a subscribed event names. These links are where a query
 * wants many event types (one per subscribed event of every subscription),
 * so they read the catalogue once (one call for every type) rather than
 * fetching each type.
 */
export function eventTypeOf(ctx: GatewayContext, type: string | null) {
  if (!type) return null;
  return ctx.twilio.cache
    .loader<EventsEventTypeRecord>('events.eventTypesOfLinks', (keys) => loadViaAccountList(ctx, keys, eventTypeSource(ctx, 1)))
    .load(nodeKey(type));
}

export const EventTypeConnection = builder.connectionObject(
  { type: EventType, name: 'EventTypeConnection', description: 'A page of event types.' },
  { description: 'An event type with its cursor.' },
);

EventType.implement({
  description: 'A kind of event Twilio can send to a sink (`com.twilio.messaging.message.sent`). Its payload follows a versioned schema.',
  fields: (t) => ({
    type: t.string({ nullable: false, description: 'A string that uniquely identifies this Event Type.', resolve: (e) => e.type! }),
    schemaId: t.exposeString('schema_id', { description: 'A string that uniquely identifies the Schema this Event Type adheres to.' }),
    description: t.exposeString('description', { description: 'A human readable description for this Event Type.' }),
    dateCreated: t.field({
      type: 'DateTime',
      description: 'The date that this Event Type was created, given in ISO 8601 format.',
      resolve: (e) => e.date_created,
    }),
    dateUpdated: t.field({
      type: 'DateTime',
      description: 'The date that this Event Type was updated, given in ISO 8601 format.',
      resolve: (e) => e.date_updated,
    }),
    url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (e) => e.url }),
    links: t.field({ type: 'JSON', description: "REST URLs of related resources (the versions of the type's schema).", resolve: (e) => e.links }),
  }),
});

builder.queryFields((t) => ({
  eventTypes: t.field({
    type: EventTypeConnection,
    nullable: false,
    description: 'The event types Twilio can stream, in catalogue order.',
    args: {
      ...forwardArgs(t.arg),
      schemaId: t.arg.string({ description: 'Only the event types using this schema (`Messaging.MessageStatus`).' }),
    },
    resolve: (_, args, ctx) => {
      const schemaId = args.schemaId ? checkSchemaId('schemaId', args.schemaId) : undefined;
      return resolveConnection(twilioList(ctx, events.eventsOperations.ListEventType, { query: { SchemaId: schemaId } }), args);
    },
  }),
  eventType: t.field({
    type: EventType,
    description: 'An event type by name; null when Twilio has none by that name.',
    args: { type: t.arg.string({ required: true, description: 'A string that uniquely identifies this Event Type (`com.twilio.messaging.message.sent`).' }) },
    resolve: (_, { type }, ctx) => EventType.getDataloader(ctx).load(nodeKey(checkEventType('type', type))),
  }),
}));
