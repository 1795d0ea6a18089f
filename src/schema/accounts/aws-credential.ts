/** AwsCredential: AWS access keys Twilio uses to reach the account's AWS resources. */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsCredentialAwsRecord } from '../../twilio/accounts.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchedNode } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkSid } from '../shared/validate.ts';
import { badInput } from '../shared/errors.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { credentialAccountSid, credentialFriendlyName, dateOf, urlOf } from './shared.ts';

export const AwsCredential = builder.loadableNodeRef<AccountsCredentialAwsRecord>(
  'AwsCredential',
  fetchedNode(
    'AwsCredential',
    (c) => [c.sid!],
    (ctx, [sid]) => accounts.fetchCredentialAws(ctx.twilio, { path: { Sid: sid! } }),
  ),
);

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

/** `<access key ID>:<secret access key>`; checked for its shape only, and never repeated in an error. */
function checkAwsCredentials(field: string, value: string): string {
  const colon = value.indexOf(':');
  if (colon < 1 || !value.slice(colon + 1) || /\s/.test(value)) {
    throw badInput(
      field,
      'expected <AWS access key ID>:<AWS secret access key> without spaces, e.g. AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    );
  }
  return value;
}

const awsSid = param('path', 'Sid', 'String', 'The SID of the AWS credential (`CR…`).', { required: true, sid: 'CR' });

twilioMutation('createAwsCredential', {
  operation: accounts.accountsOperations.CreateCredentialAws,
  description: 'Creates an AWS credential. Twilio keeps the secret access key to itself: no field, list or error ever returns it.',
  input: {
    description: 'A new AWS credential.',
    fields: (p) => ({
      credentials: p.body(
        'Credentials',
        'String',
        'The AWS access credentials as `<access key ID>:<secret access key>`, e.g. `AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`. Write-only: sent to Twilio, never returned by any field or error.',
        // Hidden whole and the secret access key alone, should Twilio quote either.
        { required: true, send: (value, field) => checkAwsCredentials(field, value), secret: (value) => [value, value.slice(value.indexOf(':') + 1)] },
      ),
      friendlyName: credentialFriendlyName,
      accountSid: credentialAccountSid,
    }),
  },
  result: { field: 'awsCredential', type: AwsCredential },
});

twilioMutation('updateAwsCredential', {
  operation: accounts.accountsOperations.UpdateCredentialAws,
  description: 'Renames an AWS credential.',
  input: {
    description: 'Changes to an AWS credential: only its name can change; its keys cannot (create a new credential instead).',
    fields: () => ({ sid: awsSid, friendlyName: credentialFriendlyName }),
  },
  result: { field: 'awsCredential', type: AwsCredential },
});

twilioMutation('deleteAwsCredential', {
  operation: accounts.accountsOperations.DeleteCredentialAws,
  description: 'Deletes an AWS credential. Twilio features that use it can no longer reach AWS with it.',
  input: {
    description: 'The AWS credential to delete.',
    fields: () => ({ sid: awsSid }),
  },
  result: { deletes: 'AwsCredential' },
});
