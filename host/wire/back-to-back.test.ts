import { describe, expect, it } from 'vitest';
import { MockLink } from '../device/mock/mock-link.js';
import { BackToBackWire } from './back-to-back.js';

const LATENCY = 256;

/** A frame whose first two payload bytes name it. */
function frame(n: number): Uint8Array {
  const f = new Uint8Array(64);
  f[14] = n >> 8;
  f[15] = n & 0xff;
  return f;
}

/** Sends `count` frames from A, one every 100 cycles, through a cable; returns what B got. */
async function carry(count: number, options: Partial<ConstructorParameters<typeof BackToBackWire>[2]>): Promise<{ got: { id: number; cycle: number }[]; wire: BackToBackWire }> {
  const a = new MockLink('a');
  const b = new MockLink('b');
  const wire = new BackToBackWire(a, b, { latency: LATENCY, ...options });
  for (let i = 0; i < count; i++) a.transmitAt(i * 100, frame(i));
  for (let now = LATENCY; now <= count * 100 + 200_000; now += LATENCY) {
    await a.advance(now - a.now, false);
    await b.advance(now - b.now, false);
    wire.pump(now);
  }
  return { got: b.received.map((f) => ({ id: (f.data[14]! << 8) | f.data[15]!, cycle: f.cycle })), wire };
}

describe('the cable between two NICs', () => {
  it('carries every frame, in order, latency cycles after it left, when clean', async () => {
    const { got } = await carry(50, {});
    expect(got.map((g) => g.id)).toEqual([...Array(50).keys()]);
    expect(got.map((g) => g.cycle)).toEqual([...Array(50).keys()].map((i) => i * 100 + LATENCY));
  });

  it('loses, duplicates and reorders as seeded, handing each device its frames in arrival order', async () => {
    const imp = { loss: 0.1, duplicate: 0.1, reorder: 0.2, reorderDelayMs: 0.004, delayMs: 0, jitterMs: 0 };
    const { got, wire } = await carry(400, { aToB: imp, seed: 5 });
    const c = wire.impairments[0]!.counters;
    expect(c.lost).toBeGreaterThan(10);
    expect(c.duplicated).toBeGreaterThan(10);
    expect(c.reordered).toBeGreaterThan(10);
    expect(got.length).toBe(400 - c.lost + c.duplicated);
    // arrival cycles never go backwards, and some frames were overtaken
    for (let i = 1; i < got.length; i++) expect(got[i]!.cycle).toBeGreaterThanOrEqual(got[i - 1]!.cycle);
    expect(got.some((g, i) => i > 0 && g.id < got[i - 1]!.id)).toBe(true);
    // a reordered frame arrives reorderDelayMs (625 cycles at 156.25 MHz) late
    expect(Math.max(...got.map((g) => g.cycle - g.id * 100))).toBe(LATENCY + 625);
    // B→A was left clean
    expect(wire.impairments[1]).toBeUndefined();
  });

  it('replays exactly from its seed', async () => {
    const imp = { loss: 0.05, duplicate: 0.05, reorder: 0.1, reorderDelayMs: 0.003, jitterMs: 0.001 };
    const one = await carry(200, { aToB: imp, seed: 9 });
    const two = await carry(200, { aToB: imp, seed: 9 });
    const other = await carry(200, { aToB: imp, seed: 10 });
    expect(two.got).toEqual(one.got);
    expect(other.got).not.toEqual(one.got);
  });
});
