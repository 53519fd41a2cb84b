/**
 * The intermediate driver's bookkeeping records, as `mux.h` declares them for the NDIS mux
 * sample: the IM offload entry (one per offloaded object, R85), the IM call entry (one per
 * state operation in flight, R86) and the NET_BUFFER_LIST_CONTEXT entry each forwarded NBL
 * carries (R89). The block-list overlay both edges perform lives here too, so the downward
 * and the upward conversion are written side by side (DIGEST.md §4.3, §4.4).
 */
import type { NetBufferList } from '../../ndis/nbl.js';
import { OffloadContextRef, type NdisOffloadHandle, type OffloadBlockList, type OffloadLayer } from '../../ndis/offload.js';
import type { IoOperation, StateOperation } from '../../ndis/runtime.js';
import type { Velan } from './miniport.js';

export const ImErrorCode = Object.freeze({
  BAD_TRANSITION: 'FLUE_IM_BAD_TRANSITION',
  BAD_STATE: 'FLUE_IM_BAD_STATE',
} as const);
export type ImErrorCode = (typeof ImErrorCode)[keyof typeof ImErrorCode];

/** A programming error inside or against the intermediate driver (a transition its state forbids). */
export class ImError extends Error {
  override readonly name = 'ImError';
  constructor(readonly code: ImErrorCode, message: string) {
    super(message);
  }
}

/** Checks `from → to` against a table of legal transitions (STYLE.md §2). */
export function checkTransition<S extends string>(what: string, legal: Record<S, readonly S[]>, from: S, to: S): S {
  if (!legal[from].includes(to)) throw new ImError(ImErrorCode.BAD_TRANSITION, `${what}: ${from} → ${to} is not a legal transition`);
  return to;
}

// ------------------------------------------------------------------ IM offload entry (R85)

export const OffloadEntryState = Object.freeze({
  /** passed down in an initiate that has not completed */
  OFFLOADING: 'offloading',
  OFFLOADED: 'offloaded',
  /** passed down in a terminate that has not completed */
  TERMINATING: 'terminating',
  /** the offload failed or the object was terminated: no longer referenced by anyone */
  FREED: 'freed',
} as const);
export type OffloadEntryState = (typeof OffloadEntryState)[keyof typeof OffloadEntryState];

const ENTRY_LEGAL: Record<OffloadEntryState, readonly OffloadEntryState[]> = {
  offloading: ['offloaded', 'freed'],
  offloaded: ['terminating'],
  terminating: ['freed'],
  freed: [],
};

/**
 * The IM's own NDIS_OFFLOAD_HANDLE, embedded in its offload entry: what the IM passes as
 * OffloadHandle when it propagates a state operation and as NdisOffloadHandle for I/O; the
 * layer below writes its PVOID into `miniportOffloadContext`. `entry` is CONTAINING_RECORD.
 */
export class ImOffloadHandle implements NdisOffloadHandle {
  ndisReserved: unknown = null;
  miniportOffloadContext: unknown = null;
  constructor(readonly entry: ImOffloadEntry) {}
}

/** An event indicated from below while the entry was still OFFLOADING, replayed afterwards. */
export interface HeldEvent {
  readonly eventType: number;
  readonly info: number;
}

/**
 * IM offload entry (N:referencing-offloaded-state-through-an-intermediate-driver): lives as
 * long as the offload of one object. The PVOID the IM writes into the upper
 * *MiniportOffloadContext is a pointer to this entry.
 */
export class ImOffloadEntry {
  readonly tag = 'flue-im-offload-entry';
  /** the IM's own NDIS_OFFLOAD_HANDLE for the object */
  readonly handle: ImOffloadHandle;
  readonly heldEvents: HeldEvent[] = [];
  private current: OffloadEntryState = OffloadEntryState.OFFLOADING;

  /**
   * @param velan the virtual miniport the object was offloaded through
   * @param upperHandle the NdisOffloadHandle of the upper block list: the overlying driver's
   *   NDIS_OFFLOAD_HANDLE, used for every indication on the object (R88)
   */
  constructor(readonly velan: Velan, readonly upperHandle: NdisOffloadHandle, readonly layer: OffloadLayer) {
    this.handle = new ImOffloadHandle(this);
  }

  get state(): OffloadEntryState {
    return this.current;
  }

  transition(to: OffloadEntryState): void {
    this.current = checkTransition(`offload entry of a ${this.layer} object`, ENTRY_LEGAL, this.current, to);
  }
}

/** The IM offload entry a PVOID names, if it is one of ours (else undefined). */
export function entryOf(pvoid: unknown): ImOffloadEntry | undefined {
  return pvoid instanceof ImOffloadEntry ? pvoid : undefined;
}

/** CONTAINING_RECORD for the IM's NDIS_OFFLOAD_HANDLE. */
export function entryOfHandle(handle: NdisOffloadHandle | null | undefined): ImOffloadEntry | undefined {
  return handle instanceof ImOffloadHandle ? handle.entry : undefined;
}

// ------------------------------------------------------------------ IM call entry (R86)

export const CallEntryState = Object.freeze({
  /** inside the NdisXxxOffload call that passes the operation down */
  CALLING_DOWN: 'calling-down',
  /** passed down, waiting for ProtocolXxxOffloadComplete */
  PENDING: 'pending',
  FREED: 'freed',
} as const);
export type CallEntryState = (typeof CallEntryState)[keyof typeof CallEntryState];

const CALL_LEGAL: Record<CallEntryState, readonly CallEntryState[]> = {
  'calling-down': ['pending', 'freed'],
  pending: ['freed'],
  freed: [],
};

/** What the IM saves of one node before overlaying it (N:reusing-an-ndis-miniport-offload-block-list-structure). */
export interface SavedNode {
  readonly imReserved: readonly unknown[];
  readonly sourceHandle: unknown;
  /** the upper NdisOffloadHandle (null for a placeholder) */
  readonly upperHandle: NdisOffloadHandle | null;
  /** the IM offload entry the node names (created for a new offload), null for a placeholder */
  readonly entry: ImOffloadEntry | null;
  /** initiate: the entry was created by this operation */
  readonly created: boolean;
  /** initiate: send data handed over with a new connection, carrying the IM's NBL context */
  readonly handedOver: readonly NetBufferList[];
}

/**
 * IM call entry: allocated in MiniportXxxOffload, referenced from ImReserved[0] of every node
 * while the operation is below, freed after NdisM...Complete.
 */
export class ImCallEntry {
  readonly tag = 'flue-im-call-entry';
  readonly saved = new Map<OffloadBlockList, SavedNode>();
  private current: CallEntryState = CallEntryState.CALLING_DOWN;

  constructor(readonly op: StateOperation, readonly velan: Velan, readonly list: OffloadBlockList) {}

  get state(): CallEntryState {
    return this.current;
  }

  transition(to: CallEntryState): void {
    this.current = checkTransition(`call entry of a ${this.op}`, CALL_LEGAL, this.current, to);
  }
}

/** The call entry ImReserved[0] of a node names, if it is one of ours. */
export function callEntryOf(node: OffloadBlockList): ImCallEntry | undefined {
  const c = node.imReserved[0];
  return c instanceof ImCallEntry ? c : undefined;
}

// ------------------------------------------------------------------ the overlay (R86, DIGEST §4.3–4.4)

/**
 * Downward: saves ImReserved and SourceHandle in the call entry, points ImReserved at it and
 * overlays the node as a protocol block list whose OffloadHandle is the IM's own handle (null
 * for a placeholder). The state structures after the node stay where they are.
 */
export function overlayDown(call: ImCallEntry, node: OffloadBlockList, saved: SavedNode): void {
  call.saved.set(node, saved);
  node.imReserved = [call, null];
  node.view = 'protocol';
  node.offloadHandle = saved.entry ? saved.entry.handle : null;
  // the miniport view's MiniportOffloadContext/NdisOffloadHandle pair is what OffloadHandle
  // and the third NdisReserved slot overlay
  node.ndisOffloadHandle = null;
  node.miniportOffloadContext = null;
}

/**
 * Upward: restores ImReserved and SourceHandle and overlays the node back as the miniport
 * block list NDIS passed in (NdisOffloadHandle = the upper handle, MiniportOffloadContext =
 * the upper handle's PVOID slot). Status is left as the layer below wrote it.
 */
export function overlayUp(node: OffloadBlockList, saved: SavedNode): void {
  node.imReserved = [...saved.imReserved];
  node.sourceHandle = saved.sourceHandle;
  node.view = 'miniport';
  node.offloadHandle = saved.upperHandle;
  node.ndisOffloadHandle = saved.upperHandle;
  node.miniportOffloadContext = saved.upperHandle ? new OffloadContextRef(saved.upperHandle) : null;
}

// ------------------------------------------------------------------ NET_BUFFER_LIST_CONTEXT (R89)

/** What the IM stores in each forwarded NBL's NET_BUFFER_LIST_CONTEXT (like IM_NBL_ENTRY). */
export interface ImNblEntry {
  readonly tag: 'flue-im-nbl-entry';
  /** the virtual miniport (upper binding) the request came from: where the completion goes */
  readonly velan: Velan;
  readonly op: IoOperation;
  readonly entry: ImOffloadEntry;
}

export function isImNblEntry(x: unknown): x is ImNblEntry {
  return !!x && typeof x === 'object' && (x as { tag?: unknown }).tag === 'flue-im-nbl-entry';
}

/** Pops the IM's context entry from an NBL if the innermost one is the IM's; else undefined. */
export function takeNblEntry(nbl: NetBufferList, owner: string): ImNblEntry | undefined {
  if (nbl.contextDepth === 0) return undefined;
  let data: unknown;
  try {
    data = nbl.context(owner);
  } catch {
    return undefined; // the innermost entry is not ours
  }
  if (!isImNblEntry(data)) return undefined;
  nbl.freeContext(owner);
  return data;
}
