/**
 * `flue demo`: two NICs back to back exchange thousands of frames of varied sizes both ways,
 * every byte is checked, and a summary is printed.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CORE_CLOCK_HZ, CplStatus, Opcode, cplStatusName } from '../../protocol/generated/contract.js';
import type { DeviceLink } from '../device/link.js';
import { ThroughputRecorder } from '../wire/throughput.js';
import { buildFrame, StreamVerifier } from '../wire/traffic.js';
import type { InterruptModeration } from '../drivers/miniport/adapter.js';
import { createBackToBack, type Station } from './testbed.js';

export interface DemoOptions {
  seed: number;
  /** frames each way */
  frames: number;
  pcapPath: string;
  /** every frame this size instead of 60..1514 (benchmarks) */
  fixedSize?: number;
  /** send only A→B (benchmarks) */
  oneWay?: boolean;
  /** frames each sender keeps handed to its miniport (default 128) */
  window?: number;
  /**
   * the window counts frames until the other side received them, not until they left: for a
   * receiver slower than the wire (a board whose DMA crosses a serial line drains at the
   * line's rate, and drops what overflows its receive FIFO, as any NIC whose host falls behind)
   */
  endToEnd?: boolean;
  /** completion interrupt moderation of both NICs (default: 16 entries or 1000 cycles, 6.4 us) */
  moderation?: InterruptModeration;
  /** simulated cycles before the run is declared stuck */
  maxCycles?: number;
  fstPath?: string;
  /** SVG chart of throughput over simulated time */
  chartPath?: string;
  onProgress?: (done: number, total: number) => void;
  /** NIC A, opened elsewhere (a board over its serial link); the run closes it */
  linkA?: DeviceLink;
}

export interface DirectionSummary {
  frames: number;
  bytes: number;
  /** first byte of the first frame to last byte of the last, in simulated time */
  simulatedGbps: number;
  errors: string[];
}

export interface DemoSummary {
  ok: boolean;
  seed: number;
  aToB: DirectionSummary;
  bToA: DirectionSummary;
  interrupts: { a: number; b: number };
  cycles: number;
  clockHz: number;
  simulatedSeconds: number;
  wallSeconds: number;
  cyclesPerWallSecond: number;
  pcap: string;
  chart: string | undefined;
  deviceStats: { a: Record<string, number>; b: Record<string, number> };
}

interface Sender {
  next: number;
  completed: number;
  failed: string[];
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { seed, frames } = options;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames ${frames} must be a positive integer`);
  const window = options.window ?? 128;
  const throughput = options.chartPath ? new ThroughputRecorder(CORE_CLOCK_HZ) : undefined;
  const bed = await createBackToBack({
    ...(throughput ? { throughput } : {}),
    pcapPath: options.pcapPath,
    miniport: {
      txBuffers: window, rxBuffers: 256, reqRingLog2: 9, cplRingLog2: 10,
      moderation: options.moderation ?? { count: 16, timeCycles: 1000 },
    },
    ...(options.fstPath ? { fstPath: options.fstPath } : {}),
    ...(options.linkA ? { linkA: options.linkA } : {}),
  });
  try {
    const { a, b, scheduler } = bed;
    const startCycle = scheduler.now;
    const size = options.fixedSize;
    const verifyAtB = new StreamVerifier(seed, 0, a.endpoint, b.endpoint, size);
    const verifyAtA = new StreamVerifier(seed, 1, b.endpoint, a.endpoint, size);
    const rxSpan = { a: newSpan(), b: newSpan() };
    // with endToEnd, a receive opens the window of the sender towards it (set below)
    let received = { atB: (): void => {}, atA: (): void => {} };
    b.adapter.datapath.onReceive((f, cycle) => { verifyAtB.check(f); rxSpan.b.add(cycle, f.length); received.atB(); });
    a.adapter.datapath.onReceive((f, cycle) => { verifyAtA.check(f); rxSpan.a.add(cycle, f.length); received.atA(); });

    const total = { aToB: frames, bToA: options.oneWay ? 0 : frames };
    const senders = { a: newSender(), b: newSender() };
    const arrived = (s: Sender): number => (s === senders.a ? verifyAtB.received : verifyAtA.received);
    const pump = (from: Station, to: Station, stream: number, s: Sender, count: number): void => {
      while (s.next < count && s.next - (options.endToEnd ? Math.min(s.completed, arrived(s)) : s.completed) < window) {
        const index = s.next++;
        const frame = buildFrame(seed, stream, index, from.endpoint, to.endpoint, size);
        from.adapter.datapath.sendFrame(frame, (status) => {
          s.completed++;
          if (status !== CplStatus.OK && s.failed.length < 20) s.failed.push(`send of frame ${index} completed ${cplStatusName(status)}`);
          pump(from, to, stream, s, count);
        });
      }
    };
    if (options.endToEnd) {
      // a slow card may not have taken the receive buffers its host posted yet, and a frame
      // that came first would be dropped for want of one: a NOP behind them is a fence (the
      // card dispatches requests in ring order)
      let fenced = 0;
      for (const st of [a, b]) void st.adapter.postRequest({ opcode: Opcode.NOP, flags: 0, addr: 0, length: 0, conn: 0, param: 0 }).then(() => { fenced++; });
      await a.adapter.flushDoorbells();
      await b.adapter.flushDoorbells();
      await scheduler.run({ until: () => fenced === 2, maxCycles: options.maxCycles ?? 1e9 });
      // the sender's doorbell is rung here: its own DPC (which rings it after a completion) may
      // have nothing left to run for
      received = {
        atB: () => { pump(a, b, 0, senders.a, total.aToB); void a.adapter.datapath.flush(); },
        atA: () => { pump(b, a, 1, senders.b, total.bToA); void b.adapter.datapath.flush(); },
      };
    }
    pump(a, b, 0, senders.a, total.aToB);
    pump(b, a, 1, senders.b, total.bToA);
    await a.adapter.datapath.flush();
    await b.adapter.datapath.flush();

    const wallStart = performance.now();
    let lastReport = 0;
    const done = (): boolean => {
      const progress = verifyAtB.received + verifyAtA.received;
      if (options.onProgress && progress - lastReport >= 500) { lastReport = progress; options.onProgress(progress, total.aToB + total.bToA); }
      return senders.a.completed >= total.aToB && senders.b.completed >= total.bToA
        && verifyAtB.received >= total.aToB && verifyAtA.received >= total.bToA;
    };
    const maxCycles = options.maxCycles ?? 1000 * (frames * 2 + 1000);
    const result = await scheduler.run({ until: done, maxCycles });
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cycles = scheduler.now - startCycle;
    const clockHz = a.link.clockHz;
    const stuck = result === 'limit'
      ? [`stopped after ${maxCycles} cycles: A sent ${senders.a.completed}/${total.aToB}, B received ${verifyAtB.received}; B sent ${senders.b.completed}/${total.bToA}, A received ${verifyAtA.received}`]
      : [];
    const direction = (v: StreamVerifier, s: Sender, span: Span): DirectionSummary => {
      return {
        frames: v.received,
        bytes: v.bytes,
        simulatedGbps: span.gbps(clockHz),
        errors: [...s.failed, ...v.errors],
      };
    };
    const aToB = direction(verifyAtB, senders.a, rxSpan.b);
    const bToA = direction(verifyAtA, senders.b, rxSpan.a);
    aToB.errors.push(...stuck);
    const deviceStats = { a: await a.adapter.readStats(), b: await b.adapter.readStats() };
    for (const [name, st, adapter] of [['A', deviceStats.a, a.adapter], ['B', deviceStats.b, b.adapter]] as const) {
      for (const k of ['STAT_RX_DROP_NO_BUFFER', 'STAT_RX_DROP_OVERFLOW', 'STAT_RX_ERRORS', 'STAT_DMA_ERRORS', 'STAT_BAD_DESC']) {
        if (st[k]) aToB.errors.push(`NIC ${name}: ${k} = ${st[k]}`);
      }
      if (adapter.counters.unknownCompletions) aToB.errors.push(`NIC ${name}: ${adapter.counters.unknownCompletions} completions with unknown tags`);
      const lc = adapter.link.counters();
      if (lc.protocolErrors) aToB.errors.push(`NIC ${name}: ${lc.protocolErrors} bus protocol errors, first: ${lc.firstProtocolError}`);
    }
    if (throughput && options.chartPath) {
      writeFileSync(options.chartPath, throughput.toSvg(`flue demo, seed ${seed}: throughput on the cable`, ['A → B', 'B → A']));
    }
    return {
      ok: aToB.errors.length === 0 && bToA.errors.length === 0 && aToB.frames === total.aToB && bToA.frames === total.bToA,
      seed,
      aToB,
      bToA,
      interrupts: { a: a.adapter.counters.interrupts, b: b.adapter.counters.interrupts },
      cycles,
      clockHz,
      simulatedSeconds: cycles / clockHz,
      wallSeconds,
      cyclesPerWallSecond: cycles / wallSeconds,
      pcap: options.pcapPath,
      chart: options.chartPath,
      deviceStats,
    };
  } finally {
    await bed.close();
  }
}

/**
 * Receive-side rate: the bytes of every frame after the first, over the cycles from the first
 * frame's completion to the last's (N frames span N-1 intervals).
 */
interface Span {
  add(cycle: number, length: number): void;
  gbps(clockHz: number): number;
}

function newSpan(): Span {
  let first = -1;
  let last = 0;
  let bytesAfterFirst = 0;
  return {
    add(cycle, length) {
      if (first < 0) first = cycle;
      else bytesAfterFirst += length;
      last = cycle;
    },
    gbps(clockHz) {
      return last > first && first >= 0 ? (bytesAfterFirst * 8 * clockHz) / (last - first) / 1e9 : 0;
    },
  };
}

function newSender(): Sender {
  return { next: 0, completed: 0, failed: [] };
}

export function formatSummary(s: DemoSummary): string {
  const dir = (name: string, d: DirectionSummary): string =>
    `  ${name}: ${d.frames} frames, ${d.bytes} bytes, ${d.simulatedGbps.toFixed(2)} Gbit/s simulated${d.errors.length ? `, ${d.errors.length} errors` : ', every byte verified'}`;
  const lines = [
    `flue demo (seed ${s.seed}): ${s.ok ? 'PASS' : 'FAIL'}`,
    dir('A -> B', s.aToB),
    dir('B -> A', s.bToA),
    `  interrupts taken: A ${s.interrupts.a}, B ${s.interrupts.b}`,
    `  simulated: ${s.cycles} cycles = ${(s.simulatedSeconds * 1e6).toFixed(1)} us at ${(s.clockHz / 1e6).toFixed(2)} MHz`,
    `  wall clock: ${s.wallSeconds.toFixed(2)} s, ${Math.round(s.cyclesPerWallSecond)} cycles/s`,
    `  capture: ${s.pcap}`,
    ...(s.chart ? [`  throughput chart: ${s.chart}`] : []),
  ];
  for (const e of [...s.aToB.errors, ...s.bToA.errors]) lines.push(`  error: ${e}`);
  return lines.join('\n');
}
