/**
 * nic_top under Icarus through the cocotb bridge (issue 8): the unchanged drivers over a
 * SocketLink give the same run as over the in-process Verilator model: the same capture bytes,
 * cycles and card statistics for the same seed. And a simulator that dies fails the host's
 * outstanding request at once, saying so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reg } from '../../../protocol/generated/contract.js';
import { runDemo, type DemoSummary } from '../../cli/demo.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import { VerilatorLink } from '../verilator/backend.js';
import { openCocotbLink, type CocotbSim } from './cocotb-sim.js';
import type { SocketLink } from './socket-link.js';

const scratch = mkdtempSync(join(tmpdir(), 'flue-cocotb-test-'));
const sims: CocotbSim[] = [];

afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});

async function icarus(options: Parameters<typeof openCocotbLink>[0] = {}): Promise<SocketLink> {
  const { sim, link } = await openCocotbLink(options);
  sims.push(sim);
  return link;
}

/** what must be equal between two runs of one seed (not wall time, not file names) */
function simulated(s: DemoSummary): unknown {
  const { wallSeconds, cyclesPerWallSecond, pcap, chart, ...rest } = s;
  void wallSeconds; void cyclesPerWallSecond; void pcap; void chart;
  return rest;
}

describe('nic_top under Icarus through the cocotb bridge', () => {
  it('the plain-frame demo gives the capture bytes, cycles and card statistics of the same seed under Verilator, with no X on a handshake', async () => {
    const frames = 24;
    const verilator = await runDemo({ seed: 21, frames, window: 8, pcapPath: join(scratch, 'demo-verilator.pcap') });
    const link = await icarus();
    const ic = await runDemo({ seed: 21, frames, window: 8, pcapPath: join(scratch, 'demo-icarus.pcap'), linkA: link });
    expect(ic.ok).toBe(true);
    expect([...ic.aToB.errors, ...ic.bToA.errors]).toEqual([]);
    expect(ic.aToB.frames).toBe(frames);
    expect(ic.bToA.frames).toBe(frames);
    expect(simulated(ic)).toEqual(simulated(verilator));
    const a = readFileSync(join(scratch, 'demo-verilator.pcap'));
    const b = readFileSync(join(scratch, 'demo-icarus.pcap'));
    expect(b.length).toBeGreaterThan(frames * 2 * 60);
    expect(b.equals(a)).toBe(true);
    // every burst crossed the socket; the bridge saw no bus violation and no X or Z on any
    // handshake, interrupt or payload qualifier of nic_top
    const c = link.counters();
    expect(c.dmaReads).toBeGreaterThanOrEqual(frames);
    expect(c.dmaWrites).toBeGreaterThanOrEqual(frames);
    expect(c.dmaErrors).toBe(0);
    expect(c.firstProtocolError).toBe('');
    expect(c.protocolErrors).toBe(0);
  }, 300_000);

  it('over TCP on loopback: register reads and time as under Verilator, and an FST waveform of the run', async () => {
    const fst = join(scratch, 'tcp.fst');
    const link = await icarus({ transport: 'tcp', fstPath: fst });
    expect(link.name).toMatch(/^icarus:tcp:127\.0\.0\.1:\d+$/);
    const v = new VerilatorLink();
    try {
      for (const reg of [Reg.ID, Reg.VERSION, Reg.CAPS, Reg.REQ_BASE_LO]) {
        expect(await link.mmioRead(reg)).toBe(await v.mmioRead(reg));
        expect(link.now).toBe(v.now);
      }
      await link.mmioWrite(Reg.REQ_BASE_LO, 0x1000);
      await v.mmioWrite(Reg.REQ_BASE_LO, 0x1000);
      expect(await link.mmioRead(Reg.REQ_BASE_LO)).toBe(0x1000);
      expect(await v.mmioRead(Reg.REQ_BASE_LO)).toBe(0x1000);
      expect(await link.advance(1000, false)).toBe(await v.advance(1000, false));
      expect(link.now).toBe(v.now);
      await link.close();
    } finally {
      await v.close();
    }
    // closing the link ends the simulation: the simulator exits by itself, cleanly
    const sim = sims[0]!;
    for (let i = 0; i < 100 && sim.exitState() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sim.exitState()).toBe('exited with code 0');
    expect(sim.output()).toMatch(/the host closed tcp:127\.0\.0\.1:\d+; \d+ cycles in/);
    await sims.splice(0)[0]!.stop();
    expect(existsSync(fst)).toBe(true);
    expect(readFileSync(fst).length).toBeGreaterThan(1000);
  }, 120_000);

  it('killing the simulator fails the outstanding request CLOSED within the time-out, saying it was killed, and every later call', async () => {
    const link = await icarus({ timeoutMs: 5000 });
    expect(await link.mmioRead(Reg.ID)).toBe(0x464c5545);
    const t0 = Date.now();
    const pending = link.advance(1e9, true);
    await new Promise((r) => setTimeout(r, 300));
    sims[0]!.process.kill('SIGKILL');
    const err = await pending.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).code).toBe(DeviceErrorCode.CLOSED);
    expect((err as DeviceError).message).toMatch(/closed the link while TIME_ADVANCE by 1000000000 cycles was outstanding.*killed by SIGKILL/);
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(link.mmioRead(Reg.ID)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
    await expect(link.advance(10, false)).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED });
  }, 120_000);
});
