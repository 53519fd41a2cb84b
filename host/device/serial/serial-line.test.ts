/**
 * The serialport backend through a pair of pseudo-terminals that socat joins (as a USB-serial
 * cable joins host and board): requests, the far side's answers and the line going away. socat
 * comes with the set-up (tools/setup-apt.sh).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkType } from '../../../protocol/generated/contract.js';
import { DeviceErrorCode } from '../errors.js';
import { LinkTransport } from './link-transport.js';
import { openSerialLine } from './serial-line.js';
import { farSide, farValue, mmioRead } from './testing.js';

interface PtyPair { a: string; b: string; socat: ChildProcess; dir: string }

/** Two pseudo-terminals joined by socat, raw, no echo; resolves once both exist. */
async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'flue-pty-'));
  const a = join(dir, 'host');
  const b = join(dir, 'board');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 10));
  if (!existsSync(a) || !existsSync(b)) throw new Error('socat made no pseudo-terminals within 2 s');
  return { a, b, socat, dir };
}

const pairs: PtyPair[] = [];
afterEach(() => {
  for (const p of pairs.splice(0)) {
    p.socat.kill('SIGKILL');
    rmSync(p.dir, { recursive: true, force: true });
  }
});

describe('the serial backend over pseudo-terminals (serialport, socat)', () => {
  it('register reads go through a real serial port pair and come back with their values; the port names itself in errors', async () => {
    const p = await ptyPair();
    pairs.push(p);
    const host = await openSerialLine({ path: p.a, baudRate: 115200 });
    const board = await openSerialLine({ path: p.b, baudRate: 115200 });
    farSide({ onData: (l) => board.onData(l), emit: (bytes) => board.write(bytes) });
    const t = new LinkTransport(host, { timeoutMs: 500, retries: 2, name: p.a });
    const addrs = Array.from({ length: 200 }, (_, i) => 4 * i);
    const got = await Promise.all(addrs.map((addr) => t.request(LinkType.MMIO_READ, mmioRead(addr)).then((m) => new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(4, true))));
    expect(got).toEqual(addrs.map(farValue));
    expect(t.stats).toMatchObject({ responses: 200, retries: 0, timeouts: 0 });
    expect(t.frameCounters).toMatchObject({ messages: 200, crc: 0 });
    t.close();
    board.close();
    await expect(openSerialLine({ path: join(p.dir, 'nothing'), baudRate: 115200 })).rejects.toMatchObject({
      code: DeviceErrorCode.CLOSED, message: expect.stringContaining('nothing: cannot open'),
    });
  });

  it('the cable pulled (socat killed) with requests outstanding: each fails CLOSED well within its timeout, naming the port', async () => {
    const p = await ptyPair();
    pairs.push(p);
    const host = await openSerialLine({ path: p.a, baudRate: 115200 });
    // a board that never answers
    const t = new LinkTransport(host, { timeoutMs: 10_000, retries: 3, name: p.a });
    const started = Date.now();
    const outstanding = [t.request(LinkType.HELLO), t.request(LinkType.MMIO_READ, mmioRead(8))];
    await new Promise((r) => setTimeout(r, 50));
    p.socat.kill('SIGKILL');
    for (const r of outstanding) await expect(r).rejects.toMatchObject({ code: DeviceErrorCode.CLOSED, message: expect.stringContaining(p.a) });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
