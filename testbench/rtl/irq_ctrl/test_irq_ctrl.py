"""irq_ctrl: every vector against a cycle model of the moderation rule (irq_moderation's header:
fire when armed, unmasked, events pending and pending >= max(count, 1), or the oldest pending
event is mod_time cycles old, or none has come for mod_idle cycles; firing clears pending and
disarms; arm re-arms), under random
events, arms, masks and settings that differ per vector: the vectors are independent."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge

from flue_tb import x_clean


# X audit (flue_tb.XWatch): no output is X or Z after reset, none allowed
xwatched = x_clean()


class VectorModel:
    def __init__(self):
        self.pending = 0
        self.timer = 0
        self.idle = 0
        self.armed = True
        self.irq = 0

    def step(self, events, arm, mask, count, time, idle):
        threshold = count if count else 1
        due = self.pending >= threshold or (time != 0 and self.timer >= time) or (idle != 0 and self.idle >= idle)
        fire = self.armed and not mask and self.pending != 0 and due
        if self.pending and self.timer != 0xffffffff:
            self.timer += 1
        if self.pending and self.idle != 0xffffffff:
            self.idle += 1
        if fire:
            self.pending, self.timer, self.idle, self.armed = 0, 0, 0, False
        if events:
            self.idle = 0
        self.pending = min(self.pending + events, 0xffffffff)
        if arm:
            self.armed = True
        self.irq = int(fire)


class TB:
    def __init__(self, dut):
        self.dut = dut
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.n = int(dut.IRQ_VECTORS.value)
        self.ew = int(dut.EVENT_WIDTH.value)
        self.models = [VectorModel() for _ in range(self.n)]
        self.fires = [0] * self.n
        for s in ("s_event_count", "arm", "mask", "mod_count", "mod_time", "mod_idle"):
            getattr(dut, s).setimmediatevalue(0)

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        await FallingEdge(self.dut.clk)
        self.dut.rst.value = 0
        self.models = [VectorModel() for _ in range(self.n)]

    async def cycle(self, events, arm, mask, count, time, idle=None):
        idle = idle or [0] * self.n
        dut = self.dut
        dut.s_event_count.value = sum(e << (self.ew * v) for v, e in enumerate(events))
        dut.arm.value = sum(a << v for v, a in enumerate(arm))
        dut.mask.value = sum(m << v for v, m in enumerate(mask))
        dut.mod_count.value = sum(c << (32 * v) for v, c in enumerate(count))
        dut.mod_time.value = sum(t << (32 * v) for v, t in enumerate(time))
        dut.mod_idle.value = sum(t << (32 * v) for v, t in enumerate(idle))
        await RisingEdge(dut.clk)
        for v, m in enumerate(self.models):
            m.step(events[v], arm[v], mask[v], count[v], time[v], idle[v])
        await ReadOnly()
        irq = int(dut.m_irq.value)
        for v, m in enumerate(self.models):
            assert (irq >> v) & 1 == m.irq, f"vector {v}: irq {(irq >> v) & 1}, model {m.irq} (pending {m.pending}, timer {m.timer}, idle {m.idle}, armed {m.armed})"
            self.fires[v] += m.irq
        await FallingEdge(dut.clk)


@xwatched
async def run_test_random(dut, seed=1):
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(seed)
    n = tb.n
    count = [rng.choice([0, 1, 3, 8]) for _ in range(n)]
    time = [rng.choice([0, 5, 40]) for _ in range(n)]
    idle = [rng.choice([0, 0, 3, 12]) for _ in range(n)]
    mask = [0] * n
    rate = [rng.choice([0.05, 0.3, 0.8]) for _ in range(n)]
    for c in range(2500):
        if c % 500 == 499:
            count = [rng.choice([0, 1, 2, 5, 16, 1000]) for _ in range(n)]
            time = [rng.choice([0, 1, 7, 60]) for _ in range(n)]
            idle = [rng.choice([0, 1, 4, 30]) for _ in range(n)]
            rate = [rng.choice([0.02, 0.3, 0.9]) for _ in range(n)]
        if rng.random() < 0.01:
            mask = [int(rng.random() < 0.3) for _ in range(n)]
        events = [rng.randrange(1, 1 << tb.ew) if rng.random() < rate[v] else 0 for v in range(n)]
        arm = [int(rng.random() < 0.05) for _ in range(n)]
        await tb.cycle(events, arm, mask, count, time, idle)
    assert all(f > 3 for f in tb.fires), tb.fires


@xwatched
async def run_test_count_and_time(dut, seed=1):
    """Directed: vector 0 every event, vector 1 count 4, vector 2 time 10 only, vector 3 masked;
    all re-armed each cycle."""
    tb = TB(dut)
    await tb.reset()
    n = tb.n
    count = [1, 4, 1000, 1][:n]
    time = [0, 0, 10, 0][:n]
    mask = [0, 0, 0, 1][:n]
    for c in range(200):
        events = [1 if c % 3 == 0 else 0] * n
        await tb.cycle(events, [1] * n, mask, count, time)
    assert tb.fires[0] == 67
    assert 15 <= tb.fires[1] <= 17
    assert 10 <= tb.fires[2] <= 20
    if n > 3:
        assert tb.fires[3] == 0 and tb.models[3].pending == 67


if cocotb.SIM_NAME:
    for test in (run_test_random, run_test_count_and_time):
        factory = TestFactory(test)
        factory.add_option("seed", [1] if test is run_test_count_and_time else [1, 2])
        factory.generate_tests()
