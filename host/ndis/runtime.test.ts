import { describe, expect, it } from 'vitest';
import { HostMemory } from '../device/memory.js';
import { ScriptedTarget, type TargetObject } from '../drivers/testing/scripted-target.js';
import type { BytesConsumed, ClientChimneyGeneric, ClientChimneyTcp } from './characteristics.js';
import { allocateNbl, nblArray, type NetBufferList } from './nbl.js';
import { ChimneyOffloadType, OffloadBlockList, OffloadStateType, emptyTcpDelegated, newOffloadHandle, type NdisOffloadHandle } from './offload.js';
import { Ndis, NdisUsageError } from './runtime.js';
import { NdisStatus, ndisStatusName } from './status.js';

/** A minimal host protocol that records every completion and indication it gets. */
function recordingProtocol(ndis: Ndis, name: string) {
  const log: string[] = [];
  const completions: { op: string; list?: OffloadBlockList; nbls?: NetBufferList[] }[] = [];
  const handle = ndis.registerProtocol(name);
  const generic: ClientChimneyGeneric = {
    kind: 'client-generic',
    initiateOffloadComplete: (_c, list) => { completions.push({ op: 'initiate', list }); },
    terminateOffloadComplete: (_c, list) => { completions.push({ op: 'terminate', list }); },
    updateOffloadComplete: (_c, list) => { completions.push({ op: 'update', list }); },
    invalidateOffloadComplete: (_c, list) => { completions.push({ op: 'invalidate', list }); },
    queryOffloadComplete: (_c, list) => { completions.push({ op: 'query', list }); },
    indicateOffloadEvent: () => { log.push('offload-event'); },
  };
  const tcp: ClientChimneyTcp = {
    kind: 'client-tcp',
    offloadType: ChimneyOffloadType.TCP,
    tcpOffloadSendComplete: (_c, nbl) => { completions.push({ op: 'send', nbls: nblArray(nbl) }); },
    tcpOffloadReceiveComplete: (_c, nbl) => { completions.push({ op: 'receive', nbls: nblArray(nbl) }); },
    tcpOffloadDisconnectComplete: (_c, nbl) => { completions.push({ op: 'disconnect', nbls: nblArray(nbl) }); },
    tcpOffloadForwardComplete: (_c, nbl) => { completions.push({ op: 'forward', nbls: nblArray(nbl) }); },
    tcpOffloadEvent: (_h, type, info) => { log.push(`event ${type} ${info}`); },
    tcpOffloadReceiveIndicate: (_h, _nbl, _s, bc: BytesConsumed) => { bc.value = 0; return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED; },
  };
  ndis.setOptionalHandlers(handle, generic);
  ndis.setOptionalHandlers(handle, tcp);
  return { handle, log, completions };
}

function tree(): { root: OffloadBlockList; tcp: OffloadBlockList; handles: NdisOffloadHandle[] } {
  const hn = newOffloadHandle();
  const hp = newOffloadHandle();
  const ht = newOffloadHandle();
  const root = new OffloadBlockList(OffloadStateType.NEIGHBOR, hn, { const: { dlSourceAddress: new Uint8Array(6), vlanId: 0 }, cached: { dlDestinationAddress: new Uint8Array(6), hostReachabilityDelta: 0 }, delegated: { nicReachabilityDelta: 0 } });
  const path = new OffloadBlockList(OffloadStateType.IP4, hp, { const: { sourceAddress: Uint8Array.of(192, 0, 2, 1), destinationAddress: Uint8Array.of(192, 0, 2, 2) }, cached: { pathMtu: 1500 }, delegated: {} });
  const tcp = new OffloadBlockList(OffloadStateType.TCP, ht, { delegated: { ...emptyTcpDelegated(), state: 4 } });
  root.dependentBlockList = path;
  path.dependentBlockList = tcp;
  return { root, tcp, handles: [hn, hp, ht] };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('NDIS runtime with a scripted target', () => {
  it('routes an initiate down and its completion up with the same block-list pointer, and I/O both ways', async () => {
    const ndis = new Ndis();
    const mem = new HostMemory(1 << 20);
    const target = new ScriptedTarget(ndis, 'target', mem);
    const proto = recordingProtocol(ndis, 'tcpip');
    const binding = ndis.openAdapter(proto.handle, target.handle, 'ctx');
    const t = tree();
    ndis.initiateOffload(binding, t.root);
    expect(proto.completions).toEqual([]); // never inline
    await settle();
    expect(proto.completions[0]!.list).toBe(t.root);
    expect([t.root.status, t.root.dependentBlockList!.status, t.tcp.status].map(ndisStatusName)).toEqual(['NDIS_STATUS_SUCCESS', 'NDIS_STATUS_SUCCESS', 'NDIS_STATUS_SUCCESS']);
    expect(t.handles.every((h) => h.miniportOffloadContext !== null)).toBe(true);

    const { nbl } = allocateNbl(mem, 100, { data: new Uint8Array(100).fill(7) });
    expect(ndis.offloadTcpSend(t.handles[2]!, nbl)).toBe(NdisStatus.PENDING);
    const obj = t.handles[2]!.miniportOffloadContext as TargetObject;
    target.acknowledge(obj, 99);
    await settle();
    expect(proto.completions.length).toBe(1);
    target.acknowledge(obj, 1);
    await settle();
    expect(proto.completions[1]).toMatchObject({ op: 'send' });
    expect(proto.completions[1]!.nbls![0]).toBe(nbl);
    expect(nbl.status).toBe(NdisStatus.SUCCESS);
    expect(nbl.info.tcpOffloadBytesTransferred).toBe(100);
    expect(ndis.violations).toEqual([]);
  });

  it('refuses I/O on a handle never offloaded with a coded error', () => {
    const ndis = new Ndis();
    expect(() => ndis.offloadTcpSend(newOffloadHandle(), allocateNbl(new HostMemory(4096), 10).nbl)).toThrow(NdisUsageError);
  });
});
