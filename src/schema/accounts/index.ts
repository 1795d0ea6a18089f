/** Accounts v1 in the graph. Imported for their side effects. */
import './aws-credential.ts';
import './public-key-credential.ts';
import './safe-list-number.ts';
import './secondary-auth-token.ts';
import './auth-token-promotion.ts';
import './bulk-item-result.ts';
import './bulk-consent.ts';
import './bulk-contact.ts';
