/** ChatMessage: a message in a channel. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatMessageRecord } from '../../twilio/chat.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { parseJsonText } from '../shared/json.ts';
import { channelSidOrUniqueName, importDates, serviceSid, webhookEnabled } from './shared.ts';
import { ChatChannel, channelKeys, channelOf, channelSid } from './channel.ts';
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

export const ChatMessage = builder.loadableNodeRef<ChatMessageRecord>(
  'ChatMessage',
  fetchedNode(
    'ChatMessage',
    (m) => [m.service_sid!, m.channel_sid!, m.sid!],
    (ctx, [service, channel, sid]) => chat.fetchMessage(ctx.twilio, { path: { ServiceSid: service!, ChannelSid: channel!, Sid: sid! } }),
  ),
);

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
    service: t.field({
      type: ChatService,
      description: 'The service of the channel.',
      resolve: (m, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: m.service_sid! }, { exists: true }),
    }),
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the message was sent in.', resolve: (m) => m.channel_sid! }),
    channel: t.field({
      type: ChatChannel,
      description: 'The channel the message was sent in.',
      resolve: (m, _, ctx, info) => channelOf(ctx, info, m.service_sid, m.channel_sid, true),
    }),
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
    type: t.field({
      type: ChatMessageType,
      description: 'Whether the message is text or a file; null for a type Twilio does not document.',
      resolve: (m) => m.type as 'text' | 'media' | null,
    }),
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
  const k = childFields(channelKeys, t);
  return {
    messages: k.connection({
      type: ChatMessageConnection,
      description: "The channel's messages, oldest first. `last: n` gives the n latest; `before` pages back through history.",
      orderable: true,
      operation: chat.chatOperations.ListMessage,
      request: (c) => ({ path: { ServiceSid: c.service, ChannelSid: c.channel } }),
    }),
    message: k.bySid({
      type: ChatMessage,
      description: 'One message of the channel by SID; null when there is none.',
      sid: 'IM',
      sidDescription: 'The SID of the message (`IM…`).',
    }),
  };
});

// ---- mutations ----

/** The message a write names. */
const messageSid = param('path', 'Sid', 'String', 'The SID of the message (`IM…`).', { required: true, sid: 'IM' });

const dates = importDates('Send date to record, for imports.');

twilioMutation('createChatMessage', {
  operation: chat.chatOperations.CreateMessage,
  description: 'Sends a message to a channel.',
  input: {
    description: 'A new message: a body, or a media SID.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      body: p.body('Body', 'String', 'The text of the message.'),
      from: p.body('From', 'String', 'The identity of the author; `system` when omitted.'),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the message.'),
      mediaSid: p.body('MediaSid', 'String', 'SID of uploaded media (`ME…`) for a media message.', { sid: 'ME' }),
      lastUpdatedBy: p.body('LastUpdatedBy', 'String', 'The identity to record as the last to change the message, for imports.'),
      ...dates,
      webhookEnabled,
    }),
  },
  result: { field: 'chatMessage', type: ChatMessage },
});

twilioMutation('updateChatMessage', {
  operation: chat.chatOperations.UpdateMessage,
  description: 'Changes a message: its body, attributes or author.',
  input: {
    description: 'Changes to a message; fields left out stay as they are.',
    fields: (p) => ({
      serviceSid,
      channelSidOrUniqueName,
      sid: messageSid,
      body: p.body('Body', 'String', 'The new text of the message.'),
      from: p.body('From', 'String', 'The identity to record as the author.'),
      attributes: p.body('Attributes', 'JSON', 'Application data to store with the message, replacing what is stored.'),
      lastUpdatedBy: p.body('LastUpdatedBy', 'String', 'The identity of whoever makes the change.'),
      ...dates,
      webhookEnabled,
    }),
  },
  result: { field: 'chatMessage', type: ChatMessage },
});

twilioMutation('deleteChatMessage', {
  operation: chat.chatOperations.DeleteMessage,
  description: 'Deletes a message. Indexes of later messages do not change.',
  input: {
    description: 'The message to delete.',
    fields: () => ({ serviceSid, channelSidOrUniqueName, sid: messageSid, webhookEnabled }),
  },
  result: { deletes: 'ChatMessage' },
  // The deleted ID must carry the channel's SID, so a channel named by unique name is looked up first.
  write: async ({ request, send, ctx }) => {
    const { ServiceSid, ChannelSid, Sid } = request.path;
    await send({ ...request, path: { ServiceSid, ChannelSid: await channelSid(ctx, ServiceSid, ChannelSid), Sid } });
  },
});
