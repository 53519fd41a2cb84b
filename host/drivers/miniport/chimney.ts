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
  CONN_STATE_TCP_CONST_OFFSET, CONN_STATE_TCP_DELEGATED_OFFSET, CplStatus, EventCode, Opcode, Reg, UploadReason,
  RequestFlag, decodeTcpDelegatedState, encodeConnStateBlock, encodeNeighborState, encodePathState,
  encodeTcpCachedState, encodeTcpConstState, encodeTcpDelegatedState,
} from '../../../protocol/generated/contract.js';
import type { DmaBuffer } from '../../device/memory.js';
import type { NdisHandle, ProviderChimneyGeneric, ProviderChimneyTcp, TcpOffloadEventHandlers } from '../../ndis/characteristics.js';
import { NetBuffer, NetBufferList, advanceNetBufferDataStart, allocateNbl, chainNbls, mdlFor, nblArray, type Mdl } from '../../ndis/nbl.js';
import {
  ChimneyOffloadType, IndicateOffloadEvent, TcpDisconnectFlags, TcpOffloadConnectionState, TcpOffloadEventType, emptyTcpDelegated, roleOf, settleInitiateStatuses, traverse,
  OffloadBlockList, OffloadStateType, type NdisOffloadHandle, type TcpDelegatedState,
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
  /**
   * Received bytes this target holds for the host: indications it refused in part or whole
   * (R54), the BufferedData handed over at initiate (R17) and data the card stashed for the
   * receives it hands back (TCP_RECV_STASH, RETURNED); they go into the next receive posts
   * before anything the card places (R55), and back to the host at terminate (R32).
   */
  held: Uint8Array[];
  /** the peer's FIN arrived while bytes were still held: indicated once they are taken (R64) */
  disconnectDeferred: boolean;
  /**
   * Receive completions waiting for a microtask, in stream order: one filled from held bytes
   * as it was posted cannot complete inside the post (R49), and every receive completion or
   * indication after it must wait behind it, or the host would see later bytes first.
   */
  receivesDeferred?: NetBufferList[];
  /**
   * Events the card queued for a connection it took before its initiate completed to NDIS
   * (R19 forbids indicating them yet); replayed, in order, right after the completion.
   */
  early: CompletionFields[] | undefined;
  /**
   * What the card's copy of a connection depends on (R22): a connection's path, a path's
   * neighbor; a neighbor's next-hop MAC and a path's MTU as last offloaded or updated; a
   * connection's full TCP constant state (its remote MSS bounds the MSS a new MTU gives)
   */
  parent: OffloadedObject | undefined;
  dstMac: Uint8Array | undefined;
  pathMtu: number | undefined;
  tcpConst: OffloadBlockList['tcp']['const'];
  /** sends and graceful disconnects waiting for the card's send entries, in posting order (R40) */
  sendQueue: SendPosting[];
  /** sends and graceful disconnects at the card, not yet completed */
  sendsAtCard: number;
  /**
   * Set at terminate, an abortive disconnect or the peer's RST: what the queued postings complete
   * with, once the card has completed every earlier one (R31, R58, R65), instead of going to it
   */
  sendsEndWith: number | undefined;
  /**
   * The card failed to write received data it had acknowledged into host memory (DMA_ERROR on
   * a receive completion or an indication): the stream has a hole nothing can fill. Set once;
   * no later received byte reaches the host, and the host is asked to upload (HardwareFailure).
   */
  hardwareFailed: boolean;
  /**
   * A neighbor's id on the card (the state block's neighborId, below the connections the card
   * holds), under which it keeps the neighbor's reachability times (R70, R71); -1 for the rest
   */
  slot: number;
  /** a neighbor's HostReachabilityDelta as the host last gave it (initiate, R70 answer) */
  hrd: number;
}

/**
 * A send or graceful disconnect NBL, whose descriptors go to the card together (one per
 * contiguous run); queued while the card has too few send entries free (R40).
 */
interface SendPosting {
  readonly obj: OffloadedObject;
  /** descriptors with bytes: each holds one of the card's send entries until it completes */
  readonly entries: number;
  /** posts the descriptors */
  readonly post: () => void;
  /** completes it without the card, with `status` and no bytes transferred */
  readonly settle: (status: number) => void;
}

/** The FIN_WAIT_2 timer the card runs (N:fin-wait-2-timer: "a value of 120 seconds"). */
export const FIN_WAIT_2_SECONDS = 120;
/**
 * NIC buffers lent to the card for receive indications, and their size. One also holds an
 * out-of-order isle: a connection's first segments that reach the card while the host still
 * holds the one before them to forward (an initial window of 10 × 1460 bytes and more fits).
 */
export const NIC_BUFFERS = 48;
export const NIC_BUFFER_BYTES = 32768;

/** What MiniportReserved of an NBL this target indicates or returns says about its memory. */
type ReservedBuffer = { readonly nicBuffer: number } | { readonly heldCopy: DmaBuffer };

/** CplStatus of a state request → the block status NDIS expects. */
function stateStatus(s: number, initiate: boolean): number {
  if (s === CplStatus.OK) return NdisStatus.SUCCESS;
  if (initiate && s === CplStatus.RESOURCES) return NdisStatus.OFFLOAD_TCP_ENTRIES;
  return NdisStatus.FAILURE;
}

/** CplStatus of an I/O request (send, receive, disconnect, forward) → the NBL status NDIS expects. */
export function ioStatus(s: number): number {
  switch (s) {
    case CplStatus.OK: return NdisStatus.SUCCESS;
    case CplStatus.UPLOAD_IN_PROGRESS: return NdisStatus.UPLOAD_IN_PROGRESS;
    case CplStatus.INVALID_STATE: return NdisStatus.INVALID_STATE;
    // the card had no send entry left: nothing of it (nor of any later send on the connection,
    // R42) was taken, so the bytes are still the host's to send, not lost as after an RST
    case CplStatus.RESOURCES: return NdisStatus.RESOURCES;
    default: return NdisStatus.REQUEST_ABORTED;
  }
}

export class ChimneyTarget {
  readonly handle: NdisHandle;
  private readonly handlers: TcpOffloadEventHandlers;
  private nextId = 1;
  private readonly byConn = new Map<number, OffloadedObject>();
  /** NIC buffers by the id the card echoes in TCP_RECV_INDICATE */
  private readonly nicBuffers = new Map<number, DmaBuffer>();
  /** receive indications the host refused, data taken into `held` */
  indicationsRefused = 0;
  /** connections on which the card failed to write received data (see hardwareFailure) */
  hardwareFailures = 0;
  /** NeighborReachabilityQuery indications made for the card (R70) */
  neighborQueries = 0;
  /** neighbor ids free on the card (filled from its connection count on first use) */
  private neighborSlots: number[] | undefined;
  /** offloaded neighbors by their id on the card */
  private readonly bySlot = new Map<number, OffloadedObject>();
  /** bytes the card stashed behind out-of-order isles (TCP_RECV_STASH), taken into `held` */
  stashedBytes = 0;
  /** a receive NBL the card handed back (RETURNED): the bytes already in it */
  private readonly receiveCarried = new WeakMap<NetBufferList, number>();
  /** state requests posted to the card, for tests and halt */
  stateRequests = 0;
  /** send and graceful-disconnect NBLs that waited here for the card's send entries (R40) */
  sendsQueued = 0;
  /** the most of the card's send entries held at once */
  sendEntriesPeak = 0;
  /** the card's send entries held by descriptors posted and not yet completed */
  private sendEntriesInUse = 0;
  /** postings waiting for send entries, all connections, in the order they were posted */
  private readonly sendsWaiting: SendPosting[] = [];
  /** pumpSends() is running: a completion inside it (an adapter that stopped) starts no second one */
  private pumping = false;
  /** > 0 inside a handler or while posting: completions then wait for a microtask, never inside the handler */
  private deferCompletions = 0;

  constructor(private readonly adapter: MiniportAdapter, private readonly ndis: Ndis, name: string) {
    this.handle = ndis.registerMiniport(name, this, adapter.link.memory);
    const generic: ProviderChimneyGeneric = {
      kind: 'provider-generic',
      initiateOffload: (_c, list) => { void this.initiate(list); },
      terminateOffload: (_c, list) => { void this.simple('terminate', list); },
      updateOffload: (_c, list) => { void this.update(list); },
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
          // MiniportReserved says whose memory it is: a NIC buffer goes back to the card, a
          // copy made for BufferedData at terminate is freed
          const r = n.miniportReserved as ReservedBuffer | null;
          if (r && 'nicBuffer' in r) this.lendNicBuffer(r.nicBuffer, false);
          else if (r && 'heldCopy' in r) this.adapter.link.memory.release(r.heldCopy);
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
    // the link's clock: the core clock, or in real-time mode the pace its cycles run at
    await link.mmioWrite(Reg.TICK_DIV, Math.max(1, Math.round(link.clockHz / p.ticksPerSecond)));
    await link.mmioWrite(Reg.TCP_ACK_FREQUENCY, p.tcpAckFrequency);
    await link.mmioWrite(Reg.TCP_DELAYED_ACK_TICKS, p.tcpDelayedAckTicks);
    await link.mmioWrite(Reg.TCP_MAX_RETRANSMISSIONS, p.tcpMaximumRetransmissions);
    await link.mmioWrite(Reg.TCP_DOUBT_REACH_RETRANS, p.tcpDoubtReachabilityRetransmissions);
    await link.mmioWrite(Reg.TCP_SWS_PREVENTION_TICKS, p.tcpSwsPreventionTicks);
    await link.mmioWrite(Reg.TCP_DUP_ACK_THRESHOLD, p.tcpDuplicateAckThreshold);
    await link.mmioWrite(Reg.TCP_PUSH_TICKS, p.tcpPushTicks);
    await link.mmioWrite(Reg.NCE_STALE_TICKS, p.nceStaleTicks);
    // R82: the FIN_WAIT_2 timer's 120 s (N:fin-wait-2-timer), in the host's ticks
    await link.mmioWrite(Reg.TCP_FIN_WAIT_2_TICKS, FIN_WAIT_2_SECONDS * p.ticksPerSecond);
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
        const slot = n.layer === 'neighbor' ? this.takeNeighborSlot() : -1;
        if (slot === undefined) {
          // more neighbors than the card holds connections: none of its connections could go
          n.status = NdisStatus.RESOURCES;
          failed.add(n);
          continue;
        }
        const obj = this.install(n, 0);
        obj.slot = slot;
        if (n.layer === 'neighbor') {
          obj.hrd = n.neighbor.cached?.hostReachabilityDelta ?? 0;
          this.bySlot.set(slot, obj);
        }
        obj.parent = n.layer === 'path' ? objectIn(chain, 'neighbor') : undefined;
        obj.dstMac = n.layer === 'neighbor' ? n.neighbor.cached?.dlDestinationAddress.slice(0, 6) : undefined;
        obj.pathMtu = n.layer === 'path' ? n.path.cached?.pathMtu : undefined;
        n.status = NdisStatus.SUCCESS;
        continue;
      }
      const status = await this.offloadConnection(n, chain);
      n.status = status;
      if (status !== NdisStatus.SUCCESS) failed.add(n);
    }
    settleInitiateStatuses(list, roles, tried);
    // the completion takes the blocks back to the protocol's view: the contexts first
    const taken = [...tried].map((n) => n.miniportOffloadContext?.value as OffloadedObject | undefined);
    this.ndis.mInitiateOffloadComplete(this.handle, list);
    for (const obj of taken) {
      const early = obj?.early;
      if (!obj || !early) continue;
      obj.early = undefined;
      for (const e of early) this.event(e);
    }
  }

  private install(n: OffloadBlockList, conn: number): OffloadedObject {
    const obj: OffloadedObject = {
      layer: n.layer, id: this.nextId++, ndisOffloadHandle: n.ndisOffloadHandle!, conn, terminated: false, held: [], disconnectDeferred: false,
      early: n.layer === 'tcp' ? [] : undefined, parent: undefined, dstMac: undefined, pathMtu: undefined, tcpConst: undefined,
      sendQueue: [], sendsAtCard: 0, sendsEndWith: undefined, hardwareFailed: false, slot: -1, hrd: 0,
    };
    n.miniportOffloadContext!.value = obj;
    if (n.layer === 'tcp') this.byConn.set(conn, obj);
    return obj;
  }

  /** Flattens neighbor, path and TCP state into a ConnStateBlock and posts OFFLOAD_INITIATE. */
  private async offloadConnection(tcp: OffloadBlockList, chain: OffloadBlockList[]): Promise<number> {
    const neighbor = chain.find((x) => x.layer === 'neighbor');
    const path = chain.find((x) => x.layer === 'path');
    if (this.nicBuffers.size === 0) this.lendNicBuffers();
    const block = this.adapter.allocMapped(CONN_STATE_BYTES);
    try {
      writeConnState(block, neighbor, path, tcp);
      this.stateRequests++;
      // installed from the DPC, in completion-ring order: the card may queue an event for the
      // connection right behind the completion (data that arrived at once), and that event
      // must find it (the promise settles only after the DPC would have dropped the event)
      const c = await this.request({ opcode: Opcode.OFFLOAD_INITIATE, flags: 0, addr: block.addr, length: CONN_STATE_BYTES, conn: 0, param: 0 }, (done) => {
        if (stateStatus(done.status, true) !== NdisStatus.SUCCESS) return;
        const obj = this.installed(tcp, done.conn);
        obj.parent = objectIn(chain, 'path');
        obj.tcpConst = tcp.tcp.const;
      });
      return stateStatus(c.status, true);
    } finally {
      this.adapter.freeMapped(block);
    }
  }

  /** A connection the card took: what the host handed over goes to it at once. */
  private installed(tcp: OffloadBlockList, conn: number): OffloadedObject {
    const obj = this.install(tcp, conn);
    // R17: BufferedData is copied now; the host keeps its NBLs
    const buffered = tcp.tcp.delegated?.bufferedData ?? null;
    for (const nbl of nblArray(buffered)) for (const nb of nbl.netBuffers()) if (nb.dataLength > 0) obj.held.push(nb.read());
    // §5.1: the data from SndUna on that the host handed over belongs to the card now; it
    // goes first into the connection's send queue and completes like any send
    const chain = tcp.netBufferListChain;
    if (chain) {
      tcp.netBufferListChain = null;
      this.dataRequests(obj, chain, Opcode.TCP_SEND, 0, 'send');
    }
    // R21: closed by the host before the offload, its FIN not yet acknowledged: a
    // disconnect of our own after that data tells the card where the FIN is (it knows
    // from SndMax that the FIN was sent). Its completion is ours, never the host's.
    const state = tcp.tcp.delegated?.state;
    if (state === TcpOffloadConnectionState.FIN_WAIT1 || state === TcpOffloadConnectionState.CLOSING || state === TcpOffloadConnectionState.LAST_ACK) {
      // with the peer's FIN already in (CLOSING, LAST_ACK), the ACK of ours ends the
      // connection (TIME_WAIT or CLOSED) and no host request learns it: the target asks
      // for the upload (N:overview-of-tcp-timers). In FIN_WAIT1 the peer's FIN comes as
      // the DISCONNECT event later.
      const ends = state !== TcpOffloadConnectionState.FIN_WAIT1;
      // behind the handed-over sends, which may be waiting for send entries
      this.submitSend({
        obj, entries: 0,
        post: () => this.adapter.postRequestWith({ opcode: Opcode.TCP_DISCONNECT, flags: 0, addr: 0, length: 0, conn, param: 0 }, (done) => {
          if (ends && done.status === CplStatus.OK && this.byConn.get(conn) === obj)
            this.handlers.tcpOffloadEventHandler(obj.ndisOffloadHandle, TcpOffloadEventType.RETRIEVE, UploadReason.UPLOAD_REQUESTED);
          this.sendPostingDone(obj);
        }),
        settle: () => {},
      });
      void this.adapter.flushDoorbells();
    }
    return obj;
  }

  /**
   * Update (R22): only cached values change. A connection's own (TTL, TOS) go to the card with
   * it; a neighbor's next-hop MAC and a path's MTU are kept here and go to every connection on
   * the card that depends on them, as does a path relinked to a new neighbor (a path node under
   * a neighbor node in the tree). A node is SUCCESS when the card took every update it caused.
   */
  private async update(list: OffloadBlockList): Promise<void> {
    await Promise.resolve();
    const chain: OffloadBlockList[] = [];
    for (const n of traverse(list)) {
      while (chain.length > 0 && !isAncestor(chain[chain.length - 1]!, n)) chain.pop();
      const above = objectIn(chain, 'neighbor');
      chain.push(n);
      const obj = n.miniportOffloadContext?.value as OffloadedObject | undefined;
      if (!obj || obj.terminated) { n.status = NdisStatus.FAILURE; continue; }
      let ok = true;
      if (obj.layer === 'tcp') {
        ok = await this.updateConnection(obj, n.tcp.cached);
      } else {
        let changed = false;
        if (obj.layer === 'neighbor' && n.neighbor.cached) {
          obj.dstMac = n.neighbor.cached.dlDestinationAddress.slice(0, 6);
          changed = true;
        }
        if (obj.layer === 'path') {
          if (n.path.cached) { obj.pathMtu = n.path.cached.pathMtu; changed = true; }
          if (above && above !== obj.parent) { obj.parent = above; changed = true; }
        }
        if (changed) {
          const under = [...this.byConn.values()].filter((c) => !c.terminated && (c.parent === obj || c.parent?.parent === obj));
          for (const c of under) ok = (await this.updateConnection(c, undefined)) && ok;
        }
      }
      n.status = ok ? NdisStatus.SUCCESS : NdisStatus.FAILURE;
    }
    this.ndis.mUpdateOffloadComplete(this.handle, list);
  }

  /** OFFLOAD_UPDATE of one connection: its neighbor's MAC, its path's MTU (with its remote MSS) and `cached` if given. */
  private async updateConnection(c: OffloadedObject, cached: OffloadBlockList['tcp']['cached']): Promise<boolean> {
    const path = c.parent;
    const neighbor = path?.parent;
    const nb = neighbor?.dstMac ? new OffloadBlockList(OffloadStateType.NEIGHBOR, null, {
      const: { dlSourceAddress: new Uint8Array(6), vlanId: 0 }, cached: { dlDestinationAddress: neighbor.dstMac, hostReachabilityDelta: 0 },
    }) : undefined;
    const pa = path?.pathMtu !== undefined && c.tcpConst ? new OffloadBlockList(OffloadStateType.IP4, null, {
      const: { sourceAddress: new Uint8Array(4), destinationAddress: new Uint8Array(4) }, cached: { pathMtu: path.pathMtu },
    }) : undefined;
    const tcp = new OffloadBlockList(OffloadStateType.TCP, null, { ...(c.tcpConst ? { const: c.tcpConst } : {}), ...(cached ? { cached } : {}) });
    const block = this.adapter.allocMapped(CONN_STATE_BYTES);
    try {
      writeConnState(block, nb, pa, tcp);
      this.stateRequests++;
      const done = await this.request({ opcode: Opcode.OFFLOAD_UPDATE, flags: 0, addr: block.addr, length: CONN_STATE_BYTES, conn: c.conn, param: 0 });
      return done.status === CplStatus.OK;
    } finally {
      this.adapter.freeMapped(block);
    }
  }

  /** Terminate, update, invalidate and query: neighbor/path here, connections on the card. */
  private async simple(op: 'terminate' | 'invalidate' | 'query', list: OffloadBlockList): Promise<void> {
    await Promise.resolve();
    const opcode = { terminate: Opcode.OFFLOAD_TERMINATE, invalidate: Opcode.OFFLOAD_INVALIDATE, query: Opcode.OFFLOAD_QUERY }[op];
    // neighbors' NRD reads, not waited for one by one: the connections' requests go out behind them
    const reads: Promise<void>[] = [];
    for (const n of traverse(list)) {
      const obj = n.miniportOffloadContext?.value as OffloadedObject | undefined;
      if (!obj) { n.status = NdisStatus.FAILURE; continue; }
      if (obj.layer !== 'tcp') {
        if (obj.slot >= 0 && !obj.terminated && (op === 'query' || op === 'terminate')) {
          // a neighbor's delegated state: its NRD, from the NRT the card keeps (R70, R71)
          this.stateRequests++;
          reads.push(this.request({ opcode: Opcode.NEIGHBOR_NRD, flags: 0, addr: 0, length: 0, conn: obj.slot, param: 0 }).then((c) => {
            if (c.status === CplStatus.OK) n.neighbor.delegated = { nicReachabilityDelta: c.length >>> 0 };
          }));
        }
        if (op === 'terminate') {
          obj.terminated = true;
          if (obj.slot >= 0 && this.bySlot.get(obj.slot) === obj) {
            this.bySlot.delete(obj.slot);
            this.neighborSlots?.push(obj.slot);
          }
        }
        n.status = NdisStatus.SUCCESS;
        continue;
      }
      // sends still waiting for send entries never reach the card: they complete as the card
      // completes those it has at terminate, after them and before the terminate (R30, R31)
      if (op === 'terminate') this.endSends(obj, NdisStatus.UPLOAD_IN_PROGRESS);
      const block = this.adapter.allocMapped(CONN_STATE_BYTES);
      try {
        this.stateRequests++;
        const c = await this.request({ opcode, flags: 0, addr: block.addr, length: CONN_STATE_BYTES, conn: obj.conn, param: 0 });
        n.status = stateStatus(c.status, false);
        // R36: a query or invalidate the card could not carry out leaves the connection's
        // hardware state in doubt: FAILURE (above), then TcpIndicateRetrieve(HardwareFailure)
        // and TcpIndicateAbort, and at the terminate that follows what is outstanding ends
        // REQUEST_ABORTED. (A terminate that failed has lost the connection on the card already.)
        if (c.status !== CplStatus.OK && op !== 'terminate' && n.status === NdisStatus.FAILURE) this.hardwareFailure(obj);
        if (c.status === CplStatus.OK && (op === 'terminate' || op === 'query')) {
          const d = decodeTcpDelegatedState(block.view, CONN_STATE_TCP_DELEGATED_OFFSET);
          n.tcp.delegated = { ...(n.tcp.delegated ?? emptyTcpDelegated()), ...fromWire(d) };
        }
        if (op === 'terminate') {
          obj.terminated = true;
          this.byConn.delete(obj.conn);
          // the card completed its own sends before the terminate; should one still be
          // outstanding (a card that failed), the queued ones complete all the same
          this.settleQueuedSends(obj, true);
          // R32: data received but not yet taken by the host goes back as BufferedData
          if (c.status === CplStatus.OK && obj.held.length > 0 && n.tcp.delegated) {
            n.tcp.delegated.bufferedData = chainNbls(obj.held.splice(0).map((d) => this.heldNbl(d)));
          }
        }
      } finally {
        this.adapter.freeMapped(block);
      }
    }
    await Promise.all(reads);
    const complete = {
      terminate: () => this.ndis.mTerminateOffloadComplete(this.handle, list),
      invalidate: () => this.ndis.mInvalidateOffloadComplete(this.handle, list),
      query: () => this.ndis.mQueryOffloadStateComplete(this.handle, list),
    }[op];
    complete();
  }

  /**
   * Posts one control request and rings the doorbell; resolves with its completion. `inDpc`
   * sees the completion first, inside the DPC, in completion-ring order with the events.
   */
  private request(fields: Parameters<MiniportAdapter['postRequest']>[0], inDpc?: (c: CompletionFields) => void): Promise<CompletionFields> {
    const done = new Promise<CompletionFields>((resolve) => this.adapter.postRequestWith(fields, (c) => {
      inDpc?.(c);
      resolve(c);
    }));
    void this.adapter.flushDoorbells();
    return done;
  }

  // ------------------------------------------------------------------ I/O

  /**
   * Send, receive post, disconnect, forward: one descriptor per contiguous run of an NBL's bytes;
   * an NBL completes when all of its descriptors have, with the first failure's status. Sends and
   * graceful disconnects the card has no send entries for wait here (R40). Always PENDING (R38).
   */
  private dataRequests(ctx: unknown, first: NetBufferList, opcode: number, flags: number, op: 'send' | 'receive' | 'disconnect' | 'forward'): number {
    const obj = ctx as OffloadedObject;
    const complete = {
      send: (n: NetBufferList) => this.handlers.tcpOffloadSendComplete(this.handle, n),
      receive: (n: NetBufferList) => this.handlers.tcpOffloadReceiveComplete(this.handle, n),
      disconnect: (n: NetBufferList) => this.handlers.tcpOffloadDisconnectComplete(this.handle, n),
      forward: (n: NetBufferList) => this.handlers.tcpOffloadForwardComplete(this.handle, n),
    }[op];
    const abortive = op === 'disconnect' && (flags & RequestFlag.ABORTIVE) !== 0;
    // what takes the card's send entries, and must keep its order behind what waits for them
    const viaSendQueue = op === 'send' || (op === 'disconnect' && !abortive);
    this.deferCompletions++;
    // R58: the sends waiting here are aborted too, after those the card aborts
    if (abortive) this.endSends(obj, NdisStatus.REQUEST_ABORTED);
    for (const nbl of nblArray(first)) {
      nbl.next = null;
      // one descriptor per contiguous run of bytes: MDLs are not contiguous in host memory
      let runs: { addr: number; length: number }[] = [];
      for (const nb of nbl.netBuffers()) runs.push(...mdlRuns(nb.currentMdl, nb.currentMdlOffset, nb.dataLength));
      // bytes put into this NBL before the card handed it back (RETURNED) and it came through here again
      const carried = op === 'receive' ? this.receiveCarried.get(nbl) ?? 0 : 0;
      let bytes = 0;
      let returned = false;
      const whole = runs;
      if (op === 'receive' && obj.held.length > 0 && !obj.terminated) {
        // bytes this target holds come first (R55); a push-mode buffer completes with them
        bytes = this.drainHeld(obj, runs);
        const total = runs.reduce((a, r) => a + r.length, 0);
        if (bytes === total || (bytes > 0 && !nbl.info.tcpReceiveNoPush)) {
          nbl.status = NdisStatus.SUCCESS;
          nbl.info.tcpOffloadBytesTransferred = carried + bytes;
          this.receiveCarried.delete(nbl);
          advanceBy(nbl, bytes);
          this.completeReceive(obj, nbl, complete, true);
          continue;
        }
        runs = skipRuns(runs, bytes);
      }
      if (runs.length === 0) runs.push({ addr: 0, length: 0 }); // a zero-byte receive or a bare FIN
      let left = runs.length;
      let status: number = NdisStatus.SUCCESS;
      let mapped: { addr: number; length: number }[] = [];
      let writeFailed = false;
      const done = (c: CompletionFields): void => {
        if (op === 'receive' && c.status === CplStatus.RETURNED) returned = true;
        else if (c.status !== CplStatus.OK && status === NdisStatus.SUCCESS) {
          status = ioStatus(c.status);
          // R36: on a connection whose hardware state is corrupt, what the terminate flushes
          // (UPLOAD_IN_PROGRESS at the card) is aborted: the host does not send it again
          if (obj.hardwareFailed && status === NdisStatus.UPLOAD_IN_PROGRESS) status = NdisStatus.REQUEST_ABORTED;
        }
        if (op === 'receive' && c.status === CplStatus.DMA_ERROR) writeFailed = true;
        bytes += c.length;
        if (--left === 0) {
          for (const m of mapped) this.adapter.unmapRange(m);
          if (op === 'receive' && (writeFailed || obj.hardwareFailed)) {
            // some of the card's bytes are not in host memory, or lie past bytes that are not:
            // none of them reaches the host (only those this target copied in before, which are)
            nbl.status = NdisStatus.REQUEST_ABORTED;
            nbl.info.tcpOffloadBytesTransferred = carried;
            this.receiveCarried.delete(nbl);
            this.completeReceive(obj, nbl, complete, this.deferCompletions > 0);
            if (writeFailed) this.hardwareFailure(obj);
            return;
          }
          if (returned && status === NdisStatus.SUCCESS && !obj.terminated) {
            // handed back untouched from behind an isle: the stashed bytes go in first, the
            // rest is posted again, at once, so the receives keep the order they were posted in
            // and nothing posted later takes held bytes before them (R46)
            advanceBy(nbl, bytes);
            this.receiveCarried.set(nbl, carried + bytes);
            this.dataRequests(obj, nbl, opcode, flags, 'receive');
            return;
          }
          // bytes held here arrived before the card filled this buffer: they go first (R57);
          // a card whose receive side ended (the peer's FIN: INVALID_STATE) still owes them
          if (op === 'receive' && obj.held.length > 0 && (status === NdisStatus.SUCCESS || status === NdisStatus.INVALID_STATE)) {
            bytes = this.rotateHeld(obj, whole, status === NdisStatus.SUCCESS ? bytes : 0);
            if (bytes > 0) status = NdisStatus.SUCCESS;
          }
          nbl.status = status;
          // R43: the count, and the data start moved past it (a send that did not complete
          // goes out again in software from there)
          nbl.info.tcpOffloadBytesTransferred = carried + bytes;
          this.receiveCarried.delete(nbl);
          advanceBy(nbl, bytes);
          // from the DPC at once, so a receive completes before an indication or a disconnect
          // the card queued after it (R64); never inside this handler (an adapter that stopped)
          if (op === 'receive') this.completeReceive(obj, nbl, complete, this.deferCompletions > 0);
          else if (this.deferCompletions > 0) queueMicrotask(() => complete(chainNbls([nbl])!));
          else complete(chainNbls([nbl])!);
          if (viaSendQueue) this.sendPostingDone(obj);
        }
      };
      const post = (): void => {
        this.deferCompletions++;
        try {
          // the device may touch the data only while the request is outstanding
          mapped = runs.filter((r) => r.length > 0).map((r) => this.adapter.mapRange(r.addr, r.length));
          for (const r of runs) {
            const fields = { opcode, flags, addr: r.addr, length: r.length, conn: obj.conn, param: 0 };
            // a descriptor with bytes holds a send entry until it completes; the card frees it
            // no later than the completion leaves, so the count here never falls short of the card's
            if (viaSendQueue && r.length > 0) {
              this.adapter.postRequestWith(fields, (c) => {
                this.sendEntriesInUse--;
                done(c);
                this.pumpSends();
              });
            } else {
              this.adapter.postRequestWith(fields, done);
            }
          }
        } finally {
          this.deferCompletions--;
        }
      };
      if (!viaSendQueue) {
        post();
        continue;
      }
      this.submitSend({
        obj, entries: runs.filter((r) => r.length > 0).length, post,
        settle: (s) => {
          nbl.status = s;
          nbl.info.tcpOffloadBytesTransferred = 0;
          complete(chainNbls([nbl])!);
        },
      });
    }
    this.deferCompletions--;
    void this.adapter.flushDoorbells();
    return NdisStatus.PENDING;
  }

  /**
   * Completes a receive NBL to the host in stream order: at once, or (`defer`, or while others
   * wait) behind the ones already waiting for their microtask.
   */
  private completeReceive(obj: OffloadedObject, nbl: NetBufferList, complete: (n: NetBufferList) => void, defer: boolean): void {
    if (obj.receivesDeferred) {
      obj.receivesDeferred.push(nbl);
      return;
    }
    if (!defer) {
      complete(chainNbls([nbl])!);
      return;
    }
    const waiting = [nbl];
    obj.receivesDeferred = waiting;
    queueMicrotask(() => {
      // completions may queue more behind these while they run: take them too, in order
      while (waiting.length > 0) complete(chainNbls([waiting.shift()!])!);
      obj.receivesDeferred = undefined;
    });
  }

  // ------------------------------------------------------------------ send entries (R40)

  /**
   * A send or graceful disconnect: to the card at once if it has the entries and nothing waits
   * before it; otherwise it waits behind its connection's earlier postings and every posting
   * of other connections that came first.
   */
  private submitSend(p: SendPosting): void {
    const obj = p.obj;
    if (obj.sendsEndWith !== undefined) {
      obj.sendQueue.push(p);
      this.settleQueuedSends(obj, false);
      return;
    }
    if (obj.sendQueue.length === 0 && this.sendsWaiting.length === 0 && this.sendEntriesFree(p.entries)) {
      this.postSend(p);
      return;
    }
    obj.sendQueue.push(p);
    this.sendsWaiting.push(p);
    this.sendsQueued++;
  }

  /**
   * Whether `entries` more fit in the card's send pool. SEND_ENTRIES 0 (no TOE, or a card that
   * does not say) sets no limit; a posting larger than the whole pool goes alone once the card
   * holds none, rather than never (the card may then refuse its tail: RESOURCES).
   */
  private sendEntriesFree(entries: number): boolean {
    const pool = this.adapter.identity.sendEntries;
    return pool === 0 || this.sendEntriesInUse === 0 || this.sendEntriesInUse + entries <= pool;
  }

  private postSend(p: SendPosting): void {
    this.sendEntriesInUse += p.entries;
    this.sendEntriesPeak = Math.max(this.sendEntriesPeak, this.sendEntriesInUse);
    p.obj.sendsAtCard++;
    p.post();
  }

  /** Posts waiting postings, first come first served, while the card has the entries for them. */
  private pumpSends(): void {
    // each pass looks again, so completions that free entries during a post are seen
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.sendsWaiting.length > 0 && this.sendEntriesFree(this.sendsWaiting[0]!.entries)) {
        const p = this.sendsWaiting.shift()!;
        // a connection's postings wait in both lists in the same order: this is its first
        p.obj.sendQueue.shift();
        this.postSend(p);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** A send or graceful disconnect of `obj` the card had has completed. */
  private sendPostingDone(obj: OffloadedObject): void {
    obj.sendsAtCard--;
    this.settleQueuedSends(obj, false);
  }

  /**
   * Terminate, an abortive disconnect, the peer's RST: `obj`'s waiting postings will not go to
   * the card; they complete with `status` once the card has completed the ones it has. The
   * first cause stays (sends aborted by an RST are not uploaded at the terminate after it).
   */
  private endSends(obj: OffloadedObject, status: number): void {
    if (obj.sendsEndWith !== undefined) return;
    obj.sendsEndWith = status;
    for (let i = this.sendsWaiting.length - 1; i >= 0; i--) if (this.sendsWaiting[i]!.obj === obj) this.sendsWaiting.splice(i, 1);
    this.settleQueuedSends(obj, false);
    // its postings may have been first in line
    this.pumpSends();
    void this.adapter.flushDoorbells();
  }

  /**
   * Completes `obj`'s waiting postings, in order, with its end status once the card has none of
   * its postings left (`force`: at once), after the card's own completions.
   */
  private settleQueuedSends(obj: OffloadedObject, force: boolean): void {
    const status = obj.sendsEndWith;
    if (status === undefined || obj.sendQueue.length === 0 || (obj.sendsAtCard > 0 && !force)) return;
    const waiting = obj.sendQueue.splice(0);
    const settle = (): void => { for (const p of waiting) p.settle(status); };
    // behind a completion the card gave while posting, which waits for a microtask too
    if (this.deferCompletions > 0) queueMicrotask(settle);
    else settle();
  }

  // ------------------------------------------------------------------ receive indications

  /** Lends the card its NIC buffers (once, before the first connection arrives). */
  private lendNicBuffers(): void {
    for (let id = 1; id <= NIC_BUFFERS; id++) {
      this.nicBuffers.set(id, this.adapter.allocMapped(NIC_BUFFER_BYTES));
      this.lendNicBuffer(id, false);
    }
    void this.adapter.flushDoorbells();
  }

  /** Posts TCP_RECV_RETURN for buffer `id`; `ring`: the doorbell too (false: the caller rings once for several). */
  private lendNicBuffer(id: number, ring = true): void {
    const buf = this.nicBuffers.get(id);
    if (!buf) return;
    void this.adapter.postRequest({ opcode: Opcode.TCP_RECV_RETURN, flags: 0, addr: buf.addr, length: buf.length, conn: 0, param: id });
    if (ring) void this.adapter.flushDoorbells();
  }

  /**
   * TCP_RECV_INDICATE: `length` bytes in NIC buffer `id` found no posted receive. Indicated in
   * one stand-alone NBL (R52) unless refused data is still held (R55: then it queues behind
   * it); what the host does not consume is held here (R54) and the buffer goes back to the card.
   * TCP_RECV_STASH (`stash`): bytes for the receives the card hands back next (RETURNED, behind
   * an out-of-order isle), held here in order for them. `written`: the event's status, DMA_ERROR
   * if the card's write into the buffer failed.
   */
  private receiveIndicate(obj: OffloadedObject, id: number, length: number, stash: boolean, written: number): void {
    const buf = this.nicBuffers.get(id);
    if (!buf || length <= 0 || length > buf.length) return;
    if (written !== CplStatus.OK || obj.hardwareFailed) {
      // the card's write into the buffer failed (or an earlier one did): never indicated as data
      this.lendNicBuffer(id);
      if (written !== CplStatus.OK) this.hardwareFailure(obj);
      return;
    }
    if (stash) this.stashedBytes += length;
    // stashed data waits here for the receives the card hands back; other data behind held
    // bytes (R55) or receive completions still waiting for their microtask would overtake them
    if (stash || obj.held.length > 0 || obj.terminated || obj.receivesDeferred) {
      obj.held.push(buf.bytes.slice(0, length));
      this.lendNicBuffer(id);
      return;
    }
    const nbl = new NetBufferList(new NetBuffer(mdlFor(buf, 0, length), 0, length));
    nbl.miniportReserved = { nicBuffer: id } satisfies ReservedBuffer;
    nbl.status = NdisStatus.SUCCESS;
    const consumed = { value: 0 };
    const status = this.handlers.tcpOffloadReceiveHandler(obj.ndisOffloadHandle, nbl, NdisStatus.SUCCESS, consumed);
    if (status === NdisStatus.SUCCESS) return; // the host returns the NBL later (R54)
    const taken = status === NdisStatus.OFFLOAD_DATA_PARTIALLY_ACCEPTED ? Math.min(Math.max(consumed.value, 0), length) : 0;
    this.indicationsRefused++;
    obj.held.push(buf.bytes.slice(taken, length));
    this.lendNicBuffer(id);
  }

  /**
   * The card acknowledged received bytes it then failed to write into host memory: the
   * connection's hardware state is corrupt, and the documented procedure for that follows
   * (N:returning-the-completion-status-of-a-terminate-offload-operation): TcpIndicateRetrieve
   * with HardwareFailure (the host must upload), then TcpIndicateAbort; the sends waiting here end
   * REQUEST_ABORTED, and so do receives still at the card when they complete.
   */
  private hardwareFailure(obj: OffloadedObject): void {
    if (obj.hardwareFailed) return;
    obj.hardwareFailed = true;
    this.hardwareFailures++;
    if (obj.terminated) return;
    const h = obj.ndisOffloadHandle;
    this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.RETRIEVE, UploadReason.HARDWARE_FAILURE);
    this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.ABORT, 0);
    this.endSends(obj, NdisStatus.REQUEST_ABORTED);
  }

  /** A neighbor id free on the card, or undefined when every one is taken. */
  private takeNeighborSlot(): number | undefined {
    this.neighborSlots ??= Array.from({ length: this.adapter.identity.maxConns }, (_, i) => this.adapter.identity.maxConns - 1 - i);
    return this.neighborSlots.pop();
  }

  /**
   * R70: the card found neighbor `slot` stale (neither it nor the host has seen it reachable for
   * NceStaleTicks) before sending through it. NdisMOffloadEventIndicate with one neighbor block
   * list and its cached (HRD) and delegated (NRD) state; the host writes its HRD back at once,
   * and the card takes it (HRT = now - HRD).
   */
  private neighborQuery(slot: number, nrd: number): void {
    const obj = this.bySlot.get(slot);
    if (!obj || obj.terminated) return;
    this.neighborQueries++;
    const list = new OffloadBlockList(OffloadStateType.NEIGHBOR, obj.ndisOffloadHandle, {
      const: { dlSourceAddress: new Uint8Array(6), vlanId: 0 },
      cached: { dlDestinationAddress: obj.dstMac ?? new Uint8Array(6), hostReachabilityDelta: obj.hrd },
      delegated: { nicReachabilityDelta: nrd >>> 0 },
    });
    list.status = NdisStatus.SUCCESS;
    this.ndis.mOffloadEventIndicate(this.handle, list, IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY);
    obj.hrd = (list.neighbor.cached?.hostReachabilityDelta ?? 0) >>> 0;
    void this.request({ opcode: Opcode.NEIGHBOR_REACH, flags: 0, addr: 0, length: 0, conn: slot, param: obj.hrd });
  }

  /** Copies held bytes into the start of `runs`; returns how many. */
  private drainHeld(obj: OffloadedObject, runs: readonly { addr: number; length: number }[]): number {
    const mem = this.adapter.link.memory;
    let done = 0;
    for (const r of runs) {
      let off = 0;
      while (off < r.length && obj.held.length > 0) {
        const head = obj.held[0]!;
        const n = Math.min(head.length, r.length - off);
        mem.bytes.set(head.subarray(0, n), r.addr + off - mem.base);
        off += n;
        done += n;
        if (n === head.length) obj.held.shift();
        else obj.held[0] = head.subarray(n);
      }
      if (obj.held.length === 0) break;
    }
    this.afterHeldTaken(obj);
    return done;
  }

  /**
   * A buffer the card filled with `bytes` while older bytes were held here: the held bytes go
   * in front, what no longer fits is held again. Returns the bytes the buffer now holds.
   */
  private rotateHeld(obj: OffloadedObject, runs: readonly { addr: number; length: number }[], bytes: number): number {
    const mem = this.adapter.link.memory;
    const capacity = runs.reduce((a, r) => a + r.length, 0);
    const card = new Uint8Array(bytes);
    let off = 0;
    for (const r of runs) {
      if (off >= bytes) break;
      const n = Math.min(r.length, bytes - off);
      card.set(mem.bytes.subarray(r.addr - mem.base, r.addr - mem.base + n), off);
      off += n;
    }
    if (bytes > 0) obj.held.push(card);
    const taken = this.drainHeld(obj, runs);
    return Math.min(taken, capacity);
  }

  /** Once nothing is held, a deferred disconnect is indicated (R64). */
  private afterHeldTaken(obj: OffloadedObject): void {
    if (obj.held.length > 0 || !obj.disconnectDeferred || obj.terminated) return;
    obj.disconnectDeferred = false;
    const h = obj.ndisOffloadHandle;
    // after the completion of the buffer that took the last held byte, which its caller queues next
    queueMicrotask(() => queueMicrotask(() => this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.DISCONNECT, 0)));
  }

  /** An NBL over a copy of held bytes, for BufferedData at terminate (returned by ReceiveReturn). */
  private heldNbl(data: Uint8Array): NetBufferList {
    const { nbl, buffer } = allocateNbl(this.adapter.link.memory, data.length, { data });
    nbl.miniportReserved = { heldCopy: buffer } satisfies ReservedBuffer;
    return nbl;
  }

  // ------------------------------------------------------------------ events

  private event(e: CompletionFields): void {
    if (e.opcode === EventCode.NEIGHBOR_QUERY) {
      this.neighborQuery(e.conn, e.info);
      return;
    }
    const obj = this.byConn.get(e.conn);
    if (!obj) {
      // data for a connection already terminated: the card's buffer comes back all the same
      if ((e.opcode === EventCode.TCP_RECV_INDICATE || e.opcode === EventCode.TCP_RECV_STASH) && this.nicBuffers.has(e.info)) {
        this.lendNicBuffer(e.info);
      }
      return;
    }
    if (obj.early) {
      obj.early.push(e);
      return;
    }
    const h = obj.ndisOffloadHandle; // R15
    switch (e.opcode) {
      case EventCode.TCP_DISCONNECT:
        if (obj.held.length > 0) obj.disconnectDeferred = true;
        // after the receive completions still waiting for their microtask (R64)
        else if (obj.receivesDeferred) queueMicrotask(() => this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.DISCONNECT, 0));
        else this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.DISCONNECT, 0);
        break;
      case EventCode.TCP_ABORT:
        this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.ABORT, 0);
        // R65: the card completes what it has aborted, after this event; the queued sends follow
        this.endSends(obj, NdisStatus.REQUEST_ABORTED);
        break;
      case EventCode.TCP_RETRIEVE: this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.RETRIEVE, e.info); break;
      case EventCode.TCP_SEND_BACKLOG: this.handlers.tcpOffloadEventHandler(h, TcpOffloadEventType.SEND_BACKLOG_CHANGE, e.info); break;
      case EventCode.TCP_RECV_INDICATE: this.receiveIndicate(obj, e.info, e.length, false, e.status); break;
      case EventCode.TCP_RECV_STASH: this.receiveIndicate(obj, e.info, e.length, true, e.status); break;
      case EventCode.OFFLOAD_PAUSE: this.ndis.mIndicateStatusEx(this.handle, NdisStatus.OFFLOAD_PAUSE); break;
      case EventCode.UPLOAD_ALL: this.ndis.mIndicateStatusEx(this.handle, NdisStatus.UPLOAD_ALL); break;
      case EventCode.OFFLOAD_RESUME: this.ndis.mIndicateStatusEx(this.handle, NdisStatus.OFFLOAD_RESUME); break;
      default: break;
    }
  }
}

/** `runs` without their first `n` bytes. */
/** R43: moves the data start of an NBL's NET_BUFFERs, in order, past `bytes` transferred. */
function advanceBy(nbl: NetBufferList, bytes: number): void {
  let left = bytes;
  for (const nb of nbl.netBuffers()) {
    if (left === 0) break;
    const k = Math.min(left, nb.dataLength);
    advanceNetBufferDataStart(nb, k);
    left -= k;
  }
}

function skipRuns(runs: readonly { addr: number; length: number }[], n: number): { addr: number; length: number }[] {
  const out: { addr: number; length: number }[] = [];
  let skip = n;
  for (const r of runs) {
    if (skip >= r.length) { skip -= r.length; continue; }
    out.push({ addr: r.addr + skip, length: r.length - skip });
    skip = 0;
  }
  return out;
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
  // the neighbor's id on the card (a linker's object is the one already offloaded)
  const slot = (neighbor?.miniportOffloadContext?.value as OffloadedObject | undefined)?.slot ?? 0;
  encodeConnStateBlock(v, { neighborId: Math.max(slot, 0), pathId: 0, validMask: valid }, 0);
}

/** The object of the nearest node of `layer` in an ancestor chain (new or already offloaded). */
function objectIn(chain: readonly OffloadBlockList[], layer: OffloadedObject['layer']): OffloadedObject | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const n = chain[i]!;
    if (n.layer === layer) return n.miniportOffloadContext?.value as OffloadedObject | undefined;
  }
  return undefined;
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
