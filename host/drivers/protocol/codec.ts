/**
 * Shared codec vocabulary: the result of a parse, the reasons a frame is dropped, the
 * Internet checksum and address helpers. Parsers never throw on wire input.
 */

/** Why a received frame or segment was dropped; each reason has a counter in StackCounters. */
export const DropReason = Object.freeze({
  TRUNCATED: 'truncated',
  BAD_CHECKSUM: 'badChecksum',
  BAD_HEADER: 'badHeader',
  BAD_OPTIONS: 'badOptions',
  NOT_FOR_US: 'notForUs',
  UNKNOWN_PROTOCOL: 'unknownProtocol',
  FRAGMENT_DROPPED: 'fragmentDropped',
  OUT_OF_WINDOW: 'outOfWindow',
  BAD_ACK: 'badAck',
  NO_CONNECTION: 'noConnection',
  BACKLOG_FULL: 'backlogFull',
  ARP_UNRESOLVED: 'arpUnresolved',
  BAD_STATE: 'badState',
} as const);
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: DropReason };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T>(reason: DropReason): ParseResult<T> {
  return { ok: false, reason };
}

/** One's-complement sum (RFC 1071) of bytes[start, end), folded to 16 bits, not complemented. */
export { onesComplementSum as checksumAdd } from '../../wire/traffic.js';

/** The final checksum field value: the complement of the folded sum. */
export function checksumFinish(sum: number): number {
  return ~sum & 0xffff;
}

export function ipToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Parses dotted-quad IPv4 text into a 32-bit unsigned number; undefined if malformed. */
export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v >>> 0;
}

export function macEquals(a: Uint8Array, aOff: number, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[aOff + i] !== b[i]) return false;
  return true;
}

export function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 255;
  b[o + 1] = v & 255;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 255;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}
