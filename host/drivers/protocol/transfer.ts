/**
 * Test support: a bidirectional bulk transfer over a Pair. Each side sends `bytes` of seeded
 * data, half-closes, and hashes what it receives; the result holds both SHA-256 pairs.
 */
import { createHash } from 'node:crypto';
import { prng } from '../../wire/traffic.js';
import type { Pair } from './pair.js';
import { IP_B } from './pair.js';
import type { TcpSocket } from './socket.js';

export function seededBytes(seed: number, length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  const r = prng(seed);
  for (let i = 0; i < words.length; i++) words[i] = r();
  return new Uint8Array(words.buffer, 0, length);
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

interface Side {
  socket: TcpSocket | undefined;
  sent: number;
  hash: ReturnType<typeof createHash>;
  received: number;
  closed: boolean;
}

export interface TransferResult {
  completed: boolean;
  /** simulated ms from connect to both sides closed */
  elapsedMs: number;
  sentHashA: string;
  sentHashB: string;
  receivedHashA: string;
  receivedHashB: string;
  receivedA: number;
  receivedB: number;
}

/** Runs a transfer of `bytes` each way (b -> a only if `bothWays` is false... a sends always). */
export function bulkTransfer(p: Pair, bytes: number, options: { bothWays?: boolean; chunk?: number; limitMs?: number } = {}): TransferResult {
  const bothWays = options.bothWays ?? true;
  const chunk = options.chunk ?? 64 * 1024;
  const dataA = seededBytes(0xa, bytes);
  const dataB = seededBytes(0xb, bothWays ? bytes : 0);
  const mk = (): Side => ({ socket: undefined, sent: 0, hash: createHash('sha256'), received: 0, closed: false });
  const a = mk();
  const b = mk();
  const pump = (s: Side, data: Uint8Array): void => {
    const sock = s.socket!;
    while (s.sent < data.length) {
      const n = sock.send(data.subarray(s.sent, Math.min(data.length, s.sent + chunk)));
      s.sent += n;
      if (n === 0) return;
    }
    if (s.sent === data.length && sock.writableLength >= 0) {
      s.sent = data.length + 1; // close once
      sock.close();
    }
  };
  const wire = (s: Side, sock: TcpSocket, data: Uint8Array): void => {
    s.socket = sock;
    sock.on('data', () => {
      const got = sock.receive();
      s.received += got.length;
      s.hash.update(got);
    });
    sock.on('drain', () => pump(s, data));
    sock.on('close', () => { s.closed = true; });
  };
  const start = p.clock.now();
  const l = p.b.listen(5001);
  l.on('connection', () => {
    const sock = l.accept()!;
    wire(b, sock, dataB);
    pump(b, dataB);
  });
  const c = p.a.connect(IP_B, 5001);
  wire(a, c, dataA);
  c.on('connect', () => pump(a, dataA));
  const completed = p.run(() => a.closed && b.closed, options.limitMs ?? 3_600_000);
  return {
    completed,
    elapsedMs: p.clock.now() - start,
    sentHashA: sha256(dataA),
    sentHashB: sha256(dataB),
    receivedHashA: a.hash.digest('hex'),
    receivedHashB: b.hash.digest('hex'),
    receivedA: a.received,
    receivedB: b.received,
  };
}
