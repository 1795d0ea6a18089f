/**
 * graphql-jit, as patched in `patches/` (applied by `npm install`'s
 * postinstall): a resolver that declares only its parent is called with the
 * parent alone, so no GraphQLResolveInfo is built for it (most of the graph's
 * fields: some ten thousand calls in a 1,000-member answer); every other
 * resolver still gets (parent, args, context, info). Fails when the patch is
 * missing, e.g. after graphql-jit is upgraded without porting it.
 */
import { describe, expect, it } from 'vitest';
import { buildSchema, parse, type GraphQLFieldResolver, type GraphQLObjectType } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { createRequire } from 'node:module';

type Compile = typeof compileQuery;

/** Runs `{ field }` compiled, with `resolve` as the field's resolver; returns its value and how many resolve infos were built. */
function run(compile: Compile, resolve: GraphQLFieldResolver<any, any>) {
  const schema = buildSchema('type Query { field: String }');
  (schema.getQueryType() as GraphQLObjectType).getFields().field!.resolve = resolve;
  let infos = 0;
  const compiled = compile(schema, parse('{ field }'), undefined, {
    // Copied into every info graphql-jit builds, so the getter counts them.
    resolverInfoEnricher: () => ({
      get built() {
        return ++infos;
      },
    }),
  });
  if (!isCompiledQuery(compiled)) throw new Error('not compiled');
  const result = compiled.query({ name: 'root' }, {}, {}) as { data: { field: string } };
  return { value: result.data.field, infos };
}

const require = createRequire(import.meta.url);
const builds: Array<[string, Compile]> = [
  ['ESM', compileQuery],
  ['CommonJS', (require('graphql-jit') as typeof import('graphql-jit')).compileQuery],
];

describe.each(builds)('compiled resolver calls (graphql-jit %s build)', (_, compile) => {
  it('builds no resolve info for a resolver that declares only its parent', () => {
    expect(run(compile, (parent: { name: string }) => parent.name)).toEqual({ value: 'root', infos: 0 });
    expect(
      run(compile, function named(parent: { name: string }) {
        return parent.name;
      }),
    ).toEqual({ value: 'root', infos: 0 });
    expect(run(compile, ({ name }: { name: string }) => name)).toEqual({ value: 'root', infos: 0 });
  });

  it('passes every argument to a resolver that may read them', () => {
    const info = (i: unknown) => (i as { fieldName: string }).fieldName;
    expect(run(compile, (_p, _a, _c, i) => info(i))).toEqual({ value: 'field', infos: 1 });
    expect(run(compile, (_p: unknown, ...rest: unknown[]) => info(rest[2]))).toEqual({ value: 'field', infos: 1 });
    // Defaults stop `length` counting: this one declares 1 but reads its fourth.
    expect(run(compile, (_p: unknown, _a: unknown = {}, _c?: unknown, i?: unknown) => info(i))).toEqual({ value: 'field', infos: 1 });
    expect(
      run(compile, function (_p: unknown) {
        // eslint-disable-next-line prefer-rest-params
        return info(arguments[3]);
      }),
    ).toEqual({ value: 'field', infos: 1 });
  });
});
