/** PublicKeyCredential: an RSA public key for Twilio's Public Key Client Validation. */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsCredentialPublicKeyRecord } from '../../twilio/accounts.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { badInput } from '../shared/errors.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { dateOf, urlOf } from './shared.ts';

export const PublicKeyCredential = builder.loadableNodeRef<AccountsCredentialPublicKeyRecord>('PublicKeyCredential', {
  id: { resolve: (c) => nodeKey(c.sid!) },
  load: (keys, ctx) =>
    fetchEach(keys, 'PublicKeyCredential', ([sid]) => accounts.fetchCredentialPublicKey(ctx.twilio, { path: { Sid: sid! } })),
  cacheResolved: (c) => nodeKey(c.sid!),
});

export const PublicKeyCredentialConnection = builder.connectionObject(
  { type: PublicKeyCredential, name: 'PublicKeyCredentialConnection', description: 'A page of public key credentials.' },
  { description: 'A public key credential with its cursor.' },
);

PublicKeyCredential.implement({
  description:
    'User provided public keys: an RSA public key for Public Key Client Validation. Requests to Twilio signed with the matching private key are checked against it.',
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The unique string that Twilio created to identify the PublicKey resource (`CR…`).', resolve: (c) => c.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that created the Credential that the PublicKey resource belongs to.' }),
    friendlyName: t.exposeString('friendly_name', { description: 'The string that you assigned to describe the resource.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (c) => dateOf(c.date_created) }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (c) => dateOf(c.date_updated) }),
    url: t.field({ type: 'URL', description: 'The REST URL of this resource, at `https://accounts.twilio.com`.', resolve: (c) => urlOf(c.url) }),
  }),
});

builder.queryFields((t) => ({
  publicKeyCredentials: t.field({
    type: PublicKeyCredentialConnection,
    nullable: false,
    description: 'The public key credentials belonging to the account.',
    args: forwardArgs(t.arg),
    resolve: (_, args, ctx) => resolveConnection(twilioList(ctx, accounts.accountsOperations.ListCredentialPublicKey, {}), args),
  }),
  publicKeyCredential: t.field({
    type: PublicKeyCredential,
    description: 'A public key credential by SID; null when there is none.',
    args: { sid: t.arg.string({ required: true, description: 'The SID of the public key credential (`CR…`).' }) },
    resolve: (_, { sid }, ctx) => PublicKeyCredential.getDataloader(ctx).load(nodeKey(checkSid('sid', sid, 'CR'))),
  }),
}));

// ---- mutations ----

const publicKeyFields = { FriendlyName: 'friendlyName', PublicKey: 'publicKey', AccountSid: 'accountSid' };

/** The PEM armour only; Twilio checks the key inside. */
const PEM_PUBLIC_KEY = /^\s*-----BEGIN (RSA )?PUBLIC KEY-----[A-Za-z0-9+/=\s]+-----END (RSA )?PUBLIC KEY-----\s*$/;

const CreatePublicKeyCredentialInput = builder.inputType('CreatePublicKeyCredentialInput', {
  description: 'A new public key credential.',
  fields: (t) => ({
    publicKey: t.string({
      required: true,
      description: 'The RSA public key, PEM encoded: `-----BEGIN PUBLIC KEY-----MIIBIjANB…pa9xQIDAQAB-----END PUBLIC KEY-----` (sent URL encoded, as Twilio expects).',
    }),
    friendlyName: t.string({ description: 'A descriptive string that you create to describe the resource. It can be up to 64 characters long.' }),
    accountSid: t.string({
      description: 'The SID of the Subaccount that this Credential should be associated with (`AC…`). Must be a valid Subaccount of the account issuing the request.',
    }),
  }),
});

const UpdatePublicKeyCredentialInput = builder.inputType('UpdatePublicKeyCredentialInput', {
  description: 'Changes to a public key credential: only its name can change; its key cannot (create a new credential instead).',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the public key credential (`CR…`).' }),
    friendlyName: t.string({ description: 'A descriptive string that you create to describe the resource. It can be up to 64 characters long.' }),
  }),
});

const DeletePublicKeyCredentialInput = builder.inputType('DeletePublicKeyCredentialInput', {
  description: 'The public key credential to delete.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the public key credential (`CR…`).' }),
  }),
});

const CreatePublicKeyCredentialPayload = payloadType(
  'CreatePublicKeyCredentialPayload',
  'publicKeyCredential',
  PublicKeyCredential,
  'The result of createPublicKeyCredential.',
);
const UpdatePublicKeyCredentialPayload = payloadType(
  'UpdatePublicKeyCredentialPayload',
  'publicKeyCredential',
  PublicKeyCredential,
  'The result of updatePublicKeyCredential.',
);
const DeletePublicKeyCredentialPayload = deletePayloadType('DeletePublicKeyCredentialPayload', 'The result of deletePublicKeyCredential.');

builder.mutationFields((t) => ({
  createPublicKeyCredential: t.field({
    type: CreatePublicKeyCredentialPayload,
    description: 'Adds a public key for Public Key Client Validation. Twilio refuses a key that is not RSA.',
    args: { input: t.arg({ type: CreatePublicKeyCredentialInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      if (!PEM_PUBLIC_KEY.test(input.publicKey)) throw badInput('input.publicKey', 'expected a PEM block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----');
      const accountSid = input.accountSid == null ? undefined : checkSid('input.accountSid', input.accountSid, 'AC');
      const payload = await runWrite(ctx, publicKeyFields, () =>
        accounts.createCredentialPublicKey(ctx.twilio, { body: { PublicKey: input.publicKey, FriendlyName: input.friendlyName ?? undefined, AccountSid: accountSid } }),
      );
      if (payload.result) PublicKeyCredential.getDataloader(ctx).prime(nodeKey(payload.result.sid!), payload.result);
      return payload;
    },
  }),
  updatePublicKeyCredential: t.field({
    type: UpdatePublicKeyCredentialPayload,
    description: 'Renames a public key credential.',
    args: { input: t.arg({ type: UpdatePublicKeyCredentialInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const key = nodeKey(checkSid('input.sid', input.sid, 'CR'));
      const payload = await runWrite(ctx, publicKeyFields, () =>
        accounts.updateCredentialPublicKey(ctx.twilio, { path: { Sid: input.sid }, body: { FriendlyName: input.friendlyName ?? undefined } }),
      );
      if (payload.result) PublicKeyCredential.getDataloader(ctx).prime(key, payload.result);
      return payload;
    },
  }),
  deletePublicKeyCredential: t.field({
    type: DeletePublicKeyCredentialPayload,
    description: 'Deletes a public key credential. Requests signed with its private key are no longer accepted.',
    args: { input: t.arg({ type: DeletePublicKeyCredentialInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const key = nodeKey(checkSid('input.sid', input.sid, 'CR'));
      const payload = await runWrite(ctx, {}, async () => {
        await accounts.deleteCredentialPublicKey(ctx.twilio, { path: { Sid: input.sid } });
        return encodeGlobalId('PublicKeyCredential', key);
      });
      return payload;
    },
  }),
}));
