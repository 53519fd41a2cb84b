// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * UART transmitter: AXI stream bytes → 8N1 serial line, LSB first, idle high
 *
 * The first half of the serial bridge's wire. Each byte taken from s_axis goes out as one
 * start bit (low), eight data bits and one stop bit (high), each bit_cycles cycles long.
 * bit_cycles is an input, not a parameter (like verilog-uart's prescale), so one build runs at
 * any rate: the line rate is the clock over bit_cycles (a board top passes
 * round(clock / baud); the true rate is within a receiver's tolerance when the ratio is large).
 * It must be at least 8. It is read each time a bit starts, so change it only while busy is
 * low (or in reset): a change in the middle of a byte makes that byte's bits uneven.
 * s_axis_tready rises in the idle state and in the last cycle of a stop bit, so a stream with
 * no gaps goes out back to back, one byte per 10 bit times.
 */
module uart_tx
(
    input  wire        clk,
    input  wire        rst,

    /*
     * Rate: clock cycles per bit (at least 8)
     */
    input  wire [15:0] bit_cycles,

    /*
     * AXI stream input (one byte per transfer)
     */
    input  wire [7:0]  s_axis_tdata,
    input  wire        s_axis_tvalid,
    output wire        s_axis_tready,

    /*
     * Serial line
     */
    output wire        txd,

    /*
     * Status
     */
    output wire        busy
);

// the counter counts a bit's cycles down from bit_cycles-1 to 0
localparam CNT_WIDTH = 16;
// bits after the start bit: eight data bits, one stop bit
localparam [3:0] FRAME_BITS_AFTER_START = 4'd9;

wire [CNT_WIDTH-1:0] bit_last = bit_cycles - 1'b1;

reg active_reg = 1'b0, active_next;
reg [CNT_WIDTH-1:0] baud_cnt_reg = {CNT_WIDTH{1'b0}}, baud_cnt_next;
reg [3:0] bit_cnt_reg = 4'd0, bit_cnt_next;
// data bits still to send, LSB first, then the stop bit (1) shifted in behind them
reg [8:0] shift_reg = 9'h1ff, shift_next;
reg txd_reg = 1'b1, txd_next;
reg s_axis_tready_reg = 1'b0, s_axis_tready_next;

assign s_axis_tready = s_axis_tready_reg;
assign txd = txd_reg;
assign busy = active_reg;

always @* begin
    active_next = active_reg;
    baud_cnt_next = baud_cnt_reg;
    bit_cnt_next = bit_cnt_reg;
    shift_next = shift_reg;
    txd_next = txd_reg;

    if (active_reg && baud_cnt_reg != 0) begin
        // inside a bit
        baud_cnt_next = baud_cnt_reg - 1'b1;
    end else if (active_reg && bit_cnt_reg != 0) begin
        // next data bit, or the stop bit
        txd_next = shift_reg[0];
        shift_next = {1'b1, shift_reg[8:1]};
        bit_cnt_next = bit_cnt_reg - 1'b1;
        baud_cnt_next = bit_last;
    end else begin
        // idle, or the last cycle of a stop bit: the line rests high unless a byte starts
        active_next = 1'b0;
        txd_next = 1'b1;
        if (s_axis_tvalid && s_axis_tready_reg) begin
            active_next = 1'b1;
            txd_next = 1'b0;
            shift_next = {1'b1, s_axis_tdata};
            bit_cnt_next = FRAME_BITS_AFTER_START;
            baud_cnt_next = bit_last;
        end
    end

    // ready exactly in the cycles the else branch above runs
    s_axis_tready_next = !active_next || (baud_cnt_next == 0 && bit_cnt_next == 0);
end

always @(posedge clk) begin
    active_reg <= active_next;
    baud_cnt_reg <= baud_cnt_next;
    bit_cnt_reg <= bit_cnt_next;
    shift_reg <= shift_next;
    txd_reg <= txd_next;
    s_axis_tready_reg <= s_axis_tready_next;

    if (rst) begin
        active_reg <= 1'b0;
        baud_cnt_reg <= {CNT_WIDTH{1'b0}};
        bit_cnt_reg <= 4'd0;
        txd_reg <= 1'b1;
        s_axis_tready_reg <= 1'b0;
    end
end

endmodule

`resetall
