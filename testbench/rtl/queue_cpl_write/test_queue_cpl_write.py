"""queue_cpl_write: entry layout, phase and wrap, ring-full wait, write error halts, entries
written back to back with several in flight, ring restart with writes in flight."""

import logging

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_tb import DATA_NO_RESET, DmaWritePort, pulse_reset, random_pause, x_clean

CplBus, CplTransaction, CplSource, CplSink, CplMonitor = define_stream(
    "Cpl", signals=["tdata", "tvalid", "tready"])

BASE = 0x1000


# X audit (flue_tb.XWatch): no output is X or Z after reset but this one, and only while its
# valid is 0
xwatched = x_clean(qualified={
    # the entry FIFO's RAM and output register (axis_fifo) have no reset: X until the first entry
    "m_axis_write_data_tdata": ("m_axis_write_data_tvalid", DATA_NO_RESET),
})


def record(tag, status=0, length=0, opcode=fc.Opcode.NOP):
    raw = fc.pack(fc.CPL_ENTRY_FIELDS, {"kind": fc.EntryKind.COMPLETION, "opcode": opcode, "status": status,
                                        "tag": tag, "length": length, "conn": tag ^ 0x55}, fc.CPL_ENTRY_BYTES)
    return int.from_bytes(raw[:16], "little")


class TB:
    def __init__(self, dut, pause=None, latency=5):
        self.dut = dut
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.src = CplSource(CplBus.from_prefix(dut, "s_axis_cpl"), dut.clk, dut.rst)
        self.dma = DmaWritePort(dut, dut.clk, size=2**16, latency=latency, pause=pause, max_inflight=8)
        self.irqs = 0
        self.faults = 0
        dut.start.setimmediatevalue(0)
        dut.ring_base.setimmediatevalue(BASE)
        dut.ring_size_log2.setimmediatevalue(2)
        dut.ring_head.setimmediatevalue(0)
        dut.req_head.setimmediatevalue(0x1234)
        dut.timestamp.setimmediatevalue(0)
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        t = 0
        while True:
            await RisingEdge(self.dut.clk)
            t += 1
            self.dut.timestamp.value = t
            if self.dut.irq_event.value == 1:
                self.irqs += 1
            if self.dut.fault.value == 1:
                self.faults += 1

    async def reset(self):
        await pulse_reset(self.dut)
        self.dut.start.value = 1
        await RisingEdge(self.dut.clk)
        self.dut.start.value = 0

    def entry(self, i):
        return fc.unpack(fc.CPL_ENTRY_FIELDS, bytes(self.dma.mem[BASE + 32 * i:BASE + 32 * i + 32]))

    async def wait_irqs(self, n):
        while self.irqs < n:
            await RisingEdge(self.dut.clk)


@xwatched
async def run_test_ring(dut, pause=None):
    tb = TB(dut, pause)
    await tb.reset()
    for i in range(3):
        await tb.src.send(CplTransaction(tdata=record(0x10 + i, length=i * 100)))
    await with_timeout(tb.wait_irqs(3), 20, "us")
    for i in range(3):
        e = tb.entry(i)
        assert e["tag"] == 0x10 + i and e["length"] == i * 100 and e["conn"] == (0x10 + i) ^ 0x55
        assert e["kind"] == fc.EntryKind.COMPLETION and e["phase"] == 1
        assert e["reqHead"] == 0x1234 and e["info"] == 0 and e["timestamp"] > 0
    assert dut.ring_tail.value == 3
    # ring of 4 with head 0 is full at tail 3: the next record waits
    await tb.src.send(CplTransaction(tdata=record(0x20)))
    await Timer(2, "us")
    assert tb.irqs == 3 and dut.s_axis_cpl_tready.value == 0
    dut.ring_head.value = 2
    await with_timeout(tb.wait_irqs(4), 20, "us")
    assert dut.ring_tail.value == 0
    e = tb.entry(3)
    assert e["tag"] == 0x20 and e["phase"] == 1
    await tb.src.send(CplTransaction(tdata=record(0x21)))
    await with_timeout(tb.wait_irqs(5), 20, "us")
    e = tb.entry(0)
    assert e["tag"] == 0x21 and e["phase"] == 0, "phase flips after the wrap"
    assert tb.faults == 0


@xwatched
async def run_test_error(dut, pause=None):
    tb = TB(dut, pause)
    tb.dma.mark_bad(BASE + 32, 32)
    await tb.reset()
    await tb.src.send(CplTransaction(tdata=record(1)))
    await tb.src.send(CplTransaction(tdata=record(2)))
    await tb.src.send(CplTransaction(tdata=record(3)))
    await Timer(3, "us")
    assert tb.irqs == 1 and tb.faults == 1
    assert int(dut.fault_addr.value) == BASE + 32
    assert dut.ring_tail.value == 1, "tail does not advance past a failed entry"
    assert dut.s_axis_cpl_tready.value == 0, "halted until reset"
    # entry 3 may have been issued before entry 2's error came back; nothing after it
    assert len(tb.dma.transfers) in (2, 3)
    assert dut.status_idle.value == 1


@xwatched
async def run_test_back_to_back(dut, pause=None):
    """Completion entries leave back to back, one per 2 + (words per entry) cycles without
    pauses (4 at 128 bits): several writes in flight hide the DMA status latency."""
    tb = TB(dut, pause, latency=10)
    dut.ring_size_log2.value = 7
    await tb.reset()
    n = 48
    for i in range(n):
        await tb.src.send(CplTransaction(tdata=record(0x100 + i)))
    first = None
    while True:
        await RisingEdge(dut.clk)
        if first is None and int(dut.m_axis_dma_desc_valid.value):
            first = tb.dma.cycle
        if tb.irqs == n:
            break
    cycles = tb.dma.cycle - first
    dut._log.info("%d entries in %d cycles (%.2f cycles per entry)", n, cycles, cycles / n)
    for i in range(n):
        e = tb.entry(i)
        assert e["tag"] == 0x100 + i and e["phase"] == 1
    assert dut.ring_tail.value == n
    if pause is None:
        # accept, descriptor beside the first word, the words: 2 + words per entry
        words = fc.CPL_ENTRY_BYTES * 8 // len(dut.m_axis_write_data_tdata)
        assert cycles <= (2 + words) * n + 20


@xwatched
async def run_test_restart(dut, pause=None):
    """start with entry writes in flight: their acknowledgements neither move CPL_TAIL nor
    raise events; the ring restarts at slot 0 with phase 1."""
    tb = TB(dut, pause, latency=60)
    await tb.reset()
    for i in range(3):
        await tb.src.send(CplTransaction(tdata=record(0x30 + i)))
    while len(tb.dma.transfers) < 3:
        await RisingEdge(dut.clk)
    assert tb.irqs == 0 and int(dut.status_idle.value) == 0
    dut.start.value = 1
    await RisingEdge(dut.clk)
    dut.start.value = 0
    for i in range(2):
        await tb.src.send(CplTransaction(tdata=record(0x40 + i)))
    await with_timeout(tb.wait_irqs(2), 20, "us")
    await Timer(2, "us")
    assert tb.irqs == 2 and tb.faults == 0
    assert dut.ring_tail.value == 2
    for i in range(2):
        e = tb.entry(i)
        assert e["tag"] == 0x40 + i and e["phase"] == 1
    assert dut.status_idle.value == 1


if cocotb.SIM_NAME:
    for test in (run_test_ring, run_test_error, run_test_back_to_back, run_test_restart):
        factory = TestFactory(test)
        factory.add_option("pause", [None, random_pause])
        factory.generate_tests()
