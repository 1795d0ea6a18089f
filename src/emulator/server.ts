/**
 * The Twilio emulator's HTTP server: Chat v2, Proxy v1, Events v1 and Accounts
 * v1 from one origin, stateful and in memory, plus a control API under
 * `/__emulator/` (request and delivery counters, faults, latency, clock,
 * limits, reset) that no Twilio path can collide with. Writes that Twilio announces send their
 * webhooks and Event Streams events once their response is sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadSpecModel, type SpecModel } from './spec-model.ts';
import { Store } from './store.ts';
import { Engine } from './engine.ts';
import type { OpResult } from './rules/types.ts';
import { EmulatorError, moreInfo } from './errors.ts';
import { AccountRegistry, DEFAULT_ACCOUNTS, type EmulatorAccount } from './accounts.ts';
import { Faults, faultError, validateFault, type FaultSpec } from './faults.ts';
import { PRODUCT_RULES, initAccount } from './rules/index.ts';
import type { OpContext } from './rules/types.ts';
import { seedDemo } from './seed/index.ts';
import { EPOCH } from './seed/seeder.ts';
import { sinkTestIds } from './rules/events.ts';
import { announce } from './rules/outbound.ts';
import { Deliveries, validateWebhookFault, type DeliveryOptions, type DeliveryStats, type WebhookFaultSpec } from './webhooks.ts';
import { Clock } from './clock.ts';
import { Limits, type LimitSettings } from './limits.ts';

export type SeedName = 'demo' | 'none';

export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** `demo` loads the deterministic demo data set into every configured account. */
  seed?: SeedName;
  /** Delay added to every Twilio request, in milliseconds. */
  latencyMs?: number;
  /** Accounts and credentials it accepts (default: the documented demo account). */
  accounts?: EmulatorAccount[];
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Outgoing webhook and Event Streams deliveries: timeouts, bounds, backoff (defaults: Twilio's figures, see webhooks.ts). */
  deliveries?: Partial<DeliveryOptions>;
  /**
   * Twilio's request limits (concurrency per account, Chat writes per second):
   * on at Twilio's figures by default; `false` switches them off, an object
   * changes some of them (see LimitSettings).
   */
  limits?: Partial<LimitSettings> | boolean;
  /**
   * Where the clock starts: by default the real time, or the demo data's time
   * (2026-01-15T09:00:00Z) with the demo seed, running on at real speed.
   * `frozen` stops it there: only `clock.advance` and `clock.set` move it.
   */
  clock?: { at?: Date | string | number; frozen?: boolean };
}

export interface EmulatorStats {
  /** Twilio API requests received, whatever their outcome. */
  total: number;
  /** Requests per operation, keyed `product.operationId` (`chat.FetchChannel`). */
  operations: Record<string, number>;
  /** Requests answered 401 because their credentials were wrong (failed logins). */
  unauthenticated: number;
  /** Per account SID, the most authenticated requests that were in flight at once (latency and stalls included). */
  peakInFlight: Record<string, number>;
  /** Outgoing webhook and Event Streams deliveries, per kind, and those held now. */
  deliveries: DeliveryStats;
}

export interface Emulator {
  /** Origin of the emulator, e.g. `http://127.0.0.1:53122`. */
  readonly url: string;
  readonly engine: Engine;
  /** The one clock of everything time-based: move it instead of sleeping. */
  readonly clock: Clock;
  /** Twilio's request limits: settings, and the requests they refused. */
  readonly limits: Limits;
  stats(): EmulatorStats;
  resetStats(): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Scripts the answer to the next deliveries to a URL (a status, a timeout or a refused connection). */
  injectWebhookFault(fault: WebhookFaultSpec): void;
  clearWebhookFaults(): void;
  setLatency(ms: number): void;
  /**
   * Drops all data and loads the seed again (the one it started with by
   * default); pending deliveries are cancelled, the clock goes back to the
   * seed's time (frozen if it was), the rate windows start afresh.
   */
  reset(seed?: SeedName): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

let sharedModel: SpecModel | undefined;

/** Starts an emulator and resolves once it listens. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const model = (sharedModel ??= loadSpecModel());
  const accountList = options.accounts ?? DEFAULT_ACCOUNTS;
  const registry = new AccountRegistry(accountList);
  const store = new Store();
  const engine = new Engine(model, store, PRODUCT_RULES, registry, initAccount);
  const clock = engine.clock;
  const limits = new Limits(clock, options.limits);
  const faults = new Faults();
  const deliveries = new Deliveries((accountSid) => registry.get(accountSid)?.authToken, options.deliveries);
  engine.onWrite = (change) => {
    const specs = announce(change);
    if (specs.length > 0) return () => specs.forEach((spec) => deliveries.enqueue(spec));
  };
  const knownOperations = new Set(model.operationsById.keys());
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  let latencyMs = options.latencyMs ?? 0;
  let stats = emptyStats();
  const currentStats = (): EmulatorStats => ({ ...structuredClone(stats), deliveries: deliveries.stats() });
  /** The limits' state of an account (its requests in flight, its rate windows). */
  const limitsOf = (accountSid: string) => engine.account(accountSid).state.limits;
  /** Authenticated requests being answered now, per account that has any: the source of peakInFlight. */
  const inFlightNow = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const account of store.allAccounts()) {
      if (account.state.limits.inFlight > 0) out[account.accountSid] = account.state.limits.inFlight;
    }
    return out;
  };
  const resetStats = () => {
    stats = emptyStats();
    deliveries.resetStats();
    limits.refused = {};
    // Requests still in flight count towards the next peak.
    Object.assign(stats.peakInFlight, inFlightNow());
  };
  const initialSeed = options.seed ?? 'none';

  const loadSeed = (seed: SeedName) => {
    deliveries.stop();
    // The data goes, rate windows with it; requests being answered stay in flight.
    const inFlight = inFlightNow();
    store.clear();
    registry.reset();
    // The demo data is as of its epoch: the clock runs on from there, so new records and expiries follow on from the data.
    const frozen = clock.frozen;
    clock.reset();
    if (seed === 'demo') clock.set(EPOCH);
    if (frozen) clock.freeze();
    for (const a of accountList) {
      engine.account(a.accountSid);
      if (seed === 'demo') seedDemo(engine, a.accountSid);
    }
    for (const [accountSid, count] of Object.entries(inFlight)) limitsOf(accountSid).inFlight = count;
  };

  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A client that went away mid-request is no fault of the emulator's.
      if (req.destroyed && res.destroyed) return;
      // Nothing a client sends may crash the emulator; an unexpected fault is a Twilio-style 500.
      console.error('emulator: unexpected error', err instanceof Error ? err.stack : err);
      if (!res.headersSent) send(res, 500, new EmulatorError(500, 20500, 'Internal Server Error').toBody());
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    if (pathname.startsWith('/__emulator/')) return control(req, res, pathname.slice('/__emulator/'.length));

    stats.total++;
    const accountSid = registry.authenticate(req.headers.authorization);
    if (accountSid) {
      // Refused at the door, before any work: a 429 for concurrency is never processed.
      const refusal = limits.checkConcurrency(limitsOf(accountSid).inFlight);
      if (refusal) {
        req.resume();
        return send(res, refusal.status, refusal.toBody());
      }
      countInFlight(accountSid, res);
    }
    if (latencyMs > 0) await sleep(latencyMs);
    if (!accountSid) {
      stats.unauthenticated++;
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      return send(res, 401, {
        code: 20003,
        detail: 'Your AccountSid or AuthToken was incorrect.',
        message: 'Authenticate',
        more_info: moreInfo(20003),
        status: 401,
      });
    }
    try {
      const method = req.method ?? 'GET';
      const { op, rawParams } = engine.route(method, pathname);
      stats.operations[op.id] = (stats.operations[op.id] ?? 0) + 1;
      // Read before any stall, as Twilio has the whole request before it is slow to answer: a stalled
      // write whose client gave up is still applied, and only its answer is lost.
      const body = await readBody(req, maxBody);
      const fault = faults.take(op.id);
      if (fault?.stallMs) await sleep(fault.stallMs);
      if (fault?.status && fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
      if (fault?.body !== undefined) {
        const status = fault.status!;
        let applied: OpResult | undefined;
        if (status < 300) {
          // Applied as usual; only its answer is replaced, whatever it was.
          try {
            applied = engine.handle({ accountSid, method, pathname, query, body, headers: req.headers }, op, rawParams, admit);
          } catch (err) {
            if (!(err instanceof EmulatorError)) throw err;
          }
        }
        if (!res.destroyed) sendText(res, status, fault.contentType ?? JSON_TYPE, fault.body);
        return runAfterResponse(applied);
      }
      if (fault?.status) throw faultError(fault);
      const result = engine.handle({ accountSid, method, pathname, query, body, headers: req.headers }, op, rawParams, admit);
      // A write is applied whether or not its client is still there to read the answer; so are its deliveries.
      if (res.destroyed) return runAfterResponse(result);
      if (result.status === 204) {
        answering.get(res)?.();
        res.writeHead(204, { 'Twilio-Request-Id': requestId() });
        res.end();
      } else {
        send(res, result.status, result.body);
      }
      runAfterResponse(result);
    } catch (err) {
      if (!(err instanceof EmulatorError)) throw err;
      send(res, err.status, err.toBody());
    }
  }

  /** Starts what a write leaves for after its response (deliveries only queue here; none is sent on this turn). */
  function runAfterResponse(result: OpResult | undefined): void {
    for (const work of result?.afterResponse ?? []) {
      try {
        work();
      } catch (err) {
        console.error('emulator: could not queue a delivery', err instanceof Error ? err.message : err);
      }
    }
  }

  /** A request counts against Twilio's rate window for it, if any (Chat's writes, Proxy's reads), before it is run; a full window refuses it. */
  function admit(ctx: OpContext): void {
    const scope = PRODUCT_RULES[ctx.op.product].rateScope?.(ctx);
    if (scope) limits.takeAction(ctx.account.state.limits.rateWindows, scope);
  }

  /**
   * Counts the request in flight for its account until its answer is written,
   * or it is abandoned: a client that waits for the answer before sending its
   * next request is never counted twice.
   */
  function countInFlight(accountSid: string, res: ServerResponse): void {
    const now = ++limitsOf(accountSid).inFlight;
    if (now > (stats.peakInFlight[accountSid] ?? 0)) stats.peakInFlight[accountSid] = now;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      answering.delete(res);
      // Looked up again, not kept: after a reset the count is the new state's.
      limitsOf(accountSid).inFlight--;
    };
    answering.set(res, release);
    res.once('close', release);
  }

  async function control(req: IncomingMessage, res: ServerResponse, what: string): Promise<void> {
    const method = req.method ?? 'GET';
    try {
      if (what === 'health' && method === 'GET') return send(res, 200, { ok: true });
      if (what === 'stats') {
        if (method === 'GET') return send(res, 200, currentStats());
        if (method === 'DELETE') return end204(res, resetStats);
      }
      if (what === 'faults') {
        if (method === 'GET') return send(res, 200, { faults: faults.list() });
        if (method === 'POST') {
          const body = JSON.parse((await readRaw(req, maxBody)) || 'null') as unknown;
          const list = Array.isArray(body) ? body : [body];
          const valid = list.map((f) => validateFault(f, knownOperations));
          valid.forEach((f) => faults.add(f));
          return send(res, 201, { faults: faults.list() });
        }
        if (method === 'DELETE') return end204(res, () => faults.clear());
      }
      if (what === 'webhook-faults') {
        if (method === 'GET') return send(res, 200, { faults: deliveries.listFaults() });
        if (method === 'POST') {
          const body = JSON.parse((await readRaw(req, maxBody)) || 'null') as unknown;
          const valid = (Array.isArray(body) ? body : [body]).map(validateWebhookFault);
          valid.forEach((f) => deliveries.addFault(f));
          return send(res, 201, { faults: deliveries.listFaults() });
        }
        if (method === 'DELETE') return end204(res, () => deliveries.clearFaults());
      }
      if (what === 'latency') {
        if (method === 'GET') return send(res, 200, { ms: latencyMs });
        if (method === 'PUT' || method === 'POST') {
          const { ms } = JSON.parse((await readRaw(req, maxBody)) || '{}') as { ms?: unknown };
          if (typeof ms !== 'number' || ms < 0) throw new Error('latency needs { "ms": <non-negative number> }');
          latencyMs = ms;
          return send(res, 200, { ms });
        }
      }
      // Twilio delivers a sink test to the sink itself; here its test ids are read back, to validate the sink.
      const sinkTest = /^sinks\/(DG[0-9a-fA-F]{32})\/tests$/.exec(what);
      if (sinkTest && method === 'GET') {
        const ids = accountList.flatMap((a) => sinkTestIds(engine.account(a.accountSid), sinkTest[1]!));
        return send(res, 200, { sink_sid: sinkTest[1], test_ids: ids });
      }
      if (what === 'clock') {
        if (method === 'GET') return send(res, 200, clock.state());
        if (method === 'POST' || method === 'PUT') {
          moveClock(clock, JSON.parse((await readRaw(req, maxBody)) || '{}') as unknown);
          return send(res, 200, clock.state());
        }
        if (method === 'DELETE') {
          clock.reset();
          return send(res, 200, clock.state());
        }
      }
      if (what === 'limits') {
        if (method === 'GET') return send(res, 200, limitsState());
        if (method === 'PUT' || method === 'POST' || method === 'PATCH') {
          limits.update(JSON.parse((await readRaw(req, maxBody)) || '{}') as unknown);
          return send(res, 200, limitsState());
        }
        if (method === 'DELETE') {
          limits.restore();
          return send(res, 200, limitsState());
        }
      }
      if (what === 'reset' && method === 'POST') {
        const { seed } = JSON.parse((await readRaw(req, maxBody)) || '{}') as { seed?: unknown };
        if (seed !== undefined && seed !== 'demo' && seed !== 'none') throw new Error('reset seed must be "demo" or "none"');
        return end204(res, () => loadSeed((seed as SeedName | undefined) ?? initialSeed));
      }
      send(res, 404, { message: `No control endpoint ${method} /__emulator/${what}` });
    } catch (err) {
      send(res, 400, { message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** The limits' settings, the requests of each account in flight now, and the requests refused per Twilio code. */
  function limitsState() {
    return { ...limits.settings, inFlight: inFlightNow(), refused: { ...limits.refused } };
  }

  loadSeed(initialSeed);
  if (options.clock?.at !== undefined) clock.set(options.clock.at);
  if (options.clock?.frozen) clock.freeze();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  engine.origin = url;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      deliveries.close();
      server.close(() => resolve());
      server.closeAllConnections();
    }));

  return {
    url,
    engine,
    clock,
    limits,
    stats: currentStats,
    resetStats,
    injectFault: (fault) => faults.add(validateFault(fault, knownOperations)),
    clearFaults: () => faults.clear(),
    injectWebhookFault: (fault) => deliveries.addFault(validateWebhookFault(fault)),
    clearWebhookFaults: () => deliveries.clearFaults(),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    reset: (seed) => loadSeed(seed ?? initialSeed),
    close,
    [Symbol.asyncDispose]: close,
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

function emptyStats(): Omit<EmulatorStats, 'deliveries'> {
  return { total: 0, operations: {}, unauthenticated: 0, peakInFlight: {} };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON_TYPE, JSON.stringify(body));
}

/** Per response being answered, what to do as its answer is written (the request leaves the account's in-flight count). */
const answering = new WeakMap<ServerResponse, () => void>();

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  answering.get(res)?.();
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Twilio-Request-Id': requestId(),
  });
  res.end(text);
}

function end204(res: ServerResponse, action: () => void): void {
  action();
  res.writeHead(204);
  res.end();
}

// Unique per process without a random draw per request (which showed in profiles).
const REQUEST_ID_PREFIX = 'RQ' + randomBytes(8).toString('hex');
let requestCounter = 0;
function requestId(): string {
  return REQUEST_ID_PREFIX + (++requestCounter).toString(16).padStart(16, '0');
}

/**
 * Moves the clock as the control API asks: `{ "advanceMs": 60000 }`, `{ "set": "2026-01-15T10:00:00Z" }`,
 * `{ "frozen": true }` (or false), or several of them (set, then advance, then freeze or resume).
 */
function moveClock(clock: Clock, input: unknown): void {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new Error('clock needs { "advanceMs": <ms> }, { "set": "<ISO 8601>" } and/or { "frozen": true|false }');
  const { advanceMs, set, frozen, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new Error(`clock has no setting ${JSON.stringify(unknown[0])}: use advanceMs, set, frozen`);
  if (advanceMs !== undefined && (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs)))
    throw new Error('clock.advanceMs must be a number of milliseconds');
  if (set !== undefined && typeof set !== 'string' && typeof set !== 'number')
    throw new Error('clock.set must be an ISO 8601 date-time or milliseconds since the epoch');
  if (frozen !== undefined && typeof frozen !== 'boolean') throw new Error('clock.frozen must be true or false');
  if (advanceMs === undefined && set === undefined && frozen === undefined) throw new Error('clock needs advanceMs, set or frozen');
  if (set !== undefined) clock.set(set);
  if (advanceMs !== undefined) clock.advance(advanceMs);
  if (frozen === true) clock.freeze();
  if (frozen === false) clock.resume();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readRaw(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Past the limit the rest is read and dropped, so the client gets its 413 instead of a stalled upload.
    if (size <= limit) chunks.push(chunk);
    else if (size > limit * 64) req.destroy();
  }
  if (size > limit) throw new EmulatorError(413, 20413, `Request body larger than ${limit} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

/** A Twilio request body: form-encoded; anything else is read as an empty form. */
async function readBody(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    return new URLSearchParams();
  }
  const raw = await readRaw(req, limit);
  const type = req.headers['content-type'] ?? 'application/x-www-form-urlencoded';
  if (raw && !type.includes('application/x-www-form-urlencoded')) {
    throw new EmulatorError(400, 20001, `Unsupported Content-Type ${type}: send application/x-www-form-urlencoded`);
  }
  return new URLSearchParams(raw);
}
