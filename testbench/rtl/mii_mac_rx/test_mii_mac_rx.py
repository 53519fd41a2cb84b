"""mii_mac_rx: frames of 60..1514 bytes with their FCS (zlib.crc32), sent by cocotbext-eth's
MiiSource, leave whole without preamble, SFD and FCS, tuser 0, one byte every two cycles (but
the last), the last byte the cycle after RX_DV falls; 14..59-byte frames (runts) leave with tuser
on the last byte; a wrong FCS, RX_ER on any nibble of the frame, and an odd nibble count set
tuser too; frames back to back with the shortest gap; a frame of fewer than five bytes, RX_ER
in the preamble, or carrier without SFD leave nothing; preamble nibbles other than 0x5 are
skipped like the others; status pulses name each cause; after a reset mid-frame nothing of that
frame's tail leaves (the bytes before the reset have no tlast: the consumer is reset too)."""

import logging
import random
import struct
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.eth import GmiiFrame, MiiSource

from flue_tb import pulse_reset


class TB:
    def __init__(self, dut, reference=True):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 40, units="ns").start())
        self.source = None
        if reference:
            self.source = MiiSource(dut.mii_rxd, dut.mii_rx_er, dut.mii_rx_dv, dut.clk, dut.rst)
            logging.getLogger("cocotb.mii_mac_rx.mii_rxd").setLevel(logging.WARNING)
        else:
            dut.mii_rxd.value = 0
            dut.mii_rx_dv.value = 0
            dut.mii_rx_er.value = 0
        self.frames = []        # (bytes, tuser)
        self.counts = {"good": 0, "bad_fcs": 0, "rx_error": 0, "framing": 0}
        self.names = {"good": "status_good_frame", "bad_fcs": "status_bad_fcs", "rx_error": "status_rx_error",
                      "framing": "status_framing"}
        self.cycle = 0
        self.dv_fall = []       # cycles RX_DV (as sampled) fell
        self.last_at = []       # cycles a tlast left
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        cur = bytearray()
        prev_valid = 0
        prev_dv = 0
        while True:
            await RisingEdge(dut.clk)
            self.cycle += 1
            dv = int(dut.mii_rx_dv.value)
            if prev_dv and not dv:
                self.dv_fall.append(self.cycle)
            prev_dv = dv
            if not dut.m_axis_tvalid.value.is_resolvable:
                continue        # before the first reset
            valid = int(dut.m_axis_tvalid.value)
            if valid:
                # bytes two cycles apart, but a frame's last byte right after the one before
                assert not prev_valid or int(dut.m_axis_tlast.value), "one byte every two cycles"
                cur.append(int(dut.m_axis_tdata.value))
                if int(dut.m_axis_tlast.value):
                    self.frames.append((bytes(cur), int(dut.m_axis_tuser.value)))
                    self.last_at.append(self.cycle)
                    cur = bytearray()
                else:
                    assert int(dut.m_axis_tuser.value) == 0, "tuser only with tlast"
            prev_valid = valid
            for k in self.counts:
                if int(getattr(dut, self.names[k]).value):
                    self.counts[k] += 1

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def wait_frames(self, n, timeout_us=2000):
        async def _wait():
            while len(self.frames) < n:
                await RisingEdge(self.dut.clk)
        await with_timeout(_wait(), timeout_us, "us")
        await ClockCycles(self.dut.clk, 4)

    async def nibbles(self, nibs, er=None):
        """Drives RX_DV high for the nibbles given (RX_ER per nibble from er), then low."""
        dut = self.dut
        for i, n in enumerate(nibs):
            await RisingEdge(dut.clk)
            dut.mii_rxd.value = n
            dut.mii_rx_dv.value = 1
            dut.mii_rx_er.value = er[i] if er else 0
        await RisingEdge(dut.clk)
        dut.mii_rxd.value = 0
        dut.mii_rx_dv.value = 0
        dut.mii_rx_er.value = 0
        await ClockCycles(dut.clk, 24)


def with_fcs(payload):
    return bytes(payload) + struct.pack("<L", zlib.crc32(bytes(payload)))


def to_nibbles(data):
    out = []
    for b in data:
        out += [b & 0xF, b >> 4]
    return out


PREAMBLE = b"\x55" * 7 + b"\xd5"


@cocotb.test()
async def test_good_frames(dut):
    """60..1514-byte frames (plus FCS) leave whole, tuser 0; the last byte a cycle after RX_DV."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(1)
    sizes = [60, 61, 63, 64, 65, 100, 127, 128, 255, 256, 1000, 1500, 1513, 1514]
    sizes += [rng.randrange(60, 1515) for _ in range(4)]
    datas = [bytes(rng.randrange(256) for _ in range(n)) for n in sizes]
    for d in datas:
        await tb.source.send(GmiiFrame.from_payload(d))
    await tb.wait_frames(len(datas))
    assert [f for f, _ in tb.frames] == datas
    assert all(u == 0 for _, u in tb.frames)
    assert tb.counts == {"good": len(datas), "bad_fcs": 0, "rx_error": 0, "framing": 0}
    # the monitor sees the DUT's input register one cycle after the pin, the tlast another
    for fall, last in zip(tb.dv_fall, tb.last_at):
        assert last - fall == 2, "last byte leaves the cycle after the sampled RX_DV falls"


@cocotb.test()
async def test_back_to_back(dut):
    """Frames with the shortest gaps the source allows (1 and 12 byte times) all arrive."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(2)
    datas = [bytes(rng.randrange(256) for _ in range(rng.choice([60, 64, 70, 200]))) for _ in range(20)]
    for i, d in enumerate(datas):
        tb.source.ifg = 1 if i % 2 else 12
        await tb.source.send(GmiiFrame.from_payload(d))
    await tb.wait_frames(len(datas))
    assert tb.frames == [(d, 0) for d in datas]


@cocotb.test()
async def test_runts(dut):
    """14..59-byte frames with a good FCS leave whole with tuser 1 (too short)."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(3)
    sizes = [14, 15, 30, 58, 59, 1, 5]
    datas = [bytes(rng.randrange(256) for _ in range(n)) for n in sizes]
    for d in datas:
        await tb.source.send(GmiiFrame.from_payload(d, min_len=0))
    await tb.wait_frames(len(datas))
    assert tb.frames == [(d, 1) for d in datas]
    assert tb.counts == {"good": 0, "bad_fcs": 0, "rx_error": 0, "framing": len(datas)}


@cocotb.test()
async def test_bad_fcs(dut):
    """A flipped bit anywhere (data or FCS) sets tuser; the data still arrive."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(4)
    datas = []
    for n in [60, 64, 500, 1514]:
        d = bytes(rng.randrange(256) for _ in range(n))
        raw = bytearray(with_fcs(d))
        pos = rng.randrange(len(raw))
        raw[pos] ^= 1 << rng.randrange(8)
        datas.append(bytes(raw[:-4]))
        await tb.source.send(GmiiFrame.from_raw_payload(raw))
    good = bytes(rng.randrange(256) for _ in range(80))
    await tb.source.send(GmiiFrame.from_payload(good))
    await tb.wait_frames(5)
    assert tb.frames == [(d, 1) for d in datas] + [(good, 0)]
    assert tb.counts == {"good": 1, "bad_fcs": 4, "rx_error": 0, "framing": 0}


@cocotb.test()
async def test_rx_er(dut):
    """RX_ER on one byte (first, middle, FCS) of a frame with a good FCS sets tuser."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(5)
    datas = [bytes(rng.randrange(256) for _ in range(100)) for _ in range(3)]
    for d, at in zip(datas, [8, 60, 8 + 100 + 2]):
        f = GmiiFrame.from_payload(d)
        f.error = [0] * len(f.data)
        f.error[at] = 1
        await tb.source.send(f)
    await tb.wait_frames(3)
    assert tb.frames == [(d, 1) for d in datas]
    assert tb.counts == {"good": 0, "bad_fcs": 0, "rx_error": 3, "framing": 0}


@cocotb.test()
async def test_odd_nibble(dut):
    """A frame with a good FCS and one nibble more (dribble) leaves with tuser 1; a frame
    without preamble nibbles before the SFD nibble is still taken."""
    tb = TB(dut, reference=False)
    await tb.reset()
    rng = random.Random(6)
    d = bytes(rng.randrange(256) for _ in range(64))
    await tb.nibbles(to_nibbles(PREAMBLE + with_fcs(d)) + [0x3])
    d2 = bytes(rng.randrange(256) for _ in range(64))
    await tb.nibbles([0x5, 0xD] + to_nibbles(with_fcs(d2)))          # SFD only
    d3 = bytes(rng.randrange(256) for _ in range(64))
    await tb.nibbles([0xD] + to_nibbles(with_fcs(d3)))                 # half an SFD
    await tb.wait_frames(3)
    assert tb.frames == [(d, 1), (d2, 0), (d3, 0)]
    assert tb.counts == {"good": 2, "bad_fcs": 0, "rx_error": 0, "framing": 1}


@cocotb.test()
async def test_nothing_out(dut):
    """Fewer than five bytes, RX_ER in the preamble, carrier without an SFD: nothing leaves
    (status pulses); a preamble nibble other than 0x5 is skipped like the others; the next
    frame is good."""
    tb = TB(dut, reference=False)
    await tb.reset()
    rng = random.Random(7)
    await tb.nibbles(to_nibbles(PREAMBLE + bytes([1, 2, 3, 4])))                 # 4 bytes
    pre_er = [0] * (16 + 128)
    pre_er[3] = 1
    await tb.nibbles(to_nibbles(PREAMBLE + with_fcs(bytes(60))), er=pre_er)      # RX_ER in preamble
    await tb.nibbles([0x5] * 10)                                                # no SFD
    assert tb.frames == []
    # (the 4-byte frame has a wrong FCS too)
    assert tb.counts == {"good": 0, "bad_fcs": 1, "rx_error": 1, "framing": 2}, tb.counts
    odd_pre = bytes(rng.randrange(256) for _ in range(70))
    await tb.nibbles(to_nibbles(b"\x55\x57\x50\xd5" + with_fcs(odd_pre)))       # odd preamble
    good = bytes(rng.randrange(256) for _ in range(100))
    await tb.nibbles(to_nibbles(PREAMBLE + with_fcs(good)))
    await tb.wait_frames(2)
    assert tb.frames == [(odd_pre, 0), (good, 0)]


@cocotb.test()
async def test_reset_mid_frame(dut):
    """A reset mid-frame: the bytes before it leave without tlast, nothing of the rest of that
    frame leaves (its tail is not taken for a frame), and the next frame is good."""
    tb = TB(dut, reference=False)
    await tb.reset()
    rng = random.Random(8)
    d = bytes(rng.randrange(256) for _ in range(200))
    driver = cocotb.start_soon(tb.nibbles(to_nibbles(PREAMBLE + with_fcs(d))))
    await ClockCycles(dut.clk, 150)
    dut.rst.value = 1
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    await driver
    assert tb.frames == []
    good = bytes(rng.randrange(256) for _ in range(100))
    await tb.nibbles(to_nibbles(PREAMBLE + with_fcs(good)))
    await tb.wait_frames(1)
    # the bytes that left before the reset have no tlast: the monitor joins them to the next frame
    head, user = tb.frames[0]
    assert head.endswith(good) and user == 0
    assert d.startswith(head[:-len(good)])
