import { describe, expect, it } from 'vitest';
import { MockLink } from '../device/mock/mock-link.js';
import { LockstepScheduler } from '../device/scheduler.js';
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

/** A mock device joined to a FakePort by a TapWire under a 100-cycle scheduler. */
function rig(options: Partial<TapWireOptions> = {}) {
  const s = new LockstepScheduler(100);
  const link = new MockLink();
  const port = new FakePort();
  const wire = new TapWire(link, port, { latency: 100, ...options });
  s.attach(link, () => {});
  s.addWire(wire);
  return { s, link, port, wire };
}

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

  it('refuses a latency that is not a positive integer', () => {
    expect(() => new TapWire(new MockLink(), new FakePort(), { latency: 0 })).toThrow(/latency 0 must be a positive integer/);
  });
});
