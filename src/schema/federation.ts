/**
 * The entities other subgraphs of a supergraph can reference or extend, with
 * their keys. Every key carries all the SIDs needed to fetch the entity, and
 * `_entities` resolves through the same per-request loaders as the rest of
 * the graph, so many representations batch like any other query. An entity
 * asked only for what lies under it is not fetched (see shared/keys.ts).
 */
import { builder } from './builder.ts';
import { nodeKey } from './shared/global-id.ts';
import { ChatService, serviceKeys as chatServiceKeys } from './chat/service.ts';
import { ChatChannel, channelKeys } from './chat/channel.ts';
import { ChatUser, userReference } from './chat/user.ts';
import { ProxyService, serviceKeys as proxyServiceKeys } from './proxy/service.ts';
import { ProxySession, sessionKeys } from './proxy/session.ts';
import { ProxyParticipant, participantKeys } from './proxy/participant.ts';
import { EventSink } from './events/sink.ts';
import { EventSubscription, subscriptionKeys } from './events/subscription.ts';

builder.asEntity(ChatService, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx, info) => chatServiceKeys.reference(ctx, info, nodeKey(sid)),
});

builder.asEntity(ChatChannel, {
  key: builder.selection<{ serviceSid: string; sid: string }>('serviceSid sid'),
  resolveReference: ({ serviceSid, sid }, ctx, info) => channelKeys.reference(ctx, info, nodeKey(serviceSid, sid)),
});

builder.asEntity(ChatUser, {
  key: [
    builder.selection<{ serviceSid: string; sid: string }>('serviceSid sid'),
    builder.selection<{ serviceSid: string; identity: string }>('serviceSid identity'),
  ],
  // Users referenced in bulk are read from their service's user list, as member and author links are.
  resolveReference: (ref, ctx, info) => userReference(ctx, info, ref.serviceSid, 'sid' in ref ? ref.sid : ref.identity),
});

builder.asEntity(ProxyService, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx, info) => proxyServiceKeys.reference(ctx, info, nodeKey(sid)),
});

builder.asEntity(ProxySession, {
  key: builder.selection<{ serviceSid: string; sid: string }>('serviceSid sid'),
  resolveReference: ({ serviceSid, sid }, ctx, info) => sessionKeys.reference(ctx, info, nodeKey(serviceSid, sid)),
});

builder.asEntity(ProxyParticipant, {
  key: builder.selection<{ serviceSid: string; sessionSid: string; sid: string }>('serviceSid sessionSid sid'),
  resolveReference: ({ serviceSid, sessionSid, sid }, ctx, info) => participantKeys.reference(ctx, info, nodeKey(serviceSid, sessionSid, sid)),
});

builder.asEntity(EventSink, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx) => EventSink.getDataloader(ctx).load(nodeKey(sid)),
});

builder.asEntity(EventSubscription, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx, info) => subscriptionKeys.reference(ctx, info, nodeKey(sid)),
});
