/** Child processes for benchmarks: started, and read until they say where they listen. */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Spawns `node args…` and resolves with the first match of `pattern` in its
 * output. Its stdout keeps being read afterwards: a stream left unread (or
 * destroyed, as leaving a `for await` does) makes the child's next log line
 * fail with EPIPE.
 */
export function spawnListening(args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const m = pattern.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', () => reject(new Error(`exited before listening: ${out}`)));
  });
}
