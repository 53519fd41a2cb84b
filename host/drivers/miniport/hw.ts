/**
 * HW: the miniport's view of the device's queues. Descriptors and completion entries are
 * written and read through the generated layouts; nothing here restates an offset.
 */
import {
  CPL_ENTRY_BYTES, CplEntryLayout, REQ_ENTRY_BYTES, ReqDescLayout,
} from '../../../protocol/generated/contract.js';
import type { DmaBuffer } from '../../device/memory.js';

/** A request as the miniport posts it. */
export interface RequestFields {
  opcode: number;
  flags: number;
  tag: number;
  addr: number;
  length: number;
  conn: number;
  param: number;
}

/** A completion or event entry as read from the ring. */
export interface CompletionFields {
  kind: number;
  opcode: number;
  status: number;
  tag: number;
  length: number;
  conn: number;
  reqHead: number;
  info: number;
  timestamp: number;
}

const D = ReqDescLayout;
const C = CplEntryLayout;

function setU64(view: DataView, at: number, v: number): void {
  view.setUint32(at, v >>> 0, true);
  view.setUint32(at + 4, Math.floor(v / 2 ** 32) >>> 0, true);
}

function getU64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

/**
 * The request ring: the host produces at `tail`, the device consumes at `head`. The host
 * learns the head from each completion entry (reqHead), so the fast path reads no register.
 */
export class RequestRing {
  readonly size: number;
  tail = 0;
  /** last consumer index the device reported */
  head = 0;
  private doorbellDue = false;

  constructor(readonly mem: DmaBuffer, readonly sizeLog2: number) {
    this.size = 1 << sizeLog2;
    if (mem.length < this.size * REQ_ENTRY_BYTES) throw new RangeError('request ring memory too small');
  }

  /** entries the host may still fill (one slot stays empty to tell full from empty) */
  get space(): number {
    return this.size - 1 - ((this.tail - this.head + this.size) % this.size);
  }

  /** Writes one descriptor at tail; false when the ring is full. */
  post(r: RequestFields): boolean {
    if (this.space === 0) return false;
    const v = this.mem.view;
    const at = this.tail * REQ_ENTRY_BYTES;
    v.setUint8(at + D.opcode.offset, r.opcode);
    v.setUint8(at + D.flags.offset, r.flags);
    v.setUint16(at + D.reserved0.offset, 0, true);
    v.setUint32(at + D.tag.offset, r.tag >>> 0, true);
    setU64(v, at + D.addr.offset, r.addr);
    v.setUint32(at + D.length.offset, r.length >>> 0, true);
    v.setUint32(at + D.conn.offset, r.conn >>> 0, true);
    setU64(v, at + D.param.offset, r.param);
    this.tail = (this.tail + 1) % this.size;
    this.doorbellDue = true;
    return true;
  }

  /** The new tail to ring, once per batch, or undefined if nothing was posted. */
  takeDoorbell(): number | undefined {
    if (!this.doorbellDue) return undefined;
    this.doorbellDue = false;
    return this.tail;
  }

  reset(): void {
    this.tail = 0;
    this.head = 0;
    this.doorbellDue = false;
    this.mem.bytes.fill(0);
  }
}

/**
 * The completion ring: the device produces entries with a phase bit that flips on each
 * pass; the host consumes at `head` while the phase matches what it expects.
 */
export class CompletionRing {
  readonly size: number;
  head = 0;
  phase = 1;
  private consumedSinceDoorbell = 0;

  constructor(readonly mem: DmaBuffer, readonly sizeLog2: number) {
    this.size = 1 << sizeLog2;
    if (mem.length < this.size * CPL_ENTRY_BYTES) throw new RangeError('completion ring memory too small');
  }

  /** The entry at head if the device has written it, without consuming it. */
  peek(): CompletionFields | undefined {
    const v = this.mem.view;
    const at = this.head * CPL_ENTRY_BYTES;
    if ((v.getUint8(at + C.phase.offset) & 1) !== this.phase) return undefined;
    return {
      kind: v.getUint8(at + C.kind.offset),
      opcode: v.getUint8(at + C.opcode.offset),
      status: v.getUint8(at + C.status.offset),
      tag: v.getUint32(at + C.tag.offset, true),
      length: v.getUint32(at + C.length.offset, true),
      conn: v.getUint32(at + C.conn.offset, true),
      reqHead: v.getUint16(at + C.reqHead.offset, true),
      info: v.getUint32(at + C.info.offset, true),
      timestamp: getU64(v, at + C.timestamp.offset),
    };
  }

  /** Consumes the entry at head. */
  advance(): void {
    this.head++;
    if (this.head === this.size) {
      this.head = 0;
      this.phase ^= 1;
    }
    this.consumedSinceDoorbell++;
  }

  /** The head to ring back to the device, once per batch, or undefined. */
  takeDoorbell(): number | undefined {
    if (this.consumedSinceDoorbell === 0) return undefined;
    this.consumedSinceDoorbell = 0;
    return this.head;
  }

  reset(): void {
    this.head = 0;
    this.phase = 1;
    this.consumedSinceDoorbell = 0;
    this.mem.bytes.fill(0);
  }
}

/**
 * Outstanding requests by tag. A tag is a slot number plus a generation, so a completion
 * for a slot that was already completed and reused is recognised as stale.
 */
export class RequestTable<T> {
  private readonly slots: (T | undefined)[] = [];
  private readonly generation: number[] = [];
  private readonly freeSlots: number[] = [];
  private live = 0;

  static readonly SLOT_BITS = 20;

  get outstanding(): number {
    return this.live;
  }

  add(value: T): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slots.length;
      if (slot >= 1 << RequestTable.SLOT_BITS) throw new RangeError('more than 2^20 outstanding requests');
      this.slots.push(undefined);
      this.generation.push(0);
    }
    this.slots[slot] = value;
    this.live++;
    return ((this.generation[slot]! << RequestTable.SLOT_BITS) | slot) >>> 0;
  }

  /** Removes and returns the request for a tag, or undefined for an unknown or stale tag. */
  take(tag: number): T | undefined {
    const slot = tag & ((1 << RequestTable.SLOT_BITS) - 1);
    const gen = tag >>> RequestTable.SLOT_BITS;
    if (slot >= this.slots.length || this.generation[slot] !== gen) return undefined;
    const v = this.slots[slot];
    if (v === undefined) return undefined;
    this.slots[slot] = undefined;
    this.generation[slot] = (gen + 1) & 0xfff;
    this.freeSlots.push(slot);
    this.live--;
    return v;
  }

  /** Removes and returns every outstanding request (reset). */
  drain(): T[] {
    const out: T[] = [];
    for (let s = 0; s < this.slots.length; s++) {
      const v = this.slots[s];
      if (v !== undefined) {
        out.push(v);
        this.slots[s] = undefined;
        this.generation[s] = (this.generation[s]! + 1) & 0xfff;
        this.freeSlots.push(s);
      }
    }
    this.live = 0;
    return out;
  }
}
