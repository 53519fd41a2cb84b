/**
 * The protocol driver's chimney half (DIGEST.md §2, §5; the [H] rules): it binds to a miniport
 * (an offload target or an intermediate driver's virtual miniport) as an NDIS protocol with
 * the client chimney sets, offloads live connections of the software stack by an
 * `OffloadPolicy`, routes the user's sends, receives and closes through NDIS while they are
 * offloaded, forwards segments that reach the host for them, handles every completion status
 * and event, and uploads them (terminate + restore) on demand, on every mandatory retrieve
 * reason, on the peer's RST, after both FINs, on pause and on upload-all. No byte is lost,
 * duplicated or reordered across the hand-overs: the host keeps every send NBL in posting
 * order until the target completes it with SUCCESS or hands it back.
 *
 * Neighbor and path objects are shared between connections (one per next hop / remote
 * address) and terminated with the last connection that uses them (R34).
 */
import { isHostMemoryExhausted, type DmaBuffer, type HostMemory } from '../../../device/memory.js';
import type { BytesConsumed, ClientChimneyGeneric, ClientChimneyTcp, NdisHandle } from '../../../ndis/characteristics.js';
import { allocateNbl, nblArray, type NetBufferList } from '../../../ndis/nbl.js';
import {
  ChimneyOffloadType, IndicateOffloadEvent, OffloadBlockList, OffloadStateType, TcpDisconnectFlags, TcpOffloadEventType,
  newOffloadHandle, type NdisOffloadHandle,
} from '../../../ndis/offload.js';
import type { Ndis } from '../../../ndis/runtime.js';
import { NdisStatus, ndisStatusName, ndisSucceeded } from '../../../ndis/status.js';
import { StackError, StackErrorCode } from '../errors.js';
import { Emitter } from '../events.js';
import { seqDiff } from '../seq.js';
import type { TcpSocket } from '../socket.js';
import type { Stack } from '../stack.js';
import type { OffloadedPath, TcpConnection } from '../tcp-connection.js';
import { serializeTcp, TcpFlag, type TcpSegment } from '../tcp-segment.js';
import { TcpState } from '../tcp-state.js';
import {
  DEFAULT_OFFLOAD, OFFLOADABLE_STATES, OffloadError, OffloadErrorCode, TcpOffloadConnectionState, buildOffloadTree,
  prepareForOffload, suspendForOffload, type OffloadDefaults,
} from './state-tree.js';
import { restoreConnection, terminateTree } from './upload.js';

/** When the client offloads a connection of the stack. */
export type OffloadPolicy =
  /** never on its own (offload() still works) */
  | { readonly when: 'demand' }
  /** as soon as the connection is ESTABLISHED (R21 states) */
  | { readonly when: 'established' }
  /** once this many payload bytes have moved, both directions together */
  | { readonly when: 'bytes'; readonly threshold: number };

/** TCP_UPLOAD_REASON values the host must act on (R68). */
export const MANDATORY_UPLOAD_REASONS: readonly number[] = Object.freeze([5, 8, 9, 10, 11]);
/** TCP_UPLOAD_REASON HardwareFailure: the target's state for the connection is corrupt */
const HARDWARE_FAILURE = 11;

/** Why a connection came back to software. */
export type UploadCause =
  | { readonly kind: 'demand' }
  | { readonly kind: 'retrieve'; readonly reason: number }
  | { readonly kind: 'upload-all' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'io-failed'; readonly status: number };

export interface OffloadClientOptions {
  policy: OffloadPolicy;
  /** host defaults for the tree (TicksPerSecond must match the offload parameters, R5) */
  tree?: Partial<OffloadDefaults>;
  /** bytes per posted receive NBL (push mode) */
  receivePostSize?: number;
  /** largest send NBL the client builds from one send() */
  maxSendNbl?: number;
  /**
   * bytes of receive posts outstanding, all connections together (default half of host
   * memory, so sends always find room: a post completes only when data arrives). A connection
   * with no post gets one all the same; beyond that the card indicates into its own buffers.
   */
  receiveMemory?: number;
  /** upload on the optional retrieve reasons too (default: keep the connection offloaded) */
  uploadOnOptionalRetrieve?: boolean;
  /** how the client defers its own work (receive-return after an accepted indication) */
  defer?: (fn: () => void) => void;
  name?: string;
}

export type OffloadPhase = 'software' | 'offloading' | 'offloaded' | 'uploading';

export interface OffloadClientCounters {
  initiates: number;
  offloads: number;
  initiateFailures: number;
  terminates: number;
  uploads: number;
  /** terminates whose TCP block failed: the connection could not be taken back */
  uploadFailures: number;
  /** TcpIndicateRetrieve by reason (1..11) */
  retrieves: Record<number, number>;
  /** optional retrieves the client chose not to act on */
  retrievesKept: number;
  sends: number;
  sendBytesAcked: number;
  /** send NBLs completed UPLOAD_IN_PROGRESS / REQUEST_UPLOAD / UPLOAD_REQUESTED: re-sent in software */
  sendsReturned: number;
  sendsAborted: number;
  receivePosts: number;
  receiveBytes: number;
  indications: number;
  indicatedBytesAccepted: number;
  indicationsRefused: number;
  forwards: number;
  /** forwards the target completed with anything but SUCCESS (the segment then counts as lost; TCP recovers it) */
  forwardsRefused: number;
  /** segments the software held out of order at an offload, forwarded once it completed */
  outOfOrderForwards: number;
  /** segments held while their connection was being offloaded or uploaded */
  segmentsHeld: number;
  disconnects: number;
  backlogChanges: number;
  neighborQueries: number;
  pauseIndications: number;
  uploadAllIndications: number;
  resumeIndications: number;
  /** times a connection had to wait for host memory for a send or a receive post (retried as memory frees) */
  memoryShortfalls: number;
}

type ClientEvents = {
  offloaded: [conn: TcpConnection];
  offloadFailed: [conn: TcpConnection, status: number];
  uploaded: [conn: TcpConnection, cause: UploadCause];
};

/** A neighbor or path object several connections share. */
interface SharedObject {
  readonly layer: 'neighbor' | 'path';
  readonly key: string;
  readonly handle: NdisOffloadHandle;
  /** a path's neighbor */
  readonly parent: SharedObject | undefined;
  state: 'offloading' | 'offloaded';
  users: number;
}

/** What the client keeps in each of its NBLs' ProtocolReserved. */
interface NblContext {
  readonly path: OffloadedConnectionPath;
  /** the host-memory allocation behind the NBL (freed when the NBL comes back for good) */
  readonly buffer: DmaBuffer | undefined;
  readonly flags: number;
}

function contextOf(nbl: NetBufferList): NblContext | undefined {
  const c = nbl.protocolReserved as NblContext | null;
  return c && c.path instanceof OffloadedConnectionPath ? c : undefined;
}

interface SendRecord {
  readonly nbl: NetBufferList;
  readonly buffer: DmaBuffer | undefined;
  readonly length: number;
  /** pending: at the target; acked: SUCCESS; returned: completed without being sent (re-sent in software) */
  state: 'pending' | 'acked' | 'returned' | 'aborted';
}

const OWNER = 'flue-tcpip';
const DEFAULT_POST = 16 * 1024;
const DEFAULT_MAX_SEND_NBL = 64 * 1024;
/** receive NBLs posted at once per connection, at most */
const MAX_RECEIVE_POSTS = 64;

/** Payload bytes a connection has moved, both directions (policy 'bytes'). */
function bytesMoved(conn: TcpConnection): number {
  const sent = Math.max(0, seqDiff(conn.snd.una, conn.snd.iss) - 1);
  const received = Math.max(0, seqDiff(conn.rcv.nxt, conn.rcv.irs) - 1);
  return sent + received;
}

export class OffloadClient extends Emitter<ClientEvents> {
  readonly handle: NdisHandle;
  readonly counters: OffloadClientCounters = {
    initiates: 0, offloads: 0, initiateFailures: 0, terminates: 0, uploads: 0, uploadFailures: 0, retrieves: {}, retrievesKept: 0,
    sends: 0, sendBytesAcked: 0, sendsReturned: 0, sendsAborted: 0, receivePosts: 0, receiveBytes: 0, indications: 0,
    indicatedBytesAccepted: 0, indicationsRefused: 0, forwards: 0, forwardsRefused: 0, outOfOrderForwards: 0, segmentsHeld: 0, disconnects: 0, backlogChanges: 0,
    neighborQueries: 0, pauseIndications: 0, uploadAllIndications: 0, resumeIndications: 0, memoryShortfalls: 0,
  };
  private binding: NdisHandle | undefined;
  private readonly byHandle = new Map<NdisOffloadHandle, OffloadedConnectionPath>();
  private readonly byConn = new Map<TcpConnection, OffloadedConnectionPath>();
  private readonly neighbors = new Map<string, SharedObject>();
  private readonly paths = new Map<string, SharedObject>();
  private readonly sharedByHandle = new Map<NdisOffloadHandle, SharedObject>();
  /** connections the policy already tried (no automatic retry after a failure) */
  private readonly tried = new WeakSet<TcpConnection>();
  /** connections waiting for a shared object still being offloaded (R20), or for resume */
  private readonly waiting = new Set<TcpConnection>();
  /** connections whose data frames are still in the link (Stack.quiesceLink), then those clear of them */
  private readonly quiescing = new Set<TcpConnection>();
  private readonly linkClear = new Set<TcpConnection>();
  /** connections with sends or receive posts put off for want of host memory */
  private readonly memoryWaiters = new Set<OffloadedConnectionPath>();
  /** @internal bytes of receive posts outstanding, all connections together */
  receivePostedBytes = 0;
  /** the target paused offload (NDIS_STATUS_OFFLOAD_PAUSE) or the host paused the binding */
  private targetPaused = false;
  private hostPaused = false;
  readonly options: Required<Omit<OffloadClientOptions, 'tree' | 'name'>> & { tree: OffloadDefaults };

  constructor(readonly ndis: Ndis, readonly stack: Stack, readonly memory: HostMemory, options: OffloadClientOptions) {
    super();
    if (options.policy.when === 'bytes' && (!Number.isInteger(options.policy.threshold) || options.policy.threshold < 0))
      throw new StackError(StackErrorCode.BAD_ARGUMENT, `offload policy threshold ${options.policy.threshold} must be a non-negative integer`);
    const post = options.receivePostSize ?? DEFAULT_POST;
    if (!Number.isInteger(post) || post < 1) throw new StackError(StackErrorCode.BAD_ARGUMENT, `receivePostSize ${post} must be a positive integer`);
    const receiveMemory = options.receiveMemory ?? memory.size / 2;
    if (!Number.isInteger(receiveMemory) || receiveMemory < 0) throw new StackError(StackErrorCode.BAD_ARGUMENT, `receiveMemory ${receiveMemory} must be a non-negative integer`);
    const maxSendNbl = options.maxSendNbl ?? DEFAULT_MAX_SEND_NBL;
    this.options = {
      policy: options.policy, receivePostSize: post, maxSendNbl, receiveMemory,
      uploadOnOptionalRetrieve: options.uploadOnOptionalRetrieve ?? false, defer: options.defer ?? queueMicrotask,
      // the handed-over send data in NBLs the size of the sends after it
      tree: { ...DEFAULT_OFFLOAD, sendNblBytes: maxSendNbl, ...options.tree },
    };
    this.handle = ndis.registerProtocol(options.name ?? OWNER, { status: (_ctx, status) => this.statusIndication(status) });
    const generic: ClientChimneyGeneric = {
      kind: 'client-generic',
      initiateOffloadComplete: (_ctx, list) => this.initiateComplete(list),
      terminateOffloadComplete: (_ctx, list) => this.terminateComplete(list),
      updateOffloadComplete: () => undefined,
      invalidateOffloadComplete: () => undefined,
      queryOffloadComplete: () => undefined,
      indicateOffloadEvent: (_ctx, list, code) => this.offloadEvent(list, code),
    };
    const tcp: ClientChimneyTcp = {
      kind: 'client-tcp',
      offloadType: ChimneyOffloadType.TCP,
      tcpOffloadSendComplete: (_ctx, nbl) => this.each(nbl, (p, n) => p.sendComplete(n)),
      tcpOffloadReceiveComplete: (_ctx, nbl) => this.each(nbl, (p, n) => p.receiveComplete(n)),
      tcpOffloadDisconnectComplete: (_ctx, nbl) => this.each(nbl, (p, n) => p.disconnectComplete(n)),
      tcpOffloadForwardComplete: (_ctx, nbl) => this.each(nbl, (p, n) => p.forwardComplete(n)),
      tcpOffloadEvent: (h, type, info) => this.pathOf(h)?.event(type, info),
      tcpOffloadReceiveIndicate: (h, nbl, _status, bc) => this.receiveIndicate(h, nbl, bc),
    };
    ndis.setOptionalHandlers(this.handle, generic);
    ndis.setOptionalHandlers(this.handle, tcp);
    stack.observer = { segmentProcessed: (conn) => this.policyCheck(conn) };
  }

  /** NdisOpenAdapterEx to `miniport` (a target or an IM's virtual miniport). */
  bind(miniport: NdisHandle): void {
    if (this.binding) throw new OffloadError(OffloadErrorCode.NOT_OFFLOADABLE, 'the offload client is already bound');
    this.binding = this.ndis.openAdapter(this.handle, miniport, this);
  }

  /** Where a connection is now. */
  phaseOf(s: TcpSocket | TcpConnection): OffloadPhase {
    const conn = 'connection' in s ? s.connection : s;
    return this.byConn.get(conn)?.phase ?? 'software';
  }

  /** Connections offloaded or on their way. */
  get offloadedCount(): number {
    return this.byConn.size;
  }

  /** Neighbor and path objects offloaded now. */
  get sharedObjects(): { neighbors: number; paths: number } {
    return { neighbors: this.neighbors.size, paths: this.paths.size };
  }

  /**
   * Offloads a connection now (policy 'demand', or ahead of the policy). Throws OffloadError
   * outside the R21 states, without a binding with chimney, or with the next hop unresolved.
   * Completion arrives as 'offloaded' or 'offloadFailed'.
   */
  offload(s: TcpSocket | TcpConnection): void {
    const conn = 'connection' in s ? s.connection : s;
    const b = this.binding;
    if (!b || !this.ndis.chimneyEnabled(b)) throw new OffloadError(OffloadErrorCode.NOT_OFFLOADABLE, 'no binding with chimney offload enabled (R3)');
    if (this.byConn.has(conn) || this.quiescing.has(conn)) return;
    if (!OFFLOADABLE_STATES.includes(conn.state)) throw new OffloadError(OffloadErrorCode.NOT_OFFLOADABLE, `R21: a connection in ${conn.state} is not offloaded`);
    this.tried.add(conn);
    if (this.targetPaused || this.hostPaused) {
      this.waiting.add(conn);
      return;
    }
    this.initiate(conn, b);
  }

  /** @internal a path could not allocate: it retries when memory is released */
  waitForMemory(path: OffloadedConnectionPath): void {
    if (this.memoryWaiters.has(path)) return;
    this.counters.memoryShortfalls++;
    this.memoryWaiters.add(path);
  }

  /** @internal returns a buffer to host memory and lets a waiting connection try again */
  releaseMemory(buffer: DmaBuffer): void {
    this.memory.release(buffer);
    // first come, first served, until one finds memory short again (the rest keep waiting)
    for (const p of this.memoryWaiters) {
      this.memoryWaiters.delete(p);
      p.memoryAvailable();
      if (this.memoryWaiters.has(p)) return;
    }
  }

  /** Uploads one connection (terminate, then it carries on in software). */
  upload(s: TcpSocket | TcpConnection, cause: UploadCause = { kind: 'demand' }): void {
    const conn = 'connection' in s ? s.connection : s;
    this.byConn.get(conn)?.requestUpload(cause);
  }

  /** Uploads every offloaded connection (NDIS_STATUS_UPLOAD_ALL does this too). */
  uploadAll(cause: UploadCause = { kind: 'upload-all' }): void {
    for (const p of [...this.byConn.values()]) p.requestUpload(cause);
  }

  /** The host pauses the binding (unbind, power-down R93): every connection uploaded, none offloaded until resume(). */
  pause(): void {
    this.hostPaused = true;
    this.uploadAll({ kind: 'pause' });
  }

  resume(): void {
    this.hostPaused = false;
    this.retryWaiting();
  }

  // ------------------------------------------------------------------ policy

  private policyCheck(conn: TcpConnection): void {
    const policy = this.options.policy;
    if (policy.when === 'demand' || this.tried.has(conn) || this.byConn.has(conn)) return;
    if (conn.state !== TcpState.ESTABLISHED && conn.state !== TcpState.CLOSE_WAIT) return;
    if (policy.when === 'bytes' && bytesMoved(conn) < policy.threshold) return;
    if (!this.binding || !this.ndis.chimneyEnabled(this.binding) || !this.stack.neighborMac(conn.id.remoteIp)) return;
    this.offload(conn);
  }

  private retryWaiting(): void {
    if (this.targetPaused || this.hostPaused || !this.binding) return;
    for (const conn of [...this.waiting]) {
      this.waiting.delete(conn);
      if (!this.byConn.has(conn) && OFFLOADABLE_STATES.includes(conn.state)) this.initiate(conn, this.binding);
      else if (this.linkClear.delete(conn)) this.stack.releaseLink(conn);
    }
  }

  // ------------------------------------------------------------------ initiate

  private shared(layer: 'neighbor' | 'path', key: string, parent?: SharedObject): { obj: SharedObject; isNew: boolean } | 'busy' {
    const map = layer === 'neighbor' ? this.neighbors : this.paths;
    const have = map.get(key);
    if (have) return have.state === 'offloading' ? 'busy' : { obj: have, isNew: false };
    const obj: SharedObject = { layer, key, handle: newOffloadHandle(), parent, state: 'offloading', users: 0 };
    return { obj, isNew: true };
  }

  private initiate(conn: TcpConnection, binding: NdisHandle): void {
    if (!this.linkClear.has(conn) && !conn.snd.finQueued) {
      // the connection's frames still in the link leave first: queued in the card's ring
      // before the initiate, they would hold it up (and the segments held meanwhile with it),
      // and one that left after the card's first frame would take the peer's view backwards.
      // Not once the host has closed: everything is sent, and the connection may well end
      // while its frames leave (R21 lets a closing connection go to the card as it is)
      this.quiescing.add(conn);
      this.stack.quiesceLink(conn, () => {
        this.quiescing.delete(conn);
        const b = this.binding;
        const offloadable = b !== undefined && !this.byConn.has(conn) && OFFLOADABLE_STATES.includes(conn.state);
        if (!offloadable || !this.ndis.chimneyEnabled(b) || this.targetPaused || this.hostPaused) {
          this.stack.releaseLink(conn);
          // paused: tried again on resume
          if (offloadable) this.waiting.add(conn);
          return;
        }
        this.linkClear.add(conn);
        this.initiate(conn, b);
      });
      return;
    }
    const ip = conn.id.remoteIp;
    const n = this.shared('neighbor', `${ip}`);
    const p = n === 'busy' ? 'busy' : this.shared('path', `${conn.id.localIp}>${ip}`, n.obj);
    if (n === 'busy' || p === 'busy') {
      // R20: nothing may name an object whose offload is in progress; try when it completes
      this.waiting.add(conn);
      return;
    }
    this.linkClear.delete(conn);
    prepareForOffload(this.stack, conn);
    const handles = { neighbor: n.obj.handle, path: p.obj.handle, tcp: newOffloadHandle() };
    const tree = buildOffloadTree(this.stack, conn, handles, this.memory, this.options.tree);
    for (const s of [n, p]) {
      s.obj.users++;
      if (s.isNew) {
        (s.obj.layer === 'neighbor' ? this.neighbors : this.paths).set(s.obj.key, s.obj);
        this.sharedByHandle.set(s.obj.handle, s.obj);
      }
    }
    const path = new OffloadedConnectionPath(this, conn, handles.tcp, n.obj, p.obj);
    this.byHandle.set(handles.tcp, path);
    this.byConn.set(conn, path);
    path.suspend(tree.delegated.bufferedData, tree.tcp.netBufferListChain);
    // suspended: its output is the path's now (and the software's again if the initiate fails)
    this.stack.releaseLink(conn);
    this.counters.initiates++;
    this.ndis.initiateOffload(binding, tree.root);
  }

  private initiateComplete(root: OffloadBlockList): void {
    this.stack.operate(() => {
      let tcpNode: OffloadBlockList | undefined;
      for (let n: OffloadBlockList | null = root; n; n = n.dependentBlockList) {
        const obj = n.offloadHandle ? this.sharedByHandle.get(n.offloadHandle) : undefined;
        if (obj && obj.state === 'offloading') {
          if (ndisSucceeded(n.status) && n.status !== NdisStatus.PENDING) obj.state = 'offloaded';
          else this.forgetShared(obj);
        }
        if (n.type === OffloadStateType.TCP) tcpNode = n;
      }
      const path = tcpNode?.offloadHandle ? this.byHandle.get(tcpNode.offloadHandle) : undefined;
      if (path && tcpNode) {
        const ok = tcpNode.status === NdisStatus.SUCCESS;
        if (ok) {
          this.counters.offloads++;
          path.offloadSucceeded();
          this.emit('offloaded', path.conn);
        } else {
          this.counters.initiateFailures++;
          this.forgetPath(path);
          path.offloadFailed();
          this.emit('offloadFailed', path.conn, tcpNode.status);
        }
      }
      // objects offloaded for a connection that failed and used by no one: terminate them
      this.releaseUnused();
      this.retryWaiting();
    });
  }

  private forgetShared(obj: SharedObject): void {
    const map = obj.layer === 'neighbor' ? this.neighbors : this.paths;
    if (map.get(obj.key) === obj) map.delete(obj.key);
    this.sharedByHandle.delete(obj.handle);
  }

  /** A connection whose initiate failed: forgotten, and it no longer uses its neighbor and path. */
  private forgetPath(path: OffloadedConnectionPath): void {
    this.byHandle.delete(path.tcpHandle);
    this.byConn.delete(path.conn);
    path.neighbor.users--;
    path.path.users--;
  }

  private releaseUnused(): void {
    const b = this.binding;
    if (!b) return;
    for (const path of [...this.paths.values()]) {
      const root = this.underUnused(path, null);
      if (root) {
        this.counters.terminates++;
        this.ndis.terminateOffload(b, root);
      }
    }
  }

  /**
   * `tcp` (a terminate node, or null) under its path and the path under its neighbor, each
   * included (and forgotten) once no connection uses it: R34's order in one tree.
   */
  private underUnused(path: SharedObject, tcp: OffloadBlockList | null): OffloadBlockList | null {
    if (path.users > 0 || path.state !== 'offloaded') return tcp;
    this.forgetShared(path);
    let root = new OffloadBlockList(OffloadStateType.IP4, path.handle, { delegated: {} });
    root.dependentBlockList = tcp;
    const neighbor = path.parent;
    if (neighbor && neighbor.users === 0 && neighbor.state === 'offloaded') {
      this.forgetShared(neighbor);
      const n = new OffloadBlockList(OffloadStateType.NEIGHBOR, neighbor.handle, { delegated: { nicReachabilityDelta: 0 } });
      n.dependentBlockList = root;
      root = n;
    }
    return root;
  }

  // ------------------------------------------------------------------ terminate

  /** @internal issues the terminate for a connection (and its path/neighbor if it was their last user, R34) */
  terminate(path: OffloadedConnectionPath): void {
    const b = this.binding!;
    const tcp = terminateTree(path.tcpHandle);
    // the connection stays known ('uploading') until the terminate completes; its neighbor
    // and path lose a user now, so the last one goes in this same tree (R34)
    path.neighbor.users--;
    path.path.users--;
    this.counters.terminates++;
    this.ndis.terminateOffload(b, this.underUnused(path.path, tcp)!);
  }

  private terminateComplete(root: OffloadBlockList): void {
    this.stack.operate(() => {
      for (let n: OffloadBlockList | null = root; n; n = n.dependentBlockList) {
        if (n.type !== OffloadStateType.TCP || !n.offloadHandle) continue;
        const path = this.byHandle.get(n.offloadHandle);
        if (!path) continue;
        this.byHandle.delete(path.tcpHandle);
        this.byConn.delete(path.conn);
        if (n.status === NdisStatus.SUCCESS) this.counters.uploads++;
        else this.counters.uploadFailures++;
        const cause = path.uploaded(n);
        this.emit('uploaded', path.conn, cause);
      }
      this.retryWaiting();
    });
  }

  // ------------------------------------------------------------------ I/O completions and indications

  private pathOf(h: NdisOffloadHandle): OffloadedConnectionPath | undefined {
    return this.byHandle.get(h);
  }

  /** Routes each NBL of a completion to its connection (the NBL's ProtocolReserved). */
  private each(first: NetBufferList, fn: (p: OffloadedConnectionPath, nbl: NetBufferList) => void): void {
    this.stack.operate(() => {
      for (const nbl of nblArray(first)) {
        nbl.next = null;
        const c = contextOf(nbl);
        if (c) fn(c.path, nbl);
      }
    });
  }

  private receiveIndicate(h: NdisOffloadHandle, nbl: NetBufferList, bc: BytesConsumed): number {
    this.counters.indications++;
    const p = this.pathOf(h);
    if (!p) {
      bc.value = 0;
      this.counters.indicationsRefused++;
      return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED;
    }
    return this.stack.operate(() => p.indicate(nbl, bc));
  }

  /** @internal NdisOffloadTcpReceiveReturn, deferred past the indication (R54) */
  returnIndicated(nbl: NetBufferList): void {
    const b = this.binding;
    if (b) this.options.defer(() => this.ndis.offloadTcpReceiveReturn(b, nbl));
  }

  /** @internal */
  returnBuffered(chain: NetBufferList): void {
    if (this.binding) this.ndis.offloadTcpReceiveReturn(this.binding, chain);
  }

  private offloadEvent(list: OffloadBlockList | null, code: number): void {
    if (code !== IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY || !list) return;
    this.counters.neighborQueries++;
    const obj = list.offloadHandle ? this.sharedByHandle.get(list.offloadHandle) : undefined;
    const cached = list.neighbor.cached;
    if (!cached) return;
    // HRD: 0 when the host has no confirmed entry (it will probe); otherwise "confirmed just now"
    const known = obj ? this.stack.neighborMac(Number(obj.key)) !== undefined : false;
    cached.hostReachabilityDelta = known ? 1 : 0;
  }

  private statusIndication(status: number): void {
    this.stack.operate(() => {
      if (status === NdisStatus.OFFLOAD_PAUSE) {
        this.counters.pauseIndications++;
        this.targetPaused = true;
      } else if (status === NdisStatus.UPLOAD_ALL) {
        this.counters.uploadAllIndications++;
        this.targetPaused = true;
        this.uploadAll({ kind: 'upload-all' });
      } else if (status === NdisStatus.OFFLOAD_RESUME) {
        this.counters.resumeIndications++;
        this.targetPaused = false;
        this.retryWaiting();
      }
    });
  }

  /** @internal */
  optionalRetrieve(reason: number): boolean {
    return !MANDATORY_UPLOAD_REASONS.includes(reason) && !this.options.uploadOnOptionalRetrieve;
  }
}

/**
 * One connection while it is offloaded (or on its way there or back): the OffloadedPath the
 * TcpConnection hands user calls and segments to.
 */
export class OffloadedConnectionPath implements OffloadedPath {
  phase: OffloadPhase = 'offloading';
  /** every send NBL in posting order until it is acknowledged or taken back */
  private readonly sends: SendRecord[] = [];
  private outstanding = 0;
  /** data the user sent while NDIS I/O is not allowed (offloading, uploading, R20, R35) */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** R17 bytes handed to the target: given back to the user if the offload fails */
  private handedOver: Uint8Array = new Uint8Array(0);
  /** R18 bytes the target still owes our receive posts (received in software before the offload) */
  private handedOverOwed = 0;
  /** the R17 BufferedData NBLs (ours; freed once the initiate completes) */
  private bufferedNbls: NetBufferList[] = [];
  private readonly posted = new Set<NetBufferList>();
  private postedBytes = 0;
  /** the software's out-of-order segments when the tree was built: forwarded first after the offload */
  private outOfOrder: { seq: number; data: Uint8Array; fin: boolean }[] = [];
  /** segments held while offloading (forwarded after) or uploading (processed after, R63) */
  private heldSegments: { seg: TcpSegment; tcp: Uint8Array }[] = [];
  private sendLimit: number;
  private writableWanted = false;
  private closeWanted = false;
  private abortWanted = false;
  private disconnectPosted = false;
  private ourFinAcked = false;
  private peerFin = false;
  /** our FIN was queued in software before the offload (no disconnect request will complete) */
  private finBeforeOffload = false;
  private peerReset = false;
  private aborted = false;
  /** the target reported a hardware failure (TcpIndicateRetrieve HardwareFailure) */
  private hardwareFailed = false;
  private uploadCause: UploadCause | undefined;

  constructor(
    private readonly client: OffloadClient,
    readonly conn: TcpConnection,
    readonly tcpHandle: NdisOffloadHandle,
    readonly neighbor: SharedObject,
    readonly path: SharedObject,
  ) {
    this.sendLimit = conn.config.sendBuffer;
  }

  private get stack(): Stack {
    return this.client.stack;
  }

  // ------------------------------------------------------------------ OffloadedPath

  get space(): number {
    if (this.closeWanted || this.aborted) return 0;
    return Math.max(0, this.sendLimit - this.outstanding - this.heldBytes);
  }

  get unacknowledged(): number {
    return this.outstanding + this.heldBytes;
  }

  send(data: Uint8Array): number {
    const n = Math.min(data.length, this.space);
    if (n < data.length) this.writableWanted = true;
    if (n === 0) return 0;
    const part = data.subarray(0, n);
    // straight to the target when nothing waits before it; what memory does not allow waits
    const posted = this.phase === 'offloaded' && this.held.length === 0 ? this.postSome(part) : 0;
    if (posted < n) {
      this.held.push(part.slice(posted));
      this.heldBytes += n - posted;
    }
    return n;
  }

  consumed(): void {
    if (this.phase === 'offloaded') this.topUpReceives();
  }

  close(): void {
    if (this.closeWanted || this.aborted) return;
    this.closeWanted = true;
    // the FIN goes after every byte written (postHeld posts it once nothing is held)
    if (this.phase === 'offloaded') this.postHeld();
  }

  abort(): void {
    if (this.abortWanted) return;
    this.abortWanted = true;
    if (this.phase === 'offloaded' && !this.peerReset) this.postDisconnect(TcpDisconnectFlags.ABORTIVE);
  }

  segment(seg: TcpSegment, tcp: Uint8Array): void {
    if (this.phase === 'offloaded') return this.forward(tcp);
    // R63: never forwarded while the connection is being offloaded or uploaded
    this.client.counters.segmentsHeld++;
    this.heldSegments.push({ seg, tcp: tcp.slice() });
  }

  // ------------------------------------------------------------------ offload

  /** The tree is built: the target owns timers, R17 bytes and the send data from SndUna. */
  suspend(buffered: NetBufferList | null, sendChain: NetBufferList | null): void {
    this.handedOver = this.conn.rcv.readable.peek(0, this.conn.rcv.readable.length);
    // the offload state has no place for data past a hole; without these the peer sends it all
    // again, one segment a round trip if it has no SACK (seen against Linux under loss)
    this.outOfOrder = this.conn.rcv.outOfOrder();
    // a writer the software send buffer turned away waits for our 'writable' now
    if (this.conn.takeWritableWanted()) this.writableWanted = true;
    suspendForOffload(this.conn);
    // the send data from SndUna travels in these NBLs (the target completes them); the
    // software send buffer keeps its copy only for a failed initiate (R16) and is replaced at upload
    for (const nbl of nblArray(sendChain)) {
      const buffer = nbl.protocolReserved as DmaBuffer | undefined;
      nbl.protocolReserved = { path: this, buffer, flags: 0 } satisfies NblContext;
      this.sends.push({ nbl, buffer, length: nbl.dataLength, state: 'pending' });
      this.outstanding += nbl.dataLength;
    }
    this.bufferedNbls = nblArray(buffered);
    // offloaded after a close in software (R21's half-closed states): the target owns our FIN
    // and the peer's; the host learns the end from the DISCONNECT event or a retrieve
    if (this.conn.snd.finQueued) {
      this.closeWanted = true;
      this.disconnectPosted = true;
      this.finBeforeOffload = true;
      this.ourFinAcked = this.conn.snd.finAcked;
    }
    if (this.conn.rcv.finReceived) this.peerFin = true;
    this.conn.offload = this;
  }

  private freeBufferedData(): void {
    for (const nbl of this.bufferedNbls) {
      const buffer = nbl.protocolReserved as DmaBuffer | undefined;
      if (buffer) this.client.releaseMemory(buffer);
      nbl.protocolReserved = null;
    }
    this.bufferedNbls = [];
  }

  offloadSucceeded(): void {
    this.phase = 'offloaded';
    this.handedOverOwed = this.handedOver.length;
    this.handedOver = new Uint8Array(0);
    this.freeBufferedData();
    // segments held while the connection moved go first: the card holds what arrived after
    // them out of order until they fill the gap, and the sooner the better. (Receives first, so
    // that the forwards land in them rather than in NIC buffers, was tried: with an initiate
    // held until the plain sends had left, the card's first ACK repeated the software stack's
    // last one against Linux, in 3 interop tests; not understood, so not kept)
    for (const p of this.outOfOrder.splice(0)) this.forwardOutOfOrder(p);
    for (const { tcp } of this.heldSegments.splice(0)) this.forward(tcp);
    // R18: the target delivers the handed-over bytes to the first posts
    this.topUpReceives();
    this.postHeld();
    if (this.abortWanted) this.postDisconnect(TcpDisconnectFlags.ABORTIVE);
    if (this.uploadCause) {
      const cause = this.uploadCause;
      this.uploadCause = undefined;
      this.requestUpload(cause);
    }
  }

  /** The TCP block failed (R16: the send NBLs are still ours): the connection stays in software. */
  offloadFailed(): void {
    this.phase = 'software';
    const conn = this.conn;
    conn.offload = undefined;
    this.freeBufferedData();
    for (const r of this.sends) if (r.buffer) this.client.releaseMemory(r.buffer);
    this.sends.length = 0;
    this.outstanding = 0;
    restoreSoftware(this.stack, conn, this.handedOver);
    this.afterSoftware();
  }

  /** Work the user asked for while the connection could not take it, now done in software. */
  private afterSoftware(): void {
    const conn = this.conn;
    for (const { seg } of this.heldSegments.splice(0)) if (conn.state !== TcpState.CLOSED) conn.segmentArrives(seg);
    for (const d of this.held.splice(0)) if (conn.state !== TcpState.CLOSED) conn.send(d);
    this.heldBytes = 0;
    if (this.abortWanted) conn.abort();
    else if (this.closeWanted) conn.close();
    // a writer still waiting: told now if the software send buffer has room, else the
    // connection tells it once ACKs free some (the wish must not be lost with the path)
    if (this.writableWanted) {
      this.writableWanted = false;
      if (conn.snd.space > 0) conn.host.notify(() => conn.events?.writable());
      else conn.wantWritable();
    }
  }

  // ------------------------------------------------------------------ I/O down

  /** An NBL of ours in host memory, its context in ProtocolReserved. */
  private allocate(length: number, options: { data?: Uint8Array; mdlLengths?: number[]; flags?: number } = {}): { nbl: NetBufferList; buffer: DmaBuffer } {
    const { nbl, buffer } = allocateNbl(this.client.memory, length, options);
    nbl.protocolReserved = { path: this, buffer, flags: options.flags ?? 0 } satisfies NblContext;
    return { nbl, buffer };
  }

  /** @internal memory was released after a shortfall: post what waited */
  memoryAvailable(): void {
    if (this.phase !== 'offloaded') return;
    this.postHeld();
    this.topUpReceives();
  }

  /** allocate(), or undefined when host memory is short now (counted; the caller retries later) */
  private tryAllocate(length: number, options: { data?: Uint8Array } = {}): { nbl: NetBufferList; buffer: DmaBuffer } | undefined {
    try {
      return this.allocate(length, options);
    } catch (e) {
      if (!isHostMemoryExhausted(e)) throw e;
      this.client.waitForMemory(this);
      return undefined;
    }
  }

  /**
   * Posts the written bytes not yet posted, in order, as far as host memory allows; the rest
   * stays held and is posted as sends complete and free memory. Then the FIN if it waited.
   */
  private postHeld(): void {
    while (this.held.length > 0) {
      const d = this.held[0]!;
      const k = this.postSome(d);
      this.heldBytes -= k;
      if (k < d.length) {
        this.held[0] = d.subarray(k);
        return;
      }
      this.held.shift();
    }
    if (this.closeWanted && !this.abortWanted && !this.aborted) this.postDisconnect(TcpDisconnectFlags.GRACEFUL);
  }

  /** Posts `data` as sends of at most maxSendNbl bytes while host memory allows; returns the bytes posted. */
  private postSome(data: Uint8Array): number {
    const max = this.client.options.maxSendNbl;
    let off = 0;
    while (off < data.length) {
      const part = data.subarray(off, Math.min(data.length, off + max));
      const got = this.tryAllocate(part.length, { data: part });
      if (!got) break;
      this.sends.push({ nbl: got.nbl, buffer: got.buffer, length: part.length, state: 'pending' });
      this.outstanding += part.length;
      off += part.length;
      this.client.counters.sends++;
      this.client.ndis.offloadTcpSend(this.tcpHandle, got.nbl);
    }
    return off;
  }

  private topUpReceives(): void {
    // after the peer's FIN nothing more comes, except what the target owes from the handover
    if (this.phase !== 'offloaded' || (this.peerFin && this.handedOverOwed === 0) || this.aborted) return;
    const size = this.client.options.receivePostSize;
    const capacity = this.conn.config.receiveBuffer;
    const client = this.client;
    while ((this.postedBytes + size + this.conn.rcv.readable.length <= capacity && client.receivePostedBytes + size <= client.options.receiveMemory)
      || (this.posted.size === 0 && this.conn.rcv.readable.length === 0)) {
      // short of host memory: fewer posts for now (the card indicates from its own buffers)
      const got = this.tryAllocate(size);
      if (!got) return;
      const { nbl } = got;
      this.posted.add(nbl);
      this.postedBytes += size;
      client.receivePostedBytes += size;
      this.client.counters.receivePosts++;
      this.client.ndis.offloadTcpReceive(this.tcpHandle, nbl);
      if (this.posted.size >= MAX_RECEIVE_POSTS) break;
    }
  }

  private postDisconnect(flags: number): void {
    if (this.disconnectPosted && flags === TcpDisconnectFlags.GRACEFUL) return;
    this.disconnectPosted = true;
    // no data: a zero-length NET_BUFFER over a one-byte MDL (an MDL is never empty)
    const { nbl } = this.allocate(0, { mdlLengths: [1], flags });
    this.client.counters.disconnects++;
    this.client.ndis.offloadTcpDisconnect(this.tcpHandle, nbl, flags);
  }

  /**
   * R62: forwards data the software held past a hole, as the peer's segments (at most our MSS
   * each) carrying the send state the tree handed over: their ACK is SndUna (nothing new for
   * the target to take from it) and their window the peer's last.
   */
  private forwardOutOfOrder(p: { seq: number; data: Uint8Array; fin: boolean }): void {
    const conn = this.conn;
    const mss = conn.config.mss;
    const window = Math.min(0xffff, Math.floor(conn.snd.wnd / 2 ** conn.snd.scale));
    for (let off = 0; off < p.data.length || (off === 0 && p.fin); off += mss) {
      const payload = p.data.subarray(off, off + mss);
      const last = off + mss >= p.data.length;
      const seg: TcpSegment = {
        srcPort: conn.id.remotePort, dstPort: conn.id.localPort, seq: (p.seq + off) >>> 0, ack: conn.snd.una,
        flags: TcpFlag.ACK | (last && p.fin ? TcpFlag.FIN : 0), window, urgent: 0, options: {}, payload,
      };
      this.client.counters.outOfOrderForwards++;
      this.forward(serializeTcp(seg, conn.id.remoteIp, conn.id.localIp));
    }
  }

  private forward(tcp: Uint8Array): void {
    const { nbl } = this.allocate(tcp.length, { data: tcp });
    this.client.counters.forwards++;
    this.client.ndis.offloadTcpForward(this.tcpHandle, nbl);
  }

  // ------------------------------------------------------------------ completions

  sendComplete(nbl: NetBufferList): void {
    const rec = this.sends.find((r) => r.nbl === nbl);
    if (!rec || rec.state !== 'pending') return;
    const s = nbl.status;
    if (s === NdisStatus.SUCCESS) {
      rec.state = 'acked';
      this.client.counters.sendBytesAcked += rec.length;
    } else if (s === NdisStatus.REQUEST_ABORTED) {
      rec.state = 'aborted';
      this.client.counters.sendsAborted++;
    } else {
      // UPLOAD_IN_PROGRESS (R44), REQUEST_UPLOAD / UPLOAD_REQUESTED (an IM, R90) or an NDIS
      // refusal: not sent; the bytes from the NBL's data start go out again in software
      rec.state = 'returned';
      this.client.counters.sendsReturned++;
      if (s !== NdisStatus.UPLOAD_IN_PROGRESS && this.phase === 'offloaded') this.requestUpload({ kind: 'io-failed', status: s });
      return;
    }
    this.settleSends();
  }

  /** Frees acknowledged and aborted sends from the front; tells a waiting writer. */
  private settleSends(): void {
    let i = 0;
    while (i < this.sends.length && (this.sends[i]!.state === 'acked' || this.sends[i]!.state === 'aborted')) {
      const r = this.sends[i]!;
      this.outstanding -= r.length;
      if (r.buffer) this.client.releaseMemory(r.buffer);
      i++;
    }
    if (i > 0) this.sends.splice(0, i);
    if (this.writableWanted && this.space > 0) {
      this.writableWanted = false;
      const conn = this.conn;
      conn.host.notify(() => conn.events?.writable());
    }
  }

  receiveComplete(nbl: NetBufferList): void {
    if (!this.posted.delete(nbl)) return;
    this.postedBytes -= this.client.options.receivePostSize;
    this.client.receivePostedBytes -= this.client.options.receivePostSize;
    const n = nbl.info.tcpOffloadBytesTransferred;
    this.handedOverOwed = Math.max(0, this.handedOverOwed - n);
    const buffer = contextOf(nbl)?.buffer;
    // the target placed the bytes from the start of the buffer we posted
    if (n > 0 && buffer) this.deliver(buffer.bytes.subarray(0, Math.min(n, buffer.length)));
    this.freeBuffer(nbl);
    if (nbl.status === NdisStatus.SUCCESS) this.topUpReceives();
  }

  private deliver(data: Uint8Array): void {
    this.client.counters.receiveBytes += data.length;
    this.conn.rcv.readable.append(data.slice());
    const conn = this.conn;
    conn.host.notify(() => conn.events?.readable());
  }

  indicate(nbl: NetBufferList, bc: BytesConsumed): number {
    const data = nbl.firstNetBuffer ? nbl.firstNetBuffer.read() : new Uint8Array(0);
    const room = Math.max(0, this.conn.config.receiveBuffer - this.conn.rcv.readable.length - this.postedBytes);
    const take = Math.min(room, data.length);
    bc.value = take;
    if (take === 0) {
      this.client.counters.indicationsRefused++;
      return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED;
    }
    this.client.counters.indicatedBytesAccepted += take;
    this.deliver(data.subarray(0, take));
    if (take < data.length) return NdisStatus.OFFLOAD_DATA_PARTIALLY_ACCEPTED;
    this.client.returnIndicated(nbl); // R54: ours until we return it
    return NdisStatus.SUCCESS;
  }

  disconnectComplete(nbl: NetBufferList): void {
    const flags = contextOf(nbl)?.flags ?? 0;
    this.freeBuffer(nbl);
    const s = nbl.status;
    if (flags & TcpDisconnectFlags.ABORTIVE) {
      this.aborted = true;
      this.requestUpload({ kind: 'aborted' });
      return;
    }
    if (s === NdisStatus.SUCCESS) {
      this.ourFinAcked = true;
      if (this.peerFin) this.requestUpload({ kind: 'closed' });
    } else if (s === NdisStatus.REQUEST_ABORTED) {
      // the peer reset the connection: the abort event uploads it
    } else {
      // UPLOAD_IN_PROGRESS (R61): the close is done in software after the upload if the FIN
      // was not sent (the delegated state says)
      this.disconnectPosted = false;
      if (this.phase === 'offloaded') this.requestUpload({ kind: 'io-failed', status: s });
    }
  }

  forwardComplete(nbl: NetBufferList): void {
    if (nbl.status !== NdisStatus.SUCCESS) this.client.counters.forwardsRefused++;
    this.freeBuffer(nbl);
  }

  private freeBuffer(nbl: NetBufferList): void {
    const b = contextOf(nbl)?.buffer;
    if (b) this.client.releaseMemory(b);
    nbl.protocolReserved = null;
  }

  event(type: number, info: number): void {
    this.client.stack.operate(() => {
      const conn = this.conn;
      switch (type) {
        case TcpOffloadEventType.DISCONNECT:
          // the peer's FIN, after all earlier data was consumed (R64)
          if (this.peerFin) return;
          this.peerFin = true;
          conn.host.notify(() => conn.events?.end());
          // both FINs are out: done offloaded (a FIN sent before the offload is never confirmed
          // to the host, so the delegated state tells CLOSING from TIME-WAIT)
          if (this.ourFinAcked || this.finBeforeOffload) this.requestUpload({ kind: 'closed' });
          return;
        case TcpOffloadEventType.ABORT:
          this.peerReset = true;
          this.requestUpload({ kind: 'reset' });
          return;
        case TcpOffloadEventType.RETRIEVE:
          this.client.counters.retrieves[info] = (this.client.counters.retrieves[info] ?? 0) + 1;
          if (info === HARDWARE_FAILURE) this.hardwareFailed = true;
          if (this.client.optionalRetrieve(info)) {
            this.client.counters.retrievesKept++;
            return;
          }
          this.requestUpload({ kind: 'retrieve', reason: info });
          return;
        case TcpOffloadEventType.SEND_BACKLOG_CHANGE:
          this.client.counters.backlogChanges++;
          // the target's preferred outstanding bytes; 0xFFFFFFFF: no preference (R29)
          // (capped by the socket's send buffer: what is outstanding must fit it again at upload)
          this.sendLimit = info >>> 0 === 0xffffffff ? conn.config.sendBuffer : Math.max(Math.min(conn.peerMss, conn.config.sendBuffer), Math.min(info >>> 0, conn.config.sendBuffer));
          if (this.writableWanted && this.space > 0) {
            this.writableWanted = false;
            conn.host.notify(() => conn.events?.writable());
          }
          return;
        default:
          return;
      }
    });
  }

  // ------------------------------------------------------------------ upload

  requestUpload(cause: UploadCause): void {
    if (this.phase === 'offloading') {
      this.uploadCause ??= cause;
      return;
    }
    if (this.phase !== 'offloaded') return;
    this.phase = 'uploading';
    this.uploadCause = cause;
    this.client.terminate(this);
  }

  /** The terminate completed: take the connection back (or close it). Returns why it came back. */
  uploaded(node: OffloadBlockList): UploadCause {
    const cause = this.uploadCause ?? { kind: 'demand' };
    const conn = this.conn;
    this.phase = 'software';
    conn.offload = undefined;
    const d = node.tcp.delegated;
    // sends the target handed back are ours again (R31); UPLOAD_IN_PROGRESS ones never left
    const chain = new Set(nblArray(node.netBufferListChain));
    const returned: Uint8Array[] = [];
    let kept = 0;
    for (const r of this.sends) {
      if (r.state === 'returned') returned.push(r.nbl.firstNetBuffer!.read());
      else if (r.state === 'pending' && !chain.has(r.nbl)) kept++;
    }
    const release = (): void => {
      for (const r of this.sends) if (r.buffer) this.client.releaseMemory(r.buffer);
      for (const nbl of this.posted) this.freeBuffer(nbl);
      this.posted.clear();
      this.client.receivePostedBytes -= this.postedBytes;
      this.postedBytes = 0;
      this.sends.length = 0;
      this.outstanding = 0;
    };
    // the connection ends here: what the target handed over goes back, the user learns why
    const end = (error: StackError): UploadCause => {
      if (d?.bufferedData) this.client.returnBuffered(d.bufferedData);
      release();
      conn.terminate(error);
      return cause;
    };
    const lost = (why: string): UploadCause => end(new StackError(StackErrorCode.OFFLOAD_LOST, why));
    if (this.hardwareFailed) {
      // data the target acknowledged may never have reached host memory: the byte stream has a
      // hole the peer will not fill, so the connection cannot go on in software either. The
      // peer learns it from an RST at the target's SND.NXT (a challenge ACK, if that is not its
      // RCV.NXT, draws the closed connection's RST at the ACK's sequence number)
      if (node.status === NdisStatus.SUCCESS && d && d.state !== TcpOffloadConnectionState.CLOSED) conn.out.sendRst(d.sndNxt, undefined);
      return end(new StackError(StackErrorCode.OFFLOAD_FAILED,
        'the offload target reported a hardware failure on this connection (TcpIndicateRetrieve HardwareFailure: received data it had acknowledged did not reach host memory), so it was reset'));
    }
    if (this.peerReset || this.aborted) {
      return end(this.aborted || this.abortWanted
        ? new StackError(StackErrorCode.ABORTED, 'connection aborted by the user (offloaded: abortive disconnect)')
        : new StackError(StackErrorCode.RESET, 'connection reset by the peer (indicated by the offload target)'));
    }
    if (node.status !== NdisStatus.SUCCESS || !d)
      return lost(`the offload target could not return the connection (terminate ${ndisStatusName(node.status)}): its state is lost`);
    if (kept > 0) return lost(`the offload target neither completed nor handed back ${kept} send NBLs at terminate (R30, R31)`);
    if (d.state === TcpOffloadConnectionState.CLOSED) {
      if (d.bufferedData) {
        for (const nbl of nblArray(d.bufferedData)) for (const nb of nbl.netBuffers()) this.deliver(nb.read());
        this.client.returnBuffered(d.bufferedData);
      }
      release();
      conn.terminate(undefined);
      return cause;
    }
    try {
      restoreConnection(this.stack, conn, node, {
        ticksPerSecond: this.client.options.tree.ticksPerSecond,
        returnBuffered: (c) => this.client.returnBuffered(c),
        moreSendData: returned,
      });
    } catch (e) {
      return lost(`the connection could not be taken back: ${(e as Error).message}`);
    }
    release();
    this.afterSoftware();
    return cause;
  }
}

/**
 * The initiate failed: the software connection resumes with its R17 bytes readable again and
 * its send buffer untouched (it kept its copy), timers restarted as a software stack would have them.
 */
function restoreSoftware(stack: Stack, conn: TcpConnection, readable: Uint8Array): void {
  stack.operate(() => {
    const { snd, rcv } = conn;
    if (readable.length > 0) {
      const after = rcv.readable.peek(0, rcv.readable.length);
      rcv.readable.drop(rcv.readable.length);
      rcv.readable.append(readable);
      if (after.length) rcv.readable.append(after);
      conn.host.notify(() => conn.events?.readable());
    }
    if (snd.flight > 0) conn.rtxTimer.start(snd.rto.rto);
    conn.out.output();
  });
}
