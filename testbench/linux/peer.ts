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
}

function parse(argv: string[]): Args {
  const a: Args = { send: 0, seed: 1, timeoutMs: 600_000 };
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
      default: throw new Error(`unknown option ${k}`);
    }
  }
  if ((a.listen === undefined) === (a.connect === undefined)) throw new Error('give exactly one of --listen PORT and --connect HOST:PORT');
  return a;
}

function run(a: Args): Promise<Record<string, unknown>> {
  const started = Date.now();
  const hash = createHash('sha256');
  let received = 0;
  let sent = 0;
  let rst = false;
  const data = seededBytes(a.seed, a.send);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Record<string, unknown>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...r, sent, received, sha256: hash.digest('hex'), rst, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish({ ok: false, error: `timed out after ${a.timeoutMs} ms` }), a.timeoutMs);
    const serve = (sock: Socket): void => {
      sock.setNoDelay(true);
      let paused = false;
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
          clearTimeout(timer);
          finish({ ok: true });
        }
      });
      sock.on('error', (e) => { clearTimeout(timer); finish({ ok: false, error: e.message }); });
      sock.on('close', () => { clearTimeout(timer); finish({ ok: true }); });
      // the stream in chunks, each when the last has drained, then our FIN
      const chunk = 1 << 20;
      const pump = (): void => {
        while (sent < data.length) {
          const n = Math.min(chunk, data.length - sent);
          const more = sock.write(data.subarray(sent, sent + n));
          sent += n;
          if (!more) { sock.once('drain', pump); return; }
        }
        sock.end();
      };
      pump();
    };
    if (a.listen !== undefined) {
      const server = createServer((sock) => { server.close(); serve(sock); });
      server.on('error', (e) => finish({ ok: false, error: e.message }));
      server.listen({ port: a.listen, host: '0.0.0.0' }, () => process.stderr.write(`listening ${a.listen}\n`));
    } else {
      const c = a.connect!;
      const sock = connect({ host: c.host, port: c.port });
      sock.on('connect', () => serve(sock));
      sock.on('error', (e) => { clearTimeout(timer); finish({ ok: false, error: e.message }); });
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
