/**
 * Errors of the software TCP/IP stack. Exceptions mean a caller broke a contract (bad
 * argument, wrong state); each carries a stable `code` so callers branch on codes, not on
 * messages. Bad input from the wire never throws: it is dropped or answered and counted.
 */
export const StackErrorCode = Object.freeze({
  /** an argument is outside what the stack accepts */
  BAD_ARGUMENT: 'FLUE_TCP_BAD_ARGUMENT',
  /** the socket's state does not allow the call (send after close, accept on a closed listener) */
  BAD_STATE: 'FLUE_TCP_BAD_STATE',
  /** the local address/port pair is already in use */
  ADDRESS_IN_USE: 'FLUE_TCP_ADDRESS_IN_USE',
  /** the peer refused the connection (RST in SYN-SENT) */
  REFUSED: 'FLUE_TCP_REFUSED',
  /** the peer reset an established connection */
  RESET: 'FLUE_TCP_RESET',
  /** retransmissions (or ARP resolution) gave up */
  TIMEOUT: 'FLUE_TCP_TIMEOUT',
  /** the local user aborted the connection */
  ABORTED: 'FLUE_TCP_ABORTED',
  /** the offload target could not hand an offloaded connection back: its state is lost */
  OFFLOAD_LOST: 'FLUE_TCP_OFFLOAD_LOST',
  /**
   * the offload target reported a hardware failure on the connection (received data it
   * acknowledged did not reach host memory): the connection was reset
   */
  OFFLOAD_FAILED: 'FLUE_TCP_OFFLOAD_FAILED',
  /** no ephemeral port is free */
  NO_PORTS: 'FLUE_TCP_NO_PORTS',
} as const);
export type StackErrorCode = (typeof StackErrorCode)[keyof typeof StackErrorCode];

export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    readonly code: StackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
