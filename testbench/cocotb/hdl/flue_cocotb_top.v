/*
 * flue_cocotb_top: nic_top as the cocotb bridge drives it (testbench only, not for synthesis).
 *
 * The bridge (testbench/cocotb/flue_cocotb) is a Python copy of the Verilator harness's cycle
 * models; every value it reads or writes costs a VPI call, so this wrapper gathers the
 * handshake outputs the models sample every cycle into one vector (`sampled`) and takes the
 * control inputs they drive as one vector (`driven`). Data buses stay separate: they are read
 * or written only on the beats that carry data.
 *
 * The clock runs here, not in Python: while the bridge waits on the host (a DMA reply, the next
 * request) it holds the simulator inside a callback, so no time passes.
 */
`timescale 1ns / 1ps
`default_nettype none

module flue_cocotb_top #(
    // nic_top's parameters as the Verilator build uses them (its defaults)
    parameter DMA_DATA_WIDTH = 128,
    parameter DMA_ID_WIDTH = 4,
    parameter AXIL_ADDR_WIDTH = 12,
    parameter IRQ_VECTORS = 4,
    // half the core clock period: 156.25 MHz, the contract's CORE_CLOCK_HZ
    parameter real CLK_HALF_NS = 3.2
) ();

localparam STRB_WIDTH = DMA_DATA_WIDTH / 8;

reg clk = 1'b0;
always #(CLK_HALF_NS) clk = ~clk;

/*
 * Control inputs, as one vector (bit positions are the bridge's DRIVEN_* constants):
 *   [0] rst
 *   [1] m_axi_arready   [2] m_axi_rvalid   [3] m_axi_rlast   [5:4] m_axi_rresp
 *   [6] m_axi_awready   [7] m_axi_wready   [8] m_axi_bvalid  [10:9] m_axi_bresp
 *   [11] m_axis_tx_tready
 *   [12] s_axis_rx_tvalid [13] s_axis_rx_tlast [14] s_axis_rx_tuser [22:15] s_axis_rx_tkeep
 *   [23] s_axil_awvalid [24] s_axil_wvalid [25] s_axil_arvalid [26] s_axil_bready [27] s_axil_rready
 *   [31:28] m_axi_rid   [35:32] m_axi_bid
 */
reg [35:0] driven = 36'd0;
reg [DMA_DATA_WIDTH-1:0] m_axi_rdata = {DMA_DATA_WIDTH{1'b0}};
reg [63:0] s_axis_rx_tdata = 64'd0;
reg [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr = {AXIL_ADDR_WIDTH{1'b0}};
reg [AXIL_ADDR_WIDTH-1:0] s_axil_araddr = {AXIL_ADDR_WIDTH{1'b0}};
reg [31:0] s_axil_wdata = 32'd0;

wire                       s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
wire [1:0]                 s_axil_bresp, s_axil_rresp;
wire [31:0]                s_axil_rdata;
wire [DMA_ID_WIDTH-1:0]    m_axi_awid, m_axi_arid;
wire [63:0]                m_axi_awaddr, m_axi_araddr;
wire [7:0]                 m_axi_awlen, m_axi_arlen;
wire [2:0]                 m_axi_awsize, m_axi_arsize;
wire [1:0]                 m_axi_awburst, m_axi_arburst;
wire                       m_axi_awvalid, m_axi_wlast, m_axi_wvalid, m_axi_bready, m_axi_arvalid, m_axi_rready;
wire [DMA_DATA_WIDTH-1:0]  m_axi_wdata;
wire [STRB_WIDTH-1:0]      m_axi_wstrb;
wire [IRQ_VECTORS-1:0]     irq;
wire [63:0]                m_axis_tx_tdata;
wire [7:0]                 m_axis_tx_tkeep;
wire                       m_axis_tx_tvalid, m_axis_tx_tlast, m_axis_tx_tuser, s_axis_rx_tready;

/*
 * Handshake outputs, as one vector (the bridge's SAMPLED_* constants):
 *   [3:0] irq
 *   [4] m_axi_arvalid [5] m_axi_rready [6] m_axi_awvalid [7] m_axi_wvalid [8] m_axi_wlast
 *   [9] m_axi_bready
 *   [10] m_axis_tx_tvalid [11] m_axis_tx_tlast [12] m_axis_tx_tuser [20:13] m_axis_tx_tkeep
 *   [21] s_axis_rx_tready
 *   [22] s_axil_awready [23] s_axil_wready [24] s_axil_bvalid [25] s_axil_arready [26] s_axil_rvalid
 *   [28:27] s_axil_bresp [30:29] s_axil_rresp
 */
wire [30:0] sampled = {
    s_axil_rresp, s_axil_bresp,
    s_axil_rvalid, s_axil_arready, s_axil_bvalid, s_axil_wready, s_axil_awready,
    s_axis_rx_tready,
    m_axis_tx_tkeep, m_axis_tx_tuser, m_axis_tx_tlast, m_axis_tx_tvalid,
    m_axi_bready, m_axi_wlast, m_axi_wvalid, m_axi_awvalid, m_axi_rready, m_axi_arvalid,
    irq
};

nic_top #(
    .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .DMA_ID_WIDTH(DMA_ID_WIDTH),
    .IRQ_VECTORS(IRQ_VECTORS)
) dut (
    .clk(clk),
    .rst(driven[0]),
    .s_axil_awaddr(s_axil_awaddr),
    .s_axil_awvalid(driven[23]),
    .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata),
    .s_axil_wstrb(4'hf),
    .s_axil_wvalid(driven[24]),
    .s_axil_wready(s_axil_wready),
    .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid),
    .s_axil_bready(driven[26]),
    .s_axil_araddr(s_axil_araddr),
    .s_axil_arvalid(driven[25]),
    .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata),
    .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(driven[27]),
    .m_axi_awid(m_axi_awid),
    .m_axi_awaddr(m_axi_awaddr),
    .m_axi_awlen(m_axi_awlen),
    .m_axi_awsize(m_axi_awsize),
    .m_axi_awburst(m_axi_awburst),
    .m_axi_awvalid(m_axi_awvalid),
    .m_axi_awready(driven[6]),
    .m_axi_wdata(m_axi_wdata),
    .m_axi_wstrb(m_axi_wstrb),
    .m_axi_wlast(m_axi_wlast),
    .m_axi_wvalid(m_axi_wvalid),
    .m_axi_wready(driven[7]),
    .m_axi_bid(driven[32 +: DMA_ID_WIDTH]),
    .m_axi_bresp(driven[10:9]),
    .m_axi_bvalid(driven[8]),
    .m_axi_bready(m_axi_bready),
    .m_axi_arid(m_axi_arid),
    .m_axi_araddr(m_axi_araddr),
    .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize),
    .m_axi_arburst(m_axi_arburst),
    .m_axi_arvalid(m_axi_arvalid),
    .m_axi_arready(driven[1]),
    .m_axi_rid(driven[28 +: DMA_ID_WIDTH]),
    .m_axi_rdata(m_axi_rdata),
    .m_axi_rresp(driven[5:4]),
    .m_axi_rlast(driven[3]),
    .m_axi_rvalid(driven[2]),
    .m_axi_rready(m_axi_rready),
    .irq(irq),
    .m_axis_tx_tdata(m_axis_tx_tdata),
    .m_axis_tx_tkeep(m_axis_tx_tkeep),
    .m_axis_tx_tvalid(m_axis_tx_tvalid),
    .m_axis_tx_tready(driven[11]),
    .m_axis_tx_tlast(m_axis_tx_tlast),
    .m_axis_tx_tuser(m_axis_tx_tuser),
    .s_axis_rx_tdata(s_axis_rx_tdata),
    .s_axis_rx_tkeep(driven[22:15]),
    .s_axis_rx_tvalid(driven[12]),
    .s_axis_rx_tready(s_axis_rx_tready),
    .s_axis_rx_tlast(driven[13]),
    .s_axis_rx_tuser(driven[14])
);

// the packed vectors have room for what the reference build has, no more
initial begin
    if (DMA_ID_WIDTH > 4 || IRQ_VECTORS != 4 || AXIL_ADDR_WIDTH > 32) begin
        $display("flue_cocotb_top: DMA_ID_WIDTH <= 4 and IRQ_VECTORS == 4 are what the packed vectors hold");
        $finish;
    end
end

endmodule

`default_nettype wire
