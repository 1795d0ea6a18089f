/**
 * The two ways a Twilio call fails: Twilio answered with an error
 * (`TwilioApiError`), or no usable answer came back (`TwilioTransportError`).
 * Neither ever carries request headers, so credentials cannot leak through
 * an error's message, fields or `cause`.
 */
import type { HttpMethod } from './operation.ts';

/** Where a failed call was going; paths carry SIDs but never credentials. */
export interface TwilioCallSite {
  method: HttpMethod;
  /** The request path with its query string, e.g. `/v2/Services/IS…/Channels?PageSize=50`. */
  path: string;
  /** The operation key (`chat.FetchChannel`), when the call came from the operation table. */
  operation?: string | undefined;
}

/** Twilio's error body, as its REST APIs send it. */
export interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
  details?: Record<string, unknown>;
}

/**
 * Twilio answered with a non-2xx status. `code` is Twilio's error code
 * (20404 not found, 20003 bad credentials, 20429 rate limited …) when the
 * body carried one.
 */
export class TwilioApiError extends Error {
  override readonly name = 'TwilioApiError';
  /** The HTTP status. */
  readonly status: number;
  /** Twilio's error code, or `undefined` when the body was not Twilio's error JSON. */
  readonly code: number | undefined;
  /** Link to Twilio's page for the error code. */
  readonly moreInfo: string | undefined;
  /** Extra detail some Twilio errors include. */
  readonly details: Record<string, unknown> | undefined;
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: string | undefined;
  /** How many attempts were made, retries included. */
  readonly attempts: number;

  constructor(init: {
    status: number;
    code?: number | undefined;
    message: string;
    moreInfo?: string | undefined;
    details?: Record<string, unknown> | undefined;
    site: TwilioCallSite;
    attempts: number;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.moreInfo = init.moreInfo;
    this.details = init.details;
    this.method = init.site.method;
    this.path = init.site.path;
    this.operation = init.site.operation;
    this.attempts = init.attempts;
  }

  /**
   * Builds the error from a response body. Twilio's JSON gives the message and
   * code; anything else (an HTML page from a proxy) still yields a clear message.
   */
  static fromResponse(status: number, bodyText: string, site: TwilioCallSite, attempts: number): TwilioApiError {
    const body = parseErrorBody(bodyText);
    const message =
      body?.message ?? `Twilio answered HTTP ${status} to ${site.method} ${site.path} without an error body (expected JSON with code and message)`;
    return new TwilioApiError({
      status,
      code: body?.code,
      message,
      moreInfo: body?.more_info,
      details: body?.details,
      site,
      attempts,
    });
  }
}

function parseErrorBody(text: string): TwilioErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const raw = parsed as Record<string, unknown>;
  const body: TwilioErrorBody = {};
  if (typeof raw.code === 'number') body.code = raw.code;
  if (typeof raw.message === 'string') body.message = raw.message;
  if (typeof raw.more_info === 'string') body.more_info = raw.more_info;
  if (typeof raw.status === 'number') body.status = raw.status;
  if (typeof raw.details === 'object' && raw.details !== null) body.details = raw.details as Record<string, unknown>;
  return body;
}

/**
 * Why no usable response came back:
 * - `connect`: the connection was never established (refused, connect timeout,
 *   DNS); the request never reached Twilio.
 * - `connection`: the connection broke after the request may have been sent.
 * - `timeout`: the response headers or body did not arrive in time.
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `invalid_response`: a 2xx whose body was not the JSON Twilio sends.
 */
export type TwilioTransportErrorKind = 'connect' | 'connection' | 'timeout' | 'aborted' | 'invalid_response';

/** A call that got no usable answer from Twilio. */
export class TwilioTransportError extends Error {
  override readonly name = 'TwilioTransportError';
  readonly kind: TwilioTransportErrorKind;
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: string | undefined;
  /** How many attempts were made, retries included. */
  readonly attempts: number;
  /** The low-level error code, e.g. `ECONNREFUSED` or `UND_ERR_HEADERS_TIMEOUT`. */
  readonly errorCode: string | undefined;
  /**
   * Whether the last attempt was written to a connected socket: Twilio may
   * have received it, and a write may have been applied.
   */
  readonly requestSent: boolean;

  constructor(init: {
    kind: TwilioTransportErrorKind;
    message: string;
    site: TwilioCallSite;
    attempts: number;
    errorCode?: string | undefined;
    requestSent?: boolean;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.method = init.site.method;
    this.path = init.site.path;
    this.operation = init.site.operation;
    this.attempts = init.attempts;
    this.errorCode = init.errorCode;
    this.requestSent = init.requestSent ?? false;
  }
}
