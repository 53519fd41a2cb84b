"""toe_rx_parse: every wire frame is checked against a Python model of the parser (candidate
rules, 4-tuple lookup in a model table with the fixed latency, TCP checksum, timestamp option):
the L2 output must be the wire input delayed by exactly LOOKUP_LATENCY + 5 cycles with tdest on
the tlast of exactly the frames whose tuple hit; the lookups are exactly the candidates' keys,
one per frame; header records and payload packets equal the model's claimed segments, in order
(a record's payload is whole in the FIFO when the record is out); the stat pulses count claims,
checksum errors and drops for want of room. Random mixes of offloaded segments (payload 0..1460,
timestamp options), misses, ARP, IP options, fragments, bad checksums, padding, wrong MAC, tuser
frames, runts and overlong frames, back to back or with random gaps, consumers with random
back-pressure; a small FIFO forces drop-full; lookup port not ready; reset inside a frame."""

import logging
import random
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge

from flue_tb import DATA_NO_RESET, inet_checksum, pulse_reset, random_pause, x_clean

LOCAL_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("02000000beef")
LOCAL_IP = bytes([192, 0, 2, 1])
ETH_MAX = 1518

# TOE_RXH_* (toe_defs.vh)
RXH = {"conn": (0, 16), "seq": (16, 32), "ack": (48, 32), "flags": (80, 8), "window": (88, 16),
       "urg": (104, 16), "len": (120, 16), "ts_present": (136, 1), "ts_val": (137, 32),
       "ts_ecr": (169, 32)}


# X audit (flue_tb.XWatch): no output is X or Z after reset but these, and only while their
# valid is 0
xwatched = x_clean(qualified={
    # the record FIFO's RAM and output register (axis_fifo) have no reset: X until the first record
    "m_axis_hdr_tdata": ("m_axis_hdr_tvalid", DATA_NO_RESET),
    # the payload FIFO's {tlast, tkeep, tdata} words (axis_frame_fifo) have no reset: X until the
    # first packet
    "m_axis_payload_tdata": ("m_axis_payload_tvalid", DATA_NO_RESET),
    "m_axis_payload_tkeep": ("m_axis_payload_tvalid", DATA_NO_RESET),
    "m_axis_payload_tlast": ("m_axis_payload_tvalid", DATA_NO_RESET),
})


def key_int(local_port, remote_port, local_ip, remote_ip):
    """TOE_KEY_* layout: remote = the frame's source, local = its destination."""
    return (local_port | remote_port << 16 | int.from_bytes(local_ip, "big") << 32
            | int.from_bytes(remote_ip, "big") << 64)


def tcp_frame(rng, src_ip, dst_ip, sport, dport, payload=b"", opts=b"", seq=None, flags=None,
              dst_mac=LOCAL_MAC, ethertype=0x0800, ip_opts=b"", frag=0, proto=6, bad_ip=False,
              bad_tcp=False, trailer=b"", tot_delta=0, doff=None):
    """Ethernet/IPv4/TCP frame with correct checksums unless told otherwise, padded to 60 bytes
    with random bytes (not summed by anyone)."""
    seq = rng.getrandbits(32) if seq is None else seq
    flags = rng.getrandbits(8) if flags is None else flags
    doff = (20 + len(opts)) // 4 if doff is None else doff
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, rng.getrandbits(32), doff << 4, flags,
                      rng.getrandbits(16), 0, rng.getrandbits(16)) + opts + payload
    pseudo = src_ip + dst_ip + bytes([0, proto]) + len(tcp).to_bytes(2, "big")
    c = inet_checksum(pseudo + tcp) ^ (0x0100 if bad_tcp else 0)
    tcp = tcp[:16] + c.to_bytes(2, "big") + tcp[18:]
    tot = 20 + len(ip_opts) + len(tcp) + tot_delta
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | (5 + len(ip_opts) // 4), 0, tot & 0xffff,
                     rng.getrandbits(16), frag, 64, proto, 0, src_ip, dst_ip) + ip_opts
    c = inet_checksum(ip) ^ (0x0001 if bad_ip else 0)
    ip = ip[:10] + c.to_bytes(2, "big") + ip[12:]
    frame = dst_mac + PEER_MAC + ethertype.to_bytes(2, "big") + ip + tcp + trailer
    if len(frame) < 60:
        frame += bytes(rng.getrandbits(8) for _ in range(60 - len(frame)))
    return frame


def model(frame, tuser, table):
    """The parser's rules, from the bytes. Returns None (not a candidate) or a dict: key, hit,
    conn, csum_ok, rec (header record fields), payload."""
    n = len(frame)
    if tuser or n > ETH_MAX or n < 54:
        return None
    if frame[0:6] != LOCAL_MAC or frame[12:14] != b"\x08\x00" or frame[14] != 0x45:
        return None
    if inet_checksum(frame[14:34]) != 0 or int.from_bytes(frame[20:22], "big") & 0x3fff or frame[23] != 6:
        return None
    tot = int.from_bytes(frame[16:18], "big")
    if tot < 40 or tot > n - 14:
        return None
    doff = frame[46] >> 4
    if doff < 5 or doff * 4 > tot - 20:
        return None
    src, dst = frame[26:30], frame[30:34]
    sport, dport = struct.unpack("!HH", frame[34:38])
    key = key_int(dport, sport, dst, src)
    tcp = frame[34:14 + tot]
    pseudo = src + dst + bytes([0, 6]) + (tot - 20).to_bytes(2, "big")
    opts = frame[54:34 + 4 * doff]
    ts = None
    if len(opts) >= 10 and opts[0] == 8 and opts[1] == 10:
        ts = opts[2:10]
    elif len(opts) >= 12 and opts[0:4] == bytes([1, 1, 8, 10]):
        ts = opts[4:12]
    seq, ack, _, flags, window, _, urg = struct.unpack("!IIBBHHH", frame[38:54])
    payload = frame[34 + 4 * doff:14 + tot]
    rec = {"conn": table.get(key, 0), "seq": seq, "ack": ack, "flags": flags, "window": window,
           "urg": urg, "len": len(payload), "ts_present": int(ts is not None),
           "ts_val": int.from_bytes(ts[0:4], "big") if ts else 0,
           "ts_ecr": int.from_bytes(ts[4:8], "big") if ts else 0}
    return {"key": key, "hit": key in table, "csum_ok": inet_checksum(pseudo + tcp) == 0, "rec": rec,
            "payload": payload}


class Traffic:
    """Random frames of every kind against a table of offloaded connections."""

    def __init__(self, rng, conns=12, conn_width=10):
        self.rng = rng
        self.table = {}
        self.tuples = []
        for i in range(conns):
            remote = bytes([198, 51, 100, rng.randrange(1, 255)])
            t = (remote, rng.randrange(1024, 65536), rng.randrange(1, 65536))
            key = key_int(t[2], t[1], LOCAL_IP, t[0])
            if key not in self.table:
                self.table[key] = rng.randrange(1 << conn_width)
                self.tuples.append(t)

    def opts(self):
        rng = self.rng
        ts = rng.getrandbits(32).to_bytes(4, "big") + rng.getrandbits(32).to_bytes(4, "big")
        kind = rng.randrange(9)
        if kind == 0:
            return b""
        if kind == 1:
            return bytes([8, 10]) + ts + bytes([1, 1])               # TS at offset 0
        if kind == 2:
            return bytes([1, 1, 8, 10]) + ts                         # NOP NOP TS
        if kind == 3:
            return bytes([2, 4, 5, 180, 1, 1, 8, 10]) + ts + bytes(4)  # MSS first: not seen
        if kind == 4:
            return bytes([1, 1, 8, 10]) + ts + bytes([1, 1, 4, 2]) + bytes(rng.randrange(4) * 4)
        if kind == 5:
            return bytes([8, 9]) + ts + bytes([0, 0])                # wrong length
        if kind == 6:
            return bytes([1, 1, 5, 10]) + ts                         # SACK, not TS
        if kind == 7:
            return bytes(rng.getrandbits(8) for _ in range(4 * rng.randrange(1, 11)))
        return bytes([1, 1, 8, 10]) + ts + bytes(rng.getrandbits(8) for _ in range(4 * rng.randrange(0, 8)))

    def payload(self, opts):
        rng = self.rng
        room = ETH_MAX - 54 - len(opts)
        r = rng.random()
        if r < 0.2:
            n = 0
        elif r < 0.45:
            n = rng.randrange(1, 20)
        elif r < 0.55:
            n = min(1460, room)
        else:
            n = rng.randrange(1, min(1460, room) + 1)
        return bytes(rng.getrandbits(8) for _ in range(n))

    def segment(self, hit=True, **kw):
        rng = self.rng
        if hit:
            remote, rport, lport = rng.choice(self.tuples)
        else:
            remote, rport, lport = bytes([203, 0, 113, rng.randrange(256)]), rng.randrange(65536), rng.randrange(65536)
        opts = kw.pop("opts", None)
        if opts is None:
            opts = self.opts()
        payload = kw.pop("payload", None)
        if payload is None:
            payload = self.payload(opts)
        return tcp_frame(rng, remote, LOCAL_IP, rport, lport, payload=payload, opts=opts, **kw)

    def frame(self):
        """(frame bytes, tuser)"""
        rng = self.rng
        r = rng.randrange(100)
        if r < 45:
            return self.segment(), 0
        if r < 50:
            # short segment, Ethernet padding after the IP datagram (random bytes)
            return self.segment(opts=b"", payload=bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 6)))), 0
        if r < 53:
            # a longer frame whose IP datagram ends early: trailing bytes are padding
            return self.segment(trailer=bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 200)))), 0
        if r < 60:
            return self.segment(hit=False), 0
        if r < 64:
            return self.segment(bad_tcp=True), 0
        if r < 66:
            return self.segment(hit=False, bad_tcp=True), 0
        if r < 68:
            return self.segment(bad_ip=True), 0
        if r < 70:
            return self.segment(frag=rng.choice([0x2000, 0x0001, 0x0100, 0x2010])), 0
        if r < 72:
            return self.segment(ip_opts=bytes([1, 1, 1, 0])), 0
        if r < 74:
            return self.segment(dst_mac=bytes.fromhex("ffffffffffff") if rng.random() < 0.5 else PEER_MAC), 0
        if r < 77:
            return self.segment(), 1
        if r < 79:
            return self.segment(proto=17), 0
        if r < 81:
            # IP total length beyond the frame (cut), or data offset beyond the segment
            if rng.random() < 0.5:
                return self.segment(tot_delta=rng.randrange(1, 40)), 0
            return self.segment(opts=b"", payload=bytes(rng.randrange(0, 12)), doff=rng.randrange(6, 16)), 0
        if r < 83:
            return self.segment(doff=rng.randrange(0, 5)), 0
        if r < 85:
            # ARP request
            arp = bytes.fromhex("0001080006040001") + PEER_MAC + bytes([198, 51, 100, 1]) + bytes(6) + LOCAL_IP
            return (LOCAL_MAC + PEER_MAC + b"\x08\x06" + arp + bytes(18)), 0
        if r < 87:
            # VLAN-tagged segment: not ours
            f = self.segment()
            return f[:12] + b"\x81\x00\x00\x05" + f[12:], 0
        if r < 90:
            return bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 14))), rng.randrange(2)
        if r < 93:
            # overlong: a good segment with bytes after it beyond the maximum frame
            f = self.segment(opts=b"", payload=bytes(rng.getrandbits(8) for _ in range(1400)))
            return f + bytes(rng.getrandbits(8) for _ in range(ETH_MAX + 1 - len(f) + rng.randrange(80))), 0
        if r < 96:
            return bytes(rng.getrandbits(8) for _ in range(rng.randrange(14, 200))), 0
        # garbage after a valid-looking start
        f = self.segment()
        return f[:rng.randrange(14, len(f))], rng.randrange(2)


class TB:
    def __init__(self, dut, gaps=None, backpressure=None, seed=1):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.rng = random.Random(seed)
        self.latency = int(dut.LOOKUP_LATENCY.value)
        self.delay = self.latency + 5
        self.conn_width = int(dut.CONN_WIDTH.value)
        self.dma_bytes = int(dut.DMA_DATA_WIDTH.value) // 8
        self.gaps = gaps
        self.backpressure = backpressure
        self.table = {}
        self.cycle = 0
        self.wire_in = []          # per cycle: None or (data, keep, last, user)
        self.l2_frames = []        # tdest of each frame's tlast at the L2 output
        self.l2_errors = []
        self.lookups = []          # keys accepted
        self.results = {}          # cycle -> (hit, conn)
        self.lookup_ready = 1
        self.records = []          # (record dict, payload bytes)
        self.payload_errors = []
        self.stats = {"stat_claimed": 0, "stat_csum_error": 0, "stat_drop_full": 0}
        self.queue = []            # (frame, tuser, gap before)
        self.busy = False
        self.rst_at = {}           # (frame index, beat) -> rst value while that beat is presented
        self.frames_sent = 0
        dut.local_mac.setimmediatevalue(int.from_bytes(LOCAL_MAC, "big"))
        for s in ("s_axis_rx_tdata", "s_axis_rx_tkeep", "s_axis_rx_tvalid", "s_axis_rx_tlast", "s_axis_rx_tuser",
                  "s_result_valid", "s_result_hit", "s_result_conn", "m_axis_hdr_tready", "m_axis_payload_tready"):
            getattr(dut, s).setimmediatevalue(0)
        dut.m_lookup_ready.setimmediatevalue(1)
        cocotb.start_soon(Clock(dut.clk, 6.4, units="ns").start())
        cocotb.start_soon(self._monitor())
        cocotb.start_soon(self._wire())
        cocotb.start_soon(self._consumer())

    async def reset(self):
        await pulse_reset(self.dut)
        for s in self.stats:
            self.stats[s] = 0

    def send(self, frame, tuser=0, gap=None):
        if gap is None:
            gap = next(self.gaps) if self.gaps else 0
        self.queue.append((bytes(frame), tuser, gap))

    async def _wire(self):
        dut = self.dut
        idle = random_pause(self.rng.randrange(1 << 30)) if self.gaps else None
        index = 0
        while True:
            if not self.queue:
                self.busy = False
                await RisingEdge(dut.clk)
                continue
            self.busy = True
            frame, tuser, gap = self.queue.pop(0)
            for _ in range(gap):
                await RisingEdge(dut.clk)
            beats = [frame[i:i + 8] for i in range(0, len(frame), 8)]
            for b, chunk in enumerate(beats):
                # a few idle cycles inside frames too when gaps are on
                while idle and b and next(idle) and self.rng.random() < 0.3:
                    dut.s_axis_rx_tvalid.value = 0
                    await RisingEdge(dut.clk)
                if (index, b) in self.rst_at:
                    dut.rst.value = self.rst_at[(index, b)]
                dut.s_axis_rx_tdata.value = int.from_bytes(chunk.ljust(8, b"\0"), "little")
                dut.s_axis_rx_tkeep.value = (1 << len(chunk)) - 1
                dut.s_axis_rx_tlast.value = int(b == len(beats) - 1)
                dut.s_axis_rx_tuser.value = tuser if b == len(beats) - 1 else 0
                dut.s_axis_rx_tvalid.value = 1
                await RisingEdge(dut.clk)
            dut.s_axis_rx_tvalid.value = 0
            dut.s_axis_rx_tlast.value = 0
            dut.s_axis_rx_tuser.value = 0
            index += 1

    async def _monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            self.cycle += 1
            # wire input this cycle
            if int(dut.s_axis_rx_tvalid.value):
                self.wire_in.append((int(dut.s_axis_rx_tdata.value), int(dut.s_axis_rx_tkeep.value),
                                     int(dut.s_axis_rx_tlast.value), int(dut.s_axis_rx_tuser.value)))
            else:
                self.wire_in.append(None)
            # L2 output: the input of `delay` cycles ago, beat for beat
            n = len(self.wire_in) - 1 - self.delay
            want = self.wire_in[n] if n >= 0 else None
            valid = int(dut.m_axis_l2_tvalid.value)
            got = None
            if valid:
                got = (int(dut.m_axis_l2_tdata.value), int(dut.m_axis_l2_tkeep.value),
                       int(dut.m_axis_l2_tlast.value), int(dut.m_axis_l2_tuser.value))
            if got != want and len(self.l2_errors) < 5:
                self.l2_errors.append(f"cycle {self.cycle}: L2 {got} expected {want}")
            if valid and got[2]:
                self.l2_frames.append(int(dut.m_axis_l2_tdest.value))
            # lookup port: accepted keys, results after the fixed latency
            if int(dut.m_lookup_valid.value) and int(dut.m_lookup_ready.value):
                key = int(dut.m_lookup_key.value)
                self.lookups.append(key)
                hit = key in self.table
                self.results[self.cycle + self.latency] = (hit, self.table.get(key, self.rng.randrange(1 << self.conn_width)))
            dut.m_lookup_ready.value = self.lookup_ready
            res = self.results.pop(self.cycle + 1, None)
            dut.s_result_valid.value = int(res is not None)
            dut.s_result_hit.value = res[0] if res else self.rng.randrange(2)
            dut.s_result_conn.value = res[1] if res else self.rng.randrange(1 << self.conn_width)
            for s in self.stats:
                if int(getattr(dut, s).value):
                    self.stats[s] += 1

    async def _consumer(self):
        """Takes a record, then its payload packet: once the record is out, the payload words
        must be there each time they are asked for (never a wait on the wire)."""
        dut = self.dut
        hdr_pause = self.backpressure(self.rng.randrange(1 << 30)) if self.backpressure else None
        pay_pause = self.backpressure(self.rng.randrange(1 << 30)) if self.backpressure else None
        self.consume = True
        while True:
            ready = int(self.consume and not (hdr_pause and next(hdr_pause)))
            dut.m_axis_hdr_tready.value = ready
            await RisingEdge(dut.clk)
            if not (ready and int(dut.m_axis_hdr_tvalid.value)):
                continue
            raw = int(dut.m_axis_hdr_tdata.value)
            rec = {f: raw >> lsb & ((1 << w) - 1) for f, (lsb, w) in RXH.items()}
            dut.m_axis_hdr_tready.value = 0
            data = bytearray()
            if rec["len"]:
                last = False
                while not last:
                    ready = int(not (pay_pause and next(pay_pause)))
                    dut.m_axis_payload_tready.value = ready
                    await RisingEdge(dut.clk)
                    if not ready:
                        continue
                    if not int(dut.m_axis_payload_tvalid.value):
                        self.payload_errors.append(f"payload of {rec} not whole in the FIFO")
                        break
                    keep = int(dut.m_axis_payload_tkeep.value)
                    word = int(dut.m_axis_payload_tdata.value).to_bytes(self.dma_bytes, "little")
                    last = bool(int(dut.m_axis_payload_tlast.value))
                    count = bin(keep).count("1")
                    if keep != (1 << count) - 1 or (not last and count != self.dma_bytes):
                        self.payload_errors.append(f"tkeep {keep:x} last {last}")
                    data += word[:count]
                dut.m_axis_payload_tready.value = 0
            self.records.append((rec, bytes(data)))

    async def drain(self):
        dut = self.dut
        while self.busy or self.queue:
            await RisingEdge(dut.clk)
        for _ in range(self.delay + 20):
            await RisingEdge(dut.clk)
        quiet = 0
        limit = self.cycle + 20000
        while quiet < 50:
            await RisingEdge(dut.clk)
            quiet = quiet + 1 if int(dut.status_idle.value) else 0
            assert self.cycle < limit, "not idle: something left in a FIFO or the pipeline"


class Expect:
    """The model's view of the frames sent."""

    def __init__(self, table):
        self.table = table
        self.tdest = []
        self.lookups = []
        self.claimed = []
        self.csum_errors = 0

    def add(self, frame, tuser, candidates=True):
        m = model(frame, tuser, self.table) if candidates else None
        if m is None:
            self.tdest.append(0)
            return None
        self.lookups.append(m["key"])
        self.tdest.append(int(m["hit"]))
        if m["hit"] and m["csum_ok"]:
            self.claimed.append((m["rec"], m["payload"]))
        elif m["hit"]:
            self.csum_errors += 1
        return m


def check(tb, exp, drops_allowed):
    assert not tb.l2_errors, tb.l2_errors
    assert tb.l2_frames == exp.tdest, "tdest on the wrong frames"
    assert tb.lookups == exp.lookups, "lookups are exactly the candidates' keys, one per frame"
    assert not tb.payload_errors, tb.payload_errors[:3]
    assert tb.stats["stat_csum_error"] == exp.csum_errors
    # records in order, a subsequence of the claimed ones (the rest dropped for want of room)
    i = 0
    for rec, data in tb.records:
        while i < len(exp.claimed) and exp.claimed[i][0] != rec:
            i += 1
        assert i < len(exp.claimed), f"record {rec} not expected (or out of order)"
        assert data == exp.claimed[i][1], f"payload of {rec}"
        i += 1
    assert tb.stats["stat_claimed"] == len(tb.records)
    # the count a terminate waits for (R33): every record queued, mod 2^16
    assert int(tb.dut.status_hdr_queued.value) == len(tb.records) & 0xffff
    assert tb.stats["stat_claimed"] + tb.stats["stat_drop_full"] == len(exp.claimed)
    if not drops_allowed:
        assert tb.stats["stat_drop_full"] == 0
    assert int(tb.dut.m_axis_hdr_tvalid.value) == 0 and int(tb.dut.m_axis_payload_tvalid.value) == 0
    assert int(tb.dut.status_idle.value) == 1


def gap_gen(rng):
    while True:
        yield rng.choice([0, 0, 0, 1, 2, 3, 5, 12])


@xwatched
async def run_test_random(dut, gaps=None, backpressure=None, seed=1, frames=160):
    rng = random.Random(seed)
    tb = TB(dut, gaps=gap_gen(rng) if gaps else None, backpressure=backpressure, seed=seed)
    traffic = Traffic(rng, conn_width=tb.conn_width)
    tb.table = traffic.table
    exp = Expect(traffic.table)
    await tb.reset()
    kinds = {"claimed": 0, "payload": 0, "ts": 0}
    for _ in range(frames):
        frame, tuser = traffic.frame()
        m = exp.add(frame, tuser)
        if m and m["hit"] and m["csum_ok"]:
            kinds["claimed"] += 1
            kinds["payload"] += bool(m["payload"])
            kinds["ts"] += m["rec"]["ts_present"]
        tb.send(frame, tuser)
    await tb.drain()
    assert kinds["claimed"] > frames // 4 and kinds["payload"] > 10 and kinds["ts"] > 5, kinds
    # the wire rate is below either consumer's unless the consumers pause and the DMA width is
    # the wire's: only then may the small payload FIFO fill
    check(tb, exp, drops_allowed=bool(backpressure) and tb.dma_bytes == 8)


@xwatched
async def run_test_back_to_back_small(dut, gaps=None, backpressure=None):
    """Minimum-size frames with no gap: 60-byte segments (padding), 54-byte, 1-beat runts."""
    rng = random.Random(5)
    tb = TB(dut, gaps=None, backpressure=backpressure, seed=5)
    traffic = Traffic(rng, conn_width=tb.conn_width)
    tb.table = traffic.table
    exp = Expect(traffic.table)
    await tb.reset()
    for i in range(120):
        r = rng.randrange(6)
        if r < 3:
            frame = traffic.segment(opts=b"", payload=bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 7))),
                                    bad_tcp=rng.random() < 0.15, hit=rng.random() < 0.85)
        elif r == 3:
            frame = traffic.segment(opts=bytes([1, 1, 8, 10]) + bytes(rng.getrandbits(8) for _ in range(8)),
                                    payload=bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 9))))
        elif r == 4:
            frame = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 9)))
        else:
            frame = bytes(rng.getrandbits(8) for _ in range(rng.randrange(9, 17)))
        exp.add(frame, 0)
        tb.send(frame, 0, gap=0)
    await tb.drain()
    assert len(exp.claimed) > 30
    check(tb, exp, drops_allowed=False)


@xwatched
async def run_test_drop_full(dut, gaps=None, backpressure=None):
    """Consumers stopped: the header FIFO (8 + 1 records) and the payload FIFO fill, further
    claimed segments are dropped (stat_drop_full, still tdest); then all queued come out."""
    rng = random.Random(9)
    tb = TB(dut, gaps=None, backpressure=backpressure, seed=9)
    traffic = Traffic(rng, conn_width=tb.conn_width)
    tb.table = traffic.table
    exp = Expect(traffic.table)
    await tb.reset()
    tb.consume = False
    # small segments fill the header FIFO, large ones the payload FIFO
    for i in range(40):
        n = rng.choice([0, 10, 700, 1400])
        frame = traffic.segment(payload=bytes(rng.getrandbits(8) for _ in range(n)), opts=b"")
        exp.add(frame, 0)
        tb.send(frame, 0, gap=rng.randrange(3))
    while tb.busy or tb.queue:
        await RisingEdge(dut.clk)
    for _ in range(50):
        await RisingEdge(dut.clk)
    assert tb.stats["stat_drop_full"] > 0
    assert int(dut.status_idle.value) == 0
    tb.consume = True
    await tb.drain()
    check(tb, exp, drops_allowed=True)
    # once drained, nothing is dropped
    before = tb.stats["stat_drop_full"]
    for i in range(10):
        frame = traffic.segment()
        exp.add(frame, 0)
        tb.send(frame, 0, gap=0)
    await tb.drain()
    check(tb, exp, drops_allowed=True)
    assert tb.stats["stat_drop_full"] == before


@xwatched
async def run_test_lookup_not_ready(dut, gaps=None, backpressure=None):
    """Lookup port not ready (table clearing after reset): no lookup, frames go to L2 untaken."""
    rng = random.Random(11)
    tb = TB(dut, gaps=None, backpressure=backpressure, seed=11)
    traffic = Traffic(rng, conn_width=tb.conn_width)
    tb.table = traffic.table
    exp = Expect(traffic.table)
    tb.lookup_ready = 0
    await tb.reset()
    for i in range(10):
        frame = traffic.segment()
        exp.add(frame, 0, candidates=False)
        tb.send(frame, 0, gap=0)
    await tb.drain()
    check(tb, exp, drops_allowed=False)
    tb.lookup_ready = 1
    for _ in range(3):
        await RisingEdge(dut.clk)
    for i in range(10):
        frame = traffic.segment()
        exp.add(frame, 0)
        tb.send(frame, 0, gap=0)
    await tb.drain()
    assert len(exp.claimed) == 10
    check(tb, exp, drops_allowed=False)


@xwatched
async def run_test_reset_mid_frame(dut, gaps=None, backpressure=None):
    """A reset inside a frame: the rest of it is not parsed, even when it holds a whole claimable
    segment starting right after the reset; L2 still sees every beat; later frames are fine."""
    rng = random.Random(13)
    tb = TB(dut, gaps=None, backpressure=backpressure, seed=13)
    traffic = Traffic(rng, conn_width=tb.conn_width)
    tb.table = traffic.table
    exp = Expect(traffic.table)
    await tb.reset()
    inner = traffic.segment(payload=bytes(rng.getrandbits(8) for _ in range(100)), opts=b"")
    outer = bytes(rng.getrandbits(8) for _ in range(80)) + inner
    assert model(inner, 0, tb.table)["hit"]
    # rst high in the cycles that present beats 8..10: beat 10 (the inner frame's first) is the
    # first beat the parser would see after the reset
    tb.rst_at = {(0, 8): 1, (0, 11): 0}
    exp.add(outer, 0)
    tb.send(outer, 0, gap=0)
    for i in range(6):
        frame = traffic.segment()
        exp.add(frame, 0)
        tb.send(frame, 0, gap=rng.randrange(3))
    await tb.drain()
    assert len(exp.claimed) == 6
    check(tb, exp, drops_allowed=False)


def set_word(frame, off, value):
    return frame[:off] + value.to_bytes(2, "big") + frame[off + 2:]


def tcp_field(frame, extra=b""):
    """The TCP checksum field the frame's segment (up to the IP total length) needs, the field and
    the trailing `extra` bytes summed as 0 and as segment bytes (a parser summing padding)."""
    tot = int.from_bytes(frame[16:18], "big")
    seg = set_word(frame[34:14 + tot], 16, 0)
    return inet_checksum(frame[26:34] + bytes([0, 6]) + (tot - 20).to_bytes(2, "big") + seg + extra)


def ip_field(frame):
    return inet_checksum(set_word(frame[14:34], 10, 0))


def zero_sums(frame, tcp_enc, ip_enc):
    """The frame with the urgent pointer and the IP id chosen so both checksums compute to 0x0000,
    sent in the given encodings (0x0000 or 0xffff, the same zero)."""
    frame = set_word(set_word(frame, 52, 0), 18, 0)
    frame = set_word(frame, 52, tcp_field(frame))
    frame = set_word(frame, 18, ip_field(frame))
    assert tcp_field(frame) == 0 and ip_field(frame) == 0
    return set_word(set_word(frame, 50, tcp_enc), 24, ip_enc)


def swapped(c):
    return (c >> 8 | c << 8) & 0xffff


@xwatched
async def run_test_checksum(dut, gaps=None, backpressure=None):
    """Checksums, directed, on offloaded connections: good ones are claimed with odd payload
    lengths, with Ethernet padding after the datagram (non-zero, its first byte next to an odd
    last payload byte) or a longer trailer past the IP total length, and with either encoding of
    a zero checksum (0x0000, 0xffff); a bad IPv4 header checksum (a bit flipped, bytes swapped)
    makes the frame no candidate (no lookup, no tdest, not counted); a bad TCP checksum (a bit
    flipped, bytes swapped, or right only if the padding were summed) is counted in
    stat_csum_error and leaves no record, on a miss it is not counted."""
    rng = random.Random(17)
    tb = TB(dut, gaps=None, backpressure=backpressure, seed=17)
    traffic = Traffic(rng, conn_width=tb.conn_width)
    tb.table = traffic.table
    exp = Expect(traffic.table)
    await tb.reset()

    def pad(n):
        return bytes(rng.randrange(1, 256) for _ in range(n))

    def after(n, opts=0):
        """Non-zero bytes after the datagram: padding up to 60 bytes, else 1..39 (within ETH_MAX)."""
        if 54 + opts + n < 60:
            return pad(60 - 54 - opts - n)
        return pad(rng.randrange(1, min(40, ETH_MAX - 54 - opts - n + 1)))

    def seg(n, opts=b"", trailer=b"", **kw):
        return traffic.segment(opts=opts, payload=rng.randbytes(n), trailer=trailer, **kw)

    frames = []     # (kind, frame)
    for odd in (1, 3, 5, 7, 33, 1001, 1451):
        frames += [
            ("good", seg(odd, trailer=after(odd) if odd < 6 else b"")),
            ("good", seg(odd, opts=bytes([1, 1, 8, 10]) + rng.randbytes(8), trailer=after(odd, 12))),
            ("bad_ip", seg(odd, bad_ip=True)),
            ("bad_tcp", seg(odd, bad_tcp=True, trailer=after(odd) if odd < 6 else b"")),
            ("miss_bad_tcp", seg(odd, hit=False, bad_tcp=True)),
        ]
        f = seg(odd)
        while swapped(ip_field(f)) == ip_field(f) or swapped(tcp_field(f)) == tcp_field(f):
            f = seg(odd)
        frames += [("bad_ip", set_word(f, 24, swapped(ip_field(f)))),
                   ("bad_tcp", set_word(f, 50, swapped(tcp_field(f))))]
        # right only with the padding (or the trailer) summed as segment bytes
        while True:
            p = after(odd)
            f = seg(odd, trailer=p)
            c = tcp_field(f, extra=p)
            if c not in (0, 0xffff) and c != tcp_field(f):
                break
        frames.append(("bad_tcp", set_word(f, 50, c)))
    for n in (0, 1, 2, 6, 501):
        for tcp_enc, ip_enc in ((0x0000, 0x0000), (0xffff, 0xffff), (0x0000, 0xffff), (0xffff, 0x0000)):
            frames.append(("good", zero_sums(seg(n, trailer=pad(rng.randrange(0, 8))), tcp_enc, ip_enc)))
    rng.shuffle(frames)
    kinds = {"good": 0, "bad_ip": 0, "bad_tcp": 0, "miss_bad_tcp": 0}
    for kind, frame in frames:
        m = exp.add(frame, 0)
        want = {"good": (True, True), "bad_ip": None, "bad_tcp": (True, False), "miss_bad_tcp": (False, False)}[kind]
        assert (m and (m["hit"], m["csum_ok"])) == want, (kind, m)
        kinds[kind] += 1
        tb.send(frame, 0, gap=rng.randrange(3))
    await tb.drain()
    check(tb, exp, drops_allowed=False)
    assert len(tb.records) == kinds["good"] and tb.stats["stat_csum_error"] == kinds["bad_tcp"], (kinds, tb.stats)


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_random)
    factory.add_option("gaps", [False, True])
    factory.add_option("backpressure", [None, random_pause])
    factory.generate_tests()
    for test in (run_test_back_to_back_small, run_test_drop_full, run_test_lookup_not_ready,
                 run_test_reset_mid_frame, run_test_checksum):
        factory = TestFactory(test)
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
