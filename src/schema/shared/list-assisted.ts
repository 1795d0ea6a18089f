/**
 * Loading children of one parent (users or roles of a service) with the fewest
 * REST calls: one child is one fetch, but when a request wants several
 * children of the same parent it reads the parent's list once instead (up to
 * 1000 per page) and serves every child it wants from that page, for the rest
 * of the request too. Only children beyond a full page are fetched one by one;
 * a child missing from a complete list does not exist.
 */
import type { GatewayContext } from '../context.ts';
import type { TwilioPage } from '../../twilio/paging.ts';
import { fetchEach } from './node.ts';
import { nodeKey, splitNodeKey } from './global-id.ts';

export interface ListAssisted<R> {
  /**
   * The child's node type. Its keys are split as NODE_KEY_PARTS says, the
   * child's own id last: the parent passed to the functions below is the rest
   * (`service`, `service:session`), or '' for a list of the whole account.
   */
  typename: string;
  /**
   * How many children of one parent a batch must want before the list is read
   * (2 by default). 1 suits small lists (a service's roles): one list read
   * costs what one fetch does, and serves the rest of the request.
   */
  listFrom?: number;
  /** Names the memoised list read of one parent in the request's read cache. */
  memoKey(parent: string): string;
  /** The parent's list, one page of the largest size. */
  listPage(parent: string): Promise<TwilioPage<R>>;
  fetchOne(parent: string, id: string): Promise<R>;
  /** Every id a child can be asked for by (its SID, and an identity where there is one). */
  idsOf(record: R): string[];
  /** Stores a listed child in the type's loader under its node key. */
  prime(parent: string, record: R): void;
}

/** The key of child `id` under `parent`. */
const childKey = (parent: string, id: string) => (parent === '' ? id : nodeKey(parent, id));

/** Batch function for keys `parent:id` (`service:session:id`, or `id` alone for a list of the account). Missing children resolve to null (see fetchEach for the cast). */
export async function loadViaList<R>(ctx: GatewayContext, keys: readonly string[], spec: ListAssisted<R>): Promise<Array<R | Error>> {
  const byParent = new Map<string, string[]>();
  const found = new Map<string, R | Error | null>();
  for (const key of keys) {
    let sids: string[];
    try {
      sids = splitNodeKey(key, spec.typename);
    } catch (error) {
      // A malformed key (a forged ID or federation key) fails alone, before any call, not its whole batch.
      found.set(key, error as Error);
      continue;
    }
    const id = sids.pop()!;
    const parent = nodeKey(...sids);
    byParent.set(parent, [...(byParent.get(parent) ?? []), id]);
  }
  await Promise.all(
    [...byParent].map(async ([parent, ids]) => {
      let remaining = ids;
      const memo = spec.memoKey(parent);
      if (ids.length >= (spec.listFrom ?? 2) || ctx.twilio.cache.has(memo)) {
        try {
          const page = await ctx.twilio.cache.once(memo, () => spec.listPage(parent));
          const index = new Map<string, R>();
          for (const record of page.items) {
            spec.prime(parent, record);
            for (const id of spec.idsOf(record)) index.set(id, record);
          }
          remaining = [];
          for (const id of ids) {
            const record = index.get(id);
            if (record) found.set(childKey(parent, id), record);
            else if (page.nextPageUrl) remaining.push(id);
            else found.set(childKey(parent, id), null);
          }
        } catch (error) {
          for (const id of ids) found.set(childKey(parent, id), error instanceof Error ? error : new Error(String(error)));
          return;
        }
      }
      const fetched = await fetchEach(
        remaining.map((id) => childKey(parent, id)),
        spec.typename,
        (sids) => spec.fetchOne(parent, sids[sids.length - 1]!),
      );
      remaining.forEach((id, i) => found.set(childKey(parent, id), fetched[i]!));
    }),
  );
  return keys.map((key) => (found.get(key) ?? null) as R | Error);
}
