/**
 * The generic half of the emulator: one handler per kind of operation (list,
 * create, fetch, update, delete), driven by the spec model, with the rules of
 * each product hooked in where Twilio does more than CRUD.
 */
import type { OperationSpec, Product, ResourceSpec, SpecModel } from './spec-model.ts';
import { shape, snakeCase } from './spec-model.ts';
import type { AccountStore, StoredRecord, Store } from './store.ts';
import { EmulatorError, conflict, notFound } from './errors.ts';
import { parseInputs, parsePaging, twilioDate, type Inputs } from './params.ts';
import { paginate } from './paging.ts';
import type { AuthTokens, CallParams, OpContext, OpResult, ProductRules, ResourceRule, RuleAccount, RuleEngine, WriteChange } from './rules/types.ts';
import { Clock } from './clock.ts';

/** A request as the HTTP layer hands it over, already authenticated. */
export interface EngineRequest {
  accountSid: string;
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Sees each announced write while it is applied (a delete before its record
 * and children go), and answers work to do once the client has its response.
 */
export type WriteObserver = (change: WriteChange) => (() => void) | void;

const NO_RULE: ResourceRule = {};

export class Engine implements RuleEngine {
  /** Resources by the shape of their collection path (`/v2/Services/{}/Channels`). */
  private readonly byCollectionShape = new Map<string, ResourceSpec>();
  private readonly propertyKeys = new Map<ResourceSpec, string[]>();
  /** The time of the operation being run, while one runs. */
  private running: Date | undefined;
  /** Sees the writes of HTTP requests (webhooks, event streams); set by the server. */
  onWrite: WriteObserver | undefined;
  /** The clock every operation's time is read from. */
  clock = new Clock();

  constructor(
    readonly model: SpecModel,
    readonly store: Store,
    private readonly rules: Record<Product, ProductRules>,
    /** The accounts' live auth tokens, which Accounts' rules change (a secondary token, its promotion). */
    readonly authTokens: AuthTokens,
    /** Called once for every new account (the Events catalogue every account sees). */
    private readonly initAccount: (account: AccountStore) => void,
    /** The emulator's own origin, for `url`, `links` and page URLs. */
    public origin = 'http://127.0.0.1',
  ) {
    for (const resource of model.resources.values()) {
      if (resource.instancePath) this.byCollectionShape.set(shape(resource.collectionPath), resource);
      this.propertyKeys.set(resource, Object.keys(resource.properties));
    }
  }

  account(accountSid: string): AccountStore {
    return this.store.account(accountSid, this.initAccount);
  }

  resource(id: string): ResourceSpec {
    const resource = this.model.resources.get(id);
    if (!resource) throw new Error(`No resource ${id}`);
    return resource;
  }

  /** A new SID from the store's deterministic sequence. */
  newSid(prefix: string): string {
    return this.store.newSid(prefix);
  }

  ruleFor(resource: ResourceSpec): ResourceRule {
    return this.rules[resource.product].resources[resource.schemaName] ?? NO_RULE;
  }

  /** Finds the operation for a method and path; throws 404 or 405 as Twilio would. */
  route(method: string, pathname: string): { op: OperationSpec; rawParams: Record<string, string> } {
    const match = this.model.match(pathname);
    if (!match) throw notFound(pathname);
    const op = match.route.operations.get(method);
    if (!op) {
      const allowed = [...match.route.operations.keys()].join(', ');
      throw new EmulatorError(405, 20004, `Method ${method} not allowed on ${pathname}: allowed ${allowed}`);
    }
    return { op, rawParams: match.params };
  }

  /**
   * Runs one HTTP request's operation. `admit` sees the operation with its
   * parents resolved before anything is done, and may refuse it by throwing
   * (a rate limit).
   */
  handle(req: EngineRequest, op: OperationSpec, rawParams: Record<string, string>, admit?: (ctx: OpContext) => void): OpResult {
    const { inputs, given } = parseInputs(op, req.query, req.body, req.headers);
    return this.run(op, this.account(req.accountSid), rawParams, inputs, given, req.query, req.pathname, undefined, true, admit);
  }

  /**
   * Runs an operation from code (the demo seed, and rules that create other resources),
   * through the same validation as HTTP. Throws EmulatorError on refusal.
   * `options.now` is the time the operation happens at (default: the clock's),
   * so a seed can date everything it makes, rule-made dates included.
   */
  call(accountSid: string, opId: string, pathParams: Record<string, string>, params: CallParams = {}, options: { now?: Date } = {}): OpResult {
    const op = this.model.operationsById.get(opId);
    if (!op) throw new Error(`No operation ${opId}`);
    const form = new URLSearchParams();
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) continue;
      const header = op.headerParams.find((p) => p.name === name);
      if (header) {
        headers[name.toLowerCase()] = String(value);
        continue;
      }
      const target = op.queryParams.some((p) => p.name === name) ? query : form;
      for (const v of Array.isArray(value) ? value : [value]) target.append(name, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const { inputs, given } = parseInputs(op, query, form, headers);
    const pathname = fill(op.pathTemplate, pathParams);
    // An operation that another one runs (a service's default roles) happens at the same time.
    return this.run(op, this.account(accountSid), pathParams, inputs, given, query, pathname, options.now ?? this.running);
  }

  private run(
    op: OperationSpec,
    account: AccountStore,
    rawParams: Record<string, string>,
    inputs: Inputs,
    given: Set<string>,
    query: URLSearchParams,
    pathname: string,
    now: Date = this.clock.date(),
    announced = false,
    admit?: (ctx: OpContext) => void,
  ): OpResult {
    const isInstanceOp = op.kind === 'fetch' || op.kind === 'update' || op.kind === 'delete';
    const { params, canonical } = this.resolveParents(op, account, rawParams, isInstanceOp, pathname);
    const ctx: OpContext = {
      engine: this,
      op,
      account,
      params,
      collection: canonical,
      inputs,
      given,
      query,
      now: twilioDate(now),
    };
    admit?.(ctx);
    const outer = this.running;
    this.running = now;
    try {
      this.rules[op.product].beforeOperation?.(ctx);
      return this.dispatch(ctx, pathname, announced && outer === undefined);
    } finally {
      this.running = outer;
    }
  }

  private dispatch(ctx: OpContext, pathname: string, announced: boolean): OpResult {
    const { op, account } = ctx;
    const observe = (kind: WriteChange['kind'], record?: StoredRecord) =>
      announced && this.onWrite ? this.onWrite({ op, account, params: ctx.params, inputs: ctx.inputs, kind, record, now: ctx.now }) : undefined;
    const custom = this.rules[op.product].operations?.[op.operationId];
    if (custom) {
      const result = custom(ctx);
      return op.kind === 'list' || op.kind === 'fetch' ? result : withAfter(result, observe('operation'));
    }
    switch (op.kind) {
      case 'list':
        return this.list(ctx);
      case 'create': {
        const record = this.create(ctx);
        return withAfter({ status: 201, body: this.serialize(account, op.resource, record) }, observe('create', record));
      }
      case 'fetch':
        return { status: 200, body: this.serialize(account, op.resource, this.find(ctx, pathname)) };
      case 'update': {
        const record = this.update(ctx, this.find(ctx, pathname));
        return withAfter({ status: 200, body: this.serialize(account, op.resource, record) }, observe('update', record));
      }
      case 'delete': {
        const record = this.find(ctx, pathname);
        let after: (() => void) | void = undefined;
        // Seen before the record goes, while its children (a channel's webhooks) can still be read.
        this.remove(ctx, record, () => (after = observe('delete', record)));
        return withAfter({ status: 204, body: null }, after);
      }
      default:
        throw new Error(`${op.id} has no handler`);
    }
  }

  /**
   * Resolves every parent id in the path to its canonical SID (unique names and
   * identities included), so that `/Channels/general/Members` and
   * `/Channels/CH…/Members` are one collection. Unknown parents are 404.
   */
  private resolveParents(
    op: OperationSpec,
    account: AccountStore,
    rawParams: Record<string, string>,
    isInstanceOp: boolean,
    pathname: string,
  ): { params: Record<string, string>; canonical: string } {
    const segments = op.pathTemplate.split('/').slice(1);
    const lastParam = op.pathParams[op.pathParams.length - 1]?.name;
    const params: Record<string, string> = { ...rawParams };
    let canonical = '';
    let templatePrefix = '';
    for (const segment of segments) {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!name) {
        canonical += '/' + segment;
        templatePrefix += '/' + segment;
        continue;
      }
      if (isInstanceOp && name === lastParam) break;
      const resource = this.byCollectionShape.get(shape(templatePrefix));
      const spec = op.pathParams.find((p) => p.name === name);
      const value = rawParams[name] ?? '';
      if (spec?.pattern && !spec.pattern.test(value)) throw notFound(pathname);
      const record = resource ? this.lookup(account, resource, canonical, value, !spec?.pattern) : undefined;
      if (resource && !record) throw notFound(pathname);
      const id = record ? String(record.data[resource!.idField]) : value;
      params[name] = id;
      canonical += '/' + id;
      templatePrefix += '/{}';
    }
    return { params, canonical };
  }

  /** Finds an instance of `resource` in `collection` by id, or by an alternate key where allowed. */
  lookup(account: RuleAccount, resource: ResourceSpec, collection: string, value: string, altAllowed: boolean): StoredRecord | undefined {
    // A value with an encoded `/` must not reach a record of another collection (`CH…%2FMembers%2FMB…`).
    const direct = account.get(`${collection}/${value}`);
    if (direct && direct.collection === collection) return direct;
    const altKeys = this.ruleFor(resource).altKeys;
    if (!altAllowed || !altKeys || (resource.sidPattern && resource.sidPattern.test(value))) return undefined;
    return account.list(collection).find((r) => altKeys.some((k) => r.data[k] === value));
  }

  /** The instance an instance operation addresses, or 404. */
  find(ctx: OpContext, pathname: string): StoredRecord {
    const idParam = ctx.op.pathParams[ctx.op.pathParams.length - 1]!;
    const value = ctx.params[idParam.name] ?? '';
    if (idParam.pattern && !idParam.pattern.test(value)) throw notFound(pathname);
    const record = this.lookup(ctx.account, ctx.op.resource, ctx.collection, value, !idParam.pattern);
    if (!record) throw notFound(pathname);
    ctx.params[idParam.name] = String(record.data[ctx.op.resource.idField]);
    return record;
  }

  // ---- the generic operations ----------------------------------------------------------

  list(ctx: OpContext): OpResult {
    const { op, account, inputs } = ctx;
    const resource = op.resource;
    const rule = this.ruleFor(resource);
    const filters: Array<(r: StoredRecord) => boolean> = [];
    for (const param of op.queryParams) {
      if (param.name === 'Order' || !(param.name in inputs)) continue;
      const value = inputs[param.name];
      const custom = rule.filters?.[param.name];
      if (custom) {
        filters.push((r) => custom(r, value, account));
        continue;
      }
      const field = snakeCase(param.name);
      filters.push(Array.isArray(value) ? (r) => value.includes(r.data[field]) : (r) => r.data[field] === value);
    }
    const all = account.list(ctx.collection);
    const records = filters.length ? all.filter((r) => filters.every((f) => f(r))) : all;
    return this.page(ctx, resource, records);
  }

  /** Serves one page of `records` (creation order) as Twilio does, with its `meta`. */
  page(ctx: OpContext, resource: ResourceSpec, records: readonly StoredRecord[]): OpResult {
    const paging = parsePaging(ctx.query);
    const order = ctx.inputs.Order === 'desc' ? 'desc' : 'asc';
    const result = paginate(records, { ...paging, order });
    const base = this.origin + ctx.collection;
    const filterQuery = new URLSearchParams(ctx.query);
    for (const p of ['PageSize', 'Page', 'PageToken']) filterQuery.delete(p);
    const pageUrl = (page: number, token: string | null | undefined) => {
      const q = new URLSearchParams(filterQuery);
      q.set('PageSize', String(paging.pageSize));
      q.set('Page', String(page));
      if (token) q.set('PageToken', token);
      return `${base}?${q}`;
    };
    const key = resource.listKey!;
    const toJson = (r: StoredRecord) => this.serialize(ctx.account, resource, r);
    return {
      status: 200,
      body: {
        [key]: result.items.map(toJson),
        meta: {
          page: paging.page,
          page_size: paging.pageSize,
          first_page_url: pageUrl(0, undefined),
          previous_page_url: result.previous ? pageUrl(Math.max(0, paging.page - 1), result.previous) : null,
          url: pageUrl(paging.page, paging.token),
          next_page_url: result.next ? pageUrl(paging.page + 1, result.next) : null,
          key,
        },
      },
    };
  }

  /** Creates an instance of the operation's resource in its collection. */
  create(ctx: OpContext): StoredRecord {
    const resource = ctx.op.resource;
    const rule = this.ruleFor(resource);
    const data: Record<string, unknown> = {};
    if ('account_sid' in resource.properties) data.account_sid = ctx.account.accountSid;
    for (const [name, value] of Object.entries(ctx.params)) {
      const field = snakeCase(name);
      if (field in resource.properties && field !== resource.idField) data[field] = value;
    }
    Object.assign(data, rule.defaults?.(ctx));
    if ('date_created' in resource.properties) data.date_created = ctx.now;
    if ('date_updated' in resource.properties) data.date_updated = ctx.now;
    Object.assign(data, this.fieldsFromInputs(ctx, resource));
    // An id the caller gives (a Proxy phone number's `Sid`) is kept; otherwise a SID is made.
    const id = data[resource.idField] ?? (resource.sidPrefix ? this.store.newSid(resource.sidPrefix) : undefined);
    if (id === undefined || id === null) throw new Error(`${ctx.op.id}: no id for the new ${resource.schemaName}`);
    data[resource.idField] = id;
    this.checkUnique(ctx.account, resource, ctx.collection, data, undefined);
    if (ctx.account.get(`${ctx.collection}/${String(id)}`)) {
      throw conflict(20409, `${resource.schemaName.split('.').pop()} ${String(id)} already exists`);
    }
    const whenStored = rule.beforeCreate?.(ctx, data);
    const record = ctx.account.insert(ctx.collection, String(id), data);
    whenStored?.(record);
    rule.afterCreate?.(ctx, record);
    return record;
  }

  /** Applies the given inputs to an instance; only the fields sent change. */
  update(ctx: OpContext, record: StoredRecord): StoredRecord {
    const resource = ctx.op.resource;
    const rule = this.ruleFor(resource);
    const changes = this.fieldsFromInputs(ctx, resource, record.data);
    if ('date_updated' in resource.properties && !ctx.given.has('DateUpdated')) changes.date_updated = ctx.now;
    this.checkUnique(ctx.account, resource, record.collection, { ...record.data, ...changes }, record);
    rule.beforeUpdate?.(ctx, record, changes);
    ctx.account.update(record, changes);
    rule.afterUpdate?.(ctx, record);
    return record;
  }

  /** Deletes a record and its children; `beforeRemove` runs once the rules allow it, before anything goes. */
  remove(ctx: OpContext, record: StoredRecord, beforeRemove?: () => void): void {
    const rule = this.ruleFor(ctx.op.resource);
    rule.beforeDelete?.(ctx, record);
    beforeRemove?.();
    ctx.account.remove(record.path);
    rule.afterDelete?.(ctx, record);
  }

  /**
   * Maps body inputs onto resource fields: `FriendlyName` -> `friendly_name`,
   * dotted names into nested objects (`Notifications.NewMessage.Enabled` ->
   * `notifications.new_message.enabled`). Inputs with no field are not stored.
   */
  private fieldsFromInputs(ctx: OpContext, resource: ResourceSpec, current: Record<string, unknown> = {}): Record<string, unknown> {
    const rule = this.ruleFor(resource);
    const out: Record<string, unknown> = {};
    for (const param of ctx.op.bodyParams) {
      if (!ctx.given.has(param.name)) continue;
      const value = ctx.inputs[param.name];
      const mapped = rule.inputFields?.[param.name];
      if (mapped === null) continue;
      if (mapped) {
        out[mapped] = value;
        continue;
      }
      const [head, ...rest] = param.name.split('.');
      const field = snakeCase(head!);
      if (!(field in resource.properties)) continue;
      if (rest.length === 0) {
        out[field] = value;
        continue;
      }
      const root = structuredClone((out[field] ?? current[field] ?? {}) as Record<string, unknown>);
      let node = root;
      rest.forEach((part, i) => {
        const key = snakeCase(part);
        if (i === rest.length - 1) node[key] = value;
        else node = (node[key] ??= {}) as Record<string, unknown>;
      });
      out[field] = root;
    }
    return out;
  }

  private checkUnique(account: RuleAccount, resource: ResourceSpec, collection: string, data: Record<string, unknown>, self: StoredRecord | undefined): void {
    for (const u of this.ruleFor(resource).unique ?? []) {
      const value = data[u.field];
      if (value === null || value === undefined) continue;
      if (account.list(collection).some((r) => r !== self && r.data[u.field] === value)) throw conflict(u.code, u.message(value));
    }
  }

  /** The resource as Twilio serves it: every property of its schema, `url` and `links` absolute. */
  serialize(account: RuleAccount, resource: ResourceSpec, record: StoredRecord): Record<string, unknown> {
    const rule = this.ruleFor(resource);
    const computed = rule.computed?.(account, record);
    const out: Record<string, unknown> = {};
    for (const key of this.propertyKeys.get(resource)!) {
      if (key === 'url') out.url = this.origin + record.path;
      else if (key === 'links') out.links = this.links(resource, record, rule);
      else if (computed && key in computed) out[key] = computed[key];
      else out[key] = record.data[key] ?? null;
    }
    return out;
  }

  private links(resource: ResourceSpec, record: StoredRecord, rule: ResourceRule): Record<string, string> {
    const links: Record<string, string> = {};
    for (const [name, template] of Object.entries(resource.links)) {
      links[name] = `${this.origin}${record.path}/${template.split('/').pop()}`;
    }
    for (const [name, path] of Object.entries(rule.links?.(record) ?? {})) links[name] = this.origin + path;
    return links;
  }
}

function withAfter(result: OpResult, after: (() => void) | void): OpResult {
  return after ? { ...result, afterResponse: [...(result.afterResponse ?? []), after] } : result;
}

/** Fills a path template with (already canonical or raw) parameter values, each segment encoded. */
export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
