/**
 * Scenarios against the RTL: `flue run`'s runner with the cards Verilated, the miniport and the
 * NDIS runtime in the loop. What each checks is in its name; the capture is judged by tshark.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Reg } from '../../protocol/generated/contract.js';
import type { OffloadClientCounters } from '../drivers/protocol/offload/client.js';
import { NdisStatus } from '../ndis/status.js';
import { main } from './main.js';
import { loadScenario, runScenario, tsharkComplaints, type ScenarioSummary } from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'flue-scenario-'));
const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/scenarios', `${name}.json`);

function expectDelivered(r: ScenarioSummary, bytes: number, connections = 1): void {
  expect(r.result).toBe('done');
  expect(r.violations).toEqual([]);
  expect(r.firstBad).toEqual(Array.from({ length: connections }, () => ({ aToB: -1, bToA: -1 })));
  expect([r.bytesAtoB, r.bytesBtoA]).toEqual([bytes * connections, bytes * connections]);
  expect(r.sha256Match).toBe(true);
  expect(r.badDescriptors).toEqual([0, 0]);
  expect(r.dmaErrors).toEqual([0, 0]);
  expect(r.ok).toBe(true);
}

describe('scenarios on the RTL', () => {
  it('R41 R46: sequence numbers that start within 64 KiB of 2^32 change nothing: 1 MiB each way, no retransmission, a clean capture', async () => {
    const s = loadScenario(fixture('sequence-wrap'));
    expect(s.isn!.a).toBeGreaterThan(2 ** 32 - 65536);
    expect(s.isn!.b).toBeGreaterThan(2 ** 32 - 65536);
    const pcap = join(dir, 'wrap.pcap');
    const r = await runScenario(s, { seed: 1, pcapPath: pcap });
    expectDelivered(r, s.bytes);
    expect(r.offloads.a).toBe(1);
    expect(r.retransmissions).toBe(0);
    expect(tsharkComplaints(pcap)).toBe('');
    // the capture really crosses 2^32 in both directions while offloaded
    const seqs = execFileSync('tshark', ['-r', pcap, '-o', 'tcp.relative_sequence_numbers:FALSE', '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.seq'], { encoding: 'utf8', maxBuffer: 1 << 26 })
      .trim().split('\n').map((l) => l.split('\t'));
    for (const src of ['192.0.2.10', '198.51.100.11']) {
      const mine = seqs.filter(([ip]) => ip === src).map(([, q]) => Number(q));
      expect(mine.some((q) => q > 2 ** 32 - 65536)).toBe(true);
      expect(mine.some((q) => q < 65536)).toBe(true);
    }
  }, 120_000);

  it('R48 R55 R64: with one receive posted at a time, its completion and the indications after it reach the host in the card\'s order (256 KiB, intact)', async () => {
    // the window (256 KiB) is far larger than the posts (16 KiB): most data finds no post and
    // is indicated from NIC buffers, right behind the completion of the post before it
    const r = await runScenario({ name: 'one-post', peer: 'software', connections: 1, bytes: 256 * 1024, receiveMemory: 16384 }, { seed: 1 });
    expectDelivered(r, 256 * 1024);
    expect(r.offloads.a).toBe(1);
  }, 120_000);

  it('R12 R21: with 768 idle occupants in the 1024-entry table, 256 connections offloaded at once carry 64 KiB each way intact; one more is refused with OFFLOAD_TCP_ENTRIES, carried in software, and disturbs no occupant', async () => {
    const s = loadScenario(fixture('many-connections'));
    expect([s.connections, s.occupied]).toEqual([257, 768]);
    const r = await runScenario(s, { seed: 1 });
    expectDelivered(r, s.bytes, s.connections);
    expect(r.offloads.a).toBe(256);
    expect(r.peakOffloaded.a).toBe(256);
    // the card's RESOURCES, mapped by the miniport to the TCP-entries resource status (R12)
    expect(r.offloadFailures).toEqual([`A 0x${NdisStatus.OFFLOAD_TCP_ENTRIES.toString(16)}`]);
    // every occupant queried at the end: ESTABLISHED, sequence numbers as installed
    expect(r.occupied).toEqual({ count: 768, problems: '' });
  }, 300_000);

  it('R41 R48: 64 connections offloaded at once move 256 KiB each way at the wire\'s pace: the card drops no segment in their bursts (no retransmission), every byte intact', async () => {
    // 64 windows of 256 KiB let B burst at line rate; a header-record queue too short for the
    // ACKs among the data dropped segments here, and the peer's 1 s RTO then stalled the run
    const pcap = join(dir, 'sixty-four.pcap');
    const r = await runScenario({ name: 'sixty-four', peer: 'software', connections: 64, bytes: 256 * 1024, maxCycles: 4_000_000 }, { seed: 1, pcapPath: pcap });
    expectDelivered(r, 256 * 1024, 64);
    expect(r.offloads.a).toBe(64);
    expect(r.retransmissions).toBe(0);
    // the card's own count: nothing dropped inside it, nothing sent twice
    expect(r.toe[0]).toMatchObject({ rxDropped: 0, rxChecksumErrors: 0, retransmits: 0 });
    expect(r.toe[0].rxSegments).toBeGreaterThan(16 * 2 ** 20 / 1460);
    // 16 MiB each way within 3 M cycles (19 ms simulated): 2.57 M when measured
    expect(r.cycles).toBeLessThan(3_000_000);
  }, 300_000);

  it('R40 R42: 48 connections writing 256 KiB each way in 4 KiB sends post 3072 sends, more than the card\'s 2048 send entries hold: the miniport keeps the rest until entries free, every send completes SUCCESS with its bytes, none is returned and no connection is uploaded before it closes, every byte intact', async () => {
    let seen: { sendEntries: number; client: OffloadClientCounters; queued: number; peak: number; io: { requests: number; completions: number } } | undefined;
    const r = await runScenario({ name: 'send-entries', peer: 'software', connections: 48, bytes: 256 * 1024, maxSendNbl: 4096, maxCycles: 8_000_000 }, { seed: 1 }, async (rig) => {
      const { client, target, ndis } = rig.sideA;
      seen = {
        sendEntries: await rig.bed.a.link.mmioRead(Reg.SEND_ENTRIES), client: { ...client.counters }, queued: target.sendsQueued, peak: target.sendEntriesPeak,
        io: { requests: ndis.counters.ioRequests, completions: ndis.counters.ioCompletions },
      };
    });
    expectDelivered(r, 256 * 1024, 48);
    expect(seen!.sendEntries).toBe(2048);
    // 64 sends per connection in flight at once (its 256 KiB send buffer): more than the card holds
    expect(seen!.client.sends).toBe(48 * 64);
    expect(seen!.peak).toBe(seen!.sendEntries);
    expect(seen!.queued).toBeGreaterThan(0);
    // every send SUCCESS: all bytes acknowledged on the card, none returned for the software to send (R42)
    expect(seen!.client).toMatchObject({ sendBytesAcked: 48 * 256 * 1024, sendsReturned: 0, sendsAborted: 0 });
    expect(seen!.io.completions).toBe(seen!.io.requests);
    // the scenario takes every connection back once both sides closed it; nothing else uploaded one
    // (a refused send did: 'A io-failed (status 0xc000009a)', NDIS_STATUS_RESOURCES)
    expect(r.uploadCauses.filter((c) => c !== 'A closed')).toEqual([]);
    expect(r.offloads.a).toBe(48);
  }, 300_000);

  it('R21: connections offloaded only after their side closed (FIN_WAIT_1, data and FIN still to send) finish on the card, data intact', async () => {
    const s = loadScenario(fixture('offload-after-close'));
    const r = await runScenario(s, { seed: 1 });
    expectDelivered(r, s.bytes, s.connections);
    expect(r.offloads.a).toBe(s.connections);
    expect(r.offloadFailures).toEqual([]);
  }, 120_000);

  it('R19 R21 R55 R64: offloaded with everything sent and the FIN out while the peer\'s data and FIN arrive as the card takes the connection: its early events wait for the initiate to complete, the held data reaches the host before the FIN, every connection ends on the card', async () => {
    // 4 KiB each way: A's data and FIN leave before the offload; B's reach the card at once,
    // before any receive is posted (the indications the host refuses are held by the target)
    const s = { ...loadScenario(fixture('offload-after-close')), bytes: 4096 };
    const r = await runScenario(s, { seed: 1 });
    expectDelivered(r, s.bytes, s.connections);
    expect(r.offloads.a).toBe(s.connections);
    expect(r.uploads.a).toBe(s.connections);
  }, 120_000);

  it('flue run: runs a scenario file and prints its summary as JSON; exit status 0 when everything held', async () => {
    const file = join(dir, 'small.json');
    writeFileSync(file, JSON.stringify({ name: 'small', peer: 'software', connections: 1, bytes: 1 << 20 }));
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
    let status: number;
    try {
      status = await main(['run', file, '--seed', '3', '--json', '--pcap', join(dir, 'small.pcap')]);
    } finally {
      spy.mockRestore();
    }
    expect(status).toBe(0);
    const summary = JSON.parse(out.join('')) as ScenarioSummary;
    expect(summary).toMatchObject({ scenario: 'small', seed: 3, ok: true, sha256Match: true, bytesAtoB: 1 << 20, bytesBtoA: 1 << 20, retransmissions: 0, pcap: join(dir, 'small.pcap') });
    expect(summary.cycles).toBeGreaterThan(0);
    expect(summary.goodputGbps).toBeGreaterThan(10);
  }, 120_000);
});
