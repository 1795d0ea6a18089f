/**
 * What a 2xx body must be for the layers above to read it: a page holds its
 * list (an array of records) and `meta`; a record is an object with the
 * fields that identify it (`operation.keyFields`, from the specs). Nothing
 * more is checked, so the cost is a few property reads per record: every
 * other field is typed nullable, and the schema copes with what it holds.
 */

/** The parts of an operation the check reads; a `TwilioOperation` is one. */
export interface ResponseShape {
  /** For a list: the property that holds the page's records. */
  readonly listKey?: string | undefined;
  /** Fields every record must carry, each a non-empty string or a number. */
  readonly keyFields?: readonly string[] | undefined;
}

/** Why `body` cannot be read as `shape` says, or undefined when it can. */
export function shapeProblem(shape: ResponseShape, body: unknown): string | undefined {
  if (!isRecord(body)) return `the body is ${kindOf(body)}, not a JSON object`;
  const keys = shape.keyFields ?? [];
  if (shape.listKey === undefined) return missingKey(body, keys);
  const items = body[shape.listKey];
  if (!Array.isArray(items)) return `a page needs "${shape.listKey}" as an array, but it is ${kindOf(items)}`;
  if (!isRecord(body.meta)) return `a page needs "meta" as an object, but it is ${kindOf(body.meta)}`;
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    const problem = isRecord(item) ? missingKey(item, keys) : `it is ${kindOf(item)}, not an object`;
    if (problem) return `"${shape.listKey}"[${i}]: ${problem}`;
  }
  return undefined;
}

function missingKey(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (!((typeof value === 'string' && value !== '') || typeof value === 'number')) return `"${key}" is ${kindOf(value)}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names a value's kind without quoting it: bodies carry the account's data. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === '') return 'an empty string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
