/**
 * Twilio's request limits, as the emulator keeps them: the REST requests one
 * account may have in flight at once, and Programmable Chat's writes per
 * second per channel and per service. On by default at Twilio's figures;
 * each can be changed or switched off per emulator (`createEmulator({ limits })`,
 * `PUT /__emulator/limits`). Only requests over HTTP count: the demo seed and
 * other programmatic calls go straight to the engine.
 *
 * The quotas and sizes Twilio keeps on data (members per channel, a message's
 * length, participants per session) are rules of the products, in `rules/`.
 */
import { EmulatorError } from './errors.ts';
import type { Clock } from './clock.ts';

export interface LimitSettings {
  /** Off: no request limit applies (quotas and sizes in the rules still do). */
  enabled: boolean;
  /**
   * REST requests one account may have in flight at once; past it a request is
   * answered 429 with code 20429 and not processed. Null: no limit.
   */
  concurrentRequests: number | null;
  /** Chat writes per second to one channel, averaged over `chatWindowSeconds`; past it 429 / 50063. Null: no limit. */
  chatChannelActionsPerSecond: number | null;
  /** Chat writes per second to one service as a whole (channels, users, roles), averaged likewise; past it 429 / 50074. Null: no limit. */
  chatServiceActionsPerSecond: number | null;
  /** The sliding window the Chat rates are averaged over, in seconds: a burst of rate × window actions may come at once. */
  chatWindowSeconds: number;
  /** Proxy reads per second of one endpoint of one service (its sessions list, one session, …), averaged over `proxyWindowSeconds`; past it 429 / 80621. Null: no limit. */
  proxyReadsPerSecond: number | null;
  /** The sliding window the Proxy rate is averaged over, in seconds. */
  proxyWindowSeconds: number;
}

/**
 * Twilio's figures.
 * - 100 requests in flight per account: Twilio answers 429 / 20429 past its
 *   per-account concurrency limit (https://www.twilio.com/docs/api/errors/20429,
 *   https://support.twilio.com/hc/en-us/articles/360044308153-Twilio-API-response-Error-429-Too-Many-Requests);
 *   those pages do not print the default, 100
 *   (https://rate-limits.apis.io/rate-limits/twilio/twilio-rate-limits/), the
 *   gateway's own cap (`DEFAULT_MAX_IN_FLIGHT`).
 * - Chat: 30 actions per second per channel and 30 per service, measured as the
 *   average over a 5 s sliding window, so bursts up to 5× the rate pass; reads
 *   are not limited (https://www.twilio.com/docs/chat/chat-limits,
 *   https://www.twilio.com/en-us/changelog/increasing-actions-per-second-for-chat).
 */
export const TWILIO_LIMITS: Readonly<LimitSettings> = Object.freeze({
  enabled: true,
  concurrentRequests: 100,
  chatChannelActionsPerSecond: 30,
  chatServiceActionsPerSecond: 30,
  chatWindowSeconds: 5,
  proxyReadsPerSecond: 30,
  proxyWindowSeconds: 5,
});

/** What a request counts against: one Chat channel's window or its service's (writes), or one Proxy endpoint's of a service (reads). */
export interface RateScope {
  kind: 'chatChannel' | 'chatService' | 'proxyEndpoint';
  /** The channel's or service's canonical path; for Proxy, the service's path and the operation. */
  key: string;
}

const SCOPES = {
  chatChannel: {
    setting: 'chatChannelActionsPerSecond',
    window: 'chatWindowSeconds',
    // https://www.twilio.com/docs/api/errors/50063
    code: 50063,
    message: 'Programmable Chat: Actions per second limit exceeded for this Channel',
  },
  chatService: {
    setting: 'chatServiceActionsPerSecond',
    window: 'chatWindowSeconds',
    // https://www.twilio.com/docs/api/errors/50074
    code: 50074,
    message: 'Service instance global actions per second limit exceeded',
  },
  proxyEndpoint: {
    setting: 'proxyReadsPerSecond',
    window: 'proxyWindowSeconds',
    // https://www.twilio.com/docs/api/errors/80621
    code: 80621,
    message: 'You have reached the limit on the number of requests for this endpoint',
  },
} as const;

/** Checks settings from the control API or the emulator's options, merged over `base`. */
export function validateLimits(input: unknown, base: Readonly<LimitSettings>): LimitSettings {
  if (input === false) return { ...base, enabled: false };
  if (input === true || input === undefined || input === null) return { ...base, ...(input === true ? { enabled: true } : {}) };
  if (typeof input !== 'object' || Array.isArray(input)) throw new Error('limits must be an object such as { "concurrentRequests": 100 }, or true or false');
  const out: LimitSettings = { ...base };
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    switch (key) {
      case 'enabled':
        if (typeof value !== 'boolean') throw new Error('limits.enabled must be true or false');
        out.enabled = value;
        break;
      case 'concurrentRequests':
      case 'chatChannelActionsPerSecond':
      case 'chatServiceActionsPerSecond':
      case 'proxyReadsPerSecond':
        if (value !== null && (!Number.isInteger(value) || (value as number) < 1))
          throw new Error(`limits.${key} must be a positive integer, or null for no limit`);
        out[key] = value as number | null;
        break;
      case 'chatWindowSeconds':
      case 'proxyWindowSeconds':
        if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 3600)
          throw new Error(`limits.${key} must be a whole number of seconds from 1 to 3600`);
        out[key] = value as number;
        break;
      default:
        throw new Error(
          `limits has no setting ${JSON.stringify(key)}: use enabled, concurrentRequests, chatChannelActionsPerSecond, chatServiceActionsPerSecond, chatWindowSeconds, proxyReadsPerSecond, proxyWindowSeconds`,
        );
    }
  }
  return out;
}

/** The times of the last actions of one window, oldest first once full (a ring). */
interface Window {
  times: number[];
  next: number;
}

/** One account's rate windows (kept in its AccountState, so they go with its data). */
export class RateWindows {
  readonly byScope = new Map<string, Window>();
  /** The settings they were counted under: windows counted under others start afresh. */
  generation = 0;
  takes = 0;
}

export class Limits {
  #settings: LimitSettings;
  /** Moved by every change of the settings, so that every account's windows start afresh. */
  #generation = 0;
  /** Requests refused by a limit, per Twilio error code. */
  refused: Record<string, number> = {};

  constructor(
    private readonly clock: Clock,
    settings: unknown = undefined,
  ) {
    this.#settings = validateLimits(settings, TWILIO_LIMITS);
  }

  get settings(): Readonly<LimitSettings> {
    return this.#settings;
  }

  /** Changes some settings (the others stay); `true`/`false` switch all on or off. Windows start afresh. */
  update(input: unknown): LimitSettings {
    this.#settings = validateLimits(input, this.#settings);
    this.#generation++;
    return this.#settings;
  }

  /** Back to Twilio's figures, windows afresh. */
  restore(): LimitSettings {
    this.#settings = { ...TWILIO_LIMITS };
    this.#generation++;
    return this.#settings;
  }

  /**
   * The 429 for a request that arrives while its account already has `inFlight`
   * requests in flight, or undefined when it may proceed. Such a request is not
   * processed, so it is always safe to retry.
   */
  checkConcurrency(inFlight: number): EmulatorError | undefined {
    const max = this.#settings.enabled ? this.#settings.concurrentRequests : null;
    if (max === null || inFlight < max) return undefined;
    return this.#refuse(new EmulatorError(429, 20429, 'Too Many Requests: your account is sending too many concurrent REST API requests'));
  }

  /** Counts one request against its window among the account's, or throws its 429 when the window is full (the request is then not counted). */
  takeAction(windows: RateWindows, scope: RateScope): void {
    const spec = SCOPES[scope.kind];
    const perSecond = this.#settings.enabled ? this.#settings[spec.setting] : null;
    if (perSecond === null) return;
    const windowMs = this.#settings[spec.window] * 1000;
    const capacity = perSecond * this.#settings[spec.window];
    const now = this.clock.now();
    const id = `${scope.kind} ${scope.key}`;
    if (windows.generation !== this.#generation) {
      windows.byScope.clear();
      windows.generation = this.#generation;
    }
    let window = windows.byScope.get(id);
    if (!window) windows.byScope.set(id, (window = { times: [], next: 0 }));
    const newest = window.times[(window.next + window.times.length - 1) % window.times.length];
    // A clock set back makes the window's times lie in the future: start it afresh.
    if (newest !== undefined && newest > now) window = { times: [], next: 0 };
    if (window.times.length >= capacity) {
      if (window.times[window.next]! > now - windowMs) throw this.#refuse(new EmulatorError(429, spec.code, spec.message));
      window.times[window.next] = now;
      window.next = (window.next + 1) % capacity;
    } else {
      window.times.push(now);
    }
    windows.byScope.set(id, window);
    if (++windows.takes % 1024 === 0) prune(windows, now, Math.max(this.#settings.chatWindowSeconds, this.#settings.proxyWindowSeconds) * 1000);
  }

  #refuse(error: EmulatorError): EmulatorError {
    this.refused[error.code] = (this.refused[error.code] ?? 0) + 1;
    return error;
  }
}

/** Drops windows whose every action is older than the window, so idle channels cost nothing. */
function prune(windows: RateWindows, now: number, windowMs: number): void {
  for (const [id, window] of windows.byScope) {
    const newest = window.times[(window.next + window.times.length - 1) % window.times.length]!;
    if (newest <= now - windowMs) windows.byScope.delete(id);
  }
}
