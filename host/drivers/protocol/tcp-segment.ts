/**
 * TCP segment codec (RFC 9293 §3.1, options from RFC 9293 and RFC 7323): pure
 * parse/serialize pair. The parser verifies the checksum over the pseudo-header and rejects
 * malformed options (zero or overlong lengths, wrong MSS/window-scale lengths).
 */
import { DropReason, type ParseResult, checksumAdd, checksumFinish, fail, ok, readU16, readU32, writeU16, writeU32 } from './codec.js';
import { IP_PROTO_TCP, pseudoHeaderSum } from './ipv4.js';

export const TcpFlag = Object.freeze({ FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const);
export const TCP_HEADER = 20;
/** RFC 7323: the largest window shift */
export const MAX_WINDOW_SCALE = 14;

export interface TcpOptions {
  /** maximum segment size (kind 2) */
  mss?: number;
  /** window scale shift (kind 3), clamped to 14 on parse */
  windowScale?: number;
  /** SACK permitted was offered (kind 4); recorded, not used */
  sackPermitted?: boolean;
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** flag bits, see TcpFlag */
  flags: number;
  /** the raw 16-bit window field (unscaled) */
  window: number;
  urgent: number;
  options: TcpOptions;
  payload: Uint8Array;
}

export function hasFlag(s: TcpSegment, flag: number): boolean {
  return (s.flags & flag) !== 0;
}

/** Sequence space a segment occupies: data plus one for SYN and one for FIN. */
export function segmentLength(s: TcpSegment): number {
  return s.payload.length + (s.flags & TcpFlag.SYN ? 1 : 0) + (s.flags & TcpFlag.FIN ? 1 : 0);
}

function parseOptions(b: Uint8Array, start: number, end: number): ParseResult<TcpOptions> {
  const o: TcpOptions = {};
  let i = start;
  while (i < end) {
    const kind = b[i]!;
    if (kind === 0) break; // end of option list
    if (kind === 1) { i++; continue; } // no-operation
    if (i + 1 >= end) return fail(DropReason.BAD_OPTIONS);
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) return fail(DropReason.BAD_OPTIONS);
    switch (kind) {
      case 2:
        if (len !== 4) return fail(DropReason.BAD_OPTIONS);
        o.mss = readU16(b, i + 2);
        break;
      case 3:
        if (len !== 3) return fail(DropReason.BAD_OPTIONS);
        o.windowScale = Math.min(b[i + 2]!, MAX_WINDOW_SCALE);
        break;
      case 4:
        if (len !== 2) return fail(DropReason.BAD_OPTIONS);
        o.sackPermitted = true;
        break;
      default:
        break; // unknown options are skipped by their length (RFC 9293 MUST-6)
    }
    i += len;
  }
  return ok(o);
}

/** Parses a TCP segment carried in an IPv4 datagram from `src` to `dst`. */
export function parseTcp(b: Uint8Array, src: number, dst: number): ParseResult<TcpSegment> {
  if (b.length < TCP_HEADER) return fail(DropReason.TRUNCATED);
  const dataOffset = (b[12]! >>> 4) * 4;
  if (dataOffset < TCP_HEADER) return fail(DropReason.BAD_HEADER);
  if (dataOffset > b.length) return fail(DropReason.TRUNCATED);
  const sum = checksumAdd(b, 0, b.length, pseudoHeaderSum(src, dst, IP_PROTO_TCP, b.length));
  if (checksumFinish(sum) !== 0) return fail(DropReason.BAD_CHECKSUM);
  const options = parseOptions(b, TCP_HEADER, dataOffset);
  if (!options.ok) return options;
  return ok({
    srcPort: readU16(b, 0),
    dstPort: readU16(b, 2),
    seq: readU32(b, 4),
    ack: readU32(b, 8),
    flags: b[13]!,
    window: readU16(b, 14),
    urgent: readU16(b, 18),
    options: options.value,
    payload: b.subarray(dataOffset),
  });
}

function optionBytes(o: TcpOptions): number[] {
  const out: number[] = [];
  if (o.mss !== undefined) out.push(2, 4, (o.mss >>> 8) & 255, o.mss & 255);
  if (o.sackPermitted) out.push(1, 1, 4, 2);
  if (o.windowScale !== undefined) out.push(1, 3, 3, o.windowScale);
  while (out.length % 4 !== 0) out.push(0);
  return out;
}

/** Builds a segment with a correct checksum for the IPv4 pair (src, dst). */
export function serializeTcp(s: TcpSegment, src: number, dst: number): Uint8Array {
  const opts = optionBytes(s.options);
  const hdr = TCP_HEADER + opts.length;
  const b = new Uint8Array(hdr + s.payload.length);
  writeU16(b, 0, s.srcPort);
  writeU16(b, 2, s.dstPort);
  writeU32(b, 4, s.seq);
  writeU32(b, 8, s.ack);
  b[12] = (hdr / 4) << 4;
  b[13] = s.flags & 0xff;
  writeU16(b, 14, s.window);
  writeU16(b, 18, s.urgent);
  b.set(opts, TCP_HEADER);
  b.set(s.payload, hdr);
  writeU16(b, 16, checksumFinish(checksumAdd(b, 0, b.length, pseudoHeaderSum(src, dst, IP_PROTO_TCP, b.length))));
  return b;
}
