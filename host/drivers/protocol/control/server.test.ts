import { existsSync, linkSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StackErrorCode } from '../errors.js';
import { IP_A, IP_B, type Pair, makePair } from '../pair.js';
import type { TcpSocket } from '../socket.js';
import type { Stack } from '../stack.js';
import { ControlErrorCode, type Event, MAX_LINE_BYTES, type Message, type Response } from './protocol.js';
import { ControlServer, listenUnix } from './server.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const text = (b: string): string => Buffer.from(b, 'base64').toString('utf8');

/** Waits (real event-loop turns, no timers) until f() returns something. */
async function waitFor<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The client side of a channel: writes request lines, collects response and event lines. */
class Client {
  readonly messages: Message[] = [];
  private buffer = '';
  private nextId = 1;

  constructor(private readonly out: Writable, inp: Readable) {
    inp.setEncoding('utf8');
    inp.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.messages.push(JSON.parse(this.buffer.slice(0, nl)) as Message);
        this.buffer = this.buffer.slice(nl + 1);
      }
    });
  }

  raw(s: string | Buffer): void {
    this.out.write(s);
  }

  async call(req: Record<string, unknown>): Promise<Response> {
    const id = this.nextId++;
    this.out.write(`${JSON.stringify({ id, ...req })}\n`);
    return this.response(id);
  }

  /** the result of a request that must succeed */
  async ok<T = Record<string, unknown>>(req: Record<string, unknown>): Promise<T> {
    const r = await this.call(req);
    if (!r.ok) throw new Error(`${JSON.stringify(req)} failed: ${r.error.code} ${r.error.message}`);
    return r.result as T;
  }

  async response(id: number | null): Promise<Response> {
    return waitFor(() => this.messages.find((m): m is Response => 'ok' in m && m.id === id), `response ${id}`);
  }

  get events(): Event[] {
    return this.messages.filter((m): m is Event => 'event' in m);
  }

  async event(match: Partial<Event>): Promise<Event> {
    return waitFor(() => this.events.find((e) => Object.entries(match).every(([k, v]) => (e as Record<string, unknown>)[k] === v)), JSON.stringify(match));
  }
}

function channel(stack: Stack): { client: Client; server: ControlServer; input: PassThrough } {
  const input = new PassThrough();
  const output = new PassThrough();
  return { client: new Client(input, output), server: new ControlServer(stack, input, output), input };
}

/** Moves simulated time on (the wire's delay, delayed ACKs). */
const settle = (p: Pair, ms = 500): void => p.clock.advance(ms);

describe('ControlServer over PassThrough streams', () => {
  it('drives two stacks: listen, connect, accept, send, receive, close, with events', async () => {
    const p = makePair();
    const a = channel(p.a).client;
    const b = channel(p.b).client;

    const { listener } = await b.ok<{ listener: string }>({ op: 'listen', port: 80 });
    expect(listener).toBe('l1');
    expect(await b.ok({ op: 'accept', listener })).toEqual({ socket: null });
    const { socket: sa } = await a.ok<{ socket: string; localPort: number }>({ op: 'connect', ip: IP_B, port: 80 });
    settle(p);
    await a.event({ event: 'connect', socket: sa });
    expect(await b.event({ event: 'connection', listener })).toEqual({ event: 'connection', listener, pending: 1 });
    const acc = await b.ok<{ socket: string; remoteIp: string; remotePort: number }>({ op: 'accept', listener });
    expect(acc).toMatchObject({ socket: 's1', remoteIp: IP_A });
    const sb = acc.socket;

    expect(await a.ok({ op: 'send', socket: sa, data: b64('hello control') })).toEqual({ accepted: 13 });
    settle(p);
    await b.event({ event: 'data', socket: sb });
    expect(text((await b.ok<{ data: string }>({ op: 'receive', socket: sb })).data)).toBe('hello control');
    expect(await b.ok({ op: 'receive', socket: sb })).toEqual({ data: '', ended: false });

    await b.ok({ op: 'send', socket: sb, data: b64('pong') });
    settle(p);
    await a.event({ event: 'data', socket: sa, readable: 4 });
    expect(text((await a.ok<{ data: string }>({ op: 'receive', socket: sa, max: 2 })).data)).toBe('po');
    expect(text((await a.ok<{ data: string }>({ op: 'receive', socket: sa })).data)).toBe('ng');

    const st = await a.ok({ op: 'status', socket: sa });
    expect(st).toMatchObject({ socket: sa, state: 'ESTABLISHED', remoteIp: IP_B, remotePort: 80, readable: 0, ended: false, closed: false });

    await a.ok({ op: 'close', socket: sa });
    settle(p);
    await b.event({ event: 'end', socket: sb });
    expect(await b.ok({ op: 'receive', socket: sb })).toEqual({ data: '', ended: true });
    await b.ok({ op: 'close', socket: sb });
    settle(p);
    expect(await b.event({ event: 'close', socket: sb })).toEqual({ event: 'close', socket: sb });
    await a.event({ event: 'close', socket: sa });
    // closed and drained sockets are forgotten
    expect(await b.ok({ op: 'status' })).toEqual({ ip: IP_B, connections: 0, sockets: [], listeners: [listener] });
    expect(await a.ok({ op: 'status' })).toMatchObject({ ip: IP_A, sockets: [] });
    await b.ok({ op: 'close', listener });
    expect(await b.ok({ op: 'status' })).toMatchObject({ listeners: [] });
  });

  it('requests that fail get error responses with stable codes, from the channel and the stack', async () => {
    const p = makePair();
    const { client } = channel(p.b);
    const code = async (req: Record<string, unknown>): Promise<string | undefined> => {
      const r = await client.call(req);
      return r.ok ? undefined : r.error.code;
    };
    expect(await code({ op: 'receive', socket: 's9' })).toBe(ControlErrorCode.NO_SUCH_SOCKET);
    expect(await code({ op: 'accept', listener: 'l9' })).toBe(ControlErrorCode.NO_SUCH_LISTENER);
    expect(await code({ op: 'connect', ip: '300.1.1.1', port: 80 })).toBe(StackErrorCode.BAD_ARGUMENT);
    await client.ok({ op: 'listen', port: 80 });
    expect(await code({ op: 'listen', port: 80 })).toBe(StackErrorCode.ADDRESS_IN_USE);
    expect(await code({ op: 'warp' })).toBe(ControlErrorCode.UNKNOWN_OP);
    client.raw('not json\n');
    expect((await client.response(null)).ok).toBe(false);
    // the channel still serves after bad input
    expect(await client.ok({ op: 'status' })).toMatchObject({ ip: IP_B });
  });

  it('a refused connect reports close with FLUE_TCP_REFUSED', async () => {
    const p = makePair();
    const { client } = channel(p.a);
    const { socket } = await client.ok<{ socket: string }>({ op: 'connect', ip: IP_B, port: 81 });
    settle(p);
    expect(await client.event({ event: 'close', socket })).toMatchObject({ error: { code: StackErrorCode.REFUSED } });
  });

  it('handles several lines in one chunk, a line split across chunks (even inside a UTF-8 character), CRLF and blank lines', async () => {
    const p = makePair();
    const { client } = channel(p.a);
    client.raw('{"id":1,"op":"status"}\n\n{"id":2,"op":"status"}\r\n{"id":3,');
    client.raw('"op":"status","note":"');
    // the two bytes of 'é' in separate chunks
    const e = Buffer.from('é', 'utf8');
    client.raw(e.subarray(0, 1));
    client.raw(Buffer.concat([e.subarray(1), Buffer.from('"}\n', 'utf8')]));
    for (const id of [1, 2, 3]) expect((await client.response(id)).ok).toBe(true);
    expect(client.messages.filter((m) => 'ok' in m)).toHaveLength(3);
  });

  it('an oversize line is answered once with LINE_TOO_LONG and the channel goes on at the next line', async () => {
    const p = makePair();
    const { client } = channel(p.a);
    const chunk = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 5; i++) client.raw(chunk);
    client.raw('\n{"id":7,"op":"status"}\n');
    expect((await client.response(7)).ok).toBe(true);
    const errors = client.messages.filter((m) => 'ok' in m && !m.ok);
    expect(errors).toEqual([{ id: null, ok: false, error: { code: ControlErrorCode.LINE_TOO_LONG, message: expect.any(String) as string } }]);
    expect(5 * chunk.length).toBeGreaterThan(MAX_LINE_BYTES);
  });

  it('send reports how many bytes the stack took; drain follows when the buffer empties', async () => {
    const p = makePair({ tcpA: { sendBuffer: 4096 } });
    const a = channel(p.a).client;
    const b = channel(p.b).client;
    const { listener } = await b.ok<{ listener: string }>({ op: 'listen', port: 80 });
    const { socket } = await a.ok<{ socket: string }>({ op: 'connect', ip: IP_B, port: 80 });
    settle(p);
    await b.event({ event: 'connection', listener });
    await b.ok({ op: 'accept', listener });
    const big = Buffer.alloc(10_000, 1).toString('base64');
    expect(await a.ok({ op: 'send', socket, data: big })).toEqual({ accepted: 4096 });
    settle(p);
    expect(await a.event({ event: 'drain', socket })).toMatchObject({ event: 'drain', socket });
  });

  it('a client that goes away releases only its own sockets and listeners', async () => {
    const p = makePair();
    const keep = channel(p.b);
    const gone = channel(p.b);
    const a = channel(p.a).client;
    await keep.client.ok({ op: 'listen', port: 80 });
    await gone.client.ok({ op: 'listen', port: 81 });
    const { socket } = await a.ok<{ socket: string }>({ op: 'connect', ip: IP_B, port: 80 });
    settle(p);
    await keep.client.event({ event: 'connection', listener: 'l1' });
    await keep.client.ok({ op: 'accept', listener: 'l1' });
    gone.input.end();
    await waitFor(() => (gone.server.closed ? true : undefined), 'gone channel closed');
    expect(p.b.listen(81)).toBeDefined(); // port 81 was freed
    await a.ok({ op: 'send', socket, data: b64('still here') });
    settle(p);
    await keep.client.event({ event: 'data', socket: 's1' });
    expect(text((await keep.client.ok<{ data: string }>({ op: 'receive', socket: 's1' })).data)).toBe('still here');
  });
});

describe('listenUnix', () => {
  it('serves a stack on a Unix socket, refuses a live path and a non-socket, and removes the path on close', async () => {
    const p = makePair();
    const path = join(tmpdir(), `flue-ctl-${process.pid}-${Date.now()}.sock`);
    const ctl = await listenUnix(path, p.b);
    const conn = net.connect(path);
    try {
      await new Promise<void>((resolve, reject) => conn.once('connect', resolve).once('error', reject));
      await expect(listenUnix(path, p.b)).rejects.toMatchObject({ code: ControlErrorCode.PATH_IN_USE });
      const client = new Client(conn, conn);
      const { listener } = await client.ok<{ listener: string }>({ op: 'listen', port: 80 });
      const peer: TcpSocket = p.a.connect(IP_B, 80);
      settle(p);
      await client.event({ event: 'connection', listener });
      const { socket } = await client.ok<{ socket: string }>({ op: 'accept', listener });
      expect(await client.ok({ op: 'send', socket, data: b64('over unix') })).toEqual({ accepted: 9 });
      settle(p);
      expect(Buffer.from(peer.receive()).toString()).toBe('over unix');
      expect(ctl.connections).toBe(1);
    } finally {
      conn.end();
      await ctl.close();
    }
    expect(existsSync(path)).toBe(false);

    const file = `${path}.txt`;
    writeFileSync(file, 'not a socket');
    try {
      await expect(listenUnix(file, p.b)).rejects.toMatchObject({ code: ControlErrorCode.NOT_A_SOCKET });
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('removes a stale socket file (nobody accepting) before listening', async () => {
    const p = makePair();
    const base = join(tmpdir(), `flue-ctl-stale-${process.pid}-${Date.now()}`);
    const live = `${base}.live.sock`;
    const path = `${base}.sock`;
    // a hard link to a listening socket outlives the server: a stale socket file
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(live, resolve));
    linkSync(live, path);
    await new Promise<void>((resolve) => s.close(() => resolve()));
    expect(lstatSync(path).isSocket()).toBe(true);
    const ctl = await listenUnix(path, p.b);
    try {
      const conn = net.connect(path);
      await new Promise<void>((resolve, reject) => conn.once('connect', resolve).once('error', reject));
      const client = new Client(conn, conn);
      expect(await client.ok({ op: 'status' })).toMatchObject({ ip: IP_B });
      conn.destroy();
    } finally {
      await ctl.close();
      rmSync(live, { force: true });
    }
    expect(existsSync(path)).toBe(false);
  });
});
