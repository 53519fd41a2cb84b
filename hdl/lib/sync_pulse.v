// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Pulse synchroniser, one per bit: each one-cycle pulse on s_pulse (s_clk) flips a toggle
 * register, which crosses to m_clk through a two-flop synchroniser; each flip seen there leaves
 * as a one-cycle pulse on m_pulse, three to four m_clk cycles later. Pulses of one bit must be
 * at least three m_clk cycles (plus one s_clk cycle) apart, or two of them may merge or vanish.
 * No reset: the toggle and its copies start equal and stay consistent.
 */
module sync_pulse #
(
    // number of independent pulse signals
    parameter WIDTH = 1
)
(
    input  wire             s_clk,
    input  wire [WIDTH-1:0] s_pulse,

    input  wire             m_clk,
    output wire [WIDTH-1:0] m_pulse
);

reg [WIDTH-1:0] toggle_reg = {WIDTH{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [WIDTH-1:0] sync1_reg = {WIDTH{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [WIDTH-1:0] sync2_reg = {WIDTH{1'b0}};
reg [WIDTH-1:0] seen_reg = {WIDTH{1'b0}};
reg [WIDTH-1:0] pulse_reg = {WIDTH{1'b0}};

assign m_pulse = pulse_reg;

always @(posedge s_clk) begin
    toggle_reg <= toggle_reg ^ s_pulse;
end

always @(posedge m_clk) begin
    sync1_reg <= toggle_reg;
    sync2_reg <= sync1_reg;
    seen_reg <= sync2_reg;
    pulse_reg <= sync2_reg ^ seen_reg;
end

endmodule

`resetall
