/**
 * Yoga's parse cache, bounded by the heap its documents hold rather than by
 * their number: a thousand entries of small queries and a thousand of
 * megabyte-sized ones are not the same memory.
 */
import { TokenKind, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Heap a parsed token holds: its Token object (the tokens stay linked from the
 * locations) and its share of the AST nodes and their locations. Measured at
 * 290 to 490 bytes on graphql 16, from alias lists to long field lists.
 */
const BYTES_PER_TOKEN = 500;
/** The cache's own entry and the document's root objects. */
const BYTES_PER_ENTRY = 256;

/** Tokens the parser read for a document, counted along the token list its location keeps. */
function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token = document.loc?.startToken.next; token && token.kind !== TokenKind.EOF; token = token.next) count++;
  return count;
}

/** Estimated heap a cached document holds: the source (kept as the key and by the locations, two bytes a character at worst) and its AST. */
export function estimatedBytes(source: string, document: DocumentNode): number {
  const tokens = document.loc ? tokenCount(document) : source.length;
  return BYTES_PER_ENTRY + 2 * source.length + BYTES_PER_TOKEN * tokens;
}

interface Cache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

export class ParseCache {
  readonly #documents: LRUCache<string, DocumentNode> | null;

  /** A cache holding at most `maxBytes` of estimated heap; 0 keeps nothing. */
  constructor(readonly maxBytes: number) {
    this.#documents =
      maxBytes > 0 ? new LRUCache<string, DocumentNode>({ maxSize: maxBytes, sizeCalculation: (document, source) => estimatedBytes(source, document) }) : null;
  }

  /** Parsed documents by source; one larger than the whole budget is not kept. */
  readonly documentCache: Cache<DocumentNode> = {
    get: (source) => this.#documents?.get(source),
    set: (source, document) => void this.#documents?.set(source, document),
  };

  /**
   * Parse errors are not kept: finding one again costs no more than parsing up
   * to it, and a cache of them would hold every refused document.
   */
  readonly errorCache: Cache<unknown> = {
    get: () => undefined,
    set: () => {},
  };

  /** Estimated heap the cached documents hold. */
  get bytes(): number {
    return this.#documents?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.#documents?.size ?? 0;
  }

  has(source: string): boolean {
    return this.#documents?.has(source) ?? false;
  }
}
