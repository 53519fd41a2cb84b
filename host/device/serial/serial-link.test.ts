/**
 * SerialLink's own rules, against a scripted bridge on an in-memory line: what the host does
 * with the bridge's DMA and IRQ requests (mapped memory only, a repeat answered from the kept
 * answer without acting twice), how TIME_REACHED and IRQ make advance() return, and the errors
 * a bad HELLO or an error response give. The real bridge is tested in board.cosim.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  ID_MAGIC, LinkType, decodeLinkDma, decodeLinkMmio, encodeLinkDma, encodeLinkHello, encodeLinkIrq, encodeLinkMmio, type LinkDma,
} from '../../../protocol/generated/contract.js';
import { DeviceErrorCode } from '../errors.js';
import { LinkFrameDecoder, LinkFrameEncoder, type LinkMessage } from './link-frame.js';
import { type ByteLine, LINK_FLAG_RESPONSE } from './link-transport.js';
import { SerialLink } from './serial-link.js';

/** A scripted bridge: answers HELLO and MMIO, records what the host sends it, and can start requests. */
function scriptedBridge(options: { id?: number; mmioResp?: number } = {}) {
  const toHost: ((b: Uint8Array) => void)[] = [];
  const enc = new LinkFrameEncoder();
  const answers: LinkMessage[] = [];
  let time = 1000n;
  const send = (type: number, flags: number, seq: number, payload?: Uint8Array, at = time): void => {
    const bytes = enc.encode({ type, flags, seq, time: at }, payload);
    queueMicrotask(() => { for (const l of toHost) l(bytes); });
  };
  let onTimeAdvance: (m: LinkMessage) => void = (m) => send(LinkType.TIME_REACHED, LINK_FLAG_RESPONSE, m.header.seq, undefined, m.header.time);
  const dec = new LinkFrameDecoder((m) => {
    if (m.header.flags & LINK_FLAG_RESPONSE) { answers.push(m); return; }
    time += 100n;
    switch (m.header.type) {
      case LinkType.HELLO: {
        const p = new Uint8Array(16);
        encodeLinkHello(new DataView(p.buffer), { id: options.id ?? ID_MAGIC, version: 0x00010004, caps: 0x3, clockHz: 1_000_000 });
        send(LinkType.HELLO_REPLY, LINK_FLAG_RESPONSE, m.header.seq, p);
        break;
      }
      case LinkType.MMIO_READ: {
        const req = decodeLinkMmio(new DataView(m.payload.buffer, m.payload.byteOffset));
        const p = new Uint8Array(12);
        encodeLinkMmio(new DataView(p.buffer), { addr: req.addr, value: 0x1234, resp: options.mmioResp ?? 0 });
        send(LinkType.MMIO_READ_REPLY, LINK_FLAG_RESPONSE, m.header.seq, p);
        break;
      }
      case LinkType.TIME_ADVANCE:
        onTimeAdvance(m);
        break;
    }
  });
  const line: ByteLine = {
    write: (b) => dec.push(b),
    onData: (l) => { toHost.push(l); },
    onClose: () => {},
    close: () => {},
  };
  return {
    line,
    answers,
    /** the bridge starts a request */
    request(type: number, seq: number, payload: Uint8Array): void { send(type, 0, seq, payload); },
    set timeAdvance(f: (m: LinkMessage, reply: (at: bigint) => void) => void) {
      onTimeAdvance = (m) => f(m, (at) => send(LinkType.TIME_REACHED, LINK_FLAG_RESPONSE, m.header.seq, undefined, at));
    },
    irq(seq: number, vectors: number): void {
      const p = new Uint8Array(4);
      encodeLinkIrq(new DataView(p.buffer), { vectors });
      send(LinkType.IRQ, 0, seq, p);
    },
  };
}

function dma(d: LinkDma, data?: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + (data?.length ?? 0));
  encodeLinkDma(new DataView(p.buffer), d);
  if (data) p.set(data, 20);
  return p;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('SerialLink against a scripted bridge', () => {
  it('serves the bridge\'s DMA from mapped memory only (SLVERR and no byte outside), and answers a repeated request from the kept answer without writing again', async () => {
    const br = scriptedBridge();
    const link = await SerialLink.open(br.line, { memorySize: 1 << 16, timeoutMs: 100 });
    const buf = link.memory.alloc(256);
    buf.bytes.set(Array.from({ length: 256 }, (_, i) => i));
    link.mapDma(buf.addr, 256);

    br.request(LinkType.DMA_READ, 7, dma({ addr: BigInt(buf.addr + 10), length: 100, tag: 3, resp: 0 }));
    await settle();
    const read = br.answers.at(-1)!;
    expect(read.header).toMatchObject({ type: LinkType.DMA_READ_REPLY, seq: 7, flags: LINK_FLAG_RESPONSE });
    expect(decodeLinkDma(new DataView(read.payload.buffer, read.payload.byteOffset))).toMatchObject({ length: 100, tag: 3, resp: 0 });
    expect([...read.payload.subarray(20)]).toEqual(Array.from({ length: 100 }, (_, i) => i + 10));

    // one byte past the mapping: refused whole, nothing read
    br.request(LinkType.DMA_READ, 8, dma({ addr: BigInt(buf.addr + 200), length: 57, tag: 4, resp: 0 }));
    await settle();
    const refused = br.answers.at(-1)!;
    expect(decodeLinkDma(new DataView(refused.payload.buffer, refused.payload.byteOffset)).resp).toBe(2);
    expect(refused.payload.length).toBe(20);
    expect(link.counters().dmaErrors).toBe(1);
    expect(link.counters().firstDmaError).toMatch(/not mapped/);

    // a write, then the host reuses the bytes, then the bridge repeats the write (its answer was lost): not written again
    br.request(LinkType.DMA_WRITE, 9, dma({ addr: BigInt(buf.addr), length: 4, tag: 5, resp: 0 }, Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd)));
    await settle();
    expect([...buf.bytes.subarray(0, 4)]).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
    buf.bytes.set([1, 2, 3, 4]);
    br.request(LinkType.DMA_WRITE, 9, dma({ addr: BigInt(buf.addr), length: 4, tag: 5, resp: 0 }, Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd)));
    await settle();
    expect([...buf.bytes.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(br.answers.at(-1)!.header).toMatchObject({ type: LinkType.DMA_WRITE_ACK, seq: 9 });
    expect(link.linkStats().replayed).toBe(1);

    // unmapped, the same range is refused
    link.unmapDma(buf.addr, 256);
    br.request(LinkType.DMA_WRITE, 10, dma({ addr: BigInt(buf.addr), length: 4, tag: 6, resp: 0 }, Uint8Array.of(9, 9, 9, 9)));
    await settle();
    expect([...buf.bytes.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(decodeLinkDma(new DataView(br.answers.at(-1)!.payload.buffer, br.answers.at(-1)!.payload.byteOffset)).resp).toBe(2);
    // a write whose data disagrees with its length is answered ERROR
    br.request(LinkType.DMA_WRITE, 11, dma({ addr: BigInt(buf.addr), length: 8, tag: 6, resp: 0 }, Uint8Array.of(9)));
    await settle();
    expect(br.answers.at(-1)!.header.type).toBe(LinkType.ERROR);
    await link.close();
  });

  it('advance() ends when the card reaches the target, or at a TIME_REACHED cut short by an interrupt once the IRQ message came', async () => {
    const br = scriptedBridge();
    const link = await SerialLink.open(br.line, { timeoutMs: 100, minAdvanceCycles: 1 });
    const start = link.now;
    expect(await link.advance(500, true)).toBe(500);
    expect(link.now).toBe(start + 500);
    // the bridge answers early (an interrupt), and sends the IRQ a little later
    br.timeAdvance = (m, reply) => {
      reply(BigInt(link.now + 30));
      setTimeout(() => br.irq(1, 0b0101), 30);
    };
    const ran = await link.advance(10_000, true);
    expect(ran).toBe(30);
    expect(link.takeIrqs()).toBe(0b0101);
    expect(link.takeIrqs()).toBe(0);
    expect(br.answers.at(-1)!.header).toMatchObject({ type: LinkType.IRQ, seq: 1, flags: LINK_FLAG_RESPONSE });
    await link.close();
  });

  it('advance() asks the card for at least minAdvanceCycles (a TIME_ADVANCE is a round trip on the line) and reports what ran', async () => {
    const br = scriptedBridge();
    const targets: bigint[] = [];
    br.timeAdvance = (m, reply) => { targets.push(m.header.time); reply(m.header.time); };
    const link = await SerialLink.open(br.line, { timeoutMs: 100 });
    const start = link.now;
    // the card's clock is 1 MHz: 1 ms of its time is 1000 cycles
    expect(await link.advance(10, true)).toBe(1000);
    expect(await link.advance(5000, true)).toBe(5000);
    expect(targets).toEqual([BigInt(start + 1000), BigInt(start + 6000)]);
    await link.close();
  });

  it('a HELLO answered by something that is not a flue card is INCOMPATIBLE, and an MMIO error response is MMIO_FAILED naming the register', async () => {
    await expect(SerialLink.open(scriptedBridge({ id: 0xdeadbeef }).line, { timeoutMs: 100 })).rejects.toMatchObject({ code: DeviceErrorCode.INCOMPATIBLE });
    const link = await SerialLink.open(scriptedBridge({ mmioResp: 2 }).line, { timeoutMs: 100 });
    await expect(link.mmioRead(0x10)).rejects.toMatchObject({ code: DeviceErrorCode.MMIO_FAILED, message: expect.stringMatching(/0x10 got AXI response 2/) });
    await expect(link.mmioRead(0x1002)).rejects.toMatchObject({ code: DeviceErrorCode.BAD_ARGUMENT });
    await link.close();
    await expect(link.mmioRead(0x10)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
  });

  it('nothing answering the HELLO is a TIMEOUT that says what to check', async () => {
    const silent: ByteLine = { write: () => {}, onData: () => {}, onClose: () => {}, close: () => {} };
    await expect(SerialLink.open(silent, { timeoutMs: 10, retries: 2 })).rejects.toMatchObject({
      code: DeviceErrorCode.TIMEOUT, message: expect.stringMatching(/baud rate/),
    });
  });
});
