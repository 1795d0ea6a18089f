/**
 * A cap on concurrent work per key (the account SID): Twilio rate-limits per
 * account, so one caller's burst should queue here rather than earn 429s
 * for everyone sharing that account.
 *
 * Within a key, work may belong to holders (one GraphQL request each). With a
 * `holderShare`, no holder gets more than its share of the key's slots, and
 * waiting holders are served in turn, so one request's stalled calls cannot
 * keep every other request of the same account waiting.
 */

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Holder {
  active: number;
  queue: Waiter[];
}

interface Slot {
  active: number;
  queued: number;
  /** Holders with slots or waiters; Map order is the turn order (served holders move to the back). */
  holders: Map<unknown, Holder>;
}

export interface LimiterOptions {
  /**
   * The most slots of one key a holder may have at once, given the key's limit
   * and how many holders (this one included) have slots or wait for one.
   * Without it, holders are not capped and waiters are served first come
   * first served.
   */
  holderShare?: (limit: number, holders: number) => number;
}

/** Work acquired without naming a holder: never capped by a share (it still counts as one holder). */
const UNNAMED = Symbol('unnamed holder');

/** A counting semaphore per key, with an optional fair share per holder. */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #share: ((limit: number, holders: number) => number) | undefined;
  readonly #slots = new Map<string, Slot>();

  /** @param limit how many holders a key may have at once (at least 1). */
  constructor(limit: number, options: LimiterOptions = {}) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The in-flight limit must be a positive integer, but got ${limit}`);
    }
    this.#limit = limit;
    this.#share = options.holderShare;
  }

  get limit(): number {
    return this.#limit;
  }

  /**
   * Waits for a slot under `key` and resolves to its release function, which
   * is safe to call more than once. Rejects with the signal's reason if it
   * aborts while waiting. `holder` is whoever the work belongs to (compared
   * by identity).
   */
  acquire(key: string, signal?: AbortSignal, holder: unknown = UNNAMED): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { active: 0, queued: 0, holders: new Map() };
      this.#slots.set(key, slot);
    }
    let owner = slot.holders.get(holder);
    if (!owner) {
      owner = { active: 0, queue: [] };
      slot.holders.set(holder, owner);
    }
    if (slot.active < this.#limit && owner.queue.length === 0 && this.#mayTakeMore(slot, holder, owner)) {
      owner.active++;
      slot.active++;
      return Promise.resolve(this.#releaser(key, slot, holder, owner));
    }
    const queuedIn = slot;
    const queuedFor = owner;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = queuedFor.queue.indexOf(waiter);
          if (index === -1) return;
          queuedFor.queue.splice(index, 1);
          queuedIn.queued--;
          // A holder that leaves raises the others' share: let them in.
          this.#forgetIfIdle(key, queuedIn, holder, queuedFor);
          this.#admit(key, queuedIn);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queuedFor.queue.push(waiter);
      queuedIn.queued++;
    });
  }

  /** Holders and waiters under `key`, for tests and metrics. */
  stats(key: string): { active: number; queued: number } {
    const slot = this.#slots.get(key);
    return { active: slot?.active ?? 0, queued: slot?.queued ?? 0 };
  }

  #mayTakeMore(slot: Slot, holder: unknown, owner: Holder): boolean {
    if (!this.#share || holder === UNNAMED) return true;
    return owner.active < Math.max(1, this.#share(this.#limit, slot.holders.size));
  }

  /** Hands free slots to waiting holders in turn, each within its share. */
  #admit(key: string, slot: Slot): void {
    while (slot.active < this.#limit && slot.queued > 0) {
      let next: [unknown, Holder] | undefined;
      for (const entry of slot.holders) {
        if (entry[1].queue.length > 0 && this.#mayTakeMore(slot, entry[0], entry[1])) {
          next = entry;
          break;
        }
      }
      if (!next) return;
      const [holder, owner] = next;
      const waiter = owner.queue.shift()!;
      slot.queued--;
      // To the back of the turn order.
      slot.holders.delete(holder);
      slot.holders.set(holder, owner);
      owner.active++;
      slot.active++;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.#releaser(key, slot, holder, owner));
    }
  }

  #forgetIfIdle(key: string, slot: Slot, holder: unknown, owner: Holder): void {
    if (owner.active === 0 && owner.queue.length === 0) slot.holders.delete(holder);
    // Forget idle keys so a gateway serving many accounts does not grow without bound.
    if (slot.active === 0 && slot.holders.size === 0) this.#slots.delete(key);
  }

  #releaser(key: string, slot: Slot, holder: unknown, owner: Holder): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      owner.active--;
      slot.active--;
      this.#forgetIfIdle(key, slot, holder, owner);
      this.#admit(key, slot);
    };
  }
}
