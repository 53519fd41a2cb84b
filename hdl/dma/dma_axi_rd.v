// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * AXI4 DMA read engine: descriptor (addr, len, tag) in, data realigned to byte 0 out,
 * status (tag, error) after the last data word. Byte-granular address and length; INCR
 * bursts of at most AXI_MAX_BURST_LEN beats that never cross a 4 KiB boundary; up to
 * OUTSTANDING bursts in flight. An error response on any beat makes the transfer's status
 * an error (tuser on the last data word too); every response is still consumed.
 */
module dma_axi_rd #
(
    // width of the AXI data bus
    parameter AXI_DATA_WIDTH = 64,
    // width of the AXI address bus
    parameter AXI_ADDR_WIDTH = 64,
    // width of AXI IDs
    parameter AXI_ID_WIDTH = 4,
    // ARID driven on every burst (one ID keeps responses in order)
    parameter AXI_ID = 0,
    // longest burst, in beats
    parameter AXI_MAX_BURST_LEN = 16,
    // width of the transfer length in bytes
    parameter LEN_WIDTH = 20,
    // width of the transfer tag
    parameter TAG_WIDTH = 8,
    // bursts in flight (power of two)
    parameter OUTSTANDING = 16
)
(
    input  wire                          clk,
    input  wire                          rst,

    /*
     * Read descriptor input
     */
    input  wire [AXI_ADDR_WIDTH-1:0]     s_axis_desc_addr,
    input  wire [LEN_WIDTH-1:0]          s_axis_desc_len,
    input  wire [TAG_WIDTH-1:0]          s_axis_desc_tag,
    input  wire                          s_axis_desc_valid,
    output wire                          s_axis_desc_ready,

    /*
     * Read descriptor status output (error: 0 ok, 1 AXI error response, 2 zero length)
     */
    output wire [TAG_WIDTH-1:0]          m_axis_desc_status_tag,
    output wire [3:0]                    m_axis_desc_status_error,
    output wire                          m_axis_desc_status_valid,

    /*
     * Read data output
     */
    output wire [AXI_DATA_WIDTH-1:0]     m_axis_read_data_tdata,
    output wire [AXI_DATA_WIDTH/8-1:0]   m_axis_read_data_tkeep,
    output wire                          m_axis_read_data_tvalid,
    input  wire                          m_axis_read_data_tready,
    output wire                          m_axis_read_data_tlast,
    output wire                          m_axis_read_data_tuser,
    output wire [TAG_WIDTH-1:0]          m_axis_read_data_tid,

    /*
     * AXI4 master read interface
     */
    output wire [AXI_ID_WIDTH-1:0]       m_axi_arid,
    output wire [AXI_ADDR_WIDTH-1:0]     m_axi_araddr,
    output wire [7:0]                    m_axi_arlen,
    output wire [2:0]                    m_axi_arsize,
    output wire [1:0]                    m_axi_arburst,
    output wire                          m_axi_arvalid,
    input  wire                          m_axi_arready,
    input  wire [AXI_ID_WIDTH-1:0]       m_axi_rid,
    input  wire [AXI_DATA_WIDTH-1:0]     m_axi_rdata,
    input  wire [1:0]                    m_axi_rresp,
    input  wire                          m_axi_rlast,
    input  wire                          m_axi_rvalid,
    output wire                          m_axi_rready,

    /*
     * Status
     */
    output wire                          status_idle
);

localparam BYTE_LANES = AXI_DATA_WIDTH/8;
localparam LANE_WIDTH = $clog2(BYTE_LANES);
localparam PAGE_BEATS = 4096/BYTE_LANES;
localparam BEAT_WIDTH = LEN_WIDTH + 1;
// burst info: null, first, last, first lane, last lane, tag
localparam BI_WIDTH = 3 + 2*LANE_WIDTH + TAG_WIDTH;

localparam [3:0] DMA_ERROR_NONE = 4'd0;
localparam [3:0] DMA_ERROR_AXI_RESP = 4'd1;
localparam [3:0] DMA_ERROR_ZERO_LEN = 4'd2;

localparam [BEAT_WIDTH-1:0] MAX_BURST = AXI_MAX_BURST_LEN;
localparam [AXI_ADDR_WIDTH-1:0] LANE_MASK = {{AXI_ADDR_WIDTH-LANE_WIDTH{1'b0}}, {LANE_WIDTH{1'b1}}};

// bus width assertions
initial begin
    if (BYTE_LANES * 8 != AXI_DATA_WIDTH || (1 << LANE_WIDTH) != BYTE_LANES || BYTE_LANES < 2) begin
        $error("Error: AXI data width must be a power-of-two number of bytes (instance %m)");
        $finish;
    end
    if (AXI_MAX_BURST_LEN < 1 || AXI_MAX_BURST_LEN > 256 || AXI_MAX_BURST_LEN > PAGE_BEATS) begin
        $error("Error: AXI_MAX_BURST_LEN must be 1..256 and fit in 4 KiB (instance %m)");
        $finish;
    end
    if (AXI_ID >= (1 << AXI_ID_WIDTH)) begin
        $error("Error: AXI_ID does not fit AXI_ID_WIDTH (instance %m)");
        $finish;
    end
end

// address issue
reg ar_active_reg = 1'b0, ar_active_next;
reg [AXI_ADDR_WIDTH-1:0] addr_reg = {AXI_ADDR_WIDTH{1'b0}}, addr_next;
reg [BEAT_WIDTH-1:0] beats_reg = {BEAT_WIDTH{1'b0}}, beats_next;
reg first_reg = 1'b0, first_next;
reg [LANE_WIDTH-1:0] off_reg = {LANE_WIDTH{1'b0}}, off_next;
reg [LANE_WIDTH-1:0] end_reg = {LANE_WIDTH{1'b0}}, end_next;
reg [TAG_WIDTH-1:0] tag_reg = {TAG_WIDTH{1'b0}}, tag_next;
reg cur_first_reg = 1'b0, cur_first_next;
reg cur_last_reg = 1'b0, cur_last_next;

reg [AXI_ADDR_WIDTH-1:0] m_axi_araddr_reg = {AXI_ADDR_WIDTH{1'b0}}, m_axi_araddr_next;
reg [7:0] m_axi_arlen_reg = 8'd0, m_axi_arlen_next;
reg m_axi_arvalid_reg = 1'b0, m_axi_arvalid_next;

reg s_axis_desc_ready_int;
reg bi_push;
reg [BI_WIDTH-1:0] bi_push_data;

// read path
reg rbeat_first_reg = 1'b1, rbeat_first_next;
reg [TAG_WIDTH-1:0] status_tag_reg = {TAG_WIDTH{1'b0}}, status_tag_next;
reg [3:0] status_error_reg = 4'd0, status_error_next;
reg status_valid_reg = 1'b0, status_valid_next;

reg [BEAT_WIDTH-1:0] burst_beats;
reg [BEAT_WIDTH-1:0] page_beats;
reg [BEAT_WIDTH-1:0] desc_span;
reg [BEAT_WIDTH-1:0] desc_beats;
reg [LANE_WIDTH-1:0] desc_end_lane;

wire bi_ready;
wire bi_empty;
wire [BI_WIDTH-1:0] bi_data;
wire bi_valid;
wire bi_null = bi_data[BI_WIDTH-1];
wire bi_first = bi_data[BI_WIDTH-2];
wire bi_last = bi_data[BI_WIDTH-3];
wire [LANE_WIDTH-1:0] bi_off = bi_data[TAG_WIDTH+LANE_WIDTH +: LANE_WIDTH];
wire [LANE_WIDTH-1:0] bi_end = bi_data[TAG_WIDTH +: LANE_WIDTH];
wire [TAG_WIDTH-1:0] bi_tag = bi_data[TAG_WIDTH-1:0];

wire rl_ready;
wire rl_idle;
wire rl_out_valid;
wire rl_out_last;
wire rl_out_user;
wire [TAG_WIDTH-1:0] rl_out_id;

wire r_take = bi_valid && !bi_null;
wire [LANE_WIDTH-1:0] r_offset = (bi_first && rbeat_first_reg) ? bi_off : {LANE_WIDTH{1'b0}};
wire [LANE_WIDTH-1:0] r_end = (m_axi_rlast && bi_last) ? bi_end : {LANE_WIDTH{1'b1}};
wire [LANE_WIDTH:0] r_count = {1'b0, r_end} - {1'b0, r_offset} + 1'b1;
wire r_fire = m_axi_rvalid && m_axi_rready;
wire null_fire = bi_valid && bi_null && rl_idle;
wire out_last_fire = rl_out_valid && m_axis_read_data_tready && rl_out_last;

assign s_axis_desc_ready = s_axis_desc_ready_int;

assign m_axis_desc_status_tag = status_tag_reg;
assign m_axis_desc_status_error = status_error_reg;
assign m_axis_desc_status_valid = status_valid_reg;

assign m_axi_arid = AXI_ID[AXI_ID_WIDTH-1:0];
assign m_axi_araddr = m_axi_araddr_reg;
assign m_axi_arlen = m_axi_arlen_reg;
assign m_axi_arsize = LANE_WIDTH[2:0];
assign m_axi_arburst = 2'b01;
assign m_axi_arvalid = m_axi_arvalid_reg;
assign m_axi_rready = r_take && rl_ready;

assign m_axis_read_data_tvalid = rl_out_valid;
assign m_axis_read_data_tlast = rl_out_last;
assign m_axis_read_data_tuser = rl_out_user;
assign m_axis_read_data_tid = rl_out_id;

assign status_idle = !ar_active_reg && !m_axi_arvalid_reg && bi_empty && rl_idle && !status_valid_reg;

// address issue: split each transfer into bursts
always @* begin
    ar_active_next = ar_active_reg;
    addr_next = addr_reg;
    beats_next = beats_reg;
    first_next = first_reg;
    off_next = off_reg;
    end_next = end_reg;
    tag_next = tag_reg;
    cur_first_next = cur_first_reg;
    cur_last_next = cur_last_reg;
    m_axi_araddr_next = m_axi_araddr_reg;
    m_axi_arlen_next = m_axi_arlen_reg;
    m_axi_arvalid_next = m_axi_arvalid_reg;
    s_axis_desc_ready_int = 1'b0;
    bi_push = 1'b0;
    bi_push_data = {1'b0, cur_first_reg, cur_last_reg, off_reg, end_reg, tag_reg};

    // bytes from the aligned start to the end, then whole beats
    desc_span = {1'b0, s_axis_desc_len} + {{BEAT_WIDTH-LANE_WIDTH{1'b0}}, s_axis_desc_addr[LANE_WIDTH-1:0]};
    desc_beats = (desc_span + LANE_MASK[BEAT_WIDTH-1:0]) >> LANE_WIDTH;
    desc_end_lane = desc_span[LANE_WIDTH-1:0] - 1'b1;

    page_beats = PAGE_BEATS[BEAT_WIDTH-1:0] - {{BEAT_WIDTH-12+LANE_WIDTH{1'b0}}, addr_reg[11:LANE_WIDTH]};
    burst_beats = beats_reg;
    if (burst_beats > MAX_BURST) begin
        burst_beats = MAX_BURST;
    end
    if (burst_beats > page_beats) begin
        burst_beats = page_beats;
    end

    if (m_axi_arvalid_reg) begin
        if (m_axi_arready) begin
            m_axi_arvalid_next = 1'b0;
            bi_push = 1'b1;
            if (cur_last_reg) begin
                ar_active_next = 1'b0;
            end
        end
    end else if (ar_active_reg) begin
        if (bi_ready) begin
            m_axi_araddr_next = addr_reg;
            m_axi_arlen_next = burst_beats[7:0] - 1'b1;
            m_axi_arvalid_next = 1'b1;
            cur_first_next = first_reg;
            cur_last_next = burst_beats == beats_reg;
            addr_next = addr_reg + {{AXI_ADDR_WIDTH-BEAT_WIDTH-LANE_WIDTH{1'b0}}, burst_beats, {LANE_WIDTH{1'b0}}};
            beats_next = beats_reg - burst_beats;
            first_next = 1'b0;
        end
    end else begin
        s_axis_desc_ready_int = bi_ready;
        if (s_axis_desc_valid && bi_ready) begin
            if (s_axis_desc_len == 0) begin
                // nothing to read: the read path answers with an error status
                bi_push = 1'b1;
                bi_push_data = {1'b1, 1'b1, 1'b1, {LANE_WIDTH{1'b0}}, {LANE_WIDTH{1'b0}}, s_axis_desc_tag};
            end else begin
                ar_active_next = 1'b1;
                addr_next = s_axis_desc_addr & ~LANE_MASK;
                off_next = s_axis_desc_addr[LANE_WIDTH-1:0];
                end_next = desc_end_lane;
                beats_next = desc_beats;
                tag_next = s_axis_desc_tag;
                first_next = 1'b1;
            end
        end
    end
end

// read path status
always @* begin
    rbeat_first_next = rbeat_first_reg;
    status_tag_next = status_tag_reg;
    status_error_next = status_error_reg;
    status_valid_next = 1'b0;

    if (r_fire) begin
        rbeat_first_next = m_axi_rlast;
    end

    if (out_last_fire) begin
        status_valid_next = 1'b1;
        status_tag_next = rl_out_id;
        status_error_next = rl_out_user ? DMA_ERROR_AXI_RESP : DMA_ERROR_NONE;
    end else if (null_fire) begin
        status_valid_next = 1'b1;
        status_tag_next = bi_tag;
        status_error_next = DMA_ERROR_ZERO_LEN;
    end
end

always @(posedge clk) begin
    ar_active_reg <= ar_active_next;
    addr_reg <= addr_next;
    beats_reg <= beats_next;
    first_reg <= first_next;
    off_reg <= off_next;
    end_reg <= end_next;
    tag_reg <= tag_next;
    cur_first_reg <= cur_first_next;
    cur_last_reg <= cur_last_next;
    m_axi_araddr_reg <= m_axi_araddr_next;
    m_axi_arlen_reg <= m_axi_arlen_next;
    m_axi_arvalid_reg <= m_axi_arvalid_next;
    rbeat_first_reg <= rbeat_first_next;
    status_tag_reg <= status_tag_next;
    status_error_reg <= status_error_next;
    status_valid_reg <= status_valid_next;

    if (rst) begin
        ar_active_reg <= 1'b0;
        m_axi_arvalid_reg <= 1'b0;
        rbeat_first_reg <= 1'b1;
        status_valid_reg <= 1'b0;
    end
end

// bursts in flight, in AR order
axis_fifo #(
    .DATA_WIDTH(BI_WIDTH),
    .DEPTH(OUTSTANDING)
)
burst_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(bi_push_data),
    .s_axis_tvalid(bi_push),
    .s_axis_tready(bi_ready),
    .m_axis_tdata(bi_data),
    .m_axis_tvalid(bi_valid),
    .m_axis_tready((r_fire && m_axi_rlast) || null_fire),
    .status_empty(bi_empty)
);

axis_realign #(
    .DATA_WIDTH(AXI_DATA_WIDTH),
    .ID_WIDTH(TAG_WIDTH)
)
realign_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(m_axi_rdata),
    .s_axis_offset(r_offset),
    .s_axis_count(r_count),
    .s_axis_pad({LANE_WIDTH{1'b0}}),
    .s_axis_tvalid(m_axi_rvalid && r_take),
    .s_axis_tready(rl_ready),
    .s_axis_tlast(m_axi_rlast && bi_last),
    .s_axis_tuser(m_axi_rresp != 2'b00),
    .s_axis_tid(bi_tag),
    .m_axis_tdata(m_axis_read_data_tdata),
    .m_axis_tkeep(m_axis_read_data_tkeep),
    .m_axis_tvalid(rl_out_valid),
    .m_axis_tready(m_axis_read_data_tready),
    .m_axis_tlast(rl_out_last),
    .m_axis_tuser(rl_out_user),
    .m_axis_tid(rl_out_id),
    .status_idle(rl_idle)
);

// responses are taken in order under one ID; rid is not needed to route them
/* verilator lint_off UNUSED */
wire unused_rid = &{1'b0, m_axi_rid};
/* verilator lint_on UNUSED */

endmodule

`resetall
