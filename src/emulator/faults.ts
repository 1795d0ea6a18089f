/**
 * Scripted latency and failures for tests and benchmarks: answer the next N
 * calls of an operation with a status (429, 500, 503, …), optionally with
 * `Retry-After`, or with a chosen body (what a proxy, a mock or a future API
 * version might send), or stall them before answering.
 */
import { EmulatorError } from './errors.ts';

export interface FaultSpec {
  /** `product.operationId` (`chat.FetchChannel`), or `*` for every operation. */
  operation: string;
  /** HTTP status to answer instead of the real response; omit to only stall. With `body`: 200 to 599, default 200. */
  status?: number;
  /** How many calls the fault applies to (default 1). */
  count?: number;
  /** Seconds for a `Retry-After` header. */
  retryAfter?: number;
  /** Milliseconds to hold the call before answering. */
  stallMs?: number;
  /** Twilio error code in the body (default: 20429 for 429, 20500 for 500, 20503 for 503, else 20000 + status). */
  code?: number;
  message?: string;
  /** `more_info` of the error body (default: Twilio's page for the code). */
  moreInfo?: string;
  /**
   * The exact body to answer instead of the real one (and of Twilio's error
   * form). With a 2xx status the call is still applied first, as when
   * something between Twilio and the client mangles the answer.
   */
  body?: string;
  /** `Content-Type` of `body` (default `application/json; charset=utf-8`). */
  contentType?: string;
}

export type ActiveFault = FaultSpec & { count: number };

const STATUS_MESSAGES: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Checks a fault from the control API; `operations` are the operation ids that exist. */
export function validateFault(input: unknown, operations: ReadonlySet<string>): ActiveFault {
  const f = input as FaultSpec;
  if (!f || typeof f.operation !== 'string' || !(f.operation === '*' || operations.has(f.operation))) {
    throw new Error('fault.operation must be an operation id such as chat.FetchChannel (see GET /__emulator/stats), or *');
  }
  if (f.body !== undefined) {
    if (typeof f.body !== 'string') throw new Error('fault.body must be a string: the exact bytes to answer');
    if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 200 || f.status > 599))
      throw new Error('fault.status must be an HTTP status from 200 to 599 with a body');
    if (f.code !== undefined || f.message !== undefined || f.moreInfo !== undefined)
      throw new Error('fault.body replaces the error body: leave out code, message and moreInfo');
    // Checked here so that a bad value is a 400 now, not a header error when the fault fires.
    if (f.contentType !== undefined && (typeof f.contentType !== 'string' || !/^[\x21-\x7e][\x20-\x7e]*$/.test(f.contentType))) {
      throw new Error('fault.contentType must be a non-empty header value such as text/html');
    }
  } else {
    if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 400 || f.status > 599))
      throw new Error('fault.status must be an HTTP error status, 400 to 599 (or 200 to 599 with a body)');
    if (f.contentType !== undefined) throw new Error('fault.contentType needs a body');
  }
  if (f.count !== undefined && (!Number.isInteger(f.count) || f.count < 1)) throw new Error('fault.count must be a positive integer');
  if (f.retryAfter !== undefined && (!Number.isInteger(f.retryAfter) || f.retryAfter < 0))
    throw new Error('fault.retryAfter must be a whole number of seconds');
  if (f.stallMs !== undefined && (!Number.isInteger(f.stallMs) || f.stallMs < 0 || f.stallMs > 600_000))
    throw new Error('fault.stallMs must be 0 to 600000 milliseconds');
  if (f.code !== undefined && !Number.isInteger(f.code)) throw new Error('fault.code must be an integer Twilio error code');
  if (f.message !== undefined && typeof f.message !== 'string') throw new Error('fault.message must be a string');
  if (f.moreInfo !== undefined && typeof f.moreInfo !== 'string') throw new Error('fault.moreInfo must be a string');
  if (f.status === undefined && f.stallMs === undefined && f.body === undefined) throw new Error('a fault needs a status, a body, a stallMs, or some of them');
  return { ...f, ...(f.body !== undefined ? { status: f.status ?? 200 } : {}), count: f.count ?? 1 };
}

export class Faults {
  private active: ActiveFault[] = [];

  add(fault: ActiveFault): void {
    this.active.push(fault);
  }

  clear(): void {
    this.active = [];
  }

  list(): ActiveFault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** Takes the first pending fault for an operation, counting it down. */
  take(operation: string): ActiveFault | undefined {
    const i = this.active.findIndex((f) => f.operation === operation || f.operation === '*');
    if (i < 0) return undefined;
    const fault = this.active[i]!;
    if (--fault.count <= 0) this.active.splice(i, 1);
    return fault;
  }
}

/** The error a fault answers with, in Twilio's form. */
export function faultError(fault: ActiveFault): EmulatorError {
  const status = fault.status!;
  const code = fault.code ?? 20000 + status;
  return new EmulatorError(status, code, fault.message ?? STATUS_MESSAGES[status] ?? `Injected ${status}`, fault.moreInfo);
}
