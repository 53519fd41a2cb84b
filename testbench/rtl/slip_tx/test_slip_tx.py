"""slip_tx: random packets (1..300 bytes, many END and ESC bytes) come out as END, the bytes
escaped as RFC 1055 says, END, exactly as a reference encoder gives them, with random pauses on
either side; a packet with nothing to escape goes out at one line byte per cycle."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi.stream import define_stream

from flue_tb import pulse_reset, random_pause
from link_tb import END, ESC, ESC_END, ESC_ESC, slip_encode

PktBus, PktTransaction, PktSource, PktSink, PktMonitor = define_stream(
    "Pkt", signals=["tdata", "tvalid", "tready", "tlast"])
LineBus, LineTransaction, LineSource, LineSink, LineMonitor = define_stream(
    "Line", signals=["tdata", "tvalid", "tready"])


def random_packet(rng, n=None):
    n = n if n is not None else rng.randint(1, 300)
    # about a third END or ESC bytes
    return bytes(rng.choice([END, ESC, rng.randrange(256)]) if rng.random() < 0.4
                 else rng.randrange(256) for _ in range(n))


class TB:
    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = PktSource(PktBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = LineSink(LineBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.line_cycles = []
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        """Records the cycle of each line byte taken."""
        cycle = 0
        while True:
            await RisingEdge(self.dut.clk)
            cycle += 1
            if int(self.dut.m_axis_tvalid.value) and int(self.dut.m_axis_tready.value):
                self.line_cycles.append(cycle)

    async def reset(self):
        await pulse_reset(self.dut)

    async def send(self, packet):
        for i, b in enumerate(packet):
            await self.source.send(PktTransaction(tdata=b, tlast=int(i == len(packet) - 1)))

    async def recv_line(self, n):
        got = []
        for _ in range(n):
            t = await with_timeout(self.sink.recv(), 20 * n + 1000, "ns")
            got.append(int(t.tdata))
        return bytes(got)


async def run_test_random(dut, src_pause=None, sink_pause=None):
    """Random packets against the reference encoder, with the given pauses on either side."""
    tb = TB(dut, seed=1 + (2 if src_pause else 0) + (4 if sink_pause else 0))
    if src_pause:
        tb.source.set_pause_generator(src_pause(seed=11))
    if sink_pause:
        tb.sink.set_pause_generator(sink_pause(seed=12))
    await tb.reset()
    packets = [random_packet(tb.rng) for _ in range(30)]
    packets += [bytes([END]), bytes([ESC]), bytes([END, ESC, END]), b"\x00", bytes([ESC_END, ESC_ESC])]
    want = b"".join(slip_encode(p) for p in packets)
    sender = cocotb.start_soon(_send_all(tb, packets))
    got = await tb.recv_line(len(want))
    await sender
    assert got == want, first_difference(got, want)
    await ClockCycles(dut.clk, 20)
    assert tb.sink.empty(), "line bytes beyond the packets' encodings"


async def _send_all(tb, packets):
    for p in packets:
        await tb.send(p)


def first_difference(got, want):
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"line byte {i}: 0x{g:02x} where 0x{w:02x} (of {len(want)})"
    return f"{len(got)} line bytes where {len(want)}"


@cocotb.test()
async def test_throughput(dut):
    """With no pauses, a packet with nothing to escape goes out as len + 2 line bytes in as many
    consecutive cycles; one with escapes takes one cycle per line byte as well."""
    tb = TB(dut)
    await tb.reset()
    for packet in [bytes(range(1, 65)), bytes([0x11, END, 0x22, ESC, 0x33, END])]:
        tb.line_cycles.clear()
        want = slip_encode(packet)
        await tb.send(packet)
        got = await tb.recv_line(len(want))
        assert got == want
        await ClockCycles(dut.clk, 2)
        cycles = tb.line_cycles[-1] - tb.line_cycles[0] + 1
        # an escape's second byte and the closing END also take one cycle each
        assert len(tb.line_cycles) == len(want)
        assert cycles == len(want), f"{len(want)} line bytes took {cycles} cycles"
        await ClockCycles(dut.clk, 10)


@cocotb.test()
async def test_idle(dut):
    """Nothing goes out with no packet; s_axis_tready stays low until the opening END is out."""
    tb = TB(dut)
    await tb.reset()
    await ClockCycles(dut.clk, 20)
    assert tb.sink.empty()
    assert int(dut.s_axis_tready.value) == 0, "ready before a packet's opening END"
    await tb.send(b"\x42")
    assert await tb.recv_line(3) == bytes([END, 0x42, END])
    await ClockCycles(dut.clk, 20)
    assert tb.sink.empty()


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_random)
    factory.add_option("src_pause", [None, random_pause])
    factory.add_option("sink_pause", [None, random_pause])
    factory.generate_tests()
