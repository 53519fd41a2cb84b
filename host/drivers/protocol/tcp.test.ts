import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../wire/pcap.js';
import { StackErrorCode } from './errors.js';
import { DropReason } from './codec.js';
import { decodeTcp } from './craft.js';
import type { WireSide } from './memory-wire.js';
import { IP_A, IP_B, type Pair, type PairOptions, makePair as basePair } from './pair.js';
import type { TcpSocket } from './socket.js';
import type { TcpConfig } from './tcp-config.js';
import { TcpFlag, type TcpSegment } from './tcp-segment.js';
import { TcpState } from './tcp-state.js';

/**
 * Every pair of the table writes its frames into one capture (or a test's own), which tshark
 * judges at the end: no malformed frame, no bad IPv4 or TCP checksum. Tests whose behaviour
 * tshark can name (fast retransmission, zero-window probes) also check that tshark sees it.
 */
const captureDir = mkdtempSync(join(tmpdir(), 'flue-tcp-table-'));
const tablePcap = join(captureDir, 'table.pcap');
const table = new PcapWriter(tablePcap);

function makePair(options: PairOptions = {}): Pair {
  return basePair({ ...options, wire: { ...options.wire, pcap: options.wire?.pcap ?? table } });
}

/** Frames of `file` matching a tshark display filter. */
function tshark(file: string, filter: string): string[] {
  const out = execFileSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', filter], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim() !== '');
}

function ownCapture(name: string): { pcap: PcapWriter; file: string } {
  const file = join(captureDir, `${name}.pcap`);
  return { pcap: new PcapWriter(file), file };
}

interface Seen {
  at: number;
  from: WireSide;
  seg: TcpSegment;
}

/** A pair with every TCP segment on the wire recorded; `dropIf` drops chosen segments. */
function recorded(options: PairOptions = {}) {
  const p = makePair(options);
  const seen: Seen[] = [];
  let dropIf: ((s: Seen) => boolean) | undefined;
  p.wire.tap = (frame, from) => {
    const seg = decodeTcp(frame);
    if (seg === undefined) return false;
    const s = { at: p.clock.now(), from, seg };
    seen.push(s);
    return dropIf?.(s) === true;
  };
  return { p, seen, setDrop: (f: ((s: Seen) => boolean) | undefined) => { dropIf = f; } };
}

/** Opens a connection from a to b:80 and returns both sockets once established. */
function establish(p: Pair): { client: TcpSocket; server: TcpSocket } {
  const l = p.b.listen(80);
  let server: TcpSocket | undefined;
  l.on('connection', () => { server = l.accept(); });
  const client = p.a.connect(IP_B, 80);
  expect(p.run(() => server !== undefined && client.state === TcpState.ESTABLISHED, 120_000)).toBe(true);
  return { client, server: server! };
}

const isData = (s: Seen): boolean => s.seg.payload.length > 0;
const has = (s: Seen, f: number): boolean => (s.seg.flags & f) !== 0;
const bytes = (n: number, v = 7): Uint8Array => new Uint8Array(n).fill(v);

function readAll(s: TcpSocket, into: number[]): void {
  s.on('data', () => { into.push(s.receive().length); });
}

describe('handshake', () => {
  it('three-way handshake negotiates MSS and window scale both ways', () => {
    const { p, seen } = recorded({ tcpA: { receiveBuffer: 1 << 20 }, tcpB: { receiveBuffer: 1 << 19, mss: 1000 } });
    const { client, server } = establish(p);
    const [syn, synAck, ack] = seen;
    expect(syn!.seg.flags).toBe(TcpFlag.SYN);
    expect(syn!.seg.options).toMatchObject({ mss: 1460, windowScale: 5 });
    expect(synAck!.seg.flags).toBe(TcpFlag.SYN | TcpFlag.ACK);
    expect(synAck!.seg.options).toMatchObject({ mss: 1000, windowScale: 4 });
    expect(ack!.seg.flags).toBe(TcpFlag.ACK);
    expect(client.connection.snd.mss).toBe(1000);
    expect(server.connection.snd.mss).toBe(1000);
    expect(client.connection.snd.scale).toBe(4);
    expect(server.connection.snd.scale).toBe(5);
  });

  it('without the window-scale option on one side neither side scales', () => {
    const { p, seen } = recorded({ tcpA: { windowScale: false } });
    const { client, server } = establish(p);
    expect(seen[0]!.seg.options.windowScale).toBeUndefined();
    expect(seen[1]!.seg.options.windowScale).toBeUndefined();
    expect(client.connection.snd.scale + client.connection.rcv.scale + server.connection.snd.scale + server.connection.rcv.scale).toBe(0);
  });

  it('a lost SYN is retransmitted after the initial RTO of 1 s', () => {
    const { p, seen, setDrop } = recorded();
    let first = true;
    setDrop((s) => { if (has(s, TcpFlag.SYN) && first) { first = false; return true; } return false; });
    establish(p);
    const syns = seen.filter((s) => s.from === 'a' && has(s, TcpFlag.SYN));
    expect(syns.map((s) => Math.round(s.at - syns[0]!.at))).toEqual([0, 1000]);
    expect(p.a.counters.tcpRetransmits).toBe(1);
  });

  it('a lost SYN-ACK is answered again when the SYN is retransmitted', () => {
    const { p, seen, setDrop } = recorded();
    let first = true;
    setDrop((s) => { if (s.from === 'b' && has(s, TcpFlag.SYN) && first) { first = false; return true; } return false; });
    establish(p);
    expect(seen.filter((s) => s.from === 'b' && has(s, TcpFlag.SYN)).length).toBeGreaterThanOrEqual(2);
  });

  it('a SYN to a port with no listener is refused with RST', () => {
    const p = makePair();
    const c = p.a.connect(IP_B, 81);
    let err: string | undefined;
    c.on('close', (e) => { err = e?.code; });
    expect(p.run(() => c.closed, 10_000)).toBe(true);
    expect(err).toBe(StackErrorCode.REFUSED);
    expect(p.b.counters.drops.noConnection).toBe(1);
  });

  it('simultaneous open reaches ESTABLISHED on both sides through SYN-RECEIVED', () => {
    const p = makePair();
    p.a.addNeighbor(IP_B, p.b.mac);
    p.b.addNeighbor(IP_A, p.a.mac);
    const x = p.a.connect(IP_B, 2000, 1000);
    const y = p.b.connect(IP_A, 1000, 2000);
    const states: TcpState[] = [];
    x.on('connect', () => states.push(x.state));
    y.on('connect', () => states.push(y.state));
    expect(p.run(() => states.length === 2, 10_000)).toBe(true);
    expect(states).toEqual([TcpState.ESTABLISHED, TcpState.ESTABLISHED]);
    const got: number[] = [];
    readAll(y, got);
    x.send(bytes(100));
    p.run(() => got.length > 0, 1000);
    expect(got).toEqual([100]);
  });

  it('SYN retransmissions back off 1, 2, 4, 8 s and then time out', () => {
    const { p, seen, setDrop } = recorded({ tcpA: { synRetries: 4 } });
    setDrop(() => true);
    p.a.addNeighbor(IP_B, p.b.mac);
    const c = p.a.connect(IP_B, 80);
    let err: string | undefined;
    c.on('close', (e) => { err = e?.code; });
    expect(p.run(() => c.closed, 100_000)).toBe(true);
    const t = seen.map((s) => s.at);
    expect(t.slice(1).map((v, i) => v - t[i]!)).toEqual([1000, 2000, 4000, 8000]);
    expect(err).toBe(StackErrorCode.TIMEOUT);
  });
});

describe('retransmission timer (RFC 6298)', () => {
  it('doubles the RTO on each expiry and gives up after maxRetries', () => {
    const { p, seen, setDrop } = recorded({ tcpA: { maxRetries: 5 } });
    const { client } = establish(p);
    setDrop((s) => s.from === 'a');
    const start = seen.length;
    client.send(bytes(100));
    let err: string | undefined;
    client.on('close', (e) => { err = e?.code; });
    expect(p.run(() => client.closed, 1_000_000)).toBe(true);
    const data = seen.slice(start).filter(isData).map((s) => s.at);
    const gaps = data.slice(1).map((v, i) => Math.round(v - data[i]!));
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(err).toBe(StackErrorCode.TIMEOUT);
    expect(p.a.counters.tcpRtoExpirations).toBe(6);
  });

  it("Karn's rule: an ACK for a retransmitted segment gives no RTT sample and the backed-off RTO stays", () => {
    const { p, setDrop } = recorded();
    const { client } = establish(p);
    const snd = client.connection.snd;
    const srtt = snd.rto.srtt;
    let dropped = 0;
    setDrop((s) => s.from === 'a' && isData(s) && dropped++ < 2);
    client.send(bytes(100));
    p.run(() => snd.flight === 0, 100_000);
    expect(dropped).toBe(3);
    expect(snd.rto.srtt).toBe(srtt); // no sample from the retransmission
    expect(snd.rto.rto).toBe(4000); // 1 s doubled twice, kept
    client.send(bytes(100));
    p.run(() => snd.flight === 0, 100_000);
    expect(snd.rto.srtt).not.toBe(srtt); // a fresh segment gives a sample
    expect(snd.rto.rto).toBe(1000); // and the RTO collapses to the (bounded) estimate
  });
});

describe('congestion control (RFC 5681, RFC 6582)', () => {
  it('fast retransmit on the third duplicate ACK, before any RTO', () => {
    const cap = ownCapture('fast-retransmit');
    const { p, seen, setDrop } = recorded({ wire: { pcap: cap.pcap } });
    const { client, server } = establish(p);
    const got: number[] = [];
    client.send(bytes(1460 * 20)); // open cwnd past the initial window
    p.run(() => client.connection.snd.flight === 0, 10_000);
    readAll(server, got);
    server.receive();
    let target: number | undefined;
    let dupAcksAtRetransmit: number | undefined;
    setDrop((s) => {
      if (s.from !== 'a' || !isData(s)) return false;
      if (target === undefined) { target = s.seg.seq; return true; }
      if (s.seg.seq === target && dupAcksAtRetransmit === undefined) dupAcksAtRetransmit = p.a.counters.tcpDupAcksIn;
      return false;
    });
    client.send(bytes(1460 * 8));
    p.run(() => client.connection.snd.flight === 0, 100_000);
    expect(got.reduce((a, b) => a + b, 0)).toBe(1460 * 8);
    expect(p.a.counters.tcpFastRetransmits).toBe(1);
    expect(p.a.counters.tcpRtoExpirations).toBe(0);
    expect(dupAcksAtRetransmit).toBe(3);
    expect(seen.length).toBeGreaterThan(0);
    cap.pcap.close();
    expect(tshark(cap.file, 'tcp.analysis.fast_retransmission').length).toBe(1);
    expect(tshark(cap.file, 'tcp.analysis.duplicate_ack').length).toBeGreaterThanOrEqual(3);
  });

  it('two duplicate ACKs are not enough: the loss is repaired by the RTO', () => {
    const { p, setDrop } = recorded({ tcpB: { delayedAckMs: 40 } });
    const { client, server } = establish(p);
    readAll(server, []);
    let first = true;
    setDrop((s) => { if (s.from === 'a' && isData(s) && first) { first = false; return true; } return false; });
    client.send(bytes(1460 * 3));
    p.run(() => client.connection.snd.flight === 0, 100_000);
    expect(p.a.counters.tcpFastRetransmits).toBe(0);
    expect(p.a.counters.tcpRtoExpirations).toBe(1);
  });

  it('a bare ACK carries SND.MAX: after an RTO pulled SND.NXT back, the peer that has the data still accepts it (no ACK war)', () => {
    const { p, seen, setDrop } = recorded();
    const { client, server } = establish(p);
    readAll(server, []);
    readAll(client, []);
    // one segment from B, kept to be replayed later as an old duplicate
    let old: Uint8Array | undefined;
    const tap = p.wire.tap!;
    p.wire.tap = (frame, from) => {
      if (from === 'b' && old === undefined && (decodeTcp(frame)?.payload.length ?? 0) > 0) old = frame.slice();
      return tap(frame, from);
    };
    server.send(bytes(1000, 9));
    expect(p.run(() => server.connection.snd.flight === 0, 10_000)).toBe(true);
    // B's ACKs of A's data are lost until A's RTO goes back to SND.UNA
    setDrop((s) => s.from === 'b' && !isData(s) && p.a.counters.tcpRtoExpirations === 0);
    client.send(bytes(1460 * 4));
    expect(p.run(() => p.a.counters.tcpRtoExpirations === 1, 100_000)).toBe(true);
    const snd = client.connection.snd;
    expect(snd.nxt).not.toBe(snd.max);
    // the old duplicate makes A acknowledge at once, SND.NXT still pulled back
    const from = seen.length;
    p.wire.inject(old!, 'b');
    p.run(() => seen.slice(from).some((s) => s.from === 'a' && !isData(s)), 1000);
    const ack = seen.slice(from).find((s) => s.from === 'a' && !isData(s))!;
    expect(ack.seg.flags).toBe(TcpFlag.ACK);
    expect(ack.seg.seq).toBe(snd.max);
    // B has all of A's data: it takes that ACK rather than dropping it as out of window
    const dropsBefore = p.b.counters.drops[DropReason.OUT_OF_WINDOW];
    setDrop(undefined);
    expect(p.run(() => snd.flight === 0, 100_000)).toBe(true);
    expect(p.b.counters.drops[DropReason.OUT_OF_WINDOW] - dropsBefore).toBeLessThanOrEqual(1);
  });

  it('NewReno repairs two losses in one window with a partial ACK, without an RTO', () => {
    const { p, setDrop } = recorded();
    const { client, server } = establish(p);
    readAll(server, []);
    client.send(bytes(1460 * 40));
    p.run(() => client.connection.snd.flight === 0, 100_000);
    const drops = new Set<number>();
    let n = 0;
    setDrop((s) => {
      if (s.from !== 'a' || !isData(s)) return false;
      n++;
      if ((n === 3 || n === 6) && !drops.has(s.seg.seq)) { drops.add(s.seg.seq); return true; }
      return false;
    });
    client.send(bytes(1460 * 20));
    p.run(() => client.connection.snd.flight === 0, 100_000);
    expect(p.a.counters.tcpFastRetransmits).toBe(1);
    expect(p.a.counters.tcpRtoExpirations).toBe(0);
    expect(p.a.counters.tcpRetransmits).toBe(2);
  });

  it('slow start grows cwnd by one MSS per ACK from the initial window', () => {
    const { p, seen } = recorded();
    const { client, server } = establish(p);
    readAll(server, []);
    const cc = client.connection.snd.cc;
    expect(cc.cwnd).toBe(4380); // RFC 5681 (3): min(4*SMSS, max(2*SMSS, 4380 bytes))
    const before = seen.length;
    client.send(bytes(1460 * 4));
    p.run(() => client.connection.snd.flight === 0, 10_000);
    const acks = seen.slice(before).filter((s) => s.from === 'b').length;
    expect(acks).toBeGreaterThanOrEqual(2);
    expect(cc.cwnd).toBe(4380 + acks * 1460); // each ACK acknowledged at least one SMSS: +1 SMSS
  });
});

describe('flow control', () => {
  it('a zero window is probed with back-off and the data flows when the reader catches up', () => {
    const cap = ownCapture('zero-window');
    const { p, seen } = recorded({ tcpB: { receiveBuffer: 8192 }, wire: { pcap: cap.pcap } });
    const { client, server } = establish(p);
    client.send(bytes(20000));
    p.run(() => client.connection.snd.wnd === 0 && p.a.counters.tcpZeroWindowProbes >= 4, 100_000);
    const probes = seen.filter((s) => s.from === 'a' && s.seg.payload.length === 1).map((s) => s.at);
    const gaps = probes.slice(1).map((v, i) => v - probes[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeCloseTo(gaps[i - 1]! * 2, 0);
    expect(server.readableLength).toBe(8192);
    let total = 0;
    server.on('data', () => { total += server.receive().length; });
    total += server.receive().length;
    expect(p.run(() => total === 20000, 200_000)).toBe(true);
    cap.pcap.close();
    expect(tshark(cap.file, 'tcp.analysis.zero_window').length).toBeGreaterThanOrEqual(1);
    expect(tshark(cap.file, 'tcp.analysis.zero_window_probe').length).toBeGreaterThanOrEqual(4);
  });

  it('window scaling lets more than 64 KiB be in flight', () => {
    const p = makePair({ tcpB: { receiveBuffer: 1 << 20 }, tcpA: { sendBuffer: 1 << 20 } });
    const { client, server } = establish(p);
    readAll(server, []);
    let maxFlight = 0;
    client.send(bytes(900_000));
    p.run(() => { maxFlight = Math.max(maxFlight, client.connection.snd.flight); return client.connection.snd.flight === 0 && client.unacknowledged === 0; }, 100_000);
    expect(client.connection.snd.scale).toBeGreaterThan(0);
    expect(maxFlight).toBeGreaterThan(65535);
  });

  it('send() applies backpressure and emits drain when the buffer empties', () => {
    const p = makePair({ tcpA: { sendBuffer: 10_000 } });
    const { client, server } = establish(p);
    readAll(server, []);
    expect(client.send(bytes(25_000))).toBe(10_000);
    let drained = false;
    client.on('drain', () => { drained = true; });
    expect(p.run(() => drained, 10_000)).toBe(true);
    expect(client.writableLength).toBeGreaterThan(0);
  });

  it('delayed ACK: one segment is acknowledged after 40 ms, two at once', () => {
    const { p, seen } = recorded({ tcpB: { receiveBuffer: 60_000 } });
    const { client, server } = establish(p);
    readAll(server, []);
    const t0 = p.clock.now();
    client.send(bytes(100));
    p.run(() => client.connection.snd.flight === 0, 1000);
    const ack1 = seen.filter((s) => s.from === 'b').at(-1)!;
    expect(ack1.at - t0).toBeCloseTo(40, 0);
    const t1 = p.clock.now();
    client.send(bytes(2920));
    p.run(() => client.connection.snd.flight === 0, 1000);
    expect(p.clock.now() - t1).toBeLessThan(1);
  });
});

describe('connection teardown: FIN in every state', () => {
  const short: Partial<TcpConfig> = { mslMs: 1000 };

  it('active close FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT -> CLOSED after 2 MSL; passive side CLOSE-WAIT -> LAST-ACK -> CLOSED', () => {
    const p = makePair({ tcpA: short, tcpB: short });
    const { client, server } = establish(p);
    const cs: TcpState[] = [];
    const ss: TcpState[] = [];
    const watch = (): boolean => {
      if (cs.at(-1) !== client.state) cs.push(client.state);
      if (ss.at(-1) !== server.state) ss.push(server.state);
      return false;
    };
    client.close();
    watch();
    let ended = false;
    server.on('end', () => { ended = true; });
    p.run(() => { watch(); return ended; }, 1000);
    p.run(watch, 100);
    server.close();
    watch();
    p.run(() => { watch(); return client.state === TcpState.CLOSED; }, 10_000);
    expect(cs).toEqual([TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT, TcpState.CLOSED]);
    expect(ss).toEqual([TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED]);
    expect(p.a.connectionCount + p.b.connectionCount).toBe(0);
  });

  it('simultaneous close: both sides go FIN-WAIT-1 -> CLOSING -> TIME-WAIT', () => {
    const p = makePair({ tcpA: short, tcpB: short });
    const { client, server } = establish(p);
    const seenStates = new Set<TcpState>();
    client.close();
    server.close();
    p.run(() => { seenStates.add(client.state); seenStates.add(server.state); return client.state === TcpState.CLOSED && server.state === TcpState.CLOSED; }, 10_000);
    expect(seenStates.has(TcpState.CLOSING)).toBe(true);
    expect(seenStates.has(TcpState.TIME_WAIT)).toBe(true);
  });

  it('FIN-WAIT-1 receiving FIN with the ACK of our FIN goes straight to TIME-WAIT', () => {
    const p = makePair({ tcpA: short, tcpB: short });
    const { client, server } = establish(p);
    server.on('end', () => server.close()); // the peer's FIN rides on the ACK of ours
    const states: TcpState[] = [];
    client.close();
    p.run(() => { if (states.at(-1) !== client.state) states.push(client.state); return client.state === TcpState.CLOSED; }, 10_000);
    expect(states).toEqual([TcpState.FIN_WAIT_1, TcpState.TIME_WAIT, TcpState.CLOSED]);
  });

  it('TIME-WAIT acknowledges a retransmitted FIN', () => {
    const { p, seen, setDrop } = recorded({ tcpA: { mslMs: 30_000 } });
    const { client, server } = establish(p);
    client.close();
    p.run(() => client.state === TcpState.FIN_WAIT_2, 1000);
    let first = true;
    // lose the first ACK of the server's FIN so the FIN is retransmitted into TIME-WAIT
    setDrop((s) => { if (s.from === 'a' && has(s, TcpFlag.ACK) && !has(s, TcpFlag.FIN) && first && server.state === TcpState.LAST_ACK) { first = false; return true; } return false; });
    server.close();
    p.run(() => server.state === TcpState.CLOSED, 10_000);
    expect(client.state).toBe(TcpState.TIME_WAIT);
    expect(seen.filter((s) => s.from === 'b' && has(s, TcpFlag.FIN)).length).toBe(2);
  });

  it('FIN arriving with the handshake ACK moves SYN-RECEIVED data to CLOSE-WAIT', () => {
    const { p, setDrop } = recorded();
    const l = p.b.listen(80);
    let server: TcpSocket | undefined;
    l.on('connection', () => { server = l.accept(); });
    const c = p.a.connect(IP_B, 80);
    // hold back the bare ACK of the handshake so data and FIN complete it
    setDrop((s) => s.from === 'a' && s.seg.payload.length === 0 && s.seg.flags === TcpFlag.ACK && p.b.connectionCount > 0 && server === undefined);
    c.on('connect', () => { c.send(bytes(10)); c.close(); });
    p.run(() => server !== undefined && server.ended, 10_000);
    expect(server!.state).toBe(TcpState.CLOSE_WAIT);
    expect(server!.receive().length).toBe(10);
  });

  it('close in SYN-SENT goes to CLOSED at once', () => {
    const p = makePair();
    const c = p.a.connect(IP_B, 80);
    c.close();
    expect(c.state).toBe(TcpState.CLOSED);
  });

  it('abort sends RST and the peer sees a RESET error', () => {
    const p = makePair();
    const { client, server } = establish(p);
    let err: string | undefined;
    server.on('close', (e) => { err = e?.code; });
    client.abort();
    p.run(() => server.closed, 1000);
    expect(err).toBe(StackErrorCode.RESET);
    expect(p.b.connectionCount).toBe(0);
  });
});

describe('the table\'s capture', () => {
  it('has no malformed frame and no bad IPv4 or TCP checksum under tshark', () => {
    table.close();
    expect(tshark(tablePcap, 'frame').length).toBeGreaterThan(300);
    expect(tshark(tablePcap, '_ws.malformed || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad"')).toEqual([]);
  });
});
