/** ProxySession: a conversation between two participants of a Proxy service, each reaching the other through a proxy number. */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxySessionRecord } from '../../twilio/proxy.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkKey, checkSid } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { checkProxyIdentifierSid } from './shared.ts';
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
    MESSAGE_ONLY: { value: 'message-only', description: 'Messages only; participants may be channel identifiers and short codes may serve as proxy identifiers.' },
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
      sid: k.key(['session'])({ type: 'String', nullable: false, description: 'The unique string that Twilio created to identify the Session resource (`KC…`).', resolve: (s) => s.session }),
      accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the Session resource.' }),
      serviceSid: k.key()({ type: 'String', nullable: false, description: 'The SID of the Service the session is associated with.', resolve: (s) => s.service }),
      service: k.key()({ type: ProxyService, description: 'The Service the session is associated with.', resolve: (s, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: s.service }, { exists: s.exists }) }),
      uniqueName: t.exposeString('unique_name', {
        description: 'An application-defined string that uniquely identifies the resource, usable instead of the SID to fetch it. At most 191 characters; it should not hold PII.',
      }),
      status: t.field({ type: ProxySessionStatus, description: 'The status of the Session.', resolve: (s) => s.status }),
      mode: t.field({ type: ProxySessionMode, description: 'The Mode of the Session.', resolve: (s) => s.mode }),
      ttl: t.exposeInt('ttl', { description: "The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction." }),
      closedReason: t.exposeString('closed_reason', { description: 'The reason the Session ended.' }),
      dateStarted: t.field({ type: 'DateTime', description: 'When the Session started.', resolve: (s) => s.date_started }),
      dateEnded: t.field({ type: 'DateTime', description: 'When the Session ended.', resolve: (s) => s.date_ended }),
      dateExpiry: t.field({ type: 'DateTime', description: 'When the Session should expire. If present, it overrides the `ttl` value.', resolve: (s) => s.date_expiry }),
      dateLastInteraction: t.field({ type: 'DateTime', description: 'When the Session last had an interaction.', resolve: (s) => s.date_last_interaction }),
      dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (s) => s.date_created }),
      dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (s) => s.date_updated }),
      url: t.field({ type: 'URL', description: 'The absolute URL of the Session resource.', resolve: (s) => s.url }),
      links: t.field({ type: 'JSON', description: 'The URLs of resources related to the Session.', resolve: (s) => s.links }),
    };
  },
});

builder.objectFields(ProxyService, (t) => {
  const k = serviceKeys.fields(t);
  return {
    sessions: k.list({
      type: ProxySessionConnection,
      nullable: false,
      description: "The service's sessions.",
      args: forwardArgs(t.arg),
      resolve: (s, args, ctx) =>
        resolveConnection(twilioList(ctx, proxy.proxyOperations.ListSession, { path: { ServiceSid: s.service } }), args),
    }),
    session: k.lookup({
      type: ProxySession,
      description: lookupDescription('One session of the service, by SID or unique name (a session named by unique name is always read, for its SID)', 'session'),
      args: { sidOrUniqueName: t.arg.string({ required: true, description: 'The SID (`KC…`) or unique name of the session.' }) },
      resolve: (s, { sidOrUniqueName }, ctx, info) => sessionKeys.resolve(ctx, info, { service: s.service, session: checkKey('sidOrUniqueName', sidOrUniqueName, 'KC') }),
    }),
  };
});

// ---- mutations ----

const sessionFields = { UniqueName: 'uniqueName', DateExpiry: 'dateExpiry', Ttl: 'ttl', Mode: 'mode', Status: 'status', Participants: 'participants' };

export const ProxyParticipantInput = builder.inputType('ProxyParticipantInput', {
  description: 'A participant to add to a session.',
  fields: (t) => ({
    identifier: t.string({ required: true, description: 'The phone number (E.164) or channel identifier of the Participant. At most 191 characters.' }),
    friendlyName: t.string({ description: 'A string to describe the participant. At most 255 characters; it should not hold PII.' }),
    proxyIdentifier: t.string({ description: 'The proxy phone number or short code to use for the Participant; Proxy selects one from the pool when omitted.' }),
    proxyIdentifierSid: t.string({ description: 'The SID (`PN…` or `SC…`) of the Proxy Identifier to assign to the Participant.' }),
  }),
});

const CreateProxySessionInput = builder.inputType('CreateProxySessionInput', {
  description: 'A new session, optionally with its participants.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the parent Service (`KS…`).' }),
    uniqueName: t.string({ description: 'An application-defined string that uniquely identifies the resource. At most 191 characters and unique; it should not hold PII.' }),
    dateExpiry: t.field({ type: 'DateTime', description: 'When the Session should expire. If present, it overrides the `ttl` value.' }),
    ttl: t.int({ description: "The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction." }),
    mode: t.field({ type: ProxySessionMode, description: 'The Mode of the Session; `VOICE_AND_MESSAGE` when omitted.' }),
    status: t.field({ type: ProxySessionStatus, description: 'The initial status of the Session; `OPEN` when omitted.' }),
    participants: t.field({ type: [ProxyParticipantInput], description: 'The Participants to include in the new session (at most two), sent as Twilio `Participants` items.' }),
  }),
});

const UpdateProxySessionInput = builder.inputType('UpdateProxySessionInput', {
  description: 'Changes to a session; fields left out stay as they are.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the parent Service (`KS…`).' }),
    sid: t.string({ required: true, description: 'The SID of the session (`KC…`).' }),
    dateExpiry: t.field({ type: 'DateTime', description: 'When the Session should expire. If present, it overrides the `ttl` value.' }),
    ttl: t.int({ description: "The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction." }),
    status: t.field({ type: ProxySessionStatus, description: 'The new status: `IN_PROGRESS` to re-open a session, or `CLOSED` to close it.' }),
  }),
});

const DeleteProxySessionInput = builder.inputType('DeleteProxySessionInput', {
  description: 'The session to delete, with its participants and interactions.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the parent Service (`KS…`).' }),
    sid: t.string({ required: true, description: 'The SID of the session (`KC…`).' }),
  }),
});

const CreateProxySessionPayload = payloadType('CreateProxySessionPayload', 'proxySession', ProxySession, 'The result of createProxySession.');
const UpdateProxySessionPayload = payloadType('UpdateProxySessionPayload', 'proxySession', ProxySession, 'The result of updateProxySession.');
const DeleteProxySessionPayload = deletePayloadType('DeleteProxySessionPayload', 'The result of deleteProxySession.');

type ParticipantItem = { identifier: string; friendlyName?: string | null; proxyIdentifier?: string | null; proxyIdentifierSid?: string | null };

/** One `Participants` item: a JSON object with Twilio's parameter names, empty ones left out. */
function participantItem(p: ParticipantItem, index: number): Record<string, string> {
  if (p.proxyIdentifierSid) checkProxyIdentifierSid(`input.participants[${index}].proxyIdentifierSid`, p.proxyIdentifierSid);
  const item: Record<string, string> = { Identifier: p.identifier };
  if (p.friendlyName) item.FriendlyName = p.friendlyName;
  if (p.proxyIdentifier) item.ProxyIdentifier = p.proxyIdentifier;
  if (p.proxyIdentifierSid) item.ProxyIdentifierSid = p.proxyIdentifierSid;
  return item;
}

/**
 * Drops cached copies of a session after a write, with the memoised lists it
 * changes (its service's sessions, its participants, and the pool, whose
 * numbers count the open sessions using them); keeps the new record when
 * Twilio returned it.
 */
function rememberSession(ctx: GatewayContext, record: ProxySessionRecord | null): void {
  if (record) ProxySession.getDataloader(ctx).prime(nodeKey(record.service_sid!, record.sid!), record);
}

builder.mutationFields((t) => ({
  createProxySession: t.field({
    type: CreateProxySessionPayload,
    description: 'Creates a session in a Proxy service, with up to two participants given proxy identifiers from the pool.',
    args: { input: t.arg({ type: CreateProxySessionInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'KS');
      const participants = input.participants?.map(participantItem);
      const payload = await runWrite(ctx, sessionFields, () =>
        proxy.createSession(ctx.twilio, {
          path: { ServiceSid: service },
          body: {
            UniqueName: input.uniqueName ?? undefined,
            DateExpiry: input.dateExpiry ?? undefined,
            Ttl: input.ttl ?? undefined,
            Mode: input.mode ?? undefined,
            Status: input.status ?? undefined,
            Participants: participants,
          },
        }),
      );
      if (payload.result) rememberSession(ctx, payload.result);
      return payload;
    },
  }),
  updateProxySession: t.field({
    type: UpdateProxySessionPayload,
    description: 'Changes a session: closes it, re-opens it, or changes when it expires.',
    args: { input: t.arg({ type: UpdateProxySessionInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'KS');
      const sid = checkSid('input.sid', input.sid, 'KC');
      const payload = await runWrite(ctx, sessionFields, () =>
        proxy.updateSession(ctx.twilio, {
          path: { ServiceSid: service, Sid: sid },
          body: { DateExpiry: input.dateExpiry ?? undefined, Ttl: input.ttl ?? undefined, Status: input.status ?? undefined },
        }),
      );
      rememberSession(ctx, payload.result);
      return payload;
    },
  }),
  deleteProxySession: t.field({
    type: DeleteProxySessionPayload,
    description: 'Deletes a session with its participants and interactions.',
    args: { input: t.arg({ type: DeleteProxySessionInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'KS');
      const sid = checkSid('input.sid', input.sid, 'KC');
      const payload = await runWrite(ctx, {}, async () => {
        await proxy.deleteSession(ctx.twilio, { path: { ServiceSid: service, Sid: sid } });
        return encodeGlobalId('ProxySession', nodeKey(service, sid));
      });
      return payload;
    },
  }),
}));
