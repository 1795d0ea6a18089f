/**
 * The events the gateway publishes, read from Twilio's webhooks: Chat v2's
 * post-event webhooks (form parameters, named as Twilio documents them) and
 * Event Streams deliveries (CloudEvents). What is published is plain JSON,
 * so it crosses Redis unchanged; the topics say whose it is.
 */
import { createHash } from 'node:crypto';

/** Where a Chat event is published: its channel's topic and its service's, or its service's only. */
export type ChatEventScope = 'channel' | 'service';

interface ChatEventKind {
  scope: ChatEventScope;
  /** The parameter holding the SID of the object the event is about, and that SID's prefix. */
  subject: readonly [string, string];
}

/**
 * The post-event webhooks of Programmable Chat the gateway publishes. Others
 * (pre-event webhooks such as `onMessageSend`, events it has no type for) are
 * acknowledged and dropped.
 */
export const CHAT_EVENTS = {
  onMessageSent: { scope: 'channel', subject: ['MessageSid', 'IM'] },
  onMessageUpdated: { scope: 'channel', subject: ['MessageSid', 'IM'] },
  onMessageRemoved: { scope: 'channel', subject: ['MessageSid', 'IM'] },
  onMemberAdded: { scope: 'channel', subject: ['MemberSid', 'MB'] },
  onMemberUpdated: { scope: 'channel', subject: ['MemberSid', 'MB'] },
  onMemberRemoved: { scope: 'channel', subject: ['MemberSid', 'MB'] },
  onChannelAdded: { scope: 'service', subject: ['ChannelSid', 'CH'] },
  onChannelUpdated: { scope: 'channel', subject: ['ChannelSid', 'CH'] },
  onChannelDestroyed: { scope: 'channel', subject: ['ChannelSid', 'CH'] },
  onUserAdded: { scope: 'service', subject: ['UserSid', 'US'] },
  onUserUpdated: { scope: 'service', subject: ['UserSid', 'US'] },
} as const satisfies Record<string, ChatEventKind>;

export type ChatEventType = keyof typeof CHAT_EVENTS;

export function isChatEventType(value: string): value is ChatEventType {
  return Object.hasOwn(CHAT_EVENTS, value);
}

/** One Chat post-event webhook, as published. */
export interface ChatLiveEvent {
  product: 'chat';
  eventType: ChatEventType;
  accountSid: string;
  serviceSid: string;
  /** The channel the event happened in; null for service-wide events (a user added, a channel added). */
  channelSid: string | null;
  /** Twilio's parameters (`Body`, `Index`, `Identity`, …), except those that describe the delivery rather than the event. */
  params: Record<string, string>;
}

/** One CloudEvent of an Event Streams delivery. */
export interface CloudEvent {
  id: string;
  type: string;
  source: string | null;
  specversion: string | null;
  time: string | null;
  subject: string | null;
  dataschema: string | null;
  datacontenttype: string | null;
  data: unknown;
}

/** One Event Streams event, as published. */
export interface StreamLiveEvent {
  product: 'events';
  accountSid: string;
  event: CloudEvent;
}

export type LiveEvent = ChatLiveEvent | StreamLiveEvent;

/** A webhook the gateway verified but cannot read: 400, naming the field. */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parameters Twilio sets per delivery: a retry, or the same event sent to a second webhook, differs in these only. */
const DELIVERY_PARAMS = new Set(['RetryCount', 'WebhookSid', 'WebhookType']);

export const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);
export const ACCOUNT_SID = SID('AC');
const SERVICE_SID = SID('IS');
const CHANNEL_SID = SID('CH');

/**
 * Reads a verified Chat webhook. Null for an event the gateway does not
 * publish; throws WebhookPayloadError for one it does that lacks what it needs.
 */
export function readChatWebhook(form: URLSearchParams): ChatLiveEvent | null {
  const eventType = form.get('EventType');
  if (!eventType) throw new WebhookPayloadError('EventType', 'EventType is missing: not a Chat webhook');
  if (!isChatEventType(eventType)) return null;
  const kind: ChatEventKind = CHAT_EVENTS[eventType];
  const params: Record<string, string> = {};
  for (const [name, value] of form) {
    if (DELIVERY_PARAMS.has(name)) continue;
    // Twilio names each parameter once. The signature runs names and values together, so a value that reads
    // `…ChannelSid<SID>` can be cut into a second ChannelSid, signed all the same: which one would be the event's?
    if (Object.hasOwn(params, name) && params[name] !== value)
      throw new WebhookPayloadError(name, `${name} is given twice, with different values: a Chat webhook names each parameter once`);
    params[name] = value;
  }
  const need = (name: string, pattern: RegExp, what: string) => {
    const value = params[name];
    if (!value) throw new WebhookPayloadError(name, `${name} is missing: ${eventType} names ${what}`);
    if (!pattern.test(value)) throw new WebhookPayloadError(name, `${name} must be ${what}`);
    return value;
  };
  const accountSid = need('AccountSid', ACCOUNT_SID, 'an account SID (AC…)');
  const serviceSid = need('InstanceSid', SERVICE_SID, 'a Chat service SID (IS…)');
  const channelSid = kind.scope === 'channel' || params.ChannelSid ? need('ChannelSid', CHANNEL_SID, 'a channel SID (CH…)') : null;
  const [subject, prefix] = kind.subject;
  need(subject, SID(prefix), `a SID starting with ${prefix}`);
  if (params.Index !== undefined && !/^\d{1,15}$/.test(params.Index)) throw new WebhookPayloadError('Index', 'Index must be a whole number');
  return { product: 'chat', eventType, accountSid, serviceSid, channelSid: kind.scope === 'channel' ? channelSid : null, params };
}

/**
 * The key a Chat event is published once under. Twilio's retries of one
 * delivery differ only in `RetryCount`, and the same event sent to a service
 * webhook and a channel webhook only in `WebhookSid`: the key is the event's
 * identity (account, type, subject) with a digest of everything else it says,
 * so two updates of one message are two events, and a retry is none.
 */
export function chatEventKey(event: ChatLiveEvent): string {
  const [subject] = CHAT_EVENTS[event.eventType].subject;
  const digest = createHash('sha256');
  for (const name of Object.keys(event.params).sort()) digest.update(`${name}\u0000${event.params[name]}\u0000`);
  return `chat:${event.accountSid}:${event.eventType}:${event.params[subject]}:${digest.digest('hex').slice(0, 32)}`;
}

/** The key an Event Streams event is published once under: its CloudEvent `id`, per account. */
export function streamEventKey(event: StreamLiveEvent): string {
  return `events:${event.accountSid}:${event.event.id}`;
}

const ACCOUNT_IN_SOURCE = /\/Accounts\/(AC[0-9a-fA-F]{32})(?:[/.?]|$)/;

/** The account a CloudEvent names, if any: in its data (`accountSid`, `account_sid`, `AccountSid`) or its `source` path. */
export function accountOfCloudEvent(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null;
  const event = raw as Record<string, unknown>;
  const data = event.data && typeof event.data === 'object' ? (event.data as Record<string, unknown>) : {};
  for (const value of [data.accountSid, data.account_sid, data.AccountSid]) {
    if (typeof value === 'string' && ACCOUNT_SID.test(value)) return value;
  }
  return typeof event.source === 'string' ? (ACCOUNT_IN_SOURCE.exec(event.source)?.[1] ?? null) : null;
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * Reads a verified Event Streams delivery: a JSON array of CloudEvents (a
 * single CloudEvent object is taken as a batch of one), each with a string
 * `id` and `type`.
 */
export function readCloudEvents(body: unknown): CloudEvent[] {
  const batch = Array.isArray(body) ? body : [body];
  return batch.map((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WebhookPayloadError(`[${i}]`, `event ${i} is not a CloudEvent object`);
    const event = raw as Record<string, unknown>;
    if (typeof event.id !== 'string' || !event.id) throw new WebhookPayloadError(`[${i}].id`, `event ${i} has no id: every CloudEvent has a string id`);
    if (typeof event.type !== 'string' || !event.type)
      throw new WebhookPayloadError(`[${i}].type`, `event ${i} has no type: every CloudEvent has a string type`);
    return {
      id: event.id,
      type: event.type,
      source: optionalString(event.source),
      specversion: optionalString(event.specversion),
      time: optionalString(event.time),
      subject: optionalString(event.subject),
      dataschema: optionalString(event.dataschema),
      datacontenttype: optionalString(event.datacontenttype),
      data: event.data ?? null,
    };
  });
}
