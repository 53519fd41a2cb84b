"""sync_pulse: at unrelated clock ratios (source 4x, 1.07x and 1/3.7x the destination clock),
each source pulse of each bit leaves as exactly one destination pulse, 3 to 5 destination
cycles later, when pulses of a bit are at least four destination cycles apart; bits are
independent."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time

RATIOS = [(10000, 40010), (10700, 10000), (37030, 10000)]


async def run_test_pulses(dut, ratio=RATIOS[0]):
    logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
    s_period, m_period = ratio
    cocotb.start_soon(Clock(dut.s_clk, s_period, units="ps").start())
    cocotb.start_soon(Clock(dut.m_clk, m_period, units="ps").start(start_high=False))
    width = len(dut.s_pulse)
    dut.s_pulse.value = 0
    await ClockCycles(dut.m_clk, 8)
    sent = [[] for _ in range(width)]
    got = [[] for _ in range(width)]

    async def monitor():
        while True:
            await RisingEdge(dut.m_clk)
            v = int(dut.m_pulse.value)
            for b in range(width):
                if v >> b & 1:
                    got[b].append(get_sim_time("ps"))

    mon = cocotb.start_soon(monitor())
    rng = random.Random(s_period)
    # a bit may pulse again once 4 destination cycles (and one source cycle) have passed
    gap = -(-(4 * m_period + s_period) // s_period)
    last = [-gap] * width
    for cycle in range(3000):
        await RisingEdge(dut.s_clk)
        v = 0
        for b in range(width):
            if cycle - last[b] >= gap and rng.random() < 0.3:
                v |= 1 << b
                last[b] = cycle
                sent[b].append(get_sim_time("ps"))
        dut.s_pulse.value = v
    await RisingEdge(dut.s_clk)
    dut.s_pulse.value = 0
    await ClockCycles(dut.m_clk, 10)
    mon.kill()
    for b in range(width):
        assert len(got[b]) == len(sent[b]) > 20
        for t_in, t_out in zip(sent[b], got[b]):
            # the pulse is sampled at the next source edge, then 3..5 destination edges
            assert 2 * m_period <= t_out - t_in <= s_period + 5 * m_period


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_pulses)
    factory.add_option("ratio", RATIOS)
    factory.generate_tests()
