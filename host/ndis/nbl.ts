/**
 * NET_BUFFER_LIST / NET_BUFFER / MDL chains whose data lives in host (DMA) memory, the
 * NET_BUFFER_LIST info fields chimney uses, and NET_BUFFER_LIST_CONTEXT.
 *
 * Identity matters: NDIS passes "the same NBL pointer" up and down the stack, so these are
 * mutable objects compared by reference, never copied.
 */
import type { DmaBuffer, HostMemory } from '../device/memory.js';

/** A memory descriptor list entry: a run of bytes in host memory. */
export interface Mdl {
  next: Mdl | null;
  /** host-physical address of the first byte */
  readonly addr: number;
  readonly byteCount: number;
  /** the bytes (a view on host memory) */
  readonly bytes: Uint8Array;
}

export class NetBuffer {
  next: NetBuffer | null = null;
  /** first MDL of the chain */
  mdlChain: Mdl | null;
  /** MDL holding the first byte of data, and the offset in it */
  currentMdl: Mdl | null;
  currentMdlOffset: number;
  /** offset of the data start from the start of the MDL chain */
  dataOffset: number;
  dataLength: number;

  constructor(mdlChain: Mdl | null, dataOffset: number, dataLength: number) {
    this.mdlChain = mdlChain;
    this.dataOffset = dataOffset;
    this.dataLength = dataLength;
    const pos = locate(mdlChain, dataOffset);
    this.currentMdl = pos?.mdl ?? null;
    this.currentMdlOffset = pos?.offset ?? 0;
  }

  /** Total bytes described by the MDL chain. */
  get mdlBytes(): number {
    let n = 0;
    for (let m = this.mdlChain; m; m = m.next) n += m.byteCount;
    return n;
  }

  /** Copies the data bytes out (for software stacks and tests). */
  read(): Uint8Array {
    const out = new Uint8Array(this.dataLength);
    let done = 0;
    let m = this.currentMdl;
    let off = this.currentMdlOffset;
    while (m && done < this.dataLength) {
      const n = Math.min(m.byteCount - off, this.dataLength - done);
      out.set(m.bytes.subarray(off, off + n), done);
      done += n;
      m = m.next;
      off = 0;
    }
    return out;
  }
}

/** The NET_BUFFER_LIST_INFO slots chimney uses (ne-nblinfo-ndis_net_buffer_list_info). */
export interface NblInfo {
  /** bytes sent-and-acknowledged / received into the buffer, set by the target on completion */
  tcpOffloadBytesTransferred: number;
  /** receive posts: no-push semantics (complete only when full) */
  tcpReceiveNoPush: boolean;
  /** receive posts: bytes the host already put in the buffer */
  tcpReceiveBytesTransferred: number;
}

/** One NET_BUFFER_LIST_CONTEXT entry: who allocated it and what it holds. */
export interface NblContextEntry {
  readonly owner: string;
  readonly data: unknown;
}

export class NetBufferList {
  next: NetBufferList | null = null;
  firstNetBuffer: NetBuffer | null;
  status: number = 0;
  readonly info: NblInfo = { tcpOffloadBytesTransferred: 0, tcpReceiveNoPush: false, tcpReceiveBytesTransferred: 0 };
  /** NET_BUFFER_LIST_CONTEXT stack: a layer pushes on the way down and pops on the way back */
  private readonly contexts: NblContextEntry[] = [];
  /** NDIS-private: the binding that issued the request (set by the runtime on the way down) */
  ndisSource: unknown = null;
  /** NDIS-private: the runtime's outstanding entries for this NBL, one per level (NdisReserved) */
  ndisPending: unknown[] | null = null;
  /** owner-private areas, as MiniportReserved / ProtocolReserved */
  miniportReserved: unknown = null;
  protocolReserved: unknown = null;

  constructor(firstNetBuffer: NetBuffer | null) {
    this.firstNetBuffer = firstNetBuffer;
  }

  /** NdisAllocateNetBufferListContext: pushes a context entry owned by `owner`. */
  allocateContext(owner: string, data: unknown): void {
    this.contexts.push({ owner, data });
  }

  /** The innermost context entry, which must belong to `owner`. */
  context(owner: string): unknown {
    const top = this.contexts[this.contexts.length - 1];
    if (!top || top.owner !== owner)
      throw new NblContextError(`NET_BUFFER_LIST_CONTEXT: the innermost entry belongs to ${top ? top.owner : 'nobody'}, not ${owner}`);
    return top.data;
  }

  /** NdisFreeNetBufferListContext: pops the entry `owner` pushed; it must be the innermost. */
  freeContext(owner: string): unknown {
    const data = this.context(owner);
    this.contexts.pop();
    return data;
  }

  get contextDepth(): number {
    return this.contexts.length;
  }

  /** NET_BUFFERs of this NBL in order (an array: cheaper than a generator on the I/O path). */
  netBuffers(): NetBuffer[] {
    const out: NetBuffer[] = [];
    for (let nb = this.firstNetBuffer; nb; nb = nb.next) out.push(nb);
    return out;
  }

  /** Bytes of data in all NET_BUFFERs. */
  get dataLength(): number {
    let n = 0;
    for (let nb = this.firstNetBuffer; nb; nb = nb.next) n += nb.dataLength;
    return n;
  }
}

export class NblContextError extends Error {
  override readonly name = 'NblContextError';
  readonly code = 'FLUE_NBL_CONTEXT';
}

/** Iterates an NBL chain (NBL->Next); a chain that loops back on itself is a coded error. */
export function* nblChain(first: NetBufferList | null): Generator<NetBufferList> {
  yield* nblArray(first);
}

export class NblChainError extends Error {
  override readonly name = 'NblChainError';
  readonly code = 'FLUE_NBL_CHAIN';
}

/** Links NBLs into a chain and returns the head. */
export function chainNbls(nbls: readonly NetBufferList[]): NetBufferList | null {
  for (let i = 0; i < nbls.length; i++) nbls[i]!.next = nbls[i + 1] ?? null;
  return nbls[0] ?? null;
}

/**
 * The NBLs of a chain in order (nothing is unlinked). A chain that loops back on itself is a
 * coded error; Floyd's two pointers find the loop without allocating on this hot path.
 */
export function nblArray(first: NetBufferList | null): NetBufferList[] {
  const out: NetBufferList[] = [];
  let slow = first;
  let fast = first;
  for (let n = first; n; n = n.next) {
    out.push(n);
    fast = fast?.next?.next ?? null;
    slow = slow!.next;
    if (fast && fast === slow) throw new NblChainError('the NET_BUFFER_LIST chain loops back on itself');
  }
  return out;
}

function locate(chain: Mdl | null, offset: number): { mdl: Mdl; offset: number } | undefined {
  let rest = offset;
  for (let m = chain; m; m = m.next) {
    if (rest < m.byteCount) return { mdl: m, offset: rest };
    rest -= m.byteCount;
  }
  return undefined;
}

/**
 * NdisAdvanceNetBufferDataStart: moves the data start forward by `bytes` (the target does
 * this by the bytes transferred before completing a send or receive; FreeMdl NULL).
 */
export function advanceNetBufferDataStart(nb: NetBuffer, bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > nb.dataLength)
    throw new RangeError(`cannot advance a NET_BUFFER of ${nb.dataLength} bytes by ${bytes}`);
  nb.dataOffset += bytes;
  nb.dataLength -= bytes;
  const pos = locate(nb.mdlChain, nb.dataOffset);
  nb.currentMdl = pos?.mdl ?? null;
  nb.currentMdlOffset = pos?.offset ?? 0;
}

/** An MDL over an allocated DMA buffer (or part of it). */
export function mdlFor(buf: DmaBuffer, offset = 0, length = buf.length - offset): Mdl {
  if (offset < 0 || length < 0 || offset + length > buf.length) throw new RangeError(`MDL ${offset}+${length} outside a ${buf.length}-byte buffer`);
  return { next: null, addr: buf.addr + offset, byteCount: length, bytes: buf.bytes.subarray(offset, offset + length) };
}

/**
 * Builds an NBL with one NET_BUFFER over `mdlLengths` MDLs carved from one allocation, filled
 * with `data` (for sends) or zero (for receive posts). The caller owns the allocation.
 */
export function allocateNbl(memory: HostMemory, dataLength: number, options: { mdlLengths?: number[]; data?: Uint8Array } = {}): { nbl: NetBufferList; buffer: DmaBuffer } {
  const lengths = options.mdlLengths ?? [dataLength];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total < dataLength) throw new RangeError(`MDLs of ${total} bytes cannot hold ${dataLength}`);
  const buffer = memory.alloc(Math.max(1, total), 64);
  let head: Mdl | null = null;
  let tail: Mdl | null = null;
  let off = 0;
  for (const len of lengths) {
    const m = mdlFor(buffer, off, len);
    if (tail) tail.next = m;
    else head = m;
    tail = m;
    off += len;
  }
  if (options.data) {
    if (options.data.length !== dataLength) throw new RangeError('data length differs from dataLength');
    buffer.bytes.set(options.data);
  }
  const nbl = new NetBufferList(new NetBuffer(head, 0, dataLength));
  return { nbl, buffer };
}

/**
 * Checks an NBL chain the way Driver Verifier would before NDIS passes it on: every NBL has at
 * least one NET_BUFFER, every NET_BUFFER's data lies inside its MDL chain, every MDL lies
 * inside host memory. Returns a description of the first problem, or undefined.
 */
export function validateNblChain(first: NetBufferList | null, memory: HostMemory, options: { allowEmpty?: boolean; singleNbl?: boolean } = {}): string | undefined {
  if (!first) return 'the NET_BUFFER_LIST chain is empty';
  if (options.singleNbl && first.next) return 'only one NET_BUFFER_LIST is allowed here';
  let nbls: NetBufferList[];
  try {
    nbls = nblArray(first);
  } catch (e) {
    return (e as Error).message;
  }
  let n = 0;
  for (const nbl of nbls) {
    n++;
    if (!nbl.firstNetBuffer) return `NET_BUFFER_LIST ${n} has no NET_BUFFER`;
    for (let nb: NetBuffer | null = nbl.firstNetBuffer; nb; nb = nb.next) {
      if (!Number.isInteger(nb.dataLength) || nb.dataLength < 0 || !Number.isInteger(nb.dataOffset) || nb.dataOffset < 0)
        return `NET_BUFFER of NET_BUFFER_LIST ${n}: bad DataOffset/DataLength`;
      if (nb.dataLength === 0 && !options.allowEmpty) return `NET_BUFFER of NET_BUFFER_LIST ${n} has no data`;
      if (nb.dataOffset + nb.dataLength > nb.mdlBytes)
        return `NET_BUFFER of NET_BUFFER_LIST ${n}: ${nb.dataOffset}+${nb.dataLength} bytes but its MDLs hold ${nb.mdlBytes}`;
      for (let m = nb.mdlChain; m; m = m.next) {
        if (m.byteCount <= 0) return `NET_BUFFER_LIST ${n}: an MDL of ${m.byteCount} bytes`;
        if (m.addr < memory.base || m.addr + m.byteCount > memory.base + memory.size)
          return `NET_BUFFER_LIST ${n}: an MDL at 0x${m.addr.toString(16)}+${m.byteCount} outside host memory`;
      }
    }
  }
  return undefined;
}
