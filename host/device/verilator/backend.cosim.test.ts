import { describe, expect, it } from 'vitest';
import { Reg } from '../../../protocol/generated/contract.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import { VerilatorLink } from './backend.js';

describe('Verilator device link', () => {
  it('refuses DMA mappings outside host memory and calls after close with coded errors', async () => {
    const link = new VerilatorLink({ memorySize: 1 << 20 });
    expect(() => link.mapDma(link.memory.base - 4096, 4096)).toThrow(DeviceError);
    expect(() => link.mapDma(link.memory.base + (1 << 20) - 16, 64)).toThrow(/outside host memory/);
    const buf = link.memory.alloc(4096);
    link.mapDma(buf.addr, 4096);
    expect(() => link.unmapDma(buf.addr, 1234)).toThrow();
    link.unmapDma(buf.addr, 4096);
    expect(await link.mmioRead(Reg.ID)).toBe(0x464c5545);
    await link.close();
    await expect(link.mmioRead(Reg.ID)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
    expect(() => link.takeIrqs()).toThrow(/closed/);
  });

  it('runs two models side by side without sharing state, and time moves only when asked', async () => {
    const a = new VerilatorLink({ name: 'a', memorySize: 1 << 20 });
    const b = new VerilatorLink({ name: 'b', memorySize: 1 << 20 });
    try {
      await a.mmioWrite(Reg.MAC_LO, 0x11223344);
      expect(await b.mmioRead(Reg.MAC_LO)).toBe(0);
      expect(await a.mmioRead(Reg.MAC_LO)).toBe(0x11223344);
      const t = b.now;
      expect(await b.advance(1000, false)).toBe(1000);
      expect(b.now).toBe(t + 1000);
      const lo = await b.mmioRead(Reg.TIMESTAMP_LO);
      expect(lo).toBeGreaterThanOrEqual(t + 1000 - 16);
      expect(lo).toBeLessThanOrEqual(b.now);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
