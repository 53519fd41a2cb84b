/**
 * Glue between the stack and the miniport's plain L2 path (host/drivers/miniport/datapath.ts).
 * Typed structurally against the datapath's public methods, so this folder imports nothing
 * from the miniport. Frames sent in one stack operation are batched into one doorbell: the
 * flush is queued as a microtask (no wall-clock wait).
 */
import type { Link } from './stack.js';

/** The public face of PlainDatapath this glue uses. */
export interface PlainFramePath {
  sendFrame(frame: Uint8Array, done?: (status: number) => void): void;
  flush(): Promise<void>;
  onReceive(handler: (frame: Uint8Array, cycle: number) => void): void;
}

/** Something that takes received frames (a Stack). */
export interface FrameSink {
  receiveFrame(frame: Uint8Array): void;
}

export interface L2LinkCounters {
  sent: number;
  /** sends that completed with a non-zero status */
  sendErrors: number;
  /** doorbell flushes that rejected */
  flushErrors: number;
  received: number;
}

export class L2Link implements Link {
  readonly counters: L2LinkCounters = { sent: 0, sendErrors: 0, flushErrors: 0, received: 0 };
  private flushQueued = false;

  constructor(private readonly path: PlainFramePath, readonly mac: Uint8Array) {}

  /** Delivers every received frame to `sink` (call once, with the stack). */
  attach(sink: FrameSink): void {
    this.path.onReceive((frame) => {
      this.counters.received++;
      sink.receiveFrame(frame);
    });
  }

  /** the datapath completes every send, failed ones too */
  readonly reportsLeft = true;

  send(frame: Uint8Array, left?: () => void): void {
    this.counters.sent++;
    this.path.sendFrame(frame, (status) => {
      if (status !== 0) this.counters.sendErrors++;
      left?.();
    });
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.path.flush().catch(() => { this.counters.flushErrors++; });
    });
  }
}
