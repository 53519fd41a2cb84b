"""toe_rx_place: placement commands (skip, len, addr, last, fwd) applied to payload packets from
two inputs (the parser's and the forward parser's; the command's FWD bit names the input, each
input's packets taken in their own order; packets of both inputs interleave at random), checked
against a Python model: every DMA write (address, length, data), all of host memory (bytes no
write touched keep their random fill), status order and errors (writes into bad ranges), packet
alignment after commands that run past their packet (zeros written for missing bytes), one DMA
word per cycle for a 1460-byte segment, status_idle. Random DMA latency, write back-pressure,
payload and command idle cycles."""

import logging
import os
import random
import re

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ReadOnly, RisingEdge, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSource
from cocotbext.axi.stream import define_stream

from flue_tb import DmaWritePort, cycle_pause, pulse_reset, random_pause

CmdBus, CmdTransaction, CmdSource, CmdSink, CmdMonitor = define_stream(
    "Cmd", signals=["tdata", "tvalid", "tready"])

MEM_SIZE = 1 << 16
MSS = 1460


def toe_defs():
    """`define TOE_* values from hdl/toe/toe_defs.vh (the record layouts the RTL uses)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "hdl", "toe",
                        "toe_defs.vh")
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"`define\s+TOE_(\w+)\s+(\d+)", line.strip())
            if m:
                out[m.group(1)] = int(m.group(2))
    return out


DEFS = toe_defs()


def pack_cmd(skip, length, addr, last, fwd=0):
    return (skip << DEFS["PLC_SKIP_LSB"]) | (length << DEFS["PLC_LEN_LSB"]) | \
        (addr << DEFS["PLC_ADDR_LSB"]) | (int(last) << DEFS["PLC_LAST_LSB"]) | (int(fwd) << DEFS["PLC_FWD_LSB"])


class Model:
    """Reference: applies commands to packets in order; a write past its packet's end gets the
    bytes that exist, then zeros up to len. DMA writes complete in order, so memory is the
    initial fill with the good writes applied in order."""

    def __init__(self, mem, bad):
        self.mem = bytearray(mem)
        self.bad = bad
        self.writes = []      # (addr, len, error), in order
        self.status = []      # error per command with len > 0

    def is_bad(self, addr, length):
        return any(addr < hi and addr + length > lo for lo, hi in self.bad)

    def place(self, packet, cmds):
        pos = 0
        for skip, length, addr, last in cmds:
            start = min(pos + skip, len(packet))
            if length:
                data = packet[start:start + length].ljust(length, b"\0")
                error = self.is_bad(addr, length)
                if not error:
                    self.mem[addr:addr + length] = data
                self.writes.append((addr, length, error))
                self.status.append(1 if error else 0)
            pos = start + length
        assert cmds[-1][3], "the last command of a packet has last set"


class TB:
    def __init__(self, dut, idle=None, backpressure=None, latency=5, max_inflight=4, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.lanes = len(dut.s_axis_payload_tdata) // 8
        self.payload = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_payload"), dut.clk, dut.rst)
        self.fwd_payload = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_fwd_payload"), dut.clk, dut.rst)
        self.cmd = CmdSource(CmdBus.from_prefix(dut, "s_axis_cmd"), dut.clk, dut.rst)
        if idle:
            self.payload.set_pause_generator(idle())
            self.fwd_payload.set_pause_generator(idle())
            self.cmd.set_pause_generator(idle())
        self.dma = DmaWritePort(dut, dut.clk, size=MEM_SIZE, latency=latency, pause=backpressure,
                                max_inflight=max_inflight)
        fill = bytes(self.rng.randrange(256) for _ in range(MEM_SIZE))
        self.dma.mem[:] = fill
        self.status = []
        self.beats = []       # (cycle, tlast) of every write data word taken
        self.cycle = 0
        self.busy_seen = False
        self.desc_during_data = 0   # cycles a descriptor was offered while write data streamed
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            self.cycle += 1
            if dut.rst.value.is_resolvable and int(dut.rst.value):
                continue
            if int(dut.m_status_valid.value):
                self.status.append(int(dut.m_status_error.value))
            if int(dut.m_axis_write_data_tvalid.value) and int(dut.m_axis_write_data_tready.value):
                self.beats.append((self.cycle, int(dut.m_axis_write_data_tlast.value)))
                if int(dut.m_axis_dma_desc_valid.value):
                    self.desc_during_data += 1
            if not int(dut.status_idle.value):
                self.busy_seen = True

    async def reset(self):
        await pulse_reset(self.dut)

    def model(self):
        return Model(self.dma.mem, self.dma.bad)

    async def wait_latency_changes(self, lo, hi):
        """Random DMA status latency, changed every few dozen cycles."""
        while True:
            self.dma.latency = self.rng.randint(lo, hi)
            for _ in range(self.rng.randint(10, 80)):
                await RisingEdge(self.dut.clk)

    def send(self, packets, plans, srcs=None, first_plan=0):
        """Each packet to the input srcs names (1: forwarded), plans[i] the commands of packet
        first_plan + i with that packet's FWD bit."""
        srcs = srcs or [0] * len(packets)
        for pkt, src in zip(packets, srcs):
            (self.fwd_payload if src else self.payload).send_nowait(AxiStreamFrame(pkt))
        for i, cmds in enumerate(plans):
            for c in cmds:
                self.cmd.send_nowait(CmdTransaction(tdata=pack_cmd(*c, fwd=srcs[first_plan + i])))

    async def finish(self, model, timeout_us=400):
        """Waits for every status and for idle, then checks writes, statuses and memory."""
        dut = self.dut

        async def settle():
            while len(self.status) < len(model.status) or not self.payload.idle() or not self.fwd_payload.idle() \
                    or not self.cmd.idle():
                await RisingEdge(dut.clk)
            for _ in range(20):
                await RisingEdge(dut.clk)

        await with_timeout(settle(), timeout_us, "us")
        assert len(self.status) == len(model.status), "no extra statuses"
        assert self.dma.transfers == model.writes, self._first_diff(self.dma.transfers, model.writes)
        assert self.status == model.status
        if self.dma.mem != model.mem:
            bad = [i for i in range(MEM_SIZE) if self.dma.mem[i] != model.mem[i]]
            raise AssertionError(f"{len(bad)} bytes differ, first at 0x{bad[0]:x}")
        await ReadOnly()
        assert int(dut.status_idle.value) == 1
        assert int(dut.s_axis_payload_tvalid.value) == 0
        assert int(dut.s_axis_fwd_payload_tvalid.value) == 0

    @staticmethod
    def _first_diff(got, exp):
        for i, (g, e) in enumerate(zip(got, exp)):
            if g != e:
                return f"write {i}: got {g}, expected {e}"
        return f"{len(got)} writes, expected {len(exp)}"


def random_addr(rng, length, bad):
    """Random unaligned address; sometimes inside a bad range so the write fails."""
    if bad and rng.random() < 0.1:
        lo, hi = rng.choice(bad)
        return max(0, min(MEM_SIZE - length, rng.randrange(lo - length + 1, hi)))
    return rng.randrange(0, MEM_SIZE - length + 1)


def random_plan(rng, n, bad):
    """Commands for one packet of n bytes: discarded whole, or 1..3 chunks with unaligned skips
    (the engine trims overlap and splits over buffers), sometimes a pure-skip command, last on
    the final one, which may leave a tail to discard."""
    if rng.random() < 0.12:
        return [(rng.randrange(0, 2 * n), 0, 0, 1)]
    chunks = rng.randint(1, 3)
    cmds = []
    pos = 0
    for c in range(chunks):
        remaining = n - pos
        skip = 0 if rng.random() < 0.4 else rng.randint(0, remaining // 2)
        room = remaining - skip
        final = c == chunks - 1
        if room == 0:
            length = 0
        elif final and rng.random() < 0.5:
            length = room
        else:
            length = rng.randint(1, room)
        if rng.random() < 0.1 and not final:
            cmds.append((rng.randint(0, room), 0, 0, 0))   # pure skip
            pos = min(n, pos + cmds[-1][0])
            continue
        addr = random_addr(rng, length, bad) if length else 0
        cmds.append((skip, length, addr, int(final)))
        pos += skip + length
    if not cmds[-1][3]:
        cmds.append((0, 0, 0, 1))
    return cmds


async def run_test_random(dut, idle=None, backpressure=None, seed=1, count=120):
    tb = TB(dut, idle, backpressure, seed=seed)
    rng = tb.rng
    bad = [(0x3000, 0x3100), (0x9800, 0x9a00)]
    for lo, hi in bad:
        tb.dma.mark_bad(lo, hi - lo)
    await tb.reset()
    cocotb.start_soon(tb.wait_latency_changes(1, 40))
    model = tb.model()
    packets = []
    plans = []
    for _ in range(count):
        n = rng.choice([1, 2, tb.lanes - 1, tb.lanes, tb.lanes + 1, MSS]) if rng.random() < 0.3 \
            else rng.randint(1, MSS)
        pkt = bytes(rng.randrange(256) for _ in range(n))
        cmds = random_plan(rng, n, bad)
        packets.append(pkt)
        plans.append(cmds)
        model.place(pkt, cmds)
    srcs = [rng.randrange(2) for _ in packets]
    # commands first, payload later: descriptors go out ahead of data that is not there yet
    for c in plans[0]:
        tb.cmd.send_nowait(CmdTransaction(tdata=pack_cmd(*c, fwd=srcs[0])))
    for _ in range(rng.randint(0, 100)):
        await RisingEdge(dut.clk)
    tb.send(packets, plans[1:], srcs, first_plan=1)
    await tb.finish(model)
    assert tb.busy_seen
    assert any(model.status) and not all(model.status)


async def run_test_overrun(dut, idle=None, backpressure=None):
    """Commands past their packet's end (the engine never sends them): existing bytes, then
    zeros up to len; packet alignment kept (the next packets are placed right)."""
    tb = TB(dut, idle, backpressure, seed=7)
    await tb.reset()
    model = tb.model()
    lanes = tb.lanes
    cases = [
        (100, [(90, 30, 0x100, 1)]),                                     # tail + 20 zeros
        (50, [(0, 50, 0x200, 0), (5, 20, 0x300, 0), (0, 0, 0, 1)]),      # ends at the end, then zeros
        (37, [(200, 10, 0x400, 1)]),                                     # skip past the end
        (33, [(10, 10, 0x500, 0), (0, 100, 0x600, 1)]),                  # 13 bytes + 87 zeros
        (64, [(3, 20, 0x700, 1)]),                                       # normal
        (lanes, [(lanes, 0, 0, 0), (0, 0, 0, 1)]),                       # skip exactly to the end
        (lanes * 2, [(lanes, 0, 0, 0), (0, lanes, 0x800, 0), (0, 5, 0x900, 1)]),
        (20, [(25, 0, 0, 0), (0, 3, 0xa00, 1)]),                         # pure skip past the end
        (1, [(0, 1, 0xb00, 0), (0, 1, 0xb10, 0), (0, 0, 0, 1)]),
        (lanes + 3, [(0, 3 * lanes, 0xc00, 1)]),
        (MSS, [(1, MSS - 1, 0xd00, 1)]),                                 # normal
        (5, [(0, 0, 0, 1)]),                                             # discarded whole
        (lanes * 3, [(lanes * 3, 1, 0xe00, 1)]),                         # skip exactly to the end, write 1
        (77, [(0, 77, 0xf00, 1)]),
    ]
    packets, plans = [], []
    for i, (n, cmds) in enumerate(cases):
        pkt = bytes((i * 37 + k * 11 + 1) & 0xff for k in range(n))
        packets.append(pkt)
        plans.append(cmds)
        model.place(pkt, cmds)
    tb.send(packets, plans, [i % 2 for i in range(len(packets))])
    await tb.finish(model)


async def run_test_dma_error(dut, idle=None, backpressure=None):
    """Writes into bad ranges fail; each command's status is its own, in order; memory outside
    the good writes is untouched."""
    tb = TB(dut, idle, backpressure, seed=3, latency=20)
    tb.dma.mark_bad(0x2000, 0x100)
    await tb.reset()
    model = tb.model()
    pkt = bytes((k * 7 + 3) & 0xff for k in range(600))
    plans = [[(0, 200, 0x1f80, 0), (1, 99, 0x2080, 0), (0, 200, 0x4001, 1)],
             [(13, 400, 0x20ff, 1)],
             [(0, 600, 0x5000, 1)]]
    for cmds in plans:
        model.place(pkt, cmds)
    tb.send([pkt] * len(plans), plans, [0, 1, 0])
    await tb.finish(model)
    assert model.status == [1, 1, 0, 1, 0]


async def run_test_throughput(dut, idle=None, backpressure=None):
    """A 1460-byte segment in one command streams one DMA word per cycle (aligned or not), and
    back-to-back segments keep the DMA busy but for a few cycles per command."""
    tb = TB(dut, None, None, seed=5, latency=30, max_inflight=8)
    await tb.reset()
    model = tb.model()
    lanes = tb.lanes
    packets, plans = [], []
    for i, skip in enumerate([0, 0, 5, 13, 0, 1]):
        pkt = bytes((i * 53 + k) & 0xff for k in range(MSS))
        packets.append(pkt)
        plans.append([(skip, MSS - skip, 0x1000 + i * 0x800 + i, 1)])
        model.place(pkt, plans[-1])
    tb.send(packets, plans)
    await tb.finish(model)
    # split the beats into writes and check each streamed without a gap
    writes = []
    cur = []
    for cycle, last in tb.beats:
        cur.append(cycle)
        if last:
            writes.append(cur)
            cur = []
    assert len(writes) == len(plans)
    # the next command's descriptor waits at the DMA while the previous write streams
    assert tb.desc_during_data > 0
    for w, cmds in zip(writes, plans):
        assert len(w) == -(-cmds[0][1] // lanes)
        assert w[-1] - w[0] == len(w) - 1, f"write of {len(w)} words took {w[-1] - w[0] + 1} cycles"
    total_words = sum(len(w) for w in writes)
    span = writes[-1][-1] - writes[0][0] + 1
    dut._log.info("%d words in %d cycles", total_words, span)
    # DmaWritePort takes a descriptor only after the previous write's data: 2 cycles per write
    assert span <= total_words + 3 * len(writes), f"{total_words} words took {span} cycles"


async def run_test_many_small(dut, idle=None, backpressure=None):
    """Many short segments with several commands each, overlapping in flight (several statuses
    outstanding), random DMA latency."""
    tb = TB(dut, idle, backpressure, seed=11, max_inflight=8)
    await tb.reset()
    cocotb.start_soon(tb.wait_latency_changes(0, 60))
    model = tb.model()
    rng = tb.rng
    packets, plans = [], []
    for _ in range(200):
        n = rng.randint(1, 3 * tb.lanes)
        pkt = bytes(rng.randrange(256) for _ in range(n))
        cmds = random_plan(rng, n, [])
        packets.append(pkt)
        plans.append(cmds)
        model.place(pkt, cmds)
    tb.send(packets, plans, [rng.randrange(2) for _ in packets])
    await tb.finish(model)


if cocotb.SIM_NAME:
    for test in (run_test_random, run_test_overrun, run_test_dma_error, run_test_many_small):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause, random_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
    factory = TestFactory(run_test_throughput)
    factory.generate_tests()
