/** ProxySession: a conversation between two participants of a Proxy service, each reaching the other through a proxy number. */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxySessionRecord } from '../../twilio/proxy.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { checkKey, checkSid } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { type ParamKit, type ShapeOf, twilioMutation } from '../shared/mutation.ts';
import { UNIQUE_NAME, parentServiceSid, pathSid } from './shared.ts';
import { ProxyService, serviceKeys } from './service.ts';

export const ProxySessionStatus = builder.enumType('ProxySessionStatus', {
  description: 'The status of a Session.',
  values: {
    OPEN: { value: 'open', description: 'Created, with no interaction yet (the default on create).' },
    IN_PROGRESS: { value: 'in-progress', description: 'Interactions have started; also the status to set to re-open a closed Session.' },
    CLOSED: { value: 'closed', description: 'Ended: closed by request or expired; its proxy numbers are free for other Sessions.' },
    FAILED: { value: 'failed', description: 'The Session could not be set up.' },
    UNKNOWN: { value: 'unknown', description: 'Twilio could not tell.' },
  } as const,
});

export const ProxySessionMode = builder.enumType('ProxySessionMode', {
  description: 'What a Session carries.',
  values: {
    MESSAGE_ONLY: {
      value: 'message-only',
      description: 'Messages only; participants may be channel identifiers and short codes may serve as proxy identifiers.',
    },
    VOICE_ONLY: { value: 'voice-only', description: 'Calls only.' },
    VOICE_AND_MESSAGE: { value: 'voice-and-message', description: 'Calls and messages (the default).' },
  } as const,
});

/** A session is reached by its service's SID and its own SID or unique name; the paths under it take only the SID. */
export const sessionKeys = new NodeKeys<ProxySessionRecord, { service: string; session: string }>(
  'ProxySession',
  { service: { sid: 'KS' }, session: { sid: 'KC', name: 'self' } },
  (s) => ({ service: s.service_sid!, session: s.sid! }),
  (ctx, key): Promise<ProxySessionRecord | null> => ProxySession.getDataloader(ctx).load(key),
);

/**
 * Loader keys are `serviceSid:sessionSid` or `serviceSid:uniqueName` (Twilio
 * fetches a session by either). One session is one fetch; several sessions of
 * one service wanted at once (those of a page of participants reached by ID)
 * are served from one read of the service's session list.
 */
export const ProxySession = builder.loadableNodeRef<ProxySessionRecord>('ProxySession', {
  id: sessionKeys.id,
  load: (keys, ctx) =>
    loadViaList<ProxySessionRecord>(ctx, keys, {
      typename: 'ProxySession',
      memoKey: (service) => `proxy.sessions:${service}`,
      listPage: (service) => proxy.listSessions(ctx.twilio, { path: { ServiceSid: service }, query: { PageSize: 1000 } }),
      fetchOne: async (service, id) => {
        const record = await proxy.fetchSession(ctx.twilio, { path: { ServiceSid: service, Sid: id } });
        // A session fetched by unique name is also kept under its SID.
        if (record.sid !== id) ProxySession.getDataloader(ctx).prime(nodeKey(service, record.sid!), record);
        return record;
      },
      idsOf: (s) => (s.unique_name ? [s.sid!, s.unique_name] : [s.sid!]),
      prime: (service, s) => ProxySession.getDataloader(ctx).prime(nodeKey(service, s.sid!), s),
    }),
  cacheResolved: (s) => sessionKeys.cacheKey(s),
});

export const ProxySessionConnection = builder.connectionObject(
  { type: ProxySession, name: 'ProxySessionConnection', description: 'A page of sessions.' },
  { description: 'A session with its cursor.' },
);

/** The session a child resource belongs to: not read when the query asks only for what lies under it. */
export function sessionOf(ctx: GatewayContext, info: GraphQLResolveInfo, serviceSid: string | null, sessionSid: string | null) {
  return serviceSid && sessionSid ? sessionKeys.resolve(ctx, info, { service: serviceSid, session: sessionSid }, { exists: true }) : null;
}

ProxySession.implement({
  description: 'A session: a conversation between two participants, each calling or messaging the other through a proxy number that hides their own.',
  fields: (t) => {
    const k = sessionKeys.fields(t);
    return {
      sid: k.key(['session'])({
        type: 'String',
        nullable: false,
        description: 'The unique string that Twilio created to identify the Session resource (`KC…`).',
        resolve: (s) => s.session,
      }),
      accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the Session resource.' }),
      serviceSid: k.key()({
        type: 'String',
        nullable: false,
        description: 'The SID of the Service the session is associated with.',
        resolve: (s) => s.service,
      }),
      service: k.key()({
        type: ProxyService,
        description: 'The Service the session is associated with.',
        resolve: (s, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: s.service }, { exists: s.exists }),
      }),
      uniqueName: t.exposeString('unique_name', {
        description:
          'An application-defined string that uniquely identifies the resource, usable instead of the SID to fetch it. At most 191 characters; it should not hold PII.',
      }),
      status: t.field({ type: ProxySessionStatus, description: 'The status of the Session.', resolve: (s) => s.status }),
      mode: t.field({ type: ProxySessionMode, description: 'The Mode of the Session.', resolve: (s) => s.mode }),
      ttl: t.exposeInt('ttl', {
        description: "The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction.",
      }),
      closedReason: t.exposeString('closed_reason', { description: 'The reason the Session ended.' }),
      dateStarted: t.field({ type: 'DateTime', description: 'When the Session started.', resolve: (s) => s.date_started }),
      dateEnded: t.field({ type: 'DateTime', description: 'When the Session ended.', resolve: (s) => s.date_ended }),
      dateExpiry: t.field({
        type: 'DateTime',
        description: 'When the Session should expire. If present, it overrides the `ttl` value.',
        resolve: (s) => s.date_expiry,
      }),
      dateLastInteraction: t.field({ type: 'DateTime', description: 'When the Session last had an interaction.', resolve: (s) => s.date_last_interaction }),
      dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (s) => s.date_created }),
      dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (s) => s.date_updated }),
      url: t.field({ type: 'URL', description: 'The absolute URL of the Session resource.', resolve: (s) => s.url }),
      links: t.field({ type: 'JSON', description: 'The URLs of resources related to the Session.', resolve: (s) => s.links }),
    };
  },
});

builder.objectFields(ProxyService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    sessions: k.connection({
      type: ProxySessionConnection,
      description: "The service's sessions.",
      operation: proxy.proxyOperations.ListSession,
      request: (s) => ({ path: { ServiceSid: s.service } }),
    }),
    session: k.lookup({
      type: ProxySession,
      description: lookupDescription(
        'One session of the service, by SID or unique name (a session named by unique name is always read, for its SID)',
        'session',
      ),
      args: { sidOrUniqueName: t.arg.string({ required: true, description: 'The SID (`KC…`) or unique name of the session.' }) },
      resolve: (s, { sidOrUniqueName }, ctx, info) =>
        sessionKeys.resolve(ctx, info, { service: s.service, session: checkKey('sidOrUniqueName', sidOrUniqueName, 'KC') }),
    }),
  };
});

// ---- mutations ----

export const ProxyParticipantInput = builder.inputType('ProxyParticipantInput', {
  description: 'A participant to add to a session.',
  fields: (t) => ({
    identifier: t.string({ required: true, description: 'The phone number (E.164) or channel identifier of the Participant. At most 191 characters.' }),
    friendlyName: t.string({ description: 'A string to describe the participant. At most 255 characters; it should not hold PII.' }),
    proxyIdentifier: t.string({
      description: 'The proxy phone number or short code to use for the Participant; Proxy selects one from the pool when omitted.',
    }),
    proxyIdentifierSid: t.string({ description: 'The SID (`PN…`) of the Proxy Identifier to assign to the Participant.' }),
  }),
});

/** One `Participants` item: a JSON object with Twilio's parameter names, empty ones left out; `field` is its input path, for errors. */
function participantItem(p: ShapeOf<typeof ProxyParticipantInput>, field: string): Record<string, string> {
  if (p.proxyIdentifierSid) checkSid(`${field}.proxyIdentifierSid`, p.proxyIdentifierSid, 'PN');
  const item: Record<string, string> = { Identifier: p.identifier };
  if (p.friendlyName) item.FriendlyName = p.friendlyName;
  if (p.proxyIdentifier) item.ProxyIdentifier = p.proxyIdentifier;
  if (p.proxyIdentifierSid) item.ProxyIdentifierSid = p.proxyIdentifierSid;
  return item;
}

/** When a session expires, as it is created or changed. */
function expiry(p: ParamKit<proxy.ProxyUpdateSessionRequest>) {
  return {
    dateExpiry: p.body('DateExpiry', 'DateTime', 'When the Session should expire. If present, it overrides the `ttl` value.'),
    ttl: p.body('Ttl', 'Int', "The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction."),
  };
}

/** The session an update or delete names. */
const sessionPath = { serviceSid: parentServiceSid, sid: pathSid('Sid', 'KC', 'The SID of the session (`KC…`).') };

twilioMutation('createProxySession', {
  operation: proxy.proxyOperations.CreateSession,
  description: 'Creates a session in a Proxy service, with up to two participants given proxy identifiers from the pool.',
  input: {
    description: 'A new session, optionally with its participants.',
    fields: (p) => ({
      serviceSid: parentServiceSid,
      uniqueName: p.body('UniqueName', 'String', UNIQUE_NAME),
      ...expiry(p),
      mode: p.body('Mode', ProxySessionMode, 'The Mode of the Session; `VOICE_AND_MESSAGE` when omitted.'),
      status: p.body('Status', ProxySessionStatus, 'The initial status of the Session; `OPEN` when omitted.'),
      // The list type is given: inferred inside `fields`, it would not give `send` its value's type.
      participants: p.body<[typeof ProxyParticipantInput]>(
        'Participants',
        [ProxyParticipantInput],
        'The Participants to include in the new session (at most two), sent as Twilio `Participants` items.',
        {
          send: (items, field) => items.map((item, index) => participantItem(item, `${field}[${index}]`)),
        },
      ),
    }),
  },
  result: { field: 'proxySession', type: ProxySession },
});

twilioMutation('updateProxySession', {
  operation: proxy.proxyOperations.UpdateSession,
  description: 'Changes a session: closes it, re-opens it, or changes when it expires.',
  input: {
    description: 'Changes to a session; fields left out stay as they are.',
    fields: (p) => ({
      ...sessionPath,
      ...expiry(p),
      status: p.body('Status', ProxySessionStatus, 'The new status: `IN_PROGRESS` to re-open a session, or `CLOSED` to close it.'),
    }),
  },
  result: { field: 'proxySession', type: ProxySession },
});

twilioMutation('deleteProxySession', {
  operation: proxy.proxyOperations.DeleteSession,
  description: 'Deletes a session with its participants and interactions.',
  input: { description: 'The session to delete, with its participants and interactions.', fields: () => sessionPath },
  result: { deletes: 'ProxySession' },
});
