/**
 * The in-process Verilator backend: the NIC model runs in this process and reads and writes
 * host memory in place.
 */
import { CORE_CLOCK_HZ } from '../../../protocol/generated/contract.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { DeviceLink, LinkCounters, WireFrame } from '../link.js';
import { HostMemory } from '../memory.js';
import { loadNicModel, type NativeNicModel } from './native.js';

export interface VerilatorLinkOptions {
  /** instance name for messages */
  name?: string;
  /** bytes of host memory (default 16 MiB) */
  memorySize?: number;
  /** host-physical address of host memory (default 4 GiB) */
  memoryBase?: number;
  /** cycles from a DMA read request to its first data (default 16) */
  readLatency?: number;
  /**
   * the rate the host takes the model's cycles to run at (default CORE_CLOCK_HZ): in real-time
   * mode the pace (RealTimePacer.cyclesPerSecond), so that host and card timers count the peer's
   * milliseconds
   */
  clockHz?: number;
}

const RESET_CYCLES = 16;

export class VerilatorLink implements DeviceLink {
  readonly name: string;
  readonly clockHz: number;
  readonly memory: HostMemory;
  private model: NativeNicModel | undefined;
  private readonly mapped: { addr: number; length: number }[] = [];

  constructor(options: VerilatorLinkOptions = {}) {
    this.name = `verilator:${options.name ?? 'nic'}`;
    this.clockHz = options.clockHz ?? CORE_CLOCK_HZ;
    if (!Number.isFinite(this.clockHz) || this.clockHz <= 0) throw new RangeError(`${this.name}: clockHz must be a positive number, got ${this.clockHz}`);
    this.memory = new HostMemory(options.memorySize ?? 16 * 1024 * 1024, options.memoryBase);
    const NicModel = loadNicModel();
    this.model = new NicModel({
      memory: this.memory.buffer,
      memoryBase: this.memory.base,
      ...(options.readLatency !== undefined ? { readLatency: options.readLatency } : {}),
    });
    this.model.reset(RESET_CYCLES);
  }

  private get m(): NativeNicModel {
    if (!this.model) throw new DeviceError(DeviceErrorCode.CLOSED, `${this.name} is closed`);
    return this.model;
  }

  get now(): number {
    return this.m.cycle;
  }

  mmioRead(addr: number): Promise<number> {
    try {
      return Promise.resolve(this.m.mmioRead(addr));
    } catch (e) {
      return Promise.reject(this.wrap(e, `register read at 0x${addr.toString(16)}`));
    }
  }

  mmioWrite(addr: number, value: number): Promise<void> {
    try {
      this.m.mmioWrite(addr, value >>> 0);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(this.wrap(e, `register write at 0x${addr.toString(16)}`));
    }
  }

  /** Synchronous forms for the in-process fast path (benchmarks, the scheduler). */
  mmioReadSync(addr: number): number {
    return this.m.mmioRead(addr);
  }

  mmioWriteSync(addr: number, value: number): void {
    this.m.mmioWrite(addr, value >>> 0);
  }

  advance(cycles: number, stopOnIrq: boolean): Promise<number> {
    try {
      return Promise.resolve(this.m.run(cycles, stopOnIrq));
    } catch (e) {
      return Promise.reject(this.wrap(e, 'run'));
    }
  }

  advanceSync(cycles: number, stopOnIrq: boolean): number {
    return this.m.run(cycles, stopOnIrq);
  }

  takeIrqs(): number {
    return this.m.takeIrqs();
  }

  irqCounts(): number[] {
    return this.m.irqCounts();
  }

  mapDma(addr: number, length: number): void {
    this.memory.view(addr, length); // throws a DeviceError outside host memory
    this.m.mapDma(addr, length);
    this.mapped.push({ addr, length });
  }

  unmapDma(addr: number, length: number): void {
    this.m.unmapDma(addr, length);
    const i = this.mapped.findIndex((r) => r.addr === addr && r.length === length);
    if (i >= 0) this.mapped.splice(i, 1);
  }

  /** The ranges the device may reach now. */
  mappedRegions(): readonly { addr: number; length: number }[] {
    return this.mapped;
  }

  takeTxFrames(): WireFrame[] {
    return this.m.takeTxFrames();
  }

  pushRxFrame(data: Uint8Array, cycle: number): void {
    this.m.pushRxFrame(data, cycle);
  }

  get rxQueued(): number {
    return this.m.rxQueued;
  }

  resetDevice(): Promise<void> {
    this.m.reset(RESET_CYCLES);
    return Promise.resolve();
  }

  traceStart(path: string): void {
    this.m.traceStart(path);
  }

  traceStop(): void {
    this.m.traceStop();
  }

  counters(): LinkCounters {
    const c = this.m.counters();
    return {
      dmaReads: c.axiReads,
      dmaWrites: c.axiWrites,
      dmaErrors: c.axiErrors,
      firstDmaError: c.firstAxiError,
      protocolErrors: c.protocolErrors,
      firstProtocolError: c.firstProtocolError,
      txAborted: c.txAborted,
    };
  }

  close(): Promise<void> {
    if (this.model) {
      this.model.close();
      this.model = undefined;
    }
    return Promise.resolve();
  }

  private wrap(e: unknown, what: string): Error {
    if (e instanceof DeviceError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/closed/i.test(msg)) return new DeviceError(DeviceErrorCode.CLOSED, `${this.name}: ${what}: ${msg}`, { cause: e });
    return new DeviceError(DeviceErrorCode.MMIO_FAILED, `${this.name}: ${what} failed: ${msg}`, { cause: e });
  }
}
