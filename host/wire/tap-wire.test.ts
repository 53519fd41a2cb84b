import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MockLink } from '../device/mock/mock-link.js';
import { LockstepScheduler } from '../device/scheduler.js';
import { PcapWriter, readPcap } from './pcap.js';
import { type FramePort, TapWire, type TapWireOptions } from './tap-wire.js';

/** A port the test fills and reads: frames written to it, frames waiting to be read, a queue limit. */
class FakePort implements FramePort {
  readonly written: Uint8Array[] = [];
  readonly waiting: Uint8Array[] = [];
  room = Infinity;
  read(): Uint8Array | undefined {
    return this.waiting.shift();
  }
  write(frame: Uint8Array): boolean {
    if (this.written.length >= this.room) return false;
    this.written.push(frame);
    return true;
  }
}

const frame = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/**
 * A mock device joined to a FakePort by a TapWire under a 100-cycle scheduler. `pushedAt` is the
 * device's time at each pushRxFrame (a frame must never be pushed for a cycle the device has passed);
 * with `capture`, `captured()` reads back the wire's pcap.
 */
function rig(options: Partial<TapWireOptions> = {}, { capture = false } = {}) {
  const s = new LockstepScheduler(100);
  const link = new MockLink();
  const pushedAt: number[] = [];
  const push = link.pushRxFrame.bind(link);
  link.pushRxFrame = (data, cycle) => {
    pushedAt.push(link.now);
    push(data, cycle);
  };
  const port = new FakePort();
  const pcap = capture ? new PcapWriter(join(mkdtempSync(join(tmpdir(), 'flue-tap-')), 'wire.pcap')) : undefined;
  const wire = new TapWire(link, port, { latency: 100, ...(pcap ? { pcap } : {}), ...options });
  s.attach(link, () => {});
  s.addWire(wire);
  const captured = () => (pcap ? readPcap(readFileSync(pcap.path)) : []);
  return { s, link, port, wire, pushedAt, captured };
}

/** MockLink runs at 156.25 MHz: 156.25 cycles a microsecond. */
const US = 0.001;

describe('TapWire', () => {
  it('writes the device frames to the port in order as they leave, and delivers the port frames one latency after they are read', async () => {
    const { s, link, port, wire } = rig();
    link.transmitAt(10, frame(64, 1));
    link.transmitAt(150, frame(1514, 2));
    port.waiting.push(frame(100, 3));
    await s.run({ maxCycles: 100 });
    expect(port.written.map((f) => f[0])).toEqual([1]);
    expect(link.received).toEqual([{ data: frame(100, 3), cycle: 200 }]);
    await s.run({ maxCycles: 100 });
    expect(port.written.map((f) => [f[0], f.length])).toEqual([[1, 64], [2, 1514]]);
    expect([wire.framesToPort, wire.bytesToPort, wire.framesFromPort, wire.bytesFromPort]).toEqual([2, 1578, 1, 100]);
  });

  it('pads a short frame from the port to 60 bytes (the kernel does not), refuses one longer than 1514, and counts what the port refuses', async () => {
    const { s, link, port, wire } = rig();
    port.waiting.push(Uint8Array.of(9, 9, 9), frame(1515, 4));
    port.room = 1;
    link.transmitAt(5, frame(60, 5));
    link.transmitAt(6, frame(60, 6));
    await s.run({ maxCycles: 100 });
    expect(link.received.map((r) => [...r.data.subarray(0, 4), r.data.length])).toEqual([[9, 9, 9, 0, 60]]);
    expect(wire.oversizeFromPort).toBe(1);
    expect(port.written.map((f) => f[0])).toEqual([5]);
    expect(wire.droppedToPort).toBe(1);
  });

  it('reads at most maxReadsPerPump frames at a boundary, the rest at the next', async () => {
    const { s, link, port } = rig({ maxReadsPerPump: 2 });
    for (let i = 0; i < 5; i++) port.waiting.push(frame(60, i));
    await s.run({ maxCycles: 100 });
    expect(link.received.length).toBe(2);
    await s.run({ maxCycles: 200 });
    expect(link.received.map((r) => [r.data[0], r.cycle])).toEqual([[0, 200], [1, 200], [2, 300], [3, 300], [4, 400]]);
  });

  it('reads no faster than the device takes: with maxQueuedAtDevice frames handed over and not yet on its wire, the rest wait in the port', async () => {
    const { s, link, port } = rig({ maxQueuedAtDevice: 2, latency: 250 });
    for (let i = 0; i < 5; i++) port.waiting.push(frame(60, i));
    await s.run({ maxCycles: 100 });
    // read at cycle 100, due at 350: two are queued at the device, three still in the port
    expect(link.received.map((r) => r.data[0])).toEqual([0, 1]);
    expect(port.waiting.length).toBe(3);
    await s.run({ maxCycles: 300 });
    // at 200 and 300 nothing went (both still due at 350); at 400 they are on the wire, two more come
    expect(link.received.map((r) => [r.data[0], r.cycle])).toEqual([[0, 350], [1, 350], [2, 650], [3, 650]]);
    expect(() => new TapWire(new MockLink(), new FakePort(), { latency: 1, maxQueuedAtDevice: 0 })).toThrow(/maxQueuedAtDevice 0 must be a positive integer/);
  });

  it('refuses a latency that is not a positive integer', () => {
    expect(() => new TapWire(new MockLink(), new FakePort(), { latency: 0 })).toThrow(/latency 0 must be a positive integer/);
  });

  describe('impaired', () => {
    it('loses every frame towards the port at loss 1, and the capture still has each one once, as it left', async () => {
      const { s, link, port, wire, captured } = rig({ toPort: { loss: 1 } }, { capture: true });
      link.transmitAt(10, frame(64, 1));
      link.transmitAt(150, frame(70, 2));
      await s.run({ maxCycles: 300 });
      expect(port.written).toEqual([]);
      expect(wire.framesToPort).toBe(0);
      expect(wire.droppedToPort).toBe(0);
      expect(wire.impairments[0]!.counters).toEqual({ frames: 2, lost: 2, duplicated: 0, reordered: 0, corrupted: 0 });
      expect(wire.impairments[1]).toBeUndefined();
      // 10 and 150 cycles at 6.4 ns each
      expect(captured().map((f) => [f.data[0], f.data.length, f.timeNs])).toEqual([[1, 64, 64], [2, 70, 960]]);
    });

    it('holds a delayed frame towards the port until its departure cycle plus the delay', async () => {
      // 4 us is 625 cycles: the frame that left at 10 is due at 635, written at the pump of 700
      const { s, link, port, wire, captured } = rig({ toPort: { delayMs: 4 * US } }, { capture: true });
      link.transmitAt(10, frame(64, 1));
      link.transmitAt(20, frame(64, 2));
      await s.run({ maxCycles: 600 });
      expect(port.written).toEqual([]);
      await s.run({ maxCycles: 100 });
      expect(port.written.map((f) => f[0])).toEqual([1, 2]);
      expect(wire.framesToPort).toBe(2);
      // the capture has them when they left, not when the port got them
      expect(captured().map((f) => f.timeNs)).toEqual([64, 128]);
    });

    it('lets a later frame from the port overtake an earlier one, still handing the device nondecreasing cycles it has not passed', async () => {
      // one frame read per pump, at 100, 200, ...; a reordered one is 2 us (313 cycles) late
      const { s, link, port, wire, pushedAt } = rig({ fromPort: { reorder: 0.3, reorderDelayMs: 2 * US, delayMs: 0 }, seed: 3, maxReadsPerPump: 1 });
      for (let i = 0; i < 20; i++) port.waiting.push(frame(60, i));
      await s.run({ maxCycles: 3000 });
      const got = link.received.map((r) => ({ id: r.data[0]!, cycle: r.cycle }));
      const reordered = wire.impairments[1]!.counters.reordered;
      expect(reordered).toBeGreaterThan(2);
      expect(got.map((g) => g.id).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
      // each frame at read + latency, or 313 cycles later if it was held back
      const late = got.map((g) => g.cycle - (g.id + 1) * 100 - 100);
      expect(new Set(late)).toEqual(new Set([0, 313]));
      expect(late.filter((l) => l === 313).length).toBe(reordered);
      expect(got.some((g, i) => i > 0 && g.id < got[i - 1]!.id)).toBe(true);
      for (let i = 1; i < got.length; i++) expect(got[i]!.cycle).toBeGreaterThanOrEqual(got[i - 1]!.cycle);
      got.forEach((g, i) => expect(g.cycle).toBeGreaterThanOrEqual(pushedAt[i]!));
      expect([wire.framesFromPort, wire.bytesFromPort]).toEqual([20, 1200]);
    });

    it('duplicates both ways; without delay a copy goes at the cycle a clean wire gives it', async () => {
      const { s, link, port, wire, captured } = rig({ toPort: { duplicate: 1, delayMs: 0 }, fromPort: { duplicate: 1, delayMs: 0 } }, { capture: true });
      link.transmitAt(10, frame(64, 1));
      port.waiting.push(frame(60, 2));
      await s.run({ maxCycles: 100 });
      expect(port.written.map((f) => f[0])).toEqual([1, 1]);
      expect(link.received.map((r) => [r.data[0], r.cycle])).toEqual([[2, 200], [2, 200]]);
      expect([wire.framesToPort, wire.framesFromPort]).toEqual([2, 1]);
      expect(wire.impairments.map((i) => i!.counters.duplicated)).toEqual([1, 1]);
      // each frame once: the device's as it left, the port's as read
      expect(captured().map((f) => [f.data[0], f.timeNs])).toEqual([[1, 64], [2, 640]]);
    });

    it('corrupts one bit after the Ethernet header of what reaches the port; the capture keeps the frame as sent', async () => {
      const { s, link, port, wire, captured } = rig({ toPort: { corrupt: 1, delayMs: 0 } }, { capture: true });
      link.transmitAt(10, frame(64, 0));
      await s.run({ maxCycles: 100 });
      const out = port.written[0]!;
      const flipped = [...out.keys()].filter((i) => out[i] !== 0);
      expect(flipped.length).toBe(1);
      expect(flipped[0]).toBeGreaterThanOrEqual(14);
      expect([1, 2, 4, 8, 16, 32, 64, 128]).toContain(out[flipped[0]!]);
      expect(wire.impairments[0]!.counters.corrupted).toBe(1);
      expect(captured()[0]!.data).toEqual(frame(64, 0));
    });

    it('replays the same decisions from the same seed, others from another', async () => {
      const imp = { loss: 0.1, duplicate: 0.1, reorder: 0.2, reorderDelayMs: 1 * US, delayMs: 2 * US, jitterMs: 1 * US, corrupt: 0.2 };
      const run = async (seed: number) => {
        const { s, link, port, wire } = rig({ toPort: imp, fromPort: imp, seed, maxReadsPerPump: 1 });
        for (let i = 0; i < 40; i++) {
          link.transmitAt(i * 50, frame(64, i));
          port.waiting.push(frame(64, 100 + i));
        }
        await s.run({ maxCycles: 5000 });
        // everything decided has been delivered by then: each copy once, none lost twice
        const [to, from] = wire.impairments.map((i) => i!.counters);
        expect(port.written.length).toBe(40 - to!.lost + to!.duplicated);
        expect(link.received.length).toBe(40 - from!.lost + from!.duplicated);
        return { toPort: port.written.map((f) => [...f]), toDevice: link.received.map((r) => [r.cycle, ...r.data]), counters: [to, from] };
      };
      const one = await run(7);
      expect(one.counters.every((c) => c!.lost > 0 && c!.duplicated > 0 && c!.reordered > 0 && c!.corrupted > 0)).toBe(true);
      expect(await run(7)).toEqual(one);
      expect(await run(8)).not.toEqual(one);
    });

    it('refuses an impairment that is not one, naming the field', () => {
      expect(() => new TapWire(new MockLink(), new FakePort(), { latency: 100, fromPort: { loss: 2 } })).toThrow(/loss 2 must be a probability/);
      expect(() => new TapWire(new MockLink(), new FakePort(), { latency: 100, toPort: { delayMs: -1 } })).toThrow(RangeError);
    });
  });
});
