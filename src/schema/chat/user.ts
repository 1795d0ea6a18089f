/** ChatUser: a person (an identity) in a Chat service. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatUserRecord } from '../../twilio/chat.ts';
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
import { ChatRole } from './role.ts';

/** How users are read: a service's list page once it is worth it, else one fetch each. */
function userSource(ctx: GatewayContext, listFrom: number) {
  return {
    typename: 'ChatUser',
    listFrom,
    memoKey: (service: string) => `chat.users:${service}`,
    listPage: (service: string) => chat.listUsers(ctx.twilio, { path: { ServiceSid: service }, query: { PageSize: 1000 } }),
    fetchOne: (service: string, id: string) => chat.fetchUser(ctx.twilio, { path: { ServiceSid: service, Sid: id } }),
    idsOf: (u: ChatUserRecord) => [u.sid!, u.identity!],
    prime: (service: string, u: ChatUserRecord) => ChatUser.getDataloader(ctx).prime(nodeKey(service, u.sid!), u),
  };
}

/** A user is reached by its service's SID and its own SID or identity, which Twilio takes in the paths under it too. */
export const userKeys = new NodeKeys<ChatUserRecord, { service: string; user: string }>(
  'ChatUser',
  { service: { sid: 'IS' }, user: { sid: 'US', name: 'paths' } },
  (u) => ({ service: u.service_sid!, user: u.sid! }),
  (ctx, key): Promise<ChatUserRecord | null> => ChatUser.getDataloader(ctx).load(key),
);

export const ChatUser = builder.loadableNodeRef<ChatUserRecord>('ChatUser', {
  id: userKeys.id,
  // One user looked up directly is one fetch; several of one service at once are one list read.
  load: (keys, ctx) => loadViaList(ctx, keys, userSource(ctx, 2)),
  cacheResolved: (u) => userKeys.cacheKey(u),
});

export const ChatUserConnection = builder.connectionObject(
  { type: ChatUser, name: 'ChatUserConnection', description: 'A page of users.' },
  { description: 'A user with its cursor.' },
);

/**
 * The user behind an identity (a member, a message author, a channel creator).
 * These links are where a query wants many users of one service, so they read
 * the service's user list once (one call for up to 1000 users) rather than
 * fetching each user: a whole page of members and messages costs one call.
 */
export function userByIdentity(ctx: GatewayContext, info: GraphQLResolveInfo, serviceSid: string, identity: string) {
  // Asked only for what lies under the user, it is not read: Twilio takes the identity in the paths under it.
  return userKeys.resolve(ctx, info, { service: serviceSid, user: identity }, { load: () => userFromList(ctx, serviceSid, identity) });
}

/** A user referenced by another subgraph, by SID or identity: read from the service's user list, as links are. */
export function userReference(ctx: GatewayContext, info: GraphQLResolveInfo, serviceSid: string, sidOrIdentity: string) {
  return userKeys.reference(ctx, info, nodeKey(serviceSid, sidOrIdentity), () => userFromList(ctx, serviceSid, sidOrIdentity));
}

function userFromList(ctx: GatewayContext, serviceSid: string, sidOrIdentity: string) {
  return ctx.twilio.cache
    .loader<ChatUserRecord>('chat.usersByIdentity', (keys) => loadViaList(ctx, keys, userSource(ctx, 1)))
    .load(nodeKey(serviceSid, sidOrIdentity));
}

ChatUser.implement({
  description: 'A user of a Chat service: an identity from your application, with its role and presence.',
  fields: (t) => {
    const k = userKeys.fields(t);
    return {
      sid: k.key(['user'])({ type: 'String', nullable: false, description: 'The SID of the user (`US…`).', resolve: (u) => u.user }),
      accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the user.' }),
      serviceSid: k.key()({ type: 'String', nullable: false, description: 'The SID of the service the user belongs to.', resolve: (u) => u.service }),
      service: k.key()({
        type: ChatService,
        description: 'The service the user belongs to.',
        resolve: (u, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: u.service }, { exists: u.exists }),
      }),
      identity: t.string({ nullable: false, description: "The user's identity in your application, unique in the service.", resolve: (u) => u.identity! }),
      friendlyName: t.exposeString('friendly_name', { description: 'The name shown for the user.' }),
      attributes: t.field({ type: 'JSON', description: 'Application data stored with the user.', resolve: (u) => parseJsonText(u.attributes) }),
      roleSid: t.exposeString('role_sid', { description: "The SID of the user's service-wide role." }),
      role: t.field({
        type: ChatRole,
        extensions: listedPer('ChatService'),
        description: "The user's service-wide role.",
        resolve: (u, _, ctx) => (u.role_sid ? ChatRole.getDataloader(ctx).load(nodeKey(u.service_sid!, u.role_sid)) : null),
      }),
      isOnline: t.exposeBoolean('is_online', { description: 'Whether the user is connected; null unless the service has reachability on.' }),
      isNotifiable: t.exposeBoolean('is_notifiable', {
        description: 'Whether the user can get push notifications; null unless the service has reachability on.',
      }),
      joinedChannelsCount: t.exposeInt('joined_channels_count', { description: 'How many channels the user is a member of.' }),
      dateCreated: t.field({ type: 'DateTime', description: 'When the user was created.', resolve: (u) => u.date_created }),
      dateUpdated: t.field({ type: 'DateTime', description: 'When the user was last updated.', resolve: (u) => u.date_updated }),
      url: t.field({ type: 'URL', description: 'The REST URL of the user.', resolve: (u) => u.url }),
      links: t.field({ type: 'JSON', description: 'REST URLs of the related lists.', resolve: (u) => u.links }),
    };
  },
});

builder.objectFields(ChatService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    users: k.connection({
      type: ChatUserConnection,
      description: "The service's users, oldest first.",
      operation: chat.chatOperations.ListUser,
      request: (s) => ({ path: { ServiceSid: s.service } }),
    }),
    user: k.lookup({
      type: ChatUser,
      description: lookupDescription('One user of the service, by SID or identity', 'user'),
      args: { sidOrIdentity: t.arg.string({ required: true, description: 'The SID (`US…`) or identity of the user.' }) },
      resolve: (s, { sidOrIdentity }, ctx, info) => userKeys.resolve(ctx, info, { service: s.service, user: checkKey('sidOrIdentity', sidOrIdentity, 'US') }),
    }),
  };
});

// ---- mutations ----

/** The user an update or delete names, sent as the path's own `Sid`. */
const userItself = param('path', 'Sid', 'String', 'The SID (`US…`) or identity of the user.', { required: true, sidOrName: 'US' });

twilioMutation('createChatUser', {
  operation: chat.chatOperations.CreateUser,
  description: 'Creates a user in a Chat service.',
  input: {
    description: 'A new user.',
    fields: (p) => ({
      serviceSid,
      identity: p.body('Identity', 'String', "The user's identity in your application, unique in the service.", { required: true }),
      friendlyName: p.body('FriendlyName', 'String', 'The name shown for the user.'),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the user.'),
      roleSid: p.body('RoleSid', 'String', "SID of the user's service-wide role; the service's default when omitted.", { sid: 'RL' }),
      webhookEnabled,
    }),
  },
  result: { field: 'chatUser', type: ChatUser },
});

twilioMutation('updateChatUser', {
  operation: chat.chatOperations.UpdateUser,
  description: 'Changes a user.',
  input: {
    description: 'Changes to a user; fields left out stay as they are.',
    fields: (p) => ({
      serviceSid,
      sidOrIdentity: userItself,
      friendlyName: p.body('FriendlyName', 'String', 'The name shown for the user.'),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the user, replacing what is stored.'),
      roleSid: p.body('RoleSid', 'String', "SID of the user's new service-wide role (`RL…`).", { sid: 'RL' }),
      webhookEnabled,
    }),
  },
  result: { field: 'chatUser', type: ChatUser },
});

twilioMutation('deleteChatUser', {
  operation: chat.chatOperations.DeleteUser,
  description: 'Deletes a user; it leaves every channel it was a member of.',
  input: {
    description: 'The user to delete; it leaves every channel.',
    fields: (p) => ({
      serviceSid,
      sidOrIdentity: userItself,
    }),
  },
  result: { deletes: 'ChatUser' },
  // The deleted ID must carry the SID, so a user named by identity is looked up first.
  write: async ({ request, send, ctx }) => {
    const { ServiceSid, Sid } = request.path;
    const sid = isSid(Sid, 'US') ? Sid : (await chat.fetchUser(ctx.twilio, { path: { ServiceSid, Sid } })).sid!;
    await send({ ...request, path: { ServiceSid, Sid: sid } });
  },
});
