import { describe, expect, it } from 'vitest';
import { MockLink } from '../../device/mock/mock-link.js';
import { MiniportAdapter } from './adapter.js';

describe('MiniportAdapter configuration', () => {
  it('refuses receive buffers that would fill more than half the request ring (sends must always find room)', () => {
    expect(() => new MiniportAdapter(new MockLink(), { reqRingLog2: 8, rxBuffers: 129 })).toThrow(/exceeds half the request ring/);
    expect(() => new MiniportAdapter(new MockLink(), { reqRingLog2: 8, rxBuffers: 128 })).not.toThrow();
  });

  it('refuses ring sizes outside the contract with a clear message', () => {
    expect(() => new MiniportAdapter(new MockLink(), { reqRingLog2: 1 })).toThrow(/reqRingLog2 1 must be an integer from 2 to 16/);
    expect(() => new MiniportAdapter(new MockLink(), { cplRingLog2: 17 })).toThrow(/cplRingLog2 17/);
  });
});
