/**
 * Request ids: each request gets one, the caller's `x-request-id` when it is
 * well formed, else a new UUID. It is sent back in the response's
 * `x-request-id`, prefixed to the log lines about the request's errors, and
 * set on its trace.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { Plugin, YogaInitialContext, YogaLogger } from 'graphql-yoga';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * An id a caller may choose: 1 to 128 letters, digits and `-_.:`, starting
 * with a letter or digit (UUIDs, ULIDs, a proxy's ids). Anything else (too
 * long, spaces, control characters that could forge a log line) is replaced.
 */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's id when it is well formed, else undefined. */
export function acceptedRequestId(header: string | null): string | undefined {
  return header !== null && WELL_FORMED.test(header) ? header : undefined;
}

export class RequestIds {
  readonly #ids = new WeakMap<Request, string>();
  // Errors of an answer, by the id of their request: Yoga logs them with no other trace of the request.
  readonly #errors = new WeakMap<object, string>();

  /** The id of a request this plugin has seen. */
  of(request: Request): string | undefined {
    return this.#ids.get(request);
  }

  /** Gives each request its id, and each response the header; first among the plugins, so every answer carries it. */
  plugin(): Plugin {
    return {
      onRequest: ({ request }) => {
        this.#ids.set(request, acceptedRequestId(request.headers.get(REQUEST_ID_HEADER)) ?? randomUUID());
      },
      onExecute: ({ args }) => {
        const request = (args.contextValue as Partial<YogaInitialContext> | undefined)?.request;
        const id = request && this.#ids.get(request);
        if (!id) return;
        return {
          // Before Yoga masks the errors it logs: its log line is then found to be this request's.
          onExecuteDone: ({ result }) => {
            if (Symbol.asyncIterator in result) return;
            for (const error of (result as ExecutionResult).errors ?? []) {
              this.#errors.set(error, id);
              if (error.originalError) this.#errors.set(error.originalError, id);
            }
          },
        };
      },
      onResponse: ({ request, response }) => {
        const id = this.#ids.get(request);
        if (id) response.headers.set(REQUEST_ID_HEADER, id);
      },
    };
  }

  /** `base`, with the request id before an error logged about a request's answer. */
  logger(base: YogaLogger): YogaLogger {
    return {
      debug: (...args) => base.debug(...args),
      info: (...args) => base.info(...args),
      warn: (...args) => base.warn(...args),
      error: (...args) => {
        const id = this.#requestOf(args);
        if (id) base.error(`[request ${id}]`, ...args);
        else base.error(...args);
      },
    };
  }

  #requestOf(args: unknown[]): string | undefined {
    for (const arg of args) {
      const id = typeof arg === 'object' && arg !== null ? this.#errors.get(arg) : undefined;
      if (id) return id;
    }
    return undefined;
  }
}
