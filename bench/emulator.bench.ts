/**
 * `npm run bench`: how fast the emulator answers on loopback, so that it is
 * never the bottleneck of a gateway benchmark. Each server runs in its own
 * process; the load comes from this one through an undici pool.
 *
 * Baseline: a bare node:http server answering a fixed JSON body of the same
 * size, measured in the same run. The figures that matter are the ratios.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnListening } from './child.ts';
import { once } from 'node:events';
import { Pool } from 'undici';
import { DEMO_ACCOUNT } from '../src/emulator/accounts.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const AUTH = 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64');

function startProcess(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  return spawnListening(args, /(http:\/\/127\.0\.0\.1:\d+)/);
}

async function startEmulator() {
  return startProcess(['--import', 'tsx', 'src/emulator/main.ts', '--port', '0', '--seed', 'demo']);
}

async function startBaseline(body: string) {
  const script = `
    const body = ${JSON.stringify(body)};
    const s = require('node:http').createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));`;
  return startProcess(['-e', script]);
}

interface Result {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  bytes: number;
}

async function load(name: string, origin: string, path: string): Promise<Result> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let bytes = 0;
  const one = async () => {
    const t = performance.now();
    const res = await pool.request({ method: 'GET', path, headers: { authorization: AUTH } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${text.slice(0, 200)}`);
    bytes = text.length;
    latencies.push(performance.now() - t);
  };
  // Warm up connections and JIT before measuring.
  const warmEnd = performance.now() + 500;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < warmEnd) await one();
    }),
  );
  latencies.length = 0;
  const start = performance.now();
  const end = start + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONNECTIONS * 2 }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = performance.now() - start;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  return { name, requests: latencies.length, rps: (latencies.length / elapsed) * 1000, p50: q(0.5), p99: q(0.99), bytes };
}

async function main() {
  const emu = await startEmulator();
  const servers: ChildProcess[] = [emu.child];
  try {
    const services = (await (await fetch(`${emu.url}/v2/Services`, { headers: { authorization: AUTH } })).json()) as { services: Array<{ sid: string }> };
    const service = services.services[0]!.sid;
    const channels = (await (await fetch(`${emu.url}/v2/Services/${service}/Channels?PageSize=50`, { headers: { authorization: AUTH } })).json()) as {
      channels: Array<{ sid: string }>;
    };
    const channel = channels.channels[0]!.sid;
    const cases = [
      { name: 'fetch a channel', path: `/v2/Services/${service}/Channels/${channel}` },
      { name: 'list page (50 channels)', path: `/v2/Services/${service}/Channels?PageSize=50` },
      { name: 'list page (members, identity filter)', path: `/v2/Services/${service}/Channels/${channel}/Members?Identity=alice&Identity=bob&Identity=carol` },
    ];
    console.log(`Emulator benchmark: ${DURATION_MS} ms per case, ${CONNECTIONS} connections, ${CONNECTIONS * 2} requests in flight, Node ${process.version}\n`);
    const rows: string[] = [];
    for (const c of cases) {
      const sample = await (await fetch(emu.url + c.path, { headers: { authorization: AUTH } })).text();
      const baseline = await startBaseline(sample);
      servers.push(baseline.child);
      const b = await load(`baseline for ${c.name}`, baseline.url, c.path);
      baseline.child.kill();
      const e = await load(c.name, emu.url, c.path);
      rows.push(
        `| ${c.name} | ${e.bytes} B | ${Math.round(e.rps)} | ${e.p50.toFixed(2)} / ${e.p99.toFixed(2)} ms | ${Math.round(b.rps)} | ${(e.rps / b.rps).toFixed(2)} |`,
      );
    }
    console.log('| case | body | emulator req/s | emulator p50 / p99 | bare node:http req/s | ratio |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    for (const s of servers) s.kill();
    await Promise.all(servers.filter((s) => s.exitCode === null && s.signalCode === null).map((s) => once(s, 'exit')));
  }
}

await main();
