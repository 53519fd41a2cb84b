"""toe_fwd_parse: forwarded segments become header records and payload packets, as toe_rx_parse
makes them from the wire. Every segment is checked against a Python model: the TCP checksum over
the pseudo header and segment, the data offset (at least 5, within the segment), the length (at
most FORWARD_MAX), the ports (the connection's), a failed read (tuser on the last beat); a good
segment's record (connection, seq, ack, flags, window, urgent pointer, payload length, the
timestamp option by the parser's rules, FWD set) and its payload packet (packed from lane 0, no
packet for no payload) must equal the model's, in order; a bad checksum pulses stat_csum_error, a
malformed segment stat_drop, a failed read neither, and none of them leaves anything. Segments of
every length residue at each lane and the longest, with every option layout the parser bench
uses, against a source with idle cycles and consumers with random back-pressure; fwd_ready waits
for room in the payload FIFO and the record FIFO and the engine-side protocol (wait for
fwd_ready, then send) never loses a segment; status_busy covers a segment from its first beat to
its record; status_hdr_queued counts the records."""

import logging
import random
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge

from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource

import flue_contract as fc
from flue_tb import DATA_NO_RESET, cycle_pause, inet_checksum, pulse_reset, random_pause, x_clean
from toe_tb import toe_layout, unpack

RXH = toe_layout("RXH")
MAX_SEG = fc.FORWARD_MAX
PEER_IP = bytes([198, 51, 100, 11])
LOCAL_IP = bytes([192, 0, 2, 10])
PEER_PORT = 40007
LOCAL_PORT = 5001


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


def make_segment(rng, payload=b"", opts=b"", doff=None, bad_csum=False, sport=PEER_PORT, dport=LOCAL_PORT,
                 src_ip=PEER_IP, dst_ip=LOCAL_IP):
    doff = (20 + len(opts)) // 4 if doff is None else doff
    tcp = struct.pack("!HHIIBBHHH", sport, dport, rng.getrandbits(32), rng.getrandbits(32), doff << 4,
                      rng.getrandbits(8), rng.getrandbits(16), 0, rng.getrandbits(16)) + opts + payload
    c = inet_checksum(src_ip + dst_ip + bytes([0, 6]) + len(tcp).to_bytes(2, "big") + tcp) ^ (0x0100 if bad_csum else 0)
    return tcp[:16] + c.to_bytes(2, "big") + tcp[18:]


def model(seg, tuser, conn, src_ip=PEER_IP, dst_ip=LOCAL_IP, sport=PEER_PORT, dport=LOCAL_PORT):
    """("ok", record, payload) | ("csum", None, None) | ("drop", None, None) | ("fail", None, None)."""
    if tuser:
        return "fail", None, None
    doff = seg[12] >> 4 if len(seg) > 12 else 0
    hlen = 4 * doff
    if len(seg) > MAX_SEG or doff < 5 or hlen > len(seg) or struct.unpack("!HH", seg[:4]) != (sport, dport):
        return "drop", None, None
    if inet_checksum(src_ip + dst_ip + bytes([0, 6]) + len(seg).to_bytes(2, "big") + seg) != 0:
        return "csum", None, None
    _, _, seq, ack, _, flags, window, _, urg = struct.unpack("!HHIIBBHHH", seg[:20])
    opts = seg[20:hlen]
    ts = None
    if len(opts) >= 10 and opts[0] == 8 and opts[1] == 10:
        ts = opts[2:10]
    elif len(opts) >= 12 and opts[0:4] == bytes([1, 1, 8, 10]):
        ts = opts[4:12]
    rec = {"conn": conn, "seq": seq, "ack": ack, "flags": flags, "window": window, "urg": urg,
           "len": len(seg) - hlen, "ts_present": int(ts is not None),
           "ts_val": int.from_bytes(ts[0:4], "big") if ts else 0,
           "ts_ecr": int.from_bytes(ts[4:8], "big") if ts else 0, "fwd": 1}
    return "ok", rec, seg[hlen:]


def options(rng):
    """The option layouts of the parser bench: the timestamp where the parser finds it, and where
    it does not."""
    ts = rng.getrandbits(64).to_bytes(8, "big")
    k = rng.randrange(8)
    if k == 0:
        return b""
    if k == 1:
        return bytes([8, 10]) + ts + bytes([1, 1])               # TS at offset 0
    if k == 2:
        return bytes([1, 1, 8, 10]) + ts                         # NOP NOP TS
    if k == 3:
        return bytes([2, 4, 5, 180, 1, 1, 8, 10]) + ts + bytes(4)  # MSS first: not seen
    if k == 4:
        return bytes([8, 9]) + ts + bytes([0, 0])                # wrong length
    if k == 5:
        return bytes([1, 1, 5, 10]) + ts                         # SACK, not TS
    if k == 6:
        return bytes(rng.getrandbits(8) for _ in range(4 * rng.randrange(1, 11)))
    return bytes([1, 1, 8, 10]) + ts + bytes(rng.getrandbits(8) for _ in range(4 * rng.randrange(0, 8)))


class TB:
    def __init__(self, dut, idle=None, backpressure=None):
        self.dut = dut
        logging.getLogger("cocotb.toe_fwd_parse").setLevel(logging.WARNING)
        self.width = len(dut.s_axis_seg_tdata)
        cocotb.start_soon(Clock(dut.clk, 6.4, units="ns").start())
        self.src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_seg"), dut.clk, dut.rst)
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis_payload"), dut.clk, dut.rst)
        self.src.log.setLevel(logging.WARNING)
        self.sink.log.setLevel(logging.WARNING)
        if idle:
            self.src.set_pause_generator(idle())
        if backpressure:
            self.sink.set_pause_generator(backpressure())
        self.backpressure = backpressure
        self.hdr_gen = backpressure(7) if backpressure else None
        self.hdr_hold = False
        self.records = []
        self.stats = {"stat_claimed": 0, "stat_csum_error": 0, "stat_drop": 0}
        self.busy_cycles = 0
        self.expected = []      # (kind, record, payload) in order
        dut.s_fwd_conn.setimmediatevalue(0)
        dut.s_fwd_src_ip.setimmediatevalue(int.from_bytes(PEER_IP, "big"))
        dut.s_fwd_dst_ip.setimmediatevalue(int.from_bytes(LOCAL_IP, "big"))
        dut.s_fwd_src_port.setimmediatevalue(PEER_PORT)
        dut.s_fwd_dst_port.setimmediatevalue(LOCAL_PORT)
        dut.m_axis_hdr_tready.setimmediatevalue(0)

    async def reset(self):
        """The record sink and the monitor start once reset has reached the DUT, so nothing a
        previous test left on its outputs is taken."""
        await pulse_reset(self.dut)
        cocotb.start_soon(self.hdr_sink())
        cocotb.start_soon(self.monitor())

    def hold(self, on):
        """Both consumers stopped (on) or running again with their back-pressure."""
        self.hdr_hold = on
        if on:
            self.sink.clear_pause_generator()
            self.sink.pause = True
        else:
            self.sink.pause = False
            if self.backpressure:
                self.sink.set_pause_generator(self.backpressure())

    async def hdr_sink(self):
        dut = self.dut
        while True:
            ready = 0 if self.hdr_hold or (self.hdr_gen and next(self.hdr_gen)) else 1
            dut.m_axis_hdr_tready.value = ready
            await RisingEdge(dut.clk)
            if ready and dut.m_axis_hdr_tvalid.value.is_resolvable and int(dut.m_axis_hdr_tvalid.value):
                self.records.append(unpack(RXH, int(dut.m_axis_hdr_tdata.value)))

    async def monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            for name in self.stats:
                if int(getattr(dut, name).value):
                    self.stats[name] += 1
            if int(dut.status_busy.value):
                self.busy_cycles += 1
            if int(dut.m_axis_payload_tvalid.value) and int(dut.m_axis_payload_tready.value):
                keep = int(dut.m_axis_payload_tkeep.value)
                n = bin(keep).count("1")
                assert keep == (1 << n) - 1, f"payload tkeep {keep:x} not packed from lane 0"
                assert n == self.width // 8 or int(dut.m_axis_payload_tlast.value), "a partial word before the last"

    async def forward(self, seg, tuser=0, conn=0, sport=PEER_PORT, dport=LOCAL_PORT, src_ip=PEER_IP,
                      dst_ip=LOCAL_IP, fill=b""):
        """As the engine does: wait for fwd_ready, then the segment with its fields. fill: bytes
        after the segment in the last word's lanes, tkeep 0 (not the segment's)."""
        dut = self.dut
        while not int(dut.fwd_ready.value):
            await RisingEdge(dut.clk)
        dut.s_fwd_conn.value = conn
        dut.s_fwd_src_port.value = sport
        dut.s_fwd_dst_port.value = dport
        dut.s_fwd_src_ip.value = int.from_bytes(src_ip, "big")
        dut.s_fwd_dst_ip.value = int.from_bytes(dst_ip, "big")
        assert len(fill) == (-len(seg) % (self.width // 8) if fill else 0)
        await self.src.send(AxiStreamFrame(seg + fill, tkeep=[1] * len(seg) + [0] * len(fill), tuser=tuser))
        await self.src.wait()
        await RisingEdge(dut.clk)
        self.expected.append(model(seg, tuser, conn, src_ip=src_ip, dst_ip=dst_ip, sport=sport, dport=dport))

    async def finish(self, cycles=3000):
        dut = self.dut
        good = [e for e in self.expected if e[0] == "ok"]
        with_payload = [e for e in good if e[2]]
        for _ in range(cycles):
            if len(self.records) == len(good) and self.sink.count() == len(with_payload):
                break
            await RisingEdge(dut.clk)
        for _ in range(20):
            await RisingEdge(dut.clk)
        assert self.records == [e[1] for e in good], self.diff(good)
        pkts = []
        while not self.sink.empty():
            f = self.sink.recv_nowait()
            pkts.append(bytes(f.tdata))
        assert pkts == [e[2] for e in with_payload], [(len(a), len(b)) for a, b in zip(pkts, with_payload)]
        kinds = [e[0] for e in self.expected]
        assert self.stats == {"stat_claimed": kinds.count("ok"), "stat_csum_error": kinds.count("csum"),
                              "stat_drop": kinds.count("drop")}, (self.stats, kinds)
        assert int(dut.status_hdr_queued.value) == len(good)
        assert int(dut.status_idle.value) and not int(dut.status_busy.value)

    def diff(self, good):
        for i, (got, (_, want, _)) in enumerate(zip(self.records, good)):
            if got != want:
                return f"record {i}: {got} != {want}"
        return f"{len(self.records)} records, {len(good)} expected"


@xwatched
async def run_test_segments(dut, idle=None, backpressure=None):
    """Good segments of every length residue at each lane (payload 0 to 2 words + 8 bytes), the
    longest, and random ones with every option layout: records and payload as the model's."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(1)
    wb = tb.width // 8
    for n in range(0, 2 * wb + 9):
        await tb.forward(make_segment(rng, rng.randbytes(n)), conn=n)
    for opts in (b"", bytes([1, 1, 8, 10]) + rng.randbytes(8) + rng.randbytes(28)):
        await tb.forward(make_segment(rng, rng.randbytes(MAX_SEG - 20 - len(opts)), opts), conn=1023)
    for i in range(60):
        opts = options(rng)
        n = rng.choice([0, 1, rng.randrange(MAX_SEG - 20 - len(opts) + 1)])
        await tb.forward(make_segment(rng, rng.randbytes(n), opts), conn=rng.randrange(1024))
    await tb.finish()
    assert all(e[0] == "ok" for e in tb.expected)


@xwatched
async def run_test_bad_dropped(dut, idle=None, backpressure=None):
    """Bad checksums (stat_csum_error), failed reads (nothing counted), data offsets under 5 or
    past the segment, segments shorter than a header or longer than FORWARD_MAX, and ports not
    the connection's (stat_drop) leave nothing, between good segments that all go through."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(2)
    bad = [
        lambda: (make_segment(rng, rng.randbytes(300), bad_csum=True), 0, {}),
        lambda: (make_segment(rng, rng.randbytes(rng.randrange(0, 100)), options(rng), bad_csum=True), 0, {}),
        lambda: (make_segment(rng, rng.randbytes(200)), 1, {}),
        lambda: (make_segment(rng, rng.randbytes(5)), 1, {}),
        lambda: (make_segment(rng, rng.randbytes(100), doff=rng.randrange(5)), 0, {}),
        lambda: (make_segment(rng, rng.randbytes(8), doff=15), 0, {}),
        lambda: (rng.randbytes(rng.randrange(1, 20)), 0, {}),
        lambda: (make_segment(rng, rng.randbytes(MAX_SEG - 20 + rng.randrange(1, 40))), 0, {}),
        lambda: (make_segment(rng, rng.randbytes(50), sport=PEER_PORT + 1), 0, {}),
        lambda: (make_segment(rng, rng.randbytes(50)), 0, {"dport": LOCAL_PORT + 1}),
    ]
    for i in range(40):
        seg, tuser, kw = bad[i % len(bad)]()
        await tb.forward(seg, tuser, conn=i, **kw)
        await tb.forward(make_segment(rng, rng.randbytes(rng.randrange(0, 600)), options(rng)), conn=i)
    await tb.finish()
    kinds = [e[0] for e in tb.expected]
    assert kinds.count("csum") == 8 and kinds.count("fail") == 8 and kinds.count("drop") == 24, kinds


@xwatched
async def run_test_waits_for_room(dut, idle=None, backpressure=None):
    """With the consumers stopped, fwd_ready falls once the payload FIFO cannot take another
    longest payload, or the record FIFO is full (HDR_DEPTH records without payload), and stays
    low; once they run again every segment arrives, none dropped. status_busy is high while a
    segment is in."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    dut = tb.dut
    rng = random.Random(3)
    tb.hold(True)
    depth = int(dut.HDR_DEPTH.value)
    for i in range(depth):
        await tb.forward(make_segment(rng), conn=i)
    for _ in range(200):
        await RisingEdge(dut.clk)
        assert not int(dut.fwd_ready.value), "the record FIFO is full"
    tb.hold(False)
    await tb.finish()

    tb.hold(True)
    fifo_words = int(dut.PAYLOAD_FIFO_BYTES.value) // (tb.width // 8)
    longest = -(-(MAX_SEG - 20) // (tb.width // 8))
    sent = 0
    while int(dut.fwd_ready.value):
        await tb.forward(make_segment(rng, rng.randbytes(MAX_SEG - 20)), conn=sent)
        sent += 1
        for _ in range(10):
            await RisingEdge(dut.clk)
    assert sent == fifo_words // longest, (sent, fifo_words, longest)
    for _ in range(200):
        await RisingEdge(dut.clk)
        assert not int(dut.fwd_ready.value), "the payload FIFO has no room for another"
    busy = tb.busy_cycles
    assert busy >= sent * (MAX_SEG // (tb.width // 8)), "busy while each segment came in"
    tb.hold(False)
    await tb.finish()
    assert tb.busy_cycles == busy, "busy only with a segment in"


def csum_field(seg, src_ip=PEER_IP, dst_ip=LOCAL_IP, extra=b""):
    """The TCP checksum field a segment needs (the field summed as 0), with the trailing `extra`
    bytes summed as segment bytes (a parser summing unkept lanes) if given."""
    seg = seg[:16] + bytes(2) + seg[18:]
    return inet_checksum(src_ip + dst_ip + bytes([0, 6]) + len(seg).to_bytes(2, "big") + seg + extra)


def with_field(seg, c):
    return seg[:16] + c.to_bytes(2, "big") + seg[18:]


@xwatched
async def run_test_checksum(dut, idle=None, backpressure=None):
    """Checksums, directed: good segments of odd lengths (the last byte alone in its 16-bit word)
    go through, also with non-zero bytes in the last word's unkept lanes, with either encoding of
    a zero checksum (0x0000, 0xffff), and when checksummed for another address pair given on
    s_fwd_src_ip/dst_ip; a bit flipped, bytes swapped, right only if the unkept lanes were summed
    or for another address pair than the one given: stat_csum_error, nothing left."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(4)
    wb = tb.width // 8

    def fill(seg):
        return bytes(rng.randrange(1, 256) for _ in range(-len(seg) % wb))

    other = (bytes([203, 0, 113, 7]), bytes([192, 0, 2, 99]))
    n = 0
    for length in (1, 3, 5, wb - 1, wb + 1, 2 * wb + 3, 301, MAX_SEG - 21):
        opts = bytes([1, 1, 8, 10]) + rng.randbytes(8) if length % 4 == 1 else b""
        length -= len(opts) if length > len(opts) else 0
        segs = [make_segment(rng, rng.randbytes(length), opts) for _ in range(6)]
        await tb.forward(segs[0], conn=n)
        f = fill(segs[1])
        await tb.forward(segs[1], conn=n, fill=f)
        await tb.forward(make_segment(rng, rng.randbytes(length), opts, src_ip=other[0], dst_ip=other[1]),
                         conn=n, src_ip=other[0], dst_ip=other[1])
        await tb.forward(make_segment(rng, rng.randbytes(length), opts, bad_csum=True), conn=n)
        c = csum_field(segs[2])
        await tb.forward(with_field(segs[2], (c >> 8 | c << 8) & 0xffff if c >> 8 != c & 0xff else c ^ 1), conn=n)
        await tb.forward(with_field(segs[3], csum_field(segs[3], *other)), conn=n)
        seg = segs[4]
        f = fill(seg)
        if f and csum_field(seg, extra=f) not in (0, 0xffff, csum_field(seg)):
            await tb.forward(with_field(seg, csum_field(seg, extra=f)), conn=n, fill=f)
        # urgent pointer chosen so the checksum is 0x0000; both encodings are good
        seg = segs[5][:18] + bytes(2) + segs[5][20:]
        seg = seg[:18] + csum_field(seg).to_bytes(2, "big") + seg[20:]
        assert csum_field(seg) == 0
        for enc in (0x0000, 0xffff):
            await tb.forward(with_field(seg, enc), conn=n, fill=fill(seg))
        n += 1
    await tb.finish()
    kinds = [e[0] for e in tb.expected]
    assert kinds.count("ok") == 5 * n and kinds.count("csum") >= 3 * n, kinds


if cocotb.SIM_NAME:
    for test in (run_test_segments, run_test_bad_dropped, run_test_waits_for_room, run_test_checksum):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
