/** The RFC 9293 connection states and the transitions the state machine may take. */
export const TcpState = Object.freeze({
  CLOSED: 'CLOSED',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN-SENT',
  SYN_RECEIVED: 'SYN-RECEIVED',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT_1: 'FIN-WAIT-1',
  FIN_WAIT_2: 'FIN-WAIT-2',
  CLOSE_WAIT: 'CLOSE-WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST-ACK',
  TIME_WAIT: 'TIME-WAIT',
} as const);
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

const S = TcpState;

/** RFC 9293 Figure 5, plus the transitions to CLOSED on reset, abort or time-out. */
const NEXT: Readonly<Record<TcpState, readonly TcpState[]>> = Object.freeze({
  [S.CLOSED]: [S.SYN_SENT, S.SYN_RECEIVED, S.LISTEN],
  [S.LISTEN]: [S.SYN_RECEIVED, S.CLOSED],
  [S.SYN_SENT]: [S.SYN_RECEIVED, S.ESTABLISHED, S.CLOSED],
  [S.SYN_RECEIVED]: [S.ESTABLISHED, S.CLOSE_WAIT, S.FIN_WAIT_1, S.CLOSED],
  [S.ESTABLISHED]: [S.FIN_WAIT_1, S.CLOSE_WAIT, S.CLOSED],
  [S.FIN_WAIT_1]: [S.FIN_WAIT_2, S.CLOSING, S.TIME_WAIT, S.CLOSED],
  [S.FIN_WAIT_2]: [S.TIME_WAIT, S.CLOSED],
  [S.CLOSE_WAIT]: [S.LAST_ACK, S.CLOSED],
  [S.CLOSING]: [S.TIME_WAIT, S.CLOSED],
  [S.LAST_ACK]: [S.CLOSED],
  [S.TIME_WAIT]: [S.CLOSED],
});

export function canTransition(from: TcpState, to: TcpState): boolean {
  return NEXT[from].includes(to);
}

/** States in which both sequence spaces are synchronized. */
export function isSynchronized(s: TcpState): boolean {
  return s !== S.CLOSED && s !== S.LISTEN && s !== S.SYN_SENT;
}

/** States in which we may still send data or our FIN. */
export function canSendData(s: TcpState): boolean {
  return s === S.ESTABLISHED || s === S.CLOSE_WAIT || s === S.FIN_WAIT_1 || s === S.CLOSING || s === S.LAST_ACK;
}

/** States in which received data is still delivered. */
export function canReceiveData(s: TcpState): boolean {
  return s === S.ESTABLISHED || s === S.FIN_WAIT_1 || s === S.FIN_WAIT_2 || s === S.SYN_RECEIVED;
}
