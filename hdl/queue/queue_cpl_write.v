// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Completion ring writer: takes completion records (the low bits of an entry), completes
 * them with phase, REQ_HEAD, info and timestamp, and writes each 32-byte entry at CPL_TAIL
 * by DMA. Waits while the ring is full ((tail+1) mod size == head). Advances CPL_TAIL and
 * raises one interrupt event per entry once its write is acknowledged. A write error
 * reports a fault and halts the writer until reset.
 */
module queue_cpl_write #
(
    // width of the DMA address
    parameter ADDR_WIDTH = 64,
    // width of the DMA transfer length
    parameter LEN_WIDTH = 20,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // width of the DMA data
    parameter DATA_WIDTH = 64,
    // width of completion records (the entry up to REQ_HEAD)
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_REQ_HEAD_LSB
)
(
    input  wire                     clk,
    input  wire                     rst,

    /*
     * Ring control
     */
    input  wire                     start,
    input  wire [63:0]              ring_base,
    input  wire [4:0]               ring_size_log2,
    input  wire [15:0]              ring_head,
    output wire [15:0]              ring_tail,
    input  wire [15:0]              req_head,
    input  wire [63:0]              timestamp,

    /*
     * Completion record input
     */
    input  wire [CPL_REC_WIDTH-1:0] s_axis_cpl_tdata,
    input  wire                     s_axis_cpl_tvalid,
    output wire                     s_axis_cpl_tready,

    /*
     * DMA write descriptor and data output, status input
     */
    output wire [ADDR_WIDTH-1:0]    m_axis_dma_desc_addr,
    output wire [LEN_WIDTH-1:0]     m_axis_dma_desc_len,
    output wire [TAG_WIDTH-1:0]     m_axis_dma_desc_tag,
    output wire                     m_axis_dma_desc_valid,
    input  wire                     m_axis_dma_desc_ready,
    output wire [DATA_WIDTH-1:0]    m_axis_write_data_tdata,
    output wire                     m_axis_write_data_tvalid,
    input  wire                     m_axis_write_data_tready,
    output wire                     m_axis_write_data_tlast,
    input  wire [3:0]               s_axis_dma_status_error,
    input  wire                     s_axis_dma_status_valid,

    /*
     * Events, statistics and faults
     */
    output wire                     irq_event,
    output wire                     fault,
    output wire [63:0]              fault_addr,
    output wire                     status_idle
);

localparam ENTRY_BITS = `FLUE_CPL_ENTRY_BITS;
localparam WORDS = ENTRY_BITS / DATA_WIDTH;
localparam WORD_INDEX_WIDTH = (WORDS > 1) ? $clog2(WORDS) : 1;
localparam ENTRY_SHIFT = $clog2(`FLUE_CPL_ENTRY_BYTES);
localparam integer LAST_WORD_I = WORDS - 1;
localparam [WORD_INDEX_WIDTH-1:0] LAST_WORD = LAST_WORD_I[WORD_INDEX_WIDTH-1:0];
localparam [LEN_WIDTH-1:0] ENTRY_LEN = `FLUE_CPL_ENTRY_BYTES;

localparam [1:0]
    STATE_IDLE = 2'd0,
    STATE_DESC = 2'd1,
    STATE_DATA = 2'd2,
    STATE_WAIT = 2'd3;

// bus width assertions
initial begin
    if (WORDS * DATA_WIDTH != ENTRY_BITS) begin
        $error("Error: DATA_WIDTH must divide the entry size (instance %m)");
        $finish;
    end
    if (CPL_REC_WIDTH != `FLUE_CPL_ENTRY_REQ_HEAD_LSB) begin
        $error("Error: CPL_REC_WIDTH must be FLUE_CPL_ENTRY_REQ_HEAD_LSB (instance %m)");
        $finish;
    end
end

reg [1:0] state_reg = STATE_IDLE, state_next;
reg [15:0] tail_reg = 16'd0, tail_next;
reg phase_reg = 1'b1, phase_next;
reg discard_reg = 1'b0, discard_next;
reg halted_reg = 1'b0, halted_next;
reg [ENTRY_BITS-1:0] entry_reg = {ENTRY_BITS{1'b0}}, entry_next;
reg [WORD_INDEX_WIDTH-1:0] word_reg = {WORD_INDEX_WIDTH{1'b0}}, word_next;
reg [ADDR_WIDTH-1:0] addr_reg = {ADDR_WIDTH{1'b0}}, addr_next;
reg irq_event_reg = 1'b0, irq_event_next;
reg fault_reg = 1'b0, fault_next;

wire [15:0] size_mask = (16'd1 << ring_size_log2) - 1'b1;
wire [15:0] tail_inc = (tail_reg + 1'b1) & size_mask;
wire ring_full = tail_inc == (ring_head & size_mask);

assign ring_tail = tail_reg;
assign s_axis_cpl_tready = state_reg == STATE_IDLE && !halted_reg && !ring_full;
assign m_axis_dma_desc_addr = addr_reg;
assign m_axis_dma_desc_len = ENTRY_LEN;
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = state_reg == STATE_DESC;
assign m_axis_write_data_tdata = entry_reg[DATA_WIDTH-1:0];
assign m_axis_write_data_tvalid = state_reg == STATE_DATA;
assign m_axis_write_data_tlast = word_reg == LAST_WORD;
assign irq_event = irq_event_reg;
assign fault = fault_reg;
assign fault_addr = addr_reg;
assign status_idle = state_reg == STATE_IDLE;

always @* begin
    state_next = state_reg;
    tail_next = tail_reg;
    phase_next = phase_reg;
    discard_next = discard_reg;
    halted_next = halted_reg;
    entry_next = entry_reg;
    word_next = word_reg;
    addr_next = addr_reg;
    irq_event_next = 1'b0;
    fault_next = 1'b0;

    case (state_reg)
        STATE_IDLE: begin
            if (s_axis_cpl_tvalid && s_axis_cpl_tready) begin
                entry_next = {ENTRY_BITS{1'b0}};
                entry_next[CPL_REC_WIDTH-1:0] = s_axis_cpl_tdata;
                entry_next[`FLUE_CPL_ENTRY_PHASE_LSB] = phase_reg;
                entry_next[`FLUE_CPL_ENTRY_REQ_HEAD_LSB +: `FLUE_CPL_ENTRY_REQ_HEAD_WIDTH] = req_head;
                entry_next[`FLUE_CPL_ENTRY_INFO_LSB +: `FLUE_CPL_ENTRY_INFO_WIDTH] = 32'd0;
                entry_next[`FLUE_CPL_ENTRY_TIMESTAMP_LSB +: `FLUE_CPL_ENTRY_TIMESTAMP_WIDTH] = timestamp;
                addr_next = ring_base + {{ADDR_WIDTH-16-ENTRY_SHIFT{1'b0}}, tail_reg, {ENTRY_SHIFT{1'b0}}};
                word_next = {WORD_INDEX_WIDTH{1'b0}};
                discard_next = 1'b0;
                state_next = STATE_DESC;
            end
        end
        STATE_DESC: begin
            if (m_axis_dma_desc_ready) begin
                state_next = STATE_DATA;
            end
        end
        STATE_DATA: begin
            if (m_axis_write_data_tready) begin
                entry_next = entry_reg >> DATA_WIDTH;
                word_next = word_reg + 1'b1;
                if (word_reg == LAST_WORD) begin
                    state_next = STATE_WAIT;
                end
            end
        end
        STATE_WAIT: begin
            if (s_axis_dma_status_valid) begin
                state_next = STATE_IDLE;
                if (s_axis_dma_status_error != 0) begin
                    fault_next = 1'b1;
                    halted_next = 1'b1;
                end else if (!discard_reg) begin
                    tail_next = tail_inc;
                    if (tail_inc == 0) begin
                        phase_next = !phase_reg;
                    end
                    irq_event_next = 1'b1;
                end
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase

    if (start) begin
        tail_next = 16'd0;
        phase_next = 1'b1;
        discard_next = state_reg != STATE_IDLE;
    end
end

always @(posedge clk) begin
    state_reg <= state_next;
    tail_reg <= tail_next;
    phase_reg <= phase_next;
    discard_reg <= discard_next;
    halted_reg <= halted_next;
    entry_reg <= entry_next;
    word_reg <= word_next;
    addr_reg <= addr_next;
    irq_event_reg <= irq_event_next;
    fault_reg <= fault_next;

    if (rst) begin
        state_reg <= STATE_IDLE;
        tail_reg <= 16'd0;
        phase_reg <= 1'b1;
        discard_reg <= 1'b0;
        halted_reg <= 1'b0;
        word_reg <= {WORD_INDEX_WIDTH{1'b0}};
        irq_event_reg <= 1'b0;
        fault_reg <= 1'b0;
    end
end

endmodule

`resetall
