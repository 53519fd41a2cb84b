/**
 * Requests and responses over a lossy byte stream (a serial line to a board's bridge): the host
 * numbers each request (LinkHeader.seq), sends it framed (link-frame.ts) and waits for the
 * response carrying the same number with the response flag; a request unanswered within the
 * timeout is sent again, with the same number, up to `retries` times, then fails with a
 * DeviceError (TIMEOUT). A CRC failure or a lost byte costs a packet, and the timeout recovers
 * it. The far side must answer a repeated number with the response it gave (not act twice: an
 * MMIO write to a doorbell must not ring it again); a response to a number no longer waited
 * for (the answer to a copy) is dropped. Messages the far side starts (IRQ, its DMA requests)
 * go to `onMessage`, and the host answers them with `respond`. When the line goes away, every
 * outstanding request fails with a DeviceError (CLOSED) at once: nothing hangs.
 */
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { LinkHeader } from '../../../protocol/generated/contract.js';
import { LinkFrameDecoder, LinkFrameEncoder, type LinkMessage } from './link-frame.js';

/** LinkHeader.flags bit 0: a response */
export const LINK_FLAG_RESPONSE = 0x1;

/** A byte stream both ways (a serial port, a pseudo-terminal, a socket). */
export interface ByteLine {
  write(bytes: Uint8Array): void;
  /** bytes as they arrive, in any pieces */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** the line went away (the port closed, the device was unplugged) */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

export interface LinkTransportOptions {
  /** how long a request waits for its response before it is sent again (ms) */
  timeoutMs: number;
  /** sends after the first before the request fails */
  retries: number;
  /** what the line is called in errors (its path) */
  name?: string;
}

export interface LinkTransportStats {
  requests: number;
  responses: number;
  /** requests sent again after a timeout */
  retries: number;
  /** requests that failed after every retry */
  timeouts: number;
  /** responses to numbers not waited for (answers to copies) */
  staleResponses: number;
  bytesOut: number;
  bytesIn: number;
}

interface Pending {
  readonly header: Omit<LinkHeader, 'length'>;
  readonly payload: Uint8Array | undefined;
  readonly retries: number;
  readonly resolve: (m: LinkMessage) => void;
  readonly reject: (e: DeviceError) => void;
  sends: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class LinkTransport {
  readonly stats: LinkTransportStats = { requests: 0, responses: 0, retries: 0, timeouts: 0, staleResponses: 0, bytesOut: 0, bytesIn: 0 };
  private readonly encoder = new LinkFrameEncoder();
  private readonly decoder: LinkFrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private closedBecause: string | undefined;
  private listener: ((m: LinkMessage) => void) | undefined;

  constructor(private readonly line: ByteLine, private readonly options: LinkTransportOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`link transport: timeoutMs ${options.timeoutMs} must be positive`);
    if (!Number.isInteger(options.retries) || options.retries < 0) throw new RangeError(`link transport: retries ${options.retries} must be a non-negative integer`);
    this.decoder = new LinkFrameDecoder((m) => this.received(m));
    line.onData((b) => {
      this.stats.bytesIn += b.length;
      this.decoder.push(b);
    });
    line.onClose((reason) => this.fail(reason));
  }

  /** CRC failures and other dropped packets, as the framing counted them */
  get frameCounters(): LinkFrameDecoder['counters'] {
    return this.decoder.counters;
  }

  /** Messages the far side starts (not responses). */
  onMessage(listener: (m: LinkMessage) => void): void {
    this.listener = listener;
  }

  /**
   * Sends a request and resolves with its response. `retries` overrides the transport's for a
   * request the far side may take long to answer (a TIME_ADVANCE: the copies sent meanwhile are
   * ignored by a far side still serving it).
   */
  request(type: number, payload?: Uint8Array, time = 0n, retries = this.options.retries): Promise<LinkMessage> {
    if (this.closedBecause !== undefined) return Promise.reject(this.closedError(type));
    if (this.pending.size >= 0x8000) return Promise.reject(new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.name}: ${this.pending.size} requests outstanding, no sequence number free`));
    let seq = this.nextSeq;
    while (this.pending.has(seq) || seq === 0) seq = (seq + 1) & 0xffff;
    this.nextSeq = (seq + 1) & 0xffff;
    this.stats.requests++;
    return new Promise<LinkMessage>((resolve, reject) => {
      const p: Pending = { header: { type, flags: 0, seq, time }, payload, retries, resolve, reject, sends: 0, timer: undefined };
      this.pending.set(seq, p);
      this.send(p);
    });
  }

  /** Answers a message the far side started. */
  respond(to: LinkMessage, type: number, payload?: Uint8Array, time = to.header.time): void {
    if (this.closedBecause !== undefined) return;
    this.write(this.encoder.encode({ type, flags: LINK_FLAG_RESPONSE, seq: to.header.seq, time }, payload));
  }

  /** Closes the line; outstanding requests fail. */
  close(): void {
    if (this.closedBecause !== undefined) return;
    this.fail('closed by the host');
    this.line.close();
  }

  private get name(): string {
    return this.options.name ?? 'serial link';
  }

  private closedError(type: number): DeviceError {
    return new DeviceError(DeviceErrorCode.CLOSED, `${this.name}: the line is gone (${this.closedBecause}); request type ${type} not sent`);
  }

  private send(p: Pending): void {
    p.sends++;
    this.write(this.encoder.encode(p.header, p.payload));
    p.timer = setTimeout(() => this.expired(p), this.options.timeoutMs);
  }

  private write(bytes: Uint8Array): void {
    this.stats.bytesOut += bytes.length;
    this.line.write(bytes);
  }

  private expired(p: Pending): void {
    if (this.pending.get(p.header.seq) !== p) return;
    if (p.sends <= p.retries) {
      this.stats.retries++;
      this.send(p);
      return;
    }
    this.pending.delete(p.header.seq);
    this.stats.timeouts++;
    p.reject(new DeviceError(DeviceErrorCode.TIMEOUT,
      `${this.name}: no response to request type ${p.header.type} (seq ${p.header.seq}) after ${p.sends} sends ${this.options.timeoutMs} ms apart`));
  }

  private received(m: LinkMessage): void {
    if ((m.header.flags & LINK_FLAG_RESPONSE) === 0) {
      this.listener?.(m);
      return;
    }
    const p = this.pending.get(m.header.seq);
    if (!p) {
      this.stats.staleResponses++;
      return;
    }
    this.pending.delete(m.header.seq);
    if (p.timer) clearTimeout(p.timer);
    this.stats.responses++;
    p.resolve(m);
  }

  private fail(reason: string): void {
    if (this.closedBecause !== undefined) return;
    this.closedBecause = reason;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new DeviceError(DeviceErrorCode.CLOSED, `${this.name}: the line went away (${reason}) with request type ${p.header.type} (seq ${p.header.seq}) outstanding`));
    }
  }
}
