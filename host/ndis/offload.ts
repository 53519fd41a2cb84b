/**
 * The offload state tree: state structures, NDIS_OFFLOAD_HANDLE and the offload block lists
 * (DIGEST.md §3, §6). One node class serves both views NDIS converts between in place:
 * NDIS_PROTOCOL_OFFLOAD_BLOCK_LIST (what a host or IM passes down and gets back) and
 * NDIS_MINIPORT_OFFLOAD_BLOCK_LIST (what a target or IM upper edge sees).
 */
import type { NetBufferList } from './nbl.js';
import { NdisStatus } from './status.js';

/** OFFLOAD_STATE_TYPE (ndischimney.h) */
export const OffloadStateType = Object.freeze({
  NEIGHBOR_CONST: 1, NEIGHBOR_CACHED: 2, NEIGHBOR_DELEGATED: 3, NEIGHBOR: 4,
  IP4_CONST: 5, IP4_CACHED: 6, IP4_DELEGATED: 7, IP4: 8,
  IP6_CONST: 9, IP6_CACHED: 10, IP6_DELEGATED: 11, IP6: 12,
  TCP_CONST: 13, TCP_CACHED: 14, TCP_DELEGATED: 15, TCP_RESOURCE: 16, TCP: 17,
  FILTER_RESERVED: 0xfe,
} as const);
export type OffloadStateType = (typeof OffloadStateType)[keyof typeof OffloadStateType];

/** the layer a block list node belongs to */
export type OffloadLayer = 'neighbor' | 'path' | 'tcp';

export function layerOf(type: number): OffloadLayer | undefined {
  if (type >= 1 && type <= 4) return 'neighbor';
  if (type >= 5 && type <= 12) return 'path';
  if (type >= 13 && type <= 17) return 'tcp';
  return undefined;
}

/** NDIS_CHIMNEY_OFFLOAD_TYPE */
export const ChimneyOffloadType = Object.freeze({ TCP: 1, IPSEC: 2, RDMA: 3 } as const);

/** TCP_OFFLOAD_EVENT_TYPE */
export const TcpOffloadEventType = Object.freeze({ SEND_BACKLOG_CHANGE: 1, DISCONNECT: 2, RETRIEVE: 3, ABORT: 4 } as const);
export type TcpOffloadEventType = (typeof TcpOffloadEventType)[keyof typeof TcpOffloadEventType];

/** INDICATE_OFFLOAD_EVENT */
export const IndicateOffloadEvent = Object.freeze({ NEIGHBOR_REACHABILITY_IN_DOUBT: 1, NEIGHBOR_REACHABILITY_QUERY: 2 } as const);

/** TCP_OFFLOAD_CONNECTION_STATE (DIGEST.md §6) */
export const TcpOffloadConnectionState = Object.freeze({
  CLOSED: 0, LISTEN: 1, SYN_SENT: 2, SYN_RCVD: 3, ESTABLISHED: 4, FIN_WAIT1: 5, FIN_WAIT2: 6,
  CLOSE_WAIT: 7, CLOSING: 8, LAST_ACK: 9, TIME_WAIT: 10,
} as const);

/** Disconnect flags */
export const TcpDisconnectFlags = Object.freeze({ GRACEFUL: 0x01, ABORTIVE: 0x02 } as const);

/** TCP_OFFLOAD_STATE_CONST / _CACHED flag bits */
export const TcpConstFlags = Object.freeze({ TIMESTAMP_ENABLED: 0x01, SACK_ENABLED: 0x02, WINDOW_SCALING_ENABLED: 0x04 } as const);
export const TcpCachedFlags = Object.freeze({ KEEP_ALIVE_ENABLED: 0x01, NAGLING_ENABLED: 0x02, KEEP_ALIVE_RESTART: 0x04, MAX_RT_RESTART: 0x08, UPDATE_RCV_WND: 0x10 } as const);

/** "timer not running" in every TimeoutDelta (R78) */
export const TIMER_NOT_RUNNING = 0xffffffff;

export interface NeighborConstState { dlSourceAddress: Uint8Array; vlanId: number }
export interface NeighborCachedState { dlDestinationAddress: Uint8Array; hostReachabilityDelta: number }
export interface NeighborDelegatedState { nicReachabilityDelta: number }
export interface PathConstState { sourceAddress: Uint8Array; destinationAddress: Uint8Array }
export interface PathCachedState { pathMtu: number }
export type PathDelegatedState = Record<string, never>;
export interface TcpConstState {
  flags: number; remotePort: number; localPort: number; sndWindScale: number; rcvWindScale: number; remoteMss: number; hashValue: number;
}
export interface TcpCachedState {
  flags: number; initialRcvWnd: number; rcvIndicationSize: number; kaProbeCount: number; kaTimeout: number; kaInterval: number;
  maxRt: number; flowLabel: number; ttlOrHopLimit: number; tosOrTrafficClass: number; userPriority: number;
}
export interface TcpDelegatedState {
  state: number; flags: number; rcvNxt: number; rcvWnd: number; sndUna: number; sndNxt: number; sndMax: number;
  sndWnd: number; maxSndWnd: number; sendWl1: number; cWnd: number; ssThresh: number;
  /** smoothed RTT in ticks, exchanged scaled by 8 (R79) */
  sRtt: number;
  /** RTT variance in ticks, exchanged scaled by 4 (R79) */
  rttVar: number;
  tsRecent: number; tsRecentAge: number; tsTime: number; totalRt: number; dupAckCount: number; sndWndProbeCount: number;
  keepAlive: { probeCount: number; timeoutDelta: number };
  retransmit: { count: number; timeoutDelta: number };
  /** initiate/terminate: first and last NBL with send data in the block's NetBufferListChain */
  sendDataHead: NetBufferList | null;
  sendDataTail: NetBufferList | null;
  /** query: preferred outstanding send bytes, 0xFFFFFFFF unsupported (R29) */
  sendBacklogSize: number;
  /** initiate/terminate: received, acknowledged, undelivered data */
  bufferedData: NetBufferList | null;
  /** query: bytes buffered in the target, 0xFFFFFFFF unsupported */
  receiveBacklogSize: number;
  dWnd: number;
}

/** The state structures that follow a node in memory. */
export interface NeighborStates { const?: NeighborConstState; cached?: NeighborCachedState; delegated?: NeighborDelegatedState }
export interface PathStates { const?: PathConstState; cached?: PathCachedState; delegated?: PathDelegatedState }
export interface TcpStates { const?: TcpConstState; cached?: TcpCachedState; delegated?: TcpDelegatedState }
export type OffloadStates = NeighborStates | PathStates | TcpStates;

/** NDIS_OFFLOAD_HANDLE: lives in the caller's object (the host's TCB, an IM's offload entry). */
export interface NdisOffloadHandle {
  /** NDIS-private slot: the runtime keeps its per-object record here */
  ndisReserved: unknown;
  /** the PVOID the layer below wrote at offload; names the object in I/O and later trees */
  miniportOffloadContext: unknown;
}

export function newOffloadHandle(): NdisOffloadHandle {
  return { ndisReserved: null, miniportOffloadContext: null };
}

/** A PVOID*: where a target writes the PVOID naming an object it offloaded. */
export class OffloadContextRef {
  constructor(readonly handle: NdisOffloadHandle) {}
  get value(): unknown {
    return this.handle.miniportOffloadContext;
  }
  set value(v: unknown) {
    this.handle.miniportOffloadContext = v;
  }
}

export type BlockListView = 'protocol' | 'miniport';

/**
 * One node of an offload state tree. NextBlock is the next node of the same layer;
 * DependentBlockList the first node of the layer above (neighbor → path → TCP).
 */
export class OffloadBlockList {
  /** Header.Type: the OFFLOAD_STATE_TYPE of the structures that follow */
  readonly type: OffloadStateType;
  nextBlock: OffloadBlockList | null = null;
  dependentBlockList: OffloadBlockList | null = null;
  status = 0;
  view: BlockListView = 'protocol';
  /** protocol view: the caller's NDIS_OFFLOAD_HANDLE, or null for a placeholder */
  offloadHandle: NdisOffloadHandle | null;
  /** miniport view: pointer to the PVOID slot (null for a placeholder) */
  miniportOffloadContext: OffloadContextRef | null = null;
  /** miniport view: the caller's handle, to use in indications (R15) */
  ndisOffloadHandle: NdisOffloadHandle | null = null;
  ndisReserved: unknown[] = [null, null, null];
  protocolReserved: unknown[] = [null, null];
  miniportReserved: unknown[] = [null, null];
  imReserved: unknown[] = [null, null];
  scratch: unknown[] = [null, null];
  sourceHandle: unknown = null;
  portNumber = 0;
  /** outstanding send data of this block's connection (initiate, terminate) */
  netBufferListChain: NetBufferList | null = null;
  /** the structures "immediately after the node"; absent for invalidate trees */
  state: OffloadStates;

  constructor(type: OffloadStateType, offloadHandle: NdisOffloadHandle | null, state: OffloadStates = {}) {
    this.type = type;
    this.offloadHandle = offloadHandle;
    this.state = state;
  }

  get layer(): OffloadLayer {
    const l = layerOf(this.type);
    if (!l) throw new RangeError(`block list type ${this.type} names no layer`);
    return l;
  }

  get neighbor(): NeighborStates { return this.state as NeighborStates; }
  get path(): PathStates { return this.state as PathStates; }
  get tcp(): TcpStates { return this.state as TcpStates; }
}

/**
 * Depth-first, breadth-next traversal (DependentBlockList before NextBlock), the order R10
 * requires for initiate. `skip` returns true to skip a node's dependants.
 */
export function* traverse(root: OffloadBlockList | null, skip?: (n: OffloadBlockList) => boolean): Generator<OffloadBlockList> {
  const seen = new Set<OffloadBlockList>();
  function* walk(node: OffloadBlockList | null): Generator<OffloadBlockList> {
    for (let n = node; n; n = n.nextBlock) {
      if (seen.has(n)) throw new RangeError('offload block list tree has a cycle');
      seen.add(n);
      yield n;
      if (!skip?.(n)) yield* walk(n.dependentBlockList);
    }
  }
  yield* walk(root);
}

/** The role of a node in an initiate tree (N:placeholders--linkers--and-new-offloads). */
export function roleOf(node: OffloadBlockList): 'placeholder' | 'linker' | 'new' {
  const ref = node.view === 'miniport' ? node.miniportOffloadContext : node.offloadHandle ? new OffloadContextRef(node.offloadHandle) : null;
  if (!ref) return 'placeholder';
  return ref.value === null || ref.value === undefined ? 'new' : 'linker';
}

/** Fresh delegated TCP state with every timer stopped. */
export function emptyTcpDelegated(): TcpDelegatedState {
  return {
    state: 0, flags: 0, rcvNxt: 0, rcvWnd: 0, sndUna: 0, sndNxt: 0, sndMax: 0, sndWnd: 0, maxSndWnd: 0, sendWl1: 0,
    cWnd: 0, ssThresh: 0, sRtt: 0, rttVar: 0, tsRecent: 0, tsRecentAge: 0, tsTime: 0, totalRt: 0, dupAckCount: 0,
    sndWndProbeCount: 0, keepAlive: { probeCount: 0, timeoutDelta: TIMER_NOT_RUNNING },
    retransmit: { count: 0, timeoutDelta: TIMER_NOT_RUNNING }, sendDataHead: null, sendDataTail: null,
    sendBacklogSize: 0, bufferedData: null, receiveBacklogSize: 0, dWnd: 0,
  };
}

/**
 * The statuses a target writes when an initiate ends (N:partial-offloads-and-offload-failures,
 * N:placeholders--linkers--and-new-offloads): nodes it never tried FAILURE (R13); placeholders
 * SUCCESS (R11); a new node that succeeded becomes OFFLOAD_PARTIAL_SUCCESS if some immediate
 * dependant failed, and a linker is SUCCESS / PARTIAL / FAILURE for all / some / none of its
 * dependants offloaded (R12). Dependants are settled before their parents, so a linker above a
 * linker sees final statuses. `roles` are the roles as the tree arrived.
 */
export function settleInitiateStatuses(list: OffloadBlockList, roles: ReadonlyMap<OffloadBlockList, string>, tried: ReadonlySet<OffloadBlockList>): void {
  const nodes = [...traverse(list)];
  for (const n of nodes) if (!tried.has(n)) n.status = NdisStatus.FAILURE;
  for (const n of nodes.reverse()) {
    let deps = 0;
    let ok = 0;
    for (let d = n.dependentBlockList; d; d = d.nextBlock) {
      deps++;
      if (d.status === NdisStatus.SUCCESS || d.status === NdisStatus.OFFLOAD_PARTIAL_SUCCESS) ok++;
    }
    const role = roles.get(n);
    if (role === 'placeholder') n.status = NdisStatus.SUCCESS;
    else if (role === 'linker') n.status = deps === 0 || ok === deps ? NdisStatus.SUCCESS : ok === 0 ? NdisStatus.FAILURE : NdisStatus.OFFLOAD_PARTIAL_SUCCESS;
    else if (n.status === NdisStatus.SUCCESS && ok < deps) n.status = NdisStatus.OFFLOAD_PARTIAL_SUCCESS;
  }
}
