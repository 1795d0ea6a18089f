/**
 * What `npm start` runs: reads the configuration, starts the embedded Twilio
 * emulator when there are no Twilio credentials, and serves the gateway. The
 * only file that listens.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { loadConfig, ConfigError, type Config } from './config.ts';
import { createGateway } from './gateway.ts';
import { shuttingDown } from './limits/lifetime.ts';
import { TwilioTransport, type TwilioCredentials } from './twilio/client.ts';
import { RedisInFlightLimit } from './twilio/shared-limit.ts';
import { checkTtlNames } from './cache/response-cache.ts';
import { schema } from './schema/index.ts';
import { createEmulator, type Emulator } from './emulator/server.ts';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from './emulator/accounts.ts';
import { answerClientError } from './limits/error-codes.ts';
import { serveGraphqlWs } from './graphql-ws.ts';
import { metricsListener, observabilityFromConfig } from './observability/index.ts';

// Under load V8 let the heap grow to up to four times the data it found live before collecting it all again, so
// the same run peaked anywhere from 320 to 540 MB resident; at most 2.5 times, it peaks near 260 MB for the same CPU.
// Read by V8 at every full collection, so setting it here, before the load, takes effect.
setFlagsFromString('--heap-growing-percent=150');

let config: Config;
try {
  config = loadConfig();
  // The types and fields RESPONSE_CACHE_TTLS names must be the schema's.
  checkTtlNames(schema, config.responseCache.ttls);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`Configuration error: ${err.message}`);
    process.exit(2);
  }
  throw err;
}

let emulator: Emulator | undefined;
let credentials: TwilioCredentials | null = config.credentials;
let baseUrl: string | undefined;
// No credentials and no upstream named: run on the embedded emulator, so a new user needs no Twilio account.
if (!credentials && !config.env.TWILIO_BASE_URL) {
  emulator = await createEmulator({ port: config.emulatorPort, seed: 'demo' });
  credentials = { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken };
  baseUrl = emulator.url;
  console.log(`No Twilio credentials set: started the embedded Twilio emulator at ${emulator.url} with the demo data set.`);
  console.log(`  Requests use the demo account ${DEMO_ACCOUNT.accountSid}; set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to use Twilio.`);
}

const sharedLimit = config.live.redisUrl
  ? new RedisInFlightLimit({ url: config.live.redisUrl, limit: config.maxInFlightPerAccount, leaseMs: config.inFlightLeaseMs })
  : undefined;
const observability = await observabilityFromConfig(config.observability, {
  configuredAccountSid: credentials?.accountSid,
  maxInFlightPerAccount: config.maxInFlightPerAccount,
});
const transport = new TwilioTransport({
  baseUrl,
  env: config.env,
  timeoutMs: config.timeoutMs,
  retry: { maxRetries: config.maxRetries },
  maxInFlightPerAccount: config.maxInFlightPerAccount,
  // With Redis, an account's limit holds across every replica, as Twilio counts it.
  sharedLimit,
  observer: observability.restObserver,
});
const gateway = createGateway({
  transport,
  credentials,
  corsOrigins: config.corsOrigins,
  maxRestCallsPerRequest: config.maxRestCallsPerRequest,
  maxResultNodes: config.maxResultNodes,
  cursorSecret: config.cursorSecret,
  documentLimits: config.documentLimits,
  requestTimeoutMs: config.requestTimeoutMs,
  live: {
    ...config.live,
    // On the embedded emulator, webhooks signed with its accounts' tokens verify too.
    signingAccounts: [...config.live.signingAccounts, ...(emulator ? DEFAULT_ACCOUNTS.map(({ accountSid, authToken }) => ({ accountSid, authToken })) : [])],
  },
  subscriptionLimits: config.subscriptionLimits,
  responseCache: config.responseCache,
  observability,
});
if (sharedLimit) observability.metrics?.watchSharedLimit(() => sharedLimit.stats());
const server = createServer(gateway);
// Each open socket holds memory and a file descriptor, whatever it asks for: past the cap, new ones are closed at once.
server.maxConnections = config.maxConnections;
server.on('clientError', answerClientError);
const websockets = serveGraphqlWs(server, {
  gateway,
  transport,
  credentials,
  corsOrigins: config.corsOrigins,
  limits: config.documentLimits,
  ...config.graphqlWs,
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.port, config.host, resolve);
});
const { port } = server.address() as AddressInfo;
const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
console.log(`Twilio GraphQL gateway on ${origin}/graphql (GraphiQL in a browser; subscriptions over SSE and graphql-ws), health at ${origin}/healthz`);
console.log(
  `  Twilio webhooks: ${config.live.publicBaseUrl ?? origin}/webhooks/twilio/chat and /webhooks/twilio/events; live events ${config.live.redisUrl ? 'shared through Redis' : 'in this process only (set REDIS_URL to share them between replicas)'}`,
);
console.log(
  `  REST calls in flight: at most ${config.maxInFlightPerAccount} per account ${sharedLimit ? `across every replica sharing this Redis (this replica's leases: ${sharedLimit.replica})` : 'in this process (set REDIS_URL to share the limit between replicas)'}`,
);
console.log(
  gateway.responseCache
    ? `  Response cache: on, ${config.responseCache.ttlMs} ms by default, ${gateway.responseCache.store.kind === 'redis' ? 'shared through Redis' : 'in this process'}`
    : '  Response cache: off (set RESPONSE_CACHE_TTL_MS to turn it on)',
);
if (!emulator) {
  const upstream = Object.entries(transport.baseUrls)
    .map(([product, url]) => `${product} ${url}`)
    .join(', ');
  console.log(`  Twilio: ${upstream}${credentials ? ` as ${credentials.accountSid}` : '; every request must bring its own credentials'}`);
}
// Metrics on a listener of their own, so the gateway's port never serves them.
let metricsServer: Server | undefined;
const { metricsPort, metricsHost, metricsToken, tracing } = config.observability;
if (observability.metrics && metricsPort !== null) {
  const listener = createServer(metricsListener(observability.metrics, metricsToken));
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(metricsPort, metricsHost, resolve);
  });
  metricsServer = listener;
  const metricsOrigin = `http://${metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost}:${(listener.address() as AddressInfo).port}`;
  console.log(`  Metrics at ${metricsOrigin}/metrics${metricsToken ? ' (bearer token required)' : ''}`);
}
if (tracing) console.log(`  Traces over OTLP/HTTP (${tracing.protocol}) to ${new URL(tracing.endpoint).origin}`);

/** Time the requests cancelled at the end of the grace get to write their answer before connections close. */
const ANSWER_MS = 1_000;
/** Time the spans still buffered get to reach the collector. */
const FLUSH_MS = 5_000;

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Subscriptions end at once (each tells its client `complete`), so their connections do not hold the grace.
  gateway.subscriptions.closeAll();
  await settlesWithin(websockets.close(), ANSWER_MS);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // server.close() takes no new connections and closes the idle ones once; a busy keep-alive
  // connection would stay open after its answer, so idle ones are closed again until none is left.
  server.closeIdleConnections();
  const closeIdle = setInterval(() => server.closeIdleConnections(), 25);
  if (!(await settlesWithin(closed, config.shutdownGraceMs))) {
    // Requests still running are cancelled through their own signal, so each answers with SHUTTING_DOWN ...
    gateway.requests.abortAll(shuttingDown());
    // ... and writes that answer before the connections are closed.
    if (!(await settlesWithin(closed, ANSWER_MS))) server.closeAllConnections();
    await closed;
  }
  clearInterval(closeIdle);
  await settlesWithin(transport.close(), ANSWER_MS);
  await gateway.live.close();
  await gateway.responseCache?.close();
  await emulator?.close();
  // Scrapes are served until the gateway has stopped, then the spans of its last requests are sent.
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  await settlesWithin(observability.shutdown(), FLUSH_MS);
  process.exit(0);
}

/** True when `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
