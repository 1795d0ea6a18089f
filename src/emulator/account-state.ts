/**
 * Everything the emulator keeps per account beside its tables, in one typed
 * object: made with the account's tables and dropped with them (a reset).
 * Rules read and write it as `ctx.account.state`; what they plan for one
 * operation only is passed on explicitly, never kept here.
 */
import { RateWindows } from './limits.ts';

export interface AccountState {
  /** Twilio's request limits on the account (limits.ts), kept by the server. */
  readonly limits: {
    /** Requests of the account being answered now; a reset hands them on to the new state, as they are still in flight. */
    inFlight: number;
    /** Chat's per-second windows of writes, per channel and per service. */
    readonly rateWindows: RateWindows;
  };
  readonly chat: {
    /** Per service SID, how many channels each identity has joined (`joined_channels_count`, `Limits.UserChannels`). */
    readonly joinedChannels: Derived<string, Map<unknown, number>>;
  };
  readonly proxy: {
    /** The account's numbers (phone numbers and short codes) as Proxy has seen them, so a SID always means the same number. */
    readonly numbers: NumberBook;
    /** Per service path, the active sessions holding each pool number, by its SID (`in_use`). */
    readonly numberUse: Derived<string, Map<string, Set<unknown>>>;
    /** The sessions' last sweep for expiry: the store's version then, and the next expiry it found. */
    readonly expiry: { version: number; next: number };
  };
  readonly events: {
    /** Test events sent to each sink, by sink SID, oldest first: what its owner reads back to validate it. */
    readonly sinkTests: Map<string, string[]>;
  };
  readonly accounts: {
    /** When the secondary auth token was created, while there is one (the promotion serves it). */
    secondaryAuthTokenCreated: string | undefined;
  };
}

export interface NumberBook {
  bySid: Map<string, string>;
  byValue: Map<string, string>;
}

export function newAccountState(): AccountState {
  return {
    limits: { inFlight: 0, rateWindows: new RateWindows() },
    chat: { joinedChannels: new Derived() },
    proxy: { numbers: { bySid: new Map(), byValue: new Map() }, numberUse: new Derived(), expiry: { version: -1, next: 0 } },
    events: { sinkTests: new Map() },
    accounts: { secondaryAuthTokenCreated: undefined },
  };
}

/**
 * Values derived from an account's tables, by key, each computed once per
 * change of the tables (a move of the store's version) rather than once per
 * record served.
 */
export class Derived<K, V> {
  #version = -1;
  readonly #values = new Map<K, V>();

  get(version: number, key: K, compute: () => V): V {
    if (version !== this.#version) {
      this.#values.clear();
      this.#version = version;
    }
    let value = this.#values.get(key);
    if (value === undefined) this.#values.set(key, (value = compute()));
    return value;
  }
}
