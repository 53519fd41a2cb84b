// Generated from protocol/spec.ts by protocol/generate.ts. Do not edit.
#pragma once
#include <cstdint>

namespace flue::contract {

constexpr uint32_t VERSION_MAJOR = 1;
constexpr uint32_t VERSION_MINOR = 4;

constexpr uint64_t ID_MAGIC = 1179407685ULL; // value of the ID register: "FLUE" in ASCII
constexpr uint64_t REG_WIDTH_BYTES = 4ULL; // every register is 32 bits wide
constexpr uint64_t REG_SPACE_BYTES = 4096ULL; // size of the register window (AXI4-Lite address space)
constexpr uint64_t REQ_ENTRY_BYTES = 32ULL; // size of one request descriptor
constexpr uint64_t CPL_ENTRY_BYTES = 32ULL; // size of one completion/event entry
constexpr uint64_t RING_MIN_LOG2 = 2ULL; // smallest ring: 4 entries
constexpr uint64_t RING_MAX_LOG2 = 16ULL; // largest ring: 65536 entries
constexpr uint64_t ETH_MIN_FRAME = 14ULL; // shortest frame a plain send accepts (an Ethernet header)
constexpr uint64_t ETH_MIN_WIRE_FRAME = 60ULL; // the NIC pads shorter frames with zeros to this length (FCS excluded)
constexpr uint64_t ETH_MAX_FRAME = 1518ULL; // longest frame without FCS: 1500-byte MTU plus header and one 802.1Q tag
constexpr uint64_t RX_BUFFER_MIN = 1518ULL; // a plain receive buffer must hold the longest frame
constexpr uint64_t FORWARD_MAX = 1484ULL; // longest forwarded TCP segment: what a frame of ETH_MAX_FRAME holds after its Ethernet and IPv4 headers
constexpr uint64_t BUFFER_MAX = 65536ULL; // longest buffer one descriptor may name (64 KiB)
constexpr uint64_t DMA_ADDR_BITS = 48ULL; // host addresses are 48 bits; higher bits set make a descriptor address bad
constexpr uint64_t IRQ_VECTORS = 4ULL; // interrupt vectors of the reference build
constexpr uint64_t IRQ_VEC_COMPLETION = 0ULL; // vector raised for every completion or event entry written
constexpr uint64_t IRQ_VEC_FAULT = 1ULL; // vector raised when a fault is recorded in FAULT_CAUSE
constexpr uint64_t IRQ_VEC_STATUS = 2ULL; // vector for status indications (offload pause/resume, upload-all)
constexpr uint64_t CORE_CLOCK_HZ = 156250000ULL; // reference core clock: 64-bit wire at 10 GbE
constexpr uint64_t WIRE_BYTES_PER_CYCLE = 8ULL; // the wire is a 64-bit AXI4-Stream
constexpr uint64_t CONN_STATE_BYTES = 288ULL; // size of the flat connection state block an initiate reads
constexpr uint64_t CONN_STATE_NEIGHBOR_OFFSET = 32ULL; // NeighborState inside the connection state block
constexpr uint64_t CONN_STATE_PATH_OFFSET = 64ULL; // PathState inside the connection state block
constexpr uint64_t CONN_STATE_TCP_CONST_OFFSET = 96ULL; // TcpConstState inside the connection state block
constexpr uint64_t CONN_STATE_TCP_CACHED_OFFSET = 128ULL; // TcpCachedState inside the connection state block
constexpr uint64_t CONN_STATE_TCP_DELEGATED_OFFSET = 160ULL; // TcpDelegatedState inside the connection state block
constexpr uint64_t LINK_HEADER_BYTES = 16ULL; // size of a link message header

// request descriptor opcodes: the whole chimney operation set plus the plain L2 path
namespace Opcode {
constexpr uint32_t NOP = 1; // completes at once with OK; exercises the rings
constexpr uint32_t L2_SEND = 2; // send one plain frame from addr/length
constexpr uint32_t L2_RECV_POST = 3; // post one plain receive buffer; completes when a frame fills it
constexpr uint32_t OFFLOAD_INITIATE = 16; // install a connection from the state block at addr (MiniportInitiateOffload)
constexpr uint32_t OFFLOAD_TERMINATE = 17; // upload: write delegated state to addr, free conn (MiniportTerminateOffload)
constexpr uint32_t OFFLOAD_UPDATE = 18; // replace cached state from addr (MiniportUpdateOffload)
constexpr uint32_t OFFLOAD_QUERY = 19; // write delegated state to addr (MiniportQueryOffload)
constexpr uint32_t OFFLOAD_INVALIDATE = 20; // mark cached state of conn invalid (MiniportInvalidateOffload)
constexpr uint32_t NEIGHBOR_NRD = 22; // the NicReachabilityDelta of neighbor id conn (ticks since forward progress on a connection through it, R70, R71) in the completion's length; for a query or terminate of the neighbor
constexpr uint32_t NEIGHBOR_REACH = 21; // the host's HostReachabilityDelta (param, ticks) for neighbor id conn, its answer to NEIGHBOR_QUERY: HRT = now - HRD (R70)
constexpr uint32_t TCP_SEND = 32; // send addr/length on conn; completes when every byte is acknowledged
constexpr uint32_t TCP_RECV_POST = 33; // post a receive buffer for conn; filled in FIFO order
constexpr uint32_t TCP_DISCONNECT = 34; // graceful (FIN after addr/length data) or abortive (flag) close
constexpr uint32_t TCP_FORWARD = 35; // one TCP segment at addr/length (from the TCP header, 20 to FORWARD_MAX bytes) processed as if received
constexpr uint32_t TCP_RECV_RETURN = 36; // lend the card a NIC buffer at addr/length, id in param (again after its indication); filled when a connection has no posted receive
}

// bits of the request descriptor flags byte
namespace RequestFlag {
constexpr uint32_t PUSH = 1; // TCP_SEND: set PSH on the last segment of this send
constexpr uint32_t NO_PUSH = 2; // TCP_RECV_POST: complete only when full (no-push semantics)
constexpr uint32_t ABORTIVE = 4; // TCP_DISCONNECT: send RST instead of FIN
}

// kinds of entry in the completion ring
namespace EntryKind {
constexpr uint32_t COMPLETION = 1; // completion of one request, named by tag
constexpr uint32_t EVENT = 2; // an indication the device raised by itself
}

// status byte of a completion entry
namespace CplStatus {
constexpr uint32_t OK = 0; // done
constexpr uint32_t BAD_OPCODE = 1; // the opcode is unknown
constexpr uint32_t BAD_LENGTH = 2; // length zero, too short or too long for the opcode
constexpr uint32_t BAD_ADDRESS = 3; // address zero, or addr+length beyond DMA_ADDR_BITS
constexpr uint32_t DMA_ERROR = 4; // the host bus answered an access with an error; see FAULT_*
constexpr uint32_t ABORTED = 5; // flushed by a reset, a disable or an abortive close
constexpr uint32_t UNSUPPORTED = 6; // a valid opcode this build does not implement
constexpr uint32_t BAD_CONN = 7; // conn names no offloaded connection
constexpr uint32_t RESOURCES = 8; // the connection table is full
constexpr uint32_t UPLOAD_IN_PROGRESS = 9; // the connection is being terminated
constexpr uint32_t INVALID_STATE = 10; // not allowed in the connection state (receive post after FIN)
constexpr uint32_t BAD_STATE_BLOCK = 11; // the state block read at initiate or update failed validation
constexpr uint32_t RETURNED = 12; // a receive posted behind an out-of-order isle, handed back untouched: the driver fills it from the TCP_RECV_STASH data first and posts the rest again
}

// opcode byte of an EVENT entry; 1..4 equal TCP_OFFLOAD_EVENT_TYPE
namespace EventCode {
constexpr uint32_t TCP_SEND_BACKLOG = 1; // info = preferred outstanding send bytes (TcpIndicateSendBacklogChange)
constexpr uint32_t TCP_DISCONNECT = 2; // FIN received and all earlier data consumed (TcpIndicateDisconnect)
constexpr uint32_t TCP_RETRIEVE = 3; // please upload; info = UploadReason (TcpIndicateRetrieve)
constexpr uint32_t TCP_ABORT = 4; // acceptable RST received (TcpIndicateAbort)
constexpr uint32_t TCP_RECV_INDICATE = 5; // data in a NIC buffer: length bytes, buffer id in info
constexpr uint32_t NEIGHBOR_QUERY = 6; // neighbor reachability query (R70): conn = neighbor id, info = NicReachabilityDelta (ticks since forward progress on a connection through it)
constexpr uint32_t OFFLOAD_PAUSE = 7; // NDIS_STATUS_OFFLOAD_PAUSE
constexpr uint32_t UPLOAD_ALL = 8; // NDIS_STATUS_UPLOAD_ALL
constexpr uint32_t OFFLOAD_RESUME = 9; // NDIS_STATUS_OFFLOAD_RESUME
constexpr uint32_t TCP_RECV_STASH = 10; // data in a NIC buffer (length bytes, buffer id in info) for the receives the card hands back next (RETURNED): the driver keeps it and lends the buffer again
}

// TCP_UPLOAD_REASON values (ndischimney.h)
namespace UploadReason {
constexpr uint32_t LOW_ACTIVITY = 1; // optional
constexpr uint32_t HIGH_DROP_RATE = 2; // optional
constexpr uint32_t SMALL_IO = 3; // optional
constexpr uint32_t NO_BUFFER_PREPOSTING = 4; // optional
constexpr uint32_t RECEIVED_URGENT_DATA = 5; // mandatory
constexpr uint32_t HIGH_FRAGMENTATION = 6; // optional
constexpr uint32_t HIGH_OUT_OF_ORDER_PACKETS = 7; // optional
constexpr uint32_t TIMEOUT_EXPIRATION = 8; // mandatory
constexpr uint32_t INVALID_STATE = 9; // mandatory
constexpr uint32_t UPLOAD_REQUESTED = 10; // mandatory
constexpr uint32_t HARDWARE_FAILURE = 11; // mandatory
}

// TCP_OFFLOAD_CONNECTION_STATE (ndischimney.h values)
namespace TcpState {
constexpr uint32_t CLOSED = 0; // CLOSED
constexpr uint32_t LISTEN = 1; // LISTEN
constexpr uint32_t SYN_SENT = 2; // SYN_SENT
constexpr uint32_t SYN_RCVD = 3; // SYN_RCVD
constexpr uint32_t ESTABLISHED = 4; // ESTABLISHED
constexpr uint32_t FIN_WAIT_1 = 5; // FIN_WAIT_1
constexpr uint32_t FIN_WAIT_2 = 6; // FIN_WAIT_2
constexpr uint32_t CLOSE_WAIT = 7; // CLOSE_WAIT
constexpr uint32_t CLOSING = 8; // CLOSING
constexpr uint32_t LAST_ACK = 9; // LAST_ACK
constexpr uint32_t TIME_WAIT = 10; // TIME_WAIT
}

// bits of FAULT_CAUSE
namespace FaultCause {
constexpr uint32_t DMA_READ = 1; // a DMA read got an error response
constexpr uint32_t DMA_WRITE = 2; // a DMA write got an error response
constexpr uint32_t CPL_WRITE = 4; // a completion entry could not be written: the queues stop until reset
constexpr uint32_t REQ_FETCH = 8; // a request descriptor could not be read: the queues stop until reset
constexpr uint32_t RING_CONFIG = 16; // enable with a ring size outside RING_MIN_LOG2..RING_MAX_LOG2 or a base not entry-aligned
}

// link message types (serial bridge, simulator socket)
namespace LinkType {
constexpr uint32_t HELLO = 1; // host asks for identity
constexpr uint32_t HELLO_REPLY = 2; // identity, version, capabilities
constexpr uint32_t MMIO_READ = 3; // register read
constexpr uint32_t MMIO_READ_REPLY = 4; // register value
constexpr uint32_t MMIO_WRITE = 5; // register write
constexpr uint32_t MMIO_WRITE_ACK = 6; // register write done
constexpr uint32_t DMA_READ = 7; // device reads host memory
constexpr uint32_t DMA_READ_REPLY = 8; // the bytes read, or an error
constexpr uint32_t DMA_WRITE = 9; // device writes host memory
constexpr uint32_t DMA_WRITE_ACK = 10; // write done, or an error
constexpr uint32_t IRQ = 11; // interrupt vectors raised
constexpr uint32_t WIRE_FRAME = 12; // an Ethernet frame on a wire port
constexpr uint32_t TIME_ADVANCE = 13; // run until the given simulated cycle
constexpr uint32_t TIME_REACHED = 14; // the simulator reached the cycle
constexpr uint32_t RESET = 15; // assert the core reset
constexpr uint32_t ERROR = 16; // the peer could not serve a message
constexpr uint32_t LINK_STATS = 17; // host asks for the bridge's link counters; the response carries LinkStats
}

// register byte offsets
namespace Reg {
constexpr uint32_t ID = 0x000; // ro: identity: ID_MAGIC
constexpr uint32_t VERSION = 0x004; // ro: contract version the RTL was built from
constexpr uint32_t CAPS = 0x008; // ro: capabilities of this build (reset value: the reference build, TOE included)
constexpr uint32_t MAX_CONNS = 0x00c; // ro: offloaded connections the TOE holds (0 without TOE; reset value: the reference build)
constexpr uint32_t MAX_FRAME = 0x010; // ro: longest plain frame, FCS excluded
constexpr uint32_t SEND_ENTRIES = 0x014; // ro: send and graceful-disconnect requests the TOE holds at once across all connections (0 without TOE)
constexpr uint32_t CTRL = 0x020; // rw: control
constexpr uint32_t STATUS = 0x024; // ro: status, live (reset value: READY and IDLE after reset)
constexpr uint32_t MAC_LO = 0x028; // rw: interface MAC address bytes 0..3 (byte 0 in bits 7:0)
constexpr uint32_t MAC_HI = 0x02c; // rw: interface MAC address bytes 4..5 in bits 15:0
constexpr uint32_t TICK_DIV = 0x030; // rw: core cycles per TOE timer tick (reset: 1 ms at 156.25 MHz)
constexpr uint32_t TIMESTAMP_LO = 0x034; // ro: free-running cycle counter, low word; reading it latches the high word
constexpr uint32_t TIMESTAMP_HI = 0x038; // ro: high word latched by the last TIMESTAMP_LO read
constexpr uint32_t REQ_BASE_LO = 0x040; // rw: request ring base address, low word (entry-aligned)
constexpr uint32_t REQ_BASE_HI = 0x044; // rw: request ring base address, high word
constexpr uint32_t REQ_SIZE_LOG2 = 0x048; // rw: request ring entries, log2
constexpr uint32_t REQ_TAIL = 0x04c; // rw: doorbell: index of the next entry the host will fill (producer)
constexpr uint32_t REQ_HEAD = 0x050; // ro: index of the next entry the device will fetch (consumer)
constexpr uint32_t CPL_BASE_LO = 0x060; // rw: completion ring base address, low word (entry-aligned)
constexpr uint32_t CPL_BASE_HI = 0x064; // rw: completion ring base address, high word
constexpr uint32_t CPL_SIZE_LOG2 = 0x068; // rw: completion ring entries, log2
constexpr uint32_t CPL_HEAD = 0x06c; // rw: doorbell: index of the next entry the host will consume
constexpr uint32_t CPL_TAIL = 0x070; // ro: index of the next entry the device will write (producer)
constexpr uint32_t IRQ_STATUS = 0x080; // w1c: bit v: vector v fired since last cleared
constexpr uint32_t IRQ_MASK = 0x084; // rw: bit v set: vector v never fires
constexpr uint32_t IRQ_ARM = 0x088; // wo: write bit v: re-arm vector v (a vector fires once, then waits to be re-armed)
constexpr uint32_t IRQ_MOD_COUNT_0 = 0x0a0; // rw: vector 0 fires once this many events are pending (0 and 1 both mean every event)
constexpr uint32_t IRQ_MOD_TIME_0 = 0x0a4; // rw: vector 0 fires this many core cycles after its first pending event even below the count (0 = no time limit)
constexpr uint32_t IRQ_MOD_COUNT_1 = 0x0a8; // rw: vector 1 fires once this many events are pending (0 and 1 both mean every event)
constexpr uint32_t IRQ_MOD_TIME_1 = 0x0ac; // rw: vector 1 fires this many core cycles after its first pending event even below the count (0 = no time limit)
constexpr uint32_t IRQ_MOD_COUNT_2 = 0x0b0; // rw: vector 2 fires once this many events are pending (0 and 1 both mean every event)
constexpr uint32_t IRQ_MOD_TIME_2 = 0x0b4; // rw: vector 2 fires this many core cycles after its first pending event even below the count (0 = no time limit)
constexpr uint32_t IRQ_MOD_COUNT_3 = 0x0b8; // rw: vector 3 fires once this many events are pending (0 and 1 both mean every event)
constexpr uint32_t IRQ_MOD_TIME_3 = 0x0bc; // rw: vector 3 fires this many core cycles after its first pending event even below the count (0 = no time limit)
constexpr uint32_t IRQ_MOD_IDLE_0 = 0x090; // rw: vector 0 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
constexpr uint32_t IRQ_MOD_IDLE_1 = 0x094; // rw: vector 1 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
constexpr uint32_t IRQ_MOD_IDLE_2 = 0x098; // rw: vector 2 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
constexpr uint32_t IRQ_MOD_IDLE_3 = 0x09c; // rw: vector 3 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
constexpr uint32_t FAULT_CAUSE = 0x0c0; // w1c: sticky FaultCause bits
constexpr uint32_t FAULT_ADDR_LO = 0x0c4; // ro: address of the first faulting DMA since FAULT_CAUSE was clear, low word
constexpr uint32_t FAULT_ADDR_HI = 0x0c8; // ro: high word of that address
constexpr uint32_t STATS_CLEAR = 0x0fc; // wo: write 1: zero every STAT_* counter
constexpr uint32_t STAT_REQ_FETCHED = 0x100; // ro: request descriptors fetched (32 bits, wraps)
constexpr uint32_t STAT_CPL_WRITTEN = 0x104; // ro: completion and event entries written (32 bits, wraps)
constexpr uint32_t STAT_TX_FRAMES = 0x108; // ro: plain frames sent on the wire (32 bits, wraps)
constexpr uint32_t STAT_TX_BYTES = 0x10c; // ro: bytes of plain frames sent (padding included) (32 bits, wraps)
constexpr uint32_t STAT_RX_FRAMES = 0x110; // ro: frames received from the wire into host buffers (32 bits, wraps)
constexpr uint32_t STAT_RX_BYTES = 0x114; // ro: bytes received into host buffers (32 bits, wraps)
constexpr uint32_t STAT_RX_DROP_NO_BUFFER = 0x118; // ro: frames dropped because no receive buffer was posted (32 bits, wraps)
constexpr uint32_t STAT_RX_DROP_OVERFLOW = 0x11c; // ro: frames dropped because the receive FIFO was full (32 bits, wraps)
constexpr uint32_t STAT_RX_ERRORS = 0x120; // ro: frames dropped as runts or longer than ETH_MAX_FRAME (32 bits, wraps)
constexpr uint32_t STAT_BAD_DESC = 0x124; // ro: descriptors completed with BAD_OPCODE, BAD_LENGTH, BAD_ADDRESS or UNSUPPORTED (32 bits, wraps)
constexpr uint32_t STAT_DMA_ERRORS = 0x128; // ro: DMA transfers answered with an error (32 bits, wraps)
constexpr uint32_t STAT_IRQS = 0x12c; // ro: interrupts raised, all vectors (32 bits, wraps)
constexpr uint32_t STAT_TOE_RX_SEGMENTS = 0x130; // ro: segments of offloaded connections the TOE took from the wire (and forwards) (32 bits, wraps)
constexpr uint32_t STAT_TOE_RX_DROPPED = 0x134; // ro: segments of offloaded connections dropped for want of room before the engine (32 bits, wraps)
constexpr uint32_t STAT_TOE_RX_CSUM_ERRORS = 0x138; // ro: segments of offloaded connections dropped for a bad TCP checksum (32 bits, wraps)
constexpr uint32_t STAT_TOE_TX_SEGMENTS = 0x13c; // ro: segments the TOE sent (32 bits, wraps)
constexpr uint32_t STAT_TOE_RETRANSMITS = 0x140; // ro: segments the TOE sent again (32 bits, wraps)
constexpr uint32_t TCP_ACK_FREQUENCY = 0x200; // rw: TcpAckFrequency: segments received before an ACK
constexpr uint32_t TCP_DELAYED_ACK_TICKS = 0x204; // rw: TcpDelayedAckTicks
constexpr uint32_t TCP_MAX_RETRANSMISSIONS = 0x208; // rw: TcpMaximumRetransmissions
constexpr uint32_t TCP_DOUBT_REACH_RETRANS = 0x20c; // rw: TcpDoubtReachabilityRetransmissions
constexpr uint32_t TCP_SWS_PREVENTION_TICKS = 0x210; // rw: TcpSwsPreventionTicks
constexpr uint32_t TCP_DUP_ACK_THRESHOLD = 0x214; // rw: TcpDuplicateAckThreshold
constexpr uint32_t TCP_PUSH_TICKS = 0x218; // rw: TcpPushTicks
constexpr uint32_t NCE_STALE_TICKS = 0x21c; // rw: NceStaleTicks
constexpr uint32_t TCP_MIN_RTO_TICKS = 0x220; // rw: lower bound of the retransmission timeout (RFC 6298 (2.4)); the host sets it for its tick rate
constexpr uint32_t TCP_MAX_RTO_TICKS = 0x224; // rw: upper bound of the retransmission timeout, backoff included
constexpr uint32_t TCP_FIN_WAIT_2_TICKS = 0x228; // rw: FIN_WAIT_2 timer (R82): ticks without an acceptable segment before the upload request; the host sets 120 s for its tick rate
}
namespace RegReset {
constexpr uint32_t ID = 0x464c5545;
constexpr uint32_t VERSION = 0x00010004;
constexpr uint32_t CAPS = 0x10040407;
constexpr uint32_t MAX_CONNS = 0x00000400;
constexpr uint32_t MAX_FRAME = 0x000005ee;
constexpr uint32_t SEND_ENTRIES = 0x00000800;
constexpr uint32_t CTRL = 0x00000000;
constexpr uint32_t STATUS = 0x00000009;
constexpr uint32_t MAC_LO = 0x00000000;
constexpr uint32_t MAC_HI = 0x00000000;
constexpr uint32_t TICK_DIV = 0x0002625a;
constexpr uint32_t TIMESTAMP_LO = 0x00000000;
constexpr uint32_t TIMESTAMP_HI = 0x00000000;
constexpr uint32_t REQ_BASE_LO = 0x00000000;
constexpr uint32_t REQ_BASE_HI = 0x00000000;
constexpr uint32_t REQ_SIZE_LOG2 = 0x00000000;
constexpr uint32_t REQ_TAIL = 0x00000000;
constexpr uint32_t REQ_HEAD = 0x00000000;
constexpr uint32_t CPL_BASE_LO = 0x00000000;
constexpr uint32_t CPL_BASE_HI = 0x00000000;
constexpr uint32_t CPL_SIZE_LOG2 = 0x00000000;
constexpr uint32_t CPL_HEAD = 0x00000000;
constexpr uint32_t CPL_TAIL = 0x00000000;
constexpr uint32_t IRQ_STATUS = 0x00000000;
constexpr uint32_t IRQ_MASK = 0x0000000f;
constexpr uint32_t IRQ_ARM = 0x00000000;
constexpr uint32_t IRQ_MOD_COUNT_0 = 0x00000001;
constexpr uint32_t IRQ_MOD_TIME_0 = 0x00000000;
constexpr uint32_t IRQ_MOD_COUNT_1 = 0x00000001;
constexpr uint32_t IRQ_MOD_TIME_1 = 0x00000000;
constexpr uint32_t IRQ_MOD_COUNT_2 = 0x00000001;
constexpr uint32_t IRQ_MOD_TIME_2 = 0x00000000;
constexpr uint32_t IRQ_MOD_COUNT_3 = 0x00000001;
constexpr uint32_t IRQ_MOD_TIME_3 = 0x00000000;
constexpr uint32_t IRQ_MOD_IDLE_0 = 0x00000000;
constexpr uint32_t IRQ_MOD_IDLE_1 = 0x00000000;
constexpr uint32_t IRQ_MOD_IDLE_2 = 0x00000000;
constexpr uint32_t IRQ_MOD_IDLE_3 = 0x00000000;
constexpr uint32_t FAULT_CAUSE = 0x00000000;
constexpr uint32_t FAULT_ADDR_LO = 0x00000000;
constexpr uint32_t FAULT_ADDR_HI = 0x00000000;
constexpr uint32_t STATS_CLEAR = 0x00000000;
constexpr uint32_t STAT_REQ_FETCHED = 0x00000000;
constexpr uint32_t STAT_CPL_WRITTEN = 0x00000000;
constexpr uint32_t STAT_TX_FRAMES = 0x00000000;
constexpr uint32_t STAT_TX_BYTES = 0x00000000;
constexpr uint32_t STAT_RX_FRAMES = 0x00000000;
constexpr uint32_t STAT_RX_BYTES = 0x00000000;
constexpr uint32_t STAT_RX_DROP_NO_BUFFER = 0x00000000;
constexpr uint32_t STAT_RX_DROP_OVERFLOW = 0x00000000;
constexpr uint32_t STAT_RX_ERRORS = 0x00000000;
constexpr uint32_t STAT_BAD_DESC = 0x00000000;
constexpr uint32_t STAT_DMA_ERRORS = 0x00000000;
constexpr uint32_t STAT_IRQS = 0x00000000;
constexpr uint32_t STAT_TOE_RX_SEGMENTS = 0x00000000;
constexpr uint32_t STAT_TOE_RX_DROPPED = 0x00000000;
constexpr uint32_t STAT_TOE_RX_CSUM_ERRORS = 0x00000000;
constexpr uint32_t STAT_TOE_TX_SEGMENTS = 0x00000000;
constexpr uint32_t STAT_TOE_RETRANSMITS = 0x00000000;
constexpr uint32_t TCP_ACK_FREQUENCY = 0x00000002;
constexpr uint32_t TCP_DELAYED_ACK_TICKS = 0x000000c8;
constexpr uint32_t TCP_MAX_RETRANSMISSIONS = 0x00000005;
constexpr uint32_t TCP_DOUBT_REACH_RETRANS = 0x00000003;
constexpr uint32_t TCP_SWS_PREVENTION_TICKS = 0x000003e8;
constexpr uint32_t TCP_DUP_ACK_THRESHOLD = 0x00000003;
constexpr uint32_t TCP_PUSH_TICKS = 0x000001f4;
constexpr uint32_t NCE_STALE_TICKS = 0x000003e8;
constexpr uint32_t TCP_MIN_RTO_TICKS = 0x000000c8;
constexpr uint32_t TCP_MAX_RTO_TICKS = 0x0000ea60;
constexpr uint32_t TCP_FIN_WAIT_2_TICKS = 0x0001d4c0;
}
namespace VERSION_FIELDS {
constexpr uint32_t MINOR_LSB = 0, MINOR_WIDTH = 16;
constexpr uint32_t MAJOR_LSB = 16, MAJOR_WIDTH = 16;
}
namespace CAPS_FIELDS {
constexpr uint32_t L2_LSB = 0, L2_WIDTH = 1;
constexpr uint32_t TOE_LSB = 1, TOE_WIDTH = 1;
constexpr uint32_t IRQ_MODERATION_LSB = 2, IRQ_MODERATION_WIDTH = 1;
constexpr uint32_t IRQ_VECTORS_LSB = 8, IRQ_VECTORS_WIDTH = 8;
constexpr uint32_t DMA_BYTES_LOG2_LSB = 16, DMA_BYTES_LOG2_WIDTH = 4;
constexpr uint32_t RING_MAX_LOG2_LSB = 24, RING_MAX_LOG2_WIDTH = 5;
}
namespace CTRL_FIELDS {
constexpr uint32_t ENABLE_LSB = 0, ENABLE_WIDTH = 1;
constexpr uint32_t SOFT_RESET_LSB = 1, SOFT_RESET_WIDTH = 1;
}
namespace STATUS_FIELDS {
constexpr uint32_t READY_LSB = 0, READY_WIDTH = 1;
constexpr uint32_t ENABLED_LSB = 1, ENABLED_WIDTH = 1;
constexpr uint32_t FAULT_LSB = 2, FAULT_WIDTH = 1;
constexpr uint32_t IDLE_LSB = 3, IDLE_WIDTH = 1;
}

// ReqDesc: request descriptor, written by the host into the request ring
namespace ReqDesc {
constexpr uint32_t BYTES = 32;
constexpr uint32_t OPCODE_OFFSET = 0, OPCODE_SIZE = 1; // Opcode
constexpr uint32_t FLAGS_OFFSET = 1, FLAGS_SIZE = 1; // RequestFlag bits
constexpr uint32_t RESERVED0_OFFSET = 2, RESERVED0_SIZE = 2; // zero
constexpr uint32_t TAG_OFFSET = 4, TAG_SIZE = 4; // host cookie, echoed in the completion
constexpr uint32_t ADDR_OFFSET = 8, ADDR_SIZE = 8; // buffer or state-block address in host memory
constexpr uint32_t LENGTH_OFFSET = 16, LENGTH_SIZE = 4; // buffer length in bytes
constexpr uint32_t CONN_OFFSET = 20, CONN_SIZE = 4; // offloaded connection id (TCP and offload opcodes)
constexpr uint32_t PARAM_OFFSET = 24, PARAM_SIZE = 8; // opcode-specific: second address or value
}

// CplEntry: completion or event entry, written by the device into the completion ring
namespace CplEntry {
constexpr uint32_t BYTES = 32;
constexpr uint32_t KIND_OFFSET = 0, KIND_SIZE = 1; // EntryKind
constexpr uint32_t OPCODE_OFFSET = 1, OPCODE_SIZE = 1; // Opcode of the request, or EventCode
constexpr uint32_t STATUS_OFFSET = 2, STATUS_SIZE = 1; // CplStatus
constexpr uint32_t PHASE_OFFSET = 3, PHASE_SIZE = 1, PHASE_LSB = 0, PHASE_WIDTH = 1; // flips on each pass over the ring; 1 on the first
constexpr uint32_t TAG_OFFSET = 4, TAG_SIZE = 4; // tag of the request
constexpr uint32_t LENGTH_OFFSET = 8, LENGTH_SIZE = 4; // bytes transferred (frame length for L2_RECV_POST)
constexpr uint32_t CONN_OFFSET = 12, CONN_SIZE = 4; // connection id
constexpr uint32_t REQ_HEAD_OFFSET = 16, REQ_HEAD_SIZE = 2; // request ring consumer index when this entry was written
constexpr uint32_t RESERVED0_OFFSET = 18, RESERVED0_SIZE = 2; // zero
constexpr uint32_t INFO_OFFSET = 20, INFO_SIZE = 4; // event information (UploadReason, backlog bytes, buffer id)
constexpr uint32_t TIMESTAMP_OFFSET = 24, TIMESTAMP_SIZE = 8; // core cycle at which the entry was written
}

// NeighborState: neighbor offload state: const, cached, delegated (NEIGHBOR_OFFLOAD_STATE_*)
namespace NeighborState {
constexpr uint32_t BYTES = 32;
constexpr uint32_t DL_SOURCE_ADDRESS_OFFSET = 0, DL_SOURCE_ADDRESS_SIZE = 6; // const: source MAC override, zero = interface MAC
constexpr uint32_t VLAN_ID_OFFSET = 6, VLAN_ID_SIZE = 2, VLAN_ID_LSB = 0, VLAN_ID_WIDTH = 12; // const: VLAN id, 0 = none
constexpr uint32_t DL_DESTINATION_ADDRESS_OFFSET = 8, DL_DESTINATION_ADDRESS_SIZE = 6; // cached: next-hop MAC
constexpr uint32_t HOST_REACHABILITY_DELTA_OFFSET = 16, HOST_REACHABILITY_DELTA_SIZE = 4; // cached: HRD in ticks
constexpr uint32_t NIC_REACHABILITY_DELTA_OFFSET = 20, NIC_REACHABILITY_DELTA_SIZE = 4; // delegated: NRD in ticks
}

// PathState: IPv4 path offload state (PATH_OFFLOAD_STATE_*)
namespace PathState {
constexpr uint32_t BYTES = 32;
constexpr uint32_t SOURCE_ADDRESS_OFFSET = 0, SOURCE_ADDRESS_SIZE = 4; // const: IPv4 source, network byte order in memory
constexpr uint32_t DESTINATION_ADDRESS_OFFSET = 4, DESTINATION_ADDRESS_SIZE = 4; // const: IPv4 destination, network byte order in memory
constexpr uint32_t PATH_MTU_OFFSET = 8, PATH_MTU_SIZE = 4; // cached: path MTU
}

// TcpConstState: TCP_OFFLOAD_STATE_CONST
namespace TcpConstState {
constexpr uint32_t BYTES = 32;
constexpr uint32_t FLAGS_OFFSET = 0, FLAGS_SIZE = 2; // TIMESTAMP_ENABLED 1, SACK_ENABLED 2, WINDOW_SCALING_ENABLED 4
constexpr uint32_t REMOTE_PORT_OFFSET = 2, REMOTE_PORT_SIZE = 2; // host byte order
constexpr uint32_t LOCAL_PORT_OFFSET = 4, LOCAL_PORT_SIZE = 2; // host byte order
constexpr uint32_t SND_WIND_SCALE_OFFSET = 6, SND_WIND_SCALE_SIZE = 1, SND_WIND_SCALE_LSB = 0, SND_WIND_SCALE_WIDTH = 4; // send window scale
constexpr uint32_t RCV_WIND_SCALE_OFFSET = 6, RCV_WIND_SCALE_SIZE = 1, RCV_WIND_SCALE_LSB = 4, RCV_WIND_SCALE_WIDTH = 4; // receive window scale
constexpr uint32_t REMOTE_MSS_OFFSET = 8, REMOTE_MSS_SIZE = 2; // MSS the peer advertised
constexpr uint32_t HASH_VALUE_OFFSET = 12, HASH_VALUE_SIZE = 4; // RSS hash computed by the host
}

// TcpCachedState: TCP_OFFLOAD_STATE_CACHED
namespace TcpCachedState {
constexpr uint32_t BYTES = 32;
constexpr uint32_t FLAGS_OFFSET = 0, FLAGS_SIZE = 2; // KEEP_ALIVE_ENABLED 1, NAGLING 2, KEEP_ALIVE_RESTART 4, MAX_RT_RESTART 8, UPDATE_RCV_WND 0x10
constexpr uint32_t TTL_OFFSET = 2, TTL_SIZE = 1; // TtlOrHopLimit
constexpr uint32_t TOS_OFFSET = 3, TOS_SIZE = 1; // TosOrTrafficClass
constexpr uint32_t INITIAL_RCV_WND_OFFSET = 4, INITIAL_RCV_WND_SIZE = 4; // default receive window
constexpr uint32_t RCV_INDICATION_SIZE_OFFSET = 8, RCV_INDICATION_SIZE_SIZE = 4; // preferred bytes per receive indication
constexpr uint32_t KA_PROBE_COUNT_OFFSET = 12, KA_PROBE_COUNT_SIZE = 1; // keepalive probes
constexpr uint32_t USER_PRIORITY_OFFSET = 13, USER_PRIORITY_SIZE = 1, USER_PRIORITY_LSB = 0, USER_PRIORITY_WIDTH = 3; // 802.1p priority
constexpr uint32_t KA_TIMEOUT_OFFSET = 16, KA_TIMEOUT_SIZE = 4; // ticks idle before the first keepalive
constexpr uint32_t KA_INTERVAL_OFFSET = 20, KA_INTERVAL_SIZE = 4; // ticks between keepalive probes
constexpr uint32_t MAX_RT_OFFSET = 24, MAX_RT_SIZE = 4; // ticks retransmitting one segment; 0 = use count, 0xFFFFFFFF = no limit
constexpr uint32_t FLOW_LABEL_OFFSET = 28, FLOW_LABEL_SIZE = 4, FLOW_LABEL_LSB = 0, FLOW_LABEL_WIDTH = 20; // IPv6 flow label (unused for IPv4)
}

// TcpDelegatedState: TCP_OFFLOAD_STATE_DELEGATED; SRtt x8 and RttVar x4 as exchanged by NDIS
namespace TcpDelegatedState {
constexpr uint32_t BYTES = 128;
constexpr uint32_t STATE_OFFSET = 0, STATE_SIZE = 1; // TcpState
constexpr uint32_t FLAGS_OFFSET = 1, FLAGS_SIZE = 1; // reserved
constexpr uint32_t DUP_ACK_COUNT_OFFSET = 2, DUP_ACK_COUNT_SIZE = 1; // duplicate ACKs for the same sequence
constexpr uint32_t SND_WND_PROBE_COUNT_OFFSET = 3, SND_WND_PROBE_COUNT_SIZE = 1; // persist round
constexpr uint32_t RCV_NXT_OFFSET = 4, RCV_NXT_SIZE = 4; // RCV.NXT
constexpr uint32_t RCV_WND_OFFSET = 8, RCV_WND_SIZE = 4; // RCV.WND bytes
constexpr uint32_t SND_UNA_OFFSET = 12, SND_UNA_SIZE = 4; // SND.UNA
constexpr uint32_t SND_NXT_OFFSET = 16, SND_NXT_SIZE = 4; // SND.NXT
constexpr uint32_t SND_MAX_OFFSET = 20, SND_MAX_SIZE = 4; // highest sequence sent
constexpr uint32_t SND_WND_OFFSET = 24, SND_WND_SIZE = 4; // SND.WND bytes
constexpr uint32_t MAX_SND_WND_OFFSET = 28, MAX_SND_WND_SIZE = 4; // largest send window seen
constexpr uint32_t SEND_WL1_OFFSET = 32, SEND_WL1_SIZE = 4; // SND.WL1
constexpr uint32_t C_WND_OFFSET = 36, C_WND_SIZE = 4; // congestion window bytes
constexpr uint32_t SS_THRESH_OFFSET = 40, SS_THRESH_SIZE = 4; // slow-start threshold bytes
constexpr uint32_t S_RTT_OFFSET = 44, S_RTT_SIZE = 2; // smoothed RTT, ticks x8
constexpr uint32_t RTT_VAR_OFFSET = 46, RTT_VAR_SIZE = 2; // RTT variance, ticks x4
constexpr uint32_t TS_RECENT_OFFSET = 48, TS_RECENT_SIZE = 4; // TS.Recent
constexpr uint32_t TS_RECENT_AGE_OFFSET = 52, TS_RECENT_AGE_SIZE = 4; // age of TS.Recent in ticks
constexpr uint32_t TS_TIME_OFFSET = 56, TS_TIME_SIZE = 4; // current adjusted timestamp
constexpr uint32_t TOTAL_RT_OFFSET = 60, TOTAL_RT_SIZE = 4; // ticks retransmitting the current segment
constexpr uint32_t KA_PROBE_COUNT_OFFSET = 64, KA_PROBE_COUNT_SIZE = 4; // unanswered keepalive probes
constexpr uint32_t KA_TIMEOUT_DELTA_OFFSET = 68, KA_TIMEOUT_DELTA_SIZE = 4; // ticks to next keepalive timeout; 0xFFFFFFFF = not running
constexpr uint32_t RT_COUNT_OFFSET = 72, RT_COUNT_SIZE = 4; // retransmits sent
constexpr uint32_t RT_TIMEOUT_DELTA_OFFSET = 76, RT_TIMEOUT_DELTA_SIZE = 4; // ticks to next retransmit timeout; 0xFFFFFFFF = not running
constexpr uint32_t SEND_BACKLOG_SIZE_OFFSET = 80, SEND_BACKLOG_SIZE_SIZE = 4; // query: preferred outstanding send bytes
constexpr uint32_t RECEIVE_BACKLOG_SIZE_OFFSET = 84, RECEIVE_BACKLOG_SIZE_SIZE = 4; // query: bytes buffered in the NIC
constexpr uint32_t D_WND_OFFSET = 88, D_WND_SIZE = 4; // NDIS 6.1 DWnd
}

// ConnStateBlock: header of the flat connection state block (CONN_STATE_BYTES long) that OFFLOAD_INITIATE reads and TERMINATE/QUERY write; the miniport flattens the NDIS state tree into it, each part at its CONN_STATE_*_OFFSET
namespace ConnStateBlock {
constexpr uint32_t BYTES = 32;
constexpr uint32_t NEIGHBOR_ID_OFFSET = 0, NEIGHBOR_ID_SIZE = 4; // miniport-chosen id of the neighbor object (shared between connections), below the connections the card holds: the card keeps its reachability times (R70, R71) under it
constexpr uint32_t PATH_ID_OFFSET = 4, PATH_ID_SIZE = 4; // miniport-chosen id of the path object
constexpr uint32_t VALID_MASK_OFFSET = 8, VALID_MASK_SIZE = 4; // bit 0 neighbor, 1 path, 2 tcp const, 3 tcp cached, 4 tcp delegated present
}

// LinkHeader: header of every link message; the payload follows
namespace LinkHeader {
constexpr uint32_t BYTES = 16;
constexpr uint32_t TYPE_OFFSET = 0, TYPE_SIZE = 1; // LinkType
constexpr uint32_t FLAGS_OFFSET = 1, FLAGS_SIZE = 1; // bit 0: response to a request; bit 1, on TIME_ADVANCE over the simulator socket: stop after the cycle in which an interrupt fires
constexpr uint32_t SEQ_OFFSET = 2, SEQ_SIZE = 2; // sequence number, echoed in the response
constexpr uint32_t LENGTH_OFFSET = 4, LENGTH_SIZE = 4; // payload bytes after this header
constexpr uint32_t TIME_OFFSET = 8, TIME_SIZE = 8; // simulated cycle at which the message applies
}

// LinkMmio: payload of MMIO_READ, MMIO_READ_REPLY, MMIO_WRITE and MMIO_WRITE_ACK
namespace LinkMmio {
constexpr uint32_t BYTES = 12;
constexpr uint32_t ADDR_OFFSET = 0, ADDR_SIZE = 4; // register byte address
constexpr uint32_t VALUE_OFFSET = 4, VALUE_SIZE = 4; // value written or read
constexpr uint32_t RESP_OFFSET = 8, RESP_SIZE = 1; // AXI response: 0 OKAY, 2 SLVERR, 3 DECERR
}

// LinkDma: fixed part of DMA_READ, DMA_READ_REPLY, DMA_WRITE and DMA_WRITE_ACK; write and read-reply data follow
namespace LinkDma {
constexpr uint32_t BYTES = 20;
constexpr uint32_t ADDR_OFFSET = 0, ADDR_SIZE = 8; // host address
constexpr uint32_t LENGTH_OFFSET = 8, LENGTH_SIZE = 4; // bytes
constexpr uint32_t TAG_OFFSET = 12, TAG_SIZE = 4; // device tag, echoed
constexpr uint32_t RESP_OFFSET = 16, RESP_SIZE = 1; // AXI response of the host side
}

// LinkHello: payload of HELLO_REPLY
namespace LinkHello {
constexpr uint32_t BYTES = 16;
constexpr uint32_t ID_OFFSET = 0, ID_SIZE = 4; // ID register
constexpr uint32_t VERSION_OFFSET = 4, VERSION_SIZE = 4; // VERSION register
constexpr uint32_t CAPS_OFFSET = 8, CAPS_SIZE = 4; // CAPS register
constexpr uint32_t CLOCK_HZ_OFFSET = 12, CLOCK_HZ_SIZE = 4; // core clock frequency
}

// LinkStats: payload of the LINK_STATS response: the bridge's own counters since its reset
namespace LinkStats {
constexpr uint32_t BYTES = 20;
constexpr uint32_t RX_PACKETS_OFFSET = 0, RX_PACKETS_SIZE = 4; // good packets received
constexpr uint32_t RX_DROPPED_OFFSET = 4, RX_DROPPED_SIZE = 4; // packets dropped: bad CRC, bad SLIP, too long, or a length that disagrees with the header
constexpr uint32_t TX_PACKETS_OFFSET = 8, TX_PACKETS_SIZE = 4; // packets sent, retransmissions and replayed responses included
constexpr uint32_t RETRIES_OFFSET = 12, RETRIES_SIZE = 4; // device requests (DMA, IRQ) sent again after their timeout
constexpr uint32_t REPLAYS_OFFSET = 16, REPLAYS_SIZE = 4; // host requests answered again from the stored response (a repeated sequence number)
}

// LinkIrq: payload of IRQ
namespace LinkIrq {
constexpr uint32_t BYTES = 4;
constexpr uint32_t VECTORS_OFFSET = 0, VECTORS_SIZE = 4; // bit v: vector v raised
}

// LinkWireFrame: fixed part of WIRE_FRAME; the frame follows
namespace LinkWireFrame {
constexpr uint32_t BYTES = 4;
constexpr uint32_t PORT_OFFSET = 0, PORT_SIZE = 1; // wire port
constexpr uint32_t DIRECTION_OFFSET = 1, DIRECTION_SIZE = 1; // 0 into the NIC, 1 out of the NIC
constexpr uint32_t ABORTED_OFFSET = 2, ABORTED_SIZE = 1; // 1: the NIC ended the frame with tuser set (not delivered); no frame bytes follow
}

} // namespace flue::contract
