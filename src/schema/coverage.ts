/** Which schema field reaches each Twilio REST operation, per product (see each product's operations.ts). */
import { chatOperations } from './chat/operations.ts';
import { eventsOperations } from './events/operations.ts';
import { proxyOperations } from './proxy/operations.ts';
import { accountsOperations } from './accounts/operations.ts';

export const OPERATION_COVERAGE: Record<string, Record<string, string>> = {
  chat: chatOperations,
  proxy: proxyOperations,
  events: eventsOperations,
  accounts: accountsOperations,
};
