// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"
`include "toe_defs.vh"

/*
 * The TCP offload engine: the receive parser (and the L2 path's copy of the wire), the forward
 * parser (segments the host forwards, made into records and payload beside the parser's: the
 * parser runs at line rate and has no room for them), the record arbiter in front of the
 * engine, the connection lookup, the TCP engine, receive placement (from either payload FIFO),
 * the transmit frame builder and the timer tick (TICK_DIV core cycles). Its two DMA read users (payload to send, state blocks)
 * and two DMA write users (received payload, delegated state) are separate ports for
 * nic_top's DMA multiplexers.
 */
module toe_top #
(
    // connection id width: 2^CONN_WIDTH connections
    parameter CONN_WIDTH = 10,
    // hash table buckets, log2 (4 ways each)
    parameter HASH_BUCKET_LOG2 = CONN_WIDTH,
    // send and receive request entries, log2
    parameter SND_PTR_WIDTH = CONN_WIDTH + 1,
    parameter RCV_PTR_WIDTH = CONN_WIDTH + 1,
    parameter DMA_DATA_WIDTH = 128,
    parameter LEN_WIDTH = 20,
    parameter TAG_WIDTH = 4,
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_INFO_LSB + `FLUE_CPL_ENTRY_INFO_WIDTH,
    // received payload waiting for placement
    parameter RX_PAYLOAD_BYTES = 16384,
    // received segments' header records waiting for the engine (power of two): bursts of small
    // segments (ACKs of many connections) fill this before the payload FIFO. With 64, 64
    // connections moving 256 KiB each way lost segments to it (a 1 s stall at the peer's RTO);
    // with 256, none (host/cli/scenario.cosim.test.ts)
    parameter RX_HDR_DEPTH = 256,
    // transmit payload staging
    parameter TX_PAYLOAD_BYTES = 8192,
    // transmit commands queued between the engine and the transmitter (power of two)
    parameter TXC_FIFO_DEPTH = 8,
    // forwarded payload waiting for placement (power of two, at least one longest segment)
    parameter FWD_PAYLOAD_BYTES = 4096
)
(
    input  wire                           clk,
    input  wire                           rst,

    /*
     * Configuration
     */
    input  wire [47:0]                    local_mac,
    input  wire [31:0]                    tick_div,
    input  wire [7:0]                     cfg_ack_frequency,
    input  wire [31:0]                    cfg_delayed_ack_ticks,
    input  wire [7:0]                     cfg_max_retransmissions,
    input  wire [7:0]                     cfg_dup_ack_threshold,
    input  wire [31:0]                    cfg_push_ticks,
    input  wire [31:0]                    cfg_nce_stale_ticks,
    input  wire [31:0]                    cfg_min_rto_ticks,
    input  wire [31:0]                    cfg_max_rto_ticks,
    input  wire [31:0]                    cfg_fin_wait_2_ticks,

    /*
     * Requests and completion records
     */
    input  wire [`FLUE_REQ_DESC_BITS-1:0] s_axis_req_tdata,
    input  wire                           s_axis_req_tvalid,
    output wire                           s_axis_req_tready,
    output wire [CPL_REC_WIDTH-1:0]       m_axis_cpl_tdata,
    output wire                           m_axis_cpl_tvalid,
    input  wire                           m_axis_cpl_tready,

    /*
     * Wire receive (never stalled) and its copy for the L2 path
     */
    input  wire [63:0]                    s_axis_rx_tdata,
    input  wire [7:0]                     s_axis_rx_tkeep,
    input  wire                           s_axis_rx_tvalid,
    input  wire                           s_axis_rx_tlast,
    input  wire                           s_axis_rx_tuser,
    output wire [63:0]                    m_axis_l2_tdata,
    output wire [7:0]                     m_axis_l2_tkeep,
    output wire                           m_axis_l2_tvalid,
    output wire                           m_axis_l2_tlast,
    output wire                           m_axis_l2_tuser,
    output wire                           m_axis_l2_tdest,

    /*
     * Wire transmit (to the frame multiplexer)
     */
    output wire [63:0]                    m_axis_tx_tdata,
    output wire [7:0]                     m_axis_tx_tkeep,
    output wire                           m_axis_tx_tvalid,
    input  wire                           m_axis_tx_tready,
    output wire                           m_axis_tx_tlast,
    output wire                           m_axis_tx_tuser,

    /*
     * DMA read: 0 transmit payload, 1 state blocks (shared data and status, per-port valid/ready)
     */
    output wire [2*64-1:0]                m_axis_rd_desc_addr,
    output wire [2*LEN_WIDTH-1:0]         m_axis_rd_desc_len,
    output wire [2*TAG_WIDTH-1:0]         m_axis_rd_desc_tag,
    output wire [1:0]                     m_axis_rd_desc_valid,
    input  wire [1:0]                     m_axis_rd_desc_ready,
    input  wire [3:0]                     s_axis_rd_status_error,
    input  wire [1:0]                     s_axis_rd_status_valid,
    input  wire [DMA_DATA_WIDTH-1:0]      s_axis_rd_data_tdata,
    input  wire [DMA_DATA_WIDTH/8-1:0]    s_axis_rd_data_tkeep,
    input  wire [1:0]                     s_axis_rd_data_tvalid,
    output wire [1:0]                     s_axis_rd_data_tready,
    input  wire                           s_axis_rd_data_tlast,
    input  wire                           s_axis_rd_data_tuser,

    /*
     * DMA write: 0 received payload, 1 delegated state
     */
    output wire [2*64-1:0]                m_axis_wr_desc_addr,
    output wire [2*LEN_WIDTH-1:0]         m_axis_wr_desc_len,
    output wire [2*TAG_WIDTH-1:0]         m_axis_wr_desc_tag,
    output wire [1:0]                     m_axis_wr_desc_valid,
    input  wire [1:0]                     m_axis_wr_desc_ready,
    output wire [2*DMA_DATA_WIDTH-1:0]    m_axis_wr_data_tdata,
    output wire [1:0]                     m_axis_wr_data_tvalid,
    input  wire [1:0]                     m_axis_wr_data_tready,
    output wire [1:0]                     m_axis_wr_data_tlast,
    input  wire [3:0]                     s_axis_wr_status_error,
    input  wire [1:0]                     s_axis_wr_status_valid,

    /*
     * Status
     */
    input  wire                           quiesce,
    output wire                           status_idle,
    output wire                           status_wire_idle,
    output wire                           stat_claimed,
    output wire                           stat_tx_segment,
    output wire                           stat_retransmit,
    output wire                           stat_rx_dropped,
    output wire                           stat_rx_csum_error,
    output wire                           fault_rd,
    output wire                           fault_wr
);

// tick: one pulse every tick_div cycles (0 and 1: every cycle)
reg [31:0] tick_count_reg = 32'd0;
reg tick_reg = 1'b0;

always @(posedge clk) begin
    tick_reg <= 1'b0;
    if (tick_count_reg + 1'b1 >= tick_div) begin
        tick_count_reg <= 32'd0;
        tick_reg <= 1'b1;
    end else begin
        tick_count_reg <= tick_count_reg + 1'b1;
    end
    if (rst) begin
        tick_count_reg <= 32'd0;
        tick_reg <= 1'b0;
    end
end

wire [`TOE_KEY_WIDTH-1:0] lookup_key;
wire lookup_valid;
wire lookup_ready;
wire result_hit;
wire [CONN_WIDTH-1:0] result_conn;
wire result_valid;

wire hash_op;
wire [`TOE_KEY_WIDTH-1:0] hash_key;
wire [CONN_WIDTH-1:0] hash_conn;
wire hash_valid;
wire hash_ready;
wire hash_ok;
wire hash_done;
wire hash_status_ready;

// header records: the parser's, the forward parser's, and both merged for the engine
wire [`TOE_RXH_WIDTH-1:0] prh_tdata;
wire prh_tvalid;
wire prh_tready;
wire [`TOE_RXH_WIDTH-1:0] frh_tdata;
wire frh_tvalid;
wire frh_tready;
wire [`TOE_RXH_WIDTH-1:0] rxh_tdata;
wire rxh_tvalid;
wire rxh_tready;
wire rxh_tid;
wire [DMA_DATA_WIDTH-1:0] pay_tdata;
wire [DMA_DATA_WIDTH/8-1:0] pay_tkeep;
wire pay_tvalid;
wire pay_tready;
wire pay_tlast;

wire [`TOE_PLC_WIDTH-1:0] plc_tdata;
wire plc_tvalid;
wire plc_tready;
wire plc_status_valid;
wire [3:0] plc_status_error;

wire [`TOE_TXC_WIDTH-1:0] txc_tdata;
wire txc_tvalid;
wire txc_tready;
wire [`TOE_TXC_WIDTH-1:0] txq_tdata;
wire txq_tvalid;
wire txq_tready;
wire txq_empty;
wire txc_status_valid;
wire txc_status_error;
wire [15:0] txc_status_ctx;

// forwarded segments (engine → forward parser) and their payload (→ placement)
wire [CONN_WIDTH-1:0] fwd_conn;
wire [31:0] fwd_src_ip;
wire [31:0] fwd_dst_ip;
wire [15:0] fwd_src_port;
wire [15:0] fwd_dst_port;
wire [DMA_DATA_WIDTH-1:0] fwd_tdata;
wire [DMA_DATA_WIDTH/8-1:0] fwd_tkeep;
wire fwd_tvalid;
wire fwd_tready;
wire fwd_tlast;
wire fwd_tuser;
wire fwd_ready;
wire fwd_busy;
wire fwd_idle;
wire [15:0] fwd_queued;
wire [DMA_DATA_WIDTH-1:0] fpay_tdata;
wire [DMA_DATA_WIDTH/8-1:0] fpay_tkeep;
wire fpay_tvalid;
wire fpay_tready;
wire fpay_tlast;
wire fwd_stat_claimed;
wire fwd_stat_csum_error;
wire fwd_stat_drop;

wire parse_idle;
wire parse_stat_claimed;
wire [15:0] parse_queued;
wire parse_rx_ready;     // always 1: the wire is never stalled
wire place_idle;
wire tx_idle;
wire engine_ready;
wire engine_idle;
wire stat_csum_error;
wire stat_drop_full;
wire engine_fault;

assign status_idle = parse_idle && place_idle && tx_idle && engine_idle && txq_empty && fwd_idle && !rxh_tvalid;
assign fault_rd = engine_fault || (txc_status_valid && txc_status_error);
assign fault_wr = plc_status_valid && plc_status_error != 0;

// the parser's and the forward parser's statistics pulses, one counter each: two in one cycle
// leave one after the other (pulses are rare: the parser's are a frame apart)
reg [5:0] stat_pend_reg = 6'd0;     // 2 bits per counter: pulses still to give
reg [2:0] stat_out_reg = 3'd0;
wire [2:0] stat_a = {stat_drop_full, stat_csum_error, parse_stat_claimed};
wire [2:0] stat_b = {fwd_stat_drop, fwd_stat_csum_error, fwd_stat_claimed};
reg [2:0] stat_out_next;
reg [5:0] stat_pend_next;
always @* begin : stat_merge
    integer si;
    for (si = 0; si < 3; si = si + 1) begin
        stat_out_next[si] = stat_a[si] || stat_b[si] || stat_pend_reg[2*si +: 2] != 2'd0;
        stat_pend_next[2*si +: 2] = stat_pend_reg[2*si +: 2] + {1'b0, stat_a[si]} + {1'b0, stat_b[si]}
            - {1'b0, stat_out_next[si]};
    end
end
always @(posedge clk) begin
    stat_out_reg <= stat_out_next;
    stat_pend_reg <= stat_pend_next;
    if (rst) begin
        stat_out_reg <= 3'd0;
        stat_pend_reg <= 6'd0;
    end
end
assign stat_claimed = stat_out_reg[0];
assign stat_rx_csum_error = stat_out_reg[1];
assign stat_rx_dropped = stat_out_reg[2];

toe_hash #(
    .CONN_WIDTH(CONN_WIDTH),
    .BUCKET_LOG2(HASH_BUCKET_LOG2),
    .WAYS(4)
)
hash_inst (
    .clk(clk),
    .rst(rst),
    .s_lookup_key(lookup_key),
    .s_lookup_valid(lookup_valid),
    .s_lookup_ready(lookup_ready),
    .m_result_hit(result_hit),
    .m_result_conn(result_conn),
    .m_result_valid(result_valid),
    .s_update_op(hash_op),
    .s_update_key(hash_key),
    .s_update_conn(hash_conn),
    .s_update_valid(hash_valid),
    .s_update_ready(hash_ready),
    .m_update_ok(hash_ok),
    .m_update_valid(hash_done),
    .status_ready(hash_status_ready)
);

toe_fwd_parse #(
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .CONN_WIDTH(CONN_WIDTH),
    .PAYLOAD_FIFO_BYTES(FWD_PAYLOAD_BYTES)
)
fwd_parse_inst (
    .clk(clk),
    .rst(rst),
    .s_fwd_conn(fwd_conn),
    .s_fwd_src_ip(fwd_src_ip),
    .s_fwd_dst_ip(fwd_dst_ip),
    .s_fwd_src_port(fwd_src_port),
    .s_fwd_dst_port(fwd_dst_port),
    .s_axis_seg_tdata(fwd_tdata),
    .s_axis_seg_tkeep(fwd_tkeep),
    .s_axis_seg_tvalid(fwd_tvalid),
    .s_axis_seg_tready(fwd_tready),
    .s_axis_seg_tlast(fwd_tlast),
    .s_axis_seg_tuser(fwd_tuser),
    .fwd_ready(fwd_ready),
    .m_axis_hdr_tdata(frh_tdata),
    .m_axis_hdr_tvalid(frh_tvalid),
    .m_axis_hdr_tready(frh_tready),
    .m_axis_payload_tdata(fpay_tdata),
    .m_axis_payload_tkeep(fpay_tkeep),
    .m_axis_payload_tvalid(fpay_tvalid),
    .m_axis_payload_tready(fpay_tready),
    .m_axis_payload_tlast(fpay_tlast),
    .stat_claimed(fwd_stat_claimed),
    .stat_csum_error(fwd_stat_csum_error),
    .stat_drop(fwd_stat_drop),
    .status_busy(fwd_busy),
    .status_idle(fwd_idle),
    .status_hdr_queued(fwd_queued)
);

toe_rx_parse #(
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .CONN_WIDTH(CONN_WIDTH),
    .PAYLOAD_FIFO_BYTES(RX_PAYLOAD_BYTES),
    .HDR_DEPTH(RX_HDR_DEPTH)
)
rx_parse_inst (
    .clk(clk),
    .rst(rst),
    .local_mac(local_mac),
    .s_axis_rx_tdata(s_axis_rx_tdata),
    .s_axis_rx_tkeep(s_axis_rx_tkeep),
    .s_axis_rx_tvalid(s_axis_rx_tvalid),
    .s_axis_rx_tready(parse_rx_ready),
    .s_axis_rx_tlast(s_axis_rx_tlast),
    .s_axis_rx_tuser(s_axis_rx_tuser),
    .m_lookup_key(lookup_key),
    .m_lookup_valid(lookup_valid),
    .m_lookup_ready(lookup_ready),
    .s_result_hit(result_hit),
    .s_result_conn(result_conn),
    .s_result_valid(result_valid),
    .m_axis_l2_tdata(m_axis_l2_tdata),
    .m_axis_l2_tkeep(m_axis_l2_tkeep),
    .m_axis_l2_tvalid(m_axis_l2_tvalid),
    .m_axis_l2_tlast(m_axis_l2_tlast),
    .m_axis_l2_tuser(m_axis_l2_tuser),
    .m_axis_l2_tdest(m_axis_l2_tdest),
    .m_axis_hdr_tdata(prh_tdata),
    .m_axis_hdr_tvalid(prh_tvalid),
    .m_axis_hdr_tready(prh_tready),
    .m_axis_payload_tdata(pay_tdata),
    .m_axis_payload_tkeep(pay_tkeep),
    .m_axis_payload_tvalid(pay_tvalid),
    .m_axis_payload_tready(pay_tready),
    .m_axis_payload_tlast(pay_tlast),
    .stat_claimed(parse_stat_claimed),
    .stat_csum_error(stat_csum_error),
    .stat_drop_full(stat_drop_full),
    .status_idle(parse_idle),
    .status_hdr_queued(parse_queued)
);

// records of both sources to the engine, round robin (a record carries its source in
// TOE_RXH_FWD); a forward's record no longer waits for the wire
axis_arb_mux #(
    .PORTS(2),
    .DATA_WIDTH(`TOE_RXH_WIDTH)
)
rxh_arb_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({frh_tdata, prh_tdata}),
    .s_axis_tvalid({frh_tvalid, prh_tvalid}),
    .s_axis_tready({frh_tready, prh_tready}),
    .m_axis_tdata(rxh_tdata),
    .m_axis_tid(rxh_tid),
    .m_axis_tvalid(rxh_tvalid),
    .m_axis_tready(rxh_tready)
);

toe_rx_place #(
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(TAG_WIDTH)
)
rx_place_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_cmd_tdata(plc_tdata),
    .s_axis_cmd_tvalid(plc_tvalid),
    .s_axis_cmd_tready(plc_tready),
    .s_axis_payload_tdata(pay_tdata),
    .s_axis_payload_tkeep(pay_tkeep),
    .s_axis_payload_tvalid(pay_tvalid),
    .s_axis_payload_tready(pay_tready),
    .s_axis_payload_tlast(pay_tlast),
    .s_axis_fwd_payload_tdata(fpay_tdata),
    .s_axis_fwd_payload_tkeep(fpay_tkeep),
    .s_axis_fwd_payload_tvalid(fpay_tvalid),
    .s_axis_fwd_payload_tready(fpay_tready),
    .s_axis_fwd_payload_tlast(fpay_tlast),
    .m_axis_dma_desc_addr(m_axis_wr_desc_addr[0*64 +: 64]),
    .m_axis_dma_desc_len(m_axis_wr_desc_len[0*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_dma_desc_tag(m_axis_wr_desc_tag[0*TAG_WIDTH +: TAG_WIDTH]),
    .m_axis_dma_desc_valid(m_axis_wr_desc_valid[0]),
    .m_axis_dma_desc_ready(m_axis_wr_desc_ready[0]),
    .m_axis_write_data_tdata(m_axis_wr_data_tdata[0*DMA_DATA_WIDTH +: DMA_DATA_WIDTH]),
    .m_axis_write_data_tvalid(m_axis_wr_data_tvalid[0]),
    .m_axis_write_data_tready(m_axis_wr_data_tready[0]),
    .m_axis_write_data_tlast(m_axis_wr_data_tlast[0]),
    .s_axis_dma_status_error(s_axis_wr_status_error),
    .s_axis_dma_status_valid(s_axis_wr_status_valid[0]),
    .m_status_valid(plc_status_valid),
    .m_status_error(plc_status_error),
    .status_idle(place_idle)
);

// transmit commands queue here, so the engine goes on with received segments while the
// transmitter is busy with a full-sized one (190 cycles on the 64-bit wire)
axis_fifo #(
    .DATA_WIDTH(`TOE_TXC_WIDTH),
    .DEPTH(TXC_FIFO_DEPTH)
)
txc_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(txc_tdata),
    .s_axis_tvalid(txc_tvalid),
    .s_axis_tready(txc_tready),
    .m_axis_tdata(txq_tdata),
    .m_axis_tvalid(txq_tvalid),
    .m_axis_tready(txq_tready),
    .status_empty(txq_empty)
);

toe_tx_frame #(
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(TAG_WIDTH),
    .PAYLOAD_FIFO_BYTES(TX_PAYLOAD_BYTES)
)
tx_frame_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_cmd_tdata(txq_tdata),
    .s_axis_cmd_tvalid(txq_tvalid),
    .s_axis_cmd_tready(txq_tready),
    .m_axis_dma_desc_addr(m_axis_rd_desc_addr[0*64 +: 64]),
    .m_axis_dma_desc_len(m_axis_rd_desc_len[0*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_dma_desc_tag(m_axis_rd_desc_tag[0*TAG_WIDTH +: TAG_WIDTH]),
    .m_axis_dma_desc_valid(m_axis_rd_desc_valid[0]),
    .m_axis_dma_desc_ready(m_axis_rd_desc_ready[0]),
    .s_axis_dma_status_error(s_axis_rd_status_error),
    .s_axis_dma_status_valid(s_axis_rd_status_valid[0]),
    .s_axis_read_data_tdata(s_axis_rd_data_tdata),
    .s_axis_read_data_tkeep(s_axis_rd_data_tkeep),
    .s_axis_read_data_tvalid(s_axis_rd_data_tvalid[0]),
    .s_axis_read_data_tready(s_axis_rd_data_tready[0]),
    .s_axis_read_data_tlast(s_axis_rd_data_tlast),
    .s_axis_read_data_tuser(s_axis_rd_data_tuser),
    .m_axis_tx_tdata(m_axis_tx_tdata),
    .m_axis_tx_tkeep(m_axis_tx_tkeep),
    .m_axis_tx_tvalid(m_axis_tx_tvalid),
    .m_axis_tx_tready(m_axis_tx_tready),
    .m_axis_tx_tlast(m_axis_tx_tlast),
    .m_axis_tx_tuser(m_axis_tx_tuser),
    .m_status_valid(txc_status_valid),
    .m_status_error(txc_status_error),
    .m_status_ctx(txc_status_ctx),
    .quiesce(quiesce),
    .status_idle(tx_idle),
    .status_wire_idle(status_wire_idle)
);

toe_engine #(
    .CONN_WIDTH(CONN_WIDTH),
    .SND_PTR_WIDTH(SND_PTR_WIDTH),
    .RCV_PTR_WIDTH(RCV_PTR_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(TAG_WIDTH),
    .CPL_REC_WIDTH(CPL_REC_WIDTH),
    .TXC_AHEAD(TXC_FIFO_DEPTH - 3)
)
engine_inst (
    .clk(clk),
    .rst(rst),
    .local_mac(local_mac),
    .tick(tick_reg),
    .cfg_ack_frequency(cfg_ack_frequency),
    .cfg_delayed_ack_ticks(cfg_delayed_ack_ticks),
    .cfg_max_retransmissions(cfg_max_retransmissions),
    .cfg_dup_ack_threshold(cfg_dup_ack_threshold),
    .cfg_push_ticks(cfg_push_ticks),
    .cfg_nce_stale_ticks(cfg_nce_stale_ticks),
    .cfg_min_rto_ticks(cfg_min_rto_ticks),
    .cfg_max_rto_ticks(cfg_max_rto_ticks),
    .cfg_fin_wait_2_ticks(cfg_fin_wait_2_ticks),
    .cfg_tick_div(tick_div),
    .s_axis_req_tdata(s_axis_req_tdata),
    .s_axis_req_tvalid(s_axis_req_tvalid && engine_ready && hash_status_ready),
    .s_axis_req_tready(s_axis_req_tready),
    .m_axis_cpl_tdata(m_axis_cpl_tdata),
    .m_axis_cpl_tvalid(m_axis_cpl_tvalid),
    .m_axis_cpl_tready(m_axis_cpl_tready),
    .s_axis_rxh_tdata(rxh_tdata),
    .s_axis_rxh_tvalid(rxh_tvalid),
    .s_axis_rxh_tready(rxh_tready),
    // records queued by both sources (the engine counts those it took: R33's terminate drain)
    .s_rxh_queued(parse_queued + fwd_queued),
    .m_axis_plc_tdata(plc_tdata),
    .m_axis_plc_tvalid(plc_tvalid),
    .m_axis_plc_tready(plc_tready),
    .s_plc_status_valid(plc_status_valid),
    .s_plc_status_error(plc_status_error),
    .m_axis_txc_tdata(txc_tdata),
    .m_axis_txc_tvalid(txc_tvalid),
    .m_axis_txc_tready(txc_tready),
    .s_txc_status_valid(txc_status_valid),
    .s_txc_status_error(txc_status_error),
    .m_hash_op(hash_op),
    .m_hash_key(hash_key),
    .m_hash_conn(hash_conn),
    .m_hash_valid(hash_valid),
    .m_hash_ready(hash_ready),
    .s_hash_ok(hash_ok),
    .s_hash_result_valid(hash_done),
    .m_axis_rd_desc_addr(m_axis_rd_desc_addr[1*64 +: 64]),
    .m_axis_rd_desc_len(m_axis_rd_desc_len[1*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_rd_desc_tag(m_axis_rd_desc_tag[1*TAG_WIDTH +: TAG_WIDTH]),
    .m_axis_rd_desc_valid(m_axis_rd_desc_valid[1]),
    .m_axis_rd_desc_ready(m_axis_rd_desc_ready[1]),
    .s_axis_rd_data_tdata(s_axis_rd_data_tdata),
    .s_axis_rd_data_tkeep(s_axis_rd_data_tkeep),
    .s_axis_rd_data_tvalid(s_axis_rd_data_tvalid[1]),
    .s_axis_rd_data_tready(s_axis_rd_data_tready[1]),
    .s_axis_rd_data_tlast(s_axis_rd_data_tlast),
    .s_axis_rd_data_tuser(s_axis_rd_data_tuser),
    .m_fwd_conn(fwd_conn),
    .m_fwd_src_ip(fwd_src_ip),
    .m_fwd_dst_ip(fwd_dst_ip),
    .m_fwd_src_port(fwd_src_port),
    .m_fwd_dst_port(fwd_dst_port),
    .m_axis_fwd_tdata(fwd_tdata),
    .m_axis_fwd_tkeep(fwd_tkeep),
    .m_axis_fwd_tvalid(fwd_tvalid),
    .m_axis_fwd_tready(fwd_tready),
    .m_axis_fwd_tlast(fwd_tlast),
    .m_axis_fwd_tuser(fwd_tuser),
    .s_fwd_ready(fwd_ready),
    .s_fwd_busy(fwd_busy),
    .m_axis_wr_desc_addr(m_axis_wr_desc_addr[1*64 +: 64]),
    .m_axis_wr_desc_len(m_axis_wr_desc_len[1*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_wr_desc_tag(m_axis_wr_desc_tag[1*TAG_WIDTH +: TAG_WIDTH]),
    .m_axis_wr_desc_valid(m_axis_wr_desc_valid[1]),
    .m_axis_wr_desc_ready(m_axis_wr_desc_ready[1]),
    .m_axis_wr_data_tdata(m_axis_wr_data_tdata[1*DMA_DATA_WIDTH +: DMA_DATA_WIDTH]),
    .m_axis_wr_data_tvalid(m_axis_wr_data_tvalid[1]),
    .m_axis_wr_data_tready(m_axis_wr_data_tready[1]),
    .m_axis_wr_data_tlast(m_axis_wr_data_tlast[1]),
    .s_axis_wr_status_error(s_axis_wr_status_error),
    .s_axis_wr_status_valid(s_axis_wr_status_valid[1]),
    .status_ready(engine_ready),
    .status_idle(engine_idle),
    .stat_tx_segment(stat_tx_segment),
    .stat_retransmit(stat_retransmit),
    .fault_dma(engine_fault)
);

// the rest of the status words: the DMA status error words are shared by both ports
/* verilator lint_off UNUSED */
// (the arbiter's port index: a record names its source itself)
wire unused_ok = &{1'b0, parse_rx_ready, s_axis_rd_status_error, s_axis_rd_status_valid[1], txc_status_ctx, rxh_tid};
/* verilator lint_on UNUSED */

endmodule

`resetall
