/**
 * A request's lifetime. Every GraphQL request gets one AbortSignal that fires
 * when its client goes away, when its deadline passes, or when the gateway
 * shuts down; every REST call of the request carries it, so all of them
 * (in flight, waiting for a slot, or sleeping before a retry) stop at once.
 * The deadline's timer and the listener on the client's signal are removed
 * when the response is ready, or, for an answer delivered in parts (`@defer`,
 * `@stream`), when its last part is, so a request leaves nothing behind.
 */
import { setMaxListeners } from 'node:events';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { RequestEnded } from '../twilio/request-errors.ts';

export function deadlineExceeded(timeoutMs: number): RequestEnded {
  return new RequestEnded(
    'DEADLINE_EXCEEDED',
    `The request ran past its deadline of ${timeoutMs} ms: the REST calls of this field were cancelled, and the answer holds what was ready`,
  );
}

export function shuttingDown(): RequestEnded {
  return new RequestEnded('SHUTTING_DOWN', 'The gateway is shutting down: the REST calls of this field were cancelled; send the request again');
}

function clientClosed(): RequestEnded {
  return new RequestEnded('CLIENT_CLOSED_REQUEST', 'The client closed the request');
}

/** One request's signal and the means to end it. */
export class RequestLifetime {
  readonly #controller = new AbortController();
  readonly #clientSignal: AbortSignal | undefined;
  readonly #onClientGone = () => this.abort(clientClosed());
  readonly #onDone: (lifetime: RequestLifetime) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(clientSignal: AbortSignal | undefined, timeoutMs: number, onDone: (lifetime: RequestLifetime) => void) {
    this.#onDone = onDone;
    // Each REST call of the request listens on this signal while it waits or runs; there can be hundreds.
    setMaxListeners(0, this.#controller.signal);
    this.#timer = setTimeout(() => this.abort(deadlineExceeded(timeoutMs)), timeoutMs);
    // Never the reason the process stays up.
    this.#timer.unref();
    this.#clientSignal = clientSignal;
    if (clientSignal?.aborted) this.abort(clientClosed());
    else clientSignal?.addEventListener('abort', this.#onClientGone, { once: true });
  }

  /** Aborted when the client leaves, the deadline passes or the gateway shuts down; the reason is a `RequestEnded`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Cancels the request's work with `reason`. Once aborted, there is nothing left to time. */
  abort(reason: RequestEnded): void {
    if (this.#controller.signal.aborted) return;
    this.#release();
    this.#controller.abort(reason);
  }

  /** The request is answered: drops the timer and the listener. Idempotent. */
  end(): void {
    this.#release();
  }

  #release(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#clientSignal?.removeEventListener('abort', this.#onClientGone);
    this.#onDone(this);
  }
}

export interface InFlightRequestsOptions {
  /** Time a request may take, from its arrival to its answer. */
  timeoutMs: number;
}

/**
 * The requests a gateway is answering, each with its lifetime. `plugin()`
 * starts a lifetime as a request arrives and ends it with the response;
 * `abortAll()` cancels every one (shutdown).
 */
export class InFlightRequests {
  readonly timeoutMs: number;
  readonly #byRequest = new WeakMap<Request, RequestLifetime>();
  readonly #running = new Set<RequestLifetime>();

  constructor(options: InFlightRequestsOptions) {
    if (!(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
      throw new RangeError(`The request timeout must be a positive whole number of milliseconds, but got ${options.timeoutMs}`);
    }
    this.timeoutMs = options.timeoutMs;
  }

  /** Requests running and not yet aborted. */
  get size(): number {
    return this.#running.size;
  }

  start(request: Request): RequestLifetime {
    const lifetime = new RequestLifetime(request.signal, this.timeoutMs, (done) => this.#running.delete(done));
    if (!lifetime.signal.aborted) this.#running.add(lifetime);
    this.#byRequest.set(request, lifetime);
    return lifetime;
  }

  /** The signal of a request started here, for its REST client. */
  signalOf(request: Request): AbortSignal | undefined {
    return this.#byRequest.get(request)?.signal;
  }

  /** Cancels the work of a request whose answer will not be read, and ends its lifetime. */
  cancel(request: Request): void {
    this.#byRequest.get(request)?.abort(clientClosed());
    this.end(request);
  }

  end(request: Request): void {
    this.#byRequest.get(request)?.end();
    this.#byRequest.delete(request);
  }

  abortAll(reason: RequestEnded): void {
    for (const lifetime of [...this.#running]) lifetime.abort(reason);
  }

  /** The Yoga plugin that starts and ends each request's lifetime. */
  plugin(): Plugin {
    // Requests answered in parts: their response starts before their later parts run.
    const incremental = new WeakSet<Request>();
    return {
      onRequest: ({ request }) => {
        this.start(request);
      },
      // Queries and mutations only: a subscription's stream is not an answer in parts, and it outlives any deadline.
      onExecute: ({ args }) => ({
        onExecuteDone: ({ result, setResult }) => {
          const request = (args.contextValue as { request?: Request }).request;
          if (!request || !isAsyncIterable(result)) return;
          // The deadline and the client's departure keep cancelling the REST calls of the parts still to come;
          // the lifetime ends with the last part, or when the response stream is cancelled.
          incremental.add(request);
          setResult(
            untilLastPart(
              result,
              () => this.end(request),
              () => this.cancel(request),
            ),
          );
        },
      }),
      onResponse: ({ request, response }) => {
        if (!incremental.has(request)) this.end(request);
        // Answered otherwise than in parts (refused as not acceptable): no one will read the parts still to come.
        else if (!/^(multipart\/mixed|text\/event-stream)/.test(response.headers.get('content-type') ?? '')) this.cancel(request);
      },
    };
  }
}

/**
 * `source`'s parts, calling `done` after the last one, or `stopped` at once when its reader
 * stops early (a client gone): an iterator object, not a generator, so that `return()` reaches
 * here even while a part is still being computed, and its REST calls can be cancelled.
 */
function untilLastPart<T>(source: AsyncIterable<T>, done: () => void, stopped: () => void): AsyncIterableIterator<T> {
  const parts = source[Symbol.asyncIterator]();
  let over = false;
  const finish = (how: () => void) => {
    if (!over) ((over = true), how());
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const part = await parts.next();
      if (part.done) finish(done);
      return part;
    },
    async return(value?: unknown) {
      finish(stopped);
      await parts.return?.(value);
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      finish(stopped);
      if (parts.throw) return parts.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
