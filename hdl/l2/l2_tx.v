// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Plain frame transmit: each L2_SEND command becomes a DMA read (up to INFLIGHT in flight);
 * the frame is padded to the minimum wire length and stored whole, at the DMA data width, in a
 * store-and-forward FIFO, so a frame whose read failed is dropped before it starts; the FIFO
 * output is cut into 64-bit wire beats. Completions go out in command order: OK once the
 * frame's last beat has left on the wire, DMA_ERROR (with a fault) when its read failed.
 * quiesce (soft reset drain) lets a frame already on the wire finish and starts no new one;
 * status_wire_idle is high when no frame is on the wire.
 */
module l2_tx #
(
    // width of the DMA address
    parameter ADDR_WIDTH = 64,
    // width of the DMA transfer length
    parameter LEN_WIDTH = 20,
    // width of the DMA read data (64, 128 or 256; the wire is 64)
    parameter DMA_DATA_WIDTH = 128,
    // width of the DMA read tkeep
    parameter DMA_KEEP_WIDTH = DMA_DATA_WIDTH/8,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // transmit FIFO size in bytes (power of two, holds at least two maximum frames)
    parameter TX_FIFO_BYTES = 4096,
    // frames read ahead (power of two)
    parameter INFLIGHT = 4,
    // width of completion records (the entry up to REQ_HEAD)
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_REQ_HEAD_LSB
)
(
    input  wire                     clk,
    input  wire                     rst,

    /*
     * Transmit command input
     */
    input  wire [63:0]              s_axis_cmd_addr,
    input  wire [LEN_WIDTH-1:0]     s_axis_cmd_len,
    input  wire [31:0]              s_axis_cmd_tag,
    input  wire                     s_axis_cmd_valid,
    output wire                     s_axis_cmd_ready,

    /*
     * DMA read descriptor output, status and data input
     */
    output wire [ADDR_WIDTH-1:0]    m_axis_dma_desc_addr,
    output wire [LEN_WIDTH-1:0]     m_axis_dma_desc_len,
    output wire [TAG_WIDTH-1:0]     m_axis_dma_desc_tag,
    output wire                     m_axis_dma_desc_valid,
    input  wire                     m_axis_dma_desc_ready,
    input  wire [3:0]               s_axis_dma_status_error,
    input  wire                     s_axis_dma_status_valid,
    input  wire [DMA_DATA_WIDTH-1:0] s_axis_read_data_tdata,
    input  wire [DMA_KEEP_WIDTH-1:0] s_axis_read_data_tkeep,
    input  wire                     s_axis_read_data_tvalid,
    output wire                     s_axis_read_data_tready,
    input  wire                     s_axis_read_data_tlast,
    input  wire                     s_axis_read_data_tuser,

    /*
     * Wire output
     */
    output wire [63:0]              m_axis_tx_tdata,
    output wire [7:0]               m_axis_tx_tkeep,
    output wire                     m_axis_tx_tvalid,
    input  wire                     m_axis_tx_tready,
    output wire                     m_axis_tx_tlast,
    output wire                     m_axis_tx_tuser,

    /*
     * Completion record output
     */
    output wire [CPL_REC_WIDTH-1:0] m_axis_cpl_tdata,
    output wire                     m_axis_cpl_tvalid,
    input  wire                     m_axis_cpl_tready,

    /*
     * Control, statistics and faults
     */
    input  wire                     quiesce,
    output wire                     stat_tx_frame,
    output wire [15:0]              stat_tx_bytes,
    output wire                     fault,
    output wire [63:0]              fault_addr,
    output wire                     status_idle,
    output wire                     status_wire_idle
);

localparam TRACK_WIDTH = 32 + LEN_WIDTH;
localparam SENT_WIDTH = $clog2(INFLIGHT + 1);
localparam DMA_BYTES = DMA_DATA_WIDTH / 8;
localparam FIFO_WORDS = TX_FIFO_BYTES / DMA_BYTES;
localparam [LEN_WIDTH-1:0] MIN_WIRE = `FLUE_ETH_MIN_WIRE_FRAME;

// bus width assertions
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (DMA_KEEP_WIDTH * 8 != DMA_DATA_WIDTH) begin
        $error("Error: DMA_KEEP_WIDTH must be DMA_DATA_WIDTH/8 (instance %m)");
        $finish;
    end
    if (TX_FIFO_BYTES < 2 * 2048 || (1 << $clog2(TX_FIFO_BYTES)) != TX_FIFO_BYTES) begin
        $error("Error: TX_FIFO_BYTES must be a power of two holding two maximum frames (instance %m)");
        $finish;
    end
    if (ADDR_WIDTH != 64) begin
        $error("Error: ADDR_WIDTH must be 64 (instance %m)");
        $finish;
    end
end

reg [SENT_WIDTH-1:0] sent_reg = {SENT_WIDTH{1'b0}}, sent_next;
reg stat_tx_frame_reg = 1'b0, stat_tx_frame_next;
reg [15:0] stat_tx_bytes_reg = 16'd0, stat_tx_bytes_next;
reg fault_reg = 1'b0, fault_next;
reg [63:0] fault_addr_reg = 64'd0, fault_addr_next;

reg [CPL_REC_WIDTH-1:0] cpl_rec;
reg [7:0] cpl_status;
reg [LEN_WIDTH-1:0] wire_len;

wire track_ready;
wire track_valid;
wire track_empty;
wire [TRACK_WIDTH-1:0] track_data;
wire [31:0] track_tag = track_data[TRACK_WIDTH-1 -: 32];
wire [LEN_WIDTH-1:0] track_len = track_data[LEN_WIDTH-1:0];

wire addr_ready;
wire addr_valid;
wire addr_empty;
wire [63:0] addr_data;

wire err_ready;
wire err_valid;
wire err_empty;
wire err_data;

wire pad_tready;
wire [DMA_DATA_WIDTH-1:0] pad_tdata;
wire [DMA_KEEP_WIDTH-1:0] pad_tkeep;
wire pad_tvalid;
wire pad_tlast;
wire pad_tuser;
wire pad_idle;

wire [DMA_DATA_WIDTH-1:0] fifo_tdata;
wire [DMA_KEEP_WIDTH-1:0] fifo_tkeep;
wire fifo_tvalid;
wire fifo_tlast;
wire ds_ready;
wire ds_idle;
wire fifo_empty;
wire fifo_in_frame;
wire fifo_good;
wire fifo_bad;
wire fifo_overflow;

// the next FIFO word starts a frame; under quiesce no new frame goes to the wire
reg fifo_sof_reg = 1'b1, fifo_sof_next;
wire fifo_hold = quiesce && fifo_sof_reg;
wire fifo_fire = fifo_tvalid && ds_ready && !fifo_hold;

wire desc_fire = m_axis_dma_desc_valid && m_axis_dma_desc_ready;
wire wire_last = m_axis_tx_tvalid && m_axis_tx_tready && m_axis_tx_tlast;
wire cpl_ready_ok = track_valid && err_valid && (err_data || sent_reg != 0);
wire cpl_fire = m_axis_cpl_tvalid && m_axis_cpl_tready;

assign s_axis_cmd_ready = m_axis_dma_desc_ready && track_ready && addr_ready;
assign m_axis_dma_desc_addr = s_axis_cmd_addr;
assign m_axis_dma_desc_len = s_axis_cmd_len;
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = s_axis_cmd_valid && track_ready && addr_ready;

assign m_axis_cpl_tdata = cpl_rec;
assign m_axis_cpl_tvalid = cpl_ready_ok;

assign stat_tx_frame = stat_tx_frame_reg;
assign stat_tx_bytes = stat_tx_bytes_reg;
assign fault = fault_reg;
assign fault_addr = fault_addr_reg;
assign status_idle = track_empty && pad_idle && fifo_empty && !fifo_in_frame && ds_idle;
assign status_wire_idle = ds_idle && fifo_sof_reg;

always @* begin
    cpl_status = err_data ? `FLUE_CPL_STATUS_DMA_ERROR : `FLUE_CPL_STATUS_OK;
    cpl_rec = {CPL_REC_WIDTH{1'b0}};
    cpl_rec[`FLUE_CPL_ENTRY_KIND_LSB +: `FLUE_CPL_ENTRY_KIND_WIDTH] = `FLUE_ENTRY_KIND_COMPLETION;
    cpl_rec[`FLUE_CPL_ENTRY_OPCODE_LSB +: `FLUE_CPL_ENTRY_OPCODE_WIDTH] = `FLUE_OPCODE_L2_SEND;
    cpl_rec[`FLUE_CPL_ENTRY_STATUS_LSB +: `FLUE_CPL_ENTRY_STATUS_WIDTH] = cpl_status;
    cpl_rec[`FLUE_CPL_ENTRY_TAG_LSB +: `FLUE_CPL_ENTRY_TAG_WIDTH] = track_tag;
    cpl_rec[`FLUE_CPL_ENTRY_LENGTH_LSB +: `FLUE_CPL_ENTRY_LENGTH_WIDTH] = err_data ? 32'd0 : {{32-LEN_WIDTH{1'b0}}, track_len};
    wire_len = (track_len < MIN_WIRE) ? MIN_WIRE : track_len;
end

always @* begin
    fifo_sof_next = fifo_sof_reg;
    if (fifo_fire) begin
        fifo_sof_next = fifo_tlast;
    end
end

always @* begin
    sent_next = sent_reg;
    stat_tx_frame_next = 1'b0;
    stat_tx_bytes_next = 16'd0;
    fault_next = 1'b0;
    fault_addr_next = fault_addr_reg;

    // frames on the wire not yet matched with their completion
    if (wire_last && !(cpl_fire && !err_data)) begin
        sent_next = sent_reg + 1'b1;
    end else if (!wire_last && cpl_fire && !err_data) begin
        sent_next = sent_reg - 1'b1;
    end

    if (cpl_fire && !err_data) begin
        stat_tx_frame_next = 1'b1;
        stat_tx_bytes_next = wire_len[15:0];
    end

    if (s_axis_dma_status_valid && s_axis_dma_status_error != 0) begin
        fault_next = 1'b1;
        fault_addr_next = addr_data;
    end
end

always @(posedge clk) begin
    fifo_sof_reg <= fifo_sof_next;
    sent_reg <= sent_next;
    stat_tx_frame_reg <= stat_tx_frame_next;
    stat_tx_bytes_reg <= stat_tx_bytes_next;
    fault_reg <= fault_next;
    fault_addr_reg <= fault_addr_next;

    if (rst) begin
        fifo_sof_reg <= 1'b1;
        sent_reg <= {SENT_WIDTH{1'b0}};
        stat_tx_frame_reg <= 1'b0;
        stat_tx_bytes_reg <= 16'd0;
        fault_reg <= 1'b0;
    end
end

// commands in flight, oldest first, until completed
axis_fifo #(
    .DATA_WIDTH(TRACK_WIDTH),
    .DEPTH(INFLIGHT)
)
track_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_cmd_tag, s_axis_cmd_len}),
    .s_axis_tvalid(desc_fire),
    .s_axis_tready(track_ready),
    .m_axis_tdata(track_data),
    .m_axis_tvalid(track_valid),
    .m_axis_tready(cpl_fire),
    .status_empty(track_empty)
);

// addresses of reads awaiting status, for the fault address
axis_fifo #(
    .DATA_WIDTH(64),
    .DEPTH(INFLIGHT)
)
addr_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_cmd_addr),
    .s_axis_tvalid(desc_fire),
    .s_axis_tready(addr_ready),
    .m_axis_tdata(addr_data),
    .m_axis_tvalid(addr_valid),
    .m_axis_tready(s_axis_dma_status_valid),
    .status_empty(addr_empty)
);

// read outcomes awaiting completion (never fuller than the track FIFO)
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

l2_tx_pad #(
    .DATA_WIDTH(DMA_DATA_WIDTH)
)
pad_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_read_data_tdata),
    .s_axis_tkeep(s_axis_read_data_tkeep),
    .s_axis_tvalid(s_axis_read_data_tvalid),
    .s_axis_tready(s_axis_read_data_tready),
    .s_axis_tlast(s_axis_read_data_tlast),
    .s_axis_tuser(s_axis_read_data_tuser),
    .m_axis_tdata(pad_tdata),
    .m_axis_tkeep(pad_tkeep),
    .m_axis_tvalid(pad_tvalid),
    .m_axis_tready(pad_tready),
    .m_axis_tlast(pad_tlast),
    .m_axis_tuser(pad_tuser),
    .status_idle(pad_idle)
);

// store and forward: a frame starts on the wire only once it is whole and good
axis_frame_fifo #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .DEPTH(FIFO_WORDS),
    .DROP_WHEN_FULL(0)
)
fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(pad_tdata),
    .s_axis_tkeep(pad_tkeep),
    .s_axis_tvalid(pad_tvalid),
    .s_axis_tready(pad_tready),
    .s_axis_tlast(pad_tlast),
    .s_axis_tuser(pad_tuser),
    .m_axis_tdata(fifo_tdata),
    .m_axis_tkeep(fifo_tkeep),
    .m_axis_tvalid(fifo_tvalid),
    .m_axis_tready(ds_ready && !fifo_hold),
    .m_axis_tlast(fifo_tlast),
    .status_good_frame(fifo_good),
    .status_bad_frame(fifo_bad),
    .status_overflow(fifo_overflow),
    .status_empty(fifo_empty),
    .status_in_frame(fifo_in_frame)
);

// DMA data width to the 64-bit wire, one beat per cycle
axis_downsize #(
    .S_DATA_WIDTH(DMA_DATA_WIDTH),
    .M_DATA_WIDTH(64)
)
downsize_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(fifo_tdata),
    .s_axis_tkeep(fifo_tkeep),
    .s_axis_tvalid(fifo_tvalid && !fifo_hold),
    .s_axis_tready(ds_ready),
    .s_axis_tlast(fifo_tlast),
    .s_axis_tuser(1'b0),
    .m_axis_tdata(m_axis_tx_tdata),
    .m_axis_tkeep(m_axis_tx_tkeep),
    .m_axis_tvalid(m_axis_tx_tvalid),
    .m_axis_tready(m_axis_tx_tready),
    .m_axis_tlast(m_axis_tx_tlast),
    .m_axis_tuser(m_axis_tx_tuser),
    .status_idle(ds_idle)
);

// the status FIFOs cannot overflow by construction; frame outcomes are known from DMA status
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, addr_valid, addr_empty, err_ready, err_empty, fifo_good, fifo_bad, fifo_overflow,
    wire_len[LEN_WIDTH-1:16]};
/* verilator lint_on UNUSED */

endmodule

`resetall
