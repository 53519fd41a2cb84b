/**
 * A Linux TAP device seen from its file descriptor: the frame port through which the kernel's
 * own network stack talks to the emulated NIC. Loads the addon built from tap.cpp
 * (build/tap/flue_tap.node, `make tap-addon`). A leaf: imports nothing from the project.
 *
 *   const tap = TapDevice.open('flt1234');   // needs root or CAP_NET_ADMIN
 *   tap.write(frame);                        // one Ethernet frame, no FCS
 *   const f = tap.read();                    // one frame, or undefined when none is waiting
 *   tap.close();
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's exports (testbench/tap/tap.cpp). Every call checks its arguments and throws a
 *  TypeError/RangeError on a wrong one; system errors are Errors with `code` ('EPERM', ...). */
export interface TapNative {
  /** Opens /dev/net/tun non-blocking and close-on-exec and attaches it to TAP `name` (created if
   *  missing; IFF_TAP|IFF_NO_PI, at most 15 bytes). Returns the descriptor. */
  open(name: string): number;
  /** One read(): the length of the one frame copied into `buf`, or 0 when none is waiting. A
   *  frame longer than `buf` is truncated (64 KiB always suffices). */
  read(fd: number, buf: Uint8Array): number;
  /** One write() of a whole frame (14 to 65535 bytes); false when the kernel's queue is full
   *  and the frame was dropped. */
  write(fd: number, frame: Uint8Array): boolean;
  /** Closes a descriptor open() returned. A TAP that is not persistent disappears with it. */
  close(fd: number): void;
}

/** The repository root: the nearest folder above this module holding package.json and protocol/. */
function repoRoot(): string {
  // import.meta.dirname is Node >= 20.11; fall back for loaders that do not set it
  const here: string | undefined = (import.meta as { dirname?: string }).dirname;
  let dir = here ?? dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'protocol'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`flue_tap: cannot find the flue repository root above ${here ?? fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

let cached: TapNative | undefined;

/** The addon, loaded once. FLUE_TAP_ADDON overrides its path. */
export function loadTapNative(): TapNative {
  if (cached) return cached;
  const path = process.env.FLUE_TAP_ADDON ?? join(repoRoot(), 'build', 'tap', 'flue_tap.node');
  if (!existsSync(path)) throw new Error(`the TAP addon is not built (${path} is missing): run 'make tap-addon'`);
  const require = createRequire(import.meta.url);
  try {
    cached = require(path) as TapNative;
    return cached;
  } catch (cause) {
    throw new Error(`cannot load ${path}: ${(cause as Error).message}; rebuild it with 'make tap-addon'`, { cause });
  }
}

/** Frames read into one 64 KiB buffer: larger than any frame a TAP hands out (MTU <= 65521). */
const READ_BUFFER_BYTES = 64 * 1024;

/** One open TAP device: read and write Ethernet frames (no FCS, no packet-info header). */
export class TapDevice {
  private fd: number | undefined;
  private readonly buf = new Uint8Array(READ_BUFFER_BYTES);

  private constructor(
    private readonly native: TapNative,
    readonly name: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates (or attaches to) TAP `name` in the caller's network namespace. Needs root or
   *  CAP_NET_ADMIN; the device goes away when it is closed. */
  static open(name: string): TapDevice {
    const native = loadTapNative();
    return new TapDevice(native, name, native.open(name));
  }

  /** Whether close() has been called. */
  get closed(): boolean {
    return this.fd === undefined;
  }

  /** A copy of one waiting frame, or undefined when none is waiting. */
  read(): Uint8Array | undefined {
    const n = this.native.read(this.live('read'), this.buf);
    return n === 0 ? undefined : this.buf.slice(0, n);
  }

  /** Writes one frame; false when the kernel's queue is full (the frame is dropped, as on a
   *  congested wire). */
  write(frame: Uint8Array): boolean {
    return this.native.write(this.live('write'), frame);
  }

  /** Closes the descriptor (the device disappears with it). Idempotent. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    this.native.close(fd);
  }

  private live(op: string): number {
    if (this.fd === undefined) throw new Error(`TapDevice ${this.name}: ${op} after close()`);
    return this.fd;
  }
}
