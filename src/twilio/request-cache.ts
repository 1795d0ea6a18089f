/**
 * Everything one request has read, in one place that a write clears in one
 * call: the REST reads its client has made (the same path is sent once), the
 * named DataLoaders and memoised reads of lookups that are no single type's
 * loader (users by identity, a channel's member list), and `scope`, the
 * object the layer above keys its per-type loaders by. Created with the
 * request's REST client, which clears it whenever it sends a write: whatever
 * was read before may be stale, so every later read goes to Twilio again.
 */
import DataLoader from 'dataloader';

export class RequestCache {
  readonly #loaders = new Map<string, DataLoader<string, unknown>>();
  readonly #reads = new Map<string, Promise<unknown>>();
  #scope: object = {};

  /**
   * Stands for everything cached here: a new object after each `clear()`.
   * Loaders kept elsewhere under it (Pothos's per-type loaders, keyed by the
   * context's cache key) are dropped with it.
   */
  get scope(): object {
    return this.#scope;
  }

  /** The request's DataLoader named `name`, created on first use with `batch`. */
  loader<V>(name: string, batch: (keys: readonly string[]) => Promise<Array<V | Error>>, options?: DataLoader.Options<string, V>): DataLoader<string, V> {
    let loader = this.#loaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, options);
      this.#loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /** Runs `read` once for `key` until the next `clear()`; later callers share its promise, settled or not. */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let promise = this.#reads.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = read();
      this.#reads.set(key, promise);
    }
    return promise;
  }

  /** Whether `once(key, …)` has run since the last `clear()`. */
  has(key: string): boolean {
    return this.#reads.has(key);
  }

  /** Forgets every read, loader and memoised read, and every loader kept under the old `scope`. */
  clear(): void {
    this.#reads.clear();
    this.#loaders.clear();
    this.#scope = {};
  }
}
