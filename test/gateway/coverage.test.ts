/**
 * Every REST operation in specs/ is reachable from the schema: each product's
 * operation map must name exactly the spec's operations, and every coordinate
 * it names must exist in the built schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { OPERATION_COVERAGE, schema } from '../../src/schema/index.ts';
import { renderCoverageTable } from '../../scripts/coverage-table.ts';
import { expectUpToDate, markdownSection } from '../support/drift.ts';

const SPECS: Record<string, string> = {
  chat: 'ip_messaging_v2.json',
  proxy: 'proxy_v1.json',
  events: 'events_v1.json',
  accounts: 'accounts_v1.json',
};

function specOperations(product: string): string[] {
  const spec = JSON.parse(readFileSync(new URL(`../../specs/${SPECS[product]}`, import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  return Object.values(spec.paths).flatMap((item) =>
    (['get', 'post', 'delete'] as const).flatMap((m) => (item[m]?.operationId ? [`${product}.${item[m]!.operationId}`] : [])),
  );
}

describe('operation coverage', () => {
  it('covers all four products: 124 of 124 operations', () => {
    expect(Object.keys(OPERATION_COVERAGE).sort()).toEqual(Object.keys(SPECS).sort());
    const mapped = Object.values(OPERATION_COVERAGE).reduce((n, map) => n + Object.keys(map).length, 0);
    const inSpecs = Object.keys(SPECS).reduce((n, product) => n + specOperations(product).length, 0);
    expect(inSpecs).toBe(124);
    expect(mapped).toBe(inSpecs);
  });

  for (const [product, map] of Object.entries(OPERATION_COVERAGE)) {
    it(`maps every ${product} operation of the spec, and nothing else`, () => {
      expect(Object.keys(map).sort()).toEqual(specOperations(product).sort());
    });

    it(`reaches every ${product} operation through a field that exists`, () => {
      const missing = Object.entries(map).filter(([, coordinate]) => {
        const [typeName, fieldName] = coordinate.split('.');
        const type = schema.getType(typeName!);
        return !isObjectType(type) || !type.getFields()[fieldName!];
      });
      expect(missing).toEqual([]);
    });
  }

  it('is listed in the README as the operation maps say (npx tsx scripts/coverage-table.ts)', () => {
    const table = renderCoverageTable();
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expectUpToDate(
      "README.md's coverage table",
      markdownSection(readme, table.split('\n')[0]!),
      table,
      'run `npx tsx scripts/coverage-table.ts` and paste its output over it',
    );
  });
});
