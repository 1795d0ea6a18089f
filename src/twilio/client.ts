/**
 * The one REST client every resolver goes through. A `TwilioTransport` is
 * created once per process: it owns the undici Agent (a keep-alive pool per
 * origin), the resolved origins, timeouts, the retry policy and the in-flight
 * cap per account. `transport.client(credentials)` is cheap and binds one
 * caller's credentials, so a fresh client per GraphQL request still shares
 * connections and the per-account cap.
 *
 * Retries are written here rather than with undici's retry interceptor: its
 * rules are per method and status, while ours also depend on whether the
 * request ever reached a socket (see `isRetryable`). No interceptors are
 * composed, so there is no interceptor order to get wrong.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import { resolveBaseUrls, type BaseUrlOptions } from './base-urls.ts';
import { buildPath, encodeForm, withQuery } from './encoding.ts';
import { exchange, type ExchangeFailure, type ExchangeOptions, type Exchanged } from './exchange.ts';
import { TwilioApiError, TwilioTransportError, type TwilioCallSite, type TwilioTransportErrorKind } from './errors.ts';
import { KeyedLimiter, LimiterLineFull } from './limiter.ts';
import type { SharedInFlightLimit } from './shared-limit.ts';
import { shapeProblem, type ResponseShape } from './response-shape.ts';
import { resolveRecordUrls } from './resource-urls.ts';
import { CredentialVerdicts, REFUSED_CREDENTIAL_MS, credentialKey } from './credential-verdicts.ts';
import type { HttpMethod, TwilioOperation, TwilioProduct, TwilioRequest } from './operation.ts';

/**
 * Credentials for one Twilio account: the account's Auth Token, or an API key
 * (`SK…`) and its secret. Either way requests are counted against `accountSid`.
 */
export type TwilioCredentials = { accountSid: string; authToken: string } | { accountSid: string; apiKey: string; apiSecret: string };

/** Retry tuning; which failures are retried is fixed (see `isRetryable`). */
export interface RetryOptions {
  /** Retries after the first attempt. **Default:** 3. */
  maxRetries?: number;
  /** Backoff base: attempt n waits a random time up to `baseDelayMs * 2^(n-1)`. **Default:** 100. */
  baseDelayMs?: number;
  /** Cap on one wait. A `Retry-After` longer than this is not waited for: the error is returned. **Default:** 5000. */
  maxDelayMs?: number;
}

/** What `onRetry` is told before each retry; it never includes credentials. */
export interface RetryEvent {
  operation?: string | undefined;
  method: HttpMethod;
  path: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** `status 503`, `ECONNREFUSED`, … */
  reason: string;
}

/**
 * What an observer (metrics, traces) is told of one HTTP attempt as it is
 * sent: never credentials, bodies or answers.
 */
export interface RestAttempt {
  /** The account the call is made for. */
  accountSid: string;
  product: TwilioProduct;
  method: HttpMethod;
  /** The operation key (`chat.FetchChannel`), when the call came from the operation table or a page of it. */
  operation: string | undefined;
  /** The operation's path template (`/v2/Services/{ServiceSid}/Channels/{Sid}`), when known. */
  route: string | undefined;
  /** Where the request goes, e.g. `https://chat.twilio.com`. */
  origin: string;
  /** The path with its query string; it holds SIDs. */
  path: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

/** How an attempt ended: Twilio's status when it answered, the failure's kind when no usable answer came. */
export interface RestAttemptOutcome {
  status?: number;
  error?: TwilioTransportErrorKind;
}

/** An observer's hold on one attempt. */
export interface RestObservation {
  /** Headers to send with the attempt (trace context); they cannot replace auth or framing. */
  headers?: Record<string, string>;
  /** Called once when the attempt has ended, with what is known of its outcome (nothing when it failed unexpectedly). */
  end(outcome: RestAttemptOutcome): void;
}

/**
 * Sees every HTTP attempt of every client of a transport, retries included:
 * how metrics and traces learn of REST calls without this layer knowing of
 * either. `scope` is the client's (`ClientOptions.scope`): the request the
 * call serves, as the observer knows it.
 */
export interface RestObserver {
  attempt(attempt: RestAttempt, scope: unknown): RestObservation | undefined;
}

/** Options for a `TwilioTransport`. */
export interface TwilioTransportOptions extends BaseUrlOptions {
  /** Time allowed for the response headers once the request is sent, and again for the body. **Default:** 10000. */
  timeoutMs?: number;
  /** Time allowed to establish a connection. **Default:** `timeoutMs`. */
  connectTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept. **Default:** 4000. */
  keepAliveTimeoutMs?: number;
  retry?: RetryOptions;
  /** Requests in flight at once per account SID; more wait in line. **Default:** 100, Twilio's own concurrency limit per account. */
  maxInFlightPerAccount?: number;
  /**
   * The account's limit shared with other replicas (shared-limit.ts): each
   * call also takes one of its slots, after its own slot here. Closed with
   * the transport.
   */
  sharedLimit?: SharedInFlightLimit;
  /**
   * How long a credential Twilio answered 401 is refused without asking Twilio
   * again. **Default:** 30000.
   */
  refusedCredentialMs?: number;
  /** Sent as `User-Agent`. */
  userAgent?: string;
  /** Use this dispatcher instead of creating an Agent; `close()` then leaves it open. */
  dispatcher?: Dispatcher;
  /** Called before each retry (logging, metrics). */
  onRetry?: (event: RetryEvent) => void;
  /** Told of every HTTP attempt as it is sent and as it ends (metrics, traces). */
  observer?: RestObserver;
  /** Source of jitter in [0, 1). **Default:** `Math.random`. */
  random?: () => number;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, including any wait for a slot or before a retry. */
  signal?: AbortSignal;
  /** Overrides the transport's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** A request already reduced to the wire: used for Twilio's absolute paging URLs. */
export interface RawRequest {
  product: TwilioProduct;
  method: HttpMethod;
  /** Path and query string, e.g. `/v2/Services?PageSize=50&Page=1&PageToken=PT…`. */
  path: string;
  /** Form body, for POST. */
  body?: URLSearchParams;
  headers?: TwilioRequest['headers'];
  /** Operation key for errors and retry events. */
  operation?: string;
  /** The operation's path template, for metrics and traces. */
  route?: string;
  /**
   * What a 2xx answer must hold (see response-shape.ts), or `nothing`: its
   * body is then not read (a delete). Unset: any JSON, or no body.
   */
  expect?: ResponseShape | 'nothing';
}

/** Why a credential Twilio has not accepted yet is refused without a call: the account's line of such credentials is full. */
export const TOO_MANY_UNVERIFIED =
  'Too many unverified credentials for this account at once; retry shortly (credentials Twilio has not yet accepted through this gateway wait in a short line per account)';

/**
 * The most credentials of one account put to Twilio at once before it accepted
 * them: each refused one is a failed login in the account's name, so however
 * large the cap, a storm of guesses makes at most this many per round trip.
 */
const MAX_PROBING = 8;

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Twilio's own concurrency limit per account: past it the REST API answers 429
 * (error 20429), https://www.twilio.com/docs/api/errors/20429 and
 * https://support.twilio.com/hc/en-us/articles/360044308153-Twilio-API-response-Error-429-Too-Many-Requests.
 * Those pages name the limit but not its default, 100 concurrent requests
 * (https://rate-limits.apis.io/rate-limits/twilio/twilio-rate-limits/). A lone request may use 99, so an
 * ordinary query's widest level (the member lists of 50 channels) goes out in one wave.
 */
export const DEFAULT_MAX_IN_FLIGHT = 100;
const DEFAULT_RETRY: Required<RetryOptions> = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5_000 };
const DEFAULT_USER_AGENT = 'twilio-graphql-gateway';

/** Shared state for all clients: connections, origins, policy, the per-account cap. */
export class TwilioTransport {
  /** The origin each product's requests go to. */
  readonly baseUrls: Readonly<Record<TwilioProduct, string>>;
  readonly timeoutMs: number;
  readonly retry: Readonly<Required<RetryOptions>>;
  readonly userAgent: string;
  /** @internal */ readonly dispatcher: Dispatcher;
  /** @internal */ readonly limiter: KeyedLimiter;
  /**
   * @internal Probing slots of credentials Twilio has not accepted yet (perhaps
   * someone guessing): one call at a time each, a quarter of the account's
   * slots between them all (8 at most), and as many more credentials waiting; a credential
   * beyond those is refused at once. A probe also takes a guest slot of
   * `limiter`, outside every request's fair share, so the account's real
   * callers keep at least three quarters of its slots and their full share of them.
   */
  readonly unverified: KeyedLimiter;
  /** @internal What Twilio last said of each credential. */
  readonly verdicts: CredentialVerdicts;
  /** @internal The account's slots shared with other replicas; undefined: this process's cap alone. */
  readonly sharedLimit: SharedInFlightLimit | undefined;
  /** @internal */ readonly onRetry: ((event: RetryEvent) => void) | undefined;
  /** @internal */ readonly observer: RestObserver | undefined;
  /** @internal */ readonly random: () => number;
  readonly #ownsDispatcher: boolean;
  #closed = false;

  constructor(options: TwilioTransportOptions = {}) {
    this.baseUrls = Object.freeze(resolveBaseUrls(options));
    this.timeoutMs = positive(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.retry = Object.freeze({
      maxRetries: nonNegativeInteger(options.retry?.maxRetries ?? DEFAULT_RETRY.maxRetries, 'retry.maxRetries'),
      baseDelayMs: nonNegative(options.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs, 'retry.baseDelayMs'),
      maxDelayMs: nonNegative(options.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs, 'retry.maxDelayMs'),
    });
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    const maxInFlight = options.maxInFlightPerAccount ?? DEFAULT_MAX_IN_FLIGHT;
    this.limiter = new KeyedLimiter(maxInFlight, { holderShare: fairShare });
    const probing = Math.max(1, Math.min(MAX_PROBING, Math.floor(maxInFlight / 4)));
    // A short line: a credential in it probes within about one round of probes, and one past it costs Twilio no failed login.
    this.unverified = new KeyedLimiter(probing, { holderShare: () => 1, maxWaitingHolders: probing });
    this.verdicts = new CredentialVerdicts({ refusedForMs: options.refusedCredentialMs ?? REFUSED_CREDENTIAL_MS });
    this.sharedLimit = options.sharedLimit;
    this.onRetry = options.onRetry;
    this.observer = options.observer;
    this.random = options.random ?? Math.random;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
        keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 4_000, 1),
        connect: { timeout: positive(options.connectTimeoutMs ?? this.timeoutMs, 'connectTimeoutMs') },
      });
  }

  /** A client that sends these credentials; it shares this transport's connections and caps. */
  client(credentials: TwilioCredentials): TwilioClient {
    return new TwilioClient(this, credentials);
  }

  /**
   * Whether a call with these credentials would be refused at once, unsent:
   * Twilio has not accepted them yet, and as many other such credentials of
   * the account as may wait already do. Lets a request be refused before any
   * work is spent on it.
   */
  refusesUnverified(credentials: TwilioCredentials): boolean {
    const key = derive(credentials).credentialKey;
    if (this.verdicts.isAccepted(key) || this.verdicts.isRefused(key)) return false;
    return this.unverified.wouldRefuse(credentials.accountSid, key);
  }

  /** Whether Twilio refused these credentials (HTTP 401) moments ago: calls with them are not sent. */
  isRefused(credentials: TwilioCredentials): boolean {
    return this.verdicts.isRefused(derive(credentials).credentialKey);
  }

  /**
   * Treats these credentials as accepted without asking Twilio: those the
   * operator configured, so that no one guessing secrets for the same account
   * can delay their first calls. A 401 from Twilio still refuses them for a while.
   */
  trust(credentials: TwilioCredentials): void {
    this.verdicts.trust(derive(credentials).credentialKey);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the connection pools (unless the dispatcher was passed in). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.dispatcher.close();
    await this.sharedLimit?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * The most slots of an account one client with `fairShare` may hold: an equal
 * part of the limit less one slot, so that together they always leave one free
 * and a new client starts at once even when the others' calls all stall. A
 * lone request may use all but that one (99 of 100), so an ordinary query's
 * calls still go out in one wave. `limit` is what the probes of unverified
 * credentials leave (at least three quarters of the account's slots).
 */
export function fairShare(limit: number, clients: number): number {
  return Math.max(1, Math.floor((limit - 1) / clients));
}

/** Options for one client. */
export interface ClientOptions {
  /**
   * Hold at most a fair share of the account's in-flight slots (see
   * `fairShare`), and take turns with the account's other such clients. For a
   * client that serves one caller among many, such as a GraphQL request.
   */
  fairShare?: boolean;
  /** Handed as is to the transport's observer with each attempt: the request the calls serve (its trace context). */
  scope?: unknown;
  /**
   * The account SID is only the caller's word: an API key sent with X-Twilio-Account-Sid, which Twilio
   * accepts whatever account it names. Until an answer's record shows the key to be that account's, its
   * calls hold slots of their own (the key's), not the account's, so that a key of one account cannot
   * use up another account's slots by naming it.
   */
  accountClaimed?: boolean;
}

/**
 * The Authorization header and verdict key of each credentials object. Weak,
 * and keyed by the object: changing a credentials object in place is not
 * supported (none is changed after it is made).
 */
const derivedFrom = new WeakMap<TwilioCredentials, { authorization: string; credentialKey: string }>();

/** Makes Twilio REST calls with one account's credentials. */
export class TwilioClient {
  /** The account the calls are made for (and counted against). */
  readonly accountSid: string;
  /** The shared transport. */
  readonly transport: TwilioTransport;
  // Private so the secret never shows in util.inspect, JSON or error objects.
  readonly #authorization: string;
  // Whose share of the account's slots this client's calls count against; undefined: not capped.
  readonly #slotHolder: object | undefined;
  // Names the credential in the transport's memory of Twilio's verdicts, without the secret.
  readonly #credentialKey: string;
  readonly #scope: unknown;
  /** Where an account claimed by an API key holds its slots until an answer proves the claim; undefined when not claimed. */
  readonly #claimSlots: string | undefined;
  #accepted = false;
  // Set by the first 401: every later call of this client fails at once.
  #refusal: { code: number | undefined; moreInfo: string | undefined } | undefined;

  constructor(transport: TwilioTransport, credentials: TwilioCredentials, options: ClientOptions = {}) {
    this.transport = transport;
    this.accountSid = credentials.accountSid;
    const derived = derive(credentials);
    this.#authorization = derived.authorization;
    this.#slotHolder = options.fairShare ? this : undefined;
    this.#credentialKey = derived.credentialKey;
    this.#scope = options.scope;
    // By the key alone: naming other accounts in turn gives a key no more slots.
    this.#claimSlots = options.accountClaimed && 'apiKey' in credentials ? `~${credentials.apiKey}` : undefined;
  }

  /** The key of the slots this client's calls hold: the account's, or, while its claim to the account is unproven, its API key's. */
  #slotKey(): string {
    return this.#claimSlots === undefined || this.transport.verdicts.isOfAccount(this.#credentialKey) ? this.accountSid : this.#claimSlots;
  }

  /** Notes that an answer's record belongs to the claimed account: from then on the key holds the account's slots. */
  #proveClaim(value: unknown, expect: RawRequest['expect']): void {
    if (this.#claimSlots === undefined || typeof value !== 'object' || value === null) return;
    const listKey = typeof expect === 'object' ? expect.listKey : undefined;
    const items = listKey ? (value as Record<string, unknown>)[listKey] : undefined;
    const record = (Array.isArray(items) ? items[0] : value) as { account_sid?: unknown } | undefined;
    if (record?.account_sid === this.accountSid) this.transport.verdicts.ofAccount(this.#credentialKey);
  }

  /**
   * Calls one operation from the generated tables: fills and encodes the path,
   * encodes query and body, and returns the parsed JSON (`undefined` for an
   * operation that answers no record, such as a delete).
   * @throws TwilioApiError when Twilio answers non-2xx (after retries)
   * @throws TwilioTransportError when no usable answer arrives (after retries),
   *   or a 2xx body is not the page or record the operation answers (`invalid_response`)
   */
  call<Req extends TwilioRequest, Res>(
    operation: TwilioOperation<Req, Res>,
    ...args: {} extends Req ? [request?: NoInfer<Req>, options?: CallOptions] : [request: NoInfer<Req>, options?: CallOptions]
  ): Promise<Res> {
    const [request = {} as Req, options] = args;
    const path = withQuery(buildPath(operation.path, request.path), encodeForm(request.query));
    const raw: RawRequest = {
      product: operation.product,
      method: operation.method,
      path,
      operation: operation.key,
      route: operation.path,
      expect: operation.record ? operation : 'nothing',
    };
    if (request.headers) raw.headers = request.headers;
    if (operation.method === 'POST') raw.body = encodeForm(request.body);
    return this.send(raw, options) as Promise<Res>;
  }

  /**
   * Sends a request already reduced to path and form body, with the same auth,
   * retries, timeouts and cap as `call`. Paging uses it to follow Twilio's
   * next/previous page URLs.
   */
  async send(request: RawRequest, options: CallOptions = {}): Promise<unknown> {
    const { transport } = this;
    if (transport.closed) throw new Error(`TwilioTransport is closed; cannot send ${request.method} ${request.path}`);
    const site: TwilioCallSite = { method: request.method, path: request.path, operation: request.operation };
    this.#throwIfRefused(site, 1);
    const prepared: Prepared = {
      site,
      product: request.product,
      route: request.route,
      expect: request.expect,
      exchange: {
        origin: transport.baseUrls[request.product],
        path: request.path,
        method: request.method,
        headers: this.#headers(request),
        body: request.method === 'POST' ? (request.body ?? new URLSearchParams()).toString() : undefined,
        timeoutMs: options.timeoutMs ?? transport.timeoutMs,
        signal: options.signal,
      },
    };

    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(prepared, attempt);
      if (outcome.ok) return outcome.value;
      const { error } = outcome;
      if (attempt > transport.retry.maxRetries || !isRetryable(request.method, error)) throw error;
      const delayMs = retryDelay(outcome.retryAfterMs, attempt, transport);
      if (delayMs === undefined) throw error;
      transport.onRetry?.({ ...site, attempt, delayMs, reason: describe(error) });
      try {
        await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : undefined);
      } catch (cause) {
        throw aborted(site, attempt, cause);
      }
    }
  }

  /**
   * One attempt: wait for a slot under the account, exchange, read the
   * outcome. A credential Twilio has not accepted yet first waits for its one
   * probing slot, then takes a guest slot, outside every fair share; a
   * credential Twilio refused is not sent at all.
   */
  async #attempt(prepared: Prepared, attempt: number): Promise<Outcome> {
    const { site, exchange: exchangeOptions } = prepared;
    const { signal } = exchangeOptions;
    const held: Array<() => void> = [];
    const releaseAll = () => {
      for (const release of held.splice(0)) release();
    };
    const slots = this.#slotKey();
    try {
      let probing = false;
      if (!this.#isAccepted()) {
        held.push(await this.#probingSlot(site, attempt, signal));
        // Twilio gave its verdict while this call waited: no probe is needed, and the probing slot goes to the next waiter.
        if (this.#isAccepted()) releaseAll();
        else probing = true;
      }
      this.#throwIfRefused(site, attempt);
      held.push(
        await this.#slot(
          (s) => (probing ? this.transport.limiter.acquireGuest(slots, s) : this.transport.limiter.acquire(slots, s, this.#slotHolder)),
          site,
          attempt,
          signal,
        ),
      );
      // Then one of the account's slots shared with the other replicas, if any.
      const shared = this.transport.sharedLimit;
      // A probe of a credential Twilio has not accepted takes none: the unverified line bounds those already.
      if (shared && !probing) held.push(await this.#slot((s) => shared.acquire(slots, s), site, attempt, signal));
      this.#throwIfRefused(site, attempt);
      this.beforeAttempt(site, attempt);
    } catch (error) {
      releaseAll();
      throw error;
    }
    const observation = this.transport.observer?.attempt(
      {
        accountSid: this.accountSid,
        product: prepared.product,
        method: site.method,
        operation: site.operation,
        route: prepared.route,
        origin: exchangeOptions.origin,
        path: site.path,
        attempt,
      },
      this.#scope,
    );
    if (!observation) return this.#exchange(prepared, attempt, releaseAll, undefined);
    const outcome: RestAttemptOutcome = {};
    try {
      return await this.#exchange(prepared, attempt, releaseAll, outcome, observation.headers);
    } finally {
      observation.end(outcome);
    }
  }

  /**
   * The exchange of one attempt, its slots held (`releaseAll` frees them), and
   * what its answer means; fills `outcome` for an observer.
   */
  async #exchange(
    { site, expect, exchange: exchangeOptions }: Prepared,
    attempt: number,
    releaseAll: () => void,
    outcome: RestAttemptOutcome | undefined,
    extraHeaders?: Record<string, string>,
  ): Promise<Outcome> {
    // Added under the request's own headers, so auth and framing stay as they are.
    const sent = extraHeaders ? { ...exchangeOptions, headers: { ...extraHeaders, ...exchangeOptions.headers } } : exchangeOptions;
    let response: Exchanged;
    try {
      response = await exchange(this.transport.dispatcher, sent);
    } catch (failure) {
      releaseAll();
      const error = transportError(failure as ExchangeFailure, site, attempt, exchangeOptions.timeoutMs);
      if (outcome) outcome.error = error.kind;
      if (error.kind === 'aborted') throw error;
      return { ok: false, error, retryAfterMs: undefined };
    }
    const { status, text } = response;
    if (outcome) outcome.status = status;
    const failed = status >= 200 && status < 300 ? undefined : TwilioApiError.fromResponse(status, text, site, attempt);
    // Learnt before the slots are released, so the calls waiting behind this one see it.
    this.#learn(status, failed);
    releaseAll();

    if (!failed) {
      if (expect === 'nothing') return { ok: true, value: undefined };
      const invalid = (why: string, cause?: unknown) => {
        if (outcome) outcome.error = 'invalid_response';
        return new TwilioTransportError({
          kind: 'invalid_response',
          message: `Twilio answered HTTP ${status} to ${site.method} ${site.path} with a body that cannot be read: ${why}`,
          site,
          attempts: attempt,
          cause,
        });
      };
      let value: unknown;
      if (status !== 204 && text !== '') {
        try {
          value = JSON.parse(text) as unknown;
        } catch (cause) {
          throw invalid('it is not JSON', cause);
        }
      }
      const problem = expect && shapeProblem(expect, value);
      if (problem) throw invalid(problem);
      if (expect) resolveRecordUrls(value, expect, exchangeOptions.origin);
      this.#proveClaim(value, expect);
      return { ok: true, value };
    }
    return { ok: false, error: failed, retryAfterMs: parseRetryAfter(header(response.headers, 'retry-after'), Date.now()) };
  }

  async #slot(
    acquire: (signal: AbortSignal | undefined) => Promise<() => void>,
    site: TwilioCallSite,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<() => void> {
    try {
      return await acquire(signal);
    } catch (cause) {
      throw aborted(site, attempt - 1, cause);
    }
  }

  /** This credential's probing slot; refused at once, unsent, when too many other credentials of the account wait for one. */
  async #probingSlot(site: TwilioCallSite, attempt: number, signal: AbortSignal | undefined): Promise<() => void> {
    try {
      return await this.transport.unverified.acquire(this.accountSid, signal, this.#credentialKey);
    } catch (cause) {
      if (!(cause instanceof LimiterLineFull)) throw aborted(site, attempt - 1, cause);
      throw new TwilioApiError({ status: 429, message: `${TOO_MANY_UNVERIFIED}. This call was not sent to Twilio.`, site, attempts: attempt - 1 });
    }
  }

  #isAccepted(): boolean {
    if (this.#accepted) return true;
    this.#accepted = this.#refusal === undefined && this.transport.verdicts.isAccepted(this.#credentialKey);
    return this.#accepted;
  }

  /**
   * What an answer says of the credential. A 401 refuses it. A 2xx, or a 4xx
   * other than 401 and 429, can only come after Twilio authenticated it. 429
   * and 5xx prove nothing: they may be answered before authentication.
   */
  #learn(status: number, failed: TwilioApiError | undefined): void {
    if (status === 401) {
      this.#accepted = false;
      this.#refusal = { code: failed?.code, moreInfo: failed?.moreInfo };
      this.transport.verdicts.refused(this.#credentialKey);
    } else if ((status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429)) {
      if (this.#accepted) return;
      this.transport.verdicts.accepted(this.#credentialKey);
      this.#accepted = true;
    } else {
      return;
    }
    // The credential's other calls (of any client) need no probe now: they stop waiting for one.
    this.transport.unverified.letGo(this.accountSid, this.#credentialKey);
  }

  /** Fails a call, unsent, when Twilio refused this credential earlier in this client's life or moments ago. */
  #throwIfRefused(site: TwilioCallSite, attempt: number): void {
    if (!this.#refusal && !this.transport.verdicts.isRefused(this.#credentialKey)) return;
    throw new TwilioApiError({
      status: 401,
      code: this.#refusal?.code ?? 20003,
      message:
        'Twilio refused these credentials (HTTP 401) a moment ago, so this call was not sent: check the account SID and auth token, or the API key and its secret',
      moreInfo: this.#refusal?.moreInfo,
      site,
      attempts: attempt - 1,
    });
  }

  /**
   * Called just before each HTTP attempt is sent, the first and every retry,
   * with its slot held. Throwing stops the call there, unsent: a subclass
   * counts attempts against a budget this way.
   */
  protected beforeAttempt(_site: TwilioCallSite, _attempt: number): void {}

  #headers(request: RawRequest): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value !== undefined) headers[name.toLowerCase()] = String(value);
    }
    // Set last, so a caller's headers cannot replace auth or framing.
    headers.accept = 'application/json';
    headers['user-agent'] = this.transport.userAgent;
    headers.authorization = this.#authorization;
    if (request.method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
    return headers;
  }

  /** Shows the account, never the secret. */
  toJSON(): { accountSid: string } {
    return { accountSid: this.accountSid };
  }
}

/** A request ready to send, reused across attempts. */
interface Prepared {
  site: TwilioCallSite;
  product: TwilioProduct;
  route: string | undefined;
  expect: RawRequest['expect'];
  exchange: ExchangeOptions;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: TwilioApiError | TwilioTransportError; retryAfterMs: number | undefined };

/**
 * The retry rules. Reads (GET) are retried on 429, 503 and any transport
 * failure (refused, reset, timed out): repeating them is harmless. Writes
 * (POST, and DELETE, whose repeat would answer 404 after a success) are
 * retried only where Twilio cannot have acted on them: a 429 (rejected
 * before processing) or a connection that was never established
 * (`connect`: refused, connect timeout, DNS). A write that hit a 5xx, a reset
 * or a timeout may have been applied, so it is never repeated. Aborts and
 * other statuses are never retried.
 */
export function isRetryable(method: HttpMethod, error: TwilioApiError | TwilioTransportError): boolean {
  const read = method === 'GET';
  if (error instanceof TwilioApiError) return error.status === 429 || (read && error.status === 503);
  switch (error.kind) {
    case 'connect':
      return true;
    case 'connection':
    case 'timeout':
      return read;
    default:
      return false;
  }
}

/**
 * How long to wait before retry `attempt + 1`: `Retry-After` when Twilio sent
 * one, else exponential backoff with full jitter. `undefined` when
 * `Retry-After` asks for longer than `maxDelayMs`: retrying sooner would
 * ignore Twilio, and waiting that long would stall the caller.
 */
function retryDelay(retryAfterMs: number | undefined, attempt: number, transport: TwilioTransport): number | undefined {
  const { baseDelayMs, maxDelayMs } = transport.retry;
  if (retryAfterMs !== undefined) return retryAfterMs <= maxDelayMs ? retryAfterMs : undefined;
  return Math.floor(transport.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
}

/** Parses `Retry-After` (delay in seconds, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Otherwise only an HTTP-date counts (`Wed, 21 Oct 2015 07:28:00 GMT`); `1.5` or `-1` are not a wait.
  if (!/GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Names a failed exchange. `connect` means the request was never written to
 * a socket (refused, connect timeout, DNS, TLS): that is known from undici's
 * `onRequestStart`, not guessed from the error code.
 */
function transportError(failure: ExchangeFailure, site: TwilioCallSite, attempt: number, timeoutMs: number): TwilioTransportError {
  const cause = failure.cause;
  if (failure.aborted) return aborted(site, attempt, cause, failure.sent);
  const code = errorCode(cause);
  // Misuse of undici (bad arguments) is a bug here, not a network failure.
  if (code?.startsWith('UND_ERR_INVALID')) throw cause;
  let kind: TwilioTransportErrorKind;
  let detail: string;
  if (failure.timedOut) {
    kind = 'timeout';
    detail = `no response ${failure.timedOut} within ${timeoutMs} ms`;
  } else if (!failure.sent) {
    kind = 'connect';
    detail = code ?? describeCause(cause);
  } else if (code && TIMEOUT_CODES.has(code)) {
    kind = 'timeout';
    detail = code;
  } else {
    kind = 'connection';
    detail = code ?? describeCause(cause);
  }
  const what = { connect: 'could not connect to', timeout: 'timed out waiting for', connection: 'lost the connection to' }[
    kind as 'connect' | 'timeout' | 'connection'
  ];
  return new TwilioTransportError({
    kind,
    message: `${site.method} ${site.path}: ${what} Twilio (${detail})`,
    site,
    attempts: attempt,
    errorCode: failure.timedOut ? (failure.timedOut === 'headers' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT') : code,
    requestSent: failure.sent,
    cause,
  });
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : 'unknown error';
}

function aborted(site: TwilioCallSite, attempts: number, cause: unknown, requestSent = false): TwilioTransportError {
  return new TwilioTransportError({ kind: 'aborted', message: `${site.method} ${site.path} was aborted`, site, attempts, requestSent, cause });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects fail with an AggregateError of per-address errors.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}

function describe(error: TwilioApiError | TwilioTransportError): string {
  return error instanceof TwilioApiError ? `status ${error.status}` : (error.errorCode ?? error.kind);
}

function header(headers: Exchanged['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The header and verdict key of a credentials object, derived once per object: a gateway's own credentials serve every request. */
function derive(credentials: TwilioCredentials): { authorization: string; credentialKey: string } {
  let derived = derivedFrom.get(credentials);
  if (!derived) {
    const authorization = authorizationHeader(credentials);
    derived = { authorization, credentialKey: credentialKey(credentials.accountSid, authorization) };
    derivedFrom.set(credentials, derived);
  }
  return derived;
}

function authorizationHeader(credentials: TwilioCredentials): string {
  const { accountSid } = credentials;
  if (typeof accountSid !== 'string' || !accountSid.startsWith('AC')) {
    const hint = typeof accountSid === 'string' && accountSid.startsWith('SK') ? ' (an SK… SID is an API key: pass it as apiKey)' : '';
    throw new TypeError(`Twilio credentials need an accountSid starting with AC${hint}`);
  }
  let user: string;
  let password: string;
  if ('apiKey' in credentials) {
    if (typeof credentials.apiKey !== 'string' || !credentials.apiKey.startsWith('SK')) {
      throw new TypeError('Twilio credentials: apiKey must be an API key SID starting with SK');
    }
    if (typeof credentials.apiSecret !== 'string' || credentials.apiSecret === '') {
      throw new TypeError('Twilio credentials: apiSecret must be a non-empty string');
    }
    user = credentials.apiKey;
    password = credentials.apiSecret;
  } else {
    if (typeof credentials.authToken !== 'string' || credentials.authToken === '') {
      throw new TypeError('Twilio credentials need either authToken, or apiKey and apiSecret');
    }
    user = accountSid;
    password = credentials.authToken;
  }
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, but got ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be zero or more, but got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of zero or more, but got ${value}`);
  return value;
}
