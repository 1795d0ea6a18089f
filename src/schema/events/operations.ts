/**
 * Where each Events v1 REST read is reachable in the schema, as
 * `Type.field` coordinates (each write is found from its mutation's
 * declaration: see `operationCoverage` in ../coverage.ts).
 * `test/gateway/coverage.test.ts` checks the whole map against `specs/`
 * and the built schema, so a spec change the schema misses
 * fails the build.
 */
export const eventsOperations: Record<string, string> = {
  'events.ListEventType': 'Query.eventTypes',
  'events.FetchEventType': 'Query.eventType',
  'events.FetchSchema': 'Query.eventSchema',
  'events.ListSchemaVersion': 'EventSchema.versions',
  'events.FetchSchemaVersion': 'EventSchema.version',
  'events.ListSink': 'Query.eventSinks',
  'events.FetchSink': 'Query.eventSink',
  'events.ListSubscription': 'Query.eventSubscriptions',
  'events.FetchSubscription': 'Query.eventSubscription',
  'events.ListSubscribedEvent': 'EventSubscription.subscribedEvents',
  'events.FetchSubscribedEvent': 'EventSubscription.subscribedEvent',
};
