/**
 * Per-request batched lookups that are no single type's node loader: a
 * named DataLoader per lookup, and memoised one-off reads (a service's user
 * list page) that several batches share. Created fresh for every request.
 */
import DataLoader from 'dataloader';

export class Lookups {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();
  private readonly memo = new Map<string, Promise<unknown>>();

  /** The request's DataLoader named `name`, created on first use with `batch`. */
  loader<V>(name: string, batch: (keys: readonly string[]) => Promise<Array<V | Error>>, options?: DataLoader.Options<string, V>): DataLoader<string, V> {
    let loader = this.loaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, options);
      this.loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /** Runs `read` once per request for `key`; later callers share its promise. */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let promise = this.memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = read();
      this.memo.set(key, promise);
    }
    return promise;
  }

  /** Whether `once(key, …)` has run in this request. */
  has(key: string): boolean {
    return this.memo.has(key);
  }

  /** Forgets every loader and memoised read. */
  reset(): void {
    this.loaders.clear();
    this.memo.clear();
  }
}
