/**
 * Objects reached by the keys the caller gave. A parent (a service, a
 * channel, a user) is read from Twilio only when the query asks for one of
 * its own fields: a list or lookup under it builds its REST path from the
 * parent's keys, and fails with Twilio's 404 when the parent does not exist.
 * Until then the parent is a stub holding exactly those keys.
 *
 * Each node type with children declares its keys once (`NodeKeys`), and each
 * field that needs only them is declared through its helpers, which give the
 * resolver the keys and nothing of the record. Whether an object is fetched
 * is decided from the selection (selection.ts), the same way wherever it is
 * reached: a root field, a lookup under a parent, a link from another object,
 * `node(id:)` or `_entities`.
 */
import { GraphQLError, isObjectType, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { ObjectFieldBuilder, brandWithType, type SchemaTypes } from '@pothos/core';
import type { GatewayContext } from '../context.ts';
import { nodeKey, splitNodeKey } from './global-id.ts';
import { isSid } from './validate.ts';
import { needsOf, type KeyOnly } from './selection.ts';
import { UNCACHED_KEY, isPartialRecord } from './partial.ts';

export interface KeyPart {
  /** The SID prefix (`CH`); absent where the key is a name by nature (an event schema's ID). */
  sid?: string;
  /**
   * Where Twilio takes a name instead of the SID: `paths` when the paths of
   * the object's children take it too (a Chat channel's unique name, a user's
   * identity: the specs give those path parameters no SID pattern), `self`
   * when only the object's own fetch does (a Proxy session's unique name).
   */
  name?: 'paths' | 'self';
}

/**
 * What a key-only field's resolver is given: the parent's keys, and whether
 * the parent is known to exist (read from Twilio, or named by a record that
 * lives in it).
 */
export type Keys<K> = Readonly<K> & { readonly exists: boolean };

const KEYS = Symbol('keys');

/** The dataloader plugin files every object a field returns in its type's loader: stubs all go under this key, which no load asks for. */
const STUB_CACHE_KEY = Symbol('stub') as unknown as string;

const registry = new Map<string, NodeKeys<object, Record<string, string>>>();

export class NodeKeys<R extends object, K extends Record<string, string>> {
  readonly #parts: ReadonlyArray<readonly [keyof K & string, KeyPart]>;
  /** Parts a field can use only as SIDs, whatever it is: a name there serves the object's own fetch alone. */
  readonly #selfNamed: string[];

  /**
   * @param parts the key's parts in node-key order (NODE_KEY_PARTS)
   * @param ofRecord the keys of a record, all SIDs
   * @param loadKey the type's loader, by node key
   */
  constructor(
    readonly typename: string,
    parts: { readonly [P in keyof K & string]: KeyPart },
    private readonly ofRecord: (record: R) => K,
    private readonly loadKey: (ctx: GatewayContext, key: string) => Promise<R | null>,
  ) {
    this.#parts = Object.entries(parts) as Array<[keyof K & string, KeyPart]>;
    this.#selfNamed = this.#parts.filter(([, part]) => part.name === 'self').map(([name]) => name);
    registry.set(typename, this as unknown as NodeKeys<object, Record<string, string>>);
  }

  /** The names of the key's parts. */
  get parts(): string[] {
    return this.#parts.map(([name]) => name);
  }

  /** The keys of a parent, record or stub. */
  keysOf(parent: R): Keys<K> {
    return KEYS in parent ? (parent[KEYS] as Keys<K>) : { ...this.ofRecord(parent), exists: true };
  }

  /** The node key (`serviceSid:channelSid`) of `keys`. */
  key(keys: K): string {
    return nodeKey(...this.#parts.map(([name]) => keys[name] as string));
  }

  /** The keys of a node key, each part checked (BAD_USER_INPUT). */
  parse(key: string): K {
    const values = splitNodeKey(key, this.typename);
    return Object.fromEntries(this.#parts.map(([name], i) => [name, values[i]!])) as K;
  }

  load(ctx: GatewayContext, keys: K): Promise<R | null> {
    return this.loadKey(ctx, this.key(keys));
  }

  /**
   * The object at `keys`, for a field whose `info` selects on it: a stub when
   * the selection needs nothing of its record, its record otherwise (`load`,
   * or the type's loader). `exists` is true where a record names the object
   * as its parent: then nothing need prove it exists.
   */
  resolve(ctx: GatewayContext, info: GraphQLResolveInfo, keys: K, options: { exists?: boolean; load?: () => Promise<R | null> } = {}): R | Promise<R | null> {
    const exists = options.exists ?? false;
    if (this.stubs(info, keys, exists)) return this.stub(keys, exists);
    return options.load ? options.load() : this.load(ctx, keys);
  }

  /**
   * Whether `info`'s selection can be answered from `keys` alone: no field
   * reads the record, something under the object proves it exists (unless it
   * is known to), and every name the caller gave is one the fields asked for
   * take.
   */
  stubs(info: GraphQLResolveInfo, keys: K, exists: boolean): boolean {
    const needs = needsOf(info.schema, info.schema.getType(this.typename) as GraphQLObjectType, info.fieldNodes, (name) => info.fragments[name]);
    if (needs.record || (!exists && !needs.proven)) return false;
    for (const [name, part] of this.#parts) {
      const value = keys[name] as string;
      if (part.sid === undefined || isSid(value, part.sid)) continue;
      if (!part.name || needs.sids.has(name)) return false;
    }
    return true;
  }

  stub(keys: K, exists: boolean): R {
    const held: Keys<K> = { ...keys, exists };
    return { [KEYS]: held } as unknown as R;
  }

  /** `cacheResolved` of the type's loader: a record under its node key. */
  cacheKey(object: R): string {
    if (isPartialRecord(object)) return UNCACHED_KEY;
    return KEYS in object ? STUB_CACHE_KEY : this.key(this.ofRecord(object));
  }

  /** The `id` field of the node type: its node key, from the keys when they are SIDs. */
  get id() {
    const sids = this.#parts.filter(([, part]) => part.name).map(([name]) => name);
    return { resolve: (parent: R) => this.key(this.keysOf(parent)), extensions: { keyOnly: { sids } satisfies KeyOnly } };
  }

  /** `_entities`: a stub when the selection allows, else `load` (the key's errors are the loader's, as for every representation). */
  reference(ctx: GatewayContext, info: GraphQLResolveInfo, key: string, load: () => Promise<R | null> = () => this.loadKey(ctx, key)): R | Promise<R | null> {
    let keys: K;
    try {
      keys = this.parse(key);
    } catch {
      return load();
    }
    return this.resolve(ctx, info, keys, { load });
  }

  /**
   * Builders of the fields of this type that need only its keys:
   * `list` and `lookup` for lists and lookups under the object, `key` for
   * fields answered from the keys (`sid`, `serviceSid`, a link to the
   * object's service). Each resolver is given the keys and nothing else.
   */
  fields<Types extends SchemaTypes>(t: { builder: PothosSchemaTypes.SchemaBuilder<Types> }) {
    const kt = new ObjectFieldBuilder<Types, Keys<K>>(t.builder);
    type Options = { resolve: (parent: Keys<K>, ...rest: never[]) => unknown; extensions?: Record<string, unknown> };
    const declare = (keyOnly: KeyOnly, resolve: (options: Options) => (parent: R, ...rest: never[]) => unknown) =>
      ((options: Options) => kt.field({ ...options, extensions: { ...options.extensions, keyOnly }, resolve: resolve(options) } as never)) as typeof kt.field;
    const withKeys =
      (options: Options) =>
      (parent: R, ...rest: never[]) =>
        options.resolve(this.keysOf(parent), ...rest);
    return {
      list: declare({ child: 'list', sids: this.#selfNamed }, withKeys),
      lookup: declare(
        { child: 'lookup', sids: this.#selfNamed, readsParent: this.#parts.some(([, part]) => part.name === 'paths') },
        (options) =>
          (parent: R, ...rest: never[]) => {
            const [, ctx] = rest as unknown as [unknown, GatewayContext];
            return this.#lookup(parent, ctx, (keys) => options.resolve(keys, ...rest));
          },
      ),
      key: (sids: ReadonlyArray<keyof K & string> = []) => declare({ sids: [...sids, ...this.#selfNamed] }, withKeys),
    };
  }

  /**
   * A lookup under a parent. When it finds nothing under a parent not read,
   * Twilio's 404 cannot say whether the child or the parent is missing: the
   * parent is read to tell (null for a missing child, NOT_FOUND for a missing
   * parent). A name holding `:` cannot sit inside a child's node key, so the
   * parent is read for its SIDs first.
   */
  async #lookup(parent: R, ctx: GatewayContext, find: (keys: Keys<K>) => unknown): Promise<unknown> {
    let keys = this.keysOf(parent);
    if (this.#parts.some(([name, part]) => part.name === 'paths' && (keys[name] as string).includes(':'))) {
      const record = await this.load(ctx, keys);
      if (!record) throw this.#notFound(keys);
      keys = this.keysOf(record);
    }
    const child = await find(keys);
    if ((child !== null && child !== undefined) || keys.exists) return child;
    if ((await this.load(ctx, keys)) === null) throw this.#notFound(keys);
    return null;
  }

  #notFound(keys: K): GraphQLError {
    return new GraphQLError(`Twilio has no ${this.typename} ${this.key(keys)}`, { extensions: { code: 'NOT_FOUND', status: 404 } });
  }
}

/** The description of a lookup answering a type with keys: `what` is found, and how a missing one shows. */
export function lookupDescription(what: string, noun: string): string {
  return `${what}; null when there is none. It is read from Twilio only for its own fields: asked only for what lies under it, a missing ${noun} is a \`NOT_FOUND\` error from the call under it.`;
}

/** `node(id:)` of a type with keys: a stub when the selection needs nothing of the record, else undefined (load it). */
export function stubOfNode(info: GraphQLResolveInfo, id: { typename: string; id: string }): object | undefined {
  const type = registry.get(id.typename);
  if (!type) return undefined;
  let keys: Record<string, string>;
  try {
    keys = type.parse(id.id);
  } catch {
    // The loader answers a malformed key with its error, as for every node.
    return undefined;
  }
  if (!type.stubs(info, keys, false)) return undefined;
  const stub = type.stub(keys, false);
  // `Node` tells an object's type by its brand, as the relay plugin brands what it loads.
  brandWithType(stub, id.typename as never);
  return stub;
}

/** `nodes(ids:)`: stubs where the selection allows, the rest loaded in one batch (`load`: the relay plugin's `resolveNodes`). */
export async function nodesOrStubs(
  info: GraphQLResolveInfo,
  ids: Array<{ typename: string; id: string }>,
  load: (ids: Array<{ typename: string; id: string }>) => Promise<unknown[]>,
): Promise<unknown[]> {
  const results: unknown[] = ids.map((id) => stubOfNode(info, id));
  const rest = ids.flatMap((id, i) => (results[i] === undefined ? [{ id, i }] : []));
  if (rest.length) {
    const loaded = await load(rest.map(({ id }) => id));
    rest.forEach(({ i }, j) => (results[i] = loaded[j]));
  }
  return results;
}

/**
 * Checks the declarations once, as the schema is built: a key-only field
 * sits on a type that declares keys and names parts of them, and every type
 * that declares keys exists and answers `id` from them.
 */
export function checkKeyOnlyFields(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const keys = registry.get(type.name);
    for (const field of Object.values(type.getFields())) {
      const keyOnly = field.extensions?.keyOnly as KeyOnly | undefined;
      if (!keyOnly) continue;
      if (!keys)
        throw new Error(`${type.name}.${field.name} needs only its parent's keys, but ${type.name} declares none (NodeKeys, src/schema/shared/keys.ts)`);
      const unknown = (keyOnly.sids ?? []).filter((part) => !keys.parts.includes(part));
      if (unknown.length) throw new Error(`${type.name}.${field.name} names ${unknown.join(', ')}, which are not parts of ${type.name}'s keys`);
    }
  }
  for (const [name] of registry) {
    const type = schema.getType(name);
    if (!isObjectType(type) || !type.getFields().id?.extensions?.keyOnly)
      throw new Error(`${name} declares keys but its id is not answered from them (id: NodeKeys.id)`);
  }
}
