// Generated from protocol/spec.ts by protocol/generate.ts. Do not edit.
/* eslint-disable */

export const CONTRACT_VERSION = Object.freeze({ major: 1, minor: 4 } as const);

/** value of the ID register: "FLUE" in ASCII */
export const ID_MAGIC = 1179407685;
/** every register is 32 bits wide */
export const REG_WIDTH_BYTES = 4;
/** size of the register window (AXI4-Lite address space) */
export const REG_SPACE_BYTES = 4096;
/** size of one request descriptor */
export const REQ_ENTRY_BYTES = 32;
/** size of one completion/event entry */
export const CPL_ENTRY_BYTES = 32;
/** smallest ring: 4 entries */
export const RING_MIN_LOG2 = 2;
/** largest ring: 65536 entries */
export const RING_MAX_LOG2 = 16;
/** shortest frame a plain send accepts (an Ethernet header) */
export const ETH_MIN_FRAME = 14;
/** the NIC pads shorter frames with zeros to this length (FCS excluded) */
export const ETH_MIN_WIRE_FRAME = 60;
/** longest frame without FCS: 1500-byte MTU plus header and one 802.1Q tag */
export const ETH_MAX_FRAME = 1518;
/** a plain receive buffer must hold the longest frame */
export const RX_BUFFER_MIN = 1518;
/** longest forwarded TCP segment: what a frame of ETH_MAX_FRAME holds after its Ethernet and IPv4 headers */
export const FORWARD_MAX = 1484;
/** longest buffer one descriptor may name (64 KiB) */
export const BUFFER_MAX = 65536;
/** host addresses are 48 bits; higher bits set make a descriptor address bad */
export const DMA_ADDR_BITS = 48;
/** interrupt vectors of the reference build */
export const IRQ_VECTORS = 4;
/** vector raised for every completion or event entry written */
export const IRQ_VEC_COMPLETION = 0;
/** vector raised when a fault is recorded in FAULT_CAUSE */
export const IRQ_VEC_FAULT = 1;
/** vector for status indications (offload pause/resume, upload-all) */
export const IRQ_VEC_STATUS = 2;
/** reference core clock: 64-bit wire at 10 GbE */
export const CORE_CLOCK_HZ = 156250000;
/** the wire is a 64-bit AXI4-Stream */
export const WIRE_BYTES_PER_CYCLE = 8;
/** size of the flat connection state block an initiate reads */
export const CONN_STATE_BYTES = 288;
/** NeighborState inside the connection state block */
export const CONN_STATE_NEIGHBOR_OFFSET = 32;
/** PathState inside the connection state block */
export const CONN_STATE_PATH_OFFSET = 64;
/** TcpConstState inside the connection state block */
export const CONN_STATE_TCP_CONST_OFFSET = 96;
/** TcpCachedState inside the connection state block */
export const CONN_STATE_TCP_CACHED_OFFSET = 128;
/** TcpDelegatedState inside the connection state block */
export const CONN_STATE_TCP_DELEGATED_OFFSET = 160;
/** size of a link message header */
export const LINK_HEADER_BYTES = 16;

/** request descriptor opcodes: the whole chimney operation set plus the plain L2 path */
export const Opcode = Object.freeze({
  /** completes at once with OK; exercises the rings */
  NOP: 1,
  /** send one plain frame from addr/length */
  L2_SEND: 2,
  /** post one plain receive buffer; completes when a frame fills it */
  L2_RECV_POST: 3,
  /** install a connection from the state block at addr (MiniportInitiateOffload) */
  OFFLOAD_INITIATE: 16,
  /** upload: write delegated state to addr, free conn (MiniportTerminateOffload) */
  OFFLOAD_TERMINATE: 17,
  /** replace cached state from addr (MiniportUpdateOffload) */
  OFFLOAD_UPDATE: 18,
  /** write delegated state to addr (MiniportQueryOffload) */
  OFFLOAD_QUERY: 19,
  /** mark cached state of conn invalid (MiniportInvalidateOffload) */
  OFFLOAD_INVALIDATE: 20,
  /** the NicReachabilityDelta of neighbor id conn (ticks since forward progress on a connection through it, R70, R71) in the completion's length; for a query or terminate of the neighbor */
  NEIGHBOR_NRD: 22,
  /** the host's HostReachabilityDelta (param, ticks) for neighbor id conn, its answer to NEIGHBOR_QUERY: HRT = now - HRD (R70) */
  NEIGHBOR_REACH: 21,
  /** send addr/length on conn; completes when every byte is acknowledged */
  TCP_SEND: 32,
  /** post a receive buffer for conn; filled in FIFO order */
  TCP_RECV_POST: 33,
  /** graceful (FIN after addr/length data) or abortive (flag) close */
  TCP_DISCONNECT: 34,
  /** one TCP segment at addr/length (from the TCP header, 20 to FORWARD_MAX bytes) processed as if received */
  TCP_FORWARD: 35,
  /** lend the card a NIC buffer at addr/length, id in param (again after its indication); filled when a connection has no posted receive */
  TCP_RECV_RETURN: 36,
} as const);
export type Opcode = (typeof Opcode)[keyof typeof Opcode];
const opcodeNames: ReadonlyMap<number, string> = new Map([[1, 'NOP'], [2, 'L2_SEND'], [3, 'L2_RECV_POST'], [16, 'OFFLOAD_INITIATE'], [17, 'OFFLOAD_TERMINATE'], [18, 'OFFLOAD_UPDATE'], [19, 'OFFLOAD_QUERY'], [20, 'OFFLOAD_INVALIDATE'], [22, 'NEIGHBOR_NRD'], [21, 'NEIGHBOR_REACH'], [32, 'TCP_SEND'], [33, 'TCP_RECV_POST'], [34, 'TCP_DISCONNECT'], [35, 'TCP_FORWARD'], [36, 'TCP_RECV_RETURN']]);
/** the name of a Opcode value, or its number in hex when unknown */
export function opcodeName(value: number): string {
  return opcodeNames.get(value) ?? '0x' + value.toString(16);
}

/** bits of the request descriptor flags byte */
export const RequestFlag = Object.freeze({
  /** TCP_SEND: set PSH on the last segment of this send */
  PUSH: 1,
  /** TCP_RECV_POST: complete only when full (no-push semantics) */
  NO_PUSH: 2,
  /** TCP_DISCONNECT: send RST instead of FIN */
  ABORTIVE: 4,
} as const);
export type RequestFlag = (typeof RequestFlag)[keyof typeof RequestFlag];
const requestFlagNames: ReadonlyMap<number, string> = new Map([[1, 'PUSH'], [2, 'NO_PUSH'], [4, 'ABORTIVE']]);
/** the name of a RequestFlag value, or its number in hex when unknown */
export function requestFlagName(value: number): string {
  return requestFlagNames.get(value) ?? '0x' + value.toString(16);
}

/** kinds of entry in the completion ring */
export const EntryKind = Object.freeze({
  /** completion of one request, named by tag */
  COMPLETION: 1,
  /** an indication the device raised by itself */
  EVENT: 2,
} as const);
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];
const entryKindNames: ReadonlyMap<number, string> = new Map([[1, 'COMPLETION'], [2, 'EVENT']]);
/** the name of a EntryKind value, or its number in hex when unknown */
export function entryKindName(value: number): string {
  return entryKindNames.get(value) ?? '0x' + value.toString(16);
}

/** status byte of a completion entry */
export const CplStatus = Object.freeze({
  /** done */
  OK: 0,
  /** the opcode is unknown */
  BAD_OPCODE: 1,
  /** length zero, too short or too long for the opcode */
  BAD_LENGTH: 2,
  /** address zero, or addr+length beyond DMA_ADDR_BITS */
  BAD_ADDRESS: 3,
  /** the host bus answered an access with an error; see FAULT_* */
  DMA_ERROR: 4,
  /** flushed by a reset, a disable or an abortive close */
  ABORTED: 5,
  /** a valid opcode this build does not implement */
  UNSUPPORTED: 6,
  /** conn names no offloaded connection */
  BAD_CONN: 7,
  /** the connection table is full */
  RESOURCES: 8,
  /** the connection is being terminated */
  UPLOAD_IN_PROGRESS: 9,
  /** not allowed in the connection state (receive post after FIN) */
  INVALID_STATE: 10,
  /** the state block read at initiate or update failed validation */
  BAD_STATE_BLOCK: 11,
  /** a receive posted behind an out-of-order isle, handed back untouched: the driver fills it from the TCP_RECV_STASH data first and posts the rest again */
  RETURNED: 12,
} as const);
export type CplStatus = (typeof CplStatus)[keyof typeof CplStatus];
const cplStatusNames: ReadonlyMap<number, string> = new Map([[0, 'OK'], [1, 'BAD_OPCODE'], [2, 'BAD_LENGTH'], [3, 'BAD_ADDRESS'], [4, 'DMA_ERROR'], [5, 'ABORTED'], [6, 'UNSUPPORTED'], [7, 'BAD_CONN'], [8, 'RESOURCES'], [9, 'UPLOAD_IN_PROGRESS'], [10, 'INVALID_STATE'], [11, 'BAD_STATE_BLOCK'], [12, 'RETURNED']]);
/** the name of a CplStatus value, or its number in hex when unknown */
export function cplStatusName(value: number): string {
  return cplStatusNames.get(value) ?? '0x' + value.toString(16);
}

/** opcode byte of an EVENT entry; 1..4 equal TCP_OFFLOAD_EVENT_TYPE */
export const EventCode = Object.freeze({
  /** info = preferred outstanding send bytes (TcpIndicateSendBacklogChange) */
  TCP_SEND_BACKLOG: 1,
  /** FIN received and all earlier data consumed (TcpIndicateDisconnect) */
  TCP_DISCONNECT: 2,
  /** please upload; info = UploadReason (TcpIndicateRetrieve) */
  TCP_RETRIEVE: 3,
  /** acceptable RST received (TcpIndicateAbort) */
  TCP_ABORT: 4,
  /** data in a NIC buffer: length bytes, buffer id in info */
  TCP_RECV_INDICATE: 5,
  /** neighbor reachability query (R70): conn = neighbor id, info = NicReachabilityDelta (ticks since forward progress on a connection through it) */
  NEIGHBOR_QUERY: 6,
  /** NDIS_STATUS_OFFLOAD_PAUSE */
  OFFLOAD_PAUSE: 7,
  /** NDIS_STATUS_UPLOAD_ALL */
  UPLOAD_ALL: 8,
  /** NDIS_STATUS_OFFLOAD_RESUME */
  OFFLOAD_RESUME: 9,
  /** data in a NIC buffer (length bytes, buffer id in info) for the receives the card hands back next (RETURNED): the driver keeps it and lends the buffer again */
  TCP_RECV_STASH: 10,
} as const);
export type EventCode = (typeof EventCode)[keyof typeof EventCode];
const eventCodeNames: ReadonlyMap<number, string> = new Map([[1, 'TCP_SEND_BACKLOG'], [2, 'TCP_DISCONNECT'], [3, 'TCP_RETRIEVE'], [4, 'TCP_ABORT'], [5, 'TCP_RECV_INDICATE'], [6, 'NEIGHBOR_QUERY'], [7, 'OFFLOAD_PAUSE'], [8, 'UPLOAD_ALL'], [9, 'OFFLOAD_RESUME'], [10, 'TCP_RECV_STASH']]);
/** the name of a EventCode value, or its number in hex when unknown */
export function eventCodeName(value: number): string {
  return eventCodeNames.get(value) ?? '0x' + value.toString(16);
}

/** TCP_UPLOAD_REASON values (ndischimney.h) */
export const UploadReason = Object.freeze({
  /** optional */
  LOW_ACTIVITY: 1,
  /** optional */
  HIGH_DROP_RATE: 2,
  /** optional */
  SMALL_IO: 3,
  /** optional */
  NO_BUFFER_PREPOSTING: 4,
  /** mandatory */
  RECEIVED_URGENT_DATA: 5,
  /** optional */
  HIGH_FRAGMENTATION: 6,
  /** optional */
  HIGH_OUT_OF_ORDER_PACKETS: 7,
  /** mandatory */
  TIMEOUT_EXPIRATION: 8,
  /** mandatory */
  INVALID_STATE: 9,
  /** mandatory */
  UPLOAD_REQUESTED: 10,
  /** mandatory */
  HARDWARE_FAILURE: 11,
} as const);
export type UploadReason = (typeof UploadReason)[keyof typeof UploadReason];
const uploadReasonNames: ReadonlyMap<number, string> = new Map([[1, 'LOW_ACTIVITY'], [2, 'HIGH_DROP_RATE'], [3, 'SMALL_IO'], [4, 'NO_BUFFER_PREPOSTING'], [5, 'RECEIVED_URGENT_DATA'], [6, 'HIGH_FRAGMENTATION'], [7, 'HIGH_OUT_OF_ORDER_PACKETS'], [8, 'TIMEOUT_EXPIRATION'], [9, 'INVALID_STATE'], [10, 'UPLOAD_REQUESTED'], [11, 'HARDWARE_FAILURE']]);
/** the name of a UploadReason value, or its number in hex when unknown */
export function uploadReasonName(value: number): string {
  return uploadReasonNames.get(value) ?? '0x' + value.toString(16);
}

/** TCP_OFFLOAD_CONNECTION_STATE (ndischimney.h values) */
export const TcpState = Object.freeze({
  /** CLOSED */
  CLOSED: 0,
  /** LISTEN */
  LISTEN: 1,
  /** SYN_SENT */
  SYN_SENT: 2,
  /** SYN_RCVD */
  SYN_RCVD: 3,
  /** ESTABLISHED */
  ESTABLISHED: 4,
  /** FIN_WAIT_1 */
  FIN_WAIT_1: 5,
  /** FIN_WAIT_2 */
  FIN_WAIT_2: 6,
  /** CLOSE_WAIT */
  CLOSE_WAIT: 7,
  /** CLOSING */
  CLOSING: 8,
  /** LAST_ACK */
  LAST_ACK: 9,
  /** TIME_WAIT */
  TIME_WAIT: 10,
} as const);
export type TcpState = (typeof TcpState)[keyof typeof TcpState];
const tcpStateNames: ReadonlyMap<number, string> = new Map([[0, 'CLOSED'], [1, 'LISTEN'], [2, 'SYN_SENT'], [3, 'SYN_RCVD'], [4, 'ESTABLISHED'], [5, 'FIN_WAIT_1'], [6, 'FIN_WAIT_2'], [7, 'CLOSE_WAIT'], [8, 'CLOSING'], [9, 'LAST_ACK'], [10, 'TIME_WAIT']]);
/** the name of a TcpState value, or its number in hex when unknown */
export function tcpStateName(value: number): string {
  return tcpStateNames.get(value) ?? '0x' + value.toString(16);
}

/** bits of FAULT_CAUSE */
export const FaultCause = Object.freeze({
  /** a DMA read got an error response */
  DMA_READ: 1,
  /** a DMA write got an error response */
  DMA_WRITE: 2,
  /** a completion entry could not be written: the queues stop until reset */
  CPL_WRITE: 4,
  /** a request descriptor could not be read: the queues stop until reset */
  REQ_FETCH: 8,
  /** enable with a ring size outside RING_MIN_LOG2..RING_MAX_LOG2 or a base not entry-aligned */
  RING_CONFIG: 16,
} as const);
export type FaultCause = (typeof FaultCause)[keyof typeof FaultCause];
const faultCauseNames: ReadonlyMap<number, string> = new Map([[1, 'DMA_READ'], [2, 'DMA_WRITE'], [4, 'CPL_WRITE'], [8, 'REQ_FETCH'], [16, 'RING_CONFIG']]);
/** the name of a FaultCause value, or its number in hex when unknown */
export function faultCauseName(value: number): string {
  return faultCauseNames.get(value) ?? '0x' + value.toString(16);
}

/** link message types (serial bridge, simulator socket) */
export const LinkType = Object.freeze({
  /** host asks for identity */
  HELLO: 1,
  /** identity, version, capabilities */
  HELLO_REPLY: 2,
  /** register read */
  MMIO_READ: 3,
  /** register value */
  MMIO_READ_REPLY: 4,
  /** register write */
  MMIO_WRITE: 5,
  /** register write done */
  MMIO_WRITE_ACK: 6,
  /** device reads host memory */
  DMA_READ: 7,
  /** the bytes read, or an error */
  DMA_READ_REPLY: 8,
  /** device writes host memory */
  DMA_WRITE: 9,
  /** write done, or an error */
  DMA_WRITE_ACK: 10,
  /** interrupt vectors raised */
  IRQ: 11,
  /** an Ethernet frame on a wire port */
  WIRE_FRAME: 12,
  /** run until the given simulated cycle */
  TIME_ADVANCE: 13,
  /** the simulator reached the cycle */
  TIME_REACHED: 14,
  /** assert the core reset */
  RESET: 15,
  /** the peer could not serve a message */
  ERROR: 16,
  /** host asks for the bridge's link counters; the response carries LinkStats */
  LINK_STATS: 17,
} as const);
export type LinkType = (typeof LinkType)[keyof typeof LinkType];
const linkTypeNames: ReadonlyMap<number, string> = new Map([[1, 'HELLO'], [2, 'HELLO_REPLY'], [3, 'MMIO_READ'], [4, 'MMIO_READ_REPLY'], [5, 'MMIO_WRITE'], [6, 'MMIO_WRITE_ACK'], [7, 'DMA_READ'], [8, 'DMA_READ_REPLY'], [9, 'DMA_WRITE'], [10, 'DMA_WRITE_ACK'], [11, 'IRQ'], [12, 'WIRE_FRAME'], [13, 'TIME_ADVANCE'], [14, 'TIME_REACHED'], [15, 'RESET'], [16, 'ERROR'], [17, 'LINK_STATS']]);
/** the name of a LinkType value, or its number in hex when unknown */
export function linkTypeName(value: number): string {
  return linkTypeNames.get(value) ?? '0x' + value.toString(16);
}

/** register byte offsets */
export const Reg = Object.freeze({
  /** identity: ID_MAGIC (ro) */
  ID: 0x000,
  /** contract version the RTL was built from (ro) */
  VERSION: 0x004,
  /** capabilities of this build (reset value: the reference build, TOE included) (ro) */
  CAPS: 0x008,
  /** offloaded connections the TOE holds (0 without TOE; reset value: the reference build) (ro) */
  MAX_CONNS: 0x00c,
  /** longest plain frame, FCS excluded (ro) */
  MAX_FRAME: 0x010,
  /** send and graceful-disconnect requests the TOE holds at once across all connections (0 without TOE) (ro) */
  SEND_ENTRIES: 0x014,
  /** control (rw) */
  CTRL: 0x020,
  /** status, live (reset value: READY and IDLE after reset) (ro) */
  STATUS: 0x024,
  /** interface MAC address bytes 0..3 (byte 0 in bits 7:0) (rw) */
  MAC_LO: 0x028,
  /** interface MAC address bytes 4..5 in bits 15:0 (rw) */
  MAC_HI: 0x02c,
  /** core cycles per TOE timer tick (reset: 1 ms at 156.25 MHz) (rw) */
  TICK_DIV: 0x030,
  /** free-running cycle counter, low word; reading it latches the high word (ro) */
  TIMESTAMP_LO: 0x034,
  /** high word latched by the last TIMESTAMP_LO read (ro) */
  TIMESTAMP_HI: 0x038,
  /** request ring base address, low word (entry-aligned) (rw) */
  REQ_BASE_LO: 0x040,
  /** request ring base address, high word (rw) */
  REQ_BASE_HI: 0x044,
  /** request ring entries, log2 (rw) */
  REQ_SIZE_LOG2: 0x048,
  /** doorbell: index of the next entry the host will fill (producer) (rw) */
  REQ_TAIL: 0x04c,
  /** index of the next entry the device will fetch (consumer) (ro) */
  REQ_HEAD: 0x050,
  /** completion ring base address, low word (entry-aligned) (rw) */
  CPL_BASE_LO: 0x060,
  /** completion ring base address, high word (rw) */
  CPL_BASE_HI: 0x064,
  /** completion ring entries, log2 (rw) */
  CPL_SIZE_LOG2: 0x068,
  /** doorbell: index of the next entry the host will consume (rw) */
  CPL_HEAD: 0x06c,
  /** index of the next entry the device will write (producer) (ro) */
  CPL_TAIL: 0x070,
  /** bit v: vector v fired since last cleared (w1c) */
  IRQ_STATUS: 0x080,
  /** bit v set: vector v never fires (rw) */
  IRQ_MASK: 0x084,
  /** write bit v: re-arm vector v (a vector fires once, then waits to be re-armed) (wo) */
  IRQ_ARM: 0x088,
  /** vector 0 fires once this many events are pending (0 and 1 both mean every event) (rw) */
  IRQ_MOD_COUNT_0: 0x0a0,
  /** vector 0 fires this many core cycles after its first pending event even below the count (0 = no time limit) (rw) */
  IRQ_MOD_TIME_0: 0x0a4,
  /** vector 1 fires once this many events are pending (0 and 1 both mean every event) (rw) */
  IRQ_MOD_COUNT_1: 0x0a8,
  /** vector 1 fires this many core cycles after its first pending event even below the count (0 = no time limit) (rw) */
  IRQ_MOD_TIME_1: 0x0ac,
  /** vector 2 fires once this many events are pending (0 and 1 both mean every event) (rw) */
  IRQ_MOD_COUNT_2: 0x0b0,
  /** vector 2 fires this many core cycles after its first pending event even below the count (0 = no time limit) (rw) */
  IRQ_MOD_TIME_2: 0x0b4,
  /** vector 3 fires once this many events are pending (0 and 1 both mean every event) (rw) */
  IRQ_MOD_COUNT_3: 0x0b8,
  /** vector 3 fires this many core cycles after its first pending event even below the count (0 = no time limit) (rw) */
  IRQ_MOD_TIME_3: 0x0bc,
  /** vector 0 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME (rw) */
  IRQ_MOD_IDLE_0: 0x090,
  /** vector 1 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME (rw) */
  IRQ_MOD_IDLE_1: 0x094,
  /** vector 2 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME (rw) */
  IRQ_MOD_IDLE_2: 0x098,
  /** vector 3 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME (rw) */
  IRQ_MOD_IDLE_3: 0x09c,
  /** sticky FaultCause bits (w1c) */
  FAULT_CAUSE: 0x0c0,
  /** address of the first faulting DMA since FAULT_CAUSE was clear, low word (ro) */
  FAULT_ADDR_LO: 0x0c4,
  /** high word of that address (ro) */
  FAULT_ADDR_HI: 0x0c8,
  /** write 1: zero every STAT_* counter (wo) */
  STATS_CLEAR: 0x0fc,
  /** request descriptors fetched (32 bits, wraps) (ro) */
  STAT_REQ_FETCHED: 0x100,
  /** completion and event entries written (32 bits, wraps) (ro) */
  STAT_CPL_WRITTEN: 0x104,
  /** plain frames sent on the wire (32 bits, wraps) (ro) */
  STAT_TX_FRAMES: 0x108,
  /** bytes of plain frames sent (padding included) (32 bits, wraps) (ro) */
  STAT_TX_BYTES: 0x10c,
  /** frames received from the wire into host buffers (32 bits, wraps) (ro) */
  STAT_RX_FRAMES: 0x110,
  /** bytes received into host buffers (32 bits, wraps) (ro) */
  STAT_RX_BYTES: 0x114,
  /** frames dropped because no receive buffer was posted (32 bits, wraps) (ro) */
  STAT_RX_DROP_NO_BUFFER: 0x118,
  /** frames dropped because the receive FIFO was full (32 bits, wraps) (ro) */
  STAT_RX_DROP_OVERFLOW: 0x11c,
  /** frames dropped as runts or longer than ETH_MAX_FRAME (32 bits, wraps) (ro) */
  STAT_RX_ERRORS: 0x120,
  /** descriptors completed with BAD_OPCODE, BAD_LENGTH, BAD_ADDRESS or UNSUPPORTED (32 bits, wraps) (ro) */
  STAT_BAD_DESC: 0x124,
  /** DMA transfers answered with an error (32 bits, wraps) (ro) */
  STAT_DMA_ERRORS: 0x128,
  /** interrupts raised, all vectors (32 bits, wraps) (ro) */
  STAT_IRQS: 0x12c,
  /** segments of offloaded connections the TOE took from the wire (and forwards) (32 bits, wraps) (ro) */
  STAT_TOE_RX_SEGMENTS: 0x130,
  /** segments of offloaded connections dropped for want of room before the engine (32 bits, wraps) (ro) */
  STAT_TOE_RX_DROPPED: 0x134,
  /** segments of offloaded connections dropped for a bad TCP checksum (32 bits, wraps) (ro) */
  STAT_TOE_RX_CSUM_ERRORS: 0x138,
  /** segments the TOE sent (32 bits, wraps) (ro) */
  STAT_TOE_TX_SEGMENTS: 0x13c,
  /** segments the TOE sent again (32 bits, wraps) (ro) */
  STAT_TOE_RETRANSMITS: 0x140,
  /** TcpAckFrequency: segments received before an ACK (rw) */
  TCP_ACK_FREQUENCY: 0x200,
  /** TcpDelayedAckTicks (rw) */
  TCP_DELAYED_ACK_TICKS: 0x204,
  /** TcpMaximumRetransmissions (rw) */
  TCP_MAX_RETRANSMISSIONS: 0x208,
  /** TcpDoubtReachabilityRetransmissions (rw) */
  TCP_DOUBT_REACH_RETRANS: 0x20c,
  /** TcpSwsPreventionTicks (rw) */
  TCP_SWS_PREVENTION_TICKS: 0x210,
  /** TcpDuplicateAckThreshold (rw) */
  TCP_DUP_ACK_THRESHOLD: 0x214,
  /** TcpPushTicks (rw) */
  TCP_PUSH_TICKS: 0x218,
  /** NceStaleTicks (rw) */
  NCE_STALE_TICKS: 0x21c,
  /** lower bound of the retransmission timeout (RFC 6298 (2.4)); the host sets it for its tick rate (rw) */
  TCP_MIN_RTO_TICKS: 0x220,
  /** upper bound of the retransmission timeout, backoff included (rw) */
  TCP_MAX_RTO_TICKS: 0x224,
  /** FIN_WAIT_2 timer (R82): ticks without an acceptable segment before the upload request; the host sets 120 s for its tick rate (rw) */
  TCP_FIN_WAIT_2_TICKS: 0x228,
} as const);
export type Reg = (typeof Reg)[keyof typeof Reg];
/** register values after reset */
export const RegReset = Object.freeze({
  ID: 0x464c5545,
  VERSION: 0x00010004,
  CAPS: 0x10040407,
  MAX_CONNS: 0x00000400,
  MAX_FRAME: 0x000005ee,
  SEND_ENTRIES: 0x00000800,
  CTRL: 0x00000000,
  STATUS: 0x00000009,
  MAC_LO: 0x00000000,
  MAC_HI: 0x00000000,
  TICK_DIV: 0x0002625a,
  TIMESTAMP_LO: 0x00000000,
  TIMESTAMP_HI: 0x00000000,
  REQ_BASE_LO: 0x00000000,
  REQ_BASE_HI: 0x00000000,
  REQ_SIZE_LOG2: 0x00000000,
  REQ_TAIL: 0x00000000,
  REQ_HEAD: 0x00000000,
  CPL_BASE_LO: 0x00000000,
  CPL_BASE_HI: 0x00000000,
  CPL_SIZE_LOG2: 0x00000000,
  CPL_HEAD: 0x00000000,
  CPL_TAIL: 0x00000000,
  IRQ_STATUS: 0x00000000,
  IRQ_MASK: 0x0000000f,
  IRQ_ARM: 0x00000000,
  IRQ_MOD_COUNT_0: 0x00000001,
  IRQ_MOD_TIME_0: 0x00000000,
  IRQ_MOD_COUNT_1: 0x00000001,
  IRQ_MOD_TIME_1: 0x00000000,
  IRQ_MOD_COUNT_2: 0x00000001,
  IRQ_MOD_TIME_2: 0x00000000,
  IRQ_MOD_COUNT_3: 0x00000001,
  IRQ_MOD_TIME_3: 0x00000000,
  IRQ_MOD_IDLE_0: 0x00000000,
  IRQ_MOD_IDLE_1: 0x00000000,
  IRQ_MOD_IDLE_2: 0x00000000,
  IRQ_MOD_IDLE_3: 0x00000000,
  FAULT_CAUSE: 0x00000000,
  FAULT_ADDR_LO: 0x00000000,
  FAULT_ADDR_HI: 0x00000000,
  STATS_CLEAR: 0x00000000,
  STAT_REQ_FETCHED: 0x00000000,
  STAT_CPL_WRITTEN: 0x00000000,
  STAT_TX_FRAMES: 0x00000000,
  STAT_TX_BYTES: 0x00000000,
  STAT_RX_FRAMES: 0x00000000,
  STAT_RX_BYTES: 0x00000000,
  STAT_RX_DROP_NO_BUFFER: 0x00000000,
  STAT_RX_DROP_OVERFLOW: 0x00000000,
  STAT_RX_ERRORS: 0x00000000,
  STAT_BAD_DESC: 0x00000000,
  STAT_DMA_ERRORS: 0x00000000,
  STAT_IRQS: 0x00000000,
  STAT_TOE_RX_SEGMENTS: 0x00000000,
  STAT_TOE_RX_DROPPED: 0x00000000,
  STAT_TOE_RX_CSUM_ERRORS: 0x00000000,
  STAT_TOE_TX_SEGMENTS: 0x00000000,
  STAT_TOE_RETRANSMITS: 0x00000000,
  TCP_ACK_FREQUENCY: 0x00000002,
  TCP_DELAYED_ACK_TICKS: 0x000000c8,
  TCP_MAX_RETRANSMISSIONS: 0x00000005,
  TCP_DOUBT_REACH_RETRANS: 0x00000003,
  TCP_SWS_PREVENTION_TICKS: 0x000003e8,
  TCP_DUP_ACK_THRESHOLD: 0x00000003,
  TCP_PUSH_TICKS: 0x000001f4,
  NCE_STALE_TICKS: 0x000003e8,
  TCP_MIN_RTO_TICKS: 0x000000c8,
  TCP_MAX_RTO_TICKS: 0x0000ea60,
  TCP_FIN_WAIT_2_TICKS: 0x0001d4c0,
} as const);
/** register access kinds */
export const RegAccess = Object.freeze({
  ID: 'ro',
  VERSION: 'ro',
  CAPS: 'ro',
  MAX_CONNS: 'ro',
  MAX_FRAME: 'ro',
  SEND_ENTRIES: 'ro',
  CTRL: 'rw',
  STATUS: 'ro',
  MAC_LO: 'rw',
  MAC_HI: 'rw',
  TICK_DIV: 'rw',
  TIMESTAMP_LO: 'ro',
  TIMESTAMP_HI: 'ro',
  REQ_BASE_LO: 'rw',
  REQ_BASE_HI: 'rw',
  REQ_SIZE_LOG2: 'rw',
  REQ_TAIL: 'rw',
  REQ_HEAD: 'ro',
  CPL_BASE_LO: 'rw',
  CPL_BASE_HI: 'rw',
  CPL_SIZE_LOG2: 'rw',
  CPL_HEAD: 'rw',
  CPL_TAIL: 'ro',
  IRQ_STATUS: 'w1c',
  IRQ_MASK: 'rw',
  IRQ_ARM: 'wo',
  IRQ_MOD_COUNT_0: 'rw',
  IRQ_MOD_TIME_0: 'rw',
  IRQ_MOD_COUNT_1: 'rw',
  IRQ_MOD_TIME_1: 'rw',
  IRQ_MOD_COUNT_2: 'rw',
  IRQ_MOD_TIME_2: 'rw',
  IRQ_MOD_COUNT_3: 'rw',
  IRQ_MOD_TIME_3: 'rw',
  IRQ_MOD_IDLE_0: 'rw',
  IRQ_MOD_IDLE_1: 'rw',
  IRQ_MOD_IDLE_2: 'rw',
  IRQ_MOD_IDLE_3: 'rw',
  FAULT_CAUSE: 'w1c',
  FAULT_ADDR_LO: 'ro',
  FAULT_ADDR_HI: 'ro',
  STATS_CLEAR: 'wo',
  STAT_REQ_FETCHED: 'ro',
  STAT_CPL_WRITTEN: 'ro',
  STAT_TX_FRAMES: 'ro',
  STAT_TX_BYTES: 'ro',
  STAT_RX_FRAMES: 'ro',
  STAT_RX_BYTES: 'ro',
  STAT_RX_DROP_NO_BUFFER: 'ro',
  STAT_RX_DROP_OVERFLOW: 'ro',
  STAT_RX_ERRORS: 'ro',
  STAT_BAD_DESC: 'ro',
  STAT_DMA_ERRORS: 'ro',
  STAT_IRQS: 'ro',
  STAT_TOE_RX_SEGMENTS: 'ro',
  STAT_TOE_RX_DROPPED: 'ro',
  STAT_TOE_RX_CSUM_ERRORS: 'ro',
  STAT_TOE_TX_SEGMENTS: 'ro',
  STAT_TOE_RETRANSMITS: 'ro',
  TCP_ACK_FREQUENCY: 'rw',
  TCP_DELAYED_ACK_TICKS: 'rw',
  TCP_MAX_RETRANSMISSIONS: 'rw',
  TCP_DOUBT_REACH_RETRANS: 'rw',
  TCP_SWS_PREVENTION_TICKS: 'rw',
  TCP_DUP_ACK_THRESHOLD: 'rw',
  TCP_PUSH_TICKS: 'rw',
  NCE_STALE_TICKS: 'rw',
  TCP_MIN_RTO_TICKS: 'rw',
  TCP_MAX_RTO_TICKS: 'rw',
  TCP_FIN_WAIT_2_TICKS: 'rw',
} as const);
/** fields of VERSION */
export const VERSION_FIELDS = Object.freeze({
  /** compatible additions */
  MINOR: { lsb: 0, width: 16, mask: 0x0000ffff },
  /** incompatible changes */
  MAJOR: { lsb: 16, width: 16, mask: 0xffff0000 },
} as const);
/** fields of CAPS */
export const CAPS_FIELDS = Object.freeze({
  /** plain frame path */
  L2: { lsb: 0, width: 1, mask: 0x00000001 },
  /** TCP offload engine */
  TOE: { lsb: 1, width: 1, mask: 0x00000002 },
  /** per-vector count and time moderation */
  IRQ_MODERATION: { lsb: 2, width: 1, mask: 0x00000004 },
  /** number of interrupt vectors */
  IRQ_VECTORS: { lsb: 8, width: 8, mask: 0x0000ff00 },
  /** log2 of the DMA data width in bytes */
  DMA_BYTES_LOG2: { lsb: 16, width: 4, mask: 0x000f0000 },
  /** largest ring size supported, log2 */
  RING_MAX_LOG2: { lsb: 24, width: 5, mask: 0x1f000000 },
} as const);
/** fields of CTRL */
export const CTRL_FIELDS = Object.freeze({
  /** queues run; rising edge resets ring indices and phase */
  ENABLE: { lsb: 0, width: 1, mask: 0x00000001 },
  /** write 1: return every block to its reset state (self-clearing) */
  SOFT_RESET: { lsb: 1, width: 1, mask: 0x00000002 },
} as const);
/** fields of STATUS */
export const STATUS_FIELDS = Object.freeze({
  /** out of reset, registers may be programmed */
  READY: { lsb: 0, width: 1, mask: 0x00000001 },
  /** queues running */
  ENABLED: { lsb: 1, width: 1, mask: 0x00000002 },
  /** FAULT_CAUSE is non-zero */
  FAULT: { lsb: 2, width: 1, mask: 0x00000004 },
  /** no DMA transfer or frame in flight */
  IDLE: { lsb: 3, width: 1, mask: 0x00000008 },
} as const);

/** request descriptor, written by the host into the request ring */
export interface ReqDesc {
  /** Opcode */
  opcode: number;
  /** RequestFlag bits */
  flags: number;
  /** zero */
  reserved0: number;
  /** host cookie, echoed in the completion */
  tag: number;
  /** buffer or state-block address in host memory */
  addr: bigint;
  /** buffer length in bytes */
  length: number;
  /** offloaded connection id (TCP and offload opcodes) */
  conn: number;
  /** opcode-specific: second address or value */
  param: bigint;
}
export const ReqDescLayout = Object.freeze({
  size: 32,
  opcode: { offset: 0, size: 1, bitLsb: 0, bitWidth: 8 },
  flags: { offset: 1, size: 1, bitLsb: 8, bitWidth: 8 },
  reserved0: { offset: 2, size: 2, bitLsb: 16, bitWidth: 16 },
  tag: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  addr: { offset: 8, size: 8, bitLsb: 64, bitWidth: 64 },
  length: { offset: 16, size: 4, bitLsb: 128, bitWidth: 32 },
  conn: { offset: 20, size: 4, bitLsb: 160, bitWidth: 32 },
  param: { offset: 24, size: 8, bitLsb: 192, bitWidth: 64 },
} as const);
export function decodeReqDesc(view: DataView, at = 0): ReqDesc {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`ReqDesc at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    opcode: view.getUint8(at + 0),
    flags: view.getUint8(at + 1),
    reserved0: view.getUint16(at + 2, true),
    tag: view.getUint32(at + 4, true),
    addr: view.getBigUint64(at + 8, true),
    length: view.getUint32(at + 16, true),
    conn: view.getUint32(at + 20, true),
    param: view.getBigUint64(at + 24, true),
  };
}
export function encodeReqDesc(view: DataView, value: ReqDesc, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`ReqDesc at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  view.setUint8(at + 0, value.opcode);
  view.setUint8(at + 1, value.flags);
  view.setUint16(at + 2, value.reserved0, true);
  view.setUint32(at + 4, value.tag, true);
  view.setBigUint64(at + 8, BigInt.asUintN(64, value.addr), true);
  view.setUint32(at + 16, value.length, true);
  view.setUint32(at + 20, value.conn, true);
  view.setBigUint64(at + 24, BigInt.asUintN(64, value.param), true);
}

/** completion or event entry, written by the device into the completion ring */
export interface CplEntry {
  /** EntryKind */
  kind: number;
  /** Opcode of the request, or EventCode */
  opcode: number;
  /** CplStatus */
  status: number;
  /** flips on each pass over the ring; 1 on the first */
  phase: number;
  /** tag of the request */
  tag: number;
  /** bytes transferred (frame length for L2_RECV_POST) */
  length: number;
  /** connection id */
  conn: number;
  /** request ring consumer index when this entry was written */
  reqHead: number;
  /** zero */
  reserved0: number;
  /** event information (UploadReason, backlog bytes, buffer id) */
  info: number;
  /** core cycle at which the entry was written */
  timestamp: bigint;
}
export const CplEntryLayout = Object.freeze({
  size: 32,
  kind: { offset: 0, size: 1, bitLsb: 0, bitWidth: 8 },
  opcode: { offset: 1, size: 1, bitLsb: 8, bitWidth: 8 },
  status: { offset: 2, size: 1, bitLsb: 16, bitWidth: 8 },
  phase: { offset: 3, size: 1, lsb: 0, width: 1, bitLsb: 24, bitWidth: 1 },
  tag: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  length: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
  conn: { offset: 12, size: 4, bitLsb: 96, bitWidth: 32 },
  reqHead: { offset: 16, size: 2, bitLsb: 128, bitWidth: 16 },
  reserved0: { offset: 18, size: 2, bitLsb: 144, bitWidth: 16 },
  info: { offset: 20, size: 4, bitLsb: 160, bitWidth: 32 },
  timestamp: { offset: 24, size: 8, bitLsb: 192, bitWidth: 64 },
} as const);
export function decodeCplEntry(view: DataView, at = 0): CplEntry {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`CplEntry at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    kind: view.getUint8(at + 0),
    opcode: view.getUint8(at + 1),
    status: view.getUint8(at + 2),
    phase: (view.getUint8(at + 3) >>> 0) & 0x00000001,
    tag: view.getUint32(at + 4, true),
    length: view.getUint32(at + 8, true),
    conn: view.getUint32(at + 12, true),
    reqHead: view.getUint16(at + 16, true),
    reserved0: view.getUint16(at + 18, true),
    info: view.getUint32(at + 20, true),
    timestamp: view.getBigUint64(at + 24, true),
  };
}
export function encodeCplEntry(view: DataView, value: CplEntry, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`CplEntry at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  view.setUint8(at + 0, value.kind);
  view.setUint8(at + 1, value.opcode);
  view.setUint8(at + 2, value.status);
  view.setUint8(at + 3, (view.getUint8(at + 3) | ((value.phase & 0x00000001) << 0)) >>> 0);
  view.setUint32(at + 4, value.tag, true);
  view.setUint32(at + 8, value.length, true);
  view.setUint32(at + 12, value.conn, true);
  view.setUint16(at + 16, value.reqHead, true);
  view.setUint16(at + 18, value.reserved0, true);
  view.setUint32(at + 20, value.info, true);
  view.setBigUint64(at + 24, BigInt.asUintN(64, value.timestamp), true);
}

/** neighbor offload state: const, cached, delegated (NEIGHBOR_OFFLOAD_STATE_*) */
export interface NeighborState {
  /** const: source MAC override, zero = interface MAC */
  dlSourceAddress: Uint8Array;
  /** const: VLAN id, 0 = none */
  vlanId: number;
  /** cached: next-hop MAC */
  dlDestinationAddress: Uint8Array;
  /** cached: HRD in ticks */
  hostReachabilityDelta: number;
  /** delegated: NRD in ticks */
  nicReachabilityDelta: number;
}
export const NeighborStateLayout = Object.freeze({
  size: 32,
  dlSourceAddress: { offset: 0, size: 1, count: 6, bitLsb: 0, bitWidth: 48 },
  vlanId: { offset: 6, size: 2, lsb: 0, width: 12, bitLsb: 48, bitWidth: 12 },
  dlDestinationAddress: { offset: 8, size: 1, count: 6, bitLsb: 64, bitWidth: 48 },
  hostReachabilityDelta: { offset: 16, size: 4, bitLsb: 128, bitWidth: 32 },
  nicReachabilityDelta: { offset: 20, size: 4, bitLsb: 160, bitWidth: 32 },
} as const);
export function decodeNeighborState(view: DataView, at = 0): NeighborState {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`NeighborState at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    dlSourceAddress: new Uint8Array(view.buffer.slice(view.byteOffset + at + 0, view.byteOffset + at + 6)),
    vlanId: (view.getUint16(at + 6, true) >>> 0) & 0x00000fff,
    dlDestinationAddress: new Uint8Array(view.buffer.slice(view.byteOffset + at + 8, view.byteOffset + at + 14)),
    hostReachabilityDelta: view.getUint32(at + 16, true),
    nicReachabilityDelta: view.getUint32(at + 20, true),
  };
}
export function encodeNeighborState(view: DataView, value: NeighborState, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`NeighborState at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  if (value.dlSourceAddress.length !== 6) throw new RangeError('NeighborState.dlSourceAddress must have 6 bytes');
  new Uint8Array(view.buffer, view.byteOffset + at + 0, 6).set(value.dlSourceAddress);
  view.setUint16(at + 6, (view.getUint16(at + 6, true) | ((value.vlanId & 0x00000fff) << 0)) >>> 0, true);
  if (value.dlDestinationAddress.length !== 6) throw new RangeError('NeighborState.dlDestinationAddress must have 6 bytes');
  new Uint8Array(view.buffer, view.byteOffset + at + 8, 6).set(value.dlDestinationAddress);
  view.setUint32(at + 16, value.hostReachabilityDelta, true);
  view.setUint32(at + 20, value.nicReachabilityDelta, true);
}

/** IPv4 path offload state (PATH_OFFLOAD_STATE_*) */
export interface PathState {
  /** const: IPv4 source, network byte order in memory */
  sourceAddress: number;
  /** const: IPv4 destination, network byte order in memory */
  destinationAddress: number;
  /** cached: path MTU */
  pathMtu: number;
}
export const PathStateLayout = Object.freeze({
  size: 32,
  sourceAddress: { offset: 0, size: 4, bitLsb: 0, bitWidth: 32 },
  destinationAddress: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  pathMtu: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
} as const);
export function decodePathState(view: DataView, at = 0): PathState {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`PathState at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    sourceAddress: view.getUint32(at + 0, true),
    destinationAddress: view.getUint32(at + 4, true),
    pathMtu: view.getUint32(at + 8, true),
  };
}
export function encodePathState(view: DataView, value: PathState, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`PathState at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  view.setUint32(at + 0, value.sourceAddress, true);
  view.setUint32(at + 4, value.destinationAddress, true);
  view.setUint32(at + 8, value.pathMtu, true);
}

/** TCP_OFFLOAD_STATE_CONST */
export interface TcpConstState {
  /** TIMESTAMP_ENABLED 1, SACK_ENABLED 2, WINDOW_SCALING_ENABLED 4 */
  flags: number;
  /** host byte order */
  remotePort: number;
  /** host byte order */
  localPort: number;
  /** send window scale */
  sndWindScale: number;
  /** receive window scale */
  rcvWindScale: number;
  /** MSS the peer advertised */
  remoteMss: number;
  /** RSS hash computed by the host */
  hashValue: number;
}
export const TcpConstStateLayout = Object.freeze({
  size: 32,
  flags: { offset: 0, size: 2, bitLsb: 0, bitWidth: 16 },
  remotePort: { offset: 2, size: 2, bitLsb: 16, bitWidth: 16 },
  localPort: { offset: 4, size: 2, bitLsb: 32, bitWidth: 16 },
  sndWindScale: { offset: 6, size: 1, lsb: 0, width: 4, bitLsb: 48, bitWidth: 4 },
  rcvWindScale: { offset: 6, size: 1, lsb: 4, width: 4, bitLsb: 52, bitWidth: 4 },
  remoteMss: { offset: 8, size: 2, bitLsb: 64, bitWidth: 16 },
  hashValue: { offset: 12, size: 4, bitLsb: 96, bitWidth: 32 },
} as const);
export function decodeTcpConstState(view: DataView, at = 0): TcpConstState {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`TcpConstState at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    flags: view.getUint16(at + 0, true),
    remotePort: view.getUint16(at + 2, true),
    localPort: view.getUint16(at + 4, true),
    sndWindScale: (view.getUint8(at + 6) >>> 0) & 0x0000000f,
    rcvWindScale: (view.getUint8(at + 6) >>> 4) & 0x0000000f,
    remoteMss: view.getUint16(at + 8, true),
    hashValue: view.getUint32(at + 12, true),
  };
}
export function encodeTcpConstState(view: DataView, value: TcpConstState, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`TcpConstState at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  view.setUint16(at + 0, value.flags, true);
  view.setUint16(at + 2, value.remotePort, true);
  view.setUint16(at + 4, value.localPort, true);
  view.setUint8(at + 6, (view.getUint8(at + 6) | ((value.sndWindScale & 0x0000000f) << 0)) >>> 0);
  view.setUint8(at + 6, (view.getUint8(at + 6) | ((value.rcvWindScale & 0x0000000f) << 4)) >>> 0);
  view.setUint16(at + 8, value.remoteMss, true);
  view.setUint32(at + 12, value.hashValue, true);
}

/** TCP_OFFLOAD_STATE_CACHED */
export interface TcpCachedState {
  /** KEEP_ALIVE_ENABLED 1, NAGLING 2, KEEP_ALIVE_RESTART 4, MAX_RT_RESTART 8, UPDATE_RCV_WND 0x10 */
  flags: number;
  /** TtlOrHopLimit */
  ttl: number;
  /** TosOrTrafficClass */
  tos: number;
  /** default receive window */
  initialRcvWnd: number;
  /** preferred bytes per receive indication */
  rcvIndicationSize: number;
  /** keepalive probes */
  kaProbeCount: number;
  /** 802.1p priority */
  userPriority: number;
  /** ticks idle before the first keepalive */
  kaTimeout: number;
  /** ticks between keepalive probes */
  kaInterval: number;
  /** ticks retransmitting one segment; 0 = use count, 0xFFFFFFFF = no limit */
  maxRt: number;
  /** IPv6 flow label (unused for IPv4) */
  flowLabel: number;
}
export const TcpCachedStateLayout = Object.freeze({
  size: 32,
  flags: { offset: 0, size: 2, bitLsb: 0, bitWidth: 16 },
  ttl: { offset: 2, size: 1, bitLsb: 16, bitWidth: 8 },
  tos: { offset: 3, size: 1, bitLsb: 24, bitWidth: 8 },
  initialRcvWnd: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  rcvIndicationSize: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
  kaProbeCount: { offset: 12, size: 1, bitLsb: 96, bitWidth: 8 },
  userPriority: { offset: 13, size: 1, lsb: 0, width: 3, bitLsb: 104, bitWidth: 3 },
  kaTimeout: { offset: 16, size: 4, bitLsb: 128, bitWidth: 32 },
  kaInterval: { offset: 20, size: 4, bitLsb: 160, bitWidth: 32 },
  maxRt: { offset: 24, size: 4, bitLsb: 192, bitWidth: 32 },
  flowLabel: { offset: 28, size: 4, lsb: 0, width: 20, bitLsb: 224, bitWidth: 20 },
} as const);
export function decodeTcpCachedState(view: DataView, at = 0): TcpCachedState {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`TcpCachedState at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    flags: view.getUint16(at + 0, true),
    ttl: view.getUint8(at + 2),
    tos: view.getUint8(at + 3),
    initialRcvWnd: view.getUint32(at + 4, true),
    rcvIndicationSize: view.getUint32(at + 8, true),
    kaProbeCount: view.getUint8(at + 12),
    userPriority: (view.getUint8(at + 13) >>> 0) & 0x00000007,
    kaTimeout: view.getUint32(at + 16, true),
    kaInterval: view.getUint32(at + 20, true),
    maxRt: view.getUint32(at + 24, true),
    flowLabel: (view.getUint32(at + 28, true) >>> 0) & 0x000fffff,
  };
}
export function encodeTcpCachedState(view: DataView, value: TcpCachedState, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`TcpCachedState at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  view.setUint16(at + 0, value.flags, true);
  view.setUint8(at + 2, value.ttl);
  view.setUint8(at + 3, value.tos);
  view.setUint32(at + 4, value.initialRcvWnd, true);
  view.setUint32(at + 8, value.rcvIndicationSize, true);
  view.setUint8(at + 12, value.kaProbeCount);
  view.setUint8(at + 13, (view.getUint8(at + 13) | ((value.userPriority & 0x00000007) << 0)) >>> 0);
  view.setUint32(at + 16, value.kaTimeout, true);
  view.setUint32(at + 20, value.kaInterval, true);
  view.setUint32(at + 24, value.maxRt, true);
  view.setUint32(at + 28, (view.getUint32(at + 28, true) | ((value.flowLabel & 0x000fffff) << 0)) >>> 0, true);
}

/** TCP_OFFLOAD_STATE_DELEGATED; SRtt x8 and RttVar x4 as exchanged by NDIS */
export interface TcpDelegatedState {
  /** TcpState */
  state: number;
  /** reserved */
  flags: number;
  /** duplicate ACKs for the same sequence */
  dupAckCount: number;
  /** persist round */
  sndWndProbeCount: number;
  /** RCV.NXT */
  rcvNxt: number;
  /** RCV.WND bytes */
  rcvWnd: number;
  /** SND.UNA */
  sndUna: number;
  /** SND.NXT */
  sndNxt: number;
  /** highest sequence sent */
  sndMax: number;
  /** SND.WND bytes */
  sndWnd: number;
  /** largest send window seen */
  maxSndWnd: number;
  /** SND.WL1 */
  sendWl1: number;
  /** congestion window bytes */
  cWnd: number;
  /** slow-start threshold bytes */
  ssThresh: number;
  /** smoothed RTT, ticks x8 */
  sRtt: number;
  /** RTT variance, ticks x4 */
  rttVar: number;
  /** TS.Recent */
  tsRecent: number;
  /** age of TS.Recent in ticks */
  tsRecentAge: number;
  /** current adjusted timestamp */
  tsTime: number;
  /** ticks retransmitting the current segment */
  totalRt: number;
  /** unanswered keepalive probes */
  kaProbeCount: number;
  /** ticks to next keepalive timeout; 0xFFFFFFFF = not running */
  kaTimeoutDelta: number;
  /** retransmits sent */
  rtCount: number;
  /** ticks to next retransmit timeout; 0xFFFFFFFF = not running */
  rtTimeoutDelta: number;
  /** query: preferred outstanding send bytes */
  sendBacklogSize: number;
  /** query: bytes buffered in the NIC */
  receiveBacklogSize: number;
  /** NDIS 6.1 DWnd */
  dWnd: number;
}
export const TcpDelegatedStateLayout = Object.freeze({
  size: 128,
  state: { offset: 0, size: 1, bitLsb: 0, bitWidth: 8 },
  flags: { offset: 1, size: 1, bitLsb: 8, bitWidth: 8 },
  dupAckCount: { offset: 2, size: 1, bitLsb: 16, bitWidth: 8 },
  sndWndProbeCount: { offset: 3, size: 1, bitLsb: 24, bitWidth: 8 },
  rcvNxt: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  rcvWnd: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
  sndUna: { offset: 12, size: 4, bitLsb: 96, bitWidth: 32 },
  sndNxt: { offset: 16, size: 4, bitLsb: 128, bitWidth: 32 },
  sndMax: { offset: 20, size: 4, bitLsb: 160, bitWidth: 32 },
  sndWnd: { offset: 24, size: 4, bitLsb: 192, bitWidth: 32 },
  maxSndWnd: { offset: 28, size: 4, bitLsb: 224, bitWidth: 32 },
  sendWl1: { offset: 32, size: 4, bitLsb: 256, bitWidth: 32 },
  cWnd: { offset: 36, size: 4, bitLsb: 288, bitWidth: 32 },
  ssThresh: { offset: 40, size: 4, bitLsb: 320, bitWidth: 32 },
  sRtt: { offset: 44, size: 2, bitLsb: 352, bitWidth: 16 },
  rttVar: { offset: 46, size: 2, bitLsb: 368, bitWidth: 16 },
  tsRecent: { offset: 48, size: 4, bitLsb: 384, bitWidth: 32 },
  tsRecentAge: { offset: 52, size: 4, bitLsb: 416, bitWidth: 32 },
  tsTime: { offset: 56, size: 4, bitLsb: 448, bitWidth: 32 },
  totalRt: { offset: 60, size: 4, bitLsb: 480, bitWidth: 32 },
  kaProbeCount: { offset: 64, size: 4, bitLsb: 512, bitWidth: 32 },
  kaTimeoutDelta: { offset: 68, size: 4, bitLsb: 544, bitWidth: 32 },
  rtCount: { offset: 72, size: 4, bitLsb: 576, bitWidth: 32 },
  rtTimeoutDelta: { offset: 76, size: 4, bitLsb: 608, bitWidth: 32 },
  sendBacklogSize: { offset: 80, size: 4, bitLsb: 640, bitWidth: 32 },
  receiveBacklogSize: { offset: 84, size: 4, bitLsb: 672, bitWidth: 32 },
  dWnd: { offset: 88, size: 4, bitLsb: 704, bitWidth: 32 },
} as const);
export function decodeTcpDelegatedState(view: DataView, at = 0): TcpDelegatedState {
  if (at < 0 || at + 128 > view.byteLength) throw new RangeError(`TcpDelegatedState at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    state: view.getUint8(at + 0),
    flags: view.getUint8(at + 1),
    dupAckCount: view.getUint8(at + 2),
    sndWndProbeCount: view.getUint8(at + 3),
    rcvNxt: view.getUint32(at + 4, true),
    rcvWnd: view.getUint32(at + 8, true),
    sndUna: view.getUint32(at + 12, true),
    sndNxt: view.getUint32(at + 16, true),
    sndMax: view.getUint32(at + 20, true),
    sndWnd: view.getUint32(at + 24, true),
    maxSndWnd: view.getUint32(at + 28, true),
    sendWl1: view.getUint32(at + 32, true),
    cWnd: view.getUint32(at + 36, true),
    ssThresh: view.getUint32(at + 40, true),
    sRtt: view.getUint16(at + 44, true),
    rttVar: view.getUint16(at + 46, true),
    tsRecent: view.getUint32(at + 48, true),
    tsRecentAge: view.getUint32(at + 52, true),
    tsTime: view.getUint32(at + 56, true),
    totalRt: view.getUint32(at + 60, true),
    kaProbeCount: view.getUint32(at + 64, true),
    kaTimeoutDelta: view.getUint32(at + 68, true),
    rtCount: view.getUint32(at + 72, true),
    rtTimeoutDelta: view.getUint32(at + 76, true),
    sendBacklogSize: view.getUint32(at + 80, true),
    receiveBacklogSize: view.getUint32(at + 84, true),
    dWnd: view.getUint32(at + 88, true),
  };
}
export function encodeTcpDelegatedState(view: DataView, value: TcpDelegatedState, at = 0): void {
  if (at < 0 || at + 128 > view.byteLength) throw new RangeError(`TcpDelegatedState at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 128).fill(0);
  view.setUint8(at + 0, value.state);
  view.setUint8(at + 1, value.flags);
  view.setUint8(at + 2, value.dupAckCount);
  view.setUint8(at + 3, value.sndWndProbeCount);
  view.setUint32(at + 4, value.rcvNxt, true);
  view.setUint32(at + 8, value.rcvWnd, true);
  view.setUint32(at + 12, value.sndUna, true);
  view.setUint32(at + 16, value.sndNxt, true);
  view.setUint32(at + 20, value.sndMax, true);
  view.setUint32(at + 24, value.sndWnd, true);
  view.setUint32(at + 28, value.maxSndWnd, true);
  view.setUint32(at + 32, value.sendWl1, true);
  view.setUint32(at + 36, value.cWnd, true);
  view.setUint32(at + 40, value.ssThresh, true);
  view.setUint16(at + 44, value.sRtt, true);
  view.setUint16(at + 46, value.rttVar, true);
  view.setUint32(at + 48, value.tsRecent, true);
  view.setUint32(at + 52, value.tsRecentAge, true);
  view.setUint32(at + 56, value.tsTime, true);
  view.setUint32(at + 60, value.totalRt, true);
  view.setUint32(at + 64, value.kaProbeCount, true);
  view.setUint32(at + 68, value.kaTimeoutDelta, true);
  view.setUint32(at + 72, value.rtCount, true);
  view.setUint32(at + 76, value.rtTimeoutDelta, true);
  view.setUint32(at + 80, value.sendBacklogSize, true);
  view.setUint32(at + 84, value.receiveBacklogSize, true);
  view.setUint32(at + 88, value.dWnd, true);
}

/** header of the flat connection state block (CONN_STATE_BYTES long) that OFFLOAD_INITIATE reads and TERMINATE/QUERY write; the miniport flattens the NDIS state tree into it, each part at its CONN_STATE_*_OFFSET */
export interface ConnStateBlock {
  /** miniport-chosen id of the neighbor object (shared between connections), below the connections the card holds: the card keeps its reachability times (R70, R71) under it */
  neighborId: number;
  /** miniport-chosen id of the path object */
  pathId: number;
  /** bit 0 neighbor, 1 path, 2 tcp const, 3 tcp cached, 4 tcp delegated present */
  validMask: number;
}
export const ConnStateBlockLayout = Object.freeze({
  size: 32,
  neighborId: { offset: 0, size: 4, bitLsb: 0, bitWidth: 32 },
  pathId: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  validMask: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
} as const);
export function decodeConnStateBlock(view: DataView, at = 0): ConnStateBlock {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`ConnStateBlock at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    neighborId: view.getUint32(at + 0, true),
    pathId: view.getUint32(at + 4, true),
    validMask: view.getUint32(at + 8, true),
  };
}
export function encodeConnStateBlock(view: DataView, value: ConnStateBlock, at = 0): void {
  if (at < 0 || at + 32 > view.byteLength) throw new RangeError(`ConnStateBlock at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 32).fill(0);
  view.setUint32(at + 0, value.neighborId, true);
  view.setUint32(at + 4, value.pathId, true);
  view.setUint32(at + 8, value.validMask, true);
}

/** header of every link message; the payload follows */
export interface LinkHeader {
  /** LinkType */
  type: number;
  /** bit 0: response to a request; bit 1, on TIME_ADVANCE over the simulator socket: stop after the cycle in which an interrupt fires */
  flags: number;
  /** sequence number, echoed in the response */
  seq: number;
  /** payload bytes after this header */
  length: number;
  /** simulated cycle at which the message applies */
  time: bigint;
}
export const LinkHeaderLayout = Object.freeze({
  size: 16,
  type: { offset: 0, size: 1, bitLsb: 0, bitWidth: 8 },
  flags: { offset: 1, size: 1, bitLsb: 8, bitWidth: 8 },
  seq: { offset: 2, size: 2, bitLsb: 16, bitWidth: 16 },
  length: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  time: { offset: 8, size: 8, bitLsb: 64, bitWidth: 64 },
} as const);
export function decodeLinkHeader(view: DataView, at = 0): LinkHeader {
  if (at < 0 || at + 16 > view.byteLength) throw new RangeError(`LinkHeader at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    type: view.getUint8(at + 0),
    flags: view.getUint8(at + 1),
    seq: view.getUint16(at + 2, true),
    length: view.getUint32(at + 4, true),
    time: view.getBigUint64(at + 8, true),
  };
}
export function encodeLinkHeader(view: DataView, value: LinkHeader, at = 0): void {
  if (at < 0 || at + 16 > view.byteLength) throw new RangeError(`LinkHeader at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 16).fill(0);
  view.setUint8(at + 0, value.type);
  view.setUint8(at + 1, value.flags);
  view.setUint16(at + 2, value.seq, true);
  view.setUint32(at + 4, value.length, true);
  view.setBigUint64(at + 8, BigInt.asUintN(64, value.time), true);
}

/** payload of MMIO_READ, MMIO_READ_REPLY, MMIO_WRITE and MMIO_WRITE_ACK */
export interface LinkMmio {
  /** register byte address */
  addr: number;
  /** value written or read */
  value: number;
  /** AXI response: 0 OKAY, 2 SLVERR, 3 DECERR */
  resp: number;
}
export const LinkMmioLayout = Object.freeze({
  size: 12,
  addr: { offset: 0, size: 4, bitLsb: 0, bitWidth: 32 },
  value: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  resp: { offset: 8, size: 1, bitLsb: 64, bitWidth: 8 },
} as const);
export function decodeLinkMmio(view: DataView, at = 0): LinkMmio {
  if (at < 0 || at + 12 > view.byteLength) throw new RangeError(`LinkMmio at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    addr: view.getUint32(at + 0, true),
    value: view.getUint32(at + 4, true),
    resp: view.getUint8(at + 8),
  };
}
export function encodeLinkMmio(view: DataView, value: LinkMmio, at = 0): void {
  if (at < 0 || at + 12 > view.byteLength) throw new RangeError(`LinkMmio at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 12).fill(0);
  view.setUint32(at + 0, value.addr, true);
  view.setUint32(at + 4, value.value, true);
  view.setUint8(at + 8, value.resp);
}

/** fixed part of DMA_READ, DMA_READ_REPLY, DMA_WRITE and DMA_WRITE_ACK; write and read-reply data follow */
export interface LinkDma {
  /** host address */
  addr: bigint;
  /** bytes */
  length: number;
  /** device tag, echoed */
  tag: number;
  /** AXI response of the host side */
  resp: number;
}
export const LinkDmaLayout = Object.freeze({
  size: 20,
  addr: { offset: 0, size: 8, bitLsb: 0, bitWidth: 64 },
  length: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
  tag: { offset: 12, size: 4, bitLsb: 96, bitWidth: 32 },
  resp: { offset: 16, size: 1, bitLsb: 128, bitWidth: 8 },
} as const);
export function decodeLinkDma(view: DataView, at = 0): LinkDma {
  if (at < 0 || at + 20 > view.byteLength) throw new RangeError(`LinkDma at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    addr: view.getBigUint64(at + 0, true),
    length: view.getUint32(at + 8, true),
    tag: view.getUint32(at + 12, true),
    resp: view.getUint8(at + 16),
  };
}
export function encodeLinkDma(view: DataView, value: LinkDma, at = 0): void {
  if (at < 0 || at + 20 > view.byteLength) throw new RangeError(`LinkDma at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 20).fill(0);
  view.setBigUint64(at + 0, BigInt.asUintN(64, value.addr), true);
  view.setUint32(at + 8, value.length, true);
  view.setUint32(at + 12, value.tag, true);
  view.setUint8(at + 16, value.resp);
}

/** payload of HELLO_REPLY */
export interface LinkHello {
  /** ID register */
  id: number;
  /** VERSION register */
  version: number;
  /** CAPS register */
  caps: number;
  /** core clock frequency */
  clockHz: number;
}
export const LinkHelloLayout = Object.freeze({
  size: 16,
  id: { offset: 0, size: 4, bitLsb: 0, bitWidth: 32 },
  version: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  caps: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
  clockHz: { offset: 12, size: 4, bitLsb: 96, bitWidth: 32 },
} as const);
export function decodeLinkHello(view: DataView, at = 0): LinkHello {
  if (at < 0 || at + 16 > view.byteLength) throw new RangeError(`LinkHello at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    id: view.getUint32(at + 0, true),
    version: view.getUint32(at + 4, true),
    caps: view.getUint32(at + 8, true),
    clockHz: view.getUint32(at + 12, true),
  };
}
export function encodeLinkHello(view: DataView, value: LinkHello, at = 0): void {
  if (at < 0 || at + 16 > view.byteLength) throw new RangeError(`LinkHello at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 16).fill(0);
  view.setUint32(at + 0, value.id, true);
  view.setUint32(at + 4, value.version, true);
  view.setUint32(at + 8, value.caps, true);
  view.setUint32(at + 12, value.clockHz, true);
}

/** payload of the LINK_STATS response: the bridge's own counters since its reset */
export interface LinkStats {
  /** good packets received */
  rxPackets: number;
  /** packets dropped: bad CRC, bad SLIP, too long, or a length that disagrees with the header */
  rxDropped: number;
  /** packets sent, retransmissions and replayed responses included */
  txPackets: number;
  /** device requests (DMA, IRQ) sent again after their timeout */
  retries: number;
  /** host requests answered again from the stored response (a repeated sequence number) */
  replays: number;
}
export const LinkStatsLayout = Object.freeze({
  size: 20,
  rxPackets: { offset: 0, size: 4, bitLsb: 0, bitWidth: 32 },
  rxDropped: { offset: 4, size: 4, bitLsb: 32, bitWidth: 32 },
  txPackets: { offset: 8, size: 4, bitLsb: 64, bitWidth: 32 },
  retries: { offset: 12, size: 4, bitLsb: 96, bitWidth: 32 },
  replays: { offset: 16, size: 4, bitLsb: 128, bitWidth: 32 },
} as const);
export function decodeLinkStats(view: DataView, at = 0): LinkStats {
  if (at < 0 || at + 20 > view.byteLength) throw new RangeError(`LinkStats at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    rxPackets: view.getUint32(at + 0, true),
    rxDropped: view.getUint32(at + 4, true),
    txPackets: view.getUint32(at + 8, true),
    retries: view.getUint32(at + 12, true),
    replays: view.getUint32(at + 16, true),
  };
}
export function encodeLinkStats(view: DataView, value: LinkStats, at = 0): void {
  if (at < 0 || at + 20 > view.byteLength) throw new RangeError(`LinkStats at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 20).fill(0);
  view.setUint32(at + 0, value.rxPackets, true);
  view.setUint32(at + 4, value.rxDropped, true);
  view.setUint32(at + 8, value.txPackets, true);
  view.setUint32(at + 12, value.retries, true);
  view.setUint32(at + 16, value.replays, true);
}

/** payload of IRQ */
export interface LinkIrq {
  /** bit v: vector v raised */
  vectors: number;
}
export const LinkIrqLayout = Object.freeze({
  size: 4,
  vectors: { offset: 0, size: 4, bitLsb: 0, bitWidth: 32 },
} as const);
export function decodeLinkIrq(view: DataView, at = 0): LinkIrq {
  if (at < 0 || at + 4 > view.byteLength) throw new RangeError(`LinkIrq at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    vectors: view.getUint32(at + 0, true),
  };
}
export function encodeLinkIrq(view: DataView, value: LinkIrq, at = 0): void {
  if (at < 0 || at + 4 > view.byteLength) throw new RangeError(`LinkIrq at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 4).fill(0);
  view.setUint32(at + 0, value.vectors, true);
}

/** fixed part of WIRE_FRAME; the frame follows */
export interface LinkWireFrame {
  /** wire port */
  port: number;
  /** 0 into the NIC, 1 out of the NIC */
  direction: number;
  /** 1: the NIC ended the frame with tuser set (not delivered); no frame bytes follow */
  aborted: number;
}
export const LinkWireFrameLayout = Object.freeze({
  size: 4,
  port: { offset: 0, size: 1, bitLsb: 0, bitWidth: 8 },
  direction: { offset: 1, size: 1, bitLsb: 8, bitWidth: 8 },
  aborted: { offset: 2, size: 1, bitLsb: 16, bitWidth: 8 },
} as const);
export function decodeLinkWireFrame(view: DataView, at = 0): LinkWireFrame {
  if (at < 0 || at + 4 > view.byteLength) throw new RangeError(`LinkWireFrame at ${at} does not fit in ${view.byteLength} bytes`);
  return {
    port: view.getUint8(at + 0),
    direction: view.getUint8(at + 1),
    aborted: view.getUint8(at + 2),
  };
}
export function encodeLinkWireFrame(view: DataView, value: LinkWireFrame, at = 0): void {
  if (at < 0 || at + 4 > view.byteLength) throw new RangeError(`LinkWireFrame at ${at} does not fit in ${view.byteLength} bytes`);
  new Uint8Array(view.buffer, view.byteOffset + at, 4).fill(0);
  view.setUint8(at + 0, value.port);
  view.setUint8(at + 1, value.direction);
  view.setUint8(at + 2, value.aborted);
}
