// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Link CRC check: AXI stream packets ending in a CRC-32 → the packets without it
 *
 * Sits after slip_rx. Each packet ends with the CRC-32 the host's link framing appends
 * (host/device/serial/link-frame.ts): CRC-32/IEEE as zlib's crc32 (reflected, polynomial
 * 0xEDB88320, init 0xFFFFFFFF, final xor 0xFFFFFFFF) over every byte before the last four,
 * stored little-endian in the last four. The output is the packet without those four bytes,
 * tlast on its last payload byte, and m_axis_tuser = 1 on that beat when the CRC does not
 * match or s_axis_tuser was set on any beat of the packet. A packet of fewer than 5 bytes
 * (no payload) comes out as one beat: tdata 0, tlast, tuser 1.
 *
 * The packet's end is known only at its tlast, so the last four bytes are held back in a
 * delay line; a byte leaves it (into the output register, and into the running CRC) when a
 * fifth arrives. At the input tlast the held bytes and the input byte are the CRC, the oldest
 * held byte is the last payload byte.
 *
 * The output is one register, and each input byte moves at most one byte into it, so
 * s_axis_tready is high exactly when that register can take a byte (combinational in
 * m_axis_tready): backpressure stalls the input, nothing is dropped.
 */
module link_crc_check
(
    input  wire       clk,
    input  wire       rst,

    /*
     * AXI stream input (packet bytes with the CRC; tlast = last byte, tuser = bad packet)
     */
    input  wire [7:0] s_axis_tdata,
    input  wire       s_axis_tvalid,
    output wire       s_axis_tready,
    input  wire       s_axis_tlast,
    input  wire       s_axis_tuser,

    /*
     * AXI stream output (payload bytes; tlast = last byte, tuser on it = bad packet)
     */
    output wire [7:0] m_axis_tdata,
    output wire       m_axis_tvalid,
    input  wire       m_axis_tready,
    output wire       m_axis_tlast,
    output wire       m_axis_tuser
);

localparam [31:0] CRC_INIT = 32'hffffffff;

// one byte into the running CRC-32 (reflected 0xEDB88320, no final inversion)
`include "crc32_byte.vh"

// the delay line: dly0 the oldest byte, dly3 the newest; count of bytes held, 0..4
reg [7:0] dly0_reg = 8'd0, dly0_next;
reg [7:0] dly1_reg = 8'd0, dly1_next;
reg [7:0] dly2_reg = 8'd0, dly2_next;
reg [7:0] dly3_reg = 8'd0, dly3_next;
reg [2:0] count_reg = 3'd0, count_next;
// the running CRC over the bytes that have left the delay line
reg [31:0] crc_reg = CRC_INIT, crc_next;
// s_axis_tuser seen on an earlier beat of this packet
reg bad_reg = 1'b0, bad_next;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;
reg m_axis_tlast_reg = 1'b0, m_axis_tlast_next;
reg m_axis_tuser_reg = 1'b0, m_axis_tuser_next;

// the output register can take a byte this cycle
wire load = !m_axis_tvalid_reg || m_axis_tready;
wire take = s_axis_tvalid && load;

assign s_axis_tready = load;
assign m_axis_tdata = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;
assign m_axis_tlast = m_axis_tlast_reg;
assign m_axis_tuser = m_axis_tuser_reg;

// the CRC with the oldest held byte in, and the final value the packet should carry
wire [31:0] crc_with_dly0 = crc32_byte(crc_reg, dly0_reg);
wire [31:0] crc_final = ~crc_with_dly0;
wire [31:0] crc_stored = {s_axis_tdata, dly3_reg, dly2_reg, dly1_reg};

always @* begin
    dly0_next = dly0_reg;
    dly1_next = dly1_reg;
    dly2_next = dly2_reg;
    dly3_next = dly3_reg;
    count_next = count_reg;
    crc_next = crc_reg;
    bad_next = bad_reg;
    m_axis_tdata_next = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;
    m_axis_tlast_next = m_axis_tlast_reg;
    m_axis_tuser_next = m_axis_tuser_reg;

    if (take) begin
        if (s_axis_tlast) begin
            // the packet's end: the oldest held byte is the last payload byte
            m_axis_tvalid_next = 1'b1;
            m_axis_tlast_next = 1'b1;
            if (count_reg == 3'd4) begin
                m_axis_tdata_next = dly0_reg;
                m_axis_tuser_next = bad_reg || s_axis_tuser || (crc_final != crc_stored);
            end else begin
                // fewer than 5 bytes: no payload
                m_axis_tdata_next = 8'd0;
                m_axis_tuser_next = 1'b1;
            end
            count_next = 3'd0;
            crc_next = CRC_INIT;
            bad_next = 1'b0;
        end else begin
            if (count_reg == 3'd4) begin
                // the oldest held byte is payload, not the CRC: out with it
                m_axis_tdata_next = dly0_reg;
                m_axis_tvalid_next = 1'b1;
                m_axis_tlast_next = 1'b0;
                m_axis_tuser_next = 1'b0;
                crc_next = crc_with_dly0;
            end else begin
                count_next = count_reg + 1'b1;
            end
            dly0_next = dly1_reg;
            dly1_next = dly2_reg;
            dly2_next = dly3_reg;
            dly3_next = s_axis_tdata;
            bad_next = bad_reg || s_axis_tuser;
        end
    end
end

always @(posedge clk) begin
    dly0_reg <= dly0_next;
    dly1_reg <= dly1_next;
    dly2_reg <= dly2_next;
    dly3_reg <= dly3_next;
    count_reg <= count_next;
    crc_reg <= crc_next;
    bad_reg <= bad_next;
    m_axis_tdata_reg <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;
    m_axis_tlast_reg <= m_axis_tlast_next;
    m_axis_tuser_reg <= m_axis_tuser_next;

    if (rst) begin
        count_reg <= 3'd0;
        crc_reg <= CRC_INIT;
        bad_reg <= 1'b0;
        m_axis_tvalid_reg <= 1'b0;
        m_axis_tlast_reg <= 1'b0;
        m_axis_tuser_reg <= 1'b0;
    end
end

endmodule

`resetall
