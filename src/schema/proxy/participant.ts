/** ProxyParticipant: one of the two parties of a session, with the proxy identifier it reaches the other through. */
import { builder } from '../builder.ts';
import { atMostItems, listedPer } from '../../limits/cost.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxyParticipantRecord } from '../../twilio/proxy.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { checkSid, isSid } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { parentServiceSid, parentSessionSid } from './shared.ts';
import { ProxyService, serviceKeys } from './service.ts';
import { ProxyPhoneNumber, phoneNumberOf } from './phone-number.ts';
import { ProxyShortCode, shortCodeOf } from './short-code.ts';
import { ProxySession, sessionKeys } from './session.ts';

/** A participant is reached by the SIDs of its service and session and its own. */
export const participantKeys = new NodeKeys<ProxyParticipantRecord, { service: string; session: string; participant: string }>(
  'ProxyParticipant',
  { service: { sid: 'KS' }, session: { sid: 'KC' }, participant: { sid: 'KP' } },
  (p) => ({ service: p.service_sid!, session: p.session_sid!, participant: p.sid! }),
  (ctx, key): Promise<ProxyParticipantRecord | null> => ProxyParticipant.getDataloader(ctx).load(key),
);

/**
 * Loader keys are `serviceSid:sessionSid:participantSid`. A session has at
 * most two participants, so when a batch wants both (the inbound and outbound
 * participants of a page of interactions) one read of the session's list
 * serves them; one participant alone is one fetch.
 */
export const ProxyParticipant = builder.loadableNodeRef<ProxyParticipantRecord>('ProxyParticipant', {
  id: participantKeys.id,
  load: (keys, ctx) =>
    loadViaList<ProxyParticipantRecord>(ctx, keys, {
      typename: 'ProxyParticipant',
      memoKey: (session) => `proxy.participants:${session}`,
      listPage: (session) => {
        const [service, sid] = session.split(':') as [string, string];
        return proxy.listParticipants(ctx.twilio, { path: { ServiceSid: service, SessionSid: sid }, query: { PageSize: 1000 } });
      },
      fetchOne: (session, sid) => {
        const [service, sessionSid] = session.split(':') as [string, string];
        return proxy.fetchParticipant(ctx.twilio, { path: { ServiceSid: service, SessionSid: sessionSid, Sid: sid } });
      },
      idsOf: (p) => [p.sid!],
      prime: (session, p) => ProxyParticipant.getDataloader(ctx).prime(nodeKey(session, p.sid!), p),
    }),
  cacheResolved: (p) => participantKeys.cacheKey(p),
});

export const ProxyParticipantConnection = builder.connectionObject(
  { type: ProxyParticipant, name: 'ProxyParticipantConnection', description: 'A page of participants.' },
  { description: 'A participant with its cursor.' },
);

/**
 * A participant of a session named by a child resource (an interaction's
 * inbound or outbound participant): not read when the query asks only for
 * what lies under it. `exists` only where the resource lives under it: a
 * participant an interaction names may have left the session.
 */
export function participantOf(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  serviceSid: string | null,
  sessionSid: string | null,
  sid: string | null,
  exists = false,
) {
  return serviceSid && sessionSid && sid
    ? participantKeys.resolve(ctx, info, { service: serviceSid, session: sessionSid, participant: sid }, { exists })
    : null;
}

ProxyParticipant.implement({
  description: 'A participant of a session: a phone number or channel identifier, and the proxy identifier it calls or messages its partner at.',
  fields: (t) => {
    const k = participantKeys.fields(t);
    return {
      sid: k.key()({
        type: 'String',
        nullable: false,
        description: 'The unique string that Twilio created to identify the Participant resource (`KP…`).',
        resolve: (p) => p.participant,
      }),
      accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the Participant resource.' }),
      serviceSid: k.key()({ type: 'String', nullable: false, description: "The SID of the resource's parent Service.", resolve: (p) => p.service }),
      service: k.key()({
        type: ProxyService,
        description: "The resource's parent Service.",
        resolve: (p, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: p.service }, { exists: p.exists }),
      }),
      sessionSid: k.key()({ type: 'String', nullable: false, description: 'The SID of the parent Session.', resolve: (p) => p.session }),
      session: k.key()({
        type: ProxySession,
        description: 'The parent Session.',
        resolve: (p, _, ctx, info) => sessionKeys.resolve(ctx, info, { service: p.service, session: p.session }, { exists: p.exists }),
      }),
      friendlyName: t.exposeString('friendly_name', {
        description: 'The string that you assigned to describe the participant. At most 255 characters; it should not hold PII.',
      }),
      identifier: t.exposeString('identifier', { description: 'The phone number or channel identifier of the Participant. At most 191 characters.' }),
      proxyIdentifier: t.exposeString('proxy_identifier', {
        description:
          "The phone number or short code (masked number) of the participant's partner. The participant calls or messages the partner at this number.",
      }),
      proxyIdentifierSid: t.exposeString('proxy_identifier_sid', {
        description: 'The SID of the Proxy Identifier assigned to the Participant (`PN…` or `SC…`).',
      }),
      proxyPhoneNumber: t.field({
        extensions: listedPer('ProxyService'),
        type: ProxyPhoneNumber,
        description: 'The pool phone number assigned to the Participant; null when it was given a short code, or the number has left the pool.',
        resolve: (p, _, ctx) =>
          p.service_sid && p.proxy_identifier_sid && isSid(p.proxy_identifier_sid, 'PN') ? phoneNumberOf(ctx, p.service_sid, p.proxy_identifier_sid) : null,
      }),
      proxyShortCode: t.field({
        extensions: listedPer('ProxyService'),
        type: ProxyShortCode,
        description: 'The pool short code assigned to the Participant; null when it was given a phone number, or the short code has left the pool.',
        resolve: (p, _, ctx) =>
          p.service_sid && p.proxy_identifier_sid && isSid(p.proxy_identifier_sid, 'SC') ? shortCodeOf(ctx, p.service_sid, p.proxy_identifier_sid) : null,
      }),
      dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (p) => p.date_created }),
      dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (p) => p.date_updated }),
      dateDeleted: t.field({ type: 'DateTime', description: 'When the Participant was removed from the session.', resolve: (p) => p.date_deleted }),
      url: t.field({ type: 'URL', description: 'The absolute URL of the Participant resource.', resolve: (p) => p.url }),
      links: t.field({ type: 'JSON', description: 'The URLs to resources related the participant.', resolve: (p) => p.links }),
    };
  },
});

builder.objectFields(ProxySession, (t) => {
  const k = childFields(sessionKeys, t);
  return {
    participants: k.connection({
      type: ProxyParticipantConnection,
      description: "The session's participants (at most two).",
      // "There is a limit of two Participants per Session": https://www.twilio.com/docs/proxy/api/participant
      extensions: atMostItems(2),
      operation: proxy.proxyOperations.ListParticipant,
      request: (s) => ({ path: { ServiceSid: s.service, SessionSid: s.session } }),
    }),
    participant: k.lookup({
      type: ProxyParticipant,
      description: lookupDescription('One participant of the session, by SID', 'participant'),
      args: { sid: t.arg.string({ required: true, description: 'The SID of the participant (`KP…`).' }) },
      resolve: (s, { sid }, ctx, info) =>
        participantKeys.resolve(ctx, info, { service: s.service, session: s.session, participant: checkSid('sid', sid, 'KP') }),
    }),
  };
});

// ---- mutations ----

twilioMutation('createProxyParticipant', {
  operation: proxy.proxyOperations.CreateParticipant,
  description: 'Adds a participant to a session; Proxy gives it a proxy identifier from the pool unless one is named.',
  input: {
    description: 'A new participant of a session.',
    fields: (p) => ({
      serviceSid: parentServiceSid,
      sessionSid: parentSessionSid,
      identifier: p.body('Identifier', 'String', 'The phone number (E.164) or channel identifier of the Participant.', { required: true }),
      friendlyName: p.body('FriendlyName', 'String', 'A string to describe the participant. At most 255 characters; it should not hold PII.'),
      proxyIdentifier: p.body(
        'ProxyIdentifier',
        'String',
        'The proxy phone number or short code to use for the Participant; Proxy selects one from the pool when omitted.',
      ),
      proxyIdentifierSid: p.body('ProxyIdentifierSid', 'String', 'The SID (`PN…`) of the Proxy Identifier to assign to the Participant.', { sid: 'PN' }),
    }),
  },
  result: { field: 'proxyParticipant', type: ProxyParticipant },
});

twilioMutation('deleteProxyParticipant', {
  operation: proxy.proxyOperations.DeleteParticipant,
  description: 'Removes a participant from a session.',
  input: {
    description: 'The participant to remove from its session.',
    fields: (p) => ({
      serviceSid: parentServiceSid,
      sessionSid: parentSessionSid,
      sid: p.path('Sid', { sid: 'KP', description: 'The SID of the participant (`KP…`).' }),
    }),
  },
  result: { deletes: 'ProxyParticipant' },
});
