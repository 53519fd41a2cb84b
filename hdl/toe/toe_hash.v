// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "toe_defs.vh"

/*
 * Connection table: 4-tuple key (TOE_KEY_*) -> connection id, set-associative.
 *
 * 2^BUCKET_LOG2 buckets, each one RAM word of WAYS entries {valid, key, conn} (way 0 in the
 * low bits; an entry is conn in its low CONN_WIDTH bits, then the key, then valid on top).
 * The RAM has two ports: port A only reads, for lookups; port B reads and writes, for updates
 * and for the clear sweep. Lookups therefore never wait for updates (nor updates for lookups).
 *
 * Bucket index: the XOR fold of the key, bucket[j] = XOR of key[i] for all i = j mod
 * BUCKET_LOG2 (key[0] is the local port's LSB). The fold is linear and maps any BUCKET_LOG2
 * consecutive key bits onto the index by a rotation, i.e. one to one. Keys that differ only in
 * one field (a port, an address byte) differ only in that field's bits; within an aligned block
 * of 2^BUCKET_LOG2 values of the field (its high bits fixed) the low bits land on distinct
 * buckets. So N <= 2^BUCKET_LOG2 consecutive values of one field (connections that differ only
 * in the local port, only in the remote port or only in the remote address's last byte) touch
 * at most two such blocks and put at most two keys in any bucket: every one of them fits when
 * WAYS >= 2. A random-looking hash would not promise this (1024 keys in 1024 buckets almost
 * always leave some bucket with 5 or more). The fold is two LUT levels deep.
 *
 * Lookup: accepted in cycle t (s_lookup_valid && s_lookup_ready), answered in cycle
 * t + LOOKUP_LATENCY (3): m_result_valid for one cycle with m_result_hit and m_result_conn (0 on
 * a miss), in order, no back-pressure. The key's bucket is hashed and registered in t, read
 * from port A in t+1, compared in t+2, and the result registered.
 * s_lookup_ready is 1 whenever the clear sweep is done, so lookups may come every cycle.
 *
 * Update (s_update_op 0 insert, 1 remove): accepted in cycle u, the bucket is read from port B
 * in u+1, the new word computed in u+2, written in u+3, when m_update_valid pulses with
 * m_update_ok (one pulse per update, in order). s_update_ready is high again in u+3: at most
 * one update per three cycles. Insert fails (ok 0) when the key is present or the bucket has no
 * free way (it takes the lowest free way); remove fails when the key is absent or its entry
 * holds a different conn. A failed update writes nothing.
 *
 * Read after update: a lookup accepted in the cycle an update completes (m_update_valid) or
 * later reads the RAM after the write and sees its effect. A lookup accepted one cycle earlier
 * reads its bucket in the write cycle itself; the collision is resolved by forwarding the
 * written word, so it sees the effect too. Earlier lookups see the bucket as it was.
 *
 * After reset a sweep writes every bucket empty (2^BUCKET_LOG2 cycles); status_ready is low
 * and neither port is ready meanwhile. A reset drops lookups and an update in flight.
 */
module toe_hash #
(
    // width of a connection id
    parameter CONN_WIDTH = 10,
    // log2 of the number of buckets
    parameter BUCKET_LOG2 = 10,
    // entries per bucket
    parameter WAYS = 4
)
(
    input  wire                      clk,
    input  wire                      rst,

    /*
     * Lookup input
     */
    input  wire [`TOE_KEY_WIDTH-1:0] s_lookup_key,
    input  wire                      s_lookup_valid,
    output wire                      s_lookup_ready,

    /*
     * Lookup result output (LOOKUP_LATENCY cycles after the lookup, no back-pressure)
     */
    output wire                      m_result_hit,
    output wire [CONN_WIDTH-1:0]     m_result_conn,
    output wire                      m_result_valid,

    /*
     * Update input (op 0 insert, 1 remove)
     */
    input  wire                      s_update_op,
    input  wire [`TOE_KEY_WIDTH-1:0] s_update_key,
    input  wire [CONN_WIDTH-1:0]     s_update_conn,
    input  wire                      s_update_valid,
    output wire                      s_update_ready,

    /*
     * Update outcome output (one pulse per update, no back-pressure)
     */
    output wire                      m_update_ok,
    output wire                      m_update_valid,

    /*
     * Status
     */
    output wire                      status_ready
);

localparam KEY_WIDTH = `TOE_KEY_WIDTH;
localparam BUCKETS = 1 << BUCKET_LOG2;
localparam ENTRY_WIDTH = 1 + KEY_WIDTH + CONN_WIDTH;
localparam WORD_WIDTH = WAYS * ENTRY_WIDTH;
// entry layout
localparam ENTRY_CONN_LSB = 0;
localparam ENTRY_KEY_LSB = CONN_WIDTH;
localparam ENTRY_VALID_BIT = CONN_WIDTH + KEY_WIDTH;
// cycles from a lookup's acceptance to its m_result_valid, whatever the parameters
localparam LOOKUP_LATENCY = 3;

// update sequence
localparam [1:0]
    U_IDLE = 2'd0,
    U_READ = 2'd1,
    U_CALC = 2'd2,
    U_WRITE = 2'd3;

localparam OP_INSERT = 1'b0;

// bus width assertions
initial begin
    if (CONN_WIDTH < 1 || CONN_WIDTH > 16) begin
        $error("Error: CONN_WIDTH must be 1 to 16 (instance %m)");
        $finish;
    end
    if (BUCKET_LOG2 < 1 || BUCKET_LOG2 > 20) begin
        $error("Error: BUCKET_LOG2 must be 1 to 20 (instance %m)");
        $finish;
    end
    if (WAYS < 1) begin
        $error("Error: WAYS must be at least 1 (instance %m)");
        $finish;
    end
    if (LOOKUP_LATENCY != 3) begin
        $error("Error: LOOKUP_LATENCY is fixed at 3 (instance %m)");
        $finish;
    end
end

// XOR fold of the key onto the bucket index
function [BUCKET_LOG2-1:0] bucket_of;
    input [KEY_WIDTH-1:0] key;
    integer i;
    begin
        bucket_of = {BUCKET_LOG2{1'b0}};
        for (i = 0; i < KEY_WIDTH; i = i + 1) begin
            bucket_of[i % BUCKET_LOG2] = bucket_of[i % BUCKET_LOG2] ^ key[i];
        end
    end
endfunction

// clear sweep
reg sweep_reg = 1'b1, sweep_next;
reg [BUCKET_LOG2-1:0] sweep_addr_reg = {BUCKET_LOG2{1'b0}}, sweep_addr_next;

// lookup pipeline: stage 1 reads the RAM, stage 2 compares
reg l1_valid_reg = 1'b0, l1_valid_next;
reg [KEY_WIDTH-1:0] l1_key_reg = {KEY_WIDTH{1'b0}}, l1_key_next;
reg [BUCKET_LOG2-1:0] l1_bucket_reg = {BUCKET_LOG2{1'b0}}, l1_bucket_next;
reg l2_valid_reg = 1'b0, l2_valid_next;
reg [KEY_WIDTH-1:0] l2_key_reg = {KEY_WIDTH{1'b0}}, l2_key_next;
reg l2_fwd_reg = 1'b0, l2_fwd_next;
reg result_valid_reg = 1'b0, result_valid_next;
reg result_hit_reg = 1'b0, result_hit_next;
reg [CONN_WIDTH-1:0] result_conn_reg = {CONN_WIDTH{1'b0}}, result_conn_next;

// update sequence
reg [1:0] u_state_reg = U_IDLE, u_state_next;
reg u_op_reg = 1'b0, u_op_next;
reg [KEY_WIDTH-1:0] u_key_reg = {KEY_WIDTH{1'b0}}, u_key_next;
reg [CONN_WIDTH-1:0] u_conn_reg = {CONN_WIDTH{1'b0}}, u_conn_next;
reg [BUCKET_LOG2-1:0] u_bucket_reg = {BUCKET_LOG2{1'b0}}, u_bucket_next;
reg u_ok_reg = 1'b0, u_ok_next;
reg w_en_reg = 1'b0, w_en_next;
reg [WORD_WIDTH-1:0] w_data_reg = {WORD_WIDTH{1'b0}}, w_data_next;

// RAM
reg [WORD_WIDTH-1:0] mem [0:BUCKETS-1];
reg [WORD_WIDTH-1:0] rd_a_reg;
reg [WORD_WIDTH-1:0] rd_b_reg;

// lookup compare
reg [WORD_WIDTH-1:0] l2_word;
reg l2_hit;
reg [CONN_WIDTH-1:0] l2_conn;

// update compare
reg u_present;
reg u_conn_match;
reg u_free_found;
reg [WORD_WIDTH-1:0] u_word;

integer w;

wire lookup_fire = s_lookup_valid && s_lookup_ready;
wire update_fire = s_update_valid && s_update_ready;

// port B: the sweep, or the update's bucket (read in U_READ, written in U_WRITE)
wire b_we = sweep_reg || (u_state_reg == U_WRITE && w_en_reg);
wire [BUCKET_LOG2-1:0] b_addr = sweep_reg ? sweep_addr_reg : u_bucket_reg;
wire [WORD_WIDTH-1:0] b_wdata = sweep_reg ? {WORD_WIDTH{1'b0}} : w_data_reg;

assign s_lookup_ready = !sweep_reg;
assign s_update_ready = !sweep_reg && (u_state_reg == U_IDLE || u_state_reg == U_WRITE);
assign m_result_hit = result_hit_reg;
assign m_result_conn = result_conn_reg;
assign m_result_valid = result_valid_reg;
assign m_update_ok = u_ok_reg;
assign m_update_valid = u_state_reg == U_WRITE;
assign status_ready = !sweep_reg;

always @* begin
    sweep_next = sweep_reg;
    sweep_addr_next = sweep_addr_reg;

    if (sweep_reg) begin
        sweep_addr_next = sweep_addr_reg + 1'b1;
        if (sweep_addr_reg == BUCKETS - 1) begin
            sweep_next = 1'b0;
        end
    end
end

// lookup: compare the bucket's ways (the word being written when the read collided with it)
always @* begin
    l2_word = l2_fwd_reg ? w_data_reg : rd_a_reg;
    l2_hit = 1'b0;
    l2_conn = {CONN_WIDTH{1'b0}};
    for (w = 0; w < WAYS; w = w + 1) begin
        if (l2_word[w*ENTRY_WIDTH + ENTRY_VALID_BIT]
                && l2_word[w*ENTRY_WIDTH + ENTRY_KEY_LSB +: KEY_WIDTH] == l2_key_reg) begin
            l2_hit = 1'b1;
            l2_conn = l2_conn | l2_word[w*ENTRY_WIDTH + ENTRY_CONN_LSB +: CONN_WIDTH];
        end
    end
end

always @* begin
    l1_valid_next = lookup_fire;
    l1_key_next = l1_key_reg;
    l1_bucket_next = l1_bucket_reg;
    l2_valid_next = l1_valid_reg;
    l2_key_next = l1_key_reg;
    l2_fwd_next = u_state_reg == U_WRITE && w_en_reg && u_bucket_reg == l1_bucket_reg;
    result_valid_next = l2_valid_reg;
    result_hit_next = result_hit_reg;
    result_conn_next = result_conn_reg;

    if (lookup_fire) begin
        l1_key_next = s_lookup_key;
        l1_bucket_next = bucket_of(s_lookup_key);
    end

    if (l2_valid_reg) begin
        result_hit_next = l2_hit;
        result_conn_next = l2_conn;
    end
end

// update: find the key and a free way in the bucket read, build the new word
always @* begin
    u_present = 1'b0;
    u_conn_match = 1'b0;
    u_free_found = 1'b0;
    u_word = rd_b_reg;
    for (w = 0; w < WAYS; w = w + 1) begin
        if (rd_b_reg[w*ENTRY_WIDTH + ENTRY_VALID_BIT]
                && rd_b_reg[w*ENTRY_WIDTH + ENTRY_KEY_LSB +: KEY_WIDTH] == u_key_reg) begin
            u_present = 1'b1;
            if (rd_b_reg[w*ENTRY_WIDTH + ENTRY_CONN_LSB +: CONN_WIDTH] == u_conn_reg) begin
                u_conn_match = 1'b1;
                if (u_op_reg != OP_INSERT) begin
                    u_word[w*ENTRY_WIDTH + ENTRY_VALID_BIT] = 1'b0;
                end
            end
        end
    end
    for (w = 0; w < WAYS; w = w + 1) begin
        if (!u_free_found && !rd_b_reg[w*ENTRY_WIDTH + ENTRY_VALID_BIT]) begin
            u_free_found = 1'b1;
            if (u_op_reg == OP_INSERT) begin
                u_word[w*ENTRY_WIDTH +: ENTRY_WIDTH] = {1'b1, u_key_reg, u_conn_reg};
            end
        end
    end
end

always @* begin
    u_state_next = u_state_reg;
    u_op_next = u_op_reg;
    u_key_next = u_key_reg;
    u_conn_next = u_conn_reg;
    u_bucket_next = u_bucket_reg;
    u_ok_next = u_ok_reg;
    w_en_next = w_en_reg;
    w_data_next = w_data_reg;

    case (u_state_reg)
        U_READ: begin
            u_state_next = U_CALC;
        end
        U_CALC: begin
            u_state_next = U_WRITE;
            if (u_op_reg == OP_INSERT) begin
                u_ok_next = !u_present && u_free_found;
            end else begin
                u_ok_next = u_present && u_conn_match;
            end
            w_en_next = u_ok_next;
            w_data_next = u_word;
        end
        default: begin
            // U_IDLE, U_WRITE: ready for the next update
            u_state_next = U_IDLE;
        end
    endcase

    if (update_fire) begin
        u_state_next = U_READ;
        u_op_next = s_update_op;
        u_key_next = s_update_key;
        u_conn_next = s_update_conn;
        u_bucket_next = bucket_of(s_update_key);
    end
end

// RAM (no reset): port A reads for lookups, port B reads and writes for updates and the sweep
always @(posedge clk) begin
    rd_a_reg <= mem[l1_bucket_reg];
end

always @(posedge clk) begin
    if (b_we) begin
        mem[b_addr] <= b_wdata;
    end
    rd_b_reg <= mem[b_addr];
end

always @(posedge clk) begin
    sweep_reg <= sweep_next;
    sweep_addr_reg <= sweep_addr_next;
    l1_valid_reg <= l1_valid_next;
    l1_key_reg <= l1_key_next;
    l1_bucket_reg <= l1_bucket_next;
    l2_valid_reg <= l2_valid_next;
    l2_key_reg <= l2_key_next;
    l2_fwd_reg <= l2_fwd_next;
    result_valid_reg <= result_valid_next;
    result_hit_reg <= result_hit_next;
    result_conn_reg <= result_conn_next;
    u_state_reg <= u_state_next;
    u_op_reg <= u_op_next;
    u_key_reg <= u_key_next;
    u_conn_reg <= u_conn_next;
    u_bucket_reg <= u_bucket_next;
    u_ok_reg <= u_ok_next;
    w_en_reg <= w_en_next;
    w_data_reg <= w_data_next;

    if (rst) begin
        sweep_reg <= 1'b1;
        sweep_addr_reg <= {BUCKET_LOG2{1'b0}};
        l1_valid_reg <= 1'b0;
        l2_valid_reg <= 1'b0;
        result_valid_reg <= 1'b0;
        u_state_reg <= U_IDLE;
        w_en_reg <= 1'b0;
    end
end

endmodule

`resetall
