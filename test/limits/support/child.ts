/** The gateway of `small-heap-gateway.ts` in a child process with a small heap, and what a test reads of it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./small-heap-gateway.ts', import.meta.url));

/** Starts the child with a 128 MB heap and the given environment; resolves once it listens. Kill it in a `finally`. */
export function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--max-old-space-size=128', '--expose-gc', '--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    // Read for as long as the child lives: an unread pipe would make its next line fail with EPIPE.
    const read = (chunk: Buffer) => {
      output += chunk;
      const url = /listening (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', () => reject(new Error(`the gateway exited before listening:\n${output}`)));
  });
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
