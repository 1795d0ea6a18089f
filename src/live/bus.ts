/**
 * Pub/sub and the memory of published events, in-process or in Redis.
 *
 * In-process (the default), Yoga's `createPubSub` over an EventTarget: a
 * webhook received by this process reaches this process's subscribers. With
 * Redis, the same `createPubSub` over `@graphql-yoga/redis-event-target`: an
 * event received by any replica reaches the subscribers of every replica, and
 * the memory of what was published (the duplicates dropped) is shared too.
 *
 * Each subscriber holds at most SUBSCRIBER_BUFFER events it has not taken
 * yet; past that the oldest are dropped, so a slow client cannot make the
 * gateway hold an unbounded queue for it.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { SlidingBuffer, createPubSub, type PubSubEventTarget, type Repeater } from 'graphql-yoga';
import type { LiveEvent } from './events.ts';
import { REDIS_PREFIX } from './topics.ts';
import { throttled } from '../twilio/throttled.ts';

/** Events one subscriber may have waiting before the oldest are dropped. */
export const SUBSCRIBER_BUFFER = 100;
/** Time a new subscription waits for Redis to confirm it, before it is refused. */
const SUBSCRIBE_TIMEOUT_MS = 5_000;

/** One subscriber's events; `return()` ends it at once, even while a `next()` waits. */
export type LiveStream = AsyncIterableIterator<LiveEvent> & { return(): Promise<IteratorResult<LiveEvent>> };

export interface LiveBus {
  readonly kind: 'in-process' | 'redis';
  /** Hands `event` to every subscriber of `topic` (on every replica); rejects when it could not (Redis unreachable). */
  publish(topic: string, event: LiveEvent): Promise<void>;
  /** Subscribes to `topic`, keeping the events `keep` accepts; resolves once every event published from then on will arrive. */
  subscribe(topic: string, keep?: (event: LiveEvent) => boolean): Promise<LiveStream>;
  /** Claims `key` for the dedupe window: true the first time, false for a duplicate. */
  claim(key: string): Promise<boolean>;
  /** Gives a claim back, so that Twilio's retry of an event that could not be published is published. */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface LiveBusOptions {
  /** `redis://…` or `rediss://…`; null for in-process. */
  redisUrl: string | null;
  /** How long a published event's key is remembered, to drop Twilio's retries of it. */
  dedupeTtlMs: number;
  /** In-process only: most keys remembered at once (the oldest go first). */
  dedupeMaxKeys: number;
  /** Told when Redis fails (never the URL: it may hold a password). */
  onError?: (message: string) => void;
}

export function createLiveBus(options: LiveBusOptions): LiveBus {
  return options.redisUrl ? new RedisBus(options.redisUrl, options) : new InProcessBus(options);
}

/**
 * A subscription whose listener is registered now, not at the first `next()`
 * (a Repeater starts on its first `next()`): an event published between the
 * subscription's start and the client's first read is kept.
 */
function eagerStream(repeater: Repeater<LiveEvent | null>, keep: (event: LiveEvent) => boolean = () => true): LiveStream {
  let first: Promise<IteratorResult<LiveEvent | null>> | undefined = repeater.next();
  const stream = {
    async next(): Promise<IteratorResult<LiveEvent>> {
      for (;;) {
        const pending = first ?? repeater.next();
        first = undefined;
        const result = await pending;
        // Something on the topic that is not one of ours (unreadable JSON from Redis) is skipped.
        if (result.done || (isLiveEvent(result.value) && keep(result.value))) return result as IteratorResult<LiveEvent>;
      }
    },
    return(): Promise<IteratorResult<LiveEvent>> {
      first = undefined;
      return repeater.return() as Promise<IteratorResult<LiveEvent>>;
    },
    throw(error?: unknown): Promise<IteratorResult<LiveEvent>> {
      first = undefined;
      return repeater.throw(error) as Promise<IteratorResult<LiveEvent>>;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

function isLiveEvent(value: unknown): value is LiveEvent {
  return typeof value === 'object' && value !== null && ((value as LiveEvent).product === 'chat' || (value as LiveEvent).product === 'events');
}

/** Keys remembered for a while, in a bounded Map: with one TTL for all, insertion order is expiry order. */
class RecentKeys {
  readonly #expiry = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys: number,
  ) {}

  claim(key: string, now = Date.now()): boolean {
    for (const [oldest, expires] of this.#expiry) {
      if (expires > now) break;
      this.#expiry.delete(oldest);
    }
    const expires = this.#expiry.get(key);
    if (expires !== undefined && expires > now) return false;
    this.#expiry.delete(key);
    this.#expiry.set(key, now + this.ttlMs);
    if (this.#expiry.size > this.maxKeys) this.#expiry.delete(this.#expiry.keys().next().value!);
    return true;
  }

  release(key: string): void {
    this.#expiry.delete(key);
  }
}

class InProcessBus implements LiveBus {
  readonly kind = 'in-process';
  readonly #pubSub = createPubSub<Record<string, [LiveEvent]>>({ repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER) });
  readonly #recent: RecentKeys;

  constructor(options: LiveBusOptions) {
    this.#recent = new RecentKeys(options.dedupeTtlMs, options.dedupeMaxKeys);
  }

  async publish(topic: string, event: LiveEvent): Promise<void> {
    this.#pubSub.publish(topic, event);
  }

  async subscribe(topic: string, keep?: (event: LiveEvent) => boolean): Promise<LiveStream> {
    return eagerStream(this.#pubSub.subscribe(topic), keep);
  }

  async claim(key: string): Promise<boolean> {
    return this.#recent.claim(key);
  }

  async release(key: string): Promise<void> {
    this.#recent.release(key);
  }

  async close(): Promise<void> {}
}

class RedisBus implements LiveBus {
  readonly kind = 'redis';
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #pubSub;
  readonly #ttlMs: number;
  /** Per topic, Redis's answer to this process's SUBSCRIBE, until it UNSUBSCRIBEs. */
  readonly #subscribed = new Map<string, Promise<unknown>>();

  constructor(url: string, options: LiveBusOptions) {
    const report = throttled(options.onError ?? ((message) => console.error(message)));
    const common: RedisOptions = { connectionName: 'twilio-gateway' };
    // Publishing and claims fail fast while Redis is away: the webhook answers 503 and Twilio retries it.
    this.#publisher = new Redis(url, { ...common, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
    // A subscriber's commands wait for the connection; ioredis subscribes again to every topic after a reconnection.
    this.#subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });
    for (const [client, role] of [
      [this.#publisher, 'publishing'],
      [this.#subscriber, 'subscribing'],
    ] as const) {
      client.on('error', (error: Error) => report(`Live events: Redis connection for ${role} failed (${error.message}); retrying`));
    }
    this.#ttlMs = options.dedupeTtlMs;
    const subscriber = this.#subscriber;
    // The event target sends SUBSCRIBE and UNSUBSCRIBE without waiting for them; their answers are kept here
    // instead, so that a new subscription waits for its SUBSCRIBE, and a failure is nobody's unhandled rejection.
    const subscribeClient = {
      on: (event: string, listener: (...args: any[]) => void) => subscriber.on(event, listener),
      subscribe: (channel: string) => this.#sendSubscribe(channel),
      unsubscribe: (channel: string) => {
        this.#subscribed.delete(channel);
        return subscriber.unsubscribe(channel).catch(() => undefined);
      },
    } as unknown as Redis;
    const eventTarget = createRedisEventTarget<CustomEvent>({
      publishClient: this.#publisher,
      subscribeClient,
      // Anything unreadable on a topic is skipped rather than thrown inside ioredis's message handler.
      serializer: { stringify: JSON.stringify, parse: (message) => safeParse(message) },
    });
    this.#pubSub = createPubSub<Record<string, [LiveEvent | null]>>({
      eventTarget: eventTarget as PubSubEventTarget<Record<string, [LiveEvent | null]>>,
      repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER),
    });
  }

  #sendSubscribe(channel: string): Promise<unknown> {
    const answer = this.#subscriber.subscribe(channel);
    this.#subscribed.set(channel, answer);
    answer.catch(() => this.#subscribed.get(channel) === answer && this.#subscribed.delete(channel));
    return answer;
  }

  async publish(topic: string, event: LiveEvent): Promise<void> {
    // Not through the event target, which does not wait for Redis: the webhook must know the event went out.
    await this.#publisher.publish(REDIS_PREFIX + topic, JSON.stringify(event));
  }

  async subscribe(topic: string, keep?: (event: LiveEvent) => boolean): Promise<LiveStream> {
    const channel = REDIS_PREFIX + topic;
    const stream = eagerStream(this.#pubSub.subscribe(channel), keep);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // A topic whose earlier SUBSCRIBE failed is subscribed again.
        this.#subscribed.get(channel) ?? this.#sendSubscribe(channel),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('Redis did not confirm the subscription in time')), SUBSCRIBE_TIMEOUT_MS))),
      ]);
    } catch (error) {
      await stream.return();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return stream;
  }

  async claim(key: string): Promise<boolean> {
    return (await this.#publisher.set(`${REDIS_PREFIX}seen:${key}`, '1', 'PX', this.#ttlMs, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.#publisher.del(`${REDIS_PREFIX}seen:${key}`);
  }

  async close(): Promise<void> {
    // Not QUIT, which would wait for a connection that may not come back.
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }
}

function safeParse(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return null;
  }
}
