/**
 * A gateway on its emulator, configured from the environment as `npm start`
 * is, for tests that run it in a child process with a small heap. Prints
 * `listening <url>` once it answers. The emulator knows the accounts of
 * `EMULATOR_ACCOUNTS` (each with the demo data). Over IPC, `heap` asks for the
 * heap in use after a full collection (with `--expose-gc`).
 */
import { loadConfig } from '../../../src/config.ts';
import { accountsFromEnv } from '../../../src/emulator/accounts.ts';
import { startGateway } from '../../support/harness.ts';

const config = loadConfig();
const env = await startGateway({
  emulator: { accounts: accountsFromEnv(process.env.EMULATOR_ACCOUNTS) },
  gateway: { documentLimits: config.documentLimits },
});
process.on('message', (message) => {
  if (message !== 'heap') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ heapUsed: process.memoryUsage().heapUsed });
});
console.log(`listening ${env.url}`);
process.once('SIGTERM', () => void env.close().then(() => process.exit(0)));
