/**
 * Prometheus metrics: the GraphQL pipeline through the Yoga/Envelop
 * Prometheus plugin (no resolver-level metrics: nothing is done per field),
 * the outcome of each GraphQL answer, and every REST attempt through the REST
 * client's observer. Every label value is bounded (see labels.ts) and none
 * holds a SID, an account SID, a URL or a credential: REST calls are labelled
 * by operation (`chat.FetchChannel`), accounts only as `configured` (the
 * gateway's own) or `other` (credentials requests bring).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import type { RestAttempt, RestAttemptOutcome, RestObservation, RestObserver } from '../twilio/client.ts';
import { CappedLabel, OperationNames, errorCodes, type OperationLabels } from './labels.ts';
import { DEFAULT_MAX_OPERATION_NAMES } from './config.ts';

export interface MetricsOptions {
  /** Distinct operation names kept as label values before `other` (default 100). */
  maxOperationNames?: number;
  /** The gateway's own account: its in-flight calls are `account="configured"`, every other account's `other`. */
  configuredAccountSid?: string | undefined;
  /** The per-account in-flight cap, published as `twilio_rest_in_flight_limit`. */
  maxInFlightPerAccount?: number | undefined;
  /** Node's process metrics (CPU, memory, event loop, GC); default true. */
  defaultMetrics?: boolean;
}

const OPERATION_LABELS = ['operationName', 'operationType'] as const;
/** Parse and validate: milliseconds at most, and the plugin times them to the millisecond. */
const PHASE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Execution and whole requests: a REST round trip or several. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const REST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label of an attempt's outcome: Twilio's status class, or why no usable answer came. */
function statusClass(outcome: RestAttemptOutcome): string {
  if (outcome.error === 'invalid_response') return 'invalid_response';
  const { status } = outcome;
  if (status !== undefined) return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
  switch (outcome.error) {
    case 'timeout':
      return 'timeout';
    case 'connect':
      return 'connect_error';
    case 'connection':
      return 'connection_error';
    case 'aborted':
      return 'aborted';
    default:
      return 'internal_error';
  }
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operationNames: OperationNames;
  readonly #codes = errorCodes();
  // Keys of the generated operation table (`chat.FetchChannel`): 124 today, capped in case a caller sends others.
  readonly #restOperations = new CappedLabel(500, 'other', /^[a-z]+\.[A-Za-z]+$/);
  readonly #configuredAccount: string | undefined;
  // Per request: the operation's labels (from parsing) and its answer (from result processing), read as it is sent.
  readonly #operations = new WeakMap<Request, OperationLabels>();
  readonly #results = new WeakMap<Request, ExecutionResult | readonly ExecutionResult[]>();

  readonly #operationsTotal: Counter<'operationName' | 'operationType' | 'outcome' | 'code'>;
  readonly #costRefusals: Counter<'reason'>;
  readonly #executions: Counter<'mode'>;
  readonly #restRequests: Counter<'operation' | 'status_class'>;
  readonly #restDuration: Histogram<'operation'>;
  readonly #restRetries: Counter<'operation'>;
  readonly #restRateLimited: Counter<'operation'>;
  readonly #restInFlight: Gauge<'account'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.operationNames = new OperationNames(options.maxOperationNames ?? DEFAULT_MAX_OPERATION_NAMES);
    this.#configuredAccount = options.configuredAccountSid;
    this.#operationsTotal = new Counter({
      name: 'graphql_operations_total',
      help: "GraphQL answers by operation and outcome: ok, or error with the first error's extensions.code",
      labelNames: [...OPERATION_LABELS, 'outcome', 'code'],
      registers,
    });
    this.#costRefusals = new Counter({
      name: 'graphql_cost_refusals_total',
      help: 'Operations refused QUERY_TOO_EXPENSIVE: predicted over a budget before running (predicted_rest_calls, predicted_nodes), or out of REST calls while running (rest_calls_spent)',
      labelNames: ['reason'],
      registers,
    });
    this.#executions = new Counter({
      name: 'graphql_executions_total',
      help: 'Executions by mode: compiled (graphql-jit) or interpreted (graphql-js)',
      labelNames: ['mode'],
      registers,
    });
    this.#restRequests = new Counter({
      name: 'twilio_rest_requests_total',
      help: 'HTTP attempts to Twilio, retries included, by operation and status class (or failure: timeout, connect_error, connection_error, aborted, invalid_response)',
      labelNames: ['operation', 'status_class'],
      registers,
    });
    this.#restDuration = new Histogram({
      name: 'twilio_rest_request_duration_seconds',
      help: 'Time of each HTTP attempt to Twilio, from sending to the whole answer read, by operation',
      labelNames: ['operation'],
      buckets: REST_BUCKETS,
      registers,
    });
    this.#restRetries = new Counter({
      name: 'twilio_rest_retries_total',
      help: 'HTTP attempts to Twilio that retried an earlier one, by operation',
      labelNames: ['operation'],
      registers,
    });
    this.#restRateLimited = new Counter({
      name: 'twilio_rest_rate_limited_total',
      help: 'Answers 429 Too Many Requests from Twilio, by operation',
      labelNames: ['operation'],
      registers,
    });
    this.#restInFlight = new Gauge({
      name: 'twilio_rest_in_flight',
      help: 'HTTP attempts to Twilio in flight: account="configured" for the gateway\'s own account, "other" for all accounts whose credentials requests bring, together',
      labelNames: ['account'],
      registers,
    });
    // Both series exist from the start, so a dashboard shows 0 rather than nothing.
    this.#restInFlight.set({ account: 'configured' }, 0);
    this.#restInFlight.set({ account: 'other' }, 0);
    if (options.maxInFlightPerAccount !== undefined) {
      new Gauge({ name: 'twilio_rest_in_flight_limit', help: 'HTTP attempts to Twilio allowed in flight at once per account', registers }).set(
        options.maxInFlightPerAccount,
      );
    }
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The response cache's counts, read at each scrape: hits (answers served
   * without a REST call), answers stored, tags invalidated by writes and webhooks.
   */
  watchResponseCache(stats: () => { hits: number; stored: number; invalidations: number }): void {
    const registers = [this.registry];
    scrapedCounter('graphql_response_cache_hits_total', 'Answers served from the response cache, without a REST call', registers, () => stats().hits);
    scrapedCounter('graphql_response_cache_stored_total', 'Answers handed to the response cache', registers, () => stats().stored);
    scrapedCounter(
      'graphql_response_cache_invalidations_total',
      'Response cache tags invalidated by writes and verified webhooks',
      registers,
      () => stats().invalidations,
    );
  }

  /**
   * The in-flight limit shared through Redis, read at each scrape: leases this
   * process holds and calls waiting for one (gauges), calls that went ahead
   * without a lease because Redis was away, and leases found expired.
   */
  watchSharedLimit(stats: () => { leases: number; waiting: number; failedOpen: number; leasesLost: number }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'twilio_shared_limit_leases',
      help: 'Leases of the in-flight limit shared through Redis that this process holds',
      registers,
      collect() {
        this.set(stats().leases);
      },
    });
    new Gauge({
      name: 'twilio_shared_limit_waiting',
      help: 'REST calls of this process waiting for a lease of the shared in-flight limit',
      registers,
      collect() {
        this.set(stats().waiting);
      },
    });
    scrapedCounter(
      'twilio_shared_limit_failed_open_total',
      'REST calls that went ahead under the process cap alone because Redis could not be reached',
      registers,
      () => stats().failedOpen,
    );
    scrapedCounter(
      'twilio_shared_limit_leases_lost_total',
      'Leases found expired on renewal (the process paused past the lease time)',
      registers,
      () => stats().leasesLost,
    );
  }

  /** The scrape, in Prometheus' text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Yoga plugins: the Prometheus plugin (served nowhere: `metricsListener` serves the registry) and the answers' outcomes. */
  plugins(): Plugin[] {
    const registry = this.registry;
    const labels = (params: FillLabelsFnParams, context: unknown): OperationLabels =>
      // The operation the request names in its document (the plugin's own guess is the first definition, maybe a fragment).
      this.operationNames.of(params.document, (context as Partial<YogaInitialContext> | undefined)?.params?.operationName);
    const histogram = <Phase extends string>(phase: Phase, name: string, help: string, buckets: number[]) =>
      createHistogram<Phase, (typeof OPERATION_LABELS)[number]>({
        registry,
        histogram: { name, help, labelNames: OPERATION_LABELS, buckets },
        fillLabelsFn: labels,
        phases: [phase],
      });
    return [
      usePrometheus({
        registry,
        endpoint: false,
        metrics: {
          graphql_envelop_request: createCounter({
            registry,
            counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed', labelNames: OPERATION_LABELS },
            fillLabelsFn: labels,
          }),
          graphql_envelop_phase_parse: histogram(
            'parse',
            'graphql_envelop_phase_parse',
            'Time spent parsing the GraphQL document (0 when the parse cache has it)',
            PHASE_BUCKETS,
          ),
          graphql_envelop_phase_validate: histogram(
            'validate',
            'graphql_envelop_phase_validate',
            'Time spent validating the GraphQL document (0 when the validation cache has it)',
            PHASE_BUCKETS,
          ),
          graphql_envelop_phase_execute: histogram(
            'execute',
            'graphql_envelop_phase_execute',
            'Time spent executing the operation, its REST calls included',
            REQUEST_BUCKETS,
          ),
          graphql_envelop_phase_subscribe: histogram('subscribe', 'graphql_envelop_phase_subscribe', 'Time spent setting up a subscription', REQUEST_BUCKETS),
          graphql_envelop_error_result: createCounter({
            registry,
            counter: { name: 'graphql_envelop_error_result', help: 'GraphQL errors by the phase they came from', labelNames: [...OPERATION_LABELS, 'phase'] },
            fillLabelsFn: (params, context) => ({ ...labels(params, context), phase: params.errorPhase ?? 'unknown' }),
          }),
          graphql_yoga_http_duration: createHistogram({
            registry,
            histogram: {
              name: 'graphql_yoga_http_duration',
              help: 'Time from the HTTP request to its response, for requests whose document parsed',
              labelNames: ['operationType', 'method', 'statusCode'],
              buckets: REQUEST_BUCKETS,
            },
            fillLabelsFn: (params, context: { request: Request; response: Response }) => ({
              operationType: params.operationType ?? 'unknown',
              method: context.request.method === 'GET' || context.request.method === 'POST' ? context.request.method : 'other',
              statusCode: context.response.status,
            }),
          }),
          // The plugin's request-duration histogram repeats the execute phase, its summary costs a digest per
          // request, its context phase is always 0, and its deprecated-field counter walks every document.
          graphql_envelop_request_duration: false,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
          // Never per resolver: that is work for every field of every answer.
          graphql_envelop_execute_resolver: false,
        },
      }),
      {
        onParse: ({ context }) => {
          const { request, params } = context as Partial<YogaInitialContext>;
          if (!request) return;
          return ({ result }) => {
            if (result && !(result instanceof Error)) this.#operations.set(request, this.operationNames.of(result as DocumentNode, params?.operationName));
          };
        },
        onResultProcess: ({ request, result }) => {
          this.#results.set(request, result as ExecutionResult | readonly ExecutionResult[]);
        },
        // Counted as the answer leaves, once every plugin has given each error its code.
        onResponse: ({ request }) => {
          const result = this.#results.get(request);
          if (!result) return;
          this.#results.delete(request);
          const labels = this.#operations.get(request) ?? { operationName: 'unknown', operationType: 'unknown' };
          for (const single of Array.isArray(result) ? result : [result as ExecutionResult]) this.#countAnswer(labels, single);
        },
      },
    ];
  }

  #countAnswer(labels: OperationLabels, result: ExecutionResult): void {
    const errors = result.errors;
    if (!errors?.length) {
      this.#operationsTotal.inc({ ...labels, outcome: 'ok', code: '' });
      return;
    }
    const code = errors[0]!.extensions?.code;
    this.#operationsTotal.inc({ ...labels, outcome: 'error', code: typeof code === 'string' ? this.#codes.value(code) : 'NONE' });
    const refusal = errors.find((error) => error.extensions?.code === 'QUERY_TOO_EXPENSIVE');
    if (refusal) {
      const budget = refusal.extensions?.budget;
      this.#costRefusals.inc({ reason: budget === 'restCalls' ? 'predicted_rest_calls' : budget === 'nodes' ? 'predicted_nodes' : 'rest_calls_spent' });
    }
  }

  /** For compiled-execution.ts: told of each execution whether it ran compiled. */
  readonly onExecution = (compiled: boolean): void => {
    this.#executions.inc({ mode: compiled ? 'compiled' : 'interpreted' });
  };

  /** For the REST client: counts and times every attempt. */
  readonly restObserver: RestObserver = {
    attempt: (attempt: RestAttempt): RestObservation => {
      const operation = this.#restOperations.value(attempt.operation ?? 'unknown');
      const account = attempt.accountSid === this.#configuredAccount ? 'configured' : 'other';
      if (attempt.attempt > 1) this.#restRetries.inc({ operation });
      this.#restInFlight.inc({ account });
      const started = performance.now();
      return {
        end: (outcome) => {
          this.#restInFlight.dec({ account });
          this.#restDuration.observe({ operation }, (performance.now() - started) / 1000);
          this.#restRequests.inc({ operation, status_class: statusClass(outcome) });
          if (outcome.status === 429) this.#restRateLimited.inc({ operation });
        },
      };
    },
  };
}

/** Compares a bearer token in constant time (digests of equal length, whatever was sent). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer ([\x21-\x7e]+)$/i.exec(header?.trim() ?? '')?.[1];
  if (sent === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

/**
 * The metrics listener's request handler: `GET /metrics` answers the scrape,
 * with `Authorization: Bearer <token>` required when a token is configured.
 * For a listener of its own (`METRICS_PORT`), apart from the gateway's.
 */
export function metricsListener(metrics: GatewayMetrics, token: string | null = null): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const text = (status: number, body: string, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers })
        .end(request.method === 'HEAD' ? undefined : body);
    if (path !== '/metrics') return void text(404, 'Not found: metrics are served at /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return void text(405, 'Method not allowed: GET /metrics\n', { allow: 'GET, HEAD' });
    if (token !== null && !bearerMatches(request.headers.authorization, token)) {
      return void text(401, 'Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    metrics.scrape().then(
      (body) => text(200, body, { 'content-type': metrics.registry.contentType }),
      () => text(500, 'The metrics could not be collected\n'),
    );
  };
}

/** A counter whose value is a count kept elsewhere, read when scraped. */
function scrapedCounter(name: string, help: string, registers: Registry[], read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
