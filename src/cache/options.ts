/** How the response cache is configured (`RESPONSE_CACHE_*`); read by config.ts, checked against the schema by the gateway. */

export interface ResponseCacheOptions {
  /** TTL of a cached answer, in ms (`RESPONSE_CACHE_TTL_MS`); 0, the default, turns the cache off. */
  ttlMs: number;
  /** TTLs by type (`ChatMessage`) or field (`ChatChannel.messages`), in ms; the lowest of a document's applies (`RESPONSE_CACHE_TTLS`). */
  ttls: Readonly<Record<string, number>>;
  /** Key of the keyed hash that makes the cache keys (`RESPONSE_CACHE_SECRET`); null: a random one per process. */
  secret: string | null;
  /** In-process only: most bytes of answers (their JSON) kept (`RESPONSE_CACHE_MAX_BYTES`). */
  maxBytes: number;
  /** Redis shared by the replicas (`REDIS_URL`); null: in this process. */
  redisUrl: string | null;
}

export const DEFAULT_RESPONSE_CACHE_OPTIONS: Readonly<ResponseCacheOptions> = Object.freeze({
  ttlMs: 0,
  ttls: Object.freeze({}),
  secret: null,
  maxBytes: 64_000_000,
  redisUrl: null,
});

/** The longest TTL accepted: a day. */
export const MAX_TTL_MS = 86_400_000;

const COORDINATE = /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/;

/** Reads `ChatMessage=0,ChatUser=60000`; throws a message (without the variable's name) on a malformed entry. */
export function parseTtls(raw: string): Record<string, number> {
  const ttls: Record<string, number> = {};
  for (const entry of raw.split(',')) {
    const text = entry.trim();
    if (text === '') continue;
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq).trim();
    const value = eq < 0 ? '' : text.slice(eq + 1).trim();
    if (!COORDINATE.test(name) || !/^\d+$/.test(value) || Number(value) > MAX_TTL_MS) {
      throw new Error(
        `each entry must be Type=ms or Type.field=ms with ms from 0 to ${MAX_TTL_MS}, as in ChatMessage=0,ChatUser=60000; got ${JSON.stringify(text)}`,
      );
    }
    if (Object.hasOwn(ttls, name)) throw new Error(`${name} is given twice`);
    ttls[name] = Number(value);
  }
  return ttls;
}
