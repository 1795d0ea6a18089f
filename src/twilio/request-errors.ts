/**
 * Why a call of one request's REST client was refused or stopped, Twilio
 * aside: the request has spent its REST budget (`RestBudgetExceeded`), or it
 * has ended (`RequestEnded`: its deadline passed, its client went away, or
 * the gateway is shutting down). The layers above give them their own form
 * (see `upstreamError` in schema/shared/errors.ts).
 */

export type RequestEndCode = 'DEADLINE_EXCEEDED' | 'SHUTTING_DOWN' | 'CLIENT_CLOSED_REQUEST';

/** Why a request's work was cut short: the reason its signal carries, and the error of each call it cancelled. */
export class RequestEnded extends Error {
  override readonly name = 'RequestEnded';

  constructor(
    readonly code: RequestEndCode,
    message: string,
  ) {
    super(message);
  }
}

/** The request would send more HTTP attempts than its budget allows, retries included: this one is not sent. */
export class RestBudgetExceeded extends Error {
  override readonly name = 'RestBudgetExceeded';

  constructor(
    /** The most HTTP attempts the request may send. */
    readonly limit: number,
  ) {
    super(`This request needs more than ${limit} REST calls to Twilio, retries included: ask for fewer items, or split the query`);
  }
}
