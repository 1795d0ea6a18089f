/**
 * What Twilio announces after a write, and to whom: Chat's post-event
 * webhooks (the service's and each channel's), Event Streams events to the
 * sinks that subscribe to them, and a sink's test event. `webhooks.ts` sends
 * what this file decides. Only writes that clients make over HTTP get here
 * (Engine.onWrite); the seed and operations run inside another are silent.
 *
 * Chat's events and their parameters: https://www.twilio.com/docs/chat/webhook-events
 * Event Streams' events: https://www.twilio.com/docs/events/event-types (CloudEvents, one array per request:
 * https://www.twilio.com/docs/events/webhook-quickstart).
 */
import { randomBytes } from 'node:crypto';
import type { StoredRecord } from '../store.ts';
import type { DeliverySpec } from '../webhooks.ts';
import type { RuleAccount, WriteChange } from './types.ts';
import { sinkTestIds } from './events.ts';

type Params = Record<string, string>;

/** The Chat writes that Twilio announces: the operations that take `X-Twilio-Webhook-Enabled`. */
const CHAT_EVENTS: Record<string, string> = {
  'chat.CreateChannel': 'onChannelAdded',
  'chat.UpdateChannel': 'onChannelUpdated',
  'chat.DeleteChannel': 'onChannelDestroyed',
  'chat.CreateMessage': 'onMessageSent',
  'chat.UpdateMessage': 'onMessageUpdated',
  'chat.DeleteMessage': 'onMessageRemoved',
  'chat.CreateMember': 'onMemberAdded',
  'chat.UpdateMember': 'onMemberUpdated',
  'chat.DeleteMember': 'onMemberRemoved',
  'chat.CreateUser': 'onUserAdded',
  'chat.UpdateUser': 'onUserUpdated',
};

/** The Event Streams type of each Chat event (Chat v2 services are Conversations services; a channel is a conversation). */
const STREAM_TYPES: Record<string, string> = {
  onChannelAdded: 'com.twilio.conversations.conversation.added',
  onChannelUpdated: 'com.twilio.conversations.conversation.updated',
  onChannelDestroyed: 'com.twilio.conversations.conversation.removed',
  onMessageSent: 'com.twilio.conversations.message.added',
  onMediaMessageSent: 'com.twilio.conversations.message.added',
  onMessageUpdated: 'com.twilio.conversations.message.updated',
  onMessageRemoved: 'com.twilio.conversations.message.removed',
  onMemberAdded: 'com.twilio.conversations.participant.added',
  onMemberUpdated: 'com.twilio.conversations.participant.updated',
  onMemberRemoved: 'com.twilio.conversations.participant.removed',
  onUserAdded: 'com.twilio.conversations.user.added',
  onUserUpdated: 'com.twilio.conversations.user.updated',
};

/** The deliveries a write makes; none for writes Twilio does not announce. */
export function announce(change: WriteChange): DeliverySpec[] {
  const id = change.op.id;
  if (id === 'events.CreateSinkTest') return sinkTest(change);
  const event = CHAT_EVENTS[id];
  if (!event || !change.record) return [];
  const chat = chatEvent(change, event);
  const out: DeliverySpec[] = [];
  // REST writes fire post-event webhooks only when asked to, with `X-Twilio-Webhook-Enabled: true`
  // (https://www.twilio.com/docs/chat/webhook-events, "Post-Event Webhooks ... can also be triggered from the
  // REST API if the correct header is passed"); SDK actions always would, and the emulator has no SDK.
  if (change.inputs['X-Twilio-Webhook-Enabled'] === 'true') out.push(...chatWebhooks(change, chat));
  out.push(...streamEvents(change, chat));
  return out;
}

interface ChatEvent {
  name: string;
  serviceSid: string;
  /** The channel the event happened in (none for user events). */
  channel: StoredRecord | undefined;
  params: Params;
}

// ---- Chat webhooks ----

function chatEvent(change: WriteChange, event: string): ChatEvent {
  const r = change.record!.data;
  const serviceSid = change.params.ServiceSid!;
  const channelSid = change.op.resource.schemaName === 'ip_messaging.v2.service.channel' ? String(r.sid) : change.params.ChannelSid;
  const channel = channelSid ? change.account.get(`/v2/Services/${serviceSid}/Channels/${channelSid}`) : undefined;
  const removed = change.kind === 'delete';
  let name = event;
  let params: Params;
  switch (event) {
    case 'onChannelAdded':
    case 'onChannelUpdated':
    case 'onChannelDestroyed':
      params = fields({
        ChannelSid: r.sid,
        ChannelType: r.type,
        FriendlyName: r.friendly_name,
        UniqueName: r.unique_name,
        Attributes: r.attributes,
        CreatedBy: r.created_by,
        DateCreated: r.date_created,
        DateUpdated: event === 'onChannelAdded' ? undefined : r.date_updated,
      });
      break;
    case 'onMessageSent':
    case 'onMessageUpdated':
    case 'onMessageRemoved': {
      const media = r.media as { sid?: string; content_type?: string; filename?: string; size?: number } | null;
      if (event === 'onMessageSent' && media) name = 'onMediaMessageSent';
      params = fields({
        ChannelSid: channelSid,
        MessageSid: r.sid,
        Index: r.index,
        Body: r.body,
        Attributes: r.attributes,
        From: r.from,
        DateCreated: r.date_created,
        DateUpdated: event === 'onMessageUpdated' ? r.date_updated : undefined,
        DateRemoved: removed ? change.now : undefined,
        MediaSid: media?.sid,
        MediaContentType: media?.content_type,
        MediaFilename: media?.filename,
        MediaSize: media?.size,
      });
      break;
    }
    case 'onMemberAdded':
    case 'onMemberUpdated':
    case 'onMemberRemoved':
      params = fields({
        ChannelSid: channelSid,
        MemberSid: r.sid,
        Identity: r.identity,
        RoleSid: event === 'onMemberRemoved' ? undefined : r.role_sid,
        Reason: event === 'onMemberAdded' ? 'ADDED' : event === 'onMemberRemoved' ? 'REMOVED' : undefined,
        LastConsumedMessageIndex: event === 'onMemberUpdated' ? r.last_consumed_message_index : undefined,
        DateCreated: r.date_created,
        DateUpdated: event === 'onMemberUpdated' ? r.date_updated : undefined,
        DateRemoved: removed ? change.now : undefined,
      });
      break;
    default:
      // onUserAdded, onUserUpdated
      params = fields({
        UserSid: r.sid,
        Identity: r.identity,
        RoleSid: r.role_sid,
        FriendlyName: r.friendly_name,
        Attributes: r.attributes,
        IsOnline: event === 'onUserUpdated' ? r.is_online : undefined,
        IsNotifiable: event === 'onUserUpdated' ? r.is_notifiable : undefined,
        DateCreated: r.date_created,
        DateUpdated: event === 'onUserUpdated' ? r.date_updated : undefined,
      });
  }
  return { name, serviceSid, channel, params };
}

function chatWebhooks(change: WriteChange, event: ChatEvent): DeliverySpec[] {
  const out: DeliverySpec[] = [];
  const common: Params = {
    EventType: event.name,
    AccountSid: change.account.accountSid,
    InstanceSid: event.serviceSid,
    Source: 'api',
    ...event.params,
  };
  // The service's post-event webhook, for the events in its WebhookFilters:
  // https://www.twilio.com/docs/chat/rest/service-resource
  const service = change.account.get(`/v2/Services/${event.serviceSid}`)?.data;
  const filters = (service?.webhook_filters as string[] | null | undefined) ?? [];
  if (service && typeof service.post_webhook_url === 'string' && service.post_webhook_url && filters.includes(event.name)) {
    out.push({
      kind: 'chatService',
      accountSid: change.account.accountSid,
      url: service.post_webhook_url,
      method: String(service.webhook_method ?? 'POST'),
      form: common,
      // Retried on a timeout (5 s) or a 429, 503 or 504, PostWebhookRetryCount times (default 0).
      retry: { kind: 'count', retries: Number(service.post_webhook_retry_count ?? 0), on: 'transient' },
    });
  }
  // Each channel webhook of type `webhook` whose Configuration.Filters name the event:
  // https://www.twilio.com/docs/chat/rest/channel-webhook-resource
  if (event.channel) {
    for (const hook of change.account.list(`${event.channel.path}/Webhooks`)) {
      const config = (hook.data.configuration ?? {}) as { url?: string; method?: string; filters?: string[]; retry_count?: number };
      if (hook.data.type !== 'webhook' || !config.url || !(config.filters ?? []).includes(event.name)) continue;
      out.push({
        kind: 'chatChannel',
        accountSid: change.account.accountSid,
        url: config.url,
        method: config.method ?? 'POST',
        form: { ...common, WebhookSid: String(hook.data.sid), WebhookType: 'webhook' },
        // "The number of times to retry the webhook if the first attempt fails", 0 to 3.
        retry: { kind: 'count', retries: Number(config.retry_count ?? 0), on: 'any' },
      });
    }
  }
  return out;
}

/** Parameters as Twilio sends them: strings, and absent rather than empty when a field has no value. */
function fields(values: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

// ---- Event Streams ----

/**
 * Event Streams events go to every active webhook sink whose subscriptions
 * name the type, whatever the write's `X-Twilio-Webhook-Enabled`: that header
 * governs webhooks only. Kinesis and Segment sinks receive nothing here.
 */
function streamEvents(change: WriteChange, chat: ChatEvent): DeliverySpec[] {
  const type = STREAM_TYPES[chat.name];
  if (!type) return [];
  let data: Record<string, unknown> | undefined;
  const out: DeliverySpec[] = [];
  for (const { sink, version } of subscribedSinks(change.account, type)) {
    data ??= streamData(change, chat);
    out.push(
      sinkDelivery(change.account.accountSid, sink, {
        specversion: '1.0',
        type,
        source: change.record!.path,
        id: eventId(),
        dataschema: `https://events-schemas.twilio.com/${schemaIdOf(change.account, type)}/${version}`,
        datacontenttype: 'application/json',
        // The write's time on the emulator's clock.
        time: new Date(change.now).toISOString(),
        data,
      }),
    );
  }
  return out;
}

/** Active webhook sinks subscribed to `type`, each once, with the schema version it is subscribed at. */
function subscribedSinks(account: RuleAccount, type: string): Array<{ sink: StoredRecord; version: number }> {
  const seen = new Set<string>();
  const out: Array<{ sink: StoredRecord; version: number }> = [];
  for (const subscription of account.list('/v1/Subscriptions')) {
    const subscribed = account.get(`${subscription.path}/SubscribedEvents/${type}`);
    if (!subscribed) continue;
    const sinkSid = String(subscription.data.sink_sid);
    const sink = account.get(`/v1/Sinks/${sinkSid}`);
    if (!sink || seen.has(sinkSid) || sink.data.sink_type !== 'webhook' || sink.data.status !== 'active') continue;
    seen.add(sinkSid);
    out.push({ sink, version: Number(subscribed.data.schema_version) });
  }
  return out;
}

function schemaIdOf(account: RuleAccount, type: string): string {
  return String(account.get(`/v1/Types/${type}`)?.data.schema_id ?? type);
}

/** The event's `data`, with the fields of Twilio's Conversations event schemas that a Chat record has. */
function streamData(change: WriteChange, chat: ChatEvent): Record<string, unknown> {
  const r = change.record!.data;
  const base = { AccountSid: change.account.accountSid, ChatServiceSid: chat.serviceSid };
  const updated = change.kind === 'update' ? { DateUpdated: r.date_updated } : {};
  switch (chat.name) {
    case 'onChannelAdded':
    case 'onChannelUpdated':
    case 'onChannelDestroyed':
      return compact({
        ...base,
        ConversationSid: r.sid,
        FriendlyName: r.friendly_name,
        UniqueName: r.unique_name,
        Attributes: json(r.attributes),
        DateCreated: r.date_created,
        ...updated,
      });
    case 'onMessageSent':
    case 'onMediaMessageSent':
    case 'onMessageUpdated':
    case 'onMessageRemoved': {
      const author = chat.channel && change.account.list(`${chat.channel.path}/Members`).find((m) => m.data.identity === r.from);
      const media = r.media as { sid?: string; content_type?: string; filename?: string; size?: number } | null;
      return compact({
        ...base,
        ConversationSid: chat.params.ChannelSid,
        MessageSid: r.sid,
        Author: r.from,
        ParticipantSid: author?.data.sid,
        Index: r.index,
        MessageBody: r.body,
        Attributes: json(r.attributes),
        Media: media ? [{ MediaSid: media.sid, Filename: media.filename, ContentType: media.content_type, Size: media.size }] : undefined,
        DateCreated: r.date_created,
        ...updated,
      });
    }
    case 'onMemberAdded':
    case 'onMemberUpdated':
    case 'onMemberRemoved':
      return compact({
        ...base,
        ConversationSid: chat.params.ChannelSid,
        ParticipantSid: r.sid,
        Identity: r.identity,
        RoleSid: r.role_sid,
        Attributes: json(r.attributes),
        DateCreated: r.date_created,
        ...updated,
      });
    default:
      return compact({
        ...base,
        UserSid: r.sid,
        Identity: r.identity,
        FriendlyName: r.friendly_name,
        RoleSid: r.role_sid,
        Attributes: json(r.attributes),
        DateCreated: r.date_created,
        ...updated,
      });
  }
}

/** A sink's test event, carrying the test id that `Validate` takes. */
function sinkTest(change: WriteChange): DeliverySpec[] {
  const sink = change.account.get(`/v1/Sinks/${change.params.Sid}`);
  const testId = sink && sinkTestIds(change.account, String(sink.data.sid)).at(-1);
  if (!sink || !testId || sink.data.sink_type !== 'webhook') return [];
  return [
    sinkDelivery(change.account.accountSid, sink, {
      specversion: '1.0',
      type: 'com.twilio.eventstreams.test-event',
      source: `/v1/Sinks/${String(sink.data.sid)}/Test`,
      id: eventId(),
      dataschema: 'https://events-schemas.twilio.com/EventStreams.TestSink/1',
      datacontenttype: 'application/json',
      // The write's time on the emulator's clock.
      time: new Date(change.now).toISOString(),
      data: { test_id: testId, sink_sid: sink.data.sid },
    }),
  ];
}

function sinkDelivery(accountSid: string, sink: StoredRecord, event: Record<string, unknown>): DeliverySpec {
  const config = sink.data.sink_configuration as { destination: string; method?: string; batch_events?: boolean };
  return {
    kind: 'eventStreams',
    accountSid,
    url: config.destination,
    method: config.method ?? 'POST',
    events: [event],
    // With batch_events, events waiting for the same sink go in one request; without, one event per request.
    batchKey: config.batch_events ? `sink:${String(sink.data.sid)}` : undefined,
    retry: { kind: 'backoff' },
  };
}

/** Unique per event, and not drawn from the store's SID sequence (which keeps seeded SIDs reproducible). */
function eventId(): string {
  return 'EZ' + randomBytes(16).toString('hex');
}

function json(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));
}
