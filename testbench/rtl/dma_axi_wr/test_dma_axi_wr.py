"""dma_axi_wr: unaligned addresses and lengths (wstrb), 4 KiB crossings, error responses, pauses."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSource
from cocotbext.axi.stream import define_stream

from flue_tb import AxiBurstChecker, HostRam, cycle_pause, pulse_reset, random_pause

DescBus, DescTransaction, DescSource, DescSink, DescMonitor = define_stream(
    "Desc", signals=["addr", "len", "tag", "valid", "ready"])
StatusBus, StatusTransaction, StatusSource, StatusSink, StatusMonitor = define_stream(
    "Status", signals=["tag", "error", "valid"])

BACKGROUND = 0xa5


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.desc = DescSource(DescBus.from_prefix(dut, "s_axis_desc"), dut.clk, dut.rst)
        self.status = StatusSink(StatusBus.from_prefix(dut, "m_axis_desc_status"), dut.clk, dut.rst)
        self.data = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_write_data"), dut.clk, dut.rst)
        self.ram = HostRam(dut, "m_axi", dut.clk, dut.rst, size=2**16, read=False)
        self.ram.write(0, bytes([BACKGROUND]) * 2**16)
        self.rng = random.Random(11)
        self.width = len(dut.m_axi_wdata) // 8
        self.checker = AxiBurstChecker(dut, "m_axi", dut.clk, int(dut.AXI_MAX_BURST_LEN.value))

    def set_pause(self, idle, backpressure):
        self.ram.set_pause(backpressure)
        self.data.set_pause_generator(idle() if idle else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    def payload(self, n):
        return bytes(self.rng.randrange(256) for _ in range(n))

    async def start_write(self, addr, data, tag):
        await self.desc.send(DescTransaction(addr=addr, len=len(data), tag=tag))
        padded = -(-len(data) // self.width) * self.width
        await self.data.send(AxiStreamFrame(data + bytes(padded - len(data))))

    async def write(self, addr, data, tag):
        await self.start_write(addr, data, tag)
        return await with_timeout(self.status.recv(), 100, "us")


async def wait_idle(tb):
    while not tb.dut.status_idle.value:
        await RisingEdge(tb.dut.clk)


async def run_test_write(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    tag = 0
    base = 0x1000
    w = tb.width
    cases = [(off, n) for off in range(w) for n in list(range(1, w + 3)) + [2 * w - 1, 2 * w, 2 * w + 1, 63, 64, 65, 200]]
    cases += [(0xff0 + 3 - base + 0x1000, 100), (0x1ffd, 4096 + 9), (0x3000 - 16 * w + 1 - base, 16 * w)]
    for off, n in cases:
        addr = base + off
        data = tb.payload(n)
        status = await tb.write(addr, data, tag)
        assert int(status.tag) == tag and int(status.error) == 0
        assert tb.ram.read(addr, n) == data, (addr, n)
        assert tb.ram.read(addr - 1, 1)[0] == BACKGROUND, "byte before untouched"
        assert tb.ram.read(addr + n, 1)[0] == BACKGROUND, "byte after untouched"
        tb.ram.write(addr, bytes([BACKGROUND]) * n)
        tag = (tag + 1) & 0xff
    await with_timeout(wait_idle(tb), 10, "us")
    assert not tb.checker.violations, tb.checker.violations[:4]
    assert tb.checker.bursts > len(cases)


async def run_test_error(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    tb.ram.mark_bad(0x8000, 0x100)
    await tb.reset()
    status = await tb.write(0x7f80 + 5, tb.payload(0x200), 7)
    assert int(status.error) != 0 and int(status.tag) == 7
    data = tb.payload(77)
    status = await tb.write(0x9003, data, 8)
    assert int(status.error) == 0
    assert tb.ram.read(0x9003, 77) == data
    await tb.desc.send(DescTransaction(addr=0x100, len=0, tag=9))
    status = await with_timeout(tb.status.recv(), 10, "us")
    assert int(status.tag) == 9 and int(status.error) != 0
    await with_timeout(wait_idle(tb), 10, "us")
    assert not tb.checker.violations, tb.checker.violations[:4]


async def run_test_pipelined(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    ops = [(0x800 * t + t, tb.payload(1 + 97 * t), t) for t in range(16)]
    for addr, data, t in ops:
        await tb.start_write(addr, data, t)
    for addr, data, t in ops:
        status = await with_timeout(tb.status.recv(), 200, "us")
        assert int(status.tag) == t and int(status.error) == 0
    for addr, data, t in ops:
        assert tb.ram.read(addr, len(data)) == data
    assert not tb.checker.violations, tb.checker.violations[:4]


if cocotb.SIM_NAME:
    for test in (run_test_write, run_test_error, run_test_pipelined):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
