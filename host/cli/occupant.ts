/**
 * Occupants: idle connections installed on a card by a second protocol binding, beside the
 * offload client, so that a scenario can fill the card's connection table without opening a
 * thousand real connections. They go through the same NDIS initiate, miniport and card as the
 * client's (state blocks read by DMA, a hash-table entry and a TCB each); they carry no data,
 * have nothing outstanding and so start no timer. Their peer, 203.0.113.5 (TEST-NET-3), does
 * not exist: nothing is ever sent to it. At the end `check` queries every one of them, which
 * shows a full table, and the refused initiate beyond it, left them as they were installed.
 */
import type { ClientChimneyGeneric, ClientChimneyTcp, NdisHandle } from '../ndis/characteristics.js';
import { ChimneyOffloadType, OffloadBlockList, OffloadStateType, emptyTcpDelegated, newOffloadHandle, type NdisOffloadHandle } from '../ndis/offload.js';
import type { Ndis } from '../ndis/runtime.js';
import { NdisStatus, ndisStatusName } from '../ndis/status.js';

/** local ports of the occupants: consecutive, so the card's XOR-fold hash spreads them (toe_hash) */
const FIRST_PORT = 20000;
const PEER_PORT = 9;
const SND_NXT = 0x1000_0000;
const RCV_NXT = 0x2000_0000;

export class Occupants {
  /** set once the initiate completed: how many the card took, and the first refusal's status */
  installed: number | undefined;
  firstRefusal = '';
  private readonly binding: NdisHandle;
  private readonly handles: { neighbor: NdisOffloadHandle; path: NdisOffloadHandle; tcp: NdisOffloadHandle[] };
  private queried: OffloadBlockList | undefined;
  private queryDone = false;

  /** Binds a protocol named `name` to `miniport` and initiates `count` idle connections from `localIp`. */
  constructor(private readonly ndis: Ndis, miniport: NdisHandle, count: number, localIp: Uint8Array, name = 'occupant') {
    const proto = ndis.registerProtocol(name);
    const generic: ClientChimneyGeneric = {
      kind: 'client-generic',
      initiateOffloadComplete: (_c, list) => this.initiated(list),
      terminateOffloadComplete: () => {},
      updateOffloadComplete: () => {},
      invalidateOffloadComplete: () => {},
      queryOffloadComplete: () => { this.queryDone = true; },
      indicateOffloadEvent: () => {},
    };
    const tcp: ClientChimneyTcp = {
      kind: 'client-tcp', offloadType: ChimneyOffloadType.TCP,
      tcpOffloadSendComplete: () => {}, tcpOffloadReceiveComplete: () => {}, tcpOffloadDisconnectComplete: () => {},
      tcpOffloadForwardComplete: () => {}, tcpOffloadEvent: () => {}, tcpOffloadReceiveIndicate: () => NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED,
    };
    ndis.setOptionalHandlers(proto, generic);
    ndis.setOptionalHandlers(proto, tcp);
    this.binding = ndis.openAdapter(proto, miniport, this);
    this.handles = { neighbor: newOffloadHandle(), path: newOffloadHandle(), tcp: Array.from({ length: count }, () => newOffloadHandle()) };
    const neighbor = new OffloadBlockList(OffloadStateType.NEIGHBOR, this.handles.neighbor, {
      const: { dlSourceAddress: new Uint8Array(32), vlanId: 0 },
      cached: { dlDestinationAddress: Uint8Array.of(2, 0, 0, 0, 0, 0x99), hostReachabilityDelta: 0 },
      delegated: { nicReachabilityDelta: 0 },
    });
    const path = new OffloadBlockList(OffloadStateType.IP4, this.handles.path, {
      const: { sourceAddress: localIp, destinationAddress: Uint8Array.of(203, 0, 113, 5) }, cached: { pathMtu: 1500 }, delegated: {},
    });
    neighbor.dependentBlockList = path;
    let last: OffloadBlockList | null = null;
    this.handles.tcp.forEach((h, i) => {
      const b = new OffloadBlockList(OffloadStateType.TCP, h, {
        const: { flags: 0, remotePort: PEER_PORT, localPort: FIRST_PORT + i, sndWindScale: 0, rcvWindScale: 0, remoteMss: 1460, hashValue: 0 },
        cached: { flags: 0, initialRcvWnd: 65535, rcvIndicationSize: 0, kaProbeCount: 0, kaTimeout: 0, kaInterval: 0, maxRt: 0, flowLabel: 0, ttlOrHopLimit: 64, tosOrTrafficClass: 0, userPriority: 0 },
        delegated: { ...emptyTcpDelegated(), state: 4, rcvNxt: RCV_NXT, rcvWnd: 65535, sndUna: SND_NXT, sndNxt: SND_NXT, sndMax: SND_NXT, sndWnd: 65535, maxSndWnd: 65535, cWnd: 14600, ssThresh: 65535 },
      });
      if (last) last.nextBlock = b;
      else path.dependentBlockList = b;
      last = b;
    });
    ndis.initiateOffload(this.binding, neighbor);
  }

  private initiated(root: OffloadBlockList): void {
    let ok = 0;
    for (let b = root.dependentBlockList?.dependentBlockList ?? null; b; b = b.nextBlock) {
      if (b.status === NdisStatus.SUCCESS) ok++;
      else if (!this.firstRefusal) this.firstRefusal = ndisStatusName(b.status);
    }
    this.installed = ok;
  }

  /** Starts a query of every occupant; `checked` then tells how they came back. */
  query(): void {
    const root = new OffloadBlockList(OffloadStateType.NEIGHBOR, this.handles.neighbor);
    root.dependentBlockList = new OffloadBlockList(OffloadStateType.IP4, this.handles.path);
    let last: OffloadBlockList | null = null;
    for (const h of this.handles.tcp) {
      const b = new OffloadBlockList(OffloadStateType.TCP, h);
      if (last) last.nextBlock = b;
      else root.dependentBlockList.dependentBlockList = b;
      last = b;
    }
    this.queried = root;
    this.ndis.queryOffloadState(this.binding, root);
  }

  get queryComplete(): boolean { return this.queryDone; }

  /** After `query` completed: '' if every occupant is still ESTABLISHED with the sequence numbers it was installed with, else what differs. */
  checked(): string {
    const problems: string[] = [];
    let i = 0;
    for (let b = this.queried?.dependentBlockList?.dependentBlockList ?? null; b; b = b.nextBlock, i++) {
      const d = b.tcp.delegated;
      if (b.status !== NdisStatus.SUCCESS) problems.push(`occupant ${i}: query ${ndisStatusName(b.status)}`);
      else if (!d || d.state !== 4 || d.sndNxt !== SND_NXT || d.sndUna !== SND_NXT || d.rcvNxt !== RCV_NXT)
        problems.push(`occupant ${i}: state ${d?.state}, SND.UNA 0x${d?.sndUna.toString(16)}, SND.NXT 0x${d?.sndNxt.toString(16)}, RCV.NXT 0x${d?.rcvNxt.toString(16)}`);
      if (problems.length >= 5) break;
    }
    if (i < this.handles.tcp.length && problems.length === 0) problems.push(`only ${i} of ${this.handles.tcp.length} occupants came back from the query`);
    return problems.join('; ');
  }
}
