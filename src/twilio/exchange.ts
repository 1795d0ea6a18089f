/**
 * One HTTP request/response over undici's dispatch API. Going below
 * `request()` tells us a fact the retry rules depend on: whether the request
 * was ever written to a connected socket (`onRequestStart`). If it was not,
 * Twilio cannot have seen it, whatever the error code says.
 *
 * Timeouts are timed here too: undici's own headers/body timers tick at about
 * one second, too coarse for short timeouts, so they stay only as a backstop.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** A complete response, body read as text. */
export interface Exchanged {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Why an exchange produced no response, with what we know about the request. */
export class ExchangeFailure extends Error {
  constructor(
    cause: unknown,
    /** Whether the request was written to a connected socket. */
    readonly sent: boolean,
    /** Set when our own timer ended the exchange. */
    readonly timedOut: 'headers' | 'body' | undefined,
    /** Set when the caller's signal ended the exchange. */
    readonly aborted: boolean,
  ) {
    super('exchange failed', { cause });
  }
}

export interface ExchangeOptions {
  origin: string;
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body: string | undefined;
  /** Time allowed for the headers once the request is sent, and again for the body. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** Sends one request and reads the whole response; rejects with `ExchangeFailure`. */
export function exchange(dispatcher: Dispatcher, options: ExchangeOptions): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => new Exchange(options, resolve, reject).start(dispatcher));
}

/**
 * One exchange's state and undici handler. A class rather than closures: a
 * request makes dozens of exchanges, and each closure would be made anew.
 */
class Exchange implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #sent = false;
  #settled = false;
  #timer: NodeJS.Timeout | undefined;
  #timedOut: 'headers' | 'body' | undefined;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  readonly #chunks: Buffer[] = [];

  constructor(
    private readonly options: ExchangeOptions,
    private readonly resolve: (value: Exchanged) => void,
    private readonly reject: (reason: ExchangeFailure) => void,
  ) {}

  start(dispatcher: Dispatcher): void {
    const { signal, timeoutMs } = this.options;
    if (signal?.aborted) return this.#fail(signal.reason);
    signal?.addEventListener('abort', this, { once: true });
    try {
      dispatcher.dispatch(
        {
          origin: this.options.origin,
          path: this.options.path,
          method: this.options.method,
          headers: this.options.headers,
          body: this.options.body ?? null,
          // Backstops only; the timers here are the real limits.
          headersTimeout: timeoutMs * 2 + 1_000,
          bodyTimeout: timeoutMs * 2 + 1_000,
        },
        this,
      );
    } catch (error) {
      this.#fail(error);
    }
  }

  /**
   * The caller's signal aborted. Before the socket is connected there is
   * nothing to abort yet: settle now, and abort the request as soon as undici
   * hands over its controller.
   */
  handleEvent(): void {
    const reason = this.options.signal!.reason as Error;
    this.#controller?.abort(reason);
    this.#fail(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) return controller.abort(new Error('abandoned'));
    this.#sent = true;
    this.#arm('headers');
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#status = statusCode;
    this.#headers = headers;
    this.#arm('body');
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    const chunks = this.#chunks;
    // Most answers arrive in one chunk: decoded as it is, without a copy.
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.#settle();
    this.resolve({ status: this.#status, headers: this.#headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(error);
  }

  /** Our own timer ran out in `phase`. */
  timeout(phase: 'headers' | 'body'): void {
    this.#timedOut = phase;
    const error = new Error(`No response ${phase} within ${this.options.timeoutMs} ms`);
    this.#controller?.abort(error);
    this.#fail(error);
  }

  #arm(phase: 'headers' | 'body'): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(timeOut, this.options.timeoutMs, this, phase);
  }

  #settle(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    this.options.signal?.removeEventListener('abort', this);
  }

  #fail(cause: unknown): void {
    if (this.#settled) return;
    this.#settle();
    const { signal } = this.options;
    this.reject(new ExchangeFailure(cause, this.#sent, this.#timedOut, signal?.aborted === true && this.#timedOut === undefined));
  }
}

function timeOut(exchange: Exchange, phase: 'headers' | 'body'): void {
  exchange.timeout(phase);
}
