/**
 * The lower edge of the chimney intermediate driver: its binding to the layer below (the mux
 * sample's ADAPT). NDIS calls its ProtocolXxx chimney handlers with completions and
 * indications from below; it hands each one to the virtual miniport (miniport.ts) it belongs
 * to, found through ImReserved (state operations, R86), the NBL's NET_BUFFER_LIST_CONTEXT (I/O
 * completions, R89) or the IM offload entry around its own NDIS_OFFLOAD_HANDLE (indications,
 * R88).
 */
import type { BytesConsumed, NdisHandle } from '../../ndis/characteristics.js';
import { chainNbls, nblArray, type NetBufferList } from '../../ndis/nbl.js';
import type { NdisOffloadHandle, OffloadBlockList } from '../../ndis/offload.js';
import type { IoOperation, StateOperation } from '../../ndis/runtime.js';
import { NdisStatus } from '../../ndis/status.js';
import type { ImDriver } from './driver.js';
import { ImError, ImErrorCode, OffloadEntryState, callEntryOf, checkTransition, entryOfHandle, takeNblEntry, type ImOffloadEntry } from './entries.js';
import { VelanState, type Velan } from './miniport.js';

export const AdaptState = Object.freeze({
  /** ProtocolBindAdapterEx is opening the binding */
  OPENING: 'opening',
  BOUND: 'bound',
  CLOSED: 'closed',
} as const);
export type AdaptState = (typeof AdaptState)[keyof typeof AdaptState];

const LEGAL: Record<AdaptState, readonly AdaptState[]> = {
  opening: ['bound', 'closed'],
  bound: ['closed'],
  closed: [],
};

export class Adapt {
  /** NdisBindingHandle of the binding to the layer below */
  bindingHandle!: NdisHandle;
  /** the virtual miniports exported over this binding (one or more: a mux) */
  readonly velans: Velan[] = [];
  private current: AdaptState = AdaptState.OPENING;

  constructor(readonly driver: ImDriver, readonly name: string, readonly lowerMiniport: NdisHandle) {}

  get state(): AdaptState {
    return this.current;
  }

  get bound(): boolean {
    return this.current === AdaptState.BOUND;
  }

  transition(to: AdaptState): void {
    this.current = checkTransition(`binding ${this.name}`, LEGAL, this.current, to);
  }

  attach(velan: Velan): void {
    this.velans.push(velan);
  }

  detach(velan: Velan): void {
    const i = this.velans.indexOf(velan);
    if (i >= 0) this.velans.splice(i, 1);
  }

  /** ProtocolUnbindAdapterEx: only once every virtual miniport above has halted. */
  unbind(): void {
    if (this.velans.length > 0) throw new ImError(ImErrorCode.BAD_STATE, `${this.name} cannot unbind: ${this.velans.length} virtual miniports remain`);
    this.transition(AdaptState.CLOSED);
    this.driver.ndis.closeAdapter(this.bindingHandle);
  }

  // ================================================================== state completions

  /** ProtocolInitiateOffloadComplete: back up through the call entry in ImReserved (R86, R85). */
  protocolInitiateOffloadComplete(list: OffloadBlockList): void { this.completeState('initiate', list); }
  /** ProtocolTerminateOffloadComplete (R86; send data handed back loses the IM's context, R31). */
  protocolTerminateOffloadComplete(list: OffloadBlockList): void { this.completeState('terminate', list); }
  /** ProtocolUpdateOffloadComplete (R86). */
  protocolUpdateOffloadComplete(list: OffloadBlockList): void { this.completeState('update', list); }
  /** ProtocolInvalidateOffloadComplete (R86). */
  protocolInvalidateOffloadComplete(list: OffloadBlockList): void { this.completeState('invalidate', list); }
  /** ProtocolQueryOffloadComplete, propagated with NdisMQueryOffloadStateComplete (R86). */
  protocolQueryOffloadComplete(list: OffloadBlockList): void { this.completeState('query', list); }

  private completeState(op: StateOperation, list: OffloadBlockList): void {
    const call = callEntryOf(list);
    if (!call || call.list !== list || call.op !== op || call.velan.adapt !== this) {
      // ImReserved no longer names our call entry: nothing to route by (NDIS has already
      // checked that this binding had the list outstanding)
      this.driver.counters.unroutable++;
      return;
    }
    call.velan.completeState(call);
  }

  // ================================================================== I/O completions

  /** ProtocolTcpOffloadSendComplete: the same NBLs up to the virtual miniport each came from (R87, R89). */
  protocolTcpOffloadSendComplete(nbl: NetBufferList): void { this.completeIo('send', nbl); }
  /** ProtocolTcpOffloadReceiveComplete (R87, R89). */
  protocolTcpOffloadReceiveComplete(nbl: NetBufferList): void { this.completeIo('receive', nbl); }
  /**
   * ProtocolTcpOffloadDisconnectComplete: completions carry no connection handle, so with
   * several virtual miniports the IM finds the right one in the NBL's NET_BUFFER_LIST_CONTEXT,
   * frees that context, and completes the same NBL upward (R89, R87).
   */
  protocolTcpOffloadDisconnectComplete(nbl: NetBufferList): void { this.completeIo('disconnect', nbl); }
  /** ProtocolTcpOffloadForwardComplete (R87, R89). */
  protocolTcpOffloadForwardComplete(nbl: NetBufferList): void { this.completeIo('forward', nbl); }

  private completeIo(op: IoOperation, first: NetBufferList): void {
    const byVelan = new Map<Velan, NetBufferList[]>();
    for (const nbl of nblArray(first)) {
      // the context comes off before the NBL goes up: after NdisTcpOffloadXxxComplete it is
      // no longer the IM's
      const e = takeNblEntry(nbl, this.driver.nblContextOwner);
      if (!e || e.velan.adapt !== this) {
        this.driver.counters.unroutable++;
        continue;
      }
      const group = byVelan.get(e.velan);
      if (group) group.push(nbl);
      else byVelan.set(e.velan, [nbl]);
    }
    for (const [velan, nbls] of byVelan) velan.ndisIoComplete(op, chainNbls(nbls)!);
  }

  // ================================================================== indications

  /** The offload entry behind the IM's own handle, if it belongs to a virtual miniport of this binding. */
  private entryFor(offloadContext: NdisOffloadHandle | null): ImOffloadEntry | undefined {
    const entry = entryOfHandle(offloadContext);
    return entry && entry.velan.adapt === this ? entry : undefined;
  }

  /**
   * ProtocolTcpOffloadEvent: re-indicated with NdisTcpOffloadEventHandler, the stored upper
   * NdisOffloadHandle and the same EventType and EventSpecificInformation (R88). An event for
   * an object whose initiate has not yet completed upward is held and indicated right after
   * the completion (R19); one for a freed object is dropped.
   */
  protocolTcpOffloadEvent(offloadContext: NdisOffloadHandle, eventType: number, info: number): void {
    const entry = this.entryFor(offloadContext);
    if (!entry || entry.state === OffloadEntryState.FREED) {
      this.driver.counters.droppedIndications++;
      return;
    }
    if (entry.state === OffloadEntryState.OFFLOADING) {
      entry.heldEvents.push({ eventType, info });
      return;
    }
    entry.velan.indicateEvent(entry, eventType, info);
  }

  /**
   * ProtocolTcpOffloadReceiveIndicate: re-indicated with NdisTcpOffloadReceiveHandler, the
   * stored upper handle, the same NBL and Status and the same BytesConsumed; returns what the
   * upper layer returned (R88, R53). Data for an object not (or no longer) offloaded up here is
   * refused: OFFLOAD_DATA_NOT_ACCEPTED with nothing consumed, the target keeps it (R54, R19).
   */
  protocolTcpOffloadReceiveIndicate(offloadContext: NdisOffloadHandle, nbl: NetBufferList, status: number, bytesConsumed: BytesConsumed): number {
    const entry = this.entryFor(offloadContext);
    if (!entry || (entry.state !== OffloadEntryState.OFFLOADED && entry.state !== OffloadEntryState.TERMINATING)) {
      this.driver.counters.droppedIndications++;
      bytesConsumed.value = 0;
      return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED;
    }
    return entry.velan.indicateReceive(entry.upperHandle, nbl, status, bytesConsumed);
  }

  /**
   * ProtocolIndicateOffloadEvent ("to be determined" for IMs upstream; DIGEST §4.7): re-indicated
   * with NdisMOffloadEventIndicate on the IM's own miniport handle with the same block list
   * and code. A list naming an object through the IM's handle goes to the virtual miniport that
   * offloaded it, with the handle fields converted to the upper handle for the duration of the
   * call; a list naming nothing goes to every running virtual miniport. The state structures
   * stay in place, so a HostReachabilityDelta written above reaches the target (R70).
   */
  protocolIndicateOffloadEvent(list: OffloadBlockList | null, indicationCode: number): void {
    const ndis = this.driver.ndis;
    const entry = list ? this.entryFor(list.ndisOffloadHandle ?? list.offloadHandle) : undefined;
    if (list && entry && entry.state !== OffloadEntryState.FREED) {
      const offloadHandle = list.offloadHandle;
      const ndisOffloadHandle = list.ndisOffloadHandle;
      if (offloadHandle === entry.handle) list.offloadHandle = entry.upperHandle;
      if (ndisOffloadHandle === entry.handle) list.ndisOffloadHandle = entry.upperHandle;
      ndis.mOffloadEventIndicate(entry.velan.handle, list, indicationCode);
      list.offloadHandle = offloadHandle;
      list.ndisOffloadHandle = ndisOffloadHandle;
      return;
    }
    for (const velan of this.running()) ndis.mOffloadEventIndicate(velan.handle, list, indicationCode);
  }

  /**
   * The status handler (NdisMIndicateStatusEx from below): OFFLOAD_PAUSE, UPLOAD_ALL,
   * OFFLOAD_RESUME and the rest pass up unchanged on every running virtual miniport (R72).
   */
  protocolStatus(status: number): void {
    for (const velan of this.running()) this.driver.ndis.mIndicateStatusEx(velan.handle, status);
  }

  private running(): Velan[] {
    return this.velans.filter((v) => v.state === VelanState.RUNNING);
  }
}
