import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../wire/pcap.js';
import { totalDrops } from './counters.js';
import { makePair } from './pair.js';
import { bulkTransfer } from './transfer.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'flue-tcp-'));

function tsharkFlags(file: string): string {
  return execFileSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', 'tcp.analysis.flags && !tcp.analysis.window_update'], { encoding: 'utf8' });
}

describe('bulk transfer', () => {
  it('moves 8 MiB each way on a clean link with SHA-256 intact', () => {
    const p = makePair({ tcpA: { receiveBuffer: 1 * MiB }, tcpB: { receiveBuffer: 1 * MiB } });
    const r = bulkTransfer(p, 8 * MiB);
    expect(r.completed).toBe(true);
    expect(r.receivedB).toBe(8 * MiB);
    expect(r.receivedHashB).toBe(r.sentHashA);
    expect(r.receivedHashA).toBe(r.sentHashB);
    expect(p.a.counters.tcpRetransmits + p.b.counters.tcpRetransmits).toBe(0);
    expect(totalDrops(p.a.counters) + totalDrops(p.b.counters)).toBe(0);
  });

  it('moves 8 MiB each way under seeded 1% loss and reordering with SHA-256 intact', () => {
    const impair = { loss: 0.01, reorder: 0.01, reorderDelayMs: 0.5, delayMs: 0.05 };
    const p = makePair({ seed: 7, wire: { aToB: impair, bToA: impair } });
    const r = bulkTransfer(p, 8 * MiB);
    expect(r.completed).toBe(true);
    expect(r.receivedHashB).toBe(r.sentHashA);
    expect(r.receivedHashA).toBe(r.sentHashB);
    expect(p.wire.a.impairment.counters.lost).toBeGreaterThan(0);
    expect(p.a.counters.tcpFastRetransmits + p.b.counters.tcpFastRetransmits).toBeGreaterThan(0);
  });

  it('writes a clean-link capture tshark finds no TCP analysis flags in', () => {
    const file = join(dir, 'clean.pcap');
    const pcap = new PcapWriter(file);
    const p = makePair({ tcpA: { receiveBuffer: 2 * MiB }, tcpB: { receiveBuffer: 2 * MiB }, wire: { pcap } });
    const r = bulkTransfer(p, 1 * MiB);
    pcap.close();
    expect(r.completed).toBe(true);
    expect(tsharkFlags(file)).toBe('');
  });

  it('gives identical capture bytes for the same seed under every impairment, and different bytes for another seed', () => {
    const capture = (name: string, seed: number): Buffer => {
      const file = join(dir, name);
      const pcap = new PcapWriter(file);
      const impair = { loss: 0.02, duplicate: 0.01, reorder: 0.02, corrupt: 0.005, jitterMs: 0.02 };
      const p = makePair({ seed, wire: { pcap, aToB: impair, bToA: impair } });
      const r = bulkTransfer(p, 256 * 1024);
      pcap.close();
      expect(r.completed).toBe(true);
      expect(r.receivedHashB).toBe(r.sentHashA);
      expect(r.receivedHashA).toBe(r.sentHashB);
      const imp = [p.wire.a.impairment.counters, p.wire.b.impairment.counters];
      const corrupted = imp[0]!.corrupted + imp[1]!.corrupted;
      expect(imp[0]!.duplicated + imp[1]!.duplicated).toBeGreaterThan(0);
      expect(corrupted).toBeGreaterThan(0);
      // every corrupted frame was caught (bad checksum, or harmless padding / not-for-us)
      expect(totalDrops(p.a.counters) + totalDrops(p.b.counters)).toBeGreaterThanOrEqual(1);
      expect(p.a.counters.drops.badChecksum + p.b.counters.drops.badChecksum).toBeLessThanOrEqual(corrupted);
      return readFileSync(file);
    };
    const first = capture('seed-99-a.pcap', 99);
    expect(first.equals(capture('seed-99-b.pcap', 99))).toBe(true);
    expect(first.equals(capture('seed-100.pcap', 100))).toBe(false);
  });
});
