import { describe, expect, it } from 'vitest';
import { HostMemory } from '../device/memory.js';
import { advanceNetBufferDataStart, allocateNbl, chainNbls, nblArray, NblChainError, NblContextError, validateNblChain } from './nbl.js';

describe('NET_BUFFER_LIST chains', () => {
  it('reads data across MDLs and advances the data start by the bytes transferred', () => {
    const mem = new HostMemory(1 << 16);
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const { nbl } = allocateNbl(mem, 100, { mdlLengths: [30, 30, 40], data });
    const nb = nbl.firstNetBuffer!;
    expect(nb.read()).toEqual(data);
    advanceNetBufferDataStart(nb, 45);
    expect(nb.dataLength).toBe(55);
    expect(nb.currentMdlOffset).toBe(15);
    expect(nb.read()).toEqual(data.subarray(45));
    expect(() => advanceNetBufferDataStart(nb, 56)).toThrow(RangeError);
  });

  it('keeps NET_BUFFER_LIST_CONTEXT as a stack each layer pops its own entry from', () => {
    const { nbl } = allocateNbl(new HostMemory(4096), 10);
    nbl.allocateContext('im1', 1);
    nbl.allocateContext('im2', 2);
    expect(() => nbl.freeContext('im1')).toThrow(NblContextError);
    expect(nbl.freeContext('im2')).toBe(2);
    expect(nbl.freeContext('im1')).toBe(1);
    expect(nbl.contextDepth).toBe(0);
  });

  it('a chain that loops back on itself is a coded error, not a hang', () => {
    const mem = new HostMemory(4096);
    const a = allocateNbl(mem, 10).nbl;
    const b = allocateNbl(mem, 10).nbl;
    chainNbls([a, b]);
    b.next = a;
    expect(() => nblArray(a)).toThrow(NblChainError);
    expect(validateNblChain(a, mem)).toMatch(/loops back/);
  });
});
