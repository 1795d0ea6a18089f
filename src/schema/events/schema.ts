/** EventSchema: the versioned JSON Schema the payloads of one or more event types follow. */
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSchemaRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { cacheKeyOf, selectsOnly, stub } from '../shared/selection.ts';
import { checkSchemaId } from './shared.ts';
import { EventType, EventTypeConnection } from './event-type.ts';

/** Keyed by the schema's ID (`Messaging.MessageStatus`). Twilio lists no schemas, so each is one fetch. */
export const EventSchema = builder.loadableNodeRef<EventsSchemaRecord>('EventSchema', {
  id: { resolve: (s) => nodeKey(s.id!) },
  load: (keys, ctx) => fetchEach(keys, 'EventSchema', ([id]) => events.fetchSchema(ctx.twilio, { path: { Id: id! } })),
  cacheResolved: (s) => cacheKeyOf(s, nodeKey(s.id!)),
});

/** Fields of a schema asked for by ID that need only the ID: its versions list fails with 404 for a missing schema. */
const LIST_ONLY_FIELDS = new Set(['id', 'schemaId', 'versions']);

/** Reached from an event type or version, the schema exists, so lookups under it need only its ID too. */
const LINK_ONLY_FIELDS = new Set([...LIST_ONLY_FIELDS, 'version', 'eventTypes']);

/** A schema by ID: its record when a field needs it, else a stub that costs no REST call. */
export function schemaOf(ctx: GatewayContext, info: GraphQLResolveInfo, id: string | null, only: ReadonlySet<string> = LINK_ONLY_FIELDS) {
  if (!id) return null;
  return selectsOnly(info, only) ? stub<EventsSchemaRecord>({ id }) : EventSchema.getDataloader(ctx).load(nodeKey(id));
}

EventSchema.implement({
  description: 'A schema: the JSON Schema that the payloads of its event types follow. Each new version keeps its ID.',
  fields: (t) => ({
    schemaId: t.string({
      nullable: false,
      description: 'The unique identifier of the schema (`Messaging.MessageStatus`). Each schema can have multiple versions, that share the same id.',
      resolve: (s) => s.id!,
    }),
    latestVersionNumber: t.exposeInt('latest_version', { description: 'The latest version published of this schema.' }),
    latestVersionDateCreated: t.field({
      type: 'DateTime',
      description: 'The date that the latest schema version was created, given in ISO 8601 format.',
      resolve: (s) => s.latest_version_date_created,
    }),
    url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (s) => s.url }),
    links: t.field({ type: 'JSON', description: 'Contains a dictionary of URL links to nested resources of this schema.', resolve: (s) => s.links }),
    eventTypes: t.field({
      type: EventTypeConnection,
      nullable: false,
      description: 'The event types whose payloads follow this schema.',
      args: forwardArgs(t.arg),
      resolve: (s, args, ctx) =>
        resolveConnection(twilioList(ctx, events.eventsOperations.ListEventType, { query: { SchemaId: s.id! } }), args),
    }),
  }),
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
    description: 'A schema by ID; null when there is none (with a `NOT_FOUND` error when only its versions were asked for).',
    args: { id: t.arg.string({ required: true, description: 'The unique identifier of the schema (`Messaging.MessageStatus`).' }) },
    resolve: (_, { id }, ctx, info) => schemaOf(ctx, info, checkSchemaId('id', id), LIST_ONLY_FIELDS),
  }),
}));
