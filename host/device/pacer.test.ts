import { describe, expect, it } from 'vitest';
import { MockLink } from './mock/mock-link.js';
import { RealTimePacer } from './pacer.js';
import { LockstepScheduler } from './scheduler.js';

/** A wall clock the test moves: sleeping advances it, and so does `work` per wait (the model's cost). */
function fakeWall(workMs: () => number) {
  let t = 1000;
  const slept: number[] = [];
  return {
    slept,
    clock: () => t,
    sleep: (ms: number) => { slept.push(ms); t += ms; return Promise.resolve(); },
    work: () => { t += workMs(); },
  };
}

describe('RealTimePacer', () => {
  it('holds a fast model to cyclesPerSecond: simulated time never runs ahead of the wall clock', async () => {
    const w = fakeWall(() => 0.1);
    const p = new RealTimePacer({ cyclesPerSecond: 100_000, clock: w.clock, sleep: w.sleep });
    await p.wait(0);
    for (let c = 1000; c <= 100_000; c += 1000) {
      w.work();
      await p.wait(c);
      // 1000 cycles are 10 ms at the pace: the wall clock has reached the cycle's time
      expect(w.clock() - 1000).toBeGreaterThanOrEqual(c / 100 - 1e-9);
    }
    expect(w.clock() - 1000).toBeCloseTo(1000, 6);
    expect(p.stats.sleptMs).toBeCloseTo(990, 6);
    expect(p.stats.cycles).toBe(100_000);
  });

  it('lets a slow model lag by at most maxLagMs, so it does not race to catch up once fast again', async () => {
    let cost = 30;
    const w = fakeWall(() => cost);
    const p = new RealTimePacer({ cyclesPerSecond: 100_000, maxLagMs: 20, clock: w.clock, sleep: w.sleep });
    await p.wait(0);
    for (let c = 1000; c <= 10_000; c += 1000) { w.work(); await p.wait(c); }
    expect(w.slept).toEqual([]);
    expect(p.stats.resets).toBeGreaterThan(0);
    expect(p.stats.maxLagMs).toBeLessThanOrEqual(40);
    // fast again: after at most 20 ms of catching up, it sleeps to the pace
    cost = 0;
    const from = w.clock();
    for (let c = 11_000; c <= 20_000; c += 1000) { w.work(); await p.wait(c); }
    expect(w.clock() - from).toBeGreaterThanOrEqual(100 - 20 - 1e-9);
  });

  it('refuses a pace that is not a positive number', () => {
    expect(() => new RealTimePacer({ cyclesPerSecond: 0 })).toThrow(/cyclesPerSecond must be a positive number, got 0/);
    expect(() => new RealTimePacer({ cyclesPerSecond: Number.NaN })).toThrow(/positive number/);
  });

  it('paces the scheduler: a run of 50 ms of pace takes 50 ms of wall clock', async () => {
    const s = new LockstepScheduler(1000);
    s.attach(new MockLink(), () => {});
    const w = fakeWall(() => 0);
    s.setPacer(new RealTimePacer({ cyclesPerSecond: 1_000_000, clock: w.clock, sleep: w.sleep }));
    await s.run({ maxCycles: 50_000 });
    expect(w.clock() - 1000).toBeCloseTo(49, 6); // the first quantum sets the anchor
    s.setPacer(undefined);
    await s.run({ maxCycles: 50_000 });
    expect(w.clock() - 1000).toBeCloseTo(49, 6);
  });
});
