/** PublicKeyCredential: an RSA public key for Twilio's Public Key Client Validation. */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsCredentialPublicKeyRecord } from '../../twilio/accounts.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { badInput } from '../shared/errors.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { credentialAccountSid, credentialFriendlyName, dateOf, urlOf } from './shared.ts';

export const PublicKeyCredential = builder.loadableNodeRef<AccountsCredentialPublicKeyRecord>(
  'PublicKeyCredential',
  fetchedNode(
    'PublicKeyCredential',
    (c) => [c.sid!],
    (ctx, [sid]) => accounts.fetchCredentialPublicKey(ctx.twilio, { path: { Sid: sid! } }),
  ),
);

export const PublicKeyCredentialConnection = builder.connectionObject(
  { type: PublicKeyCredential, name: 'PublicKeyCredentialConnection', description: 'A page of public key credentials.' },
  { description: 'A public key credential with its cursor.' },
);

PublicKeyCredential.implement({
  description:
    'User provided public keys: an RSA public key for Public Key Client Validation. Requests to Twilio signed with the matching private key are checked against it.',
  fields: (t) => ({
    sid: t.string({
      nullable: false,
      description: 'The unique string that Twilio created to identify the PublicKey resource (`CR…`).',
      resolve: (c) => c.sid!,
    }),
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

/** The PEM armour only; Twilio checks the key inside. */
const PEM_PUBLIC_KEY = /^\s*-----BEGIN (RSA )?PUBLIC KEY-----[A-Za-z0-9+/=\s]+-----END (RSA )?PUBLIC KEY-----\s*$/;

const publicKeySid = param('path', 'Sid', 'String', 'The SID of the public key credential (`CR…`).', { required: true, sid: 'CR' });

twilioMutation('createPublicKeyCredential', {
  operation: accounts.accountsOperations.CreateCredentialPublicKey,
  description: 'Adds a public key for Public Key Client Validation. Twilio refuses a key that is not RSA.',
  input: {
    description: 'A new public key credential.',
    fields: (p) => ({
      publicKey: p.body(
        'PublicKey',
        'String',
        'The RSA public key, PEM encoded: `-----BEGIN PUBLIC KEY-----MIIBIjANB…pa9xQIDAQAB-----END PUBLIC KEY-----` (sent URL encoded, as Twilio expects).',
        {
          required: true,
          send: (value, field) => {
            if (!PEM_PUBLIC_KEY.test(value)) throw badInput(field, 'expected a PEM block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----');
            return value;
          },
        },
      ),
      friendlyName: credentialFriendlyName,
      accountSid: credentialAccountSid,
    }),
  },
  result: { field: 'publicKeyCredential', type: PublicKeyCredential },
});

twilioMutation('updatePublicKeyCredential', {
  operation: accounts.accountsOperations.UpdateCredentialPublicKey,
  description: 'Renames a public key credential.',
  input: {
    description: 'Changes to a public key credential: only its name can change; its key cannot (create a new credential instead).',
    fields: () => ({ sid: publicKeySid, friendlyName: credentialFriendlyName }),
  },
  result: { field: 'publicKeyCredential', type: PublicKeyCredential },
});

twilioMutation('deletePublicKeyCredential', {
  operation: accounts.accountsOperations.DeleteCredentialPublicKey,
  description: 'Deletes a public key credential. Requests signed with its private key are no longer accepted.',
  input: {
    description: 'The public key credential to delete.',
    fields: () => ({ sid: publicKeySid }),
  },
  result: { deletes: 'PublicKeyCredential' },
});
