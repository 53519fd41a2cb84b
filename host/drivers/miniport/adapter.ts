/**
 * The miniport adapter: owns the device. Initialization (identity, capabilities, rings,
 * interrupts), the interrupt service routine and the DPC that drains the completion ring,
 * reset and re-initialization, halt. The plain-frame data path lives in datapath.ts.
 *
 * One state enum, one transition function that checks the prior state (STYLE.md §2).
 */
import {
  CONTRACT_VERSION, CAPS_FIELDS, CplStatus, CTRL_FIELDS, CPL_ENTRY_BYTES, EntryKind, FaultCause,
  ID_MAGIC, IRQ_VEC_COMPLETION, IRQ_VEC_FAULT, Opcode, REQ_ENTRY_BYTES, Reg, RING_MAX_LOG2,
  RING_MIN_LOG2, STATUS_FIELDS, VERSION_FIELDS, cplStatusName, opcodeName,
} from '../../../protocol/generated/contract.js';
import { DeviceError, DeviceErrorCode } from '../../device/errors.js';
import type { DeviceLink } from '../../device/link.js';
import type { DmaBuffer } from '../../device/memory.js';
import { CompletionRing, RequestRing, RequestTable, type CompletionFields, type RequestFields } from './hw.js';
import { PlainDatapath, type PlainDatapathOptions } from './datapath.js';

export const AdapterState = Object.freeze({
  HALTED: 'halted',
  INITIALIZING: 'initializing',
  RUNNING: 'running',
  RESETTING: 'resetting',
  /** a fatal device fault: only reset() leaves this state */
  FAILED: 'failed',
} as const);
export type AdapterState = (typeof AdapterState)[keyof typeof AdapterState];

const LEGAL: Record<AdapterState, readonly AdapterState[]> = {
  halted: ['initializing'],
  initializing: ['running', 'halted', 'failed'],
  running: ['resetting', 'halted', 'failed'],
  resetting: ['running', 'failed', 'halted'],
  failed: ['resetting', 'halted'],
};

export class AdapterStateError extends Error {
  override readonly name = 'AdapterStateError';
  readonly code = 'FLUE_ADAPTER_STATE';
}

/** What initialize() read from the device. */
export interface DeviceIdentity {
  id: number;
  versionMajor: number;
  versionMinor: number;
  l2: boolean;
  toe: boolean;
  irqModeration: boolean;
  irqVectors: number;
  dmaBytes: number;
  ringMaxLog2: number;
  maxConns: number;
  maxFrame: number;
  /** send and graceful-disconnect requests the TOE holds at once, all connections (0: no TOE, or a card that does not say) */
  sendEntries: number;
}

export interface InterruptModeration {
  /** fire after this many entries (1 = every entry) */
  count: number;
  /** fire this many cycles after the first pending entry (0 = no time limit) */
  timeCycles: number;
  /**
   * fire once no entry has come for this many cycles (0 or omitted = off): a burst's last
   * entries reach the host this long after it ends instead of timeCycles after it began
   */
  idleCycles?: number;
}

export interface MiniportOptions extends PlainDatapathOptions {
  /** request ring entries, log2 (default 8) */
  reqRingLog2?: number;
  /** completion ring entries, log2 (default 10) */
  cplRingLog2?: number;
  /** completion vector moderation (default: every entry) */
  moderation?: InterruptModeration;
  /** interface MAC address (6 bytes) */
  mac?: Uint8Array;
  /** entries the DPC handles before it yields (default: the ring size) */
  dpcBudget?: number;
}

/** A fault the device reported through FAULT_CAUSE. */
export interface DeviceFault {
  cause: number;
  addr: number;
  cycle: number;
}

/** A request posted through postRequest(), completed by the DPC. */
export type RawRequest = Omit<RequestFields, 'tag'>;

type Pending =
  | { kind: 'raw'; opcode: number; resolve: (c: CompletionFields) => void }
  | { kind: 'plain-send'; token: number }
  | { kind: 'plain-recv'; token: number };

export interface AdapterCounters {
  interrupts: number;
  interruptsByVector: number[];
  dpcRuns: number;
  completions: number;
  /** completion entries whose tag named no outstanding request */
  unknownCompletions: number;
  /** entries of a kind this driver does not handle yet */
  unhandledEvents: number;
  doorbells: number;
}

/**
 * Requests that may overtake others waiting for ring space: receive buffers (plain and
 * offloaded), NIC buffers lent again and forwarded segments. None depends on a request posted
 * before it (a connection's receives and forwards follow its initiate's completion, and those
 * after a terminate are refused above the ring), and among themselves they keep their order.
 */
const RECEIVE_SIDE: ReadonlySet<number> = new Set([Opcode.L2_RECV_POST, Opcode.TCP_RECV_POST, Opcode.TCP_RECV_RETURN, Opcode.TCP_FORWARD]);

export class MiniportAdapter {
  private stateValue: AdapterState = AdapterState.HALTED;
  private identityValue: DeviceIdentity | undefined;
  private reqRing: RequestRing | undefined;
  private cplRing: CompletionRing | undefined;
  private readonly pending = new RequestTable<Pending>();
  /** requests waiting for request-ring space, posted in order by the DPC */
  private readonly backlog: { fields: RawRequest; entry: Pending }[] = [];
  /**
   * Receive-side requests waiting for ring space (RECEIVE_SIDE), posted in order by the DPC
   * before the backlog above: a buffer or a forward stuck behind thousands of sends leaves the
   * card nowhere to put what the peer sends meanwhile, and it drops it.
   */
  private readonly receiveBacklog: { fields: RawRequest; entry: Pending }[] = [];
  readonly faults: DeviceFault[] = [];
  readonly datapath: PlainDatapath;
  readonly counters: AdapterCounters = {
    interrupts: 0, interruptsByVector: [0, 0, 0, 0], dpcRuns: 0, completions: 0,
    unknownCompletions: 0, unhandledEvents: 0, doorbells: 0,
  };
  /** where EVENT entries go (the chimney half); counted as unhandled without one */
  private eventHandler: ((entry: CompletionFields) => void) | undefined;
  private readonly options: Required<Pick<MiniportOptions, 'reqRingLog2' | 'cplRingLog2' | 'moderation'>> & MiniportOptions;

  constructor(readonly link: DeviceLink, options: MiniportOptions = {}) {
    this.options = {
      reqRingLog2: 8,
      cplRingLog2: 10,
      moderation: { count: 1, timeCycles: 0 },
      ...options,
    };
    for (const [name, v] of [['reqRingLog2', this.options.reqRingLog2], ['cplRingLog2', this.options.cplRingLog2]] as const) {
      if (!Number.isInteger(v) || v < RING_MIN_LOG2 || v > RING_MAX_LOG2)
        throw new RangeError(`${name} ${v} must be an integer from ${RING_MIN_LOG2} to ${RING_MAX_LOG2}`);
    }
    // posted receive buffers complete only when frames arrive, so a fetched post reports no new
    // head for a long time; capped at half the ring, they can never fill it, and the requests in
    // the other half complete and report the head, so a backlog always drains
    const rx = options.rxBuffers ?? 64;
    if (rx > (1 << this.options.reqRingLog2) / 2)
      throw new RangeError(`rxBuffers ${rx} exceeds half the request ring (2^${this.options.reqRingLog2} entries); raise reqRingLog2`);
    this.datapath = new PlainDatapath(this, options);
  }

  get state(): AdapterState {
    return this.stateValue;
  }

  get identity(): DeviceIdentity {
    if (!this.identityValue) throw new AdapterStateError('the adapter has not been initialized');
    return this.identityValue;
  }

  /** requests posted and not yet completed, plus those waiting for ring space */
  get outstanding(): number {
    return this.pending.outstanding;
  }

  /** Routes the device's EVENT entries (disconnect, abort, retrieve, ...) to a handler. */
  onEvent(handler: (entry: CompletionFields) => void): void {
    this.eventHandler = handler;
  }

  get running(): boolean {
    return this.stateValue === AdapterState.RUNNING;
  }

  get requestRing(): RequestRing | undefined {
    return this.reqRing;
  }

  get completionRing(): CompletionRing | undefined {
    return this.cplRing;
  }

  private transition(to: AdapterState): void {
    if (!LEGAL[this.stateValue].includes(to))
      throw new AdapterStateError(`adapter cannot go from ${this.stateValue} to ${to}`);
    this.stateValue = to;
  }

  // ------------------------------------------------------------------ lifecycle

  /** MiniportInitializeEx: identify the device, allocate and program rings, enable interrupts. */
  async initialize(): Promise<DeviceIdentity> {
    this.transition(AdapterState.INITIALIZING);
    try {
      const link = this.link;
      const id = await link.mmioRead(Reg.ID);
      if (id !== ID_MAGIC)
        throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${link.name}: ID register reads 0x${id.toString(16)}, not a flue NIC (0x${ID_MAGIC.toString(16)})`);
      const version = await link.mmioRead(Reg.VERSION);
      const major = field(version, VERSION_FIELDS.MAJOR);
      if (major !== CONTRACT_VERSION.major)
        throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${link.name}: contract version ${major}.x, this driver speaks ${CONTRACT_VERSION.major}.x; rebuild the RTL and host from the same protocol/`);
      const caps = await link.mmioRead(Reg.CAPS);
      this.identityValue = {
        id,
        versionMajor: major,
        versionMinor: field(version, VERSION_FIELDS.MINOR),
        l2: field(caps, CAPS_FIELDS.L2) === 1,
        toe: field(caps, CAPS_FIELDS.TOE) === 1,
        irqModeration: field(caps, CAPS_FIELDS.IRQ_MODERATION) === 1,
        irqVectors: field(caps, CAPS_FIELDS.IRQ_VECTORS),
        dmaBytes: 1 << field(caps, CAPS_FIELDS.DMA_BYTES_LOG2),
        ringMaxLog2: field(caps, CAPS_FIELDS.RING_MAX_LOG2),
        maxConns: await link.mmioRead(Reg.MAX_CONNS),
        maxFrame: await link.mmioRead(Reg.MAX_FRAME),
        sendEntries: await link.mmioRead(Reg.SEND_ENTRIES),
      };
      if (!this.identityValue.l2)
        throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${link.name}: the device has no plain frame path`);
      if (this.options.reqRingLog2 > this.identityValue.ringMaxLog2 || this.options.cplRingLog2 > this.identityValue.ringMaxLog2)
        throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${link.name}: rings larger than the device's 2^${this.identityValue.ringMaxLog2}`);

      // a device left running (by a crashed host, say) starts from a clean slate
      const status = await link.mmioRead(Reg.STATUS);
      if (field(status, STATUS_FIELDS.ENABLED) === 1 || field(status, STATUS_FIELDS.FAULT) === 1) await this.softReset();

      if (!this.reqRing) {
        const reqMem = this.allocMapped((1 << this.options.reqRingLog2) * REQ_ENTRY_BYTES, 4096);
        const cplMem = this.allocMapped((1 << this.options.cplRingLog2) * CPL_ENTRY_BYTES, 4096);
        this.reqRing = new RequestRing(reqMem, this.options.reqRingLog2);
        this.cplRing = new CompletionRing(cplMem, this.options.cplRingLog2);
      }
      await this.programAndEnable();
      this.datapath.allocate();
      this.transition(AdapterState.RUNNING);
      this.datapath.start();
      await this.flushDoorbells();
      return this.identityValue;
    } catch (e) {
      this.stateValue = AdapterState.FAILED;
      throw e;
    }
  }

  private async programAndEnable(): Promise<void> {
    const link = this.link;
    const req = this.reqRing!;
    const cpl = this.cplRing!;
    req.reset();
    cpl.reset();
    await link.mmioWrite(Reg.REQ_BASE_LO, req.mem.addr >>> 0);
    await link.mmioWrite(Reg.REQ_BASE_HI, Math.floor(req.mem.addr / 2 ** 32));
    await link.mmioWrite(Reg.REQ_SIZE_LOG2, req.sizeLog2);
    await link.mmioWrite(Reg.CPL_BASE_LO, cpl.mem.addr >>> 0);
    await link.mmioWrite(Reg.CPL_BASE_HI, Math.floor(cpl.mem.addr / 2 ** 32));
    await link.mmioWrite(Reg.CPL_SIZE_LOG2, cpl.sizeLog2);
    const mac = this.options.mac;
    if (mac) {
      await link.mmioWrite(Reg.MAC_LO, (mac[0]! | (mac[1]! << 8) | (mac[2]! << 16) | (mac[3]! << 24)) >>> 0);
      await link.mmioWrite(Reg.MAC_HI, mac[4]! | (mac[5]! << 8));
    }
    await this.setModeration(this.options.moderation);
    await link.mmioWrite(Reg.IRQ_MOD_COUNT_1, 1);
    await link.mmioWrite(Reg.IRQ_MOD_TIME_1, 0);
    await link.mmioWrite(Reg.IRQ_MOD_IDLE_1, 0);
    const vectors = (1 << IRQ_VEC_COMPLETION) | (1 << IRQ_VEC_FAULT);
    await link.mmioWrite(Reg.IRQ_STATUS, 0xffffffff);
    await link.mmioWrite(Reg.IRQ_MASK, ~vectors >>> 0 & 0xf);
    await link.mmioWrite(Reg.IRQ_ARM, vectors);
    await link.mmioWrite(Reg.CTRL, CTRL_FIELDS.ENABLE.mask);
    const status = await link.mmioRead(Reg.STATUS);
    if (field(status, STATUS_FIELDS.ENABLED) !== 1) {
      const cause = await link.mmioRead(Reg.FAULT_CAUSE);
      throw new DeviceError(DeviceErrorCode.INCOMPATIBLE, `${link.name}: queues did not enable (STATUS 0x${status.toString(16)}, FAULT_CAUSE 0x${cause.toString(16)})`);
    }
  }

  /** Changes the completion vector's moderation while running. */
  async setModeration(m: InterruptModeration): Promise<void> {
    const idle = m.idleCycles ?? 0;
    const u32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
    if (!u32(m.count) || !u32(m.timeCycles) || !u32(idle))
      throw new RangeError(`moderation ${JSON.stringify(m)}: count, timeCycles and idleCycles must be integers from 0 to 2^32-1`);
    await this.link.mmioWrite(Reg.IRQ_MOD_COUNT_0, m.count);
    await this.link.mmioWrite(Reg.IRQ_MOD_TIME_0, m.timeCycles);
    await this.link.mmioWrite(Reg.IRQ_MOD_IDLE_0, idle);
  }

  /** Writes CTRL.SOFT_RESET and waits (in simulated time) for READY. */
  private async softReset(): Promise<void> {
    await this.link.mmioWrite(Reg.CTRL, CTRL_FIELDS.SOFT_RESET.mask);
    for (let i = 0; i < 10_000; i++) {
      const status = await this.link.mmioRead(Reg.STATUS);
      if (field(status, STATUS_FIELDS.READY) === 1 && field(status, STATUS_FIELDS.ENABLED) === 0) return;
      await this.link.advance(16, false);
    }
    throw new DeviceError(DeviceErrorCode.TIMEOUT, `${this.link.name}: device did not come out of soft reset`);
  }

  /**
   * MiniportResetEx: soft-reset the device, fail every outstanding request with ABORTED,
   * re-program the rings and resume. Sends waiting for ring space are failed too.
   */
  async reset(): Promise<void> {
    this.transition(AdapterState.RESETTING);
    try {
      await this.softReset();
      this.abortAll();
      await this.link.mmioWrite(Reg.IRQ_STATUS, 0xffffffff);
      this.link.takeIrqs();
      await this.programAndEnable();
      this.transition(AdapterState.RUNNING);
      this.datapath.start();
      await this.flushDoorbells();
    } catch (e) {
      this.stateValue = AdapterState.FAILED;
      throw e;
    }
  }

  /** MiniportHaltEx: stop the device, fail what is outstanding, unmap and free memory. */
  async halt(): Promise<void> {
    this.transition(AdapterState.HALTED);
    await this.softReset();
    this.abortAll();
    this.datapath.free();
    for (const ring of [this.reqRing, this.cplRing]) {
      if (ring) this.freeMapped(ring.mem);
    }
    this.reqRing = undefined;
    this.cplRing = undefined;
  }

  private abortAll(): void {
    const aborted = [...this.pending.drain(), ...this.receiveBacklog.splice(0).map((b) => b.entry), ...this.backlog.splice(0).map((b) => b.entry)];
    for (const p of aborted) this.completePending(p, abortedCompletion(p));
  }

  // ------------------------------------------------------------------ memory

  /**
   * Allocates DMA memory and maps it for the device, in whole 64-byte lines as drivers do: a
   * DMA read fetches whole bus beats, and a beat reaching past the mapping is a fault.
   */
  allocMapped(length: number, align = DMA_LINE_BYTES): DmaBuffer {
    const buf = this.link.memory.alloc(Math.ceil(length / DMA_LINE_BYTES) * DMA_LINE_BYTES, Math.max(align, DMA_LINE_BYTES));
    this.link.mapDma(buf.addr, buf.length);
    return buf;
  }

  /**
   * Maps memory the driver did not allocate (an NBL's data, as NdisMAllocateNetBufferSGList
   * would) for the device, widened to whole 64-byte lines for the same reason as allocMapped.
   * Returns the range to hand back to unmapRange when the request completes; mappings may
   * overlap (two NBLs sharing a line).
   */
  mapRange(addr: number, length: number): { addr: number; length: number } {
    const start = Math.floor(addr / DMA_LINE_BYTES) * DMA_LINE_BYTES;
    const end = Math.ceil((addr + Math.max(length, 1)) / DMA_LINE_BYTES) * DMA_LINE_BYTES;
    const range = { addr: start, length: end - start };
    this.link.mapDma(range.addr, range.length);
    return range;
  }

  unmapRange(range: { addr: number; length: number }): void {
    this.link.unmapDma(range.addr, range.length);
  }

  freeMapped(buf: DmaBuffer): void {
    this.link.unmapDma(buf.addr, buf.length);
    this.link.memory.release(buf);
  }

  // ------------------------------------------------------------------ requests

  /**
   * Posts one descriptor and resolves with its completion entry. For tests and the control
   * path; the data path posts through postInternal without a promise per request.
   */
  postRequest(fields: RawRequest): Promise<CompletionFields> {
    return new Promise((resolve) => this.postRequestWith(fields, resolve));
  }

  /**
   * Like postRequest, but `onComplete` runs inside the DPC, in completion-ring order with the
   * events around it (a target whose receive completions and indications must reach the host
   * in the card's order). If the adapter is not running it runs at once, with ABORTED.
   */
  postRequestWith(fields: RawRequest, onComplete: (c: CompletionFields) => void): void {
    this.postInternal(fields, { kind: 'raw', opcode: fields.opcode, resolve: onComplete });
  }

  /** @internal posts or backlogs; the caller flushes doorbells */
  postInternal(fields: RawRequest, entry: Pending): void {
    if (this.stateValue !== AdapterState.RUNNING) {
      this.completePending(entry, abortedCompletion(entry));
      return;
    }
    if (RECEIVE_SIDE.has(fields.opcode)) {
      if (this.receiveBacklog.length > 0 || !this.tryPost(fields, entry)) this.receiveBacklog.push({ fields, entry });
      return;
    }
    if (this.backlog.length > 0 || this.receiveBacklog.length > 0 || !this.tryPost(fields, entry)) this.backlog.push({ fields, entry });
  }

  private tryPost(fields: RawRequest, entry: Pending): boolean {
    const ring = this.reqRing!;
    if (ring.space === 0) return false;
    const tag = this.pending.add(entry);
    ring.post({ ...fields, tag });
    return true;
  }

  /** Rings the request doorbell once for everything posted since the last call. */
  async flushDoorbells(): Promise<void> {
    const tail = this.reqRing?.takeDoorbell();
    if (tail !== undefined) {
      this.counters.doorbells++;
      await this.link.mmioWrite(Reg.REQ_TAIL, tail);
    }
  }

  private drainBacklog(): void {
    for (const queue of [this.receiveBacklog, this.backlog]) {
      while (queue.length > 0 && this.stateValue === AdapterState.RUNNING) {
        const b = queue[0]!;
        if (!this.tryPost(b.fields, b.entry)) return;
        queue.shift();
      }
    }
  }

  // ------------------------------------------------------------------ interrupts

  /** ISR then DPC: called by the scheduler with the vectors that fired. */
  async handleInterrupt(vectors: number): Promise<void> {
    this.counters.interrupts++;
    for (let v = 0; v < this.counters.interruptsByVector.length; v++) {
      if (vectors & (1 << v)) this.counters.interruptsByVector[v]!++;
    }
    if (vectors & (1 << IRQ_VEC_FAULT)) await this.faultDpc();
    if (vectors & (1 << IRQ_VEC_COMPLETION)) await this.completionDpc();
  }

  private async faultDpc(): Promise<void> {
    const cause = await this.link.mmioRead(Reg.FAULT_CAUSE);
    const lo = await this.link.mmioRead(Reg.FAULT_ADDR_LO);
    const hi = await this.link.mmioRead(Reg.FAULT_ADDR_HI);
    this.faults.push({ cause, addr: hi * 2 ** 32 + lo, cycle: this.link.now });
    await this.link.mmioWrite(Reg.FAULT_CAUSE, cause);
    if (cause & (FaultCause.CPL_WRITE | FaultCause.REQ_FETCH | FaultCause.RING_CONFIG)) {
      // the queues stopped: fail what is outstanding; only reset() recovers
      if (this.stateValue === AdapterState.RUNNING) this.stateValue = AdapterState.FAILED;
      this.abortAll();
    }
    await this.link.mmioWrite(Reg.IRQ_ARM, 1 << IRQ_VEC_FAULT);
  }

  /** Drains the completion ring, refills the request ring, rings doorbells, re-arms. */
  private async completionDpc(): Promise<void> {
    this.counters.dpcRuns++;
    const cpl = this.cplRing;
    if (!cpl) return;
    const budget = this.options.dpcBudget ?? cpl.size;
    for (let n = 0; n < budget; n++) {
      const entry = cpl.peek();
      if (!entry) break;
      cpl.advance();
      this.counters.completions++;
      // completion entries arrive in order, so their reqHead only moves forward; the register
      // is never read here: a read mixed with older entries could move the head backwards
      this.reqRing!.head = entry.reqHead;
      if (entry.kind !== EntryKind.COMPLETION) {
        if (this.eventHandler) this.eventHandler(entry);
        else this.counters.unhandledEvents++;
        continue;
      }
      const p = this.pending.take(entry.tag);
      if (!p) {
        this.counters.unknownCompletions++;
        continue;
      }
      this.completePending(p, entry);
    }
    this.drainBacklog();
    this.datapath.refill();
    const head = cpl.takeDoorbell();
    if (head !== undefined) await this.link.mmioWrite(Reg.CPL_HEAD, head);
    await this.flushDoorbells();
    if (this.stateValue === AdapterState.RUNNING || this.stateValue === AdapterState.FAILED)
      await this.link.mmioWrite(Reg.IRQ_ARM, 1 << IRQ_VEC_COMPLETION);
  }

  private completePending(p: Pending, c: CompletionFields): void {
    switch (p.kind) {
      case 'raw':
        p.resolve(c);
        break;
      case 'plain-send':
        this.datapath.sendCompleted(p.token, c);
        break;
      case 'plain-recv':
        this.datapath.receiveCompleted(p.token, c);
        break;
    }
  }

  /** Reads the device's statistics registers (slow path). */
  async readStats(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, offset] of Object.entries(Reg)) {
      if (name.startsWith('STAT_')) out[name] = await this.link.mmioRead(offset);
    }
    return out;
  }

  /** A short description of a completion for messages. */
  static describe(c: CompletionFields): string {
    return `${opcodeName(c.opcode)} tag ${c.tag}: ${cplStatusName(c.status)} length ${c.length}`;
  }
}

/** allocation granule of DMA memory: a cache line, at least one beat of any supported DMA width */
const DMA_LINE_BYTES = 64;

/** A field of a register value, by its generated position (VERSION_FIELDS, CAPS_FIELDS, ...). */
export function field(value: number, f: { lsb: number; width: number }): number {
  return Math.floor(value / 2 ** f.lsb) % 2 ** f.width;
}

/** The completion a request gets when the driver fails it itself (reset, halt, fatal fault). */
function abortedCompletion(p: Pending): CompletionFields {
  const opcode = p.kind === 'raw' ? p.opcode : p.kind === 'plain-send' ? Opcode.L2_SEND : Opcode.L2_RECV_POST;
  return {
    kind: EntryKind.COMPLETION, opcode, status: CplStatus.ABORTED, tag: 0, length: 0,
    conn: 0, reqHead: 0, info: 0, timestamp: 0,
  };
}
