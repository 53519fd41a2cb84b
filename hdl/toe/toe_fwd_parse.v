// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"
`include "toe_defs.vh"

/*
 * Forwarded segments into the engine (R62: a TCP segment the host hands back is processed as if
 * it came from the wire). The engine streams the segment it reads by DMA (from the TCP header
 * on, packed from lane 0, tuser on tlast if the read failed) in here with its connection id, the
 * pseudo header's addresses and the connection's ports. This block does for it what
 * toe_rx_parse does for a frame, after the parser rather than in front of it: the parser runs at
 * exactly line rate, and a saturated wire left no gap to insert a frame into (a forward once
 * waited 17 000 cycles while the peer's newer data went ahead of it).
 *
 *   - TCP checksum over the pseudo header (src_ip, dst_ip, protocol 6, segment length) and the
 *     segment; a bad one is dropped and counted (stat_csum_error, as the parser counts them);
 *   - data offset at least 5 and within the segment, the segment at most MAX_SEG_BYTES, its
 *     ports those of the connection; otherwise dropped (stat_drop);
 *   - a failed read is dropped (the engine completes the forward DMA_ERROR);
 *   - a good segment becomes a header record (TOE_RXH_*, TOE_RXH_FWD set) with the parser's
 *     field and option rules (timestamp: kind 8 length 10 at option offset 0, or at 2 after two
 *     NOPs, only with a data offset of 8 or more), its payload a packet (DMA width, packed from
 *     lane 0) in this block's own payload FIFO; the record is queued once the packet is complete
 *     there, so the record follows its payload.
 *
 * The payload streams through a realigner into the FIFO as the segment comes in; its last word is
 * held until the checksum is known and enters marked bad unless the segment is good. One segment
 * at a time: fwd_ready (no segment in progress, room for the longest payload and for a record)
 * is what the engine waits for before it takes a forward request, so it never stalls reading one
 * (the payload FIFO empties only through placement commands the engine issues).
 * status_busy: a segment has started in and is neither queued nor dropped (a terminate waits for
 * it, R33); status_hdr_queued counts records queued, mod 2^16, as toe_rx_parse's does.
 */
module toe_fwd_parse #
(
    // width of the segment input and of the payload output (64, 128 or 256)
    parameter DMA_DATA_WIDTH = 128,
    // width of their tkeep
    parameter DMA_KEEP_WIDTH = DMA_DATA_WIDTH/8,
    // width of a connection id (at most 16)
    parameter CONN_WIDTH = 10,
    // longest segment accepted (queue_dispatch refuses longer forwards with BAD_LENGTH)
    parameter MAX_SEG_BYTES = `FLUE_FORWARD_MAX,
    // payload FIFO size in bytes (power of two, holding at least the longest payload)
    parameter PAYLOAD_FIFO_BYTES = 4096,
    // header records held (power of two, at least 2)
    parameter HDR_DEPTH = 4
)
(
    input  wire                        clk,
    input  wire                        rst,

    /*
     * Segment in (fields sampled with its first beat), packed from lane 0
     */
    input  wire [CONN_WIDTH-1:0]       s_fwd_conn,
    // the pseudo header's addresses: the peer's (source) and ours (destination)
    input  wire [31:0]                 s_fwd_src_ip,
    input  wire [31:0]                 s_fwd_dst_ip,
    // the connection's ports: the segment's source port is the peer's
    input  wire [15:0]                 s_fwd_src_port,
    input  wire [15:0]                 s_fwd_dst_port,
    input  wire [DMA_DATA_WIDTH-1:0]   s_axis_seg_tdata,
    input  wire [DMA_KEEP_WIDTH-1:0]   s_axis_seg_tkeep,
    input  wire                        s_axis_seg_tvalid,
    output wire                        s_axis_seg_tready,
    input  wire                        s_axis_seg_tlast,
    input  wire                        s_axis_seg_tuser,
    // room for a whole segment and its record: the next forward may start
    output wire                        fwd_ready,

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
    output wire                        stat_drop,
    output wire                        status_busy,
    output wire                        status_idle,
    output wire [15:0]                 status_hdr_queued
);

localparam DMA_BYTES = DMA_KEEP_WIDTH;
localparam LANE_WIDTH = $clog2(DMA_BYTES);
localparam FIFO_WORDS = PAYLOAD_FIFO_BYTES / DMA_BYTES;
localparam FIFO_AW = $clog2(FIFO_WORDS);
// the longest payload in FIFO words (a segment has at least a 20-byte header)
localparam PAY_WORDS_MAX = (MAX_SEG_BYTES - 20 + DMA_BYTES - 1) / DMA_BYTES;
localparam HDR_AW = $clog2(HDR_DEPTH);
// header bytes kept: the fixed header and the 12 option bytes a timestamp can lie in
localparam HDR_BYTES = 32;

localparam integer ROOM_WORDS = FIFO_WORDS - PAY_WORDS_MAX;
// fwd_ready while at most this many words are used
localparam [FIFO_AW:0] ROOM_LIMIT = ROOM_WORDS[FIFO_AW:0];
localparam [HDR_AW:0] HDR_LIMIT = HDR_DEPTH[HDR_AW:0];
localparam [15:0] SEG_MAX = MAX_SEG_BYTES;
localparam [7:0] TCP_OPT_NOP = 8'd1;
localparam [7:0] TCP_OPT_TS = 8'd8;
localparam [7:0] TCP_OPT_TS_LEN = 8'd10;
localparam [3:0] TCP_DOFF_MIN = 4'd5;
localparam [3:0] TCP_DOFF_TS = 4'd8;
localparam [7:0] BEAT_MAX = 8'd255;
// the word holding byte 12 (the data offset)
localparam integer DOFF_BEAT_INT = 12 / DMA_BYTES;
localparam [7:0] DOFF_BEAT = DOFF_BEAT_INT[7:0];

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
    if (CONN_WIDTH < 1 || CONN_WIDTH > 16) begin
        $error("Error: CONN_WIDTH must be 1 to 16 (instance %m)");
        $finish;
    end
    if (MAX_SEG_BYTES < 20 || MAX_SEG_BYTES > 65535) begin
        $error("Error: MAX_SEG_BYTES must be 20 to 65535 (instance %m)");
        $finish;
    end
    if ((1 << $clog2(PAYLOAD_FIFO_BYTES)) != PAYLOAD_FIFO_BYTES || FIFO_WORDS < 2 || FIFO_WORDS < PAY_WORDS_MAX) begin
        $error("Error: PAYLOAD_FIFO_BYTES must be a power of two holding the longest payload (instance %m)");
        $finish;
    end
    if (HDR_DEPTH < 2 || (1 << $clog2(HDR_DEPTH)) != HDR_DEPTH) begin
        $error("Error: HDR_DEPTH must be a power of two, at least 2 (instance %m)");
        $finish;
    end
end

`include "toe_functions.vh"

function [LANE_WIDTH:0] popcount;
    input [DMA_BYTES-1:0] value;
    integer b;
    begin
        popcount = {LANE_WIDTH+1{1'b0}};
        for (b = 0; b < DMA_BYTES; b = b + 1) begin
            popcount = popcount + {{LANE_WIDTH{1'b0}}, value[b]};
        end
    end
endfunction

// sum of a word's 16-bit network-order words, lanes without tkeep as zero
function [31:0] word_sum;
    input [DMA_DATA_WIDTH-1:0] data;
    input [DMA_BYTES-1:0] keep;
    integer b;
    reg [DMA_DATA_WIDTH-1:0] masked;
    begin
        masked = data;
        for (b = 0; b < DMA_BYTES; b = b + 1) begin
            if (!keep[b]) masked[8*b +: 8] = 8'd0;
        end
        word_sum = 32'd0;
        for (b = 0; b < DMA_BYTES; b = b + 2) begin
            word_sum = word_sum + {16'd0, masked[8*b +: 8], masked[8*(b+1) +: 8]};
        end
    end
endfunction

localparam [2:0]
    ST_IN = 3'd0,       // taking beats (idle until the first)
    ST_SUM = 3'd1,      // the whole segment in: checksum folded, fields checked
    ST_DEC = 3'd2,      // decided: the held payload word goes in, or the record without payload
    ST_COMMIT = 3'd3;   // the payload FIFO's outcome for the packet: the record follows it

reg [2:0] state_reg = ST_IN, state_next;
reg started_reg = 1'b0, started_next;           // a segment's first beat is in
reg [7:0] beat_reg = 8'd0, beat_next;
reg [15:0] cnt_reg = 16'd0, cnt_next;           // segment bytes so far
reg long_reg = 1'b0, long_next;                 // more than MAX_SEG_BYTES
reg user_reg = 1'b0, user_next;
reg [31:0] sum_reg = 32'd0, sum_next;
reg [8*HDR_BYTES-1:0] hdr_reg = {8*HDR_BYTES{1'b0}}, hdr_next;
reg fed_reg = 1'b0, fed_next;                   // payload bytes went to the realigner
reg [CONN_WIDTH-1:0] conn_reg = {CONN_WIDTH{1'b0}}, conn_next;
reg [31:0] src_ip_reg = 32'd0, src_ip_next;
reg [31:0] dst_ip_reg = 32'd0, dst_ip_next;
reg [15:0] src_port_reg = 16'd0, src_port_next;
reg [15:0] dst_port_reg = 16'd0, dst_port_next;
reg ok_reg = 1'b0, ok_next;
reg [`TOE_RXH_WIDTH-1:0] rec_reg = {`TOE_RXH_WIDTH{1'b0}}, rec_next;

// the payload packet's last word, held until the decision
reg hold_valid_reg = 1'b0, hold_valid_next;
reg [DMA_DATA_WIDTH-1:0] hold_data_reg = {DMA_DATA_WIDTH{1'b0}}, hold_data_next;
reg [DMA_KEEP_WIDTH-1:0] hold_keep_reg = {DMA_KEEP_WIDTH{1'b0}}, hold_keep_next;

// payload FIFO words committed and not yet read out, and words of the packet being written
reg [FIFO_AW:0] used_reg = {FIFO_AW+1{1'b0}}, used_next;
reg [FIFO_AW:0] pkt_words_reg = {FIFO_AW+1{1'b0}}, pkt_words_next;
reg [HDR_AW:0] hdr_count_reg = {HDR_AW+1{1'b0}}, hdr_count_next;
reg [15:0] hdr_queued_reg = 16'd0, hdr_queued_next;

reg stat_claimed_reg = 1'b0, stat_claimed_next;
reg stat_csum_error_reg = 1'b0, stat_csum_error_next;
reg stat_drop_reg = 1'b0, stat_drop_next;

// combinational
reg seg_fire;
reg [LANE_WIDTH:0] nbytes;
reg [3:0] doff_cur;
reg [15:0] hlen_cur;
reg [15:0] pay_off;
reg [LANE_WIDTH:0] feed_count;
reg [LANE_WIDTH-1:0] feed_offset;
reg feed_valid;
reg [3:0] doff;
reg [15:0] hlen;
reg [31:0] psum;
reg hdr_ok;
reg csum_ok;
reg ts_at0, ts_at2;
reg [`TOE_RXH_WIDTH-1:0] rec;
reg hdr_push;
reg fifo_in_valid;
reg [DMA_DATA_WIDTH-1:0] fifo_in_data;
reg [DMA_KEEP_WIDTH-1:0] fifo_in_keep;
reg fifo_in_last;
reg fifo_in_user;

integer b;

// realigner and FIFO wires
wire ra_in_ready;
wire [DMA_DATA_WIDTH-1:0] ra_tdata;
wire [DMA_KEEP_WIDTH-1:0] ra_tkeep;
wire ra_tvalid;
wire ra_tready = !hold_valid_reg;
wire ra_tlast;
wire ra_tuser;
wire ra_tid;
wire ra_idle;
wire fifo_in_ready;
wire fifo_good;
wire fifo_bad;
wire fifo_overflow;
wire fifo_empty;
wire fifo_in_frame;
wire hdr_in_ready;
wire hdr_empty;

wire pay_out_fire = m_axis_payload_tvalid && m_axis_payload_tready;
wire hdr_out_fire = m_axis_hdr_tvalid && m_axis_hdr_tready;

assign s_axis_seg_tready = state_reg == ST_IN && ra_in_ready;
assign fwd_ready = state_reg == ST_IN && !started_reg && used_reg <= ROOM_LIMIT && hdr_count_reg < HDR_LIMIT;

assign stat_claimed = stat_claimed_reg;
assign stat_csum_error = stat_csum_error_reg;
assign stat_drop = stat_drop_reg;
assign status_busy = state_reg != ST_IN || started_reg;
assign status_idle = !status_busy && !hold_valid_reg && ra_idle && fifo_empty && !fifo_in_frame && hdr_empty;
assign status_hdr_queued = hdr_queued_reg;

always @* begin
    state_next = state_reg;
    started_next = started_reg;
    beat_next = beat_reg;
    cnt_next = cnt_reg;
    long_next = long_reg;
    user_next = user_reg;
    sum_next = sum_reg;
    hdr_next = hdr_reg;
    fed_next = fed_reg;
    conn_next = conn_reg;
    src_ip_next = src_ip_reg;
    dst_ip_next = dst_ip_reg;
    src_port_next = src_port_reg;
    dst_port_next = dst_port_reg;
    ok_next = ok_reg;
    rec_next = rec_reg;
    hold_valid_next = hold_valid_reg;
    hold_data_next = hold_data_reg;
    hold_keep_next = hold_keep_reg;
    used_next = used_reg;
    pkt_words_next = pkt_words_reg;
    hdr_count_next = hdr_count_reg;
    hdr_queued_next = hdr_queued_reg;
    stat_claimed_next = 1'b0;
    stat_csum_error_next = 1'b0;
    stat_drop_next = 1'b0;
    hdr_push = 1'b0;

    /*
     * Input: each beat's payload bytes (from the data offset on) into the realigner
     */
    seg_fire = s_axis_seg_tvalid && s_axis_seg_tready;
    nbytes = popcount(s_axis_seg_tkeep);
    // the data offset is in byte 12: in the beat at hand when that beat is the one holding it
    doff_cur = (beat_reg == DOFF_BEAT) ? s_axis_seg_tdata[8*(12 % DMA_BYTES) + 4 +: 4] : hdr_reg[8*12 + 4 +: 4];
    // a data offset under 5 makes the segment bad (dropped whatever is fed): never feed a byte
    // before 20, so a word before the one holding byte 12 never needs it
    hlen_cur = doff_cur < TCP_DOFF_MIN ? 16'd20 : {10'd0, doff_cur, 2'b00};
    // where the payload starts in this beat (cnt_reg is this beat's position: earlier beats are full)
    pay_off = hlen_cur > cnt_reg ? hlen_cur - cnt_reg : 16'd0;
    if (pay_off < {{15-LANE_WIDTH{1'b0}}, nbytes}) begin
        feed_count = nbytes - pay_off[LANE_WIDTH:0];
        feed_offset = pay_off[LANE_WIDTH-1:0];
    end else begin
        feed_count = {LANE_WIDTH+1{1'b0}};
        feed_offset = {LANE_WIDTH{1'b0}};
    end
    // a beat with payload is the last one only if the segment ends there (the bytes before the
    // data offset come first, so a segment with payload has some in its last beat)
    feed_valid = seg_fire && feed_count != 0;

    if (seg_fire) begin
        started_next = !s_axis_seg_tlast;
        beat_next = beat_reg == BEAT_MAX ? BEAT_MAX : beat_reg + 8'd1;
        cnt_next = cnt_reg + {{15-LANE_WIDTH{1'b0}}, nbytes};
        if (cnt_next > SEG_MAX || cnt_next < cnt_reg) long_next = 1'b1;
        sum_next = sum_reg + word_sum(s_axis_seg_tdata, s_axis_seg_tkeep);
        for (b = 0; b < HDR_BYTES; b = b + 1) begin
            if ({24'd0, beat_reg} == b / DMA_BYTES) hdr_next[8*b +: 8] = s_axis_seg_tdata[8*(b % DMA_BYTES) +: 8];
        end
        if (feed_count != 0) fed_next = 1'b1;
        if (!started_reg) begin
            conn_next = s_fwd_conn;
            src_ip_next = s_fwd_src_ip;
            dst_ip_next = s_fwd_dst_ip;
            src_port_next = s_fwd_src_port;
            dst_port_next = s_fwd_dst_port;
        end
        if (s_axis_seg_tlast) begin
            // a failed read shows on the last beat
            user_next = s_axis_seg_tuser;
            state_next = ST_SUM;
        end
    end

    // the realigner's words into the FIFO, its last one held
    if (ra_tvalid && ra_tready && ra_tlast) begin
        hold_valid_next = 1'b1;
        hold_data_next = ra_tdata;
        hold_keep_next = ra_tkeep;
    end
    fifo_in_valid = ra_tvalid && ra_tready && !ra_tlast;
    fifo_in_data = ra_tdata;
    fifo_in_keep = ra_tkeep;
    fifo_in_last = 1'b0;
    fifo_in_user = 1'b0;

    /*
     * Decision: the checks toe_rx_parse makes on a frame's TCP part, and the same record
     */
    doff = hdr_reg[8*12 + 4 +: 4];
    hlen = {10'd0, doff, 2'b00};
    psum = sum_reg + {16'd0, src_ip_reg[31:16]} + {16'd0, src_ip_reg[15:0]} + {16'd0, dst_ip_reg[31:16]}
        + {16'd0, dst_ip_reg[15:0]} + 32'd6 + {16'd0, cnt_reg};
    csum_ok = fold32(psum) == 16'hffff;
    hdr_ok = doff >= TCP_DOFF_MIN && hlen <= cnt_reg && !long_reg
        && {hdr_reg[7:0], hdr_reg[15:8]} == src_port_reg && {hdr_reg[23:16], hdr_reg[31:24]} == dst_port_reg;
    // option byte i is segment byte 20 + i
    ts_at0 = doff >= TCP_DOFF_TS && hdr_reg[8*20 +: 8] == TCP_OPT_TS && hdr_reg[8*21 +: 8] == TCP_OPT_TS_LEN;
    ts_at2 = doff >= TCP_DOFF_TS && hdr_reg[8*20 +: 8] == TCP_OPT_NOP && hdr_reg[8*21 +: 8] == TCP_OPT_NOP
        && hdr_reg[8*22 +: 8] == TCP_OPT_TS && hdr_reg[8*23 +: 8] == TCP_OPT_TS_LEN;

    rec = {`TOE_RXH_WIDTH{1'b0}};
    rec[`TOE_RXH_CONN_LSB +: CONN_WIDTH] = conn_reg;
    rec[`TOE_RXH_SEQ_LSB +: 32] = {hdr_reg[8*4 +: 8], hdr_reg[8*5 +: 8], hdr_reg[8*6 +: 8], hdr_reg[8*7 +: 8]};
    rec[`TOE_RXH_ACK_LSB +: 32] = {hdr_reg[8*8 +: 8], hdr_reg[8*9 +: 8], hdr_reg[8*10 +: 8], hdr_reg[8*11 +: 8]};
    rec[`TOE_RXH_FLAGS_LSB +: 8] = hdr_reg[8*13 +: 8];
    rec[`TOE_RXH_WINDOW_LSB +: 16] = {hdr_reg[8*14 +: 8], hdr_reg[8*15 +: 8]};
    rec[`TOE_RXH_URG_LSB +: 16] = {hdr_reg[8*18 +: 8], hdr_reg[8*19 +: 8]};
    rec[`TOE_RXH_LEN_LSB +: 16] = cnt_reg - hlen;
    rec[`TOE_RXH_TS_PRESENT_LSB] = ts_at0 || ts_at2;
    if (ts_at2) begin
        rec[`TOE_RXH_TS_VAL_LSB +: 32] = {hdr_reg[8*24 +: 8], hdr_reg[8*25 +: 8], hdr_reg[8*26 +: 8], hdr_reg[8*27 +: 8]};
        rec[`TOE_RXH_TS_ECR_LSB +: 32] = {hdr_reg[8*28 +: 8], hdr_reg[8*29 +: 8], hdr_reg[8*30 +: 8], hdr_reg[8*31 +: 8]};
    end else if (ts_at0) begin
        rec[`TOE_RXH_TS_VAL_LSB +: 32] = {hdr_reg[8*22 +: 8], hdr_reg[8*23 +: 8], hdr_reg[8*24 +: 8], hdr_reg[8*25 +: 8]};
        rec[`TOE_RXH_TS_ECR_LSB +: 32] = {hdr_reg[8*26 +: 8], hdr_reg[8*27 +: 8], hdr_reg[8*28 +: 8], hdr_reg[8*29 +: 8]};
    end
    rec[`TOE_RXH_FWD_LSB] = 1'b1;

    case (state_reg)
        ST_SUM: begin
            ok_next = !user_reg && hdr_ok && csum_ok;
            rec_next = rec;
            stat_csum_error_next = !user_reg && hdr_ok && !csum_ok;
            stat_drop_next = !user_reg && !hdr_ok;
            state_next = ST_DEC;
        end
        ST_DEC: begin
            if (!fed_reg) begin
                // no payload packet (a bad segment may have none either)
                hdr_push = ok_reg;
                state_next = ST_IN;
            end else if (hold_valid_reg) begin
                fifo_in_valid = 1'b1;
                fifo_in_data = hold_data_reg;
                fifo_in_keep = hold_keep_reg;
                fifo_in_last = 1'b1;
                fifo_in_user = !ok_reg;
                hold_valid_next = 1'b0;
                state_next = ST_COMMIT;
            end
        end
        ST_COMMIT: begin
            // the FIFO reports the packet's outcome the cycle after its last word
            if (fifo_good) begin
                hdr_push = 1'b1;
                used_next = used_next + pkt_words_reg;
            end
            // never for want of room (fwd_ready waits for it), but not silent if it were
            stat_drop_next = fifo_overflow;
            state_next = ST_IN;
        end
        default: begin
        end
    endcase

    if (fifo_in_valid) pkt_words_next = pkt_words_reg + 1'b1;
    if (pay_out_fire) used_next = used_next - 1'b1;

    if (hdr_push) begin
        stat_claimed_next = 1'b1;
        hdr_queued_next = hdr_queued_reg + 1'b1;
    end
    hdr_count_next = hdr_count_reg + {{HDR_AW{1'b0}}, hdr_push} - {{HDR_AW{1'b0}}, hdr_out_fire};

    // the next segment starts afresh
    if (state_reg != ST_IN && state_next == ST_IN) begin
        beat_next = 8'd0;
        cnt_next = 16'd0;
        long_next = 1'b0;
        sum_next = 32'd0;
        fed_next = 1'b0;
        pkt_words_next = {FIFO_AW+1{1'b0}};
    end
end

always @(posedge clk) begin
    state_reg <= state_next;
    started_reg <= started_next;
    beat_reg <= beat_next;
    cnt_reg <= cnt_next;
    long_reg <= long_next;
    user_reg <= user_next;
    sum_reg <= sum_next;
    hdr_reg <= hdr_next;
    fed_reg <= fed_next;
    conn_reg <= conn_next;
    src_ip_reg <= src_ip_next;
    dst_ip_reg <= dst_ip_next;
    src_port_reg <= src_port_next;
    dst_port_reg <= dst_port_next;
    ok_reg <= ok_next;
    rec_reg <= rec_next;
    hold_valid_reg <= hold_valid_next;
    hold_data_reg <= hold_data_next;
    hold_keep_reg <= hold_keep_next;
    used_reg <= used_next;
    pkt_words_reg <= pkt_words_next;
    hdr_count_reg <= hdr_count_next;
    hdr_queued_reg <= hdr_queued_next;
    stat_claimed_reg <= stat_claimed_next;
    stat_csum_error_reg <= stat_csum_error_next;
    stat_drop_reg <= stat_drop_next;

    if (rst) begin
        state_reg <= ST_IN;
        started_reg <= 1'b0;
        beat_reg <= 8'd0;
        cnt_reg <= 16'd0;
        long_reg <= 1'b0;
        sum_reg <= 32'd0;
        fed_reg <= 1'b0;
        hold_valid_reg <= 1'b0;
        used_reg <= {FIFO_AW+1{1'b0}};
        pkt_words_reg <= {FIFO_AW+1{1'b0}};
        hdr_count_reg <= {HDR_AW+1{1'b0}};
        hdr_queued_reg <= 16'd0;
        stat_claimed_reg <= 1'b0;
        stat_csum_error_reg <= 1'b0;
        stat_drop_reg <= 1'b0;
    end
end

// payload bytes packed to lane 0
axis_realign #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .ID_WIDTH(1)
)
realign_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_seg_tdata),
    .s_axis_offset(feed_offset),
    .s_axis_count(feed_count),
    .s_axis_pad({LANE_WIDTH{1'b0}}),
    .s_axis_tvalid(feed_valid),
    .s_axis_tready(ra_in_ready),
    .s_axis_tlast(s_axis_seg_tlast),
    .s_axis_tuser(1'b0),
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

// payload packets, stored whole; a packet marked bad is dropped
axis_frame_fifo #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .DEPTH(FIFO_WORDS),
    .DROP_WHEN_FULL(1)
)
payload_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(fifo_in_data),
    .s_axis_tkeep(fifo_in_keep),
    .s_axis_tvalid(fifo_in_valid),
    .s_axis_tready(fifo_in_ready),
    .s_axis_tlast(fifo_in_last),
    .s_axis_tuser(fifo_in_user),
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

// header records, queued once their payload is complete in the payload FIFO
axis_fifo #(
    .DATA_WIDTH(`TOE_RXH_WIDTH),
    .DEPTH(HDR_DEPTH)
)
hdr_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(rec_reg),
    .s_axis_tvalid(hdr_push),
    .s_axis_tready(hdr_in_ready),
    .m_axis_tdata(m_axis_hdr_tdata),
    .m_axis_tvalid(m_axis_hdr_tvalid),
    .m_axis_tready(m_axis_hdr_tready),
    .status_empty(hdr_empty)
);

// the frame FIFO never stalls (drop when full) and a bad packet needs nothing more; the record
// FIFO has room by fwd_ready; the realigner's tuser and tid are not used
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, fifo_in_ready, fifo_bad, hdr_in_ready, ra_tuser, ra_tid};
/* verilator lint_on UNUSED */

endmodule

`resetall
