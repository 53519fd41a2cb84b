/**
 * The hardware/software contract of flue, defined once.
 *
 * Every register offset, descriptor field, completion field, state-block field and link
 * message field used anywhere in the project comes from this file through the generators
 * in `generate.ts`. Layout conventions:
 * - host memory and every structure here are little-endian; byte 0 of a structure is bits
 *   [7:0] of the Verilog bit vector that holds it;
 * - a field is `size` bytes at byte `offset`; a bit field additionally has `lsb` and `width`
 *   inside that container;
 * - registers are 32 bits wide on a 32-bit AXI4-Lite bus.
 */

export type FieldSize = 1 | 2 | 4 | 8;

export interface FieldSpec {
  readonly name: string;
  /** byte offset of the container inside the structure */
  readonly offset: number;
  /** container size in bytes */
  readonly size: FieldSize;
  /** for a bit field: lowest bit and width inside the container */
  readonly lsb?: number;
  readonly width?: number;
  /** for a byte array (MAC addresses, addresses): element count of `size`-byte elements */
  readonly count?: number;
  readonly doc: string;
}

export interface StructSpec {
  readonly name: string;
  readonly size: number;
  readonly doc: string;
  readonly fields: readonly FieldSpec[];
}

export type RegisterAccess = 'ro' | 'rw' | 'wo' | 'w1c';

export interface RegisterFieldSpec {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly doc: string;
}

export interface RegisterSpec {
  readonly name: string;
  readonly offset: number;
  readonly access: RegisterAccess;
  /** value after reset; for identity registers the value the RTL must return */
  readonly reset: number;
  readonly doc: string;
  readonly fields?: readonly RegisterFieldSpec[];
}

export interface EnumValueSpec {
  readonly name: string;
  readonly value: number;
  readonly doc: string;
}

export interface EnumSpec {
  readonly name: string;
  /** bits the value occupies where the hardware carries it */
  readonly width: number;
  readonly doc: string;
  readonly values: readonly EnumValueSpec[];
}

export interface ConstSpec {
  readonly name: string;
  readonly value: number;
  readonly doc: string;
}

export interface ContractSpec {
  readonly version: { readonly major: number; readonly minor: number };
  readonly constants: readonly ConstSpec[];
  readonly enums: readonly EnumSpec[];
  readonly registers: readonly RegisterSpec[];
  readonly structs: readonly StructSpec[];
}

const VERSION = { major: 1, minor: 4 } as const;

const constants: ConstSpec[] = [
  { name: 'ID_MAGIC', value: 0x464c5545, doc: 'value of the ID register: "FLUE" in ASCII' },
  { name: 'REG_WIDTH_BYTES', value: 4, doc: 'every register is 32 bits wide' },
  { name: 'REG_SPACE_BYTES', value: 0x1000, doc: 'size of the register window (AXI4-Lite address space)' },
  { name: 'REQ_ENTRY_BYTES', value: 32, doc: 'size of one request descriptor' },
  { name: 'CPL_ENTRY_BYTES', value: 32, doc: 'size of one completion/event entry' },
  { name: 'RING_MIN_LOG2', value: 2, doc: 'smallest ring: 4 entries' },
  { name: 'RING_MAX_LOG2', value: 16, doc: 'largest ring: 65536 entries' },
  { name: 'ETH_MIN_FRAME', value: 14, doc: 'shortest frame a plain send accepts (an Ethernet header)' },
  { name: 'ETH_MIN_WIRE_FRAME', value: 60, doc: 'the NIC pads shorter frames with zeros to this length (FCS excluded)' },
  { name: 'ETH_MAX_FRAME', value: 1518, doc: 'longest frame without FCS: 1500-byte MTU plus header and one 802.1Q tag' },
  { name: 'RX_BUFFER_MIN', value: 1518, doc: 'a plain receive buffer must hold the longest frame' },
  { name: 'FORWARD_MAX', value: 1518 - 34, doc: 'longest forwarded TCP segment: what a frame of ETH_MAX_FRAME holds after its Ethernet and IPv4 headers' },
  { name: 'BUFFER_MAX', value: 0x10000, doc: 'longest buffer one descriptor may name (64 KiB)' },
  { name: 'DMA_ADDR_BITS', value: 48, doc: 'host addresses are 48 bits; higher bits set make a descriptor address bad' },
  { name: 'IRQ_VECTORS', value: 4, doc: 'interrupt vectors of the reference build' },
  { name: 'IRQ_VEC_COMPLETION', value: 0, doc: 'vector raised for every completion or event entry written' },
  { name: 'IRQ_VEC_FAULT', value: 1, doc: 'vector raised when a fault is recorded in FAULT_CAUSE' },
  { name: 'IRQ_VEC_STATUS', value: 2, doc: 'vector for status indications (offload pause/resume, upload-all)' },
  { name: 'CORE_CLOCK_HZ', value: 156_250_000, doc: 'reference core clock: 64-bit wire at 10 GbE' },
  { name: 'WIRE_BYTES_PER_CYCLE', value: 8, doc: 'the wire is a 64-bit AXI4-Stream' },
  { name: 'CONN_STATE_BYTES', value: 288, doc: 'size of the flat connection state block an initiate reads' },
  { name: 'CONN_STATE_NEIGHBOR_OFFSET', value: 32, doc: 'NeighborState inside the connection state block' },
  { name: 'CONN_STATE_PATH_OFFSET', value: 64, doc: 'PathState inside the connection state block' },
  { name: 'CONN_STATE_TCP_CONST_OFFSET', value: 96, doc: 'TcpConstState inside the connection state block' },
  { name: 'CONN_STATE_TCP_CACHED_OFFSET', value: 128, doc: 'TcpCachedState inside the connection state block' },
  { name: 'CONN_STATE_TCP_DELEGATED_OFFSET', value: 160, doc: 'TcpDelegatedState inside the connection state block' },
  { name: 'LINK_HEADER_BYTES', value: 16, doc: 'size of a link message header' },
];

const enums: EnumSpec[] = [
  {
    name: 'Opcode',
    width: 8,
    doc: 'request descriptor opcodes: the whole chimney operation set plus the plain L2 path',
    values: [
      { name: 'NOP', value: 0x01, doc: 'completes at once with OK; exercises the rings' },
      { name: 'L2_SEND', value: 0x02, doc: 'send one plain frame from addr/length' },
      { name: 'L2_RECV_POST', value: 0x03, doc: 'post one plain receive buffer; completes when a frame fills it' },
      { name: 'OFFLOAD_INITIATE', value: 0x10, doc: 'install a connection from the state block at addr (MiniportInitiateOffload)' },
      { name: 'OFFLOAD_TERMINATE', value: 0x11, doc: 'upload: write delegated state to addr, free conn (MiniportTerminateOffload)' },
      { name: 'OFFLOAD_UPDATE', value: 0x12, doc: 'replace cached state from addr (MiniportUpdateOffload)' },
      { name: 'OFFLOAD_QUERY', value: 0x13, doc: 'write delegated state to addr (MiniportQueryOffload)' },
      { name: 'OFFLOAD_INVALIDATE', value: 0x14, doc: 'mark cached state of conn invalid (MiniportInvalidateOffload)' },
      { name: 'NEIGHBOR_NRD', value: 0x16, doc: 'the NicReachabilityDelta of neighbor id conn (ticks since forward progress on a connection through it, R70, R71) in the completion\'s length; for a query or terminate of the neighbor' },
      { name: 'NEIGHBOR_REACH', value: 0x15, doc: 'the host\'s HostReachabilityDelta (param, ticks) for neighbor id conn, its answer to NEIGHBOR_QUERY: HRT = now - HRD (R70)' },
      { name: 'TCP_SEND', value: 0x20, doc: 'send addr/length on conn; completes when every byte is acknowledged' },
      { name: 'TCP_RECV_POST', value: 0x21, doc: 'post a receive buffer for conn; filled in FIFO order' },
      { name: 'TCP_DISCONNECT', value: 0x22, doc: 'graceful (FIN after addr/length data) or abortive (flag) close' },
      { name: 'TCP_FORWARD', value: 0x23, doc: 'one TCP segment at addr/length (from the TCP header, 20 to FORWARD_MAX bytes) processed as if received' },
      { name: 'TCP_RECV_RETURN', value: 0x24, doc: 'lend the card a NIC buffer at addr/length, id in param (again after its indication); filled when a connection has no posted receive' },
    ],
  },
  {
    name: 'RequestFlag',
    width: 8,
    doc: 'bits of the request descriptor flags byte',
    values: [
      { name: 'PUSH', value: 0x01, doc: 'TCP_SEND: set PSH on the last segment of this send' },
      { name: 'NO_PUSH', value: 0x02, doc: 'TCP_RECV_POST: complete only when full (no-push semantics)' },
      { name: 'ABORTIVE', value: 0x04, doc: 'TCP_DISCONNECT: send RST instead of FIN' },
    ],
  },
  {
    name: 'EntryKind',
    width: 8,
    doc: 'kinds of entry in the completion ring',
    values: [
      { name: 'COMPLETION', value: 0x01, doc: 'completion of one request, named by tag' },
      { name: 'EVENT', value: 0x02, doc: 'an indication the device raised by itself' },
    ],
  },
  {
    name: 'CplStatus',
    width: 8,
    doc: 'status byte of a completion entry',
    values: [
      { name: 'OK', value: 0, doc: 'done' },
      { name: 'BAD_OPCODE', value: 1, doc: 'the opcode is unknown' },
      { name: 'BAD_LENGTH', value: 2, doc: 'length zero, too short or too long for the opcode' },
      { name: 'BAD_ADDRESS', value: 3, doc: 'address zero, or addr+length beyond DMA_ADDR_BITS' },
      { name: 'DMA_ERROR', value: 4, doc: 'the host bus answered an access with an error; see FAULT_*' },
      { name: 'ABORTED', value: 5, doc: 'flushed by a reset, a disable or an abortive close' },
      { name: 'UNSUPPORTED', value: 6, doc: 'a valid opcode this build does not implement' },
      { name: 'BAD_CONN', value: 7, doc: 'conn names no offloaded connection' },
      { name: 'RESOURCES', value: 8, doc: 'the connection table is full' },
      { name: 'UPLOAD_IN_PROGRESS', value: 9, doc: 'the connection is being terminated' },
      { name: 'INVALID_STATE', value: 10, doc: 'not allowed in the connection state (receive post after FIN)' },
      { name: 'BAD_STATE_BLOCK', value: 11, doc: 'the state block read at initiate or update failed validation' },
      { name: 'RETURNED', value: 12, doc: 'a receive posted behind an out-of-order isle, handed back untouched: the driver fills it from the TCP_RECV_STASH data first and posts the rest again' },
    ],
  },
  {
    name: 'EventCode',
    width: 8,
    doc: 'opcode byte of an EVENT entry; 1..4 equal TCP_OFFLOAD_EVENT_TYPE',
    values: [
      { name: 'TCP_SEND_BACKLOG', value: 1, doc: 'info = preferred outstanding send bytes (TcpIndicateSendBacklogChange)' },
      { name: 'TCP_DISCONNECT', value: 2, doc: 'FIN received and all earlier data consumed (TcpIndicateDisconnect)' },
      { name: 'TCP_RETRIEVE', value: 3, doc: 'please upload; info = UploadReason (TcpIndicateRetrieve)' },
      { name: 'TCP_ABORT', value: 4, doc: 'acceptable RST received (TcpIndicateAbort)' },
      { name: 'TCP_RECV_INDICATE', value: 5, doc: 'data in a NIC buffer: length bytes, buffer id in info' },
      { name: 'NEIGHBOR_QUERY', value: 6, doc: 'neighbor reachability query (R70): conn = neighbor id, info = NicReachabilityDelta (ticks since forward progress on a connection through it)' },
      { name: 'OFFLOAD_PAUSE', value: 7, doc: 'NDIS_STATUS_OFFLOAD_PAUSE' },
      { name: 'UPLOAD_ALL', value: 8, doc: 'NDIS_STATUS_UPLOAD_ALL' },
      { name: 'OFFLOAD_RESUME', value: 9, doc: 'NDIS_STATUS_OFFLOAD_RESUME' },
      { name: 'TCP_RECV_STASH', value: 10, doc: 'data in a NIC buffer (length bytes, buffer id in info) for the receives the card hands back next (RETURNED): the driver keeps it and lends the buffer again' },
    ],
  },
  {
    name: 'UploadReason',
    width: 32,
    doc: 'TCP_UPLOAD_REASON values (ndischimney.h)',
    values: [
      { name: 'LOW_ACTIVITY', value: 1, doc: 'optional' },
      { name: 'HIGH_DROP_RATE', value: 2, doc: 'optional' },
      { name: 'SMALL_IO', value: 3, doc: 'optional' },
      { name: 'NO_BUFFER_PREPOSTING', value: 4, doc: 'optional' },
      { name: 'RECEIVED_URGENT_DATA', value: 5, doc: 'mandatory' },
      { name: 'HIGH_FRAGMENTATION', value: 6, doc: 'optional' },
      { name: 'HIGH_OUT_OF_ORDER_PACKETS', value: 7, doc: 'optional' },
      { name: 'TIMEOUT_EXPIRATION', value: 8, doc: 'mandatory' },
      { name: 'INVALID_STATE', value: 9, doc: 'mandatory' },
      { name: 'UPLOAD_REQUESTED', value: 10, doc: 'mandatory' },
      { name: 'HARDWARE_FAILURE', value: 11, doc: 'mandatory' },
    ],
  },
  {
    name: 'TcpState',
    width: 8,
    doc: 'TCP_OFFLOAD_CONNECTION_STATE (ndischimney.h values)',
    values: [
      { name: 'CLOSED', value: 0, doc: '' },
      { name: 'LISTEN', value: 1, doc: '' },
      { name: 'SYN_SENT', value: 2, doc: '' },
      { name: 'SYN_RCVD', value: 3, doc: '' },
      { name: 'ESTABLISHED', value: 4, doc: '' },
      { name: 'FIN_WAIT_1', value: 5, doc: '' },
      { name: 'FIN_WAIT_2', value: 6, doc: '' },
      { name: 'CLOSE_WAIT', value: 7, doc: '' },
      { name: 'CLOSING', value: 8, doc: '' },
      { name: 'LAST_ACK', value: 9, doc: '' },
      { name: 'TIME_WAIT', value: 10, doc: '' },
    ],
  },
  {
    name: 'FaultCause',
    width: 32,
    doc: 'bits of FAULT_CAUSE',
    values: [
      { name: 'DMA_READ', value: 0x1, doc: 'a DMA read got an error response' },
      { name: 'DMA_WRITE', value: 0x2, doc: 'a DMA write got an error response' },
      { name: 'CPL_WRITE', value: 0x4, doc: 'a completion entry could not be written: the queues stop until reset' },
      { name: 'REQ_FETCH', value: 0x8, doc: 'a request descriptor could not be read: the queues stop until reset' },
      { name: 'RING_CONFIG', value: 0x10, doc: 'enable with a ring size outside RING_MIN_LOG2..RING_MAX_LOG2 or a base not entry-aligned' },
    ],
  },
  {
    name: 'LinkType',
    width: 8,
    doc: 'link message types (serial bridge, simulator socket)',
    values: [
      { name: 'HELLO', value: 1, doc: 'host asks for identity' },
      { name: 'HELLO_REPLY', value: 2, doc: 'identity, version, capabilities' },
      { name: 'MMIO_READ', value: 3, doc: 'register read' },
      { name: 'MMIO_READ_REPLY', value: 4, doc: 'register value' },
      { name: 'MMIO_WRITE', value: 5, doc: 'register write' },
      { name: 'MMIO_WRITE_ACK', value: 6, doc: 'register write done' },
      { name: 'DMA_READ', value: 7, doc: 'device reads host memory' },
      { name: 'DMA_READ_REPLY', value: 8, doc: 'the bytes read, or an error' },
      { name: 'DMA_WRITE', value: 9, doc: 'device writes host memory' },
      { name: 'DMA_WRITE_ACK', value: 10, doc: 'write done, or an error' },
      { name: 'IRQ', value: 11, doc: 'interrupt vectors raised' },
      { name: 'WIRE_FRAME', value: 12, doc: 'an Ethernet frame on a wire port' },
      { name: 'TIME_ADVANCE', value: 13, doc: 'run until the given simulated cycle' },
      { name: 'TIME_REACHED', value: 14, doc: 'the simulator reached the cycle' },
      { name: 'RESET', value: 15, doc: 'assert the core reset' },
      { name: 'ERROR', value: 16, doc: 'the peer could not serve a message' },
      { name: 'LINK_STATS', value: 17, doc: 'host asks for the bridge\'s link counters; the response carries LinkStats' },
    ],
  },
];

/** per-vector moderation registers: a block of two registers per vector, and the idle times */
const IRQ_MOD_BASE = 0x0a0;
const IRQ_MOD_STRIDE = 8;
/** per-vector idle time, just below the block above */
const IRQ_MOD_IDLE_BASE = 0x090;

function irqModerationRegisters(): RegisterSpec[] {
  const regs: RegisterSpec[] = [];
  for (let v = 0; v < 4; v++) {
    regs.push({
      name: `IRQ_MOD_COUNT_${v}`,
      offset: IRQ_MOD_BASE + IRQ_MOD_STRIDE * v,
      access: 'rw',
      reset: 1,
      doc: `vector ${v} fires once this many events are pending (0 and 1 both mean every event)`,
    });
    regs.push({
      name: `IRQ_MOD_TIME_${v}`,
      offset: IRQ_MOD_BASE + IRQ_MOD_STRIDE * v + 4,
      access: 'rw',
      reset: 0,
      doc: `vector ${v} fires this many core cycles after its first pending event even below the count (0 = no time limit)`,
    });
  }
  for (let v = 0; v < 4; v++) {
    regs.push({
      name: `IRQ_MOD_IDLE_${v}`,
      offset: IRQ_MOD_IDLE_BASE + 4 * v,
      access: 'rw',
      reset: 0,
      doc: `vector ${v} fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME`,
    });
  }
  return regs;
}

const statNames: [string, string][] = [
  ['STAT_REQ_FETCHED', 'request descriptors fetched'],
  ['STAT_CPL_WRITTEN', 'completion and event entries written'],
  ['STAT_TX_FRAMES', 'plain frames sent on the wire'],
  ['STAT_TX_BYTES', 'bytes of plain frames sent (padding included)'],
  ['STAT_RX_FRAMES', 'frames received from the wire into host buffers'],
  ['STAT_RX_BYTES', 'bytes received into host buffers'],
  ['STAT_RX_DROP_NO_BUFFER', 'frames dropped because no receive buffer was posted'],
  ['STAT_RX_DROP_OVERFLOW', 'frames dropped because the receive FIFO was full'],
  ['STAT_RX_ERRORS', 'frames dropped as runts or longer than ETH_MAX_FRAME'],
  ['STAT_BAD_DESC', 'descriptors completed with BAD_OPCODE, BAD_LENGTH, BAD_ADDRESS or UNSUPPORTED'],
  ['STAT_DMA_ERRORS', 'DMA transfers answered with an error'],
  ['STAT_IRQS', 'interrupts raised, all vectors'],
  ['STAT_TOE_RX_SEGMENTS', 'segments of offloaded connections the TOE took from the wire (and forwards)'],
  ['STAT_TOE_RX_DROPPED', 'segments of offloaded connections dropped for want of room before the engine'],
  ['STAT_TOE_RX_CSUM_ERRORS', 'segments of offloaded connections dropped for a bad TCP checksum'],
  ['STAT_TOE_TX_SEGMENTS', 'segments the TOE sent'],
  ['STAT_TOE_RETRANSMITS', 'segments the TOE sent again'],
];

const registers: RegisterSpec[] = [
  { name: 'ID', offset: 0x000, access: 'ro', reset: 0x464c5545, doc: 'identity: ID_MAGIC' },
  {
    name: 'VERSION', offset: 0x004, access: 'ro', reset: (VERSION.major << 16) | VERSION.minor,
    doc: 'contract version the RTL was built from',
    fields: [
      { name: 'MINOR', lsb: 0, width: 16, doc: 'compatible additions' },
      { name: 'MAJOR', lsb: 16, width: 16, doc: 'incompatible changes' },
    ],
  },
  {
    name: 'CAPS', offset: 0x008, access: 'ro', reset: 0x10040407, doc: 'capabilities of this build (reset value: the reference build, TOE included)',
    fields: [
      { name: 'L2', lsb: 0, width: 1, doc: 'plain frame path' },
      { name: 'TOE', lsb: 1, width: 1, doc: 'TCP offload engine' },
      { name: 'IRQ_MODERATION', lsb: 2, width: 1, doc: 'per-vector count and time moderation' },
      { name: 'IRQ_VECTORS', lsb: 8, width: 8, doc: 'number of interrupt vectors' },
      { name: 'DMA_BYTES_LOG2', lsb: 16, width: 4, doc: 'log2 of the DMA data width in bytes' },
      { name: 'RING_MAX_LOG2', lsb: 24, width: 5, doc: 'largest ring size supported, log2' },
    ],
  },
  { name: 'MAX_CONNS', offset: 0x00c, access: 'ro', reset: 1024, doc: 'offloaded connections the TOE holds (0 without TOE; reset value: the reference build)' },
  { name: 'MAX_FRAME', offset: 0x010, access: 'ro', reset: 1518, doc: 'longest plain frame, FCS excluded' },
  { name: 'SEND_ENTRIES', offset: 0x014, access: 'ro', reset: 2048, doc: 'send and graceful-disconnect requests the TOE holds at once across all connections (0 without TOE)' },
  {
    name: 'CTRL', offset: 0x020, access: 'rw', reset: 0, doc: 'control',
    fields: [
      { name: 'ENABLE', lsb: 0, width: 1, doc: 'queues run; rising edge resets ring indices and phase' },
      { name: 'SOFT_RESET', lsb: 1, width: 1, doc: 'write 1: return every block to its reset state (self-clearing)' },
    ],
  },
  {
    name: 'STATUS', offset: 0x024, access: 'ro', reset: 0x9, doc: 'status, live (reset value: READY and IDLE after reset)',
    fields: [
      { name: 'READY', lsb: 0, width: 1, doc: 'out of reset, registers may be programmed' },
      { name: 'ENABLED', lsb: 1, width: 1, doc: 'queues running' },
      { name: 'FAULT', lsb: 2, width: 1, doc: 'FAULT_CAUSE is non-zero' },
      { name: 'IDLE', lsb: 3, width: 1, doc: 'no DMA transfer or frame in flight' },
    ],
  },
  { name: 'MAC_LO', offset: 0x028, access: 'rw', reset: 0, doc: 'interface MAC address bytes 0..3 (byte 0 in bits 7:0)' },
  { name: 'MAC_HI', offset: 0x02c, access: 'rw', reset: 0, doc: 'interface MAC address bytes 4..5 in bits 15:0' },
  { name: 'TICK_DIV', offset: 0x030, access: 'rw', reset: 156_250, doc: 'core cycles per TOE timer tick (reset: 1 ms at 156.25 MHz)' },
  { name: 'TIMESTAMP_LO', offset: 0x034, access: 'ro', reset: 0, doc: 'free-running cycle counter, low word; reading it latches the high word' },
  { name: 'TIMESTAMP_HI', offset: 0x038, access: 'ro', reset: 0, doc: 'high word latched by the last TIMESTAMP_LO read' },

  { name: 'REQ_BASE_LO', offset: 0x040, access: 'rw', reset: 0, doc: 'request ring base address, low word (entry-aligned)' },
  { name: 'REQ_BASE_HI', offset: 0x044, access: 'rw', reset: 0, doc: 'request ring base address, high word' },
  { name: 'REQ_SIZE_LOG2', offset: 0x048, access: 'rw', reset: 0, doc: 'request ring entries, log2' },
  { name: 'REQ_TAIL', offset: 0x04c, access: 'rw', reset: 0, doc: 'doorbell: index of the next entry the host will fill (producer)' },
  { name: 'REQ_HEAD', offset: 0x050, access: 'ro', reset: 0, doc: 'index of the next entry the device will fetch (consumer)' },

  { name: 'CPL_BASE_LO', offset: 0x060, access: 'rw', reset: 0, doc: 'completion ring base address, low word (entry-aligned)' },
  { name: 'CPL_BASE_HI', offset: 0x064, access: 'rw', reset: 0, doc: 'completion ring base address, high word' },
  { name: 'CPL_SIZE_LOG2', offset: 0x068, access: 'rw', reset: 0, doc: 'completion ring entries, log2' },
  { name: 'CPL_HEAD', offset: 0x06c, access: 'rw', reset: 0, doc: 'doorbell: index of the next entry the host will consume' },
  { name: 'CPL_TAIL', offset: 0x070, access: 'ro', reset: 0, doc: 'index of the next entry the device will write (producer)' },

  { name: 'IRQ_STATUS', offset: 0x080, access: 'w1c', reset: 0, doc: 'bit v: vector v fired since last cleared' },
  { name: 'IRQ_MASK', offset: 0x084, access: 'rw', reset: 0xf, doc: 'bit v set: vector v never fires' },
  { name: 'IRQ_ARM', offset: 0x088, access: 'wo', reset: 0, doc: 'write bit v: re-arm vector v (a vector fires once, then waits to be re-armed)' },
  ...irqModerationRegisters(),

  { name: 'FAULT_CAUSE', offset: 0x0c0, access: 'w1c', reset: 0, doc: 'sticky FaultCause bits' },
  { name: 'FAULT_ADDR_LO', offset: 0x0c4, access: 'ro', reset: 0, doc: 'address of the first faulting DMA since FAULT_CAUSE was clear, low word' },
  { name: 'FAULT_ADDR_HI', offset: 0x0c8, access: 'ro', reset: 0, doc: 'high word of that address' },

  { name: 'STATS_CLEAR', offset: 0x0fc, access: 'wo', reset: 0, doc: 'write 1: zero every STAT_* counter' },
  ...statNames.map(([name, doc], i): RegisterSpec => ({
    name, offset: 0x100 + 4 * i, access: 'ro', reset: 0, doc: `${doc} (32 bits, wraps)`,
  })),

  { name: 'TCP_ACK_FREQUENCY', offset: 0x200, access: 'rw', reset: 2, doc: 'TcpAckFrequency: segments received before an ACK' },
  { name: 'TCP_DELAYED_ACK_TICKS', offset: 0x204, access: 'rw', reset: 200, doc: 'TcpDelayedAckTicks' },
  { name: 'TCP_MAX_RETRANSMISSIONS', offset: 0x208, access: 'rw', reset: 5, doc: 'TcpMaximumRetransmissions' },
  { name: 'TCP_DOUBT_REACH_RETRANS', offset: 0x20c, access: 'rw', reset: 3, doc: 'TcpDoubtReachabilityRetransmissions' },
  { name: 'TCP_SWS_PREVENTION_TICKS', offset: 0x210, access: 'rw', reset: 1000, doc: 'TcpSwsPreventionTicks' },
  { name: 'TCP_DUP_ACK_THRESHOLD', offset: 0x214, access: 'rw', reset: 3, doc: 'TcpDuplicateAckThreshold' },
  { name: 'TCP_PUSH_TICKS', offset: 0x218, access: 'rw', reset: 500, doc: 'TcpPushTicks' },
  { name: 'NCE_STALE_TICKS', offset: 0x21c, access: 'rw', reset: 1000, doc: 'NceStaleTicks' },
  { name: 'TCP_MIN_RTO_TICKS', offset: 0x220, access: 'rw', reset: 200, doc: 'lower bound of the retransmission timeout (RFC 6298 (2.4)); the host sets it for its tick rate' },
  { name: 'TCP_MAX_RTO_TICKS', offset: 0x224, access: 'rw', reset: 60000, doc: 'upper bound of the retransmission timeout, backoff included' },
  { name: 'TCP_FIN_WAIT_2_TICKS', offset: 0x228, access: 'rw', reset: 120000, doc: 'FIN_WAIT_2 timer (R82): ticks without an acceptable segment before the upload request; the host sets 120 s for its tick rate' },
];

const structs: StructSpec[] = [
  {
    name: 'ReqDesc',
    size: 32,
    doc: 'request descriptor, written by the host into the request ring',
    fields: [
      { name: 'opcode', offset: 0, size: 1, doc: 'Opcode' },
      { name: 'flags', offset: 1, size: 1, doc: 'RequestFlag bits' },
      { name: 'reserved0', offset: 2, size: 2, doc: 'zero' },
      { name: 'tag', offset: 4, size: 4, doc: 'host cookie, echoed in the completion' },
      { name: 'addr', offset: 8, size: 8, doc: 'buffer or state-block address in host memory' },
      { name: 'length', offset: 16, size: 4, doc: 'buffer length in bytes' },
      { name: 'conn', offset: 20, size: 4, doc: 'offloaded connection id (TCP and offload opcodes)' },
      { name: 'param', offset: 24, size: 8, doc: 'opcode-specific: second address or value' },
    ],
  },
  {
    name: 'CplEntry',
    size: 32,
    doc: 'completion or event entry, written by the device into the completion ring',
    fields: [
      { name: 'kind', offset: 0, size: 1, doc: 'EntryKind' },
      { name: 'opcode', offset: 1, size: 1, doc: 'Opcode of the request, or EventCode' },
      { name: 'status', offset: 2, size: 1, doc: 'CplStatus' },
      { name: 'phase', offset: 3, size: 1, lsb: 0, width: 1, doc: 'flips on each pass over the ring; 1 on the first' },
      { name: 'tag', offset: 4, size: 4, doc: 'tag of the request' },
      { name: 'length', offset: 8, size: 4, doc: 'bytes transferred (frame length for L2_RECV_POST)' },
      { name: 'conn', offset: 12, size: 4, doc: 'connection id' },
      { name: 'reqHead', offset: 16, size: 2, doc: 'request ring consumer index when this entry was written' },
      { name: 'reserved0', offset: 18, size: 2, doc: 'zero' },
      { name: 'info', offset: 20, size: 4, doc: 'event information (UploadReason, backlog bytes, buffer id)' },
      { name: 'timestamp', offset: 24, size: 8, doc: 'core cycle at which the entry was written' },
    ],
  },
  {
    name: 'NeighborState',
    size: 32,
    doc: 'neighbor offload state: const, cached, delegated (NEIGHBOR_OFFLOAD_STATE_*)',
    fields: [
      { name: 'dlSourceAddress', offset: 0, size: 1, count: 6, doc: 'const: source MAC override, zero = interface MAC' },
      { name: 'vlanId', offset: 6, size: 2, lsb: 0, width: 12, doc: 'const: VLAN id, 0 = none' },
      { name: 'dlDestinationAddress', offset: 8, size: 1, count: 6, doc: 'cached: next-hop MAC' },
      { name: 'hostReachabilityDelta', offset: 16, size: 4, doc: 'cached: HRD in ticks' },
      { name: 'nicReachabilityDelta', offset: 20, size: 4, doc: 'delegated: NRD in ticks' },
    ],
  },
  {
    name: 'PathState',
    size: 32,
    doc: 'IPv4 path offload state (PATH_OFFLOAD_STATE_*)',
    fields: [
      { name: 'sourceAddress', offset: 0, size: 4, doc: 'const: IPv4 source, network byte order in memory' },
      { name: 'destinationAddress', offset: 4, size: 4, doc: 'const: IPv4 destination, network byte order in memory' },
      { name: 'pathMtu', offset: 8, size: 4, doc: 'cached: path MTU' },
    ],
  },
  {
    name: 'TcpConstState',
    size: 32,
    doc: 'TCP_OFFLOAD_STATE_CONST',
    fields: [
      { name: 'flags', offset: 0, size: 2, doc: 'TIMESTAMP_ENABLED 1, SACK_ENABLED 2, WINDOW_SCALING_ENABLED 4' },
      { name: 'remotePort', offset: 2, size: 2, doc: 'host byte order' },
      { name: 'localPort', offset: 4, size: 2, doc: 'host byte order' },
      { name: 'sndWindScale', offset: 6, size: 1, lsb: 0, width: 4, doc: 'send window scale' },
      { name: 'rcvWindScale', offset: 6, size: 1, lsb: 4, width: 4, doc: 'receive window scale' },
      { name: 'remoteMss', offset: 8, size: 2, doc: 'MSS the peer advertised' },
      { name: 'hashValue', offset: 12, size: 4, doc: 'RSS hash computed by the host' },
    ],
  },
  {
    name: 'TcpCachedState',
    size: 32,
    doc: 'TCP_OFFLOAD_STATE_CACHED',
    fields: [
      { name: 'flags', offset: 0, size: 2, doc: 'KEEP_ALIVE_ENABLED 1, NAGLING 2, KEEP_ALIVE_RESTART 4, MAX_RT_RESTART 8, UPDATE_RCV_WND 0x10' },
      { name: 'ttl', offset: 2, size: 1, doc: 'TtlOrHopLimit' },
      { name: 'tos', offset: 3, size: 1, doc: 'TosOrTrafficClass' },
      { name: 'initialRcvWnd', offset: 4, size: 4, doc: 'default receive window' },
      { name: 'rcvIndicationSize', offset: 8, size: 4, doc: 'preferred bytes per receive indication' },
      { name: 'kaProbeCount', offset: 12, size: 1, doc: 'keepalive probes' },
      { name: 'userPriority', offset: 13, size: 1, lsb: 0, width: 3, doc: '802.1p priority' },
      { name: 'kaTimeout', offset: 16, size: 4, doc: 'ticks idle before the first keepalive' },
      { name: 'kaInterval', offset: 20, size: 4, doc: 'ticks between keepalive probes' },
      { name: 'maxRt', offset: 24, size: 4, doc: 'ticks retransmitting one segment; 0 = use count, 0xFFFFFFFF = no limit' },
      { name: 'flowLabel', offset: 28, size: 4, lsb: 0, width: 20, doc: 'IPv6 flow label (unused for IPv4)' },
    ],
  },
  {
    name: 'TcpDelegatedState',
    size: 128,
    doc: 'TCP_OFFLOAD_STATE_DELEGATED; SRtt x8 and RttVar x4 as exchanged by NDIS',
    fields: [
      { name: 'state', offset: 0, size: 1, doc: 'TcpState' },
      { name: 'flags', offset: 1, size: 1, doc: 'reserved' },
      { name: 'dupAckCount', offset: 2, size: 1, doc: 'duplicate ACKs for the same sequence' },
      { name: 'sndWndProbeCount', offset: 3, size: 1, doc: 'persist round' },
      { name: 'rcvNxt', offset: 4, size: 4, doc: 'RCV.NXT' },
      { name: 'rcvWnd', offset: 8, size: 4, doc: 'RCV.WND bytes' },
      { name: 'sndUna', offset: 12, size: 4, doc: 'SND.UNA' },
      { name: 'sndNxt', offset: 16, size: 4, doc: 'SND.NXT' },
      { name: 'sndMax', offset: 20, size: 4, doc: 'highest sequence sent' },
      { name: 'sndWnd', offset: 24, size: 4, doc: 'SND.WND bytes' },
      { name: 'maxSndWnd', offset: 28, size: 4, doc: 'largest send window seen' },
      { name: 'sendWl1', offset: 32, size: 4, doc: 'SND.WL1' },
      { name: 'cWnd', offset: 36, size: 4, doc: 'congestion window bytes' },
      { name: 'ssThresh', offset: 40, size: 4, doc: 'slow-start threshold bytes' },
      { name: 'sRtt', offset: 44, size: 2, doc: 'smoothed RTT, ticks x8' },
      { name: 'rttVar', offset: 46, size: 2, doc: 'RTT variance, ticks x4' },
      { name: 'tsRecent', offset: 48, size: 4, doc: 'TS.Recent' },
      { name: 'tsRecentAge', offset: 52, size: 4, doc: 'age of TS.Recent in ticks' },
      { name: 'tsTime', offset: 56, size: 4, doc: 'current adjusted timestamp' },
      { name: 'totalRt', offset: 60, size: 4, doc: 'ticks retransmitting the current segment' },
      { name: 'kaProbeCount', offset: 64, size: 4, doc: 'unanswered keepalive probes' },
      { name: 'kaTimeoutDelta', offset: 68, size: 4, doc: 'ticks to next keepalive timeout; 0xFFFFFFFF = not running' },
      { name: 'rtCount', offset: 72, size: 4, doc: 'retransmits sent' },
      { name: 'rtTimeoutDelta', offset: 76, size: 4, doc: 'ticks to next retransmit timeout; 0xFFFFFFFF = not running' },
      { name: 'sendBacklogSize', offset: 80, size: 4, doc: 'query: preferred outstanding send bytes' },
      { name: 'receiveBacklogSize', offset: 84, size: 4, doc: 'query: bytes buffered in the NIC' },
      { name: 'dWnd', offset: 88, size: 4, doc: 'NDIS 6.1 DWnd' },
    ],
  },
  {
    name: 'ConnStateBlock',
    size: 32,
    doc: 'header of the flat connection state block (CONN_STATE_BYTES long) that OFFLOAD_INITIATE reads and TERMINATE/QUERY write; the miniport flattens the NDIS state tree into it, each part at its CONN_STATE_*_OFFSET',
    fields: [
      { name: 'neighborId', offset: 0, size: 4, doc: 'miniport-chosen id of the neighbor object (shared between connections), below the connections the card holds: the card keeps its reachability times (R70, R71) under it' },
      { name: 'pathId', offset: 4, size: 4, doc: 'miniport-chosen id of the path object' },
      { name: 'validMask', offset: 8, size: 4, doc: 'bit 0 neighbor, 1 path, 2 tcp const, 3 tcp cached, 4 tcp delegated present' },
    ],
  },
  {
    name: 'LinkHeader',
    size: 16,
    doc: 'header of every link message; the payload follows',
    fields: [
      { name: 'type', offset: 0, size: 1, doc: 'LinkType' },
      { name: 'flags', offset: 1, size: 1, doc: 'bit 0: response to a request; bit 1, on TIME_ADVANCE over the simulator socket: stop after the cycle in which an interrupt fires' },
      { name: 'seq', offset: 2, size: 2, doc: 'sequence number, echoed in the response' },
      { name: 'length', offset: 4, size: 4, doc: 'payload bytes after this header' },
      { name: 'time', offset: 8, size: 8, doc: 'simulated cycle at which the message applies' },
    ],
  },
  {
    name: 'LinkMmio',
    size: 12,
    doc: 'payload of MMIO_READ, MMIO_READ_REPLY, MMIO_WRITE and MMIO_WRITE_ACK',
    fields: [
      { name: 'addr', offset: 0, size: 4, doc: 'register byte address' },
      { name: 'value', offset: 4, size: 4, doc: 'value written or read' },
      { name: 'resp', offset: 8, size: 1, doc: 'AXI response: 0 OKAY, 2 SLVERR, 3 DECERR' },
    ],
  },
  {
    name: 'LinkDma',
    size: 20,
    doc: 'fixed part of DMA_READ, DMA_READ_REPLY, DMA_WRITE and DMA_WRITE_ACK; write and read-reply data follow',
    fields: [
      { name: 'addr', offset: 0, size: 8, doc: 'host address' },
      { name: 'length', offset: 8, size: 4, doc: 'bytes' },
      { name: 'tag', offset: 12, size: 4, doc: 'device tag, echoed' },
      { name: 'resp', offset: 16, size: 1, doc: 'AXI response of the host side' },
    ],
  },
  {
    name: 'LinkHello',
    size: 16,
    doc: 'payload of HELLO_REPLY',
    fields: [
      { name: 'id', offset: 0, size: 4, doc: 'ID register' },
      { name: 'version', offset: 4, size: 4, doc: 'VERSION register' },
      { name: 'caps', offset: 8, size: 4, doc: 'CAPS register' },
      { name: 'clockHz', offset: 12, size: 4, doc: 'core clock frequency' },
    ],
  },
  {
    name: 'LinkStats',
    size: 20,
    doc: 'payload of the LINK_STATS response: the bridge\'s own counters since its reset',
    fields: [
      { name: 'rxPackets', offset: 0, size: 4, doc: 'good packets received' },
      { name: 'rxDropped', offset: 4, size: 4, doc: 'packets dropped: bad CRC, bad SLIP, too long, or a length that disagrees with the header' },
      { name: 'txPackets', offset: 8, size: 4, doc: 'packets sent, retransmissions and replayed responses included' },
      { name: 'retries', offset: 12, size: 4, doc: 'device requests (DMA, IRQ) sent again after their timeout' },
      { name: 'replays', offset: 16, size: 4, doc: 'host requests answered again from the stored response (a repeated sequence number)' },
    ],
  },
  {
    name: 'LinkIrq',
    size: 4,
    doc: 'payload of IRQ',
    fields: [{ name: 'vectors', offset: 0, size: 4, doc: 'bit v: vector v raised' }],
  },
  {
    name: 'LinkWireFrame',
    size: 4,
    doc: 'fixed part of WIRE_FRAME; the frame follows',
    fields: [
      { name: 'port', offset: 0, size: 1, doc: 'wire port' },
      { name: 'direction', offset: 1, size: 1, doc: '0 into the NIC, 1 out of the NIC' },
      { name: 'aborted', offset: 2, size: 1, doc: '1: the NIC ended the frame with tuser set (not delivered); no frame bytes follow' },
    ],
  },
];

export const contract: ContractSpec = { version: VERSION, constants, enums, registers, structs };
