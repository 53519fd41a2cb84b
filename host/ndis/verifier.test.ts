/**
 * The runtime's verifier: a layer that breaks a rule NDIS can see is recorded in
 * `ndis.violations` under the rule's number, and the layer above still gets a consistent
 * answer. Each test drives a deliberately broken target (or host) to show it.
 */
import { describe, expect, it } from 'vitest';
import { HostMemory } from '../device/memory.js';
import {
  ProgrammableTarget, initiateTree, programmable, sendNbl, bytes, tcpNode, world, type ProgrammableObject,
} from '../drivers/intermediate/fixtures.js';
import type { ProviderChimneyGeneric, ProviderChimneyTcp } from './characteristics.js';
import { chainNbls } from './nbl.js';
import { ChimneyOffloadType, OffloadBlockList, OffloadStateType, TcpOffloadEventType, traverse } from './offload.js';
import { Ndis } from './runtime.js';
import { NdisStatus, ndisStatusName } from './status.js';

/** A host bound straight to a programmable target, with `tcps` connections offloaded. */
function offloaded(tcps = 1) {
  const w = world(0, programmable);
  const t = initiateTree(tcps);
  w.ndis.initiateOffload(w.binding, t.root);
  const list = w.target.last('initiate');
  w.target.offloadAll(list);
  w.q.defer(() => w.target.complete('initiate', list));
  w.q.drain();
  return { ...w, t, tcp: t.handles.tcps[0]! };
}

const rules = (ndis: Ndis) => ndis.violations.map((v) => [v.rule, v.by]);

describe('registration', () => {
  it('R1 a target registering its chimney handlers after initialization is recorded and refused', () => {
    const ndis = new Ndis();
    const m = ndis.registerMiniport('late', null, new HostMemory(4096));
    ndis.initializeComplete(m);
    const generic: ProviderChimneyGeneric = {
      kind: 'provider-generic', initiateOffload: () => {}, terminateOffload: () => {}, updateOffload: () => {}, invalidateOffload: () => {}, queryOffload: () => {},
    };
    expect(ndis.setOptionalHandlers(m, generic)).toBe(NdisStatus.INVALID_STATE);
    expect(rules(ndis)).toEqual([['R1', 'late']]);
  });

  it('R1 a TCP provider set must name NdisTcpChimneyOffload', () => {
    const ndis = new Ndis();
    const m = ndis.registerMiniport('ipsec', null, new HostMemory(4096));
    const tcp: ProviderChimneyTcp = {
      kind: 'provider-tcp', offloadType: ChimneyOffloadType.IPSEC, tcpOffloadSend: () => NdisStatus.PENDING, tcpOffloadReceive: () => NdisStatus.PENDING,
      tcpOffloadDisconnect: () => NdisStatus.PENDING, tcpOffloadForward: () => NdisStatus.PENDING, tcpOffloadReceiveReturn: () => NdisStatus.SUCCESS,
    };
    expect(ndis.setOptionalHandlers(m, tcp)).toBe(NdisStatus.NOT_SUPPORTED);
  });

  it('R2 NdisMGetOffloadHandlers gives revision-1 entry points for NdisTcpChimneyOffload only', () => {
    const ndis = new Ndis();
    const m = ndis.registerMiniport('toe', null, new HostMemory(4096));
    const got = ndis.mGetOffloadHandlers(m, ChimneyOffloadType.TCP);
    expect(got.status).toBe(NdisStatus.SUCCESS);
    expect(got.handlers!.header.revision).toBe(1);
    expect(Object.keys(got.handlers!).sort()).toEqual([
      'header', 'tcpOffloadDisconnectComplete', 'tcpOffloadEventHandler', 'tcpOffloadForwardComplete', 'tcpOffloadReceiveComplete',
      'tcpOffloadReceiveHandler', 'tcpOffloadSendComplete',
    ]);
    expect(ndis.mGetOffloadHandlers(m, ChimneyOffloadType.RDMA)).toEqual({ status: NdisStatus.NOT_SUPPORTED });
  });
});

describe('state-operation completions', () => {
  it('R7 a target completing an initiate inside its handler is recorded; the host is still completed once', () => {
    const w = world(0, programmable);
    w.target.onState = (op, list) => { w.target.offloadAll(list); w.target.complete(op, list); };
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    expect(rules(w.ndis)).toEqual([['R7', 'toe']]);
    expect(w.host.of('initiate')).toHaveLength(1);
  });

  it('R7 a second completion of the same state operation is recorded and dropped', () => {
    const w = offloaded();
    w.target.complete('initiate', w.t.root);
    expect(rules(w.ndis)).toEqual([['R7', 'toe']]);
    expect(w.host.of('initiate')).toHaveLength(1);
  });

  it('R7 completing a query with NdisMUpdateOffloadComplete is recorded and the query stays outstanding', () => {
    const w = offloaded();
    const q = tcpNode(w.tcp);
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    w.target.setAll(q);
    w.target.complete('update', q);
    expect(rules(w.ndis)).toEqual([['R7', 'toe']]);
    expect(w.host.of('query')).toEqual([]);
    w.target.complete('query', q);
    expect(w.host.of('query')).toHaveLength(1);
  });

  it('R8 a block left without a status is recorded and reported FAILURE to the host', () => {
    const w = world(0, programmable);
    const t = initiateTree(2);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const list = w.target.last('initiate');
    w.target.offloadAll(list);
    t.tcps[1]!.status = NdisStatus.PENDING; // never written
    t.tcps[1]!.miniportOffloadContext!.value = null;
    w.target.complete('initiate', list);
    expect(rules(w.ndis)).toEqual([['R8', 'toe']]);
    expect(ndisStatusName(t.tcps[1]!.status)).toBe('NDIS_STATUS_FAILURE');
  });

  it('R9 OFFLOAD_PARTIAL_SUCCESS on a query block is recorded and reported FAILURE', () => {
    const w = offloaded();
    const q = tcpNode(w.tcp);
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    w.target.setAll(q, NdisStatus.OFFLOAD_PARTIAL_SUCCESS);
    w.target.complete('query', q);
    expect(rules(w.ndis)).toEqual([['R9', 'toe']]);
    expect(ndisStatusName(q.status)).toBe('NDIS_STATUS_FAILURE');
  });

  it('R11 a placeholder completed with anything but SUCCESS is recorded and reported SUCCESS', () => {
    const w = world(0, programmable);
    const t = initiateTree(1);
    const placeholder = new OffloadBlockList(OffloadStateType.NEIGHBOR, null);
    placeholder.dependentBlockList = t.root.dependentBlockList; // a placeholder neighbor over a new path
    w.ndis.initiateOffload(w.binding, placeholder);
    w.q.drain();
    w.target.offloadAll(placeholder);
    placeholder.status = NdisStatus.FAILURE;
    w.target.complete('initiate', placeholder);
    expect(rules(w.ndis)).toEqual([['R11', 'toe']]);
    expect([...traverse(placeholder)].map((n) => ndisStatusName(n.status))).toEqual(Array(3).fill('NDIS_STATUS_SUCCESS'));
  });

  it('R14 offloading an object without writing its MiniportOffloadContext is recorded', () => {
    const w = world(0, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.offloadAll(t.root);
    t.tcps[0]!.miniportOffloadContext!.value = null;
    w.target.complete('initiate', t.root);
    expect(rules(w.ndis)).toEqual([['R14', 'toe']]);
  });

  it('R14 writing a MiniportOffloadContext for an object that failed is recorded and the PVOID cleared', () => {
    const w = world(0, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.offloadAll(t.root);
    t.tcps[0]!.status = NdisStatus.OFFLOAD_TCP_ENTRIES;
    t.path.status = NdisStatus.OFFLOAD_PARTIAL_SUCCESS;
    w.target.complete('initiate', t.root);
    expect(rules(w.ndis)).toEqual([['R14', 'toe']]);
    expect(t.handles.tcps[0]!.miniportOffloadContext).toBeNull();
  });
});

describe('I/O and indications', () => {
  it('R7 a second completion of the same send NBL is recorded and never reaches the host', () => {
    const w = offloaded();
    const s = sendNbl(w.memory, bytes(10));
    w.ndis.offloadTcpSend(w.tcp, s);
    w.q.drain();
    s.status = NdisStatus.SUCCESS;
    w.target.completeIo('send', s);
    w.target.completeIo('send', s);
    expect(rules(w.ndis)).toEqual([['R7', 'toe']]);
    expect(w.host.of('send')).toHaveLength(1);
  });

  it('R7 completing a receive NBL through the send completion is recorded and the receive stays outstanding', () => {
    const w = offloaded();
    const r = sendNbl(w.memory, bytes(10));
    w.ndis.offloadTcpReceive(w.tcp, r);
    w.q.drain();
    w.target.completeIo('send', r);
    expect(rules(w.ndis)).toEqual([['R7', 'toe']]);
    expect(w.ndis.outstandingIo).toBe(1);
  });

  it('R38 a MiniportTcpOffloadSend returning anything but PENDING is recorded; the host still gets PENDING', () => {
    const w = offloaded();
    w.target.ioStatus = NdisStatus.SUCCESS;
    expect(w.ndis.offloadTcpSend(w.tcp, sendNbl(w.memory, bytes(4)))).toBe(NdisStatus.PENDING);
    expect(rules(w.ndis)).toEqual([['R38', 'toe']]);
  });

  it('R39 a MiniportTcpOffloadReceiveReturn returning failure is recorded; the host still gets SUCCESS', () => {
    const w = offloaded();
    w.target.receiveReturnStatus = NdisStatus.FAILURE;
    expect(w.ndis.offloadTcpReceiveReturn(w.binding, sendNbl(w.memory, bytes(4)))).toBe(NdisStatus.SUCCESS);
    expect(rules(w.ndis)).toEqual([['R39', 'toe']]);
  });

  it('R19 a receive indication before the initiate completes is recorded', () => {
    const w = world(0, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.offloadAll(t.root);
    w.target.handlers.tcpOffloadReceiveHandler(t.handles.tcps[0]!, sendNbl(w.memory, bytes(3)), NdisStatus.SUCCESS, { value: 0 });
    w.target.handlers.tcpOffloadEventHandler(t.handles.tcps[0]!, TcpOffloadEventType.ABORT, 0);
    expect(rules(w.ndis)).toEqual([['R19', 'toe'], ['R19', 'toe']]);
  });

  it('R52 indicating a chain of NBLs, or a Status other than SUCCESS, is recorded', () => {
    const w = offloaded();
    const chain = chainNbls([sendNbl(w.memory, bytes(3)), sendNbl(w.memory, bytes(3))])!;
    w.target.handlers.tcpOffloadReceiveHandler(w.tcp, chain, NdisStatus.SUCCESS, { value: 0 });
    w.target.handlers.tcpOffloadReceiveHandler(w.tcp, sendNbl(w.memory, bytes(3)), NdisStatus.RESOURCES, { value: 0 });
    expect(rules(w.ndis)).toEqual([['R52', 'toe'], ['R52', 'toe']]);
  });

  it('R53 a host answering a receive indication with an inconsistent status and BytesConsumed is recorded against the host', () => {
    const w = offloaded();
    w.host.brokenIndicationAnswer = { status: NdisStatus.SUCCESS, consumed: 1 };
    const bc = { value: 0 };
    expect(w.target.handlers.tcpOffloadReceiveHandler(w.tcp, sendNbl(w.memory, bytes(8)), NdisStatus.SUCCESS, bc)).toBe(NdisStatus.SUCCESS);
    w.host.brokenIndicationAnswer = { status: NdisStatus.OFFLOAD_DATA_PARTIALLY_ACCEPTED, consumed: 8 };
    w.target.handlers.tcpOffloadReceiveHandler(w.tcp, sendNbl(w.memory, bytes(8)), NdisStatus.SUCCESS, { value: 0 });
    expect(rules(w.ndis)).toEqual([['R53', 'tcpip'], ['R53', 'tcpip']]);
  });

  it('R53 the three legal answers are accepted without a violation', () => {
    const w = offloaded();
    for (const accept of ['all', 'none', 3] as const) {
      w.host.accept = accept;
      w.target.handlers.tcpOffloadReceiveHandler(w.tcp, sendNbl(w.memory, bytes(8)), NdisStatus.SUCCESS, { value: 0 });
    }
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('the verifier under intermediate drivers', () => {
  it('R7 R14 violations by a target below three IMs name the target, not the IMs', () => {
    const w = world(3, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const list = w.target.last('initiate');
    w.target.offloadAll(list);
    t.tcps[0]!.miniportOffloadContext!.value = null; // offloaded but no PVOID
    w.target.complete('initiate', list);
    w.target.complete('initiate', list); // and a second completion
    expect(rules(w.ndis)).toEqual([['R14', 'toe'], ['R7', 'toe']]);
    expect(w.host.of('initiate')).toHaveLength(1);
  });

  it('R38 a target below an IM returning SUCCESS from MiniportTcpOffloadSend is blamed alone', () => {
    const w = world(1, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    w.target.offloadAll(t.root);
    w.target.complete('initiate', t.root);
    w.target.ioStatus = NdisStatus.SUCCESS;
    expect(w.ndis.offloadTcpSend(t.handles.tcps[0]!, sendNbl(w.memory, bytes(4)))).toBe(NdisStatus.PENDING);
    expect(rules(w.ndis)).toEqual([['R38', 'toe']]);
    expect((w.target.ioCalls[0]!.context as ProgrammableObject).target).toBe('toe');
  });

  it('a ProgrammableTarget used correctly produces no violation (the baseline for the tests above)', () => {
    const w = offloaded(2);
    expect(w.ndis.violations).toEqual([]);
    expect(w.target).toBeInstanceOf(ProgrammableTarget);
  });
});
