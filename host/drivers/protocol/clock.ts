/**
 * Time for the stack. The stack never reads the wall clock: it asks a Clock. Time is in
 * milliseconds (fractions allowed). `ManualClock` is for unit tests; `schedulerClock` adapts
 * flue's lockstep scheduler (cycles at 156.25 MHz).
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** current time in milliseconds; never decreases */
  now(): number;
  /** calls fn once when time reaches `at` milliseconds (at once on the next step if `at` is past) */
  setTimer(at: number, fn: () => void): TimerHandle;
}

interface ManualTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told. Timers fire in (time, creation order); a timer set for
 * the current time by a firing timer fires in the same step. Deterministic by construction.
 */
export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: ManualTimer[] = [];

  now(): number {
    return this.time;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const t: ManualTimer = { at: Math.max(at, this.time), seq: this.seq++, fn, cancelled: false };
    // insertion keeps the list sorted by (at, seq); new timers are usually late, so scan from the end
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > t.at) i--;
    this.timers.splice(i, 0, t);
    return { cancel: () => { t.cancelled = true; } };
  }

  /** number of live timers */
  get pending(): number {
    return this.timers.reduce((n, t) => n + (t.cancelled ? 0 : 1), 0);
  }

  /** time of the next live timer, or undefined */
  nextAt(): number | undefined {
    this.prune();
    return this.timers[0]?.at;
  }

  /** Fires every timer due at or before `to`, in order, then sets the time to `to`. */
  advanceTo(to: number): void {
    for (;;) {
      this.prune();
      const t = this.timers[0];
      if (t === undefined || t.at > to) break;
      this.timers.shift();
      this.time = Math.max(this.time, t.at);
      t.fn();
    }
    this.time = Math.max(this.time, to);
  }

  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /**
   * Jumps from timer to timer until `until()` holds, no timer is left, or time passes
   * `limit` ms from now. Returns whether `until()` held.
   */
  runUntil(until: () => boolean, limit: number): boolean {
    const end = this.time + limit;
    while (!until()) {
      const at = this.nextAt();
      if (at === undefined || at > end) return until();
      this.advanceTo(at);
    }
    return true;
  }

  private prune(): void {
    while (this.timers.length > 0 && this.timers[0]!.cancelled) this.timers.shift();
  }
}

/** The part of host/device/scheduler.ts's LockstepScheduler the adapter needs. */
export interface CycleScheduler {
  readonly now: number;
  setTimer(atCycle: number, fn: () => void): TimerHandle;
}

/** flue's device clock: 156.25 MHz, so 156,250 cycles per millisecond. */
export const CYCLES_PER_MS = 156_250;

/** Adapts a cycle-counting scheduler to the stack's millisecond clock. */
export function schedulerClock(scheduler: CycleScheduler, cyclesPerMs = CYCLES_PER_MS): Clock {
  return {
    now: () => scheduler.now / cyclesPerMs,
    setTimer: (at, fn) => scheduler.setTimer(Math.ceil(at * cyclesPerMs), fn),
  };
}
