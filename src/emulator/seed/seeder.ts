/**
 * What the seed of every product shares: one clock, a deterministic PRNG, and
 * a way to run operations in one account as of a time on that clock, so that
 * every run makes the same SIDs, names and dates.
 */
import type { Engine } from '../engine.ts';
import type { CallParams } from '../rules/types.ts';
import type { AccountStore } from '../store.ts';
import { twilioDate } from '../params.ts';

/** The seed's clock: everything happened in the weeks before this instant. */
export const EPOCH = Date.parse('2026-01-15T09:00:00Z');

/** The instant `minutes` after EPOCH (before it when negative). */
export const when = (minutes: number) => new Date(EPOCH + minutes * 60_000);

/** The same instant as Twilio writes it, for date parameters such as `DateCreated`. */
export const at = (minutes: number) => twilioDate(when(minutes));

/** A small deterministic PRNG (mulberry32), so the data set never changes between runs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from a PRNG: an integer in [min, max], or one item of a list. */
export function draws(random: () => number) {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return { random, int, pick };
}

export type Body = Record<string, unknown>;

/**
 * Runs operations in one account through the engine, with the validation and
 * rules of HTTP, each as of a time on the seed's clock (dates the rules set,
 * such as a session's `date_ended`, follow that time too).
 */
export class Seeder {
  constructor(
    readonly engine: Engine,
    readonly accountSid: string,
  ) {}

  get account(): AccountStore {
    return this.engine.account(this.accountSid);
  }

  /** Runs `op` as of `minutes` after EPOCH; answers the response body. */
  call(op: string, path: Record<string, string>, params: CallParams, minutes: number): Body {
    return this.engine.call(this.accountSid, op, path, params, { now: when(minutes) }).body as Body;
  }

  /** Runs a create as of `minutes` after EPOCH; answers the new SID. */
  create(op: string, path: Record<string, string>, params: CallParams, minutes: number): string {
    return String(this.call(op, path, params, minutes).sid);
  }

  /** A new SID from the store's deterministic sequence, for resources whose create takes one (a short code). */
  newSid(prefix: string): string {
    return this.engine.store.newSid(prefix);
  }
}
