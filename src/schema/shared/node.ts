/**
 * Loading nodes from Twilio: one fetch per key (Twilio has no multi-get), run
 * concurrently within the REST client's in-flight cap; a 404 is a missing
 * object, any other failure that key's error. A missing object is returned as
 * null, which the dataloader plugin resolves to a null field; its types only
 * speak of values and errors, hence the cast.
 */
import { isNotFound } from './errors.ts';
import { splitNodeKey } from './global-id.ts';

export async function fetchEach<R>(
  keys: readonly string[],
  parts: number,
  typename: string,
  fetch: (sids: string[]) => Promise<R>,
): Promise<Array<R | Error>> {
  return Promise.all(
    keys.map(async (key) => {
      try {
        return await fetch(splitNodeKey(key, parts, typename));
      } catch (error) {
        if (isNotFound(error)) return null as unknown as R;
        return error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
}
