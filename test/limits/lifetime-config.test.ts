/** The request deadline, the shutdown grace and the connection cap are read and checked with the rest of the configuration. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('limits configuration', () => {
  it('defaults to a 30 s request deadline, a 10 s shutdown grace and 10,000 connections', () => {
    const config = loadConfig({});
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.shutdownGraceMs).toBe(10_000);
    expect(config.maxConnections).toBe(10_000);
  });

  it('reads REQUEST_TIMEOUT_MS, SHUTDOWN_GRACE_MS and MAX_CONNECTIONS', () => {
    const config = loadConfig({ REQUEST_TIMEOUT_MS: '2500', SHUTDOWN_GRACE_MS: '0', MAX_CONNECTIONS: '500' });
    expect(config.requestTimeoutMs).toBe(2_500);
    expect(config.shutdownGraceMs).toBe(0);
    expect(config.maxConnections).toBe(500);
  });

  it.each([
    ['REQUEST_TIMEOUT_MS', '0'],
    ['REQUEST_TIMEOUT_MS', 'soon'],
    ['REQUEST_TIMEOUT_MS', '1.5'],
    ['SHUTDOWN_GRACE_MS', '-1'],
    ['SHUTDOWN_GRACE_MS', '99999999999'],
    ['MAX_CONNECTIONS', '0'],
    ['MAX_CONNECTIONS', 'many'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
