// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Byte realigner: packs the valid bytes of each input word (lanes offset..offset+count-1),
 * preceded by pad empty lanes at the start of a packet, into output words filled from lane 0.
 * Pad lanes come out with tkeep clear, so the output can feed a write strobe directly.
 * tuser is ORed over the packet and presented with tlast; tid is taken from the first word.
 */
module axis_realign #
(
    // width of the data word
    parameter DATA_WIDTH = 64,
    // width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // width of the lane index
    parameter LANE_WIDTH = $clog2(KEEP_WIDTH),
    // width of tid
    parameter ID_WIDTH = 8
)
(
    input  wire                  clk,
    input  wire                  rst,

    /*
     * Input: count valid bytes starting at lane offset; pad used on the first word only
     */
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [LANE_WIDTH-1:0] s_axis_offset,
    input  wire [LANE_WIDTH:0]   s_axis_count,
    input  wire [LANE_WIDTH-1:0] s_axis_pad,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire                  s_axis_tuser,
    input  wire [ID_WIDTH-1:0]   s_axis_tid,

    /*
     * Output
     */
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire                  m_axis_tuser,
    output wire [ID_WIDTH-1:0]   m_axis_tid,

    /*
     * Status
     */
    output wire                  status_idle
);

// bus width assertions
initial begin
    if (KEEP_WIDTH * 8 != DATA_WIDTH || (1 << LANE_WIDTH) != KEEP_WIDTH) begin
        $error("Error: DATA_WIDTH must be 8 * KEEP_WIDTH, KEEP_WIDTH a power of two (instance %m)");
        $finish;
    end
end

reg [2*DATA_WIDTH-1:0] buf_reg = {2*DATA_WIDTH{1'b0}}, buf_next;
reg [2*KEEP_WIDTH-1:0] keep_reg = {2*KEEP_WIDTH{1'b0}}, keep_next;
reg [LANE_WIDTH+1:0] cnt_reg = {LANE_WIDTH+2{1'b0}}, cnt_next;
reg flush_reg = 1'b0, flush_next;
reg sop_reg = 1'b1, sop_next;
reg user_reg = 1'b0, user_next;
reg [ID_WIDTH-1:0] id_reg = {ID_WIDTH{1'b0}}, id_next;

reg [2*DATA_WIDTH-1:0] buf_after;
reg [2*KEEP_WIDTH-1:0] keep_after;
reg [LANE_WIDTH+1:0] cnt_after;
reg [LANE_WIDTH+1:0] base;
reg [KEEP_WIDTH-1:0] keep_in;
reg [DATA_WIDTH-1:0] data_in;

integer i;

localparam [LANE_WIDTH+1:0] LANES = KEEP_WIDTH[LANE_WIDTH+1:0];
localparam [LANE_WIDTH:0] LANES_S = KEEP_WIDTH[LANE_WIDTH:0];

wire out_valid = (cnt_reg >= LANES) || (flush_reg && cnt_reg != 0);
wire out_last = flush_reg && (cnt_reg <= LANES);
wire out_fire = out_valid && m_axis_tready;
wire [LANE_WIDTH+1:0] cnt_drained = out_fire ? (out_last ? {LANE_WIDTH+2{1'b0}} : cnt_reg - LANES) : cnt_reg;
wire in_ready = !flush_reg && (cnt_drained <= LANES);
wire in_fire = s_axis_tvalid && in_ready;

assign s_axis_tready = in_ready;
assign m_axis_tdata = buf_reg[DATA_WIDTH-1:0];
assign m_axis_tkeep = keep_reg[KEEP_WIDTH-1:0];
assign m_axis_tvalid = out_valid;
assign m_axis_tlast = out_last;
assign m_axis_tuser = user_reg;
assign m_axis_tid = id_reg;
assign status_idle = !flush_reg && cnt_reg == 0;

always @* begin
    buf_after = buf_reg;
    keep_after = keep_reg;
    cnt_after = cnt_drained;
    if (out_fire) begin
        buf_after = buf_reg >> DATA_WIDTH;
        keep_after = keep_reg >> KEEP_WIDTH;
        if (out_last) begin
            buf_after = {2*DATA_WIDTH{1'b0}};
            keep_after = {2*KEEP_WIDTH{1'b0}};
        end
    end

    keep_in = {KEEP_WIDTH{1'b1}} >> (LANES_S - s_axis_count);
    data_in = s_axis_tdata >> (8 * s_axis_offset);
    for (i = 0; i < KEEP_WIDTH; i = i + 1) begin
        if (!keep_in[i]) begin
            data_in[i*8 +: 8] = 8'd0;
        end
    end
    base = cnt_after + (sop_reg ? {2'b00, s_axis_pad} : {LANE_WIDTH+2{1'b0}});

    buf_next = buf_after;
    keep_next = keep_after;
    cnt_next = cnt_after;
    flush_next = flush_reg;
    sop_next = sop_reg;
    user_next = user_reg;
    id_next = id_reg;

    if (out_fire && out_last) begin
        flush_next = 1'b0;
        user_next = 1'b0;
    end

    if (in_fire) begin
        buf_next = buf_after | ({{DATA_WIDTH{1'b0}}, data_in} << (8 * base));
        keep_next = keep_after | ({{KEEP_WIDTH{1'b0}}, keep_in} << base);
        cnt_next = base + {1'b0, s_axis_count};
        flush_next = s_axis_tlast;
        sop_next = s_axis_tlast;
        user_next = user_reg | s_axis_tuser;
        if (sop_reg) begin
            id_next = s_axis_tid;
        end
    end
end

always @(posedge clk) begin
    buf_reg <= buf_next;
    keep_reg <= keep_next;
    cnt_reg <= cnt_next;
    flush_reg <= flush_next;
    sop_reg <= sop_next;
    user_reg <= user_next;
    id_reg <= id_next;

    if (rst) begin
        buf_reg <= {2*DATA_WIDTH{1'b0}};
        keep_reg <= {2*KEEP_WIDTH{1'b0}};
        cnt_reg <= {LANE_WIDTH+2{1'b0}};
        flush_reg <= 1'b0;
        sop_reg <= 1'b1;
        user_reg <= 1'b0;
    end
end

endmodule

`resetall
