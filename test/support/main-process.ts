/**
 * `src/main.ts` as production runs it, in a child process on port 0 (its
 * metrics listener on any free port too), against an emulator of its own:
 * for the tests of what only the real process does (signals, shutdown, its
 * output, its listeners). `stop()` kills whatever is left and closes the
 * emulator; call it however the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /gateway on (http:\/\/[^/]+)\/graphql/;

export interface MainProcess {
  /** The gateway's origin, e.g. http://127.0.0.1:53212. */
  origin: string;
  emulator: Emulator;
  process: ChildProcess;
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
  stop(): Promise<void>;
}

/** `src/main.ts` spawned with exactly `env` (and PATH), its output gathered. */
function spawnMain(env: Record<string, string>): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { proc, output: () => output };
}

/**
 * Starts it with the demo account's credentials and `env` over them, and
 * resolves once its output matches `ready` (by default, the line saying where
 * it listens). It talks to an emulator of its own, or to `shared` (which
 * `stop()` leaves running, for replicas of one account).
 */
export async function startMainProcess(env: Record<string, string> = {}, ready: RegExp = LISTENING, shared?: Emulator): Promise<MainProcess> {
  const emulator = shared ?? (await createEmulator({ port: 0, seed: 'demo' }));
  const { proc, output } = spawnMain({
    PORT: '0',
    HOST: '127.0.0.1',
    // Any free port, so that gateways running side by side never collide on the default one.
    METRICS_PORT: '0',
    TWILIO_BASE_URL: emulator.url,
    TWILIO_ACCOUNT_SID: DEMO_ACCOUNT.accountSid,
    TWILIO_AUTH_TOKEN: DEMO_ACCOUNT.authToken,
    ...env,
  });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await once(proc, 'exit');
    }
    if (!shared) await emulator.close();
  };
  // Generous: a loaded machine takes seconds to load the gateway's modules.
  const deadline = Date.now() + 20_000;
  while (!(ready.test(output()) && LISTENING.test(output())) && proc.exitCode === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const origin = LISTENING.exec(output())?.[1];
  if (!origin || !ready.test(output())) {
    await stop();
    throw new Error(`the gateway did not start as expected:\n${output()}`);
  }
  return { origin, emulator, process: proc, output, stop };
}

/** Runs it with `env` (and no Twilio reachable) until it exits, as a start-up that must fail does; killed after 20 s. */
export async function runMainProcessToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { proc, output } = spawnMain({ PORT: '0', METRICS_PORT: '0', TWILIO_BASE_URL: 'http://127.0.0.1:9', ...env });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  const [code] = (await once(proc, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output: output() };
}
