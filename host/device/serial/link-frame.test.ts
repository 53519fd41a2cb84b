import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LINK_HEADER_BYTES, LinkType } from '../../../protocol/generated/contract.js';
import { xorshift32 as rng } from './testing.js';
import { LINK_CRC_BYTES, LinkFrameDecoder, LinkFrameEncoder, type LinkMessage, decodeLinkPacket, encodeLinkPacket } from './link-frame.js';

function bytes(next: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => next() & 0xff);
}

function collect(): { dec: LinkFrameDecoder; got: LinkMessage[]; errors: string[] } {
  const got: LinkMessage[] = [];
  const errors: string[] = [];
  const dec = new LinkFrameDecoder((m) => got.push(m), (e) => errors.push(e));
  return { dec, got, errors };
}

describe('link messages on a serial line (SLIP packets with a CRC-32)', () => {
  it('every link message type goes through intact, with payloads full of SLIP\'s own END and ESC bytes, however the line splits the bytes', () => {
    const next = rng(1);
    const enc = new LinkFrameEncoder();
    const sent = Object.values(LinkType).map((type, i) => ({
      header: { type, flags: i & 1, seq: (i * 7919) & 0xffff, time: BigInt(i) * 1_000_000_007n },
      // 0xc0 END and 0xdb ESC, each alone and in pairs, among random bytes
      payload: Uint8Array.from([0xc0, 0xdb, 0xdb, 0xc0, ...bytes(next, i * 37), 0xc0, 0xc0, 0xdb]),
    }));
    const line = Buffer.concat(sent.map((m) => enc.encode(m.header, m.payload)));
    const { dec, got, errors } = collect();
    for (let off = 0; off < line.length;) {
      const n = 1 + (next() % 17);
      dec.push(line.subarray(off, off + n));
      off += n;
    }
    expect(errors).toEqual([]);
    expect(got.map((m) => ({ ...m, payload: Array.from(m.payload) }))).toEqual(
      sent.map((m) => ({ header: { ...m.header, length: m.payload.length }, payload: Array.from(m.payload) })));
    expect(dec.counters).toMatchObject({ messages: sent.length, crc: 0, short: 0, length: 0 });
  });

  it('a flipped bit anywhere in a packet drops that packet (CRC) and only that one; garbage on the line between packets is dropped, and the next packet decodes', () => {
    const enc = new LinkFrameEncoder();
    const next = rng(2);
    const a = enc.encode({ type: LinkType.MMIO_READ, flags: 0, seq: 1, time: 10n }, bytes(next, 12));
    const b = enc.encode({ type: LinkType.DMA_WRITE, flags: 0, seq: 2, time: 11n }, bytes(next, 300));
    const c = enc.encode({ type: LinkType.IRQ, flags: 0, seq: 3, time: 12n }, bytes(next, 4));
    for (let bit = 0; bit < (b.length - 2) * 8; bit += 13) {
      const bad = Uint8Array.from(b);
      // a flip that makes an END or ESC would split or re-escape the packet: still one packet lost at most
      bad[1 + (bit >> 3)]! ^= 1 << (bit & 7);
      const { dec, got, errors } = collect();
      dec.push(Buffer.concat([a, bad, c]));
      expect(got.map((m) => m.header.seq)).toEqual([1, 3]);
      expect(errors.length).toBeGreaterThanOrEqual(1);
    }
    const { dec, got } = collect();
    dec.push(Buffer.concat([bytes(next, 200), a, Uint8Array.of(0xdb, 0x55, 0xc0, 0xc0, 0xc0), bytes(next, 50), b, c]));
    expect(got.map((m) => m.header.seq)).toEqual([1, 2, 3]);
    expect(dec.counters.messages).toBe(3);
  });

  it('a dropped byte loses its packet and no other; a dropped END loses nothing (each packet is opened and closed by one); both ENDs between two packets dropped lose those two', () => {
    const enc = new LinkFrameEncoder();
    const next = rng(3);
    const msgs = [1, 2, 3, 4].map((seq) => enc.encode({ type: LinkType.DMA_READ_REPLY, flags: 1, seq, time: BigInt(seq) }, bytes(next, 64)));
    // a payload byte of packet 2 dropped
    const dropPayload = Uint8Array.from([...msgs[1]!.subarray(0, 30), ...msgs[1]!.subarray(31)]);
    let r = collect();
    r.dec.push(Buffer.concat([msgs[0]!, dropPayload, msgs[2]!, msgs[3]!]));
    expect(r.got.map((m) => m.header.seq)).toEqual([1, 3, 4]);
    expect(r.dec.counters.crc).toBe(1);
    // an END dropped (the one closing packet 2, or the one opening packet 3) loses nothing: each
    // packet has an END on both sides, and one is enough
    for (const line of [
      [msgs[0]!, msgs[1]!.subarray(0, msgs[1]!.length - 1), msgs[2]!, msgs[3]!],
      [msgs[0]!, msgs[1]!, msgs[2]!.subarray(1), msgs[3]!],
    ]) {
      r = collect();
      r.dec.push(Buffer.concat(line));
      expect(r.got.map((m) => m.header.seq)).toEqual([1, 2, 3, 4]);
    }
    // both dropped: packets 2 and 3 run into one, which fails its CRC; packet 4 decodes
    r = collect();
    r.dec.push(Buffer.concat([msgs[0]!, msgs[1]!.subarray(0, msgs[1]!.length - 1), msgs[2]!.subarray(1), msgs[3]!]));
    expect(r.got.map((m) => m.header.seq)).toEqual([1, 4]);
    expect(r.dec.counters.crc).toBe(1);
  });

  it('a packet shorter than a header and a CRC, or whose header miscounts its payload, is dropped with its reason; nothing throws on any input', () => {
    expect(decodeLinkPacket(new Uint8Array(LINK_HEADER_BYTES + LINK_CRC_BYTES - 1))).toMatchObject({ ok: false, error: 'short' });
    const good = encodeLinkPacket({ type: LinkType.HELLO, flags: 0, seq: 9, time: 0n }, Uint8Array.of(1, 2, 3));
    expect(decodeLinkPacket(good)).toMatchObject({ ok: true, message: { header: { seq: 9, length: 3 } } });
    // a header claiming 4 payload bytes over 3, with a CRC that matches those bytes
    const liar = Uint8Array.from(good);
    new DataView(liar.buffer).setUint32(4, 4, true);
    const fixed = encodeLinkPacket({ type: LinkType.HELLO, flags: 0, seq: 9, time: 0n }, Uint8Array.of(1, 2, 3));
    fixed.set(liar.subarray(0, LINK_HEADER_BYTES));
    const body = fixed.subarray(0, fixed.length - LINK_CRC_BYTES);
    new DataView(fixed.buffer).setUint32(body.length, crc32(body), true);
    expect(decodeLinkPacket(fixed)).toMatchObject({ ok: false, error: 'length' });
    // random bytes: no exception, nothing that is not a whole good packet comes out
    const next = rng(4);
    const { dec, got } = collect();
    for (let i = 0; i < 200; i++) dec.push(bytes(next, 1 + (next() % 300)));
    expect(got).toEqual([]);
  });
});
