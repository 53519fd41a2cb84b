/*
 * flue_cocotb_dump: an FST waveform of the whole bridge run, to the path in +flue_fst=PATH
 * (flue-cocotb-sim --fst PATH). Testbench only; compiled into nic_top_fst.vvp, not nic_top.vvp,
 * because dumping slows Icarus down even while nothing is written.
 */
`timescale 1ns / 1ps

module flue_cocotb_dump ();

reg [8*1024-1:0] path;

initial begin
    if ($value$plusargs("flue_fst=%s", path)) begin
        $dumpfile(path);
        $dumpvars(0, flue_cocotb_top);
    end
end

endmodule
