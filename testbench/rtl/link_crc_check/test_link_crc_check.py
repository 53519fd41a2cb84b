"""link_crc_check: packets ending in a little-endian zlib CRC-32 of the bytes before it come out
without the CRC, with random pauses on either side: random packets (1..300 payload bytes) with
good CRCs come out exactly, tuser 0; one flipped bit anywhere (payload or CRC) flags the packet
(tuser 1 on its last beat); input tuser set flags it; packets of 1..4 bytes come out as one
flagged beat; back-to-back packets (good and bad mixed) are kept apart."""

import logging
import random
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import ClockCycles
from cocotbext.axi.stream import define_stream

from flue_tb import pulse_reset, random_pause
from link_tb import PacketSinkBench

PktBus, PktTransaction, PktSource, PktSink, PktMonitor = define_stream(
    "Pkt", signals=["tdata", "tvalid", "tready", "tlast", "tuser"])


def with_crc(payload):
    """The packet as the host's link framing ends it: payload, CRC-32 little-endian."""
    return payload + zlib.crc32(payload).to_bytes(4, "little")


def reference(packet, bad_in=0):
    """What the block should give for one input packet: (payload bytes, tuser)."""
    if len(packet) < 5:
        return b"\x00", 1
    payload, crc = packet[:-4], packet[-4:]
    ok = zlib.crc32(payload).to_bytes(4, "little") == crc
    return payload, int(bad_in or not ok)


def flip_bit(packet, rng):
    i = rng.randrange(len(packet) * 8)
    out = bytearray(packet)
    out[i // 8] ^= 1 << (i % 8)
    return bytes(out)


class TB(PacketSinkBench):
    RECV_TIMEOUT_NS = 500000

    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.source = PktSource(PktBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.sink = PktSink(PktBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)

    async def reset(self):
        await pulse_reset(self.dut)

    async def send(self, packets):
        """packets: [(bytes, tuser)]; a flagged packet has tuser on its first and last beats."""
        for data, bad in packets:
            for i, b in enumerate(data):
                last = i == len(data) - 1
                user = bad and (last or i == 0)
                await self.source.send(PktTransaction(tdata=b, tlast=int(last), tuser=int(user)))

    async def expect(self, packets, want=None):
        """Sends packets [(bytes, tuser in)], checks the output against `want` (default: the
        reference's) and that nothing more comes."""
        if want is None:
            want = [reference(p, bad) for p, bad in packets]
        await self.expect_out(packets, want)


def random_payload(rng, n=None):
    n = n if n is not None else rng.randint(1, 300)
    return bytes(rng.randrange(256) for _ in range(n))


async def run_test_random(dut, src_pause=None, sink_pause=None):
    """Random good packets (1..300 payload bytes) come out exactly, tuser 0, with random
    pauses; then the same mixed with flipped bits, input tuser and short packets."""
    tb = TB(dut, seed=1 + (2 if src_pause else 0) + (4 if sink_pause else 0))
    if src_pause:
        tb.source.set_pause_generator(src_pause(seed=21))
    if sink_pause:
        tb.sink.set_pause_generator(sink_pause(seed=22))
    await tb.reset()
    payloads = [random_payload(tb.rng) for _ in range(30)] + [b"\x00", b"\xff" * 300]
    good = [(with_crc(p), 0) for p in payloads]
    await tb.expect(good, [(p, 0) for p in payloads])

    mixed = []
    for _ in range(40):
        p = with_crc(random_payload(tb.rng))
        kind = tb.rng.randrange(4)
        if kind == 1:
            mixed.append((flip_bit(p, tb.rng), 0))
        elif kind == 2:
            mixed.append((p, 1))
        elif kind == 3:
            mixed.append((random_payload(tb.rng, tb.rng.randint(1, 4)), 0))
        else:
            mixed.append((p, 0))
    want = [reference(p, bad) for p, bad in mixed]
    assert any(bad for _, bad in want) and any(not bad for _, bad in want)
    await tb.expect(mixed, want)


@cocotb.test()
async def test_flipped_bit(dut):
    """Every single bit flipped in a short packet (payload and CRC bytes) flags it; the payload
    still comes out whole, and a good packet after each is fine."""
    tb = TB(dut)
    await tb.reset()
    payload = bytes([0x12, 0x34, 0x56])
    packet = with_crc(payload)
    for i in range(len(packet) * 8):
        bad = bytearray(packet)
        bad[i // 8] ^= 1 << (i % 8)
        want_payload = bytes(bad[:-4])
        await tb.expect([(bytes(bad), 0), (packet, 0)], [(want_payload, 1), (payload, 0)])


@cocotb.test()
async def test_tuser_in(dut):
    """Input tuser (on the last beat, or only on the first) flags a packet with a good CRC;
    the flag does not leak into the next packet."""
    tb = TB(dut)
    await tb.reset()
    p = b"\x01\x02\x03\x04\x05\x06"
    packet = with_crc(p)
    await tb.expect([(packet, 1), (packet, 0)], [(p, 1), (p, 0)])
    # tuser on the first beat only
    for i, b in enumerate(packet):
        await tb.source.send(PktTransaction(tdata=b, tlast=int(i == len(packet) - 1),
                                            tuser=int(i == 0)))
    assert await tb.recv_packet() == (p, 1)
    await tb.expect([(packet, 0)], [(p, 0)])


@cocotb.test()
async def test_short(dut):
    """Packets of 1..4 bytes (even the CRC of nothing, 4 bytes) come out as one beat, tdata 0,
    tuser 1; a 5-byte packet (1 payload byte) is fine; good packets between are unharmed."""
    tb = TB(dut)
    await tb.reset()
    packets = []
    want = []
    for n in range(1, 5):
        packets.append((bytes(range(0x40, 0x40 + n)), 0))
        want.append((b"\x00", 1))
        packets.append((with_crc(b"\x77"), 0))
        want.append((b"\x77", 0))
    packets.append((zlib.crc32(b"").to_bytes(4, "little"), 0))
    want.append((b"\x00", 1))
    await tb.expect(packets, want)


@cocotb.test()
async def test_back_to_back(dut):
    """Back-to-back 1-payload-byte packets at full rate, no pauses: each comes out separately
    and the CRC restarts for each (a good one after a bad one is fine)."""
    tb = TB(dut)
    await tb.reset()
    packets = []
    for i in range(20):
        p = with_crc(bytes([i, 255 - i][: 1 + i % 2]))
        packets.append((flip_bit(p, tb.rng), 0) if i % 3 == 0 else (p, 0))
    await tb.expect(packets)


@cocotb.test()
async def test_backpressure_stalls(dut):
    """With m_axis_tready held low the input stalls (tready low) once the output register is
    full; nothing is lost when it is released."""
    tb = TB(dut)
    tb.sink.pause = True
    await tb.reset()
    payloads = [bytes(range(1, 20)), bytes([0xAA])]
    sender = cocotb.start_soon(tb.send([(with_crc(p), 0) for p in payloads]))
    await ClockCycles(dut.clk, 40)
    assert int(dut.s_axis_tready.value) == 0, "input not stalled by output backpressure"
    assert int(dut.m_axis_tvalid.value) == 1 and int(dut.m_axis_tdata.value) == 1
    tb.sink.pause = False
    got = [await tb.recv_packet() for _ in payloads]
    await sender
    assert got == [(p, 0) for p in payloads]


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_random)
    factory.add_option("src_pause", [None, random_pause])
    factory.add_option("sink_pause", [None, random_pause])
    factory.generate_tests()
