/** The SDL files in schema/ are the ones the schema code prints now: a stale file fails the build. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchemaFiles } from '../../scripts/schema-files.ts';

describe('schema/', () => {
  for (const [path, expected] of renderSchemaFiles()) {
    it(`${path} is up to date (run npm run generate)`, () => {
      const committed = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(committed === expected, `${path} differs from what the schema prints: run \`npm run generate\``).toBe(true);
    });
  }

  it('keeps Federation out of the public schema and in the subgraph schema', () => {
    const files = renderSchemaFiles();
    expect(files.get('schema/schema.graphql')).not.toContain('_entities');
    expect(files.get('schema/subgraph.graphql')).toContain('@key(fields: "serviceSid sid")');
  });
});
