/**
 * Cached answers in Redis, shared by every replica.
 *
 * Per account (one Redis Cluster hash tag each, so every script touches one
 * slot): the answer under `…:e:<key>` with its TTL; per tag, a set of the keys
 * of the answers carrying it, `…:t:<tag>`, which lives as long as its
 * longest-lived answer; and per tag, when it was last invalidated,
 * `…:x:<tag>`, kept for the race window. Invalidating reads a tag's set
 * (SMEMBERS) and UNLINKs what it names: never KEYS or SCAN over the keyspace,
 * which blocks Redis and which managed Redis often refuses
 * (`@envelop/response-cache-redis` runs `KEYS <type>:*` to invalidate a type).
 *
 * Redis being away never holds a request: a lookup that fails is a miss, and
 * after a failure Redis is left alone (lookups miss at once, answers are not
 * stored) until a probe answers. Invalidations that could not be made are
 * kept (a bounded number) and made once Redis answers again.
 */
import type { ExecutionResult } from 'graphql';
import { Redis } from 'ioredis';
import { RESPONSE_KEY, type ResponseStore, type StoredAnswer } from './store.ts';
import { throttled } from '../twilio/throttled.ts';

const SET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl, n = tonumber(ARGV[2]), tonumber(ARGV[4])
local started = now - tonumber(ARGV[3])
for i = 1, n do
  local at = redis.call('GET', KEYS[1 + n + i])
  if at and tonumber(at) >= started then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 1, n do
  redis.call('SADD', KEYS[1 + i], KEYS[1])
  if redis.call('PTTL', KEYS[1 + i]) < ttl then redis.call('PEXPIRE', KEYS[1 + i], ttl) end
end
return 1
`;

const INVALIDATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local dropped = 0
for i = 1, n do
  local keys = redis.call('SMEMBERS', KEYS[i])
  for from = 1, #keys, 500 do
    dropped = dropped + redis.call('UNLINK', unpack(keys, from, math.min(from + 499, #keys)))
  end
  redis.call('UNLINK', KEYS[i])
  redis.call('SET', KEYS[n + i], now, 'PX', window)
end
return dropped
`;

/** How often a Redis found unreachable is tried again. */
const PROBE_MS = 1_000;
/** Invalidations kept while Redis is away, beyond which the oldest are dropped (their answers then live out their TTL). */
const MAX_PENDING = 10_000;

export interface RedisStoreOptions {
  url: string;
  /** How long an invalidation keeps answers that began before it from being stored (the longest a request may run). */
  raceWindowMs: number;
  /** Longest wait for Redis on a request's path. **Default:** 250. */
  commandTimeoutMs?: number;
  /** Prefix of every key. **Default:** `twilio-gateway:`. */
  keyPrefix?: string;
  /** Told when Redis fails (throttled; never the URL). */
  onWarning?: (message: string) => void;
}

export class RedisStore implements ResponseStore {
  readonly kind = 'redis';
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #raceWindowMs: number;
  readonly #warn: (message: string) => void;
  #shaSet: string | undefined;
  #shaInvalidate: string | undefined;
  /** Redis failed: leave it alone until a probe answers. */
  #away = false;
  #probe: NodeJS.Timeout | undefined;
  readonly #pending: Array<[string, string[]]> = [];

  constructor(options: RedisStoreOptions) {
    this.#prefix = `${options.keyPrefix ?? 'twilio-gateway:'}rc:`;
    this.#raceWindowMs = options.raceWindowMs;
    this.#warn = throttled(options.onWarning ?? ((message) => console.error(message)));
    this.#redis = new Redis(options.url, {
      connectionName: 'twilio-gateway-response-cache',
      commandTimeout: options.commandTimeoutMs ?? 250,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    this.#redis.on('error', (error: Error) => this.#warn(`Response cache: Redis connection failed (${error.message}); retrying`));
  }

  async get(key: string): Promise<ExecutionResult | null> {
    const account = RESPONSE_KEY.exec(key)?.[1];
    if (!account || this.#away) return null;
    try {
      const json = await this.#redis.get(this.#entryKey(account, key));
      return json ? (JSON.parse(json) as ExecutionResult) : null;
    } catch (error) {
      this.#failed(error);
      return null;
    }
  }

  async set(key: string, result: ExecutionResult, answer: StoredAnswer): Promise<void> {
    if (this.#away || !RESPONSE_KEY.test(key)) return;
    const { account } = answer;
    const tagKeys = answer.tags.map((tag) => this.#tagKey(account, tag));
    const invalidatedKeys = answer.tags.map((tag) => this.#invalidatedKey(account, tag));
    try {
      this.#shaSet = await this.#script(
        this.#shaSet,
        SET,
        [this.#entryKey(account, key), ...tagKeys, ...invalidatedKeys],
        [JSON.stringify(result), Math.max(1, Math.round(answer.ttlMs)), Math.max(0, Math.round(answer.startedAgoMs)), answer.tags.length],
      );
    } catch (error) {
      this.#failed(error);
    }
  }

  async invalidate(account: string, tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    if (this.#away) return this.#keep(account, [...tags]);
    try {
      await this.#invalidateNow(account, tags);
    } catch (error) {
      this.#keep(account, [...tags]);
      this.#failed(error);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#probe);
    this.#redis.disconnect();
  }

  async #invalidateNow(account: string, tags: readonly string[]): Promise<void> {
    this.#shaInvalidate = await this.#script(
      this.#shaInvalidate,
      INVALIDATE,
      [...tags.map((tag) => this.#tagKey(account, tag)), ...tags.map((tag) => this.#invalidatedKey(account, tag))],
      [tags.length, this.#raceWindowMs],
    );
  }

  /** Runs a script by its SHA, sending it whole when Redis does not know it; answers the SHA. */
  async #script(sha: string | undefined, text: string, keys: string[], args: Array<string | number>): Promise<string> {
    if (sha) {
      try {
        await this.#redis.evalsha(sha, keys.length, ...keys, ...args);
        return sha;
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      }
    }
    await this.#redis.eval(text, keys.length, ...keys, ...args);
    return (await this.#redis.script('LOAD', text)) as string;
  }

  #keep(account: string, tags: string[]): void {
    this.#pending.push([account, tags]);
    if (this.#pending.length > MAX_PENDING) this.#pending.shift();
  }

  /** Redis failed: lookups miss and answers are not stored until a probe answers; then the invalidations kept are made. */
  #failed(error: unknown): void {
    this.#warn(`Response cache: Redis did not answer (${error instanceof Error ? error.message : String(error)}); answering without the cache until it does`);
    if (this.#away) return;
    this.#away = true;
    const probe = () => {
      this.#probe = setTimeout(() => {
        this.#redis.ping().then(
          async () => {
            while (this.#pending.length > 0) {
              const [account, tags] = this.#pending[0]!;
              try {
                await this.#invalidateNow(account, tags);
              } catch {
                return probe();
              }
              this.#pending.shift();
            }
            this.#away = false;
          },
          () => probe(),
        );
      }, PROBE_MS);
      this.#probe.unref();
    };
    probe();
  }

  #entryKey(account: string, key: string): string {
    return `${this.#prefix}{${account}}:e:${key.slice(key.indexOf('.') + 1)}`;
  }

  #tagKey(account: string, tag: string): string {
    return `${this.#prefix}{${account}}:t:${tag}`;
  }

  #invalidatedKey(account: string, tag: string): string {
    return `${this.#prefix}{${account}}:x:${tag}`;
  }
}
