// Generated from protocol/spec.ts by protocol/generate.ts. Do not edit.
// Include once per compilation unit; every name is a `define with the FLUE_ prefix.

`ifndef FLUE_CONTRACT_VH
`define FLUE_CONTRACT_VH

`define FLUE_VERSION_MAJOR                               1              // contract version
`define FLUE_VERSION_MINOR                               4              // contract version

// constants
`define FLUE_ID_MAGIC                                    1179407685     // value of the ID register: "FLUE" in ASCII
`define FLUE_REG_WIDTH_BYTES                             4              // every register is 32 bits wide
`define FLUE_REG_SPACE_BYTES                             4096           // size of the register window (AXI4-Lite address space)
`define FLUE_REQ_ENTRY_BYTES                             32             // size of one request descriptor
`define FLUE_CPL_ENTRY_BYTES                             32             // size of one completion/event entry
`define FLUE_RING_MIN_LOG2                               2              // smallest ring: 4 entries
`define FLUE_RING_MAX_LOG2                               16             // largest ring: 65536 entries
`define FLUE_ETH_MIN_FRAME                               14             // shortest frame a plain send accepts (an Ethernet header)
`define FLUE_ETH_MIN_WIRE_FRAME                          60             // the NIC pads shorter frames with zeros to this length (FCS excluded)
`define FLUE_ETH_MAX_FRAME                               1518           // longest frame without FCS: 1500-byte MTU plus header and one 802.1Q tag
`define FLUE_RX_BUFFER_MIN                               1518           // a plain receive buffer must hold the longest frame
`define FLUE_FORWARD_MAX                                 1484           // longest forwarded TCP segment: what a frame of ETH_MAX_FRAME holds after its Ethernet and IPv4 headers
`define FLUE_BUFFER_MAX                                  65536          // longest buffer one descriptor may name (64 KiB)
`define FLUE_DMA_ADDR_BITS                               48             // host addresses are 48 bits; higher bits set make a descriptor address bad
`define FLUE_IRQ_VECTORS                                 4              // interrupt vectors of the reference build
`define FLUE_IRQ_VEC_COMPLETION                          0              // vector raised for every completion or event entry written
`define FLUE_IRQ_VEC_FAULT                               1              // vector raised when a fault is recorded in FAULT_CAUSE
`define FLUE_IRQ_VEC_STATUS                              2              // vector for status indications (offload pause/resume, upload-all)
`define FLUE_CORE_CLOCK_HZ                               156250000      // reference core clock: 64-bit wire at 10 GbE
`define FLUE_WIRE_BYTES_PER_CYCLE                        8              // the wire is a 64-bit AXI4-Stream
`define FLUE_CONN_STATE_BYTES                            288            // size of the flat connection state block an initiate reads
`define FLUE_CONN_STATE_NEIGHBOR_OFFSET                  32             // NeighborState inside the connection state block
`define FLUE_CONN_STATE_PATH_OFFSET                      64             // PathState inside the connection state block
`define FLUE_CONN_STATE_TCP_CONST_OFFSET                 96             // TcpConstState inside the connection state block
`define FLUE_CONN_STATE_TCP_CACHED_OFFSET                128            // TcpCachedState inside the connection state block
`define FLUE_CONN_STATE_TCP_DELEGATED_OFFSET             160            // TcpDelegatedState inside the connection state block
`define FLUE_LINK_HEADER_BYTES                           16             // size of a link message header

// Opcode: request descriptor opcodes: the whole chimney operation set plus the plain L2 path
`define FLUE_OPCODE_WIDTH                                8              // bits
`define FLUE_OPCODE_NOP                                  8'd1           // completes at once with OK; exercises the rings
`define FLUE_OPCODE_L2_SEND                              8'd2           // send one plain frame from addr/length
`define FLUE_OPCODE_L2_RECV_POST                         8'd3           // post one plain receive buffer; completes when a frame fills it
`define FLUE_OPCODE_OFFLOAD_INITIATE                     8'd16          // install a connection from the state block at addr (MiniportInitiateOffload)
`define FLUE_OPCODE_OFFLOAD_TERMINATE                    8'd17          // upload: write delegated state to addr, free conn (MiniportTerminateOffload)
`define FLUE_OPCODE_OFFLOAD_UPDATE                       8'd18          // replace cached state from addr (MiniportUpdateOffload)
`define FLUE_OPCODE_OFFLOAD_QUERY                        8'd19          // write delegated state to addr (MiniportQueryOffload)
`define FLUE_OPCODE_OFFLOAD_INVALIDATE                   8'd20          // mark cached state of conn invalid (MiniportInvalidateOffload)
`define FLUE_OPCODE_NEIGHBOR_NRD                         8'd22          // the NicReachabilityDelta of neighbor id conn (ticks since forward progress on a connection through it, R70, R71) in the completion's length; for a query or terminate of the neighbor
`define FLUE_OPCODE_NEIGHBOR_REACH                       8'd21          // the host's HostReachabilityDelta (param, ticks) for neighbor id conn, its answer to NEIGHBOR_QUERY: HRT = now - HRD (R70)
`define FLUE_OPCODE_TCP_SEND                             8'd32          // send addr/length on conn; completes when every byte is acknowledged
`define FLUE_OPCODE_TCP_RECV_POST                        8'd33          // post a receive buffer for conn; filled in FIFO order
`define FLUE_OPCODE_TCP_DISCONNECT                       8'd34          // graceful (FIN after addr/length data) or abortive (flag) close
`define FLUE_OPCODE_TCP_FORWARD                          8'd35          // one TCP segment at addr/length (from the TCP header, 20 to FORWARD_MAX bytes) processed as if received
`define FLUE_OPCODE_TCP_RECV_RETURN                      8'd36          // lend the card a NIC buffer at addr/length, id in param (again after its indication); filled when a connection has no posted receive

// RequestFlag: bits of the request descriptor flags byte
`define FLUE_REQUEST_FLAG_WIDTH                          8              // bits
`define FLUE_REQUEST_FLAG_PUSH                           8'd1           // TCP_SEND: set PSH on the last segment of this send
`define FLUE_REQUEST_FLAG_NO_PUSH                        8'd2           // TCP_RECV_POST: complete only when full (no-push semantics)
`define FLUE_REQUEST_FLAG_ABORTIVE                       8'd4           // TCP_DISCONNECT: send RST instead of FIN

// EntryKind: kinds of entry in the completion ring
`define FLUE_ENTRY_KIND_WIDTH                            8              // bits
`define FLUE_ENTRY_KIND_COMPLETION                       8'd1           // completion of one request, named by tag
`define FLUE_ENTRY_KIND_EVENT                            8'd2           // an indication the device raised by itself

// CplStatus: status byte of a completion entry
`define FLUE_CPL_STATUS_WIDTH                            8              // bits
`define FLUE_CPL_STATUS_OK                               8'd0           // done
`define FLUE_CPL_STATUS_BAD_OPCODE                       8'd1           // the opcode is unknown
`define FLUE_CPL_STATUS_BAD_LENGTH                       8'd2           // length zero, too short or too long for the opcode
`define FLUE_CPL_STATUS_BAD_ADDRESS                      8'd3           // address zero, or addr+length beyond DMA_ADDR_BITS
`define FLUE_CPL_STATUS_DMA_ERROR                        8'd4           // the host bus answered an access with an error; see FAULT_*
`define FLUE_CPL_STATUS_ABORTED                          8'd5           // flushed by a reset, a disable or an abortive close
`define FLUE_CPL_STATUS_UNSUPPORTED                      8'd6           // a valid opcode this build does not implement
`define FLUE_CPL_STATUS_BAD_CONN                         8'd7           // conn names no offloaded connection
`define FLUE_CPL_STATUS_RESOURCES                        8'd8           // the connection table is full
`define FLUE_CPL_STATUS_UPLOAD_IN_PROGRESS               8'd9           // the connection is being terminated
`define FLUE_CPL_STATUS_INVALID_STATE                    8'd10          // not allowed in the connection state (receive post after FIN)
`define FLUE_CPL_STATUS_BAD_STATE_BLOCK                  8'd11          // the state block read at initiate or update failed validation
`define FLUE_CPL_STATUS_RETURNED                         8'd12          // a receive posted behind an out-of-order isle, handed back untouched: the driver fills it from the TCP_RECV_STASH data first and posts the rest again

// EventCode: opcode byte of an EVENT entry; 1..4 equal TCP_OFFLOAD_EVENT_TYPE
`define FLUE_EVENT_CODE_WIDTH                            8              // bits
`define FLUE_EVENT_CODE_TCP_SEND_BACKLOG                 8'd1           // info = preferred outstanding send bytes (TcpIndicateSendBacklogChange)
`define FLUE_EVENT_CODE_TCP_DISCONNECT                   8'd2           // FIN received and all earlier data consumed (TcpIndicateDisconnect)
`define FLUE_EVENT_CODE_TCP_RETRIEVE                     8'd3           // please upload; info = UploadReason (TcpIndicateRetrieve)
`define FLUE_EVENT_CODE_TCP_ABORT                        8'd4           // acceptable RST received (TcpIndicateAbort)
`define FLUE_EVENT_CODE_TCP_RECV_INDICATE                8'd5           // data in a NIC buffer: length bytes, buffer id in info
`define FLUE_EVENT_CODE_NEIGHBOR_QUERY                   8'd6           // neighbor reachability query (R70): conn = neighbor id, info = NicReachabilityDelta (ticks since forward progress on a connection through it)
`define FLUE_EVENT_CODE_OFFLOAD_PAUSE                    8'd7           // NDIS_STATUS_OFFLOAD_PAUSE
`define FLUE_EVENT_CODE_UPLOAD_ALL                       8'd8           // NDIS_STATUS_UPLOAD_ALL
`define FLUE_EVENT_CODE_OFFLOAD_RESUME                   8'd9           // NDIS_STATUS_OFFLOAD_RESUME
`define FLUE_EVENT_CODE_TCP_RECV_STASH                   8'd10          // data in a NIC buffer (length bytes, buffer id in info) for the receives the card hands back next (RETURNED): the driver keeps it and lends the buffer again

// UploadReason: TCP_UPLOAD_REASON values (ndischimney.h)
`define FLUE_UPLOAD_REASON_WIDTH                         32             // bits
`define FLUE_UPLOAD_REASON_LOW_ACTIVITY                  32'd1          // optional
`define FLUE_UPLOAD_REASON_HIGH_DROP_RATE                32'd2          // optional
`define FLUE_UPLOAD_REASON_SMALL_IO                      32'd3          // optional
`define FLUE_UPLOAD_REASON_NO_BUFFER_PREPOSTING          32'd4          // optional
`define FLUE_UPLOAD_REASON_RECEIVED_URGENT_DATA          32'd5          // mandatory
`define FLUE_UPLOAD_REASON_HIGH_FRAGMENTATION            32'd6          // optional
`define FLUE_UPLOAD_REASON_HIGH_OUT_OF_ORDER_PACKETS     32'd7          // optional
`define FLUE_UPLOAD_REASON_TIMEOUT_EXPIRATION            32'd8          // mandatory
`define FLUE_UPLOAD_REASON_INVALID_STATE                 32'd9          // mandatory
`define FLUE_UPLOAD_REASON_UPLOAD_REQUESTED              32'd10         // mandatory
`define FLUE_UPLOAD_REASON_HARDWARE_FAILURE              32'd11         // mandatory

// TcpState: TCP_OFFLOAD_CONNECTION_STATE (ndischimney.h values)
`define FLUE_TCP_STATE_WIDTH                             8              // bits
`define FLUE_TCP_STATE_CLOSED                            8'd0           // CLOSED
`define FLUE_TCP_STATE_LISTEN                            8'd1           // LISTEN
`define FLUE_TCP_STATE_SYN_SENT                          8'd2           // SYN_SENT
`define FLUE_TCP_STATE_SYN_RCVD                          8'd3           // SYN_RCVD
`define FLUE_TCP_STATE_ESTABLISHED                       8'd4           // ESTABLISHED
`define FLUE_TCP_STATE_FIN_WAIT_1                        8'd5           // FIN_WAIT_1
`define FLUE_TCP_STATE_FIN_WAIT_2                        8'd6           // FIN_WAIT_2
`define FLUE_TCP_STATE_CLOSE_WAIT                        8'd7           // CLOSE_WAIT
`define FLUE_TCP_STATE_CLOSING                           8'd8           // CLOSING
`define FLUE_TCP_STATE_LAST_ACK                          8'd9           // LAST_ACK
`define FLUE_TCP_STATE_TIME_WAIT                         8'd10          // TIME_WAIT

// FaultCause: bits of FAULT_CAUSE
`define FLUE_FAULT_CAUSE_WIDTH                           32             // bits
`define FLUE_FAULT_CAUSE_DMA_READ                        32'd1          // a DMA read got an error response
`define FLUE_FAULT_CAUSE_DMA_WRITE                       32'd2          // a DMA write got an error response
`define FLUE_FAULT_CAUSE_CPL_WRITE                       32'd4          // a completion entry could not be written: the queues stop until reset
`define FLUE_FAULT_CAUSE_REQ_FETCH                       32'd8          // a request descriptor could not be read: the queues stop until reset
`define FLUE_FAULT_CAUSE_RING_CONFIG                     32'd16         // enable with a ring size outside RING_MIN_LOG2..RING_MAX_LOG2 or a base not entry-aligned

// LinkType: link message types (serial bridge, simulator socket)
`define FLUE_LINK_TYPE_WIDTH                             8              // bits
`define FLUE_LINK_TYPE_HELLO                             8'd1           // host asks for identity
`define FLUE_LINK_TYPE_HELLO_REPLY                       8'd2           // identity, version, capabilities
`define FLUE_LINK_TYPE_MMIO_READ                         8'd3           // register read
`define FLUE_LINK_TYPE_MMIO_READ_REPLY                   8'd4           // register value
`define FLUE_LINK_TYPE_MMIO_WRITE                        8'd5           // register write
`define FLUE_LINK_TYPE_MMIO_WRITE_ACK                    8'd6           // register write done
`define FLUE_LINK_TYPE_DMA_READ                          8'd7           // device reads host memory
`define FLUE_LINK_TYPE_DMA_READ_REPLY                    8'd8           // the bytes read, or an error
`define FLUE_LINK_TYPE_DMA_WRITE                         8'd9           // device writes host memory
`define FLUE_LINK_TYPE_DMA_WRITE_ACK                     8'd10          // write done, or an error
`define FLUE_LINK_TYPE_IRQ                               8'd11          // interrupt vectors raised
`define FLUE_LINK_TYPE_WIRE_FRAME                        8'd12          // an Ethernet frame on a wire port
`define FLUE_LINK_TYPE_TIME_ADVANCE                      8'd13          // run until the given simulated cycle
`define FLUE_LINK_TYPE_TIME_REACHED                      8'd14          // the simulator reached the cycle
`define FLUE_LINK_TYPE_RESET                             8'd15          // assert the core reset
`define FLUE_LINK_TYPE_ERROR                             8'd16          // the peer could not serve a message
`define FLUE_LINK_TYPE_LINK_STATS                        8'd17          // host asks for the bridge's link counters; the response carries LinkStats

// registers: byte offsets (12-bit), reset values, fields
`define FLUE_REG_ID                                      12'h000        // ro: identity: ID_MAGIC
`define FLUE_REG_ID_RESET                                32'h464c5545   // reset value
`define FLUE_REG_VERSION                                 12'h004        // ro: contract version the RTL was built from
`define FLUE_REG_VERSION_RESET                           32'h00010004   // reset value
`define FLUE_REG_VERSION_MINOR_LSB                       0              // compatible additions
`define FLUE_REG_VERSION_MINOR_WIDTH                     16             // bits
`define FLUE_REG_VERSION_MAJOR_LSB                       16             // incompatible changes
`define FLUE_REG_VERSION_MAJOR_WIDTH                     16             // bits
`define FLUE_REG_CAPS                                    12'h008        // ro: capabilities of this build (reset value: the reference build, TOE included)
`define FLUE_REG_CAPS_RESET                              32'h10040407   // reset value
`define FLUE_REG_CAPS_L2_LSB                             0              // plain frame path
`define FLUE_REG_CAPS_L2_WIDTH                           1              // bits
`define FLUE_REG_CAPS_TOE_LSB                            1              // TCP offload engine
`define FLUE_REG_CAPS_TOE_WIDTH                          1              // bits
`define FLUE_REG_CAPS_IRQ_MODERATION_LSB                 2              // per-vector count and time moderation
`define FLUE_REG_CAPS_IRQ_MODERATION_WIDTH               1              // bits
`define FLUE_REG_CAPS_IRQ_VECTORS_LSB                    8              // number of interrupt vectors
`define FLUE_REG_CAPS_IRQ_VECTORS_WIDTH                  8              // bits
`define FLUE_REG_CAPS_DMA_BYTES_LOG2_LSB                 16             // log2 of the DMA data width in bytes
`define FLUE_REG_CAPS_DMA_BYTES_LOG2_WIDTH               4              // bits
`define FLUE_REG_CAPS_RING_MAX_LOG2_LSB                  24             // largest ring size supported, log2
`define FLUE_REG_CAPS_RING_MAX_LOG2_WIDTH                5              // bits
`define FLUE_REG_MAX_CONNS                               12'h00c        // ro: offloaded connections the TOE holds (0 without TOE; reset value: the reference build)
`define FLUE_REG_MAX_CONNS_RESET                         32'h00000400   // reset value
`define FLUE_REG_MAX_FRAME                               12'h010        // ro: longest plain frame, FCS excluded
`define FLUE_REG_MAX_FRAME_RESET                         32'h000005ee   // reset value
`define FLUE_REG_SEND_ENTRIES                            12'h014        // ro: send and graceful-disconnect requests the TOE holds at once across all connections (0 without TOE)
`define FLUE_REG_SEND_ENTRIES_RESET                      32'h00000800   // reset value
`define FLUE_REG_CTRL                                    12'h020        // rw: control
`define FLUE_REG_CTRL_RESET                              32'h00000000   // reset value
`define FLUE_REG_CTRL_ENABLE_LSB                         0              // queues run; rising edge resets ring indices and phase
`define FLUE_REG_CTRL_ENABLE_WIDTH                       1              // bits
`define FLUE_REG_CTRL_SOFT_RESET_LSB                     1              // write 1: return every block to its reset state (self-clearing)
`define FLUE_REG_CTRL_SOFT_RESET_WIDTH                   1              // bits
`define FLUE_REG_STATUS                                  12'h024        // ro: status, live (reset value: READY and IDLE after reset)
`define FLUE_REG_STATUS_RESET                            32'h00000009   // reset value
`define FLUE_REG_STATUS_READY_LSB                        0              // out of reset, registers may be programmed
`define FLUE_REG_STATUS_READY_WIDTH                      1              // bits
`define FLUE_REG_STATUS_ENABLED_LSB                      1              // queues running
`define FLUE_REG_STATUS_ENABLED_WIDTH                    1              // bits
`define FLUE_REG_STATUS_FAULT_LSB                        2              // FAULT_CAUSE is non-zero
`define FLUE_REG_STATUS_FAULT_WIDTH                      1              // bits
`define FLUE_REG_STATUS_IDLE_LSB                         3              // no DMA transfer or frame in flight
`define FLUE_REG_STATUS_IDLE_WIDTH                       1              // bits
`define FLUE_REG_MAC_LO                                  12'h028        // rw: interface MAC address bytes 0..3 (byte 0 in bits 7:0)
`define FLUE_REG_MAC_LO_RESET                            32'h00000000   // reset value
`define FLUE_REG_MAC_HI                                  12'h02c        // rw: interface MAC address bytes 4..5 in bits 15:0
`define FLUE_REG_MAC_HI_RESET                            32'h00000000   // reset value
`define FLUE_REG_TICK_DIV                                12'h030        // rw: core cycles per TOE timer tick (reset: 1 ms at 156.25 MHz)
`define FLUE_REG_TICK_DIV_RESET                          32'h0002625a   // reset value
`define FLUE_REG_TIMESTAMP_LO                            12'h034        // ro: free-running cycle counter, low word; reading it latches the high word
`define FLUE_REG_TIMESTAMP_LO_RESET                      32'h00000000   // reset value
`define FLUE_REG_TIMESTAMP_HI                            12'h038        // ro: high word latched by the last TIMESTAMP_LO read
`define FLUE_REG_TIMESTAMP_HI_RESET                      32'h00000000   // reset value
`define FLUE_REG_REQ_BASE_LO                             12'h040        // rw: request ring base address, low word (entry-aligned)
`define FLUE_REG_REQ_BASE_LO_RESET                       32'h00000000   // reset value
`define FLUE_REG_REQ_BASE_HI                             12'h044        // rw: request ring base address, high word
`define FLUE_REG_REQ_BASE_HI_RESET                       32'h00000000   // reset value
`define FLUE_REG_REQ_SIZE_LOG2                           12'h048        // rw: request ring entries, log2
`define FLUE_REG_REQ_SIZE_LOG2_RESET                     32'h00000000   // reset value
`define FLUE_REG_REQ_TAIL                                12'h04c        // rw: doorbell: index of the next entry the host will fill (producer)
`define FLUE_REG_REQ_TAIL_RESET                          32'h00000000   // reset value
`define FLUE_REG_REQ_HEAD                                12'h050        // ro: index of the next entry the device will fetch (consumer)
`define FLUE_REG_REQ_HEAD_RESET                          32'h00000000   // reset value
`define FLUE_REG_CPL_BASE_LO                             12'h060        // rw: completion ring base address, low word (entry-aligned)
`define FLUE_REG_CPL_BASE_LO_RESET                       32'h00000000   // reset value
`define FLUE_REG_CPL_BASE_HI                             12'h064        // rw: completion ring base address, high word
`define FLUE_REG_CPL_BASE_HI_RESET                       32'h00000000   // reset value
`define FLUE_REG_CPL_SIZE_LOG2                           12'h068        // rw: completion ring entries, log2
`define FLUE_REG_CPL_SIZE_LOG2_RESET                     32'h00000000   // reset value
`define FLUE_REG_CPL_HEAD                                12'h06c        // rw: doorbell: index of the next entry the host will consume
`define FLUE_REG_CPL_HEAD_RESET                          32'h00000000   // reset value
`define FLUE_REG_CPL_TAIL                                12'h070        // ro: index of the next entry the device will write (producer)
`define FLUE_REG_CPL_TAIL_RESET                          32'h00000000   // reset value
`define FLUE_REG_IRQ_STATUS                              12'h080        // w1c: bit v: vector v fired since last cleared
`define FLUE_REG_IRQ_STATUS_RESET                        32'h00000000   // reset value
`define FLUE_REG_IRQ_MASK                                12'h084        // rw: bit v set: vector v never fires
`define FLUE_REG_IRQ_MASK_RESET                          32'h0000000f   // reset value
`define FLUE_REG_IRQ_ARM                                 12'h088        // wo: write bit v: re-arm vector v (a vector fires once, then waits to be re-armed)
`define FLUE_REG_IRQ_ARM_RESET                           32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_COUNT_0                         12'h0a0        // rw: vector 0 fires once this many events are pending (0 and 1 both mean every event)
`define FLUE_REG_IRQ_MOD_COUNT_0_RESET                   32'h00000001   // reset value
`define FLUE_REG_IRQ_MOD_TIME_0                          12'h0a4        // rw: vector 0 fires this many core cycles after its first pending event even below the count (0 = no time limit)
`define FLUE_REG_IRQ_MOD_TIME_0_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_COUNT_1                         12'h0a8        // rw: vector 1 fires once this many events are pending (0 and 1 both mean every event)
`define FLUE_REG_IRQ_MOD_COUNT_1_RESET                   32'h00000001   // reset value
`define FLUE_REG_IRQ_MOD_TIME_1                          12'h0ac        // rw: vector 1 fires this many core cycles after its first pending event even below the count (0 = no time limit)
`define FLUE_REG_IRQ_MOD_TIME_1_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_COUNT_2                         12'h0b0        // rw: vector 2 fires once this many events are pending (0 and 1 both mean every event)
`define FLUE_REG_IRQ_MOD_COUNT_2_RESET                   32'h00000001   // reset value
`define FLUE_REG_IRQ_MOD_TIME_2                          12'h0b4        // rw: vector 2 fires this many core cycles after its first pending event even below the count (0 = no time limit)
`define FLUE_REG_IRQ_MOD_TIME_2_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_COUNT_3                         12'h0b8        // rw: vector 3 fires once this many events are pending (0 and 1 both mean every event)
`define FLUE_REG_IRQ_MOD_COUNT_3_RESET                   32'h00000001   // reset value
`define FLUE_REG_IRQ_MOD_TIME_3                          12'h0bc        // rw: vector 3 fires this many core cycles after its first pending event even below the count (0 = no time limit)
`define FLUE_REG_IRQ_MOD_TIME_3_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_IDLE_0                          12'h090        // rw: vector 0 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
`define FLUE_REG_IRQ_MOD_IDLE_0_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_IDLE_1                          12'h094        // rw: vector 1 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
`define FLUE_REG_IRQ_MOD_IDLE_1_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_IDLE_2                          12'h098        // rw: vector 2 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
`define FLUE_REG_IRQ_MOD_IDLE_2_RESET                    32'h00000000   // reset value
`define FLUE_REG_IRQ_MOD_IDLE_3                          12'h09c        // rw: vector 3 fires once no event has come for this many core cycles, events pending even below the count (0 = off): the last of a burst is not held for IRQ_MOD_TIME
`define FLUE_REG_IRQ_MOD_IDLE_3_RESET                    32'h00000000   // reset value
`define FLUE_REG_FAULT_CAUSE                             12'h0c0        // w1c: sticky FaultCause bits
`define FLUE_REG_FAULT_CAUSE_RESET                       32'h00000000   // reset value
`define FLUE_REG_FAULT_ADDR_LO                           12'h0c4        // ro: address of the first faulting DMA since FAULT_CAUSE was clear, low word
`define FLUE_REG_FAULT_ADDR_LO_RESET                     32'h00000000   // reset value
`define FLUE_REG_FAULT_ADDR_HI                           12'h0c8        // ro: high word of that address
`define FLUE_REG_FAULT_ADDR_HI_RESET                     32'h00000000   // reset value
`define FLUE_REG_STATS_CLEAR                             12'h0fc        // wo: write 1: zero every STAT_* counter
`define FLUE_REG_STATS_CLEAR_RESET                       32'h00000000   // reset value
`define FLUE_REG_STAT_REQ_FETCHED                        12'h100        // ro: request descriptors fetched (32 bits, wraps)
`define FLUE_REG_STAT_REQ_FETCHED_RESET                  32'h00000000   // reset value
`define FLUE_REG_STAT_CPL_WRITTEN                        12'h104        // ro: completion and event entries written (32 bits, wraps)
`define FLUE_REG_STAT_CPL_WRITTEN_RESET                  32'h00000000   // reset value
`define FLUE_REG_STAT_TX_FRAMES                          12'h108        // ro: plain frames sent on the wire (32 bits, wraps)
`define FLUE_REG_STAT_TX_FRAMES_RESET                    32'h00000000   // reset value
`define FLUE_REG_STAT_TX_BYTES                           12'h10c        // ro: bytes of plain frames sent (padding included) (32 bits, wraps)
`define FLUE_REG_STAT_TX_BYTES_RESET                     32'h00000000   // reset value
`define FLUE_REG_STAT_RX_FRAMES                          12'h110        // ro: frames received from the wire into host buffers (32 bits, wraps)
`define FLUE_REG_STAT_RX_FRAMES_RESET                    32'h00000000   // reset value
`define FLUE_REG_STAT_RX_BYTES                           12'h114        // ro: bytes received into host buffers (32 bits, wraps)
`define FLUE_REG_STAT_RX_BYTES_RESET                     32'h00000000   // reset value
`define FLUE_REG_STAT_RX_DROP_NO_BUFFER                  12'h118        // ro: frames dropped because no receive buffer was posted (32 bits, wraps)
`define FLUE_REG_STAT_RX_DROP_NO_BUFFER_RESET            32'h00000000   // reset value
`define FLUE_REG_STAT_RX_DROP_OVERFLOW                   12'h11c        // ro: frames dropped because the receive FIFO was full (32 bits, wraps)
`define FLUE_REG_STAT_RX_DROP_OVERFLOW_RESET             32'h00000000   // reset value
`define FLUE_REG_STAT_RX_ERRORS                          12'h120        // ro: frames dropped as runts or longer than ETH_MAX_FRAME (32 bits, wraps)
`define FLUE_REG_STAT_RX_ERRORS_RESET                    32'h00000000   // reset value
`define FLUE_REG_STAT_BAD_DESC                           12'h124        // ro: descriptors completed with BAD_OPCODE, BAD_LENGTH, BAD_ADDRESS or UNSUPPORTED (32 bits, wraps)
`define FLUE_REG_STAT_BAD_DESC_RESET                     32'h00000000   // reset value
`define FLUE_REG_STAT_DMA_ERRORS                         12'h128        // ro: DMA transfers answered with an error (32 bits, wraps)
`define FLUE_REG_STAT_DMA_ERRORS_RESET                   32'h00000000   // reset value
`define FLUE_REG_STAT_IRQS                               12'h12c        // ro: interrupts raised, all vectors (32 bits, wraps)
`define FLUE_REG_STAT_IRQS_RESET                         32'h00000000   // reset value
`define FLUE_REG_STAT_TOE_RX_SEGMENTS                    12'h130        // ro: segments of offloaded connections the TOE took from the wire (and forwards) (32 bits, wraps)
`define FLUE_REG_STAT_TOE_RX_SEGMENTS_RESET              32'h00000000   // reset value
`define FLUE_REG_STAT_TOE_RX_DROPPED                     12'h134        // ro: segments of offloaded connections dropped for want of room before the engine (32 bits, wraps)
`define FLUE_REG_STAT_TOE_RX_DROPPED_RESET               32'h00000000   // reset value
`define FLUE_REG_STAT_TOE_RX_CSUM_ERRORS                 12'h138        // ro: segments of offloaded connections dropped for a bad TCP checksum (32 bits, wraps)
`define FLUE_REG_STAT_TOE_RX_CSUM_ERRORS_RESET           32'h00000000   // reset value
`define FLUE_REG_STAT_TOE_TX_SEGMENTS                    12'h13c        // ro: segments the TOE sent (32 bits, wraps)
`define FLUE_REG_STAT_TOE_TX_SEGMENTS_RESET              32'h00000000   // reset value
`define FLUE_REG_STAT_TOE_RETRANSMITS                    12'h140        // ro: segments the TOE sent again (32 bits, wraps)
`define FLUE_REG_STAT_TOE_RETRANSMITS_RESET              32'h00000000   // reset value
`define FLUE_REG_TCP_ACK_FREQUENCY                       12'h200        // rw: TcpAckFrequency: segments received before an ACK
`define FLUE_REG_TCP_ACK_FREQUENCY_RESET                 32'h00000002   // reset value
`define FLUE_REG_TCP_DELAYED_ACK_TICKS                   12'h204        // rw: TcpDelayedAckTicks
`define FLUE_REG_TCP_DELAYED_ACK_TICKS_RESET             32'h000000c8   // reset value
`define FLUE_REG_TCP_MAX_RETRANSMISSIONS                 12'h208        // rw: TcpMaximumRetransmissions
`define FLUE_REG_TCP_MAX_RETRANSMISSIONS_RESET           32'h00000005   // reset value
`define FLUE_REG_TCP_DOUBT_REACH_RETRANS                 12'h20c        // rw: TcpDoubtReachabilityRetransmissions
`define FLUE_REG_TCP_DOUBT_REACH_RETRANS_RESET           32'h00000003   // reset value
`define FLUE_REG_TCP_SWS_PREVENTION_TICKS                12'h210        // rw: TcpSwsPreventionTicks
`define FLUE_REG_TCP_SWS_PREVENTION_TICKS_RESET          32'h000003e8   // reset value
`define FLUE_REG_TCP_DUP_ACK_THRESHOLD                   12'h214        // rw: TcpDuplicateAckThreshold
`define FLUE_REG_TCP_DUP_ACK_THRESHOLD_RESET             32'h00000003   // reset value
`define FLUE_REG_TCP_PUSH_TICKS                          12'h218        // rw: TcpPushTicks
`define FLUE_REG_TCP_PUSH_TICKS_RESET                    32'h000001f4   // reset value
`define FLUE_REG_NCE_STALE_TICKS                         12'h21c        // rw: NceStaleTicks
`define FLUE_REG_NCE_STALE_TICKS_RESET                   32'h000003e8   // reset value
`define FLUE_REG_TCP_MIN_RTO_TICKS                       12'h220        // rw: lower bound of the retransmission timeout (RFC 6298 (2.4)); the host sets it for its tick rate
`define FLUE_REG_TCP_MIN_RTO_TICKS_RESET                 32'h000000c8   // reset value
`define FLUE_REG_TCP_MAX_RTO_TICKS                       12'h224        // rw: upper bound of the retransmission timeout, backoff included
`define FLUE_REG_TCP_MAX_RTO_TICKS_RESET                 32'h0000ea60   // reset value
`define FLUE_REG_TCP_FIN_WAIT_2_TICKS                    12'h228        // rw: FIN_WAIT_2 timer (R82): ticks without an acceptable segment before the upload request; the host sets 120 s for its tick rate
`define FLUE_REG_TCP_FIN_WAIT_2_TICKS_RESET              32'h0001d4c0   // reset value

// ReqDesc: request descriptor, written by the host into the request ring; byte 0 is bits [7:0]
`define FLUE_REQ_DESC_BYTES                              32             // bytes
`define FLUE_REQ_DESC_BITS                               256            // bits
`define FLUE_REQ_DESC_OPCODE_LSB                         0              // Opcode
`define FLUE_REQ_DESC_OPCODE_WIDTH                       8              // bits
`define FLUE_REQ_DESC_FLAGS_LSB                          8              // RequestFlag bits
`define FLUE_REQ_DESC_FLAGS_WIDTH                        8              // bits
`define FLUE_REQ_DESC_RESERVED0_LSB                      16             // zero
`define FLUE_REQ_DESC_RESERVED0_WIDTH                    16             // bits
`define FLUE_REQ_DESC_TAG_LSB                            32             // host cookie, echoed in the completion
`define FLUE_REQ_DESC_TAG_WIDTH                          32             // bits
`define FLUE_REQ_DESC_ADDR_LSB                           64             // buffer or state-block address in host memory
`define FLUE_REQ_DESC_ADDR_WIDTH                         64             // bits
`define FLUE_REQ_DESC_LENGTH_LSB                         128            // buffer length in bytes
`define FLUE_REQ_DESC_LENGTH_WIDTH                       32             // bits
`define FLUE_REQ_DESC_CONN_LSB                           160            // offloaded connection id (TCP and offload opcodes)
`define FLUE_REQ_DESC_CONN_WIDTH                         32             // bits
`define FLUE_REQ_DESC_PARAM_LSB                          192            // opcode-specific: second address or value
`define FLUE_REQ_DESC_PARAM_WIDTH                        64             // bits

// CplEntry: completion or event entry, written by the device into the completion ring; byte 0 is bits [7:0]
`define FLUE_CPL_ENTRY_BYTES                             32             // bytes
`define FLUE_CPL_ENTRY_BITS                              256            // bits
`define FLUE_CPL_ENTRY_KIND_LSB                          0              // EntryKind
`define FLUE_CPL_ENTRY_KIND_WIDTH                        8              // bits
`define FLUE_CPL_ENTRY_OPCODE_LSB                        8              // Opcode of the request, or EventCode
`define FLUE_CPL_ENTRY_OPCODE_WIDTH                      8              // bits
`define FLUE_CPL_ENTRY_STATUS_LSB                        16             // CplStatus
`define FLUE_CPL_ENTRY_STATUS_WIDTH                      8              // bits
`define FLUE_CPL_ENTRY_PHASE_LSB                         24             // flips on each pass over the ring; 1 on the first
`define FLUE_CPL_ENTRY_PHASE_WIDTH                       1              // bits
`define FLUE_CPL_ENTRY_TAG_LSB                           32             // tag of the request
`define FLUE_CPL_ENTRY_TAG_WIDTH                         32             // bits
`define FLUE_CPL_ENTRY_LENGTH_LSB                        64             // bytes transferred (frame length for L2_RECV_POST)
`define FLUE_CPL_ENTRY_LENGTH_WIDTH                      32             // bits
`define FLUE_CPL_ENTRY_CONN_LSB                          96             // connection id
`define FLUE_CPL_ENTRY_CONN_WIDTH                        32             // bits
`define FLUE_CPL_ENTRY_REQ_HEAD_LSB                      128            // request ring consumer index when this entry was written
`define FLUE_CPL_ENTRY_REQ_HEAD_WIDTH                    16             // bits
`define FLUE_CPL_ENTRY_RESERVED0_LSB                     144            // zero
`define FLUE_CPL_ENTRY_RESERVED0_WIDTH                   16             // bits
`define FLUE_CPL_ENTRY_INFO_LSB                          160            // event information (UploadReason, backlog bytes, buffer id)
`define FLUE_CPL_ENTRY_INFO_WIDTH                        32             // bits
`define FLUE_CPL_ENTRY_TIMESTAMP_LSB                     192            // core cycle at which the entry was written
`define FLUE_CPL_ENTRY_TIMESTAMP_WIDTH                   64             // bits

// NeighborState: neighbor offload state: const, cached, delegated (NEIGHBOR_OFFLOAD_STATE_*); byte 0 is bits [7:0]
`define FLUE_NEIGHBOR_STATE_BYTES                        32             // bytes
`define FLUE_NEIGHBOR_STATE_BITS                         256            // bits
`define FLUE_NEIGHBOR_STATE_DL_SOURCE_ADDRESS_LSB        0              // const: source MAC override, zero = interface MAC
`define FLUE_NEIGHBOR_STATE_DL_SOURCE_ADDRESS_WIDTH      48             // bits
`define FLUE_NEIGHBOR_STATE_VLAN_ID_LSB                  48             // const: VLAN id, 0 = none
`define FLUE_NEIGHBOR_STATE_VLAN_ID_WIDTH                12             // bits
`define FLUE_NEIGHBOR_STATE_DL_DESTINATION_ADDRESS_LSB   64             // cached: next-hop MAC
`define FLUE_NEIGHBOR_STATE_DL_DESTINATION_ADDRESS_WIDTH 48             // bits
`define FLUE_NEIGHBOR_STATE_HOST_REACHABILITY_DELTA_LSB  128            // cached: HRD in ticks
`define FLUE_NEIGHBOR_STATE_HOST_REACHABILITY_DELTA_WIDTH 32             // bits
`define FLUE_NEIGHBOR_STATE_NIC_REACHABILITY_DELTA_LSB   160            // delegated: NRD in ticks
`define FLUE_NEIGHBOR_STATE_NIC_REACHABILITY_DELTA_WIDTH 32             // bits

// PathState: IPv4 path offload state (PATH_OFFLOAD_STATE_*); byte 0 is bits [7:0]
`define FLUE_PATH_STATE_BYTES                            32             // bytes
`define FLUE_PATH_STATE_BITS                             256            // bits
`define FLUE_PATH_STATE_SOURCE_ADDRESS_LSB               0              // const: IPv4 source, network byte order in memory
`define FLUE_PATH_STATE_SOURCE_ADDRESS_WIDTH             32             // bits
`define FLUE_PATH_STATE_DESTINATION_ADDRESS_LSB          32             // const: IPv4 destination, network byte order in memory
`define FLUE_PATH_STATE_DESTINATION_ADDRESS_WIDTH        32             // bits
`define FLUE_PATH_STATE_PATH_MTU_LSB                     64             // cached: path MTU
`define FLUE_PATH_STATE_PATH_MTU_WIDTH                   32             // bits

// TcpConstState: TCP_OFFLOAD_STATE_CONST; byte 0 is bits [7:0]
`define FLUE_TCP_CONST_STATE_BYTES                       32             // bytes
`define FLUE_TCP_CONST_STATE_BITS                        256            // bits
`define FLUE_TCP_CONST_STATE_FLAGS_LSB                   0              // TIMESTAMP_ENABLED 1, SACK_ENABLED 2, WINDOW_SCALING_ENABLED 4
`define FLUE_TCP_CONST_STATE_FLAGS_WIDTH                 16             // bits
`define FLUE_TCP_CONST_STATE_REMOTE_PORT_LSB             16             // host byte order
`define FLUE_TCP_CONST_STATE_REMOTE_PORT_WIDTH           16             // bits
`define FLUE_TCP_CONST_STATE_LOCAL_PORT_LSB              32             // host byte order
`define FLUE_TCP_CONST_STATE_LOCAL_PORT_WIDTH            16             // bits
`define FLUE_TCP_CONST_STATE_SND_WIND_SCALE_LSB          48             // send window scale
`define FLUE_TCP_CONST_STATE_SND_WIND_SCALE_WIDTH        4              // bits
`define FLUE_TCP_CONST_STATE_RCV_WIND_SCALE_LSB          52             // receive window scale
`define FLUE_TCP_CONST_STATE_RCV_WIND_SCALE_WIDTH        4              // bits
`define FLUE_TCP_CONST_STATE_REMOTE_MSS_LSB              64             // MSS the peer advertised
`define FLUE_TCP_CONST_STATE_REMOTE_MSS_WIDTH            16             // bits
`define FLUE_TCP_CONST_STATE_HASH_VALUE_LSB              96             // RSS hash computed by the host
`define FLUE_TCP_CONST_STATE_HASH_VALUE_WIDTH            32             // bits

// TcpCachedState: TCP_OFFLOAD_STATE_CACHED; byte 0 is bits [7:0]
`define FLUE_TCP_CACHED_STATE_BYTES                      32             // bytes
`define FLUE_TCP_CACHED_STATE_BITS                       256            // bits
`define FLUE_TCP_CACHED_STATE_FLAGS_LSB                  0              // KEEP_ALIVE_ENABLED 1, NAGLING 2, KEEP_ALIVE_RESTART 4, MAX_RT_RESTART 8, UPDATE_RCV_WND 0x10
`define FLUE_TCP_CACHED_STATE_FLAGS_WIDTH                16             // bits
`define FLUE_TCP_CACHED_STATE_TTL_LSB                    16             // TtlOrHopLimit
`define FLUE_TCP_CACHED_STATE_TTL_WIDTH                  8              // bits
`define FLUE_TCP_CACHED_STATE_TOS_LSB                    24             // TosOrTrafficClass
`define FLUE_TCP_CACHED_STATE_TOS_WIDTH                  8              // bits
`define FLUE_TCP_CACHED_STATE_INITIAL_RCV_WND_LSB        32             // default receive window
`define FLUE_TCP_CACHED_STATE_INITIAL_RCV_WND_WIDTH      32             // bits
`define FLUE_TCP_CACHED_STATE_RCV_INDICATION_SIZE_LSB    64             // preferred bytes per receive indication
`define FLUE_TCP_CACHED_STATE_RCV_INDICATION_SIZE_WIDTH  32             // bits
`define FLUE_TCP_CACHED_STATE_KA_PROBE_COUNT_LSB         96             // keepalive probes
`define FLUE_TCP_CACHED_STATE_KA_PROBE_COUNT_WIDTH       8              // bits
`define FLUE_TCP_CACHED_STATE_USER_PRIORITY_LSB          104            // 802.1p priority
`define FLUE_TCP_CACHED_STATE_USER_PRIORITY_WIDTH        3              // bits
`define FLUE_TCP_CACHED_STATE_KA_TIMEOUT_LSB             128            // ticks idle before the first keepalive
`define FLUE_TCP_CACHED_STATE_KA_TIMEOUT_WIDTH           32             // bits
`define FLUE_TCP_CACHED_STATE_KA_INTERVAL_LSB            160            // ticks between keepalive probes
`define FLUE_TCP_CACHED_STATE_KA_INTERVAL_WIDTH          32             // bits
`define FLUE_TCP_CACHED_STATE_MAX_RT_LSB                 192            // ticks retransmitting one segment; 0 = use count, 0xFFFFFFFF = no limit
`define FLUE_TCP_CACHED_STATE_MAX_RT_WIDTH               32             // bits
`define FLUE_TCP_CACHED_STATE_FLOW_LABEL_LSB             224            // IPv6 flow label (unused for IPv4)
`define FLUE_TCP_CACHED_STATE_FLOW_LABEL_WIDTH           20             // bits

// TcpDelegatedState: TCP_OFFLOAD_STATE_DELEGATED; SRtt x8 and RttVar x4 as exchanged by NDIS; byte 0 is bits [7:0]
`define FLUE_TCP_DELEGATED_STATE_BYTES                   128            // bytes
`define FLUE_TCP_DELEGATED_STATE_BITS                    1024           // bits
`define FLUE_TCP_DELEGATED_STATE_STATE_LSB               0              // TcpState
`define FLUE_TCP_DELEGATED_STATE_STATE_WIDTH             8              // bits
`define FLUE_TCP_DELEGATED_STATE_FLAGS_LSB               8              // reserved
`define FLUE_TCP_DELEGATED_STATE_FLAGS_WIDTH             8              // bits
`define FLUE_TCP_DELEGATED_STATE_DUP_ACK_COUNT_LSB       16             // duplicate ACKs for the same sequence
`define FLUE_TCP_DELEGATED_STATE_DUP_ACK_COUNT_WIDTH     8              // bits
`define FLUE_TCP_DELEGATED_STATE_SND_WND_PROBE_COUNT_LSB 24             // persist round
`define FLUE_TCP_DELEGATED_STATE_SND_WND_PROBE_COUNT_WIDTH 8              // bits
`define FLUE_TCP_DELEGATED_STATE_RCV_NXT_LSB             32             // RCV.NXT
`define FLUE_TCP_DELEGATED_STATE_RCV_NXT_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_RCV_WND_LSB             64             // RCV.WND bytes
`define FLUE_TCP_DELEGATED_STATE_RCV_WND_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_SND_UNA_LSB             96             // SND.UNA
`define FLUE_TCP_DELEGATED_STATE_SND_UNA_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_SND_NXT_LSB             128            // SND.NXT
`define FLUE_TCP_DELEGATED_STATE_SND_NXT_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_SND_MAX_LSB             160            // highest sequence sent
`define FLUE_TCP_DELEGATED_STATE_SND_MAX_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_SND_WND_LSB             192            // SND.WND bytes
`define FLUE_TCP_DELEGATED_STATE_SND_WND_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_MAX_SND_WND_LSB         224            // largest send window seen
`define FLUE_TCP_DELEGATED_STATE_MAX_SND_WND_WIDTH       32             // bits
`define FLUE_TCP_DELEGATED_STATE_SEND_WL1_LSB            256            // SND.WL1
`define FLUE_TCP_DELEGATED_STATE_SEND_WL1_WIDTH          32             // bits
`define FLUE_TCP_DELEGATED_STATE_C_WND_LSB               288            // congestion window bytes
`define FLUE_TCP_DELEGATED_STATE_C_WND_WIDTH             32             // bits
`define FLUE_TCP_DELEGATED_STATE_SS_THRESH_LSB           320            // slow-start threshold bytes
`define FLUE_TCP_DELEGATED_STATE_SS_THRESH_WIDTH         32             // bits
`define FLUE_TCP_DELEGATED_STATE_S_RTT_LSB               352            // smoothed RTT, ticks x8
`define FLUE_TCP_DELEGATED_STATE_S_RTT_WIDTH             16             // bits
`define FLUE_TCP_DELEGATED_STATE_RTT_VAR_LSB             368            // RTT variance, ticks x4
`define FLUE_TCP_DELEGATED_STATE_RTT_VAR_WIDTH           16             // bits
`define FLUE_TCP_DELEGATED_STATE_TS_RECENT_LSB           384            // TS.Recent
`define FLUE_TCP_DELEGATED_STATE_TS_RECENT_WIDTH         32             // bits
`define FLUE_TCP_DELEGATED_STATE_TS_RECENT_AGE_LSB       416            // age of TS.Recent in ticks
`define FLUE_TCP_DELEGATED_STATE_TS_RECENT_AGE_WIDTH     32             // bits
`define FLUE_TCP_DELEGATED_STATE_TS_TIME_LSB             448            // current adjusted timestamp
`define FLUE_TCP_DELEGATED_STATE_TS_TIME_WIDTH           32             // bits
`define FLUE_TCP_DELEGATED_STATE_TOTAL_RT_LSB            480            // ticks retransmitting the current segment
`define FLUE_TCP_DELEGATED_STATE_TOTAL_RT_WIDTH          32             // bits
`define FLUE_TCP_DELEGATED_STATE_KA_PROBE_COUNT_LSB      512            // unanswered keepalive probes
`define FLUE_TCP_DELEGATED_STATE_KA_PROBE_COUNT_WIDTH    32             // bits
`define FLUE_TCP_DELEGATED_STATE_KA_TIMEOUT_DELTA_LSB    544            // ticks to next keepalive timeout; 0xFFFFFFFF = not running
`define FLUE_TCP_DELEGATED_STATE_KA_TIMEOUT_DELTA_WIDTH  32             // bits
`define FLUE_TCP_DELEGATED_STATE_RT_COUNT_LSB            576            // retransmits sent
`define FLUE_TCP_DELEGATED_STATE_RT_COUNT_WIDTH          32             // bits
`define FLUE_TCP_DELEGATED_STATE_RT_TIMEOUT_DELTA_LSB    608            // ticks to next retransmit timeout; 0xFFFFFFFF = not running
`define FLUE_TCP_DELEGATED_STATE_RT_TIMEOUT_DELTA_WIDTH  32             // bits
`define FLUE_TCP_DELEGATED_STATE_SEND_BACKLOG_SIZE_LSB   640            // query: preferred outstanding send bytes
`define FLUE_TCP_DELEGATED_STATE_SEND_BACKLOG_SIZE_WIDTH 32             // bits
`define FLUE_TCP_DELEGATED_STATE_RECEIVE_BACKLOG_SIZE_LSB 672            // query: bytes buffered in the NIC
`define FLUE_TCP_DELEGATED_STATE_RECEIVE_BACKLOG_SIZE_WIDTH 32             // bits
`define FLUE_TCP_DELEGATED_STATE_D_WND_LSB               704            // NDIS 6.1 DWnd
`define FLUE_TCP_DELEGATED_STATE_D_WND_WIDTH             32             // bits

// ConnStateBlock: header of the flat connection state block (CONN_STATE_BYTES long) that OFFLOAD_INITIATE reads and TERMINATE/QUERY write; the miniport flattens the NDIS state tree into it, each part at its CONN_STATE_*_OFFSET; byte 0 is bits [7:0]
`define FLUE_CONN_STATE_BLOCK_BYTES                      32             // bytes
`define FLUE_CONN_STATE_BLOCK_BITS                       256            // bits
`define FLUE_CONN_STATE_BLOCK_NEIGHBOR_ID_LSB            0              // miniport-chosen id of the neighbor object (shared between connections), below the connections the card holds: the card keeps its reachability times (R70, R71) under it
`define FLUE_CONN_STATE_BLOCK_NEIGHBOR_ID_WIDTH          32             // bits
`define FLUE_CONN_STATE_BLOCK_PATH_ID_LSB                32             // miniport-chosen id of the path object
`define FLUE_CONN_STATE_BLOCK_PATH_ID_WIDTH              32             // bits
`define FLUE_CONN_STATE_BLOCK_VALID_MASK_LSB             64             // bit 0 neighbor, 1 path, 2 tcp const, 3 tcp cached, 4 tcp delegated present
`define FLUE_CONN_STATE_BLOCK_VALID_MASK_WIDTH           32             // bits

// LinkHeader: header of every link message; the payload follows; byte 0 is bits [7:0]
`define FLUE_LINK_HEADER_BYTES                           16             // bytes
`define FLUE_LINK_HEADER_BITS                            128            // bits
`define FLUE_LINK_HEADER_TYPE_LSB                        0              // LinkType
`define FLUE_LINK_HEADER_TYPE_WIDTH                      8              // bits
`define FLUE_LINK_HEADER_FLAGS_LSB                       8              // bit 0: response to a request; bit 1, on TIME_ADVANCE over the simulator socket: stop after the cycle in which an interrupt fires
`define FLUE_LINK_HEADER_FLAGS_WIDTH                     8              // bits
`define FLUE_LINK_HEADER_SEQ_LSB                         16             // sequence number, echoed in the response
`define FLUE_LINK_HEADER_SEQ_WIDTH                       16             // bits
`define FLUE_LINK_HEADER_LENGTH_LSB                      32             // payload bytes after this header
`define FLUE_LINK_HEADER_LENGTH_WIDTH                    32             // bits
`define FLUE_LINK_HEADER_TIME_LSB                        64             // simulated cycle at which the message applies
`define FLUE_LINK_HEADER_TIME_WIDTH                      64             // bits

// LinkMmio: payload of MMIO_READ, MMIO_READ_REPLY, MMIO_WRITE and MMIO_WRITE_ACK; byte 0 is bits [7:0]
`define FLUE_LINK_MMIO_BYTES                             12             // bytes
`define FLUE_LINK_MMIO_BITS                              96             // bits
`define FLUE_LINK_MMIO_ADDR_LSB                          0              // register byte address
`define FLUE_LINK_MMIO_ADDR_WIDTH                        32             // bits
`define FLUE_LINK_MMIO_VALUE_LSB                         32             // value written or read
`define FLUE_LINK_MMIO_VALUE_WIDTH                       32             // bits
`define FLUE_LINK_MMIO_RESP_LSB                          64             // AXI response: 0 OKAY, 2 SLVERR, 3 DECERR
`define FLUE_LINK_MMIO_RESP_WIDTH                        8              // bits

// LinkDma: fixed part of DMA_READ, DMA_READ_REPLY, DMA_WRITE and DMA_WRITE_ACK; write and read-reply data follow; byte 0 is bits [7:0]
`define FLUE_LINK_DMA_BYTES                              20             // bytes
`define FLUE_LINK_DMA_BITS                               160            // bits
`define FLUE_LINK_DMA_ADDR_LSB                           0              // host address
`define FLUE_LINK_DMA_ADDR_WIDTH                         64             // bits
`define FLUE_LINK_DMA_LENGTH_LSB                         64             // bytes
`define FLUE_LINK_DMA_LENGTH_WIDTH                       32             // bits
`define FLUE_LINK_DMA_TAG_LSB                            96             // device tag, echoed
`define FLUE_LINK_DMA_TAG_WIDTH                          32             // bits
`define FLUE_LINK_DMA_RESP_LSB                           128            // AXI response of the host side
`define FLUE_LINK_DMA_RESP_WIDTH                         8              // bits

// LinkHello: payload of HELLO_REPLY; byte 0 is bits [7:0]
`define FLUE_LINK_HELLO_BYTES                            16             // bytes
`define FLUE_LINK_HELLO_BITS                             128            // bits
`define FLUE_LINK_HELLO_ID_LSB                           0              // ID register
`define FLUE_LINK_HELLO_ID_WIDTH                         32             // bits
`define FLUE_LINK_HELLO_VERSION_LSB                      32             // VERSION register
`define FLUE_LINK_HELLO_VERSION_WIDTH                    32             // bits
`define FLUE_LINK_HELLO_CAPS_LSB                         64             // CAPS register
`define FLUE_LINK_HELLO_CAPS_WIDTH                       32             // bits
`define FLUE_LINK_HELLO_CLOCK_HZ_LSB                     96             // core clock frequency
`define FLUE_LINK_HELLO_CLOCK_HZ_WIDTH                   32             // bits

// LinkStats: payload of the LINK_STATS response: the bridge's own counters since its reset; byte 0 is bits [7:0]
`define FLUE_LINK_STATS_BYTES                            20             // bytes
`define FLUE_LINK_STATS_BITS                             160            // bits
`define FLUE_LINK_STATS_RX_PACKETS_LSB                   0              // good packets received
`define FLUE_LINK_STATS_RX_PACKETS_WIDTH                 32             // bits
`define FLUE_LINK_STATS_RX_DROPPED_LSB                   32             // packets dropped: bad CRC, bad SLIP, too long, or a length that disagrees with the header
`define FLUE_LINK_STATS_RX_DROPPED_WIDTH                 32             // bits
`define FLUE_LINK_STATS_TX_PACKETS_LSB                   64             // packets sent, retransmissions and replayed responses included
`define FLUE_LINK_STATS_TX_PACKETS_WIDTH                 32             // bits
`define FLUE_LINK_STATS_RETRIES_LSB                      96             // device requests (DMA, IRQ) sent again after their timeout
`define FLUE_LINK_STATS_RETRIES_WIDTH                    32             // bits
`define FLUE_LINK_STATS_REPLAYS_LSB                      128            // host requests answered again from the stored response (a repeated sequence number)
`define FLUE_LINK_STATS_REPLAYS_WIDTH                    32             // bits

// LinkIrq: payload of IRQ; byte 0 is bits [7:0]
`define FLUE_LINK_IRQ_BYTES                              4              // bytes
`define FLUE_LINK_IRQ_BITS                               32             // bits
`define FLUE_LINK_IRQ_VECTORS_LSB                        0              // bit v: vector v raised
`define FLUE_LINK_IRQ_VECTORS_WIDTH                      32             // bits

// LinkWireFrame: fixed part of WIRE_FRAME; the frame follows; byte 0 is bits [7:0]
`define FLUE_LINK_WIRE_FRAME_BYTES                       4              // bytes
`define FLUE_LINK_WIRE_FRAME_BITS                        32             // bits
`define FLUE_LINK_WIRE_FRAME_PORT_LSB                    0              // wire port
`define FLUE_LINK_WIRE_FRAME_PORT_WIDTH                  8              // bits
`define FLUE_LINK_WIRE_FRAME_DIRECTION_LSB               8              // 0 into the NIC, 1 out of the NIC
`define FLUE_LINK_WIRE_FRAME_DIRECTION_WIDTH             8              // bits
`define FLUE_LINK_WIRE_FRAME_ABORTED_LSB                 16             // 1: the NIC ended the frame with tuser set (not delivered); no frame bytes follow
`define FLUE_LINK_WIRE_FRAME_ABORTED_WIDTH               8              // bits

`endif // FLUE_CONTRACT_VH
