/** ChatCredential: the keys Chat uses to send push notifications through Apple's or Google's push service. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatCredentialRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { param, twilioMutation } from '../shared/mutation.ts';

export const ChatPushService = builder.enumType('ChatPushService', {
  description: 'A push notification service a credential sends through.',
  values: {
    GCM: { value: 'gcm', description: 'Google Cloud Messaging, the predecessor of FCM.' },
    APN: { value: 'apn', description: 'Apple Push Notification service (iOS).' },
    FCM: { value: 'fcm', description: 'Firebase Cloud Messaging (Android, and iOS through Firebase).' },
  } as const,
});

export const ChatCredential = builder.loadableNodeRef<ChatCredentialRecord>(
  'ChatCredential',
  fetchedNode(
    'ChatCredential',
    (c) => [c.sid!],
    (ctx, [sid]) => chat.fetchCredential(ctx.twilio, { path: { Sid: sid! } }),
  ),
);

export const ChatCredentialConnection = builder.connectionObject(
  { type: ChatCredential, name: 'ChatCredentialConnection', description: 'A page of push credentials.' },
  { description: 'A push credential with its cursor.' },
);

/** Twilio sends `sandbox` as the text `true` or `false`; null when the push service has no sandbox. */
function sandbox(value: string | null): boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

ChatCredential.implement({
  description:
    'A push credential: what Chat needs to reach devices through APN, GCM or FCM. Its certificate, private key, API key and secret are write-only and never returned.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the credential (`CR…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the credential.' }),
    friendlyName: t.exposeString('friendly_name', { description: 'The name given to the credential.' }),
    type: t.field({ type: ChatPushService, description: 'The push service the credential is for.', resolve: (c) => c.type }),
    sandbox: t.boolean({
      description: "APN only: whether notifications go to Apple's sandbox (development) environment instead of production; null for other push services.",
      resolve: (c) => sandbox(c.sandbox),
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the credential was created.', resolve: (c) => c.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the credential was last updated.', resolve: (c) => c.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the credential.', resolve: (c) => c.url }),
  }),
});

builder.queryFields((t) => ({
  chatCredentials: t.field({
    type: ChatCredentialConnection,
    nullable: false,
    description: "The account's Chat push credentials.",
    args: forwardArgs(t.arg),
    resolve: (_, args, ctx) => resolveConnection(twilioList(ctx, chat.chatOperations.ListCredential, {}), args),
  }),
  chatCredential: t.field({
    type: ChatCredential,
    description: 'A Chat push credential by SID; null when there is none.',
    args: { sid: t.arg.string({ required: true, description: 'The SID of the credential (`CR…`).' }) },
    resolve: (_, { sid }, ctx) => ChatCredential.getDataloader(ctx).load(nodeKey(checkSid('sid', sid, 'CR'))),
  }),
}));

// ---- mutations ----

const SECRET = 'Write-only: sent to Twilio, never returned.';

/** The credential an update or delete names. */
const credentialSid = param('path', 'Sid', 'String', 'The SID of the credential (`CR…`).', { required: true, sid: 'CR' });

/** The fields a credential's create and update share. */
const shared = {
  friendlyName: param('body', 'FriendlyName', 'String', 'A name for the credential, up to 64 characters.'),
  sandbox: param('body', 'Sandbox', 'Boolean', "APN only: send to Apple's sandbox (development) environment instead of production."),
};

twilioMutation('createChatCredential', {
  operation: chat.chatOperations.CreateCredential,
  description: 'Creates a push credential for Chat.',
  input: {
    description: 'A new push credential. APN takes a certificate and private key; FCM a secret (server key); GCM an API key.',
    fields: (p) => ({
      type: p.body('Type', ChatPushService, 'The push service the credential is for.', { required: true }),
      friendlyName: shared.friendlyName,
      certificate: p.body('Certificate', 'String', `APN only: the certificate, PEM encoded (\`-----BEGIN CERTIFICATE-----…\`). ${SECRET}`, { secret: true }),
      privateKey: p.body('PrivateKey', 'String', `APN only: the certificate's private key, PEM encoded (\`-----BEGIN RSA PRIVATE KEY-----…\`). ${SECRET}`, {
        secret: true,
      }),
      sandbox: shared.sandbox,
      apiKey: p.body('ApiKey', 'String', `GCM only: the API key of the project, from the Google developer console. ${SECRET}`, { secret: true }),
      secret: p.body('Secret', 'String', `FCM only: the server key of the project, from the Firebase console (Settings, Cloud Messaging). ${SECRET}`, {
        secret: true,
      }),
    }),
  },
  result: { field: 'chatCredential', type: ChatCredential },
});

twilioMutation('updateChatCredential', {
  operation: chat.chatOperations.UpdateCredential,
  description: 'Changes a push credential: its name, or new keys for the same push service.',
  input: {
    description: 'Changes to a push credential; fields left out stay as they are. Its push service cannot change.',
    fields: (p) => ({
      sid: credentialSid,
      friendlyName: shared.friendlyName,
      certificate: p.body('Certificate', 'String', `APN only: a new certificate, PEM encoded. ${SECRET}`, { secret: true }),
      privateKey: p.body('PrivateKey', 'String', `APN only: a new private key, PEM encoded. ${SECRET}`, { secret: true }),
      sandbox: shared.sandbox,
      apiKey: p.body('ApiKey', 'String', `GCM only: a new API key. ${SECRET}`, { secret: true }),
      secret: p.body('Secret', 'String', `FCM only: a new server key. ${SECRET}`, { secret: true }),
    }),
  },
  result: { field: 'chatCredential', type: ChatCredential },
});

twilioMutation('deleteChatCredential', {
  operation: chat.chatOperations.DeleteCredential,
  description: 'Deletes a push credential. Bindings that use it can no longer get push notifications.',
  input: {
    description: 'The push credential to delete.',
    fields: () => ({ sid: credentialSid }),
  },
  result: { deletes: 'ChatCredential' },
});
