import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter, readPcap } from './pcap.js';

describe('pcap', () => {
  it('writes nanosecond records that read back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flue-pcap-')), 'x.pcap');
    const w = new PcapWriter(path);
    w.write(Uint8Array.of(1, 2, 3), 6.4);
    w.write(new Uint8Array(1514).fill(7), 2_000_000_012.8);
    w.close();
    const frames = readPcap(readFileSync(path));
    expect(frames.map((f) => f.timeNs)).toEqual([6, 2_000_000_013]);
    expect(frames[1]!.data.length).toBe(1514);
    expect(() => w.write(Uint8Array.of(1), 0)).toThrow(/closed/);
  });

  it('rejects what is not a pcap', () => {
    expect(() => readPcap(new Uint8Array(10))).toThrow(/shorter/);
    expect(() => readPcap(new Uint8Array(24))).toThrow(/not a little-endian pcap/);
  });
});
