/**
 * The miniport as offload target against the real RTL, whose TOE holds connections: the
 * NDIS-level rules of initiate, query, terminate and forward are checked on the card's own answers (the
 * TOE carrying data is host/drivers/protocol/offload/toe.cosim.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Reg, UploadReason } from '../../../protocol/generated/contract.js';
import { LockstepScheduler } from '../../device/scheduler.js';
import { VerilatorLink } from '../../device/verilator/backend.js';
import type { ClientChimneyGeneric, ClientChimneyTcp } from '../../ndis/characteristics.js';
import { NetBufferList, allocateNbl } from '../../ndis/nbl.js';
import { parseIp } from '../protocol/codec.js';
import { decodeTcp, tcpFrame } from '../protocol/craft.js';
import { TcpFlag, serializeTcp } from '../protocol/tcp-segment.js';
import { ChimneyOffloadType, IndicateOffloadEvent, OffloadBlockList, TcpDisconnectFlags, TcpOffloadEventType, OffloadStateType, emptyTcpDelegated, newOffloadHandle } from '../../ndis/offload.js';
import { Ndis } from '../../ndis/runtime.js';
import { NdisStatus, ndisStatusName } from '../../ndis/status.js';
import { MiniportAdapter } from './adapter.js';
import { ChimneyTarget, NDIS_ENCAPSULATION_IEEE_802_3 } from './chimney.js';

async function setUp() {
  const link = new VerilatorLink({ memorySize: 4 << 20 });
  const adapter = new MiniportAdapter(link, { rxBuffers: 1 });
  await adapter.initialize();
  const ndis = new Ndis();
  const target = new ChimneyTarget(adapter, ndis, 'nic');
  const completed: { op: string; list: OffloadBlockList }[] = [];
  const io: { op: string; nbl: NetBufferList }[] = [];
  const events: { type: number; info: number }[] = [];
  // NdisMOffloadEventIndicate as the host sees it; it answers a reachability query with `hostHrd`
  const offloadEvents: { list: OffloadBlockList | null; code: number; nrd: number; hrdBefore: number; cycle: number }[] = [];
  const answer = { hostHrd: 0 };
  const proto = ndis.registerProtocol('tcpip');
  const generic: ClientChimneyGeneric = {
    kind: 'client-generic',
    initiateOffloadComplete: (_c, list) => completed.push({ op: 'initiate', list }),
    terminateOffloadComplete: (_c, list) => completed.push({ op: 'terminate', list }),
    updateOffloadComplete: (_c, list) => completed.push({ op: 'update', list }),
    invalidateOffloadComplete: (_c, list) => completed.push({ op: 'invalidate', list }),
    queryOffloadComplete: (_c, list) => completed.push({ op: 'query', list }),
    indicateOffloadEvent: (_c, list, code) => {
      const cached = list?.neighbor.cached;
      offloadEvents.push({ list, code, nrd: list?.neighbor.delegated?.nicReachabilityDelta ?? -1, hrdBefore: cached?.hostReachabilityDelta ?? -1, cycle: link.now });
      if (cached) cached.hostReachabilityDelta = answer.hostHrd;
    },
  };
  const tcp: ClientChimneyTcp = {
    kind: 'client-tcp', offloadType: ChimneyOffloadType.TCP,
    tcpOffloadSendComplete: (_c, nbl) => io.push({ op: 'send', nbl }), tcpOffloadReceiveComplete: (_c, nbl) => io.push({ op: 'receive', nbl }),
    tcpOffloadDisconnectComplete: (_c, nbl) => io.push({ op: 'disconnect', nbl }), tcpOffloadForwardComplete: (_c, nbl) => io.push({ op: 'forward', nbl }),
    tcpOffloadEvent: (_c, type, info) => events.push({ type, info }), tcpOffloadReceiveIndicate: () => NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED,
  };
  ndis.setOptionalHandlers(proto, generic);
  ndis.setOptionalHandlers(proto, tcp);
  const binding = ndis.openAdapter(proto, target.handle, null);
  const scheduler = new LockstepScheduler(128);
  scheduler.attach(link, (v) => adapter.handleInterrupt(v));
  const run = async (until: () => boolean, maxCycles = 1_000_000): Promise<void> => {
    expect(await scheduler.run({ until, maxCycles })).toBe('done');
  };
  /** Offloads connectionTree() (after `prepare` may change it) and waits for the initiate to complete. */
  const offload = async (prepare?: (t: ReturnType<typeof connectionTree>) => void): Promise<ReturnType<typeof connectionTree>> => {
    const t = connectionTree();
    prepare?.(t);
    const before = completed.length;
    ndis.initiateOffload(binding, t.neighbor);
    await run(() => completed.length > before);
    return t;
  };
  return { link, adapter, ndis, target, binding, completed, io, events, offloadEvents, answer, run, offload };
}

/** Offload parameters with a 1 ms tick and a one-tick delayed ACK, so timers act within a short run. */
const MS_TICK = {
  ticksPerSecond: 1000, tcpAckFrequency: 2, tcpDelayedAckTicks: 1, tcpMaximumRetransmissions: 7, tcpDoubtReachabilityRetransmissions: 3,
  tcpSwsPreventionTicks: 100, tcpDuplicateAckThreshold: 3, tcpPushTicks: 50, nceStaleTicks: 3000,
};

/** The frames' addressing of connectionTree()'s peer (192.0.2.2 at 02:00:5e:00:00:02) towards the card. */
const PEER = { srcMac: Uint8Array.of(2, 0, 0x5e, 0, 0, 2), dstMac: new Uint8Array(6), srcIp: '192.0.2.2', dstIp: '192.0.2.1' };

type Setup = Awaited<ReturnType<typeof setUp>>;

/** A segment from the peer of the first connection (port 80 to 40000), on the wire 10 cycles from now; returns that cycle. */
function fromPeer(s: Setup, seg: { seq: number; ack: number; flags: number; window?: number }): number {
  const at = s.link.now + 10;
  s.link.pushRxFrame(tcpFrame(PEER, { srcPort: 80, dstPort: 40000, ...seg }), at);
  return at;
}

/** Core cycles per tick of tenthMsTicks(): 0.1 ms at 156.25 MHz. */
const TENTH_MS_TICK = 15_625;

/** MS_TICK (with `changes`) taken by the miniport, then the card's own tick register at 0.1 ms (NDIS's TicksPerSecond stops at 1000), so timers of a few ticks run out within a short run. */
async function tenthMsTicks(s: Setup, changes: Partial<typeof MS_TICK> = {}): Promise<void> {
  expect(await s.target.setOffloadParameters({ ...MS_TICK, ...changes })).toBe(NdisStatus.SUCCESS);
  await s.link.mmioWrite(Reg.TICK_DIV, TENTH_MS_TICK);
}

/** A terminate tree (no state structures) for all connectionTree() offloaded: neighbor, path, both connections. */
function terminateTree(t: ReturnType<typeof connectionTree>) {
  const term = new OffloadBlockList(OffloadStateType.NEIGHBOR, t.handles.neighbor);
  const path = new OffloadBlockList(OffloadStateType.IP4, t.handles.path);
  const c1 = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
  const c2 = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp2);
  term.dependentBlockList = path;
  path.dependentBlockList = c1;
  c1.nextBlock = c2;
  return { term, path, c1, c2 };
}

function connectionTree() {
  const handles = { neighbor: newOffloadHandle(), path: newOffloadHandle(), tcp1: newOffloadHandle(), tcp2: newOffloadHandle() };
  const neighbor = new OffloadBlockList(OffloadStateType.NEIGHBOR, handles.neighbor, {
    const: { dlSourceAddress: new Uint8Array(32), vlanId: 0 },
    cached: { dlDestinationAddress: Uint8Array.of(2, 0, 0x5e, 0, 0, 2), hostReachabilityDelta: 0 },
    delegated: { nicReachabilityDelta: 0 },
  });
  const path = new OffloadBlockList(OffloadStateType.IP4, handles.path, {
    const: { sourceAddress: Uint8Array.of(192, 0, 2, 1), destinationAddress: Uint8Array.of(192, 0, 2, 2) }, cached: { pathMtu: 1500 }, delegated: {},
  });
  const tcp = (h: typeof handles.tcp1, port: number) => new OffloadBlockList(OffloadStateType.TCP, h, {
    const: { flags: 0, remotePort: 80, localPort: port, sndWindScale: 0, rcvWindScale: 0, remoteMss: 1460, hashValue: 0 },
    cached: { flags: 0, initialRcvWnd: 65535, rcvIndicationSize: 0, kaProbeCount: 0, kaTimeout: 0, kaInterval: 0, maxRt: 0, flowLabel: 0, ttlOrHopLimit: 64, tosOrTrafficClass: 0, userPriority: 0 },
    delegated: { ...emptyTcpDelegated(), state: 4, rcvWnd: 65535, sndWnd: 65535, cWnd: 14600, ssThresh: 65535 },
  });
  const t1 = tcp(handles.tcp1, 40000);
  const t2 = tcp(handles.tcp2, 40001);
  neighbor.dependentBlockList = path;
  path.dependentBlockList = t1;
  t1.nextBlock = t2;
  const placeholder = new OffloadBlockList(OffloadStateType.NEIGHBOR, null);
  return { neighbor, path, t1, t2, handles, placeholder };
}

describe('miniport as offload target, against the RTL', () => {
  it('R1 R2 registers both chimney handler sets during initialization, so chimney passes the binding', async () => {
    const s = await setUp();
    try {
      expect(s.ndis.chimneyEnabled(s.binding)).toBe(true);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R4 reports IPv4 over 802.3 and the connection capacity the card has', async () => {
    const s = await setUp();
    try {
      const caps = s.target.capabilities();
      expect(caps.encapsulation & NDIS_ENCAPSULATION_IEEE_802_3).toBeTruthy();
      expect(caps.supportIPv4).toBe(1);
      expect(caps.tcpConnectionOffloadCapacity).toBe(await s.link.mmioRead(Reg.MAX_CONNS));
      expect(caps.tcpConnectionOffloadCapacity).toBe(1024);
    } finally { await s.link.close(); }
  });

  it('R5 takes the offload parameters into the card, its tick derived from TicksPerSecond, and refuses bad ones', async () => {
    const s = await setUp();
    try {
      const p = { ticksPerSecond: 100, tcpAckFrequency: 2, tcpDelayedAckTicks: 20, tcpMaximumRetransmissions: 7, tcpDoubtReachabilityRetransmissions: 3,
        tcpSwsPreventionTicks: 100, tcpDuplicateAckThreshold: 3, tcpPushTicks: 50, nceStaleTicks: 3000 };
      expect(await s.target.setOffloadParameters(p)).toBe(NdisStatus.SUCCESS);
      expect(await s.link.mmioRead(Reg.TICK_DIV)).toBe(1_562_500);
      expect(await s.link.mmioRead(Reg.TCP_MAX_RETRANSMISSIONS)).toBe(7);
      expect(await s.link.mmioRead(Reg.TCP_PUSH_TICKS)).toBe(50);
      expect(await s.link.mmioRead(Reg.NCE_STALE_TICKS)).toBe(3000);
      expect(await s.target.setOffloadParameters({ ...p, ticksPerSecond: 64 })).toBe(NdisStatus.INVALID_PARAMETER);
      expect(await s.target.setOffloadParameters({ ...p, tcpAckFrequency: 300 })).toBe(NdisStatus.INVALID_PARAMETER);
      expect(await s.link.mmioRead(Reg.TICK_DIV)).toBe(1_562_500);
    } finally { await s.link.close(); }
  });

  it('R7 R8 R10 R11 R14 R27 R30 an initiate installs each connection on the card; query and terminate read its delegated state back', async () => {
    const s = await setUp();
    try {
      const t = connectionTree();
      t.placeholder.nextBlock = t.neighbor; // a placeholder root beside the new neighbor
      s.ndis.initiateOffload(s.binding, t.placeholder);
      expect(s.completed).toEqual([]);
      await s.run(() => s.completed.length === 1);
      expect(s.completed[0]!.list).toBe(t.placeholder);
      const names = [t.placeholder, t.neighbor, t.path, t.t1, t.t2].map((n) => ndisStatusName(n.status));
      expect(names).toEqual(Array(5).fill('NDIS_STATUS_SUCCESS'));
      expect(s.target.stateRequests).toBe(2);
      expect(await s.link.mmioRead(Reg.STAT_BAD_DESC)).toBe(0);
      expect(t.handles.tcp1.miniportOffloadContext).not.toBeNull(); // R14
      expect(s.ndis.violations).toEqual([]);

      // query: the card writes the delegated state it holds
      const q = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
      s.ndis.queryOffloadState(s.binding, q);
      await s.run(() => s.completed.length === 2);
      expect(q.status).toBe(NdisStatus.SUCCESS);
      expect(q.tcp.delegated?.state).toBe(4);
      expect(q.tcp.delegated?.rcvWnd).toBe(65535);
      expect(q.tcp.delegated?.sndWnd).toBe(65535);

      // terminate everything: both connections leave the card, then the path and neighbor
      const { term, path, c1, c2 } = terminateTree(t);
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.length === 3);
      expect(s.completed[2]!.list).toBe(term);
      expect([term.status, path.status, c1.status, c2.status]).toEqual(Array(4).fill(NdisStatus.SUCCESS));
      expect(c2.tcp.delegated?.state).toBe(4);
      expect(s.ndis.violations).toEqual([]);

      expect(await s.link.mmioRead(Reg.STAT_BAD_DESC)).toBe(0);
    } finally { await s.link.close(); }
  });

  it('R62 R37 R38 a forwarded segment is processed as if it came from the wire: its data fills the posted receive and the card acknowledges it; one shorter than a TCP header is refused', async () => {
    const s = await setUp();
    try {
      // a 1 ms tick, so the delayed ACK (1 tick) comes within the run's limit
      expect(await s.target.setOffloadParameters(MS_TICK)).toBe(NdisStatus.SUCCESS);
      const t = await s.offload();
      expect(t.t1.status).toBe(NdisStatus.SUCCESS);
      s.link.takeTxFrames();
      const post = allocateNbl(s.link.memory, 4096);
      expect(s.ndis.offloadTcpReceive(t.handles.tcp1, post.nbl)).toBe(NdisStatus.PENDING);
      // the peer's segment as the host received it: 192.0.2.2:80 → 192.0.2.1:40000, at RCV.NXT (0), PSH
      const payload = Uint8Array.from({ length: 700 }, (_, i) => (i * 7 + 3) & 0xff);
      const seg = serializeTcp({ srcPort: 80, dstPort: 40000, seq: 0, ack: 0, flags: TcpFlag.ACK | TcpFlag.PSH, window: 65535, urgent: 0, options: {}, payload },
        parseIp('192.0.2.2')!, parseIp('192.0.2.1')!);
      const fwd = allocateNbl(s.link.memory, seg.length, { data: seg });
      expect(s.ndis.offloadTcpForward(t.handles.tcp1, fwd.nbl)).toBe(NdisStatus.PENDING);
      const short = allocateNbl(s.link.memory, 12, { data: seg.subarray(0, 12) });
      expect(s.ndis.offloadTcpForward(t.handles.tcp1, short.nbl)).toBe(NdisStatus.PENDING);
      await s.run(() => s.io.filter((x) => x.op === 'forward').length === 2 && s.io.some((x) => x.op === 'receive'));
      const forwarded = s.io.filter((x) => x.op === 'forward').map((x) => x.nbl);
      expect(forwarded).toContain(fwd.nbl);
      expect(forwarded).toContain(short.nbl);
      expect(ndisStatusName(fwd.nbl.status)).toBe('NDIS_STATUS_SUCCESS');
      // the card's BAD_LENGTH, from its request dispatch at once (a bad descriptor, so it may complete
      // before the forward ahead of it), which the miniport completes as REQUEST_ABORTED
      expect(ndisStatusName(short.nbl.status)).toBe('NDIS_STATUS_REQUEST_ABORTED');
      expect(await s.link.mmioRead(Reg.STAT_BAD_DESC)).toBe(1);
      // the receive completes (PSH) with exactly the forwarded payload
      const rcv = s.io.find((x) => x.op === 'receive')!.nbl;
      expect(rcv).toBe(post.nbl);
      expect(ndisStatusName(rcv.status)).toBe('NDIS_STATUS_SUCCESS');
      expect(rcv.info.tcpOffloadBytesTransferred).toBe(700);
      expect(post.buffer.bytes.subarray(0, 700)).toEqual(payload);
      // and the card acknowledged it on the wire: from 192.0.2.1:40000, ACK 700
      let acked = false;
      await s.run(() => {
        acked ||= s.link.takeTxFrames().some((f) => {
          const a = decodeTcp(f.data);
          return a !== undefined && a.srcPort === 40000 && a.dstPort === 80 && (a.flags & TcpFlag.ACK) !== 0 && a.ack === 700;
        });
        return acked;
      });
      // the query sees RCV.NXT moved by the forwarded bytes
      const q = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
      s.ndis.queryOffloadState(s.binding, q);
      await s.run(() => s.completed.length === 2);
      expect(q.tcp.delegated?.rcvNxt).toBe(700);
      // it went through the receive parser: the one segment the TOE took
      expect(await s.link.mmioRead(Reg.STAT_TOE_RX_SEGMENTS)).toBe(1);
      expect(await s.link.mmioRead(Reg.STAT_DMA_ERRORS)).toBe(0);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R22 R24 an update reaches the wire: the neighbor\'s new MAC and the path\'s smaller MTU for every connection under them, a connection\'s own TTL; delegated values in the tree change nothing', async () => {
    const s = await setUp();
    try {
      expect(await s.target.setOffloadParameters(MS_TICK)).toBe(NdisStatus.SUCCESS);
      const t = await s.offload();
      expect([t.t1.status, t.t2.status]).toEqual([NdisStatus.SUCCESS, NdisStatus.SUCCESS]);

      const newMac = Uint8Array.of(2, 0, 0x5e, 0, 0, 0x99);
      const up = new OffloadBlockList(OffloadStateType.NEIGHBOR, t.handles.neighbor, { cached: { dlDestinationAddress: newMac, hostReachabilityDelta: 0 } });
      const upPath = new OffloadBlockList(OffloadStateType.IP4, t.handles.path, { cached: { pathMtu: 1000 } });
      const upT1 = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1, {
        cached: { ...t.t1.tcp.cached!, ttlOrHopLimit: 17 },
        delegated: { ...emptyTcpDelegated(), state: 4, sndNxt: 5000, sndUna: 5000, sndMax: 5000, rcvNxt: 777 },
      });
      up.dependentBlockList = upPath;
      upPath.dependentBlockList = upT1;
      s.ndis.updateOffload(s.binding, up);
      await s.run(() => s.completed.length === 2);
      expect(s.completed[1]).toEqual({ op: 'update', list: up });
      expect([up.status, upPath.status, upT1.status]).toEqual(Array(3).fill(NdisStatus.SUCCESS));

      // R22: the delegated values of the tree were not taken
      const q = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
      s.ndis.queryOffloadState(s.binding, q);
      await s.run(() => s.completed.length === 3);
      expect([q.tcp.delegated?.sndNxt, q.tcp.delegated?.rcvNxt]).toEqual([0, 0]);

      // 3000 bytes on each connection: segments of at most 1000 - 40 bytes, to the new MAC
      s.link.takeTxFrames();
      for (const h of [t.handles.tcp1, t.handles.tcp2]) {
        const data = allocateNbl(s.link.memory, 3000, { data: Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff) });
        expect(s.ndis.offloadTcpSend(h, data.nbl)).toBe(NdisStatus.PENDING);
      }
      const seen: { port: number; len: number; ttl: number; mac: string }[] = [];
      await s.run(() => {
        for (const f of s.link.takeTxFrames()) {
          const seg = decodeTcp(f.data);
          if (seg && seg.payload.length > 0) seen.push({ port: seg.srcPort, len: seg.payload.length, ttl: f.data[22]!, mac: Buffer.from(f.data.subarray(0, 6)).toString('hex') });
        }
        return seen.reduce((a, x) => a + x.len, 0) === 6000;
      });
      expect(new Set(seen.map((x) => x.mac))).toEqual(new Set(['02005e000099']));
      expect(Math.max(...seen.map((x) => x.len))).toBe(960);
      expect(new Set(seen.filter((x) => x.port === 40000).map((x) => x.ttl))).toEqual(new Set([17]));
      expect(new Set(seen.filter((x) => x.port === 40001).map((x) => x.ttl))).toEqual(new Set([64]));
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R26 R27 after an invalidate of the neighbor the card keeps carrying its connections until they are terminated (the allowed alternative to stopping), and keeps their state for query and terminate', async () => {
    const s = await setUp();
    try {
      const t = await s.offload();
      // R26: an invalidate tree carries no state structures
      const inv = new OffloadBlockList(OffloadStateType.NEIGHBOR, t.handles.neighbor);
      s.ndis.invalidateOffload(s.binding, inv);
      await s.run(() => s.completed.length === 2);
      expect(s.completed[1]).toEqual({ op: 'invalidate', list: inv });
      expect(inv.status).toBe(NdisStatus.SUCCESS);
      s.link.takeTxFrames();
      const data = allocateNbl(s.link.memory, 1000, { data: new Uint8Array(1000).fill(7) });
      s.ndis.offloadTcpSend(t.handles.tcp1, data.nbl);
      let sent = 0;
      await s.run(() => {
        sent += s.link.takeTxFrames().map((f) => decodeTcp(f.data)).filter((x) => x && x.srcPort === 40000).reduce((a, x) => a + x!.payload.length, 0);
        return sent === 1000;
      });
      // R27: still the card's until terminated: query and terminate find it
      const q = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
      s.ndis.queryOffloadState(s.binding, q);
      await s.run(() => s.completed.length === 3);
      expect(q.status).toBe(NdisStatus.SUCCESS);
      expect(q.tcp.delegated?.sndMax).toBe(1000);
      const { term, c1 } = terminateTree(t);
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.length === 4);
      expect(c1.status).toBe(NdisStatus.SUCCESS);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R36 a query whose delegated state the card cannot write (a DMA error): FAILURE, then TcpIndicateRetrieve with HardwareFailure and TcpIndicateAbort; at the terminate that follows the outstanding send and receive complete REQUEST_ABORTED', async () => {
    const s = await setUp();
    try {
      const t = await s.offload();
      const post = allocateNbl(s.link.memory, 4096);
      s.ndis.offloadTcpReceive(t.handles.tcp1, post.nbl);
      // a send the peer never acknowledges: still at the card
      const send = allocateNbl(s.link.memory, 100, { data: new Uint8Array(100).fill(5) });
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      await s.run(() => s.link.takeTxFrames().some((f) => (decodeTcp(f.data)?.payload.length ?? 0) > 0));
      // the block the miniport maps for the query's state goes from under the card
      // (mapped again as the miniport frees it, so its unmapping finds the mapping)
      const alloc = s.adapter.allocMapped.bind(s.adapter);
      const free = s.adapter.freeMapped.bind(s.adapter);
      s.adapter.allocMapped = (length: number, align?: number) => {
        s.adapter.allocMapped = alloc;
        const b = alloc(length, align);
        s.link.unmapDma(b.addr, b.length);
        s.adapter.freeMapped = (buf) => {
          s.adapter.freeMapped = free;
          if (buf === b) s.link.mapDma(b.addr, b.length);
          free(buf);
        };
        return b;
      };
      const q = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
      s.ndis.queryOffloadState(s.binding, q);
      await s.run(() => s.completed.some((c) => c.op === 'query') && s.events.length >= 2);
      expect(ndisStatusName(q.status)).toBe('NDIS_STATUS_FAILURE');
      expect(s.events).toEqual([
        { type: TcpOffloadEventType.RETRIEVE, info: UploadReason.HARDWARE_FAILURE },
        { type: TcpOffloadEventType.ABORT, info: 0 },
      ]);
      expect(s.io).toEqual([]);
      const { term } = terminateTree(t);
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.some((c) => c.op === 'terminate'));
      expect(s.io.map((x) => [x.op, ndisStatusName(x.nbl.status)]).sort()).toEqual([
        ['receive', 'NDIS_STATUS_REQUEST_ABORTED'], ['send', 'NDIS_STATUS_REQUEST_ABORTED']]);
      expect(s.target.hardwareFailures).toBe(1);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R65 an acceptable RST from the peer: the card indicates TcpIndicateAbort and completes the outstanding send and receive with REQUEST_ABORTED', async () => {
    const s = await setUp();
    try {
      const t = await s.offload();
      const send = allocateNbl(s.link.memory, 500, { data: new Uint8Array(500).fill(1) });
      const post = allocateNbl(s.link.memory, 4096);
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      s.ndis.offloadTcpReceive(t.handles.tcp1, post.nbl);
      await s.run(() => s.link.takeTxFrames().length > 0);
      // the peer resets at RCV.NXT (0)
      const rst = tcpFrame(PEER,
        { srcPort: 80, dstPort: 40000, seq: 0, ack: 0, flags: TcpFlag.RST });
      s.link.pushRxFrame(rst, s.link.now + 10);
      await s.run(() => s.io.length === 2 && s.events.length > 0);
      expect(s.events).toEqual([{ type: TcpOffloadEventType.ABORT, info: 0 }]);
      expect([ndisStatusName(send.nbl.status), ndisStatusName(post.nbl.status)]).toEqual(['NDIS_STATUS_REQUEST_ABORTED', 'NDIS_STATUS_REQUEST_ABORTED']);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R68 received data the card acknowledged but could not write into host memory (a DMA error): the miniport follows the hardware-state-corrupt procedure, TcpIndicateRetrieve with HardwareFailure then TcpIndicateAbort, completes that receive REQUEST_ABORTED with none of its bytes, and passes no later received byte up', async () => {
    const s = await setUp();
    try {
      const t = await s.offload();
      const post = allocateNbl(s.link.memory, 4096);
      s.ndis.offloadTcpReceive(t.handles.tcp1, post.nbl);
      // the buffer's mapping goes from under the card (an IOMMU fault): the range mapRange mapped
      // (mapped again once the write has failed, before its completion reaches the miniport,
      // which unmaps what it mapped)
      const start = Math.floor(post.buffer.addr / 64) * 64;
      const length = Math.ceil((post.buffer.addr + 4096) / 64) * 64 - start;
      s.link.unmapDma(start, length);
      const payload = new Uint8Array(1000).fill(7);
      s.link.pushRxFrame(tcpFrame(PEER, { srcPort: 80, dstPort: 40000, seq: 0, ack: 0, flags: TcpFlag.ACK | TcpFlag.PSH, payload }), s.link.now + 10);
      await s.run(() => s.link.counters().dmaErrors > 0);
      expect(s.io).toEqual([]);
      s.link.mapDma(start, length);
      await s.run(() => s.io.some((x) => x.op === 'receive') && s.events.length >= 2);
      expect(s.events).toEqual([
        { type: TcpOffloadEventType.RETRIEVE, info: UploadReason.HARDWARE_FAILURE },
        { type: TcpOffloadEventType.ABORT, info: 0 },
      ]);
      expect(ndisStatusName(post.nbl.status)).toBe('NDIS_STATUS_REQUEST_ABORTED');
      expect(post.nbl.info.tcpOffloadBytesTransferred).toBe(0);
      expect(post.buffer.bytes.every((x) => x === 0)).toBe(true);
      expect(s.target.hardwareFailures).toBe(1);
      // the next bytes land fine, but behind a hole: not passed up either
      const next = allocateNbl(s.link.memory, 4096);
      s.ndis.offloadTcpReceive(t.handles.tcp1, next.nbl);
      s.link.pushRxFrame(tcpFrame(PEER, { srcPort: 80, dstPort: 40000, seq: 1000, ack: 0, flags: TcpFlag.ACK | TcpFlag.PSH, payload }), s.link.now + 10);
      await s.run(() => s.io.filter((x) => x.op === 'receive').length === 2);
      expect(ndisStatusName(next.nbl.status)).toBe('NDIS_STATUS_REQUEST_ABORTED');
      expect(next.nbl.info.tcpOffloadBytesTransferred).toBe(0);
      expect(s.events.length).toBe(2);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R70 R71 with data in flight and no forward progress for NceStaleTicks, the card makes the miniport indicate NeighborReachabilityQuery (the neighbor block list with its HRD and the NRD), the host\'s HRD goes back to the card (HRT = now - HRD: asked again NceStaleTicks later after an HRD of 0, at the next tick after a large one); an ACK of the data (forward progress) stops the queries, and a query of the neighbor reads its NRD from the card', async () => {
    const s = await setUp();
    try {
      // 0.1 ms ticks, NceStaleTicks 5, an RTO long enough that nothing is resent meanwhile
      const stale = 5;
      await tenthMsTicks(s, { nceStaleTicks: stale });
      await s.link.mmioWrite(Reg.TCP_MIN_RTO_TICKS, 400);
      const t = await s.offload((tree) => { tree.neighbor.neighbor.cached!.hostReachabilityDelta = 2; });
      s.link.takeTxFrames();
      const send = allocateNbl(s.link.memory, 100, { data: new Uint8Array(100).fill(3) });
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      s.answer.hostHrd = 0; // the host's entry is stale: it will probe, and asks not to be asked for a while
      await s.run(() => s.offloadEvents.length >= 1, 3_000_000);
      // next an answer that the host last confirmed the neighbor long ago: the card asks again at
      // its next tick
      s.answer.hostHrd = 1000;
      await s.run(() => s.offloadEvents.length >= 3, 3_000_000);
      const [q1, q2, q3] = s.offloadEvents;
      expect(q1!.code).toBe(IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY);
      expect(q1!.list?.offloadHandle).toBe(t.handles.neighbor);
      expect(q1!.list?.layer).toBe('neighbor');
      expect(q1!.hrdBefore).toBe(2);                       // the HRD the host gave at initiate
      expect(q1!.nrd).toBeGreaterThan(stale);               // no forward progress since the offload
      expect(q2!.hrdBefore).toBe(0);                       // what the host answered last time
      // HRT = now after the answer of 0: the next query no sooner than NceStaleTicks later
      expect(q2!.cycle - q1!.cycle).toBeGreaterThanOrEqual(stale * TENTH_MS_TICK);
      expect(q2!.cycle - q1!.cycle).toBeLessThan((stale + 3) * TENTH_MS_TICK);
      expect(q2!.nrd).toBeGreaterThan(q1!.nrd);
      expect(q3!.hrdBefore).toBe(1000);
      expect(q3!.cycle - q2!.cycle).toBeLessThan(2 * TENTH_MS_TICK);
      expect(s.target.neighborQueries).toBe(3);
      // R71: the peer acknowledges the data: NRT = now, nothing in flight, no more queries
      fromPeer(s, { seq: 0, ack: 100, flags: TcpFlag.ACK });
      await s.run(() => s.io.some((x) => x.op === 'send'));
      const after = s.link.now;
      await s.run(() => s.link.now > after + 3 * stale * TENTH_MS_TICK);
      expect(s.offloadEvents).toHaveLength(3);
      // the host queries the neighbor: its NRD counts from the ACK (about 3 NceStaleTicks ago)
      const q = new OffloadBlockList(OffloadStateType.NEIGHBOR, t.handles.neighbor);
      const before = s.completed.length;
      s.ndis.queryOffloadState(s.binding, q);
      await s.run(() => s.completed.length > before);
      expect(q.status).toBe(NdisStatus.SUCCESS);
      expect(q.neighbor.delegated?.nicReachabilityDelta).toBeGreaterThanOrEqual(3 * stale);
      expect(q.neighbor.delegated?.nicReachabilityDelta).toBeLessThan(q1!.nrd + 3 * stale);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R69 once an RTT is known the card indicates its preferred send backlog (TcpIndicateSendBacklogChange): the bandwidth-delay product of the wire (SRTT + one tick), again when an RTT sample moves it by a quarter, never while it stands still, and a query reports the same', async () => {
    const s = await setUp();
    try {
      expect(await s.target.setOffloadParameters(MS_TICK)).toBe(NdisStatus.SUCCESS);
      // a 1000-cycle tick: the 64-bit wire carries 8000 bytes a tick
      await s.link.mmioWrite(Reg.TICK_DIV, 1000);
      const srttOf = async (): Promise<number> => {
        const q = new OffloadBlockList(OffloadStateType.TCP, t.handles.tcp1);
        const before = s.completed.length;
        s.ndis.queryOffloadState(s.binding, q);
        await s.run(() => s.completed.length > before);
        expect(q.status).toBe(NdisStatus.SUCCESS);
        expect(q.tcp.delegated!.sendBacklogSize).toBe(s.events.at(-1)!.info);
        return q.tcp.delegated!.sRtt;
      };
      // tcp1: an SRTT of 10 ticks (kept in eighths) and a 1 MiB peer window; tcp2: no RTT yet
      const t = await s.offload((tree) => {
        tree.t1.tcp.delegated!.sRtt = 8 * 10;
        tree.t1.tcp.delegated!.sndWnd = 1 << 20;
        tree.t1.tcp.const!.sndWindScale = 5;
      });
      await s.run(() => s.events.length > 0, 200_000);
      // (SRTT + one tick, the clock's granularity) x 8000 bytes
      expect(s.events).toEqual([{ type: TcpOffloadEventType.SEND_BACKLOG_CHANGE, info: (10 + 1) * 8000 }]);
      expect(await srttOf()).toBe(80);
      // 100 bytes sent and acknowledged about 40 ticks later: SRTT + (40 - 10) / 8 = 13.75 ticks
      s.link.takeTxFrames();
      const send = allocateNbl(s.link.memory, 100, { data: new Uint8Array(100).fill(5) });
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      await s.run(() => s.link.takeTxFrames().some((f) => decodeTcp(f.data)?.payload.length === 100));
      const sentAt = s.link.now;
      await s.run(() => s.link.now >= sentAt + 40_000, 100_000);
      const ack = tcpFrame(PEER,
        { srcPort: 80, dstPort: 40000, seq: 0, ack: 100, flags: TcpFlag.ACK, window: (1 << 20) >> 5 });
      s.link.pushRxFrame(ack, s.link.now + 10);
      await s.run(() => s.events.length > 1, 200_000);
      const srtt = await srttOf();
      expect(srtt).toBeGreaterThanOrEqual(80 + 39 - 10);
      expect(srtt).toBeLessThanOrEqual(80 + 41 - 10);
      expect(s.events[1]).toEqual({ type: TcpOffloadEventType.SEND_BACKLOG_CHANGE, info: (srtt + 8) * 1000 });
      // the walker visits every tick; with nothing changed it indicates nothing more
      const quietFrom = s.link.now;
      await s.run(() => s.link.now >= quietFrom + 50_000, 100_000);
      expect(s.events).toHaveLength(2);
      expect(send.nbl.status).toBe(NdisStatus.SUCCESS);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R75 blind-reset rules: an RST outside the window is dropped; in-window RSTs get one challenge ACK until an acceptable segment arrives; a SYN outside the window is ACKed every time, in-window SYNs at most once in 3 s; none of it aborts, the exact RST does', async () => {
    const s = await setUp();
    try {
      await s.offload();
      // the card's RCV.NXT is 0 and its window 65535; what it sends back within 2000 cycles
      const answer = async (seq: number, flags: number): Promise<{ seq: number; ack: number; flags: number }[]> => {
        s.link.takeTxFrames();
        fromPeer(s, { seq, ack: 0, flags });
        const until = s.link.now + 2000;
        const out: { seq: number; ack: number; flags: number }[] = [];
        await s.run(() => {
          for (const f of s.link.takeTxFrames()) {
            const seg = decodeTcp(f.data);
            if (seg && seg.srcPort === 40000) out.push({ seq: seg.seq, ack: seg.ack, flags: seg.flags });
          }
          return s.link.now >= until;
        });
        return out;
      };
      const challenge = [{ seq: 0, ack: 0, flags: TcpFlag.ACK }];
      expect(await answer(0x80000000, TcpFlag.RST)).toEqual([]);
      expect(await answer(1000, TcpFlag.RST)).toEqual(challenge);
      expect(await answer(2000, TcpFlag.RST)).toEqual([]);
      // an acceptable segment ends the RST validation period: the next in-window RST is challenged
      expect(await answer(0, TcpFlag.ACK)).toEqual([]);
      expect(await answer(3000, TcpFlag.RST)).toEqual(challenge);
      expect(await answer(0x80000000, TcpFlag.SYN)).toEqual(challenge);
      expect(await answer(0x80000000, TcpFlag.SYN)).toEqual(challenge);
      expect(await answer(4000, TcpFlag.SYN)).toEqual(challenge);
      expect(await answer(5000, TcpFlag.SYN)).toEqual([]);
      expect(s.events).toEqual([]);
      // still offloaded and well: the exact RST aborts
      expect(await answer(0, TcpFlag.RST)).toEqual([]);
      await s.run(() => s.events.length > 0);
      expect(s.events).toEqual([{ type: TcpOffloadEventType.ABORT, info: 0 }]);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R75 a SYN at RCV.NXT (the peer started over): the card asks for the upload (UploadRequested), sends nothing, and hands back CLOSED; R44 R61 a send or graceful disconnect posted meanwhile completes UPLOAD_IN_PROGRESS', async () => {
    const s = await setUp();
    try {
      const t = await s.offload();
      s.link.takeTxFrames();
      fromPeer(s, { seq: 0, ack: 0, flags: TcpFlag.SYN });
      await s.run(() => s.events.length > 0);
      expect(s.events).toEqual([{ type: TcpOffloadEventType.RETRIEVE, info: UploadReason.UPLOAD_REQUESTED }]);
      // the host has not uploaded yet: what it posts meanwhile fails as being uploaded (the host
      // sends the data itself once it has the connection back)
      const send = allocateNbl(s.link.memory, 100, { data: new Uint8Array(100).fill(7) });
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      const disc = allocateNbl(s.link.memory, 0, { mdlLengths: [1] });
      s.ndis.offloadTcpDisconnect(t.handles.tcp1, disc.nbl, TcpDisconnectFlags.GRACEFUL);
      await s.run(() => s.io.length >= 2);
      expect(s.io.map((x) => [x.op, ndisStatusName(x.nbl.status), x.nbl.info.tcpOffloadBytesTransferred ?? 0])).toEqual([
        ['send', 'NDIS_STATUS_UPLOAD_IN_PROGRESS', 0], ['disconnect', 'NDIS_STATUS_UPLOAD_IN_PROGRESS', 0]]);
      const until = s.link.now + 5000;
      await s.run(() => s.link.now >= until);
      expect(s.link.takeTxFrames().filter((f) => decodeTcp(f.data)?.srcPort === 40000)).toEqual([]);
      const { term, c1, c2 } = terminateTree(t);
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.some((c) => c.op === 'terminate'));
      expect([c1.tcp.delegated?.state, c2.tcp.delegated?.state]).toEqual([0, 4]);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R74 urgent data with a valid ACK: the card asks for the upload with ReceivedUrgentData and from then on acknowledges and takes in nothing, so the terminated state hands the host RCV.NXT from before it (the host stack takes the peer\'s retransmissions)', async () => {
    const s = await setUp();
    try {
      const t = await s.offload();
      const post = allocateNbl(s.link.memory, 4096);
      s.ndis.offloadTcpReceive(t.handles.tcp1, post.nbl);
      const data = (seq: number, flags: number, fill: number): Uint8Array =>
        tcpFrame(PEER, { srcPort: 80, dstPort: 40000, seq, ack: 0, flags, urgent: flags & TcpFlag.URG ? 10 : 0, payload: new Uint8Array(100).fill(fill) });
      // in-order data first: placed (the push completes the receive) as usual
      s.link.pushRxFrame(data(0, TcpFlag.ACK | TcpFlag.PSH, 1), s.link.now + 10);
      await s.run(() => s.io.length > 0);
      expect(post.nbl.status).toBe(NdisStatus.SUCCESS);
      expect(post.nbl.info.tcpOffloadBytesTransferred).toBe(100);
      expect(post.buffer.bytes.subarray(0, 100)).toEqual(new Uint8Array(100).fill(1));
      // a second receive posted: room the urgent data and what follows would otherwise fill
      const post2 = allocateNbl(s.link.memory, 4096);
      s.ndis.offloadTcpReceive(t.handles.tcp1, post2.nbl);
      s.link.takeTxFrames();
      const acks: number[] = [];
      const sentAcks = (): void => { for (const f of s.link.takeTxFrames()) { const seg = decodeTcp(f.data); if (seg && seg.srcPort === 40000) acks.push(seg.ack); } };
      // urgent data at RCV.NXT (100), then ordinary data after it
      s.link.pushRxFrame(data(100, TcpFlag.ACK | TcpFlag.URG, 2), s.link.now + 10);
      await s.run(() => s.events.length > 0);
      expect(s.events).toEqual([{ type: TcpOffloadEventType.RETRIEVE, info: UploadReason.RECEIVED_URGENT_DATA }]);
      s.link.pushRxFrame(data(200, TcpFlag.ACK | TcpFlag.PSH, 3), s.link.now + 10);
      const until = s.link.now + 20_000;
      await s.run(() => { sentAcks(); return s.link.now >= until; });
      expect(acks).toEqual([]);
      expect(s.events).toHaveLength(1);
      // the host uploads: RCV.NXT is where the urgent data began
      const { term, c1 } = terminateTree(t);
      const before = s.completed.length;
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.length > before);
      expect(c1.status).toBe(NdisStatus.SUCCESS);
      expect(c1.tcp.delegated?.rcvNxt).toBe(100);
      // the second receive took none of the urgent data or what followed it
      expect(post2.nbl.info.tcpOffloadBytesTransferred).toBe(0);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R67 with nothing acknowledging its data, the card retransmits TcpMaximumRetransmissions times with the timeout doubling, then asks for the upload with TimeoutExpiration', async () => {
    const s = await setUp();
    try {
      // a 0.1 ms tick and a 2-tick minimum RTO
      await tenthMsTicks(s, { tcpMaximumRetransmissions: 3 });
      await s.link.mmioWrite(Reg.TCP_MIN_RTO_TICKS, 2);
      // an RTT of 1 tick known: the RTO starts at the minimum
      const t = await s.offload((tree) => { tree.t1.tcp.delegated!.sRtt = 8; });
      s.link.takeTxFrames();
      const send = allocateNbl(s.link.memory, 100, { data: new Uint8Array(100).fill(3) });
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      const starts: number[] = [];
      await s.run(() => {
        for (const f of s.link.takeTxFrames()) if (decodeTcp(f.data)?.payload.length === 100) starts.push(f.cycle);
        return s.events.some((e) => e.type === TcpOffloadEventType.RETRIEVE);
      }, 5_000_000);
      // besides the send backlog the RTT lets it indicate (R69: capped by the 64 KiB window)
      expect(s.events).toEqual([{ type: TcpOffloadEventType.SEND_BACKLOG_CHANGE, info: 65535 }, { type: TcpOffloadEventType.RETRIEVE, info: UploadReason.TIMEOUT_EXPIRATION }]);
      // the first send and three retransmissions, each wait twice the one before (within a tick)
      expect(starts).toHaveLength(4);
      const gaps = starts.slice(1).map((c, i) => c - starts[i]!);
      const tick = await s.link.mmioRead(Reg.TICK_DIV);
      expect(gaps[1]! / gaps[0]!).toBeCloseTo(2, 0);
      expect(gaps[2]! / gaps[1]!).toBeCloseTo(2, 0);
      expect(gaps[0]!).toBeGreaterThanOrEqual(2 * tick - tick);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R83 with the peer\'s window zero the card probes it (the persist timer): the byte at SND.UNA alone after the RTO, each zero-window answer starting a round twice as long as the last; once the window opens the data goes out and the send completes', async () => {
    const s = await setUp();
    try {
      // a 0.1 ms tick and a 2-tick minimum RTO (as in R67); the RTT known is 1 tick: the RTO is 2 ticks
      await tenthMsTicks(s);
      await s.link.mmioWrite(Reg.TCP_MIN_RTO_TICKS, 2);
      const tick = await s.link.mmioRead(Reg.TICK_DIV);
      const t = await s.offload((tree) => { tree.t1.tcp.delegated!.sRtt = 8; tree.t1.tcp.delegated!.sndWnd = 0; });
      s.link.takeTxFrames();
      const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff);
      const send = allocateNbl(s.link.memory, 300, { data });
      s.ndis.offloadTcpSend(t.handles.tcp1, send.nbl);
      const sent: { cycle: number; seq: number; payload: Uint8Array }[] = [];
      const collect = (n: number) => () => {
        for (const f of s.link.takeTxFrames()) {
          const seg = decodeTcp(f.data);
          if (seg?.srcPort === 40000 && seg.payload.length > 0) sent.push({ cycle: f.cycle, seq: seg.seq, payload: seg.payload });
        }
        return sent.length >= n;
      };
      const answer = (window: number): number => fromPeer(s, { seq: 0, ack: 0, flags: TcpFlag.ACK, window });
      const start = s.link.now;
      await s.run(collect(1), 2_000_000);
      const answers = [answer(0)];            // round 1
      await s.run(collect(2), 4_000_000);
      answers.push(answer(0));                // round 2
      await s.run(collect(3), 4_000_000);
      for (const p of sent) expect([p.seq, p.payload.length, p.payload[0]]).toEqual([0, 1, data[0]]);
      // RTO, then RTO << 1 and RTO << 2 after the answers (within a tick: the walk's granularity)
      const waits = [sent[0]!.cycle - start, sent[1]!.cycle - answers[0]!, sent[2]!.cycle - answers[1]!].map((c) => c / tick);
      for (const [i, w] of [2, 4, 8].entries()) expect(Math.abs(waits[i]! - w)).toBeLessThanOrEqual(1);
      expect(s.io).toEqual([]);
      // the window opens: the data from SND.UNA, then its ACK completes the send
      answer(65535);
      await s.run(collect(4), 1_000_000);
      expect([sent[3]!.seq, Array.from(sent[3]!.payload)]).toEqual([0, Array.from(data)]);
      fromPeer(s, { seq: 0, ack: 300, flags: TcpFlag.ACK });
      await s.run(() => s.io.length === 1);
      expect([s.io[0]!.op, ndisStatusName(send.nbl.status)]).toEqual(['send', 'NDIS_STATUS_SUCCESS']);
      // R69 once, (SRTT + 1 tick) x 8 bytes a cycle: with no window seen yet the backlog is not
      // capped by it (a cap of 0 once indicated it on every walk and never left the connection)
      expect(s.events).toEqual([{ type: TcpOffloadEventType.SEND_BACKLOG_CHANGE, info: 2 * tick * 8 }]);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R82 once its FIN is acknowledged the card runs the FIN_WAIT_2 timer (120 s as the miniport programs it; shortened here), restarted by each acceptable segment; when it runs out the card asks for the upload with TimeoutExpiration and hands back CLOSED', async () => {
    const s = await setUp();
    try {
      await tenthMsTicks(s);
      expect(await s.link.mmioRead(Reg.TCP_FIN_WAIT_2_TICKS)).toBe(120 * 1000);   // 120 s of MS_TICK's 1 ms ticks
      await s.link.mmioWrite(Reg.TCP_FIN_WAIT_2_TICKS, 20);
      const tick = await s.link.mmioRead(Reg.TICK_DIV);
      const t = await s.offload();
      s.link.takeTxFrames();
      // no data: a zero-length NET_BUFFER over a one-byte MDL (an MDL is never empty)
      const disc = allocateNbl(s.link.memory, 0, { mdlLengths: [1] });
      s.ndis.offloadTcpDisconnect(t.handles.tcp1, disc.nbl, TcpDisconnectFlags.GRACEFUL);
      await s.run(() => s.link.takeTxFrames().some((f) => ((decodeTcp(f.data)?.flags ?? 0) & TcpFlag.FIN) !== 0));
      // the peer acknowledges the FIN: FIN_WAIT_2
      const peerAck = (): number => fromPeer(s, { seq: 0, ack: 1, flags: TcpFlag.ACK });
      peerAck();
      await s.run(() => s.io.length === 1);
      expect([s.io[0]!.op, ndisStatusName(disc.nbl.status)]).toEqual(['disconnect', 'NDIS_STATUS_SUCCESS']);
      // ten ticks on, a segment from the peer restarts the timer
      const mid = s.link.now + 10 * tick;
      await s.run(() => s.link.now >= mid);
      expect(s.events).toEqual([]);
      const last = peerAck();
      await s.run(() => s.events.length > 0, 2_000_000);
      const expiredAfter = (s.link.now - last) / tick;
      expect(s.events).toEqual([{ type: TcpOffloadEventType.RETRIEVE, info: UploadReason.TIMEOUT_EXPIRATION }]);
      expect(expiredAfter).toBeGreaterThanOrEqual(19);
      expect(expiredAfter).toBeLessThanOrEqual(22);
      const { term, c1 } = terminateTree(t);
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.some((c) => c.op === 'terminate'));
      expect(c1.tcp.delegated?.state).toBe(0);       // CLOSED
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });

  it('R78 the keepalive timer (N:keepalive-timer): with TCP_FLAG_KEEP_ALIVE_ENABLED the idle card probes after KaTimeout (an ACK one before SND.UNA that the peer must answer) and every KaInterval; an answer starts it over; KaProbeCount probes unanswered make the card ask for the upload, and the terminated state carries the probes and CLOSED', async () => {
    const s = await setUp();
    try {
      await tenthMsTicks(s);
      const tick = await s.link.mmioRead(Reg.TICK_DIV);
      const t = await s.offload((tree) => {
        Object.assign(tree.t1.tcp.cached!, { flags: 0x01, kaTimeout: 6, kaInterval: 2, kaProbeCount: 3 });
      });
      const start = s.link.now;
      const probes: number[] = [];
      const collect = (n: number) => () => {
        for (const f of s.link.takeTxFrames()) {
          const seg = decodeTcp(f.data);
          if (seg?.srcPort === 40000 && seg.seq === 0xffffffff && seg.payload.length === 0 && seg.flags === TcpFlag.ACK) probes.push(f.cycle);
        }
        return probes.length >= n;
      };
      await s.run(collect(1), 2_000_000);
      expect(Math.abs((probes[0]! - start) / tick - 6)).toBeLessThanOrEqual(1);
      // the peer answers: the timer starts over, KaTimeout from now
      const answered = fromPeer(s, { seq: 0, ack: 0, flags: TcpFlag.ACK });
      await s.run(() => collect(4)() && s.events.length > 0, 3_000_000);
      const after = probes.slice(1).map((c) => (c - answered) / tick);
      for (const [i, w] of [6, 8, 10].entries()) expect(Math.abs(after[i]! - w)).toBeLessThanOrEqual(1);
      expect(s.events).toEqual([{ type: TcpOffloadEventType.RETRIEVE, info: UploadReason.TIMEOUT_EXPIRATION }]);
      expect(Math.abs((s.link.now - answered) / tick - 12)).toBeLessThanOrEqual(1.5);
      const { term, c1 } = terminateTree(t);
      s.ndis.terminateOffload(s.binding, term);
      await s.run(() => s.completed.some((c) => c.op === 'terminate'));
      expect([c1.tcp.delegated?.state, c1.tcp.delegated?.keepAlive.probeCount, c1.tcp.delegated?.keepAlive.timeoutDelta]).toEqual([0, 3, 0xffffffff]);
      expect(s.ndis.violations).toEqual([]);
    } finally { await s.link.close(); }
  });
});
