/**
 * Issue 8's offloaded transfer under Icarus: station A's card is nic_top under Icarus through
 * the cocotb bridge; its host offloads one connection through the chimney stack and the card
 * sends 1 MiB to the software stack on an in-process Verilator NIC. The same scenario with the
 * same seed on an in-process Verilator card A must give the same capture, byte for byte. Apart
 * from cocotb.cosim.test.ts so that the two files run side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario, type Scenario } from '../../cli/scenario.js';
import { openCocotbLink, type CocotbSim } from './cocotb-sim.js';

const scratch = mkdtempSync(join(tmpdir(), 'flue-cocotb-offload-'));
let sim: CocotbSim | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('an offloaded connection on nic_top under Icarus', () => {
  it('one offloaded connection carries 1 MiB to a software peer, SHA-256 equal, and the capture is the Verilator run\'s byte for byte', async () => {
    const scenario: Scenario = { name: 'icarus-1mib', peer: 'software', connections: 1, bytes: 1 << 20, bytesBtoA: 4096, socketBuffer: 256 * 1024, maxCycles: 4e7 };
    const verilator = await runScenario(scenario, { seed: 5, pcapPath: join(scratch, 'verilator.pcap') });
    expect(verilator.result).toBe('done');
    const opened = await openCocotbLink();
    sim = opened.sim;
    const link = opened.link;
    const r = await runScenario(scenario, { seed: 5, linkA: link, pcapPath: join(scratch, 'icarus.pcap') });
    expect(r.result).toBe('done');
    expect(r.bytesAtoB).toBe(1 << 20);
    expect(r.sha256Match).toBe(true);
    expect(r.offloads.a).toBe(1);
    expect(r.uploadCauses).toEqual(['A closed']);
    expect(r.dmaErrors).toEqual([0, 0]);
    expect(r.violations).toEqual([]);
    // the card sent the data, every byte read over the socket by DMA
    expect(r.toe[0].txSegments).toBeGreaterThanOrEqual(Math.ceil((1 << 20) / 1460));
    expect(link.counters().dmaReads).toBeGreaterThanOrEqual((1 << 20) / 256);
    expect(link.counters().protocolErrors).toBe(0);
    // the same run as under Verilator: every count, every cycle, and the capture
    expect(r.cycles).toBe(verilator.cycles);
    expect({ ...r, wallMs: 0, pcap: '', scenario: '' }).toEqual({ ...verilator, wallMs: 0, pcap: '', scenario: '' });
    const a = readFileSync(join(scratch, 'verilator.pcap'));
    const b = readFileSync(join(scratch, 'icarus.pcap'));
    expect(b.length).toBeGreaterThan(1 << 20);
    expect(b.equals(a)).toBe(true);
  }, 900_000);
});
