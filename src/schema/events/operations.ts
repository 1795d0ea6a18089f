/**
 * Where each Events v1 REST operation is reachable in the schema, as
 * `Type.field` coordinates. `test/gateway/coverage.test.ts` checks this
 * against `specs/` and the built schema, so a spec change the schema misses
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
  'events.CreateSink': 'Mutation.createEventSink',
  'events.UpdateSink': 'Mutation.updateEventSink',
  'events.DeleteSink': 'Mutation.deleteEventSink',
  'events.CreateSinkTest': 'Mutation.testEventSink',
  'events.CreateSinkValidate': 'Mutation.validateEventSink',
  'events.ListSubscription': 'Query.eventSubscriptions',
  'events.FetchSubscription': 'Query.eventSubscription',
  'events.CreateSubscription': 'Mutation.createEventSubscription',
  'events.UpdateSubscription': 'Mutation.updateEventSubscription',
  'events.DeleteSubscription': 'Mutation.deleteEventSubscription',
  'events.ListSubscribedEvent': 'EventSubscription.subscribedEvents',
  'events.FetchSubscribedEvent': 'EventSubscription.subscribedEvent',
  'events.CreateSubscribedEvent': 'Mutation.createEventSubscribedEvent',
  'events.UpdateSubscribedEvent': 'Mutation.updateEventSubscribedEvent',
  'events.DeleteSubscribedEvent': 'Mutation.deleteEventSubscribedEvent',
};
