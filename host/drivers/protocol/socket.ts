/**
 * The socket-style API over a TcpConnection: connect/listen/accept (via Stack), send with
 * backpressure, receive, close, abort, and events. Events are delivered after the stack
 * operation that caused them has finished, so a listener may call back into the socket.
 *
 * Events: 'connect' (active open complete), 'data' (bytes readable), 'drain' (send() took
 * less than offered earlier and there is room again), 'end' (the peer's FIN: no more data
 * after what is readable), 'close' (the connection is gone or in TIME-WAIT; with a StackError
 * if it was refused, reset, timed out or aborted).
 */
import { StackError, StackErrorCode } from './errors.js';
import { Emitter } from './events.js';
import type { ConnectionEvents, TcpConnection } from './tcp-connection.js';
import { TcpState } from './tcp-state.js';

export type SocketEvents = {
  connect: [];
  data: [];
  drain: [];
  end: [];
  close: [error: StackError | undefined];
};

/** Runs a user call as one stack operation (events delivered at its end). */
export type Runner = <T>(fn: () => T) => T;

export class TcpSocket extends Emitter<SocketEvents> {
  private peerEnded = false;
  private closedFlag = false;
  private closeCalled = false;

  constructor(private readonly conn: TcpConnection, private readonly run: Runner) {
    super();
    const events: ConnectionEvents = {
      connect: () => this.emit('connect'),
      readable: () => this.emit('data'),
      writable: () => this.emit('drain'),
      end: () => {
        this.peerEnded = true;
        this.emit('end');
      },
      close: (error) => {
        this.closedFlag = true;
        this.emit('close', error);
      },
    };
    conn.events = events;
  }

  get state(): TcpState {
    return this.conn.state;
  }

  get localPort(): number {
    return this.conn.id.localPort;
  }

  get remoteIp(): number {
    return this.conn.id.remoteIp;
  }

  get remotePort(): number {
    return this.conn.id.remotePort;
  }

  /** bytes waiting to be read */
  get readableLength(): number {
    return this.conn.rcv.readable.length;
  }

  /** room in the send buffer */
  get writableLength(): number {
    return this.conn.offload ? this.conn.offload.space : this.conn.snd.space;
  }

  /** bytes queued and not yet acknowledged */
  get unacknowledged(): number {
    return this.conn.offload ? this.conn.offload.unacknowledged : this.conn.snd.buffer.length;
  }

  /** the peer sent FIN */
  get ended(): boolean {
    return this.peerEnded;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get error(): StackError | undefined {
    return this.conn.error;
  }

  /** The connection (for tests and statistics; not part of the stable API). */
  get connection(): TcpConnection {
    return this.conn;
  }

  /**
   * Queues data; returns how many bytes were taken (0 to data.length). Fewer than offered
   * means the send buffer is full: wait for 'drain'. Throws BAD_STATE after close().
   */
  send(data: Uint8Array): number {
    if (this.closeCalled || this.conn.state === TcpState.CLOSED)
      throw new StackError(StackErrorCode.BAD_STATE, `send on a socket in ${this.conn.state}${this.closeCalled ? ' after close()' : ''}`);
    return this.run(() => this.conn.send(data));
  }

  /** Takes up to `max` readable bytes (possibly none). */
  receive(max = Number.MAX_SAFE_INTEGER): Uint8Array {
    if (!Number.isInteger(max) || max < 0) throw new StackError(StackErrorCode.BAD_ARGUMENT, `receive(${max}): max must be a non-negative integer`);
    return this.run(() => this.conn.receive(max));
  }

  /** Graceful close: our FIN follows the queued data. */
  close(): void {
    this.closeCalled = true;
    this.run(() => this.conn.close());
  }

  /** Abortive close: RST, queued data discarded. */
  abort(): void {
    this.closeCalled = true;
    this.run(() => this.conn.abort());
  }
}

export type ListenerEvents = {
  connection: [];
};

/** A passive open on a port; 'connection' when a connection is ready for accept(). */
export class TcpListener extends Emitter<ListenerEvents> {
  private readonly ready: TcpSocket[] = [];
  /** connections in SYN-RECEIVED */
  halfOpen = 0;
  private open = true;

  constructor(readonly port: number, readonly backlog: number, private readonly onClose: () => void) {
    super();
  }

  get pending(): number {
    return this.ready.length;
  }

  get listening(): boolean {
    return this.open;
  }

  /** The next established connection, or undefined. */
  accept(): TcpSocket | undefined {
    return this.ready.shift();
  }

  /** Stops listening; established connections not yet accepted are aborted. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.onClose();
    for (const s of this.ready.splice(0)) s.abort();
  }

  /** @internal a connection reached ESTABLISHED */
  enqueue(s: TcpSocket): void {
    this.ready.push(s);
    this.emit('connection');
  }
}
