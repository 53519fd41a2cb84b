import { describe, expect, it } from 'vitest';
import { receiveNbl, scripted, targetObjectOf, world } from '../../intermediate/fixtures.js';
import type { ScriptedTarget, TargetObject } from '../../testing/scripted-target.js';
import { advanceNetBufferDataStart, allocateNbl, chainNbls, nblArray, type NetBufferList } from '../../../ndis/nbl.js';
import { TIMER_NOT_RUNNING, TcpConstFlags, newOffloadHandle } from '../../../ndis/offload.js';
import { NdisStatus } from '../../../ndis/status.js';
import { tcpFrame, decodeTcp } from '../craft.js';
import { IP_A, IP_B, MAC_A, MAC_B, makePair, type Pair } from '../pair.js';
import { seqAdd, seqDiff, seqGt } from '../seq.js';
import type { TcpSocket } from '../socket.js';
import type { TcpConnection } from '../tcp-connection.js';
import { TcpFlag, hasFlag, type TcpSegment } from '../tcp-segment.js';
import { TcpState } from '../tcp-state.js';
import { seededBytes, sha256 } from '../transfer.js';
import {
  OffloadError, TcpOffloadConnectionState, buildOffloadTree, prepareForOffload, suspendForOffload, type OffloadHandles,
} from './state-tree.js';
import { restoreConnection, terminateTree } from './upload.js';

const PORT = 80;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A connected pair: A's socket and connection, B's socket. */
function connected(p: Pair = makePair()): { p: Pair; a: TcpSocket; b: TcpSocket; conn: TcpConnection } {
  const l = p.b.listen(PORT);
  const a = p.a.connect(IP_B, PORT);
  let b: TcpSocket | undefined;
  p.run(() => (b = l.accept()) !== undefined);
  const conn = p.a.connectionFor(a.localPort, IP_B, PORT)!;
  return { p, a, b: b!, conn };
}

const handles = (): OffloadHandles => ({ neighbor: newOffloadHandle(), path: newOffloadHandle(), tcp: newOffloadHandle() });

function readAll(s: TcpSocket): Uint8Array {
  return s.receive();
}

describe('offload state tree', () => {
  it('R21 refuses a connection in SYN-SENT, and one in CLOSED, with a typed error and no tree', () => {
    const p = makePair();
    p.b.listen(PORT);
    const a = p.a.connect(IP_B, PORT);
    const conn = p.a.connectionFor(a.localPort, IP_B, PORT)!;
    const w = world(0, scripted());
    expect(conn.state).toBe(TcpState.SYN_SENT);
    expect(() => buildOffloadTree(p.a, conn, handles(), w.memory)).toThrow(OffloadError);
    conn.abort();
    expect(() => buildOffloadTree(p.a, conn, handles(), w.memory)).toThrow(/R21/);
  });

  it('R21 builds the neighbor → path → TCP tree of an ESTABLISHED connection with the const and cached values', () => {
    const { p, conn } = connected();
    const w = world(0, scripted());
    const t = buildOffloadTree(p.a, conn, handles(), w.memory);
    const n = t.root.neighbor;
    expect(n.const!.dlSourceAddress.every((x) => x === 0)).toBe(true);
    expect(n.const!.vlanId).toBe(0);
    expect([...n.cached!.dlDestinationAddress.subarray(0, 6)]).toEqual([...MAC_B]);
    expect(t.root.dependentBlockList).toBe(t.path);
    expect([...t.path.path.const!.sourceAddress]).toEqual([192, 0, 2, 1]);
    expect([...t.path.path.const!.destinationAddress]).toEqual([192, 0, 2, 2]);
    expect(t.path.path.cached!.pathMtu).toBe(1500);
    expect(t.path.dependentBlockList).toBe(t.tcp);
    const c = t.tcp.tcp.const!;
    expect(c).toMatchObject({ remotePort: PORT, localPort: conn.id.localPort, remoteMss: 1460, sndWindScale: conn.snd.scale, rcvWindScale: conn.rcv.scale });
    expect(c.flags & TcpConstFlags.WINDOW_SCALING_ENABLED).toBe(TcpConstFlags.WINDOW_SCALING_ENABLED);
    expect(t.tcp.tcp.cached).toMatchObject({ initialRcvWnd: conn.config.receiveBuffer, ttlOrHopLimit: 64, kaTimeout: 7_200_000, kaInterval: 1000, kaProbeCount: 10 });
    const d = t.delegated;
    expect(d.state).toBe(TcpOffloadConnectionState.ESTABLISHED);
    expect(d).toMatchObject({ rcvNxt: conn.rcv.nxt, rcvWnd: conn.rcv.window, sndUna: conn.snd.una, sndNxt: conn.snd.nxt, sndMax: conn.snd.max, sndWnd: conn.snd.wnd, sendWl1: conn.snd.wl1, cWnd: conn.snd.cc.cwnd });
  });

  it('R79 SRtt and RttVar are in ticks scaled by 8 and 4; R78 stopped timers are -1 and a running retransmit timer gives its ticks left', () => {
    const { p, a, conn } = connected(makePair({ wire: { aToB: { delayMs: 5 }, bToA: { delayMs: 5 } } }));
    a.send(seededBytes(1, 3000));
    p.run(() => a.unacknowledged === 0);
    const w = world(0, scripted());
    const srtt = conn.snd.rto.srtt!;
    const idle = buildOffloadTree(p.a, conn, handles(), w.memory).delegated;
    expect(idle.sRtt).toBe(Math.round(srtt * 8));
    expect(idle.rttVar).toBe(Math.round(conn.snd.rto.rttvar * 4));
    expect(idle.retransmit.timeoutDelta).toBe(TIMER_NOT_RUNNING);
    expect(idle.keepAlive.timeoutDelta).toBe(TIMER_NOT_RUNNING);
    a.send(seededBytes(2, 1000));
    const busy = buildOffloadTree(p.a, conn, handles(), w.memory, { ticksPerSecond: 100 }).delegated;
    expect(busy.retransmit.timeoutDelta).toBe(Math.round((conn.rtxTimer.at! - p.clock.now()) / 10));
    expect(busy.sRtt).toBe(Math.round(srtt / 10 * 8));
  });

  it('R17 received-acknowledged-undelivered bytes go in BufferedData and unacknowledged + unsent send data in the chain from SndUna', () => {
    const { p, a, b, conn } = connected();
    const fromB = seededBytes(3, 5000);
    b.send(fromB);
    p.run(() => conn.rcv.readable.length === fromB.length);
    prepareForOffload(p.a, conn);
    p.wire.tap = (_f, from) => from === 'a'; // B never sees A's data: all of it stays unacknowledged
    const toB = seededBytes(4, 20_000);
    a.send(toB);
    const w = world(0, scripted());
    const t = buildOffloadTree(p.a, conn, handles(), w.memory);
    const d = t.delegated;
    expect(concat(nblArray(d.bufferedData).map((n) => n.firstNetBuffer!.read()))).toEqual(fromB);
    const chain = nblArray(t.tcp.netBufferListChain);
    expect(d.sendDataHead).toBe(chain[0]);
    expect(d.sendDataTail).toBe(chain[chain.length - 1]);
    expect(concat(chain.map((n) => n.firstNetBuffer!.read()))).toEqual(toB);
    expect(d.sndUna).toBe(conn.snd.una);
    expect(seqDiff(d.sndMax, d.sndUna)).toBeGreaterThan(0); // some was sent...
    expect(seqDiff(d.sndMax, d.sndUna)).toBeLessThan(toB.length); // ...and some not yet
  });
});

/**
 * The scripted target's wire side for one connection, played by the test: it sends A's data
 * to B from the handed-over NBLs, acknowledges what B acknowledges (completing sends), places
 * B's data in A's posted buffers, and at terminate writes the delegated state it carried.
 */
class Carrier {
  private sendBytes: Uint8Array;
  private sendBase: number;
  una: number; nxt: number; rcvNxt: number; sndWnd: number; wl1: number;
  constructor(private readonly p: Pair, private readonly conn: TcpConnection, private readonly target: ScriptedTarget, readonly o: TargetObject, private readonly init: import('../../../ndis/offload.js').TcpDelegatedState) {
    this.sendBytes = concat(o.sends.map((n) => n.firstNetBuffer!.read()));
    this.sendBase = init.sndUna;
    this.una = init.sndUna; this.nxt = init.sndUna; this.rcvNxt = init.rcvNxt; this.sndWnd = init.sndWnd; this.wl1 = init.sendWl1;
    p.wire.tap = (frame, from) => {
      if (from !== 'b') return false;
      const seg = decodeTcp(frame);
      if (!seg || seg.dstPort !== conn.id.localPort) return false;
      this.input(seg);
      return true;
    };
  }

  private emit(seq: number, payload: Uint8Array, flags = TcpFlag.ACK | (payload.length ? TcpFlag.PSH : 0)): void {
    const window = Math.min(0xffff, this.init.rcvWnd >>> this.conn.rcv.scale);
    const frame = tcpFrame({ srcMac: MAC_A, dstMac: MAC_B, srcIp: IP_A, dstIp: IP_B }, { srcPort: this.conn.id.localPort, dstPort: PORT, seq, ack: this.rcvNxt, flags, window, payload });
    this.p.wire.inject(frame, 'a');
  }

  /** Sends up to `n` more bytes (retransmitting from SndUna first: the target went back). */
  transmit(n: number): void {
    let left = n;
    while (left > 0) {
      const off = seqDiff(this.nxt, this.sendBase);
      const room = this.sndWnd - seqDiff(this.nxt, this.una);
      const len = Math.min(1460, left, this.sendBytes.length - off, room);
      if (len <= 0) break;
      this.emit(this.nxt, this.sendBytes.subarray(off, off + len));
      this.nxt = seqAdd(this.nxt, len);
      left -= len;
    }
  }

  private input(seg: TcpSegment): void {
    if (hasFlag(seg, TcpFlag.ACK) && seqGt(seg.ack, this.una)) {
      this.target.acknowledge(this.o, seqDiff(seg.ack, this.una));
      this.una = seg.ack;
      this.sndWnd = seg.window * 2 ** this.conn.snd.scale;
      this.wl1 = seg.seq;
    }
    if (seg.payload.length > 0) {
      if (seg.seq === this.rcvNxt) {
        this.target.deliver(this.o, seg.payload);
        this.rcvNxt = seqAdd(this.rcvNxt, seg.payload.length);
      }
      this.emit(this.nxt, new Uint8Array(0));
    }
  }

  /** What the target does in MiniportTerminateOffload before completing (R30, R31). */
  fillTerminate(d: import('../../../ndis/offload.js').TcpDelegatedState, memory: import('../../../device/memory.js').HostMemory): void {
    this.p.wire.tap = undefined;
    Object.assign(d, { ...this.init, sndUna: this.una, sndNxt: this.nxt, sndMax: this.nxt, sndWnd: this.sndWnd, sendWl1: this.wl1, rcvNxt: this.rcvNxt, bufferedData: null, sendDataHead: d.sendDataHead, sendDataTail: d.sendDataTail });
    d.retransmit = { count: 0, timeoutDelta: seqGt(this.nxt, this.una) ? 0 : TIMER_NOT_RUNNING };
    // the first send NBL starts at SndUna (R31): skip its acknowledged bytes
    const first = d.sendDataHead; // the scripted target already chained the sends back
    if (first && this.o.ackedBytes > 0) advanceNetBufferDataStart(first.firstNetBuffer!, this.o.ackedBytes);
    this.o.ackedBytes = 0;
    // data not yet placed goes back in BufferedData (target memory, returned through ReceiveReturn)
    const held = concat(this.o.buffered.splice(0));
    if (held.length) d.bufferedData = chainNbls([allocateNbl(memory, held.length, { data: held }).nbl]);
  }
}

describe('offload and upload of a live connection', () => {
  it('R31 R17 R18 a connection offloaded to the scripted target, carried there, terminated and restored finishes in software with SHA-256 intact both ways', () => {
    const { p, a, b, conn } = connected();
    const toB = seededBytes(10, 300_000);
    const toA = seededBytes(11, 200_000);
    const gotA: Uint8Array[] = [];
    const gotB: Uint8Array[] = [];
    // phase 1, software: some data each way; A leaves 5000 bytes unread, its last 30 KB stay unacknowledged
    let sentA = a.send(toB.subarray(0, 40_000));
    b.send(toA.subarray(0, 12_000));
    p.run(() => a.readableLength === 12_000 && a.unacknowledged === 0);
    gotB.push(readAll(b));
    gotA.push(a.receive(7000));
    prepareForOffload(p.a, conn);
    p.wire.tap = (_f, from) => from === 'a';
    sentA += a.send(toB.subarray(sentA, 70_000));
    p.run(() => false, 5); // A sends a window of it into the void
    p.wire.tap = undefined;

    // phase 2: offload through NDIS to the scripted target
    const w = world(1, scripted());
    const h = handles();
    // the send data in 8 KiB NBLs: the target completes the first ones while it carries the rest
    const tree = buildOffloadTree(p.a, conn, h, w.memory, { sendNblBytes: 8192 });
    expect(tree.delegated.bufferedData).not.toBeNull();
    suspendForOffload(conn);
    w.ndis.initiateOffload(w.binding, tree.root);
    w.q.drain();
    expect(tree.tcp.status).toBe(NdisStatus.SUCCESS);
    const o = targetObjectOf(h.tcp);
    const carrier = new Carrier(p, conn, w.target, o, tree.delegated);
    // A posts two receive buffers: the 5000 buffered bytes come first (R18), then B's new data
    const posts = [receiveNbl(w.memory, 8000, true), receiveNbl(w.memory, 8000, true)];
    for (const r of posts) w.ndis.offloadTcpReceive(h.tcp, r);
    w.q.drain();
    b.send(toA.subarray(12_000, 30_000)); // 18 KB: 11 KB fit the posts, 7 KB stay in the target
    carrier.transmit(25_000); // the 30 KB A never got across, and more
    p.run(() => false, 50);
    w.q.drain();
    gotB.push(readAll(b));
    expect(w.host.of('send').length).toBeGreaterThan(0); // the target completed acknowledged sends

    // phase 3: terminate and restore
    const tt = terminateTree(h.tcp);
    w.ndis.terminateOffload(w.binding, tt);
    carrier.fillTerminate(tt.tcp.delegated!, w.memory);
    w.q.drain();
    expect(tt.status).toBe(NdisStatus.SUCCESS);
    expect(w.ndis.violations).toEqual([]);
    for (const c of w.host.of('receive')) for (const n of c.nbls!) gotA.push(n.firstNetBuffer!.read().subarray(0, n.info.tcpOffloadBytesTransferred));
    const returned: NetBufferList[] = [];
    restoreConnection(p.a, conn, tt, { returnBuffered: (chain) => { returned.push(...nblArray(chain)); expect(w.ndis.offloadTcpReceiveReturn(w.binding, chain)).toBe(NdisStatus.SUCCESS); } });
    expect(returned.length).toBe(1);
    expect(conn.state).toBe(TcpState.ESTABLISHED);

    // phase 4, software again: the rest each way, then both close
    let sentB = 30_000;
    let doneA = false;
    let doneB = false;
    const ok = p.run(() => {
      if (sentA < toB.length) sentA += a.send(toB.subarray(sentA));
      if (sentB < toA.length) sentB += b.send(toA.subarray(sentB));
      const ra = a.receive();
      if (ra.length) gotA.push(ra);
      const rb = b.receive();
      if (rb.length) gotB.push(rb);
      if (sentA === toB.length && !doneA) { doneA = true; a.close(); }
      if (sentB === toA.length && !doneB) { doneB = true; b.close(); }
      return a.ended && b.ended;
    }, 120_000);
    expect(ok).toBe(true);
    expect(sha256(concat(gotB))).toBe(sha256(toB));
    expect(sha256(concat(gotA))).toBe(sha256(toA));
  });
});
