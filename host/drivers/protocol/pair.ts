/**
 * Test support: two stacks (192.0.2.1 and 192.0.2.2) joined by a MemoryWire on a
 * ManualClock, plus helpers to drive them. Used by the unit tests; needs no device model.
 */
import { ManualClock } from './clock.js';
import { MemoryWire, type WireEnd, type WireOptions } from './memory-wire.js';
import { type Link, Stack } from './stack.js';
import type { TcpConfig } from './tcp-config.js';

export const IP_A = '192.0.2.1';
export const IP_B = '192.0.2.2';
export const MAC_A = new Uint8Array([0x02, 0, 0, 0, 0, 0x0a]);
export const MAC_B = new Uint8Array([0x02, 0, 0, 0, 0, 0x0b]);

export interface PairOptions {
  seed?: number;
  tcpA?: Partial<TcpConfig>;
  tcpB?: Partial<TcpConfig>;
  wire?: WireOptions;
  /** what A sends through, built on A's end of the wire (default: that end itself) */
  linkA?: (end: WireEnd, clock: ManualClock) => Link;
  /** A's StackOptions.linkQueueBytes (it bounds only a link that reports frames leaving) */
  linkQueueBytesA?: number;
}

export interface Pair {
  clock: ManualClock;
  wire: MemoryWire;
  a: Stack;
  b: Stack;
  /** runs timers until `until()` holds; false if it did not within `limitMs` simulated ms */
  run(until: () => boolean, limitMs?: number): boolean;
}

export function makePair(options: PairOptions = {}): Pair {
  const clock = new ManualClock();
  const seed = options.seed ?? 1;
  const wire = new MemoryWire(clock, MAC_A, MAC_B, { seed, ...options.wire });
  const linkA = options.linkA?.(wire.a, clock) ?? wire.a;
  const a = new Stack({
    ip: IP_A, link: linkA, clock, seed: seed * 2 + 1, tcp: options.tcpA,
    ...(options.linkQueueBytesA !== undefined ? { linkQueueBytes: options.linkQueueBytesA } : {}),
  });
  const b = new Stack({ ip: IP_B, link: wire.b, clock, seed: seed * 2 + 2, tcp: options.tcpB });
  wire.a.receiver = (f) => a.receiveFrame(f);
  wire.b.receiver = (f) => b.receiveFrame(f);
  return { clock, wire, a, b, run: (until, limitMs = 600_000) => clock.runUntil(until, limitMs) };
}
