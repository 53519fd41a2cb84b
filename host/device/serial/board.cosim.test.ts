/**
 * The simulated board through a pseudo-terminal (issue 7): flue-board-sim (a Verilator build of
 * the board core: nic_top behind the UART bridge, its UART pins driven bit by bit) is the board;
 * the serialport package opens its pseudo-terminal as it would a USB UART; the unchanged
 * miniport and stacks run over the SerialLink. The board's Ethernet is the harness's frame
 * socket, cabled to an in-process NIC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_CLOCK_HZ, Reg } from '../../../protocol/generated/contract.js';
import { runDemo } from '../../cli/demo.js';
import { runProbe } from '../../cli/probe.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import { BoardEthernet, startBoardSim, type BoardSim, type BoardSimOptions } from './board-sim.js';
import { openSerialLine } from './serial-line.js';
import { SerialLink } from './serial-link.js';

const scratch = mkdtempSync(join(tmpdir(), 'flue-board-test-'));
/** 8 cycles per bit at the contract's core clock: the fastest line the UART takes, for test time */
const FAST_BAUD = CORE_CLOCK_HZ / 8;
const running: BoardSim[] = [];

afterEach(async () => {
  for (const b of running.splice(0)) await b.stop();
});

async function board(options: BoardSimOptions = {}): Promise<BoardSim> {
  const b = await startBoardSim({ clockHz: CORE_CLOCK_HZ, baud: FAST_BAUD, ...options });
  running.push(b);
  return b;
}

/** The board's serial link, with its Ethernet when the harness has one. */
async function serialLink(b: BoardSim, timeoutMs = 500): Promise<SerialLink> {
  const line = await openSerialLine({ path: b.ptyPath, baudRate: b.baud });
  const ethernet = b.ethernetPath ? await BoardEthernet.connect(b.ethernetPath) : undefined;
  // a simulated board runs some hundred thousand cycles a wall-clock second, slower on a busy machine
  return SerialLink.open(line, { name: b.ptyPath, timeoutMs, retries: 20, memorySize: 32 << 20, minCyclesPerSecond: 20_000, ...(ethernet ? { ethernet } : {}) });
}

describe('the simulated board over its pseudo-terminal', () => {
  it('flue probe: identity, version and capabilities from HELLO, the register and DMA self-tests pass, and the statistics add up', async () => {
    const b = await board();
    const r = await runProbe({ path: b.ptyPath, baud: b.baud, roundTrips: 16, nops: 8 });
    expect(r.identity.id).toBe(0x464c5545);
    expect(r.identity.clockHz).toBe(CORE_CLOCK_HZ);
    expect(r.identity.capabilities).toContain('TCP offload');
    expect(r.registerTest.failures).toEqual([]);
    expect(r.dmaTest.failures).toEqual([]);
    expect(r.dmaTest.completed).toBe(8);
    expect(r.ok).toBe(true);
    // a clean line: nothing lost, nothing sent twice, every packet the host sent counted by the bridge
    expect(r.host.transport.retries).toBe(0);
    expect(r.host.framing.crc).toBe(0);
    expect(r.bridge.rxDropped).toBe(0);
    // the bridge took every request (and the host's answers to its own DMA and IRQ requests)
    expect(r.bridge.rxPackets).toBeGreaterThanOrEqual(r.host.transport.requests - 1);
    expect(r.bridge.retries).toBe(0);
    // a register read is two packets of 36 bytes each way at 10 bits a byte, at least
    expect(r.roundTrips.cyclesEach).toBeGreaterThan(2 * 36 * 10 * b.bitCycles);
  }, 300_000);

  it('the plain-frame demo: the board and an in-process NIC exchange frames over the board\'s Ethernet, the unchanged miniport on both, every byte verified', async () => {
    const b = await board({ ethernet: true });
    const linkA = await serialLink(b);
    // the window counts frames until received: the board drains at the serial line's rate
    const s = await runDemo({ seed: 3, frames: 16, window: 8, endToEnd: true, pcapPath: join(scratch, 'board-demo.pcap'), linkA, maxCycles: 2e9 });
    expect([...s.aToB.errors, ...s.bToA.errors]).toEqual([]);
    expect(s.aToB.frames).toBe(16);
    expect(s.bToA.frames).toBe(16);
    expect(s.ok).toBe(true);
  }, 600_000);

  it('with one bit in 10^4 flipped and one byte in 10^4 dropped both ways, no wrong register value or DMA byte reaches either side and the run completes', async () => {
    const b = await board({ ethernet: true, flipBitRate: 1e-4, dropByteRate: 1e-4, seed: 11 });
    const linkA = await serialLink(b, 200);
    // registers first: every value read back is the one written
    for (let i = 0; i < 64; i++) {
      const v = (Math.imul(i + 1, 2654435761) >>> 0) & ~0x3f;
      await linkA.mmioWrite(Reg.REQ_BASE_LO, v);
      expect(await linkA.mmioRead(Reg.REQ_BASE_LO)).toBe(v >>> 0);
    }
    await linkA.mmioWrite(Reg.REQ_BASE_LO, 0);
    const s = await runDemo({ seed: 4, frames: 12, window: 8, endToEnd: true, pcapPath: join(scratch, 'board-noisy.pcap'), linkA, maxCycles: 4e9 });
    expect([...s.aToB.errors, ...s.bToA.errors]).toEqual([]);
    expect(s.ok).toBe(true);
    const st = linkA.linkStats();
    // the demo closed its link; the board runs on, and a new one reads the bridge's counters
    const again = await SerialLink.open(await openSerialLine({ path: b.ptyPath, baudRate: b.baud }), { name: b.ptyPath, timeoutMs: 200, retries: 20 });
    const bridge = await again.bridgeStats();
    await again.close();
    expect(bridge.rxDropped).toBeGreaterThan(0);
    // the noise was there (the harness's own count) and was made good
    running.splice(running.indexOf(b), 1);
    const summary = await b.stop();
    const count = (key: string): number => Number(new RegExp(`${key}=(\\d+)`).exec(summary)?.[1] ?? NaN);
    expect(count('h2b_flipped_bits') + count('b2h_flipped_bits')).toBeGreaterThan(0);
    expect(count('h2b_dropped_bytes') + count('b2h_dropped_bytes')).toBeGreaterThan(0);
    expect(st.framing.crc + st.framing.short + st.framing.length).toBeGreaterThan(0);
    expect(st.transport.retries + st.replayed).toBeGreaterThan(0);
  }, 900_000);

  it('closing the pseudo-terminal fails the outstanding request within the timeout, with an error naming the port', async () => {
    const b = await board();
    const link = await serialLink(b, 300);
    expect(await link.mmioRead(Reg.ID)).toBe(0x464c5545);
    const t0 = Date.now();
    const pending = link.advance(1e12, true);
    await new Promise((r) => setTimeout(r, 200));
    b.process.kill('SIGKILL');
    const err = await pending.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).code).toBe(DeviceErrorCode.CLOSED);
    expect((err as DeviceError).message).toContain(b.ptyPath);
    expect(Date.now() - t0).toBeLessThan(300 * 21);
    await expect(link.mmioRead(Reg.ID)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
    await link.close();
  }, 120_000);
});
