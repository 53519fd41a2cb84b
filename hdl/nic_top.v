// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * flue NIC, host-interface half: registers, request/completion rings, DMA, interrupts and
 * the plain L2 path. Ports as in hdl/INTERFACE.md.
 */
module nic_top #
(
    // register window (FLUE_REG_SPACE_BYTES)
    parameter AXIL_ADDR_WIDTH = 12,
    // AXI address width toward host memory
    parameter DMA_ADDR_WIDTH = 64,
    // AXI data width toward host memory: 64, 128 or 256 (wider than the 64-bit wire, as PCIe is)
    parameter DMA_DATA_WIDTH /*verilator public*/ = 128,
    // AXI ID width
    parameter DMA_ID_WIDTH = 4,
    // beats per AXI burst (never crosses 4 KiB)
    parameter DMA_MAX_BURST /*verilator public*/ = 16,
    // interrupt vectors (FLUE_IRQ_VECTORS)
    parameter IRQ_VECTORS = 4,
    // receive FIFO; frames that do not fit are dropped
    parameter RX_FIFO_BYTES = 16384,
    // transmit FIFO (store and forward)
    parameter TX_FIFO_BYTES = 4096,
    // posted receive buffers held (power of two)
    parameter RX_POST_DEPTH = 256,
    // AXI bursts in flight per direction (power of two)
    parameter DMA_OUTSTANDING = 16,
    // most request descriptors fetched by one DMA read. The read shares the one in-order DMA
    // read engine with the frame reads: with 16 or 32, 60-byte frames at line rate left the wire
    // idle (100 and 227 cycles in 2900, test_full_duplex_small)
    parameter REQ_MAX_FETCH = 8,
    // completion entry writes in flight
    parameter CPL_INFLIGHT = 4,
    // L2 frames between their command and their completion, per direction (power of two)
    parameter L2_INFLIGHT = 8,
    // plain sends queued between the dispatcher and l2_tx (power of two): as many as the host
    // keeps outstanding (the miniport's 64 transmit buffers), so the one request ring never
    // stops behind plain sends and an offload request after them is not held up
    parameter L2_TX_QUEUE = 64,
    // TOE connection table: 2^TOE_CONN_WIDTH connections
    parameter TOE_CONN_WIDTH /*verilator public*/ = 10,
    // TOE send request pool (sends and graceful disconnects, all connections): 2^TOE_SND_PTR_WIDTH entries
    parameter TOE_SND_PTR_WIDTH /*verilator public*/ = TOE_CONN_WIDTH + 1,
    // TOE received payload waiting for placement
    parameter TOE_RX_PAYLOAD_BYTES = 16384,
    // TOE transmit payload staging
    parameter TOE_TX_PAYLOAD_BYTES = 8192
)
(
    input  wire                        clk,
    input  wire                        rst,

    /*
     * AXI4-Lite slave: registers
     */
    input  wire [AXIL_ADDR_WIDTH-1:0]  s_axil_awaddr,
    input  wire                        s_axil_awvalid,
    output wire                        s_axil_awready,
    input  wire [31:0]                 s_axil_wdata,
    input  wire [3:0]                  s_axil_wstrb,
    input  wire                        s_axil_wvalid,
    output wire                        s_axil_wready,
    output wire [1:0]                  s_axil_bresp,
    output wire                        s_axil_bvalid,
    input  wire                        s_axil_bready,
    input  wire [AXIL_ADDR_WIDTH-1:0]  s_axil_araddr,
    input  wire                        s_axil_arvalid,
    output wire                        s_axil_arready,
    output wire [31:0]                 s_axil_rdata,
    output wire [1:0]                  s_axil_rresp,
    output wire                        s_axil_rvalid,
    input  wire                        s_axil_rready,

    /*
     * AXI4 master: DMA into host memory
     */
    output wire [DMA_ID_WIDTH-1:0]     m_axi_awid,
    output wire [DMA_ADDR_WIDTH-1:0]   m_axi_awaddr,
    output wire [7:0]                  m_axi_awlen,
    output wire [2:0]                  m_axi_awsize,
    output wire [1:0]                  m_axi_awburst,
    output wire                        m_axi_awvalid,
    input  wire                        m_axi_awready,
    output wire [DMA_DATA_WIDTH-1:0]   m_axi_wdata,
    output wire [DMA_DATA_WIDTH/8-1:0] m_axi_wstrb,
    output wire                        m_axi_wlast,
    output wire                        m_axi_wvalid,
    input  wire                        m_axi_wready,
    input  wire [DMA_ID_WIDTH-1:0]     m_axi_bid,
    input  wire [1:0]                  m_axi_bresp,
    input  wire                        m_axi_bvalid,
    output wire                        m_axi_bready,
    output wire [DMA_ID_WIDTH-1:0]     m_axi_arid,
    output wire [DMA_ADDR_WIDTH-1:0]   m_axi_araddr,
    output wire [7:0]                  m_axi_arlen,
    output wire [2:0]                  m_axi_arsize,
    output wire [1:0]                  m_axi_arburst,
    output wire                        m_axi_arvalid,
    input  wire                        m_axi_arready,
    input  wire [DMA_ID_WIDTH-1:0]     m_axi_rid,
    input  wire [DMA_DATA_WIDTH-1:0]   m_axi_rdata,
    input  wire [1:0]                  m_axi_rresp,
    input  wire                        m_axi_rlast,
    input  wire                        m_axi_rvalid,
    output wire                        m_axi_rready,

    /*
     * Interrupts: a one-cycle pulse on bit v each time vector v fires
     */
    output wire [IRQ_VECTORS-1:0]      irq,

    /*
     * Wire, transmit
     */
    output wire [63:0]                 m_axis_tx_tdata,
    output wire [7:0]                  m_axis_tx_tkeep,
    output wire                        m_axis_tx_tvalid,
    input  wire                        m_axis_tx_tready,
    output wire                        m_axis_tx_tlast,
    output wire                        m_axis_tx_tuser,

    /*
     * Wire, receive (never stalled)
     */
    input  wire [63:0]                 s_axis_rx_tdata,
    input  wire [7:0]                  s_axis_rx_tkeep,
    input  wire                        s_axis_rx_tvalid,
    output wire                        s_axis_rx_tready,
    input  wire                        s_axis_rx_tlast,
    input  wire                        s_axis_rx_tuser
);

localparam LEN_WIDTH = 20;
localparam PORT_TAG_WIDTH = 4;
localparam DMA_PORTS = 4;
localparam ENGINE_TAG_WIDTH = PORT_TAG_WIDTH + 2;
// L2 sources write records up to REQ_HEAD, the TOE up to the end of info (events carry it)
localparam L2_REC_WIDTH = `FLUE_CPL_ENTRY_REQ_HEAD_LSB;
localparam CPL_REC_WIDTH = `FLUE_CPL_ENTRY_INFO_LSB + `FLUE_CPL_ENTRY_INFO_WIDTH;
localparam CPL_SOURCES = 4;
localparam STAT_COUNTERS = 17;
localparam STAT_INC_WIDTH = 16;
localparam EVENT_WIDTH = 3;
localparam DMA_KEEP_WIDTH = DMA_DATA_WIDTH / 8;

// bus width assertions
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (DMA_ADDR_WIDTH != 64) begin
        $error("Error: DMA_ADDR_WIDTH must be 64 (instance %m)");
        $finish;
    end
    if (AXIL_ADDR_WIDTH != 12) begin
        $error("Error: AXIL_ADDR_WIDTH must be 12 (FLUE_REG_SPACE_BYTES) (instance %m)");
        $finish;
    end
    if (IRQ_VECTORS < 2 || IRQ_VECTORS > 4) begin
        $error("Error: IRQ_VECTORS must be 2..4 (instance %m)");
        $finish;
    end
end

/*
 * Reset domains: rst resets everything; core_rst (rst or the end of a soft reset) resets
 * every block except the AXI-Lite slave, the reset sequencer and the timestamp counter.
 */
wire core_rst;
wire quiesce;
wire ready;
wire soft_reset_req;
wire [63:0] timestamp;

/*
 * Register interface
 */
wire [AXIL_ADDR_WIDTH-1:0] reg_wr_addr;
wire [31:0] reg_wr_data;
wire [3:0] reg_wr_strb;
wire reg_wr_en;
wire [AXIL_ADDR_WIDTH-1:0] reg_rd_addr;
wire reg_rd_en;
wire [31:0] reg_rd_data;

wire queue_running;
wire queue_start;
wire [63:0] req_base;
wire [4:0] req_size_log2;
wire [15:0] req_tail;
wire [15:0] req_head;
wire [63:0] cpl_base;
wire [4:0] cpl_size_log2;
wire [15:0] cpl_head;
wire [15:0] cpl_tail;
wire [IRQ_VECTORS-1:0] irq_mask;
wire [IRQ_VECTORS-1:0] irq_arm;
wire [IRQ_VECTORS*32-1:0] irq_mod_count;
wire [IRQ_VECTORS*32-1:0] irq_mod_time;
wire [IRQ_VECTORS*32-1:0] irq_mod_idle;
wire [2:0] fault_event_count;
wire stats_clear;
wire [STAT_COUNTERS*32-1:0] stat_count;

/*
 * DMA read side: port 0 request fetch, 1 l2_tx, 2 TOE transmit payload, 3 TOE state blocks
 */
wire [DMA_PORTS*64-1:0] rd_desc_addr;
wire [DMA_PORTS*LEN_WIDTH-1:0] rd_desc_len;
wire [DMA_PORTS*PORT_TAG_WIDTH-1:0] rd_desc_tag;
wire [DMA_PORTS-1:0] rd_desc_valid;
wire [DMA_PORTS-1:0] rd_desc_ready;
wire [PORT_TAG_WIDTH-1:0] rd_status_tag;
wire [3:0] rd_status_error;
wire [DMA_PORTS-1:0] rd_status_valid;
wire [DMA_DATA_WIDTH-1:0] rd_data_tdata;
wire [DMA_KEEP_WIDTH-1:0] rd_data_tkeep;
wire [DMA_PORTS-1:0] rd_data_tvalid;
wire [DMA_PORTS-1:0] rd_data_tready;
wire rd_data_tlast;
wire rd_data_tuser;

wire [63:0] rde_desc_addr;
wire [LEN_WIDTH-1:0] rde_desc_len;
wire [ENGINE_TAG_WIDTH-1:0] rde_desc_tag;
wire rde_desc_valid;
wire rde_desc_ready;
wire [ENGINE_TAG_WIDTH-1:0] rde_status_tag;
wire [3:0] rde_status_error;
wire rde_status_valid;
wire [DMA_DATA_WIDTH-1:0] rde_data_tdata;
wire [DMA_KEEP_WIDTH-1:0] rde_data_tkeep;
wire rde_data_tvalid;
wire rde_data_tready;
wire rde_data_tlast;
wire rde_data_tuser;
wire [ENGINE_TAG_WIDTH-1:0] rde_data_tid;
wire rd_engine_idle;
wire rd_mux_idle;

/*
 * DMA write side: port 0 completion writer, 1 l2_rx, 2 TOE received payload, 3 TOE delegated state
 */
wire [DMA_PORTS*64-1:0] wr_desc_addr;
wire [DMA_PORTS*LEN_WIDTH-1:0] wr_desc_len;
wire [DMA_PORTS*PORT_TAG_WIDTH-1:0] wr_desc_tag;
wire [DMA_PORTS-1:0] wr_desc_valid;
wire [DMA_PORTS-1:0] wr_desc_ready;
wire [PORT_TAG_WIDTH-1:0] wr_status_tag;
wire [3:0] wr_status_error;
wire [DMA_PORTS-1:0] wr_status_valid;
wire [DMA_PORTS*DMA_DATA_WIDTH-1:0] wr_data_tdata;
wire [DMA_PORTS-1:0] wr_data_tvalid;
wire [DMA_PORTS-1:0] wr_data_tready;
wire [DMA_PORTS-1:0] wr_data_tlast;

wire [63:0] wre_desc_addr;
wire [LEN_WIDTH-1:0] wre_desc_len;
wire [ENGINE_TAG_WIDTH-1:0] wre_desc_tag;
wire wre_desc_valid;
wire wre_desc_ready;
wire [ENGINE_TAG_WIDTH-1:0] wre_status_tag;
wire [3:0] wre_status_error;
wire wre_status_valid;
wire [DMA_DATA_WIDTH-1:0] wre_data_tdata;
wire wre_data_tvalid;
wire wre_data_tready;
wire wr_engine_idle;
wire wr_mux_idle;

/*
 * Queues and L2
 */
wire [`FLUE_REQ_DESC_BITS-1:0] req_tdata;
wire req_tvalid;
wire req_tready;

wire [63:0] tx_cmd_addr;
wire [LEN_WIDTH-1:0] tx_cmd_len;
wire [31:0] tx_cmd_tag;
wire tx_cmd_valid;
wire tx_cmd_ready;
// the same commands after the plain-send queue
wire [63:0] txq_cmd_addr;
wire [LEN_WIDTH-1:0] txq_cmd_len;
wire [31:0] txq_cmd_tag;
wire txq_cmd_valid;
wire txq_cmd_ready;

wire [63:0] rx_post_addr;
wire [LEN_WIDTH-1:0] rx_post_len;
wire [31:0] rx_post_tag;
wire rx_post_valid;
wire rx_post_ready;

// completion sources: 0 dispatch, 1 l2_tx, 2 l2_rx, 3 TOE
wire [CPL_SOURCES*CPL_REC_WIDTH-1:0] cpl_src_tdata;
wire [CPL_SOURCES-1:0] cpl_src_tvalid;
wire [CPL_SOURCES-1:0] cpl_src_tready;
wire [3*L2_REC_WIDTH-1:0] l2_rec_tdata;
// the L2 sources' records carry no info field
genvar r;
generate
    for (r = 0; r < 3; r = r + 1) begin : l2_rec
        assign cpl_src_tdata[r*CPL_REC_WIDTH +: CPL_REC_WIDTH] = {{CPL_REC_WIDTH-L2_REC_WIDTH{1'b0}}, l2_rec_tdata[r*L2_REC_WIDTH +: L2_REC_WIDTH]};
    end
endgenerate

/*
 * TOE
 */
wire [`FLUE_REQ_DESC_BITS-1:0] toe_req_tdata;
wire toe_req_tvalid;
wire toe_req_tready;
wire [47:0] local_mac;
wire [31:0] tick_div;
wire [7:0] tcp_ack_frequency;
wire [31:0] tcp_delayed_ack_ticks;
wire [7:0] tcp_max_retransmissions;
wire [7:0] tcp_dup_ack_threshold;
wire [31:0] tcp_push_ticks;
wire [31:0] nce_stale_ticks;
wire [31:0] tcp_min_rto_ticks;
wire [31:0] tcp_max_rto_ticks;
wire [31:0] tcp_fin_wait_2_ticks;
wire [63:0] l2_in_tdata;
wire [7:0] l2_in_tkeep;
wire l2_in_tvalid;
wire l2_in_tlast;
wire l2_in_tuser;
wire l2_in_tdest;
// transmit wire sources: 0 l2_tx, 1 TOE
wire [2*64-1:0] txs_tdata;
wire [2*8-1:0] txs_tkeep;
wire [1:0] txs_tvalid;
wire [1:0] txs_tready;
wire [1:0] txs_tlast;
wire [1:0] txs_tuser;
wire toe_idle;
wire toe_wire_idle;
wire tx_mux_idle;
wire toe_fault_rd;
wire toe_fault_wr;
wire toe_stat_claimed;
wire toe_stat_tx_segment;
wire toe_stat_retransmit;
wire toe_stat_rx_dropped;
wire toe_stat_rx_csum_error;
wire [CPL_REC_WIDTH-1:0] cpl_tdata;
wire [1:0] cpl_tid;
wire cpl_tvalid;
wire cpl_tready;

wire [7:0] stat_fetched;
wire stat_bad_desc;
wire stat_tx_frame;
wire [15:0] stat_tx_bytes;
wire stat_rx_frame;
wire [15:0] stat_rx_bytes;
wire stat_drop_no_buffer;
wire stat_drop_overflow;
wire stat_rx_error;
wire cpl_irq_event;

wire fetch_fault;
wire [63:0] fetch_fault_addr;
wire cpl_fault;
wire [63:0] cpl_fault_addr;
wire tx_fault;
wire [63:0] tx_fault_addr;
wire rx_fault;
wire [63:0] rx_fault_addr;

wire fetch_idle;
wire cpl_idle;
wire tx_idle;
wire txq_idle;                  // no plain send waiting in the queue before l2_tx
wire tx_wire_idle;
wire rx_idle;

wire [IRQ_VECTORS*EVENT_WIDTH-1:0] irq_events;
wire [IRQ_VECTORS-1:0] irq_fire;

// soft reset waits for every DMA transfer and the frame on the TX wire to finish
wire drain_idle = rd_engine_idle && wr_engine_idle && rd_mux_idle && wr_mux_idle && tx_wire_idle && toe_wire_idle
    && tx_mux_idle;
wire idle = drain_idle && fetch_idle && cpl_idle && tx_idle && txq_idle && rx_idle && toe_idle;

assign irq = irq_fire;

/*
 * Registers
 */
csr_axil_slave #(
    .ADDR_WIDTH(AXIL_ADDR_WIDTH)
)
csr_axil_slave_inst (
    .clk(clk),
    .rst(rst),
    .s_axil_awaddr(s_axil_awaddr),
    .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata),
    .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid),
    .s_axil_wready(s_axil_wready),
    .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid),
    .s_axil_bready(s_axil_bready),
    .s_axil_araddr(s_axil_araddr),
    .s_axil_arvalid(s_axil_arvalid),
    .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata),
    .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .reg_wr_addr(reg_wr_addr),
    .reg_wr_data(reg_wr_data),
    .reg_wr_strb(reg_wr_strb),
    .reg_wr_en(reg_wr_en),
    .reg_rd_addr(reg_rd_addr),
    .reg_rd_en(reg_rd_en),
    .reg_rd_data(reg_rd_data)
);

csr_reset_ctrl #(
    .RESET_CYCLES(4)
)
csr_reset_ctrl_inst (
    .clk(clk),
    .rst(rst),
    .soft_reset_req(soft_reset_req),
    .drain_idle(drain_idle),
    .core_rst(core_rst),
    .quiesce(quiesce),
    .ready(ready)
);

csr_timestamp
csr_timestamp_inst (
    .clk(clk),
    .rst(rst),
    .timestamp(timestamp)
);

csr_regs #(
    .ADDR_WIDTH(AXIL_ADDR_WIDTH),
    .IRQ_VECTORS(IRQ_VECTORS),
    .STAT_COUNTERS(STAT_COUNTERS),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .TOE_ENABLE(1),
    .MAX_CONNS(1 << TOE_CONN_WIDTH),
    .SEND_ENTRIES(1 << TOE_SND_PTR_WIDTH)
)
csr_regs_inst (
    .clk(clk),
    .rst(core_rst),
    .reg_wr_addr(reg_wr_addr),
    .reg_wr_data(reg_wr_data),
    .reg_wr_strb(reg_wr_strb),
    .reg_wr_en(reg_wr_en),
    .reg_rd_addr(reg_rd_addr),
    .reg_rd_en(reg_rd_en),
    .reg_rd_data(reg_rd_data),
    .ready(ready),
    .idle(idle),
    .timestamp(timestamp),
    .req_head(req_head),
    .cpl_tail(cpl_tail),
    .stat_count(stat_count),
    .fault_dma_rd(tx_fault || fetch_fault || toe_fault_rd),
    .fault_dma_rd_addr(fetch_fault ? fetch_fault_addr : tx_fault_addr),
    .fault_dma_wr(rx_fault || cpl_fault || toe_fault_wr),
    .fault_dma_wr_addr(cpl_fault ? cpl_fault_addr : rx_fault_addr),
    .fault_req_fetch(fetch_fault),
    .fault_cpl_write(cpl_fault),
    .irq_fire(irq_fire),
    .soft_reset_req(soft_reset_req),
    .queue_running(queue_running),
    .queue_start(queue_start),
    .req_base(req_base),
    .req_size_log2(req_size_log2),
    .req_tail(req_tail),
    .cpl_base(cpl_base),
    .cpl_size_log2(cpl_size_log2),
    .cpl_head(cpl_head),
    .irq_mask(irq_mask),
    .irq_arm(irq_arm),
    .irq_mod_count(irq_mod_count),
    .irq_mod_time(irq_mod_time),
    .irq_mod_idle(irq_mod_idle),
    .fault_event_count(fault_event_count),
    .stats_clear(stats_clear),
    .local_mac(local_mac),
    .tick_div(tick_div),
    .tcp_ack_frequency(tcp_ack_frequency),
    .tcp_delayed_ack_ticks(tcp_delayed_ack_ticks),
    .tcp_max_retransmissions(tcp_max_retransmissions),
    .tcp_dup_ack_threshold(tcp_dup_ack_threshold),
    .tcp_push_ticks(tcp_push_ticks),
    .nce_stale_ticks(nce_stale_ticks),
    .tcp_min_rto_ticks(tcp_min_rto_ticks),
    .tcp_max_rto_ticks(tcp_max_rto_ticks),
    .tcp_fin_wait_2_ticks(tcp_fin_wait_2_ticks)
);

/*
 * Statistics (order as csr_regs expects)
 */
wire [1:0] dma_error_count = {1'b0, rde_status_valid && rde_status_error != 0}
    + {1'b0, wre_status_valid && wre_status_error != 0};
reg [2:0] irq_count;
integer v;

always @* begin
    irq_count = 3'd0;
    for (v = 0; v < IRQ_VECTORS; v = v + 1) begin
        irq_count = irq_count + {2'd0, irq_fire[v]};
    end
end

csr_stats #(
    .COUNTERS(STAT_COUNTERS),
    .INC_WIDTH(STAT_INC_WIDTH)
)
csr_stats_inst (
    .clk(clk),
    .rst(core_rst),
    .s_inc({
        {15'd0, toe_stat_retransmit},       // 16 STAT_TOE_RETRANSMITS
        {15'd0, toe_stat_tx_segment},       // 15 STAT_TOE_TX_SEGMENTS
        {15'd0, toe_stat_rx_csum_error},    // 14 STAT_TOE_RX_CSUM_ERRORS
        {15'd0, toe_stat_rx_dropped},       // 13 STAT_TOE_RX_DROPPED
        {15'd0, toe_stat_claimed},          // 12 STAT_TOE_RX_SEGMENTS
        {13'd0, irq_count},                 // 11 STAT_IRQS
        {14'd0, dma_error_count},           // 10 STAT_DMA_ERRORS
        {15'd0, stat_bad_desc},             //  9 STAT_BAD_DESC
        {15'd0, stat_rx_error},             //  8 STAT_RX_ERRORS
        {15'd0, stat_drop_overflow},        //  7 STAT_RX_DROP_OVERFLOW
        {15'd0, stat_drop_no_buffer},       //  6 STAT_RX_DROP_NO_BUFFER
        stat_rx_bytes,                      //  5 STAT_RX_BYTES
        {15'd0, stat_rx_frame},             //  4 STAT_RX_FRAMES
        stat_tx_bytes,                      //  3 STAT_TX_BYTES
        {15'd0, stat_tx_frame},             //  2 STAT_TX_FRAMES
        {15'd0, cpl_irq_event},             //  1 STAT_CPL_WRITTEN
        {8'd0, stat_fetched}                //  0 STAT_REQ_FETCHED
    }),
    .clear(stats_clear),
    .m_count(stat_count)
);

/*
 * Interrupts
 */
genvar n;
generate
    for (n = 0; n < IRQ_VECTORS; n = n + 1) begin : irq_src
        if (n == `FLUE_IRQ_VEC_COMPLETION) begin : completion
            assign irq_events[n*EVENT_WIDTH +: EVENT_WIDTH] = {2'd0, cpl_irq_event};
        end else if (n == `FLUE_IRQ_VEC_FAULT) begin : fault
            assign irq_events[n*EVENT_WIDTH +: EVENT_WIDTH] = fault_event_count;
        end else begin : none
            assign irq_events[n*EVENT_WIDTH +: EVENT_WIDTH] = {EVENT_WIDTH{1'b0}};
        end
    end
endgenerate

irq_ctrl #(
    .IRQ_VECTORS(IRQ_VECTORS),
    .EVENT_WIDTH(EVENT_WIDTH)
)
irq_ctrl_inst (
    .clk(clk),
    .rst(core_rst),
    .s_event_count(irq_events),
    .arm(irq_arm),
    .mask(irq_mask),
    .mod_count(irq_mod_count),
    .mod_time(irq_mod_time),
    .mod_idle(irq_mod_idle),
    .m_irq(irq_fire)
);

/*
 * Request ring
 */
queue_req_fetch #(
    .ADDR_WIDTH(64),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(PORT_TAG_WIDTH),
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .MAX_FETCH(REQ_MAX_FETCH),
    .FIFO_DEPTH(64)
)
queue_req_fetch_inst (
    .clk(clk),
    .rst(core_rst),
    .running(queue_running && !quiesce),
    .start(queue_start),
    .ring_base(req_base),
    .ring_size_log2(req_size_log2),
    .ring_tail(req_tail),
    .ring_head(req_head),
    .m_axis_dma_desc_addr(rd_desc_addr[0*64 +: 64]),
    .m_axis_dma_desc_len(rd_desc_len[0*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_dma_desc_tag(rd_desc_tag[0*PORT_TAG_WIDTH +: PORT_TAG_WIDTH]),
    .m_axis_dma_desc_valid(rd_desc_valid[0]),
    .m_axis_dma_desc_ready(rd_desc_ready[0]),
    .s_axis_dma_status_error(rd_status_error),
    .s_axis_dma_status_valid(rd_status_valid[0]),
    .s_axis_read_data_tdata(rd_data_tdata),
    .s_axis_read_data_tvalid(rd_data_tvalid[0]),
    .s_axis_read_data_tready(rd_data_tready[0]),
    .s_axis_read_data_tlast(rd_data_tlast),
    .s_axis_read_data_tuser(rd_data_tuser),
    .m_axis_req_tdata(req_tdata),
    .m_axis_req_tvalid(req_tvalid),
    .m_axis_req_tready(req_tready),
    .stat_fetched(stat_fetched),
    .fault(fetch_fault),
    .fault_addr(fetch_fault_addr),
    .status_idle(fetch_idle)
);

queue_dispatch #(
    .LEN_WIDTH(LEN_WIDTH),
    .CPL_REC_WIDTH(L2_REC_WIDTH),
    .TOE_ENABLE(1)
)
queue_dispatch_inst (
    .clk(clk),
    .rst(core_rst),
    .start(queue_start),
    .s_axis_req_tdata(req_tdata),
    .s_axis_req_tvalid(req_tvalid),
    .s_axis_req_tready(req_tready),
    .m_axis_cpl_tdata(l2_rec_tdata[0*L2_REC_WIDTH +: L2_REC_WIDTH]),
    .m_axis_cpl_tvalid(cpl_src_tvalid[0]),
    .m_axis_cpl_tready(cpl_src_tready[0]),
    .m_axis_tx_cmd_addr(tx_cmd_addr),
    .m_axis_tx_cmd_len(tx_cmd_len),
    .m_axis_tx_cmd_tag(tx_cmd_tag),
    .m_axis_tx_cmd_valid(tx_cmd_valid),
    .m_axis_tx_cmd_ready(tx_cmd_ready),
    .m_axis_rx_post_addr(rx_post_addr),
    .m_axis_rx_post_len(rx_post_len),
    .m_axis_rx_post_tag(rx_post_tag),
    .m_axis_rx_post_valid(rx_post_valid),
    .m_axis_rx_post_ready(rx_post_ready),
    .m_axis_toe_req_tdata(toe_req_tdata),
    .m_axis_toe_req_tvalid(toe_req_tvalid),
    .m_axis_toe_req_tready(toe_req_tready),
    .stat_bad_desc(stat_bad_desc)
);

/*
 * Completion ring: one writer behind a round-robin arbiter over the sources
 */
axis_arb_mux #(
    .PORTS(CPL_SOURCES),
    .DATA_WIDTH(CPL_REC_WIDTH),
    .SEL_WIDTH(2)
)
cpl_arb_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_tdata(cpl_src_tdata),
    .s_axis_tvalid(cpl_src_tvalid),
    .s_axis_tready(cpl_src_tready),
    .m_axis_tdata(cpl_tdata),
    .m_axis_tid(cpl_tid),
    .m_axis_tvalid(cpl_tvalid),
    .m_axis_tready(cpl_tready)
);

queue_cpl_write #(
    .ADDR_WIDTH(64),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(PORT_TAG_WIDTH),
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .CPL_REC_WIDTH(CPL_REC_WIDTH),
    .INFLIGHT(CPL_INFLIGHT)
)
queue_cpl_write_inst (
    .clk(clk),
    .rst(core_rst),
    .start(queue_start),
    .ring_base(cpl_base),
    .ring_size_log2(cpl_size_log2),
    .ring_head(cpl_head),
    .ring_tail(cpl_tail),
    .req_head(req_head),
    .timestamp(timestamp),
    .s_axis_cpl_tdata(cpl_tdata),
    .s_axis_cpl_tvalid(cpl_tvalid),
    .s_axis_cpl_tready(cpl_tready),
    .m_axis_dma_desc_addr(wr_desc_addr[0*64 +: 64]),
    .m_axis_dma_desc_len(wr_desc_len[0*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_dma_desc_tag(wr_desc_tag[0*PORT_TAG_WIDTH +: PORT_TAG_WIDTH]),
    .m_axis_dma_desc_valid(wr_desc_valid[0]),
    .m_axis_dma_desc_ready(wr_desc_ready[0]),
    .m_axis_write_data_tdata(wr_data_tdata[0*DMA_DATA_WIDTH +: DMA_DATA_WIDTH]),
    .m_axis_write_data_tvalid(wr_data_tvalid[0]),
    .m_axis_write_data_tready(wr_data_tready[0]),
    .m_axis_write_data_tlast(wr_data_tlast[0]),
    .s_axis_dma_status_error(wr_status_error),
    .s_axis_dma_status_valid(wr_status_valid[0]),
    .irq_event(cpl_irq_event),
    .fault(cpl_fault),
    .fault_addr(cpl_fault_addr),
    .status_idle(cpl_idle)
);

/*
 * Plain L2 path
 */
axis_fifo #(
    .DATA_WIDTH(32 + LEN_WIDTH + 64),
    .DEPTH(L2_TX_QUEUE)
)
l2_tx_queue_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_tdata({tx_cmd_tag, tx_cmd_len, tx_cmd_addr}),
    .s_axis_tvalid(tx_cmd_valid),
    .s_axis_tready(tx_cmd_ready),
    .m_axis_tdata({txq_cmd_tag, txq_cmd_len, txq_cmd_addr}),
    .m_axis_tvalid(txq_cmd_valid),
    .m_axis_tready(txq_cmd_ready),
    .status_empty(txq_idle)
);

l2_tx #(
    .ADDR_WIDTH(64),
    .LEN_WIDTH(LEN_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .TAG_WIDTH(PORT_TAG_WIDTH),
    .TX_FIFO_BYTES(TX_FIFO_BYTES),
    .INFLIGHT(L2_INFLIGHT),
    .CPL_REC_WIDTH(L2_REC_WIDTH)
)
l2_tx_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_cmd_addr(txq_cmd_addr),
    .s_axis_cmd_len(txq_cmd_len),
    .s_axis_cmd_tag(txq_cmd_tag),
    .s_axis_cmd_valid(txq_cmd_valid),
    .s_axis_cmd_ready(txq_cmd_ready),
    .m_axis_dma_desc_addr(rd_desc_addr[1*64 +: 64]),
    .m_axis_dma_desc_len(rd_desc_len[1*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_dma_desc_tag(rd_desc_tag[1*PORT_TAG_WIDTH +: PORT_TAG_WIDTH]),
    .m_axis_dma_desc_valid(rd_desc_valid[1]),
    .m_axis_dma_desc_ready(rd_desc_ready[1]),
    .s_axis_dma_status_error(rd_status_error),
    .s_axis_dma_status_valid(rd_status_valid[1]),
    .s_axis_read_data_tdata(rd_data_tdata),
    .s_axis_read_data_tkeep(rd_data_tkeep),
    .s_axis_read_data_tvalid(rd_data_tvalid[1]),
    .s_axis_read_data_tready(rd_data_tready[1]),
    .s_axis_read_data_tlast(rd_data_tlast),
    .s_axis_read_data_tuser(rd_data_tuser),
    .m_axis_tx_tdata(txs_tdata[0*64 +: 64]),
    .m_axis_tx_tkeep(txs_tkeep[0*8 +: 8]),
    .m_axis_tx_tvalid(txs_tvalid[0]),
    .m_axis_tx_tready(txs_tready[0]),
    .m_axis_tx_tlast(txs_tlast[0]),
    .m_axis_tx_tuser(txs_tuser[0]),
    .m_axis_cpl_tdata(l2_rec_tdata[1*L2_REC_WIDTH +: L2_REC_WIDTH]),
    .m_axis_cpl_tvalid(cpl_src_tvalid[1]),
    .m_axis_cpl_tready(cpl_src_tready[1]),
    .quiesce(quiesce),
    .stat_tx_frame(stat_tx_frame),
    .stat_tx_bytes(stat_tx_bytes),
    .fault(tx_fault),
    .fault_addr(tx_fault_addr),
    .status_idle(tx_idle),
    .status_wire_idle(tx_wire_idle)
);

l2_rx #(
    .ADDR_WIDTH(64),
    .LEN_WIDTH(LEN_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .TAG_WIDTH(PORT_TAG_WIDTH),
    .RX_FIFO_BYTES(RX_FIFO_BYTES),
    .POST_DEPTH(RX_POST_DEPTH),
    .INFLIGHT(L2_INFLIGHT),
    .CPL_REC_WIDTH(L2_REC_WIDTH)
)
l2_rx_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_rx_tdata(l2_in_tdata),
    .s_axis_rx_tkeep(l2_in_tkeep),
    .s_axis_rx_tvalid(l2_in_tvalid),
    .s_axis_rx_tready(s_axis_rx_tready),
    .s_axis_rx_tlast(l2_in_tlast),
    .s_axis_rx_tuser(l2_in_tuser),
    .s_axis_rx_tdest(l2_in_tdest),
    .s_axis_post_addr(rx_post_addr),
    .s_axis_post_len(rx_post_len),
    .s_axis_post_tag(rx_post_tag),
    .s_axis_post_valid(rx_post_valid),
    .s_axis_post_ready(rx_post_ready),
    .m_axis_dma_desc_addr(wr_desc_addr[1*64 +: 64]),
    .m_axis_dma_desc_len(wr_desc_len[1*LEN_WIDTH +: LEN_WIDTH]),
    .m_axis_dma_desc_tag(wr_desc_tag[1*PORT_TAG_WIDTH +: PORT_TAG_WIDTH]),
    .m_axis_dma_desc_valid(wr_desc_valid[1]),
    .m_axis_dma_desc_ready(wr_desc_ready[1]),
    .m_axis_write_data_tdata(wr_data_tdata[1*DMA_DATA_WIDTH +: DMA_DATA_WIDTH]),
    .m_axis_write_data_tvalid(wr_data_tvalid[1]),
    .m_axis_write_data_tready(wr_data_tready[1]),
    .m_axis_write_data_tlast(wr_data_tlast[1]),
    .s_axis_dma_status_error(wr_status_error),
    .s_axis_dma_status_valid(wr_status_valid[1]),
    .m_axis_cpl_tdata(l2_rec_tdata[2*L2_REC_WIDTH +: L2_REC_WIDTH]),
    .m_axis_cpl_tvalid(cpl_src_tvalid[2]),
    .m_axis_cpl_tready(cpl_src_tready[2]),
    .stat_rx_frame(stat_rx_frame),
    .stat_rx_bytes(stat_rx_bytes),
    .stat_drop_no_buffer(stat_drop_no_buffer),
    .stat_drop_overflow(stat_drop_overflow),
    .stat_rx_error(stat_rx_error),
    .fault(rx_fault),
    .fault_addr(rx_fault_addr),
    .status_idle(rx_idle)
);

/*
 * TCP offload engine: sees the wire first; the L2 path gets its delayed copy
 */
toe_top #(
    .CONN_WIDTH(TOE_CONN_WIDTH),
    .SND_PTR_WIDTH(TOE_SND_PTR_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(PORT_TAG_WIDTH),
    .CPL_REC_WIDTH(CPL_REC_WIDTH),
    .RX_PAYLOAD_BYTES(TOE_RX_PAYLOAD_BYTES),
    .TX_PAYLOAD_BYTES(TOE_TX_PAYLOAD_BYTES)
)
toe_inst (
    .clk(clk),
    .rst(core_rst),
    .local_mac(local_mac),
    .tick_div(tick_div),
    .cfg_ack_frequency(tcp_ack_frequency),
    .cfg_delayed_ack_ticks(tcp_delayed_ack_ticks),
    .cfg_max_retransmissions(tcp_max_retransmissions),
    .cfg_dup_ack_threshold(tcp_dup_ack_threshold),
    .cfg_push_ticks(tcp_push_ticks),
    .cfg_nce_stale_ticks(nce_stale_ticks),
    .cfg_min_rto_ticks(tcp_min_rto_ticks),
    .cfg_max_rto_ticks(tcp_max_rto_ticks),
    .cfg_fin_wait_2_ticks(tcp_fin_wait_2_ticks),
    .s_axis_req_tdata(toe_req_tdata),
    .s_axis_req_tvalid(toe_req_tvalid),
    .s_axis_req_tready(toe_req_tready),
    .m_axis_cpl_tdata(cpl_src_tdata[3*CPL_REC_WIDTH +: CPL_REC_WIDTH]),
    .m_axis_cpl_tvalid(cpl_src_tvalid[3]),
    .m_axis_cpl_tready(cpl_src_tready[3]),
    .s_axis_rx_tdata(s_axis_rx_tdata),
    .s_axis_rx_tkeep(s_axis_rx_tkeep),
    .s_axis_rx_tvalid(s_axis_rx_tvalid),
    .s_axis_rx_tlast(s_axis_rx_tlast),
    .s_axis_rx_tuser(s_axis_rx_tuser),
    .m_axis_l2_tdata(l2_in_tdata),
    .m_axis_l2_tkeep(l2_in_tkeep),
    .m_axis_l2_tvalid(l2_in_tvalid),
    .m_axis_l2_tlast(l2_in_tlast),
    .m_axis_l2_tuser(l2_in_tuser),
    .m_axis_l2_tdest(l2_in_tdest),
    .m_axis_tx_tdata(txs_tdata[1*64 +: 64]),
    .m_axis_tx_tkeep(txs_tkeep[1*8 +: 8]),
    .m_axis_tx_tvalid(txs_tvalid[1]),
    .m_axis_tx_tready(txs_tready[1]),
    .m_axis_tx_tlast(txs_tlast[1]),
    .m_axis_tx_tuser(txs_tuser[1]),
    .m_axis_rd_desc_addr(rd_desc_addr[2*64 +: 2*64]),
    .m_axis_rd_desc_len(rd_desc_len[2*LEN_WIDTH +: 2*LEN_WIDTH]),
    .m_axis_rd_desc_tag(rd_desc_tag[2*PORT_TAG_WIDTH +: 2*PORT_TAG_WIDTH]),
    .m_axis_rd_desc_valid(rd_desc_valid[3:2]),
    .m_axis_rd_desc_ready(rd_desc_ready[3:2]),
    .s_axis_rd_status_error(rd_status_error),
    .s_axis_rd_status_valid(rd_status_valid[3:2]),
    .s_axis_rd_data_tdata(rd_data_tdata),
    .s_axis_rd_data_tkeep(rd_data_tkeep),
    .s_axis_rd_data_tvalid(rd_data_tvalid[3:2]),
    .s_axis_rd_data_tready(rd_data_tready[3:2]),
    .s_axis_rd_data_tlast(rd_data_tlast),
    .s_axis_rd_data_tuser(rd_data_tuser),
    .m_axis_wr_desc_addr(wr_desc_addr[2*64 +: 2*64]),
    .m_axis_wr_desc_len(wr_desc_len[2*LEN_WIDTH +: 2*LEN_WIDTH]),
    .m_axis_wr_desc_tag(wr_desc_tag[2*PORT_TAG_WIDTH +: 2*PORT_TAG_WIDTH]),
    .m_axis_wr_desc_valid(wr_desc_valid[3:2]),
    .m_axis_wr_desc_ready(wr_desc_ready[3:2]),
    .m_axis_wr_data_tdata(wr_data_tdata[2*DMA_DATA_WIDTH +: 2*DMA_DATA_WIDTH]),
    .m_axis_wr_data_tvalid(wr_data_tvalid[3:2]),
    .m_axis_wr_data_tready(wr_data_tready[3:2]),
    .m_axis_wr_data_tlast(wr_data_tlast[3:2]),
    .s_axis_wr_status_error(wr_status_error),
    .s_axis_wr_status_valid(wr_status_valid[3:2]),
    .quiesce(quiesce),
    .status_idle(toe_idle),
    .status_wire_idle(toe_wire_idle),
    .stat_claimed(toe_stat_claimed),
    .stat_tx_segment(toe_stat_tx_segment),
    .stat_retransmit(toe_stat_retransmit),
    .stat_rx_dropped(toe_stat_rx_dropped),
    .stat_rx_csum_error(toe_stat_rx_csum_error),
    .fault_rd(toe_fault_rd),
    .fault_wr(toe_fault_wr)
);

// the TOE's segments and the plain frames share the transmit wire, a whole frame at a time
axis_frame_mux #(
    .PORTS(2),
    .DATA_WIDTH(64),
    .USER_WIDTH(1)
)
tx_mux_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_tdata(txs_tdata),
    .s_axis_tkeep(txs_tkeep),
    .s_axis_tvalid(txs_tvalid),
    .s_axis_tready(txs_tready),
    .s_axis_tlast(txs_tlast),
    .s_axis_tuser(txs_tuser),
    .m_axis_tdata(m_axis_tx_tdata),
    .m_axis_tkeep(m_axis_tx_tkeep),
    .m_axis_tvalid(m_axis_tx_tvalid),
    .m_axis_tready(m_axis_tx_tready),
    .m_axis_tlast(m_axis_tx_tlast),
    .m_axis_tuser(m_axis_tx_tuser),
    .status_idle(tx_mux_idle)
);

/*
 * DMA
 */
dma_rd_mux #(
    .PORTS(DMA_PORTS),
    .ADDR_WIDTH(64),
    .LEN_WIDTH(LEN_WIDTH),
    .S_TAG_WIDTH(PORT_TAG_WIDTH),
    .SEL_WIDTH(2),
    .M_TAG_WIDTH(ENGINE_TAG_WIDTH),
    .DATA_WIDTH(DMA_DATA_WIDTH)
)
dma_rd_mux_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_desc_addr(rd_desc_addr),
    .s_axis_desc_len(rd_desc_len),
    .s_axis_desc_tag(rd_desc_tag),
    .s_axis_desc_valid(rd_desc_valid),
    .s_axis_desc_ready(rd_desc_ready),
    .m_axis_desc_addr(rde_desc_addr),
    .m_axis_desc_len(rde_desc_len),
    .m_axis_desc_tag(rde_desc_tag),
    .m_axis_desc_valid(rde_desc_valid),
    .m_axis_desc_ready(rde_desc_ready),
    .s_axis_desc_status_tag(rde_status_tag),
    .s_axis_desc_status_error(rde_status_error),
    .s_axis_desc_status_valid(rde_status_valid),
    .m_axis_desc_status_tag(rd_status_tag),
    .m_axis_desc_status_error(rd_status_error),
    .m_axis_desc_status_valid(rd_status_valid),
    .s_axis_read_data_tdata(rde_data_tdata),
    .s_axis_read_data_tkeep(rde_data_tkeep),
    .s_axis_read_data_tvalid(rde_data_tvalid),
    .s_axis_read_data_tready(rde_data_tready),
    .s_axis_read_data_tlast(rde_data_tlast),
    .s_axis_read_data_tuser(rde_data_tuser),
    .s_axis_read_data_tid(rde_data_tid),
    .m_axis_read_data_tdata(rd_data_tdata),
    .m_axis_read_data_tkeep(rd_data_tkeep),
    .m_axis_read_data_tvalid(rd_data_tvalid),
    .m_axis_read_data_tready(rd_data_tready),
    .m_axis_read_data_tlast(rd_data_tlast),
    .m_axis_read_data_tuser(rd_data_tuser),
    .quiesce(quiesce),
    .status_idle(rd_mux_idle)
);

dma_axi_rd #(
    .AXI_DATA_WIDTH(DMA_DATA_WIDTH),
    .AXI_ADDR_WIDTH(DMA_ADDR_WIDTH),
    .AXI_ID_WIDTH(DMA_ID_WIDTH),
    .AXI_ID(0),
    .AXI_MAX_BURST_LEN(DMA_MAX_BURST),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(ENGINE_TAG_WIDTH),
    .OUTSTANDING(DMA_OUTSTANDING)
)
dma_axi_rd_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_desc_addr(rde_desc_addr),
    .s_axis_desc_len(rde_desc_len),
    .s_axis_desc_tag(rde_desc_tag),
    .s_axis_desc_valid(rde_desc_valid),
    .s_axis_desc_ready(rde_desc_ready),
    .m_axis_desc_status_tag(rde_status_tag),
    .m_axis_desc_status_error(rde_status_error),
    .m_axis_desc_status_valid(rde_status_valid),
    .m_axis_read_data_tdata(rde_data_tdata),
    .m_axis_read_data_tkeep(rde_data_tkeep),
    .m_axis_read_data_tvalid(rde_data_tvalid),
    .m_axis_read_data_tready(rde_data_tready),
    .m_axis_read_data_tlast(rde_data_tlast),
    .m_axis_read_data_tuser(rde_data_tuser),
    .m_axis_read_data_tid(rde_data_tid),
    .m_axi_arid(m_axi_arid),
    .m_axi_araddr(m_axi_araddr),
    .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize),
    .m_axi_arburst(m_axi_arburst),
    .m_axi_arvalid(m_axi_arvalid),
    .m_axi_arready(m_axi_arready),
    .m_axi_rid(m_axi_rid),
    .m_axi_rdata(m_axi_rdata),
    .m_axi_rresp(m_axi_rresp),
    .m_axi_rlast(m_axi_rlast),
    .m_axi_rvalid(m_axi_rvalid),
    .m_axi_rready(m_axi_rready),
    .status_idle(rd_engine_idle)
);

dma_wr_mux #(
    .PORTS(DMA_PORTS),
    .ADDR_WIDTH(64),
    .LEN_WIDTH(LEN_WIDTH),
    .S_TAG_WIDTH(PORT_TAG_WIDTH),
    .SEL_WIDTH(2),
    .M_TAG_WIDTH(ENGINE_TAG_WIDTH),
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .ORDER_DEPTH(4)
)
dma_wr_mux_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_desc_addr(wr_desc_addr),
    .s_axis_desc_len(wr_desc_len),
    .s_axis_desc_tag(wr_desc_tag),
    .s_axis_desc_valid(wr_desc_valid),
    .s_axis_desc_ready(wr_desc_ready),
    .m_axis_desc_addr(wre_desc_addr),
    .m_axis_desc_len(wre_desc_len),
    .m_axis_desc_tag(wre_desc_tag),
    .m_axis_desc_valid(wre_desc_valid),
    .m_axis_desc_ready(wre_desc_ready),
    .s_axis_desc_status_tag(wre_status_tag),
    .s_axis_desc_status_error(wre_status_error),
    .s_axis_desc_status_valid(wre_status_valid),
    .m_axis_desc_status_tag(wr_status_tag),
    .m_axis_desc_status_error(wr_status_error),
    .m_axis_desc_status_valid(wr_status_valid),
    .s_axis_write_data_tdata(wr_data_tdata),
    .s_axis_write_data_tvalid(wr_data_tvalid),
    .s_axis_write_data_tready(wr_data_tready),
    .s_axis_write_data_tlast(wr_data_tlast),
    .m_axis_write_data_tdata(wre_data_tdata),
    .m_axis_write_data_tvalid(wre_data_tvalid),
    .m_axis_write_data_tready(wre_data_tready),
    .quiesce(quiesce),
    .status_idle(wr_mux_idle)
);

dma_axi_wr #(
    .AXI_DATA_WIDTH(DMA_DATA_WIDTH),
    .AXI_ADDR_WIDTH(DMA_ADDR_WIDTH),
    .AXI_ID_WIDTH(DMA_ID_WIDTH),
    .AXI_ID(0),
    .AXI_MAX_BURST_LEN(DMA_MAX_BURST),
    .LEN_WIDTH(LEN_WIDTH),
    .TAG_WIDTH(ENGINE_TAG_WIDTH),
    .OUTSTANDING(DMA_OUTSTANDING),
    .OP_DEPTH(4)
)
dma_axi_wr_inst (
    .clk(clk),
    .rst(core_rst),
    .s_axis_desc_addr(wre_desc_addr),
    .s_axis_desc_len(wre_desc_len),
    .s_axis_desc_tag(wre_desc_tag),
    .s_axis_desc_valid(wre_desc_valid),
    .s_axis_desc_ready(wre_desc_ready),
    .m_axis_desc_status_tag(wre_status_tag),
    .m_axis_desc_status_error(wre_status_error),
    .m_axis_desc_status_valid(wre_status_valid),
    .s_axis_write_data_tdata(wre_data_tdata),
    .s_axis_write_data_tvalid(wre_data_tvalid),
    .s_axis_write_data_tready(wre_data_tready),
    .m_axi_awid(m_axi_awid),
    .m_axi_awaddr(m_axi_awaddr),
    .m_axi_awlen(m_axi_awlen),
    .m_axi_awsize(m_axi_awsize),
    .m_axi_awburst(m_axi_awburst),
    .m_axi_awvalid(m_axi_awvalid),
    .m_axi_awready(m_axi_awready),
    .m_axi_wdata(m_axi_wdata),
    .m_axi_wstrb(m_axi_wstrb),
    .m_axi_wlast(m_axi_wlast),
    .m_axi_wvalid(m_axi_wvalid),
    .m_axi_wready(m_axi_wready),
    .m_axi_bid(m_axi_bid),
    .m_axi_bresp(m_axi_bresp),
    .m_axi_bvalid(m_axi_bvalid),
    .m_axi_bready(m_axi_bready),
    .status_idle(wr_engine_idle)
);

// requesters match status to requests by order; the completion source index is not needed
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, rd_status_tag, wr_status_tag, cpl_tid};
/* verilator lint_on UNUSED */

endmodule

`resetall
