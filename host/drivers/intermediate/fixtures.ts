/**
 * Test fixtures for the chimney stack (used by the *.test.ts files here and in host/ndis/):
 * a deterministic deferral queue, a recording host protocol, a programmable offload target
 * that a test can make misbehave, stacks of intermediate drivers, offload trees and NBLs.
 * Nothing here is used by the drivers themselves.
 */
import { HostMemory } from '../../device/memory.js';
import type { BytesConsumed, ClientChimneyGeneric, ClientChimneyTcp, NdisHandle, ProviderChimneyGeneric, ProviderChimneyTcp, TcpOffloadEventHandlers } from '../../ndis/characteristics.js';
import { allocateNbl, nblArray, type NetBufferList } from '../../ndis/nbl.js';
import {
  ChimneyOffloadType, IndicateOffloadEvent, OffloadBlockList, OffloadStateType, emptyTcpDelegated, newOffloadHandle, roleOf, traverse,
  type NdisOffloadHandle, type TcpDelegatedState,
} from '../../ndis/offload.js';
import { Ndis, type IoOperation, type StateOperation } from '../../ndis/runtime.js';
import { NdisStatus } from '../../ndis/status.js';
import { ScriptedTarget, type TargetObject } from '../testing/scripted-target.js';
import { ImDriver } from './driver.js';
import { entryOf } from './entries.js';
import type { Velan } from './miniport.js';

// ------------------------------------------------------------------ deferral

/** A FIFO of deferred work every layer shares; drain() runs it to the end, no timers involved. */
export class DeferQueue {
  private readonly queue: (() => void)[] = [];
  readonly defer = (fn: () => void): void => {
    this.queue.push(fn);
  };

  get length(): number {
    return this.queue.length;
  }

  drain(limit = 100_000): void {
    for (let i = 0; this.queue.length > 0; i++) {
      if (i >= limit) throw new Error(`DeferQueue: still busy after ${limit} steps (a completion loop?)`);
      this.queue.shift()!();
    }
  }
}

// ------------------------------------------------------------------ the host protocol

export interface Completion {
  readonly op: StateOperation | IoOperation;
  /** the ProtocolBindingContext NDIS passed: tells which binding the completion arrived on */
  readonly bindingContext: unknown;
  readonly list?: OffloadBlockList;
  readonly nbls?: readonly NetBufferList[];
  /** NET_BUFFER_LIST_CONTEXT depth of each NBL when it arrived (0: every layer below freed its entry) */
  readonly contextDepths?: readonly number[];
}

export interface EventRecord { readonly handle: NdisOffloadHandle; readonly eventType: number; readonly info: number }

/** A host stack that records every completion and indication it gets, in order. */
export class RecordingProtocol {
  readonly handle: NdisHandle;
  readonly completions: Completion[] = [];
  readonly events: EventRecord[] = [];
  readonly indications: { handle: NdisOffloadHandle; nbl: NetBufferList; status: number; data: Uint8Array }[] = [];
  readonly offloadEvents: { bindingContext: unknown; list: OffloadBlockList | null; code: number; handle: NdisOffloadHandle | null }[] = [];
  readonly statuses: { bindingContext: unknown; status: number }[] = [];
  /** every completion and indication in arrival order, as 'send', 'initiate', 'event:2', ... */
  readonly timeline: string[] = [];
  /** what the receive indication handler answers: everything, nothing, or this many bytes */
  accept: 'all' | 'none' | number = 'all';
  /** the HostReachabilityDelta written back for a NeighborReachabilityQuery */
  hostReachabilityDelta = 0;
  /** a broken host: the receive indication returns this status/BytesConsumed pair instead (R53 tests) */
  brokenIndicationAnswer: { status: number; consumed: number } | undefined;

  constructor(private readonly ndis: Ndis, readonly name: string) {
    this.handle = ndis.registerProtocol(name, {
      status: (ctx, status) => {
        this.timeline.push(`status:0x${(status >>> 0).toString(16)}`);
        this.statuses.push({ bindingContext: ctx, status });
      },
    });
    const record = (op: Completion['op']) => (ctx: unknown, list: OffloadBlockList) => {
      this.timeline.push(op);
      this.completions.push({ op, bindingContext: ctx, list });
    };
    const recordIo = (op: IoOperation) => (ctx: unknown, nbl: NetBufferList) => {
      this.timeline.push(op);
      const nbls = nblArray(nbl);
      this.completions.push({ op, bindingContext: ctx, nbls, contextDepths: nbls.map((n) => n.contextDepth) });
    };
    const generic: ClientChimneyGeneric = {
      kind: 'client-generic',
      initiateOffloadComplete: record('initiate'),
      terminateOffloadComplete: record('terminate'),
      updateOffloadComplete: record('update'),
      invalidateOffloadComplete: record('invalidate'),
      queryOffloadComplete: record('query'),
      indicateOffloadEvent: (ctx, list, code) => {
        this.timeline.push(`offload-event:${code}`);
        this.offloadEvents.push({ bindingContext: ctx, list, code, handle: list?.offloadHandle ?? null });
        const cached = list?.neighbor.cached;
        if (list && code === IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY && cached) cached.hostReachabilityDelta = this.hostReachabilityDelta;
      },
    };
    const tcp: ClientChimneyTcp = {
      kind: 'client-tcp',
      offloadType: ChimneyOffloadType.TCP,
      tcpOffloadSendComplete: recordIo('send'),
      tcpOffloadReceiveComplete: recordIo('receive'),
      tcpOffloadDisconnectComplete: recordIo('disconnect'),
      tcpOffloadForwardComplete: recordIo('forward'),
      tcpOffloadEvent: (handle, eventType, info) => {
        this.timeline.push(`event:${eventType}`);
        this.events.push({ handle, eventType, info });
      },
      tcpOffloadReceiveIndicate: (handle, nbl, status, bc) => this.receiveIndicate(handle, nbl, status, bc),
    };
    ndis.setOptionalHandlers(this.handle, generic);
    ndis.setOptionalHandlers(this.handle, tcp);
  }

  private receiveIndicate(handle: NdisOffloadHandle, nbl: NetBufferList, status: number, bc: BytesConsumed): number {
    const data = nbl.firstNetBuffer ? nbl.firstNetBuffer.read() : new Uint8Array(0);
    this.timeline.push('indication');
    this.indications.push({ handle, nbl, status, data });
    if (this.brokenIndicationAnswer) {
      bc.value = this.brokenIndicationAnswer.consumed;
      return this.brokenIndicationAnswer.status;
    }
    if (this.accept === 'all') {
      bc.value = data.length;
      return NdisStatus.SUCCESS;
    }
    if (this.accept === 'none' || this.accept <= 0) {
      bc.value = 0;
      return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED;
    }
    if (this.accept >= data.length) {
      bc.value = data.length;
      return NdisStatus.SUCCESS;
    }
    bc.value = this.accept;
    return NdisStatus.OFFLOAD_DATA_PARTIALLY_ACCEPTED;
  }

  /** NdisOpenAdapterEx to `miniport`; `context` comes back as ProtocolBindingContext. */
  bind(miniport: NdisHandle, context: unknown = this.name): NdisHandle {
    return this.ndis.openAdapter(this.handle, miniport, context);
  }

  /** The completions of one kind, in arrival order. */
  of(op: Completion['op']): Completion[] {
    return this.completions.filter((c) => c.op === op);
  }
}

// ------------------------------------------------------------------ a programmable target

/** The context a ProgrammableTarget writes for each object it offloads. */
export interface ProgrammableObject {
  readonly target: string;
  readonly id: number;
  readonly ndisOffloadHandle: NdisOffloadHandle;
}

/**
 * An offload target whose every move the test makes: state operations and I/O are recorded
 * and left pending until the test completes them, possibly wrongly (to show the verifier).
 */
export class ProgrammableTarget {
  readonly handle: NdisHandle;
  readonly handlers: TcpOffloadEventHandlers;
  readonly stateCalls: { op: StateOperation; list: OffloadBlockList }[] = [];
  readonly ioCalls: { op: IoOperation; context: unknown; nbl: NetBufferList; flags: number }[] = [];
  readonly returned: NetBufferList[] = [];
  /** what MiniportTcpOffloadSend/Receive/Disconnect/Forward return (R38: PENDING only) */
  ioStatus: number = NdisStatus.PENDING;
  /** what MiniportTcpOffloadReceiveReturn returns (R39: SUCCESS) */
  receiveReturnStatus: number = NdisStatus.SUCCESS;
  /** runs inside each MiniportXxxOffload handler: a broken target completes here (R7) */
  onState: ((op: StateOperation, list: OffloadBlockList) => void) | undefined;
  private nextId = 1;

  constructor(private readonly ndis: Ndis, readonly name: string, memory: HostMemory) {
    this.handle = ndis.registerMiniport(name, this, memory);
    const state = (op: StateOperation) => (_ctx: unknown, list: OffloadBlockList) => {
      this.stateCalls.push({ op, list });
      this.onState?.(op, list);
    };
    const io = (op: IoOperation) => (_ctx: unknown, context: unknown, nbl: NetBufferList, flags = 0) => {
      this.ioCalls.push({ op, context, nbl, flags });
      return this.ioStatus;
    };
    const generic: ProviderChimneyGeneric = {
      kind: 'provider-generic',
      initiateOffload: state('initiate'),
      terminateOffload: state('terminate'),
      updateOffload: state('update'),
      invalidateOffload: state('invalidate'),
      queryOffload: state('query'),
    };
    const tcp: ProviderChimneyTcp = {
      kind: 'provider-tcp',
      offloadType: ChimneyOffloadType.TCP,
      tcpOffloadSend: io('send'),
      tcpOffloadReceive: io('receive'),
      tcpOffloadDisconnect: io('disconnect'),
      tcpOffloadForward: io('forward'),
      tcpOffloadReceiveReturn: (_ctx, nbl) => {
        this.returned.push(...nblArray(nbl));
        return this.receiveReturnStatus;
      },
    };
    ndis.setOptionalHandlers(this.handle, generic);
    ndis.setOptionalHandlers(this.handle, tcp);
    const got = ndis.mGetOffloadHandlers(this.handle, ChimneyOffloadType.TCP);
    if (!got.handlers) throw new Error('no chimney entry points');
    this.handlers = got.handlers;
    ndis.initializeComplete(this.handle);
  }

  /** The last state operation of a kind the target received. */
  last(op: StateOperation): OffloadBlockList {
    const c = [...this.stateCalls].reverse().find((x) => x.op === op);
    if (!c) throw new Error(`${this.name} received no ${op}`);
    return c.list;
  }

  /**
   * Does what a conforming target does for an initiate: a context for every new node (R14),
   * `status` on every block, SUCCESS on placeholders (R11). Does not complete.
   */
  offloadAll(list: OffloadBlockList, status: number = NdisStatus.SUCCESS): void {
    const roles = new Map([...traverse(list)].map((n) => [n, roleOf(n)] as const));
    for (const n of traverse(list)) {
      const role = roles.get(n);
      if (role === 'placeholder') { n.status = NdisStatus.SUCCESS; continue; }
      if (role === 'new' && (status === NdisStatus.SUCCESS || status === NdisStatus.OFFLOAD_PARTIAL_SUCCESS)) {
        const obj: ProgrammableObject = { target: this.name, id: this.nextId++, ndisOffloadHandle: n.ndisOffloadHandle! };
        n.miniportOffloadContext!.value = obj;
      }
      n.status = status;
    }
  }

  /** Writes `status` on every block (query/update/invalidate/terminate). Does not complete. */
  setAll(list: OffloadBlockList, status: number = NdisStatus.SUCCESS): void {
    for (const n of traverse(list)) n.status = status;
  }

  /** NdisM...Complete for `op` with `list`. */
  complete(op: StateOperation, list: OffloadBlockList): void {
    switch (op) {
      case 'initiate': this.ndis.mInitiateOffloadComplete(this.handle, list); break;
      case 'terminate': this.ndis.mTerminateOffloadComplete(this.handle, list); break;
      case 'update': this.ndis.mUpdateOffloadComplete(this.handle, list); break;
      case 'invalidate': this.ndis.mInvalidateOffloadComplete(this.handle, list); break;
      case 'query': this.ndis.mQueryOffloadStateComplete(this.handle, list); break;
    }
  }

  /** NdisTcpOffloadXxxComplete for `op`. */
  completeIo(op: IoOperation, nbl: NetBufferList): void {
    switch (op) {
      case 'send': this.handlers.tcpOffloadSendComplete(this.handle, nbl); break;
      case 'receive': this.handlers.tcpOffloadReceiveComplete(this.handle, nbl); break;
      case 'disconnect': this.handlers.tcpOffloadDisconnectComplete(this.handle, nbl); break;
      case 'forward': this.handlers.tcpOffloadForwardComplete(this.handle, nbl); break;
    }
  }
}

// ------------------------------------------------------------------ stacks

/**
 * `depth` intermediate drivers stacked over `lower`, the bottom one bound to it. Returns them
 * top first, with the miniport handle an overlying protocol binds to.
 */
export function stackIms(ndis: Ndis, memory: HostMemory, defer: (fn: () => void) => void, lower: NdisHandle, depth: number): { ims: ImDriver[]; velans: Velan[]; top: NdisHandle } {
  const ims: ImDriver[] = [];
  const velans: Velan[] = [];
  let below = lower;
  for (let i = depth; i >= 1; i--) {
    const im = new ImDriver(ndis, `im${i}`, memory, { defer });
    const velan = im.addVirtualMiniport(im.bind(below));
    ims.unshift(im);
    velans.unshift(velan);
    below = velan.handle;
  }
  return { ims, velans, top: below };
}

export interface World<T> {
  readonly ndis: Ndis;
  readonly q: DeferQueue;
  readonly memory: HostMemory;
  readonly target: T;
  readonly ims: ImDriver[];
  readonly velans: Velan[];
  readonly host: RecordingProtocol;
  /** the host's binding to the top of the stack */
  readonly binding: NdisHandle;
}

/** A host over `depth` IMs over a target built by `makeTarget`, all sharing one deferral queue. */
export function world<T extends { handle: NdisHandle }>(
  depth: number,
  makeTarget: (ndis: Ndis, memory: HostMemory, defer: (fn: () => void) => void) => T,
): World<T> {
  const q = new DeferQueue();
  const { ndis, memory, target, ims, velans, top } = chimneyStack(depth, makeTarget, q.defer, 1 << 20);
  const host = new RecordingProtocol(ndis, 'tcpip');
  const binding = host.bind(top, 'tcpip-binding');
  return { ndis, q, memory, target, ims, velans, host, binding };
}

/**
 * The chimney stack without a host: NDIS, `depth` IMs over a target, sharing `defer`.
 * Returns the miniport handle a host protocol (a recording one, the offload client) binds to.
 */
export function chimneyStack<T extends { handle: NdisHandle }>(
  depth: number,
  makeTarget: (ndis: Ndis, memory: HostMemory, defer: (fn: () => void) => void) => T,
  defer: (fn: () => void) => void,
  memoryBytes = 4 << 20,
): { ndis: Ndis; memory: HostMemory; target: T; ims: ImDriver[]; velans: Velan[]; top: NdisHandle } {
  const ndis = new Ndis({ defer });
  const memory = new HostMemory(memoryBytes);
  const target = makeTarget(ndis, memory, defer);
  const { ims, velans, top } = stackIms(ndis, memory, defer, target.handle, depth);
  return { ndis, memory, target, ims, velans, top };
}

export const scripted = (capacity?: number) => (ndis: Ndis, memory: HostMemory, defer: (fn: () => void) => void): ScriptedTarget =>
  new ScriptedTarget(ndis, 'toe', memory, { defer, ...(capacity === undefined ? {} : { capacity }) });

export const programmable = (ndis: Ndis, memory: HostMemory): ProgrammableTarget => new ProgrammableTarget(ndis, 'toe', memory);

/**
 * The target's own PVOID for an object the host offloaded: follows the IM offload entries
 * down (each holds the next layer's PVOID in its own handle).
 */
export function targetContextOf(hostHandle: NdisOffloadHandle): unknown {
  let ctx = hostHandle.miniportOffloadContext;
  for (let e = entryOf(ctx); e; e = entryOf(ctx)) ctx = e.handle.miniportOffloadContext;
  return ctx;
}

export function targetObjectOf(hostHandle: NdisOffloadHandle): TargetObject {
  const o = targetContextOf(hostHandle) as TargetObject | null;
  if (!o) throw new Error('the object is not offloaded');
  return o;
}

// ------------------------------------------------------------------ trees

export function neighborNode(handle: NdisOffloadHandle | null, withState = true): OffloadBlockList {
  return new OffloadBlockList(OffloadStateType.NEIGHBOR, handle, withState ? {
    const: { dlSourceAddress: new Uint8Array(32), vlanId: 0 },
    cached: { dlDestinationAddress: Uint8Array.from({ length: 32 }, (_, i) => (i < 6 ? 0x02 + i : 0)), hostReachabilityDelta: 0 },
    delegated: { nicReachabilityDelta: 0 },
  } : {});
}

export function pathNode(handle: NdisOffloadHandle | null, withState = true, pathMtu = 1500): OffloadBlockList {
  return new OffloadBlockList(OffloadStateType.IP4, handle, withState ? {
    const: { sourceAddress: Uint8Array.of(192, 0, 2, 1), destinationAddress: Uint8Array.of(192, 0, 2, 2) },
    cached: { pathMtu },
    delegated: {},
  } : {});
}

export function tcpNode(handle: NdisOffloadHandle | null, localPort = 49152, delegated: Partial<TcpDelegatedState> = {}): OffloadBlockList {
  return new OffloadBlockList(OffloadStateType.TCP, handle, {
    const: { flags: 0, remotePort: 80, localPort, sndWindScale: 0, rcvWindScale: 0, remoteMss: 1460, hashValue: localPort },
    cached: {
      flags: 0, initialRcvWnd: 65535, rcvIndicationSize: 0, kaProbeCount: 10, kaTimeout: 7_200_000, kaInterval: 1000,
      maxRt: 0, flowLabel: 0, ttlOrHopLimit: 64, tosOrTrafficClass: 0, userPriority: 0,
    },
    delegated: { ...emptyTcpDelegated(), state: 4, rcvWnd: 65535, sndWnd: 65535, ...delegated },
  });
}

/** Links `children` as the dependants of `parent` (siblings through NextBlock); returns parent. */
export function hang(parent: OffloadBlockList, ...children: OffloadBlockList[]): OffloadBlockList {
  parent.dependentBlockList = children[0] ?? null;
  for (let i = 0; i < children.length; i++) children[i]!.nextBlock = children[i + 1] ?? null;
  return parent;
}

export interface HostObjects {
  readonly neighbor: NdisOffloadHandle;
  readonly path: NdisOffloadHandle;
  readonly tcps: NdisOffloadHandle[];
}

/** A fresh neighbor → path → `tcpCount` TCP initiate tree and the host's handles (its TCBs). */
export function initiateTree(tcpCount: number): { root: OffloadBlockList; path: OffloadBlockList; tcps: OffloadBlockList[]; handles: HostObjects } {
  const handles: HostObjects = { neighbor: newOffloadHandle(), path: newOffloadHandle(), tcps: Array.from({ length: tcpCount }, () => newOffloadHandle()) };
  const tcps = handles.tcps.map((h, i) => tcpNode(h, 49152 + i));
  const path = hang(pathNode(handles.path), ...tcps);
  const root = hang(neighborNode(handles.neighbor), path);
  return { root, path, tcps, handles };
}

// ------------------------------------------------------------------ NBLs

export function bytes(n: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i) & 0xff);
}

export function sendNbl(memory: HostMemory, data: Uint8Array, mdlLengths?: number[]): NetBufferList {
  return allocateNbl(memory, data.length, { data, ...(mdlLengths ? { mdlLengths } : {}) }).nbl;
}

export function receiveNbl(memory: HostMemory, length: number, noPush = false): NetBufferList {
  const { nbl } = allocateNbl(memory, length);
  nbl.info.tcpReceiveNoPush = noPush;
  return nbl;
}

/** One TCP segment, starting at the TCP header (no IP header), as NdisOffloadTcpForward wants (R62). */
export function tcpSegment(memory: HostMemory, s: { srcPort: number; dstPort: number; seq: number; ack: number; payload: Uint8Array }): NetBufferList {
  const seg = new Uint8Array(20 + s.payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, s.srcPort);
  v.setUint16(2, s.dstPort);
  v.setUint32(4, s.seq);
  v.setUint32(8, s.ack);
  seg[12] = 5 << 4; // data offset: 5 words, no options
  seg[13] = 0x18; // PSH, ACK
  v.setUint16(14, 65535);
  seg.set(s.payload, 20);
  return allocateNbl(memory, seg.length, { data: seg }).nbl;
}

/** Parses the fixed TCP header at the start of a forwarded NET_BUFFER. */
export function parseTcpHeader(data: Uint8Array): { srcPort: number; dstPort: number; seq: number; headerLength: number } {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { srcPort: v.getUint16(0), dstPort: v.getUint16(2), seq: v.getUint32(4), headerLength: (data[12]! >> 4) * 4 };
}
