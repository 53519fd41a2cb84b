// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "toe_defs.vh"

/*
 * TOE receive placement: writes received TCP payload into host receive buffers by DMA.
 *
 * Payload waits at two inputs, one packet per segment, bytes packed from lane 0: s_axis_payload
 * (toe_rx_parse, the wire's segments) and s_axis_fwd_payload (toe_fwd_parse, forwarded
 * segments). The engine says, per segment, which bytes go where with placement commands
 * (TOE_PLC_*), applied in order to the packet at the head of the input the command's FWD bit
 * names, with a position running from 0:
 *
 *   command: pass over `skip` bytes, then (len > 0) write the next `len` bytes at `addr` as
 *            one DMA write; with `last`, discard the rest of the packet up to and including
 *            its tlast, and the next command starts on the next packet at position 0.
 *
 *   packet   |<-- skip -->|<---- len ---->|<- skip ->|<-- len -->|..........discarded......|
 *            '---------- command 1 -------'---- command 2 (last) -'
 *
 * Each input is consumed in its own order, and the engine issues the commands of one packet
 * together (its last one closes it), so a packet never starts mid-word of another input's.
 *
 * Several commands may apply to one packet (a segment split over receive buffers, or its front
 * trimmed where it overlaps data already received); skip may stop at any byte, so the written
 * bytes are realigned to lane 0 (axis_realign) and leave through a skid buffer.
 *
 * A command is accepted when both of its FIFOs have room: its descriptor (len > 0 only) goes
 * out as soon as the DMA takes it, so descriptors run ahead of data streaming for earlier
 * commands; its placement (skip, len, last) waits for the datapath. Descriptors are issued
 * before their data exists: the engine issues commands for a segment once its payload is in its
 * payload FIFO (toe_rx_parse and toe_fwd_parse queue the header record after the payload), so
 * the DMA never waits long. DMA status comes back in request order, one per descriptor; each becomes one
 * m_status pulse, so statuses are in command order, one per command with len > 0.
 *
 * Commands that run past the packet (the engine never sends them): the bytes that exist are
 * written and the rest of the DMA write is zeros up to len, so the DMA always gets its
 * ceil(len/word) words. The packet's tlast word is only consumed by a `last` command (or its
 * discard), so packet alignment is kept: until then, further commands for that packet find
 * their position at the packet end (any skip ends there) and write zeros only.
 *
 * Throughput: one DMA word per cycle within a command (skip words pass at one per cycle); a
 * new command starts one cycle after the previous finishes (when queued), and the realigner
 * adds one cycle after each write's last word.
 */
module toe_rx_place #
(
    // width of the DMA write data (64, 128 or 256)
    parameter DMA_DATA_WIDTH = 128,
    // width of the DMA transfer length (at least 16)
    parameter LEN_WIDTH = 20,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // commands accepted ahead of the datapath (power of two, at least 2)
    parameter CMD_DEPTH = 8
)
(
    input  wire                          clk,
    input  wire                          rst,

    /*
     * Placement commands (TOE_PLC_*)
     */
    input  wire [`TOE_PLC_WIDTH-1:0]     s_axis_cmd_tdata,
    input  wire                          s_axis_cmd_tvalid,
    output wire                          s_axis_cmd_tready,

    /*
     * Payload inputs: one packet per segment, bytes packed from lane 0; the wire's (FWD 0) and
     * the forwarded segments' (FWD 1)
     */
    input  wire [DMA_DATA_WIDTH-1:0]     s_axis_payload_tdata,
    input  wire [DMA_DATA_WIDTH/8-1:0]   s_axis_payload_tkeep,
    input  wire                          s_axis_payload_tvalid,
    output wire                          s_axis_payload_tready,
    input  wire                          s_axis_payload_tlast,
    input  wire [DMA_DATA_WIDTH-1:0]     s_axis_fwd_payload_tdata,
    input  wire [DMA_DATA_WIDTH/8-1:0]   s_axis_fwd_payload_tkeep,
    input  wire                          s_axis_fwd_payload_tvalid,
    output wire                          s_axis_fwd_payload_tready,
    input  wire                          s_axis_fwd_payload_tlast,

    /*
     * DMA write descriptor and data output, status input
     */
    output wire [63:0]                   m_axis_dma_desc_addr,
    output wire [LEN_WIDTH-1:0]          m_axis_dma_desc_len,
    output wire [TAG_WIDTH-1:0]          m_axis_dma_desc_tag,
    output wire                          m_axis_dma_desc_valid,
    input  wire                          m_axis_dma_desc_ready,
    output wire [DMA_DATA_WIDTH-1:0]     m_axis_write_data_tdata,
    output wire                          m_axis_write_data_tvalid,
    input  wire                          m_axis_write_data_tready,
    output wire                          m_axis_write_data_tlast,
    input  wire [3:0]                    s_axis_dma_status_error,
    input  wire                          s_axis_dma_status_valid,

    /*
     * Placement status: one per command with len > 0, in command order (pulse)
     */
    output wire                          m_status_valid,
    output wire [3:0]                    m_status_error,

    /*
     * Status
     */
    output wire                          status_idle
);

localparam DMA_BYTES = DMA_DATA_WIDTH / 8;
localparam LANE_WIDTH = $clog2(DMA_BYTES);
localparam DESC_WIDTH = 64 + 16;
localparam JOB_WIDTH = 1 + 16 + 16 + 1;
// DMA writes awaiting their status are counted for status_idle; at most this many
localparam OUTSTANDING_WIDTH = 8;

localparam [LANE_WIDTH:0] LANES = DMA_BYTES[LANE_WIDTH:0];

localparam [1:0]
    STATE_IDLE = 2'd0,
    STATE_RUN = 2'd1,
    STATE_PAD = 2'd2,
    STATE_DISCARD = 2'd3;

// bus width assertions
initial begin
    if (DMA_DATA_WIDTH != 64 && DMA_DATA_WIDTH != 128 && DMA_DATA_WIDTH != 256) begin
        $error("Error: DMA_DATA_WIDTH must be 64, 128 or 256 (instance %m)");
        $finish;
    end
    if (LEN_WIDTH < 16 || TAG_WIDTH < 1) begin
        $error("Error: LEN_WIDTH must be at least 16 and TAG_WIDTH at least 1 (instance %m)");
        $finish;
    end
    if (CMD_DEPTH < 2 || (1 << $clog2(CMD_DEPTH)) != CMD_DEPTH) begin
        $error("Error: CMD_DEPTH must be a power of two, at least 2 (instance %m)");
        $finish;
    end
end

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

// command split: descriptors and placements
wire [15:0] cmd_skip = s_axis_cmd_tdata[`TOE_PLC_SKIP_LSB +: 16];
wire [15:0] cmd_len = s_axis_cmd_tdata[`TOE_PLC_LEN_LSB +: 16];
wire [63:0] cmd_addr = s_axis_cmd_tdata[`TOE_PLC_ADDR_LSB +: 64];
wire cmd_last = s_axis_cmd_tdata[`TOE_PLC_LAST_LSB];
wire cmd_fwd = s_axis_cmd_tdata[`TOE_PLC_FWD_LSB];

wire desc_in_ready;
wire job_in_ready;
wire cmd_fire = s_axis_cmd_tvalid && desc_in_ready && job_in_ready;

wire [DESC_WIDTH-1:0] desc_data;
wire desc_valid;
wire desc_empty;

wire [JOB_WIDTH-1:0] job_data;
wire job_valid;
reg job_tready;
wire job_empty;
wire job_fwd = job_data[JOB_WIDTH-1];
wire [15:0] job_skip = job_data[JOB_WIDTH-2 -: 16];
wire [15:0] job_len = job_data[1 +: 16];
wire job_last = job_data[0];

// DMA writes awaiting status
reg [OUTSTANDING_WIDTH-1:0] outstanding_reg = {OUTSTANDING_WIDTH{1'b0}}, outstanding_next;
wire outstanding_full = &outstanding_reg;
wire desc_fire = m_axis_dma_desc_valid && m_axis_dma_desc_ready;

reg status_valid_reg = 1'b0;
reg [3:0] status_error_reg = 4'd0;

// datapath
reg [1:0] state_reg = STATE_IDLE, state_next;
reg [LANE_WIDTH:0] lane_reg = {LANE_WIDTH+1{1'b0}}, lane_next;
reg [15:0] skip_reg = 16'd0, skip_next;
reg [15:0] len_reg = 16'd0, len_next;
reg last_reg = 1'b0, last_next;
reg fwd_reg = 1'b0, fwd_next;      // the command's packet is at the forwarded-payload input

reg payload_tready_int;
reg done;

// realigner input
reg [DMA_DATA_WIDTH-1:0] rl_tdata;
reg [LANE_WIDTH-1:0] rl_offset;
reg [LANE_WIDTH:0] rl_count;
reg rl_tvalid;
reg rl_tlast;
wire rl_tready;
wire rl_idle;

// realigner output, into the skid buffer
wire [DMA_DATA_WIDTH-1:0] rl_out_tdata;
wire [DMA_BYTES-1:0] rl_out_tkeep;
wire rl_out_tvalid;
wire rl_out_tlast;
wire rl_out_tuser;
wire rl_out_tid;

// the input the current command names
wire [DMA_DATA_WIDTH-1:0] pay_tdata = fwd_reg ? s_axis_fwd_payload_tdata : s_axis_payload_tdata;
wire [DMA_DATA_WIDTH/8-1:0] pay_tkeep = fwd_reg ? s_axis_fwd_payload_tkeep : s_axis_payload_tkeep;
wire pay_tvalid = fwd_reg ? s_axis_fwd_payload_tvalid : s_axis_payload_tvalid;
wire pay_tlast = fwd_reg ? s_axis_fwd_payload_tlast : s_axis_payload_tlast;

// head word of the payload: bytes, bytes not yet passed, where the current command's bytes
// start in it and how many of them it holds
wire [LANE_WIDTH:0] word_bytes = popcount(pay_tkeep);
wire [LANE_WIDTH:0] avail = (word_bytes > lane_reg) ? word_bytes - lane_reg : {LANE_WIDTH+1{1'b0}};
wire skip_past = skip_reg >= {{15-LANE_WIDTH{1'b0}}, avail};
wire [LANE_WIDTH:0] skip_low = skip_reg[LANE_WIDTH:0];
wire [LANE_WIDTH:0] start = lane_reg + skip_low;
wire [LANE_WIDTH:0] have = avail - skip_low;
wire len_fits = len_reg <= {{15-LANE_WIDTH{1'b0}}, have};
wire [LANE_WIDTH:0] take = len_fits ? len_reg[LANE_WIDTH:0] : have;
wire [LANE_WIDTH:0] stop = start + take;
wire pad_final = len_reg <= {{15-LANE_WIDTH{1'b0}}, LANES};
wire [LANE_WIDTH:0] pad_count = pad_final ? len_reg[LANE_WIDTH:0] : LANES;

assign s_axis_cmd_tready = desc_in_ready && job_in_ready;

assign m_axis_dma_desc_addr = desc_data[DESC_WIDTH-1 -: 64];
assign m_axis_dma_desc_len = {{LEN_WIDTH-16{1'b0}}, desc_data[15:0]};
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = desc_valid && !outstanding_full;

assign s_axis_payload_tready = payload_tready_int && !fwd_reg;
assign s_axis_fwd_payload_tready = payload_tready_int && fwd_reg;

assign m_status_valid = status_valid_reg;
assign m_status_error = status_error_reg;

// outstanding DMA writes; status passes through a register
always @* begin
    outstanding_next = outstanding_reg;
    if (desc_fire && !s_axis_dma_status_valid) begin
        outstanding_next = outstanding_reg + 1'b1;
    end else if (!desc_fire && s_axis_dma_status_valid && outstanding_reg != 0) begin
        outstanding_next = outstanding_reg - 1'b1;
    end
end

// datapath: one head word per cycle, passed over, presented to the realigner (once per command
// that takes bytes from it), or discarded; zeros presented where a command runs past its packet
always @* begin
    state_next = state_reg;
    lane_next = lane_reg;
    skip_next = skip_reg;
    len_next = len_reg;
    last_next = last_reg;
    fwd_next = fwd_reg;
    payload_tready_int = 1'b0;
    job_tready = 1'b0;
    done = 1'b0;

    rl_tdata = pay_tdata;
    rl_offset = start[LANE_WIDTH-1:0];
    rl_count = take;
    rl_tvalid = 1'b0;
    rl_tlast = len_fits;

    case (state_reg)
        STATE_IDLE: begin
            done = 1'b1;
        end
        STATE_RUN: begin
            if (pay_tvalid) begin
                if (skip_past) begin
                    if (!pay_tlast) begin
                        // the whole word is passed over
                        payload_tready_int = 1'b1;
                        skip_next = skip_reg - {{15-LANE_WIDTH{1'b0}}, avail};
                        lane_next = {LANE_WIDTH+1{1'b0}};
                    end else begin
                        // the skip reaches the packet end: the command's bytes do not exist
                        skip_next = 16'd0;
                        lane_next = word_bytes;
                        if (len_reg != 0) begin
                            state_next = STATE_PAD;
                        end else if (last_reg) begin
                            payload_tready_int = 1'b1;
                            lane_next = {LANE_WIDTH+1{1'b0}};
                            done = 1'b1;
                        end else begin
                            done = 1'b1;
                        end
                    end
                end else if (len_reg == 0) begin
                    // a pure skip (len 0 and last come here only when the engine says so)
                    skip_next = 16'd0;
                    lane_next = start;
                    if (last_reg) begin
                        payload_tready_int = 1'b1;
                        lane_next = {LANE_WIDTH+1{1'b0}};
                        if (pay_tlast) begin
                            done = 1'b1;
                        end else begin
                            state_next = STATE_DISCARD;
                        end
                    end else begin
                        done = 1'b1;
                    end
                end else begin
                    // the command's bytes start in this word
                    rl_tvalid = 1'b1;
                    if (rl_tready) begin
                        skip_next = 16'd0;
                        len_next = len_reg - {{15-LANE_WIDTH{1'b0}}, take};
                        if (len_fits) begin
                            if (last_reg) begin
                                payload_tready_int = 1'b1;
                                lane_next = {LANE_WIDTH+1{1'b0}};
                                if (pay_tlast) begin
                                    done = 1'b1;
                                end else begin
                                    state_next = STATE_DISCARD;
                                end
                            end else if (stop == word_bytes && !pay_tlast) begin
                                payload_tready_int = 1'b1;
                                lane_next = {LANE_WIDTH+1{1'b0}};
                                done = 1'b1;
                            end else begin
                                // a tlast word stays until a last command takes it
                                lane_next = stop;
                                done = 1'b1;
                            end
                        end else if (!pay_tlast) begin
                            payload_tready_int = 1'b1;
                            lane_next = {LANE_WIDTH+1{1'b0}};
                        end else begin
                            lane_next = word_bytes;
                            state_next = STATE_PAD;
                        end
                    end
                end
            end
        end
        STATE_PAD: begin
            // the packet ended inside the command: zeros up to len (the tlast word is at the head)
            rl_tdata = {DMA_DATA_WIDTH{1'b0}};
            rl_offset = {LANE_WIDTH{1'b0}};
            rl_count = pad_count;
            rl_tlast = pad_final;
            rl_tvalid = 1'b1;
            if (rl_tready) begin
                len_next = len_reg - {{15-LANE_WIDTH{1'b0}}, pad_count};
                if (pad_final) begin
                    done = 1'b1;
                    if (last_reg) begin
                        payload_tready_int = 1'b1;
                        lane_next = {LANE_WIDTH+1{1'b0}};
                    end
                end
            end
        end
        STATE_DISCARD: begin
            payload_tready_int = 1'b1;
            lane_next = {LANE_WIDTH+1{1'b0}};
            if (pay_tvalid && pay_tlast) begin
                done = 1'b1;
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase

    // the next command starts in the cycle after one finishes
    if (done) begin
        state_next = STATE_IDLE;
        if (job_valid) begin
            job_tready = 1'b1;
            skip_next = job_skip;
            len_next = job_len;
            last_next = job_last;
            fwd_next = job_fwd;
            state_next = (job_len == 0 && job_last) ? STATE_DISCARD : STATE_RUN;
        end
    end
end

always @(posedge clk) begin
    outstanding_reg <= outstanding_next;
    status_valid_reg <= s_axis_dma_status_valid;
    status_error_reg <= s_axis_dma_status_error;
    state_reg <= state_next;
    lane_reg <= lane_next;
    skip_reg <= skip_next;
    len_reg <= len_next;
    last_reg <= last_next;
    fwd_reg <= fwd_next;

    if (rst) begin
        outstanding_reg <= {OUTSTANDING_WIDTH{1'b0}};
        status_valid_reg <= 1'b0;
        state_reg <= STATE_IDLE;
        lane_reg <= {LANE_WIDTH+1{1'b0}};
    end
end

// output datapath: skid buffer (the realigner sees a registered ready)
wire out_tready_int_reg;
wire out_empty;
wire [DMA_BYTES-1:0] out_tkeep;
wire out_tuser;

axis_skid #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .KEEP_WIDTH(DMA_BYTES),
    .USER_WIDTH(1)
)
out_skid_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(rl_out_tdata),
    .s_axis_tkeep(rl_out_tkeep),
    .s_axis_tvalid(rl_out_tvalid),
    .s_axis_tready(out_tready_int_reg),
    .s_axis_tlast(rl_out_tlast),
    .s_axis_tuser(rl_out_tuser),
    .m_axis_tdata(m_axis_write_data_tdata),
    .m_axis_tkeep(out_tkeep),
    .m_axis_tvalid(m_axis_write_data_tvalid),
    .m_axis_tready(m_axis_write_data_tready),
    .m_axis_tlast(m_axis_write_data_tlast),
    .m_axis_tuser(out_tuser),
    .status_empty(out_empty)
);

assign status_idle = state_reg == STATE_IDLE && job_empty && desc_empty && outstanding_reg == 0 &&
    !status_valid_reg && rl_idle && out_empty;

// descriptors of commands with len > 0, issued ahead of their data
axis_fifo #(
    .DATA_WIDTH(DESC_WIDTH),
    .DEPTH(CMD_DEPTH)
)
desc_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({cmd_addr, cmd_len}),
    .s_axis_tvalid(cmd_fire && cmd_len != 0),
    .s_axis_tready(desc_in_ready),
    .m_axis_tdata(desc_data),
    .m_axis_tvalid(desc_valid),
    .m_axis_tready(m_axis_dma_desc_ready && !outstanding_full),
    .status_empty(desc_empty)
);

// placements of every command, for the datapath
axis_fifo #(
    .DATA_WIDTH(JOB_WIDTH),
    .DEPTH(CMD_DEPTH)
)
job_fifo_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata({cmd_fwd, cmd_skip, cmd_len, cmd_last}),
    .s_axis_tvalid(cmd_fire),
    .s_axis_tready(job_in_ready),
    .m_axis_tdata(job_data),
    .m_axis_tvalid(job_valid),
    .m_axis_tready(job_tready),
    .status_empty(job_empty)
);

// written bytes packed from lane 0, one packet per DMA write
axis_realign #(
    .DATA_WIDTH(DMA_DATA_WIDTH),
    .ID_WIDTH(1)
)
realign_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(rl_tdata),
    .s_axis_offset(rl_offset),
    .s_axis_count(rl_count),
    .s_axis_pad({LANE_WIDTH{1'b0}}),
    .s_axis_tvalid(rl_tvalid),
    .s_axis_tready(rl_tready),
    .s_axis_tlast(rl_tlast),
    .s_axis_tuser(1'b0),
    .s_axis_tid(1'b0),
    .m_axis_tdata(rl_out_tdata),
    .m_axis_tkeep(rl_out_tkeep),
    .m_axis_tvalid(rl_out_tvalid),
    .m_axis_tready(out_tready_int_reg),
    .m_axis_tlast(rl_out_tlast),
    .m_axis_tuser(rl_out_tuser),
    .m_axis_tid(rl_out_tid),
    .status_idle(rl_idle)
);

// the write data has no tkeep: lanes past len are zero (the DMA counts words by len); no tuser or tid is used
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, out_tkeep, out_tuser, rl_out_tid};
/* verilator lint_on UNUSED */

endmodule

`resetall
