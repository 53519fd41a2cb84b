"""uart_rx: at each rate the bench drives on bit_cycles (10, 13 and 8 cycles per bit, one build,
also changed between bytes), bytes from a UART sender (cocotbext-uart) at the nominal rate and 2%
off it come out exactly with tuser 0; a low stop bit gives tuser 1; a low glitch shorter than half a bit gives
nothing; a byte that finds the previous one not taken is dropped with an overrun pulse; a break
gives at most one byte, with tuser 1, and bytes flow again once the line is high."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles, RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream
from cocotbext.uart import UartSource

from flue_tb import pulse_reset, random_pause

# the bench's clock, and the rates it runs the one build at (cycles per bit; 8 is the least allowed)
CLK_PERIOD_NS = 10
BIT_CYCLES = [10, 13, 8]

ByteBus, ByteTransaction, ByteSource, ByteSink, ByteMonitor = define_stream(
    "Byte", signals=["tdata", "tvalid", "tready", "tuser"])


def uart_baud(bit, rate=1.0):
    """The reference UART's rate for `bit` cycles per bit times `rate`: cocotbext-uart times a
    bit as int(1e9 / baud) ns, so at rate 1 the baud is rounded down to make that exactly
    bit * period."""
    return int(10**9 / (bit * CLK_PERIOD_NS) / rate)


class TB:
    def __init__(self, dut, rate=1.0, seed=1, bit=BIT_CYCLES[0]):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.period_ns = CLK_PERIOD_NS
        self.rate = rate
        self.uart = None
        self.set_rate(bit)
        cocotb.start_soon(Clock(dut.clk, self.period_ns, units="ns").start())
        self.sink = ByteSink(ByteBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.overruns = 0
        self.busy_rises = 0
        cocotb.start_soon(self._monitor())

    def set_rate(self, bit):
        """Drives bit_cycles and moves the reference sender to the new rate (a new one: the old
        one's coroutine is stopped). Only while the line is idle."""
        self.bit = bit
        self.dut.bit_cycles.value = bit
        if self.uart is not None:
            self.uart._run_cr.kill()
        # the sender runs at the nominal rate times `rate`, as an independent far end would
        self.uart = UartSource(self.dut.rxd, baud=uart_baud(bit, self.rate))

    async def _monitor(self):
        busy_last = 0
        while True:
            await RisingEdge(self.dut.clk)
            if int(self.dut.overrun.value):
                self.overruns += 1
            busy = int(self.dut.busy.value)
            if busy and not busy_last:
                self.busy_rises += 1
            busy_last = busy

    async def reset(self):
        await pulse_reset(self.dut)
        # the receiver first waits for the line to be high
        await ClockCycles(self.dut.clk, 4)

    async def send(self, data, phase=None):
        """Bytes through the reference sender, starting at a random point of the clock period
        unless `phase` (ps) is given; returns when the last stop bit has ended."""
        if phase is None:
            phase = self.rng.randrange(self.period_ns * 1000)
        if phase:
            await Timer(phase, "ps")
        await self.uart.write(data)
        await with_timeout(self.uart.wait(), len(data) * 12 * self.bit * self.period_ns, "ns")

    async def drive(self, bits, cycles=None):
        """Drives rxd by hand, one value per bit, each `cycles` (default one bit) cycles long."""
        for b in bits:
            self.dut.rxd.value = b
            await ClockCycles(self.dut.clk, cycles or self.bit)

    async def recv(self, n, bit_times=12):
        got = []
        for _ in range(n):
            t = await with_timeout(self.sink.recv(), bit_times * self.bit * self.period_ns, "ns")
            got.append((int(t.tdata), int(t.tuser)))
        return got

    async def bit_times(self, n):
        await ClockCycles(self.dut.clk, n * self.bit)


async def run_test_stream(dut, bit=BIT_CYCLES[0], rate=1.0, backpressure=None):
    """Random bytes, back to back from a sender at `rate` times the nominal baud, come out
    exactly, each with tuser 0; short tready pauses lose nothing."""
    tb = TB(dut, rate, seed=int(rate * 1000) + (1 if backpressure else 0) + 7 * bit, bit=bit)
    tb.sink.set_pause_generator(backpressure() if backpressure else None)
    await tb.reset()
    data = bytes(tb.rng.randrange(256) for _ in range(64)) + b"\x00\xff\x55\xaa\x80\x01"
    await tb.send(data)
    got = await tb.recv(len(data))
    assert [d for d, _ in got] == list(data)
    assert [u for _, u in got] == [0] * len(data), "no framing error"
    await tb.bit_times(20)
    assert tb.sink.empty(), "nothing beyond the bytes sent"
    assert tb.overruns == 0
    assert int(dut.busy.value) == 0


async def run_test_framing_error(dut, bit=BIT_CYCLES[0]):
    """A frame whose stop bit is low is delivered with tuser 1; the next good frame with tuser 0."""
    tb = TB(dut, bit=bit)
    await tb.reset()
    byte = 0xa5
    await tb.drive([0] + [(byte >> i) & 1 for i in range(8)] + [0, 1, 1])
    assert await tb.recv(1) == [(byte, 1)]
    await tb.send(b"\x3c")
    assert await tb.recv(1) == [(0x3c, 0)]
    await tb.bit_times(12)
    assert tb.sink.empty() and tb.overruns == 0


async def run_test_glitch(dut, bit=BIT_CYCLES[0]):
    """Low glitches shorter than half a bit, whole cycles long and at any phase, start no frame;
    a real byte after them comes through."""
    tb = TB(dut, bit=bit)
    await tb.reset()
    glitches = 0
    # whole clock cycles, up to just under half a bit
    for n in range(1, tb.bit):
        if 2 * n >= tb.bit:
            break
        await tb.drive([0], cycles=n)
        await tb.drive([1], cycles=2 * tb.bit)
        glitches += 1
    # 0.45 of a bit, at random points of the clock period
    for _ in range(8):
        await Timer(tb.rng.randrange(tb.period_ns * 1000), "ps")
        dut.rxd.value = 0
        await Timer(int(0.45 * tb.bit * tb.period_ns * 1000), "ps")
        dut.rxd.value = 1
        await tb.bit_times(2)
        glitches += 1
    # each glitch was seen (busy rose: a start edge) and then dropped at mid-bit
    assert tb.busy_rises == glitches, f"{tb.busy_rises} start edges seen for {glitches} glitches"
    await tb.bit_times(12)
    assert tb.sink.empty(), "a glitch produced a byte"
    assert int(dut.busy.value) == 0
    await tb.send(b"\xc3")
    assert await tb.recv(1) == [(0xc3, 0)]
    await tb.bit_times(12)
    assert tb.sink.empty()


async def run_test_overrun(dut, bit=BIT_CYCLES[0]):
    """tready low while two bytes arrive: the first is held, the second pulses overrun for one
    cycle and is dropped; with tready back the first comes out, then later bytes as usual."""
    tb = TB(dut, bit=bit)
    tb.sink.pause = True
    await tb.reset()
    await tb.send(b"\x11\x22")
    await tb.bit_times(2)
    assert tb.overruns == 1, f"overrun high for {tb.overruns} cycles"
    assert int(dut.m_axis_tvalid.value) == 1 and int(dut.m_axis_tdata.value) == 0x11
    tb.sink.pause = False
    assert await tb.recv(1) == [(0x11, 0)]
    await tb.bit_times(12)
    assert tb.sink.empty(), "the second byte was dropped"
    await tb.send(b"\x33\x44")
    assert await tb.recv(2) == [(0x33, 0), (0x44, 0)]
    assert tb.overruns == 1


async def run_test_break(dut, bit=BIT_CYCLES[0]):
    """The line held low for five frames: at most one byte, with tuser 1, until it goes high;
    then bytes flow again with tuser 0."""
    tb = TB(dut, bit=bit)
    await tb.reset()
    await tb.send(b"\x5a")
    assert await tb.recv(1) == [(0x5a, 0)]
    dut.rxd.value = 0
    await tb.bit_times(50)
    dut.rxd.value = 1
    await tb.bit_times(12)
    during = []
    while not tb.sink.empty():
        t = tb.sink.recv_nowait()
        during.append((int(t.tdata), int(t.tuser)))
    assert len(during) <= 1, f"a break gave {during}"
    assert all(u == 1 for _, u in during), f"break byte without framing error: {during}"
    data = bytes(range(0x30, 0x38))
    await tb.send(data)
    assert await tb.recv(len(data)) == [(b, 0) for b in data]
    await tb.bit_times(12)
    assert tb.sink.empty() and tb.overruns == 0


@cocotb.test()
async def test_rate_change(dut):
    """bit_cycles changed between bytes, without a reset: the bytes at each rate come out
    exactly, with tuser 0, from a sender at the nominal rate and 2% off it."""
    tb = TB(dut, seed=11)
    await tb.reset()
    for rate in (1.0, 0.98, 1.02):
        tb.rate = rate
        for bit in BIT_CYCLES + BIT_CYCLES[::-1]:
            tb.set_rate(bit)
            await tb.bit_times(2)
            data = bytes(tb.rng.randrange(256) for _ in range(6)) + b"\x00\xff"
            await tb.send(data)
            assert await tb.recv(len(data)) == [(b, 0) for b in data], f"{bit} cycles per bit, rate {rate}"
    await tb.bit_times(12)
    assert tb.sink.empty() and tb.overruns == 0


if cocotb.SIM_NAME:
    for directed in (run_test_framing_error, run_test_glitch, run_test_overrun, run_test_break):
        factory = TestFactory(directed)
        factory.add_option("bit", BIT_CYCLES)
        factory.generate_tests()

    factory = TestFactory(run_test_stream)
    factory.add_option("bit", BIT_CYCLES)
    factory.add_option("rate", [1.0, 0.98, 1.02])
    factory.add_option("backpressure", [None, random_pause])
    factory.generate_tests()
