/**
 * The miniport's queue of sends beyond the card's send entries (R40), against a scripted card:
 * the test sees every descriptor the miniport posts and completes each as the TOE would, so the
 * order of what reaches the card and of what reaches the host is checked exactly. The same
 * behaviour against the RTL is in host/cli/scenario.cosim.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CplStatus, EntryKind, EventCode, Opcode, RequestFlag } from '../../../protocol/generated/contract.js';
import { HostMemory } from '../../device/memory.js';
import { MockLink } from '../../device/mock/mock-link.js';
import type { ClientChimneyGeneric, ClientChimneyTcp } from '../../ndis/characteristics.js';
import { NetBufferList, allocateNbl } from '../../ndis/nbl.js';
import {
  ChimneyOffloadType, OffloadBlockList, OffloadStateType, TcpDisconnectFlags, TcpOffloadEventType, emptyTcpDelegated, newOffloadHandle,
  type NdisOffloadHandle,
} from '../../ndis/offload.js';
import { Ndis } from '../../ndis/runtime.js';
import { NdisStatus, ndisStatusName } from '../../ndis/status.js';
import { MiniportAdapter, type DeviceIdentity, type RawRequest } from './adapter.js';
import { ChimneyTarget } from './chimney.js';
import type { CompletionFields } from './hw.js';

/** Room for the NIC buffers the target lends at its first offload (48 x 32 KiB). */
class RoomyLink extends MockLink {
  override readonly memory = new HostMemory(8 << 20);
}

interface Posted {
  readonly fields: RawRequest;
  readonly complete: (c: CompletionFields) => void;
  done: boolean;
}

/** An adapter whose card is the test: requests are recorded, completions and events come from the test. */
class ScriptedCard extends MiniportAdapter {
  readonly posted: Posted[] = [];
  private events: ((e: CompletionFields) => void) | undefined;

  constructor(private readonly sendEntries: number) {
    super(new RoomyLink());
  }

  override get identity(): DeviceIdentity {
    return {
      id: 0, versionMajor: 1, versionMinor: 2, l2: true, toe: true, irqModeration: true, irqVectors: 4, dmaBytes: 16, ringMaxLog2: 16,
      maxConns: 16, maxFrame: 1518, sendEntries: this.sendEntries,
    };
  }

  override onEvent(handler: (e: CompletionFields) => void): void {
    this.events = handler;
  }

  override postRequestWith(fields: RawRequest, onComplete: (c: CompletionFields) => void): void {
    this.posted.push({ fields, complete: onComplete, done: false });
  }

  override flushDoorbells(): Promise<void> {
    return Promise.resolve();
  }

  /** Requests posted and not completed with `opcode`, oldest first. */
  unfinished(opcode: number): Posted[] {
    return this.posted.filter((p) => !p.done && p.fields.opcode === opcode);
  }

  /** Completes `p` as the card would: `status`, `length` bytes, on its connection (or `conn`). */
  finish(p: Posted, status: number, length = 0, conn = p.fields.conn): void {
    expect(p.done).toBe(false);
    p.done = true;
    p.complete({ kind: EntryKind.COMPLETION, opcode: p.fields.opcode, status, tag: 0, length, conn, reqHead: 0, info: 0, timestamp: 0 });
  }

  event(opcode: number, conn: number): void {
    this.events?.({ kind: EntryKind.EVENT, opcode, status: 0, tag: 0, length: 0, conn, reqHead: 0, info: 0, timestamp: 0 });
  }

  /** The send and disconnect descriptors the card has been given, as "<conn>:<opcode name>:<length>". */
  sendLog(): string[] {
    return this.posted.filter((p) => p.fields.opcode === Opcode.TCP_SEND || p.fields.opcode === Opcode.TCP_DISCONNECT)
      .map((p) => `${p.fields.conn}:${p.fields.opcode === Opcode.TCP_SEND ? 'send' : 'disconnect'}:${p.fields.length}`);
  }
}

/** Lets the target's and NDIS's deferred work run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function connectionTree(ports: readonly number[]) {
  const neighbor = new OffloadBlockList(OffloadStateType.NEIGHBOR, newOffloadHandle(), {
    const: { dlSourceAddress: new Uint8Array(32), vlanId: 0 },
    cached: { dlDestinationAddress: Uint8Array.of(2, 0, 0x5e, 0, 0, 2), hostReachabilityDelta: 0 },
    delegated: { nicReachabilityDelta: 0 },
  });
  const path = new OffloadBlockList(OffloadStateType.IP4, newOffloadHandle(), {
    const: { sourceAddress: Uint8Array.of(192, 0, 2, 1), destinationAddress: Uint8Array.of(192, 0, 2, 2) }, cached: { pathMtu: 1500 }, delegated: {},
  });
  const tcps = ports.map((port) => new OffloadBlockList(OffloadStateType.TCP, newOffloadHandle(), {
    const: { flags: 0, remotePort: 80, localPort: port, sndWindScale: 0, rcvWindScale: 0, remoteMss: 1460, hashValue: 0 },
    cached: { flags: 0, initialRcvWnd: 65535, rcvIndicationSize: 0, kaProbeCount: 0, kaTimeout: 0, kaInterval: 0, maxRt: 0, flowLabel: 0, ttlOrHopLimit: 64, tosOrTrafficClass: 0, userPriority: 0 },
    delegated: { ...emptyTcpDelegated(), state: 4, rcvWnd: 65535, sndWnd: 65535, cWnd: 14600, ssThresh: 65535 },
  }));
  neighbor.dependentBlockList = path;
  path.dependentBlockList = tcps[0] ?? null;
  for (let i = 1; i < tcps.length; i++) tcps[i - 1]!.nextBlock = tcps[i]!;
  return { neighbor, tcps };
}

/**
 * A target on a card of `sendEntries` send entries with `connections` offloaded (card
 * connection ids 1, 2, ...); what the host sees is logged in order.
 */
async function setUp(sendEntries: number, connections = 2) {
  const card = new ScriptedCard(sendEntries);
  const ndis = new Ndis();
  const target = new ChimneyTarget(card, ndis, 'nic');
  /** what reached the host, in order: "send <name> <status> <bytes>", "disconnect ...", "terminate", "abort event" */
  const log: string[] = [];
  const names = new Map<NetBufferList, string>();
  const io = (op: string) => (_c: unknown, first: NetBufferList): void => {
    for (let n: NetBufferList | null = first; n; n = n.next)
      log.push(`${op} ${names.get(n) ?? '?'} ${ndisStatusName(n.status)} ${n.info.tcpOffloadBytesTransferred}`);
  };
  const proto = ndis.registerProtocol('tcpip');
  const generic: ClientChimneyGeneric = {
    kind: 'client-generic',
    initiateOffloadComplete: () => log.push('initiate'),
    terminateOffloadComplete: () => log.push('terminate'),
    updateOffloadComplete: () => {}, invalidateOffloadComplete: () => {}, queryOffloadComplete: () => {}, indicateOffloadEvent: () => {},
  };
  const tcp: ClientChimneyTcp = {
    kind: 'client-tcp', offloadType: ChimneyOffloadType.TCP,
    tcpOffloadSendComplete: io('send'), tcpOffloadReceiveComplete: io('receive'), tcpOffloadDisconnectComplete: io('disconnect'), tcpOffloadForwardComplete: io('forward'),
    tcpOffloadEvent: (_c, type) => log.push(type === TcpOffloadEventType.ABORT ? 'abort event' : `event ${type}`),
    tcpOffloadReceiveIndicate: () => NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED,
  };
  ndis.setOptionalHandlers(proto, generic);
  ndis.setOptionalHandlers(proto, tcp);
  const binding = ndis.openAdapter(proto, target.handle, null);
  const tree = connectionTree(Array.from({ length: connections }, (_, i) => 40000 + i));
  ndis.initiateOffload(binding, tree.neighbor);
  for (let conn = 1; conn <= connections; conn++) {
    await settle();
    const [init] = card.unfinished(Opcode.OFFLOAD_INITIATE);
    card.finish(init!, CplStatus.OK, 0, conn);
  }
  await settle();
  expect(log).toEqual(['initiate']);
  log.length = 0;
  const handles = tree.tcps.map((t) => t.offloadHandle as NdisOffloadHandle);
  const send = (conn: number, name: string, length: number): NetBufferList => {
    const { nbl } = allocateNbl(card.link.memory, length, { data: new Uint8Array(length).fill(conn) });
    names.set(nbl, name);
    ndis.offloadTcpSend(handles[conn - 1]!, nbl);
    return nbl;
  };
  const disconnect = (conn: number, name: string, flags: number): void => {
    const { nbl } = allocateNbl(card.link.memory, 0, { mdlLengths: [1] });
    names.set(nbl, name);
    ndis.offloadTcpDisconnect(handles[conn - 1]!, nbl, flags);
  };
  const terminate = (conn: number): void => {
    ndis.terminateOffload(binding, new OffloadBlockList(OffloadStateType.TCP, handles[conn - 1]!));
  };
  return { card, ndis, target, log, send, disconnect, terminate };
}

describe('sends beyond the card\'s send entries (R40)', () => {
  it('R40 R45: sends and graceful disconnects the card has no entries for wait in the miniport and reach it, each connection in posting order and the connections first come first served, as completions free entries; every one completes SUCCESS with its bytes', async () => {
    const s = await setUp(4);
    s.send(1, 'a1', 100);
    s.send(1, 'a2', 200);
    s.send(1, 'a3', 300);
    s.send(2, 'b1', 10);
    s.send(2, 'b2', 20);
    s.disconnect(2, 'b-fin', TcpDisconnectFlags.GRACEFUL);
    s.send(1, 'a4', 400);
    await settle();
    // the card holds 4: the rest wait, the FIN behind b2
    expect(s.card.sendLog()).toEqual(['1:send:100', '1:send:200', '1:send:300', '2:send:10']);
    expect(s.target.sendsQueued).toBe(3);
    s.card.finish(s.card.unfinished(Opcode.TCP_SEND)[0]!, CplStatus.OK, 100);
    await settle();
    // one entry free: b2, and its FIN (which takes no entry: it carries no bytes); a4 waits for the next
    expect(s.card.sendLog().slice(4)).toEqual(['2:send:20', '2:disconnect:0']);
    s.card.finish(s.card.unfinished(Opcode.TCP_SEND)[2]!, CplStatus.OK, 10);
    await settle();
    expect(s.card.sendLog().slice(6)).toEqual(['1:send:400']);
    expect(s.target.sendEntriesPeak).toBe(4);
    // the card completes the rest in its order: each connection's sends before its FIN (R45)
    for (const p of s.card.unfinished(Opcode.TCP_SEND)) s.card.finish(p, CplStatus.OK, p.fields.length);
    s.card.finish(s.card.unfinished(Opcode.TCP_DISCONNECT)[0]!, CplStatus.OK);
    await settle();
    expect(s.log).toEqual([
      'send a1 NDIS_STATUS_SUCCESS 100', 'send b1 NDIS_STATUS_SUCCESS 10', 'send a2 NDIS_STATUS_SUCCESS 200', 'send a3 NDIS_STATUS_SUCCESS 300',
      'send b2 NDIS_STATUS_SUCCESS 20', 'send a4 NDIS_STATUS_SUCCESS 400', 'disconnect b-fin NDIS_STATUS_SUCCESS 0',
    ]);
    expect(s.ndis.violations).toEqual([]);
  });

  it('R40: a card that does not say how many send entries it has (SEND_ENTRIES 0) gets every send at once', async () => {
    const s = await setUp(0);
    for (let i = 0; i < 50; i++) s.send(1 + (i % 2), `s${i}`, 64);
    await settle();
    expect(s.card.sendLog()).toHaveLength(50);
    expect(s.target.sendsQueued).toBe(0);
  });

  it('R30 R31 R42: at terminate the sends still waiting never reach the card; they complete UPLOAD_IN_PROGRESS with no bytes, in order, after those the card completes and before the terminate, and the next connection in line takes the entries', async () => {
    const s = await setUp(2);
    s.send(1, 'a1', 100);
    s.send(1, 'a2', 200);
    s.send(1, 'a3', 300);
    s.send(2, 'b1', 10);
    s.send(1, 'a4', 400);
    await settle();
    expect(s.card.sendLog()).toEqual(['1:send:100', '1:send:200']);
    s.terminate(1);
    await settle();
    const [term] = s.card.unfinished(Opcode.OFFLOAD_TERMINATE);
    expect(term).toBeDefined();
    // the card's flush: a1 was acknowledged in part (R42), a2 not at all
    const [a1, a2] = s.card.unfinished(Opcode.TCP_SEND);
    s.card.finish(a1!, CplStatus.UPLOAD_IN_PROGRESS, 40);
    await settle();
    // a3 and a4 are out of line: b1 takes the freed entry
    expect(s.card.sendLog()).toEqual(['1:send:100', '1:send:200', '2:send:10']);
    expect(s.log).toEqual(['send a1 NDIS_STATUS_UPLOAD_IN_PROGRESS 40']);
    s.card.finish(a2!, CplStatus.UPLOAD_IN_PROGRESS);
    s.card.finish(term!, CplStatus.OK);
    await settle();
    expect(s.log).toEqual([
      'send a1 NDIS_STATUS_UPLOAD_IN_PROGRESS 40', 'send a2 NDIS_STATUS_UPLOAD_IN_PROGRESS 0',
      'send a3 NDIS_STATUS_UPLOAD_IN_PROGRESS 0', 'send a4 NDIS_STATUS_UPLOAD_IN_PROGRESS 0', 'terminate',
    ]);
    expect(s.card.sendLog()).toHaveLength(3);
    expect(s.ndis.violations).toEqual([]);
  });

  it('R58 R61: an abortive disconnect aborts the sends and the graceful disconnect still waiting, in order, after those the card aborts and before the disconnect completes; none reaches the card', async () => {
    const s = await setUp(1);
    s.send(1, 'a1', 100);
    s.send(1, 'a2', 200);
    s.disconnect(1, 'a-fin', TcpDisconnectFlags.GRACEFUL);
    await settle();
    s.disconnect(1, 'a-rst', TcpDisconnectFlags.ABORTIVE);
    await settle();
    expect(s.card.sendLog()).toEqual(['1:send:100', '1:disconnect:0']);
    const [abortive] = s.card.unfinished(Opcode.TCP_DISCONNECT);
    expect(abortive!.fields.flags & RequestFlag.ABORTIVE).not.toBe(0);
    expect(s.log).toEqual([]);
    s.card.finish(s.card.unfinished(Opcode.TCP_SEND)[0]!, CplStatus.ABORTED);
    s.card.finish(abortive!, CplStatus.OK);
    await settle();
    expect(s.log).toEqual([
      'send a1 NDIS_STATUS_REQUEST_ABORTED 0', 'send a2 NDIS_STATUS_REQUEST_ABORTED 0', 'disconnect a-fin NDIS_STATUS_REQUEST_ABORTED 0',
      'disconnect a-rst NDIS_STATUS_SUCCESS 0',
    ]);
    expect(s.card.sendLog()).toHaveLength(2);
    expect(s.ndis.violations).toEqual([]);
  });

  it('R65: the peer\'s RST aborts the sends still waiting, after those the card aborts; a send posted afterwards completes aborted too', async () => {
    const s = await setUp(1);
    s.send(1, 'a1', 100);
    s.send(1, 'a2', 200);
    await settle();
    s.card.event(EventCode.TCP_ABORT, 1);
    s.card.finish(s.card.unfinished(Opcode.TCP_SEND)[0]!, CplStatus.ABORTED);
    await settle();
    s.send(1, 'a3', 300);
    await settle();
    expect(s.log).toEqual(['abort event', 'send a1 NDIS_STATUS_REQUEST_ABORTED 0', 'send a2 NDIS_STATUS_REQUEST_ABORTED 0', 'send a3 NDIS_STATUS_REQUEST_ABORTED 0']);
    expect(s.card.sendLog()).toEqual(['1:send:100']);
    expect(s.ndis.violations).toEqual([]);
  });

  it('R40: nothing hangs when the adapter stops with sends waiting: the card\'s are aborted, then the waiting ones go to a stopped adapter, which aborts them at once', async () => {
    const s = await setUp(1);
    for (let i = 0; i < 200; i++) s.send(1, `a${i}`, 10);
    await settle();
    expect(s.card.sendLog()).toHaveLength(1);
    // an adapter that stopped answers every request at once
    const stopped = (fields: RawRequest, onComplete: (c: CompletionFields) => void): void => onComplete({
      kind: EntryKind.COMPLETION, opcode: fields.opcode, status: CplStatus.ABORTED, tag: 0, length: 0, conn: fields.conn, reqHead: 0, info: 0, timestamp: 0,
    });
    s.card.postRequestWith = stopped;
    s.card.finish(s.card.unfinished(Opcode.TCP_SEND)[0]!, CplStatus.ABORTED);
    await settle();
    expect(s.log).toHaveLength(200);
    expect(s.log.every((l, i) => l === `send a${i} NDIS_STATUS_REQUEST_ABORTED 0`)).toBe(true);
  });
});
