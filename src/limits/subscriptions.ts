/**
 * What bounds subscriptions, over SSE and graphql-ws alike: how many may be
 * open at once, per credentials and in all; how each of their events runs
 * (fresh loaders, its own REST budget and deadline); and that everything a
 * subscription holds (its slot, its topic listener, its event's REST calls)
 * is released when its client goes, when its source ends, or at shutdown.
 */
import { GraphQLError, createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.ts';
import { RequestLifetime, shuttingDown } from './lifetime.ts';
import { fallbackCode } from './error-codes.ts';
import { TwilioApiError } from '../twilio/errors.ts';

export interface SubscriptionLimits {
  /** Subscriptions open at once on this process (`MAX_SUBSCRIPTIONS`). */
  maxTotal: number;
  /** Subscriptions open at once with the same credentials (account SID, or API key SID), on this process (`MAX_SUBSCRIPTIONS_PER_CREDENTIALS`). */
  maxPerCredentials: number;
  /**
   * How often an open subscription proves again that its credentials reach what it names, as it did when it
   * began (`SUBSCRIPTION_RECHECK_MS`; 0: never). One whose credentials Twilio now refuses (revoked, a promoted
   * auth token) or whose object is gone ends with that error.
   */
  recheckMs: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: Readonly<SubscriptionLimits> = Object.freeze({ maxTotal: 10_000, maxPerCredentials: 100, recheckMs: 300_000 });

/** Answers of a check made again that mean the subscription may no longer listen; others (a 429, an outage) leave it open. */
function refusedNow(errors: readonly GraphQLError[] | undefined): boolean {
  return (errors ?? []).some((error) => {
    const cause = error.originalError;
    if (cause instanceof TwilioApiError) return cause.status === 401 || cause.status === 403 || cause.status === 404;
    return error.extensions.code === 'FORBIDDEN' || error.extensions.code === 'UNAUTHENTICATED';
  });
}

/** One open subscription: its slot, and the signal that ends it. */
class OpenSubscription {
  readonly #controller = new AbortController();
  #released = false;
  /** Its fields have subscribed: from now on, every event published to its topics reaches it. */
  streaming = false;
  /** The last result its client gets, when it is ended for a reason the client must hear (its credentials refused). */
  last: ExecutionResult | undefined;
  /** Its next periodic check, stopped with it. */
  recheck: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly principal: string,
    private readonly onRelease: (open: OpenSubscription) => void,
  ) {}

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  end(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** Ends it with `result` as its client's last event. */
  endWith(result: ExecutionResult): void {
    this.last ??= result;
    this.end(result.errors?.[0]);
  }

  /** Whether it has ended and given its slot back. */
  get released(): boolean {
    return this.#released;
  }

  /** Gives the slot back; idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.recheck);
    this.onRelease(this);
  }
}

/** Whether a request's Accept header allows an event stream (no header: anything). */
function acceptsEventStream(request: Request): boolean {
  const accept = request.headers.get('accept');
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const type = range.split(';')[0]!.trim().toLowerCase();
    return type === 'text/event-stream' || type === 'text/*' || type === '*/*';
  });
}

function refusal(code: string, message: string, status: number, extensions: Record<string, unknown> = {}): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, ...extensions, http: { status } } })] };
}

/**
 * The subscriptions this process serves. `plugin()` admits each one within the
 * limits and runs it; `closeAll()` ends them all (shutdown), each answering
 * `complete` to its client.
 */
export class LiveSubscriptions {
  readonly #open = new Set<OpenSubscription>();
  readonly #perPrincipal = new Map<string, number>();
  #closing = false;

  constructor(
    readonly limits: SubscriptionLimits,
    /** Time each event's execution may take; past it, its REST calls are cancelled. */
    readonly eventTimeoutMs: number,
  ) {}

  /** Subscriptions open now. */
  get size(): number {
    return this.#open.size;
  }

  /** Of those, the ones already listening: every event published from now on reaches them. */
  get streaming(): number {
    let count = 0;
    for (const open of this.#open) if (open.streaming) count++;
    return count;
  }

  /** Subscriptions open now with the credentials `principal` names (`RequestTwilioClient#principal`). */
  countOf(principal: string): number {
    return this.#perPrincipal.get(principal) ?? 0;
  }

  /** Ends every subscription and admits no new one. */
  closeAll(): void {
    this.#closing = true;
    for (const open of [...this.#open]) open.end(shuttingDown());
  }

  #admit(principal: string): OpenSubscription | ExecutionResult {
    if (this.#closing) return refusal('SHUTTING_DOWN', 'The gateway is shutting down: subscribe again in a moment', 503);
    if (this.#open.size >= this.limits.maxTotal) {
      return refusal('TOO_MANY_SUBSCRIPTIONS', `This gateway serves at most ${this.limits.maxTotal} subscriptions at once: try again later`, 429, {
        limit: this.limits.maxTotal,
        scope: 'gateway',
      });
    }
    const held = this.countOf(principal);
    if (held >= this.limits.maxPerCredentials) {
      return refusal(
        'TOO_MANY_SUBSCRIPTIONS',
        `These credentials hold ${held} subscriptions, the most one set of credentials may hold at once: end one before starting another`,
        429,
        { limit: this.limits.maxPerCredentials, scope: 'credentials' },
      );
    }
    const open = new OpenSubscription(principal, (done) => {
      this.#open.delete(done);
      const left = this.countOf(done.principal) - 1;
      if (left > 0) this.#perPrincipal.set(done.principal, left);
      else this.#perPrincipal.delete(done.principal);
    });
    this.#open.add(open);
    this.#perPrincipal.set(principal, held + 1);
    return open;
  }

  /**
   * The Yoga plugin: admits each subscription, runs each of its events with a
   * fresh context (`eventContext`: the subscription's, for one event whose
   * calls stop with `signal`), and releases it at its end.
   */
  plugin(eventContext: (ctx: GatewayContext, signal: AbortSignal) => GatewayContext): Plugin<GatewayContext> {
    return {
      onSubscribe: ({ args, setSubscribeFn, setResultAndStopExecution }) => {
        const ctx = args.contextValue as GatewayContext;
        // Answered as JSON, a subscription's stream would be started and never read: refused before it starts.
        if (ctx.request && !acceptsEventStream(ctx.request)) {
          setResultAndStopExecution(
            refusal('NOT_ACCEPTABLE', 'A subscription is answered as an event stream: send Accept: text/event-stream, or use graphql-ws over WebSocket', 406),
          );
          return;
        }
        const admitted = this.#admit(ctx.twilio.principal);
        if (!(admitted instanceof OpenSubscription)) {
          setResultAndStopExecution(admitted);
          return;
        }
        setSubscribeFn((subscribeArgs) => this.#subscribe(subscribeArgs as ExecutionArgs, admitted, eventContext));
        return {
          onSubscribeResult({ result }) {
            // Refused, or failed before its first event (a plugin after this one may have stopped it too).
            if (!isAsyncIterable(result)) admitted.release();
          },
        };
      },
    };
  }

  async #subscribe(
    args: ExecutionArgs,
    open: OpenSubscription,
    eventContext: (ctx: GatewayContext, signal: AbortSignal) => GatewayContext,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    let source;
    try {
      // The subscription's fields subscribe here, with the request's context (its credentials, its deadline).
      source = await createSourceEventStream(args);
    } catch (error) {
      open.release();
      throw error;
    }
    if (!isAsyncIterable(source)) {
      open.release();
      return source;
    }
    open.streaming = true;
    const ctx = args.contextValue as GatewayContext;
    if (this.limits.recheckMs > 0) {
      // Each check waits for the one before; the first falls anywhere in the interval, so subscriptions made
      // together (a reconnecting fleet) do not check together.
      const next = (ms: number) => {
        open.recheck = setTimeout(() => void this.#recheck(args, open, eventContext).then(() => open.released || next(this.limits.recheckMs)), ms);
        open.recheck.unref();
      };
      next(this.limits.recheckMs * (0.5 + Math.random() / 2));
    }
    return eventStream(source[Symbol.asyncIterator](), open, async (payload) => {
      const lifetime = new RequestLifetime(open.signal, this.eventTimeoutMs, () => undefined);
      try {
        const result = await execute({ ...args, rootValue: payload, contextValue: eventContext(ctx, lifetime.signal) });
        // As codedErrorResponses does for single answers, which a stream's events never pass through.
        for (const error of result.errors ?? []) error.extensions.code ??= fallbackCode(error);
        return result;
      } finally {
        lifetime.end();
      }
    });
  }

  /**
   * Subscribes its fields again with a fresh context, which makes the same check they made at the start
   * (a read of what they name, with the subscription's credentials), and drops the new listener at once.
   */
  async #recheck(args: ExecutionArgs, open: OpenSubscription, eventContext: (ctx: GatewayContext, signal: AbortSignal) => GatewayContext): Promise<void> {
    if (open.released || open.signal.aborted) return;
    const lifetime = new RequestLifetime(open.signal, this.eventTimeoutMs, () => undefined);
    try {
      const again = await createSourceEventStream({ ...args, contextValue: eventContext(args.contextValue as GatewayContext, lifetime.signal) });
      if (isAsyncIterable(again)) await again[Symbol.asyncIterator]().return?.();
      else if (refusedNow(again.errors)) open.endWith({ errors: again.errors });
    } catch {
      // The check could not run (the gateway is stopping): the next one will tell.
    } finally {
      lifetime.end();
    }
  }
}

/**
 * Each event of `source` executed by `run`. Written as an iterator object, not
 * an async generator: `return()` must reach the source at once, even while a
 * `next()` waits for an event (a generator would queue it behind that wait).
 * It ends, and gives back everything it holds, when the client ends it, when
 * the source ends or fails, or when `open` is ended (shutdown).
 */
function eventStream(
  source: AsyncIterator<unknown>,
  open: OpenSubscription,
  run: (payload: unknown) => Promise<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  let finished = false;
  const done = (): IteratorResult<ExecutionResult> => ({ done: true, value: undefined });
  // The result it was ended with (its credentials refused), given once, before it is done.
  const lastOrDone = (): IteratorResult<ExecutionResult> => {
    const last = open.last;
    open.last = undefined;
    return last ? { done: false, value: last } : done();
  };
  const finish = async () => {
    if (finished) return;
    finished = true;
    open.signal.removeEventListener('abort', onEnd);
    open.release();
    // Ends the source's listener; a pending next() of the source then answers done.
    await source.return?.();
  };
  const onEnd = () => void finish();
  // Ended while its fields were subscribing (shutdown began): it ends now, rather than listen on past its end.
  if (open.signal.aborted) onEnd();
  else open.signal.addEventListener('abort', onEnd, { once: true });
  const stream: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (finished) return lastOrDone();
      let event: IteratorResult<unknown>;
      try {
        event = await source.next();
      } catch (error) {
        await finish();
        throw error;
      }
      if (event.done || finished) {
        await finish();
        return lastOrDone();
      }
      return { done: false, value: await run(event.value) };
    },
    async return() {
      await finish();
      return done();
    },
    async throw() {
      await finish();
      return done();
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
