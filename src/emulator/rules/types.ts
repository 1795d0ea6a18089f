/**
 * The shape of the Twilio behaviour that the specs cannot express. Each product
 * has one rules file; each resource names only what differs from plain CRUD.
 */
import type { AccountStore, StoredRecord } from '../store.ts';
import type { OperationSpec, ResourceSpec } from '../spec-model.ts';
import type { Inputs } from '../params.ts';
import type { Engine } from '../engine.ts';
import type { RateScope } from '../limits.ts';
import type { AccountRegistry } from '../accounts.ts';

/** Everything a handler knows about one call. */
export interface OpContext {
  engine: Engine;
  op: OperationSpec;
  account: AccountStore;
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

/** The accounts' live auth tokens (the account registry), as Accounts' rules change them. */
export type AuthTokens = Pick<AccountRegistry, 'get' | 'setSecondaryAuthToken' | 'promoteSecondaryAuthToken'>;

export interface OpResult {
  status: number;
  body: unknown;
  /** Work for once the response is sent (webhook deliveries), so that it never delays the answer. */
  afterResponse?: Array<() => void>;
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
  computed?(account: AccountStore, record: StoredRecord): Record<string, unknown>;
  /** List filters that are not plain equality on their snake_case field. */
  filters?: Record<string, (record: StoredRecord, value: unknown, account: AccountStore) => boolean>;
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
