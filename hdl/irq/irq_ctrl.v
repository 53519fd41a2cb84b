// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Interrupt controller: one irq_moderation per vector
 */
module irq_ctrl #
(
    // number of interrupt vectors
    parameter IRQ_VECTORS = 4,
    // width of each vector's per-cycle event count
    parameter EVENT_WIDTH = 3
)
(
    input  wire                           clk,
    input  wire                           rst,

    /*
     * Events, EVENT_WIDTH bits per vector
     */
    input  wire [IRQ_VECTORS*EVENT_WIDTH-1:0] s_event_count,

    /*
     * Control (from registers)
     */
    input  wire [IRQ_VECTORS-1:0]         arm,
    input  wire [IRQ_VECTORS-1:0]         mask,
    input  wire [IRQ_VECTORS*32-1:0]      mod_count,
    input  wire [IRQ_VECTORS*32-1:0]      mod_time,
    input  wire [IRQ_VECTORS*32-1:0]      mod_idle,

    /*
     * Interrupt outputs: one-cycle pulse per firing
     */
    output wire [IRQ_VECTORS-1:0]         m_irq
);

// bus width assertions
initial begin
    if (IRQ_VECTORS < 1 || IRQ_VECTORS > 32) begin
        $error("Error: IRQ_VECTORS must be 1..32 (instance %m)");
        $finish;
    end
end

genvar n;
generate
    for (n = 0; n < IRQ_VECTORS; n = n + 1) begin : vec
        // pending count and armed state are visible in simulation only
        /* verilator lint_off UNUSED */
        wire [31:0] pending;
        wire armed;
        /* verilator lint_on UNUSED */

        irq_moderation #(
            .EVENT_WIDTH(EVENT_WIDTH),
            .COUNT_WIDTH(32),
            .TIME_WIDTH(32)
        )
        irq_moderation_inst (
            .clk(clk),
            .rst(rst),
            .s_event_count(s_event_count[n*EVENT_WIDTH +: EVENT_WIDTH]),
            .arm(arm[n]),
            .mask(mask[n]),
            .mod_count(mod_count[n*32 +: 32]),
            .mod_time(mod_time[n*32 +: 32]),
            .mod_idle(mod_idle[n*32 +: 32]),
            .m_irq(m_irq[n]),
            .status_pending(pending),
            .status_armed(armed)
        );
    end
endgenerate

endmodule

`resetall
