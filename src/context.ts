/**
 * The per-request context: whose Twilio credentials this request uses, a REST
 * client bound to them, and fresh loaders. Nothing in it outlives the request,
 * so no cached object can cross from one caller to another.
 */
import { contextCacheSymbol, initContextCache } from '@pothos/core';
import type { YogaInitialContext } from 'graphql-yoga';
import { TwilioClient, type CallOptions, type RawRequest, type TwilioCredentials, type TwilioTransport } from './twilio/client.ts';
import { Lookups } from './schema/shared/lookups.ts';
import { CursorSigner } from './schema/shared/cursor.ts';
import { TwilioTransportError, type TwilioCallSite } from './twilio/errors.ts';
import { RequestEnded, RestBudgetExceeded } from './twilio/request-errors.ts';
import { requestCredentials } from './credentials.ts';
import { credentialSecrets, withoutSecrets, type SecretForm } from './twilio/secrets.ts';
import type { LiveBus } from './live/bus.ts';
import { ResourceTags } from './cache/tags.ts';

/** What the context factory adds to Yoga's own context for each request. */
export interface RequestContext {
  /** REST client for this request's credentials. */
  twilio: RequestTwilioClient;
  /** Batched lookups that are no single type's loader (users by identity, members by identity). */
  lookups: Lookups;
  /** Signs and checks connection cursors with the gateway's key. */
  cursors: CursorSigner;
  /** Where subscription fields subscribe to live events; null when the gateway serves none. */
  live: LiveBus | null;
}

/** The context every resolver sees. */
export type GatewayContext = YogaInitialContext & RequestContext;

/**
 * The REST client of one GraphQL request. The same read (same path and query)
 * is sent once however many fields want it; a write forgets earlier reads, as
 * they may be stale; and a budget stops a query that would make too many
 * calls. Every HTTP attempt counts against the budget, retries included.
 */
export class RequestTwilioClient extends TwilioClient {
  readonly #reads = new Map<string, Promise<unknown>>();
  readonly #maxCalls: number;
  readonly #signal: AbortSignal | undefined;
  readonly #transport: TwilioTransport;
  // Private, like the client's Authorization: only read to cut the credentials out of Twilio's errors.
  readonly #credentials: TwilioCredentials;
  #credentialForms: SecretForm[] | undefined;
  /**
   * True when the account SID is only the caller's word: Twilio accepts an API key whatever
   * X-Twilio-Account-Sid names, where it checks an auth token against the account it comes with.
   * The gateway's own credentials are the operator's word, and never claimed.
   */
  readonly accountClaimed: boolean;
  #sent = 0;
  #retries = 0;
  /** What this request read and wrote, when a response cache needs to know. */
  readonly resources: ResourceTags | undefined;

  /**
   * `signal` is the request's: when it aborts, every call of the request
   * stops. With `trackResources`, the resources read and written are noted
   * in `resources` (for the response cache). `scope` goes to the transport's
   * observer with each call (the request's trace context).
   */
  constructor(transport: TwilioTransport, credentials: TwilioCredentials, maxCalls: number, signal?: AbortSignal, trackResources = false, scope?: unknown, accountClaimed = false) {
    super(transport, credentials, { fairShare: true, scope });
    this.accountClaimed = accountClaimed;
    this.#maxCalls = maxCalls;
    this.#signal = signal;
    this.#credentials = credentials;
    this.#transport = transport;
    this.resources = trackResources ? new ResourceTags() : undefined;
  }

  /** Who the credentials are, without their secret: the account SID, or the API key SID with its account. */
  get principal(): string {
    return 'apiKey' in this.#credentials ? `${this.#credentials.accountSid}/${this.#credentials.apiKey}` : this.#credentials.accountSid;
  }

  /** A client with the same credentials and budget and nothing read yet, whose calls stop with `signal` (one event of a subscription). */
  fork(signal: AbortSignal): RequestTwilioClient {
    return new RequestTwilioClient(this.#transport, this.#credentials, this.#maxCalls, signal, false, undefined, this.accountClaimed);
  }

  /** HTTP attempts sent to Twilio so far, retries included. */
  get restCalls(): number {
    return this.#sent;
  }

  /** Of `restCalls`, the attempts that were retries of an earlier one. */
  get retries(): number {
    return this.#retries;
  }

  /** The request's REST budget: the most HTTP attempts it may send. */
  get maxRestCalls(): number {
    return this.#maxCalls;
  }

  override send(request: RawRequest, options?: CallOptions): Promise<unknown> {
    const resources = this.resources;
    if (request.method !== 'GET') {
      this.#reads.clear();
      // A create's path is a list's: its template does not end with the object's own SID.
      const template = typeof request.expect === 'object' ? (request.expect as { path?: unknown }).path : undefined;
      resources?.write(request.product, request.method, request.path, typeof template === 'string' && !template.endsWith('}'));
      const written = this.#withinBudget(request, options);
      return resources ? written.then((answer) => (resources.wrote(request.product, answer), answer)) : written;
    }
    const key = `${request.product} ${request.path}`;
    let read = this.#reads.get(key);
    if (!read) {
      read = this.#withinBudget(request, options);
      if (resources) {
        const shape = typeof request.expect === 'object' ? request.expect : undefined;
        read = read.then((answer) => (resources.read(request.product, request.path, shape, answer), answer));
      }
      this.#reads.set(key, read);
    }
    return read;
  }

  protected override beforeAttempt(_site: TwilioCallSite, attempt: number): void {
    if (this.#sent >= this.#maxCalls) throw this.#tooExpensive();
    this.#sent++;
    if (attempt > 1) this.#retries++;
  }

  #withinBudget(request: RawRequest, options: CallOptions = {}): Promise<unknown> {
    const signal = this.#signal;
    if (signal?.aborted) return Promise.reject(ended(signal.reason));
    // Refused at once when the budget is spent, rather than after waiting for a slot.
    if (this.#sent >= this.#maxCalls) return Promise.reject(this.#tooExpensive());
    const either = signal && options.signal ? AbortSignal.any([options.signal, signal]) : (signal ?? options.signal);
    return super.send(request, { ...options, signal: either }).catch((error: unknown) => {
      // A write cancelled after it was sent keeps its own error: its outcome is unknown, not merely cut short.
      const cancelled = signal?.aborted && error instanceof TwilioTransportError && error.kind === 'aborted';
      if (cancelled && !(request.method !== 'GET' && error.requestSent)) throw ended(signal.reason);
      // Twilio may quote the credentials back (or something before it may); they never go further.
      throw withoutSecrets(error, (this.#credentialForms ??= credentialSecrets(this.#credentials)));
    });
  }

  #tooExpensive(): RestBudgetExceeded {
    return new RestBudgetExceeded(this.#maxCalls);
  }
}

/** The error of a call the request's end cancelled (a new one per call). */
function ended(reason: unknown): RequestEnded {
  if (reason instanceof RequestEnded) return new RequestEnded(reason.code, reason.message);
  return new RequestEnded('CLIENT_CLOSED_REQUEST', 'The request was cancelled');
}

/**
 * Builds the context factory Yoga calls once per request; `signalOf` gives
 * the request's lifetime signal, which all its REST calls carry, and
 * `scopeOf` what the REST observer is told of the request (its trace context).
 */
export function contextFactory(
  transport: TwilioTransport,
  fallback: TwilioCredentials | null,
  maxRestCalls = 1000,
  cursors = new CursorSigner(),
  signalOf: (request: Request) => AbortSignal | undefined = () => undefined,
  live: LiveBus | null = null,
  trackResources = false,
  scopeOf: (request: Request) => unknown = () => undefined,
) {
  return ({ request }: YogaInitialContext): RequestContext => {
    const credentials = requestCredentials(request, fallback);
    const claimed = credentials !== fallback && 'apiKey' in credentials;
    const twilio = new RequestTwilioClient(transport, credentials, maxRestCalls, signalOf(request), trackResources, scopeOf(request), claimed);
    return { ...initContextCache(), twilio, lookups: new Lookups(), cursors, live };
  };
}

/**
 * The context one event of a subscription runs with: the subscription's
 * credentials, with fresh loaders, nothing read yet and its own REST budget,
 * its calls stopping with `signal`. Nothing cached for one event can be stale
 * for the next.
 */
export function contextForEvent<C extends GatewayContext>(ctx: C, signal: AbortSignal): C {
  return { ...ctx, ...initContextCache(), twilio: ctx.twilio.fork(signal), lookups: new Lookups() };
}

/**
 * Forgets everything the request has read: every type's loader (Pothos keeps
 * them under the context cache key) and the batched lookups. Called after a
 * write, which may have changed any of it.
 */
export function forgetReads(ctx: GatewayContext): void {
  (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = {};
  ctx.lookups.reset();
}
