/** ChatChannelWebhook: a webhook, keyword trigger or Studio flow attached to one channel. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatChannelWebhookRecord } from '../../twilio/chat.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkKey, checkSid, isSid } from '../shared/validate.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { ChatChannel, channelKeys, channelOf } from './channel.ts';
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
    method: t.field({ type: ChatChannelWebhookMethod, nullable: true, description: 'The HTTP method Twilio calls the URL with.', resolve: (c) => c.method ?? null }),
    filters: t.stringList({
      nullable: true,
      description: 'The channel events that call a `WEBHOOK` webhook (`onMessageSent`, `onMessageUpdated`, `onMessageRemoved`, `onMemberAdded`, `onMemberRemoved`, …).',
      resolve: (c) => c.filters ?? null,
    }),
    triggers: t.stringList({ nullable: true, description: 'The keywords that call a `TRIGGER` webhook when a message matches one of them.', resolve: (c) => c.triggers ?? null }),
    flowSid: t.string({ nullable: true, description: 'The SID of the Studio flow (`FW…`) a `STUDIO` webhook hands messages to.', resolve: (c) => c.flow_sid ?? null }),
    retryCount: t.int({ nullable: true, description: 'How many times Twilio retries a call that fails (0 to 3).', resolve: (c) => c.retry_count ?? null }),
  }),
});

export const ChatChannelWebhook = builder.loadableNodeRef<ChatChannelWebhookRecord>('ChatChannelWebhook', {
  id: { resolve: (w) => nodeKey(w.service_sid!, w.channel_sid!, w.sid!) },
  load: (keys, ctx) =>
    fetchEach(keys, 'ChatChannelWebhook', ([service, channel, sid]) =>
      chat.fetchChannelWebhook(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
    ),
  cacheResolved: (w) => nodeKey(w.service_sid!, w.channel_sid!, w.sid!),
});

export const ChatChannelWebhookConnection = builder.connectionObject(
  { type: ChatChannelWebhook, name: 'ChatChannelWebhookConnection', description: 'A page of channel webhooks.' },
  { description: 'A channel webhook with its cursor.' },
);

ChatChannelWebhook.implement({
  description: "A channel webhook: a URL called for one channel's events, a keyword trigger, or a Studio flow. It works beside the service-wide pre- and post-event webhooks.",
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the webhook (`WH…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the webhook.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service.', resolve: (w) => w.service_sid! }),
    service: t.field({ type: ChatService, description: 'The service of the channel.', resolve: (w, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: w.service_sid! }, { exists: true }) }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the webhook belongs to.', resolve: (w) => w.channel_sid! }),
    channel: t.field({ type: ChatChannel, description: 'The channel the webhook belongs to.', resolve: (w, _, ctx, info) => channelOf(ctx, info, w.service_sid, w.channel_sid, true) }),
    type: t.field({ type: ChatChannelWebhookType, description: 'Whether the webhook calls a URL for events or on trigger keywords, or hands messages to Studio.', resolve: (w) => w.type as 'webhook' | 'trigger' | 'studio' | null }),
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
  const k = channelKeys.fields(t);
  return {
    webhooks: k.list({
      type: ChatChannelWebhookConnection,
      nullable: false,
      description: "The channel's webhooks, oldest first.",
      args: forwardArgs(t.arg),
      resolve: (c, args, ctx) =>
        resolveConnection(twilioList(ctx, chat.chatOperations.ListChannelWebhook, { path: { ServiceSid: c.service, ChannelSid: c.channel } }), args),
    }),
    webhook: k.lookup({
      type: ChatChannelWebhook,
      description: 'One webhook of the channel by SID; null when there is none.',
      args: { sid: t.arg.string({ required: true, description: 'The SID of the webhook (`WH…`).' }) },
      resolve: (c, { sid }, ctx) => ChatChannelWebhook.getDataloader(ctx).load(nodeKey(c.service, c.channel, checkSid('sid', sid, 'WH'))),
    }),
  };
});

// ---- mutations ----

// Dotted names first: a refusal naming `Configuration.Url` must not be matched by a shorter name.
const webhookFields = {
  'Configuration.Url': 'configurationUrl',
  'Configuration.Method': 'configurationMethod',
  'Configuration.Filters': 'configurationFilters',
  'Configuration.Triggers': 'configurationTriggers',
  'Configuration.FlowSid': 'configurationFlowSid',
  'Configuration.RetryCount': 'configurationRetryCount',
  Type: 'type',
};

type ConfigurationInput = {
  configurationUrl?: URL | null;
  configurationMethod?: 'GET' | 'POST' | null;
  configurationFilters?: string[] | null;
  configurationTriggers?: string[] | null;
  configurationFlowSid?: string | null;
  configurationRetryCount?: number | null;
};

/** The `Configuration.*` parameters of a write, after checking the flow SID. */
function configurationParams(input: ConfigurationInput) {
  if (input.configurationFlowSid) checkSid('input.configurationFlowSid', input.configurationFlowSid, 'FW');
  return {
    'Configuration.Url': input.configurationUrl?.toString(),
    'Configuration.Method': input.configurationMethod ?? undefined,
    'Configuration.Filters': input.configurationFilters ?? undefined,
    'Configuration.Triggers': input.configurationTriggers ?? undefined,
    'Configuration.FlowSid': input.configurationFlowSid ?? undefined,
    'Configuration.RetryCount': input.configurationRetryCount ?? undefined,
  };
}

const configurationInputFields = (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => ({
  configurationUrl: t.field({ type: 'URL', description: 'Sent as `Configuration.Url`: the URL to call (required for `WEBHOOK` and `TRIGGER`).' }),
  configurationMethod: t.field({ type: ChatChannelWebhookMethod, description: 'Sent as `Configuration.Method`: the HTTP method to call the URL with; `POST` when omitted.' }),
  configurationFilters: t.stringList({ description: 'Sent as `Configuration.Filters`: the channel events that call a `WEBHOOK` webhook (`onMessageSent`, `onMemberAdded`, …).' }),
  configurationTriggers: t.stringList({ description: 'Sent as `Configuration.Triggers`: the keywords that call a `TRIGGER` webhook.' }),
  configurationFlowSid: t.string({ description: 'Sent as `Configuration.FlowSid`: the SID of the Studio flow (`FW…`) for a `STUDIO` webhook.' }),
  configurationRetryCount: t.int({ description: 'Sent as `Configuration.RetryCount`: how many times to retry a failed call (0 to 3); 0 when omitted.' }),
});

const CreateChatChannelWebhookInput = builder.inputType('CreateChatChannelWebhookInput', {
  description: 'A new channel webhook.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    type: t.field({ type: ChatChannelWebhookType, required: true, description: 'What the webhook does: call a URL for events or on trigger keywords, or hand messages to Studio.' }),
    ...configurationInputFields(t),
  }),
});

const UpdateChatChannelWebhookInput = builder.inputType('UpdateChatChannelWebhookInput', {
  description: "Changes to a channel webhook's configuration; fields left out stay as they are. Its type cannot change.",
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    sid: t.string({ required: true, description: 'The SID of the webhook (`WH…`).' }),
    ...configurationInputFields(t),
  }),
});

const DeleteChatChannelWebhookInput = builder.inputType('DeleteChatChannelWebhookInput', {
  description: 'The channel webhook to delete.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    sid: t.string({ required: true, description: 'The SID of the webhook (`WH…`).' }),
  }),
});

const CreateChatChannelWebhookPayload = payloadType('CreateChatChannelWebhookPayload', 'chatChannelWebhook', ChatChannelWebhook, 'The result of createChatChannelWebhook.');
const UpdateChatChannelWebhookPayload = payloadType('UpdateChatChannelWebhookPayload', 'chatChannelWebhook', ChatChannelWebhook, 'The result of updateChatChannelWebhook.');
const DeleteChatChannelWebhookPayload = deletePayloadType('DeleteChatChannelWebhookPayload', 'The result of deleteChatChannelWebhook.');

builder.mutationFields((t) => ({
  createChatChannelWebhook: t.field({
    type: CreateChatChannelWebhookPayload,
    description: 'Adds a webhook to a channel.',
    args: { input: t.arg({ type: CreateChatChannelWebhookInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const configuration = configurationParams(input);
      const payload = await runWrite(ctx, webhookFields, () =>
        chat.createChannelWebhook(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channel }, body: { Type: input.type, ...configuration } }),
      );
      if (payload.result) {
        const key = nodeKey(service, payload.result.channel_sid!, payload.result.sid!);
        ChatChannelWebhook.getDataloader(ctx).prime(key, payload.result);
      }
      return payload;
    },
  }),
  updateChatChannelWebhook: t.field({
    type: UpdateChatChannelWebhookPayload,
    description: "Changes a channel webhook's configuration.",
    args: { input: t.arg({ type: UpdateChatChannelWebhookInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const sid = checkSid('input.sid', input.sid, 'WH');
      const configuration = configurationParams(input);
      const payload = await runWrite(ctx, webhookFields, () =>
        chat.updateChannelWebhook(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channel, Sid: sid }, body: configuration }),
      );
      const loader = ChatChannelWebhook.getDataloader(ctx);
      if (payload.result) {
        const key = nodeKey(service, payload.result.channel_sid!, sid);
        loader.prime(key, payload.result);
      }
      return payload;
    },
  }),
  deleteChatChannelWebhook: t.field({
    type: DeleteChatChannelWebhookPayload,
    description: 'Removes a webhook from its channel.',
    args: { input: t.arg({ type: DeleteChatChannelWebhookInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const sid = checkSid('input.sid', input.sid, 'WH');
      let channelSid = channel;
      const payload = await runWrite(ctx, {}, async () => {
        // The deleted ID must carry the channel's SID, so a channel named by unique name is looked up first.
        if (!isSid(channel, 'CH')) channelSid = (await chat.fetchChannel(ctx.twilio, { path: { ServiceSid: service, Sid: channel } })).sid!;
        await chat.deleteChannelWebhook(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channelSid, Sid: sid } });
        return encodeGlobalId('ChatChannelWebhook', nodeKey(service, channelSid, sid));
      });
      return payload;
    },
  }),
}));
