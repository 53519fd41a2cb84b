// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Frame-aware round-robin multiplexer: several frame streams onto one, a whole frame at a time
 *
 * A port is granted for a whole frame, from its first beat to its tlast; then the first port
 * with a beat waiting after the one last granted takes the next frame (round robin between
 * frames: a port with a frame waiting gets the wire within PORTS frames; after reset port 1
 * is first in line, as if port 0 had been granted last, as in axis_arb_mux). The grant for a new
 * frame is decided in the cycle its first beat is taken, so back-to-back frames of different
 * ports leave no idle cycle. The output is registered through a skid buffer (m_axis_tready
 * reaches s_axis_tready only through a register): one beat per cycle when the output is not
 * held back. status_idle is high when no frame is partly through: none granted
 * and no beat waiting in the output registers (a frame may still start in the next cycle; to
 * stop the wire between frames, hold the inputs first and then wait for status_idle).
 */
module axis_frame_mux #
(
    // number of input ports
    parameter PORTS = 2,
    // width of one beat
    parameter DATA_WIDTH = 64,
    // width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // width of tuser
    parameter USER_WIDTH = 1
)
(
    input  wire                        clk,
    input  wire                        rst,

    /*
     * AXI stream inputs
     */
    input  wire [PORTS*DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [PORTS*KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire [PORTS-1:0]            s_axis_tvalid,
    output wire [PORTS-1:0]            s_axis_tready,
    input  wire [PORTS-1:0]            s_axis_tlast,
    input  wire [PORTS*USER_WIDTH-1:0] s_axis_tuser,

    /*
     * AXI stream output
     */
    output wire [DATA_WIDTH-1:0]       m_axis_tdata,
    output wire [KEEP_WIDTH-1:0]       m_axis_tkeep,
    output wire                        m_axis_tvalid,
    input  wire                        m_axis_tready,
    output wire                        m_axis_tlast,
    output wire [USER_WIDTH-1:0]       m_axis_tuser,

    /*
     * Status
     */
    output wire                        status_idle
);

localparam SEL_WIDTH = (PORTS > 1) ? $clog2(PORTS) : 1;

// bus width assertions
initial begin
    if (PORTS < 1) begin
        $error("Error: PORTS must be at least 1 (instance %m)");
        $finish;
    end
    if (KEEP_WIDTH * 8 != DATA_WIDTH) begin
        $error("Error: KEEP_WIDTH must be DATA_WIDTH/8 (instance %m)");
        $finish;
    end
    if (USER_WIDTH < 1) begin
        $error("Error: USER_WIDTH must be at least 1 (instance %m)");
        $finish;
    end
end

// grant: the port of the frame in progress, else the port granted last
reg frame_reg = 1'b0, frame_next;
reg [SEL_WIDTH-1:0] sel_reg = {SEL_WIDTH{1'b0}}, sel_next;

// the output skid buffer's registered ready: the internal stream may move a beat this cycle
wire int_ready_reg;
wire out_empty;

// round-robin choice for a new frame
reg [SEL_WIDTH-1:0] rr_index;
reg rr_valid;

integer k, idx;

// the port served this cycle and its beat
wire [SEL_WIDTH-1:0] cur_index = frame_reg ? sel_reg : rr_index;
wire cur_valid = frame_reg ? s_axis_tvalid[sel_reg] : rr_valid;
wire int_valid = int_ready_reg && cur_valid;
wire [DATA_WIDTH-1:0] int_data = s_axis_tdata[cur_index*DATA_WIDTH +: DATA_WIDTH];
wire [KEEP_WIDTH-1:0] int_keep = s_axis_tkeep[cur_index*KEEP_WIDTH +: KEEP_WIDTH];
wire int_last = s_axis_tlast[cur_index];
wire [USER_WIDTH-1:0] int_user = s_axis_tuser[cur_index*USER_WIDTH +: USER_WIDTH];

assign s_axis_tready = int_valid ? ({{(PORTS-1){1'b0}}, 1'b1} << cur_index) : {PORTS{1'b0}};
assign status_idle = !frame_reg && out_empty;

// round robin: the first port with a beat waiting after the one granted last
always @* begin
    rr_index = {SEL_WIDTH{1'b0}};
    rr_valid = 1'b0;
    for (k = 1; k <= PORTS; k = k + 1) begin
        idx = {{(32-SEL_WIDTH){1'b0}}, sel_reg} + k;
        if (idx >= PORTS) begin
            idx = idx - PORTS;
        end
        if (!rr_valid && s_axis_tvalid[idx]) begin
            rr_valid = 1'b1;
            rr_index = idx[SEL_WIDTH-1:0];
        end
    end
end

// grant: held from a frame's first beat to its tlast
always @* begin
    frame_next = frame_reg;
    sel_next = sel_reg;

    if (int_valid) begin
        sel_next = cur_index;
        frame_next = !int_last;
    end
end

axis_skid #(
    .DATA_WIDTH(DATA_WIDTH),
    .KEEP_WIDTH(KEEP_WIDTH),
    .USER_WIDTH(USER_WIDTH)
)
out_skid_inst (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(int_data),
    .s_axis_tkeep(int_keep),
    .s_axis_tvalid(cur_valid),
    .s_axis_tready(int_ready_reg),
    .s_axis_tlast(int_last),
    .s_axis_tuser(int_user),
    .m_axis_tdata(m_axis_tdata),
    .m_axis_tkeep(m_axis_tkeep),
    .m_axis_tvalid(m_axis_tvalid),
    .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast),
    .m_axis_tuser(m_axis_tuser),
    .status_empty(out_empty)
);

always @(posedge clk) begin
    frame_reg <= frame_next;
    sel_reg <= sel_next;

    if (rst) begin
        frame_reg <= 1'b0;
        sel_reg <= {SEL_WIDTH{1'b0}};
    end
end

endmodule

`resetall
