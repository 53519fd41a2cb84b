"""l2_rx: delivery into posted buffers, drops (no buffer, runt, long, tuser, overflow), DMA error,
resets in the middle of a frame on the wire."""

import logging

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge, Timer, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSource
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_tb import DmaWritePort, cycle_pause, pulse_reset, random_pause

PostBus, PostTransaction, PostSource, PostSink, PostMonitor = define_stream(
    "Post", signals=["addr", "len", "tag", "valid", "ready"])
CplBus, CplTransaction, CplSource, CplSink, CplMonitor = define_stream(
    "Cpl", signals=["tdata", "tvalid", "tready"])

STATS = ["stat_rx_frame", "stat_drop_no_buffer", "stat_drop_overflow", "stat_rx_error", "fault"]


class TB:
    def __init__(self, dut, idle=None, backpressure=None, latency=5):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        # the MAC is not reset with the NIC: a frame it has started, it finishes
        self.rx = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_rx"), dut.clk)
        if idle:
            self.rx.set_pause_generator(idle())
        self.post = PostSource(PostBus.from_prefix(dut, "s_axis_post"), dut.clk, dut.rst)
        self.cpl = CplSink(CplBus.from_prefix(dut, "m_axis_cpl"), dut.clk, dut.rst)
        if backpressure:
            self.cpl.set_pause_generator(backpressure())
        self.dma = DmaWritePort(dut, dut.clk, size=2**16, latency=latency, pause=backpressure)
        self.stats = {s: 0 for s in STATS}
        self.rx_bytes = 0
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        while True:
            await RisingEdge(self.dut.clk)
            for s in STATS:
                v = getattr(self.dut, s).value
                if v.is_resolvable and v.integer:
                    self.stats[s] += 1
            if self.dut.stat_rx_bytes.value.is_resolvable:
                self.rx_bytes += self.dut.stat_rx_bytes.value.integer

    async def reset(self):
        await pulse_reset(self.dut)
        # pulses left over from the previous test are not this test's
        self.stats = {s: 0 for s in STATS}
        self.rx_bytes = 0

    async def pulse_reset(self, cycles=3):
        self.dut.rst.value = 1
        for _ in range(cycles):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0

    async def wait_in_frame(self):
        """Returns between two cycles once a beat that is not a frame's last has been taken."""
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if dut.s_axis_rx_tvalid.value.is_resolvable and int(dut.s_axis_rx_tvalid.value) \
                    and not int(dut.s_axis_rx_tlast.value):
                break
        await FallingEdge(dut.clk)

    async def post_buffer(self, addr, tag, length=fc.RX_BUFFER_MIN):
        await self.post.send(PostTransaction(addr=addr, len=length, tag=tag))

    async def recv_cpl(self):
        t = await with_timeout(self.cpl.recv(), 100, "us")
        raw = int(t.tdata).to_bytes(16, "little") + bytes(16)
        return fc.unpack(fc.CPL_ENTRY_FIELDS, raw)


def frame(n, seed):
    return bytes((i * 31 + seed) & 0xff for i in range(n))


async def run_test_deliver(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    sizes = [14, 60, 61, 333, 1514, fc.ETH_MAX_FRAME, 15]
    for i, n in enumerate(sizes):
        await tb.post_buffer(0x1000 * (i + 1) + i, 0x100 + i)
    for i, n in enumerate(sizes):
        await tb.rx.send(AxiStreamFrame(frame(n, i)))
    for i, n in enumerate(sizes):
        e = await tb.recv_cpl()
        assert e["tag"] == 0x100 + i and e["length"] == n and e["status"] == fc.CplStatus.OK
        assert e["opcode"] == fc.Opcode.L2_RECV_POST
        addr = 0x1000 * (i + 1) + i
        assert bytes(tb.dma.mem[addr:addr + n]) == frame(n, i)
        assert tb.dma.mem[addr + n] == 0 and tb.dma.mem[addr - 1] == 0
    await Timer(1, "us")
    assert tb.stats["stat_rx_frame"] == len(sizes)
    assert tb.rx_bytes == sum(sizes)


async def run_test_drops(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    await tb.rx.send(AxiStreamFrame(frame(100, 1)))                       # no buffer
    await tb.rx.send(AxiStreamFrame(frame(13, 2)))                        # runt
    await tb.rx.send(AxiStreamFrame(frame(fc.ETH_MAX_FRAME + 1, 3)))      # too long
    await tb.rx.send(AxiStreamFrame(frame(100, 4), tuser=[0] * 99 + [1]))  # bad FCS
    await tb.rx.wait()
    await Timer(2, "us")
    assert tb.stats["stat_drop_no_buffer"] == 1
    assert tb.stats["stat_rx_error"] == 3
    assert tb.stats["stat_rx_frame"] == 0
    assert dut.status_idle.value == 1
    await tb.post_buffer(0x2000, 0x77)
    await tb.rx.send(AxiStreamFrame(frame(64, 5)))
    e = await tb.recv_cpl()
    assert e["tag"] == 0x77 and e["length"] == 64


async def run_test_overflow(dut, idle=None, backpressure=None):
    # slow host: the 2 KiB FIFO fills while buffers are being written
    tb = TB(dut, None, backpressure, latency=400)
    await tb.reset()
    for i in range(4):
        await tb.post_buffer(0x800 * (i + 1), i)
    for i in range(6):
        await tb.rx.send(AxiStreamFrame(frame(1000, i)))
    await tb.rx.wait()
    delivered = 0
    while tb.stats["stat_drop_overflow"] + delivered < 6:
        e = await tb.recv_cpl()
        assert e["status"] == fc.CplStatus.OK
        delivered += 1
        if delivered == 4:
            await Timer(5, "us")
            break
    assert tb.stats["stat_drop_overflow"] >= 1
    assert tb.stats["stat_drop_overflow"] + delivered + tb.stats["stat_drop_no_buffer"] == 6


async def run_test_dma_error(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    tb.dma.mark_bad(0x3000, 0x1000)
    await tb.reset()
    await tb.post_buffer(0x3004, 1)
    await tb.post_buffer(0x5000, 2)
    await tb.rx.send(AxiStreamFrame(frame(80, 1)))
    await tb.rx.send(AxiStreamFrame(frame(90, 2)))
    e = await tb.recv_cpl()
    assert e["tag"] == 1 and e["status"] == fc.CplStatus.DMA_ERROR
    e = await tb.recv_cpl()
    assert e["tag"] == 2 and e["status"] == fc.CplStatus.OK and e["length"] == 90
    assert tb.stats["fault"] == 1
    assert int(dut.fault_addr.value) == 0x3004


async def run_test_reset_mid_frame(dut, idle=None, backpressure=None):
    """A reset in the middle of a frame, or just after it started, discards that frame's
    remaining beats up to its tlast; a reset between frames loses nothing."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    # cut after some beats; buffers posted at once so a tail taken as a frame would land in one
    await tb.rx.send(AxiStreamFrame(frame(600, 1)))
    await tb.wait_in_frame()
    for _ in range(20):
        await RisingEdge(dut.clk)
    await tb.pulse_reset()
    for i in range(3):
        await tb.post_buffer(0x1000 * (i + 1), 0x10 + i)
    await tb.rx.wait()
    # a reset just after a frame's first beat
    await tb.rx.send(AxiStreamFrame(frame(300, 2)))
    await tb.wait_in_frame()
    await tb.pulse_reset(2)
    for i in range(3):
        await tb.post_buffer(0x1000 * (i + 1), 0x20 + i)
    await tb.rx.wait()
    # a reset between frames
    await Timer(100, "ns")
    await tb.pulse_reset()
    for i in range(3):
        await tb.post_buffer(0x1000 * (i + 1), 0x30 + i)
    await tb.rx.send(AxiStreamFrame(frame(100, 3)))
    await tb.rx.send(AxiStreamFrame(frame(14, 4)))
    for i, n in enumerate((100, 14)):
        e = await tb.recv_cpl()
        assert e["tag"] == 0x30 + i and e["length"] == n and e["status"] == fc.CplStatus.OK
        assert bytes(tb.dma.mem[0x1000 * (i + 1):0x1000 * (i + 1) + n]) == frame(n, 3 + i)
    await Timer(1, "us")
    assert tb.cpl.empty()
    assert tb.stats["stat_rx_frame"] == 2
    assert tb.stats["stat_drop_no_buffer"] == 0 and tb.stats["stat_rx_error"] == 0
    assert tb.stats["stat_drop_overflow"] == 0
    assert dut.status_idle.value == 1


async def run_test_taken(dut, idle=None, backpressure=None):
    # frames the TOE took (tdest on tlast) vanish without a completion or an error count, and
    # take no buffer; the frames around them, a runt among them, are unaffected
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    plan = [(60, 0), (60, 1), (13, 0), (1514, 1), (8, 0), (200, 0), (54, 1), (61, 0)]
    kept = [(n, i) for i, (n, t) in enumerate(plan) if not t and n >= fc.ETH_MIN_FRAME]
    for k, (n, i) in enumerate(kept):
        await tb.post_buffer(0x1000 * (k + 1), 0x200 + i)
    for i, (n, t) in enumerate(plan):
        await tb.rx.send(AxiStreamFrame(frame(n, 40 + i), tdest=t))
    for k, (n, i) in enumerate(kept):
        e = await tb.recv_cpl()
        assert e["tag"] == 0x200 + i and e["length"] == n
        assert bytes(tb.dma.mem[0x1000 * (k + 1):0x1000 * (k + 1) + n]) == frame(n, 40 + i)
    await Timer(2, "us")
    assert tb.cpl.empty()
    assert tb.stats["stat_rx_error"] == 2       # the two runts, not the taken frames
    assert tb.stats["stat_rx_frame"] == len(kept) and tb.stats["stat_drop_no_buffer"] == 0
    assert dut.status_idle.value == 1


if cocotb.SIM_NAME:
    for test in (run_test_deliver, run_test_drops, run_test_overflow, run_test_dma_error, run_test_reset_mid_frame,
                 run_test_taken):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
