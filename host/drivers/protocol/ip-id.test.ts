/**
 * The IP identification the host stack gives its datagrams (R76: the lower half of the space is
 * the host stack's, the upper half an offload target's).
 */
import { describe, expect, it } from 'vitest';
import { makePair } from './pair.js';
import { bulkTransfer } from './transfer.js';

describe('IP identification', () => {
  it('R76: the host stack numbers its datagrams in the lower half of the IP ID space (0x0000-0x7FFF), the upper half being an offload target\'s', () => {
    const p = makePair();
    // start just short of the top of the lower half, so the run crosses it
    (p.a as unknown as { ipId: number }).ipId = 0x7ff0;
    const ids: number[] = [];
    p.wire.tap = (f, from) => {
      if (from === 'a' && f.length >= 34 && f[12] === 0x08 && f[13] === 0x00) ids.push((f[18]! << 8) | f[19]!);
    };
    const r = bulkTransfer(p, 256 * 1024, { bothWays: false });
    expect(r.completed).toBe(true);
    expect(r.receivedHashB).toBe(r.sentHashA);
    expect(ids.length).toBeGreaterThan(64);
    expect(ids.every((id) => id < 0x8000)).toBe(true);
    expect(ids).toContain(0x7fff);
    expect(ids[ids.indexOf(0x7fff) + 1]).toBe(0);
  });
});
