/**
 * One TCP connection: the RFC 9293 §3.10 event processing (OPEN, SEND, RECEIVE, CLOSE, ABORT,
 * SEGMENT ARRIVES, time-outs) with the RFC 5961 defences. Sequence bookkeeping lives in
 * SendSide/ReceiveSide, segment emission in TcpOutput, congestion arithmetic in NewReno.
 * Wire input never throws: a segment is processed, answered or dropped and counted.
 */
import type { Clock } from './clock.js';
import { DropReason } from './codec.js';
import type { StackCounters } from './counters.js';
import { StackError, StackErrorCode } from './errors.js';
import { seqAdd, seqGt, seqLe, seqLt } from './seq.js';
import { type TcpConfig, windowShiftFor } from './tcp-config.js';
import { TcpOutput } from './tcp-output.js';
import { ReceiveSide } from './tcp-recv.js';
import { TcpFlag, type TcpSegment, hasFlag } from './tcp-segment.js';
import { SendSide } from './tcp-send.js';
import { TcpState, canReceiveData, canTransition } from './tcp-state.js';
import { OneShot } from './timer.js';

/** RFC 9293 §3.7.1: the MSS assumed when the peer sends none */
export const DEFAULT_PEER_MSS = 536;

export interface ConnectionId {
  localIp: number;
  localPort: number;
  remoteIp: number;
  remotePort: number;
}

/** What a connection needs from the stack. */
export interface ConnectionHost {
  readonly clock: Clock;
  readonly counters: StackCounters;
  transmit(id: ConnectionId, seg: TcpSegment): void;
  /** queues a user notification to run after the current stack operation */
  notify(fn: () => void): void;
  /** the connection reached CLOSED: forget it */
  released(conn: TcpConnection): void;
  /** a passively opened connection reached ESTABLISHED */
  established(conn: TcpConnection): void;
  /** whether `conn` may queue new data in the link now (see StackOptions.linkQueueBytes, Stack.quiesceLink) */
  linkRoom(conn: TcpConnection): boolean;
  /** call `conn.linkReady()` once the link has room again */
  waitLink(conn: TcpConnection): void;
}

/**
 * The offloaded path of a connection (set by the protocol driver's offload client while the
 * connection is being offloaded, is offloaded, or is being uploaded): user calls and segments
 * that reach the host go to it instead of the software state machine.
 */
export interface OffloadedPath {
  /** queues data for the offload target; returns the bytes taken (backpressure as in software) */
  send(data: Uint8Array): number;
  /** the user read bytes: there is room for more received data */
  consumed(): void;
  /** graceful close of the send half */
  close(): void;
  /** abortive close */
  abort(): void;
  /** a segment for this connection reached the host stack (`tcp`: its bytes from the TCP header on) */
  segment(seg: TcpSegment, tcp: Uint8Array): void;
  /** room for send(), bytes not yet acknowledged */
  readonly space: number;
  readonly unacknowledged: number;
}

/** Notifications to the socket layer. */
export interface ConnectionEvents {
  connect(): void;
  readable(): void;
  writable(): void;
  end(): void;
  close(error: StackError | undefined): void;
}

export class TcpConnection {
  state: TcpState = TcpState.CLOSED;
  readonly snd: SendSide;
  readonly rcv: ReceiveSide;
  readonly out: TcpOutput;
  readonly passive: boolean;
  events: ConnectionEvents | undefined;
  /** set while the connection is offloaded (see OffloadedPath) */
  offload: OffloadedPath | undefined;
  /** the MSS the peer announced on its SYN (offload: TCP_OFFLOAD_STATE_CONST.RemoteMss) */
  peerMss = DEFAULT_PEER_MSS;
  /** the error that closed the connection, if any */
  error: StackError | undefined;
  /** our window shift if the peer agrees */
  private readonly offeredShift: number | undefined;
  private closeNotified = false;
  private writableWanted = false;
  readonly rtxTimer: OneShot;
  readonly persistTimer: OneShot;
  readonly delackTimer: OneShot;
  private readonly timeWaitTimer: OneShot;

  constructor(
    readonly id: ConnectionId,
    readonly host: ConnectionHost,
    readonly config: TcpConfig,
    iss: number,
    passive: boolean,
  ) {
    this.passive = passive;
    this.offeredShift = config.windowScale ? windowShiftFor(config.receiveBuffer) : undefined;
    this.snd = new SendSide(iss, DEFAULT_PEER_MSS, config.sendBuffer, config.rto);
    this.rcv = new ReceiveSide(config.receiveBuffer, config.mss);
    this.rtxTimer = new OneShot(host.clock, () => this.onRetransmitTimeout());
    this.persistTimer = new OneShot(host.clock, () => this.out.probe());
    this.delackTimer = new OneShot(host.clock, () => this.out.sendAck());
    this.timeWaitTimer = new OneShot(host.clock, () => this.terminate(undefined));
    this.out = new TcpOutput(this);
  }

  get counters(): StackCounters {
    return this.host.counters;
  }

  get offeredWindowShift(): number | undefined {
    return this.offeredShift;
  }

  private setState(to: TcpState): void {
    if (!canTransition(this.state, to)) throw new StackError(StackErrorCode.BAD_STATE, `TCP transition ${this.state} -> ${to} is not in RFC 9293`);
    this.state = to;
  }

  // ---- user calls -------------------------------------------------------------------------

  /** Active OPEN: send a SYN (CLOSED -> SYN-SENT). */
  open(): void {
    this.setState(TcpState.SYN_SENT);
    this.counters.tcpActiveOpens++;
    this.out.sendSyn();
  }

  /** Passive OPEN reached by a SYN on a listener (LISTEN -> SYN-RECEIVED). */
  acceptSyn(seg: TcpSegment): void {
    this.setState(TcpState.LISTEN);
    this.setState(TcpState.SYN_RECEIVED);
    this.counters.tcpPassiveOpens++;
    this.takeSynOptions(seg);
    this.rcv.init(seg.seq);
    this.snd.updateWindow(seg.seq, this.snd.iss, seg.window, true);
    this.out.sendSyn();
  }

  /** SEND: queues what fits in the send buffer; returns the bytes taken. */
  send(data: Uint8Array): number {
    if (this.offload) return this.offload.send(data);
    const n = this.snd.queue(data);
    if (n < data.length) this.writableWanted = true;
    if (n > 0) this.out.output();
    return n;
  }

  /** The link has room again for the new data this connection held back. */
  linkReady(): void {
    if (!this.offload) this.out.output(); // output() sends nothing in a state that may not send data
  }

  /** Whether a writer waits for send-buffer space; clears it (the offload path takes it over). */
  takeWritableWanted(): boolean {
    const w = this.writableWanted;
    this.writableWanted = false;
    return w;
  }

  /** A writer waits for send-buffer space (handed back by an offload path at upload). */
  wantWritable(): void {
    this.writableWanted = true;
  }

  /** RECEIVE: takes up to `max` bytes; may send a window update. */
  receive(max: number): Uint8Array {
    const data = this.rcv.read(max);
    if (this.offload) {
      if (data.length > 0) this.offload.consumed();
      return data;
    }
    if (data.length > 0 && this.rcv.windowUpdateDue && this.state !== TcpState.CLOSED) this.out.sendAck();
    return data;
  }

  /** CLOSE: queue our FIN after the data (RFC 9293 §3.10.4). */
  close(): void {
    if (this.offload) return this.offload.close();
    switch (this.state) {
      case TcpState.SYN_SENT:
        this.terminate(undefined);
        return;
      case TcpState.SYN_RECEIVED:
      case TcpState.ESTABLISHED:
        this.snd.finQueued = true;
        this.setState(TcpState.FIN_WAIT_1);
        break;
      case TcpState.CLOSE_WAIT:
        this.snd.finQueued = true;
        this.setState(TcpState.LAST_ACK);
        break;
      default:
        return; // already closing: CLOSE is idempotent
    }
    this.out.output();
  }

  /** ABORT: send RST if synchronized and drop everything (RFC 9293 §3.10.5). */
  abort(): void {
    if (this.state === TcpState.CLOSED) return;
    if (this.offload) return this.offload.abort();
    if (this.state !== TcpState.SYN_SENT && this.state !== TcpState.TIME_WAIT) this.out.sendRst(this.snd.nxt, undefined);
    this.terminate(new StackError(StackErrorCode.ABORTED, 'connection aborted by the user'));
  }

  // ---- segment arrival --------------------------------------------------------------------

  segmentArrives(seg: TcpSegment): void {
    if (this.state === TcpState.SYN_SENT) this.synSentArrives(seg);
    else if (this.state !== TcpState.CLOSED) this.synchronizedArrives(seg);
    if (this.state !== TcpState.CLOSED) this.out.flushAck();
  }

  private takeSynOptions(seg: TcpSegment): void {
    const mss = seg.options.mss ?? DEFAULT_PEER_MSS;
    this.peerMss = mss;
    this.snd.setMss(Math.max(64, Math.min(mss, this.config.mss)));
    if (seg.options.windowScale !== undefined && this.offeredShift !== undefined) {
      this.snd.scale = seg.options.windowScale;
      this.rcv.scale = this.offeredShift;
      this.out.windowScaleAgreed = true;
    }
  }

  /** RFC 9293 §3.10.7.3 */
  private synSentArrives(seg: TcpSegment): void {
    const ack = hasFlag(seg, TcpFlag.ACK);
    if (ack && (seqLe(seg.ack, this.snd.iss) || seqGt(seg.ack, this.snd.max))) {
      this.counters.drops[DropReason.BAD_ACK]++;
      if (!hasFlag(seg, TcpFlag.RST)) this.out.sendRst(seg.ack, undefined);
      return;
    }
    if (hasFlag(seg, TcpFlag.RST)) {
      this.counters.tcpRstsIn++;
      if (ack) this.terminate(new StackError(StackErrorCode.REFUSED, 'connection refused (RST)'));
      else this.counters.drops[DropReason.BAD_STATE]++;
      return;
    }
    if (!hasFlag(seg, TcpFlag.SYN)) {
      this.counters.drops[DropReason.BAD_STATE]++;
      return;
    }
    this.takeSynOptions(seg);
    this.rcv.init(seg.seq);
    if (ack) {
      this.snd.ack(seg.ack, this.host.clock.now());
      this.snd.updateWindow(seg.seq, seg.ack, seg.window, true);
      this.rtxTimer.stop();
      this.setState(TcpState.ESTABLISHED);
      this.out.ackNow = true;
      this.host.notify(() => this.events?.connect());
      this.out.output();
      return;
    }
    // simultaneous open: SYN-RECEIVED, answer with SYN,ACK from our ISS
    this.setState(TcpState.SYN_RECEIVED);
    this.snd.updateWindow(seg.seq, this.snd.iss, seg.window, true);
    this.snd.nxt = this.snd.iss;
    this.out.sendSyn();
  }

  /** RFC 9293 §3.10.7.4 with RFC 5961 §3-§5. */
  private synchronizedArrives(seg: TcpSegment): void {
    const len = seg.payload.length;
    const rst = hasFlag(seg, TcpFlag.RST);
    const syn = hasFlag(seg, TcpFlag.SYN);
    // a retransmitted SYN while our SYN,ACK is outstanding: answer it again
    if (this.state === TcpState.SYN_RECEIVED && syn && !rst && !hasFlag(seg, TcpFlag.ACK) && seg.seq === this.rcv.irs) {
      this.out.retransmitSyn();
      return;
    }
    // first: sequence number
    if (!this.rcv.acceptable(seg.seq, len)) {
      this.counters.drops[DropReason.OUT_OF_WINDOW]++;
      if (!rst) {
        this.out.ackNow = true;
        if (this.state === TcpState.TIME_WAIT && hasFlag(seg, TcpFlag.FIN)) this.timeWaitTimer.start(2 * this.config.mslMs);
      }
      return;
    }
    // second: RST (RFC 5961 §3.2)
    if (rst) {
      this.counters.tcpRstsIn++;
      if (seg.seq === this.rcv.nxt) this.resetArrives();
      else this.out.challengeAck();
      return;
    }
    // fourth: SYN in a synchronized state (RFC 5961 §4)
    if (syn) {
      this.out.challengeAck();
      return;
    }
    // fifth: ACK
    if (!hasFlag(seg, TcpFlag.ACK)) {
      this.counters.drops[DropReason.BAD_ACK]++;
      return;
    }
    if (this.state === TcpState.SYN_RECEIVED && !this.synReceivedAck(seg)) return;
    if (!this.ackArrives(seg)) return;
    if (this.state === TcpState.CLOSED || this.state === TcpState.TIME_WAIT && len === 0) return;
    // seventh and eighth: text and FIN
    this.textArrives(seg);
  }

  private resetArrives(): void {
    this.counters.tcpResets++;
    switch (this.state) {
      case TcpState.SYN_RECEIVED:
        this.terminate(this.passive ? undefined : new StackError(StackErrorCode.REFUSED, 'connection refused (RST)'));
        return;
      case TcpState.ESTABLISHED:
      case TcpState.FIN_WAIT_1:
      case TcpState.FIN_WAIT_2:
      case TcpState.CLOSE_WAIT:
        this.terminate(new StackError(StackErrorCode.RESET, 'connection reset by peer'));
        return;
      default:
        this.terminate(undefined);
    }
  }

  /** SYN-RECEIVED: the ACK of our SYN completes the handshake. */
  private synReceivedAck(seg: TcpSegment): boolean {
    if (seqLe(seg.ack, this.snd.una) || seqGt(seg.ack, this.snd.max)) {
      this.counters.drops[DropReason.BAD_ACK]++;
      this.out.sendRst(seg.ack, undefined);
      return false;
    }
    this.snd.ack(seg.ack, this.host.clock.now());
    this.snd.wl1 = seg.seq;
    this.snd.wl2 = seg.ack;
    this.snd.wnd = seg.window * 2 ** this.snd.scale;
    this.snd.maxWnd = Math.max(this.snd.maxWnd, this.snd.wnd);
    this.rtxTimer.stop();
    this.setState(this.snd.finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
    if (this.passive) this.host.established(this);
    else this.host.notify(() => this.events?.connect());
    return true;
  }

  /** The fifth check. Returns false when the segment must be dropped. */
  private ackArrives(seg: TcpSegment): boolean {
    const snd = this.snd;
    // RFC 5961 §5.2: acceptable range (SND.UNA - MAX.SND.WND) <= SEG.ACK <= SND.MAX
    if (seqGt(seg.ack, snd.max) || seqLt(seg.ack, seqAdd(snd.una, -snd.maxWnd))) {
      this.counters.drops[DropReason.BAD_ACK]++;
      this.out.ackNow = true;
      return false;
    }
    const wasDup = seg.ack === snd.una && seg.payload.length === 0 && !hasFlag(seg, TcpFlag.FIN) && snd.flight > 0;
    const oldWnd = snd.wnd;
    // the window this ACK carries is taken before the new ACK lets anything out: sending on
    // the new SND.UNA with the old SND.WND overruns the peer's right edge
    const windowChanged = seqLe(snd.una, seg.ack) && snd.updateWindow(seg.seq, seg.ack, seg.window, false);
    if (seqGt(seg.ack, snd.una)) this.newAck(seg.ack);
    // a zero window's ACKs (answers to persist probes) are not duplicate ACKs: a fast
    // retransmit would push a full segment into a window that is closed
    if (wasDup && !windowChanged && snd.wnd === oldWnd && snd.wnd > 0) this.duplicateAck(seg.ack);
    if (windowChanged) this.out.output();
    return this.state !== TcpState.CLOSED;
  }

  private newAck(ack: number): void {
    const snd = this.snd;
    const res = snd.ack(ack, this.host.clock.now());
    const action = snd.cc.onNewAck(ack, res.seqSpace, snd.flight);
    if (snd.flight === 0) this.rtxTimer.stop();
    else if (action.kind !== 'partialAck' || action.resetTimer) this.rtxTimer.start(snd.rto.rto);
    if (action.kind === 'partialAck') this.out.retransmitFirst();
    if (res.dataBytes > 0 && this.writableWanted && snd.space > 0) {
      this.writableWanted = false;
      this.host.notify(() => this.events?.writable());
    }
    if (res.finAcked) this.ourFinAcked();
    if (this.state !== TcpState.CLOSED) this.out.output();
  }

  private duplicateAck(ack: number): void {
    this.counters.tcpDupAcksIn++;
    const action = this.snd.cc.onDupAck(ack, this.snd.flight, this.snd.max);
    if (action.kind === 'fastRetransmit') {
      this.counters.tcpFastRetransmits++;
      this.out.retransmitFirst();
    }
    this.out.output();
  }

  private ourFinAcked(): void {
    switch (this.state) {
      case TcpState.FIN_WAIT_1:
        this.setState(TcpState.FIN_WAIT_2);
        break;
      case TcpState.CLOSING:
        this.enterTimeWait();
        break;
      case TcpState.LAST_ACK:
        this.terminate(undefined);
        break;
      default:
        break;
    }
  }

  private textArrives(seg: TcpSegment): void {
    const fin = hasFlag(seg, TcpFlag.FIN);
    if (!canReceiveData(this.state) || (seg.payload.length === 0 && !fin)) return;
    const r = this.rcv.accept(seg.seq, seg.payload, fin);
    if (r.outOfOrder) {
      this.counters.tcpOutOfOrderIn++;
      this.out.ackNow = true;
    }
    if (r.filledHole || r.finReached) this.out.ackNow = true;
    if (r.advanced && !r.finReached) this.out.dataReceived(seg.payload.length);
    if (r.advanced && this.rcv.readable.length > 0) this.host.notify(() => this.events?.readable());
    if (r.finReached) this.finArrives();
  }

  private finArrives(): void {
    switch (this.state) {
      case TcpState.SYN_RECEIVED:
      case TcpState.ESTABLISHED:
        this.setState(TcpState.CLOSE_WAIT);
        break;
      case TcpState.FIN_WAIT_1:
        if (this.snd.finAcked) this.enterTimeWait();
        else this.setState(TcpState.CLOSING);
        break;
      case TcpState.FIN_WAIT_2:
        this.enterTimeWait();
        break;
      default:
        break;
    }
    this.host.notify(() => this.events?.end());
  }

  /** Upload hook: the target handed the connection back in TIME-WAIT. */
  resumeInTimeWait(): void {
    this.state = TcpState.TIME_WAIT;
    this.enterTimeWaitTimers();
  }

  private enterTimeWait(): void {
    this.setState(TcpState.TIME_WAIT);
    this.enterTimeWaitTimers();
  }

  private enterTimeWaitTimers(): void {
    this.rtxTimer.stop();
    this.persistTimer.stop();
    this.delackTimer.stop();
    this.timeWaitTimer.start(2 * this.config.mslMs);
    this.notifyClose(undefined);
  }

  // ---- time-outs --------------------------------------------------------------------------

  private onRetransmitTimeout(): void {
    const snd = this.snd;
    this.counters.tcpRtoExpirations++;
    snd.retries++;
    const handshake = this.state === TcpState.SYN_SENT || this.state === TcpState.SYN_RECEIVED;
    if (snd.retries > (handshake ? this.config.synRetries : this.config.maxRetries)) {
      this.counters.tcpTimeouts++;
      if (!handshake) this.out.sendRst(snd.nxt, undefined);
      this.terminate(new StackError(StackErrorCode.TIMEOUT, `no acknowledgment after ${snd.retries - 1} retransmissions`));
      return;
    }
    snd.rto.backOff();
    if (handshake) {
      this.out.retransmitSyn();
      return;
    }
    if (snd.flight === 0) return;
    snd.cc.onTimeout(snd.flight, snd.max, snd.retries === 1);
    snd.goBack();
    this.out.output();
  }

  // ---- teardown ---------------------------------------------------------------------------

  /** Enters CLOSED, stops every timer, frees the connection and tells the user once. */
  terminate(error: StackError | undefined): void {
    if (this.state === TcpState.CLOSED) return;
    this.state = TcpState.CLOSED;
    this.error = error;
    for (const t of [this.rtxTimer, this.persistTimer, this.delackTimer, this.timeWaitTimer]) t.stop();
    this.host.released(this);
    this.notifyClose(error);
  }

  private notifyClose(error: StackError | undefined): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.host.notify(() => this.events?.close(error));
  }
}
