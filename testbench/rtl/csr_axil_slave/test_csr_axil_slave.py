"""csr_axil_slave: AXI4-Lite reads and writes (full words and byte strobes, concurrent, with
idle and backpressure on every channel) against a register-file model behind the strobe
interface: one write strobe per write with its address, data and strobes; one read strobe per
read, its data sampled in the strobe cycle; OKAY responses."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, RisingEdge, Timer, with_timeout
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from flue_tb import cycle_pause, pulse_reset, random_pause


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.regs = {}             # word address -> value: the register file behind the strobes
        self.writes = []           # (addr, data, strb) per write strobe
        self.reads = []            # addr per read strobe
        dut.reg_rd_data.setimmediatevalue(0)
        cocotb.start_soon(self._regfile())

    def value(self, addr):
        a = addr & ~3
        # a read returns the stored word, mixed with its address so a wrong one shows
        return self.regs.get(a, ((a * 0x00010001) ^ 0x5a5a0000) & 0xffffffff)

    async def _regfile(self):
        dut = self.dut
        while True:
            await FallingEdge(dut.clk)
            # combinational read data, as csr_regs gives it
            if dut.reg_rd_addr.value.is_resolvable:
                dut.reg_rd_data.value = self.value(int(dut.reg_rd_addr.value))
            await RisingEdge(dut.clk)
            if int(dut.rst.value):
                continue
            if int(dut.reg_rd_en.value):
                self.reads.append(int(dut.reg_rd_addr.value))
            if int(dut.reg_wr_en.value):
                addr = int(dut.reg_wr_addr.value)
                data = int(dut.reg_wr_data.value)
                strb = int(dut.reg_wr_strb.value)
                self.writes.append((addr, data, strb))
                old = self.value(addr)
                mask = sum(0xff << (8 * b) for b in range(4) if strb >> b & 1)
                self.regs[addr & ~3] = (old & ~mask) | (data & mask)

    def set_pause(self, idle, backpressure):
        for ch in (self.axil.write_if.aw_channel, self.axil.write_if.w_channel, self.axil.read_if.ar_channel):
            ch.set_pause_generator(idle() if idle else None)
        for ch in (self.axil.write_if.b_channel, self.axil.read_if.r_channel):
            ch.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)


async def run_test_words(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(61)
    addrs = [0x000, 0x004, 0x020, 0x0fc, 0x100, 0x7fc, 0xffc]
    expect = {}
    for a in addrs:
        v = rng.randrange(1 << 32)
        await tb.axil.write_dword(a, v)
        expect[a] = v
    for a in reversed(addrs):
        assert await tb.axil.read_dword(a) == expect[a], hex(a)
    assert tb.writes == [(a, expect[a], 0xf) for a in addrs]
    assert tb.reads == list(reversed(addrs)), "one read strobe per read"
    # an address never written reads what the register file gives
    assert await tb.axil.read_dword(0x444) == tb.value(0x444)


async def run_test_strobes(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    await tb.axil.write_dword(0x40, 0x11223344)
    await tb.axil.write(0x42, b"\xaa")
    assert tb.writes[-1][0] & ~3 == 0x40 and tb.writes[-1][2] == 0b0100
    await tb.axil.write(0x41, b"\xbb\xcc")
    assert tb.writes[-1][2] == 0b0110
    assert await tb.axil.read_dword(0x40) == 0x11ccbb44
    assert len(tb.writes) == 3


async def run_test_concurrent(dut, idle=None, backpressure=None):
    """Reads and writes from two coroutines at once: each completes once, with its data."""
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(62)
    wr_addrs = [0x200 + 4 * i for i in range(24)]
    rd_addrs = [0x800 + 4 * rng.randrange(64) for _ in range(24)]
    values = [rng.randrange(1 << 32) for _ in wr_addrs]
    got = []

    async def writer():
        for a, v in zip(wr_addrs, values):
            await tb.axil.write_dword(a, v)

    async def reader():
        for a in rd_addrs:
            got.append(await tb.axil.read_dword(a))

    w = cocotb.start_soon(writer())
    r = cocotb.start_soon(reader())
    await with_timeout(w, 100, "us")
    await with_timeout(r, 100, "us")
    await Timer(50, "ns")
    # the read window is never written, so each read gives its address's word
    assert got == [tb.value(a) for a in rd_addrs]
    assert tb.writes == [(a, v, 0xf) for a, v in zip(wr_addrs, values)]
    assert tb.reads == rd_addrs
    for a, v in zip(wr_addrs, values):
        assert tb.regs[a] == v


if cocotb.SIM_NAME:
    for test in (run_test_words, run_test_strobes, run_test_concurrent):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
