/**
 * Shutdown of the real process (src/main.ts): requests that finish within the
 * grace time are answered as usual; those still running when it ends are
 * cancelled and answered with SHUTTING_DOWN, not dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { Emulator } from '../../src/emulator/server.ts';
import { startMainProcess, type MainProcess } from '../support/main-process.ts';
import { waitFor } from './helpers.ts';

let main: MainProcess | undefined;
let emulator: Emulator | undefined;

afterEach(async () => {
  await main?.stop();
  main = undefined;
  emulator = undefined;
});

/** Starts `npm start`'s entry point on port 0 against an emulator of its own. */
async function startMain(env: Record<string, string>): Promise<MainProcess> {
  main = await startMainProcess(env);
  emulator = main.emulator;
  return main;
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
