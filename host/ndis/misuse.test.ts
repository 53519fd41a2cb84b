/**
 * Misuse gets NDIS's answer, never a crash or a hang: a coded NdisUsageError for a handle NDIS
 * never gave out, a FAILURE block status for a refused state operation, a completion with an
 * error status for refused I/O (see CONFORMANCE.md for the statuses chosen). Each case runs
 * through intermediate drivers, which must not see refused requests at all.
 */
import { describe, expect, it } from 'vitest';
import {
  bytes, initiateTree, programmable, receiveNbl, scripted, sendNbl, targetObjectOf, tcpNode, tcpSegment, world,
} from '../drivers/intermediate/fixtures.js';
import { NetBuffer, NetBufferList, chainNbls, type Mdl } from './nbl.js';
import { TcpDisconnectFlags, newOffloadHandle } from './offload.js';
import { NdisErrorCode, NdisUsageError } from './runtime.js';
import { NdisStatus, ndisStatusName } from './status.js';

function scriptedThrough(depth: number, tcps = 1) {
  const w = world(depth, scripted());
  const t = initiateTree(tcps);
  w.ndis.initiateOffload(w.binding, t.root);
  w.q.drain();
  return { ...w, t, tcp: t.handles.tcps[0]! };
}

const imTraffic = (w: { ims: { counters: { refusedIo: number; refusedStateOperations: number } }[] }) =>
  w.ims.map((im) => im.counters.refusedIo + im.counters.refusedStateOperations);

describe('misuse', () => {
  it('an unknown handle: I/O gets a coded NdisUsageError, a state operation naming it completes FAILURE without reaching the IMs', () => {
    const w = scriptedThrough(3);
    const stranger = newOffloadHandle();
    let err: unknown;
    try { w.ndis.offloadTcpSend(stranger, sendNbl(w.memory, bytes(4))); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NdisUsageError);
    expect((err as NdisUsageError).code).toBe(NdisErrorCode.BAD_HANDLE);
    const before = w.target.stateLog.length;
    const q = tcpNode(stranger);
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    expect(ndisStatusName(q.status)).toBe('NDIS_STATUS_FAILURE');
    expect(w.host.of('query')).toHaveLength(1);
    expect(w.target.stateLog.length).toBe(before);
    expect(w.ims.every((im) => im.callEntries.size === 0)).toBe(true);
    expect(w.ndis.violations).toEqual([]);
  });

  it('a stale handle (its object terminated): a query completes FAILURE and never reaches the IMs or the target', () => {
    const w = scriptedThrough(3);
    w.ndis.terminateOffload(w.binding, tcpNode(w.tcp));
    w.q.drain();
    const before = w.target.stateLog.length;
    const q = tcpNode(w.tcp);
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    expect(ndisStatusName(q.status)).toBe('NDIS_STATUS_FAILURE');
    expect(w.target.stateLog.length).toBe(before);
    expect(imTraffic(w)).toEqual([0, 0, 0]);
    expect(w.ndis.violations).toEqual([]);
  });

  it('R20 R63 I/O, forward and state operations on an object whose offload is still in progress are refused, and the offload then completes normally', () => {
    const w = world(3, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain(); // the target holds the initiate
    const h = t.handles.tcps[0]!;
    const s = sendNbl(w.memory, bytes(4));
    const f = tcpSegment(w.memory, { srcPort: 80, dstPort: 49152, seq: 1, ack: 1, payload: bytes(2) });
    expect(w.ndis.offloadTcpSend(h, s)).toBe(NdisStatus.PENDING);
    expect(w.ndis.offloadTcpForward(h, f)).toBe(NdisStatus.PENDING);
    const q = tcpNode(h);
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    expect([s, f].map((n) => ndisStatusName(n.status))).toEqual(['NDIS_STATUS_INVALID_STATE', 'NDIS_STATUS_INVALID_STATE']);
    expect(ndisStatusName(q.status)).toBe('NDIS_STATUS_FAILURE');
    expect(w.target.ioCalls).toEqual([]);
    expect(w.target.stateCalls.map((c) => c.op)).toEqual(['initiate']);
    const list = w.target.last('initiate');
    w.target.offloadAll(list);
    w.target.complete('initiate', list);
    expect(ndisStatusName(t.tcps[0]!.status)).toBe('NDIS_STATUS_SUCCESS');
    expect(w.ndis.violations).toEqual([]);
  });

  it('R35 I/O after NdisTerminateOffload (before and after its completion) completes INVALID_STATE and never reaches the IMs', () => {
    const w = scriptedThrough(3);
    w.ndis.terminateOffload(w.binding, tcpNode(w.tcp));
    const during = sendNbl(w.memory, bytes(4));
    expect(w.ndis.offloadTcpSend(w.tcp, during)).toBe(NdisStatus.PENDING);
    w.q.drain();
    const after = receiveNbl(w.memory, 8);
    const disconnect = sendNbl(w.memory, bytes(1));
    w.ndis.offloadTcpReceive(w.tcp, after);
    w.ndis.offloadTcpDisconnect(w.tcp, disconnect, TcpDisconnectFlags.GRACEFUL);
    w.q.drain();
    expect([during, after, disconnect].map((n) => ndisStatusName(n.status))).toEqual(Array(3).fill('NDIS_STATUS_INVALID_STATE'));
    expect(w.host.timeline.slice(1)).toEqual(['terminate', 'send', 'receive', 'disconnect']);
    expect(imTraffic(w)).toEqual([0, 0, 0]);
    expect(w.ndis.violations).toEqual([]);
  });

  it('R7 a second completion of the same send under three IMs is recorded against the target and reaches the host once', () => {
    const w = world(3, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.offloadAll(t.root);
    w.target.complete('initiate', t.root);
    const s = sendNbl(w.memory, bytes(4));
    w.ndis.offloadTcpSend(t.handles.tcps[0]!, s);
    s.status = NdisStatus.SUCCESS;
    w.target.completeIo('send', s);
    w.target.completeIo('send', s);
    w.target.complete('initiate', t.root);
    expect(w.host.of('send')).toHaveLength(1);
    expect(w.host.of('initiate')).toHaveLength(1);
    expect(w.ndis.violations.map((v) => [v.rule, v.by])).toEqual([['R7', 'toe'], ['R7', 'toe']]);
    expect(w.ims.map((im) => im.counters.unroutable)).toEqual([0, 0, 0]);
  });

  it('R56 a receive posted after the disconnect indication completes NDIS_STATUS_INVALID_STATE through three IMs', () => {
    const w = scriptedThrough(3);
    w.target.peerFin(targetObjectOf(w.tcp));
    w.q.drain();
    expect(w.host.events.map((e) => e.eventType)).toEqual([2]);
    const r = receiveNbl(w.memory, 16);
    expect(w.ndis.offloadTcpReceive(w.tcp, r)).toBe(NdisStatus.PENDING);
    w.q.drain();
    const [c] = w.host.of('receive');
    expect(c!.nbls![0]).toBe(r);
    expect(ndisStatusName(r.status)).toBe('NDIS_STATUS_INVALID_STATE');
    expect(r.info.tcpOffloadBytesTransferred).toBe(0);
    expect(c!.contextDepths).toEqual([0]);
    expect(w.ndis.violations).toEqual([]);
  });

  it('a zero-length send NBL in a chain is refused with INVALID_PARAMETER for the whole chain; nothing reaches the IMs', () => {
    const w = scriptedThrough(3);
    const chain = [sendNbl(w.memory, bytes(4)), sendNbl(w.memory, new Uint8Array(0))];
    expect(w.ndis.offloadTcpSend(w.tcp, chainNbls(chain)!)).toBe(NdisStatus.PENDING);
    w.q.drain();
    expect(chain.map((n) => ndisStatusName(n.status))).toEqual(['NDIS_STATUS_INVALID_PARAMETER', 'NDIS_STATUS_INVALID_PARAMETER']);
    expect(targetObjectOf(w.tcp).sends).toEqual([]);
    expect(chain.map((n) => n.contextDepth)).toEqual([0, 0]);
    expect(imTraffic(w)).toEqual([0, 0, 0]);
  });

  it('absurd buffers (data beyond the MDLs, an MDL outside host memory, no NET_BUFFER, negative offsets, a disconnect chain or bad flags) are refused with INVALID_PARAMETER', () => {
    const w = scriptedThrough(3);
    const outside: Mdl = { next: null, addr: 0x1000, byteCount: 64, bytes: new Uint8Array(64) };
    const beyond = sendNbl(w.memory, bytes(8));
    beyond.firstNetBuffer!.dataLength = 1 << 30;
    const negative = sendNbl(w.memory, bytes(8));
    negative.firstNetBuffer!.dataOffset = -4;
    const cases: [string, () => NetBufferList, (n: NetBufferList) => number][] = [
      ['data beyond the MDLs', () => beyond, (n) => w.ndis.offloadTcpSend(w.tcp, n)],
      ['an MDL outside host memory', () => new NetBufferList(new NetBuffer(outside, 0, 64)), (n) => w.ndis.offloadTcpSend(w.tcp, n)],
      ['no NET_BUFFER', () => new NetBufferList(null), (n) => w.ndis.offloadTcpReceive(w.tcp, n)],
      ['a negative DataOffset', () => negative, (n) => w.ndis.offloadTcpForward(w.tcp, n)],
      ['a disconnect chain', () => chainNbls([sendNbl(w.memory, bytes(1)), sendNbl(w.memory, bytes(1))])!, (n) => w.ndis.offloadTcpDisconnect(w.tcp, n, TcpDisconnectFlags.GRACEFUL)],
      ['disconnect flags 3', () => sendNbl(w.memory, bytes(1)), (n) => w.ndis.offloadTcpDisconnect(w.tcp, n, 3)],
    ];
    for (const [what, make, call] of cases) {
      const nbl = make();
      expect(call(nbl), what).toBe(NdisStatus.PENDING);
      w.q.drain();
      expect(ndisStatusName(nbl.status), what).toBe('NDIS_STATUS_INVALID_PARAMETER');
    }
    const o = targetObjectOf(w.tcp);
    expect([o.sends, o.receives, o.forwards, o.disconnects]).toEqual([[], [], [], []]);
    expect(imTraffic(w)).toEqual([0, 0, 0]);
    expect(w.ndis.violations).toEqual([]);
  });

  it('the same block list issued twice while it is outstanding is a coded NdisUsageError', () => {
    const w = world(1, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    expect(() => w.ndis.initiateOffload(w.binding, t.root)).toThrow(expect.objectContaining({ code: NdisErrorCode.BAD_STATE }));
    w.q.drain();
    expect(w.target.stateCalls).toHaveLength(1); // only the first reached the target
    expect(w.ndis.violations).toEqual([]);
  });
});
