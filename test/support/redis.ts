/**
 * A real redis-server for tests: on a free loopback port, in a temporary
 * directory, nothing saved. It stops when the test stops it, and also when
 * the test process dies however it dies: it runs under a shell that kills it
 * as soon as its stdin (a pipe from this process) closes.
 * `scripts/ensure-redis.sh` (run by `npm test`) installs redis-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether a Redis server answers PING on `port`. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Starts a server, on `port` when given (to restart one), else on a free port. */
export async function startRedis(port?: number): Promise<RedisServer> {
  const binary = process.env.REDIS_SERVER ?? 'redis-server';
  if (spawnSync('sh', ['-c', 'command -v "$0"', binary]).status !== 0) {
    throw new Error(`${binary} is not installed: npm test installs it (scripts/ensure-redis.sh), or install the redis-server package yourself`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gateway-redis-'));
  for (let attempt = 1; ; attempt++) {
    const listenOn = port ?? (await freePort());
    const args = ['--port', String(listenOn), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
    // `cat` returns when this process's end of the pipe closes, whatever ended it: then the server is stopped and its directory removed.
    const child: ChildProcess = spawn(
      'sh',
      ['-c', '"$0" "$@" & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid; rm -rf "$REDIS_DIR"', binary, ...args],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
        env: { ...process.env, REDIS_DIR: dir },
      },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    let exited = false;
    const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await pings(listenOn))) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!exited && (await pings(listenOn))) {
      let stopped: Promise<void> | undefined;
      const stop = () =>
        (stopped ??= (async () => {
          child.stdin!.end();
          await exit;
          rmSync(dir, { recursive: true, force: true });
        })());
      return { url: `redis://127.0.0.1:${listenOn}`, port: listenOn, stop, [Symbol.asyncDispose]: stop };
    }
    child.stdin!.end();
    await exit;
    // Another process took the port between the probe and the start: try another.
    if (attempt >= 3 || port !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start (${binary}): ${stderr.trim() || 'no output'}. Run scripts/ensure-redis.sh to install it.`);
    }
  }
}
