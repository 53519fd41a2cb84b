/**
 * The `flue` command.
 *   flue demo [--seed N] [--frames N] [--json] [--pcap PATH] [--fst PATH] [--icarus | --link ADDRESS]
 *   flue run <scenario file> [--seed N] [--json] [--pcap PATH] [--icarus | --link ADDRESS]
 *   flue probe --serial PATH [--baud N] [--timeout MS] [--json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DeviceError, DeviceErrorCode } from '../device/errors.js';
import type { DeviceLink } from '../device/link.js';
import { openCocotbLink } from '../device/socket/cocotb-sim.js';
import { SocketLink } from '../device/socket/socket-link.js';
import { repoRoot } from '../device/verilator/native.js';
import { formatSummary, runDemo } from './demo.js';
import { formatProbe, runProbe } from './probe.js';
import { ScenarioError, formatScenario, loadScenario, runScenario } from './scenario.js';

const USAGE = `usage: flue <command> [options]

commands:
  demo      two emulated NICs back to back exchange frames of 60..1514 bytes both ways;
            every byte is verified and a summary printed
            --seed N     seed of the traffic (default 1)
            --frames N   frames each way (default 2000)
            --json       print the summary as one JSON object
            --pcap PATH  capture of the cable (default out/demo.pcap)
            --fst PATH   FST waveform of NIC A (slow)
            --icarus     NIC A is nic_top under Icarus through the cocotb bridge (slower;
                         the same capture as under Verilator; make cocotb-sim builds it)
            --link ADDR  NIC A is a simulator already listening on ADDR (unix:/path or
                         tcp:HOST:PORT), e.g. testbench/cocotb/flue-cocotb-sim
  run FILE  runs a scenario (fixtures/scenarios/*.json): offloaded TCP connections between
            two NICs, with the peer, impairments, connections, bytes each way and upload
            moments the file gives; prints bytes each way, whether SHA-256 matched,
            retransmissions, simulated goodput, cycles, wall time and the capture's path
            --seed N     seed of the data and the impairments (default 1)
            --json       print the summary as one JSON object
            --pcap PATH  capture of the cable (default out/<scenario>-<seed>.pcap)
            --icarus, --link ADDR   NIC A under Icarus, as for demo
  probe     checks a board over its serial port: identity, version, capabilities, a
            register and a DMA self-test, link statistics (round trips and bytes per
            second, CRC errors, retries, from both ends)
            --serial PATH  the serial port (a USB UART, or the simulated board's
                           pseudo-terminal)
            --baud N       line rate (default 3000000, the Arty top's)
            --timeout MS   how long a request waits before it is sent again (default 500)
            --json         print the report as one JSON object
  help      this text`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'FLUE_USAGE';
}

interface Parsed {
  command: string;
  flags: Map<string, string | true>;
  /** arguments that are not options (the scenario file of 'run') */
  positional: string[];
}

function parse(argv: string[]): Parsed {
  const [command = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const name = a.slice(2);
    if (name === 'json' || name === 'icarus') { flags.set(name, true); continue; }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
    i++;
  }
  return { command, flags, positional };
}

function intFlag(flags: Map<string, string | true>, name: string, def: number, min: number, max: number): number {
  const v = flags.get(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${String(v)}'`);
  return n;
}

/** Builds the Verilator model if it is missing (make skips it when it is current). */
function ensureModel(): void {
  if (process.env.FLUE_ADDON) return;
  const root = repoRoot();
  if (existsSync(join(root, 'build', 'addon', 'flue_nic.node'))) return;
  process.stderr.write('building the Verilator model (first run takes a few minutes)...\n');
  const r = spawnSync('make', ['-C', root, 'addon'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new DeviceError(DeviceErrorCode.NOT_BUILT, `'make addon' failed (exit ${r.status ?? r.signal}); see its output above`);
}

/** Progress on one rewritten line on a terminal; a line every quarter in a log. */
function progressPrinter(): (done: number, total: number) => void {
  let lastQuarter = 0;
  return (done, total) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r  ${done}/${total} frames verified`);
      return;
    }
    const quarter = Math.floor((4 * done) / total);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      process.stderr.write(`  ${done}/${total} frames verified\n`);
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  const { command, flags, positional } = parse(argv);
  if (command !== 'run' && positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]!}'`);
  switch (command) {
    case 'help':
    case '--help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case 'demo': {
      for (const k of flags.keys()) {
        if (!['seed', 'frames', 'json', 'pcap', 'fst', 'icarus', 'link'].includes(k)) throw new UsageError(`demo has no option --${k}`);
      }
      const seed = intFlag(flags, 'seed', 1, 0, 2 ** 32 - 1);
      const frames = intFlag(flags, 'frames', 2000, 1, 10_000_000);
      const json = flags.get('json') === true;
      const pcapPath = resolve(String(flags.get('pcap') ?? 'out/demo.pcap'));
      mkdirSync(dirname(pcapPath), { recursive: true });
      const fst = flags.get('fst');
      ensureModel();
      const a = await stationA(flags, typeof fst === 'string' ? resolve(fst) : undefined);
      const summary = await runDemo({
        seed, frames, pcapPath,
        chartPath: pcapPath.replace(/\.pcap$/, '') + '-throughput.svg',
        ...(typeof fst === 'string' && !a.link ? { fstPath: resolve(fst) } : {}),
        ...(a.link ? { linkA: a.link } : {}),
        ...(json ? {} : { onProgress: progressPrinter() }),
      }).finally(() => a.stop());
      if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      process.stdout.write((json ? JSON.stringify(summary) : formatSummary(summary)) + '\n');
      return summary.ok ? 0 : 1;
    }
    case 'run': {
      for (const k of flags.keys()) {
        if (!['seed', 'json', 'pcap', 'icarus', 'link'].includes(k)) throw new UsageError(`run has no option --${k}`);
      }
      if (positional.length !== 1) throw new UsageError(`run needs exactly one scenario file, got ${positional.length}`);
      const scenario = loadScenario(positional[0]!);
      const seed = intFlag(flags, 'seed', 1, 0, 2 ** 31 - 1);
      const json = flags.get('json') === true;
      const pcapPath = resolve(String(flags.get('pcap') ?? `out/${scenario.name}-${seed}.pcap`));
      mkdirSync(dirname(pcapPath), { recursive: true });
      ensureModel();
      if (!json) process.stderr.write(`running ${scenario.name} (seed ${seed})...\n`);
      const a = await stationA(flags, undefined);
      const summary = await runScenario(scenario, { seed, pcapPath, ...(a.link ? { linkA: a.link } : {}) }).finally(() => a.stop());
      process.stdout.write((json ? JSON.stringify(summary) : formatScenario(summary)) + '\n');
      return summary.ok ? 0 : 1;
    }
    case 'probe': {
      for (const k of flags.keys()) {
        if (!['serial', 'baud', 'timeout', 'json'].includes(k)) throw new UsageError(`probe has no option --${k}`);
      }
      const path = flags.get('serial');
      if (typeof path !== 'string') throw new UsageError('probe needs --serial PATH (the board\'s serial port)');
      const baud = intFlag(flags, 'baud', 3_000_000, 300, 100_000_000);
      const timeoutMs = intFlag(flags, 'timeout', 500, 1, 600_000);
      const json = flags.get('json') === true;
      const report = await runProbe({ path, baud, timeoutMs });
      process.stdout.write((json ? JSON.stringify(report) : formatProbe(report)) + '\n');
      return report.ok ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** NIC A from --icarus or --link (undefined: the in-process Verilator model), and how to end it. */
async function stationA(flags: Map<string, string | true>, fstPath: string | undefined): Promise<{ link: DeviceLink | undefined; stop: () => Promise<void> }> {
  const icarus = flags.get('icarus');
  const address = flags.get('link');
  if (icarus !== undefined && address !== undefined) throw new UsageError('--icarus starts a simulator and --link names one already running: give one of them');
  if (icarus !== undefined) {
    const { sim, link } = await openCocotbLink(fstPath ? { fstPath } : {});
    return { link, stop: async () => { await sim.stop(); } };
  }
  if (address !== undefined) {
    if (typeof address !== 'string') throw new UsageError('--link needs an address: unix:/path or tcp:HOST:PORT');
    if (fstPath) throw new UsageError('--fst with --link: the simulator writes its own waveform (flue-cocotb-sim --fst PATH)');
    return { link: await SocketLink.connect(address), stop: async () => undefined };
  }
  return { link: undefined, stop: async () => undefined };
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`flue: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (e instanceof DeviceError || e instanceof ScenarioError) {
      process.stderr.write(`flue: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      throw e;
    }
  }
}
