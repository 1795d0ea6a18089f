/**
 * A stream of large distinct documents leaves the gateway's memory bounded:
 * the gateway runs in a child process with a 128 MB heap, which an unbounded
 * parse cache would exhaust within a few documents.
 */
import { describe, expect, it } from 'vitest';
import { rss, startChild } from './support/child.ts';

/** Far above what the child needs with its 128 MB heap, far below what it reaches without the bounds. */
const RSS_BOUND = 400 * 1024 * 1024;

/** A valid document of about `bytes` bytes, `{ a<n>_0: __typename a<n>_1: __typename … }`, distinct for each n. */
function aliasDocument(n: number, bytes: number): string {
  const field = (i: number) => `a${n}_${i}: __typename`;
  const count = Math.ceil(bytes / (field(0).length + 1));
  return '{ ' + Array.from({ length: count }, (_, i) => field(i)).join(' ') + ' }';
}

async function send(url: string, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

async function stream(env: Record<string, string>, documents: number, bytes: number, expectStatus: number): Promise<void> {
  const { child, url } = await startChild(env);
  try {
    let peak = 0;
    for (let n = 0; n < documents; n++) {
      const query = aliasDocument(n, bytes);
      const res = await send(url, query);
      expect(res.status).toBe(expectStatus);
      if (expectStatus === 200) expect(Object.keys(res.body.data)).toHaveLength(query.split(':').length - 1);
      expect(child.exitCode).toBeNull();
      peak = Math.max(peak, rss(child.pid!));
    }
    // Still answering ordinary queries, within the bound.
    const ordinary = await send(url, '{ chatServices { nodes { friendlyName } } }');
    expect(ordinary.status).toBe(200);
    expect(ordinary.body.data.chatServices.nodes.length).toBeGreaterThan(0);
    expect(peak).toBeLessThan(RSS_BOUND);
  } finally {
    child.kill('SIGKILL');
  }
}

describe('a stream of large distinct documents', () => {
  it('of 700 kB each, with the default limits: each refused before parsing, memory bounded', async () => {
    await stream({}, 120, 700_000, 413);
  }, 60_000);

  it('with the document limits raised so that each is parsed and run: the parse cache stays within its bytes', async () => {
    const raised = { MAX_QUERY_BYTES: '1000000', MAX_REQUEST_BODY_BYTES: '2000000', MAX_QUERY_TOKENS: '1000000', MAX_QUERY_ALIASES: '1000000' };
    // Each parsed document holds about 13 MB of heap: without a bound in bytes, the child dies within ten.
    await stream(raised, 20, 300_000, 200);
  }, 60_000);
});

describe("GraphiQL's bundle", () => {
  it('is loaded with the first GraphiQL page, not at start: it is some 80 MB of the process', async () => {
    const { child, url } = await startChild({});
    try {
      const before = rss(child.pid!);
      const res = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await res.text()).toContain('GraphiQL');
      // About 70 MB when the page loads the bundle; under 20 MB when it was loaded at start.
      expect(rss(child.pid!) - before).toBeGreaterThan(40 * 1024 * 1024);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
