/**
 * The entities other subgraphs of a supergraph can reference or extend, with
 * their keys. Every key carries all the SIDs needed to fetch the entity, and
 * `_entities` resolves through the same per-request loaders as the rest of
 * the graph, so many representations batch like any other query.
 */
import { builder } from './builder.ts';
import { nodeKey } from './shared/global-id.ts';
import { ChatService } from './chat/service.ts';
import { ChatChannel } from './chat/channel.ts';
import { ChatUser, userByIdentity } from './chat/user.ts';
import { ProxyService } from './proxy/service.ts';
import { ProxySession } from './proxy/session.ts';
import { ProxyParticipant } from './proxy/participant.ts';
import { EventSink } from './events/sink.ts';
import { EventSubscription } from './events/subscription.ts';

builder.asEntity(ChatService, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx) => ChatService.getDataloader(ctx).load(nodeKey(sid)),
});

builder.asEntity(ChatChannel, {
  key: builder.selection<{ serviceSid: string; sid: string }>('serviceSid sid'),
  resolveReference: ({ serviceSid, sid }, ctx) => ChatChannel.getDataloader(ctx).load(nodeKey(serviceSid, sid)),
});

builder.asEntity(ChatUser, {
  key: [builder.selection<{ serviceSid: string; sid: string }>('serviceSid sid'), builder.selection<{ serviceSid: string; identity: string }>('serviceSid identity')],
  // Users referenced in bulk are read from their service's user list, as member and author links are.
  resolveReference: (ref, ctx) => userByIdentity(ctx, ref.serviceSid, 'sid' in ref ? ref.sid : ref.identity),
});

builder.asEntity(ProxyService, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx) => ProxyService.getDataloader(ctx).load(nodeKey(sid)),
});

builder.asEntity(ProxySession, {
  key: builder.selection<{ serviceSid: string; sid: string }>('serviceSid sid'),
  resolveReference: ({ serviceSid, sid }, ctx) => ProxySession.getDataloader(ctx).load(nodeKey(serviceSid, sid)),
});

builder.asEntity(ProxyParticipant, {
  key: builder.selection<{ serviceSid: string; sessionSid: string; sid: string }>('serviceSid sessionSid sid'),
  resolveReference: ({ serviceSid, sessionSid, sid }, ctx) => ProxyParticipant.getDataloader(ctx).load(nodeKey(serviceSid, sessionSid, sid)),
});

builder.asEntity(EventSink, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx) => EventSink.getDataloader(ctx).load(nodeKey(sid)),
});

builder.asEntity(EventSubscription, {
  key: builder.selection<{ sid: string }>('sid'),
  resolveReference: ({ sid }, ctx) => EventSubscription.getDataloader(ctx).load(nodeKey(sid)),
});
