/**
 * Offload-target ([T]) rules checked against the scripted target, where that is meaningful:
 * the scripted target stands in for the TOE until the TOE issue brings the real one, and the
 * same behaviour must reach the host unchanged through intermediate drivers. Rules the
 * scripted target does not model are left to the TOE issue (CONFORMANCE.md).
 */
import { describe, expect, it } from 'vitest';
import {
  bytes, hang, initiateTree, neighborNode, pathNode, receiveNbl, scripted, sendNbl, targetObjectOf, tcpNode, world,
} from '../drivers/intermediate/fixtures.js';
import type { TargetObject } from '../drivers/testing/scripted-target.js';
import { allocateNbl, chainNbls, nblArray } from './nbl.js';
import { OffloadBlockList, OffloadStateType, TcpDisconnectFlags, TcpOffloadEventType, newOffloadHandle, traverse } from './offload.js';
import { NdisStatus, ndisStatusName } from './status.js';

const DEPTH = 3;

function offloaded(tcps = 1, capacity?: number) {
  const w = world(DEPTH, scripted(capacity));
  const t = initiateTree(tcps);
  w.ndis.initiateOffload(w.binding, t.root);
  w.q.drain();
  return { ...w, t, tcp: t.handles.tcps[0]!, o: (i = 0): TargetObject => targetObjectOf(t.handles.tcps[i]!) };
}

const names = (xs: readonly number[]) => xs.map(ndisStatusName);

describe('initiate', () => {
  it('R10 the target offloads depth-first, breadth-next (DependentBlockList before NextBlock)', () => {
    const w = world(DEPTH, scripted());
    const [hn, hp1, ht1, ht2, hp2, ht3] = Array.from({ length: 6 }, () => newOffloadHandle());
    const root = hang(neighborNode(hn!), hang(pathNode(hp1!), tcpNode(ht1!, 1), tcpNode(ht2!, 2)), hang(pathNode(hp2!), tcpNode(ht3!, 3)));
    expect([...traverse(root)].map((n) => n.offloadHandle)).toEqual([hn, hp1, ht1, ht2, hp2, ht3]);
    w.ndis.initiateOffload(w.binding, root);
    w.q.drain();
    // the target numbers objects in the order it offloads them
    const ids = [hn, hp1, ht1, ht2, hp2, ht3].map((h) => (targetObjectOf(h!) as TargetObject).id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(w.ndis.violations).toEqual([]);
  });

  it('R12 a new path whose second connection fails is OFFLOAD_PARTIAL_SUCCESS; a linker is SUCCESS, PARTIAL_SUCCESS or FAILURE by its dependants', () => {
    const w = offloaded(2, 2); // room for two connections in all
    expect(names([...traverse(w.t.root)].map((n) => n.status))).toEqual(Array(4).fill('NDIS_STATUS_SUCCESS'));
    // two more connections under linkers of the offloaded neighbor and path: none fits
    const linkers = (count: number) => {
      const more = Array.from({ length: count }, (_, i) => tcpNode(newOffloadHandle(), 50000 + i));
      return hang(neighborNode(w.t.handles.neighbor, false), hang(new OffloadBlockList(OffloadStateType.IP4, w.t.handles.path, {}), ...more));
    };
    const none = linkers(2);
    w.ndis.initiateOffload(w.binding, none);
    w.q.drain();
    expect(names([...traverse(none)].map((n) => n.status))).toEqual([
      'NDIS_STATUS_FAILURE', 'NDIS_STATUS_FAILURE', 'NDIS_STATUS_OFFLOAD_TCP_ENTRIES', 'NDIS_STATUS_OFFLOAD_TCP_ENTRIES',
    ]);
    // make room for one: the path linker is partial, the neighbor linker sees a partial path as offloaded
    w.ndis.terminateOffload(w.binding, tcpNode(w.tcp));
    w.q.drain();
    const some = linkers(2);
    w.ndis.initiateOffload(w.binding, some);
    w.q.drain();
    expect(names([...traverse(some)].map((n) => n.status))).toEqual([
      'NDIS_STATUS_SUCCESS', 'NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS', 'NDIS_STATUS_SUCCESS', 'NDIS_STATUS_OFFLOAD_TCP_ENTRIES',
    ]);
    expect(w.ndis.violations).toEqual([]);
  });

  it('R17 R18 buffered receive data handed over at offload is delivered into the first posted buffer before newer data', () => {
    const w = world(DEPTH, scripted());
    const t = initiateTree(1);
    const old = allocateNbl(w.memory, 6, { data: bytes(6, 1) }).nbl;
    t.tcps[0]!.tcp.delegated!.bufferedData = old;
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const o = targetObjectOf(t.handles.tcps[0]!);
    w.target.deliver(o, bytes(4, 2));
    const r = receiveNbl(w.memory, 10, true);
    w.ndis.offloadTcpReceive(t.handles.tcps[0]!, r);
    w.q.drain();
    expect(r.firstNetBuffer!.read()).toEqual(new Uint8Array([...bytes(6, 1), ...bytes(4, 2)]));
    expect(r.info.tcpOffloadBytesTransferred).toBe(10);
  });
});

describe('query and terminate', () => {
  it('R29 a delegated query from a target without backlog reporting returns 0xFFFFFFFF for both backlog sizes', () => {
    const w = offloaded();
    const q = tcpNode(w.tcp);
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    expect([q.tcp.delegated!.sendBacklogSize, q.tcp.delegated!.receiveBacklogSize]).toEqual([0xffffffff, 0xffffffff]);
    expect(ndisStatusName(q.status)).toBe('NDIS_STATUS_SUCCESS');
  });

  it('R30 R31 R44 terminate completes outstanding receives first, then hands back unacknowledged sends in their original order with SendDataHead/Tail', () => {
    const w = offloaded();
    const sends = [sendNbl(w.memory, bytes(5)), sendNbl(w.memory, bytes(6)), sendNbl(w.memory, bytes(7))];
    w.ndis.offloadTcpSend(w.tcp, chainNbls(sends.slice(0, 2))!);
    w.ndis.offloadTcpSend(w.tcp, sends[2]!);
    const r = receiveNbl(w.memory, 8);
    w.ndis.offloadTcpReceive(w.tcp, r);
    w.q.drain();
    w.target.acknowledge(w.o(), 5); // the first send completes
    w.q.drain();
    const up = tcpNode(w.tcp);
    w.ndis.terminateOffload(w.binding, up);
    w.q.drain();
    expect(w.host.timeline.slice(1)).toEqual(['send', 'receive', 'terminate']);
    expect(ndisStatusName(r.status)).toBe('NDIS_STATUS_UPLOAD_IN_PROGRESS');
    expect(nblArray(up.netBufferListChain)).toEqual(sends.slice(1));
    expect(up.tcp.delegated!.sendDataHead).toBe(sends[1]);
    expect(up.tcp.delegated!.sendDataTail).toBe(sends[2]);
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('send', () => {
  it('R40 R41 R43 sends complete in FIFO order, each SUCCESS only once all its bytes are acknowledged, with bytes transferred and the data start advanced', () => {
    const w = offloaded();
    const sends = [sendNbl(w.memory, bytes(100), [30, 70]), sendNbl(w.memory, bytes(50))];
    w.ndis.offloadTcpSend(w.tcp, chainNbls(sends)!);
    w.q.drain();
    w.target.acknowledge(w.o(), 99);
    w.q.drain();
    expect(w.host.of('send')).toEqual([]); // 99 of 100 bytes is not enough
    w.target.acknowledge(w.o(), 51);
    w.q.drain();
    const [c] = w.host.of('send');
    expect(c!.nbls).toEqual(sends);
    expect(names(sends.map((n) => n.status))).toEqual(['NDIS_STATUS_SUCCESS', 'NDIS_STATUS_SUCCESS']);
    expect(sends.map((n) => n.info.tcpOffloadBytesTransferred)).toEqual([100, 50]);
    expect(sends.map((n) => [n.firstNetBuffer!.dataOffset, n.firstNetBuffer!.dataLength])).toEqual([[100, 0], [50, 0]]);
  });
});

describe('disconnect and peer events', () => {
  it('R45 R60 a graceful disconnect completes SUCCESS after every outstanding send, and only once the peer acknowledged', () => {
    const w = offloaded();
    const s = sendNbl(w.memory, bytes(20));
    const d = sendNbl(w.memory, bytes(3));
    w.ndis.offloadTcpSend(w.tcp, s);
    w.ndis.offloadTcpDisconnect(w.tcp, d, TcpDisconnectFlags.GRACEFUL);
    w.q.drain();
    expect(w.host.timeline.slice(1)).toEqual([]);
    w.target.acknowledge(w.o(), 20);
    w.q.drain();
    expect(w.host.timeline.slice(1)).toEqual(['send', 'disconnect']);
    expect(ndisStatusName(d.status)).toBe('NDIS_STATUS_SUCCESS');
    expect(d.info.tcpOffloadBytesTransferred).toBe(3);
  });

  it('R58 an abortive disconnect completes every outstanding send with REQUEST_ABORTED before the disconnect itself', () => {
    const w = offloaded();
    const sends = [sendNbl(w.memory, bytes(4)), sendNbl(w.memory, bytes(4))];
    w.ndis.offloadTcpSend(w.tcp, chainNbls(sends)!);
    const d = sendNbl(w.memory, bytes(1));
    w.ndis.offloadTcpDisconnect(w.tcp, d, TcpDisconnectFlags.ABORTIVE);
    w.q.drain();
    expect(w.host.timeline.slice(1)).toEqual(['send', 'disconnect']);
    expect(names(sends.map((n) => n.status))).toEqual(['NDIS_STATUS_REQUEST_ABORTED', 'NDIS_STATUS_REQUEST_ABORTED']);
    expect(ndisStatusName(d.status)).toBe('NDIS_STATUS_SUCCESS');
  });

  it('R64 a FIN from the peer completes the filled receive buffers before TcpIndicateDisconnect reaches the host', () => {
    const w = offloaded();
    const r = receiveNbl(w.memory, 32, true);
    w.ndis.offloadTcpReceive(w.tcp, r);
    w.q.drain();
    w.target.deliver(w.o(), bytes(10));
    w.target.peerFin(w.o());
    w.q.drain();
    expect(w.host.timeline.slice(1)).toEqual(['receive', `event:${TcpOffloadEventType.DISCONNECT}`]);
    expect(r.info.tcpOffloadBytesTransferred).toBe(10);
  });

  it('R65 an acceptable RST completes outstanding sends, receives and disconnects with REQUEST_ABORTED and indicates TcpIndicateAbort', () => {
    const w = offloaded();
    const s = sendNbl(w.memory, bytes(4));
    const r = receiveNbl(w.memory, 4);
    const d = sendNbl(w.memory, bytes(1));
    w.ndis.offloadTcpSend(w.tcp, s);
    w.ndis.offloadTcpReceive(w.tcp, r);
    w.ndis.offloadTcpDisconnect(w.tcp, d, TcpDisconnectFlags.GRACEFUL);
    w.q.drain();
    w.target.peerReset(w.o());
    w.q.drain();
    expect(names([s, r, d].map((n) => n.status))).toEqual(Array(3).fill('NDIS_STATUS_REQUEST_ABORTED'));
    expect(w.host.events.map((e) => [e.handle, e.eventType])).toEqual([[w.tcp, TcpOffloadEventType.ABORT]]);
    expect(w.host.timeline.at(-1)).toBe(`event:${TcpOffloadEventType.ABORT}`);
  });

  it('R67 an upload request names exactly one TCP connection and its reason', () => {
    const w = offloaded(2);
    w.target.requestUpload(w.o(1), 10);
    w.q.drain();
    expect(w.host.events).toEqual([{ handle: w.t.handles.tcps[1], eventType: TcpOffloadEventType.RETRIEVE, info: 10 }]);
  });
});

describe('the layers the scripted target does not change', () => {
  it('R46 receive buffers posted in two calls are filled strictly in posting order', () => {
    const w = offloaded();
    const posts = [receiveNbl(w.memory, 4, true), receiveNbl(w.memory, 4, true), receiveNbl(w.memory, 4, true)];
    w.ndis.offloadTcpReceive(w.tcp, posts[0]!);
    w.ndis.offloadTcpReceive(w.tcp, chainNbls(posts.slice(1))!);
    w.q.drain();
    w.target.deliver(w.o(), bytes(12));
    w.q.drain();
    expect(w.host.of('receive').flatMap((c) => c.nbls)).toEqual(posts);
    expect(posts.map((p) => p.firstNetBuffer!.read())).toEqual([bytes(12).subarray(0, 4), bytes(12).subarray(4, 8), bytes(12).subarray(8)]);
  });

  it('R56 a receive posted after a FIN completes INVALID_STATE without consuming data (direct, no IM)', () => {
    const w = world(0, scripted());
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.peerFin(targetObjectOf(t.handles.tcps[0]!));
    const r = receiveNbl(w.memory, 4);
    w.ndis.offloadTcpReceive(t.handles.tcps[0]!, r);
    w.q.drain();
    expect(ndisStatusName(r.status)).toBe('NDIS_STATUS_INVALID_STATE');
    expect(NdisStatus.INVALID_STATE).toBe(0xc0000184);
  });
});
