"""link_host_req: the link_bridge's host-request server, at its own ports.

The bench plays the dispatcher (req_valid for one cycle with the packet's fields, garbage in
them otherwise; replay), the bridge's cycle counter (time_now, which it can jump) and counters
(stat_* as functions of time_now, so a LINK_STATS payload tells when it was taken), irq_any,
link_tx_buffer's source A (TxBufferModel: captures the response RAM, sends on a_send, a_active
while it goes out, checks the RAM is never written while its packet is active or pending and
not withdrawn) and the core's register slave on m_axil (a model with random AW/W/AR ready, a
delay, chosen responses, a hang, reset by core_rst, which checks the master holds valid and
its payload until each handshake and sets all strobes). Every edge, the bench records
time_now and the block's outputs.

Tests: HELLO (three reads, ID/VERSION/CAPS and CLK_HZ; time = when built); MMIO_READ and
MMIO_WRITE (one access each, all strobes, AXI resp echoed, the request's value ignored for a
read), DECERR without the bus for every address at or beyond REG_SPACE_BYTES (high bits
included); bus timeout: SLVERR after MMIO_TIMEOUT_CYCLES, an answer just before it is taken,
the late transaction is not cut off and the next access waits for it and gets its own data, a
hung bus times out every access, RESET (core_rst) frees it; TIME_ADVANCE: target ahead,
reached, past, equal, beyond 32 bits and at bit 63, ended by irq_any, not by an earlier
irq_any, superseded by a new request (never answered), replay during the wait; RESET: core_rst
exactly RESET_CYCLES, the AXI master idle under it, the response after it; core_rst while
rst; LINK_STATS: the counters when the response is built (after a_active falls), not when
asked; ERROR for unknown types and wrong payload lengths (no bus access, no reset);
replay: the kept response again without touching the RAM, kept_valid/kept_seq/serve_seq/busy
/waiting as the dispatcher needs them, a pending replay withdrawn (a_cancel) while the next
response is written."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout

import flue_contract as fc
from flue_tb import pulse_reset
from link_tb import LinkMsg, TxBufferModel

LT = fc.LinkType
HDR = fc.LINK_HEADER_BYTES
MASK32 = 0xffffffff


def stats_at(t):
    """The counters the bench drives when time_now is t."""
    return dict(rxPackets=(t * 3 + 0x100) & MASK32, rxDropped=(t * 5 + 0x2000) & MASK32,
                txPackets=(t * 7 + 0x30000) & MASK32, retries=(t * 11 + 0x400000) & MASK32,
                replays=(t * 13 + 0x5000000) & MASK32)


class AxilSlave:
    """The core's register slave on m_axil, reset by core_rst. Registers are 32-bit words in a
    dict. AW and W are taken independently (ready with probability 1 - pause, one of each at a
    time), B goes `delay` cycles after both, R `delay` cycles after AR; `resp(addr, write)` is
    the response; hang: no B or R at all (until core_rst). Records accesses; checks that
    valids and their payloads hold until the handshake and wstrb is all ones."""

    def __init__(self, dut, clock, seed=1):
        self.dut = dut
        self.clock = clock
        self.rng = random.Random(seed)
        self.regs = {}
        self.pause = 0.0
        self.delay = 1
        self.hang = False
        self.resp = lambda addr, write: 0
        self.reads = []
        self.writes = []
        self.errors = []
        for s in ("awready", "wready", "bvalid", "bresp", "arready", "rvalid", "rdata", "rresp"):
            getattr(dut, f"m_axil_{s}").setimmediatevalue(0)
        cocotb.start_soon(self._run())

    def ready(self):
        return 0 if (self.pause and self.rng.random() < self.pause) else 1

    async def _run(self):
        dut = self.dut
        cycle = 0
        aw = w = b_due = ar = r_due = None
        held = {}
        while True:
            await RisingEdge(self.clock)
            cycle += 1
            if not dut.core_rst.value.is_resolvable or int(dut.core_rst.value):
                aw = w = b_due = ar = r_due = None
                held = {}
                self.hang = False
                for s in ("awready", "wready", "bvalid", "arready", "rvalid"):
                    getattr(dut, f"m_axil_{s}").value = 0
                continue
            v = {s: int(getattr(dut, f"m_axil_{s}").value) for s in
                 ("awvalid", "awready", "awaddr", "wvalid", "wready", "wdata", "wstrb", "bvalid", "bready",
                  "arvalid", "arready", "araddr", "rvalid", "rready")}
            # the master's valids and payloads hold until taken
            for ch, payload in (("aw", ("awaddr",)), ("w", ("wdata", "wstrb")), ("ar", ("araddr",))):
                if ch in held:
                    now = (v[f"{ch}valid"],) + tuple(v[p] for p in payload)
                    if now != (1,) + held[ch]:
                        self.errors.append(f"cycle {cycle}: {ch} changed before its handshake")
                    del held[ch]
                if v[f"{ch}valid"] and not v[f"{ch}ready"]:
                    held[ch] = tuple(v[p] for p in payload)
            if v["awvalid"] and v["awready"]:
                aw = v["awaddr"]
            if v["wvalid"] and v["wready"]:
                w = v["wdata"]
                if v["wstrb"] != 0xf:
                    self.errors.append(f"cycle {cycle}: wstrb {v['wstrb']:x}")
            if v["bvalid"] and v["bready"]:
                dut.m_axil_bvalid.value = 0
                aw = w = b_due = None
            if aw is not None and w is not None and b_due is None:
                self.writes.append((aw, w))
                self.regs[aw] = w
                b_due = cycle + self.delay
            if v["arvalid"] and v["arready"]:
                ar = v["araddr"]
                self.reads.append(ar)
                r_due = cycle + self.delay
            if v["rvalid"] and v["rready"]:
                dut.m_axil_rvalid.value = 0
                ar = r_due = None
            dut.m_axil_awready.value = int(aw is None and self.ready())
            dut.m_axil_wready.value = int(w is None and self.ready())
            dut.m_axil_arready.value = int(ar is None and self.ready())
            if b_due is not None and cycle >= b_due and not self.hang and not v["bvalid"]:
                dut.m_axil_bvalid.value = 1
                dut.m_axil_bresp.value = self.resp(aw, True)
            if r_due is not None and cycle >= r_due and not self.hang and not v["rvalid"]:
                dut.m_axil_rvalid.value = 1
                dut.m_axil_rdata.value = self.regs.get(ar, 0)
                dut.m_axil_rresp.value = self.resp(ar, False)


class TB:
    TRACE = ("busy", "waiting", "serve_seq", "kept_valid", "kept_seq", "core_rst", "a_wr_en", "a_send",
             "a_cancel", "a_active", "req_valid", "m_axil_awvalid", "m_axil_wvalid", "m_axil_bready",
             "m_axil_arvalid", "m_axil_rready")

    def __init__(self, dut, seed=1):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.clk_hz = int(dut.CLK_HZ.value)
        self.reset_cycles = int(dut.RESET_CYCLES.value)
        self.timeout = int(dut.MMIO_TIMEOUT_CYCLES.value)
        self.addr_width = int(dut.AXIL_ADDR_WIDTH.value)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        for s in ("req_valid", "req_type", "req_seq", "req_len", "req_time", "req_addr", "req_value", "replay",
                  "irq_any", "time_now", "rst"):
            getattr(dut, s).setimmediatevalue(0)
        self.base = 1000        # time_now = base + cycle
        self.cycle = 0
        self.trace = []
        self.armed = False
        self.tx = TxBufferModel(dut, "a", dut.clk, 1 << int(dut.RESP_ADDR_WIDTH.value))
        self.axil = AxilSlave(dut, dut.clk, seed + 100)
        self.axil.regs.update({fc.Reg.ID: fc.ID_MAGIC, fc.Reg.VERSION: fc.REG_RESET[fc.Reg.VERSION],
                               fc.Reg.CAPS: 0x10030207})
        self.seq = 0
        cocotb.start_soon(self._clock())

    async def _clock(self):
        dut = self.dut
        while True:
            t = self.base + self.cycle
            dut.time_now.value = t
            for k, (name, value) in enumerate(stats_at(t).items()):
                getattr(dut, ("stat_rx_packets", "stat_rx_dropped", "stat_tx_packets", "stat_retries",
                              "stat_replays")[k]).value = value
            await RisingEdge(dut.clk)
            self.cycle += 1
            if int(dut.rst.value):
                self.armed = True
            if self.armed:
                e = {s: int(getattr(dut, s).value) for s in self.TRACE}
                e["t"] = t
                self.trace.append(e)

    def set_time(self, t):
        """time_now is t from the next cycle on."""
        self.base = t - self.cycle

    def now(self):
        return self.base + self.cycle

    async def reset(self):
        await pulse_reset(self.dut, idle_first=True)
        self.tx.reset()
        await ClockCycles(self.dut.clk, 3)

    def check(self):
        errors = self.tx.errors + self.axil.errors
        assert not errors, "; ".join(errors[:5])

    # ---- the dispatcher
    def next_seq(self):
        self.seq = self.seq % 0xffff + 1
        return self.seq

    async def request(self, type_, length=0, seq=None, time=0, addr=0, value=0):
        """req_valid for one cycle with the fields (random junk in them before and after); the
        seq. The block must be idle or waiting."""
        dut = self.dut
        seq = self.next_seq() if seq is None else seq
        dut.req_type.value = int(type_)
        dut.req_seq.value = seq
        dut.req_len.value = length
        dut.req_time.value = time
        dut.req_addr.value = addr
        dut.req_value.value = value
        dut.req_valid.value = 1
        await RisingEdge(dut.clk)
        dut.req_valid.value = 0
        dut.req_type.value = self.rng.choice([LT.HELLO, LT.RESET, LT.MMIO_WRITE, LT.TIME_ADVANCE])
        dut.req_seq.value = self.rng.randrange(1 << 16)
        dut.req_len.value = self.rng.choice([0, 12])
        dut.req_time.value = self.rng.getrandbits(64)
        dut.req_addr.value = self.rng.randrange(4096)
        dut.req_value.value = self.rng.getrandbits(32)
        return seq

    async def replay(self):
        self.dut.replay.value = 1
        await RisingEdge(self.dut.clk)
        self.dut.replay.value = 0

    async def pulse_irq(self):
        self.dut.irq_any.value = 1
        await RisingEdge(self.dut.clk)
        self.dut.irq_any.value = 0

    async def response(self, cycles=5000):
        """The next response out of the model of link_tx_buffer: (LinkMsg, record)."""
        rec = await with_timeout(self.tx.queue.get(), cycles * 10, "ns")
        return LinkMsg(rec["raw"]), rec

    async def transact(self, type_, want, seq=None, payload_len=None, **kw):
        """A request and its response, checked: seq, the response flag, type, header length
        that of the bytes (so a_len too)."""
        seq = await self.request(type_, seq=seq, **kw)
        m, rec = await self.response()
        assert (m.seq, m.flags, m.type) == (seq, 1, want), f"{m} for request {type_} seq {seq}"
        assert m.length == len(m.payload), f"{m}: {len(m.payload)} payload bytes"
        if payload_len is not None:
            assert m.length == payload_len, f"{m}: payload {m.length}, {payload_len} expected"
        return m

    async def no_response(self, cycles):
        await ClockCycles(self.dut.clk, cycles)
        assert self.tx.queue.empty(), f"unexpected response {LinkMsg(self.tx.queue._queue[0]['raw'])}"

    async def wait_idle(self, cycles=20000):
        for _ in range(cycles):
            await RisingEdge(self.dut.clk)
            if not int(self.dut.busy.value):
                return
        raise AssertionError("still busy")

    def first(self, sig, after_t, value=1):
        """time_now of the first recorded edge after the one at after_t where sig had value."""
        start = max(i for i, e in enumerate(self.trace) if e["t"] == after_t)
        for e in self.trace[start + 1:]:
            if e[sig] == value:
                return e["t"]
        return None

    def req_t(self):
        """time_now at the last req_valid edge."""
        return [e["t"] for e in self.trace if e["req_valid"]][-1]


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_hello(dut):
    """HELLO: three AXI4-Lite reads, ID, VERSION, CAPS in that order (slave pausing at random,
    answering late), HELLO_REPLY with their values and CLK_HZ, the response flag and seq, time
    the counter when the response was built (after the last read, before it went out); a second
    HELLO reads again."""
    tb = TB(dut, seed=1)
    tb.axil.pause = 0.5
    tb.axil.delay = 7
    await tb.reset()
    for caps in (0x10030207, 0x0badcafe):
        tb.axil.regs[fc.Reg.CAPS] = caps
        n = len(tb.axil.reads)
        m = await tb.transact(LT.HELLO, LT.HELLO_REPLY, payload_len=fc.LINK_HELLO_BYTES)
        assert tb.axil.reads[n:] == [fc.Reg.ID, fc.Reg.VERSION, fc.Reg.CAPS], tb.axil.reads[n:]
        h = m.fields(fc.LINK_HELLO_FIELDS)
        assert h == dict(id=fc.ID_MAGIC, version=fc.REG_RESET[fc.Reg.VERSION], caps=caps, clockHz=tb.clk_hz), h
        built = tb.first("a_wr_en", tb.req_t())
        assert built - 1 <= m.time < built, f"time {m.time}, RAM written from {built}"
    assert not tb.axil.writes
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_mmio(dut):
    """MMIO_WRITE / MMIO_READ: one AXI4-Lite access each at the address (AW and W taken in any
    order), all strobes, the write's value on the bus, the read's value from it (the request's
    value field ignored); addr, value and the bus response (OKAY, SLVERR, DECERR, EXOKAY)
    echoed; the last register of the window goes to the bus; every address at or beyond
    REG_SPACE_BYTES (just beyond, high bits set, low bits those of a register) answers DECERR
    with the write's value echoed, the read's 0, and no bus access."""
    tb = TB(dut, seed=2)
    tb.axil.pause = 0.4
    tb.axil.delay = 3
    await tb.reset()
    space = fc.REG_SPACE_BYTES
    resp_of = {}
    tb.axil.resp = lambda addr, write: resp_of.get(addr, 0)
    addrs = [0x100, 0x204, space - 4, 0x40, 0x44, 0x48]
    for i, a in enumerate(addrs):
        resp_of[a] = [0, 2, 3, 1, 0, 0][i]
    values = {}
    for a in addrs:
        v = tb.rng.getrandbits(32)
        nw = len(tb.axil.writes)
        m = await tb.transact(LT.MMIO_WRITE, LT.MMIO_WRITE_ACK, payload_len=12, length=12, addr=a, value=v)
        assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=a, value=v, resp=resp_of[a]), m.fields(fc.LINK_MMIO_FIELDS)
        assert tb.axil.writes[nw:] == [(a, v)], tb.axil.writes[nw:]
        values[a] = v
    for a in addrs:
        nr = len(tb.axil.reads)
        m = await tb.transact(LT.MMIO_READ, LT.MMIO_READ_REPLY, payload_len=12, length=12, addr=a,
                              value=tb.rng.getrandbits(32))
        assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=a, value=values[a], resp=resp_of[a])
        assert tb.axil.reads[nr:] == [a]
    nr, nw = len(tb.axil.reads), len(tb.axil.writes)
    for a in (space, space + 0x204, 0x8000_0000, 0xffff_fffc, 0x0001_0ffc, (1 << tb.addr_width) - 4 + space):
        a &= MASK32
        m = await tb.transact(LT.MMIO_READ, LT.MMIO_READ_REPLY, length=12, addr=a, value=0x5555)
        assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=a, value=0, resp=3), (hex(a), m.fields(fc.LINK_MMIO_FIELDS))
        m = await tb.transact(LT.MMIO_WRITE, LT.MMIO_WRITE_ACK, length=12, addr=a, value=0x1234)
        assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=a, value=0x1234, resp=3)
    assert (len(tb.axil.reads), len(tb.axil.writes)) == (nr, nw), "DECERR went to the bus"
    tb.check()


@cocotb.test(timeout_time=4, timeout_unit="ms")
async def test_mmio_timeout(dut):
    """An answer a little before MMIO_TIMEOUT_CYCLES is taken; none within it answers SLVERR
    (a read's value 0) MMIO_TIMEOUT_CYCLES after the request; the late transaction is not cut
    off: it completes on the bus (its answer let through just after the next request), and the
    next access waits for it and answers with its own data and response, not the late one's,
    for reads and for writes. A hung bus times out every access
    (no deadlock); RESET's core_rst drops the hung transaction and the next access works."""
    tb = TB(dut, seed=3)
    await tb.reset()
    T = tb.timeout
    tb.axil.regs.update({0x10: 0x1111, 0x14: 0x2222})
    # just in time
    tb.axil.delay = T - 12
    m = await tb.transact(LT.MMIO_READ, LT.MMIO_READ_REPLY, length=12, addr=0x10)
    assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=0x10, value=0x1111, resp=0)
    # too late: read, then write; the late answer is let through just after the next request
    for write in (False, True):
        tb.axil.hang = True
        tb.axil.delay = 1
        typ, want = (LT.MMIO_WRITE, LT.MMIO_WRITE_ACK) if write else (LT.MMIO_READ, LT.MMIO_READ_REPLY)
        m = await tb.transact(typ, want, length=12, addr=0x10, value=0xaaaa)
        t_req = tb.req_t()
        built = tb.first("a_wr_en", t_req)
        assert T <= built - t_req <= T + 4, f"SLVERR built {built - t_req} cycles after the request, timeout {T}"
        assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=0x10, value=0xaaaa if write else 0, resp=2)
        # the next one: waits for the late one, then its own answer
        task = cocotb.start_soon(tb.transact(typ, want, length=12, addr=0x14, value=0xbbbb))
        await ClockCycles(dut.clk, 3)
        tb.axil.hang = False
        m = await task
        assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=0x14, value=0xbbbb if write else 0x2222, resp=0), \
            m.fields(fc.LINK_MMIO_FIELDS)
        if write:
            assert tb.axil.writes[-2:] == [(0x10, 0xaaaa), (0x14, 0xbbbb)], "the late write was cut off"
        else:
            assert tb.axil.reads[-2:] == [0x10, 0x14]
    # a hung bus: every access times out, then RESET frees it
    tb.axil.hang = True
    for _ in range(2):
        await tb.transact(LT.MMIO_READ, LT.MMIO_READ_REPLY, length=12, addr=0x10)
    assert int(dut.m_axil_rready.value) or int(dut.m_axil_arvalid.value), "the hung read was cut off"
    await tb.transact(LT.RESET, LT.RESET, payload_len=0)
    m = await tb.transact(LT.MMIO_READ, LT.MMIO_READ_REPLY, length=12, addr=0x14)
    assert m.fields(fc.LINK_MMIO_FIELDS) == dict(addr=0x14, value=0xbbbb, resp=0), m.fields(fc.LINK_MMIO_FIELDS)
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_time_advance(dut):
    """TIME_ADVANCE answers TIME_REACHED (no payload) when time_now reaches header.time: not
    before (its time is the target or a cycle or two after), with waiting high meanwhile; a
    target already past, or equal to the counter, answers at once; the comparison is of all 64
    bits (a target beyond 2^32 from just below it, a target with bit 63 set) and unsigned."""
    tb = TB(dut, seed=4)
    await tb.reset()
    for ahead in (300, 1):
        target = tb.now() + ahead
        m = await tb.transact(LT.TIME_ADVANCE, LT.TIME_REACHED, payload_len=0, time=target)
        assert target <= m.time <= target + 3, f"TIME_REACHED at {m.time}, target {target}"
        waits = [e for e in tb.trace if tb.req_t() < e["t"] < target]
        assert all(e["waiting"] and e["busy"] for e in waits), "waiting low during the wait"
    for target in (0, tb.now() - 5, tb.now() + 1):
        m = await tb.transact(LT.TIME_ADVANCE, LT.TIME_REACHED, payload_len=0, time=target)
        assert m.time - tb.req_t() <= 4, f"a past target answered {m.time - tb.req_t()} cycles after"
    # above 32 bits
    tb.set_time((1 << 32) - 100)
    await ClockCycles(dut.clk, 2)
    target = (1 << 32) + 50
    m = await tb.transact(LT.TIME_ADVANCE, LT.TIME_REACHED, time=target)
    assert target <= m.time <= target + 3, f"TIME_REACHED at {m.time:#x}, target {target:#x}"
    # bit 63
    tb.set_time(5000)
    await ClockCycles(dut.clk, 2)
    target = (1 << 63) + 40
    seq = await tb.request(LT.TIME_ADVANCE, time=target)
    await tb.no_response(300)
    assert int(dut.waiting.value)
    tb.set_time(1 << 63)
    m, _ = await tb.response()
    assert m.seq == seq and m.type == LT.TIME_REACHED and target <= m.time <= target + 3, f"{m}"
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_time_advance_ended(dut):
    """irq_any during the wait answers at once (time the pulse's, before the target); a pulse
    before the request (idle, or while an MMIO access is served) does not end a later wait; a
    new request during the wait is served and the wait is never answered, even past its target
    (a second TIME_ADVANCE too: only its own target counts); the last answered request replayed
    during a wait goes out again and the wait goes on."""
    tb = TB(dut, seed=5)
    tb.axil.delay = 20
    await tb.reset()
    # irq_any
    target = tb.now() + 5000
    await tb.request(LT.TIME_ADVANCE, time=target)
    await ClockCycles(dut.clk, 100)
    t_irq = tb.now()
    await tb.pulse_irq()
    m, _ = await tb.response()
    assert m.type == LT.TIME_REACHED and t_irq <= m.time <= t_irq + 3, f"{m}, irq at {t_irq}"
    # an earlier pulse does not count
    await tb.pulse_irq()
    await ClockCycles(dut.clk, 5)
    mmio = cocotb.start_soon(tb.transact(LT.MMIO_READ, LT.MMIO_READ_REPLY, length=12, addr=0x20))
    await ClockCycles(dut.clk, 10)
    await tb.pulse_irq()
    await mmio
    target = tb.now() + 200
    m = await tb.transact(LT.TIME_ADVANCE, LT.TIME_REACHED, time=target)
    assert m.time >= target, f"ended at {m.time} by an earlier irq_any, target {target}"
    # superseded by a new request, then by another TIME_ADVANCE
    old_target = tb.now() + 300
    await tb.request(LT.TIME_ADVANCE, time=old_target)
    await ClockCycles(dut.clk, 50)
    h = await tb.transact(LT.HELLO, LT.HELLO_REPLY)
    assert h.time < old_target
    await tb.request(LT.TIME_ADVANCE, time=old_target)
    await ClockCycles(dut.clk, 50)
    new_target = tb.now() + 600
    seq = await tb.request(LT.TIME_ADVANCE, time=new_target)
    m, _ = await tb.response()
    assert m.seq == seq and m.time >= new_target, f"{m}: target {new_target}, superseded {old_target}"
    await tb.no_response(300)
    # replay during a wait
    last = m
    target = tb.now() + 500
    seq = await tb.request(LT.TIME_ADVANCE, time=target)
    await ClockCycles(dut.clk, 100)
    await tb.replay()
    r, _ = await tb.response()
    assert r.raw == last.raw, "the replay is not the kept response"
    assert int(dut.waiting.value) == 1
    m, _ = await tb.response()
    assert m.seq == seq and target <= m.time <= target + 3, f"{m}, target {target}"
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_reset(dut):
    """core_rst is high while rst and falls right after it; RESET holds it exactly RESET_CYCLES
    cycles from the cycle after the request, the AXI4-Lite master idle meanwhile, and the RESET
    response (no payload) is built after it fell; a RESET with a payload is an ERROR and does
    not reset the core."""
    tb = TB(dut, seed=6)
    await tb.reset()
    during = [e["core_rst"] for e in tb.trace[1:4]]
    assert all(during), f"core_rst {during} while rst"
    assert int(dut.core_rst.value) == 0, "core_rst still high after rst"
    for _ in range(2):
        m = await tb.transact(LT.RESET, LT.RESET, payload_len=0)
        t_req = tb.req_t()
        high = [e["t"] for e in tb.trace if e["t"] > t_req and e["core_rst"]]
        assert high == list(range(t_req + 1, t_req + 1 + tb.reset_cycles)), \
            f"core_rst high at {[h - t_req for h in high]} after the request, {tb.reset_cycles} cycles expected"
        for e in tb.trace:
            if e["core_rst"] and e["t"] > t_req:
                assert not any(e[s] for s in ("m_axil_awvalid", "m_axil_wvalid", "m_axil_arvalid")), "AXI under core_rst"
        built = tb.first("a_wr_en", t_req)
        assert built > high[-1], "RESET answered before core_rst fell"
    n = len([e for e in tb.trace if e["core_rst"]])
    await tb.transact(LT.RESET, LT.ERROR, payload_len=0, length=1)
    await ClockCycles(dut.clk, 20)
    assert len([e for e in tb.trace if e["core_rst"]]) == n, "RESET with a payload reset the core"
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_link_stats(dut):
    """LINK_STATS reports the stat_* inputs as they are when the response is built, with that
    cycle as its time: asked while the previous response is still going out (a_active), the
    response waits for it (no RAM write while it is active) and carries the later values."""
    tb = TB(dut, seed=7)
    await tb.reset()
    m = await tb.transact(LT.LINK_STATS, LT.LINK_STATS, payload_len=fc.LINK_STATS_BYTES)
    assert m.fields(fc.LINK_STATS_FIELDS) == stats_at(m.time), (m.time, m.fields(fc.LINK_STATS_FIELDS))
    # the previous response goes out slowly (a replay), LINK_STATS asked meanwhile
    tb.tx.cycles_per_byte = 20
    await tb.replay()
    while not int(dut.a_active.value):
        await RisingEdge(dut.clk)
    t_ask = tb.now()
    await tb.request(LT.LINK_STATS)
    r, _ = await tb.response()
    assert r.raw == m.raw
    m, _ = await tb.response()
    freed = [e["t"] for e in tb.trace if e["t"] > t_ask and not e["a_active"]][0]
    assert m.time >= freed, f"built at {m.time}, the RAM was going out until {freed}"
    assert m.fields(fc.LINK_STATS_FIELDS) == stats_at(m.time), "counters not those of when it was built"
    assert m.fields(fc.LINK_STATS_FIELDS) != stats_at(t_ask)
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_error(dut):
    """ERROR (seq echoed, no payload) for unknown types (0, the bridge's and the responses'
    types, WIRE_FRAME, 18, 255) and for payload lengths wrong for the type (HELLO 4,
    MMIO_READ 0/8/13 and 12 + 2^16, MMIO_WRITE 16, TIME_ADVANCE 8, RESET 1, LINK_STATS 20),
    with no bus access and no core reset."""
    tb = TB(dut, seed=8)
    await tb.reset()
    cases = [(t, 0) for t in (0, LT.HELLO_REPLY, LT.MMIO_READ_REPLY, LT.DMA_READ, LT.DMA_WRITE_ACK, LT.IRQ,
                              LT.WIRE_FRAME, LT.TIME_REACHED, LT.ERROR, 18, 255)]
    cases += [(LT.HELLO, 4), (LT.MMIO_READ, 0), (LT.MMIO_READ, 8), (LT.MMIO_READ, 13),
              (LT.MMIO_READ, 12 + (1 << 16)), (LT.MMIO_WRITE, 16), (LT.MMIO_WRITE, 12 | 1 << 31),
              (LT.TIME_ADVANCE, 8), (LT.RESET, 1), (LT.LINK_STATS, 20)]
    for typ, length in cases:
        await tb.transact(typ, LT.ERROR, payload_len=0, length=length, addr=0x10)
    assert not any(e["core_rst"] for e in tb.trace[4:]), "an ERROR reset the core"
    assert not tb.axil.reads and not tb.axil.writes, "an ERROR touched the bus"
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_replay_and_state(dut):
    """kept_valid is low after rst; after each response it is high with kept_seq its seq, and
    replay sends it again byte for byte without writing the RAM (HELLO, MMIO, ERROR); while a
    new request is served busy is high, serve_seq is its seq, kept_seq still the last answered
    one until the new response is complete, and busy is low by the time a_send rises; a replay
    still pending (the line busy) when the next response is written is withdrawn (a_cancel), so
    only the new response goes out."""
    tb = TB(dut, seed=9)
    tb.axil.delay = 40
    await tb.reset()
    assert int(dut.kept_valid.value) == 0 and int(dut.busy.value) == 0
    for typ, want, kw in ((LT.HELLO, LT.HELLO_REPLY, {}),
                          (LT.MMIO_READ, LT.MMIO_READ_REPLY, dict(length=12, addr=0x8)),
                          (99, LT.ERROR, {})):
        kept = int(dut.kept_seq.value) if int(dut.kept_valid.value) else None
        seq = tb.next_seq()
        task = cocotb.start_soon(tb.transact(typ, want, seq=seq, **kw))
        await ClockCycles(dut.clk, 3)
        assert int(dut.busy.value) == 1 and int(dut.serve_seq.value) == seq
        if kept is not None:
            assert int(dut.kept_seq.value) == kept, "kept_seq changed before the response was built"
        m = await task
        sends = [e for e in tb.trace if e["a_send"]]
        assert not sends[-1]["busy"], "busy when the response was sent"
        writes = [e for e in tb.trace if e["a_wr_en"]]
        assert all(e["busy"] for e in writes)
        assert int(dut.kept_valid.value) == 1 and int(dut.kept_seq.value) == seq
        nw = len(writes)
        for _ in range(2):
            await tb.replay()
            r, _ = await tb.response()
            assert r.raw == m.raw, f"replay of {m} differs"
        assert len([e for e in tb.trace if e["a_wr_en"]]) == nw, "the RAM was written for a replay"
        assert int(dut.busy.value) == 0
    # a replay held back by the line, then a new response written: withdrawn
    tb.axil.delay = 1
    tb.tx.hold = True
    await tb.replay()
    await ClockCycles(dut.clk, 5)
    assert tb.tx.pend
    seq = await tb.request(LT.LINK_STATS)
    await ClockCycles(dut.clk, 60)
    assert tb.tx.cancels > 0, "the pending replay was not withdrawn"
    tb.tx.hold = False
    m, _ = await tb.response()
    assert m.seq == seq and m.type == LT.LINK_STATS, f"{m} went out"
    await tb.no_response(100)
    tb.check()
