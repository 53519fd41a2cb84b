/*
 * Functions the TOE blocks share. Included inside a module body (Verilog 2001 functions are
 * module items), so each block gets its own copy of one definition.
 */

// ones' complement fold of a 32-bit sum to 16 bits (RFC 1071)
function [15:0] fold32;
    input [31:0] value;
    reg [16:0] part;
    begin
        part = {1'b0, value[15:0]} + {1'b0, value[31:16]};
        fold32 = part[15:0] + {15'd0, part[16]};
    end
endfunction
