/**
 * The real process (src/main.ts) with observability configured as in
 * production: metrics on their own port behind a token, traces over OTLP/HTTP
 * to a collector (here a sink on loopback), and the spans still buffered sent
 * when SIGTERM stops the gateway.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startMainProcess, type MainProcess } from '../support/main-process.ts';

const TOKEN = 'metrics-token-for-the-e2e-run';
let main: MainProcess | undefined;
let sink: Server | undefined;

afterEach(async () => {
  await main?.stop();
  main = undefined;
  sink?.closeAllConnections();
  await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
  sink = undefined;
});

/** A collector stand-in: keeps every body posted to it, answers 200. */
async function startSink(): Promise<{ url: string; received: Array<{ path: string; headers: IncomingHttpHeaders; body: Buffer }> }> {
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
  sink = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => sink!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`, received };
}

async function startMain(env: Record<string, string>) {
  main = await startMainProcess(
    {
      METRICS_TOKEN: TOKEN,
      // Spans leave only when flushed, so that the test sees the flush at shutdown.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      ...env,
    },
    /Traces over/,
  );
  const metrics = /Metrics at (http:\/\/[^/]+)\/metrics \(bearer token required\)/.exec(main.output())?.[1];
  if (!metrics) throw new Error(`the gateway did not start as expected:\n${main.output()}`);
  return { ...main, metrics };
}

function post(origin: string, query: string, headers: Record<string, string> = {}) {
  return fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
}

interface OtlpJson {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; spanId: string; parentSpanId?: string; kind: number }> }>;
  }>;
}

describe('main.ts with observability', () => {
  it('serves metrics apart, behind the token, and sends the last spans to the collector when SIGTERM stops it', async () => {
    const collector = await startSink();
    const main = await startMain({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'gateway-under-test',
    });
    expect(main.output()).toContain('Traces over OTLP/HTTP (http/json) to ' + collector.url);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await post(main.origin, 'query Probe { chatServices(first: 2) { nodes { sid } } }', {
      traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      'x-request-id': 'probe-1',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('probe-1');

    expect((await fetch(`${main.origin}/metrics`)).status).toBe(404);
    expect((await fetch(`${main.metrics}/metrics`)).status).toBe(401);
    const scrape = await (await fetch(`${main.metrics}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(scrape).toMatch(/^graphql_operations_total\{operationName="Probe",operationType="query",outcome="ok",code=""\} 1$/m);
    expect(scrape).toMatch(/^twilio_rest_requests_total\{operation="chat.ListService",status_class="2xx"\} 1$/m);
    expect(scrape).toMatch(/^twilio_rest_in_flight\{account="configured"\} 0$/m);
    expect(scrape).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(scrape).not.toContain(DEMO_ACCOUNT.accountSid);

    expect(collector.received).toHaveLength(0);
    main.process.kill('SIGTERM');
    const [code] = (await once(main.process, 'exit')) as [number | null];
    expect(code).toBe(0);
    const exports = collector.received.filter((entry) => entry.path === '/v1/traces');
    expect(exports.length).toBeGreaterThan(0);
    const spans = exports.flatMap((entry) => {
      const body = JSON.parse(entry.body.toString()) as OtlpJson;
      const service = body.resourceSpans[0]!.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue;
      expect(service).toBe('gateway-under-test');
      return body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    });
    const operation = spans.find((span) => span.name === 'query Probe')!;
    expect(operation.traceId).toBe(traceId);
    expect(operation.parentSpanId).toBe('b7ad6b7169203331');
    const clients = spans.filter((span) => span.parentSpanId === operation.spanId);
    expect(clients.map((span) => span.name)).toEqual(['GET /v2/Services']);
    const sent = Buffer.concat(exports.map((entry) => entry.body)).toString();
    for (const secret of [DEMO_ACCOUNT.authToken, TOKEN, 'Basic ']) expect(sent).not.toContain(secret);
    expect(main.output()).not.toContain(TOKEN);
    expect(main.output()).not.toMatch(/error/i);
  });

  it('exports OTLP protobuf unless JSON is asked for', async () => {
    const collector = await startSink();
    const main = await startMain({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/custom/traces` });
    expect((await post(main.origin, '{ chatServices(first: 1) { nodes { sid } } }')).status).toBe(200);
    main.process.kill('SIGTERM');
    await once(main.process, 'exit');
    expect(collector.received.map((entry) => [entry.path, entry.headers['content-type']])).toEqual([['/custom/traces', 'application/x-protobuf']]);
    expect(collector.received[0]!.body.length).toBeGreaterThan(50);
  });
});
