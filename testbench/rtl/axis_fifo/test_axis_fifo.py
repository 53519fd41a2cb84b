"""axis_fifo: words through in order with idle and backpressure, capacity DEPTH + 1 (RAM and
output register), status_empty, reset empties it."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

from flue_tb import cycle_pause, pulse_reset, random_pause

WordBus, WordTransaction, WordSource, WordSink, WordMonitor = define_stream(
    "Word", signals=["tdata", "tvalid", "tready"])


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = WordSource(WordBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = WordSink(WordBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.width = len(dut.s_axis_tdata)
        self.depth = int(dut.DEPTH.value)
        self.accepted = 0
        cocotb.start_soon(self._count())

    async def _count(self):
        while True:
            await RisingEdge(self.dut.clk)
            if int(self.dut.s_axis_tvalid.value) and int(self.dut.s_axis_tready.value):
                self.accepted += 1

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def wait_empty(self):
        while not int(self.dut.status_empty.value):
            await RisingEdge(self.dut.clk)


async def run_test_stream(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    assert int(dut.status_empty.value) == 1
    rng = random.Random(11)
    words = [rng.randrange(1 << tb.width) for _ in range(300)]
    for w in words:
        await tb.source.send(WordTransaction(tdata=w))
    got = []
    for _ in words:
        t = await with_timeout(tb.sink.recv(), 50, "us")
        got.append(int(t.tdata))
    assert got == words
    await with_timeout(tb.wait_empty(), 1, "us")
    assert tb.sink.empty()


async def run_test_capacity(dut, idle=None, backpressure=None):
    """With the output stalled the FIFO takes DEPTH words into RAM and one into the output
    register, then holds tready low; nothing is lost when the output resumes."""
    tb = TB(dut)
    tb.set_pause(idle, None)
    tb.sink.pause = True
    await tb.reset()
    n = tb.depth + 4
    for i in range(n):
        await tb.source.send(WordTransaction(tdata=i + 1))
    await Timer(1, "us")
    assert tb.accepted == tb.depth + 1, "DEPTH + 1 words accepted"
    assert int(dut.s_axis_tready.value) == 0 and int(dut.m_axis_tvalid.value) == 1
    tb.sink.set_pause_generator(backpressure() if backpressure else None)
    tb.sink.pause = False
    got = []
    for _ in range(n):
        t = await with_timeout(tb.sink.recv(), 10, "us")
        got.append(int(t.tdata))
    assert got == list(range(1, n + 1))
    # reset drops whatever is held
    tb.sink.set_pause_generator(None)
    tb.sink.pause = True
    for i in range(3):
        await tb.source.send(WordTransaction(tdata=0x55 + i))
    await tb.source.wait()
    await Timer(100, "ns")
    assert int(dut.status_empty.value) == 0
    await tb.reset()
    assert int(dut.status_empty.value) == 1 and int(dut.m_axis_tvalid.value) == 0


if cocotb.SIM_NAME:
    for test in (run_test_stream, run_test_capacity):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
