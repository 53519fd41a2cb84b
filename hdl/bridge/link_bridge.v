// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Link bridge: link packets ↔ the core's register bus, DMA master and interrupts
 *
 * The packet level of the serial bridge (protocol/SERIAL-LINK.md), between link_crc_check
 * (packets in, CRC stripped, tuser = bad) and link_crc_append (packets out). Two independent
 * stop-and-wait request streams run over the one line:
 *  - host → bridge (HELLO, MMIO_READ/WRITE, TIME_ADVANCE, RESET, LINK_STATS): link_host_req
 *    serves them, as an AXI4-Lite master to the core's registers, and keeps the last response
 *    for a repeated seq;
 *  - bridge → host (DMA_READ, DMA_WRITE, IRQ): link_dev_req serves the core's AXI4 DMA master
 *    one burst at a time and collects its interrupt pulses, and retransmits until answered.
 *
 * The input comes from a UART that has no FIFO, so it is never stalled (s_axis_tready is 1):
 * link_rx_buffer writes every packet into one of RX_BUFFERS slots of a RAM and checks it (tuser,
 * size, header length) at its end. The dispatcher here then reads each kept packet's header and
 * fixed payload (36 bytes) from its slot and decides:
 *  - a response (flags bit 0) that is the outstanding device request's (seq, type, payload
 *    length) goes to link_dev_req (a DMA_READ_REPLY's slot with it, for the R beats); any other
 *    is dropped;
 *  - a request with the seq being served is dropped (its response is coming); with the seq of
 *    the last response, that response goes out again (replay), unless it has not yet gone out;
 *    otherwise it is a new request for link_host_req, which ends a TIME_ADVANCE wait; while
 *    link_host_req is busy with anything else the dispatcher waits (the other slots take the
 *    line meanwhile).
 * A slot held by a DMA read reply whose R beats wait on the core does not hold up the rest.
 * link_tx_buffer sends the packets both engines build, each kept in its own RAM for replay and
 * retransmission.
 *
 * Every packet's header time is the free-running 64-bit cycle counter (from rst) when it was
 * built. The counters LINK_STATS reports count from rst. core_rst (the core's reset) is high
 * while rst and for RESET_CYCLES for a RESET request. link_lost (the bridge gave up a request)
 * and protocol_error (a write burst with a hole in its strobes, or a burst with parameters
 * outside what is served) stay set until rst.
 */
module link_bridge #
(
    // AXI4-Lite address width, to the core's registers
    parameter AXIL_ADDR_WIDTH = 12,
    // AXI4 DMA: address, data, ID width, longest burst (beats)
    parameter DMA_ADDR_WIDTH = 64,
    parameter DMA_DATA_WIDTH = 128,
    parameter DMA_ID_WIDTH = 4,
    parameter DMA_MAX_BURST = 16,
    // interrupt vectors
    parameter IRQ_VECTORS = 4,
    // core clock, Hz (HELLO_REPLY)
    parameter CLK_HZ = 100000000,
    // core reset held for a RESET request, cycles
    parameter RESET_CYCLES = 16,
    // cycles an MMIO access waits for the bus
    parameter MMIO_TIMEOUT_CYCLES = 1024,
    // a device request goes out again after RETRY_MIN_CYCLES + bit_cycles * RETRY_BIT_TIMES
    // cycles without its response, RETRY_LIMIT times at most
    parameter RETRY_MIN_CYCLES = 65536,
    parameter RETRY_BIT_TIMES = 8192,
    parameter RETRY_LIMIT = 64,
    // receive packet slots (power of two, at least 2)
    parameter RX_BUFFERS = 4
)
(
    input  wire                          clk,
    input  wire                          rst,

    // the UART's cycles per bit (scales the retransmission timeout)
    input  wire [15:0]                   bit_cycles,

    /*
     * Packets in (from link_crc_check): tlast = last byte, tuser on it = bad packet
     */
    input  wire [7:0]                    s_axis_tdata,
    input  wire                          s_axis_tvalid,
    output wire                          s_axis_tready,
    input  wire                          s_axis_tlast,
    input  wire                          s_axis_tuser,

    /*
     * Packets out (to link_crc_append): tlast = last byte
     */
    output wire [7:0]                    m_axis_tdata,
    output wire                          m_axis_tvalid,
    input  wire                          m_axis_tready,
    output wire                          m_axis_tlast,

    /*
     * AXI4-Lite master (to the core's register slave)
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
    output wire                          m_axil_rready,

    /*
     * AXI4 slave (from the core's DMA master)
     */
    input  wire [DMA_ID_WIDTH-1:0]       s_axi_awid,
    input  wire [DMA_ADDR_WIDTH-1:0]     s_axi_awaddr,
    input  wire [7:0]                    s_axi_awlen,
    input  wire [2:0]                    s_axi_awsize,
    input  wire [1:0]                    s_axi_awburst,
    input  wire                          s_axi_awvalid,
    output wire                          s_axi_awready,
    input  wire [DMA_DATA_WIDTH-1:0]     s_axi_wdata,
    input  wire [DMA_DATA_WIDTH/8-1:0]   s_axi_wstrb,
    input  wire                          s_axi_wlast,
    input  wire                          s_axi_wvalid,
    output wire                          s_axi_wready,
    output wire [DMA_ID_WIDTH-1:0]       s_axi_bid,
    output wire [1:0]                    s_axi_bresp,
    output wire                          s_axi_bvalid,
    input  wire                          s_axi_bready,
    input  wire [DMA_ID_WIDTH-1:0]       s_axi_arid,
    input  wire [DMA_ADDR_WIDTH-1:0]     s_axi_araddr,
    input  wire [7:0]                    s_axi_arlen,
    input  wire [2:0]                    s_axi_arsize,
    input  wire [1:0]                    s_axi_arburst,
    input  wire                          s_axi_arvalid,
    output wire                          s_axi_arready,
    output wire [DMA_ID_WIDTH-1:0]       s_axi_rid,
    output wire [DMA_DATA_WIDTH-1:0]     s_axi_rdata,
    output wire [1:0]                    s_axi_rresp,
    output wire                          s_axi_rlast,
    output wire                          s_axi_rvalid,
    input  wire                          s_axi_rready,

    /*
     * Interrupts: a one-cycle pulse on bit v each time vector v fires
     */
    input  wire [IRQ_VECTORS-1:0]        irq,

    /*
     * The core's reset
     */
    output wire                          core_rst,

    /*
     * Status: sticky flags, and one-cycle activity pulses (LEDs)
     */
    output wire                          link_lost,
    output wire                          protocol_error,
    output wire                          stat_rx_packet,
    output wire                          stat_rx_dropped,
    output wire                          stat_tx_packet,
    output wire                          stat_retry
);

localparam HDR_BYTES = `FLUE_LINK_HEADER_BYTES;
localparam HDR_BITS = `FLUE_LINK_HEADER_BITS;
localparam BEAT_BYTES = DMA_DATA_WIDTH / 8;
// the longest packet either way: a DMA_WRITE or DMA_READ_REPLY of a full burst
localparam MAX_PACKET = HDR_BYTES + `FLUE_LINK_DMA_BYTES + DMA_MAX_BURST * BEAT_BYTES;
localparam PKT_ADDR_WIDTH = $clog2(MAX_PACKET);
localparam SLOT_WIDTH = $clog2(RX_BUFFERS);
// the bytes the dispatcher reads of a packet: header and the larger fixed payload
localparam PARSE_BYTES = HDR_BYTES + ((`FLUE_LINK_DMA_BYTES > `FLUE_LINK_MMIO_BYTES) ? `FLUE_LINK_DMA_BYTES : `FLUE_LINK_MMIO_BYTES);
localparam PARSE_WIDTH = $clog2(PARSE_BYTES + 1);
localparam RESP_ADDR_WIDTH = 6;

// parameter assertions (the blocks below check their own)
initial begin
    if (RX_BUFFERS < 2 || (1 << SLOT_WIDTH) != RX_BUFFERS) begin
        $error("Error: RX_BUFFERS must be a power of two, at least 2 (instance %m)");
        $finish;
    end
    if ((1 << PKT_ADDR_WIDTH) < PARSE_BYTES) begin
        $error("Error: packet slots too small (instance %m)");
        $finish;
    end
end

/*
 * Cycle counter and LINK_STATS counters (from rst)
 */
reg [63:0] time_reg = 64'd0;
reg [31:0] cnt_rx_packets_reg = 32'd0;
reg [31:0] cnt_rx_dropped_reg = 32'd0;
reg [31:0] cnt_tx_packets_reg = 32'd0;
reg [31:0] cnt_retries_reg = 32'd0;
reg [31:0] cnt_replays_reg = 32'd0;

wire rx_good;
wire rx_drop;
wire tx_start;
wire dev_retry;
reg replay_pulse;

always @(posedge clk) begin
    time_reg <= time_reg + 1'b1;
    cnt_rx_packets_reg <= cnt_rx_packets_reg + {31'd0, rx_good};
    cnt_rx_dropped_reg <= cnt_rx_dropped_reg + {31'd0, rx_drop};
    cnt_tx_packets_reg <= cnt_tx_packets_reg + {31'd0, tx_start};
    cnt_retries_reg <= cnt_retries_reg + {31'd0, dev_retry};
    cnt_replays_reg <= cnt_replays_reg + {31'd0, replay_pulse};

    if (rst) begin
        time_reg <= 64'd0;
        cnt_rx_packets_reg <= 32'd0;
        cnt_rx_dropped_reg <= 32'd0;
        cnt_tx_packets_reg <= 32'd0;
        cnt_retries_reg <= 32'd0;
        cnt_replays_reg <= 32'd0;
    end
end

assign stat_rx_packet = rx_good;
assign stat_rx_dropped = rx_drop;
assign stat_tx_packet = tx_start;
assign stat_retry = dev_retry;

/*
 * Receive slots
 */
wire pkt_valid;
wire [SLOT_WIDTH-1:0] pkt_slot;
reg pkt_pop;
reg [RX_BUFFERS-1:0] disp_release;
wire dev_rel_valid;
wire [SLOT_WIDTH-1:0] dev_rel_slot;
wire [RX_BUFFERS-1:0] dev_release = dev_rel_valid ? ({{RX_BUFFERS-1{1'b0}}, 1'b1} << dev_rel_slot) : {RX_BUFFERS{1'b0}};

reg disp_rd;
wire [SLOT_WIDTH+PKT_ADDR_WIDTH-1:0] disp_rd_addr;
wire dev_rd_req;
wire [SLOT_WIDTH+PKT_ADDR_WIDTH-1:0] dev_rd_addr;
wire [7:0] rd_data;

link_rx_buffer #(
    .SLOTS(RX_BUFFERS),
    .SLOT_BYTES(1 << PKT_ADDR_WIDTH),
    .MAX_PACKET(MAX_PACKET)
)
rx_buffer_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_tdata),
    .s_axis_tvalid(s_axis_tvalid),
    .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast),
    .s_axis_tuser(s_axis_tuser),
    .pkt_valid(pkt_valid),
    .pkt_slot(pkt_slot),
    .pkt_pop(pkt_pop),
    .release_mask(disp_release | dev_release),
    .rd_en(disp_rd || dev_rd_req),
    .rd_addr(disp_rd ? disp_rd_addr : dev_rd_addr),
    .rd_data(rd_data),
    .stat_good(rx_good),
    .stat_drop(rx_drop)
);

/*
 * Transmit
 */
wire a_wr_en;
wire [RESP_ADDR_WIDTH-1:0] a_wr_addr;
wire [7:0] a_wr_data;
wire a_send;
wire [RESP_ADDR_WIDTH:0] a_len;
wire a_cancel;
wire a_pend;
wire a_active;
wire b_wr_en;
wire [PKT_ADDR_WIDTH-1:0] b_wr_addr;
wire [7:0] b_wr_data;
wire b_send;
wire [PKT_ADDR_WIDTH:0] b_len;
wire b_cancel;
wire b_pend;
wire b_active;
wire b_done;

link_tx_buffer #(
    .A_BYTES(1 << RESP_ADDR_WIDTH),
    .B_BYTES(1 << PKT_ADDR_WIDTH)
)
tx_buffer_inst (
    .clk(clk),
    .rst(rst),
    .a_wr_en(a_wr_en),
    .a_wr_addr(a_wr_addr),
    .a_wr_data(a_wr_data),
    .a_send(a_send),
    .a_len(a_len),
    .a_cancel(a_cancel),
    .a_pend(a_pend),
    .a_active(a_active),
    .b_wr_en(b_wr_en),
    .b_wr_addr(b_wr_addr),
    .b_wr_data(b_wr_data),
    .b_send(b_send),
    .b_len(b_len),
    .b_cancel(b_cancel),
    .b_pend(b_pend),
    .b_active(b_active),
    .b_done(b_done),
    .m_axis_tdata(m_axis_tdata),
    .m_axis_tvalid(m_axis_tvalid),
    .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast),
    .stat_tx_packet(tx_start)
);

/*
 * Dispatcher: reads the header and fixed payload of each kept packet, hands it on
 */
localparam [1:0]
    P_IDLE = 2'd0,
    P_READ = 2'd1,
    P_DECIDE = 2'd2;

reg [1:0] p_state_reg = P_IDLE, p_state_next;
reg [SLOT_WIDTH-1:0] p_slot_reg = {SLOT_WIDTH{1'b0}}, p_slot_next;
reg [PARSE_WIDTH-1:0] p_idx_reg = {PARSE_WIDTH{1'b0}}, p_idx_next;
reg [PARSE_BYTES*8-1:0] pk_reg = {PARSE_BYTES*8{1'b0}}, pk_next;

/* verilator lint_off UNUSED */
wire [PARSE_WIDTH+PKT_ADDR_WIDTH-1:0] p_idx_ext = {{PKT_ADDR_WIDTH{1'b0}}, p_idx_reg};
/* verilator lint_on UNUSED */
assign disp_rd_addr = {p_slot_reg, p_idx_ext[PKT_ADDR_WIDTH-1:0]};

// the packet's fields
wire [7:0] f_type = pk_reg[`FLUE_LINK_HEADER_TYPE_LSB +: `FLUE_LINK_HEADER_TYPE_WIDTH];
wire [7:0] f_flags = pk_reg[`FLUE_LINK_HEADER_FLAGS_LSB +: `FLUE_LINK_HEADER_FLAGS_WIDTH];
wire [15:0] f_seq = pk_reg[`FLUE_LINK_HEADER_SEQ_LSB +: `FLUE_LINK_HEADER_SEQ_WIDTH];
wire [31:0] f_len = pk_reg[`FLUE_LINK_HEADER_LENGTH_LSB +: `FLUE_LINK_HEADER_LENGTH_WIDTH];
wire [63:0] f_time = pk_reg[`FLUE_LINK_HEADER_TIME_LSB +: `FLUE_LINK_HEADER_TIME_WIDTH];
wire [31:0] f_mmio_addr = pk_reg[HDR_BITS + `FLUE_LINK_MMIO_ADDR_LSB +: `FLUE_LINK_MMIO_ADDR_WIDTH];
wire [31:0] f_mmio_value = pk_reg[HDR_BITS + `FLUE_LINK_MMIO_VALUE_LSB +: `FLUE_LINK_MMIO_VALUE_WIDTH];
wire [7:0] f_dma_resp = pk_reg[HDR_BITS + `FLUE_LINK_DMA_RESP_LSB +: `FLUE_LINK_DMA_RESP_WIDTH];
// the fields of the header and payloads the bridge does not look at
/* verilator lint_off UNUSED */
wire unused_fields = &{1'b0, f_flags[7:1], pk_reg[HDR_BITS + `FLUE_LINK_MMIO_BITS +: (PARSE_BYTES - HDR_BYTES - `FLUE_LINK_MMIO_BYTES) * 8]};
/* verilator lint_on UNUSED */

// the engines
wire h_busy;
wire h_waiting;
wire [15:0] h_serve_seq;
wire h_kept_valid;
wire [15:0] h_kept_seq;
reg h_req_valid;
reg h_replay;

wire d_out_valid;
wire [15:0] d_out_seq;
wire [7:0] d_out_type;
wire [31:0] d_out_data_len;
reg d_resp_valid;
wire d_resp_ok = f_dma_resp == 8'd0;

// a response's payload length is right for its type
reg resp_len_ok;
always @* begin
    case (f_type)
        `FLUE_LINK_TYPE_DMA_READ_REPLY: resp_len_ok = f_len == `FLUE_LINK_DMA_BYTES + ((f_dma_resp == 8'd0) ? d_out_data_len : 32'd0);
        `FLUE_LINK_TYPE_DMA_WRITE_ACK: resp_len_ok = f_len == `FLUE_LINK_DMA_BYTES;
        default: resp_len_ok = f_len == 32'd0;
    endcase
end
wire resp_match = d_out_valid && f_seq == d_out_seq && f_type == d_out_type && resp_len_ok;

always @* begin
    p_state_next = p_state_reg;
    p_slot_next = p_slot_reg;
    p_idx_next = p_idx_reg;
    pk_next = pk_reg;
    pkt_pop = 1'b0;
    disp_rd = 1'b0;
    disp_release = {RX_BUFFERS{1'b0}};
    h_req_valid = 1'b0;
    h_replay = 1'b0;
    replay_pulse = 1'b0;
    d_resp_valid = 1'b0;

    case (p_state_reg)
        P_IDLE: begin
            if (pkt_valid) begin
                pkt_pop = 1'b1;
                p_slot_next = pkt_slot;
                p_idx_next = {PARSE_WIDTH{1'b0}};
                p_state_next = P_READ;
            end
        end
        P_READ: begin
            // read byte p_idx, take in the byte read the cycle before (byte 0 ends at the bottom)
            disp_rd = p_idx_reg != PARSE_BYTES[PARSE_WIDTH-1:0];
            if (p_idx_reg != {PARSE_WIDTH{1'b0}}) begin
                pk_next = {rd_data, pk_reg[PARSE_BYTES*8-1:8]};
            end
            p_idx_next = p_idx_reg + 1'b1;
            if (p_idx_reg == PARSE_BYTES[PARSE_WIDTH-1:0]) begin
                p_state_next = P_DECIDE;
            end
        end
        P_DECIDE: begin
            p_state_next = P_IDLE;
            disp_release[p_slot_reg] = 1'b1;
            if (f_flags[0]) begin
                // a response: the outstanding request's, or dropped
                if (resp_match) begin
                    d_resp_valid = 1'b1;
                    if (f_type == `FLUE_LINK_TYPE_DMA_READ_REPLY && d_resp_ok) begin
                        // the slot holds the data: link_dev_req gives it back
                        disp_release[p_slot_reg] = 1'b0;
                    end
                end
            end else if (h_busy && f_seq == h_serve_seq) begin
                // a copy of the request being served: dropped, its response is coming
            end else if (h_busy && !h_waiting) begin
                // another request while one is served: wait
                disp_release[p_slot_reg] = 1'b0;
                p_state_next = P_DECIDE;
            end else if (h_kept_valid && f_seq == h_kept_seq) begin
                // the last answered request again (a TIME_ADVANCE wait goes on): its response
                // again, unless it is still to go out
                if (!a_pend) begin
                    h_replay = 1'b1;
                    replay_pulse = 1'b1;
                end
            end else begin
                h_req_valid = 1'b1;
            end
        end
        default: begin
            p_state_next = P_IDLE;
        end
    endcase
end

always @(posedge clk) begin
    p_state_reg <= p_state_next;
    p_slot_reg <= p_slot_next;
    p_idx_reg <= p_idx_next;
    pk_reg <= pk_next;

    if (rst) begin
        p_state_reg <= P_IDLE;
    end
end

/*
 * Host → bridge requests
 */
link_host_req #(
    .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH),
    .CLK_HZ(CLK_HZ),
    .RESET_CYCLES(RESET_CYCLES),
    .MMIO_TIMEOUT_CYCLES(MMIO_TIMEOUT_CYCLES),
    .RESP_ADDR_WIDTH(RESP_ADDR_WIDTH)
)
host_req_inst (
    .clk(clk),
    .rst(rst),
    .time_now(time_reg),
    .irq_any((|irq) && !core_rst),
    .req_valid(h_req_valid),
    .req_type(f_type),
    .req_seq(f_seq),
    .req_len(f_len),
    .req_time(f_time),
    .req_addr(f_mmio_addr),
    .req_value(f_mmio_value),
    .replay(h_replay),
    .busy(h_busy),
    .waiting(h_waiting),
    .serve_seq(h_serve_seq),
    .kept_valid(h_kept_valid),
    .kept_seq(h_kept_seq),
    .stat_rx_packets(cnt_rx_packets_reg),
    .stat_rx_dropped(cnt_rx_dropped_reg),
    .stat_tx_packets(cnt_tx_packets_reg),
    .stat_retries(cnt_retries_reg),
    .stat_replays(cnt_replays_reg),
    .a_wr_en(a_wr_en),
    .a_wr_addr(a_wr_addr),
    .a_wr_data(a_wr_data),
    .a_send(a_send),
    .a_len(a_len),
    .a_cancel(a_cancel),
    .a_active(a_active),
    .core_rst(core_rst),
    .m_axil_awaddr(m_axil_awaddr),
    .m_axil_awvalid(m_axil_awvalid),
    .m_axil_awready(m_axil_awready),
    .m_axil_wdata(m_axil_wdata),
    .m_axil_wstrb(m_axil_wstrb),
    .m_axil_wvalid(m_axil_wvalid),
    .m_axil_wready(m_axil_wready),
    .m_axil_bresp(m_axil_bresp),
    .m_axil_bvalid(m_axil_bvalid),
    .m_axil_bready(m_axil_bready),
    .m_axil_araddr(m_axil_araddr),
    .m_axil_arvalid(m_axil_arvalid),
    .m_axil_arready(m_axil_arready),
    .m_axil_rdata(m_axil_rdata),
    .m_axil_rresp(m_axil_rresp),
    .m_axil_rvalid(m_axil_rvalid),
    .m_axil_rready(m_axil_rready)
);

/*
 * Bridge → host requests
 */
link_dev_req #(
    .DMA_ADDR_WIDTH(DMA_ADDR_WIDTH),
    .DMA_DATA_WIDTH(DMA_DATA_WIDTH),
    .DMA_ID_WIDTH(DMA_ID_WIDTH),
    .DMA_MAX_BURST(DMA_MAX_BURST),
    .IRQ_VECTORS(IRQ_VECTORS),
    .RETRY_MIN_CYCLES(RETRY_MIN_CYCLES),
    .RETRY_BIT_TIMES(RETRY_BIT_TIMES),
    .RETRY_LIMIT(RETRY_LIMIT),
    .REQ_ADDR_WIDTH(PKT_ADDR_WIDTH),
    .RX_SLOT_WIDTH(SLOT_WIDTH),
    .RX_OFFSET_WIDTH(PKT_ADDR_WIDTH)
)
dev_req_inst (
    .clk(clk),
    .rst(rst),
    .core_rst(core_rst),
    .time_now(time_reg),
    .bit_cycles(bit_cycles),
    .irq(irq),
    .s_axi_awid(s_axi_awid),
    .s_axi_awaddr(s_axi_awaddr),
    .s_axi_awlen(s_axi_awlen),
    .s_axi_awsize(s_axi_awsize),
    .s_axi_awburst(s_axi_awburst),
    .s_axi_awvalid(s_axi_awvalid),
    .s_axi_awready(s_axi_awready),
    .s_axi_wdata(s_axi_wdata),
    .s_axi_wstrb(s_axi_wstrb),
    .s_axi_wlast(s_axi_wlast),
    .s_axi_wvalid(s_axi_wvalid),
    .s_axi_wready(s_axi_wready),
    .s_axi_bid(s_axi_bid),
    .s_axi_bresp(s_axi_bresp),
    .s_axi_bvalid(s_axi_bvalid),
    .s_axi_bready(s_axi_bready),
    .s_axi_arid(s_axi_arid),
    .s_axi_araddr(s_axi_araddr),
    .s_axi_arlen(s_axi_arlen),
    .s_axi_arsize(s_axi_arsize),
    .s_axi_arburst(s_axi_arburst),
    .s_axi_arvalid(s_axi_arvalid),
    .s_axi_arready(s_axi_arready),
    .s_axi_rid(s_axi_rid),
    .s_axi_rdata(s_axi_rdata),
    .s_axi_rresp(s_axi_rresp),
    .s_axi_rlast(s_axi_rlast),
    .s_axi_rvalid(s_axi_rvalid),
    .s_axi_rready(s_axi_rready),
    .b_wr_en(b_wr_en),
    .b_wr_addr(b_wr_addr),
    .b_wr_data(b_wr_data),
    .b_send(b_send),
    .b_len(b_len),
    .b_cancel(b_cancel),
    .b_pend(b_pend),
    .b_active(b_active),
    .b_done(b_done),
    .out_valid(d_out_valid),
    .out_seq(d_out_seq),
    .out_type(d_out_type),
    .out_data_len(d_out_data_len),
    .resp_valid(d_resp_valid),
    .resp_ok(d_resp_ok),
    .resp_slot(p_slot_reg),
    .rd_req(dev_rd_req),
    .rd_addr(dev_rd_addr),
    .rd_gnt(dev_rd_req && !disp_rd),
    .rd_data(rd_data),
    .rel_valid(dev_rel_valid),
    .rel_slot(dev_rel_slot),
    .link_lost(link_lost),
    .protocol_error(protocol_error),
    .stat_retry(dev_retry)
);

endmodule

`resetall
