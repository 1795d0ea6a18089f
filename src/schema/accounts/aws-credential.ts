/** AwsCredential: AWS access keys Twilio uses to reach the account's AWS resources. */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsCredentialAwsRecord } from '../../twilio/accounts.ts';
import { encodeGlobalId, nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { badInput } from '../shared/errors.ts';
import { deletePayloadType, payloadType, runWrite } from '../shared/mutation.ts';
import { hidingSecrets } from '../shared/secrets.ts';
import { dateOf, urlOf } from './shared.ts';

export const AwsCredential = builder.loadableNodeRef<AccountsCredentialAwsRecord>('AwsCredential', {
  id: { resolve: (c) => nodeKey(c.sid!) },
  load: (keys, ctx) => fetchEach(keys, 'AwsCredential', ([sid]) => accounts.fetchCredentialAws(ctx.twilio, { path: { Sid: sid! } })),
  cacheResolved: (c) => nodeKey(c.sid!),
});

export const AwsCredentialConnection = builder.connectionObject(
  { type: AwsCredential, name: 'AwsCredentialConnection', description: 'A page of AWS credentials.' },
  { description: 'An AWS credential with its cursor.' },
);

AwsCredential.implement({
  description:
    "User provided AWS keys: an AWS access key that Twilio uses to reach AWS resources on the account's behalf (such as an S3 bucket for call recordings). The secret access key is write-only and never returned.",
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The unique string that Twilio created to identify the AWS resource (`CR…`).', resolve: (c) => c.sid! }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the account that created the AWS resource.' }),
    friendlyName: t.exposeString('friendly_name', { description: 'The string that you assigned to describe the resource.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (c) => dateOf(c.date_created) }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (c) => dateOf(c.date_updated) }),
    url: t.field({ type: 'URL', description: 'The REST URL of this resource, at `https://accounts.twilio.com`.', resolve: (c) => urlOf(c.url) }),
  }),
});

builder.queryFields((t) => ({
  awsCredentials: t.field({
    type: AwsCredentialConnection,
    nullable: false,
    description: 'The AWS credentials belonging to the account.',
    args: forwardArgs(t.arg),
    resolve: (_, args, ctx) => resolveConnection(twilioList(ctx, accounts.accountsOperations.ListCredentialAws, {}), args),
  }),
  awsCredential: t.field({
    type: AwsCredential,
    description: 'An AWS credential by SID; null when there is none.',
    args: { sid: t.arg.string({ required: true, description: 'The SID of the AWS credential (`CR…`).' }) },
    resolve: (_, { sid }, ctx) => AwsCredential.getDataloader(ctx).load(nodeKey(checkSid('sid', sid, 'CR'))),
  }),
}));

// ---- mutations ----

const awsFields = { FriendlyName: 'friendlyName', Credentials: 'credentials', AccountSid: 'accountSid' };

/** `<access key ID>:<secret access key>`; checked for its shape only, and never repeated in an error. */
function checkAwsCredentials(value: string): { credentials: string; secret: string } {
  const colon = value.indexOf(':');
  const secret = value.slice(colon + 1);
  if (colon < 1 || !secret || /\s/.test(value)) {
    throw badInput('input.credentials', 'expected <AWS access key ID>:<AWS secret access key> without spaces, e.g. AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  }
  return { credentials: value, secret };
}

const CreateAwsCredentialInput = builder.inputType('CreateAwsCredentialInput', {
  description: 'A new AWS credential.',
  fields: (t) => ({
    credentials: t.string({
      required: true,
      description:
        'The AWS access credentials as `<access key ID>:<secret access key>`, e.g. `AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`. Write-only: sent to Twilio, never returned by any field or error.',
    }),
    friendlyName: t.string({ description: 'A descriptive string that you create to describe the resource. It can be up to 64 characters long.' }),
    accountSid: t.string({
      description: 'The SID of the Subaccount that this Credential should be associated with (`AC…`). Must be a valid Subaccount of the account issuing the request.',
    }),
  }),
});

const UpdateAwsCredentialInput = builder.inputType('UpdateAwsCredentialInput', {
  description: "Changes to an AWS credential: only its name can change; its keys cannot (create a new credential instead).",
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the AWS credential (`CR…`).' }),
    friendlyName: t.string({ description: 'A descriptive string that you create to describe the resource. It can be up to 64 characters long.' }),
  }),
});

const DeleteAwsCredentialInput = builder.inputType('DeleteAwsCredentialInput', {
  description: 'The AWS credential to delete.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'The SID of the AWS credential (`CR…`).' }),
  }),
});

const CreateAwsCredentialPayload = payloadType('CreateAwsCredentialPayload', 'awsCredential', AwsCredential, 'The result of createAwsCredential.');
const UpdateAwsCredentialPayload = payloadType('UpdateAwsCredentialPayload', 'awsCredential', AwsCredential, 'The result of updateAwsCredential.');
const DeleteAwsCredentialPayload = deletePayloadType('DeleteAwsCredentialPayload', 'The result of deleteAwsCredential.');

builder.mutationFields((t) => ({
  createAwsCredential: t.field({
    type: CreateAwsCredentialPayload,
    description: 'Creates an AWS credential. Twilio keeps the secret access key to itself: no field, list or error ever returns it.',
    args: { input: t.arg({ type: CreateAwsCredentialInput, required: true, description: 'What to create.' }) },
    resolve: async (_, { input }, ctx) => {
      const { credentials, secret } = checkAwsCredentials(input.credentials);
      const accountSid = input.accountSid == null ? undefined : checkSid('input.accountSid', input.accountSid, 'AC');
      const payload = await hidingSecrets([credentials, secret], () =>
        runWrite(ctx, awsFields, () =>
          accounts.createCredentialAws(ctx.twilio, { body: { Credentials: credentials, FriendlyName: input.friendlyName ?? undefined, AccountSid: accountSid } }),
        ),
      );
      if (payload.result) AwsCredential.getDataloader(ctx).prime(nodeKey(payload.result.sid!), payload.result);
      return payload;
    },
  }),
  updateAwsCredential: t.field({
    type: UpdateAwsCredentialPayload,
    description: 'Renames an AWS credential.',
    args: { input: t.arg({ type: UpdateAwsCredentialInput, required: true, description: 'What to change, and how.' }) },
    resolve: async (_, { input }, ctx) => {
      const key = nodeKey(checkSid('input.sid', input.sid, 'CR'));
      const payload = await runWrite(ctx, awsFields, () =>
        accounts.updateCredentialAws(ctx.twilio, { path: { Sid: input.sid }, body: { FriendlyName: input.friendlyName ?? undefined } }),
      );
      if (payload.result) AwsCredential.getDataloader(ctx).prime(key, payload.result);
      return payload;
    },
  }),
  deleteAwsCredential: t.field({
    type: DeleteAwsCredentialPayload,
    description: 'Deletes an AWS credential. Twilio features that use it can no longer reach AWS with it.',
    args: { input: t.arg({ type: DeleteAwsCredentialInput, required: true, description: 'What to delete.' }) },
    resolve: async (_, { input }, ctx) => {
      const key = nodeKey(checkSid('input.sid', input.sid, 'CR'));
      const payload = await runWrite(ctx, {}, async () => {
        await accounts.deleteCredentialAws(ctx.twilio, { path: { Sid: input.sid } });
        return encodeGlobalId('AwsCredential', key);
      });
      return payload;
    },
  }),
}));
