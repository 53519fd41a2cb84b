/**
 * Test support: the wire half of the scripted offload target, for connections of stack A of a
 * `Pair` that the offload client offloaded. Each carrier sends the target's queued send NBLs
 * to B as TCP segments, acknowledges and places B's data through the scripted target's
 * delivery algorithm, sends our FIN for a graceful disconnect and a RST for an abortive one,
 * indicates B's FIN (after the data before it was consumed, R64) and B's RST (R65), processes
 * forwarded segments as if received (R62), and writes the delegated state at terminate (R30)
 * with the TCP state the exchange reached.
 *
 * It is the smallest TCP sender/receiver that makes the host's offload half testable end to
 * end before the RTL TOE exists (the TOE issue replaces it); the memory wire never loses
 * frames, so it has no retransmission of its own.
 */
import type { HostMemory } from '../../../device/memory.js';
import { advanceNetBufferDataStart, allocateNbl, chainNbls } from '../../../ndis/nbl.js';
import { TIMER_NOT_RUNNING, TcpDisconnectFlags, type OffloadBlockList, type TcpDelegatedState } from '../../../ndis/offload.js';
import type { ScriptedTarget, TargetObject } from '../../testing/scripted-target.js';
import { decodeTcp, tcpFrame } from '../craft.js';
import { IP_A, IP_B, MAC_A, MAC_B, type Pair } from '../pair.js';
import { seqAdd, seqDiff, seqGt, seqLe } from '../seq.js';
import { TcpFlag, hasFlag, parseTcp, type TcpSegment } from '../tcp-segment.js';
import { TcpOffloadConnectionState } from './state-tree.js';
import { parseIp } from '../codec.js';

/** TCP_UPLOAD_REASON UploadRequested */
const UPLOAD_REQUESTED = 10;

/** out-of-order data the carrier keeps ahead of RcvNxt */
const OOO_LIMIT = 256 * 1024;

class Carrier {
  private readonly ooo = new Map<number, { payload: Uint8Array; fin: boolean }>();
  una: number;
  nxt: number;
  rcvNxt: number;
  sndWnd: number;
  wl1: number;
  finSent = false;
  finAcked = false;
  peerFin = false;
  peerFinFirst = false;
  finIndicated = false;
  rstSent = false;
  reset = false;
  /** our FIN is due without a disconnect request (offloaded after the host sent it) */
  finWanted = false;
  /** the host posted a graceful disconnect (its completion tells the host our FIN was acknowledged) */
  hostClosed = false;
  segmentsOut = 0;
  private readonly mss: number;
  private readonly sndScale: number;
  private readonly rcvScale: number;

  constructor(private readonly owner: OffloadWire, readonly o: TargetObject, readonly localPort: number, readonly remotePort: number, private readonly init: TcpDelegatedState, c: { remoteMss: number; sndWindScale: number; rcvWindScale: number }) {
    this.una = init.sndUna;
    this.nxt = init.sndUna; // [SndUna, SndMax) is sent again first (§5.1)
    this.rcvNxt = init.rcvNxt;
    this.sndWnd = init.sndWnd;
    this.wl1 = init.sendWl1;
    this.mss = c.remoteMss;
    this.sndScale = c.sndWindScale;
    this.rcvScale = c.rcvWindScale;
    // offloaded after our FIN or the peer's (R21's half-closed states): carry on from there
    const S = TcpOffloadConnectionState;
    const st = init.state;
    if (st === S.CLOSE_WAIT || st === S.LAST_ACK || st === S.CLOSING) {
      this.peerFin = true;
      this.peerFinFirst = st !== S.CLOSING;
      this.finIndicated = true; // the host saw it in software
    }
    if (st === S.FIN_WAIT1 || st === S.CLOSING || st === S.LAST_ACK) this.finWanted = true; // [SndNxt, SndMax) ends with our FIN
    if (st === S.FIN_WAIT2) {
      this.finSent = true;
      this.finAcked = true;
    }
  }

  private emit(seq: number, payload: Uint8Array, flags: number): void {
    const window = Math.min(0xffff, this.init.rcvWnd >>> this.rcvScale);
    const frame = tcpFrame({ srcMac: MAC_A, dstMac: MAC_B, srcIp: IP_A, dstIp: IP_B }, { srcPort: this.localPort, dstPort: this.remotePort, seq, ack: this.rcvNxt, flags, window, payload });
    this.segmentsOut++;
    this.owner.pair.wire.inject(frame, 'a');
  }

  /** Unacknowledged + unsent bytes the target holds, from SndUna. */
  private pendingBytes(): number {
    let n = -this.o.ackedBytes;
    for (const nbl of this.o.sends) n += nbl.dataLength;
    return Math.max(0, n);
  }

  /** Bytes [from, from+len) of the send stream, offset from SndUna. */
  private bytesAt(from: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let skip = from + this.o.ackedBytes;
    let done = 0;
    for (const nbl of this.o.sends) {
      if (done >= len) break;
      const size = nbl.dataLength;
      if (skip >= size) { skip -= size; continue; }
      const data = nbl.firstNetBuffer!.read();
      const n = Math.min(size - skip, len - done);
      out.set(data.subarray(skip, skip + n), done);
      done += n;
      skip = 0;
    }
    return out;
  }

  pump(): void {
    if (this.reset || this.o.terminated) return;
    if (this.o.resetRequested) {
      if (!this.rstSent) {
        this.rstSent = true;
        this.emit(this.nxt, new Uint8Array(0), TcpFlag.RST | TcpFlag.ACK);
      }
      return;
    }
    for (const f of this.o.forwards) {
      const bytes = f.firstNetBuffer!.read();
      const seg = parseTcp(bytes, parseIp(IP_B)!, parseIp(IP_A)!);
      if (seg.ok) this.input(seg.value);
    }
    if (this.o.forwards.length) this.owner.target.completeForwards(this.o);
    const dataEnd = seqAdd(this.una, this.pendingBytes());
    for (;;) {
      const off = seqDiff(this.nxt, this.una);
      const room = this.sndWnd - off;
      const len = Math.min(this.mss, this.pendingBytes() - off, room);
      if (len <= 0 || this.finSent) break;
      this.emit(this.nxt, this.bytesAt(off, len), TcpFlag.ACK | TcpFlag.PSH);
      this.nxt = seqAdd(this.nxt, len);
    }
    const graceful = this.o.disconnects.some((d) => d.flags & TcpDisconnectFlags.GRACEFUL);
    if (graceful) this.hostClosed = true;
    if ((graceful || this.finWanted) && !this.finSent && this.nxt === dataEnd) {
      this.finSent = true;
      this.emit(this.nxt, new Uint8Array(0), TcpFlag.ACK | TcpFlag.FIN);
      this.nxt = seqAdd(this.nxt, 1);
    }
    if (this.peerFin && !this.finIndicated && this.o.buffered.length === 0) {
      this.finIndicated = true;
      this.owner.target.peerFin(this.o);
    }
  }

  input(seg: TcpSegment): void {
    if (this.reset) return;
    if (hasFlag(seg, TcpFlag.RST)) {
      if (seg.seq === this.rcvNxt) { // R75: only the exact RST aborts
        this.reset = true;
        this.owner.target.peerReset(this.o);
      }
      return;
    }
    if (hasFlag(seg, TcpFlag.ACK) && seqGt(seg.ack, this.una) && seqLe(seg.ack, this.nxt)) {
      let acked = seqDiff(seg.ack, this.una);
      this.una = seg.ack;
      if (this.finSent && seg.ack === this.nxt) {
        this.finAcked = true;
        acked--;
        // CLOSING → TIME-WAIT or LAST-ACK → CLOSED with no request of the host's to complete:
        // the target asks for the upload (§5.5: "TIME_WAIT reached -> request upload")
        if (this.peerFin && !this.hostClosed) this.owner.target.requestUpload(this.o, UPLOAD_REQUESTED);
      }
      this.owner.target.acknowledge(this.o, acked, this.finAcked);
    }
    if (hasFlag(seg, TcpFlag.ACK) && seqLe(seg.ack, this.nxt)) {
      this.sndWnd = seg.window * 2 ** this.sndScale;
      this.wl1 = seg.seq;
    }
    const fin = hasFlag(seg, TcpFlag.FIN);
    if (seg.payload.length === 0 && !fin) return;
    if (seg.seq === this.rcvNxt && !this.peerFin) {
      this.accept(seg.payload, fin, hasFlag(seg, TcpFlag.PSH));
      // segments that overtook this one (a forwarded segment arrives later than the rest)
      for (let next = this.ooo.get(this.rcvNxt); next && !this.peerFin; next = this.ooo.get(this.rcvNxt)) {
        this.ooo.delete(this.rcvNxt);
        this.accept(next.payload, next.fin, true);
      }
    } else if (seqGt(seg.seq, this.rcvNxt) && seqDiff(seg.seq, this.rcvNxt) < OOO_LIMIT) {
      this.ooo.set(seg.seq, { payload: seg.payload.slice(), fin });
    }
    this.emit(this.nxt, new Uint8Array(0), TcpFlag.ACK); // in order, duplicate or out of order: ACK RcvNxt
  }

  private accept(payload: Uint8Array, fin: boolean, push: boolean): void {
    if (payload.length) this.owner.target.deliver(this.o, payload, push);
    this.rcvNxt = seqAdd(this.rcvNxt, payload.length);
    if (fin) {
      this.peerFin = true;
      this.peerFinFirst = !this.finSent;
      this.rcvNxt = seqAdd(this.rcvNxt, 1);
    }
  }

  /** The TCP state the exchange reached (TCP_OFFLOAD_CONNECTION_STATE). */
  get state(): number {
    const S = TcpOffloadConnectionState;
    if (this.reset || this.rstSent) return S.CLOSED;
    if (!this.finSent) return this.peerFin ? S.CLOSE_WAIT : S.ESTABLISHED;
    if (!this.peerFin) return this.finAcked ? S.FIN_WAIT2 : S.FIN_WAIT1;
    if (this.peerFinFirst) return this.finAcked ? S.CLOSED : S.LAST_ACK;
    return this.finAcked ? S.TIME_WAIT : S.CLOSING;
  }

  /** MiniportTerminateOffload's delegated state for this connection (R30, R31, R78, R79). */
  fillTerminate(node: OffloadBlockList, memory: HostMemory): void {
    const d = node.tcp.delegated!;
    Object.assign(d, {
      ...this.init, state: this.state, sndUna: this.una, sndNxt: this.nxt, sndMax: this.nxt, sndWnd: this.sndWnd,
      sendWl1: this.wl1, rcvNxt: this.rcvNxt, bufferedData: null, sendDataHead: d.sendDataHead, sendDataTail: d.sendDataTail,
    });
    d.retransmit = { count: 0, timeoutDelta: seqGt(this.nxt, this.una) ? 0 : TIMER_NOT_RUNNING };
    // the first send NBL starts at SndUna (R31): skip its acknowledged bytes
    const first = d.sendDataHead;
    if (first && this.o.ackedBytes > 0) advanceNetBufferDataStart(first.firstNetBuffer!, this.o.ackedBytes);
    this.o.ackedBytes = 0;
    // received data not yet placed goes back in BufferedData (returned through ReceiveReturn, R32)
    const held = this.o.buffered.splice(0);
    const total = held.reduce((n, b) => n + b.length, 0);
    if (total > 0) {
      const all = new Uint8Array(total);
      let at = 0;
      for (const b of held) { all.set(b, at); at += b.length; }
      d.bufferedData = chainNbls([allocateNbl(memory, total, { data: all }).nbl]);
    }
  }
}

/** Carriers for every TCP object the scripted target holds for stack A of `pair`. */
export class OffloadWire {
  readonly carriers = new Map<TargetObject, Carrier>();
  /** frames from B that go to A's host stack (to be forwarded) instead of the target */
  passToHost: ((seg: TcpSegment) => boolean) | undefined;
  /** segments the carriers sent, over all connections */
  segmentsOut = 0;

  constructor(readonly pair: Pair, readonly target: ScriptedTarget, private readonly memory: HostMemory) {
    target.onOffload = (o, node) => {
      const c = node.tcp.const!;
      this.carriers.set(o, new Carrier(this, o, c.localPort, c.remotePort, snapshotDelegated(node.tcp.delegated!), c));
    };
    target.onTerminate = (o, node) => {
      const carrier = this.carriers.get(o);
      if (!carrier) return;
      carrier.fillTerminate(node, this.memory);
      this.segmentsOut += carrier.segmentsOut;
      this.carriers.delete(o);
    };
    // the wire side acts on new I/O at the next step of the clock, never inside the call
    target.onIo = () => { pair.clock.setTimer(pair.clock.now(), () => this.pump()); };
    pair.wire.tap = (frame, from) => {
      if (from !== 'b') return false;
      const seg = decodeTcp(frame);
      if (!seg) return false;
      const carrier = [...this.carriers.values()].find((c) => c.localPort === seg.dstPort && c.remotePort === seg.srcPort);
      if (!carrier || this.passToHost?.(seg)) return false;
      carrier.input(seg);
      carrier.pump();
      return true;
    };
  }

  pump(): void {
    for (const c of this.carriers.values()) c.pump();
  }

  carrierOf(localPort: number): Carrier | undefined {
    return [...this.carriers.values()].find((c) => c.localPort === localPort);
  }
}

/** The delegated state as it was at offload (NBL pointers dropped). */
function snapshotDelegated(d: TcpDelegatedState): TcpDelegatedState {
  return { ...d, keepAlive: { ...d.keepAlive }, retransmit: { ...d.retransmit }, sendDataHead: null, sendDataTail: null, bufferedData: null };
}
