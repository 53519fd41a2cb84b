/**
 * The miniport as an offload target: registers the chimney handler sets with NDIS (R1–R2),
 * reports its capabilities and takes the offload parameters, and maps every chimney handler
 * onto the contract's descriptors and every completion and event entry back onto the
 * NdisM...Complete and NdisTcpOffload... calls.
 *
 * The hardware holds connections; neighbor and path objects live here, in the miniport, and
 * travel to the card inside each connection's flat state block (ConnStateBlock).
 */
import {
  CONN_STATE_BYTES, CONN_STATE_NEIGHBOR_OFFSET, CONN_STATE_PATH_OFFSET, CONN_STATE_TCP_CACHED_OFFSET,
  CONN_STATE_TCP_CONST_OFFSET, CONN_STATE_TCP_DELEGATED_OFFSET, CORE_CLOCK_HZ, CplStatus, EventCode, Opcode, Reg,
  RequestFlag, decodeTcpDelegatedState, encodeConnStateBlock, encodeNeighborState, encodePathState,
  encodeTcpCachedState, encodeTcpConstState, encodeTcpDelegatedState,
} from '../../../protocol/generated/contract.js';
import type { DmaBuffer } from '../../device/memory.js';
import type { NdisHandle, ProviderChimneyGeneric, ProviderChimneyTcp, TcpOffloadEventHandlers } from '../../ndis/characteristics.js';
import { chainNbls, nblArray, type Mdl, type NetBufferList } from '../../ndis/nbl.js';
import {
  ChimneyOffloadType, TcpDisconnectFlags, TcpOffloadEventType, emptyTcpDelegated, roleOf, settleInitiateStatuses, traverse,
  type NdisOffloadHandle, type OffloadBlockList, type TcpDelegatedState,
} from '../../ndis/offload.js';
import type { Ndis } from '../../ndis/runtime.js';
import { NdisStatus } from '../../ndis/status.js';
import type { MiniportAdapter } from './adapter.js';
import type { CompletionFields } from './hw.js';

/** NDIS_TCP_CONNECTION_OFFLOAD as this target reports it (R4). */
export interface TcpConnectionOffloadCapabilities {
  /** NDIS_ENCAPSULATION_IEEE_802_3 */
  encapsulation: number;
  /** 2-bit fields: NDIS_OFFLOAD_SUPPORTED = 1, NOT_SUPPORTED = 0 */
  supportIPv4: number;
  supportIPv6: number;
  supportIPv6ExtensionHeaders: number;
  supportSack: number;
  tcpConnectionOffloadCapacity: number;
  flags: number;
}

/** NDIS_TCP_CONNECTION_OFFLOAD_PARAMETERS */
export interface TcpConnectionOffloadParameters {
  ticksPerSecond: number;
  tcpAckFrequency: number;
  tcpDelayedAckTicks: number;
  tcpMaximumRetransmissions: number;
  tcpDoubtReachabilityRetransmissions: number;
  tcpSwsPreventionTicks: number;
  tcpDuplicateAckThreshold: number;
  tcpPushTicks: number;
  nceStaleTicks: number;
}

export const NDIS_ENCAPSULATION_IEEE_802_3 = 0x2;

/** The miniport's context for one offloaded object: the PVOID it writes (R14). */
interface OffloadedObject {
  readonly layer: 'neighbor' | 'path' | 'tcp';
  readonly id: number;
  /** kept for indications (R15) */
  readonly ndisOffloadHandle: NdisOffloadHandle;
  /** the card's connection id (tcp) */
  conn: number;
  /** set once terminated: later I/O on it is refused */
  terminated: boolean;
}

/** CplStatus of a state request → the block status NDIS expects. */
function stateStatus(s: number, initiate: boolean): number {
  if (s === CplStatus.OK) return NdisStatus.SUCCESS;
  if (initiate && s === CplStatus.RESOURCES) return NdisStatus.OFFLOAD_TCP_ENTRIES;
  return NdisStatus.FAILURE;
}

/** CplStatus of an I/O request → the NBL status NDIS expects. */
function ioStatus(s: number): number {
  switch (s) {
    case CplStatus.OK: return NdisStatus.SUCCESS;
    case CplStatus.UPLOAD_IN_PROGRESS: return NdisStatus.UPLOAD_IN_PROGRESS;
    case CplStatus.INVALID_STATE: return NdisStatus.INVALID_STATE;
    default: return NdisStatus.REQUEST_ABORTED;
  }
}

export class ChimneyTarget {
  readonly handle: NdisHandle;
  private readonly handlers: TcpOffloadEventHandlers;
  private nextId = 1;
  private readonly byConn = new Map<number, OffloadedObject>();
  /** state requests posted to the card, for tests and halt */
  stateRequests = 0;

  constructor(private readonly adapter: MiniportAdapter, private readonly ndis: Ndis, name: string) {
    this.handle = ndis.registerMiniport(name, this, adapter.link.memory);
    const generic: ProviderChimneyGeneric = {
      kind: 'provider-generic',
      initiateOffload: (_c, list) => { void this.initiate(list); },
      terminateOffload: (_c, list) => { void this.simple('terminate', list); },
      updateOffload: (_c, list) => { void this.simple('update', list); },
      invalidateOffload: (_c, list) => { void this.simple('invalidate', list); },
      queryOffload: (_c, list) => { void this.simple('query', list); },
    };
    const tcp: ProviderChimneyTcp = {
      kind: 'provider-tcp',
      offloadType: ChimneyOffloadType.TCP,
      tcpOffloadSend: (_c, ctx, nbl) => this.dataRequests(ctx, nbl, Opcode.TCP_SEND, 0, 'send'),
      tcpOffloadReceive: (_c, ctx, nbl) => this.dataRequests(ctx, nbl, Opcode.TCP_RECV_POST, 0, 'receive'),
      tcpOffloadDisconnect: (_c, ctx, nbl, flags) =>
        this.dataRequests(ctx, nbl, Opcode.TCP_DISCONNECT, flags & TcpDisconnectFlags.ABORTIVE ? RequestFlag.ABORTIVE : 0, 'disconnect'),
      tcpOffloadForward: (_c, ctx, nbl) => this.dataRequests(ctx, nbl, Opcode.TCP_FORWARD, 0, 'forward'),
      tcpOffloadReceiveReturn: (_c, nbl) => {
        for (const n of nblArray(nbl)) {
          // the card's buffer id travelled up in MiniportReserved with the indication
          void this.adapter.postRequest({ opcode: Opcode.TCP_RECV_RETURN, flags: 0, addr: 0, length: 0, conn: 0, param: Number(n.miniportReserved ?? 0) });
        }
        void this.adapter.flushDoorbells();
        return NdisStatus.SUCCESS; // R39
      },
    };
    // R1: both sets before initialization completes; R2: NDIS's entry points, revision checked
    ndis.setOptionalHandlers(this.handle, generic);
    ndis.setOptionalHandlers(this.handle, tcp);
    const got = ndis.mGetOffloadHandlers(this.handle, ChimneyOffloadType.TCP);
    if (got.status !== NdisStatus.SUCCESS || !got.handlers || got.handlers.header.revision < 1)
      throw new Error(`${name}: NdisMGetOffloadHandlers gave no usable handlers`);
    this.handlers = got.handlers;
    adapter.onEvent((e) => this.event(e));
    ndis.initializeComplete(this.handle);
  }

  /** NDIS_TCP_CONNECTION_OFFLOAD from the card's CAPS and MAX_CONNS (R4). */
  capabilities(): TcpConnectionOffloadCapabilities {
    const id = this.adapter.identity;
    return {
      encapsulation: NDIS_ENCAPSULATION_IEEE_802_3,
      supportIPv4: 1,
      supportIPv6: 0,
      supportIPv6ExtensionHeaders: 0,
      supportSack: 0,
      tcpConnectionOffloadCapacity: id.toe ? id.maxConns : 0,
      flags: 0,
    };
  }

  /**
   * OID_TCP_CONNECTION_OFFLOAD_PARAMETERS set: checked, then written to the card's registers.
   * Tick values are in the host's ticks (TicksPerSecond 10, 100 or 1000, R5); the card's
   * tick divider is derived from it so its timers count the same ticks.
   */
  async setOffloadParameters(p: TcpConnectionOffloadParameters): Promise<number> {
    if (![10, 100, 1000].includes(p.ticksPerSecond)) return NdisStatus.INVALID_PARAMETER;
    const u8 = [p.tcpAckFrequency, p.tcpDelayedAckTicks, p.tcpMaximumRetransmissions, p.tcpDoubtReachabilityRetransmissions];
    const u32 = [p.tcpSwsPreventionTicks, p.tcpDuplicateAckThreshold, p.tcpPushTicks, p.nceStaleTicks];
    if (u8.some((v) => !Number.isInteger(v) || v < 0 || v > 0xff) || u32.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff))
      return NdisStatus.INVALID_PARAMETER;
    if (p.tcpAckFrequency === 0 || p.tcpDuplicateAckThreshold === 0) return NdisStatus.INVALID_PARAMETER;
    const link = this.adapter.link;
    await link.mmioWrite(Reg.TICK_DIV, Math.round(CORE_CLOCK_HZ / p.ticksPerSecond));
    await link.mmioWrite(Reg.TCP_ACK_FREQUENCY, p.tcpAckFrequency);
    await link.mmioWrite(Reg.TCP_DELAYED_ACK_TICKS, p.tcpDelayedAckTicks);
    await link.mmioWrite(Reg.TCP_MAX_RETRANSMISSIONS, p.tcpMaximumRetransmissions);
    await link.mmioWrite(Reg.TCP_DOUBT_REACH_RETRANS, p.tcpDoubtReachabilityRetransmissions);
    await link.mmioWrite(Reg.TCP_SWS_PREVENTION_TICKS, p.tcpSwsPreventionTicks);
    await link.mmioWrite(Reg.TCP_DUP_ACK_THRESHOLD, p.tcpDuplicateAckThreshold);
    await link.mmioWrite(Reg.TCP_PUSH_TICKS, p.tcpPushTicks);
    await link.mmioWrite(Reg.NCE_STALE_TICKS, p.nceStaleTicks);
    return NdisStatus.SUCCESS;
  }

  // ------------------------------------------------------------------ state operations

  /**
   * MiniportInitiateOffload: returns at once (R7); walks the tree depth-first, breadth-next
   * (R10), installs each new connection with OFFLOAD_INITIATE, writes every status (R8, R11–R13)
   * and completes with the same list.
   */
  private async initiate(list: OffloadBlockList): Promise<void> {
    await Promise.resolve(); // never complete inside the handler
    const roles = new Map([...traverse(list)].map((n) => [n, roleOf(n)] as const));
    const failed = new Set<OffloadBlockList>();
    const tried = new Set<OffloadBlockList>();
    const chain: OffloadBlockList[] = []; // ancestors of the node being visited
    for (const n of traverse(list, (x) => failed.has(x))) {
      tried.add(n);
      while (chain.length > 0 && !isAncestor(chain[chain.length - 1]!, n)) chain.pop();
      chain.push(n);
      if (roles.get(n) !== 'new') continue;
      if (n.layer !== 'tcp') {
        this.install(n, 0);
        n.status = NdisStatus.SUCCESS;
        continue;
      }
      const status = await this.offloadConnection(n, chain);
      n.status = status;
      if (status !== NdisStatus.SUCCESS) failed.add(n);
    }
    settleInitiateStatuses(list, roles, tried);
    this.ndis.mInitiateOffloadComplete(this.handle, list);
  }

  private install(n: OffloadBlockList, conn: number): OffloadedObject {
    const obj: OffloadedObject = { layer: n.layer, id: this.nextId++, ndisOffloadHandle: n.ndisOffloadHandle!, conn, terminated: false };
    n.miniportOffloadContext!.value = obj;
    if (n.layer === 'tcp') this.byConn.set(conn, obj);
    return obj;
  }

  /** Flattens neighbor, path and TCP state into a ConnStateBlock and posts OFFLOAD_INITIATE. */
  private async offloadConnection(tcp: OffloadBlockList, chain: OffloadBlockList[]): Promise<number> {
    const neighbor = chain.find((x) => x.layer === 'neighbor');
    const path = chain.find((x) => x.layer === 'path');
    const block = this.adapter.allocMapped(CONN_STATE_BYTES);
    try {
      writeConnState(block, neighbor, path, tcp);
      this.stateRequests++;
      const c = await this.request({ opcode: Opcode.OFFLOAD_INITIATE, flags: 0, addr: block.addr, length: CONN_STATE_BYTES, conn: 0, param: 0 });
      const status = stateStatus(c.status, true);
      if (status === NdisStatus.SUCCESS) {
        const obj = this.install(tcp, c.conn);
        // §5.1: the data from SndUna on that the host handed over belongs to the card now; it
        // goes first into the connection's send queue and completes like any send
        const chain = tcp.netBufferListChain;
        if (chain) {
          tcp.netBufferListChain = null;
          this.dataRequests(obj, chain, Opcode.TCP_SEND, 0, 'send');
        }
      }
      return status;
    } finally {
      this.adapter.freeMapped(block);
    }
  }

  /** Terminate, update, invalidate and query: neighbor/path here, connections on the card. */
  private async simple(op: 'terminate' | 'update' | 'invalidate' | 'query', list: OffloadBlockList): Promise<void> {
    await Promise.resolve();
    const opcode = { terminate: Opcode.OFFLOAD_TERMINATE, update: Opcode.OFFLOAD_UPDATE, invalidate: Opcode.OFFLOAD_INVALIDATE, query: Opcode.OFFLOAD_QUERY }[op];
    for (const n of traverse(list)) {
      const obj = n.miniportOffloadContext?.value as OffloadedObject | undefined;
      if (!obj) { n.status = NdisStatus.FAILURE; continue; }
      if (obj.layer !== 'tcp') {
        if (op === 'terminate') obj.terminated = true;
        n.status = NdisStatus.SUCCESS;
        continue;
      }
      const block = this.adapter.allocMapped(CONN_STATE_BYTES);
      try {
        if (op === 'update') writeConnState(block, undefined, undefined, n);
        this.stateRequests++;
        const c = await this.request({ opcode, flags: 0, addr: block.addr, length: CONN_STATE_BYTES, conn: obj.conn, param: 0 });
        n.status = stateStatus(c.status, false);
        if (c.status === CplStatus.OK && (op === 'terminate' || op === 'query')) {
          const d = decodeTcpDelegatedState(block.view, CONN_STATE_TCP_DELEGATED_OFFSET);
          n.tcp.delegated = { ...(n.tcp.delegated ?? emptyTcpDelegated()), ...fromWire(d) };
        }
        if (op === 'terminate') {
          obj.terminated = true;
          this.byConn.delete(obj.conn);
        }
      } finally {
        this.adapter.freeMapped(block);
      }
    }
    const complete = {
      terminate: () => this.ndis.mTerminateOffloadComplete(this.handle, list),
      update: () => this.ndis.mUpdateOffloadComplete(this.handle, list),
      invalidate: () => this.ndis.mInvalidateOffloadComplete(this.handle, list),
      query: () => this.ndis.mQueryOffloadStateComplete(this.handle, list),
    }[op];
    complete();
  }

  /** Posts one control request and rings the doorbell; resolves with its completion. */
  private request(fields: Parameters<MiniportAdapter['postRequest']>[0]): Promise<CompletionFields> {
    const done = this.adapter.postRequest(fields);
    void this.adapter.flushDoorbells();
    return done;
  }

  // ------------------------------------------------------------------ I/O

  /**
   * Send, receive post, disconnect, forward: one descriptor per NET_BUFFER; an NBL completes when
   * all of its descriptors have, with the first failure's status. Always PENDING (R38).
   */
  private dataRequests(ctx: unknown, first: NetBufferList, opcode: number, flags: number, op: 'send' | 'receive' | 'disconnect' | 'forward'): number {
    const obj = ctx as OffloadedObject;
    const complete = {
      send: (n: NetBufferList) => this.handlers.tcpOffloadSendComplete(this.handle, n),
      receive: (n: NetBufferList) => this.handlers.tcpOffloadReceiveComplete(this.handle, n),
      disconnect: (n: NetBufferList) => this.handlers.tcpOffloadDisconnectComplete(this.handle, n),
      forward: (n: NetBufferList) => this.handlers.tcpOffloadForwardComplete(this.handle, n),
    }[op];
    for (const nbl of nblArray(first)) {
      nbl.next = null;
      // one descriptor per contiguous run of bytes: MDLs are not contiguous in host memory
      const runs: { addr: number; length: number }[] = [];
      for (const nb of nbl.netBuffers()) runs.push(...mdlRuns(nb.currentMdl, nb.currentMdlOffset, nb.dataLength));
      if (runs.length === 0) runs.push({ addr: 0, length: 0 }); // a zero-byte receive or a bare FIN
      let left = runs.length;
      let status: number = NdisStatus.SUCCESS;
      let bytes = 0;
      const done = (c: CompletionFields): void => {
        if (c.status !== CplStatus.OK && status === NdisStatus.SUCCESS) status = ioStatus(c.status);
        bytes += c.length;
        if (--left === 0) {
          nbl.status = status;
          nbl.info.tcpOffloadBytesTransferred = bytes; // R43
          queueMicrotask(() => complete(chainNbls([nbl])!));
        }
      };
      for (const r of runs) void this.adapter.postRequest({ opcode, flags, addr: r.addr, length: r.length, conn: obj.conn, param: 0 }).then(done);
    }
    void this.adapter.flushDoorbells();
    return NdisStatus.PENDING;
  }

  // ------------------------------------------------------------------ events

  private event(e: CompletionFields): void {
    const obj = this.byConn.get(e.conn);
    if (!obj) return;
    const h = obj.ndisOffloadHandle; // R15
    switch (e.opcode) {
      case EventCode.TCP_DISCONNECT: this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.DISCONNECT, 0); break;
      case EventCode.TCP_ABORT: this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.ABORT, 0); break;
      case EventCode.TCP_RETRIEVE: this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.RETRIEVE, e.info); break;
      case EventCode.TCP_SEND_BACKLOG: this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.SEND_BACKLOG_CHANGE, e.info); break;
      case EventCode.OFFLOAD_PAUSE: this.ndis.mIndicateStatusEx(this.handle, NdisStatus.OFFLOAD_PAUSE); break;
      case EventCode.UPLOAD_ALL: this.ndis.mIndicateStatusEx(this.handle, NdisStatus.UPLOAD_ALL); break;
      case EventCode.OFFLOAD_RESUME: this.ndis.mIndicateStatusEx(this.handle, NdisStatus.OFFLOAD_RESUME); break;
      default: break;
    }
  }
}

/** The contiguous host-memory runs of `length` bytes starting at an MDL and offset. */
function mdlRuns(mdl: Mdl | null, offset: number, length: number): { addr: number; length: number }[] {
  const out: { addr: number; length: number }[] = [];
  let m = mdl;
  let off = offset;
  let left = length;
  while (m && left > 0) {
    const n = Math.min(m.byteCount - off, left);
    if (n > 0) out.push({ addr: m.addr + off, length: n });
    left -= n;
    m = m.next;
    off = 0;
  }
  return out;
}

function isAncestor(a: OffloadBlockList, n: OffloadBlockList): boolean {
  for (let d = a.dependentBlockList; d; d = d.nextBlock) {
    if (d === n || isAncestor(d, n)) return true;
  }
  return false;
}

function writeConnState(block: DmaBuffer, neighbor: OffloadBlockList | undefined, path: OffloadBlockList | undefined, tcp: OffloadBlockList): void {
  const v = block.view;
  let valid = 0;
  const nb = neighbor?.neighbor;
  if (nb?.const && nb.cached) {
    encodeNeighborState(v, {
      dlSourceAddress: mac(nb.const.dlSourceAddress), vlanId: nb.const.vlanId,
      dlDestinationAddress: mac(nb.cached.dlDestinationAddress), hostReachabilityDelta: nb.cached.hostReachabilityDelta,
      nicReachabilityDelta: nb.delegated?.nicReachabilityDelta ?? 0,
    }, CONN_STATE_NEIGHBOR_OFFSET);
    valid |= 1;
  }
  const p = path?.path;
  if (p?.const && p.cached) {
    encodePathState(v, {
      sourceAddress: new DataView(p.const.sourceAddress.buffer, p.const.sourceAddress.byteOffset).getUint32(0, true),
      destinationAddress: new DataView(p.const.destinationAddress.buffer, p.const.destinationAddress.byteOffset).getUint32(0, true),
      pathMtu: p.cached.pathMtu,
    }, CONN_STATE_PATH_OFFSET);
    valid |= 2;
  }
  const t = tcp.tcp;
  if (t.const) { encodeTcpConstState(v, { ...t.const }, CONN_STATE_TCP_CONST_OFFSET); valid |= 4; }
  if (t.cached) {
    const c = t.cached;
    encodeTcpCachedState(v, {
      flags: c.flags, ttl: c.ttlOrHopLimit, tos: c.tosOrTrafficClass, initialRcvWnd: c.initialRcvWnd, rcvIndicationSize: c.rcvIndicationSize,
      kaProbeCount: c.kaProbeCount, userPriority: c.userPriority, kaTimeout: c.kaTimeout, kaInterval: c.kaInterval, maxRt: c.maxRt, flowLabel: c.flowLabel,
    }, CONN_STATE_TCP_CACHED_OFFSET);
    valid |= 8;
  }
  if (t.delegated) { encodeTcpDelegatedState(v, toWire(t.delegated), CONN_STATE_TCP_DELEGATED_OFFSET); valid |= 16; }
  encodeConnStateBlock(v, { neighborId: 0, pathId: 0, validMask: valid }, 0);
}

function mac(a: Uint8Array): Uint8Array {
  return a.subarray(0, 6).length === 6 ? a.slice(0, 6) : new Uint8Array(6);
}

type WireDelegated = ReturnType<typeof decodeTcpDelegatedState>;

function toWire(d: TcpDelegatedState): WireDelegated {
  return {
    state: d.state, flags: d.flags, dupAckCount: d.dupAckCount, sndWndProbeCount: d.sndWndProbeCount, rcvNxt: d.rcvNxt, rcvWnd: d.rcvWnd,
    sndUna: d.sndUna, sndNxt: d.sndNxt, sndMax: d.sndMax, sndWnd: d.sndWnd, maxSndWnd: d.maxSndWnd, sendWl1: d.sendWl1, cWnd: d.cWnd,
    ssThresh: d.ssThresh, sRtt: d.sRtt, rttVar: d.rttVar, tsRecent: d.tsRecent, tsRecentAge: d.tsRecentAge, tsTime: d.tsTime,
    totalRt: d.totalRt, kaProbeCount: d.keepAlive.probeCount, kaTimeoutDelta: d.keepAlive.timeoutDelta, rtCount: d.retransmit.count,
    rtTimeoutDelta: d.retransmit.timeoutDelta, sendBacklogSize: d.sendBacklogSize, receiveBacklogSize: d.receiveBacklogSize, dWnd: d.dWnd,
  };
}

function fromWire(w: WireDelegated): Partial<TcpDelegatedState> {
  return {
    state: w.state, flags: w.flags, dupAckCount: w.dupAckCount, sndWndProbeCount: w.sndWndProbeCount, rcvNxt: w.rcvNxt, rcvWnd: w.rcvWnd,
    sndUna: w.sndUna, sndNxt: w.sndNxt, sndMax: w.sndMax, sndWnd: w.sndWnd, maxSndWnd: w.maxSndWnd, sendWl1: w.sendWl1, cWnd: w.cWnd,
    ssThresh: w.ssThresh, sRtt: w.sRtt, rttVar: w.rttVar, tsRecent: w.tsRecent, tsRecentAge: w.tsRecentAge, tsTime: w.tsTime,
    totalRt: w.totalRt, keepAlive: { probeCount: w.kaProbeCount, timeoutDelta: w.kaTimeoutDelta },
    retransmit: { count: w.rtCount, timeoutDelta: w.rtTimeoutDelta }, sendBacklogSize: w.sendBacklogSize,
    receiveBacklogSize: w.receiveBacklogSize, dWnd: w.dWnd,
  };
}
