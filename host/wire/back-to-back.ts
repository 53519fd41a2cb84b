/**
 * Two NICs joined back to back by one cable. Frames leave one device and arrive at the other
 * `latency` cycles after their first byte left; both directions go into one pcap in time order.
 */
import type { DeviceLink, WireFrame } from '../device/link.js';
import type { Wire } from '../device/scheduler.js';
import type { PcapWriter } from './pcap.js';
import type { ThroughputRecorder } from './throughput.js';

export interface BackToBackOptions {
  /** cycles from the first byte leaving one NIC to the first byte arriving at the other; at least the scheduler's quantum */
  latency: number;
  pcap?: PcapWriter;
  /** records bytes per direction over time for a chart */
  throughput?: ThroughputRecorder;
}

export class BackToBackWire implements Wire {
  /** frames carried A→B and B→A */
  framesAtoB = 0;
  framesBtoA = 0;
  bytesAtoB = 0;
  bytesBtoA = 0;

  constructor(
    private readonly a: DeviceLink,
    private readonly b: DeviceLink,
    private readonly options: BackToBackOptions,
  ) {}

  /** frames that left a device after `now` (it ran past the quantum servicing an interrupt) */
  private held: { f: WireFrame; dir: 0 | 1 }[] = [];

  pump(now: number): void {
    const all = this.held;
    for (const f of this.a.takeTxFrames()) all.push({ f, dir: 0 });
    for (const f of this.b.takeTxFrames()) all.push({ f, dir: 1 });
    // time order, A before B on a tie, so the capture is deterministic; a frame from beyond
    // `now` waits for the next pump, so the capture's timestamps never go backwards
    all.sort((x, y) => x.f.cycle - y.f.cycle || x.dir - y.dir);
    const cut = all.findIndex((x) => x.f.cycle >= now);
    this.held = cut < 0 ? [] : all.splice(cut);
    const nsPerCycle = 1e9 / this.a.clockHz;
    for (const { f, dir } of all) {
      const to = dir === 0 ? this.b : this.a;
      to.pushRxFrame(f.data, f.cycle + this.options.latency);
      this.options.pcap?.write(f.data, f.cycle * nsPerCycle);
      this.options.throughput?.record(dir, f.cycle, f.data.length);
      if (dir === 0) { this.framesAtoB++; this.bytesAtoB += f.data.length; }
      else { this.framesBtoA++; this.bytesBtoA += f.data.length; }
    }
  }
}
