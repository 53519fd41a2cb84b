"""csr_stats: every counter against a model, cycle by cycle: random increments of any size,
32-bit wrap, clear (which wins over an increment in the same cycle), rst."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge

from flue_tb import random_pause


class TB:
    def __init__(self, dut):
        self.dut = dut
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.n = int(dut.COUNTERS.value)
        self.w = int(dut.INC_WIDTH.value)
        self.model = [0] * self.n
        dut.s_inc.setimmediatevalue(0)
        dut.clear.setimmediatevalue(0)

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0
        self.model = [0] * self.n
        await FallingEdge(self.dut.clk)

    def counts(self):
        v = int(self.dut.m_count.value)
        return [(v >> (32 * i)) & 0xffffffff for i in range(self.n)]

    async def cycle(self, incs, clear=0):
        """Drive one cycle of increments (and clear), then check every counter."""
        dut = self.dut
        dut.s_inc.value = sum(v << (self.w * i) for i, v in enumerate(incs))
        dut.clear.value = clear
        await RisingEdge(dut.clk)
        if clear:
            self.model = [0] * self.n
        else:
            self.model = [(m + v) & 0xffffffff for m, v in zip(self.model, incs)]
        await ReadOnly()
        got = self.counts()
        assert got == self.model, [(i, hex(g), hex(m)) for i, (g, m) in enumerate(zip(got, self.model)) if g != m]
        await FallingEdge(dut.clk)


async def run_test_counters(dut, idle=None):
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(51)
    gaps = idle() if idle else None
    for n in range(400):
        if gaps and next(gaps):
            incs = [0] * tb.n
        else:
            incs = [rng.choice([0, 0, 1, rng.randrange(1 << tb.w), (1 << tb.w) - 1]) for _ in range(tb.n)]
        await tb.cycle(incs, clear=int(rng.random() < 0.02))
    # 32-bit wrap: counters forced near the top
    dut.s_inc.value = 0
    dut.clear.value = 0
    dut.count_reg.value = sum(0xFFFF_FFF0 << (32 * i) for i in range(tb.n))
    await FallingEdge(dut.clk)
    tb.model = [0xFFFF_FFF0] * tb.n
    for _ in range(4):
        await tb.cycle([(1 << tb.w) - 1 if i % 2 else 9 for i in range(tb.n)])
    assert all(v < 0xFFFF_FFF0 for v in tb.counts()), "every counter wrapped"
    await tb.cycle([5] * tb.n, clear=1)
    assert tb.counts() == [0] * tb.n
    await tb.cycle([7] * tb.n)
    await tb.reset()
    await ReadOnly()
    assert tb.counts() == [0] * tb.n, "rst zeroes every counter"


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_counters)
    factory.add_option("idle", [None, random_pause])
    factory.generate_tests()
