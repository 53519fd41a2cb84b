/**
 * IPv4 header (RFC 791): pure parse/serialize pair. The parser checks version, header length,
 * total length against the bytes present (Ethernet padding is cut off) and the header checksum.
 */
import { DropReason, type ParseResult, checksumAdd, checksumFinish, fail, ok, readU16, readU32, writeU16, writeU32 } from './codec.js';

export const IP_PROTO_ICMP = 1;
export const IP_PROTO_TCP = 6;
export const IPV4_HEADER = 20;
export const DEFAULT_TTL = 64;

export interface Ipv4Header {
  /** header length in bytes (20 to 60) */
  headerLength: number;
  tos: number;
  totalLength: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** fragment offset in bytes */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
}

export function parseIpv4(b: Uint8Array): ParseResult<{ header: Ipv4Header; payload: Uint8Array }> {
  if (b.length < IPV4_HEADER) return fail(DropReason.TRUNCATED);
  const version = b[0]! >>> 4;
  const headerLength = (b[0]! & 15) * 4;
  if (version !== 4 || headerLength < IPV4_HEADER) return fail(DropReason.BAD_HEADER);
  if (b.length < headerLength) return fail(DropReason.TRUNCATED);
  const totalLength = readU16(b, 2);
  if (totalLength < headerLength) return fail(DropReason.BAD_HEADER);
  if (totalLength > b.length) return fail(DropReason.TRUNCATED);
  if (checksumFinish(checksumAdd(b, 0, headerLength)) !== 0) return fail(DropReason.BAD_CHECKSUM);
  const flags = readU16(b, 6);
  if ((flags & 0x8000) !== 0) return fail(DropReason.BAD_HEADER); // reserved bit must be zero
  return ok({
    header: {
      headerLength,
      tos: b[1]!,
      totalLength,
      id: readU16(b, 4),
      dontFragment: (flags & 0x4000) !== 0,
      moreFragments: (flags & 0x2000) !== 0,
      fragmentOffset: (flags & 0x1fff) * 8,
      ttl: b[8]!,
      protocol: b[9]!,
      src: readU32(b, 12),
      dst: readU32(b, 16),
    },
    payload: b.subarray(headerLength, totalLength),
  });
}

/** Builds header + payload with a correct checksum. Options are not emitted (headerLength 20). */
export function serializeIpv4(h: Omit<Ipv4Header, 'headerLength' | 'totalLength'>, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(IPV4_HEADER + payload.length);
  b[0] = 0x45;
  b[1] = h.tos;
  writeU16(b, 2, b.length);
  writeU16(b, 4, h.id);
  writeU16(b, 6, (h.dontFragment ? 0x4000 : 0) | (h.moreFragments ? 0x2000 : 0) | ((h.fragmentOffset / 8) & 0x1fff));
  b[8] = h.ttl;
  b[9] = h.protocol;
  writeU32(b, 12, h.src);
  writeU32(b, 16, h.dst);
  writeU16(b, 10, checksumFinish(checksumAdd(b, 0, IPV4_HEADER)));
  b.set(payload, IPV4_HEADER);
  return b;
}

/** The pseudo-header sum for TCP/UDP checksums (RFC 9293 §3.1). */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  let s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
