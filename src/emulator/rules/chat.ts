/**
 * Programmable Chat v2 behaviour beyond CRUD: default roles of a new service,
 * counts derived from members and messages, per-channel message indexes,
 * users created on first membership, the user's channels and bindings as
 * views over memberships and service bindings, and Chat's quotas and sizes
 * (members per channel, channels per user, webhooks per channel, a message's
 * body, attributes) and which writes count against its per-second limits.
 */
import type { StoredRecord } from '../store.ts';
import { EmulatorError, invalidParameter, notFound } from '../errors.ts';
import type { RateScope } from '../limits.ts';
import type { OpContext, OpResult, ProductRules, RuleAccount } from './types.ts';

const SERVICE = 'ip_messaging.v2.service';
const USER = 'ip_messaging.v2.service.user';

/** Permissions of the four roles Twilio gives every new Chat service. */
const DEFAULT_ROLES = [
  {
    key: 'default_service_role_sid',
    name: 'service user',
    type: 'deployment',
    permissions: ['createChannel', 'joinChannel', 'editOwnUserInfo'],
  },
  {
    key: 'service_admin',
    name: 'service admin',
    type: 'deployment',
    permissions: [
      'createChannel',
      'joinChannel',
      'destroyChannel',
      'inviteMember',
      'removeMember',
      'editChannelName',
      'editChannelAttributes',
      'addMember',
      'editAnyMessage',
      'editAnyMessageAttributes',
      'deleteAnyMessage',
      'editAnyUserInfo',
      'editOwnUserInfo',
    ],
  },
  {
    key: 'default_channel_role_sid',
    name: 'channel user',
    type: 'channel',
    permissions: ['sendMessage', 'leaveChannel', 'editOwnMessage', 'editOwnMessageAttributes', 'deleteOwnMessage', 'sendMediaMessage'],
  },
  {
    key: 'default_channel_creator_role_sid',
    name: 'channel admin',
    type: 'channel',
    permissions: [
      'sendMessage',
      'leaveChannel',
      'editOwnMessage',
      'editOwnMessageAttributes',
      'deleteOwnMessage',
      'sendMediaMessage',
      'inviteMember',
      'removeMember',
      'editChannelName',
      'editChannelAttributes',
      'addMember',
      'editAnyMessage',
      'editAnyMessageAttributes',
      'deleteAnyMessage',
    ],
  },
] as const;

// ---- quotas and sizes ----

/**
 * Counter limits: Twilio refuses a write that would exceed one with 403 and a
 * Chat code (https://www.twilio.com/docs/chat/chat-limits). Channels per user:
 * 250 by default, at most 1,000 (`Limits.UserChannels`), code 50208
 * (https://www.twilio.com/docs/api/errors/50208); members per channel: 100 by
 * default, at most 1,000 (`Limits.ChannelMembers`), code 50403
 * (https://www.twilio.com/docs/api/errors/50403).
 */
const DEFAULT_USER_CHANNELS = 250;
const DEFAULT_CHANNEL_MEMBERS = 100;
const MAX_SERVICE_LIMIT = 1000;
const counterLimit = (code: number, message: string) => new EmulatorError(403, code, message);

/** Up to five webhooks per channel (https://www.twilio.com/docs/chat/rest/channel-webhook-resource), code 50321 (https://www.twilio.com/docs/api/errors/50321). */
const MAX_CHANNEL_WEBHOOKS = 5;

/** A message body is at most 32 KiB (https://www.twilio.com/docs/api/errors/50504). */
const MAX_BODY_BYTES = 32 * 1024;

/**
 * Attributes: Chat's pages name the error (50303, https://www.twilio.com/docs/api/errors/50303)
 * but not the sizes; these are those Twilio documents for the same objects in
 * Conversations, Chat's successor on the same backend: 16 KB for a channel's
 * and a user's, 4 KB for a member's and a message's
 * (https://www.twilio.com/docs/conversations-classic/conversations-limits).
 */
const MAX_ATTRIBUTES_BYTES = { channel: 16 * 1024, user: 16 * 1024, member: 4 * 1024, message: 4 * 1024 } as const;

/** Refuses attributes larger than Twilio keeps for this kind of object. */
function checkAttributes(ctx: OpContext, kind: keyof typeof MAX_ATTRIBUTES_BYTES): void {
  if (!ctx.given.has('Attributes')) return;
  const bytes = Buffer.byteLength(String(ctx.inputs.Attributes));
  const max = MAX_ATTRIBUTES_BYTES[kind];
  if (bytes > max) throw new EmulatorError(400, 50303, `Attributes too long: a ${kind}'s attributes may be at most ${max} bytes, got ${bytes}`);
}

function checkBody(ctx: OpContext): void {
  if (!ctx.given.has('Body') || ctx.inputs.Body === null || ctx.inputs.Body === undefined) return;
  const bytes = Buffer.byteLength(String(ctx.inputs.Body));
  if (bytes > MAX_BODY_BYTES) throw new EmulatorError(400, 50504, `Message body parameter is too long: at most ${MAX_BODY_BYTES} bytes, got ${bytes}`);
}

/** A service's `Limits.ChannelMembers` and `Limits.UserChannels` are 1 to 1,000 (codes 50061 and 50060). */
function checkServiceLimits(ctx: OpContext, changes: Record<string, unknown>): void {
  const limits = changes.limits as { channel_members?: unknown; user_channels?: unknown } | undefined;
  const check = (param: string, value: unknown, code: number) => {
    if (!ctx.given.has(param)) return;
    if (typeof value !== 'number' || value < 1 || value > MAX_SERVICE_LIMIT) {
      throw invalidParameter(`Invalid ${param}: must be from 1 to ${MAX_SERVICE_LIMIT}, got ${String(value)}`, code);
    }
  };
  check('Limits.ChannelMembers', limits?.channel_members, 50061);
  check('Limits.UserChannels', limits?.user_channels, 50060);
}

// ---- rate limits ----

/**
 * The writes Chat limits per channel and per service
 * (https://www.twilio.com/docs/chat/chat-limits): per channel, channel
 * updates and the writes of its members (leaving one through the user's
 * channels included), messages and invites; per service, channel create and
 * delete, and the writes of users, roles and bindings. Reads are not limited.
 */
const CHANNEL_WRITES = new Set([
  'UpdateChannel',
  'CreateMember',
  'UpdateMember',
  'DeleteMember',
  'CreateMessage',
  'UpdateMessage',
  'DeleteMessage',
  'CreateInvite',
  'DeleteInvite',
  'UpdateUserChannel',
  'DeleteUserChannel',
]);
const SERVICE_WRITES = new Set([
  'CreateChannel',
  'DeleteChannel',
  'CreateUser',
  'UpdateUser',
  'DeleteUser',
  'CreateRole',
  'UpdateRole',
  'DeleteRole',
  'DeleteBinding',
  'DeleteUserBinding',
]);

function rateScope(ctx: OpContext): RateScope | undefined {
  const id = ctx.op.operationId;
  if (SERVICE_WRITES.has(id)) return { kind: 'chatService', key: servicePath(ctx) };
  if (!CHANNEL_WRITES.has(id)) return undefined;
  // The channel is a parent of the member, message or invite; or the instance itself (by SID or unique name).
  const raw = id === 'UpdateChannel' ? ctx.params.Sid : ctx.params.ChannelSid;
  const channelResource = ctx.engine.resource('chat.ip_messaging.v2.service.channel');
  const channel = ctx.engine.lookup(ctx.account, channelResource, `${servicePath(ctx)}/Channels`, raw ?? '', true);
  // An unknown channel is answered 404 by the operation itself.
  return channel ? { kind: 'chatChannel', key: channel.path } : undefined;
}

const servicePath = (ctx: OpContext) => `/v2/Services/${ctx.params.ServiceSid}`;
const channelPath = (ctx: OpContext) => `${servicePath(ctx)}/Channels/${ctx.params.ChannelSid}`;

function service(ctx: OpContext): StoredRecord {
  return ctx.account.get(servicePath(ctx))!;
}

/** A role SID given for a member, user or invite must be a role of the service, of the right type. */
function checkRole(ctx: OpContext, roleSid: unknown, type: 'channel' | 'deployment', param = 'RoleSid'): void {
  if (roleSid === undefined || roleSid === null) return;
  const role = ctx.account.get(`${servicePath(ctx)}/Roles/${String(roleSid)}`);
  if (!role) throw invalidParameter(`Invalid ${param}: role ${String(roleSid)} does not exist in this service`, 50100);
  if (role.data.type !== type)
    throw invalidParameter(`Invalid ${param}: role ${String(roleSid)} is a ${String(role.data.type)} role, expected a ${type} role`, 50101);
}

/**
 * A channel webhook is retried "if the first attempt fails", 0 to 3 times:
 * https://www.twilio.com/docs/chat/rest/channel-webhook-resource
 */
function checkRetryCount(value: unknown): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 3) {
    throw invalidParameter(`Invalid Configuration.RetryCount: must be an integer from 0 to 3, got ${JSON.stringify(value)}`, 50065);
  }
}

/** Channels of a service in which `identity` is a member, with that membership. */
function membershipsOf(account: RuleAccount, serviceSid: string, identity: unknown): Array<{ channel: StoredRecord; member: StoredRecord }> {
  const out: Array<{ channel: StoredRecord; member: StoredRecord }> = [];
  for (const channel of account.list(`/v2/Services/${serviceSid}/Channels`)) {
    const member = account.list(`${channel.path}/Members`).find((m) => m.data.identity === identity);
    if (member) out.push({ channel, member });
  }
  return out;
}

/**
 * How many channels each identity of a service has joined, counted once per
 * change of the tables rather than once per user served (a page of 1000 users).
 */
function joinedChannels(account: RuleAccount, serviceSid: string, identity: unknown): number {
  const counts = account.state.chat.joinedChannels.get(account.version, serviceSid, () => {
    const counts = new Map<unknown, number>();
    for (const channel of account.list(`/v2/Services/${serviceSid}/Channels`)) {
      for (const member of account.list(`${channel.path}/Members`)) counts.set(member.data.identity, (counts.get(member.data.identity) ?? 0) + 1);
    }
    return counts;
  });
  return counts.get(identity) ?? 0;
}

function findUser(ctx: OpContext): StoredRecord {
  const users = `${servicePath(ctx)}/Users`;
  const raw = ctx.params.UserSid ?? '';
  const user = ctx.engine.lookup(ctx.account, ctx.engine.resource(`chat.${USER}`), users, raw, true);
  if (!user) throw notFound(`/v2/Services/${ctx.params.ServiceSid}/Users/${raw}`);
  return user;
}

// ---- user channels: a view over the memberships of the user's identity ----

function userChannelView(ctx: OpContext, user: StoredRecord, channel: StoredRecord, member: StoredRecord): StoredRecord {
  const lastIndex = member.data.last_consumed_message_index as number | null;
  const messages = ctx.account.list(`${channel.path}/Messages`);
  const unread = lastIndex === null || lastIndex === undefined ? messages.length : messages.filter((m) => (m.data.index as number) > lastIndex).length;
  return {
    seq: member.seq,
    path: `${user.path}/Channels/${String(channel.data.sid)}`,
    collection: `${user.path}/Channels`,
    data: {
      account_sid: ctx.account.accountSid,
      service_sid: ctx.params.ServiceSid,
      channel_sid: channel.data.sid,
      user_sid: user.data.sid,
      member_sid: member.data.sid,
      status: 'joined',
      last_consumed_message_index: lastIndex ?? null,
      unread_messages_count: unread,
      notification_level: member.data._notification_level ?? 'default',
      _links: { channel: channel.path, member: member.path },
    },
  };
}

function userChannel(ctx: OpContext): { user: StoredRecord; channel: StoredRecord; member: StoredRecord } {
  const user = findUser(ctx);
  const channelResource = ctx.engine.resource('chat.ip_messaging.v2.service.channel');
  const channel = ctx.engine.lookup(ctx.account, channelResource, `${servicePath(ctx)}/Channels`, ctx.params.ChannelSid ?? '', true);
  const member = channel && ctx.account.list(`${channel.path}/Members`).find((m) => m.data.identity === user.data.identity);
  if (!channel || !member) throw notFound(`/v2/Services/${ctx.params.ServiceSid}/Users/${ctx.params.UserSid}/Channels/${ctx.params.ChannelSid}`);
  return { user, channel, member };
}

function serveUserChannel(ctx: OpContext, view: StoredRecord): Record<string, unknown> {
  return ctx.engine.serialize(ctx.account, ctx.op.resource, view);
}

// ---- user bindings: the service's bindings of the user's identity ----

function userBindingView(user: StoredRecord, binding: StoredRecord): StoredRecord {
  return {
    seq: binding.seq,
    path: `${user.path}/Bindings/${String(binding.data.sid)}`,
    collection: `${user.path}/Bindings`,
    data: { ...binding.data, user_sid: user.data.sid, _binding: binding.path },
  };
}

function userBinding(ctx: OpContext): { user: StoredRecord; binding: StoredRecord } {
  const user = findUser(ctx);
  const binding = ctx.account.get(`${servicePath(ctx)}/Bindings/${ctx.params.Sid}`);
  if (!binding || binding.data.identity !== user.data.identity) {
    throw notFound(`/v2/Services/${ctx.params.ServiceSid}/Users/${ctx.params.UserSid}/Bindings/${ctx.params.Sid}`);
  }
  return { user, binding };
}

const ok = (body: unknown): OpResult => ({ status: 200, body });
const noContent: OpResult = { status: 204, body: null };

export const chatRules: ProductRules = {
  rateScope,
  resources: {
    [SERVICE]: {
      defaults: () => ({
        consumption_report_interval: 10,
        limits: { channel_members: DEFAULT_CHANNEL_MEMBERS, user_channels: DEFAULT_USER_CHANNELS },
        media: { size_limit_mb: 150, compatibility_message: 'Media messages are not supported by your client' },
        notifications: {
          log_enabled: false,
          new_message: { enabled: false },
          added_to_channel: { enabled: false },
          removed_from_channel: { enabled: false },
          invited_to_channel: { enabled: false },
        },
        post_webhook_retry_count: 0,
        post_webhook_url: null,
        pre_webhook_retry_count: 0,
        pre_webhook_url: null,
        reachability_enabled: false,
        read_status_enabled: true,
        typing_indicator_timeout: 5,
        webhook_filters: [],
        webhook_method: 'POST',
      }),
      afterCreate(ctx, record) {
        // Twilio creates four roles with every service and points the service's defaults at three of them.
        const serviceSid = String(record.data.sid);
        const defaults: Record<string, string> = {};
        for (const role of DEFAULT_ROLES) {
          const created = ctx.engine.call(
            ctx.account.accountSid,
            'chat.CreateRole',
            { ServiceSid: serviceSid },
            {
              FriendlyName: role.name,
              Type: role.type,
              Permission: [...role.permissions],
            },
          );
          if (role.key !== 'service_admin') defaults[role.key] = (created.body as { sid: string }).sid;
        }
        ctx.account.update(record, defaults);
      },
      beforeUpdate(ctx, record, changes) {
        checkServiceLimits(ctx, changes);
        const roles: Array<[string, 'channel' | 'deployment', string]> = [
          ['DefaultServiceRoleSid', 'deployment', 'default_service_role_sid'],
          ['DefaultChannelRoleSid', 'channel', 'default_channel_role_sid'],
          ['DefaultChannelCreatorRoleSid', 'channel', 'default_channel_creator_role_sid'],
        ];
        for (const [param, type, field] of roles) {
          if (ctx.given.has(param)) checkRole({ ...ctx, params: { ...ctx.params, ServiceSid: String(record.data.sid) } }, changes[field], type, param);
        }
      },
    },

    'ip_messaging.v2.service.channel': {
      altKeys: ['unique_name'],
      unique: [{ field: 'unique_name', code: 50307, message: (v) => `Channel with provided unique name already exists: ${String(v)}` }],
      defaults: () => ({ type: 'public', attributes: '{}', created_by: 'system', friendly_name: null, unique_name: null }),
      beforeCreate: (ctx) => checkAttributes(ctx, 'channel'),
      beforeUpdate: (ctx) => checkAttributes(ctx, 'channel'),
      computed: (account, record) => ({
        members_count: account.list(`${record.path}/Members`).length,
        messages_count: account.list(`${record.path}/Messages`).length,
      }),
      links: (record): Record<string, string> => {
        const last = record.data._last_message as string | undefined;
        return last ? { last_message: last } : {};
      },
    },

    'ip_messaging.v2.service.channel.member': {
      altKeys: ['identity'],
      unique: [{ field: 'identity', code: 50404, message: (v) => `Member already exists: ${String(v)}` }],
      defaults: (ctx) => ({
        role_sid: service(ctx).data.default_channel_role_sid,
        attributes: '{}',
        last_consumed_message_index: null,
        last_consumption_timestamp: null,
      }),
      beforeCreate(ctx, data) {
        checkRole(ctx, data.role_sid, 'channel');
        checkAttributes(ctx, 'member');
        const limits = service(ctx).data.limits as { channel_members?: number; user_channels?: number } | undefined;
        const members = limits?.channel_members ?? DEFAULT_CHANNEL_MEMBERS;
        if (ctx.account.list(ctx.collection).length >= members) {
          throw counterLimit(50403, `Channel member limit exceeded: this channel has the ${members} members its service allows (Limits.ChannelMembers)`);
        }
        const channels = limits?.user_channels ?? DEFAULT_USER_CHANNELS;
        if (joinedChannels(ctx.account, ctx.params.ServiceSid!, data.identity) >= channels) {
          throw counterLimit(
            50208,
            `User channel limit exceeded: ${String(data.identity)} is a member of the ${channels} channels its service allows (Limits.UserChannels)`,
          );
        }
        // Twilio creates the service user for an identity seen for the first time.
        const users = `${servicePath(ctx)}/Users`;
        if (!ctx.account.list(users).some((u) => u.data.identity === data.identity)) {
          ctx.engine.call(ctx.account.accountSid, 'chat.CreateUser', { ServiceSid: ctx.params.ServiceSid! }, { Identity: String(data.identity) });
        }
      },
      afterCreate(ctx, record) {
        // A pending invite for this identity is used up by joining.
        const invite = ctx.account.list(`${channelPath(ctx)}/Invites`).find((i) => i.data.identity === record.data.identity);
        if (invite) ctx.account.remove(invite.path);
      },
      beforeUpdate(ctx, _record, changes) {
        checkAttributes(ctx, 'member');
        if (ctx.given.has('RoleSid')) checkRole(ctx, changes.role_sid, 'channel');
      },
    },

    'ip_messaging.v2.service.channel.message': {
      defaults: (ctx) => ({
        attributes: '{}',
        from: 'system',
        to: ctx.params.ChannelSid,
        body: null,
        media: null,
        type: 'text',
        was_edited: false,
        last_updated_by: null,
      }),
      beforeCreate(ctx, data) {
        // Checked before the index is taken: a refused message must not use one up.
        if (data.body === null && !ctx.given.has('MediaSid')) throw invalidParameter('Missing required parameter Body in the post body (or MediaSid)', 20001);
        checkBody(ctx);
        checkAttributes(ctx, 'message');
        const channel = ctx.account.get(channelPath(ctx))!;
        // Index is per channel and never reused, even after deletes.
        const next = (channel.data._next_index as number | undefined) ?? 0;
        ctx.account.update(channel, { _next_index: next + 1 });
        data.index = next;
        if (ctx.given.has('MediaSid')) {
          data.type = 'media';
          data.media = { sid: ctx.inputs.MediaSid, content_type: 'application/octet-stream', filename: null, size: 0 };
        }
      },
      afterCreate(ctx, record) {
        ctx.account.update(ctx.account.get(channelPath(ctx))!, { _last_message: record.path });
      },
      beforeUpdate(ctx, record, changes) {
        checkBody(ctx);
        checkAttributes(ctx, 'message');
        if (ctx.given.has('Body') && changes.body !== record.data.body) changes.was_edited = true;
      },
    },

    [USER]: {
      altKeys: ['identity'],
      unique: [{ field: 'identity', code: 50201, message: (v) => `User already exists: ${String(v)}` }],
      defaults: (ctx) => ({
        role_sid: service(ctx).data.default_service_role_sid,
        attributes: '{}',
        friendly_name: null,
        is_online: null,
        is_notifiable: null,
      }),
      beforeCreate(ctx, data) {
        checkRole(ctx, data.role_sid, 'deployment');
        checkAttributes(ctx, 'user');
      },
      beforeUpdate(ctx, _record, changes) {
        checkAttributes(ctx, 'user');
        if (ctx.given.has('RoleSid')) checkRole(ctx, changes.role_sid, 'deployment');
      },
      computed: (account, record) => ({
        joined_channels_count: joinedChannels(account, String(record.data.service_sid), record.data.identity),
      }),
      afterDelete(ctx, record) {
        // Deleting a user takes it out of every channel and removes its push bindings.
        for (const { member } of membershipsOf(ctx.account, String(record.data.service_sid), record.data.identity)) ctx.account.remove(member.path);
        for (const binding of ctx.account.list(`${servicePath(ctx)}/Bindings`).filter((b) => b.data.identity === record.data.identity)) {
          ctx.account.remove(binding.path);
        }
      },
    },

    'ip_messaging.v2.service.role': {
      inputFields: { Permission: 'permissions' },
      unique: [{ field: 'friendly_name', code: 50103, message: (v) => `Role with provided friendly name already exists: ${String(v)}` }],
      beforeDelete(ctx, record) {
        const svc = service(ctx);
        const defaults = ['default_service_role_sid', 'default_channel_role_sid', 'default_channel_creator_role_sid'];
        if (defaults.some((k) => svc.data[k] === record.data.sid)) {
          throw new EmulatorError(400, 50102, `Role ${String(record.data.sid)} is a default role of the service and cannot be deleted`);
        }
      },
    },

    'ip_messaging.v2.service.channel.invite': {
      unique: [{ field: 'identity', code: 50405, message: (v) => `Invite already exists for identity ${String(v)}` }],
      defaults: (ctx) => ({ role_sid: service(ctx).data.default_channel_role_sid, created_by: 'system' }),
      beforeCreate(ctx, data) {
        checkRole(ctx, data.role_sid, 'channel');
        if (ctx.account.list(`${channelPath(ctx)}/Members`).some((m) => m.data.identity === data.identity)) {
          throw invalidParameter(`Identity ${String(data.identity)} is already a member of this channel`, 50404);
        }
      },
    },

    'ip_messaging.v2.service.channel.channel_webhook': {
      defaults: () => ({ configuration: {} }),
      beforeCreate(ctx, data) {
        const config = data.configuration as Record<string, unknown>;
        if (data.type === 'webhook' && !config.url) throw invalidParameter('Missing required parameter Configuration.Url for a webhook of type webhook');
        if (data.type === 'studio' && !config.flow_sid) throw invalidParameter('Missing required parameter Configuration.FlowSid for a webhook of type studio');
        // A request that is valid in itself is then checked against the channel's quota.
        if (ctx.account.list(ctx.collection).length >= MAX_CHANNEL_WEBHOOKS) {
          throw counterLimit(50321, `Too many channel webhooks: a channel may have at most ${MAX_CHANNEL_WEBHOOKS}`);
        }
        config.method ??= 'POST';
        config.retry_count ??= 0;
        checkRetryCount(config.retry_count);
      },
      beforeUpdate(_ctx, _record, changes) {
        checkRetryCount((changes.configuration as Record<string, unknown> | undefined)?.retry_count);
      },
    },

    'ip_messaging.v2.service.binding': {
      links: (record): Record<string, string> => {
        const user = record.data._user_path as string | undefined;
        return user ? { user } : {};
      },
    },

    'ip_messaging.v2.service.user.user_channel': {
      links: (record) => (record.data._links as Record<string, string> | undefined) ?? {},
    },

    'ip_messaging.v2.credential': {
      defaults: () => ({ sandbox: null, friendly_name: null }),
      beforeCreate(ctx, data) {
        if (data.type === 'apn' && !ctx.given.has('Certificate')) throw invalidParameter('Missing required parameter Certificate for an apn credential');
        if (data.type !== 'apn' && !ctx.given.has('Secret') && !ctx.given.has('ApiKey')) {
          throw invalidParameter(`Missing required parameter Secret for a ${String(data.type)} credential`);
        }
        if (data.type === 'apn') data.sandbox = ctx.inputs.Sandbox === true ? 'true' : 'false';
      },
    },
  },

  operations: {
    ListUserChannel(ctx) {
      const user = findUser(ctx);
      const views = membershipsOf(ctx.account, ctx.params.ServiceSid!, user.data.identity)
        .map(({ channel, member }) => userChannelView(ctx, user, channel, member))
        .sort((a, b) => a.seq - b.seq);
      ctx.collection = `${user.path}/Channels`;
      return ctx.engine.page(ctx, ctx.op.resource, views);
    },
    FetchUserChannel(ctx) {
      const { user, channel, member } = userChannel(ctx);
      return ok(serveUserChannel(ctx, userChannelView(ctx, user, channel, member)));
    },
    UpdateUserChannel(ctx) {
      const { user, channel, member } = userChannel(ctx);
      const changes: Record<string, unknown> = { date_updated: ctx.now };
      if (ctx.given.has('NotificationLevel')) changes._notification_level = ctx.inputs.NotificationLevel;
      if (ctx.given.has('LastConsumedMessageIndex')) changes.last_consumed_message_index = ctx.inputs.LastConsumedMessageIndex;
      if (ctx.given.has('LastConsumptionTimestamp')) changes.last_consumption_timestamp = ctx.inputs.LastConsumptionTimestamp;
      ctx.account.update(member, changes);
      return ok(serveUserChannel(ctx, userChannelView(ctx, user, channel, member)));
    },
    DeleteUserChannel(ctx) {
      const { member } = userChannel(ctx);
      ctx.account.remove(member.path);
      return noContent;
    },
    ListUserBinding(ctx) {
      const user = findUser(ctx);
      const types = ctx.inputs.BindingType as string[] | undefined;
      const views = ctx.account
        .list(`${servicePath(ctx)}/Bindings`)
        .filter((b) => b.data.identity === user.data.identity && (!types || types.includes(String(b.data.binding_type))))
        .map((b) => userBindingView(user, b));
      ctx.collection = `${user.path}/Bindings`;
      return ctx.engine.page(ctx, ctx.op.resource, views);
    },
    FetchUserBinding(ctx) {
      const { user, binding } = userBinding(ctx);
      return ok(ctx.engine.serialize(ctx.account, ctx.op.resource, userBindingView(user, binding)));
    },
    DeleteUserBinding(ctx) {
      const { binding } = userBinding(ctx);
      ctx.account.remove(binding.path);
      return noContent;
    },
  },
};
