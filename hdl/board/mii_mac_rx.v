// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * MII receive MAC (100 Mbit/s: one nibble per 25 MHz RX_CLK). Runs in the PHY's RX_CLK domain.
 * RXD, RX_DV and RX_ER are registered first (to be packed into the IOBs). After RX_DV rises the
 * preamble's nibbles (any number, normally 0x5) are skipped up to the first 0xD nibble (the
 * SFD's high half); the nibbles that follow, low nibble first, are the frame's bytes, up to
 * RX_DV falling. (A misplaced SFD misaligns the frame, and its FCS then fails.)
 * Frames leave as an 8-bit AXI stream without preamble, SFD and FCS, one byte every two cycles
 * (the last one may follow the one before at once) and without backpressure (there is no
 * tready: the MII cannot wait). The last four bytes (the FCS) are held back, so a frame's last
 * byte leaves the cycle after RX_DV falls, with tuser set when the frame is bad: FCS wrong,
 * RX_ER seen while RX_DV was high, an odd number of nibbles, or shorter than MIN_FRAME bytes
 * with its FCS. A frame of fewer than five bytes leaves nothing (only status pulses), and so
 * do a carrier without an SFD and RX_ER in the preamble (then the rest, up to RX_DV falling,
 * is ignored).
 * A reset mid-frame cuts the output without a tlast (the consumer is to be reset with it) and
 * ignores the rest of the frame up to RX_DV falling.
 * Nothing in it depends on the nibble rate: a 2.5 MHz RX_CLK (10 Mbit/s) should do as well,
 * but only 25 MHz is tested.
 */
module mii_mac_rx #
(
    // shortest good frame, FCS included
    parameter MIN_FRAME = 64
)
(
    input  wire       clk,            // RX_CLK
    input  wire       rst,            // synchronous to clk

    /*
     * MII
     */
    input  wire [3:0] mii_rxd,
    input  wire       mii_rx_dv,
    input  wire       mii_rx_er,

    /*
     * Frame output (no backpressure)
     */
    output wire [7:0] m_axis_tdata,
    output wire       m_axis_tvalid,
    output wire       m_axis_tlast,
    output wire       m_axis_tuser,   // 1 on tlast: bad frame

    /*
     * Status: one-cycle pulses, one per frame, with its last byte; a bad frame raises every
     * cause it has
     */
    output wire       status_good_frame,
    output wire       status_bad_fcs,     // FCS wrong
    output wire       status_rx_error,    // RX_ER seen during the frame (or its preamble)
    output wire       status_framing      // odd nibble count, too short, or carrier without an SFD
);

localparam LEN_WIDTH = $clog2(MIN_FRAME + 1);
localparam [LEN_WIDTH-1:0] LEN_MIN = MIN_FRAME;
// CRC register after a frame and its correct FCS (no final inversion)
localparam [31:0] CRC_RESIDUE = 32'hDEBB20E3;

localparam [1:0]
    STATE_WAIT = 2'd0,       // RX_DV high with no frame started: wait for it to fall
    STATE_IDLE = 2'd1,
    STATE_PREAMBLE = 2'd2,
    STATE_DATA = 2'd3;

initial begin
    if (MIN_FRAME < 5) begin
        $error("Error: MIN_FRAME must be at least 5 (instance %m)");
        $finish;
    end
end

// one byte into the running CRC-32 (reflected 0xEDB88320, no final inversion)
`include "crc32_byte.vh"

// input registers
reg [3:0] rxd_reg = 4'd0;
reg rx_dv_reg = 1'b0;
reg rx_er_reg = 1'b0;

reg [1:0] state_reg = STATE_WAIT, state_next;
// a low nibble is waiting for its high nibble
reg odd_reg = 1'b0, odd_next;
reg [3:0] low_nibble_reg = 4'd0, low_nibble_next;
// the last five bytes received, [7:0] the newest; the oldest leaves when a sixth arrives
reg [39:0] hold_reg = 40'd0, hold_next;
// bytes held (saturates at 5)
reg [2:0] held_reg = 3'd0, held_next;
reg [LEN_WIDTH-1:0] len_reg = {LEN_WIDTH{1'b0}}, len_next;
reg [31:0] crc_reg = 32'hFFFFFFFF, crc_next;
reg er_reg = 1'b0, er_next;

reg [7:0] out_data_reg = 8'd0, out_data_next;
reg out_valid_reg = 1'b0, out_valid_next;
reg out_last_reg = 1'b0, out_last_next;
reg out_user_reg = 1'b0, out_user_next;
reg good_reg = 1'b0, good_next;
reg bad_fcs_reg = 1'b0, bad_fcs_next;
reg rx_error_reg = 1'b0, rx_error_next;
reg framing_reg = 1'b0, framing_next;

reg [7:0] new_byte;
reg fcs_bad;
reg short;

assign m_axis_tdata = out_data_reg;
assign m_axis_tvalid = out_valid_reg;
assign m_axis_tlast = out_last_reg;
assign m_axis_tuser = out_user_reg;
assign status_good_frame = good_reg;
assign status_bad_fcs = bad_fcs_reg;
assign status_rx_error = rx_error_reg;
assign status_framing = framing_reg;

always @* begin
    state_next = state_reg;
    odd_next = odd_reg;
    low_nibble_next = low_nibble_reg;
    hold_next = hold_reg;
    held_next = held_reg;
    len_next = len_reg;
    crc_next = crc_reg;
    er_next = er_reg;
    out_data_next = out_data_reg;
    out_valid_next = 1'b0;
    out_last_next = 1'b0;
    out_user_next = 1'b0;
    good_next = 1'b0;
    bad_fcs_next = 1'b0;
    rx_error_next = 1'b0;
    framing_next = 1'b0;
    new_byte = {rxd_reg, low_nibble_reg};
    fcs_bad = crc_reg != CRC_RESIDUE;
    short = len_reg != LEN_MIN;

    case (state_reg)
        STATE_WAIT: begin
            if (!rx_dv_reg) begin
                state_next = STATE_IDLE;
            end
        end
        STATE_IDLE: begin
            odd_next = 1'b0;
            held_next = 3'd0;
            len_next = {LEN_WIDTH{1'b0}};
            crc_next = 32'hFFFFFFFF;
            er_next = 1'b0;
            if (rx_dv_reg) begin
                if (rx_er_reg) begin
                    rx_error_next = 1'b1;
                    state_next = STATE_WAIT;
                end else if (rxd_reg == 4'hD) begin
                    state_next = STATE_DATA;
                end else begin
                    state_next = STATE_PREAMBLE;
                end
            end
        end
        STATE_PREAMBLE: begin
            if (!rx_dv_reg) begin
                // carrier without a frame
                framing_next = 1'b1;
                state_next = STATE_IDLE;
            end else if (rx_er_reg) begin
                rx_error_next = 1'b1;
                state_next = STATE_WAIT;
            end else if (rxd_reg == 4'hD) begin
                state_next = STATE_DATA;
            end
        end
        STATE_DATA: begin
            if (rx_dv_reg) begin
                er_next = er_reg || rx_er_reg;
                odd_next = !odd_reg;
                if (!odd_reg) begin
                    low_nibble_next = rxd_reg;
                end else begin
                    // a whole byte
                    hold_next = {hold_reg[31:0], new_byte};
                    crc_next = crc32_byte(crc_reg, new_byte);
                    len_next = short ? len_reg + 1'b1 : len_reg;
                    if (held_reg == 3'd5) begin
                        // the oldest byte held has at least five after it: not the last
                        out_data_next = hold_reg[39:32];
                        out_valid_next = 1'b1;
                    end else begin
                        held_next = held_reg + 1'b1;
                    end
                end
            end else begin
                // end of frame: the oldest byte held is the last one before the FCS
                if (held_reg == 3'd5) begin
                    out_data_next = hold_reg[39:32];
                    out_valid_next = 1'b1;
                    out_last_next = 1'b1;
                    out_user_next = fcs_bad || er_reg || odd_reg || short;
                end
                good_next = !(fcs_bad || er_reg || odd_reg || short);
                bad_fcs_next = fcs_bad;
                rx_error_next = er_reg;
                framing_next = odd_reg || short;
                state_next = STATE_IDLE;
            end
        end
        default: begin
            state_next = STATE_WAIT;
        end
    endcase
end

always @(posedge clk) begin
    rxd_reg <= mii_rxd;
    rx_dv_reg <= mii_rx_dv;
    rx_er_reg <= mii_rx_er;

    state_reg <= state_next;
    odd_reg <= odd_next;
    low_nibble_reg <= low_nibble_next;
    hold_reg <= hold_next;
    held_reg <= held_next;
    len_reg <= len_next;
    crc_reg <= crc_next;
    er_reg <= er_next;
    out_data_reg <= out_data_next;
    out_valid_reg <= out_valid_next;
    out_last_reg <= out_last_next;
    out_user_reg <= out_user_next;
    good_reg <= good_next;
    bad_fcs_reg <= bad_fcs_next;
    rx_error_reg <= rx_error_next;
    framing_reg <= framing_next;

    if (rst) begin
        state_reg <= STATE_WAIT;
        out_valid_reg <= 1'b0;
        out_last_reg <= 1'b0;
        out_user_reg <= 1'b0;
        good_reg <= 1'b0;
        bad_fcs_reg <= 1'b0;
        rx_error_reg <= 1'b0;
        framing_reg <= 1'b0;
    end
end

endmodule

`resetall
