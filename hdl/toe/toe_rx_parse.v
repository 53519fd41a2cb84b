// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"
`include "toe_defs.vh"

/*
 * TOE receive parser: sees every frame from the wire (never stalled) and decides which belong
 * to offloaded connections. Ethernet (dst = local_mac, EtherType IPv4, no VLAN) / IPv4 (IHL 5,
 * header checksum good, not a fragment, protocol 6, total length within the frame) / TCP (data
 * offset within the segment) frames are candidates; a candidate's 4-tuple goes to the lookup
 * table once; a hit whose TCP checksum (pseudo header and segment, Ethernet padding excluded)
 * is good is claimed: its header record (TOE_RXH_*) is queued and its payload, packed from lane
 * 0 at the DMA width, goes into a store-and-forward FIFO; the record is queued only once its
 * payload packet is complete there, so the record follows its payload.
 *
 * The L2 output is the wire input delayed by exactly LOOKUP_LATENCY + 5 cycles (8 by default):
 * m_axis_l2_* presents in cycle n + LOOKUP_LATENCY + 5 what s_axis_rx_* presented in cycle n,
 * every beat and idle cycle unchanged, with tdest set on the tlast of a frame whose tuple hit
 * (claimed, bad TCP checksum, or claimed but dropped for want of room) so l2_rx drops it. The
 * decision for a frame is made a fixed number of cycles after its tlast (the lookup latency is
 * fixed), so it is known for any frame length and with no gap between frames:
 *
 *   T        its tlast in the input register (the wire's tlast one cycle earlier)
 *   T+1      frame fields complete: candidate check, lookup key registered
 *   T+2      lookup presented (accepted or not); TCP checksum folded
 *   T+2+L    lookup result
 *   T+3+L    decision: the payload packet's last word (held until now) enters the FIFO,
 *            marked bad unless claimed with room for the record; tdest set on the tlast
 *   T+4+L    FIFO outcome: record queued, or drop_full
 *
 * Frame layout (bytes, 64-bit beats; byte 0 is tdata[7:0] of beat 0):
 *   0 dst MAC | 6 src MAC | 12 EtherType | 14 IPv4 (16 total length, 20 flags/offset,
 *   23 protocol, 24 checksum, 26 src, 30 dst) | 34 TCP (34 src port, 36 dst port, 38 seq, 42 ack,
 *   46 data offset, 47 flags, 48 window, 50 checksum, 52 urgent, 54 options) | payload at
 *   34 + 4 * data offset up to 14 + total length; any bytes after it are padding.
 * Timestamp option: kind 8 length 10 at option offset 0, or at offset 2 after two NOPs.
 *
 * Claimed frames are at least 54 bytes (7 beats) apart, so one record register and one
 * held payload word suffice for LOOKUP_LATENCY up to 4. Frames longer than ETH_MAX_FRAME are
 * never candidates. After a reset, the rest of a frame the reset found on the wire is not parsed
 * (it still goes to L2, with tdest 0). status_idle: no frame in the parser or the L2 delay line,
 * no decision pending, both FIFOs empty.
 */
module toe_rx_parse #
(
    // width of the payload output (64, 128 or 256; the wire is 64)
    parameter DMA_DATA_WIDTH = 128,
    // width of the payload output tkeep
    parameter DMA_KEEP_WIDTH = DMA_DATA_WIDTH/8,
    // width of a connection id (at most 16)
    parameter CONN_WIDTH = 10,
    // payload FIFO size in bytes (power of two, at least two DMA words)
    parameter PAYLOAD_FIFO_BYTES = 16384,
    // header records held (power of two, at least 2)
    parameter HDR_DEPTH = 64,
    // cycles from a lookup being accepted to its result (fixed, 1 to 4)
    parameter LOOKUP_LATENCY = 3
)
(
    input  wire                        clk,
    input  wire                        rst,

    /*
     * Configuration
     */
    input  wire [47:0]                 local_mac,

    /*
     * Wire input (never stalled)
     */
    input  wire [63:0]                 s_axis_rx_tdata,
    input  wire [7:0]                  s_axis_rx_tkeep,
    input  wire                        s_axis_rx_tvalid,
    output wire                        s_axis_rx_tready,
    input  wire                        s_axis_rx_tlast,
    input  wire                        s_axis_rx_tuser,

    /*
     * Connection lookup (to toe_hash): key out, result in (fixed latency, in order)
     */
    output wire [`TOE_KEY_WIDTH-1:0]   m_lookup_key,
    output wire                        m_lookup_valid,
    input  wire                        m_lookup_ready,
    input  wire                        s_result_hit,
    input  wire [CONN_WIDTH-1:0]       s_result_conn,
    input  wire                        s_result_valid,

    /*
     * L2 output: the wire delayed by LOOKUP_LATENCY + 5 cycles; tdest (on tlast) 1 = taken
     */
    output wire [63:0]                 m_axis_l2_tdata,
    output wire [7:0]                  m_axis_l2_tkeep,
    output wire                        m_axis_l2_tvalid,
    output wire                        m_axis_l2_tlast,
    output wire                        m_axis_l2_tuser,
    output wire                        m_axis_l2_tdest,

    /*
     * Header record output
     */
    output wire [`TOE_RXH_WIDTH-1:0]   m_axis_hdr_tdata,
    output wire                        m_axis_hdr_tvalid,
    input  wire                        m_axis_hdr_tready,

    /*
     * Payload output: one packet per record with payload, packed from lane 0
     */
    output wire [DMA_DATA_WIDTH-1:0]   m_axis_payload_tdata,
    output wire [DMA_KEEP_WIDTH-1:0]   m_axis_payload_tkeep,
    output wire                        m_axis_payload_tvalid,
    input  wire                        m_axis_payload_tready,
    output wire                        m_axis_payload_tlast,

    /*
     * Statistics (one-cycle pulses) and status
     */
    output wire                        stat_claimed,
    output wire                        stat_csum_error,
    output wire                        stat_drop_full,
    output wire                        status_idle,
    // header records queued so far, mod 2^16: the engine counts those it took, so after a
    // connection leaves the lookup table it knows when every record looked up before is in
    output wire [15:0]                 status_hdr_queued
);

localparam DMA_BYTES = DMA_DATA_WIDTH / 8;
localparam FIFO_WORDS = PAYLOAD_FIFO_BYTES / DMA_BYTES;
localparam L = LOOKUP_LATENCY;
// stages of the L2 delay line before the output register (stage 1 is the input register)
localparam DL_STAGES = LOOKUP_LATENCY + 4;
// one delay line word: {tuser, tlast, tvalid, tkeep, tdata}
localparam DL_WIDTH = 64 + 8 + 3;

localparam [15:0] ETH_MAX = `FLUE_ETH_MAX_FRAME;
localparam [15:0] ETHERTYPE_IPV4 = 16'h0800;
localparam [7:0] IPV4_VER_IHL = 8'h45;
localparam [7:0] IP_PROTO_TCP = 8'd6;
localparam [15:0] ETH_HDR_BYTES = 16'd14;
localparam [15:0] IP_HDR_BYTES = 16'd20;
localparam [15:0] IP_TCP_MIN = 16'd40;
// longest IPv4 datagram a maximum frame holds
localparam [15:0] IP_MAX = `FLUE_ETH_MAX_FRAME - 14;
// frame offsets of the checksummed ranges and of the TCP header
localparam [17:0] IP_START = 18'd14;
localparam [17:0] IP_END = 18'd34;
localparam [17:0] TCP_SUM_START = 18'd26;   // the pseudo header's addresses, then the segment
localparam [15:0] TCP_START = 16'd34;
localparam [7:0] TCP_OPT_NOP = 8'd1;
localparam [7:0] TCP_OPT_TS = 8'd8;
localparam [7:0] TCP_OPT_TS_LEN = 8'd10;
localparam [3:0] TCP_DOFF_MIN = 4'd5;
// a timestamp option (10 bytes, or 12 with its two NOPs) needs at least 12 option bytes
localparam [3:0] TCP_DOFF_TS = 4'd8;
localparam [7:0] BEAT_MAX = 8'd255;
localparam [15:0] LEN_MAX = 16'hffff;

// bus width assertions
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (DMA_KEEP_WIDTH * 8 != DMA_DATA_WIDTH) begin
        $error("Error: DMA_KEEP_WIDTH must be DMA_DATA_WIDTH / 8 (instance %m)");
        $finish;
    end
    if (FIFO_WORDS < 2 || (1 << $clog2(PAYLOAD_FIFO_BYTES)) != PAYLOAD_FIFO_BYTES) begin
        $error("Error: PAYLOAD_FIFO_BYTES must be a power of two, two DMA words or more (instance %m)");
        $finish;
    end
    if (HDR_DEPTH < 2 || (1 << $clog2(HDR_DEPTH)) != HDR_DEPTH) begin
        $error("Error: HDR_DEPTH must be a power of two, at least 2 (instance %m)");
        $finish;
    end
    if (CONN_WIDTH < 1 || CONN_WIDTH > 16) begin
        $error("Error: CONN_WIDTH must be 1 to 16 (instance %m)");
        $finish;
    end
    if (LOOKUP_LATENCY < 1 || LOOKUP_LATENCY > 4) begin
        $error("Error: LOOKUP_LATENCY must be 1 to 4 (instance %m)");
        $finish;
    end
end

// a byte count relative to the current beat (value - beat position) clamped to 0..8
function [3:0] clamp8;
    input [17:0] value;
    begin
        if (value[17]) begin
            clamp8 = 4'd0;
        end else if (value > 18'd8) begin
            clamp8 = 4'd8;
        end else begin
            clamp8 = value[3:0];
        end
    end
endfunction

function [3:0] min4;
    input [3:0] a;
    input [3:0] b;
    begin
        min4 = (a < b) ? a : b;
    end
endfunction

// sum of the four 16-bit network-order words of a beat, lanes lo..hi-1 only
function [17:0] beat_sum;
    input [63:0] data;
    input [3:0] lo;
    input [3:0] hi;
    reg [63:0] masked;
    integer i;
    begin
        masked = data;
        for (i = 0; i < 8; i = i + 1) begin
            if (i < lo || i >= hi) begin
                masked[i*8 +: 8] = 8'd0;
            end
        end
        beat_sum = {2'b00, masked[7:0], masked[15:8]} + {2'b00, masked[23:16], masked[31:24]}
            + {2'b00, masked[39:32], masked[47:40]} + {2'b00, masked[55:48], masked[63:56]};
    end
endfunction

function [3:0] popcount8;
    input [7:0] value;
    integer i;
    begin
        popcount8 = 4'd0;
        for (i = 0; i < 8; i = i + 1) begin
            popcount8 = popcount8 + {3'd0, value[i]};
        end
    end
endfunction

`include "toe_functions.vh"

/*
 * L2 delay line: stage 1 is the input register the parser works on; no reset (a pure delay)
 */
reg [DL_WIDTH*DL_STAGES-1:0] dl_reg = {DL_WIDTH*DL_STAGES{1'b0}};
// tvalid of each stage, for status_idle
reg [DL_STAGES-1:0] dl_valid_reg = {DL_STAGES{1'b0}};
reg [DL_WIDTH-1:0] l2_out_reg = {DL_WIDTH{1'b0}};
reg l2_tdest_reg = 1'b0;

integer k;

wire [63:0] s0_data = dl_reg[63:0];
wire [7:0] s0_keep = dl_reg[71:64];
wire s0_valid = dl_reg[72];
wire s0_last = dl_reg[73];
wire s0_user = dl_reg[74];
wire [DL_WIDTH-1:0] dl_tail = dl_reg[DL_WIDTH*DL_STAGES-1 -: DL_WIDTH];

/*
 * Parser state: fields of the frame in the input register, updated beat by beat
 */
reg wire_in_frame_reg = 1'b0;
// a continuous assignment, not part of the always @* below: that block first runs when one of
// its inputs changes, and a register with no reset must not take an X from it at the first edge
wire wire_in_frame_next = s0_valid ? !s0_last : wire_in_frame_reg;
reg discard_reg = 1'b0, discard_next;
reg [7:0] beat_reg = 8'd0, beat_next;
reg [15:0] len_reg = 16'd0, len_next;
reg user_reg = 1'b0, user_next;
reg mac_ok_reg = 1'b0, mac_ok_next;
reg [15:0] ethertype_reg = 16'd0, ethertype_next;
reg [7:0] ver_ihl_reg = 8'd0, ver_ihl_next;
reg [15:0] total_len_reg = 16'd0, total_len_next;
reg no_frag_reg = 1'b0, no_frag_next;
reg [7:0] proto_reg = 8'd0, proto_next;
reg [19:0] ip_sum_reg = 20'd0, ip_sum_next;
reg [31:0] tcp_sum_reg = 32'd0, tcp_sum_next;
reg [31:0] src_ip_reg = 32'd0, src_ip_next;
reg [31:0] dst_ip_reg = 32'd0, dst_ip_next;
reg [15:0] src_port_reg = 16'd0, src_port_next;
reg [15:0] dst_port_reg = 16'd0, dst_port_next;
reg [31:0] seq_reg = 32'd0, seq_next;
reg [31:0] ack_reg = 32'd0, ack_next;
reg [3:0] doff_reg = 4'd0, doff_next;
reg [7:0] flags_reg = 8'd0, flags_next;
reg [15:0] window_reg = 16'd0, window_next;
reg [15:0] urg_reg = 16'd0, urg_next;
reg [95:0] opt_reg = 96'd0, opt_next;          // frame bytes 54..65, byte 54 in [7:0]
reg hdr_ok_reg = 1'b0, hdr_ok_next;            // headers good so far (from beat 6 on)
reg [15:0] pay_start_reg = 16'd0, pay_start_next;
reg [15:0] pay_len_reg = 16'd0, pay_len_next;
reg pay_active_reg = 1'b0, pay_active_next;
reg pay_done_reg = 1'b0, pay_done_next;
reg done_reg = 1'b0, done_next;                // the frame's fields are complete

// parser combinational signals
reg parse;
reg [10:0] pos;
reg [15:0] end_off;
reg [3:0] nbytes;
reg [3:0] ip_lo, ip_hi, tcp_lo, tcp_hi, pay_lo, pay_hi, end_cnt;
reg [17:0] end_rel;
reg [16:0] ip_fold1;
reg [15:0] ip_fold;
reg [3:0] doff_in;
reg hdr_ok_in;
reg feed_valid, feed_last, feed_user;
reg [2:0] feed_offset;
reg [3:0] feed_count;

/*
 * Candidate check, lookup and decision pipeline
 */
reg cand;
reg [`TOE_KEY_WIDTH-1:0] key;
reg [`TOE_KEY_WIDTH-1:0] lk_key_reg = {`TOE_KEY_WIDTH{1'b0}}, lk_key_next;
reg lk_valid_reg = 1'b0, lk_valid_next;
reg d1_valid_reg = 1'b0, d1_valid_next;
reg [31:0] d1_sum_reg = 32'd0, d1_sum_next;
reg [L-1:0] p_valid_reg = {L{1'b0}}, p_valid_next;
reg [L-1:0] p_looked_reg = {L{1'b0}}, p_looked_next;
reg [L-1:0] p_csum_ok_reg = {L{1'b0}}, p_csum_ok_next;

// the record of the last candidate (claimed frames are far enough apart)
reg [31:0] rec_seq_reg = 32'd0, rec_seq_next;
reg [31:0] rec_ack_reg = 32'd0, rec_ack_next;
reg [7:0] rec_flags_reg = 8'd0, rec_flags_next;
reg [15:0] rec_window_reg = 16'd0, rec_window_next;
reg [15:0] rec_urg_reg = 16'd0, rec_urg_next;
reg [15:0] rec_len_reg = 16'd0, rec_len_next;
reg rec_ts_reg = 1'b0, rec_ts_next;
reg [31:0] rec_ts_val_reg = 32'd0, rec_ts_val_next;
reg [31:0] rec_ts_ecr_reg = 32'd0, rec_ts_ecr_next;
reg ts_at0, ts_at2;

// decision (T+3+L) and commit (T+4+L)
reg dec_valid_reg = 1'b0, dec_valid_next;
reg dec_take_reg = 1'b0, dec_take_next;
reg dec_claim_reg = 1'b0, dec_claim_next;
reg dec_bad_csum_reg = 1'b0, dec_bad_csum_next;
reg [CONN_WIDTH-1:0] dec_conn_reg = {CONN_WIDTH{1'b0}}, dec_conn_next;
reg cm_valid_reg = 1'b0, cm_valid_next;
reg cm_claim_reg = 1'b0, cm_claim_next;
reg cm_ok_reg = 1'b0, cm_ok_next;
reg cm_payload_reg = 1'b0, cm_payload_next;
reg [CONN_WIDTH-1:0] cm_conn_reg = {CONN_WIDTH{1'b0}}, cm_conn_next;
reg dec_ok;
reg cm_push;

// the payload packet's last word, held until the decision
reg hold_valid_reg = 1'b0, hold_valid_next;
reg [DMA_DATA_WIDTH-1:0] hold_data_reg = {DMA_DATA_WIDTH{1'b0}}, hold_data_next;
reg [DMA_KEEP_WIDTH-1:0] hold_keep_reg = {DMA_KEEP_WIDTH{1'b0}}, hold_keep_next;
reg hold_user_reg = 1'b0, hold_user_next;

reg stat_claimed_reg = 1'b0, stat_claimed_next;
reg stat_csum_error_reg = 1'b0, stat_csum_error_next;
reg stat_drop_full_reg = 1'b0, stat_drop_full_next;

reg [`TOE_RXH_WIDTH-1:0] rec;

// payload path wires
wire [63:0] ra_tdata;
wire [7:0] ra_tkeep;
wire ra_tvalid;
wire ra_tready;
wire ra_tlast;
wire ra_tuser;
wire ra_idle;
wire ra_in_ready;
wire ra_tid;

wire [DMA_DATA_WIDTH-1:0] up_tdata;
wire [DMA_KEEP_WIDTH-1:0] up_tkeep;
wire up_tvalid;
wire up_tlast;
wire up_tuser;
wire up_idle;

reg [DMA_DATA_WIDTH-1:0] fifo_in_tdata;
reg [DMA_KEEP_WIDTH-1:0] fifo_in_tkeep;
reg fifo_in_tvalid;
reg fifo_in_tlast;
reg fifo_in_tuser;
wire fifo_in_ready;
wire fifo_good;
wire fifo_bad;
wire fifo_overflow;
wire fifo_empty;
wire fifo_in_frame;

wire hdr_in_ready;
wire hdr_empty;

wire lookup_fire = lk_valid_reg && m_lookup_ready;
wire dec_push = dec_valid_reg && hold_valid_reg;

assign s_axis_rx_tready = 1'b1;

assign m_lookup_key = lk_key_reg;
assign m_lookup_valid = lk_valid_reg;

assign m_axis_l2_tdata = l2_out_reg[63:0];
assign m_axis_l2_tkeep = l2_out_reg[71:64];
assign m_axis_l2_tvalid = l2_out_reg[72];
assign m_axis_l2_tlast = l2_out_reg[73];
assign m_axis_l2_tuser = l2_out_reg[74];
assign m_axis_l2_tdest = l2_tdest_reg;

assign stat_claimed = stat_claimed_reg;
assign stat_csum_error = stat_csum_error_reg;
assign stat_drop_full = stat_drop_full_reg;
assign status_idle = !(|dl_valid_reg) && !l2_out_reg[72] && !wire_in_frame_reg && !done_reg
    && !d1_valid_reg && !(|p_valid_reg) && !dec_valid_reg && !cm_valid_reg && !hold_valid_reg
    && ra_idle && up_idle && fifo_empty && !fifo_in_frame && hdr_empty;

/*
 * Parser: one beat of the input register per cycle
 */
always @* begin
    discard_next = discard_reg;
    beat_next = beat_reg;
    len_next = len_reg;
    user_next = user_reg;
    mac_ok_next = mac_ok_reg;
    ethertype_next = ethertype_reg;
    ver_ihl_next = ver_ihl_reg;
    total_len_next = total_len_reg;
    no_frag_next = no_frag_reg;
    proto_next = proto_reg;
    ip_sum_next = ip_sum_reg;
    tcp_sum_next = tcp_sum_reg;
    src_ip_next = src_ip_reg;
    dst_ip_next = dst_ip_reg;
    src_port_next = src_port_reg;
    dst_port_next = dst_port_reg;
    seq_next = seq_reg;
    ack_next = ack_reg;
    doff_next = doff_reg;
    flags_next = flags_reg;
    window_next = window_reg;
    urg_next = urg_reg;
    opt_next = opt_reg;
    hdr_ok_next = hdr_ok_reg;
    pay_start_next = pay_start_reg;
    pay_len_next = pay_len_reg;
    pay_active_next = pay_active_reg;
    pay_done_next = pay_done_reg;
    done_next = 1'b0;

    // wire framing, followed through resets (a reset discards the rest of a frame it cut)
    if (s0_valid) begin
        if (s0_last) begin
            discard_next = 1'b0;
        end
    end
    parse = s0_valid && !discard_reg;

    pos = {beat_reg, 3'b000};
    nbytes = popcount8(s0_keep);
    end_off = total_len_reg + ETH_HDR_BYTES;
    end_rel = {2'b00, end_off} - {7'd0, pos};
    end_cnt = min4(clamp8(end_rel), nbytes);
    ip_lo = clamp8(IP_START - {7'd0, pos});
    ip_hi = min4(clamp8(IP_END - {7'd0, pos}), nbytes);
    tcp_lo = clamp8(TCP_SUM_START - {7'd0, pos});
    tcp_hi = end_cnt;
    pay_lo = clamp8({2'b00, pay_start_reg} - {7'd0, pos});
    pay_hi = end_cnt;

    // IPv4 header checksum, complete once beat 4 is in
    ip_fold1 = {1'b0, ip_sum_reg[15:0]} + {13'd0, ip_sum_reg[19:16]};
    ip_fold = ip_fold1[15:0] + {15'd0, ip_fold1[16]};
    doff_in = s0_data[55:52];
    hdr_ok_in = mac_ok_reg && ethertype_reg == ETHERTYPE_IPV4 && ver_ihl_reg == IPV4_VER_IHL
        && no_frag_reg && proto_reg == IP_PROTO_TCP && ip_fold == 16'hffff
        && total_len_reg >= IP_TCP_MIN && total_len_reg <= IP_MAX
        && doff_in >= TCP_DOFF_MIN && {10'd0, doff_in, 2'b00} <= total_len_reg - IP_HDR_BYTES;

    // payload bytes of this beat into the realigner (beats 6 on, once the headers are good)
    feed_valid = 1'b0;
    feed_last = 1'b0;
    feed_user = 1'b0;
    feed_offset = pay_lo[2:0];
    feed_count = (pay_hi > pay_lo) ? pay_hi - pay_lo : 4'd0;
    if (parse && hdr_ok_reg && !pay_done_reg) begin
        if (end_rel <= 18'd8 && end_rel <= {14'd0, nbytes} && feed_count != 0) begin
            // the beat holding the last payload byte
            feed_valid = 1'b1;
            feed_last = 1'b1;
        end else if (s0_last && (feed_count != 0 || pay_active_reg)) begin
            // the frame ended inside its payload: close the packet, marked bad
            feed_valid = 1'b1;
            feed_last = 1'b1;
            feed_user = 1'b1;
            if (feed_count == 0) begin
                feed_offset = 3'd0;
                feed_count = 4'd1;
            end
        end else if (feed_count != 0) begin
            feed_valid = 1'b1;
        end
    end
    if (feed_valid) begin
        pay_active_next = !feed_last;
        pay_done_next = feed_last;
    end

    if (parse) begin
        beat_next = s0_last ? 8'd0 : (beat_reg == BEAT_MAX ? BEAT_MAX : beat_reg + 8'd1);
        len_next = (beat_reg == 8'd0 ? 16'd0 : len_reg) + {12'd0, nbytes};
        if (beat_reg != 8'd0 && len_reg > LEN_MAX - 16'd8) begin
            len_next = len_reg;
        end
        user_next = s0_user;
        done_next = s0_last;

        ip_sum_next = (beat_reg == 8'd0 ? 20'd0 : ip_sum_reg) + {2'b00, beat_sum(s0_data, ip_lo, ip_hi)};
        tcp_sum_next = (beat_reg == 8'd0 ? 32'd0 : tcp_sum_reg) + {14'd0, beat_sum(s0_data, tcp_lo, tcp_hi)};

        case (beat_reg)
            8'd0: begin
                mac_ok_next = {s0_data[7:0], s0_data[15:8], s0_data[23:16], s0_data[31:24],
                    s0_data[39:32], s0_data[47:40]} == local_mac;
                hdr_ok_next = 1'b0;
                pay_active_next = 1'b0;
                pay_done_next = 1'b0;
            end
            8'd1: begin
                ethertype_next = {s0_data[39:32], s0_data[47:40]};
                ver_ihl_next = s0_data[55:48];
            end
            8'd2: begin
                total_len_next = {s0_data[7:0], s0_data[15:8]};
                no_frag_next = s0_data[37:32] == 6'd0 && s0_data[47:40] == 8'd0;
                proto_next = s0_data[63:56];
            end
            8'd3: begin
                src_ip_next = {s0_data[23:16], s0_data[31:24], s0_data[39:32], s0_data[47:40]};
                dst_ip_next[31:16] = {s0_data[55:48], s0_data[63:56]};
            end
            8'd4: begin
                dst_ip_next[15:0] = {s0_data[7:0], s0_data[15:8]};
                src_port_next = {s0_data[23:16], s0_data[31:24]};
                dst_port_next = {s0_data[39:32], s0_data[47:40]};
                seq_next[31:16] = {s0_data[55:48], s0_data[63:56]};
            end
            8'd5: begin
                seq_next[15:0] = {s0_data[7:0], s0_data[15:8]};
                ack_next = {s0_data[23:16], s0_data[31:24], s0_data[39:32], s0_data[47:40]};
                doff_next = doff_in;
                flags_next = s0_data[63:56];
                hdr_ok_next = hdr_ok_in;
                pay_start_next = TCP_START + {10'd0, doff_in, 2'b00};
                pay_len_next = total_len_reg - IP_HDR_BYTES - {10'd0, doff_in, 2'b00};
            end
            8'd6: begin
                window_next = {s0_data[7:0], s0_data[15:8]};
                urg_next = {s0_data[39:32], s0_data[47:40]};
                opt_next[15:0] = s0_data[63:48];
            end
            8'd7: begin
                opt_next[79:16] = s0_data;
            end
            8'd8: begin
                opt_next[95:80] = s0_data[15:0];
            end
            default: begin
            end
        endcase
    end
end

/*
 * Candidate check and lookup (T+1), checksum fold (T+2), lookup result (T+2+L), decision
 */
always @* begin
    lk_key_next = lk_key_reg;
    lk_valid_next = 1'b0;
    d1_valid_next = done_reg;
    d1_sum_next = tcp_sum_reg + 32'd6 + {16'd0, total_len_reg - IP_HDR_BYTES};
    rec_seq_next = rec_seq_reg;
    rec_ack_next = rec_ack_reg;
    rec_flags_next = rec_flags_reg;
    rec_window_next = rec_window_reg;
    rec_urg_next = rec_urg_reg;
    rec_len_next = rec_len_reg;
    rec_ts_next = rec_ts_reg;
    rec_ts_val_next = rec_ts_val_reg;
    rec_ts_ecr_next = rec_ts_ecr_reg;

    // the headers were checked at beat 5; the rest needs the whole frame
    cand = done_reg && hdr_ok_reg && !user_reg && len_reg <= ETH_MAX
        && len_reg >= total_len_reg + ETH_HDR_BYTES;

    key = {`TOE_KEY_WIDTH{1'b0}};
    key[`TOE_KEY_LOCAL_PORT_LSB +: 16] = dst_port_reg;
    key[`TOE_KEY_REMOTE_PORT_LSB +: 16] = src_port_reg;
    key[`TOE_KEY_LOCAL_IP_LSB +: 32] = dst_ip_reg;
    key[`TOE_KEY_REMOTE_IP_LSB +: 32] = src_ip_reg;

    // the option bytes: opt_reg[8*i +: 8] is option byte i
    ts_at0 = doff_reg >= TCP_DOFF_TS && opt_reg[7:0] == TCP_OPT_TS && opt_reg[15:8] == TCP_OPT_TS_LEN;
    ts_at2 = doff_reg >= TCP_DOFF_TS && opt_reg[7:0] == TCP_OPT_NOP && opt_reg[15:8] == TCP_OPT_NOP
        && opt_reg[23:16] == TCP_OPT_TS && opt_reg[31:24] == TCP_OPT_TS_LEN;

    if (cand) begin
        // a lookup port not ready (table still clearing) makes the frame no candidate
        lk_valid_next = m_lookup_ready;
        lk_key_next = key;
        rec_seq_next = seq_reg;
        rec_ack_next = ack_reg;
        rec_flags_next = flags_reg;
        rec_window_next = window_reg;
        rec_urg_next = urg_reg;
        rec_len_next = pay_len_reg;
        rec_ts_next = ts_at0 || ts_at2;
        if (ts_at2) begin
            rec_ts_val_next = {opt_reg[39:32], opt_reg[47:40], opt_reg[55:48], opt_reg[63:56]};
            rec_ts_ecr_next = {opt_reg[71:64], opt_reg[79:72], opt_reg[87:80], opt_reg[95:88]};
        end else begin
            rec_ts_val_next = {opt_reg[23:16], opt_reg[31:24], opt_reg[39:32], opt_reg[47:40]};
            rec_ts_ecr_next = {opt_reg[55:48], opt_reg[63:56], opt_reg[71:64], opt_reg[79:72]};
        end
        if (!(ts_at0 || ts_at2)) begin
            rec_ts_val_next = 32'd0;
            rec_ts_ecr_next = 32'd0;
        end
    end

    // shift the per-frame pipeline; stage 0 is T+3, stage L-1 is T+2+L
    p_valid_next[0] = d1_valid_reg;
    p_looked_next[0] = lookup_fire;
    p_csum_ok_next[0] = fold32(d1_sum_reg) == 16'hffff;
    for (k = 1; k < L; k = k + 1) begin
        p_valid_next[k] = p_valid_reg[k-1];
        p_looked_next[k] = p_looked_reg[k-1];
        p_csum_ok_next[k] = p_csum_ok_reg[k-1];
    end

    dec_valid_next = p_valid_reg[L-1];
    dec_take_next = p_valid_reg[L-1] && p_looked_reg[L-1] && s_result_valid && s_result_hit;
    dec_claim_next = dec_take_next && p_csum_ok_reg[L-1];
    dec_bad_csum_next = dec_take_next && !p_csum_ok_reg[L-1];
    dec_conn_next = s_result_conn;
end

/*
 * Decision: payload's last word into the FIFO (bad unless claimed with room), then the record
 */
always @* begin
    hold_valid_next = hold_valid_reg;
    hold_data_next = hold_data_reg;
    hold_keep_next = hold_keep_reg;
    hold_user_next = hold_user_reg;
    cm_valid_next = dec_valid_reg;
    cm_claim_next = dec_claim_reg;
    cm_payload_next = rec_len_reg != 16'd0;
    cm_conn_next = dec_conn_reg;
    stat_csum_error_next = dec_valid_reg && dec_bad_csum_reg;

    // room for the record: the previous claimed frame's record went in at least 6 cycles ago
    dec_ok = dec_claim_reg && hdr_in_ready;
    cm_ok_next = dec_ok;

    fifo_in_tdata = up_tdata;
    fifo_in_tkeep = up_tkeep;
    fifo_in_tvalid = up_tvalid && !up_tlast;
    fifo_in_tlast = 1'b0;
    fifo_in_tuser = 1'b0;

    if (up_tvalid && up_tlast) begin
        hold_valid_next = 1'b1;
        hold_data_next = up_tdata;
        hold_keep_next = up_tkeep;
        hold_user_next = up_tuser;
    end

    if (dec_push) begin
        fifo_in_tdata = hold_data_reg;
        fifo_in_tkeep = hold_keep_reg;
        fifo_in_tvalid = 1'b1;
        fifo_in_tlast = 1'b1;
        fifo_in_tuser = hold_user_reg || !dec_ok;
        hold_valid_next = 1'b0;
    end

    cm_push = cm_valid_reg && cm_claim_reg && cm_ok_reg && (!cm_payload_reg || fifo_good);
    stat_claimed_next = cm_push;
    stat_drop_full_next = cm_valid_reg && cm_claim_reg && !cm_push;

    rec = {`TOE_RXH_WIDTH{1'b0}};
    rec[`TOE_RXH_CONN_LSB +: CONN_WIDTH] = cm_conn_reg;
    rec[`TOE_RXH_SEQ_LSB +: 32] = rec_seq_reg;
    rec[`TOE_RXH_ACK_LSB +: 32] = rec_ack_reg;
    rec[`TOE_RXH_FLAGS_LSB +: 8] = rec_flags_reg;
    rec[`TOE_RXH_WINDOW_LSB +: 16] = rec_window_reg;
    rec[`TOE_RXH_URG_LSB +: 16] = rec_urg_reg;
    rec[`TOE_RXH_LEN_LSB +: 16] = rec_len_reg;
    rec[`TOE_RXH_TS_PRESENT_LSB] = rec_ts_reg;
    rec[`TOE_RXH_TS_VAL_LSB +: 32] = rec_ts_val_reg;
    rec[`TOE_RXH_TS_ECR_LSB +: 32] = rec_ts_ecr_reg;
end

// L2 delay line (no reset: every beat passes, whatever happens to the parser)
always @(posedge clk) begin
    dl_reg <= {dl_reg[DL_WIDTH*(DL_STAGES-1)-1:0],
        s_axis_rx_tuser, s_axis_rx_tlast, s_axis_rx_tvalid, s_axis_rx_tkeep, s_axis_rx_tdata};
    dl_valid_reg <= {dl_valid_reg[DL_STAGES-2:0], s_axis_rx_tvalid};
    l2_out_reg <= dl_tail;
    // the tlast of frame decided now is in the last stage
    l2_tdest_reg <= dl_tail[73] && dl_tail[72] && dec_valid_reg && dec_take_reg;
end

always @(posedge clk) begin
    // the wire is not reset with the NIC: its framing is tracked in every cycle
    wire_in_frame_reg <= wire_in_frame_next;
    discard_reg <= discard_next;
    beat_reg <= beat_next;
    len_reg <= len_next;
    user_reg <= user_next;
    mac_ok_reg <= mac_ok_next;
    ethertype_reg <= ethertype_next;
    ver_ihl_reg <= ver_ihl_next;
    total_len_reg <= total_len_next;
    no_frag_reg <= no_frag_next;
    proto_reg <= proto_next;
    ip_sum_reg <= ip_sum_next;
    tcp_sum_reg <= tcp_sum_next;
    src_ip_reg <= src_ip_next;
    dst_ip_reg <= dst_ip_next;
    src_port_reg <= src_port_next;
    dst_port_reg <= dst_port_next;
    seq_reg <= seq_next;
    ack_reg <= ack_next;
    doff_reg <= doff_next;
    flags_reg <= flags_next;
    window_reg <= window_next;
    urg_reg <= urg_next;
    opt_reg <= opt_next;
    hdr_ok_reg <= hdr_ok_next;
    pay_start_reg <= pay_start_next;
    pay_len_reg <= pay_len_next;
    pay_active_reg <= pay_active_next;
    pay_done_reg <= pay_done_next;
    done_reg <= done_next;

    lk_key_reg <= lk_key_next;
    lk_valid_reg <= lk_valid_next;
    d1_valid_reg <= d1_valid_next;
    d1_sum_reg <= d1_sum_next;
    p_valid_reg <= p_valid_next;
    p_looked_reg <= p_looked_next;
    p_csum_ok_reg <= p_csum_ok_next;
    rec_seq_reg <= rec_seq_next;
    rec_ack_reg <= rec_ack_next;
    rec_flags_reg <= rec_flags_next;
    rec_window_reg <= rec_window_next;
    rec_urg_reg <= rec_urg_next;
    rec_len_reg <= rec_len_next;
    rec_ts_reg <= rec_ts_next;
    rec_ts_val_reg <= rec_ts_val_next;
    rec_ts_ecr_reg <= rec_ts_ecr_next;

    dec_valid_reg <= dec_valid_next;
    dec_take_reg <= dec_take_next;
    dec_claim_reg <= dec_claim_next;
    dec_bad_csum_reg <= dec_bad_csum_next;
    dec_conn_reg <= dec_conn_next;
    cm_valid_reg <= cm_valid_next;
    cm_claim_reg <= cm_claim_next;
    cm_ok_reg <= cm_ok_next;
    cm_payload_reg <= cm_payload_next;
    cm_conn_reg <= cm_conn_next;

    hold_valid_reg <= hold_valid_next;
    hold_data_reg <= hold_data_next;
    hold_keep_reg <= hold_keep_next;
    hold_user_reg <= hold_user_next;

    stat_claimed_reg <= stat_claimed_next;
    stat_csum_error_reg <= stat_csum_error_next;
    stat_drop_full_reg <= stat_drop_full_next;

    if (rst) begin
        discard_reg <= wire_in_frame_next;
        beat_reg <= 8'd0;
        len_reg <= 16'd0;
        hdr_ok_reg <= 1'b0;
        pay_active_reg <= 1'b0;
        pay_done_reg <= 1'b0;
        done_reg <= 1'b0;
        lk_valid_reg <= 1'b0;
        d1_valid_reg <= 1'b0;
        p_valid_reg <= {L{1'b0}};
        p_looked_reg <= {L{1'b0}};
        dec_valid_reg <= 1'b0;
        dec_take_reg <= 1'b0;
        dec_claim_reg <= 1'b0;
        dec_bad_csum_reg <= 1'b0;
        cm_valid_reg <= 1'b0;
        cm_claim_reg <= 1'b0;
        hold_valid_reg <= 1'b0;
        stat_claimed_reg <= 1'b0;
        stat_csum_error_reg <= 1'b0;
        stat_drop_full_reg <= 1'b0;
    end
end

// payload bytes packed to lane 0 on the wire width (never stalled: packets are 7 beats apart)
axis_realign #(
    .DATA_WIDTH(64),
    .ID_WIDTH(1)
)
realign_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s0_data),
    .s_axis_offset(feed_offset),
    .s_axis_count(feed_count),
    .s_axis_pad(3'd0),
    .s_axis_tvalid(feed_valid),
    .s_axis_tready(ra_in_ready),
    .s_axis_tlast(feed_last),
    .s_axis_tuser(feed_user),
    .s_axis_tid(1'b0),
    .m_axis_tdata(ra_tdata),
    .m_axis_tkeep(ra_tkeep),
    .m_axis_tvalid(ra_tvalid),
    .m_axis_tready(ra_tready),
    .m_axis_tlast(ra_tlast),
    .m_axis_tuser(ra_tuser),
    .m_axis_tid(ra_tid),
    .status_idle(ra_idle)
);

axis_upsize #(
    .S_DATA_WIDTH(64),
    .M_DATA_WIDTH(DMA_DATA_WIDTH)
)
upsize_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(ra_tdata),
    .s_axis_tkeep(ra_tkeep),
    .s_axis_tvalid(ra_tvalid),
    .s_axis_tready(ra_tready),
    .s_axis_tlast(ra_tlast),
    .s_axis_tuser(ra_tuser),
    .m_axis_tdata(up_tdata),
    .m_axis_tkeep(up_tkeep),
    .m_axis_tvalid(up_tvalid),
    .m_axis_tready(1'b1),
    .m_axis_tlast(up_tlast),
    .m_axis_tuser(up_tuser),
    .status_idle(up_idle)
);

// payload packets, stored whole; a packet marked bad or meeting a full FIFO is dropped
axis_frame_fifo #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .DEPTH(FIFO_WORDS),
    .DROP_WHEN_FULL(1)
)
payload_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(fifo_in_tdata),
    .s_axis_tkeep(fifo_in_tkeep),
    .s_axis_tvalid(fifo_in_tvalid),
    .s_axis_tready(fifo_in_ready),
    .s_axis_tlast(fifo_in_tlast),
    .s_axis_tuser(fifo_in_tuser),
    .m_axis_tdata(m_axis_payload_tdata),
    .m_axis_tkeep(m_axis_payload_tkeep),
    .m_axis_tvalid(m_axis_payload_tvalid),
    .m_axis_tready(m_axis_payload_tready),
    .m_axis_tlast(m_axis_payload_tlast),
    .status_good_frame(fifo_good),
    .status_bad_frame(fifo_bad),
    .status_overflow(fifo_overflow),
    .status_empty(fifo_empty),
    .status_in_frame(fifo_in_frame)
);

reg [15:0] hdr_queued_reg = 16'd0;
always @(posedge clk) begin
    if (cm_push && hdr_in_ready) hdr_queued_reg <= hdr_queued_reg + 1'b1;
    if (rst) hdr_queued_reg <= 16'd0;
end
assign status_hdr_queued = hdr_queued_reg;

// header records, queued once their payload is complete in the payload FIFO
axis_fifo #(
    .DATA_WIDTH(`TOE_RXH_WIDTH),
    .DEPTH(HDR_DEPTH)
)
hdr_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(rec),
    .s_axis_tvalid(cm_push),
    .s_axis_tready(hdr_in_ready),
    .m_axis_tdata(m_axis_hdr_tdata),
    .m_axis_tvalid(m_axis_hdr_tvalid),
    .m_axis_tready(m_axis_hdr_tready),
    .status_empty(hdr_empty)
);

// the realigner is always ready when fed (packets far apart), the frame FIFO never stalls
// (drop when full), its bad/overflow outcomes are the not-committed case of the commit stage
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, ra_in_ready, ra_tid, fifo_in_ready, fifo_bad, fifo_overflow};
/* verilator lint_on UNUSED */

endmodule

`resetall
