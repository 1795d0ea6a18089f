/** ChatChannel: a conversation in a Chat service, with its members, messages, invites and webhooks. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatChannelRecord } from '../../twilio/chat.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { checkKey, isSid } from '../shared/validate.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { parseJsonText } from '../shared/json.ts';
import { serviceSid, webhookEnabled } from './shared.ts';
import { ChatService, serviceKeys } from './service.ts';
import { ChatUser, userByIdentity } from './user.ts';

export const ChatChannelType = builder.enumType('ChatChannelType', {
  description: 'Who can see and join a channel.',
  values: {
    PUBLIC: { value: 'public', description: 'Listed for every user of the service; anyone may join.' },
    PRIVATE: { value: 'private', description: 'Visible only to its members; joined by invitation.' },
  } as const,
});

/** How channels are read: a service's list page once it is worth it, else one fetch each. */
function channelSource(ctx: GatewayContext, listFrom: number) {
  return {
    typename: 'ChatChannel',
    listFrom,
    memoKey: (service: string) => `chat.channels:${service}`,
    listPage: (service: string) => chat.listChannels(ctx.twilio, { path: { ServiceSid: service }, query: { PageSize: 1000 } }),
    fetchOne: async (service: string, id: string) => {
      const record = await chat.fetchChannel(ctx.twilio, { path: { ServiceSid: service, Sid: id } });
      // A channel fetched by unique name is also kept under its SID.
      ChatChannel.getDataloader(ctx).prime(nodeKey(service, record.sid!), record);
      return record;
    },
    idsOf: (c: ChatChannelRecord) => (c.unique_name ? [c.sid!, c.unique_name] : [c.sid!]),
    prime: (service: string, c: ChatChannelRecord) => ChatChannel.getDataloader(ctx).prime(nodeKey(service, c.sid!), c),
  };
}

/** A channel is reached by its service's SID and its own SID or unique name, which Twilio takes in the paths under it too. */
export const channelKeys = new NodeKeys<ChatChannelRecord, { service: string; channel: string }>(
  'ChatChannel',
  { service: { sid: 'IS' }, channel: { sid: 'CH', name: 'paths' } },
  (c) => ({ service: c.service_sid!, channel: c.sid! }),
  (ctx, key): Promise<ChatChannelRecord | null> => ChatChannel.getDataloader(ctx).load(key),
);

/**
 * Loader keys are `serviceSid:channelSid` or `serviceSid:uniqueName`. One
 * channel is one fetch; several channels of one service wanted at once (the
 * channels of a page of invites) are served from one read of the service's
 * channel list.
 */
export const ChatChannel = builder.loadableNodeRef<ChatChannelRecord>('ChatChannel', {
  id: channelKeys.id,
  load: (keys, ctx) => loadViaList<ChatChannelRecord>(ctx, keys, channelSource(ctx, 2)),
  cacheResolved: (c) => channelKeys.cacheKey(c),
});

/**
 * The channel of a user's membership. A user's channels, or the channels of a
 * page of users, are many channels of one service: they read the service's
 * channel list once (one call for up to 1000) rather than fetching each, however
 * the loads fall into batches.
 */
export function channelOfMembership(ctx: GatewayContext, serviceSid: string, channelSid: string) {
  return ctx.twilio.cache
    .loader<ChatChannelRecord>('chat.channelsOfMemberships', (keys) => loadViaList(ctx, keys, channelSource(ctx, 1)))
    .load(nodeKey(serviceSid, channelSid));
}

export const ChatChannelConnection = builder.connectionObject(
  { type: ChatChannel, name: 'ChatChannelConnection', description: 'A page of channels.' },
  { description: 'A channel with its cursor.' },
);

/** The channel a record names (a member's, a message's): not read when the query asks only for what lies under it. */
export function channelOf(ctx: GatewayContext, info: GraphQLResolveInfo, serviceSid: string | null, channelSid: string | null, exists: boolean) {
  return serviceSid && channelSid ? channelKeys.resolve(ctx, info, { service: serviceSid, channel: channelSid }, { exists }) : null;
}

ChatChannel.implement({
  description: 'A channel: a conversation between the members of a Chat service.',
  fields: (t) => {
    const k = channelKeys.fields(t);
    return {
      sid: k.key(['channel'])({ type: 'String', nullable: false, description: 'The SID of the channel (`CH…`).', resolve: (c) => c.channel }),
      accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the channel.' }),
      serviceSid: k.key()({ type: 'String', nullable: false, description: 'The SID of the service the channel belongs to.', resolve: (c) => c.service }),
      service: k.key()({
        type: ChatService,
        description: 'The service the channel belongs to.',
        resolve: (c, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: c.service }, { exists: c.exists }),
      }),
      friendlyName: t.exposeString('friendly_name', { description: 'The name shown for the channel.' }),
      uniqueName: t.exposeString('unique_name', { description: 'A name unique in the service, usable instead of the SID.' }),
      attributes: t.field({ type: 'JSON', description: 'Application data stored with the channel.', resolve: (c) => parseJsonText(c.attributes) }),
      type: t.field({ type: ChatChannelType, description: 'Whether the channel is public or private.', resolve: (c) => c.type }),
      createdBy: t.exposeString('created_by', { description: 'The identity of the user who created the channel, or `system`.' }),
      creator: t.field({
        extensions: listedPer('ChatService'),
        type: ChatUser,
        description: 'The user who created the channel; null when the system created it.',
        resolve: (c, _, ctx, info) => (c.created_by && c.created_by !== 'system' ? userByIdentity(ctx, info, c.service_sid!, c.created_by) : null),
      }),
      membersCount: t.exposeInt('members_count', { description: 'How many members the channel has.' }),
      messagesCount: t.exposeInt('messages_count', { description: 'How many messages the channel has.' }),
      dateCreated: t.field({ type: 'DateTime', description: 'When the channel was created.', resolve: (c) => c.date_created }),
      dateUpdated: t.field({ type: 'DateTime', description: 'When the channel was last updated.', resolve: (c) => c.date_updated }),
      url: t.field({ type: 'URL', description: 'The REST URL of the channel.', resolve: (c) => c.url }),
      links: t.field({ type: 'JSON', description: 'REST URLs of the related lists.', resolve: (c) => c.links }),
    };
  },
});

builder.objectFields(ChatService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    channels: k.connection({
      type: ChatChannelConnection,
      description: "The service's channels, oldest first.",
      args: { type: t.arg({ type: [ChatChannelType], description: 'Only channels of these types.' }) },
      operation: chat.chatOperations.ListChannel,
      request: (s, args) => ({ path: { ServiceSid: s.service }, query: { Type: args.type ?? undefined } }),
    }),
    channel: k.lookup({
      type: ChatChannel,
      description: lookupDescription('One channel of the service, by SID or unique name', 'channel'),
      args: { sidOrUniqueName: t.arg.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }) },
      resolve: (s, { sidOrUniqueName }, ctx, info) =>
        channelKeys.resolve(ctx, info, { service: s.service, channel: checkKey('sidOrUniqueName', sidOrUniqueName, 'CH') }),
    }),
  };
});

// ---- mutations ----

/** The channel an update or delete names, sent as the path's own `Sid`. */
const channelItself = param('path', 'Sid', 'String', 'The SID (`CH…`) or unique name of the channel.', { required: true, sidOrName: 'CH' });

twilioMutation('createChatChannel', {
  operation: chat.chatOperations.CreateChannel,
  description: 'Creates a channel in a Chat service.',
  input: {
    description: 'A new channel.',
    fields: (p) => ({
      serviceSid,
      friendlyName: p.body('FriendlyName', 'String', 'The name shown for the channel.'),
      uniqueName: p.body('UniqueName', 'String', 'A name unique in the service.'),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the channel.'),
      type: p.body('Type', ChatChannelType, 'Public (the default) or private.'),
      createdBy: p.body('CreatedBy', 'String', 'The identity of the creating user; `system` when omitted.'),
      dateCreated: p.body('DateCreated', 'DateTime', 'Creation date to record, for imports.'),
      dateUpdated: p.body('DateUpdated', 'DateTime', 'Update date to record, for imports.'),
      webhookEnabled,
    }),
  },
  result: { field: 'chatChannel', type: ChatChannel },
});

twilioMutation('updateChatChannel', {
  operation: chat.chatOperations.UpdateChannel,
  description: 'Changes a channel.',
  input: {
    description: 'Changes to a channel; fields left out stay as they are.',
    fields: (p) => ({
      serviceSid,
      sidOrUniqueName: channelItself,
      friendlyName: p.body('FriendlyName', 'String', 'The name shown for the channel.'),
      uniqueName: p.body('UniqueName', 'String', 'A name unique in the service, usable instead of the SID.'),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the channel, replacing what is stored.'),
      createdBy: p.body('CreatedBy', 'String', 'The identity to record as the creator.'),
      dateCreated: p.body('DateCreated', 'DateTime', 'Creation date to record, for imports.'),
      dateUpdated: p.body('DateUpdated', 'DateTime', 'Update date to record, for imports.'),
      webhookEnabled,
    }),
  },
  result: { field: 'chatChannel', type: ChatChannel },
});

twilioMutation('deleteChatChannel', {
  operation: chat.chatOperations.DeleteChannel,
  description: 'Deletes a channel with its members, messages, invites and webhooks.',
  input: {
    description: 'The channel to delete, with its members and messages.',
    fields: (p) => ({
      serviceSid,
      sidOrUniqueName: channelItself,
      webhookEnabled,
    }),
  },
  result: { deletes: 'ChatChannel' },
  // The deleted ID must carry the SID, so a channel named by unique name is looked up first.
  write: async ({ request, send, ctx }) => {
    const { ServiceSid, Sid } = request.path;
    await send({ ...request, path: { ServiceSid, Sid: await channelSid(ctx, ServiceSid, Sid) } });
  },
});

/** The SID of a channel named by SID or unique name: read when it is a name. */
export async function channelSid(ctx: GatewayContext, service: string, channel: string): Promise<string> {
  return isSid(channel, 'CH') ? channel : (await chat.fetchChannel(ctx.twilio, { path: { ServiceSid: service, Sid: channel } })).sid!;
}
