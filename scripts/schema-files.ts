/**
 * The SDL files under `schema/`, printed from the Pothos schema:
 * `schema.graphql` is the public schema clients code against, and
 * `subgraph.graphql` the Federation v2 subgraph with its `@key` and
 * demand-control (`@cost`, `@listSize`) directives, printed the way
 * composition tools read it (the same text `_service { sdl }` answers).
 */
import { printSchema } from 'graphql';
import { publicSchema, subgraphSdl } from '../src/schema/index.ts';

const HEADER = '# Generated from the Pothos schema in src/schema/ by `npm run generate`. Do not edit.\n\n';

export function renderSchemaFiles(): Map<string, string> {
  return new Map([
    ['schema/schema.graphql', HEADER + printSchema(publicSchema) + '\n'],
    ['schema/subgraph.graphql', HEADER + subgraphSdl.trimEnd() + '\n'],
  ]);
}
