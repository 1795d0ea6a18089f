/**
 * Accounts v1 (`https://accounts.twilio.com/v1`): one typed function per operation, its request and record
 * types, and the `accountsOperations` table, all generated from the spec by
 * `scripts/generate.ts`. Resolvers import from here, never from `generated/`,
 * so hand-written Accounts helpers can join them without touching callers.
 */
export * from './generated/accounts.ts';
