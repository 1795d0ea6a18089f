/** ChatUserChannel: a channel seen from one of its users, with the user's read position and notification level. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatUserChannelRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { checkKey, isSid } from '../shared/validate.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { channelSidOrUniqueName, serviceSid, userSidOrIdentity } from './shared.ts';
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
      if (record && !(record instanceof Error))
        ChatUserChannel.getDataloader(ctx).prime(nodeKey(record.service_sid!, record.user_sid!, record.channel_sid!), record);
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
    service: t.field({
      type: ChatService,
      description: 'The service of the user and channel.',
      resolve: (u, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: u.service_sid! }, { exists: true }),
    }),
    userSid: t.string({ nullable: false, description: 'The SID of the user.', resolve: (u) => u.user_sid! }),
    user: t.field({
      type: ChatUser,
      description: 'The user.',
      resolve: (u, _, ctx, info) => (u.user_sid ? userKeys.resolve(ctx, info, { service: u.service_sid!, user: u.user_sid }, { exists: true }) : null),
    }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel.', resolve: (u) => u.channel_sid! }),
    channel: t.field({
      type: ChatChannel,
      extensions: listedPer('ChatService'),
      description: 'The channel.',
      resolve: (u, _, ctx, info) =>
        u.service_sid && u.channel_sid
          ? channelKeys.resolve(
              ctx,
              info,
              { service: u.service_sid, channel: u.channel_sid },
              { exists: true, load: () => channelOfMembership(ctx, u.service_sid!, u.channel_sid!) },
            )
          : null,
    }),
    memberSid: t.exposeString('member_sid', { description: "The SID of the user's membership of the channel (`MB…`)." }),
    member: t.field({
      extensions: listedPer('ChatChannel'),
      type: ChatMember,
      description: "The user's membership of the channel; null when the user is not a member.",
      resolve: (u, _, ctx) => (u.member_sid ? memberBySid(ctx, u.service_sid!, u.channel_sid!, u.member_sid) : null),
    }),
    status: t.field({
      type: ChatUserChannelStatus,
      description: 'Whether the user has joined the channel, is invited to it, or neither.',
      resolve: (u) => u.status,
    }),
    unreadMessagesCount: t.exposeInt('unread_messages_count', {
      description: 'How many messages of the channel the user has not read; null when the service does not track read status.',
    }),
    lastConsumedMessageIndex: t.exposeInt('last_consumed_message_index', { description: 'Index of the last message the user has read; null when none.' }),
    notificationLevel: t.field({
      type: ChatUserChannelNotificationLevel,
      description: 'Which push notifications the user gets for the channel.',
      resolve: (u) => u.notification_level,
    }),
    url: t.field({ type: 'URL', description: 'The REST URL of the user channel.', resolve: (u) => u.url }),
    links: t.field({ type: 'JSON', description: 'REST URLs of the channel and the membership.', resolve: (u) => u.links }),
  }),
});

builder.objectFields(ChatUser, (t) => {
  const k = childFields(userKeys, t);
  return {
    channels: k.connection({
      type: ChatUserChannelConnection,
      description: "The channels the user belongs to, with the user's read position and notification level in each.",
      operation: chat.chatOperations.ListUserChannel,
      request: (u) => ({ path: { ServiceSid: u.service, UserSid: u.user } }),
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

twilioMutation('updateChatUserChannel', {
  operation: chat.chatOperations.UpdateUserChannel,
  description: "Changes a user's notification level or read position in a channel.",
  input: {
    description: "Changes to a user's settings in a channel; fields left out stay as they are.",
    fields: (p) => ({
      serviceSid,
      userSidOrIdentity,
      channelSidOrUniqueName,
      notificationLevel: p.body('NotificationLevel', ChatUserChannelNotificationLevel, 'Which push notifications the user gets for the channel.'),
      lastConsumedMessageIndex: p.body('LastConsumedMessageIndex', 'Int', 'Index of the last message the user has read.'),
      lastConsumptionTimestamp: p.body('LastConsumptionTimestamp', 'DateTime', 'When the user last read messages in the channel.'),
    }),
  },
  result: { field: 'chatUserChannel', type: ChatUserChannel },
});

twilioMutation('deleteChatUserChannel', {
  operation: chat.chatOperations.DeleteUserChannel,
  description: 'Takes a user out of a channel: the user leaves it, and its membership is deleted.',
  input: {
    description: 'The user and the channel the user leaves.',
    argument: 'The user and the channel it leaves.',
    fields: () => ({ serviceSid, userSidOrIdentity, channelSidOrUniqueName }),
  },
  result: { deletes: 'ChatUserChannel' },
  write: async ({ request, send, ctx }) => {
    const { ServiceSid: service, UserSid: user, ChannelSid: channel } = request.path;
    // The deleted ID must carry SIDs, so names are resolved first when given.
    const record = isSid(user, 'US') && isSid(channel, 'CH') ? null : await chat.fetchUserChannel(ctx.twilio, { path: request.path });
    await send({ ...request, path: { ServiceSid: service, UserSid: record?.user_sid ?? user, ChannelSid: record?.channel_sid ?? channel } });
  },
});
