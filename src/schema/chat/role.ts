/** ChatRole: a named set of permissions, given to users (deployment roles) or channel members (channel roles). */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatRoleRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import type { GatewayContext } from '../context.ts';
import { serviceSid } from './shared.ts';
import { ChatService, serviceKeys } from './service.ts';

export const ChatRoleType = builder.enumType('ChatRoleType', {
  description: 'What a role applies to.',
  values: {
    CHANNEL: { value: 'channel', description: 'Given to members within one channel.' },
    DEPLOYMENT: { value: 'deployment', description: 'Given to users across the whole service.' },
  } as const,
});

export const ChatRole = builder.loadableNodeRef<ChatRoleRecord>('ChatRole', {
  id: { resolve: (r) => nodeKey(r.service_sid!, r.sid!) },
  // A service has a handful of roles: two or more wanted at once are one list read.
  load: (keys, ctx) =>
    loadViaList<ChatRoleRecord>(ctx, keys, {
      typename: 'ChatRole',
      listFrom: 1,
      memoKey: (service) => `chat.roles:${service}`,
      listPage: (service) => chat.listRoles(ctx.twilio, { path: { ServiceSid: service }, query: { PageSize: 1000 } }),
      fetchOne: (service, sid) => chat.fetchRole(ctx.twilio, { path: { ServiceSid: service, Sid: sid } }),
      idsOf: (r) => [r.sid!],
      prime: (service, r) => ChatRole.getDataloader(ctx).prime(nodeKey(service, r.sid!), r),
    }),
  cacheResolved: (r) => nodeKey(r.service_sid!, r.sid!),
});

export const ChatRoleConnection = builder.connectionObject(
  { type: ChatRole, name: 'ChatRoleConnection', description: 'A page of roles.' },
  { description: 'A role with its cursor.' },
);

ChatRole.implement({
  description: 'A role: the permissions of the users or channel members that hold it.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the role (`RL…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the role.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service the role belongs to.', resolve: (r) => r.service_sid! }),
    service: t.field({
      type: ChatService,
      description: 'The service the role belongs to.',
      resolve: (r, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: r.service_sid! }, { exists: true }),
    }),
    friendlyName: t.exposeString('friendly_name', { description: 'The name of the role.' }),
    type: t.field({ type: ChatRoleType, description: 'Whether the role is for channel members or service users.', resolve: (r) => r.type }),
    permissions: t.exposeStringList('permissions', { description: 'The permissions the role grants (`sendMessage`, `addMember`, …).' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the role was created.', resolve: (r) => r.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the role was last updated.', resolve: (r) => r.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the role.', resolve: (r) => r.url }),
  }),
});

const serviceRole = (ctx: GatewayContext, serviceSid: string | null, sid: string | null) =>
  serviceSid && sid ? ChatRole.getDataloader(ctx).load(nodeKey(serviceSid, sid)) : null;

builder.objectFields(ChatService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    defaultServiceRole: t.field({
      type: ChatRole,
      extensions: listedPer('ChatService'),
      description: 'The role new users get.',
      resolve: (s, _, ctx) => serviceRole(ctx, s.sid, s.default_service_role_sid),
    }),
    defaultChannelRole: t.field({
      type: ChatRole,
      extensions: listedPer('ChatService'),
      description: 'The role new channel members get.',
      resolve: (s, _, ctx) => serviceRole(ctx, s.sid, s.default_channel_role_sid),
    }),
    defaultChannelCreatorRole: t.field({
      type: ChatRole,
      extensions: listedPer('ChatService'),
      description: 'The role a channel creator gets.',
      resolve: (s, _, ctx) => serviceRole(ctx, s.sid, s.default_channel_creator_role_sid),
    }),
    roles: k.connection({
      type: ChatRoleConnection,
      description: "The service's roles, its four default roles among them.",
      operation: chat.chatOperations.ListRole,
      request: (s) => ({ path: { ServiceSid: s.service } }),
    }),
    role: k.bySid({
      type: ChatRole,
      description: 'One role of the service by SID; null when there is none.',
      sid: 'RL',
      sidDescription: 'The SID of the role (`RL…`).',
    }),
  };
});

// ---- mutations ----

/** The role a write names. */
const roleSid = param('path', 'Sid', 'String', 'The SID of the role (`RL…`).', { required: true, sid: 'RL' });

twilioMutation('createChatRole', {
  operation: chat.chatOperations.CreateRole,
  description: 'Creates a role in a Chat service.',
  input: {
    description: 'A new role.',
    fields: (p) => ({
      serviceSid,
      friendlyName: p.body('FriendlyName', 'String', 'A name for the role, unique in the service.', { required: true }),
      type: p.body('Type', ChatRoleType, 'Whether the role is for channel members or service users.', { required: true }),
      permissions: p.body('Permission', ['String'], 'The permissions the role grants.', { required: true }),
    }),
  },
  result: { field: 'chatRole', type: ChatRole },
});

twilioMutation('updateChatRole', {
  operation: chat.chatOperations.UpdateRole,
  description: "Replaces a role's permissions.",
  input: {
    description: "A role's new permissions; they replace the old ones.",
    fields: (p) => ({
      serviceSid,
      sid: roleSid,
      permissions: p.body('Permission', ['String'], 'The permissions the role grants from now on.', { required: true }),
    }),
  },
  result: { field: 'chatRole', type: ChatRole },
});

twilioMutation('deleteChatRole', {
  operation: chat.chatOperations.DeleteRole,
  description: 'Deletes a role. Twilio refuses to delete a default role of the service.',
  input: {
    description: 'The role to delete.',
    fields: () => ({ serviceSid, sid: roleSid }),
  },
  result: { deletes: 'ChatRole' },
});
