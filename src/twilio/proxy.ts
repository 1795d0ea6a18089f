/**
 * Proxy v1 (`https://proxy.twilio.com/v1`): one typed function per operation, its request and record
 * types, and the `proxyOperations` table, all generated from the spec by
 * `scripts/generate.ts`. Resolvers import from here, never from `generated/`,
 * so hand-written Proxy helpers can join them without touching callers.
 */
export * from './generated/proxy.ts';
