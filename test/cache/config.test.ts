/** The response cache's variables are read and checked with the rest of the configuration; no error shows the secret. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const SECRET = 's'.repeat(40);

describe('RESPONSE_CACHE_*', () => {
  it('is off by default', () => {
    expect(loadConfig({}).responseCache).toEqual({ ttlMs: 0, ttls: {}, secret: null, maxBytes: 64_000_000, redisUrl: null });
  });

  it('reads the TTL, the TTLs per type and field, the secret and the byte bound, and shares Redis', () => {
    const config = loadConfig({
      RESPONSE_CACHE_TTL_MS: '30000',
      RESPONSE_CACHE_TTLS: 'ChatMessage=0, ChatUser=60000,ChatChannel.members=5000',
      RESPONSE_CACHE_SECRET: SECRET,
      RESPONSE_CACHE_MAX_BYTES: '2000000',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.responseCache).toEqual({
      ttlMs: 30_000,
      ttls: { ChatMessage: 0, ChatUser: 60_000, 'ChatChannel.members': 5_000 },
      secret: SECRET,
      maxBytes: 2_000_000,
      redisUrl: 'redis://127.0.0.1:6379',
    });
  });

  it.each([
    [{ RESPONSE_CACHE_TTL_MS: '-1' }, 'RESPONSE_CACHE_TTL_MS'],
    [{ RESPONSE_CACHE_TTL_MS: '90000000' }, 'RESPONSE_CACHE_TTL_MS'],
    [{ RESPONSE_CACHE_TTLS: 'ChatMessage=0' }, 'RESPONSE_CACHE_TTLS: is set, but the response cache is off'],
    [{ RESPONSE_CACHE_TTL_MS: '1000', RESPONSE_CACHE_TTLS: 'ChatMessage' }, 'RESPONSE_CACHE_TTLS: each entry must be'],
    [{ RESPONSE_CACHE_TTL_MS: '1000', RESPONSE_CACHE_TTLS: 'ChatMessage=soon' }, 'RESPONSE_CACHE_TTLS'],
    [{ RESPONSE_CACHE_TTL_MS: '1000', RESPONSE_CACHE_TTLS: 'Chat-Message=1' }, 'RESPONSE_CACHE_TTLS'],
    [{ RESPONSE_CACHE_TTL_MS: '1000', RESPONSE_CACHE_TTLS: 'ChatUser=1,ChatUser=2' }, 'RESPONSE_CACHE_TTLS: ChatUser is given twice'],
    [{ RESPONSE_CACHE_SECRET: 'short-secret' }, 'RESPONSE_CACHE_SECRET: must be at least 32 characters, got 12'],
    [{ RESPONSE_CACHE_TTL_MS: '1000', REDIS_URL: 'redis://127.0.0.1:6379' }, 'RESPONSE_CACHE_SECRET: is required when the response cache is on with REDIS_URL'],
    [{ RESPONSE_CACHE_MAX_BYTES: '10' }, 'RESPONSE_CACHE_MAX_BYTES'],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats the secret in an error', () => {
    const secret = 'a-secret-too-short';
    try {
      loadConfig({ RESPONSE_CACHE_SECRET: secret });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
