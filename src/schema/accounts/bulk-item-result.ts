/**
 * BulkItemResult: Twilio's answer for one item of a bulk consents or bulk
 * contacts request, and what both bulk mutations share: the item checks made
 * before the REST call and the payload type.
 */
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';
import { badInput } from '../shared/errors.ts';
import { UserError, type Payload } from '../shared/mutation.ts';

export interface BulkItemResultShape {
  correlationId: string;
  errorCode: number;
  errorMessages: string[];
}

export const BulkItemResult = builder.objectRef<BulkItemResultShape>('BulkItemResult').implement({
  description: 'The result of processing one item (one `correlation_id`) of a bulk consents or bulk contacts request.',
  fields: (t) => ({
    correlationId: t.exposeString('correlationId', { nullable: false, description: 'The 32-character UUID that maps this result to the item sent.' }),
    succeeded: t.boolean({ nullable: false, description: 'Whether Twilio accepted the item (`errorCode` 0).', resolve: (r) => r.errorCode === 0 }),
    errorCode: t.exposeInt('errorCode', {
      nullable: false,
      description: 'Zero when the item was accepted; any other value is the Twilio error code for a rejected item.',
    }),
    errorMessages: t.exposeStringList('errorMessages', {
      nullable: false,
      description: 'The validation errors found in the item (`INVALID_CONTACT_ID`, …); empty when it was accepted.',
    }),
  }),
});

/** Twilio takes at most this many items in one bulk request. */
export const MAX_BULK_ITEMS = 25;

const CORRELATION_ID = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

export const CORRELATION_ID_DESCRIPTION = 'A unique 32-character UUID (32 hexadecimal digits, or a UUID with hyphens) that maps this item to its result.';

/**
 * What makes a batch impossible to answer item by item: no items, too many,
 * or correlation ids that are malformed or repeated. Problems within an item
 * (a bad phone number) are Twilio's to report, in that item's result.
 */
export function checkBulkItems(items: ReadonlyArray<{ correlationId: string }>): void {
  if (items.length === 0) throw badInput('input.items', 'expected at least one item');
  if (items.length > MAX_BULK_ITEMS) throw badInput('input.items', `expected at most ${MAX_BULK_ITEMS} items per request, got ${items.length}`);
  const seen = new Set<string>();
  items.forEach(({ correlationId }, i) => {
    const field = `input.items[${i}].correlationId`;
    if (!CORRELATION_ID.test(correlationId))
      throw badInput(field, `expected a 32-character UUID (32 hexadecimal digits, or 36 characters with hyphens), got ${JSON.stringify(correlationId)}`);
    if (seen.has(correlationId.toLowerCase())) throw badInput(field, `${correlationId} is used by more than one item`);
    seen.add(correlationId.toLowerCase());
  });
}

function invalidAnswer(reason: string): GraphQLError {
  return new GraphQLError(`Twilio answered the bulk request with an unexpected body: ${reason}`, {
    extensions: { code: 'UPSTREAM_INVALID_RESPONSE', twilioCode: null, status: null, moreInfo: null },
  });
}

/** Reads Twilio's `items` answer: `[{ correlation_id, error_code, error_messages }]`. */
export function bulkResults(items: unknown): BulkItemResultShape[] {
  if (!Array.isArray(items)) throw invalidAnswer('items is not a list');
  return items.map((item: unknown, i) => {
    const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const messages = r.error_messages ?? [];
    if (typeof r.correlation_id !== 'string' || !Number.isInteger(r.error_code) || !Array.isArray(messages)) {
      throw invalidAnswer(`items[${i}] is not { correlation_id, error_code, error_messages }`);
    }
    return { correlationId: r.correlation_id, errorCode: r.error_code as number, errorMessages: messages.map(String) };
  });
}

/** `CreateBulkConsentsPayload { results, items, userErrors }` over Twilio's `{ items }` answer. */
export function bulkPayloadType(name: string, description: string) {
  return builder.objectRef<Payload<{ items: unknown }>>(name).implement({
    description,
    fields: (t) => ({
      results: t.field({
        type: [BulkItemResult],
        nullable: true,
        description: 'One result per item, as Twilio answered; null when the request was refused.',
        resolve: (p) => (p.result ? bulkResults(p.result.items) : null),
      }),
      items: t.field({
        type: 'JSON',
        nullable: true,
        description: "Twilio's answer as sent: the raw `items` list; null when the request was refused.",
        resolve: (p) => p.result?.items ?? null,
      }),
      userErrors: t.field({
        type: [UserError],
        nullable: false,
        description: 'Why Twilio refused the whole request; empty when it answered item by item.',
        resolve: (p) => p.userErrors,
      }),
    }),
  });
}
