/**
 * Events v1 (`https://events.twilio.com/v1`): one typed function per operation, its request and record
 * types, and the `eventsOperations` table, all generated from the spec by
 * `scripts/generate.ts`. Resolvers import from here, never from `generated/`,
 * so hand-written Events helpers can join them without touching callers.
 */
export * from './generated/events.ts';
