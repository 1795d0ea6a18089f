/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** A field whose value conforms to the standard URL format as specified in RFC3986: https://www.ietf.org/rfc/rfc3986.txt. */
  URL: { input: string; output: string; }
};

/** One contact's opt-in status, one object of Twilio's `Items`. */
export type BulkConsentItemInput = {
  /** The contact's phone number in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`contact_id`). */
  contactId: Scalars['String']['input'];
  /** A unique 32-character UUID (32 hexadecimal digits, or a UUID with hyphens) that maps this item to its result. (`correlation_id`) */
  correlationId: Scalars['String']['input'];
  /** When the contact gave or withdrew consent (`date_of_consent`), optional. */
  dateOfConsent?: InputMaybe<Scalars['DateTime']['input']>;
  /** The sender the consent is for: a messaging service SID (`MG…`) or a from phone number (`sender_id`). */
  senderId: Scalars['String']['input'];
  /** The medium through which the consent was collected (`source`). */
  source: BulkConsentSource;
  /** The consent status (`status`). */
  status: BulkConsentStatus;
};

/** The medium through which the consent was collected. */
export type BulkConsentSource =
  /** Outside any digital channel (paper, in person). */
  | 'OFFLINE'
  /** An opt-in message from the contact (such as START). */
  | 'OPT_IN_MESSAGE'
  /** An opt-out message from the contact (such as STOP). */
  | 'OPT_OUT_MESSAGE'
  /** Any other medium. */
  | 'OTHERS'
  /** A form on a website. */
  | 'WEBSITE';

/** A contact's consent status. */
export type BulkConsentStatus =
  /** The contact agreed to receive messages. */
  | 'OPT_IN'
  /** The contact withdrew their agreement. */
  | 'OPT_OUT';

/** One contact's details, one object of Twilio's `Items`. */
export type BulkContactItemInput = {
  /** The contact's phone number in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`contact_id`). */
  contactId: Scalars['String']['input'];
  /** A unique 32-character UUID (32 hexadecimal digits, or a UUID with hyphens) that maps this item to its result. (`correlation_id`) */
  correlationId: Scalars['String']['input'];
  /** The contact's country as an ISO 3166-1 alpha-2 code, e.g. `US` for the United States (`country_iso_code`). */
  countryIsoCode?: InputMaybe<Scalars['String']['input']>;
  /** The contact's postal code (`zip_code`). */
  zipCode?: InputMaybe<Scalars['String']['input']>;
};

/** The push service a binding delivers notifications through. */
export type ChatBindingType =
  /** Apple Push Notification service (iOS). */
  | 'APN'
  /** Firebase Cloud Messaging. */
  | 'FCM'
  /** Google Cloud Messaging, the predecessor of FCM. */
  | 'GCM';

/** Who can see and join a channel. */
export type ChatChannelType =
  /** Visible only to its members; joined by invitation. */
  | 'PRIVATE'
  /** Listed for every user of the service; anyone may join. */
  | 'PUBLIC';

/** The HTTP method Twilio calls a channel webhook's URL with. */
export type ChatChannelWebhookMethod =
  /** Event parameters in the query string. */
  | 'GET'
  /** Event parameters in a form-encoded body. */
  | 'POST';

/** What a channel webhook does with the channel's events. */
export type ChatChannelWebhookType =
  /** Hands the channel's messages to a Studio flow. */
  | 'STUDIO'
  /** Calls a URL when a message matches one of its trigger keywords. */
  | 'TRIGGER'
  /** Calls a URL for the channel events its filters select. */
  | 'WEBHOOK';

/** A kind of Chat event, named after the type a subscriber receives; each is one of Twilio's post-event webhooks. */
export type ChatLiveEventKind =
  /** A channel was created (`onChannelAdded`; service streams only): `ChatChannelAddedEvent`. */
  | 'CHANNEL_ADDED'
  /** A channel was deleted (`onChannelDestroyed`): `ChatChannelDestroyedEvent`. */
  | 'CHANNEL_DESTROYED'
  /** A channel was changed (`onChannelUpdated`): `ChatChannelUpdatedEvent`. */
  | 'CHANNEL_UPDATED'
  /** A user joined a channel (`onMemberAdded`): `ChatMemberJoinedEvent`. */
  | 'MEMBER_JOINED'
  /** A member left or was removed (`onMemberRemoved`): `ChatMemberLeftEvent`. */
  | 'MEMBER_LEFT'
  /** A membership was changed (`onMemberUpdated`): `ChatMemberUpdatedEvent`. */
  | 'MEMBER_UPDATED'
  /** A message was sent (`onMessageSent`): `ChatMessageAddedEvent`. */
  | 'MESSAGE_ADDED'
  /** A message was deleted (`onMessageRemoved`): `ChatMessageRemovedEvent`. */
  | 'MESSAGE_REMOVED'
  /** A message was changed (`onMessageUpdated`): `ChatMessageUpdatedEvent`. */
  | 'MESSAGE_UPDATED'
  /** A user was created (`onUserAdded`; service streams only): `ChatUserAddedEvent`. */
  | 'USER_ADDED'
  /** A user was changed (`onUserUpdated`; service streams only): `ChatUserUpdatedEvent`. */
  | 'USER_UPDATED';

/** What a message carries. */
export type ChatMessageType =
  /** A file: the message has `media`, and may have a `body` too. */
  | 'MEDIA'
  /** Text: the message has a `body`. */
  | 'TEXT';

/** Push notification settings for one kind of event. */
export type ChatNotificationSettingsInput = {
  /** Whether to send the notification. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** The sound to play. */
  sound?: InputMaybe<Scalars['String']['input']>;
  /** The notification text; may use `${CHANNEL}`, `${USER}`, `${MESSAGE}`. */
  template?: InputMaybe<Scalars['String']['input']>;
};

/** A push notification service a credential sends through. */
export type ChatPushService =
  /** Apple Push Notification service (iOS). */
  | 'APN'
  /** Firebase Cloud Messaging (Android, and iOS through Firebase). */
  | 'FCM'
  /** Google Cloud Messaging, the predecessor of FCM. */
  | 'GCM';

/** What a role applies to. */
export type ChatRoleType =
  /** Given to members within one channel. */
  | 'CHANNEL'
  /** Given to users across the whole service. */
  | 'DEPLOYMENT';

/** Which push notifications a user gets for a channel. */
export type ChatUserChannelNotificationLevel =
  /** Notifications as the service's push settings say. */
  | 'DEFAULT'
  /** No push notifications for new messages in this channel. */
  | 'MUTED';

/** The user's standing in a channel. */
export type ChatUserChannelStatus =
  /** The user is invited to the channel and has not joined yet. */
  | 'INVITED'
  /** The user is a member of the channel. */
  | 'JOINED'
  /** The user can see the channel but is not a member of it. */
  | 'NOT_PARTICIPATING';

/** A new AWS credential. */
export type CreateAwsCredentialInput = {
  /** The SID of the Subaccount that this Credential should be associated with (`AC…`). Must be a valid Subaccount of the account issuing the request. */
  accountSid?: InputMaybe<Scalars['String']['input']>;
  /** The AWS access credentials as `<access key ID>:<secret access key>`, e.g. `AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`. Write-only: sent to Twilio, never returned by any field or error. */
  credentials: Scalars['String']['input'];
  /** A descriptive string that you create to describe the resource. It can be up to 64 characters long. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
};

/** Contacts' opt-in statuses to record. */
export type CreateBulkConsentsInput = {
  /** A list of objects that describes contacts' opt-in status, 1 to 25 per request, each with its own correlation id. */
  items: Array<BulkConsentItemInput>;
};

/** Contacts' details to record. */
export type CreateBulkContactsInput = {
  /** A list of objects where each object represents a contact's details, 1 to 25 per request, each with its own correlation id. */
  items: Array<BulkContactItemInput>;
};

/** A new channel. */
export type CreateChatChannelInput = {
  /** Application data to store with the channel. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The identity of the creating user; `system` when omitted. */
  createdBy?: InputMaybe<Scalars['String']['input']>;
  /** Creation date to record, for imports. */
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Update date to record, for imports. */
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The name shown for the channel. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** Public (the default) or private. */
  type?: InputMaybe<ChatChannelType>;
  /** A name unique in the service. */
  uniqueName?: InputMaybe<Scalars['String']['input']>;
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A new channel webhook. */
export type CreateChatChannelWebhookInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Sent as `Configuration.Filters`: the channel events that call a `WEBHOOK` webhook (`onMessageSent`, `onMemberAdded`, …). */
  configurationFilters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Sent as `Configuration.FlowSid`: the SID of the Studio flow (`FW…`) for a `STUDIO` webhook. */
  configurationFlowSid?: InputMaybe<Scalars['String']['input']>;
  /** Sent as `Configuration.Method`: the HTTP method to call the URL with; `POST` when omitted. */
  configurationMethod?: InputMaybe<ChatChannelWebhookMethod>;
  /** Sent as `Configuration.RetryCount`: how many times to retry a failed call (0 to 3); 0 when omitted. */
  configurationRetryCount?: InputMaybe<Scalars['Int']['input']>;
  /** Sent as `Configuration.Triggers`: the keywords that call a `TRIGGER` webhook. */
  configurationTriggers?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Sent as `Configuration.Url`: the URL to call (required for `WEBHOOK` and `TRIGGER`). */
  configurationUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** What the webhook does: call a URL for events or on trigger keywords, or hand messages to Studio. */
  type: ChatChannelWebhookType;
};

/** A new push credential. APN takes a certificate and private key; FCM a secret (server key); GCM an API key. */
export type CreateChatCredentialInput = {
  /** GCM only: the API key of the project, from the Google developer console. Write-only: sent to Twilio, never returned. */
  apiKey?: InputMaybe<Scalars['String']['input']>;
  /** APN only: the certificate, PEM encoded (`-----BEGIN CERTIFICATE-----…`). Write-only: sent to Twilio, never returned. */
  certificate?: InputMaybe<Scalars['String']['input']>;
  /** A name for the credential, up to 64 characters. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** APN only: the certificate's private key, PEM encoded (`-----BEGIN RSA PRIVATE KEY-----…`). Write-only: sent to Twilio, never returned. */
  privateKey?: InputMaybe<Scalars['String']['input']>;
  /** APN only: send to Apple's sandbox (development) environment instead of production. */
  sandbox?: InputMaybe<Scalars['Boolean']['input']>;
  /** FCM only: the server key of the project, from the Firebase console (Settings, Cloud Messaging). Write-only: sent to Twilio, never returned. */
  secret?: InputMaybe<Scalars['String']['input']>;
  /** The push service the credential is for. */
  type: ChatPushService;
};

/** A new invite: a user asked to join a channel. */
export type CreateChatInviteInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** The identity of the user to invite. */
  identity: Scalars['String']['input'];
  /** SID of the channel role (`RL…`) the user gets on joining; the service's default channel role when omitted. */
  roleSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
};

/** A new member of a channel. A new identity also becomes a user of the service. */
export type CreateChatMemberInput = {
  /** Application data to store with the member. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Join date to record, for imports. */
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Update date to record, for imports. */
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The identity of the user to add. */
  identity: Scalars['String']['input'];
  /** Index of the last message the member has read. */
  lastConsumedMessageIndex?: InputMaybe<Scalars['Int']['input']>;
  /** When the member last read messages. */
  lastConsumptionTimestamp?: InputMaybe<Scalars['DateTime']['input']>;
  /** SID of the member's channel role; the service's default when omitted. */
  roleSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A new message: a body, or a media SID. */
export type CreateChatMessageInput = {
  /** Application data to store with the message. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The text of the message. */
  body?: InputMaybe<Scalars['String']['input']>;
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Send date to record, for imports. */
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Update date to record, for imports. */
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The identity of the author; `system` when omitted. */
  from?: InputMaybe<Scalars['String']['input']>;
  /** The identity to record as the last to change the message, for imports. */
  lastUpdatedBy?: InputMaybe<Scalars['String']['input']>;
  /** SID of uploaded media (`ME…`) for a media message. */
  mediaSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A new role. */
export type CreateChatRoleInput = {
  /** A name for the role, unique in the service. */
  friendlyName: Scalars['String']['input'];
  /** The permissions the role grants. */
  permissions: Array<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** Whether the role is for channel members or service users. */
  type: ChatRoleType;
};

/** A new Chat service. */
export type CreateChatServiceInput = {
  /** A name for the service. */
  friendlyName: Scalars['String']['input'];
};

/** A new user. */
export type CreateChatUserInput = {
  /** Application data to store with the user. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The name shown for the user. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The user's identity in your application, unique in the service. */
  identity: Scalars['String']['input'];
  /** SID of the user's service-wide role; the service's default when omitted. */
  roleSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A new sink. Twilio makes new sinks `ACTIVE` at once (validation is no longer needed); `testEventSink` still sends it a test event. */
export type CreateEventSinkInput = {
  /** Where the sink delivers: exactly one of `webhook`, `kinesis` or `segment`. Sent as `SinkType` and `SinkConfiguration`. */
  configuration: EventSinkConfigurationInput;
  /** A human readable description for the Sink. **This value should not contain PII.** */
  description: Scalars['String']['input'];
};

/** An event type to add to a subscription. */
export type CreateEventSubscribedEventInput = {
  /** The schema version that the Subscription should use; the schema's latest when omitted. */
  schemaVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The unique SID identifier of the Subscription (`DF…`). */
  subscriptionSid: Scalars['String']['input'];
  /** Type of event being subscribed to (`com.twilio.messaging.message.sent`). */
  type: Scalars['String']['input'];
};

/** A new subscription of an active sink to some event types. */
export type CreateEventSubscriptionInput = {
  /** A human readable description for the Subscription. **This value should not contain PII.** */
  description: Scalars['String']['input'];
  /** The SID of the sink that events selected by this subscription should be sent to (`DG…`). Sink must be active for the subscription to be created. */
  sinkSid: Scalars['String']['input'];
  /** The subscribed event types, at least one, each once. */
  types: Array<EventSubscriptionTypeInput>;
};

/** A message to send to a participant from its proxy identifier. A first message takes an open session in progress. */
export type CreateProxyMessageInteractionInput = {
  /** The message to send to the participant. */
  body?: InputMaybe<Scalars['String']['input']>;
  /** Reserved by Twilio: not currently supported. */
  mediaUrl?: InputMaybe<Array<Scalars['URL']['input']>>;
  /** The SID of the Participant to send the message to (`KP…`). */
  participantSid: Scalars['String']['input'];
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the parent Session (`KC…`). */
  sessionSid: Scalars['String']['input'];
};

/** A new participant of a session. */
export type CreateProxyParticipantInput = {
  /** A string to describe the participant. At most 255 characters; it should not hold PII. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The phone number (E.164) or channel identifier of the Participant. */
  identifier: Scalars['String']['input'];
  /** The proxy phone number or short code to use for the Participant; Proxy selects one from the pool when omitted. */
  proxyIdentifier?: InputMaybe<Scalars['String']['input']>;
  /** The SID (`PN…`) of the Proxy Identifier to assign to the Participant. */
  proxyIdentifierSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the parent Session (`KC…`). */
  sessionSid: Scalars['String']['input'];
};

/** A Twilio phone number to add to a service's pool, named by its SID, its number, or both. */
export type CreateProxyPhoneNumberInput = {
  /** Whether the number is reserved: not assigned to a participant by proxy pool logic, only when asked for by value. */
  isReserved?: InputMaybe<Scalars['Boolean']['input']>;
  /** The phone number in E.164 format, without punctuation: for example `+14155551234`. */
  phoneNumber?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`PN…`) of the Twilio IncomingPhoneNumber resource to assign to the Proxy Service. */
  sid?: InputMaybe<Scalars['String']['input']>;
};

/** A new Proxy service. */
export type CreateProxyServiceInput = {
  /** The URL Twilio should call when the interaction status changes. */
  callbackUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The SID (`IS…`) of the Chat Service Instance Proxy forwards SMS and channel messages to. A one-to-one relationship. */
  chatInstanceSid?: InputMaybe<Scalars['String']['input']>;
  /** The default `ttl` of the Service's Sessions, in seconds after the Session's last create or last Interaction; `0` (the default) means unlimited. */
  defaultTtl?: InputMaybe<Scalars['Int']['input']>;
  /** Where a proxy number must be located relative to the participant identifier; `COUNTRY` when omitted. */
  geoMatchLevel?: InputMaybe<ProxyGeoMatchLevel>;
  /** The URL Twilio calls on each interaction; a 403 answer blocks it. */
  interceptCallbackUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The preference for Proxy Number selection; `PREFER_STICKY` when omitted. */
  numberSelectionBehavior?: InputMaybe<ProxyNumberSelectionBehavior>;
  /** The URL Twilio should call when an inbound call or SMS arrives for a closed or non-existent Session. */
  outOfSessionCallbackUrl?: InputMaybe<Scalars['URL']['input']>;
  /** An application-defined string that uniquely identifies the resource. At most 191 characters and unique; it should not hold PII. */
  uniqueName: Scalars['String']['input'];
};

/** A new session, optionally with its participants. */
export type CreateProxySessionInput = {
  /** When the Session should expire. If present, it overrides the `ttl` value. */
  dateExpiry?: InputMaybe<Scalars['DateTime']['input']>;
  /** The Mode of the Session; `VOICE_AND_MESSAGE` when omitted. */
  mode?: InputMaybe<ProxySessionMode>;
  /** The Participants to include in the new session (at most two), sent as Twilio `Participants` items. */
  participants?: InputMaybe<Array<ProxyParticipantInput>>;
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The initial status of the Session; `OPEN` when omitted. */
  status?: InputMaybe<ProxySessionStatus>;
  /** The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction. */
  ttl?: InputMaybe<Scalars['Int']['input']>;
  /** An application-defined string that uniquely identifies the resource. At most 191 characters and unique; it should not hold PII. */
  uniqueName?: InputMaybe<Scalars['String']['input']>;
};

/** A Twilio short code to add to a service's pool. */
export type CreateProxyShortCodeInput = {
  /** The SID of the service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`SC…`) of the Twilio ShortCode resource to assign to the Proxy Service. */
  sid: Scalars['String']['input'];
};

/** A new public key credential. */
export type CreatePublicKeyCredentialInput = {
  /** The SID of the Subaccount that this Credential should be associated with (`AC…`). Must be a valid Subaccount of the account issuing the request. */
  accountSid?: InputMaybe<Scalars['String']['input']>;
  /** A descriptive string that you create to describe the resource. It can be up to 64 characters long. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The RSA public key, PEM encoded: `-----BEGIN PUBLIC KEY-----MIIBIjANB…pa9xQIDAQAB-----END PUBLIC KEY-----` (sent URL encoded, as Twilio expects). */
  publicKey: Scalars['String']['input'];
};

/** A phone number to add to SafeList. */
export type CreateSafeListNumberInput = {
  /** The phone number, in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`+14155550123`). */
  phoneNumber: Scalars['String']['input'];
};

/** The AWS credential to delete. */
export type DeleteAwsCredentialInput = {
  /** The SID of the AWS credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** The push binding to delete. */
export type DeleteChatBindingInput = {
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the binding (`BS…`). */
  sid: Scalars['String']['input'];
};

/** The channel to delete, with its members and messages. */
export type DeleteChatChannelInput = {
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`CH…`) or unique name of the channel. */
  sidOrUniqueName: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The channel webhook to delete. */
export type DeleteChatChannelWebhookInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the webhook (`WH…`). */
  sid: Scalars['String']['input'];
};

/** The push credential to delete. */
export type DeleteChatCredentialInput = {
  /** The SID of the credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** The invite to withdraw. */
export type DeleteChatInviteInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the invite (`IN…`). */
  sid: Scalars['String']['input'];
};

/** The member to remove from its channel. */
export type DeleteChatMemberInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`MB…`) or identity of the member. */
  sidOrIdentity: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The message to delete. */
export type DeleteChatMessageInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the message (`IM…`). */
  sid: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The role to delete. */
export type DeleteChatRoleInput = {
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the role (`RL…`). */
  sid: Scalars['String']['input'];
};

/** The Chat service to delete. */
export type DeleteChatServiceInput = {
  /** The SID of the service (`IS…`). */
  sid: Scalars['String']['input'];
};

/** The user's push binding to delete. */
export type DeleteChatUserBindingInput = {
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the binding (`BS…`). */
  sid: Scalars['String']['input'];
  /** The SID (`US…`) or identity of the user. */
  userSidOrIdentity: Scalars['String']['input'];
};

/** The user and the channel the user leaves. */
export type DeleteChatUserChannelInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`US…`) or identity of the user. */
  userSidOrIdentity: Scalars['String']['input'];
};

/** The user to delete; it leaves every channel. */
export type DeleteChatUserInput = {
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`US…`) or identity of the user. */
  sidOrIdentity: Scalars['String']['input'];
};

/** The sink to delete. Twilio refuses while a subscription uses it. */
export type DeleteEventSinkInput = {
  /** A 34 character string that uniquely identifies the Sink (`DG…`). */
  sid: Scalars['String']['input'];
};

/** The event type to remove from a subscription. */
export type DeleteEventSubscribedEventInput = {
  /** The unique SID identifier of the Subscription (`DF…`). */
  subscriptionSid: Scalars['String']['input'];
  /** Type of event being subscribed to. */
  type: Scalars['String']['input'];
};

/** The subscription to delete, with its subscribed events. */
export type DeleteEventSubscriptionInput = {
  /** A 34 character string that uniquely identifies the Subscription (`DF…`). */
  sid: Scalars['String']['input'];
};

/** The interaction to delete. */
export type DeleteProxyInteractionInput = {
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the parent Session (`KC…`). */
  sessionSid: Scalars['String']['input'];
  /** The SID of the interaction (`KI…`). */
  sid: Scalars['String']['input'];
};

/** The participant to remove from its session. */
export type DeleteProxyParticipantInput = {
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the parent Session (`KC…`). */
  sessionSid: Scalars['String']['input'];
  /** The SID of the participant (`KP…`). */
  sid: Scalars['String']['input'];
};

/** The phone number to remove from a service's pool. */
export type DeleteProxyPhoneNumberInput = {
  /** The SID of the service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the phone number (`PN…`). */
  sid: Scalars['String']['input'];
};

/** The Proxy service to delete, with its sessions and number pool. */
export type DeleteProxyServiceInput = {
  /** The SID of the service (`KS…`). */
  sid: Scalars['String']['input'];
};

/** The session to delete, with its participants and interactions. */
export type DeleteProxySessionInput = {
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the session (`KC…`). */
  sid: Scalars['String']['input'];
};

/** The short code to remove from a service's pool. */
export type DeleteProxyShortCodeInput = {
  /** The SID of the service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the short code (`SC…`). */
  sid: Scalars['String']['input'];
};

/** The public key credential to delete. */
export type DeletePublicKeyCredentialInput = {
  /** The SID of the public key credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** A phone number to remove from SafeList. */
export type DeleteSafeListNumberInput = {
  /** The phone number, in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`+14155550123`). */
  phoneNumber: Scalars['String']['input'];
};

/** Where a new sink delivers: exactly one of `webhook`, `kinesis` or `segment`, which also sets the sink type. */
export type EventSinkConfigurationInput =
  /** An Amazon Kinesis sink. */
  { kinesis: EventSinkKinesisConfigurationInput; segment?: never; webhook?: never; }
  |  /** A Segment sink. */
  { kinesis?: never; segment: EventSinkSegmentConfigurationInput; webhook?: never; }
  |  /** A webhook sink. */
  { kinesis?: never; segment?: never; webhook: EventSinkWebhookConfigurationInput; };

/** A Kinesis sink: Twilio writes the events to this stream through an IAM role it assumes. */
export type EventSinkKinesisConfigurationInput = {
  /** Sent as `arn`: the ARN of the Kinesis stream. */
  arn: Scalars['String']['input'];
  /** Sent as `external_id`: the external ID the role's trust policy requires. */
  externalId: Scalars['String']['input'];
  /** Sent as `role_arn`: the ARN of the IAM role Twilio assumes to write to the stream. */
  roleArn: Scalars['String']['input'];
};

/** A Segment sink: Twilio sends the events to the Segment source with this write key. */
export type EventSinkSegmentConfigurationInput = {
  /** Sent as `write_key`: the write key of the Segment source. Write-only: sent to Twilio, never returned. */
  writeKey: Scalars['String']['input'];
};

/** Where a sink stands in the test-and-validate handshake that lets subscriptions use it. */
export type EventSinkStatus =
  /** Validated: subscriptions can send events to it. */
  | 'ACTIVE'
  /** Twilio could not deliver to it. */
  | 'FAILED'
  /** Created; no test event sent yet. */
  | 'INITIALIZED'
  /** A test event was sent; waiting for its ID to be sent back with `validateEventSink`. */
  | 'VALIDATING';

/** Where a sink delivers events. */
export type EventSinkType =
  /** An Amazon Kinesis data stream. */
  | 'KINESIS'
  /** A Segment source. */
  | 'SEGMENT'
  /** An HTTP(S) URL. */
  | 'WEBHOOK';

/** A webhook sink: Twilio calls this URL with the events. */
export type EventSinkWebhookConfigurationInput = {
  /** Sent as `batch_events`: whether Twilio sends several events in one call rather than one call per event. */
  batchEvents: Scalars['Boolean']['input'];
  /** Sent as `destination`: the HTTP(S) URL Twilio sends the events to. */
  destination: Scalars['URL']['input'];
  /** Sent as `method`: the HTTP method Twilio calls the URL with. */
  method: EventSinkWebhookMethod;
};

/** The HTTP method Twilio calls a webhook sink with. */
export type EventSinkWebhookMethod =
  /** Events in the query string. */
  | 'GET'
  /** Events in the request body. */
  | 'POST';

/** An event type to subscribe to, sent as one JSON item of Twilio's `Types`: `{"type": …, "schema_version": …}`. */
export type EventSubscriptionTypeInput = {
  /** The schema version that the Subscription should use; the schema's latest when omitted. */
  schemaVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Type of event being subscribed to (`com.twilio.messaging.message.sent`). */
  type: Scalars['String']['input'];
};

/** An HTTP method Twilio uses to call a webhook. */
export type HttpMethod =
  /** Parameters in the query string, as a deletion. */
  | 'DELETE'
  /** Parameters in the query string. */
  | 'GET'
  /** Like GET, without a response body. */
  | 'HEAD'
  /** Parameters in the body, as a partial update. */
  | 'PATCH'
  /** Parameters in a form-encoded body. */
  | 'POST'
  /** Parameters in the body, as a replacement. */
  | 'PUT';

/** Where a proxy number must be located relative to the participant identifier. More specific areas than `COUNTRY` are only available in North America. */
export type ProxyGeoMatchLevel =
  /** In the same area code as the participant. */
  | 'AREA_CODE'
  /** In the same country as the participant (the default). */
  | 'COUNTRY'
  /** In an area code that overlays the participant's. */
  | 'OVERLAY'
  /** Within a radius of the participant's area. */
  | 'RADIUS';

/** The status of the Call or Message behind one leg of an Interaction. Messages go through `ACCEPTED`, `QUEUED`, `SENDING`, `SENT`, `DELIVERED` (or `UNDELIVERED`, `FAILED`) and `RECEIVING`, `RECEIVED`; calls through `INITIATED`, `RINGING`, `IN_PROGRESS`, `COMPLETED` (or `BUSY`, `NO_ANSWER`, `CANCELED`, `FAILED`). */
export type ProxyInteractionResourceStatus =
  /** A message accepted by Twilio. */
  | 'ACCEPTED'
  /** A call answered. */
  | 'ANSWERED'
  /** A call that got a busy signal. */
  | 'BUSY'
  /** A call or message canceled before it went out. */
  | 'CANCELED'
  /** A call that ended normally. */
  | 'COMPLETED'
  /** A message deleted. */
  | 'DELETED'
  /** A message delivered (always so for an inbound message). */
  | 'DELIVERED'
  /** A message whose delivery the carrier did not confirm. */
  | 'DELIVERY_UNKNOWN'
  /** A call or message that could not be sent. */
  | 'FAILED'
  /** A call being placed. */
  | 'INITIATED'
  /** A call under way (always so for an inbound call). */
  | 'IN_PROGRESS'
  /** A call not answered. */
  | 'NO_ANSWER'
  /** A message only partly delivered (listed in the spec's field description, not its enum). */
  | 'PARTIALLY_DELIVERED'
  /** A message or call waiting to go out. */
  | 'QUEUED'
  /** A message read by its recipient (listed in the spec's field description, not its enum). */
  | 'READ'
  /** A message received. */
  | 'RECEIVED'
  /** A message being received. */
  | 'RECEIVING'
  /** A call ringing. */
  | 'RINGING'
  /** A message scheduled for later. */
  | 'SCHEDULED'
  /** A message being sent. */
  | 'SENDING'
  /** A message sent to the carrier. */
  | 'SENT'
  /** A message the carrier could not deliver. */
  | 'UNDELIVERED'
  /** Twilio could not tell. */
  | 'UNKNOWN';

/** The kind of an Interaction. */
export type ProxyInteractionType =
  /** A message. */
  | 'MESSAGE'
  /** Twilio could not tell. */
  | 'UNKNOWN'
  /** A call. */
  | 'VOICE';

/** The preference for Proxy Number selection in the Service. */
export type ProxyNumberSelectionBehavior =
  /** Try to use different Proxy Numbers as long as that is possible within the pool, rather than a previously assigned number. */
  | 'AVOID_STICKY'
  /** Try to select the same Proxy Number for a participant that had previous Sessions, without failing if it cannot be used (the default). */
  | 'PREFER_STICKY';

/** A participant to add to a session. */
export type ProxyParticipantInput = {
  /** A string to describe the participant. At most 255 characters; it should not hold PII. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The phone number (E.164) or channel identifier of the Participant. At most 191 characters. */
  identifier: Scalars['String']['input'];
  /** The proxy phone number or short code to use for the Participant; Proxy selects one from the pool when omitted. */
  proxyIdentifier?: InputMaybe<Scalars['String']['input']>;
  /** The SID (`PN…`) of the Proxy Identifier to assign to the Participant. */
  proxyIdentifierSid?: InputMaybe<Scalars['String']['input']>;
};

/** What a Session carries. */
export type ProxySessionMode =
  /** Messages only; participants may be channel identifiers and short codes may serve as proxy identifiers. */
  | 'MESSAGE_ONLY'
  /** Calls and messages (the default). */
  | 'VOICE_AND_MESSAGE'
  /** Calls only. */
  | 'VOICE_ONLY';

/** The status of a Session. */
export type ProxySessionStatus =
  /** Ended: closed by request or expired; its proxy numbers are free for other Sessions. */
  | 'CLOSED'
  /** The Session could not be set up. */
  | 'FAILED'
  /** Interactions have started; also the status to set to re-open a closed Session. */
  | 'IN_PROGRESS'
  /** Created, with no interaction yet (the default on create). */
  | 'OPEN'
  /** Twilio could not tell. */
  | 'UNKNOWN';

/** The sink to send a test event to. */
export type TestEventSinkInput = {
  /** A 34 character string that uniquely identifies the Sink to be Tested (`DG…`). */
  sid: Scalars['String']['input'];
};

/** Why Twilio refused a write. */
export type TwilioUserErrorCode =
  /** The input clashes with something that exists, such as a unique name in use (Twilio answered 409). */
  | 'CONFLICT'
  /** An input value is missing or not acceptable (Twilio answered 400 or another 4xx). */
  | 'INVALID_INPUT'
  /** Something the input names does not exist (Twilio answered 404). */
  | 'NOT_FOUND';

/** Changes to an AWS credential: only its name can change; its keys cannot (create a new credential instead). */
export type UpdateAwsCredentialInput = {
  /** A descriptive string that you create to describe the resource. It can be up to 64 characters long. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the AWS credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a channel; fields left out stay as they are. */
export type UpdateChatChannelInput = {
  /** Application data to store with the channel, replacing what is stored. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The identity to record as the creator. */
  createdBy?: InputMaybe<Scalars['String']['input']>;
  /** Creation date to record, for imports. */
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Update date to record, for imports. */
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The name shown for the channel. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`CH…`) or unique name of the channel. */
  sidOrUniqueName: Scalars['String']['input'];
  /** A name unique in the service, usable instead of the SID. */
  uniqueName?: InputMaybe<Scalars['String']['input']>;
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Changes to a channel webhook's configuration; fields left out stay as they are. Its type cannot change. */
export type UpdateChatChannelWebhookInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Sent as `Configuration.Filters`: the channel events that call a `WEBHOOK` webhook (`onMessageSent`, `onMemberAdded`, …). */
  configurationFilters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Sent as `Configuration.FlowSid`: the SID of the Studio flow (`FW…`) for a `STUDIO` webhook. */
  configurationFlowSid?: InputMaybe<Scalars['String']['input']>;
  /** Sent as `Configuration.Method`: the HTTP method to call the URL with; `POST` when omitted. */
  configurationMethod?: InputMaybe<ChatChannelWebhookMethod>;
  /** Sent as `Configuration.RetryCount`: how many times to retry a failed call (0 to 3); 0 when omitted. */
  configurationRetryCount?: InputMaybe<Scalars['Int']['input']>;
  /** Sent as `Configuration.Triggers`: the keywords that call a `TRIGGER` webhook. */
  configurationTriggers?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Sent as `Configuration.Url`: the URL to call (required for `WEBHOOK` and `TRIGGER`). */
  configurationUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the webhook (`WH…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a push credential; fields left out stay as they are. Its push service cannot change. */
export type UpdateChatCredentialInput = {
  /** GCM only: a new API key. Write-only: sent to Twilio, never returned. */
  apiKey?: InputMaybe<Scalars['String']['input']>;
  /** APN only: a new certificate, PEM encoded. Write-only: sent to Twilio, never returned. */
  certificate?: InputMaybe<Scalars['String']['input']>;
  /** A name for the credential, up to 64 characters. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** APN only: a new private key, PEM encoded. Write-only: sent to Twilio, never returned. */
  privateKey?: InputMaybe<Scalars['String']['input']>;
  /** APN only: send to Apple's sandbox (development) environment instead of production. */
  sandbox?: InputMaybe<Scalars['Boolean']['input']>;
  /** FCM only: a new server key. Write-only: sent to Twilio, never returned. */
  secret?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a member; fields left out stay as they are. */
export type UpdateChatMemberInput = {
  /** Application data to store with the member, replacing what is stored. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Join date to record, for imports. */
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Update date to record, for imports. */
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Index of the last message the member has read. */
  lastConsumedMessageIndex?: InputMaybe<Scalars['Int']['input']>;
  /** When the member last read messages. */
  lastConsumptionTimestamp?: InputMaybe<Scalars['DateTime']['input']>;
  /** SID of the member's new channel role (`RL…`). */
  roleSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`MB…`) or identity of the member. */
  sidOrIdentity: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Changes to a message; fields left out stay as they are. */
export type UpdateChatMessageInput = {
  /** Application data to store with the message, replacing what is stored. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The new text of the message. */
  body?: InputMaybe<Scalars['String']['input']>;
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Send date to record, for imports. */
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  /** Update date to record, for imports. */
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The identity to record as the author. */
  from?: InputMaybe<Scalars['String']['input']>;
  /** The identity of whoever makes the change. */
  lastUpdatedBy?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the message (`IM…`). */
  sid: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A role's new permissions; they replace the old ones. */
export type UpdateChatRoleInput = {
  /** The permissions the role grants from now on. */
  permissions: Array<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the role (`RL…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a Chat service; fields left out stay as they are. */
export type UpdateChatServiceInput = {
  /** Deprecated: seconds between consumption reports from clients. */
  consumptionReportInterval?: InputMaybe<Scalars['Int']['input']>;
  /** SID of the role channel creators get. */
  defaultChannelCreatorRoleSid?: InputMaybe<Scalars['String']['input']>;
  /** SID of the role new channel members get. */
  defaultChannelRoleSid?: InputMaybe<Scalars['String']['input']>;
  /** SID of the role new users get. */
  defaultServiceRoleSid?: InputMaybe<Scalars['String']['input']>;
  /** A new name for the service. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The most members a channel may have. */
  limitsChannelMembers?: InputMaybe<Scalars['Int']['input']>;
  /** The most channels a user may belong to. */
  limitsUserChannels?: InputMaybe<Scalars['Int']['input']>;
  /** Text shown to clients that cannot show media messages. */
  mediaCompatibilityMessage?: InputMaybe<Scalars['String']['input']>;
  /** Notification for a user added to a channel. */
  notificationsAddedToChannel?: InputMaybe<ChatNotificationSettingsInput>;
  /** Notification for a user invited to a channel. */
  notificationsInvitedToChannel?: InputMaybe<ChatNotificationSettingsInput>;
  /** Whether to log notifications. */
  notificationsLogEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Notification for a new message. */
  notificationsNewMessage?: InputMaybe<ChatNotificationSettingsInput>;
  /** Whether new-message notifications carry a badge count. */
  notificationsNewMessageBadgeCountEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Notification for a user removed from a channel. */
  notificationsRemovedFromChannel?: InputMaybe<ChatNotificationSettingsInput>;
  /** How many times to retry a post-event webhook that times out (after 5 seconds) or answers 429, 503 or 504; 0 by default. */
  postWebhookRetryCount?: InputMaybe<Scalars['Int']['input']>;
  /** The URL Twilio calls after an event, with `webhookMethod`. */
  postWebhookUrl?: InputMaybe<Scalars['URL']['input']>;
  /** How many times to retry a pre-event webhook that times out (after 5 seconds) or answers 429, 503 or 504; 0 by default. */
  preWebhookRetryCount?: InputMaybe<Scalars['Int']['input']>;
  /** The URL Twilio calls before an event, with `webhookMethod`; its answer can block the event. */
  preWebhookUrl?: InputMaybe<Scalars['URL']['input']>;
  /** Whether the Reachability Indicator (user online state) is on. */
  reachabilityEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Whether the Message Consumption Horizon (read status) is on. */
  readStatusEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** The SID of the service (`IS…`). */
  sid: Scalars['String']['input'];
  /** Seconds after a "typing" event before clients assume the user stopped typing; 5 by default. */
  typingIndicatorTimeout?: InputMaybe<Scalars['Int']['input']>;
  /** The events that trigger webhooks (`onMessageSend`, `onChannelAdded`, …). */
  webhookFilters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The HTTP method for webhooks. */
  webhookMethod?: InputMaybe<HttpMethod>;
};

/** Changes to a user's settings in a channel; fields left out stay as they are. */
export type UpdateChatUserChannelInput = {
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  /** Index of the last message the user has read. */
  lastConsumedMessageIndex?: InputMaybe<Scalars['Int']['input']>;
  /** When the user last read messages in the channel. */
  lastConsumptionTimestamp?: InputMaybe<Scalars['DateTime']['input']>;
  /** Which push notifications the user gets for the channel. */
  notificationLevel?: InputMaybe<ChatUserChannelNotificationLevel>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`US…`) or identity of the user. */
  userSidOrIdentity: Scalars['String']['input'];
};

/** Changes to a user; fields left out stay as they are. */
export type UpdateChatUserInput = {
  /** Application data to store with the user, replacing what is stored. */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The name shown for the user. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** SID of the user's new service-wide role (`RL…`). */
  roleSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`US…`) or identity of the user. */
  sidOrIdentity: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A sink's new description; Twilio lets nothing else of a sink change. */
export type UpdateEventSinkInput = {
  /** A human readable description for the Sink. **This value should not contain PII.** */
  description: Scalars['String']['input'];
  /** A 34 character string that uniquely identifies the Sink (`DG…`). */
  sid: Scalars['String']['input'];
};

/** A new schema version for an event type of a subscription. */
export type UpdateEventSubscribedEventInput = {
  /** The schema version that the Subscription should use. */
  schemaVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The unique SID identifier of the Subscription (`DF…`). */
  subscriptionSid: Scalars['String']['input'];
  /** Type of event being subscribed to. */
  type: Scalars['String']['input'];
};

/** Changes to a subscription; fields left out stay as they are. Its event types change through the subscribed event mutations. */
export type UpdateEventSubscriptionInput = {
  /** A human readable description for the Subscription. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** A 34 character string that uniquely identifies the Subscription (`DF…`). */
  sid: Scalars['String']['input'];
  /** The SID of the sink to send the events to from now on (`DG…`); it must be active. */
  sinkSid?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a phone number of a pool; fields left out stay as they are. */
export type UpdateProxyPhoneNumberInput = {
  /** Whether the number is reserved: not assigned to a participant by proxy pool logic, only when asked for by value. */
  isReserved?: InputMaybe<Scalars['Boolean']['input']>;
  /** The SID of the service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the phone number (`PN…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a Proxy service; fields left out stay as they are. */
export type UpdateProxyServiceInput = {
  /** The URL Twilio should call when the interaction status changes. */
  callbackUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The SID (`IS…`) of the Chat Service Instance Proxy forwards SMS and channel messages to. */
  chatInstanceSid?: InputMaybe<Scalars['String']['input']>;
  /** The default `ttl` of the Service's Sessions, in seconds; `0` means unlimited. */
  defaultTtl?: InputMaybe<Scalars['Int']['input']>;
  /** Where a proxy number must be located relative to the participant identifier. */
  geoMatchLevel?: InputMaybe<ProxyGeoMatchLevel>;
  /** The URL Twilio calls on each interaction; a 403 answer blocks it. */
  interceptCallbackUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The preference for Proxy Number selection. */
  numberSelectionBehavior?: InputMaybe<ProxyNumberSelectionBehavior>;
  /** The URL Twilio should call when an inbound call or SMS arrives for a closed or non-existent Session. */
  outOfSessionCallbackUrl?: InputMaybe<Scalars['URL']['input']>;
  /** The SID of the service (`KS…`). */
  sid: Scalars['String']['input'];
  /** An application-defined string that uniquely identifies the resource. At most 191 characters and unique; it should not hold PII. */
  uniqueName?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a session; fields left out stay as they are. */
export type UpdateProxySessionInput = {
  /** When the Session should expire. If present, it overrides the `ttl` value. */
  dateExpiry?: InputMaybe<Scalars['DateTime']['input']>;
  /** The SID of the parent Service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the session (`KC…`). */
  sid: Scalars['String']['input'];
  /** The new status: `IN_PROGRESS` to re-open a session, or `CLOSED` to close it. */
  status?: InputMaybe<ProxySessionStatus>;
  /** The time, in seconds, when the session will expire, measured from the last Session create or the Session's last Interaction. */
  ttl?: InputMaybe<Scalars['Int']['input']>;
};

/** Changes to a short code of a pool; fields left out stay as they are. */
export type UpdateProxyShortCodeInput = {
  /** Whether the short code is reserved: not assigned to a participant by proxy pool logic, only when asked for by value. */
  isReserved?: InputMaybe<Scalars['Boolean']['input']>;
  /** The SID of the service (`KS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID of the short code (`SC…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a public key credential: only its name can change; its key cannot (create a new credential instead). */
export type UpdatePublicKeyCredentialInput = {
  /** A descriptive string that you create to describe the resource. It can be up to 64 characters long. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the public key credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** The sink being validated, and the ID of the test event it received. */
export type ValidateEventSinkInput = {
  /** A 34 character string that uniquely identifies the Sink being validated (`DG…`). */
  sid: Scalars['String']['input'];
  /** A 34 character string that uniquely identifies the test event for a Sink being validated, as the sink received it. */
  testId: Scalars['String']['input'];
};

export type ChatInboxQueryVariables = Exact<{
  service: Scalars['String']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ChatInboxQuery = { __typename?: 'Query', chatService?: { __typename?: 'ChatService', id: string, friendlyName?: string | null, channels: { __typename?: 'ChatChannelConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'ChatChannel', id: string, uniqueName?: string | null, friendlyName?: string | null, type?: ChatChannelType | null, membersCount?: number | null, messagesCount?: number | null, messages: { __typename?: 'ChatMessageConnection', nodes: Array<{ __typename?: 'ChatMessage', body?: string | null, dateCreated?: string | null, author?: { __typename?: 'ChatUser', friendlyName?: string | null } | null } | null> } } | null> } } | null };

export type ChatConversationQueryVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
  last?: InputMaybe<Scalars['Int']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
}>;


export type ChatConversationQuery = { __typename?: 'Query', chatService?: { __typename?: 'ChatService', channel?: { __typename?: 'ChatChannel', id: string, friendlyName?: string | null, members: { __typename?: 'ChatMemberConnection', nodes: Array<{ __typename?: 'ChatMember', identity?: string | null, lastConsumedMessageIndex?: number | null, user?: { __typename?: 'ChatUser', friendlyName?: string | null, isOnline?: boolean | null } | null } | null> }, messages: { __typename?: 'ChatMessageConnection', pageInfo: { __typename?: 'PageInfo', hasPreviousPage: boolean, startCursor?: string | null }, edges: Array<{ __typename?: 'ChatMessageEdge', cursor: string, node?: { __typename?: 'ChatMessage', id: string, index?: number | null, body?: string | null, attributes?: unknown | null, dateCreated?: string | null, wasEdited?: boolean | null, author?: { __typename?: 'ChatUser', identity: string, friendlyName?: string | null } | null } | null } | null> } } | null } | null };

export type SendChatMessageMutationVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
  from: Scalars['String']['input'];
  body: Scalars['String']['input'];
}>;


export type SendChatMessageMutation = { __typename?: 'Mutation', createChatMessage?: { __typename?: 'CreateChatMessagePayload', chatMessage?: { __typename?: 'ChatMessage', id: string, index?: number | null, body?: string | null, dateCreated?: string | null } | null, userErrors: Array<{ __typename?: 'TwilioUserError', field?: Array<string> | null, message: string, code: TwilioUserErrorCode }> } | null };

export type MarkChatChannelReadMutationVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
  identity: Scalars['String']['input'];
  index: Scalars['Int']['input'];
}>;


export type MarkChatChannelReadMutation = { __typename?: 'Mutation', updateChatMember?: { __typename?: 'UpdateChatMemberPayload', chatMember?: { __typename?: 'ChatMember', lastConsumedMessageIndex?: number | null } | null, userErrors: Array<{ __typename?: 'TwilioUserError', field?: Array<string> | null, message: string }> } | null };

export type NewMessagesSubscriptionVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
}>;


export type NewMessagesSubscription = { __typename?: 'Subscription', chatMessageAdded: { __typename?: 'ChatMessage', id: string, sid: string, index?: number | null, body?: string | null, dateCreated?: string | null, author?: { __typename?: 'ChatUser', friendlyName?: string | null } | null } };

export type ChannelActivitySubscriptionVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
}>;


export type ChannelActivitySubscription = { __typename?: 'Subscription', chatChannelEvents:
    | { __typename: 'ChatChannelDestroyedEvent', eventType: string, clientIdentity?: string | null }
    | { __typename: 'ChatChannelUpdatedEvent', eventType: string, clientIdentity?: string | null }
    | { __typename: 'ChatMemberJoinedEvent', eventType: string, clientIdentity?: string | null, member: { __typename?: 'ChatMember', identity?: string | null, user?: { __typename?: 'ChatUser', friendlyName?: string | null } | null } }
    | { __typename: 'ChatMemberLeftEvent', eventType: string, clientIdentity?: string | null, identity?: string | null }
    | { __typename: 'ChatMemberUpdatedEvent', eventType: string, clientIdentity?: string | null }
    | { __typename: 'ChatMessageAddedEvent', eventType: string, clientIdentity?: string | null, message: { __typename?: 'ChatMessage', sid: string, body?: string | null, author?: { __typename?: 'ChatUser', friendlyName?: string | null } | null } }
    | { __typename: 'ChatMessageRemovedEvent', eventType: string, clientIdentity?: string | null, messageSid: string }
    | { __typename: 'ChatMessageUpdatedEvent', eventType: string, clientIdentity?: string | null }
   };


export const ChatInboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ChatInbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"channels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueName"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"membersCount"}},{"kind":"Field","name":{"kind":"Name","value":"messagesCount"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ChatInboxQuery, ChatInboxQueryVariables>;
export const ChatConversationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ChatConversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"30"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sidOrUniqueName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"lastConsumedMessageIndex"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"isOnline"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"wasEdited"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ChatConversationQuery, ChatConversationQueryVariables>;
export const SendChatMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendChatMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createChatMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"serviceSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"channelSidOrUniqueName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatMessage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<SendChatMessageMutation, SendChatMessageMutationVariables>;
export const MarkChatChannelReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkChatChannelRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"identity"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"index"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateChatMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"serviceSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"channelSidOrUniqueName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"sidOrIdentity"},"value":{"kind":"Variable","name":{"kind":"Name","value":"identity"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"lastConsumedMessageIndex"},"value":{"kind":"Variable","name":{"kind":"Name","value":"index"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatMember"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastConsumedMessageIndex"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<MarkChatChannelReadMutation, MarkChatChannelReadMutationVariables>;
export const NewMessagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NewMessages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatMessageAdded"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}},{"kind":"Argument","name":{"kind":"Name","value":"channelSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sid"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}}]} as unknown as DocumentNode<NewMessagesSubscription, NewMessagesSubscriptionVariables>;
export const ChannelActivityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ChannelActivity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatChannelEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}},{"kind":"Argument","name":{"kind":"Name","value":"channelSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChatEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"clientIdentity"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChatMessageAddedEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sid"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChatMessageRemovedEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messageSid"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChatMemberJoinedEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"member"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChatMemberLeftEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}}]}}]}}]}}]} as unknown as DocumentNode<ChannelActivitySubscription, ChannelActivitySubscriptionVariables>;