/**
 * The Prometheus metrics over real sockets: GraphQL answers by operation and
 * outcome, REST attempts by operation and status class, retries, 429s,
 * in-flight calls per account kind, cost refusals; bounded operation names;
 * a scrape that holds no SID, account SID, token or Basic header; and a
 * metrics listener apart from the gateway's port, behind its bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { labelValues, sample, startObservedGateway, type ObservedGateway } from './support.ts';
import { basic, supportServiceSid, waitFor } from '../limits/helpers.ts';

const SECOND = { accountSid: 'AC00000000000000000000000000000002', authToken: 'second-account-secret-token' };
const TOKEN = 'scrape-token-7d1e0c2b9a';
const MISSING_SERVICE = 'IS00000000000000000000000000000000';

let env: ObservedGateway;
let service: string;

beforeAll(async () => {
  env = await startObservedGateway({
    observability: { metrics: { configuredAccountSid: DEMO_ACCOUNT.accountSid, maxInFlightPerAccount: 100 } },
    metricsToken: TOKEN,
    emulator: { accounts: [...DEFAULT_ACCOUNTS, SECOND] },
    transport: { retry: { baseDelayMs: 1 } },
  });
  service = await supportServiceSid(env);
});
afterAll(() => env?.close());

/** How much each series of `series` grew while `work` ran. */
async function growth(series: Array<[string, Record<string, string>]>, work: () => Promise<void>): Promise<number[]> {
  const before = await env.scrape();
  await work();
  const after = await env.scrape();
  return series.map(([name, labels]) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0));
}

describe('metrics', () => {
  it('counts answers by operation name and outcome, and REST attempts by operation and status class', async () => {
    const services = 'query Services { chatServices(first: 2) { nodes { sid channels(first: 2) { nodes { sid } } } } }';
    const deltas = await growth(
      [
        ['graphql_operations_total', { operationName: 'Services', operationType: 'query', outcome: 'ok', code: '' }],
        ['graphql_operations_total', { operationName: 'Failing', operationType: 'query', outcome: 'error', code: 'UPSTREAM_ERROR' }],
        ['graphql_operations_total', { operationName: 'Broken', operationType: 'query', outcome: 'error', code: 'GRAPHQL_VALIDATION_FAILED' }],
        ['graphql_operations_total', { operationName: 'anonymous', operationType: 'query', outcome: 'ok', code: '' }],
        ['twilio_rest_requests_total', { operation: 'chat.ListService', status_class: '2xx' }],
        ['twilio_rest_requests_total', { operation: 'chat.ListChannel', status_class: '2xx' }],
        ['twilio_rest_requests_total', { operation: 'chat.FetchService', status_class: '5xx' }],
        ['twilio_rest_requests_total', { operation: 'chat.FetchService', status_class: '4xx' }],
        ['twilio_rest_request_duration_seconds_count', { operation: 'chat.ListChannel' }],
        ['graphql_envelop_request', { operationName: 'Services', operationType: 'query' }],
        ['graphql_envelop_phase_execute_count', { operationName: 'Services', operationType: 'query' }],
        ['graphql_envelop_phase_parse_count', { operationName: 'Services', operationType: 'query' }],
        ['graphql_envelop_phase_validate_count', { operationName: 'Services', operationType: 'query' }],
        ['graphql_envelop_error_result', { operationName: 'Broken', operationType: 'query', phase: 'validate' }],
        ['graphql_executions_total', { mode: 'compiled' }],
        ['graphql_yoga_http_duration_count', { operationType: 'query', method: 'POST', statusCode: '200' }],
        ['graphql_operations_total', { operationName: 'unknown', operationType: 'unknown', outcome: 'error', code: 'UNAUTHENTICATED' }],
      ],
      async () => {
        env.resetCalls();
        for (let i = 0; i < 2; i++) expect((await env.query(services)).errors).toBeUndefined();
        env.emulator.injectFault({ operation: 'chat.FetchService', status: 500 });
        const failing = await env.query(`query Failing { chatService(sid: "${service}") { sid } }`);
        expect(failing.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
        expect((await env.query('query Broken { nope }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        // Twilio's 404 for a missing service is an answer of null, not an error.
        expect((await env.query(`{ chatService(sid: "${MISSING_SERVICE}") { sid } }`)).data).toEqual({ chatService: null });
        // Refused before its body is read: counted all the same, its operation unknown.
        expect((await env.query('query Refused { __typename }', undefined, { authorization: 'Basic not-base64!' })).errors?.[0]?.extensions?.code).toBe(
          'UNAUTHENTICATED',
        );
        expect(env.calls()).toEqual({ 'chat.ListService': 2, 'chat.ListChannel': 4, 'chat.FetchService': 2 });
      },
    );
    // Services ×2; Failing; Broken; the anonymous query; per status class, as the emulator saw them; the refusal.
    expect(deltas).toEqual([2, 1, 1, 1, 2, 4, 1, 1, 4, 2, 2, 2, 2, 1, 4, 4, 1]);
  });

  it('counts retries and the 429s Twilio answers', async () => {
    const [retries, rateLimited, throttledAttempts, unavailable, ok] = await growth(
      [
        ['twilio_rest_retries_total', { operation: 'chat.ListService' }],
        ['twilio_rest_rate_limited_total', { operation: 'chat.ListService' }],
        ['twilio_rest_requests_total', { operation: 'chat.ListService', status_class: '4xx' }],
        ['twilio_rest_requests_total', { operation: 'chat.ListService', status_class: '5xx' }],
        ['twilio_rest_requests_total', { operation: 'chat.ListService', status_class: '2xx' }],
      ],
      async () => {
        env.emulator.injectFault({ operation: 'chat.ListService', status: 429, retryAfter: 0 });
        env.emulator.injectFault({ operation: 'chat.ListService', status: 503 });
        const res = await env.query('query Retried { chatServices(first: 1) { nodes { sid } } }');
        expect(res.errors).toBeUndefined();
        expect(res.extensions?.cost?.retries).toBe(2);
      },
    );
    expect({ retries, rateLimited, throttledAttempts, unavailable, ok }).toEqual({ retries: 2, rateLimited: 1, throttledAttempts: 1, unavailable: 1, ok: 1 });
  });

  it('counts cost refusals by reason', async () => {
    const cycle = `query Cycle($s: String!) { chatService(sid: $s) { channels(first: 50) { nodes { members(first: 50) { nodes { channel { members(first: 50) {
      nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } } } }`;
    const [refusals, answers] = await growth(
      [
        ['graphql_cost_refusals_total', { reason: 'predicted_rest_calls' }],
        ['graphql_operations_total', { operationName: 'Cycle', operationType: 'query', outcome: 'error', code: 'QUERY_TOO_EXPENSIVE' }],
      ],
      async () => {
        expect((await env.query(cycle, { s: service })).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
      },
    );
    expect([refusals, answers]).toEqual([1, 1]);
  });

  it('shows REST calls in flight for the configured account and, apart, for every other account together', async () => {
    const inFlight = async () => {
      const scrape = await env.scrape();
      return {
        configured: sample(scrape, 'twilio_rest_in_flight', { account: 'configured' }),
        other: sample(scrape, 'twilio_rest_in_flight', { account: 'other' }),
      };
    };
    expect(await inFlight()).toEqual({ configured: 0, other: 0 });
    env.resetCalls();
    env.emulator.injectFault({ operation: 'chat.ListService', stallMs: 600 });
    // A request with the second account's own credentials: its call stalls at the emulator.
    const pending = env.query('{ chatServices(first: 1) { nodes { sid } } }', undefined, { authorization: basic(SECOND.accountSid, SECOND.authToken) });
    await waitFor(() => env.emulator.stats().operations['chat.ListService'] === 1, 5_000, 'the stalled call');
    expect(await inFlight()).toEqual({ configured: 0, other: 1 });
    expect((await pending).errors).toBeUndefined();
    expect(await inFlight()).toEqual({ configured: 0, other: 0 });
    expect(sample(await env.scrape(), 'twilio_rest_in_flight_limit')).toBe(100);
  });

  it('holds no SID, account SID, auth token, Basic header, URL or scrape token anywhere in the scrape', async () => {
    // Secrets and SIDs in every place a client can put them: credentials, variables, inline arguments, paths.
    await env.query(`query Leaky($s: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "${SECOND.authToken}") { sid } } }`, { s: service });
    await env.query(`{ chatService(sid: "${service}") { sid } }`, undefined, { authorization: basic(SECOND.accountSid, SECOND.authToken) });
    await env.query(`{ chatService(sid: "${service}") { sid } }`, undefined, {
      authorization: basic(SECOND.accountSid, 'a-wrong-token-for-the-second-account'),
    });
    const scrape = await env.scrape();
    // Node's process metrics are there too.
    expect(scrape).toMatch(/^process_cpu_user_seconds_total /m);
    expect(scrape).toMatch(/^nodejs_eventloop_lag_seconds /m);
    for (const secret of [
      DEMO_ACCOUNT.authToken,
      SECOND.authToken,
      'a-wrong-token-for-the-second-account',
      DEMO_ACCOUNT.accountSid,
      SECOND.accountSid,
      service,
      TOKEN,
    ]) {
      expect(scrape).not.toContain(secret);
    }
    expect(scrape).not.toContain(basic(SECOND.accountSid, SECOND.authToken).slice('Basic '.length));
    expect(scrape).not.toMatch(/Basic|Bearer|authorization/i);
    // No SID of any kind (two capitals and 32 hex digits), no REST path or URL.
    expect(scrape).not.toMatch(/[A-Z]{2}[0-9a-fA-F]{32}/);
    expect(scrape).not.toMatch(/\/v[12]\/|https?:|127\.0\.0\.1/);
  });

  it('serves /metrics only on its own listener, and only with the bearer token', async () => {
    expect((await fetch(`${env.url}/metrics`)).status).toBe(404);
    const anonymous = await fetch(`${env.metricsUrl}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toMatch(/graphql_|twilio_/);
    expect((await fetch(`${env.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${env.metricsUrl}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    expect((await fetch(`${env.metricsUrl}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await fetch(`${env.metricsUrl}/graphql`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    const scraped = await fetch(`${env.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await scraped.text()).toMatch(/^graphql_operations_total\{/m);
  });
});

describe('operation name label', () => {
  it('keeps the first names it sees up to its cap, then reports other', async () => {
    await using capped = await startObservedGateway({ observability: { metrics: { maxOperationNames: 3, defaultMetrics: false } } });
    for (let i = 0; i < 8; i++) expect((await capped.query(`query Op${i} { __typename }`)).errors).toBeUndefined();
    // Long names are never admitted, and an anonymous operation takes no place.
    expect((await capped.query(`query ${'L'.repeat(150)} { __typename }`)).errors).toBeUndefined();
    expect((await capped.query(`{ __typename }`)).errors).toBeUndefined();
    const scrape = await capped.scrape();
    for (const metric of ['graphql_operations_total', 'graphql_envelop_request', 'graphql_envelop_phase_execute']) {
      expect(labelValues(scrape, metric, 'operationName')).toEqual(new Set(['Op0', 'Op1', 'Op2', 'other', 'anonymous']));
    }
    expect(sample(scrape, 'graphql_operations_total', { operationName: 'other', operationType: 'query', outcome: 'ok', code: '' })).toBe(6);
    expect(sample(scrape, 'graphql_operations_total', { operationName: 'Op1', operationType: 'query', outcome: 'ok', code: '' })).toBe(1);
    expect(capped.observability.metrics!.operationNames.size).toBe(3);
  });

  it('names the operation the request asks for, not the first definition of its document', async () => {
    await using env2 = await startObservedGateway({ observability: { metrics: { defaultMetrics: false } } });
    const document = 'fragment F on Query { __typename } query First { ...F } query Second { ...F }';
    const res = await fetch(`${env2.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: document, operationName: 'Second' }),
    });
    expect(res.status).toBe(200);
    const scrape = await env2.scrape();
    expect(labelValues(scrape, 'graphql_envelop_phase_parse', 'operationName')).toEqual(new Set(['Second']));
    expect(sample(scrape, 'graphql_operations_total', { operationName: 'Second', operationType: 'query', outcome: 'ok', code: '' })).toBe(1);
  });
});
