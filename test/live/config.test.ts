/** The live-events variables are read and validated like the rest of the configuration; secrets never appear in their errors. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { DEFAULT_LIVE_OPTIONS } from '../../src/live/options.ts';
import { DEFAULT_SUBSCRIPTION_LIMITS } from '../../src/limits/subscriptions.ts';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const KEY = 'SK0123456789abcdef0123456789abcdef';

describe('live events in the configuration', () => {
  it('default to in-process, the request URL, and the documented limits', () => {
    const config = loadConfig({});
    expect(config.live).toEqual({ ...DEFAULT_LIVE_OPTIONS, signingAccounts: [] });
    expect(config.subscriptionLimits).toEqual(DEFAULT_SUBSCRIPTION_LIMITS);
    expect(config.graphqlWs).toEqual({ connectionInitTimeoutMs: 5_000, keepAliveMs: 12_000 });
  });

  it('read every variable', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://user:secret@redis.internal:6380/0',
      PUBLIC_BASE_URL: 'https://gateway.example.com/twilio/',
      WEBHOOK_MAX_BODY_BYTES: '65536',
      WEBHOOK_DEDUPE_TTL_S: '600',
      WEBHOOK_DEDUPE_MAX_KEYS: '5000',
      MAX_SUBSCRIPTIONS: '500',
      MAX_SUBSCRIPTIONS_PER_CREDENTIALS: '20',
      SUBSCRIPTION_RECHECK_MS: '60000',
      WS_CONNECTION_INIT_TIMEOUT_MS: '2000',
      WS_KEEPALIVE_MS: '30000',
    });
    expect(config.live).toEqual({
      redisUrl: 'rediss://user:secret@redis.internal:6380/0',
      publicBaseUrl: 'https://gateway.example.com/twilio',
      signingAccounts: [],
      maxWebhookBodyBytes: 65_536,
      dedupeTtlMs: 600_000,
      dedupeMaxKeys: 5_000,
    });
    expect(config.subscriptionLimits).toEqual({ maxTotal: 500, maxPerCredentials: 20, recheckMs: 60_000 });
    expect(config.graphqlWs).toEqual({ connectionInitTimeoutMs: 2_000, keepAliveMs: 30_000 });
  });

  it('verify webhooks with TWILIO_AUTH_TOKEN, also when requests use an API key', () => {
    expect(loadConfig({ TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'token' }).live.signingAccounts).toEqual([{ accountSid: ACCOUNT, authToken: 'token' }]);
    const withKey = loadConfig({ TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_KEY: KEY, TWILIO_API_SECRET: 'secret', TWILIO_AUTH_TOKEN: 'token' });
    expect(withKey.credentials).toEqual({ accountSid: ACCOUNT, apiKey: KEY, apiSecret: 'secret' });
    expect(withKey.live.signingAccounts).toEqual([{ accountSid: ACCOUNT, authToken: 'token' }]);
    expect(loadConfig({ TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_KEY: KEY, TWILIO_API_SECRET: 'secret' }).live.signingAccounts).toEqual([]);
  });

  it('refuse a REDIS_URL that is not redis:// without quoting it (it may hold a password)', () => {
    for (const bad of ['http://user:hunter2@redis:6379', 'not a url hunter2']) {
      expect(() => loadConfig({ REDIS_URL: bad })).toThrow(ConfigError);
      try {
        loadConfig({ REDIS_URL: bad });
      } catch (error) {
        expect((error as Error).message).toMatch(/^REDIS_URL: /);
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('take SUBSCRIPTION_RECHECK_MS as 0 (never) or at least a second', () => {
    expect(loadConfig({}).subscriptionLimits.recheckMs).toBe(300_000);
    expect(loadConfig({ SUBSCRIPTION_RECHECK_MS: '0' }).subscriptionLimits.recheckMs).toBe(0);
    expect(() => loadConfig({ SUBSCRIPTION_RECHECK_MS: '100' })).toThrow(/^SUBSCRIPTION_RECHECK_MS: must be 0 \(never\) or at least 1000, got 100/);
  });

  it('refuse a PUBLIC_BASE_URL that is not an http(s) base', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'gateway.example.com' })).toThrow(/^PUBLIC_BASE_URL: must be an absolute URL/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://gateway.example.com' })).toThrow(/^PUBLIC_BASE_URL: must use http or https/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://gateway.example.com/?a=1' })).toThrow(/^PUBLIC_BASE_URL: must not have a query/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://u:p@gateway.example.com' })).toThrow(/^PUBLIC_BASE_URL: must not hold credentials/);
  });

  it.each([
    'WEBHOOK_MAX_BODY_BYTES',
    'WEBHOOK_DEDUPE_TTL_S',
    'WEBHOOK_DEDUPE_MAX_KEYS',
    'MAX_SUBSCRIPTIONS',
    'MAX_SUBSCRIPTIONS_PER_CREDENTIALS',
    'SUBSCRIPTION_RECHECK_MS',
    'WS_CONNECTION_INIT_TIMEOUT_MS',
    'WS_KEEPALIVE_MS',
  ])('%s must be a whole number in range', (variable) => {
    for (const bad of ['ten', '-1', '1.5', '99999999999999']) {
      expect(() => loadConfig({ [variable]: bad })).toThrow(new RegExp(`^${variable}: must be an integer from`));
    }
  });
});
