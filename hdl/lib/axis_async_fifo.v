// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Asynchronous AXI stream FIFO between two unrelated clocks (s_clk writes, m_clk reads).
 * Dual-clock RAM (block RAM when large), binary pointers with gray-coded copies crossing
 * through two-flop synchronisers. First-word fall-through, registered RAM read, one word per
 * cycle on each side.
 *
 * FRAME_FIFO=0: every word is visible to the reader as soon as its pointer has crossed; the
 * input stalls while the FIFO is full.
 * FRAME_FIFO=1 (store and forward): a frame becomes visible only once its tlast word is
 * stored, whole, so the reader takes it at one word per cycle without a gap. The commit
 * pointer jumps a frame at a time, so it does not cross as a gray count: the writer holds it in
 * a register and toggles a request; the reader takes the (by then stable) register once the
 * request has passed its two-flop synchroniser, and toggles an acknowledge back, after which
 * the writer may publish again. A frame with tuser set on tlast is discarded
 * (DROP_BAD_FRAME=1) or kept with its tuser (0). A frame that does not fit is discarded
 * (DROP_WHEN_FULL=1: the input never stalls; 0: the input stalls while full, and only a frame
 * larger than the whole FIFO is discarded). s_rst is taken to reset the source too (it starts
 * again at a frame); when m_rst alone holds the write side in reset mid-frame, the rest of
 * that frame is discarded up to its tlast (an overflow pulse).
 *
 * Resets: s_rst (s_clk) and m_rst (m_clk) are synchronous; each one also resets the other side
 * through a two-flop synchroniser, and a side stays in reset while the other one is, so the two
 * sides always leave reset with matching pointers. A reset must last at least three cycles of
 * the slower clock (so the other side sees it).
 */
module axis_async_fifo #
(
    // width of the data word
    parameter DATA_WIDTH = 64,
    // width of tkeep (carried along, not interpreted)
    parameter KEEP_WIDTH = (DATA_WIDTH + 7) / 8,
    // words held in RAM (power of two, at least 4)
    parameter DEPTH = 512,
    // 1: store and forward whole frames; 0: plain word FIFO (tlast and tuser carried along)
    parameter FRAME_FIFO = 0,
    // (FRAME_FIFO=1) 1: discard a frame with tuser set on tlast
    parameter DROP_BAD_FRAME = 0,
    // (FRAME_FIFO=1) 1: input never stalls, a frame that meets a full FIFO is discarded
    parameter DROP_WHEN_FULL = 0
)
(
    /*
     * AXI stream input (s_clk domain)
     */
    input  wire                  s_clk,
    input  wire                  s_rst,
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire                  s_axis_tuser,

    /*
     * AXI stream output (m_clk domain)
     */
    input  wire                  m_clk,
    input  wire                  m_rst,
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire                  m_axis_tuser,

    /*
     * Status (s_clk domain, FRAME_FIFO=1): one-cycle pulses, one per input frame, a cycle
     * after its tlast: stored, discarded for tuser, discarded for lack of room
     */
    output wire                  s_status_good_frame,
    output wire                  s_status_bad_frame,
    output wire                  s_status_overflow,
    // (m_clk domain) nothing to read and the output register empty
    output wire                  m_status_empty
);

localparam ADDR_WIDTH = $clog2(DEPTH);
localparam PTR_WIDTH = ADDR_WIDTH + 1;
localparam WORD_WIDTH = DATA_WIDTH + KEEP_WIDTH + 2;
localparam [PTR_WIDTH-1:0] PTR_MSB = {1'b1, {ADDR_WIDTH{1'b0}}};

// bus width assertions
initial begin
    if (DEPTH < 4 || (1 << ADDR_WIDTH) != DEPTH) begin
        $error("Error: DEPTH must be a power of two, at least 4 (instance %m)");
        $finish;
    end
end

function [PTR_WIDTH-1:0] bin2gray;
    input [PTR_WIDTH-1:0] b;
    begin
        bin2gray = b ^ (b >> 1);
    end
endfunction

function [PTR_WIDTH-1:0] gray2bin;
    input [PTR_WIDTH-1:0] g;
    integer i;
    begin
        gray2bin[PTR_WIDTH-1] = g[PTR_WIDTH-1];
        for (i = PTR_WIDTH - 2; i >= 0; i = i - 1) begin
            gray2bin[i] = gray2bin[i+1] ^ g[i];
        end
    end
endfunction

reg [WORD_WIDTH-1:0] mem [0:DEPTH-1];

/*
 * Reset crossing: each side is held in reset while the other one is
 */
(* ASYNC_REG = "TRUE" *) reg [1:0] s_rst_sync_reg = 2'b11;   // m_rst seen in s_clk
(* ASYNC_REG = "TRUE" *) reg [1:0] m_rst_sync_reg = 2'b11;   // s_rst seen in m_clk

wire s_rst_int = s_rst || s_rst_sync_reg[1];
wire m_rst_int = m_rst || m_rst_sync_reg[1];

always @(posedge s_clk) begin
    s_rst_sync_reg <= {s_rst_sync_reg[0], m_rst};
end

always @(posedge m_clk) begin
    m_rst_sync_reg <= {m_rst_sync_reg[0], s_rst};
end

// read side state
reg [PTR_WIDTH-1:0] rd_ptr_reg = {PTR_WIDTH{1'b0}}, rd_ptr_next;
reg [PTR_WIDTH-1:0] rd_ptr_gray_reg = {PTR_WIDTH{1'b0}};    // read pointer (gray), changes a bit at a time
(* ASYNC_REG = "TRUE" *) reg [PTR_WIDTH-1:0] wr_ptr_gray_sync1_reg = {PTR_WIDTH{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [PTR_WIDTH-1:0] wr_ptr_gray_sync2_reg = {PTR_WIDTH{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [1:0] wr_req_sync_reg = 2'b00;
reg [PTR_WIDTH-1:0] wr_ptr_frame_reg = {PTR_WIDTH{1'b0}};   // (FRAME_FIFO) last commit pointer taken
reg rd_ack_reg = 1'b0;
reg out_valid_reg = 1'b0, out_valid_next;
reg [WORD_WIDTH-1:0] out_word_reg = {WORD_WIDTH{1'b0}};

/*
 * Write side (s_clk)
 */
reg [PTR_WIDTH-1:0] wr_ptr_reg = {PTR_WIDTH{1'b0}}, wr_ptr_next;
reg [PTR_WIDTH-1:0] wr_ptr_commit_reg = {PTR_WIDTH{1'b0}}, wr_ptr_commit_next;
reg [PTR_WIDTH-1:0] wr_ptr_gray_reg = {PTR_WIDTH{1'b0}};    // published write pointer (gray)
reg wr_req_reg = 1'b0;                                       // (FRAME_FIFO) publication toggle
(* ASYNC_REG = "TRUE" *) reg [PTR_WIDTH-1:0] rd_ptr_gray_sync1_reg = {PTR_WIDTH{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [PTR_WIDTH-1:0] rd_ptr_gray_sync2_reg = {PTR_WIDTH{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [1:0] rd_ack_sync_reg = 2'b00;
reg drop_frame_reg = 1'b0, drop_frame_next;
// follows the input framing (through a reset that m_rst alone causes)
reg in_frame_reg = 1'b0;
reg good_frame_reg = 1'b0, good_frame_next;
reg bad_frame_reg = 1'b0, bad_frame_next;
reg overflow_reg = 1'b0, overflow_next;
reg mem_write;

wire [PTR_WIDTH-1:0] rd_ptr_s = gray2bin(rd_ptr_gray_sync2_reg);
// full: no free word (as far as the write side knows); whole: the frame being written fills
// the entire FIFO
wire full = wr_ptr_reg == (rd_ptr_s ^ PTR_MSB);
wire whole = wr_ptr_reg == (wr_ptr_commit_reg ^ PTR_MSB);

// (a dropping frame FIFO takes and discards words in reset too, so it follows the framing)
assign s_axis_tready = (FRAME_FIFO != 0 && DROP_WHEN_FULL != 0)
    || (!s_rst_int && (FRAME_FIFO != 0 ? (!full || drop_frame_reg || whole) : !full));
wire s_fire = s_axis_tvalid && s_axis_tready;
wire in_frame_next = s_fire ? !s_axis_tlast : in_frame_reg;

assign s_status_good_frame = good_frame_reg;
assign s_status_bad_frame = bad_frame_reg;
assign s_status_overflow = overflow_reg;

always @* begin
    wr_ptr_next = wr_ptr_reg;
    wr_ptr_commit_next = wr_ptr_commit_reg;
    drop_frame_next = drop_frame_reg;
    good_frame_next = 1'b0;
    bad_frame_next = 1'b0;
    overflow_next = 1'b0;
    mem_write = 1'b0;

    if (s_fire && !s_rst_int) begin
        if (FRAME_FIFO == 0) begin
            mem_write = 1'b1;
            wr_ptr_next = wr_ptr_reg + 1'b1;
            wr_ptr_commit_next = wr_ptr_next;
        end else if (drop_frame_reg) begin
            // discard the rest of a frame that did not fit or that a reset cut
            if (s_axis_tlast) begin
                drop_frame_next = 1'b0;
                overflow_next = 1'b1;
            end
        end else if (full) begin
            // no room: forget the words written so far
            wr_ptr_next = wr_ptr_commit_reg;
            if (s_axis_tlast) begin
                overflow_next = 1'b1;
            end else begin
                drop_frame_next = 1'b1;
            end
        end else begin
            mem_write = 1'b1;
            wr_ptr_next = wr_ptr_reg + 1'b1;
            if (s_axis_tlast) begin
                if (s_axis_tuser && DROP_BAD_FRAME != 0) begin
                    wr_ptr_next = wr_ptr_commit_reg;
                    bad_frame_next = 1'b1;
                end else begin
                    wr_ptr_commit_next = wr_ptr_reg + 1'b1;
                    good_frame_next = 1'b1;
                end
            end
        end
    end
end

always @(posedge s_clk) begin
    if (mem_write) begin
        mem[wr_ptr_reg[ADDR_WIDTH-1:0]] <= {s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata};
    end
end

always @(posedge s_clk) begin
    wr_ptr_reg <= wr_ptr_next;
    wr_ptr_commit_reg <= wr_ptr_commit_next;
    drop_frame_reg <= drop_frame_next;
    good_frame_reg <= good_frame_next;
    bad_frame_reg <= bad_frame_next;
    overflow_reg <= overflow_next;
    rd_ptr_gray_sync1_reg <= rd_ptr_gray_reg;
    rd_ptr_gray_sync2_reg <= rd_ptr_gray_sync1_reg;
    rd_ack_sync_reg <= {rd_ack_sync_reg[0], rd_ack_reg};

    if (FRAME_FIFO == 0) begin
        // the pointer moves by at most one a cycle: its gray code changes one bit at a time
        wr_ptr_gray_reg <= bin2gray(wr_ptr_next);
    end else if (wr_req_reg == rd_ack_sync_reg[1] && wr_ptr_gray_reg != bin2gray(wr_ptr_commit_reg)) begin
        // the reader took the last value: publish the commit pointer, held until acknowledged
        wr_ptr_gray_reg <= bin2gray(wr_ptr_commit_reg);
        wr_req_reg <= !wr_req_reg;
    end

    in_frame_reg <= in_frame_next && !s_rst;

    if (s_rst_int) begin
        wr_ptr_reg <= {PTR_WIDTH{1'b0}};
        wr_ptr_commit_reg <= {PTR_WIDTH{1'b0}};
        wr_ptr_gray_reg <= {PTR_WIDTH{1'b0}};
        wr_req_reg <= 1'b0;
        rd_ptr_gray_sync1_reg <= {PTR_WIDTH{1'b0}};
        rd_ptr_gray_sync2_reg <= {PTR_WIDTH{1'b0}};
        rd_ack_sync_reg <= 2'b00;
        // the rest of a frame cut by the other side's reset is discarded
        drop_frame_reg <= (FRAME_FIFO != 0) && in_frame_next && !s_rst;
        good_frame_reg <= 1'b0;
        bad_frame_reg <= 1'b0;
        overflow_reg <= 1'b0;
    end
end

/*
 * Read side (m_clk)
 */

wire [PTR_WIDTH-1:0] wr_ptr_m = (FRAME_FIFO != 0) ? wr_ptr_frame_reg : gray2bin(wr_ptr_gray_sync2_reg);
wire empty = rd_ptr_reg == wr_ptr_m;
wire read = !empty && (!out_valid_reg || m_axis_tready);

assign m_axis_tdata = out_word_reg[DATA_WIDTH-1:0];
assign m_axis_tkeep = out_word_reg[DATA_WIDTH +: KEEP_WIDTH];
assign m_axis_tlast = out_word_reg[DATA_WIDTH + KEEP_WIDTH];
assign m_axis_tuser = out_word_reg[DATA_WIDTH + KEEP_WIDTH + 1];
assign m_axis_tvalid = out_valid_reg;
assign m_status_empty = empty && !out_valid_reg;

always @* begin
    rd_ptr_next = rd_ptr_reg;
    out_valid_next = out_valid_reg;

    if (read) begin
        rd_ptr_next = rd_ptr_reg + 1'b1;
        out_valid_next = 1'b1;
    end else if (m_axis_tready) begin
        out_valid_next = 1'b0;
    end
end

// output word (no reset): RAM read with enable
always @(posedge m_clk) begin
    if (read) begin
        out_word_reg <= mem[rd_ptr_reg[ADDR_WIDTH-1:0]];
    end
end

always @(posedge m_clk) begin
    rd_ptr_reg <= rd_ptr_next;
    rd_ptr_gray_reg <= bin2gray(rd_ptr_next);
    out_valid_reg <= out_valid_next;
    wr_ptr_gray_sync1_reg <= wr_ptr_gray_reg;
    wr_ptr_gray_sync2_reg <= wr_ptr_gray_sync1_reg;
    wr_req_sync_reg <= {wr_req_sync_reg[0], wr_req_reg};

    if (wr_req_sync_reg[1] != rd_ack_reg) begin
        // the published pointer has been stable since before its request toggled
        wr_ptr_frame_reg <= gray2bin(wr_ptr_gray_reg);
        rd_ack_reg <= wr_req_sync_reg[1];
    end

    if (m_rst_int) begin
        rd_ptr_reg <= {PTR_WIDTH{1'b0}};
        rd_ptr_gray_reg <= {PTR_WIDTH{1'b0}};
        out_valid_reg <= 1'b0;
        wr_ptr_gray_sync1_reg <= {PTR_WIDTH{1'b0}};
        wr_ptr_gray_sync2_reg <= {PTR_WIDTH{1'b0}};
        wr_req_sync_reg <= 2'b00;
        wr_ptr_frame_reg <= {PTR_WIDTH{1'b0}};
        rd_ack_reg <= 1'b0;
    end
end

endmodule

`resetall
