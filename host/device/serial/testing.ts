/** Test helpers of the serial link. */
import { LinkType } from '../../../protocol/generated/contract.js';
import { LinkFrameDecoder, LinkFrameEncoder, type LinkMessage } from './link-frame.js';
import { type ByteLine, LINK_FLAG_RESPONSE } from './link-transport.js';

/** A deterministic uint32 source (xorshift32): a seed means the same line noise on every run. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

/**
 * The bridge's side as the transport needs it: answers MMIO_READ with a value derived from the
 * address, once per sequence number (a repeated number gets the same response again, it is not
 * acted on twice).
 */
export function farSide(line: Pick<ByteLine, 'onData'> & { emit(b: Uint8Array): void }): { acted: Map<number, number> } {
  const enc = new LinkFrameEncoder();
  const acted = new Map<number, number>();
  const answers = new Map<number, Uint8Array>();
  const dec = new LinkFrameDecoder((m: LinkMessage) => {
    if ((m.header.flags & LINK_FLAG_RESPONSE) !== 0) return;
    const seq = m.header.seq;
    let answer = answers.get(seq);
    if (!answer) {
      acted.set(seq, (acted.get(seq) ?? 0) + 1);
      const addr = new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0, true);
      const reply = new Uint8Array(12);
      new DataView(reply.buffer).setUint32(0, addr, true);
      new DataView(reply.buffer).setUint32(4, farValue(addr), true);
      answer = enc.encode({ type: LinkType.MMIO_READ_REPLY, flags: LINK_FLAG_RESPONSE, seq, time: m.header.time }, reply);
      answers.set(seq, answer);
    }
    line.emit(answer);
  });
  line.onData((b) => dec.push(b));
  return { acted };
}

/** the value farSide reads at `addr` */
export function farValue(addr: number): number {
  return Math.imul(addr, 2654435761) >>> 0;
}

/** the payload of an MMIO_READ of `addr` */
export function mmioRead(addr: number): Uint8Array {
  const p = new Uint8Array(12);
  new DataView(p.buffer).setUint32(0, addr, true);
  return p;
}
