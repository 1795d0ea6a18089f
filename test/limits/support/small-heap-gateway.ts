/**
 * A gateway on its emulator, configured from the environment as `npm start`
 * is, for tests that run it in a child process with a small heap. Prints
 * `listening <url>` once it answers.
 */
import { loadConfig } from '../../../src/config.ts';
import { startGateway } from '../../support/harness.ts';

const config = loadConfig();
const env = await startGateway({ gateway: { documentLimits: config.documentLimits } });
console.log(`listening ${env.url}`);
process.once('SIGTERM', () => void env.close().then(() => process.exit(0)));
