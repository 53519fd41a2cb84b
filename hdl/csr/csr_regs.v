// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Register file: every register of the contract (protocol/generated/REGISTERS.md),
 * ring configuration check on CTRL.ENABLE, fault recording, interrupt status/mask/arm.
 * Reads are combinational on reg_rd_addr; writes take effect on reg_wr_en.
 */
module csr_regs #
(
    // width of the register address (at least 12)
    parameter ADDR_WIDTH = 12,
    // number of interrupt vectors (2..4: the contract defines moderation registers for 4)
    parameter IRQ_VECTORS = 4,
    // number of statistics counters presented on stat_count
    parameter STAT_COUNTERS = 17,
    // width of the DMA data path (reported in CAPS.DMA_BYTES_LOG2)
    parameter DMA_DATA_WIDTH = 128,
    // 1: the TCP offload engine is built (CAPS.TOE)
    parameter TOE_ENABLE = 0,
    // offloaded connections the TOE holds (MAX_CONNS; 0 without the TOE)
    parameter MAX_CONNS = 0,
    // send and graceful-disconnect requests the TOE holds at once (SEND_ENTRIES; 0 without the TOE)
    parameter SEND_ENTRIES = 0
)
(
    input  wire                          clk,
    input  wire                          rst,

    /*
     * Register interface
     */
    input  wire [ADDR_WIDTH-1:0]         reg_wr_addr,
    input  wire [31:0]                   reg_wr_data,
    input  wire [3:0]                    reg_wr_strb,
    input  wire                          reg_wr_en,
    input  wire [ADDR_WIDTH-1:0]         reg_rd_addr,
    input  wire                          reg_rd_en,
    output wire [31:0]                   reg_rd_data,

    /*
     * Status inputs
     */
    input  wire                          ready,
    input  wire                          idle,
    input  wire [63:0]                   timestamp,
    input  wire [15:0]                   req_head,
    input  wire [15:0]                   cpl_tail,
    input  wire [STAT_COUNTERS*32-1:0]   stat_count,

    /*
     * Fault inputs (one-cycle pulses)
     */
    input  wire                          fault_dma_rd,
    input  wire [63:0]                   fault_dma_rd_addr,
    input  wire                          fault_dma_wr,
    input  wire [63:0]                   fault_dma_wr_addr,
    input  wire                          fault_req_fetch,
    input  wire                          fault_cpl_write,

    /*
     * Interrupts fired (one-cycle pulses)
     */
    input  wire [IRQ_VECTORS-1:0]        irq_fire,

    /*
     * Control outputs
     */
    output wire                          soft_reset_req,
    output wire                          queue_running,
    output wire                          queue_start,
    output wire [63:0]                   req_base,
    output wire [4:0]                    req_size_log2,
    output wire [15:0]                   req_tail,
    output wire [63:0]                   cpl_base,
    output wire [4:0]                    cpl_size_log2,
    output wire [15:0]                   cpl_head,
    output wire [IRQ_VECTORS-1:0]        irq_mask,
    output wire [IRQ_VECTORS-1:0]        irq_arm,
    output wire [IRQ_VECTORS*32-1:0]     irq_mod_count,
    output wire [IRQ_VECTORS*32-1:0]     irq_mod_time,
    output wire [IRQ_VECTORS*32-1:0]     irq_mod_idle,
    output wire [2:0]                    fault_event_count,
    output wire                          stats_clear,

    /*
     * TOE configuration outputs
     */
    output wire [47:0]                   local_mac,
    output wire [31:0]                   tick_div,
    output wire [7:0]                    tcp_ack_frequency,
    output wire [31:0]                   tcp_delayed_ack_ticks,
    output wire [7:0]                    tcp_max_retransmissions,
    output wire [7:0]                    tcp_dup_ack_threshold,
    output wire [31:0]                   tcp_push_ticks,
    output wire [31:0]                   nce_stale_ticks,
    output wire [31:0]                   tcp_min_rto_ticks,
    output wire [31:0]                   tcp_max_rto_ticks,
    output wire [31:0]                   tcp_fin_wait_2_ticks
);

// statistics counter order on stat_count
localparam STAT_REQ_FETCHED = 0;
localparam STAT_CPL_WRITTEN = 1;
localparam STAT_TX_FRAMES = 2;
localparam STAT_TX_BYTES = 3;
localparam STAT_RX_FRAMES = 4;
localparam STAT_RX_BYTES = 5;
localparam STAT_RX_DROP_NO_BUFFER = 6;
localparam STAT_RX_DROP_OVERFLOW = 7;
localparam STAT_RX_ERRORS = 8;
localparam STAT_BAD_DESC = 9;
localparam STAT_DMA_ERRORS = 10;
localparam STAT_IRQS = 11;
localparam STAT_TOE_RX_SEGMENTS = 12;
localparam STAT_TOE_RX_DROPPED = 13;
localparam STAT_TOE_RX_CSUM_ERRORS = 14;
localparam STAT_TOE_TX_SEGMENTS = 15;
localparam STAT_TOE_RETRANSMITS = 16;

localparam [31:0] IRQ_MASK_RESET = `FLUE_REG_IRQ_MASK_RESET;
localparam [31:0] ENTRY_MASK = `FLUE_REQ_ENTRY_BYTES - 1;
localparam [31:0] CPL_ENTRY_MASK = `FLUE_CPL_ENTRY_BYTES - 1;
localparam [15:0] VERSION_MAJOR = `FLUE_VERSION_MAJOR;
localparam [15:0] VERSION_MINOR = `FLUE_VERSION_MINOR;
localparam [7:0] CAPS_VECTORS = IRQ_VECTORS;
localparam integer DMA_BYTES_LOG2_I = $clog2(DMA_DATA_WIDTH / 8);
localparam [3:0] CAPS_DMA_BYTES_LOG2 = DMA_BYTES_LOG2_I[3:0];
localparam [4:0] CAPS_RING_MAX_LOG2 = `FLUE_RING_MAX_LOG2;
localparam [31:0] MAX_CONNS_VALUE = TOE_ENABLE != 0 ? MAX_CONNS : 0;
localparam [31:0] SEND_ENTRIES_VALUE = TOE_ENABLE != 0 ? SEND_ENTRIES : 0;

// bus width assertions
initial begin
    if (ADDR_WIDTH < 12) begin
        $error("Error: ADDR_WIDTH must be at least 12 (instance %m)");
        $finish;
    end
    if (IRQ_VECTORS < 2 || IRQ_VECTORS > 4) begin
        $error("Error: IRQ_VECTORS must be 2..4 (instance %m)");
        $finish;
    end
    if (STAT_COUNTERS != 17) begin
        $error("Error: STAT_COUNTERS must be 17 (instance %m)");
        $finish;
    end
    if (DMA_DATA_WIDTH < 8 || (8 << DMA_BYTES_LOG2_I) != DMA_DATA_WIDTH) begin
        $error("Error: DMA_DATA_WIDTH must be a power-of-two number of bytes (instance %m)");
        $finish;
    end
end

function [31:0] merge;
    input [31:0] old_value;
    input [31:0] new_value;
    input [3:0] strb;
    integer b;
    begin
        for (b = 0; b < 4; b = b + 1) begin
            merge[b*8 +: 8] = strb[b] ? new_value[b*8 +: 8] : old_value[b*8 +: 8];
        end
    end
endfunction

function [31:0] strb_mask;
    input [31:0] value;
    input [3:0] strb;
    begin
        strb_mask = merge(32'd0, value, strb);
    end
endfunction

function [2:0] popcount5;
    input [4:0] value;
    begin
        popcount5 = {2'b00, value[0]} + {2'b00, value[1]} + {2'b00, value[2]} + {2'b00, value[3]} + {2'b00, value[4]};
    end
endfunction

reg ctrl_enable_reg = 1'b0, ctrl_enable_next;
reg fatal_reg = 1'b0, fatal_next;
reg start_reg = 1'b0, start_next;
reg [31:0] mac_lo_reg = `FLUE_REG_MAC_LO_RESET, mac_lo_next;
reg [31:0] mac_hi_reg = `FLUE_REG_MAC_HI_RESET, mac_hi_next;
reg [31:0] tick_div_reg = `FLUE_REG_TICK_DIV_RESET, tick_div_next;
reg [31:0] ts_hi_reg = `FLUE_REG_TIMESTAMP_HI_RESET, ts_hi_next;
reg [31:0] req_base_lo_reg = `FLUE_REG_REQ_BASE_LO_RESET, req_base_lo_next;
reg [31:0] req_base_hi_reg = `FLUE_REG_REQ_BASE_HI_RESET, req_base_hi_next;
reg [31:0] req_size_log2_reg = `FLUE_REG_REQ_SIZE_LOG2_RESET, req_size_log2_next;
reg [31:0] req_tail_reg = `FLUE_REG_REQ_TAIL_RESET, req_tail_next;
reg [31:0] cpl_base_lo_reg = `FLUE_REG_CPL_BASE_LO_RESET, cpl_base_lo_next;
reg [31:0] cpl_base_hi_reg = `FLUE_REG_CPL_BASE_HI_RESET, cpl_base_hi_next;
reg [31:0] cpl_size_log2_reg = `FLUE_REG_CPL_SIZE_LOG2_RESET, cpl_size_log2_next;
reg [31:0] cpl_head_reg = `FLUE_REG_CPL_HEAD_RESET, cpl_head_next;
reg [IRQ_VECTORS-1:0] irq_status_reg = {IRQ_VECTORS{1'b0}}, irq_status_next;
reg [IRQ_VECTORS-1:0] irq_mask_reg = IRQ_MASK_RESET[IRQ_VECTORS-1:0], irq_mask_next;
reg [IRQ_VECTORS-1:0] irq_arm_reg = {IRQ_VECTORS{1'b0}}, irq_arm_next;
reg [31:0] mod_count_0_reg = `FLUE_REG_IRQ_MOD_COUNT_0_RESET, mod_count_0_next;
reg [31:0] mod_time_0_reg = `FLUE_REG_IRQ_MOD_TIME_0_RESET, mod_time_0_next;
reg [31:0] mod_idle_0_reg = `FLUE_REG_IRQ_MOD_IDLE_0_RESET, mod_idle_0_next;
reg [31:0] mod_count_1_reg = `FLUE_REG_IRQ_MOD_COUNT_1_RESET, mod_count_1_next;
reg [31:0] mod_time_1_reg = `FLUE_REG_IRQ_MOD_TIME_1_RESET, mod_time_1_next;
reg [31:0] mod_idle_1_reg = `FLUE_REG_IRQ_MOD_IDLE_1_RESET, mod_idle_1_next;
reg [31:0] mod_count_2_reg = `FLUE_REG_IRQ_MOD_COUNT_2_RESET, mod_count_2_next;
reg [31:0] mod_time_2_reg = `FLUE_REG_IRQ_MOD_TIME_2_RESET, mod_time_2_next;
reg [31:0] mod_idle_2_reg = `FLUE_REG_IRQ_MOD_IDLE_2_RESET, mod_idle_2_next;
reg [31:0] mod_count_3_reg = `FLUE_REG_IRQ_MOD_COUNT_3_RESET, mod_count_3_next;
reg [31:0] mod_time_3_reg = `FLUE_REG_IRQ_MOD_TIME_3_RESET, mod_time_3_next;
reg [31:0] mod_idle_3_reg = `FLUE_REG_IRQ_MOD_IDLE_3_RESET, mod_idle_3_next;
reg [31:0] fault_cause_reg = `FLUE_REG_FAULT_CAUSE_RESET, fault_cause_next;
reg [63:0] fault_addr_reg = {`FLUE_REG_FAULT_ADDR_HI_RESET, `FLUE_REG_FAULT_ADDR_LO_RESET}, fault_addr_next;
reg fault_addr_valid_reg = 1'b0, fault_addr_valid_next;
reg [2:0] fault_event_reg = 3'd0, fault_event_next;
reg stats_clear_reg = 1'b0, stats_clear_next;
reg [31:0] tcp_ack_frequency_reg = `FLUE_REG_TCP_ACK_FREQUENCY_RESET, tcp_ack_frequency_next;
reg [31:0] tcp_delayed_ack_ticks_reg = `FLUE_REG_TCP_DELAYED_ACK_TICKS_RESET, tcp_delayed_ack_ticks_next;
reg [31:0] tcp_max_retransmissions_reg = `FLUE_REG_TCP_MAX_RETRANSMISSIONS_RESET, tcp_max_retransmissions_next;
reg [31:0] tcp_doubt_reach_retrans_reg = `FLUE_REG_TCP_DOUBT_REACH_RETRANS_RESET, tcp_doubt_reach_retrans_next;
reg [31:0] tcp_sws_prevention_ticks_reg = `FLUE_REG_TCP_SWS_PREVENTION_TICKS_RESET, tcp_sws_prevention_ticks_next;
reg [31:0] tcp_dup_ack_threshold_reg = `FLUE_REG_TCP_DUP_ACK_THRESHOLD_RESET, tcp_dup_ack_threshold_next;
reg [31:0] tcp_push_ticks_reg = `FLUE_REG_TCP_PUSH_TICKS_RESET, tcp_push_ticks_next;
reg [31:0] nce_stale_ticks_reg = `FLUE_REG_NCE_STALE_TICKS_RESET, nce_stale_ticks_next;
reg [31:0] tcp_min_rto_ticks_reg = `FLUE_REG_TCP_MIN_RTO_TICKS_RESET, tcp_min_rto_ticks_next;
reg [31:0] tcp_max_rto_ticks_reg = `FLUE_REG_TCP_MAX_RTO_TICKS_RESET, tcp_max_rto_ticks_next;
reg [31:0] tcp_fin_wait_2_ticks_reg = `FLUE_REG_TCP_FIN_WAIT_2_TICKS_RESET, tcp_fin_wait_2_ticks_next;

reg soft_reset_int;
reg [31:0] fault_set;
reg [31:0] fault_kept;
reg [31:0] rd_data;
reg [31:0] wr_value;
reg ring_config_ok;

wire [11:0] wr_sel = {reg_wr_addr[11:2], 2'b00};
wire [11:0] rd_sel = {reg_rd_addr[11:2], 2'b00};

assign reg_rd_data = rd_data;
assign soft_reset_req = soft_reset_int;
assign queue_running = ctrl_enable_reg && !fatal_reg;
assign queue_start = start_reg;
assign req_base = {req_base_hi_reg, req_base_lo_reg};
assign req_size_log2 = req_size_log2_reg[4:0];
assign req_tail = req_tail_reg[15:0];
assign cpl_base = {cpl_base_hi_reg, cpl_base_lo_reg};
assign cpl_size_log2 = cpl_size_log2_reg[4:0];
assign cpl_head = cpl_head_reg[15:0];
assign irq_mask = irq_mask_reg;
assign irq_arm = irq_arm_reg;
assign fault_event_count = fault_event_reg;
assign stats_clear = stats_clear_reg;
// MAC_LO byte 0 is the first byte on the wire: local_mac[47:40]
assign local_mac = {mac_lo_reg[7:0], mac_lo_reg[15:8], mac_lo_reg[23:16], mac_lo_reg[31:24], mac_hi_reg[7:0], mac_hi_reg[15:8]};
assign tick_div = tick_div_reg;
assign tcp_ack_frequency = tcp_ack_frequency_reg[7:0];
assign tcp_delayed_ack_ticks = tcp_delayed_ack_ticks_reg;
assign tcp_max_retransmissions = tcp_max_retransmissions_reg[7:0];
assign tcp_dup_ack_threshold = tcp_dup_ack_threshold_reg[7:0];
assign tcp_push_ticks = tcp_push_ticks_reg;
assign nce_stale_ticks = nce_stale_ticks_reg;
assign tcp_min_rto_ticks = tcp_min_rto_ticks_reg;
assign tcp_max_rto_ticks = tcp_max_rto_ticks_reg;
assign tcp_fin_wait_2_ticks = tcp_fin_wait_2_ticks_reg;

wire [4*32-1:0] mod_count_all = {mod_count_3_reg, mod_count_2_reg, mod_count_1_reg, mod_count_0_reg};
wire [4*32-1:0] mod_time_all = {mod_time_3_reg, mod_time_2_reg, mod_time_1_reg, mod_time_0_reg};
assign irq_mod_count = mod_count_all[IRQ_VECTORS*32-1:0];
assign irq_mod_time = mod_time_all[IRQ_VECTORS*32-1:0];
wire [4*32-1:0] mod_idle_all = {mod_idle_3_reg, mod_idle_2_reg, mod_idle_1_reg, mod_idle_0_reg};
assign irq_mod_idle = mod_idle_all[IRQ_VECTORS*32-1:0];

// read mux
always @* begin
    rd_data = 32'd0;
    case (rd_sel)
        `FLUE_REG_ID: rd_data = `FLUE_ID_MAGIC;
        `FLUE_REG_VERSION: begin
            rd_data[`FLUE_REG_VERSION_MAJOR_LSB +: `FLUE_REG_VERSION_MAJOR_WIDTH] = VERSION_MAJOR;
            rd_data[`FLUE_REG_VERSION_MINOR_LSB +: `FLUE_REG_VERSION_MINOR_WIDTH] = VERSION_MINOR;
        end
        `FLUE_REG_CAPS: begin
            rd_data[`FLUE_REG_CAPS_L2_LSB] = 1'b1;
            rd_data[`FLUE_REG_CAPS_TOE_LSB] = TOE_ENABLE != 0;
            rd_data[`FLUE_REG_CAPS_IRQ_MODERATION_LSB] = 1'b1;
            rd_data[`FLUE_REG_CAPS_IRQ_VECTORS_LSB +: `FLUE_REG_CAPS_IRQ_VECTORS_WIDTH] = CAPS_VECTORS;
            rd_data[`FLUE_REG_CAPS_DMA_BYTES_LOG2_LSB +: `FLUE_REG_CAPS_DMA_BYTES_LOG2_WIDTH] = CAPS_DMA_BYTES_LOG2;
            rd_data[`FLUE_REG_CAPS_RING_MAX_LOG2_LSB +: `FLUE_REG_CAPS_RING_MAX_LOG2_WIDTH] = CAPS_RING_MAX_LOG2;
        end
        `FLUE_REG_MAX_CONNS: rd_data = MAX_CONNS_VALUE;
        `FLUE_REG_MAX_FRAME: rd_data = `FLUE_ETH_MAX_FRAME;
        `FLUE_REG_SEND_ENTRIES: rd_data = SEND_ENTRIES_VALUE;
        `FLUE_REG_CTRL: rd_data[`FLUE_REG_CTRL_ENABLE_LSB] = ctrl_enable_reg;
        `FLUE_REG_STATUS: begin
            rd_data[`FLUE_REG_STATUS_READY_LSB] = ready;
            rd_data[`FLUE_REG_STATUS_ENABLED_LSB] = queue_running;
            rd_data[`FLUE_REG_STATUS_FAULT_LSB] = fault_cause_reg != 0;
            rd_data[`FLUE_REG_STATUS_IDLE_LSB] = idle;
        end
        `FLUE_REG_MAC_LO: rd_data = mac_lo_reg;
        `FLUE_REG_MAC_HI: rd_data = {16'd0, mac_hi_reg[15:0]};
        `FLUE_REG_TICK_DIV: rd_data = tick_div_reg;
        `FLUE_REG_TIMESTAMP_LO: rd_data = timestamp[31:0];
        `FLUE_REG_TIMESTAMP_HI: rd_data = ts_hi_reg;
        `FLUE_REG_REQ_BASE_LO: rd_data = req_base_lo_reg;
        `FLUE_REG_REQ_BASE_HI: rd_data = req_base_hi_reg;
        `FLUE_REG_REQ_SIZE_LOG2: rd_data = req_size_log2_reg;
        `FLUE_REG_REQ_TAIL: rd_data = req_tail_reg;
        `FLUE_REG_REQ_HEAD: rd_data = {16'd0, req_head};
        `FLUE_REG_CPL_BASE_LO: rd_data = cpl_base_lo_reg;
        `FLUE_REG_CPL_BASE_HI: rd_data = cpl_base_hi_reg;
        `FLUE_REG_CPL_SIZE_LOG2: rd_data = cpl_size_log2_reg;
        `FLUE_REG_CPL_HEAD: rd_data = cpl_head_reg;
        `FLUE_REG_CPL_TAIL: rd_data = {16'd0, cpl_tail};
        `FLUE_REG_IRQ_STATUS: rd_data[IRQ_VECTORS-1:0] = irq_status_reg;
        `FLUE_REG_IRQ_MASK: rd_data[IRQ_VECTORS-1:0] = irq_mask_reg;
        `FLUE_REG_IRQ_ARM: rd_data = 32'd0;
        `FLUE_REG_IRQ_MOD_COUNT_0: rd_data = mod_count_0_reg;
        `FLUE_REG_IRQ_MOD_TIME_0: rd_data = mod_time_0_reg;
        `FLUE_REG_IRQ_MOD_IDLE_0: rd_data = mod_idle_0_reg;
        `FLUE_REG_IRQ_MOD_COUNT_1: rd_data = mod_count_1_reg;
        `FLUE_REG_IRQ_MOD_TIME_1: rd_data = mod_time_1_reg;
        `FLUE_REG_IRQ_MOD_IDLE_1: rd_data = mod_idle_1_reg;
        `FLUE_REG_IRQ_MOD_COUNT_2: rd_data = mod_count_2_reg;
        `FLUE_REG_IRQ_MOD_TIME_2: rd_data = mod_time_2_reg;
        `FLUE_REG_IRQ_MOD_IDLE_2: rd_data = mod_idle_2_reg;
        `FLUE_REG_IRQ_MOD_COUNT_3: rd_data = mod_count_3_reg;
        `FLUE_REG_IRQ_MOD_TIME_3: rd_data = mod_time_3_reg;
        `FLUE_REG_IRQ_MOD_IDLE_3: rd_data = mod_idle_3_reg;
        `FLUE_REG_FAULT_CAUSE: rd_data = fault_cause_reg;
        `FLUE_REG_FAULT_ADDR_LO: rd_data = fault_addr_reg[31:0];
        `FLUE_REG_FAULT_ADDR_HI: rd_data = fault_addr_reg[63:32];
        `FLUE_REG_STATS_CLEAR: rd_data = 32'd0;
        `FLUE_REG_STAT_REQ_FETCHED: rd_data = stat_count[STAT_REQ_FETCHED*32 +: 32];
        `FLUE_REG_STAT_CPL_WRITTEN: rd_data = stat_count[STAT_CPL_WRITTEN*32 +: 32];
        `FLUE_REG_STAT_TX_FRAMES: rd_data = stat_count[STAT_TX_FRAMES*32 +: 32];
        `FLUE_REG_STAT_TX_BYTES: rd_data = stat_count[STAT_TX_BYTES*32 +: 32];
        `FLUE_REG_STAT_RX_FRAMES: rd_data = stat_count[STAT_RX_FRAMES*32 +: 32];
        `FLUE_REG_STAT_RX_BYTES: rd_data = stat_count[STAT_RX_BYTES*32 +: 32];
        `FLUE_REG_STAT_RX_DROP_NO_BUFFER: rd_data = stat_count[STAT_RX_DROP_NO_BUFFER*32 +: 32];
        `FLUE_REG_STAT_RX_DROP_OVERFLOW: rd_data = stat_count[STAT_RX_DROP_OVERFLOW*32 +: 32];
        `FLUE_REG_STAT_RX_ERRORS: rd_data = stat_count[STAT_RX_ERRORS*32 +: 32];
        `FLUE_REG_STAT_BAD_DESC: rd_data = stat_count[STAT_BAD_DESC*32 +: 32];
        `FLUE_REG_STAT_DMA_ERRORS: rd_data = stat_count[STAT_DMA_ERRORS*32 +: 32];
        `FLUE_REG_STAT_IRQS: rd_data = stat_count[STAT_IRQS*32 +: 32];
        `FLUE_REG_STAT_TOE_RX_SEGMENTS: rd_data = stat_count[STAT_TOE_RX_SEGMENTS*32 +: 32];
        `FLUE_REG_STAT_TOE_RX_DROPPED: rd_data = stat_count[STAT_TOE_RX_DROPPED*32 +: 32];
        `FLUE_REG_STAT_TOE_RX_CSUM_ERRORS: rd_data = stat_count[STAT_TOE_RX_CSUM_ERRORS*32 +: 32];
        `FLUE_REG_STAT_TOE_TX_SEGMENTS: rd_data = stat_count[STAT_TOE_TX_SEGMENTS*32 +: 32];
        `FLUE_REG_STAT_TOE_RETRANSMITS: rd_data = stat_count[STAT_TOE_RETRANSMITS*32 +: 32];
        `FLUE_REG_TCP_ACK_FREQUENCY: rd_data = tcp_ack_frequency_reg;
        `FLUE_REG_TCP_DELAYED_ACK_TICKS: rd_data = tcp_delayed_ack_ticks_reg;
        `FLUE_REG_TCP_MAX_RETRANSMISSIONS: rd_data = tcp_max_retransmissions_reg;
        `FLUE_REG_TCP_DOUBT_REACH_RETRANS: rd_data = tcp_doubt_reach_retrans_reg;
        `FLUE_REG_TCP_SWS_PREVENTION_TICKS: rd_data = tcp_sws_prevention_ticks_reg;
        `FLUE_REG_TCP_DUP_ACK_THRESHOLD: rd_data = tcp_dup_ack_threshold_reg;
        `FLUE_REG_TCP_PUSH_TICKS: rd_data = tcp_push_ticks_reg;
        `FLUE_REG_NCE_STALE_TICKS: rd_data = nce_stale_ticks_reg;
        `FLUE_REG_TCP_MIN_RTO_TICKS: rd_data = tcp_min_rto_ticks_reg;
        `FLUE_REG_TCP_MAX_RTO_TICKS: rd_data = tcp_max_rto_ticks_reg;
        `FLUE_REG_TCP_FIN_WAIT_2_TICKS: rd_data = tcp_fin_wait_2_ticks_reg;
        default: rd_data = 32'd0;
    endcase
end

// writes, faults, interrupt status
always @* begin
    ctrl_enable_next = ctrl_enable_reg;
    fatal_next = fatal_reg;
    start_next = 1'b0;
    mac_lo_next = mac_lo_reg;
    mac_hi_next = mac_hi_reg;
    tick_div_next = tick_div_reg;
    ts_hi_next = ts_hi_reg;
    req_base_lo_next = req_base_lo_reg;
    req_base_hi_next = req_base_hi_reg;
    req_size_log2_next = req_size_log2_reg;
    req_tail_next = req_tail_reg;
    cpl_base_lo_next = cpl_base_lo_reg;
    cpl_base_hi_next = cpl_base_hi_reg;
    cpl_size_log2_next = cpl_size_log2_reg;
    cpl_head_next = cpl_head_reg;
    irq_status_next = irq_status_reg | irq_fire;
    irq_mask_next = irq_mask_reg;
    irq_arm_next = {IRQ_VECTORS{1'b0}};
    mod_count_0_next = mod_count_0_reg;
    mod_time_0_next = mod_time_0_reg;
    mod_idle_0_next = mod_idle_0_reg;
    mod_count_1_next = mod_count_1_reg;
    mod_time_1_next = mod_time_1_reg;
    mod_idle_1_next = mod_idle_1_reg;
    mod_count_2_next = mod_count_2_reg;
    mod_time_2_next = mod_time_2_reg;
    mod_idle_2_next = mod_idle_2_reg;
    mod_count_3_next = mod_count_3_reg;
    mod_time_3_next = mod_time_3_reg;
    mod_idle_3_next = mod_idle_3_reg;
    fault_addr_next = fault_addr_reg;
    fault_addr_valid_next = fault_addr_valid_reg;
    stats_clear_next = 1'b0;
    tcp_ack_frequency_next = tcp_ack_frequency_reg;
    tcp_delayed_ack_ticks_next = tcp_delayed_ack_ticks_reg;
    tcp_max_retransmissions_next = tcp_max_retransmissions_reg;
    tcp_doubt_reach_retrans_next = tcp_doubt_reach_retrans_reg;
    tcp_sws_prevention_ticks_next = tcp_sws_prevention_ticks_reg;
    tcp_dup_ack_threshold_next = tcp_dup_ack_threshold_reg;
    tcp_push_ticks_next = tcp_push_ticks_reg;
    nce_stale_ticks_next = nce_stale_ticks_reg;
    tcp_min_rto_ticks_next = tcp_min_rto_ticks_reg;
    tcp_max_rto_ticks_next = tcp_max_rto_ticks_reg;
    tcp_fin_wait_2_ticks_next = tcp_fin_wait_2_ticks_reg;
    soft_reset_int = 1'b0;
    fault_set = 32'd0;
    wr_value = reg_wr_data;

    ring_config_ok = req_size_log2_reg >= `FLUE_RING_MIN_LOG2 && req_size_log2_reg <= `FLUE_RING_MAX_LOG2
        && cpl_size_log2_reg >= `FLUE_RING_MIN_LOG2 && cpl_size_log2_reg <= `FLUE_RING_MAX_LOG2
        && (req_base_lo_reg & ENTRY_MASK) == 0 && (cpl_base_lo_reg & CPL_ENTRY_MASK) == 0;

    if (reg_rd_en && rd_sel == `FLUE_REG_TIMESTAMP_LO) begin
        ts_hi_next = timestamp[63:32];
    end

    if (reg_wr_en) begin
        case (wr_sel)
            `FLUE_REG_CTRL: begin
                wr_value = strb_mask(reg_wr_data, reg_wr_strb);
                if (wr_value[`FLUE_REG_CTRL_SOFT_RESET_LSB]) begin
                    soft_reset_int = 1'b1;
                end else if (reg_wr_strb[`FLUE_REG_CTRL_ENABLE_LSB/8]) begin
                    if (!wr_value[`FLUE_REG_CTRL_ENABLE_LSB]) begin
                        ctrl_enable_next = 1'b0;
                    end else if (!ctrl_enable_reg) begin
                        if (ring_config_ok) begin
                            // rising edge: every ring index restarts at 0
                            ctrl_enable_next = 1'b1;
                            start_next = 1'b1;
                            req_tail_next = 32'd0;
                            cpl_head_next = 32'd0;
                        end else begin
                            fault_set = fault_set | `FLUE_FAULT_CAUSE_RING_CONFIG;
                        end
                    end
                end
            end
            `FLUE_REG_MAC_LO: mac_lo_next = merge(mac_lo_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_MAC_HI: mac_hi_next = merge(mac_hi_reg, reg_wr_data, reg_wr_strb & 4'b0011);
            `FLUE_REG_TICK_DIV: tick_div_next = merge(tick_div_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_REQ_BASE_LO: req_base_lo_next = merge(req_base_lo_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_REQ_BASE_HI: req_base_hi_next = merge(req_base_hi_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_REQ_SIZE_LOG2: req_size_log2_next = merge(req_size_log2_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_REQ_TAIL: req_tail_next = merge(req_tail_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_CPL_BASE_LO: cpl_base_lo_next = merge(cpl_base_lo_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_CPL_BASE_HI: cpl_base_hi_next = merge(cpl_base_hi_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_CPL_SIZE_LOG2: cpl_size_log2_next = merge(cpl_size_log2_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_CPL_HEAD: cpl_head_next = merge(cpl_head_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_STATUS: begin
                wr_value = strb_mask(reg_wr_data, reg_wr_strb);
                irq_status_next = (irq_status_reg & ~wr_value[IRQ_VECTORS-1:0]) | irq_fire;
            end
            `FLUE_REG_IRQ_MASK: begin
                wr_value = merge({{32-IRQ_VECTORS{1'b0}}, irq_mask_reg}, reg_wr_data, reg_wr_strb);
                irq_mask_next = wr_value[IRQ_VECTORS-1:0];
            end
            `FLUE_REG_IRQ_ARM: begin
                wr_value = strb_mask(reg_wr_data, reg_wr_strb);
                irq_arm_next = wr_value[IRQ_VECTORS-1:0];
            end
            `FLUE_REG_IRQ_MOD_COUNT_0: mod_count_0_next = merge(mod_count_0_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_TIME_0: mod_time_0_next = merge(mod_time_0_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_IDLE_0: mod_idle_0_next = merge(mod_idle_0_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_COUNT_1: mod_count_1_next = merge(mod_count_1_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_TIME_1: mod_time_1_next = merge(mod_time_1_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_IDLE_1: mod_idle_1_next = merge(mod_idle_1_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_COUNT_2: mod_count_2_next = merge(mod_count_2_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_TIME_2: mod_time_2_next = merge(mod_time_2_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_IDLE_2: mod_idle_2_next = merge(mod_idle_2_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_COUNT_3: mod_count_3_next = merge(mod_count_3_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_TIME_3: mod_time_3_next = merge(mod_time_3_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_IRQ_MOD_IDLE_3: mod_idle_3_next = merge(mod_idle_3_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_STATS_CLEAR: begin
                wr_value = strb_mask(reg_wr_data, reg_wr_strb);
                stats_clear_next = wr_value[0];
            end
            `FLUE_REG_TCP_ACK_FREQUENCY: tcp_ack_frequency_next = merge(tcp_ack_frequency_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_DELAYED_ACK_TICKS: tcp_delayed_ack_ticks_next = merge(tcp_delayed_ack_ticks_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_MAX_RETRANSMISSIONS: tcp_max_retransmissions_next = merge(tcp_max_retransmissions_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_DOUBT_REACH_RETRANS: tcp_doubt_reach_retrans_next = merge(tcp_doubt_reach_retrans_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_SWS_PREVENTION_TICKS: tcp_sws_prevention_ticks_next = merge(tcp_sws_prevention_ticks_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_DUP_ACK_THRESHOLD: tcp_dup_ack_threshold_next = merge(tcp_dup_ack_threshold_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_PUSH_TICKS: tcp_push_ticks_next = merge(tcp_push_ticks_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_NCE_STALE_TICKS: nce_stale_ticks_next = merge(nce_stale_ticks_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_MIN_RTO_TICKS: tcp_min_rto_ticks_next = merge(tcp_min_rto_ticks_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_MAX_RTO_TICKS: tcp_max_rto_ticks_next = merge(tcp_max_rto_ticks_reg, reg_wr_data, reg_wr_strb);
            `FLUE_REG_TCP_FIN_WAIT_2_TICKS: tcp_fin_wait_2_ticks_next = merge(tcp_fin_wait_2_ticks_reg, reg_wr_data, reg_wr_strb);
            default: begin end
        endcase
    end

    // faults: sticky cause bits, first DMA fault address, fatal queue stop
    if (fault_dma_rd || fault_req_fetch) begin
        fault_set = fault_set | `FLUE_FAULT_CAUSE_DMA_READ;
    end
    if (fault_dma_wr || fault_cpl_write) begin
        fault_set = fault_set | `FLUE_FAULT_CAUSE_DMA_WRITE;
    end
    if (fault_req_fetch) begin
        fault_set = fault_set | `FLUE_FAULT_CAUSE_REQ_FETCH;
        fatal_next = 1'b1;
    end
    if (fault_cpl_write) begin
        fault_set = fault_set | `FLUE_FAULT_CAUSE_CPL_WRITE;
        fatal_next = 1'b1;
    end

    // a fault is new against the cause bits the host's W1C (if any) leaves: one that comes in
    // the clearing cycle raises its event and records its address
    if (reg_wr_en && wr_sel == `FLUE_REG_FAULT_CAUSE) begin
        fault_kept = fault_cause_reg & ~strb_mask(reg_wr_data, reg_wr_strb);
    end else begin
        fault_kept = fault_cause_reg;
    end
    fault_cause_next = fault_kept | fault_set;
    fault_event_next = popcount5({fault_set[4:0] & ~fault_kept[4:0]});

    if (fault_kept == 0) begin
        fault_addr_valid_next = 1'b0;
    end
    if ((!fault_addr_valid_reg || fault_kept == 0) && (fault_dma_rd || fault_dma_wr)) begin
        fault_addr_valid_next = 1'b1;
        fault_addr_next = fault_dma_rd ? fault_dma_rd_addr : fault_dma_wr_addr;
    end
end

always @(posedge clk) begin
    ctrl_enable_reg <= ctrl_enable_next;
    fatal_reg <= fatal_next;
    start_reg <= start_next;
    mac_lo_reg <= mac_lo_next;
    mac_hi_reg <= mac_hi_next;
    tick_div_reg <= tick_div_next;
    ts_hi_reg <= ts_hi_next;
    req_base_lo_reg <= req_base_lo_next;
    req_base_hi_reg <= req_base_hi_next;
    req_size_log2_reg <= req_size_log2_next;
    req_tail_reg <= req_tail_next;
    cpl_base_lo_reg <= cpl_base_lo_next;
    cpl_base_hi_reg <= cpl_base_hi_next;
    cpl_size_log2_reg <= cpl_size_log2_next;
    cpl_head_reg <= cpl_head_next;
    irq_status_reg <= irq_status_next;
    irq_mask_reg <= irq_mask_next;
    irq_arm_reg <= irq_arm_next;
    mod_count_0_reg <= mod_count_0_next;
    mod_time_0_reg <= mod_time_0_next;
    mod_idle_0_reg <= mod_idle_0_next;
    mod_count_1_reg <= mod_count_1_next;
    mod_time_1_reg <= mod_time_1_next;
    mod_idle_1_reg <= mod_idle_1_next;
    mod_count_2_reg <= mod_count_2_next;
    mod_time_2_reg <= mod_time_2_next;
    mod_idle_2_reg <= mod_idle_2_next;
    mod_count_3_reg <= mod_count_3_next;
    mod_time_3_reg <= mod_time_3_next;
    mod_idle_3_reg <= mod_idle_3_next;
    fault_cause_reg <= fault_cause_next;
    fault_addr_reg <= fault_addr_next;
    fault_addr_valid_reg <= fault_addr_valid_next;
    fault_event_reg <= fault_event_next;
    stats_clear_reg <= stats_clear_next;
    tcp_ack_frequency_reg <= tcp_ack_frequency_next;
    tcp_delayed_ack_ticks_reg <= tcp_delayed_ack_ticks_next;
    tcp_max_retransmissions_reg <= tcp_max_retransmissions_next;
    tcp_doubt_reach_retrans_reg <= tcp_doubt_reach_retrans_next;
    tcp_sws_prevention_ticks_reg <= tcp_sws_prevention_ticks_next;
    tcp_dup_ack_threshold_reg <= tcp_dup_ack_threshold_next;
    tcp_push_ticks_reg <= tcp_push_ticks_next;
    nce_stale_ticks_reg <= nce_stale_ticks_next;
    tcp_min_rto_ticks_reg <= tcp_min_rto_ticks_next;
    tcp_max_rto_ticks_reg <= tcp_max_rto_ticks_next;
    tcp_fin_wait_2_ticks_reg <= tcp_fin_wait_2_ticks_next;

    // full reset: every register returns to its contract reset value
    if (rst) begin
        ctrl_enable_reg <= 1'b0;
        fatal_reg <= 1'b0;
        start_reg <= 1'b0;
        mac_lo_reg <= `FLUE_REG_MAC_LO_RESET;
        mac_hi_reg <= `FLUE_REG_MAC_HI_RESET;
        tick_div_reg <= `FLUE_REG_TICK_DIV_RESET;
        ts_hi_reg <= `FLUE_REG_TIMESTAMP_HI_RESET;
        req_base_lo_reg <= `FLUE_REG_REQ_BASE_LO_RESET;
        req_base_hi_reg <= `FLUE_REG_REQ_BASE_HI_RESET;
        req_size_log2_reg <= `FLUE_REG_REQ_SIZE_LOG2_RESET;
        req_tail_reg <= `FLUE_REG_REQ_TAIL_RESET;
        cpl_base_lo_reg <= `FLUE_REG_CPL_BASE_LO_RESET;
        cpl_base_hi_reg <= `FLUE_REG_CPL_BASE_HI_RESET;
        cpl_size_log2_reg <= `FLUE_REG_CPL_SIZE_LOG2_RESET;
        cpl_head_reg <= `FLUE_REG_CPL_HEAD_RESET;
        irq_status_reg <= {IRQ_VECTORS{1'b0}};
        irq_mask_reg <= IRQ_MASK_RESET[IRQ_VECTORS-1:0];
        irq_arm_reg <= {IRQ_VECTORS{1'b0}};
        mod_count_0_reg <= `FLUE_REG_IRQ_MOD_COUNT_0_RESET;
        mod_time_0_reg <= `FLUE_REG_IRQ_MOD_TIME_0_RESET;
        mod_idle_0_reg <= `FLUE_REG_IRQ_MOD_IDLE_0_RESET;
        mod_count_1_reg <= `FLUE_REG_IRQ_MOD_COUNT_1_RESET;
        mod_time_1_reg <= `FLUE_REG_IRQ_MOD_TIME_1_RESET;
        mod_idle_1_reg <= `FLUE_REG_IRQ_MOD_IDLE_1_RESET;
        mod_count_2_reg <= `FLUE_REG_IRQ_MOD_COUNT_2_RESET;
        mod_time_2_reg <= `FLUE_REG_IRQ_MOD_TIME_2_RESET;
        mod_idle_2_reg <= `FLUE_REG_IRQ_MOD_IDLE_2_RESET;
        mod_count_3_reg <= `FLUE_REG_IRQ_MOD_COUNT_3_RESET;
        mod_time_3_reg <= `FLUE_REG_IRQ_MOD_TIME_3_RESET;
        mod_idle_3_reg <= `FLUE_REG_IRQ_MOD_IDLE_3_RESET;
        fault_cause_reg <= `FLUE_REG_FAULT_CAUSE_RESET;
        fault_addr_reg <= {`FLUE_REG_FAULT_ADDR_HI_RESET, `FLUE_REG_FAULT_ADDR_LO_RESET};
        fault_addr_valid_reg <= 1'b0;
        fault_event_reg <= 3'd0;
        stats_clear_reg <= 1'b0;
        tcp_ack_frequency_reg <= `FLUE_REG_TCP_ACK_FREQUENCY_RESET;
        tcp_delayed_ack_ticks_reg <= `FLUE_REG_TCP_DELAYED_ACK_TICKS_RESET;
        tcp_max_retransmissions_reg <= `FLUE_REG_TCP_MAX_RETRANSMISSIONS_RESET;
        tcp_doubt_reach_retrans_reg <= `FLUE_REG_TCP_DOUBT_REACH_RETRANS_RESET;
        tcp_sws_prevention_ticks_reg <= `FLUE_REG_TCP_SWS_PREVENTION_TICKS_RESET;
        tcp_dup_ack_threshold_reg <= `FLUE_REG_TCP_DUP_ACK_THRESHOLD_RESET;
        tcp_push_ticks_reg <= `FLUE_REG_TCP_PUSH_TICKS_RESET;
        nce_stale_ticks_reg <= `FLUE_REG_NCE_STALE_TICKS_RESET;
        tcp_min_rto_ticks_reg <= `FLUE_REG_TCP_MIN_RTO_TICKS_RESET;
        tcp_max_rto_ticks_reg <= `FLUE_REG_TCP_MAX_RTO_TICKS_RESET;
        tcp_fin_wait_2_ticks_reg <= `FLUE_REG_TCP_FIN_WAIT_2_TICKS_RESET;
    end
end

// the window decodes address bits [11:2]; the upper bits of narrow registers are storage only
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, reg_wr_addr[1:0], reg_rd_addr[1:0], req_size_log2_reg[31:5], req_tail_reg[31:16],
    cpl_size_log2_reg[31:5], cpl_head_reg[31:16], mac_hi_reg[31:16], wr_value};
/* verilator lint_on UNUSED */

endmodule

`resetall
