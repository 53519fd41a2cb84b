/**
 * The upper edge of the chimney intermediate driver: a virtual miniport (the mux sample's
 * VELAN) that overlying drivers bind to. NDIS calls its MiniportXxx chimney handlers; it
 * propagates each call to the layer below through its ADAPT (protocol.ts) and completes it
 * upward with the NdisM...Complete / NdisTcpOffloadXxxComplete entry points NDIS gave it.
 *
 * DIGEST.md §4: R85 (offload entries), R86 (call entries and the block-list overlay), R87 (I/O
 * with the IM's own handle and the same NBL), R89 (NET_BUFFER_LIST_CONTEXT), R90 (send
 * allocation failure), R39 (receive-return synchronous).
 */
import type { BytesConsumed, NdisHandle, TcpOffloadEventHandlers } from '../../ndis/characteristics.js';
import { nblArray, type NetBufferList } from '../../ndis/nbl.js';
import { roleOf, traverse, type NdisOffloadHandle, type OffloadBlockList } from '../../ndis/offload.js';
import type { IoOperation, StateOperation } from '../../ndis/runtime.js';
import { NdisStatus } from '../../ndis/status.js';
import type { ImDriver } from './driver.js';
import {
  CallEntryState, ImCallEntry, ImError, ImErrorCode, ImOffloadEntry, OffloadEntryState, checkTransition, entryOf,
  overlayDown, overlayUp, takeNblEntry, type ImNblEntry, type SavedNode,
} from './entries.js';
import type { Adapt } from './protocol.js';

export const VelanState = Object.freeze({
  /** MiniportInitializeEx is running: chimney handlers registered, not yet bindable */
  INITIALIZING: 'initializing',
  RUNNING: 'running',
  HALTED: 'halted',
} as const);
export type VelanState = (typeof VelanState)[keyof typeof VelanState];

const LEGAL: Record<VelanState, readonly VelanState[]> = {
  initializing: ['running', 'halted'],
  running: ['halted'],
  halted: [],
};

export class Velan {
  /** NdisMiniportHandle of this virtual miniport (set by the driver during initialization) */
  handle!: NdisHandle;
  /** NDIS's chimney entry points for this miniport (NdisMGetOffloadHandlers) */
  handlers!: TcpOffloadEventHandlers;
  /** offload entries of objects offloaded through this virtual miniport (references, listable) */
  readonly entries = new Set<ImOffloadEntry>();
  private current: VelanState = VelanState.INITIALIZING;

  constructor(readonly driver: ImDriver, readonly adapt: Adapt, readonly name: string) {}

  get state(): VelanState {
    return this.current;
  }

  transition(to: VelanState): void {
    this.current = checkTransition(`virtual miniport ${this.name}`, LEGAL, this.current, to);
  }

  /** MiniportHaltEx: only once no object is offloaded through this virtual miniport. */
  halt(): void {
    if (this.entries.size > 0)
      throw new ImError(ImErrorCode.BAD_STATE, `${this.name} cannot halt: ${this.entries.size} offloaded objects remain (upload them first, R93)`);
    this.transition(VelanState.HALTED);
    this.adapt.detach(this);
  }

  // ================================================================== state operations, down

  /**
   * MiniportInitiateOffload. Stores nothing but the call entry and returns; completes later
   * with NdisMInitiateOffloadComplete and the same list (R7). For each new node it creates an
   * IM offload entry holding the upper NdisOffloadHandle and its own NDIS_OFFLOAD_HANDLE (R85),
   * overlays every node with its own handle (R86) and calls NdisInitiateOffload below. Send
   * data handed over with a connection gets the IM's NBL context so its eventual send
   * completion routes back (R89).
   */
  miniportInitiateOffload(list: OffloadBlockList): void { this.propagateState('initiate', list); }

  /**
   * MiniportTerminateOffload: propagated like initiate (R86); on completion the offload
   * entries are freed and send data handed back (R31) loses the IM's NBL context.
   */
  miniportTerminateOffload(list: OffloadBlockList): void { this.propagateState('terminate', list); }

  /** MiniportUpdateOffload: propagated unchanged (R86); statuses SUCCESS/FAILURE pass through (R9). */
  miniportUpdateOffload(list: OffloadBlockList): void { this.propagateState('update', list); }

  /** MiniportInvalidateOffload: propagated unchanged (R86); invalidate trees carry no state. */
  miniportInvalidateOffload(list: OffloadBlockList): void { this.propagateState('invalidate', list); }

  /** MiniportQueryOffload: propagated; the layer below fills the state structures in place (R28). */
  miniportQueryOffload(list: OffloadBlockList): void { this.propagateState('query', list); }

  private propagateState(op: StateOperation, list: OffloadBlockList): void {
    const plan = this.planState(op, list);
    if (typeof plan === 'string') {
      this.refuseState(op, list, plan);
      return;
    }
    const call = new ImCallEntry(op, this, list);
    this.driver.callEntries.add(call);
    for (const [node, saved] of plan) {
      if (saved.created && saved.entry) this.entries.add(saved.entry);
      // (a tree may name one object twice: the first node moves it)
      if (op === 'terminate' && saved.entry?.state === OffloadEntryState.OFFLOADED) saved.entry.transition(OffloadEntryState.TERMINATING);
      overlayDown(call, node, saved);
    }
    const binding = this.adapt.bindingHandle;
    const ndis = this.driver.ndis;
    switch (op) {
      case 'initiate': ndis.initiateOffload(binding, list); break;
      case 'terminate': ndis.terminateOffload(binding, list); break;
      case 'update': ndis.updateOffload(binding, list); break;
      case 'invalidate': ndis.invalidateOffload(binding, list); break;
      case 'query': ndis.queryOffloadState(binding, list); break;
    }
    if (call.state === CallEntryState.CALLING_DOWN) call.transition(CallEntryState.PENDING);
  }

  /**
   * What each node becomes below, or why the operation cannot pass. Nothing is allocated
   * until the whole tree is known to be good.
   */
  private planState(op: StateOperation, list: OffloadBlockList): Map<OffloadBlockList, SavedNode> | string {
    if (this.current !== VelanState.RUNNING) return `${this.name} is ${this.current}`;
    if (!this.adapt.bound) return `${this.name}: the binding below is ${this.adapt.state}`;
    const plan = new Map<OffloadBlockList, SavedNode>();
    const base = (n: OffloadBlockList) => ({ imReserved: [...n.imReserved], sourceHandle: n.sourceHandle, upperHandle: n.ndisOffloadHandle });
    for (const n of traverse(list)) {
      const role = op === 'initiate' ? roleOf(n) : n.miniportOffloadContext ? 'linker' : 'placeholder';
      if (role === 'placeholder') {
        if (op !== 'initiate') return `a ${op} block names no object`;
        plan.set(n, { ...base(n), upperHandle: null, entry: null, created: false, handedOver: [] });
        continue;
      }
      const upper = n.ndisOffloadHandle;
      if (!upper) return `a ${n.layer} block has a MiniportOffloadContext but no NdisOffloadHandle`;
      if (role === 'new') {
        const entry = new ImOffloadEntry(this, upper, n.layer);
        plan.set(n, { ...base(n), entry, created: true, handedOver: [] });
        continue;
      }
      const entry = entryOf(n.miniportOffloadContext!.value);
      if (!entry || entry.velan !== this) return `a ${n.layer} block names an object this virtual miniport never offloaded`;
      if (entry.state !== OffloadEntryState.OFFLOADED) return `a ${n.layer} block names an object that is ${entry.state}`;
      plan.set(n, { ...base(n), entry, created: false, handedOver: [] });
    }
    // send data handed over with new connections: the IM's context goes on each NBL (R89)
    for (const [n, saved] of plan) {
      if (!saved.created || !saved.entry || n.layer !== 'tcp' || !n.netBufferListChain) continue;
      const nbls = nblArray(n.netBufferListChain);
      for (const nbl of nbls) nbl.allocateContext(this.driver.nblContextOwner, this.nblEntry('send', saved.entry));
      plan.set(n, { ...saved, handedOver: nbls });
    }
    return plan;
  }

  /**
   * The IM cannot pass the operation down (not running, unbound, a block naming no object of
   * ours): every block FAILURE but placeholders SUCCESS (R11), completed later (R7).
   */
  private refuseState(op: StateOperation, list: OffloadBlockList, why: string): void {
    this.driver.counters.refusedStateOperations++;
    this.driver.lastRefusal = why;
    for (const n of traverse(list)) n.status = op === 'initiate' && !n.miniportOffloadContext ? NdisStatus.SUCCESS : NdisStatus.FAILURE;
    this.driver.defer(() => this.ndisStateComplete(op, list));
  }

  // ================================================================== state completions, up

  /**
   * Called by the lower edge's ProtocolXxxOffloadComplete with the call entry found through
   * ImReserved (R86): restores ImReserved and SourceHandle, overlays every node back to the
   * miniport view, writes the offload entry into the upper *MiniportOffloadContext of every
   * object offloaded (R85), calls NdisM...Complete with the same list and frees the call entry.
   * Status values pass through unchanged.
   */
  completeState(call: ImCallEntry): void {
    if (call.state === CallEntryState.CALLING_DOWN) {
      // the layer below completed inside NdisXxxOffload (an R7 violation NDIS records): the
      // IM still never completes upward inside the upper call
      this.driver.defer(() => this.completeState(call));
      return;
    }
    const op = call.op;
    const replay: ImOffloadEntry[] = [];
    for (const n of traverse(call.list)) {
      const saved = call.saved.get(n);
      if (!saved) continue;
      overlayUp(n, saved);
      const entry = saved.entry;
      if (!entry) continue;
      if (op === 'initiate' && saved.created) {
        if (n.status === NdisStatus.SUCCESS || n.status === NdisStatus.OFFLOAD_PARTIAL_SUCCESS) {
          entry.transition(OffloadEntryState.OFFLOADED);
          n.miniportOffloadContext!.value = entry; // R85: before the upper initiate completes
          if (entry.heldEvents.length > 0) replay.push(entry);
        } else {
          // failed: nothing written (R14); handed-over send data stays with the host (R16)
          for (const nbl of saved.handedOver) takeNblEntry(nbl, this.driver.nblContextOwner);
          this.forget(entry);
        }
      } else if (op === 'terminate') {
        // send data handed back (R31) is the host's again: the IM's context comes off first
        for (const nbl of nblArray(n.netBufferListChain)) takeNblEntry(nbl, this.driver.nblContextOwner);
        this.forget(entry);
      }
    }
    this.ndisStateComplete(op, call.list);
    call.transition(CallEntryState.FREED);
    this.driver.callEntries.delete(call);
    // events the layer below indicated before the initiate had completed up here (R19)
    for (const entry of replay) {
      for (const e of entry.heldEvents.splice(0)) this.handlers.tcpOffloadEventHandler(entry.upperHandle, e.eventType, e.info);
    }
  }

  private forget(entry: ImOffloadEntry): void {
    if (entry.state === OffloadEntryState.FREED) return;
    entry.heldEvents.length = 0;
    entry.transition(OffloadEntryState.FREED);
    this.entries.delete(entry);
  }

  private ndisStateComplete(op: StateOperation, list: OffloadBlockList): void {
    const ndis = this.driver.ndis;
    switch (op) {
      case 'initiate': ndis.mInitiateOffloadComplete(this.handle, list); break;
      case 'terminate': ndis.mTerminateOffloadComplete(this.handle, list); break;
      case 'update': ndis.mUpdateOffloadComplete(this.handle, list); break;
      case 'invalidate': ndis.mInvalidateOffloadComplete(this.handle, list); break;
      case 'query': ndis.mQueryOffloadStateComplete(this.handle, list); break;
    }
  }

  // ================================================================== I/O, down

  /**
   * MiniportTcpOffloadSend: returns NDIS_STATUS_PENDING only (R38). Passes the same NBL chain
   * down with the IM's own NDIS_OFFLOAD_HANDLE (R87), each NBL carrying the IM's
   * NET_BUFFER_LIST_CONTEXT entry (R89). If that allocation fails it does not call down: the
   * first NBL completes with NDIS_STATUS_REQUEST_UPLOAD, the rest with UPLOAD_REQUESTED (R90).
   */
  miniportTcpOffloadSend(context: unknown, nbl: NetBufferList): number {
    const entry = this.ioEntry(context);
    if (!entry) return this.refuseIo('send', nbl, NdisStatus.INVALID_STATE);
    if (this.driver.failSendAllocations) {
      this.driver.counters.sendAllocationFailures++;
      let first = true;
      for (const n of nblArray(nbl)) {
        n.status = first ? NdisStatus.REQUEST_UPLOAD : NdisStatus.UPLOAD_REQUESTED;
        n.info.tcpOffloadBytesTransferred = 0;
        first = false;
      }
      this.driver.defer(() => this.handlers.tcpOffloadSendComplete(this.handle, nbl));
      return NdisStatus.PENDING;
    }
    this.tag('send', entry, nbl);
    this.driver.ndis.offloadTcpSend(entry.handle, nbl);
    return NdisStatus.PENDING;
  }

  /**
   * MiniportTcpOffloadReceive: posts the same NBL chain below with the IM's handle (R87);
   * PENDING only (R38). The layer below fills and completes the buffers FIFO (R46).
   */
  miniportTcpOffloadReceive(context: unknown, nbl: NetBufferList): number {
    const entry = this.ioEntry(context);
    if (!entry) return this.refuseIo('receive', nbl, NdisStatus.INVALID_STATE);
    this.tag('receive', entry, nbl);
    this.driver.ndis.offloadTcpReceive(entry.handle, nbl);
    return NdisStatus.PENDING;
  }

  /** MiniportTcpOffloadDisconnect: the same single NBL and the same Flags below (R87); PENDING only. */
  miniportTcpOffloadDisconnect(context: unknown, nbl: NetBufferList, flags: number): number {
    const entry = this.ioEntry(context);
    if (!entry) return this.refuseIo('disconnect', nbl, NdisStatus.INVALID_STATE);
    this.tag('disconnect', entry, nbl);
    this.driver.ndis.offloadTcpDisconnect(entry.handle, nbl, flags);
    return NdisStatus.PENDING;
  }

  /**
   * MiniportTcpOffloadForward: the same chain of single-segment NBLs (TCP header first, R62)
   * below with the IM's handle (R87); PENDING only.
   */
  miniportTcpOffloadForward(context: unknown, nbl: NetBufferList): number {
    const entry = this.ioEntry(context);
    if (!entry) return this.refuseIo('forward', nbl, NdisStatus.INVALID_STATE);
    this.tag('forward', entry, nbl);
    this.driver.ndis.offloadTcpForward(entry.handle, nbl);
    return NdisStatus.PENDING;
  }

  /**
   * MiniportTcpOffloadReceiveReturn: synchronous, per binding; passes the same NBL chain to
   * NdisOffloadTcpReceiveReturn on the lower binding and always succeeds (R39).
   */
  miniportTcpOffloadReceiveReturn(nbl: NetBufferList): number {
    if (this.adapt.bound) this.driver.ndis.offloadTcpReceiveReturn(this.adapt.bindingHandle, nbl);
    return NdisStatus.SUCCESS;
  }

  /** The live offload entry a MiniportOffloadContext names, or undefined. */
  private ioEntry(context: unknown): ImOffloadEntry | undefined {
    const entry = entryOf(context);
    if (!entry || entry.velan !== this || entry.layer !== 'tcp') return undefined;
    if (entry.state !== OffloadEntryState.OFFLOADED) return undefined;
    if (this.current !== VelanState.RUNNING || !this.adapt.bound) return undefined;
    return entry;
  }

  /** I/O the IM cannot pass down: completed later with `status`, as NDIS answers refused I/O. */
  private refuseIo(op: IoOperation, nbl: NetBufferList, status: number): number {
    this.driver.counters.refusedIo++;
    for (const n of nblArray(nbl)) {
      n.status = status;
      n.info.tcpOffloadBytesTransferred = 0;
    }
    this.driver.defer(() => this.ndisIoComplete(op, nbl));
    return NdisStatus.PENDING;
  }

  private nblEntry(op: IoOperation, entry: ImOffloadEntry): ImNblEntry {
    return { tag: 'flue-im-nbl-entry', velan: this, op, entry };
  }

  private tag(op: IoOperation, entry: ImOffloadEntry, first: NetBufferList): void {
    for (const n of nblArray(first)) n.allocateContext(this.driver.nblContextOwner, this.nblEntry(op, entry));
  }

  // ================================================================== I/O completions, up

  /**
   * Called by the lower edge once it has freed its NET_BUFFER_LIST_CONTEXT entries: completes
   * the same NBLs upward with NdisTcpOffloadXxxComplete on this miniport handle (R87).
   */
  ndisIoComplete(op: IoOperation, first: NetBufferList): void {
    switch (op) {
      case 'send': this.handlers.tcpOffloadSendComplete(this.handle, first); break;
      case 'receive': this.handlers.tcpOffloadReceiveComplete(this.handle, first); break;
      case 'disconnect': this.handlers.tcpOffloadDisconnectComplete(this.handle, first); break;
      case 'forward': this.handlers.tcpOffloadForwardComplete(this.handle, first); break;
    }
  }

  // ================================================================== indications, up

  /** NdisTcpOffloadEventHandler with the stored upper handle and unchanged parameters (R88). */
  indicateEvent(entry: ImOffloadEntry, eventType: number, info: number): void {
    this.handlers.tcpOffloadEventHandler(entry.upperHandle, eventType, info);
  }

  /** NdisTcpOffloadReceiveHandler with the stored upper handle; returns what the upper layer returned (R88). */
  indicateReceive(upperHandle: NdisOffloadHandle, nbl: NetBufferList, status: number, bytesConsumed: BytesConsumed): number {
    return this.handlers.tcpOffloadReceiveHandler(upperHandle, nbl, status, bytesConsumed);
  }
}
