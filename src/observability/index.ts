/**
 * Observability in one place: request ids (always), Prometheus metrics and
 * OpenTelemetry traces (each when configured). `gateway.ts` takes its Yoga
 * plugins, logger and per-request scope from here; the REST transport takes
 * `restObserver`; `main.ts` serves `metrics` on its own listener and calls
 * `shutdown()` last.
 *
 * What is off costs nothing: no plugin, no observer, and for traces no SDK
 * loaded.
 */
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { RestObservation, RestObserver } from '../twilio/client.ts';
import type { ObservabilityConfig } from './config.ts';
import { GatewayMetrics, type MetricsOptions } from './metrics.ts';
import { RequestIds } from './request-id.ts';
import { GatewayTracing, otlpTracing, type TracingOptions } from './tracing.ts';

export { metricsListener, GatewayMetrics } from './metrics.ts';
export { GatewayTracing } from './tracing.ts';
export { REQUEST_ID_HEADER } from './request-id.ts';

export interface ObservabilityOptions {
  /** Metrics to collect; absent or false: none. */
  metrics?: MetricsOptions | false;
  /** Where spans go; absent: no tracing. */
  tracing?: Omit<TracingOptions, 'requestIdOf'>;
}

export class Observability {
  readonly requestIds = new RequestIds();
  readonly metrics: GatewayMetrics | undefined;
  readonly tracing: GatewayTracing | undefined;
  /** For the REST transport; undefined when neither metrics nor traces are on. */
  readonly restObserver: RestObserver | undefined;

  constructor(options: ObservabilityOptions = {}) {
    this.metrics = options.metrics ? new GatewayMetrics(options.metrics) : undefined;
    this.tracing = options.tracing ? new GatewayTracing({ ...options.tracing, requestIdOf: (request) => this.requestIds.of(request) }) : undefined;
    this.restObserver = both(this.metrics?.restObserver, this.tracing?.restObserver);
  }

  /** The Yoga plugins, first in the gateway's list: request ids, then the operation span, then metrics. */
  plugins(): Plugin[] {
    return [this.requestIds.plugin(), ...(this.tracing ? [this.tracing.plugin()] : []), ...(this.metrics?.plugins() ?? [])];
  }

  /** What the REST client hands its observer for a request's calls: the request's trace context. */
  scopeOf(request: Request): unknown {
    return this.tracing?.scopeOf(request);
  }

  /** For compiled-execution.ts; undefined when nothing counts executions. */
  get onExecution(): ((compiled: boolean) => void) | undefined {
    return this.metrics?.onExecution;
  }

  /** Yoga's logger with request ids on the lines about a request. */
  logger(base: YogaLogger): YogaLogger {
    return this.requestIds.logger(base);
  }

  /** Flushes the spans still buffered; the last thing before the process exits. */
  async shutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}

/** One observer telling both, or whichever exists. */
function both(first: RestObserver | undefined, second: RestObserver | undefined): RestObserver | undefined {
  if (!first || !second) return first ?? second;
  return {
    attempt(attempt, scope): RestObservation {
      const a = first.attempt(attempt, scope);
      const b = second.attempt(attempt, scope);
      return {
        ...((a?.headers || b?.headers) && { headers: { ...a?.headers, ...b?.headers } }),
        end(outcome) {
          a?.end(outcome);
          b?.end(outcome);
        },
      };
    },
  };
}

/**
 * The observability the configuration asks for. `configuredAccountSid` is the
 * gateway's own account (the emulator's demo account when it runs), the one
 * account the in-flight gauge names apart.
 */
export async function observabilityFromConfig(
  config: ObservabilityConfig,
  gateway: { configuredAccountSid?: string | undefined; maxInFlightPerAccount?: number | undefined } = {},
): Promise<Observability> {
  return new Observability({
    metrics: config.metricsPort !== null && { maxOperationNames: config.maxOperationNames, ...gateway },
    ...(config.tracing && { tracing: await otlpTracing(config.tracing) }),
  });
}
