/**
 * The cocotb bridge's speed (issue 8): the same scenarios, with the same seed, with station A's
 * card in process under Verilator and then under Icarus through the cocotb bridge (a child
 * process on a Unix socket). Reported as simulated cycles per wall-clock second of the whole run
 * (both cards, both hosts' stacks and drivers, the scheduler), and their ratio. The two runs
 * are the same run cycle for cycle (the tests check their captures are equal); the bench checks
 * that the cycle counts agree before it reports anything.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runDemo } from '../host/cli/demo.js';
import { runScenario, type Scenario } from '../host/cli/scenario.js';
import { openCocotbLink } from '../host/device/socket/cocotb-sim.js';
import type { DeviceLink } from '../host/device/link.js';
import { median } from './median.js';
import type { Metric } from './run.js';

const VERILATOR_RUNS = 5;
const ICARUS_RUNS = 3;
const scratch = tmpdir();

interface Run {
  cycles: number;
  wallMs: number;
}

interface Case {
  name: string;
  what: string;
  run: (linkA: DeviceLink | undefined) => Promise<Run>;
}

const DEMO_FRAMES = 256;
const OFFLOAD: Scenario = { name: 'bench-icarus-1mib', peer: 'software', connections: 1, bytes: 1 << 20, bytesBtoA: 4096, socketBuffer: 256 * 1024, maxCycles: 4e7 };

const CASES: Case[] = [
  {
    name: 'plain-frame demo',
    what: `the plain-frame demo, ${DEMO_FRAMES} frames each way (seed 3)`,
    async run(linkA) {
      const s = await runDemo({ seed: 3, frames: DEMO_FRAMES, window: 64, pcapPath: join(scratch, 'bench-cocotb-demo.pcap'), ...(linkA ? { linkA } : {}) });
      if (!s.ok) throw new Error('the demo failed during the cocotb benchmark');
      return { cycles: s.cycles, wallMs: s.wallSeconds * 1000 };
    },
  },
  {
    name: '1 MiB offload',
    what: 'one offloaded connection carrying 1 MiB from A\'s card to the software stack on B (seed 5)',
    async run(linkA) {
      const r = await runScenario(OFFLOAD, { seed: 5, pcapPath: join(scratch, 'bench-cocotb-1mib.pcap'), ...(linkA ? { linkA } : {}) });
      if (!r.ok) throw new Error('the 1 MiB offload failed during the cocotb benchmark');
      return { cycles: r.cycles, wallMs: r.wallMs };
    },
  },
];

export async function cocotbBridgeSpeed(log: (msg: string) => void): Promise<Metric[]> {
  const out: Metric[] = [];
  for (const c of CASES) {
    const verilator: Run[] = [];
    for (let i = 0; i < VERILATOR_RUNS; i++) verilator.push(await c.run(undefined));
    const icarus: Run[] = [];
    for (let i = 0; i < ICARUS_RUNS; i++) {
      const { sim, link } = await openCocotbLink();
      try {
        icarus.push(await c.run(link));
      } finally {
        await sim.stop();
      }
    }
    const cycles = verilator[0]!.cycles;
    for (const r of [...verilator, ...icarus]) {
      if (r.cycles !== cycles) throw new Error(`${c.name}: a run took ${r.cycles} cycles, another ${cycles}: the backends are not in lockstep`);
    }
    const vRate = median(verilator.map((r) => r.cycles / (r.wallMs / 1000)));
    const iRate = median(icarus.map((r) => r.cycles / (r.wallMs / 1000)));
    log(`  ${c.name}: ${cycles} cycles; Verilator ${Math.round(vRate)} cycles/s, Icarus through the bridge ${Math.round(iRate)} cycles/s`);
    const how = `${c.what}: ${cycles} cycles (the same on every run, either backend), over the run's wall time; host stacks, drivers and NIC B (Verilator) included`;
    out.push(
      { name: `${c.name}, card A in process under Verilator: simulated cycles per wall-clock second`, value: Math.round(vRate), unit: 'cycles/s', how: `median of ${VERILATOR_RUNS} runs of ${how}` },
      { name: `${c.name}, card A under Icarus through the cocotb bridge: simulated cycles per wall-clock second`, value: Math.round(iRate), unit: 'cycles/s', how: `median of ${ICARUS_RUNS} runs of ${how}; Icarus and cocotb in a child process on a Unix socket` },
      { name: `${c.name}: Verilator over Icarus through the bridge`, value: Math.round((vRate / iRate) * 10) / 10, unit: 'ratio', how: 'the two medians above' },
    );
  }
  return out;
}
