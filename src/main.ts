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
import { createEmulator, type Emulator } from './emulator/server.ts';
import { DEMO_ACCOUNT } from './emulator/accounts.ts';
import { answerClientError } from './limits/error-codes.ts';
import { metricsListener, observabilityFromConfig } from './observability/index.ts';

// Under load V8 let the heap grow to up to four times the data it found live before collecting it all again, so
// the same run peaked anywhere from 320 to 540 MB resident; at most 2.5 times, it peaks near 260 MB for the same CPU.
// Read by V8 at every full collection, so setting it here, before the load, takes effect.
setFlagsFromString('--heap-growing-percent=150');

let config: Config;
try {
  config = loadConfig();
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
  observability,
});
const server = createServer(gateway);
server.on('clientError', answerClientError);
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.port, config.host, resolve);
});
const { port } = server.address() as AddressInfo;
const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
console.log(`Twilio GraphQL gateway on ${origin}/graphql (GraphiQL in a browser), health at ${origin}/healthz`);
if (!emulator) {
  const upstream = Object.entries(transport.baseUrls).map(([product, url]) => `${product} ${url}`).join(', ');
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
