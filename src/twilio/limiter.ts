/**
 * A cap on concurrent work per key (the account SID): Twilio rate-limits per
 * account, so one caller's burst should queue here rather than earn 429s
 * for everyone sharing that account.
 */

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Slot {
  active: number;
  queue: Waiter[];
}

/** A counting semaphore per key, first come first served. */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #slots = new Map<string, Slot>();

  /** @param limit how many holders a key may have at once (at least 1). */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The in-flight limit must be a positive integer, but got ${limit}`);
    }
    this.#limit = limit;
  }

  /**
   * Waits for a slot under `key` and resolves to its release function, which
   * is safe to call more than once. Rejects with the signal's reason if it
   * aborts while waiting.
   */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { active: 0, queue: [] };
      this.#slots.set(key, slot);
    }
    if (slot.active < this.#limit) {
      slot.active++;
      return Promise.resolve(this.#releaser(key, slot));
    }
    const owner = slot;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = owner.queue.indexOf(waiter);
          if (index !== -1) owner.queue.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      owner.queue.push(waiter);
    });
  }

  /** Holders and waiters under `key`, for tests and metrics. */
  stats(key: string): { active: number; queued: number } {
    const slot = this.#slots.get(key);
    return { active: slot?.active ?? 0, queued: slot?.queue.length ?? 0 };
  }

  #releaser(key: string, slot: Slot): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.queue.shift();
      if (next) {
        // The slot passes straight to the next waiter; `active` stays the same.
        if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve(this.#releaser(key, slot));
        return;
      }
      slot.active--;
      // Forget idle keys so a gateway serving many accounts does not grow without bound.
      if (slot.active === 0) this.#slots.delete(key);
    };
  }
}
