// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Link transmit buffer: the link_bridge's packet output, from two packet RAMs
 *
 * The bridge sends two kinds of packet, each built whole before it goes out and kept after, so
 * it can go out again byte for byte: the response to the host's last request (RAM A, for replay
 * of a repeated request) and the bridge's own outstanding request (RAM B, for retransmission).
 * Each RAM has one writer (its engine) and is read here only.
 *
 * An engine writes its packet, then pulses x_send with the length on x_len; the packet is then
 * pending (x_pend) until it starts, and x_active while it goes out; x_cancel withdraws a
 * pending packet (the engine is about to write a new one). An engine must not write its RAM
 * while its packet is active. When both are pending they take turns. b_done pulses after the
 * last byte of a B packet left, stat_tx_packet when any packet starts.
 *
 * Byte-serial: a byte is read from the RAM into its output register and handed to the output
 * register, two cycles a byte at most, far faster than the serial line behind.
 */
module link_tx_buffer #
(
    // RAM A and B sizes, bytes (powers of two)
    parameter A_BYTES = 64,
    parameter B_BYTES = 512,
    parameter A_ADDR_WIDTH = $clog2(A_BYTES),
    parameter B_ADDR_WIDTH = $clog2(B_BYTES)
)
(
    input  wire                     clk,
    input  wire                     rst,

    /*
     * Source A
     */
    input  wire                     a_wr_en,
    input  wire [A_ADDR_WIDTH-1:0]  a_wr_addr,
    input  wire [7:0]               a_wr_data,
    input  wire                     a_send,
    input  wire [A_ADDR_WIDTH:0]    a_len,
    input  wire                     a_cancel,
    output wire                     a_pend,
    output wire                     a_active,

    /*
     * Source B
     */
    input  wire                     b_wr_en,
    input  wire [B_ADDR_WIDTH-1:0]  b_wr_addr,
    input  wire [7:0]               b_wr_data,
    input  wire                     b_send,
    input  wire [B_ADDR_WIDTH:0]    b_len,
    input  wire                     b_cancel,
    output wire                     b_pend,
    output wire                     b_active,
    output wire                     b_done,

    /*
     * AXI stream output (packet bytes; tlast = a packet's last byte)
     */
    output wire [7:0]               m_axis_tdata,
    output wire                     m_axis_tvalid,
    input  wire                     m_axis_tready,
    output wire                     m_axis_tlast,

    /*
     * Status: one-cycle pulse per packet started
     */
    output wire                     stat_tx_packet
);

localparam IDX_WIDTH = (A_ADDR_WIDTH > B_ADDR_WIDTH) ? A_ADDR_WIDTH + 1 : B_ADDR_WIDTH + 1;

// parameter assertions
initial begin
    if (A_BYTES < 2 || (1 << A_ADDR_WIDTH) != A_BYTES || B_BYTES < 2 || (1 << B_ADDR_WIDTH) != B_BYTES) begin
        $error("Error: A_BYTES and B_BYTES must be powers of two, at least 2 (instance %m)");
        $finish;
    end
end

localparam [1:0]
    STATE_IDLE = 2'd0,
    STATE_FETCH = 2'd1,  // the RAM reads byte idx
    STATE_LOAD = 2'd2;   // byte idx is in the RAM's output register: to the output register

reg [1:0] state_reg = STATE_IDLE, state_next;
reg sel_b_reg = 1'b0, sel_b_next;          // the packet going out is B's
reg last_b_reg = 1'b0, last_b_next;        // the last packet started was B's (turns)
reg [IDX_WIDTH-1:0] idx_reg = {IDX_WIDTH{1'b0}}, idx_next;
reg [IDX_WIDTH-1:0] len_reg = {IDX_WIDTH{1'b0}}, len_next;
reg a_pend_reg = 1'b0, a_pend_next;
reg b_pend_reg = 1'b0, b_pend_next;
reg b_done_reg = 1'b0, b_done_next;
reg stat_tx_packet_reg = 1'b0, stat_tx_packet_next;

reg [7:0] a_mem [0:A_BYTES-1];
reg [7:0] b_mem [0:B_BYTES-1];
reg [7:0] a_q_reg = 8'd0;
reg [7:0] b_q_reg = 8'd0;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;
reg m_axis_tlast_reg = 1'b0, m_axis_tlast_next;

// the output register can take a byte this cycle
wire load = !m_axis_tvalid_reg || m_axis_tready;
wire a_go = a_pend_reg && !a_cancel;
wire b_go = b_pend_reg && !b_cancel;

// the lengths, IDX_WIDTH wide
/* verilator lint_off UNUSED */
wire [IDX_WIDTH+A_ADDR_WIDTH:0] a_len_ext = {{IDX_WIDTH{1'b0}}, a_len};
wire [IDX_WIDTH+B_ADDR_WIDTH:0] b_len_ext = {{IDX_WIDTH{1'b0}}, b_len};
/* verilator lint_on UNUSED */

assign a_pend = a_pend_reg;
assign a_active = (state_reg != STATE_IDLE) && !sel_b_reg;
assign b_pend = b_pend_reg;
assign b_active = (state_reg != STATE_IDLE) && sel_b_reg;
assign b_done = b_done_reg;
assign m_axis_tdata = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;
assign m_axis_tlast = m_axis_tlast_reg;
assign stat_tx_packet = stat_tx_packet_reg;

always @* begin
    state_next = state_reg;
    sel_b_next = sel_b_reg;
    last_b_next = last_b_reg;
    idx_next = idx_reg;
    len_next = len_reg;
    a_pend_next = a_send || (a_pend_reg && !a_cancel);
    b_pend_next = b_send || (b_pend_reg && !b_cancel);
    b_done_next = 1'b0;
    stat_tx_packet_next = 1'b0;
    m_axis_tdata_next = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;
    m_axis_tlast_next = m_axis_tlast_reg;

    case (state_reg)
        STATE_IDLE: begin
            idx_next = {IDX_WIDTH{1'b0}};
            if (a_go && (!b_go || last_b_reg)) begin
                sel_b_next = 1'b0;
                last_b_next = 1'b0;
                len_next = a_len_ext[IDX_WIDTH-1:0];
                a_pend_next = a_send;
                stat_tx_packet_next = 1'b1;
                state_next = STATE_FETCH;
            end else if (b_go) begin
                sel_b_next = 1'b1;
                last_b_next = 1'b1;
                len_next = b_len_ext[IDX_WIDTH-1:0];
                b_pend_next = b_send;
                stat_tx_packet_next = 1'b1;
                state_next = STATE_FETCH;
            end
        end
        STATE_FETCH: begin
            state_next = STATE_LOAD;
        end
        STATE_LOAD: begin
            if (load) begin
                m_axis_tdata_next = sel_b_reg ? b_q_reg : a_q_reg;
                m_axis_tvalid_next = 1'b1;
                m_axis_tlast_next = (idx_reg + 1'b1 == len_reg);
                idx_next = idx_reg + 1'b1;
                if (idx_reg + 1'b1 == len_reg) begin
                    b_done_next = sel_b_reg;
                    state_next = STATE_IDLE;
                end else begin
                    state_next = STATE_FETCH;
                end
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase
end

// RAMs (no reset)
always @(posedge clk) begin
    if (a_wr_en) begin
        a_mem[a_wr_addr] <= a_wr_data;
    end
    if (b_wr_en) begin
        b_mem[b_wr_addr] <= b_wr_data;
    end
    a_q_reg <= a_mem[idx_reg[A_ADDR_WIDTH-1:0]];
    b_q_reg <= b_mem[idx_reg[B_ADDR_WIDTH-1:0]];
end

always @(posedge clk) begin
    state_reg <= state_next;
    sel_b_reg <= sel_b_next;
    last_b_reg <= last_b_next;
    idx_reg <= idx_next;
    len_reg <= len_next;
    a_pend_reg <= a_pend_next;
    b_pend_reg <= b_pend_next;
    b_done_reg <= b_done_next;
    stat_tx_packet_reg <= stat_tx_packet_next;
    m_axis_tdata_reg <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;
    m_axis_tlast_reg <= m_axis_tlast_next;

    if (rst) begin
        state_reg <= STATE_IDLE;
        sel_b_reg <= 1'b0;
        last_b_reg <= 1'b0;
        a_pend_reg <= 1'b0;
        b_pend_reg <= 1'b0;
        b_done_reg <= 1'b0;
        stat_tx_packet_reg <= 1'b0;
        m_axis_tvalid_reg <= 1'b0;
        m_axis_tlast_reg <= 1'b0;
    end
end

endmodule

`resetall
