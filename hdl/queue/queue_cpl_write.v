// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Completion ring writer: takes completion records (the low bits of an entry, up to REQ_HEAD or
 * up to the end of info), completes them with phase, REQ_HEAD, info (0 for the short records)
 * and timestamp, and writes each 32-byte entry by DMA at the
 * next free slot; up to INFLIGHT entry writes are in flight at once. A write's descriptor
 * leaves at once; its data words wait in a FIFO until the DMA engine takes them (behind the
 * data of other requesters' earlier writes), so a record can be taken every other cycle. Waits while the ring is
 * full ((slot+1) mod size == head, counting the entries in flight). Advances CPL_TAIL and
 * raises one interrupt event per entry, in order, once its write is acknowledged. A write
 * error reports a fault and halts the writer until reset (entries issued behind the failed one
 * may still land in the ring, but CPL_TAIL never passes the failed entry). start (the
 * CTRL.ENABLE rising edge) resets the ring indices and phase; writes still in flight then are
 * finished and ignored.
 */
module queue_cpl_write #
(
    // width of the DMA address
    parameter ADDR_WIDTH = 64,
    // width of the DMA transfer length
    parameter LEN_WIDTH = 20,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // width of the DMA data (divides the 256-bit entry)
    parameter DATA_WIDTH = 128,
    // width of completion records (the entry up to REQ_HEAD)
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_REQ_HEAD_LSB,
    // entry writes in flight (power of two, 2..8)
    parameter INFLIGHT = 4
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
localparam [3:0] INFLIGHT_W = INFLIGHT;
// a record this wide carries the info field too (events); narrower records have info 0
localparam INFO_END = `FLUE_CPL_ENTRY_INFO_LSB + `FLUE_CPL_ENTRY_INFO_WIDTH;

// bus width assertions
initial begin
    if (WORDS < 1 || WORDS * DATA_WIDTH != ENTRY_BITS) begin
        $error("Error: DATA_WIDTH must divide the entry size (instance %m)");
        $finish;
    end
    if (CPL_REC_WIDTH != `FLUE_CPL_ENTRY_REQ_HEAD_LSB && CPL_REC_WIDTH != INFO_END) begin
        $error("Error: CPL_REC_WIDTH must be FLUE_CPL_ENTRY_REQ_HEAD_LSB, or the entry up to its info field (instance %m)");
        $finish;
    end
    if (INFLIGHT < 2 || INFLIGHT > 8 || (1 << $clog2(INFLIGHT)) != INFLIGHT) begin
        $error("Error: INFLIGHT must be a power of two, 2..8 (instance %m)");
        $finish;
    end
end

// issue: descriptor of the entry just taken; word of the entry at the data FIFO head
reg [15:0] slot_reg = 16'd0, slot_next;
reg phase_reg = 1'b1, phase_next;
reg [ADDR_WIDTH-1:0] addr_reg = {ADDR_WIDTH{1'b0}}, addr_next;
reg desc_valid_reg = 1'b0, desc_valid_next;
reg [WORD_INDEX_WIDTH-1:0] word_reg = {WORD_INDEX_WIDTH{1'b0}}, word_next;
reg [ENTRY_BITS-1:0] entry;

// acknowledge: entries in flight, in order
reg [15:0] tail_reg = 16'd0, tail_next;
reg [3:0] count_reg = 4'd0, count_next;
reg [3:0] skip_reg = 4'd0, skip_next;
reg halted_reg = 1'b0, halted_next;
reg irq_event_reg = 1'b0, irq_event_next;
reg fault_reg = 1'b0, fault_next;
reg [63:0] fault_addr_reg = 64'd0, fault_addr_next;

wire [15:0] size_mask = (16'd1 << ring_size_log2) - 1'b1;
wire [15:0] slot_inc = (slot_reg + 1'b1) & size_mask;
wire [15:0] tail_inc = (tail_reg + 1'b1) & size_mask;
wire ring_full = slot_inc == (ring_head & size_mask);

wire entry_ready;
wire entry_valid;
wire entry_empty;
wire [ENTRY_BITS-1:0] entry_data;

wire accept = s_axis_cpl_tvalid && s_axis_cpl_tready;
wire desc_fire = m_axis_dma_desc_valid && m_axis_dma_desc_ready;
wire data_fire = m_axis_write_data_tvalid && m_axis_write_data_tready;

assign ring_tail = tail_reg;
assign s_axis_cpl_tready = !desc_valid_reg && entry_ready && !halted_reg && !ring_full
    && count_reg != INFLIGHT_W && !start;
assign m_axis_dma_desc_addr = addr_reg;
assign m_axis_dma_desc_len = ENTRY_LEN;
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = desc_valid_reg;
assign m_axis_write_data_tdata = entry_data[word_reg*DATA_WIDTH +: DATA_WIDTH];
assign m_axis_write_data_tvalid = entry_valid;
assign m_axis_write_data_tlast = word_reg == LAST_WORD;
assign irq_event = irq_event_reg;
assign fault = fault_reg;
assign fault_addr = fault_addr_reg;
assign status_idle = !desc_valid_reg && entry_empty && count_reg == 0;

// issue: the descriptor goes out at once, the entry joins the data FIFO
always @* begin
    slot_next = slot_reg;
    phase_next = phase_reg;
    word_next = word_reg;
    addr_next = addr_reg;
    desc_valid_next = desc_valid_reg;

    entry = {ENTRY_BITS{1'b0}};
    entry[CPL_REC_WIDTH-1:0] = s_axis_cpl_tdata;
    entry[`FLUE_CPL_ENTRY_PHASE_LSB] = phase_reg;
    entry[`FLUE_CPL_ENTRY_REQ_HEAD_LSB +: `FLUE_CPL_ENTRY_REQ_HEAD_WIDTH] = req_head;
    entry[`FLUE_CPL_ENTRY_RESERVED0_LSB +: `FLUE_CPL_ENTRY_RESERVED0_WIDTH] = 16'd0;
    if (CPL_REC_WIDTH < INFO_END) begin
        entry[`FLUE_CPL_ENTRY_INFO_LSB +: `FLUE_CPL_ENTRY_INFO_WIDTH] = 32'd0;
    end
    entry[`FLUE_CPL_ENTRY_TIMESTAMP_LSB +: `FLUE_CPL_ENTRY_TIMESTAMP_WIDTH] = timestamp;

    if (desc_fire) begin
        desc_valid_next = 1'b0;
    end

    if (data_fire) begin
        word_next = word_reg + 1'b1;
        if (word_reg == LAST_WORD) begin
            word_next = {WORD_INDEX_WIDTH{1'b0}};
        end
    end

    if (accept) begin
        addr_next = ring_base + {{ADDR_WIDTH-16-ENTRY_SHIFT{1'b0}}, slot_reg, {ENTRY_SHIFT{1'b0}}};
        desc_valid_next = 1'b1;
        slot_next = slot_inc;
        if (slot_inc == 0) begin
            phase_next = !phase_reg;
        end
    end

    if (start) begin
        slot_next = 16'd0;
        phase_next = 1'b1;
    end
end

// acknowledge: statuses come back in issue order
always @* begin
    tail_next = tail_reg;
    count_next = count_reg;
    skip_next = skip_reg;
    halted_next = halted_reg;
    irq_event_next = 1'b0;
    fault_next = 1'b0;
    fault_addr_next = fault_addr_reg;

    if (accept) begin
        count_next = count_next + 1'b1;
    end

    if (s_axis_dma_status_valid) begin
        count_next = count_next - 1'b1;
        if (skip_reg != 0) begin
            // issued before the last start
            skip_next = skip_reg - 1'b1;
        end else if (!halted_reg) begin
            if (s_axis_dma_status_error != 0) begin
                fault_next = 1'b1;
                fault_addr_next = ring_base + {{64-16-ENTRY_SHIFT{1'b0}}, tail_reg, {ENTRY_SHIFT{1'b0}}};
                halted_next = 1'b1;
            end else begin
                tail_next = tail_inc;
                irq_event_next = 1'b1;
            end
        end
    end

    if (start) begin
        tail_next = 16'd0;
        skip_next = count_next;
        irq_event_next = 1'b0;
    end
end

always @(posedge clk) begin
    slot_reg <= slot_next;
    phase_reg <= phase_next;
    word_reg <= word_next;
    addr_reg <= addr_next;
    desc_valid_reg <= desc_valid_next;
    tail_reg <= tail_next;
    count_reg <= count_next;
    skip_reg <= skip_next;
    halted_reg <= halted_next;
    irq_event_reg <= irq_event_next;
    fault_reg <= fault_next;
    fault_addr_reg <= fault_addr_next;

    if (rst) begin
        slot_reg <= 16'd0;
        phase_reg <= 1'b1;
        word_reg <= {WORD_INDEX_WIDTH{1'b0}};
        desc_valid_reg <= 1'b0;
        tail_reg <= 16'd0;
        count_reg <= 4'd0;
        skip_reg <= 4'd0;
        halted_reg <= 1'b0;
        irq_event_reg <= 1'b0;
        fault_reg <= 1'b0;
    end
end

// entries whose descriptor has left, waiting for the DMA engine to take their words
axis_fifo #(
    .DATA_WIDTH(ENTRY_BITS),
    .DEPTH(INFLIGHT)
)
entry_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(entry),
    .s_axis_tvalid(accept),
    .s_axis_tready(entry_ready),
    .m_axis_tdata(entry_data),
    .m_axis_tvalid(entry_valid),
    .m_axis_tready(data_fire && word_reg == LAST_WORD),
    .status_empty(entry_empty)
);

endmodule

`resetall
