/**
 * The shape of the Twilio behaviour that the specs cannot express. Each product
 * has one rules file; each resource names only what differs from plain CRUD.
 * Rules see the engine and the account through the narrow interfaces below,
 * which the engine and the store implement.
 */
import type { StoredRecord } from '../store.ts';
import type { AccountState } from '../account-state.ts';
import type { OperationSpec, ResourceSpec } from '../spec-model.ts';
import type { Inputs } from '../params.ts';
import type { RateScope } from '../limits.ts';
import type { AccountRegistry } from '../accounts.ts';

/**
 * An account as rules see it (AccountStore implements it): its tables, which
 * change only through insert, update and remove, each of which moves
 * `version`, and its state.
 */
export interface RuleAccount {
  readonly accountSid: string;
  readonly state: AccountState;
  /** Moved by every change of the tables: a value derived from them holds until it moves. */
  readonly version: number;
  get(path: string): StoredRecord | undefined;
  /** The records of a collection in creation order. */
  list(collection: string): readonly StoredRecord[];
  insert(collection: string, id: string, data: Record<string, unknown>): StoredRecord;
  /** Changes the given fields of a stored record. */
  update(record: StoredRecord, changes: Record<string, unknown>): StoredRecord;
  /** Removes a record and everything under its path. */
  remove(path: string): boolean;
}

/** What rules may ask of the engine (Engine implements it). */
export interface RuleEngine {
  /** A resource of the specs by product and schema name (`chat.ip_messaging.v2.service.channel`). */
  resource(id: string): ResourceSpec;
  /** Finds an instance of `resource` in `collection` by id, or by an alternate key where allowed. */
  lookup(account: RuleAccount, resource: ResourceSpec, collection: string, value: string, altAllowed: boolean): StoredRecord | undefined;
  /** Runs another operation inside this one, through the same validation, as of the same time and unannounced. */
  call(accountSid: string, opId: string, pathParams: Record<string, string>, params?: CallParams): OpResult;
  /** Serves one page of `records` (creation order) as Twilio does, with its `meta`. */
  page(ctx: OpContext, resource: ResourceSpec, records: readonly StoredRecord[]): OpResult;
  /** A record (or a view made like one) as Twilio serves it. */
  serialize(account: RuleAccount, resource: ResourceSpec, record: StoredRecord): Record<string, unknown>;
  /** A new SID from the emulator's one deterministic sequence. */
  newSid(prefix: string): string;
  readonly authTokens: AuthTokens;
}

/** The accounts' live auth tokens (the account registry), as Accounts' rules change them. */
export type AuthTokens = Pick<AccountRegistry, 'get' | 'setSecondaryAuthToken' | 'promoteSecondaryAuthToken'>;

/** Values a programmatic call may pass per parameter; they are form-encoded as Twilio's helper libraries would. */
export type CallParams = Record<string, string | number | boolean | object | Array<string | number | boolean | object> | undefined>;

/** Everything a handler knows about one call. */
export interface OpContext {
  engine: RuleEngine;
  op: OperationSpec;
  account: RuleAccount;
  /** Path parameters with every parent resolved to its canonical SID. */
  params: Record<string, string>;
  /** Canonical collection path of the operation (`/v2/Services/IS…/Channels`). */
  collection: string;
  inputs: Inputs;
  /** Input names the caller sent. */
  given: Set<string>;
  query: URLSearchParams;
  /** Twilio-formatted time of this call. */
  now: string;
}

export interface OpResult {
  status: number;
  body: unknown;
  /** Work for once the response is sent (webhook deliveries), so that it never delays the answer. */
  afterResponse?: Array<() => void>;
}

/**
 * A write a client made over HTTP, as it is applied: what webhooks and event
 * streams announce (rules/outbound.ts). Writes made from code (the seed, and
 * operations that rules run inside another one) are never announced.
 */
export interface WriteChange {
  op: OperationSpec;
  account: RuleAccount;
  /** Path parameters, every parent resolved to its canonical SID. */
  params: Record<string, string>;
  inputs: Inputs;
  /** `operation` for a write that is no plain create, update or delete (a sink test). */
  kind: 'create' | 'update' | 'delete' | 'operation';
  /** The record written; for a delete, still in the store with its children. */
  record?: StoredRecord;
  /** Twilio-formatted time of the write. */
  now: string;
}

export interface UniqueField {
  field: string;
  /** Twilio's error code for a clash. */
  code: number;
  message(value: unknown): string;
}

export interface ResourceRule {
  /** Fields that may stand for the id in a path, where the spec's parameter allows it (a channel's `unique_name`). */
  altKeys?: string[];
  /** Fields unique within their collection. */
  unique?: UniqueField[];
  /** Input parameters stored under another field than their snake_case name, or not stored (null). */
  inputFields?: Record<string, string | null>;
  /** Fields of a new instance before its inputs apply. */
  defaults?(ctx: OpContext): Record<string, unknown>;
  /**
   * Checks and completes a new instance before it is stored; throws an EmulatorError to refuse it.
   * May answer what to do once it is stored (the children it planned), which runs before `afterCreate`:
   * what one operation plans is handed on this way, never kept aside.
   */
  beforeCreate?(ctx: OpContext, data: Record<string, unknown>): void | ((record: StoredRecord) => void);
  afterCreate?(ctx: OpContext, record: StoredRecord): void;
  /** Checks an update (the changed fields are in `changes`) before it is applied. */
  beforeUpdate?(ctx: OpContext, record: StoredRecord, changes: Record<string, unknown>): void;
  afterUpdate?(ctx: OpContext, record: StoredRecord): void;
  beforeDelete?(ctx: OpContext, record: StoredRecord): void;
  afterDelete?(ctx: OpContext, record: StoredRecord): void;
  /** Fields derived from other tables when served (counts), so they can never drift. */
  computed?(account: RuleAccount, record: StoredRecord): Record<string, unknown>;
  /** List filters that are not plain equality on their snake_case field. */
  filters?: Record<string, (record: StoredRecord, value: unknown, account: RuleAccount) => boolean>;
  /** Links beyond the child collections the spec names (a user channel's `channel` and `member`). */
  links?(record: StoredRecord): Record<string, string>;
}

export interface ProductRules {
  /** By component schema name (`ip_messaging.v2.service.channel`). */
  resources: Record<string, ResourceRule>;
  /** Whole operations whose behaviour is not CRUD on one table, by operationId. */
  operations?: Record<string, (ctx: OpContext) => OpResult>;
  /** Runs before every operation of the product, over HTTP or not, as of its time (Proxy closes the sessions that expired by then). */
  beforeOperation?(ctx: OpContext): void;
  /** The rate window a request counts against, where Twilio limits the product's writes per second; undefined: not limited. */
  rateScope?(ctx: OpContext): RateScope | undefined;
}

export type { ResourceSpec };
