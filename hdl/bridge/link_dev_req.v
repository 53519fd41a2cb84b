// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Link device-request client: the link_bridge's side of the bridge → host request stream
 *
 * Turns the core's DMA bursts and interrupts into DMA_READ, DMA_WRITE and IRQ requests to the
 * host (protocol/SERIAL-LINK.md, "Bridge → host"), one at a time, stop-and-wait:
 *  - irq pulses collect in a pending set; an IRQ request carries the vectors pending when it was
 *    built (later pulses wait for the next one);
 *  - a write burst (AXI4 slave, one at a time) becomes DMA_WRITE of exactly its strobed bytes,
 *    packed as they arrive into the request RAM (link_tx_buffer source B): addr is the first
 *    strobed byte, length runs to the last. A hole in the strobes between those, a burst longer
 *    than DMA_MAX_BURST, not INCR, not full width, or a wlast out of place is not sent: B is
 *    SLVERR and protocol_error latches. A burst with no strobe at all is not sent: B is OKAY.
 *    Otherwise B carries the ACK's resp (SLVERR for anything but OKAY);
 *  - a read burst at araddr of arlen+1 beats becomes DMA_READ of addr araddr, length
 *    (arlen+1)*beat_bytes - araddr%beat_bytes; the reply's bytes are read from its receive slot
 *    into the R beats' byte lanes (beat 0 from lane araddr%beat_bytes); a reply that is not
 *    OKAY gives SLVERR beats of zeros. A read burst with bad parameters (as for writes) is not
 *    sent: SLVERR beats, protocol_error;
 *  - order when idle: pending IRQ, then a write burst, then a read burst.
 * Requests are numbered from seq 1 (0 skipped on wrap). The request stays in the RAM, and goes
 * out again, the same bytes, RETRY_MIN_CYCLES + bit_cycles * RETRY_BIT_TIMES cycles after it
 * last went out without its response, up to RETRY_LIMIT times; then the bridge gives up: the
 * burst gets SLVERR (an IRQ is dropped) and link_lost latches.
 *
 * The dispatcher decides whether a response packet is the outstanding request's (out_*: valid,
 * seq, the response type expected, the data bytes a DMA_READ_REPLY must carry) and hands it
 * over with resp_valid; a DMA_READ_REPLY's slot is then ours until its last byte is read, and
 * given back with rel_valid.
 *
 * core_rst (the core's reset, a RESET request) abandons everything: the outstanding request
 * (its response will be stale), the burst being served, the pending interrupt vectors. The
 * sequence numbers go on, so a stale response can never match a later request.
 */
module link_dev_req #
(
    parameter DMA_ADDR_WIDTH = 64,
    parameter DMA_DATA_WIDTH = 128,
    parameter DMA_ID_WIDTH = 4,
    // longest burst served, beats
    parameter DMA_MAX_BURST = 16,
    parameter IRQ_VECTORS = 4,
    parameter RETRY_MIN_CYCLES = 65536,
    parameter RETRY_BIT_TIMES = 8192,
    parameter RETRY_LIMIT = 64,
    // request RAM address width (holds a DMA_WRITE of a full burst)
    parameter REQ_ADDR_WIDTH = 9,
    // receive slot index and byte-in-slot widths (link_rx_buffer)
    parameter RX_SLOT_WIDTH = 2,
    parameter RX_OFFSET_WIDTH = 9
)
(
    input  wire                                  clk,
    input  wire                                  rst,
    input  wire                                  core_rst,

    // the bridge's cycle counter; the UART's cycles per bit
    input  wire [63:0]                           time_now,
    input  wire [15:0]                           bit_cycles,

    // interrupt pulses
    input  wire [IRQ_VECTORS-1:0]                irq,

    /*
     * AXI4 slave (the core's DMA master)
     */
    input  wire [DMA_ID_WIDTH-1:0]               s_axi_awid,
    input  wire [DMA_ADDR_WIDTH-1:0]             s_axi_awaddr,
    input  wire [7:0]                            s_axi_awlen,
    input  wire [2:0]                            s_axi_awsize,
    input  wire [1:0]                            s_axi_awburst,
    input  wire                                  s_axi_awvalid,
    output wire                                  s_axi_awready,
    input  wire [DMA_DATA_WIDTH-1:0]             s_axi_wdata,
    input  wire [DMA_DATA_WIDTH/8-1:0]           s_axi_wstrb,
    input  wire                                  s_axi_wlast,
    input  wire                                  s_axi_wvalid,
    output wire                                  s_axi_wready,
    output wire [DMA_ID_WIDTH-1:0]               s_axi_bid,
    output wire [1:0]                            s_axi_bresp,
    output wire                                  s_axi_bvalid,
    input  wire                                  s_axi_bready,
    input  wire [DMA_ID_WIDTH-1:0]               s_axi_arid,
    input  wire [DMA_ADDR_WIDTH-1:0]             s_axi_araddr,
    input  wire [7:0]                            s_axi_arlen,
    input  wire [2:0]                            s_axi_arsize,
    input  wire [1:0]                            s_axi_arburst,
    input  wire                                  s_axi_arvalid,
    output wire                                  s_axi_arready,
    output wire [DMA_ID_WIDTH-1:0]               s_axi_rid,
    output wire [DMA_DATA_WIDTH-1:0]             s_axi_rdata,
    output wire [1:0]                            s_axi_rresp,
    output wire                                  s_axi_rlast,
    output wire                                  s_axi_rvalid,
    input  wire                                  s_axi_rready,

    /*
     * Request RAM (link_tx_buffer source B)
     */
    output wire                                  b_wr_en,
    output wire [REQ_ADDR_WIDTH-1:0]             b_wr_addr,
    output wire [7:0]                            b_wr_data,
    output wire                                  b_send,
    output wire [REQ_ADDR_WIDTH:0]               b_len,
    output wire                                  b_cancel,
    input  wire                                  b_pend,
    input  wire                                  b_active,
    input  wire                                  b_done,

    /*
     * The outstanding request, and its response from the dispatcher
     */
    output wire                                  out_valid,
    output wire [15:0]                           out_seq,
    output wire [7:0]                            out_type,
    output wire [31:0]                           out_data_len,
    input  wire                                  resp_valid,
    input  wire                                  resp_ok,
    input  wire [RX_SLOT_WIDTH-1:0]              resp_slot,

    /*
     * Receive RAM read port (granted in the same cycle; data the cycle after) and slot release
     */
    output wire                                  rd_req,
    output wire [RX_SLOT_WIDTH+RX_OFFSET_WIDTH-1:0] rd_addr,
    input  wire                                  rd_gnt,
    input  wire [7:0]                            rd_data,
    output wire                                  rel_valid,
    output wire [RX_SLOT_WIDTH-1:0]              rel_slot,

    /*
     * Status
     */
    output wire                                  link_lost,
    output wire                                  protocol_error,
    output wire                                  stat_retry
);

localparam BEAT_BYTES = DMA_DATA_WIDTH / 8;
localparam LANE_WIDTH = $clog2(BEAT_BYTES);
localparam HDR_BITS = `FLUE_LINK_HEADER_BITS;
localparam HDR_BYTES = `FLUE_LINK_HEADER_BYTES;
localparam DMA_BYTES = `FLUE_LINK_DMA_BYTES;
localparam IRQ_BYTES = `FLUE_LINK_IRQ_BYTES;
// where the data of a DMA_WRITE and a DMA_READ_REPLY starts
localparam DATA_OFFSET = HDR_BYTES + DMA_BYTES;
localparam IMG_BYTES = DATA_OFFSET;
localparam MAX_DATA = DMA_MAX_BURST * BEAT_BYTES;
localparam NB_WIDTH = $clog2(MAX_DATA + 1);
localparam CYC_WIDTH = ($clog2(RETRY_MIN_CYCLES + 1) > 16) ? $clog2(RETRY_MIN_CYCLES + 1) : 16;
localparam BITS_WIDTH = (RETRY_BIT_TIMES > 0) ? $clog2(RETRY_BIT_TIMES + 1) : 1;
localparam RETRY_WIDTH = (RETRY_LIMIT > 0) ? $clog2(RETRY_LIMIT + 1) : 1;

localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10;
localparam [1:0] BURST_INCR = 2'b01;
localparam [2:0] BEAT_SIZE = LANE_WIDTH[2:0];

// parameter assertions
initial begin
    if (DMA_DATA_WIDTH < 16 || DMA_DATA_WIDTH > 1024 || (8 << LANE_WIDTH) != DMA_DATA_WIDTH) begin
        $error("Error: DMA_DATA_WIDTH must be a power of two, 16 to 1024 (instance %m)");
        $finish;
    end
    if (DMA_ADDR_WIDTH < 12 || DMA_ADDR_WIDTH > `FLUE_LINK_DMA_ADDR_WIDTH) begin
        $error("Error: DMA_ADDR_WIDTH must be 12 to 64 (instance %m)");
        $finish;
    end
    if (DMA_ID_WIDTH < 1 || DMA_ID_WIDTH > `FLUE_LINK_DMA_TAG_WIDTH) begin
        $error("Error: DMA_ID_WIDTH must be 1 to 32 (instance %m)");
        $finish;
    end
    if (DMA_MAX_BURST < 1 || DMA_MAX_BURST > 256 || MAX_DATA > 4096) begin
        $error("Error: DMA_MAX_BURST must be 1 to 256 beats, 4 KiB at most (instance %m)");
        $finish;
    end
    if (IRQ_VECTORS < 1 || IRQ_VECTORS > `FLUE_LINK_IRQ_VECTORS_WIDTH) begin
        $error("Error: IRQ_VECTORS must be 1 to 32 (instance %m)");
        $finish;
    end
    if (RETRY_MIN_CYCLES < 1 || RETRY_BIT_TIMES < 0 || RETRY_LIMIT < 0) begin
        $error("Error: RETRY_MIN_CYCLES must be at least 1, RETRY_BIT_TIMES and RETRY_LIMIT not negative (instance %m)");
        $finish;
    end
    if ((1 << REQ_ADDR_WIDTH) < DATA_OFFSET + MAX_DATA || (1 << RX_OFFSET_WIDTH) < DATA_OFFSET + MAX_DATA) begin
        $error("Error: REQ_ADDR_WIDTH and RX_OFFSET_WIDTH must hold a full burst's packet (instance %m)");
        $finish;
    end
end

localparam [3:0]
    STATE_IDLE = 4'd0,
    STATE_AW = 4'd1,      // awready up
    STATE_W_SCAN = 4'd2,  // a W beat's lanes, one a cycle, into the request RAM
    STATE_W_ACK = 4'd3,   // wready up
    STATE_AR = 4'd4,      // arready up
    STATE_HDR = 4'd5,     // the request's header and fixed payload into the RAM
    STATE_WAIT = 4'd6,    // outstanding: waiting for the response, retransmitting
    STATE_R_FILL = 4'd7,  // an R beat from the reply's bytes
    STATE_R_OUT = 4'd8,   // rvalid up
    STATE_B_OUT = 4'd9;   // bvalid up

reg [3:0] state_reg = STATE_IDLE, state_next;
reg [15:0] seq_reg = 16'd0, seq_next;
reg [7:0] req_type_reg = 8'd0, req_type_next;
reg [DMA_ID_WIDTH-1:0] id_reg = {DMA_ID_WIDTH{1'b0}}, id_next;
// the burst's address; for a write, once a strobe was seen, the first strobed byte's
reg [DMA_ADDR_WIDTH-1:0] addr_reg = {DMA_ADDR_WIDTH{1'b0}}, addr_next;
reg [7:0] burst_len_reg = 8'd0, burst_len_next;
reg [7:0] beat_reg = 8'd0, beat_next;
reg [LANE_WIDTH-1:0] lane_reg = {LANE_WIDTH{1'b0}}, lane_next;
// data bytes of the request (write) or the reply (read)
reg [NB_WIDTH-1:0] nbytes_reg = {NB_WIDTH{1'b0}}, nbytes_next;
reg w_started_reg = 1'b0, w_started_next;   // a strobed byte seen
reg w_gap_reg = 1'b0, w_gap_next;           // an unstrobed byte after one
reg w_hole_reg = 1'b0, w_hole_next;         // a strobed byte after a gap
reg w_bad_reg = 1'b0, w_bad_next;           // burst parameters or wlast wrong
reg [IRQ_VECTORS-1:0] irq_pend_reg = {IRQ_VECTORS{1'b0}}, irq_pend_next;
reg [IRQ_VECTORS-1:0] irq_vec_reg = {IRQ_VECTORS{1'b0}}, irq_vec_next;
reg [63:0] stamp_reg = 64'd0, stamp_next;
reg [5:0] hdr_idx_reg = 6'd0, hdr_idx_next;
reg [REQ_ADDR_WIDTH:0] pkt_len_reg = {REQ_ADDR_WIDTH+1{1'b0}}, pkt_len_next;
reg [RETRY_WIDTH-1:0] retry_cnt_reg = {RETRY_WIDTH{1'b0}}, retry_cnt_next;
reg tmo_run_reg = 1'b0, tmo_run_next;
reg [CYC_WIDTH-1:0] tmo_cyc_reg = {CYC_WIDTH{1'b0}}, tmo_cyc_next;
reg [BITS_WIDTH-1:0] tmo_bits_reg = {BITS_WIDTH{1'b0}}, tmo_bits_next;
reg resp_ok_reg = 1'b0, resp_ok_next;
reg [RX_SLOT_WIDTH-1:0] slot_reg = {RX_SLOT_WIDTH{1'b0}}, slot_next;
reg slot_held_reg = 1'b0, slot_held_next;
reg [LANE_WIDTH:0] issue_left_reg = {LANE_WIDTH+1{1'b0}}, issue_left_next;
reg [LANE_WIDTH:0] got_left_reg = {LANE_WIDTH+1{1'b0}}, got_left_next;
reg rd_pend_reg = 1'b0, rd_pend_next;
reg link_lost_reg = 1'b0, link_lost_next;
reg protocol_error_reg = 1'b0, protocol_error_next;
reg stat_retry_reg = 1'b0, stat_retry_next;

reg s_axi_awready_reg = 1'b0, s_axi_awready_next;
reg s_axi_wready_reg = 1'b0, s_axi_wready_next;
reg s_axi_bvalid_reg = 1'b0, s_axi_bvalid_next;
reg [1:0] s_axi_bresp_reg = RESP_OKAY, s_axi_bresp_next;
reg s_axi_arready_reg = 1'b0, s_axi_arready_next;
reg [DMA_DATA_WIDTH-1:0] s_axi_rdata_reg = {DMA_DATA_WIDTH{1'b0}}, s_axi_rdata_next;
reg [1:0] s_axi_rresp_reg = RESP_OKAY, s_axi_rresp_next;
reg s_axi_rlast_reg = 1'b0, s_axi_rlast_next;
reg s_axi_rvalid_reg = 1'b0, s_axi_rvalid_next;

// combinational outputs of the state machine
reg b_wr_en_int;
reg [REQ_ADDR_WIDTH-1:0] b_wr_addr_int;
reg [7:0] b_wr_data_int;
reg b_send_int;
reg b_cancel_int;
reg rd_req_int;
reg rel_int;

wire d_rst = rst || core_rst;

// the write lane being looked at
wire lane_strb = s_axi_wstrb[lane_reg];
wire [7:0] lane_data = s_axi_wdata[lane_reg*8 +: 8];
// its byte address: bursts never cross 4 KiB, so only the page offset moves
/* verilator lint_off UNUSED */
wire [11:0] beat_ext = {4'd0, beat_reg};
/* verilator lint_on UNUSED */
wire [11-LANE_WIDTH:0] lane_row = addr_reg[11:LANE_WIDTH] + beat_ext[11-LANE_WIDTH:0];

// a burst's parameters are outside what is served
localparam [8:0] MAX_BEATS = DMA_MAX_BURST[8:0];
wire aw_bad = ({1'b0, s_axi_awlen} >= MAX_BEATS) || (s_axi_awsize != BEAT_SIZE) || (s_axi_awburst != BURST_INCR);
wire ar_bad = ({1'b0, s_axi_arlen} >= MAX_BEATS) || (s_axi_arsize != BEAT_SIZE) || (s_axi_arburst != BURST_INCR);
// the bytes a DMA_READ asks for
wire [8+LANE_WIDTH:0] ar_beats_bytes = {{LANE_WIDTH{1'b0}}, {1'b0, s_axi_arlen} + 9'd1} << LANE_WIDTH;
/* verilator lint_off UNUSED */
wire [8+LANE_WIDTH:0] ar_bytes = ar_beats_bytes - {{9{1'b0}}, s_axi_araddr[LANE_WIDTH-1:0]};
/* verilator lint_on UNUSED */
// beat 0 of a read starts at this lane
wire [LANE_WIDTH:0] first_lane_bytes = BEAT_BYTES[LANE_WIDTH:0] - {1'b0, addr_reg[LANE_WIDTH-1:0]};

// the data byte the R beat reads next
reg [NB_WIDTH-1:0] data_idx_reg = {NB_WIDTH{1'b0}}, data_idx_next;
// where it is in the slot, and where the next write byte goes in the request RAM
/* verilator lint_off UNUSED */
wire [RX_OFFSET_WIDTH+NB_WIDTH:0] rd_offset_ext = DATA_OFFSET + {{(RX_OFFSET_WIDTH+1){1'b0}}, data_idx_reg};
wire [REQ_ADDR_WIDTH+NB_WIDTH:0] wr_offset_ext = DATA_OFFSET + {{(REQ_ADDR_WIDTH+1){1'b0}}, nbytes_reg};
/* verilator lint_on UNUSED */

// the request's payload length
reg [31:0] plen;
always @* begin
    if (req_type_reg == `FLUE_LINK_TYPE_IRQ) begin
        plen = IRQ_BYTES;
    end else if (req_type_reg == `FLUE_LINK_TYPE_DMA_WRITE) begin
        plen = DMA_BYTES + {{(32-NB_WIDTH){1'b0}}, nbytes_reg};
    end else begin
        plen = DMA_BYTES;
    end
end

// the request image, byte 0 first: header, fixed payload
reg [IMG_BYTES*8-1:0] img;
always @* begin
    img = {IMG_BYTES*8{1'b0}};
    img[`FLUE_LINK_HEADER_TYPE_LSB +: `FLUE_LINK_HEADER_TYPE_WIDTH] = req_type_reg;
    img[`FLUE_LINK_HEADER_SEQ_LSB +: `FLUE_LINK_HEADER_SEQ_WIDTH] = seq_reg;
    img[`FLUE_LINK_HEADER_LENGTH_LSB +: `FLUE_LINK_HEADER_LENGTH_WIDTH] = plen;
    img[`FLUE_LINK_HEADER_TIME_LSB +: `FLUE_LINK_HEADER_TIME_WIDTH] = stamp_reg;
    if (req_type_reg == `FLUE_LINK_TYPE_IRQ) begin
        img[HDR_BITS + `FLUE_LINK_IRQ_VECTORS_LSB +: IRQ_VECTORS] = irq_vec_reg;
    end else begin
        img[HDR_BITS + `FLUE_LINK_DMA_ADDR_LSB +: DMA_ADDR_WIDTH] = addr_reg;
        img[HDR_BITS + `FLUE_LINK_DMA_LENGTH_LSB +: NB_WIDTH] = nbytes_reg;
        img[HDR_BITS + `FLUE_LINK_DMA_TAG_LSB +: DMA_ID_WIDTH] = id_reg;
    end
end
wire [5:0] img_bytes = (req_type_reg == `FLUE_LINK_TYPE_IRQ) ? HDR_BYTES + IRQ_BYTES : IMG_BYTES;

// the response type the outstanding request expects
reg [7:0] expect_type;
always @* begin
    case (req_type_reg)
        `FLUE_LINK_TYPE_DMA_READ: expect_type = `FLUE_LINK_TYPE_DMA_READ_REPLY;
        `FLUE_LINK_TYPE_DMA_WRITE: expect_type = `FLUE_LINK_TYPE_DMA_WRITE_ACK;
        default: expect_type = `FLUE_LINK_TYPE_IRQ;
    endcase
end

assign s_axi_awready = s_axi_awready_reg;
assign s_axi_wready = s_axi_wready_reg;
assign s_axi_bid = id_reg;
assign s_axi_bresp = s_axi_bresp_reg;
assign s_axi_bvalid = s_axi_bvalid_reg;
assign s_axi_arready = s_axi_arready_reg;
assign s_axi_rid = id_reg;
assign s_axi_rdata = s_axi_rdata_reg;
assign s_axi_rresp = s_axi_rresp_reg;
assign s_axi_rlast = s_axi_rlast_reg;
assign s_axi_rvalid = s_axi_rvalid_reg;

assign b_wr_en = b_wr_en_int;
assign b_wr_addr = b_wr_addr_int;
assign b_wr_data = b_wr_data_int;
assign b_send = b_send_int;
assign b_len = pkt_len_reg;
assign b_cancel = b_cancel_int;

assign out_valid = (state_reg == STATE_WAIT) && !d_rst;
assign out_seq = seq_reg;
assign out_type = expect_type;
assign out_data_len = {{(32-NB_WIDTH){1'b0}}, nbytes_reg};

assign rd_req = rd_req_int;
assign rd_addr = {slot_reg, rd_offset_ext[RX_OFFSET_WIDTH-1:0]};
assign rel_valid = slot_held_reg && (d_rst || rel_int);
assign rel_slot = slot_reg;

assign link_lost = link_lost_reg;
assign protocol_error = protocol_error_reg;
assign stat_retry = stat_retry_reg;

// set up the fill of an R beat
task start_fill;
    input first;
    begin
        issue_left_next = first ? first_lane_bytes : BEAT_BYTES[LANE_WIDTH:0];
        got_left_next = first ? first_lane_bytes : BEAT_BYTES[LANE_WIDTH:0];
        if (first) begin
            // lanes below the start stay zero
            s_axi_rdata_next = {DMA_DATA_WIDTH{1'b0}};
        end
    end
endtask

// start a new request: number it, stamp it
task start_request;
    input [7:0] req_type;
    begin
        req_type_next = req_type;
        seq_next = (seq_reg == 16'hffff) ? 16'd1 : seq_reg + 1'b1;
        stamp_next = time_now;
        hdr_idx_next = 6'd0;
        state_next = STATE_HDR;
    end
endtask

always @* begin
    state_next = state_reg;
    seq_next = seq_reg;
    req_type_next = req_type_reg;
    id_next = id_reg;
    addr_next = addr_reg;
    burst_len_next = burst_len_reg;
    beat_next = beat_reg;
    lane_next = lane_reg;
    nbytes_next = nbytes_reg;
    w_started_next = w_started_reg;
    w_gap_next = w_gap_reg;
    w_hole_next = w_hole_reg;
    w_bad_next = w_bad_reg;
    irq_pend_next = irq_pend_reg | irq;
    irq_vec_next = irq_vec_reg;
    stamp_next = stamp_reg;
    hdr_idx_next = hdr_idx_reg;
    pkt_len_next = pkt_len_reg;
    retry_cnt_next = retry_cnt_reg;
    tmo_run_next = tmo_run_reg;
    tmo_cyc_next = tmo_cyc_reg;
    tmo_bits_next = tmo_bits_reg;
    resp_ok_next = resp_ok_reg;
    slot_next = slot_reg;
    slot_held_next = slot_held_reg;
    issue_left_next = issue_left_reg;
    got_left_next = got_left_reg;
    rd_pend_next = 1'b0;
    data_idx_next = data_idx_reg;
    link_lost_next = link_lost_reg;
    protocol_error_next = protocol_error_reg;
    stat_retry_next = 1'b0;

    s_axi_awready_next = 1'b0;
    s_axi_wready_next = 1'b0;
    s_axi_bvalid_next = s_axi_bvalid_reg && !s_axi_bready;
    s_axi_bresp_next = s_axi_bresp_reg;
    s_axi_arready_next = 1'b0;
    s_axi_rdata_next = s_axi_rdata_reg;
    s_axi_rresp_next = s_axi_rresp_reg;
    s_axi_rlast_next = s_axi_rlast_reg;
    s_axi_rvalid_next = s_axi_rvalid_reg && !s_axi_rready;

    b_wr_en_int = 1'b0;
    b_wr_addr_int = {{(REQ_ADDR_WIDTH-6){1'b0}}, hdr_idx_reg};
    b_wr_data_int = img[hdr_idx_reg*8 +: 8];
    b_send_int = 1'b0;
    b_cancel_int = 1'b0;
    rd_req_int = 1'b0;
    rel_int = 1'b0;

    if (d_rst) begin
        // nothing starts, nothing is sent; a pending retransmission is withdrawn
        b_cancel_int = 1'b1;
    end else case (state_reg)
        STATE_IDLE: begin
            // the request RAM is free once its last packet has gone out
            if (!b_pend && !b_active) begin
                if (irq_pend_reg != {IRQ_VECTORS{1'b0}}) begin
                    irq_vec_next = irq_pend_reg;
                    irq_pend_next = irq;
                    start_request(`FLUE_LINK_TYPE_IRQ);
                end else if (s_axi_awvalid) begin
                    s_axi_awready_next = 1'b1;
                    state_next = STATE_AW;
                end else if (s_axi_arvalid) begin
                    s_axi_arready_next = 1'b1;
                    state_next = STATE_AR;
                end
            end
        end
        STATE_AW: begin
            s_axi_awready_next = !s_axi_awvalid;
            if (s_axi_awvalid) begin
                id_next = s_axi_awid;
                addr_next = s_axi_awaddr;
                burst_len_next = s_axi_awlen;
                beat_next = 8'd0;
                lane_next = {LANE_WIDTH{1'b0}};
                nbytes_next = {NB_WIDTH{1'b0}};
                w_started_next = 1'b0;
                w_gap_next = 1'b0;
                w_hole_next = 1'b0;
                w_bad_next = aw_bad;
                state_next = STATE_W_SCAN;
            end
        end
        STATE_W_SCAN: begin
            if (s_axi_wvalid) begin
                if (lane_strb) begin
                    if (w_gap_reg) begin
                        w_hole_next = 1'b1;
                    end
                    if (!w_started_reg) begin
                        addr_next[11:0] = {lane_row, lane_reg};
                    end
                    w_started_next = 1'b1;
                    if (!w_bad_reg) begin
                        b_wr_en_int = 1'b1;
                        b_wr_addr_int = wr_offset_ext[REQ_ADDR_WIDTH-1:0];
                        b_wr_data_int = lane_data;
                        nbytes_next = nbytes_reg + 1'b1;
                    end
                end else if (w_started_reg) begin
                    w_gap_next = 1'b1;
                end
                lane_next = lane_reg + 1'b1;
                if (lane_reg == BEAT_BYTES[LANE_WIDTH-1:0] - 1'b1) begin
                    s_axi_wready_next = 1'b1;
                    state_next = STATE_W_ACK;
                end
            end
        end
        STATE_W_ACK: begin
            s_axi_wready_next = !s_axi_wvalid;
            if (s_axi_wvalid) begin
                if (s_axi_wlast != (beat_reg == burst_len_reg)) begin
                    w_bad_next = 1'b1;
                end
                beat_next = beat_reg + 1'b1;
                state_next = STATE_W_SCAN;
                if (beat_reg == burst_len_reg) begin
                    if (w_bad_next || w_hole_reg) begin
                        protocol_error_next = 1'b1;
                        s_axi_bresp_next = RESP_SLVERR;
                        s_axi_bvalid_next = 1'b1;
                        state_next = STATE_B_OUT;
                    end else if (!w_started_reg) begin
                        s_axi_bresp_next = RESP_OKAY;
                        s_axi_bvalid_next = 1'b1;
                        state_next = STATE_B_OUT;
                    end else begin
                        pkt_len_next = HDR_BYTES + DMA_BYTES + {{(REQ_ADDR_WIDTH+1-NB_WIDTH){1'b0}}, nbytes_reg};
                        start_request(`FLUE_LINK_TYPE_DMA_WRITE);
                    end
                end
            end
        end
        STATE_AR: begin
            s_axi_arready_next = !s_axi_arvalid;
            if (s_axi_arvalid) begin
                id_next = s_axi_arid;
                addr_next = s_axi_araddr;
                burst_len_next = s_axi_arlen;
                beat_next = 8'd0;
                nbytes_next = ar_bytes[NB_WIDTH-1:0];
                if (ar_bad) begin
                    protocol_error_next = 1'b1;
                    resp_ok_next = 1'b0;
                    s_axi_rdata_next = {DMA_DATA_WIDTH{1'b0}};
                    s_axi_rresp_next = RESP_SLVERR;
                    s_axi_rlast_next = s_axi_arlen == 8'd0;
                    s_axi_rvalid_next = 1'b1;
                    state_next = STATE_R_OUT;
                end else begin
                    pkt_len_next = HDR_BYTES + DMA_BYTES;
                    start_request(`FLUE_LINK_TYPE_DMA_READ);
                end
            end
        end
        STATE_HDR: begin
            b_wr_en_int = 1'b1;
            hdr_idx_next = hdr_idx_reg + 1'b1;
            if (hdr_idx_reg == img_bytes - 1'b1) begin
                if (req_type_reg == `FLUE_LINK_TYPE_IRQ) begin
                    pkt_len_next = HDR_BYTES + IRQ_BYTES;
                end
                b_send_int = 1'b1;
                retry_cnt_next = {RETRY_WIDTH{1'b0}};
                tmo_run_next = 1'b0;
                state_next = STATE_WAIT;
            end
        end
        STATE_WAIT: begin
            if (resp_valid) begin
                // answered: a retransmission not yet started is withdrawn
                b_cancel_int = 1'b1;
                tmo_run_next = 1'b0;
                if (req_type_reg == `FLUE_LINK_TYPE_IRQ) begin
                    state_next = STATE_IDLE;
                end else if (req_type_reg == `FLUE_LINK_TYPE_DMA_WRITE) begin
                    s_axi_bresp_next = resp_ok ? RESP_OKAY : RESP_SLVERR;
                    s_axi_bvalid_next = 1'b1;
                    state_next = STATE_B_OUT;
                end else if (resp_ok) begin
                    slot_next = resp_slot;
                    slot_held_next = 1'b1;
                    data_idx_next = {NB_WIDTH{1'b0}};
                    resp_ok_next = 1'b1;
                    start_fill(1'b1);
                    state_next = STATE_R_FILL;
                end else begin
                    resp_ok_next = 1'b0;
                    s_axi_rdata_next = {DMA_DATA_WIDTH{1'b0}};
                    s_axi_rresp_next = RESP_SLVERR;
                    s_axi_rlast_next = burst_len_reg == 8'd0;
                    s_axi_rvalid_next = 1'b1;
                    state_next = STATE_R_OUT;
                end
            end else if (b_done) begin
                // it has gone out: the timeout runs from here
                tmo_run_next = 1'b1;
                tmo_cyc_next = RETRY_MIN_CYCLES[CYC_WIDTH-1:0];
                tmo_bits_next = RETRY_BIT_TIMES[BITS_WIDTH-1:0];
            end else if (tmo_run_reg) begin
                if (tmo_cyc_reg > {{CYC_WIDTH-1{1'b0}}, 1'b1}) begin
                    tmo_cyc_next = tmo_cyc_reg - 1'b1;
                end else if (tmo_bits_reg != {BITS_WIDTH{1'b0}}) begin
                    tmo_bits_next = tmo_bits_reg - 1'b1;
                    tmo_cyc_next = {{CYC_WIDTH-16{1'b0}}, bit_cycles};
                end else begin
                    // timed out
                    tmo_run_next = 1'b0;
                    if (retry_cnt_reg != RETRY_LIMIT[RETRY_WIDTH-1:0]) begin
                        retry_cnt_next = retry_cnt_reg + 1'b1;
                        b_send_int = 1'b1;
                        stat_retry_next = 1'b1;
                    end else begin
                        // give up
                        link_lost_next = 1'b1;
                        if (req_type_reg == `FLUE_LINK_TYPE_IRQ) begin
                            state_next = STATE_IDLE;
                        end else if (req_type_reg == `FLUE_LINK_TYPE_DMA_WRITE) begin
                            s_axi_bresp_next = RESP_SLVERR;
                            s_axi_bvalid_next = 1'b1;
                            state_next = STATE_B_OUT;
                        end else begin
                            resp_ok_next = 1'b0;
                            s_axi_rdata_next = {DMA_DATA_WIDTH{1'b0}};
                            s_axi_rresp_next = RESP_SLVERR;
                            s_axi_rlast_next = burst_len_reg == 8'd0;
                            s_axi_rvalid_next = 1'b1;
                            state_next = STATE_R_OUT;
                        end
                    end
                end
            end
        end
        STATE_R_FILL: begin
            if (rd_pend_reg) begin
                s_axi_rdata_next = {rd_data, s_axi_rdata_reg[DMA_DATA_WIDTH-1:8]};
                got_left_next = got_left_reg - 1'b1;
            end
            if (issue_left_reg != {LANE_WIDTH+1{1'b0}}) begin
                rd_req_int = 1'b1;
                if (rd_gnt) begin
                    issue_left_next = issue_left_reg - 1'b1;
                    data_idx_next = data_idx_reg + 1'b1;
                    rd_pend_next = 1'b1;
                end
            end
            if (rd_pend_reg && got_left_reg == {{LANE_WIDTH{1'b0}}, 1'b1}) begin
                // the beat is full
                s_axi_rresp_next = RESP_OKAY;
                s_axi_rlast_next = beat_reg == burst_len_reg;
                s_axi_rvalid_next = 1'b1;
                state_next = STATE_R_OUT;
                if (beat_reg == burst_len_reg) begin
                    // the reply's last byte is read: its slot goes back
                    rel_int = 1'b1;
                    slot_held_next = 1'b0;
                end
            end
        end
        STATE_R_OUT: begin
            if (s_axi_rvalid_reg && s_axi_rready) begin
                beat_next = beat_reg + 1'b1;
                if (beat_reg == burst_len_reg) begin
                    state_next = STATE_IDLE;
                end else if (resp_ok_reg) begin
                    start_fill(1'b0);
                    state_next = STATE_R_FILL;
                end else begin
                    s_axi_rlast_next = beat_reg + 1'b1 == burst_len_reg;
                    s_axi_rvalid_next = 1'b1;
                end
            end
        end
        STATE_B_OUT: begin
            if (s_axi_bvalid_reg && s_axi_bready) begin
                state_next = STATE_IDLE;
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase
end

always @(posedge clk) begin
    state_reg <= state_next;
    seq_reg <= seq_next;
    req_type_reg <= req_type_next;
    id_reg <= id_next;
    addr_reg <= addr_next;
    burst_len_reg <= burst_len_next;
    beat_reg <= beat_next;
    lane_reg <= lane_next;
    nbytes_reg <= nbytes_next;
    w_started_reg <= w_started_next;
    w_gap_reg <= w_gap_next;
    w_hole_reg <= w_hole_next;
    w_bad_reg <= w_bad_next;
    irq_pend_reg <= irq_pend_next;
    irq_vec_reg <= irq_vec_next;
    stamp_reg <= stamp_next;
    hdr_idx_reg <= hdr_idx_next;
    pkt_len_reg <= pkt_len_next;
    retry_cnt_reg <= retry_cnt_next;
    tmo_run_reg <= tmo_run_next;
    tmo_cyc_reg <= tmo_cyc_next;
    tmo_bits_reg <= tmo_bits_next;
    resp_ok_reg <= resp_ok_next;
    slot_reg <= slot_next;
    slot_held_reg <= slot_held_next;
    issue_left_reg <= issue_left_next;
    got_left_reg <= got_left_next;
    rd_pend_reg <= rd_pend_next;
    data_idx_reg <= data_idx_next;
    link_lost_reg <= link_lost_next;
    protocol_error_reg <= protocol_error_next;
    stat_retry_reg <= stat_retry_next;

    s_axi_awready_reg <= s_axi_awready_next;
    s_axi_wready_reg <= s_axi_wready_next;
    s_axi_bvalid_reg <= s_axi_bvalid_next;
    s_axi_bresp_reg <= s_axi_bresp_next;
    s_axi_arready_reg <= s_axi_arready_next;
    s_axi_rdata_reg <= s_axi_rdata_next;
    s_axi_rresp_reg <= s_axi_rresp_next;
    s_axi_rlast_reg <= s_axi_rlast_next;
    s_axi_rvalid_reg <= s_axi_rvalid_next;

    if (d_rst) begin
        // the core is in reset (or the bridge): every burst and request is abandoned
        state_reg <= STATE_IDLE;
        irq_pend_reg <= {IRQ_VECTORS{1'b0}};
        tmo_run_reg <= 1'b0;
        slot_held_reg <= 1'b0;
        rd_pend_reg <= 1'b0;
        stat_retry_reg <= 1'b0;
        s_axi_awready_reg <= 1'b0;
        s_axi_wready_reg <= 1'b0;
        s_axi_bvalid_reg <= 1'b0;
        s_axi_arready_reg <= 1'b0;
        s_axi_rvalid_reg <= 1'b0;
    end

    if (rst) begin
        seq_reg <= 16'd0;
        link_lost_reg <= 1'b0;
        protocol_error_reg <= 1'b0;
    end
end

endmodule

`resetall
