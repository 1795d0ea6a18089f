/**
 * The per-request context: whose Twilio credentials this request uses, a REST
 * client bound to them, and fresh loaders. Nothing in it outlives the request,
 * so no cached object can cross from one caller to another.
 */
import { contextCacheSymbol, initContextCache } from '@pothos/core';
import { GraphQLError } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { TwilioClient, type CallOptions, type RawRequest, type TwilioCredentials, type TwilioTransport } from './twilio/client.ts';
import { Lookups } from './schema/shared/lookups.ts';
import { CursorSigner } from './schema/shared/cursor.ts';

/** What the context factory adds to Yoga's own context for each request. */
export interface RequestContext {
  /** REST client for this request's credentials. */
  twilio: RequestTwilioClient;
  /** Batched lookups that are no single type's loader (users by identity, members by identity). */
  lookups: Lookups;
  /** Signs and checks connection cursors with the gateway's key. */
  cursors: CursorSigner;
}

/** The context every resolver sees. */
export type GatewayContext = YogaInitialContext & RequestContext;

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * Credentials a request carries in `Authorization: Basic …`: an account SID and
 * auth token, or an API key SID and secret with `X-Twilio-Account-Sid` naming
 * the account the key belongs to. Without the header, the gateway's own
 * credentials are used.
 */
export function requestCredentials(request: Request, fallback: TwilioCredentials | null): TwilioCredentials {
  const header = request.headers.get('authorization');
  if (!header) {
    if (fallback) return fallback;
    throw unauthenticated('No Twilio credentials: send Authorization: Basic with an account SID and auth token, or configure the gateway with TWILIO_ACCOUNT_SID');
  }
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString() : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw unauthenticated('Authorization must be Basic base64(<account SID or API key SID>:<auth token or secret>)');
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (!secret) throw unauthenticated('Authorization: the auth token or secret is empty');
  if (ACCOUNT_SID.test(user)) return { accountSid: user, authToken: secret };
  if (API_KEY_SID.test(user)) {
    const account = request.headers.get('x-twilio-account-sid');
    if (!account) throw unauthenticated('X-Twilio-Account-Sid is required with an API key: the SID of the account the key belongs to');
    if (!ACCOUNT_SID.test(account)) throw unauthenticated('X-Twilio-Account-Sid must be AC followed by 32 hexadecimal digits');
    return { accountSid: account, apiKey: user, apiSecret: secret };
  }
  throw unauthenticated('Authorization: the user name must be an account SID (AC…) or an API key SID (SK…)');
}

/**
 * The REST client of one GraphQL request. The same read (same path and query)
 * is sent once however many fields want it; a write forgets earlier reads, as
 * they may be stale; and a budget stops a query that would make too many calls.
 */
export class RequestTwilioClient extends TwilioClient {
  readonly #reads = new Map<string, Promise<unknown>>();
  #calls = 0;

  constructor(
    transport: TwilioTransport,
    credentials: TwilioCredentials,
    private readonly maxCalls: number,
  ) {
    super(transport, credentials);
  }

  /** REST calls this request has sent so far. */
  get restCalls(): number {
    return Math.min(this.#calls, this.maxCalls);
  }

  override send(request: RawRequest, options?: CallOptions): Promise<unknown> {
    if (request.method !== 'GET') {
      this.#reads.clear();
      return this.#counted(() => super.send(request, options));
    }
    const key = `${request.product} ${request.path}`;
    let read = this.#reads.get(key);
    if (!read) {
      read = this.#counted(() => super.send(request, options));
      this.#reads.set(key, read);
    }
    return read;
  }

  #counted(send: () => Promise<unknown>): Promise<unknown> {
    if (++this.#calls > this.maxCalls) {
      return Promise.reject(
        new GraphQLError(`This request needs more than ${this.maxCalls} REST calls to Twilio: ask for fewer items, or split the query`, {
          extensions: { code: 'QUERY_TOO_EXPENSIVE', limit: this.maxCalls },
        }),
      );
    }
    return send();
  }
}

/** Builds the context factory Yoga calls once per request. */
export function contextFactory(transport: TwilioTransport, fallback: TwilioCredentials | null, maxRestCalls = 1000, cursors = new CursorSigner()) {
  return ({ request }: YogaInitialContext): RequestContext => {
    const twilio = new RequestTwilioClient(transport, requestCredentials(request, fallback), maxRestCalls);
    return { ...initContextCache(), twilio, lookups: new Lookups(), cursors };
  };
}

/**
 * Forgets everything the request has read: every type's loader (Pothos keeps
 * them under the context cache key) and the batched lookups. Called after a
 * write, which may have changed any of it.
 */
export function forgetReads(ctx: GatewayContext): void {
  (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = {};
  ctx.lookups.reset();
}
