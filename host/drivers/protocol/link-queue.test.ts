/**
 * The stack's bound on what it keeps queued in a link that reports frames leaving
 * (StackOptions.linkQueueBytes): new data waits in the send buffer, ACKs never wait.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { MemoryWire, type WireEnd } from './memory-wire.js';
import { IP_A, IP_B, MAC_A, MAC_B, type Pair, makePair } from './pair.js';
import { DEFAULT_LINK_QUEUE_BYTES, type Link, Stack } from './stack.js';
import { decodeTcp } from './craft.js';
import { TcpFlag } from './tcp-segment.js';
import { bulkTransfer, seededBytes, sha256 } from './transfer.js';

const MiB = 1024 * 1024;

/** A's end of the wire behind a transmit ring that sends one frame every `gapMs`, as a card does, reporting each as it leaves. */
class PacedLink implements Link {
  readonly reportsLeft = true;
  queuedBytes = 0;
  /** the most bytes of frames with data queued at once */
  maxQueuedData = 0;
  /** pure ACKs queued while the ring already held the bound or more */
  acksPastBound = 0;
  /** frames with data queued, ever */
  dataFrames = 0;
  queuedData = 0;
  private readonly ring: { frame: Uint8Array; data: boolean; left: (() => void) | undefined }[] = [];
  private busy = false;

  constructor(private readonly end: WireEnd, private readonly clock: ManualClock, private readonly gapMs: number) {}

  get mac(): Uint8Array {
    return this.end.mac;
  }

  send(frame: Uint8Array, left?: () => void): void {
    const tcp = decodeTcp(frame);
    const data = tcp !== undefined && tcp.payload.length > 0;
    if (tcp !== undefined && !data && tcp.flags === TcpFlag.ACK && this.queuedBytes >= DEFAULT_LINK_QUEUE_BYTES) this.acksPastBound++;
    this.ring.push({ frame, data, left });
    this.queuedBytes += frame.length;
    if (data) {
      this.queuedData += frame.length;
      this.dataFrames++;
    }
    this.maxQueuedData = Math.max(this.maxQueuedData, this.queuedData);
    if (!this.busy) this.next();
  }

  private next(): void {
    const f = this.ring[0];
    if (!f) {
      this.busy = false;
      return;
    }
    this.busy = true;
    this.clock.setTimer(this.clock.now() + this.gapMs, () => {
      this.ring.shift();
      this.end.send(f.frame);
      this.queuedBytes -= f.frame.length;
      if (f.data) this.queuedData -= f.frame.length;
      f.left?.();
      this.next();
    });
  }
}

/** makePair with A's frames through a PacedLink (a 1 µs gap: 12 Gbit/s at 1514 bytes). */
function pacedPair(linkQueueBytes?: number): { p: Pair; link: PacedLink } {
  let link: PacedLink | undefined;
  const tcp = { receiveBuffer: 1 * MiB, sendBuffer: 1 * MiB };
  const p = makePair({
    tcpA: tcp, tcpB: tcp,
    linkA: (end, clock) => (link = new PacedLink(end, clock, 0.001)),
    ...(linkQueueBytes !== undefined ? { linkQueueBytesA: linkQueueBytes } : {}),
  });
  return { p, link: link! };
}

describe('link queue bound', () => {
  it('keeps at most the bound (plus one frame) of data queued in a link that reports frames leaving, ACKs queued past it, and the transfer intact', () => {
    const { p, link } = pacedPair();
    const r = bulkTransfer(p, 2 * MiB);
    expect(r.completed).toBe(true);
    expect(r.receivedHashB).toBe(r.sentHashA);
    expect(r.receivedHashA).toBe(r.sentHashB);
    expect(link.maxQueuedData).toBeLessThanOrEqual(DEFAULT_LINK_QUEUE_BYTES + 1514);
    // B's data keeps A acknowledging while A's own data fills the ring: those ACKs do not wait
    expect(link.acksPastBound).toBeGreaterThan(0);
    expect(p.a.counters.tcpRetransmits + p.b.counters.tcpRetransmits).toBe(0);
  });

  it('without the bound (linkQueueBytes 0) the same transfer queues a whole window in the link', () => {
    const { p, link } = pacedPair(0);
    const r = bulkTransfer(p, 2 * MiB);
    expect(r.completed).toBe(true);
    expect(r.receivedHashB).toBe(r.sentHashA);
    expect(link.maxQueuedData).toBeGreaterThan(4 * DEFAULT_LINK_QUEUE_BYTES);
  });

  it('quiesceLink holds back a connection\'s new data and calls back once its data frames have left; releaseLink lets it send again, the data intact', () => {
    const { p, link } = pacedPair();
    const data = seededBytes(0x51, 1 * MiB);
    const got: Uint8Array[] = [];
    const l = p.b.listen(5002);
    l.on('connection', () => {
      const sock = l.accept()!;
      sock.on('data', () => got.push(sock.receive()));
    });
    const c = p.a.connect(IP_B, 5002);
    let sent = 0;
    const pump = (): void => {
      while (sent < data.length) {
        const n = c.send(data.subarray(sent, Math.min(data.length, sent + 65536)));
        if (n === 0) return;
        sent += n;
      }
    };
    c.on('connect', pump);
    c.on('drain', pump);
    expect(p.run(() => link.queuedData > DEFAULT_LINK_QUEUE_BYTES / 2, 1000)).toBe(true);
    const before = link.dataFrames;
    let calledAt = -1;
    let queuedThen = -1;
    p.a.operate(() => p.a.quiesceLink(c.connection, () => {
      calledAt = link.dataFrames;
      queuedThen = link.queuedData;
    }));
    expect(calledAt).toBe(-1); // frames of it are queued: not yet
    expect(p.run(() => calledAt >= 0, 1000)).toBe(true);
    // called once the queue had emptied, with no frame of new data queued since the quiesce
    expect(queuedThen).toBe(0);
    expect(calledAt).toBe(before);
    p.run(() => false, 5);
    expect(link.dataFrames).toBe(before); // still held back
    p.a.releaseLink(c.connection);
    expect(p.run(() => got.reduce((n, g) => n + g.length, 0) === data.length, 10_000)).toBe(true);
    expect(sha256(Buffer.concat(got))).toBe(sha256(data));
    // with nothing of it queued, the call back comes at once
    let now = false;
    p.a.operate(() => p.a.quiesceLink(c.connection, () => { now = true; }));
    expect(now).toBe(true);
    p.a.releaseLink(c.connection);
  });

  it('refuses a bound that is not a whole number of bytes', () => {
    const clock = new ManualClock();
    const wire = new MemoryWire(clock, MAC_A, MAC_B);
    expect(() => new Stack({ ip: IP_A, link: wire.a, clock, linkQueueBytes: -1 })).toThrow(/linkQueueBytes -1/);
    expect(() => new Stack({ ip: IP_A, link: wire.a, clock, linkQueueBytes: 1.5 })).toThrow(/whole number/);
  });
});
