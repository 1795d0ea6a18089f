/**
 * Incremental delivery: `@defer` on fragments and `@stream` on list fields
 * (graphql-yoga's plugin, run by graphql-tools' executor), answered as
 * `multipart/mixed` or `text/event-stream`, the first part as soon as what is
 * not deferred is ready. Around it, the gateway:
 * - refuses an operation that asks for it, from a client that accepts neither
 *   media type, before it runs (406 `NOT_ACCEPTABLE`), not after its REST calls;
 * - refuses `@stream(initialCount:)` below 0 as bad input (`BAD_USER_INPUT`),
 *   where the executor would fail with an unexpected error;
 * - masks the errors of later parts as those of the first (Yoga's masking
 *   sees only a part's top-level `errors`, not those under `incremental`).
 * Elsewhere: such operations run with graphql-js, never compiled
 * (compiled-execution.ts); the cost model counts deferred fragments and
 * streamed fields as inline ones (limits/cost.ts); the cost report rides on
 * the last part (limits/cost-plugin.ts); error codes are given to every part
 * (limits/error-codes.ts); and a request's deadline and client disconnect
 * keep cancelling REST calls until the last part (limits/lifetime.ts).
 */
import { GraphQLError, GraphQLSchema, Kind, validateSchema, visit, type DirectiveNode, type DocumentNode, type ExecutionResult, type ValueNode } from 'graphql';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';

/** The media types an answer in parts is sent as. */
const PART_MEDIA_TYPES = ['multipart/mixed', 'multipart/*', 'text/event-stream', 'text/*', '*/*'];

/** One part after the first: what graphql-tools' executor yields. */
export interface SubsequentPart extends ExecutionResult {
  hasNext?: boolean;
  incremental?: Array<{ data?: unknown; items?: unknown[]; path?: ReadonlyArray<string | number>; errors?: readonly GraphQLError[]; label?: string }>;
}

/** Per schema, the same schema with `@defer` and `@stream`: built and validated once, for every gateway of the process. */
const servedSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();

function withPartDirectives(schema: GraphQLSchema): GraphQLSchema {
  let served = servedSchemas.get(schema);
  if (!served) {
    served = new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), GraphQLDeferDirective, GraphQLStreamDirective] });
    served.extensions = schema.extensions;
    // graphql-js validates a schema on its first use: done here, not in some request's time.
    validateSchema(served);
    servedSchemas.set(schema, served);
  }
  return served;
}

/** The document's `@defer` and `@stream` directives, found once per parsed document (documents are cached). */
const directivesByDocument = new WeakMap<DocumentNode, readonly DirectiveNode[]>();

function partDirectives(document: DocumentNode): readonly DirectiveNode[] {
  let directives = directivesByDocument.get(document);
  if (!directives) {
    const found: DirectiveNode[] = [];
    visit(document, {
      Directive(node) {
        if (node.name.value === 'defer' || node.name.value === 'stream') found.push(node);
      },
    });
    directivesByDocument.set(document, (directives = found));
  }
  return directives;
}

function argument(directive: DirectiveNode, name: string, variables: Record<string, unknown> | undefined): { given: boolean; value: unknown } {
  const node: ValueNode | undefined = directive.arguments?.find((a) => a.name.value === name)?.value;
  if (!node) return { given: false, value: undefined };
  if (node.kind === Kind.VARIABLE) return { given: true, value: variables?.[node.name.value] };
  if (node.kind === Kind.BOOLEAN) return { given: true, value: node.value };
  if (node.kind === Kind.INT) return { given: true, value: Number(node.value) };
  return { given: true, value: undefined };
}

/**
 * Whether the operation can be answered in parts: a `@defer` or `@stream` whose
 * `if` is not false (literally or by its variable).
 */
export function asksForParts(document: DocumentNode, variables: Record<string, unknown> | undefined): boolean {
  return partDirectives(document).some((directive) => argument(directive, 'if', variables).value !== false);
}

/** The error for a `@stream` whose `initialCount` is below 0, if the operation has one. */
function badInitialCount(document: DocumentNode, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  for (const directive of partDirectives(document)) {
    if (directive.name.value !== 'stream') continue;
    const { value } = argument(directive, 'initialCount', variables);
    if (typeof value === 'number' && value < 0) {
      return new GraphQLError(`@stream(initialCount:) must be 0 or more (the items sent in the first part), but got ${value}`, {
        nodes: directive,
        extensions: { code: 'BAD_USER_INPUT', field: 'initialCount', http: { status: 400 } },
      });
    }
  }
  return undefined;
}

/** Whether the request's Accept header takes an answer in parts, as Yoga matches it (no header takes anything). */
function acceptsParts(request: Request): boolean {
  const accept = request.headers.get('accept');
  if (!accept) return true;
  return accept.split(',').some((range) => PART_MEDIA_TYPES.includes(range.split(';')[0]!.trim().toLowerCase()));
}

interface MaskedErrors {
  maskError(error: GraphQLError, message: string): GraphQLError;
  errorMessage: string;
}

export function incrementalDelivery(): Plugin {
  let masked: MaskedErrors | null = null;
  const mask = (part: SubsequentPart): SubsequentPart => {
    if (!masked || !part.incremental?.some((entry) => entry.errors?.length)) return part;
    const { maskError, errorMessage } = masked;
    return {
      ...part,
      incremental: part.incremental.map((entry) =>
        entry.errors?.length ? { ...entry, errors: entry.errors.map((error) => maskError(error, errorMessage)) } : entry,
      ),
    };
  };
  return {
    onPluginInit({ addPlugin }) {
      // Its validation rules; it finds the directives already in the schema (below) and leaves the schema be.
      // Typed for any context; this plugin list is typed for Yoga's.
      addPlugin(useDeferStream() as Plugin);
    },
    onSchemaChange({ schema, replaceSchema }) {
      if (!schema.getDirective('defer') || !schema.getDirective('stream')) replaceSchema(withPartDirectives(schema));
    },
    onYogaInit({ yoga }) {
      // Yoga's own masking (the gateway's maskError, with its logging of what it masks), kept on the instance.
      masked = (yoga as unknown as { maskedErrorsOpts: MaskedErrors | null }).maskedErrorsOpts;
    },
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      const variables = args.variableValues as Record<string, unknown> | undefined;
      const badInput = badInitialCount(args.document, variables);
      if (badInput) {
        setResultAndStopExecution({ errors: [badInput] });
        return;
      }
      if (request && !acceptsParts(request) && asksForParts(args.document, variables)) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              'Not Acceptable: this operation uses @defer or @stream, so its answer comes in parts, as multipart/mixed or text/event-stream; accept one of them',
              {
                extensions: { code: 'NOT_ACCEPTABLE', http: { status: 406 } },
              },
            ),
          ],
        });
        return;
      }
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return;
          return { onNext: ({ result: part, setResult }) => setResult(mask(part as SubsequentPart)) };
        },
      };
    },
  };
}
