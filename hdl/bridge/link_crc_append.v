// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Link CRC append: AXI stream packets → the same packets followed by their CRC-32
 *
 * Sits before slip_tx, the sending twin of link_crc_check: each packet goes out as its bytes
 * then the CRC-32 of them the host's link framing checks (host/device/serial/link-frame.ts):
 * CRC-32/IEEE as zlib's crc32 (reflected, polynomial 0xEDB88320, init 0xFFFFFFFF, final xor
 * 0xFFFFFFFF), little-endian, m_axis_tlast on its last byte (not on the packet's last byte).
 *
 * A byte is taken into the output register and the running CRC in the same cycle, so the packet
 * flows at one byte per cycle; at its tlast the final CRC is computed into a shift register and
 * the next four loads of the output register take its bytes, during which s_axis_tready is low.
 * The packet costs its four CRC bytes and nothing more. s_axis_tready is combinational in
 * m_axis_tready (the output register can take a byte when it is empty or being emptied).
 */
module link_crc_append
(
    input  wire       clk,
    input  wire       rst,

    /*
     * AXI stream input (packet bytes; tlast = a packet's last byte)
     */
    input  wire [7:0] s_axis_tdata,
    input  wire       s_axis_tvalid,
    output wire       s_axis_tready,
    input  wire       s_axis_tlast,

    /*
     * AXI stream output (packet bytes then the CRC-32; tlast = the CRC's last byte)
     */
    output wire [7:0] m_axis_tdata,
    output wire       m_axis_tvalid,
    input  wire       m_axis_tready,
    output wire       m_axis_tlast
);

localparam [31:0] CRC_INIT = 32'hffffffff;

// one byte into the running CRC-32 (reflected 0xEDB88320, no final inversion)
`include "crc32_byte.vh"

// while tail_reg is 0: the running CRC of the packet so far; after its last byte: the final CRC,
// shifted down a byte for each CRC byte sent
reg [31:0] crc_reg = CRC_INIT, crc_next;
// CRC bytes still to send (0..4)
reg [2:0] tail_reg = 3'd0, tail_next;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;
reg m_axis_tlast_reg = 1'b0, m_axis_tlast_next;

// the output register can take a byte this cycle
wire load = !m_axis_tvalid_reg || m_axis_tready;

assign s_axis_tready = load && (tail_reg == 3'd0);
assign m_axis_tdata = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;
assign m_axis_tlast = m_axis_tlast_reg;

always @* begin
    crc_next = crc_reg;
    tail_next = tail_reg;
    m_axis_tdata_next = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;
    m_axis_tlast_next = m_axis_tlast_reg;

    if (load) begin
        if (tail_reg != 3'd0) begin
            // a CRC byte, least significant first
            m_axis_tdata_next = crc_reg[7:0];
            m_axis_tvalid_next = 1'b1;
            m_axis_tlast_next = (tail_reg == 3'd1);
            tail_next = tail_reg - 1'b1;
            crc_next = (tail_reg == 3'd1) ? CRC_INIT : {8'd0, crc_reg[31:8]};
        end else if (s_axis_tvalid) begin
            m_axis_tdata_next = s_axis_tdata;
            m_axis_tvalid_next = 1'b1;
            m_axis_tlast_next = 1'b0;
            if (s_axis_tlast) begin
                crc_next = ~crc32_byte(crc_reg, s_axis_tdata);
                tail_next = 3'd4;
            end else begin
                crc_next = crc32_byte(crc_reg, s_axis_tdata);
            end
        end
    end
end

always @(posedge clk) begin
    crc_reg <= crc_next;
    tail_reg <= tail_next;
    m_axis_tdata_reg <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;
    m_axis_tlast_reg <= m_axis_tlast_next;

    if (rst) begin
        crc_reg <= CRC_INIT;
        tail_reg <= 3'd0;
        m_axis_tvalid_reg <= 1'b0;
        m_axis_tlast_reg <= 1'b0;
    end
end

endmodule

`resetall
