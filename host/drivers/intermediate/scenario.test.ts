/**
 * One chimney scenario run with 0, 1 and 3 intermediate drivers between the host and the
 * scripted target: the host must see exactly the same statuses, bytes and order of
 * completions whatever the depth, every completion on the binding that issued the request,
 * and NDIS must record no rule violation.
 */
import { describe, expect, it } from 'vitest';
import { chainNbls, nblArray, type NetBufferList } from '../../ndis/nbl.js';
import { TcpDisconnectFlags, traverse, type NdisOffloadHandle, type OffloadBlockList } from '../../ndis/offload.js';
import { ndisStatusName } from '../../ndis/status.js';
import {
  bytes, hang, initiateTree, neighborNode, pathNode, receiveNbl, scripted, sendNbl, targetObjectOf, tcpNode, tcpSegment, world,
} from './fixtures.js';

interface Outcome {
  readonly transcript: string[];
  readonly timeline: string[];
  readonly bindingContexts: Set<unknown>;
  readonly contextDepths: number[];
  readonly violations: unknown[];
  readonly leftovers: { outstandingIo: number; outstandingState: number; callEntries: number; offloadEntries: number; unroutable: number; dropped: number };
}

function run(depth: number): Outcome {
  const w = world(depth, scripted());
  const { ndis, q, memory, target, host, binding } = w;
  const names = new Map<NetBufferList | NdisOffloadHandle, string>();
  const name = <T extends NetBufferList | NdisOffloadHandle>(x: T, n: string): T => { names.set(x, n); return x; };
  const label = (x: NetBufferList | NdisOffloadHandle | null): string => (x ? names.get(x) ?? '?' : '-');
  const statuses = (list: OffloadBlockList) => [...traverse(list)].map((n) => `${n.layer}=${ndisStatusName(n.status)}`).join(',');

  // 1. initiate neighbor → path → 2 × TCP
  const t = initiateTree(2);
  name(t.handles.neighbor, 'N');
  name(t.handles.path, 'P');
  const [h1, h2] = [name(t.handles.tcps[0]!, 'T1'), name(t.handles.tcps[1]!, 'T2')];
  ndis.initiateOffload(binding, t.root);
  q.drain();
  const o1 = targetObjectOf(h1);
  const o2 = targetObjectOf(h2);

  // 2. sends on T1: a chain of two NBLs, then one more; the peer acknowledges in two steps
  const s1 = name(sendNbl(memory, bytes(100, 1), [60, 40]), 's1');
  const s2 = name(sendNbl(memory, bytes(50, 2)), 's2');
  const s3 = name(sendNbl(memory, bytes(30, 3)), 's3');
  ndis.offloadTcpSend(h1, chainNbls([s1, s2])!);
  ndis.offloadTcpSend(h1, s3);
  q.drain();
  target.acknowledge(o1, 120);
  q.drain();
  target.acknowledge(o1, 60);
  q.drain();

  // 3. receives on T2: a push buffer and a no-push buffer, filled by two deliveries
  const r1 = name(receiveNbl(memory, 64), 'r1');
  const r2 = name(receiveNbl(memory, 32, true), 'r2');
  ndis.offloadTcpReceive(h2, chainNbls([r1, r2])!);
  q.drain();
  target.deliver(o2, bytes(80, 4));
  q.drain();
  target.deliver(o2, bytes(16, 5));
  q.drain();

  // 4. forward two segments on T1
  const f1 = name(tcpSegment(memory, { srcPort: 80, dstPort: 49152, seq: 1000, ack: 1, payload: bytes(10, 6) }), 'f1');
  const f2 = name(tcpSegment(memory, { srcPort: 80, dstPort: 49152, seq: 1010, ack: 1, payload: bytes(5, 7) }), 'f2');
  ndis.offloadTcpForward(h1, chainNbls([f1, f2])!);
  q.drain();
  target.completeForwards(o1);
  q.drain();

  // 5. graceful disconnect of T1 with 10 bytes before the FIN; the peer acknowledges
  const d1 = name(sendNbl(memory, bytes(10, 8)), 'd1');
  ndis.offloadTcpDisconnect(h1, d1, TcpDisconnectFlags.GRACEFUL);
  q.drain();
  target.acknowledge(o1, 10);
  q.drain();

  // 6. the peer closes T2 (an event up), and asks for T1's upload
  target.peerFin(o2);
  target.requestUpload(o1, 8);
  q.drain();

  // 7. query both connections, update the path MTU, invalidate the neighbor
  const query = hang(tcpNode(h1), tcpNode(h2, 49153));
  query.nextBlock = query.dependentBlockList;
  query.dependentBlockList = null;
  ndis.queryOffloadState(binding, query);
  q.drain();
  const update = pathNode(t.handles.path, true, 1400);
  ndis.updateOffload(binding, update);
  q.drain();
  const invalidate = neighborNode(t.handles.neighbor, false);
  ndis.invalidateOffload(binding, invalidate);
  q.drain();

  // 8. outstanding work, then terminate everything: T2's unacknowledged send comes back
  const r3 = name(receiveNbl(memory, 16), 'r3');
  ndis.offloadTcpReceive(h1, r3);
  const s4 = name(sendNbl(memory, bytes(40, 9)), 's4');
  const s5 = name(sendNbl(memory, bytes(20, 10)), 's5');
  ndis.offloadTcpSend(h2, chainNbls([s4, s5])!);
  q.drain();
  const terminate = hang(neighborNode(t.handles.neighbor), hang(pathNode(t.handles.path), tcpNode(h1), tcpNode(h2, 49153)));
  ndis.terminateOffload(binding, terminate);
  q.drain();

  const transcript: string[] = [];
  const contextDepths: number[] = [];
  const bindingContexts = new Set<unknown>();
  for (const c of host.completions) {
    bindingContexts.add(c.bindingContext);
    contextDepths.push(...(c.contextDepths ?? []));
    if (c.list) {
      let line = `${c.op} ${statuses(c.list)}`;
      for (const n of traverse(c.list)) {
        line += ` ${label(n.offloadHandle)}:${n.view}`;
        const d = n.tcp.delegated;
        if (c.op === 'query' && d) line += ` backlog=${d.sendBacklogSize}/${d.receiveBacklogSize}`;
        if (c.op === 'terminate' && n.layer === 'tcp')
          line += ` returned=[${nblArray(n.netBufferListChain).map(label).join(',')}] head=${label(d?.sendDataHead ?? null)} tail=${label(d?.sendDataTail ?? null)}`;
      }
      transcript.push(line);
    } else {
      const parts = c.nbls!.map((n) => {
        const data = n.firstNetBuffer!;
        return `${label(n)}:${ndisStatusName(n.status)}:${n.info.tcpOffloadBytesTransferred}:off${data.dataOffset}`;
      });
      transcript.push(`${c.op} ${parts.join(' ')}`);
    }
  }
  for (const e of host.events) transcript.push(`event ${e.eventType} ${e.info} on ${label(e.handle)}`);
  const r1Data = r1.firstNetBuffer!.read();
  transcript.push(`r1 holds ${Buffer.from(r1Data.subarray(0, 8)).toString('hex')}… r2 holds ${Buffer.from(r2.firstNetBuffer!.read().subarray(0, 8)).toString('hex')}…`);
  for (const n of [s1, s2, s3, s4, s5, r1, r2, r3, f1, f2, d1]) contextDepths.push(n.contextDepth);
  return {
    transcript,
    timeline: host.timeline,
    bindingContexts,
    contextDepths,
    violations: ndis.violations,
    leftovers: {
      outstandingIo: ndis.outstandingIo,
      outstandingState: ndis.outstandingStateOperations,
      callEntries: w.ims.reduce((a, im) => a + im.callEntries.size, 0),
      offloadEntries: w.ims.reduce((a, im) => a + im.offloadEntries.length, 0),
      unroutable: w.ims.reduce((a, im) => a + im.counters.unroutable, 0),
      dropped: w.ims.reduce((a, im) => a + im.counters.droppedIndications, 0),
    },
  };
}

describe('the same chimney scenario through 0, 1 and 3 intermediate drivers', () => {
  const outcomes = new Map([0, 1, 3].map((d) => [d, run(d)] as const));
  const direct = outcomes.get(0)!;

  it('R37 R86 R87 R88 gives the host identical statuses, bytes and completion order at every depth', () => {
    expect(direct.transcript).toHaveLength(15);
    expect(outcomes.get(1)!.transcript).toEqual(direct.transcript);
    expect(outcomes.get(3)!.transcript).toEqual(direct.transcript);
    expect(outcomes.get(1)!.timeline).toEqual(direct.timeline);
    expect(outcomes.get(3)!.timeline).toEqual(direct.timeline);
  });

  it('has the expected outcome at depth 0 (the reference the stacked runs are compared with)', () => {
    expect(direct.transcript).toMatchInlineSnapshot(`
      [
        "initiate neighbor=NDIS_STATUS_SUCCESS,path=NDIS_STATUS_SUCCESS,tcp=NDIS_STATUS_SUCCESS,tcp=NDIS_STATUS_SUCCESS N:protocol P:protocol T1:protocol T2:protocol",
        "send s1:NDIS_STATUS_SUCCESS:100:off100",
        "send s2:NDIS_STATUS_SUCCESS:50:off50 s3:NDIS_STATUS_SUCCESS:30:off30",
        "receive r1:NDIS_STATUS_SUCCESS:64:off0",
        "receive r2:NDIS_STATUS_SUCCESS:32:off0",
        "forward f1:NDIS_STATUS_SUCCESS:0:off0 f2:NDIS_STATUS_SUCCESS:0:off0",
        "disconnect d1:NDIS_STATUS_SUCCESS:10:off0",
        "query tcp=NDIS_STATUS_SUCCESS,tcp=NDIS_STATUS_SUCCESS T1:protocol backlog=4294967295/4294967295 T2:protocol backlog=4294967295/4294967295",
        "update path=NDIS_STATUS_SUCCESS P:protocol",
        "invalidate neighbor=NDIS_STATUS_SUCCESS N:protocol",
        "receive r3:NDIS_STATUS_UPLOAD_IN_PROGRESS:0:off0",
        "terminate neighbor=NDIS_STATUS_SUCCESS,path=NDIS_STATUS_SUCCESS,tcp=NDIS_STATUS_SUCCESS,tcp=NDIS_STATUS_SUCCESS N:protocol P:protocol T1:protocol returned=[] head=- tail=- T2:protocol returned=[s4,s5] head=s4 tail=s5",
        "event 2 0 on T2",
        "event 3 8 on T1",
        "r1 holds 7c7d7e7f80818283… r2 holds bcbdbebfc0c1c2c3…",
      ]
    `);
  });

  for (const [depth, o] of outcomes) {
    it(`R89 at depth ${depth}: every completion arrives on the host's own binding with every NBL context freed`, () => {
      expect([...o.bindingContexts]).toEqual(['tcpip-binding']);
      expect(o.contextDepths.every((d) => d === 0)).toBe(true);
    });

    it(`R7 at depth ${depth}: nothing is left outstanding and NDIS recorded no violation`, () => {
      expect(o.violations).toEqual([]);
      expect(o.leftovers).toEqual({ outstandingIo: 0, outstandingState: 0, callEntries: 0, offloadEntries: 0, unroutable: 0, dropped: 0 });
    });
  }
});
