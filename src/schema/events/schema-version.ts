/** EventSchemaVersion: one published version of a schema, with the URL of its JSON Schema document. */
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import type { EventsSchemaVersionRecord } from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { checkSchemaVersion } from './shared.ts';
import { EventSchema, schemaKeys, schemaOf } from './schema.ts';

/** How versions are read: a schema's version list once it is worth it, else one fetch each. */
function versionSource(ctx: GatewayContext, listFrom: number) {
  return {
    typename: 'EventSchemaVersion',
    listFrom,
    memoKey: (schema: string) => `events.schemaVersions:${schema}`,
    listPage: (schema: string) => events.listSchemaVersions(ctx.twilio, { path: { Id: schema }, query: { PageSize: 1000 } }),
    fetchOne: (schema: string, version: string) => events.fetchSchemaVersion(ctx.twilio, { path: { Id: schema, SchemaVersion: version } }),
    idsOf: (v: EventsSchemaVersionRecord) => [String(v.schema_version!)],
    prime: (schema: string, v: EventsSchemaVersionRecord) => EventSchemaVersion.getDataloader(ctx).prime(nodeKey(schema, v.schema_version!), v),
  };
}

/** Keyed `schemaId:schemaVersion`. One version is one fetch; several of one schema at once, one read of its versions. */
export const EventSchemaVersion = builder.loadableNodeRef<EventsSchemaVersionRecord>('EventSchemaVersion', {
  id: { resolve: (v) => nodeKey(v.id!, v.schema_version!) },
  load: (keys, ctx) => loadViaList(ctx, keys, versionSource(ctx, 2)),
  cacheResolved: (v) => nodeKey(v.id!, v.schema_version!),
});

/**
 * The version of a schema a subscribed event uses. A page of subscribed
 * events wants versions of a few schemas, so each schema's versions are read
 * once (one call per schema) rather than each version fetched.
 */
export function schemaVersionOf(ctx: GatewayContext, schemaId: string, version: number) {
  return ctx.twilio.cache
    .loader<EventsSchemaVersionRecord>('events.schemaVersionsOfLinks', (keys) => loadViaList(ctx, keys, versionSource(ctx, 1)))
    .load(nodeKey(schemaId, version));
}

export const EventSchemaVersionConnection = builder.connectionObject(
  { type: EventSchemaVersion, name: 'EventSchemaVersionConnection', description: 'A page of schema versions.' },
  { description: 'A schema version with its cursor.' },
);

EventSchemaVersion.implement({
  description: 'One version of a schema. A subscribed event names the version its payloads follow.',
  fields: (t) => ({
    schemaId: t.string({
      nullable: false,
      description: 'The unique identifier of the schema. Each schema can have multiple versions, that share the same id.',
      resolve: (v) => v.id!,
    }),
    schemaVersion: t.int({ nullable: false, description: 'The version of this schema.', resolve: (v) => v.schema_version! }),
    schema: t.field({ type: EventSchema, description: 'The schema this is a version of.', resolve: (v, _, ctx, info) => schemaOf(ctx, info, v.id) }),
    dateCreated: t.field({
      type: 'DateTime',
      description: 'The date the schema version was created, given in ISO 8601 format.',
      resolve: (v) => v.date_created,
    }),
    raw: t.field({ type: 'URL', description: 'The URL of the JSON Schema document of this version.', resolve: (v) => v.raw }),
    url: t.field({ type: 'URL', description: 'The URL of this resource.', resolve: (v) => v.url }),
  }),
});

builder.objectFields(EventSchema, (t) => {
  const k = schemaKeys.fields(t);
  return {
    versions: k.list({
      type: EventSchemaVersionConnection,
      nullable: false,
      description: "The schema's versions, oldest first.",
      args: forwardArgs(t.arg),
      resolve: (s, args, ctx) => {
        const versions = twilioList(ctx, events.eventsOperations.ListSchemaVersion, { path: { Id: s.schema } });
        // Published versions never change, so the event types of one schema share each page read.
        return resolveConnection(
          { ...versions, fetch: (page) => ctx.twilio.cache.once(`events.schemaVersionPage:${s.schema}:${JSON.stringify(page)}`, () => versions.fetch(page)) },
          args,
        );
      },
    }),
    version: k.lookup({
      type: EventSchemaVersion,
      description: 'One version of the schema; null when there is none.',
      args: { schemaVersion: t.arg.int({ required: true, description: 'The version of the schema, from 1.' }) },
      resolve: (s, { schemaVersion }, ctx) => EventSchemaVersion.getDataloader(ctx).load(nodeKey(s.schema, checkSchemaVersion('schemaVersion', schemaVersion))),
    }),
    latestVersion: t.field({
      type: EventSchemaVersion,
      description: 'The latest version published of this schema.',
      resolve: (s, _, ctx) => (s.id && s.latest_version ? EventSchemaVersion.getDataloader(ctx).load(nodeKey(s.id, s.latest_version)) : null),
    }),
  };
});
