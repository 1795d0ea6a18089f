/** A request's lifetime: one signal for the client leaving, the deadline and shutdown; nothing left behind. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { InFlightRequests, shuttingDown } from '../../src/limits/lifetime.ts';
import { RequestEnded } from '../../src/twilio/request-errors.ts';
import { upstreamError } from '../../src/schema/shared/errors.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const request = (signal?: AbortSignal) => new Request('http://gateway.test/graphql', { method: 'POST', body: '{}', signal });

describe('InFlightRequests', () => {
  it('aborts a request at its deadline with DEADLINE_EXCEEDED, naming the deadline', () => {
    const requests = new InFlightRequests({ timeoutMs: 250 });
    const req = request();
    const lifetime = requests.start(req);
    expect(requests.signalOf(req)).toBe(lifetime.signal);
    vi.advanceTimersByTime(249);
    expect(lifetime.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(lifetime.signal.aborted).toBe(true);
    const reason = lifetime.signal.reason as RequestEnded;
    expect(reason).toBeInstanceOf(RequestEnded);
    expect(reason.code).toBe('DEADLINE_EXCEEDED');
    expect(reason.message).toContain('250 ms');
    const error = upstreamError(reason);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error?.extensions.code).toBe('DEADLINE_EXCEEDED');
  });

  it('aborts a request whose client went away', () => {
    const requests = new InFlightRequests({ timeoutMs: 1_000 });
    const client = new AbortController();
    const lifetime = requests.start(request(client.signal));
    client.abort();
    expect(lifetime.signal.aborted).toBe(true);
    expect((lifetime.signal.reason as RequestEnded).code).toBe('CLIENT_CLOSED_REQUEST');
  });

  it('leaves no timer, listener or entry behind once the request ends', () => {
    const requests = new InFlightRequests({ timeoutMs: 1_000 });
    const client = new AbortController();
    const req = request(client.signal);
    const add = vi.spyOn(req.signal, 'addEventListener');
    const remove = vi.spyOn(req.signal, 'removeEventListener');
    const lifetime = requests.start(req);
    expect(vi.getTimerCount()).toBe(1);
    expect(requests.size).toBe(1);
    requests.end(req);
    requests.end(req); // ending twice is harmless
    expect(vi.getTimerCount()).toBe(0);
    expect(requests.size).toBe(0);
    expect(requests.signalOf(req)).toBeUndefined();
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove.mock.calls.map((c) => c[1])).toContain(add.mock.calls[0]![1]);
    // The client leaving after the end changes nothing.
    client.abort();
    vi.advanceTimersByTime(5_000);
    expect(lifetime.signal.aborted).toBe(false);
  });

  it('aborts every request in flight with the reason given, as shutdown does', () => {
    const requests = new InFlightRequests({ timeoutMs: 10_000 });
    const first = requests.start(request());
    const second = requests.start(request());
    requests.abortAll(shuttingDown());
    for (const lifetime of [first, second]) {
      expect(lifetime.signal.aborted).toBe(true);
      expect((lifetime.signal.reason as RequestEnded).code).toBe('SHUTTING_DOWN');
    }
    // Their deadlines will not fire: nothing is left to cancel.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('allows as many listeners on a request signal as it has REST calls, without a leak warning', async () => {
    vi.useRealTimers();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const requests = new InFlightRequests({ timeoutMs: 1_000 });
      const req = request();
      const { signal } = requests.start(req);
      for (let i = 0; i < 100; i++) signal.addEventListener('abort', () => {});
      requests.end(req);
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
