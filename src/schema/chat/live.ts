/**
 * Chat's live events: what Twilio's post-event webhooks tell (see
 * `src/live/`), as typed events a subscriber receives, and the Subscription
 * fields that stream them.
 *
 * An event's objects are the graph's own types, resolved through the same
 * loaders as a query (a new message's `author`, a member's `user`). Where the
 * webhook carries every field the subscriber asked for, the object is built
 * from it without a REST call; otherwise it is read. Each event runs with
 * fresh loaders (limits/subscriptions.ts), so nothing read for one event is
 * served stale to the next.
 *
 * A subscription proves its credentials reach what it names with one REST
 * read before its first event (NOT_FOUND or UNAUTHENTICATED otherwise), and
 * again while it is open (the same read, made by limits/subscriptions.ts), and
 * listens on a topic that starts with its credentials' account SID: it can
 * only ever receive its own account's events.
 */
import { GraphQLError, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatChannelRecord, ChatMemberRecord, ChatMessageRecord, ChatUserRecord } from '../../twilio/chat.ts';
import type { GatewayContext } from '../context.ts';
import type { ChatEventType, ChatLiveEvent, LiveEvent } from '../../live/events.ts';
import { chatChannelTopic, chatServiceTopic } from '../../live/topics.ts';
import { nodeKey } from '../shared/global-id.ts';
import { checkSid } from '../shared/validate.ts';
import { fieldsSelectedOn } from '../shared/selection.ts';
import { partialRecord } from '../shared/partial.ts';
import { parseJsonText } from '../shared/json.ts';
import { assertLive, assertOwnAccount, listen } from '../shared/live.ts';
import { ChatService, serviceKeys } from './service.ts';
import { ChatChannel, ChatChannelType, channelOf } from './channel.ts';
import { ChatMessage } from './message.ts';
import { ChatMember } from './member.ts';
import { ChatUser, userByIdentity } from './user.ts';
import { ChatRole } from './role.ts';

// ---- objects from webhook parameters ----

/** A webhook parameter, and the fields of a type it answers once it is set on a record. */
interface Carried<R> {
  param: string;
  fields: readonly string[];
  set(record: R, value: string): void;
}

const text = (value: string) => (value === '' ? null : value);
const integer = (value: string) => (/^\d{1,15}$/.test(value) ? Number(value) : null);
const flag = (value: string) => (value === 'true' ? true : value === 'false' ? false : null);
/** A date as Twilio writes it; anything the DateTime scalar could not serve is null. */
const date = (value: string) => (Number.isNaN(Date.parse(value)) ? null : value);

/** Parameters every Chat webhook carries (checked when it was received): the object's account and service. */
function common<R extends { account_sid: string | null; service_sid: string | null }>(): Carried<R>[] {
  return [
    { param: 'AccountSid', fields: ['accountSid'], set: (r, v) => (r.account_sid = v) },
    { param: 'InstanceSid', fields: ['serviceSid', 'service'], set: (r, v) => (r.service_sid = v) },
  ];
}

const MESSAGE: Carried<ChatMessageRecord>[] = [
  ...common<ChatMessageRecord>(),
  { param: 'MessageSid', fields: ['id', 'sid'], set: (r, v) => (r.sid = v) },
  { param: 'ChannelSid', fields: ['channelSid', 'channel'], set: (r, v) => (r.channel_sid = v) },
  { param: 'From', fields: ['from', 'author', 'member'], set: (r, v) => (r.from = v) },
  { param: 'Body', fields: ['body'], set: (r, v) => (r.body = v) },
  { param: 'Index', fields: ['index'], set: (r, v) => (r.index = integer(v)) },
  { param: 'Attributes', fields: ['attributes'], set: (r, v) => (r.attributes = text(v)) },
  { param: 'DateCreated', fields: ['dateCreated'], set: (r, v) => (r.date_created = date(v)) },
  { param: 'DateUpdated', fields: ['dateUpdated'], set: (r, v) => (r.date_updated = date(v)) },
];

const MEMBER: Carried<ChatMemberRecord>[] = [
  ...common<ChatMemberRecord>(),
  { param: 'MemberSid', fields: ['id', 'sid'], set: (r, v) => (r.sid = v) },
  { param: 'ChannelSid', fields: ['channelSid', 'channel'], set: (r, v) => (r.channel_sid = v) },
  { param: 'Identity', fields: ['identity', 'user'], set: (r, v) => (r.identity = v) },
  { param: 'RoleSid', fields: ['roleSid', 'role'], set: (r, v) => (r.role_sid = text(v)) },
  { param: 'Attributes', fields: ['attributes'], set: (r, v) => (r.attributes = text(v)) },
  { param: 'LastConsumedMessageIndex', fields: ['lastConsumedMessageIndex'], set: (r, v) => (r.last_consumed_message_index = integer(v)) },
  { param: 'DateCreated', fields: ['dateCreated'], set: (r, v) => (r.date_created = date(v)) },
  { param: 'DateUpdated', fields: ['dateUpdated'], set: (r, v) => (r.date_updated = date(v)) },
];

const CHANNEL_TYPES = new Set(['public', 'private']);

const CHANNEL: Carried<ChatChannelRecord>[] = [
  ...common<ChatChannelRecord>(),
  { param: 'ChannelSid', fields: ['id', 'sid'], set: (r, v) => (r.sid = v) },
  { param: 'FriendlyName', fields: ['friendlyName'], set: (r, v) => (r.friendly_name = text(v)) },
  { param: 'UniqueName', fields: ['uniqueName'], set: (r, v) => (r.unique_name = text(v)) },
  { param: 'Attributes', fields: ['attributes'], set: (r, v) => (r.attributes = text(v)) },
  { param: 'ChannelType', fields: ['type'], set: (r, v) => (r.type = CHANNEL_TYPES.has(v) ? (v as ChatChannelRecord['type']) : null) },
  { param: 'CreatedBy', fields: ['createdBy', 'creator'], set: (r, v) => (r.created_by = text(v)) },
  { param: 'DateCreated', fields: ['dateCreated'], set: (r, v) => (r.date_created = date(v)) },
  { param: 'DateUpdated', fields: ['dateUpdated'], set: (r, v) => (r.date_updated = date(v)) },
];

const USER: Carried<ChatUserRecord>[] = [
  ...common<ChatUserRecord>(),
  { param: 'UserSid', fields: ['id', 'sid'], set: (r, v) => (r.sid = v) },
  { param: 'Identity', fields: ['identity'], set: (r, v) => (r.identity = v) },
  { param: 'FriendlyName', fields: ['friendlyName'], set: (r, v) => (r.friendly_name = text(v)) },
  { param: 'RoleSid', fields: ['roleSid', 'role'], set: (r, v) => (r.role_sid = text(v)) },
  { param: 'Attributes', fields: ['attributes'], set: (r, v) => (r.attributes = text(v)) },
  { param: 'IsOnline', fields: ['isOnline'], set: (r, v) => (r.is_online = flag(v)) },
  { param: 'IsNotifiable', fields: ['isNotifiable'], set: (r, v) => (r.is_notifiable = flag(v)) },
  { param: 'DateCreated', fields: ['dateCreated'], set: (r, v) => (r.date_created = date(v)) },
  { param: 'DateUpdated', fields: ['dateUpdated'], set: (r, v) => (r.date_updated = date(v)) },
];

/**
 * The object an event is about: built from the webhook's parameters when they
 * answer every field `info` selects on it, else read through its type's loader
 * (one REST call). One deleted since is NOT_FOUND, saying so.
 */
function objectOf<R extends object>(
  event: ChatLiveEvent,
  info: GraphQLResolveInfo,
  typename: string,
  carried: Carried<R>[],
  load: () => Promise<R | null>,
): R | Promise<R> {
  const record: Record<string, unknown> = {};
  const answered = new Set<string>();
  for (const { param, fields, set } of carried) {
    const value = event.params[param];
    if (value === undefined) continue;
    set(record as R, value);
    for (const field of fields) answered.add(field);
  }
  const wanted = fieldsSelectedOn(info.schema, info.schema.getType(typename) as GraphQLObjectType, info.fieldNodes, (name) => info.fragments[name]);
  for (const field of wanted) {
    if (answered.has(field)) continue;
    return load().then((found) => {
      if (found) return found;
      throw new GraphQLError(`The ${typename} of this ${event.eventType} event no longer exists: it was deleted before the event was delivered`, {
        extensions: { code: 'NOT_FOUND' },
      });
    });
  }
  return partialRecord(record as R);
}

const messageOf = (e: ChatLiveEvent, ctx: GatewayContext, info: GraphQLResolveInfo) =>
  objectOf(e, info, 'ChatMessage', MESSAGE, () => ChatMessage.getDataloader(ctx).load(nodeKey(e.serviceSid, e.channelSid!, e.params.MessageSid!)));
const memberOf = (e: ChatLiveEvent, ctx: GatewayContext, info: GraphQLResolveInfo) =>
  objectOf(e, info, 'ChatMember', MEMBER, () => ChatMember.getDataloader(ctx).load(nodeKey(e.serviceSid, e.channelSid!, e.params.MemberSid!)));
const channelRecordOf = (e: ChatLiveEvent, ctx: GatewayContext, info: GraphQLResolveInfo) =>
  objectOf(e, info, 'ChatChannel', CHANNEL, () => ChatChannel.getDataloader(ctx).load(nodeKey(e.serviceSid, e.params.ChannelSid!)));
const userRecordOf = (e: ChatLiveEvent, ctx: GatewayContext, info: GraphQLResolveInfo) =>
  objectOf(e, info, 'ChatUser', USER, () => ChatUser.getDataloader(ctx).load(nodeKey(e.serviceSid, e.params.UserSid!)));

// ---- event types ----

/** The GraphQL type of each Twilio event. */
const TYPE_OF: Record<ChatEventType, string> = {
  onMessageSent: 'ChatMessageAddedEvent',
  onMessageUpdated: 'ChatMessageUpdatedEvent',
  onMessageRemoved: 'ChatMessageRemovedEvent',
  onMemberAdded: 'ChatMemberJoinedEvent',
  onMemberUpdated: 'ChatMemberUpdatedEvent',
  onMemberRemoved: 'ChatMemberLeftEvent',
  onChannelAdded: 'ChatChannelAddedEvent',
  onChannelUpdated: 'ChatChannelUpdatedEvent',
  onChannelDestroyed: 'ChatChannelDestroyedEvent',
  onUserAdded: 'ChatUserAddedEvent',
  onUserUpdated: 'ChatUserUpdatedEvent',
};

export const ChatLiveEventKind = builder.enumType('ChatLiveEventKind', {
  description: "A kind of Chat event, named after the type a subscriber receives; each is one of Twilio's post-event webhooks.",
  values: {
    MESSAGE_ADDED: { value: 'onMessageSent', description: 'A message was sent (`onMessageSent`): `ChatMessageAddedEvent`.' },
    MESSAGE_UPDATED: { value: 'onMessageUpdated', description: 'A message was changed (`onMessageUpdated`): `ChatMessageUpdatedEvent`.' },
    MESSAGE_REMOVED: { value: 'onMessageRemoved', description: 'A message was deleted (`onMessageRemoved`): `ChatMessageRemovedEvent`.' },
    MEMBER_JOINED: { value: 'onMemberAdded', description: 'A user joined a channel (`onMemberAdded`): `ChatMemberJoinedEvent`.' },
    MEMBER_UPDATED: { value: 'onMemberUpdated', description: 'A membership was changed (`onMemberUpdated`): `ChatMemberUpdatedEvent`.' },
    MEMBER_LEFT: { value: 'onMemberRemoved', description: 'A member left or was removed (`onMemberRemoved`): `ChatMemberLeftEvent`.' },
    CHANNEL_ADDED: { value: 'onChannelAdded', description: 'A channel was created (`onChannelAdded`; service streams only): `ChatChannelAddedEvent`.' },
    CHANNEL_UPDATED: { value: 'onChannelUpdated', description: 'A channel was changed (`onChannelUpdated`): `ChatChannelUpdatedEvent`.' },
    CHANNEL_DESTROYED: { value: 'onChannelDestroyed', description: 'A channel was deleted (`onChannelDestroyed`): `ChatChannelDestroyedEvent`.' },
    USER_ADDED: { value: 'onUserAdded', description: 'A user was created (`onUserAdded`; service streams only): `ChatUserAddedEvent`.' },
    USER_UPDATED: { value: 'onUserUpdated', description: 'A user was changed (`onUserUpdated`; service streams only): `ChatUserUpdatedEvent`.' },
  } as const,
});

export const ChatEvent = builder.interfaceRef<ChatLiveEvent>('ChatEvent');

ChatEvent.implement({
  description: "Something that happened in a Chat service, as Twilio's post-event webhook told it.",
  resolveType: (event) => TYPE_OF[event.eventType],
  fields: (t) => ({
    eventType: t.string({ nullable: false, description: "Twilio's name of the event: `onMessageSent`, `onMemberAdded`, …", resolve: (e) => e.eventType }),
    accountSid: t.string({ nullable: false, description: 'The SID of the account the event happened in.', resolve: (e) => e.accountSid }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the Chat service the event happened in.', resolve: (e) => e.serviceSid }),
    service: t.field({
      type: ChatService,
      description: 'The Chat service the event happened in.',
      resolve: (e, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: e.serviceSid }, { exists: true }),
    }),
    source: t.string({ description: 'Where the action came from: `SDK` or `API`.', resolve: (e) => e.params.Source ?? null }),
    clientIdentity: t.string({
      description: 'The identity of the SDK user whose action it was; null for REST API actions.',
      resolve: (e) => e.params.ClientIdentity ?? null,
    }),
  }),
});

/** An event type of the ChatEvent interface. */
/** The event's object (`message`, `member`, …): built from the webhook when it carries what is asked, else loaded (see `of`). */
function eventObject(t: any, type: unknown, description: string, of: (e: ChatLiveEvent, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown) {
  return t.field({
    type,
    nullable: false,
    description,
    resolve: (e: ChatLiveEvent, _: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) => of(e, ctx, info),
  });
}

function eventType(name: string, description: string, fields: (t: any) => Record<string, any>) {
  const ref = builder.objectRef<ChatLiveEvent>(name);
  ref.implement({ description, interfaces: [ChatEvent], fields });
  return ref;
}

/** The channel fields of an event that happened in a channel that still exists. */
function inChannel(t: any, sidOnly = false) {
  return {
    channelSid: t.string({ nullable: false, description: 'The SID of the channel the event happened in.', resolve: (e: ChatLiveEvent) => e.channelSid! }),
    ...(sidOnly
      ? {}
      : {
          channel: t.field({
            type: ChatChannel,
            description: 'The channel the event happened in.',
            resolve: (e: ChatLiveEvent, _: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) => channelOf(ctx, info, e.serviceSid, e.channelSid, true),
          }),
        }),
  };
}

const ChatMessageAddedEvent = eventType('ChatMessageAddedEvent', 'A message was sent to a channel.', (t) => ({
  ...inChannel(t),
  message: eventObject(t, ChatMessage, 'The new message.', messageOf),
}));

const ChatMessageUpdatedEvent = eventType('ChatMessageUpdatedEvent', 'A message was changed (its body or attributes).', (t) => ({
  ...inChannel(t),
  message: eventObject(t, ChatMessage, 'The message as it now is.', messageOf),
}));

const ChatMessageRemovedEvent = eventType(
  'ChatMessageRemovedEvent',
  'A message was deleted. It is gone: the event carries what the webhook said of it.',
  (t) => ({
    ...inChannel(t),
    messageSid: t.string({ nullable: false, description: 'The SID of the deleted message (`IM…`).', resolve: (e: ChatLiveEvent) => e.params.MessageSid! }),
    index: t.int({
      description: 'The position the message had in its channel.',
      resolve: (e: ChatLiveEvent) => (e.params.Index === undefined ? null : integer(e.params.Index)),
    }),
    body: t.string({ description: 'The text the message had.', resolve: (e: ChatLiveEvent) => e.params.Body ?? null }),
    attributes: t.field({
      type: 'JSON',
      description: 'The application data the message had.',
      resolve: (e: ChatLiveEvent) => parseJsonText(e.params.Attributes),
    }),
    from: t.string({ description: 'The identity of the author, or `system`.', resolve: (e: ChatLiveEvent) => e.params.From ?? null }),
    author: t.field({
      type: ChatUser,
      extensions: listedPer('ChatService'),
      description: 'The user who wrote the message; null for system messages and authors no longer in the service.',
      resolve: (e: ChatLiveEvent, _: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) =>
        e.params.From && e.params.From !== 'system' ? userByIdentity(ctx, info, e.serviceSid, e.params.From) : null,
    }),
    removedBy: t.string({
      description: 'The identity of whoever deleted the message, when the webhook says.',
      resolve: (e: ChatLiveEvent) => e.params.RemovedBy ?? null,
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the message was sent.', resolve: (e: ChatLiveEvent) => dateParam(e, 'DateCreated') }),
    dateRemoved: t.field({
      type: 'DateTime',
      description: 'When the message was deleted, when the webhook says.',
      resolve: (e: ChatLiveEvent) => dateParam(e, 'DateRemoved'),
    }),
  }),
);

const ChatMemberJoinedEvent = eventType('ChatMemberJoinedEvent', 'A user joined a channel, or was added to it.', (t) => ({
  ...inChannel(t),
  member: eventObject(t, ChatMember, 'The new membership.', memberOf),
}));

const ChatMemberUpdatedEvent = eventType('ChatMemberUpdatedEvent', 'A membership was changed (its role, attributes or read position).', (t) => ({
  ...inChannel(t),
  member: eventObject(t, ChatMember, 'The membership as it now is.', memberOf),
}));

const ChatMemberLeftEvent = eventType(
  'ChatMemberLeftEvent',
  'A member left a channel, or was removed from it. The membership is gone: the event carries what the webhook said of it.',
  (t) => ({
    ...inChannel(t),
    memberSid: t.string({ nullable: false, description: 'The SID of the membership that ended (`MB…`).', resolve: (e: ChatLiveEvent) => e.params.MemberSid! }),
    identity: t.string({ description: 'The identity of the user who left.', resolve: (e: ChatLiveEvent) => e.params.Identity ?? null }),
    user: t.field({
      type: ChatUser,
      extensions: listedPer('ChatService'),
      description: 'The user who left; null when the user is no longer in the service.',
      resolve: (e: ChatLiveEvent, _: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) =>
        e.params.Identity ? userByIdentity(ctx, info, e.serviceSid, e.params.Identity) : null,
    }),
    roleSid: t.string({ description: 'The SID of the channel role the member had.', resolve: (e: ChatLiveEvent) => text(e.params.RoleSid ?? '') }),
    role: t.field({
      type: ChatRole,
      extensions: listedPer('ChatService'),
      description: 'The channel role the member had.',
      resolve: (e: ChatLiveEvent, _: unknown, ctx: GatewayContext) =>
        e.params.RoleSid ? ChatRole.getDataloader(ctx).load(nodeKey(e.serviceSid, e.params.RoleSid)) : null,
    }),
    reason: t.string({ description: 'Why the membership ended, when the webhook says.', resolve: (e: ChatLiveEvent) => e.params.Reason ?? null }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the member had joined.', resolve: (e: ChatLiveEvent) => dateParam(e, 'DateCreated') }),
    dateRemoved: t.field({
      type: 'DateTime',
      description: 'When the membership ended, when the webhook says.',
      resolve: (e: ChatLiveEvent) => dateParam(e, 'DateRemoved'),
    }),
  }),
);

const ChatChannelAddedEvent = eventType('ChatChannelAddedEvent', 'A channel was created in the service.', (t) => ({
  channel: eventObject(t, ChatChannel, 'The new channel.', channelRecordOf),
}));

const ChatChannelUpdatedEvent = eventType('ChatChannelUpdatedEvent', 'A channel was changed (its names, attributes or type).', (t) => ({
  channelSid: t.string({ nullable: false, description: 'The SID of the channel.', resolve: (e: ChatLiveEvent) => e.channelSid! }),
  channel: eventObject(t, ChatChannel, 'The channel as it now is.', channelRecordOf),
}));

const ChatChannelDestroyedEvent = eventType(
  'ChatChannelDestroyedEvent',
  'A channel was deleted, with its members and messages. It is gone: the event carries what the webhook said of it.',
  (t) => ({
    ...inChannel(t, true),
    uniqueName: t.string({ description: 'The unique name the channel had.', resolve: (e: ChatLiveEvent) => text(e.params.UniqueName ?? '') }),
    friendlyName: t.string({ description: 'The name shown for the channel.', resolve: (e: ChatLiveEvent) => text(e.params.FriendlyName ?? '') }),
    attributes: t.field({
      type: 'JSON',
      description: 'The application data the channel had.',
      resolve: (e: ChatLiveEvent) => parseJsonText(e.params.Attributes),
    }),
    type: t.field({
      type: ChatChannelType,
      description: 'Whether the channel was public or private.',
      resolve: (e: ChatLiveEvent) => (CHANNEL_TYPES.has(e.params.ChannelType ?? '') ? (e.params.ChannelType as 'public' | 'private') : null),
    }),
    createdBy: t.string({
      description: 'The identity of the user who had created the channel, or `system`.',
      resolve: (e: ChatLiveEvent) => text(e.params.CreatedBy ?? ''),
    }),
    creator: t.field({
      type: ChatUser,
      extensions: listedPer('ChatService'),
      description: 'The user who had created the channel; null when the system did.',
      resolve: (e: ChatLiveEvent, _: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) =>
        e.params.CreatedBy && e.params.CreatedBy !== 'system' ? userByIdentity(ctx, info, e.serviceSid, e.params.CreatedBy) : null,
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the channel was created.', resolve: (e: ChatLiveEvent) => dateParam(e, 'DateCreated') }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the channel was last changed.', resolve: (e: ChatLiveEvent) => dateParam(e, 'DateUpdated') }),
  }),
);

const ChatUserAddedEvent = eventType('ChatUserAddedEvent', 'A user was created in the service.', (t) => ({
  user: eventObject(t, ChatUser, 'The new user.', userRecordOf),
}));

const ChatUserUpdatedEvent = eventType('ChatUserUpdatedEvent', 'A user was changed (its names, role, attributes or presence).', (t) => ({
  user: eventObject(t, ChatUser, 'The user as it now is.', userRecordOf),
}));

function dateParam(e: ChatLiveEvent, param: string): string | null {
  const value = e.params[param];
  return value ? date(value) : null;
}

const CHANNEL_EVENT_TYPES = [
  ChatMessageAddedEvent,
  ChatMessageUpdatedEvent,
  ChatMessageRemovedEvent,
  ChatMemberJoinedEvent,
  ChatMemberUpdatedEvent,
  ChatMemberLeftEvent,
  ChatChannelUpdatedEvent,
  ChatChannelDestroyedEvent,
];

export const ChatChannelEvent = builder.unionType('ChatChannelEvent', {
  description: 'An event of one channel: its messages, its members, and the channel itself. Every member implements `ChatEvent`.',
  types: CHANNEL_EVENT_TYPES,
  resolveType: (event) => TYPE_OF[event.eventType],
});

export const ChatServiceEvent = builder.unionType('ChatServiceEvent', {
  description: 'An event of a whole service: those of every channel, plus channels and users created or changed. Every member implements `ChatEvent`.',
  types: [...CHANNEL_EVENT_TYPES, ChatChannelAddedEvent, ChatUserAddedEvent, ChatUserUpdatedEvent],
  resolveType: (event) => TYPE_OF[event.eventType],
});

// ---- subscriptions ----

/** Keeps the Chat events of `accountSid` whose type is in `types` (all when null). */
function chatEvents(accountSid: string, types: readonly string[] | null | undefined) {
  const wanted = types?.length ? new Set<string>(types) : null;
  return (event: LiveEvent) => event.product === 'chat' && event.accountSid === accountSid && (!wanted || wanted.has(event.eventType));
}

/** One read proves the caller's credentials reach the channel; the topic is their account's. */
async function subscribeToChannel(ctx: GatewayContext, serviceSid: string, channelSid: string, keep: (event: LiveEvent) => boolean) {
  assertLive(ctx);
  const service = checkSid('serviceSid', serviceSid, 'IS');
  const channel = checkSid('channelSid', channelSid, 'CH');
  // NOT_FOUND for a channel these credentials do not reach, UNAUTHENTICATED for credentials Twilio refuses.
  const found = await chat.fetchChannel(ctx.twilio, { path: { ServiceSid: service, Sid: channel } });
  assertOwnAccount(ctx, found.account_sid);
  return listen(ctx, chatChannelTopic(ctx.twilio.accountSid, service, channel), keep);
}

const SERVICE_SID = 'The SID of the Chat service (`IS…`).';
const CHANNEL_SID = 'The SID of the channel (`CH…`).';

builder.subscriptionFields((t) => ({
  chatMessageAdded: t.field({
    type: ChatMessage,
    nullable: false,
    description:
      "Each message sent to a channel from now on, as Twilio's `onMessageSent` webhook tells it. The credentials must reach the channel (checked before the first event, and again every few minutes while it is open: it ends with the error once they no longer do).",
    args: { serviceSid: t.arg.string({ required: true, description: SERVICE_SID }), channelSid: t.arg.string({ required: true, description: CHANNEL_SID }) },
    subscribe: (_, args, ctx) => subscribeToChannel(ctx, args.serviceSid, args.channelSid, chatEvents(ctx.twilio.accountSid, ['onMessageSent'])),
    resolve: (event, _, ctx, info) => messageOf(event as ChatLiveEvent, ctx, info),
  }),
  chatChannelEvents: t.field({
    type: ChatChannelEvent,
    nullable: false,
    description:
      'Every event of a channel from now on: messages sent, changed and deleted, members joining, changing and leaving, the channel changed or deleted. The credentials must reach the channel (checked before the first event, and again every few minutes while it is open: it ends with the error once they no longer do).',
    args: {
      serviceSid: t.arg.string({ required: true, description: SERVICE_SID }),
      channelSid: t.arg.string({ required: true, description: CHANNEL_SID }),
      kinds: t.arg({ type: [ChatLiveEventKind], description: 'Only events of these kinds; every kind when omitted.' }),
    },
    subscribe: (_, args, ctx) => subscribeToChannel(ctx, args.serviceSid, args.channelSid, chatEvents(ctx.twilio.accountSid, args.kinds)),
    resolve: (event) => event as ChatLiveEvent,
  }),
  chatServiceEvents: t.field({
    type: ChatServiceEvent,
    nullable: false,
    description:
      'Every event of a Chat service from now on: those of all its channels, plus channels and users created or changed. The credentials must reach the service (checked before the first event, and again every few minutes while it is open: it ends with the error once they no longer do).',
    args: {
      serviceSid: t.arg.string({ required: true, description: SERVICE_SID }),
      kinds: t.arg({ type: [ChatLiveEventKind], description: 'Only events of these kinds; every kind when omitted.' }),
    },
    subscribe: async (_, args, ctx) => {
      assertLive(ctx);
      const service = checkSid('serviceSid', args.serviceSid, 'IS');
      const found = await chat.fetchService(ctx.twilio, { path: { Sid: service } });
      assertOwnAccount(ctx, found.account_sid);
      return listen(ctx, chatServiceTopic(ctx.twilio.accountSid, service), chatEvents(ctx.twilio.accountSid, args.kinds));
    },
    resolve: (event) => event as ChatLiveEvent,
  }),
}));
