/**
 * Two NICs joined back to back by one cable. Frames leave one device and arrive at the other
 * `latency` cycles after their first byte left; both directions go into one pcap in time order,
 * as they leave (so a frame the impairment loses is in the capture, as with a tap at the sender).
 * Each direction can be impaired (loss, duplication, reordering, delay, corruption), seeded.
 */
import type { DeviceLink, WireFrame } from '../device/link.js';
import type { Wire } from '../device/scheduler.js';
import { Impairment, type ImpairmentConfig } from './impair.js';
import type { PcapWriter } from './pcap.js';
import type { ThroughputRecorder } from './throughput.js';

export interface BackToBackOptions {
  /** cycles from the first byte leaving one NIC to the first byte arriving at the other; at least the scheduler's quantum */
  latency: number;
  pcap?: PcapWriter;
  /** records bytes per direction over time for a chart */
  throughput?: ThroughputRecorder;
  /** impairment of frames from A to B and from B to A (none if omitted); times in ms of simulated time */
  aToB?: Partial<ImpairmentConfig>;
  bToA?: Partial<ImpairmentConfig>;
  /** seeds the impairments (default 1) */
  seed?: number;
}

/** A frame on its way to one device: when it arrives, and the order it was decided in. */
interface InFlight {
  readonly data: Uint8Array;
  readonly at: number;
  readonly seq: number;
}

export class BackToBackWire implements Wire {
  /** frames carried A→B and B→A */
  framesAtoB = 0;
  framesBtoA = 0;
  bytesAtoB = 0;
  bytesBtoA = 0;

  /** the impairment of each direction (A→B, B→A), undefined where the cable is clean */
  readonly impairments: readonly [Impairment | undefined, Impairment | undefined];
  /** frames decided but not yet handed to the device, per destination, by arrival */
  private readonly inFlight: [InFlight[], InFlight[]] = [[], []];
  private seq = 0;

  constructor(
    private readonly a: DeviceLink,
    private readonly b: DeviceLink,
    private readonly options: BackToBackOptions,
  ) {
    const seed = options.seed ?? 1;
    this.impairments = [
      options.aToB ? new Impairment(seed * 2 + 1, options.aToB) : undefined,
      options.bToA ? new Impairment(seed * 2 + 2, options.bToA) : undefined,
    ];
  }

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
    const cyclesPerMs = this.a.clockHz / 1000;
    for (const { f, dir } of all) {
      const arrive = f.cycle + this.options.latency;
      const impairment = this.impairments[dir];
      if (impairment) {
        for (const copy of impairment.decide(f.data)) {
          this.inFlight[dir].push({ data: copy.data, at: arrive + Math.round(copy.delayMs * cyclesPerMs), seq: this.seq++ });
        }
      } else {
        this.inFlight[dir].push({ data: f.data, at: arrive, seq: this.seq++ });
      }
      this.options.pcap?.write(f.data, f.cycle * nsPerCycle);
      this.options.throughput?.record(dir, f.cycle, f.data.length);
      if (dir === 0) { this.framesAtoB++; this.bytesAtoB += f.data.length; }
      else { this.framesBtoA++; this.bytesBtoA += f.data.length; }
    }
    // Hand each device, in arrival order, what arrives before the next pump could add anything
    // earlier: a frame taken at a later pump left at or after `now`, so it arrives at or after
    // now + latency (impairments only add delay). A device takes its frames in the order given.
    const horizon = now + this.options.latency;
    for (const dir of [0, 1] as const) {
      const q = this.inFlight[dir];
      if (q.length === 0) continue;
      q.sort((x, y) => x.at - y.at || x.seq - y.seq);
      const due = q.findIndex((x) => x.at >= horizon);
      const go = due < 0 ? q.splice(0) : q.splice(0, due);
      const to = dir === 0 ? this.b : this.a;
      for (const x of go) to.pushRxFrame(x.data, x.at);
    }
  }
}
