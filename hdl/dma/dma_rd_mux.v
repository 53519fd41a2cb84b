// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * DMA read multiplexer: round-robin over PORTS requesters in front of one read engine.
 * The port index rides in the top tag bits; read data and status come back by it.
 * quiesce stops new descriptors and sinks all read data and status (soft reset drain).
 */
module dma_rd_mux #
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
    // width of the read data
    parameter DATA_WIDTH = 64,
    // width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8
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
     * Read data input (engine)
     */
    input  wire [DATA_WIDTH-1:0]        s_axis_read_data_tdata,
    input  wire [KEEP_WIDTH-1:0]        s_axis_read_data_tkeep,
    input  wire                         s_axis_read_data_tvalid,
    output wire                         s_axis_read_data_tready,
    input  wire                         s_axis_read_data_tlast,
    input  wire                         s_axis_read_data_tuser,
    input  wire [M_TAG_WIDTH-1:0]       s_axis_read_data_tid,

    /*
     * Read data outputs (requesters; all but tvalid/tready shared)
     */
    output wire [DATA_WIDTH-1:0]        m_axis_read_data_tdata,
    output wire [KEEP_WIDTH-1:0]        m_axis_read_data_tkeep,
    output wire [PORTS-1:0]             m_axis_read_data_tvalid,
    input  wire [PORTS-1:0]             m_axis_read_data_tready,
    output wire                         m_axis_read_data_tlast,
    output wire                         m_axis_read_data_tuser,

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

wire [SEL_WIDTH-1:0] data_sel = s_axis_read_data_tid[M_TAG_WIDTH-1 -: SEL_WIDTH];
wire [SEL_WIDTH-1:0] status_sel = s_axis_desc_status_tag[M_TAG_WIDTH-1 -: SEL_WIDTH];

always @* begin
    for (i = 0; i < PORTS; i = i + 1) begin
        arb_in[i*REC_WIDTH +: REC_WIDTH] = {s_axis_desc_addr[i*ADDR_WIDTH +: ADDR_WIDTH],
            s_axis_desc_len[i*LEN_WIDTH +: LEN_WIDTH], s_axis_desc_tag[i*S_TAG_WIDTH +: S_TAG_WIDTH]};
    end
end

assign m_axis_desc_addr = arb_out[REC_WIDTH-1 -: ADDR_WIDTH];
assign m_axis_desc_len = arb_out[S_TAG_WIDTH +: LEN_WIDTH];
assign m_axis_desc_tag = {arb_sel, arb_out[S_TAG_WIDTH-1:0]};
assign m_axis_desc_valid = arb_valid && !quiesce;

assign m_axis_desc_status_tag = s_axis_desc_status_tag[S_TAG_WIDTH-1:0];
assign m_axis_desc_status_error = s_axis_desc_status_error;

assign m_axis_read_data_tdata = s_axis_read_data_tdata;
assign m_axis_read_data_tkeep = s_axis_read_data_tkeep;
assign m_axis_read_data_tlast = s_axis_read_data_tlast;
assign m_axis_read_data_tuser = s_axis_read_data_tuser;
assign s_axis_read_data_tready = quiesce || m_axis_read_data_tready[data_sel];

genvar n;
generate
    for (n = 0; n < PORTS; n = n + 1) begin : port
        assign m_axis_desc_status_valid[n] = s_axis_desc_status_valid && !quiesce && status_sel == n;
        assign m_axis_read_data_tvalid[n] = s_axis_read_data_tvalid && !quiesce && data_sel == n;
    end
endgenerate

// a descriptor held back by quiesce never reaches the engine: it owes nothing
assign status_idle = !arb_valid || quiesce;

// requesters take their read data in issue order; only the port index of tid is needed
/* verilator lint_off UNUSED */
wire unused_tid = &{1'b0, s_axis_read_data_tid[M_TAG_WIDTH-SEL_WIDTH-1:0]};
/* verilator lint_on UNUSED */

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
    .m_axis_tready(m_axis_desc_ready && !quiesce)
);

endmodule

`resetall
