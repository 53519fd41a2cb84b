// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * AXI4 DMA write engine: descriptor (addr, len, tag) in, then exactly ceil(len/bytes) data
 * words from byte 0; data is realigned to the destination offset with wstrb masks.
 * Status (tag, error) once every B response of the transfer is in. INCR bursts of at most
 * AXI_MAX_BURST_LEN beats that never cross a 4 KiB boundary. An error response on any B makes
 * the transfer's status an error; every response is still consumed.
 */
module dma_axi_wr #
(
    // width of the AXI data bus
    parameter AXI_DATA_WIDTH = 64,
    // width of the AXI address bus
    parameter AXI_ADDR_WIDTH = 64,
    // width of AXI IDs
    parameter AXI_ID_WIDTH = 4,
    // AWID driven on every burst (one ID keeps responses in order)
    parameter AXI_ID = 0,
    // longest burst, in beats
    parameter AXI_MAX_BURST_LEN = 16,
    // width of the transfer length in bytes
    parameter LEN_WIDTH = 20,
    // width of the transfer tag
    parameter TAG_WIDTH = 8,
    // bursts in flight (power of two)
    parameter OUTSTANDING = 16,
    // transfers accepted ahead of their data (power of two)
    parameter OP_DEPTH = 4
)
(
    input  wire                          clk,
    input  wire                          rst,

    /*
     * Write descriptor input
     */
    input  wire [AXI_ADDR_WIDTH-1:0]     s_axis_desc_addr,
    input  wire [LEN_WIDTH-1:0]          s_axis_desc_len,
    input  wire [TAG_WIDTH-1:0]          s_axis_desc_tag,
    input  wire                          s_axis_desc_valid,
    output wire                          s_axis_desc_ready,

    /*
     * Write descriptor status output (error: 0 ok, 1 AXI error response, 2 zero length)
     */
    output wire [TAG_WIDTH-1:0]          m_axis_desc_status_tag,
    output wire [3:0]                    m_axis_desc_status_error,
    output wire                          m_axis_desc_status_valid,

    /*
     * Write data input: ceil(len/bytes) words per transfer, bytes from lane 0
     */
    input  wire [AXI_DATA_WIDTH-1:0]     s_axis_write_data_tdata,
    input  wire                          s_axis_write_data_tvalid,
    output wire                          s_axis_write_data_tready,

    /*
     * AXI4 master write interface
     */
    output wire [AXI_ID_WIDTH-1:0]       m_axi_awid,
    output wire [AXI_ADDR_WIDTH-1:0]     m_axi_awaddr,
    output wire [7:0]                    m_axi_awlen,
    output wire [2:0]                    m_axi_awsize,
    output wire [1:0]                    m_axi_awburst,
    output wire                          m_axi_awvalid,
    input  wire                          m_axi_awready,
    output wire [AXI_DATA_WIDTH-1:0]     m_axi_wdata,
    output wire [AXI_DATA_WIDTH/8-1:0]   m_axi_wstrb,
    output wire                          m_axi_wlast,
    output wire                          m_axi_wvalid,
    input  wire                          m_axi_wready,
    input  wire [AXI_ID_WIDTH-1:0]       m_axi_bid,
    input  wire [1:0]                    m_axi_bresp,
    input  wire                          m_axi_bvalid,
    output wire                          m_axi_bready,

    /*
     * Status
     */
    output wire                          status_idle
);

localparam BYTE_LANES = AXI_DATA_WIDTH/8;
localparam LANE_WIDTH = $clog2(BYTE_LANES);
localparam PAGE_BEATS = 4096/BYTE_LANES;
localparam BEAT_WIDTH = LEN_WIDTH + 1;
// transfer info for the data path: first lane, length
localparam OP_WIDTH = LANE_WIDTH + LEN_WIDTH;
// burst info for the B path: null, last of transfer, tag
localparam BT_WIDTH = 2 + TAG_WIDTH;

localparam [3:0] DMA_ERROR_NONE = 4'd0;
localparam [3:0] DMA_ERROR_AXI_RESP = 4'd1;
localparam [3:0] DMA_ERROR_ZERO_LEN = 4'd2;

localparam [BEAT_WIDTH-1:0] MAX_BURST = AXI_MAX_BURST_LEN;
localparam [AXI_ADDR_WIDTH-1:0] LANE_MASK = {{AXI_ADDR_WIDTH-LANE_WIDTH{1'b0}}, {LANE_WIDTH{1'b1}}};
localparam [LEN_WIDTH-1:0] LANES_LEN = {{LEN_WIDTH-LANE_WIDTH-1{1'b0}}, 1'b1, {LANE_WIDTH{1'b0}}};

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
reg aw_active_reg = 1'b0, aw_active_next;
reg [AXI_ADDR_WIDTH-1:0] addr_reg = {AXI_ADDR_WIDTH{1'b0}}, addr_next;
reg [BEAT_WIDTH-1:0] beats_reg = {BEAT_WIDTH{1'b0}}, beats_next;
reg [TAG_WIDTH-1:0] tag_reg = {TAG_WIDTH{1'b0}}, tag_next;
reg cur_last_reg = 1'b0, cur_last_next;

reg [AXI_ADDR_WIDTH-1:0] m_axi_awaddr_reg = {AXI_ADDR_WIDTH{1'b0}}, m_axi_awaddr_next;
reg [7:0] m_axi_awlen_reg = 8'd0, m_axi_awlen_next;
reg m_axi_awvalid_reg = 1'b0, m_axi_awvalid_next;

reg s_axis_desc_ready_int;
reg op_push;
reg bt_push;
reg [BT_WIDTH-1:0] bt_push_data;

reg [BEAT_WIDTH-1:0] burst_beats;
reg [BEAT_WIDTH-1:0] page_beats;
reg [BEAT_WIDTH-1:0] desc_beats;

// data input
reg in_first_reg = 1'b1, in_first_next;
reg [LEN_WIDTH-1:0] in_rem_reg = {LEN_WIDTH{1'b0}}, in_rem_next;

// write data
reg [7:0] wbeat_reg = 8'd0, wbeat_next;

// responses
reg err_reg = 1'b0, err_next;
reg [TAG_WIDTH-1:0] status_tag_reg = {TAG_WIDTH{1'b0}}, status_tag_next;
reg [3:0] status_error_reg = 4'd0, status_error_next;
reg status_valid_reg = 1'b0, status_valid_next;

wire op_ready;
wire op_valid;
wire op_empty;
wire [OP_WIDTH-1:0] op_data;
wire [LANE_WIDTH-1:0] op_off = op_data[LEN_WIDTH +: LANE_WIDTH];
wire [LEN_WIDTH-1:0] op_len = op_data[LEN_WIDTH-1:0];

wire wb_ready;
wire wb_valid;
wire wb_empty;
wire [7:0] wb_len;

wire bt_ready;
wire bt_valid;
wire bt_empty;
wire [BT_WIDTH-1:0] bt_data;
wire bt_null = bt_data[BT_WIDTH-1];
wire bt_last = bt_data[BT_WIDTH-2];
wire [TAG_WIDTH-1:0] bt_tag = bt_data[TAG_WIDTH-1:0];

wire rl_ready;
wire rl_idle;
wire rl_out_valid;
wire rl_out_last;
wire rl_out_user;
wire rl_out_id;

wire [LEN_WIDTH-1:0] in_rem = in_first_reg ? op_len : in_rem_reg;
wire in_last = in_rem <= LANES_LEN;
wire [LANE_WIDTH:0] in_count = in_last ? in_rem[LANE_WIDTH:0] : BYTE_LANES[LANE_WIDTH:0];
wire in_fire = s_axis_write_data_tvalid && s_axis_write_data_tready;

wire w_fire = m_axi_wvalid && m_axi_wready;
wire b_fire = m_axi_bvalid && m_axi_bready;
wire null_fire = bt_valid && bt_null;

assign s_axis_desc_ready = s_axis_desc_ready_int;

assign m_axis_desc_status_tag = status_tag_reg;
assign m_axis_desc_status_error = status_error_reg;
assign m_axis_desc_status_valid = status_valid_reg;

assign s_axis_write_data_tready = op_valid && rl_ready;

assign m_axi_awid = AXI_ID[AXI_ID_WIDTH-1:0];
assign m_axi_awaddr = m_axi_awaddr_reg;
assign m_axi_awlen = m_axi_awlen_reg;
assign m_axi_awsize = LANE_WIDTH[2:0];
assign m_axi_awburst = 2'b01;
assign m_axi_awvalid = m_axi_awvalid_reg;
assign m_axi_wvalid = rl_out_valid && wb_valid;
assign m_axi_wlast = wbeat_reg == wb_len;
assign m_axi_bready = bt_valid && !bt_null;

assign status_idle = !aw_active_reg && !m_axi_awvalid_reg && op_empty && wb_empty && bt_empty && rl_idle && !status_valid_reg;

// address issue: split each transfer into bursts
always @* begin
    aw_active_next = aw_active_reg;
    addr_next = addr_reg;
    beats_next = beats_reg;
    tag_next = tag_reg;
    cur_last_next = cur_last_reg;
    m_axi_awaddr_next = m_axi_awaddr_reg;
    m_axi_awlen_next = m_axi_awlen_reg;
    m_axi_awvalid_next = m_axi_awvalid_reg;
    s_axis_desc_ready_int = 1'b0;
    op_push = 1'b0;
    bt_push = 1'b0;
    bt_push_data = {1'b0, cur_last_reg, tag_reg};

    desc_beats = ({1'b0, s_axis_desc_len} + {{BEAT_WIDTH-LANE_WIDTH{1'b0}}, s_axis_desc_addr[LANE_WIDTH-1:0]}
        + LANE_MASK[BEAT_WIDTH-1:0]) >> LANE_WIDTH;

    page_beats = PAGE_BEATS[BEAT_WIDTH-1:0] - {{BEAT_WIDTH-12+LANE_WIDTH{1'b0}}, addr_reg[11:LANE_WIDTH]};
    burst_beats = beats_reg;
    if (burst_beats > MAX_BURST) begin
        burst_beats = MAX_BURST;
    end
    if (burst_beats > page_beats) begin
        burst_beats = page_beats;
    end

    if (m_axi_awvalid_reg) begin
        if (m_axi_awready) begin
            m_axi_awvalid_next = 1'b0;
            bt_push = 1'b1;
            if (cur_last_reg) begin
                aw_active_next = 1'b0;
            end
        end
    end else if (aw_active_reg) begin
        if (bt_ready && wb_ready) begin
            m_axi_awaddr_next = addr_reg;
            m_axi_awlen_next = burst_beats[7:0] - 1'b1;
            m_axi_awvalid_next = 1'b1;
            cur_last_next = burst_beats == beats_reg;
            addr_next = addr_reg + {{AXI_ADDR_WIDTH-BEAT_WIDTH-LANE_WIDTH{1'b0}}, burst_beats, {LANE_WIDTH{1'b0}}};
            beats_next = beats_reg - burst_beats;
        end
    end else begin
        s_axis_desc_ready_int = bt_ready && op_ready;
        if (s_axis_desc_valid && bt_ready && op_ready) begin
            if (s_axis_desc_len == 0) begin
                // nothing to write: the response path answers with an error status
                bt_push = 1'b1;
                bt_push_data = {1'b1, 1'b1, s_axis_desc_tag};
            end else begin
                op_push = 1'b1;
                aw_active_next = 1'b1;
                addr_next = s_axis_desc_addr & ~LANE_MASK;
                beats_next = desc_beats;
                tag_next = s_axis_desc_tag;
            end
        end
    end
end

// data input, write beats, responses
always @* begin
    in_first_next = in_first_reg;
    in_rem_next = in_rem_reg;
    wbeat_next = wbeat_reg;
    err_next = err_reg;
    status_tag_next = status_tag_reg;
    status_error_next = status_error_reg;
    status_valid_next = 1'b0;

    if (in_fire) begin
        in_first_next = in_last;
        in_rem_next = in_rem - LANES_LEN;
    end

    if (w_fire) begin
        wbeat_next = m_axi_wlast ? 8'd0 : wbeat_reg + 1'b1;
    end

    if (b_fire) begin
        if (bt_last) begin
            err_next = 1'b0;
            status_valid_next = 1'b1;
            status_tag_next = bt_tag;
            status_error_next = (err_reg || m_axi_bresp != 2'b00) ? DMA_ERROR_AXI_RESP : DMA_ERROR_NONE;
        end else begin
            err_next = err_reg || m_axi_bresp != 2'b00;
        end
    end else if (null_fire) begin
        status_valid_next = 1'b1;
        status_tag_next = bt_tag;
        status_error_next = DMA_ERROR_ZERO_LEN;
    end
end

always @(posedge clk) begin
    aw_active_reg <= aw_active_next;
    addr_reg <= addr_next;
    beats_reg <= beats_next;
    tag_reg <= tag_next;
    cur_last_reg <= cur_last_next;
    m_axi_awaddr_reg <= m_axi_awaddr_next;
    m_axi_awlen_reg <= m_axi_awlen_next;
    m_axi_awvalid_reg <= m_axi_awvalid_next;
    in_first_reg <= in_first_next;
    in_rem_reg <= in_rem_next;
    wbeat_reg <= wbeat_next;
    err_reg <= err_next;
    status_tag_reg <= status_tag_next;
    status_error_reg <= status_error_next;
    status_valid_reg <= status_valid_next;

    if (rst) begin
        aw_active_reg <= 1'b0;
        m_axi_awvalid_reg <= 1'b0;
        in_first_reg <= 1'b1;
        wbeat_reg <= 8'd0;
        err_reg <= 1'b0;
        status_valid_reg <= 1'b0;
    end
end

// transfers waiting for their data
axis_fifo #(
    .DATA_WIDTH(OP_WIDTH),
    .DEPTH(OP_DEPTH)
)
op_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_desc_addr[LANE_WIDTH-1:0], s_axis_desc_len}),
    .s_axis_tvalid(op_push),
    .s_axis_tready(op_ready),
    .m_axis_tdata(op_data),
    .m_axis_tvalid(op_valid),
    .m_axis_tready(in_fire && in_last),
    .status_empty(op_empty)
);

// bursts whose address is out, waiting for their write beats
axis_fifo #(
    .DATA_WIDTH(8),
    .DEPTH(OUTSTANDING)
)
wb_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(m_axi_awlen_reg),
    .s_axis_tvalid(m_axi_awvalid_reg && m_axi_awready),
    .s_axis_tready(wb_ready),
    .m_axis_tdata(wb_len),
    .m_axis_tvalid(wb_valid),
    .m_axis_tready(w_fire && m_axi_wlast),
    .status_empty(wb_empty)
);

// bursts waiting for their write response
axis_fifo #(
    .DATA_WIDTH(BT_WIDTH),
    .DEPTH(OUTSTANDING)
)
bt_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(bt_push_data),
    .s_axis_tvalid(bt_push),
    .s_axis_tready(bt_ready),
    .m_axis_tdata(bt_data),
    .m_axis_tvalid(bt_valid),
    .m_axis_tready(b_fire || null_fire),
    .status_empty(bt_empty)
);

axis_realign #(
    .DATA_WIDTH(AXI_DATA_WIDTH),
    .ID_WIDTH(1)
)
realign_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_write_data_tdata),
    .s_axis_offset({LANE_WIDTH{1'b0}}),
    .s_axis_count(in_count),
    .s_axis_pad(op_off),
    .s_axis_tvalid(s_axis_write_data_tvalid && op_valid),
    .s_axis_tready(rl_ready),
    .s_axis_tlast(in_last),
    .s_axis_tuser(1'b0),
    .s_axis_tid(1'b0),
    .m_axis_tdata(m_axi_wdata),
    .m_axis_tkeep(m_axi_wstrb),
    .m_axis_tvalid(rl_out_valid),
    .m_axis_tready(m_axi_wready && wb_valid),
    .m_axis_tlast(rl_out_last),
    .m_axis_tuser(rl_out_user),
    .m_axis_tid(rl_out_id),
    .status_idle(rl_idle)
);

// responses come in order under one ID; the realigner's packet end coincides with wlast of
// the transfer's last burst by construction
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, m_axi_bid, rl_out_last, rl_out_user, rl_out_id};
/* verilator lint_on UNUSED */

endmodule

`resetall
