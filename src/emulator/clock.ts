/**
 * The emulator's one clock: everything time-based (`date_created`, Proxy
 * session expiry, rate windows) reads it, so a test can move time instead of
 * sleeping. It follows the real time by default (through `Date.now()`, so
 * fake timers move it too), can be set or advanced (it then runs on from
 * there at real speed), and can be frozen so that only `advance` moves it.
 */

export interface ClockState {
  /** The clock's time, as Twilio writes dates. */
  now: string;
  /** Frozen: only `advance` and `set` move it. */
  frozen: boolean;
  /** How far the clock is ahead of the real time (negative: behind), in milliseconds. */
  offsetMs: number;
}

export class Clock {
  #offsetMs = 0;
  #frozenAt: number | undefined;

  /** The time in milliseconds since the epoch. */
  now(): number {
    return this.#frozenAt ?? Date.now() + this.#offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Moves the clock forward by `ms` (backwards when negative). */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`clock advance must be a finite number of milliseconds, got ${ms}`);
    if (this.#frozenAt !== undefined) this.#frozenAt += ms;
    else this.#offsetMs += ms;
  }

  /** Sets the clock to a time; unless frozen, it runs on from there. */
  set(time: Date | string | number): void {
    const t = toTime(time);
    if (this.#frozenAt !== undefined) this.#frozenAt = t;
    else this.#offsetMs = t - Date.now();
  }

  /** Stops the clock where it is (or at `time`): only `advance` and `set` move it then. */
  freeze(time?: Date | string | number): void {
    this.#frozenAt = time === undefined ? this.now() : toTime(time);
  }

  /** Lets a frozen clock run again from where it stands. */
  resume(): void {
    if (this.#frozenAt === undefined) return;
    this.#offsetMs = this.#frozenAt - Date.now();
    this.#frozenAt = undefined;
  }

  /** Back to the real time, running. */
  reset(): void {
    this.#offsetMs = 0;
    this.#frozenAt = undefined;
  }

  get frozen(): boolean {
    return this.#frozenAt !== undefined;
  }

  state(): ClockState {
    const now = this.now();
    return { now: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), frozen: this.frozen, offsetMs: now - Date.now() };
  }
}

function toTime(time: Date | string | number): number {
  const t = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(t)) throw new RangeError(`clock time must be a date, an ISO 8601 string or milliseconds since the epoch, got ${JSON.stringify(time)}`);
  return t;
}
