/**
 * A mock device link for unit tests of the layers above the device: registers are plain
 * storage, time advances as asked, interrupts and transmitted frames are scripted by the
 * test. State is per instance (no module-level maps), so tests can run in parallel.
 * Every behaviour an issue names is proven against the real RTL, not this.
 */
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { DeviceLink, LinkCounters, WireFrame } from '../link.js';
import { HostMemory } from '../memory.js';

export class MockLink implements DeviceLink {
  readonly clockHz = 156_250_000;
  readonly memory = new HostMemory(1 << 20);
  readonly registers = new Map<number, number>();
  readonly received: WireFrame[] = [];
  readonly mapped: [number, number][] = [];
  private time = 0;
  private irqAt: { cycle: number; vectors: number }[] = [];
  private firedIrqs = 0;
  private tx: WireFrame[] = [];
  private closed = false;
  /** cycles one register access takes */
  mmioCycles = 4;

  constructor(readonly name = 'mock') {}

  get now(): number {
    return this.time;
  }

  /** The device will raise `vectors` at `cycle`. */
  raiseAt(cycle: number, vectors: number): void {
    this.irqAt.push({ cycle, vectors });
    this.irqAt.sort((a, b) => a.cycle - b.cycle);
  }

  /** The device will have sent `data` at `cycle` (visible once time passes it). */
  transmitAt(cycle: number, data: Uint8Array): void {
    this.tx.push({ cycle, data });
  }

  private check(): void {
    if (this.closed) throw new DeviceError(DeviceErrorCode.CLOSED, `${this.name} is closed`);
  }

  mmioRead(addr: number): Promise<number> {
    this.check();
    this.time += this.mmioCycles;
    return Promise.resolve(this.registers.get(addr) ?? 0);
  }

  mmioWrite(addr: number, value: number): Promise<void> {
    this.check();
    this.time += this.mmioCycles;
    this.registers.set(addr, value >>> 0);
    return Promise.resolve();
  }

  advance(cycles: number, stopOnIrq: boolean): Promise<number> {
    this.check();
    const end = this.time + cycles;
    const next = this.irqAt[0];
    if (stopOnIrq && next && next.cycle < end) {
      const ran = Math.max(0, next.cycle + 1 - this.time);
      this.time = Math.max(this.time, next.cycle + 1);
      this.firedIrqs |= next.vectors;
      this.irqAt.shift();
      return Promise.resolve(ran);
    }
    while (this.irqAt[0] && this.irqAt[0].cycle < end) this.firedIrqs |= this.irqAt.shift()!.vectors;
    this.time = end;
    return Promise.resolve(cycles);
  }

  takeIrqs(): number {
    const v = this.firedIrqs;
    this.firedIrqs = 0;
    return v;
  }

  mapDma(addr: number, length: number): void {
    this.mapped.push([addr, length]);
  }

  unmapDma(addr: number, length: number): void {
    const i = this.mapped.findIndex(([a, l]) => a === addr && l === length);
    if (i < 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `unmapDma of a range never mapped`);
    this.mapped.splice(i, 1);
  }

  takeTxFrames(): WireFrame[] {
    const out = this.tx.filter((f) => f.cycle < this.time);
    this.tx = this.tx.filter((f) => f.cycle >= this.time);
    return out;
  }

  pushRxFrame(data: Uint8Array, cycle: number): void {
    this.received.push({ data, cycle });
  }

  /** frames pushed for a cycle not reached yet (the mock's wire takes a frame at its cycle) */
  get rxQueued(): number {
    return this.received.filter((r) => r.cycle > this.time).length;
  }

  resetDevice(): Promise<void> {
    this.registers.clear();
    return Promise.resolve();
  }

  traceStart(): void {}
  traceStop(): void {}

  counters(): LinkCounters {
    return { dmaReads: 0, dmaWrites: 0, dmaErrors: 0, firstDmaError: '', protocolErrors: 0, firstProtocolError: '', txAborted: 0 };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
