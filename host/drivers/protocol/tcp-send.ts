/**
 * The send side of a connection: SND.UNA/NXT/WND, the highest sequence sent, the send
 * buffer (unacknowledged plus unsent bytes), our FIN, RTT timing under Karn's rule, the RTO
 * estimator and NewReno. Pure bookkeeping: the connection decides when to send.
 */
import { ByteQueue } from './byte-queue.js';
import { NewReno } from './congestion.js';
import { type RtoConfig, RtoEstimator } from './rto.js';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.js';

export interface AckResult {
  /** bytes of data acknowledged (SYN and FIN not counted) */
  dataBytes: number;
  /** sequence space acknowledged, SYN and FIN included */
  seqSpace: number;
  synAcked: boolean;
  finAcked: boolean;
  /** an RTT sample was taken (ms) */
  rttSample: number | undefined;
}

export class SendSide {
  iss: number;
  una: number;
  nxt: number;
  /** highest sequence number sent plus one (SND.NXT before any go-back) */
  max: number;
  /** SND.WND in bytes (scaled) */
  wnd = 0;
  wl1 = 0;
  wl2 = 0;
  /** the peer's window shift (0 until negotiated) */
  scale = 0;
  /** largest window the peer ever offered (RFC 5961 §5.2 ACK check) */
  maxWnd = 0;
  /** effective send MSS */
  mss: number;
  /** sequence number of buffer's first byte */
  private bufSeq: number;
  readonly buffer = new ByteQueue();
  finQueued = false;
  readonly rto: RtoEstimator;
  cc: NewReno;
  /** Karn: the segment being timed (its end sequence) and when it was sent */
  private timedEnd: number | undefined;
  private timedAt = 0;
  /** consecutive expirations of the retransmission timer */
  retries = 0;
  /** counters */
  retransmittedSegments = 0;

  constructor(iss: number, mss: number, readonly capacity: number, rtoConfig: RtoConfig) {
    this.iss = iss;
    this.una = iss;
    this.nxt = iss;
    this.max = iss;
    this.bufSeq = seqAdd(iss, 1);
    this.mss = mss;
    this.rto = new RtoEstimator(rtoConfig);
    this.cc = new NewReno(mss, iss);
  }

  /** Re-creates the congestion state once the MSS is known (after the handshake). */
  setMss(mss: number): void {
    this.mss = mss;
    this.cc = new NewReno(mss, this.iss);
  }

  /** offload hook: sequence number of the send buffer's first byte */
  get bufferSeq(): number {
    return this.bufSeq;
  }

  /**
   * Upload hook: installs the send sequence space handed back by an offload target. The buffer
   * becomes `data` (its first byte at `bufferSeq`); no segment is being timed (Karn).
   */
  restore(v: { una: number; nxt: number; max: number; bufferSeq: number; data: readonly Uint8Array[]; wnd: number; maxWnd: number; wl1: number; wl2: number; retries: number }): void {
    this.buffer.drop(this.buffer.length);
    for (const d of v.data) this.buffer.append(d.slice());
    this.bufSeq = v.bufferSeq;
    this.una = v.una;
    this.nxt = v.nxt;
    this.max = v.max;
    this.wnd = v.wnd;
    this.maxWnd = Math.max(v.maxWnd, v.wnd);
    this.wl1 = v.wl1;
    this.wl2 = v.wl2;
    this.retries = v.retries;
    this.timedEnd = undefined;
  }

  /**
   * Upload hook: the RTO estimator's SRTT/RTTVAR (ms; srtt undefined = no sample yet) and the
   * RTO they give, backed off `backoffs` times (RFC 6298 (2.3), (5.5)).
   */
  restoreRto(srtt: number | undefined, rttvar: number, backoffs: number): void {
    this.rto.restore(srtt, rttvar, backoffs);
  }

  /** sequence number just after the last byte of data queued */
  get dataEnd(): number {
    return seqAdd(this.bufSeq, this.buffer.length);
  }

  /** bytes the application may still queue */
  get space(): number {
    return this.finQueued ? 0 : Math.max(0, this.capacity - this.buffer.length);
  }

  get flight(): number {
    return seqDiff(this.max, this.una);
  }

  get synAcked(): boolean {
    return seqGt(this.una, this.iss);
  }

  get finSent(): boolean {
    return this.finQueued && seqGt(this.max, this.dataEnd);
  }

  get finAcked(): boolean {
    return this.finQueued && seqGt(this.una, this.dataEnd);
  }

  /** bytes queued and never sent from SND.NXT */
  get unsent(): number {
    return Math.max(0, seqDiff(this.dataEnd, this.nxt));
  }

  queue(data: Uint8Array): number {
    const n = Math.min(data.length, this.space);
    if (n > 0) this.buffer.append(data.slice(0, n));
    return n;
  }

  /** data bytes at [seq, seq+len) (must be inside the buffer) */
  dataAt(seq: number, len: number): Uint8Array {
    return this.buffer.peek(seqDiff(seq, this.bufSeq), len);
  }

  /** Records a transmission of [seq, end); `now` for RTT timing. */
  sent(seq: number, end: number, now: number): void {
    const fresh = !seqLt(seq, this.max);
    if (seqGt(end, this.nxt)) this.nxt = end;
    if (seqGt(end, this.max)) this.max = end;
    if (fresh && this.timedEnd === undefined && end !== seq) {
      this.timedEnd = end;
      this.timedAt = now;
    } else if (!fresh && this.timedEnd !== undefined && seqLt(seq, this.timedEnd)) {
      // Karn: a retransmission of the timed segment spoils its sample
      this.timedEnd = undefined;
    }
  }

  /** The retransmission timer expired: go back to SND.UNA (Karn: stop timing). */
  goBack(): void {
    this.nxt = this.una;
    this.timedEnd = undefined;
  }

  /** Processes an acceptable new ACK (SND.UNA < ack <= max). */
  ack(ack: number, now: number): AckResult {
    const seqSpace = seqDiff(ack, this.una);
    const synAcked = !this.synAcked && seqGt(ack, this.iss);
    const finBefore = this.finAcked;
    const dataBytes = Math.min(this.buffer.length, Math.max(0, seqDiff(ack, this.bufSeq)));
    this.buffer.drop(dataBytes);
    this.bufSeq = seqAdd(this.bufSeq, dataBytes);
    this.una = ack;
    if (seqLt(this.nxt, ack)) this.nxt = ack;
    let rttSample: number | undefined;
    if (this.timedEnd !== undefined && !seqLt(ack, this.timedEnd)) {
      rttSample = now - this.timedAt;
      this.rto.sample(rttSample);
      this.timedEnd = undefined;
    }
    this.retries = 0;
    return { dataBytes, seqSpace, synAcked, finAcked: !finBefore && this.finAcked, rttSample };
  }

  /**
   * Window update rule (RFC 9293 §3.10.7.4, fifth check); a SYN sets the window unconditionally
   * (and unscaled). Returns whether the window changed.
   */
  updateWindow(seq: number, ack: number, rawWindow: number, isSyn: boolean): boolean {
    if (isSyn || seqLt(this.wl1, seq) || (this.wl1 === seq && !seqLt(ack, this.wl2))) {
      const wnd = isSyn ? rawWindow : rawWindow * 2 ** this.scale;
      const changed = wnd !== this.wnd;
      this.wnd = wnd;
      this.wl1 = seq;
      this.wl2 = ack;
      if (wnd > this.maxWnd) this.maxWnd = wnd;
      return changed;
    }
    return false;
  }
}
