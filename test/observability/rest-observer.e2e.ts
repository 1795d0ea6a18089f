/**
 * The REST client's observer hook over real sockets, against a server that
 * records what it receives and answers as scripted: every attempt is told,
 * retries included; headers an observer adds are sent but cannot replace auth
 * or framing; each attempt sends the traceparent of its own client span.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import * as chat from '../../src/twilio/chat.ts';
import { TwilioClient, TwilioTransport, type RestAttempt, type RestAttemptOutcome, type RestObserver } from '../../src/twilio/client.ts';
import { Observability } from '../../src/observability/index.ts';

const SERVICE = 'IS0123456789abcdef0123456789abcdef';
const CREDENTIALS = { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken };

let server: Server;
let origin: string;
const received: IncomingHttpHeaders[] = [];
let script: Array<{ status: number; body: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(request.headers);
    const { status, body } = script.shift() ?? { status: 200, body: JSON.stringify({ sid: SERVICE }) };
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  script = [];
});

/** A transport to the recording server with `observer`; closed when the test ends. */
async function withTransport(observer: RestObserver | undefined, run: (transport: TwilioTransport) => Promise<void>, baseUrl = origin): Promise<void> {
  const transport = new TwilioTransport({ baseUrl, env: {}, keepAliveTimeoutMs: 10, retry: { baseDelayMs: 1, maxRetries: 1 }, observer });
  try {
    await run(transport);
  } finally {
    await transport.close();
  }
}

/** An observer that writes down what it is told. */
function recorder(headers?: Record<string, string>) {
  const seen: Array<{ attempt: RestAttempt; scope: unknown; outcome?: RestAttemptOutcome }> = [];
  const observer: RestObserver = {
    attempt(attempt, scope) {
      const entry: (typeof seen)[number] = { attempt, scope };
      seen.push(entry);
      return { ...(headers && { headers }), end: (outcome) => void (entry.outcome = { ...outcome }) };
    },
  };
  return { seen, observer };
}

describe('REST observer', () => {
  it('is told of every attempt, retries included, with its operation, route, scope and outcome', async () => {
    const { seen, observer } = recorder();
    script = [{ status: 503, body: JSON.stringify({ code: 20503, message: 'Service unavailable', status: 503 }) }];
    await withTransport(observer, async (transport) => {
      const client = new TwilioClient(transport, CREDENTIALS, { scope: 'request-7' });
      expect((await chat.fetchService(client, { path: { Sid: SERVICE } })).sid).toBe(SERVICE);
    });
    const common = {
      accountSid: DEMO_ACCOUNT.accountSid,
      product: 'chat',
      method: 'GET',
      operation: 'chat.FetchService',
      route: '/v2/Services/{Sid}',
      origin,
      path: `/v2/Services/${SERVICE}`,
    };
    expect(seen).toEqual([
      { attempt: { ...common, attempt: 1 }, scope: 'request-7', outcome: { status: 503 } },
      { attempt: { ...common, attempt: 2 }, scope: 'request-7', outcome: { status: 200 } },
    ]);
    expect(JSON.stringify(seen)).not.toContain(DEMO_ACCOUNT.authToken);
  });

  it('is told why an attempt got no usable answer', async () => {
    const { seen, observer } = recorder();
    script = [{ status: 200, body: 'not JSON' }];
    await withTransport(observer, async (transport) => {
      await expect(chat.fetchService(transport.client(CREDENTIALS), { path: { Sid: SERVICE } })).rejects.toMatchObject({ kind: 'invalid_response' });
    });
    // Nothing listens on a closed server's port: the connection is refused, then refused again on the retry.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const nowhere = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await withTransport(
      observer,
      async (transport) => {
        await expect(chat.fetchService(transport.client(CREDENTIALS), { path: { Sid: SERVICE } })).rejects.toMatchObject({ kind: 'connect' });
      },
      nowhere,
    );
    expect(seen.map((entry) => entry.outcome)).toEqual([{ status: 200, error: 'invalid_response' }, { error: 'connect' }, { error: 'connect' }]);
  });

  it('sends the headers an observer adds, but never lets them replace auth or framing', async () => {
    const { observer } = recorder({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      authorization: 'Bearer not-this',
      accept: 'text/html',
    });
    await withTransport(observer, async (transport) => {
      await chat.fetchService(transport.client(CREDENTIALS), { path: { Sid: SERVICE } });
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      authorization: 'Basic ' + Buffer.from(`${CREDENTIALS.accountSid}:${CREDENTIALS.authToken}`).toString('base64'),
      accept: 'application/json',
    });
  });

  it("sends each attempt's own client span as its traceparent, under the request's span", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const observability = new Observability({ tracing: { tracerProvider: provider } });
    const parent = provider.getTracer('test').startSpan('request');
    script = [{ status: 429, body: JSON.stringify({ code: 20429, message: 'Too many requests', status: 429 }) }];
    await withTransport(observability.restObserver, async (transport) => {
      const client = new TwilioClient(transport, CREDENTIALS, { scope: trace.setSpan(ROOT_CONTEXT, parent) });
      await chat.fetchService(client, { path: { Sid: SERVICE } });
    });
    parent.end();
    const attempts = exporter.getFinishedSpans().filter((span) => span.name === 'GET /v2/Services/{Sid}');
    expect(attempts).toHaveLength(2);
    expect(received.map((headers) => headers.traceparent)).toEqual(attempts.map((span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`));
    for (const span of attempts) expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    await provider.shutdown();
  });

  it('adds no header when only metrics observe', async () => {
    const observability = new Observability({ metrics: { defaultMetrics: false } });
    await withTransport(observability.restObserver, async (transport) => {
      await chat.fetchService(transport.client(CREDENTIALS), { path: { Sid: SERVICE } });
    });
    expect(received[0]!.traceparent).toBeUndefined();
  });
});
