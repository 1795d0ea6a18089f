/**
 * `npm run bench:gateway`: the gateway's CPU per request against the floor
 * no gateway can go below, its peak memory, its throughput at 20 ms upstream
 * latency, how many REST calls per second it asks of the emulator against
 * what the emulator can serve, and, with the response cache on, what a hit
 * costs against a miss for (b), all in one run. The gateway runs in its own
 * process (npm start's code path, on an external emulator); the emulator in
 * another.
 *
 * The cases, on a service seeded here with 50 channels of 20 members each
 * (and the demo service for the 42-call query the REST-count test pins):
 * (a) the service's 50 channels, (b) the same with 20 members each, (c) one
 * channel's members, and the 42-call query (20 channels with members, users,
 * last messages and authors). And (b) with each channel's members deferred
 * (`@defer`, read as multipart/mixed): the time to the first part, the
 * channels, against the time to the whole answer.
 *
 * The floor of a request is the work any gateway must do: JSON.parse of the
 * REST bodies the query needs (fetched once from the emulator, replayed here
 * in-process) and JSON.stringify of the gateway's actual answer. It is
 * measured in this process with process.cpuUsage over many iterations; the
 * gateway's CPU from /proc/<pid>/stat over a fixed number of requests. Both
 * servers share this machine's cores with this process, so CPU time, not wall
 * time, is what the ratio compares.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnListening } from './child.ts';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { DEMO_ACCOUNT } from '../src/emulator/accounts.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
/** Requests each CPU case sends at once: enough to keep the gateway busy, so its CPU is the requests' and not idle polling. */
const CPU_CLIENTS = 4;
/** Clients and latency of the throughput cases. */
const LATENCY_CLIENTS = 10;
const LATENCY_MS = 20;
const AUTH = 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${DEMO_ACCOUNT.authToken}`).toString('base64');

const CHANNELS = 50;
const MEMBERS = 20;

const CHANNEL_FIELDS = 'sid friendlyName uniqueName attributes type createdBy membersCount messagesCount dateCreated dateUpdated url';
const MEMBER_FIELDS = 'sid identity roleSid attributes lastConsumedMessageIndex lastConsumptionTimestamp dateCreated dateUpdated url';

const QUERY_A = `query($sid: String!) { chatService(sid: $sid) { channels(first: 50) { nodes { ${CHANNEL_FIELDS} } } } }`;
const QUERY_B = `query($sid: String!) { chatService(sid: $sid) { channels(first: 50) { nodes { ${CHANNEL_FIELDS}
  members(first: 20) { nodes { ${MEMBER_FIELDS} } } } } } }`;
const QUERY_B_DEFERRED = `query($sid: String!) { chatService(sid: $sid) { channels(first: 50) { nodes { ${CHANNEL_FIELDS}
  ... @defer { members(first: 20) { nodes { ${MEMBER_FIELDS} } } } } } } }`;
const QUERY_C = `query($sid: String!, $channel: String!) { chatService(sid: $sid) { channel(sidOrUniqueName: $channel) {
  members(first: 50) { nodes { ${MEMBER_FIELDS} } } } } }`;
const QUERY_42 = `query($sid: String!) { chatService(sid: $sid) { channels(first: 20) { nodes { uniqueName
  members(first: 20) { nodes { identity user { friendlyName } } }
  messages(last: 5) { nodes { index body author { friendlyName } } } } } } }`;

interface Case {
  name: string;
  body: string;
  /** Requests over which the gateway's CPU is measured (after as many again to warm up). */
  requests: number;
  /** The REST paths the query needs at the least, each read once. */
  floorPaths: string[];
}

/** CPU seconds a process has used so far (Linux: utime + stime from /proc, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A process's peak resident set so far, in MB (VmHWM). */
function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Number(kb) / 1024;
}

async function loop(
  origin: string,
  clients: number,
  one: (pool: Pool) => Promise<void>,
  afterWarmUp?: () => Promise<void>,
): Promise<{ count: number; seconds: number }> {
  const pool = new Pool(origin, { connections: clients });
  const warm = performance.now() + 500;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < warm) await one(pool);
    }),
  );
  await afterWarmUp?.();
  let count = 0;
  const t0 = performance.now();
  const end = t0 + DURATION_MS;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await one(pool);
        count++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return { count, seconds };
}

/**
 * Sends a query answered in parts (multipart/mixed) and times, from sending it,
 * the end of its first part and the end of the whole answer.
 */
async function timeParts(origin: string, body: string): Promise<{ first: number; whole: number; parts: number }> {
  const t0 = performance.now();
  const res = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'multipart/mixed' }, body });
  const boundary = /boundary="?([^";]+)"?/.exec(res.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error(`not an answer in parts: ${res.status} ${(await res.text()).slice(0, 300)}`);
  // A part is complete when the delimiter after it arrives: the first part, at the second delimiter.
  const delimiter = `\r\n--${boundary}`;
  const decoder = new TextDecoder();
  let text = '';
  let first = 0;
  let delimiters = 0;
  let from = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    for (let at = text.indexOf(delimiter, from); at !== -1; at = text.indexOf(delimiter, from)) {
      delimiters++;
      from = at + delimiter.length;
    }
    if (!first && delimiters >= 2) first = performance.now() - t0;
  }
  const whole = performance.now() - t0;
  if (text.includes('"errors"')) throw new Error(`query failed: ${text.slice(0, 300)}`);
  // One delimiter before each part, and the closing one.
  return { first, whole, parts: delimiters - 1 };
}

/** Sends `count` requests, `clients` at a time. */
async function times(pool: Pool, count: number, clients: number, one: (pool: Pool) => Promise<unknown>): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) await one(pool);
    }),
  );
}

/** CPU milliseconds per iteration of `work` in this process, over at least `minMs` of CPU. */
function cpuPerIteration(work: () => void, minMs = 300): number {
  for (let i = 0; i < 20; i++) work();
  let iterations = 0;
  const start = process.cpuUsage();
  let used = 0;
  do {
    for (let i = 0; i < 10; i++) work();
    iterations += 10;
    const d = process.cpuUsage(start);
    used = (d.user + d.system) / 1000;
  } while (used < minMs);
  return used / iterations;
}

async function main() {
  const children: ChildProcess[] = [];
  try {
    const emu = await spawnListening(['--import', 'tsx', 'src/emulator/main.ts', '--port', '0', '--seed', 'demo'], /(http:\/\/127\.0\.0\.1:\d+)/);
    children.push(emu.child);
    const gw = await spawnListening(['--import', 'tsx', 'src/main.ts'], /(http:\/\/127\.0\.0\.1:\d+)\/graphql/, {
      PORT: '0',
      TWILIO_ACCOUNT_SID: DEMO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: DEMO_ACCOUNT.authToken,
      TWILIO_BASE_URL: emu.url,
      METRICS_PORT: '0',
    });
    children.push(gw.child);
    const gwPid = gw.child.pid!;
    const emuPool = new Pool(emu.url, { connections: 16 });
    const rest = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<string> => {
      const res = await emuPool.request({
        method,
        path,
        headers: { authorization: AUTH, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
      return text;
    };
    const stats = async () => (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as { total: number; operations: Record<string, number> };
    const setLatency = (ms: number) => fetch(`${emu.url}/__emulator/latency`, { method: 'PUT', body: JSON.stringify({ ms }) });

    // The data: one service, 50 channels of 20 members each (20 users, each a member of every channel).
    const seedStart = performance.now();
    const benchSid = (JSON.parse(await rest('POST', '/v2/Services', { FriendlyName: 'Bench' })) as { sid: string }).sid;
    const channelSids: string[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const channel = JSON.parse(
        await rest('POST', `/v2/Services/${benchSid}/Channels`, {
          UniqueName: `bench-${c}`,
          FriendlyName: `Bench channel ${c}`,
          Attributes: '{"topic":"bench"}',
        }),
      ) as { sid: string };
      channelSids.push(channel.sid);
      await Promise.all(
        Array.from({ length: MEMBERS }, (_, m) => rest('POST', `/v2/Services/${benchSid}/Channels/${channel.sid}/Members`, { Identity: `bench-user-${m}` })),
      );
    }
    const seedMs = performance.now() - seedStart;
    const demoServices = JSON.parse(await rest('GET', '/v2/Services')) as { services: Array<{ sid: string; friendly_name: string }> };
    const acmeSid = demoServices.services.find((s) => s.friendly_name === 'Acme Support')!.sid;
    const acmeChannels = (JSON.parse(await rest('GET', `/v2/Services/${acmeSid}/Channels?PageSize=20`)) as { channels: Array<{ sid: string }> }).channels.map(
      (c) => c.sid,
    );

    const request = (query: string, variables: Record<string, string>) => JSON.stringify({ query, variables });
    const cases: Case[] = [
      { name: '(a) 50 channels', body: request(QUERY_A, { sid: benchSid }), requests: 400, floorPaths: [`/v2/Services/${benchSid}/Channels?PageSize=50`] },
      {
        name: '(b) 50 channels × 20 members',
        body: request(QUERY_B, { sid: benchSid }),
        requests: 60,
        floorPaths: [
          `/v2/Services/${benchSid}/Channels?PageSize=50`,
          ...channelSids.map((ch) => `/v2/Services/${benchSid}/Channels/${ch}/Members?PageSize=20`),
        ],
      },
      {
        name: "(c) one channel's members",
        body: request(QUERY_C, { sid: benchSid, channel: 'bench-7' }),
        requests: 400,
        floorPaths: [`/v2/Services/${benchSid}/Channels/bench-7/Members?PageSize=50`],
      },
      {
        name: '42-call Chat query',
        body: request(QUERY_42, { sid: acmeSid }),
        requests: 80,
        floorPaths: [
          `/v2/Services/${acmeSid}/Channels?PageSize=20`,
          ...acmeChannels.map((ch) => `/v2/Services/${acmeSid}/Channels/${ch}/Members?PageSize=20`),
          ...acmeChannels.map((ch) => `/v2/Services/${acmeSid}/Channels/${ch}/Messages?PageSize=5&Order=desc`),
          `/v2/Services/${acmeSid}/Users?PageSize=1000`,
        ],
      },
    ];

    const gwPool = new Pool(gw.url, { connections: LATENCY_CLIENTS });
    const ask = async (pool: Pool, body: string): Promise<string> => {
      const res = await pool.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`query failed: ${text.slice(0, 300)}`);
      return text;
    };

    // CPU per request, the gateway's and the floor's, case by case on the same data.
    const cpuRows: string[] = [];
    for (const c of cases) {
      await times(gwPool, c.requests, CPU_CLIENTS, (pool) => ask(pool, c.body));
      const before = await stats();
      const cpu0 = cpuSeconds(gwPid);
      await times(gwPool, c.requests, CPU_CLIENTS, (pool) => ask(pool, c.body));
      const gatewayMs = ((cpuSeconds(gwPid) - cpu0) * 1000) / c.requests;
      const calls = ((await stats()).total - before.total) / c.requests;
      const answer = JSON.parse(await ask(gwPool, c.body)) as unknown;
      const bodies = await Promise.all(c.floorPaths.map((path) => rest('GET', path)));
      const parseMs = cpuPerIteration(() => {
        for (const body of bodies) JSON.parse(body);
      });
      const stringifyMs = cpuPerIteration(() => JSON.stringify(answer));
      const floorMs = parseMs + stringifyMs;
      const upstreamKb = bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0) / 1024;
      const answerKb = Buffer.byteLength(JSON.stringify(answer)) / 1024;
      cpuRows.push(
        `| ${c.name} | ${calls.toFixed(0)} / ${c.floorPaths.length} | ${upstreamKb.toFixed(0)} / ${answerKb.toFixed(0)} | ${gatewayMs.toFixed(2)} | ${floorMs.toFixed(3)} (${parseMs.toFixed(3)} + ${stringifyMs.toFixed(3)}) | **${(gatewayMs / floorMs).toFixed(1)}×** |`,
      );
    }

    // At 20 ms upstream latency: throughput of (a) and (c) with 10 clients, and how busy the gateway was meanwhile.
    await setLatency(LATENCY_MS);
    const latencyRows: string[] = [];
    for (const c of [cases[0]!, cases[2]!]) {
      let cpu0 = 0;
      const run = await loop(
        gw.url,
        LATENCY_CLIENTS,
        (pool) => ask(pool, c.body).then(() => {}),
        async () => {
          cpu0 = cpuSeconds(gwPid);
        },
      );
      const busy = (cpuSeconds(gwPid) - cpu0) / run.seconds;
      latencyRows.push(
        `| ${c.name}: req/s, ${LATENCY_CLIENTS} clients, ${LATENCY_MS} ms | ${(run.count / run.seconds).toFixed(0)} (gateway CPU busy ${(busy * 100).toFixed(0)}% of one core) |`,
      );
    }
    // One (b) request alone: its REST calls come in waves of 20 ms each.
    const walls: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await ask(gwPool, cases[1]!.body);
      walls.push(performance.now() - t0);
    }
    walls.sort((x, y) => x - y);
    latencyRows.push(
      `| ${cases[1]!.name}: wall ms of one request at ${LATENCY_MS} ms (median of 5, best) | ${walls[2]!.toFixed(0)}, ${walls[0]!.toFixed(0)} |`,
    );
    // The same with each channel's members deferred: the channels come in the first part, a wave before the members.
    const deferredBody = request(QUERY_B_DEFERRED, { sid: benchSid });
    await timeParts(gw.url, deferredBody);
    const timed: Array<{ first: number; whole: number; parts: number }> = [];
    for (let i = 0; i < 5; i++) timed.push(await timeParts(gw.url, deferredBody));
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[2]!;
    latencyRows.push(
      `| ${cases[1]!.name}, members \`@defer\`red (multipart/mixed, ${timed[0]!.parts} parts): ms to the first part (the channels) / to the whole answer at ${LATENCY_MS} ms (median of 5) | ${median(timed.map((t) => t.first)).toFixed(0)} / ${median(timed.map((t) => t.whole)).toFixed(0)} |`,
    );
    await setLatency(0);
    await gwPool.close();

    // Baseline: the emulator's own capacity for the list pages the 42-call query makes, in this run.
    const capacity = await loop(emu.url, 16, async (pool) => {
      const res = await pool.request({ method: 'GET', path: `/v2/Services/${acmeSid}/Channels?PageSize=20`, headers: { authorization: AUTH } });
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
    const full = await loop(
      gw.url,
      CLIENTS,
      (pool) => ask(pool, cases[3]!.body).then(() => {}),
      async () => {
        before = await stats();
        cpuBefore = { gateway: cpuSeconds(gwPid), emulator: cpuSeconds(emu.child.pid!) };
      },
    );
    const cpu = { gateway: cpuSeconds(gwPid) - cpuBefore.gateway, emulator: cpuSeconds(emu.child.pid!) - cpuBefore.emulator };
    const after = await stats();
    const restCalls = after.total - before.total;
    const demanded = restCalls / full.seconds;
    const served = capacity.count / capacity.seconds;
    const rss = peakRssMb(gwPid);

    // (b) with the response cache on (in-process): a miss (variables no request repeats) against a hit, CPU and wall time.
    const cached = await spawnListening(['--import', 'tsx', 'src/main.ts'], /(http:\/\/127\.0\.0\.1:\d+)\/graphql/, {
      PORT: '0',
      TWILIO_ACCOUNT_SID: DEMO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: DEMO_ACCOUNT.authToken,
      TWILIO_BASE_URL: emu.url,
      METRICS_PORT: '0',
      RESPONSE_CACHE_TTL_MS: '600000',
    });
    children.push(cached.child);
    const cachePool = new Pool(cached.url, { connections: CPU_CLIENTS });
    let unique = 0;
    const cacheRows: string[] = [];
    for (const [name, body] of [
      ['miss', () => JSON.stringify({ query: QUERY_B, variables: { sid: benchSid, unused: unique++ } })],
      ['hit', () => cases[1]!.body],
    ] as const) {
      await times(cachePool, 30, CPU_CLIENTS, (pool) => ask(pool, body()));
      const requests = name === 'hit' ? 600 : 60;
      const cpu0 = cpuSeconds(cached.child.pid!);
      await times(cachePool, requests, CPU_CLIENTS, (pool) => ask(pool, body()));
      const cpuMs = ((cpuSeconds(cached.child.pid!) - cpu0) * 1000) / requests;
      const walls: number[] = [];
      for (let i = 0; i < 21; i++) {
        const t0 = performance.now();
        await ask(cachePool, body());
        walls.push(performance.now() - t0);
      }
      walls.sort((x, y) => x - y);
      cacheRows.push(`| ${cases[1]!.name}, ${name} | ${cpuMs.toFixed(2)} | ${walls[10]!.toFixed(1)} |`);
    }
    await cachePool.close();
    await emuPool.close();

    console.log(`Gateway benchmark, Node ${process.version}; seeded ${CHANNELS} channels × ${MEMBERS} members in ${(seedMs / 1000).toFixed(1)} s\n`);
    console.log(
      `CPU per request (${CPU_CLIENTS} clients, no upstream latency) against the floor: JSON.parse of the REST bodies the query needs + JSON.stringify of the answer\n`,
    );
    console.log('| case | REST calls: gateway / least | KB upstream / answer | gateway CPU ms per request | floor CPU ms (parse + stringify) | ratio |');
    console.log('|---|---|---|---|---|---|');
    for (const row of cpuRows) console.log(row);
    console.log(`\n| measure | value |`);
    console.log('|---|---|');
    for (const row of latencyRows) console.log(row);
    console.log(`| gateway peak RSS over the run (VmHWM) | ${rss.toFixed(0)} MB |`);
    console.log(`| gateway queries/s, 42-call query, ${CLIENTS} clients, no latency | ${(full.count / full.seconds).toFixed(1)} |`);
    console.log(`| REST calls per query | ${(restCalls / full.count).toFixed(2)}: ${perOperation(after, full.count)} |`);
    console.log(`| REST calls/s the gateway asked of the emulator | ${Math.round(demanded)} |`);
    console.log(`| REST calls/s the emulator serves alone (list page of 20) | ${Math.round(served)} |`);
    console.log(`| ratio demanded / capacity | ${(demanded / served).toFixed(2)} |`);
    console.log(
      `| CPU seconds, gateway process / emulator process | ${cpu.gateway.toFixed(2)} / ${cpu.emulator.toFixed(2)} (emulator share ${((cpu.emulator / (cpu.gateway + cpu.emulator)) * 100).toFixed(0)}%) |`,
    );
    console.log(`\nWith the response cache on (RESPONSE_CACHE_TTL_MS, in-process), no upstream latency\n`);
    console.log('| case | gateway CPU ms per request | wall ms, one request alone (median of 21) |');
    console.log('|---|---|---|');
    for (const row of cacheRows) console.log(row);
  } finally {
    for (const c of children) c.kill();
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit')));
  }
}

await main();
