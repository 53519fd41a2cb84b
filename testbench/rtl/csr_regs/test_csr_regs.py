"""csr_regs against the contract: every register's reset value and access kind (ro ignores
writes, rw stores with byte strobes, wo reads 0 and pulses, w1c), CTRL.ENABLE's ring-config
check and ring restart, self-clearing SOFT_RESET, the TIMESTAMP_LO read latching
TIMESTAMP_HI, fault recording (cause bits, first address, fault events, queue stop), IRQ
status, live status inputs and the STAT_* window. Accesses with and without idle cycles."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, RisingEdge, Timer

import flue_contract as fc
from flue_contract import FaultCause, Reg
from flue_tb import random_pause, reg_access, reg_field

ACCESS = reg_access()
STATS = sorted((r for r in Reg if r.name.startswith("STAT_")), key=int)


def field(reg, name, value):
    lsb, width = reg_field(reg, name)
    return (value & ((1 << width) - 1)) << lsb


def fmask(reg, name):
    return field(reg, name, -1)


class TB:
    def __init__(self, dut, idle=None):
        self.dut = dut
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.vectors = int(dut.IRQ_VECTORS.value)
        self.dma_bytes = int(dut.DMA_DATA_WIDTH.value) // 8
        self.gaps = idle() if idle else None
        self.ts = 0
        self.ts_run = False
        self.pulses = {"soft_reset_req": [], "queue_start": [], "stats_clear": [], "irq_arm": [],
                       "fault_event_count": []}
        self.cycle = 0
        for name, v in (("reg_wr_addr", 0), ("reg_wr_data", 0), ("reg_wr_strb", 0), ("reg_wr_en", 0),
                        ("reg_rd_addr", 0), ("reg_rd_en", 0), ("ready", 1), ("idle", 1), ("timestamp", 0),
                        ("req_head", 0), ("cpl_tail", 0), ("stat_count", 0), ("fault_dma_rd", 0),
                        ("fault_dma_rd_addr", 0), ("fault_dma_wr", 0), ("fault_dma_wr_addr", 0),
                        ("fault_req_fetch", 0), ("fault_cpl_write", 0), ("irq_fire", 0)):
            getattr(dut, name).setimmediatevalue(v)
        cocotb.start_soon(self._monitor())
        cocotb.start_soon(self._clock_ts())

    # readback mask of rw registers narrower than 32 bits, from their contract descriptions:
    # MAC_HI holds bytes 4..5 in bits 15:0, IRQ_MASK one bit per vector
    def rw_mask(self, reg):
        return {Reg.MAC_HI: 0xffff, Reg.IRQ_MASK: (1 << self.vectors) - 1}.get(reg, 0xffffffff)

    def reset_value(self, reg):
        v = fc.REG_RESET[reg]
        if reg == Reg.CAPS:
            v = (v & ~fmask("CAPS", "DMA_BYTES_LOG2")) | field("CAPS", "DMA_BYTES_LOG2", self.dma_bytes.bit_length() - 1)
            v = (v & ~fmask("CAPS", "IRQ_VECTORS")) | field("CAPS", "IRQ_VECTORS", self.vectors)
        if reg == Reg.IRQ_MASK:
            v &= (1 << self.vectors) - 1
        return v

    async def _monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            self.cycle += 1
            for name, log in self.pulses.items():
                v = getattr(dut, name).value
                if v.is_resolvable and int(v):
                    log.append((self.cycle, int(v)))

    async def _clock_ts(self):
        while True:
            await FallingEdge(self.dut.clk)
            if self.ts_run:
                self.ts = (self.ts + 1) & (2**64 - 1)
            self.dut.timestamp.value = self.ts

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0
        await FallingEdge(self.dut.clk)
        for log in self.pulses.values():
            log.clear()

    async def gap(self):
        while self.gaps and next(self.gaps):
            await FallingEdge(self.dut.clk)

    async def wr(self, reg, value, strb=0xf):
        """One write strobe (a cycle), as csr_axil_slave gives it."""
        await self.gap()
        dut = self.dut
        dut.reg_wr_addr.value = int(reg)
        dut.reg_wr_data.value = value & 0xffffffff
        dut.reg_wr_strb.value = strb
        dut.reg_wr_en.value = 1
        await FallingEdge(dut.clk)
        dut.reg_wr_en.value = 0

    async def rd(self, reg, with_ts=False):
        """One read strobe; the data is taken in the strobe cycle."""
        await self.gap()
        dut = self.dut
        dut.reg_rd_addr.value = int(reg)
        dut.reg_rd_en.value = 1
        await Timer(1, "ns")
        value = int(dut.reg_rd_data.value)
        ts = int(dut.timestamp.value)
        await FallingEdge(dut.clk)
        dut.reg_rd_en.value = 0
        return (value, ts) if with_ts else value

    async def idle_cycles(self, n):
        for _ in range(n):
            await FallingEdge(self.dut.clk)

    async def pulse(self, **signals):
        """Drive inputs for one cycle."""
        for name, v in signals.items():
            getattr(self.dut, name).value = v
        await FallingEdge(self.dut.clk)
        for name in signals:
            if not name.endswith("_addr"):
                getattr(self.dut, name).value = 0

    async def enable(self, req_log2=4, cpl_log2=4, req_base=0x1000, cpl_base=0x2000):
        await self.wr(Reg.REQ_BASE_LO, req_base)
        await self.wr(Reg.REQ_SIZE_LOG2, req_log2)
        await self.wr(Reg.CPL_BASE_LO, cpl_base)
        await self.wr(Reg.CPL_SIZE_LOG2, cpl_log2)
        await self.wr(Reg.CTRL, field("CTRL", "ENABLE", 1))


async def run_test_reset_values(dut, idle=None):
    tb = TB(dut, idle)
    await tb.reset()
    for reg in Reg:
        assert await tb.rd(reg) == tb.reset_value(reg), f"{reg.name} reset value"
    assert int(dut.queue_running.value) == 0
    assert int(dut.irq_mask.value) == tb.reset_value(Reg.IRQ_MASK)
    assert int(dut.irq_mod_count.value) == sum(fc.REG_RESET[Reg[f"IRQ_MOD_COUNT_{v}"]] << (32 * v) for v in range(tb.vectors))


async def run_test_access(dut, idle=None):
    """Every register by its contract access kind, against a model of the whole map."""
    tb = TB(dut, idle)
    await tb.reset()
    rng = random.Random(71)
    model = {reg: tb.reset_value(reg) for reg in Reg}
    for reg in Reg:
        kind = ACCESS[reg]
        if reg == Reg.CTRL:
            continue                        # side effects: run_test_ctrl
        v = rng.randrange(1 << 32) | 1
        if kind == "ro":
            await tb.wr(reg, ~model[reg])
            assert await tb.rd(reg) == model[reg], f"{reg.name} is read-only"
        elif kind == "rw":
            mask = tb.rw_mask(reg)
            await tb.wr(reg, v)
            assert await tb.rd(reg) == v & mask, f"{reg.name} stores its value"
            # byte strobes: only bytes 0 and 2 change
            w = rng.randrange(1 << 32)
            await tb.wr(reg, w, strb=0b0101)
            expect = ((v & 0xff00ff00) | (w & 0x00ff00ff)) & mask
            assert await tb.rd(reg) == expect, f"{reg.name} byte strobes"
            model[reg] = expect
        elif kind == "wo":
            n = len(tb.pulses["irq_arm"]) + len(tb.pulses["stats_clear"])
            await tb.wr(reg, 0)
            await tb.idle_cycles(2)
            assert len(tb.pulses["irq_arm"]) + len(tb.pulses["stats_clear"]) == n, f"{reg.name}: writing 0 does nothing"
            await tb.wr(reg, v)
            assert await tb.rd(reg) == 0, f"{reg.name} reads 0"
        elif kind == "w1c":
            await tb.wr(reg, 0xffffffff)
            assert await tb.rd(reg) == 0, f"{reg.name}: a write cannot set a bit"
        else:
            raise AssertionError(f"{reg.name}: unknown access {kind}")
    # the wo pulses: one cycle each, with the bits written
    arm = [p for p in tb.pulses["irq_arm"]]
    assert len(arm) == 1 and arm[0][1] & ((1 << tb.vectors) - 1) != 0
    assert len(tb.pulses["stats_clear"]) == 1
    # nothing written to one register leaked into another
    for reg in Reg:
        if ACCESS[reg] != "wo":
            assert await tb.rd(reg) == model[reg], f"{reg.name} after writes to every register"
    assert not tb.pulses["soft_reset_req"] and not tb.pulses["queue_start"]
    assert not tb.pulses["fault_event_count"]


async def run_test_ctrl(dut, idle=None):
    """ENABLE with a bad ring config records RING_CONFIG and stays off; a good one starts the
    queues with one queue_start pulse and REQ_TAIL/CPL_HEAD at 0; SOFT_RESET pulses once and
    reads back 0."""
    tb = TB(dut, idle)
    await tb.reset()
    enable = field("CTRL", "ENABLE", 1)
    soft = field("CTRL", "SOFT_RESET", 1)
    bad_configs = [
        dict(req_log2=fc.RING_MIN_LOG2 - 1), dict(req_log2=fc.RING_MAX_LOG2 + 1),
        dict(cpl_log2=fc.RING_MIN_LOG2 - 1), dict(cpl_log2=fc.RING_MAX_LOG2 + 1),
        dict(req_base=0x1000 + fc.REQ_ENTRY_BYTES // 2), dict(cpl_base=0x2000 + 4),
    ]
    for n, cfg in enumerate(bad_configs):
        await tb.enable(**cfg)
        await tb.idle_cycles(2)
        assert await tb.rd(Reg.FAULT_CAUSE) == FaultCause.RING_CONFIG, cfg
        assert await tb.rd(Reg.CTRL) == 0 and int(dut.queue_running.value) == 0, cfg
        status = await tb.rd(Reg.STATUS)
        assert status & fmask("STATUS", "FAULT") and not status & fmask("STATUS", "ENABLED")
        assert len(tb.pulses["fault_event_count"]) == n + 1, "a fault event when RING_CONFIG is set"
        await tb.wr(Reg.FAULT_CAUSE, FaultCause.RING_CONFIG)
        assert await tb.rd(Reg.FAULT_CAUSE) == 0
    assert not tb.pulses["queue_start"]
    # the limits themselves are good
    await tb.wr(Reg.REQ_TAIL, 7)
    await tb.wr(Reg.CPL_HEAD, 5)
    await tb.enable(req_log2=fc.RING_MIN_LOG2, cpl_log2=fc.RING_MAX_LOG2, req_base=0x12340, cpl_base=0x56780)
    await tb.idle_cycles(2)
    assert len(tb.pulses["queue_start"]) == 1
    assert int(dut.queue_running.value) == 1
    assert await tb.rd(Reg.CTRL) == enable
    assert await tb.rd(Reg.STATUS) & fmask("STATUS", "ENABLED")
    assert await tb.rd(Reg.FAULT_CAUSE) == 0
    assert await tb.rd(Reg.REQ_TAIL) == 0 and await tb.rd(Reg.CPL_HEAD) == 0, "ring indices restart"
    assert int(dut.req_base.value) == 0x12340 and int(dut.cpl_base.value) == 0x56780
    assert int(dut.req_size_log2.value) == fc.RING_MIN_LOG2 and int(dut.cpl_size_log2.value) == fc.RING_MAX_LOG2
    # ENABLE again while enabled: no restart
    await tb.wr(Reg.REQ_TAIL, 3)
    await tb.wr(Reg.CTRL, enable)
    await tb.idle_cycles(2)
    assert len(tb.pulses["queue_start"]) == 1 and await tb.rd(Reg.REQ_TAIL) == 3
    assert int(dut.req_tail.value) == 3
    # a write whose strobes miss byte 0 leaves CTRL alone
    await tb.wr(Reg.CTRL, 0, strb=0b1110)
    assert await tb.rd(Reg.CTRL) == enable
    # SOFT_RESET: a one-cycle request in the write's cycle, self-clearing, ENABLE untouched
    await tb.wr(Reg.CTRL, soft | enable)
    await tb.idle_cycles(2)
    assert len(tb.pulses["soft_reset_req"]) == 1
    assert await tb.rd(Reg.CTRL) == enable, "SOFT_RESET reads back 0"
    await tb.wr(Reg.CTRL, soft)
    await tb.idle_cycles(2)
    assert len(tb.pulses["soft_reset_req"]) == 2 and await tb.rd(Reg.CTRL) == enable
    # disable, then enable again: another restart
    await tb.wr(Reg.CTRL, 0)
    assert int(dut.queue_running.value) == 0 and await tb.rd(Reg.CTRL) == 0
    await tb.wr(Reg.CTRL, enable)
    await tb.idle_cycles(2)
    assert len(tb.pulses["queue_start"]) == 2 and int(dut.queue_running.value) == 1
    assert not tb.pulses["fault_event_count"][len(bad_configs):]


async def run_test_timestamp(dut, idle=None):
    """TIMESTAMP_LO reads the live low word and latches the high word, which TIMESTAMP_HI
    returns until the next TIMESTAMP_LO read, across a carry."""
    tb = TB(dut, idle)
    await tb.reset()
    tb.ts = 0x0000_0007_FFFF_FFC0
    tb.ts_run = True
    await tb.idle_cycles(1)
    lo, ts = await tb.rd(Reg.TIMESTAMP_LO, with_ts=True)
    assert lo == ts & 0xffffffff
    while tb.ts < 0x0000_0008_0000_0010:
        await tb.idle_cycles(1)
    assert await tb.rd(Reg.TIMESTAMP_HI) == ts >> 32 == 7, "high word latched by the LO read, not live"
    lo2, ts2 = await tb.rd(Reg.TIMESTAMP_LO, with_ts=True)
    assert lo2 == ts2 & 0xffffffff and ts2 >> 32 == 8
    assert await tb.rd(Reg.TIMESTAMP_HI) == 8
    # reading HI alone latches nothing; other reads neither
    hi_before = await tb.rd(Reg.TIMESTAMP_HI)
    tb.ts = 0x0000_0123_0000_0000
    await tb.rd(Reg.TIMESTAMP_HI)
    await tb.rd(Reg.ID)
    assert await tb.rd(Reg.TIMESTAMP_HI) == hi_before
    # a write to TIMESTAMP_LO is not a read
    await tb.wr(Reg.TIMESTAMP_LO, 0)
    assert await tb.rd(Reg.TIMESTAMP_HI) == hi_before


async def run_test_faults(dut, idle=None):
    """Fault inputs set their cause bits (failed fetch or completion write also stops the
    queues), FAULT_ADDR holds the first DMA fault's address until FAULT_CAUSE is cleared, one
    fault event per newly set bit; IRQ_STATUS sets on firing and clears by W1C, a firing in the
    clearing cycle wins."""
    tb = TB(dut, idle)
    await tb.reset()
    await tb.enable()
    await tb.idle_cycles(2)
    assert int(dut.queue_running.value) == 1
    await tb.pulse(fault_dma_rd=1, fault_dma_rd_addr=0x1111_2222_3333_4444)
    await tb.pulse(fault_dma_wr=1, fault_dma_wr_addr=0x5555_6666)
    await tb.idle_cycles(2)
    assert await tb.rd(Reg.FAULT_CAUSE) == FaultCause.DMA_READ | FaultCause.DMA_WRITE
    assert await tb.rd(Reg.FAULT_ADDR_LO) == 0x3333_4444 and await tb.rd(Reg.FAULT_ADDR_HI) == 0x1111_2222, "first fault"
    assert sum(v for _, v in tb.pulses["fault_event_count"]) == 2
    assert int(dut.queue_running.value) == 1, "a DMA fault alone does not stop the queues"
    # the same causes again: no new events, address kept
    await tb.pulse(fault_dma_rd=1, fault_dma_rd_addr=0x9999)
    await tb.idle_cycles(2)
    assert sum(v for _, v in tb.pulses["fault_event_count"]) == 2
    assert await tb.rd(Reg.FAULT_ADDR_LO) == 0x3333_4444
    # clearing one bit keeps the address; clearing all forgets it
    await tb.wr(Reg.FAULT_CAUSE, FaultCause.DMA_READ)
    assert await tb.rd(Reg.FAULT_CAUSE) == FaultCause.DMA_WRITE
    assert await tb.rd(Reg.FAULT_ADDR_LO) == 0x3333_4444
    await tb.wr(Reg.FAULT_CAUSE, 0xffffffff)
    assert await tb.rd(Reg.FAULT_CAUSE) == 0
    assert not await tb.rd(Reg.STATUS) & fmask("STATUS", "FAULT")
    await tb.pulse(fault_dma_wr=1, fault_dma_wr_addr=0xabcd_0000)
    await tb.idle_cycles(1)
    assert await tb.rd(Reg.FAULT_ADDR_LO) == 0xabcd_0000 and await tb.rd(Reg.FAULT_ADDR_HI) == 0
    await tb.wr(Reg.FAULT_CAUSE, 0xffffffff)
    # a fault in the very cycle the host clears FAULT_CAUSE is the first one since it was
    # clear: its bit stays, its address is recorded, and it raises a fault event
    await tb.pulse(fault_dma_wr=1, fault_dma_wr_addr=0x4444_0000)
    await tb.idle_cycles(1)
    n = sum(v for _, v in tb.pulses["fault_event_count"])
    await tb.gap()
    dut.fault_dma_wr.value = 1
    dut.fault_dma_wr_addr.value = 0x5555_0000
    await tb.wr(Reg.FAULT_CAUSE, 0xffffffff)
    dut.fault_dma_wr.value = 0
    await tb.idle_cycles(2)
    assert await tb.rd(Reg.FAULT_CAUSE) == FaultCause.DMA_WRITE
    assert await tb.rd(Reg.FAULT_ADDR_LO) == 0x5555_0000, "address of the fault that came with the clear"
    assert sum(v for _, v in tb.pulses["fault_event_count"]) == n + 1, "a fault event for it"
    await tb.wr(Reg.FAULT_CAUSE, 0xffffffff)
    # a failed fetch is a DMA read fault too, and stops the queues until reset
    n = sum(v for _, v in tb.pulses["fault_event_count"])
    await tb.pulse(fault_req_fetch=1, fault_dma_rd=1, fault_dma_rd_addr=0x1000)
    await tb.idle_cycles(2)
    assert await tb.rd(Reg.FAULT_CAUSE) == FaultCause.REQ_FETCH | FaultCause.DMA_READ
    assert sum(v for _, v in tb.pulses["fault_event_count"]) == n + 2
    assert int(dut.queue_running.value) == 0
    status = await tb.rd(Reg.STATUS)
    assert not status & fmask("STATUS", "ENABLED") and status & fmask("STATUS", "FAULT")
    await tb.wr(Reg.FAULT_CAUSE, 0xffffffff)
    await tb.wr(Reg.CTRL, 0)
    await tb.wr(Reg.CTRL, field("CTRL", "ENABLE", 1))
    assert int(dut.queue_running.value) == 0, "stopped until reset"
    await tb.reset()
    await tb.enable()
    await tb.pulse(fault_cpl_write=1)
    await tb.idle_cycles(2)
    assert await tb.rd(Reg.FAULT_CAUSE) == FaultCause.CPL_WRITE | FaultCause.DMA_WRITE
    assert int(dut.queue_running.value) == 0
    # interrupts
    all_v = (1 << tb.vectors) - 1
    await tb.pulse(irq_fire=0b0101 & all_v)
    await tb.pulse(irq_fire=0b0010)
    assert await tb.rd(Reg.IRQ_STATUS) == 0b0111 & all_v
    await tb.wr(Reg.IRQ_STATUS, 0b0001)
    assert await tb.rd(Reg.IRQ_STATUS) == 0b0110 & all_v
    # W1C of a bit that fires in the same cycle: it stays set
    await tb.gap()
    dut.irq_fire.value = 0b0010
    await tb.wr(Reg.IRQ_STATUS, all_v)
    dut.irq_fire.value = 0
    assert await tb.rd(Reg.IRQ_STATUS) == 0b0010
    await tb.wr(Reg.IRQ_STATUS, 0b0010, strb=0b1110)
    assert await tb.rd(Reg.IRQ_STATUS) == 0b0010, "strobes apply to W1C"
    await tb.wr(Reg.IRQ_STATUS, 0b0010)
    assert await tb.rd(Reg.IRQ_STATUS) == 0


async def run_test_live(dut, idle=None):
    """STATUS, REQ_HEAD, CPL_TAIL and the STAT_* window follow their inputs; the register
    outputs follow the registers."""
    tb = TB(dut, idle)
    await tb.reset()
    ready, idle_b = fmask("STATUS", "READY"), fmask("STATUS", "IDLE")
    for r, i in ((0, 0), (1, 0), (0, 1), (1, 1)):
        dut.ready.value = r
        dut.idle.value = i
        assert await tb.rd(Reg.STATUS) == (ready if r else 0) | (idle_b if i else 0)
    dut.req_head.value = 0xbeef
    dut.cpl_tail.value = 0x1234
    assert await tb.rd(Reg.REQ_HEAD) == 0xbeef and await tb.rd(Reg.CPL_TAIL) == 0x1234
    values = [0x1000_0000 * (i + 1) + i * 0x1111 for i in range(len(STATS))]
    dut.stat_count.value = sum((v & 0xffffffff) << (32 * i) for i, v in enumerate(values))
    for i, reg in enumerate(STATS):
        assert await tb.rd(reg) == values[i] & 0xffffffff, f"{reg.name} is counter {i}"
    await tb.wr(Reg.STATS_CLEAR, 1)
    await tb.idle_cycles(1)
    assert len(tb.pulses["stats_clear"]) == 1
    await tb.wr(Reg.REQ_BASE_LO, 0x8765_4320)
    await tb.wr(Reg.REQ_BASE_HI, 0x0000_abcd)
    await tb.wr(Reg.CPL_BASE_HI, 0x1)
    await tb.wr(Reg.IRQ_MASK, 0b1010)
    for v in range(tb.vectors):
        await tb.wr(Reg[f"IRQ_MOD_COUNT_{v}"], 100 + v)
        await tb.wr(Reg[f"IRQ_MOD_TIME_{v}"], 1000 + v)
        await tb.wr(Reg[f"IRQ_MOD_IDLE_{v}"], 2000 + v)
    await tb.idle_cycles(1)
    assert int(dut.req_base.value) == 0x0000_abcd_8765_4320
    assert int(dut.cpl_base.value) >> 32 == 1
    assert int(dut.irq_mask.value) == 0b1010 & ((1 << tb.vectors) - 1)
    for v in range(tb.vectors):
        assert (int(dut.irq_mod_count.value) >> (32 * v)) & 0xffffffff == 100 + v
        assert (int(dut.irq_mod_time.value) >> (32 * v)) & 0xffffffff == 1000 + v
        assert (int(dut.irq_mod_idle.value) >> (32 * v)) & 0xffffffff == 2000 + v
    await tb.wr(Reg.IRQ_ARM, 0b0110)
    await tb.idle_cycles(1)
    assert tb.pulses["irq_arm"][-1][1] == 0b0110 & ((1 << tb.vectors) - 1)
    assert int(dut.irq_arm.value) == 0, "one cycle"


if cocotb.SIM_NAME:
    for test in (run_test_reset_values, run_test_access, run_test_ctrl, run_test_timestamp, run_test_faults,
                 run_test_live):
        factory = TestFactory(test)
        factory.add_option("idle", [None, random_pause])
        factory.generate_tests()
