/**
 * A seeded impairment stage for one direction of a wire: loss, duplication, reordering, delay
 * with jitter, and bit corruption. Every decision comes from one PRNG seeded at construction,
 * so a run replays exactly from its seed. It only decides: the wire that owns it delivers each
 * copy after the delay it was given (a clock timer on the in-memory wire, a later arrival cycle
 * on the cable between two NICs).
 */
import { prng } from './traffic.js';

/** bytes of the Ethernet header, which corruption leaves alone (the frame still reaches its NIC) */
const ETH_HEADER = 14;

export interface ImpairmentConfig {
  /** probability a frame is lost */
  loss: number;
  /** probability a frame is delivered twice */
  duplicate: number;
  /** probability a frame is held back by reorderDelayMs (so later frames overtake it) */
  reorder: number;
  reorderDelayMs: number;
  /** one-way delay, ms */
  delayMs: number;
  /** extra delay drawn uniformly from [0, jitterMs) */
  jitterMs: number;
  /** probability one bit after the Ethernet header is flipped */
  corrupt: number;
}

export const NO_IMPAIRMENT: ImpairmentConfig = Object.freeze({ loss: 0, duplicate: 0, reorder: 0, reorderDelayMs: 1, delayMs: 0.05, jitterMs: 0, corrupt: 0 });

export interface ImpairmentCounters {
  frames: number;
  lost: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
}

/** One copy of a frame to deliver, `delayMs` after it was put on the wire. */
export interface ImpairedFrame {
  readonly data: Uint8Array;
  readonly delayMs: number;
}

export class Impairment {
  private readonly random: () => number;
  readonly config: ImpairmentConfig;
  readonly counters: ImpairmentCounters = { frames: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0 };
  /** keeps deliveries in the order decided when the frames' times are equal */

  constructor(seed: number, config: Partial<ImpairmentConfig>) {
    this.random = prng(seed);
    this.config = { ...NO_IMPAIRMENT, ...config };
    for (const k of ['loss', 'duplicate', 'reorder', 'corrupt'] as const) {
      const p = this.config[k];
      if (!(p >= 0 && p <= 1)) throw new RangeError(`${k} ${p} must be a probability`);
    }
    for (const k of ['reorderDelayMs', 'delayMs', 'jitterMs'] as const) {
      const d = this.config[k];
      if (!(d >= 0 && Number.isFinite(d))) throw new RangeError(`${k} ${d} must be a finite time of 0 ms or more`);
    }
  }

  private chance(p: number): boolean {
    return p > 0 && this.random() / 0x1_0000_0000 < p;
  }

  /** Passes one frame through: the copies to deliver (none if lost, two if duplicated). */
  decide(frame: Uint8Array): ImpairedFrame[] {
    const c = this.config;
    this.counters.frames++;
    if (this.chance(c.loss)) {
      this.counters.lost++;
      return [];
    }
    let out = frame;
    if (this.chance(c.corrupt) && frame.length > ETH_HEADER) {
      out = frame.slice();
      const bit = this.random() % ((frame.length - ETH_HEADER) * 8);
      out[ETH_HEADER + (bit >>> 3)]! ^= 1 << (bit & 7);
      this.counters.corrupted++;
    }
    const copies = this.chance(c.duplicate) ? 2 : 1;
    if (copies === 2) this.counters.duplicated++;
    const copiesOut: ImpairedFrame[] = [];
    for (let i = 0; i < copies; i++) {
      let delay = c.delayMs + (c.jitterMs > 0 ? (this.random() / 0x1_0000_0000) * c.jitterMs : 0);
      if (this.chance(c.reorder)) {
        delay += c.reorderDelayMs;
        this.counters.reordered++;
      }
      copiesOut.push({ data: out, delayMs: delay });
    }
    return copiesOut;
  }
}
