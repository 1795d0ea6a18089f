/** Bulk contacts: up to 25 contacts' details in one request, answered item by item. */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { bulkPayloadType, checkBulkItems, CORRELATION_ID_DESCRIPTION, MAX_BULK_ITEMS } from './bulk-item-result.ts';

export const BulkContactItemInput = builder.inputType('BulkContactItemInput', {
  description: "One contact's details, one object of Twilio's `Items`.",
  fields: (t) => ({
    contactId: t.string({
      required: true,
      description: "The contact's phone number in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`contact_id`).",
    }),
    correlationId: t.string({ required: true, description: `${CORRELATION_ID_DESCRIPTION} (\`correlation_id\`)` }),
    countryIsoCode: t.string({ description: "The contact's country as an ISO 3166-1 alpha-2 code, e.g. `US` for the United States (`country_iso_code`)." }),
    zipCode: t.string({ description: "The contact's postal code (`zip_code`)." }),
  }),
});

twilioMutation('createBulkContacts', {
  operation: accounts.accountsOperations.CreateBulkContacts,
  description:
    "Records contacts' details in bulk (Twilio's `Items`). Twilio checks each item on its own: a bad item is reported in its result and does not stop the others. A request Twilio cannot answer item by item is refused whole (`userErrors`).",
  input: {
    description: "Contacts' details to record.",
    argument: 'The contacts to record.',
    fields: (p) => ({
      items: p.body(
        'Items',
        [BulkContactItemInput],
        `A list of objects where each object represents a contact's details, 1 to ${MAX_BULK_ITEMS} per request, each with its own correlation id.`,
        {
          required: true,
          send: (items) => {
            checkBulkItems(items);
            return items.map((item) => ({
              contact_id: item.contactId,
              correlation_id: item.correlationId,
              country_iso_code: item.countryIsoCode ?? undefined,
              zip_code: item.zipCode ?? undefined,
            }));
          },
        },
      ),
    }),
  },
  result: { payload: bulkPayloadType('CreateBulkContactsPayload', 'The result of createBulkContacts: one result per item.') },
});
