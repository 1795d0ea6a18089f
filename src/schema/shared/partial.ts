/**
 * Records built from what a webhook says rather than read from Twilio. They
 * hold only the fields the webhook carries, so they answer a selection of
 * those fields only (the caller checks), and are never kept in a loader, where
 * a later load of the same object, wanting other fields, would find them.
 */
const PARTIAL = Symbol('partial');

/** The loader key partial records are filed under by `cacheResolved`: no load asks for it. */
export const UNCACHED_KEY = Symbol('uncached') as unknown as string;

/** Marks `record` as partial. */
export function partialRecord<R extends object>(record: R): R {
  Object.defineProperty(record, PARTIAL, { value: true });
  return record;
}

export function isPartialRecord(record: object): boolean {
  return PARTIAL in record;
}
