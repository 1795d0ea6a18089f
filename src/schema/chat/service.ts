/** ChatService: a Programmable Chat service, the root of channels, users, roles and bindings. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatServiceRecord } from '../../twilio/chat.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { HttpMethod } from '../shared/enums.ts';

/** A service is reached by its SID. */
export const serviceKeys = new NodeKeys<ChatServiceRecord, { service: string }>(
  'ChatService',
  { service: { sid: 'IS' } },
  (s) => ({ service: s.sid! }),
  (ctx, key): Promise<ChatServiceRecord | null> => ChatService.getDataloader(ctx).load(key),
);

export const ChatService = builder.loadableNodeRef<ChatServiceRecord>('ChatService', {
  id: serviceKeys.id,
  load: (keys, ctx) => fetchEach(keys, 'ChatService', ([sid]) => chat.fetchService(ctx.twilio, { path: { Sid: sid! } })),
  cacheResolved: (s) => serviceKeys.cacheKey(s),
});

export const ChatServiceConnection = builder.connectionObject(
  { type: ChatService, name: 'ChatServiceConnection', description: 'A page of Chat services.' },
  { description: 'A Chat service with its cursor.' },
);

const ChatServiceLimits = builder.objectRef<{ channel_members?: number; user_channels?: number }>('ChatServiceLimits').implement({
  description: 'Limits a Chat service enforces.',
  fields: (t) => ({
    channelMembers: t.exposeInt('channel_members', { nullable: true, description: 'The most members a channel may have.' }),
    userChannels: t.exposeInt('user_channels', { nullable: true, description: 'The most channels a user may belong to.' }),
  }),
});

ChatService.implement({
  description: 'A Programmable Chat service: an isolated set of channels, users, roles and push settings.',
  fields: (t) => ({
    sid: serviceKeys.fields(t).key()({ type: 'String', nullable: false, description: 'The SID of the service (`IS…`).', resolve: (s) => s.service }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the service.' }),
    friendlyName: t.exposeString('friendly_name', { description: 'The name given to the service.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the service was created.', resolve: (s) => s.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the service was last updated.', resolve: (s) => s.date_updated }),
    defaultServiceRoleSid: t.exposeString('default_service_role_sid', { description: 'The SID of the role new users get.' }),
    defaultChannelRoleSid: t.exposeString('default_channel_role_sid', { description: 'The SID of the role new channel members get.' }),
    defaultChannelCreatorRoleSid: t.exposeString('default_channel_creator_role_sid', { description: 'The SID of the role a channel creator gets.' }),
    readStatusEnabled: t.exposeBoolean('read_status_enabled', { description: 'Whether the Message Consumption Horizon (read status) is on.' }),
    reachabilityEnabled: t.exposeBoolean('reachability_enabled', { description: 'Whether the Reachability Indicator (user online state) is on.' }),
    typingIndicatorTimeout: t.exposeInt('typing_indicator_timeout', {
      description: 'Seconds after a "typing" event before the user counts as no longer typing.',
    }),
    consumptionReportInterval: t.exposeInt('consumption_report_interval', { description: 'Interval in seconds between consumption reports from clients.' }),
    limits: t.field({
      type: ChatServiceLimits,
      description: 'Limits the service enforces.',
      resolve: (s) => (s.limits as { channel_members?: number; user_channels?: number } | null) ?? null,
    }),
    preWebhookUrl: t.field({ type: 'URL', description: 'The URL for pre-event webhooks.', resolve: (s) => s.pre_webhook_url }),
    postWebhookUrl: t.field({ type: 'URL', description: 'The URL for post-event webhooks.', resolve: (s) => s.post_webhook_url }),
    webhookMethod: t.exposeString('webhook_method', { description: 'The HTTP method for webhooks (`GET` or `POST`).' }),
    webhookFilters: t.exposeStringList('webhook_filters', { description: 'The events that trigger webhooks (`onMessageSend`, `onChannelAdded`, …).' }),
    preWebhookRetryCount: t.exposeInt('pre_webhook_retry_count', { description: 'How many times a pre-event webhook is retried.' }),
    postWebhookRetryCount: t.exposeInt('post_webhook_retry_count', { description: 'How many times a post-event webhook is retried.' }),
    notifications: t.field({
      type: 'JSON',
      description: 'Push notification settings, per event (`new_message`, `added_to_channel`, …).',
      resolve: (s) => s.notifications,
    }),
    media: t.field({ type: 'JSON', description: 'Media message settings (`size_limit_mb`, `compatibility_message`).', resolve: (s) => s.media }),
    url: t.field({ type: 'URL', description: 'The REST URL of the service.', resolve: (s) => s.url }),
    links: t.field({ type: 'JSON', description: 'REST URLs of the related lists.', resolve: (s) => s.links }),
  }),
});

builder.queryFields((t) => ({
  chatServices: t.field({
    type: ChatServiceConnection,
    nullable: false,
    description: 'The Chat services of the account.',
    args: forwardArgs(t.arg),
    resolve: (_, args, ctx) => resolveConnection(twilioList(ctx, chat.chatOperations.ListService, {}), args),
  }),
  chatService: t.field({
    type: ChatService,
    description: lookupDescription('A Chat service by SID', 'service'),
    args: { sid: t.arg.string({ required: true, description: 'The SID of the service (`IS…`).' }) },
    resolve: (_, { sid }, ctx, info) => serviceKeys.resolve(ctx, info, { service: checkSid('sid', sid, 'IS') }),
  }),
}));

// ---- mutations ----

const NotificationInput = builder.inputType('ChatNotificationSettingsInput', {
  description: 'Push notification settings for one kind of event.',
  fields: (t) => ({
    enabled: t.boolean({ description: 'Whether to send the notification.' }),
    template: t.string({ description: 'The notification text; may use `${CHANNEL}`, `${USER}`, `${MESSAGE}`.' }),
    sound: t.string({ description: 'The sound to play.' }),
  }),
});

/** One kind of notification, sent as Twilio's `<prefix>.Enabled`, `.Template` and `.Sound`. */
function notification(prefix: string, description: string) {
  return param('body', prefix, NotificationInput, description, {
    spreads: true,
    send: (value) => ({
      [`${prefix}.Enabled`]: value.enabled ?? undefined,
      [`${prefix}.Template`]: value.template ?? undefined,
      [`${prefix}.Sound`]: value.sound ?? undefined,
    }),
  });
}

twilioMutation('createChatService', {
  operation: chat.chatOperations.CreateService,
  description: 'Creates a Chat service (with its four default roles).',
  input: {
    description: 'A new Chat service.',
    fields: (p) => ({
      friendlyName: p.body('FriendlyName', 'String', 'A name for the service.', { required: true }),
    }),
  },
  result: { field: 'chatService', type: ChatService },
});

twilioMutation('updateChatService', {
  operation: chat.chatOperations.UpdateService,
  description: 'Changes a Chat service.',
  input: {
    description: 'Changes to a Chat service; fields left out stay as they are.',
    fields: (p) => ({
      sid: p.path('Sid', { sid: 'IS', description: 'The SID of the service (`IS…`).' }),
      friendlyName: p.body('FriendlyName', 'String', 'A new name for the service.'),
      defaultServiceRoleSid: p.body('DefaultServiceRoleSid', 'String', 'SID of the role new users get.', { sid: 'RL' }),
      defaultChannelRoleSid: p.body('DefaultChannelRoleSid', 'String', 'SID of the role new channel members get.', { sid: 'RL' }),
      defaultChannelCreatorRoleSid: p.body('DefaultChannelCreatorRoleSid', 'String', 'SID of the role channel creators get.', { sid: 'RL' }),
      readStatusEnabled: p.body('ReadStatusEnabled', 'Boolean', 'Whether the Message Consumption Horizon (read status) is on.'),
      reachabilityEnabled: p.body('ReachabilityEnabled', 'Boolean', 'Whether the Reachability Indicator (user online state) is on.'),
      typingIndicatorTimeout: p.body(
        'TypingIndicatorTimeout',
        'Int',
        'Seconds after a "typing" event before clients assume the user stopped typing; 5 by default.',
      ),
      consumptionReportInterval: p.body('ConsumptionReportInterval', 'Int', 'Deprecated: seconds between consumption reports from clients.'),
      preWebhookUrl: p.body('PreWebhookUrl', 'URL', 'The URL Twilio calls before an event, with `webhookMethod`; its answer can block the event.'),
      postWebhookUrl: p.body('PostWebhookUrl', 'URL', 'The URL Twilio calls after an event, with `webhookMethod`.'),
      webhookMethod: p.body('WebhookMethod', HttpMethod, 'The HTTP method for webhooks.'),
      webhookFilters: p.body('WebhookFilters', ['String'], 'The events that trigger webhooks (`onMessageSend`, `onChannelAdded`, …).'),
      preWebhookRetryCount: p.body(
        'PreWebhookRetryCount',
        'Int',
        'How many times to retry a pre-event webhook that times out (after 5 seconds) or answers 429, 503 or 504; 0 by default.',
      ),
      postWebhookRetryCount: p.body(
        'PostWebhookRetryCount',
        'Int',
        'How many times to retry a post-event webhook that times out (after 5 seconds) or answers 429, 503 or 504; 0 by default.',
      ),
      limitsChannelMembers: p.body('Limits.ChannelMembers', 'Int', 'The most members a channel may have.'),
      limitsUserChannels: p.body('Limits.UserChannels', 'Int', 'The most channels a user may belong to.'),
      mediaCompatibilityMessage: p.body('Media.CompatibilityMessage', 'String', 'Text shown to clients that cannot show media messages.'),
      notificationsLogEnabled: p.body('Notifications.LogEnabled', 'Boolean', 'Whether to log notifications.'),
      notificationsNewMessage: notification('Notifications.NewMessage', 'Notification for a new message.'),
      notificationsNewMessageBadgeCountEnabled: p.body(
        'Notifications.NewMessage.BadgeCountEnabled',
        'Boolean',
        'Whether new-message notifications carry a badge count.',
      ),
      notificationsAddedToChannel: notification('Notifications.AddedToChannel', 'Notification for a user added to a channel.'),
      notificationsRemovedFromChannel: notification('Notifications.RemovedFromChannel', 'Notification for a user removed from a channel.'),
      notificationsInvitedToChannel: notification('Notifications.InvitedToChannel', 'Notification for a user invited to a channel.'),
    }),
  },
  result: { field: 'chatService', type: ChatService },
});

twilioMutation('deleteChatService', {
  operation: chat.chatOperations.DeleteService,
  description: 'Deletes a Chat service with all its channels, users and messages.',
  input: {
    description: 'The Chat service to delete.',
    fields: (p) => ({ sid: p.path('Sid', { sid: 'IS', description: 'The SID of the service (`IS…`).' }) }),
  },
  result: { deletes: 'ChatService' },
});
