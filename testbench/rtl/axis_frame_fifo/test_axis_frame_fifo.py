"""axis_frame_fifo: random frames byte-exact with idle and backpressure, tuser frames dropped,
store and forward (no word out before the frame's tlast is in), oversize frames dropped, a full
FIFO stalls (DROP_WHEN_FULL=0) or drops (1), one status pulse per input frame."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource

from flue_tb import cycle_pause, pulse_reset, random_pause


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.word_bytes = len(dut.s_axis_tdata) // 8
        self.depth = int(dut.DEPTH.value)
        self.drop_when_full = int(dut.DROP_WHEN_FULL.value)
        self.good = self.bad = self.overflow = 0
        self.in_lasts = 0          # input frames whose tlast has been taken
        self.early = []            # output words seen before their frame was whole
        self.out_started = 0       # output frames whose first word has appeared
        self.out_sof = True
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            if not dut.s_axis_tvalid.value.is_resolvable:
                continue
            self.good += int(dut.status_good_frame.value)
            self.bad += int(dut.status_bad_frame.value)
            self.overflow += int(dut.status_overflow.value)
            if int(dut.m_axis_tvalid.value):
                if self.out_sof:
                    self.out_started += 1
                    if self.out_started > self.in_lasts:
                        self.early.append(self.out_started)
                self.out_sof = False
                if int(dut.m_axis_tready.value) and int(dut.m_axis_tlast.value):
                    self.out_sof = True
            if int(dut.s_axis_tvalid.value) and int(dut.s_axis_tready.value) and int(dut.s_axis_tlast.value):
                self.in_lasts += 1

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)
        self.good = self.bad = self.overflow = 0

    async def recv(self):
        frame = await with_timeout(self.sink.recv(), 100, "us")
        return bytes(frame.tdata)


def payload(n, seed):
    return bytes((seed * 7 + i * 13) & 0xff for i in range(n))


async def run_test_frames(dut, idle=None, backpressure=None):
    """Frames that fit, some marked bad with tuser: the good ones come out whole, in order."""
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(4)
    cap = tb.depth * tb.word_bytes
    frames = []
    for i in range(40):
        n = rng.choice([1, tb.word_bytes, tb.word_bytes + 1, rng.randrange(1, cap // 2)])
        bad = rng.random() < 0.2
        frames.append((payload(n, i), bad))
    for data, bad in frames:
        f = AxiStreamFrame(data)
        f.tuser = [0] * (len(data) - 1) + [1] if bad else 0
        await tb.source.send(f)
    for data, bad in frames:
        if not bad:
            assert await tb.recv() == data
    await tb.source.wait()
    await Timer(200, "ns")
    assert tb.sink.empty()
    assert tb.good == sum(not b for _, b in frames) and tb.bad == sum(b for _, b in frames)
    if not tb.drop_when_full:
        assert tb.overflow == 0
    assert not tb.early, f"frames {tb.early[:4]} started before their tlast was stored"
    assert int(dut.status_empty.value) == 1


async def run_test_oversize(dut, idle=None, backpressure=None):
    """A frame longer than the whole FIFO is dropped (overflow) in both modes; one of exactly
    DEPTH words fits; the frames around them pass."""
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    cap = tb.depth * tb.word_bytes
    sizes = [20, cap + 1, cap, 3 * cap, 7]
    for i, n in enumerate(sizes):
        await tb.source.send(AxiStreamFrame(payload(n, i)))
    for i, n in enumerate(sizes):
        if n <= cap:
            assert await tb.recv() == payload(n, i)
    await tb.source.wait()
    await Timer(200, "ns")
    assert tb.sink.empty()
    assert tb.overflow == 2 and tb.good == 3 and tb.bad == 0
    assert int(dut.status_empty.value) == 1


async def run_test_full(dut, idle=None, backpressure=None):
    """Output stalled: DROP_WHEN_FULL=0 stalls the input and loses nothing; DROP_WHEN_FULL=1
    never stalls and drops each frame that meets a full FIFO."""
    tb = TB(dut)
    tb.set_pause(idle, None)
    tb.sink.pause = True
    await tb.reset()
    n = (tb.depth * tb.word_bytes) // 3
    frames = [payload(n, i) for i in range(6)]
    for f in frames:
        await tb.source.send(AxiStreamFrame(f))
    await Timer(2, "us")
    if tb.drop_when_full:
        await tb.source.wait()
        await Timer(100, "ns")
        assert tb.good + tb.overflow == 6 and tb.overflow >= 3
    else:
        assert tb.good == 3 and int(dut.s_axis_tready.value) == 0, "stalled, not dropped"
    tb.sink.set_pause_generator(backpressure() if backpressure else None)
    tb.sink.pause = False
    got = []
    while len(got) < (tb.good if tb.drop_when_full else 6):
        got.append(await tb.recv())
    await Timer(200, "ns")
    if tb.drop_when_full:
        # the ones kept are the first ones, whole
        assert got == frames[:len(got)]
    else:
        assert got == frames and tb.overflow == 0
    assert tb.sink.empty()


if cocotb.SIM_NAME:
    for test in (run_test_frames, run_test_oversize, run_test_full):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
