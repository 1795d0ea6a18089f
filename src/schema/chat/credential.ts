/** ChatCredential: the keys Chat uses to send push notifications through Apple's or Google's push service. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatCredentialRecord } from '../../twilio/chat.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { hidingSecrets } from '../shared/secrets.ts';

export const ChatPushService = builder.enumType('ChatPushService', {
  description: 'A push notification service a credential sends through.',
  values: {
    GCM: { value: 'gcm', description: 'Google Cloud Messaging, the predecessor of FCM.' },
    APN: { value: 'apn', description: 'Apple Push Notification service (iOS).' },
    FCM: { value: 'fcm', description: 'Firebase Cloud Messaging (Android, and iOS through Firebase).' },
  } as const,
});

export const ChatCredential = builder.loadableNodeRef<ChatCredentialRecord>('ChatCredential', {
  id: { resolve: (c) => nodeKey(c.sid!) },
  load: (keys, ctx) => fetchEach(keys, 'ChatCredential', ([sid]) => chat.fetchCredential(ctx.twilio, { path: { Sid: sid! } })),
  cacheResolved: (c) => nodeKey(c.sid!),
});

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

// Twilio's refusals name the parameter at fault; should one quote a secret's value, `hidingSecrets` cuts it out.
const credentialFields = {
  FriendlyName: 'friendlyName',
  Certificate: 'certificate',
  PrivateKey: 'privateKey',
  Sandbox: 'sandbox',
  ApiKey: 'apiKey',
  Secret: 'secret',
  Type: 'type',
};

const SECRET = 'Write-only: sent to Twilio, never returned.';

/** The write-only values a credential input carries, cut out of any message that quotes them. */
function secretsOf(input: { certificate?: string | null; privateKey?: string | null; apiKey?: string | null; secret?: string | null }) {
  return [input.certificate, input.privateKey, input.apiKey, input.secret];
}

const CreateChatCredentialInput = builder.inputType('CreateChatCredentialInput', {
  description: 'A new push credential. APN takes a certificate and private key; FCM a secret (server key); GCM an API key.',
  fields: (t) => ({
    type: t.field({ type: ChatPushService, required: true, description: 'The push service the credential is for.' }),
    friendlyName: t.string({ description: 'A name for the credential, up to 64 characters.' }),
    certificate: t.string({ description: `APN only: the certificate, PEM encoded (\`-----BEGIN CERTIFICATE-----…\`). ${SECRET}` }),
    privateKey: t.string({ description: `APN only: the certificate's private key, PEM encoded (\`-----BEGIN RSA PRIVATE KEY-----…\`). ${SECRET}` }),
    sandbox: t.boolean({ description: "APN only: send to Apple's sandbox (development) environment instead of production." }),
    apiKey: t.string({ description: `GCM only: the API key of the project, from the Google developer console. ${SECRET}` }),
    secret: t.string({ description: `FCM only: the server key of the project, from the Firebase console (Settings, Cloud Messaging). ${SECRET}` }),
  }),
});

const UpdateChatCredentialInput = builder.inputType('UpdateChatCredentialInput', {
  description: 'Changes to a push credential; fields left out stay as they are. Its push service cannot change.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the credential (`CR…`).' }),
    friendlyName: t.string({ description: 'A name for the credential, up to 64 characters.' }),
    certificate: t.string({ description: `APN only: a new certificate, PEM encoded. ${SECRET}` }),
    privateKey: t.string({ description: `APN only: a new private key, PEM encoded. ${SECRET}` }),
    sandbox: t.boolean({ description: "APN only: send to Apple's sandbox (development) environment instead of production." }),
    apiKey: t.string({ description: `GCM only: a new API key. ${SECRET}` }),
    secret: t.string({ description: `FCM only: a new server key. ${SECRET}` }),
  }),
});

const DeleteChatCredentialInput = builder.inputType('DeleteChatCredentialInput', {
  description: 'The push credential to delete.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the credential (`CR…`).' }),
  }),
});

const CreateChatCredentialPayload = payloadType('CreateChatCredentialPayload', 'chatCredential', ChatCredential, 'The result of createChatCredential.');
const UpdateChatCredentialPayload = payloadType('UpdateChatCredentialPayload', 'chatCredential', ChatCredential, 'The result of updateChatCredential.');
const DeleteChatCredentialPayload = deletePayloadType('DeleteChatCredentialPayload', 'The result of deleteChatCredential.');

builder.mutationFields((t) => ({
  createChatCredential: t.field({
    type: CreateChatCredentialPayload,
    description: 'Creates a push credential for Chat.',
    args: { input: t.arg({ type: CreateChatCredentialInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const payload = await hidingSecrets(secretsOf(input), () =>
        runWrite(ctx, credentialFields, () =>
          chat.createCredential(ctx.twilio, {
            body: {
              Type: input.type,
              FriendlyName: input.friendlyName ?? undefined,
              Certificate: input.certificate ?? undefined,
              PrivateKey: input.privateKey ?? undefined,
              Sandbox: input.sandbox ?? undefined,
              ApiKey: input.apiKey ?? undefined,
              Secret: input.secret ?? undefined,
            },
          }),
        ),
      );
      if (payload.result) ChatCredential.getDataloader(ctx).prime(nodeKey(payload.result.sid!), payload.result);
      return payload;
    },
  }),
  updateChatCredential: t.field({
    type: UpdateChatCredentialPayload,
    description: 'Changes a push credential: its name, or new keys for the same push service.',
    args: { input: t.arg({ type: UpdateChatCredentialInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const key = nodeKey(checkSid('input.sid', input.sid, 'CR'));
      const payload = await hidingSecrets(secretsOf(input), () =>
        runWrite(ctx, credentialFields, () =>
          chat.updateCredential(ctx.twilio, {
            path: { Sid: input.sid },
            body: {
              FriendlyName: input.friendlyName ?? undefined,
              Certificate: input.certificate ?? undefined,
              PrivateKey: input.privateKey ?? undefined,
              Sandbox: input.sandbox ?? undefined,
              ApiKey: input.apiKey ?? undefined,
              Secret: input.secret ?? undefined,
            },
          }),
        ),
      );
      if (payload.result) ChatCredential.getDataloader(ctx).prime(key, payload.result);
      return payload;
    },
  }),
  deleteChatCredential: t.field({
    type: DeleteChatCredentialPayload,
    description: 'Deletes a push credential. Bindings that use it can no longer get push notifications.',
    args: { input: t.arg({ type: DeleteChatCredentialInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const key = nodeKey(checkSid('input.sid', input.sid, 'CR'));
      const payload = await runWrite(ctx, {}, async () => {
        await chat.deleteCredential(ctx.twilio, { path: { Sid: input.sid } });
        return encodeGlobalId('ChatCredential', key);
      });
      return payload;
    },
  }),
}));
