/** The lease time of the in-flight limit shared through Redis is read and checked with the rest of the configuration. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('TWILIO_IN_FLIGHT_LEASE_MS', () => {
  it('defaults to 5 s, and is read', () => {
    expect(loadConfig({}).inFlightLeaseMs).toBe(5_000);
    expect(loadConfig({ TWILIO_IN_FLIGHT_LEASE_MS: '1500' }).inFlightLeaseMs).toBe(1_500);
  });

  it.each(['0', '499', 'long', '1e4'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ TWILIO_IN_FLIGHT_LEASE_MS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TWILIO_IN_FLIGHT_LEASE_MS: value })).toThrow('TWILIO_IN_FLIGHT_LEASE_MS');
  });
});
