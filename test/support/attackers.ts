/**
 * Clients that send one GraphQL query, each request with a new made-up secret
 * for an account, from a worker thread: like real attackers they do not share
 * the gateway's event loop, so what a test measures is the gateway's work, not
 * the test's own HTTP clients.
 */
import { Worker } from 'node:worker_threads';

export interface AttackOptions {
  /** The gateway's /graphql. */
  url: string;
  /** Clients sending at once, each one request after another. */
  clients: number;
  query: string;
  /** The account SID every made-up credential names. */
  accountSid: string;
  /** Requests per client. **Default:** until stopped. */
  requestsPerClient?: number;
  /** Every client stops by itself after this long. **Default:** 20000. */
  maxMs?: number;
}

/** What one request got back. */
export interface AttackAnswer {
  status: number;
  /** `extensions.code` of the first error; `FETCH_FAILED` when no answer came. */
  code: string;
  /** Message of the first error. */
  message: string;
  errors: number;
  hasData: boolean;
  ms: number;
}

export interface Attack {
  /** Every answer, once each client has sent its requests (or the attack was stopped). */
  readonly answers: Promise<AttackAnswer[]>;
  /** Stops the clients after their request in flight; resolves to every answer. */
  stop(): Promise<AttackAnswer[]>;
}

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { randomUUID } = require('node:crypto');
const { url, clients, query, accountSid, requestsPerClient, maxMs } = workerData;
const deadline = Date.now() + maxMs;
let stopped = false;
parentPort.on('message', () => { stopped = true; });
const answers = [];
async function client() {
  for (let i = 0; i < requestsPerClient && !stopped && Date.now() < deadline; i++) {
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(accountSid + ':' + randomUUID()).toString('base64') },
        body: JSON.stringify({ query }),
      });
      const body = await res.json();
      const first = body.errors?.[0];
      answers.push({ status: res.status, code: String(first?.extensions?.code), message: String(first?.message), errors: body.errors?.length ?? 0, hasData: body.data != null, ms: performance.now() - started });
    } catch {
      answers.push({ status: 0, code: 'FETCH_FAILED', message: '', errors: 0, hasData: false, ms: performance.now() - started });
    }
  }
}
Promise.all(Array.from({ length: clients }, client)).then(() => parentPort.postMessage(answers));
`;

/** Starts the clients at once. */
export function startAttack(options: AttackOptions): Attack {
  const worker = new Worker(WORKER, { eval: true, workerData: { requestsPerClient: Infinity, maxMs: 20_000, ...options } });
  const answers = new Promise<AttackAnswer[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
  return {
    answers,
    stop() {
      worker.postMessage('stop');
      return answers;
    },
  };
}

/** How many answers had each code. */
export function countCodes(answers: AttackAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code } of answers) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}
