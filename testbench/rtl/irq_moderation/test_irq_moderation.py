"""irq_moderation: count threshold, timer, idle timer, mask, arm, accumulation while disarmed."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge
from flue_tb import pulse_reset, x_clean


# X audit (flue_tb.XWatch): no output is X or Z after reset, none allowed
xwatched = x_clean()


class TB:
    def __init__(self, dut):
        self.dut = dut
        self.fires = []
        self.cycle = 0
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        dut.s_event_count.setimmediatevalue(0)
        dut.arm.setimmediatevalue(0)
        dut.mask.setimmediatevalue(0)
        dut.mod_count.setimmediatevalue(1)
        dut.mod_time.setimmediatevalue(0)
        dut.mod_idle.setimmediatevalue(0)
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        while True:
            await RisingEdge(self.dut.clk)
            await ReadOnly()
            self.cycle += 1
            if self.dut.m_irq.value.is_resolvable and self.dut.m_irq.value:
                self.fires.append(self.cycle)

    async def reset(self):
        await pulse_reset(self.dut)

    async def events(self, n, per_cycle=1):
        while n > 0:
            k = min(n, per_cycle)
            self.dut.s_event_count.value = k
            await RisingEdge(self.dut.clk)
            n -= k
        self.dut.s_event_count.value = 0

    async def arm(self):
        self.dut.arm.value = 1
        await RisingEdge(self.dut.clk)
        self.dut.arm.value = 0

    async def idle(self, n):
        for _ in range(n):
            await RisingEdge(self.dut.clk)


@cocotb.test()
@xwatched
async def test_every_event(dut):
    tb = TB(dut)
    await tb.reset()
    dut.mod_count.value = 0
    await tb.events(1)
    await tb.idle(3)
    assert len(tb.fires) == 1
    assert not dut.status_armed.value
    await tb.events(3)
    await tb.idle(3)
    assert len(tb.fires) == 1, "disarmed: no fire"
    assert dut.status_pending.value == 3
    await tb.arm()
    await tb.idle(3)
    assert len(tb.fires) == 2, "re-arm with pending events fires"
    assert dut.status_pending.value == 0


@cocotb.test()
@xwatched
async def test_count_threshold(dut):
    tb = TB(dut)
    await tb.reset()
    dut.mod_count.value = 5
    await tb.events(4)
    await tb.idle(10)
    assert not tb.fires
    await tb.events(1)
    await tb.idle(3)
    assert len(tb.fires) == 1
    await tb.arm()
    await tb.events(12, per_cycle=3)
    await tb.idle(3)
    assert len(tb.fires) == 2
    assert dut.status_pending.value in (6, 7)


@cocotb.test()
@xwatched
async def test_timer(dut):
    tb = TB(dut)
    await tb.reset()
    dut.mod_count.value = 100
    dut.mod_time.value = 20
    await tb.events(1)
    start = tb.cycle
    await tb.events(2)
    await tb.idle(40)
    assert len(tb.fires) == 1
    delay = tb.fires[0] - start
    assert 20 <= delay <= 23, delay
    # disarmed: events age; re-arm fires at once once old enough
    await tb.events(1)
    await tb.idle(30)
    assert len(tb.fires) == 1
    await tb.arm()
    await tb.idle(3)
    assert len(tb.fires) == 2


@cocotb.test()
@xwatched
async def test_idle_timer(dut):
    """While events keep coming less than mod_idle cycles apart the count and mod_time batch
    them; mod_idle cycles after the last one the vector fires even below the count, long before
    mod_time. An event restarts the idle time, the oldest one's age is kept; mod_idle 0 is off."""
    tb = TB(dut)
    await tb.reset()
    dut.mod_count.value = 100
    dut.mod_time.value = 200
    dut.mod_idle.value = 10
    # five events 6 cycles apart: none 10 cycles idle, so no fire until after the last
    for _ in range(5):
        await tb.events(1)
        await tb.idle(5)
    assert not tb.fires, tb.fires
    last = tb.cycle - 5
    await tb.idle(20)
    assert len(tb.fires) == 1, tb.fires
    assert 10 <= tb.fires[0] - last <= 13, (tb.fires, last)
    assert dut.status_pending.value == 0
    # events closer than mod_idle for longer than mod_time: mod_time still bounds the wait
    await tb.arm()
    dut.mod_time.value = 40
    await tb.events(1)
    first = tb.cycle
    for _ in range(12):
        await tb.idle(7)
        await tb.events(1)
    assert len(tb.fires) == 2, tb.fires
    assert 40 <= tb.fires[1] - first <= 43, (tb.fires, first)
    # off: a lone event waits out mod_time (re-armed, the events since the second fire go first)
    await tb.arm()
    await tb.idle(20)
    assert len(tb.fires) == 3, tb.fires
    await tb.arm()
    dut.mod_idle.value = 0
    n = len(tb.fires)
    await tb.events(1)
    start = tb.cycle
    await tb.idle(60)
    assert len(tb.fires) == n + 1
    assert 40 <= tb.fires[-1] - start <= 43, (tb.fires, start)


@cocotb.test()
@xwatched
async def test_mask(dut):
    tb = TB(dut)
    await tb.reset()
    dut.mask.value = 1
    await tb.events(5)
    await tb.idle(5)
    assert not tb.fires
    assert dut.status_pending.value == 5
    dut.mask.value = 0
    await tb.idle(3)
    assert len(tb.fires) == 1
    assert dut.status_pending.value == 0
