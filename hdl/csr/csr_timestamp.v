// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Free-running 64-bit core cycle counter (cleared by rst only, not by soft reset)
 */
module csr_timestamp
(
    input  wire        clk,
    input  wire        rst,

    output wire [63:0] timestamp
);

reg [63:0] count_reg = 64'd0, count_next;

assign timestamp = count_reg;

always @* begin
    count_next = count_reg + 1'b1;
end

always @(posedge clk) begin
    count_reg <= count_next;

    if (rst) begin
        count_reg <= 64'd0;
    end
end

endmodule

`resetall
