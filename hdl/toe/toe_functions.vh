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

// the 16-bit word sum of an IPv4 header (IHL 5, DF, protocol TCP) with its checksum field 0
function [31:0] ipv4_header_sum;
    input [7:0] tos;
    input [15:0] ip_len;
    input [15:0] ip_id;
    input [7:0] ttl;
    input [31:0] src_ip;
    input [31:0] dst_ip;
    begin
        ipv4_header_sum = {16'd0, 8'h45, tos} + {16'd0, ip_len} + {16'd0, ip_id} + 32'h0000_4000
            + {16'd0, ttl, 8'd6} + {16'd0, src_ip[31:16]} + {16'd0, src_ip[15:0]}
            + {16'd0, dst_ip[31:16]} + {16'd0, dst_ip[15:0]};
    end
endfunction

// an Ethernet header (EtherType IPv4) and that IPv4 header, byte k in bits 8k+7:8k
function [34*8-1:0] eth_ipv4_header;
    input [47:0] dst_mac;
    input [47:0] src_mac;
    input [7:0] tos;
    input [15:0] ip_len;
    input [15:0] ip_id;
    input [7:0] ttl;
    input [15:0] ip_csum;
    input [31:0] src_ip;
    input [31:0] dst_ip;
    integer hdr_k;
    begin
        eth_ipv4_header = {34*8{1'b0}};
        for (hdr_k = 0; hdr_k < 6; hdr_k = hdr_k + 1) begin
            eth_ipv4_header[8*hdr_k +: 8] = dst_mac[8*(5-hdr_k) +: 8];
            eth_ipv4_header[8*(6+hdr_k) +: 8] = src_mac[8*(5-hdr_k) +: 8];
        end
        eth_ipv4_header[8*12 +: 8] = 8'h08;                 // EtherType IPv4
        eth_ipv4_header[8*13 +: 8] = 8'h00;
        eth_ipv4_header[8*14 +: 8] = 8'h45;
        eth_ipv4_header[8*15 +: 8] = tos;
        eth_ipv4_header[8*16 +: 8] = ip_len[15:8];
        eth_ipv4_header[8*17 +: 8] = ip_len[7:0];
        eth_ipv4_header[8*18 +: 8] = ip_id[15:8];
        eth_ipv4_header[8*19 +: 8] = ip_id[7:0];
        eth_ipv4_header[8*20 +: 8] = 8'h40;                 // DF, fragment offset 0
        eth_ipv4_header[8*21 +: 8] = 8'h00;
        eth_ipv4_header[8*22 +: 8] = ttl;
        eth_ipv4_header[8*23 +: 8] = 8'd6;
        eth_ipv4_header[8*24 +: 8] = ip_csum[15:8];
        eth_ipv4_header[8*25 +: 8] = ip_csum[7:0];
        for (hdr_k = 0; hdr_k < 4; hdr_k = hdr_k + 1) begin
            eth_ipv4_header[8*(26+hdr_k) +: 8] = src_ip[8*(3-hdr_k) +: 8];
            eth_ipv4_header[8*(30+hdr_k) +: 8] = dst_ip[8*(3-hdr_k) +: 8];
        end
    end
endfunction
