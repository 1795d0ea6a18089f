/**
 * A cap on concurrent work per key (the account SID): Twilio rate-limits per
 * account, so one caller's burst should queue here rather than earn 429s
 * for everyone sharing that account.
 *
 * Within a key, work may belong to holders (one GraphQL request each). With a
 * `holderShare`, no holder gets more than its share of the key's slots, and
 * waiting holders are served in turn, so one request's stalled calls cannot
 * keep every other request of the same account waiting.
 *
 * Guests (calls whose caller is not known to be genuine yet) take slots
 * without being holders: they are served before holders, never take the last
 * free slot, and the holders share what the guests leave. Their number is
 * bounded by whoever admits them (the client's probing slots).
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
  /** Slots taken, guests' included. */
  active: number;
  /** Waiters, guests' included. */
  queued: number;
  /** Holders with slots or waiters; Map order is the turn order (served holders move to the back). */
  holders: Map<unknown, Holder>;
  /** Slots taken by guests. */
  guests: number;
  /** Guests waiting, first come first served. */
  guestQueue: Waiter[];
}

export interface LimiterOptions {
  /**
   * The most slots of one key a holder may have at once, given the key's limit
   * and how many holders (this one included) have slots or wait for one.
   * Without it, holders are not capped and waiters are served first come
   * first served.
   */
  holderShare?: (limit: number, holders: number) => number;
  /**
   * The most holders of one key that may wait without a slot. A new holder
   * that would have to wait beyond them is refused at once with
   * `LimiterLineFull`; a holder already in line may queue more work.
   * **Default:** unbounded.
   */
  maxWaitingHolders?: number;
}

/** A new holder found the line of waiting holders full; it was not queued. */
export class LimiterLineFull extends Error {
  override readonly name = 'LimiterLineFull';
  constructor(readonly key: string) {
    super(`Too many holders waiting under ${key}`);
  }
}

/** Work acquired without naming a holder: never capped by a share (it still counts as one holder). */
const UNNAMED = Symbol('unnamed holder');

/** A counting semaphore per key, with an optional fair share per holder. */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #share: ((limit: number, holders: number) => number) | undefined;
  readonly #maxWaitingHolders: number;
  // Guests leave one slot free, so a new holder still starts at once.
  readonly #guestRoom: number;
  readonly #slots = new Map<string, Slot>();

  /** @param limit how many holders a key may have at once (at least 1). */
  constructor(limit: number, options: LimiterOptions = {}) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The in-flight limit must be a positive integer, but got ${limit}`);
    }
    const maxWaiting = options.maxWaitingHolders ?? Infinity;
    if (!(maxWaiting >= 0)) throw new RangeError(`maxWaitingHolders must be zero or more, but got ${maxWaiting}`);
    this.#limit = limit;
    this.#share = options.holderShare;
    this.#maxWaitingHolders = maxWaiting;
    this.#guestRoom = limit > 1 ? limit - 1 : 1;
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
    const slot = this.#slot(key);
    let owner = slot.holders.get(holder);
    const newcomer = !owner;
    if (!owner) {
      owner = { active: 0, queue: [] };
      slot.holders.set(holder, owner);
    }
    if (slot.active < this.#limit && owner.queue.length === 0 && this.#mayTakeMore(slot, holder, owner)) {
      owner.active++;
      slot.active++;
      return Promise.resolve(this.#releaser(key, slot, holder, owner));
    }
    // The newcomer itself holds nothing and waits for nothing yet, so it is not among those counted.
    if (newcomer && this.#waitingHolders(slot) >= this.#maxWaitingHolders) {
      slot.holders.delete(holder);
      this.#forgetIfIdle(key, slot);
      return Promise.reject(new LimiterLineFull(key));
    }
    const queuedFor = owner;
    return this.#wait(key, slot, queuedFor.queue, signal, () => this.#forgetIfIdle(key, slot, holder, queuedFor));
  }

  /**
   * Waits for a slot under `key` as a guest: served before holders, first come
   * first served, but never given the last free slot; holders' shares are
   * reckoned on the slots the guests leave. Resolves to its release function.
   */
  acquireGuest(key: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const slot = this.#slot(key);
    if (slot.guestQueue.length === 0 && slot.active < this.#guestRoom) {
      slot.guests++;
      slot.active++;
      return Promise.resolve(this.#guestReleaser(key, slot));
    }
    return this.#wait(key, slot, slot.guestQueue, signal, () => this.#forgetIfIdle(key, slot));
  }

  /**
   * Ends the wait of every waiter of `holder` under `key` without giving it a
   * slot: each resolves to a release that frees nothing. For work that no
   * longer needs the slot it waited for.
   */
  letGo(key: string, holder: unknown): void {
    const slot = this.#slots.get(key);
    const owner = slot?.holders.get(holder);
    if (!slot || !owner) return;
    const waiters = owner.queue.splice(0);
    slot.queued -= waiters.length;
    this.#forgetIfIdle(key, slot, holder, owner);
    for (const waiter of waiters) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(() => {});
    }
    // A holder that leaves raises the others' share.
    this.#admit(key, slot);
  }

  /** Whether `acquire(key, signal, holder)` would be refused at once with `LimiterLineFull`. */
  wouldRefuse(key: string, holder: unknown): boolean {
    const slot = this.#slots.get(key);
    // A new holder starts at once whenever a slot is free: its share is at least one.
    if (!slot || slot.holders.has(holder) || slot.active < this.#limit) return false;
    return this.#waitingHolders(slot) >= this.#maxWaitingHolders;
  }

  /** Slots taken and waiters under `key`, guests' included, for tests and metrics. */
  stats(key: string): { active: number; queued: number } {
    const slot = this.#slots.get(key);
    return { active: slot?.active ?? 0, queued: slot?.queued ?? 0 };
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { active: 0, queued: 0, holders: new Map(), guests: 0, guestQueue: [] };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  /** Queues a waiter; `left` runs when its signal aborts before it is served. */
  #wait(key: string, slot: Slot, queue: Waiter[], signal: AbortSignal | undefined, left: () => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index === -1) return;
          queue.splice(index, 1);
          slot.queued--;
          left();
          // A holder that leaves raises the others' share: let them in.
          this.#admit(key, slot);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queue.push(waiter);
      slot.queued++;
    });
  }

  /** Holders in line without a slot. */
  #waitingHolders(slot: Slot): number {
    let waiting = 0;
    for (const owner of slot.holders.values()) if (owner.active === 0 && owner.queue.length > 0) waiting++;
    return waiting;
  }

  #mayTakeMore(slot: Slot, holder: unknown, owner: Holder): boolean {
    if (!this.#share || holder === UNNAMED) return true;
    return owner.active < Math.max(1, this.#share(this.#limit - slot.guests, slot.holders.size));
  }

  /** Hands free slots to waiting guests, then to waiting holders in turn, each within its share. */
  #admit(key: string, slot: Slot): void {
    while (slot.active < this.#limit && slot.queued > 0) {
      if (slot.guestQueue.length > 0 && slot.active < this.#guestRoom) {
        const waiter = slot.guestQueue.shift()!;
        slot.queued--;
        slot.guests++;
        slot.active++;
        this.#serve(waiter, this.#guestReleaser(key, slot));
        continue;
      }
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
      this.#serve(waiter, this.#releaser(key, slot, holder, owner));
    }
  }

  #serve(waiter: Waiter, release: () => void): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(release);
  }

  #forgetIfIdle(key: string, slot: Slot, holder?: unknown, owner?: Holder): void {
    if (owner && owner.active === 0 && owner.queue.length === 0) slot.holders.delete(holder);
    // Forget idle keys so a gateway serving many accounts does not grow without bound.
    if (slot.active === 0 && slot.queued === 0 && slot.holders.size === 0 && this.#slots.get(key) === slot) this.#slots.delete(key);
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

  #guestReleaser(key: string, slot: Slot): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slot.guests--;
      slot.active--;
      this.#forgetIfIdle(key, slot);
      this.#admit(key, slot);
    };
  }
}
