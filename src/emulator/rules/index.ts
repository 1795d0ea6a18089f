/** The rules of all four products, and what every new account starts with. */
import type { Product } from '../spec-model.ts';
import type { ProductRules, RuleAccount } from './types.ts';
import { chatRules } from './chat.ts';
import { proxyRules } from './proxy.ts';
import { eventsRules, seedEventCatalogue } from './events.ts';
import { accountsRules } from './accounts.ts';

export const PRODUCT_RULES: Record<Product, ProductRules> = {
  chat: chatRules,
  proxy: proxyRules,
  events: eventsRules,
  accounts: accountsRules,
};

/** Gives a new account what Twilio gives every account, whatever the seed. */
export function initAccount(account: RuleAccount): void {
  // Event Streams' catalogue of event types and schemas is Twilio's, the same for every account.
  seedEventCatalogue(account);
}
