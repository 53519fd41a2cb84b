"""toe_fwd_inject: forwarded segments become frames in front of the receive parser.

Every frame out is checked byte for byte: an inserted one is Ethernet (to the local MAC, from
the peer's) + IPv4 (IHL 5, DF, TTL 64, protocol 6, total length 20 + segment, header checksum
good) + the segment exactly as given; wire frames come out unchanged and in order, never split
by an inserted frame. Segments of every length from 20 to the maximum's residues at each lane,
the longest (1484 bytes), against an idle wire and against a wire at line rate with random
frame lengths; a failed read (tuser on the last beat) is dropped with nothing sent; fwd_ready
is low from a segment's first beat until its frame has left; the wire FIFO never overflows."""

import random
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge

from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSource

import flue_contract as fc
from flue_tb import inet_checksum, pulse_reset

LOCAL_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("02000000beef")
PEER_IP = bytes([198, 51, 100, 11])
LOCAL_IP = bytes([192, 0, 2, 10])
MAX_SEG = fc.FORWARD_MAX


def expected_frame(seg):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0, 0x4000, 64, 6, 0, PEER_IP, LOCAL_IP)
    ip = ip[:10] + inet_checksum(ip).to_bytes(2, "big") + ip[12:]
    return LOCAL_MAC + PEER_MAC + b"\x08\x00" + ip + seg


class Tb:
    def __init__(self, dut):
        self.dut = dut
        self.width = len(dut.s_axis_seg_tdata)
        cocotb.start_soon(Clock(dut.clk, 6.4, units="ns").start())
        self.seg = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_seg"), dut.clk, dut.rst)
        self.wire = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_wire"), dut.clk, dut.rst)
        self.frames = []       # (bytes, tuser) out to the parser
        self.overflows = 0
        self.ready_low_cycles = 0
        dut.s_fwd_dst_mac.value = int.from_bytes(LOCAL_MAC, "big")
        dut.s_fwd_src_mac.value = int.from_bytes(PEER_MAC, "big")
        dut.s_fwd_src_ip.value = int.from_bytes(PEER_IP, "big")
        dut.s_fwd_dst_ip.value = int.from_bytes(LOCAL_IP, "big")
        dut.s_fwd_len.value = 0
        cocotb.start_soon(self.monitor())

    async def monitor(self):
        dut = self.dut
        cur = bytearray()
        while True:
            await RisingEdge(dut.clk)
            if dut.stat_overflow.value:
                self.overflows += 1
            if not dut.fwd_ready.value:
                self.ready_low_cycles += 1
            if dut.m_axis_rx_tvalid.value:
                data = dut.m_axis_rx_tdata.value.integer.to_bytes(8, "little")
                keep = dut.m_axis_rx_tkeep.value.integer
                n = bin(keep).count("1")
                assert keep == (1 << n) - 1, f"tkeep {keep:02x} not packed"
                assert n == 8 or dut.m_axis_rx_tlast.value, "a partial beat before the last"
                cur += data[:n]
                if dut.m_axis_rx_tlast.value:
                    self.frames.append((bytes(cur), int(dut.m_axis_rx_tuser.value)))
                    cur = bytearray()

    async def forward(self, seg, bad=False):
        """One segment in; waits for fwd_ready first, as the engine does."""
        dut = self.dut
        while not dut.fwd_ready.value:
            await RisingEdge(dut.clk)
        dut.s_fwd_len.value = len(seg)
        await self.seg.send(AxiStreamFrame(seg, tuser=1 if bad else 0))
        await self.seg.wait()

    async def settle(self, cycles=600):
        for _ in range(cycles):
            await RisingEdge(self.dut.clk)
        assert self.dut.status_idle.value


def segment(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


@cocotb.test()
async def test_every_length_idle_wire(dut):
    """Each length from 20 to 20 + 2 * width/8 and the longest: the frame is exact."""
    tb = Tb(dut)
    await pulse_reset(dut)
    rng = random.Random(1)
    lengths = list(range(20, 20 + 2 * tb.width // 8 + 9)) + [MAX_SEG - 1, MAX_SEG]
    segs = [segment(rng, n) for n in lengths]
    for s in segs:
        await tb.forward(s)
    await tb.settle()
    assert [f for f, _ in tb.frames] == [expected_frame(s) for s in segs]
    assert all(u == 0 for _, u in tb.frames)
    assert tb.overflows == 0


@cocotb.test()
async def test_failed_read_dropped(dut):
    """A segment whose read failed sends nothing; the next one goes through."""
    tb = Tb(dut)
    await pulse_reset(dut)
    rng = random.Random(2)
    good = segment(rng, 100)
    await tb.forward(segment(rng, 300), bad=True)
    await tb.forward(good)
    await tb.settle()
    assert [f for f, _ in tb.frames] == [expected_frame(good)]


@cocotb.test()
async def test_ready_low_while_held(dut):
    """fwd_ready drops with the first beat and rises only after the frame left."""
    tb = Tb(dut)
    await pulse_reset(dut)
    await tb.forward(segment(random.Random(3), MAX_SEG))
    await tb.settle()
    # at least the frame's own beats (190) with fwd_ready low
    assert tb.ready_low_cycles >= (34 + MAX_SEG) // 8
    assert len(tb.frames) == 1


@cocotb.test()
async def test_line_rate_wire(dut):
    """The wire at line rate (a 3-cycle gap between frames, random lengths, some with tuser)
    while 40 segments are forwarded: every wire frame out unchanged and in order, every
    segment's frame exact, none split, the FIFO never overflows."""
    tb = Tb(dut)
    await pulse_reset(dut)
    rng = random.Random(4)
    wire_frames = []
    for i in range(400):
        f = AxiStreamFrame(bytes(rng.getrandbits(8) for _ in range(rng.choice([60, 61, 64, 200, 1000, 1514, 1518]))),
                           tuser=1 if i % 37 == 5 else 0)
        wire_frames.append(f)
    tb.wire.pause = False

    async def wire():
        for f in wire_frames:
            await tb.wire.send(f)
            await tb.wire.wait()
            for _ in range(3):
                await RisingEdge(dut.clk)

    segs = [segment(rng, rng.randint(20, MAX_SEG)) for _ in range(40)]

    async def fwd():
        for s in segs:
            await tb.forward(s)
            for _ in range(rng.randint(0, 400)):
                await RisingEdge(dut.clk)

    w = cocotb.start_soon(wire())
    f = cocotb.start_soon(fwd())
    await w
    await f
    await tb.settle(2000)
    assert tb.overflows == 0
    inserted = {expected_frame(s) for s in segs}
    out_wire = [(fr, u) for fr, u in tb.frames if fr not in inserted]
    out_fwd = [fr for fr, _ in tb.frames if fr in inserted]
    assert out_wire == [(bytes(x.tdata), int(x.tuser)) for x in wire_frames]
    assert out_fwd == [expected_frame(s) for s in segs]
