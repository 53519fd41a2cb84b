/**
 * The plain (non-offload) data path: frames sent from a pool of DMA buffers, and a pool of
 * receive buffers kept posted to the device. Every frame is copied in and out of DMA memory
 * once, as an NDIS miniport does with its own shared-memory buffers.
 */
import { CplStatus, ETH_MAX_FRAME, ETH_MIN_FRAME, Opcode, RX_BUFFER_MIN } from '../../../protocol/generated/contract.js';
import type { DmaBuffer } from '../../device/memory.js';
import type { CompletionFields } from './hw.js';
import type { MiniportAdapter } from './adapter.js';

export interface PlainDatapathOptions {
  /** transmit buffers (frames in flight to the device), default 64 */
  txBuffers?: number;
  /** receive buffers kept posted, default 64 */
  rxBuffers?: number;
}

export type SendCallback = (status: number) => void;
export type ReceiveHandler = (frame: Uint8Array, cycle: number) => void;

export interface DatapathCounters {
  txFrames: number;
  txBytes: number;
  txErrors: number;
  rxFrames: number;
  rxBytes: number;
  rxErrors: number;
  /** last non-OK status seen on each side */
  lastTxError: number;
  lastRxError: number;
}

/** Buffer size: the longest frame, rounded up to a cache-friendly 2 KiB. */
const BUFFER_BYTES = 2048;

export class PlainDatapath {
  private txPool: DmaBuffer[] = [];
  private rxPool: DmaBuffer[] = [];
  private readonly txFree: number[] = [];
  private readonly txCallbacks: (SendCallback | undefined)[] = [];
  private readonly txWaiting: { frame: Uint8Array; done: SendCallback | undefined }[] = [];
  private readonly rxUnposted: number[] = [];
  private receiveHandler: ReceiveHandler | undefined;
  readonly counters: DatapathCounters = {
    txFrames: 0, txBytes: 0, txErrors: 0, rxFrames: 0, rxBytes: 0, rxErrors: 0, lastTxError: 0, lastRxError: 0,
  };
  private readonly txCount: number;
  private readonly rxCount: number;

  constructor(private readonly adapter: MiniportAdapter, options: PlainDatapathOptions) {
    this.txCount = options.txBuffers ?? 64;
    this.rxCount = options.rxBuffers ?? 64;
    for (const [name, n] of [['txBuffers', this.txCount], ['rxBuffers', this.rxCount]] as const) {
      if (!Number.isInteger(n) || n < 1 || n > 65536) throw new RangeError(`${name} ${n} must be an integer from 1 to 65536`);
    }
    if (BUFFER_BYTES < RX_BUFFER_MIN) throw new Error('receive buffers smaller than the contract requires');
  }

  /** Sets where received frames go (the protocol driver, a test, the demo). */
  onReceive(handler: ReceiveHandler): void {
    this.receiveHandler = handler;
  }

  /** frames waiting for a transmit buffer */
  get sendBacklog(): number {
    return this.txWaiting.length;
  }

  /** frames handed to the device and not completed */
  get sendsInFlight(): number {
    return this.txCount - this.txFree.length;
  }

  /** @internal allocates the pools once */
  allocate(): void {
    if (this.txPool.length > 0) return;
    for (let i = 0; i < this.txCount; i++) {
      this.txPool.push(this.adapter.allocMapped(BUFFER_BYTES, 64));
      this.txFree.push(i);
      this.txCallbacks.push(undefined);
    }
    for (let i = 0; i < this.rxCount; i++) {
      this.rxPool.push(this.adapter.allocMapped(BUFFER_BYTES, 64));
      this.rxUnposted.push(i);
    }
  }

  /** @internal frees the pools (halt) */
  free(): void {
    for (const b of [...this.txPool, ...this.rxPool]) this.adapter.freeMapped(b);
    this.txPool = [];
    this.rxPool = [];
    this.txFree.length = 0;
    this.rxUnposted.length = 0;
  }

  /** @internal after initialize or reset: post every receive buffer, resume waiting sends */
  start(): void {
    this.refill();
    this.drainWaiting();
  }

  /**
   * Sends one frame (14 to 1518 bytes, FCS excluded). The frame is copied at once; the
   * callback gets the completion status. Call flush() to ring the doorbell for a batch.
   */
  sendFrame(frame: Uint8Array, done?: SendCallback): void {
    if (frame.length < ETH_MIN_FRAME || frame.length > ETH_MAX_FRAME)
      throw new RangeError(`frame of ${frame.length} bytes: a plain frame is ${ETH_MIN_FRAME} to ${ETH_MAX_FRAME} bytes without FCS`);
    if (!this.adapter.running) {
      // as netvmini does: a send the adapter cannot take completes at once, failed
      this.counters.txErrors++;
      this.counters.lastTxError = CplStatus.ABORTED;
      done?.(CplStatus.ABORTED);
      return;
    }
    if (this.txFree.length === 0 || this.txWaiting.length > 0) {
      this.txWaiting.push({ frame: frame.slice(), done });
      return;
    }
    this.postSend(frame, done);
  }

  /** Rings the request doorbell for everything queued since the last flush. */
  flush(): Promise<void> {
    return this.adapter.flushDoorbells();
  }

  private postSend(frame: Uint8Array, done: SendCallback | undefined): void {
    const token = this.txFree.pop()!;
    const buf = this.txPool[token]!;
    buf.bytes.set(frame);
    this.txCallbacks[token] = done;
    this.adapter.postInternal(
      { opcode: Opcode.L2_SEND, flags: 0, addr: buf.addr, length: frame.length, conn: 0, param: 0 },
      { kind: 'plain-send', token },
    );
  }

  private drainWaiting(): void {
    if (!this.adapter.running) return;
    while (this.txWaiting.length > 0 && this.txFree.length > 0) {
      const w = this.txWaiting.shift()!;
      this.postSend(w.frame, w.done);
    }
  }

  /** @internal the DPC completed a send */
  sendCompleted(token: number, c: CompletionFields): void {
    const done = this.txCallbacks[token];
    this.txCallbacks[token] = undefined;
    this.txFree.push(token);
    if (c.status === CplStatus.OK) {
      this.counters.txFrames++;
      this.counters.txBytes += c.length;
    } else {
      this.counters.txErrors++;
      this.counters.lastTxError = c.status;
    }
    done?.(c.status);
    this.drainWaiting();
  }

  /** @internal the DPC completed a receive buffer */
  receiveCompleted(token: number, c: CompletionFields): void {
    this.rxUnposted.push(token);
    if (c.status !== CplStatus.OK) {
      if (c.status !== CplStatus.ABORTED) {
        this.counters.rxErrors++;
        this.counters.lastRxError = c.status;
      }
      return;
    }
    const buf = this.rxPool[token]!;
    if (c.length > buf.length) {
      this.counters.rxErrors++;
      this.counters.lastRxError = CplStatus.BAD_LENGTH;
      return;
    }
    this.counters.rxFrames++;
    this.counters.rxBytes += c.length;
    this.receiveHandler?.(buf.bytes.slice(0, c.length), c.timestamp);
  }

  /** @internal posts every receive buffer not on the device */
  refill(): void {
    if (!this.adapter.running) return;
    while (this.rxUnposted.length > 0) {
      const token = this.rxUnposted.pop()!;
      const buf = this.rxPool[token]!;
      this.adapter.postInternal(
        { opcode: Opcode.L2_RECV_POST, flags: 0, addr: buf.addr, length: buf.length, conn: 0, param: 0 },
        { kind: 'plain-recv', token },
      );
    }
  }
}
