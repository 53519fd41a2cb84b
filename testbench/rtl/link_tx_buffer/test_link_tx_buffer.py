"""link_tx_buffer: the link_bridge's packet output from two RAMs, at its own ports.

The bench plays both engines (source A, the response RAM; source B, the request RAM: write the
RAM, pulse x_send with x_len, x_cancel) and the byte sink on m_axis (tready random when asked),
and records, every cycle, the handshakes, a_pend/a_active/b_pend/b_active, b_done and
stat_tx_packet. The sink checks the stream rules: tdata and tlast hold while tvalid waits for
tready, tlast only on a packet's last byte.

Tests: a packet of each source, 1 byte to the full RAM, goes out exactly, pending from the
cycle after x_send until it starts, active until its last byte left, at least one byte every two
cycles, stat_tx_packet once per packet, b_done once per B packet (after its last byte, never
for A); a packet sent again without writing goes out the same (replay, retransmission); both
pending take turns, one alone goes back to back, a replay asked while the request streams goes
next; x_cancel withdraws a pending packet (also in the very cycle it would start), not one
going out; a RAM rewritten while the other streams; random backpressure with both sources busy
(each packet exact, in order per source); rst in the middle of a packet."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

from flue_tb import pulse_reset


class TB:
    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.size = dict(a=int(dut.A_BYTES.value), b=int(dut.B_BYTES.value))
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        for x in "ab":
            for s in ("wr_en", "wr_addr", "wr_data", "send", "len", "cancel"):
                getattr(dut, f"{x}_{s}").setimmediatevalue(0)
        dut.m_axis_tready.setimmediatevalue(0)
        dut.rst.setimmediatevalue(0)
        self.pause = 0.0        # probability tready is low in a cycle
        self.stop = False       # tready held low
        self.errors = []
        self.packets = []       # dict(data, first, last, shown): cycles of the first and last handshakes
        self.trace = []         # per cycle: sampled outputs
        self.cycle = 0
        self.armed = False
        cocotb.start_soon(self._sink())

    def check(self):
        assert not self.errors, "; ".join(self.errors[:5])

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)
        await ClockCycles(self.dut.clk, 2)

    async def _sink(self):
        dut = self.dut
        cur = bytearray()
        first = None
        prev = None     # (tdata, tlast) offered and not taken in the cycle before
        shown = None    # cycle the current packet's last byte was first offered
        while True:
            ready = 0 if (self.stop or (self.pause and self.rng.random() < self.pause)) else 1
            dut.m_axis_tready.value = ready
            await RisingEdge(dut.clk)
            self.cycle += 1
            if int(dut.rst.value):
                self.armed = True
                cur, first, prev, shown = bytearray(), None, None, None
                continue
            if not self.armed:
                continue
            t = dict(cycle=self.cycle)
            for s in ("a_pend", "a_active", "b_pend", "b_active", "b_done", "stat_tx_packet",
                      "m_axis_tvalid", "m_axis_tlast", "a_send", "b_send"):
                t[s] = int(getattr(dut, s).value)
            self.trace.append(t)
            valid = t["m_axis_tvalid"]
            data = int(dut.m_axis_tdata.value) if valid else None
            if prev is not None and (not valid or (data, t["m_axis_tlast"]) != prev):
                self.errors.append(f"cycle {self.cycle}: the stream changed before its handshake")
            prev = None
            if not valid:
                continue
            if t["m_axis_tlast"] and shown is None:
                shown = self.cycle
            if not ready:
                prev = (data, t["m_axis_tlast"])
                continue
            if first is None:
                first = self.cycle
            cur.append(data)
            if t["m_axis_tlast"]:
                self.packets.append(dict(data=bytes(cur), first=first, last=self.cycle, shown=shown))
                cur, first, shown = bytearray(), None, None

    # ---- the engines
    async def load(self, x, data, at=0):
        """Writes data into RAM x from byte `at`, a byte a cycle."""
        dut = self.dut
        for i, b in enumerate(data):
            getattr(dut, f"{x}_wr_en").value = 1
            getattr(dut, f"{x}_wr_addr").value = at + i
            getattr(dut, f"{x}_wr_data").value = b
            await RisingEdge(dut.clk)
        getattr(dut, f"{x}_wr_en").value = 0

    async def pulse(self, x, what, length=None):
        dut = self.dut
        if length is not None:
            getattr(dut, f"{x}_len").value = length
        getattr(dut, f"{x}_{what}").value = 1
        await RisingEdge(dut.clk)
        getattr(dut, f"{x}_{what}").value = 0

    async def send(self, x, length):
        await self.pulse(x, "send", length)

    async def cancel(self, x):
        await self.pulse(x, "cancel")

    def content(self, x, n):
        """n random bytes, the first telling the source (0xa0.., 0xb0..)."""
        tag = 0xa0 if x == "a" else 0xb0
        return bytes([tag | self.rng.randrange(16)] + [self.rng.randrange(256) for _ in range(n - 1)])

    async def packet(self, timeout_cycles=5000):
        """The next packet out (waits for it)."""
        n = len(self.packets)
        for _ in range(timeout_cycles):
            if len(self.packets) > n:
                return self.packets[n]
            await RisingEdge(self.dut.clk)
        raise AssertionError("no packet came")

    async def idle(self, cycles=20):
        """Waits until nothing is pending or going out, then `cycles` more."""
        dut = self.dut
        for _ in range(20000):
            await RisingEdge(dut.clk)
            if not any(int(getattr(dut, s).value) for s in ("a_pend", "a_active", "b_pend", "b_active", "m_axis_tvalid")):
                break
        await ClockCycles(dut.clk, cycles)

    def count(self, sig, since=0):
        return sum(t[sig] for t in self.trace if t["cycle"] >= since)

    def source(self, p):
        return "a" if p["data"][0] & 0xf0 == 0xa0 else "b"


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_each_source(dut):
    """Alone, a packet of A (1, 2, 17 bytes, the whole RAM) or B (1, half the RAM and 3, the
    whole RAM) goes out exactly, tlast on its last byte only; x_pend is high from the cycle
    after x_send until the cycle x_active rises, x_active lasts until the last byte is out; a byte at least every two
    cycles; stat_tx_packet pulses once per packet, b_done once per B packet, no earlier than its
    last byte is offered and before anything else goes out, never for A; the same packet sent
    again without writing goes out again byte for byte; x_send in the very cycle a packet starts
    makes it pending again (it goes out twice)."""
    tb = TB(dut, seed=1)
    await tb.reset()
    cases = [("a", n) for n in (1, 2, 17, tb.size["a"])] + [("b", n) for n in (1, tb.size["b"] // 2 + 3, tb.size["b"])]
    for x, n in cases:
        data = tb.content(x, n)
        await tb.load(x, data)
        since = tb.cycle
        for again in range(2):
            k = len(tb.packets)
            await tb.send(x, n)
            p = await tb.packet()
            t0 = [t["cycle"] for t in tb.trace if t[f"{x}_send"]][-1]
            await tb.idle()
            assert len(tb.packets) == k + 1, f"{x} {n}: {len(tb.packets) - k} packets"
            assert p["data"] == data, f"{x} {n} bytes (send {again}): {p['data'][:16].hex()} where {data[:16].hex()}"
            tr = [t for t in tb.trace if t["cycle"] > t0]
            pend = [t[f"{x}_pend"] for t in tr]
            act = [t[f"{x}_active"] for t in tr]
            start = act.index(1)
            assert start >= 1 and all(pend[:start]) and not any(pend[start:]), f"{x} {n}: x_pend {pend[:start + 3]}"
            end = start + act[start:].index(0)
            assert all(act[start:end]) and not any(act[end:]), f"{x} {n}: x_active not one run"
            assert tr[end - 1]["cycle"] >= p["last"] - 1, f"{x} {n}: x_active fell before the last byte"
            other = "b" if x == "a" else "a"
            assert not any(t[f"{other}_active"] or t[f"{other}_pend"] for t in tr)
            assert p["last"] - p["first"] <= 2 * (n - 1), f"{x} {n}: {p['last'] - p['first']} cycles for {n} bytes"
            assert p["first"] - t0 <= 6, f"{x} {n}: first byte {p['first'] - t0} cycles after x_send"
        assert tb.count("stat_tx_packet", since) == 2, f"{x} {n}: stat_tx_packet {tb.count('stat_tx_packet', since)}"
        done = [t["cycle"] for t in tb.trace if t["cycle"] >= since and t["b_done"]]
        if x == "a":
            assert not done, "b_done for an A packet"
        else:
            ps = tb.packets[-2:]
            assert len(done) == 2, f"b_done pulsed {len(done)} times for 2 packets"
            for d, q in zip(done, ps):
                assert q["shown"] <= d <= q["last"] + 2, f"b_done at {d}, last byte offered {q['shown']}, taken {q['last']}"
    # x_send in the very cycle the packet starts (x_send two cycles running, from idle): pending
    # again, so it goes out twice
    for x in "ab":
        data = tb.content(x, 9)
        await tb.load(x, data)
        k = len(tb.packets)
        getattr(dut, f"{x}_len").value = 9
        getattr(dut, f"{x}_send").value = 1
        await ClockCycles(dut.clk, 2)
        getattr(dut, f"{x}_send").value = 0
        await tb.idle()
        assert [p["data"] for p in tb.packets[k:]] == [data, data], f"{x}: {len(tb.packets) - k} copies"
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_turns(dut):
    """Both sources pending take turns: with each sending again as soon as its packet starts,
    the packets alternate A, B, A, B...; one source alone goes back to back; a replay (A) asked
    while B streams goes right after it, before B's retransmission already pending; packets are
    never cut or mixed."""
    tb = TB(dut, seed=2)
    await tb.reset()
    pa = tb.content("a", 20)
    pb = tb.content("b", 30)
    await tb.load("a", pa)
    await tb.load("b", pb)
    again = dict(a=True, b=True)

    async def engine(x, n):
        # sends again whenever its packet has just started (pending again while it goes out)
        while True:
            await RisingEdge(dut.clk)
            if again[x] and int(getattr(dut, f"{x}_active").value) and not int(getattr(dut, f"{x}_pend").value):
                getattr(dut, f"{x}_send").value = 1
                await RisingEdge(dut.clk)
                getattr(dut, f"{x}_send").value = 0

    k0 = len(tb.packets)
    ea = cocotb.start_soon(engine("a", 20))
    eb = cocotb.start_soon(engine("b", 30))
    dut.a_len.value = 20
    dut.b_len.value = 30
    dut.a_send.value = 1
    dut.b_send.value = 1
    await RisingEdge(dut.clk)
    dut.a_send.value = 0
    dut.b_send.value = 0
    while len(tb.packets) < k0 + 8:
        await RisingEdge(dut.clk)
    srcs = [tb.source(p) for p in tb.packets[k0:k0 + 8]]
    assert all(s != t for s, t in zip(srcs, srcs[1:])), f"both pending: {srcs}"
    for p in tb.packets[k0:k0 + 8]:
        assert p["data"] == (pa if tb.source(p) == "a" else pb), "a packet cut or mixed"
    # A stops: once its last copy is out, B alone goes back to back
    again["a"] = False
    while int(dut.a_pend.value) or int(dut.a_active.value):
        await RisingEdge(dut.clk)
    await RisingEdge(dut.clk)
    k1 = len(tb.packets)
    while len(tb.packets) < k1 + 4:
        await RisingEdge(dut.clk)
    srcs = [tb.source(p) for p in tb.packets[k1:k1 + 4]]
    assert srcs == ["b"] * 4, f"B alone: {srcs}"
    # a replay of A asked while B streams (and B already pending again) goes next
    while not int(dut.b_active.value):
        await RisingEdge(dut.clk)
    await tb.send("a", 20)
    k2 = len(tb.packets)
    while len(tb.packets) < k2 + 3:
        await RisingEdge(dut.clk)
    srcs = [tb.source(p) for p in tb.packets[k2:k2 + 3]]
    assert srcs == ["b", "a", "b"], f"replay during B: {srcs}"
    again["b"] = False
    ea.kill()
    eb.kill()
    await tb.idle()
    assert tb.count("stat_tx_packet") == len(tb.packets)
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_cancel(dut):
    """x_cancel withdraws a pending packet: B pending behind a long A packet, cancelled, never
    goes out (b_pend falls at once); B sent from idle and cancelled in the very next cycle (when
    it would start) never goes out; a cancel while B goes out does not cut it; A rewritten under
    a held cancel (as a new response is built) and sent goes out once, with the new bytes."""
    tb = TB(dut, seed=3)
    await tb.reset()
    na = tb.size["a"]
    nb = min(40, tb.size["b"])
    pa = tb.content("a", na)
    pb = tb.content("b", nb)
    await tb.load("a", pa)
    await tb.load("b", pb)
    # B behind A, withdrawn
    await tb.send("a", na)
    while not int(dut.a_active.value):
        await RisingEdge(dut.clk)
    await tb.send("b", nb)
    await ClockCycles(dut.clk, 5)
    assert int(dut.b_pend.value) == 1
    await tb.cancel("b")
    await RisingEdge(dut.clk)
    assert int(dut.b_pend.value) == 0, "b_pend still high after b_cancel"
    await tb.idle()
    assert [tb.source(p) for p in tb.packets] == ["a"], "the withdrawn B went out"
    # from idle: cancelled in the cycle it would start
    dut.b_len.value = nb
    dut.b_send.value = 1
    await RisingEdge(dut.clk)
    dut.b_send.value = 0
    dut.b_cancel.value = 1
    await RisingEdge(dut.clk)
    dut.b_cancel.value = 0
    await tb.idle()
    assert len(tb.packets) == 1, "B cancelled as it would start went out"
    assert tb.count("b_active") == 0 and tb.count("stat_tx_packet") == 1
    # a cancel while B goes out: it goes out whole
    await tb.send("b", nb)
    while not int(dut.b_active.value):
        await RisingEdge(dut.clk)
    await ClockCycles(dut.clk, 10)
    await tb.cancel("b")
    await tb.idle()
    assert len(tb.packets) == 2 and tb.packets[1]["data"] == pb
    # A: replay pending behind B, then withdrawn while the new response is written, then sent
    await tb.send("b", nb)
    while not int(dut.b_active.value):
        await RisingEdge(dut.clk)
    await tb.send("a", na)
    new_a = tb.content("a", 12)
    dut.a_cancel.value = 1
    await tb.load("a", new_a)
    dut.a_cancel.value = 0
    await RisingEdge(dut.clk)
    assert int(dut.a_pend.value) == 0 and int(dut.b_active.value) == 1, "the A replay not withdrawn"
    await tb.send("a", 12)
    await tb.idle()
    got = [(tb.source(p), p["data"]) for p in tb.packets[2:]]
    assert got == [("b", pb), ("a", new_a)], f"{[(s, len(d)) for s, d in got]}"
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_write_while_other_streams(dut):
    """An engine may rewrite its RAM while the other source's packet goes out: that packet is
    unaffected, and the rewritten one then goes out with its new bytes (both ways)."""
    tb = TB(dut, seed=4)
    await tb.reset()
    for x, y in (("a", "b"), ("b", "a")):
        k = len(tb.packets)
        py = tb.content(y, tb.size[y])
        await tb.load(y, py)
        old_x = tb.content(x, tb.size[x])
        await tb.load(x, old_x)
        await tb.send(y, tb.size[y])
        while not int(getattr(dut, f"{y}_active").value):
            await RisingEdge(dut.clk)
        n = min(tb.size[x], tb.size[y] // 2)
        px = tb.content(x, n)
        await tb.load(x, px)
        await tb.send(x, n)
        await tb.idle()
        got = [(tb.source(p), p["data"]) for p in tb.packets[k:]]
        assert got == [(y, py), (x, px)], f"{x} written while {y} streams: {[(s, len(d)) for s, d in got]}"
    tb.check()


@cocotb.test(timeout_time=5, timeout_unit="ms")
async def test_backpressure(dut):
    """Random backpressure (tready low half the time, and long stalls) with both engines busy:
    each writes a new packet of random length whenever its last one is out, sends it, now and
    then sends it again (replay / retransmission) or withdraws it; every packet comes out exact,
    per source in the order sent, each withdrawn one never; the stream holds while stalled;
    stat_tx_packet counts the packets, b_done the B packets."""
    tb = TB(dut, seed=5)
    tb.pause = 0.5
    await tb.reset()
    want = dict(a=[], b=[])
    did = dict(cancel=0, again=0)

    async def engine(x, count):
        rng = random.Random(7 if x == "a" else 8)
        for _ in range(count):
            # the RAM is the engine's again once its packet is neither pending nor going out
            while int(getattr(dut, f"{x}_pend").value) or int(getattr(dut, f"{x}_active").value):
                await RisingEdge(dut.clk)
            n = rng.randint(1, tb.size[x])
            data = tb.content(x, n)
            await tb.load(x, data)
            await tb.send(x, n)
            r = rng.random()
            if r < 0.15:
                await ClockCycles(dut.clk, rng.randint(0, 3))
                # decided on the settled value: cancelled before the edge it would start at
                await FallingEdge(dut.clk)
                if int(getattr(dut, f"{x}_pend").value):
                    await tb.cancel(x)
                    did["cancel"] += 1
                    continue
            want[x].append(data)
            if r > 0.8:
                # again once it has started (while it goes out, or after): one more copy
                await FallingEdge(dut.clk)
                while int(getattr(dut, f"{x}_pend").value):
                    await FallingEdge(dut.clk)
                await tb.send(x, n)
                want[x].append(data)
                did["again"] += 1
            await ClockCycles(dut.clk, rng.randint(0, 30))

    async def stalls():
        for _ in range(6):
            await ClockCycles(dut.clk, tb.rng.randint(200, 600))
            tb.stop = True
            await ClockCycles(dut.clk, tb.rng.randint(20, 200))
            tb.stop = False

    st = cocotb.start_soon(stalls())
    ea = cocotb.start_soon(engine("a", 25))
    eb = cocotb.start_soon(engine("b", 25))
    await ea
    await eb
    st.kill()
    tb.stop = False
    await tb.idle()
    got = dict(a=[], b=[])
    for p in tb.packets:
        got[tb.source(p)].append(p["data"])
    for x in "ab":
        assert len(got[x]) == len(want[x]), f"{x}: {len(got[x])} packets, {len(want[x])} sent"
        for i, (g, w) in enumerate(zip(got[x], want[x])):
            assert g == w, f"{x} packet {i}: {len(g)} bytes {g[:8].hex()} where {len(w)} {w[:8].hex()}"
    assert tb.count("stat_tx_packet") == len(tb.packets)
    assert tb.count("b_done") == len(got["b"])
    assert did["cancel"] and did["again"], did
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_reset(dut):
    """rst (three cycles, or one) while a packet goes out and another is pending: the output
    is idle after it (tvalid low), nothing pending, nothing goes out later; the next packets go
    out exactly."""
    tb = TB(dut, seed=6)
    await tb.reset()
    pa = tb.content("a", tb.size["a"])
    pb = tb.content("b", 20)
    await tb.load("a", pa)
    await tb.load("b", pb)
    n = dict(a=tb.size["a"], b=20)
    for cycles, x, y in ((3, "a", "b"), (1, "a", "b"), (1, "b", "a")):
        await tb.send(x, n[x])
        await tb.send(y, n[y])
        await ClockCycles(dut.clk, 15)
        assert int(getattr(dut, f"{x}_active").value) and int(getattr(dut, f"{y}_pend").value)
        await pulse_reset(dut, cycles=cycles, idle_first=True)
        await ClockCycles(dut.clk, 2)
        for s in ("a_pend", "a_active", "b_pend", "b_active", "m_axis_tvalid"):
            assert int(getattr(dut, s).value) == 0, f"{s} after rst ({cycles} cycles)"
        await ClockCycles(dut.clk, 200)
        assert not tb.packets and int(dut.m_axis_tvalid.value) == 0, f"sent after rst ({cycles} cycles)"
    await tb.send("b", 20)
    await tb.send("a", 5)
    await tb.idle()
    assert [p["data"] for p in tb.packets] == [pb, pa[:5]]
    tb.check()
