import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkType } from '../../../protocol/generated/contract.js';
import { DeviceErrorCode } from '../errors.js';
import { LinkFrameDecoder, LinkFrameEncoder, type LinkMessage } from './link-frame.js';
import { farSide, farValue, mmioRead, xorshift32 } from './testing.js';
import { type ByteLine, LINK_FLAG_RESPONSE, LinkTransport } from './link-transport.js';

/** a deterministic source in [0, 1) */
function rng(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 2 ** 32;
}

interface Impair { dropByte: number; flipBit: number }

/**
 * Two ends of an in-memory serial line: bytes written at one end arrive at the other on the
 * next microtask, each one dropped or with a bit flipped at the given rates (seeded).
 */
function linePair(impair: Impair = { dropByte: 0, flipBit: 0 }, seed = 1): { host: ByteLine; far: ByteLine & { emit(b: Uint8Array): void } } {
  const next = rng(seed);
  const listeners: { host: ((b: Uint8Array) => void)[]; far: ((b: Uint8Array) => void)[] } = { host: [], far: [] };
  const closers: ((r: string) => void)[] = [];
  let open = true;
  const carry = (to: 'host' | 'far', bytes: Uint8Array): void => {
    if (!open) return;
    const out: number[] = [];
    for (const b of bytes) {
      if (next() < impair.dropByte) continue;
      out.push(next() < impair.flipBit * 8 ? b ^ (1 << Math.floor(next() * 8)) : b);
    }
    const chunk = Uint8Array.from(out);
    queueMicrotask(() => { if (open) for (const l of listeners[to]) l(chunk); });
  };
  const end = (me: 'host' | 'far'): ByteLine => ({
    write: (b) => carry(me === 'host' ? 'far' : 'host', b),
    onData: (l) => { listeners[me].push(l); },
    onClose: (l) => { closers.push(l); },
    close: () => { if (open) { open = false; for (const c of closers) c('the far end closed'); } },
  });
  const far = end('far');
  return { host: end('host'), far: { ...far, emit: (b) => carry('host', b) } };
}

describe('requests over a lossy serial line (sequence numbers, timeouts, retransmission)', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('with one byte in 10^3 dropped and one bit in 10^4 flipped both ways, 500 register reads all come back with their own value, none wrong, the losses made good by retransmission; the far side acts on each number once', async () => {
    const { host, far } = linePair({ dropByte: 1e-3, flipBit: 1e-4 }, 7);
    const { acted } = farSide(far);
    const t = new LinkTransport(host, { timeoutMs: 20, retries: 8, name: 'pty' });
    const reads = Array.from({ length: 500 }, (_, i) => 0x100 + 4 * i);
    const done = reads.map((addr) => t.request(LinkType.MMIO_READ, mmioRead(addr)).then((m) => {
      const v = new DataView(m.payload.buffer, m.payload.byteOffset);
      return { addr: v.getUint32(0, true), value: v.getUint32(4, true), type: m.header.type };
    }));
    await vi.advanceTimersByTimeAsync(5000);
    const got = await Promise.all(done);
    expect(got).toEqual(reads.map((addr) => ({ addr, value: farValue(addr), type: LinkType.MMIO_READ_REPLY })));
    expect(t.stats.retries).toBeGreaterThan(0);
    expect(t.stats.timeouts).toBe(0);
    expect(t.stats.responses).toBe(500);
    expect([...acted.values()].every((n) => n === 1)).toBe(true);
    expect(acted.size).toBe(500);
  });

  it('a far side that never answers: the request is sent retries + 1 times, timeout apart, then fails TIMEOUT with a message naming the line', async () => {
    const { host, far } = linePair();
    let packets = 0;
    const dec = new LinkFrameDecoder(() => { packets++; });
    far.onData((b) => dec.push(b));
    const t = new LinkTransport(host, { timeoutMs: 50, retries: 3, name: '/dev/pts/9' });
    const r = t.request(LinkType.HELLO);
    const failed = expect(r).rejects.toMatchObject({ code: DeviceErrorCode.TIMEOUT, message: expect.stringMatching(/\/dev\/pts\/9.*after 4 sends 50 ms apart/) });
    await vi.advanceTimersByTimeAsync(199);
    expect(packets).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    await failed;
    expect(t.stats).toMatchObject({ retries: 3, timeouts: 1 });
  });

  it('the line going away fails every outstanding request CLOSED at once (no timeout waited for), and later requests too', async () => {
    const { host, far } = linePair();
    const t = new LinkTransport(host, { timeoutMs: 60_000, retries: 5 });
    const outstanding = [t.request(LinkType.MMIO_READ, mmioRead(0)), t.request(LinkType.DMA_READ_REPLY)];
    const checks = outstanding.map((p) => expect(p).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED, message: expect.stringMatching(/went away \(the far end closed\)/) }));
    far.close();
    await Promise.all(checks);
    await expect(t.request(LinkType.HELLO)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('messages the far side starts (an interrupt) reach onMessage and are answered with the response flag and their own number; an answer to a copy no longer waited for is dropped', async () => {
    const { host, far } = linePair();
    const enc = new LinkFrameEncoder();
    const fromHost: LinkMessage[] = [];
    const dec = new LinkFrameDecoder((m) => fromHost.push(m));
    far.onData((b) => dec.push(b));
    const t = new LinkTransport(host, { timeoutMs: 10, retries: 2 });
    const irqs: LinkMessage[] = [];
    t.onMessage((m) => { irqs.push(m); t.respond(m, LinkType.IRQ); });
    far.emit(enc.encode({ type: LinkType.IRQ, flags: 0, seq: 77, time: 123n }, Uint8Array.of(1, 0, 0, 0)));
    await vi.advanceTimersByTimeAsync(1);
    expect(irqs.map((m) => [m.header.type, m.header.seq, m.header.time])).toEqual([[LinkType.IRQ, 77, 123n]]);
    expect(fromHost.map((m) => [m.header.type, m.header.flags, m.header.seq])).toEqual([[LinkType.IRQ, LINK_FLAG_RESPONSE, 77]]);
    // a request answered twice: the first answer completes it, the second is stale
    const r = t.request(LinkType.HELLO);
    await vi.advanceTimersByTimeAsync(1);
    const seq = fromHost[1]!.header.seq;
    const answer = enc.encode({ type: LinkType.HELLO_REPLY, flags: LINK_FLAG_RESPONSE, seq, time: 0n });
    far.emit(answer);
    far.emit(answer);
    await vi.advanceTimersByTimeAsync(1);
    expect((await r).header.type).toBe(LinkType.HELLO_REPLY);
    expect(t.stats).toMatchObject({ responses: 1, staleResponses: 1, retries: 0 });
  });
});
