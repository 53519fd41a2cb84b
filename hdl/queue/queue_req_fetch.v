// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "flue_contract.vh"

/*
 * Request ring fetch: reads pending descriptors (head..tail-1) by DMA, several per read
 * when several are pending, into a store-and-forward FIFO, and presents them one at a
 * time as 256-bit words. REQ_HEAD advances when a read completes. A read error drops the
 * whole batch, reports a fault and halts fetching until reset. start (the CTRL.ENABLE rising
 * edge) resets REQ_HEAD and flushes every descriptor fetched before it: the FIFO, the word
 * being assembled, and a read still in flight (dropped when it completes).
 */
module queue_req_fetch #
(
    // width of the DMA address
    parameter ADDR_WIDTH = 64,
    // width of the DMA transfer length
    parameter LEN_WIDTH = 20,
    // width of the DMA tag
    parameter TAG_WIDTH = 4,
    // width of the DMA data (divides the 256-bit descriptor)
    parameter DATA_WIDTH = 128,
    // most descriptors read by one DMA transfer
    parameter MAX_FETCH = 8,
    // descriptor FIFO size in data words (power of two, at least MAX_FETCH descriptors)
    parameter FIFO_DEPTH = 64
)
(
    input  wire                     clk,
    input  wire                     rst,

    /*
     * Ring control
     */
    input  wire                     running,
    input  wire                     start,
    input  wire [63:0]              ring_base,
    input  wire [4:0]               ring_size_log2,
    input  wire [15:0]              ring_tail,
    output wire [15:0]              ring_head,

    /*
     * DMA read descriptor output and status input
     */
    output wire [ADDR_WIDTH-1:0]    m_axis_dma_desc_addr,
    output wire [LEN_WIDTH-1:0]     m_axis_dma_desc_len,
    output wire [TAG_WIDTH-1:0]     m_axis_dma_desc_tag,
    output wire                     m_axis_dma_desc_valid,
    input  wire                     m_axis_dma_desc_ready,
    input  wire [3:0]               s_axis_dma_status_error,
    input  wire                     s_axis_dma_status_valid,

    /*
     * DMA read data input
     */
    input  wire [DATA_WIDTH-1:0]    s_axis_read_data_tdata,
    input  wire                     s_axis_read_data_tvalid,
    output wire                     s_axis_read_data_tready,
    input  wire                     s_axis_read_data_tlast,
    input  wire                     s_axis_read_data_tuser,

    /*
     * Request descriptor output
     */
    output wire [`FLUE_REQ_DESC_BITS-1:0] m_axis_req_tdata,
    output wire                     m_axis_req_tvalid,
    input  wire                     m_axis_req_tready,

    /*
     * Statistics and faults
     */
    output wire [7:0]               stat_fetched,
    output wire                     fault,
    output wire [63:0]              fault_addr,
    output wire                     status_idle
);

localparam WORDS_PER_DESC = `FLUE_REQ_DESC_BITS / DATA_WIDTH;
localparam WORD_INDEX_WIDTH = (WORDS_PER_DESC > 1) ? $clog2(WORDS_PER_DESC) : 1;
localparam CREDITS = FIFO_DEPTH / WORDS_PER_DESC;
localparam CREDIT_WIDTH = $clog2(CREDITS + 1);
localparam ENTRY_SHIFT = $clog2(`FLUE_REQ_ENTRY_BYTES);

localparam [1:0]
    STATE_IDLE = 2'd0,
    STATE_ISSUE = 2'd1,
    STATE_WAIT = 2'd2;

localparam [16:0] MAX_FETCH_W = MAX_FETCH;
localparam [CREDIT_WIDTH-1:0] CREDITS_W = CREDITS[CREDIT_WIDTH-1:0];
localparam integer LAST_WORD_I = WORDS_PER_DESC - 1;
localparam [WORD_INDEX_WIDTH-1:0] LAST_WORD = LAST_WORD_I[WORD_INDEX_WIDTH-1:0];

// bus width assertions
initial begin
    if (WORDS_PER_DESC < 1 || WORDS_PER_DESC * DATA_WIDTH != `FLUE_REQ_DESC_BITS) begin
        $error("Error: DATA_WIDTH must divide the descriptor size (instance %m)");
        $finish;
    end
    if (MAX_FETCH < 1 || MAX_FETCH > 255 || CREDITS < MAX_FETCH) begin
        $error("Error: MAX_FETCH must be 1..255 and fit in the FIFO (instance %m)");
        $finish;
    end
    if (MAX_FETCH * `FLUE_REQ_ENTRY_BYTES >= (1 << LEN_WIDTH)) begin
        $error("Error: LEN_WIDTH too small for MAX_FETCH (instance %m)");
        $finish;
    end
end

reg [1:0] state_reg = STATE_IDLE, state_next;
reg [15:0] head_reg = 16'd0, head_next;
reg [16:0] count_reg = 17'd0, count_next;
reg [ADDR_WIDTH-1:0] addr_reg = {ADDR_WIDTH{1'b0}}, addr_next;
reg [CREDIT_WIDTH-1:0] credit_reg = CREDITS_W, credit_next;
reg discard_reg = 1'b0, discard_next;
reg halted_reg = 1'b0, halted_next;
reg [7:0] stat_fetched_reg = 8'd0, stat_fetched_next;
reg fault_reg = 1'b0, fault_next;

reg [`FLUE_REQ_DESC_BITS-1:0] desc_reg = {`FLUE_REQ_DESC_BITS{1'b0}}, desc_next;
reg [WORD_INDEX_WIDTH-1:0] word_reg = {WORD_INDEX_WIDTH{1'b0}}, word_next;
reg desc_valid_reg = 1'b0, desc_valid_next;

reg [16:0] size;
reg [`FLUE_REQ_DESC_BITS+DATA_WIDTH-1:0] desc_shift;
reg [16:0] pending;
reg [16:0] to_end;
reg [16:0] batch;

wire [DATA_WIDTH-1:0] fifo_tdata;
wire fifo_tvalid;
wire fifo_tlast;
wire [DATA_WIDTH/8-1:0] fifo_tkeep;
wire fifo_empty;
wire fifo_in_frame;
wire fifo_good;
wire fifo_bad;
wire fifo_overflow;

wire fifo_take = fifo_tvalid && !desc_valid_reg;
wire desc_out = desc_valid_reg && m_axis_req_tready;

assign ring_head = head_reg;
assign m_axis_dma_desc_addr = addr_reg;
assign m_axis_dma_desc_len = {count_reg[LEN_WIDTH-ENTRY_SHIFT-1:0], {ENTRY_SHIFT{1'b0}}};
assign m_axis_dma_desc_tag = {TAG_WIDTH{1'b0}};
assign m_axis_dma_desc_valid = state_reg == STATE_ISSUE;
assign m_axis_req_tdata = desc_reg;
assign m_axis_req_tvalid = desc_valid_reg;
assign stat_fetched = stat_fetched_reg;
assign fault = fault_reg;
assign fault_addr = addr_reg;
assign status_idle = state_reg == STATE_IDLE && fifo_empty && !desc_valid_reg;

always @* begin
    state_next = state_reg;
    head_next = head_reg;
    count_next = count_reg;
    addr_next = addr_reg;
    credit_next = credit_reg;
    discard_next = discard_reg;
    halted_next = halted_reg;
    stat_fetched_next = 8'd0;
    fault_next = 1'b0;
    desc_next = desc_reg;
    word_next = word_reg;
    desc_valid_next = desc_valid_reg;
    desc_shift = {DATA_WIDTH+`FLUE_REQ_DESC_BITS{1'b0}};

    size = 17'd1 << ring_size_log2;
    pending = ({1'b0, ring_tail} - {1'b0, head_reg}) & (size - 1'b1);
    to_end = size - {1'b0, head_reg};
    batch = pending;
    if (batch > to_end) begin
        batch = to_end;
    end
    if (batch > MAX_FETCH_W) begin
        batch = MAX_FETCH_W;
    end
    if (batch > {{17-CREDIT_WIDTH{1'b0}}, credit_reg}) begin
        batch = {{17-CREDIT_WIDTH{1'b0}}, credit_reg};
    end

    // descriptors leaving return their FIFO credit
    if (desc_out) begin
        desc_valid_next = 1'b0;
        credit_next = credit_next + 1'b1;
    end

    case (state_reg)
        STATE_IDLE: begin
            if (running && !halted_reg && batch != 0 && !start) begin
                count_next = batch;
                addr_next = ring_base + {{ADDR_WIDTH-16-ENTRY_SHIFT{1'b0}}, head_reg, {ENTRY_SHIFT{1'b0}}};
                credit_next = credit_next - batch[CREDIT_WIDTH-1:0];
                discard_next = 1'b0;
                state_next = STATE_ISSUE;
            end
        end
        STATE_ISSUE: begin
            if (m_axis_dma_desc_ready) begin
                state_next = STATE_WAIT;
            end
        end
        STATE_WAIT: begin
            if (s_axis_dma_status_valid) begin
                state_next = STATE_IDLE;
                if (s_axis_dma_status_error != 0) begin
                    // the FIFO dropped the batch
                    credit_next = credit_next + count_reg[CREDIT_WIDTH-1:0];
                    fault_next = 1'b1;
                    halted_next = 1'b1;
                end else if (discard_reg) begin
                    credit_next = credit_next + count_reg[CREDIT_WIDTH-1:0];
                end else begin
                    head_next = (head_reg + count_reg[15:0]) & (size[15:0] - 1'b1);
                    stat_fetched_next = count_reg[7:0];
                end
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase

    // assemble descriptors from the FIFO, low word first
    if (fifo_take) begin
        desc_shift = {fifo_tdata, desc_reg} >> DATA_WIDTH;
        desc_next = desc_shift[`FLUE_REQ_DESC_BITS-1:0];
        word_next = word_reg + 1'b1;
        if (word_reg == LAST_WORD) begin
            word_next = {WORD_INDEX_WIDTH{1'b0}};
            desc_valid_next = 1'b1;
        end
    end

    // ring restart: everything fetched so far is stale; a read in flight keeps its credits
    // until its status returns them
    if (start) begin
        head_next = 16'd0;
        discard_next = state_next != STATE_IDLE;
        credit_next = CREDITS_W - ((state_next != STATE_IDLE) ? count_reg[CREDIT_WIDTH-1:0] : {CREDIT_WIDTH{1'b0}});
        word_next = {WORD_INDEX_WIDTH{1'b0}};
        desc_valid_next = 1'b0;
    end
end

always @(posedge clk) begin
    state_reg <= state_next;
    head_reg <= head_next;
    count_reg <= count_next;
    addr_reg <= addr_next;
    credit_reg <= credit_next;
    discard_reg <= discard_next;
    halted_reg <= halted_next;
    stat_fetched_reg <= stat_fetched_next;
    fault_reg <= fault_next;
    desc_reg <= desc_next;
    word_reg <= word_next;
    desc_valid_reg <= desc_valid_next;

    if (rst) begin
        state_reg <= STATE_IDLE;
        head_reg <= 16'd0;
        credit_reg <= CREDITS_W;
        discard_reg <= 1'b0;
        halted_reg <= 1'b0;
        stat_fetched_reg <= 8'd0;
        fault_reg <= 1'b0;
        word_reg <= {WORD_INDEX_WIDTH{1'b0}};
        desc_valid_reg <= 1'b0;
    end
end

// one DMA read is one FIFO frame; an errored or discarded read is dropped whole
axis_frame_fifo #(
    .DATA_WIDTH(DATA_WIDTH),
    .DEPTH(FIFO_DEPTH),
    .DROP_WHEN_FULL(0)
)
fifo_inst (
    .clk(clk),
    .rst(rst || start),
    .s_axis_tdata(s_axis_read_data_tdata),
    .s_axis_tkeep({DATA_WIDTH/8{1'b1}}),
    .s_axis_tvalid(s_axis_read_data_tvalid),
    .s_axis_tready(s_axis_read_data_tready),
    .s_axis_tlast(s_axis_read_data_tlast),
    .s_axis_tuser(s_axis_read_data_tuser || discard_reg),
    .m_axis_tdata(fifo_tdata),
    .m_axis_tkeep(fifo_tkeep),
    .m_axis_tvalid(fifo_tvalid),
    .m_axis_tready(!desc_valid_reg),
    .m_axis_tlast(fifo_tlast),
    .status_good_frame(fifo_good),
    .status_bad_frame(fifo_bad),
    .status_overflow(fifo_overflow),
    .status_empty(fifo_empty),
    .status_in_frame(fifo_in_frame)
);

// descriptors are whole words; frame boundaries and FIFO status are not needed here
/* verilator lint_off UNUSED */
wire unused_ok = &{1'b0, fifo_tlast, fifo_tkeep, fifo_in_frame, fifo_good, fifo_bad, fifo_overflow,
    desc_shift[`FLUE_REQ_DESC_BITS+DATA_WIDTH-1:`FLUE_REQ_DESC_BITS]};
/* verilator lint_on UNUSED */

endmodule

`resetall
