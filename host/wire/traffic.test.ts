import { describe, expect, it } from 'vitest';
import { buildFrame, frameIndex, frameSize, onesComplementSum, StreamVerifier, type Endpoint } from './traffic.js';

const A: Endpoint = { mac: Uint8Array.of(2, 0, 0, 0, 0, 1), ip: Uint8Array.of(192, 0, 2, 1), port: 1000 };
const B: Endpoint = { mac: Uint8Array.of(2, 0, 0, 0, 0, 2), ip: Uint8Array.of(198, 51, 100, 2), port: 9 };

describe('test traffic', () => {
  it('builds IPv4/UDP frames whose checksums verify', () => {
    for (let i = 0; i < 200; i++) {
      const f = buildFrame(7, 0, i, A, B);
      expect(f.length).toBe(frameSize(7, 0, i));
      expect(f.length).toBeGreaterThanOrEqual(60);
      expect(f.length).toBeLessThanOrEqual(1514);
      expect(onesComplementSum(f, 14, 34)).toBe(0xffff);
      const udpLen = f.length - 34;
      let sum = onesComplementSum(f, 26, 34) + 17 + udpLen;
      sum = onesComplementSum(f, 34, f.length, sum);
      expect(sum).toBe(0xffff);
      expect(frameIndex(f)).toBe(i);
    }
  });

  it('is a pure function of seed, stream and index', () => {
    expect(buildFrame(1, 0, 5, A, B)).toEqual(buildFrame(1, 0, 5, A, B));
    expect(buildFrame(1, 0, 5, A, B)).not.toEqual(buildFrame(2, 0, 5, A, B));
  });

  it('the verifier checks fixed-size streams against the size the sender used', () => {
    const v = new StreamVerifier(3, 0, A, B, 64);
    expect(v.check(buildFrame(3, 0, 0, A, B, 64))).toBe(true);
    expect(v.check(buildFrame(3, 0, 1, A, B))).toBe(false);
  });

  it('the verifier catches a flipped byte, a lost frame and a foreign frame', () => {
    const v = new StreamVerifier(3, 0, A, B);
    expect(v.check(buildFrame(3, 0, 0, A, B))).toBe(true);
    const bad = buildFrame(3, 0, 1, A, B);
    bad[50]! ^= 1;
    expect(v.check(bad)).toBe(false);
    expect(v.check(buildFrame(3, 0, 3, A, B))).toBe(false); // frame 2 never came
    expect(v.check(new Uint8Array(60))).toBe(false);
    expect(v.errors.length).toBe(3);
    expect(v.errors[0]).toMatch(/byte 50/);
  });
});
