/**
 * An in-memory Ethernet cable between two stacks for tests: each direction goes through an
 * Impairment stage (a clean one by default) and every frame put on the wire can be written
 * to a pcap, timestamped with the clock (ms -> ns).
 */
import type { PcapWriter } from '../../wire/pcap.js';
import type { Clock } from './clock.js';
import { Impairment, type ImpairmentConfig } from '../../wire/impair.js';
import type { Link } from './stack.js';

export interface WireOptions {
  seed?: number;
  /** impairment of frames from end a to end b */
  aToB?: Partial<ImpairmentConfig>;
  bToA?: Partial<ImpairmentConfig>;
  pcap?: PcapWriter;
}

/** Which end put a frame on the wire. */
export type WireSide = 'a' | 'b';

/** Sees every frame put on the wire; returning true drops it (targeted loss in tests). */
export type WireTap = (frame: Uint8Array, from: WireSide) => boolean | void;

export class WireEnd implements Link {
  receiver: ((frame: Uint8Array) => void) | undefined;
  peer!: WireEnd;
  constructor(readonly mac: Uint8Array, private readonly wire: MemoryWire, readonly impairment: Impairment, readonly side: WireSide) {}

  send(frame: Uint8Array): void {
    this.wire.capture(frame);
    if (this.wire.tap?.(frame, this.side) === true) return;
    const peer = this.peer;
    const now = this.wire.now();
    for (const copy of this.impairment.decide(frame.slice())) {
      this.wire.clockTimer(now + copy.delayMs, () => peer.receiver?.(copy.data));
    }
  }
}

export class MemoryWire {
  readonly a: WireEnd;
  readonly b: WireEnd;
  tap: WireTap | undefined;

  constructor(private readonly clock: Clock, macA: Uint8Array, macB: Uint8Array, private readonly options: WireOptions = {}) {
    const seed = options.seed ?? 1;
    this.a = new WireEnd(macA, this, new Impairment(seed * 2 + 1, options.aToB ?? {}), 'a');
    this.b = new WireEnd(macB, this, new Impairment(seed * 2 + 2, options.bToA ?? {}), 'b');
    this.a.peer = this.b;
    this.b.peer = this.a;
  }

  /** Puts a raw frame on the wire as if `from` had sent it (injection in tests). */
  inject(frame: Uint8Array, from: WireSide): void {
    (from === 'a' ? this.a : this.b).send(frame);
  }

  /** @internal */
  now(): number {
    return this.clock.now();
  }

  /** @internal */
  clockTimer(at: number, fn: () => void): void {
    this.clock.setTimer(at, fn);
  }

  /** @internal */
  capture(frame: Uint8Array): void {
    this.options.pcap?.write(frame, Math.round(this.clock.now() * 1e6));
  }
}
