/**
 * The document limits in-process: the bracket count before parsing, the exact
 * boundaries, and defaults that every query the README and the test suite
 * send lets through.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphQLError, getIntrospectionQuery, parse, print, type DocumentNode } from 'graphql';
import { schema } from '../../src/schema/index.ts';
import { DEFAULT_QUERY } from '../../src/gateway.ts';
import {
  BRACKET_ALLOWANCE,
  DEFAULT_DOCUMENT_LIMITS,
  assertQuerySize,
  bracketNesting,
  parseWithinLimits,
  type DocumentLimits,
} from '../../src/limits/document.ts';
import * as testDocuments from '../generated/graphql.ts';
import * as exampleDocuments from '../../examples/generated/graphql.ts';

const limits = (overrides: Partial<DocumentLimits> = {}): DocumentLimits => ({ ...DEFAULT_DOCUMENT_LIMITS, ...overrides });

function refusal(run: () => unknown): GraphQLError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  return undefined;
}

describe('bracketNesting', () => {
  it.each([
    ['{ a }', 1],
    ['{ a { b(x: [1, {y: 2}]) } }', 5],
    ['query($v: [[Int]]) { a }', 3],
    ['{ a(s: "{{{{") }', 2],
    ['{ a(s: "\\"{{{{") }', 2],
    ['{ a(s: """{{{ \\""" {{{ """) }', 2],
    ['# {{{{{\n{ a }', 1],
    ['# {{{{{\r{ a }', 1],
  ])('%s nests %i deep', (source, depth) => {
    expect(bracketNesting(source)).toBe(depth);
  });

  it('stops counting where the parser would stop', () => {
    // An unterminated string ends the document for the parser: nothing after it is read.
    expect(bracketNesting('{ a(s: "abc\n{{{{{{{{')).toBe(2);
    expect(bracketNesting('{ a } } {{{{{{{{')).toBe(1);
  });

  it('stops once past the limit, however deep the rest goes', () => {
    expect(bracketNesting('['.repeat(1_000_000), 50)).toBe(51);
  });
});

describe('parseWithinLimits', () => {
  it('lets exactly the token limit through', () => {
    const fields = (n: number) => '{ ' + Array.from({ length: n }, (_, i) => `f${i}`).join(' ') + ' }';
    expect(refusal(() => parseWithinLimits(fields(8), limits({ maxTokens: 10 }), schema))).toBeUndefined();
    expect(refusal(() => parseWithinLimits(fields(9), limits({ maxTokens: 10 }), schema))?.extensions.code).toBe('QUERY_TOO_MANY_TOKENS');
  });

  it(`refuses brackets nested more than the depth limit plus ${BRACKET_ALLOWANCE}, before parsing`, () => {
    const nested = (n: number) => '{ a(x: ' + '['.repeat(n - 2) + ']'.repeat(n - 2) + ') }';
    expect(refusal(() => parseWithinLimits(nested(5 + BRACKET_ALLOWANCE), limits({ maxDepth: 5 }), schema))?.extensions.code).toBeUndefined();
    const error = refusal(() => parseWithinLimits(nested(6 + BRACKET_ALLOWANCE), limits({ maxDepth: 5 }), schema));
    expect(error?.extensions.code).toBe('QUERY_TOO_DEEP');
    expect(error?.message).toContain('limit of 5');
  });

  it('refuses a chain of fragments too long to count as too deep, not with a stack overflow', () => {
    const length = 10_000;
    const chain = ['{ ...F0 }', ...Array.from({ length }, (_, i) => `fragment F${i} on Query { ${i + 1 < length ? `...F${i + 1}` : '__typename'} }`)].join(
      '\n',
    );
    const error = refusal(() => parseWithinLimits(chain, limits({ maxTokens: 10_000_000 }), schema));
    expect(error?.extensions.code).toBe('QUERY_TOO_DEEP');
    expect(error?.message).toContain('too deep to count');
  });

  it('gives each refusal its code, its limit, and a message naming both figures', () => {
    const aliases = refusal(() => parseWithinLimits('{ a: __typename b: __typename c: __typename }', limits({ maxAliases: 2 }), schema));
    expect(aliases?.extensions).toMatchObject({ code: 'QUERY_TOO_MANY_ALIASES', limit: 2, http: { status: 400 } });
    expect(aliases?.message).toBe('Aliases limit of 2 exceeded, found 3.');
    const depth = refusal(() => parseWithinLimits('{ a { b { c } } }', limits({ maxDepth: 2 }), schema));
    expect(depth?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', limit: 2 });
    expect(depth?.message).toBe('Query depth limit of 2 exceeded, found 3.');
    const directives = refusal(() => parseWithinLimits('{ a @skip(if: false) @include(if: true) }', limits({ maxDirectives: 1 }), schema));
    expect(directives?.extensions).toMatchObject({ code: 'QUERY_TOO_MANY_DIRECTIVES', limit: 1 });
    expect(directives?.message).toBe('Directives limit of 1 exceeded, found 2.');
  });
});

describe('assertQuerySize', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(refusal(() => assertQuerySize('é'.repeat(5), { maxQueryBytes: 10 }))).toBeUndefined();
    const error = refusal(() => assertQuerySize('é'.repeat(6), { maxQueryBytes: 10 }));
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_LARGE', limit: 10, http: { status: 413 } });
    expect(error?.message).toContain('12 bytes');
  });
});

describe('the defaults', () => {
  const documents = new Map<string, string>();
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const [i, block] of [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].entries()) documents.set(`README block ${i + 1}`, block[1]!);
  for (const folder of ['../operations/', '../../examples/operations/']) {
    const dir = new URL(folder, import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) documents.set(`${folder}${file}`, readFileSync(new URL(file, dir), 'utf8'));
  }
  for (const [name, value] of Object.entries({ ...testDocuments, ...exampleDocuments })) {
    if ((value as DocumentNode)?.kind === 'Document') documents.set(name, print(value as DocumentNode));
  }
  documents.set('GraphiQL default query', DEFAULT_QUERY);
  documents.set(
    'introspection',
    getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    }),
  );

  it('are checked against every README example and typed document', () => {
    expect(documents.size).toBeGreaterThan(10);
  });

  it.each([...documents])('let %s through', (_, source) => {
    expect(() => assertQuerySize(source, DEFAULT_DOCUMENT_LIMITS)).not.toThrow();
    expect(() => parseWithinLimits(source, DEFAULT_DOCUMENT_LIMITS, schema)).not.toThrow();
    expect(parseWithinLimits(source, DEFAULT_DOCUMENT_LIMITS, schema)).toEqual(parse(source));
  });
});
