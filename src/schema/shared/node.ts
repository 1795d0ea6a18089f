/**
 * Loading nodes from Twilio: one fetch per key (Twilio has no multi-get), run
 * concurrently within the REST client's in-flight cap; a 404 is a missing
 * object, any other failure that key's error. A missing object is returned as
 * null, which the dataloader plugin resolves to a null field; its types only
 * speak of values and errors, hence the cast. A key that is not one of
 * `typename` (see NODE_KEY_PARTS) is that key's BAD_USER_INPUT, and no call.
 */
import type { GatewayContext } from '../context.ts';
import { isNotFound } from './errors.ts';
import { nodeKey, splitNodeKey } from './global-id.ts';
import { UNCACHED_KEY, isPartialRecord } from './partial.ts';

export async function fetchEach<R>(keys: readonly string[], typename: string, fetch: (sids: string[]) => Promise<R>): Promise<Array<R | Error>> {
  return Promise.all(
    keys.map(async (key) => {
      try {
        return await fetch(splitNodeKey(key, typename));
      } catch (error) {
        if (isNotFound(error)) return null as unknown as R;
        return error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
}

/**
 * The loader of a type fetched one key at a time (`fetchEach`): its ID and
 * the key its records are cached under are both the node key of
 * `keyOf(record)`, and `fetch` reads one object from a key's parts.
 */
export function fetchedNode<R>(typename: string, keyOf: (record: R) => string[], fetch: (ctx: GatewayContext, parts: string[]) => Promise<R>) {
  const key = (record: R) => nodeKey(...keyOf(record));
  return {
    id: { resolve: key },
    load: (keys: readonly string[], ctx: GatewayContext) => fetchEach(keys, typename, (parts) => fetch(ctx, parts)),
    // A record built from a webhook holds only some fields: it is not kept (partial.ts).
    cacheResolved: (record: R) => (isPartialRecord(record as object) ? UNCACHED_KEY : key(record)),
  };
}
