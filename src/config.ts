/**
 * The environment, read once into one typed, validated Config. A bad variable
 * stops start-up with a message that names it; secrets never appear in those
 * messages.
 */
import { DEFAULT_MAX_IN_FLIGHT, type TwilioCredentials } from './twilio/client.ts';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from './limits/document.ts';
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits } from './limits/subscriptions.ts';
import { DEFAULT_LIVE_OPTIONS, type LiveOptions, type SigningAccount } from './live/options.ts';
import { DEFAULT_RESPONSE_CACHE_OPTIONS, MAX_TTL_MS, parseTtls, type ResponseCacheOptions } from './cache/options.ts';
import { observabilityConfig, type ObservabilityConfig } from './observability/config.ts';
import { ConfigError } from './config-error.ts';

export { ConfigError };

export interface Config {
  /** Port the gateway listens on (`PORT`, default 4000; 0 picks a free one). */
  port: number;
  /** Interface the gateway listens on (`HOST`, default 127.0.0.1). */
  host: string;
  /**
   * Credentials for Twilio from `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN`, or
   * with `TWILIO_API_KEY` and `TWILIO_API_SECRET`. Null when none are set: the
   * gateway then runs on its embedded emulator.
   */
  credentials: TwilioCredentials | null;
  /** Per-request timeout towards Twilio in ms (`TWILIO_TIMEOUT_MS`, default 10000). */
  timeoutMs: number;
  /** Retries of a failed read (`TWILIO_MAX_RETRIES`, default 3). */
  maxRetries: number;
  /** REST calls in flight at once per account (`TWILIO_MAX_IN_FLIGHT`, default 100: Twilio's concurrency limit per account); with `REDIS_URL`, across every replica. */
  maxInFlightPerAccount: number;
  /** With `REDIS_URL`: how long a replica's lease on one of the shared slots lives unrenewed (`TWILIO_IN_FLIGHT_LEASE_MS`, default 5000). */
  inFlightLeaseMs: number;
  /**
   * Browser origins allowed to call the gateway from another origin (`CORS_ORIGINS`,
   * comma-separated). Empty by default: only same-origin pages (GraphiQL) and
   * non-browser clients, so no web page can use the gateway's credentials.
   */
  corsOrigins: string[];
  /** Most REST calls one GraphQL request may make (`MAX_REST_CALLS_PER_REQUEST`, default 1000); checked before it runs, and as it runs. */
  maxRestCallsPerRequest: number;
  /** Most objects one answer may hold (`MAX_RESULT_NODES`, default 100000); checked before it runs. */
  maxResultNodes: number;
  /** Time one GraphQL request may take before its REST calls are cancelled (`REQUEST_TIMEOUT_MS`, default 30000). */
  requestTimeoutMs: number;
  /** TCP connections the GraphQL port holds at once, WebSockets and SSE streams included (`MAX_CONNECTIONS`, default 10000); more are closed as they come. */
  maxConnections: number;
  /** On SIGTERM/SIGINT, time left to running requests before they are cancelled (`SHUTDOWN_GRACE_MS`, default 10000). */
  shutdownGraceMs: number;
  /** Port of the embedded emulator when it runs (`EMULATOR_PORT`, default 0: any free port). */
  emulatorPort: number;
  /** Limits on each request's document and body (`MAX_QUERY_*`, `MAX_REQUEST_BODY_BYTES`, `MAX_PARSE_CACHE_BYTES`; see DocumentLimits). */
  documentLimits: DocumentLimits;
  /**
   * Key that signs connection cursors (`CURSOR_SECRET`, at least 32 characters), the same on
   * every replica. Null when unset: a random key per process, so cursors do not survive a restart.
   */
  cursorSecret: string | null;
  /** Metrics listener and trace export (`METRICS_*`, `OTEL_*`; see observability/config.ts). */
  observability: ObservabilityConfig;
  /**
   * Live events: `REDIS_URL`, `PUBLIC_BASE_URL`, `WEBHOOK_MAX_BODY_BYTES`,
   * `WEBHOOK_DEDUPE_TTL_S`, `WEBHOOK_DEDUPE_MAX_KEYS`; webhooks are verified with
   * `TWILIO_AUTH_TOKEN` (also when requests use an API key).
   */
  live: LiveOptions;
  /** Subscriptions open at once (`MAX_SUBSCRIPTIONS`, `MAX_SUBSCRIPTIONS_PER_CREDENTIALS`). */
  subscriptionLimits: SubscriptionLimits;
  /**
   * The response cache (`RESPONSE_CACHE_TTL_MS`, `RESPONSE_CACHE_TTLS`,
   * `RESPONSE_CACHE_SECRET`, `RESPONSE_CACHE_MAX_BYTES`; in Redis with `REDIS_URL`):
   * off unless `RESPONSE_CACHE_TTL_MS` is set. Type and field names are checked
   * against the schema by the gateway.
   */
  responseCache: ResponseCacheOptions;
  /** graphql-ws connections: time to send `connection_init` (`WS_CONNECTION_INIT_TIMEOUT_MS`), keep-alive ping interval (`WS_KEEPALIVE_MS`). */
  graphqlWs: { connectionInitTimeoutMs: number; keepAliveMs: number };
  /**
   * The REST layer reads `TWILIO_BASE_URL`, `TWILIO_<PRODUCT>_BASE_URL`,
   * `TWILIO_EDGE` and `TWILIO_REGION` itself; they are kept here so start-up
   * can validate them and say where requests go.
   */
  env: Readonly<Record<string, string | undefined>>;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;
const BASE_URL_VARS = ['TWILIO_BASE_URL', 'TWILIO_CHAT_BASE_URL', 'TWILIO_PROXY_BASE_URL', 'TWILIO_EVENTS_BASE_URL', 'TWILIO_ACCOUNTS_BASE_URL'];

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** 0 (never), or at least a second: each check is a REST call per subscription. */
function recheckMs(env: Record<string, string | undefined>): number {
  const ms = integer(env, 'SUBSCRIPTION_RECHECK_MS', DEFAULT_SUBSCRIPTION_LIMITS.recheckMs, 0, 24 * 3600 * 1000);
  if (ms > 0 && ms < 1_000) throw new ConfigError('SUBSCRIPTION_RECHECK_MS', `must be 0 (never) or at least 1000, got ${ms}`);
  return ms;
}

function credentialsFrom(env: Record<string, string | undefined>): TwilioCredentials | null {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const accountSid = get('TWILIO_ACCOUNT_SID');
  const authToken = get('TWILIO_AUTH_TOKEN');
  const apiKey = get('TWILIO_API_KEY');
  const apiSecret = get('TWILIO_API_SECRET');
  if (!accountSid && !authToken && !apiKey && !apiSecret) return null;
  if (!accountSid) throw new ConfigError('TWILIO_ACCOUNT_SID', 'is required when TWILIO_AUTH_TOKEN or TWILIO_API_KEY is set');
  if (!ACCOUNT_SID.test(accountSid)) throw new ConfigError('TWILIO_ACCOUNT_SID', 'must be AC followed by 32 hexadecimal digits');
  if (apiKey || apiSecret) {
    if (!apiKey) throw new ConfigError('TWILIO_API_KEY', 'is required when TWILIO_API_SECRET is set');
    if (!API_KEY_SID.test(apiKey)) throw new ConfigError('TWILIO_API_KEY', 'must be SK followed by 32 hexadecimal digits');
    if (!apiSecret) throw new ConfigError('TWILIO_API_SECRET', 'is required when TWILIO_API_KEY is set');
    return { accountSid, apiKey, apiSecret };
  }
  if (!authToken) throw new ConfigError('TWILIO_AUTH_TOKEN', 'is required with TWILIO_ACCOUNT_SID (or set TWILIO_API_KEY and TWILIO_API_SECRET)');
  return { accountSid, authToken };
}

function origins(env: Record<string, string | undefined>): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const value = entry.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError('CORS_ORIGINS', `each entry must be an origin such as https://app.example.com, got ${JSON.stringify(value)}`);
    }
    if (url.origin !== value.replace(/\/$/, ''))
      throw new ConfigError('CORS_ORIGINS', `${JSON.stringify(value)} is not a bare origin (scheme, host and port only)`);
    return url.origin;
  });
}

function cursorSecret(env: Record<string, string | undefined>): string | null {
  const value = env.CURSOR_SECRET;
  if (value === undefined || value === '') return null;
  // Its value is never shown: it is a secret.
  if (value.length < 32) throw new ConfigError('CURSOR_SECRET', `must be at least 32 characters, got ${value.length}`);
  return value;
}

/** `PUBLIC_BASE_URL`: where Twilio reaches the gateway, an http(s) URL without query or fragment; kept without a trailing slash. */
function publicBaseUrl(env: Record<string, string | undefined>): string | null {
  const raw = env.PUBLIC_BASE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_BASE_URL', `must be an absolute URL such as https://gateway.example.com, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('PUBLIC_BASE_URL', 'must use http or https');
  if (url.search || url.hash || raw.includes('?') || raw.includes('#'))
    throw new ConfigError('PUBLIC_BASE_URL', 'must not have a query or fragment: it is the base the webhook paths are added to');
  if (url.username || url.password) throw new ConfigError('PUBLIC_BASE_URL', 'must not hold credentials');
  // As written (Twilio signs the URL as configured), without a trailing slash, since the webhook path starts with one.
  return raw.replace(/\/+$/, '');
}

/** `REDIS_URL`: redis:// or rediss://. Its value is never shown: it may hold a password. */
function redisUrl(env: Record<string, string | undefined>): string | null {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL', 'must be a URL such as redis://127.0.0.1:6379 (or rediss:// for TLS)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  return raw;
}

function responseCache(env: Record<string, string | undefined>, redis: string | null): ResponseCacheOptions {
  const d = DEFAULT_RESPONSE_CACHE_OPTIONS;
  const ttlMs = integer(env, 'RESPONSE_CACHE_TTL_MS', d.ttlMs, 0, MAX_TTL_MS);
  let ttls: Record<string, number> = {};
  const rawTtls = env.RESPONSE_CACHE_TTLS?.trim();
  if (rawTtls) {
    if (ttlMs === 0) throw new ConfigError('RESPONSE_CACHE_TTLS', 'is set, but the response cache is off: set RESPONSE_CACHE_TTL_MS too');
    try {
      ttls = parseTtls(rawTtls);
    } catch (error) {
      throw new ConfigError('RESPONSE_CACHE_TTLS', (error as Error).message);
    }
  }
  const secret = env.RESPONSE_CACHE_SECRET ?? '';
  // Its value is never shown: it is a secret.
  if (secret !== '' && secret.length < 32) throw new ConfigError('RESPONSE_CACHE_SECRET', `must be at least 32 characters, got ${secret.length}`);
  if (ttlMs > 0 && redis && secret === '') {
    throw new ConfigError(
      'RESPONSE_CACHE_SECRET',
      'is required when the response cache is on with REDIS_URL: the replicas share cached answers only if they make the same keys (the same secret on each, 32 characters or more)',
    );
  }
  return {
    ttlMs,
    ttls,
    secret: secret === '' ? null : secret,
    maxBytes: integer(env, 'RESPONSE_CACHE_MAX_BYTES', d.maxBytes, 1_000_000, 100_000_000_000),
    redisUrl: redis,
  };
}

/** The configured account's auth token verifies its webhooks, whether requests use it or an API key. */
function signingAccounts(env: Record<string, string | undefined>): SigningAccount[] {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  return accountSid && authToken && ACCOUNT_SID.test(accountSid) ? [{ accountSid, authToken }] : [];
}

function documentLimits(env: Record<string, string | undefined>): DocumentLimits {
  const d = DEFAULT_DOCUMENT_LIMITS;
  return {
    // At most 100 deep: the bracket check before parsing allows a little more, and the parser recurses that far.
    maxDepth: integer(env, 'MAX_QUERY_DEPTH', d.maxDepth, 1, 100),
    maxAliases: integer(env, 'MAX_QUERY_ALIASES', d.maxAliases, 0, 1_000_000),
    maxTokens: integer(env, 'MAX_QUERY_TOKENS', d.maxTokens, 1, 10_000_000),
    maxDirectives: integer(env, 'MAX_QUERY_DIRECTIVES', d.maxDirectives, 0, 1_000_000),
    maxQueryBytes: integer(env, 'MAX_QUERY_BYTES', d.maxQueryBytes, 1, 100_000_000),
    maxRequestBodyBytes: integer(env, 'MAX_REQUEST_BODY_BYTES', d.maxRequestBodyBytes, 1, 1_000_000_000),
    parseCacheBytes: integer(env, 'MAX_PARSE_CACHE_BYTES', d.parseCacheBytes, 0, 10_000_000_000),
  };
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  for (const name of BASE_URL_VARS) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be an absolute http(s) origin such as http://127.0.0.1:4010, got ${JSON.stringify(raw)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must use http or https');
    if (url.pathname !== '/' || url.search || url.hash) throw new ConfigError(name, 'must be an origin, without a path or query');
  }
  const redis = redisUrl(env);
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    credentials: credentialsFrom(env),
    timeoutMs: integer(env, 'TWILIO_TIMEOUT_MS', 10_000, 1, 600_000),
    maxRetries: integer(env, 'TWILIO_MAX_RETRIES', 3, 0, 10),
    maxInFlightPerAccount: integer(env, 'TWILIO_MAX_IN_FLIGHT', DEFAULT_MAX_IN_FLIGHT, 1, 10_000),
    inFlightLeaseMs: integer(env, 'TWILIO_IN_FLIGHT_LEASE_MS', 5_000, 500, 600_000),
    corsOrigins: origins(env),
    maxRestCallsPerRequest: integer(env, 'MAX_REST_CALLS_PER_REQUEST', 1000, 1, 1_000_000),
    maxResultNodes: integer(env, 'MAX_RESULT_NODES', 100_000, 1, 10_000_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1, 3_600_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000),
    emulatorPort: integer(env, 'EMULATOR_PORT', 0, 0, 65535),
    cursorSecret: cursorSecret(env),
    documentLimits: documentLimits(env),
    live: {
      redisUrl: redis,
      publicBaseUrl: publicBaseUrl(env),
      signingAccounts: signingAccounts(env),
      maxWebhookBodyBytes: integer(env, 'WEBHOOK_MAX_BODY_BYTES', DEFAULT_LIVE_OPTIONS.maxWebhookBodyBytes, 1_000, 100_000_000),
      dedupeTtlMs: integer(env, 'WEBHOOK_DEDUPE_TTL_S', DEFAULT_LIVE_OPTIONS.dedupeTtlMs / 1000, 1, 7 * 24 * 3600) * 1000,
      dedupeMaxKeys: integer(env, 'WEBHOOK_DEDUPE_MAX_KEYS', DEFAULT_LIVE_OPTIONS.dedupeMaxKeys, 1, 100_000_000),
    },
    subscriptionLimits: {
      maxTotal: integer(env, 'MAX_SUBSCRIPTIONS', DEFAULT_SUBSCRIPTION_LIMITS.maxTotal, 0, 10_000_000),
      maxPerCredentials: integer(env, 'MAX_SUBSCRIPTIONS_PER_CREDENTIALS', DEFAULT_SUBSCRIPTION_LIMITS.maxPerCredentials, 0, 10_000_000),
      recheckMs: recheckMs(env),
    },
    responseCache: responseCache(env, redis),
    graphqlWs: {
      connectionInitTimeoutMs: integer(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', 5_000, 100, 600_000),
      keepAliveMs: integer(env, 'WS_KEEPALIVE_MS', 12_000, 1_000, 600_000),
    },
    observability: observabilityConfig(env, env.HOST?.trim() || '127.0.0.1'),
    env: { ...env },
  };
}
