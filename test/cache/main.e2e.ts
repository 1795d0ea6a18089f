/** `src/main.ts` refuses a bad response-cache configuration at start, naming the variable, without showing a secret. */
import { describe, expect, it } from 'vitest';
import { runMainProcessToExit as start } from '../support/main-process.ts';

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
