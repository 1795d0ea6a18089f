/** The typed documents in test/generated/ and examples/generated/ are what codegen.ts makes now. */
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.ts';
import { expectFileUpToDate } from '../support/drift.ts';

describe('GraphQL Code Generator output', () => {
  it('is up to date (run npm run generate)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) expectFileUpToDate(filename, content, 'npm run generate');
  }, 60_000);
});
