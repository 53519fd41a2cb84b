"""uart_tx: bytes with and without gaps between them reach a UART receiver (cocotbext-uart) exactly;
the line idles high; every bit lasts bit_cycles cycles (the rate input, driven by the bench: 10,
13 and 8 cycles per bit in one build, and changed between bytes); a stream without gaps goes out
one byte per 10 bit times."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, with_timeout
from cocotbext.axi.stream import define_stream
from cocotbext.uart import UartSink

from flue_tb import pulse_reset

# the bench's clock, and the rates it runs the one build at (cycles per bit; 8 is the least allowed)
CLK_PERIOD_NS = 10
BIT_CYCLES = [10, 13, 8]

ByteBus, ByteTransaction, ByteSource, ByteSink, ByteMonitor = define_stream(
    "Byte", signals=["tdata", "tvalid", "tready"])


def uart_baud(bit):
    """The reference UART's rate for `bit` cycles per bit: cocotbext-uart times a bit as
    int(1e9 / baud) ns, so the baud is rounded down to make that exactly bit * period."""
    return 10**9 // (bit * CLK_PERIOD_NS)


class TB:
    def __init__(self, dut, bit=BIT_CYCLES[0]):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.uart = None
        self.set_rate(bit)
        cocotb.start_soon(Clock(dut.clk, CLK_PERIOD_NS, units="ns").start())
        self.source = ByteSource(ByteBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        # the line and busy as they are after each clock edge, from the end of reset on
        self.line = bytearray()
        self.busy = bytearray()
        self.recording = False
        cocotb.start_soon(self._monitor())

    def set_rate(self, bit):
        """Drives bit_cycles and moves the reference receiver to the new rate (a new one: the
        old one's coroutine is stopped)."""
        self.bit = bit
        self.dut.bit_cycles.value = bit
        if self.uart is not None:
            self.uart._run_cr.kill()
        # the reference receiver runs at the nominal rate, like the far end of a real cable
        self.uart = UartSink(self.dut.txd, baud=uart_baud(bit))

    async def _monitor(self):
        while True:
            await RisingEdge(self.dut.clk)
            await ReadOnly()
            if self.recording:
                self.line.append(int(self.dut.txd.value))
                self.busy.append(int(self.dut.busy.value))

    async def reset(self):
        await pulse_reset(self.dut)
        self.recording = True

    def idle_low_cycles(self):
        """Cycles in which busy was low but the line was not high."""
        return sum(1 for t, b in zip(self.line, self.busy) if not b and not t)

    def low_runs(self):
        """Lengths of the runs of low line cycles."""
        runs, n = [], 0
        for t in self.line:
            if t:
                if n:
                    runs.append(n)
                n = 0
            else:
                n += 1
        return runs

    def check_frame(self, start, byte):
        """The frame starting at cycle index `start` is exactly start bit, byte LSB first, stop
        bit, each self.bit cycles long."""
        bits = [0] + [(byte >> i) & 1 for i in range(8)] + [1]
        for k, b in enumerate(bits):
            seen = list(self.line[start + k * self.bit:start + (k + 1) * self.bit])
            assert seen == [b] * self.bit, \
                f"byte 0x{byte:02x}: bit {k} from cycle {start + k * self.bit} is {seen}, not {self.bit} x {b}"

    async def read(self, n, timeout_us):
        got = bytearray()
        while len(got) < n:
            got += await with_timeout(self.uart.read(), timeout_us, "us")
        return got


def long_gaps(bit, seed=5):
    """tvalid pauses from none to three byte times long (a pause generator yields one value per
    cycle: True holds tvalid low)."""
    rng = random.Random(seed)
    while True:
        if rng.random() < 0.5:
            for _ in range(rng.randrange(1, 30 * bit)):
                yield True
        yield False


async def run_test_stream(dut, bit=BIT_CYCLES[0], idle=None):
    """Random bytes, with or without tvalid gaps, arrive exactly at the reference receiver; the
    line is high whenever the transmitter is not busy and every low run is whole bits."""
    tb = TB(dut, bit)
    if idle:
        tb.source.set_pause_generator(idle(tb.bit))
    await tb.reset()
    await ClockCycles(dut.clk, 3 * tb.bit)
    assert all(tb.line), "the line idles high after reset"
    rng = random.Random(21)
    data = bytes(rng.randrange(256) for _ in range(64)) + b"\x00\xff\x55\xaa"
    for b in data:
        await tb.source.send(ByteTransaction(tdata=b))
    got = await tb.read(len(data), len(data) * 50 * tb.bit * CLK_PERIOD_NS / 1000)
    assert got == data
    await ClockCycles(dut.clk, 20 * tb.bit)
    assert tb.uart.empty(), f"extra bytes {bytes(tb.uart.read_nowait()).hex()}"
    assert int(dut.busy.value) == 0 and int(dut.txd.value) == 1
    assert tb.idle_low_cycles() == 0, "line low while not busy"
    runs = tb.low_runs()
    assert runs and all(n % tb.bit == 0 for n in runs), \
        f"low runs not whole bits of {tb.bit} cycles: {sorted(set(runs))}"


@cocotb.test()
async def test_bit_timing(dut):
    """One byte at a time, at each rate in turn (bit_cycles changed while idle, no reset): the
    start bit, measured from the line, lasts exactly bit_cycles cycles, so does every other bit,
    busy covers the frame to the end of the stop bit, and the line then stays high."""
    tb = TB(dut)
    await tb.reset()
    for bit, byte in [(bit, byte) for bit in BIT_CYCLES for byte in (0x55, 0x01, 0xff, 0x00, 0x80)]:
        if bit != tb.bit:
            tb.set_rate(bit)
        first = len(tb.line)
        await tb.source.send(ByteTransaction(tdata=byte))
        await ClockCycles(dut.clk, 14 * tb.bit)
        line = tb.line[first:]
        start = line.index(0)
        stop_end = start + 10 * tb.bit
        if byte & 1:
            # data bit 0 is high: the first low run is the start bit alone
            start_len = line.index(1, start) - start
            assert start_len == tb.bit, f"start bit of 0x{byte:02x}: {start_len} cycles, expected {tb.bit}"
        tb.check_frame(first + start, byte)
        assert all(line[stop_end:]), "line high after the stop bit"
        busy = list(tb.busy[first:])
        assert busy[start:stop_end] == [1] * (10 * tb.bit), "busy through the frame"
        assert not any(busy[stop_end:]), "busy falls after the stop bit"
        assert (await tb.read(1, 1)) == bytes([byte])


async def run_test_back_to_back(dut, bit=BIT_CYCLES[0]):
    """A stream without gaps: frame k starts exactly 10 * k bit times after the first, with
    nothing between the stop bit and the next start bit."""
    tb = TB(dut, bit)
    await tb.reset()
    rng = random.Random(3)
    data = bytes(rng.randrange(256) for _ in range(24))
    for b in data:
        tb.source.send_nowait(ByteTransaction(tdata=b))
    got = await tb.read(len(data), len(data) * 12 * tb.bit * CLK_PERIOD_NS / 1000)
    await ClockCycles(dut.clk, 2 * tb.bit)
    assert got == data
    first = tb.line.index(0)
    for k, b in enumerate(data):
        tb.check_frame(first + 10 * tb.bit * k, b)
    end = first + 10 * tb.bit * len(data)
    assert all(tb.busy[first:end]), "busy throughout a back-to-back stream"
    assert all(tb.line[end:]) and not any(tb.busy[end:]), "idle after the last stop bit"


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_back_to_back)
    factory.add_option("bit", BIT_CYCLES)
    factory.generate_tests()

    factory = TestFactory(run_test_stream)
    factory.add_option("bit", BIT_CYCLES)
    factory.add_option("idle", [None, long_gaps])
    factory.generate_tests()
