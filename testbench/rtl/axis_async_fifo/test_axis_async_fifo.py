"""axis_async_fifo, at unrelated clock ratios (write clock 2.7x, 1.07x, 1/3.7x the read clock)
with idle and backpressure:
- word FIFO: every word (data, tkeep, tlast, tuser) through in order; capacity DEPTH + 1 (RAM
  and output register) with the output stalled, input stalled while full;
- frame FIFO: frames through whole and in order, a frame's first word leaves only after its
  last word was taken, and with the reader always ready a frame leaves at one word per read
  cycle without a gap; frames with tuser on tlast are discarded (DROP_BAD_FRAME) with a
  bad-frame pulse; a frame larger than the whole FIFO is discarded with an overflow pulse and
  the next one passes (stalling mode); with DROP_WHEN_FULL the input never stalls and a frame
  that meets a full FIFO is dropped whole, counted by overflow pulses;
- resets of either side alone, mid-traffic, leave both sides empty and consistent: only what
  is sent afterwards comes out, whole."""

import itertools
import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles, RisingEdge, Timer, with_timeout
from cocotb.utils import get_sim_time
from cocotbext.axi.stream import define_stream

from flue_tb import random_pause

WordBus, WordTransaction, WordSource, WordSink, WordMonitor = define_stream(
    "Word", signals=["tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"])

# (write clock period, read clock period) in ps: unrelated ratios
RATIOS = [(10000, 27010), (10700, 10000), (37030, 10000)]


class TB:
    def __init__(self, dut, ratio):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.s_period, self.m_period = ratio
        cocotb.start_soon(Clock(dut.s_clk, self.s_period, units="ps").start())
        cocotb.start_soon(Clock(dut.m_clk, self.m_period, units="ps").start(start_high=False))
        self.source = WordSource(WordBus.from_prefix(dut, "s_axis"), dut.s_clk, dut.s_rst)
        self.sink = WordSink(WordBus.from_prefix(dut, "m_axis"), dut.m_clk, dut.m_rst)
        self.width = len(dut.s_axis_tdata)
        self.keep_width = len(dut.s_axis_tkeep)
        self.depth = int(dut.DEPTH.value)
        self.frame_fifo = int(dut.FRAME_FIFO.value)
        self.drop_bad = int(dut.DROP_BAD_FRAME.value)
        self.drop_full = int(dut.DROP_WHEN_FULL.value)
        self.accepted = 0
        self.stalled = 0
        self.counts = {"good": 0, "bad": 0, "overflow": 0}
        self.tlast_in = []       # sim times an input tlast was taken
        self.first_out = []      # sim times a frame's first word left
        self.gaps = 0            # read cycles with tvalid low inside a frame
        cocotb.start_soon(self._monitor_s())
        cocotb.start_soon(self._monitor_m())

    async def _monitor_s(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.s_clk)
            if int(dut.s_rst.value):
                continue
            if int(dut.s_axis_tvalid.value):
                if int(dut.s_axis_tready.value):
                    self.accepted += 1
                    if int(dut.s_axis_tlast.value):
                        self.tlast_in.append(get_sim_time())
                else:
                    self.stalled += 1
            self.counts["good"] += int(dut.s_status_good_frame.value)
            self.counts["bad"] += int(dut.s_status_bad_frame.value)
            self.counts["overflow"] += int(dut.s_status_overflow.value)

    async def _monitor_m(self):
        dut = self.dut
        in_frame = False
        while True:
            await RisingEdge(dut.m_clk)
            if not dut.m_axis_tvalid.value.is_resolvable or int(dut.m_rst.value):
                in_frame = False
                continue
            valid = int(dut.m_axis_tvalid.value)
            if valid and int(dut.m_axis_tready.value):
                if not in_frame:
                    self.first_out.append(get_sim_time())
                in_frame = not int(dut.m_axis_tlast.value)
            elif in_frame and not valid:
                self.gaps += 1

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        dut = self.dut
        dut.s_rst.setimmediatevalue(1)
        dut.m_rst.setimmediatevalue(1)
        await ClockCycles(dut.m_clk, 4)
        await ClockCycles(dut.s_clk, 4)
        dut.s_rst.value = 0
        dut.m_rst.value = 0
        await ClockCycles(dut.m_clk, 4)
        await ClockCycles(dut.s_clk, 4)

    def make_frame(self, rng, words, user=0):
        """Words of (tdata, tkeep, tlast, tuser); tuser on the last word only."""
        out = []
        for i in range(words):
            last = i == words - 1
            out.append((rng.randrange(1 << self.width), rng.randrange(1, 1 << self.keep_width),
                        int(last), int(user and last)))
        return out

    async def send(self, frame):
        for d, k, last, user in frame:
            await self.source.send(WordTransaction(tdata=d, tkeep=k, tlast=last, tuser=user))

    async def recv_frame(self, timeout_us=200):
        out = []
        while True:
            t = await with_timeout(self.sink.recv(), timeout_us, "us")
            out.append((int(t.tdata), int(t.tkeep), int(t.tlast), int(t.tuser)))
            if int(t.tlast) or not self.frame_fifo:
                return out

    async def wait_empty(self):
        while not int(self.dut.m_status_empty.value):
            await RisingEdge(self.dut.m_clk)


def frame_idle():
    return random_pause(7)


def sink_backpressure():
    return random_pause(8)


async def run_test_stream(dut, ratio=RATIOS[0], idle=None, backpressure=None):
    """Frames (in the word FIFO, words) through in order, each mode's drops accounted for."""
    tb = TB(dut, ratio)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(ratio[0] + ratio[1])
    frames = []
    for i in range(40):
        words = rng.choice([1, 2, 3, 5, 8, tb.depth // 2, tb.depth - 1, tb.depth])
        frames.append(tb.make_frame(rng, words, user=int(i % 5 == 3)))
    sender = cocotb.start_soon(_send_all(tb, frames))
    if not tb.frame_fifo:
        expect = [w for f in frames for w in f]
        got = []
        for _ in expect:
            got += await tb.recv_frame()
        assert got == expect
    elif tb.drop_bad:
        expect = [f for f in frames if not f[-1][3]]
        for f in expect:
            assert await tb.recv_frame() == f
        await sender
        await ClockCycles(dut.s_clk, 4)
        assert tb.counts == {"good": len(expect), "bad": len(frames) - len(expect), "overflow": 0}
    else:
        # DROP_WHEN_FULL: a subsequence of whole frames (with tuser kept); input never stalls
        await sender
        await ClockCycles(dut.s_clk, 4)
        await with_timeout(tb.wait_empty(), 100, "us")
        await ClockCycles(dut.m_clk, 4)
        got = []
        while not tb.sink.empty():
            got.append(await tb.recv_frame())
        it = iter(frames)
        assert all(any(g == f for f in it) for g in got), "whole frames, in order"
        assert tb.counts["good"] == len(got)
        assert tb.counts["good"] + tb.counts["overflow"] == len(frames)
        assert tb.stalled == 0
    await sender
    await with_timeout(tb.wait_empty(), 100, "us")
    assert tb.sink.empty()


async def _send_all(tb, frames):
    """Sends the frames and waits until the source has driven the last word."""
    for f in frames:
        await tb.send(f)
    await tb.source.wait()


async def run_test_frame_timing(dut, ratio=RATIOS[0]):
    """Frame FIFO, reader always ready: a frame's first word leaves after its tlast went in, and
    the frame leaves without a gap, even when the writer is slower (idle cycles inside frames).
    (DROP_WHEN_FULL: what arrives is whole frames in order; the timing is checked when none was
    dropped.)"""
    tb = TB(dut, ratio)
    if not tb.frame_fifo:
        return
    tb.set_pause(frame_idle, None)
    await tb.reset()
    rng = random.Random(5)
    frames = [tb.make_frame(rng, rng.randrange(1, tb.depth + 1)) for _ in range(30)]
    sender = cocotb.start_soon(_send_all(tb, frames))
    if tb.drop_full:
        await sender
        await ClockCycles(dut.s_clk, 4)
        await with_timeout(tb.wait_empty(), 100, "us")
        await ClockCycles(dut.m_clk, 4)
        got = []
        while not tb.sink.empty():
            got.append(await tb.recv_frame())
        it = iter(frames)
        assert all(any(g == f for f in it) for g in got), "whole frames, in order"
        assert len(got) + tb.counts["overflow"] == len(frames)
    else:
        for f in frames:
            assert await tb.recv_frame() == f
        await sender
    assert tb.gaps == 0, "frames leave without a gap"
    if tb.counts["overflow"] == 0:
        assert len(tb.first_out) == len(frames) == len(tb.tlast_in)
        for t_in, t_out in zip(tb.tlast_in, tb.first_out):
            assert t_out > t_in, "a frame leaves only once its last word is in"


async def run_test_capacity(dut, ratio=RATIOS[0]):
    """Output stalled: the word FIFO takes DEPTH + 1 words then stalls the input; the frame FIFO
    (stalling) discards a frame larger than itself (overflow pulse) and passes the next; the
    dropping frame FIFO drops frames that meet it full and keeps the ones that fit."""
    tb = TB(dut, ratio)
    tb.sink.pause = True
    await tb.reset()
    rng = random.Random(6)
    if not tb.frame_fifo:
        words = tb.make_frame(rng, tb.depth + 6)
        words = [(d, k, 0, 0) for d, k, _, _ in words]
        sender = cocotb.start_soon(tb.send(words))
        await Timer(5, "us")
        assert tb.accepted == tb.depth + 1, "DEPTH + 1 words accepted"
        assert int(dut.s_axis_tready.value) == 0
        tb.sink.pause = False
        await sender
        got = []
        for _ in words:
            got += await tb.recv_frame()
        assert got == words
    elif not tb.drop_full:
        big = tb.make_frame(rng, tb.depth + 3)
        small = tb.make_frame(rng, 3)
        await tb.send(big)
        await tb.send(small)
        await Timer(5, "us")
        assert tb.counts == {"good": 1, "bad": 0, "overflow": 1}
        tb.sink.pause = False
        assert await tb.recv_frame() == small
    else:
        a = tb.make_frame(rng, tb.depth // 2)
        b = tb.make_frame(rng, tb.depth // 2 - 2)
        c = tb.make_frame(rng, 5)        # meets the FIFO full: dropped
        d = tb.make_frame(rng, 1)
        for f in (a, b, c, d):
            await tb.send(f)
        await Timer(5, "us")
        assert tb.stalled == 0
        tb.sink.pause = False
        got = [await tb.recv_frame() for _ in range(3)]
        assert got == [a, b, d] or got[:2] == [a, b]
        assert tb.counts["overflow"] >= 1
    await with_timeout(tb.wait_empty(), 100, "us")
    await Timer(2, "us")
    assert tb.sink.empty()


async def run_test_reset(dut, ratio=RATIOS[0], side="s"):
    """One side reset alone with frames inside and one half sent: afterwards both sides are
    empty, and only what is sent after it comes out, whole and in order. s_rst restarts the
    source too (it sends new frames); under m_rst alone the source goes on with the rest of the
    cut frame, which the frame FIFO discards."""
    tb = TB(dut, ratio)
    tb.set_pause(None, sink_backpressure)
    await tb.reset()
    rng = random.Random(7)
    before = [tb.make_frame(rng, rng.randrange(1, tb.depth // 2)) for _ in range(4)]
    await _send_all(tb, before)
    cut = tb.make_frame(rng, 6)
    await _send_all(tb, [cut[:3]])
    if side == "s":
        dut.s_rst.value = 1
        await ClockCycles(dut.s_clk, 2)
        await ClockCycles(dut.m_clk, 3)       # at least three cycles of the slower clock
        dut.s_rst.value = 0
        rest = []
    else:
        dut.m_rst.value = 1
        await ClockCycles(dut.m_clk, 2)
        await ClockCycles(dut.s_clk, 3)
        dut.m_rst.value = 0
        rest = cut[3:]
    await ClockCycles(dut.m_clk, 10)
    await ClockCycles(dut.s_clk, 10)
    tb.sink.clear()
    assert int(dut.m_status_empty.value) == 1 and int(dut.m_axis_tvalid.value) == 0
    after = [tb.make_frame(rng, rng.randrange(1, tb.depth)) for _ in range(10)]
    if tb.drop_full:
        # one frame at a time, so that none meets a full FIFO
        await _send_all(tb, [rest] if rest else [])
        for f in after:
            await _send_all(tb, [f])
            assert await tb.recv_frame() == f
        after = []
        rest = []
    await _send_all(tb, [rest] + after if rest else after)
    if not tb.frame_fifo:
        expect = [rest] + after if rest else after
        got = []
        for _ in range(sum(len(f) for f in expect)):
            got += await tb.recv_frame()
        assert got == [w for f in expect for w in f]
    else:
        for f in after:
            assert await tb.recv_frame() == f
    await with_timeout(tb.wait_empty(), 100, "us")
    await Timer(1, "us")
    assert tb.sink.empty()


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_stream)
    factory.add_option("ratio", RATIOS)
    factory.add_option("idle", [None, frame_idle])
    factory.add_option("backpressure", [None, sink_backpressure])
    factory.generate_tests()

    factory = TestFactory(run_test_frame_timing)
    factory.add_option("ratio", RATIOS)
    factory.generate_tests()

    factory = TestFactory(run_test_capacity)
    factory.add_option("ratio", RATIOS)
    factory.generate_tests()

    factory = TestFactory(run_test_reset)
    factory.add_option("ratio", RATIOS)
    factory.add_option("side", ["s", "m"])
    factory.generate_tests()
