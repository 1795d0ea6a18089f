/**
 * Shutdown of the real process (src/main.ts): requests that finish within the
 * grace time are answered as usual; those still running when it ends are
 * cancelled and answered with SHUTTING_DOWN, not dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { waitFor } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let emulator: Emulator | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  child = undefined;
  await emulator?.close();
  emulator = undefined;
});

/** Starts `npm start`'s entry point on port 0 against the emulator; resolves with its origin. */
async function startMain(env: Record<string, string>): Promise<{ origin: string; process: ChildProcess; output: () => string }> {
  emulator = await createEmulator({ port: 0, seed: 'demo' });
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      TWILIO_BASE_URL: emulator.url,
      TWILIO_ACCOUNT_SID: DEMO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: DEMO_ACCOUNT.authToken,
      // Any free port, so that runs side by side never collide on the default one.
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => /gateway on (http:\/\/[^/]+)\/graphql/.test(output) || proc.exitCode !== null, 15_000, 'the gateway to listen');
  const origin = /gateway on (http:\/\/[^/]+)\/graphql/.exec(output)?.[1];
  if (!origin) throw new Error(`the gateway did not start:\n${output}`);
  return { origin, process: proc, output: () => output };
}

function post(origin: string, query: string) {
  return fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
}

describe('shutdown', () => {
  it('answers a request still running when the grace time ends with SHUTTING_DOWN, then exits', async () => {
    const main = await startMain({ SHUTDOWN_GRACE_MS: '300' });
    emulator!.injectFault({ operation: 'chat.ListService', stallMs: 10_000 });
    const pending = post(main.origin, '{ chatServices(first: 1) { nodes { sid } } }');
    await waitFor(() => emulator!.stats().operations['chat.ListService'] === 1, 5_000, 'the stalled call');
    const signalled = Date.now();
    main.process.kill('SIGTERM');
    const res = await pending;
    const answeredAfter = Date.now() - signalled;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
    expect(body.errors?.[0]?.message).toMatch(/shutting down/);
    expect(answeredAfter).toBeGreaterThanOrEqual(280);
    expect(answeredAfter).toBeLessThan(3_000);
    const [code] = (await once(main.process, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(4_000);
    // An expected end, not a failure to log.
    expect(main.output()).not.toMatch(/error/i);
  });

  it('lets a request that ends within the grace time finish, and exits as soon as it has', async () => {
    const main = await startMain({ SHUTDOWN_GRACE_MS: '5000' });
    emulator!.injectFault({ operation: 'chat.ListService', stallMs: 300 });
    const pending = post(main.origin, '{ chatServices(first: 1) { nodes { sid } } }');
    await waitFor(() => emulator!.stats().operations['chat.ListService'] === 1, 5_000, 'the slow call');
    const signalled = Date.now();
    main.process.kill('SIGTERM');
    const res = await pending;
    const body = (await res.json()) as { data?: { chatServices: { nodes: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.chatServices.nodes).toHaveLength(1);
    const [code] = (await once(main.process, 'exit')) as [number | null];
    expect(code).toBe(0);
    // Long before the 5 s grace is over.
    expect(Date.now() - signalled).toBeLessThan(2_500);
  });
});
