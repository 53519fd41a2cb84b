import { describe, expect, it } from 'vitest';
import { checksumAdd, parseIp } from './codec.js';
import { totalDrops } from './counters.js';
import { decodeTcp, tcpFrame } from './craft.js';
import { ETHERTYPE_IPV4, serializeEthernet } from './ethernet.js';
import { IP_PROTO_TCP, serializeIpv4 } from './ipv4.js';
import { IP_A, IP_B, MAC_A, MAC_B, type Pair, makePair } from './pair.js';
import type { TcpSocket } from './socket.js';
import { TcpFlag, type TcpSegment, serializeTcp } from './tcp-segment.js';
import { TcpState } from './tcp-state.js';

const toB = { srcMac: MAC_A, dstMac: MAC_B, srcIp: IP_A, dstIp: IP_B };

/** An established connection a -> b:80 with the server reading everything, and b's output recorded. */
function setup(): { p: Pair; client: TcpSocket; server: TcpSocket; fromB: TcpSegment[]; received: () => number } {
  const p = makePair();
  const fromB: TcpSegment[] = [];
  p.wire.tap = (f, from) => {
    const s = decodeTcp(f);
    if (s !== undefined && from === 'b') fromB.push(s);
  };
  const l = p.b.listen(80);
  let server: TcpSocket | undefined;
  let got = 0;
  l.on('connection', () => {
    server = l.accept();
    server!.on('data', () => { got += server!.receive().length; });
  });
  const client = p.a.connect(IP_B, 80);
  p.run(() => server !== undefined, 10_000);
  client.send(new Uint8Array(1000).fill(1));
  p.run(() => got === 1000 && client.connection.snd.flight === 0, 10_000);
  return { p, client, server: server!, fromB, received: () => got };
}

/** A segment from the client's 4-tuple with the client's current sequence numbers. */
function fromClient(client: TcpSocket, over: Partial<TcpSegment>): Uint8Array {
  const c = client.connection;
  return tcpFrame(toB, { srcPort: c.id.localPort, dstPort: 80, seq: c.snd.nxt, ack: c.rcv.nxt, flags: TcpFlag.ACK, window: 1000, ...over });
}

/** Proves the connection still works: 500 more bytes arrive intact. */
function stillWorks(p: Pair, client: TcpSocket, received: () => number): void {
  const before = received();
  client.send(new Uint8Array(500).fill(2));
  expect(p.run(() => received() === before + 500 && client.connection.snd.flight === 0, 10_000)).toBe(true);
  expect(client.state).toBe(TcpState.ESTABLISHED);
}

describe('malformed frames are dropped, counted, and harmless', () => {
  it('truncated Ethernet, IPv4 and TCP headers are dropped and counted as truncated', () => {
    const { p, client, received } = setup();
    const good = fromClient(client, { payload: new Uint8Array(10) });
    p.b.receiveFrame(good.subarray(0, 10)); // runt Ethernet
    p.b.receiveFrame(good.subarray(0, 14 + 12)); // part of an IPv4 header
    const ip = serializeIpv4({ tos: 0, id: 9, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IP_PROTO_TCP, src: parseIp(IP_A)!, dst: parseIp(IP_B)! }, new Uint8Array(12));
    p.b.receiveFrame(serializeEthernet({ dst: MAC_B, src: MAC_A, etherType: ETHERTYPE_IPV4 }, ip)); // 12-byte TCP header
    const longer = good.slice();
    longer[14 + 3] = 0xff; // IP total length beyond the frame (checksum is checked after length)
    p.b.receiveFrame(longer);
    expect(p.b.counters.drops.truncated).toBe(4);
    stillWorks(p, client, received);
  });

  it('bad IPv4 and TCP checksums are dropped and counted', () => {
    const { p, client, received } = setup();
    const f1 = fromClient(client, { payload: new Uint8Array([9, 9, 9]) });
    f1[14 + 8] = f1[14 + 8]! ^ 1; // TTL changes, header checksum no longer matches
    p.b.receiveFrame(f1);
    const f2 = fromClient(client, { payload: new Uint8Array([9, 9, 9]) });
    f2[f2.length - 7] = f2[f2.length - 7]! ^ 0x10; // a byte of the TCP segment (the frame is padded to 60)
    p.b.receiveFrame(f2);
    expect(p.b.counters.drops.badChecksum).toBe(2);
    expect(received()).toBe(1000);
    stillWorks(p, client, received);
  });

  it('bogus TCP options (zero length, wrong MSS length, running past the header) are dropped and counted', () => {
    const { p, client, received } = setup();
    const withOptions = (opts: number[]): Uint8Array => {
      const c = client.connection;
      const tcp = serializeTcp({ srcPort: c.id.localPort, dstPort: 80, seq: c.snd.nxt, ack: c.rcv.nxt, flags: TcpFlag.ACK, window: 1000, urgent: 0, options: {}, payload: new Uint8Array([5]) }, parseIp(IP_A)!, parseIp(IP_B)!);
      const hdr = 20 + opts.length;
      const b = new Uint8Array(hdr + 1);
      b.set(tcp.subarray(0, 20));
      b.set(opts, 20);
      b[20 + opts.length] = 5;
      b[12] = (hdr / 4) << 4;
      b[16] = 0;
      b[17] = 0;
      const sum = checksumAdd(b, 0, b.length, checksumAdd(new Uint8Array([192, 0, 2, 1, 192, 0, 2, 2, 0, 6, 0, b.length]), 0, 12));
      const ck = ~sum & 0xffff;
      b[16] = ck >>> 8;
      b[17] = ck & 255;
      const ip = serializeIpv4({ tos: 0, id: 9, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IP_PROTO_TCP, src: parseIp(IP_A)!, dst: parseIp(IP_B)! }, b);
      return serializeEthernet({ dst: MAC_B, src: MAC_A, etherType: ETHERTYPE_IPV4 }, ip);
    };
    p.b.receiveFrame(withOptions([8, 0, 0, 0])); // kind 8 with length 0
    p.b.receiveFrame(withOptions([2, 3, 5, 0])); // MSS with length 3
    p.b.receiveFrame(withOptions([1, 1, 30, 8])); // length runs past the header
    expect(p.b.counters.drops.badOptions).toBe(3);
    expect(received()).toBe(1000);
    stillWorks(p, client, received);
  });

  it('an out-of-window segment is answered with an ACK, dropped and counted', () => {
    const { p, client, server, fromB, received } = setup();
    const before = fromB.length;
    p.b.receiveFrame(fromClient(client, { seq: (client.connection.snd.nxt + 10_000_000) >>> 0, payload: new Uint8Array(100) }));
    expect(p.b.counters.drops.outOfWindow).toBe(1);
    expect(fromB.length).toBe(before + 1);
    expect(fromB.at(-1)!.ack).toBe(server.connection.rcv.nxt);
    stillWorks(p, client, received);
  });

  it('an ACK for data never sent is dropped and answered with an ACK (RFC 5961 §5)', () => {
    const { p, client, server, received } = setup();
    const una = server.connection.snd.una;
    p.b.receiveFrame(fromClient(client, { ack: (server.connection.snd.max + 5000) >>> 0 }));
    expect(p.b.counters.drops.badAck).toBe(1);
    expect(server.connection.snd.una).toBe(una);
    stillWorks(p, client, received);
  });
});

describe('blind injection (RFC 5961)', () => {
  it('an in-window RST not at RCV.NXT gets a challenge ACK and the connection survives', () => {
    const { p, client, received } = setup();
    p.b.receiveFrame(fromClient(client, { seq: (client.connection.snd.nxt + 100) >>> 0, flags: TcpFlag.RST }));
    expect(p.b.counters.tcpChallengeAcks).toBe(1);
    expect(p.b.counters.tcpResets).toBe(0);
    stillWorks(p, client, received);
  });

  it('an out-of-window RST is dropped silently', () => {
    const { p, client, fromB, received } = setup();
    const before = fromB.length;
    p.b.receiveFrame(fromClient(client, { seq: (client.connection.snd.nxt + 5_000_000) >>> 0, flags: TcpFlag.RST }));
    expect(fromB.length).toBe(before);
    expect(p.b.counters.drops.outOfWindow).toBe(1);
    stillWorks(p, client, received);
  });

  it('a RST exactly at RCV.NXT resets the connection', () => {
    const { p, client, server } = setup();
    let code: string | undefined;
    server.on('close', (e) => { code = e?.code; });
    p.b.receiveFrame(fromClient(client, { flags: TcpFlag.RST }));
    expect(server.state).toBe(TcpState.CLOSED);
    expect(code).toBe('FLUE_TCP_RESET');
  });

  it('a SYN in ESTABLISHED gets a challenge ACK and the connection survives', () => {
    const { p, client, received } = setup();
    p.b.receiveFrame(fromClient(client, { seq: 12345, flags: TcpFlag.SYN }));
    p.b.receiveFrame(fromClient(client, { flags: TcpFlag.SYN }));
    expect(p.b.counters.tcpChallengeAcks).toBe(1); // the out-of-window SYN only got a plain ACK
    stillWorks(p, client, received);
  });

  it('a segment for no connection is answered with RST, and a stray RST is not', () => {
    const p = makePair();
    const out: TcpSegment[] = [];
    p.wire.tap = (f, from) => { const s = decodeTcp(f); if (s && from === 'b') out.push(s); };
    p.b.addNeighbor(IP_A, MAC_A);
    p.b.receiveFrame(tcpFrame(toB, { srcPort: 1234, dstPort: 99, seq: 100, ack: 777, flags: TcpFlag.ACK, payload: new Uint8Array(5) }));
    p.b.receiveFrame(tcpFrame(toB, { srcPort: 1234, dstPort: 99, seq: 100, flags: TcpFlag.RST }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ flags: TcpFlag.RST, seq: 777 });
  });
});

describe('IPv4 fragments', () => {
  const fragment = (id: number, offset: number, more: boolean, payload: Uint8Array): Uint8Array => {
    const ip = serializeIpv4({ tos: 0, id, dontFragment: false, moreFragments: more, fragmentOffset: offset, ttl: 64, protocol: IP_PROTO_TCP, src: parseIp(IP_A)!, dst: parseIp(IP_B)! }, payload);
    return serializeEthernet({ dst: MAC_B, src: MAC_A, etherType: ETHERTYPE_IPV4 }, ip);
  };
  const segmentBytes = (client: TcpSocket, n: number): Uint8Array => {
    const c = client.connection;
    return serializeTcp({ srcPort: c.id.localPort, dstPort: 80, seq: c.snd.nxt, ack: c.rcv.nxt, flags: TcpFlag.ACK, window: 1000, urgent: 0, options: {}, payload: new Uint8Array(n).fill(3) }, parseIp(IP_A)!, parseIp(IP_B)!);
  };

  it('received fragments (out of order) are reassembled and delivered', () => {
    const { p, client, received } = setup();
    const seg = segmentBytes(client, 300);
    p.b.receiveFrame(fragment(77, 160, false, seg.subarray(160)));
    p.b.receiveFrame(fragment(77, 0, true, seg.subarray(0, 160)));
    expect(p.b.counters.ipReassembled).toBe(1);
    expect(received()).toBe(1300);
  });

  it('overlapping fragments drop the datagram; an incomplete one times out; both counted', () => {
    const { p, client, received } = setup();
    const seg = segmentBytes(client, 300);
    p.b.receiveFrame(fragment(78, 0, true, seg.subarray(0, 160)));
    p.b.receiveFrame(fragment(78, 80, false, seg.subarray(80)));
    expect(p.b.counters.drops.fragmentDropped).toBe(2);
    p.b.receiveFrame(fragment(79, 0, true, seg.subarray(0, 160)));
    p.clock.advance(31_000);
    expect(p.b.counters.ipReassemblyTimeouts).toBe(1);
    expect(p.b.counters.drops.fragmentDropped).toBe(3);
    expect(received()).toBe(1000);
  });

  it('the stack never fragments: every IPv4 packet it sends has DF set and fits 1500 bytes', () => {
    const p = makePair();
    const sizes: number[] = [];
    const df: boolean[] = [];
    p.wire.tap = (f) => {
      if (f[12] === 0x08 && f[13] === 0x00) { sizes.push((f[16]! << 8) | f[17]!); df.push((f[20]! & 0x40) !== 0); }
    };
    const l = p.b.listen(80);
    l.on('connection', () => { const s = l.accept()!; s.on('data', () => s.receive()); });
    const c = p.a.connect(IP_B, 80);
    c.on('connect', () => c.send(new Uint8Array(100_000)));
    p.run(() => c.connection.snd.buffer.length === 0 && c.state === TcpState.ESTABLISHED, 10_000);
    expect(Math.max(...sizes)).toBe(1500);
    expect(df.every((x) => x)).toBe(true);
  });
});

describe('ARP', () => {
  it('answers a request for its address, learns the asker, and resolves before sending', () => {
    const p = makePair();
    const l = p.b.listen(80);
    let ok = false;
    l.on('connection', () => { ok = true; });
    p.a.connect(IP_B, 80);
    p.run(() => ok, 1000);
    expect(p.a.counters.arpRequestsSent).toBe(1);
    expect(p.b.counters.arpRepliesSent).toBe(1);
    expect(p.b.counters.arpRequestsSent).toBe(0); // b learned a's address from the request
  });

  it('gives up after three unanswered requests and counts the dropped packets', () => {
    const p = makePair();
    p.wire.tap = () => true;
    const c = p.a.connect('192.0.2.99', 80);
    p.run(() => p.a.counters.arpTimeouts > 0, 10_000);
    expect(p.a.counters.arpRequestsSent).toBe(3);
    expect(p.a.counters.drops.arpUnresolved).toBeGreaterThan(0);
    c.abort();
  });

  it('frames for another MAC, unknown EtherTypes and other IPs are dropped and counted', () => {
    const p = makePair();
    const f = tcpFrame({ ...toB, dstMac: new Uint8Array([2, 9, 9, 9, 9, 9]) }, { srcPort: 1, dstPort: 2, flags: TcpFlag.SYN });
    p.b.receiveFrame(f);
    const g = tcpFrame(toB, { srcPort: 1, dstPort: 2, flags: TcpFlag.SYN });
    g[12] = 0x86;
    g[13] = 0xdd;
    p.b.receiveFrame(g);
    p.b.receiveFrame(tcpFrame({ ...toB, dstIp: '192.0.2.50' }, { srcPort: 1, dstPort: 2, flags: TcpFlag.SYN }));
    expect(p.b.counters.drops.notForUs).toBe(2);
    expect(p.b.counters.drops.unknownProtocol).toBe(1);
    expect(totalDrops(p.b.counters)).toBe(3);
  });
});
