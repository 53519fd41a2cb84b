/**
 * Issue 7's offloaded transfer over the serial link: the board's host (flue's stack with the
 * chimney offload, the unchanged miniport, over the SerialLink) offloads one connection to the
 * board's card, which carries 1 MiB to a software peer on an in-process NIC cabled to the
 * board's Ethernet socket; every byte of it crosses the simulated UART by DMA. Apart from the
 * other board tests (board.cosim.test.ts) so that the two files run side by side: this one
 * takes minutes (the line's rate, and two simulators on two cores).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_CLOCK_HZ } from '../../../protocol/generated/contract.js';
import { runScenario } from '../../cli/scenario.js';
import { BoardEthernet, startBoardSim, type BoardSim } from './board-sim.js';
import { openSerialLine } from './serial-line.js';
import { SerialLink } from './serial-link.js';

const scratch = mkdtempSync(join(tmpdir(), 'flue-board-offload-'));
let board: BoardSim | undefined;

afterEach(async () => {
  await board?.stop();
  board = undefined;
});

describe('an offloaded connection on the simulated board', () => {
  it('one offloaded connection carries 1 MiB from the board\'s host to a software peer over the serial link, SHA-256 equal', async () => {
    // 8 cycles per bit at the contract's core clock: the fastest line the UART takes
    const b = board = await startBoardSim({ clockHz: CORE_CLOCK_HZ, baud: CORE_CLOCK_HZ / 8, ethernet: true });
    const linkA = await SerialLink.open(await openSerialLine({ path: b.ptyPath, baudRate: b.baud }), {
      name: b.ptyPath, timeoutMs: 500, retries: 20, memorySize: 32 << 20, minCyclesPerSecond: 20_000, ethernet: await BoardEthernet.connect(b.ethernetPath!),
    });
    const r = await runScenario(
      { name: 'board-1mib', peer: 'software', connections: 1, bytes: 1 << 20, bytesBtoA: 4096, socketBuffer: 256 * 1024, maxCycles: 4e8 },
      { seed: 5, linkA, pcapPath: join(scratch, 'board-1mib.pcap') },
    );
    expect(r.result).toBe('done');
    expect(r.bytesAtoB).toBe(1 << 20);
    expect(r.sha256Match).toBe(true);
    expect(r.offloads.a).toBe(1);
    // handed back to the stack only at its close (R66), never for a failure
    expect(r.uploadCauses).toEqual(['A closed']);
    expect(r.dmaErrors).toEqual([0, 0]);
    expect(r.violations).toEqual([]);
    // the card sent the data (at least 1 MiB / 1460 segments), and every byte of it came over
    // the serial line: the card's DMA reads in bursts of at most 256 bytes
    expect(r.toe[0].txSegments).toBeGreaterThanOrEqual(Math.ceil((1 << 20) / 1460));
    expect(linkA.counters().dmaReads).toBeGreaterThanOrEqual((1 << 20) / 256);
  }, 1_500_000);
});
