/**
 * The response cache: Yoga's response-cache plugin, keyed so that no answer
 * ever crosses from one caller to another, and invalidated by the gateway's
 * own writes and by Twilio's webhooks.
 *
 * - **Key.** `<account SID>.<HMAC-SHA256>` of the caller's full credentials
 *   (account SID with auth token, or API key with its secret: the gateway's
 *   own when the request brings none), the document, the operation name and
 *   the variables, under a key of the gateway's (`RESPONSE_CACHE_SECRET`). An
 *   account SID alone is not a secret, so the secret is in the hash: another
 *   token for the same account, which Twilio would refuse, finds nothing.
 *   Nothing of the credentials can be read back from a key.
 * - **What is cached.** Queries over HTTP whose answer has no error, for the
 *   TTL, or less where a type of the document says so. Never mutations,
 *   subscriptions, answers with errors, introspection, nor any document that
 *   can return a type carrying a secret (SECRET_BEARING_TYPES).
 * - **Invalidation.** By the REST resources an answer read and a write
 *   changed (tags.ts), per account, before the write's answer is sent; and by
 *   each verified Chat webhook.
 * - **Documents run as written.** The plugin adds `__typename` to every
 *   selection set of the document it executes; it is run as the client wrote
 *   it instead (the additions only serve the plugin's own entity tracking,
 *   which is not used here), so that compiled execution finds it in its
 *   bounded cache rather than compiling a second copy outside it. TTLs per
 *   type are read from the document's types instead, the same for every
 *   answer to it.
 * - **Cost.** A cached answer says so: `extensions.cost.restCalls` is 0 and
 *   `extensions.responseCache.hit` true.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  TypeInfo,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { GatewayContext } from '../schema/context.ts';
import { requestCredentials } from '../credentials.ts';
import type { TwilioCredentials, TwilioTransport } from '../twilio/client.ts';
import type { ChatLiveEvent } from '../live/events.ts';
import { SECRET_BEARING_TYPES } from '../schema/shared/secrets.ts';
import { ACCOUNT_TAG, ResourceTags, chatEventTags } from './tags.ts';
import { MemoryStore, type ResponseStore } from './store.ts';
import { RedisStore } from './redis-store.ts';
import type { ResponseCacheOptions } from './options.ts';
import { ConfigError } from '../config-error.ts';

export interface ResponseCacheStats {
  /** Answers served from the cache. */
  hits: number;
  /** Answers handed to the store (it may still refuse one that raced a write). */
  stored: number;
  /** Tags invalidated (by writes and webhooks). */
  invalidations: number;
}

export interface GatewayResponseCache {
  readonly store: ResponseStore;
  /** The plugins, for createGateway's list (after compiled execution and the cost limit). */
  plugin(): Plugin;
  /** Drops the cached answers a verified Chat event makes stale. */
  invalidateChatEvent(event: ChatLiveEvent): Promise<void>;
  stats(): ResponseCacheStats;
  close(): Promise<void>;
}

export interface ResponseCacheDeps {
  schema: GraphQLSchema;
  transport: TwilioTransport;
  /** The gateway's own credentials, used by requests that bring none. */
  credentials: TwilioCredentials | null;
  /** The longest a request may run: how long an invalidation keeps older answers from being stored. */
  requestTimeoutMs: number;
  /** Told of Redis failures and failed invalidations (never a secret). */
  onWarning?: (message: string) => void;
}

/** What the cache needs of one execution, kept on its result until the plugin stores it. */
interface Pending {
  account: string;
  tags: string[];
  startedAt: number;
  ttlMs: number;
}

export function createResponseCache(options: ResponseCacheOptions, deps: ResponseCacheDeps): GatewayResponseCache {
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const warn = deps.onWarning ?? ((message: string) => console.error(message));
  const store: ResponseStore = options.redisUrl
    ? new RedisStore({ url: options.redisUrl, raceWindowMs: deps.requestTimeoutMs, onWarning: warn })
    : new MemoryStore({ maxBytes: options.maxBytes, raceWindowMs: deps.requestTimeoutMs });
  const stats: ResponseCacheStats = { hits: 0, stored: 0, invalidations: 0 };
  const ttlOf = documentTtls(deps.schema, options.ttlMs, options.ttls);
  // Set when the request's key is made (over HTTP, with credentials that may be cached for): the cache is used for it.
  const keyOf = new WeakMap<object, string>();
  const pending = new WeakMap<object, Pending>();

  const invalidate = async (account: string, tags: readonly string[]) => {
    stats.invalidations += tags.length;
    try {
      await store.invalidate(account, tags);
    } catch (error) {
      warn(`Response cache: an invalidation failed (${error instanceof Error ? error.message : String(error)})`);
    }
  };

  const cache: Cache = {
    async get(key) {
      const cached = await store.get(key);
      if (!cached) return null;
      stats.hits++;
      return asHit(cached);
    },
    async set(key, result, _entities, ttl) {
      const meta = pending.get(result);
      const ttlMs = Math.min(ttl, meta?.ttlMs ?? 0);
      // Without what it read, a stored answer could never be invalidated: not stored.
      if (!meta || !(ttlMs > 0)) return;
      stats.stored++;
      await store.set(key, result, { account: meta.account, tags: meta.tags, ttlMs, startedAgoMs: performance.now() - meta.startedAt });
    },
    // The plugin's own invalidation (by the `__typename` and `id` of a mutation's objects) is not used: see tags.ts.
    invalidate() {},
  };

  /** Runs each document as written, notes what a query read, and invalidates what a write changed before its answer goes. */
  const tracking: Plugin = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const context = args.contextValue as GatewayContext;
      const resources = context.twilio?.resources;
      if (!(resources instanceof ResourceTags)) return;
      const asWritten = args.document;
      setExecuteFn((rewritten) => executeFn({ ...rewritten, document: asWritten }));
      const startedAt = performance.now();
      const account = context.twilio.accountSid;
      const invalidated = new Set<string>();
      /** Invalidates what was written since last time. */
      const flush = async () => {
        const fresh = [...resources.writes].filter((tag) => !invalidated.has(tag));
        for (const tag of fresh) invalidated.add(tag);
        if (fresh.length > 0) await invalidate(account, fresh);
      };
      return {
        async onExecuteDone({ result }) {
          // Answered in parts (@defer, @stream): never stored; what was written is invalidated before each part goes.
          if (Symbol.asyncIterator in result) {
            await flush();
            return { onNext: flush };
          }
          if (resources.writes.size > 0) return flush();
          if (keyOf.has(context) && !(result as ExecutionResult).errors?.length) {
            pending.set(result, { account, tags: [...resources.reads, ACCOUNT_TAG], startedAt, ttlMs: ttlOf(asWritten) });
          }
        },
      };
    },
  };

  const responseCache = useResponseCache<GatewayContext>({
    cache,
    ttl: options.ttlMs,
    // Entities are not tracked: no `id` is added to documents (see tags.ts).
    idFields: [],
    // Mutations go through the plugin's invalidation path, so it never caches them.
    invalidateViaMutation: true,
    includeExtensionMetadata: false,
    session(request) {
      let credentials: TwilioCredentials;
      try {
        credentials = requestCredentials(request, deps.credentials);
      } catch {
        return null;
      }
      // Credentials Twilio has just refused get nothing cached for them.
      if (deps.transport.isRefused(credentials)) return null;
      return `${credentials.accountSid}.${hmac(secret, credentialMaterial(credentials))}`;
    },
    buildResponseCacheKey({ documentString, variableValues, operationName, sessionId, context }) {
      if (!sessionId) return '';
      const account = sessionId.slice(0, sessionId.indexOf('.'));
      const key = `${account}.${hmac(secret, ['v1', sessionId, documentString, operationName ?? '', stableJson(variableValues ?? {})])}`;
      keyOf.set(context as object, key);
      return key;
    },
    // Only where the key was made: HTTP requests with usable credentials. Not graphql-ws, nor a client's If-None-Match before it.
    enabled: (_request, context) => keyOf.has(context as object),
    shouldCacheResult: ({ result }) => !result.errors?.length,
  });

  return {
    store,
    plugin: () => ({
      onPluginInit({ addPlugin }) {
        // In this order, after compiled execution and the cost limit: the tracking sees the cost added, and runs the plugin's execution.
        addPlugin(tracking);
        addPlugin(responseCache);
      },
    }),
    invalidateChatEvent: (event) => invalidate(event.accountSid, chatEventTags(event)),
    stats: () => ({ ...stats }),
    close: () => store.close(),
  };
}

/** A stored answer as a hit: it cost no REST call now. */
function asHit(cached: ExecutionResult): ExecutionResult {
  const extensions = { ...cached.extensions } as Record<string, unknown>;
  const cost = extensions.cost as Record<string, unknown> | undefined;
  if (cost) {
    const { retries: _, ...rest } = cost;
    extensions.cost = { ...rest, restCalls: 0 };
  }
  extensions.responseCache = { hit: true };
  return { ...cached, extensions };
}

/** What identifies a caller, secret included: never stored or shown, only hashed. */
function credentialMaterial(credentials: TwilioCredentials): string[] {
  return 'apiKey' in credentials
    ? ['key', credentials.accountSid, credentials.apiKey, credentials.apiSecret]
    : ['token', credentials.accountSid, credentials.authToken];
}

function hmac(secret: string, parts: readonly string[]): string {
  return createHmac('sha256', secret).update(JSON.stringify(parts)).digest('hex');
}

/** JSON with object keys sorted, so that the same variables in another order make the same key. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The TTL of every answer to a document: the lowest of the default and of the
 * TTLs configured for the types and fields it can return (every type a field
 * of it may resolve to), 0 when it can return a type carrying a secret.
 * Decided once per document, from the schema, whatever a given answer holds.
 */
export function documentTtls(schema: GraphQLSchema, ttlMs: number, ttls: Readonly<Record<string, number>>): (document: DocumentNode) => number {
  const known = new WeakMap<DocumentNode, number>();
  const secret = new Set<string>(SECRET_BEARING_TYPES);
  return (document) => {
    let ttl = known.get(document);
    if (ttl !== undefined) return ttl;
    ttl = ttlMs;
    const consider = (name: string) => {
      if (secret.has(name)) ttl = 0;
      const configured = ttls[name];
      if (configured !== undefined) ttl = Math.min(ttl!, configured);
    };
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        OperationDefinition(node) {
          // Only queries are cached; a mutation's or subscription's types do not matter.
          if (node.operation !== 'query') ttl = 0;
        },
        Field(node) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return;
          consider(parent.name);
          consider(`${parent.name}.${node.name.value}`);
          const type = getNamedType(field.type);
          consider(type.name);
          if (isAbstractType(type)) for (const possible of schema.getPossibleTypes(type)) consider(possible.name);
        },
      }),
    );
    known.set(document, ttl);
    return ttl;
  };
}

/**
 * Checks `RESPONSE_CACHE_TTLS` against the schema: each name is an output type
 * or a field of one, and none gives a type carrying a secret a TTL.
 */
export function checkTtlNames(schema: GraphQLSchema, ttls: Readonly<Record<string, number>>): void {
  for (const [name, ttl] of Object.entries(ttls)) {
    const [typeName, fieldName] = name.split('.') as [string, string | undefined];
    const type = schema.getType(typeName);
    if (!type || !(isObjectType(type) || isInterfaceType(type) || isUnionType(type))) {
      throw new ConfigError('RESPONSE_CACHE_TTLS', `${typeName} is not an object, interface or union type of the schema`);
    }
    if (fieldName !== undefined && (isUnionType(type) || !type.getFields()[fieldName])) {
      throw new ConfigError('RESPONSE_CACHE_TTLS', `${typeName} has no field ${fieldName}`);
    }
    if (ttl > 0 && SECRET_BEARING_TYPES.includes(typeName)) {
      throw new ConfigError('RESPONSE_CACHE_TTLS', `${typeName} carries a secret (an auth token) and is never cached: it cannot be given a TTL`);
    }
  }
}
