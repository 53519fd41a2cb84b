// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * 100 Mbit/s MII Ethernet MAC for nic_top's 64-bit wire ports (frames without preamble, SFD
 * and FCS on the core side).
 *
 * Transmit: core clock -> axis_async_fifo (store and forward: a frame leaves for the MII only
 * once whole, so the MII never runs dry mid-frame; a frame with tuser set on tlast, or larger
 * than the FIFO, is discarded) -> (TX_CLK) axis_downsize 64 -> 8 -> mii_mac_tx (preamble, SFD,
 * padding to 60 bytes, FCS, inter-frame gap).
 * Receive: (RX_CLK) mii_mac_rx (preamble/SFD/FCS stripped, tuser on a bad frame's last byte)
 * -> axis_upsize 8 -> 64 -> axis_async_fifo (store and forward, never stalls: a frame that meets
 * a full FIFO is dropped whole and counted) -> core clock. A frame reaches the core only once
 * whole, at one word per cycle without a gap (nic_top never stalls it; the port still honours
 * tready). Bad frames are passed on with tuser set on their last word (nic_top counts and drops
 * them).
 * The width converters sit on the MII side of the FIFOs, so the FIFOs are 64 bits wide (one
 * word per core cycle, a quarter of the entries of a byte-wide FIFO).
 *
 * Resets: rst (synchronous to clk) resets everything. The MII sides are reset through
 * synchronisers that assert at once (asynchronously, from a register) and release on their own
 * clock, so they are reset even while the PHY's clocks are stopped (a PHY in reset); the
 * FIFOs keep both their sides in reset until both have been.
 */
module mii_mac #
(
    // transmit FIFO size in 64-bit words (power of two; at least one longest frame)
    parameter TX_FIFO_DEPTH = 512,
    // receive FIFO size in 64-bit words (power of two; at least one longest frame)
    parameter RX_FIFO_DEPTH = 512,
    // transmit padding: frames shorter than this (FCS excluded) are padded with zeros
    parameter TX_MIN_FRAME = 60,
    // receive: shortest good frame, FCS included
    parameter RX_MIN_FRAME = 64
)
(
    input  wire        clk,
    input  wire        rst,

    /*
     * Core side, transmit (nic_top's m_axis_tx_*)
     */
    input  wire [63:0] s_axis_tx_tdata,
    input  wire [7:0]  s_axis_tx_tkeep,
    input  wire        s_axis_tx_tvalid,
    output wire        s_axis_tx_tready,
    input  wire        s_axis_tx_tlast,
    input  wire        s_axis_tx_tuser,   // 1 on tlast: abort (the frame is discarded)

    /*
     * Core side, receive (nic_top's s_axis_rx_*)
     */
    output wire [63:0] m_axis_rx_tdata,
    output wire [7:0]  m_axis_rx_tkeep,
    output wire        m_axis_rx_tvalid,
    input  wire        m_axis_rx_tready,
    output wire        m_axis_rx_tlast,
    output wire        m_axis_rx_tuser,   // 1 on tlast: bad frame

    /*
     * MII (to the PHY)
     */
    input  wire        mii_tx_clk,
    output wire [3:0]  mii_txd,
    output wire        mii_tx_en,
    input  wire        mii_rx_clk,
    input  wire [3:0]  mii_rxd,
    input  wire        mii_rx_dv,
    input  wire        mii_rx_er,

    /*
     * Status: one-cycle pulses in the clk domain, one per frame
     */
    output wire        stat_tx_frame,      // sent on the MII
    output wire        stat_tx_error,      // sent with an inverted FCS (underrun; never expected)
    output wire        stat_tx_drop,       // discarded before the MII: tuser, or larger than the FIFO
    output wire        stat_rx_frame,      // received good
    output wire        stat_rx_bad_fcs,    // received with a wrong FCS
    output wire        stat_rx_error,      // received with RX_ER
    output wire        stat_rx_framing,    // received too short, with an odd nibble, or a bad preamble
    output wire        stat_rx_drop        // dropped whole: the receive FIFO was full
);

/*
 * Resets of the MII clock domains
 */
// a register copy of rst drives the asynchronous assertion
reg rst_hold_reg = 1'b1;
(* ASYNC_REG = "TRUE" *) reg [2:0] tx_rst_sync_reg = 3'b111;
(* ASYNC_REG = "TRUE" *) reg [2:0] rx_rst_sync_reg = 3'b111;
wire tx_rst = tx_rst_sync_reg[2];
wire rx_rst = rx_rst_sync_reg[2];

always @(posedge clk) begin
    rst_hold_reg <= rst;
end

always @(posedge mii_tx_clk or posedge rst_hold_reg) begin
    if (rst_hold_reg) begin
        tx_rst_sync_reg <= 3'b111;
    end else begin
        tx_rst_sync_reg <= {tx_rst_sync_reg[1:0], 1'b0};
    end
end

always @(posedge mii_rx_clk or posedge rst_hold_reg) begin
    if (rst_hold_reg) begin
        rx_rst_sync_reg <= 3'b111;
    end else begin
        rx_rst_sync_reg <= {rx_rst_sync_reg[1:0], 1'b0};
    end
end

/*
 * Transmit
 */
wire [63:0] tx_fifo_tdata;
wire [7:0] tx_fifo_tkeep;
wire tx_fifo_tvalid;
wire tx_fifo_tready;
wire tx_fifo_tlast;
wire tx_fifo_tuser;
wire tx_fifo_good;
wire tx_fifo_bad;
wire tx_fifo_overflow;
wire tx_fifo_empty;

wire [7:0] tx_byte_tdata;
wire tx_byte_tkeep;
wire tx_byte_tvalid;
wire tx_byte_tready;
wire tx_byte_tlast;
wire tx_byte_tuser;
wire tx_down_idle;

wire tx_mac_frame;
wire tx_mac_bad;
wire tx_mac_underrun;
wire tx_mac_idle;

axis_async_fifo #(
    .DATA_WIDTH(64),
    .KEEP_WIDTH(8),
    .DEPTH(TX_FIFO_DEPTH),
    .FRAME_FIFO(1),
    .DROP_BAD_FRAME(1),
    .DROP_WHEN_FULL(0)
)
tx_fifo_inst (
    .s_clk(clk),
    .s_rst(rst),
    .s_axis_tdata(s_axis_tx_tdata),
    .s_axis_tkeep(s_axis_tx_tkeep),
    .s_axis_tvalid(s_axis_tx_tvalid),
    .s_axis_tready(s_axis_tx_tready),
    .s_axis_tlast(s_axis_tx_tlast),
    .s_axis_tuser(s_axis_tx_tuser),
    .m_clk(mii_tx_clk),
    .m_rst(tx_rst),
    .m_axis_tdata(tx_fifo_tdata),
    .m_axis_tkeep(tx_fifo_tkeep),
    .m_axis_tvalid(tx_fifo_tvalid),
    .m_axis_tready(tx_fifo_tready),
    .m_axis_tlast(tx_fifo_tlast),
    .m_axis_tuser(tx_fifo_tuser),
    .s_status_good_frame(tx_fifo_good),
    .s_status_bad_frame(tx_fifo_bad),
    .s_status_overflow(tx_fifo_overflow),
    .m_status_empty(tx_fifo_empty)
);

axis_downsize #(
    .S_DATA_WIDTH(64),
    .M_DATA_WIDTH(8)
)
tx_downsize_inst (
    .clk(mii_tx_clk),
    .rst(tx_rst),
    .s_axis_tdata(tx_fifo_tdata),
    .s_axis_tkeep(tx_fifo_tkeep),
    .s_axis_tvalid(tx_fifo_tvalid),
    .s_axis_tready(tx_fifo_tready),
    .s_axis_tlast(tx_fifo_tlast),
    .s_axis_tuser(tx_fifo_tuser),
    .m_axis_tdata(tx_byte_tdata),
    .m_axis_tkeep(tx_byte_tkeep),
    .m_axis_tvalid(tx_byte_tvalid),
    .m_axis_tready(tx_byte_tready),
    .m_axis_tlast(tx_byte_tlast),
    .m_axis_tuser(tx_byte_tuser),
    .status_idle(tx_down_idle)
);

mii_mac_tx #(
    .MIN_FRAME(TX_MIN_FRAME)
)
tx_mac_inst (
    .clk(mii_tx_clk),
    .rst(tx_rst),
    .s_axis_tdata(tx_byte_tdata),
    .s_axis_tvalid(tx_byte_tvalid),
    .s_axis_tready(tx_byte_tready),
    .s_axis_tlast(tx_byte_tlast),
    .s_axis_tuser(tx_byte_tuser),
    .mii_txd(mii_txd),
    .mii_tx_en(mii_tx_en),
    .status_frame(tx_mac_frame),
    .status_bad_frame(tx_mac_bad),
    .status_underrun(tx_mac_underrun),
    .status_idle(tx_mac_idle)
);

sync_pulse #(
    .WIDTH(2)
)
tx_stat_sync_inst (
    .s_clk(mii_tx_clk),
    .s_pulse({tx_mac_bad, tx_mac_frame}),
    .m_clk(clk),
    .m_pulse({stat_tx_error, stat_tx_frame})
);

assign stat_tx_drop = tx_fifo_bad || tx_fifo_overflow;

/*
 * Receive
 */
wire [7:0] rx_byte_tdata;
wire rx_byte_tvalid;
wire rx_byte_tlast;
wire rx_byte_tuser;
wire rx_mac_good;
wire rx_mac_bad_fcs;
wire rx_mac_error;
wire rx_mac_framing;

wire [63:0] rx_word_tdata;
wire [7:0] rx_word_tkeep;
wire rx_word_tvalid;
wire rx_word_tready;
wire rx_word_tlast;
wire rx_word_tuser;
wire rx_up_ready;
wire rx_up_idle;

wire rx_fifo_good;
wire rx_fifo_bad;
wire rx_fifo_overflow;
wire rx_fifo_empty;

mii_mac_rx #(
    .MIN_FRAME(RX_MIN_FRAME)
)
rx_mac_inst (
    .clk(mii_rx_clk),
    .rst(rx_rst),
    .mii_rxd(mii_rxd),
    .mii_rx_dv(mii_rx_dv),
    .mii_rx_er(mii_rx_er),
    .m_axis_tdata(rx_byte_tdata),
    .m_axis_tvalid(rx_byte_tvalid),
    .m_axis_tlast(rx_byte_tlast),
    .m_axis_tuser(rx_byte_tuser),
    .status_good_frame(rx_mac_good),
    .status_bad_fcs(rx_mac_bad_fcs),
    .status_rx_error(rx_mac_error),
    .status_framing(rx_mac_framing)
);

// never stalls: the FIFO below takes every word (DROP_WHEN_FULL)
axis_upsize #(
    .S_DATA_WIDTH(8),
    .M_DATA_WIDTH(64)
)
rx_upsize_inst (
    .clk(mii_rx_clk),
    .rst(rx_rst),
    .s_axis_tdata(rx_byte_tdata),
    .s_axis_tkeep(1'b1),
    .s_axis_tvalid(rx_byte_tvalid),
    .s_axis_tready(rx_up_ready),
    .s_axis_tlast(rx_byte_tlast),
    .s_axis_tuser(rx_byte_tuser),
    .m_axis_tdata(rx_word_tdata),
    .m_axis_tkeep(rx_word_tkeep),
    .m_axis_tvalid(rx_word_tvalid),
    .m_axis_tready(rx_word_tready),
    .m_axis_tlast(rx_word_tlast),
    .m_axis_tuser(rx_word_tuser),
    .status_idle(rx_up_idle)
);

axis_async_fifo #(
    .DATA_WIDTH(64),
    .KEEP_WIDTH(8),
    .DEPTH(RX_FIFO_DEPTH),
    .FRAME_FIFO(1),
    .DROP_BAD_FRAME(0),
    .DROP_WHEN_FULL(1)
)
rx_fifo_inst (
    .s_clk(mii_rx_clk),
    .s_rst(rx_rst),
    .s_axis_tdata(rx_word_tdata),
    .s_axis_tkeep(rx_word_tkeep),
    .s_axis_tvalid(rx_word_tvalid),
    .s_axis_tready(rx_word_tready),
    .s_axis_tlast(rx_word_tlast),
    .s_axis_tuser(rx_word_tuser),
    .m_clk(clk),
    .m_rst(rst),
    .m_axis_tdata(m_axis_rx_tdata),
    .m_axis_tkeep(m_axis_rx_tkeep),
    .m_axis_tvalid(m_axis_rx_tvalid),
    .m_axis_tready(m_axis_rx_tready),
    .m_axis_tlast(m_axis_rx_tlast),
    .m_axis_tuser(m_axis_rx_tuser),
    .s_status_good_frame(rx_fifo_good),
    .s_status_bad_frame(rx_fifo_bad),
    .s_status_overflow(rx_fifo_overflow),
    .m_status_empty(rx_fifo_empty)
);

sync_pulse #(
    .WIDTH(5)
)
rx_stat_sync_inst (
    .s_clk(mii_rx_clk),
    .s_pulse({rx_fifo_overflow, rx_mac_framing, rx_mac_error, rx_mac_bad_fcs, rx_mac_good}),
    .m_clk(clk),
    .m_pulse({stat_rx_drop, stat_rx_framing, stat_rx_error, stat_rx_bad_fcs, stat_rx_frame})
);

// status the MAC does not report
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, tx_fifo_good, tx_fifo_empty, tx_byte_tkeep, tx_down_idle, tx_mac_underrun,
                   tx_mac_idle, rx_up_ready, rx_up_idle, rx_fifo_good, rx_fifo_bad, rx_fifo_empty};
/* verilator lint_on UNUSED */

endmodule

`resetall
