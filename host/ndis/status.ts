/**
 * NDIS status codes with their real numeric values (DIGEST.md §6.1), as a frozen object and a
 * derived type, as tcpip.js does with its error codes. Statuses cross layers as values.
 */
export const NdisStatus = Object.freeze({
  SUCCESS: 0x00000000,
  PENDING: 0x00000103,
  FAILURE: 0xc0000001,
  RESOURCES: 0xc000009a,
  NOT_SUPPORTED: 0xc00000bb,
  INVALID_STATE: 0xc0000184,
  INVALID_PARAMETER: 0xc000000d,
  REQUEST_ABORTED: 0xc023000c,
  PAUSED: 0xc023002a,
  OFFLOAD_PAUSE: 0x40020001,
  UPLOAD_ALL: 0x40020002,
  OFFLOAD_RESUME: 0x40020003,
  OFFLOAD_PARTIAL_SUCCESS: 0x40020004,
  OFFLOAD_STATE_INVALID: 0x40020005,
  TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES: 0x4002000b,
  UPLOAD_IN_PROGRESS: 0xc0231001,
  REQUEST_UPLOAD: 0xc0231002,
  UPLOAD_REQUESTED: 0xc0231003,
  OFFLOAD_TCP_ENTRIES: 0xc0231004,
  OFFLOAD_PATH_ENTRIES: 0xc0231005,
  OFFLOAD_NEIGHBOR_ENTRIES: 0xc0231006,
  OFFLOAD_IP_ADDRESS_ENTRIES: 0xc0231007,
  OFFLOAD_HW_ADDRESS_ENTRIES: 0xc0231008,
  OFFLOAD_VLAN_ENTRIES: 0xc0231009,
  OFFLOAD_TCP_XMIT_BUFFER: 0xc023100a,
  OFFLOAD_TCP_RCV_BUFFER: 0xc023100b,
  OFFLOAD_TCP_RCV_WINDOW: 0xc023100c,
  OFFLOAD_VLAN_MISMATCH: 0xc023100d,
  OFFLOAD_DATA_NOT_ACCEPTED: 0xc023100e,
  OFFLOAD_POLICY: 0xc023100f,
  OFFLOAD_DATA_PARTIALLY_ACCEPTED: 0xc0231010,
  OFFLOAD_REQUEST_RESET: 0xc0231011,
  OFFLOAD_CONNECTION_REJECTED: 0xc0231012,
  /**
   * No public header defines NDIS_STATUS_OFFLOAD_PATH_MTU (DIGEST.md §6.1): a project-local
   * value in the customer-defined range (bit 29 set) so it can never collide with a real code.
   */
  OFFLOAD_PATH_MTU: 0xe0231001,
} as const);
export type NdisStatus = (typeof NdisStatus)[keyof typeof NdisStatus];

const names: ReadonlyMap<number, string> = new Map(Object.entries(NdisStatus).map(([k, v]) => [v, `NDIS_STATUS_${k}`]));

/** NDIS_STATUS_NAME for a value, or its hex form when unknown. */
export function ndisStatusName(status: number): string {
  return names.get(status >>> 0) ?? `0x${(status >>> 0).toString(16).padStart(8, '0')}`;
}

/** NT_SUCCESS-style test: success and informational codes (severity bits 00 or 01). */
export function ndisSucceeded(status: number): boolean {
  return (status >>> 0) < 0x80000000;
}
