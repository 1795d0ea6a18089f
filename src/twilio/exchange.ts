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
  return new Promise<Exchanged>((resolve, reject) => {
    const { signal, timeoutMs } = options;
    let controller: Dispatcher.DispatchController | undefined;
    let sent = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let timedOut: 'headers' | 'body' | undefined;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];

    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    const fail = (cause: unknown) =>
      settle(() => reject(new ExchangeFailure(cause, sent, timedOut, signal?.aborted === true && timedOut === undefined)));
    const arm = (phase: 'headers' | 'body') => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = phase;
        const error = new Error(`No response ${phase} within ${timeoutMs} ms`);
        controller?.abort(error);
        fail(error);
      }, timeoutMs);
    };
    // Before the socket is connected there is nothing to abort yet: settle now,
    // and abort the request as soon as undici hands us its controller.
    function onAbort() {
      controller?.abort(signal!.reason as Error);
      fail(signal!.reason);
    }

    if (signal?.aborted) return fail(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        if (settled) return ctrl.abort(new Error('abandoned'));
        sent = true;
        arm('headers');
      },
      onResponseStart(_ctrl, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
        arm('body');
      },
      onResponseData(_ctrl, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle(() => resolve({ status, headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
      onResponseError(_ctrl, error) {
        fail(error);
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: options.method,
          headers: options.headers,
          body: options.body ?? null,
          // Backstops only; the timers above are the real limits.
          headersTimeout: timeoutMs * 2 + 1_000,
          bodyTimeout: timeoutMs * 2 + 1_000,
        },
        handler,
      );
    } catch (error) {
      fail(error);
    }
  });
}
