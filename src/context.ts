/**
 * The per-request context, composed of its parts: whose Twilio credentials
 * this request uses (credentials.ts), a REST client bound to them with the
 * request's read cache (twilio/request-client.ts), and what else the schema
 * needs (schema/context.ts). Nothing in it outlives the request, so no cached
 * object can cross from one caller to another.
 */
import { contextCacheSymbol } from '@pothos/core';
import type { YogaInitialContext } from 'graphql-yoga';
import type { TwilioCredentials, TwilioTransport } from './twilio/client.ts';
import { RequestTwilioClient } from './twilio/request-client.ts';
import type { RequestCache } from './twilio/request-cache.ts';
import { requestCredentials } from './credentials.ts';
import type { GatewayContext, RequestContext } from './schema/context.ts';
import { CursorSigner } from './schema/shared/cursor.ts';
import type { LiveBus } from './live/bus.ts';
import { ResourceTags } from './cache/tags.ts';

/**
 * Builds the context factory Yoga calls once per request; `signalOf` gives
 * the request's lifetime signal, which all its REST calls carry, and
 * `scopeOf` what the REST observer is told of the request (its trace context).
 */
export function contextFactory(
  transport: TwilioTransport,
  fallback: TwilioCredentials | null,
  maxRestCalls = 1000,
  cursors = new CursorSigner(),
  signalOf: (request: Request) => AbortSignal | undefined = () => undefined,
  live: LiveBus | null = null,
  trackResources = false,
  scopeOf: (request: Request) => unknown = () => undefined,
) {
  return (initial: YogaInitialContext): RequestContext => {
    const { request } = initial;
    const credentials = requestCredentials(request, fallback);
    const claimed = credentials !== fallback && 'apiKey' in credentials;
    const twilio = new RequestTwilioClient(transport, credentials, {
      maxCalls: maxRestCalls,
      signal: signalOf(request),
      resources: trackResources ? new ResourceTags() : undefined,
      scope: scopeOf(request),
      accountClaimed: claimed,
    });
    // On the object Yoga extends with what is returned here, which is the one resolvers are given.
    followCache(initial, twilio.cache);
    return { twilio, cursors, live };
  };
}

/**
 * The context one event of a subscription runs with: the subscription's
 * credentials, with fresh loaders, nothing read yet and its own REST budget,
 * its calls stopping with `signal`. Nothing cached for one event can be stale
 * for the next.
 */
export function contextForEvent<C extends GatewayContext>(ctx: C, signal: AbortSignal): C {
  const twilio = ctx.twilio.fork(signal);
  const event = { ...ctx, twilio };
  followCache(event, twilio.cache);
  return event;
}

/**
 * Pothos keeps every type's loaders under `context[contextCacheSymbol]`, read
 * each time one is wanted: made to read the cache's scope, which a write
 * replaces, so a write drops them with everything else the request read.
 */
function followCache(context: object, cache: RequestCache): void {
  Object.defineProperty(context, contextCacheSymbol, { get: () => cache.scope, configurable: true, enumerable: false });
}
