/**
 * Outgoing deliveries as Twilio sends them: Chat webhooks as form posts (or
 * GETs), Event Streams events as CloudEvents JSON, each signed with
 * `X-Twilio-Signature`. What is sent, and to whom, is decided in
 * `rules/outbound.ts`; this file sends it.
 *
 * Deliveries start once the write's response is on its way, through a bounded
 * queue with a bounded number in flight: a slow or dead receiver holds at most
 * the queue's bound, and a delivery that does not fit is dropped and counted.
 * `stop()` (reset, close) cancels everything pending: queued deliveries, retry
 * timers and requests in flight.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createHash, createHmac, randomBytes } from 'node:crypto';

export type DeliveryKind = 'chatService' | 'chatChannel' | 'eventStreams';
export const DELIVERY_KINDS: readonly DeliveryKind[] = ['chatService', 'chatChannel', 'eventStreams'];

/** How often a failed delivery is tried again. */
export type RetryPolicy =
  /** Chat: at most `retries` more attempts, straight away; `transient` retries only timeouts, connection failures, 429, 503 and 504. */
  | { kind: 'count'; retries: number; on: 'any' | 'transient' }
  /** Event Streams: exponential backoff with jitter, for up to `retryWindowMs` after the first attempt. */
  | { kind: 'backoff' };

export interface DeliverySpec {
  kind: DeliveryKind;
  accountSid: string;
  /** The URL as configured (Chat's webhook URL, a sink's destination). */
  url: string;
  method: string;
  /** Chat: the form parameters; `RetryCount` is added to each attempt. */
  form?: Record<string, string>;
  /** Event Streams: the CloudEvents, sent as one JSON array. */
  events?: unknown[];
  /** Deliveries with the same key still waiting to start go as one request (a sink's `batch_events`). */
  batchKey?: string;
  retry: RetryPolicy;
}

export interface DeliveryOptions {
  /** Time allowed for a receiver's answer. Chat and Event Streams both allow 5 s. */
  timeoutMs: number;
  /** Deliveries held at once (waiting, in flight, or waiting to retry); more are dropped. */
  maxPending: number;
  /** Bytes of payload held at once; more are dropped. */
  maxPendingBytes: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Event Streams backoff: first delay, and the longest. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Event Streams keeps retrying for this long after the first attempt. */
  retryWindowMs: number;
  /** Most events in one batched request. */
  maxBatch: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  // https://www.twilio.com/docs/chat/rest/service-resource (post_webhook_retry_count: "times out (after 5 seconds)")
  // and https://www.twilio.com/docs/events/webhook-quickstart ("maximum timeout for a webhook Sink response is 5 seconds").
  timeoutMs: 5_000,
  maxPending: 1_000,
  maxPendingBytes: 16 * 1024 * 1024,
  concurrency: 8,
  backoffBaseMs: 1_000,
  backoffMaxMs: 5 * 60_000,
  // "Event Streams retries delivering an event for up to four hours":
  // https://www.twilio.com/docs/events/event-delivery-and-duplication
  retryWindowMs: 4 * 60 * 60_000,
  maxBatch: 100,
};

export interface KindStats {
  /** Requests made, retries included (a scripted failure counts as one). */
  attempted: number;
  /** Requests answered 2xx. */
  succeeded: number;
  /** Requests that failed: a timeout, a connection failure or a status other than 2xx. */
  failed: number;
  /** Failed requests that were tried again; `failed - retried` were given up. */
  retried: number;
  /** Deliveries never attempted because the queue was full. */
  dropped: number;
}

export type DeliveryStats = Record<DeliveryKind, KindStats> & {
  /** Deliveries held now: waiting, in flight or waiting to retry. */
  pending: number;
  inFlight: number;
};

/** A scripted answer for the next deliveries to a URL, given instead of contacting the receiver. */
export interface WebhookFaultSpec {
  /** The delivery URL as configured, or `*` for every one. */
  url: string;
  /** How many attempts it answers (default 1). */
  count?: number;
  /** The status to answer (200 to 599). */
  status?: number;
  /** Fail as a timeout, or as a refused connection. */
  error?: 'timeout' | 'connection';
}

export type ActiveWebhookFault = WebhookFaultSpec & { count: number };

export function validateWebhookFault(input: unknown): ActiveWebhookFault {
  const f = input as WebhookFaultSpec;
  if (!f || typeof f.url !== 'string' || f.url === '') throw new Error('webhook fault.url must be a delivery URL as configured, or *');
  if (f.count !== undefined && (!Number.isInteger(f.count) || f.count < 1)) throw new Error('webhook fault.count must be a positive integer');
  if ((f.status === undefined) === (f.error === undefined)) throw new Error('a webhook fault needs either a status or an error');
  if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 200 || f.status > 599))
    throw new Error('webhook fault.status must be an HTTP status from 200 to 599');
  if (f.error !== undefined && f.error !== 'timeout' && f.error !== 'connection') throw new Error('webhook fault.error must be "timeout" or "connection"');
  return { ...f, count: f.count ?? 1 };
}

/**
 * `X-Twilio-Signature`: HMAC-SHA1 with the auth token over the full URL followed
 * by each parameter's name and value, sorted by name, in base64.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string> = {}): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** A JSON body is signed through its hex SHA-256, added to the URL as `bodySHA256`; the signature covers that URL alone. */
export function withBodyHash(url: string, body: string): string {
  return withQuery(url, { bodySHA256: createHash('sha256').update(body, 'utf8').digest('hex') });
}

function withQuery(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const query = new URLSearchParams(params).toString();
  if (!query) return base;
  return base + (base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?') + query;
}

type Outcome = { status: number } | { error: 'timeout' | 'connection' };

const succeeded = (o: Outcome) => 'status' in o && o.status >= 200 && o.status < 300;
/** What Chat retries: https://www.twilio.com/docs/chat/rest/service-resource (post_webhook_retry_count). */
const transient = (o: Outcome) => 'error' in o || o.status === 429 || o.status === 503 || o.status === 504;

/**
 * Reserved names (RFC 2606) never reach a real receiver: the demo data's
 * `*.example.com` and `*.acme.example` URLs fail at once, without a DNS lookup.
 */
const RESERVED_HOST = /(^|\.)(example|invalid|example\.(com|net|org))$/i;

interface Delivery {
  spec: DeliverySpec;
  /** Attempts made so far. */
  attempts: number;
  firstAttemptAt: number;
  /** Kept across retries, so a receiver can recognise one delivery tried again. */
  idempotencyToken: string;
  bytes: number;
  started: boolean;
  timer?: NodeJS.Timeout;
  request?: ClientRequest;
}

export class Deliveries {
  private readonly options: DeliveryOptions;
  private waiting: Delivery[] = [];
  private readonly batches = new Map<string, Delivery>();
  private readonly scheduled = new Set<Delivery>();
  private readonly inFlight = new Set<Delivery>();
  private pendingBytes = 0;
  private pumpScheduled = false;
  /** Bumped by stop(): answers of requests made before it are ignored. */
  private generation = 0;
  private closed = false;
  private counters = emptyCounters();
  private faults: ActiveWebhookFault[] = [];
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    /** The auth token that signs an account's deliveries, read at each attempt (it changes when a secondary token is promoted). */
    private readonly authTokenOf: (accountSid: string) => string | undefined,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets: this.options.concurrency });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: this.options.concurrency });
  }

  /** Queues a delivery; it starts on a later turn of the event loop, never during the write that made it. */
  enqueue(spec: DeliverySpec): void {
    if (this.closed) return;
    const bytes = sizeOf(spec);
    if (spec.batchKey && spec.events) {
      const batch = this.batches.get(spec.batchKey);
      if (batch && !batch.started && batch.spec.events!.length + spec.events.length <= this.options.maxBatch) {
        if (this.pendingBytes + bytes > this.options.maxPendingBytes) return void this.counters[spec.kind].dropped++;
        batch.spec.events!.push(...spec.events);
        batch.bytes += bytes;
        this.pendingBytes += bytes;
        return;
      }
    }
    if (this.pending() >= this.options.maxPending || this.pendingBytes + bytes > this.options.maxPendingBytes) {
      this.counters[spec.kind].dropped++;
      return;
    }
    const delivery: Delivery = {
      spec: spec.events ? { ...spec, events: [...spec.events] } : spec,
      attempts: 0,
      firstAttemptAt: 0,
      idempotencyToken: randomBytes(16).toString('hex'),
      bytes,
      started: false,
    };
    if (spec.batchKey) this.batches.set(spec.batchKey, delivery);
    this.pendingBytes += bytes;
    this.waiting.push(delivery);
    this.schedulePump();
  }

  stats(): DeliveryStats {
    return { ...structuredClone(this.counters), pending: this.pending(), inFlight: this.inFlight.size };
  }

  resetStats(): void {
    this.counters = emptyCounters();
  }

  addFault(fault: ActiveWebhookFault): void {
    this.faults.push(fault);
  }

  /** The pending faults, with any credentials in their URLs cut out. */
  listFaults(): ActiveWebhookFault[] {
    return this.faults.map((f) => ({ ...f, url: redactUserInfo(f.url) }));
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Cancels every pending delivery: queued ones, retry timers and requests in flight. */
  stop(): void {
    this.generation++;
    for (const d of this.scheduled) clearTimeout(d.timer);
    for (const d of this.inFlight) d.request?.destroy();
    this.scheduled.clear();
    this.inFlight.clear();
    this.waiting = [];
    this.batches.clear();
    this.pendingBytes = 0;
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private pending(): number {
    return this.waiting.length + this.scheduled.size + this.inFlight.size;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.options.concurrency && this.waiting.length > 0) {
      this.attempt(this.waiting.shift()!);
    }
  }

  private attempt(d: Delivery): void {
    const { spec } = d;
    if (!d.started) {
      d.started = true;
      d.firstAttemptAt = Date.now();
      if (spec.batchKey && this.batches.get(spec.batchKey) === d) this.batches.delete(spec.batchKey);
    }
    const attempt = ++d.attempts;
    this.counters[spec.kind].attempted++;
    this.inFlight.add(d);
    const generation = this.generation;
    // Settles this attempt once: a late event of an attempt already settled (or cancelled) is ignored.
    const done = (outcome: Outcome) => {
      if (generation !== this.generation || d.attempts !== attempt || !this.inFlight.has(d)) return;
      this.inFlight.delete(d);
      d.request = undefined;
      this.settle(d, outcome);
    };

    const fault = this.takeFault(spec.url);
    if (fault) {
      setImmediate(() => done(fault.status !== undefined ? { status: fault.status } : { error: fault.error! }));
      return;
    }
    const authToken = this.authTokenOf(spec.accountSid);
    const target = URL.canParse(spec.url) ? new URL(spec.url) : undefined;
    // Nothing to connect to: not an http(s) URL, or a name reserved for examples.
    if (!authToken || !target || (target.protocol !== 'http:' && target.protocol !== 'https:') || RESERVED_HOST.test(target.hostname.replace(/\.$/, ''))) {
      setImmediate(() => done({ error: 'connection' }));
      return;
    }

    try {
      // User info in a destination is sent as Basic auth on every request, not in the URL:
      // https://www.twilio.com/docs/events/webhook-quickstart ("Authenticate your webhook sink").
      const credentials = target.username
        ? Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')
        : undefined;
      // Fragments carry connection settings for Twilio and never reach the receiver; neither is signed.
      const configured = stripUserInfo(spec.url).replace(/#.*$/, '');
      let url: string;
      let body: string | undefined;
      let signature: string;
      let contentType: string | undefined;
      if (spec.form) {
        const params = { ...spec.form, RetryCount: String(d.attempts - 1) };
        if (spec.method.toUpperCase() === 'GET') {
          url = withQuery(configured, params);
          signature = twilioSignature(authToken, url);
        } else {
          url = configured;
          body = new URLSearchParams(params).toString();
          contentType = 'application/x-www-form-urlencoded; charset=utf-8';
          signature = twilioSignature(authToken, url, params);
        }
      } else {
        body = JSON.stringify(spec.events ?? []);
        contentType = 'application/json';
        url = withBodyHash(configured, body);
        signature = twilioSignature(authToken, url);
      }

      const headers: Record<string, string | number> = {
        'X-Twilio-Signature': signature,
        // One value for every try of a delivery, so that a receiver can tell a retry from a new event:
        // https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides
        'I-Twilio-Idempotency-Token': d.idempotencyToken,
        'User-Agent': 'TwilioProxy/1.1',
        Accept: '*/*',
      };
      if (credentials) headers.Authorization = `Basic ${credentials}`;
      if (body !== undefined) {
        headers['Content-Type'] = contentType!;
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const sent = new URL(url);
      const secure = sent.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(
        sent,
        { method: spec.method.toUpperCase(), headers, agent: secure ? this.httpsAgent : this.httpAgent },
        (res) => {
          // The answer's body means nothing to Twilio here: read and dropped, never held.
          res.resume();
          res.once('end', () => done({ status: res.statusCode ?? 0 }));
          res.on('error', () => done({ error: 'connection' }));
        },
      );
      d.request = request;
      const timer = setTimeout(() => {
        done({ error: 'timeout' });
        request.destroy();
      }, this.options.timeoutMs);
      timer.unref();
      request.once('close', () => clearTimeout(timer));
      request.on('error', () => done({ error: 'connection' }));
      request.end(body);
    } catch {
      // A URL the request cannot be made to (a malformed escape in its user info, say) fails like a refused connection.
      setImmediate(() => done({ error: 'connection' }));
    }
  }

  private settle(d: Delivery, outcome: Outcome): void {
    const stats = this.counters[d.spec.kind];
    if (succeeded(outcome)) {
      stats.succeeded++;
      this.finish(d);
      return;
    }
    stats.failed++;
    const delay = this.retryDelay(d, outcome);
    if (delay === undefined) {
      this.finish(d);
      return;
    }
    stats.retried++;
    if (delay === 0) {
      this.waiting.unshift(d);
    } else {
      d.timer = setTimeout(() => {
        this.scheduled.delete(d);
        this.waiting.push(d);
        this.pump();
      }, delay);
      d.timer.unref();
      this.scheduled.add(d);
    }
    this.schedulePump();
  }

  /** Milliseconds until the next attempt, or undefined to give up. */
  private retryDelay(d: Delivery, outcome: Outcome): number | undefined {
    const policy = d.spec.retry;
    if (policy.kind === 'count') {
      if (d.attempts > policy.retries) return undefined;
      return policy.on === 'any' || transient(outcome) ? 0 : undefined;
    }
    // Exponential backoff with jitter, as Event Streams retries: the interval grows and is partly random.
    const { backoffBaseMs, backoffMaxMs, retryWindowMs } = this.options;
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(d.attempts - 1, 30));
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    return Date.now() + delay - d.firstAttemptAt <= retryWindowMs ? delay : undefined;
  }

  private finish(d: Delivery): void {
    this.pendingBytes -= d.bytes;
    this.schedulePump();
  }

  private takeFault(url: string): ActiveWebhookFault | undefined {
    const i = this.faults.findIndex((f) => f.url === url || f.url === '*');
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    if (--fault.count <= 0) this.faults.splice(i, 1);
    return fault;
  }
}

function emptyCounters(): Record<DeliveryKind, KindStats> {
  const zero = (): KindStats => ({ attempted: 0, succeeded: 0, failed: 0, retried: 0, dropped: 0 });
  return { chatService: zero(), chatChannel: zero(), eventStreams: zero() };
}

function sizeOf(spec: DeliverySpec): number {
  if (spec.events) return Buffer.byteLength(JSON.stringify(spec.events));
  let n = spec.url.length;
  for (const [k, v] of Object.entries(spec.form ?? {})) n += k.length + v.length + 2;
  return n;
}

function redactUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1[redacted]@');
}

function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}
