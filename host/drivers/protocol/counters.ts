/** What the stack counts. Every dropped frame or segment increments exactly one `drops` reason. */
import { DropReason } from './codec.js';

export interface StackCounters {
  rxFrames: number;
  txFrames: number;
  drops: Record<DropReason, number>;
  arpRequestsSent: number;
  arpRepliesSent: number;
  arpTimeouts: number;
  ipFragmentsReceived: number;
  ipReassembled: number;
  ipReassemblyTimeouts: number;
  tcpSegmentsIn: number;
  tcpSegmentsOut: number;
  tcpActiveOpens: number;
  tcpPassiveOpens: number;
  /** segments sent again (RTO, fast retransmit, partial ACK, SYN) */
  tcpRetransmits: number;
  tcpFastRetransmits: number;
  tcpRtoExpirations: number;
  tcpZeroWindowProbes: number;
  tcpDupAcksIn: number;
  tcpOutOfOrderIn: number;
  /** RFC 5961 challenge ACKs sent (for in-window RSTs and SYNs) */
  tcpChallengeAcks: number;
  tcpRstsSent: number;
  tcpRstsIn: number;
  /** connections torn down by an acceptable RST */
  tcpResets: number;
  tcpTimeouts: number;
}

export function newCounters(): StackCounters {
  const drops = Object.fromEntries(Object.values(DropReason).map((r) => [r, 0])) as Record<DropReason, number>;
  return {
    rxFrames: 0, txFrames: 0, drops,
    arpRequestsSent: 0, arpRepliesSent: 0, arpTimeouts: 0,
    ipFragmentsReceived: 0, ipReassembled: 0, ipReassemblyTimeouts: 0,
    tcpSegmentsIn: 0, tcpSegmentsOut: 0, tcpActiveOpens: 0, tcpPassiveOpens: 0,
    tcpRetransmits: 0, tcpFastRetransmits: 0, tcpRtoExpirations: 0, tcpZeroWindowProbes: 0,
    tcpDupAcksIn: 0, tcpOutOfOrderIn: 0, tcpChallengeAcks: 0, tcpRstsSent: 0, tcpRstsIn: 0,
    tcpResets: 0, tcpTimeouts: 0,
  };
}

export function totalDrops(c: StackCounters): number {
  return Object.values(c.drops).reduce((a, b) => a + b, 0);
}
