"""dma_rd_mux: requesters on every port against an in-order read engine model: descriptors
reach the engine with the port index in the top tag bits, round robin; read data and status
come back to the right port, byte-exact and in order; idle and backpressure everywhere;
quiesce holds descriptors back and sinks read data and status."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout

from flue_tb import cycle_pause, pulse_reset, random_pause


def pattern(addr, length):
    return bytes((addr * 3 + i * 5 + (addr >> 8)) & 0xff for i in range(length))


class TB:
    def __init__(self, dut, idle=None, backpressure=None, latency=4):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.ports = int(dut.PORTS.value)
        self.aw = int(dut.ADDR_WIDTH.value)
        self.lw = int(dut.LEN_WIDTH.value)
        self.tw = int(dut.S_TAG_WIDTH.value)
        self.sel = int(dut.SEL_WIDTH.value)
        self.wb = len(dut.s_axis_read_data_tdata) // 8
        self.idle = idle
        self.backpressure = backpressure
        self.latency = latency
        self.req = [[] for _ in range(self.ports)]          # descriptors to send per port
        self.engine_descs = []                              # (addr, len, tag) the engine took
        self.engine_queue = []
        self.engine_owed = 0
        self.packets = [[] for _ in range(self.ports)]      # (bytes, tuser) per port
        self.cur = [bytearray() for _ in range(self.ports)]
        self.status = [[] for _ in range(self.ports)]       # (tag, error) per port
        self.quiesce_leaks = 0
        self.cycle = 0
        for s in ("s_axis_desc_addr", "s_axis_desc_len", "s_axis_desc_tag", "s_axis_desc_valid",
                  "m_axis_desc_ready", "s_axis_desc_status_tag", "s_axis_desc_status_error",
                  "s_axis_desc_status_valid", "s_axis_read_data_tdata", "s_axis_read_data_tkeep",
                  "s_axis_read_data_tvalid", "s_axis_read_data_tlast", "s_axis_read_data_tuser",
                  "s_axis_read_data_tid", "m_axis_read_data_tready", "quiesce"):
            getattr(dut, s).setimmediatevalue(0)
        cocotb.start_soon(self._requesters())
        cocotb.start_soon(self._engine_desc())
        cocotb.start_soon(self._engine_data())

    async def _requesters(self):
        """Descriptor sources (valid held until taken) and read data / status sinks, all ports."""
        dut = self.dut
        idle = [self.idle() if self.idle else None for _ in range(self.ports)]
        bp = [self.backpressure() if self.backpressure else None for _ in range(self.ports)]
        presenting = [False] * self.ports
        while True:
            addr = length = tag = valid = ready = 0
            for p in range(self.ports):
                if not presenting[p] and self.req[p] and not (idle[p] and next(idle[p])):
                    presenting[p] = True
                if presenting[p]:
                    a, n, t = self.req[p][0]
                    addr |= a << (self.aw * p)
                    length |= n << (self.lw * p)
                    tag |= t << (self.tw * p)
                    valid |= 1 << p
                if not (bp[p] and next(bp[p])):
                    ready |= 1 << p
            dut.s_axis_desc_addr.value = addr
            dut.s_axis_desc_len.value = length
            dut.s_axis_desc_tag.value = tag
            dut.s_axis_desc_valid.value = valid
            dut.m_axis_read_data_tready.value = ready
            await RisingEdge(dut.clk)
            self.cycle += 1
            if int(dut.rst.value):
                presenting = [False] * self.ports
                continue
            taken = valid & int(dut.s_axis_desc_ready.value)
            dvalid = int(dut.m_axis_read_data_tvalid.value)
            svalid = int(dut.m_axis_desc_status_valid.value)
            if int(dut.quiesce.value) and (dvalid or svalid):
                self.quiesce_leaks += 1
            for p in range(self.ports):
                if taken >> p & 1:
                    self.req[p].pop(0)
                    presenting[p] = False
                if (dvalid & ready) >> p & 1:
                    keep = int(dut.m_axis_read_data_tkeep.value)
                    data = int(dut.m_axis_read_data_tdata.value).to_bytes(self.wb, "little")
                    self.cur[p] += bytes(data[i] for i in range(self.wb) if keep >> i & 1)
                    if int(dut.m_axis_read_data_tlast.value):
                        self.packets[p].append((bytes(self.cur[p]), int(dut.m_axis_read_data_tuser.value)))
                        self.cur[p] = bytearray()
                if svalid >> p & 1:
                    self.status[p].append((int(dut.m_axis_desc_status_tag.value), int(dut.m_axis_desc_status_error.value)))

    async def _engine_desc(self):
        dut = self.dut
        bp = self.backpressure() if self.backpressure else None
        while True:
            ready = 0 if (bp and next(bp)) else 1
            dut.m_axis_desc_ready.value = ready
            await RisingEdge(dut.clk)
            if ready and int(dut.m_axis_desc_valid.value):
                d = (int(dut.m_axis_desc_addr.value), int(dut.m_axis_desc_len.value), int(dut.m_axis_desc_tag.value))
                self.engine_descs.append(d)
                self.engine_queue.append((self.cycle + self.latency, d))
                self.engine_owed += 1

    async def _engine_data(self):
        """In order: the bytes of each read, then its status; an odd address answers an error."""
        dut = self.dut
        idle = self.idle() if self.idle else None
        while True:
            if not self.engine_queue or self.engine_queue[0][0] > self.cycle:
                await RisingEdge(dut.clk)
                continue
            _, (addr, length, tag) = self.engine_queue.pop(0)
            error = addr & 1
            data = pattern(addr, length)
            words = -(-length // self.wb)
            for n in range(words):
                while idle and next(idle):
                    dut.s_axis_read_data_tvalid.value = 0
                    await RisingEdge(dut.clk)
                chunk = data[n * self.wb:(n + 1) * self.wb]
                dut.s_axis_read_data_tdata.value = int.from_bytes(chunk.ljust(self.wb, b"\0"), "little")
                dut.s_axis_read_data_tkeep.value = (1 << len(chunk)) - 1
                dut.s_axis_read_data_tlast.value = int(n == words - 1)
                dut.s_axis_read_data_tuser.value = int(error and n == words - 1)
                dut.s_axis_read_data_tid.value = tag
                dut.s_axis_read_data_tvalid.value = 1
                while True:
                    await RisingEdge(dut.clk)
                    if int(dut.s_axis_read_data_tready.value):
                        break
            dut.s_axis_read_data_tvalid.value = 0
            dut.s_axis_desc_status_tag.value = tag
            dut.s_axis_desc_status_error.value = error
            dut.s_axis_desc_status_valid.value = 1
            await RisingEdge(dut.clk)
            dut.s_axis_desc_status_valid.value = 0
            self.engine_owed -= 1

    async def reset(self):
        await pulse_reset(self.dut)

    async def wait_for(self, cond, us=200):
        async def poll():
            while not cond():
                await RisingEdge(self.dut.clk)
        await with_timeout(poll(), us, "us")


def requests(rng, port, n, wb):
    out = []
    for i in range(n):
        length = rng.choice([1, wb - 1, wb, wb + 1, rng.randrange(1, 600)])
        addr = (port << 24) | (rng.randrange(1 << 16) << 4) | rng.choice([0, 0, 0, 1, 2])
        out.append((addr, length, i & 0xf))
    return out


async def run_test_traffic(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(81)
    sent = [requests(rng, p, 25 + 5 * p, tb.wb) for p in range(tb.ports)]
    for p in range(tb.ports):
        tb.req[p].extend(sent[p])
    total = sum(len(s) for s in sent)
    await tb.wait_for(lambda: sum(len(s) for s in tb.status) == total)
    await Timer(100, "ns")
    for p in range(tb.ports):
        assert [d for d in tb.packets[p]] == [(pattern(a, n), a & 1) for a, n, _ in sent[p]], f"port {p} data"
        assert tb.status[p] == [(t, a & 1) for a, _, t in sent[p]], f"port {p} status"
    # the engine saw every descriptor, port index on top of the tag, each port's in order
    for p in range(tb.ports):
        mine = [(a, n, t & ((1 << tb.tw) - 1)) for a, n, t in tb.engine_descs if t >> tb.tw == p]
        assert mine == sent[p]
    assert len(tb.engine_descs) == total
    if idle is None and backpressure is None:
        # all ports busy: strict rotation
        order = [t >> tb.tw for _, _, t in tb.engine_descs[:2 * tb.ports * 5]]
        assert order == [(order[0] + i) % tb.ports for i in range(len(order))], order
    assert int(dut.status_idle.value) == 1


async def run_test_quiesce(dut, idle=None, backpressure=None):
    """quiesce in the middle of traffic: no descriptor reaches the engine, the engine's data and
    status are taken and go to no port; after the core reset the mux works again."""
    tb = TB(dut, idle, backpressure, latency=30)
    await tb.reset()
    rng = random.Random(82)
    for p in range(tb.ports):
        tb.req[p].extend(requests(rng, p, 12, tb.wb))
    await tb.wait_for(lambda: len(tb.engine_descs) >= 4)
    dut.quiesce.value = 1
    await RisingEdge(dut.clk)
    taken = len(tb.engine_descs)
    await tb.wait_for(lambda: tb.engine_owed == 0 and not tb.engine_queue)
    for _ in range(20):
        await RisingEdge(dut.clk)
    assert len(tb.engine_descs) == taken, "no descriptor under quiesce"
    assert int(dut.m_axis_desc_valid.value) == 0
    assert tb.quiesce_leaks == 0, "read data and status sunk"
    assert int(dut.status_idle.value) == 1
    # the soft reset's core reset ends the quiesce
    for p in range(tb.ports):
        tb.req[p].clear()
    dut.rst.value = 1
    await RisingEdge(dut.clk)
    dut.quiesce.value = 0
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    tb.packets = [[] for _ in range(tb.ports)]
    tb.status = [[] for _ in range(tb.ports)]
    tb.cur = [bytearray() for _ in range(tb.ports)]
    sent = [requests(rng, p, 6, tb.wb) for p in range(tb.ports)]
    for p in range(tb.ports):
        tb.req[p].extend(sent[p])
    await tb.wait_for(lambda: sum(len(s) for s in tb.status) == 6 * tb.ports)
    for p in range(tb.ports):
        assert tb.packets[p] == [(pattern(a, n), a & 1) for a, n, _ in sent[p]]
        assert tb.status[p] == [(t, a & 1) for a, _, t in sent[p]]


if cocotb.SIM_NAME:
    for test in (run_test_traffic, run_test_quiesce):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
