/**
 * The software stack over the RTL NIC's plain L2 path: two emulated NICs back to back, a
 * stack on each (peer mode: no offload), TCP connections opened both ways, data moved (1 MiB
 * with a capture, 64 MiB each way without) and checked by SHA-256, closed gracefully and aborted; the capture judged by tshark; the same
 * seed gives the same capture bytes.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_CLOCK_HZ } from '../../../protocol/generated/contract.js';
import { TCP_MINIPORT, createBackToBack, stackOn, type BackToBack } from '../../cli/testbed.js';
import type { TcpSocket } from './socket.js';
import type { Stack } from './stack.js';
import { seededBytes } from './transfer.js';

const IP_A = '192.0.2.10';
const IP_B = '198.51.100.11';
const dir = mkdtempSync(join(tmpdir(), 'flue-peer-'));

interface Peers { bed: BackToBack; a: Stack; b: Stack }

async function peers(pcapPath?: string, seed = 1): Promise<Peers> {
  const bed = await createBackToBack({ ...(pcapPath ? { pcapPath } : {}), miniport: TCP_MINIPORT });
  // the two ends sit in different /24s with no router: each is the other's neighbour on the cable
  const a = stackOn(bed, bed.a, IP_A, seed);
  const b = stackOn(bed, bed.b, IP_B, seed + 1);
  return { bed, a, b };
}

/** Moves `bytes` each way over one connection from `from` to a listener on `to`; closes gracefully. */
async function transfer(p: Peers, from: Stack, to: Stack, toIp: string, bytes: number, port: number) {
  const out = { sent: [seededBytes(port, bytes), seededBytes(port + 1, bytes)], got: [createHash('sha256'), createHash('sha256')], count: [0, 0], closed: [false, false] };
  const wire = (i: number, sock: TcpSocket, accepted: boolean): void => {
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const n = sock.send(out.sent[i]!.subarray(sent, Math.min(bytes, sent + 65536)));
        if (n === 0) return;
        sent += n;
      }
      if (sent === bytes) { sent++; sock.close(); }
    };
    sock.on('data', () => { const d = sock.receive(); out.count[i]! += d.length; out.got[i]!.update(d); });
    sock.on('drain', pump);
    sock.on('close', () => { out.closed[i] = true; });
    if (accepted) pump();
    else sock.on('connect', pump);
  };
  const listener = to.listen(port);
  listener.on('connection', () => wire(1, listener.accept()!, true));
  wire(0, from.connect(toIp, port), false);
  const result = await p.bed.scheduler.run({ until: () => !!(out.closed[0] && out.closed[1]), maxCycles: 100_000_000 });
  listener.close();
  const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  return {
    result,
    received: out.count,
    match: [out.got[0]!.digest('hex') === hex(out.sent[1]!), out.got[1]!.digest('hex') === hex(out.sent[0]!)],
  };
}

describe('software TCP over the RTL NIC plain path, peer mode', () => {
  it('opens connections in both directions, moves 1 MiB each way with SHA-256 equal, closes gracefully, and tshark finds nothing wrong', async () => {
    const pcap = join(dir, 'peer.pcap');
    const p = await peers(pcap);
    try {
      const ab = await transfer(p, p.a, p.b, IP_B, 1 << 20, 45001);
      expect(ab.result).toBe('done');
      expect(ab.received).toEqual([1 << 20, 1 << 20]);
      expect(ab.match).toEqual([true, true]);
      const ba = await transfer(p, p.b, p.a, IP_A, 256 << 10, 45002);
      expect(ba.result).toBe('done');
      expect(ba.match).toEqual([true, true]);
      for (const s of [p.a, p.b]) expect(Object.values(s.counters.drops).reduce((x, y) => x + y, 0)).toBe(0);
      for (const st of [p.bed.a, p.bed.b]) expect((await st.adapter.readStats()).STAT_RX_DROP_NO_BUFFER).toBe(0);
    } finally {
      await p.bed.close();
    }
    // the architecture's bad-TCP filter; "window full" is excluded too: it notes a sender that
    // filled the advertised window exactly, which bulk transfer with bounded windows does by design
    const bad = execFileSync('tshark', ['-r', pcap, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
      '-Y', '(tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.window_full) || _ws.malformed || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad"'], { encoding: 'utf8' }).trim();
    const windowFull = execFileSync('tshark', ['-r', pcap, '-Y', 'tcp.analysis.window_full'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(windowFull.length).toBeLessThan(50);
    expect(bad).toBe('');
    const syns = execFileSync('tshark', ['-r', pcap, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'ip.src'], { encoding: 'utf8' }).trim().split('\n');
    expect(syns).toEqual([IP_A, IP_B]);
  });

  it('moves 64 MiB each way over one connection, both directions at once, with SHA-256 equal and nothing dropped', async () => {
    const p = await peers();
    const MiB64 = 64 << 20;
    try {
      const t0 = p.bed.scheduler.now;
      const r = await transfer(p, p.a, p.b, IP_B, MiB64, 46001);
      expect(r.result).toBe('done');
      expect(r.received).toEqual([MiB64, MiB64]);
      expect(r.match).toEqual([true, true]);
      for (const s of [p.a, p.b]) {
        expect(Object.values(s.counters.drops).reduce((x, y) => x + y, 0)).toBe(0);
        expect(s.counters.tcpRtoExpirations).toBe(0);
      }
      // both directions share the wire's two halves: each carried its 64 MiB at line rate or near it
      const seconds = (p.bed.scheduler.now - t0) / CORE_CLOCK_HZ;
      expect((MiB64 * 8) / seconds / 1e9).toBeGreaterThan(8);
    } finally {
      await p.bed.close();
    }
  });

  it('an abort resets the connection on both ends without disturbing a second connection', async () => {
    const p = await peers();
    try {
      const l = p.b.listen(7001);
      const accepted: TcpSocket[] = [];
      l.on('connection', () => accepted.push(l.accept()!));
      const c1 = p.a.connect(IP_B, 7001);
      const c2 = p.a.connect(IP_B, 7001);
      await p.bed.scheduler.run({ until: () => accepted.length === 2 && c1.state === 'ESTABLISHED' && c2.state === 'ESTABLISHED', maxCycles: 50_000_000 });
      let peerError = '';
      const far1 = accepted.find((s) => s.remotePort === c1.localPort)!;
      far1.on('close', (e) => { peerError = e?.code ?? 'none'; });
      c1.abort();
      await p.bed.scheduler.run({ until: () => far1.closed, maxCycles: 50_000_000 });
      expect(peerError).toBe('FLUE_TCP_RESET');
      const msg = Uint8Array.from([1, 2, 3, 4]);
      c2.send(msg);
      const far2 = accepted.find((s) => s.remotePort === c2.localPort)!;
      await p.bed.scheduler.run({ until: () => far2.readableLength === 4, maxCycles: 50_000_000 });
      expect(far2.receive()).toEqual(msg);
    } finally {
      await p.bed.close();
    }
  });

  it('same seed, same capture bytes', async () => {
    const paths = [join(dir, 's1.pcap'), join(dir, 's2.pcap')];
    for (const path of paths) {
      const p = await peers(path, 42);
      try {
        const r = await transfer(p, p.a, p.b, IP_B, 128 << 10, 5001);
        expect(r.match).toEqual([true, true]);
      } finally {
        await p.bed.close();
      }
    }
    expect(readFileSync(paths[0]!).equals(readFileSync(paths[1]!))).toBe(true);
  });
});
