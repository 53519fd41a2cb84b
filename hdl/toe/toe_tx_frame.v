// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"
`include "toe_defs.vh"

/*
 * TCP offload transmit frame builder: each transmit command (TOE_TXC_*) becomes one
 * Ethernet/IPv4/TCP frame on the 64-bit wire. A command with payload DMA-reads it from host
 * memory into a store-and-forward payload FIFO (DMA width); the payload's ones'-complement sum
 * is accumulated as it streams in, so the header, with both checksums, is ready as soon as the
 * payload is whole and the frame can follow the previous one without a gap. A read is issued
 * only when its words fit in the FIFO (space is reserved), so read data is never stalled and
 * the next frame's read overlaps the current frame's transmission. A failed read (tuser on
 * its last word) is dropped by the FIFO and sends nothing.
 *
 * Frame: dst_mac src_mac 0800 | 45 tos totlen id 4000 ttl 06 csum src_ip dst_ip |
 *        sport dport seq ack {doff,0} flags window csum 0000 [01 01 08 0a ts_val ts_ecr] |
 *        payload | zero padding to ETH_MIN_WIRE_FRAME (not counted in totlen or checksums)
 * The header is 54 bytes (66 with the timestamp option); the payload, cut into 64-bit
 * segments, is shifted by 6 (2) byte lanes onto the wire behind it.
 *
 * A frame's first beat is on the wire about 6 cycles after its payload's last word came in
 * (after the command, for a frame without payload); when the next frame is ready it follows
 * the last beat of the previous one with no idle cycle.
 *
 * One status per command, in command order: after the frame's last beat left the wire, or
 * (error) at once for a failed read. The read data's tuser decides a read's outcome; the DMA
 * status port is not needed (it is not delivered under quiesce).
 *
 * quiesce (soft reset drain): the frame on the wire finishes, no other starts and no new read
 * is issued; read data already requested is taken (a failed read still reports its status).
 */
module toe_tx_frame #
(
    // width of the DMA read data (64, 128 or 256; the wire is 64)
    parameter DMA_DATA_WIDTH = 128,
    // width of the DMA read tkeep
    parameter DMA_KEEP_WIDTH = DMA_DATA_WIDTH/8,
    // width of the DMA transfer length (at least 16)
    parameter LEN_WIDTH = 20,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // payload FIFO size in bytes (power of two, holds at least two 1460-byte payloads;
    // a command's payload must not exceed it)
    parameter PAYLOAD_FIFO_BYTES = 8192,
    // commands accepted ahead, and payload reads in flight (power of two, at least 2)
    parameter CMD_DEPTH = 8
)
(
    input  wire                       clk,
    input  wire                       rst,

    /*
     * Transmit command input (TOE_TXC_*)
     */
    input  wire [`TOE_TXC_WIDTH-1:0]  s_axis_cmd_tdata,
    input  wire                       s_axis_cmd_tvalid,
    output wire                       s_axis_cmd_tready,

    /*
     * DMA read descriptor output, status and data input
     */
    output wire [63:0]                m_axis_dma_desc_addr,
    output wire [LEN_WIDTH-1:0]       m_axis_dma_desc_len,
    output wire [TAG_WIDTH-1:0]       m_axis_dma_desc_tag,
    output wire                       m_axis_dma_desc_valid,
    input  wire                       m_axis_dma_desc_ready,
    input  wire [3:0]                 s_axis_dma_status_error,
    input  wire                       s_axis_dma_status_valid,
    input  wire [DMA_DATA_WIDTH-1:0]  s_axis_read_data_tdata,
    input  wire [DMA_KEEP_WIDTH-1:0]  s_axis_read_data_tkeep,
    input  wire                       s_axis_read_data_tvalid,
    output wire                       s_axis_read_data_tready,
    input  wire                       s_axis_read_data_tlast,
    input  wire                       s_axis_read_data_tuser,

    /*
     * Wire output
     */
    output wire [63:0]                m_axis_tx_tdata,
    output wire [7:0]                 m_axis_tx_tkeep,
    output wire                       m_axis_tx_tvalid,
    input  wire                       m_axis_tx_tready,
    output wire                       m_axis_tx_tlast,
    output wire                       m_axis_tx_tuser,

    /*
     * Command status output: one pulse per command, in command order
     */
    output wire                       m_status_valid,
    output wire                       m_status_error,
    output wire [15:0]                m_status_ctx,

    /*
     * Control and status
     */
    input  wire                       quiesce,
    output wire                       status_idle,
    output wire                       status_wire_idle
);

// largest payload at a 1500-byte MTU (IPv4 and TCP headers without options)
localparam MAX_PAYLOAD = 1460;
localparam DMA_BYTES = DMA_DATA_WIDTH / 8;
localparam DMA_BYTES_LOG2 = $clog2(DMA_BYTES);
localparam FIFO_WORDS = PAYLOAD_FIFO_BYTES / DMA_BYTES;
localparam RES_WIDTH = $clog2(FIFO_WORDS + 1);
localparam [17:0] FIFO_WORDS_MAX = FIFO_WORDS[17:0];
localparam DMA_BYTES_M1_I = DMA_BYTES - 1;
localparam [16:0] DMA_BYTES_M1 = DMA_BYTES_M1_I[16:0];
localparam READS_WIDTH = $clog2(CMD_DEPTH + 1);
localparam [READS_WIDTH-1:0] READS_MAX = CMD_DEPTH[READS_WIDTH-1:0];
// command without its payload address: what the header builder keeps
localparam ADDR_LSB = `TOE_TXC_ADDR_LSB;
localparam HDR_CMD_WIDTH = `TOE_TXC_WIDTH - 64;
// issue record: payload address and length
localparam ISSUE_WIDTH = 64 + 16;
// payload read outcome: error flag and 32-bit sum of its 16-bit words
localparam SUM_REC_WIDTH = 33;
// Ethernet + IPv4 + TCP header; the timestamp option adds 12 bytes
localparam HDR_BYTES = 14 + 20 + 20;
localparam HDR_TS_BYTES = HDR_BYTES + 12;
// whole header beats, before the beat that carries the first payload bytes
localparam HDR_BEATS_I = HDR_BYTES / 8;
localparam HDR_TS_BEATS_I = HDR_TS_BYTES / 8;
localparam [3:0] HDR_BEATS = HDR_BEATS_I[3:0];
localparam [3:0] HDR_TS_BEATS = HDR_TS_BEATS_I[3:0];
// header image: whole 64-bit beats, the tail zero
localparam IMG_WIDTH = 8 * 8 * ((HDR_TS_BYTES + 7) / 8);
localparam [16:0] MIN_WIRE = `FLUE_ETH_MIN_WIRE_FRAME;
localparam [7:0] IP_PROTO_TCP = 8'd6;
localparam [31:0] TS_OPT_HEAD = 32'h0101080a;  // NOP, NOP, kind 8, length 10

// bus width assertions
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (DMA_KEEP_WIDTH * 8 != DMA_DATA_WIDTH) begin
        $error("Error: DMA_KEEP_WIDTH must be DMA_DATA_WIDTH/8 (instance %m)");
        $finish;
    end
    if (LEN_WIDTH < 16) begin
        $error("Error: LEN_WIDTH must be at least 16 (instance %m)");
        $finish;
    end
    if (PAYLOAD_FIFO_BYTES < 2 * MAX_PAYLOAD || (1 << $clog2(PAYLOAD_FIFO_BYTES)) != PAYLOAD_FIFO_BYTES) begin
        $error("Error: PAYLOAD_FIFO_BYTES must be a power of two holding two 1460-byte payloads (instance %m)");
        $finish;
    end
    if (PAYLOAD_FIFO_BYTES > 65536) begin
        $error("Error: PAYLOAD_FIFO_BYTES must be at most 65536, the longest payload (instance %m)");
        $finish;
    end
    if (CMD_DEPTH < 2 || (1 << $clog2(CMD_DEPTH)) != CMD_DEPTH) begin
        $error("Error: CMD_DEPTH must be a power of two, at least 2 (instance %m)");
        $finish;
    end
end

/*
 * Command intake: the issue record goes to the read issuer, the rest to the header builder
 */
wire issue_ready;
wire [ISSUE_WIDTH-1:0] issue_data;
wire issue_valid;
wire issue_empty;
wire [63:0] issue_addr = issue_data[ISSUE_WIDTH-1:16];
wire [15:0] issue_len = issue_data[15:0];

wire issue_pop;

wire hcmd_ready;
wire [HDR_CMD_WIDTH-1:0] hcmd_data;
wire hcmd_valid;
wire hcmd_empty;
reg hcmd_pop;

assign s_axis_cmd_tready = issue_ready && hcmd_ready;
wire cmd_fire = s_axis_cmd_tvalid && s_axis_cmd_tready;

axis_fifo #(
    .DATA_WIDTH(ISSUE_WIDTH),
    .DEPTH(CMD_DEPTH)
)
issue_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_cmd_tdata[ADDR_LSB +: 64], s_axis_cmd_tdata[`TOE_TXC_LEN_LSB +: 16]}),
    .s_axis_tvalid(cmd_fire),
    .s_axis_tready(issue_ready),
    .m_axis_tdata(issue_data),
    .m_axis_tvalid(issue_valid),
    .m_axis_tready(issue_pop),
    .status_empty(issue_empty)
);

axis_fifo #(
    .DATA_WIDTH(HDR_CMD_WIDTH),
    .DEPTH(CMD_DEPTH)
)
hcmd_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_cmd_tdata[`TOE_TXC_WIDTH-1:ADDR_LSB+64], s_axis_cmd_tdata[ADDR_LSB-1:0]}),
    .s_axis_tvalid(cmd_fire),
    .s_axis_tready(hcmd_ready),
    .m_axis_tdata(hcmd_data),
    .m_axis_tvalid(hcmd_valid),
    .m_axis_tready(hcmd_pop),
    .status_empty(hcmd_empty)
);

/*
 * Read issue: a read goes out when its words fit in the unreserved part of the payload FIFO
 * and its outcome record will fit; commands without payload pass
 */
reg [RES_WIDTH-1:0] reserved_reg = {RES_WIDTH{1'b0}}, reserved_next;
reg [READS_WIDTH-1:0] reads_reg = {READS_WIDTH{1'b0}}, reads_next;
reg [RES_WIDTH-1:0] pkt_words_reg = {RES_WIDTH{1'b0}}, pkt_words_next;

wire [16:0] issue_words_w = ({1'b0, issue_len} + DMA_BYTES_M1) >> DMA_BYTES_LOG2;
wire [RES_WIDTH-1:0] issue_words = issue_words_w[RES_WIDTH-1:0];
wire [17:0] issue_need = {1'b0, issue_words_w} + {{18-RES_WIDTH{1'b0}}, reserved_reg};
wire issue_fits = issue_need <= FIFO_WORDS_MAX;
wire issue_has_payload = issue_len != 16'd0;

assign m_axis_dma_desc_addr = issue_addr;
assign m_axis_dma_desc_len = {{LEN_WIDTH-16{1'b0}}, issue_len};
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = issue_valid && issue_has_payload && issue_fits && !quiesce
    && reads_reg != READS_MAX;

wire desc_fire = m_axis_dma_desc_valid && m_axis_dma_desc_ready;
assign issue_pop = desc_fire || (issue_valid && !issue_has_payload);

/*
 * Payload in: store and forward FIFO, and the sum of the payload's 16-bit words (network
 * order: an even byte is the high half), two pipeline stages beside it
 */
wire read_fire = s_axis_read_data_tvalid && s_axis_read_data_tready;

reg [DMA_DATA_WIDTH-1:0] read_masked;
reg [31:0] word_sum;

reg [31:0] word_sum_reg = 32'd0, word_sum_next;
reg sum_valid_reg = 1'b0, sum_valid_next;
reg sum_last_reg = 1'b0, sum_last_next;
reg sum_user_reg = 1'b0, sum_user_next;
reg [31:0] acc_reg = 32'd0, acc_next;

integer i;
integer j;
integer k;

`include "toe_functions.vh"

always @* begin
    for (i = 0; i < DMA_KEEP_WIDTH; i = i + 1) begin
        read_masked[8*i +: 8] = s_axis_read_data_tkeep[i] ? s_axis_read_data_tdata[8*i +: 8] : 8'd0;
    end
    word_sum = 32'd0;
    for (i = 0; i < DMA_KEEP_WIDTH / 2; i = i + 1) begin
        word_sum = word_sum + {16'd0, read_masked[16*i +: 8], read_masked[16*i+8 +: 8]};
    end
end

wire sum_rec_valid = sum_valid_reg && sum_last_reg;
wire [SUM_REC_WIDTH-1:0] sum_rec_in = {sum_user_reg, acc_reg + word_sum_reg};

always @* begin
    word_sum_next = word_sum_reg;
    sum_valid_next = read_fire;
    sum_last_next = sum_last_reg;
    sum_user_next = sum_user_reg;
    acc_next = acc_reg;
    pkt_words_next = pkt_words_reg;
    if (read_fire) begin
        word_sum_next = word_sum;
        sum_last_next = s_axis_read_data_tlast;
        sum_user_next = s_axis_read_data_tuser;
    end
    if (sum_valid_reg) begin
        acc_next = sum_last_reg ? 32'd0 : acc_reg + word_sum_reg;
    end
    if (read_fire) begin
        pkt_words_next = s_axis_read_data_tlast ? {RES_WIDTH{1'b0}} : pkt_words_reg + 1'b1;
    end
end

always @(posedge clk) begin
    word_sum_reg <= word_sum_next;
    sum_valid_reg <= sum_valid_next;
    sum_last_reg <= sum_last_next;
    sum_user_reg <= sum_user_next;
    acc_reg <= acc_next;
    pkt_words_reg <= pkt_words_next;

    if (rst) begin
        sum_valid_reg <= 1'b0;
        acc_reg <= 32'd0;
        pkt_words_reg <= {RES_WIDTH{1'b0}};
    end
end

// payload read outcomes, in request order (at most CMD_DEPTH in flight)
wire [SUM_REC_WIDTH-1:0] sum_data;
wire sum_out_valid;
wire sum_empty;
wire sum_in_ready;
reg sum_pop;
wire sum_err = sum_data[32];
wire [31:0] sum_payload = sum_data[31:0];

axis_fifo #(
    .DATA_WIDTH(SUM_REC_WIDTH),
    .DEPTH(CMD_DEPTH)
)
sum_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(sum_rec_in),
    .s_axis_tvalid(sum_rec_valid),
    .s_axis_tready(sum_in_ready),
    .m_axis_tdata(sum_data),
    .m_axis_tvalid(sum_out_valid),
    .m_axis_tready(sum_pop),
    .status_empty(sum_empty)
);

wire [DMA_DATA_WIDTH-1:0] pfifo_tdata;
wire [DMA_KEEP_WIDTH-1:0] pfifo_tkeep;
wire pfifo_tvalid;
wire pfifo_tlast;
wire pfifo_good;
wire pfifo_bad;
wire pfifo_overflow;
wire pfifo_empty;
wire pfifo_in_frame;
wire ds_ready;
wire ds_idle;
wire pfifo_pop = pfifo_tvalid && ds_ready;

// a failed read is dropped whole by the FIFO: its reserved words come back at its last word
wire read_bad_last = read_fire && s_axis_read_data_tlast && s_axis_read_data_tuser;

always @* begin
    reserved_next = reserved_reg;
    if (desc_fire) begin
        reserved_next = reserved_next + issue_words;
    end
    if (pfifo_pop) begin
        reserved_next = reserved_next - 1'b1;
    end
    if (read_bad_last) begin
        reserved_next = reserved_next - (pkt_words_reg + 1'b1);
    end

    reads_next = reads_reg;
    if (desc_fire && !sum_pop) begin
        reads_next = reads_reg + 1'b1;
    end else if (!desc_fire && sum_pop) begin
        reads_next = reads_reg - 1'b1;
    end
end

always @(posedge clk) begin
    reserved_reg <= reserved_next;
    reads_reg <= reads_next;

    if (rst) begin
        reserved_reg <= {RES_WIDTH{1'b0}};
        reads_reg <= {READS_WIDTH{1'b0}};
    end
end

axis_frame_fifo #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .DEPTH(FIFO_WORDS),
    .DROP_WHEN_FULL(0)
)
pfifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_read_data_tdata),
    .s_axis_tkeep(s_axis_read_data_tkeep),
    .s_axis_tvalid(s_axis_read_data_tvalid),
    .s_axis_tready(s_axis_read_data_tready),
    .s_axis_tlast(s_axis_read_data_tlast),
    .s_axis_tuser(s_axis_read_data_tuser),
    .m_axis_tdata(pfifo_tdata),
    .m_axis_tkeep(pfifo_tkeep),
    .m_axis_tvalid(pfifo_tvalid),
    .m_axis_tready(ds_ready),
    .m_axis_tlast(pfifo_tlast),
    .status_good_frame(pfifo_good),
    .status_bad_frame(pfifo_bad),
    .status_overflow(pfifo_overflow),
    .status_empty(pfifo_empty),
    .status_in_frame(pfifo_in_frame)
);

// payload as 64-bit segments, one per cycle
wire [63:0] pay_tdata;
wire [7:0] pay_tkeep;
wire pay_tvalid;
wire pay_tlast;
wire pay_tuser;
reg pay_tready;

axis_downsize #(
    .S_DATA_WIDTH(DMA_DATA_WIDTH),
    .M_DATA_WIDTH(64)
)
downsize_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(pfifo_tdata),
    .s_axis_tkeep(pfifo_tkeep),
    .s_axis_tvalid(pfifo_tvalid),
    .s_axis_tready(ds_ready),
    .s_axis_tlast(pfifo_tlast),
    .s_axis_tuser(1'b0),
    .m_axis_tdata(pay_tdata),
    .m_axis_tkeep(pay_tkeep),
    .m_axis_tvalid(pay_tvalid),
    .m_axis_tready(pay_tready),
    .m_axis_tlast(pay_tlast),
    .m_axis_tuser(pay_tuser),
    .status_idle(ds_idle)
);

/*
 * Header builder: for the command at the head (and its read outcome, if it has payload),
 * sum the header words in one cycle, fold and complement both checksums into the header
 * image in the next
 */
// fields above the address sit 64 bits lower in the stored command
localparam HC_LEN_LSB = `TOE_TXC_LEN_LSB - 64;
localparam HC_TS_PRESENT_LSB = `TOE_TXC_TS_PRESENT_LSB - 64;
localparam HC_TS_VAL_LSB = `TOE_TXC_TS_VAL_LSB - 64;
localparam HC_TS_ECR_LSB = `TOE_TXC_TS_ECR_LSB - 64;
localparam HC_CTX_LSB = `TOE_TXC_CTX_LSB - 64;
wire [47:0] c_dst_mac = hcmd_data[`TOE_TXC_DST_MAC_LSB +: 48];
wire [47:0] c_src_mac = hcmd_data[`TOE_TXC_SRC_MAC_LSB +: 48];
wire [31:0] c_src_ip = hcmd_data[`TOE_TXC_SRC_IP_LSB +: 32];
wire [31:0] c_dst_ip = hcmd_data[`TOE_TXC_DST_IP_LSB +: 32];
wire [15:0] c_src_port = hcmd_data[`TOE_TXC_SRC_PORT_LSB +: 16];
wire [15:0] c_dst_port = hcmd_data[`TOE_TXC_DST_PORT_LSB +: 16];
wire [31:0] c_seq = hcmd_data[`TOE_TXC_SEQ_LSB +: 32];
wire [31:0] c_ack = hcmd_data[`TOE_TXC_ACK_LSB +: 32];
wire [7:0] c_flags = hcmd_data[`TOE_TXC_FLAGS_LSB +: 8];
wire [15:0] c_window = hcmd_data[`TOE_TXC_WINDOW_LSB +: 16];
wire [7:0] c_ttl = hcmd_data[`TOE_TXC_TTL_LSB +: 8];
wire [7:0] c_tos = hcmd_data[`TOE_TXC_TOS_LSB +: 8];
wire [15:0] c_ip_id = hcmd_data[`TOE_TXC_IP_ID_LSB +: 16];
wire [15:0] c_len = hcmd_data[HC_LEN_LSB +: 16];
wire c_ts = hcmd_data[HC_TS_PRESENT_LSB];
wire [31:0] c_ts_val = hcmd_data[HC_TS_VAL_LSB +: 32];
wire [31:0] c_ts_ecr = hcmd_data[HC_TS_ECR_LSB +: 32];
wire [15:0] c_ctx = hcmd_data[HC_CTX_LSB +: 16];

wire [15:0] c_tcp_hdr_len = c_ts ? 16'd32 : 16'd20;
wire [15:0] c_tcp_len = c_tcp_hdr_len + c_len;
wire [15:0] c_ip_len = c_tcp_len + 16'd20;
wire [7:0] c_doff = c_ts ? 8'h80 : 8'h50;
wire [16:0] c_frame_len_raw = {1'b0, c_ip_len} + 17'd14;

// step 0: wait for the command (and outcome), sum; step 1: fold, write the image
reg build_step_reg = 1'b0, build_step_next;
reg [31:0] ip_sum_reg = 32'd0, ip_sum_next;
reg [31:0] tcp_sum_reg = 32'd0, tcp_sum_next;

// finished header, waiting for the emitter
reg img_valid_reg = 1'b0, img_valid_next;
reg [IMG_WIDTH-1:0] img_reg = {IMG_WIDTH{1'b0}}, img_next;
reg img_ts_reg = 1'b0, img_ts_next;
reg img_err_reg = 1'b0, img_err_next;
reg img_pay_reg = 1'b0, img_pay_next;
reg [16:0] img_frame_len_reg = 17'd0, img_frame_len_next;
reg [15:0] img_ctx_reg = 16'd0, img_ctx_next;
reg img_take;

reg [31:0] ip_sum;
reg [31:0] tcp_sum;
reg [31:0] tcp_total;
reg [15:0] ip_csum, tcp_csum;
reg [8*HDR_TS_BYTES-1:0] hdr;

wire build_inputs = hcmd_valid && (c_len == 16'd0 || sum_out_valid);

always @* begin
    build_step_next = build_step_reg;
    ip_sum_next = ip_sum_reg;
    tcp_sum_next = tcp_sum_reg;
    img_valid_next = img_valid_reg;
    img_next = img_reg;
    img_ts_next = img_ts_reg;
    img_err_next = img_err_reg;
    img_pay_next = img_pay_reg;
    img_frame_len_next = img_frame_len_reg;
    img_ctx_next = img_ctx_reg;
    hcmd_pop = 1'b0;
    sum_pop = 1'b0;

    // header words; the payload's sum comes with its read outcome
    ip_sum = ipv4_header_sum(c_tos, c_ip_len, c_ip_id, c_ttl, c_src_ip, c_dst_ip);
    tcp_sum = {16'd0, c_src_ip[31:16]} + {16'd0, c_src_ip[15:0]}
        + {16'd0, c_dst_ip[31:16]} + {16'd0, c_dst_ip[15:0]}
        + {24'd0, IP_PROTO_TCP} + {16'd0, c_tcp_len}
        + {16'd0, c_src_port} + {16'd0, c_dst_port}
        + {16'd0, c_seq[31:16]} + {16'd0, c_seq[15:0]} + {16'd0, c_ack[31:16]} + {16'd0, c_ack[15:0]}
        + {16'd0, c_doff, c_flags} + {16'd0, c_window};
    if (c_ts) begin
        tcp_sum = tcp_sum + {16'd0, TS_OPT_HEAD[31:16]} + {16'd0, TS_OPT_HEAD[15:0]}
            + {16'd0, c_ts_val[31:16]} + {16'd0, c_ts_val[15:0]}
            + {16'd0, c_ts_ecr[31:16]} + {16'd0, c_ts_ecr[15:0]};
    end

    // fold the sums to 16 bits (ip_sum is under 2^20, tcp_total under 2^32)
    tcp_total = tcp_sum_reg + ((c_len != 16'd0) ? sum_payload : 32'd0);
    ip_csum = ~fold32(ip_sum_reg);
    tcp_csum = ~fold32(tcp_total);

    // the header, byte k in hdr[8*k +: 8]
    hdr = {8*HDR_TS_BYTES{1'b0}};
    hdr[0 +: 34*8] = eth_ipv4_header(c_dst_mac, c_src_mac, c_tos, c_ip_len, c_ip_id, c_ttl, ip_csum, c_src_ip, c_dst_ip);
    for (j = 0; j < 4; j = j + 1) begin
        hdr[8*(38+j) +: 8] = c_seq[8*(3-j) +: 8];
        hdr[8*(42+j) +: 8] = c_ack[8*(3-j) +: 8];
    end
    hdr[8*34 +: 8] = c_src_port[15:8];
    hdr[8*35 +: 8] = c_src_port[7:0];
    hdr[8*36 +: 8] = c_dst_port[15:8];
    hdr[8*37 +: 8] = c_dst_port[7:0];
    hdr[8*46 +: 8] = c_doff;
    hdr[8*47 +: 8] = c_flags;
    hdr[8*48 +: 8] = c_window[15:8];
    hdr[8*49 +: 8] = c_window[7:0];
    hdr[8*50 +: 8] = tcp_csum[15:8];
    hdr[8*51 +: 8] = tcp_csum[7:0];
    // urgent pointer (bytes 52, 53) is zero
    if (c_ts) begin
        for (j = 0; j < 4; j = j + 1) begin
            hdr[8*(54+j) +: 8] = TS_OPT_HEAD[8*(3-j) +: 8];
            hdr[8*(58+j) +: 8] = c_ts_val[8*(3-j) +: 8];
            hdr[8*(62+j) +: 8] = c_ts_ecr[8*(3-j) +: 8];
        end
    end

    if (img_take) begin
        img_valid_next = 1'b0;
    end

    if (!build_step_reg) begin
        if (build_inputs && !img_valid_reg) begin
            build_step_next = 1'b1;
            ip_sum_next = ip_sum;
            tcp_sum_next = tcp_sum;
        end
    end else begin
        // the image slot is free: it was empty when this build started
        build_step_next = 1'b0;
        hcmd_pop = 1'b1;
        sum_pop = c_len != 16'd0;
        img_valid_next = 1'b1;
        img_next = {{IMG_WIDTH-8*HDR_TS_BYTES{1'b0}}, hdr};
        img_ts_next = c_ts;
        img_err_next = (c_len != 16'd0) && sum_err;
        img_pay_next = c_len != 16'd0;
        img_frame_len_next = (c_frame_len_raw < MIN_WIRE) ? MIN_WIRE : c_frame_len_raw;
        img_ctx_next = c_ctx;
    end
end

always @(posedge clk) begin
    build_step_reg <= build_step_next;
    ip_sum_reg <= ip_sum_next;
    tcp_sum_reg <= tcp_sum_next;
    img_valid_reg <= img_valid_next;
    img_reg <= img_next;
    img_ts_reg <= img_ts_next;
    img_err_reg <= img_err_next;
    img_pay_reg <= img_pay_next;
    img_frame_len_reg <= img_frame_len_next;
    img_ctx_reg <= img_ctx_next;

    if (rst) begin
        build_step_reg <= 1'b0;
        img_valid_reg <= 1'b0;
    end
end

/*
 * Emitter: header beats from the image, then each payload segment shifted by the header's
 * odd bytes (6, or 2 with timestamps), the bytes shifted out carried into the next beat
 */
reg active_reg = 1'b0, active_next;
reg [IMG_WIDTH-1:0] sh_reg = {IMG_WIDTH{1'b0}}, sh_next;
reg [3:0] beat_reg = 4'd0, beat_next;
reg [3:0] hdr_beats_reg = 4'd0, hdr_beats_next;
reg ts_reg = 1'b0, ts_next;
reg pay_done_reg = 1'b0, pay_done_next;
reg [16:0] rem_reg = 17'd0, rem_next;
reg [15:0] ctx_reg = 16'd0, ctx_next;

// a frame's last beat handed to the output buffer, not yet on the wire
reg owed_reg = 1'b0, owed_next;
reg [15:0] owed_ctx_reg = 16'd0, owed_ctx_next;

reg status_valid_reg = 1'b0, status_valid_next;
reg status_error_reg = 1'b0, status_error_next;
reg [15:0] status_ctx_reg = 16'd0, status_ctx_next;

// internal stream into the output skid buffer
reg [63:0] tx_tdata_int;
reg [7:0] tx_tkeep_int;
reg tx_tvalid_int;
reg tx_tlast_int;
wire tx_tready_int_reg;    // the skid buffer's registered ready

reg need_pay;
reg beat_fire;
reg [63:0] pay_masked;
reg [63:0] pay_shifted;
reg [63:0] pay_carry;
reg start;
reg err_take;

wire wire_fire = m_axis_tx_tvalid && m_axis_tx_tready;

always @* begin
    active_next = active_reg;
    sh_next = sh_reg;
    beat_next = beat_reg;
    hdr_beats_next = hdr_beats_reg;
    ts_next = ts_reg;
    pay_done_next = pay_done_reg;
    rem_next = rem_reg;
    ctx_next = ctx_reg;
    owed_next = owed_reg;
    owed_ctx_next = owed_ctx_reg;
    status_valid_next = 1'b0;
    status_error_next = status_error_reg;
    status_ctx_next = status_ctx_reg;

    need_pay = beat_reg >= hdr_beats_reg && !pay_done_reg;
    for (k = 0; k < 8; k = k + 1) begin
        pay_masked[8*k +: 8] = (need_pay && pay_tkeep[k]) ? pay_tdata[8*k +: 8] : 8'd0;
    end
    pay_shifted = ts_reg ? {pay_masked[47:0], 16'd0} : {pay_masked[15:0], 48'd0};
    pay_carry = ts_reg ? {48'd0, pay_masked[63:48]} : {16'd0, pay_masked[63:16]};

    // the payload is whole in the FIFO before its header is built and its first segment
    // reaches the downsizer during the header beats, so a frame never waits for payload
    tx_tvalid_int = active_reg && (!need_pay || pay_tvalid);
    tx_tdata_int = sh_reg[63:0] | ((beat_reg >= hdr_beats_reg) ? pay_shifted : 64'd0);
    tx_tlast_int = rem_reg <= 17'd8;
    tx_tkeep_int = tx_tlast_int ? (8'hff >> (5'd8 - {1'b0, rem_reg[3:0]})) : 8'hff;
    beat_fire = tx_tvalid_int && tx_tready_int_reg;
    pay_tready = beat_fire && need_pay;

    if (beat_fire) begin
        rem_next = rem_reg - 17'd8;
        if (beat_reg < hdr_beats_reg) begin
            beat_next = beat_reg + 1'b1;
            sh_next = sh_reg >> 64;
        end else begin
            sh_next[63:0] = pay_carry;
        end
        if (pay_tready && pay_tlast) begin
            pay_done_next = 1'b1;
        end
        if (tx_tlast_int) begin
            active_next = 1'b0;
            owed_next = 1'b1;
            owed_ctx_next = ctx_reg;
        end
    end

    // the next frame starts on the cycle after the last beat; a failed read reports in turn
    start = (!active_reg || (beat_fire && tx_tlast_int)) && img_valid_reg && !img_err_reg && !quiesce;
    err_take = !active_reg && !owed_reg && img_valid_reg && img_err_reg;
    img_take = start || err_take;

    if (start) begin
        active_next = 1'b1;
        sh_next = img_reg;
        beat_next = 4'd0;
        hdr_beats_next = img_ts_reg ? HDR_TS_BEATS : HDR_BEATS;
        ts_next = img_ts_reg;
        pay_done_next = !img_pay_reg;
        rem_next = img_frame_len_reg;
        ctx_next = img_ctx_reg;
    end

    if (wire_fire && m_axis_tx_tlast) begin
        owed_next = 1'b0;
        status_valid_next = 1'b1;
        status_error_next = 1'b0;
        status_ctx_next = owed_ctx_reg;
    end else if (err_take) begin
        status_valid_next = 1'b1;
        status_error_next = 1'b1;
        status_ctx_next = img_ctx_reg;
    end
end

always @(posedge clk) begin
    active_reg <= active_next;
    sh_reg <= sh_next;
    beat_reg <= beat_next;
    hdr_beats_reg <= hdr_beats_next;
    ts_reg <= ts_next;
    pay_done_reg <= pay_done_next;
    rem_reg <= rem_next;
    ctx_reg <= ctx_next;
    owed_reg <= owed_next;
    owed_ctx_reg <= owed_ctx_next;
    status_valid_reg <= status_valid_next;
    status_error_reg <= status_error_next;
    status_ctx_reg <= status_ctx_next;

    if (rst) begin
        active_reg <= 1'b0;
        owed_reg <= 1'b0;
        status_valid_reg <= 1'b0;
    end
end

assign m_status_valid = status_valid_reg;
assign m_status_error = status_error_reg;
assign m_status_ctx = status_ctx_reg;

/*
 * Output datapath: skid buffer, ready to the emitter from a register
 */
wire out_empty;

axis_skid #(
    .DATA_WIDTH(64),
    .KEEP_WIDTH(8),
    .USER_WIDTH(1)
)
out_skid_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(tx_tdata_int),
    .s_axis_tkeep(tx_tkeep_int),
    .s_axis_tvalid(tx_tvalid_int),
    .s_axis_tready(tx_tready_int_reg),
    .s_axis_tlast(tx_tlast_int),
    .s_axis_tuser(1'b0),
    .m_axis_tdata(m_axis_tx_tdata),
    .m_axis_tkeep(m_axis_tx_tkeep),
    .m_axis_tvalid(m_axis_tx_tvalid),
    .m_axis_tready(m_axis_tx_tready),
    .m_axis_tlast(m_axis_tx_tlast),
    .m_axis_tuser(m_axis_tx_tuser),
    .status_empty(out_empty)
);

assign status_wire_idle = !active_reg && out_empty;
assign status_idle = issue_empty && hcmd_empty && reads_reg == 0 && !sum_valid_reg && sum_empty
    && pfifo_empty && !pfifo_in_frame && ds_idle && !build_step_reg && !img_valid_reg
    && status_wire_idle && !owed_reg && !status_valid_reg;

// reads are matched to their data, which carries the error (tuser), so the DMA status is not
// needed; the outcome FIFO cannot overflow (reads in flight are limited to its depth) and the
// payload FIFO neither (reads are issued into reserved space)
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, s_axis_dma_status_error, s_axis_dma_status_valid, sum_in_ready, pfifo_good,
    pfifo_bad, pfifo_overflow, pay_tuser};
/* verilator lint_on UNUSED */

endmodule

`resetall
