/** The typed documents in test/generated/ and examples/generated/ are what codegen.ts makes now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.ts';

describe('GraphQL Code Generator output', () => {
  it('is up to date (run npm run generate)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    const stale = outputs.filter(({ filename, content }) => {
      try {
        return readFileSync(filename, 'utf8') !== content;
      } catch {
        return true;
      }
    });
    expect(stale.map((o) => o.filename), 'run `npm run generate`').toEqual([]);
  }, 60_000);
});
