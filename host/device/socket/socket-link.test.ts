/**
 * SocketLink against a scripted simulator (a Unix socket server speaking SOCKET-LINK.md): DMA
 * served from mapped memory only, masked writes, posted interrupts, frames and protocol errors,
 * and every way the simulator can fail the host (closing, going silent, answering nonsense).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CORE_CLOCK_HZ, CONTRACT_VERSION, ID_MAGIC, LinkType, decodeLinkDma, decodeLinkHeader, decodeLinkMmio, encodeLinkDma, encodeLinkHeader,
  encodeLinkHello, encodeLinkIrq, encodeLinkMmio, encodeLinkWireFrame, LinkDmaLayout, LinkHelloLayout, LinkIrqLayout, LinkMmioLayout,
  LinkWireFrameLayout,
} from '../../../protocol/generated/contract.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import { SocketLink } from './socket-link.js';

interface Msg { type: number; flags: number; seq: number; time: number; payload: Uint8Array }

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A scripted simulator: answers HELLO and RESET, then whatever the test's handler says. */
class FakeSim {
  readonly path = join(mkdtempSync(join(tmpdir(), 'flue-socket-test-')), 'link.sock');
  private server: Server;
  conn: Socket | undefined;
  time = 0;
  private rx = Buffer.alloc(0);
  private waiters: ((m: Msg) => void)[] = [];
  private inbox: Msg[] = [];
  /** the test's handler for requests other than HELLO and RESET; return false to leave unanswered */
  handler: (m: Msg) => boolean = () => false;
  helloId = ID_MAGIC;
  seq = 0;

  constructor() {
    this.server = createServer((c) => {
      this.conn = c;
      c.on('data', (d: Buffer) => this.data(d));
      c.on('error', () => undefined);
    });
  }

  listen(): Promise<void> {
    return new Promise((r) => this.server.listen(this.path, () => r()));
  }

  send(type: number, payload: Uint8Array = new Uint8Array(0), seq = 0, flags = 0, time = this.time): void {
    const b = new Uint8Array(16 + payload.length);
    encodeLinkHeader(dv(b), { type, flags, seq, length: payload.length, time: BigInt(time) });
    b.set(payload, 16);
    this.conn!.write(b);
  }

  reply(m: Msg, type: number, payload?: Uint8Array): void {
    this.send(type, payload, m.seq, 1);
  }

  /** the next message from the host that the built-in handling did not take */
  next(): Promise<Msg> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((r) => this.waiters.push(r));
  }

  private data(d: Buffer): void {
    this.rx = Buffer.concat([this.rx, d]);
    while (this.rx.length >= 16) {
      const h = decodeLinkHeader(dv(this.rx));
      if (this.rx.length < 16 + h.length) break;
      const m: Msg = { type: h.type, flags: h.flags, seq: h.seq, time: Number(h.time), payload: new Uint8Array(this.rx.subarray(16, 16 + h.length)) };
      this.rx = this.rx.subarray(16 + h.length);
      if (m.type === LinkType.HELLO) {
        const p = new Uint8Array(LinkHelloLayout.size);
        encodeLinkHello(dv(p), { id: this.helloId, version: (CONTRACT_VERSION.major << 16) | CONTRACT_VERSION.minor, caps: 7, clockHz: CORE_CLOCK_HZ });
        this.reply(m, LinkType.HELLO_REPLY, p);
      } else if (m.type === LinkType.RESET) {
        this.time += 16;
        this.reply(m, LinkType.RESET);
      } else if (!this.handler(m)) {
        const w = this.waiters.shift();
        if (w) w(m);
        else this.inbox.push(m);
      }
    }
  }

  async close(): Promise<void> {
    this.conn?.destroy();
    await new Promise((r) => this.server.close(() => r(undefined)));
  }
}

const sims: FakeSim[] = [];
const links: SocketLink[] = [];

afterEach(async () => {
  for (const l of links.splice(0)) await l.close();
  for (const s of sims.splice(0)) await s.close();
});

async function pair(options: { timeoutMs?: number; minCyclesPerSecond?: number } = {}): Promise<{ sim: FakeSim; link: SocketLink }> {
  const sim = new FakeSim();
  sims.push(sim);
  await sim.listen();
  const link = await SocketLink.connect(`unix:${sim.path}`, { memorySize: 1 << 20, ...options });
  links.push(link);
  return { sim, link };
}

function dma(addr: bigint, length: number, resp = 0, data?: Uint8Array): Uint8Array {
  const p = new Uint8Array(LinkDmaLayout.size + (data?.length ?? 0));
  encodeLinkDma(dv(p), { addr, length, tag: 3, resp });
  if (data) p.set(data, LinkDmaLayout.size);
  return p;
}

/** Sends a DMA request from the "card" and resolves with the host's response. */
async function cardAsks(sim: FakeSim, type: number, payload: Uint8Array): Promise<Msg> {
  sim.seq++;
  sim.send(type, payload, sim.seq);
  return sim.next();
}

describe('SocketLink', () => {
  it('opens with HELLO and RESET: the card\'s time starts at 16 cycles, its clock is the one HELLO names', async () => {
    const { link } = await pair();
    expect(link.now).toBe(16);
    expect(link.clockHz).toBe(CORE_CLOCK_HZ);
    expect(link.identity.id).toBe(ID_MAGIC);
  });

  it('a register read is one request; the answer\'s time becomes the link\'s time; an error response or no response rejects MMIO_FAILED', async () => {
    const { sim, link } = await pair();
    sim.handler = (m) => {
      if (m.type !== LinkType.MMIO_READ) return false;
      const r = decodeLinkMmio(dv(m.payload));
      const p = new Uint8Array(LinkMmioLayout.size);
      encodeLinkMmio(dv(p), { addr: r.addr, value: r.addr === 0 ? 0x1234 : 0, resp: r.addr === 0 ? 0 : r.addr === 4 ? 2 : 0xff });
      sim.time += 3;
      sim.reply(m, LinkType.MMIO_READ_REPLY, p);
      return true;
    };
    expect(await link.mmioRead(0)).toBe(0x1234);
    expect(link.now).toBe(19);
    await expect(link.mmioRead(4)).rejects.toMatchObject({ code: DeviceErrorCode.MMIO_FAILED, message: expect.stringContaining('SLVERR') });
    await expect(link.mmioRead(8)).rejects.toMatchObject({ code: DeviceErrorCode.MMIO_FAILED, message: expect.stringContaining('no response within 1000 cycles') });
    await expect(link.mmioRead(4096)).rejects.toMatchObject({ code: DeviceErrorCode.BAD_ARGUMENT });
    await expect(link.mmioRead(2)).rejects.toMatchObject({ code: DeviceErrorCode.BAD_ARGUMENT });
  });

  it('serves DMA reads and writes from mapped memory only; anything else answers SLVERR and is counted, with where it went', async () => {
    const { sim, link } = await pair();
    const buf = link.memory.alloc(256, 64);
    link.memory.view(buf.addr, 8).bytes.set([1, 2, 3, 4, 5, 6, 7, 8]);
    link.mapDma(buf.addr, 128);
    // read inside the mapping
    let r = await cardAsks(sim, LinkType.DMA_READ, dma(BigInt(buf.addr), 8));
    expect(r.type).toBe(LinkType.DMA_READ_REPLY);
    expect(r.flags & 1).toBe(1);
    expect(decodeLinkDma(dv(r.payload)).resp).toBe(0);
    expect([...r.payload.subarray(LinkDmaLayout.size)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // a read running past the mapping: SLVERR, no data
    r = await cardAsks(sim, LinkType.DMA_READ, dma(BigInt(buf.addr + 120), 16));
    expect(decodeLinkDma(dv(r.payload)).resp).toBe(2);
    expect(r.payload.length).toBe(LinkDmaLayout.size);
    // a write inside: the bytes land
    r = await cardAsks(sim, LinkType.DMA_WRITE, dma(BigInt(buf.addr + 16), 4, 0, new Uint8Array([9, 9, 9, 9])));
    expect(r.type).toBe(LinkType.DMA_WRITE_ACK);
    expect(decodeLinkDma(dv(r.payload)).resp).toBe(0);
    expect([...link.memory.view(buf.addr + 16, 4).bytes]).toEqual([9, 9, 9, 9]);
    // a masked write: only the bytes whose mask bit is set
    r = await cardAsks(sim, LinkType.DMA_WRITE, dma(BigInt(buf.addr + 32), 4, 1, new Uint8Array([5, 6, 7, 8, 0b1001])));
    expect(decodeLinkDma(dv(r.payload)).resp).toBe(0);
    expect([...link.memory.view(buf.addr + 32, 4).bytes]).toEqual([5, 0, 0, 8]);
    // a write outside: refused, nothing written
    link.unmapDma(buf.addr, 128);
    r = await cardAsks(sim, LinkType.DMA_WRITE, dma(BigInt(buf.addr + 16), 4, 0, new Uint8Array([1, 1, 1, 1])));
    expect(decodeLinkDma(dv(r.payload)).resp).toBe(2);
    expect([...link.memory.view(buf.addr + 16, 4).bytes]).toEqual([9, 9, 9, 9]);
    // a burst the bridge refused itself (illegal on the bus): counted, answered SLVERR
    r = await cardAsks(sim, LinkType.DMA_READ, dma(0n, 64, 2));
    expect(decodeLinkDma(dv(r.payload)).resp).toBe(2);
    const c = link.counters();
    expect(c.dmaReads).toBe(3);
    expect(c.dmaWrites).toBe(3);
    expect(c.dmaErrors).toBe(3);
    expect(c.firstDmaError).toMatch(/read of 16 bytes at 0x[0-9a-f]+: 0x[0-9a-f]+ is not mapped for DMA/);
  });

  it('advance() runs to its target; interrupts, frames, aborted frames and protocol errors posted on the way are taken in order', async () => {
    const { sim, link } = await pair();
    sim.handler = (m) => {
      if (m.type !== LinkType.TIME_ADVANCE) return false;
      expect(m.flags & 2).toBe(2);
      const irq = new Uint8Array(LinkIrqLayout.size);
      encodeLinkIrq(dv(irq), { vectors: 0b101 });
      sim.send(LinkType.IRQ, irq, 0, 0, 40);
      const f = new Uint8Array(LinkWireFrameLayout.size + 3);
      encodeLinkWireFrame(dv(f), { port: 0, direction: 1, aborted: 0 });
      f.set([0xaa, 0xbb, 0xcc], LinkWireFrameLayout.size);
      sim.send(LinkType.WIRE_FRAME, f, 0, 0, 30);
      const a = new Uint8Array(LinkWireFrameLayout.size);
      encodeLinkWireFrame(dv(a), { port: 0, direction: 1, aborted: 1 });
      sim.send(LinkType.WIRE_FRAME, a, 0, 0, 35);
      sim.send(LinkType.ERROR, new TextEncoder().encode('cycle 38: m_axi_arvalid dropped before arready'), 0, 0, 38);
      sim.send(LinkType.ERROR, new TextEncoder().encode('second'), 0, 0, 39);
      sim.time = 41;
      sim.reply(m, LinkType.TIME_REACHED);
      return true;
    };
    expect(await link.advance(100, true)).toBe(25);
    expect(link.takeIrqs()).toBe(0b101);
    expect(link.takeIrqs()).toBe(0);
    const frames = link.takeTxFrames();
    expect(frames).toEqual([{ data: new Uint8Array([0xaa, 0xbb, 0xcc]), cycle: 30 }]);
    const c = link.counters();
    expect(c.txAborted).toBe(1);
    expect(c.protocolErrors).toBe(2);
    expect(c.firstProtocolError).toBe('cycle 38: m_axi_arvalid dropped before arready');
  });

  it('pushRxFrame posts a WIRE_FRAME into the card at its cycle; an empty frame or a bad cycle is refused', async () => {
    const { sim, link } = await pair();
    link.pushRxFrame(new Uint8Array([1, 2, 3]), 500);
    const m = await sim.next();
    expect(m.type).toBe(LinkType.WIRE_FRAME);
    expect(m.time).toBe(500);
    expect([...m.payload]).toEqual([0, 0, 0, 0, 1, 2, 3]);
    expect(() => link.pushRxFrame(new Uint8Array(0), 1)).toThrow(DeviceError);
    expect(() => link.pushRxFrame(new Uint8Array(1), -1)).toThrow(/non-negative/);
  });

  it('the simulator closing the socket fails the outstanding request CLOSED at once, naming it, and every later call too', async () => {
    const { sim, link } = await pair();
    const t0 = Date.now();
    const pending = link.advance(1_000_000, true);
    await sim.next();
    sim.conn!.destroy();
    const err = await pending.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).code).toBe(DeviceErrorCode.CLOSED);
    expect((err as DeviceError).message).toContain('closed the link while TIME_ADVANCE by 1000000 cycles was outstanding');
    expect((err as DeviceError).message).toContain(sim.path);
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(link.mmioRead(0)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
    expect(() => link.pushRxFrame(new Uint8Array(1), 0)).toThrow(/closed/);
  });

  it('a simulator that goes silent fails the request TIMEOUT after timeoutMs plus the cycles at minCyclesPerSecond, and closes the link', async () => {
    const { sim, link } = await pair({ timeoutMs: 150, minCyclesPerSecond: 1000 });
    const t0 = Date.now();
    const pending = link.advance(100, false); // 100 ms at 1000 cycles/s, on top of 150 ms
    await sim.next();
    await expect(pending).rejects.toMatchObject({ code: DeviceErrorCode.TIMEOUT, message: expect.stringContaining('no answer to TIME_ADVANCE by 100 cycles in 250 ms') });
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(240);
    expect(took).toBeLessThan(2000);
    await expect(link.mmioRead(0)).rejects.toMatchObject({ code: DeviceErrorCode.TIMEOUT });
  });

  it('messages from the simulator keep a long request alive: the time-out counts from the last one', async () => {
    const { sim, link } = await pair({ timeoutMs: 150, minCyclesPerSecond: 1e9 });
    sim.handler = (m) => {
      if (m.type !== LinkType.TIME_ADVANCE) return false;
      // 400 ms of work, an interrupt every 50 ms: never 150 ms of silence
      let n = 0;
      const tick = setInterval(() => {
        const irq = new Uint8Array(LinkIrqLayout.size);
        encodeLinkIrq(dv(irq), { vectors: 1 });
        sim.send(LinkType.IRQ, irq);
        if (++n === 8) { clearInterval(tick); sim.time += 10; sim.reply(m, LinkType.TIME_REACHED); }
      }, 50);
      return true;
    };
    expect(await link.advance(10, false)).toBe(10);
  });

  it('an ERROR response rejects INCOMPATIBLE with the simulator\'s words; a response out of turn or a giant message closes the link', async () => {
    const { sim, link } = await pair();
    sim.handler = (m) => {
      if (m.type === LinkType.LINK_STATS) { sim.reply(m, LinkType.ERROR, new TextEncoder().encode('not today')); return true; }
      if (m.type === LinkType.MMIO_WRITE) { sim.send(LinkType.MMIO_WRITE_ACK, new Uint8Array(LinkMmioLayout.size), m.seq + 7, 1); return true; }
      return false;
    };
    await expect(link.bridgeStats()).rejects.toMatchObject({ code: DeviceErrorCode.INCOMPATIBLE, message: expect.stringContaining('not today') });
    await expect(link.mmioWrite(0x10, 1)).rejects.toMatchObject({ code: DeviceErrorCode.INCOMPATIBLE, message: expect.stringContaining('response to seq') });
    await expect(link.mmioRead(0)).rejects.toMatchObject({ code: DeviceErrorCode.INCOMPATIBLE });
  });

  it('refuses a simulator that is not a flue card, and reports an address nothing listens on', async () => {
    const sim = new FakeSim();
    sims.push(sim);
    sim.helloId = 0x12345678;
    await sim.listen();
    await expect(SocketLink.connect(`unix:${sim.path}`)).rejects.toMatchObject({ code: DeviceErrorCode.INCOMPATIBLE, message: expect.stringContaining('ID 0x12345678') });
    await expect(SocketLink.connect(`unix:${sim.path}.nothing`, { connectTimeoutMs: 200 })).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED, message: expect.stringContaining('is the simulator running') });
    await expect(SocketLink.connect('tcp:nowhere')).rejects.toMatchObject({ code: DeviceErrorCode.BAD_ARGUMENT });
  });
});
