// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Round-robin arbiter/multiplexer for single-word transactions, registered output
 */
module axis_arb_mux #
(
    // number of input ports
    parameter PORTS = 2,
    // width of one word
    parameter DATA_WIDTH = 8,
    // width of the port index driven on m_axis_tid
    parameter SEL_WIDTH = (PORTS > 1) ? $clog2(PORTS) : 1
)
(
    input  wire                        clk,
    input  wire                        rst,

    /*
     * AXI stream inputs
     */
    input  wire [PORTS*DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [PORTS-1:0]            s_axis_tvalid,
    output wire [PORTS-1:0]            s_axis_tready,

    /*
     * AXI stream output; tid names the input port
     */
    output wire [DATA_WIDTH-1:0]       m_axis_tdata,
    output wire [SEL_WIDTH-1:0]        m_axis_tid,
    output wire                        m_axis_tvalid,
    input  wire                        m_axis_tready
);

// bus width assertions
initial begin
    if (PORTS < 1 || (1 << SEL_WIDTH) < PORTS) begin
        $error("Error: SEL_WIDTH too small for PORTS (instance %m)");
        $finish;
    end
end

reg [SEL_WIDTH-1:0] last_reg = {SEL_WIDTH{1'b0}}, last_next;
reg [DATA_WIDTH-1:0] data_reg = {DATA_WIDTH{1'b0}}, data_next;
reg [SEL_WIDTH-1:0] id_reg = {SEL_WIDTH{1'b0}}, id_next;
reg valid_reg = 1'b0, valid_next;

reg [PORTS-1:0] grant;
reg [SEL_WIDTH-1:0] grant_index;
reg grant_valid;

integer k, idx;

wire load = !valid_reg || m_axis_tready;

assign s_axis_tready = load ? grant : {PORTS{1'b0}};
assign m_axis_tdata = data_reg;
assign m_axis_tid = id_reg;
assign m_axis_tvalid = valid_reg;

// round-robin: the first requesting port after the last one served
always @* begin
    grant = {PORTS{1'b0}};
    grant_index = {SEL_WIDTH{1'b0}};
    grant_valid = 1'b0;
    for (k = 1; k <= PORTS; k = k + 1) begin
        idx = {{(32-SEL_WIDTH){1'b0}}, last_reg} + k;
        if (idx >= PORTS) begin
            idx = idx - PORTS;
        end
        if (!grant_valid && s_axis_tvalid[idx]) begin
            grant_valid = 1'b1;
            grant[idx] = 1'b1;
            grant_index = idx[SEL_WIDTH-1:0];
        end
    end
end

always @* begin
    last_next = last_reg;
    data_next = data_reg;
    id_next = id_reg;
    valid_next = valid_reg;

    if (load) begin
        valid_next = grant_valid;
        if (grant_valid) begin
            last_next = grant_index;
            id_next = grant_index;
            data_next = s_axis_tdata[grant_index*DATA_WIDTH +: DATA_WIDTH];
        end
    end
end

always @(posedge clk) begin
    last_reg <= last_next;
    data_reg <= data_next;
    id_reg <= id_next;
    valid_reg <= valid_next;

    if (rst) begin
        last_reg <= {SEL_WIDTH{1'b0}};
        valid_reg <= 1'b0;
    end
end

endmodule

`resetall
