"""Generated from protocol/spec.ts by protocol/generate.ts. Do not edit."""

from enum import IntEnum


VERSION_MAJOR = 1
VERSION_MINOR = 4

ID_MAGIC = 1179407685  # value of the ID register: "FLUE" in ASCII
REG_WIDTH_BYTES = 4  # every register is 32 bits wide
REG_SPACE_BYTES = 4096  # size of the register window (AXI4-Lite address space)
REQ_ENTRY_BYTES = 32  # size of one request descriptor
CPL_ENTRY_BYTES = 32  # size of one completion/event entry
RING_MIN_LOG2 = 2  # smallest ring: 4 entries
RING_MAX_LOG2 = 16  # largest ring: 65536 entries
ETH_MIN_FRAME = 14  # shortest frame a plain send accepts (an Ethernet header)
ETH_MIN_WIRE_FRAME = 60  # the NIC pads shorter frames with zeros to this length (FCS excluded)
ETH_MAX_FRAME = 1518  # longest frame without FCS: 1500-byte MTU plus header and one 802.1Q tag
RX_BUFFER_MIN = 1518  # a plain receive buffer must hold the longest frame
FORWARD_MAX = 1484  # longest forwarded TCP segment: what a frame of ETH_MAX_FRAME holds after its Ethernet and IPv4 headers
BUFFER_MAX = 65536  # longest buffer one descriptor may name (64 KiB)
DMA_ADDR_BITS = 48  # host addresses are 48 bits; higher bits set make a descriptor address bad
IRQ_VECTORS = 4  # interrupt vectors of the reference build
IRQ_VEC_COMPLETION = 0  # vector raised for every completion or event entry written
IRQ_VEC_FAULT = 1  # vector raised when a fault is recorded in FAULT_CAUSE
IRQ_VEC_STATUS = 2  # vector for status indications (offload pause/resume, upload-all)
CORE_CLOCK_HZ = 156250000  # reference core clock: 64-bit wire at 10 GbE
WIRE_BYTES_PER_CYCLE = 8  # the wire is a 64-bit AXI4-Stream
CONN_STATE_BYTES = 288  # size of the flat connection state block an initiate reads
CONN_STATE_NEIGHBOR_OFFSET = 32  # NeighborState inside the connection state block
CONN_STATE_PATH_OFFSET = 64  # PathState inside the connection state block
CONN_STATE_TCP_CONST_OFFSET = 96  # TcpConstState inside the connection state block
CONN_STATE_TCP_CACHED_OFFSET = 128  # TcpCachedState inside the connection state block
CONN_STATE_TCP_DELEGATED_OFFSET = 160  # TcpDelegatedState inside the connection state block
LINK_HEADER_BYTES = 16  # size of a link message header


class Opcode(IntEnum):
    """request descriptor opcodes: the whole chimney operation set plus the plain L2 path"""

    NOP = 1
    L2_SEND = 2
    L2_RECV_POST = 3
    OFFLOAD_INITIATE = 16
    OFFLOAD_TERMINATE = 17
    OFFLOAD_UPDATE = 18
    OFFLOAD_QUERY = 19
    OFFLOAD_INVALIDATE = 20
    NEIGHBOR_NRD = 22
    NEIGHBOR_REACH = 21
    TCP_SEND = 32
    TCP_RECV_POST = 33
    TCP_DISCONNECT = 34
    TCP_FORWARD = 35
    TCP_RECV_RETURN = 36


class RequestFlag(IntEnum):
    """bits of the request descriptor flags byte"""

    PUSH = 1
    NO_PUSH = 2
    ABORTIVE = 4


class EntryKind(IntEnum):
    """kinds of entry in the completion ring"""

    COMPLETION = 1
    EVENT = 2


class CplStatus(IntEnum):
    """status byte of a completion entry"""

    OK = 0
    BAD_OPCODE = 1
    BAD_LENGTH = 2
    BAD_ADDRESS = 3
    DMA_ERROR = 4
    ABORTED = 5
    UNSUPPORTED = 6
    BAD_CONN = 7
    RESOURCES = 8
    UPLOAD_IN_PROGRESS = 9
    INVALID_STATE = 10
    BAD_STATE_BLOCK = 11
    RETURNED = 12


class EventCode(IntEnum):
    """opcode byte of an EVENT entry; 1..4 equal TCP_OFFLOAD_EVENT_TYPE"""

    TCP_SEND_BACKLOG = 1
    TCP_DISCONNECT = 2
    TCP_RETRIEVE = 3
    TCP_ABORT = 4
    TCP_RECV_INDICATE = 5
    NEIGHBOR_QUERY = 6
    OFFLOAD_PAUSE = 7
    UPLOAD_ALL = 8
    OFFLOAD_RESUME = 9
    TCP_RECV_STASH = 10


class UploadReason(IntEnum):
    """TCP_UPLOAD_REASON values (ndischimney.h)"""

    LOW_ACTIVITY = 1
    HIGH_DROP_RATE = 2
    SMALL_IO = 3
    NO_BUFFER_PREPOSTING = 4
    RECEIVED_URGENT_DATA = 5
    HIGH_FRAGMENTATION = 6
    HIGH_OUT_OF_ORDER_PACKETS = 7
    TIMEOUT_EXPIRATION = 8
    INVALID_STATE = 9
    UPLOAD_REQUESTED = 10
    HARDWARE_FAILURE = 11


class TcpState(IntEnum):
    """TCP_OFFLOAD_CONNECTION_STATE (ndischimney.h values)"""

    CLOSED = 0
    LISTEN = 1
    SYN_SENT = 2
    SYN_RCVD = 3
    ESTABLISHED = 4
    FIN_WAIT_1 = 5
    FIN_WAIT_2 = 6
    CLOSE_WAIT = 7
    CLOSING = 8
    LAST_ACK = 9
    TIME_WAIT = 10


class FaultCause(IntEnum):
    """bits of FAULT_CAUSE"""

    DMA_READ = 1
    DMA_WRITE = 2
    CPL_WRITE = 4
    REQ_FETCH = 8
    RING_CONFIG = 16


class LinkType(IntEnum):
    """link message types (serial bridge, simulator socket)"""

    HELLO = 1
    HELLO_REPLY = 2
    MMIO_READ = 3
    MMIO_READ_REPLY = 4
    MMIO_WRITE = 5
    MMIO_WRITE_ACK = 6
    DMA_READ = 7
    DMA_READ_REPLY = 8
    DMA_WRITE = 9
    DMA_WRITE_ACK = 10
    IRQ = 11
    WIRE_FRAME = 12
    TIME_ADVANCE = 13
    TIME_REACHED = 14
    RESET = 15
    ERROR = 16
    LINK_STATS = 17


class Reg(IntEnum):
    """register byte offsets"""

    ID = 0x000
    VERSION = 0x004
    CAPS = 0x008
    MAX_CONNS = 0x00c
    MAX_FRAME = 0x010
    SEND_ENTRIES = 0x014
    CTRL = 0x020
    STATUS = 0x024
    MAC_LO = 0x028
    MAC_HI = 0x02c
    TICK_DIV = 0x030
    TIMESTAMP_LO = 0x034
    TIMESTAMP_HI = 0x038
    REQ_BASE_LO = 0x040
    REQ_BASE_HI = 0x044
    REQ_SIZE_LOG2 = 0x048
    REQ_TAIL = 0x04c
    REQ_HEAD = 0x050
    CPL_BASE_LO = 0x060
    CPL_BASE_HI = 0x064
    CPL_SIZE_LOG2 = 0x068
    CPL_HEAD = 0x06c
    CPL_TAIL = 0x070
    IRQ_STATUS = 0x080
    IRQ_MASK = 0x084
    IRQ_ARM = 0x088
    IRQ_MOD_COUNT_0 = 0x0a0
    IRQ_MOD_TIME_0 = 0x0a4
    IRQ_MOD_COUNT_1 = 0x0a8
    IRQ_MOD_TIME_1 = 0x0ac
    IRQ_MOD_COUNT_2 = 0x0b0
    IRQ_MOD_TIME_2 = 0x0b4
    IRQ_MOD_COUNT_3 = 0x0b8
    IRQ_MOD_TIME_3 = 0x0bc
    IRQ_MOD_IDLE_0 = 0x090
    IRQ_MOD_IDLE_1 = 0x094
    IRQ_MOD_IDLE_2 = 0x098
    IRQ_MOD_IDLE_3 = 0x09c
    FAULT_CAUSE = 0x0c0
    FAULT_ADDR_LO = 0x0c4
    FAULT_ADDR_HI = 0x0c8
    STATS_CLEAR = 0x0fc
    STAT_REQ_FETCHED = 0x100
    STAT_CPL_WRITTEN = 0x104
    STAT_TX_FRAMES = 0x108
    STAT_TX_BYTES = 0x10c
    STAT_RX_FRAMES = 0x110
    STAT_RX_BYTES = 0x114
    STAT_RX_DROP_NO_BUFFER = 0x118
    STAT_RX_DROP_OVERFLOW = 0x11c
    STAT_RX_ERRORS = 0x120
    STAT_BAD_DESC = 0x124
    STAT_DMA_ERRORS = 0x128
    STAT_IRQS = 0x12c
    STAT_TOE_RX_SEGMENTS = 0x130
    STAT_TOE_RX_DROPPED = 0x134
    STAT_TOE_RX_CSUM_ERRORS = 0x138
    STAT_TOE_TX_SEGMENTS = 0x13c
    STAT_TOE_RETRANSMITS = 0x140
    TCP_ACK_FREQUENCY = 0x200
    TCP_DELAYED_ACK_TICKS = 0x204
    TCP_MAX_RETRANSMISSIONS = 0x208
    TCP_DOUBT_REACH_RETRANS = 0x20c
    TCP_SWS_PREVENTION_TICKS = 0x210
    TCP_DUP_ACK_THRESHOLD = 0x214
    TCP_PUSH_TICKS = 0x218
    NCE_STALE_TICKS = 0x21c
    TCP_MIN_RTO_TICKS = 0x220
    TCP_MAX_RTO_TICKS = 0x224
    TCP_FIN_WAIT_2_TICKS = 0x228


REG_RESET = {
    Reg.ID: 0x464c5545,
    Reg.VERSION: 0x00010004,
    Reg.CAPS: 0x10040407,
    Reg.MAX_CONNS: 0x00000400,
    Reg.MAX_FRAME: 0x000005ee,
    Reg.SEND_ENTRIES: 0x00000800,
    Reg.CTRL: 0x00000000,
    Reg.STATUS: 0x00000009,
    Reg.MAC_LO: 0x00000000,
    Reg.MAC_HI: 0x00000000,
    Reg.TICK_DIV: 0x0002625a,
    Reg.TIMESTAMP_LO: 0x00000000,
    Reg.TIMESTAMP_HI: 0x00000000,
    Reg.REQ_BASE_LO: 0x00000000,
    Reg.REQ_BASE_HI: 0x00000000,
    Reg.REQ_SIZE_LOG2: 0x00000000,
    Reg.REQ_TAIL: 0x00000000,
    Reg.REQ_HEAD: 0x00000000,
    Reg.CPL_BASE_LO: 0x00000000,
    Reg.CPL_BASE_HI: 0x00000000,
    Reg.CPL_SIZE_LOG2: 0x00000000,
    Reg.CPL_HEAD: 0x00000000,
    Reg.CPL_TAIL: 0x00000000,
    Reg.IRQ_STATUS: 0x00000000,
    Reg.IRQ_MASK: 0x0000000f,
    Reg.IRQ_ARM: 0x00000000,
    Reg.IRQ_MOD_COUNT_0: 0x00000001,
    Reg.IRQ_MOD_TIME_0: 0x00000000,
    Reg.IRQ_MOD_COUNT_1: 0x00000001,
    Reg.IRQ_MOD_TIME_1: 0x00000000,
    Reg.IRQ_MOD_COUNT_2: 0x00000001,
    Reg.IRQ_MOD_TIME_2: 0x00000000,
    Reg.IRQ_MOD_COUNT_3: 0x00000001,
    Reg.IRQ_MOD_TIME_3: 0x00000000,
    Reg.IRQ_MOD_IDLE_0: 0x00000000,
    Reg.IRQ_MOD_IDLE_1: 0x00000000,
    Reg.IRQ_MOD_IDLE_2: 0x00000000,
    Reg.IRQ_MOD_IDLE_3: 0x00000000,
    Reg.FAULT_CAUSE: 0x00000000,
    Reg.FAULT_ADDR_LO: 0x00000000,
    Reg.FAULT_ADDR_HI: 0x00000000,
    Reg.STATS_CLEAR: 0x00000000,
    Reg.STAT_REQ_FETCHED: 0x00000000,
    Reg.STAT_CPL_WRITTEN: 0x00000000,
    Reg.STAT_TX_FRAMES: 0x00000000,
    Reg.STAT_TX_BYTES: 0x00000000,
    Reg.STAT_RX_FRAMES: 0x00000000,
    Reg.STAT_RX_BYTES: 0x00000000,
    Reg.STAT_RX_DROP_NO_BUFFER: 0x00000000,
    Reg.STAT_RX_DROP_OVERFLOW: 0x00000000,
    Reg.STAT_RX_ERRORS: 0x00000000,
    Reg.STAT_BAD_DESC: 0x00000000,
    Reg.STAT_DMA_ERRORS: 0x00000000,
    Reg.STAT_IRQS: 0x00000000,
    Reg.STAT_TOE_RX_SEGMENTS: 0x00000000,
    Reg.STAT_TOE_RX_DROPPED: 0x00000000,
    Reg.STAT_TOE_RX_CSUM_ERRORS: 0x00000000,
    Reg.STAT_TOE_TX_SEGMENTS: 0x00000000,
    Reg.STAT_TOE_RETRANSMITS: 0x00000000,
    Reg.TCP_ACK_FREQUENCY: 0x00000002,
    Reg.TCP_DELAYED_ACK_TICKS: 0x000000c8,
    Reg.TCP_MAX_RETRANSMISSIONS: 0x00000005,
    Reg.TCP_DOUBT_REACH_RETRANS: 0x00000003,
    Reg.TCP_SWS_PREVENTION_TICKS: 0x000003e8,
    Reg.TCP_DUP_ACK_THRESHOLD: 0x00000003,
    Reg.TCP_PUSH_TICKS: 0x000001f4,
    Reg.NCE_STALE_TICKS: 0x000003e8,
    Reg.TCP_MIN_RTO_TICKS: 0x000000c8,
    Reg.TCP_MAX_RTO_TICKS: 0x0000ea60,
    Reg.TCP_FIN_WAIT_2_TICKS: 0x0001d4c0,
}


REQ_DESC_BYTES = 32
REQ_DESC_FIELDS = {
    "opcode": (0, 1, 0, 8),  # Opcode
    "flags": (1, 1, 0, 8),  # RequestFlag bits
    "reserved0": (2, 2, 0, 16),  # zero
    "tag": (4, 4, 0, 32),  # host cookie, echoed in the completion
    "addr": (8, 8, 0, 64),  # buffer or state-block address in host memory
    "length": (16, 4, 0, 32),  # buffer length in bytes
    "conn": (20, 4, 0, 32),  # offloaded connection id (TCP and offload opcodes)
    "param": (24, 8, 0, 64),  # opcode-specific: second address or value
}

CPL_ENTRY_BYTES = 32
CPL_ENTRY_FIELDS = {
    "kind": (0, 1, 0, 8),  # EntryKind
    "opcode": (1, 1, 0, 8),  # Opcode of the request, or EventCode
    "status": (2, 1, 0, 8),  # CplStatus
    "phase": (3, 1, 0, 1),  # flips on each pass over the ring; 1 on the first
    "tag": (4, 4, 0, 32),  # tag of the request
    "length": (8, 4, 0, 32),  # bytes transferred (frame length for L2_RECV_POST)
    "conn": (12, 4, 0, 32),  # connection id
    "reqHead": (16, 2, 0, 16),  # request ring consumer index when this entry was written
    "reserved0": (18, 2, 0, 16),  # zero
    "info": (20, 4, 0, 32),  # event information (UploadReason, backlog bytes, buffer id)
    "timestamp": (24, 8, 0, 64),  # core cycle at which the entry was written
}

NEIGHBOR_STATE_BYTES = 32
NEIGHBOR_STATE_FIELDS = {
    "dlSourceAddress": (0, 6, 0, 48),  # const: source MAC override, zero = interface MAC
    "vlanId": (6, 2, 0, 12),  # const: VLAN id, 0 = none
    "dlDestinationAddress": (8, 6, 0, 48),  # cached: next-hop MAC
    "hostReachabilityDelta": (16, 4, 0, 32),  # cached: HRD in ticks
    "nicReachabilityDelta": (20, 4, 0, 32),  # delegated: NRD in ticks
}

PATH_STATE_BYTES = 32
PATH_STATE_FIELDS = {
    "sourceAddress": (0, 4, 0, 32),  # const: IPv4 source, network byte order in memory
    "destinationAddress": (4, 4, 0, 32),  # const: IPv4 destination, network byte order in memory
    "pathMtu": (8, 4, 0, 32),  # cached: path MTU
}

TCP_CONST_STATE_BYTES = 32
TCP_CONST_STATE_FIELDS = {
    "flags": (0, 2, 0, 16),  # TIMESTAMP_ENABLED 1, SACK_ENABLED 2, WINDOW_SCALING_ENABLED 4
    "remotePort": (2, 2, 0, 16),  # host byte order
    "localPort": (4, 2, 0, 16),  # host byte order
    "sndWindScale": (6, 1, 0, 4),  # send window scale
    "rcvWindScale": (6, 1, 4, 4),  # receive window scale
    "remoteMss": (8, 2, 0, 16),  # MSS the peer advertised
    "hashValue": (12, 4, 0, 32),  # RSS hash computed by the host
}

TCP_CACHED_STATE_BYTES = 32
TCP_CACHED_STATE_FIELDS = {
    "flags": (0, 2, 0, 16),  # KEEP_ALIVE_ENABLED 1, NAGLING 2, KEEP_ALIVE_RESTART 4, MAX_RT_RESTART 8, UPDATE_RCV_WND 0x10
    "ttl": (2, 1, 0, 8),  # TtlOrHopLimit
    "tos": (3, 1, 0, 8),  # TosOrTrafficClass
    "initialRcvWnd": (4, 4, 0, 32),  # default receive window
    "rcvIndicationSize": (8, 4, 0, 32),  # preferred bytes per receive indication
    "kaProbeCount": (12, 1, 0, 8),  # keepalive probes
    "userPriority": (13, 1, 0, 3),  # 802.1p priority
    "kaTimeout": (16, 4, 0, 32),  # ticks idle before the first keepalive
    "kaInterval": (20, 4, 0, 32),  # ticks between keepalive probes
    "maxRt": (24, 4, 0, 32),  # ticks retransmitting one segment; 0 = use count, 0xFFFFFFFF = no limit
    "flowLabel": (28, 4, 0, 20),  # IPv6 flow label (unused for IPv4)
}

TCP_DELEGATED_STATE_BYTES = 128
TCP_DELEGATED_STATE_FIELDS = {
    "state": (0, 1, 0, 8),  # TcpState
    "flags": (1, 1, 0, 8),  # reserved
    "dupAckCount": (2, 1, 0, 8),  # duplicate ACKs for the same sequence
    "sndWndProbeCount": (3, 1, 0, 8),  # persist round
    "rcvNxt": (4, 4, 0, 32),  # RCV.NXT
    "rcvWnd": (8, 4, 0, 32),  # RCV.WND bytes
    "sndUna": (12, 4, 0, 32),  # SND.UNA
    "sndNxt": (16, 4, 0, 32),  # SND.NXT
    "sndMax": (20, 4, 0, 32),  # highest sequence sent
    "sndWnd": (24, 4, 0, 32),  # SND.WND bytes
    "maxSndWnd": (28, 4, 0, 32),  # largest send window seen
    "sendWl1": (32, 4, 0, 32),  # SND.WL1
    "cWnd": (36, 4, 0, 32),  # congestion window bytes
    "ssThresh": (40, 4, 0, 32),  # slow-start threshold bytes
    "sRtt": (44, 2, 0, 16),  # smoothed RTT, ticks x8
    "rttVar": (46, 2, 0, 16),  # RTT variance, ticks x4
    "tsRecent": (48, 4, 0, 32),  # TS.Recent
    "tsRecentAge": (52, 4, 0, 32),  # age of TS.Recent in ticks
    "tsTime": (56, 4, 0, 32),  # current adjusted timestamp
    "totalRt": (60, 4, 0, 32),  # ticks retransmitting the current segment
    "kaProbeCount": (64, 4, 0, 32),  # unanswered keepalive probes
    "kaTimeoutDelta": (68, 4, 0, 32),  # ticks to next keepalive timeout; 0xFFFFFFFF = not running
    "rtCount": (72, 4, 0, 32),  # retransmits sent
    "rtTimeoutDelta": (76, 4, 0, 32),  # ticks to next retransmit timeout; 0xFFFFFFFF = not running
    "sendBacklogSize": (80, 4, 0, 32),  # query: preferred outstanding send bytes
    "receiveBacklogSize": (84, 4, 0, 32),  # query: bytes buffered in the NIC
    "dWnd": (88, 4, 0, 32),  # NDIS 6.1 DWnd
}

CONN_STATE_BLOCK_BYTES = 32
CONN_STATE_BLOCK_FIELDS = {
    "neighborId": (0, 4, 0, 32),  # miniport-chosen id of the neighbor object (shared between connections), below the connections the card holds: the card keeps its reachability times (R70, R71) under it
    "pathId": (4, 4, 0, 32),  # miniport-chosen id of the path object
    "validMask": (8, 4, 0, 32),  # bit 0 neighbor, 1 path, 2 tcp const, 3 tcp cached, 4 tcp delegated present
}

LINK_HEADER_BYTES = 16
LINK_HEADER_FIELDS = {
    "type": (0, 1, 0, 8),  # LinkType
    "flags": (1, 1, 0, 8),  # bit 0: response to a request; bit 1, on TIME_ADVANCE over the simulator socket: stop after the cycle in which an interrupt fires
    "seq": (2, 2, 0, 16),  # sequence number, echoed in the response
    "length": (4, 4, 0, 32),  # payload bytes after this header
    "time": (8, 8, 0, 64),  # simulated cycle at which the message applies
}

LINK_MMIO_BYTES = 12
LINK_MMIO_FIELDS = {
    "addr": (0, 4, 0, 32),  # register byte address
    "value": (4, 4, 0, 32),  # value written or read
    "resp": (8, 1, 0, 8),  # AXI response: 0 OKAY, 2 SLVERR, 3 DECERR
}

LINK_DMA_BYTES = 20
LINK_DMA_FIELDS = {
    "addr": (0, 8, 0, 64),  # host address
    "length": (8, 4, 0, 32),  # bytes
    "tag": (12, 4, 0, 32),  # device tag, echoed
    "resp": (16, 1, 0, 8),  # AXI response of the host side
}

LINK_HELLO_BYTES = 16
LINK_HELLO_FIELDS = {
    "id": (0, 4, 0, 32),  # ID register
    "version": (4, 4, 0, 32),  # VERSION register
    "caps": (8, 4, 0, 32),  # CAPS register
    "clockHz": (12, 4, 0, 32),  # core clock frequency
}

LINK_STATS_BYTES = 20
LINK_STATS_FIELDS = {
    "rxPackets": (0, 4, 0, 32),  # good packets received
    "rxDropped": (4, 4, 0, 32),  # packets dropped: bad CRC, bad SLIP, too long, or a length that disagrees with the header
    "txPackets": (8, 4, 0, 32),  # packets sent, retransmissions and replayed responses included
    "retries": (12, 4, 0, 32),  # device requests (DMA, IRQ) sent again after their timeout
    "replays": (16, 4, 0, 32),  # host requests answered again from the stored response (a repeated sequence number)
}

LINK_IRQ_BYTES = 4
LINK_IRQ_FIELDS = {
    "vectors": (0, 4, 0, 32),  # bit v: vector v raised
}

LINK_WIRE_FRAME_BYTES = 4
LINK_WIRE_FRAME_FIELDS = {
    "port": (0, 1, 0, 8),  # wire port
    "direction": (1, 1, 0, 8),  # 0 into the NIC, 1 out of the NIC
    "aborted": (2, 1, 0, 8),  # 1: the NIC ended the frame with tuser set (not delivered); no frame bytes follow
}


def pack(fields: dict, values: dict, size: int) -> bytes:
    """Serialize values (field name -> int or bytes) with a *_FIELDS table; missing fields are zero."""
    buf = bytearray(size)
    for name, value in values.items():
        if name not in fields:
            raise KeyError(f"unknown field {name}")
        offset, nbytes, lsb, width = fields[name]
        if isinstance(value, (bytes, bytearray)):
            if len(value) != nbytes:
                raise ValueError(f"{name} needs {nbytes} bytes")
            buf[offset:offset + nbytes] = value
            continue
        word = int.from_bytes(buf[offset:offset + nbytes], "little")
        word |= (int(value) & ((1 << width) - 1)) << lsb
        buf[offset:offset + nbytes] = word.to_bytes(nbytes, "little")
    return bytes(buf)


def unpack(fields: dict, data: bytes) -> dict:
    """Parse bytes with a *_FIELDS table into field name -> int."""
    out = {}
    for name, (offset, nbytes, lsb, width) in fields.items():
        word = int.from_bytes(data[offset:offset + nbytes], "little")
        out[name] = (word >> lsb) & ((1 << width) - 1)
    return out
