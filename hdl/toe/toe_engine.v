// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"
`include "toe_defs.vh"

/*
 * TCP engine of the offload engine. One event at a time (a host request, a received segment
 * header, a connection with transmit work, a timer-walker visit) is applied to that
 * connection's control block (TCB), held in block RAM and read, changed and written back.
 * Send and receive requests wait in per-connection linked lists over two shared entry pools.
 * Payload never passes through here: transmit commands name host addresses (toe_tx_frame
 * reads them), placement commands name receive buffers (toe_rx_place writes them).
 *
 * Completions and events leave through one ordered queue. An entry queued behind a
 * placement command waits for that command's DMA status, so a receive completes only once
 * its bytes are in host memory (and with DMA_ERROR if they are not), and a disconnect
 * indication never overtakes the data before it (R64).
 *
 * TCP (RFC 9293 with RFC 5681/6582 congestion control and RFC 6298 timers): acceptability
 * test; RST (exact sequence: abort, R65; in window: one challenge ACK until an acceptable
 * segment, RFC 5961, R75); SYN in a synchronized state: challenge ACK (in window at most one
 * per SYN_CHALLENGE_SECONDS); urgent data: upload requested, nothing more taken in (R74);
 * the preferred send backlog indicated from the timer walk (R69); cumulative ACKs complete
 * sends whose every byte is acknowledged (R41); window updates with scaling (SND.WL1/WL2); RTT samples under Karn's
 * rule; duplicate ACKs to TCP_DUP_ACK_THRESHOLD, then fast retransmit and NewReno recovery;
 * in-order data placed into posted buffers FIFO (R46), push and no-push buffers (R50, R51),
 * the push timer (neither it nor a PSH completes a buffer while a gap is open); out-of-order
 * data answered with an immediate duplicate ACK and held, in up to OOO_RUNS runs per
 * connection: written straight into the posted buffers at the offset its sequence number gives,
 * and taken in (RCV.NXT jumps past a run) once the gap before it is filled; with no receive
 * posted, one run (an isle) in a lent NIC buffer instead, indicated once
 * its gap is filled (receives posted meanwhile are handed back after it, RETURNED); delayed ACK per
 * TCP_ACK_FREQUENCY and TCP_DELAYED_ACK_TICKS; FIN after all data (R64); graceful disconnect
 * (FIN after the posted data, completion when it is acknowledged, R60) and abortive disconnect
 * (sends aborted first, then RST, R58); retransmission timeout with go-back-N and backoff,
 * and past TCP_MAX_RETRANSMISSIONS a retrieve request with TimeoutExpiration; the same slot
 * serves as the persist timer with zero-window probes (R83) and the FIN_WAIT_2 timer (R82);
 * keepalive probes after KaTimeout idle ticks.
 *
 * The receive window advertised is the space of the posted buffers, never shrunk (its right
 * edge never moves left); in-order data beyond the posted buffers goes to NIC buffers, other
 * out-of-order data beyond them is dropped.
 * A segment never spans two send requests.
 *
 * The clocked state machine uses one always block (as Corundum's larger engines do): the
 * sequencing of the events reads more plainly there than split into next-state logic.
 */
module toe_engine #
(
    // connection id width: the table holds 2^CONN_WIDTH connections
    parameter CONN_WIDTH = 10,
    // send request entries shared by all connections, log2
    parameter SND_PTR_WIDTH = 11,
    // receive request entries shared by all connections, log2
    parameter RCV_PTR_WIDTH = 11,
    // DMA data width (state blocks)
    parameter DMA_DATA_WIDTH = 128,
    // DMA length width
    parameter LEN_WIDTH = 20,
    // DMA tag width
    parameter TAG_WIDTH = 4,
    // completion record width (the entry up to its info field)
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_INFO_LSB + `FLUE_CPL_ENTRY_INFO_WIDTH,
    // completions and events queued, log2
    parameter CQ_LOG2 = 6,
    // NIC buffers the host may lend (TCP_RECV_RETURN) for receive indications, log2
    parameter NB_LOG2 = 6,
    // NIC buffers an out-of-order isle leaves in the pool for in-order data (an isle takes one
    // only while more than this many are lent), so isles on many connections never starve the
    // data that fills their gaps
    parameter NB_ISLE_KEEP = 8,
    // out-of-order runs held per connection (data past a gap, in the posted buffers): a peer
    // without SACK resends whatever was dropped after a hole one segment a round trip
    parameter OOO_RUNS = 4,
    // transmit commands a transmit event may find ahead of it in the transmitter (a FIFO of at
    // least TXC_AHEAD+2 sits in front of it, so the ACK an event sends never waits for a segment)
    parameter TXC_AHEAD = 3,
    // R69 send backlog: the least preferred backlog indicated (covers the host's turnaround
    // from a send completion to the next send reaching the card), bytes
    parameter BACKLOG_FLOOR = 65536,
    // R69 throttle: ticks between two indications on one connection
    parameter BACKLOG_HOLD_TICKS = 16,
    // core clock, Hz: R75 throttles challenge ACKs for in-window SYNs in seconds, not ticks
    parameter CLOCK_HZ = `FLUE_CORE_CLOCK_HZ,
    // R75: seconds between two challenge ACKs for in-window SYNs on one connection
    parameter SYN_CHALLENGE_SECONDS = 3
)
(
    input  wire                           clk,
    input  wire                           rst,

    /*
     * Configuration (registers) and the timer tick
     */
    input  wire [47:0]                    local_mac,
    input  wire                           tick,
    input  wire [7:0]                     cfg_ack_frequency,
    input  wire [31:0]                    cfg_delayed_ack_ticks,
    input  wire [7:0]                     cfg_max_retransmissions,
    input  wire [7:0]                     cfg_dup_ack_threshold,
    input  wire [31:0]                    cfg_push_ticks,
    // R70: NceStaleTicks
    input  wire [31:0]                    cfg_nce_stale_ticks,
    input  wire [31:0]                    cfg_min_rto_ticks,
    input  wire [31:0]                    cfg_max_rto_ticks,
    input  wire [31:0]                    cfg_fin_wait_2_ticks,
    // core cycles per tick (the RTT's unit, turned into bytes on the wire for R69)
    input  wire [31:0]                    cfg_tick_div,

    /*
     * Host requests (whole descriptors) and completion records
     */
    input  wire [`FLUE_REQ_DESC_BITS-1:0] s_axis_req_tdata,
    input  wire                           s_axis_req_tvalid,
    output wire                           s_axis_req_tready,
    output wire [CPL_REC_WIDTH-1:0]       m_axis_cpl_tdata,
    output wire                           m_axis_cpl_tvalid,
    input  wire                           m_axis_cpl_tready,

    /*
     * Received segment headers (the wire's and forwarded ones, merged), placement commands
     * (FWD copied from the record) and their status
     */
    input  wire [`TOE_RXH_WIDTH-1:0]      s_axis_rxh_tdata,
    input  wire                           s_axis_rxh_tvalid,
    output wire                           s_axis_rxh_tready,
    // header records queued so far by toe_rx_parse and toe_fwd_parse together, mod 2^16 (the
    // sum of their status_hdr_queued)
    input  wire [15:0]                    s_rxh_queued,
    output wire [`TOE_PLC_WIDTH-1:0]      m_axis_plc_tdata,
    output wire                           m_axis_plc_tvalid,
    input  wire                           m_axis_plc_tready,
    input  wire                           s_plc_status_valid,
    input  wire [3:0]                     s_plc_status_error,

    /*
     * Transmit commands and their status
     */
    output wire [`TOE_TXC_WIDTH-1:0]      m_axis_txc_tdata,
    output wire                           m_axis_txc_tvalid,
    input  wire                           m_axis_txc_tready,
    input  wire                           s_txc_status_valid,
    input  wire                           s_txc_status_error,

    /*
     * Connection table (toe_hash) updates
     */
    output wire                           m_hash_op,
    output wire [`TOE_KEY_WIDTH-1:0]      m_hash_key,
    output wire [CONN_WIDTH-1:0]          m_hash_conn,
    output wire                           m_hash_valid,
    input  wire                           m_hash_ready,
    input  wire                           s_hash_ok,
    input  wire                           s_hash_result_valid,

    /*
     * DMA read (state blocks at initiate and update)
     */
    output wire [63:0]                    m_axis_rd_desc_addr,
    output wire [LEN_WIDTH-1:0]           m_axis_rd_desc_len,
    output wire [TAG_WIDTH-1:0]           m_axis_rd_desc_tag,
    output wire                           m_axis_rd_desc_valid,
    input  wire                           m_axis_rd_desc_ready,
    input  wire [DMA_DATA_WIDTH-1:0]      s_axis_rd_data_tdata,
    input  wire [DMA_DATA_WIDTH/8-1:0]    s_axis_rd_data_tkeep,
    input  wire                           s_axis_rd_data_tvalid,
    output wire                           s_axis_rd_data_tready,
    input  wire                           s_axis_rd_data_tlast,
    input  wire                           s_axis_rd_data_tuser,

    /*
     * Forwarded segments (TCP_FORWARD): read on the port above and passed to toe_fwd_parse
     * with their connection, its addresses (the pseudo header's: from the peer to us) and ports
     */
    output wire [CONN_WIDTH-1:0]          m_fwd_conn,
    output wire [31:0]                    m_fwd_src_ip,
    output wire [31:0]                    m_fwd_dst_ip,
    output wire [15:0]                    m_fwd_src_port,
    output wire [15:0]                    m_fwd_dst_port,
    output wire [DMA_DATA_WIDTH-1:0]      m_axis_fwd_tdata,
    output wire [DMA_DATA_WIDTH/8-1:0]    m_axis_fwd_tkeep,
    output wire                           m_axis_fwd_tvalid,
    input  wire                           m_axis_fwd_tready,
    output wire                           m_axis_fwd_tlast,
    output wire                           m_axis_fwd_tuser,
    // toe_fwd_parse has room for a segment (a forward request waits for it)
    input  wire                           s_fwd_ready,
    // toe_fwd_parse holds a segment not yet queued as a record (nor dropped)
    input  wire                           s_fwd_busy,

    /*
     * DMA write (delegated state at query and terminate)
     */
    output wire [63:0]                    m_axis_wr_desc_addr,
    output wire [LEN_WIDTH-1:0]           m_axis_wr_desc_len,
    output wire [TAG_WIDTH-1:0]           m_axis_wr_desc_tag,
    output wire                           m_axis_wr_desc_valid,
    input  wire                           m_axis_wr_desc_ready,
    output wire [DMA_DATA_WIDTH-1:0]      m_axis_wr_data_tdata,
    output wire                           m_axis_wr_data_tvalid,
    input  wire                           m_axis_wr_data_tready,
    output wire                           m_axis_wr_data_tlast,
    input  wire [3:0]                     s_axis_wr_status_error,
    input  wire                           s_axis_wr_status_valid,

    /*
     * Status
     */
    output wire                           status_ready,
    output wire                           status_idle,
    output wire                           stat_tx_segment,
    output wire                           stat_retransmit,
    output wire                           fault_dma
);

localparam MAX_CONNS = 1 << CONN_WIDTH;
localparam SND_N = 1 << SND_PTR_WIDTH;
localparam RCV_N = 1 << RCV_PTR_WIDTH;
localparam CQ_N = 1 << CQ_LOG2;
localparam INFO_END = `FLUE_CPL_ENTRY_INFO_LSB + `FLUE_CPL_ENTRY_INFO_WIDTH;
localparam BLK_BITS = `FLUE_CONN_STATE_BYTES * 8;
localparam BLK_WORDS = (BLK_BITS + DMA_DATA_WIDTH - 1) / DMA_DATA_WIDTH;
localparam DLG_BITS = `FLUE_TCP_DELEGATED_STATE_BYTES * 8;
localparam DLG_WORDS = DLG_BITS / DMA_DATA_WIDTH;
localparam WORD_IDX_WIDTH = $clog2(BLK_WORDS + 1);
localparam integer DLG_LAST = DLG_WORDS - 1;
localparam [WORD_IDX_WIDTH-1:0] BLK_WORDS_W = BLK_WORDS[WORD_IDX_WIDTH-1:0];
localparam [WORD_IDX_WIDTH-1:0] DLG_LAST_W = DLG_LAST[WORD_IDX_WIDTH-1:0];
localparam SWEEP_WIDTH = (CONN_WIDTH > SND_PTR_WIDTH ? (CONN_WIDTH > RCV_PTR_WIDTH ? CONN_WIDTH : RCV_PTR_WIDTH)
                                                     : (SND_PTR_WIDTH > RCV_PTR_WIDTH ? SND_PTR_WIDTH : RCV_PTR_WIDTH)) + 1;

// bit positions inside the flat connection state block
localparam NB = `FLUE_CONN_STATE_NEIGHBOR_OFFSET * 8;
localparam PB = `FLUE_CONN_STATE_PATH_OFFSET * 8;
localparam CB = `FLUE_CONN_STATE_TCP_CONST_OFFSET * 8;
localparam KB = `FLUE_CONN_STATE_TCP_CACHED_OFFSET * 8;
localparam DB = `FLUE_CONN_STATE_TCP_DELEGATED_OFFSET * 8;

// send entry: {silent, push, tag, len, addr}; receive entry: {nopush, tag, len, addr}
localparam SE_W = 48 + 17 + 32 + 1 + 1;
localparam RE_W = 48 + 17 + 32 + 1;

// one out-of-order run in the TCB: on, psh, start, end, ptr, off
localparam RUN_W = 1 + 1 + 32 + 32 + RCV_PTR_WIDTH + 17;
localparam RUN_IDX_W = $clog2(OOO_RUNS);

localparam TCB_W = 4 + 48 + 48 + 32 + 32 + 16 + 16 + 8 + 8 + 16 + 4 + 4 + 32 + 32 + 32 + 32 + 32 + 32 + 32 + 32
    + 32 + 32 + 32 + 32 + 32 + 32 + 32 + 1 + 8 + 8 + 1 + 16 + 16 + 32 + 32 + 32 + 1 + 1 + 32 + 1 + 32 + 8 + 1 + 32
    + SND_PTR_WIDTH + SND_PTR_WIDTH + (SND_PTR_WIDTH+1) + 32 + SND_PTR_WIDTH + 32 + 1 + 1 + 1 + 1 + 32 + 1
    + RCV_PTR_WIDTH + RCV_PTR_WIDTH + (RCV_PTR_WIDTH+1) + 17 + 1 + 1 + 1 + 16
    + 1 + OOO_RUNS * RUN_W
    + 32 + 32
    + 1 + 1 + 16
    + 1
    + 1 + 8
    + 1 + 1 + 32 + 8 + 32 + 32 + 8
    + 1
    + 1 + 32 + 48 + 16
    + 1
    + 32 + 32
    + CONN_WIDTH;

// TCP states as held in the TCB (the contract's values)
localparam [3:0]
    ST_CLOSED = 4'd0,
    ST_ESTABLISHED = 4'd4,
    ST_FIN_WAIT_1 = 4'd5,
    ST_FIN_WAIT_2 = 4'd6,
    ST_CLOSE_WAIT = 4'd7,
    ST_CLOSING = 4'd8,
    ST_LAST_ACK = 4'd9,
    ST_TIME_WAIT = 4'd10;

localparam [7:0] F_FIN = 8'h01, F_RST = 8'h04, F_PSH = 8'h08, F_ACK = 8'h10;

localparam [5:0]
    S_SWEEP = 6'd0,
    S_IDLE = 6'd1,
    S_LOAD = 6'd2,
    S_LOADED = 6'd3,
    S_REQ = 6'd4,
    S_BLK_DESC = 6'd5,
    S_BLK_DATA = 6'd6,
    S_INIT_CHECK = 6'd7,
    S_INIT_HASH = 6'd8,
    S_INIT_HASH_WAIT = 6'd9,
    S_UPD_APPLY = 6'd10,
    S_DLG_DESC = 6'd11,
    S_DLG_STATUS = 6'd13,
    S_TERM_HASH = 6'd14,
    S_TERM_HASH_WAIT = 6'd15,
    S_TERM_FREE = 6'd16,
    S_CPL = 6'd17,
    S_WB = 6'd18,
    S_EVENT = 6'd19,
    S_RX = 6'd20,
    S_RX_ACK = 6'd21,
    S_RX_DATA = 6'd22,
    S_RX_PLACE = 6'd23,
    S_RQ_HEAD_WAIT = 6'd24,
    S_RQ_HEAD_USE = 6'd25,
    S_RX_PUSH = 6'd26,
    S_RX_FIN = 6'd27,
    S_RX_FIN2 = 6'd28,
    S_RX_END = 6'd29,
    S_SQ_HEAD = 6'd30,
    S_SQ_HEAD_WAIT = 6'd31,
    S_SQ_HEAD_USE = 6'd32,
    S_RQ_POP = 6'd33,
    S_RQ_POP_WAIT = 6'd34,
    S_RQ_POP_USE = 6'd35,
    S_FLUSH = 6'd36,
    S_SEND_LINK = 6'd37,
    S_RECV_LINK = 6'd38,
    S_ABORT = 6'd39,
    S_ABORT2 = 6'd40,
    S_EMIT_ACK = 6'd41,
    S_TX = 6'd42,
    S_TX_WAIT = 6'd43,
    S_TX_EMIT = 6'd44,
    S_TX_FIN = 6'd45,
    S_TMR_SCAN = 6'd46,
    S_TMR = 6'd47,
    S_TMR_END = 6'd48,
    S_DISCARD = 6'd49,
    S_OOO = 6'd50,
    S_OOO_WAIT = 6'd51,
    S_OOO_USE = 6'd52,
    S_JOIN = 6'd53,
    S_JOIN_WAIT = 6'd54,
    S_JOIN_USE = 6'd55,
    S_OOO_END = 6'd56,
    S_FWD_DESC = 6'd57,
    S_FWD_DATA = 6'd58,
    S_ISLE_PUT = 6'd59,
    S_ISLE_JOIN = 6'd60,
    S_ISLE_FLUSH = 6'd61,
    S_NBR_QUERY = 6'd62,
    S_NBR_NRD = 6'd63;

// event kinds
localparam [1:0] EV_REQ = 2'd0, EV_RX = 2'd1, EV_TX = 2'd2, EV_TMR = 2'd3;

// bus width assertions
initial begin
    if (CPL_REC_WIDTH != INFO_END) begin
        $error("Error: CPL_REC_WIDTH must reach the end of the info field (instance %m)");
        $finish;
    end
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (OOO_RUNS < 2 || OOO_RUNS > 16) begin
        $error("Error: OOO_RUNS must be 2 to 16 (instance %m)");
        $finish;
    end
    if (CLOCK_HZ < 1 || SYN_CHALLENGE_SECONDS < 1 || BACKLOG_HOLD_TICKS < 1 || BACKLOG_FLOOR < 1) begin
        $error("Error: CLOCK_HZ, SYN_CHALLENGE_SECONDS, BACKLOG_HOLD_TICKS and BACKLOG_FLOOR must be positive (instance %m)");
        $finish;
    end
    if (NB_ISLE_KEEP < 1 || NB_ISLE_KEEP >= (1 << NB_LOG2)) begin
        $error("Error: NB_ISLE_KEEP must be 1..2^NB_LOG2-1 (instance %m)");
        $finish;
    end
    if (NB_LOG2 < 1 || NB_LOG2 > 12) begin
        $error("Error: NB_LOG2 must be 1..12 (instance %m)");
        $finish;
    end
    if (CONN_WIDTH < 2 || CONN_WIDTH > 16 || SND_PTR_WIDTH < 2 || RCV_PTR_WIDTH < 2) begin
        $error("Error: CONN_WIDTH must be 2..16, the pools at least 4 entries (instance %m)");
        $finish;
    end
end

function [47:0] mac_from_mem;   // six bytes as stored in host memory, first byte on the wire first
    input [47:0] stored;
    mac_from_mem = {stored[7:0], stored[15:8], stored[23:16], stored[31:24], stored[39:32], stored[47:40]};
endfunction

function [31:0] ip_from_mem;    // an address stored in network byte order
    input [31:0] stored;
    ip_from_mem = {stored[7:0], stored[15:8], stored[23:16], stored[31:24]};
endfunction

function seq_lt;                // a < b in sequence space: the sign of a - b
    input [31:0] a;
    input [31:0] b;
    seq_lt = $signed(a - b) < 0;
endfunction

function [31:0] min32;
    input [31:0] a;
    input [31:0] b;
    min32 = a < b ? a : b;
endfunction

function [31:0] max32;
    input [31:0] a;
    input [31:0] b;
    max32 = a > b ? a : b;
endfunction

function [31:0] shl_cap;        // min(base << sh, cap), without overflow
    input [31:0] base;
    input [7:0] sh;
    input [31:0] cap;
    reg [63:0] w;
    begin
        w = {32'd0, base} << sh[5:0];
        shl_cap = (sh > 8'd31 && base != 32'd0) || |w[63:32] || w[31:0] > cap ? cap : w[31:0];
    end
endfunction

/*
 * Memories: TCBs, send and receive entries with their next pointers, free lists
 */
reg [TCB_W-1:0] tcb_mem [0:MAX_CONNS-1];
reg [TCB_W-1:0] tcb_rdata = {TCB_W{1'b0}};
reg [CONN_WIDTH-1:0] tcb_raddr = {CONN_WIDTH{1'b0}};
reg tcb_we = 1'b0;
reg [CONN_WIDTH-1:0] tcb_waddr = {CONN_WIDTH{1'b0}};
reg [TCB_W-1:0] tcb_wdata = {TCB_W{1'b0}};

// R70, R71: per neighbor (the id the miniport gives it in the state block, below MAX_CONNS), the
// tick the card last saw forward progress on a connection through it (NRT) and the tick the host
// last confirmed it (HRT); written at initiate from the block's NRD and HRD
reg [31:0] nrt_mem [0:MAX_CONNS-1];
reg [31:0] hrt_mem [0:MAX_CONNS-1];
reg [31:0] nrt_rdata = 32'd0;
reg [31:0] hrt_rdata = 32'd0;
reg nrt_we = 1'b0;
reg [CONN_WIDTH-1:0] nrt_waddr = {CONN_WIDTH{1'b0}};
reg [31:0] nrt_wdata = 32'd0;
reg hrt_we = 1'b0;
reg [CONN_WIDTH-1:0] hrt_waddr = {CONN_WIDTH{1'b0}};
reg [31:0] hrt_wdata = 32'd0;
// the walk raised the query for this visit's neighbor (the read of HRT lags its write)
reg nbr_asked = 1'b0;
// NEIGHBOR_NRD: the cycle the read of NRT at t_nbr is on its way
reg nrd_wait = 1'b0;

reg [SE_W-1:0] snd_mem [0:SND_N-1];
reg [SND_PTR_WIDTH-1:0] snd_next_mem [0:SND_N-1];
reg [SE_W-1:0] snd_rdata = {SE_W{1'b0}};
reg [SND_PTR_WIDTH-1:0] snd_rnext = {SND_PTR_WIDTH{1'b0}};
reg [SND_PTR_WIDTH-1:0] snd_raddr = {SND_PTR_WIDTH{1'b0}};
reg snd_we = 1'b0;
reg [SND_PTR_WIDTH-1:0] snd_waddr = {SND_PTR_WIDTH{1'b0}};
reg [SE_W-1:0] snd_wdata = {SE_W{1'b0}};
reg snd_nwe = 1'b0;
reg [SND_PTR_WIDTH-1:0] snd_nwaddr = {SND_PTR_WIDTH{1'b0}};
reg [SND_PTR_WIDTH-1:0] snd_nwdata = {SND_PTR_WIDTH{1'b0}};

reg [RE_W-1:0] rcv_mem [0:RCV_N-1];
reg [RCV_PTR_WIDTH-1:0] rcv_next_mem [0:RCV_N-1];
reg [RE_W-1:0] rcv_rdata = {RE_W{1'b0}};
reg [RCV_PTR_WIDTH-1:0] rcv_rnext = {RCV_PTR_WIDTH{1'b0}};
reg [RCV_PTR_WIDTH-1:0] rcv_raddr = {RCV_PTR_WIDTH{1'b0}};
reg rcv_we = 1'b0;
reg [RCV_PTR_WIDTH-1:0] rcv_waddr = {RCV_PTR_WIDTH{1'b0}};
reg [RE_W-1:0] rcv_wdata = {RE_W{1'b0}};
reg rcv_nwe = 1'b0;
reg [RCV_PTR_WIDTH-1:0] rcv_nwaddr = {RCV_PTR_WIDTH{1'b0}};
reg [RCV_PTR_WIDTH-1:0] rcv_nwdata = {RCV_PTR_WIDTH{1'b0}};

// free lists as stacks of ids
reg [CONN_WIDTH-1:0] conn_free_mem [0:MAX_CONNS-1];
reg [CONN_WIDTH:0] conn_free_count = {CONN_WIDTH+1{1'b0}};
reg [SND_PTR_WIDTH-1:0] snd_free_mem [0:SND_N-1];
reg [SND_PTR_WIDTH:0] snd_free_count = {SND_PTR_WIDTH+1{1'b0}};
reg [RCV_PTR_WIDTH-1:0] rcv_free_mem [0:RCV_N-1];
reg [RCV_PTR_WIDTH:0] rcv_free_count = {RCV_PTR_WIDTH+1{1'b0}};
// stack tops, kept in registers so an allocation needs no RAM read
reg [CONN_WIDTH-1:0] conn_free_top = {CONN_WIDTH{1'b0}};
reg [SND_PTR_WIDTH-1:0] snd_free_top = {SND_PTR_WIDTH{1'b0}};
reg [RCV_PTR_WIDTH-1:0] rcv_free_top = {RCV_PTR_WIDTH{1'b0}};

// One bit per connection id. Kept out of the state machine's always block and written through
// one-cycle strobes: a MAX_CONNS-wide vector assigned by variable index inside that block made
// Yosys's proc_mux build a MAX_CONNS-wide multiplexer for every branch of it (minutes at 1024).
reg [MAX_CONNS-1:0] conn_valid = {MAX_CONNS{1'b0}};
reg conn_valid_set = 1'b0;
reg conn_valid_clr = 1'b0;
reg [CONN_WIDTH-1:0] conn_valid_addr = {CONN_WIDTH{1'b0}};

// NIC buffers lent by the host (TCP_RECV_RETURN): a FIFO of {id, addr, len}; data that finds no
// posted receive goes into the head one and is indicated (TCP_RECV_INDICATE, R48)
localparam NB_N = 1 << NB_LOG2;
localparam NB_W = 32 + 48 + 16;
reg [NB_W-1:0] nb_mem [0:NB_N-1];
reg [NB_LOG2:0] nb_wptr = {NB_LOG2+1{1'b0}};
reg [NB_LOG2:0] nb_rptr = {NB_LOG2+1{1'b0}};
reg [NB_W-1:0] nb_head = {NB_W{1'b0}};
reg nb_settle = 1'b0;           // the head register is a cycle behind a push or a pop
reg nb_we = 1'b0;
reg [NB_W-1:0] nb_wdata = {NB_W{1'b0}};
// buffers out of the FIFO in isles (they go back into it when an isle is given up, so a lend
// counts them against its room)
reg [NB_LOG2:0] nb_isles = {NB_LOG2+1{1'b0}};
wire [NB_LOG2:0] nb_lent = nb_wptr - nb_rptr;
wire nb_usable = nb_wptr != nb_rptr && !nb_settle;
wire nb_full = nb_lent + nb_isles >= NB_N[NB_LOG2:0];
wire [31:0] nb_id = nb_head[NB_W-1 -: 32];
wire [47:0] nb_addr = nb_head[16 +: 48];
wire [15:0] nb_len = nb_head[15:0];
wire [15:0] nb_n = seg_avail < nb_len ? seg_avail : nb_len;

// connections with transmit work, FIFO, each at most once
reg [CONN_WIDTH-1:0] txq_mem [0:MAX_CONNS-1];
reg [CONN_WIDTH:0] txq_wptr = {CONN_WIDTH+1{1'b0}};
reg [CONN_WIDTH:0] txq_rptr = {CONN_WIDTH+1{1'b0}};
reg [MAX_CONNS-1:0] txq_member = {MAX_CONNS{1'b0}};   // written through strobes, like conn_valid
reg txq_member_set = 1'b0;
reg [CONN_WIDTH-1:0] txq_member_set_addr = {CONN_WIDTH{1'b0}};
reg txq_member_clr = 1'b0;
reg [CONN_WIDTH-1:0] txq_member_clr_addr = {CONN_WIDTH{1'b0}};
reg [CONN_WIDTH-1:0] txq_head = {CONN_WIDTH{1'b0}};
reg txq_head_valid = 1'b0;

// completion queue: {wait for a placement status, emit, record}
reg [CPL_REC_WIDTH+1:0] cq_mem [0:CQ_N-1];
reg [CQ_LOG2:0] cq_wptr = {CQ_LOG2+1{1'b0}};
reg [CQ_LOG2:0] cq_rptr = {CQ_LOG2+1{1'b0}};
reg [CPL_REC_WIDTH+1:0] cq_head = {CPL_REC_WIDTH+2{1'b0}};
reg cq_head_valid = 1'b0;
// each entry's transmit fence: the count of transmit commands handed on when it was queued
reg [7:0] cq_fence_mem [0:CQ_N-1];
reg [7:0] cq_head_fence = 8'd0;
// placement statuses received and not yet matched: count and error bits in order. As many can
// wait as there are entries waiting for them: the queue's CQ_N and the head (sized from CQ_LOG2:
// a fixed 32 let the 33rd overwrite the head's bit)
localparam PS_N = CQ_N + 2;
localparam PS_W = CQ_LOG2 + 1;
reg [PS_W-1:0] ps_count = {PS_W{1'b0}};
reg [PS_N-1:0] ps_err = {PS_N{1'b0}};

/*
 * Engine state
 */
reg [5:0] state_reg = S_SWEEP;
reg [5:0] ret_state = S_IDLE;
reg [1:0] ev = EV_REQ;
reg [1:0] prio = 2'd0;
reg [SWEEP_WIDTH-1:0] sweep = {SWEEP_WIDTH{1'b0}};
reg [CONN_WIDTH-1:0] cur_conn = {CONN_WIDTH{1'b0}};
reg [31:0] now = 32'd0;
reg walk_pending = 1'b0;
reg [CONN_WIDTH:0] walk_idx = {CONN_WIDTH+1{1'b0}};

// the request being served
reg [7:0] d_opcode = 8'd0;
reg [7:0] d_flags = 8'd0;
reg [31:0] d_tag = 32'd0;
reg [63:0] d_addr = 64'd0;
reg [31:0] d_len = 32'd0;
reg [31:0] d_conn = 32'd0;
reg [31:0] d_param = 32'd0;

// the segment being received
reg [31:0] h_seq = 32'd0;
reg [31:0] h_ack = 32'd0;
reg [7:0] h_flags = 8'd0;
reg [15:0] h_wnd = 16'd0;
reg [15:0] h_len = 16'd0;
reg h_fwd = 1'b0;                  // the segment was forwarded: its payload is in toe_fwd_parse
reg [15:0] seg_skip = 16'd0;      // bytes of the payload before the next one to place
reg [15:0] seg_avail = 16'd0;     // bytes of the payload still to place
reg plc_open = 1'b0;              // the payload packet still needs its last command
reg ack_now = 1'b0;
reg ack_rst = 1'b0;               // the pending ACK is an RST (abortive disconnect)
reg ack_ka = 1'b0;                // the pending ACK is a keepalive probe (SEG.SEQ = SND.UNA - 1)
reg ack_ride = 1'b0;              // an ACK is due by TcpAckFrequency or the delayed-ACK timer alone: new data may carry it

// state block DMA
reg [BLK_WORDS*DMA_DATA_WIDTH-1:0] blk = {BLK_WORDS*DMA_DATA_WIDTH{1'b0}};
reg [WORD_IDX_WIDTH-1:0] word = {WORD_IDX_WIDTH{1'b0}};
reg blk_error = 1'b0;
reg rd_desc_valid_reg = 1'b0;
reg wr_desc_valid_reg = 1'b0;
reg [DLG_BITS-1:0] dlg = {DLG_BITS{1'b0}};
// the delegated state streams out on its own while the engine goes on (a terminate flushes the
// connection's queues meanwhile); the write's status is kept until the engine asks for it
reg dlg_busy = 1'b0;
reg [WORD_IDX_WIDTH-1:0] dlg_word = {WORD_IDX_WIDTH{1'b0}};
reg dlg_status_got = 1'b0;
reg dlg_status_err = 1'b0;

// completion being built by S_CPL
reg [7:0] c_kind = 8'd0;
reg [7:0] c_opcode = 8'd0;
reg [7:0] c_status = 8'd0;
reg [31:0] c_length = 32'd0;
reg [31:0] c_info = 32'd0;

// flushes (terminate, RST, abortive disconnect): which list, with which status
reg flush_sends = 1'b0;
reg [7:0] flush_status = 8'd0;
reg flush_term = 1'b0;            // a terminate: partly acknowledged sends report their bytes

reg hash_valid_reg = 1'b0;
reg hash_op_reg = 1'b0;
reg txc_valid_reg = 1'b0;
reg [`TOE_TXC_WIDTH-1:0] txc_reg = {`TOE_TXC_WIDTH{1'b0}};
reg plc_valid_reg = 1'b0;
reg [`TOE_PLC_WIDTH-1:0] plc_reg = {`TOE_PLC_WIDTH{1'b0}};
reg stat_tx_segment_reg = 1'b0;
reg stat_retransmit_reg = 1'b0;
reg fault_reg = 1'b0;
reg is_retransmit = 1'b0;

reg cq_we = 1'b0;
reg [CQ_LOG2-1:0] cq_waddr = {CQ_LOG2{1'b0}};
reg [CPL_REC_WIDTH+1:0] cq_wdata = {CPL_REC_WIDTH+2{1'b0}};
reg [CQ_LOG2:0] cq_wptr_done = {CQ_LOG2+1{1'b0}};
reg txq_we = 1'b0;
reg [CONN_WIDTH-1:0] txq_waddr = {CONN_WIDTH{1'b0}};
reg [CONN_WIDTH-1:0] txq_wdata = {CONN_WIDTH{1'b0}};
reg [CONN_WIDTH:0] txq_wptr_done = {CONN_WIDTH+1{1'b0}};

// the TCB of the connection being served
reg [4-1:0] t_state = 0;
reg [48-1:0] t_dst_mac = 0;
reg [48-1:0] t_src_mac = 0;
reg [32-1:0] t_local_ip = 0;
reg [32-1:0] t_remote_ip = 0;
reg [16-1:0] t_local_port = 0;
reg [16-1:0] t_remote_port = 0;
reg [8-1:0] t_ttl = 0;
reg [8-1:0] t_tos = 0;
reg [16-1:0] t_mss = 0;
reg [4-1:0] t_snd_ws = 0;
reg [4-1:0] t_rcv_ws = 0;
reg [32-1:0] t_rcv_nxt = 0;
reg [32-1:0] t_rcv_adv = 0;
reg [32-1:0] t_rcv_space = 0;
reg [32-1:0] t_snd_una = 0;
reg [32-1:0] t_snd_nxt = 0;
reg [32-1:0] t_snd_max = 0;
reg [32-1:0] t_snd_end = 0;
reg [32-1:0] t_snd_wnd = 0;
reg [32-1:0] t_snd_wl1 = 0;
reg [32-1:0] t_snd_wl2 = 0;
reg [32-1:0] t_max_snd_wnd = 0;
reg [32-1:0] t_cwnd = 0;
reg [32-1:0] t_ssthresh = 0;
reg [32-1:0] t_recover = 0;
reg [32-1:0] t_cwnd_acc = 0;
reg t_in_recovery = 0;
reg [8-1:0] t_dupacks = 0;
reg [8-1:0] t_rt_count = 0;
reg t_rexmit_one = 0;
reg [16-1:0] t_srtt = 0;
reg [16-1:0] t_rttvar = 0;
reg [32-1:0] t_rto = 0;
reg [32-1:0] t_rtt_seq = 0;
reg [32-1:0] t_rtt_tick = 0;
reg t_rtt_on = 0;
reg t_rtx_on = 0;
reg [32-1:0] t_rtx_at = 0;
reg t_dack_on = 0;
reg [32-1:0] t_dack_at = 0;
reg [8-1:0] t_unacked = 0;
reg t_push_on = 0;
reg [32-1:0] t_push_at = 0;
reg [SND_PTR_WIDTH-1:0] t_sq_head = 0;
reg [SND_PTR_WIDTH-1:0] t_sq_tail = 0;
reg [(SND_PTR_WIDTH+1)-1:0] t_sq_count = 0;
reg [32-1:0] t_sq_head_seq = 0;
reg [SND_PTR_WIDTH-1:0] t_tx_ptr = 0;
reg [32-1:0] t_tx_seq = 0;
reg t_tx_valid = 0;
reg t_fin_req = 0;
reg t_fin_sent = 0;
reg t_fin_acked = 0;
reg [32-1:0] t_disc_tag = 0;
reg t_disc_pending = 0;
reg [RCV_PTR_WIDTH-1:0] t_rq_head = 0;
reg [RCV_PTR_WIDTH-1:0] t_rq_tail = 0;
reg [(RCV_PTR_WIDTH+1)-1:0] t_rq_count = 0;
reg [17-1:0] t_rq_fill = 0;
reg t_fin_rcvd = 0;
reg t_aborted = 0;
reg t_retrieve_sent = 0;
reg [16-1:0] t_ip_id = 0;
// Out-of-order runs held, OOO_RUNS of them in order from RCV.NXT (run 0 nearest; those on are
// runs 0 to n-1, none touching the next): bytes [start, end) are already in the posted buffers,
// end falls at offset off of receive entry ptr; psh: a held segment carried PSH (it applies once
// the run is taken in). ooo_seen: data beyond RCV.NXT arrived since RCV.NXT last moved (the
// segment that moves it is acknowledged at once, RFC 5681 4.2).
reg t_ooo_seen = 0;
reg [OOO_RUNS-1:0] t_run_on = 0;
reg [OOO_RUNS-1:0] t_run_psh = 0;
reg [OOO_RUNS*32-1:0] t_run_start = 0;
reg [OOO_RUNS*32-1:0] t_run_end = 0;
reg [OOO_RUNS*RCV_PTR_WIDTH-1:0] t_run_ptr = 0;
reg [OOO_RUNS*17-1:0] t_run_off = 0;
// run 0, which the gap at RCV.NXT reaches first (and an isle is, alone)
wire t_ooo_on = t_run_on[0];
wire t_ooo_psh = t_run_psh[0];
wire [31:0] t_ooo_start = t_run_start[31:0];
wire [31:0] t_ooo_end = t_run_end[31:0];
// each run's successor (for run k, run k+1's fields; the last has none), for the removal of a
// run (the ones after it move down) and the checks against the next run
wire [OOO_RUNS-1:0] run_on_dn = t_run_on >> 1;
wire [OOO_RUNS-1:0] run_psh_dn = t_run_psh >> 1;
wire [OOO_RUNS*32-1:0] run_start_dn = t_run_start >> 32;
wire [OOO_RUNS*32-1:0] run_end_dn = t_run_end >> 32;
wire [OOO_RUNS*RCV_PTR_WIDTH-1:0] run_ptr_dn = t_run_ptr >> RCV_PTR_WIDTH;
wire [OOO_RUNS*17-1:0] run_off_dn = t_run_off >> 17;
reg [32-1:0] t_bl = 0;          // send backlog last indicated (R69); 0: none yet
reg [32-1:0] t_bl_at = 0;       // tick of that indication
reg t_rst_chal = 0;             // R75: a challenge ACK answered an in-window RST, none acceptable since
reg t_syn_chal = 0;             // R75: a challenge ACK answered an in-window SYN ...
reg [16-1:0] t_syn_chal_sec = 0; // ... in this second
reg t_urg_hold = 0;             // R74: urgent data arrived; nothing more is taken in or acknowledged
// R83 persist: while the peer's window is zero the retransmit slot (t_rtx_on/at, Count in
// t_rt_count) is the persist timer, and t_wnd_probe is SndWndProbeCount, the probing round
reg t_persist = 0;
reg [8-1:0] t_wnd_probe = 0;
// keepalive (N:keepalive-timer): enabled (cached TCP_FLAG_KEEP_ALIVE_ENABLED), the timer, probes
// sent unanswered (delegated KeepAlive.ProbeCount), and the cached KaTimeout, KaInterval, KaProbeCount
reg t_ka_en = 0;
reg t_ka_on = 0;
reg [32-1:0] t_ka_at = 0;
reg [8-1:0] t_ka_probes = 0;
reg [32-1:0] t_ka_idle = 0;
reg [32-1:0] t_ka_intv = 0;
reg [8-1:0] t_ka_max = 0;
// a send was refused for want of send entries: every later one is too (the card never sends past
// the hole; the host uploads the connection and its stack sends from there)
reg t_snd_refused = 1'b0;
// An out-of-order isle in a NIC buffer: data past a gap that arrived while no receive was posted
// (a connection just offloaded, whose first segments reach the card while the host still holds
// the one before them to forward). It is run A (t_ooo_start/end, no run B with it), written at
// addr + (seq - start), and indicated once the gap is filled. While it stands, in-order data goes
// to NIC buffers too; receives posted meanwhile stay untouched, that data is indicated as
// TCP_RECV_STASH, and after the join they are handed back (RETURNED) for the driver to fill
// from it first, so the host still sees posted receives filled FIFO (R46, R48)
reg t_isle = 1'b0;
reg [32-1:0] t_isle_id = 0;
reg [48-1:0] t_isle_addr = 0;
reg [16-1:0] t_isle_cap = 0;
// Just offloaded, no gap closed yet: a gap at RCV.NXT is most likely segments the host held
// while the connection moved (R63) and forwards next, so out-of-order data is not answered with
// duplicate ACKs that would make the peer resend them (RFC 5681 4.2 says SHOULD; here they would
// be wrong), also while the forwards fill the gap part by part. The delayed-ACK timer bounds the
// wait: when it fires the ACK goes and the connection is like any other
reg t_fresh = 1'b0;
// MaxRT (cached): ticks the card may spend retransmitting one segment (0: TcpMaximumRetransmissions
// counts instead, all ones: no limit); the tick that retransmitting the current segment began,
// while Count is not 0 (TotalRT = now - t_rt_since)
reg [32-1:0] t_max_rt = 0;
reg [32-1:0] t_rt_since = 0;
// the connection's neighbor (R70, R71)
reg [CONN_WIDTH-1:0] t_nbr = 0;

/*
 * Datapath: everything an event state decides, from the TCB and the segment at hand
 */
wire [47:0] src_mac = t_src_mac == 48'd0 ? local_mac : t_src_mac;
wire [31:0] mss32 = {16'd0, t_mss};

// receive window: the posted space, never shrunk
wire [31:0] adv_cand = t_rcv_nxt + t_rcv_space;
wire [31:0] adv_right = seq_lt(t_rcv_adv, adv_cand) ? adv_cand : t_rcv_adv;
wire [31:0] win_bytes = adv_right - t_rcv_nxt;
wire [31:0] win_scaled = win_bytes >> t_rcv_ws;
wire [15:0] win_field = win_scaled > 32'h0000ffff ? 16'hffff : win_scaled[15:0];
wire [31:0] adv_after = t_rcv_nxt + ({16'd0, win_field} << t_rcv_ws);
wire [31:0] rcv_adv_sent = seq_lt(t_rcv_adv, adv_after) ? adv_after : t_rcv_adv;

// receive: acceptability (RFC 9293 3.10.7.4) against the window offered so far
wire h_fin = h_flags[`TOE_TCP_FIN];
wire [31:0] rwnd = t_rcv_adv - t_rcv_nxt;
wire [31:0] seg_l = {16'd0, h_len} + {31'd0, h_fin};
wire [31:0] seg_last = h_seq + seg_l - 1'b1;
wire seq_in = !seq_lt(h_seq, t_rcv_nxt) && seq_lt(h_seq, t_rcv_nxt + rwnd);
wire last_in = !seq_lt(seg_last, t_rcv_nxt) && seq_lt(seg_last, t_rcv_nxt + rwnd);
wire [31:0] rx_skip = t_rcv_nxt - h_seq;
wire acceptable = seg_l == 0 ? (rwnd == 0 ? h_seq == t_rcv_nxt : seq_in) : (rwnd != 0 && (seq_in || last_in));

// acknowledgments
wire [31:0] flight = t_snd_max - t_snd_una;
wire [31:0] half_flight = {1'b0, flight[31:1]};
wire [31:0] ssthresh_cut = max32(half_flight, {mss32[30:0], 1'b0});
// while persisting, the probe (the byte at SND.UNA) may be acknowledged although it lies past SND.MAX
wire [31:0] ack_reach = t_persist && t_snd_max == t_snd_una ? t_snd_una + 1'b1 : t_snd_max;
wire ack_ahead = seq_lt(ack_reach, h_ack);
// an ACK past the data queued so far (a connection just installed whose handed-over sends are
// not all posted yet) is taken only up to that data; the peer's next ACK covers the rest
wire [31:0] ack_limit = t_snd_end + {31'd0, t_fin_sent};
wire [31:0] h_ack_q = seq_lt(ack_limit, h_ack) && !ack_ahead ? ack_limit : h_ack;
wire ack_new = seq_lt(t_snd_una, h_ack_q) && !ack_ahead;
wire [31:0] h_wnd_scaled = {16'd0, h_wnd} << t_snd_ws;
wire ack_dup = h_ack == t_snd_una && h_len == 0 && !h_fin && h_wnd_scaled == t_snd_wnd && t_snd_max != t_snd_una;
wire [31:0] acked = h_ack_q - t_snd_una;
wire fin_acked_now = t_fin_sent && h_ack_q == t_snd_end + 1'b1;
wire wnd_update = seq_lt(t_snd_wl1, h_seq) || (t_snd_wl1 == h_seq && !seq_lt(h_ack_q, t_snd_wl2));

// RTT sample (Karn: only the timed segment, never a retransmitted one) and RFC 6298 RTO;
// SRTT is kept x8 and RTTVAR x4 as NDIS exchanges them
wire rtt_sample = t_rtt_on && seq_lt(t_rtt_seq, h_ack_q);
wire [31:0] rtt_r = now - t_rtt_tick;
wire [31:0] srtt_ticks = {19'd0, t_srtt[15:3]};
wire [31:0] rtt_delta = rtt_r - srtt_ticks;
wire [31:0] rtt_abs = rtt_delta[31] ? -rtt_delta : rtt_delta;
wire [31:0] srtt_sum = t_srtt == 16'd0 ? rtt_r << 3 : {16'd0, t_srtt} + rtt_delta;
wire [31:0] rttvar_sum = t_srtt == 16'd0 ? rtt_r << 1 : {16'd0, t_rttvar} + rtt_abs - {18'd0, t_rttvar[15:2]};
wire [15:0] srtt_new = srtt_sum > 32'h0000ffff ? 16'hffff : srtt_sum[15:0];
wire [15:0] rttvar_new = rttvar_sum > 32'h0000ffff ? 16'hffff : rttvar_sum[15:0];
wire [31:0] rto_raw = {19'd0, srtt_new[15:3]} + {16'd0, rttvar_new};
wire [31:0] rto_new = min32(max32(rto_raw, cfg_min_rto_ticks), cfg_max_rto_ticks);
wire [31:0] rto_backoff = min32({t_rto[30:0], 1'b0}, cfg_max_rto_ticks);

// R69: the send backlog the card prefers, whatever is posted: the wire's bandwidth-delay product
// (SRTT plus one tick, the clock's granularity: an RTT under a tick measures as 0 or 1, so SRTT
// alone can fall far short; as bytes the wire carries in that time), at least BACKLOG_FLOOR, at
// most the largest window the peer offered. Indicated from the timer walk once an RTT is known,
// and again only when it moved by a quarter or more and BACKLOG_HOLD_TICKS have passed since the
// last indication (no event storm).
wire [63:0] bl_bdp = ({47'd0, {1'b0, t_srtt} + 17'd8} * {32'd0, cfg_tick_div} * `FLUE_WIRE_BYTES_PER_CYCLE) >> 3;
wire [31:0] bl_bdp32 = |bl_bdp[63:32] ? 32'hffffffff : bl_bdp[31:0];
// (no window seen yet, as for a connection offloaded with a zero window: no cap; bl_now is never
// 0, which t_bl keeps for "none indicated yet")
wire [31:0] bl_cap = t_max_snd_wnd == 32'd0 ? 32'hffffffff : t_max_snd_wnd;
wire [31:0] bl_now = min32(max32(bl_bdp32, BACKLOG_FLOOR[31:0]), bl_cap);
wire [31:0] bl_diff = bl_now > t_bl ? bl_now - t_bl : t_bl - bl_now;
// R70: before the card sends on a connection (here: at each tick while it has data queued or in
// flight), its neighbor is queried when neither the card (NRT) nor the host (HRT) has seen it
// reachable for NceStaleTicks (the reads of NRT and HRT are valid from S_TMR_END on)
wire [31:0] nrd_now = now - nrt_rdata;
wire nbr_sending = (t_sq_count != 0 || t_snd_una != t_snd_max) && t_state != ST_CLOSED && !t_aborted;
wire nbr_due = nbr_sending && !nbr_asked && nrd_now > cfg_nce_stale_ticks && now - hrt_rdata > cfg_nce_stale_ticks;
wire [31:0] nbr32 = {{(32-CONN_WIDTH){1'b0}}, t_nbr};
wire bl_due = t_srtt != 16'd0 && (t_state == ST_ESTABLISHED || t_state == ST_CLOSE_WAIT) && !t_aborted && !t_retrieve_sent
    && (t_bl == 32'd0 || (bl_diff >= {2'd0, t_bl[31:2]} && now - t_bl_at >= BACKLOG_HOLD_TICKS[31:0]));

// R75: seconds of core clock (the in-window SYN challenge throttle counts seconds, whatever the tick)
reg [31:0] sec_cycles = 32'd0;
reg [15:0] secs = 16'd0;
always @(posedge clk) begin
    if (sec_cycles + 1'b1 >= CLOCK_HZ[31:0]) begin
        sec_cycles <= 32'd0;
        secs <= secs + 1'b1;
    end else begin
        sec_cycles <= sec_cycles + 1'b1;
    end
    if (rst) begin
        sec_cycles <= 32'd0;
        secs <= 16'd0;
    end
end
wire [15:0] syn_chal_age = secs - t_syn_chal_sec;
wire syn_chal_ok = !t_syn_chal || syn_chal_age >= SYN_CHALLENGE_SECONDS[15:0];

// congestion window on a new ACK (RFC 5681 3.1, RFC 6582 3.2)
wire recovery_done = !seq_lt(h_ack_q, t_recover);
wire [31:0] cwnd_deflate = (t_cwnd > acked ? t_cwnd - acked : 32'd0) + mss32;
wire [31:0] cwnd_ca_acc = t_cwnd_acc + acked;
reg [31:0] cwnd_new;
reg [31:0] cwnd_acc_new;
always @* begin
    cwnd_new = t_cwnd;
    cwnd_acc_new = t_cwnd_acc;
    if (t_in_recovery) begin
        cwnd_new = recovery_done ? t_ssthresh : max32(cwnd_deflate, mss32);
    end else if (t_cwnd < t_ssthresh) begin
        cwnd_new = t_cwnd + min32(acked, mss32);
    end else if (cwnd_ca_acc >= t_cwnd) begin
        cwnd_new = t_cwnd + mss32;
        cwnd_acc_new = cwnd_ca_acc - t_cwnd;
    end else begin
        cwnd_acc_new = cwnd_ca_acc;
    end
end

// send entry at hand (head for completions and retransmit-one, tx_ptr otherwise)
wire [47:0] se_addr = snd_rdata[47:0];
wire [16:0] se_len = snd_rdata[48 +: 17];
wire [31:0] se_tag = snd_rdata[65 +: 32];
wire se_push = snd_rdata[97];
wire se_silent = snd_rdata[98];
wire [31:0] una_data = fin_acked_now || (t_fin_sent && t_snd_una == t_snd_end + 1'b1) ? t_snd_end : t_snd_una;
wire se_done = !seq_lt(una_data, t_sq_head_seq + {15'd0, se_len});

// transmit decision
wire [31:0] win_lim = min32(t_snd_wnd, t_cwnd);
wire [31:0] in_flight = t_snd_nxt - t_snd_una;
wire [31:0] usable = win_lim > in_flight ? win_lim - in_flight : 32'd0;
wire data_pending = seq_lt(t_snd_nxt, t_snd_end);
wire fin_tx = t_fin_req && t_snd_nxt == t_snd_end && (!t_fin_sent || seq_lt(t_snd_nxt, t_snd_max));
wire can_send = t_state != ST_CLOSED && !t_aborted
    && (t_rexmit_one || (data_pending && t_tx_valid && usable != 0) || fin_tx);
// new data (not a retransmission, not a probe) the window lets out now: it carries a due ACK in
// place of a pure ACK. It may take one command beyond TXC_AHEAD, since it stands for the ACK that
// would have taken that place (the FIFO in front of the transmitter keeps another for ACKs)
wire ack_by_data = t_state != ST_CLOSED && !t_aborted && !t_rexmit_one && data_pending && t_tx_valid && usable != 0
    && txc_inflight <= TXC_AHEAD[7:0];
wire [31:0] tx_base = t_rexmit_one ? t_sq_head_seq : t_tx_seq;
wire [31:0] tx_from = t_rexmit_one ? t_snd_una : t_snd_nxt;
wire [31:0] tx_off = tx_from - tx_base;
wire [31:0] tx_rem = {15'd0, se_len} - tx_off;
// a persist probe (R83) is the one byte at SND.UNA, never with the FIN
wire tx_probe = t_rexmit_one && t_persist;
// a segment never mixes bytes sent before with new ones: one that starts below SND.MAX (a
// retransmission, also going back after a timeout) ends there, the FIN's place aside. A segment
// the window cut short goes again as it went, never past the window it went into, and a new
// byte is never sent as if resent (a capture would show the peer ACKing data it never saw sent)
wire [31:0] sent_end = seq_lt(t_snd_end, t_snd_max) ? t_snd_end : t_snd_max;
wire [31:0] resend_lim = seq_lt(tx_from, sent_end) ? sent_end - tx_from : 32'hffffffff;
wire [31:0] tx_n = min32(min32(mss32, tx_rem), tx_probe ? 32'd1 : min32(t_rexmit_one ? 32'hffffffff : usable, resend_lim));
wire tx_entry_end = tx_n == tx_rem;
wire tx_fin = t_fin_req && tx_from + tx_n == t_snd_end && tx_entry_end && !tx_probe;

// receive entry at hand (the head)
wire [47:0] re_addr = rcv_rdata[47:0];
wire [16:0] re_len = rcv_rdata[48 +: 17];
wire [31:0] re_tag = rcv_rdata[65 +: 32];
wire re_nopush = rcv_rdata[97];
wire [16:0] re_room = re_len - t_rq_fill;
wire [15:0] re_n = {1'b0, seg_avail} < re_room ? seg_avail : re_room[15:0];

// Out-of-order data, by where it falls against the runs (the first that applies): it extends
// run k (starts inside it or at its end, ends past it; it stops where run k+1 starts), reaches
// run k from the gap before it (prepended), or starts a new run k in that gap, within the posted
// space: the runs from k on move up one, and with every slot taken the farthest is forgotten
// (the bytes nearer RCV.NXT are the ones that let it move on). Anything else (held already, or
// past the last run with every slot taken) is dropped
wire [31:0] h_end = h_seq + {16'd0, h_len};
wire [31:0] ooo_fresh_off = h_seq - t_rcv_nxt;
wire ooo_room = ooo_fresh_off < t_rcv_space;
localparam [1:0] OC_NONE = 2'd0, OC_EXT = 2'd1, OC_PRE = 2'd2, OC_NEW = 2'd3;
reg [1:0] oc_kind;
reg [RUN_IDX_W-1:0] oc_idx;
reg [31:0] oc_skip;
reg [31:0] oc_avail;
reg [RCV_PTR_WIDTH-1:0] oc_ptr;
reg [31:0] oc_off;
always @* begin : ooo_classify
    integer k;
    reg [31:0] prev_end;
    reg [RCV_PTR_WIDTH-1:0] prev_ptr;
    reg [31:0] prev_off;
    reg after_prev;
    reg r_on;
    reg [31:0] r_start;
    reg [31:0] r_end;
    reg n_on;
    reg [31:0] n_start;
    reg [31:0] cap_end;
    oc_kind = OC_NONE;
    oc_idx = {RUN_IDX_W{1'b0}};
    oc_skip = 32'd0;
    oc_avail = 32'd0;
    oc_ptr = t_rq_head;
    oc_off = 32'd0;
    // the gap before run 0 starts at RCV.NXT (the caller has h_seq past it), at the head's fill
    prev_end = t_rcv_nxt;
    prev_ptr = t_rq_head;
    prev_off = {15'd0, t_rq_fill};
    after_prev = t_rq_count != 0;
    for (k = 0; k < OOO_RUNS; k = k + 1) begin
        r_on = t_run_on[k];
        r_start = t_run_start[32*k +: 32];
        r_end = t_run_end[32*k +: 32];
        n_on = run_on_dn[k];
        n_start = run_start_dn[32*k +: 32];
        cap_end = n_on && seq_lt(n_start, h_end) ? n_start : h_end;
        if (oc_kind == OC_NONE) begin
            if (r_on && !seq_lt(h_seq, r_start) && !seq_lt(r_end, h_seq) && seq_lt(r_end, h_end)
                    && !(n_on && n_start == r_end)) begin
                oc_kind = OC_EXT;
                oc_idx = k[RUN_IDX_W-1:0];
                oc_skip = r_end - h_seq;
                oc_avail = cap_end - r_end;
                oc_ptr = t_run_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH];
                oc_off = {15'd0, t_run_off[17*k +: 17]};
            end else if (after_prev && (!r_on || seq_lt(h_seq, r_start))) begin
                // in the gap before run k (or past the last run, with slot k free)
                if (r_on && !seq_lt(h_end, r_start)) begin
                    oc_kind = OC_PRE;
                    oc_avail = r_start - h_seq;
                end else if (ooo_room) begin
                    oc_kind = OC_NEW;
                    oc_avail = {16'd0, h_len};
                end
                oc_idx = k[RUN_IDX_W-1:0];
                oc_ptr = prev_ptr;
                oc_off = prev_off + (h_seq - prev_end);
            end
        end
        after_prev = r_on && seq_lt(r_end, h_seq);
        prev_end = r_end;
        prev_ptr = t_run_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH];
        prev_off = {15'd0, t_run_off[17*k +: 17]};
    end
end
// an isle: started by out-of-order data with no receive posted and no run held, when a NIC buffer
// can be spared and holds the segment; extended (run 0's rule) as far as its buffer reaches
wire [31:0] isle_used = t_ooo_end - t_ooo_start;
wire [7:0] recv_event = t_isle && t_rq_count != 0 ? `FLUE_EVENT_CODE_TCP_RECV_STASH : `FLUE_EVENT_CODE_TCP_RECV_INDICATE;
wire [31:0] isle_room = {16'd0, t_isle_cap} - isle_used;
// the isle is run 0 alone: it grows at its end (the classifier's extension of run 0)
wire [31:0] isle_ext_n = min32(oc_avail, isle_room);
wire isle_new = !t_ooo_on && t_rq_count == 0 && nb_usable && nb_lent > NB_ISLE_KEEP[NB_LOG2:0] && h_len <= nb_len;
// what a placement of held bytes updates: run om_idx's end (extend, new) or nothing (prepend)
reg [RUN_IDX_W-1:0] om_idx = {RUN_IDX_W{1'b0}};
reg om_pre = 1'b0;
wire [31:0] om_start = t_run_start[32*om_idx +: 32];
wire [31:0] om_end = t_run_end[32*om_idx +: 32];
// the runs with a new one at oc_idx (those from there on one up, the last one off the end), and
// the runs without run rm_at (those after it one down): the two ways the set of runs changes
reg [OOO_RUNS-1:0] ins_on;
reg [OOO_RUNS-1:0] ins_psh;
reg [OOO_RUNS*32-1:0] ins_start;
reg [OOO_RUNS*32-1:0] ins_end;
reg [OOO_RUNS*RCV_PTR_WIDTH-1:0] ins_ptr;
reg [OOO_RUNS*17-1:0] ins_off;
reg [RUN_IDX_W:0] rm_at;
reg [OOO_RUNS-1:0] rm_on;
reg [OOO_RUNS-1:0] rm_psh;
reg [OOO_RUNS*32-1:0] rm_start;
reg [OOO_RUNS*32-1:0] rm_end;
reg [OOO_RUNS*RCV_PTR_WIDTH-1:0] rm_ptr;
reg [OOO_RUNS*17-1:0] rm_off;
// run om_idx after a write of w_n bytes (S_OOO_USE: its end, and where that falls), after taking
// in the run it grew up to (S_OOO_END: that run's end, removed at rm_at); run oc_idx prepended
// (S_RX). Whole vectors, so the state machine writes no run at a variable index
reg [OOO_RUNS*32-1:0] put_end;
reg [OOO_RUNS*RCV_PTR_WIDTH-1:0] put_ptr;
reg [OOO_RUNS*17-1:0] put_off;
reg [OOO_RUNS-1:0] put_psh;
reg [OOO_RUNS*32-1:0] mrg_end;
reg [OOO_RUNS*RCV_PTR_WIDTH-1:0] mrg_ptr;
reg [OOO_RUNS*17-1:0] mrg_off;
reg [OOO_RUNS-1:0] mrg_psh;
reg [OOO_RUNS*32-1:0] pre_start;
wire om_empty = om_start == om_end;
always @* begin : run_moves
    integer k;
    ins_on = t_run_on << 1;
    ins_psh = t_run_psh << 1;
    ins_start = t_run_start << 32;
    ins_end = t_run_end << 32;
    ins_ptr = t_run_ptr << RCV_PTR_WIDTH;
    ins_off = t_run_off << 17;
    // the walk in S_JOIN_USE takes run 0 in; S_OOO_END drops a new run that got no byte, or
    // merges run om_idx with the one it grew up to
    rm_at = state_reg == S_JOIN_USE ? {(RUN_IDX_W+1){1'b0}} : {1'b0, om_idx} + {{RUN_IDX_W{1'b0}}, !om_empty};
    put_end = t_run_end;
    put_ptr = t_run_ptr;
    put_off = t_run_off;
    put_psh = t_run_psh;
    pre_start = t_run_start;
    rm_on = t_run_on;
    rm_psh = t_run_psh;
    rm_start = t_run_start;
    rm_end = t_run_end;
    rm_ptr = t_run_ptr;
    rm_off = t_run_off;
    for (k = 0; k < OOO_RUNS; k = k + 1) begin
        if (k[RUN_IDX_W-1:0] < oc_idx) begin
            ins_on[k] = t_run_on[k];
            ins_psh[k] = t_run_psh[k];
            ins_start[32*k +: 32] = t_run_start[32*k +: 32];
            ins_end[32*k +: 32] = t_run_end[32*k +: 32];
            ins_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH] = t_run_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH];
            ins_off[17*k +: 17] = t_run_off[17*k +: 17];
        end else if (k[RUN_IDX_W-1:0] == oc_idx) begin
            // empty until its first byte is written (S_OOO_USE); S_OOO_END drops it if none is
            ins_on[k] = 1'b1;
            ins_psh[k] = 1'b0;
            ins_start[32*k +: 32] = h_seq;
            ins_end[32*k +: 32] = h_seq;
        end
        if (k[RUN_IDX_W-1:0] == om_idx) begin
            put_end[32*k +: 32] = om_end + {16'd0, w_n};
            put_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH] = w_ptr;
            put_off[17*k +: 17] = w_off[16:0] + {1'b0, w_n};
            put_psh[k] = 1'b1;
        end
        if (k[RUN_IDX_W-1:0] == oc_idx) pre_start[32*k +: 32] = h_seq;
        if ({1'b0, k[RUN_IDX_W-1:0]} >= rm_at) begin
            rm_on[k] = run_on_dn[k];
            rm_psh[k] = run_psh_dn[k];
            rm_start[32*k +: 32] = run_start_dn[32*k +: 32];
            rm_end[32*k +: 32] = run_end_dn[32*k +: 32];
            rm_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH] = run_ptr_dn[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH];
            rm_off[17*k +: 17] = run_off_dn[17*k +: 17];
        end
    end
    // the merge: without the run om_idx grew up to (rm_at), run om_idx ending where that one did
    mrg_end = rm_end;
    mrg_ptr = rm_ptr;
    mrg_off = rm_off;
    mrg_psh = rm_psh;
    for (k = 0; k < OOO_RUNS; k = k + 1) begin
        if (k[RUN_IDX_W-1:0] == om_idx) begin
            mrg_end[32*k +: 32] = run_end_dn[32*k +: 32];
            mrg_ptr[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH] = run_ptr_dn[RCV_PTR_WIDTH*k +: RCV_PTR_WIDTH];
            mrg_off[17*k +: 17] = run_off_dn[17*k +: 17];
            mrg_psh[k] = t_run_psh[k] || run_psh_dn[k];
        end
    end
end
// in-order data stops where the held run starts (the rest of the segment is held already)
wire in_reaches_run = t_ooo_on && seq_lt(t_ooo_start, h_end);
wire [31:0] in_to_run = t_ooo_start - t_rcv_nxt;
// the walk to the receive entry and offset of a held byte, and the write there
reg [RCV_PTR_WIDTH-1:0] w_ptr = {RCV_PTR_WIDTH{1'b0}};
reg [31:0] w_off = 32'd0;
wire [31:0] re_len32 = {15'd0, re_len};
wire [31:0] w_room = re_len32 - w_off;
wire [15:0] w_n = {16'd0, seg_avail} < w_room ? seg_avail : w_room[15:0];
// the gap filled: the held bytes are taken in, entry by entry from the head
wire [31:0] join_left = t_ooo_end - t_rcv_nxt;
wire [31:0] join_n = min32(join_left, {15'd0, re_room});

// a transmit command from the TCB and the segment fields chosen by the state machine
reg [31:0] x_seq;
reg [7:0] x_flags;
reg [63:0] x_addr;
reg [15:0] x_len;
reg [`TOE_TXC_WIDTH-1:0] txc_build;
always @* begin
    txc_build = {`TOE_TXC_WIDTH{1'b0}};
    txc_build[`TOE_TXC_DST_MAC_LSB +: 48] = t_dst_mac;
    txc_build[`TOE_TXC_SRC_MAC_LSB +: 48] = src_mac;
    txc_build[`TOE_TXC_SRC_IP_LSB +: 32] = t_local_ip;
    txc_build[`TOE_TXC_DST_IP_LSB +: 32] = t_remote_ip;
    txc_build[`TOE_TXC_SRC_PORT_LSB +: 16] = t_local_port;
    txc_build[`TOE_TXC_DST_PORT_LSB +: 16] = t_remote_port;
    txc_build[`TOE_TXC_SEQ_LSB +: 32] = x_seq;
    txc_build[`TOE_TXC_ACK_LSB +: 32] = x_flags[`TOE_TCP_ACK] ? t_rcv_nxt : 32'd0;
    txc_build[`TOE_TXC_FLAGS_LSB +: 8] = x_flags;
    txc_build[`TOE_TXC_WINDOW_LSB +: 16] = x_flags[`TOE_TCP_RST] ? 16'd0 : win_field;
    txc_build[`TOE_TXC_TTL_LSB +: 8] = t_ttl;
    txc_build[`TOE_TXC_TOS_LSB +: 8] = t_tos;
    // R76: the card's IP IDs are the upper half of the space (0x8000-0xFFFF); the lower half is
    // the host stack's
    txc_build[`TOE_TXC_IP_ID_LSB +: 16] = {1'b1, t_ip_id[14:0]};
    txc_build[`TOE_TXC_ADDR_LSB +: 64] = x_addr;
    txc_build[`TOE_TXC_LEN_LSB +: 16] = x_len;
    txc_build[`TOE_TXC_CTX_LSB +: 16] = {{16-CONN_WIDTH{1'b0}}, cur_conn};
end

// delegated state as the host reads it back (query, terminate)
reg [DLG_BITS-1:0] dlg_build;
always @* begin
    dlg_build = {DLG_BITS{1'b0}};
    dlg_build[`FLUE_TCP_DELEGATED_STATE_STATE_LSB +: 8] = {4'd0, t_state};
    dlg_build[`FLUE_TCP_DELEGATED_STATE_DUP_ACK_COUNT_LSB +: 8] = t_dupacks;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SND_WND_PROBE_COUNT_LSB +: 8] = t_wnd_probe;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_RCV_NXT_LSB +: 32] = t_rcv_nxt;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_RCV_WND_LSB +: 32] = t_rcv_adv - t_rcv_nxt;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SND_UNA_LSB +: 32] = t_snd_una;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SND_NXT_LSB +: 32] = t_snd_nxt;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SND_MAX_LSB +: 32] = t_snd_max;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SND_WND_LSB +: 32] = t_snd_wnd;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_MAX_SND_WND_LSB +: 32] = t_max_snd_wnd;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SEND_WL1_LSB +: 32] = t_snd_wl1;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_C_WND_LSB +: 32] = t_cwnd;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SS_THRESH_LSB +: 32] = t_ssthresh;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_S_RTT_LSB +: 16] = t_srtt;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_RTT_VAR_LSB +: 16] = t_rttvar;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_KA_PROBE_COUNT_LSB +: 32] = {24'd0, t_ka_probes};
    dlg_build[`FLUE_TCP_DELEGATED_STATE_KA_TIMEOUT_DELTA_LSB +: 32] = t_ka_on ? t_ka_at - now : 32'hffffffff;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_RT_COUNT_LSB +: 32] = {24'd0, t_rt_count};
    dlg_build[`FLUE_TCP_DELEGATED_STATE_TOTAL_RT_LSB +: 32] = total_rt;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_RT_TIMEOUT_DELTA_LSB +: 32] = t_rtx_on ? t_rtx_at - now : 32'hffffffff;
    // R29, R69: the send backlog once an RTT is known; the receive backlog is not reported
    dlg_build[`FLUE_TCP_DELEGATED_STATE_SEND_BACKLOG_SIZE_LSB +: 32] = t_srtt == 16'd0 ? 32'hffffffff : bl_now;
    dlg_build[`FLUE_TCP_DELEGATED_STATE_RECEIVE_BACKLOG_SIZE_LSB +: 32] = 32'hffffffff;
end

// initiate: the state block's fields and their checks
wire [31:0] b_valid_mask = blk[`FLUE_CONN_STATE_BLOCK_VALID_MASK_LSB +: 32];
wire [31:0] b_nbr = blk[`FLUE_CONN_STATE_BLOCK_NEIGHBOR_ID_LSB +: 32];
wire [31:0] b_hrd = blk[NB + `FLUE_NEIGHBOR_STATE_HOST_REACHABILITY_DELTA_LSB +: 32];
wire [31:0] b_nrd = blk[NB + `FLUE_NEIGHBOR_STATE_NIC_REACHABILITY_DELTA_LSB +: 32];
wire [11:0] b_vlan = blk[NB + `FLUE_NEIGHBOR_STATE_VLAN_ID_LSB +: 12];
wire [47:0] b_src_mac = mac_from_mem(blk[NB + `FLUE_NEIGHBOR_STATE_DL_SOURCE_ADDRESS_LSB +: 48]);
wire [47:0] b_dst_mac = mac_from_mem(blk[NB + `FLUE_NEIGHBOR_STATE_DL_DESTINATION_ADDRESS_LSB +: 48]);
wire [31:0] b_src_ip = ip_from_mem(blk[PB + `FLUE_PATH_STATE_SOURCE_ADDRESS_LSB +: 32]);
wire [31:0] b_dst_ip = ip_from_mem(blk[PB + `FLUE_PATH_STATE_DESTINATION_ADDRESS_LSB +: 32]);
wire [31:0] b_mtu = blk[PB + `FLUE_PATH_STATE_PATH_MTU_LSB +: 32];
wire [15:0] b_cflags = blk[CB + `FLUE_TCP_CONST_STATE_FLAGS_LSB +: 16];
wire [15:0] b_rport = blk[CB + `FLUE_TCP_CONST_STATE_REMOTE_PORT_LSB +: 16];
wire [15:0] b_lport = blk[CB + `FLUE_TCP_CONST_STATE_LOCAL_PORT_LSB +: 16];
wire [3:0] b_snd_ws = blk[CB + `FLUE_TCP_CONST_STATE_SND_WIND_SCALE_LSB +: 4];
wire [3:0] b_rcv_ws = blk[CB + `FLUE_TCP_CONST_STATE_RCV_WIND_SCALE_LSB +: 4];
wire [15:0] b_rmss = blk[CB + `FLUE_TCP_CONST_STATE_REMOTE_MSS_LSB +: 16];
wire [7:0] b_ttl = blk[KB + `FLUE_TCP_CACHED_STATE_TTL_LSB +: 8];
wire b_ka_enable = blk[KB + `FLUE_TCP_CACHED_STATE_FLAGS_LSB + 0];     // TCP_FLAG_KEEP_ALIVE_ENABLED
wire b_ka_restart = blk[KB + `FLUE_TCP_CACHED_STATE_FLAGS_LSB + 2];    // TCP_FLAG_KEEP_ALIVE_RESTART
wire b_upd_rcv_wnd = blk[KB + `FLUE_TCP_CACHED_STATE_FLAGS_LSB + 4];   // TCP_FLAG_UPDATE_RCV_WND
wire b_max_rt_restart = blk[KB + `FLUE_TCP_CACHED_STATE_FLAGS_LSB + 3]; // TCP_FLAG_MAX_RT_RESTART
wire [31:0] b_max_rt = blk[KB + `FLUE_TCP_CACHED_STATE_MAX_RT_LSB +: 32];
wire [31:0] b_total_rt = blk[DB + `FLUE_TCP_DELEGATED_STATE_TOTAL_RT_LSB +: 32];
wire [7:0] b_ka_max = blk[KB + `FLUE_TCP_CACHED_STATE_KA_PROBE_COUNT_LSB +: 8];
wire [31:0] b_ka_idle = blk[KB + `FLUE_TCP_CACHED_STATE_KA_TIMEOUT_LSB +: 32];
wire [31:0] b_ka_intv = blk[KB + `FLUE_TCP_CACHED_STATE_KA_INTERVAL_LSB +: 32];
wire [31:0] b_ka_probes = blk[DB + `FLUE_TCP_DELEGATED_STATE_KA_PROBE_COUNT_LSB +: 32];
wire [31:0] b_ka_delta = blk[DB + `FLUE_TCP_DELEGATED_STATE_KA_TIMEOUT_DELTA_LSB +: 32];
wire [7:0] b_tos = blk[KB + `FLUE_TCP_CACHED_STATE_TOS_LSB +: 8];
wire [7:0] b_state = blk[DB + `FLUE_TCP_DELEGATED_STATE_STATE_LSB +: 8];
wire [31:0] b_rcv_nxt = blk[DB + `FLUE_TCP_DELEGATED_STATE_RCV_NXT_LSB +: 32];
wire [31:0] b_rcv_wnd = blk[DB + `FLUE_TCP_DELEGATED_STATE_RCV_WND_LSB +: 32];
wire [31:0] b_snd_una = blk[DB + `FLUE_TCP_DELEGATED_STATE_SND_UNA_LSB +: 32];
wire [31:0] b_snd_nxt = blk[DB + `FLUE_TCP_DELEGATED_STATE_SND_NXT_LSB +: 32];
wire [31:0] b_snd_max = blk[DB + `FLUE_TCP_DELEGATED_STATE_SND_MAX_LSB +: 32];
wire [31:0] b_snd_wnd = blk[DB + `FLUE_TCP_DELEGATED_STATE_SND_WND_LSB +: 32];
wire [31:0] b_max_snd_wnd = blk[DB + `FLUE_TCP_DELEGATED_STATE_MAX_SND_WND_LSB +: 32];
wire [31:0] b_wl1 = blk[DB + `FLUE_TCP_DELEGATED_STATE_SEND_WL1_LSB +: 32];
wire [31:0] b_cwnd = blk[DB + `FLUE_TCP_DELEGATED_STATE_C_WND_LSB +: 32];
wire [31:0] b_ssthresh = blk[DB + `FLUE_TCP_DELEGATED_STATE_SS_THRESH_LSB +: 32];
wire [15:0] b_srtt = blk[DB + `FLUE_TCP_DELEGATED_STATE_S_RTT_LSB +: 16];
wire [15:0] b_rttvar = blk[DB + `FLUE_TCP_DELEGATED_STATE_RTT_VAR_LSB +: 16];
// R78, R83: the retransmit slot as the host ran it (TimeoutDelta -1: not running; 0 fires at
// once); with a zero window and nothing in flight it is the persist timer of round SndWndProbeCount
wire [31:0] b_rt_count = blk[DB + `FLUE_TCP_DELEGATED_STATE_RT_COUNT_LSB +: 32];
wire [31:0] b_rt_delta = blk[DB + `FLUE_TCP_DELEGATED_STATE_RT_TIMEOUT_DELTA_LSB +: 32];
wire [7:0] b_wnd_probe = blk[DB + `FLUE_TCP_DELEGATED_STATE_SND_WND_PROBE_COUNT_LSB +: 8];
wire b_rt_running = b_rt_delta != 32'hffffffff;
wire [31:0] b_mss_path = b_mtu > 32'd40 ? b_mtu - 32'd40 : 32'd0;
wire [15:0] b_mss = {16'd0, b_rmss} < b_mss_path ? b_rmss : b_mss_path[15:0];
wire [31:0] b_rto_raw = {19'd0, b_srtt[15:3]} + {16'd0, b_rttvar};
// no RTT known yet: RFC 6298 (2.1) 1 s, here five minimum RTOs
wire [31:0] b_rto = b_srtt == 16'd0 ? min32(cfg_min_rto_ticks * 5, cfg_max_rto_ticks)
    : min32(max32(b_rto_raw, cfg_min_rto_ticks), cfg_max_rto_ticks);
// R21: ESTABLISHED, CLOSE_WAIT and the states after the host's own close. After a FIN the host
// sent and the peer has not acknowledged (FIN_WAIT_1, CLOSING, LAST_ACK) the connection goes in
// as it was before that close, and the miniport posts a disconnect after the handed-over data:
// that places the FIN (see S_SEND_LINK). In FIN_WAIT_2 the FIN is acknowledged: SND.UNA is past it.
wire b_fin_acked_state = b_state == {4'd0, ST_FIN_WAIT_2};
wire b_state_ok = b_state == {4'd0, ST_ESTABLISHED} || b_state == {4'd0, ST_CLOSE_WAIT} || b_fin_acked_state
    || b_state == {4'd0, ST_FIN_WAIT_1} || b_state == {4'd0, ST_CLOSING} || b_state == {4'd0, ST_LAST_ACK};
wire b_peer_fin = b_state == {4'd0, ST_CLOSE_WAIT} || b_state == {4'd0, ST_CLOSING} || b_state == {4'd0, ST_LAST_ACK};
wire [3:0] b_install_state = b_fin_acked_state ? ST_FIN_WAIT_2 : b_peer_fin ? ST_CLOSE_WAIT : ST_ESTABLISHED;
wire b_persist = b_snd_wnd == 32'd0 && b_snd_una == b_snd_max && b_rt_running && !b_fin_acked_state;
// data in flight at initiate comes as the first sends (the miniport posts the NBL chain the
// host handed over, from SndUna on): SND.UNA <= SND.NXT <= SND.MAX
wire block_ok = b_valid_mask[4:0] == 5'h1f && b_nbr < MAX_CONNS && b_vlan == 12'd0 && b_state_ok && !seq_lt(b_snd_nxt, b_snd_una)
    && !seq_lt(b_snd_max, b_snd_nxt) && b_mss >= 16'd64 && b_snd_ws <= 4'd14 && b_rcv_ws <= 4'd14
    && !b_cflags[0] && b_src_ip != 32'd0 && b_dst_ip != 32'd0 && (!b_fin_acked_state || b_snd_una == b_snd_max);
wire [`TOE_KEY_WIDTH-1:0] b_key = {b_dst_ip, b_src_ip, b_rport, b_lport};
wire [`TOE_KEY_WIDTH-1:0] t_key = {t_remote_ip, t_local_ip, t_remote_port, t_local_port};

wire cq_room = (cq_wptr - cq_rptr) < CQ_N - 2;

function [CPL_REC_WIDTH-1:0] cpl_rec;
    input [7:0] kind;
    input [7:0] opcode;
    input [7:0] status;
    input [31:0] tag;
    input [31:0] length;
    input [31:0] conn;
    input [31:0] info;
    begin
        cpl_rec = {CPL_REC_WIDTH{1'b0}};
        cpl_rec[`FLUE_CPL_ENTRY_KIND_LSB +: 8] = kind;
        cpl_rec[`FLUE_CPL_ENTRY_OPCODE_LSB +: 8] = opcode;
        cpl_rec[`FLUE_CPL_ENTRY_STATUS_LSB +: 8] = status;
        cpl_rec[`FLUE_CPL_ENTRY_TAG_LSB +: 32] = tag;
        cpl_rec[`FLUE_CPL_ENTRY_LENGTH_LSB +: 32] = length;
        cpl_rec[`FLUE_CPL_ENTRY_CONN_LSB +: 32] = conn;
        cpl_rec[`FLUE_CPL_ENTRY_INFO_LSB +: 32] = info;
    end
endfunction

wire [31:0] conn32 = {{32-CONN_WIDTH{1'b0}}, cur_conn};
wire d_conn_ok = d_conn < MAX_CONNS && conn_valid[d_conn[CONN_WIDTH-1:0]];
wire [CONN_WIDTH-1:0] h_conn = s_axis_rxh_tdata[`TOE_RXH_CONN_LSB +: CONN_WIDTH];
wire walk_valid = conn_valid[walk_idx[CONN_WIDTH-1:0]];

// R33: a terminate takes the connection out of the lookup table first, so segments arriving
// from then on go up the L2 path to the host; then, with requests held, it waits until every
// header record looked up before (queued within TERM_SETTLE cycles of the removal) has been
// taken and processed, and only then writes the delegated state. Nothing the card acknowledged
// or the host must see is lost between the two. Forwards taken before the terminate count too:
// the count is armed only once toe_fwd_parse holds no segment (its record queued, or the segment
// dropped), and no forward reaches it while requests are held.
localparam TERM_SETTLE = 16;
reg term_wait = 1'b0;           // a terminate is waiting for the records before it
reg term_armed = 1'b0;          // ... and knows how many that is
reg [4:0] term_settle = 5'd0;
reg [15:0] term_target = 16'd0;
reg [15:0] rxh_taken = 16'd0;
wire term_ready = term_wait && term_armed && rxh_taken == term_target;

// the event the idle state takes next: the sources in turn, starting at prio
reg [1:0] prio_pick;
reg prio_any;
// transmit commands handed on and reported done by the transmitter, counted mod 256 (at most
// a few dozen are ever in flight); the difference is what the transmitter still holds
reg [7:0] txc_taken = 8'd0;
reg [7:0] txc_reported = 8'd0;
wire [7:0] txc_inflight = txc_taken - txc_reported;
wire txc_take = txc_valid_reg && m_axis_txc_tready;
// a forward waits in the request queue until toe_fwd_parse has room for it, so the engine never
// stalls reading it (the placement commands that empty that block's FIFO come from the engine)
wire req_takeable = s_axis_req_tdata[`FLUE_REQ_DESC_OPCODE_LSB +: 8] != `FLUE_OPCODE_TCP_FORWARD || s_fwd_ready;
always @* begin : pick
    integer k;
    reg [1:0] c;
    prio_pick = EV_REQ;
    prio_any = 1'b0;
    for (k = 3; k >= 0; k = k - 1) begin
        c = prio + k[1:0];
        if ((c == EV_REQ && s_axis_req_tvalid && req_takeable && !term_wait) || (c == EV_RX && s_axis_rxh_tvalid)
                || (c == EV_TX && txq_head_valid && txc_inflight < TXC_AHEAD[7:0]) || (c == EV_TMR && walk_pending)) begin
            prio_pick = c;
            prio_any = 1'b1;
        end
    end
end

assign s_axis_req_tready = state_reg == S_IDLE && !term_ready && prio_any && prio_pick == EV_REQ;
assign s_axis_rxh_tready = state_reg == S_IDLE && !term_ready && prio_any && prio_pick == EV_RX;

// registers the state machine fills for S_CPL, S_EVENT, S_RQ_POP and S_FLUSH
reg [31:0] c_conn = 32'd0;
reg [5:0] cpl_next = S_IDLE;
reg [5:0] flush_next = S_IDLE;
reg [7:0] pop_status = 8'd0;
reg pop_if_push = 1'b0;         // S_RQ_POP: only a push-mode buffer (a PSH arrived)
reg disc_done = 1'b0;           // the FIN was just acknowledged: complete the disconnect after the sends
reg placed_any = 1'b0;
reg send_silent = 1'b0;         // the data of a graceful disconnect: no completion of its own
reg cf_we = 1'b0;
reg [CONN_WIDTH-1:0] cf_waddr = {CONN_WIDTH{1'b0}};
reg [CONN_WIDTH-1:0] cf_wdata = {CONN_WIDTH{1'b0}};
reg sf_we = 1'b0;
reg [SND_PTR_WIDTH-1:0] sf_waddr = {SND_PTR_WIDTH{1'b0}};
reg [SND_PTR_WIDTH-1:0] sf_wdata = {SND_PTR_WIDTH{1'b0}};
reg rf_we = 1'b0;
reg [RCV_PTR_WIDTH-1:0] rf_waddr = {RCV_PTR_WIDTH{1'b0}};
reg [RCV_PTR_WIDTH-1:0] rf_wdata = {RCV_PTR_WIDTH{1'b0}};
// the idle state takes the queue head
wire txq_pop = state_reg == S_IDLE && !term_ready && prio_any && prio_pick == EV_TX;

// the segment fields of the transmit command being built
always @* begin
    // a segment without data carries SND.MAX: after a retransmission timeout SND.NXT lies back
    // at the data being resent, older than the peer's RCV.NXT if it has that data (it would
    // drop the ACK as unacceptable and answer with its own)
    x_seq = t_snd_max;
    x_flags = F_ACK;
    x_addr = 64'd0;
    x_len = 16'd0;
    case (state_reg)
        S_TX_EMIT: begin
            x_seq = tx_from;
            x_flags = F_ACK | (se_push && tx_entry_end ? F_PSH : 8'd0) | (tx_fin ? F_FIN : 8'd0);
            x_addr = {16'd0, se_addr} + {32'd0, tx_off};
            x_len = tx_n[15:0];
        end
        S_TX_FIN: begin
            x_seq = t_snd_nxt;
            x_flags = F_ACK | F_FIN;
        end
        default: begin
            x_flags = ack_rst ? (F_RST | F_ACK) : F_ACK;
            // a keepalive probe: one before SND.UNA, which the peer answers with an ACK (RFC 9293 3.8.4)
            if (ack_ka) x_seq = t_snd_una - 1'b1;
        end
    endcase
end

wire txc_free = !txc_valid_reg;
wire plc_free = !plc_valid_reg;
wire [31:0] send_len = d_len;
wire est_like = t_state == ST_ESTABLISHED || t_state == ST_CLOSE_WAIT;
// an ACK the card has put off (TcpAckFrequency, the delayed-ACK timer) on a connection still open
wire ack_owed = (t_dack_on || t_unacked != 8'd0) && t_state != ST_CLOSED && !t_aborted;
wire rcv_state = t_state == ST_ESTABLISHED || t_state == ST_FIN_WAIT_1 || t_state == ST_FIN_WAIT_2;

// R83, the persist timer (N:persist-timer). It starts when the peer's window is zero, data waits
// and nothing is in flight for the retransmission timer to resend: round 0, Count 0, expiry after
// RTO << SndWndProbeCount. Each expiry sends a probe (the byte at SND.UNA) and re-arms the slot
// at RTO << Count, Count + 1; a zero-window ACK after a probe starts the next round; more than
// TcpMaximumRetransmissions probes in a round ask for the upload; a window that opens ends it.
// Start and end are decided as the TCB is written back, after whatever the event changed.
wire persist_start = !t_persist && t_snd_wnd == 32'd0 && data_pending && t_tx_valid && !t_rtx_on
    && !t_rexmit_one && t_snd_nxt == t_snd_una && est_like && !t_aborted && !t_retrieve_sent;
wire persist_stop = t_persist && (t_snd_wnd != 32'd0 || t_aborted);
// the timer walk: the retransmit slot ran out and gives up (FIN_WAIT_2, or past
// TcpMaximumRetransmissions)
wire rtx_due = t_rtx_on && !seq_lt(now, t_rtx_at);
wire rtx_persist_done = rtx_due && t_persist && !data_pending;
// R67: MaxRT, when the host gave one, bounds the time spent retransmitting a segment instead of
// the count (the persist timer's probes are always counted, R83)
wire [31:0] total_rt = t_rt_count != 8'd0 && !t_persist ? now - t_rt_since : 32'd0;
wire rtx_past_limit = t_persist || t_max_rt == 32'd0 ? t_rt_count >= cfg_max_retransmissions
    : t_max_rt != 32'hffffffff && t_rt_count != 8'd0 && total_rt >= t_max_rt;
wire rtx_give_up = rtx_due && (t_state == ST_FIN_WAIT_2 || (rtx_past_limit && !rtx_persist_done));
// keepalive: KaProbeCount probes unanswered (10 when the host gave 0) close the connection and ask
// for the upload (as R75's keepalive does); a probe goes only while the connection is idle (nothing
// in flight, no ACK due in this walk: the probe's old sequence number would keep the peer from
// reading its ACK field), else the timer starts over
wire ka_due = t_ka_on && !seq_lt(now, t_ka_at);
wire [7:0] ka_max = t_ka_max == 8'd0 ? 8'd10 : t_ka_max;
wire ka_give_up = ka_due && t_ka_probes >= ka_max;
// either giving up asks for the upload (one event) unless that was asked already
wire walk_event = (rtx_give_up || ka_give_up) && !t_retrieve_sent;
wire ka_idle = t_snd_max == t_snd_una && !t_persist && est_like && !(t_dack_on && !seq_lt(now, t_dack_at));
wire wb_persist = persist_start || (t_persist && !persist_stop);
wire [7:0] wb_wnd_probe = persist_start || persist_stop ? 8'd0 : t_wnd_probe;
wire [7:0] wb_rt_count = persist_start || persist_stop ? 8'd0 : t_rt_count;
wire wb_rtx_on = persist_start || (t_rtx_on && !persist_stop);
// an isle whose run was given up (a receive completed with room, an abort): its buffer goes back
wire wb_isle = t_isle && t_ooo_on;
wire [31:0] wb_rtx_at = persist_start ? now + shl_cap(t_rto, 8'd0, cfg_max_rto_ticks) : t_rtx_at;
wire [7:0] wnd_probe_next = t_wnd_probe == 8'hff ? t_wnd_probe : t_wnd_probe + 1'b1;
// at terminate, the bytes of the head send acknowledged; none of a later one (its start lies
// past SND.UNA: the difference would wrap)
wire [31:0] term_acked = seq_lt(t_sq_head_seq, una_data) ? una_data - t_sq_head_seq : 32'd0;

always @(posedge clk) begin
    tcb_we <= 1'b0;
    snd_we <= 1'b0;
    snd_nwe <= 1'b0;
    rcv_we <= 1'b0;
    rcv_nwe <= 1'b0;
    cq_we <= 1'b0;
    txq_we <= 1'b0;
    cf_we <= 1'b0;
    sf_we <= 1'b0;
    rf_we <= 1'b0;
    nb_we <= 1'b0;
    nrt_we <= 1'b0;
    hrt_we <= 1'b0;
    conn_valid_set <= 1'b0;
    conn_valid_clr <= 1'b0;
    txq_member_set <= 1'b0;
    txq_member_clr <= 1'b0;
    nb_settle <= nb_we;
    if (nb_we) nb_wptr <= nb_wptr + 1'b1;
    if (s_axis_rxh_tvalid && s_axis_rxh_tready) rxh_taken <= rxh_taken + 1'b1;
    if (term_wait && !term_armed) begin
        if (term_settle != 5'd0) begin
            term_settle <= term_settle - 1'b1;
        end else if (!s_fwd_busy) begin
            term_target <= s_rxh_queued;
            term_armed <= 1'b1;
        end
    end
    stat_tx_segment_reg <= 1'b0;
    stat_retransmit_reg <= 1'b0;
    fault_reg <= 1'b0;

    if (hash_valid_reg && m_hash_ready) hash_valid_reg <= 1'b0;
    if (txc_valid_reg && m_axis_txc_tready) txc_valid_reg <= 1'b0;
    if (plc_valid_reg && m_axis_plc_tready) plc_valid_reg <= 1'b0;
    if (rd_desc_valid_reg && m_axis_rd_desc_ready) rd_desc_valid_reg <= 1'b0;
    if (wr_desc_valid_reg && m_axis_wr_desc_ready) wr_desc_valid_reg <= 1'b0;
    if (dlg_busy && m_axis_wr_data_tready) begin
        dlg_word <= dlg_word + 1'b1;
        if (dlg_word == DLG_LAST_W) dlg_busy <= 1'b0;
    end
    if (s_axis_wr_status_valid) begin
        dlg_status_got <= 1'b1;
        dlg_status_err <= s_axis_wr_status_error != 0;
    end

    // the timer walker visits every connection once per tick
    if (tick) begin
        now <= now + 1'b1;
        if (!walk_pending) begin
            walk_pending <= 1'b1;
            walk_idx <= {CONN_WIDTH+1{1'b0}};
        end
    end

    case (state_reg)
        S_SWEEP: begin
            // fill the free lists: id 0 on top
            if (sweep < MAX_CONNS) begin
                cf_we <= 1'b1;
                cf_waddr <= sweep[CONN_WIDTH-1:0];
                cf_wdata <= MAX_CONNS[CONN_WIDTH-1:0] - 1'b1 - sweep[CONN_WIDTH-1:0];
            end
            if (sweep < SND_N) begin
                sf_we <= 1'b1;
                sf_waddr <= sweep[SND_PTR_WIDTH-1:0];
                sf_wdata <= SND_N[SND_PTR_WIDTH-1:0] - 1'b1 - sweep[SND_PTR_WIDTH-1:0];
            end
            if (sweep < RCV_N) begin
                rf_we <= 1'b1;
                rf_waddr <= sweep[RCV_PTR_WIDTH-1:0];
                rf_wdata <= RCV_N[RCV_PTR_WIDTH-1:0] - 1'b1 - sweep[RCV_PTR_WIDTH-1:0];
            end
            sweep <= sweep + 1'b1;
            if (sweep >= MAX_CONNS && sweep >= SND_N && sweep >= RCV_N) begin
                conn_free_count <= MAX_CONNS[CONN_WIDTH:0];
                snd_free_count <= SND_N[SND_PTR_WIDTH:0];
                rcv_free_count <= RCV_N[RCV_PTR_WIDTH:0];
                state_reg <= S_IDLE;
            end
        end
        S_IDLE: begin
            ack_now <= 1'b0;
            ack_ride <= 1'b0;
            ack_rst <= 1'b0;
            ack_ka <= 1'b0;
            flush_sends <= 1'b0;
            flush_term <= 1'b0;
            pop_if_push <= 1'b0;
            disc_done <= 1'b0;
            placed_any <= 1'b0;
            send_silent <= 1'b0;
            plc_open <= 1'b0;
            if (term_ready) begin
                // the records before the terminate are in: its second half (the request's
                // fields are as it left them; no request has been taken since)
                term_wait <= 1'b0;
                term_armed <= 1'b0;
                ev <= EV_REQ;
                cur_conn <= d_conn[CONN_WIDTH-1:0];
                tcb_raddr <= d_conn[CONN_WIDTH-1:0];
                ret_state <= S_DLG_DESC;
                state_reg <= S_LOAD;
            end else if (prio_any) begin
                prio <= prio_pick + 1'b1;
                ev <= prio_pick;
                case (prio_pick)
                    EV_REQ: begin
                        d_opcode <= s_axis_req_tdata[`FLUE_REQ_DESC_OPCODE_LSB +: 8];
                        d_flags <= s_axis_req_tdata[`FLUE_REQ_DESC_FLAGS_LSB +: 8];
                        d_tag <= s_axis_req_tdata[`FLUE_REQ_DESC_TAG_LSB +: 32];
                        d_addr <= s_axis_req_tdata[`FLUE_REQ_DESC_ADDR_LSB +: 64];
                        d_len <= s_axis_req_tdata[`FLUE_REQ_DESC_LENGTH_LSB +: 32];
                        d_conn <= s_axis_req_tdata[`FLUE_REQ_DESC_CONN_LSB +: 32];
                        d_param <= s_axis_req_tdata[`FLUE_REQ_DESC_PARAM_LSB +: 32];
                        state_reg <= S_REQ;
                    end
                    EV_RX: begin
                        h_seq <= s_axis_rxh_tdata[`TOE_RXH_SEQ_LSB +: 32];
                        h_ack <= s_axis_rxh_tdata[`TOE_RXH_ACK_LSB +: 32];
                        h_flags <= s_axis_rxh_tdata[`TOE_RXH_FLAGS_LSB +: 8];
                        h_wnd <= s_axis_rxh_tdata[`TOE_RXH_WINDOW_LSB +: 16];
                        h_len <= s_axis_rxh_tdata[`TOE_RXH_LEN_LSB +: 16];
                        h_fwd <= s_axis_rxh_tdata[`TOE_RXH_FWD_LSB];
                        plc_open <= s_axis_rxh_tdata[`TOE_RXH_LEN_LSB +: 16] != 16'd0;
                        cur_conn <= h_conn;
                        tcb_raddr <= h_conn;
                        // a connection terminated while its segments were queued: drop them
                        state_reg <= conn_valid[h_conn] ? S_LOAD : S_DISCARD;
                    end
                    EV_TX: begin
                        txq_member_clr <= 1'b1;
                        txq_member_clr_addr <= txq_head;
                        cur_conn <= txq_head;
                        tcb_raddr <= txq_head;
                        state_reg <= conn_valid[txq_head] ? S_LOAD : S_IDLE;
                    end
                    default: begin
                        state_reg <= S_TMR_SCAN;
                    end
                endcase
            end
        end
        S_TMR_SCAN: begin
            if (walk_idx[CONN_WIDTH]) begin
                walk_pending <= 1'b0;
                state_reg <= S_IDLE;
            end else if (walk_valid) begin
                cur_conn <= walk_idx[CONN_WIDTH-1:0];
                tcb_raddr <= walk_idx[CONN_WIDTH-1:0];
                walk_idx <= walk_idx + 1'b1;
                state_reg <= S_LOAD;
            end else begin
                walk_idx <= walk_idx + 1'b1;
                state_reg <= S_IDLE;
            end
        end
        S_LOAD: begin
            state_reg <= S_LOADED;
        end
        S_LOADED: begin
            nbr_asked <= 1'b0;
            {t_state, t_dst_mac, t_src_mac, t_local_ip, t_remote_ip, t_local_port, t_remote_port, t_ttl, t_tos, t_mss,
             t_snd_ws, t_rcv_ws, t_rcv_nxt, t_rcv_adv, t_rcv_space, t_snd_una, t_snd_nxt, t_snd_max, t_snd_end, t_snd_wnd,
             t_snd_wl1, t_snd_wl2, t_max_snd_wnd, t_cwnd, t_ssthresh, t_recover, t_cwnd_acc, t_in_recovery, t_dupacks,
             t_rt_count, t_rexmit_one, t_srtt, t_rttvar, t_rto, t_rtt_seq, t_rtt_tick, t_rtt_on, t_rtx_on, t_rtx_at,
             t_dack_on, t_dack_at, t_unacked, t_push_on, t_push_at, t_sq_head, t_sq_tail, t_sq_count, t_sq_head_seq,
             t_tx_ptr, t_tx_seq, t_tx_valid, t_fin_req, t_fin_sent, t_fin_acked, t_disc_tag, t_disc_pending, t_rq_head,
             t_rq_tail, t_rq_count, t_rq_fill, t_fin_rcvd, t_aborted, t_retrieve_sent, t_ip_id, t_ooo_seen,
             t_run_on, t_run_psh, t_run_start, t_run_end, t_run_ptr, t_run_off, t_bl, t_bl_at, t_rst_chal, t_syn_chal,
             t_syn_chal_sec,
             t_urg_hold, t_persist, t_wnd_probe, t_ka_en, t_ka_on, t_ka_at, t_ka_probes, t_ka_idle, t_ka_intv,
             t_ka_max, t_snd_refused, t_isle, t_isle_id, t_isle_addr, t_isle_cap, t_fresh, t_max_rt, t_rt_since, t_nbr} <= tcb_rdata;
            state_reg <= ret_state;
            if (ev == EV_REQ && (ret_state == S_BLK_DESC || ret_state == S_FWD_DESC)) begin
                rd_desc_valid_reg <= 1'b1;
            end
            case (ev)
                EV_RX: state_reg <= S_RX;
                EV_TX: state_reg <= S_TX;
                EV_TMR: state_reg <= S_TMR;
                default: state_reg <= ret_state;
            endcase
        end
        S_REQ: begin
            word <= {WORD_IDX_WIDTH{1'b0}};
            blk_error <= 1'b0;
            c_conn <= d_conn;
            c_length <= 32'd0;
            cpl_next <= S_IDLE;
            case (d_opcode)
                `FLUE_OPCODE_OFFLOAD_INITIATE: begin
                    c_conn <= 32'd0;
                    if (conn_free_count == 0) begin
                        c_status <= `FLUE_CPL_STATUS_RESOURCES;
                        state_reg <= S_CPL;
                    end else begin
                        cur_conn <= conn_free_top;
                        conn_free_count <= conn_free_count - 1'b1;
                        rd_desc_valid_reg <= 1'b1;
                        word <= {WORD_IDX_WIDTH{1'b0}};
                        blk_error <= 1'b0;
                        ret_state <= S_INIT_CHECK;
                        state_reg <= S_BLK_DESC;
                    end
                end
                `FLUE_OPCODE_NEIGHBOR_REACH: begin
                    // R70: the host's answer to NEIGHBOR_QUERY (or news of the neighbor): its HRD
                    // in param, for neighbor id conn; not tied to a connection
                    c_conn <= d_conn;
                    if (d_conn >= MAX_CONNS) begin
                        c_status <= `FLUE_CPL_STATUS_BAD_CONN;
                    end else begin
                        hrt_we <= 1'b1;
                        hrt_waddr <= d_conn[CONN_WIDTH-1:0];
                        hrt_wdata <= now - d_param;
                        c_status <= `FLUE_CPL_STATUS_OK;
                    end
                    state_reg <= S_CPL;
                end
                `FLUE_OPCODE_NEIGHBOR_NRD: begin
                    // a query or terminate of the neighbor: NRD = now - NRT in the length (t_nbr is
                    // free: no connection is loaded for this request)
                    c_conn <= d_conn;
                    if (d_conn >= MAX_CONNS) begin
                        c_status <= `FLUE_CPL_STATUS_BAD_CONN;
                        state_reg <= S_CPL;
                    end else begin
                        t_nbr <= d_conn[CONN_WIDTH-1:0];
                        nrd_wait <= 1'b1;
                        c_status <= `FLUE_CPL_STATUS_OK;
                        state_reg <= S_NBR_NRD;
                    end
                end
                `FLUE_OPCODE_TCP_RECV_RETURN: begin
                    // a NIC buffer lent (again): addr/length, the host's id in param; not tied
                    // to a connection
                    c_conn <= 32'd0;
                    if (nb_full) begin
                        c_status <= `FLUE_CPL_STATUS_RESOURCES;
                    end else if (d_len == 0 || d_len > 32'hffff) begin
                        c_status <= `FLUE_CPL_STATUS_BAD_LENGTH;
                    end else begin
                        nb_we <= 1'b1;
                        nb_wdata <= {d_param, d_addr[47:0], d_len[15:0]};
                        c_status <= `FLUE_CPL_STATUS_OK;
                    end
                    state_reg <= S_CPL;
                end
                default: begin
                    if (!d_conn_ok) begin
                        c_status <= `FLUE_CPL_STATUS_BAD_CONN;
                        state_reg <= S_CPL;
                    end else begin
                        cur_conn <= d_conn[CONN_WIDTH-1:0];
                        tcb_raddr <= d_conn[CONN_WIDTH-1:0];
                        state_reg <= S_LOAD;
                        case (d_opcode)
                            `FLUE_OPCODE_OFFLOAD_TERMINATE: ret_state <= S_TERM_HASH;
                            `FLUE_OPCODE_OFFLOAD_QUERY: ret_state <= S_DLG_DESC;
                            `FLUE_OPCODE_OFFLOAD_UPDATE: ret_state <= S_BLK_DESC;
                            `FLUE_OPCODE_TCP_SEND: ret_state <= S_SEND_LINK;
                            `FLUE_OPCODE_TCP_RECV_POST: ret_state <= S_RECV_LINK;
                            `FLUE_OPCODE_TCP_DISCONNECT: ret_state <= d_flags[2] ? S_ABORT : S_SEND_LINK;
                            // queue_dispatch refused lengths outside 20..FORWARD_MAX
                            `FLUE_OPCODE_TCP_FORWARD: ret_state <= S_FWD_DESC;
                            default: begin
                                // invalidate: this card keeps no cached state apart from what
                                // update replaces, so it goes on as before (R26's alternative)
                                c_status <= `FLUE_CPL_STATUS_OK;
                                state_reg <= S_CPL;
                            end
                        endcase
                    end
                end
            endcase
        end

        /*
         * State blocks: read at initiate and update, delegated state written at query/terminate
         */
        S_BLK_DESC: begin
            if (rd_desc_valid_reg && m_axis_rd_desc_ready) begin
                state_reg <= S_BLK_DATA;
            end
        end
        /*
         * Forward: the segment goes to toe_fwd_parse, which makes a header record of this
         * connection and a payload packet of it; completed once read (the host's buffer is free)
         */
        S_FWD_DESC: begin
            if (rd_desc_valid_reg && m_axis_rd_desc_ready) begin
                state_reg <= S_FWD_DATA;
            end
        end
        S_FWD_DATA: begin
            if (s_axis_rd_data_tvalid && m_axis_fwd_tready && s_axis_rd_data_tlast) begin
                c_status <= s_axis_rd_data_tuser ? `FLUE_CPL_STATUS_DMA_ERROR : `FLUE_CPL_STATUS_OK;
                fault_reg <= s_axis_rd_data_tuser;
                state_reg <= S_CPL;
            end
        end
        S_BLK_DATA: begin
            if (s_axis_rd_data_tvalid) begin
                if (word < BLK_WORDS_W) begin
                    blk[word*DMA_DATA_WIDTH +: DMA_DATA_WIDTH] <= s_axis_rd_data_tdata;
                end
                word <= word + 1'b1;
                if (s_axis_rd_data_tuser) blk_error <= 1'b1;
                if (s_axis_rd_data_tlast) begin
                    state_reg <= d_opcode == `FLUE_OPCODE_OFFLOAD_INITIATE ? S_INIT_CHECK : S_UPD_APPLY;
                end
            end
        end
        S_INIT_CHECK: begin
            if (blk_error || !block_ok) begin
                // the id goes back on the free list
                cf_we <= 1'b1;
                cf_waddr <= conn_free_count[CONN_WIDTH-1:0];
                cf_wdata <= cur_conn;
                conn_free_count <= conn_free_count + 1'b1;
                c_status <= blk_error ? `FLUE_CPL_STATUS_DMA_ERROR : `FLUE_CPL_STATUS_BAD_STATE_BLOCK;
                fault_reg <= blk_error;
                state_reg <= S_CPL;
            end else begin
                hash_valid_reg <= 1'b1;
                hash_op_reg <= 1'b0;
                state_reg <= S_INIT_HASH;
            end
        end
        S_INIT_HASH: begin
            if (!hash_valid_reg) state_reg <= S_INIT_HASH_WAIT;
        end
        S_INIT_HASH_WAIT: begin
            if (s_hash_result_valid) begin
                if (!s_hash_ok) begin
                    cf_we <= 1'b1;
                    cf_waddr <= conn_free_count[CONN_WIDTH-1:0];
                    cf_wdata <= cur_conn;
                    conn_free_count <= conn_free_count + 1'b1;
                    c_status <= `FLUE_CPL_STATUS_RESOURCES;
                    state_reg <= S_CPL;
                end else begin
                    conn_valid_set <= 1'b1;
                    conn_valid_addr <= cur_conn;
                    // R70: HRT and NRT from the block's deltas (a second connection through the
                    // neighbor restarts them from the host's view)
                    t_nbr <= b_nbr[CONN_WIDTH-1:0];
                    hrt_we <= 1'b1;
                    hrt_waddr <= b_nbr[CONN_WIDTH-1:0];
                    hrt_wdata <= now - b_hrd;
                    nrt_we <= 1'b1;
                    nrt_waddr <= b_nbr[CONN_WIDTH-1:0];
                    nrt_wdata <= now - b_nrd;
                    t_state <= b_install_state;
                    t_dst_mac <= b_dst_mac;
                    t_src_mac <= b_src_mac;
                    t_local_ip <= b_src_ip;
                    t_remote_ip <= b_dst_ip;
                    t_local_port <= b_lport;
                    t_remote_port <= b_rport;
                    t_ttl <= b_ttl;
                    t_tos <= b_tos;
                    t_mss <= b_mss;
                    t_snd_ws <= b_snd_ws;
                    t_rcv_ws <= b_rcv_ws;
                    t_rcv_nxt <= b_rcv_nxt;
                    t_rcv_adv <= b_rcv_nxt + b_rcv_wnd;
                    t_rcv_space <= 32'd0;
                    t_snd_una <= b_snd_una;
                    t_snd_nxt <= b_snd_nxt;
                    t_snd_max <= b_snd_max;
                    t_snd_end <= b_fin_acked_state ? b_snd_una - 1'b1 : b_snd_una;
                    t_snd_wnd <= b_snd_wnd;
                    t_snd_wl1 <= b_wl1;
                    t_snd_wl2 <= b_snd_una;
                    t_max_snd_wnd <= max32(b_max_snd_wnd, b_snd_wnd);
                    // RFC 5681 (3): an initial window of up to 4 segments when the host gave none
                    t_cwnd <= b_cwnd != 0 ? b_cwnd : {14'd0, b_mss, 2'd0};
                    t_ssthresh <= b_ssthresh != 0 ? b_ssthresh : 32'hffffffff;
                    t_recover <= b_snd_una;
                    t_cwnd_acc <= 32'd0;
                    t_in_recovery <= 1'b0;
                    t_dupacks <= 8'd0;
                    t_rt_count <= b_rt_count > 32'd255 ? 8'd255 : b_rt_count[7:0];
                    // TotalRT goes on from where the host left it, unless MaxRT is restarted
                    t_max_rt <= b_max_rt;
                    t_rt_since <= b_max_rt_restart ? now : now - b_total_rt;
                    t_persist <= b_persist;
                    t_wnd_probe <= b_persist ? b_wnd_probe : 8'd0;
                    // keepalive: the host's timer goes on where it was (R78), else a new one
                    t_ka_en <= b_ka_enable;
                    t_ka_idle <= b_ka_idle;
                    t_ka_intv <= b_ka_intv;
                    t_ka_max <= b_ka_max;
                    t_ka_probes <= b_ka_probes > 32'd255 ? 8'd255 : b_ka_probes[7:0];
                    t_ka_on <= b_ka_enable || b_ka_delta != 32'hffffffff;
                    t_ka_at <= now + (b_ka_delta != 32'hffffffff ? b_ka_delta : b_ka_idle);
                    t_rexmit_one <= 1'b0;
                    t_srtt <= b_srtt;
                    t_bl <= 32'd0;
                    t_bl_at <= now;
                    t_rst_chal <= 1'b0;
                    t_syn_chal <= 1'b0;
                    t_syn_chal_sec <= 16'd0;
                    t_urg_hold <= 1'b0;
                    t_snd_refused <= 1'b0;
                    t_rttvar <= b_rttvar;
                    t_rto <= b_rto;
                    t_rtt_seq <= 32'd0;
                    t_rtt_tick <= 32'd0;
                    t_rtt_on <= 1'b0;
                    // in FIN_WAIT_2 the slot is the FIN_WAIT_2 timer (R82), the host's or a new one
                    t_rtx_on <= b_snd_una != b_snd_max || b_persist || b_fin_acked_state;
                    t_rtx_at <= now + (b_rt_running ? b_rt_delta : b_fin_acked_state ? cfg_fin_wait_2_ticks : b_rto);
                    t_dack_on <= 1'b0;
                    t_dack_at <= 32'd0;
                    t_unacked <= 8'd0;
                    t_push_on <= 1'b0;
                    t_push_at <= 32'd0;
                    t_sq_head <= {SND_PTR_WIDTH{1'b0}};
                    t_sq_tail <= {SND_PTR_WIDTH{1'b0}};
                    t_sq_count <= {SND_PTR_WIDTH+1{1'b0}};
                    t_sq_head_seq <= b_snd_una;
                    t_tx_ptr <= {SND_PTR_WIDTH{1'b0}};
                    t_tx_seq <= b_snd_una;
                    t_tx_valid <= 1'b0;
                    t_fin_req <= b_fin_acked_state;
                    t_fin_sent <= b_fin_acked_state;
                    t_fin_acked <= b_fin_acked_state;
                    t_disc_tag <= 32'd0;
                    t_disc_pending <= 1'b0;
                    t_rq_head <= {RCV_PTR_WIDTH{1'b0}};
                    t_rq_tail <= {RCV_PTR_WIDTH{1'b0}};
                    t_rq_count <= {RCV_PTR_WIDTH+1{1'b0}};
                    t_rq_fill <= 17'd0;
                    t_fin_rcvd <= b_peer_fin;
                    t_aborted <= 1'b0;
                    t_retrieve_sent <= 1'b0;
                    t_ip_id <= b_snd_una[15:0];
                    t_ooo_seen <= 1'b0;
                    t_run_on <= {OOO_RUNS{1'b0}};
                    t_run_psh <= {OOO_RUNS{1'b0}};
                    t_isle <= 1'b0;
                    t_fresh <= 1'b1;
                    c_conn <= conn32;
                    c_status <= `FLUE_CPL_STATUS_OK;
                    cpl_next <= S_WB;
                    state_reg <= S_CPL;
                end
            end
        end
        S_UPD_APPLY: begin
            // the cached parts a host may change: neighbor next hop, path MTU, TTL and TOS
            if (blk_error) begin
                c_status <= `FLUE_CPL_STATUS_DMA_ERROR;
                fault_reg <= 1'b1;
                state_reg <= S_CPL;
            end else begin
                if (b_valid_mask[0]) t_dst_mac <= b_dst_mac;
                if (b_valid_mask[1] && b_mss >= 16'd64) t_mss <= b_mss;
                if (b_valid_mask[3]) begin
                    t_ttl <= b_ttl;
                    t_tos <= b_tos;
                    // keepalive options (R25): a timer newly enabled, or TCP_FLAG_KEEP_ALIVE_RESTART,
                    // starts from zero; disabled, it stops
                    t_ka_en <= b_ka_enable;
                    t_ka_idle <= b_ka_idle;
                    t_ka_intv <= b_ka_intv;
                    t_ka_max <= b_ka_max;
                    // R25: MaxRT replaced; TCP_FLAG_MAX_RT_RESTART sets TotalRT back to 0
                    t_max_rt <= b_max_rt;
                    if (b_max_rt_restart) t_rt_since <= now;
                    if (!b_ka_enable) begin
                        t_ka_on <= 1'b0;
                    end else if (!t_ka_en || b_ka_restart) begin
                        t_ka_on <= 1'b1;
                        t_ka_at <= now + b_ka_idle;
                        t_ka_probes <= 8'd0;
                    end
                    // R25: TCP_FLAG_UPDATE_RCV_WND asks for a new window advertisement; the
                    // card's window is the posted space, so an ACK goes once the update has
                    // completed if that window reaches past the one last advertised
                    if (b_upd_rcv_wnd && seq_lt(t_rcv_adv, adv_after)) ack_now <= 1'b1;
                end
                c_status <= `FLUE_CPL_STATUS_OK;
                cpl_next <= S_RX_END;
                ret_state <= S_WB;
                state_reg <= S_CPL;
            end
        end
        S_DLG_DESC: begin
            if (!wr_desc_valid_reg && word == 0 && d_opcode != `FLUE_OPCODE_OFFLOAD_QUERY && ack_owed) begin
                // R81: a delayed ACK is not handed over: it goes now, and the state says none is due
                ret_state <= S_DLG_DESC;
                state_reg <= S_EMIT_ACK;
            end else if (!wr_desc_valid_reg && word == 0) begin
                dlg <= dlg_build;
                wr_desc_valid_reg <= 1'b1;
                word <= 1;
            end else if (!wr_desc_valid_reg) begin
                word <= {WORD_IDX_WIDTH{1'b0}};
                dlg_busy <= 1'b1;
                dlg_word <= {WORD_IDX_WIDTH{1'b0}};
                if (d_opcode == `FLUE_OPCODE_OFFLOAD_QUERY) begin
                    state_reg <= S_DLG_STATUS;
                end else begin
                    // R30: everything outstanding completes before the terminate does, flushed
                    // while the state streams out (dlg holds it as it was before the flush)
                    flush_status <= `FLUE_CPL_STATUS_UPLOAD_IN_PROGRESS;
                    flush_term <= 1'b1;
                    flush_next <= S_DLG_STATUS;
                    state_reg <= S_FLUSH;
                end
            end
        end
        S_DLG_STATUS: begin
            if (dlg_status_got || s_axis_wr_status_valid) begin
                dlg_status_got <= 1'b0;
                c_status <= (dlg_status_got ? dlg_status_err : s_axis_wr_status_error != 0) ? `FLUE_CPL_STATUS_DMA_ERROR : `FLUE_CPL_STATUS_OK;
                fault_reg <= dlg_status_got ? dlg_status_err : s_axis_wr_status_error != 0;
                state_reg <= d_opcode == `FLUE_OPCODE_OFFLOAD_QUERY ? S_CPL : S_TERM_FREE;
            end
        end
        S_TERM_HASH: begin
            hash_valid_reg <= 1'b1;
            hash_op_reg <= 1'b1;
            state_reg <= S_TERM_HASH_WAIT;
        end
        S_TERM_HASH_WAIT: begin
            if (!hash_valid_reg && s_hash_result_valid) begin
                // out of the table: the rest waits for the records looked up before (R33)
                term_wait <= 1'b1;
                term_settle <= TERM_SETTLE[4:0];
                state_reg <= S_IDLE;
            end
        end
        S_TERM_FREE: begin
            // an isle's buffer goes back to the pool (its bytes lie past RCV.NXT: the peer sends
            // them again), and an entry that neither waits nor leaves makes the failed-write
            // memory forget it (after its writes' statuses), so a later isle there is not blamed
            if (!t_isle || cq_room) begin
                if (t_isle) begin
                    nb_we <= 1'b1;
                    nb_wdata <= {t_isle_id, t_isle_addr, t_isle_cap};
                    nb_isles <= nb_isles - 1'b1;
                    cq_we <= 1'b1;
                    cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                    cq_wdata <= {1'b0, 1'b0, cpl_rec(`FLUE_ENTRY_KIND_EVENT, `FLUE_EVENT_CODE_TCP_RECV_INDICATE,
                        `FLUE_CPL_STATUS_OK, 32'd0, 32'd0, conn32, t_isle_id)};
                    cq_wptr <= cq_wptr + 1'b1;
                end
                conn_valid_clr <= 1'b1;
                conn_valid_addr <= cur_conn;
                cf_we <= 1'b1;
                cf_waddr <= conn_free_count[CONN_WIDTH-1:0];
                cf_wdata <= cur_conn;
                conn_free_count <= conn_free_count + 1'b1;
                cpl_next <= S_IDLE;
                state_reg <= S_CPL;
            end
        end
        S_CPL: begin
            if (cq_room) begin
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION, d_opcode, c_status, d_tag, c_length, c_conn, 32'd0)};
                cq_wptr <= cq_wptr + 1'b1;
                state_reg <= cpl_next;
            end
        end
        S_EVENT: begin
            if (cq_room) begin
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_EVENT, c_opcode, `FLUE_CPL_STATUS_OK, 32'd0, 32'd0, conn32, c_info)};
                cq_wptr <= cq_wptr + 1'b1;
                state_reg <= cpl_next;
            end
        end
        S_WB: begin
            tcb_we <= 1'b1;
            tcb_waddr <= cur_conn;
            tcb_wdata <= {t_state, t_dst_mac, t_src_mac, t_local_ip, t_remote_ip, t_local_port, t_remote_port, t_ttl, t_tos,
                t_mss, t_snd_ws, t_rcv_ws, t_rcv_nxt, t_rcv_adv, t_rcv_space, t_snd_una, t_snd_nxt, t_snd_max, t_snd_end,
                t_snd_wnd, t_snd_wl1, t_snd_wl2, t_max_snd_wnd, t_cwnd, t_ssthresh, t_recover, t_cwnd_acc, t_in_recovery,
                t_dupacks, wb_rt_count, t_rexmit_one, t_srtt, t_rttvar, t_rto, t_rtt_seq, t_rtt_tick, t_rtt_on, wb_rtx_on,
                wb_rtx_at, t_dack_on, t_dack_at, t_unacked, t_push_on, t_push_at, t_sq_head, t_sq_tail, t_sq_count,
                t_sq_head_seq, t_tx_ptr, t_tx_seq, t_tx_valid, t_fin_req, t_fin_sent, t_fin_acked, t_disc_tag,
                t_disc_pending, t_rq_head, t_rq_tail, t_rq_count, t_rq_fill, t_fin_rcvd, t_aborted, t_retrieve_sent,
                t_ip_id, t_ooo_seen, t_run_on, t_run_psh, t_run_start, t_run_end, t_run_ptr, t_run_off, t_bl, t_bl_at,
                t_rst_chal, t_syn_chal,
                t_syn_chal_sec, t_urg_hold, wb_persist, wb_wnd_probe, t_ka_en, t_ka_on, t_ka_at, t_ka_probes, t_ka_idle,
                t_ka_intv, t_ka_max, t_snd_refused, wb_isle, t_isle_id, t_isle_addr, t_isle_cap, t_fresh, t_max_rt, t_rt_since, t_nbr};
            if (t_isle && !t_ooo_on) begin
                nb_we <= 1'b1;
                nb_wdata <= {t_isle_id, t_isle_addr, t_isle_cap};
                nb_isles <= nb_isles - 1'b1;
            end
            if (can_send && !txq_member[cur_conn]) begin
                txq_member_set <= 1'b1;
                txq_member_set_addr <= cur_conn;
                txq_we <= 1'b1;
                txq_waddr <= txq_wptr[CONN_WIDTH-1:0];
                txq_wdata <= cur_conn;
                txq_wptr <= txq_wptr + 1'b1;
            end
            state_reg <= S_IDLE;
        end

        /*
         * Host I/O requests
         */
        S_SEND_LINK: begin
            // TCP_SEND, and the data of a graceful TCP_DISCONNECT (then FIN after it)
            c_conn <= conn32;
            if (t_aborted) begin
                c_status <= `FLUE_CPL_STATUS_ABORTED;
                state_reg <= S_CPL;
            end else if (!est_like || t_fin_req) begin
                // R44, R61: a connection the card has closed and asked the host to upload (a SYN at
                // RCV.NXT, the keepalive given up) is being uploaded; after the host's own FIN a
                // send or a second graceful disconnect is the host's mistake
                c_status <= t_retrieve_sent && !t_fin_req ? `FLUE_CPL_STATUS_UPLOAD_IN_PROGRESS : `FLUE_CPL_STATUS_INVALID_STATE;
                state_reg <= S_CPL;
            end else if ((send_len != 0 && snd_free_count == 0) || t_snd_refused) begin
                // no send entry free: refused, and so is every later send or graceful
                // disconnect on this connection, or the bytes after the refused ones (or the FIN)
                // would go out in their place
                c_status <= `FLUE_CPL_STATUS_RESOURCES;
                t_snd_refused <= 1'b1;
                cpl_next <= S_WB;
                state_reg <= S_CPL;
            end else begin
                if (send_len != 0) begin
                    snd_free_count <= snd_free_count - 1'b1;
                    snd_we <= 1'b1;
                    snd_waddr <= snd_free_top;
                    snd_wdata <= {d_opcode == `FLUE_OPCODE_TCP_DISCONNECT, d_flags[0], d_tag, send_len[16:0], d_addr[47:0]};
                    if (t_sq_count == 0) begin
                        t_sq_head <= snd_free_top;
                        t_sq_head_seq <= t_snd_end;
                    end else begin
                        snd_nwe <= 1'b1;
                        snd_nwaddr <= t_sq_tail;
                        snd_nwdata <= snd_free_top;
                    end
                    t_sq_tail <= snd_free_top;
                    t_sq_count <= t_sq_count + 1'b1;
                    t_snd_end <= t_snd_end + send_len;
                    if (!t_tx_valid) begin
                        t_tx_ptr <= snd_free_top;
                        t_tx_seq <= t_snd_end;
                        t_tx_valid <= 1'b1;
                    end
                end
                if (d_opcode == `FLUE_OPCODE_TCP_DISCONNECT) begin
                    t_fin_req <= 1'b1;
                    t_disc_tag <= d_tag;
                    t_disc_pending <= 1'b1;
                    // sequence space one past the data: the host sent this FIN before the
                    // offload (installed from FIN_WAIT_1, CLOSING or LAST_ACK); not sent again
                    if (t_snd_end + send_len + 1'b1 == t_snd_max) begin
                        t_fin_sent <= 1'b1;
                        t_state <= t_state == ST_CLOSE_WAIT ? ST_LAST_ACK : ST_FIN_WAIT_1;
                    end
                end
                state_reg <= S_WB;
            end
        end
        S_RECV_LINK: begin
            c_conn <= conn32;
            if (t_aborted) begin
                c_status <= `FLUE_CPL_STATUS_ABORTED;
                state_reg <= S_CPL;
            end else if (t_fin_rcvd) begin
                // R56: nothing more will arrive
                c_status <= `FLUE_CPL_STATUS_INVALID_STATE;
                state_reg <= S_CPL;
            end else if (rcv_free_count == 0) begin
                c_status <= `FLUE_CPL_STATUS_RESOURCES;
                state_reg <= S_CPL;
            end else begin
                rcv_free_count <= rcv_free_count - 1'b1;
                rcv_we <= 1'b1;
                rcv_waddr <= rcv_free_top;
                rcv_wdata <= {d_flags[1], d_tag, d_len[16:0], d_addr[47:0]};
                if (t_rq_count == 0) begin
                    t_rq_head <= rcv_free_top;
                    t_rq_fill <= 17'd0;
                end else begin
                    rcv_nwe <= 1'b1;
                    rcv_nwaddr <= t_rq_tail;
                    rcv_nwdata <= rcv_free_top;
                end
                t_rq_tail <= rcv_free_top;
                t_rq_count <= t_rq_count + 1'b1;
                t_rcv_space <= t_rcv_space + d_len;
                // a window that was nearly closed opens: say so at once
                if (win_bytes < {mss32[30:0], 1'b0} && d_len >= mss32) begin
                    ack_now <= 1'b1;
                end
                ret_state <= S_WB;
                state_reg <= S_RX_END;
            end
        end
        S_ABORT: begin
            // R58: sends aborted, then RST, then the disconnect completes; receiving stops
            flush_status <= `FLUE_CPL_STATUS_ABORTED;
            flush_next <= S_ABORT2;
            t_aborted <= 1'b1;
            state_reg <= S_FLUSH;
        end
        S_ABORT2: begin
            ack_rst <= 1'b1;
            ret_state <= S_CPL;
            c_status <= `FLUE_CPL_STATUS_OK;
            c_conn <= conn32;
            cpl_next <= S_WB;
            t_state <= ST_CLOSED;
            t_rtx_on <= 1'b0;
            t_dack_on <= 1'b0;
            t_push_on <= 1'b0;
            state_reg <= S_EMIT_ACK;
        end

        /*
         * Flush: receives, a pending disconnect, then sends, completed with flush_status
         */
        S_FLUSH: begin
            if (t_rq_count != 0) begin
                pop_status <= flush_status;
                ret_state <= S_FLUSH;
                state_reg <= S_RQ_POP;
            end else if (t_disc_pending) begin
                if (cq_room) begin
                    cq_we <= 1'b1;
                    cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                    cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION, `FLUE_OPCODE_TCP_DISCONNECT, flush_status,
                        t_disc_tag, 32'd0, conn32, 32'd0)};
                    cq_wptr <= cq_wptr + 1'b1;
                    t_disc_pending <= 1'b0;
                end
            end else if (t_sq_count != 0) begin
                flush_sends <= 1'b1;
                ret_state <= S_FLUSH;
                state_reg <= S_SQ_HEAD;
            end else begin
                flush_sends <= 1'b0;
                state_reg <= flush_next;
            end
        end
        S_RQ_POP: begin
            rcv_raddr <= t_rq_head;
            state_reg <= S_RQ_POP_WAIT;
        end
        S_RQ_POP_WAIT: begin
            state_reg <= S_RQ_POP_USE;
        end
        S_RQ_POP_USE: begin
            if (pop_if_push && re_nopush) begin
                // R51: a no-push buffer completes only when full
                state_reg <= ret_state;
            end else if (cq_room) begin
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION, `FLUE_OPCODE_TCP_RECV_POST, pop_status,
                    re_tag, {15'd0, t_rq_fill}, conn32, 32'd0)};
                cq_wptr <= cq_wptr + 1'b1;
                rf_we <= 1'b1;
                rf_waddr <= rcv_free_count[RCV_PTR_WIDTH-1:0];
                rf_wdata <= t_rq_head;
                rcv_free_count <= rcv_free_count + 1'b1;
                t_rq_head <= rcv_rnext;
                t_rq_count <= t_rq_count - 1'b1;
                t_rq_fill <= 17'd0;
                t_rcv_space <= t_rcv_space - {15'd0, re_room};
                t_push_on <= 1'b0;
                // the buffer leaves with room unused: the bytes after it move, a held run is lost
                if (re_room != 0) t_run_on <= {OOO_RUNS{1'b0}};
                if (ret_state == S_FLUSH && t_rq_count != {{RCV_PTR_WIDTH{1'b0}}, 1'b1}) begin
                    // a flush walks the queue two cycles an entry: the next entry's read starts
                    // here, as S_RQ_POP would start it (a terminate flushes a window's buffers)
                    rcv_raddr <= rcv_rnext;
                    state_reg <= S_RQ_POP_WAIT;
                end else begin
                    state_reg <= ret_state;
                end
            end
        end
        S_SQ_HEAD: begin
            snd_raddr <= t_sq_head;
            state_reg <= S_SQ_HEAD_WAIT;
        end
        S_SQ_HEAD_WAIT: begin
            state_reg <= S_SQ_HEAD_USE;
        end
        S_SQ_HEAD_USE: begin
            if (!flush_sends && !se_done) begin
                state_reg <= ret_state;
            end else if (cq_room) begin
                // R41: complete once every byte is acknowledged; at terminate a send reports
                // the bytes of it that were (R31), after an abort none (R44, R58)
                if (!se_silent) begin
                    cq_we <= 1'b1;
                    cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                    cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION, `FLUE_OPCODE_TCP_SEND,
                        flush_sends ? flush_status : `FLUE_CPL_STATUS_OK, se_tag,
                        !flush_sends ? {15'd0, se_len} : flush_term ? min32(term_acked, {15'd0, se_len}) : 32'd0,
                        conn32, 32'd0)};
                    cq_wptr <= cq_wptr + 1'b1;
                end
                sf_we <= 1'b1;
                sf_waddr <= snd_free_count[SND_PTR_WIDTH-1:0];
                sf_wdata <= t_sq_head;
                snd_free_count <= snd_free_count + 1'b1;
                t_sq_head <= snd_rnext;
                t_sq_count <= t_sq_count - 1'b1;
                t_sq_head_seq <= t_sq_head_seq + {15'd0, se_len};
                if (t_tx_valid && t_tx_ptr == t_sq_head) begin
                    // an ACK overtook a go-back-N retransmission: send on from the next entry
                    t_tx_ptr <= snd_rnext;
                    t_tx_seq <= t_sq_head_seq + {15'd0, se_len};
                    t_tx_valid <= t_sq_count != 1;
                end
                state_reg <= (flush_sends || t_sq_count == 1) ? ret_state : S_SQ_HEAD;
            end
        end

        /*
         * A received segment
         */
        S_RX: begin
            seg_skip <= 16'd0;
            seg_avail <= 16'd0;
            if (t_state == ST_CLOSED || t_aborted) begin
                state_reg <= S_DISCARD;
            end else if (!acceptable) begin
                // RFC 9293 3.10.7.4: answered with an ACK; not a forwarded one, though: held by the
                // host while the connection moved, it lies behind what the card has taken from the
                // wire since, and the peer has had the ACKs for that (an ACK now would repeat one)
                ack_now <= !h_flags[`TOE_TCP_RST] && !h_fwd;
                state_reg <= S_RX_END;
            end else if (h_flags[`TOE_TCP_RST]) begin
                if (h_seq == t_rcv_nxt) begin
                    // R65: the abort is indicated, everything outstanding completes aborted
                    t_aborted <= 1'b1;
                    t_state <= ST_CLOSED;
                    t_rtx_on <= 1'b0;
                    t_dack_on <= 1'b0;
                    t_push_on <= 1'b0;
                    c_opcode <= `FLUE_EVENT_CODE_TCP_ABORT;
                    c_info <= 32'd0;
                    flush_status <= `FLUE_CPL_STATUS_ABORTED;
                    flush_next <= S_RX_END;
                    cpl_next <= S_FLUSH;
                    state_reg <= S_EVENT;
                end else begin
                    // R75 (RFC 5961 3.2): one challenge ACK for in-window RSTs until an acceptable
                    // segment arrives
                    ack_now <= !t_rst_chal;
                    t_rst_chal <= 1'b1;
                    state_reg <= S_RX_END;
                end
            end else if (h_flags[`TOE_TCP_SYN] && h_seq == t_rcv_nxt) begin
                // R75: a SYN at RCV.NXT (the peer started over): CLOSED, and the upload asked for
                t_state <= ST_CLOSED;
                t_rtx_on <= 1'b0;
                t_ka_on <= 1'b0;
                t_dack_on <= 1'b0;
                t_push_on <= 1'b0;
                state_reg <= S_RX_END;
                if (!t_retrieve_sent) begin
                    t_retrieve_sent <= 1'b1;
                    c_opcode <= `FLUE_EVENT_CODE_TCP_RETRIEVE;
                    c_info <= `FLUE_UPLOAD_REASON_UPLOAD_REQUESTED;
                    cpl_next <= S_RX_END;
                    state_reg <= S_EVENT;
                end
            end else if (h_flags[`TOE_TCP_SYN]) begin
                // R75 (RFC 5961 4.2): a challenge ACK for an in-window SYN, at most one per
                // SYN_CHALLENGE_SECONDS (one outside the window was ACKed above, unthrottled)
                if (syn_chal_ok) begin
                    ack_now <= 1'b1;
                    t_syn_chal <= 1'b1;
                    t_syn_chal_sec <= secs;
                end
                state_reg <= S_RX_END;
            end else if (t_urg_hold) begin
                // R74: since the urgent data, nothing is acknowledged or taken in: the host
                // uploads the connection and its stack takes the peer's retransmissions
                state_reg <= S_RX_END;
            end else if (h_flags[`TOE_TCP_URG] && h_flags[`TOE_TCP_ACK] && !ack_ahead) begin
                // R74: urgent data with a valid ACK: ask for the upload (ReceivedUrgentData)
                // and hold from here on; the segment is not taken in (not acknowledged)
                t_urg_hold <= 1'b1;
                t_rst_chal <= 1'b0;
                state_reg <= S_RX_END;
                if (!t_retrieve_sent) begin
                    t_retrieve_sent <= 1'b1;
                    c_opcode <= `FLUE_EVENT_CODE_TCP_RETRIEVE;
                    c_info <= `FLUE_UPLOAD_REASON_RECEIVED_URGENT_DATA;
                    cpl_next <= S_RX_END;
                    state_reg <= S_EVENT;
                end
            end else begin
                t_rst_chal <= 1'b0;
                state_reg <= h_flags[`TOE_TCP_ACK] ? S_RX_ACK : S_RX_END;
                // R82: an acceptable segment restarts the FIN_WAIT_2 timer; and the keepalive timer
                if (t_state == ST_FIN_WAIT_2) t_rtx_at <= now + cfg_fin_wait_2_ticks;
                if (t_ka_en) begin
                    t_ka_on <= 1'b1;
                    t_ka_at <= now + t_ka_idle;
                    t_ka_probes <= 8'd0;
                end
            end
        end
        S_RX_ACK: begin
            if (ack_ahead) begin
                ack_now <= 1'b1;
                state_reg <= S_RX_END;
            end else begin
                if (wnd_update) begin
                    t_snd_wnd <= h_wnd_scaled;
                    t_snd_wl1 <= h_seq;
                    t_snd_wl2 <= h_ack_q;
                    t_max_snd_wnd <= max32(t_max_snd_wnd, h_wnd_scaled);
                end
                state_reg <= S_RX_DATA;
                if (ack_new) begin
                    // R71: the peer took what the card sent: forward progress through the neighbor
                    nrt_we <= 1'b1;
                    nrt_waddr <= t_nbr;
                    nrt_wdata <= now;
                    t_snd_una <= h_ack_q;
                    if (seq_lt(t_snd_nxt, h_ack_q)) t_snd_nxt <= h_ack_q;
                    if (seq_lt(t_snd_max, h_ack_q)) t_snd_max <= h_ack_q;   // a persist probe taken
                    t_cwnd <= cwnd_new;
                    t_cwnd_acc <= cwnd_acc_new;
                    if (t_in_recovery) begin
                        if (recovery_done) t_in_recovery <= 1'b0;
                        else t_rexmit_one <= 1'b1;      // RFC 6582: a partial ACK
                    end
                    t_dupacks <= 8'd0;
                    if (!t_persist) t_rt_count <= 8'd0;
                    if (rtt_sample) begin
                        t_srtt <= srtt_new;
                        t_rttvar <= rttvar_new;
                        t_rto <= rto_new;
                        t_rtt_on <= 1'b0;
                    end
                    // RFC 6298 (5.2), (5.3); while persisting the slot is the persist timer's
                    if (!t_persist) begin
                        t_rtx_on <= h_ack_q != t_snd_max;
                        t_rtx_at <= now + (rtt_sample ? rto_new : t_rto);
                    end
                    if (fin_acked_now) begin
                        t_fin_acked <= 1'b1;
                        disc_done <= t_disc_pending;
                        case (t_state)
                            ST_FIN_WAIT_1: begin
                                // R82: the retransmit slot becomes the FIN_WAIT_2 timer
                                t_state <= ST_FIN_WAIT_2;
                                t_rtx_on <= 1'b1;
                                t_rtx_at <= now + cfg_fin_wait_2_ticks;
                            end
                            ST_CLOSING: t_state <= ST_TIME_WAIT;
                            ST_LAST_ACK: t_state <= ST_CLOSED;
                            default: t_state <= t_state;
                        endcase
                    end
                    if (t_sq_count != 0) begin
                        ret_state <= S_RX_DATA;
                        state_reg <= S_SQ_HEAD;
                    end
                end else if (ack_dup && !t_persist) begin
                    t_dupacks <= t_dupacks + 1'b1;
                    if (t_dupacks + 1'b1 == cfg_dup_ack_threshold && !t_in_recovery) begin
                        // RFC 5681 3.2 / RFC 6582: fast retransmit, enter recovery
                        t_ssthresh <= ssthresh_cut;
                        t_cwnd <= ssthresh_cut + mss32 * 3;
                        t_recover <= t_snd_max;
                        t_in_recovery <= 1'b1;
                        t_rexmit_one <= 1'b1;
                    end else if (t_in_recovery) begin
                        t_cwnd <= t_cwnd + mss32;
                    end
                end
                if (t_persist && t_rt_count != 8'd0 && wnd_update && h_wnd_scaled == 32'd0) begin
                    // R83: a zero-window ACK answers the probe: the next round, Count 0, the
                    // persist timer at RTO << SndWndProbeCount
                    t_wnd_probe <= wnd_probe_next;
                    t_rt_count <= 8'd0;
                    t_rtx_on <= 1'b1;
                    t_rtx_at <= now + shl_cap(t_rto, wnd_probe_next, cfg_max_rto_ticks);
                end
            end
        end
        S_RX_DATA: begin
            if (disc_done) begin
                // R45, R60: the disconnect completes after the sends, once its FIN is acknowledged
                if (cq_room) begin
                    cq_we <= 1'b1;
                    cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                    cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION, `FLUE_OPCODE_TCP_DISCONNECT,
                        `FLUE_CPL_STATUS_OK, t_disc_tag, 32'd0, conn32, 32'd0)};
                    cq_wptr <= cq_wptr + 1'b1;
                    t_disc_pending <= 1'b0;
                    disc_done <= 1'b0;
                end
            end else if (h_len != 0 && rcv_state) begin
                if (seq_lt(t_rcv_nxt, h_seq)) begin
                    // out of order: an immediate duplicate ACK (RFC 5681 4.2; not while fresh), the data held if it
                    // extends, reaches or starts a run (the walk to its place starts at a run's
                    // end, or at the head for bytes before run 0)
                    if (!t_fresh) begin
                        ack_now <= 1'b1;
                    end else if (!t_dack_on) begin
                        t_dack_on <= 1'b1;
                        t_dack_at <= now + cfg_delayed_ack_ticks;
                    end
                    t_ooo_seen <= 1'b1;
                    state_reg <= S_OOO;
                    if (t_isle) begin
                        // the isle grows at its end only, within its buffer
                        if (oc_kind == OC_EXT && isle_ext_n != 0) begin
                            seg_skip <= oc_skip[15:0];
                            seg_avail <= isle_ext_n[15:0];
                            state_reg <= S_ISLE_PUT;
                        end else begin
                            state_reg <= S_RX_FIN;
                        end
                    end else if (isle_new) begin
                        t_isle <= 1'b1;
                        t_isle_id <= nb_id;
                        t_isle_addr <= nb_addr;
                        t_isle_cap <= nb_len;
                        nb_rptr <= nb_rptr + 1'b1;
                        nb_settle <= 1'b1;
                        nb_isles <= nb_isles + 1'b1;
                        t_run_start[31:0] <= h_seq;
                        t_run_end[31:0] <= h_seq;
                        t_run_psh[0] <= 1'b0;
                        seg_avail <= h_len;
                        state_reg <= S_ISLE_PUT;
                    end else if (oc_kind != OC_NONE) begin
                        om_idx <= oc_idx;
                        om_pre <= oc_kind == OC_PRE;
                        if (oc_kind == OC_EXT) seg_skip <= oc_skip[15:0];
                        seg_avail <= oc_avail[15:0];
                        w_ptr <= oc_ptr;
                        w_off <= oc_off;
                        if (oc_kind == OC_PRE) t_run_start <= pre_start;
                        if (oc_kind == OC_NEW) begin
                            t_run_on <= ins_on;
                            t_run_psh <= ins_psh;
                            t_run_start <= ins_start;
                            t_run_end <= ins_end;
                            t_run_ptr <= ins_ptr;
                            t_run_off <= ins_off;
                        end
                    end else begin
                        state_reg <= S_RX_FIN;
                    end
                end else begin
                    // new data after data beyond it: acknowledged at once (RFC 5681 4.2)
                    if (t_ooo_seen) begin
                        ack_now <= 1'b1;
                        t_ooo_seen <= t_ooo_on;
                    end
                    seg_skip <= rx_skip[15:0];
                    seg_avail <= in_reaches_run ? in_to_run[15:0] : h_len - rx_skip[15:0];
                    state_reg <= S_RX_PLACE;
                end
            end else begin
                state_reg <= S_RX_FIN;
            end
        end
        S_RX_PLACE: begin
            if (seg_avail != 0 && (t_rq_count == 0 || t_isle) && nb_wptr != nb_rptr) begin
                // no posted buffer: into a NIC buffer, indicated once written (R48); behind an
                // isle, receives posted since wait untouched and the data is stashed for them
                if (nb_usable && plc_free && cq_room) begin
                    plc_valid_reg <= 1'b1;
                    plc_reg <= {h_fwd, nb_n == seg_avail, {16'd0, nb_addr}, nb_n, seg_skip};
                    cq_we <= 1'b1;
                    cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                    cq_wdata <= {1'b1, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_EVENT, recv_event,
                        `FLUE_CPL_STATUS_OK, 32'd0, {16'd0, nb_n}, conn32, nb_id)};
                    cq_wptr <= cq_wptr + 1'b1;
                    nb_rptr <= nb_rptr + 1'b1;
                    nb_settle <= 1'b1;
                    if (nb_n == seg_avail) plc_open <= 1'b0;
                    seg_skip <= 16'd0;
                    seg_avail <= seg_avail - nb_n;
                    placed_any <= 1'b1;
                    t_rcv_nxt <= t_rcv_nxt + {16'd0, nb_n};
                end
            end else if (seg_avail == 0 || t_rq_count == 0 || t_isle) begin
                // what found neither a posted buffer nor a NIC buffer is dropped; tell the peer
                if (seg_avail != 0) ack_now <= 1'b1;
                // the gap is filled: take the held run in
                state_reg <= seg_avail == 0 && t_ooo_on && t_rcv_nxt == t_ooo_start ? (t_isle ? S_ISLE_JOIN : S_JOIN)
                    : S_RX_PUSH;
            end else begin
                rcv_raddr <= t_rq_head;
                state_reg <= S_RQ_HEAD_WAIT;
            end
        end
        S_RQ_HEAD_WAIT: begin
            state_reg <= S_RQ_HEAD_USE;
        end
        S_RQ_HEAD_USE: begin
            if (re_room == 0) begin
                // a zero-byte (or full) buffer at the head completes as it is (R47)
                pop_status <= `FLUE_CPL_STATUS_OK;
                ret_state <= S_RX_PLACE;
                state_reg <= S_RQ_POP_USE;
            end else if (plc_free && cq_room) begin
                plc_valid_reg <= 1'b1;
                plc_reg <= {h_fwd, re_n == seg_avail, {16'd0, re_addr} + {47'd0, t_rq_fill}, re_n, seg_skip};
                // the buffer completes (R46) once the write that fills it is acknowledged
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b1, {1'b0, re_n} == re_room, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION,
                    `FLUE_OPCODE_TCP_RECV_POST, `FLUE_CPL_STATUS_OK, re_tag, {15'd0, re_len}, conn32, 32'd0)};
                cq_wptr <= cq_wptr + 1'b1;
                if (re_n == seg_avail) plc_open <= 1'b0;
                seg_skip <= 16'd0;
                seg_avail <= seg_avail - re_n;
                placed_any <= 1'b1;
                t_rcv_nxt <= t_rcv_nxt + {16'd0, re_n};
                t_rcv_space <= t_rcv_space - {16'd0, re_n};
                if ({1'b0, re_n} == re_room) begin
                    rf_we <= 1'b1;
                    rf_waddr <= rcv_free_count[RCV_PTR_WIDTH-1:0];
                    rf_wdata <= t_rq_head;
                    rcv_free_count <= rcv_free_count + 1'b1;
                    t_rq_head <= rcv_rnext;
                    t_rq_count <= t_rq_count - 1'b1;
                    t_rq_fill <= 17'd0;
                    t_push_on <= 1'b0;
                end else begin
                    t_rq_fill <= t_rq_fill + {1'b0, re_n};
                end
                state_reg <= S_RX_PLACE;
            end
        end
        S_OOO: begin
            rcv_raddr <= w_ptr;
            state_reg <= S_OOO_WAIT;
        end
        S_OOO_WAIT: begin
            state_reg <= S_OOO_USE;
        end
        S_OOO_USE: begin
            // the entry at w_ptr is read: walk on while the offset lies past it, then write
            if (w_off >= re_len32) begin
                if (w_ptr == t_rq_tail) begin
                    // past the posted buffers: the rest is dropped
                    state_reg <= S_OOO_END;
                end else begin
                    w_off <= w_off - re_len32;
                    w_ptr <= rcv_rnext;
                    rcv_raddr <= rcv_rnext;
                    state_reg <= S_OOO_WAIT;
                end
            end else if (plc_free && cq_room) begin
                plc_valid_reg <= 1'b1;
                plc_reg <= {h_fwd, w_n == seg_avail, {16'd0, re_addr} + {32'd0, w_off}, w_n, seg_skip};
                // no completion of its own: the entry only matches the write's status
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b1, 1'b0, cpl_rec(`FLUE_ENTRY_KIND_COMPLETION, `FLUE_OPCODE_TCP_RECV_POST,
                    `FLUE_CPL_STATUS_OK, re_tag, 32'd0, conn32, 32'd0)};
                cq_wptr <= cq_wptr + 1'b1;
                if (w_n == seg_avail) plc_open <= 1'b0;
                seg_skip <= 16'd0;
                seg_avail <= seg_avail - w_n;
                w_off <= w_off + {16'd0, w_n};
                if (!om_pre) begin
                    t_run_end <= put_end;
                    t_run_ptr <= put_ptr;
                    t_run_off <= put_off;
                end
                if (w_n == seg_avail) begin
                    if (h_flags[`TOE_TCP_PSH] && !om_pre) t_run_psh <= put_psh;
                    state_reg <= S_OOO_END;
                end
            end
        end
        S_OOO_END: begin
            if (!om_pre && (om_empty || (run_on_dn[om_idx] && om_end == run_start_dn[32*om_idx +: 32]))) begin
                // a new run that got no byte (past the posted buffers) goes; a run grown up to
                // the next one takes it in (rm_at is om_idx or the one after it)
                t_run_on <= rm_on;
                t_run_start <= rm_start;
                t_run_psh <= om_empty ? rm_psh : mrg_psh;
                t_run_end <= om_empty ? rm_end : mrg_end;
                t_run_ptr <= om_empty ? rm_ptr : mrg_ptr;
                t_run_off <= om_empty ? rm_off : mrg_off;
            end
            state_reg <= S_RX_FIN;
        end
        S_JOIN: begin
            rcv_raddr <= t_rq_head;
            state_reg <= S_JOIN_WAIT;
        end
        S_JOIN_WAIT: begin
            state_reg <= S_JOIN_USE;
        end
        S_JOIN_USE: begin
            // the head entry is read: RCV.NXT moves over the held bytes in it; a buffer they
            // fill completes through S_RQ_POP_USE (its writes were queued before, so their
            // statuses come first), and the new head is read
            if (re_room == 0 && (join_left != 0 || t_rq_fill != 0)) begin
                pop_status <= `FLUE_CPL_STATUS_OK;
                ret_state <= S_JOIN;
                state_reg <= S_RQ_POP_USE;
            end else if (join_left == 0) begin
                // run 0 is taken in: the next, if any, becomes run 0
                t_run_on <= rm_on;
                t_run_psh <= rm_psh;
                t_run_start <= rm_start;
                t_run_end <= rm_end;
                t_run_ptr <= rm_ptr;
                t_run_off <= rm_off;
                t_ooo_seen <= t_run_on[1];
                ack_now <= 1'b1;
                if (t_ooo_psh) h_flags <= h_flags | F_PSH;
                state_reg <= S_RX_PUSH;
            end else begin
                t_rq_fill <= t_rq_fill + join_n[16:0];
                t_rcv_nxt <= t_rcv_nxt + join_n;
                t_rcv_space <= t_rcv_space - join_n;
                placed_any <= 1'b1;
            end
        end
        S_ISLE_PUT: begin
            // out-of-order bytes into the isle's buffer at their offset; the entry only waits
            // for the write's status, so the isle's indication never overtakes its data
            if (plc_free && cq_room) begin
                plc_valid_reg <= 1'b1;
                plc_reg <= {h_fwd, 1'b1, {16'd0, t_isle_addr} + {32'd0, isle_used}, seg_avail, seg_skip};
                plc_open <= 1'b0;
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b1, 1'b0, cpl_rec(`FLUE_ENTRY_KIND_EVENT, `FLUE_EVENT_CODE_TCP_RECV_INDICATE,
                    `FLUE_CPL_STATUS_OK, 32'd0, 32'd0, conn32, t_isle_id)};
                cq_wptr <= cq_wptr + 1'b1;
                t_run_on[0] <= 1'b1;
                t_run_end[31:0] <= t_ooo_end + {16'd0, seg_avail};
                state_reg <= S_RX_FIN;
            end
        end
        S_ISLE_JOIN: begin
            // the gap is filled: the isle is indicated after the data before it, RCV.NXT passes it
            if (cq_room) begin
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_EVENT, recv_event,
                    `FLUE_CPL_STATUS_OK, 32'd0, isle_used, conn32, t_isle_id)};
                cq_wptr <= cq_wptr + 1'b1;
                nb_isles <= nb_isles - 1'b1;
                t_isle <= 1'b0;
                t_run_on[0] <= 1'b0;
                t_ooo_seen <= 1'b0;
                t_rcv_nxt <= t_ooo_end;
                placed_any <= 1'b1;
                ack_now <= 1'b1;
                state_reg <= S_ISLE_FLUSH;
            end
        end
        S_ISLE_FLUSH: begin
            // receives posted behind the isle go back untouched, in order, for the driver to
            // fill from the stashed data first (it posts what is left again)
            if (t_rq_count != 0) begin
                pop_status <= `FLUE_CPL_STATUS_RETURNED;
                pop_if_push <= 1'b0;
                ret_state <= S_ISLE_FLUSH;
                state_reg <= S_RQ_POP;
            end else begin
                state_reg <= S_RX_PUSH;
            end
        end
        S_RX_PUSH: begin
            // fresh until the gap is closed: the host forwards what it held one segment at a
            // time, and the peer's newer data keeps arriving out of order meanwhile (a re-offload
            // against Linux: answered after the first forward, its duplicate ACKs made Linux
            // resend some 100 segments the card already held)
            if (placed_any && !t_ooo_on) t_fresh <= 1'b0;
            if (placed_any) begin
                // R71: new data in order, sent in answer to the card's ACKs: forward progress
                nrt_we <= 1'b1;
                nrt_waddr <= t_nbr;
                nrt_wdata <= now;
                // delayed ACK (TcpAckFrequency, TcpDelayedAckTicks)
                t_unacked <= t_unacked + 1'b1;
                if (t_unacked + 1'b1 >= cfg_ack_frequency) begin
                    ack_ride <= 1'b1;
                end else if (!t_dack_on) begin
                    t_dack_on <= 1'b1;
                    t_dack_at <= now + cfg_delayed_ack_ticks;
                end
            end
            if (placed_any && h_flags[`TOE_TCP_PSH] && t_rq_count != 0 && t_rq_fill != 0 && t_ooo_on) begin
                // a gap is still open: the push applies once it is filled (completing the buffer
                // now would move the held bytes' place)
                t_run_psh[0] <= 1'b1;
                state_reg <= S_RX_FIN;
            end else if (placed_any && h_flags[`TOE_TCP_PSH] && t_rq_count != 0 && t_rq_fill != 0) begin
                // R50: PSH completes a partly filled push-mode buffer
                pop_status <= `FLUE_CPL_STATUS_OK;
                pop_if_push <= 1'b1;
                ret_state <= S_RX_FIN;
                state_reg <= S_RQ_POP;
            end else begin
                state_reg <= S_RX_FIN;
            end
        end
        S_RX_FIN: begin
            pop_if_push <= 1'b0;
            if (h_fin && !t_fin_rcvd && rcv_state && h_seq + {16'd0, h_len} == t_rcv_nxt) begin
                t_rcv_nxt <= t_rcv_nxt + 1'b1;
                t_fin_rcvd <= 1'b1;
                ack_now <= 1'b1;
                t_push_on <= 1'b0;
                case (t_state)
                    ST_ESTABLISHED: t_state <= ST_CLOSE_WAIT;
                    ST_FIN_WAIT_1: t_state <= t_fin_acked ? ST_TIME_WAIT : ST_CLOSING;
                    ST_FIN_WAIT_2: begin
                        t_state <= ST_TIME_WAIT;
                        t_rtx_on <= 1'b0;       // the FIN_WAIT_2 timer's work is done
                    end
                    default: t_state <= t_state;
                endcase
                // R64: earlier data completes first, then the disconnect is indicated
                if (t_rq_count != 0 && t_rq_fill != 0) begin
                    pop_status <= `FLUE_CPL_STATUS_OK;
                    ret_state <= S_RX_FIN2;
                    state_reg <= S_RQ_POP;
                end else begin
                    state_reg <= S_RX_FIN2;
                end
            end else begin
                // R50: the push timer runs while a push-mode buffer holds data
                if (placed_any && t_rq_count != 0 && t_rq_fill != 0) begin
                    t_push_on <= 1'b1;
                    t_push_at <= now + cfg_push_ticks;
                end
                state_reg <= S_RX_END;
            end
        end
        S_RX_FIN2: begin
            c_opcode <= `FLUE_EVENT_CODE_TCP_DISCONNECT;
            c_info <= 32'd0;
            cpl_next <= S_RX_END;
            state_reg <= S_EVENT;
        end
        S_RX_END: begin
            if (plc_open) begin
                if (plc_free) begin
                    plc_valid_reg <= 1'b1;
                    plc_reg <= {h_fwd, 1'b1, 64'd0, 16'd0, 16'd0};
                    plc_open <= 1'b0;
                end
            end else begin
                // an ACK due by TcpAckFrequency goes on new data when the connection has some
                // to send now (as a software stack sends before it acknowledges; in bulk both
                // ways that saves the wire a pure ACK). Any other ACK (duplicate, FIN,
                // challenge, window) goes as it is
                state_reg <= ack_now || (ack_ride && !ack_by_data) ? S_EMIT_ACK : ack_ride ? S_TX : S_WB;
                ret_state <= S_WB;
            end
        end
        S_DISCARD: begin
            if (!plc_open) begin
                state_reg <= S_IDLE;
            end else if (plc_free) begin
                plc_valid_reg <= 1'b1;
                plc_reg <= {h_fwd, 1'b1, 64'd0, 16'd0, 16'd0};
                plc_open <= 1'b0;
                state_reg <= S_IDLE;
            end
        end
        S_EMIT_ACK: begin
            // a segment without data: ACK, window update, or the RST of an abortive disconnect
            if (txc_free) begin
                txc_valid_reg <= 1'b1;
                txc_reg <= txc_build;
                t_ip_id <= t_ip_id + 1'b1;
                t_rcv_adv <= rcv_adv_sent;
                t_unacked <= 8'd0;
                t_dack_on <= 1'b0;
                ack_now <= 1'b0;
                ack_ride <= 1'b0;
                ack_rst <= 1'b0;
                ack_ka <= 1'b0;
                state_reg <= ret_state;
            end
        end

        /*
         * Transmit work: one segment per visit, the connection queued again while it has more
         */
        S_TX: begin
            if (!can_send) begin
                state_reg <= S_WB;
            end else if (t_rexmit_one) begin
                if (t_sq_count != 0) begin
                    snd_raddr <= t_sq_head;
                    state_reg <= S_TX_WAIT;
                end else begin
                    // only the FIN is unacknowledged: send it again from SND.UNA
                    t_rexmit_one <= 1'b0;
                    t_snd_nxt <= t_snd_una;
                    state_reg <= S_WB;
                end
            end else if (data_pending && t_tx_valid && usable != 0) begin
                snd_raddr <= t_tx_ptr;
                state_reg <= S_TX_WAIT;
            end else begin
                state_reg <= S_TX_FIN;
            end
        end
        S_TX_WAIT: begin
            state_reg <= S_TX_EMIT;
        end
        S_TX_EMIT: begin
            if (!t_rexmit_one && tx_off >= {15'd0, se_len}) begin
                // SND.NXT lies past this entry (data sent before the offload, or an ACK that
                // overtook a retransmission): move the cursor on, send from the next visit
                t_tx_seq <= t_tx_seq + {15'd0, se_len};
                if (t_tx_ptr == t_sq_tail) t_tx_valid <= 1'b0;
                else t_tx_ptr <= snd_rnext;
                state_reg <= ack_ride ? S_EMIT_ACK : S_WB;
            end else if (txc_free) begin
                txc_valid_reg <= 1'b1;
                txc_reg <= txc_build;
                stat_tx_segment_reg <= 1'b1;
                t_ip_id <= t_ip_id + 1'b1;
                t_rcv_adv <= rcv_adv_sent;
                t_unacked <= 8'd0;
                t_dack_on <= 1'b0;
                ack_ride <= 1'b0;
                if (!t_rtx_on) begin
                    t_rtx_on <= 1'b1;
                    t_rtx_at <= now + t_rto;
                end
                if (t_rexmit_one) begin
                    t_rexmit_one <= 1'b0;
                    // a probe's byte is new data unless it went out before the window closed
                    stat_retransmit_reg <= !tx_probe || seq_lt(t_snd_una, t_snd_max);
                end else begin
                    t_snd_nxt <= tx_from + tx_n + {31'd0, tx_fin};
                    if (seq_lt(t_snd_max, tx_from + tx_n + {31'd0, tx_fin})) begin
                        t_snd_max <= tx_from + tx_n + {31'd0, tx_fin};
                    end
                    if (seq_lt(tx_from, t_snd_max)) begin
                        stat_retransmit_reg <= 1'b1;
                    end else if (!t_rtt_on) begin
                        // Karn: time only new data
                        t_rtt_on <= 1'b1;
                        t_rtt_seq <= tx_from;
                        t_rtt_tick <= now;
                    end
                    if (tx_entry_end) begin
                        t_tx_seq <= t_tx_seq + {15'd0, se_len};
                        if (t_tx_ptr == t_sq_tail) t_tx_valid <= 1'b0;
                        else t_tx_ptr <= snd_rnext;
                    end
                    if (tx_fin && !t_fin_sent) begin
                        t_fin_sent <= 1'b1;
                        t_state <= t_state == ST_CLOSE_WAIT ? ST_LAST_ACK : ST_FIN_WAIT_1;
                    end
                end
                state_reg <= S_WB;
            end
        end
        S_TX_FIN: begin
            if (!fin_tx) begin
                state_reg <= S_WB;
            end else if (txc_free) begin
                txc_valid_reg <= 1'b1;
                txc_reg <= txc_build;
                stat_tx_segment_reg <= 1'b1;
                t_ip_id <= t_ip_id + 1'b1;
                t_rcv_adv <= rcv_adv_sent;
                t_unacked <= 8'd0;
                t_dack_on <= 1'b0;
                t_snd_nxt <= t_snd_nxt + 1'b1;
                if (seq_lt(t_snd_max, t_snd_nxt + 1'b1)) t_snd_max <= t_snd_nxt + 1'b1;
                if (!t_rtx_on) begin
                    t_rtx_on <= 1'b1;
                    t_rtx_at <= now + t_rto;
                end
                if (!t_fin_sent) begin
                    t_fin_sent <= 1'b1;
                    t_state <= t_state == ST_CLOSE_WAIT ? ST_LAST_ACK : ST_FIN_WAIT_1;
                end else begin
                    stat_retransmit_reg <= 1'b1;
                end
                state_reg <= S_WB;
            end
        end

        /*
         * Timer walker visit
         */
        S_TMR: begin
            state_reg <= S_TMR_END;
            if (walk_event) begin
                // the upload is asked for (TimeoutExpiration), once, for either timer giving up
                t_retrieve_sent <= 1'b1;
                c_opcode <= `FLUE_EVENT_CODE_TCP_RETRIEVE;
                c_info <= `FLUE_UPLOAD_REASON_TIMEOUT_EXPIRATION;
                cpl_next <= S_TMR_END;
                state_reg <= S_EVENT;
            end
            if (rtx_give_up) begin
                // R67 past TcpMaximumRetransmissions (R83: probes in a round), or R82 no acceptable
                // segment for the FIN_WAIT_2 time (then CLOSED)
                t_rtx_on <= 1'b0;
                if (t_state == ST_FIN_WAIT_2) t_state <= ST_CLOSED;
            end else if (rtx_persist_done) begin
                // the probes took all the data: nothing left to probe with
                t_persist <= 1'b0;
                t_wnd_probe <= 8'd0;
                t_rt_count <= 8'd0;
                t_rtx_on <= 1'b0;
            end else if (rtx_due && t_persist) begin
                // R83: the persist timer (or a probe's retransmit timer) ran out: a probe, and the
                // slot again at RTO << Count
                t_rexmit_one <= 1'b1;
                t_rt_count <= t_rt_count + 1'b1;
                t_rtx_at <= now + shl_cap(t_rto, t_rt_count, cfg_max_rto_ticks);
            end else if (rtx_due) begin
                // RFC 6298 (5.4)-(5.6), RFC 5681 (4): go back to SND.UNA with one segment
                t_rt_count <= t_rt_count + 1'b1;
                if (t_rt_count == 8'd0) t_rt_since <= now;
                t_ssthresh <= ssthresh_cut;
                t_cwnd <= mss32;
                t_cwnd_acc <= 32'd0;
                t_in_recovery <= 1'b0;
                t_dupacks <= 8'd0;
                t_rexmit_one <= 1'b0;
                t_snd_nxt <= t_snd_una;
                t_tx_ptr <= t_sq_head;
                t_tx_seq <= t_sq_head_seq;
                t_tx_valid <= t_sq_count != 0;
                t_rto <= rto_backoff;
                t_rtx_at <= now + rto_backoff;
                t_rtt_on <= 1'b0;
                // the window is zero: nothing can be resent, the persist timer takes over
                if (t_snd_wnd == 32'd0) t_rtx_on <= 1'b0;
            end
            if (t_dack_on && !seq_lt(now, t_dack_at)) begin
                ack_ride <= 1'b1;
                t_fresh <= 1'b0;
            end
            if (ka_give_up) begin
                t_ka_on <= 1'b0;
                t_state <= ST_CLOSED;
            end else if (ka_due && ka_idle) begin
                ack_now <= 1'b1;
                ack_ka <= 1'b1;
                t_ka_probes <= t_ka_probes + 1'b1;
                t_ka_at <= now + (t_ka_intv == 32'd0 ? 32'd1 : t_ka_intv);
            end else if (ka_due) begin
                t_ka_at <= now + t_ka_idle;
            end
            if (t_push_on && !seq_lt(now, t_push_at) && !walk_event && t_ooo_on) begin
                // a gap is open (as for PSH in S_RX_PUSH): completing the buffer with room would
                // move the held bytes' place and lose them, and a peer without SACK would send
                // them again one a round trip (Linux under loss). The timer waits for the gap
                t_push_at <= now + cfg_push_ticks;
            end else if (t_push_on && !seq_lt(now, t_push_at) && !walk_event) begin
                t_push_on <= 1'b0;
                if (t_rq_count != 0 && t_rq_fill != 0) begin
                    // R50, R51: the timer completes a push-mode buffer, never a no-push one
                    pop_status <= `FLUE_CPL_STATUS_OK;
                    pop_if_push <= 1'b1;
                    ret_state <= S_TMR_END;
                    state_reg <= S_RQ_POP;
                end
            end
        end
        S_TMR_END: begin
            ret_state <= S_WB;
            // the delayed ACK goes on new data as in S_RX_END
            state_reg <= ack_now || (ack_ride && !ack_by_data) ? S_EMIT_ACK : ack_ride ? S_TX : S_WB;
            if (nbr_due) begin
                // R70: NeighborReachabilityQuery, then back here for the rest of the visit
                state_reg <= S_NBR_QUERY;
            end
            if (bl_due) begin
                // R69: TcpIndicateSendBacklogChange, then back here for the rest of the visit
                t_bl <= bl_now;
                t_bl_at <= now;
                c_opcode <= `FLUE_EVENT_CODE_TCP_SEND_BACKLOG;
                c_info <= bl_now;
                cpl_next <= S_TMR_END;
                state_reg <= S_EVENT;
            end
        end
        S_NBR_QUERY: begin
            // NRD = now - NRT in the event; HRT = now until the host answers (NEIGHBOR_REACH), so
            // the query is not repeated for NceStaleTicks (as the host's HRD of 0 would)
            if (cq_room) begin
                cq_we <= 1'b1;
                cq_waddr <= cq_wptr[CQ_LOG2-1:0];
                cq_wdata <= {1'b0, 1'b1, cpl_rec(`FLUE_ENTRY_KIND_EVENT, `FLUE_EVENT_CODE_NEIGHBOR_QUERY,
                    `FLUE_CPL_STATUS_OK, 32'd0, 32'd0, nbr32, nrd_now)};
                cq_wptr <= cq_wptr + 1'b1;
                hrt_we <= 1'b1;
                hrt_waddr <= t_nbr;
                hrt_wdata <= now;
                nbr_asked <= 1'b1;
                state_reg <= S_TMR_END;
            end
        end
        S_NBR_NRD: begin
            nrd_wait <= 1'b0;
            if (!nrd_wait) begin
                c_length <= nrd_now;
                state_reg <= S_CPL;
            end
        end
        default: begin
            state_reg <= S_IDLE;
        end
    endcase

    if (rst) begin
        state_reg <= S_SWEEP;
        nb_wptr <= {NB_LOG2+1{1'b0}};
        nb_rptr <= {NB_LOG2+1{1'b0}};
        nb_we <= 1'b0;
        nb_settle <= 1'b0;
        nb_isles <= {NB_LOG2+1{1'b0}};
        term_wait <= 1'b0;
        term_armed <= 1'b0;
        rxh_taken <= 16'd0;
        sweep <= {SWEEP_WIDTH{1'b0}};
        prio <= 2'd0;
        now <= 32'd0;
        walk_pending <= 1'b0;
        conn_valid_set <= 1'b0;
        conn_valid_clr <= 1'b0;
        txq_member_set <= 1'b0;
        txq_member_clr <= 1'b0;
        txq_wptr <= {CONN_WIDTH+1{1'b0}};
        cq_wptr <= {CQ_LOG2+1{1'b0}};
        conn_free_count <= {CONN_WIDTH+1{1'b0}};
        snd_free_count <= {SND_PTR_WIDTH+1{1'b0}};
        rcv_free_count <= {RCV_PTR_WIDTH+1{1'b0}};
        hash_valid_reg <= 1'b0;
        txc_valid_reg <= 1'b0;
        plc_valid_reg <= 1'b0;
        rd_desc_valid_reg <= 1'b0;
        wr_desc_valid_reg <= 1'b0;
        dlg_busy <= 1'b0;
        dlg_status_got <= 1'b0;
        tcb_we <= 1'b0;
        snd_we <= 1'b0;
        snd_nwe <= 1'b0;
        rcv_we <= 1'b0;
        rcv_nwe <= 1'b0;
        cq_we <= 1'b0;
        txq_we <= 1'b0;
            cf_we <= 1'b0;
        sf_we <= 1'b0;
        rf_we <= 1'b0;
        stat_tx_segment_reg <= 1'b0;
        stat_retransmit_reg <= 1'b0;
        fault_reg <= 1'b0;
    end
end

// the transmitter reports every command once: the engine stays ahead of it by TXC_AHEAD
always @(posedge clk) begin
    if (txc_take) txc_taken <= txc_taken + 1'b1;
    if (s_txc_status_valid) txc_reported <= txc_reported + 1'b1;
    if (rst) begin
        txc_taken <= 8'd0;
        txc_reported <= 8'd0;
    end
end

/*
 * Transmit fence. A segment's payload is read from the host's send buffer after its command
 * left the engine; an ACK or an upload may complete that send meanwhile, and the host frees the
 * buffer. So a completion or event leaves only once the transmitter has reported every command
 * handed on (or built) before it was queued: "reported - fence" is then never negative by more
 * than half the count's range.
 */
wire [7:0] txc_fence_now = txc_taken + {7'd0, txc_valid_reg};
wire [7:0] cq_fence_gap = txc_reported - cq_head_fence;
wire cq_fence_clear = cq_fence_gap < 8'd128;

/*
 * Memory ports
 */
// the per-connection bits, a cycle after the state that asks for the change (a set wins over a
// clear of the same bit; the engine never asks for both at once)
always @(posedge clk) begin
    if (conn_valid_clr) conn_valid[conn_valid_addr] <= 1'b0;
    if (conn_valid_set) conn_valid[conn_valid_addr] <= 1'b1;
    if (txq_member_clr) txq_member[txq_member_clr_addr] <= 1'b0;
    if (txq_member_set) txq_member[txq_member_set_addr] <= 1'b1;
    if (rst) begin
        conn_valid <= {MAX_CONNS{1'b0}};
        txq_member <= {MAX_CONNS{1'b0}};
    end
end

always @(posedge clk) begin
    tcb_rdata <= tcb_mem[tcb_raddr];
    if (tcb_we) tcb_mem[tcb_waddr] <= tcb_wdata;
end

// read at the loaded connection's neighbor: valid from the second state after S_LOADED
always @(posedge clk) begin
    nrt_rdata <= nrt_mem[t_nbr];
    if (nrt_we) nrt_mem[nrt_waddr] <= nrt_wdata;
end

always @(posedge clk) begin
    hrt_rdata <= hrt_mem[t_nbr];
    if (hrt_we) hrt_mem[hrt_waddr] <= hrt_wdata;
end

always @(posedge clk) begin
    snd_rdata <= snd_mem[snd_raddr];
    if (snd_we) snd_mem[snd_waddr] <= snd_wdata;
end

always @(posedge clk) begin
    snd_rnext <= snd_next_mem[snd_raddr];
    if (snd_nwe) snd_next_mem[snd_nwaddr] <= snd_nwdata;
end

always @(posedge clk) begin
    nb_head <= nb_mem[nb_rptr[NB_LOG2-1:0]];
    if (nb_we) nb_mem[nb_wptr[NB_LOG2-1:0]] <= nb_wdata;
end

always @(posedge clk) begin
    rcv_rdata <= rcv_mem[rcv_raddr];
    if (rcv_we) rcv_mem[rcv_waddr] <= rcv_wdata;
end

always @(posedge clk) begin
    rcv_rnext <= rcv_next_mem[rcv_raddr];
    if (rcv_nwe) rcv_next_mem[rcv_nwaddr] <= rcv_nwdata;
end

// free-list tops follow the stack pointers one cycle behind; an event never allocates in
// the cycle after it freed
wire [CONN_WIDTH-1:0] conn_top_addr = conn_free_count[CONN_WIDTH-1:0] - 1'b1;
wire [SND_PTR_WIDTH-1:0] snd_top_addr = snd_free_count[SND_PTR_WIDTH-1:0] - 1'b1;
wire [RCV_PTR_WIDTH-1:0] rcv_top_addr = rcv_free_count[RCV_PTR_WIDTH-1:0] - 1'b1;

always @(posedge clk) begin
    conn_free_top <= conn_free_mem[conn_top_addr];
    if (cf_we) conn_free_mem[cf_waddr] <= cf_wdata;
end

always @(posedge clk) begin
    snd_free_top <= snd_free_mem[snd_top_addr];
    if (sf_we) snd_free_mem[sf_waddr] <= sf_wdata;
end

always @(posedge clk) begin
    rcv_free_top <= rcv_free_mem[rcv_top_addr];
    if (rf_we) rcv_free_mem[rf_waddr] <= rf_wdata;
end

/*
 * Transmit-work FIFO: written by S_WB, its head prefetched into txq_head
 */
wire txq_take = (!txq_head_valid || txq_pop) && txq_rptr != txq_wptr_done;

always @(posedge clk) begin
    if (txq_we) txq_mem[txq_waddr] <= txq_wdata;
    txq_wptr_done <= txq_wptr;
    if (txq_take) begin
        txq_head <= txq_mem[txq_rptr[CONN_WIDTH-1:0]];
        txq_rptr <= txq_rptr + 1'b1;
        txq_head_valid <= 1'b1;
    end else if (txq_pop) begin
        txq_head_valid <= 1'b0;
    end
    if (rst) begin
        txq_rptr <= {CONN_WIDTH+1{1'b0}};
        txq_wptr_done <= {CONN_WIDTH+1{1'b0}};
        txq_head_valid <= 1'b0;
    end
end

/*
 * Completion queue output: an entry that waits for a placement status leaves only after it
 * (with DMA_ERROR if the write failed); a silent one (a placement into a buffer that is not
 * yet full) just consumes the status
 */
wire cq_head_wait = cq_head[CPL_REC_WIDTH+1];
wire cq_head_emit = cq_head[CPL_REC_WIDTH];
wire cq_ready_to_go = cq_head_valid && (!cq_head_wait || ps_count != 0) && cq_fence_clear;
wire cq_pop = cq_ready_to_go && (!cq_head_emit || m_axis_cpl_tready);
wire cq_take = (!cq_head_valid || cq_pop) && cq_rptr != cq_wptr_done;
reg [CPL_REC_WIDTH-1:0] cq_out;

// A failed write that does not fill its buffer (a silent entry: an in-order write, one of held
// out-of-order data into a later buffer, or one into an isle's NIC buffer) is remembered by the
// buffer's {conn, key} (a posted receive's tag, or a NIC buffer's id: an isle's writes wait for
// its indication) until that buffer's completion or indication leaves, which then reports
// DMA_ERROR whatever completed it (the write that fills it, a PSH, the push timer, a FIN, the
// gap before an isle filled). PERR_N buffers at once; past that every receive completion and
// indication reports DMA_ERROR until reset (never OK for bytes that were not written).
localparam PERR_N = 4;
reg [PERR_N-1:0] perr_valid = {PERR_N{1'b0}};
reg [PERR_N*32-1:0] perr_conn = {PERR_N*32{1'b0}};   // slot i in bits [32*i +: 32]
reg [PERR_N*33-1:0] perr_key = {PERR_N*33{1'b0}};
reg perr_overflow = 1'b0;
wire [31:0] cq_head_conn = cq_head[`FLUE_CPL_ENTRY_CONN_LSB +: 32];
wire [31:0] cq_head_tag = cq_head[`FLUE_CPL_ENTRY_TAG_LSB +: 32];
wire [31:0] cq_head_info = cq_head[`FLUE_CPL_ENTRY_INFO_LSB +: 32];
wire cq_head_recv = cq_head[`FLUE_CPL_ENTRY_KIND_LSB +: 8] == `FLUE_ENTRY_KIND_COMPLETION
    && cq_head[`FLUE_CPL_ENTRY_OPCODE_LSB +: 8] == `FLUE_OPCODE_TCP_RECV_POST;
// data in a NIC buffer: its indication (or an isle's write, silent until the gap fills)
wire cq_head_ind = cq_head[`FLUE_CPL_ENTRY_KIND_LSB +: 8] == `FLUE_ENTRY_KIND_EVENT
    && (cq_head[`FLUE_CPL_ENTRY_OPCODE_LSB +: 8] == `FLUE_EVENT_CODE_TCP_RECV_INDICATE
        || cq_head[`FLUE_CPL_ENTRY_OPCODE_LSB +: 8] == `FLUE_EVENT_CODE_TCP_RECV_STASH);
wire cq_head_buf = cq_head_recv || cq_head_ind;
wire [32:0] cq_head_key = cq_head_ind ? {1'b1, cq_head_info} : {1'b0, cq_head_tag};
reg [PERR_N-1:0] perr_match;
reg [PERR_N-1:0] perr_free_one;     // the lowest free slot, one-hot
integer pi;
always @* begin
    perr_free_one = {PERR_N{1'b0}};
    for (pi = 0; pi < PERR_N; pi = pi + 1) begin
        perr_match[pi] = perr_valid[pi] && perr_conn[32*pi +: 32] == cq_head_conn && perr_key[33*pi +: 33] == cq_head_key;
        if (!perr_valid[pi] && perr_free_one == {PERR_N{1'b0}}) perr_free_one[pi] = 1'b1;
    end
end
wire cq_head_failed = (cq_head_wait && ps_err[0])
    || (cq_head_emit && cq_head_buf && (|perr_match || perr_overflow));
// a silent entry whose write failed: its buffer is remembered (once)
wire perr_note = cq_pop && cq_head_wait && !cq_head_emit && ps_err[0] && cq_head_buf && !(|perr_match);

always @* begin
    cq_out = cq_head[CPL_REC_WIDTH-1:0];
    if (cq_head_failed && cq_out[`FLUE_CPL_ENTRY_STATUS_LSB +: 8] == `FLUE_CPL_STATUS_OK) begin
        cq_out[`FLUE_CPL_ENTRY_STATUS_LSB +: 8] = `FLUE_CPL_STATUS_DMA_ERROR;
    end
end

always @(posedge clk) begin
    // a buffer's completion or indication leaving, or the entry that forgets an isle's buffer
    if (cq_pop && cq_head_buf && (cq_head_emit || !cq_head_wait)) perr_valid <= perr_valid & ~perr_match;
    if (perr_note) begin
        if (perr_free_one == {PERR_N{1'b0}}) perr_overflow <= 1'b1;
        perr_valid <= perr_valid | perr_free_one;
    end
    for (pi = 0; pi < PERR_N; pi = pi + 1) begin
        if (perr_note && perr_free_one[pi]) begin
            perr_conn[32*pi +: 32] <= cq_head_conn;
            perr_key[33*pi +: 33] <= cq_head_key;
        end
    end
    if (rst) begin
        perr_valid <= {PERR_N{1'b0}};
        perr_overflow <= 1'b0;
    end
end

assign m_axis_cpl_tdata = cq_out;
assign m_axis_cpl_tvalid = cq_ready_to_go && cq_head_emit;

always @(posedge clk) begin
    if (cq_we) begin
        cq_mem[cq_waddr] <= cq_wdata;
        cq_fence_mem[cq_waddr] <= txc_fence_now;
    end
    cq_wptr_done <= cq_wptr;
    if (cq_take) begin
        cq_head <= cq_mem[cq_rptr[CQ_LOG2-1:0]];
        cq_head_fence <= cq_fence_mem[cq_rptr[CQ_LOG2-1:0]];
        cq_rptr <= cq_rptr + 1'b1;
        cq_head_valid <= 1'b1;
    end else if (cq_pop) begin
        cq_head_valid <= 1'b0;
    end

    // placement statuses, in order, matched one to one with waiting entries
    case ({s_plc_status_valid, cq_pop && cq_head_wait})
        2'b10: begin
            ps_err[ps_count] <= s_plc_status_error != 0;
            ps_count <= ps_count + 1'b1;
        end
        2'b01: begin
            ps_err <= {1'b0, ps_err[PS_N-1:1]};
            ps_count <= ps_count - 1'b1;
        end
        2'b11: begin
            ps_err <= {1'b0, ps_err[PS_N-1:1]};
            ps_err[ps_count - 1'b1] <= s_plc_status_error != 0;
        end
        default: begin
        end
    endcase

    if (rst) begin
        cq_rptr <= {CQ_LOG2+1{1'b0}};
        cq_wptr_done <= {CQ_LOG2+1{1'b0}};
        cq_head_valid <= 1'b0;
        ps_count <= {PS_W{1'b0}};
        ps_err <= {PS_N{1'b0}};
    end
end

/*
 * Outputs
 */
assign m_axis_plc_tdata = plc_reg;
assign m_axis_plc_tvalid = plc_valid_reg;
assign m_axis_txc_tdata = txc_reg;
assign m_axis_txc_tvalid = txc_valid_reg;
assign m_hash_op = hash_op_reg;
assign m_hash_key = hash_op_reg ? t_key : b_key;
assign m_hash_conn = cur_conn;
assign m_hash_valid = hash_valid_reg;
assign m_axis_rd_desc_addr = d_addr;
assign m_axis_rd_desc_len = d_opcode == `FLUE_OPCODE_TCP_FORWARD ? d_len[LEN_WIDTH-1:0] : `FLUE_CONN_STATE_BYTES;
assign m_axis_rd_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_rd_desc_valid = rd_desc_valid_reg;
assign s_axis_rd_data_tready = state_reg == S_BLK_DATA || (state_reg == S_FWD_DATA && m_axis_fwd_tready);
// a forwarded segment comes from the peer to this card
assign m_fwd_conn = cur_conn;
assign m_fwd_src_ip = t_remote_ip;
assign m_fwd_dst_ip = t_local_ip;
assign m_fwd_src_port = t_remote_port;
assign m_fwd_dst_port = t_local_port;
assign m_axis_fwd_tdata = s_axis_rd_data_tdata;
assign m_axis_fwd_tkeep = s_axis_rd_data_tkeep;
assign m_axis_fwd_tvalid = state_reg == S_FWD_DATA && s_axis_rd_data_tvalid;
assign m_axis_fwd_tlast = s_axis_rd_data_tlast;
assign m_axis_fwd_tuser = s_axis_rd_data_tuser;
assign m_axis_wr_desc_addr = d_addr + `FLUE_CONN_STATE_TCP_DELEGATED_OFFSET;
assign m_axis_wr_desc_len = `FLUE_TCP_DELEGATED_STATE_BYTES;
assign m_axis_wr_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_wr_desc_valid = wr_desc_valid_reg;
assign m_axis_wr_data_tdata = dlg[dlg_word*DMA_DATA_WIDTH +: DMA_DATA_WIDTH];
assign m_axis_wr_data_tvalid = dlg_busy;
assign m_axis_wr_data_tlast = dlg_word == DLG_LAST_W;
assign status_ready = state_reg != S_SWEEP;
// the sweep after reset that fills the free lists touches only the engine's own memories, so it
// counts as idle: the card reads READY and IDLE out of reset as the contract says
assign status_idle = (state_reg == S_IDLE || state_reg == S_SWEEP) && !cq_head_valid && cq_rptr == cq_wptr && !txc_valid_reg && !plc_valid_reg
    && !rd_desc_valid_reg && !wr_desc_valid_reg && !dlg_busy;
assign stat_tx_segment = stat_tx_segment_reg;
assign stat_retransmit = stat_retransmit_reg;
assign fault_dma = fault_reg;

// the TCB fields not read by this build's datapath, the rest of the statuses
/* verilator lint_off UNUSED */
// (the descriptor's param and reserved bytes, request flags other than PUSH/NO_PUSH/ABORTIVE,
// TCP flags above URG, state-block fields this engine does not use)
wire unused_ok = &{1'b0, s_axis_rxh_tdata, s_txc_status_error,
    t_fin_acked, d_len[31:17], oc_skip[31:16], oc_avail[31:16], in_to_run[31:16], send_silent, d_conn, c_kind, is_retransmit, s_axis_req_tdata[255:192],
    s_axis_req_tdata[31:16], d_flags[7:3], h_flags[7:5], blk, rx_skip[31:16], flight[0], b_valid_mask[31:5],
    b_cflags[15:1]};
/* verilator lint_on UNUSED */

endmodule

`resetall
