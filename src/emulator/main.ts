/**
 * `npm run emulator`: runs the Twilio emulator on its own.
 *   --port N (default 4010, or EMULATOR_PORT)   --host H (default 127.0.0.1)
 *   --seed demo|none (default demo)             --latency MS (default 0)
 *   --limits on|off (default on): Twilio's request limits (concurrency, Chat writes per second)
 * Accounts come from EMULATOR_ACCOUNTS (see README), else the demo account.
 */
import { parseArgs } from 'node:util';
import { createEmulator, type SeedName } from './server.ts';
import { accountsFromEnv, DEMO_ACCOUNT } from './accounts.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.EMULATOR_PORT ?? '4010' },
    host: { type: 'string', default: process.env.EMULATOR_HOST ?? '127.0.0.1' },
    seed: { type: 'string', default: 'demo' },
    latency: { type: 'string', default: '0' },
    limits: { type: 'string', default: 'on' },
  },
});

function fail(message: string): never {
  console.error(`emulator: ${message}`);
  process.exit(2);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
if (values.seed !== 'demo' && values.seed !== 'none') fail(`--seed must be demo or none, got ${values.seed}`);
const latencyMs = Number(values.latency);
if (!Number.isFinite(latencyMs) || latencyMs < 0) fail(`--latency must be a non-negative number of milliseconds, got ${values.latency}`);
if (values.limits !== 'on' && values.limits !== 'off') fail(`--limits must be on or off, got ${values.limits}`);
let accounts;
try {
  accounts = accountsFromEnv(process.env.EMULATOR_ACCOUNTS);
} catch (err) {
  fail((err as Error).message);
}

const emulator = await createEmulator({ port, host: values.host, seed: values.seed as SeedName, latencyMs, accounts, limits: values.limits === 'on' });
console.log(`Twilio emulator listening on ${emulator.url} (seed: ${values.seed})`);
if (!process.env.EMULATOR_ACCOUNTS) {
  console.log(`  demo account: ${DEMO_ACCOUNT.accountSid} (auth token and API key in the README)`);
}
console.log(`  control API: ${emulator.url}/__emulator/{stats,faults,webhook-faults,latency,clock,limits,reset}`);
console.log(`  clock: ${emulator.clock.state().now}; Twilio's request limits ${values.limits}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
