/**
 * What a connection sends and when: the output loop (window = min(cwnd, SND.WND), sender
 * silly-window avoidance, optional Nagle), SYN and FIN, retransmissions, zero-window probes
 * (persist timer with back-off), delayed and immediate ACKs, RST and RFC 5961 challenge ACKs.
 * It also keeps the retransmission and persist timers consistent after every send.
 */
import type { TcpConnection } from './tcp-connection.js';
import { seqAdd, seqDiff, seqLt } from './seq.js';
import { TcpFlag, type TcpOptions } from './tcp-segment.js';
import { TcpState, canSendData } from './tcp-state.js';

const EMPTY = new Uint8Array(0);

export class TcpOutput {
  /** an ACK must go out before the current operation ends */
  ackNow = false;
  /** both SYNs carried the window-scale option */
  windowScaleAgreed = false;
  private persistBackoff = 0;

  constructor(private readonly c: TcpConnection) {}

  // ---- handshake --------------------------------------------------------------------------

  /** SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) from the ISS, and the retransmission timer. */
  sendSyn(): void {
    const c = this.c;
    const synAck = c.state === TcpState.SYN_RECEIVED;
    const options: TcpOptions = { mss: c.config.mss };
    const shift = c.offeredWindowShift;
    if (shift !== undefined && (!synAck || this.windowScaleAgreed)) options.windowScale = shift;
    this.emit(c.snd.iss, synAck ? TcpFlag.SYN | TcpFlag.ACK : TcpFlag.SYN, EMPTY, options);
    c.snd.sent(c.snd.iss, seqAdd(c.snd.iss, 1), c.host.clock.now());
    c.rtxTimer.start(c.snd.rto.rto);
  }

  retransmitSyn(): void {
    this.c.counters.tcpRetransmits++;
    this.sendSyn();
  }

  // ---- data -------------------------------------------------------------------------------

  /** Sends whatever the windows allow, then re-arms the timers. */
  output(): void {
    const c = this.c;
    const snd = c.snd;
    if (!canSendData(c.state)) return;
    for (;;) {
      const unsent = seqDiff(snd.dataEnd, snd.nxt);
      if (unsent > 0) {
        const usable = seqDiff(seqAdd(snd.una, Math.min(snd.cc.cwnd, snd.wnd)), snd.nxt);
        const len = Math.min(snd.mss, unsent, usable);
        if (len <= 0) break;
        const allQueued = len === unsent && (!c.config.nagle || snd.flight === 0);
        if (len < snd.mss && !allQueued && len < snd.maxWnd / 2) break; // sender SWS avoidance
        if (!c.host.linkRoom(c)) {
          c.host.waitLink(c); // the link holds enough: build this segment when it has room
          break;
        }
        this.sendData(snd.nxt, len, snd.finQueued && len === unsent);
        continue;
      }
      if (unsent === 0 && snd.finQueued) this.sendFin(snd.nxt);
      break;
    }
    this.armTimers();
  }

  /** Fast retransmit / NewReno partial ACK: resend the first unacknowledged segment. */
  retransmitFirst(): void {
    const snd = this.c.snd;
    const left = seqDiff(snd.dataEnd, snd.una);
    if (left > 0) {
      const len = Math.min(snd.mss, left);
      this.sendData(snd.una, len, snd.finSent && len === left);
    } else if (snd.finSent && !snd.finAcked) {
      this.sendFin(snd.una);
    }
  }

  /** The persist timer fired: a zero-window probe, or a forced send past sender SWS avoidance. */
  probe(): void {
    const c = this.c;
    const snd = c.snd;
    if (!canSendData(c.state)) return;
    this.persistBackoff++;
    if (snd.wnd === 0) {
      c.counters.tcpZeroWindowProbes++;
      if (seqLt(snd.una, snd.dataEnd)) this.sendData(snd.una, 1, false);
      else if (snd.finQueued && !snd.finAcked) this.sendFin(snd.una);
    } else {
      const unsent = seqDiff(snd.dataEnd, snd.nxt);
      const usable = seqDiff(seqAdd(snd.una, snd.wnd), snd.nxt);
      const len = Math.min(snd.mss, unsent, Math.max(1, usable));
      if (len > 0) this.sendData(snd.nxt, len, snd.finQueued && len === unsent);
    }
    this.armTimers();
  }

  private sendData(seq: number, len: number, fin: boolean): void {
    const snd = this.c.snd;
    const end = seqAdd(seq, len);
    let flags = TcpFlag.ACK;
    if (end === snd.dataEnd) flags |= TcpFlag.PSH;
    if (fin) flags |= TcpFlag.FIN;
    if (seqLt(seq, snd.max)) this.c.counters.tcpRetransmits++;
    this.emit(seq, flags, snd.dataAt(seq, len));
    snd.sent(seq, fin ? seqAdd(end, 1) : end, this.c.host.clock.now());
  }

  private sendFin(seq: number): void {
    const snd = this.c.snd;
    if (seqLt(seq, snd.max)) this.c.counters.tcpRetransmits++;
    this.emit(seq, TcpFlag.FIN | TcpFlag.ACK, EMPTY);
    snd.sent(seq, seqAdd(seq, 1), this.c.host.clock.now());
  }

  /** Retransmission timer while data is in flight; persist timer while the peer's window stalls us. */
  private armTimers(): void {
    const c = this.c;
    const snd = c.snd;
    const pending = seqLt(snd.una, snd.dataEnd) || (snd.finQueued && !snd.finAcked);
    const stalled = pending && (snd.wnd === 0 || (snd.flight === 0 && seqDiff(snd.dataEnd, snd.nxt) > 0));
    if (stalled) {
      c.rtxTimer.stop();
      const interval = Math.min(snd.rto.rto * 2 ** this.persistBackoff, c.config.maxPersistMs);
      c.persistTimer.ensure(interval);
      return;
    }
    c.persistTimer.stop();
    this.persistBackoff = 0;
    if (snd.flight > 0) c.rtxTimer.ensure(snd.rto.rto);
    else c.rtxTimer.stop();
  }

  // ---- acknowledgments --------------------------------------------------------------------

  /** In-order data arrived: ACK every second segment at once, otherwise after the delayed-ACK timer. */
  dataReceived(_len: number): void {
    const rcv = this.c.rcv;
    rcv.unackedSegments++;
    if (rcv.unackedSegments >= 2) this.ackNow = true;
    else this.c.delackTimer.ensure(this.c.config.delayedAckMs);
  }

  /** Sends an ACK if one is owed. */
  flushAck(): void {
    if (this.ackNow) this.sendAck();
  }

  sendAck(): void {
    const c = this.c;
    if (c.state === TcpState.CLOSED || c.state === TcpState.SYN_SENT) {
      this.ackNow = false;
      return;
    }
    // SND.MAX, not SND.NXT: after a retransmission timeout SND.NXT lies back at the resent
    // data, and a bare ACK there is older than the peer's RCV.NXT if it has that data (the peer
    // drops it as unacceptable and answers with an ACK of its own; two such ends ACK each
    // other forever). BSD does the same.
    this.emit(c.snd.max, TcpFlag.ACK, EMPTY);
  }

  /** RFC 5961 challenge ACK for an in-window RST or any SYN. */
  challengeAck(): void {
    this.c.counters.tcpChallengeAcks++;
    this.sendAck();
  }

  /** RST with SEQ=seq, and ACK=ack (with the ACK flag) if given. */
  sendRst(seq: number, ack: number | undefined): void {
    const c = this.c;
    c.counters.tcpRstsSent++;
    const flags = ack === undefined ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK;
    c.host.transmit(c.id, {
      srcPort: c.id.localPort, dstPort: c.id.remotePort, seq, ack: ack ?? 0, flags, window: 0, urgent: 0, options: {}, payload: EMPTY,
    });
    c.counters.tcpSegmentsOut++;
  }

  private emit(seq: number, flags: number, payload: Uint8Array, options: TcpOptions = {}): void {
    const c = this.c;
    const withAck = (flags & TcpFlag.ACK) !== 0;
    const window = (flags & TcpFlag.SYN) !== 0 ? Math.min(c.rcv.capacity, 0xffff) : c.rcv.advertise();
    if (withAck) {
      this.ackNow = false;
      c.rcv.unackedSegments = 0;
      c.delackTimer.stop();
    }
    c.counters.tcpSegmentsOut++;
    c.host.transmit(c.id, {
      srcPort: c.id.localPort, dstPort: c.id.remotePort, seq, ack: withAck ? c.rcv.nxt : 0, flags, window, urgent: 0, options, payload,
    });
  }
}
