/** The parse cache is bounded by the estimated heap of its documents, not by their number. */
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { ParseCache, estimatedBytes } from '../../src/limits/parse-cache.ts';

const aliases = (n: number, tag: string) => '{ ' + Array.from({ length: n }, (_, i) => `${tag}${i}: __typename`).join(' ') + ' }';

describe('ParseCache', () => {
  it('estimates a document by its tokens and source, so a large one weighs more than many small ones', () => {
    const small = '{ __typename }';
    const large = aliases(1000, 'a');
    expect(estimatedBytes(small, parse(small))).toBeLessThan(2_000);
    // 3,002 tokens: about 1.5 MB of heap once parsed.
    expect(estimatedBytes(large, parse(large))).toBeGreaterThan(1_500_000);
  });

  it('keeps documents up to its budget in bytes, dropping the least recently used', () => {
    const cache = new ParseCache(5_000_000);
    const sources = Array.from({ length: 20 }, (_, i) => aliases(1000, `d${i}_`));
    for (const source of sources) cache.documentCache.set(source, parse(source));
    expect(cache.bytes).toBeLessThanOrEqual(5_000_000);
    expect(cache.size).toBeLessThan(5);
    expect(cache.has(sources.at(-1)!)).toBe(true);
    expect(cache.has(sources[0]!)).toBe(false);
    const small = '{ __typename }';
    cache.documentCache.set(small, parse(small));
    expect(cache.documentCache.get(small)).toEqual(parse(small));
  });

  it('does not keep a document larger than its whole budget', () => {
    const cache = new ParseCache(100_000);
    const source = aliases(1000, 'a');
    cache.documentCache.set(source, parse(source));
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('keeps no parse error, and nothing at all with a budget of 0', () => {
    const cache = new ParseCache(1_000_000);
    cache.errorCache.set('{', new Error('Syntax Error'));
    expect(cache.errorCache.get('{')).toBeUndefined();
    const none = new ParseCache(0);
    none.documentCache.set('{ a }', parse('{ a }'));
    expect(none.documentCache.get('{ a }')).toBeUndefined();
    expect(none.bytes).toBe(0);
  });
});
