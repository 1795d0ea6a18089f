/** Twilio's request limits in-process: the concurrency check, the sliding windows of Chat writes, and the settings. */
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/emulator/clock.ts';
import { Limits, RateWindows, TWILIO_LIMITS, validateLimits } from '../../src/emulator/limits.ts';
import { EmulatorError } from '../../src/emulator/errors.ts';

function frozenLimits(settings?: unknown) {
  const clock = new Clock();
  clock.freeze('2026-01-15T09:00:00Z');
  return { clock, limits: new Limits(clock, settings), windows: new RateWindows() };
}

const refusal = (action: () => void) => {
  try {
    action();
  } catch (err) {
    return err as EmulatorError;
  }
  return undefined;
};

describe('Limits', () => {
  it("start at Twilio's figures", () => {
    expect(new Limits(new Clock()).settings).toEqual({
      enabled: true,
      concurrentRequests: 100,
      chatChannelActionsPerSecond: 30,
      chatServiceActionsPerSecond: 30,
      chatWindowSeconds: 5,
      proxyReadsPerSecond: 30,
      proxyWindowSeconds: 5,
    });
  });

  it('refuse the request past the concurrency limit with 429 / 20429, and count it', () => {
    const { limits } = frozenLimits();
    expect(limits.checkConcurrency(99)).toBeUndefined();
    expect(limits.checkConcurrency(100)?.toBody()).toEqual({
      code: 20429,
      message: expect.stringContaining('Too Many Requests'),
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    expect(limits.refused).toEqual({ 20429: 1 });
  });

  it('let a burst of rate × window writes through, refuse the next until the oldest leaves the window', () => {
    const { clock, limits, windows } = frozenLimits();
    const channel = { kind: 'chatChannel', key: '/v2/Services/IS1/Channels/CH1' } as const;
    for (let i = 0; i < 150; i++) limits.takeAction(windows, channel);
    expect(refusal(() => limits.takeAction(windows, channel))).toMatchObject({ status: 429, code: 50063 });
    // Another channel and the service have windows of their own.
    limits.takeAction(windows, { kind: 'chatChannel', key: '/v2/Services/IS1/Channels/CH2' });
    limits.takeAction(windows, { kind: 'chatService', key: '/v2/Services/IS1' });
    clock.advance(4_999);
    expect(refusal(() => limits.takeAction(windows, channel))?.code).toBe(50063);
    // The whole burst leaves the window together, 5 s after it came.
    clock.advance(1);
    for (let i = 0; i < 150; i++) limits.takeAction(windows, channel);
    expect(refusal(() => limits.takeAction(windows, channel))?.code).toBe(50063);
    expect(limits.refused).toEqual({ 50063: 3 });
  });

  it('average over the window: a steady 30 a second passes, 31 does not', () => {
    const { clock, limits, windows } = frozenLimits();
    const service = { kind: 'chatService', key: '/v2/Services/IS1' } as const;
    for (let second = 0; second < 20; second++) {
      for (let i = 0; i < 30; i++) limits.takeAction(windows, service);
      clock.advance(1_000);
    }
    expect(limits.refused).toEqual({});
    const refused = [];
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 31; i++) refused.push(refusal(() => limits.takeAction(windows, service)));
      clock.advance(1_000);
    }
    // 5 refused as the fifth second fills the 150 of the window, and 5 as the tenth does again.
    expect(refused.filter(Boolean).length).toBe(10);
    expect(refused.find(Boolean)).toMatchObject({ status: 429, code: 50074 });
  });

  it('start a window afresh when the clock is set back before its writes', () => {
    const { clock, limits, windows } = frozenLimits({ chatChannelActionsPerSecond: 1, chatWindowSeconds: 1 });
    const channel = { kind: 'chatChannel', key: 'c' } as const;
    limits.takeAction(windows, channel);
    expect(refusal(() => limits.takeAction(windows, channel))?.code).toBe(50063);
    clock.advance(-60_000);
    limits.takeAction(windows, channel);
  });

  it('can be changed, switched off one by one or all at once, and restored', () => {
    const { limits, windows } = frozenLimits();
    const channel = { kind: 'chatChannel', key: 'c' } as const;
    limits.update({ chatChannelActionsPerSecond: 1, chatWindowSeconds: 1 });
    limits.takeAction(windows, channel);
    expect(refusal(() => limits.takeAction(windows, channel))?.code).toBe(50063);
    limits.update({ chatChannelActionsPerSecond: null });
    for (let i = 0; i < 500; i++) limits.takeAction(windows, channel);
    limits.update(false);
    expect(limits.checkConcurrency(10_000)).toBeUndefined();
    expect(limits.restore()).toEqual(TWILIO_LIMITS);
    expect(limits.checkConcurrency(100)?.code).toBe(20429);
  });

  it("keep each account's windows apart, and start every one afresh when the settings change", () => {
    const { limits, windows } = frozenLimits({ chatChannelActionsPerSecond: 1, chatWindowSeconds: 1 });
    const other = new RateWindows();
    const channel = { kind: 'chatChannel', key: 'c' } as const;
    limits.takeAction(windows, channel);
    expect(refusal(() => limits.takeAction(windows, channel))?.code).toBe(50063);
    limits.takeAction(other, channel);
    expect(refusal(() => limits.takeAction(other, channel))?.code).toBe(50063);
    limits.update({ chatServiceActionsPerSecond: 2 });
    limits.takeAction(windows, channel);
    limits.takeAction(other, channel);
    expect(refusal(() => limits.takeAction(windows, channel))?.code).toBe(50063);
  });

  it('refuse settings that are not ones', () => {
    expect(() => validateLimits({ concurrentRequests: 0 }, TWILIO_LIMITS)).toThrow(/concurrentRequests must be a positive integer/);
    expect(() => validateLimits({ chatWindowSeconds: 0.5 }, TWILIO_LIMITS)).toThrow(/chatWindowSeconds/);
    expect(() => validateLimits({ enabled: 'yes' }, TWILIO_LIMITS)).toThrow(/enabled/);
    expect(() => validateLimits({ messagesPerSecond: 1 }, TWILIO_LIMITS)).toThrow(/no setting "messagesPerSecond"/);
    expect(() => validateLimits([], TWILIO_LIMITS)).toThrow(/object/);
  });
});
