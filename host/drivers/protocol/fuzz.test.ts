import { describe, expect, it } from 'vitest';
import { prng } from '../../wire/traffic.js';
import { parseIp } from './codec.js';
import { totalDrops } from './counters.js';
import { ETHERTYPE_IPV4, serializeEthernet } from './ethernet.js';
import { IP_PROTO_TCP, serializeIpv4 } from './ipv4.js';
import { IP_A, IP_B, MAC_A, MAC_B, makePair } from './pair.js';
import type { TcpSocket } from './socket.js';
import { bulkTransfer } from './transfer.js';

describe('seeded fuzzing from the wire', () => {
  it('damaged copies of live frames (bit flips, truncation) never throw and never corrupt the transfer', () => {
    const p = makePair({ seed: 3 });
    const r = prng(1234);
    let n = 0;
    p.wire.tap = (frame, from) => {
      if (n++ % 7 !== 0) return false;
      const bad = frame.slice(0, frame.length - (r() % 2 === 0 ? 0 : 1 + (r() % (frame.length - 1))));
      for (let i = 0; i < 1 + (r() % 3); i++) if (bad.length > 14) {
        const at = 14 + (r() % (bad.length - 14));
        bad[at] = bad[at]! ^ (1 << (r() % 8));
      }
      const to = from === 'a' ? p.b : p.a;
      p.clock.setTimer(p.clock.now() + 0.01, () => to.receiveFrame(bad));
      return false;
    };
    const res = bulkTransfer(p, 512 * 1024);
    expect(res.completed).toBe(true);
    expect(res.receivedHashB).toBe(res.sentHashA);
    expect(res.receivedHashA).toBe(res.sentHashB);
    expect(totalDrops(p.a.counters) + totalDrops(p.b.counters)).toBeGreaterThan(100);
  });

  it('random checksum-valid segments with random flags, numbers and option bytes never throw', () => {
    const p = makePair({ seed: 4 });
    const l = p.b.listen(80);
    let server: TcpSocket | undefined;
    l.on('connection', () => { server = l.accept(); server!.on('data', () => server!.receive()); });
    const client = p.a.connect(IP_B, 80);
    p.run(() => server !== undefined, 1000);
    const r = prng(99);
    const src = parseIp(IP_A)!;
    const dst = parseIp(IP_B)!;
    for (let i = 0; i < 3000; i++) {
      const optLen = 4 * (r() % 11);
      const payload = r() % 3 === 0 ? r() % 40 : 0;
      const b = new Uint8Array(20 + optLen + payload);
      for (let j = 0; j < b.length; j++) b[j] = r() & 255;
      const toPort = r() % 4 === 0 ? 80 : r() % 2 === 0 ? client.localPort : r() & 0xffff;
      b[0] = client.localPort >>> 8; b[1] = client.localPort & 255;
      b[2] = toPort >>> 8; b[3] = toPort & 255;
      if (r() % 2 === 0) { // sometimes near the live sequence numbers
        const c = client.connection;
        const seq = (c.snd.nxt + (r() % 200000) - 100000) >>> 0;
        b[4] = seq >>> 24; b[5] = (seq >>> 16) & 255; b[6] = (seq >>> 8) & 255; b[7] = seq & 255;
      }
      b[12] = ((5 + optLen / 4) << 4) | (b[12]! & 15);
      b[16] = 0; b[17] = 0;
      let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IP_PROTO_TCP + b.length;
      for (let j = 0; j < b.length; j += 2) sum += (b[j]! << 8) | (b[j + 1] ?? 0);
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      const ck = ~sum & 0xffff;
      b[16] = ck >>> 8; b[17] = ck & 255;
      const ip = serializeIpv4({ tos: 0, id: i, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IP_PROTO_TCP, src, dst }, b);
      expect(() => p.b.receiveFrame(serializeEthernet({ dst: MAC_B, src: MAC_A, etherType: ETHERTYPE_IPV4 }, ip))).not.toThrow();
      if (i % 100 === 0) p.clock.advance(1);
    }
    expect(() => p.clock.advance(200_000)).not.toThrow();
    expect(p.b.counters.tcpSegmentsIn).toBeGreaterThan(0);
  });
});
