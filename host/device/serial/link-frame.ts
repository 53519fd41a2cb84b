/**
 * Link messages on a byte stream (a serial line): each message, its LinkHeader and payload
 * followed by a CRC-32 of both (IEEE 802.3, little-endian), is one SLIP packet (RFC 1055, the
 * serialport project's SLIP encoder and decoder). SLIP's END byte delimits packets, so after
 * garbage or a lost byte the decoder finds the next message at the next END; the CRC and the
 * header's length catch what a flipped bit or a dropped byte does to a packet. Nothing here
 * throws on bad input: a bad packet is counted and dropped, and the sender's sequence numbers
 * and timeouts (the transport above) recover it.
 */
import { crc32 } from 'node:zlib';
import { SlipDecoder, SlipEncoder } from '@serialport/parser-slip-encoder';
import { LINK_HEADER_BYTES, type LinkHeader, decodeLinkHeader, encodeLinkHeader } from '../../../protocol/generated/contract.js';

/** bytes of the CRC-32 after a message */
export const LINK_CRC_BYTES = 4;

export interface LinkMessage {
  header: LinkHeader;
  payload: Uint8Array;
}

/** why a packet was dropped */
export type LinkFrameError = 'short' | 'crc' | 'length';

export type LinkDecodeResult = { ok: true; message: LinkMessage } | { ok: false; error: LinkFrameError; detail: string };

/** The packet of one message (before SLIP): header, payload, CRC-32. header.length is set from the payload. */
export function encodeLinkPacket(header: Omit<LinkHeader, 'length'>, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(LINK_HEADER_BYTES + payload.length + LINK_CRC_BYTES);
  const view = new DataView(out.buffer);
  encodeLinkHeader(view, { ...header, length: payload.length });
  out.set(payload, LINK_HEADER_BYTES);
  view.setUint32(LINK_HEADER_BYTES + payload.length, crc32(out.subarray(0, LINK_HEADER_BYTES + payload.length)), true);
  return out;
}

/** Checks and takes apart one packet (SLIP already removed). */
export function decodeLinkPacket(packet: Uint8Array): LinkDecodeResult {
  if (packet.length < LINK_HEADER_BYTES + LINK_CRC_BYTES) {
    return { ok: false, error: 'short', detail: `${packet.length} bytes, fewer than a header and a CRC (${LINK_HEADER_BYTES + LINK_CRC_BYTES})` };
  }
  const body = packet.subarray(0, packet.length - LINK_CRC_BYTES);
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const want = view.getUint32(body.length, true);
  const got = crc32(body);
  if (want !== got) return { ok: false, error: 'crc', detail: `CRC-32 0x${got.toString(16)} where the packet says 0x${want.toString(16)}` };
  const header = decodeLinkHeader(view);
  const payloadBytes = body.length - LINK_HEADER_BYTES;
  if (header.length !== payloadBytes) return { ok: false, error: 'length', detail: `header says ${header.length} payload bytes, the packet holds ${payloadBytes}` };
  return { ok: true, message: { header, payload: new Uint8Array(body.subarray(LINK_HEADER_BYTES)) } };
}

export interface LinkFrameCounters {
  /** messages decoded */
  messages: number;
  /** packets dropped, by reason */
  short: number;
  crc: number;
  length: number;
}

/**
 * Turns a byte stream into messages: feed it what the line delivers, in any pieces; `onMessage`
 * gets each good message and `onError` (optional) each dropped packet, in order.
 */
export class LinkFrameDecoder {
  readonly counters: LinkFrameCounters = { messages: 0, short: 0, crc: 0, length: 0 };
  private readonly slip = new SlipDecoder({ readableObjectMode: true });

  constructor(onMessage: (m: LinkMessage) => void, onError?: (error: LinkFrameError, detail: string) => void) {
    this.slip.on('data', (packet: Buffer) => {
      // an END with nothing before it (line noise, or the END that opens a packet) is no packet
      if (packet.length === 0) return;
      const r = decodeLinkPacket(packet);
      if (r.ok) {
        this.counters.messages++;
        onMessage(r.message);
      } else {
        this.counters[r.error]++;
        onError?.(r.error, r.detail);
      }
    });
  }

  /** Bytes from the line. Decoded messages arrive through the callbacks, synchronously. */
  push(bytes: Uint8Array): void {
    this.slip.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}

/** Turns messages into the bytes that go on the line. */
export class LinkFrameEncoder {
  private readonly slip: SlipEncoder;
  private out: Buffer[] = [];

  constructor() {
    // an END before each packet too (RFC 1055's advice): the receiver drops what line noise
    // left in its buffer instead of prefixing it to this packet
    this.slip = new SlipEncoder({ bluetoothQuirk: true });
    this.slip.on('data', (b: Buffer) => this.out.push(b));
  }

  /** The line bytes of one message. */
  encode(header: Omit<LinkHeader, 'length'>, payload?: Uint8Array): Uint8Array {
    this.slip.write(Buffer.from(encodeLinkPacket(header, payload)));
    const bytes = Buffer.concat(this.out);
    this.out = [];
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
