import { describe, expect, it } from 'vitest';
import { CplEntryLayout, CPL_ENTRY_BYTES, decodeReqDesc, Opcode } from '../../../protocol/generated/contract.js';
import { HostMemory } from '../../device/memory.js';
import { CompletionRing, RequestRing, RequestTable } from './hw.js';

describe('RequestRing', () => {
  it('keeps one slot empty, wraps, and rings the doorbell once per batch', () => {
    const m = new HostMemory(1 << 16);
    const ring = new RequestRing(m.alloc(4 * 32), 2);
    const req = { opcode: Opcode.NOP, flags: 0, tag: 1, addr: 2 ** 40 + 3, length: 9, conn: 0, param: 2 ** 33 };
    expect(ring.space).toBe(3);
    expect(ring.post(req) && ring.post(req) && ring.post(req)).toBe(true);
    expect(ring.post(req)).toBe(false);
    expect(ring.takeDoorbell()).toBe(3);
    expect(ring.takeDoorbell()).toBeUndefined();
    ring.head = 3;
    expect(ring.post({ ...req, tag: 7 })).toBe(true);
    expect(ring.tail).toBe(0);
    const d = decodeReqDesc(ring.mem.view, 3 * 32);
    expect(d).toMatchObject({ opcode: Opcode.NOP, tag: 7, addr: BigInt(2 ** 40 + 3), length: 9, param: BigInt(2 ** 33) });
  });
});

describe('CompletionRing', () => {
  it('reads entries only while their phase matches, flipping the phase on each wrap', () => {
    const m = new HostMemory(1 << 16);
    const ring = new CompletionRing(m.alloc(4 * CPL_ENTRY_BYTES), 2);
    const write = (slot: number, phase: number, tag: number): void => {
      ring.mem.view.setUint8(slot * CPL_ENTRY_BYTES + CplEntryLayout.phase.offset, phase);
      ring.mem.view.setUint32(slot * CPL_ENTRY_BYTES + CplEntryLayout.tag.offset, tag, true);
    };
    expect(ring.peek()).toBeUndefined();
    const seen: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const phase = pass % 2 === 0 ? 1 : 0;
      for (let s = 0; s < 4; s++) {
        write(s, phase, pass * 4 + s);
        const e = ring.peek();
        expect(e).toBeDefined();
        seen.push(e!.tag);
        ring.advance();
        expect(ring.peek()).toBeUndefined(); // the next slot still holds the old phase
      }
    }
    expect(seen).toEqual([...Array(12).keys()]);
    expect(ring.takeDoorbell()).toBe(0);
  });
});

describe('RequestTable', () => {
  it('recognises unknown and stale tags', () => {
    const t = new RequestTable<string>();
    const a = t.add('a');
    expect(t.take(a)).toBe('a');
    expect(t.take(a)).toBeUndefined(); // completed twice
    const b = t.add('b'); // reuses the slot with a new generation
    expect(b).not.toBe(a);
    expect(t.take(a)).toBeUndefined();
    expect(t.take(12345)).toBeUndefined();
    expect(t.drain()).toEqual(['b']);
    expect(t.outstanding).toBe(0);
  });
});
