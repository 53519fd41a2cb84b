// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Request dispatch: validates one descriptor at a time and routes it: L2_SEND to l2_tx,
 * L2_RECV_POST to l2_rx's posted-buffer FIFO (RESOURCES when that FIFO is full), the offload
 * and TCP opcodes to the TOE (when built; UNSUPPORTED otherwise) after their length and address
 * checks, and everything else to an immediate completion (NOP OK, BAD_OPCODE, BAD_LENGTH,
 * BAD_ADDRESS). Completion records are the low CPL_REC_WIDTH bits of a completion entry.
 * start (the CTRL.ENABLE rising edge) drops a descriptor still held from before it.
 */
module queue_dispatch #
(
    // width of command lengths
    parameter LEN_WIDTH = 20,
    // width of completion records (the entry up to REQ_HEAD)
    parameter CPL_REC_WIDTH = `FLUE_CPL_ENTRY_REQ_HEAD_LSB,
    // 1: the TOE is built and takes the offload and TCP opcodes
    parameter TOE_ENABLE = 0
)
(
    input  wire                           clk,
    input  wire                           rst,

    /*
     * Ring restart
     */
    input  wire                           start,

    /*
     * Request descriptor input
     */
    input  wire [`FLUE_REQ_DESC_BITS-1:0] s_axis_req_tdata,
    input  wire                           s_axis_req_tvalid,
    output wire                           s_axis_req_tready,

    /*
     * Immediate completion output
     */
    output wire [CPL_REC_WIDTH-1:0]       m_axis_cpl_tdata,
    output wire                           m_axis_cpl_tvalid,
    input  wire                           m_axis_cpl_tready,

    /*
     * Transmit command output
     */
    output wire [63:0]                    m_axis_tx_cmd_addr,
    output wire [LEN_WIDTH-1:0]           m_axis_tx_cmd_len,
    output wire [31:0]                    m_axis_tx_cmd_tag,
    output wire                           m_axis_tx_cmd_valid,
    input  wire                           m_axis_tx_cmd_ready,

    /*
     * Receive buffer post output (ready low means the posted-buffer FIFO is full)
     */
    output wire [63:0]                    m_axis_rx_post_addr,
    output wire [LEN_WIDTH-1:0]           m_axis_rx_post_len,
    output wire [31:0]                    m_axis_rx_post_tag,
    output wire                           m_axis_rx_post_valid,
    input  wire                           m_axis_rx_post_ready,

    /*
     * TOE request output: the whole descriptor
     */
    output wire [`FLUE_REQ_DESC_BITS-1:0] m_axis_toe_req_tdata,
    output wire                           m_axis_toe_req_tvalid,
    input  wire                           m_axis_toe_req_tready,

    /*
     * Statistics
     */
    output wire                           stat_bad_desc
);

localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] ETH_MIN = `FLUE_ETH_MIN_FRAME;
localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] ETH_MAX = `FLUE_ETH_MAX_FRAME;
localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] RX_MIN = `FLUE_RX_BUFFER_MIN;
localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] RX_MAX = `FLUE_BUFFER_MAX;
localparam [64:0] ADDR_LIMIT = 65'd1 << `FLUE_DMA_ADDR_BITS;
localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] STATE_LEN = `FLUE_CONN_STATE_BYTES;
localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] TCP_HDR_MIN = 20;
localparam [`FLUE_REQ_DESC_LENGTH_WIDTH:0] FORWARD_MAX = `FLUE_FORWARD_MAX;

localparam [1:0]
    ROUTE_CPL = 2'd0,
    ROUTE_TX = 2'd1,
    ROUTE_RX = 2'd2,
    ROUTE_TOE = 2'd3;

// bus width assertions
initial begin
    if (CPL_REC_WIDTH != `FLUE_CPL_ENTRY_REQ_HEAD_LSB) begin
        $error("Error: CPL_REC_WIDTH must be FLUE_CPL_ENTRY_REQ_HEAD_LSB (instance %m)");
        $finish;
    end
    if ((1 << LEN_WIDTH) <= `FLUE_BUFFER_MAX) begin
        $error("Error: LEN_WIDTH too small for FLUE_BUFFER_MAX (instance %m)");
        $finish;
    end
end

reg [`FLUE_REQ_DESC_BITS-1:0] desc_reg = {`FLUE_REQ_DESC_BITS{1'b0}}, desc_next;
reg valid_reg = 1'b0, valid_next;
reg stat_bad_desc_reg = 1'b0, stat_bad_desc_next;

reg [1:0] route;
reg [7:0] status;
reg bad;
reg [CPL_REC_WIDTH-1:0] cpl_rec;

wire [7:0] opcode = desc_reg[`FLUE_REQ_DESC_OPCODE_LSB +: `FLUE_REQ_DESC_OPCODE_WIDTH];
wire [31:0] tag = desc_reg[`FLUE_REQ_DESC_TAG_LSB +: `FLUE_REQ_DESC_TAG_WIDTH];
wire [63:0] addr = desc_reg[`FLUE_REQ_DESC_ADDR_LSB +: `FLUE_REQ_DESC_ADDR_WIDTH];
wire [31:0] len = desc_reg[`FLUE_REQ_DESC_LENGTH_LSB +: `FLUE_REQ_DESC_LENGTH_WIDTH];
wire [31:0] conn = desc_reg[`FLUE_REQ_DESC_CONN_LSB +: `FLUE_REQ_DESC_CONN_WIDTH];

wire [32:0] len_x = {1'b0, len};
wire addr_bad = addr == 64'd0 || ({1'b0, addr} + {33'd0, len}) > ADDR_LIMIT;

// a descriptor held across a ring restart is never dispatched
wire live = valid_reg && !start;
wire cpl_fire = m_axis_cpl_tvalid && m_axis_cpl_tready;
wire tx_fire = m_axis_tx_cmd_valid && m_axis_tx_cmd_ready;
wire rx_fire = m_axis_rx_post_valid && m_axis_rx_post_ready;
wire toe_fire = m_axis_toe_req_tvalid && m_axis_toe_req_tready;

assign s_axis_req_tready = !valid_reg;
assign m_axis_cpl_tdata = cpl_rec;
assign m_axis_cpl_tvalid = live && (route == ROUTE_CPL || (route == ROUTE_RX && !m_axis_rx_post_ready));
assign m_axis_tx_cmd_addr = addr;
assign m_axis_tx_cmd_len = len[LEN_WIDTH-1:0];
assign m_axis_tx_cmd_tag = tag;
assign m_axis_tx_cmd_valid = live && route == ROUTE_TX;
assign m_axis_rx_post_addr = addr;
assign m_axis_rx_post_len = len[LEN_WIDTH-1:0];
assign m_axis_rx_post_tag = tag;
assign m_axis_rx_post_valid = live && route == ROUTE_RX;
assign m_axis_toe_req_tdata = desc_reg;
assign m_axis_toe_req_tvalid = live && route == ROUTE_TOE;
assign stat_bad_desc = stat_bad_desc_reg;

// the TOE opcodes' length rules: the offload opcodes move a whole connection state block;
// sends need a byte, forwards a TCP header, a NIC buffer lent to the card (TCP_RECV_RETURN) a
// byte; receive posts and disconnects may be empty; invalidate names no buffer. A buffer's
// address is checked whenever it has bytes.
reg toe_len_bad;
reg toe_buffer;

always @* begin
    toe_len_bad = 1'b0;
    toe_buffer = len_x != 0;
    case (opcode)
        `FLUE_OPCODE_OFFLOAD_INITIATE,
        `FLUE_OPCODE_OFFLOAD_TERMINATE,
        `FLUE_OPCODE_OFFLOAD_UPDATE,
        `FLUE_OPCODE_OFFLOAD_QUERY: toe_len_bad = len_x != STATE_LEN;
        `FLUE_OPCODE_OFFLOAD_INVALIDATE,
        `FLUE_OPCODE_NEIGHBOR_REACH,
        `FLUE_OPCODE_NEIGHBOR_NRD: toe_buffer = 1'b0;
        `FLUE_OPCODE_TCP_SEND,
        `FLUE_OPCODE_TCP_RECV_RETURN: toe_len_bad = len_x == 0 || len_x > RX_MAX;
        `FLUE_OPCODE_TCP_FORWARD: toe_len_bad = len_x < TCP_HDR_MIN || len_x > FORWARD_MAX;
        default: toe_len_bad = len_x > RX_MAX;  // TCP_RECV_POST, TCP_DISCONNECT
    endcase
end

// validation, in the order the contract gives
always @* begin
    route = ROUTE_CPL;
    status = `FLUE_CPL_STATUS_OK;
    bad = 1'b0;

    case (opcode)
        `FLUE_OPCODE_NOP: begin
            status = `FLUE_CPL_STATUS_OK;
        end
        `FLUE_OPCODE_L2_SEND: begin
            if (len_x < ETH_MIN || len_x > ETH_MAX) begin
                status = `FLUE_CPL_STATUS_BAD_LENGTH;
                bad = 1'b1;
            end else if (addr_bad) begin
                status = `FLUE_CPL_STATUS_BAD_ADDRESS;
                bad = 1'b1;
            end else begin
                route = ROUTE_TX;
            end
        end
        `FLUE_OPCODE_L2_RECV_POST: begin
            if (len_x < RX_MIN || len_x > RX_MAX) begin
                status = `FLUE_CPL_STATUS_BAD_LENGTH;
                bad = 1'b1;
            end else if (addr_bad) begin
                status = `FLUE_CPL_STATUS_BAD_ADDRESS;
                bad = 1'b1;
            end else begin
                route = ROUTE_RX;
                status = `FLUE_CPL_STATUS_RESOURCES;
            end
        end
        `FLUE_OPCODE_OFFLOAD_INITIATE,
        `FLUE_OPCODE_OFFLOAD_TERMINATE,
        `FLUE_OPCODE_OFFLOAD_UPDATE,
        `FLUE_OPCODE_OFFLOAD_QUERY,
        `FLUE_OPCODE_OFFLOAD_INVALIDATE,
        `FLUE_OPCODE_NEIGHBOR_REACH,
        `FLUE_OPCODE_NEIGHBOR_NRD,
        `FLUE_OPCODE_TCP_SEND,
        `FLUE_OPCODE_TCP_RECV_POST,
        `FLUE_OPCODE_TCP_DISCONNECT,
        `FLUE_OPCODE_TCP_FORWARD,
        `FLUE_OPCODE_TCP_RECV_RETURN: begin
            if (TOE_ENABLE == 0) begin
                status = `FLUE_CPL_STATUS_UNSUPPORTED;
                bad = 1'b1;
            end else if (toe_len_bad) begin
                status = `FLUE_CPL_STATUS_BAD_LENGTH;
                bad = 1'b1;
            end else if (toe_buffer && addr_bad) begin
                status = `FLUE_CPL_STATUS_BAD_ADDRESS;
                bad = 1'b1;
            end else begin
                route = ROUTE_TOE;
            end
        end
        default: begin
            status = `FLUE_CPL_STATUS_BAD_OPCODE;
            bad = 1'b1;
        end
    endcase

    cpl_rec = {CPL_REC_WIDTH{1'b0}};
    cpl_rec[`FLUE_CPL_ENTRY_KIND_LSB +: `FLUE_CPL_ENTRY_KIND_WIDTH] = `FLUE_ENTRY_KIND_COMPLETION;
    cpl_rec[`FLUE_CPL_ENTRY_OPCODE_LSB +: `FLUE_CPL_ENTRY_OPCODE_WIDTH] = opcode;
    cpl_rec[`FLUE_CPL_ENTRY_STATUS_LSB +: `FLUE_CPL_ENTRY_STATUS_WIDTH] = status;
    cpl_rec[`FLUE_CPL_ENTRY_TAG_LSB +: `FLUE_CPL_ENTRY_TAG_WIDTH] = tag;
    cpl_rec[`FLUE_CPL_ENTRY_LENGTH_LSB +: `FLUE_CPL_ENTRY_LENGTH_WIDTH] = 32'd0;
    cpl_rec[`FLUE_CPL_ENTRY_CONN_LSB +: `FLUE_CPL_ENTRY_CONN_WIDTH] = conn;
end

always @* begin
    desc_next = desc_reg;
    valid_next = valid_reg;
    stat_bad_desc_next = 1'b0;

    if (cpl_fire || tx_fire || rx_fire || toe_fire) begin
        valid_next = 1'b0;
        stat_bad_desc_next = cpl_fire && bad;
    end

    if (start) begin
        valid_next = 1'b0;
    end else if (s_axis_req_tvalid && s_axis_req_tready) begin
        desc_next = s_axis_req_tdata;
        valid_next = 1'b1;
    end
end

always @(posedge clk) begin
    desc_reg <= desc_next;
    valid_reg <= valid_next;
    stat_bad_desc_reg <= stat_bad_desc_next;

    if (rst) begin
        valid_reg <= 1'b0;
        stat_bad_desc_reg <= 1'b0;
    end
end

// the TOE reads flags and param from the whole descriptor
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, len[31:LEN_WIDTH]};
/* verilator lint_on UNUSED */

endmodule

`resetall
