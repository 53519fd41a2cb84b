"""dma_axi_rd: unaligned addresses and lengths, 4 KiB crossings, error responses, pauses."""

import itertools
import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamSink
from cocotbext.axi.stream import define_stream

from flue_tb import AxiBurstChecker, HostRam, cycle_pause, pulse_reset, random_pause

DescBus, DescTransaction, DescSource, DescSink, DescMonitor = define_stream(
    "Desc", signals=["addr", "len", "tag", "valid", "ready"])
StatusBus, StatusTransaction, StatusSource, StatusSink, StatusMonitor = define_stream(
    "Status", signals=["tag", "error", "valid"])


def first(v):
    return v[0] if isinstance(v, list) else v


def any_set(v):
    return any(v) if isinstance(v, list) else bool(v)


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.desc = DescSource(DescBus.from_prefix(dut, "s_axis_desc"), dut.clk, dut.rst)
        self.status = StatusSink(StatusBus.from_prefix(dut, "m_axis_desc_status"), dut.clk, dut.rst)
        self.data = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis_read_data"), dut.clk, dut.rst)
        self.ram = HostRam(dut, "m_axi", dut.clk, dut.rst, size=2**16, write=False)
        self.ram.write(0, bytes(random.Random(5).randrange(256) for _ in range(2**16)))
        self.width = len(dut.m_axi_rdata) // 8
        self.checker = AxiBurstChecker(dut, "m_axi", dut.clk, int(dut.AXI_MAX_BURST_LEN.value))

    def set_pause(self, idle, backpressure):
        self.ram.set_pause(idle)
        self.data.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def read(self, addr, length, tag):
        await self.desc.send(DescTransaction(addr=addr, len=length, tag=tag))
        frame = await with_timeout(self.data.recv(), 100, "us")
        status = await with_timeout(self.status.recv(), 10, "us")
        return frame, status


async def run_test_read(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    tag = 0
    w = tb.width
    cases = [(0x1000 + off, n) for off in range(w) for n in list(range(1, w + 3)) + [2 * w - 1, 2 * w, 2 * w + 1, 63, 64, 65, 200]]
    cases += [(0x1ff0 + 3, 100), (0x2ffd, 4096 + 9), (0x3000, 16 * w * 3), (0x4000 - 16 * w + 1, 16 * w)]
    for addr, n in cases:
        frame, status = await tb.read(addr, n, tag)
        assert bytes(frame.tdata) == tb.ram.read(addr, n), (addr, n)
        assert first(frame.tid) == tag and int(status.tag) == tag and int(status.error) == 0
        assert not any_set(frame.tuser)
        tag = (tag + 1) & 0xff
    await with_timeout(wait_idle(tb), 10, "us")
    assert not tb.checker.violations, tb.checker.violations[:4]
    assert tb.checker.bursts > len(cases)


async def wait_idle(tb):
    while not tb.dut.status_idle.value:
        await RisingEdge(tb.dut.clk)


async def run_test_error(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    tb.ram.mark_bad(0x8000, 0x100)
    await tb.reset()
    # an error in the middle burst: every response consumed, status error, engine usable
    frame, status = await tb.read(0x7f80 + 5, 0x200, 7)
    assert int(status.error) != 0 and int(status.tag) == 7
    assert any_set(frame.tuser)
    assert len(frame.tdata) == 0x200
    frame, status = await tb.read(0x9000 + 3, 77, 8)
    assert int(status.error) == 0
    assert bytes(frame.tdata) == tb.ram.read(0x9000 + 3, 77)
    # zero length: error status, no data
    await tb.desc.send(DescTransaction(addr=0x100, len=0, tag=9))
    status = await with_timeout(tb.status.recv(), 10, "us")
    assert int(status.tag) == 9 and int(status.error) != 0
    assert tb.data.empty()
    await with_timeout(wait_idle(tb), 10, "us")
    assert not tb.checker.violations, tb.checker.violations[:4]


async def run_test_pipelined(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(3)
    ops = [(rng.randrange(0, 0xc000), rng.randrange(1, 1600), t) for t in range(24)]
    for addr, n, t in ops:
        await tb.desc.send(DescTransaction(addr=addr, len=n, tag=t))
    for addr, n, t in ops:
        frame = await with_timeout(tb.data.recv(), 200, "us")
        status = await with_timeout(tb.status.recv(), 10, "us")
        assert first(frame.tid) == t and int(status.tag) == t
        assert bytes(frame.tdata) == tb.ram.read(addr, n)
    assert not tb.checker.violations, tb.checker.violations[:4]


if cocotb.SIM_NAME:
    for test in (run_test_read, run_test_error, run_test_pipelined):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
