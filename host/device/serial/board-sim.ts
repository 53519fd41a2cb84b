/**
 * The simulated board (testbench/board: flue-board-sim, a Verilator build of the board core
 * whose UART pins are driven bit by bit from a pseudo-terminal): started as a child process,
 * its pseudo-terminal is what a serial port path names, and its Ethernet is a Unix socket of
 * frame records (`u32 LE length, u64 LE cycle, frame`), reached through `BoardEthernet`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../child-process.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { WireFrame } from '../link.js';
import { repoRoot } from '../verilator/native.js';
import type { FramePort } from './serial-link.js';

/** where make builds the harness (FLUE_BOARD_SIM overrides) */
export function boardSimPath(): string {
  return process.env.FLUE_BOARD_SIM ?? join(repoRoot(), 'build', 'board', 'flue-board-sim');
}

export interface BoardSimOptions {
  /** simulated line rate (default 3 Mbit/s) */
  baud?: number;
  /** simulated core clock, Hz (default the harness's) */
  clockHz?: number;
  /** probability that each bit on the line is inverted, both ways */
  flipBitRate?: number;
  /** probability that each byte on the line is lost, both ways */
  dropByteRate?: number;
  seed?: number;
  /** give the board an Ethernet socket */
  ethernet?: boolean;
  fstPath?: string;
  /** ms to wait for the harness to come up (default 30 s) */
  startTimeoutMs?: number;
}

export interface BoardSim {
  /** the pseudo-terminal's slave: the serial port path */
  readonly ptyPath: string;
  /** the Unix socket of the board's Ethernet, if asked for */
  readonly ethernetPath: string | undefined;
  readonly clockHz: number;
  readonly baud: number;
  readonly bitCycles: number;
  readonly process: ChildProcess;
  /** everything the harness wrote on stderr (progress, summary) */
  output(): string;
  /** stops the harness (SIGTERM) and waits for it; resolves with its last lines */
  stop(): Promise<string>;
}

/** Starts flue-board-sim and waits for its ready line. */
export async function startBoardSim(options: BoardSimOptions = {}): Promise<BoardSim> {
  const binary = boardSimPath();
  if (!existsSync(binary)) {
    throw new DeviceError(DeviceErrorCode.NOT_BUILT, `the board harness ${binary} is not built: run make board-sim (make test builds it)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'flue-board-'));
  const ptyLink = join(dir, 'tty');
  const ethernetPath = options.ethernet ? join(dir, 'eth.sock') : undefined;
  const args = ['--pty', ptyLink, '--baud', String(options.baud ?? 3_000_000)];
  if (options.clockHz !== undefined) args.push('--clock-hz', String(options.clockHz));
  if (options.flipBitRate) args.push('--flip-bit-rate', String(options.flipBitRate));
  if (options.dropByteRate) args.push('--drop-byte-rate', String(options.dropByteRate));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (ethernetPath) args.push('--eth', ethernetPath);
  if (options.fstPath) args.push('--fst', options.fstPath);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => { stderr = (stderr + s).slice(-20000); });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const ready = await new Promise<Record<string, string>>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new DeviceError(DeviceErrorCode.TIMEOUT, `flue-board-sim did not come up in ${options.startTimeoutMs ?? 30000} ms: ${stderr.trim()}`)), options.startTimeoutMs ?? 30000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      out += s;
      const line = out.split('\n').find((l) => l.startsWith('flue-board-sim ready '));
      if (!line) return;
      clearTimeout(timer);
      res(Object.fromEntries(line.split(' ').slice(2).map((kv) => kv.split('=') as [string, string])));
    });
    child.once('exit', (code) => { clearTimeout(timer); rej(new DeviceError(DeviceErrorCode.CLOSED, `flue-board-sim exited (${code}) before it was ready: ${stderr.trim()}`)); });
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    ptyPath: ptyLink,
    ethernetPath,
    clockHz: Number(ready.clock),
    baud: Number(ready.baud),
    bitCycles: Number(ready.bit_cycles),
    process: child,
    output: () => stderr,
    async stop() {
      await stopChild(child, exited);
      rmSync(dir, { recursive: true, force: true });
      return stderr.trim().split('\n').slice(-3).join('\n');
    },
  };
}

/** The largest frame record the socket carries (a jumbo frame's worth). */
const MAX_FRAME = 16384;
const RECORD_HEADER = 12;

/** A simulated board's Ethernet: the harness's frame socket as a FramePort. */
export class BoardEthernet implements FramePort {
  private readonly frames: WireFrame[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private problem: string | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (b: Buffer) => this.received(b));
    socket.on('error', (e) => { this.problem ??= e.message; });
  }

  static connect(path: string): Promise<BoardEthernet> {
    return new Promise((res, rej) => {
      const s = createConnection(path);
      s.once('connect', () => res(new BoardEthernet(s)));
      s.once('error', (e) => rej(new DeviceError(DeviceErrorCode.CLOSED, `board Ethernet socket ${path}: ${e.message}`, { cause: e })));
    });
  }

  /** why the socket failed ('' if it has not) */
  get error(): string {
    return this.problem ?? '';
  }

  takeFrames(): WireFrame[] {
    return this.frames.splice(0);
  }

  send(frame: Uint8Array): void {
    if (frame.length === 0 || frame.length > MAX_FRAME) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `board Ethernet: a frame of ${frame.length} bytes`);
    const rec = Buffer.alloc(RECORD_HEADER + frame.length);
    rec.writeUInt32LE(frame.length, 0);
    rec.writeBigUInt64LE(0n, 4);
    rec.set(frame, RECORD_HEADER);
    this.socket.write(rec);
  }

  close(): void {
    this.socket.destroy();
  }

  private received(b: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, b]) : b;
    while (this.pending.length >= RECORD_HEADER) {
      const length = this.pending.readUInt32LE(0);
      if (length === 0 || length > MAX_FRAME) {
        this.problem ??= `a frame record of ${length} bytes`;
        this.socket.destroy();
        return;
      }
      if (this.pending.length < RECORD_HEADER + length) return;
      const cycle = Number(this.pending.readBigUInt64LE(4));
      this.frames.push({ data: new Uint8Array(this.pending.subarray(RECORD_HEADER, RECORD_HEADER + length)), cycle });
      this.pending = this.pending.subarray(RECORD_HEADER + length);
    }
  }
}
