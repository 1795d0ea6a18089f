/**
 * Chat v2 (`https://chat.twilio.com/v2`): one typed function per operation, its request and record
 * types, and the `chatOperations` table, all generated from the spec by
 * `scripts/generate.ts`. Resolvers import from here, never from `generated/`,
 * so hand-written Chat helpers can join them without touching callers.
 */
export * from './generated/chat.ts';
