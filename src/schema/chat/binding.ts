/** ChatBinding: a device registered for a user's push notifications in a Chat service. */
import { builder } from '../builder.ts';
import { listedPer } from '../../limits/cost.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatBindingRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { serviceSid } from './shared.ts';
import { ChatService, serviceKeys } from './service.ts';
import { ChatUser, userByIdentity } from './user.ts';
import { ChatCredential } from './credential.ts';

export const ChatBindingType = builder.enumType('ChatBindingType', {
  description: 'The push service a binding delivers notifications through.',
  values: {
    GCM: { value: 'gcm', description: 'Google Cloud Messaging, the predecessor of FCM.' },
    APN: { value: 'apn', description: 'Apple Push Notification service (iOS).' },
    FCM: { value: 'fcm', description: 'Firebase Cloud Messaging.' },
  } as const,
});

export const ChatBinding = builder.loadableNodeRef<ChatBindingRecord>(
  'ChatBinding',
  fetchedNode(
    'ChatBinding',
    (b) => [b.service_sid!, b.sid!],
    (ctx, [service, sid]) => chat.fetchBinding(ctx.twilio, { path: { ServiceSid: service!, Sid: sid! } }),
  ),
);

export const ChatBindingConnection = builder.connectionObject(
  { type: ChatBinding, name: 'ChatBindingConnection', description: 'A page of push bindings.' },
  { description: 'A push binding with its cursor.' },
);

/** Fields a service binding and a user's binding share. */
export const BINDING_DESCRIPTIONS = {
  endpoint: 'The unique endpoint identifier the SDK registered for the device; its format depends on the binding type.',
  messageTypes:
    'The kinds of Chat events the device gets push notifications for (`new_message`, `added_to_channel`, `invited_to_channel`, `removed_from_channel`).',
} as const;

ChatBinding.implement({
  description:
    'A push binding: one device of a user, registered through the Chat SDK, with the credential Chat pushes to it with. The REST API can read and delete bindings but not create them.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the binding (`BS…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the binding.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service the binding belongs to.', resolve: (b) => b.service_sid! }),
    service: t.field({
      type: ChatService,
      description: 'The service the binding belongs to.',
      resolve: (b, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: b.service_sid! }, { exists: true }),
    }),
    identity: t.exposeString('identity', { description: 'The identity of the user the device belongs to.' }),
    user: t.field({
      extensions: listedPer('ChatService'),
      type: ChatUser,
      description: 'The user the device belongs to; null when no user of the service has that identity.',
      resolve: (b, _, ctx, info) => (b.identity ? userByIdentity(ctx, info, b.service_sid!, b.identity) : null),
    }),
    bindingType: t.field({ type: ChatBindingType, description: 'The push service notifications go through.', resolve: (b) => b.binding_type }),
    credentialSid: t.exposeString('credential_sid', { description: 'The SID of the push credential (`CR…`) used for this device.' }),
    credential: t.field({
      type: ChatCredential,
      description: 'The push credential used for this device; null when it no longer exists.',
      resolve: (b, _, ctx) => (b.credential_sid ? ChatCredential.getDataloader(ctx).load(nodeKey(b.credential_sid)) : null),
    }),
    endpoint: t.exposeString('endpoint', { description: BINDING_DESCRIPTIONS.endpoint }),
    messageTypes: t.exposeStringList('message_types', { description: BINDING_DESCRIPTIONS.messageTypes }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the device was registered.', resolve: (b) => b.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the binding was last updated.', resolve: (b) => b.date_updated }),
    url: t.field({ type: 'URL', description: 'The REST URL of the binding.', resolve: (b) => b.url }),
    links: t.field({ type: 'JSON', description: 'REST URLs of related resources (the user).', resolve: (b) => b.links }),
  }),
});

builder.objectFields(ChatService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    bindings: k.connection({
      type: ChatBindingConnection,
      description: "The service's push bindings, oldest first.",
      args: {
        identity: t.arg.stringList({ description: 'Only the bindings of these identities.' }),
        bindingType: t.arg({ type: [ChatBindingType], description: 'Only the bindings through these push services.' }),
      },
      operation: chat.chatOperations.ListBinding,
      request: (s, args) => ({ path: { ServiceSid: s.service }, query: { Identity: args.identity ?? undefined, BindingType: args.bindingType ?? undefined } }),
    }),
    binding: k.bySid({
      type: ChatBinding,
      description: 'One push binding of the service by SID; null when there is none.',
      sid: 'BS',
      sidDescription: 'The SID of the binding (`BS…`).',
    }),
  };
});

// ---- mutations ----

twilioMutation('deleteChatBinding', {
  operation: chat.chatOperations.DeleteBinding,
  description: 'Deletes a push binding: the device gets no more push notifications until the SDK registers it again.',
  input: {
    description: 'The push binding to delete.',
    fields: (p) => ({
      serviceSid,
      sid: p.path('Sid', { sid: 'BS', description: 'The SID of the binding (`BS…`).' }),
    }),
  },
  result: { deletes: 'ChatBinding' },
});
