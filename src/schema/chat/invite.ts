/** ChatInvite: an invitation for a user to join a channel. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatInviteRecord } from '../../twilio/chat.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkKey, checkSid, isSid } from '../shared/validate.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { ChatChannel, channelKeys, channelOf } from './channel.ts';
import { ChatUser, userByIdentity } from './user.ts';
import { ChatRole } from './role.ts';
import { ChatService, serviceKeys } from './service.ts';

export const ChatInvite = builder.loadableNodeRef<ChatInviteRecord>('ChatInvite', {
  id: { resolve: (i) => nodeKey(i.service_sid!, i.channel_sid!, i.sid!) },
  load: (keys, ctx) =>
    fetchEach(keys, 'ChatInvite', ([service, channel, sid]) =>
      chat.fetchInvite(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
    ),
  cacheResolved: (i) => nodeKey(i.service_sid!, i.channel_sid!, i.sid!),
});

export const ChatInviteConnection = builder.connectionObject(
  { type: ChatInvite, name: 'ChatInviteConnection', description: 'A page of invites.' },
  { description: 'An invite with its cursor.' },
);

ChatInvite.implement({
  description: 'An invitation for a user to join a channel (usually a private one). Joining the channel uses the invite up.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the invite (`IN…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the invite.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service.', resolve: (i) => i.service_sid! }),
    service: t.field({ type: ChatService, description: 'The service of the channel.', resolve: (i, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: i.service_sid! }, { exists: true }) }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the user is invited to.', resolve: (i) => i.channel_sid! }),
    channel: t.field({ type: ChatChannel, description: 'The channel the user is invited to.', resolve: (i, _, ctx, info) => channelOf(ctx, info, i.service_sid, i.channel_sid, true) }),
    identity: t.exposeString('identity', { description: 'The identity of the invited user.' }),
    user: t.field({
      extensions: listedPer('ChatService'),
      type: ChatUser,
      description: 'The invited user; null when no user of the service has that identity yet.',
      resolve: (i, _, ctx, info) => (i.identity ? userByIdentity(ctx, info, i.service_sid!, i.identity) : null),
    }),
    roleSid: t.exposeString('role_sid', { description: 'The SID of the channel role the user gets on joining.' }),
    role: t.field({ type: ChatRole, extensions: listedPer('ChatService'), description: 'The channel role the user gets on joining.', resolve: (i, _, ctx) => (i.role_sid ? ChatRole.getDataloader(ctx).load(nodeKey(i.service_sid!, i.role_sid)) : null) }),
    createdBy: t.exposeString('created_by', { description: 'The identity of the user who sent the invite, or `system`.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the invite was sent.', resolve: (i) => i.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the invite was last updated.', resolve: (i) => i.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the invite.', resolve: (i) => i.url }),
  }),
});

builder.objectFields(ChatChannel, (t) => {
  const k = channelKeys.fields(t);
  return {
    invites: k.list({
      type: ChatInviteConnection,
      nullable: false,
      description: "The channel's pending invites, oldest first.",
      args: { ...forwardArgs(t.arg), identity: t.arg.stringList({ description: 'Only the invites of these identities.' }) },
      resolve: (c, args, ctx) =>
        resolveConnection(twilioList(ctx, chat.chatOperations.ListInvite, { path: { ServiceSid: c.service, ChannelSid: c.channel }, query: { Identity: args.identity ?? undefined } }), args),
    }),
    invite: k.lookup({
      type: ChatInvite,
      description: 'One invite of the channel by SID; null when there is none.',
      args: { sid: t.arg.string({ required: true, description: 'The SID of the invite (`IN…`).' }) },
      resolve: (c, { sid }, ctx) => ChatInvite.getDataloader(ctx).load(nodeKey(c.service, c.channel, checkSid('sid', sid, 'IN'))),
    }),
  };
});

// ---- mutations ----

const inviteFields = { Identity: 'identity', RoleSid: 'roleSid' };

const CreateChatInviteInput = builder.inputType('CreateChatInviteInput', {
  description: 'A new invite: a user asked to join a channel.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    identity: t.string({ required: true, description: 'The identity of the user to invite.' }),
    roleSid: t.string({ description: "SID of the channel role (`RL…`) the user gets on joining; the service's default channel role when omitted." }),
  }),
});

const DeleteChatInviteInput = builder.inputType('DeleteChatInviteInput', {
  description: 'The invite to withdraw.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    sid: t.string({ required: true, description: 'The SID of the invite (`IN…`).' }),
  }),
});

const CreateChatInvitePayload = payloadType('CreateChatInvitePayload', 'chatInvite', ChatInvite, 'The result of createChatInvite.');
const DeleteChatInvitePayload = deletePayloadType('DeleteChatInvitePayload', 'The result of deleteChatInvite.');

builder.mutationFields((t) => ({
  createChatInvite: t.field({
    type: CreateChatInvitePayload,
    description: 'Invites a user to a channel. Twilio refuses an identity that is already a member or already invited.',
    args: { input: t.arg({ type: CreateChatInviteInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      if (input.roleSid) checkSid('input.roleSid', input.roleSid, 'RL');
      const payload = await runWrite(ctx, inviteFields, () =>
        chat.createInvite(ctx.twilio, {
          path: { ServiceSid: service, ChannelSid: channel },
          body: { Identity: input.identity, RoleSid: input.roleSid ?? undefined },
        }),
      );
      if (payload.result) {
        const key = nodeKey(service, payload.result.channel_sid!, payload.result.sid!);
        ChatInvite.getDataloader(ctx).prime(key, payload.result);
      }
      return payload;
    },
  }),
  deleteChatInvite: t.field({
    type: DeleteChatInvitePayload,
    description: 'Withdraws an invite.',
    args: { input: t.arg({ type: DeleteChatInviteInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const sid = checkSid('input.sid', input.sid, 'IN');
      let channelSid = channel;
      const payload = await runWrite(ctx, {}, async () => {
        // The deleted ID must carry the channel's SID, so a channel named by unique name is looked up first.
        if (!isSid(channel, 'CH')) channelSid = (await chat.fetchChannel(ctx.twilio, { path: { ServiceSid: service, Sid: channel } })).sid!;
        await chat.deleteInvite(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channelSid, Sid: sid } });
        return encodeGlobalId('ChatInvite', nodeKey(service, channelSid, sid));
      });
      return payload;
    },
  }),
}));
