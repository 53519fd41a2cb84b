/**
 * A scripted offload target: a miniport that registers the chimney provider sets and carries
 * state operations and I/O the way DIGEST.md §5 requires, with the wire side driven by the
 * test (which bytes the "peer" acknowledges, which data arrives, when a FIN or RST comes).
 *
 * It stands in for the TOE only where the RTL has none yet (the TOE issue brings it); NDIS
 * routing and the intermediate drivers above it are the parts under test. It obeys the target
 * rules R7–R16, R38–R56, R58–R65 so a test sees what a conforming target does.
 */
import type { HostMemory } from '../../device/memory.js';
import type { NdisHandle, ProviderChimneyGeneric, ProviderChimneyTcp, TcpOffloadEventHandlers } from '../../ndis/characteristics.js';
import { advanceNetBufferDataStart, chainNbls, nblArray, type NetBufferList } from '../../ndis/nbl.js';
import {
  ChimneyOffloadType, TcpDisconnectFlags, TcpOffloadEventType, emptyTcpDelegated, roleOf, settleInitiateStatuses, traverse,
  type NdisOffloadHandle, type OffloadBlockList,
} from '../../ndis/offload.js';
import type { Ndis } from '../../ndis/runtime.js';
import { NdisStatus } from '../../ndis/status.js';

/** The target's context area for one offloaded object (what it writes as the PVOID). */
export interface TargetObject {
  readonly id: number;
  readonly layer: 'neighbor' | 'path' | 'tcp';
  /** the NdisOffloadHandle from the block list, used in indications (R15) */
  readonly ndisOffloadHandle: NdisOffloadHandle;
  sends: NetBufferList[];
  /** bytes the peer acknowledged beyond the sends already completed */
  ackedBytes: number;
  /** posted receive NBLs in FIFO order */
  receives: NetBufferList[];
  /** received bytes not yet placed (no buffer posted) */
  buffered: Uint8Array[];
  disconnects: { nbl: NetBufferList; flags: number }[];
  forwards: NetBufferList[];
  /** a FIN arrived and was indicated: later receive posts complete INVALID_STATE (R56) */
  finIndicated: boolean;
  aborted: boolean;
  terminated: boolean;
  /** an abortive disconnect asked for a RST on the wire */
  resetRequested: boolean;
  /** the target is preparing to request an upload: new sends complete UPLOAD_IN_PROGRESS */
  uploadPending: boolean;
}

export interface ScriptedTargetOptions {
  /** TCP objects the target holds at once (more complete with OFFLOAD_TCP_ENTRIES) */
  capacity?: number;
  /** defer a completion (default: a microtask), never inline (R7) */
  defer?: (fn: () => void) => void;
}

/** A test's wire side told of a TCP object and its block (at initiate, at terminate). */
export type ObjectHook = (o: TargetObject, node: OffloadBlockList) => void;

export class ScriptedTarget {
  readonly handle: NdisHandle;
  private handlers!: TcpOffloadEventHandlers;
  private nextId = 1;
  readonly objects = new Map<number, TargetObject>();
  private readonly capacity: number;
  private readonly defer: (fn: () => void) => void;
  /** state operations the target received, in order, for tests to inspect */
  readonly stateLog: { op: string; list: OffloadBlockList }[] = [];
  /** runs for each TCP object in MiniportTerminateOffload, after the sends are chained back */
  onTerminate: ObjectHook | undefined;
  /** runs for each TCP object the initiate installs (before the completion), for the wire side */
  onOffload: ObjectHook | undefined;
  /** runs after each send, receive, disconnect or forward call was queued (the wire side acts on it later) */
  onIo: ((o: TargetObject) => void) | undefined;

  constructor(private readonly ndis: Ndis, name: string, memory: HostMemory, options: ScriptedTargetOptions = {}) {
    this.capacity = options.capacity ?? 1024;
    this.defer = options.defer ?? queueMicrotask;
    this.handle = ndis.registerMiniport(name, this, memory);
    const generic: ProviderChimneyGeneric = {
      kind: 'provider-generic',
      initiateOffload: (_c, list) => this.initiate(list),
      terminateOffload: (_c, list) => this.terminate(list),
      updateOffload: (_c, list) => this.simpleState('update', list),
      invalidateOffload: (_c, list) => this.simpleState('invalidate', list),
      queryOffload: (_c, list) => this.simpleState('query', list),
    };
    const tcp: ProviderChimneyTcp = {
      kind: 'provider-tcp',
      offloadType: ChimneyOffloadType.TCP,
      tcpOffloadSend: (_c, ctx, nbl) => this.io(ctx, (o) => this.send(o, unchain(nbl))),
      tcpOffloadReceive: (_c, ctx, nbl) => this.io(ctx, (o) => this.postReceives(o, unchain(nbl))),
      tcpOffloadDisconnect: (_c, ctx, nbl, flags) => this.io(ctx, (o) => this.disconnect(o, nbl, flags)),
      tcpOffloadForward: (_c, ctx, nbl) => this.io(ctx, (o) => o.forwards.push(...unchain(nbl))),
      tcpOffloadReceiveReturn: () => NdisStatus.SUCCESS,
    };
    // R1: both sets registered before initialization completes; R2: entry points fetched
    ndis.setOptionalHandlers(this.handle, generic);
    ndis.setOptionalHandlers(this.handle, tcp);
    const got = ndis.mGetOffloadHandlers(this.handle, ChimneyOffloadType.TCP);
    if (got.status !== NdisStatus.SUCCESS || !got.handlers || got.handlers.header.revision < 1)
      throw new Error('NdisMGetOffloadHandlers did not return revision-1 handlers');
    this.handlers = got.handlers;
    ndis.initializeComplete(this.handle);
  }

  get tcpObjects(): TargetObject[] {
    return [...this.objects.values()].filter((o) => o.layer === 'tcp' && !o.terminated);
  }

  // ------------------------------------------------------------------ state operations

  private initiate(list: OffloadBlockList): void {
    this.stateLog.push({ op: 'initiate', list });
    // R10: depth-first, breadth-next; a failed node's dependants are not tried (R13)
    const failed = new Set<OffloadBlockList>();
    const tried = new Set<OffloadBlockList>();
    // roles as the tree arrived (writing a context turns a new node into a linker's look-alike)
    const roles = new Map([...traverse(list)].map((n) => [n, roleOf(n)] as const));
    for (const n of traverse(list, (x) => failed.has(x))) {
      tried.add(n);
      if (roles.get(n) !== 'new') continue;
      const tcpCount = this.tcpObjects.length;
      if (n.layer === 'tcp' && tcpCount >= this.capacity) {
        n.status = NdisStatus.OFFLOAD_TCP_ENTRIES;
        failed.add(n);
        continue;
      }
      const obj: TargetObject = {
        id: this.nextId++, layer: n.layer, ndisOffloadHandle: n.ndisOffloadHandle!,
        sends: [], ackedBytes: 0, receives: [], buffered: [], disconnects: [], forwards: [],
        finIndicated: false, aborted: false, terminated: false, resetRequested: false, uploadPending: false,
      };
      this.objects.set(obj.id, obj);
      if (n.layer === 'tcp') {
        // R17: buffered receive data is copied before the completion, delivered first (R18)
        const bd = n.tcp.delegated?.bufferedData ?? null;
        for (const b of nblArray(bd)) for (const nb of b.netBuffers()) obj.buffered.push(nb.read());
        // outstanding send data handed over at offload belongs to the target now
        for (const s of nblArray(n.netBufferListChain)) obj.sends.push(s);
        n.netBufferListChain = null;
        this.onOffload?.(obj, n);
      }
      n.miniportOffloadContext!.value = obj; // R14
      n.status = NdisStatus.SUCCESS;
    }
    settleInitiateStatuses(list, roles, tried);
    this.defer(() => this.ndis.mInitiateOffloadComplete(this.handle, list));
  }

  private terminate(list: OffloadBlockList): void {
    this.stateLog.push({ op: 'terminate', list });
    for (const n of traverse(list)) {
      const obj = n.miniportOffloadContext?.value as TargetObject | undefined;
      if (!obj) { n.status = NdisStatus.SUCCESS; continue; }
      if (obj.layer === 'tcp') {
        // R30: everything outstanding completes first; sends are handed back in order (R31)
        this.flushReceives(obj, NdisStatus.UPLOAD_IN_PROGRESS);
        this.completeDisconnects(obj, NdisStatus.UPLOAD_IN_PROGRESS);
        this.completeForwards(obj, NdisStatus.SUCCESS);
        const d = n.tcp.delegated ?? (n.tcp.delegated = emptyTcpDelegated());
        const sends = obj.sends.splice(0);
        n.netBufferListChain = chainNbls(sends);
        d.sendDataHead = sends[0] ?? null;
        d.sendDataTail = sends[sends.length - 1] ?? null;
        this.onTerminate?.(obj, n);
      }
      obj.terminated = true;
      this.objects.delete(obj.id);
      n.status = NdisStatus.SUCCESS;
    }
    this.defer(() => this.ndis.mTerminateOffloadComplete(this.handle, list));
  }

  private simpleState(op: 'update' | 'invalidate' | 'query', list: OffloadBlockList): void {
    this.stateLog.push({ op, list });
    for (const n of traverse(list)) {
      if (op === 'query' && n.layer === 'tcp') {
        const d = n.tcp.delegated ?? (n.tcp.delegated = emptyTcpDelegated());
        d.sendBacklogSize = 0xffffffff; // R29: not supported by this target
        d.receiveBacklogSize = 0xffffffff;
      }
      n.status = NdisStatus.SUCCESS;
    }
    const complete = { update: 'mUpdateOffloadComplete', invalidate: 'mInvalidateOffloadComplete', query: 'mQueryOffloadStateComplete' } as const;
    this.defer(() => this.ndis[complete[op]](this.handle, list));
  }

  // ------------------------------------------------------------------ I/O

  private io(ctx: unknown, take: (o: TargetObject) => void): number {
    const o = ctx as TargetObject;
    if (!o || !this.objects.has(o.id)) throw new Error('MiniportTcpOffloadXxx with a context this target never wrote');
    take(o);
    this.onIo?.(o);
    return NdisStatus.PENDING; // R38
  }

  private postReceives(o: TargetObject, nbls: NetBufferList[]): void {
    for (const nbl of nbls) {
      if (o.finIndicated) {
        // R56: a receive posted after the disconnect indication
        nbl.status = NdisStatus.INVALID_STATE;
        nbl.info.tcpOffloadBytesTransferred = 0;
        this.defer(() => this.handlers.tcpOffloadReceiveComplete(this.handle, nbl));
        continue;
      }
      o.receives.push(nbl);
    }
    if (o.buffered.length > 0) this.place(o, []);
  }

  private send(o: TargetObject, nbls: NetBufferList[]): void {
    if (!o.uploadPending) {
      o.sends.push(...nbls);
      return;
    }
    // sends that arrive while the target prepares an upload (§5.11, R44)
    for (const nbl of nbls) {
      nbl.status = NdisStatus.UPLOAD_IN_PROGRESS;
      nbl.info.tcpOffloadBytesTransferred = 0;
    }
    this.defer(() => this.handlers.tcpOffloadSendComplete(this.handle, chainNbls(nbls)!));
  }

  private disconnect(o: TargetObject, nbl: NetBufferList, flags: number): void {
    o.disconnects.push({ nbl, flags });
    if (flags & TcpDisconnectFlags.ABORTIVE) {
      o.resetRequested = true;
      // R58: outstanding sends REQUEST_ABORTED before the disconnect completes; RST "sent"
      this.completeSends(o, 0, NdisStatus.REQUEST_ABORTED);
      this.completeDisconnects(o, NdisStatus.SUCCESS);
    }
  }

  // ------------------------------------------------------------------ the peer, scripted by tests

  /**
   * The peer acknowledged `bytes` more: sends complete in order, each SUCCESS only once all its
   * bytes are acknowledged (R41); a graceful disconnect completes after the sends (R45), and
   * only once the FIN is acknowledged too (`finAcknowledged`, R60).
   */
  acknowledge(o: TargetObject, bytes: number, finAcknowledged = true): void {
    o.ackedBytes += bytes;
    o.ackedBytes -= this.completeSends(o, o.ackedBytes, NdisStatus.SUCCESS);
    if (o.sends.length === 0 && finAcknowledged) this.completeDisconnects(o, NdisStatus.SUCCESS, TcpDisconnectFlags.GRACEFUL);
  }

  /** Completes sends covered by ackBytes (or all, with a failure status); returns bytes used. */
  private completeSends(o: TargetObject, ackBytes: number, status: number): number {
    const done: NetBufferList[] = [];
    let left = ackBytes;
    let taken = 0; // sends leave the queue in one splice, not one shift each
    for (; taken < o.sends.length; taken++) {
      const nbl = o.sends[taken]!;
      const len = nblLength(nbl);
      if (status === NdisStatus.SUCCESS && len > left) break;
      const acked = status === NdisStatus.SUCCESS ? len : 0;
      left -= acked;
      nbl.status = status;
      nbl.info.tcpOffloadBytesTransferred = acked; // R43
      for (const nb of nbl.netBuffers()) advanceNetBufferDataStart(nb, status === NdisStatus.SUCCESS ? nb.dataLength : 0);
      done.push(nbl);
    }
    o.sends.splice(0, taken);
    if (done.length) this.defer(() => this.handlers.tcpOffloadSendComplete(this.handle, chainNbls(done)!));
    return ackBytes - left;
  }

  private completeDisconnects(o: TargetObject, status: number, only?: number): void {
    const keep: typeof o.disconnects = [];
    for (const d of o.disconnects) {
      if (only !== undefined && !(d.flags & only)) { keep.push(d); continue; }
      d.nbl.status = status;
      d.nbl.info.tcpOffloadBytesTransferred = status === NdisStatus.SUCCESS ? nblLength(d.nbl) : 0;
      this.defer(() => this.handlers.tcpOffloadDisconnectComplete(this.handle, d.nbl));
    }
    o.disconnects = keep;
  }

  /** Completes every forwarded segment ("processed as if received", R62). */
  completeForwards(o: TargetObject, status = NdisStatus.SUCCESS): void {
    const done = o.forwards.splice(0);
    for (const f of done) f.status = status;
    if (done.length) this.defer(() => this.handlers.tcpOffloadForwardComplete(this.handle, chainNbls(done)!));
  }

  /** In-order data from the peer: into posted buffers FIFO (R46, R48), else indicated. */
  deliver(o: TargetObject, data: Uint8Array, push = true): void {
    this.place(o, [data], push);
  }

  private place(o: TargetObject, incoming: Uint8Array[], push = true): void {
    const pending = [...o.buffered.splice(0), ...incoming];
    const done: NetBufferList[] = [];
    while (pending.length > 0 && o.receives.length > 0) {
      const data = pending[0]!;
      const nbl = o.receives[0]!;
      const nb = nbl.firstNetBuffer!;
      const room = nb.dataLength - nbl.info.tcpReceiveBytesTransferred;
      const n = Math.min(room, data.length);
      writeInto(nbl, nbl.info.tcpReceiveBytesTransferred, data.subarray(0, n));
      nbl.info.tcpReceiveBytesTransferred += n;
      if (n < data.length) pending[0] = data.subarray(n);
      else pending.shift();
      const full = nbl.info.tcpReceiveBytesTransferred === nb.dataLength;
      if (full || (push && !nbl.info.tcpReceiveNoPush && pending.length === 0)) {
        o.receives.shift();
        nbl.status = NdisStatus.SUCCESS;
        nbl.info.tcpOffloadBytesTransferred = nbl.info.tcpReceiveBytesTransferred;
        done.push(nbl);
      }
    }
    if (done.length) this.defer(() => this.handlers.tcpOffloadReceiveComplete(this.handle, chainNbls(done)!));
    o.buffered.push(...pending);
  }

  /** Completes posted receives that hold data, and the rest with `status` (upload, abort). */
  private flushReceives(o: TargetObject, status: number): void {
    const done = o.receives.splice(0);
    for (const nbl of done) {
      nbl.status = nbl.info.tcpReceiveBytesTransferred > 0 ? NdisStatus.SUCCESS : status;
      nbl.info.tcpOffloadBytesTransferred = nbl.info.tcpReceiveBytesTransferred;
    }
    if (done.length) this.defer(() => this.handlers.tcpOffloadReceiveComplete(this.handle, chainNbls(done)!));
  }

  /** The peer's FIN, after all earlier data was consumed (R64). */
  peerFin(o: TargetObject): void {
    o.finIndicated = true;
    this.flushReceives(o, NdisStatus.SUCCESS);
    this.defer(() => this.handlers.tcpOffloadEventHandler(o.ndisOffloadHandle, TcpOffloadEventType.DISCONNECT, 0));
  }

  /** An acceptable RST: abort indicated, everything outstanding REQUEST_ABORTED (R65). */
  peerReset(o: TargetObject): void {
    o.aborted = true;
    this.completeSends(o, 0, NdisStatus.REQUEST_ABORTED);
    this.flushReceives(o, NdisStatus.REQUEST_ABORTED);
    this.completeDisconnects(o, NdisStatus.REQUEST_ABORTED);
    this.defer(() => this.handlers.tcpOffloadEventHandler(o.ndisOffloadHandle, TcpOffloadEventType.ABORT, 0));
  }

  /**
   * Asks the host to upload (TcpIndicateRetrieve with a reason, R67). With `refuseSends`, sends
   * that arrive from now on complete UPLOAD_IN_PROGRESS (the target is preparing the upload).
   */
  requestUpload(o: TargetObject, reason: number, refuseSends = false): void {
    if (refuseSends) o.uploadPending = true;
    this.defer(() => this.handlers.tcpOffloadEventHandler(o.ndisOffloadHandle, TcpOffloadEventType.RETRIEVE, reason));
  }

  /** TcpIndicateSendBacklogChange: the target's preferred outstanding send bytes. */
  sendBacklogChange(o: TargetObject, bytes: number): void {
    this.defer(() => this.handlers.tcpOffloadEventHandler(o.ndisOffloadHandle, TcpOffloadEventType.SEND_BACKLOG_CHANGE, bytes));
  }

  /** Indicates data in a target-owned NBL (no posted buffer), returning what the host said. */
  indicate(o: TargetObject, nbl: NetBufferList): { status: number; consumed: number } {
    const bc = { value: 0 };
    const status = this.handlers.tcpOffloadReceiveHandler(o.ndisOffloadHandle, nbl, NdisStatus.SUCCESS, bc);
    return { status, consumed: bc.value };
  }
}

function unchain(first: NetBufferList): NetBufferList[] {
  const out = nblArray(first);
  for (const n of out) n.next = null;
  return out;
}

function nblLength(nbl: NetBufferList): number {
  return nbl.dataLength;
}

function writeInto(nbl: NetBufferList, offset: number, data: Uint8Array): void {
  const nb = nbl.firstNetBuffer!;
  let skip = nb.currentMdlOffset + offset;
  let m = nb.currentMdl;
  let done = 0;
  while (m && done < data.length) {
    if (skip >= m.byteCount) { skip -= m.byteCount; m = m.next; continue; }
    const n = Math.min(m.byteCount - skip, data.length - done);
    m.bytes.set(data.subarray(done, done + n), skip);
    done += n;
    skip = 0;
    m = m.next;
  }
}
