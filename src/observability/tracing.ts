/**
 * OpenTelemetry traces: one server span per GraphQL request (named after its
 * operation) and one client span per HTTP attempt to Twilio beneath it. The
 * W3C `traceparent` of the incoming request becomes the operation span's
 * parent, and each attempt sends its own `traceparent`.
 *
 * Spans are handed down explicitly (the request's context is the REST
 * client's scope), not through an async context manager: nothing is tracked
 * across promises, and with tracing off nothing here runs at all.
 *
 * Never recorded: the document (its inline literals may hold secrets),
 * variables, answers, credentials or Authorization headers. A client span
 * holds the request's URL without its query string: paths carry SIDs, which
 * identify resources, not secrets.
 */
import { createRequire } from 'node:module';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { RestAttempt, RestObservation, RestObserver } from '../twilio/client.ts';
import type { TracingConfig } from './config.ts';

const INSTRUMENTATION = 'twilio-graphql-gateway';
const propagator = new W3CTraceContextPropagator();
const fromHeaders: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

export interface TracingOptions {
  /** Where spans go: an SDK tracer provider (an OTLP exporter in production, an in-memory one in tests). */
  tracerProvider: TracerProvider;
  /** Flushes and stops the provider; called at shutdown. */
  shutdown?: () => Promise<void>;
  /** The GraphQL endpoint's path (default `/graphql`): other paths (`/healthz`) get no span. */
  graphqlEndpoint?: string;
  /** The request's id, set on its span. */
  requestIdOf?: (request: Request) => string | undefined;
}

interface Traced {
  span: Span;
  /** The context REST calls of the request start their spans in. */
  context: Context;
  result?: ExecutionResult | readonly ExecutionResult[];
}

export class GatewayTracing {
  readonly #tracer: Tracer;
  readonly #endpoint: string;
  readonly #requestIdOf: ((request: Request) => string | undefined) | undefined;
  readonly #shutdown: (() => Promise<void>) | undefined;
  readonly #requests = new WeakMap<Request, Traced>();
  readonly #servers = new Map<string, { address: string; port: number }>();

  constructor(options: TracingOptions) {
    this.#tracer = options.tracerProvider.getTracer(INSTRUMENTATION);
    this.#endpoint = options.graphqlEndpoint ?? '/graphql';
    this.#requestIdOf = options.requestIdOf;
    this.#shutdown = options.shutdown;
  }

  /** The trace context of a request's REST calls: its operation span. */
  scopeOf(request: Request): Context | undefined {
    return this.#requests.get(request)?.context;
  }

  /** Sends the spans still buffered and stops the provider. */
  async shutdown(): Promise<void> {
    await this.#shutdown?.();
  }

  plugin(): Plugin {
    return {
      onRequest: ({ request, url }) => {
        if (url.pathname !== this.#endpoint) return;
        const parent = propagator.extract(ROOT_CONTEXT, request.headers, fromHeaders);
        const attributes: Attributes = { 'http.request.method': request.method, 'http.route': this.#endpoint, 'url.path': this.#endpoint };
        const id = this.#requestIdOf?.(request);
        if (id) attributes['http.request.header.x-request-id'] = [id];
        // Named after the operation once it is parsed.
        const span = this.#tracer.startSpan(`${request.method} ${this.#endpoint}`, { kind: SpanKind.SERVER, attributes }, parent);
        this.#requests.set(request, { span, context: trace.setSpan(parent, span) });
      },
      onParse: ({ context }) => {
        const { request, params } = context as Partial<YogaInitialContext>;
        const traced = request && this.#requests.get(request);
        if (!traced?.span.isRecording()) return;
        return ({ result }) => {
          if (!result || result instanceof Error) return;
          const operation = getOperationAST(result as DocumentNode, params?.operationName || undefined);
          if (!operation) return;
          const name = operation.name?.value;
          traced.span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
          traced.span.setAttribute('graphql.operation.type', operation.operation);
          if (name) traced.span.setAttribute('graphql.operation.name', name);
        };
      },
      onResultProcess: ({ request, result }) => {
        const traced = this.#requests.get(request);
        if (traced) traced.result = result as Traced['result'];
      },
      // Ended as the answer leaves, once every plugin has given each error its code.
      onResponse: ({ request, response }) => {
        const traced = this.#requests.get(request);
        if (!traced) return;
        this.#requests.delete(request);
        const { span, result } = traced;
        if (span.isRecording()) {
          span.setAttribute('http.response.status_code', response.status);
          const code = firstErrorCode(result);
          if (code !== undefined) {
            span.setAttribute('error.type', code);
            span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          } else if (response.status >= 500) {
            span.setAttribute('error.type', String(response.status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
        }
        span.end();
      },
    };
  }

  /** For the REST client: a client span per attempt, under the request's operation span, and its `traceparent`. */
  readonly restObserver: RestObserver = {
    attempt: (attempt: RestAttempt, scope: unknown): RestObservation => {
      const parent = (scope as Context | undefined) ?? ROOT_CONTEXT;
      const span = this.#tracer.startSpan(attempt.route ? `${attempt.method} ${attempt.route}` : attempt.method, { kind: SpanKind.CLIENT }, parent);
      if (span.isRecording()) span.setAttributes(this.#clientAttributes(attempt));
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
      return {
        headers,
        end: (outcome) => {
          if (span.isRecording()) {
            if (outcome.status !== undefined) span.setAttribute('http.response.status_code', outcome.status);
            const error = outcome.error ?? (outcome.status === undefined ? 'internal' : outcome.status >= 400 ? String(outcome.status) : undefined);
            if (error !== undefined) {
              span.setAttribute('error.type', error);
              span.setStatus({ code: SpanStatusCode.ERROR });
            }
          }
          span.end();
        },
      };
    },
  };

  #clientAttributes(attempt: RestAttempt): Attributes {
    let server = this.#servers.get(attempt.origin);
    if (!server) {
      const url = new URL(attempt.origin);
      server = { address: url.hostname, port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) };
      this.#servers.set(attempt.origin, server);
    }
    const query = attempt.path.indexOf('?');
    const attributes: Attributes = {
      'http.request.method': attempt.method,
      'server.address': server.address,
      'server.port': server.port,
      'url.full': attempt.origin + (query === -1 ? attempt.path : attempt.path.slice(0, query)),
    };
    if (attempt.route) attributes['url.template'] = attempt.route;
    if (attempt.operation) attributes['twilio.operation'] = attempt.operation;
    if (attempt.attempt > 1) attributes['http.request.resend_count'] = attempt.attempt - 1;
    return attributes;
  }
}

/** The code of an answer's first error, if it has one. */
function firstErrorCode(result: Traced['result']): string | undefined {
  for (const single of Array.isArray(result) ? result : result ? [result as ExecutionResult] : []) {
    const error = single.errors?.[0];
    if (error) return typeof error.extensions?.code === 'string' ? error.extensions.code : 'error';
  }
  return undefined;
}

/**
 * The tracer provider the configuration asks for: a batch of spans at a time
 * over OTLP/HTTP, the exporter, batching, sampler and resource taking the
 * standard `OTEL_*` variables as the SDK reads them. The SDK is loaded only here.
 */
export async function otlpTracing(config: TracingConfig): Promise<Pick<TracingOptions, 'tracerProvider' | 'shutdown'>> {
  const [{ BasicTracerProvider, BatchSpanProcessor }, { defaultResource, detectResources, envDetector, resourceFromAttributes }, { OTLPTraceExporter }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
      config.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read last, win over the gateway's own name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': INSTRUMENTATION, 'service.version': version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  return { tracerProvider: provider, shutdown: () => provider.shutdown() };
}
