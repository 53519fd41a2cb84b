/**
 * Lockstep scheduling: simulated time drives everything. Devices run in quanta in a fixed
 * order; interrupts are serviced the moment a device stops on one; wires move frames between
 * devices at quantum boundaries with a latency of at least one quantum (so no frame is ever
 * delivered into a device's past); host timers fire at their simulated cycle. A run is a pure
 * function of its inputs: no wall clock is read, except in real-time mode (a pacer set), where
 * the wall clock holds simulated time back for a peer that lives in real time.
 */
import type { DeviceLink } from './link.js';
import type { RealTimePacer } from './pacer.js';

export type InterruptHandler = (vectors: number) => Promise<void> | void;

/** Something that moves frames between devices at quantum boundaries. */
export interface Wire {
  /** called after every device reached `now` */
  pump(now: number): void;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

export interface RunOptions {
  /** stop as soon as this returns true (checked at quantum boundaries and after interrupts) */
  until?: () => boolean;
  /** stop after this many cycles from now */
  maxCycles: number;
}

export type RunResult = 'done' | 'limit';

/** Wall-clock milliseconds a run may go without yielding to the event loop. */
const YIELD_MS = 50;
/**
 * ... with a remote device attached: it waits on the host for every DMA burst, served when the
 * loop gets a turn, while it runs on
 */
const YIELD_MS_REMOTE = 1;

export class LockstepScheduler {
  private readonly devices: { link: DeviceLink; onIrq: InterruptHandler }[] = [];
  private readonly wires: Wire[] = [];
  private timers: Timer[] = [];
  private timerSeq = 0;
  private time = 0;
  private pacer: RealTimePacer | undefined;

  /** @param quantum cycles each device runs before the others get their turn */
  constructor(readonly quantum = 256) {
    if (!Number.isInteger(quantum) || quantum < 1) throw new RangeError(`quantum ${quantum} must be a positive integer`);
  }

  /** The scheduler's time: every device has reached at least this cycle. */
  get now(): number {
    return this.time;
  }

  attach(link: DeviceLink, onIrq: InterruptHandler): void {
    this.devices.push({ link, onIrq });
    this.time = Math.max(this.time, link.now);
  }

  addWire(wire: Wire): void {
    this.wires.push(wire);
  }

  /** Real-time mode: every quantum waits for the wall clock (undefined: as fast as it goes). */
  setPacer(pacer: RealTimePacer | undefined): void {
    this.pacer = pacer;
    pacer?.restart();
  }

  /** Calls fn once simulated time reaches `at` (cycles). */
  setTimer(at: number, fn: () => void): TimerHandle {
    const t: Timer = { at, seq: this.timerSeq++, fn, cancelled: false };
    this.timers.push(t);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return { cancel: () => { t.cancelled = true; } };
  }

  /** Runs until `until()` holds or maxCycles have passed. */
  async run(options: RunOptions): Promise<RunResult> {
    const limit = this.time + options.maxCycles;
    const until = options.until ?? (() => false);
    let turn = Date.now();
    const yieldMs = this.devices.some((d) => d.link.remote) ? YIELD_MS_REMOTE : YIELD_MS;
    while (!until()) {
      if (this.time >= limit) return 'limit';
      // a local model resolves every await at once; give the event loop (timers, I/O, a test
      // runner's messages) a turn now and then, or a long run starves it
      if (Date.now() - turn >= yieldMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turn = Date.now();
      }
      let target = Math.min(this.time + this.quantum, limit);
      const next = this.timers.find((t) => !t.cancelled);
      if (next && next.at < target) target = Math.max(next.at, this.time + 1);
      for (const d of this.devices) await this.runDevice(d.link, d.onIrq, target, until);
      this.time = target;
      for (const w of this.wires) w.pump(this.time);
      this.fireTimers();
      if (this.pacer) await this.pacer.wait(this.time);
    }
    return 'done';
  }

  /** Runs one device up to target, servicing each interrupt as it fires. */
  private async runDevice(link: DeviceLink, onIrq: InterruptHandler, target: number, until: () => boolean): Promise<void> {
    for (;;) {
      const vectors = link.takeIrqs();
      if (vectors !== 0) {
        await onIrq(vectors);
        if (until()) return;
        continue;
      }
      const left = target - link.now;
      if (left <= 0) return;
      await link.advance(left, true);
    }
  }

  private fireTimers(): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= this.time) {
      const t = this.timers.shift()!;
      if (!t.cancelled) t.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
  }
}
