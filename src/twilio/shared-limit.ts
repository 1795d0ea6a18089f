/**
 * One account's in-flight limit shared by every replica, in Redis. Twilio
 * counts an account's concurrent REST requests whichever process sends them,
 * so with several replicas each REST call also takes a lease here, after its
 * slot in the process's own limiter (limiter.ts, which keeps the fair share
 * per request, the guests and the bounded line) and for as long as it holds
 * that slot.
 *
 * A lease is a member of a sorted set per account, scored by when it expires
 * (Redis's own clock, so replicas' clocks do not matter). Scripts run
 * atomically in Redis: acquire drops the expired leases and adds as many as
 * are free; release removes them; renew pushes the expiry of this process's
 * leases, all of an account in one call, on a timer. A replica that dies
 * without releasing leaves leases that expire within the lease time.
 *
 * Waiting does not poll Redis in a loop: a release under contention is
 * published, and the waiting replicas try again when told; a timer (jittered
 * backoff, at most until the earliest lease expires) covers a lost message or
 * a dead replica's leases. Within a process, calls wait in one line per
 * account, first come first served, and one script call asks for as many
 * leases as the line needs. Across replicas, while another replica waits
 * below its equal part of the limit, no replica takes more than its part.
 *
 * Redis unreachable fails open: calls proceed under the process's own cap,
 * which Twilio's own limit (429, retried) backs; a warning is logged and
 * `stats().failedOpen` counts them. Fail closed would turn a Redis outage into
 * a gateway outage, for a limit Twilio enforces anyway.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { throttled } from './throttled.ts';

/** A second gate each REST call passes: one of the account's slots shared by every replica. */
export interface SharedInFlightLimit {
  /**
   * Waits for one of the account's shared slots and resolves to its release
   * (safe to call twice). Rejects with the signal's reason if it aborts first.
   */
  acquire(accountSid: string, signal?: AbortSignal): Promise<() => void>;
  close(): Promise<void>;
}

export interface SharedLimitStats {
  /** Leases this process holds now. */
  leases: number;
  /** Calls of this process waiting for a lease. */
  waiting: number;
  /** Calls that went ahead without a lease because Redis could not be reached. */
  failedOpen: number;
  /** Leases found expired on renewal (the process was paused longer than the lease time). */
  leasesLost: number;
}

export interface RedisInFlightLimitOptions {
  /** `redis://…` or `rediss://…`. */
  url: string;
  /** REST calls in flight at once per account, across every replica: set the same value on each. */
  limit: number;
  /** How long a lease lives without renewal: a dead replica's slots come back within it. */
  leaseMs: number;
  /** Longest wait for one Redis command before the call goes ahead without it. **Default:** 500. */
  commandTimeoutMs?: number;
  /** Prefix of the keys and channel used. **Default:** `twilio-gateway:`. */
  keyPrefix?: string;
  /** Told when Redis fails (throttled; never the URL, which may hold a password). */
  onWarning?: (message: string) => void;
  /** Source of jitter in [0, 1). **Default:** `Math.random`. */
  random?: () => number;
}

/** Drops expired leases, takes up to `want` free ones within the fair part, marks or unmarks this replica as waiting. */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, lease, me, want, seq = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local leases = redis.call('ZRANGE', KEYS[1], 0, -1)
local held, contenders = {}, 0
for _, id in ipairs(leases) do
  local r = string.match(id, '^(.-)|')
  if r then
    if not held[r] then held[r] = 0; contenders = contenders + 1 end
    held[r] = held[r] + 1
  end
end
local waiting = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, r in ipairs(waiting) do
  if not held[r] then held[r] = 0; contenders = contenders + 1 end
end
if not held[me] then held[me] = 0; contenders = contenders + 1 end
local free = limit - #leases
local allowed = free
local share = math.max(1, math.floor(limit / contenders))
for _, r in ipairs(waiting) do
  if r ~= me and held[r] < share then allowed = math.min(free, share - held[me]); break end
end
local granted = math.max(0, math.min(want, allowed))
for i = 1, granted do redis.call('ZADD', KEYS[1], now + lease, me .. '|' .. (seq + i)) end
if granted > 0 then redis.call('PEXPIRE', KEYS[1], lease * 2) end
local wait = -1
if granted < want then
  redis.call('ZADD', KEYS[2], now + lease, me)
  redis.call('PEXPIRE', KEYS[2], lease)
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if first[2] then wait = tonumber(first[2]) - now end
else
  redis.call('ZREM', KEYS[2], me)
end
return {granted, wait}
`;

/** Removes leases; tells the waiting replicas, if any. */
const RELEASE = `
redis.call('ZREM', KEYS[1], unpack(ARGV, 3))
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PUBLISH', ARGV[1], ARGV[2]) end
return 0
`;

/** Pushes the expiry of the leases still held; answers those already gone. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) > now then redis.call('ZADD', KEYS[1], now + lease, ARGV[i]) else lost[#lost + 1] = ARGV[i] end
end
if #lost < #ARGV - 1 then redis.call('PEXPIRE', KEYS[1], lease * 2) end
return lost
`;

/** This replica no longer waits for the account. */
const WITHDRAW = `redis.call('ZREM', KEYS[1], ARGV[1]) return 0`;

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Account {
  queue: Waiter[];
  leases: Set<string>;
  /** A script call for this account is under way. */
  asking: boolean;
  /** Something freed a slot while asking: ask again at once. */
  again: boolean;
  /** This replica is marked as waiting in Redis. */
  marked: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Tries in a row that got fewer leases than wanted: the backoff's exponent. */
  misses: number;
}

/** First and largest wait between tries when no release is heard of. */
const BACKOFF_BASE_MS = 10;
const BACKOFF_MAX_MS = 250;
/** How often a Redis found unreachable is tried again (calls do not wait for it meanwhile). */
const PROBE_MS = 1_000;
/** Leases renewed in one script call. */
const RENEW_BATCH = 500;

/** A script by its SHA, sent whole once if Redis does not know it yet (first use, or after a restart). */
class Script {
  readonly #text: string;
  #sha: string | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    if (this.#sha) {
      try {
        return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      }
    }
    const answer = await redis.eval(this.#text, keys.length, ...keys, ...args);
    this.#sha ??= (await redis.script('LOAD', this.#text)) as string;
    return answer;
  }
}

const acquireScript = new Script(ACQUIRE);
const releaseScript = new Script(RELEASE);
const renewScript = new Script(RENEW);
const withdrawScript = new Script(WITHDRAW);

export class RedisInFlightLimit implements SharedInFlightLimit {
  readonly limit: number;
  readonly leaseMs: number;
  /** This process's name in lease ids (`<replica>|<n>`). */
  readonly replica = randomBytes(8).toString('hex');
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #accounts = new Map<string, Account>();
  readonly #warn: (message: string) => void;
  readonly #random: () => number;
  readonly #renewer: NodeJS.Timeout;
  #seq = 0;
  #failedOpen = 0;
  #leasesLost = 0;
  /** Redis could not be reached: calls go ahead without a lease until a probe answers. */
  #open = false;
  #probe: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RedisInFlightLimitOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1)
      throw new RangeError(`The shared in-flight limit must be a positive integer, but got ${options.limit}`);
    if (!(Number.isFinite(options.leaseMs) && options.leaseMs >= 100))
      throw new RangeError(`The lease time must be at least 100 ms, but got ${options.leaseMs}`);
    this.limit = options.limit;
    this.leaseMs = Math.round(options.leaseMs);
    this.#prefix = `${options.keyPrefix ?? 'twilio-gateway:'}inflight:`;
    this.#channel = `${this.#prefix}released`;
    this.#random = options.random ?? Math.random;
    this.#warn = throttled(options.onWarning ?? ((message) => console.error(message)));
    const common = { connectionName: 'twilio-gateway-inflight', commandTimeout: options.commandTimeoutMs ?? 500, maxRetriesPerRequest: 1 };
    // Commands sent before the connection is up wait for it, within the command timeout.
    this.#redis = new Redis(options.url, { ...common, enableAutoPipelining: true });
    this.#subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null, commandTimeout: undefined });
    for (const [client, role] of [
      [this.#redis, 'leases'],
      [this.#subscriber, 'release notices'],
    ] as const) {
      client.on('error', (error: Error) => this.#warn(`Twilio in-flight limit: Redis connection for ${role} failed (${error.message}); retrying`));
    }
    this.#subscriber.on('message', (_channel: string, accountSid: string) => {
      const account = this.#accounts.get(accountSid);
      if (account && account.queue.length > 0) this.#ask(accountSid, account);
    });
    // Resubscribed by ioredis after a reconnection; until then the retry timers carry the waits.
    this.#subscriber.subscribe(this.#channel).catch(() => undefined);
    // A lease is renewed at least twice before it would expire.
    this.#renewer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.#renewer.unref();
  }

  acquire(accountSid: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#open || this.#closed) return Promise.resolve(this.#withoutLease());
    const account = this.#account(accountSid);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = account.queue.indexOf(waiter);
          if (index === -1) return;
          account.queue.splice(index, 1);
          if (account.queue.length === 0) this.#settle(accountSid, account);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      account.queue.push(waiter);
      this.#ask(accountSid, account);
    });
  }

  stats(): SharedLimitStats {
    let leases = 0;
    let waiting = 0;
    for (const account of this.#accounts.values()) {
      leases += account.leases.size;
      waiting += account.queue.length;
    }
    return { leases, waiting, failedOpen: this.#failedOpen, leasesLost: this.#leasesLost };
  }

  /** Gives back every lease (best effort), lets waiting calls go ahead, and disconnects. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewer);
    clearTimeout(this.#probe);
    const releases: Array<Promise<unknown>> = [];
    for (const [accountSid, account] of this.#accounts) {
      clearTimeout(account.timer);
      for (const waiter of account.queue.splice(0)) this.#serve(waiter, this.#withoutLease());
      const ids = [...account.leases];
      account.leases.clear();
      if (ids.length > 0) releases.push(releaseScript.run(this.#redis, this.#keys(accountSid), [this.#channel, accountSid, ...ids]).catch(() => undefined));
      if (account.marked) releases.push(withdrawScript.run(this.#redis, [this.#keys(accountSid)[1]!], [this.replica]).catch(() => undefined));
    }
    this.#accounts.clear();
    await Promise.all(releases);
    this.#redis.disconnect();
    this.#subscriber.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #keys(accountSid: string): [string, string] {
    // One hash tag per account: both keys live on one Redis Cluster slot, as a script needs.
    return [`${this.#prefix}{${accountSid}}:leases`, `${this.#prefix}{${accountSid}}:waiting`];
  }

  #account(accountSid: string): Account {
    let account = this.#accounts.get(accountSid);
    if (!account) {
      account = { queue: [], leases: new Set(), asking: false, again: false, marked: false, timer: undefined, misses: 0 };
      this.#accounts.set(accountSid, account);
    }
    return account;
  }

  /** Asks Redis for as many leases as the account's line needs; serves them in line order. */
  #ask(accountSid: string, account: Account): void {
    if (account.asking) {
      account.again = true;
      return;
    }
    if (account.queue.length === 0) return;
    if (this.#open || this.#closed) return this.#letThrough(account);
    clearTimeout(account.timer);
    account.timer = undefined;
    account.asking = true;
    account.again = false;
    const want = account.queue.length;
    const seq = this.#seq;
    this.#seq += want;
    acquireScript.run(this.#redis, this.#keys(accountSid), [this.limit, this.leaseMs, this.replica, want, seq]).then(
      (answer) => {
        account.asking = false;
        const [granted, wait] = (answer as [number, number]).map(Number) as [number, number];
        account.marked = granted < want;
        for (let i = 1; i <= granted; i++) {
          const id = `${this.replica}|${seq + i}`;
          const waiter = account.queue.shift();
          if (this.#closed || !waiter) {
            // Its call gave up meanwhile: the lease goes straight back.
            this.#release(accountSid, account, id, false);
            continue;
          }
          account.leases.add(id);
          this.#serve(waiter, this.#releaser(accountSid, account, id));
        }
        if (account.queue.length === 0) {
          account.misses = 0;
          this.#settle(accountSid, account);
        } else if (account.again) {
          this.#ask(accountSid, account);
        } else {
          this.#retryLater(accountSid, account, wait);
        }
      },
      (error: unknown) => {
        account.asking = false;
        this.#failOpen(error);
        this.#letThrough(account);
      },
    );
  }

  /** With no release heard of: try again after a jittered backoff, and no later than the earliest lease expires. */
  #retryLater(accountSid: string, account: Account, earliestExpiryMs: number): void {
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** account.misses);
    account.misses = Math.min(account.misses + 1, 10);
    let delay = BACKOFF_BASE_MS + Math.floor(this.#random() * cap);
    if (earliestExpiryMs >= 0) delay = Math.min(delay, earliestExpiryMs + 1);
    account.timer = setTimeout(() => {
      account.timer = undefined;
      this.#ask(accountSid, account);
    }, delay);
    account.timer.unref();
  }

  /** The line is empty: stop waiting in Redis, and forget an idle account. */
  #settle(accountSid: string, account: Account): void {
    clearTimeout(account.timer);
    account.timer = undefined;
    if (account.marked && !account.asking && !this.#closed) {
      account.marked = false;
      withdrawScript.run(this.#redis, [this.#keys(accountSid)[1]!], [this.replica]).catch(() => undefined);
    }
    if (account.leases.size === 0 && account.queue.length === 0 && !account.asking && this.#accounts.get(accountSid) === account)
      this.#accounts.delete(accountSid);
  }

  #releaser(accountSid: string, account: Account, id: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release(accountSid, account, id, true);
    };
  }

  #release(accountSid: string, account: Account, id: string, held: boolean): void {
    // A lease found lost on renewal is already gone from Redis.
    const inRedis = !held || account.leases.delete(id);
    if (inRedis && !this.#closed) {
      // Sent before any new ask on the same connection, so that ask already sees the slot free.
      releaseScript.run(this.#redis, this.#keys(accountSid), [this.#channel, accountSid, id]).catch((error: unknown) => this.#failOpen(error));
    }
    if (account.queue.length > 0) this.#ask(accountSid, account);
    else this.#settle(accountSid, account);
  }

  #serve(waiter: Waiter, release: () => void): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(release);
  }

  #withoutLease(): () => void {
    this.#failedOpen++;
    return () => {};
  }

  /** Lets every waiting call of the account go ahead without a lease. */
  #letThrough(account: Account): void {
    for (const waiter of account.queue.splice(0)) this.#serve(waiter, this.#withoutLease());
    account.marked = false;
  }

  /** Redis failed: calls go ahead under the process's cap until a probe answers. */
  #failOpen(error: unknown): void {
    if (this.#closed) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.#warn(
      `Twilio in-flight limit: Redis did not answer (${reason}); REST calls go ahead under this process's own cap of ${this.limit} per account until it does`,
    );
    if (this.#open) return;
    this.#open = true;
    for (const account of this.#accounts.values()) this.#letThrough(account);
    const probe = () => {
      this.#probe = setTimeout(() => {
        this.#redis.ping().then(
          () => {
            this.#open = false;
            this.#probe = undefined;
          },
          () => !this.#closed && probe(),
        );
      }, PROBE_MS);
      this.#probe.unref();
    };
    probe();
  }

  async #renew(): Promise<void> {
    if (this.#open || this.#closed) return;
    for (const [accountSid, account] of this.#accounts) {
      const ids = [...account.leases];
      for (let from = 0; from < ids.length; from += RENEW_BATCH) {
        try {
          const lost = (await renewScript.run(this.#redis, [this.#keys(accountSid)[0]], [this.leaseMs, ...ids.slice(from, from + RENEW_BATCH)])) as string[];
          for (const id of lost) if (account.leases.delete(id)) this.#leasesLost++;
        } catch (error) {
          this.#failOpen(error);
          return;
        }
      }
    }
  }
}
