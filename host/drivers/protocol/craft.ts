/**
 * Test support: build and decode whole frames (Ethernet + IPv4 + TCP) so tests can inject
 * arbitrary segments and inspect what the stacks send.
 */
import { parseIp } from './codec.js';
import { ETHERTYPE_IPV4, parseEthernet, serializeEthernet } from './ethernet.js';
import { IP_PROTO_TCP, parseIpv4, serializeIpv4 } from './ipv4.js';
import { type TcpSegment, parseTcp, serializeTcp } from './tcp-segment.js';

export interface Addressing {
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  srcIp: string;
  dstIp: string;
}

export function tcpFrame(a: Addressing, seg: Partial<TcpSegment> & Pick<TcpSegment, 'srcPort' | 'dstPort' | 'flags'>): Uint8Array {
  const src = parseIp(a.srcIp)!;
  const dst = parseIp(a.dstIp)!;
  const full: TcpSegment = { seq: 0, ack: 0, window: 65535, urgent: 0, options: {}, payload: new Uint8Array(0), ...seg };
  const tcp = serializeTcp(full, src, dst);
  const ip = serializeIpv4({ tos: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IP_PROTO_TCP, src, dst }, tcp);
  return serializeEthernet({ dst: a.dstMac, src: a.srcMac, etherType: ETHERTYPE_IPV4 }, ip);
}

/** The TCP segment in a frame, or undefined if it is not a valid IPv4/TCP frame. */
export function decodeTcp(frame: Uint8Array): TcpSegment | undefined {
  const eth = parseEthernet(frame);
  if (!eth.ok || eth.value.header.etherType !== ETHERTYPE_IPV4) return undefined;
  const ip = parseIpv4(eth.value.payload);
  if (!ip.ok || ip.value.header.protocol !== IP_PROTO_TCP) return undefined;
  const t = parseTcp(ip.value.payload, ip.value.header.src, ip.value.header.dst);
  return t.ok ? t.value : undefined;
}
