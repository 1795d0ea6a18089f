/** ChatUserBinding: one of a user's push bindings, read through the user. */
import { builder } from '../builder.ts';
import * as chat from '../../twilio/chat.ts';
import type { ChatUserBindingRecord } from '../../twilio/chat.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { childFields } from '../shared/children.ts';
import { isSid } from '../shared/validate.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { serviceSid, userSidOrIdentity } from './shared.ts';
import { ChatService, serviceKeys } from './service.ts';
import { ChatUser, userKeys } from './user.ts';
import { ChatCredential } from './credential.ts';
import { BINDING_DESCRIPTIONS, ChatBindingType } from './binding.ts';

export const ChatUserBinding = builder.loadableNodeRef<ChatUserBindingRecord>(
  'ChatUserBinding',
  fetchedNode(
    'ChatUserBinding',
    (b) => [b.service_sid!, b.user_sid!, b.sid!],
    (ctx, [service, user, sid]) => chat.fetchUserBinding(ctx.twilio, { path: { ServiceSid: service!, UserSid: user!, Sid: sid! } }),
  ),
);

export const ChatUserBindingConnection = builder.connectionObject(
  { type: ChatUserBinding, name: 'ChatUserBindingConnection', description: "A page of a user's push bindings." },
  { description: "A user's push binding with its cursor." },
);

ChatUserBinding.implement({
  description:
    "A push binding seen from its user: one of the user's devices, with the credential Chat pushes to it with. The same binding is a `ChatBinding` of the service.",
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The SID of the binding (`BS…`).', resolve: (r) => r.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that owns the binding.' }),
    serviceSid: t.string({ nullable: false, description: 'The SID of the service the binding belongs to.', resolve: (b) => b.service_sid! }),
    service: t.field({
      type: ChatService,
      description: 'The service the binding belongs to.',
      resolve: (b, _, ctx, info) => serviceKeys.resolve(ctx, info, { service: b.service_sid! }, { exists: true }),
    }),
    userSid: t.string({ nullable: false, description: 'The SID of the user the device belongs to.', resolve: (b) => b.user_sid! }),
    user: t.field({
      type: ChatUser,
      description: 'The user the device belongs to.',
      resolve: (b, _, ctx, info) => (b.user_sid ? userKeys.resolve(ctx, info, { service: b.service_sid!, user: b.user_sid }, { exists: true }) : null),
    }),
    identity: t.exposeString('identity', { description: 'The identity of the user the device belongs to.' }),
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
    url: t.field({ type: 'URL', description: 'The REST URL of the binding under its user.', resolve: (b) => b.url }),
  }),
});

builder.objectFields(ChatUser, (t) => {
  const k = childFields(userKeys, t);
  return {
    bindings: k.connection({
      type: ChatUserBindingConnection,
      description: "The user's push bindings (devices), oldest first.",
      args: { bindingType: t.arg({ type: [ChatBindingType], description: 'Only the bindings through these push services.' }) },
      operation: chat.chatOperations.ListUserBinding,
      request: (u, args) => ({ path: { ServiceSid: u.service, UserSid: u.user }, query: { BindingType: args.bindingType ?? undefined } }),
    }),
    binding: k.bySid({
      type: ChatUserBinding,
      description: 'One push binding of the user by SID; null when there is none.',
      sid: 'BS',
      sidDescription: 'The SID of the binding (`BS…`).',
    }),
  };
});

// ---- mutations ----

twilioMutation('deleteChatUserBinding', {
  operation: chat.chatOperations.DeleteUserBinding,
  description: "Deletes one of a user's push bindings: the device gets no more push notifications until the SDK registers it again.",
  input: {
    description: "The user's push binding to delete.",
    fields: (p) => ({
      serviceSid,
      userSidOrIdentity,
      sid: p.path('Sid', { sid: 'BS', description: 'The SID of the binding (`BS…`).' }),
    }),
  },
  result: { deletes: 'ChatUserBinding' },
  write: async ({ request, send, ctx }) => {
    const { ServiceSid: service, UserSid: user, Sid: sid } = request.path;
    // The deleted ID must carry the user's SID, so a user named by identity is looked up first.
    const userSid = isSid(user, 'US') ? user : (await chat.fetchUserBinding(ctx.twilio, { path: request.path })).user_sid!;
    await send({ ...request, path: { ServiceSid: service, UserSid: userSid, Sid: sid } });
  },
});
