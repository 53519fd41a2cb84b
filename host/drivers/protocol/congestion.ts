/**
 * Congestion control: RFC 5681 slow start and congestion avoidance, fast retransmit at the
 * duplicate-ACK threshold, and RFC 6582 NewReno fast recovery. The class is pure arithmetic
 * on byte counts; the sender asks it what to do and does it.
 */
import { seqGt } from './seq.js';

export const DUPACK_THRESHOLD = 3;

/** What an arriving ACK asks of the sender. */
export type AckAction =
  | { kind: 'none' }
  /** third duplicate ACK: retransmit the first unacknowledged segment (fast retransmit) */
  | { kind: 'fastRetransmit' }
  /** NewReno partial ACK: retransmit the first unacknowledged segment; resetTimer on the first */
  | { kind: 'partialAck'; resetTimer: boolean };

export class NewReno {
  cwnd: number;
  ssthresh = 0x7fffffff;
  dupAcks = 0;
  inRecovery = false;
  /** RFC 6582 "recover": highest sequence number sent when recovery (or a timeout) began */
  recover: number;
  private partialSeen = false;
  /** counters for tests and statistics */
  fastRetransmits = 0;
  timeouts = 0;

  constructor(private readonly smss: number, iss: number) {
    // RFC 5681 (3): IW = min(4*SMSS, max(2*SMSS, 4380))
    this.cwnd = Math.min(4 * smss, Math.max(2 * smss, 4380));
    this.recover = iss;
  }

  /** An ACK that advanced SND.UNA by `acked` bytes to `ack`; `flight` is what is still unacknowledged. */
  onNewAck(ack: number, acked: number, flight: number): AckAction {
    this.dupAcks = 0;
    if (this.inRecovery) {
      if (seqGt(ack, this.recover)) {
        // full acknowledgment (RFC 6582 §3.2 step 3)
        this.cwnd = Math.min(this.ssthresh, Math.max(flight, this.smss) + this.smss);
        this.inRecovery = false;
        return { kind: 'none' };
      }
      // partial acknowledgment (step 4): deflate by the amount acked, add back one SMSS
      this.cwnd = Math.max(this.cwnd - acked + (acked >= this.smss ? this.smss : 0), this.smss);
      const resetTimer = !this.partialSeen;
      this.partialSeen = true;
      return { kind: 'partialAck', resetTimer };
    }
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(acked, this.smss);
    else this.cwnd += Math.max(1, Math.floor((this.smss * this.smss) / this.cwnd));
    return { kind: 'none' };
  }

  /**
   * A duplicate ACK (RFC 5681 definition). `ack` is its acknowledgment number, `flight`
   * the bytes outstanding, `highestSent` the highest sequence number sent so far.
   */
  onDupAck(ack: number, flight: number, highestSent: number): AckAction {
    this.dupAcks++;
    if (this.inRecovery) {
      this.cwnd += this.smss; // step 5: inflate
      return { kind: 'none' };
    }
    if (this.dupAcks !== DUPACK_THRESHOLD) return { kind: 'none' };
    // RFC 6582 §3.2 step 2: only if the ACK covers more than "recover"; otherwise no new recovery
    if (!seqGt(ack, this.recover)) return { kind: 'none' };
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.smss);
    this.recover = (highestSent - 1) >>> 0;
    this.cwnd = this.ssthresh + DUPACK_THRESHOLD * this.smss;
    this.inRecovery = true;
    this.partialSeen = false;
    this.fastRetransmits++;
    return { kind: 'fastRetransmit' };
  }

  /** The retransmission timer expired (RFC 5681 (4), RFC 6582 §4). */
  onTimeout(flight: number, highestSent: number, firstTimeout: boolean): void {
    if (firstTimeout) this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.smss);
    this.cwnd = this.smss;
    this.dupAcks = 0;
    this.inRecovery = false;
    this.recover = (highestSent - 1) >>> 0;
    this.timeouts++;
  }
}
