// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Transmit padding: frames shorter than FLUE_ETH_MIN_WIRE_FRAME bytes are extended with
 * zero bytes to that length; bytes outside tkeep are zeroed. A frame with tuser set on
 * tlast (to be dropped downstream) is passed unpadded.
 */
module l2_tx_pad #
(
    // width of the data word (the wire is 64 bits)
    parameter DATA_WIDTH = 64,
    // width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8
)
(
    input  wire                  clk,
    input  wire                  rst,

    /*
     * Frame input
     */
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire                  s_axis_tuser,

    /*
     * Frame output
     */
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire                  m_axis_tuser,

    /*
     * Status
     */
    output wire                  status_idle
);

// the padded frame ends in word LAST_WORD with LAST_KEEP
localparam integer LAST_WORD_I = (`FLUE_ETH_MIN_WIRE_FRAME - 1) / KEEP_WIDTH;
localparam integer LAST_BYTES = `FLUE_ETH_MIN_WIRE_FRAME - LAST_WORD_I * KEEP_WIDTH;
localparam [7:0] LAST_WORD = LAST_WORD_I[7:0];
localparam [KEEP_WIDTH-1:0] LAST_KEEP = {KEEP_WIDTH{1'b1}} >> (KEEP_WIDTH - LAST_BYTES);

// bus width assertions
initial begin
    if (KEEP_WIDTH * 8 != DATA_WIDTH || LAST_WORD_I > 250) begin
        $error("Error: DATA_WIDTH must be 8 * KEEP_WIDTH (instance %m)");
        $finish;
    end
end

reg [7:0] word_reg = 8'd0, word_next;
reg pad_reg = 1'b0, pad_next;

reg [DATA_WIDTH-1:0] data;
reg [KEEP_WIDTH-1:0] keep;
reg last;
reg start_pad;
integer i;

wire short = s_axis_tlast && !s_axis_tuser && word_reg <= LAST_WORD;

assign s_axis_tready = !pad_reg && m_axis_tready;
assign m_axis_tdata = data;
assign m_axis_tkeep = keep;
assign m_axis_tvalid = pad_reg || s_axis_tvalid;
assign m_axis_tlast = last;
assign m_axis_tuser = !pad_reg && s_axis_tuser;
assign status_idle = !pad_reg && word_reg == 0;

always @* begin
    data = s_axis_tdata;
    keep = s_axis_tkeep;
    last = s_axis_tlast;
    start_pad = 1'b0;

    for (i = 0; i < KEEP_WIDTH; i = i + 1) begin
        if (!s_axis_tkeep[i]) begin
            data[i*8 +: 8] = 8'd0;
        end
    end

    if (pad_reg) begin
        data = {DATA_WIDTH{1'b0}};
        keep = (word_reg == LAST_WORD) ? LAST_KEEP : {KEEP_WIDTH{1'b1}};
        last = word_reg == LAST_WORD;
    end else if (short) begin
        if (word_reg == LAST_WORD) begin
            keep = s_axis_tkeep | LAST_KEEP;
        end else begin
            keep = {KEEP_WIDTH{1'b1}};
            last = 1'b0;
            start_pad = 1'b1;
        end
    end
end

always @* begin
    word_next = word_reg;
    pad_next = pad_reg;

    if (m_axis_tvalid && m_axis_tready) begin
        if (last) begin
            word_next = 8'd0;
            pad_next = 1'b0;
        end else begin
            if (word_reg != 8'hff) begin
                word_next = word_reg + 1'b1;
            end
            if (start_pad) begin
                pad_next = 1'b1;
            end
        end
    end
end

always @(posedge clk) begin
    word_reg <= word_next;
    pad_reg <= pad_next;

    if (rst) begin
        word_reg <= 8'd0;
        pad_reg <= 1'b0;
    end
end

endmodule

`resetall
