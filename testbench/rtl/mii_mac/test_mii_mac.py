"""mii_mac (core clock 10 ns, TX_CLK 40.004 ns, RX_CLK 39.996 ns; MII ends are cocotbext-eth's
MiiSink and MiiSource):
- transmit: 14..1514-byte frames from a bursty core side (idle cycles inside frames) leave on
  the MII whole, padded to 60 bytes, with their FCS (zlib.crc32), TX_EN unbroken for exactly the
  frame's nibbles (no underrun), at least 24 idle cycles apart, the core held back (tready low)
  while the FIFO is full; a frame with tuser on tlast never reaches the MII (stat_tx_drop);
  stat_tx_frame counts the frames;
- receive: 60..1514-byte frames back to back at line rate reach the core whole and in order
  (64-bit words, tkeep a prefix), each without a gap between its words, none dropped; a wrong
  FCS, RX_ER, and a runt arrive with tuser on the last word, each counted by its own pulse;
- receive overflow: with the core side stalled, frames that meet the full FIFO are dropped
  whole, counted by stat_rx_drop, and the ones kept arrive whole;
- reset while the PHY's clocks are stopped: once they run again, both directions work."""

import logging
import random
import struct
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream
from cocotbext.eth import GmiiFrame, MiiSink, MiiSource

WireBus, WireTransaction, WireSource, WireSink, WireMonitor = define_stream(
    "Wire", signals=["tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"])

PREAMBLE = b"\x55" * 7 + b"\xd5"
STATS = ["tx_frame", "tx_error", "tx_drop", "rx_frame", "rx_bad_fcs", "rx_error", "rx_framing", "rx_drop"]


class TB:
    def __init__(self, dut):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        for name in ("mii_txd", "mii_rxd"):
            logging.getLogger(f"cocotb.{dut._name}.{name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10000, units="ps").start())
        self.tx_clock = None
        self.rx_clock = None
        self.start_phy_clocks()
        dut.rst.setimmediatevalue(1)
        self.source = WireSource(WireBus.from_prefix(dut, "s_axis_tx"), dut.clk, dut.rst)
        self.sink = WireSink(WireBus.from_prefix(dut, "m_axis_rx"), dut.clk, dut.rst)
        self.mii_sink = MiiSink(dut.mii_txd, None, dut.mii_tx_en, dut.mii_tx_clk)
        self.mii_source = MiiSource(dut.mii_rxd, dut.mii_rx_er, dut.mii_rx_dv, dut.mii_rx_clk)
        self.counts = dict.fromkeys(STATS, 0)
        self.bursts = []        # (first TX_CLK cycle, nibbles) of each TX_EN run
        self.rx_gaps = 0        # core cycles with tvalid low inside a received frame
        self.tx_stalls = 0      # core cycles with s_axis_tx_tvalid high and tready low
        cocotb.start_soon(self._monitor_core())
        cocotb.start_soon(self._monitor_tx())

    def start_phy_clocks(self):
        self.tx_clock = cocotb.start_soon(Clock(self.dut.mii_tx_clk, 40004, units="ps").start())
        self.rx_clock = cocotb.start_soon(Clock(self.dut.mii_rx_clk, 39996, units="ps").start(start_high=False))

    def stop_phy_clocks(self):
        self.tx_clock.kill()
        self.rx_clock.kill()

    async def _monitor_core(self):
        dut = self.dut
        in_frame = False
        while True:
            await RisingEdge(dut.clk)
            if not dut.m_axis_rx_tvalid.value.is_resolvable or int(dut.rst.value):
                in_frame = False
                continue
            for k in STATS:
                if int(getattr(dut, "stat_" + k).value):
                    self.counts[k] += 1
            if int(dut.s_axis_tx_tvalid.value) and not int(dut.s_axis_tx_tready.value):
                self.tx_stalls += 1
            valid = int(dut.m_axis_rx_tvalid.value)
            if valid and int(dut.m_axis_rx_tready.value):
                in_frame = not int(dut.m_axis_rx_tlast.value)
            elif in_frame and not valid:
                self.rx_gaps += 1

    async def _monitor_tx(self):
        dut = self.dut
        cycle = 0
        run = 0
        start = 0
        while True:
            await RisingEdge(dut.mii_tx_clk)
            cycle += 1
            if not dut.mii_tx_en.value.is_resolvable:
                continue
            if int(dut.mii_tx_en.value):
                if run == 0:
                    start = cycle
                run += 1
            elif run:
                self.bursts.append((start, run))
                run = 0

    async def reset(self):
        dut = self.dut
        dut.rst.value = 1
        await ClockCycles(dut.clk, 20)
        dut.rst.value = 0
        await ClockCycles(dut.mii_tx_clk, 10)

    async def send(self, data, user=0):
        """A frame from the core: 64-bit words packed from lane 0, tuser on tlast."""
        words = -(-len(data) // 8)
        for n in range(words):
            chunk = data[n * 8:(n + 1) * 8]
            last = n == words - 1
            await self.source.send(WireTransaction(
                tdata=int.from_bytes(chunk.ljust(8, b"\0"), "little"), tkeep=(1 << len(chunk)) - 1,
                tlast=int(last), tuser=int(user and last)))

    async def recv(self, timeout_us=1000):
        """A frame at the core: bytes and tuser, checking tkeep a prefix and tuser only last."""
        out = bytearray()
        while True:
            t = await with_timeout(self.sink.recv(), timeout_us, "us")
            keep = int(t.tkeep)
            n = keep.bit_length()
            assert n > 0 and keep == (1 << n) - 1, hex(keep)
            out += int(t.tdata).to_bytes(8, "little")[:n]
            if int(t.tlast):
                return bytes(out), int(t.tuser)
            assert n == 8 and int(t.tuser) == 0

    async def recv_mii(self, timeout_us=1000):
        frame = await with_timeout(self.mii_sink.recv(), timeout_us, "us")
        assert bytes(frame.get_preamble()) == PREAMBLE
        return frame


def check_wire(frame, data):
    payload = bytes(frame.get_payload())
    assert payload == data + bytes(max(0, 60 - len(data))), f"{len(data)}-byte frame"
    assert bytes(frame.get_fcs()) == struct.pack("<L", zlib.crc32(payload))


def core_idle():
    rng = random.Random(9)
    while True:
        yield rng.random() < 0.4


@cocotb.test()
async def test_tx(dut):
    tb = TB(dut)
    tb.source.set_pause_generator(core_idle())
    await tb.reset()
    rng = random.Random(1)
    sizes = [14, 15, 59, 60, 61, 64, 100, 127, 128, 1000, 1513, 1514, 14, 1514, 60, 300]
    datas = [bytes(rng.randrange(256) for _ in range(n)) for n in sizes]
    aborted = bytes(rng.randrange(256) for _ in range(200))

    async def sender():
        for i, d in enumerate(datas):
            await tb.send(d)
            if i == 5:
                await tb.send(aborted, user=1)
    send_task = cocotb.start_soon(sender())
    for d in datas:
        check_wire(await tb.recv_mii(), d)
    await send_task
    await ClockCycles(dut.mii_tx_clk, 30)
    assert tb.mii_sink.empty()
    bursts = tb.bursts[-len(datas):]
    for (_, nibbles), d in zip(bursts, datas):
        assert nibbles == 2 * (8 + max(len(d), 60) + 4), "TX_EN unbroken for the whole frame"
    for (s0, n0), (s1, _) in zip(bursts, bursts[1:]):
        assert s1 - (s0 + n0) >= 24, "inter-frame gap"
    await ClockCycles(dut.clk, 20)
    assert tb.counts["tx_frame"] == len(datas)
    assert tb.counts["tx_drop"] == 1 and tb.counts["tx_error"] == 0
    assert tb.tx_stalls > 0, "the full transmit FIFO held the core back"


@cocotb.test()
async def test_rx(dut):
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(2)
    sizes = [60, 61, 64, 65, 100, 127, 128, 129, 1000, 1513, 1514, 60, 1514, 1514, 77]
    expect = []
    for n in sizes:
        d = bytes(rng.randrange(256) for _ in range(n))
        await tb.mii_source.send(GmiiFrame.from_payload(d))
        expect.append((d, 0))
    # a wrong FCS, RX_ER on one byte, a runt
    d = bytes(rng.randrange(256) for _ in range(90))
    raw = bytearray(d + struct.pack("<L", zlib.crc32(d)))
    raw[-1] ^= 0x80
    await tb.mii_source.send(GmiiFrame.from_raw_payload(raw))
    expect.append((d, 1))
    d = bytes(rng.randrange(256) for _ in range(90))
    f = GmiiFrame.from_payload(d)
    f.error = [0] * len(f.data)
    f.error[40] = 1
    await tb.mii_source.send(f)
    expect.append((d, 1))
    d = bytes(rng.randrange(256) for _ in range(30))
    await tb.mii_source.send(GmiiFrame.from_payload(d, min_len=0))
    expect.append((d, 1))
    for e in expect:
        assert await tb.recv() == e
    await ClockCycles(dut.clk, 20)
    assert tb.sink.empty()
    assert tb.rx_gaps == 0, "each frame reaches the core without a gap"
    assert {k: tb.counts[k] for k in STATS if k.startswith("rx")} == {
        "rx_frame": len(sizes), "rx_bad_fcs": 1, "rx_error": 1, "rx_framing": 1, "rx_drop": 0}


@cocotb.test()
async def test_rx_overflow(dut):
    tb = TB(dut)
    await tb.reset()
    tb.sink.pause = True
    rng = random.Random(3)
    datas = [bytes(rng.randrange(256) for _ in range(rng.choice([60, 300, 700, 1514]))) for _ in range(12)]
    for d in datas:
        await tb.mii_source.send(GmiiFrame.from_payload(d))
    await tb.mii_source.wait()
    await ClockCycles(dut.mii_rx_clk, 40)
    assert tb.counts["rx_drop"] > 0
    tb.sink.pause = False
    got = []
    while True:
        try:
            got.append(await tb.recv(timeout_us=50))
        except cocotb.result.SimTimeoutError:
            break
    it = iter(datas)
    assert all(u == 0 and any(g == d for d in it) for g, u in got), "whole frames, in order"
    assert len(got) + tb.counts["rx_drop"] == len(datas)
    assert tb.counts["rx_frame"] == len(datas)
    assert sum(len(g) for g, _ in got) <= 256 * 8


@cocotb.test()
async def test_reset_phy_clocks_stopped(dut):
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(4)
    # some traffic, then the PHY's clocks stop (PHY in reset) and the core resets
    d0 = bytes(rng.randrange(256) for _ in range(300))
    await tb.send(d0)
    await tb.mii_source.send(GmiiFrame.from_payload(d0))
    await Timer(10, "us")
    tb.stop_phy_clocks()
    dut.rst.value = 1
    await ClockCycles(dut.clk, 20)
    dut.rst.value = 0
    await ClockCycles(dut.clk, 200)
    assert int(dut.s_axis_tx_tready.value) == 0, "core side held in reset while the MII side is"
    tb.start_phy_clocks()
    await ClockCycles(dut.mii_tx_clk, 10)
    await ClockCycles(dut.clk, 10)
    # the reference ends saw the frames the stop cut (the MiiSource sends the rest of its
    # frame, which the receiver, reset mid-frame, ignores up to RX_DV falling)
    tb.mii_sink.clear()
    tb.sink.clear()
    assert int(dut.s_axis_tx_tready.value) == 1
    assert int(dut.mii_tx_en.value) == 0 and int(dut.m_axis_rx_tvalid.value) == 0
    d1 = bytes(rng.randrange(256) for _ in range(150))
    d2 = bytes(rng.randrange(256) for _ in range(64))
    await tb.send(d1)
    await tb.mii_source.send(GmiiFrame.from_payload(d2))
    check_wire(await tb.recv_mii(), d1)
    assert await tb.recv() == (d2, 0)
    await ClockCycles(dut.clk, 50)
    assert tb.sink.empty() and tb.mii_sink.empty()
    assert tb.counts["tx_error"] == 0
