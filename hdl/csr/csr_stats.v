// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Statistics counters: COUNTERS wrapping 32-bit counters, each with an increment input
 */
module csr_stats #
(
    // number of counters
    parameter COUNTERS = 12,
    // width of each increment
    parameter INC_WIDTH = 16
)
(
    input  wire                          clk,
    input  wire                          rst,

    /*
     * Increments, INC_WIDTH bits per counter
     */
    input  wire [COUNTERS*INC_WIDTH-1:0] s_inc,

    /*
     * Control: zero every counter
     */
    input  wire                          clear,

    /*
     * Counter values, 32 bits per counter
     */
    output wire [COUNTERS*32-1:0]        m_count
);

// bus width assertions
initial begin
    if (INC_WIDTH < 1 || INC_WIDTH > 32) begin
        $error("Error: INC_WIDTH must be 1..32 (instance %m)");
        $finish;
    end
end

reg [COUNTERS*32-1:0] count_reg = {COUNTERS*32{1'b0}}, count_next;
integer i;

assign m_count = count_reg;

always @* begin
    for (i = 0; i < COUNTERS; i = i + 1) begin
        if (clear) begin
            count_next[i*32 +: 32] = 32'd0;
        end else begin
            count_next[i*32 +: 32] = count_reg[i*32 +: 32] + {{32-INC_WIDTH{1'b0}}, s_inc[i*INC_WIDTH +: INC_WIDTH]};
        end
    end
end

always @(posedge clk) begin
    count_reg <= count_next;

    if (rst) begin
        count_reg <= {COUNTERS*32{1'b0}};
    end
end

endmodule

`resetall
