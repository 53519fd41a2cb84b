// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Link host-request server: the link_bridge's side of the host → bridge request stream
 *
 * Serves one host request at a time (protocol/SERIAL-LINK.md, "Host → bridge") and builds its
 * response into the response RAM of link_tx_buffer (A), where it stays for replay:
 *  - HELLO: reads ID, VERSION and CAPS over AXI4-Lite, HELLO_REPLY with them and CLK_HZ;
 *  - MMIO_READ / MMIO_WRITE: one AXI4-Lite transaction, all strobes set; an address outside
 *    the register window answers DECERR without touching the bus, no bus response within
 *    MMIO_TIMEOUT_CYCLES answers SLVERR;
 *  - TIME_ADVANCE: waits until the cycle counter reaches header.time or an interrupt vector
 *    fires (irq_any), then TIME_REACHED; a new request (req_valid while waiting) ends the wait
 *    with no answer;
 *  - RESET: holds core_rst for RESET_CYCLES, then RESET;
 *  - LINK_STATS: the bridge's counters (stat_*), as they are when the response is built;
 *  - any other type, or a payload length wrong for the type: ERROR.
 * Every response has the request's seq, the response flag and the counter value when it was
 * built as its time.
 *
 * The bridge's dispatcher decides what a request is: a new one (req_valid, only while idle or
 * waiting), a repeat of the last answered one (replay: its kept response goes out again, only
 * while idle or waiting), or a copy of the one being served (dropped there). busy, waiting, serve_seq,
 * kept_valid and kept_seq tell it.
 *
 * The AXI4-Lite master is a small state machine of its own. A transaction that timed out is
 * not cut off (its valid stays up until the handshake, as AXI requires): the next one waits
 * for it, within its own timeout. core_rst drops it, as the register slave is in reset too.
 */
module link_host_req #
(
    // AXI4-Lite address width (the register window, FLUE_REG_SPACE_BYTES, must fit)
    parameter AXIL_ADDR_WIDTH = 12,
    // core clock, Hz, reported in HELLO_REPLY
    parameter CLK_HZ = 100000000,
    // cycles core_rst is held for a RESET request
    parameter RESET_CYCLES = 16,
    // cycles an MMIO access waits for its bus response
    parameter MMIO_TIMEOUT_CYCLES = 1024,
    // response RAM address width (holds FLUE_LINK_HEADER_BYTES + the largest response payload)
    parameter RESP_ADDR_WIDTH = 6
)
(
    input  wire                          clk,
    input  wire                          rst,

    // the bridge's cycle counter
    input  wire [63:0]                   time_now,
    // an interrupt vector fired this cycle
    input  wire                          irq_any,

    /*
     * Requests from the dispatcher (fields of the packet, valid with req_valid)
     */
    input  wire                          req_valid,
    input  wire [7:0]                    req_type,
    input  wire [15:0]                   req_seq,
    input  wire [31:0]                   req_len,
    input  wire [63:0]                   req_time,
    input  wire [31:0]                   req_addr,
    input  wire [31:0]                   req_value,
    input  wire                          replay,

    /*
     * State, for the dispatcher
     */
    output wire                          busy,
    output wire                          waiting,
    output wire [15:0]                   serve_seq,
    output wire                          kept_valid,
    output wire [15:0]                   kept_seq,

    /*
     * Counters for LINK_STATS
     */
    input  wire [31:0]                   stat_rx_packets,
    input  wire [31:0]                   stat_rx_dropped,
    input  wire [31:0]                   stat_tx_packets,
    input  wire [31:0]                   stat_retries,
    input  wire [31:0]                   stat_replays,

    /*
     * Response RAM (link_tx_buffer source A)
     */
    output wire                          a_wr_en,
    output wire [RESP_ADDR_WIDTH-1:0]    a_wr_addr,
    output wire [7:0]                    a_wr_data,
    output wire                          a_send,
    output wire [RESP_ADDR_WIDTH:0]      a_len,
    output wire                          a_cancel,
    input  wire                          a_active,

    /*
     * The core's reset (high while rst, and RESET_CYCLES for a RESET request)
     */
    output wire                          core_rst,

    /*
     * AXI4-Lite master (to the core's registers)
     */
    output wire [AXIL_ADDR_WIDTH-1:0]    m_axil_awaddr,
    output wire                          m_axil_awvalid,
    input  wire                          m_axil_awready,
    output wire [31:0]                   m_axil_wdata,
    output wire [3:0]                    m_axil_wstrb,
    output wire                          m_axil_wvalid,
    input  wire                          m_axil_wready,
    input  wire [1:0]                    m_axil_bresp,
    input  wire                          m_axil_bvalid,
    output wire                          m_axil_bready,
    output wire [AXIL_ADDR_WIDTH-1:0]    m_axil_araddr,
    output wire                          m_axil_arvalid,
    input  wire                          m_axil_arready,
    input  wire [31:0]                   m_axil_rdata,
    input  wire [1:0]                    m_axil_rresp,
    input  wire                          m_axil_rvalid,
    output wire                          m_axil_rready
);

localparam HDR_BITS = `FLUE_LINK_HEADER_BITS;
localparam HDR_BYTES = `FLUE_LINK_HEADER_BYTES;
// the largest response payload (LinkStats, LinkHello, LinkMmio)
localparam PL_BYTES = (`FLUE_LINK_STATS_BYTES > `FLUE_LINK_HELLO_BYTES) ?
    ((`FLUE_LINK_STATS_BYTES > `FLUE_LINK_MMIO_BYTES) ? `FLUE_LINK_STATS_BYTES : `FLUE_LINK_MMIO_BYTES) :
    ((`FLUE_LINK_HELLO_BYTES > `FLUE_LINK_MMIO_BYTES) ? `FLUE_LINK_HELLO_BYTES : `FLUE_LINK_MMIO_BYTES);
localparam PL_BITS = PL_BYTES * 8;
localparam IMG_BYTES = HDR_BYTES + PL_BYTES;
localparam TMO_WIDTH = $clog2(MMIO_TIMEOUT_CYCLES + 1);
localparam RST_WIDTH = $clog2(RESET_CYCLES + 1);

localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10, RESP_DECERR = 2'b11;

// parameter assertions
initial begin
    if (AXIL_ADDR_WIDTH < 1 || AXIL_ADDR_WIDTH > 32 || (64'd1 << AXIL_ADDR_WIDTH) < `FLUE_REG_SPACE_BYTES) begin
        $error("Error: AXIL_ADDR_WIDTH must be 32 at most and cover FLUE_REG_SPACE_BYTES (instance %m)");
        $finish;
    end
    if (CLK_HZ < 1) begin
        $error("Error: CLK_HZ must be positive (instance %m)");
        $finish;
    end
    if (RESET_CYCLES < 1 || MMIO_TIMEOUT_CYCLES < 1) begin
        $error("Error: RESET_CYCLES and MMIO_TIMEOUT_CYCLES must be at least 1 (instance %m)");
        $finish;
    end
    if (RESP_ADDR_WIDTH < 5 || (1 << RESP_ADDR_WIDTH) < IMG_BYTES) begin
        $error("Error: RESP_ADDR_WIDTH too small for a response (instance %m)");
        $finish;
    end
end

localparam [2:0]
    STATE_IDLE = 3'd0,
    STATE_OP = 3'd1,          // an AXI4-Lite access (MMIO, or one of HELLO's three reads)
    STATE_WAIT = 3'd2,        // TIME_ADVANCE
    STATE_RESET = 3'd3,       // core_rst held
    STATE_BUILD_WAIT = 3'd4,  // the response is ready; the response RAM is still going out
    STATE_BUILD = 3'd5;       // writing the response into the RAM

localparam [2:0]
    AX_IDLE = 3'd0,
    AX_WRITE = 3'd1,   // AW and/or W not yet taken
    AX_B = 3'd2,
    AX_AR = 3'd3,
    AX_R = 3'd4;

reg [2:0] state_reg = STATE_IDLE, state_next;
reg [15:0] serve_seq_reg = 16'd0, serve_seq_next;
reg [7:0] resp_type_reg = 8'd0, resp_type_next;
reg [4:0] resp_plen_reg = 5'd0, resp_plen_next;    // response payload bytes
reg [63:0] target_reg = 64'd0, target_next;         // TIME_ADVANCE target
reg [31:0] addr_reg = 32'd0, addr_next;             // register address of the access
reg [31:0] wdata_reg = 32'd0, wdata_next;
reg op_write_reg = 1'b0, op_write_next;
reg op_issued_reg = 1'b0, op_issued_next;           // the access is on the bus
reg [1:0] hello_idx_reg = 2'd0, hello_idx_next;     // HELLO: which register (0 ID, 1 VERSION, 2 CAPS)
reg hello_reg = 1'b0, hello_next;
reg [TMO_WIDTH-1:0] tmo_reg = {TMO_WIDTH{1'b0}}, tmo_next;
reg [RST_WIDTH-1:0] rst_cnt_reg = {RST_WIDTH{1'b0}}, rst_cnt_next;
reg [PL_BITS-1:0] pl_reg = {PL_BITS{1'b0}}, pl_next;   // the response payload
reg [63:0] stamp_reg = 64'd0, stamp_next;           // the response's time
reg [RESP_ADDR_WIDTH-1:0] build_idx_reg = {RESP_ADDR_WIDTH{1'b0}}, build_idx_next;
reg kept_valid_reg = 1'b0, kept_valid_next;
reg [15:0] kept_seq_reg = 16'd0, kept_seq_next;
reg [RESP_ADDR_WIDTH:0] kept_len_reg = {RESP_ADDR_WIDTH+1{1'b0}}, kept_len_next;
reg a_send_reg = 1'b0, a_send_next;
reg core_rst_reg = 1'b1, core_rst_next;

// AXI4-Lite master
reg [2:0] ax_state_reg = AX_IDLE, ax_state_next;
reg [AXIL_ADDR_WIDTH-1:0] m_axil_addr_reg = {AXIL_ADDR_WIDTH{1'b0}}, m_axil_addr_next;
reg [31:0] m_axil_wdata_reg = 32'd0, m_axil_wdata_next;
reg m_axil_awvalid_reg = 1'b0, m_axil_awvalid_next;
reg m_axil_wvalid_reg = 1'b0, m_axil_wvalid_next;
reg m_axil_bready_reg = 1'b0, m_axil_bready_next;
reg m_axil_arvalid_reg = 1'b0, m_axil_arvalid_next;
reg m_axil_rready_reg = 1'b0, m_axil_rready_next;
// the access finished this cycle, with this response and read data
reg ax_done;
reg [1:0] ax_resp;
reg ax_start;

// the response's length, bytes
localparam [RESP_ADDR_WIDTH:0] HDR_LEN = HDR_BYTES;
wire [RESP_ADDR_WIDTH:0] resp_len = HDR_LEN + {{(RESP_ADDR_WIDTH-4){1'b0}}, resp_plen_reg};

// the response image, byte 0 first: header, payload
reg [IMG_BYTES*8-1:0] img;

assign busy = state_reg != STATE_IDLE;
assign waiting = state_reg == STATE_WAIT;
assign serve_seq = serve_seq_reg;
assign kept_valid = kept_valid_reg;
assign kept_seq = kept_seq_reg;
assign a_wr_en = state_reg == STATE_BUILD;
assign a_wr_addr = build_idx_reg;
assign a_wr_data = img[build_idx_reg*8 +: 8];
assign a_send = a_send_reg;
assign a_len = kept_len_reg;
assign a_cancel = state_reg == STATE_BUILD;
assign core_rst = core_rst_reg;

assign m_axil_awaddr = m_axil_addr_reg;
assign m_axil_awvalid = m_axil_awvalid_reg;
assign m_axil_wdata = m_axil_wdata_reg;
assign m_axil_wstrb = 4'hf;
assign m_axil_wvalid = m_axil_wvalid_reg;
assign m_axil_bready = m_axil_bready_reg;
assign m_axil_araddr = m_axil_addr_reg;
assign m_axil_arvalid = m_axil_arvalid_reg;
assign m_axil_rready = m_axil_rready_reg;

always @* begin
    img = {IMG_BYTES*8{1'b0}};
    img[`FLUE_LINK_HEADER_TYPE_LSB +: `FLUE_LINK_HEADER_TYPE_WIDTH] = resp_type_reg;
    img[`FLUE_LINK_HEADER_FLAGS_LSB +: `FLUE_LINK_HEADER_FLAGS_WIDTH] = 1;
    img[`FLUE_LINK_HEADER_SEQ_LSB +: `FLUE_LINK_HEADER_SEQ_WIDTH] = serve_seq_reg;
    img[`FLUE_LINK_HEADER_LENGTH_LSB +: `FLUE_LINK_HEADER_LENGTH_WIDTH] = {{(`FLUE_LINK_HEADER_LENGTH_WIDTH-5){1'b0}}, resp_plen_reg};
    img[`FLUE_LINK_HEADER_TIME_LSB +: `FLUE_LINK_HEADER_TIME_WIDTH] = stamp_reg;
    img[HDR_BITS +: PL_BITS] = pl_reg;
end

// the register HELLO reads
localparam [AXIL_ADDR_WIDTH+11:0] REG_ID = {{AXIL_ADDR_WIDTH{1'b0}}, `FLUE_REG_ID};
localparam [AXIL_ADDR_WIDTH+11:0] REG_VERSION = {{AXIL_ADDR_WIDTH{1'b0}}, `FLUE_REG_VERSION};
localparam [AXIL_ADDR_WIDTH+11:0] REG_CAPS = {{AXIL_ADDR_WIDTH{1'b0}}, `FLUE_REG_CAPS};
localparam [AXIL_ADDR_WIDTH-1:0] ADDR_ID = REG_ID[AXIL_ADDR_WIDTH-1:0];
localparam [AXIL_ADDR_WIDTH-1:0] ADDR_VERSION = REG_VERSION[AXIL_ADDR_WIDTH-1:0];
localparam [AXIL_ADDR_WIDTH-1:0] ADDR_CAPS = REG_CAPS[AXIL_ADDR_WIDTH-1:0];
wire [AXIL_ADDR_WIDTH-1:0] hello_addr = (hello_idx_reg == 2'd0) ? ADDR_ID :
    (hello_idx_reg == 2'd1) ? ADDR_VERSION : ADDR_CAPS;

// the AXI4-Lite master
always @* begin
    ax_state_next = ax_state_reg;
    m_axil_addr_next = m_axil_addr_reg;
    m_axil_wdata_next = m_axil_wdata_reg;
    m_axil_awvalid_next = m_axil_awvalid_reg && !m_axil_awready;
    m_axil_wvalid_next = m_axil_wvalid_reg && !m_axil_wready;
    m_axil_bready_next = m_axil_bready_reg;
    m_axil_arvalid_next = m_axil_arvalid_reg && !m_axil_arready;
    m_axil_rready_next = m_axil_rready_reg;
    ax_done = 1'b0;
    ax_resp = RESP_OKAY;

    case (ax_state_reg)
        AX_IDLE: begin
            if (ax_start) begin
                m_axil_addr_next = hello_reg ? hello_addr : addr_reg[AXIL_ADDR_WIDTH-1:0];
                m_axil_wdata_next = wdata_reg;
                if (op_write_reg && !hello_reg) begin
                    m_axil_awvalid_next = 1'b1;
                    m_axil_wvalid_next = 1'b1;
                    ax_state_next = AX_WRITE;
                end else begin
                    m_axil_arvalid_next = 1'b1;
                    ax_state_next = AX_AR;
                end
            end
        end
        AX_WRITE: begin
            if (!m_axil_awvalid_next && !m_axil_wvalid_next) begin
                m_axil_bready_next = 1'b1;
                ax_state_next = AX_B;
            end
        end
        AX_B: begin
            if (m_axil_bvalid) begin
                m_axil_bready_next = 1'b0;
                ax_done = 1'b1;
                ax_resp = m_axil_bresp;
                ax_state_next = AX_IDLE;
            end
        end
        AX_AR: begin
            if (m_axil_arready) begin
                m_axil_rready_next = 1'b1;
                ax_state_next = AX_R;
            end
        end
        AX_R: begin
            if (m_axil_rvalid) begin
                m_axil_rready_next = 1'b0;
                ax_done = 1'b1;
                ax_resp = m_axil_rresp;
                ax_state_next = AX_IDLE;
            end
        end
        default: begin
            ax_state_next = AX_IDLE;
        end
    endcase
end

// the request's payload length is right for its type
reg len_ok;
always @* begin
    case (req_type)
        `FLUE_LINK_TYPE_MMIO_READ, `FLUE_LINK_TYPE_MMIO_WRITE: len_ok = req_len == `FLUE_LINK_MMIO_BYTES;
        default: len_ok = req_len == 32'd0;
    endcase
end

always @* begin
    state_next = state_reg;
    serve_seq_next = serve_seq_reg;
    resp_type_next = resp_type_reg;
    resp_plen_next = resp_plen_reg;
    target_next = target_reg;
    addr_next = addr_reg;
    wdata_next = wdata_reg;
    op_write_next = op_write_reg;
    op_issued_next = op_issued_reg;
    hello_idx_next = hello_idx_reg;
    hello_next = hello_reg;
    tmo_next = tmo_reg;
    rst_cnt_next = rst_cnt_reg;
    pl_next = pl_reg;
    stamp_next = stamp_reg;
    build_idx_next = build_idx_reg;
    kept_valid_next = kept_valid_reg;
    kept_seq_next = kept_seq_reg;
    kept_len_next = kept_len_reg;
    a_send_next = 1'b0;
    core_rst_next = 1'b0;
    ax_start = 1'b0;

    if (req_valid && (state_reg == STATE_IDLE || state_reg == STATE_WAIT)) begin
        // a new request (a TIME_ADVANCE being waited for is dropped)
        serve_seq_next = req_seq;
        resp_plen_next = 5'd0;
        addr_next = req_addr;
        wdata_next = req_value;
        target_next = req_time;
        op_issued_next = 1'b0;
        hello_next = 1'b0;
        hello_idx_next = 2'd0;
        tmo_next = {TMO_WIDTH{1'b0}};
        pl_next = {PL_BITS{1'b0}};
        state_next = STATE_BUILD_WAIT;
        resp_type_next = `FLUE_LINK_TYPE_ERROR;
        if (len_ok) begin
            case (req_type)
                `FLUE_LINK_TYPE_HELLO: begin
                    resp_type_next = `FLUE_LINK_TYPE_HELLO_REPLY;
                    resp_plen_next = `FLUE_LINK_HELLO_BYTES;
                    pl_next[`FLUE_LINK_HELLO_CLOCK_HZ_LSB +: `FLUE_LINK_HELLO_CLOCK_HZ_WIDTH] = CLK_HZ;
                    hello_next = 1'b1;
                    op_write_next = 1'b0;
                    state_next = STATE_OP;
                end
                `FLUE_LINK_TYPE_MMIO_READ, `FLUE_LINK_TYPE_MMIO_WRITE: begin
                    op_write_next = req_type == `FLUE_LINK_TYPE_MMIO_WRITE;
                    resp_type_next = (req_type == `FLUE_LINK_TYPE_MMIO_WRITE) ?
                        `FLUE_LINK_TYPE_MMIO_WRITE_ACK : `FLUE_LINK_TYPE_MMIO_READ_REPLY;
                    resp_plen_next = `FLUE_LINK_MMIO_BYTES;
                    pl_next[`FLUE_LINK_MMIO_ADDR_LSB +: `FLUE_LINK_MMIO_ADDR_WIDTH] = req_addr;
                    if (req_type == `FLUE_LINK_TYPE_MMIO_WRITE) begin
                        pl_next[`FLUE_LINK_MMIO_VALUE_LSB +: `FLUE_LINK_MMIO_VALUE_WIDTH] = req_value;
                    end
                    if (req_addr >= `FLUE_REG_SPACE_BYTES) begin
                        pl_next[`FLUE_LINK_MMIO_RESP_LSB +: `FLUE_LINK_MMIO_RESP_WIDTH] = {6'd0, RESP_DECERR};
                    end else begin
                        state_next = STATE_OP;
                    end
                end
                `FLUE_LINK_TYPE_TIME_ADVANCE: begin
                    resp_type_next = `FLUE_LINK_TYPE_TIME_REACHED;
                    state_next = STATE_WAIT;
                end
                `FLUE_LINK_TYPE_RESET: begin
                    resp_type_next = `FLUE_LINK_TYPE_RESET;
                    rst_cnt_next = RESET_CYCLES[RST_WIDTH-1:0];
                    core_rst_next = 1'b1;
                    state_next = STATE_RESET;
                end
                `FLUE_LINK_TYPE_LINK_STATS: begin
                    resp_type_next = `FLUE_LINK_TYPE_LINK_STATS;
                    resp_plen_next = `FLUE_LINK_STATS_BYTES;
                end
                default: begin
                    resp_type_next = `FLUE_LINK_TYPE_ERROR;
                end
            endcase
        end
    end else begin
        // the kept response again (idle, or waiting: the response RAM is not being written)
        if (replay) begin
            a_send_next = 1'b1;
        end
        case (state_reg)
            STATE_IDLE: begin
                // nothing to do but wait for a request
            end
            STATE_OP: begin
                tmo_next = tmo_reg + 1'b1;
                if (!op_issued_reg && ax_state_reg == AX_IDLE) begin
                    ax_start = 1'b1;
                    op_issued_next = 1'b1;
                end
                if ((op_issued_reg && ax_done) || tmo_reg == MMIO_TIMEOUT_CYCLES[TMO_WIDTH-1:0] - 1'b1) begin
                    // answered, or timed out (SLVERR, read value 0)
                    op_issued_next = 1'b0;
                    tmo_next = {TMO_WIDTH{1'b0}};
                    if (hello_reg) begin
                        if (op_issued_reg && ax_done) begin
                            case (hello_idx_reg)
                                2'd0: pl_next[`FLUE_LINK_HELLO_ID_LSB +: `FLUE_LINK_HELLO_ID_WIDTH] = m_axil_rdata;
                                2'd1: pl_next[`FLUE_LINK_HELLO_VERSION_LSB +: `FLUE_LINK_HELLO_VERSION_WIDTH] = m_axil_rdata;
                                default: pl_next[`FLUE_LINK_HELLO_CAPS_LSB +: `FLUE_LINK_HELLO_CAPS_WIDTH] = m_axil_rdata;
                            endcase
                        end
                        hello_idx_next = hello_idx_reg + 1'b1;
                        if (hello_idx_reg == 2'd2) begin
                            state_next = STATE_BUILD_WAIT;
                        end
                    end else begin
                        if (op_issued_reg && ax_done) begin
                            pl_next[`FLUE_LINK_MMIO_RESP_LSB +: `FLUE_LINK_MMIO_RESP_WIDTH] = {6'd0, ax_resp};
                            if (!op_write_reg) begin
                                pl_next[`FLUE_LINK_MMIO_VALUE_LSB +: `FLUE_LINK_MMIO_VALUE_WIDTH] = m_axil_rdata;
                            end
                        end else begin
                            pl_next[`FLUE_LINK_MMIO_RESP_LSB +: `FLUE_LINK_MMIO_RESP_WIDTH] = {6'd0, RESP_SLVERR};
                        end
                        state_next = STATE_BUILD_WAIT;
                    end
                end
            end
            STATE_WAIT: begin
                if (time_now >= target_reg || irq_any) begin
                    state_next = STATE_BUILD_WAIT;
                end
            end
            STATE_RESET: begin
                rst_cnt_next = rst_cnt_reg - 1'b1;
                core_rst_next = rst_cnt_reg != {{RST_WIDTH-1{1'b0}}, 1'b1};
                if (rst_cnt_reg == {{RST_WIDTH-1{1'b0}}, 1'b1}) begin
                    state_next = STATE_BUILD_WAIT;
                end
            end
            STATE_BUILD_WAIT: begin
                if (!a_active) begin
                    stamp_next = time_now;
                    build_idx_next = {RESP_ADDR_WIDTH{1'b0}};
                    if (resp_type_reg == `FLUE_LINK_TYPE_LINK_STATS) begin
                        pl_next[`FLUE_LINK_STATS_RX_PACKETS_LSB +: `FLUE_LINK_STATS_RX_PACKETS_WIDTH] = stat_rx_packets;
                        pl_next[`FLUE_LINK_STATS_RX_DROPPED_LSB +: `FLUE_LINK_STATS_RX_DROPPED_WIDTH] = stat_rx_dropped;
                        pl_next[`FLUE_LINK_STATS_TX_PACKETS_LSB +: `FLUE_LINK_STATS_TX_PACKETS_WIDTH] = stat_tx_packets;
                        pl_next[`FLUE_LINK_STATS_RETRIES_LSB +: `FLUE_LINK_STATS_RETRIES_WIDTH] = stat_retries;
                        pl_next[`FLUE_LINK_STATS_REPLAYS_LSB +: `FLUE_LINK_STATS_REPLAYS_WIDTH] = stat_replays;
                    end
                    state_next = STATE_BUILD;
                end
            end
            STATE_BUILD: begin
                build_idx_next = build_idx_reg + 1'b1;
                if ({1'b0, build_idx_reg} == resp_len - 1'b1) begin
                    kept_valid_next = 1'b1;
                    kept_seq_next = serve_seq_reg;
                    kept_len_next = resp_len;
                    a_send_next = 1'b1;
                    state_next = STATE_IDLE;
                end
            end
            default: begin
                state_next = STATE_IDLE;
            end
        endcase
    end
end

always @(posedge clk) begin
    state_reg <= state_next;
    serve_seq_reg <= serve_seq_next;
    resp_type_reg <= resp_type_next;
    resp_plen_reg <= resp_plen_next;
    target_reg <= target_next;
    addr_reg <= addr_next;
    wdata_reg <= wdata_next;
    op_write_reg <= op_write_next;
    op_issued_reg <= op_issued_next;
    hello_idx_reg <= hello_idx_next;
    hello_reg <= hello_next;
    tmo_reg <= tmo_next;
    rst_cnt_reg <= rst_cnt_next;
    pl_reg <= pl_next;
    stamp_reg <= stamp_next;
    build_idx_reg <= build_idx_next;
    kept_valid_reg <= kept_valid_next;
    kept_seq_reg <= kept_seq_next;
    kept_len_reg <= kept_len_next;
    a_send_reg <= a_send_next;
    core_rst_reg <= core_rst_next;

    ax_state_reg <= ax_state_next;
    m_axil_addr_reg <= m_axil_addr_next;
    m_axil_wdata_reg <= m_axil_wdata_next;
    m_axil_awvalid_reg <= m_axil_awvalid_next;
    m_axil_wvalid_reg <= m_axil_wvalid_next;
    m_axil_bready_reg <= m_axil_bready_next;
    m_axil_arvalid_reg <= m_axil_arvalid_next;
    m_axil_rready_reg <= m_axil_rready_next;

    if (rst || core_rst_reg) begin
        // the register slave is in reset: whatever was on the bus is gone
        ax_state_reg <= AX_IDLE;
        m_axil_awvalid_reg <= 1'b0;
        m_axil_wvalid_reg <= 1'b0;
        m_axil_bready_reg <= 1'b0;
        m_axil_arvalid_reg <= 1'b0;
        m_axil_rready_reg <= 1'b0;
    end

    if (rst) begin
        state_reg <= STATE_IDLE;
        op_issued_reg <= 1'b0;
        kept_valid_reg <= 1'b0;
        a_send_reg <= 1'b0;
        core_rst_reg <= 1'b1;
    end
end

endmodule

`resetall
