/**
 * `make bench`: measures and writes BENCHMARKS.md (for people) and bench/results.json (for
 * machines). Simulated-time figures are exact; wall-clock figures are medians of several runs
 * on the machine named in the report.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CORE_CLOCK_HZ, Opcode, Reg, WIRE_BYTES_PER_CYCLE } from '../protocol/generated/contract.js';
import { LockstepScheduler } from '../host/device/scheduler.js';
import { repoRoot } from '../host/device/verilator/native.js';
import { VerilatorLink } from '../host/device/verilator/backend.js';
import { MiniportAdapter } from '../host/drivers/miniport/adapter.js';
import { runDemo } from '../host/cli/demo.js';
import { initiateTree, scripted, sendNbl, targetObjectOf, world } from '../host/drivers/intermediate/fixtures.js';
import { NdisStatus } from '../host/ndis/status.js';
import { TCP_MINIPORT, createBackToBack, stackOn } from '../host/cli/testbed.js';
import { runScenario } from '../host/cli/scenario.js';
import { readPcap } from '../host/wire/pcap.js';
import { measureToeLatencies } from './toe-latency.js';
import { median } from './median.js';
import { boardSynthReport, serialLinkRates } from './serial.js';
import { cocotbBridgeSpeed } from './cocotb.js';
import { makePair } from '../host/drivers/protocol/pair.js';
import { bulkTransfer, seededBytes } from '../host/drivers/protocol/transfer.js';

export interface Metric {
  name: string;
  value: number;
  unit: string;
  how: string;
}

const RUNS = 5;
/** 10GbE per-frame overhead beyond the frame: FCS 4, preamble 8, inter-frame gap 12 bytes */
const WIRE_OVERHEAD_BYTES = 24;


function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

const scratch = join(tmpdir(), 'flue-bench');
mkdirSync(scratch, { recursive: true });

async function simulatorSpeed(): Promise<Metric> {
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await runDemo({ seed: 1, frames: 1000, pcapPath: join(scratch, 'speed.pcap') });
    if (!s.ok) throw new Error('demo run failed during the benchmark');
    rates.push(s.cyclesPerWallSecond);
    log(`  run ${i + 1}: ${Math.round(s.cyclesPerWallSecond)} cycles/s (two nic_top models)`);
  }
  return {
    name: 'nic_top simulated cycles per wall-clock second',
    value: Math.round(median(rates)),
    unit: 'cycles/s',
    how: `median of ${RUNS} demo runs (2 NICs back to back, 1000 frames each way, host drivers included); the scheduler's cycles over wall time`,
  };
}

async function plainThroughput(size: number): Promise<Metric[]> {
  const s = await runDemo({ seed: 1, frames: 3000, fixedSize: size, oneWay: true, window: 256, pcapPath: join(scratch, `tput-${size}.pcap`) });
  if (!s.ok) throw new Error(`throughput run with ${size}-byte frames failed: ${s.aToB.errors.join('; ')}`);
  const wireBeats = Math.ceil(size / WIRE_BYTES_PER_CYCLE) + Math.ceil(WIRE_OVERHEAD_BYTES / WIRE_BYTES_PER_CYCLE);
  const limit = (size * 8 * CORE_CLOCK_HZ) / wireBeats / 1e9;
  return [
    {
      name: `plain-frame throughput, ${size}-byte frames`,
      value: Number(s.aToB.simulatedGbps.toFixed(3)),
      unit: 'Gbit/s (simulated)',
      how: `3000 frames A→B, host keeps 256 in flight; frame bytes (FCS excluded) between the first and last frame received, at ${CORE_CLOCK_HZ / 1e6} MHz`,
    },
    {
      name: `plain-frame throughput, ${size}-byte frames, share of wire limit`,
      value: Number((s.aToB.simulatedGbps / limit).toFixed(4)),
      unit: 'ratio',
      how: `measured / limit of a 64-bit wire with a 3-cycle gap per frame (${limit.toFixed(3)} Gbit/s)`,
    },
  ];
}

async function mmioCost(): Promise<Metric[]> {
  const N = 50_000;
  const sync: number[] = [];
  const viaLink: number[] = [];
  let cyclesPerRead = 0;
  for (let r = 0; r < RUNS; r++) {
    const link = new VerilatorLink({ name: 'bench', memorySize: 1 << 20 });
    const c0 = link.now;
    link.mmioReadSync(Reg.ID);
    cyclesPerRead = link.now - c0;
    let t = performance.now();
    for (let i = 0; i < N; i++) link.mmioReadSync(Reg.ID);
    sync.push(((performance.now() - t) * 1e6) / N);
    t = performance.now();
    for (let i = 0; i < N; i++) await link.mmioRead(Reg.ID);
    viaLink.push(((performance.now() - t) * 1e6) / N);
    await link.close();
  }
  return [
    { name: 'simulated cycles per MMIO read (AXI4-Lite)', value: cyclesPerRead, unit: 'cycles', how: 'one read of ID: the cycles the harness clocks from AR to R' },
    { name: 'host ns per MMIO read (addon call, AXI4-Lite cycles simulated)', value: Math.round(median(sync)), unit: 'ns', how: `median of ${RUNS} runs of ${N} reads of ID` },
    { name: 'host ns per MMIO read through the DeviceLink (promise)', value: Math.round(median(viaLink)), unit: 'ns', how: `median of ${RUNS} runs of ${N} awaited reads of ID` },
  ];
}

async function completionCost(): Promise<Metric> {
  const perCompletion: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const link = new VerilatorLink({ name: 'bench', memorySize: 4 << 20 });
    const adapter = new MiniportAdapter(link, { reqRingLog2: 10, cplRingLog2: 10, rxBuffers: 1, moderation: { count: 64, timeCycles: 2000 } });
    await adapter.initialize();
    let hostNs = 0;
    const sched = new LockstepScheduler(256);
    sched.attach(link, async (v) => {
      const t = performance.now();
      await adapter.handleInterrupt(v);
      hostNs += (performance.now() - t) * 1e6;
    });
    const total = 20_000;
    let done = 0;
    let posted = 0;
    const post = (): void => {
      while (posted < total && posted - done < 512) {
        posted++;
        void adapter.postRequest({ opcode: Opcode.NOP, flags: 0, addr: 0, length: 0, conn: 0, param: 0 }).then(() => { done++; post(); });
      }
    };
    post();
    await adapter.flushDoorbells();
    await sched.run({ until: () => done === total, maxCycles: 50_000_000 });
    await new Promise((r2) => setImmediate(r2));
    perCompletion.push(hostNs / adapter.counters.completions);
    await link.close();
  }
  return {
    name: 'host ns per completion handled',
    value: Math.round(median(perCompletion)),
    unit: 'ns',
    how: `median of ${RUNS} runs of 20000 NOPs, moderation 64 entries / 2000 cycles: wall time in ISR+DPC (incl. its doorbell and re-arm MMIO) over completions`,
  };
}

/**
 * Host time per chimney I/O request through the stack: NdisOffloadTcpSend at the protocol edge,
 * down through `depth` IMs to the offload target, and its completion back up. The target is the
 * scripted one (no simulator), so only host code is timed.
 */
function chimneyIoCost(depth: number): Metric {
  const BATCH = 256;
  const ROUNDS = 40;
  const samples: number[] = [];
  // one more run than measured: the first warms the JIT up and is dropped
  for (let r = 0; r <= RUNS; r++) {
    const w = world(depth, scripted());
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const h = t.handles.tcps[0]!;
    const obj = targetObjectOf(h);
    const data = new Uint8Array(64);
    const nbls = Array.from({ length: BATCH }, () => sendNbl(w.memory, data));
    let completed = 0;
    const start = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of nbls) {
        n.next = null;
        const nb = n.firstNetBuffer!;
        nb.dataOffset = 0;
        nb.dataLength = 64;
        nb.currentMdl = nb.mdlChain;
        nb.currentMdlOffset = 0;
        if (w.ndis.offloadTcpSend(h, n) !== NdisStatus.PENDING) throw new Error('send did not pend');
      }
      w.q.drain();
      w.target.acknowledge(obj, 64 * BATCH);
      w.q.drain();
      completed += BATCH;
    }
    if (r > 0) samples.push(((performance.now() - start) * 1e6) / completed);
    const got = w.host.completions.filter((c) => c.op === 'send').reduce((a, c) => a + (c.nbls?.length ?? 0), 0);
    if (got !== completed || w.ndis.violations.length) throw new Error(`chimney bench: ${got}/${completed} completions, ${w.ndis.violations.length} violations`);
  }
  return {
    name: `host ns per chimney I/O request, ${depth} intermediate driver${depth === 1 ? '' : 's'}`,
    value: Math.round(median(samples)),
    unit: 'ns',
    how: `median of ${RUNS} runs (after one warm-up) of ${ROUNDS}×${BATCH} NdisOffloadTcpSend calls, protocol edge → NDIS → ${depth} IM(s) → scripted target and the completion back up (no simulator); goal < 2000 ns with 3 IMs`,
  };
}

/** One bulk transfer A→B of the software stack over two RTL NICs back to back (plain path). */
async function stackOverRtl(bytes: number): Promise<{ cycles: number; cpuUs: number; segments: number }> {
  const bed = await createBackToBack({ miniport: TCP_MINIPORT });
  try {
    const a = stackOn(bed, bed.a, '192.0.2.10', 1);
    const b = stackOn(bed, bed.b, '198.51.100.11', 2);
    const data = seededBytes(1, bytes);
    let got = 0;
    let sent = 0;
    const l = b.listen(80);
    l.on('connection', () => { const s = l.accept()!; s.on('data', () => { got += s.receive().length; }); });
    const c = a.connect('198.51.100.11', 80);
    await bed.scheduler.run({ until: () => c.state === 'ESTABLISHED', maxCycles: 10_000_000 });
    const pump = (): void => { while (sent < bytes) { const n = c.send(data.subarray(sent, sent + 65536)); if (!n) return; sent += n; } };
    c.on('drain', pump);
    const cyc0 = bed.scheduler.now;
    const cpu0 = process.cpuUsage();
    pump();
    await bed.scheduler.run({ until: () => got === bytes, maxCycles: 2_000_000_000 });
    const cpu = process.cpuUsage(cpu0);
    if (got !== bytes) throw new Error(`stack goodput: ${got} of ${bytes} bytes arrived`);
    return { cycles: bed.scheduler.now - cyc0, cpuUs: cpu.user + cpu.system, segments: a.counters.tcpSegmentsOut + b.counters.tcpSegmentsOut };
  } finally {
    await bed.close();
  }
}

/** The software stack's bulk goodput over the RTL NIC (simulated, exact) and host CPU per segment. */
async function stackGoodput(): Promise<Metric[]> {
  const BYTES = 16 << 20;
  const runs: Awaited<ReturnType<typeof stackOverRtl>>[] = [];
  for (let i = 0; i < 3; i++) runs.push(await stackOverRtl(BYTES));
  const r = runs[0]!;
  const gbps = (BYTES * 8) / (r.cycles / CORE_CLOCK_HZ) / 1e9;
  // the stack alone: the same transfer over the in-memory wire (no simulator in the loop)
  const alone: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p = makePair({ tcpA: { receiveBuffer: 128 * 1024, sendBuffer: 128 * 1024 }, tcpB: { receiveBuffer: 128 * 1024, sendBuffer: 128 * 1024 } });
    const cpu0 = process.cpuUsage();
    const t = bulkTransfer(p, 8 << 20, { bothWays: true });
    const cpu = process.cpuUsage(cpu0);
    if (!t.completed) throw new Error('stack goodput: the in-memory transfer did not complete');
    alone.push(((cpu.user + cpu.system) * 1000) / (p.a.counters.tcpSegmentsOut + p.b.counters.tcpSegmentsOut));
  }
  return [
    { name: 'software TCP goodput over the RTL NIC, bulk 16 MiB', value: Number(gbps.toFixed(3)), unit: 'Gbit/s (simulated)', how: `16 MiB A→B over one connection (MSS 1460, 128 KiB windows), two nic_top back to back, plain L2 path; payload bits over simulated time from the first send to the last byte read, at 156.25 MHz (exact, same on every run: ${runs.map((x) => x.cycles).join(' / ')} cycles)` },
    { name: 'host CPU per TCP segment, stack + drivers + RTL simulation', value: Math.round(median(runs.map((x) => (x.cpuUs * 1000) / x.segments))), unit: 'ns', how: 'median of 3 runs of the transfer above: process CPU time (user+system) over segments sent by both stacks (data and ACKs)' },
    { name: 'host CPU per TCP segment, software stack on the in-memory test wire', value: Math.round(median(alone)), unit: 'ns', how: `median of ${RUNS} runs of 8 MiB each way over the in-memory wire (no simulator): process CPU time over segments sent by both stacks; includes the test wire, its timers, the data generation and SHA-256 (a profile puts the wire and its clock above the stack)` },
  ];
}

/** TCP goodput limit of a 10 Gbit/s wire at MTU 1500 without TCP options: 1460 payload bytes per 1538 on the wire. */
const TCP_GOODPUT_LIMIT_GBPS = (WIRE_BYTES_PER_CYCLE * 8 * CORE_CLOCK_HZ / 1e9) * 1460 / (1460 + 40 + 14 + WIRE_OVERHEAD_BYTES);

/**
 * Offloaded bulk goodput: the RTL TOE carries the connections against the software peer, 16 MiB
 * each way in all, over 1 connection and over 64.
 */
/**
 * Payload bytes and the span of the capture that carried them: from the first byte of the first
 * TCP segment with data (either direction) to the last byte of the last one, so the handshake,
 * ARP, the offload itself and the closing FINs fall outside (as iperf times a transfer).
 */
function dataWindow(pcapPath: string): { payloadBytes: number; ns: number } {
  const frames = readPcap(readFileSync(pcapPath));
  let first = Infinity;
  let last = -Infinity;
  let payloadBytes = 0;
  for (const f of frames) {
    const d = f.data;
    // Ethernet II, IPv4 (0x0800), TCP (6): payload = IP total length - IP header - TCP header
    if (d.length < 54 || d[12] !== 0x08 || d[13] !== 0x00 || d[23] !== 6) continue;
    const ihl = (d[14]! & 0x0f) * 4;
    const total = (d[16]! << 8) | d[17]!;
    const tcpHeader = (d[14 + ihl + 12]! >> 4) * 4;
    const payload = total - ihl - tcpHeader;
    if (payload <= 0) continue;
    payloadBytes += payload;
    first = Math.min(first, f.timeNs);
    // the record's time is its first byte; its last byte leaves (frame + FCS) / wire rate later
    last = Math.max(last, f.timeNs + ((d.length + 4) / WIRE_BYTES_PER_CYCLE) * (1e9 / CORE_CLOCK_HZ));
  }
  if (payloadBytes === 0) throw new Error(`capture ${pcapPath} holds no TCP payload`);
  return { payloadBytes, ns: last - first };
}

/**
 * Offloaded bulk goodput. Against a second card (both ends the RTL TOE) the figure is the TOE's
 * own. Stacks and cards delay ACKs by the stack's 40 ms (TcpDelayedAckTicks 40 at 1000 ticks/s). Against the software stack it depends on the peer too: the stack keeps at most
 * linkQueueBytes queued in its card's ring (without that bound it queued its whole window, its
 * ACKs reached A hundreds of microseconds late and A ran out of window: 0.84).
 */
async function toeGoodput(connections: number, peer: 'offloaded' | 'software'): Promise<Metric[]> {
  const TOTAL = 16 << 20;
  const each = TOTAL / connections;
  const pcapPath = join(scratch, `toe-${peer}-${connections}.pcap`);
  const r = await runScenario({ name: 'bench-toe', peer, connections, bytes: each }, { seed: 1, pcapPath });
  if (!r.ok) throw new Error(`TOE goodput: the run failed (${JSON.stringify({ result: r.result, sha: r.sha256Match, offloads: r.offloads })})`);
  const perDirection = (TOTAL * 8) / (r.cycles / CORE_CLOCK_HZ) / 1e9;
  const window = dataWindow(pcapPath);
  if (window.payloadBytes < 2 * TOTAL) throw new Error(`TOE goodput: the capture holds ${window.payloadBytes} payload bytes, fewer than the ${2 * TOTAL} sent`);
  const steady = (TOTAL * 8) / window.ns;
  const what = connections === 1 ? '1 connection' : `${connections} connections`;
  const against = peer === 'offloaded' ? 'a second card (both ends offloaded)' : 'the software stack on B';
  const transfer = `16 MiB each way at once${connections === 1 ? ' over one connection' : `, ${each / 1024} KiB on each of ${connections} connections,`} offloaded to A's card against ${against}`;
  const limit = `over ${TCP_GOODPUT_LIMIT_GBPS.toFixed(3)} Gbit/s (10 Gbit/s x 1460 / 1538: payload per frame on the wire with headers, FCS, preamble and gap); goal 0.99`;
  const tag = `${what}, ${peer === 'offloaded' ? 'card to card' : 'card to software stack'}`;
  const m = TCP_MINIPORT?.moderation;
  const moderation = m ? `; completion interrupts after ${m.count} entries, ${m.timeCycles} cycles after the first or ${m.idleCycles ?? 0} cycles after the last` : '';
  return [
    { name: `offloaded TCP goodput, ${tag}, each way at once`, value: Number(perDirection.toFixed(3)), unit: 'Gbit/s (simulated)', how: `${transfer}; payload bits of one direction over the whole run, from the first ARP request to the last socket closed (handshakes, offloads, FINs acknowledged and every connection handed back to its stack inside: ${r.cycles} cycles at 156.25 MHz, exact)${moderation}` },
    { name: `offloaded TCP goodput, ${tag}, share of the 1500-MTU limit`, value: Number((perDirection / TCP_GOODPUT_LIMIT_GBPS).toFixed(3)), unit: 'ratio', how: `the figure above ${limit}` },
    { name: `offloaded TCP goodput, ${tag}, data on the wire, share of the 1500-MTU limit`, value: Number((steady / TCP_GOODPUT_LIMIT_GBPS).toFixed(3)), unit: 'ratio', how: `the same run timed from the first data byte on the wire to the last (${(window.ns / 1000).toFixed(1)} us of ${(r.cycles / CORE_CLOCK_HZ * 1e6).toFixed(1)} us; ARP, handshake, offload and FINs outside): ${steady.toFixed(3)} Gbit/s each way ${limit}` },
  ];
}

/** The TOE's own pipeline latencies (bench/toe-latency.ts): exact, every sample alike or the spread shown. */
async function toeLatency(): Promise<Metric[]> {
  const l = await measureToeLatencies();
  const spread = (xs: number[]): string => (Math.min(...xs) === Math.max(...xs) ? `all ${xs.length} samples ${xs[0]} cycles` : `${xs.length} samples, ${Math.min(...xs)} to ${Math.max(...xs)} cycles`);
  return [
    { name: 'TOE send doorbell to first byte on the wire', value: median(l.doorbellToWire), unit: 'cycles', how: `one offloaded connection, idle wire: from the start of the REQ_TAIL write that posts a 1460-byte send to the first byte of its segment on the wire (request fetch by DMA, engine, payload read by DMA, frame built); ${spread(l.doorbellToWire)}` },
    { name: 'TOE last received byte to host memory', value: median(l.wireToMemory), unit: 'cycles', how: `one offloaded connection, receive posted: from the last byte of a 1460-byte in-order segment on the wire to the cycle all its payload is in the posted buffer in host memory (parser, lookup, engine, placement by DMA); ${spread(l.wireToMemory)}` },
  ];
}

/** The Yosys synth_xilinx report of nic_top that 'make synth' wrote (make bench runs it first). */
function synthReport(): Metric[] {
  const path = join(repoRoot(), 'build', 'synth', 'nic_top.txt');
  if (!existsSync(path)) throw new Error(`synthesis report ${path} is missing: run 'make synth'`);
  const text = readFileSync(path, 'utf8');
  const field = (label: string): number => {
    const m = new RegExp(`^\\s*${label}\\s+([0-9.]+)`, 'm').exec(text);
    if (!m) throw new Error(`synthesis report ${path} has no '${label}' line`);
    return Number(m[1]);
  };
  const conns = /TOE with (\d+) connections/.exec(text)?.[1] ?? '?';
  const how = `Yosys synth_xilinx (7-series cells, flattened, out of context) of nic_top with the TOE holding ${conns} connections; build/synth/nic_top.txt`;
  return [
    { name: `nic_top LUTs (logic), TOE ${conns} connections`, value: field('LUT \\(logic\\)'), unit: 'LUT', how },
    { name: `nic_top LUTs as distributed RAM`, value: field('LUTRAM'), unit: 'LUT', how },
    { name: `nic_top flip-flops`, value: field('FF'), unit: 'FF', how },
    { name: `nic_top block RAM`, value: field('BRAM'), unit: 'RAMB36', how: `${how}; a RAMB18 counts half` },
  ];
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, Node ${process.version}`;
}

async function main(): Promise<void> {
  const metrics: Metric[] = [];
  log('bench: simulator speed');
  metrics.push(await simulatorSpeed());
  log('bench: plain-frame throughput');
  metrics.push(...(await plainThroughput(64)), ...(await plainThroughput(1514)));
  log('bench: MMIO cost');
  metrics.push(...(await mmioCost()));
  log('bench: completion cost');
  metrics.push(await completionCost());
  log('bench: software TCP goodput');
  metrics.push(...(await stackGoodput()));
  log('bench: offloaded TCP goodput (RTL TOE)');
  for (const peer of ['offloaded', 'software'] as const) for (const n of [1, 64]) metrics.push(...(await toeGoodput(n, peer)));
  log('bench: TOE latencies (doorbell to wire, wire to host memory)');
  metrics.push(...(await toeLatency()));
  log('bench: the cocotb bridge (card A under Icarus) against Verilator in process');
  metrics.push(...(await cocotbBridgeSpeed(log)));
  log('bench: serial link (simulated board through a pseudo-terminal)');
  metrics.push(...(await serialLinkRates(log)));
  log('bench: synthesis report');
  metrics.push(...synthReport(), ...boardSynthReport());
  log('bench: chimney I/O through intermediate drivers');
  chimneyIoCost(3); // warm every path of the JIT before any depth is measured
  for (const depth of [0, 1, 3]) metrics.push(chimneyIoCost(depth));

  const root = repoRoot();
  const when = new Date().toISOString();
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify({ machine: machine(), date: when, metrics }, null, 2) + '\n');
  const rows = metrics.map((m) => `| ${m.name} | ${m.value} | ${m.unit} | ${m.how} |`);
  const md = [
    '# flue benchmarks',
    '',
    `Last run: ${when} on ${machine()}. Written by \`make bench\` (bench/run.ts); machine-readable copy in \`bench/results.json\`.`,
    'Figures in simulated time are exact for the RTL and seed; wall-clock figures are medians of several runs.',
    '',
    '| metric | value | unit | how measured |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(root, 'BENCHMARKS.md'), md);
  process.stdout.write(md);
}

await main();
