/**
 * Relay connections over Twilio's lists. `first`/`after` map onto `PageSize`
 * and Twilio's `PageToken`; `last`/`before` onto the previous page tokens and,
 * where a list can be read newest first (`Order=desc`), onto that order.
 *
 * Twilio hands out page tokens only at page boundaries, so an edge's cursor
 * records the page it came from (its token, number, size and order), its
 * index in that page, and for the first and last edge the token of the page
 * beyond. Following `endCursor` or `startCursor` therefore costs exactly one
 * REST call when Twilio serves the page asked for; a cursor from the middle of
 * a page costs one more (its page is read again).
 *
 * Cursors are signed over their contents and the identity of their list (see
 * cursor.ts), so a cursor of another list, or altered, is refused before any
 * REST call.
 */
import type { GatewayContext } from '../context.ts';
import type { TwilioPage } from '../../twilio/paging.ts';
import { fetchPage, pageParams } from '../../twilio/paging.ts';
import type { TwilioListOperation, TwilioRequest } from '../../twilio/operation.ts';
import { buildPath, encodeForm, withQuery } from '../../twilio/encoding.ts';
import type { ListCursors } from './cursor.ts';
import { badInput } from './errors.ts';

/**
 * The most REST calls one connection field makes: one read (the first page,
 * or the page beyond an edge cursor), and a second only from a cursor in the
 * middle of a page (its page is read again, and the items after the cursor
 * may leave the answer short, so the page beyond is read too). A page Twilio
 * serves short is answered short, with `hasNextPage`, as Relay allows.
 * `first: 0` or `last: 0` reads one item without a cursor, nothing with one.
 * The cost model (`src/limits/cost.ts`) predicts from these figures.
 */
export const READS_WITHOUT_CURSOR = 1;
export const MAX_READS_PER_CONNECTION = 2;

export type Order = 'asc' | 'desc';

type PageRequest = { PageSize: number; Page?: number; PageToken?: string; Order?: Order };

/** What a connection needs from one Twilio list: a way to read a page, and its cursors. */
export interface ListSource<Item> {
  /** The largest `PageSize` the spec allows for this list. */
  maxPageSize: number;
  /** True when the list takes `Order=desc` (Chat messages), so `last` works without `before`. */
  orderable?: boolean;
  /** Signs this list's cursors and checks those it is given: bound to the list, so another list's are refused. */
  cursors: ListCursors;
  fetch(params: PageRequest): Promise<TwilioPage<Item>>;
}

/**
 * The source of a connection over one Twilio list operation: `request` holds
 * its path and filters, and paging parameters are added per page. The list's
 * identity, which its cursors are signed over, is the account, the operation
 * and that path with its filters, so it cannot drift from what is read.
 */
export function twilioList<Req extends TwilioRequest, Key extends string, Item>(
  ctx: Pick<GatewayContext, 'twilio' | 'cursors'>,
  operation: TwilioListOperation<Req, Key, Item>,
  request: NoInfer<Req>,
  options: { orderable?: boolean } = {},
): ListSource<Item> {
  let cursors: ListCursors | undefined;
  return {
    maxPageSize: operation.maxPageSize ?? 1000,
    ...(options.orderable ? { orderable: true } : {}),
    // Made when a cursor is first signed or checked: a query that reads no cursor needs no identity.
    get cursors() {
      return (cursors ??= ctx.cursors.forList(
        [ctx.twilio.accountSid, operation.key, withQuery(buildPath(operation.path, request.path), encodeForm(request.query))].join('\n'),
      ));
    },
    fetch: (page) => fetchPage(ctx.twilio, operation, { ...request, query: { ...request.query, ...page } }),
  };
}

export interface ConnectionArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

export interface Edge<Item> {
  cursor: string;
  node: Item;
}

export interface Connection<Item> {
  edges: Edge<Item>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The cursor's contents; short keys keep cursors short. */
interface CursorData {
  /** Token the page was read with (absent for a first page). */
  t?: string;
  /** Page number Twilio gave the page. */
  g: number;
  /** PageSize the page was read with. */
  s: number;
  /** Index of the edge in the page as Twilio sent it. */
  i: number;
  /** Order the page was read in. */
  o: Order;
  /** On the page's last item (as sent): the token of the next page. */
  n?: string;
  /** On the page's first item (as sent): the token of the previous page. */
  p?: string;
}

function encodeCursor(cursors: ListCursors, data: CursorData): string {
  return cursors.seal(JSON.stringify(data));
}

function decodeCursor(cursors: ListCursors, cursor: string, arg: string): CursorData {
  const contents = cursors.open(cursor);
  if (contents !== undefined) {
    try {
      const data = JSON.parse(contents) as CursorData;
      if (Number.isInteger(data.g) && Number.isInteger(data.s) && Number.isInteger(data.i) && (data.o === 'asc' || data.o === 'desc')) return data;
    } catch {
      // fall through to the error below
    }
  }
  // The cursor is not repeated: it may be long, and it is the caller's own text.
  throw badInput(arg, 'not a cursor of this list: pass an endCursor, startCursor or edge cursor this connection gave');
}

/** A page as read, with what is needed to make its cursors. */
interface ReadPage<Item> {
  items: Item[];
  order: Order;
  token: string | undefined;
  number: number;
  size: number;
  next: { token: string; page: number } | null;
  previous: { token: string; page: number } | null;
}

async function read<Item>(source: ListSource<Item>, order: Order, size: number, at?: { token?: string | undefined; page: number }): Promise<ReadPage<Item>> {
  const params: PageRequest = { PageSize: size };
  if (at?.token) {
    params.PageToken = at.token;
    params.Page = at.page;
  }
  if (order === 'desc') params.Order = 'desc';
  const page = await source.fetch(params);
  const link = (url: string | null) => {
    if (!url) return null;
    const p = pageParams(url);
    return p.PageToken ? { token: p.PageToken, page: p.Page ?? 0 } : null;
  };
  // A page number that is not one would make cursors the gateway itself refuses.
  const number = Number.isInteger(page.meta.page) ? page.meta.page : (at?.page ?? 0);
  return { items: page.items, order, token: at?.token, number, size, next: link(page.nextPageUrl), previous: link(page.previousPageUrl) };
}

/**
 * An edge whose cursor is signed when first read: signing is an HMAC, and a
 * query that asks for `nodes`, or for the page's end cursor alone, reads few
 * cursors or none.
 */
class PageEdge<Item> implements Edge<Item> {
  #cursor: string | undefined;

  constructor(
    readonly node: Item,
    private readonly source: ListSource<Item>,
    private readonly page: ReadPage<Item>,
    /** Index of the edge in the page as Twilio sent it. */
    private readonly index: number,
  ) {}

  get cursor(): string {
    if (this.#cursor === undefined) {
      const { page, index } = this;
      const data: CursorData = { g: page.number, s: page.size, i: index, o: page.order };
      if (page.token) data.t = page.token;
      if (index === page.items.length - 1 && page.next) data.n = page.next.token;
      if (index === 0 && page.previous) data.p = page.previous.token;
      this.#cursor = encodeCursor(this.source.cursors, data);
    }
    return this.#cursor;
  }
}

/** Edges of a page in chronological (ascending) order, each with its cursor. */
function edgesOf<Item>(source: ListSource<Item>, page: ReadPage<Item>): Edge<Item>[] {
  const edges = page.items.map((node, i) => new PageEdge(node, source, page, i));
  return page.order === 'asc' ? edges : edges.reverse();
}

/** The page beyond `page` in a chronological direction, if Twilio gave one. */
function beyond<Item>(page: ReadPage<Item>, direction: 'forward' | 'backward') {
  // Reading newest first, the next page holds older items.
  const wireNext = (direction === 'forward') === (page.order === 'asc');
  return wireNext ? page.next : page.previous;
}

function checkCount(value: number | null | undefined, arg: string, max: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max) throw badInput(arg, `must be an integer from 0 to ${max}, got ${value}`);
  return value;
}

/**
 * Resolves a connection over a Twilio list. With no `first` or `last`,
 * answers the first `defaultSize` items. Makes at most
 * READS_WITHOUT_CURSOR (1) REST call without a cursor and MAX_READS_PER_CONNECTION (2)
 * with one, and none
 * before the arguments and the cursor are checked.
 */
export async function resolveConnection<Item>(source: ListSource<Item>, args: ConnectionArgs, defaultSize = 50): Promise<Connection<Item>> {
  const first = checkCount(args.first, 'first', source.maxPageSize);
  const last = checkCount(args.last, 'last', source.maxPageSize);
  if (first !== undefined && last !== undefined) throw badInput('last', 'pass first or last, not both');
  if (args.after && args.before) throw badInput('before', 'pass after or before, not both');
  if (args.after && last !== undefined) throw badInput('after', 'after pages forwards; use it with first');
  if (args.before && first !== undefined) throw badInput('before', 'before pages backwards; use it with last');
  const backward = last !== undefined || Boolean(args.before);
  const count = (backward ? last : first) ?? defaultSize;
  const direction = backward ? 'backward' : 'forward';
  const cursorArg = backward ? args.before : args.after;
  const cursor = cursorArg ? decodeCursor(source.cursors, cursorArg, backward ? 'before' : 'after') : undefined;
  if (backward && !cursor && !source.orderable) {
    throw badInput('last', 'this list can only be read from its start: use first, or last with a before cursor');
  }

  const taken: Edge<Item>[] = [];
  let page: ReadPage<Item>;
  let pending: Edge<Item>[];
  let midPage = false;
  if (count === 0) {
    // No items asked for, but whether there are any (and whether the list exists at all) is: one item is read.
    const any = cursor ? false : (await read(source, backward ? 'desc' : 'asc', 1)).items.length > 0;
    return { edges: [], pageInfo: { hasNextPage: !backward && any, hasPreviousPage: backward && any, startCursor: null, endCursor: null } };
  }
  if (!cursor) {
    // `last` alone reads newest first; `first` alone reads from the start.
    page = await read(source, backward ? 'desc' : 'asc', count);
    pending = edgesOf(source, page);
  } else {
    const atEdge = direction === 'forward' ? (cursor.o === 'asc' ? cursor.n : cursor.p) : cursor.o === 'asc' ? cursor.p : cursor.n;
    if (atEdge) {
      // The cursor sits at its page's edge: the adjacent page is one call away.
      const wireNext = atEdge === cursor.n;
      page = await read(source, cursor.o, count, { token: atEdge, page: cursor.g + (wireNext ? 1 : -1) });
      pending = edgesOf(source, page);
    } else {
      // A cursor from inside a page: read that page again and continue after the cursor's item.
      midPage = true;
      page = await read(source, cursor.o, cursor.s, { token: cursor.t, page: cursor.g });
      const all = edgesOf(source, page);
      const position = cursor.o === 'asc' ? cursor.i : all.length - 1 - cursor.i;
      pending = direction === 'forward' ? all.slice(position + 1) : all.slice(0, Math.max(0, position));
    }
  }
  // In a backward read the edges nearest the cursor are the last ones.
  const take = () => {
    const wanted = count - taken.length;
    if (direction === 'forward') taken.push(...pending.splice(0, wanted));
    else taken.unshift(...pending.splice(Math.max(0, pending.length - wanted)));
  };
  take();
  // After a mid-page cursor, one more read (MAX_READS_PER_CONNECTION); any page still short is answered short, with hasNextPage.
  const more = midPage && taken.length < count && pending.length === 0 ? beyond(page, direction) : null;
  if (more) {
    page = await read(source, page.order, Math.min(source.maxPageSize, count - taken.length), more);
    pending = edgesOf(source, page);
    take();
  }
  const moreBeyond = pending.length > 0 || beyond(page, direction) !== null;
  return {
    edges: taken,
    pageInfo: {
      hasNextPage: direction === 'forward' ? moreBeyond : Boolean(cursor),
      hasPreviousPage: direction === 'backward' ? moreBeyond : Boolean(cursor),
      // Read from the edges only when asked for, as the edges sign their own.
      get startCursor() {
        return taken[0]?.cursor ?? null;
      },
      get endCursor() {
        return taken[taken.length - 1]?.cursor ?? null;
      },
    },
  };
}
