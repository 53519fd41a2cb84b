/**
 * The receive side of a connection: RCV.NXT, the advertised window with receiver-side silly
 * window avoidance (RFC 9293 §3.8.6.2.2), the acceptability test (§3.10.7.4), trimming,
 * out-of-order reassembly, and the bytes waiting for the application.
 */
import { ByteQueue } from './byte-queue.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';

/** out-of-order segments kept per connection at most */
const MAX_OUT_OF_ORDER = 1024;

interface Pending {
  seq: number;
  data: Uint8Array;
  fin: boolean;
}

export interface AcceptResult {
  /** RCV.NXT moved */
  advanced: boolean;
  /** the segment lies beyond RCV.NXT (a hole precedes it) */
  outOfOrder: boolean;
  /** this arrival filled (part of) a hole: out-of-order data became in order */
  filledHole: boolean;
  /** the FIN became in order now */
  finReached: boolean;
}

export class ReceiveSide {
  irs = 0;
  nxt = 0;
  /** right edge of the window last advertised (RCV.NXT + RCV.WND) */
  private adv = 0;
  /** our window shift (0 until negotiated) */
  scale = 0;
  finReceived = false;
  readonly readable = new ByteQueue();
  private pending: Pending[] = [];
  /** in-order segments received since the last ACK we sent (delayed-ACK rule) */
  unackedSegments = 0;

  constructor(readonly capacity: number, private readonly mss: number) {}

  /** Starts the sequence space at the peer's SYN. */
  init(irs: number): void {
    this.irs = irs;
    this.nxt = seqAdd(irs, 1);
    this.adv = seqAdd(this.nxt, Math.min(this.capacity, 0xffff));
  }

  /**
   * Upload hook: RCV.NXT and RCV.WND handed back by an offload target, the FIN if it came, and
   * the received-acknowledged-undelivered bytes (the newest, just below RCV.NXT). Out-of-order
   * segments are forgotten (never acknowledged, the peer sends them again).
   */
  restore(nxt: number, wnd: number, finReceived: boolean, readable: readonly Uint8Array[]): void {
    this.nxt = nxt;
    this.adv = seqAdd(nxt, wnd);
    this.finReceived = finReceived;
    this.pending = [];
    this.unackedSegments = 0;
    this.readable.drop(this.readable.length);
    for (const d of readable) this.readable.append(d.slice());
  }

  /** RCV.WND: what we last offered */
  get window(): number {
    return Math.max(0, seqDiff(this.adv, this.nxt));
  }

  get outOfOrderSegments(): number {
    return this.pending.length;
  }

  /** Copies of the out-of-order segments held, in sequence order (an offload forwards them). */
  outOfOrder(): { seq: number; data: Uint8Array; fin: boolean }[] {
    return this.pending.map((p) => ({ seq: p.seq, data: p.data.slice(), fin: p.fin }));
  }

  /** RFC 9293 §3.10.7.4 acceptability for a segment of `len` data octets (a FIN alone counts as 0). */
  acceptable(seq: number, len: number): boolean {
    const wnd = this.window;
    const end = seqAdd(this.nxt, wnd);
    if (len === 0) return wnd === 0 ? seq === this.nxt : seqGe(seq, this.nxt) && seqLt(seq, end);
    if (wnd === 0) return false;
    const last = seqAdd(seq, len - 1);
    return (seqGe(seq, this.nxt) && seqLt(seq, end)) || (seqGe(last, this.nxt) && seqLt(last, end));
  }

  /** Trims the segment to the window and stores it. Call only for acceptable segments. */
  accept(seq: number, data: Uint8Array, fin: boolean): AcceptResult {
    const result: AcceptResult = { advanced: false, outOfOrder: false, filledHole: false, finReached: false };
    if (this.finReceived) return result;
    // trim on the left: bytes already received
    const old = seqDiff(this.nxt, seq);
    if (old > 0) {
      if (old > data.length) return result; // everything, FIN included, is old
      data = data.subarray(old);
      seq = this.nxt;
    }
    // trim on the right: bytes beyond the window (the FIN goes with them)
    const room = seqDiff(this.adv, seq);
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      fin = false;
    }
    if (data.length === 0 && !fin) return result;
    if (seq !== this.nxt) {
      result.outOfOrder = true;
      if (this.pending.length < MAX_OUT_OF_ORDER) this.insertPending({ seq, data, fin });
      return result;
    }
    this.deliver(data, fin, result);
    this.drainPending(result);
    return result;
  }

  private deliver(data: Uint8Array, fin: boolean, result: AcceptResult): void {
    if (data.length > 0) {
      this.readable.append(data.slice());
      this.nxt = seqAdd(this.nxt, data.length);
      result.advanced = true;
    }
    if (fin) {
      this.nxt = seqAdd(this.nxt, 1);
      this.finReceived = true;
      result.finReached = true;
      result.advanced = true;
      this.pending = [];
    }
  }

  private insertPending(p: Pending): void {
    let i = this.pending.length;
    while (i > 0 && seqGt(this.pending[i - 1]!.seq, p.seq)) i--;
    this.pending.splice(i, 0, p);
  }

  private drainPending(result: AcceptResult): void {
    while (this.pending.length > 0 && !this.finReceived) {
      const p = this.pending[0]!;
      if (seqGt(p.seq, this.nxt)) break;
      this.pending.shift();
      const old = seqDiff(this.nxt, p.seq);
      if (old > p.data.length) continue;
      result.filledHole = true;
      this.deliver(p.data.subarray(old), p.fin, result);
    }
  }

  /** Free buffer space not yet offered to the peer. */
  private unoffered(): number {
    return this.capacity - this.readable.length - this.window;
  }

  /** The SWS threshold: open the window only by at least this much. */
  private get swsStep(): number {
    return Math.min(Math.floor(this.capacity / 2), this.mss);
  }

  /**
   * The window field for an outgoing non-SYN segment; records the right edge it offers.
   * The right edge never moves left (RFC 9293 §3.8.6.2.2: no shrinking).
   */
  advertise(): number {
    const cur = this.window;
    const free = Math.max(0, this.capacity - this.readable.length);
    const win = free - cur >= this.swsStep ? free : cur;
    const unit = 2 ** this.scale;
    const field = Math.min(0xffff, Math.max(Math.floor(win / unit), Math.ceil(cur / unit)));
    const edge = seqAdd(this.nxt, field * unit);
    if (seqGt(edge, this.adv)) this.adv = edge;
    return field;
  }

  /** Whether reading opened enough space to send a window update now. */
  get windowUpdateDue(): boolean {
    return this.window <= this.capacity / 2 && this.unoffered() >= this.swsStep;
  }

  read(max: number): Uint8Array {
    return this.readable.take(max);
  }
}
