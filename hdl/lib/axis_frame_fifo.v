// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Store-and-forward frame FIFO: a frame leaves only once its last word is stored.
 * A frame with tuser set on tlast is discarded; a frame that does not fit is discarded
 * (DROP_WHEN_FULL=1, or any frame larger than the whole FIFO), otherwise the input stalls.
 */
module axis_frame_fifo #
(
    // width of the data word
    parameter DATA_WIDTH = 64,
    // width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // words held in RAM (power of two, at least 2)
    parameter DEPTH = 512,
    // 1: input never stalls, a frame that meets a full FIFO is dropped; 0: input stalls
    parameter DROP_WHEN_FULL = 0
)
(
    input  wire                  clk,
    input  wire                  rst,

    /*
     * AXI stream input
     */
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire                  s_axis_tuser,

    /*
     * AXI stream output
     */
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,

    /*
     * Status: one-cycle pulses, one per input frame, a cycle after its tlast
     */
    output wire                  status_good_frame,
    output wire                  status_bad_frame,
    output wire                  status_overflow,
    output wire                  status_empty,
    output wire                  status_in_frame
);

localparam ADDR_WIDTH = $clog2(DEPTH);
localparam WORD_WIDTH = DATA_WIDTH + KEEP_WIDTH + 1;

// bus width assertions
initial begin
    if (DEPTH < 2 || (1 << ADDR_WIDTH) != DEPTH) begin
        $error("Error: DEPTH must be a power of two, at least 2 (instance %m)");
        $finish;
    end
    if (KEEP_WIDTH * 8 != DATA_WIDTH) begin
        $error("Error: DATA_WIDTH must be 8 * KEEP_WIDTH (instance %m)");
        $finish;
    end
end

reg [ADDR_WIDTH:0] wr_ptr_reg = {ADDR_WIDTH+1{1'b0}}, wr_ptr_next;
reg [ADDR_WIDTH:0] wr_ptr_commit_reg = {ADDR_WIDTH+1{1'b0}}, wr_ptr_commit_next;
reg [ADDR_WIDTH:0] rd_ptr_reg = {ADDR_WIDTH+1{1'b0}}, rd_ptr_next;
reg drop_frame_reg = 1'b0, drop_frame_next;
reg in_frame_reg = 1'b0, in_frame_next;
reg out_valid_reg = 1'b0, out_valid_next;
reg good_frame_reg = 1'b0, good_frame_next;
reg bad_frame_reg = 1'b0, bad_frame_next;
reg overflow_reg = 1'b0, overflow_next;

reg mem_write;

reg [WORD_WIDTH-1:0] out_word_reg;
reg [WORD_WIDTH-1:0] mem [0:DEPTH-1];

// full: no free word; whole: the frame being written fills the entire FIFO
wire full = wr_ptr_reg == (rd_ptr_reg ^ {1'b1, {ADDR_WIDTH{1'b0}}});
wire whole = wr_ptr_reg == (wr_ptr_commit_reg ^ {1'b1, {ADDR_WIDTH{1'b0}}});
wire empty = wr_ptr_commit_reg == rd_ptr_reg;

wire read = !empty && (!out_valid_reg || m_axis_tready);

assign s_axis_tready = (DROP_WHEN_FULL != 0) || !full || drop_frame_reg || whole;

assign m_axis_tdata = out_word_reg[DATA_WIDTH-1:0];
assign m_axis_tkeep = out_word_reg[DATA_WIDTH +: KEEP_WIDTH];
assign m_axis_tlast = out_word_reg[WORD_WIDTH-1];
assign m_axis_tvalid = out_valid_reg;

assign status_good_frame = good_frame_reg;
assign status_bad_frame = bad_frame_reg;
assign status_overflow = overflow_reg;
assign status_empty = empty && !out_valid_reg && wr_ptr_reg == wr_ptr_commit_reg;
assign status_in_frame = in_frame_reg;

always @* begin
    wr_ptr_next = wr_ptr_reg;
    wr_ptr_commit_next = wr_ptr_commit_reg;
    rd_ptr_next = rd_ptr_reg;
    drop_frame_next = drop_frame_reg;
    in_frame_next = in_frame_reg;
    out_valid_next = out_valid_reg;
    good_frame_next = 1'b0;
    bad_frame_next = 1'b0;
    overflow_next = 1'b0;
    mem_write = 1'b0;

    if (s_axis_tvalid && s_axis_tready) begin
        in_frame_next = !s_axis_tlast;
        if (drop_frame_reg) begin
            // discard the rest of a frame that did not fit
            if (s_axis_tlast) begin
                drop_frame_next = 1'b0;
                bad_frame_next = s_axis_tuser;
                overflow_next = !s_axis_tuser;
            end
        end else if (full) begin
            // no room: forget the words written so far
            wr_ptr_next = wr_ptr_commit_reg;
            if (s_axis_tlast) begin
                bad_frame_next = s_axis_tuser;
                overflow_next = !s_axis_tuser;
            end else begin
                drop_frame_next = 1'b1;
            end
        end else begin
            mem_write = 1'b1;
            wr_ptr_next = wr_ptr_reg + 1'b1;
            if (s_axis_tlast) begin
                if (s_axis_tuser) begin
                    wr_ptr_next = wr_ptr_commit_reg;
                    bad_frame_next = 1'b1;
                end else begin
                    wr_ptr_commit_next = wr_ptr_reg + 1'b1;
                    good_frame_next = 1'b1;
                end
            end
        end
    end

    if (read) begin
        rd_ptr_next = rd_ptr_reg + 1'b1;
        out_valid_next = 1'b1;
    end else if (m_axis_tready) begin
        out_valid_next = 1'b0;
    end
end

// RAM and output word (no reset)
always @(posedge clk) begin
    if (mem_write) begin
        mem[wr_ptr_reg[ADDR_WIDTH-1:0]] <= {s_axis_tlast, s_axis_tkeep, s_axis_tdata};
    end
    if (read) begin
        out_word_reg <= mem[rd_ptr_reg[ADDR_WIDTH-1:0]];
    end
end

always @(posedge clk) begin
    wr_ptr_reg <= wr_ptr_next;
    wr_ptr_commit_reg <= wr_ptr_commit_next;
    rd_ptr_reg <= rd_ptr_next;
    drop_frame_reg <= drop_frame_next;
    in_frame_reg <= in_frame_next;
    out_valid_reg <= out_valid_next;
    good_frame_reg <= good_frame_next;
    bad_frame_reg <= bad_frame_next;
    overflow_reg <= overflow_next;

    if (rst) begin
        wr_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        wr_ptr_commit_reg <= {ADDR_WIDTH+1{1'b0}};
        rd_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        drop_frame_reg <= 1'b0;
        in_frame_reg <= 1'b0;
        out_valid_reg <= 1'b0;
        good_frame_reg <= 1'b0;
        bad_frame_reg <= 1'b0;
        overflow_reg <= 1'b0;
    end
end

endmodule

`resetall
