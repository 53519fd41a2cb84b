import { describe, expect, it } from 'vitest';
import { ThroughputRecorder } from './throughput.js';

describe('ThroughputRecorder', () => {
  it('bins bytes per direction and fills the gaps with zero', () => {
    const r = new ThroughputRecorder(156_250_000, 1000);
    r.record(0, 10, 1250);
    r.record(0, 999, 1250);
    r.record(1, 2500, 625);
    const a = r.series(0);
    expect(a.map((s) => s.cycle)).toEqual([0, 1000, 2000]);
    // 2500 bytes in 1000 cycles of 6.4 ns: 20000 bits / 6.4 us = 3.125 Gbit/s
    expect(a[0]!.gbps).toBeCloseTo(3.125, 6);
    expect(a[1]!.gbps).toBe(0);
    expect(r.series(1)[2]!.gbps).toBeCloseTo(0.78125, 6);
    const svg = r.toSvg('t <&>', ['A → B', 'B → A']);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('t &lt;&amp;&gt;');
    expect(svg.match(/<polyline/g)?.length).toBe(2);
  });
});
