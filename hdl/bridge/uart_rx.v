// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * UART receiver: 8N1 serial line, LSB first, idle high → AXI stream bytes
 *
 * The other half of the serial bridge's wire. rxd comes from another clock domain (a pin), so
 * it passes two flops first. A high-to-low step of the synchronised line starts a frame; the
 * start bit is checked again half a bit later, so a low glitch shorter than half a bit is no
 * start. Each data bit and the stop bit are sampled at their middle, bit_cycles cycles apart,
 * which leaves close to half a bit of margin for the sender's rate error.
 *
 * bit_cycles (clock cycles per bit, at least 8) is an input, not a parameter (like
 * verilog-uart's prescale), so one build runs at any rate: a board top passes
 * round(clock / baud). It is read at each sample point, so change it only while busy is low
 * (or in reset): a change in the middle of a byte misplaces that byte's remaining samples.
 *
 * A byte whose stop bit is low is still delivered, with m_axis_tuser = 1 (framing error); the
 * receiver then waits for the line to go high before it looks for a start bit again (as after
 * reset), so a line held low (a break, a cut cable) yields one such byte, not a stream of them.
 * busy is high from a start edge to the stop bit's sample, glitches included.
 *
 * The output is one register: a byte arrives at most every 10 bit times, so the next one
 * finds it free unless the consumer has held m_axis_tready low for all that time. If it is
 * still full, the new byte is dropped and overrun pulses for one cycle.
 */
module uart_rx
(
    input  wire        clk,
    input  wire        rst,

    /*
     * Rate: clock cycles per bit (at least 8)
     */
    input  wire [15:0] bit_cycles,

    /*
     * Serial line (asynchronous)
     */
    input  wire        rxd,

    /*
     * AXI stream output (one byte per transfer; tuser = framing error)
     */
    output wire [7:0]  m_axis_tdata,
    output wire        m_axis_tvalid,
    input  wire        m_axis_tready,
    output wire        m_axis_tuser,

    /*
     * Status
     */
    output wire        overrun,
    output wire        busy
);

// the counter counts down to the next sample point
localparam CNT_WIDTH = 16;
localparam [2:0] DATA_LAST = 3'd7;

// a whole bit, and from the start bit's edge to its middle
wire [CNT_WIDTH-1:0] bit_last = bit_cycles - 1'b1;
wire [CNT_WIDTH-1:0] half_last = {1'b0, bit_cycles[CNT_WIDTH-1:1]} - 1'b1;

localparam [2:0]
    STATE_IDLE = 3'd0,       // line high, waiting for a falling edge
    STATE_START = 3'd1,      // to the middle of the start bit
    STATE_DATA = 3'd2,       // to the middle of each data bit
    STATE_STOP = 3'd3,       // to the middle of the stop bit
    STATE_WAIT_HIGH = 3'd4;  // after a framing error (or reset): until the line is high

reg [2:0] state_reg = STATE_WAIT_HIGH, state_next;

// two-flop synchroniser; rxd_sync_reg[1] is the line as this clock domain sees it
reg [1:0] rxd_sync_reg = 2'b11;
reg rxd_last_reg = 1'b1;

reg [CNT_WIDTH-1:0] baud_cnt_reg = {CNT_WIDTH{1'b0}}, baud_cnt_next;
reg [2:0] bit_cnt_reg = 3'd0, bit_cnt_next;
// data bits, the newest in the MSB: after eight, bit 0 is the first received
reg [7:0] shift_reg = 8'd0, shift_next;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;
reg m_axis_tuser_reg = 1'b0, m_axis_tuser_next;
reg overrun_reg = 1'b0, overrun_next;
reg busy_reg = 1'b0, busy_next;

wire rxd_s = rxd_sync_reg[1];
wire fall = rxd_last_reg && !rxd_s;

assign m_axis_tdata = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;
assign m_axis_tuser = m_axis_tuser_reg;
assign overrun = overrun_reg;
assign busy = busy_reg;

always @* begin
    state_next = state_reg;
    baud_cnt_next = baud_cnt_reg;
    bit_cnt_next = bit_cnt_reg;
    shift_next = shift_reg;
    m_axis_tdata_next = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;
    m_axis_tuser_next = m_axis_tuser_reg;
    overrun_next = 1'b0;

    if (state_reg != STATE_IDLE && state_reg != STATE_WAIT_HIGH && baud_cnt_reg != 0) begin
        // between two sample points
        baud_cnt_next = baud_cnt_reg - 1'b1;
    end else begin
        case (state_reg)
            STATE_IDLE: begin
                if (fall) begin
                    state_next = STATE_START;
                    baud_cnt_next = half_last;
                end
            end
            STATE_START: begin
                // middle of the start bit: still low, or it was a glitch
                if (!rxd_s) begin
                    state_next = STATE_DATA;
                    bit_cnt_next = 3'd0;
                    baud_cnt_next = bit_last;
                end else begin
                    state_next = STATE_IDLE;
                end
            end
            STATE_DATA: begin
                shift_next = {rxd_s, shift_reg[7:1]};
                bit_cnt_next = bit_cnt_reg + 1'b1;
                baud_cnt_next = bit_last;
                if (bit_cnt_reg == DATA_LAST) begin
                    state_next = STATE_STOP;
                end
            end
            STATE_STOP: begin
                // middle of the stop bit: the byte is complete
                if (m_axis_tvalid_reg && !m_axis_tready) begin
                    overrun_next = 1'b1;
                end else begin
                    m_axis_tdata_next = shift_reg;
                    m_axis_tvalid_next = 1'b1;
                    m_axis_tuser_next = !rxd_s;
                end
                state_next = rxd_s ? STATE_IDLE : STATE_WAIT_HIGH;
            end
            STATE_WAIT_HIGH: begin
                if (rxd_s) begin
                    state_next = STATE_IDLE;
                end
            end
            default: begin
                state_next = STATE_WAIT_HIGH;
            end
        endcase
    end

    busy_next = state_next == STATE_START || state_next == STATE_DATA || state_next == STATE_STOP;
end

always @(posedge clk) begin
    rxd_sync_reg <= {rxd_sync_reg[0], rxd};
    rxd_last_reg <= rxd_s;

    state_reg <= state_next;
    baud_cnt_reg <= baud_cnt_next;
    bit_cnt_reg <= bit_cnt_next;
    shift_reg <= shift_next;
    m_axis_tdata_reg <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;
    m_axis_tuser_reg <= m_axis_tuser_next;
    overrun_reg <= overrun_next;
    busy_reg <= busy_next;

    if (rst) begin
        state_reg <= STATE_WAIT_HIGH;
        baud_cnt_reg <= {CNT_WIDTH{1'b0}};
        bit_cnt_reg <= 3'd0;
        m_axis_tvalid_reg <= 1'b0;
        m_axis_tuser_reg <= 1'b0;
        overrun_reg <= 1'b0;
        busy_reg <= 1'b0;
    end
end

endmodule

`resetall
