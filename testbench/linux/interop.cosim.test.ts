/**
 * flue against the Linux kernel's TCP: NIC A under Verilator in real-time mode, joined by a
 * TAP device to a network namespace where Linux sockets (testbench/linux/peer.ts) send and check
 * known data. Every capture is judged by tshark. Skipped only where the machine cannot create a
 * namespace or a TAP device (canCreateNamespaces says why); CI can, so there it runs.
 *
 * Data Linux sends at once on a connection flue offloads the moment it is established meets the
 * card before the host forwards the segments it held while the connection moved (R63): the card
 * holds it out of order in a NIC buffer (an isle) and sends no duplicate ACK for it meanwhile,
 * so the capture shows no retransmission.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { countRetransmissions, tsharkComplaints } from '../../host/cli/scenario.js';
import type { ImpairmentConfig } from '../../host/wire/impair.js';
import type { StackError } from '../../host/drivers/protocol/errors.js';
import type { TcpSocket } from '../../host/drivers/protocol/socket.js';
import { seededBytes, sha256 } from '../../host/drivers/protocol/transfer.js';
import { createLinuxBed, FLUE_IP, LINUX_IP, type LinuxBed, type LinuxBedOptions } from './bed.js';
import { canCreateNamespaces } from './netns.js';

const can = canCreateNamespaces();
// FLUE_INTEROP_KEEP=<dir> keeps the captures there (to open in Wireshark after a failure)
const keep = process.env.FLUE_INTEROP_KEEP;
const scratch = keep ?? mkdtempSync(join(tmpdir(), 'flue-linux-'));
afterAll(() => { if (!keep) rmSync(scratch, { recursive: true, force: true }); });

/**
 * A receiver whose window closes while its application catches up (Linux's peer hashing 256 MiB,
 * flue's host stack behind a reordering wire) is flow control, not a fault: these flags are
 * what tshark marks for it (Linux's zero-window probes look like keep-alives to tshark).
 */
const FLOW_CONTROL = ['window_full', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'keep_alive', 'keep_alive_ack'];

interface FlueEnd {
  received: number;
  sent: number;
  closed: boolean;
  error: StackError | undefined;
  sha256: string;
  /** the app stops reading until resume() */
  paused: boolean;
}

/**
 * flue's end of one connection: sends seededBytes(seed, bytes) then closes (FIN), hashes what
 * arrives. `holdReads` keeps the app from reading (its receive buffer fills, the window shuts).
 */
function flueEnd(sock: TcpSocket, bytes: number, seed: number, options: { holdReads?: boolean; noClose?: boolean } = {}) {
  const data = seededBytes(seed, bytes);
  const hash = createHash('sha256');
  const end: FlueEnd = { received: 0, sent: 0, closed: false, error: undefined, sha256: '', paused: options.holdReads ?? false };
  let finished = false;
  const pump = (): void => {
    while (end.sent < bytes) {
      const k = sock.send(data.subarray(end.sent, Math.min(bytes, end.sent + 65536)));
      if (k === 0) return;
      end.sent += k;
    }
    if (!finished && !options.noClose) {
      finished = true;
      sock.close();
    }
  };
  const read = (): void => {
    if (end.paused) return;
    const d = sock.receive();
    hash.update(d);
    end.received += d.length;
  };
  sock.on('data', read);
  sock.on('drain', pump);
  sock.on('close', (e?: StackError) => {
    end.closed = true;
    end.error = e;
    if (end.sha256 === '') end.sha256 = hash.digest('hex');
  });
  return {
    end,
    pump,
    sentSha: sha256(data),
    resume(): void { end.paused = false; read(); },
  };
}

function settle<T>(p: Promise<T>): { value: T | undefined } {
  const box: { value: T | undefined } = { value: undefined };
  void p.then((v) => { box.value = v; });
  return box;
}

/** the given fields of each frame in a capture matching a display filter */
function fields(pcap: string, filter: string, names: readonly string[]): string[][] {
  const out = execFileSync('tshark', ['-r', pcap, '-o', 'tcp.desegment_tcp_streams:FALSE', '-Y', filter, '-T', 'fields', ...names.flatMap((n) => ['-e', n])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** flue's acknowledgment numbers, frame by frame, that are smaller than the one before (as "before>after") */
function ackGoingBackwards(pcap: string): string[] {
  const acks = fields(pcap, `ip.src == ${FLUE_IP} && tcp.flags.ack == 1 && tcp.flags.syn == 0`, ['tcp.ack']).map(([a]) => Number(a));
  return acks.flatMap((a, i) => (i > 0 && ((a - acks[i - 1]!) >>> 0) > 0x80000000 ? [`${acks[i - 1]}>${a}`] : []));
}

/** frames in a capture matching a display filter */
function count(pcap: string, filter: string): number {
  return fields(pcap, filter, ['frame.number']).length;
}

describe.skipIf(!can.ok)(`flue against Linux TCP over a TAP device in a network namespace${can.ok ? '' : ` (skipped: ${can.reason})`}`, () => {
  let bed: LinuxBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  async function open(name: string, options: LinuxBedOptions = {}): Promise<{ bed: LinuxBed; pcap: string }> {
    const pcap = join(scratch, `${name}.pcap`);
    bed = await createLinuxBed({ pcapPath: pcap, prefix: name.slice(0, 8), ...options });
    return { bed, pcap };
  }

  /**
   * `bytes` each way between a Linux listener on `port` (sending seededBytes(linuxSeed)) and a
   * flue socket that connects to it (sending seededBytes(flueSeed), then closing), run until both
   * ends are over: both ends got every byte, SHA-256 equal. `watch` sees the socket before the run.
   */
  async function bothWays(bed: LinuxBed, port: number, bytes: number, seeds: { linux: number; flue: number }, seconds: number,
    watch?: (sock: TcpSocket, f: ReturnType<typeof flueEnd>) => void): Promise<void> {
    const linux = bed.peer(['--listen', String(port), '--send', String(bytes), '--seed', String(seeds.linux)]);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, port);
    const f = flueEnd(sock, bytes, seeds.flue);
    sock.on('connect', f.pump);
    watch?.(sock, f);
    const r = settle(linux.result);
    expect(await bed.run(() => f.end.closed && r.value !== undefined, seconds)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, sent: bytes, received: bytes, sha256: f.sentSha });
    expect(f.end).toMatchObject({ received: bytes, sha256: sha256(seededBytes(seeds.linux, bytes)), error: undefined });
  }

  it('flue opens to a Linux listener that sends at once: the connection is offloaded as it is established, 4 MiB each way arrive intact, and the capture shows no retransmission (Linux\'s first burst, which meets the card before the host forwards the segment ahead of it, is held in an isle)', async () => {
    const { bed, pcap } = await open('toLinux');
    await bothWays(bed, 5001, 4 << 20, { linux: 7, flue: 8 }, 120);
    expect(bed.offload!.client.counters.offloads).toBe(1);
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
  });

  it('R46 R48 R63: Linux opens to a flue listener and sends at once: the accepted connection is offloaded as it is established, 4 MiB each way arrive intact, and the capture shows no retransmission', async () => {
    const { bed, pcap } = await open('fromLinux');
    const bytes = 4 << 20;
    const listener = bed.stack.listen(5002);
    let f: ReturnType<typeof flueEnd> | undefined;
    listener.on('connection', () => {
      const sock = listener.accept();
      if (!sock) return;
      f = flueEnd(sock, bytes, 9);
      f.pump();
    });
    const linux = bed.peer(['--connect', `${FLUE_IP}:5002`, '--send', String(bytes), '--seed', '10']);
    const r = settle(linux.result);
    expect(await bed.run(() => f !== undefined && f.end.closed && r.value !== undefined, 120)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, sent: bytes, received: bytes, sha256: f!.sentSha });
    expect(f!.end).toMatchObject({ received: bytes, sha256: sha256(seededBytes(10, bytes)), error: undefined });
    expect(bed.offload!.client.counters.offloads).toBe(1);
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
    expect(bed.net.nstat().TcpRetransSegs ?? 0).toBe(0);
  });

  it('half-close: Linux sends its FIN first with nothing to send while flue carries on sending 2 MiB on the offloaded connection, then closes; both sides see every byte and a graceful end', async () => {
    const { bed, pcap } = await open('halfclose');
    const bytes = 2 << 20;
    const linux = bed.peer(['--listen', '5003', '--send', '0', '--seed', '1']);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, 5003);
    const f = flueEnd(sock, bytes, 42);
    let endSeenAt = -1;
    sock.on('connect', f.pump);
    sock.on('end', () => { endSeenAt = f.end.sent; });
    const r = settle(linux.result);
    expect(await bed.run(() => f.end.closed && r.value !== undefined, 120)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, sent: 0, received: bytes, sha256: f.sentSha });
    expect(endSeenAt).toBeGreaterThanOrEqual(0);
    expect(f.end.error).toBeUndefined();
    expect(bed.offload!.client.counters.offloads).toBe(1);
    // Linux's FIN came before the last of flue's data
    const linuxFin = Number(execFileSync('tshark', ['-r', pcap, '-Y', `ip.src == ${LINUX_IP} && tcp.flags.fin == 1`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).split('\n')[0]);
    const lastData = Number(execFileSync('tshark', ['-r', pcap, '-Y', `ip.src == ${FLUE_IP} && tcp.len > 0`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim().split('\n').pop());
    expect(linuxFin).toBeLessThan(lastData);
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
  });

  it('graceful close from flue\'s side: flue sends 1 MiB and its FIN first, Linux reads to the end and closes after; both ends see every byte and no RST', async () => {
    const { bed, pcap } = await open('flueFin');
    const bytes = 1 << 20;
    const linux = bed.peer(['--listen', '5006', '--send', String(64 * 1024), '--seed', '3', '--hold-fin']);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, 5006);
    const f = flueEnd(sock, bytes, 4);
    sock.on('connect', f.pump);
    const r = settle(linux.result);
    expect(await bed.run(() => f.end.closed && r.value !== undefined, 120)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, received: bytes, sha256: f.sentSha, rst: false });
    expect(f.end).toMatchObject({ received: 64 * 1024, sha256: sha256(seededBytes(3, 64 * 1024)), error: undefined });
    expect(bed.offload!.client.counters.offloads).toBe(1);
    const fins = execFileSync('tshark', ['-r', pcap, '-Y', 'tcp.flags.fin == 1', '-T', 'fields', '-e', 'ip.src'], { encoding: 'utf8' }).trim().split('\n');
    expect(fins).toEqual([FLUE_IP, LINUX_IP]);
    expect(count(pcap, 'tcp.flags.reset == 1')).toBe(0);
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
  });

  it('flue stops posting receive buffers (its app stops reading): the card\'s window closes, Linux\'s zero-window probes are answered, and the transfer resumes when the app reads again', async () => {
    const { bed, pcap } = await open('flueZwin', { tcp: { receiveBuffer: 64 * 1024 } });
    const bytes = 2 << 20;
    const linux = bed.peer(['--listen', '5007', '--send', String(bytes), '--seed', '5']);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, 5007);
    const f = flueEnd(sock, 64 * 1024, 6, { holdReads: true, noClose: true });
    sock.on('connect', f.pump);
    sock.on('end', () => sock.close());
    // three seconds of not reading: Linux probes the closed window with backoff meanwhile
    expect(await bed.run(() => false, 3)).toBe('limit');
    expect(f.end.received).toBe(0);
    // Linux probes with a segment one byte below SND.UNA and no data, which tshark calls a keep-alive
    const probes = count(pcap, `ip.src == ${LINUX_IP} && (tcp.analysis.zero_window_probe || tcp.analysis.keep_alive)`);
    expect(probes).toBeGreaterThanOrEqual(2);
    // each answered with the window still zero
    expect(count(pcap, `ip.src == ${FLUE_IP} && tcp.analysis.zero_window`)).toBeGreaterThanOrEqual(probes);
    f.resume();
    const r = settle(linux.result);
    expect(await bed.run(() => f.end.closed && r.value !== undefined, 120)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, sent: bytes, received: 64 * 1024, sha256: f.sentSha });
    expect(f.end).toMatchObject({ received: bytes, sha256: sha256(seededBytes(5, bytes)), error: undefined });
    expect(bed.offload!.client.counters.offloads).toBe(1);
    expect(tsharkComplaints(pcap, ['window_full', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'keep_alive', 'keep_alive_ack'])).toBe('');
  });

  it('R33: an upload in the middle of a transfer, the connection carried on in software to the end: 4 MiB each way intact at Linux and at flue, no retransmission (segments on their way into the card as it terminates are processed before the state goes back), and flue\'s ACKs never go backwards', async () => {
    const { bed, pcap } = await open('upload');
    const client = bed.offload!.client;
    let uploadedAt = -1;
    await bothWays(bed, 5008, 4 << 20, { linux: 11, flue: 12 }, 120, (sock, f) => sock.on('data', () => {
      if (uploadedAt < 0 && f.end.received >= 1 << 20 && client.phaseOf(sock) === 'offloaded') {
        uploadedAt = f.end.received;
        client.upload(sock);
      }
    }));
    expect(uploadedAt).toBeGreaterThan(0);
    expect(client.counters).toMatchObject({ offloads: 1, uploads: 1 });
    expect(ackGoingBackwards(pcap)).toEqual([]);
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
    expect(bed.net.nstat().TcpRetransSegs ?? 0).toBe(0);
  });

  it('R33 R21 R63: an upload in the middle of a transfer, the connection carried on in software, then offloaded again: 4 MiB each way intact at both ends (no gap, nothing delivered twice), flue\'s ACKs never go backwards, and neither side retransmits (the offload waits until the software\'s data frames have left, so the segments held during the initiate are few)', async () => {
    const { bed, pcap } = await open('reoffload');
    const client = bed.offload!.client;
    let uploadedAt = -1;
    let reoffloadedAt = -1;
    await bothWays(bed, 5012, 4 << 20, { linux: 13, flue: 14 }, 120, (sock, f) => sock.on('data', () => {
      if (uploadedAt < 0 && f.end.received >= 1 << 20 && client.phaseOf(sock) === 'offloaded') {
        uploadedAt = f.end.received;
        client.upload(sock);
      } else if (uploadedAt > 0 && reoffloadedAt < 0 && f.end.received >= 2 << 20 && client.phaseOf(sock) === 'software') {
        reoffloadedAt = f.end.received;
        client.offload(sock);
      }
    }));
    expect(reoffloadedAt).toBeGreaterThan(uploadedAt);
    // the second upload is the card's at the end (the connection in TIME-WAIT goes back to the host)
    expect(client.counters).toMatchObject({ offloads: 2, uploads: 2, forwardsRefused: 0 });
    expect(ackGoingBackwards(pcap)).toEqual([]);
    expect(tsharkComplaints(pcap, ['window_full'])).toBe('');
    expect(count(pcap, 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission')).toBe(0);
    expect(bed.net.nstat().TcpRetransSegs ?? 0).toBe(0);
  });

  it('256 MiB each way through one offloaded connection on a clean link: SHA-256 equal at both ends, tshark clean', async () => {
    const { bed, pcap } = await open('bulk256');
    await bothWays(bed, 5010, 256 << 20, { linux: 21, flue: 22 }, 900);
    expect(bed.offload!.client.counters.offloads).toBe(1);
    expect(tsharkComplaints(pcap, FLOW_CONTROL)).toBe('');
    // Linux's own view agrees: it resent nothing
    expect(bed.net.nstat().TcpRetransSegs ?? 0).toBe(0);
  }, 1_200_000);

  // Linux's netem is not in this kernel: the same impairments are applied on flue's side of the
  // TAP device, to both directions, seeded. The capture is taken before them (frames as they
  // leave flue, frames as Linux sent them), so what tshark finds is what the ends did about them.
  const impaired: { name: string; impairment: Partial<ImpairmentConfig>; explains: string[]; maxRetransmissions: (lost: number, reordered: number, duplicated: number) => number }[] = [
    { name: '25% reordering (held 1 ms)', impairment: { reorder: 0.25, reorderDelayMs: 1 }, explains: ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'duplicate_ack', 'out_of_order'], maxRetransmissions: (_l, reordered) => reordered },
    // duplicated data makes the receiver ACK again: duplicate ACKs, and now and then a spurious
    // fast retransmission, which tshark calls out-of-order when it follows the original within
    // its out-of-order window (seen once the capture's times became the card's, 25 frames in one run)
    { name: '5% duplication', impairment: { duplicate: 0.05 }, explains: ['duplicate_ack', 'spurious_retransmission', 'retransmission', 'fast_retransmission', 'out_of_order'], maxRetransmissions: (_l, _r, duplicated) => duplicated },
    { name: '50 ms delay', impairment: { delayMs: 50 }, explains: [], maxRetransmissions: () => 0 },
    // a lost frame is resent (a lost ACK can make a sender resend data that did arrive); neither
    // end has SACK, so the card must hold what comes after a hole until it is filled: no more
    // resent than were lost (before the push timer waited for the gap, Linux resent 4000
    // segments for 200 lost, one a round trip)
    { name: '1% loss', impairment: { loss: 0.01 }, explains: ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'duplicate_ack', 'out_of_order'], maxRetransmissions: (lost) => lost },
  ];
  for (const [i, c] of impaired.entries()) {
    it(`16 MiB each way under ${c.name}, both directions: data intact at both ends, retransmissions only what the impairment explains`, async () => {
      const { bed, pcap } = await open(`impair${i}`, { toLinux: c.impairment, toFlue: c.impairment, seed: 30 + i });
      await bothWays(bed, 5020 + i, 16 << 20, { linux: 40 + i, flue: 50 + i }, 300);
      expect(bed.offload!.client.counters.offloads).toBe(1);
      const sum = (k: 'lost' | 'reordered' | 'duplicated'): number => bed.wire.impairments.reduce((a, m) => a + (m?.counters[k] ?? 0), 0);
      const rtx = countRetransmissions(pcap) ?? -1;
      expect(rtx).toBeGreaterThanOrEqual(0);
      expect(rtx).toBeLessThanOrEqual(c.maxRetransmissions(sum('lost'), sum('reordered'), sum('duplicated')));
      // Linux's own count of what it resent is within the same bound
      expect(bed.net.nstat().TcpRetransSegs ?? 0).toBeLessThanOrEqual(c.maxRetransmissions(sum('lost'), sum('reordered'), sum('duplicated')));
      expect(tsharkComplaints(pcap, [...FLOW_CONTROL, ...c.explains])).toBe('');
    }, 600_000);
  }

  it('an RST from Linux (SO_LINGER 0) in the middle of a transfer aborts the offloaded connection cleanly: flue sees the reset, nothing hangs', async () => {
    const { bed } = await open('rst');
    const linux = bed.peer(['--listen', '5004', '--send', '0', '--seed', '1', '--rst-after', String(256 * 1024)]);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, 5004);
    const f = flueEnd(sock, 8 << 20, 52);
    sock.on('connect', f.pump);
    const r = settle(linux.result);
    expect(await bed.run(() => f.end.closed && r.value !== undefined, 60)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, rst: true });
    expect(r.value!.received).toBeGreaterThanOrEqual(256 * 1024);
    expect(f.end.error?.message ?? '').toMatch(/reset|abort/i);
    expect(bed.offload!.client.counters.offloads).toBe(1);
  });

  it('R40: 64 connections to Linux offloaded at once, 256 KiB each way on each: every byte intact at both ends, no reset but the answer to a duplicate ACK after the close', async () => {
    const { bed, pcap } = await open('many');
    const n = 64;
    const bytes = 256 * 1024;
    const linux = bed.peer(['--listen', '5009', '--send', String(bytes), '--seed', '1000', '--connections', String(n)]);
    await linux.listening;
    const ends = Array.from({ length: n }, () => {
      const sock = bed.stack.connect(LINUX_IP, 5009);
      // closes once Linux's stream has ended: a socket the app closed at once (all 256 KiB fit its
      // send buffer) would be in FIN_WAIT_1 when established, which the policy does not offload
      const f = flueEnd(sock, bytes, 2000 + sock.localPort, { noClose: true });
      sock.on('connect', f.pump);
      sock.on('end', () => sock.close());
      return { sock, f, port: sock.localPort };
    });
    const r = settle(linux.result);
    expect(await bed.run(() => ends.every((e) => e.f.end.closed) && r.value !== undefined, 240)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, sent: n * bytes, received: n * bytes });
    const atLinux = new Map((r.value!.connections ?? []).map((c) => [c.port, c]));
    for (const e of ends) {
      expect(atLinux.get(e.port)).toMatchObject({ ok: true, received: bytes, sha256: e.f.sentSha });
      expect(e.f.end).toMatchObject({ received: bytes, sha256: sha256(seededBytes(1000 + e.port, bytes)), error: undefined });
    }
    expect(bed.offload!.client.counters.offloads).toBe(n);
    // 64 windows share a wire paced to 1.6 MB/s, so a frame can wait most of a second in the
    // TAP's queue: the card's RTO resends a FIN whose ACK is still queued, Linux answers the
    // copy with a duplicate ACK, and that reaches flue's side after it closed on the first one,
    // which draws an RST (RFC 9293, CLOSED). Such an RST is fine; any other is not: each one
    // flue sent must follow Linux's ACK of that connection's FIN (the RST's own sequence number)
    const resets = fields(pcap, `ip.src == ${FLUE_IP} && tcp.flags.reset == 1`, ['frame.number', 'tcp.srcport', 'tcp.seq']);
    const finAcks = fields(pcap, `ip.src == ${LINUX_IP} && tcp.len == 0`, ['frame.number', 'tcp.dstport', 'tcp.ack']);
    for (const [frame, port, seq] of resets) {
      expect(finAcks.some(([f, p, ack]) => p === port && ack === seq && Number(f) < Number(frame)), `RST in frame ${frame} (port ${port}) before Linux acknowledged the FIN`).toBe(true);
    }
  });

  it('Linux stops reading (a 16 KiB receive buffer): the card probes the zero window and the transfer resumes when Linux reads again', async () => {
    const { bed, pcap } = await open('zwin');
    bed.net.exec('sysctl', ['-q', '-w', 'net.ipv4.tcp_rmem=4096 16384 16384']);
    const bytes = 1 << 20;
    const linux = bed.peer(['--listen', '5005', '--send', '0', '--seed', '1', '--pause-read-ms', '3000']);
    await linux.listening;
    const sock = bed.stack.connect(LINUX_IP, 5005);
    const f = flueEnd(sock, bytes, 62);
    sock.on('connect', f.pump);
    const r = settle(linux.result);
    expect(await bed.run(() => f.end.closed && r.value !== undefined, 120)).toBe('done');
    expect(r.value).toMatchObject({ ok: true, received: bytes, sha256: f.sentSha });
    expect(bed.offload!.client.counters.offloads).toBe(1);
    expect(count(pcap, `ip.src == ${LINUX_IP} && tcp.analysis.zero_window`)).toBeGreaterThan(0);
    expect(count(pcap, `ip.src == ${FLUE_IP} && tcp.analysis.zero_window_probe`)).toBeGreaterThan(0);
    expect(tsharkComplaints(pcap, ['window_full', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack'])).toBe('');
  });
});
