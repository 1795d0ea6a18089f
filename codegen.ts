/**
 * GraphQL Code Generator: typed documents (TypedDocumentNode) for the
 * operations the end-to-end tests run, and for the example operations a
 * frontend would copy. Both are generated against `schema/schema.graphql`
 * by `npm run generate`; `test/schema/codegen.test.ts` fails on drift.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  // ESM imports with explicit extensions, as in the rest of the project.
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': {
      documents: ['test/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string', URL: 'string', JSON: 'unknown' }, enumsAsTypes: true, useTypeImports: true, onlyOperationTypes: true },
    },
    'examples/generated/': {
      documents: ['examples/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string', URL: 'string', JSON: 'unknown' }, enumsAsTypes: true, useTypeImports: true, onlyOperationTypes: true },
    },
  },
};

export default config;
