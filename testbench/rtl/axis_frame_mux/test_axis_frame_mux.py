"""axis_frame_mux: random frames on every port with idle and backpressure; every output frame
is an input frame whole (data, tkeep, tuser of every beat) and in its port's order, no beat of
another port inside a frame, the round-robin grant checked against a model at every frame start
(so a waiting port is served within PORTS frames), one beat per cycle and no gap between frames
when saturated, AXI output rules under backpressure, status_idle exactly when no frame is partly
through, reset mid-frame."""

import logging
import random
from collections import deque

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, with_timeout

from flue_tb import cycle_pause, pulse_reset, random_pause


def pause_gen(factory, seed):
    """A pause generator from flue_tb's factories (random_pause takes a seed, cycle_pause none)."""
    if factory is None:
        return None
    return factory(seed) if factory is random_pause else factory()


class TB:
    """Drives the packed input ports from one coroutine (each port its own beat queue and idle
    generator; a beat once offered stays until taken) and takes the output with a backpressure
    generator, checking cycle by cycle."""

    def __init__(self, dut, idle=None, backpressure=None, seed=1):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.ports = int(dut.PORTS.value)
        self.width = len(dut.m_axis_tdata)
        self.keep_width = len(dut.m_axis_tkeep)
        self.user_width = len(dut.m_axis_tuser)
        self.rng = random.Random(seed)
        self.beats = [deque() for _ in range(self.ports)]      # (data, keep, last, user) to drive
        self.cur = [None] * self.ports
        self.expect = [deque() for _ in range(self.ports)]     # frames (tuples of beats) per port
        self.idle = [pause_gen(idle, seed + p) for p in range(self.ports)]
        self.backpressure = pause_gen(backpressure, seed + 100)
        self.errors = []
        self.cycle = 0
        self.last = 0                 # round-robin model: port granted last
        self.in_frame = None          # port whose frame is passing the input side
        self.inflight = deque()       # beats taken in, not yet out
        self.out_frame = []
        self.out_ports = []           # port of every output frame, in order
        self.grants = []              # (cycle, valid mask, port) at every frame start
        self.waits = [0] * self.ports  # frames granted to others while the port waited
        self.max_wait = 0
        self.out_cycles = []          # cycles with an output beat
        self.prev_out = None          # output held back last cycle (AXI stability)
        self.frames_in = 0
        dut.s_axis_tdata.setimmediatevalue(0)
        dut.s_axis_tkeep.setimmediatevalue(0)
        dut.s_axis_tvalid.setimmediatevalue(0)
        dut.s_axis_tlast.setimmediatevalue(0)
        dut.s_axis_tuser.setimmediatevalue(0)
        dut.m_axis_tready.setimmediatevalue(0)
        cocotb.start_soon(self._run())

    def error(self, msg):
        if len(self.errors) < 20:
            self.errors.append(f"cycle {self.cycle}: {msg}")

    def make_frame(self, n_beats):
        kw = self.keep_width
        beats = []
        for i in range(n_beats):
            last = i == n_beats - 1
            keep = (1 << (self.rng.randrange(kw) + 1)) - 1 if last else (1 << kw) - 1
            beats.append((self.rng.getrandbits(self.width), keep, int(last),
                          self.rng.getrandbits(self.user_width)))
        return tuple(beats)

    def send(self, port, frame):
        self.beats[port].extend(frame)
        self.expect[port].append(frame)
        self.frames_in += 1

    def reset_state(self):
        for p in range(self.ports):
            self.beats[p].clear()
            self.expect[p].clear()
            self.cur[p] = None
            self.waits[p] = 0
        self.last = 0
        self.in_frame = None
        self.inflight.clear()
        self.out_frame = []
        self.prev_out = None

    async def _run(self):
        dut = self.dut
        w, kw, uw = self.width, self.keep_width, self.user_width
        while True:
            data = keep = user = last = valid = 0
            for p in range(self.ports):
                if self.cur[p] is None and self.beats[p] and not (self.idle[p] and next(self.idle[p])):
                    self.cur[p] = self.beats[p].popleft()
                if self.cur[p] is not None:
                    d, k, lst, u = self.cur[p]
                    valid |= 1 << p
                    data |= d << (p * w)
                    keep |= k << (p * kw)
                    last |= lst << p
                    user |= u << (p * uw)
            dut.s_axis_tdata.value = data
            dut.s_axis_tkeep.value = keep
            dut.s_axis_tvalid.value = valid
            dut.s_axis_tlast.value = last
            dut.s_axis_tuser.value = user
            dut.m_axis_tready.value = 0 if (self.backpressure and next(self.backpressure)) else 1
            await RisingEdge(dut.clk)
            self.cycle += 1
            if not dut.rst.value.is_resolvable or int(dut.rst.value):
                continue
            self._check_cycle(valid)

    def _check_cycle(self, valid):
        dut = self.dut
        # status_idle: no frame partly through (state before this cycle's transfers)
        idle = int(dut.status_idle.value)
        busy = self.in_frame is not None or bool(self.inflight)
        if idle != (not busy):
            self.error(f"status_idle {idle} with in_frame {self.in_frame}, {len(self.inflight)} beats inside")

        # output side
        m_valid = int(dut.m_axis_tvalid.value)
        m_ready = int(dut.m_axis_tready.value)
        beat = None
        if m_valid:
            beat = (int(dut.m_axis_tdata.value), int(dut.m_axis_tkeep.value), int(dut.m_axis_tlast.value),
                    int(dut.m_axis_tuser.value))
        if self.prev_out is not None and beat != self.prev_out:
            self.error(f"output changed while held back: {self.prev_out} -> {beat}")
        self.prev_out = beat if (m_valid and not m_ready) else None
        if m_valid and m_ready:
            self.out_cycles.append(self.cycle)
            if not self.inflight:
                self.error("output beat never taken in")
            elif self.inflight.popleft() != beat:
                self.error("output beat differs from the input beat taken in that order")
            self.out_frame.append(beat)
            if beat[2]:
                frame = tuple(self.out_frame)
                self.out_frame = []
                owners = [p for p in range(self.ports) if self.expect[p] and self.expect[p][0] == frame]
                if len(owners) != 1:
                    self.error(f"output frame of {len(frame)} beats is no port's next frame")
                else:
                    self.expect[owners[0]].popleft()
                    self.out_ports.append(owners[0])

        # input side
        ready = int(dut.s_axis_tready.value)
        taken = valid & ready
        if taken & (taken - 1):
            self.error(f"beats taken from several ports at once: {taken:b}")
        elif taken:
            p = taken.bit_length() - 1
            if self.in_frame is None:
                expect = next((self.last + k) % self.ports for k in range(1, self.ports + 1)
                              if valid >> ((self.last + k) % self.ports) & 1)
                if p != expect:
                    self.error(f"frame granted to port {p}, valid {valid:b}, last {self.last}: "
                               f"round robin says {expect}")
                self.grants.append((self.cycle, valid, p))
                for q in range(self.ports):
                    if q != p and valid >> q & 1:
                        self.waits[q] += 1
                self.max_wait = max(self.max_wait, self.waits[p])
                self.waits[p] = 0
                self.last = p
            elif p != self.in_frame:
                self.error(f"beat of port {p} inside a frame of port {self.in_frame}")
            self.in_frame = None if self.cur[p][2] else p
            self.inflight.append(self.cur[p])
            self.cur[p] = None
        elif self.in_frame is None and valid and ready == 0 and m_ready and not self.inflight:
            # nothing inside, output free, a beat waiting: the mux must take it
            self.error(f"beats waiting ({valid:b}) but none taken with the output free")

    async def reset(self):
        await pulse_reset(self.dut)

    def busy(self):
        return (any(self.beats) or any(c is not None for c in self.cur) or bool(self.inflight)
                or any(self.expect))

    async def _drain(self):
        while self.busy() and not self.errors:
            await RisingEdge(self.dut.clk)
        for _ in range(3):
            await RisingEdge(self.dut.clk)

    async def drain(self):
        await with_timeout(self._drain(), 500, "us")

    def check(self):
        assert not self.errors, "\n".join(self.errors)
        assert not self.busy()
        assert self.max_wait <= self.ports - 1, f"a port waited {self.max_wait} frames"
        assert int(self.dut.status_idle.value) == 1
        assert int(self.dut.m_axis_tvalid.value) == 0


async def run_test_frames(dut, idle=None, backpressure=None):
    """Random frames (1..12 beats, partial last tkeep, random tuser) on every port."""
    tb = TB(dut, idle, backpressure, seed=5)
    await tb.reset()
    for i in range(40 * tb.ports):
        p = tb.rng.randrange(tb.ports)
        tb.send(p, tb.make_frame(tb.rng.choice([1, 1, 2, 3, tb.rng.randrange(1, 13)])))
    await tb.drain()
    tb.check()
    assert len(tb.out_ports) == tb.frames_in


async def run_test_saturated(dut):
    """Every port always has a frame waiting, output never held back: one beat every cycle from
    the first to the last, no gap between frames, grants in strict rotation."""
    tb = TB(dut, seed=9)
    await tb.reset()
    per_port = 20
    for i in range(per_port):
        for p in range(tb.ports):
            tb.send(p, tb.make_frame(tb.rng.choice([1, 2, 5, tb.rng.randrange(1, 9)])))
    total = sum(len(f) for q in tb.expect for f in q)
    await tb.drain()
    tb.check()
    cycles = tb.out_cycles
    assert len(cycles) == total
    assert cycles[-1] - cycles[0] == total - 1, "a gap in the output"
    # the grants rotate while every port has frames left, port 1 first after reset
    order = [p for _, _, p in tb.grants]
    full = order[:tb.ports * (per_port - 1)]
    assert full == [(1 + i) % tb.ports for i in range(len(full))], full[:12]


async def run_test_hog(dut, backpressure=None):
    """Port 0 has frames waiting all the time, the others now and then: each of them still gets
    the next frame or one within PORTS frames."""
    tb = TB(dut, None, backpressure, seed=13)
    await tb.reset()
    for _ in range(400):
        tb.send(0, tb.make_frame(tb.rng.randrange(1, 6)))
    for _ in range(40):
        for _ in range(tb.rng.randrange(5, 25)):
            await RisingEdge(dut.clk)
        for p in range(1, tb.ports):
            if tb.rng.random() < 0.7:
                tb.send(p, tb.make_frame(tb.rng.randrange(1, 6)))
    await tb.drain()
    tb.check()
    others = [g for g in tb.grants if g[2] != 0]
    assert others, "other ports served"
    # every frame of another port was waiting against port 0 and went next or next but one
    for _, valid, p in others:
        assert valid & 1, "port 0 was waiting too"


async def run_test_reset(dut, backpressure=None):
    """Reset in the middle of frames: the output stops, status_idle is high, then new frames
    pass whole."""
    tb = TB(dut, cycle_pause, backpressure, seed=17)
    await tb.reset()
    for rnd in range(3):
        for p in range(tb.ports):
            for _ in range(4):
                tb.send(p, tb.make_frame(tb.rng.randrange(3, 10)))
        for _ in range(37 + 11 * rnd):
            await RisingEdge(dut.clk)
        assert tb.busy()
        dut.rst.value = 1
        await RisingEdge(dut.clk)
        tb.reset_state()
        await RisingEdge(dut.clk)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        assert int(dut.status_idle.value) == 1 and int(dut.m_axis_tvalid.value) == 0
        assert int(dut.s_axis_tready.value) == 0
    for p in range(tb.ports):
        for _ in range(5):
            tb.send(p, tb.make_frame(tb.rng.randrange(1, 10)))
    await tb.drain()
    tb.check()


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_frames)
    factory.add_option("idle", [None, cycle_pause, random_pause])
    factory.add_option("backpressure", [None, random_pause])
    factory.generate_tests()
    TestFactory(run_test_saturated).generate_tests()
    for test in (run_test_hog, run_test_reset):
        factory = TestFactory(test)
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
