/** EventSchema: the versioned JSON Schema the payloads of one or more event types follow. */
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSchemaRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { checkSchemaId } from './shared.ts';
import { EventType, EventTypeConnection } from './event-type.ts';

/** A schema is reached by its ID, a name. */
export const schemaKeys = new NodeKeys<EventsSchemaRecord, { schema: string }>(
  'EventSchema',
  { schema: {} },
  (s) => ({ schema: s.id! }),
  (ctx, key): Promise<EventsSchemaRecord | null> => EventSchema.getDataloader(ctx).load(key),
);

/** Keyed by the schema's ID (`Messaging.MessageStatus`). Twilio lists no schemas, so each is one fetch. */
export const EventSchema = builder.loadableNodeRef<EventsSchemaRecord>('EventSchema', {
  id: schemaKeys.id,
  load: (keys, ctx) => fetchEach(keys, 'EventSchema', ([id]) => events.fetchSchema(ctx.twilio, { path: { Id: id! } })),
  cacheResolved: (s) => schemaKeys.cacheKey(s),
});

/** The schema an event type or version names, which therefore exists: not read when the query asks only for its ID or what lies under it. */
export function schemaOf(ctx: GatewayContext, info: GraphQLResolveInfo, id: string | null) {
  return id ? schemaKeys.resolve(ctx, info, { schema: id }, { exists: true }) : null;
}

EventSchema.implement({
  description: 'A schema: the JSON Schema that the payloads of its event types follow. Each new version keeps its ID.',
  fields: (t) => {
    const k = schemaKeys.fields(t);
    return {
      schemaId: k.key()({
        type: 'String',
        nullable: false,
        description: 'The unique identifier of the schema (`Messaging.MessageStatus`). Each schema can have multiple versions, that share the same id.',
        resolve: (s) => s.schema,
      }),
      latestVersionNumber: t.exposeInt('latest_version', { description: 'The latest version published of this schema.' }),
      latestVersionDateCreated: t.field({
        type: 'DateTime',
        description: 'The date that the latest schema version was created, given in ISO 8601 format.',
        resolve: (s) => s.latest_version_date_created,
      }),
      url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (s) => s.url }),
      links: t.field({ type: 'JSON', description: 'Contains a dictionary of URL links to nested resources of this schema.', resolve: (s) => s.links }),
      // A filter of the account's event types: it needs only the ID, but an unknown ID answers an empty list, not 404.
      eventTypes: k.key()({
        type: EventTypeConnection,
        nullable: false,
        description: 'The event types whose payloads follow this schema.',
        args: forwardArgs(t.arg),
        resolve: (s, args, ctx) => resolveConnection(twilioList(ctx, events.eventsOperations.ListEventType, { query: { SchemaId: s.schema } }), args),
      }),
    };
  },
});

builder.objectFields(EventType, (t) => ({
  schema: t.field({
    type: EventSchema,
    description: 'The schema the payloads of this event type follow.',
    resolve: (e, _, ctx, info) => schemaOf(ctx, info, e.schema_id),
  }),
}));

builder.queryFields((t) => ({
  eventSchema: t.field({
    type: EventSchema,
    description: lookupDescription('A schema by ID', 'schema'),
    args: { id: t.arg.string({ required: true, description: 'The unique identifier of the schema (`Messaging.MessageStatus`).' }) },
    resolve: (_, { id }, ctx, info) => schemaKeys.resolve(ctx, info, { schema: checkSchemaId('id', id) }),
  }),
}));
