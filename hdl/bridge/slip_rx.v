// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * SLIP decoder (RFC 1055): AXI stream line bytes → AXI stream packets
 *
 * The framing layer of the serial bridge, matching the host's LinkFrameEncoder
 * (host/device/serial/link-frame.ts), which sends END before and after each packet. END
 * delimits packets; ESC ESC_END stands for END and ESC ESC_ESC for ESC. An END with no bytes
 * since the last one (the opening END, a run of ENDs) gives nothing. After reset, bytes before
 * the first END (the tail of a packet whose start was missed) are dropped.
 *
 * A packet's end is known only at the END after it, so one decoded byte is held back: it is
 * released when the next decoded byte or the END arrives, the latter with m_axis_tlast. A bad
 * packet ends early with tlast and m_axis_tuser = 1, and the line bytes up to the next END are
 * dropped:
 *  - an ESC followed by anything but ESC_END or ESC_ESC: the held byte carries the flag (if the
 *    ESC was the packet's first byte, the bad byte itself does); ESC END also ends the packet,
 *    so nothing after it is dropped;
 *  - a byte beyond MAX_PACKET: the packet's MAX_PACKET-th byte carries the flag.
 *
 * The output is one register, and each line byte moves at most one byte into it, so
 * s_axis_tready is high exactly when that register can take a byte (combinational in
 * m_axis_tready): backpressure stalls the line side, nothing is dropped.
 */
module slip_rx #
(
    // longest good packet, bytes (at least 1)
    parameter MAX_PACKET = 2048
)
(
    input  wire       clk,
    input  wire       rst,

    /*
     * AXI stream input (line bytes)
     */
    input  wire [7:0] s_axis_tdata,
    input  wire       s_axis_tvalid,
    output wire       s_axis_tready,

    /*
     * AXI stream output (packet bytes; tlast = last byte, tuser on it = bad packet)
     */
    output wire [7:0] m_axis_tdata,
    output wire       m_axis_tvalid,
    input  wire       m_axis_tready,
    output wire       m_axis_tlast,
    output wire       m_axis_tuser
);

localparam [7:0]
    SLIP_END = 8'hc0,
    SLIP_ESC = 8'hdb,
    SLIP_ESC_END = 8'hdc,
    SLIP_ESC_ESC = 8'hdd;

// a counter of the bytes of a packet, 0..MAX_PACKET
localparam CNT_WIDTH = (MAX_PACKET > 0) ? $clog2(MAX_PACKET + 1) : 1;
localparam [CNT_WIDTH-1:0] CNT_MAX = MAX_PACKET[CNT_WIDTH-1:0];

// parameter assertions
initial begin
    if (MAX_PACKET < 1) begin
        $error("Error: MAX_PACKET must be at least 1 (instance %m)");
        $finish;
    end
end

localparam [1:0]
    STATE_HUNT = 2'd0,  // after reset, a bad escape or an overlong packet: until an END
    STATE_DATA = 2'd1,  // between ENDs
    STATE_ESC = 2'd2;   // after an ESC

reg [1:0] state_reg = STATE_HUNT, state_next;

// decoded bytes of the current packet taken so far (held or released)
reg [CNT_WIDTH-1:0] count_reg = {CNT_WIDTH{1'b0}}, count_next;
// the held-back byte
reg [7:0] held_data_reg = 8'd0, held_data_next;
reg held_valid_reg = 1'b0, held_valid_next;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;
reg m_axis_tlast_reg = 1'b0, m_axis_tlast_next;
reg m_axis_tuser_reg = 1'b0, m_axis_tuser_next;

// the output register can take a byte this cycle
wire load = !m_axis_tvalid_reg || m_axis_tready;
wire take = s_axis_tvalid && load;

assign s_axis_tready = load;
assign m_axis_tdata = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;
assign m_axis_tlast = m_axis_tlast_reg;
assign m_axis_tuser = m_axis_tuser_reg;

// a decoded byte, and whether this line byte yields one
reg [7:0] byte_data;
reg byte_valid;
// this line byte ends the packet in error (a bad escape)
reg bad_esc;

always @* begin
    state_next = state_reg;
    count_next = count_reg;
    held_data_next = held_data_reg;
    held_valid_next = held_valid_reg;
    m_axis_tdata_next = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;
    m_axis_tlast_next = m_axis_tlast_reg;
    m_axis_tuser_next = m_axis_tuser_reg;

    byte_data = s_axis_tdata;
    byte_valid = 1'b0;
    bad_esc = 1'b0;

    if (take) begin
        case (state_reg)
            STATE_HUNT: begin
                if (s_axis_tdata == SLIP_END) begin
                    state_next = STATE_DATA;
                end
            end
            STATE_DATA: begin
                if (s_axis_tdata == SLIP_END) begin
                    // the packet's end: release the held byte as its last (none: empty, skipped)
                    if (held_valid_reg) begin
                        m_axis_tdata_next = held_data_reg;
                        m_axis_tvalid_next = 1'b1;
                        m_axis_tlast_next = 1'b1;
                        m_axis_tuser_next = 1'b0;
                    end
                    held_valid_next = 1'b0;
                    count_next = {CNT_WIDTH{1'b0}};
                end else if (s_axis_tdata == SLIP_ESC) begin
                    state_next = STATE_ESC;
                end else begin
                    byte_valid = 1'b1;
                end
            end
            STATE_ESC: begin
                state_next = STATE_DATA;
                if (s_axis_tdata == SLIP_ESC_END) begin
                    byte_data = SLIP_END;
                    byte_valid = 1'b1;
                end else if (s_axis_tdata == SLIP_ESC_ESC) begin
                    byte_data = SLIP_ESC;
                    byte_valid = 1'b1;
                end else begin
                    bad_esc = 1'b1;
                end
            end
            default: begin
                state_next = STATE_HUNT;
            end
        endcase

        if (bad_esc || (byte_valid && count_reg == CNT_MAX)) begin
            // the packet ends here, flagged; an END after the ESC has ended it already
            m_axis_tdata_next = held_valid_reg ? held_data_reg : s_axis_tdata;
            m_axis_tvalid_next = 1'b1;
            m_axis_tlast_next = 1'b1;
            m_axis_tuser_next = 1'b1;
            held_valid_next = 1'b0;
            count_next = {CNT_WIDTH{1'b0}};
            state_next = (bad_esc && s_axis_tdata == SLIP_END) ? STATE_DATA : STATE_HUNT;
        end else if (byte_valid) begin
            // the held byte was not the last: out with it, hold this one
            if (held_valid_reg) begin
                m_axis_tdata_next = held_data_reg;
                m_axis_tvalid_next = 1'b1;
                m_axis_tlast_next = 1'b0;
                m_axis_tuser_next = 1'b0;
            end
            held_data_next = byte_data;
            held_valid_next = 1'b1;
            count_next = count_reg + 1'b1;
        end
    end
end

always @(posedge clk) begin
    state_reg <= state_next;
    count_reg <= count_next;
    held_data_reg <= held_data_next;
    held_valid_reg <= held_valid_next;
    m_axis_tdata_reg <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;
    m_axis_tlast_reg <= m_axis_tlast_next;
    m_axis_tuser_reg <= m_axis_tuser_next;

    if (rst) begin
        state_reg <= STATE_HUNT;
        count_reg <= {CNT_WIDTH{1'b0}};
        held_valid_reg <= 1'b0;
        m_axis_tvalid_reg <= 1'b0;
        m_axis_tlast_reg <= 1'b0;
        m_axis_tuser_reg <= 1'b0;
    end
end

endmodule

`resetall
