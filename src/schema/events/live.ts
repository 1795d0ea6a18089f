/**
 * Event Streams' live events: the CloudEvents a webhook sink delivers to the
 * gateway (see `src/live/`), streamed to subscribers of the account they
 * belong to.
 */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as events from '../../twilio/events.ts';
import type { GatewayContext } from '../context.ts';
import type { LiveEvent, StreamLiveEvent } from '../../live/events.ts';
import { eventStreamTopic } from '../../live/topics.ts';
import { EventType, eventTypeOf } from './event-type.ts';
import { checkEventType } from './shared.ts';
import { assertLive, assertOwnAccount, listen } from '../shared/live.ts';

export const EventStreamEvent = builder.objectRef<StreamLiveEvent>('EventStreamEvent');

EventStreamEvent.implement({
  description: "One event Event Streams delivered to the gateway's webhook sink: a CloudEvent (https://cloudevents.io), with its data as JSON.",
  fields: (t) => ({
    id: t.string({ nullable: false, description: "The event's unique ID; Twilio's retries of one event share it.", resolve: (e) => e.event.id }),
    type: t.string({ nullable: false, description: 'The event type (`com.twilio.messaging.message.sent`).', resolve: (e) => e.event.type }),
    eventType: t.field({
      type: EventType,
      extensions: listedPer('account'),
      description: 'The event type from the catalogue, with its description and schema; null for a type the catalogue does not list.',
      resolve: (e, _, ctx) => eventTypeOf(ctx, e.event.type),
    }),
    accountSid: t.string({ nullable: false, description: 'The SID of the account the event belongs to.', resolve: (e) => e.accountSid }),
    source: t.string({ description: 'What the event is about, as a path (`/2010-04-01/Accounts/AC…/Messages/SM….json`).', resolve: (e) => e.event.source }),
    subject: t.string({ description: 'The CloudEvent subject, when there is one.', resolve: (e) => e.event.subject }),
    specversion: t.string({ description: 'The CloudEvents version of the event (`1.0`).', resolve: (e) => e.event.specversion }),
    time: t.field({
      type: 'DateTime',
      description: 'When the event happened.',
      resolve: (e) => (e.event.time && !Number.isNaN(Date.parse(e.event.time)) ? e.event.time : null),
    }),
    dataschema: t.string({ description: 'The URL of the JSON schema of `data`.', resolve: (e) => e.event.dataschema }),
    datacontenttype: t.string({ description: 'The media type of `data` (`application/json`).', resolve: (e) => e.event.datacontenttype }),
    data: t.field({ type: 'JSON', description: "The event's data, as Twilio sent it.", resolve: (e) => e.event.data }),
  }),
});

/** An event type a subscriber asks for: a type (`com.twilio.messaging.message.sent`), or a prefix ending in `.*`. */
function typeFilter(types: readonly string[] | null | undefined): (type: string) => boolean {
  if (!types?.length) return () => true;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  types.forEach((type, i) => {
    if (type.endsWith('.*')) prefixes.push(checkEventType(`types[${i}]`, type).slice(0, -1));
    else exact.add(checkEventType(`types[${i}]`, type));
  });
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix));
}

builder.subscriptionFields((t) => ({
  eventStreamEvents: t.field({
    type: EventStreamEvent,
    nullable: false,
    description:
      'Each Event Streams event delivered from now on for the account of the credentials, by a webhook sink pointed at the gateway. The credentials are checked (one read of the sinks) before the first event, and again every few minutes while it is open: it ends with the error once Twilio refuses them.',
    args: {
      types: t.arg.stringList({
        description: 'Only events of these types; a type ending in `.*` stands for every type under it (`com.twilio.messaging.*`). Every type when omitted.',
      }),
    },
    subscribe: async (_, args, ctx: GatewayContext) => {
      assertLive(ctx);
      const accepts = typeFilter(args.types);
      if (ctx.twilio.accountClaimed) {
        // An API key's account is shown by its Event Streams subscriptions (an account sent events has one): sinks name no account.
        const page = await events.listSubscriptions(ctx.twilio, { query: { PageSize: 1 } });
        assertOwnAccount(ctx, page.items[0]?.account_sid);
      } else {
        // UNAUTHENTICATED for credentials Twilio refuses; nothing else is named, so one page of one sink is enough.
        await events.listSinks(ctx.twilio, { query: { PageSize: 1 } });
      }
      const account = ctx.twilio.accountSid;
      const keep = (event: LiveEvent) => event.product === 'events' && event.accountSid === account && accepts(event.event.type);
      return listen(ctx, eventStreamTopic(account), keep);
    },
    resolve: (event) => event as StreamLiveEvent,
  }),
}));
