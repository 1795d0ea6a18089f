/**
 * AuthTokenPromotion: what Twilio answers when the secondary Auth Token is
 * promoted to primary. The promoted token is handed to the caller once, in
 * the payload, and kept nowhere else (no loader, no cache, no log).
 */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsAuthTokenPromotionRecord } from '../../twilio/accounts.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { dateOf, urlOf } from './shared.ts';

export const AuthTokenPromotion = builder.objectRef<AccountsAuthTokenPromotionRecord>('AuthTokenPromotion').implement({
  description: "Auth Token promotion: the account's new primary Auth Token, formerly its secondary one.",
  fields: (t) => ({
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that the secondary Auth Token was created for.' }),
    authToken: t.exposeString('auth_token', {
      description:
        'The promoted Auth Token that must be used to authenticate future API requests. It is the token the secondary one was; returned this once by the gateway.',
    }),
    dateCreated: t.field({
      type: 'DateTime',
      description: 'When the promoted token was created (as the secondary Auth Token).',
      resolve: (r) => dateOf(r.date_created),
    }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the token was last updated: the promotion.', resolve: (r) => dateOf(r.date_updated) }),
    url: t.field({ type: 'URL', description: 'The REST URL of this resource, at `https://accounts.twilio.com`.', resolve: (r) => urlOf(r.url) }),
  }),
});

twilioMutation('promoteSecondaryAuthToken', {
  operation: accounts.accountsOperations.UpdateAuthTokenPromotion,
  description:
    'Promotes the secondary Auth Token to primary. The promoted token replaces the primary Auth Token and the old primary stops working at once: ' +
    'after promoting, all requests to Twilio using the old primary Auth Token result in an error (401, Twilio code 20003), whoever sends them. ' +
    'The account has no secondary token afterwards. Twilio refuses the promotion (see `userErrors`) when there is no secondary token.\n\n' +
    'A gateway configured with the old token (`TWILIO_AUTH_TOKEN`) answers every later request that does not bring its own `Authorization` header ' +
    'with `UNAUTHENTICATED`, until it is configured with the new token and restarted. Requests that send their own credentials keep working ' +
    'if those are the new token, or an API key and secret (promotion does not change API keys).',
  result: {
    field: 'authTokenPromotion',
    type: AuthTokenPromotion,
    description: 'The result of promoteSecondaryAuthToken: the new primary Auth Token, shown this once.',
  },
});
