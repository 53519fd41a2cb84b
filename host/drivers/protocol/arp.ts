/**
 * ARP for IPv4 over Ethernet (RFC 826): a cache with ageing, resolution with retries and a
 * bounded queue of packets waiting for an address, and answers to requests for our address.
 */
import type { Clock, TimerHandle } from './clock.js';
import { DropReason } from './codec.js';
import type { StackCounters } from './counters.js';
import { type ArpPacket, ArpOp, BROADCAST_MAC } from './ethernet.js';

export interface ArpConfig {
  /** how long a learned address is trusted, ms */
  cacheTtlMs: number;
  /** interval between requests for an unresolved address, ms */
  retryMs: number;
  /** requests sent before the queued packets are dropped */
  requests: number;
  /** packets queued per unresolved address */
  maxQueued: number;
}

export const DEFAULT_ARP_CONFIG: ArpConfig = Object.freeze({ cacheTtlMs: 60_000, retryMs: 1000, requests: 3, maxQueued: 64 });

interface Pending {
  queue: ((mac: Uint8Array) => void)[];
  sent: number;
  timer: TimerHandle | undefined;
}

export class ArpTable {
  private readonly entries = new Map<number, { mac: Uint8Array; expires: number }>();
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly clock: Clock,
    private readonly counters: StackCounters,
    private readonly config: ArpConfig,
    private readonly localMac: Uint8Array,
    private readonly localIp: number,
    /** sends an ARP packet to an Ethernet destination */
    private readonly sendArp: (p: ArpPacket, dst: Uint8Array) => void,
  ) {}

  lookup(ip: number): Uint8Array | undefined {
    const e = this.entries.get(ip);
    if (e === undefined) return undefined;
    if (e.expires <= this.clock.now()) {
      this.entries.delete(ip);
      return undefined;
    }
    return e.mac;
  }

  /** Adds a static or learned entry. */
  set(ip: number, mac: Uint8Array): void {
    this.entries.set(ip, { mac: mac.slice(), expires: this.clock.now() + this.config.cacheTtlMs });
    const p = this.pending.get(ip);
    if (p !== undefined) {
      this.pending.delete(ip);
      p.timer?.cancel();
      for (const deliver of p.queue) deliver(mac);
    }
  }

  /** Calls deliver with the MAC of `ip` now, or once resolved; drops (counted) if resolution fails. */
  resolve(ip: number, deliver: (mac: Uint8Array) => void): void {
    const mac = this.lookup(ip);
    if (mac !== undefined) {
      deliver(mac);
      return;
    }
    let p = this.pending.get(ip);
    if (p === undefined) {
      p = { queue: [], sent: 0, timer: undefined };
      this.pending.set(ip, p);
      this.request(ip, p);
    }
    if (p.queue.length >= this.config.maxQueued) {
      this.counters.drops[DropReason.ARP_UNRESOLVED]++;
      return;
    }
    p.queue.push(deliver);
  }

  private request(ip: number, p: Pending): void {
    if (p.sent >= this.config.requests) {
      this.pending.delete(ip);
      this.counters.arpTimeouts++;
      this.counters.drops[DropReason.ARP_UNRESOLVED] += p.queue.length;
      return;
    }
    p.sent++;
    this.counters.arpRequestsSent++;
    this.sendArp({ op: ArpOp.REQUEST, senderMac: this.localMac, senderIp: this.localIp, targetMac: new Uint8Array(6), targetIp: ip }, BROADCAST_MAC);
    p.timer = this.clock.setTimer(this.clock.now() + this.config.retryMs, () => this.request(ip, p));
  }

  /** RFC 826 packet reception: merge, learn if addressed to us, answer requests. */
  input(pkt: ArpPacket): void {
    if (pkt.senderIp === this.localIp) {
      this.counters.drops[DropReason.BAD_HEADER]++; // someone claims our address; never learn it
      return;
    }
    const merged = this.entries.has(pkt.senderIp) || this.pending.has(pkt.senderIp);
    if (pkt.targetIp !== this.localIp) {
      if (merged && pkt.senderIp !== 0) this.set(pkt.senderIp, pkt.senderMac);
      else this.counters.drops[DropReason.NOT_FOR_US]++;
      return;
    }
    if (pkt.senderIp !== 0 && pkt.senderIp !== this.localIp) this.set(pkt.senderIp, pkt.senderMac);
    if (pkt.op === ArpOp.REQUEST) {
      this.counters.arpRepliesSent++;
      this.sendArp({ op: ArpOp.REPLY, senderMac: this.localMac, senderIp: this.localIp, targetMac: pkt.senderMac, targetIp: pkt.senderIp }, pkt.senderMac);
    }
  }
}
