/**
 * Assertions shared by the end-to-end tests: on the gateway's GraphQL answers
 * (`ok`, `expectData`, `expectBadInput`, `refetch`) and on the emulator's
 * Twilio error bodies (`expectTwilioError`). Each one fails with what it got,
 * not just that it differed: the GraphQL errors of an answer, the body of a
 * REST answer.
 */
import { expect } from 'vitest';
import type { GatewayEnv, GraphQLResponse } from './harness.ts';

/** Anything that runs a GraphQL operation against the gateway: a `GatewayEnv`, or a wrapper around its `query`. */
export interface Queryable {
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
}

/** The GraphQL errors of an answer, one a line (message, path, extensions), for failure messages. */
export function describeErrors(errors: GraphQLResponse['errors']): string {
  if (!errors) return '(no errors)';
  return errors.map((e) => `- ${e.message}${e.path ? ` at ${e.path.join('.')}` : ''}${e.extensions ? ` ${JSON.stringify(e.extensions)}` : ''}`).join('\n');
}

/** The data of an answer that must have no errors; fails listing the errors it has. */
export function expectData<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors, `expected no GraphQL errors (HTTP ${res.status}), got:\n${describeErrors(res.errors)}\n`).toBeUndefined();
  return res.data as T;
}

/** Runs an operation that must succeed, and resolves with its data (untyped: `env.run` with a document from test/generated/ gives typed data). */
export async function ok(gateway: Queryable, query: string, variables?: Record<string, unknown>): Promise<any> {
  return expectData(await gateway.query(query, variables));
}

/** Refetches an object by its global ID, expecting the same ID back, and resolves with the node. */
export async function refetch(gateway: Queryable, id: string, selection: string): Promise<any> {
  const data = await ok(gateway, `query($id: ID!) { node(id: $id) { __typename id ${selection} } }`, { id });
  expect(data.node?.id, `node(id: ${JSON.stringify(id)})`).toBe(id);
  return data.node;
}

/**
 * A refusal of bad input: one BAD_USER_INPUT error naming the argument or
 * input field (in `extensions.field` and in its message), never a masked
 * "Unexpected error". Given the gateway's environment, also that the
 * emulator served no REST call since its last `resetCalls()`.
 */
export function expectBadInput(res: GraphQLResponse, field: string, noCallsSince?: Pick<GatewayEnv, 'calls' | 'totalCalls'>): void {
  const got = `got (HTTP ${res.status}):\n${describeErrors(res.errors)}\n`;
  expect(res.errors, `expected one BAD_USER_INPUT error naming ${field}, ${got}`).toHaveLength(1);
  const error = res.errors![0]!;
  expect(error.extensions, got).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(error.message).toContain(field);
  expect(error.message).not.toMatch(/Unexpected error/);
  if (noCallsSince) expect(noCallsSince.totalCalls(), `REST calls made for bad input naming ${field}: ${JSON.stringify(noCallsSince.calls())}`).toBe(0);
}

/** A REST answer as `twilioFetch` (test/emulator/helpers.ts) gives it. */
export interface RestAnswer {
  status: number;
  body: any;
}

/** A Twilio error body: the status, Twilio's error code and its documentation link, and a message mentioning `mentions` when given. */
export function expectTwilioError(res: RestAnswer, status: number, code: number, mentions?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ status, code, more_info: `https://www.twilio.com/docs/errors/${code}` });
  if (mentions !== undefined) expect(res.body.message).toContain(mentions);
}
