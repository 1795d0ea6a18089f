/** ProxyInteraction: one message or call of a session, relayed from one participant to the other. */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxyInteractionRecord } from '../../twilio/proxy.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { parseJsonText } from '../shared/json.ts';
import { ProxyService, serviceOf } from './service.ts';
import { parentServiceSid, parentSessionSid } from './shared.ts';
import { ProxySession, sessionKeys, sessionOf } from './session.ts';
import { ProxyParticipant, participantOf } from './participant.ts';

export const ProxyInteractionType = builder.enumType('ProxyInteractionType', {
  description: 'The kind of an Interaction.',
  values: {
    MESSAGE: { value: 'message', description: 'A message.' },
    VOICE: { value: 'voice', description: 'A call.' },
    UNKNOWN: { value: 'unknown', description: 'Twilio could not tell.' },
  } as const,
});

export const ProxyInteractionResourceStatus = builder.enumType('ProxyInteractionResourceStatus', {
  description:
    'The status of the Call or Message behind one leg of an Interaction. Messages go through `ACCEPTED`, `QUEUED`, `SENDING`, `SENT`, `DELIVERED` (or `UNDELIVERED`, `FAILED`) and `RECEIVING`, `RECEIVED`; calls through `INITIATED`, `RINGING`, `IN_PROGRESS`, `COMPLETED` (or `BUSY`, `NO_ANSWER`, `CANCELED`, `FAILED`).',
  values: {
    ACCEPTED: { value: 'accepted', description: 'A message accepted by Twilio.' },
    ANSWERED: { value: 'answered', description: 'A call answered.' },
    BUSY: { value: 'busy', description: 'A call that got a busy signal.' },
    CANCELED: { value: 'canceled', description: 'A call or message canceled before it went out.' },
    COMPLETED: { value: 'completed', description: 'A call that ended normally.' },
    DELETED: { value: 'deleted', description: 'A message deleted.' },
    DELIVERED: { value: 'delivered', description: 'A message delivered (always so for an inbound message).' },
    DELIVERY_UNKNOWN: { value: 'delivery-unknown', description: 'A message whose delivery the carrier did not confirm.' },
    FAILED: { value: 'failed', description: 'A call or message that could not be sent.' },
    IN_PROGRESS: { value: 'in-progress', description: 'A call under way (always so for an inbound call).' },
    INITIATED: { value: 'initiated', description: 'A call being placed.' },
    NO_ANSWER: { value: 'no-answer', description: 'A call not answered.' },
    PARTIALLY_DELIVERED: {
      value: 'partially-delivered',
      description: "A message only partly delivered (listed in the spec's field description, not its enum).",
    },
    QUEUED: { value: 'queued', description: 'A message or call waiting to go out.' },
    READ: { value: 'read', description: "A message read by its recipient (listed in the spec's field description, not its enum)." },
    RECEIVED: { value: 'received', description: 'A message received.' },
    RECEIVING: { value: 'receiving', description: 'A message being received.' },
    RINGING: { value: 'ringing', description: 'A call ringing.' },
    SCHEDULED: { value: 'scheduled', description: 'A message scheduled for later.' },
    SENDING: { value: 'sending', description: 'A message being sent.' },
    SENT: { value: 'sent', description: 'A message sent to the carrier.' },
    UNDELIVERED: { value: 'undelivered', description: 'A message the carrier could not deliver.' },
    UNKNOWN: { value: 'unknown', description: 'Twilio could not tell.' },
  } as const,
});

export const ProxyInteraction = builder.loadableNodeRef<ProxyInteractionRecord>(
  'ProxyInteraction',
  fetchedNode(
    'ProxyInteraction',
    (i) => [i.service_sid!, i.session_sid!, i.sid!],
    (ctx, [service, session, sid]) => proxy.fetchInteraction(ctx.twilio, { path: { ServiceSid: service!, SessionSid: session!, Sid: sid! } }),
  ),
);

export const ProxyInteractionConnection = builder.connectionObject(
  { type: ProxyInteraction, name: 'ProxyInteractionConnection', description: 'A page of interactions.' },
  { description: 'A interaction with its cursor.' },
);

ProxyInteraction.implement({
  description: 'An interaction of a session: a message or call from one participant (inbound, to its proxy identifier), relayed to the other (outbound).',
  fields: (t) => ({
    sid: t.string({
      nullable: false,
      description: 'The unique string that Twilio created to identify the Interaction resource (`KI…`).',
      resolve: (i) => i.sid!,
    }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the Interaction resource.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the parent Service.', resolve: (i) => i.service_sid! }),
    service: t.field({ type: ProxyService, description: 'The parent Service.', resolve: (i, _, ctx, info) => serviceOf(ctx, info, i.service_sid) }),
    sessionSid: t.string({ nullable: false, description: 'The SID of the parent Session.', resolve: (i) => i.session_sid! }),
    session: t.field({
      type: ProxySession,
      description: 'The parent Session.',
      resolve: (i, _, ctx, info) => sessionOf(ctx, info, i.service_sid, i.session_sid),
    }),
    type: t.field({ type: ProxyInteractionType, description: 'The Type of the Interaction.', resolve: (i) => i.type }),
    data: t.field({
      type: 'JSON',
      description: 'The message body of a message interaction (`{"body": "hello"}`) or the call duration, when available, of a call (`{"duration": "5"}`).',
      resolve: (i) => parseJsonText(i.data),
    }),
    inboundParticipantSid: t.exposeString('inbound_participant_sid', { description: 'The SID of the inbound Participant.' }),
    inboundParticipant: t.field({
      type: ProxyParticipant,
      description: 'The participant the call or message came from; null when there is none (a message sent through the API).',
      resolve: (i, _, ctx, info) => participantOf(ctx, info, i.service_sid, i.session_sid, i.inbound_participant_sid),
    }),
    inboundResourceSid: t.exposeString('inbound_resource_sid', { description: 'The SID of the inbound resource: the Call or Message.' }),
    inboundResourceStatus: t.field({
      type: ProxyInteractionResourceStatus,
      description: 'The inbound resource status of the Interaction: always `DELIVERED` for messages and `IN_PROGRESS` for calls.',
      resolve: (i) => i.inbound_resource_status,
    }),
    inboundResourceType: t.exposeString('inbound_resource_type', { description: 'The inbound resource type: `Call` or `Message`.' }),
    inboundResourceUrl: t.field({ type: 'URL', description: 'The URL of the Twilio inbound resource.', resolve: (i) => i.inbound_resource_url }),
    outboundParticipantSid: t.exposeString('outbound_participant_sid', { description: 'The SID of the outbound Participant.' }),
    outboundParticipant: t.field({
      type: ProxyParticipant,
      description: 'The participant the call or message was relayed to.',
      resolve: (i, _, ctx, info) => participantOf(ctx, info, i.service_sid, i.session_sid, i.outbound_participant_sid),
    }),
    outboundResourceSid: t.exposeString('outbound_resource_sid', { description: 'The SID of the outbound resource: the Call or Message.' }),
    outboundResourceStatus: t.field({
      type: ProxyInteractionResourceStatus,
      description: 'The outbound resource status of the Interaction.',
      resolve: (i) => i.outbound_resource_status,
    }),
    outboundResourceType: t.exposeString('outbound_resource_type', { description: 'The outbound resource type: `Call` or `Message`.' }),
    outboundResourceUrl: t.field({ type: 'URL', description: 'The URL of the Twilio outbound resource.', resolve: (i) => i.outbound_resource_url }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the Interaction was created.', resolve: (i) => i.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (i) => i.date_updated }),
    url: t.field({ type: 'URL', description: 'The absolute URL of the Interaction resource.', resolve: (i) => i.url }),
  }),
});

builder.objectFields(ProxySession, (t) => {
  const k = childFields(sessionKeys, t);
  return {
    interactions: k.connection({
      type: ProxyInteractionConnection,
      description: "The session's interactions: its messages and calls.",
      operation: proxy.proxyOperations.ListInteraction,
      request: (s) => ({ path: { ServiceSid: s.service, SessionSid: s.session } }),
    }),
    interaction: k.bySid({
      type: ProxyInteraction,
      description: 'One interaction of the session, by SID; null when there is none.',
      sid: 'KI',
      sidDescription: 'The SID of the interaction (`KI…`).',
    }),
  };
});

// ---- mutations ----

twilioMutation('deleteProxyInteraction', {
  operation: proxy.proxyOperations.DeleteInteraction,
  description: 'Deletes an interaction of a session.',
  input: {
    description: 'The interaction to delete.',
    fields: (p) => ({
      serviceSid: parentServiceSid,
      sessionSid: parentSessionSid,
      sid: p.path('Sid', { sid: 'KI', description: 'The SID of the interaction (`KI…`).' }),
    }),
  },
  result: { deletes: 'ProxyInteraction' },
});
