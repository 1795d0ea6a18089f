/**
 * Traces over real sockets, exported to memory: a query of N REST calls makes
 * one trace of one operation span (the root) and N client spans beneath it; an
 * incoming `traceparent` becomes the operation span's parent; failures mark
 * both kinds of span; no credential, inline secret or Authorization header is
 * ever an attribute.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startObservedGateway, type ObservedGateway } from './support.ts';
import { supportServiceSid } from '../limits/helpers.ts';

const exporter = new InMemorySpanExporter();
let env: ObservedGateway;
let service: string;

beforeAll(async () => {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  env = await startObservedGateway({ observability: { tracing: { tracerProvider: provider, shutdown: () => provider.shutdown() } } });
  service = await supportServiceSid(env);
});
afterAll(() => env?.close());
beforeEach(() => {
  exporter.reset();
  env.resetCalls();
});

const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((span) => span.kind === kind);

/** Every attribute value of every span, as text. */
function attributeText(spans: ReadableSpan[]): string {
  return JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
}

describe('traces', () => {
  it('makes one trace per query: the operation span as root, a client span per REST call beneath it', async () => {
    const res = await env.query(
      'query Inbox($s: String!) { chatService(sid: $s) { channels(first: 3) { nodes { members(first: 2) { nodes { identity } } } } } }',
      { s: service },
      { 'x-request-id': 'inbox-1' },
    );
    expect(res.errors).toBeUndefined();
    const calls = env.totalCalls();
    // ListChannel, and ListMember for each of the 3 channels.
    expect(calls).toBe(4);
    const spans = exporter.getFinishedSpans();
    const [operation, ...others] = byKind(spans, SpanKind.SERVER);
    expect(others).toHaveLength(0);
    expect(operation!.name).toBe('query Inbox');
    expect(operation!.parentSpanContext).toBeUndefined();
    expect(operation!.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Inbox',
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'http.response.status_code': 200,
      'http.request.header.x-request-id': ['inbox-1'],
    });
    expect(operation!.status.code).toBe(SpanStatusCode.UNSET);

    const clients = byKind(spans, SpanKind.CLIENT);
    expect(clients).toHaveLength(calls);
    expect(spans).toHaveLength(calls + 1);
    const { traceId, spanId } = operation!.spanContext();
    for (const span of clients) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(spanId);
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.attributes['http.request.method']).toBe('GET');
      expect(span.attributes['server.address']).toBe('127.0.0.1');
      expect(String(span.attributes['url.full'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/Services\/IS[0-9a-f]{32}/);
      expect(String(span.attributes['url.full'])).not.toContain('?');
    }
    const members = clients.filter((span) => span.attributes['twilio.operation'] === 'chat.ListMember');
    expect(members).toHaveLength(3);
    expect(members[0]!.name).toBe('GET /v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members');
    expect(members[0]!.attributes['url.template']).toBe('/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members');
  });

  it("makes an incoming traceparent the operation span's parent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const res = await env.query('query Services { chatServices(first: 2) { nodes { sid } } }', undefined, {
      traceparent: `00-${traceId}-${parent}-01`,
      tracestate: 'vendor=value',
    });
    expect(res.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const [operation] = byKind(spans, SpanKind.SERVER);
    expect(operation!.spanContext().traceId).toBe(traceId);
    expect(operation!.parentSpanContext).toMatchObject({ traceId, spanId: parent, isRemote: true });
    const [client] = byKind(spans, SpanKind.CLIENT);
    expect(client!.spanContext().traceId).toBe(traceId);
    expect(client!.parentSpanContext?.spanId).toBe(operation!.spanContext().spanId);
  });

  it('marks the spans of a failure, retries included', async () => {
    env.emulator.injectFault({ operation: 'chat.FetchService', status: 500 });
    const res = await env.query(`query Failing { chatService(sid: "${service}") { sid } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    const spans = exporter.getFinishedSpans();
    const [operation] = byKind(spans, SpanKind.SERVER);
    expect(operation!.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation!.attributes['error.type']).toBe('UPSTREAM_ERROR');
    const [client] = byKind(spans, SpanKind.CLIENT);
    expect(client!.status.code).toBe(SpanStatusCode.ERROR);
    expect(client!.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });

    exporter.reset();
    env.emulator.injectFault({ operation: 'chat.ListService', status: 503 });
    expect((await env.query('{ chatServices(first: 1) { nodes { sid } } }')).errors).toBeUndefined();
    const attempts = byKind(exporter.getFinishedSpans(), SpanKind.CLIENT);
    expect(attempts.map((span) => [span.attributes['http.response.status_code'], span.attributes['http.request.resend_count']])).toEqual([
      [503, undefined],
      [200, 1],
    ]);
  });

  it('never records credentials, the document, its variables or Authorization', async () => {
    const auth = 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64');
    const res = await env.query(
      `query Secretive($v: String!) { chatService(sid: "${service}") { channel(sidOrUniqueName: $v) { sid } } }`,
      { v: 'general' },
      {
        authorization: auth,
      },
    );
    expect(res.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(1);
    for (const span of spans) expect(Object.keys(span.attributes).filter((key) => /document|variables|header\.authorization/.test(key))).toEqual([]);
    const text = attributeText(spans);
    for (const leak of [DEMO_ACCOUNT.authToken, auth.slice('Basic '.length), 'Basic', 'Secretive($v', '"v":']) expect(text).not.toContain(leak);
    expect(text).not.toMatch(/authorization/i);
  });

  it('makes no span for requests other than GraphQL', async () => {
    expect((await fetch(`${env.url}/healthz`)).status).toBe(200);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
