// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * AXI4-Lite slave to a simple register strobe interface. One transaction at a time per
 * direction; the write strobe and the read strobe each last one cycle, and the read data is
 * sampled in the strobe cycle. Always answers OKAY. Outside the soft-reset domain.
 */
module csr_axil_slave #
(
    // width of the register address
    parameter ADDR_WIDTH = 12
)
(
    input  wire                  clk,
    input  wire                  rst,

    /*
     * AXI4-Lite slave interface
     */
    input  wire [ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire                  s_axil_awvalid,
    output wire                  s_axil_awready,
    input  wire [31:0]           s_axil_wdata,
    input  wire [3:0]            s_axil_wstrb,
    input  wire                  s_axil_wvalid,
    output wire                  s_axil_wready,
    output wire [1:0]            s_axil_bresp,
    output wire                  s_axil_bvalid,
    input  wire                  s_axil_bready,
    input  wire [ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire                  s_axil_arvalid,
    output wire                  s_axil_arready,
    output wire [31:0]           s_axil_rdata,
    output wire [1:0]            s_axil_rresp,
    output wire                  s_axil_rvalid,
    input  wire                  s_axil_rready,

    /*
     * Register interface
     */
    output wire [ADDR_WIDTH-1:0] reg_wr_addr,
    output wire [31:0]           reg_wr_data,
    output wire [3:0]            reg_wr_strb,
    output wire                  reg_wr_en,
    output wire [ADDR_WIDTH-1:0] reg_rd_addr,
    output wire                  reg_rd_en,
    input  wire [31:0]           reg_rd_data
);

reg s_axil_awready_reg = 1'b0, s_axil_awready_next;
reg s_axil_bvalid_reg = 1'b0, s_axil_bvalid_next;
reg s_axil_arready_reg = 1'b0, s_axil_arready_next;
reg [31:0] s_axil_rdata_reg = 32'd0, s_axil_rdata_next;
reg s_axil_rvalid_reg = 1'b0, s_axil_rvalid_next;

assign s_axil_awready = s_axil_awready_reg;
assign s_axil_wready = s_axil_awready_reg;
assign s_axil_bresp = 2'b00;
assign s_axil_bvalid = s_axil_bvalid_reg;
assign s_axil_arready = s_axil_arready_reg;
assign s_axil_rdata = s_axil_rdata_reg;
assign s_axil_rresp = 2'b00;
assign s_axil_rvalid = s_axil_rvalid_reg;

// address and data are held by the master until the handshake cycle, which is the strobe
assign reg_wr_addr = s_axil_awaddr;
assign reg_wr_data = s_axil_wdata;
assign reg_wr_strb = s_axil_wstrb;
assign reg_wr_en = s_axil_awready_reg;
assign reg_rd_addr = s_axil_araddr;
assign reg_rd_en = s_axil_arready_reg;

always @* begin
    s_axil_awready_next = 1'b0;
    s_axil_bvalid_next = s_axil_bvalid_reg && !s_axil_bready;
    s_axil_arready_next = 1'b0;
    s_axil_rdata_next = s_axil_rdata_reg;
    s_axil_rvalid_next = s_axil_rvalid_reg && !s_axil_rready;

    // write: wait for both address and data, then take them together
    if (s_axil_awready_reg) begin
        s_axil_bvalid_next = 1'b1;
    end else if (s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid_reg) begin
        s_axil_awready_next = 1'b1;
    end

    // read
    if (s_axil_arready_reg) begin
        s_axil_rdata_next = reg_rd_data;
        s_axil_rvalid_next = 1'b1;
    end else if (s_axil_arvalid && !s_axil_rvalid_reg) begin
        s_axil_arready_next = 1'b1;
    end
end

always @(posedge clk) begin
    s_axil_awready_reg <= s_axil_awready_next;
    s_axil_bvalid_reg <= s_axil_bvalid_next;
    s_axil_arready_reg <= s_axil_arready_next;
    s_axil_rdata_reg <= s_axil_rdata_next;
    s_axil_rvalid_reg <= s_axil_rvalid_next;

    if (rst) begin
        s_axil_awready_reg <= 1'b0;
        s_axil_bvalid_reg <= 1'b0;
        s_axil_arready_reg <= 1'b0;
        s_axil_rvalid_reg <= 1'b0;
    end
end

endmodule

`resetall
