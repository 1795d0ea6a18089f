/**
 * The REST client of one GraphQL request. Its reads go through the request's
 * `RequestCache`: the same read (same path and query) is sent once however
 * many fields want it. Its writes clear that cache, as whatever was read
 * before may be stale, so no caller has to. A budget stops a request that
 * would make too many calls: every HTTP attempt counts, retries included.
 */
import { TwilioClient, type CallOptions, type RawRequest, type TwilioCredentials, type TwilioTransport } from './client.ts';
import { TwilioApiError, TwilioTransportError, type TwilioCallSite } from './errors.ts';
import type { HttpMethod, TwilioProduct } from './operation.ts';
import type { ResponseShape } from './response-shape.ts';
import { RequestCache } from './request-cache.ts';
import { RequestEnded, RestBudgetExceeded } from './request-errors.ts';
import { credentialSecrets, withoutSecrets, type SecretForm } from './secrets.ts';

/** Told what a request reads and writes, when someone needs to know (a response cache): the client only reports. */
export interface ResourceRecorder {
  /** A read that answered `answer`; `shape` says where a page holds its records. */
  read(product: TwilioProduct, path: string, shape: ResponseShape | undefined, answer: unknown): void;
  /** A write about to be sent (its outcome may never be known): to an object's path, or to a list's (`isList`: a create). */
  write(product: TwilioProduct, method: HttpMethod, path: string, isList: boolean): void;
  /** A write's answer. */
  wrote(product: TwilioProduct, answer: unknown): void;
}

export interface RequestClientOptions {
  /** The request's REST budget: the most HTTP attempts it may send, retries included. */
  maxCalls: number;
  /** The request's: when it aborts, every call of the request stops. */
  signal?: AbortSignal | undefined;
  /** Told of every read and write (for the response cache). */
  resources?: ResourceRecorder | undefined;
  /** Goes to the transport's observer with each call (the request's trace context). */
  scope?: unknown;
  /** The account SID is only the caller's word (see `accountClaimed`). */
  accountClaimed?: boolean | undefined;
}

export class RequestTwilioClient extends TwilioClient {
  /** What the request has read: the client's reads, and the lookups of the layers above. Every write clears it. */
  readonly cache = new RequestCache();
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
  /** Told what this request reads and writes, when a response cache needs to know. */
  readonly resources: ResourceRecorder | undefined;

  constructor(transport: TwilioTransport, credentials: TwilioCredentials, options: RequestClientOptions) {
    super(transport, credentials, { fairShare: true, scope: options.scope, accountClaimed: options.accountClaimed ?? false });
    this.accountClaimed = options.accountClaimed ?? false;
    this.#maxCalls = options.maxCalls;
    this.#signal = options.signal;
    this.#credentials = credentials;
    this.#transport = transport;
    this.resources = options.resources;
  }

  /** Who the credentials are, without their secret: the account SID, or the API key SID with its account. */
  get principal(): string {
    return 'apiKey' in this.#credentials ? `${this.#credentials.accountSid}/${this.#credentials.apiKey}` : this.#credentials.accountSid;
  }

  /** A client with the same credentials and budget and nothing read yet, whose calls stop with `signal` (one event of a subscription). */
  fork(signal: AbortSignal): RequestTwilioClient {
    return new RequestTwilioClient(this.#transport, this.#credentials, { maxCalls: this.#maxCalls, signal, accountClaimed: this.accountClaimed });
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
      // Stale from the moment the write is sent; and again once it has settled, as a read made meanwhile may predate it.
      this.cache.clear();
      // A create's path is a list's: its template does not end with the object's own SID.
      const template = typeof request.expect === 'object' ? (request.expect as { path?: unknown }).path : undefined;
      // Noted once Twilio may have applied it: a write refused (a wrong token, a 404) or never sent changes nothing.
      const noteWrite = () => resources?.write(request.product, request.method, request.path, typeof template === 'string' && !template.endsWith('}'));
      const written = this.#withinBudget(request, options).finally(() => this.cache.clear());
      if (!resources) return written;
      return written.then(
        (answer) => (noteWrite(), resources.wrote(request.product, answer), answer),
        (error: unknown) => {
          if (mayHaveApplied(error)) noteWrite();
          throw error;
        },
      );
    }
    return this.cache.once(`${request.method} ${request.product} ${request.path}`, () => {
      const read = this.#withinBudget(request, options);
      if (!resources) return read;
      const shape = typeof request.expect === 'object' ? request.expect : undefined;
      return read.then((answer) => (resources.read(request.product, request.path, shape, answer), answer));
    });
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

/** Whether a write that failed may still have been applied: anything but a refusal (4xx) or a call never sent. */
function mayHaveApplied(error: unknown): boolean {
  if (error instanceof TwilioApiError) return error.status >= 500;
  if (error instanceof TwilioTransportError) return error.requestSent;
  return !(error instanceof RestBudgetExceeded || error instanceof RequestEnded);
}
