/**
 * Metric label values a client can choose (operation names) or that code
 * builds from what a client sent (error codes) are bounded here, so no client
 * can make the gateway keep an unbounded number of series.
 */
import { getOperationAST, type DocumentNode, type OperationTypeNode } from 'graphql';

/**
 * A label whose values are admitted as they come, up to `max` distinct ones;
 * every value after that is reported as `overflow`. Admitted values are never
 * evicted: a series, once made, stays (as Prometheus expects of a counter), so
 * the number of series is bounded by `max + 1` per other label combination.
 */
export class CappedLabel {
  readonly #admitted = new Set<string>();

  constructor(
    readonly max: number,
    readonly overflow: string,
    /** What an admitted value must look like; anything else is `overflow` at once. */
    readonly pattern: RegExp,
  ) {
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`A label cap must be a positive integer, got ${max}`);
  }

  value(raw: string): string {
    if (this.#admitted.has(raw)) return raw;
    if (this.#admitted.size >= this.max || !this.pattern.test(raw)) return this.overflow;
    this.#admitted.add(raw);
    return raw;
  }

  /** Values admitted so far. */
  get size(): number {
    return this.#admitted.size;
  }
}

/** A GraphQL name of at most 100 characters. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
/** An `extensions.code`, as this gateway and Yoga write them. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface OperationLabels {
  operationName: string;
  operationType: OperationTypeNode | 'unknown';
}

const UNKNOWN: OperationLabels = { operationName: 'unknown', operationType: 'unknown' };

/** Operation names, bounded: `anonymous` for an operation without one, `other` past the cap, `unknown` when no operation was found. */
export class OperationNames {
  readonly #names: CappedLabel;

  constructor(max: number) {
    this.#names = new CappedLabel(max, 'other', OPERATION_NAME);
  }

  /** The labels of the operation `requested` names in `document` (the only one when none is named). */
  of(document: DocumentNode | undefined, requested: string | null | undefined): OperationLabels {
    if (!document) return UNKNOWN;
    const operation = getOperationAST(document, requested || undefined);
    if (!operation) return UNKNOWN;
    const name = operation.name?.value;
    return { operationName: name === undefined ? 'anonymous' : this.#names.value(name), operationType: operation.operation };
  }

  get size(): number {
    return this.#names.size;
  }
}

/** Error codes, bounded: at most `max` distinct ones, then `OTHER`. */
export function errorCodes(max = 50): CappedLabel {
  return new CappedLabel(max, 'OTHER', ERROR_CODE);
}
