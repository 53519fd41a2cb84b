"""link_dev_req: the link_bridge's device-request client, at its own ports.

The bench plays the core (its DMA master on s_axi: cocotbext-axi's AxiMaster, reset by
core_rst, or hand-driven AW/W/B and AR/R channels for exact strobes, parameters and beats; irq
pulses), link_tx_buffer's source B (TxBufferModel: captures the request RAM, b_pend, b_active
for a while after a start delay, b_done; checks the RAM is never written while its packet is
pending or going out), and the host behind the dispatcher: each request packet, once out, is
checked (flags 0, header length, seq numbered on from 1, a retransmission the same bytes) and
acted on once against a host memory (SLVERR ranges, lost copies, delays); its response is handed
over with resp_valid only while out_valid shows that seq (out_type and out_data_len checked),
a DMA_READ_REPLY's bytes put in a receive slot behind a read port that grants at random (an
ungranted cycle changes rd_data, as the dispatcher's reads do) and checks every read is in the
held slot's data and every release is of a held slot. time_now is a counter with upper bits
set, crossing 2^32. Every test ends by checking out_valid rose only once its request had gone
out (b_send) and no slot is left held.

Tests: write bursts to DMA_WRITE (full, unaligned start, partial last beat, one byte, a leading
or trailing empty beat, high address bits, ID as tag; B the ACK's resp; no strobe at all: not
sent, OKAY); bursts not sent (strobe holes within and across beats, too long, narrow, FIXED,
WRAP, wlast early or missing): B SLVERR, protocol_error; read bursts to DMA_READ (addr araddr,
length (arlen+1)*beat - araddr%beat) with the reply's bytes in the R beats' lanes, the slot
given back once after its last byte; a non-OKAY reply or bad parameters: SLVERR beats of zeros;
random DMA against host memory with backpressure everywhere; retransmission the same bytes
exactly RETRY_MIN_CYCLES + bit_cycles*RETRY_BIT_TIMES after the last copy went out (two
bit_cycles), withdrawn when the response comes while it waits to go out, not overlapped when it
comes while it goes out; give-up after RETRY_LIMIT (B SLVERR, R SLVERR, IRQ dropped;
link_lost sticky until rst, not core_rst); IRQ coalescing cycle-exact (a pulse in the cycle an
IRQ is built goes in the next); order IRQ > write >
read; core_rst abandons the outstanding request (retransmission withdrawn, no B), the pending
vectors and a read being put out (its slot given back), seq going on; seq wraps past 0."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge, with_timeout
from cocotbext.axi import AxiBus, AxiMaster, AxiResp
from cocotbext.axi.axi_channels import (AxiARSource, AxiARTransaction, AxiAWSource, AxiAWTransaction,
                                        AxiBSink, AxiReadBus, AxiRSink, AxiWriteBus, AxiWSource,
                                        AxiWTransaction)

import flue_contract as fc
from link_tb import LinkMsg, TxBufferModel, link_dma, link_packet

LT = fc.LinkType
HDR = fc.LINK_HEADER_BYTES
DMA_BYTES = fc.LINK_DMA_BYTES
DATA_OFFSET = HDR + DMA_BYTES
MEM_SIZE = 1 << 16
EXPECT = {LT.DMA_READ: LT.DMA_READ_REPLY, LT.DMA_WRITE: LT.DMA_WRITE_ACK, LT.IRQ: LT.IRQ}
TRACE = ("b_send", "b_cancel", "b_done", "b_pend", "b_active", "stat_retry", "link_lost", "protocol_error",
         "out_valid", "irq", "core_rst", "rel_valid", "rd_req", "resp_valid", "s_axi_bvalid", "s_axi_rvalid",
         "s_axi_awvalid", "s_axi_awready", "s_axi_arvalid", "s_axi_arready")


class TB:
    def __init__(self, dut, seed=1, axi_master=True, bit_cycles=8):
        self.dut = dut
        self.rng = random.Random(seed)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.beat = len(dut.s_axi_wdata) // 8
        self.size = (self.beat - 1).bit_length()
        self.max_burst = int(dut.DMA_MAX_BURST.value)
        self.addr_width = int(dut.DMA_ADDR_WIDTH.value)
        self.id_width = int(dut.DMA_ID_WIDTH.value)
        self.vectors = int(dut.IRQ_VECTORS.value)
        self.retry_min = int(dut.RETRY_MIN_CYCLES.value)
        self.retry_bits = int(dut.RETRY_BIT_TIMES.value)
        self.retry_limit = int(dut.RETRY_LIMIT.value)
        self.slots = 1 << int(dut.RX_SLOT_WIDTH.value)
        self.off_width = int(dut.RX_OFFSET_WIDTH.value)
        self.bit_cycles = bit_cycles
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        for s in ("rst", "core_rst", "time_now", "irq", "resp_valid", "resp_ok", "resp_slot", "rd_gnt", "rd_data"):
            getattr(dut, s).setimmediatevalue(0)
        dut.bit_cycles.setimmediatevalue(bit_cycles)
        self.base = 0x0a5f_ffff_f000     # time_now = base + cycle: upper bits set, crossing 2^32
        self.cycle = 0
        self.trace = []
        self.armed = False
        self.errors = []
        self.tx = TxBufferModel(dut, "b", dut.clk, 1 << int(dut.REQ_ADDR_WIDTH.value))
        # the host
        self.mem = bytearray(self.rng.randrange(256) for _ in range(MEM_SIZE))
        self.bad = []            # (lo, hi): answered SLVERR
        self.delay = (0, 0)
        self.drop_next = 0       # the next new request loses this many copies
        self.drops = {}
        self.drop_all = False
        self.dev_log = []        # every request packet out: (LinkMsg, tx record)
        self.first_copy = {}
        self.answered = {}
        self.last_seq = 0
        self.resp_queue = []
        self.stale = 0
        # the receive slots
        self.slot_mem = {s: bytearray(1 << self.off_width) for s in range(self.slots)}
        self.held = {}           # slot -> (seq, data bytes)
        self.gnt_p = 1.0
        self.releases = []
        self.rd_reads = 0
        cocotb.start_soon(self._clock())
        cocotb.start_soon(self._host())
        cocotb.start_soon(self._dispatch())
        cocotb.start_soon(self._rd_port())
        # the core
        self.bursts = []
        if axi_master:
            self.axi = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.core_rst,
                                 max_burst_len=self.max_burst)
        else:
            self.axi = None
            wbus = AxiWriteBus.from_prefix(dut, "s_axi")
            rbus = AxiReadBus.from_prefix(dut, "s_axi")
            self.aw = AxiAWSource(wbus.aw, dut.clk, dut.core_rst)
            self.w = AxiWSource(wbus.w, dut.clk, dut.core_rst)
            self.b = AxiBSink(wbus.b, dut.clk, dut.core_rst)
            self.ar = AxiARSource(rbus.ar, dut.clk, dut.core_rst)
            self.r = AxiRSink(rbus.r, dut.clk, dut.core_rst)
        cocotb.start_soon(self._watch_axi())

    async def reset(self):
        """rst (with core_rst, as the bridge holds it): seq from 1 again, flags clear."""
        dut = self.dut
        await RisingEdge(dut.clk)
        dut.rst.value = 1
        dut.core_rst.value = 1
        await ClockCycles(dut.clk, 3)
        dut.rst.value = 0
        dut.core_rst.value = 0
        self.tx.reset()
        self.last_seq = 0
        self.first_copy.clear()
        self.answered.clear()
        self.held.clear()
        await ClockCycles(dut.clk, 5)

    async def core_reset(self, cycles=4):
        dut = self.dut
        dut.core_rst.value = 1
        await ClockCycles(dut.clk, cycles)
        dut.core_rst.value = 0
        await RisingEdge(dut.clk)

    def check(self):
        errors = self.errors + self.tx.errors
        assert not errors, "; ".join(errors[:5])
        assert not self.held, f"slots still held: {self.held}"
        # out_valid only for a request that went out (b_send), until it is done with
        sent = False
        for e in self.trace:
            if e["out_valid"] and not sent:
                raise AssertionError(f"out_valid at {e['t']:#x} before the request was sent")
            if not e["out_valid"]:
                sent = False
            if e["b_send"]:
                sent = True

    def set_bit_cycles(self, n):
        self.bit_cycles = n
        self.dut.bit_cycles.value = n

    @property
    def timeout(self):
        return self.retry_min + self.bit_cycles * self.retry_bits

    # ---- every edge: time_now, the trace
    async def _clock(self):
        dut = self.dut
        while True:
            t = self.base + self.cycle
            dut.time_now.value = t
            await RisingEdge(dut.clk)
            self.cycle += 1
            if int(dut.rst.value):
                self.armed = True
            if self.armed:
                e = {s: int(getattr(dut, s).value) for s in TRACE}
                e["t"] = t
                e["c"] = self.cycle     # the numbering of the tx model's records
                self.trace.append(e)

    def count(self, sig, since_t=0):
        return sum(e[sig] for e in self.trace if e["t"] >= since_t)

    # ---- the host
    def bad_range(self, addr, length):
        return any(addr < hi and addr + length > lo for lo, hi in self.bad)

    async def _host(self):
        while True:
            rec = await self.tx.queue.get()
            m = LinkMsg(rec["raw"])
            self.dev_log.append((m, rec))
            if m.flags != 0 or m.length != len(m.payload) or m.type not in EXPECT:
                self.errors.append(f"{m}: bad request packet ({len(m.payload)} payload bytes)")
                continue
            if m.seq in self.first_copy:
                if m.raw != self.first_copy[m.seq]:
                    self.errors.append(f"{m}: retransmission differs from the first copy")
            else:
                want = self.last_seq % 0xffff + 1
                if m.seq != want:
                    self.errors.append(f"{m}: seq {m.seq}, {want} expected")
                self.last_seq = m.seq
                self.first_copy[m.seq] = m.raw
                self.drops[m.seq] = self.drop_next
                self.drop_next = 0
            if self.drop_all:
                continue
            if self.drops.get(m.seq):
                self.drops[m.seq] -= 1
                continue
            if m.seq not in self.answered:
                self.answered[m.seq] = self._act(m)
            lo, hi = self.delay
            self.resp_queue.append((self.cycle + self.rng.randint(lo, hi), m, self.answered[m.seq]))

    def _act(self, m):
        """What the host does with a request: (resp_ok, data of a read reply)."""
        if m.type == LT.IRQ:
            if m.length != fc.LINK_IRQ_BYTES:
                self.errors.append(f"{m}: IRQ payload {m.length}")
            return True, b""
        d = m.fields(fc.LINK_DMA_FIELDS)
        if d["resp"] != 0:
            self.errors.append(f"{m}: resp {d['resp']} in a request")
        addr, length = d["addr"], d["length"]
        ok = not self.bad_range(addr, length)
        if m.type == LT.DMA_WRITE:
            if len(m.payload) - DMA_BYTES != length:
                self.errors.append(f"{m}: length {length}, {len(m.payload) - DMA_BYTES} data bytes")
            if ok:
                a = addr % MEM_SIZE
                self.mem[a:a + length] = m.payload[DMA_BYTES:]
            return ok, b""
        if m.length != DMA_BYTES:
            self.errors.append(f"{m}: DMA_READ payload {m.length}")
        a = addr % MEM_SIZE
        return ok, bytes(self.mem[a:a + length]) if ok else b""

    async def _dispatch(self):
        """Hands responses over as the dispatcher does (falling edges: settled values)."""
        dut = self.dut
        while True:
            await FallingEdge(dut.clk)
            if not self.resp_queue or self.resp_queue[0][0] > self.cycle:
                continue
            _, m, (ok, data) = self.resp_queue.pop(0)
            if not int(dut.out_valid.value) or int(dut.out_seq.value) != m.seq:
                self.stale += 1
                continue
            if int(dut.out_type.value) != EXPECT[m.type]:
                self.errors.append(f"{m}: out_type {int(dut.out_type.value)}")
            slot = self.rng.choice([s for s in range(self.slots) if s not in self.held])
            if m.type == LT.DMA_READ:
                d = m.fields(fc.LINK_DMA_FIELDS)
                if int(dut.out_data_len.value) != d["length"]:
                    self.errors.append(f"{m}: out_data_len {int(dut.out_data_len.value)}, length {d['length']}")
                if ok:
                    raw = link_packet(LT.DMA_READ_REPLY, m.seq, link_dma(d["addr"], d["length"], d["tag"]) + data,
                                      flags=1)
                    self.slot_mem[slot][:len(raw)] = raw
                    self.held[slot] = (m.seq, len(data))
            dut.resp_valid.value = 1
            dut.resp_ok.value = int(ok)
            dut.resp_slot.value = slot
            await RisingEdge(dut.clk)
            dut.resp_valid.value = 0
            dut.resp_ok.value = self.rng.randrange(2)
            dut.resp_slot.value = self.rng.randrange(self.slots)

    async def _rd_port(self):
        dut = self.dut
        mask = (1 << self.off_width) - 1
        while True:
            gnt = 1 if self.rng.random() < self.gnt_p else 0
            dut.rd_gnt.value = gnt
            await RisingEdge(dut.clk)
            if int(dut.rst.value):
                self.held.clear()
                continue
            if int(dut.rd_req.value) and gnt:
                addr = int(dut.rd_addr.value)
                slot, off = addr >> self.off_width, addr & mask
                if slot not in self.held:
                    self.errors.append(f"read of slot {slot}, not held")
                elif not DATA_OFFSET <= off < DATA_OFFSET + self.held[slot][1]:
                    self.errors.append(f"read at {off} of slot {slot}, {self.held[slot][1]} data bytes")
                dut.rd_data.value = self.slot_mem[slot][off]
                self.rd_reads += 1
            elif not gnt:
                # the dispatcher's read of something else
                dut.rd_data.value = self.rng.randrange(256)
            if int(dut.rel_valid.value):
                slot = int(dut.rel_slot.value)
                if slot not in self.held:
                    self.errors.append(f"release of slot {slot}, not held")
                else:
                    del self.held[slot]
                self.releases.append(slot)

    # ---- the core side
    async def _watch_axi(self):
        dut = self.dut
        cur = None
        while True:
            await RisingEdge(dut.clk)
            if int(dut.core_rst.value):
                cur = None
                continue
            if int(dut.s_axi_awvalid.value) and int(dut.s_axi_awready.value):
                cur = dict(kind="w", addr=int(dut.s_axi_awaddr.value), len=int(dut.s_axi_awlen.value),
                           id=int(dut.s_axi_awid.value), size=int(dut.s_axi_awsize.value),
                           burst=int(dut.s_axi_awburst.value), beats=[], t=int(dut.time_now.value))
                self.bursts.append(cur)
            if int(dut.s_axi_wvalid.value) and int(dut.s_axi_wready.value) and cur is not None:
                cur["beats"].append((int(dut.s_axi_wdata.value), int(dut.s_axi_wstrb.value), int(dut.s_axi_wlast.value)))
            if int(dut.s_axi_arvalid.value) and int(dut.s_axi_arready.value):
                self.bursts.append(dict(kind="r", addr=int(dut.s_axi_araddr.value), len=int(dut.s_axi_arlen.value),
                                        id=int(dut.s_axi_arid.value), size=int(dut.s_axi_arsize.value),
                                        burst=int(dut.s_axi_arburst.value), t=int(dut.time_now.value)))

    def expected_dma(self, b):
        """What the contract says a burst becomes: (type, addr, length, tag, data) or None."""
        nb = self.beat
        if b["len"] + 1 > self.max_burst or b["size"] != self.size or b["burst"] != 1:
            return None
        if b["kind"] == "r":
            return (LT.DMA_READ, b["addr"], (b["len"] + 1) * nb - b["addr"] % nb, b["id"], b"")
        if [last for _, _, last in b["beats"]] != [0] * b["len"] + [1]:
            return None
        base = b["addr"] - b["addr"] % nb
        strobed = []
        for k, (data, strb, _) in enumerate(b["beats"]):
            for lane in range(nb):
                if strb >> lane & 1:
                    strobed.append((base + k * nb + lane, data >> (8 * lane) & 0xff))
        if not strobed or strobed[-1][0] - strobed[0][0] + 1 != len(strobed):
            return None
        return (LT.DMA_WRITE, strobed[0][0], len(strobed), b["id"], bytes(x for _, x in strobed))

    def dma_messages(self):
        """First copies of the DMA requests: (type, addr, length, tag, data)."""
        out = []
        seen = set()
        for m, _ in self.dev_log:
            if m.seq in seen or m.type == LT.IRQ:
                continue
            seen.add(m.seq)
            d = m.fields(fc.LINK_DMA_FIELDS)
            out.append((m.type, d["addr"], d["length"], d["tag"], m.payload[DMA_BYTES:]))
        return out

    def check_dma_messages(self):
        want = [e for e in (self.expected_dma(b) for b in self.bursts) if e is not None]
        got = self.dma_messages()
        assert len(got) == len(want), f"{len(got)} DMA messages for {len(want)} bursts"
        for i, (g, w) in enumerate(zip(got, want)):
            assert g == w, f"DMA message {i}: {g[:4]} where {w[:4]}"

    def requests(self, seq=None):
        """The request packets out (all copies) of a seq, or the first copies of all."""
        if seq is not None:
            return [(m, r) for m, r in self.dev_log if m.seq == seq]
        seen = set()
        out = []
        for m, r in self.dev_log:
            if m.seq not in seen:
                seen.add(m.seq)
                out.append(m)
        return out

    async def pulse_irq(self, mask):
        self.dut.irq.value = mask
        await RisingEdge(self.dut.clk)
        self.dut.irq.value = 0

    async def wait_for(self, cond, cycles, what):
        for _ in range(cycles):
            if cond():
                return
            await RisingEdge(self.dut.clk)
        assert cond(), f"timed out waiting for {what}"

    async def idle(self, quiet=40):
        """Waits until nothing has happened for `quiet` cycles: no request outstanding or being
        written, nothing pending or going out, no response due, no B or R beat up."""
        dut = self.dut
        n = 0
        for _ in range(100000):
            await RisingEdge(dut.clk)
            busy = (int(dut.out_valid.value) or int(dut.b_wr_en.value) or self.tx.pend or self.tx.active()
                    or self.resp_queue or int(dut.s_axi_rvalid.value) or int(dut.s_axi_bvalid.value))
            n = 0 if busy else n + 1
            if n == quiet:
                return
        raise AssertionError("never idle")

    # ---- hand-driven bursts
    async def write_burst(self, addr, strobes, awid=1, size=None, burst=1, awlen=None, wlast=None):
        """An AW and its W beats (random data); wlast: the beat index carrying wlast (None: the
        last; -1: none). (bid, bresp, data words)."""
        nb = self.beat
        await self.aw.send(AxiAWTransaction(awid=awid, awaddr=addr, awlen=len(strobes) - 1 if awlen is None else awlen,
                                            awsize=self.size if size is None else size, awburst=burst))
        datas = []
        last = len(strobes) - 1 if wlast is None else wlast
        for k, s in enumerate(strobes):
            d = self.rng.getrandbits(8 * nb)
            datas.append(d)
            await self.w.send(AxiWTransaction(wdata=d, wstrb=s, wlast=int(k == last)))
        b = await with_timeout(self.b.recv(), 400, "us")
        return int(b.bid), int(b.bresp), datas

    async def read_burst(self, addr, beats, arid=1, size=None, burst=1):
        """An AR and its R beats: [(rdata, rresp, rlast, rid)], until rlast (or `beats` beats)."""
        await self.ar.send(AxiARTransaction(arid=arid, araddr=addr, arlen=beats - 1,
                                            arsize=self.size if size is None else size, arburst=burst))
        out = []
        while True:
            r = await with_timeout(self.r.recv(), 400, "us")
            out.append((int(r.rdata), int(r.rresp), int(r.rlast), int(r.rid)))
            if int(r.rlast) or len(out) == beats:
                return out

    def strobes(self, addr, length):
        """AXI strobes of a write of `length` bytes at addr."""
        nb = self.beat
        first = addr - addr % nb
        out = []
        for k in range((addr + length - first + nb - 1) // nb):
            s = 0
            for lane in range(nb):
                if addr <= first + k * nb + lane < addr + length:
                    s |= 1 << lane
            out.append(s)
        return out


def lanes(data, nb):
    return data.to_bytes(nb, "little")


# ------------------------------------------------------------------------------------------------
# DMA mapping


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_write_mapping(dut):
    """Write bursts become DMA_WRITE of exactly the strobed bytes, packed: addr the first strobed
    byte (upper address bits kept), length to the last, tag the AXI ID, resp 0; a full burst,
    an unaligned start with a partial last beat, one byte in a middle lane, a middle run of one
    beat, an empty first beat, an empty last beat; header: DMA_WRITE, flags 0, seq 1, 2, ...,
    time between AW and the send; B is OKAY with the burst's ID, SLVERR when the host answers
    with an error (nothing written); a burst with no strobe at all is not sent, B OKAY, and
    protocol_error stays clear."""
    tb = TB(dut, seed=1, axi_master=False)
    tb.gnt_p = 0.7
    await tb.reset()
    nb = tb.beat
    full = (1 << nb) - 1
    hi = ((0xfedc_ba98_7654_3000 & ((1 << tb.addr_width) - 1)) >> 16) << 16
    cases = [
        (hi | 0x2000, [full] * tb.max_burst),
        (0x2100 + 3, tb.strobes(0x2103, nb * 2)),
        (0x2200, [1 << (nb // 2)]),
        (0x2300, [full & ~1 & ~(1 << (nb - 1))]),
        (0x2400, [0, full, 0b11]),
        (hi | 0x2500 + nb - 2, [0b11 << (nb - 2), full, 0]),
        (0x2600 + 1, tb.strobes(0x2601, tb.max_burst * nb - 1)),
    ]
    for i, (addr, strobes) in enumerate(cases):
        awid = tb.rng.randrange(1 << tb.id_width)
        n0 = len(tb.dev_log)
        bid, bresp, datas = await tb.write_burst(addr, strobes, awid=awid)
        assert (bid, bresp) == (awid, 0), f"case {i}: B id {bid} resp {bresp}"
        m, rec = tb.dev_log[n0]
        assert len(tb.dev_log) == n0 + 1
        base = addr - addr % nb
        strobed = [(base + k * nb + lane, lanes(d, nb)[lane]) for k, (d, s) in enumerate(zip(datas, strobes))
                   for lane in range(nb) if s >> lane & 1]
        d = m.fields(fc.LINK_DMA_FIELDS)
        assert (m.type, m.flags, m.seq) == (LT.DMA_WRITE, 0, i + 1), f"case {i}: {m}"
        assert (d["addr"], d["length"], d["tag"], d["resp"]) == (strobed[0][0], len(strobed), awid, 0), \
            f"case {i}: {d} where addr {strobed[0][0]:#x} length {len(strobed)}"
        assert m.payload[DMA_BYTES:] == bytes(x for _, x in strobed), f"case {i}: data"
        t_aw = tb.bursts[-1]["t"]
        t_send = [e["t"] for e in tb.trace if e["b_send"]][-1]
        assert t_aw <= m.time <= t_send, f"case {i}: time {m.time:#x}, AW at {t_aw:#x}, sent {t_send:#x}"
    # the host's error: SLVERR
    tb.bad.append((0x3000, 0x3100))
    before = bytes(tb.mem[0x3000:0x3100])
    bid, bresp, _ = await tb.write_burst(0x3010, [full, full], awid=2)
    assert (bid, bresp) == (2, 2), f"B {bresp} for the host's SLVERR"
    assert tb.mem[0x3000:0x3100] == before
    # no strobes: nothing sent, OKAY
    n0, s0 = len(tb.dev_log), len(tb.tx.sends)
    bid, bresp, _ = await tb.write_burst(0x3200, [0, 0, 0], awid=3)
    await ClockCycles(dut.clk, 50)
    assert (bid, bresp) == (3, 0) and len(tb.dev_log) == n0 and len(tb.tx.sends) == s0
    assert int(dut.protocol_error.value) == 0 and int(dut.link_lost.value) == 0
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_write_rejected(dut):
    """Write bursts not sent, B SLVERR, protocol_error latched (clear after rst): a strobe hole
    within a beat, across an empty beat, between the first beat's one byte and a full second
    beat; DMA_MAX_BURST + 1 beats; a narrow beat size; FIXED and WRAP bursts; wlast early, wlast
    missing. A good burst after each is sent as seq 1 and protocol_error stays set."""
    tb = TB(dut, seed=2, axi_master=False)
    nb = tb.beat
    full = (1 << nb) - 1
    cases = [
        ("hole in a beat", dict(strobes=[full & ~0b10])),
        ("hole across a beat", dict(strobes=[full & ~1, 0, 1])),
        ("hole after one byte", dict(strobes=[1, full])),
        ("too long", dict(strobes=[full] * (tb.max_burst + 1))),
        ("narrow", dict(strobes=[0b11], size=tb.size - 1)),
        ("FIXED", dict(strobes=[full, full], burst=0)),
        ("WRAP", dict(strobes=[full, full], burst=2)),
        ("wlast early", dict(strobes=[full, full, full], wlast=0)),
        ("wlast missing", dict(strobes=[full, full], wlast=-1)),
    ]
    for name, kw in cases:
        await tb.reset()
        assert int(dut.protocol_error.value) == 0
        n0 = len(tb.tx.sends)
        bid, bresp, _ = await tb.write_burst(0x1000, awid=1, **kw)
        await ClockCycles(dut.clk, 30)
        assert bresp == 2, f"{name}: B {bresp}"
        assert int(dut.protocol_error.value) == 1, f"{name}: protocol_error clear"
        assert len(tb.tx.sends) == n0, f"{name}: sent"
        n0 = len(tb.dev_log)
        bid, bresp, _ = await tb.write_burst(0x1100, [full], awid=2)
        assert bresp == 0 and tb.dev_log[n0][0].seq == 1, f"{name}: the next burst"
        assert int(dut.protocol_error.value) == 1, f"{name}: protocol_error not sticky"
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_read_mapping(dut):
    """Read bursts become DMA_READ of addr araddr, length (arlen+1)*beat - araddr%beat, tag the
    ID, no data; the reply's bytes come in the R beats' lanes from lane araddr%beat of beat 0
    (through a read port granted at random, rready paused at random), rresp OKAY, rlast on the
    last beat only, rid the ID; the slot is given back once, after its last byte was read. A
    reply that is not OKAY gives arlen+1 SLVERR beats of zeros, without reading or giving back a
    slot; bursts with bad parameters (too long, narrow, FIXED) give SLVERR beats of zeros,
    latch protocol_error and send nothing."""
    tb = TB(dut, seed=3, axi_master=False)
    tb.gnt_p = 0.5
    tb.r.set_pause_generator(iter(lambda: tb.rng.random() < 0.4, None))
    await tb.reset()
    nb = tb.beat
    hi = ((0x1234_5678_9abc_0000 & ((1 << tb.addr_width) - 1)) >> 16) << 16
    cases = [(0x1000, tb.max_burst), (0x1100 + 1, 1), (0x1200 + nb - 1, 2), (hi | 0x1300 + nb // 2, tb.max_burst),
             (0x1400, 1)]
    for i, (addr, beats) in enumerate(cases):
        arid = tb.rng.randrange(1 << tb.id_width)
        n0, r0 = len(tb.dev_log), len(tb.releases)
        out = await tb.read_burst(addr, beats, arid=arid)
        off = addr % nb
        length = beats * nb - off
        m, _ = tb.dev_log[n0]
        d = m.fields(fc.LINK_DMA_FIELDS)
        assert (m.type, m.seq, m.length) == (LT.DMA_READ, i + 1, DMA_BYTES), f"case {i}: {m}"
        assert (d["addr"], d["length"], d["tag"], d["resp"]) == (addr, length, arid, 0), f"case {i}: {d}"
        assert len(out) == beats, f"case {i}: {len(out)} beats"
        host = tb.mem[addr % MEM_SIZE:addr % MEM_SIZE + length]
        got = b"".join(lanes(x[0], nb) for x in out)[off:]
        assert got == host, f"case {i}: R data {got[:16].hex()} where {bytes(host[:16]).hex()}"
        assert [(x[1], x[2], x[3]) for x in out] == [(0, int(k == beats - 1), arid) for k in range(beats)], \
            f"case {i}: resp/last/id {[(x[1], x[2], x[3]) for x in out]}"
        await ClockCycles(dut.clk, 5)
        assert len(tb.releases) == r0 + 1, f"case {i}: {len(tb.releases) - r0} releases"
    # the host's error
    tb.bad.append((0x4000, 0x4100))
    n_rd, r0 = tb.rd_reads, len(tb.releases)
    out = await tb.read_burst(0x4000 + 3, 3, arid=1)
    assert [(x[0], x[1], x[2]) for x in out] == [(0, 2, 0), (0, 2, 0), (0, 2, 1)], f"SLVERR reply: {out}"
    await ClockCycles(dut.clk, 5)
    assert tb.rd_reads == n_rd and len(tb.releases) == r0, "a SLVERR reply's slot was read or given back"
    # bad parameters
    for name, beats, kw in (("too long", tb.max_burst + 1, {}), ("narrow", 2, dict(size=tb.size - 1)),
                            ("FIXED", 2, dict(burst=0))):
        await tb.reset()
        n0 = len(tb.tx.sends)
        out = await tb.read_burst(0x1000, beats, arid=2, **kw)
        assert [(x[0], x[1], x[2]) for x in out] == [(0, 2, int(k == beats - 1)) for k in range(beats)], \
            f"{name}: {out}"
        assert int(dut.protocol_error.value) == 1 and len(tb.tx.sends) == n0, name
    tb.check()


@cocotb.test(timeout_time=6, timeout_unit="ms")
async def test_random_dma(dut):
    """Random writes and reads through AxiMaster (unaligned, 1 byte to two full bursts, random
    IDs), host delays, B/R backpressure, the read port granted half the time, the request RAM
    slow to go out: host memory gets exactly the bytes written, reads return host memory, every
    DMA message is what its burst should become, in order; no flag set, every slot given back."""
    tb = TB(dut, seed=4)
    tb.delay = (0, 60)
    tb.gnt_p = 0.5
    tb.tx.start_delay = 7
    tb.tx.cycles_per_byte = 2
    tb.axi.write_if.b_channel.set_pause_generator(iter(lambda: tb.rng.random() < 0.3, None))
    tb.axi.read_if.r_channel.set_pause_generator(iter(lambda: tb.rng.random() < 0.3, None))
    tb.axi.write_if.w_channel.set_pause_generator(iter(lambda: tb.rng.random() < 0.3, None))
    await tb.reset()
    full = tb.max_burst * tb.beat
    for i in range(30):
        length = tb.rng.choice([1, 2, tb.beat - 1, tb.beat, tb.beat + 1, full - 1, full, full + 3,
                                tb.rng.randint(1, 2 * full)])
        addr = tb.rng.randrange(0x1000, MEM_SIZE - 2 * full)
        aid = tb.rng.randrange(1 << tb.id_width)
        if tb.rng.random() < 0.5:
            data = bytes(tb.rng.randrange(256) for _ in range(length))
            res = await tb.axi.write(addr, data, awid=aid)
            assert res.resp == AxiResp.OKAY
            assert tb.mem[addr:addr + length] == data, f"write {i} at {addr:#x}+{length}"
        else:
            res = await tb.axi.read(addr, length, arid=aid)
            assert res.resp == AxiResp.OKAY
            assert res.data == tb.mem[addr:addr + length], f"read {i} at {addr:#x}+{length}"
    await tb.idle()
    tb.check_dma_messages()
    assert int(dut.protocol_error.value) == 0 and int(dut.link_lost.value) == 0
    assert tb.count("stat_retry") == 0
    tb.check()


# ------------------------------------------------------------------------------------------------
# retransmission, giving up


def gaps(tb, seq):
    """Cycles from each copy's b_done to the next copy's b_send."""
    recs = [r for m, r in tb.requests(seq)]
    sends = [s for s in tb.tx.sends if s >= recs[0]["send"]]
    return [sends[k + 1] - recs[k]["done"] - 1 for k in range(len(recs) - 1)]


@cocotb.test(timeout_time=6, timeout_unit="ms")
async def test_retry(dut):
    """A request whose copies are lost (write, read, IRQ; two bit_cycles values) goes out again,
    the same bytes and seq, exactly RETRY_MIN_CYCLES + bit_cycles * RETRY_BIT_TIMES cycles after
    the previous copy finished going out (b_done; the tx side is slow to start and to send, so
    counting from b_send would differ), once per lost copy up to RETRY_LIMIT; stat_retry pulses
    once per retransmission; the host's answer to the last copy completes it."""
    tb = TB(dut, seed=5)
    tb.tx.start_delay = 40
    tb.tx.cycles_per_byte = 2
    await tb.reset()
    lose = min(2, tb.retry_limit)
    for kind, bc in (("write", 8), ("read", 37), ("irq", 8), ("write", 23)):
        tb.set_bit_cycles(bc)
        t0 = tb.base + tb.cycle
        n0 = len(tb.dev_log)
        tb.drop_next = lose
        if kind == "write":
            data = bytes(tb.rng.randrange(256) for _ in range(3 * tb.beat - 2))
            res = await tb.axi.write(0x5003, data)
            assert res.resp == AxiResp.OKAY and tb.mem[0x5003:0x5003 + len(data)] == data
        elif kind == "read":
            res = await tb.axi.read(0x5101, 2 * tb.beat)
            assert res.resp == AxiResp.OKAY and res.data == tb.mem[0x5101:0x5101 + 2 * tb.beat]
        else:
            await tb.pulse_irq(1)
            await tb.wait_for(lambda: len(tb.dev_log) > n0, 2000, "the IRQ")
            await tb.idle()
        seq = tb.dev_log[n0][0].seq
        copies = tb.requests(seq)
        assert len(copies) == 1 + lose, f"{kind}: {len(copies)} copies"
        g = gaps(tb, seq)
        assert all(tb.timeout <= x <= tb.timeout + 2 for x in g), f"{kind}: gaps {g}, timeout {tb.timeout}"
        assert tb.count("stat_retry", t0) == lose, f"{kind}: stat_retry {tb.count('stat_retry', t0)}"
    assert int(dut.link_lost.value) == 0
    tb.check()


@cocotb.test(timeout_time=6, timeout_unit="ms")
async def test_answer_during_retry(dut):
    """The response to the first copy comes while the retransmission waits to go out (the line
    busy): the retransmission is withdrawn (b_cancel), never goes out, and the burst completes.
    It comes while the retransmission goes out: the burst completes, and the next request is
    not written into the request RAM until that copy is out."""
    tb = TB(dut, seed=6)
    await tb.reset()
    if tb.retry_limit == 0:
        return
    T = tb.timeout
    # waits to go out: 100 cycles from b_send to its start; the answer at T + 30 after b_done
    tb.tx.start_delay = 100
    tb.delay = (T + 30, T + 30)
    n0 = len(tb.dev_log)
    res = await tb.axi.write(0x6000, bytes(range(40)))
    assert res.resp == AxiResp.OKAY
    await tb.idle()
    seq = tb.dev_log[n0][0].seq
    assert len(tb.requests(seq)) == 1, "the withdrawn retransmission went out"
    assert len(tb.tx.sends) - tb.tx.sends.index(tb.dev_log[n0][1]["send"]) == 2, "no retransmission asked"
    assert tb.tx.cancels >= 1
    # goes out: slowly (6 cycles a byte), the answer T + 20 after b_done; a second write queued
    tb.tx.start_delay = 0
    tb.tx.cycles_per_byte = 6
    tb.delay = (T + 20, T + 20)
    n0 = len(tb.dev_log)
    first = tb.axi.init_write(0x6100, bytes(range(60)))
    await tb.wait_for(lambda: len(tb.dev_log) > n0, 10000, "the first copy")
    await ClockCycles(dut.clk, 5)
    tb.delay = (0, 0)
    second = tb.axi.init_write(0x6200, bytes(range(10)))
    await first.wait()
    await second.wait()
    assert first.data.resp == AxiResp.OKAY and second.data.resp == AxiResp.OKAY
    await tb.idle()
    seq = tb.dev_log[n0][0].seq
    assert len(tb.requests(seq)) == 2, "the retransmission did not go out"
    assert tb.mem[0x6200:0x620a] == bytes(range(10))
    tb.check()


@cocotb.test(timeout_time=8, timeout_unit="ms")
async def test_give_up(dut):
    """With the host silent, a request goes out 1 + RETRY_LIMIT times, a timeout apart, then is
    given up: a write's B is SLVERR, a read's beats SLVERR with zero data, an IRQ dropped (its
    vectors never come back); link_lost rises at the give-up (clear before), stays through
    core_rst, clears with rst; once the host answers again, requests complete."""
    tb = TB(dut, seed=7)
    await tb.reset()
    tb.drop_all = True
    n0 = len(tb.dev_log)
    res = await tb.axi.write(0x1234, b"\x77" * 30)
    assert res.resp == AxiResp.SLVERR
    seq = tb.dev_log[n0][0].seq
    assert len(tb.requests(seq)) == 1 + tb.retry_limit
    assert all(tb.timeout <= x <= tb.timeout + 2 for x in gaps(tb, seq)), gaps(tb, seq)
    lost_at = [e["c"] for e in tb.trace if e["link_lost"]][0]
    assert lost_at > tb.requests(seq)[-1][1]["done"] + tb.timeout, "link_lost before the last timeout"
    assert int(dut.link_lost.value) == 1
    n0 = len(tb.dev_log)
    res = await tb.axi.read(0x2001, 3 * tb.beat)
    assert res.resp == AxiResp.SLVERR and res.data == bytes(3 * tb.beat)
    assert len(tb.requests(tb.dev_log[n0][0].seq)) == 1 + tb.retry_limit
    n0 = len(tb.dev_log)
    await tb.pulse_irq(0b10)
    await tb.wait_for(lambda: len(tb.dev_log) >= n0 + 1 + tb.retry_limit, (tb.retry_limit + 1) * (tb.timeout + 200),
                      "the IRQ copies")
    await ClockCycles(dut.clk, tb.timeout + 200)
    assert len(tb.dev_log) == n0 + 1 + tb.retry_limit, "the IRQ was not given up"
    await tb.core_reset()
    assert int(dut.link_lost.value) == 1, "core_rst cleared link_lost"
    tb.drop_all = False
    res = await tb.axi.read(0x2001, 20)
    assert res.resp == AxiResp.OKAY and res.data == tb.mem[0x2001:0x2015]
    n0 = len(tb.dev_log)
    await tb.pulse_irq(0b01)
    await tb.idle()
    irqs = [m.fields(fc.LINK_IRQ_FIELDS)["vectors"] for m in tb.requests() if m.type == LT.IRQ]
    assert irqs[-1] == 0b01, f"the given-up vectors came back: {irqs}"
    assert int(dut.link_lost.value) == 1
    await tb.reset()
    assert int(dut.link_lost.value) == 0, "rst did not clear link_lost"
    tb.check()


# ------------------------------------------------------------------------------------------------
# interrupts, order, core_rst


@cocotb.test(timeout_time=6, timeout_unit="ms")
async def test_irq_coalescing(dut):
    """Two pulses in a row from idle (the second in the cycle the first's IRQ is built): two
    IRQs, one vector each. Random irq pulses (any vectors, several in a cycle, back to back)
    while IRQs are outstanding (host delays): each IRQ message carries exactly the vectors pulsed from the
    cycle the previous one was built up to the cycle before it was built (its header time), no
    vector lost, none twice, no IRQ without a vector; the payload has nothing above
    IRQ_VECTORS; its header length is 4."""
    tb = TB(dut, seed=8)
    tb.delay = (0, 150)
    await tb.reset()
    t0 = tb.base + tb.cycle
    top = (1 << tb.vectors) - 1
    # from idle: the second of two pulses in a row comes in the cycle the first one's IRQ is
    # built, and goes in the next IRQ
    await tb.pulse_irq(0b01)
    await tb.pulse_irq(0b10)
    await tb.idle()
    assert [m.fields(fc.LINK_IRQ_FIELDS)["vectors"] for m in tb.requests()] == [0b01, 0b10]
    for _ in range(2000):
        r = tb.rng.random()
        if r < 0.03:
            dut.irq.value = tb.rng.randrange(1, top + 1)
        elif r < 0.035:
            dut.irq.value = 1 << (tb.vectors - 1)
        else:
            dut.irq.value = 0
        await RisingEdge(dut.clk)
    dut.irq.value = 0
    await tb.idle()
    pulses = [(e["t"], e["irq"]) for e in tb.trace if e["irq"] and e["t"] >= t0]
    irqs = [m for m in tb.requests() if m.type == LT.IRQ]
    assert len(irqs) > 10, f"{len(irqs)} IRQs"
    prev_t = t0
    for m in irqs:
        v = m.fields(fc.LINK_IRQ_FIELDS)["vectors"]
        want = 0
        for t, p in pulses:
            if prev_t <= t < m.time:
                want |= p
        assert v == want, f"{m}: vectors {v:#x}, pulses since {prev_t:#x} give {want:#x}"
        assert v and m.length == fc.LINK_IRQ_BYTES
        prev_t = m.time
    assert all(t < prev_t for t, _ in pulses), "pulses after the last IRQ not sent"
    tb.check()


@cocotb.test(timeout_time=4, timeout_unit="ms")
async def test_order(dut):
    """While a request is outstanding, a read burst, then a write burst, then an irq pulse
    arrive: once it completes they go IRQ, DMA_WRITE, DMA_READ; a read and a write (read
    first) without a pulse go write first."""
    tb = TB(dut, seed=9)
    await tb.reset()
    for with_irq in (True, False):
        tb.delay = (400, 400)
        n = len(tb.dev_log)
        first = tb.axi.init_read(0xa00, 16)
        await tb.wait_for(lambda: len(tb.dev_log) > n, 3000, "the first read")
        n0 = len(tb.requests())
        rd = tb.axi.init_read(0xb00, 16)
        await ClockCycles(dut.clk, 20)
        wr = tb.axi.init_write(0xc00, b"\x01" * 16)
        await ClockCycles(dut.clk, 20)
        if with_irq:
            await tb.pulse_irq(0b1)
        tb.delay = (0, 0)
        for e in (first, rd, wr):
            await e.wait()
        await tb.idle()
        kinds = [m.type for m in tb.requests()[n0:]]
        want = ([LT.IRQ] if with_irq else []) + [LT.DMA_WRITE, LT.DMA_READ]
        assert kinds == want, f"irq {with_irq}: {kinds}"
    tb.check()


@cocotb.test(timeout_time=6, timeout_unit="ms")
async def test_core_rst(dut):
    """core_rst with a write outstanding and its retransmission waiting to go out: the
    retransmission is withdrawn (b_cancel), no B comes, out_valid is low, nothing is sent again;
    the vectors pulsed meanwhile are cleared; the next request's seq follows the abandoned one.
    core_rst while a read's R beat waits for rready: the reply's slot is given back (once), no
    beat is left."""
    tb = TB(dut, seed=10)
    await tb.reset()
    tb.drop_all = True
    n0 = len(tb.dev_log)
    wr = tb.axi.init_write(0x1000, b"\x55" * 40)
    await tb.wait_for(lambda: len(tb.dev_log) > n0, 3000, "the DMA_WRITE")
    stale = tb.dev_log[n0][0]
    if tb.retry_limit:
        tb.tx.hold = True
        await tb.wait_for(lambda: tb.tx.pend, tb.timeout + 100, "the retransmission")
    await tb.pulse_irq(0b11)
    await ClockCycles(dut.clk, 10)
    assert int(dut.out_valid.value) == 1
    await tb.core_reset()
    assert not tb.tx.pend, "the retransmission was not withdrawn"
    assert int(dut.out_valid.value) == 0
    tb.tx.hold = False
    tb.drop_all = False
    await wr.wait()
    await ClockCycles(dut.clk, 2 * tb.timeout + 200)
    assert [m.seq for m, _ in tb.dev_log[n0:]] == [stale.seq], "sent after core_rst"
    assert tb.count("s_axi_bvalid") == 0, "a B for the abandoned write"
    res = await tb.axi.read(0x2000, 16)
    assert res.resp == AxiResp.OKAY
    after = [(m.type, m.seq) for m in tb.requests() if m.seq != stale.seq]
    assert after == [(LT.DMA_READ, stale.seq + 1)], f"after core_rst: {after} (the cleared vectors sent?)"
    # a read's beat stuck on rready (the R sink paused once it is idle: a pause set in the
    # cycle of its last beat is not seen)
    await ClockCycles(dut.clk, 2)
    tb.axi.read_if.r_channel.pause = True
    r0 = len(tb.releases)
    n0 = len(tb.dev_log)
    rd = tb.axi.init_read(0x3000, 2 * tb.beat)
    await tb.wait_for(lambda: len(tb.dev_log) > n0, 3000, "the DMA_READ")
    await tb.wait_for(lambda: int(dut.s_axi_rvalid.value) == 1, 3000, "the first R beat")
    await ClockCycles(dut.clk, 20)
    assert tb.held, f"no slot held: releases {tb.releases[r0:]}, {tb.dev_log[-1][0]}"
    await tb.core_reset()
    tb.axi.read_if.r_channel.pause = False
    await ClockCycles(dut.clk, 20)
    assert len(tb.releases) == r0 + 1 and not tb.held, f"releases {tb.releases[r0:]}"
    assert int(dut.s_axi_rvalid.value) == 0
    assert int(dut.link_lost.value) == 0
    tb.check()


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def test_seq_wrap(dut):
    """The request seq goes 0xfffe, 0xffff, then 1 (0 skipped). The count is started near the
    end by writing the block's seq register (the only way short of 65534 requests)."""
    tb = TB(dut, seed=11)
    await tb.reset()
    dut.seq_reg.value = 0xfffd
    tb.last_seq = 0xfffd
    for v in (1, 2, 4):
        await tb.pulse_irq(v)
        await tb.idle()
    assert [m.seq for m in tb.requests()] == [0xfffe, 0xffff, 1], [m.seq for m in tb.requests()]
    tb.check()
