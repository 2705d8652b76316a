import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * Each tenant has its own clock. oidc-provider reads the time through Date.now() (its epochTime
 * helper), and has no clock option, so Date.now is replaced once by a function that asks the clock
 * of the tenant whose request is being handled (an AsyncLocalStorage store) and falls back to the
 * real time everywhere else. Code outside a tenant's request, the user's tests included, sees real time.
 */

const realNow = Date.now.bind(Date);
const activeClock = new AsyncLocalStorage<Clock>();
let hooked = false;

function installHook(): void {
  if (hooked) return;
  hooked = true;
  Date.now = function now(): number {
    const clock = activeClock.getStore();
    return clock === undefined ? realNow() : clock.now();
  };
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
    installHook();
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

  set({ offsetSeconds, frozenAt }: { offsetSeconds?: number | undefined; frozenAt?: string | null | undefined }): void {
    if (offsetSeconds !== undefined) this.#offsetMs = offsetSeconds * 1000;
    if (frozenAt === null) this.#frozenAtMs = undefined;
    else if (frozenAt !== undefined) this.#frozenAtMs = Date.parse(frozenAt);
  }

  /** Moves the clock forward (or back, with a negative value), frozen or not. */
  advance(seconds: number): void {
    if (this.#frozenAtMs !== undefined) this.#frozenAtMs += seconds * 1000;
    else this.#offsetMs += seconds * 1000;
  }

  freeze(): void {
    this.#frozenAtMs = this.now();
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
    if (!this.isShifted() && activeClock.getStore() === undefined) return fn();
    return activeClock.run(this, fn);
  }
}

/** The real time, whatever clock the caller runs on. */
export function realTime(): number {
  return realNow();
}
