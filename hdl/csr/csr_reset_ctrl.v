// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Soft reset sequencer: on a request, quiesce (no new DMA), wait until every DMA transfer
 * already started has drained, then hold the core reset for RESET_CYCLES. ready is low from
 * the request until the core reset ends. Outside the soft-reset domain.
 */
module csr_reset_ctrl #
(
    // cycles the core reset is held after the drain
    parameter RESET_CYCLES = 4
)
(
    input  wire clk,
    input  wire rst,

    /*
     * Control
     */
    input  wire soft_reset_req,
    input  wire drain_idle,

    /*
     * Outputs
     */
    output wire core_rst,
    output wire quiesce,
    output wire ready
);

localparam [1:0]
    STATE_RUN = 2'd0,
    STATE_DRAIN = 2'd1,
    STATE_RESET = 2'd2;

// bus width assertions
initial begin
    if (RESET_CYCLES < 1 || RESET_CYCLES > 255) begin
        $error("Error: RESET_CYCLES must be 1..255 (instance %m)");
        $finish;
    end
end

reg [1:0] state_reg = STATE_RUN, state_next;
reg [7:0] count_reg = 8'd0, count_next;

assign core_rst = rst || state_reg == STATE_RESET;
assign quiesce = state_reg != STATE_RUN;
assign ready = state_reg == STATE_RUN;

always @* begin
    state_next = state_reg;
    count_next = count_reg;

    case (state_reg)
        STATE_RUN: begin
            if (soft_reset_req) begin
                state_next = STATE_DRAIN;
            end
        end
        STATE_DRAIN: begin
            if (drain_idle) begin
                state_next = STATE_RESET;
                count_next = RESET_CYCLES[7:0] - 1'b1;
            end
        end
        STATE_RESET: begin
            if (count_reg == 0) begin
                state_next = STATE_RUN;
            end else begin
                count_next = count_reg - 1'b1;
            end
        end
        default: begin
            state_next = STATE_RUN;
        end
    endcase
end

always @(posedge clk) begin
    state_reg <= state_next;
    count_reg <= count_next;

    if (rst) begin
        state_reg <= STATE_RUN;
        count_reg <= 8'd0;
    end
end

endmodule

`resetall
