// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Interrupt moderation for one vector: a pending-event counter and two timers.
 * Fires (one-cycle m_irq pulse) when armed, unmasked, at least one event is pending and
 * either pending >= max(mod_count, 1), or (mod_time != 0 and the oldest pending event is
 * mod_time cycles old), or (mod_idle != 0 and no event has come for mod_idle cycles). Firing
 * clears pending and disarms; arm re-arms. Events keep accumulating while disarmed or masked.
 *
 * The idle timer is the 8254x's packet timer beside its absolute one: while events keep
 * coming, the count and mod_time batch them; once they stop, the host hears of the last ones
 * mod_idle cycles later instead of waiting out mod_time (a lone completion: a handshake, a
 * terminate, the end of a transfer).
 */
module irq_moderation #
(
    // width of the per-cycle event count input
    parameter EVENT_WIDTH = 3,
    // width of the pending counter (saturates)
    parameter COUNT_WIDTH = 32,
    // width of the timer (saturates)
    parameter TIME_WIDTH = 32
)
(
    input  wire                   clk,
    input  wire                   rst,

    /*
     * Events
     */
    input  wire [EVENT_WIDTH-1:0] s_event_count,

    /*
     * Control
     */
    input  wire                   arm,
    input  wire                   mask,
    input  wire [COUNT_WIDTH-1:0] mod_count,
    input  wire [TIME_WIDTH-1:0]  mod_time,
    input  wire [TIME_WIDTH-1:0]  mod_idle,

    /*
     * Interrupt output
     */
    output wire                   m_irq,

    /*
     * Status
     */
    output wire [COUNT_WIDTH-1:0] status_pending,
    output wire                   status_armed
);

// bus width assertions
initial begin
    if (EVENT_WIDTH < 1 || EVENT_WIDTH >= COUNT_WIDTH) begin
        $error("Error: EVENT_WIDTH must be 1..COUNT_WIDTH-1 (instance %m)");
        $finish;
    end
end

reg [COUNT_WIDTH-1:0] pending_reg = {COUNT_WIDTH{1'b0}}, pending_next;
reg [TIME_WIDTH-1:0] timer_reg = {TIME_WIDTH{1'b0}}, timer_next;
reg [TIME_WIDTH-1:0] idle_reg = {TIME_WIDTH{1'b0}}, idle_next;
reg armed_reg = 1'b1, armed_next;
reg irq_reg = 1'b0, irq_next;

reg [COUNT_WIDTH:0] sum;

wire [COUNT_WIDTH-1:0] threshold = (mod_count == 0) ? {{COUNT_WIDTH-1{1'b0}}, 1'b1} : mod_count;
wire due = pending_reg >= threshold || (mod_time != 0 && timer_reg >= mod_time)
    || (mod_idle != 0 && idle_reg >= mod_idle);
wire fire = armed_reg && !mask && pending_reg != 0 && due;

assign m_irq = irq_reg;
assign status_pending = pending_reg;
assign status_armed = armed_reg;

always @* begin
    pending_next = pending_reg;
    timer_next = timer_reg;
    idle_next = idle_reg;
    armed_next = armed_reg;
    irq_next = fire;

    // the timer measures the age of the oldest pending event
    if (pending_reg != 0 && timer_reg != {TIME_WIDTH{1'b1}}) begin
        timer_next = timer_reg + 1'b1;
    end
    // the idle timer measures the time since the newest pending event
    if (pending_reg != 0 && idle_reg != {TIME_WIDTH{1'b1}}) begin
        idle_next = idle_reg + 1'b1;
    end

    if (fire) begin
        pending_next = {COUNT_WIDTH{1'b0}};
        timer_next = {TIME_WIDTH{1'b0}};
        idle_next = {TIME_WIDTH{1'b0}};
        armed_next = 1'b0;
    end
    if (s_event_count != 0) begin
        idle_next = {TIME_WIDTH{1'b0}};
    end

    sum = {1'b0, pending_next} + {{COUNT_WIDTH+1-EVENT_WIDTH{1'b0}}, s_event_count};
    pending_next = sum[COUNT_WIDTH] ? {COUNT_WIDTH{1'b1}} : sum[COUNT_WIDTH-1:0];

    if (arm) begin
        armed_next = 1'b1;
    end
end

always @(posedge clk) begin
    pending_reg <= pending_next;
    timer_reg <= timer_next;
    idle_reg <= idle_next;
    armed_reg <= armed_next;
    irq_reg <= irq_next;

    if (rst) begin
        pending_reg <= {COUNT_WIDTH{1'b0}};
        timer_reg <= {TIME_WIDTH{1'b0}};
        idle_reg <= {TIME_WIDTH{1'b0}};
        armed_reg <= 1'b1;
        irq_reg <= 1'b0;
    end
end

endmodule

`resetall
