/**
 * The errors of a field whose REST calls the request's own limits stopped (its
 * REST budget spent, its deadline passed) as clients read them, to the byte:
 * message, locations, path and extensions, in that order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { supportServiceSid } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** The answer's `errors`, as the client received them. */
async function errorsText(env: GatewayEnv, query: string, variables: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${env.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  const at = text.indexOf('"errors":');
  expect(at).toBeGreaterThanOrEqual(0);
  const errors = JSON.parse(text).errors;
  const json = JSON.stringify(errors);
  // The errors as sent, not re-serialised: the answer holds them as JSON.stringify writes them.
  expect(text.slice(at + '"errors":'.length, at + '"errors":'.length + json.length)).toBe(json);
  return json;
}

const QUERY = `query($s: String!) {
  chatService(sid: $s) { friendlyName }
}`;

describe('errors of the request limits, as sent', () => {
  it('a spent REST budget', async () => {
    env = await startGateway({ transport: { retry: { maxRetries: 3, baseDelayMs: 1 } }, gateway: { maxRestCallsPerRequest: 2 } });
    const service = await supportServiceSid(env);
    env.emulator.injectFault({ operation: 'chat.FetchService', status: 503, count: 10 });
    expect(await errorsText(env, QUERY, { s: service })).toBe(
      JSON.stringify([
        {
          message: 'This request needs more than 2 REST calls to Twilio, retries included: ask for fewer items, or split the query',
          locations: [{ line: 2, column: 3 }],
          path: ['chatService'],
          extensions: { code: 'QUERY_TOO_EXPENSIVE', limit: 2 },
        },
      ]),
    );
  });

  it('a deadline passed', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 300 } });
    const service = await supportServiceSid(env);
    // Once Twilio has accepted the credential, its calls no longer go one at a time.
    expect((await env.query(`{ chatServices(first: 1) { nodes { sid } } }`)).errors).toBeUndefined();
    env.emulator.injectFault({ operation: 'chat.FetchService', stallMs: 5_000 });
    expect(await errorsText(env, QUERY, { s: service })).toBe(
      JSON.stringify([
        {
          message: 'The request ran past its deadline of 300 ms: the REST calls of this field were cancelled, and the answer holds what was ready',
          locations: [{ line: 2, column: 3 }],
          path: ['chatService'],
          extensions: { code: 'DEADLINE_EXCEEDED' },
        },
      ]),
    );
  });
});
