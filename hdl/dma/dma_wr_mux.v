// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * DMA write multiplexer: round-robin over PORTS requesters in front of one write engine.
 * The port index rides in the top tag bits; status comes back by it. Write data is taken
 * from the ports in the order their descriptors reached the engine (one packet per
 * descriptor, ended by tlast). quiesce stops new descriptors; data owed still flows.
 */
module dma_wr_mux #
(
    // number of requesters
    parameter PORTS = 2,
    // width of the DMA address
    parameter ADDR_WIDTH = 64,
    // width of the transfer length
    parameter LEN_WIDTH = 20,
    // width of a requester's tag
    parameter S_TAG_WIDTH = 4,
    // width of the port index
    parameter SEL_WIDTH = (PORTS > 1) ? $clog2(PORTS) : 1,
    // width of the engine's tag
    parameter M_TAG_WIDTH = S_TAG_WIDTH + SEL_WIDTH,
    // width of the write data
    parameter DATA_WIDTH = 64,
    // descriptors accepted ahead of their data (power of two)
    parameter ORDER_DEPTH = 4
)
(
    input  wire                         clk,
    input  wire                         rst,

    /*
     * Descriptor inputs (requesters)
     */
    input  wire [PORTS*ADDR_WIDTH-1:0]  s_axis_desc_addr,
    input  wire [PORTS*LEN_WIDTH-1:0]   s_axis_desc_len,
    input  wire [PORTS*S_TAG_WIDTH-1:0] s_axis_desc_tag,
    input  wire [PORTS-1:0]             s_axis_desc_valid,
    output wire [PORTS-1:0]             s_axis_desc_ready,

    /*
     * Descriptor output (engine)
     */
    output wire [ADDR_WIDTH-1:0]        m_axis_desc_addr,
    output wire [LEN_WIDTH-1:0]         m_axis_desc_len,
    output wire [M_TAG_WIDTH-1:0]       m_axis_desc_tag,
    output wire                         m_axis_desc_valid,
    input  wire                         m_axis_desc_ready,

    /*
     * Status input (engine)
     */
    input  wire [M_TAG_WIDTH-1:0]       s_axis_desc_status_tag,
    input  wire [3:0]                   s_axis_desc_status_error,
    input  wire                         s_axis_desc_status_valid,

    /*
     * Status outputs (requesters; tag and error shared)
     */
    output wire [S_TAG_WIDTH-1:0]       m_axis_desc_status_tag,
    output wire [3:0]                   m_axis_desc_status_error,
    output wire [PORTS-1:0]             m_axis_desc_status_valid,

    /*
     * Write data inputs (requesters)
     */
    input  wire [PORTS*DATA_WIDTH-1:0]  s_axis_write_data_tdata,
    input  wire [PORTS-1:0]             s_axis_write_data_tvalid,
    output wire [PORTS-1:0]             s_axis_write_data_tready,
    input  wire [PORTS-1:0]             s_axis_write_data_tlast,

    /*
     * Write data output (engine)
     */
    output wire [DATA_WIDTH-1:0]        m_axis_write_data_tdata,
    output wire                         m_axis_write_data_tvalid,
    input  wire                         m_axis_write_data_tready,

    /*
     * Control and status
     */
    input  wire                         quiesce,
    output wire                         status_idle
);

localparam REC_WIDTH = ADDR_WIDTH + LEN_WIDTH + S_TAG_WIDTH;

// bus width assertions
initial begin
    if (M_TAG_WIDTH != S_TAG_WIDTH + SEL_WIDTH || (1 << SEL_WIDTH) < PORTS) begin
        $error("Error: M_TAG_WIDTH must be S_TAG_WIDTH + SEL_WIDTH (instance %m)");
        $finish;
    end
end

reg [PORTS*REC_WIDTH-1:0] arb_in;
integer i;

wire [REC_WIDTH-1:0] arb_out;
wire [SEL_WIDTH-1:0] arb_sel;
wire arb_valid;

wire order_ready;
wire order_valid;
wire order_empty;
wire [SEL_WIDTH-1:0] order_sel;

wire [SEL_WIDTH-1:0] status_sel = s_axis_desc_status_tag[M_TAG_WIDTH-1 -: SEL_WIDTH];
wire desc_fire = m_axis_desc_valid && m_axis_desc_ready;
wire data_fire = m_axis_write_data_tvalid && m_axis_write_data_tready;

always @* begin
    for (i = 0; i < PORTS; i = i + 1) begin
        arb_in[i*REC_WIDTH +: REC_WIDTH] = {s_axis_desc_addr[i*ADDR_WIDTH +: ADDR_WIDTH],
            s_axis_desc_len[i*LEN_WIDTH +: LEN_WIDTH], s_axis_desc_tag[i*S_TAG_WIDTH +: S_TAG_WIDTH]};
    end
end

assign m_axis_desc_addr = arb_out[REC_WIDTH-1 -: ADDR_WIDTH];
assign m_axis_desc_len = arb_out[S_TAG_WIDTH +: LEN_WIDTH];
assign m_axis_desc_tag = {arb_sel, arb_out[S_TAG_WIDTH-1:0]};
assign m_axis_desc_valid = arb_valid && order_ready && !quiesce;

assign m_axis_desc_status_tag = s_axis_desc_status_tag[S_TAG_WIDTH-1:0];
assign m_axis_desc_status_error = s_axis_desc_status_error;

assign m_axis_write_data_tdata = s_axis_write_data_tdata[order_sel*DATA_WIDTH +: DATA_WIDTH];
assign m_axis_write_data_tvalid = order_valid && s_axis_write_data_tvalid[order_sel];

genvar n;
generate
    for (n = 0; n < PORTS; n = n + 1) begin : port
        assign m_axis_desc_status_valid[n] = s_axis_desc_status_valid && !quiesce && status_sel == n;
        assign s_axis_write_data_tready[n] = order_valid && order_sel == n && m_axis_write_data_tready;
    end
endgenerate

// a descriptor held back by quiesce never reaches the engine; data already owed must flow
assign status_idle = (!arb_valid || quiesce) && order_empty;

axis_arb_mux #(
    .PORTS(PORTS),
    .DATA_WIDTH(REC_WIDTH),
    .SEL_WIDTH(SEL_WIDTH)
)
arb_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(arb_in),
    .s_axis_tvalid(quiesce ? {PORTS{1'b0}} : s_axis_desc_valid),
    .s_axis_tready(s_axis_desc_ready),
    .m_axis_tdata(arb_out),
    .m_axis_tid(arb_sel),
    .m_axis_tvalid(arb_valid),
    .m_axis_tready(m_axis_desc_ready && order_ready && !quiesce)
);

// which port owes the engine data next
axis_fifo #(
    .DATA_WIDTH(SEL_WIDTH),
    .DEPTH(ORDER_DEPTH)
)
order_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(arb_sel),
    .s_axis_tvalid(desc_fire),
    .s_axis_tready(order_ready),
    .m_axis_tdata(order_sel),
    .m_axis_tvalid(order_valid),
    .m_axis_tready(data_fire && s_axis_write_data_tlast[order_sel]),
    .status_empty(order_empty)
);

endmodule

`resetall
