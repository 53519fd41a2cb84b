// TOE-internal record layouts, shared by the blocks under hdl/toe/ and their benches.
// These records never leave the chip; the host-visible contract is flue_contract.vh.
// Byte order: multi-byte fields hold the numeric value (an IPv4 address 192.0.2.1 is
// 32'hC0000201, a port is its number); the blocks convert to network order on the wire.

`ifndef TOE_DEFS_VH
`define TOE_DEFS_VH

// 4-tuple key, as seen from this host: lookup key of the connection table
`define TOE_KEY_WIDTH            96
`define TOE_KEY_LOCAL_PORT_LSB   0
`define TOE_KEY_REMOTE_PORT_LSB  16
`define TOE_KEY_LOCAL_IP_LSB     32
`define TOE_KEY_REMOTE_IP_LSB    64

// parsed receive segment header: toe_rx_parse or toe_fwd_parse -> toe_engine
`define TOE_RXH_CONN_LSB         0     // 16: connection id (zero-extended)
`define TOE_RXH_SEQ_LSB          16    // 32
`define TOE_RXH_ACK_LSB          48    // 32
`define TOE_RXH_FLAGS_LSB        80    // 8: TCP header byte 13 {CWR,ECE,URG,ACK,PSH,RST,SYN,FIN}
`define TOE_RXH_WINDOW_LSB       88    // 16: raw, unscaled
`define TOE_RXH_URG_LSB          104   // 16: urgent pointer
`define TOE_RXH_LEN_LSB          120   // 16: payload bytes
`define TOE_RXH_TS_PRESENT_LSB   136   // 1: a timestamp option was found
`define TOE_RXH_TS_VAL_LSB       137   // 32
`define TOE_RXH_TS_ECR_LSB       169   // 32
`define TOE_RXH_FWD_LSB          201   // 1: forwarded (toe_fwd_parse): its payload is in that block's FIFO
`define TOE_RXH_WIDTH            202

// TCP flag bits inside the flags byte
`define TOE_TCP_FIN 0
`define TOE_TCP_SYN 1
`define TOE_TCP_RST 2
`define TOE_TCP_PSH 3
`define TOE_TCP_ACK 4
`define TOE_TCP_URG 5

// transmit command: toe_engine -> toe_tx_frame (one frame each)
`define TOE_TXC_DST_MAC_LSB      0     // 48: dst_mac[47:40] is the first byte on the wire
`define TOE_TXC_SRC_MAC_LSB      48    // 48
`define TOE_TXC_SRC_IP_LSB       96    // 32
`define TOE_TXC_DST_IP_LSB       128   // 32
`define TOE_TXC_SRC_PORT_LSB     160   // 16
`define TOE_TXC_DST_PORT_LSB     176   // 16
`define TOE_TXC_SEQ_LSB          192   // 32
`define TOE_TXC_ACK_LSB          224   // 32
`define TOE_TXC_FLAGS_LSB        256   // 8
`define TOE_TXC_WINDOW_LSB       264   // 16: already scaled down
`define TOE_TXC_TTL_LSB          280   // 8
`define TOE_TXC_TOS_LSB          288   // 8
`define TOE_TXC_IP_ID_LSB        296   // 16
`define TOE_TXC_ADDR_LSB         312   // 64: payload in host memory
`define TOE_TXC_LEN_LSB          376   // 16: payload bytes, 0 = no payload (no DMA)
`define TOE_TXC_TS_PRESENT_LSB   392   // 1: append NOP,NOP,TS(val,ecr): a 32-byte TCP header
`define TOE_TXC_TS_VAL_LSB       393   // 32
`define TOE_TXC_TS_ECR_LSB       425   // 32
`define TOE_TXC_CTX_LSB          457   // 16: echoed in the status (connection id)
`define TOE_TXC_WIDTH            473

// placement command: toe_engine -> toe_rx_place (applies to the current payload packet of the
// FIFO FWD names; the engine copies FWD from the segment's record)
`define TOE_PLC_SKIP_LSB         0     // 16: bytes of the packet to pass over first
`define TOE_PLC_LEN_LSB          16    // 16: bytes then written at addr (0: none)
`define TOE_PLC_ADDR_LSB         32    // 64
`define TOE_PLC_LAST_LSB         96    // 1: discard the rest of the packet after this
`define TOE_PLC_FWD_LSB          97    // 1: toe_fwd_parse's payload FIFO, 0: toe_rx_parse's
`define TOE_PLC_WIDTH            98

`endif
