/**
 * A bounded soak: for a few seconds, two tenants send ordinary queries while
 * attackers send every kind of request the limits exist for (cycles through
 * links, alias and fragment bombs, deep and huge documents, a storm of wrong
 * credentials for a real account, clients that leave mid-request). The
 * gateway runs in a child process with a 128 MB heap. Every ordinary query
 * must keep answering its own tenant's data exactly, every attack must be
 * refused with its code, and the heap must come back to where it started.
 */
import { describe, expect, it } from 'vitest';
import { heapAfterGc, rss, startChild } from './support/child.ts';

const SOAK_MS = 8_000;
const TENANT_A = { sid: 'AC00000000000000000000000000000001', token: 'demo-auth-token' };
const TENANT_B = { sid: 'AC000000000000000000000000000000b2', token: 'tenant-b-token' };
const basic = (sid: string, secret: string) => `Basic ${Buffer.from(`${sid}:${secret}`).toString('base64')}`;

const ORDINARY = /* GraphQL */ `{
  chatServices(first: 2) { nodes { sid friendlyName channels(first: 5) { nodes { uniqueName friendlyName membersCount
    members(first: 3) { nodes { identity user { friendlyName } } } } } } }
}`;

interface Answer {
  status: number;
  body: any;
  ms: number;
}

async function post(url: string, query: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
    signal,
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, ms: performance.now() - started };
}

const codeOf = (answer: Answer) => answer.body?.errors?.[0]?.extensions?.code;

/** Runs `step` again and again until the soak ends. */
async function loop(until: number, step: (i: number) => Promise<void>): Promise<number> {
  let i = 0;
  while (Date.now() < until) await step(i++);
  return i;
}

describe('soak: ordinary tenants beside every attack', () => {
  it('keeps answering each tenant its own data, refuses every attack, and returns to its memory baseline', async () => {
    const { child, url } = await startChild({
      EMULATOR_ACCOUNTS: `${TENANT_A.sid}:${TENANT_A.token},${TENANT_B.sid}:${TENANT_B.token}`,
      REQUEST_TIMEOUT_MS: '5000',
    });
    try {
      const asA = { authorization: basic(TENANT_A.sid, TENANT_A.token) };
      const asB = { authorization: basic(TENANT_B.sid, TENANT_B.token) };

      // Tenant B renames one of its channels, so the two tenants' answers differ and a crossed answer shows.
      const before = await post(url, ORDINARY, asB);
      const service = before.body.data.chatServices.nodes[0];
      const channel = service.channels.nodes[0];
      const renamed = await post(
        url,
        `mutation { updateChatChannel(input: { serviceSid: "${service.sid}", sidOrUniqueName: "${channel.uniqueName}", friendlyName: "Tenant B only" }) { chatChannel { friendlyName } } }`,
        asB,
      );
      expect(renamed.body.data.updateChatChannel.chatChannel.friendlyName).toBe('Tenant B only');
      const expected = { a: (await post(url, ORDINARY, asA)).body.data, b: (await post(url, ORDINARY, asB)).body.data };
      expect(JSON.stringify(expected.a)).not.toContain('Tenant B only');
      expect(JSON.stringify(expected.b)).toContain('Tenant B only');

      // Warm up every path once, then take the baseline.
      for (let i = 0; i < 3; i++) await post(url, ORDINARY, i % 2 ? asA : asB);
      const baseline = await heapAfterGc(child);

      const until = Date.now() + SOAK_MS;
      const latencies: number[] = [];
      const wrong: string[] = [];
      const ordinary = (tenant: 'a' | 'b', headers: Record<string, string>) =>
        loop(until, async () => {
          const answer = await post(url, ORDINARY, headers);
          latencies.push(answer.ms);
          if (answer.status !== 200 || JSON.stringify(answer.body.data) !== JSON.stringify(expected[tenant])) {
            wrong.push(`${tenant}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
          }
        });
      const refused = new Map<string, number>();
      const attack = (name: string, expectedCode: string, send: (i: number) => Promise<Answer>) =>
        loop(until, async (i) => {
          const answer = await send(i);
          const code = codeOf(answer);
          if (code !== expectedCode) wrong.push(`${name}: expected ${expectedCode}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
          refused.set(name, (refused.get(name) ?? 0) + 1);
        });

      const cycle = `{ chatServices(first: 1) { nodes { channels(first: 50) { nodes { members(first: 50) { nodes { channel { members(first: 50) { nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } } } } }`;
      const aliasDocuments = new Map(
        [40, 1000].map((count) => [count, `{ ${Array.from({ length: count }, (_, i) => `a${i}: chatServices(first: 50) { nodes { sid } }`).join(' ')} }`]),
      );
      const aliases = (count: number) => aliasDocuments.get(count)!;
      const deep = '{ a'.repeat(5000) + ' }'.repeat(5000);
      // Built once, so the test's own CPU goes to sending them: 20 distinct documents of ~700 kB, sent in turn.
      const hugeDocuments = Array.from({ length: 20 }, (_, i) => `{ ${Array.from({ length: 40_000 }, (_, j) => `h${i}_${j}: __typename`).join(' ')} }`);
      const huge = (i: number) => hugeDocuments[i % hugeDocuments.length]!;
      let fragments = `query { ...F0 }\n`;
      for (let i = 0; i < 16; i++) fragments += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} ...F${i + 1} }\n`;
      fragments += `fragment F16 on Query { chatServices(first: 1000) { nodes { channels(first: 1000) { nodes { sid } } } } }`;
      const storm = `{ ${Array.from({ length: 10 }, (_, i) => `s${i}: chatServices(first: 1) { nodes { sid } }`).join(' ')} }`;
      const heavy = `{ chatServices(first: 2) { nodes { channels(first: 50) { nodes { members(first: 50) { nodes { user { identity } } } } } } } }`;

      let left = 0;
      const results = await Promise.all([
        ordinary('a', asA),
        ordinary('b', asB),
        attack('cycle', 'QUERY_TOO_EXPENSIVE', () => post(url, cycle, asA)),
        attack('aliases', 'QUERY_TOO_MANY_ALIASES', () => post(url, aliases(40), asA)),
        attack('1000 aliases', 'QUERY_TOO_MANY_TOKENS', () => post(url, aliases(1000), asA)),
        attack('deep', 'QUERY_TOO_DEEP', () => post(url, deep)),
        attack('huge', 'QUERY_TOO_LARGE', (i) => post(url, huge(i))),
        // Armor counts each fragment level as depth: the bomb never reaches the cost model (which walks it linearly too).
        attack('fragments', 'QUERY_TOO_DEEP', () => post(url, fragments, asB)),
        attack('wrong token for a real account', 'UNAUTHENTICATED', (i) => post(url, storm, { authorization: basic(TENANT_A.sid, `guess-${i % 3}`) })),
        loop(until, async () => {
          // A client that leaves mid-request: its calls are cancelled with it.
          const controller = new AbortController();
          setTimeout(() => controller.abort(), 20);
          await post(url, heavy, asB, controller.signal).catch(() => (left += 1));
        }),
      ]);

      expect(wrong).toEqual([]);
      expect(child.exitCode).toBeNull();
      const [answeredA, answeredB] = results;
      // Seven attackers and a leaver share two cores (and the test's own process) with two ordinary clients: each
      // ordinary client still gets its turns. On a quiet machine each answers about 20 times, in under a second.
      expect(answeredA).toBeGreaterThanOrEqual(2);
      expect(answeredB).toBeGreaterThanOrEqual(2);
      for (const name of ['cycle', 'aliases', '1000 aliases', 'deep', 'huge', 'fragments', 'wrong token for a real account'])
        expect(refused.get(name)).toBeGreaterThan(0);
      expect(left).toBeGreaterThan(0);
      // Ordinary queries kept answering throughout: none was held up the way one cycle query held the process (104 s).
      expect(Math.max(...latencies)).toBeLessThan(10_000);

      // The same queries answer as before, and memory comes back: what the soak held was released.
      expect((await post(url, ORDINARY, asA)).body.data).toEqual(expected.a);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await heapAfterGc(child);
      expect(after - baseline, `heap ${Math.round(baseline / 1e6)} MB before, ${Math.round(after / 1e6)} MB after`).toBeLessThan(40 * 1024 * 1024);
      expect(rss(child.pid!)).toBeLessThan(400 * 1024 * 1024);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
