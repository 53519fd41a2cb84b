// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Board core: nic_top behind the whole UART bridge, everything of a board that does not depend
 * on its pins
 *
 * A board top (an FPGA board's pins, clocking and reset; or testbench/board's flue-board-sim)
 * instantiates this and gives it one clock, a synchronous active-high reset, the UART's two
 * pins and its rate, and the NIC's 64-bit Ethernet streams. Inside (protocol/SERIAL-LINK.md):
 *
 *   uart_rxd → uart_rx → slip_rx → link_crc_check → link_bridge → link_crc_append → slip_tx
 *            → uart_tx → uart_txd
 *
 * link_bridge's AXI4-Lite master drives nic_top's registers, nic_top's AXI4 DMA master is
 * served by link_bridge's AXI4 slave (DMA_READ / DMA_WRITE to the host), nic_top's interrupt
 * pulses go to link_bridge (IRQ messages), and link_bridge's core_rst resets nic_top (rst, and a
 * RESET request). nic_top's wire ports are this module's.
 *
 * uart_bit_cycles: clock cycles per UART bit, round(clock / baud), at least 8; change it only
 * while the line is idle (or in reset). It also scales the bridge's retransmission timeout
 * (RETRY_MIN_CYCLES + uart_bit_cycles * RETRY_BIT_TIMES cycles, up to RETRY_LIMIT times).
 *
 * uart_rx's overrun and framing error are not used: a byte it loses, or one with a bad stop
 * bit, spoils its packet, which link_crc_check (CRC) or the bridge (length) then drops and
 * counts (LinkStats.rxDropped); nothing else could be done with them here. A framing error
 * byte is passed on as it was received (its tuser is not connected to slip_rx, which has no
 * input for it).
 *
 * link_lost and protocol_error are link_bridge's latched error outputs (for LEDs); irq is
 * nic_top's interrupt pulses, for the board's use (an LED, a counter). link_bridge's activity
 * pulses (stat_rx_packet, stat_rx_dropped, stat_tx_packet, stat_retry) are not brought out:
 * LINK_STATS reports the same counts.
 */
module flue_board_core #
(
    // core clock, Hz (reported to the host in HELLO_REPLY)
    parameter CLK_HZ = 100000000,
    // the bridge's retransmission timeout: RETRY_MIN_CYCLES + uart_bit_cycles * RETRY_BIT_TIMES
    parameter RETRY_MIN_CYCLES = 65536,
    parameter RETRY_BIT_TIMES = 8192,
    // retransmissions of one bridge request before link_lost
    parameter RETRY_LIMIT = 64
)
(
    input  wire         clk,
    input  wire         rst,

    /*
     * UART: clock cycles per bit (at least 8), and the pins
     */
    input  wire [15:0]  uart_bit_cycles,
    input  wire         uart_rxd,
    output wire         uart_txd,

    /*
     * Wire, transmit (nic_top's)
     */
    output wire [63:0]  m_axis_tx_tdata,
    output wire [7:0]   m_axis_tx_tkeep,
    output wire         m_axis_tx_tvalid,
    input  wire         m_axis_tx_tready,
    output wire         m_axis_tx_tlast,
    output wire         m_axis_tx_tuser,

    /*
     * Wire, receive (nic_top's; never stalled)
     */
    input  wire [63:0]  s_axis_rx_tdata,
    input  wire [7:0]   s_axis_rx_tkeep,
    input  wire         s_axis_rx_tvalid,
    output wire         s_axis_rx_tready,
    input  wire         s_axis_rx_tlast,
    input  wire         s_axis_rx_tuser,

    /*
     * Status
     */
    output wire         link_lost,
    output wire         protocol_error,
    output wire [3:0]   irq
);

// nic_top's reference build
localparam AXIL_ADDR_WIDTH = 12;
localparam DMA_ADDR_WIDTH = 64;
localparam DMA_DATA_WIDTH = 128;
localparam DMA_ID_WIDTH = 4;
localparam DMA_MAX_BURST = 16;
localparam IRQ_VECTORS = `FLUE_IRQ_VECTORS;

// the longest link packet: a LinkHeader, a LinkDma and one burst of data (a DMA_WRITE or a
// DMA_READ_REPLY), then its CRC-32; slip_rx drops anything longer
localparam LINK_DMA_BYTES = 20;
localparam LINK_CRC_BYTES = 4;
localparam MAX_LINK_PACKET = `FLUE_LINK_HEADER_BYTES + LINK_DMA_BYTES + DMA_MAX_BURST * DMA_DATA_WIDTH / 8 + LINK_CRC_BYTES;

// parameter assertions
initial begin
    if (IRQ_VECTORS != 4) begin
        $error("Error: the irq port is 4 bits; FLUE_IRQ_VECTORS is %0d (instance %m)", IRQ_VECTORS);
        $finish;
    end
end

/*
 * Line → packets
 */
wire [7:0] rx_byte_tdata;
wire rx_byte_tvalid, rx_byte_tready;
wire rx_byte_tuser_unused;
wire rx_overrun_unused, rx_busy_unused;

uart_rx uart_rx_inst (
    .clk(clk),
    .rst(rst),
    .bit_cycles(uart_bit_cycles),
    .rxd(uart_rxd),
    .m_axis_tdata(rx_byte_tdata),
    .m_axis_tvalid(rx_byte_tvalid),
    .m_axis_tready(rx_byte_tready),
    .m_axis_tuser(rx_byte_tuser_unused),
    .overrun(rx_overrun_unused),
    .busy(rx_busy_unused)
);

wire [7:0] rx_slip_tdata;
wire rx_slip_tvalid, rx_slip_tready, rx_slip_tlast, rx_slip_tuser;

slip_rx #(
    .MAX_PACKET(MAX_LINK_PACKET)
)
slip_rx_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(rx_byte_tdata),
    .s_axis_tvalid(rx_byte_tvalid),
    .s_axis_tready(rx_byte_tready),
    .m_axis_tdata(rx_slip_tdata),
    .m_axis_tvalid(rx_slip_tvalid),
    .m_axis_tready(rx_slip_tready),
    .m_axis_tlast(rx_slip_tlast),
    .m_axis_tuser(rx_slip_tuser)
);

wire [7:0] rx_pkt_tdata;
wire rx_pkt_tvalid, rx_pkt_tready, rx_pkt_tlast, rx_pkt_tuser;

link_crc_check link_crc_check_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(rx_slip_tdata),
    .s_axis_tvalid(rx_slip_tvalid),
    .s_axis_tready(rx_slip_tready),
    .s_axis_tlast(rx_slip_tlast),
    .s_axis_tuser(rx_slip_tuser),
    .m_axis_tdata(rx_pkt_tdata),
    .m_axis_tvalid(rx_pkt_tvalid),
    .m_axis_tready(rx_pkt_tready),
    .m_axis_tlast(rx_pkt_tlast),
    .m_axis_tuser(rx_pkt_tuser)
);

/*
 * Packets → line
 */
wire [7:0] tx_pkt_tdata;
wire tx_pkt_tvalid, tx_pkt_tready, tx_pkt_tlast;

wire [7:0] tx_crc_tdata;
wire tx_crc_tvalid, tx_crc_tready, tx_crc_tlast;

link_crc_append link_crc_append_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(tx_pkt_tdata),
    .s_axis_tvalid(tx_pkt_tvalid),
    .s_axis_tready(tx_pkt_tready),
    .s_axis_tlast(tx_pkt_tlast),
    .m_axis_tdata(tx_crc_tdata),
    .m_axis_tvalid(tx_crc_tvalid),
    .m_axis_tready(tx_crc_tready),
    .m_axis_tlast(tx_crc_tlast)
);

wire [7:0] tx_byte_tdata;
wire tx_byte_tvalid, tx_byte_tready;

slip_tx slip_tx_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(tx_crc_tdata),
    .s_axis_tvalid(tx_crc_tvalid),
    .s_axis_tready(tx_crc_tready),
    .s_axis_tlast(tx_crc_tlast),
    .m_axis_tdata(tx_byte_tdata),
    .m_axis_tvalid(tx_byte_tvalid),
    .m_axis_tready(tx_byte_tready)
);

wire tx_busy_unused;

uart_tx uart_tx_inst (
    .clk(clk),
    .rst(rst),
    .bit_cycles(uart_bit_cycles),
    .s_axis_tdata(tx_byte_tdata),
    .s_axis_tvalid(tx_byte_tvalid),
    .s_axis_tready(tx_byte_tready),
    .txd(uart_txd),
    .busy(tx_busy_unused)
);

/*
 * Bridge ↔ NIC
 */
wire core_rst;

wire [AXIL_ADDR_WIDTH-1:0]  axil_awaddr;
wire                        axil_awvalid;
wire                        axil_awready;
wire [31:0]                 axil_wdata;
wire [3:0]                  axil_wstrb;
wire                        axil_wvalid;
wire                        axil_wready;
wire [1:0]                  axil_bresp;
wire                        axil_bvalid;
wire                        axil_bready;
wire [AXIL_ADDR_WIDTH-1:0]  axil_araddr;
wire                        axil_arvalid;
wire                        axil_arready;
wire [31:0]                 axil_rdata;
wire [1:0]                  axil_rresp;
wire                        axil_rvalid;
wire                        axil_rready;

wire [DMA_ID_WIDTH-1:0]     axi_awid;
wire [DMA_ADDR_WIDTH-1:0]   axi_awaddr;
wire [7:0]                  axi_awlen;
wire [2:0]                  axi_awsize;
wire [1:0]                  axi_awburst;
wire                        axi_awvalid;
wire                        axi_awready;
wire [DMA_DATA_WIDTH-1:0]   axi_wdata;
wire [DMA_DATA_WIDTH/8-1:0] axi_wstrb;
wire                        axi_wlast;
wire                        axi_wvalid;
wire                        axi_wready;
wire [DMA_ID_WIDTH-1:0]     axi_bid;
wire [1:0]                  axi_bresp;
wire                        axi_bvalid;
wire                        axi_bready;
wire [DMA_ID_WIDTH-1:0]     axi_arid;
wire [DMA_ADDR_WIDTH-1:0]   axi_araddr;
wire [7:0]                  axi_arlen;
wire [2:0]                  axi_arsize;
wire [1:0]                  axi_arburst;
wire                        axi_arvalid;
wire                        axi_arready;
wire [DMA_ID_WIDTH-1:0]     axi_rid;
wire [DMA_DATA_WIDTH-1:0]   axi_rdata;
wire [1:0]                  axi_rresp;
wire                        axi_rlast;
wire                        axi_rvalid;
wire                        axi_rready;

wire [IRQ_VECTORS-1:0]      nic_irq;

// the bridge's activity pulses (LinkStats counts them too); not ports of this module
wire stat_rx_packet_unused, stat_rx_dropped_unused, stat_tx_packet_unused, stat_retry_unused;

link_bridge #(
    .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH),
    .DMA_ADDR_WIDTH(DMA_ADDR_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .DMA_ID_WIDTH(DMA_ID_WIDTH),
    .DMA_MAX_BURST(DMA_MAX_BURST),
    .IRQ_VECTORS(IRQ_VECTORS),
    .CLK_HZ(CLK_HZ),
    .RETRY_MIN_CYCLES(RETRY_MIN_CYCLES),
    .RETRY_BIT_TIMES(RETRY_BIT_TIMES),
    .RETRY_LIMIT(RETRY_LIMIT)
)
link_bridge_inst (
    .clk(clk),
    .rst(rst),
    .bit_cycles(uart_bit_cycles),

    .s_axis_tdata(rx_pkt_tdata),
    .s_axis_tvalid(rx_pkt_tvalid),
    .s_axis_tready(rx_pkt_tready),
    .s_axis_tlast(rx_pkt_tlast),
    .s_axis_tuser(rx_pkt_tuser),

    .m_axis_tdata(tx_pkt_tdata),
    .m_axis_tvalid(tx_pkt_tvalid),
    .m_axis_tready(tx_pkt_tready),
    .m_axis_tlast(tx_pkt_tlast),

    .m_axil_awaddr(axil_awaddr),
    .m_axil_awvalid(axil_awvalid),
    .m_axil_awready(axil_awready),
    .m_axil_wdata(axil_wdata),
    .m_axil_wstrb(axil_wstrb),
    .m_axil_wvalid(axil_wvalid),
    .m_axil_wready(axil_wready),
    .m_axil_bresp(axil_bresp),
    .m_axil_bvalid(axil_bvalid),
    .m_axil_bready(axil_bready),
    .m_axil_araddr(axil_araddr),
    .m_axil_arvalid(axil_arvalid),
    .m_axil_arready(axil_arready),
    .m_axil_rdata(axil_rdata),
    .m_axil_rresp(axil_rresp),
    .m_axil_rvalid(axil_rvalid),
    .m_axil_rready(axil_rready),

    .s_axi_awid(axi_awid),
    .s_axi_awaddr(axi_awaddr),
    .s_axi_awlen(axi_awlen),
    .s_axi_awsize(axi_awsize),
    .s_axi_awburst(axi_awburst),
    .s_axi_awvalid(axi_awvalid),
    .s_axi_awready(axi_awready),
    .s_axi_wdata(axi_wdata),
    .s_axi_wstrb(axi_wstrb),
    .s_axi_wlast(axi_wlast),
    .s_axi_wvalid(axi_wvalid),
    .s_axi_wready(axi_wready),
    .s_axi_bid(axi_bid),
    .s_axi_bresp(axi_bresp),
    .s_axi_bvalid(axi_bvalid),
    .s_axi_bready(axi_bready),
    .s_axi_arid(axi_arid),
    .s_axi_araddr(axi_araddr),
    .s_axi_arlen(axi_arlen),
    .s_axi_arsize(axi_arsize),
    .s_axi_arburst(axi_arburst),
    .s_axi_arvalid(axi_arvalid),
    .s_axi_arready(axi_arready),
    .s_axi_rid(axi_rid),
    .s_axi_rdata(axi_rdata),
    .s_axi_rresp(axi_rresp),
    .s_axi_rlast(axi_rlast),
    .s_axi_rvalid(axi_rvalid),
    .s_axi_rready(axi_rready),

    .irq(nic_irq),
    .core_rst(core_rst),
    .link_lost(link_lost),
    .protocol_error(protocol_error),
    .stat_rx_packet(stat_rx_packet_unused),
    .stat_rx_dropped(stat_rx_dropped_unused),
    .stat_tx_packet(stat_tx_packet_unused),
    .stat_retry(stat_retry_unused)
);

nic_top #(
    .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH),
    .DMA_ADDR_WIDTH(DMA_ADDR_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .DMA_ID_WIDTH(DMA_ID_WIDTH),
    .DMA_MAX_BURST(DMA_MAX_BURST),
    .IRQ_VECTORS(IRQ_VECTORS)
)
nic_top_inst (
    .clk(clk),
    .rst(core_rst),

    .s_axil_awaddr(axil_awaddr),
    .s_axil_awvalid(axil_awvalid),
    .s_axil_awready(axil_awready),
    .s_axil_wdata(axil_wdata),
    .s_axil_wstrb(axil_wstrb),
    .s_axil_wvalid(axil_wvalid),
    .s_axil_wready(axil_wready),
    .s_axil_bresp(axil_bresp),
    .s_axil_bvalid(axil_bvalid),
    .s_axil_bready(axil_bready),
    .s_axil_araddr(axil_araddr),
    .s_axil_arvalid(axil_arvalid),
    .s_axil_arready(axil_arready),
    .s_axil_rdata(axil_rdata),
    .s_axil_rresp(axil_rresp),
    .s_axil_rvalid(axil_rvalid),
    .s_axil_rready(axil_rready),

    .m_axi_awid(axi_awid),
    .m_axi_awaddr(axi_awaddr),
    .m_axi_awlen(axi_awlen),
    .m_axi_awsize(axi_awsize),
    .m_axi_awburst(axi_awburst),
    .m_axi_awvalid(axi_awvalid),
    .m_axi_awready(axi_awready),
    .m_axi_wdata(axi_wdata),
    .m_axi_wstrb(axi_wstrb),
    .m_axi_wlast(axi_wlast),
    .m_axi_wvalid(axi_wvalid),
    .m_axi_wready(axi_wready),
    .m_axi_bid(axi_bid),
    .m_axi_bresp(axi_bresp),
    .m_axi_bvalid(axi_bvalid),
    .m_axi_bready(axi_bready),
    .m_axi_arid(axi_arid),
    .m_axi_araddr(axi_araddr),
    .m_axi_arlen(axi_arlen),
    .m_axi_arsize(axi_arsize),
    .m_axi_arburst(axi_arburst),
    .m_axi_arvalid(axi_arvalid),
    .m_axi_arready(axi_arready),
    .m_axi_rid(axi_rid),
    .m_axi_rdata(axi_rdata),
    .m_axi_rresp(axi_rresp),
    .m_axi_rlast(axi_rlast),
    .m_axi_rvalid(axi_rvalid),
    .m_axi_rready(axi_rready),

    .irq(nic_irq),

    .m_axis_tx_tdata(m_axis_tx_tdata),
    .m_axis_tx_tkeep(m_axis_tx_tkeep),
    .m_axis_tx_tvalid(m_axis_tx_tvalid),
    .m_axis_tx_tready(m_axis_tx_tready),
    .m_axis_tx_tlast(m_axis_tx_tlast),
    .m_axis_tx_tuser(m_axis_tx_tuser),

    .s_axis_rx_tdata(s_axis_rx_tdata),
    .s_axis_rx_tkeep(s_axis_rx_tkeep),
    .s_axis_rx_tvalid(s_axis_rx_tvalid),
    .s_axis_rx_tready(s_axis_rx_tready),
    .s_axis_rx_tlast(s_axis_rx_tlast),
    .s_axis_rx_tuser(s_axis_rx_tuser)
);

assign irq = nic_irq;

endmodule

`resetall
