/**
 * What NDIS itself does between layers (the [N] rules): returns PENDING for I/O and completes
 * later, converts block lists in place, hands targets the PVOID from the caller's handle,
 * runs receive-return synchronously, and keeps track of send data that changes hands inside
 * an initiate or a terminate.
 */
import { describe, expect, it } from 'vitest';
import {
  bytes, initiateTree, programmable, receiveNbl, scripted, sendNbl, targetContextOf, targetObjectOf, tcpNode, tcpSegment, world,
} from '../drivers/intermediate/fixtures.js';
import { chainNbls, nblArray } from './nbl.js';
import { OffloadContextRef, TcpDisconnectFlags, traverse } from './offload.js';
import { NdisStatus, ndisStatusName } from './status.js';

describe('I/O returns and completions', () => {
  for (const depth of [0, 2]) {
    it(`R37 NdisOffloadTcpSend, Receive, Disconnect and Forward return NDIS_STATUS_PENDING and complete later (${depth} IMs)`, () => {
      const w = world(depth, scripted());
      const t = initiateTree(1);
      w.ndis.initiateOffload(w.binding, t.root);
      w.q.drain();
      const h = t.handles.tcps[0]!;
      const results = [
        w.ndis.offloadTcpSend(h, sendNbl(w.memory, bytes(10))),
        w.ndis.offloadTcpReceive(h, receiveNbl(w.memory, 10)),
        w.ndis.offloadTcpForward(h, tcpSegment(w.memory, { srcPort: 80, dstPort: 49152, seq: 1, ack: 1, payload: bytes(4) })),
        w.ndis.offloadTcpDisconnect(h, sendNbl(w.memory, bytes(0 + 1)), TcpDisconnectFlags.ABORTIVE),
      ];
      expect(results).toEqual(Array(4).fill(NdisStatus.PENDING));
      expect(w.host.completions.filter((c) => c.op !== 'initiate')).toEqual([]); // nothing inline
      w.q.drain();
      // the abortive disconnect completed the send (REQUEST_ABORTED) and itself
      expect(w.host.timeline.slice(1)).toEqual(['send', 'disconnect']);
    });
  }

  it('R37 even refused I/O (bad NBL chain) returns PENDING and completes later with a status', () => {
    const w = world(0, scripted());
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const empty = sendNbl(w.memory, new Uint8Array(0));
    expect(w.ndis.offloadTcpSend(t.handles.tcps[0]!, empty)).toBe(NdisStatus.PENDING);
    expect(w.host.of('send')).toEqual([]);
    w.q.drain();
    expect(ndisStatusName(empty.status)).toBe('NDIS_STATUS_INVALID_PARAMETER');
  });

  it('R39 NdisOffloadTcpReceiveReturn is synchronous, succeeds, and produces no completion', () => {
    const w = world(0, programmable);
    const nbls = [sendNbl(w.memory, bytes(3)), sendNbl(w.memory, bytes(3))];
    expect(w.ndis.offloadTcpReceiveReturn(w.binding, chainNbls(nbls)!)).toBe(NdisStatus.SUCCESS);
    expect(w.target.returned).toEqual(nbls);
    w.q.drain();
    expect(w.host.completions).toEqual([]);
  });
});

describe('block-list conversion', () => {
  it('R91 NDIS hands the target the same nodes in the miniport view (NdisOffloadHandle = the caller\'s handle, MiniportOffloadContext = its PVOID slot) and converts them back', () => {
    const w = world(0, programmable);
    const t = initiateTree(2);
    const states = [...traverse(t.root)].map((n) => n.state);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const list = w.target.last('initiate');
    expect(list).toBe(t.root);
    const nodes = [...traverse(list)];
    const handles = [t.handles.neighbor, t.handles.path, ...t.handles.tcps];
    nodes.forEach((n, i) => {
      expect(n.view).toBe('miniport');
      expect(n.ndisOffloadHandle).toBe(handles[i]);
      expect(n.miniportOffloadContext).toBeInstanceOf(OffloadContextRef);
      expect(n.miniportOffloadContext!.handle).toBe(handles[i]);
      expect(n.state).toBe(states[i]); // the state structures stay where they are
    });
    w.target.offloadAll(list);
    w.target.complete('initiate', list);
    nodes.forEach((n, i) => {
      expect(n.view).toBe('protocol');
      expect(n.offloadHandle).toBe(handles[i]);
      expect(n.ndisOffloadHandle).toBeNull();
      expect(n.miniportOffloadContext).toBeNull();
      expect(handles[i]!.miniportOffloadContext).not.toBeNull(); // the target's PVOID landed in the caller's handle
    });
  });

  it('R92 for I/O NDIS passes the target the MiniportOffloadContext taken from the caller\'s NDIS_OFFLOAD_HANDLE', () => {
    const w = world(0, programmable);
    const t = initiateTree(2);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.offloadAll(t.root);
    w.target.complete('initiate', t.root);
    for (const h of t.handles.tcps) w.ndis.offloadTcpSend(h, sendNbl(w.memory, bytes(2)));
    expect(w.target.ioCalls.map((c) => c.context)).toEqual(t.handles.tcps.map((h) => h.miniportOffloadContext));
    expect(w.target.ioCalls[0]!.context).toBe(targetContextOf(t.handles.tcps[0]!));
  });
});

describe('send data changing hands inside state operations', () => {
  it('R16 send data handed over with a connection that fails to offload stays with the host, untouched and never completed', () => {
    const w = world(2, scripted(1));
    const t = initiateTree(2);
    const handed = [sendNbl(w.memory, bytes(10)), sendNbl(w.memory, bytes(20))];
    for (const n of handed) n.status = 0x1234;
    t.tcps[1]!.netBufferListChain = chainNbls(handed);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    expect(ndisStatusName(t.tcps[1]!.status)).toBe('NDIS_STATUS_OFFLOAD_TCP_ENTRIES');
    expect(nblArray(t.tcps[1]!.netBufferListChain)).toEqual(handed);
    expect(handed.map((n) => n.status)).toEqual([0x1234, 0x1234]);
    expect(handed.map((n) => n.contextDepth)).toEqual([0, 0]); // the IMs took their contexts back
    expect(w.ndis.outstandingIo).toBe(0);
    expect(w.host.of('send')).toEqual([]);
    expect(w.ndis.violations).toEqual([]);
  });

  it('R16 send data handed over with an offloaded connection is completed by the target like any send, through the IMs', () => {
    const w = world(2, scripted());
    const t = initiateTree(1);
    const handed = [sendNbl(w.memory, bytes(10)), sendNbl(w.memory, bytes(20))];
    t.tcps[0]!.netBufferListChain = chainNbls(handed);
    t.tcps[0]!.tcp.delegated!.sendDataHead = handed[0]!;
    t.tcps[0]!.tcp.delegated!.sendDataTail = handed[1]!;
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.acknowledge(targetObjectOf(t.handles.tcps[0]!), 30);
    w.q.drain();
    const [c] = w.host.of('send');
    expect(c!.nbls).toEqual(handed);
    expect(c!.contextDepths).toEqual([0, 0]);
    expect(handed.map((n) => ndisStatusName(n.status))).toEqual(['NDIS_STATUS_SUCCESS', 'NDIS_STATUS_SUCCESS']);
    expect(w.ndis.violations).toEqual([]);
    expect(w.ndis.outstandingIo).toBe(0);
  });

  it('R31 send data handed back at terminate is the host\'s again: NDIS stops tracking it, so it can be sent after a new offload', () => {
    const w = world(2, scripted());
    const first = initiateTree(1);
    w.ndis.initiateOffload(w.binding, first.root);
    w.q.drain();
    const pending = [sendNbl(w.memory, bytes(7)), sendNbl(w.memory, bytes(9))];
    w.ndis.offloadTcpSend(first.handles.tcps[0]!, chainNbls(pending)!);
    w.q.drain();
    const up = tcpNode(first.handles.tcps[0]!);
    w.ndis.terminateOffload(w.binding, up);
    w.q.drain();
    expect(nblArray(up.netBufferListChain)).toEqual(pending);
    expect(pending.map((n) => n.contextDepth)).toEqual([0, 0]);
    expect(w.ndis.outstandingIo).toBe(0);
    // re-offload a connection (the same TCB handle) and send the returned data again
    const again = initiateTree(1);
    const tcb = first.handles.tcps[0]!;
    again.path.dependentBlockList = tcpNode(tcb);
    w.ndis.initiateOffload(w.binding, again.root);
    w.q.drain();
    w.ndis.offloadTcpSend(tcb, chainNbls(pending)!);
    w.q.drain();
    w.target.acknowledge(targetObjectOf(tcb), 16);
    w.q.drain();
    expect(w.host.of('send').at(-1)!.nbls).toEqual(pending);
    expect(pending.map((n) => ndisStatusName(n.status))).toEqual(['NDIS_STATUS_SUCCESS', 'NDIS_STATUS_SUCCESS']);
    expect(w.ndis.violations).toEqual([]);
  });
});
