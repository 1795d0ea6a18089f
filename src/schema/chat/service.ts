/** ChatService: a Programmable Chat service, the root of channels, users, roles and bindings. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatServiceRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { encodeGlobalId } from '../shared/global-id.ts';
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
    typingIndicatorTimeout: t.exposeInt('typing_indicator_timeout', { description: 'Seconds after a "typing" event before the user counts as no longer typing.' }),
    consumptionReportInterval: t.exposeInt('consumption_report_interval', { description: 'Interval in seconds between consumption reports from clients.' }),
    limits: t.field({ type: ChatServiceLimits, description: 'Limits the service enforces.', resolve: (s) => (s.limits as { channel_members?: number; user_channels?: number } | null) ?? null }),
    preWebhookUrl: t.field({ type: 'URL', description: 'The URL for pre-event webhooks.', resolve: (s) => s.pre_webhook_url }),
    postWebhookUrl: t.field({ type: 'URL', description: 'The URL for post-event webhooks.', resolve: (s) => s.post_webhook_url }),
    webhookMethod: t.exposeString('webhook_method', { description: 'The HTTP method for webhooks (`GET` or `POST`).' }),
    webhookFilters: t.exposeStringList('webhook_filters', { description: 'The events that trigger webhooks (`onMessageSend`, `onChannelAdded`, …).' }),
    preWebhookRetryCount: t.exposeInt('pre_webhook_retry_count', { description: 'How many times a pre-event webhook is retried.' }),
    postWebhookRetryCount: t.exposeInt('post_webhook_retry_count', { description: 'How many times a post-event webhook is retried.' }),
    notifications: t.field({ type: 'JSON', description: 'Push notification settings, per event (`new_message`, `added_to_channel`, …).', resolve: (s) => s.notifications }),
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
    resolve: (_, args, ctx) =>
      resolveConnection(twilioList(ctx, chat.chatOperations.ListService, {}), args),
  }),
  chatService: t.field({
    type: ChatService,
    description: lookupDescription('A Chat service by SID', 'service'),
    args: { sid: t.arg.string({ required: true, description: 'The SID of the service (`IS…`).' }) },
    resolve: (_, { sid }, ctx, info) => serviceKeys.resolve(ctx, info, { service: checkSid('sid', sid, 'IS') }),
  }),
}));

// ---- mutations ----

const serviceFields: Record<string, string> = { FriendlyName: 'friendlyName' };

const CreateChatServiceInput = builder.inputType('CreateChatServiceInput', {
  description: 'A new Chat service.',
  fields: (t) => ({
    friendlyName: t.string({ required: true, description: 'A name for the service.' }),
  }),
});

const NotificationInput = builder.inputType('ChatNotificationSettingsInput', {
  description: 'Push notification settings for one kind of event.',
  fields: (t) => ({
    enabled: t.boolean({ description: 'Whether to send the notification.' }),
    template: t.string({ description: 'The notification text; may use `${CHANNEL}`, `${USER}`, `${MESSAGE}`.' }),
    sound: t.string({ description: 'The sound to play.' }),
  }),
});

const UpdateChatServiceInput = builder.inputType('UpdateChatServiceInput', {
  description: 'Changes to a Chat service; fields left out stay as they are.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    friendlyName: t.string({ description: 'A new name for the service.' }),
    defaultServiceRoleSid: t.string({ description: 'SID of the role new users get.' }),
    defaultChannelRoleSid: t.string({ description: 'SID of the role new channel members get.' }),
    defaultChannelCreatorRoleSid: t.string({ description: 'SID of the role channel creators get.' }),
    readStatusEnabled: t.boolean({ description: 'Whether the Message Consumption Horizon (read status) is on.' }),
    reachabilityEnabled: t.boolean({ description: 'Whether the Reachability Indicator (user online state) is on.' }),
    typingIndicatorTimeout: t.int({ description: 'Seconds after a "typing" event before clients assume the user stopped typing; 5 by default.' }),
    consumptionReportInterval: t.int({ description: 'Deprecated: seconds between consumption reports from clients.' }),
    preWebhookUrl: t.field({ type: 'URL', description: 'The URL Twilio calls before an event, with `webhookMethod`; its answer can block the event.' }),
    postWebhookUrl: t.field({ type: 'URL', description: 'The URL Twilio calls after an event, with `webhookMethod`.' }),
    webhookMethod: t.field({ type: HttpMethod, description: 'The HTTP method for webhooks.' }),
    webhookFilters: t.stringList({ description: 'The events that trigger webhooks (`onMessageSend`, `onChannelAdded`, …).' }),
    preWebhookRetryCount: t.int({ description: 'How many times to retry a pre-event webhook that times out (after 5 seconds) or answers 429, 503 or 504; 0 by default.' }),
    postWebhookRetryCount: t.int({ description: 'How many times to retry a post-event webhook that times out (after 5 seconds) or answers 429, 503 or 504; 0 by default.' }),
    limitsChannelMembers: t.int({ description: 'The most members a channel may have.' }),
    limitsUserChannels: t.int({ description: 'The most channels a user may belong to.' }),
    mediaCompatibilityMessage: t.string({ description: 'Text shown to clients that cannot show media messages.' }),
    notificationsLogEnabled: t.boolean({ description: 'Whether to log notifications.' }),
    notificationsNewMessage: t.field({ type: NotificationInput, description: 'Notification for a new message.' }),
    notificationsNewMessageBadgeCountEnabled: t.boolean({ description: 'Whether new-message notifications carry a badge count.' }),
    notificationsAddedToChannel: t.field({ type: NotificationInput, description: 'Notification for a user added to a channel.' }),
    notificationsRemovedFromChannel: t.field({ type: NotificationInput, description: 'Notification for a user removed from a channel.' }),
    notificationsInvitedToChannel: t.field({ type: NotificationInput, description: 'Notification for a user invited to a channel.' }),
  }),
});

const CreateChatServicePayload = payloadType('CreateChatServicePayload', 'chatService', ChatService, 'The result of createChatService.');
const UpdateChatServicePayload = payloadType('UpdateChatServicePayload', 'chatService', ChatService, 'The result of updateChatService.');
const DeleteChatServicePayload = deletePayloadType('DeleteChatServicePayload', 'The result of deleteChatService.');

type NotificationSettings = { enabled?: boolean | null; template?: string | null; sound?: string | null } | null | undefined;
function notification(prefix: string, value: NotificationSettings): Record<string, unknown> {
  if (!value) return {};
  return { [`${prefix}.Enabled`]: value.enabled ?? undefined, [`${prefix}.Template`]: value.template ?? undefined, [`${prefix}.Sound`]: value.sound ?? undefined };
}

builder.mutationFields((t) => ({
  createChatService: t.field({
    type: CreateChatServicePayload,
    description: 'Creates a Chat service (with its four default roles).',
    args: { input: t.arg({ type: CreateChatServiceInput, required: true, description: 'What to create.' }) },
    resolve: (_, { input }, ctx) => runWrite(ctx, serviceFields, () => chat.createService(ctx.twilio, { body: { FriendlyName: input.friendlyName } })),
  }),
  updateChatService: t.field({
    type: UpdateChatServicePayload,
    description: 'Changes a Chat service.',
    args: { input: t.arg({ type: UpdateChatServiceInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const sid = checkSid('input.sid', input.sid, 'IS');
      for (const [field, value] of [
        ['defaultServiceRoleSid', input.defaultServiceRoleSid],
        ['defaultChannelRoleSid', input.defaultChannelRoleSid],
        ['defaultChannelCreatorRoleSid', input.defaultChannelCreatorRoleSid],
      ] as const) {
        if (value) checkSid(`input.${field}`, value, 'RL');
      }
      const payload = await runWrite(ctx, { ...serviceFields, DefaultServiceRoleSid: 'defaultServiceRoleSid', PreWebhookUrl: 'preWebhookUrl', PostWebhookUrl: 'postWebhookUrl', WebhookMethod: 'webhookMethod' }, () =>
        chat.updateService(ctx.twilio, {
          path: { Sid: sid },
          body: {
            FriendlyName: input.friendlyName ?? undefined,
            DefaultServiceRoleSid: input.defaultServiceRoleSid ?? undefined,
            DefaultChannelRoleSid: input.defaultChannelRoleSid ?? undefined,
            DefaultChannelCreatorRoleSid: input.defaultChannelCreatorRoleSid ?? undefined,
            ReadStatusEnabled: input.readStatusEnabled ?? undefined,
            ReachabilityEnabled: input.reachabilityEnabled ?? undefined,
            TypingIndicatorTimeout: input.typingIndicatorTimeout ?? undefined,
            ConsumptionReportInterval: input.consumptionReportInterval ?? undefined,
            PreWebhookUrl: input.preWebhookUrl?.toString(),
            PostWebhookUrl: input.postWebhookUrl?.toString(),
            WebhookMethod: input.webhookMethod ?? undefined,
            WebhookFilters: input.webhookFilters ?? undefined,
            PreWebhookRetryCount: input.preWebhookRetryCount ?? undefined,
            PostWebhookRetryCount: input.postWebhookRetryCount ?? undefined,
            'Limits.ChannelMembers': input.limitsChannelMembers ?? undefined,
            'Limits.UserChannels': input.limitsUserChannels ?? undefined,
            'Media.CompatibilityMessage': input.mediaCompatibilityMessage ?? undefined,
            'Notifications.LogEnabled': input.notificationsLogEnabled ?? undefined,
            'Notifications.NewMessage.BadgeCountEnabled': input.notificationsNewMessageBadgeCountEnabled ?? undefined,
            ...notification('Notifications.NewMessage', input.notificationsNewMessage),
            ...notification('Notifications.AddedToChannel', input.notificationsAddedToChannel),
            ...notification('Notifications.RemovedFromChannel', input.notificationsRemovedFromChannel),
            ...notification('Notifications.InvitedToChannel', input.notificationsInvitedToChannel),
          },
        }),
      );
      if (payload.result) ChatService.getDataloader(ctx).prime(nodeKey(sid), payload.result);
      return payload;
    },
  }),
  deleteChatService: t.field({
    type: DeleteChatServicePayload,
    description: 'Deletes a Chat service with all its channels, users and messages.',
    args: { input: t.arg({ type: builder.inputType('DeleteChatServiceInput', { description: 'The Chat service to delete.', fields: (f) => ({ sid: f.string({ required: true, description: 'The SID of the service (`IS…`).' }) }) }), required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const sid = checkSid('input.sid', input.sid, 'IS');
      const payload = await runWrite(ctx, {}, async () => {
        await chat.deleteService(ctx.twilio, { path: { Sid: sid } });
        return encodeGlobalId('ChatService', nodeKey(sid));
      });
      return payload;
    },
  }),
}));
