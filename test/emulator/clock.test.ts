/** The emulator's clock: real time by default, set, advanced, frozen and resumed without sleeping. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock } from '../../src/emulator/clock.ts';

afterEach(() => vi.useRealTimers());

describe('Clock', () => {
  it('follows the real time by default, fake timers included', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T12:00:00Z'));
    const clock = new Clock();
    expect(clock.state()).toEqual({ now: '2026-05-01T12:00:00Z', frozen: false, offsetMs: 0 });
    vi.setSystemTime(new Date('2026-05-01T12:00:07Z'));
    expect(clock.date().toISOString()).toBe('2026-05-01T12:00:07.000Z');
  });

  it('runs on at real speed from a time it is set to or advanced by', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T12:00:00Z'));
    const clock = new Clock();
    clock.set('2026-01-15T09:00:00Z');
    clock.advance(60_000);
    expect(clock.state().now).toBe('2026-01-15T09:01:00Z');
    vi.setSystemTime(new Date('2026-05-01T12:00:30Z'));
    expect(clock.state().now).toBe('2026-01-15T09:01:30Z');
    clock.reset();
    expect(clock.state().now).toBe('2026-05-01T12:00:30Z');
  });

  it('moves only when told once frozen, and runs on from there when resumed', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T12:00:00Z'));
    const clock = new Clock();
    clock.freeze('2026-02-01T00:00:00Z');
    vi.setSystemTime(new Date('2026-05-01T13:00:00Z'));
    expect(clock.state()).toMatchObject({ now: '2026-02-01T00:00:00Z', frozen: true });
    clock.advance(90 * 24 * 3600 * 1000);
    expect(clock.state().now).toBe('2026-05-02T00:00:00Z');
    clock.set(Date.parse('2026-03-01T00:00:00Z'));
    expect(clock.now()).toBe(Date.parse('2026-03-01T00:00:00Z'));
    clock.resume();
    vi.setSystemTime(new Date('2026-05-01T13:00:05Z'));
    expect(clock.state()).toMatchObject({ now: '2026-03-01T00:00:05Z', frozen: false });
  });

  it('refuses a time that is not one', () => {
    const clock = new Clock();
    expect(() => clock.set('next tuesday')).toThrow(/ISO 8601/);
    expect(() => clock.advance(Number.NaN)).toThrow(/finite/);
  });
});
