// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * UART transmitter: AXI stream bytes → 8N1 serial line, LSB first, idle high
 *
 * The first half of the serial bridge's wire. Each byte taken from s_axis goes out as one
 * start bit (low), eight data bits and one stop bit (high), each CLK_HZ/BAUD cycles long
 * (integer division: the true rate is CLK_HZ/(CLK_HZ/BAUD), within a receiver's tolerance when
 * the ratio is large). s_axis_tready rises in the idle state and in the last cycle of a stop
 * bit, so a stream with no gaps goes out back to back, one byte per 10 bit times.
 */
module uart_tx #
(
    // clock frequency, Hz
    parameter CLK_HZ = 156250000,
    // line rate, bit/s (CLK_HZ/BAUD, the cycles per bit, must be at least 8)
    parameter BAUD = 115200
)
(
    input  wire       clk,
    input  wire       rst,

    /*
     * AXI stream input (one byte per transfer)
     */
    input  wire [7:0] s_axis_tdata,
    input  wire       s_axis_tvalid,
    output wire       s_axis_tready,

    /*
     * Serial line
     */
    output wire       txd,

    /*
     * Status
     */
    output wire       busy
);

// cycles per bit, and the width of a counter that holds 0..BIT_CYCLES-1
localparam integer BIT_CYCLES = (BAUD > 0) ? CLK_HZ / BAUD : 0;
localparam integer MIN_BIT_CYCLES = 8;
localparam CNT_WIDTH = (BIT_CYCLES > 1) ? $clog2(BIT_CYCLES) : 1;
localparam integer BIT_LAST_CYCLE = BIT_CYCLES - 1;
localparam [CNT_WIDTH-1:0] BIT_LAST = BIT_LAST_CYCLE[CNT_WIDTH-1:0];
// bits after the start bit: eight data bits, one stop bit
localparam [3:0] FRAME_BITS_AFTER_START = 4'd9;

// parameter assertions
initial begin
    if (BAUD < 1 || BIT_CYCLES < MIN_BIT_CYCLES) begin
        $error("Error: CLK_HZ/BAUD must be at least 8 cycles per bit (instance %m)");
        $finish;
    end
end

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
        baud_cnt_next = BIT_LAST;
    end else begin
        // idle, or the last cycle of a stop bit: the line rests high unless a byte starts
        active_next = 1'b0;
        txd_next = 1'b1;
        if (s_axis_tvalid && s_axis_tready_reg) begin
            active_next = 1'b1;
            txd_next = 1'b0;
            shift_next = {1'b1, s_axis_tdata};
            bit_cnt_next = FRAME_BITS_AFTER_START;
            baud_cnt_next = BIT_LAST;
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
