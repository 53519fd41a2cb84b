/**
 * The cable between one NIC and a frame port of the operating system (a TAP device, whose
 * other end is a Linux stack): frames the device sends are written to the port as they leave;
 * frames read from the port arrive at the device one latency later. The port is polled at every
 * quantum boundary, so the wire only makes sense with the scheduler in real-time mode.
 * Each direction can be impaired (loss, duplication, reordering, delay, corruption), seeded, on
 * flue's side of the port: the kernel of the interop machine has no netem to do it on Linux's.
 */
import type { DeviceLink, WireFrame } from '../device/link.js';
import type { Wire } from '../device/scheduler.js';
import { Impairment, type ImpairmentConfig } from './impair.js';
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
  /**
   * frames handed to the device and not yet on its wire at most (default 4, where the link
   * tells its rxQueued): the port is read no faster than the wire carries, so what Linux sends
   * beyond waits in the kernel's queue, where Linux sees it, and the capture's time of a frame
   * is when it reaches the device. Read eagerly, 64 connections' windows waited up to 938
   * frames (850 ms paced) in the model's queue, unseen, while the capture said they had arrived.
   */
  maxQueuedAtDevice?: number;
  /**
   * impairment of the frames the device sends (towards Linux) and of the frames read from the
   * port (towards the device); none if omitted. Times in ms of simulated time (link.clockHz).
   */
  toPort?: Partial<ImpairmentConfig>;
  fromPort?: Partial<ImpairmentConfig>;
  /** seeds the impairments (default 1) */
  seed?: number;
}

/** A copy decided by an impairment, waiting for its cycle. */
interface Pending {
  readonly data: Uint8Array;
  readonly due: number;
}

/** Puts `p` after every entry due no later than it (so equal cycles keep the order decided). */
function enqueue(q: Pending[], p: Pending): void {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (q[mid]!.due <= p.due) lo = mid + 1;
    else hi = mid;
  }
  q.splice(lo, 0, p);
}

/** Removes and returns the entries due at or before `cycle`, in order. */
function takeDue(q: Pending[], cycle: number): Pending[] {
  const cut = q.findIndex((p) => p.due > cycle);
  return cut < 0 ? q.splice(0) : q.splice(0, cut);
}

/** Ethernet's shortest frame without FCS: the kernel hands a TAP short frames unpadded. */
const MIN_FRAME = 60;
/** the longest frame the NIC takes (1500-byte MTU, no VLAN tag), without FCS */
const MAX_FRAME = 1514;

export class TapWire implements Wire {
  /** counted at the port: copies written to it (after any impairment), frames read from it (before) */
  framesToPort = 0;
  framesFromPort = 0;
  bytesToPort = 0;
  bytesFromPort = 0;
  /** device frames the port refused (its queue full) */
  droppedToPort = 0;
  /** port frames longer than the NIC takes, not delivered */
  oversizeFromPort = 0;

  /** the impairment of each direction (to the port, from the port), undefined where the wire is clean */
  readonly impairments: readonly [Impairment | undefined, Impairment | undefined];

  private held: WireFrame[] = [];
  /** impaired copies not yet written to the port / pushed to the device, by due cycle */
  private readonly toPortQueue: Pending[] = [];
  private readonly fromPortQueue: Pending[] = [];

  constructor(
    private readonly link: DeviceLink,
    private readonly port: FramePort,
    private readonly options: TapWireOptions,
  ) {
    if (!Number.isInteger(options.latency) || options.latency < 1) throw new RangeError(`tap wire: latency ${options.latency} must be a positive integer of cycles`);
    const q = options.maxQueuedAtDevice;
    if (q !== undefined && (!Number.isInteger(q) || q < 1)) throw new RangeError(`tap wire: maxQueuedAtDevice ${q} must be a positive integer of frames`);
    // the same seeding as the cable between two NICs, so a seed means the same in both
    const seed = options.seed ?? 1;
    this.impairments = [
      options.toPort ? new Impairment(seed * 2 + 1, options.toPort) : undefined,
      options.fromPort ? new Impairment(seed * 2 + 2, options.fromPort) : undefined,
    ];
  }

  private writePort(data: Uint8Array): void {
    if (this.port.write(data)) {
      this.framesToPort++;
      this.bytesToPort += data.length;
    } else {
      this.droppedToPort++;
    }
  }

  pump(now: number): void {
    const nsPerCycle = 1e9 / this.link.clockHz;
    // the device's frames up to now, in order (a frame from beyond now waits, so the capture's
    // timestamps never go backwards)
    const all = this.held.concat(this.link.takeTxFrames());
    const cut = all.findIndex((f) => f.cycle >= now);
    this.held = cut < 0 ? [] : all.splice(cut);
    const cyclesPerMs = this.link.clockHz / 1000;
    const [toPort, fromPort] = this.impairments;
    for (const f of all) {
      // captured as it leaves, so a frame the impairment loses is still in the capture (a tap at the sender)
      this.options.pcap?.write(f.data, f.cycle * nsPerCycle);
      if (!toPort) {
        this.writePort(f.data);
        continue;
      }
      for (const copy of toPort.decide(f.data)) {
        enqueue(this.toPortQueue, { data: copy.data, due: f.cycle + Math.round(copy.delayMs * cyclesPerMs) });
      }
    }
    // a copy leaves for the port once the simulation reaches its departure plus its delay
    if (toPort) for (const p of takeDue(this.toPortQueue, now)) this.writePort(p.data);
    const max = this.options.maxReadsPerPump ?? 512;
    const maxQueued = this.options.maxQueuedAtDevice ?? 4;
    // an impaired frame waits in fromPortQueue until the end of the pump: counted here meanwhile
    let heldHere = 0;
    for (let i = 0; i < max && (this.link.rxQueued ?? 0) + heldHere < maxQueued; i++) {
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
      // captured as read, before the impairment, like the other direction
      this.options.pcap?.write(frame, now * nsPerCycle);
      this.framesFromPort++;
      this.bytesFromPort += got.length;
      if (!fromPort) {
        this.link.pushRxFrame(frame, now + this.options.latency);
        continue;
      }
      for (const copy of fromPort.decide(frame)) {
        heldHere++;
        enqueue(this.fromPortQueue, { data: copy.data, due: now + this.options.latency + Math.round(copy.delayMs * cyclesPerMs) });
      }
    }
    // The device takes its frames in the order given, so hand it, in due order, only what no
    // later pump can precede: a frame read at a later pump (a later `now`) is due after
    // now + latency. A copy without delay goes at now + latency, the cycle a clean wire gives it.
    if (fromPort) {
      for (const p of takeDue(this.fromPortQueue, now + this.options.latency)) this.link.pushRxFrame(p.data, p.due);
    }
  }
}
