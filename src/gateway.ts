/**
 * createGateway(options): the Yoga instance with the schema, the per-request
 * context, error handling and `/healthz`. It never listens; `main.ts` does.
 */
import { GraphQLError } from 'graphql';
import { createLogger, createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { TwilioCredentials, TwilioTransport } from './twilio/client.ts';
import { contextFactory, contextForEvent } from './context.ts';
import type { RequestContext } from './schema/context.ts';
import { costModel, schema } from './schema/index.ts';
import { upstreamError } from './schema/shared/errors.ts';
import { useCostLimit } from './limits/cost-plugin.ts';
import { CursorSigner } from './schema/shared/cursor.ts';
import { JsonLiteralBoundsRule } from './schema/shared/json.ts';
import { DEFAULT_DOCUMENT_LIMITS, bodyLimit, documentLimits, type DocumentLimits } from './limits/document.ts';
import { ParseCache } from './limits/parse-cache.ts';
import { credentialsBeforeParsing, csrfPrevention } from './limits/request.ts';
import { codedErrorResponses } from './limits/error-codes.ts';
import { InFlightRequests } from './limits/lifetime.ts';
import { DEFAULT_SUBSCRIPTION_LIMITS, LiveSubscriptions, type SubscriptionLimits } from './limits/subscriptions.ts';
import { createLiveBus, type LiveBus } from './live/bus.ts';
import { webhookEndpoints } from './live/webhooks.ts';
import { DEFAULT_LIVE_OPTIONS, type LiveOptions, type SigningAccount } from './live/options.ts';
import { useCompiledExecution, type CompiledExecutionOptions } from './compiled-execution.ts';
import { incrementalDelivery } from './incremental.ts';
import { checkTtlNames, createResponseCache, type GatewayResponseCache } from './cache/response-cache.ts';
import { DEFAULT_RESPONSE_CACHE_OPTIONS, type ResponseCacheOptions } from './cache/options.ts';
import { Observability, REQUEST_ID_HEADER } from './observability/index.ts';

export interface GatewayOptions {
  transport: TwilioTransport;
  /** Used when a request carries no Authorization header; null requires every request to bring its own. */
  credentials: TwilioCredentials | null;
  /** Serve GraphiQL on GET /graphql from a browser (default true). */
  graphiql?: boolean;
  /** Yoga's logger; `false` silences it (tests). */
  logging?: boolean;
  /** Browser origins allowed to call from another origin; none by default. */
  corsOrigins?: string[];
  /** Most REST calls one request may make (default 1000); an operation predicted to need more is refused before it runs. */
  maxRestCallsPerRequest?: number;
  /** Most objects one answer may hold (default 100000); an operation predicted to return more is refused before it runs. */
  maxResultNodes?: number;
  /** Key that signs connection cursors (`CURSOR_SECRET`); without it, a random key per process. */
  cursorSecret?: string | null;
  /** Limits on each request's document and body; each one left out is DEFAULT_DOCUMENT_LIMITS'. */
  documentLimits?: Partial<DocumentLimits>;
  /** The parse cache; by default a new one of `documentLimits.parseCacheBytes` (tests pass their own to look into it). */
  parseCache?: ParseCache;
  /** Time one request may take; past it, its REST calls are cancelled and it answers with what it has (default 30000). */
  requestTimeoutMs?: number;
  /** Queries run compiled with graphql-jit (see compiled-execution.ts); false runs every operation with graphql-js. */
  compiledExecution?: CompiledExecutionOptions | false;
  /** Live events: Twilio's webhooks in, subscriptions out. */
  live?: Partial<LiveOptions>;
  /** How many subscriptions may be open at once; each one left out is DEFAULT_SUBSCRIPTION_LIMITS'. */
  subscriptionLimits?: Partial<SubscriptionLimits>;
  /** The response cache (see cache/response-cache.ts); off unless `ttlMs` is more than 0. */
  responseCache?: Partial<ResponseCacheOptions>;
  /** Request ids, metrics and traces (observability/); by default request ids only. Its `restObserver` belongs to `transport`. */
  observability?: Observability;
}

/** The header a request whose body a browser could send without a preflight (a form post) must carry. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

export type Gateway = YogaServerInstance<Record<string, never>, RequestContext> & {
  /** The requests being answered, each with its lifetime signal; `abortAll` cancels them (shutdown). */
  readonly requests: InFlightRequests;
  /** The subscriptions open now; `closeAll` ends them (shutdown). */
  readonly subscriptions: LiveSubscriptions;
  /** Pub/sub of live events; `close` ends its Redis connections. */
  readonly live: LiveBus;
  /** The response cache when it is on; `close` ends its Redis connection. */
  readonly responseCache: GatewayResponseCache | null;
};

/** The auth tokens webhooks of each account can be verified with: the configured credentials', and those given. */
function signingTokens(credentials: TwilioCredentials | null, accounts: readonly SigningAccount[]): (accountSid: string) => readonly string[] {
  const tokens = new Map<string, string[]>();
  const add = (accountSid: string, token: string) => {
    const known = tokens.get(accountSid) ?? [];
    if (!known.includes(token)) tokens.set(accountSid, [...known, token]);
  };
  if (credentials && 'authToken' in credentials) add(credentials.accountSid, credentials.authToken);
  for (const account of accounts) add(account.accountSid, account.authToken);
  return (accountSid) => tokens.get(accountSid) ?? [];
}

/** Bounds JSON literals of documents, as the JSON scalar bounds variables (shared/json.ts). */
function jsonLiteralBounds(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(JsonLiteralBoundsRule);
    },
  };
}

/** Answers `/healthz` while the process lives, before any GraphQL work. */
function healthz(): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(new fetchAPI.Response(JSON.stringify({ status: 'ok' }), { headers: { 'content-type': 'application/json' } }));
      }
    },
  };
}

/**
 * Answers whose body is a long string leave as UTF-8 bytes encoded once: the
 * fetch API's Response would measure the string for Content-Length (a pass
 * over the whole answer) and the socket would encode it again as it writes.
 * A 456 KB answer costs one pass instead of two.
 */
function encodedResponses(): Plugin {
  return {
    onYogaInit({ yoga }) {
      const Base = yoga.fetchAPI.Response;
      yoga.fetchAPI.Response = class EncodedResponse extends Base {
        constructor(body?: BodyInit | null, init?: ResponseInit) {
          super(typeof body === 'string' && body.length > ENCODE_FROM_CHARS ? Buffer.from(body) : body, init);
        }
      } as typeof Base;
    },
  };
}
/** Below this, measuring and encoding twice costs less than a buffer. */
const ENCODE_FROM_CHARS = 4096;

export function createGateway(options: GatewayOptions): Gateway {
  // The operator gave these: no one guessing secrets for the same account may make them wait for a probe.
  if (options.credentials) options.transport.trust(options.credentials);
  const limits: DocumentLimits = { ...DEFAULT_DOCUMENT_LIMITS, ...options.documentLimits };
  const parseCache = options.parseCache ?? new ParseCache(limits.parseCacheBytes);
  const graphqlEndpoint = '/graphql';
  const requests = new InFlightRequests({ timeoutMs: options.requestTimeoutMs ?? 30_000 });
  const live = { ...DEFAULT_LIVE_OPTIONS, ...options.live };
  const logging = options.logging ?? true;
  const report = (message: string) => {
    if (logging) console.error(message);
  };
  const bus = createLiveBus({ redisUrl: live.redisUrl, dedupeTtlMs: live.dedupeTtlMs, dedupeMaxKeys: live.dedupeMaxKeys, onError: report });
  const subscriptions = new LiveSubscriptions({ ...DEFAULT_SUBSCRIPTION_LIMITS, ...options.subscriptionLimits }, requests.timeoutMs);
  const cacheOptions = { ...DEFAULT_RESPONSE_CACHE_OPTIONS, ...options.responseCache };
  checkTtlNames(schema, cacheOptions.ttls);
  const responseCache =
    cacheOptions.ttlMs > 0
      ? createResponseCache(cacheOptions, {
          schema,
          transport: options.transport,
          credentials: options.credentials,
          requestTimeoutMs: requests.timeoutMs,
          onWarning: report,
        })
      : null;
  const observability = options.observability ?? new Observability();
  if (responseCache) observability.metrics?.watchResponseCache(() => responseCache.stats());
  const yoga = createYoga<Record<string, never>, RequestContext>({
    schema,
    graphqlEndpoint,
    context: contextFactory(
      options.transport,
      options.credentials,
      options.maxRestCallsPerRequest,
      new CursorSigner(options.cursorSecret),
      (request) => requests.signalOf(request),
      bus,
      // The cache needs to know what each request read and wrote.
      responseCache !== null,
      (request) => observability.scopeOf(request),
    ),
    graphiql: options.graphiql === false ? false : { title: 'Twilio GraphQL gateway', defaultQuery: DEFAULT_QUERY },
    // GraphiQL served from the installed package, not a CDN, so it works offline too. Its bundle is 9 MB of
    // JavaScript text, some 80 MB of the process once loaded: loaded with the first GraphiQL page, not at start.
    renderGraphiQL: async (graphiqlOptions) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(graphiqlOptions),
    landingPage: false,
    logging: logging === false ? false : observability.logger(createLogger()),
    // The gateway acts with its own Twilio credentials for requests that bring none: no web page on
    // another origin may read its answers (no CORS unless allowed), nor send it a form post (CSRF).
    // An allowed page may read the request id, to quote it when it reports a failure.
    cors: options.corsOrigins?.length ? { origin: options.corsOrigins, credentials: true, exposedHeaders: [REQUEST_ID_HEADER] } : false,
    plugins: [
      // First, so every answer carries its request id and every request is timed and traced whole.
      ...observability.plugins(),
      encodedResponses(),
      healthz(),
      // Twilio's webhooks: verified by their signature, never by the GraphQL request checks below.
      webhookEndpoints({
        bus,
        authTokensOf: signingTokens(options.credentials, live.signingAccounts),
        publicBaseUrl: live.publicBaseUrl,
        maxBodyBytes: live.maxWebhookBodyBytes,
        onError: report,
        onChatEvent: responseCache ? (event) => responseCache.invalidateChatEvent(event) : undefined,
      }),
      requests.plugin(),
      codedErrorResponses(graphqlEndpoint),
      // In this order, before the body is read: a form post without the header, then a request without usable credentials (never parsed).
      csrfPrevention(CSRF_HEADER),
      credentialsBeforeParsing(options.credentials, options.transport),
      bodyLimit(limits.maxRequestBodyBytes),
      documentLimits(limits, schema),
      jsonLiteralBounds(),
      // @defer and @stream, answered in parts (multipart/mixed, text/event-stream): see incremental.ts.
      incrementalDelivery(),
      // After parsing and validation, before any resolver: the operation's REST calls and result size.
      useCostLimit(costModel, { restCalls: options.maxRestCallsPerRequest ?? 1000, nodes: options.maxResultNodes ?? 100_000 }),
      // Last of the subscription hooks: a subscription refused above never takes a slot.
      subscriptions.plugin(contextForEvent),
      // After the cost check, so a refused operation is never compiled.
      options.compiledExecution !== false && useCompiledExecution(schema, { onExecution: observability.onExecution, ...options.compiledExecution }),
      // After compiled execution, whose execution it wraps, and after the cost limit, whose report it keeps.
      responseCache?.plugin() ?? false,
    ],
    // Enforced by bodyLimit, which does not count a body whose Content-Length is within the limit.
    maxRequestBodySize: false,
    // Bounded in bytes; it only ever receives documents within the limits, since parseWithinLimits throws the others.
    parserAndValidationCache: { documentCache: parseCache.documentCache, errorCache: parseCache.errorCache },
    maskedErrors: {
      // Twilio's failures are expected and explained; everything else stays masked.
      maskError(error, message, isDev) {
        if (error instanceof GraphQLError) {
          if (VARIABLE_VALUE.test(error.message)) return withoutVariableValue(error);
          const upstream = upstreamError(error.originalError);
          // Changed in place and returned as is, like withoutVariableValue: these failures are expected, not logged.
          if (upstream) {
            error.message = upstream.message;
            Object.assign(error.extensions, upstream.extensions);
            return error;
          }
        }
        return maskError(error, message, isDev);
      },
    },
  });
  return Object.assign(yoga, { requests, subscriptions, live: bus, responseCache });
}

/**
 * graphql-js repeats a whole invalid variable in its message (`Variable "$input"
 * got invalid value { …, secret: "…" }; Field "type" … was not provided.`); a
 * mutation input can hold an auth token or API secret, so the value is cut out
 * and only the reason kept.
 */
const VARIABLE_VALUE = /^(Variable "\$[^"]+" got invalid value) ([\s\S]*); ([\s\S]*)$/;

function withoutVariableValue(error: GraphQLError): GraphQLError {
  const [, head, value, reason] = VARIABLE_VALUE.exec(error.message)!;
  // The path inside the variable (`at "input.friendlyName"`) is kept; the value is not, nor any value the reason repeats.
  const at = / at "([^"]+)"$/.exec(value!)?.[1];
  const cleanReason = reason!
    .replace(/(cannot represent [^:]*?value)[:\s][\s\S]*$/, '$1.')
    .replace(/^Value [\s\S]* (does not exist in "[^"]+" enum)[\s\S]*$/, 'Value $1.')
    .replace(/^([^":]*?): [\s\S]*$/, '$1.');
  // Changed in place and returned as is: Yoga logs the original of any error it is handed a replacement for.
  error.message = `${head}${at ? ` at "${at}"` : ''}; ${cleanReason}`;
  Object.assign(error.extensions, { code: 'BAD_USER_INPUT', ...(at ? { field: at } : {}) });
  return error;
}

export const DEFAULT_QUERY = /* GraphQL */ `# Chat services with their busiest channels, members and latest messages.
query Explore {
  chatServices(first: 2) {
    nodes {
      friendlyName
      channels(first: 5) {
        nodes {
          uniqueName
          membersCount
          members(first: 3) {
            nodes { identity user { friendlyName } }
          }
          messages(last: 2) {
            nodes { index body author { identity } }
          }
        }
      }
    }
  }
}
`;
