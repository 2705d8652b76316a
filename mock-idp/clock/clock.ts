import { AsyncLocalStorage } from 'node:async_hooks';
import { InvalidInputError } from '../errors.ts';

/*
 * Each tenant has its own clock. oidc-provider reads the time through Date.now() (its epochTime
 * helper), and has no clock option, so Date.now is replaced (once the first clock leaves real time) by a
 * function that asks the clock of the tenant whose request is being handled (an AsyncLocalStorage store)
 * and falls back to the real time everywhere else. Code outside a tenant's request, the user's tests
 * included, sees real time.
 */

const realNow = Date.now.bind(Date);
const activeClock = new AsyncLocalStorage<Clock>();
// Until then no code can run on a clock (run() enters only shifted ones): Date.now stays Node's own and needsContext()
// answers without looking up the async context (the token endpoint asks often).
let anyShifted = false;

function clocksLeaveRealTime(): void {
  if (anyShifted) return;
  anyShifted = true;
  Date.now = function now(): number {
    const clock = activeClock.getStore();
    return clock === undefined ? realNow() : clock.now();
  };
}

/** The clock's time stays within these years, where every instant is a valid date and JWT time. */
const EARLIEST = Date.parse('1970-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59Z');

export class ClockRangeError extends InvalidInputError {
  override readonly name: string = 'ClockRangeError';
  constructor(ms: number) {
    super(
      `the clock would show ${Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'an instant past any date'}, outside 1970-01-01 to 9999-12-31: choose a smaller offset or an earlier/later date`,
    );
  }
}

export interface ClockState {
  offsetSeconds: number;
  frozenAt: string | undefined;
  now: string;
}

export class Clock {
  #offsetMs = 0;
  #frozenAtMs: number | undefined;

  constructor(offsetSeconds = 0, frozenAt?: string) {
    this.set({ offsetSeconds, frozenAt });
  }

  /** True when the clock is not plain real time (offset or frozen). */
  isShifted(): boolean {
    return this.#frozenAtMs !== undefined || this.#offsetMs !== 0;
  }

  now(): number {
    return this.#frozenAtMs ?? realNow() + this.#offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Throws ClockRangeError (and changes nothing) when the clock would leave 1970-9999. */
  set({ offsetSeconds, frozenAt }: { offsetSeconds?: number | undefined; frozenAt?: string | null | undefined }): void {
    const offsetMs = offsetSeconds === undefined ? this.#offsetMs : offsetSeconds * 1000;
    const frozenAtMs = frozenAt === null ? undefined : frozenAt === undefined ? this.#frozenAtMs : Date.parse(frozenAt);
    this.#apply(offsetMs, frozenAtMs);
  }

  /** Moves the clock forward (or back, with a negative value), frozen or not. */
  advance(seconds: number): void {
    if (this.#frozenAtMs !== undefined) this.#apply(this.#offsetMs, this.#frozenAtMs + seconds * 1000);
    else this.#apply(this.#offsetMs + seconds * 1000, undefined);
  }

  #apply(offsetMs: number, frozenAtMs: number | undefined): void {
    const shown = frozenAtMs ?? realNow() + offsetMs;
    if (!(shown >= EARLIEST && shown <= LATEST)) throw new ClockRangeError(shown);
    this.#offsetMs = offsetMs;
    this.#frozenAtMs = frozenAtMs;
    if (this.isShifted()) clocksLeaveRealTime();
  }

  freeze(): void {
    this.#frozenAtMs = this.now();
    clocksLeaveRealTime();
  }

  state(): ClockState {
    return {
      offsetSeconds: Math.round(this.#offsetMs / 1000),
      frozenAt: this.#frozenAtMs === undefined ? undefined : new Date(this.#frozenAtMs).toISOString(),
      now: new Date(this.now()).toISOString(),
    };
  }

  /**
   * Runs fn (and everything it awaits) on this clock. A clock on real time outside any other
   * clock's run needs no async context at all: the Date.now hook already answers real time there,
   * and entering one costs every await of the request (the token endpoint's hot path).
   */
  run<T>(fn: () => T): T {
    return this.needsContext() ? activeClock.run(this, fn) : fn();
  }

  /** False when code may run on this clock without entering it: real time, and no other clock entered. */
  needsContext(): boolean {
    return this.isShifted() || (anyShifted && activeClock.getStore() !== undefined);
  }
}

/** The real time, whatever clock the caller runs on. */
export function realTime(): number {
  return realNow();
}
