/** ChatMessage: a message in a channel. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatMessageRecord } from '../../twilio/chat.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { UNCACHED_KEY, isPartialRecord } from '../shared/partial.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { bothWaysArgs } from '../shared/args.ts';
import { checkKey, checkSid, isSid } from '../shared/validate.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { parseJsonText } from '../shared/json.ts';
import { WEBHOOK_ENABLED, attributesParam, webhookHeader } from './shared.ts';
import { ChatChannel, channelKeys, channelOf } from './channel.ts';
import { ChatUser, userByIdentity } from './user.ts';
import { ChatMember, IDENTITIES_PER_CALL, memberByIdentity } from './member.ts';
import { ChatService, serviceKeys } from './service.ts';

export const ChatMessageType = builder.enumType('ChatMessageType', {
  description: 'What a message carries.',
  values: {
    TEXT: { value: 'text', description: 'Text: the message has a `body`.' },
    MEDIA: { value: 'media', description: 'A file: the message has `media`, and may have a `body` too.' },
  } as const,
});

export const ChatMessage = builder.loadableNodeRef<ChatMessageRecord>('ChatMessage', {
  id: { resolve: (m) => nodeKey(m.service_sid!, m.channel_sid!, m.sid!) },
  load: (keys, ctx) =>
    fetchEach(keys, 'ChatMessage', ([service, channel, sid]) =>
      chat.fetchMessage(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
    ),
  // A record built from a webhook holds only some fields: it is not kept (shared/partial.ts).
  cacheResolved: (m) => (isPartialRecord(m) ? UNCACHED_KEY : nodeKey(m.service_sid!, m.channel_sid!, m.sid!)),
});

export const ChatMessageConnection = builder.connectionObject(
  { type: ChatMessage, name: 'ChatMessageConnection', description: 'A page of messages.' },
  { description: 'A message with its cursor.' },
);

ChatMessage.implement({
  description: 'A message sent in a channel.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the message (`IM…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the message.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service.', resolve: (m) => m.service_sid! }),
    service: t.field({ type: ChatService, description: 'The service of the channel.', resolve: (m, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: m.service_sid! }, { exists: true }) }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the message was sent in.', resolve: (m) => m.channel_sid! }),
    channel: t.field({ type: ChatChannel, description: 'The channel the message was sent in.', resolve: (m, _, ctx, info) => channelOf(ctx, info, m.service_sid, m.channel_sid, true) }),
    to: t.exposeString('to', { description: 'The SID of the channel the message was sent to.' }),
    from: t.exposeString('from', { description: 'The identity of the author, or `system`.' }),
    author: t.field({
      extensions: listedPer('ChatService'),
      type: ChatUser,
      description: 'The user who wrote the message; null for system messages and authors no longer in the service.',
      resolve: (m, _, ctx, info) => (m.from && m.from !== 'system' ? userByIdentity(ctx, info, m.service_sid!, m.from) : null),
    }),
    member: t.field({
      extensions: listedPer('ChatChannel', IDENTITIES_PER_CALL),
      type: ChatMember,
      description: "The author's membership of the channel; null when the author is not (or no longer) a member.",
      resolve: (m, _, ctx) => (m.from && m.from !== 'system' ? memberByIdentity(ctx, m.service_sid!, m.channel_sid!, m.from) : null),
    }),
    body: t.exposeString('body', { description: 'The text of the message.' }),
    index: t.exposeInt('index', { description: 'The position of the message in its channel, from 0; never reused.' }),
    type: t.field({ type: ChatMessageType, description: 'Whether the message is text or a file; null for a type Twilio does not document.', resolve: (m) => m.type as 'text' | 'media' | null }),
    media: t.field({ type: 'JSON', description: 'The media of a media message (`sid`, `content_type`, `filename`, `size`).', resolve: (m) => m.media }),
    attributes: t.field({ type: 'JSON', description: 'Application data stored with the message.', resolve: (m) => parseJsonText(m.attributes) }),
    wasEdited: t.exposeBoolean('was_edited', { description: 'Whether the body was changed after sending.' }),
    lastUpdatedBy: t.exposeString('last_updated_by', { description: 'The identity of whoever last changed the message.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the message was sent.', resolve: (m) => m.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the message was last changed.', resolve: (m) => m.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the message.', resolve: (m) => m.url }),
  }),
});

builder.objectFields(ChatChannel, (t) => {
  const k = channelKeys.fields(t);
  return {
    messages: k.list({
      type: ChatMessageConnection,
      nullable: false,
      description: "The channel's messages, oldest first. `last: n` gives the n latest; `before` pages back through history.",
      args: bothWaysArgs(t.arg),
      resolve: (c, args, ctx) =>
        resolveConnection(twilioList(ctx, chat.chatOperations.ListMessage, { path: { ServiceSid: c.service, ChannelSid: c.channel } }, { orderable: true }), args),
    }),
    message: k.lookup({
      type: ChatMessage,
      description: 'One message of the channel by SID; null when there is none.',
      args: { sid: t.arg.string({ required: true, description: 'The SID of the message (`IM…`).' }) },
      resolve: (c, { sid }, ctx) => ChatMessage.getDataloader(ctx).load(nodeKey(c.service, c.channel, checkSid('sid', sid, 'IM'))),
    }),
  };
});

// ---- mutations ----

const messageFields = { Body: 'body', From: 'from', Attributes: 'attributes', MediaSid: 'mediaSid', LastUpdatedBy: 'lastUpdatedBy' };

const CreateChatMessageInput = builder.inputType('CreateChatMessageInput', {
  description: 'A new message: a body, or a media SID.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    body: t.string({ description: 'The text of the message.' }),
    from: t.string({ description: 'The identity of the author; `system` when omitted.' }),
    attributes: t.field({ type: 'JSON', description: 'Application data to store with the message.' }),
    mediaSid: t.string({ description: 'SID of uploaded media (`ME…`) for a media message.' }),
    lastUpdatedBy: t.string({ description: 'The identity to record as the last to change the message, for imports.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'Send date to record, for imports.' }),
    dateUpdated: t.field({ type: 'DateTime', description: 'Update date to record, for imports.' }),
    webhookEnabled: t.boolean({ description: WEBHOOK_ENABLED }),
  }),
});

const UpdateChatMessageInput = builder.inputType('UpdateChatMessageInput', {
  description: 'Changes to a message; fields left out stay as they are.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    sid: t.string({ required: true, description: 'The SID of the message (`IM…`).' }),
    body: t.string({ description: 'The new text of the message.' }),
    from: t.string({ description: 'The identity to record as the author.' }),
    attributes: t.field({ type: 'JSON', description: 'Application data to store with the message, replacing what is stored.' }),
    lastUpdatedBy: t.string({ description: 'The identity of whoever makes the change.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'Send date to record, for imports.' }),
    dateUpdated: t.field({ type: 'DateTime', description: 'Update date to record, for imports.' }),
    webhookEnabled: t.boolean({ description: WEBHOOK_ENABLED }),
  }),
});

const DeleteChatMessageInput = builder.inputType('DeleteChatMessageInput', {
  description: 'The message to delete.',
  fields: (t) => ({
    serviceSid: t.string({ required: true, description: 'The SID of the service (`IS…`).' }),
    channelSidOrUniqueName: t.string({ required: true, description: 'The SID (`CH…`) or unique name of the channel.' }),
    sid: t.string({ required: true, description: 'The SID of the message (`IM…`).' }),
    webhookEnabled: t.boolean({ description: WEBHOOK_ENABLED }),
  }),
});

const CreateChatMessagePayload = payloadType('CreateChatMessagePayload', 'chatMessage', ChatMessage, 'The result of createChatMessage.');
const UpdateChatMessagePayload = payloadType('UpdateChatMessagePayload', 'chatMessage', ChatMessage, 'The result of updateChatMessage.');
const DeleteChatMessagePayload = deletePayloadType('DeleteChatMessagePayload', 'The result of deleteChatMessage.');

builder.mutationFields((t) => ({
  createChatMessage: t.field({
    type: CreateChatMessagePayload,
    description: 'Sends a message to a channel.',
    args: { input: t.arg({ type: CreateChatMessageInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      if (input.mediaSid) checkSid('input.mediaSid', input.mediaSid, 'ME');
      const payload = await runWrite(ctx, messageFields, () =>
        chat.createMessage(ctx.twilio, {
          path: { ServiceSid: service, ChannelSid: channel },
          body: {
            Body: input.body ?? undefined,
            From: input.from ?? undefined,
            Attributes: attributesParam(input.attributes),
            MediaSid: input.mediaSid ?? undefined,
            LastUpdatedBy: input.lastUpdatedBy ?? undefined,
            DateCreated: input.dateCreated ?? undefined,
            DateUpdated: input.dateUpdated ?? undefined,
          },
          headers: webhookHeader(input.webhookEnabled),
        }),
      );
      return payload;
    },
  }),
  updateChatMessage: t.field({
    type: UpdateChatMessagePayload,
    description: 'Changes a message: its body, attributes or author.',
    args: { input: t.arg({ type: UpdateChatMessageInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const sid = checkSid('input.sid', input.sid, 'IM');
      const payload = await runWrite(ctx, messageFields, () =>
        chat.updateMessage(ctx.twilio, {
          path: { ServiceSid: service, ChannelSid: channel, Sid: sid },
          body: {
            Body: input.body ?? undefined,
            From: input.from ?? undefined,
            Attributes: attributesParam(input.attributes),
            LastUpdatedBy: input.lastUpdatedBy ?? undefined,
            DateCreated: input.dateCreated ?? undefined,
            DateUpdated: input.dateUpdated ?? undefined,
          },
          headers: webhookHeader(input.webhookEnabled),
        }),
      );
      if (payload.result) {
        const key = nodeKey(service, payload.result.channel_sid!, sid);
        ChatMessage.getDataloader(ctx).prime(key, payload.result);
      }
      return payload;
    },
  }),
  deleteChatMessage: t.field({
    type: DeleteChatMessagePayload,
    description: 'Deletes a message. Indexes of later messages do not change.',
    args: { input: t.arg({ type: DeleteChatMessageInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const service = checkSid('input.serviceSid', input.serviceSid, 'IS');
      const channel = checkKey('input.channelSidOrUniqueName', input.channelSidOrUniqueName, 'CH');
      const sid = checkSid('input.sid', input.sid, 'IM');
      const payload = await runWrite(ctx, {}, async () => {
        const channelSid = isSid(channel, 'CH') ? channel : (await chat.fetchChannel(ctx.twilio, { path: { ServiceSid: service, Sid: channel } })).sid!;
        await chat.deleteMessage(ctx.twilio, { path: { ServiceSid: service, ChannelSid: channelSid, Sid: sid }, headers: webhookHeader(input.webhookEnabled) });
        return encodeGlobalId('ChatMessage', nodeKey(service, channelSid, sid));
      });
      return payload;
    },
  }),
}));
