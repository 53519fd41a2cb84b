"""toe_tx_frame: each transmit command becomes one Ethernet/IPv4/TCP frame, byte-exact against a
reference built here with struct and a Python checksum (both checksums also verified by
recomputing them over the wire bytes), zero padded to ETH_MIN_WIRE_FRAME outside the IP
length; payload read by DMA from random host addresses, only for commands with payload; one
status per command in command order with its ctx, after the frame's last beat left, error and no
frame for a failed read; frames without gaps; quiesce finishes the frame on the wire, starts no
other and issues no read; saturated 1460-byte payloads and pure ACKs leave back to back."""

import logging
import os
import random
import re
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_tb import DATA_NO_RESET, DmaReadPort, MacTx, cycle_pause, inet_checksum, random_pause, x_clean

CmdBus, CmdTransaction, CmdSource, CmdSink, CmdMonitor = define_stream(
    "Cmd", signals=["tdata", "tvalid", "tready"])

MEM_SIZE = 2**17
BAD_BASE = 0x18000
BAD_SIZE = 0x4000
MAX_PAYLOAD = 1460


# X audit (flue_tb.XWatch): no output is X or Z after reset but these, and only while their
# valid is 0
xwatched = x_clean(qualified={
    # the read issue FIFO's RAM and output register (axis_fifo) have no reset: X until the first command
    "m_axis_dma_desc_addr": ("m_axis_dma_desc_valid", DATA_NO_RESET),
    "m_axis_dma_desc_len": ("m_axis_dma_desc_valid", DATA_NO_RESET),
})


def txc_layout():
    """TOE_TXC_* field -> lsb, from toe_defs.vh (the widths below are the bench's own)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "hdl", "toe",
                        "toe_defs.vh")
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"`define\s+TOE_TXC_(\w+)_LSB\s+(\d+)", line.strip())
            if m:
                out[m.group(1).lower()] = int(m.group(2))
    return out


TXC_LSB = txc_layout()
TXC_BITS = {"dst_mac": 48, "src_mac": 48, "src_ip": 32, "dst_ip": 32, "src_port": 16, "dst_port": 16,
            "seq": 32, "ack": 32, "flags": 8, "window": 16, "ttl": 8, "tos": 8, "ip_id": 16, "addr": 64,
            "len": 16, "ts_present": 1, "ts_val": 32, "ts_ecr": 32, "ctx": 16}


def pack_cmd(c):
    v = 0
    for name, bits in TXC_BITS.items():
        assert 0 <= c[name] < (1 << bits), name
        v |= c[name] << TXC_LSB[name]
    return v


def ref_frame(c, payload):
    """The frame a command must produce, built field by field."""
    ts = c["ts_present"]
    opts = struct.pack(">BBBBII", 1, 1, 8, 10, c["ts_val"], c["ts_ecr"]) if ts else b""
    doff = (20 + len(opts)) // 4
    tcp = struct.pack(">HHIIBBHHH", c["src_port"], c["dst_port"], c["seq"], c["ack"], doff << 4,
                      c["flags"], c["window"], 0, 0) + opts
    seg_len = len(tcp) + len(payload)
    pseudo = struct.pack(">IIBBH", c["src_ip"], c["dst_ip"], 0, 6, seg_len)
    tcp = tcp[:16] + struct.pack(">H", inet_checksum(pseudo + tcp + payload)) + tcp[18:]
    ip = struct.pack(">BBHHHBBHII", 0x45, c["tos"], 20 + seg_len, c["ip_id"], 0x4000, c["ttl"], 6, 0,
                     c["src_ip"], c["dst_ip"])
    ip = ip[:10] + struct.pack(">H", inet_checksum(ip)) + ip[12:]
    eth = c["dst_mac"].to_bytes(6, "big") + c["src_mac"].to_bytes(6, "big") + b"\x08\x00"
    frame = eth + ip + tcp + payload
    return frame + bytes(max(0, fc.ETH_MIN_WIRE_FRAME - len(frame)))


def check_wire_frame(frame, c, payload):
    """Independent of ref_frame: parse the wire bytes and verify both checksums and padding."""
    assert frame[12:14] == b"\x08\x00"
    ip = frame[14:34]
    assert ip[0] == 0x45 and inet_checksum(ip) == 0, "IP header checksum"
    total = struct.unpack(">H", ip[2:4])[0]
    doff = frame[34 + 12] >> 4
    assert doff == (8 if c["ts_present"] else 5)
    assert total == 20 + doff * 4 + len(payload)
    seg = frame[34:14 + total]
    pseudo = ip[12:20] + struct.pack(">BBH", 0, 6, len(seg))
    assert inet_checksum(pseudo + seg) == 0, "TCP checksum"
    assert seg[doff * 4:] == payload
    assert len(frame) == max(14 + total, fc.ETH_MIN_WIRE_FRAME)
    assert frame[14 + total:] == bytes(len(frame) - 14 - total), "padding is zero"


class TB:
    """Bus models start only once reset has reached the DUT, so nothing it presented before
    the reset (a test that stopped early) is taken."""

    def __init__(self, dut, idle=None, backpressure=None, latency=10, seed=1, mac_gap=3, max_inflight=4):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 6.4, units="ns").start())
        dut.quiesce.setimmediatevalue(0)
        self.opts = (idle, backpressure, latency, seed, mac_gap, max_inflight)
        self.status = []          # (error, ctx)
        self.early = []           # OK statuses seen before their frame's last beat left
        self.frames_done = 0
        self.ok = 0
        self.cycle = 0

    def _start(self):
        idle, backpressure, latency, seed, mac_gap, max_inflight = self.opts
        dut = self.dut
        self.cmd = CmdSource(CmdBus.from_prefix(dut, "s_axis_cmd"), dut.clk, dut.rst)
        self.dma = DmaReadPort(dut, dut.clk, size=MEM_SIZE, latency=latency, idle=idle,
                               max_inflight=max_inflight)
        rng = random.Random(seed)
        self.dma.mem[:] = rng.randbytes(MEM_SIZE)
        self.dma.mark_bad(BAD_BASE, BAD_SIZE)
        self.mac = MacTx(dut, "m_axis_tx", dut.clk, gap=mac_gap)
        if idle:
            self.cmd.set_pause_generator(idle())
        cocotb.start_soon(self._monitor())
        if backpressure:
            cocotb.start_soon(self._wire_pause(backpressure()))

    async def _wire_pause(self, gen):
        while True:
            await RisingEdge(self.dut.clk)
            self.mac.pause = next(gen)

    async def _monitor(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            self.cycle += 1
            if not dut.m_status_valid.value.is_resolvable:
                continue
            # the status of a frame is due after the edge its last beat left on
            if int(dut.m_status_valid.value):
                err = int(dut.m_status_error.value)
                self.status.append((err, int(dut.m_status_ctx.value)))
                if not err:
                    self.ok += 1
                    if self.ok > self.frames_done:
                        self.early.append(self.ok)
            assert int(dut.m_axis_tx_tuser.value) == 0
            if int(dut.m_axis_tx_tvalid.value) and int(dut.m_axis_tx_tready.value) and int(dut.m_axis_tx_tlast.value):
                self.frames_done += 1

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(2):
            await RisingEdge(self.dut.clk)
        self._start()
        for _ in range(2):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)

    async def send(self, c):
        await self.cmd.send(CmdTransaction(tdata=pack_cmd(c)))

    def payload(self, c):
        return bytes(self.dma.mem[c["addr"]:c["addr"] + c["len"]])

    async def wait_status(self, n, timeout_us=400):
        async def waiter():
            while len(self.status) < n:
                await RisingEdge(self.dut.clk)
        await with_timeout(waiter(), timeout_us, "us")


def rand_cmd(rng, i, length=None, ts=None, bad=False):
    if length is None:
        length = rng.choice([0, rng.randrange(1, 8), rng.randrange(1, 200), rng.randrange(0, MAX_PAYLOAD + 1),
                             MAX_PAYLOAD])
    if bad:
        addr = BAD_BASE + rng.randrange(BAD_SIZE - max(length, 1))
    else:
        addr = rng.randrange(MEM_SIZE - MAX_PAYLOAD)
        while BAD_BASE - MAX_PAYLOAD < addr < BAD_BASE + BAD_SIZE:
            addr = rng.randrange(MEM_SIZE - MAX_PAYLOAD)
    return {
        "dst_mac": rng.getrandbits(48), "src_mac": rng.getrandbits(48),
        "src_ip": rng.getrandbits(32), "dst_ip": rng.getrandbits(32),
        "src_port": rng.getrandbits(16), "dst_port": rng.getrandbits(16),
        "seq": rng.getrandbits(32), "ack": rng.getrandbits(32), "flags": rng.getrandbits(8),
        "window": rng.getrandbits(16), "ttl": rng.getrandbits(8), "tos": rng.getrandbits(8),
        "ip_id": rng.getrandbits(16), "addr": addr, "len": length,
        "ts_present": rng.randrange(2) if ts is None else ts,
        "ts_val": rng.getrandbits(32), "ts_ecr": rng.getrandbits(32),
        "ctx": (i * 0x9e3) & 0xffff,
    }


def wire_beats(c):
    return -(-max(54 + 12 * c["ts_present"] + c["len"], fc.ETH_MIN_WIRE_FRAME) // 8)


def frames_now(tb):
    return [tb.mac.queue.get_nowait() for _ in range(tb.mac.queue.qsize())]


async def check_run(tb, dut, cmds, bad_idx=(), gaps=True):
    """Send cmds, wait for their statuses and check everything that came out."""
    for c in cmds:
        await tb.send(c)
    await tb.wait_status(len(cmds))
    await Timer(200, "ns")
    assert tb.status == [(1 if i in bad_idx else 0, c["ctx"]) for i, c in enumerate(cmds)], "status order"
    assert not tb.early, "status before the frame left"
    good = [c for i, c in enumerate(cmds) if i not in bad_idx]
    got = frames_now(tb)
    assert len(got) == len(good), (len(got), len(good))
    for c, frame in zip(good, got):
        pl = tb.payload(c)
        check_wire_frame(frame, c, pl)
        assert frame == ref_frame(c, pl), f"frame of ctx {c['ctx']:#x} len {c['len']} ts {c['ts_present']}"
    # only commands with payload read, each exactly its payload
    assert [(a, n) for a, n, _ in tb.dma.requests] == [(c["addr"], c["len"]) for c in cmds if c["len"]]
    assert tb.mac.aborted == 0
    if gaps:
        for (first, last), c in zip(tb.mac.frame_spans, good):
            assert last - first + 1 == wire_beats(c), f"frame of ctx {c['ctx']:#x} has gaps"
    assert len(tb.status) == len(cmds)
    assert int(dut.status_idle.value) == 1 and int(dut.status_wire_idle.value) == 1


@xwatched
async def run_test_frames(dut, idle=None, backpressure=None):
    rng = random.Random(0x7f1 + (idle is not None) * 2 + (backpressure is not None))
    tb = TB(dut, idle, backpressure, latency=rng.randrange(2, 40), seed=rng.randrange(1 << 30))
    await tb.reset()
    assert int(dut.status_idle.value) == 1
    # every short length, both header sizes, then random ones
    cmds = [rand_cmd(rng, i, length=n, ts=i % 2) for i, n in enumerate(list(range(0, 18)) + [MAX_PAYLOAD] * 2)]
    cmds += [rand_cmd(rng, len(cmds) + i) for i in range(60)]
    await check_run(tb, dut, cmds, gaps=backpressure is None)


@xwatched
async def run_test_dma_error(dut, idle=None, backpressure=None):
    rng = random.Random(0x5e2 + (idle is not None) * 2 + (backpressure is not None))
    tb = TB(dut, idle, backpressure, latency=rng.randrange(2, 40), seed=rng.randrange(1 << 30))
    await tb.reset()
    cmds = []
    bad = set()
    for i in range(40):
        is_bad = rng.random() < 0.3
        c = rand_cmd(rng, i, length=rng.randrange(1, MAX_PAYLOAD + 1) if is_bad else None, bad=is_bad)
        if is_bad:
            bad.add(i)
        cmds.append(c)
    # a run of failures, then good frames of every kind behind them
    for i in range(40, 44):
        cmds.append(rand_cmd(rng, i, length=rng.randrange(1, 300), bad=True))
        bad.add(i)
    cmds += [rand_cmd(rng, 44, length=0), rand_cmd(rng, 45, length=3, ts=0), rand_cmd(rng, 46, length=MAX_PAYLOAD)]
    await check_run(tb, dut, cmds, bad_idx=bad, gaps=backpressure is None)


@xwatched
async def run_test_quiesce(dut, idle=None, backpressure=None):
    """quiesce while a frame is on the wire: it finishes whole with its status; no other frame
    starts and no read is issued until quiesce drops, while reads already issued are taken;
    status_wire_idle says when the wire is between frames."""
    rng = random.Random(0x9a3)
    tb = TB(dut, idle, None, latency=12, seed=11)
    await tb.reset()
    tb.mac.pause = True
    cmds = [rand_cmd(rng, i, length=1000) for i in range(3)] + [rand_cmd(rng, 3, length=0)]
    for c in cmds:
        await tb.send(c)
    while not int(dut.m_axis_tx_tvalid.value):
        await RisingEdge(dut.clk)
    for _ in range(5):
        tb.mac.pause = False
        await RisingEdge(dut.clk)
        tb.mac.pause = True
        await RisingEdge(dut.clk)
    dut.quiesce.value = 1
    await RisingEdge(dut.clk)
    assert int(dut.status_wire_idle.value) == 0
    reads = len(tb.dma.requests)
    later = [rand_cmd(rng, 4 + i, length=rng.randrange(1, MAX_PAYLOAD)) for i in range(3)]
    for c in later:
        await tb.send(c)
    bp = backpressure() if backpressure else None
    n = 0
    while n < 600 or not tb.dma.idle_now():
        tb.mac.pause = bool(bp and next(bp))
        await RisingEdge(dut.clk)
        n += 1
        assert n < 20000, "reads issued before quiesce complete"
    for _ in range(100):
        tb.mac.pause = bool(bp and next(bp))
        await RisingEdge(dut.clk)
    tb.mac.pause = False
    await Timer(100, "ns")
    assert len(tb.mac.frame_spans) == 1, "only the frame already on the wire"
    assert tb.mac.queue.get_nowait() == ref_frame(cmds[0], tb.payload(cmds[0]))
    assert int(dut.status_wire_idle.value) == 1
    assert tb.status == [(0, cmds[0]["ctx"])]
    assert len(tb.dma.requests) == reads, "no read issued under quiesce"
    assert tb.dma.idle_now(), "read data already requested is taken"
    assert int(dut.status_idle.value) == 0
    dut.quiesce.value = 0
    await tb.wait_status(len(cmds) + len(later))
    await Timer(200, "ns")
    assert tb.status == [(0, c["ctx"]) for c in cmds + later]
    got = frames_now(tb)
    for c, frame in zip(cmds[1:] + later, got):
        assert frame == ref_frame(c, tb.payload(c))
    assert len(got) == len(cmds) + len(later) - 1
    assert not tb.early and int(dut.status_idle.value) == 1


@cocotb.test()
@xwatched
async def test_checksum_edges(dut):
    """Checksums at their edges, both verified over the wire bytes and byte-exact against the
    reference: payloads of all 0xff bytes (the most carries, the longest with 1460) and all 0x00,
    of odd lengths (the last byte alone in its 16-bit word) and even ones around the word
    boundaries; the window and the IP id chosen so the TCP and the IP header checksum compute to
    0x0000."""
    tb = TB(dut, latency=7, seed=3)
    await tb.reset()
    rng = random.Random(0xc5)
    cmds = []
    for fill in (0xff, 0x00):
        for n in (1, 2, 3, 7, 8, 9, 15, 17, 255, 1023, MAX_PAYLOAD - 1, MAX_PAYLOAD):
            c = rand_cmd(rng, len(cmds), length=n)
            tb.dma.mem[c["addr"]:c["addr"] + n] = bytes([fill]) * n
            cmds.append(c)
    for n in (0, 1, 6, 13, 100, MAX_PAYLOAD):
        for ts in (0, 1):
            c = rand_cmd(rng, len(cmds), length=n, ts=ts)
            c["window"] = c["ip_id"] = 0
            f = ref_frame(c, tb.payload(c))
            c["window"] = struct.unpack(">H", f[50:52])[0]
            c["ip_id"] = struct.unpack(">H", f[24:26])[0]
            f = ref_frame(c, tb.payload(c))
            assert f[50:52] == f[24:26] == bytes(2)
            cmds.append(c)
    await check_run(tb, dut, cmds)


@cocotb.test()
@xwatched
async def test_fifo_full(dut):
    """With the wire stopped, reads go out only while their payload fits in the FIFO (so read
    data is never held up); the rest wait for room and every frame still comes out right."""
    tb = TB(dut, latency=6, seed=9)
    await tb.reset()
    rng = random.Random(0xf1f0)
    tb.mac.pause = True
    cmds = [rand_cmd(rng, i, length=MAX_PAYLOAD) for i in range(12)]
    for c in cmds:
        await tb.send(c)
    for _ in range(3000):
        await RisingEdge(dut.clk)
    word = len(dut.s_axis_read_data_tdata) // 8
    words = -(-MAX_PAYLOAD // word)
    fits = int(dut.PAYLOAD_FIFO_BYTES.value) // word // words
    assert len(tb.dma.requests) == min(fits, int(dut.CMD_DEPTH.value)), (len(tb.dma.requests), fits)
    assert tb.dma.idle_now(), "read data is never held up"
    tb.mac.pause = False
    await tb.wait_status(len(cmds))
    await Timer(100, "ns")
    assert tb.status == [(0, c["ctx"]) for c in cmds]
    assert frames_now(tb) == [ref_frame(c, tb.payload(c)) for c in cmds]
    assert int(dut.status_idle.value) == 1


async def measure(tb, dut, cmds):
    base = len(tb.status)
    for c in cmds:
        await tb.send(c)
    await tb.wait_status(base + len(cmds))
    await Timer(100, "ns")
    got = frames_now(tb)
    assert got == [ref_frame(c, tb.payload(c)) for c in cmds]
    spans = tb.mac.frame_spans[-len(cmds):]
    for (first, last), c in zip(spans, cmds):
        assert last - first + 1 == wire_beats(c), "frame has gaps"
    idles = [spans[i + 1][0] - spans[i][1] - 1 for i in range(len(spans) - 1)]
    return spans, idles


@cocotb.test()
@xwatched
async def test_throughput(dut):
    """Saturated 1460-byte payload frames (with and without timestamps) and pure ACKs leave
    back to back: cycles per frame = beats per frame, at most 1 idle cycle between frames."""
    tb = TB(dut, latency=8, seed=5, mac_gap=0)
    await tb.reset()
    rng = random.Random(0x7b)
    for ts in (0, 1):
        cmds = [rand_cmd(rng, i, length=MAX_PAYLOAD, ts=ts) for i in range(24)]
        spans, idles = await measure(tb, dut, cmds)
        cycles = spans[-1][1] - spans[1][0] + 1
        beats = sum(wire_beats(c) for c in cmds[1:])
        dut._log.warning("1460-byte payload, ts=%d: %d frames of %d beats in %d cycles, max idle %d",
                         ts, len(cmds) - 1, wire_beats(cmds[0]), cycles, max(idles))
        assert max(idles) <= 1, idles
    cmds = [rand_cmd(rng, 100 + i, length=0) for i in range(32)]
    reads = len(tb.dma.requests)
    spans, idles = await measure(tb, dut, cmds)
    assert len(tb.dma.requests) == reads, "pure ACKs read nothing"
    dut._log.warning("pure ACKs: %d frames in %d cycles (%d beats), max idle %d", len(cmds),
                     spans[-1][1] - spans[0][0] + 1, sum(wire_beats(c) for c in cmds), max(idles))
    assert max(idles) <= 1, idles
    # mixed small and full frames keep the wire busy too once the reads are ahead
    cmds = [rand_cmd(rng, 200 + i, length=rng.choice([0, 1, 64, 700, MAX_PAYLOAD])) for i in range(32)]
    spans, idles = await measure(tb, dut, cmds)
    dut._log.warning("mixed: idle cycles between frames %s", idles)


if cocotb.SIM_NAME:
    for test in (run_test_frames, run_test_dma_error, run_test_quiesce):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
