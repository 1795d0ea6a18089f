/**
 * resolveConnection over a list that serves short pages: one connection field
 * makes 1 REST call without a cursor and at most 2 with one, and paging
 * with its cursors still visits every item once. Cursors of another list are
 * refused before any call.
 */
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { resolveConnection, type ListSource, MAX_READS_PER_CONNECTION, READS_WITHOUT_CURSOR } from '../../src/schema/shared/connection.ts';
import { CursorSigner } from '../../src/schema/shared/cursor.ts';

type Params = Parameters<ListSource<number>['fetch']>[0];

/**
 * A list of `total` numbers that serves at most `served` items a page whatever
 * `PageSize` asks, as Twilio may; `PageToken` is `PT<position>` in the order read.
 */
function shortPagedList(total: number, served: number, identity = 'numbers', signer = new CursorSigner('k'.repeat(32))) {
  const calls: Params[] = [];
  const source: ListSource<number> = {
    maxPageSize: 1000,
    orderable: true,
    cursors: signer.forList(identity),
    async fetch(params) {
      calls.push(params);
      const all = Array.from({ length: total }, (_, i) => i);
      if (params.Order === 'desc') all.reverse();
      const start = params.PageToken ? Number(params.PageToken.slice(2)) : 0;
      const size = Math.min(params.PageSize, served);
      const page = params.Page ?? 0;
      const url = (position: number, number: number) => `/v1/Numbers?PageSize=${params.PageSize}&Page=${number}&PageToken=PT${position}`;
      return {
        items: all.slice(start, start + size),
        meta: { page, page_size: params.PageSize, first_page_url: '', previous_page_url: null, url: '', next_page_url: null, key: 'numbers' },
        nextPageUrl: start + size < total ? url(start + size, page + 1) : null,
        previousPageUrl: start > 0 ? url(Math.max(0, start - params.PageSize), Math.max(0, page - 1)) : null,
      };
    },
  };
  return { source, calls };
}

describe('REST calls of one connection field', () => {
  it('are one without a cursor, however short the page Twilio serves: a short page is answered short', async () => {
    const { source, calls } = shortPagedList(100, 3);
    const page = await resolveConnection(source, { first: 50 });
    expect(calls).toHaveLength(READS_WITHOUT_CURSOR);
    expect(READS_WITHOUT_CURSOR).toBe(1);
    expect(page.edges.map((e) => e.node)).toEqual([0, 1, 2]);
    expect(page.pageInfo.hasNextPage).toBe(true);

    const { source: latest, calls: latestCalls } = shortPagedList(100, 3);
    const last = await resolveConnection(latest, { last: 50 });
    expect(latestCalls).toHaveLength(1);
    expect(last.edges.map((e) => e.node)).toEqual([97, 98, 99]);
    expect(last.pageInfo.hasPreviousPage).toBe(true);
  });

  it('are one when Twilio serves the whole page asked for', async () => {
    const { source, calls } = shortPagedList(100, 1000);
    const page = await resolveConnection(source, { first: 20 });
    expect(calls).toHaveLength(1);
    calls.length = 0;
    const next = await resolveConnection(source, { first: 20, after: page.pageInfo.endCursor });
    expect(calls).toHaveLength(1);
    expect(next.edges.map((e) => e.node)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
  });

  it('are at most 2 from a cursor in the middle of a page', async () => {
    const { source, calls } = shortPagedList(100, 3);
    const first = await resolveConnection(source, { first: 3 });
    calls.length = 0;
    const next = await resolveConnection(source, { first: 50, after: first.edges[0]!.cursor });
    expect(calls).toHaveLength(MAX_READS_PER_CONNECTION);
    expect(MAX_READS_PER_CONNECTION).toBe(2);
    expect(next.edges.map((e) => e.node)).toEqual([1, 2, 3, 4, 5]);
  });

  it('still visit every item once when paging with endCursor over short pages', async () => {
    const { source, calls } = shortPagedList(40, 3);
    const seen: number[] = [];
    let after: string | null = null;
    let fields = 0;
    for (;;) {
      calls.length = 0;
      const page: Awaited<ReturnType<typeof resolveConnection<number>>> = await resolveConnection(source, { first: 10, after });
      fields++;
      expect(calls.length).toBeLessThanOrEqual(2);
      seen.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(fields).toBeLessThan(40);
  });
});

describe('cursors of resolveConnection', () => {
  it("refuse another list's cursor before any call, naming the argument", async () => {
    const signer = new CursorSigner('k'.repeat(32));
    const mine = shortPagedList(10, 10, 'numbers', signer);
    const other = shortPagedList(10, 10, 'other numbers', signer);
    const cursor = (await resolveConnection(mine.source, { first: 2 })).pageInfo.endCursor!;
    const refusal = await resolveConnection(other.source, { first: 2, after: cursor }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GraphQLError);
    expect((refusal as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(other.calls).toHaveLength(0);
    const backwards = await resolveConnection(other.source, { last: 2, before: cursor }).catch((e: unknown) => e);
    expect((backwards as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    expect(other.calls).toHaveLength(0);
  });

  it('refuse a cursor signed with another key', async () => {
    const mine = shortPagedList(10, 10, 'numbers', new CursorSigner('k'.repeat(32)));
    const elsewhere = shortPagedList(10, 10, 'numbers', new CursorSigner('j'.repeat(32)));
    const cursor = (await resolveConnection(mine.source, { first: 2 })).pageInfo.endCursor!;
    await expect(resolveConnection(elsewhere.source, { first: 2, after: cursor })).rejects.toThrow(/after/);
    expect(elsewhere.calls).toHaveLength(0);
  });

  it('are short: a signature of 22 characters beside the contents', async () => {
    const { source } = shortPagedList(10, 10);
    const cursor = (await resolveConnection(source, { first: 2 })).pageInfo.endCursor!;
    const [contents, signature] = cursor.split('.');
    expect(signature).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.parse(Buffer.from(contents!, 'base64url').toString())).toMatchObject({ i: 1 });
  });
});

describe('cursors', () => {
  it('are signed only when read, once each, and are the same whenever they are read', async () => {
    const { source } = shortPagedList(100, 1000);
    let sealed = 0;
    const cursors = source.cursors;
    const counted: ListSource<number> = { ...source, cursors: { open: cursors.open, seal: (contents) => (sealed++, cursors.seal(contents)) } };
    const page = await resolveConnection(counted, { first: 50 });
    expect(page.edges.map((e) => e.node)).toHaveLength(50);
    expect(sealed).toBe(0);
    const end = page.pageInfo.endCursor;
    expect(sealed).toBe(1);
    expect(page.edges[49]!.cursor).toBe(end);
    expect(page.pageInfo.endCursor).toBe(end);
    expect(sealed).toBe(1);
    // The lazily signed cursor pages on exactly as before.
    const next = await resolveConnection(counted, { first: 10, after: end });
    expect(next.edges.map((e) => e.node)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });
});
