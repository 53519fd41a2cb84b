/**
 * The device link over a serial line to a board's UART bridge (hdl/bridge/link_bridge.v), as
 * protocol/SERIAL-LINK.md describes: every register access is a request and its response; the
 * card's DMA bursts come as requests the host serves from its memory (only ranges mapped for
 * DMA, anything else answered SLVERR); interrupts come as IRQ messages; time is the card's own
 * cycle counter, learnt from every packet, and advance() waits for it with TIME_ADVANCE.
 *
 * The host's requests go one at a time (the bridge keeps one response to replay for a repeated
 * sequence number, so it serves one request at a time); the bridge's requests are answered at
 * once, and a repeated one (the answer was lost) gets the answer kept for it, not a second
 * access. A board runs in real time: nothing here holds its clock.
 *
 * A board's Ethernet is its own cable, not part of this link; a simulated board's cable is the
 * harness's frame socket (`ethernet`), which takeTxFrames/pushRxFrame use when it is given.
 */
import {
  LinkType, decodeLinkDma, decodeLinkHello, decodeLinkIrq, decodeLinkMmio, decodeLinkStats,
  encodeLinkDma, encodeLinkMmio, type LinkDma, type LinkHello, type LinkStats, linkTypeName,
  LinkDmaLayout, LinkHelloLayout, LinkIrqLayout, LinkMmioLayout, LinkStatsLayout,
} from '../../../protocol/generated/contract.js';
import { DmaMappings } from '../dma-map.js';
import { checkRegisterAddress, helloProblem } from '../link-checks.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { DeviceLink, LinkCounters, WireFrame } from '../link.js';
import { HostMemory, hexAddr } from '../memory.js';
import type { LinkFrameCounters, LinkMessage } from './link-frame.js';
import { LinkTransport, type ByteLine, type LinkTransportStats } from './link-transport.js';

/** The frames of a board's Ethernet, where the host can reach them (a simulated board's socket). */
export interface FramePort {
  /** frames the board sent since the last call, with its cycle of their first byte */
  takeFrames(): WireFrame[];
  send(frame: Uint8Array): void;
  close(): void;
}

export interface SerialLinkOptions {
  /** what the link is called in messages (default: serial) */
  name?: string;
  /** wall-clock ms a request waits for its response before it is sent again (default 500) */
  timeoutMs?: number;
  /** sends after the first before a request fails (default 10) */
  retries?: number;
  /** host memory the card reaches by DMA (default 16 MiB at 4 GiB) */
  memorySize?: number;
  memoryBase?: number;
  /**
   * the slowest the card's clock may run, cycles per wall-clock second (default: its clock,
   * a board in real time; a simulated board runs far slower): bounds how long a TIME_ADVANCE
   * may take before it counts as lost
   */
  minCyclesPerSecond?: number;
  /** the board's Ethernet (a simulated board's frame socket) */
  ethernet?: FramePort;
  /**
   * the shortest advance() asks the card for, in its cycles (default 1 ms of its time): each
   * TIME_ADVANCE is a round trip on the line, and a scheduler's quanta of a few hundred cycles
   * would spend most of the line on them; the card runs on regardless, an interrupt still ends
   * the wait at once, and the scheduler takes the cycles beyond its quantum as run
   */
  minAdvanceCycles?: number;
}

/** Host-side and bridge-side counters of the link. */
export interface SerialLinkStats {
  transport: LinkTransportStats;
  /** packets the host dropped: bad CRC, too short, a length that disagrees */
  framing: LinkFrameCounters;
  /** requests of the bridge answered again from the kept answer */
  replayed: number;
  /** bridge requests the host could not parse (answered ERROR) */
  badRequests: number;
}

/** What the bridge's HELLO_REPLY says, checked. */
export type SerialIdentity = LinkHello;

/** the longest DMA burst the host serves (the bridge sends at most 16 beats of 16 bytes) */
const MAX_DMA_BYTES = 4096;
/** wall-clock ms to wait for the IRQ message that follows a TIME_REACHED cut short by an interrupt */
const IRQ_FOLLOW_MS = 2000;

/** the answer to the bridge's last request, for a copy of it (the bridge has one outstanding) */
interface KeptAnswer {
  readonly seq: number;
  readonly type: number;
  readonly answerType: number;
  readonly payload: Uint8Array;
}

export class SerialLink implements DeviceLink {
  readonly name: string;
  readonly memory: HostMemory;
  readonly clockHz: number;
  readonly remote = true;
  private readonly transport: LinkTransport;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly minCyclesPerSecond: number;
  private readonly minAdvanceCycles: number;
  private readonly ethernet: FramePort | undefined;
  /** host requests one at a time: the bridge serves one */
  private queue: Promise<unknown> = Promise.resolve();
  private cardTime = 0;
  private irqPending = 0;
  private irqWaiter: (() => void) | undefined;
  private readonly mapped: DmaMappings;
  private kept: KeptAnswer | undefined;
  private closed = false;
  private readonly stats = { dmaReads: 0, dmaWrites: 0, dmaErrors: 0, firstDmaError: '', replayed: 0, badRequests: 0 };

  private constructor(transport: LinkTransport, hello: LinkHello, options: SerialLinkOptions, name: string) {
    this.transport = transport;
    this.name = name;
    this.clockHz = hello.clockHz;
    this.identity = hello;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.retries = options.retries ?? 10;
    this.minCyclesPerSecond = options.minCyclesPerSecond ?? hello.clockHz;
    this.minAdvanceCycles = options.minAdvanceCycles ?? Math.round(hello.clockHz / 1000);
    this.ethernet = options.ethernet;
    this.memory = new HostMemory(options.memorySize ?? 16 * 1024 * 1024, options.memoryBase);
    this.mapped = new DmaMappings(name);
    transport.onMessage((m) => this.served(m));
  }

  readonly identity: SerialIdentity;

  /**
   * Opens the link on a line: a HELLO, whose answer must name a flue card of this contract's
   * major version. Rejects with DeviceError TIMEOUT (nothing answers: wrong port, wrong baud,
   * no bitstream), INCOMPATIBLE, or CLOSED (the line went away).
   */
  static async open(line: ByteLine, options: SerialLinkOptions = {}): Promise<SerialLink> {
    const name = options.name ?? 'serial';
    const transport = new LinkTransport(line, { timeoutMs: options.timeoutMs ?? 500, retries: options.retries ?? 10, name });
    let reply: LinkMessage;
    try {
      reply = await transport.request(LinkType.HELLO);
    } catch (e) {
      transport.close();
      if (e instanceof DeviceError && e.code === DeviceErrorCode.TIMEOUT) {
        throw new DeviceError(DeviceErrorCode.TIMEOUT, `${name}: no answer to HELLO (check the port, the baud rate, and that the board runs the flue bitstream): ${e.message}`, { cause: e });
      }
      throw e;
    }
    if (reply.header.type !== LinkType.HELLO_REPLY || reply.payload.length !== LINK_HELLO_BYTES) {
      transport.close();
      throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${name}: HELLO answered with ${linkTypeName(reply.header.type)} of ${reply.payload.length} bytes, not a HELLO_REPLY`);
    }
    const hello = decodeLinkHello(view(reply.payload));
    const problem = helloProblem(name, hello);
    if (problem) {
      transport.close();
      throw problem;
    }
    const link = new SerialLink(transport, hello, options, name);
    link.sawTime(reply);
    return link;
  }

  get now(): number {
    return this.cardTime;
  }

  async mmioRead(addr: number): Promise<number> {
    const m = await this.mmio(LinkType.MMIO_READ, LinkType.MMIO_READ_REPLY, addr, 0);
    return m.value;
  }

  async mmioWrite(addr: number, value: number): Promise<void> {
    await this.mmio(LinkType.MMIO_WRITE, LinkType.MMIO_WRITE_ACK, addr, value);
  }

  async advance(cycles: number, stopOnIrq: boolean): Promise<number> {
    this.checkOpen();
    if (!Number.isSafeInteger(cycles) || cycles < 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: advance(${cycles}): cycles must be a non-negative integer`);
    const before = this.cardTime;
    const target = before + Math.max(cycles, this.minAdvanceCycles);
    while (!(stopOnIrq && this.irqPending !== 0)) {
      // copies of a TIME_ADVANCE the bridge is still serving are ignored, so a long wait only
      // needs enough of them to outlast it
      const waitMs = ((target - this.cardTime) / this.minCyclesPerSecond) * 1000;
      const retries = this.retries + Math.ceil(waitMs / this.timeoutMs);
      const reply = await this.call(LinkType.TIME_ADVANCE, LinkType.TIME_REACHED, undefined, BigInt(target), retries);
      this.sawTime(reply);
      if (this.cardTime >= target) break;
      // cut short: an interrupt fired, and its IRQ message comes next (maybe already came)
      if (stopOnIrq && this.irqPending === 0) await this.irqFollows();
    }
    return this.cardTime - before;
  }

  takeIrqs(): number {
    const v = this.irqPending;
    this.irqPending = 0;
    return v;
  }

  mapDma(addr: number, length: number): void {
    this.memory.view(addr, length); // throws a DeviceError outside host memory
    this.mapped.map(addr, length);
  }

  unmapDma(addr: number, length: number): void {
    this.mapped.unmap(addr, length);
  }

  takeTxFrames(): WireFrame[] {
    return this.ethernet?.takeFrames() ?? [];
  }

  pushRxFrame(data: Uint8Array): void {
    this.checkOpen();
    if (!this.ethernet) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: this board's Ethernet is its own cable; the host cannot put frames on it`);
    this.ethernet.send(data);
  }

  async resetDevice(): Promise<void> {
    const reply = await this.call(LinkType.RESET, LinkType.RESET);
    this.sawTime(reply);
    this.irqPending = 0;
  }

  traceStart(): void {
    throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: no waveform over a serial link (the board harness writes one with --fst)`);
  }

  traceStop(): void {}

  counters(): LinkCounters {
    return {
      dmaReads: this.stats.dmaReads,
      dmaWrites: this.stats.dmaWrites,
      dmaErrors: this.stats.dmaErrors,
      firstDmaError: this.stats.firstDmaError,
      protocolErrors: 0,
      firstProtocolError: '',
      txAborted: 0,
    };
  }

  /** The host side's counters of the line. */
  linkStats(): SerialLinkStats {
    return { transport: { ...this.transport.stats }, framing: { ...this.transport.frameCounters }, replayed: this.stats.replayed, badRequests: this.stats.badRequests };
  }

  /** The bridge's own counters (a LINK_STATS request). */
  async bridgeStats(): Promise<LinkStats> {
    const reply = await this.call(LinkType.LINK_STATS, LinkType.LINK_STATS);
    this.sawTime(reply);
    if (reply.payload.length !== LINK_STATS_BYTES) throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: LINK_STATS answered with ${reply.payload.length} bytes, not ${LINK_STATS_BYTES}`);
    return decodeLinkStats(view(reply.payload));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
    this.ethernet?.close();
    this.irqWaiter?.();
  }

  // ------------------------------------------------------------------ host requests

  private async mmio(type: number, answer: number, addr: number, value: number): Promise<{ value: number }> {
    checkRegisterAddress(this.name, addr);
    const payload = new Uint8Array(LINK_MMIO_BYTES);
    encodeLinkMmio(view(payload), { addr, value: value >>> 0, resp: 0 });
    let reply: LinkMessage;
    try {
      reply = await this.call(type, answer, payload);
    } catch (e) {
      if (e instanceof DeviceError && e.code === DeviceErrorCode.TIMEOUT) {
        throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${type === LinkType.MMIO_READ ? 'read' : 'write'} of register ${hexAddr(addr)}: ${e.message}`, { cause: e });
      }
      throw e;
    }
    this.sawTime(reply);
    if (reply.payload.length !== LINK_MMIO_BYTES) throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${linkTypeName(answer)} of ${reply.payload.length} bytes`);
    const m = decodeLinkMmio(view(reply.payload));
    if (m.addr !== addr) throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: asked for register ${hexAddr(addr)}, the answer is for ${hexAddr(m.addr)}`);
    if (m.resp !== 0) {
      throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${type === LinkType.MMIO_READ ? 'read' : 'write'} of register ${hexAddr(addr)} got AXI response ${m.resp} (${m.resp === 3 ? 'DECERR' : 'SLVERR'})`);
    }
    return m;
  }

  /** One request through the queue; its answer must be of type `answer` (an ERROR is reported). */
  private call(type: number, answer: number, payload?: Uint8Array, time = BigInt(this.cardTime), retries?: number): Promise<LinkMessage> {
    this.checkOpen();
    const run = async (): Promise<LinkMessage> => {
      const reply = await this.transport.request(type, payload, time, retries);
      if (reply.header.type !== answer) {
        throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: ${linkTypeName(type)} answered with ${linkTypeName(reply.header.type)} (the bridge could not serve it)`);
      }
      return reply;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private sawTime(m: LinkMessage): void {
    const t = Number(m.header.time);
    if (t > this.cardTime) this.cardTime = t;
  }

  private irqFollows(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.irqWaiter = undefined; resolve(); }, IRQ_FOLLOW_MS);
      this.irqWaiter = () => { clearTimeout(timer); this.irqWaiter = undefined; resolve(); };
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new DeviceError(DeviceErrorCode.CLOSED, `${this.name} is closed`);
  }

  // ------------------------------------------------------------------ the bridge's requests

  private served(m: LinkMessage): void {
    if (this.closed) return;
    this.sawTime(m);
    const { type, seq } = m.header;
    const kept = this.kept;
    if (kept && kept.seq === seq && kept.type === type) {
      this.stats.replayed++;
      this.transport.respond(m, kept.answerType, kept.payload);
      return;
    }
    let answerType: number;
    let payload: Uint8Array;
    switch (type) {
      case LinkType.IRQ: {
        if (m.payload.length !== LINK_IRQ_BYTES) return this.refuse(m, `IRQ of ${m.payload.length} bytes`);
        this.irqPending |= decodeLinkIrq(view(m.payload)).vectors;
        this.irqWaiter?.();
        answerType = LinkType.IRQ;
        payload = new Uint8Array(0);
        break;
      }
      case LinkType.DMA_READ:
      case LinkType.DMA_WRITE: {
        const write = type === LinkType.DMA_WRITE;
        if (m.payload.length < LINK_DMA_BYTES) return this.refuse(m, `${linkTypeName(type)} of ${m.payload.length} bytes`);
        const dma = decodeLinkDma(view(m.payload));
        const data = m.payload.subarray(LINK_DMA_BYTES);
        if (write && data.length !== dma.length) return this.refuse(m, `DMA_WRITE says ${dma.length} bytes and carries ${data.length}`);
        const addr = Number(dma.addr);
        const why = dma.length > MAX_DMA_BYTES ? `${dma.length} bytes, more than a burst` : this.unmapped(addr, dma.length);
        let resp = 0;
        if (why !== undefined) {
          resp = 2;
          this.stats.dmaErrors++;
          if (this.stats.firstDmaError === '') this.stats.firstDmaError = `cycle ${m.header.time}: ${write ? 'write' : 'read'} of ${dma.length} bytes at ${hexAddr(addr)}: ${why}`;
        }
        const echo: LinkDma = { addr: dma.addr, length: dma.length, tag: dma.tag, resp };
        if (write) {
          if (resp === 0) this.memory.view(addr, dma.length).bytes.set(data);
          this.stats.dmaWrites++;
          answerType = LinkType.DMA_WRITE_ACK;
          payload = new Uint8Array(LINK_DMA_BYTES);
          encodeLinkDma(view(payload), echo);
        } else {
          this.stats.dmaReads++;
          answerType = LinkType.DMA_READ_REPLY;
          payload = new Uint8Array(LINK_DMA_BYTES + (resp === 0 ? dma.length : 0));
          encodeLinkDma(view(payload), echo);
          if (resp === 0) payload.set(this.memory.view(addr, dma.length).bytes, LINK_DMA_BYTES);
        }
        break;
      }
      default:
        return this.refuse(m, `${linkTypeName(type)} is not a request the host serves`);
    }
    this.kept = { seq, type, answerType, payload };
    this.transport.respond(m, answerType, payload);
  }

  /** why [addr, addr+length) may not be touched, or undefined if every byte is mapped */
  private unmapped(addr: number, length: number): string | undefined {
    return this.mapped.unmappedIn(addr, addr + length);
  }

  private refuse(m: LinkMessage, why: string): void {
    this.stats.badRequests++;
    if (this.stats.firstDmaError === '') this.stats.firstDmaError = `cycle ${m.header.time}: refused: ${why}`;
    this.transport.respond(m, LinkType.ERROR);
  }

}

const LINK_DMA_BYTES = LinkDmaLayout.size;
const LINK_HELLO_BYTES = LinkHelloLayout.size;
const LINK_IRQ_BYTES = LinkIrqLayout.size;
const LINK_MMIO_BYTES = LinkMmioLayout.size;
const LINK_STATS_BYTES = LinkStatsLayout.size;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

