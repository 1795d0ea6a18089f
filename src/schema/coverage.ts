/**
 * Which schema field reaches each Twilio REST operation, per product: the
 * reads from each product's operations.ts, the writes from the mutations'
 * own declarations (the kit records the operation each performs).
 */
import type { GraphQLSchema } from 'graphql';
import { chatOperations } from './chat/operations.ts';
import { eventsOperations } from './events/operations.ts';
import { proxyOperations } from './proxy/operations.ts';
import { accountsOperations } from './accounts/operations.ts';
import type { DeclaredWrite } from './shared/mutation.ts';

/** For each product, operation key (`chat.FetchMember`) -> the `Type.field` that reaches it (`ChatChannel.member`). */
export type OperationCoverage = Record<string, Record<string, string>>;

export function operationCoverage(schema: GraphQLSchema): OperationCoverage {
  const coverage: OperationCoverage = {
    chat: { ...chatOperations },
    proxy: { ...proxyOperations },
    events: { ...eventsOperations },
    accounts: { ...accountsOperations },
  };
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const write = field.extensions.twilioWrite as DeclaredWrite | undefined;
    if (write) (coverage[write.operation.split('.')[0]!] ??= {})[write.operation] = `Mutation.${field.name}`;
  }
  return coverage;
}
