import { describe, expect, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import { isRetryable, parseRetryAfter, type RetryEvent } from '../../src/twilio/client.ts';
import { TwilioApiError, TwilioTransportError } from '../../src/twilio/errors.ts';
import { ACCOUNT_SID, AUTH_TOKEN, freePort, json, startServer, testTransport, twilioError, type TestServer } from './support/http.ts';

const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
const SERVICE = 'IS0123456789abcdef0123456789abcdef';

/** A server that answers each request with the next step of a script, then 200. */
function scripted(steps: Array<(res: Parameters<Parameters<typeof startServer>[0]>[1], socketDestroy: () => void) => void>) {
  let call = 0;
  return startServer((req, res, raw) => {
    const step = steps[call++];
    if (step) return step(res, () => raw.socket.destroy());
    json(res, req.method === 'POST' ? 201 : 200, { sid: 'IS1', attempt: call });
  });
}

describe('retries', () => {
  it('retries a GET through 503, then 429 with Retry-After, to 200', async () => {
    // 1st: 503, 2nd: 429 asking for one second, 3rd: 200.
    await using server = await scripted([
      (res) => twilioError(res, 503, 20503, 'Service unavailable'),
      (res) => twilioError(res, 429, 20429, 'Too many requests', { 'retry-after': '1' }),
    ]);
    const events: RetryEvent[] = [];
    await using transport = testTransport(server.url, { onRetry: (e) => events.push(e) });
    const started = Date.now();
    const service = await chat.fetchService(transport.client(credentials), { path: { Sid: SERVICE } });
    expect(service).toMatchObject({ attempt: 3 });
    expect(server.requests).toHaveLength(3);
    expect(events.map((e) => [e.attempt, e.reason])).toEqual([
      [1, 'status 503'],
      [2, 'status 429'],
    ]);
    expect(events[1]!.delayMs).toBe(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry a POST on 500 or 503', async () => {
    for (const status of [500, 503]) {
      await using server = await scripted([(res) => twilioError(res, status, 20500, 'Internal error')]);
      await using transport = testTransport(server.url);
      const error = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwilioApiError);
      expect(error).toMatchObject({ status, attempts: 1 });
      expect(server.requests).toHaveLength(1);
    }
  });

  it('does not retry a DELETE on 503', async () => {
    await using server = await scripted([(res) => twilioError(res, 503, 20503, 'Service unavailable')]);
    await using transport = testTransport(server.url);
    const error = await chat.deleteService(transport.client(credentials), { path: { Sid: SERVICE } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST on 429, since Twilio did not act on it', async () => {
    await using server = await scripted([(res) => twilioError(res, 429, 20429, 'Too many requests')]);
    await using transport = testTransport(server.url);
    const created = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } });
    expect(created).toMatchObject({ attempt: 2 });
    expect(server.requests.map((r) => r.body)).toEqual(['FriendlyName=x', 'FriendlyName=x']);
  });

  it('retries a POST whose connection was refused', async () => {
    const port = await freePort();
    let server: TestServer | undefined;
    let listening: Promise<TestServer> | undefined;
    // The first attempt finds nothing on the port; the server starts during the backoff.
    await using transport = testTransport(`http://127.0.0.1:${port}`, {
      retry: { baseDelayMs: 200 },
      random: () => 1,
      onRetry: () => {
        listening ??= startServer((_req, res) => json(res, 201, { sid: 'IS1' }), port);
      },
    });
    try {
      const created = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } });
      server = await listening;
      expect(created).toEqual({ sid: 'IS1' });
      expect(server!.requests).toHaveLength(1);
    } finally {
      await (server ?? (await listening?.catch(() => undefined)))?.close();
    }
  });

  it('reports a refused connection as a connect failure after the retries', async () => {
    const port = await freePort();
    const events: RetryEvent[] = [];
    await using transport = testTransport(`http://127.0.0.1:${port}`, { onRetry: (e) => events.push(e) });
    const error = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error).toMatchObject({ kind: 'connect', errorCode: 'ECONNREFUSED', attempts: 4, operation: 'chat.CreateService' });
    expect(events.map((e) => e.reason)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('retries a GET whose connection broke, but never a POST', async () => {
    {
      await using server = await scripted([(_res, destroy) => destroy()]);
      await using transport = testTransport(server.url);
      await expect(chat.fetchService(transport.client(credentials), { path: { Sid: SERVICE } })).resolves.toMatchObject({
        attempt: 2,
      });
    }
    {
      await using server = await scripted([(_res, destroy) => destroy()]);
      await using transport = testTransport(server.url);
      const error = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwilioTransportError);
      expect(error).toMatchObject({ kind: 'connection', attempts: 1 });
      expect(server.requests).toHaveLength(1);
    }
  });

  it('gives up after maxRetries with the last error', async () => {
    await using server = await startServer((_req, res) => twilioError(res, 503, 20503, 'Service unavailable'));
    await using transport = testTransport(server.url, { retry: { maxRetries: 2 } });
    const error = await chat.fetchService(transport.client(credentials), { path: { Sid: SERVICE } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 20503, attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than maxDelayMs', async () => {
    await using server = await startServer((_req, res) => twilioError(res, 429, 20429, 'Slow down', { 'retry-after': '120' }));
    await using transport = testTransport(server.url, { retry: { maxDelayMs: 1000 } });
    const error = await chat.fetchService(transport.client(credentials), { path: { Sid: SERVICE } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, attempts: 1 });
  });

  it('stops waiting when the caller aborts during backoff', async () => {
    await using server = await startServer((_req, res) => twilioError(res, 503, 20503, 'Service unavailable', { 'retry-after': '1' }));
    await using transport = testTransport(server.url);
    const error = await chat
      .fetchService(transport.client(credentials), { path: { Sid: SERVICE } }, { signal: AbortSignal.timeout(50) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('backs off exponentially with full jitter, capped', async () => {
    await using server = await startServer((_req, res) => twilioError(res, 503, 20503, 'Service unavailable'));
    const events: RetryEvent[] = [];
    await using transport = testTransport(server.url, {
      retry: { maxRetries: 4, baseDelayMs: 4, maxDelayMs: 10 },
      random: () => 0.999,
      onRetry: (e) => events.push(e),
    });
    await chat.fetchService(transport.client(credentials), { path: { Sid: SERVICE } }).catch(() => undefined);
    expect(events.map((e) => e.delayMs)).toEqual([3, 7, 9, 9]);
  });
});

describe('timeouts', () => {
  it('times out a stalled GET, retrying it, and a stalled POST without retrying', async () => {
    // Never answers: only the client's headers timeout ends each request.
    await using server = await startServer(() => undefined);
    await using transport = testTransport(server.url, { timeoutMs: 100, retry: { maxRetries: 1 } });
    const client = transport.client(credentials);
    const read = await chat.fetchService(client, { path: { Sid: SERVICE } }).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(TwilioTransportError);
    expect(read).toMatchObject({ kind: 'timeout', errorCode: 'UND_ERR_HEADERS_TIMEOUT', attempts: 2 });
    const write = await chat.createService(client, { body: { FriendlyName: 'x' } }).catch((e: unknown) => e);
    expect(write).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it("ends an in-flight request when the caller's signal aborts", async () => {
    await using server = await startServer(() => undefined);
    await using transport = testTransport(server.url);
    const started = Date.now();
    const error = await chat
      .fetchService(transport.client(credentials), { path: { Sid: SERVICE } }, { signal: AbortSignal.timeout(50) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('takes a per-call timeout', async () => {
    await using server = await startServer(async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      json(res, 200, { sid: SERVICE, ok: true });
    });
    await using transport = testTransport(server.url, { timeoutMs: 50, retry: { maxRetries: 0 } });
    const client = transport.client(credentials);
    await expect(chat.fetchService(client, { path: { Sid: SERVICE } })).rejects.toMatchObject({ kind: 'timeout' });
    await expect(chat.fetchService(client, { path: { Sid: SERVICE } }, { timeoutMs: 1000 })).resolves.toEqual({ sid: SERVICE, ok: true });
  });
});

describe('isRetryable', () => {
  const site = { method: 'GET' as const, path: '/x' };
  // Messages name the failure so the test titles read well.
  const api = (status: number) => new TwilioApiError({ status, message: `HTTP ${status}`, site, attempts: 1 });
  const transportError = (kind: TwilioTransportError['kind']) => new TwilioTransportError({ kind, message: kind, site, attempts: 1 });

  it.each([
    ['GET', api(429), true],
    ['GET', api(503), true],
    ['GET', api(500), false],
    ['GET', api(404), false],
    ['GET', transportError('connect'), true],
    ['GET', transportError('connection'), true],
    ['GET', transportError('timeout'), true],
    ['GET', transportError('aborted'), false],
    ['POST', api(429), true],
    ['POST', api(503), false],
    ['POST', api(500), false],
    ['POST', transportError('connect'), true],
    ['POST', transportError('connection'), false],
    ['POST', transportError('timeout'), false],
    ['DELETE', api(429), true],
    ['DELETE', api(503), false],
    ['DELETE', transportError('connect'), true],
    ['DELETE', transportError('connection'), false],
  ] as const)('%s after %s → %s', (method, error, expected) => {
    expect(isRetryable(method, error)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('ignores values that are neither whole seconds nor an HTTP date, rather than retrying at once', () => {
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('2024-01-01', now)).toBeUndefined();
  });
});
