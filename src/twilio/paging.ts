/**
 * Twilio's paging: a list answers `{ <key>: [...], meta: { next_page_url, … } }`
 * and the next page is fetched from `meta.next_page_url`. Those URLs are
 * absolute and name Twilio's host, so only their path and query are used,
 * sent to the product's configured origin (the emulator, an edge).
 *
 * A page URL the client cannot follow (no path, not a URL, another list's
 * path, not a string) means there is no next page: `TwilioPage` carries only
 * URLs it can follow, so nothing above it has to ask.
 */
import type { CallOptions, TwilioClient } from './client.ts';
import { TwilioTransportError } from './errors.ts';
import type { TwilioListOperation, TwilioOperation, TwilioPageMeta, TwilioRequest } from './operation.ts';

/** One page of a Twilio list. */
export interface TwilioPage<Item> {
  items: Item[];
  meta: TwilioPageMeta;
  /** `meta.next_page_url`: absolute, Twilio's host; null on the last page, or when it cannot be followed. */
  nextPageUrl: string | null;
  /** `meta.previous_page_url`; null on the first page, or when it cannot be followed. */
  previousPageUrl: string | null;
}

/** Fetches the first page (or the page that `query.PageToken`/`Page` select). */
export async function fetchPage<Req extends TwilioRequest, Key extends string, Item>(
  client: TwilioClient,
  operation: TwilioListOperation<Req, Key, Item>,
  request: NoInfer<Req>,
  options?: CallOptions,
): Promise<TwilioPage<Item>> {
  // `call`'s conditional rest tuple cannot be resolved for a generic Req, so call it untyped.
  type UntypedCall = (this: TwilioClient, op: TwilioOperation, req: TwilioRequest, opts?: CallOptions) => Promise<unknown>;
  const raw = await (client.call as UntypedCall).call(client, operation, request, options);
  return toPage(raw, operation);
}

/**
 * Fetches the page at a `next_page_url`/`previous_page_url` from an earlier
 * page. The URL's path must match the operation's path template, so a URL
 * from somewhere else cannot redirect the call to another resource.
 */
export async function fetchPageAt<Key extends string, Item>(
  client: TwilioClient,
  operation: TwilioListOperation<TwilioRequest, Key, Item>,
  pageUrl: string,
  options?: CallOptions,
): Promise<TwilioPage<Item>> {
  const url = parsePageUrl(pageUrl);
  if (!pathMatcher(operation.path).test(url.pathname)) {
    throw new TypeError(`Page URL for ${operation.key} must have a path matching ${operation.path}, but got ${url.pathname}`);
  }
  const raw = await client.send(
    { product: operation.product, method: 'GET', path: url.pathname + url.search, operation: operation.key, route: operation.path, expect: operation },
    options,
  );
  return toPage(raw, operation);
}

/** Options for the iterators. */
export interface IterateOptions extends CallOptions {
  /** Stop after this many pages. */
  maxPages?: number;
}

/** Yields every page of a list, following `next_page_url` until it is null. */
export async function* iteratePages<Req extends TwilioRequest, Key extends string, Item>(
  client: TwilioClient,
  operation: TwilioListOperation<Req, Key, Item>,
  request: NoInfer<Req>,
  options: IterateOptions = {},
): AsyncGenerator<TwilioPage<Item>, void, undefined> {
  const { maxPages = Infinity, ...callOptions } = options;
  if (maxPages < 1) return;
  let page = await fetchPage(client, operation, request, callOptions);
  const seen = new Set<string>();
  for (let count = 1; ; count++) {
    yield page;
    const next = page.nextPageUrl;
    if (next === null || count >= maxPages) return;
    // A server that hands back a page URL it already gave would loop forever.
    if (seen.has(next)) {
      throw new TwilioTransportError({
        kind: 'invalid_response',
        message: `Twilio returned the same next_page_url twice while listing ${operation.key}: ${next}`,
        site: { method: 'GET', path: next, operation: operation.key },
        attempts: 1,
      });
    }
    seen.add(next);
    page = await fetchPageAt(client, operation, next, callOptions);
  }
}

/** Yields every record of a list across all its pages. */
export async function* iterateItems<Req extends TwilioRequest, Key extends string, Item>(
  client: TwilioClient,
  operation: TwilioListOperation<Req, Key, Item>,
  request: NoInfer<Req>,
  options: IterateOptions = {},
): AsyncGenerator<Item, void, undefined> {
  for await (const page of iteratePages(client, operation, request, options)) yield* page.items;
}

/**
 * The paging parameters inside a Twilio page URL (`PageSize`, `Page`,
 * `PageToken`), for callers that keep a cursor rather than the URL.
 */
export function pageParams(pageUrl: string): { PageSize?: number; Page?: number; PageToken?: string } {
  const result: { PageSize?: number; Page?: number; PageToken?: string } = {};
  const parts = splitPageUrl(pageUrl);
  if (!parts) return result;
  const { searchParams } = parts;
  const size = searchParams.get('PageSize');
  const page = searchParams.get('Page');
  const token = searchParams.get('PageToken');
  if (size !== null && /^\d+$/.test(size)) result.PageSize = Number(size);
  if (page !== null && /^\d+$/.test(page)) result.Page = Number(page);
  if (token !== null) result.PageToken = token;
  return result;
}

/** A page from a body the client has checked against the operation (see response-shape.ts). */
function toPage<Key extends string, Item>(raw: unknown, operation: TwilioListOperation<TwilioRequest, Key, Item>): TwilioPage<Item> {
  const body = raw as Record<string, unknown>;
  const meta = body.meta as TwilioPageMeta;
  return {
    items: body[operation.listKey] as Item[],
    meta,
    nextPageUrl: followable(meta.next_page_url, operation),
    previousPageUrl: followable(meta.previous_page_url, operation),
  };
}

/**
 * The page URL when this client can follow it: a URL or path whose path is
 * this list's. Its host does not matter, since only the path and query are
 * sent, to the configured origin. Anything else is no page at all.
 */
function followable(url: unknown, operation: TwilioOperation): string | null {
  if (typeof url !== 'string') return null;
  const parts = splitPageUrl(url);
  return parts && pathMatcher(operation.path).test(parts.pathname) ? url : null;
}

/**
 * Splits a page URL into path and query by hand: WHATWG URL parsing would
 * resolve encoded dot-segments (`%2E%2E`) in a unique name away.
 */
function parsePageUrl(pageUrl: string): PageUrlParts {
  const parts = splitPageUrl(pageUrl);
  if (!parts) throw new TypeError(`Expected a Twilio page URL or path, but got ${JSON.stringify(pageUrl)}`);
  return parts;
}

interface PageUrlParts {
  pathname: string;
  search: string;
  searchParams: URLSearchParams;
}

/** `parsePageUrl` without the throw: undefined when there is no path to take. */
function splitPageUrl(pageUrl: string): PageUrlParts | undefined {
  const match = /^(?:https?:\/\/[^/?#]+)?(\/[^?#]*)(\?[^#]*)?(?:#.*)?$/i.exec(pageUrl);
  if (!match) return undefined;
  const pathname = match[1]!;
  const search = match[2] ?? '';
  return { pathname, search, searchParams: new URLSearchParams(search) };
}

const matchers = new Map<string, RegExp>();

function pathMatcher(template: string): RegExp {
  let matcher = matchers.get(template);
  if (!matcher) {
    const source = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      // One segment per placeholder, never a bare `.` or `..`.
      .join('(?!\\.{1,2}(?:/|$))[^/]+');
    matcher = new RegExp(`^${source}$`);
    matchers.set(template, matcher);
  }
  return matcher;
}
