/** CURSOR_SECRET: validated at start-up without ever being shown; unset, cursors use a random key of the process. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('CURSOR_SECRET', () => {
  it('is null when unset or empty', () => {
    expect(loadConfig({}).cursorSecret).toBeNull();
    expect(loadConfig({ CURSOR_SECRET: '' }).cursorSecret).toBeNull();
  });

  it('is taken as given when it has at least 32 characters', () => {
    const secret = 'a-long-enough-secret-for-cursors-0123';
    expect(loadConfig({ CURSOR_SECRET: secret }).cursorSecret).toBe(secret);
  });

  it('stops start-up when shorter than 32 characters, naming the variable but not the value', () => {
    const attempt = () => loadConfig({ CURSOR_SECRET: 'short-secret-value' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^CURSOR_SECRET: must be at least 32 characters/);
    expect(attempt).not.toThrow(/short-secret-value/);
  });
});
