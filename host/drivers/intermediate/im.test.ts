/**
 * The chimney intermediate driver (DIGEST.md §4, R85–R90, R3), mostly through three stacked
 * instances: host → im1 → im2 → im3 → target.
 */
import { describe, expect, it, vi } from 'vitest';
import { HostMemory } from '../../device/memory.js';
import { chainNbls, nblArray, type NetBufferList } from '../../ndis/nbl.js';
import {
  IndicateOffloadEvent, OffloadBlockList, OffloadStateType, TcpDisconnectFlags, TcpOffloadEventType, traverse,
  type NdisOffloadHandle,
} from '../../ndis/offload.js';
import { Ndis } from '../../ndis/runtime.js';
import { NdisStatus, ndisStatusName } from '../../ndis/status.js';
import { ImDriver } from './driver.js';
import { CallEntryState, ImCallEntry, ImOffloadEntry, OffloadEntryState, entryOf } from './entries.js';
import {
  DeferQueue, ProgrammableTarget, RecordingProtocol, bytes, initiateTree, neighborNode, parseTcpHeader, programmable, receiveNbl,
  scripted, sendNbl, targetContextOf, targetObjectOf, tcpNode, tcpSegment, world, type ProgrammableObject,
} from './fixtures.js';

/** The IM offload entries behind a host handle, top IM first. */
function entriesOf(hostHandle: NdisOffloadHandle): ImOffloadEntry[] {
  const out: ImOffloadEntry[] = [];
  for (let e = entryOf(hostHandle.miniportOffloadContext); e; e = entryOf(e.handle.miniportOffloadContext)) out.push(e);
  return out;
}

/** A host over three IMs over a programmable target, with one connection offloaded. */
function offloadedThroughThree() {
  const w = world(3, programmable);
  const t = initiateTree(1);
  w.ndis.initiateOffload(w.binding, t.root);
  const list = w.target.last('initiate');
  w.target.offloadAll(list);
  w.q.defer(() => w.target.complete('initiate', list));
  w.q.drain();
  return { ...w, t, tcp: t.handles.tcps[0]! };
}

/** A host over three IMs over the scripted target, with `n` connections offloaded. */
function scriptedThroughThree(n = 1, capacity?: number) {
  const w = world(3, scripted(capacity));
  const t = initiateTree(n);
  w.ndis.initiateOffload(w.binding, t.root);
  w.q.drain();
  return { ...w, t, tcp: t.handles.tcps[0]! };
}

describe('R3 registration', () => {
  it('R3 an IM registers both chimney sets, so NDIS enables chimney on the bindings above and below it', () => {
    const w = world(1, programmable);
    expect(w.ndis.chimneyEnabled(w.binding)).toBe(true);
    expect(w.ndis.chimneyEnabled(w.ims[0]!.adapts[0]!.bindingHandle)).toBe(true);
    expect(w.ndis.violations).toEqual([]);
  });

  it('R3 an IM that registers no chimney set makes NDIS refuse chimney through it: FAILURE, nothing reaches the target', () => {
    const q = new DeferQueue();
    const ndis = new Ndis({ defer: q.defer });
    const memory = new HostMemory(1 << 16);
    const target = new ProgrammableTarget(ndis, 'toe', memory);
    const im = new ImDriver(ndis, 'plain-im', memory, { defer: q.defer, chimney: 'none' });
    const velan = im.addVirtualMiniport(im.bind(target.handle));
    const host = new RecordingProtocol(ndis, 'tcpip');
    const binding = host.bind(velan.handle);
    expect(ndis.chimneyEnabled(binding)).toBe(false);
    const t = initiateTree(1);
    ndis.initiateOffload(binding, t.root);
    q.drain();
    expect(target.stateCalls).toEqual([]);
    expect(host.of('initiate')).toHaveLength(1);
    expect([...traverse(t.root)].map((n) => ndisStatusName(n.status))).toEqual(Array(3).fill('NDIS_STATUS_FAILURE'));
    expect(t.handles.tcps[0]!.miniportOffloadContext).toBeNull();
  });
});

describe('ProtocolTcpOffloadDisconnectComplete (behaviour a)', () => {
  it('R87 R89 through three IMs the same NBL pointer goes down and comes back, each IM freeing its context before passing it up', () => {
    const w = offloadedThroughThree();
    const d = sendNbl(w.memory, bytes(12));
    expect(w.ndis.offloadTcpDisconnect(w.tcp, d, TcpDisconnectFlags.GRACEFUL)).toBe(NdisStatus.PENDING);
    w.q.drain();
    const call = w.target.ioCalls[0]!;
    expect(call).toMatchObject({ op: 'disconnect', flags: TcpDisconnectFlags.GRACEFUL });
    expect(call.nbl).toBe(d);
    expect(d.contextDepth).toBe(3); // one NET_BUFFER_LIST_CONTEXT entry per IM
    // depth of the NBL context when each IM calls NdisTcpOffloadDisconnectComplete upward
    const seen: [string, number][] = [];
    for (const v of w.velans) {
      const original = v.handlers.tcpOffloadDisconnectComplete;
      vi.spyOn(v.handlers, 'tcpOffloadDisconnectComplete').mockImplementation((m, nbl) => {
        seen.push([v.name, nbl.contextDepth]);
        expect(nbl).toBe(d);
        original(m, nbl);
      });
    }
    d.status = NdisStatus.SUCCESS;
    d.info.tcpOffloadBytesTransferred = 12;
    w.target.completeIo('disconnect', d);
    expect(seen).toEqual([['im3.velan0', 2], ['im2.velan0', 1], ['im1.velan0', 0]]);
    const [c] = w.host.of('disconnect');
    expect(c!.nbls).toEqual([d]);
    expect(c!.nbls![0]).toBe(d);
    expect(c!.contextDepths).toEqual([0]);
    expect(c!.bindingContext).toBe('tcpip-binding');
    expect(ndisStatusName(d.status)).toBe('NDIS_STATUS_SUCCESS');
    expect(w.ndis.violations).toEqual([]);
  });

  it('R89 an IM exporting two virtual miniports routes one batched completion to each host by NET_BUFFER_LIST_CONTEXT', () => {
    const q = new DeferQueue();
    const ndis = new Ndis({ defer: q.defer });
    const memory = new HostMemory(1 << 16);
    const target = new ProgrammableTarget(ndis, 'toe', memory);
    const im = new ImDriver(ndis, 'mux', memory, { defer: q.defer });
    const adapt = im.bind(target.handle);
    const [va, vb] = [im.addVirtualMiniport(adapt), im.addVirtualMiniport(adapt)];
    const hosts = [new RecordingProtocol(ndis, 'hostA'), new RecordingProtocol(ndis, 'hostB')];
    const bindings = [hosts[0]!.bind(va.handle, 'A'), hosts[1]!.bind(vb.handle, 'B')];
    const disconnects: NetBufferList[] = [];
    for (const i of [0, 1]) {
      const t = initiateTree(1);
      ndis.initiateOffload(bindings[i]!, t.root);
      q.drain();
      const list = target.last('initiate');
      target.offloadAll(list);
      target.complete('initiate', list);
      const d = sendNbl(memory, bytes(4, i));
      ndis.offloadTcpDisconnect(t.handles.tcps[0]!, d, TcpDisconnectFlags.ABORTIVE);
      disconnects.push(d);
    }
    q.drain();
    // the target completes both disconnects in one call, B's first: completions carry no
    // connection handle, only the NBL's context says where each goes
    const [dA, dB] = disconnects as [NetBufferList, NetBufferList];
    for (const d of disconnects) d.status = NdisStatus.SUCCESS;
    target.completeIo('disconnect', chainNbls([dB, dA])!);
    expect(hosts[0]!.of('disconnect').map((c) => [c.bindingContext, c.nbls])).toEqual([['A', [dA]]]);
    expect(hosts[1]!.of('disconnect').map((c) => [c.bindingContext, c.nbls])).toEqual([['B', [dB]]]);
    expect(hosts[0]!.of('disconnect')[0]!.nbls![0]).toBe(dA);
    expect(dA.contextDepth + dB.contextDepth).toBe(0);
    expect(im.counters.unroutable).toBe(0);
    expect(ndis.violations).toEqual([]);
  });
});

describe('ProtocolInitiateOffloadComplete (behaviour b)', () => {
  it('R86 R85 each IM rebuilds the miniport block list from the protocol block list it got and calls NdisMInitiateOffloadComplete with that list', () => {
    const w = world(3, programmable);
    const t = initiateTree(2);
    const calls: { miniport: string; root: OffloadBlockList; view: string; ndisOffloadHandle: unknown; context: unknown; imReserved0: unknown }[] = [];
    const original = w.ndis.mInitiateOffloadComplete.bind(w.ndis);
    vi.spyOn(w.ndis, 'mInitiateOffloadComplete').mockImplementation((m, list) => {
      calls.push({
        miniport: m.name, root: list, view: list.view, ndisOffloadHandle: list.ndisOffloadHandle,
        context: list.miniportOffloadContext?.value, imReserved0: list.imReserved[0],
      });
      original(m, list);
    });
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const atTarget = w.target.last('initiate');
    expect(atTarget).toBe(t.root); // the same node objects all the way down
    // what the target sees: the bottom IM's handle and call entry
    const c3 = atTarget.imReserved[0] as ImCallEntry;
    expect(c3).toBeInstanceOf(ImCallEntry);
    expect(c3.velan).toBe(w.velans[2]);
    const c2 = c3.saved.get(atTarget)!.imReserved[0] as ImCallEntry;
    const c1 = c2.saved.get(atTarget)!.imReserved[0] as ImCallEntry;
    w.target.offloadAll(atTarget);
    w.target.complete('initiate', atTarget);
    expect(calls.map((c) => c.miniport)).toEqual(['toe', 'im3.velan0', 'im2.velan0', 'im1.velan0']);
    expect(calls.every((c) => c.root === t.root && c.view === 'miniport')).toBe(true);
    const entries = entriesOf(t.handles.neighbor);
    expect(entries.map((e) => e.velan)).toEqual(w.velans);
    // im1 completes with the host's handle; im2 with im1's; im3 with im2's
    expect(calls[3]!.ndisOffloadHandle).toBe(t.handles.neighbor);
    expect(calls[2]!.ndisOffloadHandle).toBe(entries[0]!.handle);
    expect(calls[1]!.ndisOffloadHandle).toBe(entries[1]!.handle);
    // and has written a pointer to its offload entry into the upper *MiniportOffloadContext first
    expect(calls[3]!.context).toBe(entries[0]);
    expect(calls[2]!.context).toBe(entries[1]);
    expect(calls[1]!.context).toBe(entries[2]);
    // before each NdisMInitiateOffloadComplete ImReserved is back to what that IM received:
    // the call entry of the IM above, and the host's own (empty) slot at the top
    expect(calls.slice(1).map((c) => c.imReserved0)).toEqual([c2, c1, null]);
    expect(calls[1]!.imReserved0).toBe(c2);
    expect(w.ims.every((im) => im.callEntries.size === 0)).toBe(true);
    expect(w.host.of('initiate')[0]!.list).toBe(t.root);
    expect(t.root.view).toBe('protocol');
    expect(t.root.offloadHandle).toBe(t.handles.neighbor);
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('NdisOffloadTcpForward (behaviour c)', () => {
  it('R37 R62 R87 forwarding through three IMs returns PENDING, hands the target one TCP segment per NET_BUFFER from the TCP header, and the completion passes up each IM', () => {
    const w = scriptedThroughThree();
    const segs = [0, 1, 2].map((i) => tcpSegment(w.memory, { srcPort: 80, dstPort: 49152, seq: 5000 + 100 * i, ack: 1, payload: bytes(100, i) }));
    const completedBy: string[] = [];
    for (const v of w.velans) {
      const original = v.handlers.tcpOffloadForwardComplete;
      vi.spyOn(v.handlers, 'tcpOffloadForwardComplete').mockImplementation((m, nbl) => { completedBy.push(v.name); original(m, nbl); });
    }
    expect(w.ndis.offloadTcpForward(w.tcp, chainNbls(segs)!)).toBe(NdisStatus.PENDING);
    expect(w.host.of('forward')).toEqual([]); // never inline
    w.q.drain();
    const o = targetObjectOf(w.tcp);
    expect(o.forwards).toEqual(segs);
    o.forwards.forEach((nbl, i) => {
      expect(nbl).toBe(segs[i]);
      expect([...nbl.netBuffers()]).toHaveLength(1);
      const h = parseTcpHeader(nbl.firstNetBuffer!.read());
      expect(h).toEqual({ srcPort: 80, dstPort: 49152, seq: 5000 + 100 * i, headerLength: 20 });
    });
    w.target.completeForwards(o);
    w.q.drain();
    expect(completedBy).toEqual(['im3.velan0', 'im2.velan0', 'im1.velan0']);
    const [c] = w.host.of('forward');
    expect(c!.nbls).toEqual(segs);
    c!.nbls!.forEach((n, i) => expect(n).toBe(segs[i]));
    expect(c!.contextDepths).toEqual([0, 0, 0]);
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('NdisOffloadTcpReceive (behaviour d)', () => {
  it('R37 R46 R87 posting through three IMs returns PENDING; buffers fill and complete in FIFO order and each completion passes up every IM', () => {
    const w = scriptedThroughThree();
    const posts = [receiveNbl(w.memory, 10), receiveNbl(w.memory, 20, true), receiveNbl(w.memory, 30)];
    const completedBy: string[] = [];
    for (const v of w.velans) {
      const original = v.handlers.tcpOffloadReceiveComplete;
      vi.spyOn(v.handlers, 'tcpOffloadReceiveComplete').mockImplementation((m, nbl) => { completedBy.push(v.name); original(m, nbl); });
    }
    expect(w.ndis.offloadTcpReceive(w.tcp, posts[0]!)).toBe(NdisStatus.PENDING);
    expect(w.ndis.offloadTcpReceive(w.tcp, chainNbls([posts[1]!, posts[2]!])!)).toBe(NdisStatus.PENDING);
    w.q.drain();
    const o = targetObjectOf(w.tcp);
    expect(o.receives).toEqual(posts);
    const data = bytes(45, 9);
    w.target.deliver(o, data.subarray(0, 25)); // fills the first, half of the no-push second
    w.q.drain();
    w.target.deliver(o, data.subarray(25)); // the second is full, the third gets 15 and a push
    w.q.drain();
    const done = w.host.of('receive');
    expect(done.map((c) => c.nbls)).toEqual([[posts[0]], [posts[1], posts[2]]]);
    expect(posts.map((n) => n.info.tcpOffloadBytesTransferred)).toEqual([10, 20, 15]);
    expect(posts.map((n) => ndisStatusName(n.status))).toEqual(Array(3).fill('NDIS_STATUS_SUCCESS'));
    const received = new Uint8Array([...posts[0]!.firstNetBuffer!.read(), ...posts[1]!.firstNetBuffer!.read(), ...posts[2]!.firstNetBuffer!.read().subarray(0, 15)]);
    expect(received).toEqual(data);
    expect(completedBy).toEqual(['im3.velan0', 'im2.velan0', 'im1.velan0', 'im3.velan0', 'im2.velan0', 'im1.velan0']);
    expect(done.flatMap((c) => c.contextDepths)).toEqual([0, 0, 0]);
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('R85 offload entries', () => {
  it('R85 each IM writes a pointer to its offload entry (upper handle + own handle) into the upper MiniportOffloadContext; the target writes into the bottom IM\'s handle', () => {
    const w = offloadedThroughThree();
    for (const h of [w.t.handles.neighbor, w.t.handles.path, w.tcp]) {
      const entries = entriesOf(h);
      expect(entries).toHaveLength(3);
      expect(entries[0]!.upperHandle).toBe(h);
      expect(entries[1]!.upperHandle).toBe(entries[0]!.handle);
      expect(entries[2]!.upperHandle).toBe(entries[1]!.handle);
      expect(entries.every((e) => e.state === OffloadEntryState.OFFLOADED)).toBe(true);
      const pvoid = entries[2]!.handle.miniportOffloadContext as ProgrammableObject;
      expect(pvoid.target).toBe('toe');
      expect(pvoid.ndisOffloadHandle).toBe(entries[2]!.handle); // what the target indicates with (R15)
    }
    expect(w.ims.map((im) => im.offloadEntries.length)).toEqual([3, 3, 3]);
  });

  it('R85 R14 a connection that fails to offload gets nothing written in its upper MiniportOffloadContext and its entries are freed', () => {
    const w = scriptedThroughThree(2, 1);
    const [ok, failed] = w.t.handles.tcps as [NdisOffloadHandle, NdisOffloadHandle];
    expect(ndisStatusName(w.t.tcps[1]!.status)).toBe('NDIS_STATUS_OFFLOAD_TCP_ENTRIES');
    expect(failed.miniportOffloadContext).toBeNull();
    expect(entriesOf(ok)).toHaveLength(3);
    expect(w.ims.map((im) => im.offloadEntries.length)).toEqual([3, 3, 3]); // neighbor, path, one TCP
    expect(w.ndis.violations).toEqual([]);
  });

  it('R85 R86 a second initiate links a new connection under the offloaded path through the IM entries (linkers)', () => {
    const w = scriptedThroughThree(1);
    const more = initiateTree(1);
    // a tree of linkers: the host's existing neighbor and path handles, one new TCP
    const root = neighborNode(w.t.handles.neighbor, false);
    const path = new OffloadBlockList(OffloadStateType.IP4, w.t.handles.path, {});
    root.dependentBlockList = path;
    path.dependentBlockList = more.tcps[0]!;
    w.ndis.initiateOffload(w.binding, root);
    w.q.drain();
    expect([...traverse(root)].map((n) => ndisStatusName(n.status))).toEqual(Array(3).fill('NDIS_STATUS_SUCCESS'));
    expect(entriesOf(more.handles.tcps[0]!)).toHaveLength(3);
    expect(w.target.tcpObjects).toHaveLength(2);
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('R86 call entries and the overlay', () => {
  it('R86 each IM saves ImReserved and SourceHandle in a call entry referenced from ImReserved, and restores both before completing', () => {
    const w = offloadedThroughThree();
    const q = tcpNode(w.tcp);
    q.imReserved = ['host-0', 'host-1'];
    q.sourceHandle = 'host-source';
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    const atTarget = w.target.last('query');
    expect(atTarget).toBe(q);
    // a chain of call entries: im3's saved fields name im2's call entry, im2's name im1's
    const c3 = q.imReserved[0] as ImCallEntry;
    const c2 = c3.saved.get(q)!.imReserved[0] as ImCallEntry;
    const c1 = c2.saved.get(q)!.imReserved[0] as ImCallEntry;
    expect([c3.velan, c2.velan, c1.velan]).toEqual([w.velans[2], w.velans[1], w.velans[0]]);
    expect(c1.saved.get(q)).toMatchObject({ imReserved: ['host-0', 'host-1'], sourceHandle: 'host-source' });
    expect([c1, c2, c3].every((c) => c.state === CallEntryState.PENDING)).toBe(true);
    // the node is overlaid as a protocol block list whose OffloadHandle is the bottom IM's handle
    expect(q.view).toBe('miniport'); // NDIS converted it again for the target
    expect(q.ndisOffloadHandle).toBe(entriesOf(w.tcp)[2]!.handle);
    // the layers below are free to reuse the fields; they come back anyway
    q.sourceHandle = 'scribbled by the target';
    w.target.setAll(q);
    w.target.complete('query', q);
    expect(w.host.of('query')[0]!.list).toBe(q);
    expect(q.imReserved).toEqual(['host-0', 'host-1']);
    expect(q.sourceHandle).toBe('host-source');
    expect(q.offloadHandle).toBe(w.tcp);
    expect([c1, c2, c3].every((c) => c.state === CallEntryState.FREED)).toBe(true);
    expect(w.ims.every((im) => im.callEntries.size === 0)).toBe(true);
    expect(w.ndis.violations).toEqual([]);
  });

  it('R86 the state structures stay on the same node objects down and back: a query fills the host\'s own structures', () => {
    const w = scriptedThroughThree();
    const q = tcpNode(w.tcp);
    const delegated = q.tcp.delegated!;
    w.ndis.queryOffloadState(w.binding, q);
    w.q.drain();
    expect(q.tcp.delegated).toBe(delegated);
    expect(delegated.sendBacklogSize).toBe(0xffffffff);
    expect(w.target.stateLog.at(-1)!.list).toBe(q);
  });

  it('R86 R12 per-block statuses pass through the IMs unchanged (OFFLOAD_PARTIAL_SUCCESS, resource codes, FAILURE)', () => {
    const w = world(3, programmable);
    const t = initiateTree(3);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const list = w.target.last('initiate');
    w.target.offloadAll(list);
    // the target could place only the first connection
    list.status = NdisStatus.SUCCESS;
    t.path.status = NdisStatus.OFFLOAD_PARTIAL_SUCCESS;
    for (const [i, status] of [NdisStatus.OFFLOAD_TCP_ENTRIES, NdisStatus.OFFLOAD_TCP_RCV_WINDOW].entries()) {
      const n = t.tcps[i + 1]!;
      n.status = status;
      n.miniportOffloadContext!.value = null;
    }
    w.target.complete('initiate', list);
    expect([...traverse(t.root)].map((n) => ndisStatusName(n.status))).toEqual([
      'NDIS_STATUS_SUCCESS', 'NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS', 'NDIS_STATUS_SUCCESS', 'NDIS_STATUS_OFFLOAD_TCP_ENTRIES', 'NDIS_STATUS_OFFLOAD_TCP_RCV_WINDOW',
    ]);
    expect(t.handles.tcps.map((h) => h.miniportOffloadContext !== null)).toEqual([true, false, false]);
    expect(w.ims.map((im) => im.offloadEntries.length)).toEqual([3, 3, 3]);
    expect(w.ndis.violations).toEqual([]);
  });
});

describe('R87 I/O with the IM\'s own handle', () => {
  it('R87 R92 every request reaches the target with the PVOID it wrote into the bottom IM\'s handle, the same NBL and the same Flags', () => {
    const w = offloadedThroughThree();
    const pvoid = targetContextOf(w.tcp);
    const s = sendNbl(w.memory, bytes(8));
    const r = receiveNbl(w.memory, 8);
    const f = tcpSegment(w.memory, { srcPort: 80, dstPort: 49152, seq: 1, ack: 1, payload: bytes(3) });
    const d = sendNbl(w.memory, bytes(1));
    w.ndis.offloadTcpSend(w.tcp, s);
    w.ndis.offloadTcpReceive(w.tcp, r);
    w.ndis.offloadTcpForward(w.tcp, f);
    w.ndis.offloadTcpDisconnect(w.tcp, d, TcpDisconnectFlags.ABORTIVE);
    w.q.drain();
    expect(w.target.ioCalls.map((c) => [c.op, c.context, c.nbl, c.flags])).toEqual([
      ['send', pvoid, s, 0], ['receive', pvoid, r, 0], ['forward', pvoid, f, 0], ['disconnect', pvoid, d, TcpDisconnectFlags.ABORTIVE],
    ]);
    expect(w.target.ioCalls.every((c, i) => c.nbl === [s, r, f, d][i])).toBe(true);
  });

  it('R87 a send completion brings the same NBL chain pointers back to the host in order', () => {
    const w = offloadedThroughThree();
    const sends = [sendNbl(w.memory, bytes(5)), sendNbl(w.memory, bytes(6)), sendNbl(w.memory, bytes(7))];
    w.ndis.offloadTcpSend(w.tcp, chainNbls(sends)!);
    w.q.drain();
    const head = w.target.ioCalls[0]!.nbl;
    expect(head).toBe(sends[0]);
    for (const n of nblArray(head)) { n.status = NdisStatus.SUCCESS; n.info.tcpOffloadBytesTransferred = n.firstNetBuffer!.dataLength; }
    w.target.completeIo('send', head);
    const [c] = w.host.of('send');
    c!.nbls!.forEach((n, i) => expect(n).toBe(sends[i]));
    expect(c!.contextDepths).toEqual([0, 0, 0]);
  });
});

describe('R88 indications', () => {
  it('R88 R15 events reach the host with its own handle and unchanged type and EventSpecificInformation', () => {
    const w = scriptedThroughThree(2);
    const [h1, h2] = w.t.handles.tcps as [NdisOffloadHandle, NdisOffloadHandle];
    w.target.requestUpload(targetObjectOf(h2), 3);
    w.target.peerFin(targetObjectOf(h1));
    w.q.drain();
    expect(w.host.events).toEqual([
      { handle: h2, eventType: TcpOffloadEventType.RETRIEVE, info: 3 },
      { handle: h1, eventType: TcpOffloadEventType.DISCONNECT, info: 0 },
    ]);
    expect(w.host.events[0]!.handle).toBe(h2);
  });

  it('R88 R53 a receive indication reaches the host with the same NBL and Status, and each IM returns what the host returned', () => {
    const w = scriptedThroughThree();
    const o = targetObjectOf(w.tcp);
    const answers: [RecordingProtocol['accept'], number, number][] = [
      ['all', NdisStatus.SUCCESS, 40], ['none', NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED, 0], [15, NdisStatus.OFFLOAD_DATA_PARTIALLY_ACCEPTED, 15],
    ];
    for (const [accept, status, consumed] of answers) {
      w.host.accept = accept;
      const nbl = sendNbl(w.memory, bytes(40));
      expect(w.target.indicate(o, nbl)).toEqual({ status, consumed });
      const seen = w.host.indications.at(-1)!;
      expect(seen.nbl).toBe(nbl);
      expect(seen.handle).toBe(w.tcp);
      expect(seen.status).toBe(NdisStatus.SUCCESS);
    }
    expect(w.ndis.violations).toEqual([]);
  });

  it('R19 an event the target indicates before its initiate completes is held by the IM and reaches the host after the initiate completion', () => {
    const w = world(3, programmable);
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    w.q.drain();
    const list = w.target.last('initiate');
    w.target.offloadAll(list);
    const tcpAtTarget = [...traverse(list)][2]!;
    w.target.handlers.tcpOffloadEventHandler(tcpAtTarget.ndisOffloadHandle!, TcpOffloadEventType.RETRIEVE, 10); // too early
    expect(w.host.events).toEqual([]);
    w.target.complete('initiate', list);
    expect(w.host.timeline).toEqual(['initiate', `event:${TcpOffloadEventType.RETRIEVE}`]);
    expect(w.host.events[0]!.handle).toBe(t.handles.tcps[0]);
    expect(w.ndis.violations.map((v) => [v.rule, v.by])).toEqual([['R19', 'toe']]); // only the target is blamed
  });

  it('R70 NdisMOffloadEventIndicate: each IM re-indicates NeighborReachabilityQuery on its own miniport with the host\'s handle, and the HRD comes back synchronously', () => {
    const w = offloadedThroughThree();
    w.host.hostReachabilityDelta = 1234;
    const bottom = entriesOf(w.t.handles.neighbor)[2]!;
    const node = neighborNode(bottom.handle); // the target names the neighbor by the handle it stored
    node.status = NdisStatus.SUCCESS;
    w.ndis.mOffloadEventIndicate(w.target.handle, node, IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY);
    expect(w.host.offloadEvents).toHaveLength(1);
    expect(w.host.offloadEvents[0]!).toMatchObject({ bindingContext: 'tcpip-binding', code: IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY });
    expect(w.host.offloadEvents[0]!.list).toBe(node);
    expect(w.host.offloadEvents[0]!.handle).toBe(w.t.handles.neighbor);
    expect(node.neighbor.cached!.hostReachabilityDelta).toBe(1234);
    expect(node.offloadHandle).toBe(bottom.handle); // restored for the target
  });

  it('R72 OFFLOAD_PAUSE, UPLOAD_ALL and OFFLOAD_RESUME pass up every IM to the host unchanged and in order', () => {
    const w = offloadedThroughThree();
    for (const s of [NdisStatus.OFFLOAD_PAUSE, NdisStatus.UPLOAD_ALL, NdisStatus.OFFLOAD_RESUME]) w.ndis.mIndicateStatusEx(w.target.handle, s);
    expect(w.host.statuses).toEqual([
      { bindingContext: 'tcpip-binding', status: NdisStatus.OFFLOAD_PAUSE },
      { bindingContext: 'tcpip-binding', status: NdisStatus.UPLOAD_ALL },
      { bindingContext: 'tcpip-binding', status: NdisStatus.OFFLOAD_RESUME },
    ]);
  });
});

describe('R90 a send the IM cannot propagate', () => {
  it('R90 completes upward with REQUEST_UPLOAD on the first NBL and UPLOAD_REQUESTED on the rest, never calling down', () => {
    const w = offloadedThroughThree();
    w.ims[1]!.failSendAllocations = true; // the middle IM runs out of memory
    const sends = [sendNbl(w.memory, bytes(5)), sendNbl(w.memory, bytes(6)), sendNbl(w.memory, bytes(7))];
    expect(w.ndis.offloadTcpSend(w.tcp, chainNbls(sends)!)).toBe(NdisStatus.PENDING);
    expect(w.host.of('send')).toEqual([]); // not inline
    w.q.drain();
    expect(w.target.ioCalls).toEqual([]);
    const [c] = w.host.of('send');
    expect(c!.nbls).toEqual(sends);
    expect(sends.map((n) => ndisStatusName(n.status))).toEqual(['NDIS_STATUS_REQUEST_UPLOAD', 'NDIS_STATUS_UPLOAD_REQUESTED', 'NDIS_STATUS_UPLOAD_REQUESTED']);
    expect(sends.map((n) => n.info.tcpOffloadBytesTransferred)).toEqual([0, 0, 0]);
    expect(c!.contextDepths).toEqual([0, 0, 0]); // im1's context was freed on the way back
    expect(w.ims[1]!.counters.sendAllocationFailures).toBe(1);
    expect(w.ndis.violations).toEqual([]);
    expect(w.ndis.outstandingIo).toBe(0);
  });
});

describe('receive-return', () => {
  it('R39 NdisOffloadTcpReceiveReturn passes down synchronously through every IM and returns SUCCESS, with no completion', () => {
    const w = offloadedThroughThree();
    const nbl = sendNbl(w.memory, bytes(10));
    expect(w.ndis.offloadTcpReceiveReturn(w.binding, nbl)).toBe(NdisStatus.SUCCESS);
    expect(w.target.returned).toEqual([nbl]); // already there: synchronous
    w.q.drain();
    expect(w.host.completions.filter((c) => c.op !== 'initiate')).toEqual([]);
  });
});

describe('containment', () => {
  it('R7 a target completing inline under an IM is recorded against the target; the host still gets one asynchronous completion', () => {
    const w = world(1, programmable);
    w.target.onState = (op, list) => {
      w.target.offloadAll(list);
      w.target.complete(op, list); // inline: forbidden
    };
    const t = initiateTree(1);
    w.ndis.initiateOffload(w.binding, t.root);
    expect(w.host.completions).toEqual([]);
    w.q.drain();
    expect(w.host.of('initiate')).toHaveLength(1);
    expect(w.ndis.violations.map((v) => [v.rule, v.by])).toEqual([['R7', 'toe']]);
  });

  it('a virtual miniport refuses to halt while objects are offloaded through it, and halts once they are uploaded', () => {
    const w = scriptedThroughThree();
    expect(() => w.velans[0]!.halt()).toThrow(/offloaded objects remain/);
    const h = w.t.handles;
    const terminate = neighborNode(h.neighbor);
    terminate.dependentBlockList = new OffloadBlockList(OffloadStateType.IP4, h.path, {});
    terminate.dependentBlockList.dependentBlockList = tcpNode(w.tcp);
    w.ndis.terminateOffload(w.binding, terminate);
    w.q.drain();
    expect(w.ims.map((im) => im.offloadEntries.length)).toEqual([0, 0, 0]);
    w.velans[0]!.halt();
    expect(w.velans[0]!.state).toBe('halted');
  });
});
