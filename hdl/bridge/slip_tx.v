// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * SLIP encoder (RFC 1055): AXI stream packets → AXI stream line bytes
 *
 * The framing layer of the serial bridge, matching the host's LinkFrameEncoder
 * (host/device/serial/link-frame.ts): each packet goes out as END, its bytes with END replaced
 * by ESC ESC_END and ESC by ESC ESC_ESC, then END. s_axis_tlast marks a packet's last byte.
 *
 * The output is one register. A byte that needs no escape goes out in the cycle it is taken, so
 * a packet flows at one line byte per cycle; the second byte of an escape and the closing END
 * wait in a pending register, during which s_axis_tready is low. s_axis_tready is combinational
 * in m_axis_tready (the output register can take a byte when it is empty or being emptied).
 */
module slip_tx
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
     * AXI stream output (line bytes)
     */
    output wire [7:0] m_axis_tdata,
    output wire       m_axis_tvalid,
    input  wire       m_axis_tready
);

localparam [7:0]
    SLIP_END = 8'hc0,
    SLIP_ESC = 8'hdb,
    SLIP_ESC_END = 8'hdc,
    SLIP_ESC_ESC = 8'hdd;

// the opening END of the current packet has gone out
reg in_pkt_reg = 1'b0, in_pkt_next;
// a byte to send before taking more input: an escape's second byte or the closing END
reg pend_valid_reg = 1'b0, pend_valid_next;
reg [7:0] pend_data_reg = 8'd0, pend_data_next;
// after the pending byte (an escape's second byte), the closing END
reg pend_end_reg = 1'b0, pend_end_next;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;

// the output register can take a byte this cycle
wire load = !m_axis_tvalid_reg || m_axis_tready;

assign s_axis_tready = load && in_pkt_reg && !pend_valid_reg;
assign m_axis_tdata = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;

always @* begin
    in_pkt_next = in_pkt_reg;
    pend_valid_next = pend_valid_reg;
    pend_data_next = pend_data_reg;
    pend_end_next = pend_end_reg;
    m_axis_tdata_next = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;

    if (load) begin
        if (pend_valid_reg) begin
            m_axis_tdata_next = pend_data_reg;
            m_axis_tvalid_next = 1'b1;
            if (pend_end_reg) begin
                pend_data_next = SLIP_END;
                pend_end_next = 1'b0;
            end else begin
                pend_valid_next = 1'b0;
            end
        end else if (s_axis_tvalid && !in_pkt_reg) begin
            // a packet starts: its opening END first, the byte is taken next cycle
            m_axis_tdata_next = SLIP_END;
            m_axis_tvalid_next = 1'b1;
            in_pkt_next = 1'b1;
        end else if (s_axis_tvalid) begin
            m_axis_tvalid_next = 1'b1;
            if (s_axis_tdata == SLIP_END || s_axis_tdata == SLIP_ESC) begin
                m_axis_tdata_next = SLIP_ESC;
                pend_valid_next = 1'b1;
                pend_data_next = (s_axis_tdata == SLIP_END) ? SLIP_ESC_END : SLIP_ESC_ESC;
                pend_end_next = s_axis_tlast;
            end else begin
                m_axis_tdata_next = s_axis_tdata;
                pend_valid_next = s_axis_tlast;
                pend_data_next = SLIP_END;
                pend_end_next = 1'b0;
            end
            if (s_axis_tlast) begin
                in_pkt_next = 1'b0;
            end
        end
    end
end

always @(posedge clk) begin
    in_pkt_reg <= in_pkt_next;
    pend_valid_reg <= pend_valid_next;
    pend_data_reg <= pend_data_next;
    pend_end_reg <= pend_end_next;
    m_axis_tdata_reg <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;

    if (rst) begin
        in_pkt_reg <= 1'b0;
        pend_valid_reg <= 1'b0;
        pend_end_reg <= 1'b0;
        m_axis_tvalid_reg <= 1'b0;
    end
end

endmodule

`resetall
