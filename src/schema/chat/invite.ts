/** ChatInvite: an invitation for a user to join a channel. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatInviteRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { channelSidOrUniqueName, serviceSid } from './shared.ts';
import { ChatChannel, channelKeys, channelOf, channelSid } from './channel.ts';
import { ChatUser, userByIdentity } from './user.ts';
import { ChatRole } from './role.ts';
import { ChatService, serviceKeys } from './service.ts';

export const ChatInvite = builder.loadableNodeRef<ChatInviteRecord>(
  'ChatInvite',
  fetchedNode(
    'ChatInvite',
    (i) => [i.service_sid!, i.channel_sid!, i.sid!],
    (ctx, [service, channel, sid]) => chat.fetchInvite(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
  ),
);

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
    service: t.field({
      type: ChatService,
      description: 'The service of the channel.',
      resolve: (i, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: i.service_sid! }, { exists: true }),
    }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the user is invited to.', resolve: (i) => i.channel_sid! }),
    channel: t.field({
      type: ChatChannel,
      description: 'The channel the user is invited to.',
      resolve: (i, _, ctx, info) => channelOf(ctx, info, i.service_sid, i.channel_sid, true),
    }),
    identity: t.exposeString('identity', { description: 'The identity of the invited user.' }),
    user: t.field({
      extensions: listedPer('ChatService'),
      type: ChatUser,
      description: 'The invited user; null when no user of the service has that identity yet.',
      resolve: (i, _, ctx, info) => (i.identity ? userByIdentity(ctx, info, i.service_sid!, i.identity) : null),
    }),
    roleSid: t.exposeString('role_sid', { description: 'The SID of the channel role the user gets on joining.' }),
    role: t.field({
      type: ChatRole,
      extensions: listedPer('ChatService'),
      description: 'The channel role the user gets on joining.',
      resolve: (i, _, ctx) => (i.role_sid ? ChatRole.getDataloader(ctx).load(nodeKey(i.service_sid!, i.role_sid)) : null),
    }),
    createdBy: t.exposeString('created_by', { description: 'The identity of the user who sent the invite, or `system`.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the invite was sent.', resolve: (i) => i.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the invite was last updated.', resolve: (i) => i.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the invite.', resolve: (i) => i.url }),
  }),
});

builder.objectFields(ChatChannel, (t) => {
  const k = childFields(channelKeys, t);
  return {
    invites: k.connection({
      type: ChatInviteConnection,
      description: "The channel's pending invites, oldest first.",
      args: { identity: t.arg.stringList({ description: 'Only the invites of these identities.' }) },
      operation: chat.chatOperations.ListInvite,
      request: (c, args) => ({ path: { ServiceSid: c.service, ChannelSid: c.channel }, query: { Identity: args.identity ?? undefined } }),
    }),
    invite: k.bySid({
      type: ChatInvite,
      description: 'One invite of the channel by SID; null when there is none.',
      sid: 'IN',
      sidDescription: 'The SID of the invite (`IN…`).',
    }),
  };
});

// ---- mutations ----

twilioMutation('createChatInvite', {
  operation: chat.chatOperations.CreateInvite,
  description: 'Invites a user to a channel. Twilio refuses an identity that is already a member or already invited.',
  input: {
    description: 'A new invite: a user asked to join a channel.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      identity: p.body('Identity', 'String', 'The identity of the user to invite.', { required: true }),
      roleSid: p.body('RoleSid', 'String', "SID of the channel role (`RL…`) the user gets on joining; the service's default channel role when omitted.", {
        sid: 'RL',
      }),
    }),
  },
  result: { field: 'chatInvite', type: ChatInvite },
});

twilioMutation('deleteChatInvite', {
  operation: chat.chatOperations.DeleteInvite,
  description: 'Withdraws an invite.',
  input: {
    description: 'The invite to withdraw.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      sid: p.path('Sid', { sid: 'IN', description: 'The SID of the invite (`IN…`).' }),
    }),
  },
  result: { deletes: 'ChatInvite' },
  // The deleted ID must carry the channel's SID, so a channel named by unique name is looked up first.
  write: async ({ request, send, ctx }) => {
    const { ServiceSid, ChannelSid, Sid } = request.path;
    await send({ ...request, path: { ServiceSid, ChannelSid: await channelSid(ctx, ServiceSid, ChannelSid), Sid } });
  },
});
