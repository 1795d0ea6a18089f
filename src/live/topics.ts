/**
 * Topic names. Every topic starts with the account SID the event belongs to,
 * so a subscriber, whose topic is built from its own credentials' account,
 * can only ever receive its own account's events.
 */
import type { LiveEvent } from './events.ts';

/** Keeps the gateway's Redis channels and keys apart from anything else on the same server. */
export const REDIS_PREFIX = 'twilio-gateway:';

export function chatChannelTopic(accountSid: string, serviceSid: string, channelSid: string): string {
  return `chat:${accountSid}:${serviceSid}:${channelSid}`;
}

export function chatServiceTopic(accountSid: string, serviceSid: string): string {
  return `chat:${accountSid}:${serviceSid}`;
}

export function eventStreamTopic(accountSid: string): string {
  return `events:${accountSid}`;
}

/** The topics an event is published to: a Chat channel's event to its channel's and its service's. */
export function topicsOf(event: LiveEvent): string[] {
  if (event.product === 'events') return [eventStreamTopic(event.accountSid)];
  const service = chatServiceTopic(event.accountSid, event.serviceSid);
  return event.channelSid ? [chatChannelTopic(event.accountSid, event.serviceSid, event.channelSid), service] : [service];
}
