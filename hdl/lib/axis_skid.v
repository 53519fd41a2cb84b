// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Skid buffer: registered output and a registered input ready, one beat per cycle at full
 * throughput. A beat goes to the output register when that is free or leaving, else to the
 * skid register, which refills the output while the input is held. The input ready comes from
 * a register, so no combinational path runs from m_axis_tready back to the producer.
 */
module axis_skid #
(
    // width of the data
    parameter DATA_WIDTH = 64,
    // width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH / 8,
    // width of tuser
    parameter USER_WIDTH = 1
)
(
    input  wire                  clk,
    input  wire                  rst,

    /*
     * Input
     */
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire [USER_WIDTH-1:0] s_axis_tuser,

    /*
     * Output
     */
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire [USER_WIDTH-1:0] m_axis_tuser,

    /*
     * Status: no beat held
     */
    output wire                  status_empty
);

localparam WORD_WIDTH = DATA_WIDTH + KEEP_WIDTH + 1 + USER_WIDTH;

// bus width assertions
initial begin
    if (DATA_WIDTH < 1 || KEEP_WIDTH < 1 || USER_WIDTH < 1) begin
        $error("Error: DATA_WIDTH, KEEP_WIDTH and USER_WIDTH must be at least 1 (instance %m)");
        $finish;
    end
end

reg [WORD_WIDTH-1:0] out_word_reg = {WORD_WIDTH{1'b0}};
reg out_valid_reg = 1'b0, out_valid_next;
reg [WORD_WIDTH-1:0] skid_word_reg = {WORD_WIDTH{1'b0}};
reg skid_valid_reg = 1'b0, skid_valid_next;
reg ready_reg = 1'b0;
reg store_in_to_out;
reg store_in_to_skid;
reg store_skid_to_out;

wire in_valid = s_axis_tvalid && ready_reg;
wire [WORD_WIDTH-1:0] in_word = {s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata};
// the next cycle may take a beat unless both registers could end up full
wire ready_early = m_axis_tready || (!skid_valid_reg && (!out_valid_reg || !in_valid));

assign s_axis_tready = ready_reg;
assign {m_axis_tuser, m_axis_tlast, m_axis_tkeep, m_axis_tdata} = out_word_reg;
assign m_axis_tvalid = out_valid_reg;
assign status_empty = !out_valid_reg && !skid_valid_reg;

always @* begin
    out_valid_next = out_valid_reg;
    skid_valid_next = skid_valid_reg;
    store_in_to_out = 1'b0;
    store_in_to_skid = 1'b0;
    store_skid_to_out = 1'b0;

    if (ready_reg) begin
        if (m_axis_tready || !out_valid_reg) begin
            out_valid_next = in_valid;
            store_in_to_out = 1'b1;
        end else begin
            skid_valid_next = in_valid;
            store_in_to_skid = 1'b1;
        end
    end else if (m_axis_tready) begin
        out_valid_next = skid_valid_reg;
        skid_valid_next = 1'b0;
        store_skid_to_out = 1'b1;
    end
end

always @(posedge clk) begin
    out_valid_reg <= out_valid_next;
    skid_valid_reg <= skid_valid_next;
    ready_reg <= ready_early;

    if (store_in_to_out) begin
        out_word_reg <= in_word;
    end else if (store_skid_to_out) begin
        out_word_reg <= skid_word_reg;
    end
    if (store_in_to_skid) begin
        skid_word_reg <= in_word;
    end

    if (rst) begin
        out_valid_reg <= 1'b0;
        skid_valid_reg <= 1'b0;
        ready_reg <= 1'b0;
    end
end

endmodule

`resetall
