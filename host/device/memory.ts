/**
 * Host memory that the device reaches by DMA: one ArrayBuffer that the simulator reads and
 * writes in place, at a host-physical base address. The device may touch only regions the
 * host mapped (see DeviceLink.mapDma); this class hands out buffers and tracks what is free.
 */
import { DeviceError, DeviceErrorCode } from './errors.js';

/** A piece of host memory: its host-physical address and a view on its bytes. */
export interface DmaBuffer {
  /** host-physical address of byte 0 */
  readonly addr: number;
  readonly length: number;
  /** the bytes, a view on the shared ArrayBuffer (no copy) */
  readonly bytes: Uint8Array;
  /** a DataView on the same bytes */
  readonly view: DataView;
}

interface FreeRange {
  offset: number;
  length: number;
}

/** True for the error alloc() throws when no free range fits (a caller may wait and retry). */
export function isHostMemoryExhausted(e: unknown): boolean {
  return e instanceof DeviceError && e.code === DeviceErrorCode.NO_MEMORY;
}

/** The default base puts host memory above 4 GiB so 64-bit addressing is exercised. */
export const DEFAULT_MEMORY_BASE = 0x1_0000_0000;

export class HostMemory {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  /** first-fit free list, sorted by offset, neighbours merged */
  private readonly free: FreeRange[];

  constructor(
    readonly size: number,
    readonly base: number = DEFAULT_MEMORY_BASE,
  ) {
    if (!Number.isSafeInteger(size) || size <= 0 || size > 2 ** 31)
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `host memory size ${size} must be 1 byte to 2 GiB`);
    if (!Number.isSafeInteger(base) || base <= 0 || base + size > 2 ** 48)
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `host memory base ${base} must be positive and end below 2^48`);
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
    this.free = [{ offset: 0, length: size }];
  }

  /** Allocates `length` bytes aligned to `align` (a power of two), zero-filled. */
  alloc(length: number, align = 64): DmaBuffer {
    if (!Number.isSafeInteger(length) || length <= 0)
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `allocation length ${length} must be a positive integer`);
    if (!Number.isSafeInteger(align) || align <= 0 || (align & (align - 1)) !== 0)
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `alignment ${align} must be a power of two`);
    for (let i = 0; i < this.free.length; i++) {
      const r = this.free[i]!;
      const start = alignUp(this.base + r.offset, align) - this.base;
      const waste = start - r.offset;
      if (waste + length > r.length) continue;
      const rest = r.length - waste - length;
      const replacement: FreeRange[] = [];
      if (waste > 0) replacement.push({ offset: r.offset, length: waste });
      if (rest > 0) replacement.push({ offset: start + length, length: rest });
      this.free.splice(i, 1, ...replacement);
      this.bytes.fill(0, start, start + length);
      return this.view(this.base + start, length);
    }
    throw new DeviceError(
      DeviceErrorCode.NO_MEMORY,
      `host memory exhausted: no free ${length}-byte range aligned to ${align} in ${this.size} bytes; create the device with more memory`,
    );
  }

  /** Bytes handed out and not yet released (leak checks in tests). */
  get used(): number {
    return this.size - this.free.reduce((n, r) => n + r.length, 0);
  }

  /** Returns a buffer from alloc() to the free list. */
  release(buf: DmaBuffer): void {
    const offset = buf.addr - this.base;
    if (offset < 0 || offset + buf.length > this.size)
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `buffer at ${hexAddr(buf.addr)} is not in this host memory`);
    let i = 0;
    while (i < this.free.length && this.free[i]!.offset < offset) i++;
    const prev = this.free[i - 1];
    const next = this.free[i];
    if ((prev && prev.offset + prev.length > offset) || (next && offset + buf.length > next.offset))
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `buffer at ${hexAddr(buf.addr)} released twice or never allocated`);
    this.free.splice(i, 0, { offset, length: buf.length });
    // merge with neighbours
    if (next && offset + buf.length === next.offset) {
      this.free[i]!.length += next.length;
      this.free.splice(i + 1, 1);
    }
    if (prev && prev.offset + prev.length === offset) {
      prev.length += this.free[i]!.length;
      this.free.splice(i, 1);
    }
  }

  /** A view on [addr, addr+length) without allocating; throws outside this memory. */
  view(addr: number, length: number): DmaBuffer {
    const offset = addr - this.base;
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.size)
      throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `range ${hexAddr(addr)}+${length} is outside host memory ${hexAddr(this.base)}+${this.size}`);
    return {
      addr,
      length,
      bytes: new Uint8Array(this.buffer, offset, length),
      view: new DataView(this.buffer, offset, length),
    };
  }

  /** Bytes still free (fragmentation not considered). */
  get freeBytes(): number {
    return this.free.reduce((n, r) => n + r.length, 0);
  }
}

function alignUp(v: number, align: number): number {
  return Math.ceil(v / align) * align;
}

export function hexAddr(addr: number): string {
  return '0x' + addr.toString(16);
}
