/**
 * The serial link's rates (issue 7), on the simulated board (flue-board-sim) at 115200, 1 M and
 * 3 M baud: register round trips per second and the card's DMA throughput, both in the card's
 * time, and each as a share of the UART's limit (baud/10 bytes per second: 8N1 spends 10 bit
 * times on a byte).
 *
 * The board runs free, as a board does, so the host's own turnaround (wall-clock time the board's
 * simulation keeps running through) is part of each round trip: the figures are medians of
 * several runs, not exact. And the board top's synthesis report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_CLOCK_HZ, Reg } from '../protocol/generated/contract.js';
import { LockstepScheduler } from '../host/device/scheduler.js';
import { BoardEthernet, startBoardSim } from '../host/device/serial/board-sim.js';
import { openSerialLine } from '../host/device/serial/serial-line.js';
import { SerialLink } from '../host/device/serial/serial-link.js';
import { repoRoot } from '../host/device/verilator/native.js';
import { MiniportAdapter } from '../host/drivers/miniport/adapter.js';
import type { Metric } from './run.js';
import { median } from './median.js';

export const SERIAL_BAUDS = [115_200, 1_000_000, 3_000_000] as const;
const RUNS = 3;


interface SerialRun {
  /** card cycles per register read */
  mmioCycles: number;
  /** frame bytes the card read by DMA per second of its time */
  dmaBytesPerSecond: number;
  frames: number;
  frameBytes: number;
}

/**
 * One run: register reads of ID, then plain frames sent through the miniport (each read from
 * host memory by the card's DMA over the link; the board's Ethernet socket takes them) timed in
 * card cycles from the doorbell to the last completion.
 */
async function serialRun(baud: number, seed: number): Promise<SerialRun> {
  const board = await startBoardSim({ clockHz: CORE_CLOCK_HZ, baud, ethernet: true, seed });
  try {
    const line = await openSerialLine({ path: board.ptyPath, baudRate: baud });
    const ethernet = await BoardEthernet.connect(board.ethernetPath!);
    // the simulated board runs a few hundred thousand cycles a wall-clock second: at 115200 baud a
    // 300-byte DMA reply takes seconds of wall time on its line, and a request may wait behind
    // several of them
    const link = await SerialLink.open(line, {
      name: board.ptyPath, timeoutMs: Math.max(2000, Math.round(6e9 / baud)), retries: 10, memorySize: 4 << 20, minCyclesPerSecond: 20_000, ethernet,
    });
    try {
      const READS = 8;
      const c0 = link.now;
      for (let i = 0; i < READS; i++) await link.mmioRead(Reg.ID);
      const mmioCycles = (link.now - c0) / READS;

      const adapter = new MiniportAdapter(link, { reqRingLog2: 6, cplRingLog2: 6, rxBuffers: 1, txBuffers: 8 });
      await adapter.initialize();
      const scheduler = new LockstepScheduler(1 << 16);
      scheduler.attach(link, (v) => adapter.handleInterrupt(v));
      // about 0.1 s of line time at any baud: frames of 1514 bytes, at least two
      const frameBytes = 1514;
      const frames = Math.max(2, Math.round((baud / 10) * 0.1 / frameBytes));
      let done = 0;
      const frame = new Uint8Array(frameBytes);
      frame.set([0x02, 0, 0x5e, 0, 0, 0x0b, 0x02, 0, 0x5e, 0, 0, 0x0a, 0x88, 0xb5]);
      const start = link.now;
      for (let i = 0; i < frames; i++) adapter.datapath.sendFrame(frame, () => { done++; });
      await adapter.datapath.flush();
      const result = await scheduler.run({ until: () => done === frames, maxCycles: 60 * CORE_CLOCK_HZ });
      if (result !== 'done') throw new Error(`serial bench at ${baud} baud: ${done} of ${frames} frames sent in 60 s of card time`);
      const seconds = (link.now - start) / link.clockHz;
      ethernet.takeFrames();
      await adapter.halt();
      return { mmioCycles, dmaBytesPerSecond: (frames * frameBytes) / seconds, frames, frameBytes };
    } finally {
      await link.close();
    }
  } finally {
    await board.stop();
  }
}

export async function serialLinkRates(log: (msg: string) => void, bauds: readonly number[] = SERIAL_BAUDS, runCount = RUNS): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for (const baud of bauds) {
    const runs: SerialRun[] = [];
    for (let r = 0; r < runCount; r++) {
      runs.push(await serialRun(baud, r + 1));
      log(`  ${baud} baud, run ${r + 1}: ${Math.round(runs.at(-1)!.mmioCycles)} cycles per register read, ${Math.round(runs.at(-1)!.dmaBytesPerSecond)} DMA bytes/s`);
    }
    const limit = baud / 10;
    const cycles = median(runs.map((x) => x.mmioCycles));
    const perSecond = CORE_CLOCK_HZ / cycles;
    const dma = median(runs.map((x) => x.dmaBytesPerSecond));
    const bitCycles = Math.round(CORE_CLOCK_HZ / baud);
    const board = `the simulated board (flue-board-sim: nic_top behind the UART bridge at ${CORE_CLOCK_HZ / 1e6} MHz, ${bitCycles} cycles a bit) through its pseudo-terminal and the serialport package; median of ${runCount} runs, in the card's time`;
    // a register read: MMIO_READ and its reply are 16 + 12 + 4 bytes each, and two ENDs
    const rtBytes = 2 * (16 + 12 + 4 + 2);
    metrics.push(
      { name: `serial link at ${fmtBaud(baud)}: register round trips per second`, value: Math.round(perSecond), unit: '1/s (simulated)', how: `reads of ID one after another: ${Math.round(cycles)} card cycles each; ${board}` },
      { name: `serial link at ${fmtBaud(baud)}: register round trips, share of the UART limit`, value: Number(((perSecond * rtBytes) / limit).toFixed(3)), unit: 'ratio', how: `the round trips above x ${rtBytes} bytes on the line each (request and reply, header, payload, CRC, SLIP ENDs) over baud/10 = ${limit} bytes/s` },
      { name: `serial link at ${fmtBaud(baud)}: DMA throughput`, value: Math.round(dma), unit: 'bytes/s (simulated)', how: `${runs[0]!.frames} plain frames of ${runs[0]!.frameBytes} bytes sent through the unchanged miniport, each read from host memory by the card's DMA over the link (bursts of up to 256 bytes, one at a time); frame bytes over the card time from the doorbell to the last completion; ${board}` },
      { name: `serial link at ${fmtBaud(baud)}: DMA throughput, share of the UART limit`, value: Number((dma / limit).toFixed(3)), unit: 'ratio', how: `the figure above over baud/10 = ${limit} bytes/s (the host-to-card direction carries the data; each 256-byte burst costs 296 bytes of reply, its 40-byte request the other way, and the host's turnaround)` },
    );
  }
  return metrics;
}

function fmtBaud(baud: number): string {
  return baud >= 1e6 ? `${baud / 1e6} Mbaud` : `${baud} baud`;
}

/** The Yosys synth_xilinx report of the Arty A7-100T board top that 'make synth-board' wrote. */
export function boardSynthReport(): Metric[] {
  const path = join(repoRoot(), 'build', 'synth', 'arty_a7_top.txt');
  if (!existsSync(path)) throw new Error(`synthesis report ${path} is missing: run 'make synth-board'`);
  const text = readFileSync(path, 'utf8');
  const row = (label: string): { value: number; share: string } => {
    const m = new RegExp(`^\\s*${label}\\s+([0-9.]+)\\s+([0-9.]+ % of [0-9]+)`, 'm').exec(text);
    if (!m) throw new Error(`synthesis report ${path} has no '${label}' line with a share`);
    return { value: Number(m[1]), share: m[2]! };
  };
  const how = 'Yosys synth_xilinx (7-series cells, flattened, out of context) of arty_a7_top: nic_top, the UART bridge and the MII MAC for the Digilent Arty A7-100T; build/synth/arty_a7_top.txt';
  const lut = row('LUT \\(all\\)');
  const ff = row('FF');
  const bram = row('BRAM');
  return [
    { name: 'Arty A7-100T board top LUTs (logic and distributed RAM)', value: lut.value, unit: 'LUT', how: `${how}; ${lut.share} of the XC7A100T` },
    { name: 'Arty A7-100T board top flip-flops', value: ff.value, unit: 'FF', how: `${how}; ${ff.share}` },
    { name: 'Arty A7-100T board top block RAM', value: bram.value, unit: 'RAMB36', how: `${how}; a RAMB18 counts half; ${bram.share}` },
  ];
}
