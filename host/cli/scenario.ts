/**
 * Scenarios: offloaded TCP connections between two emulated NICs back to back, as a file says
 * (`fixtures/scenarios/*.json`). Station A runs flue's TCP/IP stack with the offload client:
 * its connections are handed to A's card through NDIS and the miniport (ChimneyTarget), and the
 * card carries them. Station B is the peer: flue's software stack on B's plain L2 path
 * (`peer: "software"`), or a second offloading host (`peer: "offloaded"`). The cable can be
 * impaired; A can upload its connections in the middle of the transfer and offload them again.
 * Data both ways is checked by SHA-256; the capture is judged by tshark when it is installed.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Reg } from '../../protocol/generated/contract.js';
import type { DeviceLink } from '../device/link.js';
import { ChimneyTarget } from '../drivers/miniport/chimney.js';
import { OffloadClient, type UploadCause } from '../drivers/protocol/offload/client.js';
import type { TcpSocket } from '../drivers/protocol/socket.js';
import type { TcpConnection } from '../drivers/protocol/tcp-connection.js';
import type { Stack } from '../drivers/protocol/stack.js';
import { DEFAULT_TCP_CONFIG } from '../drivers/protocol/tcp-config.js';
import { seededBytes } from '../drivers/protocol/transfer.js';
import { Ndis } from '../ndis/runtime.js';
import { NdisStatus } from '../ndis/status.js';
import type { ImpairmentConfig, ImpairmentCounters } from '../wire/impair.js';
import { Occupants } from './occupant.js';
import { TCP_MINIPORT, createBackToBack, stackOn, type BackToBack, type Station } from './testbed.js';

/** What a scenario file holds. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** who B is: flue's software stack on its NIC's L2 path, or a host that offloads too */
  readonly peer: 'software' | 'offloaded';
  /** connections A opens to B, all at once */
  readonly connections: number;
  /** bytes each way on every connection (A to B; B to A too unless bytesBtoA says otherwise) */
  readonly bytes: number;
  /** bytes B sends to A on every connection, when not `bytes` (a one-way transfer: 0) */
  readonly bytesBtoA?: number;
  /** the cable's impairment, the same both ways (times in ms of simulated time) */
  readonly impairment?: Partial<ImpairmentConfig>;
  /** A uploads each connection when it has received this share of its bytes, then offloads it again at `reoffloadAt` */
  readonly upload?: { readonly at: number; readonly reoffloadAt?: number };
  /** initial sequence numbers of A's and B's connections (to cross 2^32 early) */
  readonly isn?: { readonly a: number; readonly b: number };
  /** lower bound of the retransmission timeout on both sides, ms (card register and software stacks) */
  readonly minRtoMs?: number;
  /**
   * when the offloading side(s) offload each connection: 'established' (default; the data
   * follows the initiate's completion) or 'after-close' (once the side has written everything
   * and closed: R21's FIN_WAIT_1 / LAST_ACK, often with data and the FIN in flight)
   */
  readonly offload?: 'established' | 'after-close';
  /** every socket's send and receive buffer, bytes (default 256 KiB); A posts receives up to it */
  readonly socketBuffer?: number;
  /** bytes of receive posts A keeps outstanding, all connections together (default half of host memory) */
  readonly receiveMemory?: number;
  /** largest send NBL each offloading side builds (default 64 KiB): smaller ones take more of the card's send entries */
  readonly maxSendNbl?: number;
  /** give up after this many cycles (default 2e9) */
  readonly maxCycles?: number;
  /**
   * idle connections a second protocol binding installs on A's card before the scenario's own
   * (host/cli/occupant.ts), so that the table has room for only capacity − occupied more: the
   * scenario's connections beyond that are refused with the resource status and carried on in
   * software; at the end every occupant is queried and must be as it was installed
   */
  readonly occupied?: number;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

const PORT = 47001;
const MAX_CONNECTIONS = 1024;
const IMPAIRMENT_KEYS: readonly (keyof ImpairmentConfig)[] = ['loss', 'duplicate', 'reorder', 'reorderDelayMs', 'delayMs', 'jitterMs', 'corrupt'];

function fail(where: string, message: string): never {
  throw new ScenarioError(`${where}: ${message}`);
}

function num(where: string, key: string, v: unknown, min: number, max: number, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    fail(where, `"${key}" must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

/** Checks a parsed scenario file; every problem names the file and the field. */
export function checkScenario(raw: unknown, where = 'scenario'): Scenario {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  const known = ['name', 'description', 'peer', 'connections', 'bytes', 'bytesBtoA', 'impairment', 'upload', 'isn', 'minRtoMs', 'offload', 'socketBuffer', 'receiveMemory', 'maxSendNbl', 'maxCycles', 'occupied'];
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(where, `unknown field "${k}" (known: ${known.join(', ')})`);
  if (typeof o.name !== 'string' || o.name === '') fail(where, '"name" must be a non-empty string');
  if (o.description !== undefined && typeof o.description !== 'string') fail(where, '"description" must be a string');
  if (o.peer !== 'software' && o.peer !== 'offloaded') fail(where, `"peer" must be "software" or "offloaded", got ${JSON.stringify(o.peer)}`);
  const s: { -readonly [K in keyof Scenario]: Scenario[K] } = {
    name: o.name,
    peer: o.peer,
    connections: num(where, 'connections', o.connections, 1, MAX_CONNECTIONS, true),
    bytes: num(where, 'bytes', o.bytes, 1, 2 ** 31, true),
  };
  if (typeof o.description === 'string') s.description = o.description;
  if (o.bytesBtoA !== undefined) s.bytesBtoA = num(where, 'bytesBtoA', o.bytesBtoA, 0, 2 ** 31, true);
  if (o.impairment !== undefined) {
    if (typeof o.impairment !== 'object' || o.impairment === null) fail(where, '"impairment" must be an object');
    const imp: Partial<Record<keyof ImpairmentConfig, number>> = {};
    for (const [k, v] of Object.entries(o.impairment)) {
      if (!IMPAIRMENT_KEYS.includes(k as keyof ImpairmentConfig)) fail(where, `unknown impairment "${k}" (known: ${IMPAIRMENT_KEYS.join(', ')})`);
      const probability = ['loss', 'duplicate', 'reorder', 'corrupt'].includes(k);
      imp[k as keyof ImpairmentConfig] = num(where, `impairment.${k}`, v, 0, probability ? 1 : 10_000, false);
    }
    s.impairment = imp;
  }
  if (o.upload !== undefined) {
    const u = o.upload as Record<string, unknown>;
    if (typeof u !== 'object' || u === null) fail(where, '"upload" must be an object');
    const at = num(where, 'upload.at', u.at, 0, 1, false);
    if (u.reoffloadAt !== undefined) {
      const re = num(where, 'upload.reoffloadAt', u.reoffloadAt, 0, 1, false);
      if (re <= at) fail(where, '"upload.reoffloadAt" must come after "upload.at"');
      s.upload = { at, reoffloadAt: re };
    } else s.upload = { at };
  }
  if (o.isn !== undefined) {
    const i = o.isn as Record<string, unknown>;
    if (typeof i !== 'object' || i === null) fail(where, '"isn" must be an object { "a": n, "b": n }');
    s.isn = { a: num(where, 'isn.a', i.a, 0, 0xffffffff, true), b: num(where, 'isn.b', i.b, 0, 0xffffffff, true) };
  }
  if (o.minRtoMs !== undefined) s.minRtoMs = num(where, 'minRtoMs', o.minRtoMs, 1, 60_000, true);
  if (o.offload !== undefined) {
    if (o.offload !== 'established' && o.offload !== 'after-close') fail(where, `"offload" must be "established" or "after-close", not ${JSON.stringify(o.offload)}`);
    s.offload = o.offload;
  }
  if (o.socketBuffer !== undefined) s.socketBuffer = num(where, 'socketBuffer', o.socketBuffer, 4096, 16 * 2 ** 20, true);
  if (o.receiveMemory !== undefined) s.receiveMemory = num(where, 'receiveMemory', o.receiveMemory, 0, 2 ** 30, true);
  if (o.maxSendNbl !== undefined) s.maxSendNbl = num(where, 'maxSendNbl', o.maxSendNbl, 1, 2 ** 20, true);
  if (o.maxCycles !== undefined) s.maxCycles = num(where, 'maxCycles', o.maxCycles, 1, 2 ** 50, true);
  if (o.occupied !== undefined) s.occupied = num(where, 'occupied', o.occupied, 0, MAX_CONNECTIONS, true);
  return s;
}

/** Reads and checks a scenario file. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read it (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return checkScenario(raw, path);
}

export interface ScenarioOptions {
  seed: number;
  /** capture of the cable (none if omitted) */
  pcapPath?: string;
  /** A's card, opened elsewhere (a board over its serial link); the run closes it */
  linkA?: DeviceLink;
}

/** One side's offload machinery: its own NDIS, the miniport's chimney target, the client. */
export interface OffloadSide {
  readonly ndis: Ndis;
  readonly target: ChimneyTarget;
  readonly client: OffloadClient;
}

/** A card's STAT_TOE_* registers. */
export interface ToeCounters {
  rxSegments: number;
  /** dropped for want of room before the engine: the peer must send them again */
  rxDropped: number;
  rxChecksumErrors: number;
  txSegments: number;
  retransmits: number;
}

async function toeCounters(st: Station): Promise<ToeCounters> {
  return {
    rxSegments: await st.link.mmioRead(Reg.STAT_TOE_RX_SEGMENTS),
    rxDropped: await st.link.mmioRead(Reg.STAT_TOE_RX_DROPPED),
    rxChecksumErrors: await st.link.mmioRead(Reg.STAT_TOE_RX_CSUM_ERRORS),
    txSegments: await st.link.mmioRead(Reg.STAT_TOE_TX_SEGMENTS),
    retransmits: await st.link.mmioRead(Reg.STAT_TOE_RETRANSMITS),
  };
}

export interface ScenarioSummary {
  scenario: string;
  seed: number;
  peer: Scenario['peer'];
  connections: number;
  result: 'done' | 'limit';
  /** payload bytes delivered, summed over the connections */
  bytesAtoB: number;
  bytesBtoA: number;
  sha256Match: boolean;
  /** byte offset where each direction's data first went wrong, per connection (-1: never) */
  firstBad: { aToB: number; bToA: number }[];
  /** offloads completed and uploads, per side */
  offloads: { a: number; b: number };
  uploads: { a: number; b: number };
  /** why each upload happened ('A demand', 'B retrieve (reason 2)', ...) */
  uploadCauses: string[];
  /** the most connections each side had offloaded at one time */
  peakOffloaded: { a: number; b: number };
  /** segments each offloading host forwarded to its card (R62: ones that reached the host for an offloaded connection, or while it was being offloaded), and how many the cards refused */
  forwards: { a: number; b: number; refused: number };
  /** each failed initiate: side and the status the card completed it with */
  offloadFailures: string[];
  /** with "occupied": how many idle connections held A's table, and what their final query found wrong ('' if nothing) */
  occupied: { count: number; problems: string } | undefined;
  /** NDIS rule violations seen by either side's runtime */
  violations: string[];
  /** the cards' descriptor and DMA error counters (A, then B) */
  badDescriptors: [number, number];
  dmaErrors: [number, number];
  /** where each card's first refused DMA went (the harness's record; "" if none) */
  firstDmaError: [string, string];
  /** each card's TOE counters (STAT_TOE_*), A then B */
  toe: [ToeCounters, ToeCounters];
  impairment: { aToB: ImpairmentCounters; bToA: ImpairmentCounters } | undefined;
  /** tshark's retransmission count (undefined without a capture or tshark) */
  retransmissions: number | undefined;
  cycles: number;
  /** payload bits both ways over simulated time at the core clock */
  goodputGbps: number;
  wallMs: number;
  pcap: string | undefined;
  ok: boolean;
}

const OFFLOAD_PARAMETERS = {
  ticksPerSecond: 1000, tcpAckFrequency: 2, tcpMaximumRetransmissions: 8,
  tcpDoubtReachabilityRetransmissions: 3, tcpSwsPreventionTicks: 100, tcpDuplicateAckThreshold: 3, tcpPushTicks: 2, nceStaleTicks: 3000,
};

/**
 * The card's delayed-ACK timer is the stack's own (the host stack sets the offload parameters
 * from its TCP settings), so an offloaded connection acknowledges as the software one does: in
 * ticks of OFFLOAD_PARAMETERS (ms), at least 1, at most a UCHAR.
 */
export function delayedAckTicks(delayedAckMs: number): number {
  return Math.min(255, Math.max(1, Math.round((delayedAckMs * OFFLOAD_PARAMETERS.ticksPerSecond) / 1000)));
}

/**
 * The stacks' delayed ACK in a scenario: TCP's 40 ms, or with the RTO scaled down (minRtoMs) a
 * third of its least value, at least 1 ms (the peer's RTO must outlast it, or a lone segment goes
 * again for nothing).
 */
export function scenarioDelayedAckMs(minRtoMs: number | undefined): number {
  return minRtoMs === undefined ? DEFAULT_TCP_CONFIG.delayedAckMs : Math.max(1, Math.floor(minRtoMs / 3));
}

/** Gives a station's stack an offload client bound to the station's card. */
export async function offloadSide(station: Station, stack: Stack, name: string, automatic: boolean, minRtoMs?: number, receiveMemory?: number, maxSendNbl?: number): Promise<OffloadSide> {
  const ndis = new Ndis();
  const target = new ChimneyTarget(station.adapter, ndis, name);
  const status = await target.setOffloadParameters({ ...OFFLOAD_PARAMETERS, tcpDelayedAckTicks: delayedAckTicks(stack.config.delayedAckMs) });
  if (status !== NdisStatus.SUCCESS) throw new ScenarioError(`${name}: the card refused the offload parameters (status 0x${status.toString(16)})`);
  // ticks are ms at 1000 ticks per second
  if (minRtoMs !== undefined) await station.link.mmioWrite(Reg.TCP_MIN_RTO_TICKS, minRtoMs);
  const client = new OffloadClient(ndis, stack, station.link.memory, { policy: automatic ? { when: 'established' } : { when: 'demand' }, receivePostSize: 16384, ...(receiveMemory !== undefined ? { receiveMemory } : {}), ...(maxSendNbl !== undefined ? { maxSendNbl } : {}) });
  client.bind(target.handle);
  return { ndis, target, client };
}

/**
 * No reassembly: the analysis flags do not need it, and some payloads look to a heuristic
 * dissector like a PDU megabytes long, which tshark then reassembles for minutes (90 s
 * instead of 1.3 s on a 32 MiB capture).
 */
const TSHARK_TCP = ['-o', 'tcp.desegment_tcp_streams:FALSE'];

/**
 * tshark's complaints about a capture (its TCP analysis flags, checksums checked), one line per
 * frame, less window updates and the flags named in `explained` (what an impairment or flow
 * control accounts for: 'retransmission', 'window_full', ...). Empty when the capture is clean.
 */
export function tsharkComplaints(pcap: string, explained: readonly string[] = []): string {
  const filter = ['tcp.analysis.flags', '!tcp.analysis.window_update', ...explained.map((f) => `!tcp.analysis.${f}`)].join(' && ');
  return execFileSync('tshark', ['-r', pcap, ...TSHARK_TCP, '-o', 'tcp.check_checksum:TRUE', '-Y', filter, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info'], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
}

/** tshark's count of retransmitted segments in a capture (undefined if tshark is missing). */
export function countRetransmissions(pcap: string): number | undefined {
  try {
    const out = execFileSync('tshark', ['-r', pcap, ...TSHARK_TCP, '-Y', 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((l) => l !== '').length;
  } catch {
    return undefined;
  }
}

export interface RunningScenario {
  readonly bed: BackToBack;
  readonly a: Stack;
  readonly b: Stack;
  readonly sideA: OffloadSide;
  readonly sideB: OffloadSide | undefined;
}

/**
 * Runs a scenario to the end (every connection closed both ways, or maxCycles). `inspect` sees
 * the rig before it is torn down (tests read the cards' registers there).
 */
export async function runScenario(s: Scenario, options: ScenarioOptions, inspect?: (r: RunningScenario) => Promise<void>): Promise<ScenarioSummary> {
  const started = Date.now();
  // room for every socket's send and receive buffers in host memory, and then some
  const buffer = s.socketBuffer ?? 256 * 1024;
  const memorySize = Math.max(16 * 2 ** 20, Math.ceil((2 * s.connections * buffer + 8 * 2 ** 20) / 2 ** 20) * 2 ** 20);
  const bed = await createBackToBack({
    memorySize,
    ...(options.pcapPath ? { pcapPath: options.pcapPath } : {}),
    miniport: TCP_MINIPORT,
    ...(options.linkA ? { linkA: options.linkA } : {}),
    ...(s.impairment ? { impairment: { seed: options.seed, aToB: s.impairment, bToA: s.impairment } } : {}),
  });
  try {
    const rto = s.minRtoMs !== undefined ? { initialRto: Math.max(s.minRtoMs, 3), minRto: s.minRtoMs, maxRto: 60_000, granularity: 1 } : undefined;
    const tcp = { receiveBuffer: buffer, sendBuffer: buffer, delayedAckMs: scenarioDelayedAckMs(s.minRtoMs), ...(rto ? { rto } : {}) };
    // ARP retries on the same scaled clock: a lost request would otherwise wait out 1 s of
    // simulated time (156 M cycles) before the first SYN leaves
    const arp = rto ? { retryMs: rto.initialRto } : undefined;
    const a = stackOn(bed, bed.a, '192.0.2.10', options.seed * 2 + 1, tcp, s.isn?.a, arp);
    const b = stackOn(bed, bed.b, '198.51.100.11', options.seed * 2 + 2, tcp, s.isn?.b, arp);
    // offloaded on demand the moment each end is established, before any data is written (a
    // policy that waits for a segment would find a short transfer already closing), or after
    // the close with "offload": "after-close"
    const sideA = await offloadSide(bed.a, a, 'nic-a', false, s.minRtoMs, s.receiveMemory, s.maxSendNbl);
    const sideB = s.peer === 'offloaded' ? await offloadSide(bed.b, b, 'nic-b', false, s.minRtoMs, s.receiveMemory, s.maxSendNbl) : undefined;
    const offloader = [sideA, sideB] as const;
    const uploadCauses: string[] = [];
    const noteUpload = (side: string) => (_conn: unknown, cause: UploadCause): void => {
      uploadCauses.push(`${side} ${cause.kind}${cause.kind === 'retrieve' ? ` (reason ${cause.reason})` : cause.kind === 'io-failed' ? ` (status 0x${cause.status.toString(16)})` : ''}`);
    };
    sideA.client.on('uploaded', noteUpload('A'));
    sideB?.client.on('uploaded', noteUpload('B'));
    const offloadFailures: string[] = [];
    const noteFailure = (side: string) => (_conn: unknown, status: number): void => {
      offloadFailures.push(`${side} 0x${(status >>> 0).toString(16)}`);
    };
    sideA.client.on('offloadFailed', noteFailure('A'));
    sideB?.client.on('offloadFailed', noteFailure('B'));
    // connection → what to do once its initiate completed, either way
    const settled = new Map<TcpConnection, () => void>();
    const settle = (conn: TcpConnection): void => {
      const go = settled.get(conn);
      settled.delete(conn);
      go?.();
    };
    for (const side of [sideA, sideB]) {
      side?.client.on('offloaded', settle);
      side?.client.on('offloadFailed', settle);
    }
    /** asks side's client to offload sock; false if it cannot (outside R21's states): the data moves in software */
    const offloadNow = (side: 0 | 1, sock: TcpSocket): boolean => {
      try {
        offloader[side]?.client.offload(sock);
        return true;
      } catch (e) {
        offloadFailures.push(`${side === 0 ? 'A' : 'B'} ${(e as Error).message}`);
        return false;
      }
    };
    const peakOffloaded = { a: 0, b: 0 };
    for (const [key, side] of [['a', sideA], ['b', sideB]] as const) {
      let now = 0;
      side?.client.on('offloaded', () => { now++; peakOffloaded[key] = Math.max(peakOffloaded[key], now); });
      side?.client.on('uploaded', () => { now--; });
    }

    const n = s.connections;
    const bytesBack = s.bytesBtoA ?? s.bytes;
    const sent = Array.from({ length: n }, (_, i) => [seededBytes(options.seed * 7919 + 2 * i, s.bytes), seededBytes(options.seed * 7919 + 2 * i + 1, bytesBack)] as const);
    const hashes = Array.from({ length: n }, () => [createHash('sha256'), createHash('sha256')] as const);
    const count = Array.from({ length: n }, () => [0, 0]);
    const firstBad = Array.from({ length: n }, () => [-1, -1]);
    let closed = 0;
    const upload = s.upload;
    const uploaded = new Set<TcpSocket>();
    const reoffloaded = new Set<TcpSocket>();

    // side 0 is A's end of connection i, side 1 is B's; each sends sent[i][side] and receives the other
    const wire = (i: number, side: 0 | 1, sock: TcpSocket, open: boolean): void => {
      let n = 0;
      const mine = sent[i]![side];
      const theirs = sent[i]![1 - side]!;
      const pump = (): void => {
        while (n < mine.length) {
          const k = sock.send(mine.subarray(n, Math.min(mine.length, n + 65536)));
          if (k === 0) return;
          n += k;
        }
        if (n === mine.length) {
          n++;
          sock.close();
          if (s.offload === 'after-close') offloadNow(side, sock);
        }
      };
      sock.on('data', () => {
        const d = sock.receive();
        const c = count[i]!;
        if (firstBad[i]![side] === -1) {
          const want = theirs.subarray(c[side]!, c[side]! + d.length);
          const k = d.findIndex((x, j) => x !== want[j]);
          if (k >= 0 || want.length < d.length) firstBad[i]![side] = c[side]! + (k >= 0 ? k : want.length);
        }
        c[side]! += d.length;
        hashes[i]![side].update(d);
        if (side === 0 && upload) {
          const share = c[0]! / bytesBack;
          if (share >= upload.at && !uploaded.has(sock) && sideA.client.phaseOf(sock) === 'offloaded') {
            uploaded.add(sock);
            sideA.client.upload(sock);
          } else if (upload.reoffloadAt !== undefined && share >= upload.reoffloadAt && uploaded.has(sock) && !reoffloaded.has(sock) && sideA.client.phaseOf(sock) === 'software') {
            reoffloaded.add(sock);
            sideA.client.offload(sock);
          }
        }
      });
      const start = (): void => {
        const side_ = offloader[side];
        if (!side_ || s.offload === 'after-close') { pump(); return; }
        // the data follows the offload's outcome: a connection that waited its turn (R20, one
        // initiate at a time per new path) would otherwise have closed in software meanwhile
        settled.set(sock.connection, pump);
        if (!offloadNow(side, sock)) {
          settled.delete(sock.connection);
          pump();
        }
      };
      sock.on('drain', pump);
      sock.on('close', () => { closed++; });
      if (open) start();
      else sock.on('connect', start);
    };
    const listener = b.listen(PORT, n);
    // B's end of connection i is the one whose remote port is A's end's local port
    const indexOfPort = new Map<number, number>();
    listener.on('connection', () => {
      for (let sock = listener.accept(); sock; sock = listener.accept()) {
        const i = indexOfPort.get(sock.remotePort);
        if (i === undefined) throw new ScenarioError(`B accepted a connection from port ${sock.remotePort}, which A never opened`);
        wire(i, 1, sock, true);
      }
    });
    const open = (i: number): TcpSocket => {
      const sock = a.connect('198.51.100.11', PORT);
      indexOfPort.set(sock.localPort, i);
      wire(i, 0, sock, false);
      return sock;
    };
    // the rest once the first is up: B's address is resolved then (ARP queues only a few
    // packets for an unresolved address; the SYNs beyond them would wait out a 1 s RTO)
    const capacity = sideA.target.capabilities().tcpConnectionOffloadCapacity;
    const occupants = s.occupied ? new Occupants(sideA.ndis, sideA.target.handle, s.occupied, Uint8Array.of(192, 0, 2, 10)) : undefined;
    if (occupants) {
      await bed.scheduler.run({ until: () => occupants.installed !== undefined, maxCycles: 1e8 });
      if (occupants.installed !== s.occupied) throw new ScenarioError(`the card took ${occupants.installed ?? 'none'} of ${s.occupied} occupants (first refusal: ${occupants.firstRefusal || 'none'}); its table holds ${capacity}`);
    }
    open(0).on('connect', () => { for (let i = 1; i < n; i++) open(i); });
    const result = await bed.scheduler.run({ until: () => closed === 2 * n, maxCycles: s.maxCycles ?? 2e9 });
    listener.close();
    const cycles = bed.scheduler.now;
    let occupied: ScenarioSummary['occupied'];
    if (occupants) {
      occupants.query();
      await bed.scheduler.run({ until: () => occupants.queryComplete, maxCycles: 1e8 });
      occupied = { count: s.occupied!, problems: occupants.queryComplete ? occupants.checked() : 'the query of the occupants never completed' };
    }
    if (inspect) await inspect({ bed, a, b, sideA, sideB });

    let match = true;
    let bytesAtoB = 0;
    let bytesBtoA = 0;
    for (let i = 0; i < n; i++) {
      const want = (side: 0 | 1): string => createHash('sha256').update(sent[i]![side]).digest('hex');
      if (hashes[i]![0].digest('hex') !== want(1) || hashes[i]![1].digest('hex') !== want(0)) match = false;
      if (count[i]![0] !== bytesBack || count[i]![1] !== s.bytes) match = false;
      bytesAtoB += count[i]![1]!;
      bytesBtoA += count[i]![0]!;
    }
    const reg = async (st: Station, r: number): Promise<number> => st.link.mmioRead(r);
    const violations = [...sideA.ndis.violations, ...(sideB?.ndis.violations ?? [])].map((v) => `R${v.rule} ${v.by}: ${v.message}`);
    const badDescriptors: [number, number] = [await reg(bed.a, Reg.STAT_BAD_DESC), await reg(bed.b, Reg.STAT_BAD_DESC)];
    const dmaErrors: [number, number] = [await reg(bed.a, Reg.STAT_DMA_ERRORS), await reg(bed.b, Reg.STAT_DMA_ERRORS)];
    const firstDmaError: [string, string] = [bed.a.link.counters().firstDmaError, bed.b.link.counters().firstDmaError];
    const toe: [ToeCounters, ToeCounters] = [await toeCounters(bed.a), await toeCounters(bed.b)];
    const [impAB, impBA] = bed.wire.impairments;
    await bed.close();
    const retransmissions = options.pcapPath ? countRetransmissions(options.pcapPath) : undefined;
    const seconds = cycles / bed.a.link.clockHz;
    const summary: ScenarioSummary = {
      scenario: s.name, seed: options.seed, peer: s.peer, connections: n, result,
      bytesAtoB, bytesBtoA, sha256Match: match,
      firstBad: firstBad.map(([x, y]) => ({ aToB: y!, bToA: x! })),
      offloads: { a: sideA.client.counters.offloads, b: sideB?.client.counters.offloads ?? 0 },
      uploads: { a: sideA.client.counters.uploads, b: sideB?.client.counters.uploads ?? 0 },
      uploadCauses,
      peakOffloaded,
      forwards: { a: sideA.client.counters.forwards, b: sideB?.client.counters.forwards ?? 0, refused: sideA.client.counters.forwardsRefused + (sideB?.client.counters.forwardsRefused ?? 0) },
      offloadFailures,
      occupied,
      violations, badDescriptors, dmaErrors, firstDmaError, toe,
      impairment: impAB && impBA ? { aToB: { ...impAB.counters }, bToA: { ...impBA.counters } } : undefined,
      retransmissions,
      cycles,
      goodputGbps: seconds > 0 ? ((bytesAtoB + bytesBtoA) * 8) / seconds / 1e9 : 0,
      wallMs: Date.now() - started,
      pcap: options.pcapPath,
      ok: false,
    };
    // every connection offloaded (twice where the scenario offloads it again after an upload),
    // except those the occupants left no room for: each of those refused with the resource status
    const room = Math.min(n, capacity - (s.occupied ?? 0));
    const refusedForRoom = offloadFailures.filter((f) => f === `A 0x${(NdisStatus.OFFLOAD_TCP_ENTRIES >>> 0).toString(16)}`).length;
    summary.ok = result === 'done' && match && violations.length === 0 && summary.forwards.refused === 0 && badDescriptors.every((x) => x === 0) && dmaErrors.every((x) => x === 0)
      && summary.offloads.a >= room * (s.upload?.reoffloadAt !== undefined ? 2 : 1) && (s.peer === 'software' || summary.offloads.b >= n)
      && (s.occupied === undefined || (occupied?.problems === '' && refusedForRoom === n - room && offloadFailures.length === n - room));
    return summary;
  } catch (e) {
    await bed.close();
    throw e;
  }
}

/** "A closed ×255, A demand": equal entries counted */
function countedList(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const f of items) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([f, k]) => (k > 1 ? `${f} ×${k}` : f)).join(', ');
}

export function formatScenario(r: ScenarioSummary): string {
  const mib = (b: number): string => (b / 2 ** 20).toFixed(2);
  const lines = [
    `flue run: ${r.scenario} (seed ${r.seed}, peer ${r.peer}, ${r.connections} connection${r.connections === 1 ? '' : 's'})`,
    `  A->B ${mib(r.bytesAtoB)} MiB, B->A ${mib(r.bytesBtoA)} MiB, SHA-256 ${r.sha256Match ? 'matched' : 'MISMATCH'}`,
    `  offloads A ${r.offloads.a} / B ${r.offloads.b} (at most ${r.peakOffloaded.a} / ${r.peakOffloaded.b} at once), uploads A ${r.uploads.a} / B ${r.uploads.b}${r.uploadCauses.length ? ` (${countedList(r.uploadCauses)})` : ''}`,
    ...(r.offloadFailures.length ? [`  failed offloads: ${countedList(r.offloadFailures)}`] : []),
    ...(r.occupied ? [`  ${r.occupied.count} idle occupants held A's table; at the end ${r.occupied.problems ? `they were disturbed: ${r.occupied.problems}` : 'every one was as installed'}`] : []),
    ...(r.forwards.a + r.forwards.b ? [`  segments forwarded to the cards A ${r.forwards.a} / B ${r.forwards.b}${r.forwards.refused ? `, ${r.forwards.refused} REFUSED` : ''}`] : []),
    ...r.toe.flatMap((t, i) => (t.rxSegments + t.txSegments > 0
      ? [`  ${i === 0 ? 'A' : 'B'}'s TOE: ${t.rxSegments} segments in, ${t.txSegments} out (${t.retransmits} again)${t.rxDropped ? `, ${t.rxDropped} DROPPED for want of room` : ''}${t.rxChecksumErrors ? `, ${t.rxChecksumErrors} with bad checksums` : ''}`]
      : [])),
    `  retransmissions ${r.retransmissions ?? 'n/a (no capture or no tshark)'}`,
    ...(r.impairment ? [`  impairment A->B lost ${r.impairment.aToB.lost} dup ${r.impairment.aToB.duplicated} reord ${r.impairment.aToB.reordered}; B->A lost ${r.impairment.bToA.lost} dup ${r.impairment.bToA.duplicated} reord ${r.impairment.bToA.reordered}`] : []),
    `  ${r.cycles} cycles, ${r.goodputGbps.toFixed(2)} Gbit/s simulated goodput (both ways), ${(r.wallMs / 1000).toFixed(1)} s wall`,
    ...(r.violations.length ? [`  NDIS violations: ${r.violations.join('; ')}`] : []),
    ...(['A', 'B'] as const).flatMap((side, i) => [
      ...(r.badDescriptors[i] ? [`  card ${side}: ${r.badDescriptors[i]} bad descriptors`] : []),
      ...(r.dmaErrors[i] ? [`  card ${side}: ${r.dmaErrors[i]} DMA errors${r.firstDmaError[i] ? `, first at ${r.firstDmaError[i]}` : ''}`] : []),
    ]),
    `  pcap ${r.pcap ?? 'none'}`,
    r.ok ? 'OK' : `FAILED (${r.result === 'limit' ? 'ran out of cycles' : 'see above'})`,
  ];
  return lines.join('\n');
}
