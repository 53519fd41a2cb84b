/**
 * The software TCP/IPv4 stack: one IPv4 address on one Ethernet link. Frames in through
 * receiveFrame(), out through the Link; time from a Clock. It answers ARP, checks and
 * reassembles IPv4, demultiplexes TCP to connections and listeners, and answers segments
 * for no connection with RST (RFC 9293 §3.10.7.1). Never throws on wire input.
 */
import { ArpTable, type ArpConfig, DEFAULT_ARP_CONFIG } from './arp.js';
import type { Clock } from './clock.js';
import { DropReason, macEquals, parseIp } from './codec.js';
import { type StackCounters, newCounters } from './counters.js';
import { StackError, StackErrorCode } from './errors.js';
import { BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseArp, parseEthernet, serializeArp, serializeEthernet, type ArpPacket } from './ethernet.js';
import { DEFAULT_TTL, IP_PROTO_TCP, parseIpv4, serializeIpv4 } from './ipv4.js';
import { DEFAULT_REASSEMBLY_CONFIG, Reassembler, type ReassemblyConfig } from './reassembly.js';
import { seqAdd } from './seq.js';
import { TcpListener, TcpSocket } from './socket.js';
import { DEFAULT_TCP_CONFIG, type TcpConfig } from './tcp-config.js';
import { type ConnectionHost, type ConnectionId, TcpConnection } from './tcp-connection.js';
import { TcpFlag, type TcpSegment, hasFlag, parseTcp, segmentLength, serializeTcp } from './tcp-segment.js';

/** The link below the stack: Ethernet II frames without FCS. */
export interface Link {
  readonly mac: Uint8Array;
  /**
   * Queues a frame. A link that says `reportsLeft` calls `left` exactly once per frame, when it
   * has left (or failed), perhaps from inside this call.
   */
  send(frame: Uint8Array, left?: () => void): void;
  /** the link calls `left` for every frame: the stack can bound what it keeps queued there */
  readonly reportsLeft?: boolean;
}

/** Bytes of frames the stack keeps queued in a link that reports them leaving (see StackOptions). */
export const DEFAULT_LINK_QUEUE_BYTES = 64 * 1024;

export interface StackOptions {
  /** our IPv4 address, dotted quad or 32-bit number */
  ip: string | number;
  link: Link;
  /** time in milliseconds */
  clock: Clock;
  /** seeds initial sequence numbers and ephemeral ports (reproducible runs) */
  seed?: number;
  /** every connection's initial sequence number, instead of RFC 6528's (tests: a start near 2^32) */
  fixedIsn?: number;
  tcp?: Partial<TcpConfig>;
  /**
   * On a link that reports frames leaving: new data waits in the connections' send buffers
   * while this many bytes of frames are queued in the link (ACKs, retransmissions and control
   * segments never wait). Data is then built when the link has room, with a current ACK field,
   * instead of queueing a whole window in the card's ring, where the ACKs it carries grow stale
   * behind it (as Linux's TSQ and BQL do). 0: no bound. Default DEFAULT_LINK_QUEUE_BYTES.
   */
  linkQueueBytes?: number;
  arp?: Partial<ArpConfig>;
  reassembly?: Partial<ReassemblyConfig>;
}

const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;
const MAX_MSS = 1460;
/** RFC 6528: the ISN clock ticks every 4 µs */
const ISN_TICKS_PER_MS = 250;

function toIp(ip: string | number): number {
  const v = typeof ip === 'number' ? ip : parseIp(ip);
  if (v === undefined || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new StackError(StackErrorCode.BAD_ARGUMENT, `bad IPv4 address ${String(ip)}`);
  return v >>> 0;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StackError(StackErrorCode.BAD_ARGUMENT, `port ${port} must be 1 to 65535`);
}

/** 32-bit mix for the RFC 6528 secret function F(). */
function mix32(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

export interface StackObserver {
  segmentProcessed(conn: TcpConnection): void;
}

export class Stack {
  readonly ip: number;
  readonly counters: StackCounters = newCounters();
  readonly config: TcpConfig;
  private readonly link: Link;
  private readonly baseClock: Clock;
  /** the clock handed to connections: timer callbacks run as stack operations */
  private readonly clock: Clock;
  private readonly arp: ArpTable;
  private readonly reassembler: Reassembler;
  private readonly connections = new Map<string, TcpConnection>();
  private readonly listeners = new Map<number, TcpListener>();
  private readonly listenerOf = new Map<TcpConnection, TcpListener>();
  private readonly secret: number;
  private readonly fixedIsn: number | undefined;
  private nextPort: number;
  private ipId = 0;
  private readonly queue: (() => void)[] = [];
  private depth = 0;
  private draining = false;
  private readonly host: ConnectionHost;
  private readonly linkQueueLimit: number;
  /** bytes of frames in the link not yet reported left */
  private linkQueued = 0;
  /** connections whose new data waits for room in the link, in the order they asked */
  private readonly linkWaiters = new Set<TcpConnection>();
  /** frames carrying data, SYN or FIN not yet reported left, by connection key */
  private readonly linkDataFrames = new Map<string, number>();
  /** connections whose new data is held back until their data frames have left (quiesceLink) */
  private readonly quiesced = new Map<string, { conn: TcpConnection; done: (() => void) | undefined }>();

  constructor(options: StackOptions) {
    this.ip = toIp(options.ip);
    this.link = options.link;
    if (this.link.mac.length !== 6) throw new StackError(StackErrorCode.BAD_ARGUMENT, 'link MAC must be 6 bytes');
    this.baseClock = options.clock;
    this.clock = { now: () => this.baseClock.now(), setTimer: (at, fn) => this.baseClock.setTimer(at, () => this.run(fn)) };
    this.config = { ...DEFAULT_TCP_CONFIG, ...options.tcp };
    const limit = options.linkQueueBytes ?? DEFAULT_LINK_QUEUE_BYTES;
    if (!Number.isInteger(limit) || limit < 0) throw new StackError(StackErrorCode.BAD_ARGUMENT, `linkQueueBytes ${limit} must be a whole number of bytes, 0 for no bound`);
    this.linkQueueLimit = this.link.reportsLeft ? limit : 0;
    const c = this.config;
    if (!Number.isInteger(c.mss) || c.mss < 64 || c.mss > MAX_MSS) throw new StackError(StackErrorCode.BAD_ARGUMENT, `mss ${c.mss} must be 64 to ${MAX_MSS}`);
    for (const k of ['receiveBuffer', 'sendBuffer'] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1 || c[k] > 2 ** 30) throw new StackError(StackErrorCode.BAD_ARGUMENT, `${k} ${c[k]} must be 1 to 2^30`);
    }
    this.secret = mix32(options.seed ?? 1, 0x5ca1ab1e);
    if (options.fixedIsn !== undefined && !(Number.isInteger(options.fixedIsn) && options.fixedIsn >= 0 && options.fixedIsn <= 0xffffffff))
      throw new StackError(StackErrorCode.BAD_ARGUMENT, `fixedIsn ${options.fixedIsn} must be a 32-bit unsigned integer`);
    this.fixedIsn = options.fixedIsn;
    this.nextPort = EPHEMERAL_FIRST + (this.secret % EPHEMERAL_COUNT);
    this.arp = new ArpTable(this.clock, this.counters, { ...DEFAULT_ARP_CONFIG, ...options.arp }, this.link.mac, this.ip, (p, dst) => this.sendArp(p, dst));
    this.reassembler = new Reassembler(this.clock, this.counters, { ...DEFAULT_REASSEMBLY_CONFIG, ...options.reassembly });
    this.host = {
      clock: this.clock,
      counters: this.counters,
      transmit: (id, seg) => this.transmit(id, seg),
      notify: (fn) => this.queue.push(fn),
      released: (conn) => this.released(conn),
      established: (conn) => this.passiveEstablished(conn),
      linkRoom: (conn) => !this.isQuiesced(conn) && (this.linkQueueLimit === 0 || this.linkQueued < this.linkQueueLimit),
      waitLink: (conn) => this.linkWaiters.add(conn),
    };
  }

  get mac(): Uint8Array {
    return this.link.mac;
  }

  /** connections in the table (TIME-WAIT included) */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Adds a static ARP entry. */
  addNeighbor(ip: string | number, mac: Uint8Array): void {
    this.arp.set(toIp(ip), mac);
  }

  // ---- offload hooks (host/drivers/protocol/offload/) ------------------------------------

  /** The connection localPort <-> remoteIp:remotePort, if the table has it. */
  connectionFor(localPort: number, remoteIp: string | number, remotePort: number): TcpConnection | undefined {
    return this.connections.get(this.key({ localIp: this.ip, localPort, remoteIp: toIp(remoteIp), remotePort }));
  }

  /** The ARP cache's MAC for `ip` (the next hop on this flat link), if resolved. */
  neighborMac(ip: string | number): Uint8Array | undefined {
    return this.arp.lookup(toIp(ip));
  }

  /**
   * The offload client's view of the stack: called after a segment was processed by a
   * connection in software (after the user's notifications), so an offload policy can act on
   * establishment or on bytes moved.
   */
  observer: StackObserver | undefined;

  /** Runs fn as one stack operation: notifications it queues are delivered when it ends. */
  operate<T>(fn: () => T): T {
    return this.run(fn);
  }

  // ---- user API ---------------------------------------------------------------------------

  /** Active open to ip:port. 'connect' or 'close' (with REFUSED/TIMEOUT) follows. */
  connect(ip: string | number, port: number, localPort?: number): TcpSocket {
    const remoteIp = toIp(ip);
    checkPort(port);
    return this.run(() => {
      const lport = localPort ?? this.ephemeralPort(remoteIp, port);
      checkPort(lport);
      const id: ConnectionId = { localIp: this.ip, localPort: lport, remoteIp, remotePort: port };
      if (this.connections.has(this.key(id))) throw new StackError(StackErrorCode.ADDRESS_IN_USE, `${lport} -> ${port} is in use`);
      const conn = new TcpConnection(id, this.host, this.config, this.isn(id), false);
      this.connections.set(this.key(id), conn);
      const socket = new TcpSocket(conn, (fn) => this.run(fn));
      conn.open();
      return socket;
    });
  }

  /** Passive open on `port`. */
  listen(port: number, backlog = this.config.backlog): TcpListener {
    checkPort(port);
    if (this.listeners.has(port)) throw new StackError(StackErrorCode.ADDRESS_IN_USE, `port ${port} already has a listener`);
    const l = new TcpListener(port, backlog, () => this.listeners.delete(port));
    this.listeners.set(port, l);
    return l;
  }

  /** One Ethernet frame from the link (without FCS). */
  receiveFrame(frame: Uint8Array): void {
    this.run(() => this.frameInput(frame));
  }

  // ---- operations and events --------------------------------------------------------------

  /** Runs fn as one stack operation; queued notifications are delivered when the outermost ends. */
  private run<T>(fn: () => T): T {
    this.depth++;
    let result: T;
    try {
      result = fn();
    } finally {
      this.depth--;
    }
    if (this.depth === 0 && !this.draining) {
      this.draining = true;
      try {
        while (this.queue.length > 0) this.queue.shift()!();
      } finally {
        this.draining = false;
      }
    }
    return result;
  }

  // ---- input ------------------------------------------------------------------------------

  private drop(reason: DropReason): void {
    this.counters.drops[reason]++;
  }

  private frameInput(frame: Uint8Array): void {
    this.counters.rxFrames++;
    const eth = parseEthernet(frame);
    if (!eth.ok) return this.drop(eth.reason);
    const { header, payload } = eth.value;
    if (!macEquals(header.dst, 0, this.link.mac) && !macEquals(header.dst, 0, BROADCAST_MAC)) return this.drop(DropReason.NOT_FOR_US);
    if (header.etherType === ETHERTYPE_ARP) {
      const arp = parseArp(payload);
      if (!arp.ok) return this.drop(arp.reason);
      this.arp.input(arp.value);
      return;
    }
    if (header.etherType !== ETHERTYPE_IPV4) return this.drop(DropReason.UNKNOWN_PROTOCOL);
    this.ipInput(payload);
  }

  private ipInput(packet: Uint8Array): void {
    const ip = parseIpv4(packet);
    if (!ip.ok) return this.drop(ip.reason);
    const h = ip.value.header;
    if (h.dst !== this.ip) return this.drop(DropReason.NOT_FOR_US);
    let payload: Uint8Array | undefined = ip.value.payload;
    if (h.moreFragments || h.fragmentOffset > 0) {
      payload = this.reassembler.input(h, payload);
      if (payload === undefined) return;
    }
    if (h.protocol !== IP_PROTO_TCP) return this.drop(DropReason.UNKNOWN_PROTOCOL);
    this.tcpInput(h.src, payload);
  }

  private tcpInput(src: number, bytes: Uint8Array): void {
    const parsed = parseTcp(bytes, src, this.ip);
    if (!parsed.ok) return this.drop(parsed.reason);
    const seg = parsed.value;
    this.counters.tcpSegmentsIn++;
    if (seg.srcPort === 0 || seg.dstPort === 0 || src === 0xffffffff || src >>> 28 === 0xe) return this.drop(DropReason.BAD_HEADER);
    const id: ConnectionId = { localIp: this.ip, localPort: seg.dstPort, remoteIp: src, remotePort: seg.srcPort };
    const conn = this.connections.get(this.key(id));
    if (conn !== undefined) {
      if (conn.offload) return conn.offload.segment(seg, bytes);
      conn.segmentArrives(seg);
      if (this.observer) {
        const observer = this.observer;
        this.queue.push(() => observer.segmentProcessed(conn));
      }
      return;
    }
    const listener = this.listeners.get(seg.dstPort);
    if (listener !== undefined) return this.listenInput(listener, id, seg);
    this.drop(DropReason.NO_CONNECTION);
    this.resetFor(id, seg);
  }

  /** RFC 9293 §3.10.7.2: a segment for a listener. */
  private listenInput(listener: TcpListener, id: ConnectionId, seg: TcpSegment): void {
    if (hasFlag(seg, TcpFlag.RST)) return this.drop(DropReason.BAD_STATE);
    if (hasFlag(seg, TcpFlag.ACK)) {
      this.drop(DropReason.BAD_ACK);
      return this.resetFor(id, seg);
    }
    if (!hasFlag(seg, TcpFlag.SYN)) return this.drop(DropReason.BAD_STATE);
    if (listener.halfOpen + listener.pending >= listener.backlog) return this.drop(DropReason.BACKLOG_FULL);
    const conn = new TcpConnection(id, this.host, this.config, this.isn(id), true);
    this.connections.set(this.key(id), conn);
    this.listenerOf.set(conn, listener);
    listener.halfOpen++;
    conn.acceptSyn(seg);
  }

  /** RST for a segment that has no connection (never for a RST). */
  private resetFor(id: ConnectionId, seg: TcpSegment): void {
    if (hasFlag(seg, TcpFlag.RST)) return;
    this.counters.tcpRstsSent++;
    const ack = hasFlag(seg, TcpFlag.ACK);
    this.transmit(id, {
      srcPort: id.localPort, dstPort: id.remotePort,
      seq: ack ? seg.ack : 0,
      ack: ack ? 0 : seqAdd(seg.seq, segmentLength(seg)),
      flags: ack ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
      window: 0, urgent: 0, options: {}, payload: new Uint8Array(0),
    });
  }

  // ---- connection bookkeeping -------------------------------------------------------------

  private key(id: ConnectionId): string {
    return `${id.remoteIp}:${id.remotePort}:${id.localPort}`;
  }

  /** RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey). */
  private isn(id: ConnectionId): number {
    if (this.fixedIsn !== undefined) return this.fixedIsn;
    let h = this.secret;
    for (const v of [id.localIp, id.localPort, id.remoteIp, id.remotePort]) h = mix32(h, v);
    return (h + Math.floor(this.clock.now() * ISN_TICKS_PER_MS)) >>> 0;
  }

  private ephemeralPort(remoteIp: number, remotePort: number): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = this.nextPort;
      this.nextPort = port + 1 >= 65536 ? EPHEMERAL_FIRST : port + 1;
      const id = { localIp: this.ip, localPort: port, remoteIp, remotePort };
      if (!this.connections.has(this.key(id)) && !this.listeners.has(port)) return port;
    }
    throw new StackError(StackErrorCode.NO_PORTS, 'no ephemeral port free');
  }

  private released(conn: TcpConnection): void {
    this.linkWaiters.delete(conn);
    if (this.connections.get(this.key(conn.id)) === conn) this.connections.delete(this.key(conn.id));
    const l = this.listenerOf.get(conn);
    if (l !== undefined) {
      this.listenerOf.delete(conn);
      l.halfOpen--;
    }
  }

  private passiveEstablished(conn: TcpConnection): void {
    const l = this.listenerOf.get(conn);
    if (l === undefined) return;
    this.listenerOf.delete(conn);
    l.halfOpen--;
    const socket = new TcpSocket(conn, (fn) => this.run(fn));
    if (!l.listening) {
      conn.abort();
      return;
    }
    this.queue.push(() => l.enqueue(socket));
  }

  // ---- output -----------------------------------------------------------------------------

  /**
   * Holds back the data `conn`'s output would send (ACKs and fast retransmits still go) and calls `done` once
   * none of its frames with data, SYN or FIN waits in the link: at once if none does. The
   * offload client waits so before an initiate: the card then finds no earlier frame of the
   * connection to send ahead of its own, and the initiate no window of them to wait behind.
   * With a link that does not report frames leaving, `done` runs at once. `releaseLink` ends it.
   */
  quiesceLink(conn: TcpConnection, done: () => void): void {
    const key = this.key(conn.id);
    if (this.linkQueueLimit === 0 || !this.linkDataFrames.has(key)) {
      this.quiesced.set(key, { conn, done: undefined });
      done();
      return;
    }
    this.quiesced.set(key, { conn, done });
  }

  /** Ends quiesceLink for `conn`: it sends new data again (unless offloaded meanwhile). */
  releaseLink(conn: TcpConnection): void {
    const key = this.key(conn.id);
    const q = this.quiesced.get(key);
    if (!q || q.conn !== conn) return;
    this.quiesced.delete(key);
    this.afterOperation(() => {
      if (this.linkWaiters.delete(conn)) conn.linkReady();
    });
  }

  /** Whether quiesceLink holds `conn` back (no key is built on the output path while none is). */
  private isQuiesced(conn: TcpConnection): boolean {
    return this.quiesced.size !== 0 && this.quiesced.has(this.key(conn.id));
  }

  /** Runs `fn` after the current stack operation, or now as one of its own when none runs. */
  private afterOperation(fn: () => void): void {
    if (this.depth > 0 || this.draining) this.queue.push(fn);
    else this.run(fn);
  }

  private transmit(id: ConnectionId, seg: TcpSegment): void {
    const tcp = serializeTcp(seg, id.localIp, id.remoteIp);
    const packet = serializeIpv4(
      { tos: 0, id: this.ipId, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: DEFAULT_TTL, protocol: IP_PROTO_TCP, src: id.localIp, dst: id.remoteIp },
      tcp,
    );
    // R76: the lower half of the IP ID space is the host stack's, the upper half an offload target's
    this.ipId = (this.ipId + 1) & 0x7fff;
    const counted = this.linkQueueLimit !== 0 && segmentLength(seg) > 0;
    this.arp.resolve(id.remoteIp, (mac) => this.sendFrame(mac, ETHERTYPE_IPV4, packet, counted ? this.key(id) : undefined));
  }

  private sendArp(p: ArpPacket, dst: Uint8Array): void {
    this.sendFrame(dst, ETHERTYPE_ARP, serializeArp(p));
  }

  /** `dataOf`: the key of the connection whose data frame this is */
  private sendFrame(dst: Uint8Array, etherType: number, payload: Uint8Array, dataOf?: string): void {
    this.counters.txFrames++;
    const frame = serializeEthernet({ dst, src: this.link.mac, etherType }, payload);
    if (this.linkQueueLimit === 0) {
      this.link.send(frame);
      return;
    }
    this.linkQueued += frame.length;
    if (dataOf !== undefined) this.linkDataFrames.set(dataOf, (this.linkDataFrames.get(dataOf) ?? 0) + 1);
    this.link.send(frame, () => this.frameLeft(frame.length, dataOf));
  }

  /** A frame left the link: connections waiting for room send again, first come first. */
  private frameLeft(bytes: number, dataOf: string | undefined): void {
    this.linkQueued -= bytes;
    if (dataOf !== undefined) {
      const left = (this.linkDataFrames.get(dataOf) ?? 1) - 1;
      if (left > 0) this.linkDataFrames.set(dataOf, left);
      else {
        this.linkDataFrames.delete(dataOf);
        const q = this.quiesced.get(dataOf);
        if (q?.done) {
          const done = q.done;
          q.done = undefined;
          this.afterOperation(done);
        }
      }
    }
    if (this.linkWaiters.size === 0 || this.linkQueued >= this.linkQueueLimit) return;
    const resume = (): void => {
      for (const conn of this.linkWaiters) {
        if (this.linkQueued >= this.linkQueueLimit) return;
        // a quiesced connection waits on (it would only ask again, and the walk go round forever)
        if (this.isQuiesced(conn)) continue;
        this.linkWaiters.delete(conn);
        conn.linkReady();
      }
    };
    // from inside a stack operation (a link that fails a frame at once): after it
    this.afterOperation(resume);
  }
}
