"""axis_upsize: random packets (packed from lane 0) come out byte-exact in wide words, tlast
closing a word early with tkeep and data clear above the packet's end, tuser from the input's
last word; one input word per cycle without pauses; idle and backpressure."""

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
        self.in_beats = []
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        cycle = 0
        while True:
            await RisingEdge(dut.clk)
            cycle += 1
            if dut.s_axis_tvalid.value.is_resolvable and int(dut.s_axis_tvalid.value) and int(dut.s_axis_tready.value):
                self.in_beats.append(cycle)

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def send(self, data, user):
        """Input words packed from lane 0 (garbage above a partial last word)."""
        sb = self.s_bytes
        words = -(-len(data) // sb)
        for n in range(words):
            chunk = data[n * sb:(n + 1) * sb]
            raw = chunk + bytes((0xa5 + i) & 0xff for i in range(sb - len(chunk)))
            await self.source.send(BeatTransaction(tdata=int.from_bytes(raw, "little"), tkeep=(1 << len(chunk)) - 1,
                                                   tlast=int(n == words - 1), tuser=int(user and n == words - 1)))

    async def check(self, data, user):
        """Expected output: ceil(len / output bytes) words, keep a prefix, zero lanes in whole
        segments above the end, tuser on the last word."""
        mb, sb = self.m_bytes, self.s_bytes
        words = -(-len(data) // mb)
        for n in range(words):
            t = await with_timeout(self.sink.recv(), 50, "us")
            chunk = data[n * mb:(n + 1) * mb]
            keep = int(t.tkeep)
            assert keep == (1 << len(chunk)) - 1, (n, hex(keep), len(chunk))
            raw = int(t.tdata).to_bytes(mb, "little")
            assert raw[:len(chunk)] == chunk
            used = -(-len(chunk) // sb) * sb
            assert raw[used:] == bytes(mb - used), "segments above the end are zero"
            assert int(t.tlast) == (n == words - 1)
            if n == words - 1:
                assert int(t.tuser) == int(user)


def payload(n, seed):
    return bytes((seed * 29 + i * 7 + 3) & 0xff for i in range(n))


async def run_test_packets(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(31)
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
    """Without pauses the input takes one word per cycle, whatever the packet lengths."""
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    sizes = [60, 1, 1518, 9, 100, 17, 64]
    for i, n in enumerate(sizes):
        await tb.send(payload(n, i), False)
    for i, n in enumerate(sizes):
        await tb.check(payload(n, i), False)
    beats = sum(-(-n // tb.s_bytes) for n in sizes)
    assert len(tb.in_beats) == beats
    if idle is None and backpressure is None:
        span = tb.in_beats[-1] - tb.in_beats[0] + 1
        assert span == beats, f"{beats} input words over {span} cycles"


if cocotb.SIM_NAME:
    for test in (run_test_packets, run_test_rate):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
