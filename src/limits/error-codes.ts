/**
 * Every error response carries a GraphQL error with an `extensions.code`:
 * those Yoga answers with an empty body (404, 406, 415) get one, as do those
 * Node answers before Yoga sees the request (a URL too long); and any error
 * still without a code gets one by its kind.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLError } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function explanation(status: number, request: Request, graphqlEndpoint: string): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  switch (status) {
    case 404:
      return `${reason}: GraphQL is served at ${graphqlEndpoint}`;
    case 406:
      return `${reason}: the answer is application/graphql-response+json or application/json (text/event-stream for a subscription), and the Accept header allows none of them`;
    case 415:
      return `${reason}: ${JSON.stringify(request.headers.get('content-type') ?? 'no content type')} is not a GraphQL request; send application/json`;
    default:
      return reason;
  }
}

/**
 * The code of an error that reached the answer without one: a field's error
 * (graphql-js's own, such as a null in a non-null field) is the gateway's, an
 * error about the request (graphql-js's "Variable "$x" … was not provided")
 * the client's.
 */
export function fallbackCode(error: GraphQLError): string {
  if (error.path) return 'INTERNAL_SERVER_ERROR';
  return error.message.startsWith('Variable "$') ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
}

/** Gives every error a code, and cuts out the parser's message Yoga attaches (it quotes the request). */
function codeErrors(errors: readonly GraphQLError[] | undefined): void {
  for (const error of errors ?? []) {
    if (error.extensions.code === undefined) error.extensions.code = fallbackCode(error);
    // Yoga attaches the parser's message, which quotes the whole body back (a mutation input's secrets
    // too): only the kind of failure is kept. (The entry itself stays: Yoga reads it when it sets the status.)
    const original = error.extensions.originalError as { name?: unknown; message?: unknown } | undefined;
    if (!error.path && original && typeof original === 'object')
      error.extensions.originalError = { name: original.name, message: 'not shown: it quotes the request' };
  }
}

/** Gives an error response Yoga sends without a body a GraphQL error with a code, and every error in an answer a code. */
export function codedErrorResponses(graphqlEndpoint: string): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) {
        // An answer in parts: the errors of each part as it goes, those of deferred fragments and streamed items too.
        setResult(
          mapAsyncIterator(result, (part) => {
            codeErrors(part.errors);
            for (const entry of (part as { incremental?: Array<{ errors?: readonly GraphQLError[] }> }).incremental ?? []) codeErrors(entry.errors);
            return part;
          }),
        );
        return;
      }
      for (const single of Array.isArray(result) ? result : [result]) {
        if ('errors' in single) codeErrors(single.errors);
      }
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status < 400 || response.headers.has('content-type') || request.method === 'HEAD') return;
      const code = CODES[response.status] ?? (response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-type', 'application/json; charset=utf-8');
      const body = JSON.stringify({ errors: [{ message: explanation(response.status, request, graphqlEndpoint), extensions: { code } }] });
      setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
    },
  };
}

/**
 * Answers a request Node's HTTP parser refused (a URL or headers too long,
 * broken framing) with a GraphQL error, where Node would send a bare status.
 * For `server.on('clientError', …)`.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'Request header fields too large: send a long query by POST, not in the URL of a GET']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'Request timeout: the request was not received in time']
        : [400, 'BAD_REQUEST', 'Bad request: not a well-formed HTTP request'];
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
