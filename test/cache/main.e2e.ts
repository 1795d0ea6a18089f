/** `src/main.ts` refuses a bad response-cache configuration at start, naming the variable, without showing a secret. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: '0', METRICS_PORT: '0', TWILIO_BASE_URL: 'http://127.0.0.1:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

describe('src/main.ts with a bad response-cache configuration', () => {
  it('exits with 2, naming RESPONSE_CACHE_TTLS, for a type the schema does not have', async () => {
    const { code, output } = await start({ RESPONSE_CACHE_TTL_MS: '1000', RESPONSE_CACHE_TTLS: 'ChatMesage=0' });
    expect(code).toBe(2);
    expect(output).toContain('Configuration error: RESPONSE_CACHE_TTLS: ChatMesage is not an object, interface or union type of the schema');
  });

  it('exits with 2, naming RESPONSE_CACHE_SECRET and not showing it, for a secret too short', async () => {
    const { code, output } = await start({ RESPONSE_CACHE_TTL_MS: '1000', RESPONSE_CACHE_SECRET: 'short-and-secret' });
    expect(code).toBe(2);
    expect(output).toContain('RESPONSE_CACHE_SECRET: must be at least 32 characters');
    expect(output).not.toContain('short-and-secret');
  });
});
