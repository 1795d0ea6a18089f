/**
 * `npm run bench:observability`: what metrics and traces cost, measured two ways.
 *
 * 1. In this process, the observability work alone, in CPU microseconds: per
 *    REST attempt (the observers' `attempt` and `end`), and per GraphQL
 *    request (the plugins, on `{ __typename }`, which makes no REST call);
 *    spans go to a batch processor and an exporter that drops them. Case (b)
 *    below makes one request of 51 REST attempts: its estimate is one of the
 *    first plus 51 of the second.
 * 2. End to end: gateways that differ only in their observability run side by
 *    side (each `src/main.ts` in its own process, on one emulator), and the
 *    CPU each spends per request of gateway.bench.ts's case (b) (50 channels
 *    × 20 members, a 456 KB answer) is measured in rounds where all of them
 *    serve their requests at the same time, so the load of this shared
 *    machine falls on all alike. A second gateway with nothing on shows how
 *    far apart two identical gateways measure (the noise):
 *    - off, and off again: no metrics (`METRICS_PORT=off`), no traces;
 *    - metrics: the default;
 *    - traces: every span sampled and exported over OTLP/HTTP (protobuf) to
 *      a collector stand-in in this process, which answers at once;
 *    - both: metrics and traces, as in production;
 *    - traces unsampled: `OTEL_TRACES_SAMPLER=always_off` (spans made, not recorded; traceparent still sent).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { spawnListening } from './child.ts';
import { DEMO_ACCOUNT } from '../src/emulator/accounts.ts';
import { AlwaysOffSampler, BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { Observability } from '../src/observability/index.ts';
import { createGateway } from '../src/gateway.ts';
import { TwilioTransport, type RestAttempt } from '../src/twilio/client.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const CLIENTS = 4;
const AUTH = 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64');
const CHANNEL_FIELDS = 'sid friendlyName uniqueName attributes type createdBy membersCount messagesCount dateCreated dateUpdated url';
const MEMBER_FIELDS = 'sid identity roleSid attributes lastConsumedMessageIndex lastConsumptionTimestamp dateCreated dateUpdated url';
const QUERY_B = `query($sid: String!) { chatService(sid: $sid) { channels(first: 50) { nodes { ${CHANNEL_FIELDS}
  members(first: 20) { nodes { ${MEMBER_FIELDS} } } } } } }`;

/**
 * CPU seconds a process has used so far, all its threads (GC and libuv's
 * included), to the nanosecond: Linux's schedstat, where /proc/<pid>/stat
 * counts in ticks of 10 ms.
 */
function cpuSeconds(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns / 1e9;
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const median = (values: number[]) => quantile(values, 0.5);

/**
 * CPU microseconds per call of `work`, the median of 7 runs of `count` calls
 * after as many to warm up. Timers get their turn every 256 calls, so that the
 * span processor exports its batches as it would.
 */
async function cpuMicros(count: number, work: () => unknown): Promise<number> {
  const calls = async () => {
    for (let i = 0; i < count; i++) {
      await work();
      if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await calls();
  const runs: number[] = [];
  for (let run = 0; run < 7; run++) {
    const start = process.cpuUsage();
    await calls();
    const used = process.cpuUsage(start);
    runs.push((used.user + used.system) / count);
  }
  return median(runs);
}

/** Part 1: the observability work alone, in this process. */
async function inProcess(): Promise<void> {
  // Spans batched as in production, then dropped: the cost of making, recording and batching them, not of a network.
  const dropping: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] });
  const unsampled = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
  const variants: Array<[string, () => Observability]> = [
    ['off', () => new Observability()],
    ['metrics', () => new Observability({ metrics: { configuredAccountSid: DEMO_ACCOUNT.accountSid, defaultMetrics: false } })],
    ['traces', () => new Observability({ tracing: { tracerProvider: provider } })],
    [
      'both',
      () => new Observability({ metrics: { configuredAccountSid: DEMO_ACCOUNT.accountSid, defaultMetrics: false }, tracing: { tracerProvider: provider } }),
    ],
    ['traces unsampled', () => new Observability({ tracing: { tracerProvider: unsampled } })],
  ];
  const attempt: RestAttempt = {
    accountSid: DEMO_ACCOUNT.accountSid,
    product: 'chat',
    method: 'GET',
    operation: 'chat.ListMember',
    route: '/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members',
    origin: 'https://chat.twilio.com',
    path: '/v2/Services/IS00000000000000000000000000000001/Channels/CH00000000000000000000000000000001/Members?PageSize=20',
    attempt: 1,
  };
  const transport = new TwilioTransport({ baseUrl: 'http://127.0.0.1:9', env: {} });
  const body = JSON.stringify({ query: 'query Probe { __typename }' });
  const rows: string[] = [];
  let base = { attempt: 0, request: 0 };
  for (const [name, make] of variants) {
    const observability = make();
    const scope = trace.setSpan(ROOT_CONTEXT, provider.getTracer('bench').startSpan('request'));
    const perAttempt = observability.restObserver
      ? await cpuMicros(20_000, () => observability.restObserver!.attempt(attempt, scope)?.end({ status: 200 }))
      : 0;
    const gateway = createGateway({
      transport,
      credentials: { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken },
      logging: false,
      observability,
    });
    const perRequest = await cpuMicros(2_000, async () =>
      (await gateway.fetch('http://gateway.bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text(),
    );
    if (name === 'off') base = { attempt: perAttempt, request: perRequest };
    const extraRequest = perRequest - base.request;
    const caseB = extraRequest + 51 * (perAttempt - base.attempt);
    const signed = (value: number, digits: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
    rows.push(
      `| ${name} | ${perAttempt.toFixed(1)} | ${perRequest.toFixed(0)} (${name === 'off' ? 'the pipeline itself' : signed(extraRequest, 0)}) | ${name === 'off' ? '' : `${signed(caseB / 1000, 2)} ms`} |`,
    );
  }
  await transport.close();
  await provider.shutdown();
  console.log(
    'In-process CPU µs: per REST attempt (observer), per GraphQL request without REST calls (plugins, `{ __typename }`), and case (b) estimated as one request + 51 attempts\n',
  );
  console.log('| observability | µs per REST attempt | µs per request | case (b), estimated |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('');
}

async function main() {
  await inProcess();
  const children: ChildProcess[] = [];
  // The collector stand-in: reads each export and answers 200.
  let exported = 0;
  const collector = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (exported += chunk.length));
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  try {
    const emu = await spawnListening(['--import', 'tsx', 'src/emulator/main.ts', '--port', '0', '--seed', 'demo'], /(http:\/\/127\.0\.0\.1:\d+)/);
    children.push(emu.child);
    const base = {
      PORT: '0',
      TWILIO_ACCOUNT_SID: DEMO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: DEMO_ACCOUNT.authToken,
      TWILIO_BASE_URL: emu.url,
      OTEL_SDK_DISABLED: 'true',
    };
    const traced = { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl };
    const configs: Array<{ name: string; env: Record<string, string> }> = [
      { name: 'off', env: { ...base, METRICS_PORT: 'off' } },
      { name: 'off again', env: { ...base, METRICS_PORT: 'off' } },
      { name: 'metrics', env: { ...base, METRICS_PORT: '0' } },
      { name: 'traces', env: { ...base, ...traced, METRICS_PORT: 'off' } },
      { name: 'both', env: { ...base, ...traced, METRICS_PORT: '0' } },
      { name: 'traces unsampled', env: { ...base, ...traced, METRICS_PORT: 'off', OTEL_TRACES_SAMPLER: 'always_off' } },
    ];
    const gateways: Array<{ name: string; pid: number; pool: Pool; perRequest: number[] }> = [];
    for (const config of configs) {
      const gw = await spawnListening(['--import', 'tsx', 'src/main.ts'], /(http:\/\/127\.0\.0\.1:\d+)\/graphql/, config.env);
      children.push(gw.child);
      gateways.push({ name: config.name, pid: gw.child.pid!, pool: new Pool(gw.url, { connections: CLIENTS }), perRequest: [] });
    }

    // The data of case (b): one service, 50 channels of 20 members each.
    const emuPool = new Pool(emu.url, { connections: 16 });
    const rest = async (path: string, form: Record<string, string>) => {
      const res = await emuPool.request({
        method: 'POST',
        path,
        headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`);
      return JSON.parse(text) as { sid: string };
    };
    const service = (await rest('/v2/Services', { FriendlyName: 'Bench' })).sid;
    for (let c = 0; c < 50; c++) {
      const channel = await rest(`/v2/Services/${service}/Channels`, {
        UniqueName: `bench-${c}`,
        FriendlyName: `Bench channel ${c}`,
        Attributes: '{"topic":"bench"}',
      });
      await Promise.all(Array.from({ length: 20 }, (_, m) => rest(`/v2/Services/${service}/Channels/${channel.sid}/Members`, { Identity: `bench-user-${m}` })));
    }
    await emuPool.close();

    const body = JSON.stringify({ query: QUERY_B, variables: { sid: service } });
    const run = async (pool: Pool, count: number) => {
      let left = count;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (left-- > 0) {
            const res = await pool.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body });
            const text = await res.body.text();
            if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`query failed: ${text.slice(0, 300)}`);
          }
        }),
      );
    };
    for (const gw of gateways) await run(gw.pool, REQUESTS * 2);
    for (let round = 0; round < ROUNDS; round++) {
      const cpu0 = gateways.map((gw) => cpuSeconds(gw.pid));
      await Promise.all(gateways.map((gw) => run(gw.pool, REQUESTS)));
      gateways.forEach((gw, i) => gw.perRequest.push(((cpuSeconds(gw.pid) - cpu0[i]!) * 1000) / REQUESTS));
    }

    const off = gateways[0]!;
    console.log(`End to end, Node ${process.version}: case (b), ${ROUNDS} rounds of ${REQUESTS} requests to every gateway at once, ${CLIENTS} clients each\n`);
    console.log('| gateway | CPU ms per request (median) | against off, same round: median (quartiles) |');
    console.log('|---|---|---|');
    const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
    for (const gw of gateways) {
      const differences = gw.perRequest.map((ms, i) => ms - off.perRequest[i]!);
      const delta = median(differences);
      const spread = `${signed(quantile(differences, 0.25))} to ${signed(quantile(differences, 0.75))}`;
      const percent = (delta / median(off.perRequest)) * 100;
      console.log(
        `| ${gw.name} | ${median(gw.perRequest).toFixed(2)} | ${gw === off ? '' : `${signed(delta)} ms, ${percent >= 0 ? '+' : ''}${percent.toFixed(1)}% (${spread})`} |`,
      );
    }
    console.log(`\nOTLP bytes the collector received: ${exported}`);
    for (const gw of gateways) await gw.pool.close();
  } finally {
    for (const c of children) c.kill();
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit')));
    collector.closeAllConnections();
    collector.close();
  }
}

await main();
