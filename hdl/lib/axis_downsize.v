// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Width converter, wide to narrow: each input word leaves as M_DATA_WIDTH segments, low lane
 * first, up to its last segment with any tkeep bit set. Input words are packed from lane 0
 * (only the last word of a packet may be partial). One output segment per cycle without
 * bubbles: the next word loads while the last segment of the current one leaves. tuser is
 * presented with tlast. Output from registers. With equal widths, a register stage.
 */
module axis_downsize #
(
    // width of the input data word
    parameter S_DATA_WIDTH = 128,
    // width of the input tkeep
    parameter S_KEEP_WIDTH = S_DATA_WIDTH/8,
    // width of the output data word (divides S_DATA_WIDTH)
    parameter M_DATA_WIDTH = 64,
    // width of the output tkeep
    parameter M_KEEP_WIDTH = M_DATA_WIDTH/8
)
(
    input  wire                    clk,
    input  wire                    rst,

    /*
     * AXI stream input
     */
    input  wire [S_DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [S_KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                    s_axis_tvalid,
    output wire                    s_axis_tready,
    input  wire                    s_axis_tlast,
    input  wire                    s_axis_tuser,

    /*
     * AXI stream output
     */
    output wire [M_DATA_WIDTH-1:0] m_axis_tdata,
    output wire [M_KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                    m_axis_tvalid,
    input  wire                    m_axis_tready,
    output wire                    m_axis_tlast,
    output wire                    m_axis_tuser,

    /*
     * Status
     */
    output wire                    status_idle
);

// (at least 1, so that a bad combination reaches the assertion below)
localparam SEGMENTS = (S_DATA_WIDTH > M_DATA_WIDTH) ? S_DATA_WIDTH / M_DATA_WIDTH : 1;

// bus width assertions
initial begin
    if (S_KEEP_WIDTH * 8 != S_DATA_WIDTH || M_KEEP_WIDTH * 8 != M_DATA_WIDTH) begin
        $error("Error: data widths must be 8 * keep widths (instance %m)");
        $finish;
    end
    if (SEGMENTS * M_DATA_WIDTH != S_DATA_WIDTH) begin
        $error("Error: M_DATA_WIDTH must divide S_DATA_WIDTH (instance %m)");
        $finish;
    end
end

reg [S_DATA_WIDTH-1:0] data_reg = {S_DATA_WIDTH{1'b0}}, data_next;
reg [S_KEEP_WIDTH-1:0] keep_reg = {S_KEEP_WIDTH{1'b0}}, keep_next;
reg last_reg = 1'b0, last_next;
reg user_reg = 1'b0, user_next;
reg valid_reg = 1'b0, valid_next;

// the segment on the output is the word's last one
wire seg_last = (keep_reg >> M_KEEP_WIDTH) == {S_KEEP_WIDTH{1'b0}};
wire load = !valid_reg || (m_axis_tready && seg_last);

assign s_axis_tready = load;
assign m_axis_tdata = data_reg[M_DATA_WIDTH-1:0];
assign m_axis_tkeep = keep_reg[M_KEEP_WIDTH-1:0];
assign m_axis_tvalid = valid_reg;
assign m_axis_tlast = last_reg && seg_last;
assign m_axis_tuser = user_reg && seg_last;
assign status_idle = !valid_reg;

always @* begin
    data_next = data_reg;
    keep_next = keep_reg;
    last_next = last_reg;
    user_next = user_reg;
    valid_next = valid_reg;

    if (valid_reg && m_axis_tready) begin
        data_next = data_reg >> M_DATA_WIDTH;
        keep_next = keep_reg >> M_KEEP_WIDTH;
        if (seg_last) begin
            valid_next = 1'b0;
        end
    end

    if (s_axis_tvalid && load) begin
        data_next = s_axis_tdata;
        keep_next = s_axis_tkeep;
        last_next = s_axis_tlast;
        user_next = s_axis_tuser;
        valid_next = 1'b1;
    end
end

always @(posedge clk) begin
    data_reg <= data_next;
    keep_reg <= keep_next;
    last_reg <= last_next;
    user_reg <= user_next;
    valid_reg <= valid_next;

    if (rst) begin
        valid_reg <= 1'b0;
    end
end

endmodule

`resetall
