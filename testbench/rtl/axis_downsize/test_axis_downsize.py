"""axis_downsize: random packets (wide words packed from lane 0) come out byte-exact as
64-bit beats up to the last one holding data, tkeep a prefix, tlast and tuser on the packet's
last beat; one beat per cycle without bubbles, across words and packets; idle and
backpressure."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
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
        self.s_bytes = len(dut.s_axis_tdata) // 8
        self.m_bytes = len(dut.m_axis_tdata) // 8
        self.out_beats = []
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        cycle = 0
        while True:
            await RisingEdge(dut.clk)
            cycle += 1
            if dut.m_axis_tvalid.value.is_resolvable and int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
                self.out_beats.append(cycle)

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def send(self, data, user):
        sb = self.s_bytes
        words = -(-len(data) // sb)
        for n in range(words):
            chunk = data[n * sb:(n + 1) * sb]
            await self.source.send(BeatTransaction(tdata=int.from_bytes(chunk.ljust(sb, b"\0"), "little"),
                                                   tkeep=(1 << len(chunk)) - 1, tlast=int(n == words - 1),
                                                   tuser=int(user and n == words - 1)))

    async def check(self, data, user):
        mb = self.m_bytes
        beats = -(-len(data) // mb)
        for n in range(beats):
            t = await with_timeout(self.sink.recv(), 50, "us")
            chunk = data[n * mb:(n + 1) * mb]
            assert int(t.tkeep) == (1 << len(chunk)) - 1, (n, hex(int(t.tkeep)))
            assert int(t.tdata).to_bytes(mb, "little")[:len(chunk)] == chunk
            assert int(t.tlast) == (n == beats - 1)
            assert int(t.tuser) == int(user and n == beats - 1)


def payload(n, seed):
    return bytes((seed * 37 + i * 11 + 1) & 0xff for i in range(n))


async def run_test_packets(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(41)
    sizes = [1, 8, 9, 16, 17, 24, 31, 32, 33, 60, 64, 65, 1514, 1518]
    sizes += [rng.randrange(1, 300) for _ in range(30)]
    users = [rng.random() < 0.2 for _ in sizes]
    for i, n in enumerate(sizes):
        await tb.send(payload(n, i), users[i])
    for i, n in enumerate(sizes):
        await tb.check(payload(n, i), users[i])
    await Timer(100, "ns")
    assert tb.sink.empty()
    assert int(dut.status_idle.value) == 1


async def run_test_rate(dut, idle=None, backpressure=None):
    """Without pauses the output carries one beat per cycle from the first to the last."""
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    sizes = [60, 1, 1518, 9, 100, 17, 64, 200]
    for i, n in enumerate(sizes):
        await tb.send(payload(n, i), False)
    for i, n in enumerate(sizes):
        await tb.check(payload(n, i), False)
    beats = sum(-(-n // tb.m_bytes) for n in sizes)
    assert len(tb.out_beats) == beats
    if idle is None and backpressure is None:
        span = tb.out_beats[-1] - tb.out_beats[0] + 1
        assert span == beats, f"{beats} output beats over {span} cycles"


if cocotb.SIM_NAME:
    for test in (run_test_packets, run_test_rate):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
