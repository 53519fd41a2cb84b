// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Link receive buffer: the link_bridge's packet input, never stalled
 *
 * The bytes come from a UART that has no FIFO, through slip_rx and link_crc_check, each a
 * single register: a stall of the input loses line bytes. So s_axis_tready is always 1 and
 * every packet is written, byte by byte as it comes, into one of SLOTS packet slots of one RAM
 * (SLOTS * SLOT_BYTES bytes, block or distributed RAM). A slot is taken at a packet's first
 * byte (the lowest free one) and kept until the bridge gives it back (release_mask), so a slot
 * can hold a DMA read reply while R beats wait on the core, and the next packets still land in
 * the others. With no free slot a packet is dropped.
 *
 * At the packet's last byte it is checked: tuser clear (CRC and SLIP good), at most MAX_PACKET
 * bytes, and the LinkHeader's length (captured as it goes by) equal to the bytes after the
 * header. A good packet's slot joins the queue of kept packets (pkt_*, in arrival order) and
 * stat_good pulses; a bad one's slot is free again at once and stat_drop pulses.
 *
 * The RAM has one read port (rd_*, data one cycle after rd_en), shared by the bridge's readers.
 */
module link_rx_buffer #
(
    // packet slots (power of two, at least 2)
    parameter SLOTS = 4,
    // bytes per slot (power of two, at least MAX_PACKET)
    parameter SLOT_BYTES = 512,
    // longest packet kept, bytes (at least FLUE_LINK_HEADER_BYTES)
    parameter MAX_PACKET = 292,
    // slot index and byte-in-slot address widths
    parameter SLOT_WIDTH = $clog2(SLOTS),
    parameter OFFSET_WIDTH = $clog2(SLOT_BYTES)
)
(
    input  wire                                clk,
    input  wire                                rst,

    /*
     * AXI stream input (packet bytes; tlast = last byte, tuser = bad packet)
     */
    input  wire [7:0]                          s_axis_tdata,
    input  wire                                s_axis_tvalid,
    output wire                                s_axis_tready,
    input  wire                                s_axis_tlast,
    input  wire                                s_axis_tuser,

    /*
     * Kept packets, oldest first: pkt_pop takes the head (its slot stays taken)
     */
    output wire                                pkt_valid,
    output wire [SLOT_WIDTH-1:0]               pkt_slot,
    input  wire                                pkt_pop,

    /*
     * Slots given back (any number at once)
     */
    input  wire [SLOTS-1:0]                    release_mask,

    /*
     * Read port: rd_data is the byte at rd_addr (slot, offset) of the cycle before
     */
    input  wire                                rd_en,
    input  wire [SLOT_WIDTH+OFFSET_WIDTH-1:0]  rd_addr,
    output wire [7:0]                          rd_data,

    /*
     * Status: one-cycle pulses per packet kept / dropped
     */
    output wire                                stat_good,
    output wire                                stat_drop
);

localparam HDR_BYTES = `FLUE_LINK_HEADER_BYTES;
localparam LEN_OFFSET = `FLUE_LINK_HEADER_LENGTH_LSB / 8;
localparam LEN_BYTES = `FLUE_LINK_HEADER_LENGTH_WIDTH / 8;
// byte counter of a packet: 0..MAX_PACKET (a byte beyond MAX_PACKET sets too_long instead)
localparam CNT_WIDTH = $clog2(MAX_PACKET + 1);

// parameter assertions
initial begin
    if (SLOTS < 2 || (1 << SLOT_WIDTH) != SLOTS) begin
        $error("Error: SLOTS must be a power of two, at least 2 (instance %m)");
        $finish;
    end
    if ((1 << OFFSET_WIDTH) != SLOT_BYTES || SLOT_BYTES < MAX_PACKET) begin
        $error("Error: SLOT_BYTES must be a power of two, at least MAX_PACKET (instance %m)");
        $finish;
    end
    if (MAX_PACKET < HDR_BYTES) begin
        $error("Error: MAX_PACKET must hold a LinkHeader (instance %m)");
        $finish;
    end
end

reg [7:0] mem [0:SLOTS*SLOT_BYTES-1];
reg [7:0] rd_data_reg = 8'd0;

// slots taken (being written, queued, or held by the bridge)
reg [SLOTS-1:0] busy_reg = {SLOTS{1'b0}}, busy_next;

// the packet being received
reg in_pkt_reg = 1'b0, in_pkt_next;
reg [SLOT_WIDTH-1:0] cur_slot_reg = {SLOT_WIDTH{1'b0}}, cur_slot_next;
reg no_slot_reg = 1'b0, no_slot_next;      // no slot was free: drop it
reg bad_reg = 1'b0, bad_next;              // tuser seen on a beat before the last
reg too_long_reg = 1'b0, too_long_next;    // more than MAX_PACKET bytes
reg [CNT_WIDTH-1:0] count_reg = {CNT_WIDTH{1'b0}}, count_next;
reg [`FLUE_LINK_HEADER_LENGTH_WIDTH-1:0] length_reg = 0, length_next;

// queue of kept packets' slots
reg [SLOT_WIDTH-1:0] queue_mem [0:SLOTS-1];
reg [SLOT_WIDTH:0] q_wr_ptr_reg = {SLOT_WIDTH+1{1'b0}}, q_wr_ptr_next;
reg [SLOT_WIDTH:0] q_rd_ptr_reg = {SLOT_WIDTH+1{1'b0}}, q_rd_ptr_next;

reg stat_good_reg = 1'b0, stat_good_next;
reg stat_drop_reg = 1'b0, stat_drop_next;

// the lowest free slot, and whether there is one
function [SLOT_WIDTH:0] lowest_free;
    input [SLOTS-1:0] busy;
    integer i;
    begin
        lowest_free = {SLOT_WIDTH+1{1'b0}};
        for (i = SLOTS - 1; i >= 0; i = i - 1) begin
            if (!busy[i]) begin
                lowest_free = {1'b1, i[SLOT_WIDTH-1:0]};
            end
        end
    end
endfunction

wire [SLOT_WIDTH:0] free_found = lowest_free(busy_reg);
wire [SLOT_WIDTH-1:0] free_slot = free_found[SLOT_WIDTH-1:0];
wire free_any = free_found[SLOT_WIDTH];

// this beat: the slot it goes to, whether it is written, and the packet's size with it
wire [SLOT_WIDTH-1:0] beat_slot = in_pkt_reg ? cur_slot_reg : free_slot;
wire beat_no_slot = in_pkt_reg ? no_slot_reg : !free_any;
wire beat_over = (count_reg == MAX_PACKET[CNT_WIDTH-1:0]);
wire wr_en = s_axis_tvalid && !beat_no_slot && !beat_over;
// where it goes in the slot (count_reg < MAX_PACKET <= SLOT_BYTES when written)
/* verilator lint_off UNUSED */
wire [OFFSET_WIDTH+CNT_WIDTH-1:0] count_ext = {{OFFSET_WIDTH{1'b0}}, count_reg};
/* verilator lint_on UNUSED */
wire [OFFSET_WIDTH-1:0] wr_offset = count_ext[OFFSET_WIDTH-1:0];
wire [CNT_WIDTH:0] pkt_bytes = {1'b0, count_reg} + 1'b1;
wire length_ok = (pkt_bytes >= HDR_BYTES[CNT_WIDTH:0]) &&
    (length_reg == {{(`FLUE_LINK_HEADER_LENGTH_WIDTH-CNT_WIDTH-1){1'b0}}, pkt_bytes - HDR_BYTES[CNT_WIDTH:0]});
wire pkt_good = !beat_no_slot && !bad_reg && !s_axis_tuser && !too_long_reg && !beat_over && length_ok;

assign s_axis_tready = 1'b1;
assign pkt_valid = q_wr_ptr_reg != q_rd_ptr_reg;
assign pkt_slot = queue_mem[q_rd_ptr_reg[SLOT_WIDTH-1:0]];
assign rd_data = rd_data_reg;
assign stat_good = stat_good_reg;
assign stat_drop = stat_drop_reg;

always @* begin
    busy_next = busy_reg & ~release_mask;
    in_pkt_next = in_pkt_reg;
    cur_slot_next = cur_slot_reg;
    no_slot_next = no_slot_reg;
    bad_next = bad_reg;
    too_long_next = too_long_reg;
    count_next = count_reg;
    length_next = length_reg;
    q_wr_ptr_next = q_wr_ptr_reg;
    q_rd_ptr_next = q_rd_ptr_reg + {{SLOT_WIDTH{1'b0}}, pkt_pop && pkt_valid};
    stat_good_next = 1'b0;
    stat_drop_next = 1'b0;

    if (s_axis_tvalid) begin
        if (!in_pkt_reg) begin
            // a packet's first byte: take a slot
            cur_slot_next = free_slot;
            no_slot_next = !free_any;
            if (free_any) begin
                busy_next[free_slot] = 1'b1;
            end
        end
        if (count_reg >= LEN_OFFSET[CNT_WIDTH-1:0] && count_reg < LEN_OFFSET[CNT_WIDTH-1:0] + LEN_BYTES[CNT_WIDTH-1:0]) begin
            // the header's length field, little-endian: shifted in from the top
            length_next = {s_axis_tdata, length_reg[`FLUE_LINK_HEADER_LENGTH_WIDTH-1:8]};
        end
        if (beat_over) begin
            too_long_next = 1'b1;
        end else begin
            count_next = count_reg + 1'b1;
        end
        bad_next = bad_reg || s_axis_tuser;
        in_pkt_next = 1'b1;

        if (s_axis_tlast) begin
            if (pkt_good) begin
                q_wr_ptr_next = q_wr_ptr_reg + 1'b1;
                stat_good_next = 1'b1;
            end else begin
                if (!beat_no_slot) begin
                    busy_next[beat_slot] = 1'b0;
                end
                stat_drop_next = 1'b1;
            end
            in_pkt_next = 1'b0;
            bad_next = 1'b0;
            too_long_next = 1'b0;
            count_next = {CNT_WIDTH{1'b0}};
        end
    end
end

// RAMs (no reset)
always @(posedge clk) begin
    if (wr_en) begin
        mem[{beat_slot, wr_offset}] <= s_axis_tdata;
    end
    if (rd_en) begin
        rd_data_reg <= mem[rd_addr];
    end
    if (s_axis_tvalid && s_axis_tlast && pkt_good) begin
        queue_mem[q_wr_ptr_reg[SLOT_WIDTH-1:0]] <= beat_slot;
    end
end

always @(posedge clk) begin
    busy_reg <= busy_next;
    in_pkt_reg <= in_pkt_next;
    cur_slot_reg <= cur_slot_next;
    no_slot_reg <= no_slot_next;
    bad_reg <= bad_next;
    too_long_reg <= too_long_next;
    count_reg <= count_next;
    length_reg <= length_next;
    q_wr_ptr_reg <= q_wr_ptr_next;
    q_rd_ptr_reg <= q_rd_ptr_next;
    stat_good_reg <= stat_good_next;
    stat_drop_reg <= stat_drop_next;

    if (rst) begin
        busy_reg <= {SLOTS{1'b0}};
        in_pkt_reg <= 1'b0;
        no_slot_reg <= 1'b0;
        bad_reg <= 1'b0;
        too_long_reg <= 1'b0;
        count_reg <= {CNT_WIDTH{1'b0}};
        q_wr_ptr_reg <= {SLOT_WIDTH+1{1'b0}};
        q_rd_ptr_reg <= {SLOT_WIDTH+1{1'b0}};
        stat_good_reg <= 1'b0;
        stat_drop_reg <= 1'b0;
    end
end

endmodule

`resetall
