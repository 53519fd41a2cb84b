/**
 * A TCP-chimney-capable intermediate driver (DIGEST.md §4), shaped like the NDIS mux sample:
 * this file registers the driver and fills one handler table per edge, typed by the NDIS
 * role; `protocol.ts` is the lower edge (ADAPT: the binding to the layer below),
 * `miniport.ts` the upper edge (VELAN: a virtual miniport overlying drivers bind to),
 * `entries.ts` the records both edges share.
 *
 * R3: both chimney sets are registered, the ProtocolXxx set on the driver's protocol and the
 * MiniportXxx set on every virtual miniport before its initialization completes; an IM that
 * registers neither makes NDIS refuse chimney through it. Instances stack without limit:
 * protocol → IM1 → IM2 → ... → target, each IM binding to the virtual miniport of the next.
 */
import type { HostMemory } from '../../device/memory.js';
import type { ClientChimneyGeneric, ClientChimneyTcp, NdisHandle, ProviderChimneyGeneric, ProviderChimneyTcp } from '../../ndis/characteristics.js';
import { ChimneyOffloadType, type NdisOffloadHandle } from '../../ndis/offload.js';
import type { Ndis } from '../../ndis/runtime.js';
import { NdisStatus } from '../../ndis/status.js';
import { ImError, ImErrorCode, entryOfHandle, type ImCallEntry, type ImOffloadEntry } from './entries.js';
import { Velan, VelanState } from './miniport.js';
import { Adapt, AdaptState } from './protocol.js';

export interface ImDriverOptions {
  /** defers completions the IM originates itself (default: a microtask); never inline (R7, R37) */
  defer?: (fn: () => void) => void;
  /**
   * Which chimney sets the driver registers (R3). 'none' is an IM unaware of chimney: NDIS
   * must then refuse chimney operations through it.
   */
  chimney?: 'both' | 'none';
}

export interface ImCounters {
  /** state operations the IM failed itself (not running, unbound, a block naming no object of its) */
  refusedStateOperations: number;
  /** I/O the IM completed itself because it could not pass it down */
  refusedIo: number;
  /** sends completed with REQUEST_UPLOAD / UPLOAD_REQUESTED after a failed context allocation (R90) */
  sendAllocationFailures: number;
  /** completions from below the IM could not route (no call entry in ImReserved, no NBL context of its) */
  unroutable: number;
  /** indications from below for objects not offloaded through the IM */
  droppedIndications: number;
}

/** Handlers get the contexts NDIS passes back: the VELAN as MiniportAdapterContext, the ADAPT as ProtocolBindingContext. */
function velanOf(adapterContext: unknown): Velan {
  if (!(adapterContext instanceof Velan)) throw new ImError(ImErrorCode.BAD_STATE, 'a MiniportXxx handler got a context that is not a virtual miniport');
  return adapterContext;
}

function adaptOf(bindingContext: unknown): Adapt {
  if (!(bindingContext instanceof Adapt)) throw new ImError(ImErrorCode.BAD_STATE, 'a ProtocolXxx handler got a context that is not a binding');
  return bindingContext;
}

/** NDIS_PROVIDER_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS of the upper edge (miniport.ts). */
const providerGeneric: ProviderChimneyGeneric = {
  kind: 'provider-generic',
  initiateOffload: (ctx, list) => velanOf(ctx).miniportInitiateOffload(list),
  terminateOffload: (ctx, list) => velanOf(ctx).miniportTerminateOffload(list),
  updateOffload: (ctx, list) => velanOf(ctx).miniportUpdateOffload(list),
  invalidateOffload: (ctx, list) => velanOf(ctx).miniportInvalidateOffload(list),
  queryOffload: (ctx, list) => velanOf(ctx).miniportQueryOffload(list),
};

/** NDIS_PROVIDER_CHIMNEY_OFFLOAD_TCP_CHARACTERISTICS of the upper edge (miniport.ts). */
const providerTcp: ProviderChimneyTcp = {
  kind: 'provider-tcp',
  offloadType: ChimneyOffloadType.TCP,
  tcpOffloadSend: (ctx, moc, nbl) => velanOf(ctx).miniportTcpOffloadSend(moc, nbl),
  tcpOffloadReceive: (ctx, moc, nbl) => velanOf(ctx).miniportTcpOffloadReceive(moc, nbl),
  tcpOffloadDisconnect: (ctx, moc, nbl, flags) => velanOf(ctx).miniportTcpOffloadDisconnect(moc, nbl, flags),
  tcpOffloadForward: (ctx, moc, nbl) => velanOf(ctx).miniportTcpOffloadForward(moc, nbl),
  tcpOffloadReceiveReturn: (ctx, nbl) => velanOf(ctx).miniportTcpOffloadReceiveReturn(nbl),
};

/** NDIS_CLIENT_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS of the lower edge (protocol.ts). */
const clientGeneric: ClientChimneyGeneric = {
  kind: 'client-generic',
  initiateOffloadComplete: (ctx, list) => adaptOf(ctx).protocolInitiateOffloadComplete(list),
  terminateOffloadComplete: (ctx, list) => adaptOf(ctx).protocolTerminateOffloadComplete(list),
  updateOffloadComplete: (ctx, list) => adaptOf(ctx).protocolUpdateOffloadComplete(list),
  invalidateOffloadComplete: (ctx, list) => adaptOf(ctx).protocolInvalidateOffloadComplete(list),
  queryOffloadComplete: (ctx, list) => adaptOf(ctx).protocolQueryOffloadComplete(list),
  indicateOffloadEvent: (ctx, list, code) => adaptOf(ctx).protocolIndicateOffloadEvent(list, code),
};

/** NDIS_CLIENT_CHIMNEY_OFFLOAD_TCP_CHARACTERISTICS of the lower edge (protocol.ts). */
const clientTcp: ClientChimneyTcp = {
  kind: 'client-tcp',
  offloadType: ChimneyOffloadType.TCP,
  tcpOffloadSendComplete: (ctx, nbl) => adaptOf(ctx).protocolTcpOffloadSendComplete(nbl),
  tcpOffloadReceiveComplete: (ctx, nbl) => adaptOf(ctx).protocolTcpOffloadReceiveComplete(nbl),
  tcpOffloadDisconnectComplete: (ctx, nbl) => adaptOf(ctx).protocolTcpOffloadDisconnectComplete(nbl),
  tcpOffloadForwardComplete: (ctx, nbl) => adaptOf(ctx).protocolTcpOffloadForwardComplete(nbl),
  // indications name the object by the IM's own NDIS_OFFLOAD_HANDLE; the entry around it
  // knows its binding
  tcpOffloadEvent: (handle, type, info) => entryAdapt(handle)?.protocolTcpOffloadEvent(handle, type, info),
  tcpOffloadReceiveIndicate: (handle, nbl, status, bc) => {
    const adapt = entryAdapt(handle);
    if (adapt) return adapt.protocolTcpOffloadReceiveIndicate(handle, nbl, status, bc);
    bc.value = 0;
    return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED;
  },
};

function entryAdapt(handle: NdisOffloadHandle): Adapt | undefined {
  return entryOfHandle(handle)?.velan.adapt;
}

export class ImDriver {
  /** the driver's protocol handle (NdisRegisterProtocolDriver) */
  readonly protocol: NdisHandle;
  /** owner tag of the IM's NET_BUFFER_LIST_CONTEXT entries; unique per driver instance */
  readonly nblContextOwner: string;
  readonly adapts: Adapt[] = [];
  /** call entries of state operations in flight (R86), listable */
  readonly callEntries = new Set<ImCallEntry>();
  readonly counters: ImCounters = { refusedStateOperations: 0, refusedIo: 0, sendAllocationFailures: 0, unroutable: 0, droppedIndications: 0 };
  /** why the last state operation was refused, for diagnostics */
  lastRefusal = '';
  /**
   * Fault injection for R90: while true, allocating the per-NBL context for a send fails, so
   * the IM completes the send upward with REQUEST_UPLOAD / UPLOAD_REQUESTED and never calls down.
   */
  failSendAllocations = false;
  readonly defer: (fn: () => void) => void;
  private readonly chimney: 'both' | 'none';

  constructor(readonly ndis: Ndis, readonly name: string, readonly memory: HostMemory, options: ImDriverOptions = {}) {
    this.defer = options.defer ?? queueMicrotask;
    this.chimney = options.chimney ?? 'both';
    this.nblContextOwner = `flue-im:${name}`;
    this.protocol = ndis.registerProtocol(name, { status: (ctx, status) => adaptOf(ctx).protocolStatus(status) });
    if (this.chimney === 'both') {
      this.must(ndis.setOptionalHandlers(this.protocol, clientGeneric), 'client generic');
      this.must(ndis.setOptionalHandlers(this.protocol, clientTcp), 'client TCP');
    }
  }

  private must(status: number, what: string): void {
    if (status !== NdisStatus.SUCCESS) throw new ImError(ImErrorCode.BAD_STATE, `${this.name}: NdisSetOptionalHandlers (${what}) failed with 0x${(status >>> 0).toString(16)}`);
  }

  /** ProtocolBindAdapterEx: opens a binding to the miniport (or virtual miniport) below. */
  bind(lowerMiniport: NdisHandle, name = `${this.name}.adapt${this.adapts.length}`): Adapt {
    const adapt = new Adapt(this, name, lowerMiniport);
    adapt.bindingHandle = this.ndis.openAdapter(this.protocol, lowerMiniport, adapt);
    adapt.transition(AdaptState.BOUND);
    this.adapts.push(adapt);
    return adapt;
  }

  /**
   * MiniportInitializeEx of a virtual miniport over `adapt`: registers the MiniportXxx chimney
   * sets before initialization completes (R1, R3) and fetches NDIS's entry points (R2).
   */
  addVirtualMiniport(adapt: Adapt, name = `${this.name}.velan${adapt.velans.length}`): Velan {
    if (!adapt.bound) throw new ImError(ImErrorCode.BAD_STATE, `${adapt.name} is ${adapt.state}`);
    const velan = new Velan(this, adapt, name);
    velan.handle = this.ndis.registerMiniport(name, velan, this.memory);
    if (this.chimney === 'both') {
      this.must(this.ndis.setOptionalHandlers(velan.handle, providerGeneric), 'provider generic');
      this.must(this.ndis.setOptionalHandlers(velan.handle, providerTcp), 'provider TCP');
    }
    const got = this.ndis.mGetOffloadHandlers(velan.handle, ChimneyOffloadType.TCP);
    if (got.status !== NdisStatus.SUCCESS || !got.handlers || got.handlers.header.revision < 1)
      throw new ImError(ImErrorCode.BAD_STATE, `${name}: NdisMGetOffloadHandlers gave no revision-1 entry points`);
    velan.handlers = got.handlers;
    this.ndis.initializeComplete(velan.handle);
    velan.transition(VelanState.RUNNING);
    adapt.attach(velan);
    return velan;
  }

  /** Every IM offload entry alive in this driver (R85), for tests and halt checks. */
  get offloadEntries(): ImOffloadEntry[] {
    return this.adapts.flatMap((a) => a.velans.flatMap((v) => [...v.entries]));
  }
}
