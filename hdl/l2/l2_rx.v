// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Plain frame receive: frames from the wire (never stalled) are packed into DMA-width words,
 * checked (runt, too long, tuser) and stored whole in a store-and-forward FIFO; a frame that
 * does not fit is dropped. Posted host buffers wait in a FIFO. A good frame at the FIFO head is
 * written by DMA into the oldest posted buffer and completed with that buffer's tag and the
 * frame length, or dropped at once when no buffer is posted. A DMA write error completes the
 * buffer with DMA_ERROR and reports a fault. The wire's framing is followed through every
 * reset: beats of a frame that a reset cut (or that started during a reset) are discarded up
 * to and including its tlast, so a frame's tail is never taken as a frame. A frame marked with
 * tdest on its tlast belongs to the TOE: it is dropped without counting as an error.
 */
module l2_rx #
(
    // width of the DMA address
    parameter ADDR_WIDTH = 64,
    // width of the DMA transfer length
    parameter LEN_WIDTH = 20,
    // width of the DMA write data (64, 128 or 256; the wire is 64)
    parameter DMA_DATA_WIDTH = 128,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // receive FIFO size in bytes (power of two)
    parameter RX_FIFO_BYTES = 16384,
    // posted-buffer FIFO depth (power of two)
    parameter POST_DEPTH = 256,
    // frames written ahead of their completion (power of two)
    parameter INFLIGHT = 4,
    // width of completion records (the entry up to REQ_HEAD)
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_REQ_HEAD_LSB
)
(
    input  wire                     clk,
    input  wire                     rst,

    /*
     * Wire input
     */
    input  wire [63:0]              s_axis_rx_tdata,
    input  wire [7:0]               s_axis_rx_tkeep,
    input  wire                     s_axis_rx_tvalid,
    output wire                     s_axis_rx_tready,
    input  wire                     s_axis_rx_tlast,
    input  wire                     s_axis_rx_tuser,
    input  wire                     s_axis_rx_tdest,   // 1 on tlast: the TOE took this frame, drop it silently

    /*
     * Receive buffer post input (ready is low exactly when the posted-buffer FIFO is full)
     */
    input  wire [63:0]              s_axis_post_addr,
    input  wire [LEN_WIDTH-1:0]     s_axis_post_len,
    input  wire [31:0]              s_axis_post_tag,
    input  wire                     s_axis_post_valid,
    output wire                     s_axis_post_ready,

    /*
     * DMA write descriptor and data output, status input
     */
    output wire [ADDR_WIDTH-1:0]    m_axis_dma_desc_addr,
    output wire [LEN_WIDTH-1:0]     m_axis_dma_desc_len,
    output wire [TAG_WIDTH-1:0]     m_axis_dma_desc_tag,
    output wire                     m_axis_dma_desc_valid,
    input  wire                     m_axis_dma_desc_ready,
    output wire [DMA_DATA_WIDTH-1:0] m_axis_write_data_tdata,
    output wire                     m_axis_write_data_tvalid,
    input  wire                     m_axis_write_data_tready,
    output wire                     m_axis_write_data_tlast,
    input  wire [3:0]               s_axis_dma_status_error,
    input  wire                     s_axis_dma_status_valid,

    /*
     * Completion record output
     */
    output wire [CPL_REC_WIDTH-1:0] m_axis_cpl_tdata,
    output wire                     m_axis_cpl_tvalid,
    input  wire                     m_axis_cpl_tready,

    /*
     * Statistics and faults
     */
    output wire                     stat_rx_frame,
    output wire [15:0]              stat_rx_bytes,
    output wire                     stat_drop_no_buffer,
    output wire                     stat_drop_overflow,
    output wire                     stat_rx_error,
    output wire                     fault,
    output wire [63:0]              fault_addr,
    output wire                     status_idle
);

localparam DMA_BYTES = DMA_DATA_WIDTH / 8;
localparam KEEP_COUNT_WIDTH = $clog2(DMA_BYTES + 1);
localparam FIFO_WORDS = RX_FIFO_BYTES / DMA_BYTES;
// a good frame takes at least this many FIFO words, which bounds the frames the FIFO holds
localparam MIN_FRAME_WORDS = (`FLUE_ETH_MIN_FRAME + DMA_BYTES - 1) / DMA_BYTES;
localparam LEN_DEPTH = (MIN_FRAME_WORDS >= 2) ? FIFO_WORDS / 2 : FIFO_WORDS;
localparam POST_WIDTH = 64 + LEN_WIDTH + 32;
localparam TRACK_WIDTH = 32 + 16;
localparam [15:0] ETH_MIN = `FLUE_ETH_MIN_FRAME;
localparam [15:0] ETH_MAX = `FLUE_ETH_MAX_FRAME;

localparam [1:0]
    STATE_IDLE = 2'd0,
    STATE_STREAM = 2'd1,
    STATE_DROP = 2'd2;

// bus width assertions
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (RX_FIFO_BYTES < 2048 || (1 << $clog2(RX_FIFO_BYTES)) != RX_FIFO_BYTES) begin
        $error("Error: RX_FIFO_BYTES must be a power of two, at least 2048 (instance %m)");
        $finish;
    end
    if (ADDR_WIDTH != 64 || LEN_WIDTH < 16) begin
        $error("Error: ADDR_WIDTH must be 64 and LEN_WIDTH at least 16 (instance %m)");
        $finish;
    end
end

function [KEEP_COUNT_WIDTH-1:0] popcount;
    input [DMA_BYTES-1:0] value;
    integer b;
    begin
        popcount = {KEEP_COUNT_WIDTH{1'b0}};
        for (b = 0; b < DMA_BYTES; b = b + 1) begin
            popcount = popcount + {{KEEP_COUNT_WIDTH-1{1'b0}}, value[b]};
        end
    end
endfunction

// wire framing, followed through resets (see the clocked block)
reg wire_in_frame_reg = 1'b0;
// a continuous assignment, not in the always @* below: that block first runs when one of its
// inputs changes, and a register with no reset must not take an X from it at the first edge
wire wire_in_frame_next = s_axis_rx_tvalid ? !s_axis_rx_tlast : wire_in_frame_reg;
reg discard_reg = 1'b0, discard_next;

// input check
reg [15:0] count_reg = 16'd0, count_next;
reg [15:0] frame_len_reg = 16'd0, frame_len_next;
reg [15:0] total;
reg bad_len;

// output side
reg [1:0] state_reg = STATE_IDLE, state_next;
reg stat_rx_frame_reg = 1'b0, stat_rx_frame_next;
reg [15:0] stat_rx_bytes_reg = 16'd0, stat_rx_bytes_next;
reg stat_drop_no_buffer_reg = 1'b0, stat_drop_no_buffer_next;
reg fault_reg = 1'b0, fault_next;
reg [63:0] fault_addr_reg = 64'd0, fault_addr_next;

reg [CPL_REC_WIDTH-1:0] cpl_rec;

wire [DMA_DATA_WIDTH-1:0] up_tdata;
wire [DMA_BYTES-1:0] up_tkeep;
wire up_tvalid;
wire up_tlast;
wire up_tuser;
wire up_ready;
wire up_idle;

wire [DMA_DATA_WIDTH-1:0] fifo_tdata;
wire [DMA_BYTES-1:0] fifo_tkeep;
wire fifo_tvalid;
reg fifo_tready;
wire fifo_tlast;
wire fifo_good;
wire fifo_bad;
wire fifo_overflow;
wire fifo_empty;
wire fifo_in_frame;
wire fifo_in_ready;

wire len_ready;
wire len_valid;
wire len_empty;
wire [15:0] len_data;

wire [POST_WIDTH-1:0] post_data;
wire post_valid;
wire post_empty;
wire [63:0] post_addr = post_data[POST_WIDTH-1 -: 64];
wire [LEN_WIDTH-1:0] post_len = post_data[32 +: LEN_WIDTH];
wire [31:0] post_tag = post_data[31:0];

wire track_ready;
wire track_valid;
wire track_empty;
wire [TRACK_WIDTH-1:0] track_data;
wire [31:0] track_tag = track_data[TRACK_WIDTH-1 -: 32];
wire [15:0] track_len = track_data[15:0];

wire addr_ready;
wire addr_valid;
wire addr_empty;
wire [63:0] addr_data;

wire err_ready;
wire err_valid;
wire err_empty;
wire err_data;

// frames the TOE took, one flag per frame between the wire and the FIFO input (the packer holds
// at most two frame ends)
reg [3:0] taken_reg = 4'd0, taken_next;
reg [2:0] taken_count_reg = 3'd0, taken_count_next;
reg taken_last_reg = 1'b0, taken_last_next;
wire taken_head = taken_reg[0];

wire rx_take = s_axis_rx_tvalid && !discard_reg;
wire in_fire = up_tvalid;
wire desc_fire = m_axis_dma_desc_valid && m_axis_dma_desc_ready;
wire cpl_fire = m_axis_cpl_tvalid && m_axis_cpl_tready;

assign s_axis_rx_tready = 1'b1;

assign m_axis_dma_desc_addr = post_addr;
assign m_axis_dma_desc_len = {{LEN_WIDTH-16{1'b0}}, len_data};
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = state_reg == STATE_IDLE && len_valid && post_valid && track_ready && addr_ready;

assign m_axis_write_data_tdata = fifo_tdata;
assign m_axis_write_data_tvalid = state_reg == STATE_STREAM && fifo_tvalid;
assign m_axis_write_data_tlast = fifo_tlast;

assign m_axis_cpl_tdata = cpl_rec;
assign m_axis_cpl_tvalid = track_valid && err_valid;

assign stat_rx_frame = stat_rx_frame_reg;
assign stat_rx_bytes = stat_rx_bytes_reg;
assign stat_drop_no_buffer = stat_drop_no_buffer_reg;
assign stat_drop_overflow = fifo_overflow;
assign stat_rx_error = fifo_bad && !taken_last_reg;
assign fault = fault_reg;
assign fault_addr = fault_addr_reg;
assign status_idle = state_reg == STATE_IDLE && up_idle && fifo_empty && !fifo_in_frame && len_empty && track_empty;

// wire framing: a reset that finds the wire inside a frame discards the rest of it
always @* begin
    discard_next = discard_reg;
    if (s_axis_rx_tvalid) begin
        if (s_axis_rx_tlast) begin
            discard_next = 1'b0;
        end
    end
end

// input check on packed words: length of each frame, bad when a runt, too long, or flagged
// by the MAC
always @* begin
    count_next = count_reg;
    frame_len_next = frame_len_reg;

    total = count_reg + {{16-KEEP_COUNT_WIDTH{1'b0}}, popcount(up_tkeep)};
    if (count_reg > ETH_MAX) begin
        total = count_reg;
    end
    bad_len = total < ETH_MIN || total > ETH_MAX;

    taken_next = taken_reg;
    taken_count_next = taken_count_reg;
    taken_last_next = taken_last_reg;
    if (in_fire && up_tlast) begin
        taken_last_next = taken_head;
        taken_next = {1'b0, taken_reg[3:1]};
        taken_count_next = taken_count_next - 1'b1;
    end
    if (rx_take && s_axis_rx_tlast) begin
        taken_next[taken_count_next[1:0]] = s_axis_rx_tdest;
        taken_count_next = taken_count_next + 1'b1;
    end

    if (in_fire) begin
        if (up_tlast) begin
            count_next = 16'd0;
            frame_len_next = total;
        end else begin
            count_next = total;
        end
    end
end

// output side: deliver into the oldest posted buffer, or drop
always @* begin
    state_next = state_reg;
    fifo_tready = 1'b0;
    stat_rx_frame_next = 1'b0;
    stat_rx_bytes_next = 16'd0;
    stat_drop_no_buffer_next = 1'b0;
    fault_next = 1'b0;
    fault_addr_next = fault_addr_reg;

    case (state_reg)
        STATE_IDLE: begin
            if (len_valid) begin
                if (!post_valid) begin
                    state_next = STATE_DROP;
                end else if (desc_fire) begin
                    state_next = STATE_STREAM;
                end
            end
        end
        STATE_STREAM: begin
            fifo_tready = m_axis_write_data_tready;
            if (fifo_tvalid && fifo_tready && fifo_tlast) begin
                state_next = STATE_IDLE;
            end
        end
        STATE_DROP: begin
            fifo_tready = 1'b1;
            if (fifo_tvalid && fifo_tlast) begin
                state_next = STATE_IDLE;
                stat_drop_no_buffer_next = 1'b1;
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase

    if (cpl_fire && !err_data) begin
        stat_rx_frame_next = 1'b1;
        stat_rx_bytes_next = track_len;
    end

    if (s_axis_dma_status_valid && s_axis_dma_status_error != 0) begin
        fault_next = 1'b1;
        fault_addr_next = addr_data;
    end

    cpl_rec = {CPL_REC_WIDTH{1'b0}};
    cpl_rec[`FLUE_CPL_ENTRY_KIND_LSB +: `FLUE_CPL_ENTRY_KIND_WIDTH] = `FLUE_ENTRY_KIND_COMPLETION;
    cpl_rec[`FLUE_CPL_ENTRY_OPCODE_LSB +: `FLUE_CPL_ENTRY_OPCODE_WIDTH] = `FLUE_OPCODE_L2_RECV_POST;
    cpl_rec[`FLUE_CPL_ENTRY_STATUS_LSB +: `FLUE_CPL_ENTRY_STATUS_WIDTH] = err_data ? `FLUE_CPL_STATUS_DMA_ERROR : `FLUE_CPL_STATUS_OK;
    cpl_rec[`FLUE_CPL_ENTRY_TAG_LSB +: `FLUE_CPL_ENTRY_TAG_WIDTH] = track_tag;
    cpl_rec[`FLUE_CPL_ENTRY_LENGTH_LSB +: `FLUE_CPL_ENTRY_LENGTH_WIDTH] = {16'd0, track_len};
end

always @(posedge clk) begin
    // the wire is not reset with the NIC: its framing is tracked in every cycle, reset or not
    wire_in_frame_reg <= wire_in_frame_next;
    discard_reg <= discard_next;
    count_reg <= count_next;
    frame_len_reg <= frame_len_next;
    taken_reg <= taken_next;
    taken_count_reg <= taken_count_next;
    taken_last_reg <= taken_last_next;
    state_reg <= state_next;
    stat_rx_frame_reg <= stat_rx_frame_next;
    stat_rx_bytes_reg <= stat_rx_bytes_next;
    stat_drop_no_buffer_reg <= stat_drop_no_buffer_next;
    fault_reg <= fault_next;
    fault_addr_reg <= fault_addr_next;

    if (rst) begin
        discard_reg <= wire_in_frame_next;
        taken_reg <= 4'd0;
        taken_count_reg <= 3'd0;
        taken_last_reg <= 1'b0;
        count_reg <= 16'd0;
        state_reg <= STATE_IDLE;
        stat_rx_frame_reg <= 1'b0;
        stat_rx_bytes_reg <= 16'd0;
        stat_drop_no_buffer_reg <= 1'b0;
        fault_reg <= 1'b0;
    end
end

// wire beats packed into DMA-width words (never stalls: the FIFO behind it never does)
axis_upsize #(
    .S_DATA_WIDTH(64),
    .M_DATA_WIDTH(DMA_DATA_WIDTH)
)
upsize_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_rx_tdata),
    .s_axis_tkeep(s_axis_rx_tkeep),
    .s_axis_tvalid(rx_take),
    .s_axis_tready(up_ready),
    .s_axis_tlast(s_axis_rx_tlast),
    .s_axis_tuser(s_axis_rx_tuser),
    .m_axis_tdata(up_tdata),
    .m_axis_tkeep(up_tkeep),
    .m_axis_tvalid(up_tvalid),
    .m_axis_tready(fifo_in_ready),
    .m_axis_tlast(up_tlast),
    .m_axis_tuser(up_tuser),
    .status_idle(up_idle)
);

axis_frame_fifo #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .DEPTH(FIFO_WORDS),
    .DROP_WHEN_FULL(1)
)
fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(up_tdata),
    .s_axis_tkeep(up_tkeep),
    .s_axis_tvalid(up_tvalid),
    .s_axis_tready(fifo_in_ready),
    .s_axis_tlast(up_tlast),
    .s_axis_tuser(up_tuser || bad_len || taken_head),
    .m_axis_tdata(fifo_tdata),
    .m_axis_tkeep(fifo_tkeep),
    .m_axis_tvalid(fifo_tvalid),
    .m_axis_tready(fifo_tready),
    .m_axis_tlast(fifo_tlast),
    .status_good_frame(fifo_good),
    .status_bad_frame(fifo_bad),
    .status_overflow(fifo_overflow),
    .status_empty(fifo_empty),
    .status_in_frame(fifo_in_frame)
);

// lengths of the good frames in the FIFO (at most one per MIN_FRAME_WORDS stored words)
axis_fifo #(
    .DATA_WIDTH(16),
    .DEPTH(LEN_DEPTH)
)
len_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(frame_len_reg),
    .s_axis_tvalid(fifo_good),
    .s_axis_tready(len_ready),
    .m_axis_tdata(len_data),
    .m_axis_tvalid(len_valid),
    .m_axis_tready(desc_fire || (state_reg == STATE_IDLE && !post_valid)),
    .status_empty(len_empty)
);

// posted receive buffers, consumed in order
axis_fifo #(
    .DATA_WIDTH(POST_WIDTH),
    .DEPTH(POST_DEPTH)
)
post_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_post_addr, s_axis_post_len, s_axis_post_tag}),
    .s_axis_tvalid(s_axis_post_valid),
    .s_axis_tready(s_axis_post_ready),
    .m_axis_tdata(post_data),
    .m_axis_tvalid(post_valid),
    .m_axis_tready(desc_fire),
    .status_empty(post_empty)
);

// frames written, awaiting completion
axis_fifo #(
    .DATA_WIDTH(TRACK_WIDTH),
    .DEPTH(INFLIGHT)
)
track_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({post_tag, len_data}),
    .s_axis_tvalid(desc_fire),
    .s_axis_tready(track_ready),
    .m_axis_tdata(track_data),
    .m_axis_tvalid(track_valid),
    .m_axis_tready(cpl_fire),
    .status_empty(track_empty)
);

// buffer addresses of writes awaiting status, for the fault address
axis_fifo #(
    .DATA_WIDTH(64),
    .DEPTH(INFLIGHT)
)
addr_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(post_addr),
    .s_axis_tvalid(desc_fire),
    .s_axis_tready(addr_ready),
    .m_axis_tdata(addr_data),
    .m_axis_tvalid(addr_valid),
    .m_axis_tready(s_axis_dma_status_valid),
    .status_empty(addr_empty)
);

// write outcomes awaiting completion (never fuller than the track FIFO)
axis_fifo #(
    .DATA_WIDTH(1),
    .DEPTH(INFLIGHT)
)
err_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_dma_status_error != 0),
    .s_axis_tvalid(s_axis_dma_status_valid),
    .s_axis_tready(err_ready),
    .m_axis_tdata(err_data),
    .m_axis_tvalid(err_valid),
    .m_axis_tready(cpl_fire),
    .status_empty(err_empty)
);

// buffer lengths always hold a maximum frame (checked at post); FIFO sizes make the length,
// status and address FIFOs unable to overflow; the DMA engine counts words by length
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, post_len, post_empty, len_ready, addr_valid, addr_empty, err_ready, err_empty, fifo_tkeep,
    up_ready};
/* verilator lint_on UNUSED */

endmodule

`resetall
