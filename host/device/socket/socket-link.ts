/**
 * The device link over a socket to a simulator process: the cocotb bridge (testbench/cocotb)
 * running nic_top under Icarus, or anything else that speaks protocol/SOCKET-LINK.md. A Unix
 * socket for a simulator on this machine, TCP on loopback for one elsewhere.
 *
 * Lockstep: the simulator's clock runs only inside TIME_ADVANCE (and the cycles a register
 * access or a reset take), and while it waits for the host (a DMA burst) no simulated time
 * passes. So a run gives the cycles, and the capture bytes, the in-process Verilator backend
 * gives: the bridge's cycle models are the Verilator harness's.
 *
 * The card's DMA bursts come as requests the host serves from its memory, only in ranges
 * mapped for DMA (anything else answers SLVERR and is counted, as the Verilator harness counts
 * it). Interrupts, the frames the card sends and the RTL's protocol violations come as posted
 * messages before the response that ends the request they happened in.
 */
import { connect as netConnect, type Socket } from 'node:net';
import {
  LinkType, decodeLinkDma, decodeLinkHeader, decodeLinkHello, decodeLinkIrq, decodeLinkMmio,
  decodeLinkStats, decodeLinkWireFrame, encodeLinkDma, encodeLinkHeader, encodeLinkMmio, encodeLinkWireFrame, linkTypeName,
  LinkDmaLayout, LinkHeaderLayout, LinkHelloLayout, LinkIrqLayout, LinkMmioLayout, LinkStatsLayout, LinkWireFrameLayout,
  type LinkHello, type LinkStats,
} from '../../../protocol/generated/contract.js';
import { DmaMappings } from '../dma-map.js';
import { checkRegisterAddress, helloProblem } from '../link-checks.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { DeviceLink, LinkCounters, WireFrame } from '../link.js';
import { HostMemory, hexAddr } from '../memory.js';

export interface SocketLinkOptions {
  /** what the link is called in messages (default: the address) */
  name?: string;
  /**
   * wall-clock ms the host waits for the simulator with nothing arriving from it before the
   * outstanding request fails with TIMEOUT (default 60 000); an advance() gets its cycles at
   * `minCyclesPerSecond` on top
   */
  timeoutMs?: number;
  /** the slowest the simulator may run, cycles per wall-clock second (default 200) */
  minCyclesPerSecond?: number;
  /** wall-clock ms to keep trying to connect while the simulator starts (default 10 000) */
  connectTimeoutMs?: number;
  /** host memory the card reaches by DMA (default 16 MiB at 4 GiB, as VerilatorLink) */
  memorySize?: number;
  memoryBase?: number;
  /** what became of the simulator process, for the message when the socket closes ("exit code 1") */
  describeExit?: () => string | undefined;
}

const HEADER_BYTES = LinkHeaderLayout.size;
const DMA_BYTES = LinkDmaLayout.size;
const MMIO_BYTES = LinkMmioLayout.size;
const WIRE_BYTES = LinkWireFrameLayout.size;
/** SOCKET-LINK.md's flags */
const FLAG_RESPONSE = 1;
const FLAG_STOP_ON_IRQ = 2;
/** LinkMmio.resp when the register block gave no response in the bridge's 1000 cycles */
const MMIO_NO_RESPONSE = 0xff;
/** LinkDma.resp values on the bridge's DMA_WRITE */
const DMA_WRITE_MASKED = 1;
const DMA_REFUSED = 2;
/** as VerilatorLink: the reset a new link holds */
const RESET_CYCLES = 16;
/** a message larger than this is a broken stream (a burst is at most 512 bytes, a frame 16 KiB) */
const MAX_PAYLOAD = 1 << 20;
const RESP_NAMES = ['OKAY', 'EXOKAY', 'SLVERR', 'DECERR'];
/** setTimeout's limit: a longer deadline is re-armed in steps */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Message {
  type: number;
  flags: number;
  seq: number;
  time: number;
  payload: Uint8Array;
}

interface Pending {
  answer: number;
  seq: number;
  what: string;
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
  deadline: number;
  extraMs: number;
}

export class SocketLink implements DeviceLink {
  readonly name: string;
  readonly memory: HostMemory;
  /** the card's HELLO_REPLY, set by connect() */
  private hello: LinkHello | undefined;
  private readonly socket: Socket;
  private readonly timeoutMs: number;
  private readonly minCyclesPerSecond: number;
  private readonly describeExit: (() => string | undefined) | undefined;
  private rx: Buffer = Buffer.alloc(0);
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private seq = 0;
  private time = 0;
  private irqPending = 0;
  private txFrames: WireFrame[] = [];
  private readonly mapped: DmaMappings;
  private closedBy: DeviceError | undefined;
  private losing = false;
  private readonly stats = {
    dmaReads: 0, dmaWrites: 0, dmaErrors: 0, firstDmaError: '', protocolErrors: 0, firstProtocolError: '', txAborted: 0,
    messagesIn: 0, messagesOut: 0,
  };

  private constructor(socket: Socket, name: string, options: SocketLinkOptions) {
    this.socket = socket;
    this.name = name;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.minCyclesPerSecond = options.minCyclesPerSecond ?? 200;
    this.describeExit = options.describeExit;
    this.memory = new HostMemory(options.memorySize ?? 16 * 1024 * 1024, options.memoryBase);
    this.mapped = new DmaMappings(name);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', (e) => this.lost(`the link failed (${e.message})`));
    socket.on('close', () => this.lost('the simulator closed the link'));
  }

  /**
   * Connects to a simulator listening on `address` (unix:/path or tcp:HOST:PORT), checks with
   * HELLO that it is a flue card of this contract's major version, and resets it. Rejects with
   * DeviceError CLOSED (nothing listens there in connectTimeoutMs), TIMEOUT or INCOMPATIBLE.
   */
  static async connect(address: string, options: SocketLinkOptions = {}): Promise<SocketLink> {
    const name = options.name ?? `socket:${address}`;
    const socket = await openSocket(address, options.connectTimeoutMs ?? 10_000, name);
    const link = new SocketLink(socket, name, options);
    try {
      const reply = await link.call(LinkType.HELLO, LinkType.HELLO_REPLY, 'HELLO');
      if (reply.payload.length !== LinkHelloLayout.size) throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${name}: HELLO_REPLY of ${reply.payload.length} bytes`);
      const hello = decodeLinkHello(view(reply.payload));
      const problem = helloProblem(name, hello);
      if (problem) throw problem;
      link.hello = hello;
      await link.resetDevice();
      if (link.now !== RESET_CYCLES) throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${name}: the reset ended at cycle ${link.now}, not ${RESET_CYCLES}`);
    } catch (e) {
      await link.close();
      throw e;
    }
    return link;
  }

  /** what the card's HELLO_REPLY said */
  get identity(): LinkHello {
    if (!this.hello) throw new DeviceError(DeviceErrorCode.CLOSED, `${this.name}: not connected`);
    return this.hello;
  }

  /** the card's clock, from its HELLO_REPLY */
  get clockHz(): number {
    return this.hello?.clockHz ?? 0;
  }

  get now(): number {
    return this.time;
  }

  async mmioRead(addr: number): Promise<number> {
    return (await this.mmio(LinkType.MMIO_READ, LinkType.MMIO_READ_REPLY, addr, 0)).value;
  }

  async mmioWrite(addr: number, value: number): Promise<void> {
    await this.mmio(LinkType.MMIO_WRITE, LinkType.MMIO_WRITE_ACK, addr, value);
  }

  async advance(cycles: number, stopOnIrq: boolean): Promise<number> {
    this.checkOpen();
    if (!Number.isSafeInteger(cycles) || cycles < 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: advance(${cycles}): cycles must be a non-negative integer`);
    const before = this.time;
    const extraMs = (cycles / this.minCyclesPerSecond) * 1000;
    await this.call(LinkType.TIME_ADVANCE, LinkType.TIME_REACHED, `TIME_ADVANCE by ${cycles} cycles`, undefined, before + cycles, stopOnIrq ? FLAG_STOP_ON_IRQ : 0, extraMs);
    return this.time - before;
  }

  takeIrqs(): number {
    const v = this.irqPending;
    this.irqPending = 0;
    return v;
  }

  mapDma(addr: number, length: number): void {
    this.checkOpen();
    if (length <= 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: mapDma: length must be > 0`);
    this.memory.view(addr, length); // throws a DeviceError outside host memory
    this.mapped.map(addr, length);
  }

  unmapDma(addr: number, length: number): void {
    this.mapped.unmap(addr, length);
  }

  takeTxFrames(): WireFrame[] {
    const out = this.txFrames;
    this.txFrames = [];
    return out;
  }

  pushRxFrame(data: Uint8Array, cycle: number): void {
    this.checkOpen();
    if (data.length === 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: pushRxFrame: an empty frame cannot be sent`);
    if (!Number.isSafeInteger(cycle) || cycle < 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: pushRxFrame: cycle ${cycle} must be a non-negative integer`);
    const payload = new Uint8Array(WIRE_BYTES + data.length);
    encodeLinkWireFrame(view(payload), { port: 0, direction: 0, aborted: 0 });
    payload.set(data, WIRE_BYTES);
    this.send(LinkType.WIRE_FRAME, 0, 0, cycle, payload);
  }

  async resetDevice(): Promise<void> {
    await this.call(LinkType.RESET, LinkType.RESET, 'RESET', undefined, undefined, 0, (RESET_CYCLES / this.minCyclesPerSecond) * 1000);
  }

  traceStart(): void {
    throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: the simulator writes its waveform itself: start it with an FST path (startCocotbSim({ fst }) or flue-cocotb-sim --fst)`);
  }

  traceStop(): void {}

  counters(): LinkCounters {
    const s = this.stats;
    return {
      dmaReads: s.dmaReads, dmaWrites: s.dmaWrites, dmaErrors: s.dmaErrors, firstDmaError: s.firstDmaError,
      protocolErrors: s.protocolErrors, firstProtocolError: s.firstProtocolError, txAborted: s.txAborted,
    };
  }

  /** Messages each way, as the host counted them. */
  messageCounts(): { in: number; out: number } {
    return { in: this.stats.messagesIn, out: this.stats.messagesOut };
  }

  /** The bridge's counters (LINK_STATS): messages it received and sent. */
  async bridgeStats(): Promise<LinkStats> {
    const reply = await this.call(LinkType.LINK_STATS, LinkType.LINK_STATS, 'LINK_STATS');
    if (reply.payload.length !== LinkStatsLayout.size) throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: LINK_STATS of ${reply.payload.length} bytes`);
    return decodeLinkStats(view(reply.payload));
  }

  /** Closes the connection: the bridge ends its simulation. */
  async close(): Promise<void> {
    if (!this.closedBy) this.fail(new DeviceError(DeviceErrorCode.CLOSED, `${this.name} is closed`));
    if (!this.socket.destroyed) {
      await new Promise<void>((resolve) => {
        this.socket.once('close', () => resolve());
        this.socket.end();
        setTimeout(() => { this.socket.destroy(); resolve(); }, 1000).unref();
      });
    }
  }

  // ------------------------------------------------------------------ requests

  private async mmio(type: number, answer: number, addr: number, value: number): Promise<{ value: number }> {
    const what = `${type === LinkType.MMIO_READ ? 'read' : 'write'} of register ${hexAddr(addr)}`;
    checkRegisterAddress(this.name, addr);
    const payload = new Uint8Array(MMIO_BYTES);
    encodeLinkMmio(view(payload), { addr, value: value >>> 0, resp: 0 });
    const reply = await this.call(type, answer, what, payload, undefined, 0, (1000 / this.minCyclesPerSecond) * 1000);
    if (reply.payload.length !== MMIO_BYTES) throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${what}: ${linkTypeName(answer)} of ${reply.payload.length} bytes`);
    const m = decodeLinkMmio(view(reply.payload));
    if (m.resp === MMIO_NO_RESPONSE) {
      throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${what}: no response within 1000 cycles; the register block may be wedged: reset the device`);
    }
    if (m.resp !== 0) throw new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${what}: ${RESP_NAMES[m.resp & 3]} response`);
    return m;
  }

  /** One request, after the ones before it; resolves with its response. */
  private call(type: number, answer: number, what: string, payload?: Uint8Array, time = this.time, flags = 0, extraMs = 0): Promise<Message> {
    this.checkOpen();
    const run = (): Promise<Message> => new Promise<Message>((resolve, reject) => {
      if (this.closedBy) { reject(this.closedBy); return; }
      this.seq = (this.seq % 0xffff) + 1;
      this.pending = { answer, seq: this.seq, what, resolve, reject, deadline: Date.now() + this.timeoutMs + extraMs, extraMs };
      this.armWatchdog();
      this.send(type, flags, this.seq, time, payload);
    });
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private send(type: number, flags: number, seq: number, time: number, payload: Uint8Array = new Uint8Array(0)): void {
    const buf = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
    encodeLinkHeader(view(buf), { type, flags, seq, length: payload.length, time: BigInt(time) });
    buf.set(payload, HEADER_BYTES);
    this.stats.messagesOut++;
    this.socket.write(buf);
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const p = this.pending;
    if (!p) { this.watchdog = undefined; return; }
    this.watchdog = setTimeout(() => {
      if (this.pending !== p) return;
      if (Date.now() < p.deadline) { this.armWatchdog(); return; }
      this.fail(new DeviceError(DeviceErrorCode.TIMEOUT,
        `${this.name}: no answer to ${p.what} in ${Math.round(this.timeoutMs + p.extraMs)} ms with nothing from the simulator (is it stuck, or far slower than ${this.minCyclesPerSecond} cycles/s?)${this.exitNote()}; the link is closed`));
      this.socket.destroy();
    }, Math.min(MAX_TIMER_MS, Math.max(1, p.deadline - Date.now())));
    this.watchdog.unref?.();
  }

  // ------------------------------------------------------------------ what the simulator sends

  private received(chunk: Buffer): void {
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    let at = 0;
    while (this.rx.length - at >= HEADER_BYTES) {
      const h = decodeLinkHeader(view(this.rx), at);
      if (h.length > MAX_PAYLOAD) {
        this.fail(new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: the simulator sent a ${linkTypeName(h.type)} of ${h.length} payload bytes: not the flue socket link; the link is closed`));
        this.socket.destroy();
        return;
      }
      if (this.rx.length - at < HEADER_BYTES + h.length) break;
      const payload = this.rx.subarray(at + HEADER_BYTES, at + HEADER_BYTES + h.length);
      at += HEADER_BYTES + h.length;
      const m: Message = { type: h.type, flags: h.flags, seq: h.seq, time: Number(h.time), payload };
      this.stats.messagesIn++;
      if (m.time > this.time) this.time = m.time;
      if (this.pending) this.pending.deadline = Math.max(this.pending.deadline, Date.now() + this.timeoutMs);
      try {
        this.dispatch(m);
      } catch (e) {
        this.fail(e instanceof DeviceError ? e : new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: ${(e as Error).message}`, { cause: e }));
        this.socket.destroy();
        return;
      }
    }
    this.rx = at === this.rx.length ? Buffer.alloc(0) : this.rx.subarray(at);
  }

  private dispatch(m: Message): void {
    if (m.flags & FLAG_RESPONSE) {
      const p = this.pending;
      if (!p || m.seq !== p.seq) throw new Error(`a ${linkTypeName(m.type)} response to seq ${m.seq}, with ${p ? `seq ${p.seq}` : 'nothing'} outstanding`);
      this.pending = undefined;
      if (this.watchdog) clearTimeout(this.watchdog);
      if (m.type === LinkType.ERROR) {
        p.reject(new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: the simulator could not serve ${p.what}: ${new TextDecoder().decode(m.payload)}`));
      } else if (m.type !== p.answer) {
        p.reject(new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${this.name}: ${p.what} answered with ${linkTypeName(m.type)}, not ${linkTypeName(p.answer)}`));
      } else {
        p.resolve(m);
      }
      return;
    }
    switch (m.type) {
      case LinkType.IRQ:
        if (m.payload.length !== LinkIrqLayout.size) throw new Error(`an IRQ of ${m.payload.length} bytes`);
        this.irqPending |= decodeLinkIrq(view(m.payload)).vectors;
        return;
      case LinkType.WIRE_FRAME: {
        if (m.payload.length < WIRE_BYTES) throw new Error(`a WIRE_FRAME of ${m.payload.length} bytes`);
        const w = decodeLinkWireFrame(view(m.payload));
        if (w.aborted) this.stats.txAborted++;
        else this.txFrames.push({ data: new Uint8Array(m.payload.subarray(WIRE_BYTES)), cycle: m.time });
        return;
      }
      case LinkType.ERROR: {
        const text = new TextDecoder().decode(m.payload);
        if (this.stats.protocolErrors++ === 0) this.stats.firstProtocolError = text;
        return;
      }
      case LinkType.DMA_READ:
      case LinkType.DMA_WRITE:
        this.serveDma(m);
        return;
      default:
        throw new Error(`the simulator sent ${linkTypeName(m.type)}, which is not a request the host serves`);
    }
  }

  private serveDma(m: Message): void {
    const write = m.type === LinkType.DMA_WRITE;
    if (m.payload.length < DMA_BYTES) throw new Error(`a ${linkTypeName(m.type)} of ${m.payload.length} bytes`);
    const dma = decodeLinkDma(view(m.payload));
    const addr = Number(dma.addr);
    const data = m.payload.subarray(DMA_BYTES);
    let why: string | undefined;
    let mask: Uint8Array | undefined;
    if (dma.resp === DMA_REFUSED) {
      why = 'refused by the bridge (a burst that breaks the AXI rules; see the protocol errors)';
    } else if (write) {
      const maskBytes = dma.resp === DMA_WRITE_MASKED ? Math.ceil(dma.length / 8) : 0;
      if (data.length !== dma.length + maskBytes) throw new Error(`a DMA_WRITE of ${dma.length} bytes carrying ${data.length}`);
      if (maskBytes) mask = data.subarray(dma.length);
      why = this.unmapped(addr, dma.length, mask);
    } else {
      why = this.unmapped(addr, dma.length);
    }
    if (why !== undefined) {
      if (this.stats.dmaErrors++ === 0) this.stats.firstDmaError = `cycle ${m.time}: ${write ? 'write' : 'read'} of ${dma.length} bytes at ${hexAddr(addr)}: ${why}`;
    }
    const resp = why === undefined ? 0 : 2;
    let out: Uint8Array;
    if (write) {
      this.stats.dmaWrites++;
      if (resp === 0 && dma.length > 0) {
        const dst = this.memory.view(addr, dma.length).bytes;
        if (!mask) dst.set(data.subarray(0, dma.length));
        else for (let i = 0; i < dma.length; i++) if (mask[i >> 3]! & (1 << (i & 7))) dst[i] = data[i]!;
      }
      out = new Uint8Array(DMA_BYTES);
    } else {
      this.stats.dmaReads++;
      out = new Uint8Array(DMA_BYTES + (resp === 0 ? dma.length : 0));
      if (resp === 0) out.set(this.memory.view(addr, dma.length).bytes, DMA_BYTES);
    }
    encodeLinkDma(view(out), { addr: dma.addr, length: dma.length, tag: dma.tag, resp });
    this.send(write ? LinkType.DMA_WRITE_ACK : LinkType.DMA_READ_REPLY, FLAG_RESPONSE, m.seq, this.time, out);
  }

  /** why the bytes of [addr, addr+length) (those the mask sets) may not be touched, or undefined */
  private unmapped(addr: number, length: number, mask?: Uint8Array): string | undefined {
    if (length === 0) return undefined;
    if (!mask) return this.gap(addr, addr + length);
    let i = 0;
    while (i < length) {
      while (i < length && !(mask[i >> 3]! & (1 << (i & 7)))) i++;
      const start = i;
      while (i < length && mask[i >> 3]! & (1 << (i & 7))) i++;
      if (i > start) {
        const why = this.gap(addr + start, addr + i);
        if (why) return why;
      }
    }
    return undefined;
  }

  private gap(addr: number, end: number): string | undefined {
    if (addr < this.memory.base || end - this.memory.base > this.memory.size) return `outside host memory ${hexAddr(this.memory.base)}+${this.memory.size}`;
    return this.mapped.unmappedIn(addr, end);
  }

  // ------------------------------------------------------------------ ending

  private exitNote(): string {
    const d = this.describeExit?.();
    return d ? ` (simulator: ${d})` : '';
  }

  private lost(why: string): void {
    if (this.closedBy || this.losing) return;
    this.losing = true;
    // the socket closes a moment before the process's exit is reported: wait for it briefly,
    // so the message can say what became of the simulator
    const settle = this.describeExit && !this.describeExit() ? 300 : 0;
    setTimeout(() => this.failLost(why), settle).unref?.();
  }

  private failLost(why: string): void {
    if (this.closedBy) return;
    const p = this.pending;
    this.fail(new DeviceError(DeviceErrorCode.CLOSED, `${this.name}: ${why}${p ? ` while ${p.what} was outstanding` : ''}${this.exitNote()}`));
  }

  private fail(e: DeviceError): void {
    if (!this.closedBy) this.closedBy = e;
    if (this.watchdog) clearTimeout(this.watchdog);
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  private checkOpen(): void {
    if (this.closedBy) throw this.closedBy;
  }
}

/** Connects to unix:/path or tcp:HOST:PORT, retrying while nothing listens yet. */
async function openSocket(address: string, timeoutMs: number, name: string): Promise<Socket> {
  let target: { path: string } | { host: string; port: number };
  if (address.startsWith('unix:') && address.length > 5) {
    target = { path: address.slice(5) };
  } else {
    const m = /^tcp:(.+):(\d+)$/.exec(address);
    if (!m) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${name}: address '${address}' is neither unix:/path nor tcp:HOST:PORT`);
    target = { host: m[1]!, port: Number(m[2]) };
  }
  const until = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = netConnect(target as { path: string });
        s.once('connect', () => { s.removeAllListeners('error'); resolve(s); });
        s.once('error', reject);
      });
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() >= until) throw new DeviceError(DeviceErrorCode.CLOSED, `${name}: nothing accepted a connection in ${timeoutMs} ms (${last}); is the simulator running (make cocotb-sim; testbench/cocotb/flue-cocotb-sim)?`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
