import { describe, expect, it } from 'vitest';
import { MockLink } from './mock/mock-link.js';
import { LockstepScheduler } from './scheduler.js';
import { BackToBackWire } from '../wire/back-to-back.js';

describe('LockstepScheduler', () => {
  it('services each interrupt at the cycle it fires; within a quantum, devices take turns in attach order', async () => {
    const s = new LockstepScheduler(100);
    const a = new MockLink('a');
    const b = new MockLink('b');
    const log: string[] = [];
    s.attach(a, (v) => { log.push(`a${v}@${a.now}`); });
    s.attach(b, (v) => { log.push(`b${v}@${b.now}`); });
    a.raiseAt(150, 1);
    b.raiseAt(120, 2);
    a.raiseAt(151, 4);
    expect(await s.run({ maxCycles: 300 })).toBe('limit');
    expect(log).toEqual(['a1@151', 'a4@152', 'b2@121']);
    expect(s.now).toBe(300);
  });

  it('fires host timers in simulated time, in order, and stops when asked', async () => {
    const s = new LockstepScheduler(64);
    const a = new MockLink();
    s.attach(a, () => {});
    const fired: number[] = [];
    s.setTimer(500, () => fired.push(s.now));
    s.setTimer(100, () => fired.push(s.now));
    const cancelled = s.setTimer(200, () => fired.push(-1));
    cancelled.cancel();
    expect(await s.run({ until: () => fired.length === 2, maxCycles: 10_000 })).toBe('done');
    expect(fired).toEqual([100, 500]);
    expect(a.now).toBe(500);
  });

  it('a cable never delivers a frame into the past of the receiving device', async () => {
    const s = new LockstepScheduler(50);
    const a = new MockLink('a');
    const b = new MockLink('b');
    s.attach(a, () => {});
    s.attach(b, () => {});
    s.addWire(new BackToBackWire(a, b, { latency: 50 }));
    for (const c of [10, 49, 75, 140]) a.transmitAt(c, Uint8Array.of(c));
    b.transmitAt(30, Uint8Array.of(1));
    await s.run({ maxCycles: 200 });
    expect(b.received.map((f) => f.cycle)).toEqual([60, 99, 125, 190]);
    for (const f of b.received) expect(f.cycle).toBeGreaterThanOrEqual(Math.floor((f.cycle - 50) / 50) * 50 + 50);
    expect(a.received.map((f) => f.cycle)).toEqual([80]);
  });

  it('rejects a quantum that is not a positive integer', () => {
    expect(() => new LockstepScheduler(0)).toThrow(RangeError);
  });
});
