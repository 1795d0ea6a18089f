/** Bulk consents: up to 25 contacts' opt-in or opt-out status in one request, answered item by item. */
import { builder } from '../builder.ts';
import * as accounts from '../../twilio/accounts.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { bulkPayloadType, checkBulkItems, CORRELATION_ID_DESCRIPTION, MAX_BULK_ITEMS } from './bulk-item-result.ts';

export const BulkConsentStatus = builder.enumType('BulkConsentStatus', {
  description: "A contact's consent status.",
  values: {
    OPT_IN: { value: 'opt-in', description: 'The contact agreed to receive messages.' },
    OPT_OUT: { value: 'opt-out', description: 'The contact withdrew their agreement.' },
  } as const,
});

export const BulkConsentSource = builder.enumType('BulkConsentSource', {
  description: 'The medium through which the consent was collected.',
  values: {
    WEBSITE: { value: 'website', description: 'A form on a website.' },
    OFFLINE: { value: 'offline', description: 'Outside any digital channel (paper, in person).' },
    OPT_IN_MESSAGE: { value: 'opt-in-message', description: 'An opt-in message from the contact (such as START).' },
    OPT_OUT_MESSAGE: { value: 'opt-out-message', description: 'An opt-out message from the contact (such as STOP).' },
    OTHERS: { value: 'others', description: 'Any other medium.' },
  } as const,
});

export const BulkConsentItemInput = builder.inputType('BulkConsentItemInput', {
  description: "One contact's opt-in status, one object of Twilio's `Items`.",
  fields: (t) => ({
    contactId: t.string({
      required: true,
      description: "The contact's phone number in [E.164 format](https://www.twilio.com/docs/glossary/what-e164) (`contact_id`).",
    }),
    correlationId: t.string({ required: true, description: `${CORRELATION_ID_DESCRIPTION} (\`correlation_id\`)` }),
    senderId: t.string({ required: true, description: 'The sender the consent is for: a messaging service SID (`MG…`) or a from phone number (`sender_id`).' }),
    status: t.field({ type: BulkConsentStatus, required: true, description: 'The consent status (`status`).' }),
    source: t.field({ type: BulkConsentSource, required: true, description: 'The medium through which the consent was collected (`source`).' }),
    dateOfConsent: t.field({ type: 'DateTime', description: 'When the contact gave or withdrew consent (`date_of_consent`), optional.' }),
  }),
});

twilioMutation('createBulkConsents', {
  operation: accounts.accountsOperations.CreateBulkConsents,
  description:
    "Records contacts' opt-in or opt-out status in bulk (Twilio's `Items`). Twilio checks each item on its own: a bad item is reported in its result and does not stop the others. A request Twilio cannot answer item by item is refused whole (`userErrors`).",
  input: {
    description: "Contacts' opt-in statuses to record.",
    argument: 'The consents to record.',
    fields: (p) => ({
      items: p.body(
        'Items',
        [BulkConsentItemInput],
        `A list of objects that describes contacts' opt-in status, 1 to ${MAX_BULK_ITEMS} per request, each with its own correlation id.`,
        {
          required: true,
          send: (items) => {
            checkBulkItems(items);
            return items.map((item) => ({
              contact_id: item.contactId,
              correlation_id: item.correlationId,
              sender_id: item.senderId,
              status: item.status,
              source: item.source,
              date_of_consent: item.dateOfConsent?.toISOString(),
            }));
          },
        },
      ),
    }),
  },
  result: { payload: bulkPayloadType('CreateBulkConsentsPayload', 'The result of createBulkConsents: one result per item.') },
});
