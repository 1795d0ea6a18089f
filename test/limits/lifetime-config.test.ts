/** The request deadline and the shutdown grace are read and checked with the rest of the configuration. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('limits configuration', () => {
  it('defaults to a 30 s request deadline and a 10 s shutdown grace', () => {
    const config = loadConfig({});
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.shutdownGraceMs).toBe(10_000);
  });

  it('reads REQUEST_TIMEOUT_MS and SHUTDOWN_GRACE_MS', () => {
    const config = loadConfig({ REQUEST_TIMEOUT_MS: '2500', SHUTDOWN_GRACE_MS: '0' });
    expect(config.requestTimeoutMs).toBe(2_500);
    expect(config.shutdownGraceMs).toBe(0);
  });

  it.each([
    ['REQUEST_TIMEOUT_MS', '0'],
    ['REQUEST_TIMEOUT_MS', 'soon'],
    ['REQUEST_TIMEOUT_MS', '1.5'],
    ['SHUTDOWN_GRACE_MS', '-1'],
    ['SHUTDOWN_GRACE_MS', '99999999999'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
