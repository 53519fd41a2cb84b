"""csr_reset_ctrl: a soft-reset request quiesces and drops ready at once, waits for the drain
however long it takes, then holds core_rst for exactly RESET_CYCLES cycles; requests during a
sequence are absorbed; rst drives core_rst directly and ends any sequence."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge


class TB:
    def __init__(self, dut):
        self.dut = dut
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.reset_cycles = int(dut.RESET_CYCLES.value)
        dut.soft_reset_req.setimmediatevalue(0)
        dut.drain_idle.setimmediatevalue(1)

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        await FallingEdge(self.dut.clk)
        self.dut.rst.value = 0

    async def step(self, req=0, drain_idle=1):
        """One cycle with these inputs; returns (core_rst, quiesce, ready) after its edge."""
        dut = self.dut
        dut.soft_reset_req.value = req
        dut.drain_idle.value = drain_idle
        await RisingEdge(dut.clk)
        await ReadOnly()
        out = (int(dut.core_rst.value), int(dut.quiesce.value), int(dut.ready.value))
        await FallingEdge(dut.clk)
        return out


async def run_test_sequence(dut, drain_cycles=0):
    tb = TB(dut)
    await tb.reset()
    assert await tb.step() == (0, 0, 1), "running after rst"
    assert await tb.step(req=1, drain_idle=0) == (0, 1, 0), "request: quiesce, not ready"
    rng = random.Random(drain_cycles)
    for _ in range(drain_cycles):
        # a second request while draining changes nothing
        assert await tb.step(req=int(rng.random() < 0.3), drain_idle=0) == (0, 1, 0)
    trace = [await tb.step(drain_idle=1) for _ in range(tb.reset_cycles + 3)]
    assert trace[:tb.reset_cycles] == [(1, 1, 0)] * tb.reset_cycles, trace
    assert trace[tb.reset_cycles:] == [(0, 0, 1)] * 3, trace
    # requests in the reset phase are absorbed too
    assert await tb.step(req=1) == (0, 1, 0)
    trace = [await tb.step(req=1) for _ in range(tb.reset_cycles)]
    assert trace == [(1, 1, 0)] * tb.reset_cycles, trace
    assert await tb.step() == (0, 0, 1)


async def run_test_rst(dut, drain_cycles=0):
    """rst raises core_rst in the same cycle and returns the sequencer to running."""
    tb = TB(dut)
    await tb.reset()
    await tb.step(req=1, drain_idle=0)
    for _ in range(drain_cycles):
        await tb.step(drain_idle=0)
    dut.rst.value = 1
    await ReadOnly()
    assert int(dut.core_rst.value) == 1, "core_rst follows rst at once"
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    assert await tb.step(drain_idle=0) == (0, 0, 1)


if cocotb.SIM_NAME:
    for test in (run_test_sequence, run_test_rst):
        factory = TestFactory(test)
        factory.add_option("drain_cycles", [0, 1, 37])
        factory.generate_tests()
