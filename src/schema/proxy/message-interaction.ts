/** ProxyMessageInteraction: a message sent to one participant of a session through the API, from its proxy identifier. */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxyMessageInteractionRecord } from '../../twilio/proxy.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { parseJsonText } from '../shared/json.ts';
import { ProxyService, serviceOf } from './service.ts';
import { parentServiceSid, parentSessionSid } from './shared.ts';
import { ProxySession, sessionOf } from './session.ts';
import { ProxyParticipant, participantKeys, participantOf } from './participant.ts';
import { ProxyInteraction, ProxyInteractionResourceStatus, ProxyInteractionType } from './interaction.ts';

export const ProxyMessageInteraction = builder.loadableNodeRef<ProxyMessageInteractionRecord>(
  'ProxyMessageInteraction',
  fetchedNode(
    'ProxyMessageInteraction',
    (m) => [m.service_sid!, m.session_sid!, m.participant_sid!, m.sid!],
    (ctx, [service, session, participant, sid]) =>
      proxy.fetchMessageInteraction(ctx.twilio, { path: { ServiceSid: service!, SessionSid: session!, ParticipantSid: participant!, Sid: sid! } }),
  ),
);

export const ProxyMessageInteractionConnection = builder.connectionObject(
  { type: ProxyMessageInteraction, name: 'ProxyMessageInteractionConnection', description: 'A page of message interactions.' },
  { description: 'A message interaction with its cursor.' },
);

ProxyMessageInteraction.implement({
  description:
    'A message sent to a participant through the API, from its proxy identifier, so that it seems to come from its partner. It is also an Interaction of the session, under the same SID.',
  fields: (t) => ({
    sid: t.string({
      nullable: false,
      description: 'The unique string that Twilio created to identify the MessageInteraction resource (`KI…`).',
      resolve: (m) => m.sid!,
    }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the MessageInteraction resource.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the parent Service.', resolve: (m) => m.service_sid! }),
    service: t.field({ type: ProxyService, description: 'The parent Service.', resolve: (m, _, ctx, info) => serviceOf(ctx, info, m.service_sid) }),
    sessionSid: t.string({ nullable: false, description: 'The SID of the parent Session.', resolve: (m) => m.session_sid! }),
    session: t.field({
      type: ProxySession,
      description: 'The parent Session.',
      resolve: (m, _, ctx, info) => sessionOf(ctx, info, m.service_sid, m.session_sid),
    }),
    participantSid: t.string({ nullable: false, description: 'The SID of the Participant the message was sent to.', resolve: (m) => m.participant_sid! }),
    participant: t.field({
      type: ProxyParticipant,
      description: 'The Participant the message was sent to.',
      // The message interaction lives under this participant, so it exists.
      resolve: (m, _, ctx, info) => participantOf(ctx, info, m.service_sid, m.session_sid, m.participant_sid, true),
    }),
    interaction: t.field({
      type: ProxyInteraction,
      description: 'The same message as an Interaction of the session.',
      resolve: (m, _, ctx) =>
        m.service_sid && m.session_sid && m.sid ? ProxyInteraction.getDataloader(ctx).load(nodeKey(m.service_sid, m.session_sid, m.sid)) : null,
    }),
    type: t.field({ type: ProxyInteractionType, description: 'The Type of Message Interaction: always `MESSAGE`.', resolve: (m) => m.type }),
    data: t.field({ type: 'JSON', description: 'The message body sent to the participant (`{"body": "hello"}`).', resolve: (m) => parseJsonText(m.data) }),
    inboundParticipantSid: t.exposeString('inbound_participant_sid', { description: 'Always empty for created Message Interactions.' }),
    inboundParticipant: t.field({
      type: ProxyParticipant,
      description: 'The inbound Participant: always null for created Message Interactions.',
      resolve: (m, _, ctx, info) => participantOf(ctx, info, m.service_sid, m.session_sid, m.inbound_participant_sid),
    }),
    inboundResourceSid: t.exposeString('inbound_resource_sid', { description: 'Always empty for created Message Interactions.' }),
    inboundResourceStatus: t.field({
      type: ProxyInteractionResourceStatus,
      description: 'Always empty for created Message Interactions.',
      resolve: (m) => m.inbound_resource_status,
    }),
    inboundResourceType: t.exposeString('inbound_resource_type', { description: 'Always empty for created Message Interactions.' }),
    inboundResourceUrl: t.field({ type: 'URL', description: 'Always empty for created Message Interactions.', resolve: (m) => m.inbound_resource_url }),
    outboundParticipantSid: t.exposeString('outbound_participant_sid', { description: 'The SID of the outbound Participant.' }),
    outboundParticipant: t.field({
      type: ProxyParticipant,
      description: 'The outbound Participant: the one the message was sent to.',
      resolve: (m, _, ctx, info) => participantOf(ctx, info, m.service_sid, m.session_sid, m.outbound_participant_sid),
    }),
    outboundResourceSid: t.exposeString('outbound_resource_sid', { description: 'The SID of the outbound Message resource.' }),
    outboundResourceStatus: t.field({
      type: ProxyInteractionResourceStatus,
      description: 'The outbound message resource status.',
      resolve: (m) => m.outbound_resource_status,
    }),
    outboundResourceType: t.exposeString('outbound_resource_type', { description: 'The outbound resource type: always `Message`.' }),
    outboundResourceUrl: t.field({ type: 'URL', description: 'The URL of the Twilio message resource.', resolve: (m) => m.outbound_resource_url }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (m) => m.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (m) => m.date_updated }),
    url: t.field({ type: 'URL', description: 'The absolute URL of the MessageInteraction resource.', resolve: (m) => m.url }),
  }),
});

builder.objectFields(ProxyParticipant, (t) => {
  const k = childFields(participantKeys, t);
  return {
    messageInteractions: k.connection({
      type: ProxyMessageInteractionConnection,
      description: 'The messages sent to the participant through the API.',
      operation: proxy.proxyOperations.ListMessageInteraction,
      request: (p) => ({ path: { ServiceSid: p.service, SessionSid: p.session, ParticipantSid: p.participant } }),
    }),
    messageInteraction: k.bySid({
      type: ProxyMessageInteraction,
      description: 'One message sent to the participant, by SID; null when there is none.',
      sid: 'KI',
      sidDescription: 'The SID of the message interaction (`KI…`).',
    }),
  };
});

// ---- mutations ----

twilioMutation('createProxyMessageInteraction', {
  operation: proxy.proxyOperations.CreateMessageInteraction,
  description: 'Sends a message to a participant of a session, from its proxy identifier.',
  input: {
    description: 'A message to send to a participant from its proxy identifier. A first message takes an open session in progress.',
    fields: (p) => ({
      serviceSid: parentServiceSid,
      sessionSid: parentSessionSid,
      participantSid: p.path('ParticipantSid', { sid: 'KP', description: 'The SID of the Participant to send the message to (`KP…`).' }),
      body: p.body('Body', 'String', 'The message to send to the participant.'),
      // The list type is given: inferred inside `fields`, it would not give `send` its value's type.
      mediaUrl: p.body<['URL']>('MediaUrl', ['URL'], 'Reserved by Twilio: not currently supported.', { send: (urls) => urls.map(String) }),
    }),
  },
  result: { field: 'proxyMessageInteraction', type: ProxyMessageInteraction },
});
