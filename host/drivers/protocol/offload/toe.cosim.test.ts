/**
 * Offloaded connections carried by the RTL TOE: the protocol driver's offload client on station
 * A hands a connection to the card through NDIS and the miniport (ChimneyTarget); the card
 * then carries it on the wire by itself against flue's software stack on station B (peer mode,
 * its NIC's plain L2 path). Data both ways is checked by SHA-256; the capture is judged by
 * tshark.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reg } from '../../../../protocol/generated/contract.js';
import { offloadSide, tsharkComplaints } from '../../../cli/scenario.js';
import { TCP_MINIPORT, createBackToBack, stackOn, type BackToBack } from '../../../cli/testbed.js';
import { ChimneyTarget } from '../../miniport/chimney.js';
import { Ndis } from '../../../ndis/runtime.js';
import type { TcpSocket } from '../socket.js';
import type { Stack } from '../stack.js';
import { seededBytes } from '../transfer.js';
import { OffloadClient } from './client.js';

const IP_A = '192.0.2.10';
const IP_B = '198.51.100.11';
const PORT = 47001;
const dir = mkdtempSync(join(tmpdir(), 'flue-toe-'));

interface Rig { bed: BackToBack; a: Stack; b: Stack; client: OffloadClient; target: ChimneyTarget; ndis: Ndis }

async function rig(pcapPath?: string): Promise<Rig> {
  const bed = await createBackToBack({ ...(pcapPath ? { pcapPath } : {}), miniport: TCP_MINIPORT });
  const tcp = { receiveBuffer: 256 * 1024, sendBuffer: 256 * 1024 };
  const a = stackOn(bed, bed.a, IP_A, 1, tcp);
  const b = stackOn(bed, bed.b, IP_B, 2, tcp);
  // throws unless the card takes the offload parameters
  const { ndis, target, client } = await offloadSide(bed.a, a, 'nic-a', true);
  return { bed, a, b, client, target, ndis };
}

/** A connects to B, the client offloads it, `bytes` move each way, both close. */
async function transfer(r: Rig, bytes: number) {
  const sent = [seededBytes(PORT, bytes), seededBytes(PORT + 1, bytes)];
  const got = [createHash('sha256'), createHash('sha256')];
  const count = [0, 0];
  const closed = [false, false];
  let offloaded = false;
  // where each direction's data first went wrong (-1: never), so a failure says where
  const firstBad = [-1, -1];
  r.client.on('offloaded', () => { offloaded = true; });
  const wire = (i: number, sock: TcpSocket, accepted: boolean): void => {
    let n = 0;
    const pump = (): void => {
      while (n < bytes) {
        const k = sock.send(sent[i]!.subarray(n, Math.min(bytes, n + 65536)));
        if (k === 0) return;
        n += k;
      }
      if (n === bytes) { n++; sock.close(); }
    };
    sock.on('data', () => {
      const d = sock.receive();
      if (firstBad[i] === -1) {
        const want = sent[1 - i]!.subarray(count[i]!, count[i]! + d.length);
        const k = d.findIndex((b, j) => b !== want[j]);
        if (k >= 0) firstBad[i] = count[i]! + k;
      }
      count[i]! += d.length; got[i]!.update(d);
    });
    sock.on('drain', pump);
    sock.on('close', () => { closed[i] = true; });
    if (accepted) pump();
    else sock.on('connect', pump);
  };
  const listener = r.b.listen(PORT);
  listener.on('connection', () => wire(1, listener.accept()!, true));
  wire(0, r.a.connect(IP_B, PORT), false);
  const result = await r.bed.scheduler.run({ until: () => closed[0]! && closed[1]!, maxCycles: Number(process.env.FLUE_TOE_CYCLES ?? 200_000_000) });
  listener.close();
  const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  return { result, offloaded, count, firstBad, match: [got[0]!.digest('hex') === hex(sent[1]!), got[1]!.digest('hex') === hex(sent[0]!)] };
}

/** Offloads one connection, moves `bytes` each way, closes; checks the data and the card's counters. */
async function bulk(pcap: string, bytes: number): Promise<void> {
  const r = await rig(pcap);
  try {
    const out = await transfer(r, bytes);
    expect(out.result).toBe('done');
    expect(out.offloaded).toBe(true);
    expect(out.count).toEqual([bytes, bytes]);
    expect(out.firstBad).toEqual([-1, -1]);
    expect(out.match).toEqual([true, true]);
    expect(r.client.counters.offloads).toBe(1);
    expect(r.client.counters.sendBytesAcked).toBe(bytes);
    expect(r.client.counters.receiveBytes).toBe(bytes);
    expect(await r.bed.a.link.mmioRead(Reg.STAT_BAD_DESC)).toBe(0);
    expect(await r.bed.a.link.mmioRead(Reg.STAT_DMA_ERRORS)).toBe(0);
    // the card carried it: after the handshake and the first flight, no plain frame left A
    expect(await r.bed.a.link.mmioRead(Reg.STAT_TX_FRAMES)).toBeLessThan(10);
    expect(r.ndis.violations).toEqual([]);
  } finally {
    await r.bed.close();
  }
}

describe('the RTL TOE carries an offloaded connection', () => {
  it('R41 R46 R48 R60 R64 moves 1 MiB each way through the card with SHA-256 equal, closes gracefully, and tshark finds nothing wrong', async () => {
    const pcap = join(dir, 'toe.pcap');
    await bulk(pcap, Number(process.env.FLUE_TOE_BYTES ?? 1 << 20));
    expect(tsharkComplaints(pcap)).toBe('');
  }, 300_000);

  it('moves 64 MiB each way, both directions at once, with SHA-256 equal and tshark finding no retransmission', async () => {
    const pcap = join(dir, 'toe64.pcap');
    await bulk(pcap, 64 << 20);
    // the card outruns the software peer's 256 KiB receive buffer: it fills the window, as it should
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
  }, 600_000);
});
