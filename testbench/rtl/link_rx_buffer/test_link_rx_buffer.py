"""link_rx_buffer: the link_bridge's receive slots, at its own ports.

The bench drives s_axis as the UART path does (never looking at tready, which must stay 1),
plays the bridge on the other side (pops kept packets, reads their slots through the one read
port, gives slots back, on falling edges) and runs a reference model of the contract cycle by
cycle from the sampled inputs: a packet takes the lowest free slot at its first byte (none free:
dropped); at its last byte it is kept if tuser was never set, it has HDR..MAX_PACKET bytes and
the header's 32-bit length is the bytes after the header, else its slot is free again at once;
kept packets queue in arrival order (pkt_valid/pkt_slot); a slot stays taken until release_mask
gives it back (from the next cycle on); stat_good/stat_drop pulse once the cycle after a
packet's last byte. The model checks pkt_valid, pkt_slot, the stat pulses and tready every
cycle; the bench checks every byte read back.

Tests: good packets of every size class (header only, exact MAX_PACKET) kept in order, data
exact; all slots full: the next packets dropped and counted (also one during which a slot
frees), held data intact, freed slots reused lowest first and queued in arrival order, not slot
order; bad packets (tuser on the last or an earlier byte, short, length off by one either way or
in its high bits, one byte over MAX_PACKET, far over the slot) dropped with their slot free at
once; random traffic (back-to-back, gaps, good and bad, a slow bridge releasing in any order, two
at once) against the model; rst in the middle of a packet with slots held."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

import flue_contract as fc
from flue_tb import pulse_reset
from link_tb import link_packet

HDR = fc.LINK_HEADER_BYTES
LT = fc.LinkType


class TB:
    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.slots = int(dut.SLOTS.value)
        self.slot_bytes = int(dut.SLOT_BYTES.value)
        self.max_packet = int(dut.MAX_PACKET.value)
        self.offset_width = (self.slot_bytes - 1).bit_length()
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        for s in ("tdata", "tvalid", "tlast", "tuser"):
            getattr(dut, f"s_axis_{s}").setimmediatevalue(0)
        dut.pkt_pop.setimmediatevalue(0)
        dut.release_mask.setimmediatevalue(0)
        dut.rd_en.setimmediatevalue(0)
        dut.rd_addr.setimmediatevalue(0)
        dut.rst.setimmediatevalue(0)
        self.errors = []
        self.reset_model()
        self.kept = []       # packets the model kept, in order
        self.dropped = []    # packets the model dropped
        self.n_good = 0      # stat pulses seen
        self.n_drop = 0
        self.released = 0    # slots given back by consume()
        self.armed = False   # the model runs from the first rst on
        cocotb.start_soon(self._model())

    def reset_model(self):
        self.busy = set()
        self.queue = []
        self.cur = None
        self.contents = {}
        self.exp_good = 0
        self.exp_drop = 0

    async def reset(self):
        # rst rises after an edge (not at once): the model samples what the edge saw
        await pulse_reset(self.dut, idle_first=True)

    def check(self):
        assert not self.errors, "; ".join(self.errors[:5])

    # ---- the reference model (rising edges, sampled values)
    def packet_good(self, data, slot, bad):
        if slot is None or bad or not HDR <= len(data) <= self.max_packet:
            return False
        return fc.unpack(fc.LINK_HEADER_FIELDS, bytes(data[:HDR]))["length"] == len(data) - HDR

    async def _model(self):
        dut = self.dut
        cycle = 0
        while True:
            await RisingEdge(dut.clk)
            cycle += 1
            if not self.armed:
                if int(dut.rst.value):
                    self.armed = True
                    self.reset_model()
                continue
            # the outputs as the previous edge left them
            if int(dut.s_axis_tready.value) != 1:
                self.errors.append(f"cycle {cycle}: s_axis_tready low")
            pv = int(dut.pkt_valid.value)
            if pv != bool(self.queue):
                self.errors.append(f"cycle {cycle}: pkt_valid {pv}, queue {self.queue}")
            elif pv and int(dut.pkt_slot.value) != self.queue[0]:
                self.errors.append(f"cycle {cycle}: pkt_slot {int(dut.pkt_slot.value)}, queue {self.queue}")
            good, drop = int(dut.stat_good.value), int(dut.stat_drop.value)
            self.n_good += good
            self.n_drop += drop
            if (good, drop) != (self.exp_good, self.exp_drop):
                self.errors.append(f"cycle {cycle}: stat_good {good} stat_drop {drop}, "
                                   f"{self.exp_good} {self.exp_drop} expected")
            self.exp_good = self.exp_drop = 0
            if int(dut.rst.value):
                self.reset_model()
                continue
            # this edge's inputs
            release = int(dut.release_mask.value)
            busy = self.busy - {s for s in range(self.slots) if release >> s & 1}
            popped = int(dut.pkt_pop.value) and self.queue
            if int(dut.s_axis_tvalid.value):
                if self.cur is None:
                    free = [s for s in range(self.slots) if s not in self.busy]
                    slot = free[0] if free else None
                    self.cur = dict(slot=slot, data=bytearray(), bad=False)
                    if slot is not None:
                        busy.add(slot)
                self.cur["data"].append(int(dut.s_axis_tdata.value))
                self.cur["bad"] |= bool(int(dut.s_axis_tuser.value))
                if int(dut.s_axis_tlast.value):
                    slot, data = self.cur["slot"], bytes(self.cur["data"])
                    if self.packet_good(data, slot, self.cur["bad"]):
                        self.queue.append(slot)
                        self.contents[slot] = data
                        self.kept.append(data)
                        self.exp_good = 1
                    else:
                        busy.discard(slot)
                        self.dropped.append(data)
                        self.exp_drop = 1
                    self.cur = None
            if popped:
                self.queue.pop(0)
            self.busy = busy

    # ---- the line
    async def send(self, raw, tuser_last=0, tuser_at=(), gap=0, end=True):
        """One packet, a byte per cycle with `gap` idle cycles after each (an int or a generator),
        tuser on the last byte if tuser_last and on the bytes at tuser_at; end=False: no tlast
        (the packet goes on)."""
        dut = self.dut
        for i, b in enumerate(raw):
            last = end and i == len(raw) - 1
            dut.s_axis_tdata.value = b
            dut.s_axis_tlast.value = int(last)
            dut.s_axis_tuser.value = int((last and bool(tuser_last)) or i in tuser_at)
            dut.s_axis_tvalid.value = 1
            await RisingEdge(dut.clk)
            g = gap if isinstance(gap, int) else next(gap)
            if g:
                dut.s_axis_tvalid.value = 0
                await ClockCycles(dut.clk, g)
        dut.s_axis_tvalid.value = 0
        dut.s_axis_tlast.value = 0
        dut.s_axis_tuser.value = 0

    def good_packet(self, n):
        """A packet of n bytes (n >= HDR) with a consistent header (random type, seq, time) and
        random payload."""
        return link_packet(self.rng.randrange(256), self.rng.randrange(1 << 16),
                           bytes(self.rng.randrange(256) for _ in range(n - HDR)), time=self.rng.getrandbits(64))

    # ---- the bridge's side (falling edges)
    async def pop(self, timeout=10000):
        """Waits for a kept packet, pops it: its slot."""
        dut = self.dut
        for _ in range(timeout):
            await FallingEdge(dut.clk)
            if int(dut.pkt_valid.value):
                slot = int(dut.pkt_slot.value)
                dut.pkt_pop.value = 1
                await FallingEdge(dut.clk)
                dut.pkt_pop.value = 0
                return slot
        raise AssertionError("no packet kept")

    async def read(self, slot, n, order=None):
        """Bytes 0..n-1 of a slot through the read port (in `order` if given), a read a cycle."""
        dut = self.dut
        idx = list(order) if order is not None else list(range(n))
        out = {}
        await FallingEdge(dut.clk)
        for k in idx:
            dut.rd_en.value = 1
            dut.rd_addr.value = (slot << self.offset_width) | k
            await FallingEdge(dut.clk)
            out[k] = int(dut.rd_data.value)
        dut.rd_en.value = 0
        return bytes(out[i] for i in range(n)) if order is None else out

    async def release(self, mask):
        dut = self.dut
        await FallingEdge(dut.clk)
        dut.release_mask.value = mask
        await FallingEdge(dut.clk)
        dut.release_mask.value = 0

    async def consume(self, n_packets, want):
        """Pops n packets, reads each back and checks it against `want` (in order), releases it."""
        for i in range(n_packets):
            slot = await self.pop()
            data = await self.read(slot, len(want[i]))
            assert data == want[i], f"packet {i} in slot {slot}: {data[:20].hex()} where {want[i][:20].hex()}"
            await self.release(1 << slot)
            self.released += 1


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_kept_in_order(dut):
    """Good packets of every size class (header only, one payload byte, random, exactly
    MAX_PACKET) are kept and come out in arrival order with their exact bytes; a burst of
    back-to-back packets (no idle cycle between them) as many as there are slots is kept whole;
    one stat_good pulse per packet, no stat_drop; tready never falls."""
    tb = TB(dut, seed=1)
    await tb.reset()
    sizes = [HDR, HDR + 1, tb.max_packet, tb.max_packet - 1] + \
        [tb.rng.randint(HDR, tb.max_packet) for _ in range(12)]
    want = [tb.good_packet(n) for n in sizes]
    consumer = cocotb.start_soon(tb.consume(len(want), want))
    for i, p in enumerate(want):
        # a slot is free for each (the bridge is slower than the line): nothing is dropped
        while i - tb.released >= tb.slots:
            await RisingEdge(dut.clk)
        await tb.send(p, gap=tb.rng.choice([0, 1]))
    await consumer
    # back to back, one per slot, taken while the bridge is away
    burst = [tb.good_packet(tb.rng.randint(HDR, tb.max_packet)) for _ in range(tb.slots)]
    burst[0] = tb.good_packet(tb.max_packet)
    for p in burst:
        await tb.send(p)
    await ClockCycles(dut.clk, 3)
    await tb.consume(len(burst), burst)
    assert tb.kept == want + burst and not tb.dropped
    assert (tb.n_good, tb.n_drop) == (len(want) + len(burst), 0)
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_full_drop(dut):
    """With every slot held, the next packets are dropped (stat_drop each, never queued) and
    the held packets' bytes stay intact (read back in random order); a packet that starts with
    no slot free stays dropped even if a slot is given back during it; a freed slot is reused,
    the lowest free first; kept packets queue in arrival order, not slot order."""
    tb = TB(dut, seed=2)
    await tb.reset()
    n = tb.slots
    held = [tb.good_packet(tb.rng.randint(HDR, tb.max_packet)) for _ in range(n)]
    for p in held:
        await tb.send(p)
    slots = [await tb.pop() for _ in range(n)]
    assert slots == list(range(n)), f"slots taken {slots}, lowest free first expected"
    extra = [tb.good_packet(tb.max_packet), tb.good_packet(HDR)]
    for p in extra:
        await tb.send(p)
    await ClockCycles(dut.clk, 5)
    assert tb.dropped == extra and tb.n_drop == 2 and int(dut.pkt_valid.value) == 0
    for s, p in zip(slots, held):
        order = list(range(len(p)))
        tb.rng.shuffle(order)
        got = await tb.read(s, len(p), order)
        assert bytes(got[i] for i in range(len(p))) == p, f"slot {s} changed by the dropped packets"
    # a slot given back while a packet with no slot goes by: that packet stays dropped
    late = tb.good_packet(60)
    sender = cocotb.start_soon(tb.send(late))
    await ClockCycles(dut.clk, 10)
    await tb.release(1 << (n - 1))
    await sender
    await ClockCycles(dut.clk, 3)
    assert tb.dropped[-1] == late and int(dut.pkt_valid.value) == 0
    # slot n-1 is free now: the next packet takes it; then slot 0: the one after takes it
    a = tb.good_packet(40)
    await tb.send(a)
    await tb.release(1 << 0)
    b = tb.good_packet(tb.max_packet)
    await tb.send(b)
    await ClockCycles(dut.clk, 3)
    assert await tb.pop() == n - 1
    assert await tb.pop() == 0, "the queue is in arrival order"
    assert await tb.read(n - 1, len(a)) == a and await tb.read(0, len(b)) == b
    assert tb.n_drop == 3 and tb.n_good == n + 2
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_bad_dropped(dut):
    """Bad packets are dropped (stat_drop, never queued) and their slot is free again at once:
    with all slots but one held, a run of bad packets then a good one puts the good one in the
    last slot. Bad: tuser on the last byte, on the first byte only, in the middle; one byte; one
    byte short of a header; header length one more / one less than the bytes; a length right in
    its low 16 bits but with a high bit set; MAX_PACKET + 1 bytes (length consistent); three
    slots' worth of bytes. The held packets are intact after all of them; exactly MAX_PACKET
    bytes is kept."""
    tb = TB(dut, seed=3)
    await tb.reset()
    n = tb.slots
    held = [tb.good_packet(tb.rng.randint(HDR, tb.max_packet)) for _ in range(n - 1)]
    for p in held:
        await tb.send(p)
    for _ in range(n - 1):
        await tb.pop()
    g = tb.good_packet(50)
    long_pkt = link_packet(LT.HELLO, 7, bytes(tb.rng.randrange(256) for _ in range(tb.max_packet + 1 - HDR)))
    huge = link_packet(LT.HELLO, 8, bytes(tb.rng.randrange(256) for _ in range(3 * tb.slot_bytes - HDR)))
    bad = [
        (g, dict(tuser_last=1)),
        (g, dict(tuser_at=(0,))),
        (g, dict(tuser_at=(HDR + 3,))),
        (g[:1], {}),
        (g[:HDR - 1], {}),
        (link_packet(LT.HELLO, 1, bytes(10), length=11), {}),
        (link_packet(LT.HELLO, 2, bytes(10), length=9), {}),
        (link_packet(LT.HELLO, 3, bytes(10), length=10 | 1 << 31), {}),
        (link_packet(LT.HELLO, 4, bytes(10), length=10 | 1 << 16), {}),
        (long_pkt, {}),
        (huge, {}),
    ]
    for i, (raw, kw) in enumerate(bad):
        await tb.send(raw, **kw)
        await ClockCycles(dut.clk, 2)
        assert tb.n_drop == i + 1, f"bad packet {i} not dropped"
        assert int(dut.pkt_valid.value) == 0, f"bad packet {i} queued"
    # the one free slot is still free
    exact = tb.good_packet(tb.max_packet)
    await tb.send(exact)
    assert await tb.pop() == n - 1
    assert await tb.read(n - 1, len(exact)) == exact
    for s, p in enumerate(held):
        assert await tb.read(s, len(p)) == p, f"held slot {s} changed"
    assert tb.n_good == n and tb.kept == held + [exact]
    tb.check()


@cocotb.test(timeout_time=10, timeout_unit="ms")
async def test_random(dut):
    """Random traffic against the model: packets back to back or with gaps, good ones of random
    size, bad ones of every kind mixed in, while a bridge of random speed pops, reads and gives
    slots back in random order (sometimes two at once, sometimes holding several), so slots run
    full and packets are dropped; every kept packet's bytes are checked when read."""
    tb = TB(dut, seed=4)
    await tb.reset()
    rng = tb.rng
    done = False

    async def bridge():
        holding = []
        while not done or int(dut.pkt_valid.value) or holding:
            r = rng.random()
            if int(dut.pkt_valid.value) and r < 0.6:
                slot = await tb.pop()
                want = tb.contents[slot]
                if rng.random() < 0.5:
                    assert await tb.read(slot, len(want)) == want, f"slot {slot}"
                holding.append(slot)
            elif holding and (r < 0.9 or len(holding) == tb.slots or done):
                k = min(len(holding), rng.choice([1, 1, 1, 2]))
                mask = 0
                for _ in range(k):
                    mask |= 1 << holding.pop(rng.randrange(len(holding)))
                await tb.release(mask)
            else:
                await ClockCycles(dut.clk, rng.randint(1, 40))

    b = cocotb.start_soon(bridge())

    def gaps():
        while True:
            yield 0 if rng.random() < 0.8 else rng.randint(1, 5)

    for _ in range(150):
        r = rng.random()
        if r < 0.7:
            await tb.send(tb.good_packet(rng.randint(HDR, tb.max_packet)), gap=gaps())
        elif r < 0.8:
            g = tb.good_packet(rng.randint(HDR, tb.max_packet))
            await tb.send(g, tuser_last=1, gap=gaps())
        elif r < 0.9:
            n = rng.randint(HDR, tb.max_packet)
            await tb.send(link_packet(LT.HELLO, 1, bytes(n - HDR), length=n - HDR + rng.choice([-1, 1, 100])))
        else:
            n = rng.choice([1, HDR - 1, tb.max_packet + 1, tb.max_packet + 30])
            await tb.send(link_packet(LT.HELLO, 1, bytes(max(0, n - HDR)))[:n], gap=gaps())
        if rng.random() < 0.3:
            await ClockCycles(dut.clk, rng.randint(1, 60))
    done = True
    await b
    await ClockCycles(dut.clk, 5)
    assert len(tb.kept) > 60 and len(tb.dropped) > 40, (len(tb.kept), len(tb.dropped))
    assert (tb.n_good, tb.n_drop) == (len(tb.kept), len(tb.dropped))
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_reset(dut):
    """rst in the middle of a packet, with slots held and a packet queued: afterwards nothing
    is queued, every slot is free (as many packets as slots are kept, lowest slots first), the
    cut packet is neither kept nor counted, and the next packet after rst is taken whole."""
    tb = TB(dut, seed=5)
    await tb.reset()
    for _ in range(tb.slots - 1):
        await tb.send(tb.good_packet(30))
    await tb.pop()
    partial = tb.good_packet(tb.max_packet)
    await tb.send(partial[:HDR + 5], end=False)
    n_good, n_drop = tb.n_good, tb.n_drop
    await tb.reset()
    await ClockCycles(dut.clk, 3)
    assert int(dut.pkt_valid.value) == 0
    assert (tb.n_good, tb.n_drop) == (n_good, n_drop), "the cut packet was counted"
    want = [tb.good_packet(tb.rng.randint(HDR, tb.max_packet)) for _ in range(tb.slots)]
    for p in want:
        await tb.send(p)
    await ClockCycles(dut.clk, 3)
    for s, p in enumerate(want):
        assert await tb.pop() == s
        assert await tb.read(s, len(p)) == p
    assert tb.n_good == n_good + tb.slots and tb.n_drop == n_drop
    tb.check()
