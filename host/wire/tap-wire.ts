/**
 * The cable between one NIC and a frame port of the operating system (a TAP device, whose
 * other end is a Linux stack): frames the device sends are written to the port as they leave;
 * frames read from the port arrive at the device one latency later. The port is polled at every
 * quantum boundary, so the wire only makes sense with the scheduler in real-time mode.
 */
import type { DeviceLink, WireFrame } from '../device/link.js';
import type { Wire } from '../device/scheduler.js';
import type { PcapWriter } from './pcap.js';

/** One frame per call, both ways, without FCS (as a TAP device opened with IFF_NO_PI gives them). */
export interface FramePort {
  /** a waiting frame, or undefined when none is */
  read(): Uint8Array | undefined;
  /** false when the port's queue is full (the frame is lost, as on a congested wire) */
  write(frame: Uint8Array): boolean;
}

export interface TapWireOptions {
  /** cycles from a frame read off the port to its first byte at the device; at least the scheduler's quantum */
  latency: number;
  /** both directions in time order: the device's frames when they leave, the port's when read */
  pcap?: PcapWriter;
  /** frames read per pump at most (default 512), so a flood cannot hold the simulation */
  maxReadsPerPump?: number;
}

/** Ethernet's shortest frame without FCS: the kernel hands a TAP short frames unpadded. */
const MIN_FRAME = 60;
/** the longest frame the NIC takes (1500-byte MTU, no VLAN tag), without FCS */
const MAX_FRAME = 1514;

export class TapWire implements Wire {
  framesToPort = 0;
  framesFromPort = 0;
  bytesToPort = 0;
  bytesFromPort = 0;
  /** device frames the port refused (its queue full) */
  droppedToPort = 0;
  /** port frames longer than the NIC takes, not delivered */
  oversizeFromPort = 0;

  private held: WireFrame[] = [];

  constructor(
    private readonly link: DeviceLink,
    private readonly port: FramePort,
    private readonly options: TapWireOptions,
  ) {
    if (!Number.isInteger(options.latency) || options.latency < 1) throw new RangeError(`tap wire: latency ${options.latency} must be a positive integer of cycles`);
  }

  pump(now: number): void {
    const nsPerCycle = 1e9 / this.link.clockHz;
    // the device's frames up to now, in order (a frame from beyond now waits, so the capture's
    // timestamps never go backwards)
    const all = this.held.concat(this.link.takeTxFrames());
    const cut = all.findIndex((f) => f.cycle >= now);
    this.held = cut < 0 ? [] : all.splice(cut);
    for (const f of all) {
      this.options.pcap?.write(f.data, f.cycle * nsPerCycle);
      if (this.port.write(f.data)) {
        this.framesToPort++;
        this.bytesToPort += f.data.length;
      } else {
        this.droppedToPort++;
      }
    }
    const max = this.options.maxReadsPerPump ?? 512;
    for (let i = 0; i < max; i++) {
      const got = this.port.read();
      if (!got) break;
      if (got.length > MAX_FRAME) {
        this.oversizeFromPort++;
        continue;
      }
      let frame = got;
      if (frame.length < MIN_FRAME) {
        frame = new Uint8Array(MIN_FRAME);
        frame.set(got);
      }
      this.options.pcap?.write(frame, now * nsPerCycle);
      this.link.pushRxFrame(frame, now + this.options.latency);
      this.framesFromPort++;
      this.bytesFromPort += got.length;
    }
  }
}
