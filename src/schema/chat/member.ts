/** ChatMember: a user's membership of one channel. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatMemberRecord } from '../../twilio/chat.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey, splitNodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { checkKey, isSid } from '../shared/validate.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { parseJsonText } from '../shared/json.ts';
import { channelSidOrUniqueName, importDates, serviceSid, webhookEnabled } from './shared.ts';
import { ChatChannel, channelKeys, channelOf } from './channel.ts';
import { ChatUser, userByIdentity } from './user.ts';
import { ChatRole } from './role.ts';
import { ChatService, serviceKeys } from './service.ts';

export const ChatMember = builder.loadableNodeRef<ChatMemberRecord>(
  'ChatMember',
  fetchedNode(
    'ChatMember',
    (m) => [m.service_sid!, m.channel_sid!, m.sid!],
    (ctx, [service, channel, sid]) => chat.fetchMember(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
  ),
);

export const ChatMemberConnection = builder.connectionObject(
  { type: ChatMember, name: 'ChatMemberConnection', description: 'A page of channel members.' },
  { description: 'A channel member with its cursor.' },
);

/** How many identities go into one `ListMember?Identity=…` call, keeping its URL short. */
export const IDENTITIES_PER_CALL = 50;

/**
 * Members wanted by identity (`serviceSid:channelSid:identity`), batched per
 * channel into `ListMember?Identity=a&Identity=b…`: one call for up to 50
 * identities instead of one fetch each.
 */
export function memberByIdentity(ctx: GatewayContext, serviceSid: string, channelSid: string, identity: string) {
  const loader = ctx.twilio.cache.loader<ChatMemberRecord | null>('chat.membersByIdentity', async (keys) => {
    const byChannel = new Map<string, string[]>();
    for (const key of keys) {
      const [service, channel, who] = splitNodeKey(key, 'ChatMember');
      const channelKey = nodeKey(service!, channel!);
      byChannel.set(channelKey, [...(byChannel.get(channelKey) ?? []), who!]);
    }
    const found = new Map<string, ChatMemberRecord | Error>();
    const calls: Promise<void>[] = [];
    for (const [channelKey, identities] of byChannel) {
      const [service, channel] = channelKey.split(':') as [string, string];
      for (let i = 0; i < identities.length; i += IDENTITIES_PER_CALL) {
        const chunk = identities.slice(i, i + IDENTITIES_PER_CALL);
        calls.push(
          chat
            .listMembers(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channel }, query: { Identity: chunk, PageSize: chunk.length } })
            .then((page) => {
              for (const m of page.items) {
                found.set(nodeKey(service, channel, m.identity!), m);
                ChatMember.getDataloader(ctx).prime(nodeKey(service, channel, m.sid!), m);
              }
            })
            .catch((error: unknown) => {
              for (const who of chunk) found.set(nodeKey(service, channel, who), error instanceof Error ? error : new Error(String(error)));
            }),
        );
      }
    }
    await Promise.all(calls);
    return keys.map((key) => found.get(key) ?? null);
  });
  return loader.load(nodeKey(serviceSid, channelSid, identity));
}

/**
 * A membership a link points at by SID (a user's channels): read from its
 * channel's member list, one call per channel for the whole request, rather
 * than one fetch per membership.
 */
export function memberBySid(ctx: GatewayContext, serviceSid: string, channelSid: string, memberSid: string) {
  return ctx.twilio.cache
    .loader<ChatMemberRecord>('chat.membersBySid', (keys) =>
      loadViaList<ChatMemberRecord>(ctx, keys, {
        typename: 'ChatMember',
        listFrom: 1,
        memoKey: (channel) => `chat.members:${channel}`,
        listPage: (channel) => {
          const [service, sid] = splitNodeKey(channel, 'ChatChannel') as [string, string];
          return chat.listMembers(ctx.twilio, { path: { ServiceSid: service, ChannelSid: sid }, query: { PageSize: 1000 } });
        },
        fetchOne: (channel, sid) => {
          const [service, channelSid] = splitNodeKey(channel, 'ChatChannel') as [string, string];
          return chat.fetchMember(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channelSid, Sid: sid } });
        },
        idsOf: (m) => [m.sid!],
        prime: (channel, m) => ChatMember.getDataloader(ctx).prime(nodeKey(channel, m.sid!), m),
      }),
    )
    .load(nodeKey(serviceSid, channelSid, memberSid));
}

ChatMember.implement({
  description: "A member of a channel: a user's membership, with its channel role and read position.",
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the member (`MB…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the member.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service.', resolve: (m) => m.service_sid! }),
    service: t.field({
      type: ChatService,
      description: 'The service of the channel.',
      resolve: (m, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: m.service_sid! }, { exists: true }),
    }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel.', resolve: (m) => m.channel_sid! }),
    channel: t.field({
      type: ChatChannel,
      description: 'The channel of the membership.',
      resolve: (m, _, ctx, info) => channelOf(ctx, info, m.service_sid, m.channel_sid, true),
    }),
    identity: t.exposeString('identity', { description: "The member's user identity." }),
    user: t.field({
      type: ChatUser,
      extensions: listedPer('ChatService'),
      description: 'The user who is the member.',
      resolve: (m, _, ctx, info) => (m.identity ? userByIdentity(ctx, info, m.service_sid!, m.identity) : null),
    }),
    roleSid: t.exposeString('role_sid', { description: "The SID of the member's channel role." }),
    role: t.field({
      type: ChatRole,
      extensions: listedPer('ChatService'),
      description: "The member's channel role.",
      resolve: (m, _, ctx) => (m.role_sid ? ChatRole.getDataloader(ctx).load(nodeKey(m.service_sid!, m.role_sid)) : null),
    }),
    attributes: t.field({ type: 'JSON', description: 'Application data stored with the member.', resolve: (m) => parseJsonText(m.attributes) }),
    lastConsumedMessageIndex: t.exposeInt('last_consumed_message_index', { description: 'Index of the last message the member has read; null when none.' }),
    lastConsumptionTimestamp: t.field({ type: 'DateTime', description: 'When the member last read messages.', resolve: (m) => m.last_consumption_timestamp }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the member joined.', resolve: (m) => m.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the member was last updated.', resolve: (m) => m.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the member.', resolve: (m) => m.url }),
  }),
});

builder.objectFields(ChatChannel, (t) => {
  const k = childFields(channelKeys, t);
  return {
    members: k.connection({
      type: ChatMemberConnection,
      description: "The channel's members, in the order they joined.",
      args: { identity: t.arg.stringList({ description: 'Only the members with these identities.' }) },
      operation: chat.chatOperations.ListMember,
      request: (c, args) => ({ path: { ServiceSid: c.service, ChannelSid: c.channel }, query: { Identity: args.identity ?? undefined } }),
    }),
    member: k.lookup({
      type: ChatMember,
      description: 'One member of the channel, by SID or identity; null when there is none.',
      args: { sidOrIdentity: t.arg.string({ required: true, description: 'The SID (`MB…`) or identity of the member.' }) },
      resolve: (c, { sidOrIdentity }, ctx) => {
        const key = checkKey('sidOrIdentity', sidOrIdentity, 'MB');
        return isSid(key, 'MB') ? ChatMember.getDataloader(ctx).load(nodeKey(c.service, c.channel, key)) : memberByIdentity(ctx, c.service, c.channel, key);
      },
    }),
  };
});

// ---- mutations ----

/** The member a write names, by SID or identity. */
const memberSidOrIdentity = param('path', 'Sid', 'String', 'The SID (`MB…`) or identity of the member.', { required: true, sidOrName: 'MB' });

/** The read position and dates a member's create and update share. */
const readAndDates = {
  lastConsumedMessageIndex: param('body', 'LastConsumedMessageIndex', 'Int', 'Index of the last message the member has read.'),
  lastConsumptionTimestamp: param('body', 'LastConsumptionTimestamp', 'DateTime', 'When the member last read messages.'),
  ...importDates('Join date to record, for imports.'),
};

twilioMutation('createChatMember', {
  operation: chat.chatOperations.CreateMember,
  description: 'Adds a user to a channel.',
  input: {
    description: 'A new member of a channel. A new identity also becomes a user of the service.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      identity: p.body('Identity', 'String', 'The identity of the user to add.', { required: true }),
      roleSid: p.body('RoleSid', 'String', "SID of the member's channel role; the service's default when omitted.", { sid: 'RL' }),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the member.'),
      ...readAndDates,
      webhookEnabled,
    }),
  },
  result: { field: 'chatMember', type: ChatMember },
});

twilioMutation('updateChatMember', {
  operation: chat.chatOperations.UpdateMember,
  description: 'Changes a member: its role, attributes or read position.',
  input: {
    description: 'Changes to a member; fields left out stay as they are.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      sidOrIdentity: memberSidOrIdentity,
      roleSid: p.body('RoleSid', 'String', "SID of the member's new channel role (`RL…`).", { sid: 'RL' }),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the member, replacing what is stored.'),
      ...readAndDates,
      webhookEnabled,
    }),
  },
  result: { field: 'chatMember', type: ChatMember },
});

twilioMutation('deleteChatMember', {
  operation: chat.chatOperations.DeleteMember,
  description: 'Removes a member from its channel.',
  input: {
    description: 'The member to remove from its channel.',
    fields: () => ({ serviceSid, channelSidOrUniqueName, sidOrIdentity: memberSidOrIdentity, webhookEnabled }),
  },
  result: { deletes: 'ChatMember' },
  // The deleted ID must carry SIDs, so names are resolved first when given.
  write: async ({ request, send, ctx }) => {
    const { ServiceSid: service, ChannelSid: channel, Sid: member } = request.path;
    const record = isSid(member, 'MB') && isSid(channel, 'CH') ? null : await chat.fetchMember(ctx.twilio, { path: request.path });
    await send({ ...request, path: { ServiceSid: service, ChannelSid: record?.channel_sid ?? channel, Sid: record?.sid ?? member } });
  },
});
