/**
 * Twilio's list paging: `PageSize`, `Page` and an opaque `PageToken`. A token
 * names the record a page starts after (or ends before) by its creation order,
 * so the next and previous pages stay right when records are created or
 * deleted between calls.
 */
import type { StoredRecord } from './store.ts';
import { invalidParameter } from './errors.ts';

export interface PageRequest {
  pageSize: number;
  page: number;
  token: string | undefined;
  /** `desc` lists newest first (Chat messages with `Order=desc`). */
  order: 'asc' | 'desc';
}

export interface PageResult {
  items: StoredRecord[];
  /** Token for the next page, or null on the last page. */
  next: string | null;
  /** Token for the previous page, or null on the first page. */
  previous: string | null;
}

interface Token {
  /** `a`: the page starts after `s`; `b`: the page ends before `s`. */
  d: 'a' | 'b';
  s: number;
}

function encodeToken(token: Token): string {
  return 'PT' + Buffer.from(`${token.d}${token.s}`).toString('base64url');
}

function decodeToken(raw: string): Token {
  const text = raw.startsWith('PT') ? Buffer.from(raw.slice(2), 'base64url').toString() : '';
  const m = /^([ab])(\d+)$/.exec(text);
  if (!m) throw invalidParameter(`Invalid PageToken: ${JSON.stringify(raw)} is not a token this API issued`);
  return { d: m[1] as Token['d'], s: Number(m[2]) };
}

/** Index of the first record with seq >= `seq` in an ascending array. */
function lowerBound(records: readonly StoredRecord[], seq: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cuts one page out of `records` (ascending creation order, already filtered). */
export function paginate(records: readonly StoredRecord[], req: PageRequest): PageResult {
  const { pageSize } = req;
  const n = records.length;
  // [start, end) is the page's window in ascending order; `desc` reads it backwards.
  let start: number;
  let end: number;
  if (req.token) {
    const t = decodeToken(req.token);
    const forwardInAsc = (t.d === 'a') === (req.order === 'asc');
    if (forwardInAsc) {
      start = lowerBound(records, t.s + 1);
      end = Math.min(n, start + pageSize);
    } else {
      end = lowerBound(records, t.s);
      start = Math.max(0, end - pageSize);
    }
  } else if (req.order === 'asc') {
    start = Math.min(n, req.page * pageSize);
    end = Math.min(n, start + pageSize);
  } else {
    end = Math.max(0, n - req.page * pageSize);
    start = Math.max(0, end - pageSize);
  }
  const window = records.slice(start, end);
  const items = req.order === 'asc' ? window : window.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  const moreAfter = req.order === 'asc' ? end < n : start > 0;
  const moreBefore = req.order === 'asc' ? start > 0 : end < n;
  return {
    items,
    next: last && moreAfter ? encodeToken({ d: 'a', s: last.seq }) : null,
    previous: first && moreBefore ? encodeToken({ d: 'b', s: first.seq }) : null,
  };
}
