/**
 * SecondaryAuthToken: a second Auth Token for the account, for rotating the
 * primary one without downtime. Twilio shows the token once, when it is
 * created; the gateway hands it to the caller in the payload and keeps it
 * nowhere else (no loader, no cache, no log).
 */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsSecondaryAuthTokenRecord } from '../../twilio/accounts.ts';
import { twilioMutation, UserError, type Payload } from '../shared/mutation.ts';
import { dateOf, urlOf } from './shared.ts';

export const SecondaryAuthToken = builder.objectRef<AccountsSecondaryAuthTokenRecord>('SecondaryAuthToken').implement({
  description:
    "The account's secondary Auth Token: it authenticates requests alongside the primary Auth Token until it is deleted or promoted to primary (`promoteSecondaryAuthToken`). Only `createSecondaryAuthToken` returns it, once.",
  fields: (t) => ({
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that the secondary Auth Token was created for.' }),
    authToken: t.exposeString('secondary_auth_token', {
      description:
        "The generated secondary Auth Token that can be used to authenticate future API requests (Twilio's `secondary_auth_token`). Returned this once: store it now; neither Twilio nor the gateway shows it again.",
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the secondary Auth Token was created.', resolve: (r) => dateOf(r.date_created) }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the secondary Auth Token was last updated.', resolve: (r) => dateOf(r.date_updated) }),
    url: t.field({ type: 'URL', description: 'The REST URL of this resource, at `https://accounts.twilio.com`.', resolve: (r) => urlOf(r.url) }),
  }),
});

const DeleteSecondaryAuthTokenPayload = builder.objectRef<Payload<true>>('DeleteSecondaryAuthTokenPayload').implement({
  description: 'The result of deleteSecondaryAuthToken.',
  fields: (t) => ({
    deleted: t.boolean({
      nullable: false,
      description: 'Whether the secondary Auth Token was deleted; false when the delete was refused.',
      resolve: (p) => p.result === true,
    }),
    userErrors: t.field({ type: [UserError], nullable: false, description: 'Why the delete was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

twilioMutation('createSecondaryAuthToken', {
  operation: accounts.accountsOperations.CreateSecondaryAuthToken,
  description:
    'Creates a secondary Auth Token for the account, replacing any earlier secondary token. The payload carries the token, which no later query returns: store it at once. It authenticates requests alongside the primary token until deleted or promoted.',
  result: { field: 'secondaryAuthToken', type: SecondaryAuthToken, description: 'The result of createSecondaryAuthToken: the new token, shown this once.' },
});

twilioMutation('deleteSecondaryAuthToken', {
  operation: accounts.accountsOperations.DeleteSecondaryAuthToken,
  description: 'Deletes the secondary Auth Token from the account: requests made with it fail from now on. The primary Auth Token is unaffected.',
  result: { payload: DeleteSecondaryAuthTokenPayload },
  write: async ({ send }) => {
    await send();
    return true as const;
  },
});
