"""link_crc_append: each packet comes out as its bytes then the zlib CRC-32 of them,
little-endian, tlast on the last CRC byte only: random packets (1..300 bytes) under random
pauses on either side come out exactly; single-byte and back-to-back packets keep their own
CRCs; at full rate a packet costs its 4 CRC bytes and no idle cycle; output backpressure
stalls the input and nothing is lost."""

import logging
import random
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi.stream import define_stream

from flue_tb import pulse_reset, random_pause

PktBus, PktTransaction, PktSource, PktSink, PktMonitor = define_stream(
    "Pkt", signals=["tdata", "tvalid", "tready", "tlast"])


def with_crc(packet):
    return packet + zlib.crc32(packet).to_bytes(4, "little")


class TB:
    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = PktSource(PktBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = PktSink(PktBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)

    async def reset(self):
        await pulse_reset(self.dut)

    async def send(self, packets):
        for data in packets:
            for i, b in enumerate(data):
                await self.source.send(PktTransaction(tdata=b, tlast=int(i == len(data) - 1)))

    async def recv_packet(self):
        data = []
        while True:
            t = await with_timeout(self.sink.recv(), 500, "us")
            data.append(int(t.tdata))
            if int(t.tlast):
                return bytes(data)

    async def expect(self, packets):
        sender = cocotb.start_soon(self.send(packets))
        for i, p in enumerate(packets):
            got = await self.recv_packet()
            assert got == with_crc(p), f"packet {i} ({len(p)} bytes): {got.hex()} where {with_crc(p).hex()}"
        await sender
        await ClockCycles(self.dut.clk, 20)
        assert self.sink.empty(), "beats beyond the packets expected"


def random_packet(rng, n=None):
    n = n if n is not None else rng.randint(1, 300)
    return bytes(rng.randrange(256) for _ in range(n))


async def run_test_random(dut, src_pause=None, sink_pause=None):
    """Random packets (1..300 bytes, plus an all-0xff and an all-zero one) under random pauses
    come out with their CRC (checked with zlib.crc32), tlast only on the last CRC byte."""
    tb = TB(dut, seed=3 + (2 if src_pause else 0) + (4 if sink_pause else 0))
    if src_pause:
        tb.source.set_pause_generator(src_pause(seed=31))
    if sink_pause:
        tb.sink.set_pause_generator(sink_pause(seed=32))
    await tb.reset()
    packets = [random_packet(tb.rng) for _ in range(40)] + [b"\xff" * 64, bytes(17)]
    await tb.expect(packets)


@cocotb.test()
async def test_short_back_to_back(dut):
    """One- and two-byte packets back to back at full rate: each gets its own CRC (the CRC
    restarts after every packet)."""
    tb = TB(dut)
    await tb.reset()
    packets = [bytes([i]) if i % 2 else bytes([i, 0xff - i]) for i in range(30)]
    await tb.expect(packets)


@cocotb.test()
async def test_full_rate(dut):
    """With the sink always ready and the source never pausing, a run of packets takes exactly
    one cycle per output byte (packet + 4 CRC bytes): no idle cycle between or within packets."""
    tb = TB(dut, seed=7)
    await tb.reset()
    packets = [random_packet(tb.rng, tb.rng.randint(1, 40)) for _ in range(20)]
    total = sum(len(p) + 4 for p in packets)
    cycles = []

    async def watch():
        n = 0
        while n < total:
            await RisingEdge(dut.clk)
            if int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
                cycles.append(n)
                n += 1
            elif cycles:
                cycles.append(None)

    w = cocotb.start_soon(watch())
    await tb.expect(packets)
    await w
    assert None not in cycles, f"idle cycles inside the run: {cycles.count(None)}"


@cocotb.test()
async def test_backpressure_stalls(dut):
    """With m_axis_tready low the input stalls once the output register is full (also during
    the CRC bytes); nothing is lost when it is released."""
    tb = TB(dut)
    tb.sink.pause = True
    await tb.reset()
    packets = [bytes(range(1, 30)), b"\xc0"]
    sender = cocotb.start_soon(tb.send(packets))
    await ClockCycles(dut.clk, 40)
    assert int(dut.s_axis_tready.value) == 0, "input not stalled by output backpressure"
    assert int(dut.m_axis_tvalid.value) == 1 and int(dut.m_axis_tdata.value) == 1
    # release a few bytes at a time, stalling again inside the CRC
    for _ in range(12):
        tb.sink.pause = False
        await ClockCycles(dut.clk, 3)
        tb.sink.pause = True
        await ClockCycles(dut.clk, 10)
    tb.sink.pause = False
    for p in packets:
        got = await tb.recv_packet()
        assert got == with_crc(p)
    await sender


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_random)
    factory.add_option("src_pause", [None, random_pause])
    factory.add_option("sink_pause", [None, random_pause])
    factory.generate_tests()
