// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Board top for the Digilent Arty A7-100T (XC7A100T-1CSG324C): flue_board_core (the NIC and its
 * UART bridge to the host) on the 100 MHz oscillator, its 64-bit wire ports on mii_mac and the
 * TI DP83848J 10/100 PHY (MII, 100 Mbit/s). Port names are those of Digilent's Arty-A7-100
 * master XDC (hdl/board/arty_a7_100t.xdc).
 *
 * - Clock: CLK100MHZ as is (no MMCM, no vendor primitive). The PHY's 25 MHz reference clock
 *   (eth_ref_clk) is CLK100MHZ divided by 4 in a free-running register (it runs through every
 *   reset: the PHY needs it while in reset).
 * - Reset: ck_rst (the red button, active low) through a two-flop synchroniser; rst is held
 *   while it is pressed and for 2^POR_BITS cycles after power-up or release. The PHY is held
 *   in reset (eth_rstn low) with the core; its TX_CLK and RX_CLK may stop then, which mii_mac
 *   copes with.
 * - MDIO is left idle: eth_mdc low, eth_mdio an input, never driven (Yosys cannot take a
 *   tristate assignment; the board pulls the line up). The PHY's strapping gives
 *   auto-negotiation. eth_col and eth_crs are not used (full duplex).
 * - LEDs (each event stretched to 2^LED_BITS cycles, 84 ms at the default): led[0] heartbeat
 *   (blinks while out of reset), led[1] interrupt (any of the core's irq pulses), led[2]
 *   Ethernet frame sent or received good, led[3] error: the bridge's link_lost or
 *   protocol_error (lit while set), or a frame received bad, dropped, or not sent.
 */
module arty_a7_top #
(
    // host UART rate (bits per second)
    parameter BAUD = 3000000,
    // power-on / button reset length: 2^POR_BITS cycles (2^20: 10.5 ms)
    parameter POR_BITS = 20,
    // LED pulse stretch: 2^LED_BITS cycles
    parameter LED_BITS = 23
)
(
    input  wire       CLK100MHZ,
    input  wire       ck_rst,

    input  wire       uart_txd_in,     // host -> FPGA
    output wire       uart_rxd_out,    // FPGA -> host

    output wire       eth_ref_clk,
    output wire       eth_rstn,
    input  wire       eth_tx_clk,
    output wire       eth_tx_en,
    output wire [3:0] eth_txd,
    input  wire       eth_rx_clk,
    input  wire       eth_rx_dv,
    input  wire       eth_rxerr,
    input  wire [3:0] eth_rxd,
    input  wire       eth_col,
    input  wire       eth_crs,
    output wire       eth_mdc,
    input  wire       eth_mdio,        // not driven: MDIO idle (pulled up on the board)

    output wire [3:0] led
);

localparam CLK_HZ = 100000000;
// cycles per UART bit, round(CLK_HZ / BAUD): 33 at 3 Mbit/s
localparam integer UART_BIT_CYCLES_I = (CLK_HZ + BAUD / 2) / BAUD;
localparam [15:0] UART_BIT_CYCLES = UART_BIT_CYCLES_I[15:0];

initial begin
    if (UART_BIT_CYCLES_I < 8 || UART_BIT_CYCLES_I > 65535) begin
        $error("Error: BAUD must give 8 to 65535 clock cycles per bit (instance %m)");
        $finish;
    end
end

wire clk = CLK100MHZ;

/*
 * Reset
 */
(* ASYNC_REG = "TRUE" *) reg [1:0] button_sync_reg = 2'b00;   // ck_rst, 0: pressed
reg [POR_BITS-1:0] por_count_reg = {POR_BITS{1'b0}};
reg rst_reg = 1'b1;
reg eth_rstn_reg = 1'b0;

wire rst = rst_reg;

always @(posedge clk) begin
    button_sync_reg <= {button_sync_reg[0], ck_rst};
    if (!button_sync_reg[1]) begin
        por_count_reg <= {POR_BITS{1'b0}};
        rst_reg <= 1'b1;
    end else if (!(&por_count_reg)) begin
        por_count_reg <= por_count_reg + 1'b1;
        rst_reg <= 1'b1;
    end else begin
        rst_reg <= 1'b0;
    end
    eth_rstn_reg <= !rst_reg;
end

/*
 * PHY reference clock (25 MHz) and management
 */
reg [1:0] ref_div_reg = 2'd0;

always @(posedge clk) begin
    ref_div_reg <= ref_div_reg + 1'b1;
end

assign eth_ref_clk = ref_div_reg[1];
assign eth_rstn = eth_rstn_reg;
assign eth_mdc = 1'b0;

/*
 * Core and MAC
 */
wire [63:0] tx_tdata;
wire [7:0] tx_tkeep;
wire tx_tvalid;
wire tx_tready;
wire tx_tlast;
wire tx_tuser;
wire [63:0] rx_tdata;
wire [7:0] rx_tkeep;
wire rx_tvalid;
wire rx_tready;
wire rx_tlast;
wire rx_tuser;
wire link_lost;
wire protocol_error;
wire [3:0] irq;

wire stat_tx_frame;
wire stat_tx_error;
wire stat_tx_drop;
wire stat_rx_frame;
wire stat_rx_bad_fcs;
wire stat_rx_error;
wire stat_rx_framing;
wire stat_rx_drop;

flue_board_core #(.CLK_HZ(100000000)) core (
    .clk(clk), .rst(rst),
    .uart_bit_cycles(UART_BIT_CYCLES),
    .uart_rxd(uart_txd_in), .uart_txd(uart_rxd_out),
    .m_axis_tx_tdata(tx_tdata), .m_axis_tx_tkeep(tx_tkeep), .m_axis_tx_tvalid(tx_tvalid),
    .m_axis_tx_tready(tx_tready), .m_axis_tx_tlast(tx_tlast), .m_axis_tx_tuser(tx_tuser),
    .s_axis_rx_tdata(rx_tdata), .s_axis_rx_tkeep(rx_tkeep), .s_axis_rx_tvalid(rx_tvalid),
    .s_axis_rx_tready(rx_tready), .s_axis_rx_tlast(rx_tlast), .s_axis_rx_tuser(rx_tuser),
    .link_lost(link_lost), .protocol_error(protocol_error), .irq(irq)
);

mii_mac mac (
    .clk(clk),
    .rst(rst),
    .s_axis_tx_tdata(tx_tdata),
    .s_axis_tx_tkeep(tx_tkeep),
    .s_axis_tx_tvalid(tx_tvalid),
    .s_axis_tx_tready(tx_tready),
    .s_axis_tx_tlast(tx_tlast),
    .s_axis_tx_tuser(tx_tuser),
    .m_axis_rx_tdata(rx_tdata),
    .m_axis_rx_tkeep(rx_tkeep),
    .m_axis_rx_tvalid(rx_tvalid),
    .m_axis_rx_tready(rx_tready),
    .m_axis_rx_tlast(rx_tlast),
    .m_axis_rx_tuser(rx_tuser),
    .mii_tx_clk(eth_tx_clk),
    .mii_txd(eth_txd),
    .mii_tx_en(eth_tx_en),
    .mii_rx_clk(eth_rx_clk),
    .mii_rxd(eth_rxd),
    .mii_rx_dv(eth_rx_dv),
    .mii_rx_er(eth_rxerr),
    .stat_tx_frame(stat_tx_frame),
    .stat_tx_error(stat_tx_error),
    .stat_tx_drop(stat_tx_drop),
    .stat_rx_frame(stat_rx_frame),
    .stat_rx_bad_fcs(stat_rx_bad_fcs),
    .stat_rx_error(stat_rx_error),
    .stat_rx_framing(stat_rx_framing),
    .stat_rx_drop(stat_rx_drop)
);

/*
 * LEDs
 */
reg [26:0] heartbeat_reg = 27'd0;
reg [LED_BITS-1:0] irq_led_reg = {LED_BITS{1'b0}};
reg [LED_BITS-1:0] eth_led_reg = {LED_BITS{1'b0}};
reg [LED_BITS-1:0] err_led_reg = {LED_BITS{1'b0}};
reg [3:0] led_reg = 4'd0;

wire eth_event = stat_tx_frame || stat_rx_frame;
wire err_event = link_lost || protocol_error || stat_tx_error || stat_tx_drop || stat_rx_bad_fcs
    || stat_rx_error || stat_rx_framing || stat_rx_drop;

always @(posedge clk) begin
    heartbeat_reg <= heartbeat_reg + 1'b1;
    irq_led_reg <= (|irq) ? {LED_BITS{1'b1}} : irq_led_reg - {{LED_BITS-1{1'b0}}, |irq_led_reg};
    eth_led_reg <= eth_event ? {LED_BITS{1'b1}} : eth_led_reg - {{LED_BITS-1{1'b0}}, |eth_led_reg};
    err_led_reg <= err_event ? {LED_BITS{1'b1}} : err_led_reg - {{LED_BITS-1{1'b0}}, |err_led_reg};
    led_reg <= {|err_led_reg, |eth_led_reg, |irq_led_reg, heartbeat_reg[26] && !rst};
end

assign led = led_reg;

// inputs the design does not use (full duplex, MDIO idle)
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, eth_col, eth_crs, eth_mdio};
/* verilator lint_on UNUSED */

endmodule

`resetall
