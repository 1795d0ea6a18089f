/**
 * `npm run bench:gateway`: how many REST calls per second the gateway asks of
 * the emulator at full load, against what the emulator can serve, both
 * measured in this run. The gateway runs in its own process (npm start's
 * code path, on an external emulator); the emulator in another.
 *
 * The query is the one the REST-count test pins at 42 calls: 20 channels with
 * members, users, last messages and authors. Both servers share this
 * machine's cores, so the CPU time each process used is printed too.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnListening } from './child.ts';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { DEMO_ACCOUNT } from '../src/emulator/accounts.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const AUTH = 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64');

const QUERY = `query($sid: String!) { chatService(sid: $sid) { channels(first: 20) { nodes { uniqueName
  members(first: 20) { nodes { identity user { friendlyName } } }
  messages(last: 5) { nodes { index body author { friendlyName } } } } } } }`;

function start(args: string[], env: Record<string, string>, pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  return spawnListening(args, pattern, env);
}

/** CPU seconds a process has used so far (Linux: utime + stime from /proc, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function loop(origin: string, clients: number, one: (pool: Pool) => Promise<void>, afterWarmUp?: () => Promise<void>): Promise<{ count: number; seconds: number }> {
  const pool = new Pool(origin, { connections: clients });
  const warm = performance.now() + 500;
  await Promise.all(Array.from({ length: clients }, async () => { while (performance.now() < warm) await one(pool); }));
  await afterWarmUp?.();
  let count = 0;
  const t0 = performance.now();
  const end = t0 + DURATION_MS;
  await Promise.all(Array.from({ length: clients }, async () => { while (performance.now() < end) { await one(pool); count++; } }));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return { count, seconds };
}

async function main() {
  const children: ChildProcess[] = [];
  try {
    const emu = await start(['--import', 'tsx', 'src/emulator/main.ts', '--port', '0', '--seed', 'demo'], {}, /(http:\/\/127\.0\.0\.1:\d+)/);
    children.push(emu.child);
    const gw = await start(['--import', 'tsx', 'src/main.ts'], {
      PORT: '0',
      TWILIO_ACCOUNT_SID: DEMO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: DEMO_ACCOUNT.authToken,
      TWILIO_BASE_URL: emu.url,
    }, /(http:\/\/127\.0\.0\.1:\d+)\/graphql/);
    children.push(gw.child);
    const services = (await (await fetch(`${emu.url}/v2/Services`, { headers: { authorization: AUTH } })).json()) as { services: Array<{ sid: string; friendly_name: string }> };
    const sid = services.services.find((s) => s.friendly_name === 'Acme Support')!.sid;
    const stats = async () => ((await (await fetch(`${emu.url}/__emulator/stats`)).json()) as { total: number; operations: Record<string, number> });

    // Baseline: the emulator's own capacity for the fetches and list pages the query makes, in this run.
    const capacity = await loop(emu.url, 16, async (pool) => {
      const res = await pool.request({ method: 'GET', path: `/v2/Services/${sid}/Channels?PageSize=20`, headers: { authorization: AUTH } });
      await res.body.text();
    });

    let before = await stats();
    let cpuBefore = { gateway: 0, emulator: 0 };
    // Per operation, so a query that costs more calls than the test pins shows where.
    const perOperation = (after: Awaited<ReturnType<typeof stats>>, count: number) =>
      Object.entries(after.operations)
        .map(([op, n]) => [op, (n - (before.operations[op] ?? 0)) / count] as const)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${op.split('.')[1]} ${n.toFixed(2)}`)
        .join(', ');
    const body = JSON.stringify({ query: QUERY, variables: { sid } });
    const gateway = await loop(gw.url, CLIENTS, async (pool) => {
      const res = await pool.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`query failed: ${text.slice(0, 300)}`);
    }, async () => {
      before = await stats();
      cpuBefore = { gateway: cpuSeconds(gw.child.pid!), emulator: cpuSeconds(emu.child.pid!) };
    });
    const cpu = { gateway: cpuSeconds(gw.child.pid!) - cpuBefore.gateway, emulator: cpuSeconds(emu.child.pid!) - cpuBefore.emulator };
    const after = await stats();
    const restCalls = after.total - before.total;

    const qps = gateway.count / gateway.seconds;
    const callsPerQuery = restCalls / gateway.count;
    const demanded = restCalls / gateway.seconds;
    const served = capacity.count / capacity.seconds;
    console.log(`Gateway benchmark: ${DURATION_MS} ms, ${CLIENTS} clients, Node ${process.version}\n`);
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| gateway queries/s (20 channels, members, users, messages, authors) | ${qps.toFixed(1)} |`);
    console.log(`| REST calls per query | ${callsPerQuery.toFixed(2)}: ${perOperation(after, gateway.count)} |`);
    console.log(`| REST calls/s the gateway asked of the emulator | ${Math.round(demanded)} |`);
    console.log(`| REST calls/s the emulator serves alone (list page of 20) | ${Math.round(served)} |`);
    console.log(`| ratio demanded / capacity | ${(demanded / served).toFixed(2)} |`);
    console.log(`| CPU seconds, gateway process / emulator process | ${cpu.gateway.toFixed(2)} / ${cpu.emulator.toFixed(2)} (emulator share ${((cpu.emulator / (cpu.gateway + cpu.emulator)) * 100).toFixed(0)}%) |`);
  } finally {
    for (const c of children) c.kill();
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit')));
  }
}

await main();
