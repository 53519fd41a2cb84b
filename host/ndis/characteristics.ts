/**
 * The handler tables each edge registers (ndischimney.h characteristics structures), typed by
 * the NDIS role, and the entry points NDIS hands a target through NdisMGetOffloadHandlers.
 * Every handler's obligations are in DIGEST.md §2; the R-numbers name the rules.
 */
import type { NetBufferList } from './nbl.js';
import type { NdisOffloadHandle, OffloadBlockList } from './offload.js';

/** An opaque handle a layer passes back to NDIS (binding, miniport). */
export interface NdisHandle {
  readonly kind: 'binding' | 'miniport' | 'protocol';
  readonly name: string;
}

/** BytesConsumed, an out parameter of the receive indication. */
export interface BytesConsumed { value: number }

/**
 * NDIS_PROVIDER_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS: what an offload target (or an IM's
 * upper edge) does for state operations. Each handler only stores the list and returns; it
 * completes later through the matching NdisM...Complete with the same list (R7).
 */
export interface ProviderChimneyGeneric {
  readonly kind: 'provider-generic';
  initiateOffload(adapterContext: unknown, list: OffloadBlockList): void;
  terminateOffload(adapterContext: unknown, list: OffloadBlockList): void;
  updateOffload(adapterContext: unknown, list: OffloadBlockList): void;
  invalidateOffload(adapterContext: unknown, list: OffloadBlockList): void;
  queryOffload(adapterContext: unknown, list: OffloadBlockList): void;
}

/**
 * NDIS_PROVIDER_CHIMNEY_OFFLOAD_TCP_CHARACTERISTICS. Send, receive, disconnect and forward
 * return only NDIS_STATUS_PENDING (R38); receive-return is synchronous and succeeds (R39).
 */
export interface ProviderChimneyTcp {
  readonly kind: 'provider-tcp';
  readonly offloadType: number;
  tcpOffloadSend(adapterContext: unknown, miniportOffloadContext: unknown, nbl: NetBufferList): number;
  tcpOffloadReceive(adapterContext: unknown, miniportOffloadContext: unknown, nbl: NetBufferList): number;
  tcpOffloadDisconnect(adapterContext: unknown, miniportOffloadContext: unknown, nbl: NetBufferList, flags: number): number;
  tcpOffloadForward(adapterContext: unknown, miniportOffloadContext: unknown, nbl: NetBufferList): number;
  tcpOffloadReceiveReturn(adapterContext: unknown, nbl: NetBufferList): number;
}

/** NDIS_CLIENT_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS: a host stack's (or IM lower edge's) completions. */
export interface ClientChimneyGeneric {
  readonly kind: 'client-generic';
  initiateOffloadComplete(bindingContext: unknown, list: OffloadBlockList): void;
  terminateOffloadComplete(bindingContext: unknown, list: OffloadBlockList): void;
  updateOffloadComplete(bindingContext: unknown, list: OffloadBlockList): void;
  invalidateOffloadComplete(bindingContext: unknown, list: OffloadBlockList): void;
  queryOffloadComplete(bindingContext: unknown, list: OffloadBlockList): void;
  indicateOffloadEvent(bindingContext: unknown, list: OffloadBlockList | null, indicationCode: number): void;
}

/** NDIS_CLIENT_CHIMNEY_OFFLOAD_TCP_CHARACTERISTICS */
export interface ClientChimneyTcp {
  readonly kind: 'client-tcp';
  readonly offloadType: number;
  tcpOffloadSendComplete(bindingContext: unknown, nbl: NetBufferList): void;
  tcpOffloadReceiveComplete(bindingContext: unknown, nbl: NetBufferList): void;
  tcpOffloadDisconnectComplete(bindingContext: unknown, nbl: NetBufferList): void;
  tcpOffloadForwardComplete(bindingContext: unknown, nbl: NetBufferList): void;
  /** offloadContext: the caller's NDIS_OFFLOAD_HANDLE the object was offloaded with */
  tcpOffloadEvent(offloadContext: NdisOffloadHandle, eventType: number, eventSpecificInformation: number): void;
  tcpOffloadReceiveIndicate(offloadContext: NdisOffloadHandle, nbl: NetBufferList, status: number, bytesConsumed: BytesConsumed): number;
}

export type OptionalHandlers = ProviderChimneyGeneric | ProviderChimneyTcp | ClientChimneyGeneric | ClientChimneyTcp;

/**
 * NDIS_TCP_OFFLOAD_EVENT_HANDLERS: NDIS's entry points for a target's indications and I/O
 * completions, obtained with NdisMGetOffloadHandlers (R2).
 */
export interface TcpOffloadEventHandlers {
  readonly header: { readonly revision: number };
  tcpOffloadEventHandler(ndisOffloadHandle: NdisOffloadHandle, eventType: number, eventSpecificInformation: number): void;
  tcpOffloadReceiveHandler(ndisOffloadHandle: NdisOffloadHandle, nbl: NetBufferList, status: number, bytesConsumed: BytesConsumed): number;
  tcpOffloadSendComplete(miniport: NdisHandle, nbl: NetBufferList): void;
  tcpOffloadReceiveComplete(miniport: NdisHandle, nbl: NetBufferList): void;
  tcpOffloadDisconnectComplete(miniport: NdisHandle, nbl: NetBufferList): void;
  tcpOffloadForwardComplete(miniport: NdisHandle, nbl: NetBufferList): void;
}

export const TCP_OFFLOAD_EVENT_HANDLERS_REVISION_1 = 1;

/** The ordinary status indication handler of a protocol (NdisMIndicateStatusEx). */
export type StatusHandler = (bindingContext: unknown, status: number) => void;
