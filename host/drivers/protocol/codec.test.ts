import { describe, expect, it } from 'vitest';
import { DropReason, ipToString, parseIp } from './codec.js';
import { ArpOp, ETHERTYPE_ARP, parseArp, parseEthernet, serializeArp, serializeEthernet } from './ethernet.js';
import { IP_PROTO_TCP, parseIpv4, serializeIpv4 } from './ipv4.js';
import { TcpFlag, type TcpSegment, parseTcp, segmentLength, serializeTcp } from './tcp-segment.js';

const SRC = parseIp('192.0.2.1')!;
const DST = parseIp('192.0.2.2')!;

describe('codecs round-trip', () => {
  it('Ethernet: serialize pads to 60 bytes and parse returns the header', () => {
    const f = serializeEthernet({ dst: new Uint8Array([1, 2, 3, 4, 5, 6]), src: new Uint8Array([7, 8, 9, 10, 11, 12]), etherType: ETHERTYPE_ARP }, new Uint8Array([0xaa]));
    expect(f.length).toBe(60);
    const r = parseEthernet(f);
    expect(r.ok && r.value.header.etherType).toBe(ETHERTYPE_ARP);
    expect(r.ok && [...r.value.header.src]).toEqual([7, 8, 9, 10, 11, 12]);
  });

  it('ARP: parse(serialize(p)) equals p; wrong hardware type is a bad header', () => {
    const p = { op: ArpOp.REPLY, senderMac: new Uint8Array([2, 0, 0, 0, 0, 1]), senderIp: SRC, targetMac: new Uint8Array([2, 0, 0, 0, 0, 2]), targetIp: DST };
    const b = serializeArp(p);
    expect(parseArp(b)).toEqual({ ok: true, value: p });
    b[1] = 6;
    expect(parseArp(b)).toEqual({ ok: false, reason: DropReason.BAD_HEADER });
  });

  it('IPv4: parse(serialize(h)) keeps every field and cuts Ethernet padding', () => {
    const h = { tos: 0, id: 0x1234, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IP_PROTO_TCP, src: SRC, dst: DST };
    const b = serializeIpv4(h, new Uint8Array([1, 2, 3]));
    const padded = new Uint8Array(b.length + 10);
    padded.set(b);
    const r = parseIpv4(padded);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header).toEqual({ ...h, headerLength: 20, totalLength: 23 });
    expect([...r.value.payload]).toEqual([1, 2, 3]);
    expect(parseIpv4(b.subarray(0, 19))).toEqual({ ok: false, reason: DropReason.TRUNCATED });
  });

  it('TCP: parse(serialize(s)) keeps flags, numbers, options and payload', () => {
    const s: TcpSegment = {
      srcPort: 49152, dstPort: 80, seq: 0xfffffff0, ack: 7, flags: TcpFlag.SYN | TcpFlag.ACK, window: 65535, urgent: 0,
      options: { mss: 1460, windowScale: 7, sackPermitted: true }, payload: new Uint8Array([9, 8, 7]),
    };
    const r = parseTcp(serializeTcp(s, SRC, DST), SRC, DST);
    expect(r).toEqual({ ok: true, value: s });
    expect(segmentLength(s)).toBe(4);
  });

  it('TCP: a checksum computed for other addresses fails; a window scale above 14 is clamped', () => {
    const s: TcpSegment = { srcPort: 1, dstPort: 2, seq: 1, ack: 0, flags: TcpFlag.SYN, window: 1, urgent: 0, options: { windowScale: 20 }, payload: new Uint8Array(0) };
    const b = serializeTcp(s, SRC, DST);
    expect(parseTcp(b, SRC, SRC)).toEqual({ ok: false, reason: DropReason.BAD_CHECKSUM });
    const r = parseTcp(b, SRC, DST);
    expect(r.ok && r.value.options.windowScale).toBe(14);
  });

  it('addresses: parseIp and ipToString are inverse; malformed text is rejected', () => {
    expect(ipToString(parseIp('203.0.113.254')!)).toBe('203.0.113.254');
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('1.2.3.256')).toBeUndefined();
  });
});
