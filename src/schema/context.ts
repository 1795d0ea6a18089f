/**
 * What the schema's resolvers are given with each request: the server
 * (`src/context.ts`) builds a value of this type, and nothing in the schema
 * knows how.
 */
import type { YogaInitialContext } from 'graphql-yoga';
import type { RequestTwilioClient } from '../twilio/request-client.ts';
import type { LiveBus } from '../live/bus.ts';
import type { CursorSigner } from './shared/cursor.ts';

/** What the context factory adds to Yoga's own context for each request. */
export interface RequestContext {
  /**
   * REST client for this request's credentials. Its `cache` is the request's one read cache: REST reads,
   * the named loaders that are no single type's (users by identity), memoised list pages, and the scope
   * of every type's loader; every write the client sends clears all of it.
   */
  twilio: RequestTwilioClient;
  /** Signs and checks connection cursors with the gateway's key. */
  cursors: CursorSigner;
  /** Where subscription fields subscribe to live events; null when the gateway serves none. */
  live: LiveBus | null;
}

/** The context every resolver sees. */
export type GatewayContext = YogaInitialContext & RequestContext;
