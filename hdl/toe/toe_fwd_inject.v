// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Forwarded segments into the receive path (R62: a TCP segment the host hands back is
 * processed as if it came from the wire). The engine streams the segment, read by DMA from the
 * TCP header on, into the segment FIFO together with the Ethernet and IPv4 fields of its
 * connection. Once the whole segment is held, it is put in front of the receive parser as a
 * frame: Ethernet (to the local MAC) and IPv4 (IHL 5, DF, TTL 64, header checksum computed)
 * headers, then the segment bytes as the host gave them, TCP checksum included. The parser
 * then treats it like any frame: lookup, checksum check, record and payload.
 *
 * The wire is never stalled, so its beats pass through a FIFO: a frame is inserted only when
 * that FIFO is empty and no wire frame is half through, and the wire's beats wait in the FIFO
 * for as long as the inserted frame takes (at most (34 + MAX_SEG_BYTES) / 8 beats, which
 * WIRE_FIFO_DEPTH covers). Otherwise the FIFO passes one beat per cycle, two cycles late.
 * A segment whose read failed (tuser on its last beat) is dropped from the FIFO unsent.
 *
 * Output beat 4 onwards: the segment shifted by two bytes (the 34-byte header ends two bytes
 * into beat 4), so each output beat is the last two bytes carried from the previous segment
 * beat and the first six of the next.
 */
module toe_fwd_inject #
(
    // width of the segment input (the DMA width: 64, 128 or 256)
    parameter DMA_DATA_WIDTH = 128,
    // width of the segment input tkeep
    parameter DMA_KEEP_WIDTH = DMA_DATA_WIDTH/8,
    // longest segment accepted (the longest frame less its Ethernet and IPv4 headers)
    parameter MAX_SEG_BYTES = `FLUE_FORWARD_MAX,
    // wire beats held while a frame is inserted (power of two, more than (34 + MAX_SEG_BYTES) / 8)
    parameter WIRE_FIFO_DEPTH = 256
)
(
    input  wire                      clk,
    input  wire                      rst,

    /*
     * Segment in: the frame's addresses with its first beat, packed from lane 0
     */
    input  wire [47:0]               s_fwd_dst_mac,
    input  wire [47:0]               s_fwd_src_mac,
    input  wire [31:0]               s_fwd_src_ip,
    input  wire [31:0]               s_fwd_dst_ip,
    input  wire [15:0]               s_fwd_len,
    input  wire [DMA_DATA_WIDTH-1:0] s_axis_seg_tdata,
    input  wire [DMA_KEEP_WIDTH-1:0] s_axis_seg_tkeep,
    input  wire                      s_axis_seg_tvalid,
    output wire                      s_axis_seg_tready,
    input  wire                      s_axis_seg_tlast,
    input  wire                      s_axis_seg_tuser,
    // no segment held: the next may start
    output wire                      fwd_ready,

    /*
     * Wire in (never stalled)
     */
    input  wire [63:0]               s_axis_wire_tdata,
    input  wire [7:0]                s_axis_wire_tkeep,
    input  wire                      s_axis_wire_tvalid,
    input  wire                      s_axis_wire_tlast,
    input  wire                      s_axis_wire_tuser,

    /*
     * To the receive parser (never stalled)
     */
    output wire [63:0]               m_axis_rx_tdata,
    output wire [7:0]                m_axis_rx_tkeep,
    output wire                      m_axis_rx_tvalid,
    output wire                      m_axis_rx_tlast,
    output wire                      m_axis_rx_tuser,

    /*
     * Status
     */
    output wire                      status_idle,
    // a wire beat found the FIFO full and was lost (never, by the depth; counted as a drop)
    output wire                      stat_overflow
);

localparam SEG_WORDS = (MAX_SEG_BYTES + DMA_KEEP_WIDTH - 1) / DMA_KEEP_WIDTH;
localparam SEG_FIFO_DEPTH = 1 << $clog2(SEG_WORDS);
localparam SEG_FIFO_WIDTH = DMA_DATA_WIDTH + DMA_KEEP_WIDTH + 2;
localparam WIRE_FIFO_WIDTH = 64 + 8 + 2;
localparam HDR_BYTES = 34;
localparam [7:0] IP_TTL = 8'd64;

`include "toe_functions.vh"

// bad parameters stop elaboration
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("DMA_DATA_WIDTH must be 64, 128 or 256");
        $finish;
    end
    if (WIRE_FIFO_DEPTH * 8 <= HDR_BYTES + MAX_SEG_BYTES + 16 || (WIRE_FIFO_DEPTH & (WIRE_FIFO_DEPTH - 1)) != 0) begin
        $error("WIRE_FIFO_DEPTH must be a power of two holding more than a whole inserted frame");
        $finish;
    end
end

/*
 * Segment FIFO and the fields of the frame it will become
 */
reg held_reg = 1'b0;        // a segment has started into the FIFO
reg complete_reg = 1'b0;    // ... and its last beat is in
reg bad_reg = 1'b0;         // ... and its read failed
reg [47:0] dst_mac_reg = 48'd0;
reg [47:0] src_mac_reg = 48'd0;
reg [31:0] src_ip_reg = 32'd0;
reg [31:0] dst_ip_reg = 32'd0;
reg [15:0] ip_len_reg = 16'd0;
reg [15:0] ip_csum_reg = 16'd0;

wire seg_in_ready;
wire [SEG_FIFO_WIDTH-1:0] seg_out_data;
wire seg_out_valid;
wire seg_out_ready;
wire seg_empty;

assign s_axis_seg_tready = seg_in_ready && !complete_reg;
assign fwd_ready = !held_reg;

axis_fifo #(
    .DATA_WIDTH(SEG_FIFO_WIDTH),
    .DEPTH(SEG_FIFO_DEPTH)
)
seg_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_seg_tuser, s_axis_seg_tlast, s_axis_seg_tkeep, s_axis_seg_tdata}),
    .s_axis_tvalid(s_axis_seg_tvalid && !complete_reg),
    .s_axis_tready(seg_in_ready),
    .m_axis_tdata(seg_out_data),
    .m_axis_tvalid(seg_out_valid),
    .m_axis_tready(seg_out_ready),
    .status_empty(seg_empty)
);

wire [63:0] ds_tdata;
wire [7:0] ds_tkeep;
wire ds_tvalid;
wire ds_tready;
wire ds_tlast;
wire ds_tuser;
wire ds_idle;

axis_downsize #(
    .S_DATA_WIDTH(DMA_DATA_WIDTH),
    .M_DATA_WIDTH(64)
)
downsize_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(seg_out_data[DMA_DATA_WIDTH-1:0]),
    .s_axis_tkeep(seg_out_data[DMA_DATA_WIDTH +: DMA_KEEP_WIDTH]),
    .s_axis_tvalid(seg_out_valid),
    .s_axis_tready(seg_out_ready),
    .s_axis_tlast(seg_out_data[DMA_DATA_WIDTH+DMA_KEEP_WIDTH]),
    .s_axis_tuser(seg_out_data[DMA_DATA_WIDTH+DMA_KEEP_WIDTH+1]),
    .m_axis_tdata(ds_tdata),
    .m_axis_tkeep(ds_tkeep),
    .m_axis_tvalid(ds_tvalid),
    .m_axis_tready(ds_tready),
    .m_axis_tlast(ds_tlast),
    .m_axis_tuser(ds_tuser),
    .status_idle(ds_idle)
);

/*
 * Wire FIFO
 */
wire wire_in_ready;
wire [WIRE_FIFO_WIDTH-1:0] wire_out_data;
wire wire_out_valid;
wire wire_out_ready;
wire wire_empty;

axis_fifo #(
    .DATA_WIDTH(WIRE_FIFO_WIDTH),
    .DEPTH(WIRE_FIFO_DEPTH)
)
wire_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({s_axis_wire_tuser, s_axis_wire_tlast, s_axis_wire_tkeep, s_axis_wire_tdata}),
    .s_axis_tvalid(s_axis_wire_tvalid),
    .s_axis_tready(wire_in_ready),
    .m_axis_tdata(wire_out_data),
    .m_axis_tvalid(wire_out_valid),
    .m_axis_tready(wire_out_ready),
    .status_empty(wire_empty)
);

/*
 * Insertion
 */
localparam [2:0] E_IDLE = 3'd0, E_HDR = 3'd1, E_BODY = 3'd2, E_TAIL = 3'd3, E_DROP = 3'd4;

reg [2:0] state_reg = E_IDLE;
reg [2:0] hdr_idx = 3'd0;
reg [15:0] carry = 16'd0;          // the two bytes waiting for the next output beat
reg [7:0] tail_keep = 8'd0;
reg wire_in_frame = 1'b0;          // a wire frame has left the FIFO in part

reg out_valid_reg = 1'b0;          // an inserted beat in the output registers
reg [63:0] out_data_reg = 64'd0;
reg [7:0] out_keep_reg = 8'd0;
reg out_last_reg = 1'b0;

// the 34 header bytes (byte i in bits 8i+7:8i): identification and TOS 0
wire [HDR_BYTES*8-1:0] hdr = eth_ipv4_header(dst_mac_reg, src_mac_reg, 8'd0, ip_len_reg, 16'd0, IP_TTL, ip_csum_reg,
    src_ip_reg, dst_ip_reg);

// bytes in the last segment beat (tkeep packed from lane 0)
reg [3:0] ds_count;
always @* begin : count
    integer j;
    ds_count = 4'd0;
    for (j = 0; j < 8; j = j + 1) ds_count = ds_count + {3'd0, ds_tkeep[j]};
end

// IPv4 header checksum of the header above
wire [31:0] ip_sum = ipv4_header_sum(8'd0, 16'd20 + s_fwd_len, 16'd0, IP_TTL, s_fwd_src_ip, s_fwd_dst_ip);

wire inserting = state_reg == E_HDR || state_reg == E_BODY || state_reg == E_TAIL || out_valid_reg;
wire start = state_reg == E_IDLE && complete_reg && !bad_reg && wire_empty && !wire_in_frame;

assign ds_tready = state_reg == E_BODY || state_reg == E_DROP;
assign wire_out_ready = !inserting && !start;

always @(posedge clk) begin
    out_valid_reg <= 1'b0;
    out_last_reg <= 1'b0;

    if (s_axis_seg_tvalid && s_axis_seg_tready) begin
        if (!held_reg) begin
            held_reg <= 1'b1;
            dst_mac_reg <= s_fwd_dst_mac;
            src_mac_reg <= s_fwd_src_mac;
            src_ip_reg <= s_fwd_src_ip;
            dst_ip_reg <= s_fwd_dst_ip;
            ip_len_reg <= 16'd20 + s_fwd_len;
            ip_csum_reg <= ~fold32(ip_sum);
        end
        if (s_axis_seg_tlast) begin
            complete_reg <= 1'b1;
            bad_reg <= s_axis_seg_tuser;
        end
    end

    if (wire_out_valid && wire_out_ready) begin
        wire_in_frame <= !wire_out_data[72];
    end

    case (state_reg)
        E_IDLE: begin
            hdr_idx <= 3'd0;
            if (complete_reg && bad_reg) begin
                state_reg <= E_DROP;
            end else if (start) begin
                state_reg <= E_HDR;
            end
        end
        E_HDR: begin
            out_valid_reg <= 1'b1;
            out_data_reg <= hdr[64*hdr_idx +: 64];
            out_keep_reg <= 8'hff;
            hdr_idx <= hdr_idx + 1'b1;
            if (hdr_idx == 3'd3) begin
                carry <= hdr[8*32 +: 16];
                state_reg <= E_BODY;
            end
        end
        E_BODY: begin
            if (ds_tvalid) begin
                out_valid_reg <= 1'b1;
                out_data_reg <= {ds_tdata[47:0], carry};
                carry <= ds_tdata[63:48];
                if (ds_tlast && ds_count <= 4'd6) begin
                    out_keep_reg <= 8'hff >> (4'd6 - ds_count);
                    out_last_reg <= 1'b1;
                    held_reg <= 1'b0;
                    complete_reg <= 1'b0;
                    state_reg <= E_IDLE;
                end else if (ds_tlast) begin
                    out_keep_reg <= 8'hff;
                    tail_keep <= 8'hff >> (4'd14 - ds_count);
                    state_reg <= E_TAIL;
                end else begin
                    out_keep_reg <= 8'hff;
                end
            end
        end
        E_TAIL: begin
            out_valid_reg <= 1'b1;
            out_data_reg <= {48'd0, carry};
            out_keep_reg <= tail_keep;
            out_last_reg <= 1'b1;
            held_reg <= 1'b0;
            complete_reg <= 1'b0;
            state_reg <= E_IDLE;
        end
        E_DROP: begin
            if (ds_tvalid && ds_tlast) begin
                held_reg <= 1'b0;
                complete_reg <= 1'b0;
                bad_reg <= 1'b0;
                state_reg <= E_IDLE;
            end
        end
        default: state_reg <= E_IDLE;
    endcase

    if (rst) begin
        held_reg <= 1'b0;
        complete_reg <= 1'b0;
        bad_reg <= 1'b0;
        state_reg <= E_IDLE;
        wire_in_frame <= 1'b0;
        out_valid_reg <= 1'b0;
        out_last_reg <= 1'b0;
    end
end

assign m_axis_rx_tdata = out_valid_reg ? out_data_reg : wire_out_data[63:0];
assign m_axis_rx_tkeep = out_valid_reg ? out_keep_reg : wire_out_data[71:64];
assign m_axis_rx_tvalid = out_valid_reg || (wire_out_valid && wire_out_ready);
assign m_axis_rx_tlast = out_valid_reg ? out_last_reg : wire_out_data[72];
assign m_axis_rx_tuser = out_valid_reg ? 1'b0 : wire_out_data[73];

assign status_idle = !held_reg && state_reg == E_IDLE && wire_empty && seg_empty && ds_idle;
assign stat_overflow = s_axis_wire_tvalid && !wire_in_ready;

// a failed read shows only on the last beat; the other beats' tuser is not looked at
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, ds_tuser};
/* verilator lint_on UNUSED */

endmodule

`resetall
