/**
 * Seed sweeps against the RTL, shared by the sweep tests (`sweep-*.cosim.test.ts`, one file per
 * sweep so the two run on separate vitest workers): a scenario runs for 50 seeds, every seed
 * judged as `flue run` judges one, its capture by tshark. A failing seed is named with its
 * summary, so `flue run <file> --seed N` replays it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatScenario, runScenario, tsharkComplaints, type Scenario, type ScenarioSummary } from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'flue-sweep-'));
export const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/scenarios', `${name}.json`);
export const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
/** the analysis flags loss, duplication and reordering explain (never a checksum or a window gone wrong) */
const EXPLAINED = ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'duplicate_ack', 'out_of_order',
  'lost_segment', 'ack_lost_segment', 'zero_window', 'zero_window_probe', 'window_full'];

export interface SeedResult { seed: number; summary: ScenarioSummary; complaints: string; passed: boolean }

/** Runs every seed; the capture of a seed that passes is removed, a failing one's kept. */
export async function sweep(s: Scenario, check: (r: ScenarioSummary) => boolean): Promise<SeedResult[]> {
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
export function failures(results: SeedResult[]): string[] {
  return results.filter((x) => !x.passed).map((x) => `seed ${x.seed}:\n${formatScenario(x.summary)}\n${x.complaints}`);
}

