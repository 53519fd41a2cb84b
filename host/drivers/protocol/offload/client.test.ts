/**
 * The protocol driver's offload client end to end down to the NDIS edge: stack A's
 * connections are offloaded through NDIS and an intermediate driver to the scripted target,
 * whose wire half (OffloadWire) talks TCP to the software stack B over the memory wire. Every
 * test moves data and checks it by SHA-256 across the hand-overs, and checks NDIS saw no rule
 * broken and every host-memory buffer came back.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chimneyStack, scripted } from '../../intermediate/fixtures.js';
import type { ScriptedTarget, TargetObject } from '../../testing/scripted-target.js';
import { allocateNbl } from '../../../ndis/nbl.js';
import { NdisStatus } from '../../../ndis/status.js';
import { StackErrorCode } from '../errors.js';
import { IP_A, IP_B, makePair, type Pair } from '../pair.js';
import type { TcpSocket } from '../socket.js';
import type { TcpConfig } from '../tcp-config.js';
import { TcpState } from '../tcp-state.js';
import { seededBytes, sha256 } from '../transfer.js';
import { decodeTcp } from '../craft.js';
import { IndicateOffloadEvent, traverse } from '../../../ndis/offload.js';
import { OffloadWire } from './carrier.js';
import { TcpOffloadConnectionState } from './state-tree.js';
import { MANDATORY_UPLOAD_REASONS, OffloadClient, type OffloadClientOptions, type OffloadPolicy, type UploadCause } from './client.js';

const PORT = 80;
const MEMORY = 8 << 20;

interface Rig {
  p: Pair;
  client: OffloadClient;
  target: ScriptedTarget;
  wire: OffloadWire;
  ndis: ReturnType<typeof chimneyStack>['ndis'];
  memory: ReturnType<typeof chimneyStack>['memory'];
  uploads: UploadCause[];
}

function rig(policy: OffloadPolicy, o: { depth?: number; capacity?: number; tcp?: Partial<TcpConfig>; client?: Partial<OffloadClientOptions> } = {}): Rig {
  const tcp = { receiveBuffer: 64 * 1024, sendBuffer: 64 * 1024, ...o.tcp };
  const p = makePair({ tcpA: tcp, tcpB: tcp });
  const late: { wire?: OffloadWire } = {};
  // NDIS, the IM, the target and the client defer onto the pair's clock: one deterministic event loop
  const defer = (fn: () => void): void => { p.clock.setTimer(p.clock.now(), () => { fn(); late.wire?.pump(); }); };
  const cs = chimneyStack(o.depth ?? 1, scripted(o.capacity), defer, MEMORY);
  const wire = (late.wire = new OffloadWire(p, cs.target, cs.memory));
  const client = new OffloadClient(cs.ndis, p.a, cs.memory, { policy, defer, receivePostSize: 8192, ...o.client });
  client.bind(cs.top);
  const uploads: UploadCause[] = [];
  client.on('uploaded', (_c, cause) => uploads.push(cause));
  return { p, client, target: cs.target, wire, ndis: cs.ndis, memory: cs.memory, uploads };
}

function connect(r: Rig, fromA = true): { a: TcpSocket; b: TcpSocket } {
  let a: TcpSocket | undefined;
  let b: TcpSocket | undefined;
  if (fromA) {
    const l = r.p.b.listen(PORT);
    a = r.p.a.connect(IP_B, PORT);
    r.p.run(() => (b ??= l.accept()) !== undefined && a!.state === TcpState.ESTABLISHED);
  } else {
    const l = r.p.a.listen(PORT);
    b = r.p.b.connect(IP_A, PORT);
    r.p.run(() => (a ??= l.accept()) !== undefined && b!.state === TcpState.ESTABLISHED);
  }
  return { a: a!, b: b! };
}

/** A bidirectional transfer between a and b that tests can step and poke. */
class Flow {
  sentA = 0; sentB = 0;
  readonly gotA = createHash('sha256'); readonly gotB = createHash('sha256');
  recvA = 0; recvB = 0;
  closeA = false; closeB = false;
  constructor(readonly a: TcpSocket, readonly b: TcpSocket, readonly toB: Uint8Array, readonly toA: Uint8Array) {}

  step(): void {
    const { a, b } = this;
    if (!this.closeA && !a.closed && this.sentA < this.toB.length) this.sentA += a.send(this.toB.subarray(this.sentA, this.sentA + 20_000));
    if (!this.closeB && !b.closed && this.sentB < this.toA.length) this.sentB += b.send(this.toA.subarray(this.sentB, this.sentB + 20_000));
    const ra = a.receive();
    if (ra.length) { this.gotA.update(ra); this.recvA += ra.length; }
    const rb = b.receive();
    if (rb.length) { this.gotB.update(rb); this.recvB += rb.length; }
  }

  /** steps until `until` holds (false after limitMs of simulated time) */
  run(p: Pair, until: () => boolean, limitMs = 60_000): boolean {
    return p.run(() => { this.step(); return until(); }, limitMs);
  }

  get done(): boolean {
    return this.recvA === this.toA.length && this.recvB === this.toB.length;
  }

  verify(): void {
    expect(this.recvB).toBe(this.toB.length);
    expect(this.recvA).toBe(this.toA.length);
    expect(this.gotB.digest('hex')).toBe(sha256(this.toB));
    expect(this.gotA.digest('hex')).toBe(sha256(this.toA));
  }
}

function objectOf(r: Rig): TargetObject {
  const objs = r.target.tcpObjects;
  expect(objs.length).toBe(1);
  return objs[0]!;
}

/** No rule broken, no I/O outstanding, every host-memory buffer back (after uploading what is left). */
function clean(r: Rig): void {
  if (r.client.offloadedCount > 0) {
    r.client.uploadAll({ kind: 'demand' });
    r.p.run(() => r.client.offloadedCount === 0, 1000);
  }
  expect(r.ndis.violations).toEqual([]);
  // R20 R35 R63: NDIS never had to refuse the host an operation (I/O or forward during an
  // offload or after a terminate, a state operation on an object being offloaded)
  expect(r.ndis.counters.ioRefused).toBe(0);
  expect(r.ndis.counters.stateRefused).toBe(0);
  expect(r.ndis.outstandingIo).toBe(0);
  expect(r.memory.used).toBe(0);
}

describe('offload client: policies and the data path through NDIS', () => {
  it('R21 policy established: offloaded at establishment (active open), 300 KB each way through an IM, A closes, TIME-WAIT after upload, SHA-256 intact', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    expect(r.client.phaseOf(a)).toBe('offloaded');
    expect(r.client.counters.offloads).toBe(1);
    const f = new Flow(a, b, seededBytes(1, 300_000), seededBytes(2, 300_000));
    expect(f.run(r.p, () => f.done && a.unacknowledged === 0)).toBe(true);
    f.verify();
    expect(r.client.counters.sendBytesAcked).toBe(300_000);
    expect(r.client.counters.receiveBytes).toBe(300_000);
    expect(r.wire.carrierOf(a.localPort)!.segmentsOut).toBeGreaterThan(200); // the target carried it, not software
    a.close();
    let bEnded = false;
    b.on('end', () => { bEnded = true; });
    expect(r.p.run(() => bEnded, 1000)).toBe(true); // our FIN went out through the target
    b.close();
    expect(r.p.run(() => a.closed && b.closed && r.client.offloadedCount === 0, 5000)).toBe(true);
    expect(r.uploads).toEqual([{ kind: 'closed' }]);
    expect(a.state).toBe(TcpState.TIME_WAIT); // we closed first: TIME-WAIT is kept in software
    // with the sequence space the target handed back: our FIN is what the peer acknowledged
    expect(a.connection.snd.nxt).toBe(b.connection.rcv.nxt);
    expect(a.connection.rcv.nxt).toBe(b.connection.snd.nxt);
    expect(b.error).toBeUndefined();
    expect(r.client.sharedObjects).toEqual({ neighbors: 0, paths: 0 });
    clean(r);
  });

  it('host memory short: sends and receive posts wait for memory and go out as it frees, in order; 300 KB each way intact', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    // all but about 48 KiB of host memory taken by someone else
    const hog = r.memory.alloc(r.memory.size - r.memory.used - 48 * 1024);
    const f = new Flow(a, b, seededBytes(3, 300_000), seededBytes(4, 300_000));
    expect(f.run(r.p, () => f.done && a.unacknowledged === 0)).toBe(true);
    f.verify();
    expect(r.client.counters.memoryShortfalls).toBeGreaterThan(0);
    expect(r.client.counters.sendBytesAcked).toBe(300_000);
    r.memory.release(hog);
    a.close();
    b.close();
    expect(r.p.run(() => a.closed && b.closed && r.client.offloadedCount === 0, 5000)).toBe(true);
    clean(r);
  });

  it('policy established on a passive open; B closes first: end event, A closes from CLOSE-WAIT, the connection ends CLOSED', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r, false);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const f = new Flow(a, b, seededBytes(3, 50_000), seededBytes(4, 80_000));
    expect(f.run(r.p, () => f.done)).toBe(true);
    let ended = false;
    a.on('end', () => { ended = true; });
    b.close();
    expect(r.p.run(() => ended, 1000)).toBe(true);
    expect(r.client.phaseOf(a)).toBe('offloaded'); // half-closed: still offloaded
    a.close();
    const ok = r.p.run(() => a.closed && b.closed, 5000);
    expect(ok).toBe(true);
    expect(a.state).toBe(TcpState.CLOSED);
    expect(a.error).toBeUndefined();
    f.verify();
    clean(r);
  });

  it('R17 R18 policy bytes: software until the threshold, then offloaded mid-transfer with data in flight and unread bytes (R17, R18), intact', () => {
    const r = rig({ when: 'bytes', threshold: 100_000 });
    const { a, b } = connect(r);
    let at = -1;
    r.client.on('offloaded', () => { at = f.recvB + f.recvA; });
    const f = new Flow(a, b, seededBytes(5, 400_000), seededBytes(6, 400_000));
    expect(f.run(r.p, () => f.done)).toBe(true);
    f.verify();
    expect(at).toBeGreaterThan(0);
    expect(r.client.counters.offloads).toBe(1);
    expect(r.client.counters.sendBytesAcked).toBeLessThan(400_000); // the first part went in software
    expect(r.client.counters.sendBytesAcked).toBeGreaterThan(200_000);
    clean(r);
  });

  it('on demand: offload, upload mid-transfer, offload again and upload again; every hand-over keeps the byte streams', () => {
    const r = rig({ when: 'demand' });
    const { a, b } = connect(r);
    const f = new Flow(a, b, seededBytes(7, 600_000), seededBytes(8, 600_000));
    const marks = [100_000, 250_000, 400_000, 500_000];
    let next = 0;
    expect(f.run(r.p, () => {
      if (next < marks.length && f.recvB >= marks[next]!) {
        if (next % 2 === 0) r.client.offload(a);
        else r.client.upload(a);
        next++;
      }
      return f.done;
    }, 120_000)).toBe(true);
    f.verify();
    expect(r.client.counters.offloads).toBe(2);
    expect(r.client.counters.uploads).toBe(2);
    expect(r.uploads).toEqual([{ kind: 'demand' }, { kind: 'demand' }]);
    expect(r.client.phaseOf(a)).toBe('software');
    clean(r);
  });

  it('a writer waiting for drain when its connection is uploaded with the send buffer full is told once ACKs free room in software', () => {
    const r = rig({ when: 'demand' });
    const { a, b } = connect(r);
    r.client.offload(a);
    expect(r.p.run(() => r.client.phaseOf(a) === 'offloaded', 1000)).toBe(true);
    const data = seededBytes(9, 400_000);
    let sent = 0;
    let drains = 0;
    const pump = (): void => {
      while (sent < data.length) {
        const k = a.send(data.subarray(sent, sent + 20_000));
        if (k === 0) return;
        sent += k;
      }
    };
    a.on('drain', () => { drains++; pump(); });
    pump();
    // B reads nothing: its window closes, the sends outstanding fill A's whole send buffer
    r.p.run(() => false, 50);
    expect(sent).toBeLessThan(data.length);
    const waiting = sent;
    r.client.upload(a);
    expect(r.p.run(() => r.client.phaseOf(a) === 'software', 1000)).toBe(true);
    expect(a.connection.snd.space).toBe(0);
    // B reads: ACKs free the software send buffer and the writer hears of it
    const got = createHash('sha256');
    let recv = 0;
    expect(r.p.run(() => {
      const d = b.receive();
      got.update(d);
      recv += d.length;
      return recv === data.length;
    }, 60_000)).toBe(true);
    expect(sent).toBe(data.length);
    expect(drains).toBeGreaterThan(0);
    expect(waiting).toBeLessThan(data.length);
    expect(got.digest('hex')).toBe(sha256(data));
    clean(r);
  });
});

/** Drops every frame A puts on the wire while `fn` runs (a lost FIN), keeping the OffloadWire's tap. */
function dropFromA(r: Rig, fn: () => void): void {
  const tap = r.p.wire.tap!;
  r.p.wire.tap = (frame, from) => (from === 'a' ? true : tap(frame, from));
  fn();
  r.p.wire.tap = tap;
}

describe('offload client: every R21 state', () => {
  const S = TcpOffloadConnectionState;
  const cases: { state: TcpState; offloadState: number; reach: (r: Rig, a: TcpSocket, b: TcpSocket) => void; finish: (a: TcpSocket, b: TcpSocket) => void; end: TcpState; cause: UploadCause }[] = [
    { state: TcpState.FIN_WAIT_1, offloadState: S.FIN_WAIT1, reach: (r, a) => dropFromA(r, () => a.close()), finish: (_a, b) => b.close(), end: TcpState.TIME_WAIT, cause: { kind: 'closed' } },
    { state: TcpState.FIN_WAIT_2, offloadState: S.FIN_WAIT2, reach: (r, a) => { a.close(); r.p.run(() => a.state === TcpState.FIN_WAIT_2, 100); }, finish: (_a, b) => b.close(), end: TcpState.TIME_WAIT, cause: { kind: 'closed' } },
    { state: TcpState.CLOSE_WAIT, offloadState: S.CLOSE_WAIT, reach: (r, a, b) => { b.close(); r.p.run(() => a.state === TcpState.CLOSE_WAIT, 100); }, finish: (a) => a.close(), end: TcpState.CLOSED, cause: { kind: 'closed' } },
    { state: TcpState.CLOSING, offloadState: S.CLOSING, reach: (r, a, b) => dropFromA(r, () => { a.close(); b.close(); r.p.run(() => a.state === TcpState.CLOSING, 100); }), finish: () => undefined, end: TcpState.TIME_WAIT, cause: { kind: 'retrieve', reason: 10 } },
    { state: TcpState.LAST_ACK, offloadState: S.LAST_ACK, reach: (r, a, b) => { b.close(); r.p.run(() => a.state === TcpState.CLOSE_WAIT, 100); dropFromA(r, () => a.close()); }, finish: () => undefined, end: TcpState.CLOSED, cause: { kind: 'retrieve', reason: 10 } },
  ];
  for (const c of cases) {
    it(`R21 offloaded in ${c.state}: the tree says so, the target carries the close to its end, the host takes it back in ${c.end}`, () => {
      const r = rig({ when: 'demand' });
      const { a, b } = connect(r);
      const f = new Flow(a, b, seededBytes(1, 30_000), seededBytes(2, 30_000));
      expect(f.run(r.p, () => f.done && a.unacknowledged === 0 && b.unacknowledged === 0)).toBe(true);
      c.reach(r, a, b);
      expect(a.state).toBe(c.state);
      r.client.offload(a);
      const initiate = r.target.stateLog.filter((x) => x.op === 'initiate').pop()!;
      const tcpNode = [...traverse(initiate.list)].find((n) => n.layer === 'tcp')!;
      expect(tcpNode.tcp.delegated!.state).toBe(c.offloadState);
      r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
      expect(r.client.phaseOf(a)).toBe('offloaded');
      c.finish(a, b);
      expect(r.p.run(() => a.closed && b.closed && r.client.offloadedCount === 0, 10_000)).toBe(true);
      expect(a.state).toBe(c.end);
      // the host learns the end from its disconnect, the DISCONNECT event, or (our FIN acknowledged last) the target's retrieve
      expect(r.uploads).toEqual([c.cause]);
      expect(a.error).toBeUndefined();
      expect(b.error).toBeUndefined();
      f.step();
      f.verify();
      clean(r);
    });
  }
});

describe('offload client: completions and events', () => {
  it('R68 every mandatory retrieve reason but HardwareFailure uploads the connection, which carries on in software and can be offloaded again', () => {
    for (const reason of MANDATORY_UPLOAD_REASONS.filter((x) => x !== 11)) {
      const r = rig({ when: 'demand' });
      const { a, b } = connect(r);
      r.client.offload(a);
      const f = new Flow(a, b, seededBytes(reason, 200_000), seededBytes(reason + 20, 200_000));
      let asked = false;
      expect(f.run(r.p, () => {
        if (!asked && f.recvB > 60_000) { asked = true; r.target.requestUpload(objectOf(r), reason); }
        return f.done;
      })).toBe(true);
      f.verify();
      expect(r.uploads).toEqual([{ kind: 'retrieve', reason }]);
      expect(r.client.counters.retrieves[reason]).toBe(1);
      expect(r.client.phaseOf(a)).toBe('software');
      clean(r);
    }
  });

  it('R68 HardwareFailure (the target lost data it had acknowledged) uploads the connection and resets it: the peer gets an RST at the target\'s SND.NXT, the user an OFFLOAD_FAILED error, and nothing after the hole is delivered', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const f = new Flow(a, b, new Uint8Array(0), seededBytes(35, 200_000));
    f.run(r.p, () => f.recvA > 50_000);
    // the hardware-state-corrupt procedure: TcpIndicateRetrieve HardwareFailure, then TcpIndicateAbort
    const o = objectOf(r);
    r.target.requestUpload(o, 11);
    r.target.peerReset(o);
    expect(r.p.run(() => a.closed && b.closed, 2000)).toBe(true);
    expect(a.error?.code).toBe(StackErrorCode.OFFLOAD_FAILED);
    expect(a.error?.message).toMatch(/hardware failure/);
    expect(b.error?.code).toBe(StackErrorCode.RESET);
    expect(r.uploads).toEqual([{ kind: 'retrieve', reason: 11 }]);
    clean(r);
  });

  it('R68 optional retrieve reasons keep the connection offloaded (unless configured to upload)', () => {
    for (const upload of [false, true]) {
      const r = rig({ when: 'established' }, { client: { uploadOnOptionalRetrieve: upload } });
      const { a, b } = connect(r);
      r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
      const o = objectOf(r);
      for (const reason of [1, 2, 3, 4, 6, 7]) r.target.requestUpload(o, reason);
      const f = new Flow(a, b, seededBytes(30, 50_000), seededBytes(31, 50_000));
      expect(f.run(r.p, () => f.done)).toBe(true);
      f.verify();
      expect(r.client.counters.retrievesKept).toBe(upload ? 0 : 6);
      expect(r.client.phaseOf(a)).toBe(upload ? 'software' : 'offloaded');
    }
  });

  it('R44 sends completed UPLOAD_IN_PROGRESS while the target prepares an upload go out again in software, in order, once', () => {
    const r = rig({ when: 'demand' });
    const { a, b } = connect(r);
    r.client.offload(a);
    const f = new Flow(a, b, seededBytes(40, 500_000), seededBytes(41, 100_000));
    let asked = false;
    expect(f.run(r.p, () => {
      // the target starts refusing sends, and asks for the upload only once some were refused
      if (f.recvB > 100_000 && r.target.tcpObjects.length) objectOf(r).uploadPending = true;
      if (!asked && r.client.counters.sendsReturned >= 3) { asked = true; r.target.requestUpload(objectOf(r), 10); }
      return f.done;
    })).toBe(true);
    f.verify();
    expect(r.client.counters.sendsReturned).toBeGreaterThan(0);
    expect(r.uploads).toEqual([{ kind: 'retrieve', reason: 10 }]);
    clean(r);
  });

  it('R65 the peer\'s RST: abort event, outstanding I/O REQUEST_ABORTED, the connection uploaded and closed with RESET', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const f = new Flow(a, b, seededBytes(50, 200_000), new Uint8Array(0));
    f.run(r.p, () => f.recvB > 50_000);
    b.abort();
    expect(r.p.run(() => a.closed, 2000)).toBe(true);
    expect(a.error?.code).toBe(StackErrorCode.RESET);
    expect(r.uploads).toEqual([{ kind: 'reset' }]);
    expect(r.client.counters.sendsAborted).toBeGreaterThan(0);
    clean(r);
  });

  it('R58 the user\'s abort while offloaded: abortive disconnect, RST on the wire, B reset, A closed ABORTED', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const f = new Flow(a, b, seededBytes(60, 200_000), new Uint8Array(0));
    f.run(r.p, () => f.recvB > 50_000);
    a.abort();
    expect(r.p.run(() => a.closed && b.closed, 2000)).toBe(true);
    expect(a.error?.code).toBe(StackErrorCode.ABORTED);
    expect(b.error?.code).toBe(StackErrorCode.RESET);
    expect(r.uploads).toEqual([{ kind: 'aborted' }]);
    clean(r);
  });

  it('send-backlog change sets how much the client keeps outstanding', () => {
    const r = rig({ when: 'established' });
    const { a } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const o = objectOf(r);
    r.target.sendBacklogChange(o, 16_384);
    r.p.run(() => r.client.counters.backlogChanges === 1, 10);
    expect(a.writableLength).toBe(16_384);
    expect(a.send(seededBytes(70, 40_000))).toBe(16_384);
    r.target.sendBacklogChange(o, 0xffffffff);
    r.p.run(() => r.client.counters.backlogChanges === 2, 10);
    expect(a.writableLength).toBe(64 * 1024 - a.unacknowledged);
  });

  it('R53 an indication the receive buffer has no room for is refused with OFFLOAD_DATA_NOT_ACCEPTED and BytesConsumed 0', () => {
    const r = rig({ when: 'established' }, { tcp: { receiveBuffer: 16 * 1024 }, client: { receivePostSize: 4096 } });
    const { a } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const o = objectOf(r);
    const data = seededBytes(80, 20_000);
    const { nbl } = allocateNbl(r.memory, data.length, { data });
    const answer = r.target.indicate(o, nbl);
    // 16 KiB buffer, 4 x 4 KiB posted: no room left for indicated bytes
    expect(answer).toEqual({ status: NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED, consumed: 0 });
    expect(r.client.counters.indicationsRefused).toBe(1);
    expect(r.ndis.violations).toEqual([]);
  });
});

describe('offload client: forwarding, failures, sharing, pause and upload-all', () => {
  it('segments that reach the host for an offloaded connection are forwarded with NdisOffloadTcpForward (R62) and the data arrives intact', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    let n = 0;
    r.wire.passToHost = (seg) => seg.payload.length > 0 && ++n % 4 === 0;
    const f = new Flow(a, b, seededBytes(90, 50_000), seededBytes(91, 200_000));
    const ok = f.run(r.p, () => f.done);
    expect(ok).toBe(true);
    f.verify();
    expect(r.client.counters.forwards).toBeGreaterThan(20);
    expect(r.p.b.counters.tcpRtoExpirations).toBe(0); // the target kept what overtook a forwarded segment
    clean(r);
  });

  it('R20 R63 a segment and a send arriving while the offload is in progress are held, and forwarded and posted once the initiate completes', () => {
    const r = rig({ when: 'demand' });
    const { a, b } = connect(r);
    r.wire.passToHost = () => true; // B's segments reach A's host stack, as IP-option or fragmented ones would
    // B's data is on the wire before the offload starts and reaches A's host stack while it is in progress
    const inFlight: Uint8Array[] = [];
    const tap = r.p.wire.tap!;
    r.p.wire.tap = (frame, from) => (from === 'b' ? inFlight.push(frame) > 0 : tap(frame, from));
    b.send(Uint8Array.of(1, 2, 3));
    r.p.wire.tap = tap;
    r.client.offload(a);
    expect(r.client.phaseOf(a)).toBe('offloading');
    for (const frame of inFlight) r.p.a.receiveFrame(frame);
    expect(a.send(Uint8Array.of(9, 8, 7))).toBe(3);
    expect(r.client.counters.segmentsHeld).toBe(1);
    expect(r.client.counters.forwards).toBe(0);
    expect(r.client.counters.sends).toBe(0);
    r.p.run(() => a.readableLength === 3 && b.readableLength === 3, 100);
    expect(r.client.counters.forwards).toBeGreaterThanOrEqual(1); // B's ACKs take the host path too
    expect(r.client.counters.sends).toBe(1);
    expect([...a.receive()]).toEqual([1, 2, 3]);
    expect([...b.receive()]).toEqual([9, 8, 7]);
    r.wire.passToHost = undefined;
    clean(r);
  });

  it('R62 the data the software held past a hole when it offloaded is forwarded after the initiate: the target keeps it, and the peer resends only the segment that was lost', () => {
    const r = rig({ when: 'demand' });
    const { a, b } = connect(r);
    // B's first data segment is lost: A's software holds the two after it out of order
    const tap = r.p.wire.tap!;
    let dropped = 0;
    r.p.wire.tap = (frame, from) => {
      if (from === 'b' && dropped === 0 && (decodeTcp(frame)?.payload.length ?? 0) > 0) return ++dropped > 0;
      return tap(frame, from);
    };
    const data = seededBytes(92, 3 * 1460);
    expect(b.send(data)).toBe(data.length);
    expect(r.p.run(() => a.connection.rcv.outOfOrderSegments === 2, 100)).toBe(true);
    r.p.wire.tap = tap;
    r.client.offload(a);
    expect(r.p.run(() => a.readableLength === data.length, 10_000)).toBe(true);
    expect(r.client.phaseOf(a)).toBe('offloaded');
    expect(sha256(a.receive())).toBe(sha256(data));
    expect(r.client.counters.outOfOrderForwards).toBe(2);
    // B's RTO resent the lost one; the two after it were acknowledged with it
    expect(r.p.b.counters.tcpRetransmits).toBe(1);
    clean(r);
  });

  it('R16 an initiate the target fails (no TCP entries) leaves the connection in software with its data, and the unused path and neighbor are terminated', () => {
    const r = rig({ when: 'bytes', threshold: 20_000 }, { capacity: 0 });
    const { a, b } = connect(r);
    let failed = 0;
    r.client.on('offloadFailed', (_c, status) => { failed++; expect(status).toBe(NdisStatus.OFFLOAD_TCP_ENTRIES); });
    const f = new Flow(a, b, seededBytes(100, 200_000), seededBytes(101, 200_000));
    expect(f.run(r.p, () => f.done)).toBe(true);
    f.verify();
    expect(failed).toBe(1); // no automatic retry
    expect(r.client.phaseOf(a)).toBe('software');
    expect(r.client.sharedObjects).toEqual({ neighbors: 0, paths: 0 });
    expect(r.target.objects.size).toBe(0);
    clean(r);
  });

  it('R34 two connections share one neighbor and one path; the second links to them; the last upload terminates them', () => {
    const r = rig({ when: 'established' });
    const c1 = connect(r);
    r.p.run(() => r.client.phaseOf(c1.a) === 'offloaded', 100);
    const l = r.p.b.listen(PORT + 1);
    const a2 = r.p.a.connect(IP_B, PORT + 1);
    let b2: TcpSocket | undefined;
    r.p.run(() => (b2 ??= l.accept()) !== undefined && r.client.phaseOf(a2) === 'offloaded', 1000);
    expect(r.client.sharedObjects).toEqual({ neighbors: 1, paths: 1 });
    expect(r.target.objects.size).toBe(4); // neighbor, path, two TCP
    const f1 = new Flow(c1.a, c1.b, seededBytes(110, 100_000), seededBytes(111, 100_000));
    const f2 = new Flow(a2, b2!, seededBytes(112, 100_000), seededBytes(113, 100_000));
    expect(r.p.run(() => { f1.step(); f2.step(); return f1.done && f2.done; }, 60_000)).toBe(true);
    f1.verify();
    f2.verify();
    r.client.upload(c1.a);
    r.p.run(() => r.client.offloadedCount === 1, 100);
    expect(r.target.objects.size).toBe(3);
    r.client.upload(a2);
    r.p.run(() => r.client.offloadedCount === 0, 100);
    expect(r.target.objects.size).toBe(0);
    expect(r.client.sharedObjects).toEqual({ neighbors: 0, paths: 0 });
    clean(r);
  });

  it('R72 UPLOAD_ALL uploads every connection and holds new offloads until OFFLOAD_RESUME; OFFLOAD_PAUSE holds them too', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const f = new Flow(a, b, seededBytes(120, 300_000), seededBytes(121, 300_000));
    f.run(r.p, () => f.recvB > 50_000);
    r.ndis.mIndicateStatusEx(r.target.handle, NdisStatus.UPLOAD_ALL);
    f.run(r.p, () => f.recvB > 150_000);
    expect(r.client.phaseOf(a)).toBe('software');
    expect(r.uploads).toEqual([{ kind: 'upload-all' }]);
    r.client.offload(a); // held: the target asked for everything back
    expect(r.client.phaseOf(a)).toBe('software');
    r.ndis.mIndicateStatusEx(r.target.handle, NdisStatus.OFFLOAD_RESUME);
    expect(f.run(r.p, () => f.done)).toBe(true);
    f.verify();
    expect(r.client.counters.offloads).toBe(2);
    r.ndis.mIndicateStatusEx(r.target.handle, NdisStatus.OFFLOAD_PAUSE);
    const l = r.p.b.listen(PORT + 2);
    const a2 = r.p.a.connect(IP_B, PORT + 2);
    r.p.run(() => l.pending === 1, 100);
    expect(r.client.phaseOf(a2)).toBe('software');
    r.ndis.mIndicateStatusEx(r.target.handle, NdisStatus.OFFLOAD_RESUME);
    r.p.run(() => r.client.phaseOf(a2) === 'offloaded', 100);
    expect(r.client.phaseOf(a2)).toBe('offloaded');
  });

  it('R70 a NeighborReachabilityQuery gets the host\'s reachability delta written back synchronously', () => {
    const r = rig({ when: 'established' }, { depth: 0 });
    const { a } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const initiate = r.target.stateLog.find((x) => x.op === 'initiate')!;
    const neighbor = [...traverse(initiate.list)].find((n) => n.layer === 'neighbor')!;
    neighbor.neighbor.cached!.hostReachabilityDelta = 12345;
    r.ndis.mOffloadEventIndicate(r.target.handle, neighbor, IndicateOffloadEvent.NEIGHBOR_REACHABILITY_QUERY);
    expect(r.client.counters.neighborQueries).toBe(1);
    expect(neighbor.neighbor.cached!.hostReachabilityDelta).toBe(1); // the ARP entry is confirmed: reachable
    clean(r);
  });

  it('R93 pause() uploads everything before a power-down or unbind and offloads nothing until resume()', () => {
    const r = rig({ when: 'established' });
    const { a, b } = connect(r);
    r.p.run(() => r.client.phaseOf(a) === 'offloaded', 100);
    const f = new Flow(a, b, seededBytes(130, 200_000), seededBytes(131, 200_000));
    f.run(r.p, () => f.recvB > 50_000);
    r.client.pause();
    f.run(r.p, () => r.client.offloadedCount === 0);
    expect(r.uploads).toEqual([{ kind: 'pause' }]);
    expect(f.run(r.p, () => f.done)).toBe(true);
    f.verify();
    expect(r.client.phaseOf(a)).toBe('software');
    clean(r);
  });
});
