// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * MII transmit MAC (100 Mbit/s: one nibble per 25 MHz TX_CLK; nothing in it depends on the
 * nibble rate, so a 2.5 MHz TX_CLK (10 Mbit/s) should do as well, but only 25 MHz is tested).
 * Runs in the PHY's TX_CLK domain. Takes frames as an 8-bit AXI stream
 * (destination address first, no FCS) and sends each as preamble (7 x 0x55), SFD (0xD5), the
 * frame, zero padding up to MIN_FRAME bytes and the FCS (CRC-32, low byte first), every byte
 * low nibble first on TXD with TX_EN high, then keeps TX_EN low for IFG_BYTES byte times.
 *
 * The input must deliver each byte of a frame when asked (one every two cycles): feed it from
 * a store-and-forward FIFO. A byte missing mid-frame (underrun) ends the frame at once with an
 * inverted FCS, so no receiver takes it, and the rest of that frame is discarded. A frame with
 * tuser set on its last byte is sent with an inverted FCS too (aborted). A reset cuts the
 * frame on TXD at once; the input is expected to be reset with it (to start again at a frame).
 * TXD and TX_EN come from registers (to be packed into the IOBs).
 */
module mii_mac_tx #
(
    // frames shorter than this (FCS excluded) are padded with zero bytes
    parameter MIN_FRAME = 60,
    // idle byte times between frames (at least 12)
    parameter IFG_BYTES = 12
)
(
    input  wire       clk,            // TX_CLK
    input  wire       rst,            // synchronous to clk

    /*
     * Frame input
     */
    input  wire [7:0] s_axis_tdata,
    input  wire       s_axis_tvalid,
    output wire       s_axis_tready,
    input  wire       s_axis_tlast,
    input  wire       s_axis_tuser,   // 1 on tlast: abort (bad FCS)

    /*
     * MII
     */
    output wire [3:0] mii_txd,
    output wire       mii_tx_en,

    /*
     * Status: one-cycle pulses as a frame's last nibble leaves
     */
    output wire       status_frame,      // a frame was sent with a good FCS
    output wire       status_bad_frame,  // a frame was sent with an inverted FCS (aborted or underrun)
    output wire       status_underrun,   // of which: input empty mid-frame
    output wire       status_idle        // not sending, not in the inter-frame gap
);

localparam LEN_WIDTH = $clog2(MIN_FRAME + 1);
localparam [LEN_WIDTH-1:0] LEN_MIN = MIN_FRAME;
localparam IFG_CYCLES = 2 * IFG_BYTES;
localparam IFG_WIDTH = $clog2(IFG_CYCLES + 1);
localparam [IFG_WIDTH-1:0] IFG_LAST = IFG_CYCLES - 1;

localparam [2:0]
    STATE_IDLE = 3'd0,
    STATE_PREAMBLE = 3'd1,
    STATE_DATA = 3'd2,
    STATE_PAD = 3'd3,
    STATE_FCS = 3'd4,
    STATE_IFG = 3'd5;

initial begin
    if (MIN_FRAME < 1 || IFG_BYTES < 12) begin
        $error("Error: MIN_FRAME must be at least 1 and IFG_BYTES at least 12 (instance %m)");
        $finish;
    end
end

// one byte into the running CRC-32 (reflected 0xEDB88320, no final inversion)
`include "crc32_byte.vh"

reg [2:0] state_reg = STATE_IDLE, state_next;
// the next edge sends the high nibble of the byte whose low nibble is on TXD
reg high_reg = 1'b0, high_next;
reg [3:0] high_nibble_reg = 4'd0, high_nibble_next;
reg [3:0] txd_reg = 4'd0, txd_next;
reg tx_en_reg = 1'b0, tx_en_next;
reg [31:0] crc_reg = 32'hFFFFFFFF, crc_next;
// preamble bytes sent, FCS bytes sent, inter-frame gap cycles
reg [IFG_WIDTH-1:0] count_reg = {IFG_WIDTH{1'b0}}, count_next;
// frame bytes sent (saturates at MIN_FRAME)
reg [LEN_WIDTH-1:0] len_reg = {LEN_WIDTH{1'b0}}, len_next;
reg bad_reg = 1'b0, bad_next;
reg underrun_reg = 1'b0, underrun_next;
// discarding the rest of an underrun frame
reg discard_reg = 1'b0, discard_next;
reg frame_pulse_reg = 1'b0, frame_pulse_next;
reg bad_pulse_reg = 1'b0, bad_pulse_next;
reg underrun_pulse_reg = 1'b0, underrun_pulse_next;

reg in_ready;
reg [7:0] byte_out;
reg byte_valid;

wire [31:0] fcs = bad_reg ? crc_reg : ~crc_reg;
wire [LEN_WIDTH-1:0] len_inc = (len_reg == LEN_MIN) ? len_reg : len_reg + 1'b1;

assign s_axis_tready = in_ready;
assign mii_txd = txd_reg;
assign mii_tx_en = tx_en_reg;
assign status_frame = frame_pulse_reg;
assign status_bad_frame = bad_pulse_reg;
assign status_underrun = underrun_pulse_reg;
assign status_idle = state_reg == STATE_IDLE && !discard_reg;

always @* begin
    state_next = state_reg;
    high_next = 1'b0;
    high_nibble_next = high_nibble_reg;
    txd_next = 4'd0;
    tx_en_next = 1'b0;
    crc_next = crc_reg;
    count_next = count_reg;
    len_next = len_reg;
    bad_next = bad_reg;
    underrun_next = underrun_reg;
    discard_next = discard_reg;
    frame_pulse_next = 1'b0;
    bad_pulse_next = 1'b0;
    underrun_pulse_next = 1'b0;
    in_ready = 1'b0;
    byte_out = 8'd0;
    byte_valid = 1'b0;

    if (high_reg) begin
        // second half of a byte
        txd_next = high_nibble_reg;
        tx_en_next = 1'b1;
    end else begin
        // a byte boundary: choose the next byte, if any
        case (state_reg)
            STATE_IDLE: begin
                if (discard_reg) begin
                    in_ready = 1'b1;
                    if (s_axis_tvalid && s_axis_tlast) begin
                        discard_next = 1'b0;
                    end
                end else if (s_axis_tvalid) begin
                    byte_out = 8'h55;
                    byte_valid = 1'b1;
                    count_next = 1;
                    crc_next = 32'hFFFFFFFF;
                    len_next = {LEN_WIDTH{1'b0}};
                    bad_next = 1'b0;
                    underrun_next = 1'b0;
                    state_next = STATE_PREAMBLE;
                end
            end
            STATE_PREAMBLE: begin
                byte_valid = 1'b1;
                if (count_reg == 7) begin
                    byte_out = 8'hD5;
                    state_next = STATE_DATA;
                end else begin
                    byte_out = 8'h55;
                    count_next = count_reg + 1'b1;
                end
            end
            STATE_DATA: begin
                byte_valid = 1'b1;
                in_ready = 1'b1;
                if (s_axis_tvalid) begin
                    byte_out = s_axis_tdata;
                    crc_next = crc32_byte(crc_reg, s_axis_tdata);
                    len_next = len_inc;
                    if (s_axis_tlast) begin
                        bad_next = s_axis_tuser;
                        count_next = 0;
                        state_next = (len_inc == LEN_MIN) ? STATE_FCS : STATE_PAD;
                    end
                end else begin
                    // underrun: send one more byte, then the inverted FCS
                    byte_out = 8'h00;
                    crc_next = crc32_byte(crc_reg, 8'h00);
                    bad_next = 1'b1;
                    underrun_next = 1'b1;
                    discard_next = 1'b1;
                    count_next = 0;
                    state_next = STATE_FCS;
                end
            end
            STATE_PAD: begin
                byte_valid = 1'b1;
                byte_out = 8'h00;
                crc_next = crc32_byte(crc_reg, 8'h00);
                len_next = len_inc;
                if (len_inc == LEN_MIN) begin
                    state_next = STATE_FCS;
                end
            end
            STATE_FCS: begin
                byte_valid = 1'b1;
                byte_out = fcs[count_reg[1:0]*8 +: 8];
                count_next = count_reg + 1'b1;
                if (count_reg == 3) begin
                    count_next = 0;
                    frame_pulse_next = !bad_reg;
                    bad_pulse_next = bad_reg;
                    underrun_pulse_next = underrun_reg;
                    state_next = STATE_IFG;
                end
            end
            STATE_IFG: begin
                count_next = count_reg + 1'b1;
                if (count_reg == IFG_LAST) begin
                    state_next = STATE_IDLE;
                end
            end
            default: begin
                state_next = STATE_IDLE;
            end
        endcase

        if (byte_valid) begin
            txd_next = byte_out[3:0];
            tx_en_next = 1'b1;
            high_nibble_next = byte_out[7:4];
            high_next = 1'b1;
        end
    end
end

always @(posedge clk) begin
    state_reg <= state_next;
    high_reg <= high_next;
    high_nibble_reg <= high_nibble_next;
    txd_reg <= txd_next;
    tx_en_reg <= tx_en_next;
    crc_reg <= crc_next;
    count_reg <= count_next;
    len_reg <= len_next;
    bad_reg <= bad_next;
    underrun_reg <= underrun_next;
    discard_reg <= discard_next;
    frame_pulse_reg <= frame_pulse_next;
    bad_pulse_reg <= bad_pulse_next;
    underrun_pulse_reg <= underrun_pulse_next;

    if (rst) begin
        state_reg <= STATE_IDLE;
        high_reg <= 1'b0;
        txd_reg <= 4'd0;
        tx_en_reg <= 1'b0;
        discard_reg <= 1'b0;
        frame_pulse_reg <= 1'b0;
        bad_pulse_reg <= 1'b0;
        underrun_pulse_reg <= 1'b0;
    end
end

endmodule

`resetall
