/**
 * GraphQL over WebSocket (the graphql-ws protocol, `graphql-transport-ws`),
 * on the gateway's own port and path (`/graphql`), beside SSE. Every operation
 * runs through the gateway's Yoga plugins (document limits, cost, error
 * masking, subscription limits), as over HTTP, and with the lifetime of an
 * HTTP request (deadline, cancelled when its socket closes and at shutdown).
 *
 * Credentials come in `connection_init`'s payload, as the HTTP headers would
 * carry them (`{ "authorization": "Basic …", "x-twilio-account-sid": "AC…" }`),
 * else from the upgrade request's headers, else they are the gateway's own.
 * A connection that does not initialise in time is closed (4408), as is one
 * whose credentials are malformed (4403); a peer that stops answering pings is
 * dropped. A browser page may connect only from an allowed origin, since the
 * gateway may act with its own credentials.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, getOperationAST, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Gateway } from './gateway.ts';
import { requestCredentials } from './credentials.ts';
import type { TwilioCredentials, TwilioTransport } from './twilio/client.ts';
import { assertQuerySize, type DocumentLimits } from './limits/document.ts';
import { fallbackCode } from './limits/error-codes.ts';

export interface GraphqlWsOptions {
  gateway: Gateway;
  transport: TwilioTransport;
  /** The gateway's own credentials, used by a connection that brings none. */
  credentials: TwilioCredentials | null;
  /** Browser origins allowed besides the gateway's own (`CORS_ORIGINS`). */
  corsOrigins?: readonly string[];
  limits: Pick<DocumentLimits, 'maxQueryBytes' | 'maxRequestBodyBytes'>;
  /** Time a new connection has to send `connection_init` (`WS_CONNECTION_INIT_TIMEOUT_MS`). */
  connectionInitTimeoutMs: number;
  /** Interval of keep-alive pings; a peer that misses one is dropped (`WS_KEEPALIVE_MS`). */
  keepAliveMs: number;
  path?: string;
}

export interface GraphqlWsServer {
  /** WebSocket connections open now. */
  readonly connections: number;
  /** Closes every connection (1001, going away) and takes no more. */
  close(): Promise<void>;
}

/**
 * Operations one connection may run at once (a subscription counts until it listens). One socket carries as
 * many as its client sends, a few bytes each, where each held costs the gateway a request's memory: unbounded,
 * one client could queue work until the process runs out. As HTTP/2's usual 100 concurrent streams, and
 * Twilio's 100 calls in flight per account: more waiting behind one connection would gain nothing.
 */
export const MAX_RUNNING_OPERATIONS = 100;

/** Headers a connection's operations run with, as an HTTP request would carry them. */
const CREDENTIAL_HEADERS = ['authorization', 'x-twilio-account-sid'] as const;

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A same-origin page, an allowed origin, or no browser at all (no Origin header). */
function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** The result as the client sees it: every error with a code, nothing internal (`extensions.http`). */
function forClient(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    const json = error.toJSON();
    const { http: _, ...extensions } = (json.extensions ?? {}) as Record<string, unknown>;
    return { ...json, extensions: { ...extensions, code: extensions.code ?? fallbackCode(error) } };
  });
}

export function serveGraphqlWs(server: Server, options: GraphqlWsOptions): GraphqlWsServer {
  const path = options.path ?? '/graphql';
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.limits.maxRequestBodyBytes });
  const headersOf = new WeakMap<object, Headers>();
  const runners = new WeakMap<object, { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown }>();
  const requestFor = (headers: Headers, signal?: AbortSignal) => new Request(`http://gateway${path}`, { headers, signal });
  /** Per connection, the operations still running: each one's request, whose signal ends when the socket closes. */
  const running = new WeakMap<object, Map<string, { request: Request; client: AbortController }>>();
  const runningOn = (extra: object) => running.get(extra) ?? running.set(extra, new Map()).get(extra)!;
  /** An operation's REST calls are done: a query answered, a subscription listening (its events have lifetimes of their own). */
  const done = (extra: object, id: string) => {
    const operation = running.get(extra)?.get(id);
    if (!operation) return;
    running.get(extra)!.delete(id);
    options.gateway.requests.end(operation.request);
  };

  const ws = useServer(
    {
      isProd: true,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      execute: (args) => runners.get(args.contextValue as object)!.execute(args) as never,
      subscribe: (args) => runners.get(args.contextValue as object)!.subscribe(args) as never,
      onConnect(ctx) {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const headers = new Headers();
        for (const name of CREDENTIAL_HEADERS) {
          const given = Object.entries(params).find(([key]) => key.toLowerCase() === name)?.[1];
          const value = typeof given === 'string' ? given : ctx.extra.request.headers[name];
          if (typeof value === 'string') headers.set(name, value);
        }
        try {
          const credentials = requestCredentials(requestFor(headers), options.credentials);
          if (options.transport.refusesUnverified(credentials)) return false;
        } catch {
          return false;
        }
        headersOf.set(ctx.extra, headers);
        return true;
      },
      async onSubscribe(ctx, id, payload) {
        try {
          assertQuerySize(payload.query, options.limits);
          if (runningOn(ctx.extra).size >= MAX_RUNNING_OPERATIONS) {
            return [
              new GraphQLError(
                `This connection runs ${MAX_RUNNING_OPERATIONS} operations already, the most one connection may run at once: send this one when one of them has answered`,
                {
                  extensions: { code: 'TOO_MANY_OPERATIONS', limit: MAX_RUNNING_OPERATIONS },
                },
              ),
            ];
          }
          // As an HTTP request has: a lifetime whose signal every REST call of the operation carries, ended by the
          // request deadline, by the socket closing (its client gone) and at shutdown.
          const client = new AbortController();
          const request = requestFor(headersOf.get(ctx.extra) ?? new Headers(), client.signal);
          options.gateway.requests.start(request);
          runningOn(ctx.extra).set(id, { request, client });
          const enveloped = options.gateway.getEnveloped({ request, params: payload } as never);
          const document = enveloped.parse(payload.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length) {
            done(ctx.extra, id);
            return errors;
          }
          const contextValue = (await enveloped.contextFactory()) as object;
          runners.set(contextValue, { execute: enveloped.execute, subscribe: enveloped.subscribe });
          return { schema: enveloped.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
        } catch (error) {
          done(ctx.extra, id);
          // A refusal (a limit, bad syntax) answers this operation; the connection stays open.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      onOperation: (ctx, id, _payload, args, result) => {
        // An answer in parts (@defer, @stream) keeps its lifetime, deadline and slot until its last part (onComplete).
        const inParts = Symbol.asyncIterator in result && getOperationAST(args.document, args.operationName)?.operation !== 'subscription';
        if (!inParts) done(ctx.extra, id);
      },
      onComplete: (ctx, id) => done(ctx.extra, id),
      onClose(ctx) {
        const operations = running.get(ctx.extra);
        running.delete(ctx.extra);
        for (const { request, client } of operations?.values() ?? []) {
          client.abort();
          options.gateway.requests.end(request);
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        const { errors } = result as ExecutionResult;
        return errors?.length ? ({ ...result, errors: forClient(errors) } as never) : undefined;
      },
      onError: (_ctx, _id, _payload, errors) => forClient(errors),
    },
    wss,
    options.keepAliveMs,
  );

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (request.url ?? '/').split('?')[0];
    if (pathname !== path) return refuseUpgrade(socket, 404, 'Not Found');
    if (!originAllowed(request, options.corsOrigins ?? [])) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  };
  server.on('upgrade', onUpgrade);

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      await ws.dispose();
    },
  };
}
