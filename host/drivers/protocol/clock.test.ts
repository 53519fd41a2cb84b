import { describe, expect, it } from 'vitest';
import { LockstepScheduler } from '../../device/scheduler.js';
import { CYCLES_PER_MS, ManualClock, schedulerClock } from './clock.js';

describe('clocks', () => {
  it('ManualClock fires timers in time then creation order and skips cancelled ones', () => {
    const c = new ManualClock();
    const log: string[] = [];
    c.setTimer(5, () => log.push('b'));
    c.setTimer(1, () => log.push('a'));
    c.setTimer(5, () => log.push('c'));
    c.setTimer(3, () => log.push('x')).cancel();
    c.advance(10);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(c.now()).toBe(10);
  });

  it('schedulerClock converts milliseconds to 156.25 MHz cycles and fires on the scheduler', async () => {
    const s = new LockstepScheduler(256);
    const clock = schedulerClock(s);
    let firedAt: number | undefined;
    clock.setTimer(2, () => { firedAt = s.now; });
    await s.run({ until: () => firedAt !== undefined, maxCycles: 3 * CYCLES_PER_MS });
    expect(firedAt).toBe(2 * CYCLES_PER_MS);
    expect(clock.now()).toBe(2);
  });
});
