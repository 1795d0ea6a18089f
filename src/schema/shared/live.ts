/** How subscription fields listen: through the context's pub/sub, with its failures given a code. */
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { LiveStream } from '../../live/bus.ts';
import type { LiveEvent } from '../../live/events.ts';

function unavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'LIVE_EVENTS_UNAVAILABLE' } });
}

/** Throws before any REST call when the gateway serves no live events. */
export function assertLive(ctx: GatewayContext): void {
  if (!ctx.live) throw unavailable('This gateway serves no live events');
}

/**
 * Refuses a subscription whose account is only claimed (an API key with X-Twilio-Account-Sid)
 * unless `owner`, the account of a record Twilio answered these credentials with, is that account:
 * the topic it listens on is that account's, and a key of one account must not listen on another's.
 */
export function assertOwnAccount(ctx: GatewayContext, owner: string | null | undefined): void {
  if (!ctx.twilio.accountClaimed || owner === ctx.twilio.accountSid) return;
  throw new GraphQLError(
    "X-Twilio-Account-Sid is not shown to be this API key's account: Twilio's answer names another account, or none. Name the key's own account, or subscribe with the account's auth token",
    { extensions: { code: 'FORBIDDEN' } },
  );
}

/** Listens on `topic` for the events `keep` accepts; LIVE_EVENTS_UNAVAILABLE when the pub/sub cannot (Redis unreachable). */
export async function listen(ctx: GatewayContext, topic: string, keep: (event: LiveEvent) => boolean): Promise<LiveStream> {
  assertLive(ctx);
  try {
    return await ctx.live!.subscribe(topic, keep);
  } catch {
    throw unavailable('Live events are unavailable right now (their pub/sub cannot be reached): subscribe again later');
  }
}
