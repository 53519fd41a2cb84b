"""queue_req_fetch: descriptors of the request ring out byte-exact and in order, REQ_HEAD,
batched reads (at most MAX_FETCH, never past the ring's end, from head), wrap, a host that
keeps the ring full, a read error (fault, batch dropped, fetching stops until reset), and the
ring restart (start) flushing what was fetched before it, including a read in flight."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_tb import DmaReadPort, cycle_pause, random_pause, x_clean

ReqBus, ReqTransaction, ReqSource, ReqSink, ReqMonitor = define_stream(
    "Req", signals=["tdata", "tvalid", "tready"])

BASE = 0x4000
ENTRY = fc.REQ_ENTRY_BYTES


# X audit (flue_tb.XWatch): no output is X or Z after reset, none allowed
xwatched = x_clean()


class TB:
    def __init__(self, dut, idle=None, backpressure=None, latency=8, size_log2=4):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        mem = max(2**16, BASE + (ENTRY << size_log2))
        self.dma = DmaReadPort(dut, dut.clk, size=mem, latency=latency, idle=idle, max_inflight=1)
        self.sink = ReqSink(ReqBus.from_prefix(dut, "m_axis_req"), dut.clk, dut.rst)
        if backpressure:
            self.sink.set_pause_generator(backpressure())
        self.max_fetch = int(dut.MAX_FETCH.value)
        self.size = 1 << size_log2
        self.tail = 0
        self.posted = []           # descriptor bytes in ring order
        self.seq = 0
        self.fetched = 0
        self.faults = []
        dut.running.setimmediatevalue(0)
        dut.start.setimmediatevalue(0)
        dut.ring_base.setimmediatevalue(BASE)
        dut.ring_size_log2.setimmediatevalue(size_log2)
        dut.ring_tail.setimmediatevalue(0)
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            if not dut.fault.value.is_resolvable:
                continue
            self.fetched += int(dut.stat_fetched.value)
            if int(dut.fault.value):
                self.faults.append(int(dut.fault_addr.value))

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0
        await FallingEdge(self.dut.clk)
        self.fetched = 0
        self.faults = []

    async def start(self):
        """CTRL.ENABLE's rising edge: running, and a one-cycle start."""
        await FallingEdge(self.dut.clk)
        self.dut.start.value = 1
        self.dut.running.value = 1
        await FallingEdge(self.dut.clk)
        self.dut.start.value = 0
        self.tail = 0
        self.dut.ring_tail.value = 0

    def head(self):
        return int(self.dut.ring_head.value)

    def write(self, n):
        """The host fills n entries from tail (not advertised yet)."""
        out = []
        for _ in range(n):
            self.seq += 1
            desc = fc.pack(fc.REQ_DESC_FIELDS, {"opcode": fc.Opcode.NOP, "tag": self.seq, "addr": self.seq * 0x1000 + 3,
                                                "length": self.seq * 7, "conn": ~self.seq, "param": self.seq << 40,
                                                "flags": self.seq & 0xff}, fc.REQ_DESC_BYTES)
            self.dma.mem[BASE + self.tail * ENTRY:BASE + (self.tail + 1) * ENTRY] = desc
            out.append(desc)
            self.tail = (self.tail + 1) % self.size
        return out

    def doorbell(self):
        self.dut.ring_tail.value = self.tail

    async def recv(self, n, us=100):
        got = []
        for _ in range(n):
            t = await with_timeout(self.sink.recv(), us, "us")
            got.append(int(t.tdata).to_bytes(fc.REQ_DESC_BYTES, "little"))
        return got

    def check_reads(self):
        for addr, length, _ in self.dma.requests:
            assert length % ENTRY == 0 and 0 < length <= self.max_fetch * ENTRY, (hex(addr), length)
            assert (addr - BASE) % ENTRY == 0 and addr >= BASE, hex(addr)
            assert addr + length <= BASE + self.size * ENTRY, f"read 0x{addr:x}+{length} passes the ring's end"


@xwatched
async def run_test_batches(dut, idle=None, backpressure=None):
    """13 posted at once from 0: reads of MAX_FETCH and the rest; 7 more from 13 wrap: a read
    to the ring's end and one from its start."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    await tb.start()
    descs = tb.write(13)
    tb.doorbell()
    assert await tb.recv(13) == descs
    mf = tb.max_fetch
    assert [(a - BASE, n) for a, n, _ in tb.dma.requests] == [(0, mf * ENTRY), (mf * ENTRY, (13 - mf) * ENTRY)]
    assert tb.head() == 13
    tb.dma.requests.clear()
    descs = tb.write(7)
    tb.doorbell()
    assert await tb.recv(7) == descs
    assert [(a - BASE, n) for a, n, _ in tb.dma.requests] == [(13 * ENTRY, 3 * ENTRY), (0, 4 * ENTRY)]
    assert tb.head() == 4
    await Timer(100, "ns")
    assert tb.fetched == 20 and not tb.faults
    assert int(dut.status_idle.value) == 1 and tb.sink.empty()


@xwatched
async def run_test_stream(dut, idle=None, backpressure=None):
    """A host that keeps posting whenever the ring has room, REQ_HEAD telling it: every
    descriptor once, in order, through many wraps."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    await tb.start()
    rng = random.Random(101)
    total = 90
    sent = []

    async def host():
        while len(sent) < total:
            room = tb.size - 1 - ((tb.tail - tb.head()) % tb.size)
            n = min(room, rng.randrange(1, 9), total - len(sent))
            if n > 0:
                sent.extend(tb.write(n))
                tb.doorbell()
            for _ in range(rng.randrange(1, 20)):
                await FallingEdge(dut.clk)

    cocotb.start_soon(host())
    got = await tb.recv(total, us=500)
    assert got == sent
    tb.check_reads()
    assert tb.head() == tb.tail
    await Timer(100, "ns")
    assert tb.fetched == total and not tb.faults
    assert len(tb.dma.requests) < total, "several descriptors per read"


@xwatched
async def run_test_read_error(dut, idle=None, backpressure=None):
    """A failed read: one fault with its address, none of its descriptors out, REQ_HEAD stays,
    no further read until reset."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    await tb.start()
    descs = tb.write(3)
    tb.doorbell()
    assert await tb.recv(3) == descs
    tb.dma.mark_bad(BASE + 5 * ENTRY, ENTRY)
    tb.write(6)
    tb.doorbell()
    while not tb.faults:
        await RisingEdge(dut.clk)
    for _ in range(20):
        await RisingEdge(dut.clk)
    assert tb.faults == [BASE + 3 * ENTRY], [hex(f) for f in tb.faults]
    assert tb.sink.empty() and tb.head() == 3
    n = len(tb.dma.requests)
    tb.dma.bad.clear()
    tb.write(2)
    tb.doorbell()
    for _ in range(100):
        await RisingEdge(dut.clk)
    assert len(tb.dma.requests) == n, "halted"
    assert tb.sink.empty() and int(dut.status_idle.value) == 1
    assert tb.fetched == 3
    # reset (and restart) brings it back
    await tb.reset()
    await tb.start()
    descs = tb.write(2)
    tb.doorbell()
    assert await tb.recv(2) == descs


@xwatched
async def run_test_restart(dut, idle=None, backpressure=None):
    """start drops descriptors waiting in the FIFO and a read in flight; REQ_HEAD restarts at 0
    and the ring is read afresh from entry 0."""
    tb = TB(dut, idle, None, latency=40)
    await tb.reset()
    await tb.start()
    # fetched but held: the output is stalled
    tb.sink.pause = True
    tb.write(5)
    tb.doorbell()
    while tb.head() != 5:
        await RisingEdge(dut.clk)
    for _ in range(10):
        await RisingEdge(dut.clk)
    await tb.start()
    assert tb.head() == 0
    tb.sink.set_pause_generator(backpressure() if backpressure else None)
    tb.sink.pause = False
    for _ in range(30):
        await RisingEdge(dut.clk)
    assert tb.sink.empty(), "descriptors fetched before the restart are dropped"
    # a read in flight at the restart
    tb.write(4)
    tb.doorbell()
    while not tb.dma.owed:
        await RisingEdge(dut.clk)
    await tb.start()
    descs = tb.write(3)
    tb.doorbell()
    got = await tb.recv(3)
    assert got == descs, "only what was posted after the restart"
    await Timer(300, "ns")
    assert tb.sink.empty() and tb.head() == 3
    assert tb.fetched == 5 + 3, "a dropped read does not count"
    assert not tb.faults


@xwatched
async def run_test_max_ring(dut, idle=None, backpressure=None):
    """The largest ring (RING_MAX_LOG2): the wrap from its last entry to entry 0 (REQ_HEAD
    as wide as the ring)."""
    tb = TB(dut, idle, backpressure, size_log2=fc.RING_MAX_LOG2)
    await tb.reset()
    await tb.start()
    near_end = tb.size - 5
    await FallingEdge(dut.clk)
    dut.head_reg.value = near_end
    tb.tail = near_end
    descs = tb.write(8)
    tb.doorbell()
    assert await tb.recv(8) == descs
    assert [(a - BASE, n) for a, n, _ in tb.dma.requests] == [(near_end * ENTRY, 5 * ENTRY), (0, 3 * ENTRY)]
    assert tb.head() == 3
    tb.check_reads()


if cocotb.SIM_NAME:
    for test in (run_test_batches, run_test_stream, run_test_read_error, run_test_restart, run_test_max_ring):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
