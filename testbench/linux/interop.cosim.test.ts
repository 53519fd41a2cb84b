/**
 * flue against the Linux kernel's TCP: NIC A under Verilator in real-time mode, joined by a
 * TAP device to a network namespace where Linux sockets (testbench/linux/peer.ts) send and check
 * known data. Every capture is judged by tshark. Skipped only where the machine cannot create a
 * namespace or a TAP device (canCreateNamespaces says why); CI can, so there it runs.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tsharkComplaints } from '../../host/cli/scenario.js';
import type { TcpSocket } from '../../host/drivers/protocol/socket.js';
import { seededBytes, sha256 } from '../../host/drivers/protocol/transfer.js';
import { createLinuxBed, LINUX_IP, type LinuxBed } from './bed.js';
import { canCreateNamespaces } from './netns.js';

const can = canCreateNamespaces();
const scratch = mkdtempSync(join(tmpdir(), 'flue-linux-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** flue's end of one connection: sends seededBytes(seed, bytes) then FIN, hashes what arrives. */
function flueEnd(sock: TcpSocket, bytes: number, seed: number) {
  const data = seededBytes(seed, bytes);
  const hash = createHash('sha256');
  const end = { received: 0, sent: 0, closed: false, sha256: '' };
  const pump = (): void => {
    while (end.sent < bytes) {
      const k = sock.send(data.subarray(end.sent, Math.min(bytes, end.sent + 65536)));
      if (k === 0) return;
      end.sent += k;
    }
    if (end.sent === bytes) {
      end.sent++; // once
      sock.close();
    }
  };
  sock.on('data', () => {
    const d = sock.receive();
    hash.update(d);
    end.received += d.length;
  });
  sock.on('drain', pump);
  sock.on('close', () => { end.closed = true; end.sha256 = hash.digest('hex'); });
  return { end, pump, sentSha: sha256(data) };
}

describe.skipIf(!can.ok)(`flue against Linux TCP over a TAP device in a network namespace${can.ok ? '' : ` (skipped: ${can.reason})`}`, () => {
  let bed: LinuxBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('flue opens to a Linux listener; the connection is offloaded once established and carries 1 MiB each way intact; tshark finds nothing wrong', async () => {
    const pcap = join(scratch, 'to-listener.pcap');
    bed = await createLinuxBed({ pcapPath: pcap, prefix: 'open' });
    const bytes = 1 << 20;
    const linux = bed.peer(['--listen', '5001', '--send', String(bytes), '--seed', '21']);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, 5001);
    const f = flueEnd(sock, bytes, 22);
    let offloadedWhileOpen = false;
    sock.on('connect', () => { f.pump(); });
    bed.offload!.client.on('offloaded', () => { offloadedWhileOpen = true; });
    let result: Awaited<typeof linux.result> | undefined;
    void linux.result.then((r) => { result = r; });
    expect(await bed.run(() => f.end.closed && result !== undefined, 120)).toBe('done');
    expect(result).toMatchObject({ ok: true, sent: bytes, received: bytes, sha256: f.sentSha, rst: false });
    expect(f.end.received).toBe(bytes);
    expect(f.end.sha256).toBe(sha256(seededBytes(21, bytes)));
    expect(offloadedWhileOpen).toBe(true);
    expect(bed.offload!.client.counters.offloads).toBe(1);
    expect(bed.wire.droppedToPort).toBe(0);
    expect(tsharkComplaints(pcap)).toBe('');
  });
});
