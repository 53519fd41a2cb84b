"""axis_realign: packets of words carrying count bytes at lane offset, with pad empty lanes in
front, come out packed from lane 0 byte-exact: tkeep clear on pad lanes and above the last
byte, tuser ORed over the packet on tlast, tid of the first word; idle and backpressure."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

from flue_tb import cycle_pause, pulse_reset, random_pause

InBus, InTransaction, InSource, InSink, InMonitor = define_stream(
    "In", signals=["tdata", "offset", "count", "pad", "tvalid", "tready", "tlast", "tuser", "tid"])
OutBus, OutTransaction, OutSource, OutSink, OutMonitor = define_stream(
    "Out", signals=["tdata", "tkeep", "tvalid", "tready", "tlast", "tuser", "tid"])


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = InSource(InBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = OutSink(OutBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.lanes = len(dut.s_axis_tdata) // 8

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def recv_packet(self):
        beats = []
        while True:
            t = await with_timeout(self.sink.recv(), 50, "us")
            beats.append(t)
            if int(t.tlast):
                return beats


def make_packet(rng, lanes, pkt_id, words, user):
    """Input words with random offsets/counts (garbage outside them); returns the words and
    the byte stream they carry."""
    pad = rng.randrange(lanes)
    stream = bytearray()
    out = []
    for n in range(words):
        off = rng.randrange(lanes)
        count = rng.randrange(1, lanes - off + 1)
        if rng.random() < 0.4:
            off, count = 0, lanes
        raw = bytearray(rng.randrange(256) for _ in range(lanes))
        stream += raw[off:off + count]
        out.append(InTransaction(tdata=int.from_bytes(raw, "little"), offset=off, count=count,
                                 pad=pad if n == 0 else rng.randrange(lanes), tlast=int(n == words - 1),
                                 tuser=int(user and n == rng.randrange(words)) if user else 0,
                                 tid=(pkt_id + (0 if n == 0 else 17)) & 0xff))
    if user and not any(int(t.tuser) for t in out):
        out[-1].tuser = 1
    return out, pad, bytes(stream)


def check_packet(beats, lanes, pad, stream, user, pkt_id):
    """Expected: pad empty lanes, then the bytes, packed; keep clear exactly on pad lanes and
    past the end."""
    total = pad + len(stream)
    assert len(beats) == -(-total // lanes), (len(beats), total)
    got = bytearray()
    for i, b in enumerate(beats):
        keep = int(b.tkeep)
        data = int(b.tdata).to_bytes(lanes, "little")
        for lane in range(lanes):
            pos = i * lanes + lane
            expect_keep = pad <= pos < total
            assert bool(keep >> lane & 1) == expect_keep, (i, lane, hex(keep))
            if expect_keep:
                got.append(data[lane])
        assert int(b.tlast) == (i == len(beats) - 1)
    assert bytes(got) == stream
    assert int(beats[-1].tuser) == int(user)
    assert int(beats[0].tid) == pkt_id & 0xff


async def run_test_packets(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(21)
    packets = []
    for i in range(60):
        words = rng.choice([1, 1, 2, 3, rng.randrange(4, 12)])
        user = rng.random() < 0.25
        pkt, pad, stream = make_packet(rng, tb.lanes, i, words, user)
        packets.append((pad, stream, user, i))
        for t in pkt:
            await tb.source.send(t)
    for pad, stream, user, i in packets:
        check_packet(await tb.recv_packet(), tb.lanes, pad, stream, user, i)
    await Timer(100, "ns")
    assert tb.sink.empty()
    assert int(dut.status_idle.value) == 1


async def run_test_full_words(dut, idle=None, backpressure=None):
    """Whole words with no pad pass one per cycle: no bubbles without pauses."""
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    data = bytes(range(256)) * 2
    words = len(data) // tb.lanes
    for n in range(words):
        chunk = data[n * tb.lanes:(n + 1) * tb.lanes]
        await tb.source.send(InTransaction(tdata=int.from_bytes(chunk, "little"), offset=0, count=tb.lanes,
                                           pad=0, tlast=int(n == words - 1), tuser=0, tid=5))
    start = None
    beats = []
    cycles = 0
    while True:
        await RisingEdge(dut.clk)
        if start is not None:
            cycles += 1
        if int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
            if start is None:
                start = True
                cycles = 1
            beats.append(int(dut.m_axis_tdata.value).to_bytes(tb.lanes, "little"))
            if int(dut.m_axis_tlast.value):
                break
    assert b"".join(beats) == data
    if idle is None and backpressure is None:
        assert cycles == words, f"{words} words in {cycles} cycles"


if cocotb.SIM_NAME:
    for test in (run_test_packets, run_test_full_words):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
