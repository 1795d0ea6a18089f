/**
 * SafeListNumber: a phone number on the account's SafeList. Twilio fetches and
 * deletes SafeList entries by phone number, not by SID, so the number is the
 * node's key and its global ID carries it.
 */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import type { AccountsSafelistRecord } from '../../twilio/accounts.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { checkE164 } from './shared.ts';

export const SafeListNumber = builder.loadableNodeRef<AccountsSafelistRecord>('SafeListNumber', {
  id: { resolve: (n) => nodeKey(n.phone_number!), description: 'Global ID, for `node(id:)`; it carries the phone number, by which Twilio fetches the entry.' },
  load: (keys, ctx) => fetchEach(keys, 'SafeListNumber', ([number]) => accounts.fetchSafelist(ctx.twilio, { query: { PhoneNumber: number! } })),
  cacheResolved: (n) => nodeKey(n.phone_number!),
});

SafeListNumber.implement({
  description:
    "A phone number on the account's SafeList: Twilio's fraud protections (Verify Fraud Guard, SMS Pumping Protection) do not block traffic to it. Twilio reads and removes entries by phone number.",
  fields: (t) => ({
    sid: t.string({ nullable: false, description: 'The unique string that Twilio created to identify the SafeList resource (`GN…`).', resolve: (n) => n.sid! }),
    phoneNumber: t.string({ nullable: false, description: 'The phone number in SafeList, in E.164 format.', resolve: (n) => n.phone_number! }),
  }),
});

const PHONE_NUMBER = 'The phone number, in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`+14155550123`).';

builder.queryFields((t) => ({
  safeListNumber: t.field({
    type: SafeListNumber,
    description: 'Checks if a phone number exists in SafeList: the entry, or null when the number is not on the list.',
    args: { phoneNumber: t.arg.string({ required: true, description: PHONE_NUMBER }) },
    resolve: (_, { phoneNumber }, ctx) => SafeListNumber.getDataloader(ctx).load(nodeKey(checkE164('phoneNumber', phoneNumber))),
  }),
}));

// ---- mutations ----

/** Checks a phone number sent to Twilio as `checkE164` does. */
const e164 = (value: string, field: string) => checkE164(field, value);

twilioMutation('createSafeListNumber', {
  operation: accounts.accountsOperations.CreateSafelist,
  description: 'Adds a phone number to SafeList. Twilio refuses a number that is already on it.',
  input: {
    description: 'A phone number to add to SafeList.',
    argument: 'The number to add.',
    fields: (p) => ({ phoneNumber: p.body('PhoneNumber', 'String', PHONE_NUMBER, { required: true, send: e164 }) }),
  },
  result: { field: 'safeListNumber', type: SafeListNumber },
});

twilioMutation('deleteSafeListNumber', {
  operation: accounts.accountsOperations.DeleteSafelist,
  description: 'Removes a phone number from SafeList.',
  input: {
    description: 'A phone number to remove from SafeList.',
    argument: 'The number to remove.',
    fields: (p) => ({ phoneNumber: p.query('PhoneNumber', 'String', PHONE_NUMBER, { required: true, send: e164 }) }),
  },
  // Twilio names the entry in the query, not the path: the deleted ID carries the phone number.
  result: { deletes: 'SafeListNumber', key: (sent) => [String(sent.query!.PhoneNumber)] },
});
