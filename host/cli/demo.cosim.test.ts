/**
 * Two NICs back to back through the miniport: the demo's traffic, judged by tshark, run twice
 * for determinism, and a reset in the middle of traffic.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CplStatus, Reg } from '../../protocol/generated/contract.js';
import { buildFrame, frameIndex, StreamVerifier, type Endpoint } from '../wire/traffic.js';
import { runDemo } from './demo.js';
import { createBackToBack, STATION_A } from './testbed.js';

const dir = mkdtempSync(join(tmpdir(), 'flue-demo-'));

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('demo: two NICs back to back', () => {
  it('exchanges frames of 60..1514 bytes both ways with every byte verified, and tshark finds zero malformed frames', async () => {
    const pcap = join(dir, 'tshark.pcap');
    const chart = join(dir, 'tshark.svg');
    const s = await runDemo({ seed: 7, frames: 400, pcapPath: pcap, chartPath: chart });
    expect([...s.aToB.errors, ...s.bToA.errors]).toEqual([]);
    expect(s.ok).toBe(true);
    expect(s.aToB.frames).toBe(400);
    expect(s.bToA.frames).toBe(400);
    expect(s.interrupts.a).toBeGreaterThan(0);
    expect(readFileSync(chart, 'utf8').match(/<polyline/g)?.length).toBe(2);
    const opts = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
    const all = tshark(['-r', pcap, ...opts, '-T', 'fields', '-e', 'frame.len']).trim().split('\n');
    expect(all.length).toBe(800);
    const sizes = all.map(Number);
    expect(Math.min(...sizes)).toBeLessThan(200);
    expect(Math.max(...sizes)).toBeGreaterThan(1300);
    const bad = tshark(['-r', pcap, ...opts, '-Y', '_ws.malformed || _ws.expert.severity >= warning || ip.checksum.status == "Bad" || udp.checksum.status == "Bad"']).trim();
    expect(bad).toBe('');
  });

  it('same seed, same bytes: two runs give byte-identical captures and identical cycle counts', async () => {
    const p1 = join(dir, 'run1.pcap');
    const p2 = join(dir, 'run2.pcap');
    const p3 = join(dir, 'run3.pcap');
    const r1 = await runDemo({ seed: 42, frames: 300, pcapPath: p1 });
    const r2 = await runDemo({ seed: 42, frames: 300, pcapPath: p2 });
    const r3 = await runDemo({ seed: 43, frames: 300, pcapPath: p3 });
    expect(r1.ok && r2.ok && r3.ok).toBe(true);
    expect(r2.cycles).toBe(r1.cycles);
    expect(r2.interrupts).toEqual(r1.interrupts);
    expect(readFileSync(p2).equals(readFileSync(p1))).toBe(true);
    expect(readFileSync(p3).equals(readFileSync(p1))).toBe(false);
  });

  it('a reset during traffic fails the outstanding sends with ABORTED, and after re-initialization traffic flows again intact', async () => {
    const bed = await createBackToBack({ miniport: { txBuffers: 64, rxBuffers: 128 } });
    try {
      const { a, b, scheduler } = bed;
      const before: Endpoint = { ...STATION_A, port: 41000 };
      const after: Endpoint = { ...STATION_A, port: 42000 };
      const verifyAfter = new StreamVerifier(9, 1, after, b.endpoint);
      let receivedBefore = 0;
      b.adapter.datapath.onReceive((f) => {
        const port = (f[34]! << 8) | f[35]!;
        if (port === before.port && frameIndex(f) >= 0) receivedBefore++;
        else verifyAfter.check(f);
      });
      const statuses: number[] = [];
      for (let i = 0; i < 500; i++) a.adapter.datapath.sendFrame(buildFrame(9, 0, i, before, b.endpoint), (st) => statuses.push(st));
      await a.adapter.datapath.flush();
      await scheduler.run({ until: () => receivedBefore >= 100, maxCycles: 5_000_000 });
      expect(receivedBefore).toBeGreaterThanOrEqual(100);

      await a.adapter.reset();
      expect(a.adapter.state).toBe('running');
      const aborted = statuses.filter((s) => s === CplStatus.ABORTED).length;
      expect(aborted).toBeGreaterThan(0);
      expect(statuses.every((s) => s === CplStatus.OK || s === CplStatus.ABORTED)).toBe(true);
      // the device came back from reset with its counters zeroed and no fault
      expect(await a.link.mmioRead(Reg.STAT_TX_FRAMES)).toBe(0);
      expect(await a.link.mmioRead(Reg.FAULT_CAUSE)).toBe(0);

      // sends that were waiting for a buffer before the reset go out after it; let them drain
      await scheduler.run({ until: () => statuses.length === 500, maxCycles: 5_000_000 });
      const n = 300;
      let done = 0;
      for (let i = 0; i < n; i++) a.adapter.datapath.sendFrame(buildFrame(9, 1, i, after, b.endpoint), (st) => { if (st === CplStatus.OK) done++; });
      await a.adapter.datapath.flush();
      await scheduler.run({ until: () => verifyAfter.received >= n && done === n, maxCycles: 5_000_000 });
      expect(verifyAfter.errors).toEqual([]);
      expect(verifyAfter.received).toBe(n);
      expect(a.link.counters().protocolErrors).toBe(0);
    } finally {
      await bed.close();
    }
  });
});
