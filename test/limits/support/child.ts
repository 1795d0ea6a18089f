/** The gateway of `small-heap-gateway.ts` in a child process with a small heap, and what a test reads of it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./small-heap-gateway.ts', import.meta.url));

/** Starts the child with a 128 MB heap and the given environment; resolves once it listens. Kill it in a `finally`. */
export async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--max-old-space-size=128', '--expose-gc', '--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  try {
    for await (const chunk of child.stdout!) {
      output += chunk;
      const url = /listening (http:\/\/\S+)/.exec(output)?.[1];
      if (url) return { child, url };
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  child.kill('SIGKILL');
  throw new Error(`the gateway exited before listening:\n${output}`);
}

/** The child's resident memory, from /proc. */
export function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** The child's heap in use after a full collection. */
export async function heapAfterGc(child: ChildProcess): Promise<number> {
  const answer = once(child, 'message') as Promise<[{ heapUsed: number }]>;
  child.send('heap');
  return (await answer)[0].heapUsed;
}
