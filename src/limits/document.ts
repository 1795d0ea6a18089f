/**
 * Limits on the GraphQL document of a request, all checked before Yoga can
 * cache the parse: its size (before parsing), how deep its brackets nest
 * (before parsing, so nothing deep reaches the parser's recursion), its tokens
 * (while parsing) and its depth, aliases and directives (right after parsing,
 * inside the same parse call, so a refused document is never a cached one).
 * The counting is graphql-armor's; the codes and messages are the gateway's.
 */
import {
  GraphQLError,
  TypeInfo,
  ValidationContext,
  visit,
  visitInParallel,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type Source,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';

export interface DocumentLimits {
  /** Deepest field nesting of an operation, fragments included (`MAX_QUERY_DEPTH`). */
  maxDepth: number;
  /** Most aliases in an operation, aliases of `__typename` included (`MAX_QUERY_ALIASES`). */
  maxAliases: number;
  /** Most tokens in a document (`MAX_QUERY_TOKENS`). */
  maxTokens: number;
  /** Most directives in an operation (`MAX_QUERY_DIRECTIVES`). */
  maxDirectives: number;
  /** Largest document, in UTF-8 bytes of the query string (`MAX_QUERY_BYTES`). */
  maxQueryBytes: number;
  /** Largest request body, in bytes (`MAX_REQUEST_BODY_BYTES`). */
  maxRequestBodyBytes: number;
  /** Estimated heap the parse cache may hold, in bytes (`MAX_PARSE_CACHE_BYTES`); 0 caches nothing. */
  parseCacheBytes: number;
}

/**
 * Several times what any query of the README or the test suite needs (the
 * deepest is 10 fields, the most aliased 4, the longest 124 tokens and 741
 * bytes), and small enough that parsing and validating the worst document
 * within them takes tens of milliseconds.
 */
export const DEFAULT_DOCUMENT_LIMITS: Readonly<DocumentLimits> = Object.freeze({
  maxDepth: 20,
  maxAliases: 30,
  maxTokens: 1000,
  maxDirectives: 50,
  maxQueryBytes: 100_000,
  maxRequestBodyBytes: 1_000_000,
  parseCacheBytes: 32_000_000,
});

/**
 * Brackets a document may nest beyond its depth limit: selection sets nest
 * once per level of depth, and argument values (lists, input objects, JSON
 * literals) a little more.
 */
export const BRACKET_ALLOWANCE = 30;

function refusal(code: string, message: string, limit: number, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, http: { status } } });
}

/** Refuses a query string over the size limit, before anything parses it. */
export function assertQuerySize(query: string, limits: Pick<DocumentLimits, 'maxQueryBytes'>): void {
  const bytes = Buffer.byteLength(query);
  if (bytes > limits.maxQueryBytes) {
    throw refusal('QUERY_TOO_LARGE', `Query size limit of ${limits.maxQueryBytes} bytes exceeded: the query has ${bytes} bytes.`, limits.maxQueryBytes, 413);
  }
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const HASH = 0x23;
const BACKSLASH = 0x5c;

/**
 * How deep `{`, `[` and `(` nest in a GraphQL source, outside strings, block
 * strings and comments: how deep the parser would recurse. Stops once past
 * `stopAbove`, and where the lexer would stop (an unterminated string, an
 * unmatched closing bracket), since the parser never reads past that point.
 */
export function bracketNesting(source: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  const end = source.length;
  for (let i = 0; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      if (--depth < 0) return deepest;
    } else if (c === HASH) {
      while (i + 1 < end && source.charCodeAt(i + 1) !== LINE_FEED && source.charCodeAt(i + 1) !== CARRIAGE_RETURN) i++;
    } else if (c === QUOTE) {
      if (source.startsWith('"""', i)) {
        // A block string ends at the first `"""` not escaped as `\"""`.
        let j = i + 3;
        for (; j < end; j++) {
          if (source.startsWith('\\"""', j)) j += 3;
          else if (source.startsWith('"""', j)) break;
        }
        if (j >= end) return deepest;
        i = j + 2;
      } else {
        let j = i + 1;
        for (; j < end; j++) {
          const d = source.charCodeAt(j);
          if (d === BACKSLASH) j++;
          else if (d === QUOTE) break;
          else if (d === LINE_FEED || d === CARRIAGE_RETURN) return deepest;
        }
        if (j >= end) return deepest;
        i = j;
      }
    }
  }
  return deepest;
}

/** Strips the "Syntax Error: " graphql-armor puts before every refusal: these are limits, not syntax. */
const armorMessage = (error: GraphQLError) => error.message.replace(/^Syntax Error: /, '');

/**
 * Parses a document within the limits, or throws the refusal: the brackets are
 * counted first, the tokens while parsing, then depth, aliases and directives.
 * Throws before returning, so Yoga's parse cache only ever sees accepted documents.
 */
export function parseWithinLimits(source: string | Source, limits: DocumentLimits, schema: GraphQLSchema, options?: ParseOptions): DocumentNode {
  const body = typeof source === 'string' ? source : source.body;
  const maxNesting = limits.maxDepth + BRACKET_ALLOWANCE;
  const nesting = bracketNesting(body, maxNesting);
  if (nesting > maxNesting) {
    throw refusal('QUERY_TOO_DEEP', `Query depth limit of ${limits.maxDepth} exceeded: brackets nest more than ${maxNesting} levels deep.`, limits.maxDepth);
  }
  const document = new MaxTokensParserWLexer(source, {
    ...options,
    n: limits.maxTokens,
    onReject: [
      () => {
        throw refusal(
          'QUERY_TOO_MANY_TOKENS',
          `Query token limit of ${limits.maxTokens} exceeded: the document has more than ${limits.maxTokens} tokens.`,
          limits.maxTokens,
        );
      },
    ],
  }).parseDocument();
  const rejectWith = (code: string, limit: number) => [
    (_: unknown, error: GraphQLError) => {
      throw refusal(code, armorMessage(error), limit);
    },
  ];
  const context = new ValidationContext(schema, document, new TypeInfo(schema), (error) => {
    throw error;
  });
  const counters = visitInParallel([
    maxDepthRule({ n: limits.maxDepth, onReject: rejectWith('QUERY_TOO_DEEP', limits.maxDepth) })(context),
    // __typename counts too: a million aliases of it cost as much memory as any other field.
    maxAliasesRule({ n: limits.maxAliases, allowList: [], onReject: rejectWith('QUERY_TOO_MANY_ALIASES', limits.maxAliases) })(context),
    maxDirectivesRule({ n: limits.maxDirectives, onReject: rejectWith('QUERY_TOO_MANY_DIRECTIVES', limits.maxDirectives) })(context),
  ]);
  try {
    // graphql-armor's rules count from each operation down, on their own: visiting the operations is enough.
    visit(document, counters, { Document: ['definitions'] });
  } catch (error) {
    // The counting recurses through fragment spreads: a long enough chain of them is deeper than any limit.
    if (error instanceof RangeError)
      throw refusal('QUERY_TOO_DEEP', `Query depth limit of ${limits.maxDepth} exceeded: fragments nest too deep to count.`, limits.maxDepth);
    throw error;
  }
  return document;
}

/**
 * The document limits as a Yoga plugin: the size is checked on the request's
 * parameters, the rest in place of Yoga's parse, which only runs when the
 * parse cache has no entry for the document. The body limit is `bodyLimit`'s;
 * its refusal ("Request body too large") is given the limit and the size here.
 */
export function documentLimits(limits: DocumentLimits, schema: GraphQLSchema): Plugin {
  const parse = (source: string | Source, options?: ParseOptions) => parseWithinLimits(source, limits, schema, options);
  return {
    onParams({ params }) {
      if (typeof params.query === 'string') assertQuerySize(params.query, limits);
    },
    onParse({ setParseFn }) {
      setParseFn(parse);
    },
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || !('errors' in result)) return;
      for (const error of result.errors ?? []) {
        if (error.extensions?.code !== 'REQUEST_ENTITY_TOO_LARGE') continue;
        const declared = Number(request.headers.get('content-length'));
        const size = declared > limits.maxRequestBodyBytes ? String(declared) : `more than ${limits.maxRequestBodyBytes}`;
        error.message = `Request body size limit of ${limits.maxRequestBodyBytes} bytes exceeded: the body has ${size} bytes.`;
        error.extensions.limit = limits.maxRequestBodyBytes;
      }
    },
  };
}

const tooLarge = () => new GraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
const CONTENT_LENGTH = /^\d+$/;

/**
 * The body limit, as Yoga's `maxRequestBodySize` enforces it (same checks, same
 * errors), without counting a body whose Content-Length is within the limit:
 * Node's HTTP parser never delivers more of a body than its Content-Length,
 * and Yoga's count pipes every body through a web TransformStream, which costs
 * more CPU than the rest of reading a small request. A body without a length
 * (chunked) is counted as it is read. For Yoga with `maxRequestBodySize: false`.
 */
export function bodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        // One non-negative integer only: a list of lengths is a request-smuggling attempt.
        if (!CONTENT_LENGTH.test(contentLength)) {
          throw new GraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
        }
        if (Number(contentLength) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => {
        let bytesRead = 0;
        // Yoga's choice: a native ReadableStream needs the native TransformStream.
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = req.body!.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              bytesRead += chunk.byteLength;
              if (bytesRead > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return requestParser(
          new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: 'half' } as RequestInit),
        );
      });
    },
  };
}
