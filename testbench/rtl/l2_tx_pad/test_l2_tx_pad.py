"""l2_tx_pad: frames shorter than ETH_MIN_WIRE_FRAME come out zero-padded to it, longer ones
unchanged; bytes outside tkeep are zero; a frame with tuser passes unpadded with tuser on its
last word; words packed, tkeep a prefix; idle and backpressure."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import Timer, with_timeout
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_tb import cycle_pause, pulse_reset, random_pause

BeatBus, BeatTransaction, BeatSource, BeatSink, BeatMonitor = define_stream(
    "Beat", signals=["tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"])


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = BeatSource(BeatBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = BeatSink(BeatBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        self.wb = len(dut.s_axis_tdata) // 8

    def set_pause(self, idle, backpressure):
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)

    async def send(self, data, user):
        """Words packed from lane 0, garbage above tkeep."""
        wb = self.wb
        words = -(-len(data) // wb)
        for n in range(words):
            chunk = data[n * wb:(n + 1) * wb]
            raw = chunk + bytes(0xee for _ in range(wb - len(chunk)))
            await self.source.send(BeatTransaction(tdata=int.from_bytes(raw, "little"), tkeep=(1 << len(chunk)) - 1,
                                                   tlast=int(n == words - 1), tuser=int(user and n == words - 1)))

    async def recv(self):
        """A frame's bytes, checking tkeep is a prefix, zero data outside it, tuser only last."""
        out = bytearray()
        while True:
            t = await with_timeout(self.sink.recv(), 50, "us")
            keep = int(t.tkeep)
            n = keep.bit_length()
            assert keep == (1 << n) - 1 and n > 0, hex(keep)
            raw = int(t.tdata).to_bytes(self.wb, "little")
            assert raw[n:] == bytes(self.wb - n), "bytes outside tkeep are zero"
            out += raw[:n]
            if int(t.tlast):
                return bytes(out), int(t.tuser)
            assert int(t.tuser) == 0
            assert n == self.wb, "only the last word is partial"


def payload(n, seed):
    return bytes(((seed * 13 + i * 7) & 0xff) | 1 for i in range(n))


async def run_test_frames(dut, idle=None, backpressure=None):
    tb = TB(dut)
    tb.set_pause(idle, backpressure)
    await tb.reset()
    rng = random.Random(111)
    m = fc.ETH_MIN_WIRE_FRAME
    sizes = sorted(set([1, 13, fc.ETH_MIN_FRAME, tb.wb - 1, tb.wb, tb.wb + 1, m - tb.wb, m - 1, m, m + 1, 64,
                        2 * tb.wb, 200, fc.ETH_MAX_FRAME]))
    sizes += [rng.randrange(1, 130) for _ in range(20)]
    users = [rng.random() < 0.25 for _ in sizes]
    for i, n in enumerate(sizes):
        await tb.send(payload(n, i), users[i])
    for i, n in enumerate(sizes):
        data, user = await tb.recv()
        if users[i]:
            assert data == payload(n, i) and user == 1, f"bad frame of {n} passes unpadded"
        else:
            assert data == payload(n, i) + bytes(max(0, m - n)), f"frame of {n}: {len(data)} bytes out"
            assert user == 0
    await Timer(100, "ns")
    assert tb.sink.empty() and int(dut.status_idle.value) == 1


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_frames)
    factory.add_option("idle", [None, cycle_pause])
    factory.add_option("backpressure", [None, random_pause])
    factory.generate_tests()
