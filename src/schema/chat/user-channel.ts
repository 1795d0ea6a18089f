/** ChatUserChannel: a channel seen from one of its users, with the user's read position and notification level. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatUserChannelRecord } from '../../twilio/chat.ts';
import type { GatewayContext } from '../context.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkKey, checkSid, isSid } from '../shared/validate.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { ChatService, serviceKeys } from './service.ts';
import { ChatUser, userKeys } from './user.ts';
import { ChatChannel, channelKeys, channelOfMembership } from './channel.ts';
import { ChatMember, memberBySid } from './member.ts';

export const ChatUserChannelStatus = builder.enumType('ChatUserChannelStatus', {
  description: "The user's standing in a channel.",
  values: {
    JOINED: { value: 'joined', description: 'The user is a member of the channel.' },
    INVITED: { value: 'invited', description: 'The user is invited to the channel and has not joined yet.' },
    NOT_PARTICIPATING: { value: 'not_participating', description: 'The user can see the channel but is not a member of it.' },
  } as const,
});

export const ChatUserChannelNotificationLevel = builder.enumType('ChatUserChannelNotificationLevel', {
  description: 'Which push notifications a user gets for a channel.',
  values: {
    DEFAULT: { value: 'default', description: "Notifications as the service's push settings say." },
    MUTED: { value: 'muted', description: 'No push notifications for new messages in this channel.' },
  } as const,
});

/**
 * Loader keys are `serviceSid:userSid:channelSidOrUniqueName`; a user
 * channel fetched by unique name is also stored under its SID key.
 */
export const ChatUserChannel = builder.loadableNodeRef<ChatUserChannelRecord>('ChatUserChannel', {
  id: { resolve: (u) => nodeKey(u.service_sid!, u.user_sid!, u.channel_sid!) },
  load: async (keys, ctx) => {
    const results = await fetchEach(keys, 'ChatUserChannel', ([service, user, channel]) =>
      chat.fetchUserChannel(ctx.twilio, { path: { ServiceSid: service!, UserSid: user!, ChannelSid: channel! } }),
    );
    for (const record of results) {
      if (record && !(record instanceof Error)) ChatUserChannel.getDataloader(ctx).prime(nodeKey(record.service_sid!, record.user_sid!, record.channel_sid!), record);
    }
    return results;
  },
  cacheResolved: (u) => nodeKey(u.service_sid!, u.user_sid!, u.channel_sid!),
});

export const ChatUserChannelConnection = builder.connectionObject(
  { type: ChatUserChannel, name: 'ChatUserChannelConnection', description: "A page of a user's channels." },
  { description: "A user's channel with its cursor." },
);

ChatUserChannel.implement({
  description: "A channel seen from one of its users: the user's membership, unread count and notification level there.",
  fields: (t) => ({
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the channel.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service.', resolve: (u) => u.service_sid! }),
    service: t.field({ type: ChatService, description: 'The service of the user and channel.', resolve: (u, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: u.service_sid! }, { exists: true }) }),
    userSid: t.string({ nullable: false, description: 'The SID of the user.', resolve: (u) => u.user_sid! }),
    user: t.field({ type: ChatUser, description: 'The user.', resolve: (u, _, ctx, info) => (u.user_sid ? userKeys.resolve(ctx, info, { service: u.service_sid!, user: u.user_sid }, { exists: true }) : null) }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel.', resolve: (u) => u.channel_sid! }),
    channel: t.field({
      type: ChatChannel,
      extensions: listedPer('ChatService'),
      description: 'The channel.',
      resolve: (u, _, ctx, info) =>
        u.service_sid && u.channel_sid
          ? channelKeys.resolve(ctx, info, { service: u.service_sid, channel: u.channel_sid }, { exists: true, load: () => channelOfMembership(ctx, u.service_sid!, u.channel_sid!) })
          : null,
    }),
    memberSid: t.exposeString('member_sid', { description: "The SID of the user's membership of the channel (`MB…`)." }),
    member: t.field({
      extensions: listedPer('ChatChannel'),
      type: ChatMember,
      description: "The user's membership of the channel; null when the user is not a member.",
      resolve: (u, _, ctx) => (u.member_sid ? memberBySid(ctx, u.service_sid!, u.channel_sid!, u.member_sid) : null),
    }),
    status: t.field({ type: ChatUserChannelStatus, description: 'Whether the user has joined the channel, is invited to it, or neither.', resolve: (u) => u.status }),
    unreadMessagesCount: t.exposeInt('unread_messages_count', { description: 'How many messages of the channel the user has not read; null when the service does not track read status.' }),
    lastConsumedMessageIndex: t.exposeInt('last_consumed_message_index', { description: 'Index of the last message the user has read; null when none.' }),
    notificationLevel: t.field({ type: ChatUserChannelNotificationLevel, description: 'Which push notifications the user gets for the channel.', resolve: (u) => u.notification_level }),
    url: t.field({ type: 'URL', description: 'The REST URL of the user channel.', resolve: (u) => u.url }),
    links: t.field({ type: 'JSON', description: 'REST URLs of the channel and the membership.', resolve: (u) => u.links }),
  }),
});

builder.objectFields(ChatUser, (t) => {
  const k = userKeys.fields(t);
  return {
    channels: k.list({
      type: ChatUserChannelConnection,
      nullable: false,
      description: "The channels the user belongs to, with the user's read position and notification level in each.",
      args: forwardArgs(t.arg),
      resolve: (u, args, ctx) =>
        resolveConnection(twilioList(ctx, chat.chatOperations.ListUserChannel, { path: { ServiceSid: u.service, UserSid: u.user } }), args),
    }),
    channel: k.lookup({
      type: ChatUserChannel,
      description: 'One channel of the user, by SID or unique name; null when the user is not in it.',
      args: { sidOrUniqueName: t.arg.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }) },
      resolve: (u, { sidOrUniqueName }, ctx) =>
        ChatUserChannel.getDataloader(ctx).load(nodeKey(u.service, u.user, checkKey('sidOrUniqueName', sidOrUniqueName, 'CH'))),
    }),
  };
});

// ---- mutations ----

const userChannelFields = { NotificationLevel: 'notificationLevel', LastConsumedMessageIndex: 'lastConsumedMessageIndex', LastConsumptionTimestamp: 'lastConsumptionTimestamp' };

const UpdateChatUserChannelInput = builder.inputType('UpdateChatUserChannelInput', {
  description: "Changes to a user's settings in a channel; fields left out stay as they are.",
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    userSidOrIdentity: t.string({ required: true, description: 'The SID (`US…`) or identity of the user.' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    notificationLevel: t.field({ type: ChatUserChannelNotificationLevel, description: 'Which push notifications the user gets for the channel.' }),
    lastConsumedMessageIndex: t.int({ description: 'Index of the last message the user has read.' }),
    lastConsumptionTimestamp: t.field({ type: 'DateTime', description: 'When the user last read messages in the channel.' }),
  }),
});

const DeleteChatUserChannelInput = builder.inputType('DeleteChatUserChannelInput', {
  description: 'The user and the channel the user leaves.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    userSidOrIdentity: t.string({ required: true, description: 'The SID (`US…`) or identity of the user.' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
  }),
});

const UpdateChatUserChannelPayload = payloadType('UpdateChatUserChannelPayload', 'chatUserChannel', ChatUserChannel, 'The result of updateChatUserChannel.');
const DeleteChatUserChannelPayload = deletePayloadType('DeleteChatUserChannelPayload', 'The result of deleteChatUserChannel.');

/**
 * After a user's membership changes, its cached copies are stale: the user
 * channel, the membership (read position), and after leaving the channel's
 * member count and the user's channel count too.
 */
function rememberUserChannel(ctx: GatewayContext, record: ChatUserChannelRecord | null): void {
  if (record) ChatUserChannel.getDataloader(ctx).prime(nodeKey(record.service_sid!, record.user_sid!, record.channel_sid!), record);
}

builder.mutationFields((t) => ({
  updateChatUserChannel: t.field({
    type: UpdateChatUserChannelPayload,
    description: "Changes a user's notification level or read position in a channel.",
    args: { input: t.arg({ type: UpdateChatUserChannelInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const user = checkKey('input.userSidOrIdentity', input.userSidOrIdentity, 'US');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const payload = await runWrite(ctx, userChannelFields, () =>
        chat.updateUserChannel(ctx.twilio, {
          path: { ServiceSid: service, UserSid: user, ChannelSid: channel },
          body: {
            NotificationLevel: input.notificationLevel ?? undefined,
            LastConsumedMessageIndex: input.lastConsumedMessageIndex ?? undefined,
            LastConsumptionTimestamp: input.lastConsumptionTimestamp ?? undefined,
          },
        }),
      );
      rememberUserChannel(ctx, payload.result);
      return payload;
    },
  }),
  deleteChatUserChannel: t.field({
    type: DeleteChatUserChannelPayload,
    description: 'Takes a user out of a channel: the user leaves it, and its membership is deleted.',
    args: { input: t.arg({ type: DeleteChatUserChannelInput, required: true, description: 'The user and the channel it leaves.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const user = checkKey('input.userSidOrIdentity', input.userSidOrIdentity, 'US');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      let record: ChatUserChannelRecord | null = null;
      const payload = await runWrite(ctx, {}, async () => {
        // The deleted ID must carry SIDs, so names are resolved first when given.
        if (!isSid(user, 'US') || !isSid(channel, 'CH')) {
          record = await chat.fetchUserChannel(ctx.twilio, { path: { ServiceSid: service, UserSid: user, ChannelSid: channel } });
        }
        const userSid = record?.user_sid ?? user;
        const channelSid = record?.channel_sid ?? channel;
        await chat.deleteUserChannel(ctx.twilio, { path: { ServiceSid: service, UserSid: userSid, ChannelSid: channelSid } });
        return encodeGlobalId('ChatUserChannel', nodeKey(service, userSid, channelSid));
      });
      return payload;
    },
  }),
}));
