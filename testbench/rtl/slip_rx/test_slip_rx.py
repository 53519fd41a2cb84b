"""slip_rx: line bytes from a reference SLIP encoder (END before and after each packet) come out
as the packets, exactly as a reference decoder gives them, with random pauses on either side:
random packets (1..300 bytes, many END and ESC bytes; over MAX_PACKET flagged); garbage before
the first END is dropped; a bad escape or an overlong packet ends it flagged (tuser on the last
byte) and the next packet is fine; runs of ENDs give no empty packets; a packet split at any
point by input stalls comes out whole."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles
from cocotbext.axi.stream import define_stream

from flue_tb import pulse_reset, random_pause
from link_tb import END, ESC, ESC_END, ESC_ESC, PacketSinkBench, slip_encode

LineBus, LineTransaction, LineSource, LineSink, LineMonitor = define_stream(
    "Line", signals=["tdata", "tvalid", "tready"])
PktBus, PktTransaction, PktSource, PktSink, PktMonitor = define_stream(
    "Pkt", signals=["tdata", "tvalid", "tready", "tlast", "tuser"])

def slip_decode(line, max_packet):
    """Reference decoder, from reset: [(packet bytes, bad)]. Drops bytes before the first END;
    skips empty packets; a bad escape ends the packet flagged (its last byte: the byte before
    the ESC, or the bad byte if none) and drops up to the next END (none to drop if the bad byte
    is END); a byte beyond max_packet ends the packet flagged and drops up to the next END."""
    out = []
    state = "hunt"
    cur = []
    for b in line:
        if state == "hunt":
            if b == END:
                state = "data"
            continue
        if state == "data":
            if b == END:
                if cur:
                    out.append((bytes(cur), 0))
                cur = []
                continue
            if b == ESC:
                state = "esc"
                continue
            d = b
        else:
            state = "data"
            if b == ESC_END:
                d = END
            elif b == ESC_ESC:
                d = ESC
            else:
                out.append((bytes(cur or [b]), 1))
                cur = []
                state = "data" if b == END else "hunt"
                continue
        if len(cur) == max_packet:
            out.append((bytes(cur), 1))
            cur = []
            state = "hunt"
            continue
        cur.append(d)
    return out


def random_packet(rng, n=None):
    n = n if n is not None else rng.randint(1, 300)
    return bytes(rng.choice([END, ESC, rng.randrange(256)]) if rng.random() < 0.4
                 else rng.randrange(256) for _ in range(n))


class TB(PacketSinkBench):
    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.max_packet = int(dut.MAX_PACKET.value)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = LineSource(LineBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = PktSink(PktBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)

    async def reset(self):
        await pulse_reset(self.dut)

    async def send(self, line):
        for b in line:
            await self.source.send(LineTransaction(tdata=b))

    async def expect(self, line, want=None):
        """Sends line bytes, checks the packets out against `want` (default: the reference
        decoder's, from reset) and that nothing more comes."""
        if want is None:
            want = slip_decode(line, self.max_packet)
        await self.expect_out(line, want)


async def run_test_random(dut, src_pause=None, sink_pause=None):
    """Random packets through the reference encoder come back, with random pauses."""
    tb = TB(dut, seed=1 + (2 if src_pause else 0) + (4 if sink_pause else 0))
    if src_pause:
        tb.source.set_pause_generator(src_pause(seed=21))
    if sink_pause:
        tb.sink.set_pause_generator(sink_pause(seed=22))
    await tb.reset()
    packets = [random_packet(tb.rng) for _ in range(30)]
    packets += [bytes([END]), bytes([ESC]), bytes([END, ESC, END]), b"\x00", bytes([ESC_END, ESC_ESC])]
    packets += [random_packet(tb.rng, tb.max_packet), random_packet(tb.rng, tb.max_packet + 1)]
    line = b"".join(slip_encode(p) for p in packets)
    want = [(p, 0) if len(p) <= tb.max_packet else (p[:tb.max_packet], 1) for p in packets]
    assert slip_decode(line, tb.max_packet) == want, "the reference decoder disagrees"
    assert any(bad for _, bad in want) and any(not bad for _, bad in want)
    await tb.expect(line, want)


@cocotb.test()
async def test_garbage_first(dut):
    """Bytes before the first END after reset (escapes, bad escapes included) give nothing; the
    packets after it come out."""
    tb = TB(dut)
    await tb.reset()
    garbage = bytes([0x12, ESC, ESC_END, 0x34, ESC, 0x55, 0x66])
    packets = [b"\x01\x02\x03", bytes([END, 0x10, ESC])]
    await tb.expect(garbage + b"".join(slip_encode(p) for p in packets), [(p, 0) for p in packets])


@cocotb.test()
async def test_bad_escape(dut):
    """ESC then a byte other than ESC_END/ESC_ESC: the packet ends there with tuser 1 on its
    last byte (the one before the ESC; the bad byte if the ESC came first), the rest up to END
    is dropped, and the next packet comes out fine; ESC END ends the packet flagged too."""
    tb = TB(dut)
    await tb.reset()
    good = bytes([0x01, END, 0x02, ESC])
    line = slip_encode(good)
    line += bytes([END, 0xA1, 0xA2, ESC, 0x41, 0xA3, ESC, ESC_END, 0xA4, END])  # mid-packet
    line += slip_encode(good)
    line += bytes([END, ESC, 0x42, 0xB1, END])                                  # first byte
    line += slip_encode(good)
    line += bytes([END, 0xC1, ESC, END]) + slip_encode(good)[1:]                # ESC END
    line += bytes([END, ESC, END, END]) + slip_encode(good)
    want = [(good, 0), (bytes([0xA1, 0xA2]), 1), (good, 0), (bytes([0x42]), 1), (good, 0),
            (bytes([0xC1]), 1), (good, 0), (bytes([END]), 1), (good, 0)]
    assert slip_decode(line, tb.max_packet) == want, "the reference decoder disagrees"
    await tb.expect(line, want)


@cocotb.test()
async def test_overlong(dut):
    """A packet of MAX_PACKET bytes is fine; one byte more: its first MAX_PACKET bytes come out
    with tuser 1 on the last, the rest up to END is dropped, and the next packet is fine; an
    escaped byte beyond the limit counts the same."""
    tb = TB(dut)
    await tb.reset()
    n = tb.max_packet
    exact = bytes((i * 7 + 1) & 0x7f for i in range(n))
    over = bytes((i * 5 + 3) & 0x7f for i in range(n + 40))
    over_esc = exact + bytes([END, 0x01])
    line = b"".join(slip_encode(p) for p in [exact, over, b"\x99", over_esc, b"\x98\x97"])
    want = [(exact, 0), (over[:n], 1), (b"\x99", 0), (exact, 1), (b"\x98\x97", 0)]
    assert slip_decode(line, n) == want, "the reference decoder disagrees"
    await tb.expect(line, want)


@cocotb.test()
async def test_end_runs(dut):
    """Runs of ENDs between, before and after packets give no empty packets."""
    tb = TB(dut)
    await tb.reset()
    packets = [b"\x01", bytes([END]), b"\x02\x03", bytes([ESC, ESC])]
    line = bytes([END] * 5)
    for i, p in enumerate(packets):
        line += slip_encode(p) + bytes([END] * i)
    line += bytes([END] * 7)
    await tb.expect(line, [(p, 0) for p in packets])


@cocotb.test()
async def test_split(dut):
    """A packet (with escapes, between two others) split at every point by an input stall of a
    few cycles comes out whole."""
    tb = TB(dut)
    await tb.reset()
    packet = bytes([0x10, END, 0x11, ESC, 0x12, ESC, END])
    line = slip_encode(b"\xaa") + slip_encode(packet) + slip_encode(b"\xbb")
    for k in range(len(line) + 1):
        sender_done = cocotb.start_soon(tb.send(line[:k]))
        await sender_done
        await tb.source.wait()
        await ClockCycles(dut.clk, tb.rng.randint(1, 8))
        await tb.send(line[k:])
        got = [await tb.recv_packet() for _ in range(3)]
        assert got == [(b"\xaa", 0), (packet, 0), (b"\xbb", 0)], f"split at {k}: {got}"
        await tb.source.wait()
        await ClockCycles(dut.clk, 10)
        assert tb.sink.empty(), f"split at {k}: extra beats"


@cocotb.test()
async def test_backpressure_stalls(dut):
    """With m_axis_tready held low the input stalls (tready low) once the output register is
    full; nothing is lost when it is released."""
    tb = TB(dut)
    tb.sink.pause = True
    await tb.reset()
    packets = [bytes(range(1, 20)), bytes([END, ESC, 0x33])]
    line = b"".join(slip_encode(p) for p in packets)
    sender = cocotb.start_soon(tb.send(line))
    await ClockCycles(dut.clk, 40)
    assert int(dut.s_axis_tready.value) == 0, "input not stalled by output backpressure"
    assert int(dut.m_axis_tvalid.value) == 1 and int(dut.m_axis_tdata.value) == 1
    tb.sink.pause = False
    got = [await tb.recv_packet() for _ in packets]
    await sender
    assert got == [(p, 0) for p in packets]


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_random)
    factory.add_option("src_pause", [None, random_pause])
    factory.add_option("sink_pause", [None, random_pause])
    factory.generate_tests()
