/**
 * The observability part of the configuration: where metrics are served, and
 * whether traces are exported. Traces follow OpenTelemetry's own environment
 * variables (`OTEL_EXPORTER_OTLP_ENDPOINT` and the rest), which the SDK reads
 * itself; here they are only checked, so a bad value stops start-up with a
 * message naming it.
 */
import { ConfigError } from '../config-error.ts';

/** Prometheus' usual port for an exporter beside the service (also the OpenTelemetry Prometheus exporter's). */
export const DEFAULT_METRICS_PORT = 9464;
/** Distinct operation names a GraphQL metric label keeps before it reports `other`. */
export const DEFAULT_MAX_OPERATION_NAMES = 100;

/** OTLP over HTTP: protobuf (OTLP's default) or JSON. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingConfig {
  protocol: OtlpProtocol;
  /** Where spans go (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`), for the start-up line. */
  endpoint: string;
}

export interface ObservabilityConfig {
  /**
   * Port of the metrics listener (`METRICS_PORT`, default 9464; 0 picks a free
   * one). Null when `off`: no metrics are collected at all.
   */
  metricsPort: number | null;
  /** Interface of the metrics listener (`METRICS_HOST`, default `HOST`). */
  metricsHost: string;
  /** When set (`METRICS_TOKEN`, 16 characters or more), a scrape must send `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** Distinct operation names the GraphQL metrics keep before `other` (`METRICS_MAX_OPERATION_NAMES`, default 100). */
  maxOperationNames: number;
  /** Null unless traces are to be exported over OTLP. */
  tracing: TracingConfig | null;
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === '' ? undefined : raw;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function metricsPort(env: Env): number | null {
  if (value(env, 'METRICS_PORT')?.toLowerCase() === 'off') return null;
  const port = integer(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535);
  if (port !== 0 && port === integer(env, 'PORT', 4000, 0, 65535))
    throw new ConfigError('METRICS_PORT', 'must differ from PORT: metrics are served on their own listener');
  return port;
}

function metricsToken(env: Env): string | null {
  const token = env.METRICS_TOKEN;
  if (token === undefined || token === '') return null;
  // Its value is never shown: it is a secret.
  if (token.length < 16) throw new ConfigError('METRICS_TOKEN', `must be at least 16 characters, got ${token.length}`);
  if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('METRICS_TOKEN', 'must be printable ASCII without spaces, as a bearer token is');
  return token;
}

/**
 * Traces are exported when an OTLP endpoint is named, or `OTEL_TRACES_EXPORTER=otlp`
 * asks for the default one (http://localhost:4318); never when
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
function tracing(env: Env): TracingConfig | null {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return null;
  const exporter = value(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase();
  if (exporter === 'none') return null;
  if (exporter !== undefined && exporter !== 'otlp')
    throw new ConfigError('OTEL_TRACES_EXPORTER', `only otlp (or none) is supported, got ${JSON.stringify(exporter)}`);
  const tracesEndpoint = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseEndpoint = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!tracesEndpoint && !baseEndpoint && exporter !== 'otlp') return null;
  for (const [name, url] of [
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', baseEndpoint],
  ] as const) {
    if (url === undefined) continue;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(name, 'must be an absolute http(s) URL such as http://otel-collector:4318');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(name, 'must use http or https');
  }
  const protocolVar = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(env, protocolVar) ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigError(protocolVar, `must be http/protobuf or http/json (OTLP over HTTP, port 4318 on a collector), got ${JSON.stringify(protocol)}`);
  }
  const endpoint = tracesEndpoint ?? `${(baseEndpoint ?? 'http://localhost:4318').replace(/\/$/, '')}/v1/traces`;
  return { protocol, endpoint };
}

/** Reads and checks the observability variables; throws ConfigError naming the first bad one. */
export function observabilityConfig(env: Env, host: string): ObservabilityConfig {
  return {
    metricsPort: metricsPort(env),
    metricsHost: value(env, 'METRICS_HOST') ?? host,
    metricsToken: metricsToken(env),
    maxOperationNames: integer(env, 'METRICS_MAX_OPERATION_NAMES', DEFAULT_MAX_OPERATION_NAMES, 1, 10_000),
    tracing: tracing(env),
  };
}
