/**
 * `flue probe --serial PATH [--baud N]`: what a person bringing up a board runs first. Opens
 * the serial port, says HELLO to the bridge and prints the card's identity, contract version,
 * capabilities and clock; runs a register self-test (patterns written to and read back from
 * registers that hold what is written, each restored) and a DMA self-test (the unchanged
 * miniport brings the card up; NOP requests go through the request ring, so the card fetches
 * each descriptor from host memory and writes each completion back over the link, and each
 * completion is checked); then reports the link's statistics from both ends.
 */
import { performance } from 'node:perf_hooks';
import { CAPS_FIELDS, CplStatus, Opcode, Reg, cplStatusName } from '../../protocol/generated/contract.js';
import { LockstepScheduler } from '../device/scheduler.js';
import { SerialLink, type SerialLinkStats } from '../device/serial/serial-link.js';
import { openSerialLine } from '../device/serial/serial-line.js';
import type { LinkStats } from '../../protocol/generated/contract.js';
import { MiniportAdapter, field } from '../drivers/miniport/adapter.js';

export interface ProbeOptions {
  path: string;
  baud: number;
  /** wall-clock ms a request waits before it is sent again (default 500) */
  timeoutMs?: number;
  retries?: number;
  /** register reads timed for the round-trip figure (default 32) */
  roundTrips?: number;
  /** NOP requests of the DMA self-test (default 16) */
  nops?: number;
  /** slowest card clock expected, cycles per wall second (a simulated board: its speed) */
  minCyclesPerSecond?: number;
}

export interface ProbeReport {
  ok: boolean;
  port: string;
  baud: number;
  identity: { id: number; version: string; caps: number; capabilities: string[]; clockHz: number };
  registerTest: { registers: number; patterns: number; failures: string[] };
  dmaTest: { requests: number; completed: number; failures: string[]; cycles: number };
  roundTrips: { count: number; wallMs: number; perSecond: number; cyclesEach: number; perSimulatedSecond: number };
  /** every byte the host sent and received, over the probe's wall time */
  bytesPerSecond: number;
  host: SerialLinkStats;
  bridge: LinkStats;
  wallMs: number;
}

/** registers that read back what is written and matter to nothing until the rings are enabled */
const SCRATCH_REGISTERS = [Reg.REQ_BASE_LO, Reg.REQ_BASE_HI, Reg.CPL_BASE_LO, Reg.CPL_BASE_HI, Reg.IRQ_MOD_TIME_1, Reg.IRQ_MOD_IDLE_2] as const;
const PATTERNS = [0x00000000, 0xffffffff, 0xa5a5a5a5, 0x5a5a5a5a, 0x12345678, 0x80000001];

export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const started = performance.now();
  const line = await openSerialLine({ path: options.path, baudRate: options.baud });
  const link = await SerialLink.open(line, {
    name: options.path,
    memorySize: 1 << 20,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.minCyclesPerSecond !== undefined ? { minCyclesPerSecond: options.minCyclesPerSecond } : {}),
  });
  try {
    const hello = link.identity;
    const capabilities = [
      ...(field(hello.caps, CAPS_FIELDS.L2) ? ['plain frames'] : []),
      ...(field(hello.caps, CAPS_FIELDS.TOE) ? ['TCP offload'] : []),
      ...(field(hello.caps, CAPS_FIELDS.IRQ_MODERATION) ? ['interrupt moderation'] : []),
      `${field(hello.caps, CAPS_FIELDS.IRQ_VECTORS)} interrupt vectors`,
      `${1 << field(hello.caps, CAPS_FIELDS.DMA_BYTES_LOG2)}-byte DMA beats`,
    ];

    // round trips: reads of ID, timed on the wall clock and in the card's cycles
    const count = options.roundTrips ?? 32;
    const t0 = performance.now();
    const c0 = link.now;
    for (let i = 0; i < count; i++) await link.mmioRead(Reg.ID);
    const wallMs = performance.now() - t0;
    const cyclesEach = (link.now - c0) / count;

    // register self-test
    const failures: string[] = [];
    for (const reg of SCRATCH_REGISTERS) {
      const was = await link.mmioRead(reg);
      for (const p of PATTERNS) {
        await link.mmioWrite(reg, p);
        const got = await link.mmioRead(reg);
        if (got !== p) failures.push(`register 0x${reg.toString(16)}: wrote 0x${hex(p)}, read 0x${hex(got)}`);
      }
      await link.mmioWrite(reg, was);
    }

    // DMA self-test through the miniport: NOPs fetched and completed over the link
    const dmaFailures: string[] = [];
    const nops = options.nops ?? 16;
    const adapter = new MiniportAdapter(link, { reqRingLog2: 6, cplRingLog2: 6, rxBuffers: 1, txBuffers: 1 });
    const scheduler = new LockstepScheduler(4096);
    scheduler.attach(link, (v) => adapter.handleInterrupt(v));
    let completed = 0;
    const dmaStart = link.now;
    await adapter.initialize();
    for (let i = 0; i < nops; i++) {
      void adapter.postRequest({ opcode: Opcode.NOP, flags: 0, addr: 0, length: 0, conn: 0, param: i }).then((c) => {
        completed++;
        if (c.opcode !== Opcode.NOP || c.status !== CplStatus.OK) dmaFailures.push(`NOP ${i} completed as opcode ${c.opcode} with ${cplStatusName(c.status)}`);
      });
    }
    await adapter.flushDoorbells();
    // the card's time runs on whether or not the host waits, so the bound is the card's
    const limit = 40 * link.clockHz;
    const result = await scheduler.run({ until: () => completed === nops, maxCycles: limit });
    if (result === 'limit') dmaFailures.push(`${completed} of ${nops} NOPs completed in ${limit} cycles`);
    const dmaCycles = link.now - dmaStart;
    const lc = link.counters();
    if (lc.dmaErrors) dmaFailures.push(`${lc.dmaErrors} DMA bursts refused, first: ${lc.firstDmaError}`);
    const fault = await link.mmioRead(Reg.FAULT_CAUSE);
    if (fault !== 0) dmaFailures.push(`the card reports FAULT_CAUSE 0x${fault.toString(16)}`);
    await adapter.halt();

    const bridge = await link.bridgeStats();
    const host = link.linkStats();
    const total = performance.now() - started;
    return {
      ok: failures.length === 0 && dmaFailures.length === 0,
      port: options.path,
      baud: options.baud,
      identity: { id: hello.id, version: `${hello.version >>> 16}.${hello.version & 0xffff}`, caps: hello.caps, capabilities, clockHz: hello.clockHz },
      registerTest: { registers: SCRATCH_REGISTERS.length, patterns: PATTERNS.length, failures },
      dmaTest: { requests: nops, completed, failures: dmaFailures, cycles: dmaCycles },
      roundTrips: { count, wallMs, perSecond: (count * 1000) / wallMs, cyclesEach, perSimulatedSecond: cyclesEach > 0 ? hello.clockHz / cyclesEach : 0 },
      bytesPerSecond: ((host.transport.bytesIn + host.transport.bytesOut) * 1000) / total,
      host,
      bridge,
      wallMs: total,
    };
  } finally {
    await link.close();
  }
}

export function formatProbe(r: ProbeReport): string {
  const h = r.host;
  const lines = [
    `flue probe ${r.port} at ${r.baud} baud: ${r.ok ? 'PASS' : 'FAIL'}`,
    `  card: ID 0x${r.identity.id.toString(16)} ("FLUE"), contract ${r.identity.version}, clock ${(r.identity.clockHz / 1e6).toFixed(2)} MHz`,
    `  capabilities: ${r.identity.capabilities.join(', ')} (CAPS 0x${r.identity.caps.toString(16)})`,
    `  registers: ${r.registerTest.registers} registers x ${r.registerTest.patterns} patterns ${r.registerTest.failures.length ? `, ${r.registerTest.failures.length} wrong` : 'read back right'}`,
    `  DMA: ${r.dmaTest.completed}/${r.dmaTest.requests} NOP requests fetched and completed over the link in ${r.dmaTest.cycles} card cycles`,
    `  round trips: ${r.roundTrips.perSecond.toFixed(1)}/s wall clock (${r.roundTrips.count} register reads in ${r.roundTrips.wallMs.toFixed(0)} ms); ${Math.round(r.roundTrips.cyclesEach)} card cycles each, ${r.roundTrips.perSimulatedSecond.toFixed(0)}/s in the card's time`,
    `  bytes: ${h.transport.bytesOut} out, ${h.transport.bytesIn} in, ${r.bytesPerSecond.toFixed(0)} bytes/s wall clock`,
    `  host: ${h.transport.requests} requests, ${h.transport.retries} retries, ${h.framing.crc} CRC errors, ${h.framing.short + h.framing.length} other bad packets, ${h.transport.staleResponses} stale answers, ${h.replayed} bridge requests answered again`,
    `  bridge: ${r.bridge.rxPackets} packets in, ${r.bridge.rxDropped} dropped (CRC, framing, length), ${r.bridge.txPackets} out, ${r.bridge.retries} retries, ${r.bridge.replays} answers replayed`,
    `  wall clock: ${(r.wallMs / 1000).toFixed(2)} s`,
  ];
  for (const f of [...r.registerTest.failures, ...r.dmaTest.failures]) lines.push(`  error: ${f}`);
  return lines.join('\n');
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
