/** Each document limit is read from its environment variable and validated like the rest of the configuration. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { DEFAULT_DOCUMENT_LIMITS } from '../../src/limits/document.ts';

const VARIABLES = {
  MAX_QUERY_DEPTH: 'maxDepth',
  MAX_QUERY_ALIASES: 'maxAliases',
  MAX_QUERY_TOKENS: 'maxTokens',
  MAX_QUERY_DIRECTIVES: 'maxDirectives',
  MAX_QUERY_BYTES: 'maxQueryBytes',
  MAX_REQUEST_BODY_BYTES: 'maxRequestBodyBytes',
  MAX_PARSE_CACHE_BYTES: 'parseCacheBytes',
} as const;

describe('document limits in the configuration', () => {
  it('default to DEFAULT_DOCUMENT_LIMITS', () => {
    expect(loadConfig({}).documentLimits).toEqual(DEFAULT_DOCUMENT_LIMITS);
  });

  it.each(Object.entries(VARIABLES))('%s sets %s', (variable, field) => {
    expect(loadConfig({ [variable]: ' 42 ' }).documentLimits[field]).toBe(42);
  });

  it.each(Object.keys(VARIABLES))('%s must be a whole number in range', (variable) => {
    for (const bad of ['ten', '-1', '1.5', '99999999999999']) {
      expect(() => loadConfig({ [variable]: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ [variable]: bad })).toThrow(new RegExp(`^${variable}: must be an integer from`));
    }
  });

  it('keeps the depth limit where the parser can still recurse', () => {
    expect(loadConfig({ MAX_QUERY_DEPTH: '100' }).documentLimits.maxDepth).toBe(100);
    expect(() => loadConfig({ MAX_QUERY_DEPTH: '101' })).toThrow(/MAX_QUERY_DEPTH/);
    expect(() => loadConfig({ MAX_QUERY_DEPTH: '0' })).toThrow(/MAX_QUERY_DEPTH/);
  });
});
