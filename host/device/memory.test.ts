import { describe, expect, it } from 'vitest';
import { DeviceError } from './errors.js';
import { HostMemory } from './memory.js';

describe('HostMemory', () => {
  it('hands out aligned, zeroed, non-overlapping buffers above 4 GiB', () => {
    const m = new HostMemory(1 << 16);
    const a = m.alloc(100, 64);
    a.bytes.fill(0xaa);
    const b = m.alloc(4096, 4096);
    expect(a.addr).toBeGreaterThanOrEqual(2 ** 32);
    expect(b.addr % 4096).toBe(0);
    expect(b.addr >= a.addr + 100 || b.addr + 4096 <= a.addr).toBe(true);
    expect(b.bytes.every((x) => x === 0)).toBe(true);
  });

  it('reuses released memory and merges neighbours', () => {
    const m = new HostMemory(4096);
    const bufs = [m.alloc(1024), m.alloc(1024), m.alloc(1024), m.alloc(1024)];
    expect(() => m.alloc(1)).toThrow(DeviceError);
    m.release(bufs[1]!);
    m.release(bufs[2]!);
    expect(m.alloc(2048).addr).toBe(bufs[1]!.addr);
  });

  it('refuses a double release, a foreign buffer and bad sizes with clear errors', () => {
    const m = new HostMemory(4096);
    const a = m.alloc(64);
    m.release(a);
    expect(() => m.release(a)).toThrow(/released twice/);
    expect(() => m.release({ ...a, addr: 1 })).toThrow(/not in this host memory/);
    expect(() => m.alloc(0)).toThrow(/positive integer/);
    expect(() => m.alloc(8, 3)).toThrow(/power of two/);
    expect(() => m.view(m.base + 4090, 10)).toThrow(/outside host memory/);
    expect(() => new HostMemory(-1)).toThrow(DeviceError);
  });
});
