/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815 hole list simplified): fragments are kept per
 * (source, destination, protocol, identification) until the datagram is whole or its timer
 * runs out. Overlapping fragments drop the whole datagram (as RFC 5722 requires for IPv6:
 * overlaps are an attack, not a network artefact). Everything dropped is counted.
 */
import type { Clock, TimerHandle } from './clock.js';
import { DropReason } from './codec.js';
import type { StackCounters } from './counters.js';
import type { Ipv4Header } from './ipv4.js';

export interface ReassemblyConfig {
  timeoutMs: number;
  /** datagrams in reassembly at once */
  maxDatagrams: number;
}

export const DEFAULT_REASSEMBLY_CONFIG: ReassemblyConfig = Object.freeze({ timeoutMs: 30_000, maxDatagrams: 64 });
const MAX_DATAGRAM = 65535 - 20;

interface Datagram {
  parts: { offset: number; data: Uint8Array }[];
  total: number | undefined;
  timer: TimerHandle;
  fragments: number;
}

export class Reassembler {
  private readonly inProgress = new Map<string, Datagram>();

  constructor(private readonly clock: Clock, private readonly counters: StackCounters, private readonly config: ReassemblyConfig) {}

  get datagramsInProgress(): number {
    return this.inProgress.size;
  }

  /** Takes one fragment; returns the whole payload when this fragment completed it. */
  input(h: Ipv4Header, payload: Uint8Array): Uint8Array | undefined {
    this.counters.ipFragmentsReceived++;
    const key = `${h.src}/${h.dst}/${h.protocol}/${h.id}`;
    const end = h.fragmentOffset + payload.length;
    const badSize = end > MAX_DATAGRAM || (h.moreFragments && (payload.length === 0 || payload.length % 8 !== 0));
    let d = this.inProgress.get(key);
    if (badSize) {
      this.counters.drops[DropReason.FRAGMENT_DROPPED]++;
      if (d !== undefined) this.discard(key, d);
      return undefined;
    }
    if (d === undefined) {
      if (this.inProgress.size >= this.config.maxDatagrams) {
        this.counters.drops[DropReason.FRAGMENT_DROPPED]++;
        return undefined;
      }
      const timer = this.clock.setTimer(this.clock.now() + this.config.timeoutMs, () => this.expire(key));
      d = { parts: [], total: undefined, timer, fragments: 0 };
      this.inProgress.set(key, d);
    }
    d.fragments++;
    const overlaps = d.parts.some((p) => h.fragmentOffset < p.offset + p.data.length && p.offset < end);
    const conflictingEnd = !h.moreFragments && d.total !== undefined && d.total !== end;
    const pastEnd = d.total !== undefined && end > d.total;
    if (overlaps || conflictingEnd || pastEnd) {
      this.discard(key, d);
      return undefined;
    }
    if (!h.moreFragments) d.total = end;
    d.parts.push({ offset: h.fragmentOffset, data: payload.slice() });
    if (d.total === undefined) return undefined;
    const have = d.parts.reduce((n, p) => n + p.data.length, 0);
    if (have !== d.total) return undefined;
    d.timer.cancel();
    this.inProgress.delete(key);
    const out = new Uint8Array(d.total);
    for (const p of d.parts) out.set(p.data, p.offset);
    this.counters.ipReassembled++;
    return out;
  }

  private discard(key: string, d: Datagram): void {
    d.timer.cancel();
    this.inProgress.delete(key);
    this.counters.drops[DropReason.FRAGMENT_DROPPED] += d.fragments;
  }

  private expire(key: string): void {
    const d = this.inProgress.get(key);
    if (d === undefined) return;
    this.counters.ipReassemblyTimeouts++;
    this.discard(key, d);
  }
}
