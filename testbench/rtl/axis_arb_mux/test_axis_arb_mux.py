"""axis_arb_mux: every word of every port out once, in port order, tid = port; round-robin
grant checked against a model on every accepted word; idle and backpressure."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout

from flue_tb import cycle_pause, pulse_reset, random_pause


class TB:
    """Drives the packed input ports from one coroutine (each port its own word queue and
    idle generator) and takes the output with a backpressure generator."""

    def __init__(self, dut, idle=None, backpressure=None):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.ports = int(dut.PORTS.value)
        self.width = len(dut.m_axis_tdata)
        self.queues = [[] for _ in range(self.ports)]
        self.idle = [idle() if idle else None for _ in range(self.ports)]
        self.backpressure = backpressure() if backpressure else None
        self.out = []              # (port, word)
        self.grants = []           # (valid mask, port granted) for every accepted input word
        self.multi = 0             # cycles with more than one input accepted
        self.last = 0
        self.rr_errors = []
        dut.s_axis_tdata.setimmediatevalue(0)
        dut.s_axis_tvalid.setimmediatevalue(0)
        dut.m_axis_tready.setimmediatevalue(0)
        cocotb.start_soon(self._run())

    async def _run(self):
        dut = self.dut
        w = self.width
        while True:
            data = 0
            valid = 0
            for p in range(self.ports):
                if self.queues[p] and not (self.idle[p] and next(self.idle[p])):
                    valid |= 1 << p
                    data |= self.queues[p][0] << (p * w)
            dut.s_axis_tdata.value = data
            dut.s_axis_tvalid.value = valid
            dut.m_axis_tready.value = 0 if (self.backpressure and next(self.backpressure)) else 1
            await RisingEdge(dut.clk)
            if int(dut.rst.value):
                continue
            ready = int(dut.s_axis_tready.value)
            taken = valid & ready
            if bin(taken).count("1") > 1:
                self.multi += 1
            if taken:
                port = taken.bit_length() - 1
                # round robin: the first requesting port after the last one served
                expect = next((self.last + k) % self.ports for k in range(1, self.ports + 1)
                              if valid >> ((self.last + k) % self.ports) & 1)
                if port != expect:
                    self.rr_errors.append((valid, self.last, port))
                self.grants.append((valid, port))
                self.last = port
                self.queues[port].pop(0)
            if int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
                self.out.append((int(dut.m_axis_tid.value), int(dut.m_axis_tdata.value)))

    async def reset(self):
        await pulse_reset(self.dut)
        self.last = 0

    async def drain(self, n):
        while len(self.out) < n:
            await RisingEdge(self.dut.clk)


async def run_test_traffic(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    counts = [60, 35, 80]
    sent = []
    for p in range(tb.ports):
        words = [(p << (tb.width - 2)) | (i & ((1 << (tb.width - 2)) - 1)) for i in range(counts[p % len(counts)])]
        sent.append(words)
        tb.queues[p].extend(words)
    total = sum(len(s) for s in sent)
    await with_timeout(tb.drain(total), 100, "us")
    await Timer(100, "ns")
    assert len(tb.out) == total
    for p in range(tb.ports):
        got = [d for port, d in tb.out if port == p]
        assert got == sent[p], f"port {p}"
    assert not tb.rr_errors, tb.rr_errors[:4]
    assert tb.multi == 0, "one word per cycle"
    assert int(dut.m_axis_tvalid.value) == 0
    # everybody busy: the grants rotate through all ports
    if idle is None:
        full = [port for valid, port in tb.grants if valid == (1 << tb.ports) - 1]
        assert full[:3 * tb.ports] == [(full[0] + i) % tb.ports for i in range(3 * tb.ports)]


async def run_test_sparse(dut, idle=None, backpressure=None):
    """Single words on random ports at random times: none lost, grant model holds."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(9)
    sent = [[] for _ in range(tb.ports)]
    for i in range(150):
        p = rng.randrange(tb.ports)
        w = rng.randrange(1 << tb.width)
        sent[p].append(w)
        tb.queues[p].append(w)
        for _ in range(rng.choice([0, 0, 1, 3])):
            await RisingEdge(dut.clk)
    await with_timeout(tb.drain(150), 100, "us")
    for p in range(tb.ports):
        assert [d for port, d in tb.out if port == p] == sent[p]
    assert not tb.rr_errors, tb.rr_errors[:4]


if cocotb.SIM_NAME:
    for test in (run_test_traffic, run_test_sparse):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
