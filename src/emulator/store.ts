/**
 * In-memory tables, one set per account. Records are keyed by their canonical
 * instance path (`/v2/Services/IS…/Channels/CH…`), so deleting a parent can
 * delete its children by path prefix, and a collection is an array of records
 * in creation order (`seq`), which makes stable page tokens cheap.
 */
import { createHash } from 'node:crypto';
import { newAccountState, type AccountState } from './account-state.ts';

export interface StoredRecord {
  /** Creation order, unique within the emulator; page tokens point at it. */
  readonly seq: number;
  /** Canonical instance path, with every SID resolved. */
  readonly path: string;
  /** The collection path this record is listed under. */
  readonly collection: string;
  /**
   * The resource's fields in Twilio's snake_case; fields starting with `_` are
   * internal and never served. Changed only through `AccountStore.update`.
   */
  readonly data: Readonly<Record<string, unknown>>;
}

export class AccountStore {
  readonly records = new Map<string, StoredRecord>();
  private readonly collections = new Map<string, StoredRecord[]>();
  /** What the account keeps beside its tables (caches of derived values, sink tests, …). */
  readonly state: AccountState = newAccountState();
  #version = 0;

  constructor(
    readonly accountSid: string,
    private readonly nextSeq: () => number,
  ) {}

  /** Bumped by every insert, update and remove, so values derived from the tables can be cached until they change. */
  get version(): number {
    return this.#version;
  }

  get(path: string): StoredRecord | undefined {
    return this.records.get(path);
  }

  /** The records of a collection in creation order. Do not mutate the array. */
  list(collection: string): readonly StoredRecord[] {
    return this.collections.get(collection) ?? EMPTY;
  }

  insert(collection: string, id: string, data: Record<string, unknown>): StoredRecord {
    const record: StoredRecord = { seq: this.nextSeq(), path: `${collection}/${id}`, collection, data };
    this.#version++;
    this.records.set(record.path, record);
    let list = this.collections.get(collection);
    if (!list) this.collections.set(collection, (list = []));
    list.push(record);
    return record;
  }

  /** Changes the given fields of a stored record (the others stay): the one way a stored record changes. */
  update(record: StoredRecord, changes: Record<string, unknown>): StoredRecord {
    if (this.records.get(record.path) !== record) throw new Error(`${record.path} is no record of account ${this.accountSid}`);
    (record as { data: Readonly<Record<string, unknown>> }).data = { ...record.data, ...changes };
    this.#version++;
    return record;
  }

  /** Removes a record and everything under its path (a channel's members, messages, …). */
  remove(path: string): boolean {
    const record = this.records.get(path);
    if (!record) return false;
    this.#version++;
    this.records.delete(path);
    const list = this.collections.get(record.collection);
    if (list) list.splice(list.indexOf(record), 1);
    const prefix = path + '/';
    for (const key of this.records.keys()) if (key.startsWith(prefix)) this.records.delete(key);
    for (const key of this.collections.keys()) if (key.startsWith(prefix)) this.collections.delete(key);
    return true;
  }
}

const EMPTY: readonly StoredRecord[] = Object.freeze([]);

/** All accounts' data, with one SID generator so a seeded run is reproducible. */
export class Store {
  private readonly accounts = new Map<string, AccountStore>();
  private seq = 0;
  private sidCounter = 0;

  constructor(private readonly sidSeed = 'twilio-emulator') {}

  /** An account's tables, made (and given to `init`) the first time they are asked for. */
  account(accountSid: string, init?: (account: AccountStore) => void): AccountStore {
    let store = this.accounts.get(accountSid);
    if (!store) {
      this.accounts.set(accountSid, (store = new AccountStore(accountSid, () => ++this.seq)));
      init?.(store);
    }
    return store;
  }

  /** The accounts made so far. */
  allAccounts(): IterableIterator<AccountStore> {
    return this.accounts.values();
  }

  /** A new SID such as `CH` + 32 hex digits; deterministic for a given seed and call order. */
  newSid(prefix: string): string {
    const hex = createHash('md5').update(`${this.sidSeed}:${++this.sidCounter}`).digest('hex');
    return prefix + hex;
  }

  clear(): void {
    this.accounts.clear();
    this.seq = 0;
    this.sidCounter = 0;
  }
}
