/**
 * The retransmission timeout (RFC 6298): SRTT/RTTVAR smoothing, a lower and upper bound,
 * exponential back-off. Karn's rule lives with the caller (SendSide): samples are taken only
 * from segments never retransmitted, and a backed-off RTO stays until a fresh sample arrives.
 */
export interface RtoConfig {
  /** initial RTO, ms (RFC 6298: 1 s) */
  initialRto: number;
  /** lower bound, ms (RFC 6298 (2.4): 1 s) */
  minRto: number;
  /** upper bound, ms (RFC 6298 (2.5): at least 60 s) */
  maxRto: number;
  /** clock granularity G, ms */
  granularity: number;
}

export const DEFAULT_RTO: RtoConfig = Object.freeze({ initialRto: 1000, minRto: 1000, maxRto: 60_000, granularity: 1 });

const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;

export class RtoEstimator {
  private srttMs: number | undefined;
  private rttvarMs = 0;
  private rtoMs: number;
  /** times the current RTO was doubled since the last sample */
  backoffs = 0;

  constructor(private readonly config: RtoConfig = DEFAULT_RTO) {
    this.rtoMs = config.initialRto;
  }

  /**
   * Takes over an estimate from elsewhere (an upload): SRTT and RTTVAR in ms, the back-offs
   * already applied; the RTO follows RFC 6298 (2.3) from them, then is doubled per back-off.
   */
  restore(srttMs: number | undefined, rttvarMs: number, backoffs: number): void {
    const c = this.config;
    let rto = srttMs === undefined ? c.initialRto : Math.min(Math.max(srttMs + Math.max(c.granularity, 4 * rttvarMs), c.minRto), c.maxRto);
    for (let i = 0; i < backoffs; i++) rto = Math.min(rto * 2, c.maxRto);
    this.srttMs = srttMs;
    this.rttvarMs = srttMs === undefined ? 0 : rttvarMs;
    this.rtoMs = rto;
    this.backoffs = backoffs;
  }

  get rto(): number {
    return this.rtoMs;
  }

  get srtt(): number | undefined {
    return this.srttMs;
  }

  get rttvar(): number {
    return this.rttvarMs;
  }

  /** A round-trip sample R (ms) from a segment never retransmitted. */
  sample(r: number): void {
    if (this.srttMs === undefined) {
      this.srttMs = r;
      this.rttvarMs = r / 2;
    } else {
      this.rttvarMs = (1 - BETA) * this.rttvarMs + BETA * Math.abs(this.srttMs - r);
      this.srttMs = (1 - ALPHA) * this.srttMs + ALPHA * r;
    }
    this.backoffs = 0;
    this.rtoMs = this.clamp(this.srttMs + Math.max(this.config.granularity, K * this.rttvarMs));
  }

  /** The timer expired: RTO = RTO * 2 (RFC 6298 (5.5)), bounded by maxRto. */
  backOff(): void {
    this.backoffs++;
    this.rtoMs = Math.min(this.rtoMs * 2, this.config.maxRto);
  }

  private clamp(v: number): number {
    return Math.min(Math.max(v, this.config.minRto), this.config.maxRto);
  }
}
