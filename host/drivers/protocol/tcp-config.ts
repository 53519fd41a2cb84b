/** Tunables of the TCP engine, with defaults. Times are in milliseconds. */
import { DEFAULT_RTO, type RtoConfig } from './rto.js';
import { MAX_WINDOW_SCALE } from './tcp-segment.js';

export interface TcpConfig {
  /** MSS we announce and the largest segment we send (1460 for a 1500-byte MTU) */
  mss: number;
  /** receive buffer per connection, bytes */
  receiveBuffer: number;
  /** send buffer per connection, bytes (send() accepts at most this much unacknowledged data) */
  sendBuffer: number;
  /** offer the window-scale option (RFC 7323) */
  windowScale: boolean;
  rto: RtoConfig;
  /** delayed-ACK timer; an ACK is also sent for every second full segment (RFC 5681 §4.2) */
  delayedAckMs: number;
  /** maximum segment lifetime; TIME-WAIT lasts 2*MSL */
  mslMs: number;
  /** retransmissions of data before the connection is dropped */
  maxRetries: number;
  /** retransmissions of a SYN or SYN-ACK before giving up */
  synRetries: number;
  /** Nagle's algorithm (off: like TCP_NODELAY) */
  nagle: boolean;
  /** largest interval between zero-window probes */
  maxPersistMs: number;
  /** pending (not yet accepted) connections per listener */
  backlog: number;
}

export const DEFAULT_TCP_CONFIG: TcpConfig = Object.freeze({
  mss: 1460,
  receiveBuffer: 256 * 1024,
  sendBuffer: 256 * 1024,
  windowScale: true,
  rto: DEFAULT_RTO,
  delayedAckMs: 40,
  mslMs: 30_000,
  maxRetries: 12,
  synRetries: 6,
  nagle: false,
  maxPersistMs: 60_000,
  backlog: 16,
});

/** The smallest shift that lets `buffer` be advertised in 16 bits. */
export function windowShiftFor(buffer: number): number {
  let s = 0;
  while (s < MAX_WINDOW_SCALE && buffer / 2 ** s > 0xffff) s++;
  return s;
}
