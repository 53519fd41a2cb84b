// crc32_byte: one byte into a reflected CRC-32 (IEEE 802.3 / zlib: polynomial 0xEDB88320), no
// final inversion. Included inside the modules that checksum byte streams (the serial link's
// CRC check and append, the MII MAC's FCS), so the polynomial is written once.
function [31:0] crc32_byte;
    input [31:0] crc;
    input [7:0] data;
    integer i;
    reg [31:0] c;
    begin
        c = crc ^ {24'd0, data};
        for (i = 0; i < 8; i = i + 1) begin
            c = c[0] ? ((c >> 1) ^ 32'hedb88320) : (c >> 1);
        end
        crc32_byte = c;
    end
endfunction
