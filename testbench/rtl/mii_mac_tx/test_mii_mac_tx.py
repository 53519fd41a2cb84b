"""mii_mac_tx: frames of 14..1514 bytes leave as 7 x 0x55, 0xD5, the frame zero-padded to 60
bytes and its FCS (zlib.crc32, low byte first), as cocotbext-eth's MiiSink decodes them, with an
even nibble count and TX_EN unbroken; frames queued back to back are 24 idle cycles (12 byte
times) apart; one byte asked for every two cycles; a frame with tuser on its last byte, or whose
input runs dry mid-frame, leaves with a wrong FCS (the rest of an underrun frame is discarded)
and the next frame is good; status pulses count each kind; a reset mid-frame cuts the frame
and the next frame is good."""

import logging
import random
import struct
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi.stream import define_stream
from cocotbext.eth import MiiSink

from flue_tb import pulse_reset

ByteBus, ByteTransaction, ByteSource, ByteSink, ByteMonitor = define_stream(
    "Byte", signals=["tdata", "tvalid", "tready", "tlast", "tuser"])

PREAMBLE = b"\x55" * 7 + b"\xd5"
IFG_CYCLES = 24


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 40, units="ns").start())
        self.source = ByteSource(ByteBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = MiiSink(dut.mii_txd, None, dut.mii_tx_en, dut.clk, dut.rst)
        logging.getLogger("cocotb.mii_mac_tx.mii_txd").setLevel(logging.WARNING)
        self.cycle = 0
        self.bursts = []        # (first cycle, nibbles) of each TX_EN run
        self.counts = {"frame": 0, "bad": 0, "underrun": 0}
        self.taken = []         # cycles a byte was taken
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        run = 0
        start = 0
        while True:
            await RisingEdge(dut.clk)
            self.cycle += 1
            en = int(dut.mii_tx_en.value)
            if en:
                if run == 0:
                    start = self.cycle
                run += 1
            elif run:
                self.bursts.append((start, run))
                run = 0
            if int(dut.status_frame.value):
                self.counts["frame"] += 1
            if int(dut.status_bad_frame.value):
                self.counts["bad"] += 1
            if int(dut.status_underrun.value):
                self.counts["underrun"] += 1
            if int(dut.s_axis_tvalid.value) and int(dut.s_axis_tready.value):
                self.taken.append(self.cycle)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def send(self, data, user=0):
        for i, b in enumerate(data):
            last = i == len(data) - 1
            await self.source.send(ByteTransaction(tdata=b, tlast=int(last), tuser=int(user and last)))

    async def recv(self):
        frame = await with_timeout(self.sink.recv(), 2, "ms")
        assert bytes(frame.get_preamble()) == PREAMBLE
        return frame


def expected(data):
    return data + bytes(max(0, 60 - len(data)))


def check_good(frame, data):
    payload = bytes(frame.get_payload())
    assert payload == expected(data), f"payload of a {len(data)}-byte frame"
    assert bytes(frame.get_fcs()) == struct.pack("<L", zlib.crc32(payload))
    assert frame.check_fcs()
    assert frame.error is None


@cocotb.test()
async def test_frames(dut):
    """Every length class, one frame at a time: preamble, padding, FCS, nibble count."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(1)
    sizes = [14, 15, 59, 60, 61, 63, 64, 65, 127, 128, 255, 256, 1000, 1513, 1514]
    sizes += [rng.randrange(14, 1515) for _ in range(5)]
    for n in sizes:
        data = bytes(rng.randrange(256) for _ in range(n))
        await tb.send(data)
        frame = await tb.recv()
        check_good(frame, data)
        await ClockCycles(dut.clk, 2)
        _, nibbles = tb.bursts[-1]
        assert nibbles == 2 * (8 + max(n, 60) + 4), "TX_EN high for exactly the frame's nibbles"
    assert tb.counts == {"frame": len(sizes), "bad": 0, "underrun": 0}
    await ClockCycles(dut.clk, IFG_CYCLES)
    assert int(dut.status_idle.value) == 1


@cocotb.test()
async def test_back_to_back(dut):
    """Frames queued together leave exactly 24 idle cycles apart; a byte every two cycles."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(2)
    datas = [bytes(rng.randrange(256) for _ in range(n)) for n in (14, 64, 1514, 60, 200, 61, 14, 100)]
    send_all = cocotb.start_soon(_send_all(tb, datas))
    for data in datas:
        check_good(await tb.recv(), data)
    await send_all
    await ClockCycles(dut.clk, 2)
    bursts = tb.bursts[-len(datas):]
    for (s0, n0), (s1, _) in zip(bursts, bursts[1:]):
        assert s1 - (s0 + n0) == IFG_CYCLES, "inter-frame gap of 12 byte times"
    # within a frame the bytes are taken two cycles apart
    for a, b in zip(tb.taken, tb.taken[1:]):
        assert b - a >= 2
    assert tb.counts["frame"] == len(datas) and tb.counts["bad"] == 0


async def _send_all(tb, datas):
    for d in datas:
        await tb.send(d)


@cocotb.test()
async def test_abort(dut):
    """tuser on the last byte: the frame leaves with an inverted FCS; the next one is good."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(3)
    bad = bytes(rng.randrange(256) for _ in range(100))
    good = bytes(rng.randrange(256) for _ in range(40))
    await tb.send(bad, user=1)
    await tb.send(good)
    f = await tb.recv()
    assert bytes(f.get_payload()) == bad and not f.check_fcs()
    assert bytes(f.get_fcs()) == struct.pack("<L", zlib.crc32(bad) ^ 0xffffffff)
    check_good(await tb.recv(), good)
    await ClockCycles(dut.clk, 4)
    assert tb.counts == {"frame": 1, "bad": 1, "underrun": 0}


@cocotb.test()
async def test_underrun(dut):
    """Input empty mid-frame: the frame ends at once with a bad FCS, the rest of its input is
    discarded, the next frame is good."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(4)
    data = bytes(rng.randrange(256) for _ in range(120))
    for b in data[:50]:
        await tb.source.send(ByteTransaction(tdata=b, tlast=0, tuser=0))
    f = await tb.recv()
    assert not f.check_fcs()
    payload = bytes(f.get_payload())
    assert payload[:50] == data[:50] and len(payload) <= 60
    await tb.send(data[50:])            # the rest of the cut frame: discarded
    good = bytes(rng.randrange(256) for _ in range(70))
    await tb.send(good)
    check_good(await tb.recv(), good)
    await ClockCycles(dut.clk, 4)
    assert tb.sink.empty()
    assert tb.counts == {"frame": 1, "bad": 1, "underrun": 1}


@cocotb.test()
async def test_reset_mid_frame(dut):
    """A reset mid-frame cuts it (TX_EN falls at once); with its source reset too (the rest of
    that frame never comes), the next frame leaves whole and good."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(5)
    data = bytes(rng.randrange(256) for _ in range(300))
    sender = cocotb.start_soon(tb.send(data))
    await ClockCycles(dut.clk, 200)
    sender.kill()
    tb.source.clear()           # the source is reset too: the rest of the frame never comes
    dut.rst.value = 1
    await ClockCycles(dut.clk, 3)
    assert int(dut.mii_tx_en.value) == 0
    dut.rst.value = 0
    good = bytes(rng.randrange(256) for _ in range(80))
    await tb.send(good)
    # (MiiSink drops the frame its reset input cut)
    check_good(await tb.recv(), good)
    await ClockCycles(dut.clk, 4)
    assert tb.sink.empty()
