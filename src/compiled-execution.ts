/**
 * Compiled execution: graphql-jit, through its Envelop plugin, turns a query
 * into a JavaScript function once per document, so a request no longer pays
 * for graphql-js walking the document and looking up every field's definition
 * for every object of the answer.
 *
 * graphql-js still runs what compiling would not repay or could get wrong:
 * - a document's first execution (COMPILE_AFTER);
 * - mutations: small answers, serial writes, and the most error handling;
 * - documents with more than one operation: the plugin keys its cache by
 *   document, not by operation (and a request naming an operation the
 *   document lacks gets graphql-js's error);
 * - documents with `@defer` or `@stream`: graphql-jit has no incremental
 *   delivery and would answer them in one payload, ignoring the directives;
 * - documents whose fields, fragments expanded, pass `maxFields`: compile time
 *   and the code generated grow with the expanded tree, which fragments can
 *   make far larger than the document (and the cost model does not look under
 *   `first: 0`);
 * - any document graphql-jit fails to compile (an alias named `constructor`).
 *
 * graphql-jit's errors are its own GraphQLError, read-only and without
 * `nodes`; they are rebuilt as graphql-js errors before error masking, so
 * everything after execution sees the errors graphql-js would have made.
 */
import {
  BREAK,
  GraphQLError,
  Kind,
  getVariableValues,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type Source,
  type SourceLocation,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { useGraphQlJit, type JITCache } from '@envelop/graphql-jit';
import { getDocumentString } from '@envelop/core';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/**
 * Fields of an operation, fragments expanded, beyond which it runs
 * uncompiled: ten times the README's largest query. Compiling takes about
 * 0.15 ms a field, so at most some 30 ms once per document.
 */
export const MAX_COMPILED_FIELDS = 200;
/**
 * Executions of a document after which it is compiled: a document seen once
 * (a query with its values written inline, a probe) is not worth compiling.
 */
export const COMPILE_AFTER = 2;
/** Heap the compiled queries may hold, as the parse cache's default: some 600 queries of 20 fields, 80 of 200. */
const MAX_COMPILED_BYTES = 32_000_000;
/** Heap a compiled query holds per field, and besides (measured: 52 KB at 22 fields, 282 KB at 148). */
const BYTES_PER_FIELD = 2_000;
const BYTES_PER_QUERY = 10_000;

type Entry = NonNullable<ReturnType<JITCache['get']>>;

/** Why a document runs with graphql-js rather than compiled. */
export type Uncompiled = 'not a lone query' | 'incremental delivery' | 'too many fields' | 'refused by graphql-jit';

export interface CompiledExecutionOptions {
  /** Fields, fragments expanded, beyond which a document runs uncompiled (default MAX_COMPILED_FIELDS). */
  maxFields?: number;
  /** Executions of a document before it runs compiled (default COMPILE_AFTER). */
  compileAfter?: number;
  /** Told once per document whether it runs compiled, and if not, why (tests, metrics). */
  onVerdict?: (document: DocumentNode, uncompiled: Uncompiled | null) => void;
  /** Told of each execution whether it runs compiled (metrics). */
  onExecution?: (compiled: boolean) => void;
}

/** A compiled document: the name of its one operation, which a request may name, and its variables. */
interface Compiled {
  name: string | undefined;
  variables: readonly VariableDefinitionNode[];
}

export function useCompiledExecution(schema: GraphQLSchema, options: CompiledExecutionOptions = {}): Plugin {
  const maxFields = options.maxFields ?? MAX_COMPILED_FIELDS;
  const compileAfter = options.compileAfter ?? COMPILE_AFTER;
  const compilerOptions = { useExperimentalPathBasedSkipInclude: true };
  // Per document: compiled, null for graphql-js, or how many times it ran so far; weak, so it goes when the parse cache drops the document.
  const verdicts = new WeakMap<DocumentNode, Compiled | null | number>();
  // Compiled here and handed to the plugin by the document's source, so nothing is compiled twice.
  const compiled = new LRUCache<string, Entry>({ maxSize: MAX_COMPILED_BYTES });
  const keep = (source: string, entry: Entry, fields: number) => compiled.set(source, entry, { size: BYTES_PER_QUERY + BYTES_PER_FIELD * fields });

  const judge = (document: DocumentNode): Compiled | null => {
    const refuse = (why: Uncompiled) => {
      options.onVerdict?.(document, why);
      return null;
    };
    const operation = onlyQuery(document);
    const source = getDocumentString(document);
    if (!operation || !source) return refuse('not a lone query');
    if (deliversIncrementally(document)) return refuse('incremental delivery');
    const fields = expandedFields(document, operation, maxFields);
    if (fields > maxFields) return refuse('too many fields');
    const result = compileQuery(schema, document, undefined, compilerOptions);
    if (!isCompiledQuery(result)) return refuse('refused by graphql-jit');
    keep(source, result, fields);
    options.onVerdict?.(document, null);
    return { name: operation.name?.value, variables: operation.variableDefinitions ?? [] };
  };

  const jit = useGraphQlJit(compilerOptions, {
    enableIf: ({ document, operationName, variableValues }) => {
      let verdict = verdicts.get(document);
      if (verdict === undefined || typeof verdict === 'number') {
        const runs = (verdict ?? 0) + 1;
        verdict = runs >= compileAfter ? judge(document) : runs;
        verdicts.set(document, verdict);
        if (typeof verdict === 'number') return false;
      }
      // An operation name the document does not have, and variables that do not fit their types, are graphql-js's
      // errors to answer: its messages are the ones the gateway cuts values out of (gateway.ts).
      return (
        verdict !== null && (!operationName || operationName === verdict.name) && !getVariableValues(schema, verdict.variables, variableValues ?? {}).errors
      );
    },
    // The plugin compiles, and sets, only what was dropped from here between the verdict and execution: sized as the largest.
    cache: { get: (source) => compiled.get(source), set: (source, entry) => keep(source, entry, maxFields) },
  }) as Plugin;

  return {
    onExecute(payload) {
      let enabled = false;
      jit.onExecute?.({ ...payload, setExecuteFn: (fn) => ((enabled = true), payload.setExecuteFn(fn)) });
      options.onExecution?.(enabled);
      if (!enabled) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const { errors } = result as ExecutionResult;
          if (!errors?.some((error) => error.constructor !== GraphQLError)) return;
          // No data: the request itself failed (its variables), which Yoga's executor answers with 400.
          const requestError = !('data' in result);
          const source = payload.args.document.loc?.source;
          setResult({ ...result, errors: errors.map((error) => asGraphQLJsError(error, requestError, source)) });
        },
      };
    },
  };
}

/** The document's one operation when it is a query; null otherwise. */
function onlyQuery(document: DocumentNode): OperationDefinitionNode | null {
  let operation: OperationDefinitionNode | null = null;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operation) return null;
    operation = definition;
  }
  return operation?.operation === 'query' ? operation : null;
}

/** Whether the document asks for incremental delivery anywhere (`@defer` on a fragment, `@stream` on a list field). */
export function deliversIncrementally(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'defer' && node.name.value !== 'stream') return;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** Fields of `operation` with every fragment expanded where it is spread, counted up to just past `cap`. */
export function expandedFields(document: DocumentNode, operation: OperationDefinitionNode, cap: number): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
  }
  let count = 0;
  const visit = (set: SelectionSetNode | undefined): void => {
    if (!set) return;
    for (const selection of set.selections) {
      if (count > cap) return;
      if (selection.kind === Kind.FIELD) {
        count++;
        visit(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(fragments.get(selection.name.value));
    }
  };
  visit(operation.selectionSet);
  return count;
}

/**
 * A graphql-jit error as graphql-js makes it: writable, its extensions object
 * shared with the original error as graphql-js shares it, the same path, and
 * its locations as positions in the source, which is how they survive Yoga's
 * copies of the error; a request error gets the 400 status Yoga's executor
 * gives it.
 */
function asGraphQLJsError(error: GraphQLError, requestError: boolean, source: Source | undefined): GraphQLError {
  if (error.constructor === GraphQLError) return error;
  const extensions = requestError ? { ...error.extensions, http: { ...(error.extensions?.http as object | undefined), status: 400 } } : error.extensions;
  const positions = source && error.locations?.map((location) => positionOf(source.body, location));
  return new GraphQLError(error.message, {
    ...(positions?.length ? { source, positions } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    ...(extensions ? { extensions } : {}),
  });
}

/** The offset in `body` of a 1-based line and column, as graphql-js's getLocation counts them. */
function positionOf(body: string, { line, column }: SourceLocation): number {
  const lineStart = /\r\n|[\n\r]/g;
  let start = 0;
  for (let current = 1; current < line && lineStart.exec(body); current++) start = lineStart.lastIndex;
  return start + column - 1;
}
