// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Width converter, narrow to wide: packs M_DATA_WIDTH/S_DATA_WIDTH input words into one
 * output word, low lane first; tlast closes the output word early (the lanes above it have
 * tkeep clear and zero data). tuser is taken from the input tlast word. Input words are
 * expected packed from lane 0 (only a packet's last word partial). Accepts one word per cycle
 * while the output is not stalled; output from registers. With equal widths, a register stage.
 */
module axis_upsize #
(
    // width of the input data word
    parameter S_DATA_WIDTH = 64,
    // width of the input tkeep
    parameter S_KEEP_WIDTH = S_DATA_WIDTH/8,
    // width of the output data word (a multiple of S_DATA_WIDTH)
    parameter M_DATA_WIDTH = 128,
    // width of the output tkeep
    parameter M_KEEP_WIDTH = M_DATA_WIDTH/8
)
(
    input  wire                    clk,
    input  wire                    rst,

    /*
     * AXI stream input
     */
    input  wire [S_DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [S_KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                    s_axis_tvalid,
    output wire                    s_axis_tready,
    input  wire                    s_axis_tlast,
    input  wire                    s_axis_tuser,

    /*
     * AXI stream output
     */
    output wire [M_DATA_WIDTH-1:0] m_axis_tdata,
    output wire [M_KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                    m_axis_tvalid,
    input  wire                    m_axis_tready,
    output wire                    m_axis_tlast,
    output wire                    m_axis_tuser,

    /*
     * Status
     */
    output wire                    status_idle
);

// (at least 1, so that a bad combination reaches the assertion below)
localparam SEGMENTS = (M_DATA_WIDTH > S_DATA_WIDTH) ? M_DATA_WIDTH / S_DATA_WIDTH : 1;
localparam SEG_WIDTH = (SEGMENTS > 1) ? $clog2(SEGMENTS) : 1;
localparam integer LAST_SEG_I = SEGMENTS - 1;
localparam [SEG_WIDTH-1:0] LAST_SEG = LAST_SEG_I[SEG_WIDTH-1:0];
localparam integer ONE_I = 1;
localparam [SEGMENTS-1:0] SEG_ONE = ONE_I[SEGMENTS-1:0];

// bus width assertions
initial begin
    if (S_KEEP_WIDTH * 8 != S_DATA_WIDTH || M_KEEP_WIDTH * 8 != M_DATA_WIDTH) begin
        $error("Error: data widths must be 8 * keep widths (instance %m)");
        $finish;
    end
    if (SEGMENTS * S_DATA_WIDTH != M_DATA_WIDTH || (1 << SEG_WIDTH) < SEGMENTS) begin
        $error("Error: S_DATA_WIDTH must divide M_DATA_WIDTH (instance %m)");
        $finish;
    end
end

// word being assembled
reg [M_DATA_WIDTH-1:0] acc_data_reg = {M_DATA_WIDTH{1'b0}}, acc_data_next;
reg [M_KEEP_WIDTH-1:0] acc_keep_reg = {M_KEEP_WIDTH{1'b0}}, acc_keep_next;
reg [SEG_WIDTH-1:0] seg_reg = {SEG_WIDTH{1'b0}}, seg_next;

// output word
reg [M_DATA_WIDTH-1:0] out_data_reg = {M_DATA_WIDTH{1'b0}}, out_data_next;
reg [M_KEEP_WIDTH-1:0] out_keep_reg = {M_KEEP_WIDTH{1'b0}}, out_keep_next;
reg out_last_reg = 1'b0, out_last_next;
reg out_user_reg = 1'b0, out_user_next;
reg out_valid_reg = 1'b0, out_valid_next;

// segment the next input word goes to, and the segments above it
wire [SEGMENTS-1:0] seg_hit = SEG_ONE << seg_reg;
wire [SEGMENTS-1:0] seg_above = {SEGMENTS{1'b1}} << seg_reg << 1;

reg [M_DATA_WIDTH-1:0] word_data;
reg [M_KEEP_WIDTH-1:0] word_keep;
integer i;

wire in_ready = !out_valid_reg || m_axis_tready;
wire in_fire = s_axis_tvalid && in_ready;

assign s_axis_tready = in_ready;
assign m_axis_tdata = out_data_reg;
assign m_axis_tkeep = out_keep_reg;
assign m_axis_tvalid = out_valid_reg;
assign m_axis_tlast = out_last_reg;
assign m_axis_tuser = out_user_reg;
assign status_idle = !out_valid_reg && seg_reg == 0;

always @* begin
    acc_data_next = acc_data_reg;
    acc_keep_next = acc_keep_reg;
    seg_next = seg_reg;
    out_data_next = out_data_reg;
    out_keep_next = out_keep_reg;
    out_last_next = out_last_reg;
    out_user_next = out_user_reg;
    out_valid_next = out_valid_reg;

    // the accumulated word with this input word in its segment, lanes above it cleared
    word_data = acc_data_reg;
    word_keep = acc_keep_reg;
    for (i = 0; i < SEGMENTS; i = i + 1) begin
        if (seg_hit[i]) begin
            word_data[i*S_DATA_WIDTH +: S_DATA_WIDTH] = s_axis_tdata;
            word_keep[i*S_KEEP_WIDTH +: S_KEEP_WIDTH] = s_axis_tkeep;
        end else if (seg_above[i]) begin
            word_data[i*S_DATA_WIDTH +: S_DATA_WIDTH] = {S_DATA_WIDTH{1'b0}};
            word_keep[i*S_KEEP_WIDTH +: S_KEEP_WIDTH] = {S_KEEP_WIDTH{1'b0}};
        end
    end

    if (out_valid_reg && m_axis_tready) begin
        out_valid_next = 1'b0;
    end

    if (in_fire) begin
        if (s_axis_tlast || seg_reg == LAST_SEG) begin
            out_data_next = word_data;
            out_keep_next = word_keep;
            out_last_next = s_axis_tlast;
            out_user_next = s_axis_tuser;
            out_valid_next = 1'b1;
            seg_next = {SEG_WIDTH{1'b0}};
        end else begin
            acc_data_next = word_data;
            acc_keep_next = word_keep;
            seg_next = seg_reg + 1'b1;
        end
    end
end

always @(posedge clk) begin
    acc_data_reg <= acc_data_next;
    acc_keep_reg <= acc_keep_next;
    seg_reg <= seg_next;
    out_data_reg <= out_data_next;
    out_keep_reg <= out_keep_next;
    out_last_reg <= out_last_next;
    out_user_reg <= out_user_next;
    out_valid_reg <= out_valid_next;

    if (rst) begin
        seg_reg <= {SEG_WIDTH{1'b0}};
        out_valid_reg <= 1'b0;
    end
end

endmodule

`resetall
