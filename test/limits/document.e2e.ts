/**
 * Limits on the GraphQL document itself: size, nesting, depth, aliases, tokens
 * and directives. Each refusal is a 400 (413 for size) with a stable code and a
 * message naming the limit, sent before any REST call and before the document
 * could reach the parse cache.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postHeadersFirst } from './support/http.ts';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { DEFAULT_DOCUMENT_LIMITS } from '../../src/limits/document.ts';
import { ParseCache } from '../../src/limits/parse-cache.ts';

let env: GatewayEnv;
const parseCache = new ParseCache(DEFAULT_DOCUMENT_LIMITS.parseCacheBytes);

beforeAll(async () => {
  env = await startGateway({ gateway: { parseCache } });
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

/** `{ a { a { … } } }`, `levels` deep. */
const nested = (levels: number) => '{' + 'a{'.repeat(levels - 1) + 'a' + '}'.repeat(levels);
/** A valid query `depth` fields deep, cheap to run: chatServices → nodes → channels → nodes → service → channels … → __typename. */
function deepQuery(depth: number): string {
  const hops = ['channels(first: 1)', 'nodes', 'service'];
  const path = ['chatServices(first: 1)', 'nodes'];
  while (path.length < depth - 1) path.push(hops[(path.length - 2) % hops.length]!);
  return (
    '{ ' +
    path
      .slice(0, depth - 1)
      .map((f) => `${f} {`)
      .join(' ') +
    ' __typename' +
    ' }'.repeat(Math.min(path.length, depth - 1)) +
    ' }'
  );
}

function expectRefused(res: GraphQLResponse, status: number, code: string, ...mentions: Array<string | number>) {
  expect(res.status).toBe(status);
  expect(res.data ?? null).toBeNull();
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions?.code).toBe(code);
  for (const mention of mentions) expect(res.errors![0]!.message).toContain(String(mention));
  expect(env.totalCalls()).toBe(0);
}

describe('nesting never reaches the parser', () => {
  it('refuses a 5,000-deep document with 400 QUERY_TOO_DEEP, not a 500', async () => {
    expectRefused(await env.query(nested(5000)), 400, 'QUERY_TOO_DEEP', DEFAULT_DOCUMENT_LIMITS.maxDepth);
  });

  it('refuses lists nested 5,000 deep in an argument the same way', async () => {
    expectRefused(await env.query(`{ nodes(ids: ${'['.repeat(5000)}${']'.repeat(5000)}) { id } }`), 400, 'QUERY_TOO_DEEP');
  });

  it('refuses a 100,000-deep document even when the size and token limits would let it through', async () => {
    const roomy = await startGateway({ gateway: { documentLimits: { maxQueryBytes: 10_000_000, maxRequestBodyBytes: 10_000_000, maxTokens: 1_000_000 } } });
    try {
      const res = await roomy.query(nested(100_000));
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
      // With the default size limit, the same document is too large before anything looks inside it.
      expectRefused(await env.query(nested(100_000)), 413, 'QUERY_TOO_LARGE', DEFAULT_DOCUMENT_LIMITS.maxQueryBytes);
    } finally {
      await roomy.close();
    }
  });

  it('does not count brackets inside strings, block strings and comments', async () => {
    const brackets = '{['.repeat(100);
    const res = await env.query(`# ${brackets}\n{ a: __type(name: "${brackets}") { name } b: __type(name: """${brackets} \\""" ${brackets}""") { name } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: null });
  });
});

describe('depth', () => {
  it(`lets a query ${DEFAULT_DOCUMENT_LIMITS.maxDepth} fields deep through, and refuses one deeper, naming the limit and the depth`, async () => {
    const { maxDepth } = DEFAULT_DOCUMENT_LIMITS;
    const within = await env.query(deepQuery(maxDepth));
    expect(within.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('QUERY_TOO_DEEP');
    env.resetCalls();
    expectRefused(await env.query(deepQuery(maxDepth + 1)), 400, 'QUERY_TOO_DEEP', `limit of ${maxDepth}`, `found ${maxDepth + 1}`);
  });

  it('counts fields reached through fragments', async () => {
    const limited = await startGateway({ gateway: { documentLimits: { maxDepth: 3 } } });
    try {
      const res = await limited.query(`{ chatServices { ...S } } fragment S on ChatServiceConnection { nodes { channels { nodes { sid } } } }`);
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
      expect(limited.totalCalls()).toBe(0);
    } finally {
      await limited.close();
    }
  });
});

describe('aliases', () => {
  const aliased = (n: number, field = '__typename') => '{ ' + Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ') + ' }';

  it('lets the limit through and refuses one more, aliases of __typename included', async () => {
    const { maxAliases } = DEFAULT_DOCUMENT_LIMITS;
    const within = await env.query(aliased(maxAliases));
    expect(within.errors).toBeUndefined();
    expectRefused(await env.query(aliased(maxAliases + 1)), 400, 'QUERY_TOO_MANY_ALIASES', `limit of ${maxAliases}`, `found ${maxAliases + 1}`);
  });

  it('refuses aliases of a field that calls Twilio before any call', async () => {
    expectRefused(await env.query(aliased(100, 'chatServices { nodes { sid } }')), 400, 'QUERY_TOO_MANY_ALIASES');
  });
});

describe('tokens', () => {
  it('refuses a document with more tokens than the limit, while parsing', async () => {
    const { maxTokens } = DEFAULT_DOCUMENT_LIMITS;
    // `{ __typename __typename … }`: two braces and one token per field. So many equal fields may fail validation, but not this limit.
    const within = await env.query('{ ' + '__typename '.repeat(maxTokens - 2) + '}');
    expect(within.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('QUERY_TOO_MANY_TOKENS');
    expectRefused(await env.query('{ ' + '__typename '.repeat(maxTokens - 1) + '}'), 400, 'QUERY_TOO_MANY_TOKENS', maxTokens);
  });
});

describe('directives', () => {
  it('lets the limit through and refuses one more', async () => {
    const { maxDirectives } = DEFAULT_DOCUMENT_LIMITS;
    const query = (n: number) => '{ ' + '__typename @include(if: true) '.repeat(n) + '}';
    expect((await env.query(query(maxDirectives))).errors).toBeUndefined();
    expectRefused(await env.query(query(maxDirectives + 1)), 400, 'QUERY_TOO_MANY_DIRECTIVES', `limit of ${maxDirectives}`, `found ${maxDirectives + 1}`);
  });
});

describe('size', () => {
  it('refuses a document over the size limit with 413 QUERY_TOO_LARGE, naming the limit and the size', async () => {
    const { maxQueryBytes } = DEFAULT_DOCUMENT_LIMITS;
    const query = `{ __typename }${' '.repeat(maxQueryBytes)}`;
    expectRefused(await env.query(query), 413, 'QUERY_TOO_LARGE', maxQueryBytes, Buffer.byteLength(query));
  });

  it('refuses a body over the limit from its Content-Length, before reading it', async () => {
    const { maxRequestBodyBytes } = DEFAULT_DOCUMENT_LIMITS;
    const declared = maxRequestBodyBytes + 1;
    // Only the headers and a first chunk are sent: the answer must come without the rest.
    const answer = await postHeadersFirst(`${env.url}/graphql`, { 'content-type': 'application/json', 'content-length': declared }, '{"query": "');
    expect(answer.status).toBe(413);
    const error = JSON.parse(answer.body).errors[0];
    expect(error.extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(error.message).toBe(`Request body size limit of ${maxRequestBodyBytes} bytes exceeded: the body has ${declared} bytes.`);
  });

  it('refuses a chunked body over the limit while reading it', async () => {
    const small = await startGateway({ gateway: { documentLimits: { maxRequestBodyBytes: 10_000 } } });
    try {
      const chunks = [JSON.stringify({ query: 'query($pad: String) { __typename }', variables: { pad: 'x'.repeat(20_000) } })];
      // A stream body has no Content-Length: undici sends it chunked.
      const res = await fetch(`${small.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(new TextEncoder().encode(chunks.shift())) : c.close()) }),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      const error = ((await res.json()) as any).errors[0];
      expect(error.extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
      expect(error.message).toBe('Request body size limit of 10000 bytes exceeded: the body has more than 10000 bytes.');
    } finally {
      await small.close();
    }
  });
});

describe('parse cache', () => {
  it('keeps no refused document, and the documents it keeps fit its budget', async () => {
    const refused = [
      nested(5000),
      '{ ' + Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ') + ' }',
      '{ ' + '__typename '.repeat(3000) + '}',
      deepQuery(30),
    ];
    for (const query of refused) expect((await env.query(query)).status).toBe(400);
    for (const query of refused) expect(parseCache.has(query)).toBe(false);
    const accepted = '{ chatServices { nodes { sid } } }';
    expect((await env.query(accepted)).errors).toBeUndefined();
    expect(parseCache.has(accepted)).toBe(true);
    expect(parseCache.bytes).toBeLessThanOrEqual(DEFAULT_DOCUMENT_LIMITS.parseCacheBytes);
  });
});
