/**
 * How failures reach GraphQL clients. Expected failures become GraphQLErrors
 * with a stable `extensions.code`; Twilio's facts (its error code, HTTP status,
 * more_info link) ride along. Anything else stays masked by Yoga.
 */
import { GraphQLError } from 'graphql';
import { TwilioApiError, TwilioTransportError } from '../../twilio/errors.ts';
import { RequestEnded, RestBudgetExceeded } from '../../twilio/request-errors.ts';

/** Stable `extensions.code` values. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'TWILIO_BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_INVALID_RESPONSE'
  | 'WRITE_OUTCOME_UNKNOWN';

/** A bad argument, caught before any REST call: names the argument or input field and the reason. */
export function badInput(field: string, reason: string): GraphQLError {
  return new GraphQLError(`Invalid ${field}: ${reason}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UPSTREAM_ERROR';
  return 'TWILIO_BAD_REQUEST';
}

/** Turns a REST-layer failure (Twilio's, or the request's budget or end) into a GraphQLError; returns undefined for anything else. */
export function upstreamError(error: unknown): GraphQLError | undefined {
  if (error instanceof TwilioApiError) {
    return new GraphQLError(error.message, {
      extensions: {
        code: codeForStatus(error.status),
        twilioCode: error.code ?? null,
        status: error.status,
        moreInfo: error.moreInfo ?? null,
        operation: error.operation ?? null,
      },
    });
  }
  if (error instanceof TwilioTransportError && isOutcomeUnknown(error)) {
    const where = error.operation ?? `${error.method} ${error.path.split('?')[0]}`;
    const why = { timeout: 'Twilio did not answer in time', connection: 'the connection was lost', aborted: 'the request was cancelled' }[
      error.kind as 'timeout' | 'connection' | 'aborted'
    ];
    return new GraphQLError(
      `The write (${where}) was sent to Twilio but its answer was lost (${why}): it may or may not have been applied. ` +
        'Read the object back (by its unique name or identity, or list and compare) to find out; sending it again blindly may apply it twice.',
      { extensions: { code: 'WRITE_OUTCOME_UNKNOWN', twilioCode: null, status: null, moreInfo: null, operation: error.operation ?? null } },
    );
  }
  if (error instanceof TwilioTransportError && error.kind === 'invalid_response' && error.method !== 'GET') {
    // Only a 2xx is ever read as a body, so Twilio (or whatever answered for it) accepted the write.
    return new GraphQLError(
      `Twilio accepted the write (${error.operation ?? error.method + ' ' + error.path.split('?')[0]}) but answered with a body that cannot be read: ` +
        'it has most likely been applied. Read the object back to see it.',
      { extensions: { code: 'UPSTREAM_INVALID_RESPONSE', twilioCode: null, status: null, moreInfo: null, operation: error.operation ?? null } },
    );
  }
  if (error instanceof TwilioTransportError) {
    const code: ErrorCode =
      error.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : error.kind === 'invalid_response' ? 'UPSTREAM_INVALID_RESPONSE' : 'UPSTREAM_UNAVAILABLE';
    const what =
      error.kind === 'timeout' ? 'did not answer in time' : error.kind === 'invalid_response' ? 'answered with an unexpected body' : 'could not be reached';
    return new GraphQLError(`Twilio ${what} (${error.operation ?? error.method + ' ' + error.path.split('?')[0]})`, {
      extensions: { code, twilioCode: null, status: null, moreInfo: null, operation: error.operation ?? null },
    });
  }
  if (error instanceof RestBudgetExceeded) {
    return new GraphQLError(error.message, { extensions: { code: 'QUERY_TOO_EXPENSIVE', limit: error.limit } });
  }
  if (error instanceof RequestEnded) return new GraphQLError(error.message, { extensions: { code: error.code } });
  return undefined;
}

/** A write that reached a socket and got no answer: Twilio may have applied it. */
function isOutcomeUnknown(error: TwilioTransportError): boolean {
  return error.method !== 'GET' && error.requestSent && (error.kind === 'timeout' || error.kind === 'connection' || error.kind === 'aborted');
}

/** True when a REST failure means the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof TwilioApiError && error.status === 404;
}
