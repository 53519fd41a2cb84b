/**
 * Deterministic test traffic: IPv4/UDP frames between documentation addresses, sizes and
 * payloads drawn from a seeded generator, so a receiver can regenerate and check every byte.
 */

/** mulberry32: small, fast, good enough for test data; the same seed gives the same stream. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface Endpoint {
  mac: Uint8Array;
  ip: Uint8Array;
  port: number;
}

export const ETHERTYPE_IPV4 = 0x0800;
const IP_PROTO_UDP = 17;
const HEADER_BYTES = 14 + 20 + 8;
export const MIN_TRAFFIC_FRAME = 60;
export const MAX_TRAFFIC_FRAME = 1514;

/** Internet checksum (RFC 1071) over bytes, folded, not complemented. */
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Mixes seed, stream and index into one 32-bit seed. */
function mix(seed: number, stream: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The frame size of frame `index` of a stream: 60 to 1514 bytes. */
export function frameSize(seed: number, stream: number, index: number): number {
  const r = prng(mix(seed, stream, index) ^ 0x5bd1e995)();
  return MIN_TRAFFIC_FRAME + (r % (MAX_TRAFFIC_FRAME - MIN_TRAFFIC_FRAME + 1));
}

/**
 * Builds frame `index` of a stream from `src` to `dst`: Ethernet + IPv4 (DF, TTL 64) + UDP
 * with correct checksums; the payload starts with the index (big-endian) then seeded bytes.
 */
export function buildFrame(seed: number, stream: number, index: number, src: Endpoint, dst: Endpoint, size = frameSize(seed, stream, index)): Uint8Array {
  if (size < HEADER_BYTES + 4 || size > MAX_TRAFFIC_FRAME) throw new RangeError(`frame size ${size} outside ${HEADER_BYTES + 4}..${MAX_TRAFFIC_FRAME}`);
  const f = new Uint8Array(size);
  const v = new DataView(f.buffer);
  f.set(dst.mac, 0);
  f.set(src.mac, 6);
  v.setUint16(12, ETHERTYPE_IPV4);
  // IPv4
  const ip = 14;
  f[ip] = 0x45;
  v.setUint16(ip + 2, size - 14);
  v.setUint16(ip + 4, index & 0xffff);
  v.setUint16(ip + 6, 0x4000);
  f[ip + 8] = 64;
  f[ip + 9] = IP_PROTO_UDP;
  f.set(src.ip, ip + 12);
  f.set(dst.ip, ip + 16);
  v.setUint16(ip + 10, ~onesComplementSum(f, ip, ip + 20) & 0xffff);
  // UDP
  const udp = ip + 20;
  const udpLen = size - udp;
  v.setUint16(udp, src.port);
  v.setUint16(udp + 2, dst.port);
  v.setUint16(udp + 4, udpLen);
  const payload = udp + 8;
  v.setUint32(payload, index >>> 0);
  const r = prng(mix(seed, stream, index));
  let i = payload + 4;
  for (; i + 4 <= size; i += 4) v.setUint32(i, r());
  if (i < size) {
    const last = r();
    for (let k = 0; i < size; i++, k++) f[i] = (last >>> (8 * k)) & 0xff;
  }
  // UDP checksum over the pseudo-header and the datagram
  let sum = onesComplementSum(f, ip + 12, ip + 20);
  sum += IP_PROTO_UDP + udpLen;
  sum = onesComplementSum(f, udp, size, sum);
  const c = ~sum & 0xffff;
  v.setUint16(udp + 6, c === 0 ? 0xffff : c);
  return f;
}

/** The index a traffic frame carries, or -1 if it is not one of ours. */
export function frameIndex(frame: Uint8Array): number {
  if (frame.length < HEADER_BYTES + 4) return -1;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (v.getUint16(12) !== ETHERTYPE_IPV4 || frame[23] !== IP_PROTO_UDP) return -1;
  return v.getUint32(HEADER_BYTES);
}

/**
 * Checks a received stream frame by frame: each must be the next index and byte-identical
 * to what the sender built.
 */
export class StreamVerifier {
  received = 0;
  bytes = 0;
  readonly errors: string[] = [];

  constructor(
    private readonly seed: number,
    private readonly stream: number,
    private readonly src: Endpoint,
    private readonly dst: Endpoint,
    /** every frame this size, as the sender built them (default: the seeded sizes) */
    private readonly size?: number,
  ) {}

  check(frame: Uint8Array): boolean {
    const index = frameIndex(frame);
    const expectedIndex = this.received;
    if (index !== expectedIndex) {
      this.fail(`stream ${this.stream}: expected frame ${expectedIndex}, got ${index < 0 ? 'a foreign frame' : 'frame ' + index} (${frame.length} bytes)`);
      if (index > expectedIndex) this.received = index + 1;
      return false;
    }
    this.received++;
    const expected = buildFrame(this.seed, this.stream, index, this.src, this.dst, this.size);
    if (expected.length !== frame.length) {
      this.fail(`stream ${this.stream} frame ${index}: ${frame.length} bytes, expected ${expected.length}`);
      return false;
    }
    for (let i = 0; i < frame.length; i++) {
      if (frame[i] !== expected[i]) {
        this.fail(`stream ${this.stream} frame ${index}: byte ${i} is 0x${frame[i]!.toString(16)}, expected 0x${expected[i]!.toString(16)}`);
        return false;
      }
    }
    this.bytes += frame.length;
    return true;
  }

  private fail(msg: string): void {
    if (this.errors.length < 20) this.errors.push(msg);
  }
}
