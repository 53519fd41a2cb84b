/**
 * Ethernet II (no FCS) and ARP for IPv4 over Ethernet (RFC 826): pure parse/serialize pairs.
 */
import { DropReason, type ParseResult, fail, ok, readU16, readU32, writeU16, writeU32 } from './codec.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETH_HEADER = 14;
/** shortest Ethernet frame without FCS; shorter frames are padded on send */
export const ETH_MIN_FRAME = 60;
export const BROADCAST_MAC: Readonly<Uint8Array> = new Uint8Array([255, 255, 255, 255, 255, 255]);

export interface EthernetHeader {
  dst: Uint8Array;
  src: Uint8Array;
  etherType: number;
}

export function parseEthernet(frame: Uint8Array): ParseResult<{ header: EthernetHeader; payload: Uint8Array }> {
  if (frame.length < ETH_HEADER) return fail(DropReason.TRUNCATED);
  return ok({
    header: { dst: frame.slice(0, 6), src: frame.slice(6, 12), etherType: readU16(frame, 12) },
    payload: frame.subarray(ETH_HEADER),
  });
}

/** Builds a frame, padded with zeros to ETH_MIN_FRAME. */
export function serializeEthernet(header: EthernetHeader, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(Math.max(ETH_MIN_FRAME, ETH_HEADER + payload.length));
  frame.set(header.dst, 0);
  frame.set(header.src, 6);
  writeU16(frame, 12, header.etherType);
  frame.set(payload, ETH_HEADER);
  return frame;
}

export const ArpOp = Object.freeze({ REQUEST: 1, REPLY: 2 } as const);
export type ArpOp = (typeof ArpOp)[keyof typeof ArpOp];

export interface ArpPacket {
  op: ArpOp;
  senderMac: Uint8Array;
  senderIp: number;
  targetMac: Uint8Array;
  targetIp: number;
}

export const ARP_BYTES = 28;

export function parseArp(b: Uint8Array): ParseResult<ArpPacket> {
  if (b.length < ARP_BYTES) return fail(DropReason.TRUNCATED);
  if (readU16(b, 0) !== 1 || readU16(b, 2) !== ETHERTYPE_IPV4 || b[4] !== 6 || b[5] !== 4) return fail(DropReason.BAD_HEADER);
  const op = readU16(b, 6);
  if (op !== ArpOp.REQUEST && op !== ArpOp.REPLY) return fail(DropReason.BAD_HEADER);
  return ok({ op, senderMac: b.slice(8, 14), senderIp: readU32(b, 14), targetMac: b.slice(18, 24), targetIp: readU32(b, 24) });
}

export function serializeArp(p: ArpPacket): Uint8Array {
  const b = new Uint8Array(ARP_BYTES);
  writeU16(b, 0, 1);
  writeU16(b, 2, ETHERTYPE_IPV4);
  b[4] = 6;
  b[5] = 4;
  writeU16(b, 6, p.op);
  b.set(p.senderMac, 8);
  writeU32(b, 14, p.senderIp);
  b.set(p.targetMac, 18);
  writeU32(b, 24, p.targetIp);
  return b;
}
