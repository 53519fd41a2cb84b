"""dma_wr_mux: requesters on every port (descriptors and their data words on separate
channels) against an in-order write engine model: each descriptor's data comes from its own
port, word-exact, in descriptor order; status back to the right port; descriptors taken ahead
of data up to the order FIFO; quiesce stops descriptors while owed data still flows."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout

from flue_tb import cycle_pause, pulse_reset, random_pause


def word(width, port, index, n):
    """Data word n of descriptor index of port: says who it is."""
    v = (port << 24) | (index << 12) | n
    return (v * 0x0001_0000_0001) & ((1 << width) - 1) | 0x1


class TB:
    def __init__(self, dut, idle=None, backpressure=None, latency=4):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.ports = int(dut.PORTS.value)
        self.aw = int(dut.ADDR_WIDTH.value)
        self.lw = int(dut.LEN_WIDTH.value)
        self.tw = int(dut.S_TAG_WIDTH.value)
        self.width = len(dut.m_axis_write_data_tdata)
        self.wb = self.width // 8
        self.idle = idle
        self.backpressure = backpressure
        self.latency = latency
        self.desc_q = [[] for _ in range(self.ports)]       # (addr, len, tag) to send
        self.data_q = [[] for _ in range(self.ports)]       # (word, last) to send
        self.data_hold = False                              # requesters hold their data back
        self.engine_descs = []
        self.engine_words = []                              # per engine descriptor, its words
        self.status = [[] for _ in range(self.ports)]
        self.quiesce_status = 0
        self.cycle = 0
        for s in ("s_axis_desc_addr", "s_axis_desc_len", "s_axis_desc_tag", "s_axis_desc_valid",
                  "m_axis_desc_ready", "s_axis_desc_status_tag", "s_axis_desc_status_error",
                  "s_axis_desc_status_valid", "s_axis_write_data_tdata", "s_axis_write_data_tvalid",
                  "s_axis_write_data_tlast", "m_axis_write_data_tready", "quiesce"):
            getattr(dut, s).setimmediatevalue(0)
        self.pending = []                                   # descriptors waiting for their words
        self.status_due = []                                # (cycle, tag, error)
        cocotb.start_soon(self._requesters())
        cocotb.start_soon(self._engine())

    def post(self, port, addr, length, tag, index):
        self.desc_q[port].append((addr, length, tag))
        words = -(-length // self.wb)
        self.data_q[port].extend((word(self.width, port, index, n), int(n == words - 1)) for n in range(words))

    async def _requesters(self):
        dut = self.dut
        idle = [self.idle() if self.idle else None for _ in range(self.ports)]
        didle = [self.idle() if self.idle else None for _ in range(self.ports)]
        dpres = [False] * self.ports
        wpres = [False] * self.ports
        while True:
            addr = length = tag = valid = 0
            wdata = wvalid = wlast = 0
            for p in range(self.ports):
                if not dpres[p] and self.desc_q[p] and not (idle[p] and next(idle[p])):
                    dpres[p] = True
                if dpres[p]:
                    a, n, t = self.desc_q[p][0]
                    addr |= a << (self.aw * p)
                    length |= n << (self.lw * p)
                    tag |= t << (self.tw * p)
                    valid |= 1 << p
                if not wpres[p] and self.data_q[p] and not self.data_hold and not (didle[p] and next(didle[p])):
                    wpres[p] = True
                if wpres[p]:
                    w, last = self.data_q[p][0]
                    wdata |= w << (self.width * p)
                    wvalid |= 1 << p
                    wlast |= last << p
            dut.s_axis_desc_addr.value = addr
            dut.s_axis_desc_len.value = length
            dut.s_axis_desc_tag.value = tag
            dut.s_axis_desc_valid.value = valid
            dut.s_axis_write_data_tdata.value = wdata
            dut.s_axis_write_data_tvalid.value = wvalid
            dut.s_axis_write_data_tlast.value = wlast
            await RisingEdge(dut.clk)
            self.cycle += 1
            if int(dut.rst.value):
                dpres = [False] * self.ports
                wpres = [False] * self.ports
                continue
            dtaken = valid & int(dut.s_axis_desc_ready.value)
            wtaken = wvalid & int(dut.s_axis_write_data_tready.value)
            svalid = int(dut.m_axis_desc_status_valid.value)
            if int(dut.quiesce.value) and svalid:
                self.quiesce_status += 1
            for p in range(self.ports):
                if dtaken >> p & 1:
                    self.desc_q[p].pop(0)
                    dpres[p] = False
                if wtaken >> p & 1:
                    self.data_q[p].pop(0)
                    wpres[p] = False
                if svalid >> p & 1:
                    self.status[p].append((int(dut.m_axis_desc_status_tag.value), int(dut.m_axis_desc_status_error.value)))

    async def _engine(self):
        """Takes descriptors, then each one's ceil(len/width) words in order; status (an odd
        address answers an error) latency cycles after the last word."""
        dut = self.dut
        bp_d = self.backpressure() if self.backpressure else None
        bp_w = self.backpressure() if self.backpressure else None
        while True:
            dready = 0 if (bp_d and next(bp_d)) else 1
            wready = 1 if (self.pending and not (bp_w and next(bp_w))) else 0
            dut.m_axis_desc_ready.value = dready
            dut.m_axis_write_data_tready.value = wready
            sv = 0
            if self.status_due and self.status_due[0][0] <= self.cycle:
                _, t, e = self.status_due.pop(0)
                dut.s_axis_desc_status_tag.value = t
                dut.s_axis_desc_status_error.value = e
                sv = 1
            dut.s_axis_desc_status_valid.value = sv
            await RisingEdge(dut.clk)
            if int(dut.rst.value):
                continue
            if wready and int(dut.m_axis_write_data_tvalid.value):
                d = self.pending[0]
                self.engine_words[d].append(int(dut.m_axis_write_data_tdata.value))
                a, n, t = self.engine_descs[d]
                if len(self.engine_words[d]) == -(-n // self.wb):
                    self.pending.pop(0)
                    self.status_due.append((self.cycle + self.latency, t, a & 1))
            if dready and int(dut.m_axis_desc_valid.value):
                self.engine_descs.append((int(dut.m_axis_desc_addr.value), int(dut.m_axis_desc_len.value),
                                          int(dut.m_axis_desc_tag.value)))
                self.engine_words.append([])
                self.pending.append(len(self.engine_descs) - 1)

    async def reset(self):
        await pulse_reset(self.dut)

    async def wait_for(self, cond, us=200):
        async def poll():
            while not cond():
                await RisingEdge(self.dut.clk)
        await with_timeout(poll(), us, "us")


def make(rng, tb, counts):
    sent = []
    for p in range(tb.ports):
        mine = []
        for i in range(counts):
            length = rng.choice([1, tb.wb, tb.wb + 1, 32, rng.randrange(1, 400)])
            addr = (p << 24) | (rng.randrange(1 << 16) << 4) | rng.choice([0, 0, 0, 1])
            mine.append((addr, length, i & 0xf))
            tb.post(p, addr, length, i & 0xf, i)
        sent.append(mine)
    return sent


def check(tb, sent):
    for p in range(tb.ports):
        idx = [i for i, (_, _, t) in enumerate(tb.engine_descs) if t >> tb.tw == p]
        assert [tb.engine_descs[i][:2] + (tb.engine_descs[i][2] & ((1 << tb.tw) - 1),) for i in idx] == sent[p]
        for k, i in enumerate(idx):
            n = -(-sent[p][k][1] // tb.wb)
            assert tb.engine_words[i] == [word(tb.width, p, k, j) for j in range(n)], f"port {p} descriptor {k}"
        assert tb.status[p] == [(t, a & 1) for a, _, t in sent[p]], f"port {p} status"


async def run_test_traffic(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(91)
    sent = make(rng, tb, 25)
    await tb.wait_for(lambda: sum(len(s) for s in tb.status) == 25 * tb.ports)
    await Timer(100, "ns")
    check(tb, sent)
    assert int(dut.status_idle.value) == 1


async def run_test_ahead(dut, idle=None, backpressure=None):
    """Data held back: the engine gets descriptors ahead of data only as far as the order FIFO
    reaches (ORDER_DEPTH in RAM, one in its output register); then everything completes."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    tb.data_hold = True
    rng = random.Random(92)
    sent = make(rng, tb, 6)
    for _ in range(60):
        await RisingEdge(dut.clk)
    depth = int(dut.ORDER_DEPTH.value)
    assert len(tb.engine_descs) == depth + 1, len(tb.engine_descs)
    assert int(dut.status_idle.value) == 0
    tb.data_hold = False
    await tb.wait_for(lambda: sum(len(s) for s in tb.status) == 6 * tb.ports)
    check(tb, sent)


async def run_test_quiesce(dut, idle=None, backpressure=None):
    """quiesce with descriptors taken and data owed: no further descriptor, the owed data still
    flows to the engine, status is not routed; status_idle once nothing is owed."""
    tb = TB(dut, idle, backpressure, latency=2)
    await tb.reset()
    tb.data_hold = True
    rng = random.Random(93)
    make(rng, tb, 5)
    await tb.wait_for(lambda: len(tb.engine_descs) >= 3)
    dut.quiesce.value = 1
    await RisingEdge(dut.clk)
    taken = len(tb.engine_descs)
    assert int(dut.status_idle.value) == 0, "data owed"
    tb.data_hold = False
    await tb.wait_for(lambda: not tb.pending and not tb.status_due)
    for _ in range(20):
        await RisingEdge(dut.clk)
    assert len(tb.engine_descs) == taken, "no descriptor under quiesce"
    for i, (a, n, t) in enumerate(tb.engine_descs):
        assert len(tb.engine_words[i]) == -(-n // tb.wb), "owed data delivered"
    assert tb.quiesce_status == 0
    assert int(dut.status_idle.value) == 1


if cocotb.SIM_NAME:
    for test in (run_test_traffic, run_test_ahead, run_test_quiesce):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
