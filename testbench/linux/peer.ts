/**
 * The Linux end of an interop test: a TCP listener or client on the kernel's sockets, run inside
 * the test's network namespace (`ip netns exec <ns> tsx testbench/linux/peer.ts ...`). It sends
 * a known stream (seededBytes(seed, send)), reads what arrives and hashes it, and prints one JSON
 * line when the connection is over:
 *   {"ok":true,"sent":N,"received":N,"sha256":"...","rst":false,"ms":N}
 * or {"ok":false,"error":"...",...}. Options:
 *   --listen PORT | --connect HOST:PORT   (one connection either way)
 *   --send N --seed S                      bytes to send and their seed
 *   --pause-read-ms MS                     read nothing for MS after the first byte arrives
 *   --rst-after BYTES                      once BYTES have arrived, close with SO_LINGER 0 (an RST)
 * (A small receive window is the namespace's net.ipv4.tcp_rmem, which the test sets.)
 *   --timeout-ms MS                        give up (default 600000)
 *   --hold-fin                             send our FIN only after the peer's
 *   --connections N                        N connections (default 1), each sending
 *                                          seededBytes(seed + flue's port); the result lists them
 */
import { createHash } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { seededBytes } from '../../host/drivers/protocol/transfer.js';

interface Args {
  listen?: number;
  connect?: { host: string; port: number };
  send: number;
  seed: number;
  pauseReadMs?: number;
  rstAfter?: number;
  timeoutMs: number;
  connections: number;
  holdFin: boolean;
}

function parse(argv: string[]): Args {
  const a: Args = { send: 0, seed: 1, timeoutMs: 600_000, connections: 1, holdFin: false };
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${name} needs a whole number, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    switch (k) {
      case '--listen': a.listen = num(k, v); i++; break;
      case '--connect': {
        const m = /^([\d.]+):(\d+)$/.exec(v ?? '');
        if (!m) throw new Error(`--connect needs HOST:PORT, got ${v ?? 'nothing'}`);
        a.connect = { host: m[1]!, port: Number(m[2]) };
        i++;
        break;
      }
      case '--send': a.send = num(k, v); i++; break;
      case '--seed': a.seed = num(k, v); i++; break;
      case '--pause-read-ms': a.pauseReadMs = num(k, v); i++; break;
      case '--rst-after': a.rstAfter = num(k, v); i++; break;
      case '--timeout-ms': a.timeoutMs = num(k, v); i++; break;
      case '--connections': a.connections = num(k, v); i++; break;
      case '--hold-fin': a.holdFin = true; break;
      default: throw new Error(`unknown option ${k}`);
    }
  }
  if ((a.listen === undefined) === (a.connect === undefined)) throw new Error('give exactly one of --listen PORT and --connect HOST:PORT');
  if (a.connections < 1) throw new Error('--connections needs at least 1');
  return a;
}

interface ConnResult {
  ok: boolean;
  error?: string;
  /** the far end's port: flue's port, which seeds what this end sends with --connections */
  port: number;
  sent: number;
  received: number;
  sha256: string;
  rst: boolean;
}

/** One connection: sends seededBytes(seed, send) in chunks, then its FIN; hashes what arrives. */
function serve(a: Args, sock: Socket, seed: number): Promise<ConnResult> {
  const hash = createHash('sha256');
  let received = 0;
  let sent = 0;
  let rst = false;
  const data = seededBytes(seed, a.send);
  const port = sock.remotePort ?? 0;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: { ok: boolean; error?: string }): void => {
      if (settled) return;
      settled = true;
      resolve({ ...r, port, sent, received, sha256: hash.digest('hex'), rst });
    };
    sock.setNoDelay(true);
    let paused = false;
    // half-open sockets (allowHalfOpen): our FIN goes when our stream is out, whatever the peer
    // did, or with --hold-fin once the peer's FIN has come too
    let sendDone = false;
    let peerEnded = false;
    const endIfDue = (): void => {
      if (sendDone && (!a.holdFin || peerEnded) && !sock.writableEnded) sock.end();
    };
    sock.on('end', () => { peerEnded = true; endIfDue(); });
    sock.on('data', (d: Buffer) => {
      hash.update(d);
      received += d.length;
      if (a.pauseReadMs !== undefined && !paused) {
        paused = true;
        sock.pause();
        setTimeout(() => sock.resume(), a.pauseReadMs);
      }
      if (a.rstAfter !== undefined && received >= a.rstAfter && !rst) {
        rst = true;
        sock.resetAndDestroy();
        finish({ ok: true });
      }
    });
    sock.on('error', (e) => finish({ ok: false, error: e.message }));
    sock.on('close', () => finish({ ok: true }));
    // the stream in chunks, each when the last has drained, then our FIN
    const chunk = 1 << 20;
    const pump = (): void => {
      while (sent < data.length) {
        const n = Math.min(chunk, data.length - sent);
        const more = sock.write(data.subarray(sent, sent + n));
        sent += n;
        if (!more) { sock.once('drain', pump); return; }
      }
      sendDone = true;
      endIfDue();
    };
    pump();
  });
}

/**
 * One connection, or with --connections N that many: a listener accepts N, a client opens N.
 * With N > 1 each sends seededBytes(seed + flue's port) and the result lists every connection.
 */
function run(a: Args): Promise<Record<string, unknown>> {
  const started = Date.now();
  const n = a.connections;
  const seedOf = (sock: Socket, local: boolean): number => n === 1 ? a.seed : a.seed + ((local ? sock.localPort : sock.remotePort) ?? 0);
  return new Promise((resolve) => {
    let settled = false;
    const results: ConnResult[] = [];
    const finish = (r: Record<string, unknown>): void => {
      if (settled) return;
      settled = true;
      const one = n === 1 && results.length === 1 ? results[0]! : undefined;
      resolve({
        sent: results.reduce((x, c) => x + c.sent, 0),
        received: results.reduce((x, c) => x + c.received, 0),
        sha256: one?.sha256 ?? '',
        rst: results.some((c) => c.rst),
        ...(n > 1 ? { connections: results } : {}),
        ...r,
        ms: Date.now() - started,
      });
    };
    const timer = setTimeout(() => finish({ ok: false, error: `timed out after ${a.timeoutMs} ms with ${results.length} of ${n} connections over` }), a.timeoutMs);
    const over = (r: ConnResult): void => {
      results.push(r);
      if (results.length < n) return;
      clearTimeout(timer);
      const bad = results.find((c) => !c.ok);
      finish(bad ? { ok: false, error: bad.error ?? 'a connection failed' } : { ok: true });
    };
    if (a.listen !== undefined) {
      let accepted = 0;
      const server = createServer({ allowHalfOpen: true }, (sock) => {
        if (++accepted === n) server.close();
        void serve(a, sock, seedOf(sock, false)).then(over);
      });
      server.on('error', (e) => { clearTimeout(timer); finish({ ok: false, error: e.message }); });
      server.listen({ port: a.listen, host: '0.0.0.0', backlog: Math.max(n, 16) }, () => process.stderr.write(`listening ${a.listen}\n`));
    } else {
      const c = a.connect!;
      for (let i = 0; i < n; i++) {
        const sock = connect({ host: c.host, port: c.port, allowHalfOpen: true });
        sock.on('connect', () => void serve(a, sock, seedOf(sock, true)).then(over));
        sock.once('error', (e) => { if (sock.connecting) over({ ok: false, error: e.message, port: 0, sent: 0, received: 0, sha256: '', rst: false }); });
      }
    }
  });
}

try {
  const args = parse(process.argv.slice(2));
  const r = await run(args);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exitCode = r.ok ? 0 : 1;
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
  process.exitCode = 2;
}
