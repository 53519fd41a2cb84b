/**
 * The control channel server: drives one Stack from JSON lines read from any Node Readable
 * (stdin, a net.Socket) and writes responses and events to a Writable (see protocol.ts for
 * the schema). Sockets and listeners opened through a channel get string ids (`s1`, `l1`)
 * and belong to it: when its input ends or errors they are aborted / closed, and nothing
 * else is touched. Bad input never throws; it is answered with an error response.
 *
 * `listenUnix` serves a Unix socket path with one ControlServer per connection.
 */
import { lstat, rm } from 'node:fs/promises';
import net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { ipToString } from '../codec.js';
import { StackError } from '../errors.js';
import type { TcpListener, TcpSocket } from '../socket.js';
import type { Stack } from '../stack.js';
import {
  ControlErrorCode,
  type ErrorBody,
  type ErrorResponse,
  type Event,
  type ListenerId,
  MAX_LINE_BYTES,
  type Message,
  type Request,
  type Result,
  type SocketId,
  type SocketStatus,
  encodeBase64,
  errorResponse,
  parseRequest,
  serializeMessage,
} from './protocol.js';

/** A failure of the control channel itself (not of a request), with a stable code. */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ControlServerOptions {
  /** abort this channel's sockets and close its listeners when the input ends (default true) */
  releaseOnEnd?: boolean;
}

function errorBody(e: StackError): ErrorBody {
  return { code: e.code, message: e.message };
}

export class ControlServer {
  private readonly sockets = new Map<SocketId, TcpSocket>();
  private readonly listeners = new Map<ListenerId, TcpListener>();
  private nextSocket = 1;
  private nextListener = 1;
  private parts: Buffer[] = [];
  private partLength = 0;
  private discarding = false;
  private done = false;
  private readonly releaseOnEnd: boolean;

  constructor(
    private readonly stack: Stack,
    private readonly input: Readable,
    private readonly output: Writable,
    options: ControlServerOptions = {},
  ) {
    this.releaseOnEnd = options.releaseOnEnd ?? true;
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.on('close', this.onEnd);
    input.on('error', this.onEnd);
    // a client that went away must not crash the process: write errors end the channel
    output.on('error', this.onEnd);
  }

  /** the channel has stopped (input ended or close() called) */
  get closed(): boolean {
    return this.done;
  }

  /** ids of this channel's open sockets and listeners */
  get ids(): { sockets: SocketId[]; listeners: ListenerId[] } {
    return { sockets: [...this.sockets.keys()], listeners: [...this.listeners.keys()] };
  }

  /**
   * Stops reading; aborts the channel's sockets and closes its listeners (unless
   * releaseOnEnd is false and the input ended by itself). Idempotent.
   */
  close(release = true): void {
    if (this.done) return;
    this.done = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('close', this.onEnd);
    this.parts = [];
    if (!release) return;
    this.stack.operate(() => {
      for (const l of this.listeners.values()) l.close();
      for (const s of this.sockets.values()) if (!s.closed) s.abort();
    });
    this.listeners.clear();
    this.sockets.clear();
  }

  /** Serves one request line (without its newline); the response is written to the output. */
  handleLine(line: string): void {
    if (this.done) return;
    const parsed = parseRequest(line);
    if (!parsed.ok) return this.write(parsed.error);
    const req = parsed.request;
    // one stack operation: the response is written before the events the request caused
    this.stack.operate(() => {
      let response: Message;
      try {
        response = { id: req.id, ok: true, result: this.serve(req) };
      } catch (e) {
        response = this.failure(req, e);
      }
      this.write(response);
    });
  }

  // ---- input ------------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer | string): void => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (!this.done) {
      const nl = b.indexOf(0x0a, start);
      if (nl < 0) {
        this.append(b.subarray(start));
        return;
      }
      this.append(b.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
  };

  private readonly onEnd = (): void => {
    if (this.done) return;
    if (this.partLength > 0 && !this.discarding) this.endLine();
    this.close(this.releaseOnEnd);
  };

  private append(b: Buffer): void {
    if (this.discarding || b.length === 0) return;
    // one byte of slack for a '\r' before the newline
    if (this.partLength + b.length > MAX_LINE_BYTES + 1) {
      this.discarding = true;
      this.parts = [];
      this.partLength = 0;
      this.write(errorResponse(null, ControlErrorCode.LINE_TOO_LONG, `line longer than ${MAX_LINE_BYTES} bytes; skipped to the next newline`));
      return;
    }
    this.parts.push(b);
    this.partLength += b.length;
  }

  private endLine(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    let line = Buffer.concat(this.parts, this.partLength).toString('utf8');
    this.parts = [];
    this.partLength = 0;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim().length === 0) return;
    this.handleLine(line);
  }

  private write(m: Message): void {
    const o = this.output;
    if (o.destroyed || o.writableEnded) return;
    o.write(serializeMessage(m));
  }

  private failure(req: Request, e: unknown): ErrorResponse {
    if (e instanceof StackError || e instanceof ControlError) return errorResponse(req.id, e.code, e.message);
    return errorResponse(req.id, ControlErrorCode.INTERNAL, `${req.op}: ${e instanceof Error ? e.message : String(e)}`);
  }

  // ---- requests ---------------------------------------------------------------------------

  private serve(req: Request): Result {
    switch (req.op) {
      case 'connect': {
        const s = this.stack.connect(req.ip, req.port);
        return { socket: this.register(s), localPort: s.localPort };
      }
      case 'listen': {
        const l = this.stack.listen(req.port, req.backlog);
        const id = `l${this.nextListener++}`;
        this.listeners.set(id, l);
        l.on('connection', () => this.event({ event: 'connection', listener: id, pending: l.pending }));
        return { listener: id, port: l.port };
      }
      case 'accept': {
        const s = this.listener(req.listener).accept();
        if (s === undefined) return { socket: null };
        return { socket: this.register(s), remoteIp: ipToString(s.remoteIp), remotePort: s.remotePort };
      }
      case 'send':
        return { accepted: this.socket(req.socket).send(req.data) };
      case 'receive': {
        const s = this.socket(req.socket);
        const data = s.receive(req.max);
        const ended = s.ended && s.readableLength === 0;
        this.forgetIfDone(req.socket, s);
        return { data: encodeBase64(data), ended };
      }
      case 'close':
        if ('listener' in req) {
          this.listener(req.listener).close();
          this.listeners.delete(req.listener);
          return {};
        }
        return this.end(req.socket, false);
      case 'abort':
        return this.end(req.socket, true);
      case 'status':
        if (req.socket !== undefined) return this.status(req.socket, this.socket(req.socket));
        return { ip: ipToString(this.stack.ip), connections: this.stack.connectionCount, ...this.ids };
    }
  }

  private end(id: SocketId, abort: boolean): Result {
    const s = this.socket(id);
    if (s.closed) {
      // already gone: the client gives up what it did not read
      this.sockets.delete(id);
      return {};
    }
    if (abort) s.abort();
    else s.close();
    return {};
  }

  private status(id: SocketId, s: TcpSocket): SocketStatus {
    const st: SocketStatus = {
      socket: id, state: s.state, localPort: s.localPort, remoteIp: ipToString(s.remoteIp), remotePort: s.remotePort,
      readable: s.readableLength, writable: s.writableLength, unacknowledged: s.unacknowledged, ended: s.ended, closed: s.closed,
    };
    if (s.error !== undefined) st.error = errorBody(s.error);
    return st;
  }

  private register(s: TcpSocket): SocketId {
    const id = `s${this.nextSocket++}`;
    this.sockets.set(id, s);
    s.on('connect', () => this.event({ event: 'connect', socket: id }));
    s.on('data', () => this.event({ event: 'data', socket: id, readable: s.readableLength }));
    s.on('drain', () => this.event({ event: 'drain', socket: id, writable: s.writableLength }));
    s.on('end', () => this.event({ event: 'end', socket: id }));
    s.on('close', (error) => {
      this.event(error === undefined ? { event: 'close', socket: id } : { event: 'close', socket: id, error: errorBody(error) });
      this.forgetIfDone(id, s);
    });
    return id;
  }

  /** A closed socket is forgotten once nothing is left to read. */
  private forgetIfDone(id: SocketId, s: TcpSocket): void {
    if (s.closed && s.readableLength === 0 && this.sockets.get(id) === s) this.sockets.delete(id);
  }

  private event(e: Event): void {
    if (!this.done) this.write(e);
  }

  private socket(id: SocketId): TcpSocket {
    const s = this.sockets.get(id);
    if (s === undefined) throw new ControlError(ControlErrorCode.NO_SUCH_SOCKET, `no socket '${id}' on this channel`);
    return s;
  }

  private listener(id: ListenerId): TcpListener {
    const l = this.listeners.get(id);
    if (l === undefined) throw new ControlError(ControlErrorCode.NO_SUCH_LISTENER, `no listener '${id}' on this channel`);
    return l;
  }
}

// ---- Unix socket ------------------------------------------------------------------------

export interface UnixControl {
  readonly path: string;
  readonly server: net.Server;
  /** open client connections */
  readonly connections: number;
  /** Stops accepting, ends every connection (releasing its sockets) and removes the path. */
  close(): Promise<void>;
}

/** Is something accepting on the Unix socket at `path`? */
function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Serves `stack` on the Unix socket `path`, one ControlServer per connection. A stale socket
 * file (nobody accepting) is removed first; a live one rejects with PATH_IN_USE, and a path
 * that is not a socket with NOT_A_SOCKET (it is never removed).
 */
export async function listenUnix(path: string, stack: Stack, options: ControlServerOptions = {}): Promise<UnixControl> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing !== undefined) {
    if (!existing.isSocket()) throw new ControlError(ControlErrorCode.NOT_A_SOCKET, `${path} exists and is not a socket`);
    if (await probe(path)) throw new ControlError(ControlErrorCode.PATH_IN_USE, `${path} has a live server`);
    await rm(path, { force: true });
  }
  const clients = new Map<net.Socket, ControlServer>();
  const server = net.createServer((conn) => {
    const control = new ControlServer(stack, conn, conn, options);
    clients.set(conn, control);
    conn.on('error', () => conn.destroy());
    conn.on('close', () => {
      control.close(options.releaseOnEnd ?? true);
      clients.delete(conn);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // after listening, server errors (none expected) must not crash the process
  server.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  return {
    path,
    server,
    get connections() {
      return clients.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const [conn, control] of clients) {
          control.close();
          conn.destroy();
        }
        clients.clear();
      }).then(() => rm(path, { force: true }));
      return closing;
    },
  };
}
