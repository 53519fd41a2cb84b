/**
 * Real-time mode: simulated time paced against the wall clock, for a peer that lives in real
 * time (a Linux stack on a TAP device, a board). The simulation runs at most `cyclesPerSecond`
 * cycles per wall-clock second: ahead of that it sleeps. A model slower than the pace falls
 * behind; the pacer then lets it lag by at most `maxLagMs` and forgets the rest, so that once the
 * model is fast again (an idle wire) it does not race to catch up, which would run the card's
 * and the host's timers faster than the peer's. Seen from the peer, the device's clock runs at
 * `cyclesPerSecond` (the host uses it as the link's clock rate) or, where the model falls
 * behind, slower: its timers fire late, never early.
 */

export interface PacerStats {
  /** wall-clock milliseconds spent waiting for the wall clock */
  sleptMs: number;
  /** the largest lag seen before it was forgotten, ms */
  maxLagMs: number;
  /** simulated cycles paced */
  cycles: number;
  /** times the lag passed maxLagMs and was forgotten */
  resets: number;
}

export interface PacerOptions {
  /** simulated cycles per wall-clock second */
  cyclesPerSecond: number;
  /** lag beyond which the rest is forgotten (default 20 ms) */
  maxLagMs?: number;
  /** a wait shorter than this is skipped (default 1 ms: timers are no finer) */
  minSleepMs?: number;
  /** the wall clock in ms (default performance.now) */
  clock?: () => number;
  /** how to wait (default setTimeout) */
  sleep?: (ms: number) => Promise<void>;
}

export class RealTimePacer {
  readonly cyclesPerSecond: number;
  private readonly maxLagMs: number;
  private readonly minSleepMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private anchorCycle: number | undefined;
  private anchorMs = 0;
  private readonly s: PacerStats = { sleptMs: 0, maxLagMs: 0, cycles: 0, resets: 0 };

  constructor(options: PacerOptions) {
    const { cyclesPerSecond } = options;
    if (!Number.isFinite(cyclesPerSecond) || cyclesPerSecond <= 0)
      throw new RangeError(`real-time pace: cyclesPerSecond must be a positive number, got ${cyclesPerSecond}`);
    this.cyclesPerSecond = cyclesPerSecond;
    this.maxLagMs = options.maxLagMs ?? 20;
    this.minSleepMs = options.minSleepMs ?? 1;
    if (!(this.maxLagMs >= 0)) throw new RangeError(`real-time pace: maxLagMs must be at least 0, got ${this.maxLagMs}`);
    this.clock = options.clock ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }

  get stats(): Readonly<PacerStats> {
    return { ...this.s };
  }

  /** Called with the simulated cycle every device has reached; resolves when the wall clock has too. */
  async wait(cycle: number): Promise<void> {
    const wall = this.clock();
    if (this.anchorCycle === undefined) {
      this.anchorCycle = cycle;
      this.anchorMs = wall;
      return;
    }
    this.s.cycles += cycle - this.anchorCycle;
    const dueMs = this.anchorMs + ((cycle - this.anchorCycle) * 1000) / this.cyclesPerSecond;
    this.anchorCycle = cycle;
    this.anchorMs = dueMs;
    const ahead = dueMs - wall;
    if (ahead >= this.minSleepMs) {
      await this.sleep(ahead);
      this.s.sleptMs += ahead;
    } else if (-ahead > this.maxLagMs) {
      this.s.maxLagMs = Math.max(this.s.maxLagMs, -ahead);
      this.s.resets++;
      this.anchorMs = wall - this.maxLagMs;
    } else if (ahead < 0) {
      this.s.maxLagMs = Math.max(this.s.maxLagMs, -ahead);
    }
  }

  /** Forgets the past: the next wait starts a new anchor (after a pause between runs). */
  restart(): void {
    this.anchorCycle = undefined;
  }
}
