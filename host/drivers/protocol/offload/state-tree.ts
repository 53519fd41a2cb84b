/**
 * The neighbor → path → TCP offload state tree of one live connection of the software stack
 * (DIGEST.md §3.2, §3.3, §5.1): const, cached and delegated structures with the values the
 * pages define, buffered receive data (R17) and outstanding send data (SndUna = first byte).
 */
import type { HostMemory } from '../../../device/memory.js';
import { allocateNbl, chainNbls, type NetBufferList } from '../../../ndis/nbl.js';
import {
  OffloadBlockList, OffloadStateType, TIMER_NOT_RUNNING, TcpCachedFlags, TcpConstFlags, emptyTcpDelegated,
  type NdisOffloadHandle, type TcpDelegatedState,
} from '../../../ndis/offload.js';
import type { OneShot } from '../timer.js';
import type { Stack } from '../stack.js';
import type { TcpConnection } from '../tcp-connection.js';
import { TcpState } from '../tcp-state.js';

export { TcpOffloadConnectionState } from '../../../ndis/offload.js';

const TO_OFFLOAD: Readonly<Record<TcpState, number>> = Object.freeze({
  [TcpState.CLOSED]: 0, [TcpState.LISTEN]: 1, [TcpState.SYN_SENT]: 2, [TcpState.SYN_RECEIVED]: 3, [TcpState.ESTABLISHED]: 4,
  [TcpState.FIN_WAIT_1]: 5, [TcpState.FIN_WAIT_2]: 6, [TcpState.CLOSE_WAIT]: 7, [TcpState.CLOSING]: 8, [TcpState.LAST_ACK]: 9,
  [TcpState.TIME_WAIT]: 10,
});

export function toOffloadState(s: TcpState): number {
  return TO_OFFLOAD[s];
}

export function fromOffloadState(v: number): TcpState | undefined {
  return (Object.keys(TO_OFFLOAD) as TcpState[]).find((s) => TO_OFFLOAD[s] === v);
}

/** R21: the states in which the host offloads a connection. */
export const OFFLOADABLE_STATES: readonly TcpState[] = Object.freeze([
  TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK,
]);

export const OffloadErrorCode = Object.freeze({
  NOT_OFFLOADABLE: 'FLUE_OFFLOAD_NOT_OFFLOADABLE',
  BAD_UPLOAD_STATE: 'FLUE_OFFLOAD_BAD_UPLOAD_STATE',
  NO_NEIGHBOR: 'FLUE_OFFLOAD_NO_NEIGHBOR',
} as const);

export class OffloadError extends Error {
  override readonly name = 'OffloadError';
  constructor(readonly code: (typeof OffloadErrorCode)[keyof typeof OffloadErrorCode], message: string) {
    super(message);
  }
}

/** Host defaults (Windows: keep-alive after 2 h, 1 s between probes, 10 probes; TTL 64). */
export interface OffloadDefaults {
  /** TicksPerSecond the target reported (default 1000: one tick per ms) */
  ticksPerSecond: number;
  kaProbeCount: number;
  kaTimeoutMs: number;
  kaIntervalMs: number;
  ttl: number;
  pathMtu: number;
  /**
   * the handed-over send data (§5.1) is chained in NBLs of at most this many bytes: the card
   * takes one request per NBL, and the forwards after the offload wait behind them
   */
  sendNblBytes: number;
}

export const DEFAULT_OFFLOAD: OffloadDefaults = Object.freeze({
  ticksPerSecond: 1000, kaProbeCount: 10, kaTimeoutMs: 7_200_000, kaIntervalMs: 1000, ttl: 64, pathMtu: 1500, sendNblBytes: 64 * 1024,
});

/** The host's NDIS_OFFLOAD_HANDLEs (in its TCB) for the three objects. */
export interface OffloadHandles {
  neighbor: NdisOffloadHandle;
  path: NdisOffloadHandle;
  tcp: NdisOffloadHandle;
}

export interface ConnectionTree {
  root: OffloadBlockList;
  path: OffloadBlockList;
  tcp: OffloadBlockList;
  delegated: TcpDelegatedState;
}

export const msToTicks = (ms: number, tps: number): number => Math.round((ms * tps) / 1000);
export const ticksToMs = (ticks: number, tps: number): number => (ticks * 1000) / tps;

function ipBytes(ip: number): Uint8Array {
  return Uint8Array.of(ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff);
}

/** A 32-byte DlXxxAddress with `mac` in front (zero: "use the interface MAC"). */
function dlAddress(mac?: Uint8Array): Uint8Array {
  const a = new Uint8Array(32);
  if (mac) a.set(mac.subarray(0, 6));
  return a;
}

/** R78: ticks to a timer's expiry, TIMER_NOT_RUNNING (-1) when it is stopped. */
function timeoutDelta(t: OneShot, now: number, tps: number): number {
  const at = t.at;
  return at === undefined ? TIMER_NOT_RUNNING : Math.max(0, msToTicks(at - now, tps));
}

/**
 * The delegated TCP state of `conn` now (without data). R79: SRtt x8 and RttVar x4, in ticks.
 * The retransmit slot carries the persist timer while the peer's window is closed.
 */
export function delegatedOf(conn: TcpConnection, tps: number = DEFAULT_OFFLOAD.ticksPerSecond): TcpDelegatedState {
  const { snd, rcv } = conn;
  const now = conn.host.clock.now();
  const d = emptyTcpDelegated();
  d.state = toOffloadState(conn.state);
  d.rcvNxt = rcv.nxt;
  d.rcvWnd = rcv.window;
  d.sndUna = snd.una;
  d.sndNxt = snd.nxt;
  d.sndMax = snd.max;
  d.sndWnd = snd.wnd;
  d.maxSndWnd = snd.maxWnd;
  d.sendWl1 = snd.wl1;
  d.cWnd = snd.cc.cwnd;
  d.ssThresh = snd.cc.ssthresh;
  const srtt = snd.rto.srtt;
  d.sRtt = srtt === undefined ? 0 : Math.min(0xffff, Math.max(1, Math.round(((srtt * tps) / 1000) * 8)));
  d.rttVar = srtt === undefined ? 0 : Math.min(0xffff, Math.round(((snd.rto.rttvar * tps) / 1000) * 4));
  d.totalRt = 0;
  d.dupAckCount = snd.cc.dupAcks;
  d.retransmit.count = snd.retries;
  d.retransmit.timeoutDelta = conn.rtxTimer.running ? timeoutDelta(conn.rtxTimer, now, tps) : timeoutDelta(conn.persistTimer, now, tps);
  d.keepAlive = { probeCount: 0, timeoutDelta: TIMER_NOT_RUNNING }; // the stack has no keep-alive
  return d;
}

/**
 * Copies `data` into one host-memory NBL per `chunk` bytes, chained. Each NBL's
 * ProtocolReserved holds its DmaBuffer until its owner takes it (to free it later).
 */
export function nblsOf(memory: HostMemory, data: Uint8Array, chunk: number): NetBufferList[] {
  const out: NetBufferList[] = [];
  for (let off = 0; off < data.length; off += chunk) {
    const part = data.subarray(off, Math.min(data.length, off + chunk));
    const { nbl, buffer } = allocateNbl(memory, part.length, { data: part });
    nbl.protocolReserved = buffer;
    out.push(nbl);
  }
  chainNbls(out);
  return out;
}

/**
 * Builds the initiate tree for one connection of `stack`: a new neighbor, path and TCP
 * object each. Throws OffloadError (and builds nothing) outside the R21 states or when the
 * next hop is not resolved. Does not change the connection (see `suspendForOffload`).
 */
export function buildOffloadTree(stack: Stack, conn: TcpConnection, handles: OffloadHandles, memory: HostMemory, options: Partial<OffloadDefaults> = {}): ConnectionTree {
  const o = { ...DEFAULT_OFFLOAD, ...options };
  if (!OFFLOADABLE_STATES.includes(conn.state)) throw new OffloadError(OffloadErrorCode.NOT_OFFLOADABLE, `R21: a connection in ${conn.state} is not offloaded`);
  const nextHop = stack.neighborMac(conn.id.remoteIp);
  if (!nextHop) throw new OffloadError(OffloadErrorCode.NO_NEIGHBOR, 'the next hop has no ARP entry');
  const tps = o.ticksPerSecond;
  const neighbor = new OffloadBlockList(OffloadStateType.NEIGHBOR, handles.neighbor, {
    const: { dlSourceAddress: dlAddress(), vlanId: 0 },
    cached: { dlDestinationAddress: dlAddress(nextHop), hostReachabilityDelta: 0 },
    delegated: { nicReachabilityDelta: 0 },
  });
  const path = new OffloadBlockList(OffloadStateType.IP4, handles.path, {
    const: { sourceAddress: ipBytes(conn.id.localIp), destinationAddress: ipBytes(conn.id.remoteIp) },
    cached: { pathMtu: o.pathMtu },
    delegated: {},
  });
  const { snd, rcv, config } = conn;
  const d = delegatedOf(conn, tps);
  const tcp = new OffloadBlockList(OffloadStateType.TCP, handles.tcp, {
    const: {
      flags: conn.out.windowScaleAgreed ? TcpConstFlags.WINDOW_SCALING_ENABLED : 0,
      remotePort: conn.id.remotePort, localPort: conn.id.localPort,
      sndWindScale: snd.scale, rcvWindScale: rcv.scale, remoteMss: conn.peerMss, hashValue: 0,
    },
    cached: {
      flags: config.nagle ? TcpCachedFlags.NAGLING_ENABLED : 0, initialRcvWnd: config.receiveBuffer, rcvIndicationSize: 0,
      kaProbeCount: o.kaProbeCount, kaTimeout: msToTicks(o.kaTimeoutMs, tps), kaInterval: msToTicks(o.kaIntervalMs, tps),
      maxRt: 0, flowLabel: 0, ttlOrHopLimit: o.ttl, tosOrTrafficClass: 0, userPriority: 0,
    },
    delegated: d,
  });
  // R17/R18: received, acknowledged, undelivered bytes (the newest, just below RcvNxt)
  const readable = rcv.readable.peek(0, rcv.readable.length);
  d.bufferedData = readable.length > 0 ? nblsOf(memory, readable, 0xffff)[0]! : null;
  // §5.1: unacknowledged and unsent data from SndUna on
  const first = snd.bufferSeq === snd.una ? 0 : -1; // -1: SndUna is past our FIN (no data left)
  const data = first === 0 ? snd.buffer.peek(0, snd.buffer.length) : new Uint8Array(0);
  const sends = nblsOf(memory, data, o.sendNblBytes);
  tcp.netBufferListChain = sends[0] ?? null;
  d.sendDataHead = sends[0] ?? null;
  d.sendDataTail = sends[sends.length - 1] ?? null;
  neighbor.dependentBlockList = path;
  path.dependentBlockList = tcp;
  return { root: neighbor, path, tcp, delegated: d };
}

/**
 * Before the tree is built (R81, §5.1 host preparation): a pending ACK goes out now and the
 * delayed-ACK timer is not handed over.
 */
export function prepareForOffload(stack: Stack, conn: TcpConnection): void {
  stack.operate(() => {
    if (conn.delackTimer.running || conn.rcv.unackedSegments > 0 || conn.out.ackNow) conn.out.sendAck();
    conn.delackTimer.stop();
  });
}

/**
 * Once the tree is built the target owns the connection: retransmit and persist timers stop
 * (their deltas are in the tree) and the undelivered bytes belong to the target (R17).
 */
export function suspendForOffload(conn: TcpConnection): void {
  conn.delackTimer.stop();
  conn.rtxTimer.stop();
  conn.persistTimer.stop();
  conn.rcv.readable.drop(conn.rcv.readable.length);
}
