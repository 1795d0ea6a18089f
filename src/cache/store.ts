/**
 * Where cached answers live: in this process (`MemoryStore`), or in Redis
 * shared by the replicas (redis-store.ts). An answer is kept under its key
 * with the tags it depends on (tags.ts), per account; invalidating a tag
 * drops every answer of the account that carries it.
 *
 * An answer whose execution began before one of its tags was invalidated is
 * not stored: it may hold what the write changed. Invalidations are
 * remembered for `raceWindowMs` for that (the longest a request may run).
 */
import type { ExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';

/** A stored answer's key: the account SID, a dot, and a keyed hash of the caller's credentials and operation (64 hex digits). */
export const RESPONSE_KEY = /^(AC[0-9a-fA-F]{32})\.[0-9a-f]{64}$/;

export interface StoredAnswer {
  /** The account the answer belongs to: every tag is the account's. */
  account: string;
  tags: readonly string[];
  ttlMs: number;
  /** How long ago, in ms, the answer's execution began. */
  startedAgoMs: number;
}

export interface ResponseStore {
  readonly kind: 'in-process' | 'redis';
  /** The answer stored under `key`; null when there is none (or the store cannot be reached). */
  get(key: string): Promise<ExecutionResult | null>;
  /** Stores `result` unless one of its tags was invalidated since its execution began. */
  set(key: string, result: ExecutionResult, answer: StoredAnswer): Promise<void>;
  /** Drops every stored answer of `account` that carries one of `tags`. */
  invalidate(account: string, tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  result: ExecutionResult;
  /** Its tags, each prefixed with the account. */
  tags: string[];
}

/** Answers in this process's memory: an LRU bounded in bytes (of the answers' JSON), each with its TTL. */
export class MemoryStore implements ResponseStore {
  readonly kind = 'in-process';
  readonly #entries: LRUCache<string, Entry>;
  /** Per account and tag, the keys of the answers carrying it. */
  readonly #byTag = new Map<string, Set<string>>();
  /** Per account and tag, when it was last invalidated (by #clock); oldest first. */
  readonly #invalidated = new Map<string, number>();
  readonly #raceWindowMs: number;
  /** Each answer's size, measured once as it is stored, for the LRU's byte bound. */
  readonly #sizes = new Map<string, number>();

  /** Times TTLs and invalidations alike; `performance` unless a test moves its own. */
  readonly #clock: { now(): number };

  constructor(options: { maxBytes: number; raceWindowMs: number; clock?: { now(): number } }) {
    this.#raceWindowMs = options.raceWindowMs;
    this.#clock = options.clock ?? performance;
    this.#entries = new LRUCache<string, Entry>({
      perf: this.#clock,
      // Read the clock on every check rather than caching it for a millisecond behind a timer.
      ttlResolution: 0,
      maxSize: options.maxBytes,
      sizeCalculation: (_entry, key) => this.#sizes.get(key) ?? 1,
      dispose: (entry, key) => {
        this.#sizes.delete(key);
        for (const tag of entry.tags) {
          const keys = this.#byTag.get(tag);
          keys?.delete(key);
          if (keys?.size === 0) this.#byTag.delete(tag);
        }
      },
    });
  }

  async get(key: string): Promise<ExecutionResult | null> {
    return this.#entries.get(key)?.result ?? null;
  }

  async set(key: string, result: ExecutionResult, answer: StoredAnswer): Promise<void> {
    const now = this.#clock.now();
    this.#forgetOldInvalidations(now);
    const startedAt = now - answer.startedAgoMs;
    const tags = answer.tags.map((tag) => `${answer.account}|${tag}`);
    for (const tag of tags) if ((this.#invalidated.get(tag) ?? -Infinity) >= startedAt) return;
    const size = JSON.stringify(result).length;
    this.#entries.delete(key);
    this.#sizes.set(key, size);
    this.#entries.set(key, { result, tags }, { ttl: answer.ttlMs });
    // Too large for the whole store: not kept.
    if (!this.#entries.has(key)) {
      this.#sizes.delete(key);
      return;
    }
    for (const tag of tags) {
      let keys = this.#byTag.get(tag);
      if (!keys) this.#byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  async invalidate(account: string, tags: readonly string[]): Promise<void> {
    const now = this.#clock.now();
    this.#forgetOldInvalidations(now);
    for (const tag of tags) {
      const tagged = `${account}|${tag}`;
      // Re-inserted so that the map stays oldest first.
      this.#invalidated.delete(tagged);
      this.#invalidated.set(tagged, now);
      for (const key of [...(this.#byTag.get(tagged) ?? [])]) this.#entries.delete(key);
    }
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  /** Answers held now, for tests. */
  get size(): number {
    return this.#entries.size;
  }

  #forgetOldInvalidations(now: number): void {
    for (const [tag, at] of this.#invalidated) {
      if (now - at <= this.#raceWindowMs) break;
      this.#invalidated.delete(tag);
    }
  }
}
