// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Synchronous FIFO: first-word fall-through, registered RAM read
 */
module axis_fifo #
(
    // width of one word
    parameter DATA_WIDTH = 8,
    // words held in RAM (power of two, at least 2); one more sits in the output register
    parameter DEPTH = 16
)
(
    input  wire                  clk,
    input  wire                  rst,

    /*
     * AXI stream input
     */
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,

    /*
     * AXI stream output
     */
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,

    /*
     * Status
     */
    output wire                  status_empty
);

localparam ADDR_WIDTH = $clog2(DEPTH);

// bus width assertions
initial begin
    if (DEPTH < 2 || (1 << ADDR_WIDTH) != DEPTH) begin
        $error("Error: DEPTH must be a power of two, at least 2 (instance %m)");
        $finish;
    end
end

reg [ADDR_WIDTH:0] wr_ptr_reg = {ADDR_WIDTH+1{1'b0}}, wr_ptr_next;
reg [ADDR_WIDTH:0] rd_ptr_reg = {ADDR_WIDTH+1{1'b0}}, rd_ptr_next;
reg out_valid_reg = 1'b0, out_valid_next;

reg [DATA_WIDTH-1:0] out_data_reg;
reg [DATA_WIDTH-1:0] mem [0:DEPTH-1];

wire full = wr_ptr_reg == (rd_ptr_reg ^ {1'b1, {ADDR_WIDTH{1'b0}}});
wire empty = wr_ptr_reg == rd_ptr_reg;

wire write = s_axis_tvalid && !full;
wire read = !empty && (!out_valid_reg || m_axis_tready);

assign s_axis_tready = !full;
assign m_axis_tdata = out_data_reg;
assign m_axis_tvalid = out_valid_reg;
assign status_empty = empty && !out_valid_reg;

always @* begin
    wr_ptr_next = wr_ptr_reg;
    rd_ptr_next = rd_ptr_reg;
    out_valid_next = out_valid_reg;

    if (write) begin
        wr_ptr_next = wr_ptr_reg + 1'b1;
    end

    if (read) begin
        rd_ptr_next = rd_ptr_reg + 1'b1;
        out_valid_next = 1'b1;
    end else if (m_axis_tready) begin
        out_valid_next = 1'b0;
    end
end

// RAM and output data (no reset)
always @(posedge clk) begin
    if (write) begin
        mem[wr_ptr_reg[ADDR_WIDTH-1:0]] <= s_axis_tdata;
    end
    if (read) begin
        out_data_reg <= mem[rd_ptr_reg[ADDR_WIDTH-1:0]];
    end
end

always @(posedge clk) begin
    wr_ptr_reg <= wr_ptr_next;
    rd_ptr_reg <= rd_ptr_next;
    out_valid_reg <= out_valid_next;

    if (rst) begin
        wr_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        rd_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        out_valid_reg <= 1'b0;
    end
end

endmodule

`resetall
