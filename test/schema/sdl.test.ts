/** The SDL files in schema/ are the ones the schema code prints now: a stale file fails the build. */
import { describe, expect, it } from 'vitest';
import { renderSchemaFiles } from '../../scripts/schema-files.ts';
import { expectFileUpToDate } from '../support/drift.ts';

describe('schema/', () => {
  for (const [path, expected] of renderSchemaFiles()) {
    it(`${path} is up to date (run npm run generate)`, () => {
      expectFileUpToDate(path, expected, 'npm run generate');
    });
  }

  it('keeps Federation out of the public schema and in the subgraph schema', () => {
    const files = renderSchemaFiles();
    expect(files.get('schema/schema.graphql')).not.toContain('_entities');
    expect(files.get('schema/subgraph.graphql')).toContain('@key(fields: "serviceSid sid")');
  });
});
