/** 50 seeds of an upload and re-offload in the middle of an impaired transfer against the RTL (host/cli/seed-sweep.ts). */
import { describe, expect, it } from 'vitest';
import { loadScenario, type ScenarioSummary } from './scenario.js';
import { failures, fixture, sweep } from './seed-sweep.js';

describe('seed sweeps on the RTL', () => {
  it('R21 R30 R31 R43 R44 an upload in the middle of a transfer, carried on in software, offloaded again, over 50 seeds with 1% loss and reordering (1 MiB each way): every seed intact, tshark clean apart from what the impairment explains', async () => {
    const s = loadScenario(fixture('upload-reoffload'));
    expect(s.bytes).toBe(1 << 20);
    expect(s.impairment).toMatchObject({ loss: 0.01, reorder: 0.01 });
    const check = (r: ScenarioSummary): boolean => r.offloads.a === 2 && r.uploads.a === 2 && r.uploadCauses[0] === 'A demand' && r.offloadFailures.length === 0;
    const results = await sweep(s, check);
    expect(failures(results)).toEqual([]);
  }, 1_800_000);
});
