/**
 * Upload (terminate, DIGEST.md §5.11): a terminate tree for one connection, and the restore of
 * the software connection from what the target hands back: the delegated state (R30), the
 * original send NBLs in order from SndUna (R31) and BufferedData (received, acknowledged,
 * undelivered; returned to the target through MiniportTcpOffloadReceiveReturn, R32).
 */
import { nblArray, type NetBufferList } from '../../../ndis/nbl.js';
import { OffloadBlockList, OffloadStateType, TIMER_NOT_RUNNING, emptyTcpDelegated, type NdisOffloadHandle, type TcpDelegatedState } from '../../../ndis/offload.js';
import { seqAdd, seqDiff, seqGt } from '../seq.js';
import type { Stack } from '../stack.js';
import type { TcpConnection } from '../tcp-connection.js';
import { TcpState } from '../tcp-state.js';
import { DEFAULT_OFFLOAD, OFFLOADABLE_STATES, OffloadError, OffloadErrorCode, fromOffloadState, ticksToMs } from './state-tree.js';

/** A terminate tree for one TCP object with an empty delegated structure for the target to fill. */
export function terminateTree(tcp: NdisOffloadHandle): OffloadBlockList {
  return new OffloadBlockList(OffloadStateType.TCP, tcp, { delegated: emptyTcpDelegated() });
}

/** States the software stack takes a connection back in: R21's and TIME-WAIT's neighbours. */
const FIN_SENT_STATES: readonly TcpState[] = [TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSING, TcpState.LAST_ACK];
const FIN_ACKED_STATES: readonly TcpState[] = [TcpState.FIN_WAIT_2];
const FIN_RECEIVED_STATES: readonly TcpState[] = [TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK];

export interface UploadOptions {
  ticksPerSecond?: number;
  /** gives BufferedData NBLs back to the target (NdisOffloadTcpReceiveReturn) after the copy (R32) */
  returnBuffered?: (chain: NetBufferList) => void;
  /**
   * Send data the target did not hand back but completed with UPLOAD_IN_PROGRESS (or an IM
   * with REQUEST_UPLOAD / UPLOAD_REQUESTED): it follows the returned chain in the stream.
   */
  moreSendData?: readonly Uint8Array[];
}

/** Bytes of the NBLs SendDataHead..SendDataTail from each NET_BUFFER's current data start. */
function sendData(chain: NetBufferList | null, head: NetBufferList | null, tail: NetBufferList | null): Uint8Array[] {
  const nbls = nblArray(chain);
  let from = head ? nbls.indexOf(head) : 0;
  let to = tail ? nbls.indexOf(tail) : nbls.length - 1;
  if (from < 0) from = 0;
  if (to < 0) to = nbls.length - 1;
  const out: Uint8Array[] = [];
  for (const nbl of nbls.slice(from, to + 1)) for (const nb of nbl.netBuffers()) out.push(nb.read());
  return out;
}

/** The send sequence space the target handed back; the buffer holds `data` from `bufferSeq` on. */
function restoreSendSpace(conn: TcpConnection, d: TcpDelegatedState, bufferSeq: number, data: readonly Uint8Array[], retries: number): void {
  conn.snd.restore({
    una: d.sndUna, nxt: d.sndNxt, max: d.sndMax, bufferSeq, data, wnd: d.sndWnd, maxWnd: d.maxSndWnd,
    wl1: d.sendWl1, wl2: d.sndUna, retries,
  });
}

/**
 * Restores `conn` in `stack` from a completed terminate of its TCP block `tcp`: state,
 * sequence variables, windows, congestion state, SRTT/RTTVAR (R79: x8/x4 ticks), retransmit
 * or persist timer (R78: -1 stopped, 0 fires at once), send data and buffered receive data.
 * The connection then carries on in software; anything it may send goes out at once.
 * Returns the send NBLs handed back (the host owns them again).
 */
export function restoreConnection(stack: Stack, conn: TcpConnection, tcp: OffloadBlockList, options: UploadOptions = {}): NetBufferList[] {
  const d: TcpDelegatedState | undefined = tcp.tcp.delegated;
  if (!d) throw new OffloadError(OffloadErrorCode.BAD_UPLOAD_STATE, 'the terminate tree has no delegated TCP state');
  const tps = options.ticksPerSecond ?? DEFAULT_OFFLOAD.ticksPerSecond;
  const state = fromOffloadState(d.state);
  if (state === TcpState.TIME_WAIT) {
    // both FINs were exchanged and ours acknowledged: nothing left to send or take
    if (d.bufferedData) options.returnBuffered?.(d.bufferedData);
    stack.operate(() => {
      conn.rcv.restore(d.rcvNxt, 0, true, [conn.rcv.readable.peek(0, conn.rcv.readable.length)]);
      // the send side too: TIME-WAIT still answers a retransmitted FIN or a stray segment, and
      // with the sequence numbers from before the offload that ACK was out of the peer's window,
      // which the peer answered with its own ACK, and so on without end (impaired seed 1)
      conn.snd.finQueued = true;
      restoreSendSpace(conn, d, seqAdd(d.sndUna, -1), [], 0);
      conn.resumeInTimeWait();
    });
    return nblArray(tcp.netBufferListChain);
  }
  if (state === undefined || !OFFLOADABLE_STATES.includes(state))
    throw new OffloadError(OffloadErrorCode.BAD_UPLOAD_STATE, `the software stack cannot take back a connection in offload state ${d.state}`);
  const data = [...sendData(tcp.netBufferListChain, d.sendDataHead, d.sendDataTail), ...(options.moreSendData ?? [])];
  const dataLen = data.reduce((n, b) => n + b.length, 0);
  const finQueued = FIN_SENT_STATES.includes(state) || conn.snd.finQueued;
  const finAcked = FIN_ACKED_STATES.includes(state);
  if (finAcked && dataLen > 0) throw new OffloadError(OffloadErrorCode.BAD_UPLOAD_STATE, 'send data returned after our FIN was acknowledged');
  // SndUna maps to the first byte returned; past our FIN the buffer is empty and ends below SndUna
  const bufferSeq = finAcked ? seqAdd(d.sndUna, -1) : d.sndUna;
  const end = seqAdd(bufferSeq, dataLen + (finQueued ? 1 : 0));
  if (seqGt(d.sndMax, end) || seqGt(d.sndNxt, d.sndMax) || seqGt(d.sndUna, d.sndNxt))
    throw new OffloadError(OffloadErrorCode.BAD_UPLOAD_STATE, `SndUna ${d.sndUna} / SndNxt ${d.sndNxt} / SndMax ${d.sndMax} do not fit ${dataLen} bytes returned`);
  // bytes the target already delivered to the host and the user has not read come first
  const buffered: Uint8Array[] = [conn.rcv.readable.peek(0, conn.rcv.readable.length)];
  const bd = d.bufferedData;
  for (const nbl of nblArray(bd)) for (const nb of nbl.netBuffers()) buffered.push(nb.read());
  if (bd) options.returnBuffered?.(bd);
  const sends = nblArray(tcp.netBufferListChain);

  stack.operate(() => {
    const { snd, rcv } = conn;
    conn.state = state;
    snd.finQueued = finQueued;
    restoreSendSpace(conn, d, bufferSeq, data, d.retransmit.count);
    const srtt = d.sRtt === 0 ? undefined : ticksToMs(d.sRtt / 8, tps);
    snd.restoreRto(srtt, ticksToMs(d.rttVar / 4, tps), d.retransmit.count);
    snd.cc.cwnd = d.cWnd;
    snd.cc.ssthresh = d.ssThresh;
    snd.cc.dupAcks = d.dupAckCount;
    snd.cc.inRecovery = false;
    snd.cc.recover = seqAdd(d.sndUna, -1);
    rcv.restore(d.rcvNxt, d.rcvWnd, FIN_RECEIVED_STATES.includes(state) || rcv.finReceived, buffered);
    // R78: the retransmit slot (persist while the window is closed); 0 fires at once
    conn.rtxTimer.stop();
    conn.persistTimer.stop();
    const delta = d.retransmit.timeoutDelta >>> 0;
    if (delta !== TIMER_NOT_RUNNING) {
      const ms = ticksToMs(delta, tps);
      if (snd.flight > 0) conn.rtxTimer.start(ms);
      else conn.persistTimer.start(ms);
    } else if (snd.flight > 0) conn.rtxTimer.start(snd.rto.rto);
    if (rcv.readable.length > 0) conn.host.notify(() => conn.events?.readable());
    if (seqDiff(snd.dataEnd, snd.nxt) > 0 || (finQueued && !snd.finSent)) conn.out.output();
  });
  return sends;
}
