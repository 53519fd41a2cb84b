"""axis_skid: every beat through in order with all its sidebands (tkeep, tlast, tuser), with idle
and backpressure; one beat per cycle when neither side pauses; the input ready is a register
(it never changes with m_axis_tready in the same cycle); it holds two beats when the output
stops; status_empty; reset empties it."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ReadOnly, RisingEdge, with_timeout
from cocotbext.axi.stream import define_stream

from flue_tb import cycle_pause, pulse_reset, random_pause

BeatBus, BeatTransaction, BeatSource, BeatSink, BeatMonitor = define_stream(
    "Beat", signals=["tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"])


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = BeatSource(BeatBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = BeatSink(BeatBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.width = len(dut.s_axis_tdata)
        self.keep = len(dut.s_axis_tkeep)
        self.user = len(dut.s_axis_tuser)

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    def beats(self, n, seed):
        rng = random.Random(seed)
        return [(rng.randrange(1 << self.width), rng.randrange(1 << self.keep), rng.randrange(2),
                 rng.randrange(1 << self.user)) for _ in range(n)]

    async def send(self, beats):
        for d, k, l, u in beats:
            await self.source.send(BeatTransaction(tdata=d, tkeep=k, tlast=l, tuser=u))

    async def recv(self, n):
        got = []
        for _ in range(n):
            t = await with_timeout(self.sink.recv(), 50, "us")
            got.append((int(t.tdata), int(t.tkeep), int(t.tlast), int(t.tuser)))
        return got


async def run_test_stream(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await pulse_reset(dut, idle_first=True)
    assert int(dut.status_empty.value) == 1
    beats = tb.beats(400, 5)
    cocotb.start_soon(tb.send(beats))
    assert await tb.recv(len(beats)) == beats
    for _ in range(3):
        await RisingEdge(dut.clk)
    assert int(dut.status_empty.value) == 1


async def handshake_cycles(dut, cycles):
    """Appends the cycle number of every output handshake."""
    n = 0
    while True:
        await RisingEdge(dut.clk)
        n += 1
        if int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
            cycles.append(n)


@cocotb.test()
async def test_full_rate(dut):
    """Saturated: once the first beat is out, one beat leaves every cycle."""
    tb = TB(dut)
    await pulse_reset(dut, idle_first=True)
    beats = tb.beats(200, 6)
    cycles = []
    cocotb.start_soon(handshake_cycles(dut, cycles))
    cocotb.start_soon(tb.send(beats))
    assert await tb.recv(len(beats)) == beats
    assert len(cycles) == len(beats)
    assert cycles[-1] - cycles[0] == len(beats) - 1


@cocotb.test()
async def test_registered_ready_and_capacity(dut):
    """With the output stopped the buffer takes exactly two beats, then drops ready; ready
    follows m_axis_tready one cycle late, never in the same cycle; reset empties it."""
    tb = TB(dut)
    await pulse_reset(dut, idle_first=True)
    tb.sink.pause = True
    beats = tb.beats(5, 7)
    cocotb.start_soon(tb.send(beats))
    taken = 0
    for _ in range(20):
        await RisingEdge(dut.clk)
        await ReadOnly()
        if int(dut.s_axis_tvalid.value) and int(dut.s_axis_tready.value):
            taken += 1
    assert taken == 2 and int(dut.s_axis_tready.value) == 0 and int(dut.status_empty.value) == 0
    # the output opens: ready is still low in the first cycle of m_axis_tready, high the next
    tb.sink.pause = False
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if int(dut.m_axis_tready.value):
            break
    assert int(dut.s_axis_tready.value) == 0
    await RisingEdge(dut.clk)
    await ReadOnly()
    assert int(dut.s_axis_tready.value) == 1
    assert await tb.recv(len(beats)) == beats
    # reset with beats held empties it
    tb.sink.pause = True
    cocotb.start_soon(tb.send(tb.beats(2, 8)))
    for _ in range(6):
        await RisingEdge(dut.clk)
    assert int(dut.status_empty.value) == 0
    await pulse_reset(dut)
    assert int(dut.status_empty.value) == 1 and int(dut.m_axis_tvalid.value) == 0


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_stream)
    factory.add_option("idle", [None, cycle_pause])
    factory.add_option("backpressure", [None, random_pause])
    factory.generate_tests()
