/**
 * Clients that keep sending one GraphQL query, each request with a new made-up
 * secret for an account, from a worker thread: like real attackers they do not
 * share the gateway's event loop, so what a test measures is the gateway's
 * work, not the test's own HTTP clients.
 */
import { Worker } from 'node:worker_threads';

export interface Attack {
  /** Resolves, once every client has finished its request in flight, to the error codes of their answers (first error of each). */
  stop(): Promise<Record<string, number>>;
}

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { randomUUID } = require('node:crypto');
const { url, clients, query, accountSid, maxMs } = workerData;
const deadline = Date.now() + maxMs;
let stopped = false;
parentPort.on('message', () => { stopped = true; });
const codes = {};
async function client() {
  while (!stopped && Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(accountSid + ':' + randomUUID()).toString('base64') },
        body: JSON.stringify({ query }),
      });
      const body = await res.json();
      const code = String(body.errors?.[0]?.extensions?.code);
      codes[code] = (codes[code] ?? 0) + 1;
    } catch {
      codes.FETCH_FAILED = (codes.FETCH_FAILED ?? 0) + 1;
    }
  }
}
Promise.all(Array.from({ length: clients }, client)).then(() => parentPort.postMessage(codes));
`;

/** Starts `clients` concurrent clients sending `query` to `url` (the gateway's /graphql); each stops by itself after `maxMs`. */
export function startAttack(options: { url: string; clients: number; query: string; accountSid: string; maxMs?: number }): Attack {
  const worker = new Worker(WORKER, { eval: true, workerData: { maxMs: 20_000, ...options } });
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      try {
        return await done;
      } finally {
        await worker.terminate();
      }
    },
  };
}
