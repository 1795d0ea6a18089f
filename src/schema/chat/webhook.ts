/** ChatChannelWebhook: a webhook, keyword trigger or Studio flow attached to one channel. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatChannelWebhookRecord } from '../../twilio/chat.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { twilioMutation, type ParamKit } from '../shared/mutation.ts';
import { channelSidOrUniqueName, serviceSid } from './shared.ts';
import { ChatChannel, channelKeys, channelOf, channelSid } from './channel.ts';
import { ChatService, serviceKeys } from './service.ts';

export const ChatChannelWebhookType = builder.enumType('ChatChannelWebhookType', {
  description: "What a channel webhook does with the channel's events.",
  values: {
    WEBHOOK: { value: 'webhook', description: 'Calls a URL for the channel events its filters select.' },
    TRIGGER: { value: 'trigger', description: 'Calls a URL when a message matches one of its trigger keywords.' },
    STUDIO: { value: 'studio', description: "Hands the channel's messages to a Studio flow." },
  } as const,
});

export const ChatChannelWebhookMethod = builder.enumType('ChatChannelWebhookMethod', {
  description: "The HTTP method Twilio calls a channel webhook's URL with.",
  values: {
    GET: { value: 'GET', description: 'Event parameters in the query string.' },
    POST: { value: 'POST', description: 'Event parameters in a form-encoded body.' },
  } as const,
});

/** `configuration` as Twilio sends it (snake_case). */
interface ConfigurationShape {
  url?: string | null;
  method?: 'GET' | 'POST' | null;
  filters?: string[] | null;
  triggers?: string[] | null;
  flow_sid?: string | null;
  retry_count?: number | null;
}

const ChatChannelWebhookConfiguration = builder.objectRef<ConfigurationShape>('ChatChannelWebhookConfiguration').implement({
  description: "Where and when a channel webhook sends the channel's events.",
  fields: (t) => ({
    url: t.field({ type: 'URL', nullable: true, description: 'The URL Twilio calls (`WEBHOOK` and `TRIGGER` webhooks).', resolve: (c) => c.url ?? null }),
    method: t.field({
      type: ChatChannelWebhookMethod,
      nullable: true,
      description: 'The HTTP method Twilio calls the URL with.',
      resolve: (c) => c.method ?? null,
    }),
    filters: t.stringList({
      nullable: true,
      description:
        'The channel events that call a `WEBHOOK` webhook (`onMessageSent`, `onMessageUpdated`, `onMessageRemoved`, `onMemberAdded`, `onMemberRemoved`, …).',
      resolve: (c) => c.filters ?? null,
    }),
    triggers: t.stringList({
      nullable: true,
      description: 'The keywords that call a `TRIGGER` webhook when a message matches one of them.',
      resolve: (c) => c.triggers ?? null,
    }),
    flowSid: t.string({
      nullable: true,
      description: 'The SID of the Studio flow (`FW…`) a `STUDIO` webhook hands messages to.',
      resolve: (c) => c.flow_sid ?? null,
    }),
    retryCount: t.int({ nullable: true, description: 'How many times Twilio retries a call that fails (0 to 3).', resolve: (c) => c.retry_count ?? null }),
  }),
});

export const ChatChannelWebhook = builder.loadableNodeRef<ChatChannelWebhookRecord>(
  'ChatChannelWebhook',
  fetchedNode(
    'ChatChannelWebhook',
    (w) => [w.service_sid!, w.channel_sid!, w.sid!],
    (ctx, [service, channel, sid]) => chat.fetchChannelWebhook(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
  ),
);

export const ChatChannelWebhookConnection = builder.connectionObject(
  { type: ChatChannelWebhook, name: 'ChatChannelWebhookConnection', description: 'A page of channel webhooks.' },
  { description: 'A channel webhook with its cursor.' },
);

ChatChannelWebhook.implement({
  description:
    "A channel webhook: a URL called for one channel's events, a keyword trigger, or a Studio flow. It works beside the service-wide pre- and post-event webhooks.",
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the webhook (`WH…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the webhook.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service.', resolve: (w) => w.service_sid! }),
    service: t.field({
      type: ChatService,
      description: 'The service of the channel.',
      resolve: (w, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: w.service_sid! }, { exists: true }),
    }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the webhook belongs to.', resolve: (w) => w.channel_sid! }),
    channel: t.field({
      type: ChatChannel,
      description: 'The channel the webhook belongs to.',
      resolve: (w, _, ctx, info) => channelOf(ctx, info, w.service_sid, w.channel_sid, true),
    }),
    type: t.field({
      type: ChatChannelWebhookType,
      description: 'Whether the webhook calls a URL for events or on trigger keywords, or hands messages to Studio.',
      resolve: (w) => w.type as 'webhook' | 'trigger' | 'studio' | null,
    }),
    configuration: t.field({
      type: ChatChannelWebhookConfiguration,
      description: 'Where and when the webhook sends events.',
      resolve: (w) => (w.configuration as ConfigurationShape | null) ?? null,
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the webhook was created.', resolve: (w) => w.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the webhook was last updated.', resolve: (w) => w.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the webhook.', resolve: (w) => w.url }),
  }),
});

builder.objectFields(ChatChannel, (t) => {
  const k = childFields(channelKeys, t);
  return {
    webhooks: k.connection({
      type: ChatChannelWebhookConnection,
      description: "The channel's webhooks, oldest first.",
      operation: chat.chatOperations.ListChannelWebhook,
      request: (c) => ({ path: { ServiceSid: c.service, ChannelSid: c.channel } }),
    }),
    webhook: k.bySid({
      type: ChatChannelWebhook,
      description: 'One webhook of the channel by SID; null when there is none.',
      sid: 'WH',
      sidDescription: 'The SID of the webhook (`WH…`).',
    }),
  };
});

// ---- mutations ----

/** The `Configuration.*` fields a channel webhook is created or changed with. */
function configurationFields(p: ParamKit<Pick<chat.ChatUpdateChannelWebhookRequest, 'body'>>) {
  return {
    configurationUrl: p.body('Configuration.Url', 'URL', 'Sent as `Configuration.Url`: the URL to call (required for `WEBHOOK` and `TRIGGER`).'),
    configurationMethod: p.body(
      'Configuration.Method',
      ChatChannelWebhookMethod,
      'Sent as `Configuration.Method`: the HTTP method to call the URL with; `POST` when omitted.',
    ),
    configurationFilters: p.body(
      'Configuration.Filters',
      ['String'],
      'Sent as `Configuration.Filters`: the channel events that call a `WEBHOOK` webhook (`onMessageSent`, `onMemberAdded`, …).',
    ),
    configurationTriggers: p.body('Configuration.Triggers', ['String'], 'Sent as `Configuration.Triggers`: the keywords that call a `TRIGGER` webhook.'),
    configurationFlowSid: p.body(
      'Configuration.FlowSid',
      'String',
      'Sent as `Configuration.FlowSid`: the SID of the Studio flow (`FW…`) for a `STUDIO` webhook.',
      { sid: 'FW' },
    ),
    configurationRetryCount: p.body(
      'Configuration.RetryCount',
      'Int',
      'Sent as `Configuration.RetryCount`: how many times to retry a failed call (0 to 3); 0 when omitted.',
    ),
  };
}

twilioMutation('createChatChannelWebhook', {
  operation: chat.chatOperations.CreateChannelWebhook,
  description: 'Adds a webhook to a channel.',
  input: {
    description: 'A new channel webhook.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      type: p.body('Type', ChatChannelWebhookType, 'What the webhook does: call a URL for events or on trigger keywords, or hand messages to Studio.', {
        required: true,
      }),
      ...configurationFields(p),
    }),
  },
  result: { field: 'chatChannelWebhook', type: ChatChannelWebhook },
});

twilioMutation('updateChatChannelWebhook', {
  operation: chat.chatOperations.UpdateChannelWebhook,
  description: "Changes a channel webhook's configuration.",
  input: {
    description: "Changes to a channel webhook's configuration; fields left out stay as they are. Its type cannot change.",
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      sid: p.path('Sid', { sid: 'WH', description: 'The SID of the webhook (`WH…`).' }),
      ...configurationFields(p),
    }),
  },
  result: { field: 'chatChannelWebhook', type: ChatChannelWebhook },
});

twilioMutation('deleteChatChannelWebhook', {
  operation: chat.chatOperations.DeleteChannelWebhook,
  description: 'Removes a webhook from its channel.',
  input: {
    description: 'The channel webhook to delete.',
    fields: (p) => ({ serviceSid, channelSidOrUniqueName, sid: p.path('Sid', { sid: 'WH', description: 'The SID of the webhook (`WH…`).' }) }),
  },
  result: { deletes: 'ChatChannelWebhook' },
  // The deleted ID must carry the channel's SID, so a channel named by unique name is looked up first.
  write: async ({ request, send, ctx }) => {
    const { ServiceSid, ChannelSid, Sid } = request.path;
    await send({ ...request, path: { ServiceSid, ChannelSid: await channelSid(ctx, ServiceSid, ChannelSid), Sid } });
  },
});
