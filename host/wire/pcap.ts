/**
 * pcap writer (nanosecond-resolution format, link type Ethernet). In lockstep runs the
 * timestamps are simulated time, so a capture is as reproducible as the run.
 */
import { openSync, writeSync, closeSync } from 'node:fs';

const PCAP_MAGIC_NS = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

export class PcapWriter {
  private fd: number | undefined;
  private frames = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    const h = Buffer.alloc(24);
    h.writeUInt32LE(PCAP_MAGIC_NS, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    writeSync(this.fd, h);
  }

  /** Appends one frame at `timeNs` nanoseconds since the start of the run. */
  write(data: Uint8Array, timeNs: number): void {
    if (this.fd === undefined) throw new Error(`pcap ${this.path} is closed`);
    const t = Math.round(timeNs);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(t / 1e9), 0);
    rec.writeUInt32LE(t % 1e9, 4);
    const len = Math.min(data.length, SNAPLEN);
    rec.writeUInt32LE(len, 8);
    rec.writeUInt32LE(data.length, 12);
    writeSync(this.fd, rec);
    writeSync(this.fd, data, 0, len);
    this.frames++;
  }

  get frameCount(): number {
    return this.frames;
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** Reads a pcap written by PcapWriter (or any little-endian ns/us pcap) back into frames. */
export function readPcap(bytes: Uint8Array): { data: Uint8Array; timeNs: number }[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 24) throw new Error('pcap shorter than its 24-byte header');
  const magic = b.readUInt32LE(0);
  const scale = magic === PCAP_MAGIC_NS ? 1 : magic === 0xa1b2c3d4 ? 1000 : 0;
  if (scale === 0) throw new Error(`not a little-endian pcap (magic 0x${magic.toString(16)})`);
  const out: { data: Uint8Array; timeNs: number }[] = [];
  let off = 24;
  while (off + 16 <= b.length) {
    const sec = b.readUInt32LE(off);
    const frac = b.readUInt32LE(off + 4);
    const incl = b.readUInt32LE(off + 8);
    if (off + 16 + incl > b.length) throw new Error(`pcap record at byte ${off} runs past the end`);
    out.push({ data: new Uint8Array(b.subarray(off + 16, off + 16 + incl)), timeNs: sec * 1e9 + frac * scale });
    off += 16 + incl;
  }
  return out;
}
