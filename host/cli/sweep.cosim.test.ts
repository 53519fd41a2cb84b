/**
 * Seed sweeps against the RTL: the impaired scenarios run for 50 seeds each (1 MiB each way),
 * every seed judged as `flue run` judges one, its capture by tshark. A failing seed is named
 * with its summary, so `flue run <file> --seed N` replays it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenario, loadScenario, runScenario, tsharkComplaints, type Scenario, type ScenarioSummary } from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'flue-sweep-'));
const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/scenarios', `${name}.json`);
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
/** the analysis flags loss, duplication and reordering explain (never a checksum or a window gone wrong) */
const EXPLAINED = ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'duplicate_ack', 'out_of_order',
  'lost_segment', 'ack_lost_segment', 'zero_window', 'zero_window_probe', 'window_full'];

interface SeedResult { seed: number; summary: ScenarioSummary; complaints: string; passed: boolean }

/** Runs every seed; the capture of a seed that passes is removed, a failing one's kept. */
async function sweep(s: Scenario, check: (r: ScenarioSummary) => boolean): Promise<SeedResult[]> {
  const out: SeedResult[] = [];
  for (const seed of SEEDS) {
    const pcap = join(dir, `${s.name}-${seed}.pcap`);
    const summary = await runScenario(s, { seed, pcapPath: pcap });
    const complaints = tsharkComplaints(pcap, EXPLAINED);
    const passed = summary.ok && check(summary) && complaints === '';
    out.push({ seed, summary, complaints, passed });
    if (passed) rmSync(pcap);
  }
  return out;
}

/** Every seed that failed, with what `flue run` would print for it. */
function failures(results: SeedResult[]): string[] {
  return results.filter((x) => !x.passed).map((x) => `seed ${x.seed}:\n${formatScenario(x.summary)}\n${x.complaints}`);
}

describe('seed sweeps on the RTL', () => {
  it('R41 R46 a sweep of 50 seeds with loss, duplication, reordering and delay (1 MiB each way): every seed intact, offloaded throughout, tshark clean apart from what the impairment explains; out-of-order data is held and taken in at once when the gap fills', async () => {
    const s = loadScenario(fixture('impaired'));
    expect(s.bytes).toBe(1 << 20);
    const check = (r: ScenarioSummary): boolean => r.offloads.a === 1 && r.firstBad.every((b) => b.aToB === -1 && b.bToA === -1);
    const results = await sweep(s, check);
    expect(failures(results)).toEqual([]);
    // every seed really was impaired both ways
    for (const { summary: r } of results) {
      expect(r.impairment!.aToB.lost + r.impairment!.aToB.reordered).toBeGreaterThan(0);
      expect(r.impairment!.bToA.lost + r.impairment!.bToA.reordered).toBeGreaterThan(0);
    }
    // the card holds what arrives after a hole and takes it in when the hole fills, so a loss
    // costs a retransmission, not the peer's whole flight one segment per round trip or per
    // RTO: in simulated time (exact) the median seed needs under 2 M cycles (0.96 M measured;
    // the slowest, 14.8 M, lost a retransmission and backed off) where, when the card dropped
    // out-of-order data, seeds 1 and 2 took 30.3 M and 38.4 M
    const cycles = results.map((x) => x.summary.cycles).sort((x, y) => x - y);
    expect(cycles[cycles.length - 1]).toBeLessThan(25_000_000);
    expect(cycles[cycles.length >> 1]).toBeLessThan(2_000_000);
  }, 1_800_000);

  it('R21 R30 R31 R43 R44 an upload in the middle of a transfer, carried on in software, offloaded again, over 50 seeds with 1% loss and reordering (1 MiB each way): every seed intact, tshark clean apart from what the impairment explains', async () => {
    const s = loadScenario(fixture('upload-reoffload'));
    expect(s.bytes).toBe(1 << 20);
    expect(s.impairment).toMatchObject({ loss: 0.01, reorder: 0.01 });
    const check = (r: ScenarioSummary): boolean => r.offloads.a === 2 && r.uploads.a === 2 && r.uploadCauses[0] === 'A demand' && r.offloadFailures.length === 0;
    const results = await sweep(s, check);
    expect(failures(results)).toEqual([]);
  }, 1_800_000);
});
