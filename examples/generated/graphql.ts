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
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The identity of the user to add. */
  identity: Scalars['String']['input'];
  /** Index of the last message the member has read. */
  lastConsumedMessageIndex?: InputMaybe<Scalars['Int']['input']>;
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
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  /** The identity of the author; `system` when omitted. */
  from?: InputMaybe<Scalars['String']['input']>;
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

/** An HTTP method Twilio uses to call a webhook. */
export type HttpMethod =
  | 'DELETE'
  | 'GET'
  | 'HEAD'
  | 'PATCH'
  | 'POST'
  | 'PUT';

/** Changes to an AWS credential: only its name can change; its keys cannot (create a new credential instead). */
export type UpdateAwsCredentialInput = {
  /** A descriptive string that you create to describe the resource. It can be up to 64 characters long. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the AWS credential (`CR…`). */
  sid: Scalars['String']['input'];
};

/** Changes to a channel; fields left out stay as they are. */
export type UpdateChatChannelInput = {
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  createdBy?: InputMaybe<Scalars['String']['input']>;
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`CH…`) or unique name of the channel. */
  sidOrUniqueName: Scalars['String']['input'];
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
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
  lastConsumedMessageIndex?: InputMaybe<Scalars['Int']['input']>;
  lastConsumptionTimestamp?: InputMaybe<Scalars['DateTime']['input']>;
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
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  body?: InputMaybe<Scalars['String']['input']>;
  /** The SID (`CH…`) or unique name of the channel. */
  channelSidOrUniqueName: Scalars['String']['input'];
  dateCreated?: InputMaybe<Scalars['DateTime']['input']>;
  dateUpdated?: InputMaybe<Scalars['DateTime']['input']>;
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
  consumptionReportInterval?: InputMaybe<Scalars['Int']['input']>;
  /** SID of the role channel creators get. */
  defaultChannelCreatorRoleSid?: InputMaybe<Scalars['String']['input']>;
  /** SID of the role new channel members get. */
  defaultChannelRoleSid?: InputMaybe<Scalars['String']['input']>;
  /** SID of the role new users get. */
  defaultServiceRoleSid?: InputMaybe<Scalars['String']['input']>;
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The most members a channel may have. */
  limitsChannelMembers?: InputMaybe<Scalars['Int']['input']>;
  /** The most channels a user may belong to. */
  limitsUserChannels?: InputMaybe<Scalars['Int']['input']>;
  /** Text shown to clients that cannot show media messages. */
  mediaCompatibilityMessage?: InputMaybe<Scalars['String']['input']>;
  notificationsAddedToChannel?: InputMaybe<ChatNotificationSettingsInput>;
  notificationsInvitedToChannel?: InputMaybe<ChatNotificationSettingsInput>;
  /** Whether to log notifications. */
  notificationsLogEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Notification for a new message. */
  notificationsNewMessage?: InputMaybe<ChatNotificationSettingsInput>;
  /** Whether new-message notifications carry a badge count. */
  notificationsNewMessageBadgeCountEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  notificationsRemovedFromChannel?: InputMaybe<ChatNotificationSettingsInput>;
  postWebhookRetryCount?: InputMaybe<Scalars['Int']['input']>;
  postWebhookUrl?: InputMaybe<Scalars['URL']['input']>;
  preWebhookRetryCount?: InputMaybe<Scalars['Int']['input']>;
  preWebhookUrl?: InputMaybe<Scalars['URL']['input']>;
  reachabilityEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  readStatusEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** The SID of the service (`IS…`). */
  sid: Scalars['String']['input'];
  typingIndicatorTimeout?: InputMaybe<Scalars['Int']['input']>;
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
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  roleSid?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the service (`IS…`). */
  serviceSid: Scalars['String']['input'];
  /** The SID (`US…`) or identity of the user. */
  sidOrIdentity: Scalars['String']['input'];
  /** Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change. */
  webhookEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Changes to a public key credential: only its name can change; its key cannot (create a new credential instead). */
export type UpdatePublicKeyCredentialInput = {
  /** A descriptive string that you create to describe the resource. It can be up to 64 characters long. */
  friendlyName?: InputMaybe<Scalars['String']['input']>;
  /** The SID of the public key credential (`CR…`). */
  sid: Scalars['String']['input'];
};

export type ChatInboxQueryVariables = Exact<{
  service: Scalars['String']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ChatInboxQuery = { __typename?: 'Query', chatService?: { __typename?: 'ChatService', id: string, friendlyName?: string | null, channels: { __typename?: 'ChatChannelConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'ChatChannel', id: string, uniqueName?: string | null, friendlyName?: string | null, type?: ChatChannelType | null, membersCount?: number | null, messagesCount?: number | null, messages: { __typename?: 'ChatMessageConnection', nodes: Array<{ __typename?: 'ChatMessage', body?: string | null, dateCreated?: string | null, author?: { __typename?: 'ChatUser', friendlyName?: string | null } | null }> } }> } } | null };

export type ChatConversationQueryVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
  last?: InputMaybe<Scalars['Int']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
}>;


export type ChatConversationQuery = { __typename?: 'Query', chatService?: { __typename?: 'ChatService', channel?: { __typename?: 'ChatChannel', id: string, friendlyName?: string | null, members: { __typename?: 'ChatMemberConnection', nodes: Array<{ __typename?: 'ChatMember', identity?: string | null, lastConsumedMessageIndex?: number | null, user?: { __typename?: 'ChatUser', friendlyName?: string | null, isOnline?: boolean | null } | null }> }, messages: { __typename?: 'ChatMessageConnection', pageInfo: { __typename?: 'PageInfo', hasPreviousPage: boolean, startCursor?: string | null }, edges: Array<{ __typename?: 'ChatMessageEdge', cursor: string, node: { __typename?: 'ChatMessage', id: string, index?: number | null, body?: string | null, attributes?: unknown | null, dateCreated?: string | null, wasEdited?: boolean | null, author?: { __typename?: 'ChatUser', identity: string, friendlyName?: string | null } | null } }> } } | null } | null };

export type SendChatMessageMutationVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
  from: Scalars['String']['input'];
  body: Scalars['String']['input'];
}>;


export type SendChatMessageMutation = { __typename?: 'Mutation', createChatMessage: { __typename?: 'CreateChatMessagePayload', chatMessage?: { __typename?: 'ChatMessage', id: string, index?: number | null, body?: string | null, dateCreated?: string | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: string }> } };

export type MarkChatChannelReadMutationVariables = Exact<{
  service: Scalars['String']['input'];
  channel: Scalars['String']['input'];
  identity: Scalars['String']['input'];
  index: Scalars['Int']['input'];
}>;


export type MarkChatChannelReadMutation = { __typename?: 'Mutation', updateChatMember: { __typename?: 'UpdateChatMemberPayload', chatMember?: { __typename?: 'ChatMember', lastConsumedMessageIndex?: number | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string }> } };


export const ChatInboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ChatInbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"channels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueName"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"membersCount"}},{"kind":"Field","name":{"kind":"Name","value":"messagesCount"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ChatInboxQuery, ChatInboxQueryVariables>;
export const ChatConversationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ChatConversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"30"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sidOrUniqueName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"lastConsumedMessageIndex"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}},{"kind":"Field","name":{"kind":"Name","value":"isOnline"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"wasEdited"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"friendlyName"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ChatConversationQuery, ChatConversationQueryVariables>;
export const SendChatMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendChatMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createChatMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"serviceSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"channelSidOrUniqueName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatMessage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<SendChatMessageMutation, SendChatMessageMutationVariables>;
export const MarkChatChannelReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkChatChannelRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"service"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"channel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"identity"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"index"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateChatMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"serviceSid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"service"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"channelSidOrUniqueName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"channel"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"sidOrIdentity"},"value":{"kind":"Variable","name":{"kind":"Name","value":"identity"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"lastConsumedMessageIndex"},"value":{"kind":"Variable","name":{"kind":"Name","value":"index"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chatMember"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastConsumedMessageIndex"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<MarkChatChannelReadMutation, MarkChatChannelReadMutationVariables>;