"""link_bridge: the packet level of the serial bridge, against protocol/SERIAL-LINK.md.

The bench is the host (packets into s_axis through a UART-like driver that never waits, packets
out of m_axis) and the core: a register slave on m_axil (cocotbext-axi AxiLiteSlave over a
register file with ID/VERSION/CAPS preloaded, access counts, a slow mode and a clear-on-read
register), cocotbext-axi's AxiMaster on s_axi as the DMA master (reset by core_rst, as nic_top
is), or hand-driven AW/W/B channels for strobe holes, and irq pulses. The host side of DMA is a
model of host memory that answers DMA_READ/DMA_WRITE/IRQ, with delays, SLVERR ranges, lost
requests, lost and duplicated responses, and checks every retransmission is the same bytes.

Tests: HELLO; MMIO read/write, DECERR outside the window, SLVERR on a bus timeout; replay of a
repeated seq (one bus access, the same bytes); a copy while serving ignored; bad, short, long and
length-mismatched packets dropped and counted; ERROR for unknown types and wrong payload
lengths; TIME_ADVANCE reached, already past, ended by an irq, superseded, not ended by its own
copy; RESET (core_rst held RESET_CYCLES, the outstanding DMA and pending vectors abandoned, the
response after); LINK_STATS values; random unaligned DMA reads and writes up to full bursts with
random host delays (messages' addr/length per the spec); host SLVERR; lost requests and lost
responses (retransmission after the timeout, the same bytes); duplicated, stale and wrong
responses dropped; giving up after RETRY_LIMIT (SLVERR, link_lost); strobe holes (SLVERR,
protocol_error, nothing sent); IRQ coalescing and the order IRQ, write, read; the input taken at
one byte per 80 cycles while R beats are stalled."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteSlave, AxiMaster, AxiResp
from cocotbext.axi.axi_channels import (AxiAWSource, AxiAWTransaction, AxiBSink, AxiWSource,
                                        AxiWTransaction, AxiWriteBus)

import flue_contract as fc
from flue_tb import pulse_reset

LT = fc.LinkType
HDR = fc.LINK_HEADER_BYTES
DMA_BYTES = fc.LINK_DMA_BYTES
FLAG_RESPONSE = 1
BIT_CYCLES = 8
MEM_SIZE = 1 << 16
CLEAR_ON_READ = 0x100


def header(type_, seq, length, flags=0, time=0):
    return fc.pack(fc.LINK_HEADER_FIELDS, dict(type=int(type_), flags=flags, seq=seq, length=length,
                                               time=time), HDR)


def packet(type_, seq, payload=b"", flags=0, time=0, length=None):
    return header(type_, seq, len(payload) if length is None else length, flags, time) + payload


def mmio(addr, value=0, resp=0):
    return fc.pack(fc.LINK_MMIO_FIELDS, dict(addr=addr, value=value, resp=resp), fc.LINK_MMIO_BYTES)


def dma(addr, length, tag, resp=0):
    return fc.pack(fc.LINK_DMA_FIELDS, dict(addr=addr, length=length, tag=tag, resp=resp), DMA_BYTES)


class Msg:
    """A packet out of the bridge: header fields, payload, when it went out."""

    def __init__(self, raw, first_cycle, first_time, last_cycle):
        self.raw = raw
        h = fc.unpack(fc.LINK_HEADER_FIELDS, raw[:HDR])
        self.type = h["type"]
        self.flags = h["flags"]
        self.seq = h["seq"]
        self.length = h["length"]
        self.time = h["time"]
        self.payload = raw[HDR:]
        self.first_cycle = first_cycle   # bench cycle of the first byte
        self.first_time = first_time     # the bridge's counter then
        self.last_cycle = last_cycle

    def field(self, fields):
        return fc.unpack(fields, self.payload)

    def __repr__(self):
        return f"Msg(type {self.type} flags {self.flags} seq {self.seq} len {self.length} time {self.time})"


class RegFile:
    """Target of the register slave: 4 KiB, ID/VERSION/CAPS preloaded; counts accesses; reads
    can be slowed (read_delay cycles); CLEAR_ON_READ reads as its value once, then 0."""

    def __init__(self, clk):
        self.clk = clk
        self.mem = bytearray(4096)
        for reg in (fc.Reg.ID, fc.Reg.VERSION, fc.Reg.CAPS):
            self.mem[reg:reg + 4] = fc.REG_RESET[reg].to_bytes(4, "little")
        self.reads = []
        self.writes = []
        self.read_delay = 0

    def get(self, addr):
        return int.from_bytes(self.mem[addr:addr + 4], "little")

    def set(self, addr, value):
        self.mem[addr:addr + 4] = value.to_bytes(4, "little")

    async def read(self, address, length):
        self.reads.append(address)
        if self.read_delay:
            await ClockCycles(self.clk, self.read_delay)
        data = bytes(self.mem[address:address + length])
        if address == CLEAR_ON_READ:
            self.set(CLEAR_ON_READ, 0)
        return data

    async def write(self, address, data):
        self.writes.append((address, bytes(data)))
        self.mem[address:address + len(data)] = data


class TB:
    def __init__(self, dut, seed=1, gap=2, axi_master=True, bit_cycles=BIT_CYCLES):
        self.dut = dut
        self.rng = random.Random(seed)
        self.errors = []
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.retry_min = int(dut.RETRY_MIN_CYCLES.value)
        self.retry_bits = int(dut.RETRY_BIT_TIMES.value)
        self.retry_limit = int(dut.RETRY_LIMIT.value)
        self.timeout = self.retry_min + bit_cycles * self.retry_bits
        self.clk_hz = int(dut.CLK_HZ.value)
        self.reset_cycles = int(dut.RESET_CYCLES.value)
        self.beat = len(dut.s_axi_wdata) // 8
        self.max_burst = int(dut.DMA_MAX_BURST.value)
        self.max_packet = HDR + DMA_BYTES + self.max_burst * self.beat
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        dut.bit_cycles.setimmediatevalue(bit_cycles)
        dut.irq.setimmediatevalue(0)
        for s in ("tdata", "tvalid", "tlast", "tuser"):
            getattr(dut, f"s_axis_{s}").setimmediatevalue(0)
        dut.m_axis_tready.setimmediatevalue(0)
        self.cycle = 0
        # the core's side
        self.regs = RegFile(dut.clk)
        self.axil = AxiLiteSlave(AxiLiteBus.from_prefix(dut, "m_axil"), dut.clk, dut.core_rst, target=self.regs)
        if axi_master:
            self.axi = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.core_rst,
                                 max_burst_len=self.max_burst)
        else:
            self.axi = None
            for s in ("ar", "aw", "w"):
                getattr(dut, f"s_axi_{s}valid").setimmediatevalue(0)
            dut.s_axi_bready.setimmediatevalue(0)
            dut.s_axi_rready.setimmediatevalue(0)
        self.bursts = []        # ('w', addr, len, id, [(data, strb)]) / ('r', addr, len, id) as accepted
        self.bvalid_seen = 0
        # the host's side
        self.gap = gap
        self.line_queue = Queue()
        self.line_busy = False
        self.lost_bytes = 0
        self.bytes_in = 0
        self.responses = Queue()
        self.sink_pause = 0     # probability m_axis_tready is low in a cycle
        self.sink_rng = random.Random(seed + 1000)
        self.out = []           # every packet out, in order
        self.seq = 0
        # host memory model
        self.mem = bytearray(self.rng.randrange(256) for _ in range(MEM_SIZE))
        self.bad = []           # (lo, hi, resp)
        self.delay = (0, 0)
        self.drop_requests = 0  # device requests to lose (first copies)
        self.drop_all = False
        self.drop_responses = 0
        self.dup_responses = False
        self.dev_queue = Queue()
        self.dev_log = []       # every device request received
        self.first_copy = {}
        self.answered = {}
        self.acted = []         # (type, seq) acted on
        self.irqs = []          # vectors of each IRQ message acted on
        cocotb.start_soon(self._count())
        cocotb.start_soon(self._line())
        cocotb.start_soon(self._rx())
        cocotb.start_soon(self._device())
        cocotb.start_soon(self._watch_axi())

    async def reset(self):
        await pulse_reset(self.dut)
        await ClockCycles(self.dut.clk, 5)

    def check(self):
        assert not self.errors, "; ".join(self.errors[:5])
        assert self.lost_bytes == 0, f"{self.lost_bytes} input bytes not taken"

    def now(self):
        return int(self.dut.time_reg.value)

    async def _count(self):
        while True:
            await RisingEdge(self.dut.clk)
            self.cycle += 1

    # ---- the line into s_axis: one byte every `gap` cycles, never waiting
    def send(self, raw, tuser=0):
        self.line_queue.put_nowait((bytes(raw), tuser))

    async def line_idle(self):
        while self.line_busy or not self.line_queue.empty():
            await RisingEdge(self.dut.clk)

    async def _line(self):
        dut = self.dut
        while True:
            raw, tuser = await self.line_queue.get()
            self.line_busy = True
            for i, b in enumerate(raw):
                last = i == len(raw) - 1
                dut.s_axis_tdata.value = b
                dut.s_axis_tlast.value = int(last)
                dut.s_axis_tuser.value = int(bool(tuser) and last)
                dut.s_axis_tvalid.value = 1
                await RisingEdge(dut.clk)
                self.bytes_in += 1
                if not int(dut.s_axis_tready.value):
                    self.lost_bytes += 1
                dut.s_axis_tvalid.value = 0
                for _ in range(self.gap - 1):
                    await RisingEdge(dut.clk)
            self.line_busy = False

    # ---- packets out of m_axis
    async def _rx(self):
        dut = self.dut
        cur = bytearray()
        first = None
        while True:
            ready = 0 if (self.sink_pause and self.sink_rng.random() < self.sink_pause) else 1
            dut.m_axis_tready.value = ready
            await RisingEdge(dut.clk)
            if ready and int(dut.m_axis_tvalid.value):
                if not cur:
                    first = (self.cycle, int(dut.time_reg.value))
                cur.append(int(dut.m_axis_tdata.value))
                if int(dut.m_axis_tlast.value):
                    m = Msg(bytes(cur), first[0], first[1], self.cycle)
                    cur = bytearray()
                    self.out.append(m)
                    if m.length != len(m.payload):
                        self.errors.append(f"{m}: header length {m.length}, {len(m.payload)} payload bytes")
                    if m.flags & FLAG_RESPONSE:
                        self.responses.put_nowait(m)
                    else:
                        self.dev_queue.put_nowait(m)

    # ---- host requests
    def next_seq(self):
        self.seq = self.seq % 0xffff + 1
        return self.seq

    def request(self, type_, payload=b"", seq=None, time=0, length=None, tuser=0):
        """Sends a host request; returns its seq."""
        seq = self.next_seq() if seq is None else seq
        self.send(packet(type_, seq, payload, time=time, length=length), tuser)
        return seq

    async def response(self, cycles=20000):
        return await with_timeout(self.responses.get(), cycles * 10, "ns")

    async def transact(self, type_, payload=b"", want=None, seq=None, time=0, cycles=20000):
        """A request and its response (checked: seq, response flag, type `want`)."""
        seq = self.request(type_, payload, seq=seq, time=time)
        r = await self.response(cycles)
        assert r.seq == seq, f"response seq {r.seq} to request seq {seq}"
        assert r.flags == FLAG_RESPONSE
        if want is not None:
            assert r.type == want, f"response type {r.type}, {want} expected"
        return r

    async def no_response(self, cycles):
        await ClockCycles(self.dut.clk, cycles)
        assert self.responses.empty(), f"unexpected response {self.responses._queue[0]}"

    async def link_stats(self):
        r = await self.transact(LT.LINK_STATS, want=LT.LINK_STATS)
        assert r.length == fc.LINK_STATS_BYTES
        return r.field(fc.LINK_STATS_FIELDS)

    # ---- the host side of DMA
    def mark_bad(self, lo, length, resp=2):
        self.bad.append((lo, lo + length, resp))

    def bad_resp(self, addr, length):
        for lo, hi, resp in self.bad:
            if addr < hi and addr + length > lo:
                return resp
        return 0

    def dev_requests(self, type_=None):
        """First copies of the device requests received, in order."""
        seen = set()
        out = []
        for m in self.dev_log:
            if m.seq in seen:
                continue
            seen.add(m.seq)
            if type_ is None or m.type == type_:
                out.append(m)
        return out

    def respond(self, m, type_, payload=b"", seq=None):
        self.send(packet(type_, m.seq if seq is None else seq, payload, flags=FLAG_RESPONSE, time=m.time))

    async def _device(self):
        while True:
            m = await self.dev_queue.get()
            self.dev_log.append(m)
            if m.flags != 0:
                self.errors.append(f"{m}: flags on a device request")
            if m.seq in self.first_copy:
                if m.raw != self.first_copy[m.seq]:
                    self.errors.append(f"{m}: retransmission differs from the first copy")
            else:
                self.first_copy[m.seq] = m.raw
            if self.drop_all:
                continue
            if m.seq in self.answered:
                # a repeat: answered from the kept response, not acted on again
                await self._answer(self.answered[m.seq], repeat=True)
                continue
            if self.drop_requests:
                self.drop_requests -= 1
                continue
            resp = self._act(m)
            if resp is None:
                continue
            self.answered[m.seq] = resp
            await self._answer(resp)

    async def _answer(self, resp, repeat=False):
        lo, hi = self.delay
        d = self.rng.randint(lo, hi) if hi else 0
        if d:
            await ClockCycles(self.dut.clk, d)
        if not repeat and self.drop_responses:
            self.drop_responses -= 1
            return
        self.send(resp)
        if self.dup_responses:
            self.send(resp)

    def _act(self, m):
        self.acted.append((m.type, m.seq))
        if m.type == LT.IRQ:
            if m.length != fc.LINK_IRQ_BYTES:
                self.errors.append(f"{m}: IRQ payload {m.length}")
            self.irqs.append(m.field(fc.LINK_IRQ_FIELDS)["vectors"])
            return packet(LT.IRQ, m.seq, flags=FLAG_RESPONSE, time=m.time)
        d = m.field(fc.LINK_DMA_FIELDS)
        if d["resp"] != 0:
            self.errors.append(f"{m}: resp {d['resp']} in a request")
        addr, length, tag = d["addr"], d["length"], d["tag"]
        if m.type == LT.DMA_WRITE:
            data = m.payload[DMA_BYTES:]
            if len(data) != length:
                self.errors.append(f"{m}: DMA_WRITE length {length}, {len(data)} data bytes")
            resp = self.bad_resp(addr, length)
            if resp == 0:
                self.mem[addr:addr + length] = data
            return packet(LT.DMA_WRITE_ACK, m.seq, dma(addr, length, tag, resp), flags=FLAG_RESPONSE, time=m.time)
        if m.type == LT.DMA_READ:
            if m.length != DMA_BYTES:
                self.errors.append(f"{m}: DMA_READ payload {m.length}")
            resp = self.bad_resp(addr, length)
            data = bytes(self.mem[addr:addr + length]) if resp == 0 else b""
            return packet(LT.DMA_READ_REPLY, m.seq, dma(addr, length, tag, resp) + data, flags=FLAG_RESPONSE,
                          time=m.time)
        self.errors.append(f"{m}: unknown device request")
        return None

    # ---- the AXI slave side, as the core sees it
    async def _watch_axi(self):
        dut = self.dut
        cur = None
        while True:
            await RisingEdge(dut.clk)
            if int(dut.s_axi_awvalid.value) and int(dut.s_axi_awready.value):
                cur = ("w", int(dut.s_axi_awaddr.value), int(dut.s_axi_awlen.value), int(dut.s_axi_awid.value), [])
                self.bursts.append(cur)
            if int(dut.s_axi_wvalid.value) and int(dut.s_axi_wready.value):
                cur[4].append((int(dut.s_axi_wdata.value), int(dut.s_axi_wstrb.value)))
            if int(dut.s_axi_arvalid.value) and int(dut.s_axi_arready.value):
                self.bursts.append(("r", int(dut.s_axi_araddr.value), int(dut.s_axi_arlen.value),
                                    int(dut.s_axi_arid.value)))
            if int(dut.s_axi_bvalid.value):
                self.bvalid_seen += 1

    def expected_dma(self, burst):
        """What the spec says a burst becomes: (type, addr, length, tag, data) or None (not sent)."""
        beat = self.beat
        if burst[0] == "r":
            _, addr, alen, aid = burst
            return (LT.DMA_READ, addr, (alen + 1) * beat - addr % beat, aid, b"")
        _, addr, alen, aid, beats = burst
        base = addr - addr % beat
        strobed = []
        for k, (data, strb) in enumerate(beats):
            for lane in range(beat):
                if strb >> lane & 1:
                    strobed.append((base + k * beat + lane, data >> (8 * lane) & 0xff))
        if not strobed:
            return None
        first, last = strobed[0][0], strobed[-1][0]
        if last - first + 1 != len(strobed):
            return None
        return (LT.DMA_WRITE, first, len(strobed), aid, bytes(b for _, b in strobed))

    def check_dma_messages(self):
        """Every DMA message sent matches, in order, what its burst should have become."""
        want = [e for e in (self.expected_dma(b) for b in self.bursts) if e is not None]
        got = []
        for m in self.dev_requests():
            if m.type == LT.IRQ:
                continue
            d = m.field(fc.LINK_DMA_FIELDS)
            got.append((m.type, d["addr"], d["length"], d["tag"], m.payload[DMA_BYTES:]))
        assert len(got) == len(want), f"{len(got)} DMA messages for {len(want)} bursts"
        for i, (g, w) in enumerate(zip(got, want)):
            assert g == w, f"DMA message {i}: {g[:4]} where {w[:4]}"

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


# ------------------------------------------------------------------------------------------------
# host → bridge


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_hello(dut):
    """HELLO: HELLO_REPLY with the response flag and the seq, ID/VERSION/CAPS as read over
    AXI4-Lite (three reads; CAPS changed in the register file shows), CLK_HZ, and the bridge's
    cycle counter when it was built as time."""
    tb = TB(dut)
    await tb.reset()
    tb.regs.set(fc.Reg.CAPS, 0x10030207)
    r = await tb.transact(LT.HELLO, want=LT.HELLO_REPLY)
    h = r.field(fc.LINK_HELLO_FIELDS)
    assert r.length == fc.LINK_HELLO_BYTES
    assert h["id"] == fc.ID_MAGIC
    assert h["version"] == fc.REG_RESET[fc.Reg.VERSION]
    assert h["caps"] == 0x10030207
    assert h["clockHz"] == tb.clk_hz
    assert sorted(tb.regs.reads) == [fc.Reg.ID, fc.Reg.VERSION, fc.Reg.CAPS]
    assert r.first_time - 100 <= r.time <= r.first_time, f"time {r.time}, sent at {r.first_time}"
    # a second HELLO (new seq) reads again
    r2 = await tb.transact(LT.HELLO, want=LT.HELLO_REPLY)
    assert len(tb.regs.reads) == 6 and r2.time > r.time
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_mmio(dut):
    """MMIO_WRITE and MMIO_READ: one AXI4-Lite access each (all strobes), the value written is
    read back, addr/value/resp echoed; addresses at or beyond REG_SPACE_BYTES answer DECERR
    without a bus access; a read whose bus response takes longer than 1024 cycles answers
    SLVERR (value 0) after ~1024 cycles, and the next access works once the bus is free."""
    tb = TB(dut, seed=2)
    await tb.reset()
    values = {}
    for _ in range(12):
        addr = 0x200 + 4 * tb.rng.randrange(64)
        value = tb.rng.getrandbits(32)
        nw = len(tb.regs.writes)
        r = await tb.transact(LT.MMIO_WRITE, mmio(addr, value), want=LT.MMIO_WRITE_ACK)
        assert r.field(fc.LINK_MMIO_FIELDS) == dict(addr=addr, value=value, resp=0)
        assert tb.regs.writes[nw:] == [(addr, value.to_bytes(4, "little"))], "one write, all strobes"
        values[addr] = value
    for addr, value in values.items():
        nr = len(tb.regs.reads)
        r = await tb.transact(LT.MMIO_READ, mmio(addr), want=LT.MMIO_READ_REPLY)
        assert r.field(fc.LINK_MMIO_FIELDS) == dict(addr=addr, value=value, resp=0)
        assert tb.regs.reads[nr:] == [addr]
    # outside the window: DECERR, bus untouched
    nr, nw = len(tb.regs.reads), len(tb.regs.writes)
    for addr in (fc.REG_SPACE_BYTES, fc.REG_SPACE_BYTES + 0x200, 0xfffffffc):
        r = await tb.transact(LT.MMIO_READ, mmio(addr), want=LT.MMIO_READ_REPLY)
        assert r.field(fc.LINK_MMIO_FIELDS) == dict(addr=addr, value=0, resp=3)
        r = await tb.transact(LT.MMIO_WRITE, mmio(addr, 0x1234), want=LT.MMIO_WRITE_ACK)
        assert r.field(fc.LINK_MMIO_FIELDS) == dict(addr=addr, value=0x1234, resp=3)
    assert (len(tb.regs.reads), len(tb.regs.writes)) == (nr, nw), "DECERR touched the bus"
    # a bus that does not answer in time
    tb.regs.read_delay = 1500
    addr = next(iter(values))
    await tb.line_idle()
    seq = tb.request(LT.MMIO_READ, mmio(addr))
    await tb.line_idle()
    t0 = tb.cycle
    r = await tb.response()
    assert r.seq == seq and r.type == LT.MMIO_READ_REPLY
    assert r.field(fc.LINK_MMIO_FIELDS) == dict(addr=addr, value=0, resp=2)
    assert 1024 <= r.first_cycle - t0 < 1300, f"SLVERR after {r.first_cycle - t0} cycles"
    tb.regs.read_delay = 0
    r = await tb.transact(LT.MMIO_READ, mmio(addr), want=LT.MMIO_READ_REPLY)
    assert r.field(fc.LINK_MMIO_FIELDS) == dict(addr=addr, value=values[addr], resp=0)
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_replay(dut):
    """A request with the seq of the last answered one gets the kept response again, byte for
    byte (time included), without acting: a write is not done twice, a clear-on-read register
    is not read twice; each replay counts in LINK_STATS replays; during a TIME_ADVANCE wait the
    last answered request is replayed too, and the wait goes on."""
    tb = TB(dut, seed=3)
    tb.sink_pause = 0.7
    await tb.reset()
    w = await tb.transact(LT.MMIO_WRITE, mmio(0x300, 0xcafe0001), want=LT.MMIO_WRITE_ACK)
    assert len(tb.regs.writes) == 1
    tb.regs.set(0x300, 0)   # the "doorbell" consumed its write
    await ClockCycles(dut.clk, 200)
    w2 = await tb.transact(LT.MMIO_WRITE, mmio(0x300, 0xcafe0001), seq=w.seq)
    assert w2.raw == w.raw, "replayed response differs"
    assert len(tb.regs.writes) == 1 and tb.regs.get(0x300) == 0, "the write was done again"

    tb.regs.set(CLEAR_ON_READ, 0x5a5a1234)
    r = await tb.transact(LT.MMIO_READ, mmio(CLEAR_ON_READ), want=LT.MMIO_READ_REPLY)
    assert r.field(fc.LINK_MMIO_FIELDS)["value"] == 0x5a5a1234
    assert tb.regs.get(CLEAR_ON_READ) == 0
    nr = len(tb.regs.reads)
    for _ in range(2):
        r2 = await tb.transact(LT.MMIO_READ, mmio(CLEAR_ON_READ), seq=r.seq)
        assert r2.raw == r.raw, "replayed response differs"
    assert len(tb.regs.reads) == nr, "the register was read again"
    # replays of other kinds: ERROR, LINK_STATS keep their bytes too
    e = await tb.transact(99, want=LT.ERROR)
    e2 = await tb.transact(99, seq=e.seq)
    assert e2.raw == e.raw
    s = await tb.link_stats()
    assert s["replays"] == 4, s
    # the last answered request again during a TIME_ADVANCE wait: replayed, the wait goes on
    stats_seq = tb.seq
    target = tb.now() + 3000
    seq = tb.request(LT.TIME_ADVANCE, time=target)
    await ClockCycles(dut.clk, 500)
    tb.request(LT.LINK_STATS, seq=stats_seq)
    r = await tb.response()
    assert r.seq == stats_seq and r.type == LT.LINK_STATS and r.field(fc.LINK_STATS_FIELDS) == s
    r = await tb.response()
    assert r.seq == seq and r.type == LT.TIME_REACHED and target <= r.time <= target + 40
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_copy_while_serving(dut):
    """A copy of the request being served (same seq) is ignored: a slow MMIO_READ copied while
    on the bus gives one bus access and one response; a TIME_ADVANCE copied while waiting
    does not end or restart the wait (one TIME_REACHED, at the target)."""
    tb = TB(dut, seed=4)
    await tb.reset()
    tb.regs.set(0x40, 0x11223344)
    tb.regs.read_delay = 600
    seq = tb.request(LT.MMIO_READ, mmio(0x40))
    await tb.line_idle()
    await ClockCycles(dut.clk, 100)
    tb.request(LT.MMIO_READ, mmio(0x40), seq=seq)
    r = await tb.response()
    assert r.seq == seq and r.field(fc.LINK_MMIO_FIELDS)["value"] == 0x11223344
    await tb.no_response(1500)
    assert tb.regs.reads == [0x40]
    tb.regs.read_delay = 0

    target = tb.now() + 4000
    seq = tb.request(LT.TIME_ADVANCE, time=target)
    await ClockCycles(dut.clk, 1000)
    tb.request(LT.TIME_ADVANCE, time=target, seq=seq)
    r = await tb.response()
    assert r.seq == seq and r.type == LT.TIME_REACHED
    assert target <= r.time <= target + 50, f"TIME_REACHED at {r.time}, target {target}"
    await tb.no_response(500)
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_dropped_packets(dut):
    """Packets flagged bad (tuser), shorter than a header, whose header length disagrees with
    their bytes (either way), or longer than the largest packet are dropped with no answer and
    counted in rx_dropped; a packet of exactly the largest size is taken (ERROR: wrong payload
    length for HELLO); good packets around them are answered."""
    tb = TB(dut, seed=5)
    await tb.reset()
    bad = [
        (packet(LT.HELLO, 100), 1),                                          # tuser
        (packet(LT.HELLO, 101)[:10], 0),                                     # under 16 bytes
        (packet(LT.MMIO_READ, 102, mmio(0)[:10], length=12), 0),             # 2 bytes short
        (packet(LT.HELLO, 103, bytes(4), length=0), 0),                      # 4 bytes over
        (packet(LT.HELLO, 104, bytes(tb.max_packet + 1 - HDR)), 0),          # too long
        (packet(LT.HELLO, 105, bytes(300)), 0),                              # far too long
    ]
    for raw, tuser in bad:
        tb.send(raw, tuser)
        await tb.line_idle()
        await tb.no_response(200)
    r = await tb.transact(LT.HELLO, bytes(tb.max_packet - HDR), want=LT.ERROR)
    assert r.length == 0
    await tb.transact(LT.HELLO, want=LT.HELLO_REPLY)
    s = await tb.link_stats()
    assert s["rxDropped"] == len(bad), s
    assert s["rxPackets"] == 3, s
    assert s["txPackets"] == 2, s
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_error(dut):
    """Unknown types (99, WIRE_FRAME, bridge-side types without the response flag) and payload
    lengths wrong for the type (HELLO, MMIO_READ, MMIO_WRITE, TIME_ADVANCE, RESET, LINK_STATS)
    answer ERROR (seq echoed, no payload) without touching the bus or resetting the core."""
    tb = TB(dut, seed=6)
    await tb.reset()
    cases = [
        (99, b""), (LT.WIRE_FRAME, bytes(8)), (LT.DMA_READ, dma(0, 16, 0)), (LT.IRQ, bytes(4)),
        (LT.HELLO_REPLY, bytes(16)), (0, b""),
        (LT.HELLO, bytes(4)), (LT.MMIO_READ, bytes(8)), (LT.MMIO_WRITE, bytes(16)),
        (LT.MMIO_READ, b""), (LT.TIME_ADVANCE, bytes(8)), (LT.RESET, bytes(1)),
        (LT.LINK_STATS, bytes(4)),
    ]
    core_rst_seen = []

    async def watch():
        while True:
            await RisingEdge(dut.clk)
            if int(dut.core_rst.value):
                core_rst_seen.append(tb.cycle)

    w = cocotb.start_soon(watch())
    for type_, payload in cases:
        r = await tb.transact(type_, payload, want=LT.ERROR)
        assert r.length == 0
    w.kill()
    assert not core_rst_seen, "RESET with a payload reset the core"
    assert not tb.regs.reads and not tb.regs.writes
    tb.check()


# ------------------------------------------------------------------------------------------------
# TIME_ADVANCE


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_time_advance(dut):
    """TIME_ADVANCE to a cycle ahead answers TIME_REACHED (no payload) when the counter
    reaches it: its time is the target (within the few cycles of building it) and it comes no
    earlier; to a cycle already past it answers at once."""
    tb = TB(dut, seed=7)
    await tb.reset()
    for ahead in (3000, 500):
        target = tb.now() + ahead
        r = await tb.transact(LT.TIME_ADVANCE, time=target, want=LT.TIME_REACHED)
        assert r.length == 0
        assert target <= r.time <= target + 40, f"TIME_REACHED at {r.time}, target {target}"
    for target in (0, tb.now() - 5):
        await tb.line_idle()
        t0 = tb.now()
        r = await tb.transact(LT.TIME_ADVANCE, time=target, want=LT.TIME_REACHED)
        assert r.time - t0 < 150, f"past target answered {r.time - t0} cycles after the request"
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_time_advance_irq(dut):
    """An interrupt vector firing during the wait ends it early: TIME_REACHED at (about) the
    pulse's cycle, before the target; the IRQ message with the vector follows."""
    tb = TB(dut, seed=8)
    await tb.reset()
    target = tb.now() + 50000
    seq = tb.request(LT.TIME_ADVANCE, time=target)
    await tb.line_idle()
    await ClockCycles(dut.clk, 2000)
    t_irq = tb.now()
    await tb.pulse_irq(0b0100)
    r = await tb.response()
    assert r.seq == seq and r.type == LT.TIME_REACHED
    assert t_irq <= r.time <= t_irq + 30, f"TIME_REACHED at {r.time}, irq at {t_irq}"
    await tb.wait_for(lambda: tb.irqs, 2000, "the IRQ message")
    assert tb.irqs == [0b0100]
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_time_advance_superseded(dut):
    """A new request (different seq) during a TIME_ADVANCE wait is served at once and the wait
    ends unanswered: no TIME_REACHED ever comes for it, even past its target."""
    tb = TB(dut, seed=9)
    await tb.reset()
    target = tb.now() + 8000
    old = tb.request(LT.TIME_ADVANCE, time=target)
    await tb.line_idle()
    await ClockCycles(dut.clk, 500)
    r = await tb.transact(LT.HELLO, want=LT.HELLO_REPLY)
    assert r.time < target
    while tb.now() < target + 2000:
        await ClockCycles(dut.clk, 500)
    assert tb.responses.empty(), "the superseded TIME_ADVANCE was answered"
    # and the old seq is not the kept one: sending it again is a new request
    r = await tb.transact(LT.TIME_ADVANCE, seq=old, time=target, want=LT.TIME_REACHED)
    assert r.time >= target
    tb.check()


# ------------------------------------------------------------------------------------------------
# RESET, LINK_STATS


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_reset(dut):
    """RESET holds core_rst for RESET_CYCLES and answers RESET after it fell; the DMA write
    outstanding then is abandoned (no B, no retransmission; its late response is dropped as
    stale), interrupt vectors not yet sent are cleared; the bridge's seq goes on after it;
    a copy of the RESET request replays the response without resetting again."""
    tb = TB(dut, seed=10)
    await tb.reset()
    highs = []

    async def watch():
        prev = 0
        while True:
            await RisingEdge(dut.clk)
            v = int(dut.core_rst.value)
            if v and not prev:
                highs.append([tb.cycle, None])
            if prev and not v:
                highs[-1][1] = tb.cycle
            prev = v

    cocotb.start_soon(watch())
    tb.drop_all = True
    wr = tb.axi.init_write(0x1000, b"\x55" * 40)
    await tb.wait_for(lambda: tb.dev_log, 5000, "the DMA_WRITE")
    stale = tb.dev_log[0]
    assert stale.type == LT.DMA_WRITE
    await tb.pulse_irq(0b0011)
    await ClockCycles(dut.clk, 100)
    seq = tb.request(LT.RESET)
    r = await tb.response()
    assert r.seq == seq and r.type == LT.RESET and r.length == 0
    assert len(highs) == 1 and highs[0][1] is not None
    assert highs[0][1] - highs[0][0] == tb.reset_cycles, f"core_rst high {highs[0][1] - highs[0][0]} cycles"
    assert r.first_cycle > highs[0][1], "RESET answered before core_rst fell"
    await wr.wait()
    assert wr.data is None, "the abandoned write completed"
    # nothing more from the abandoned request or the cleared vectors
    await ClockCycles(dut.clk, 2 * tb.timeout + 500)
    assert [m.seq for m in tb.dev_log] == [stale.seq], f"device requests after RESET: {tb.dev_log}"
    assert tb.bvalid_seen == 0
    # the late response to the abandoned write is stale
    tb.drop_all = False
    tb.send(packet(LT.DMA_WRITE_ACK, stale.seq, dma(0x1000, 40, 0), flags=FLAG_RESPONSE))
    await tb.line_idle()
    # a new DMA after the reset numbers on
    data = await tb.axi.read(0x2000, 64)
    assert data.resp == AxiResp.OKAY and data.data == tb.mem[0x2000:0x2040]
    assert tb.dev_requests()[-1].seq == stale.seq + 1, [(m.type, m.seq, m.first_cycle) for m in tb.dev_log]
    # replay of the RESET: same bytes, no core reset
    r2 = await tb.transact(LT.RESET, seq=seq)
    assert r2.raw == r.raw and len(highs) == 1
    assert int(dut.link_lost.value) == 0
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_link_stats(dut):
    """LINK_STATS counts since rst: rx_packets (good packets, itself included), rx_dropped,
    tx_packets (retransmissions and replays included, itself not yet), retries (device requests
    sent again after the timeout), replays."""
    tb = TB(dut, seed=11)
    await tb.reset()
    h = await tb.transact(LT.HELLO, want=LT.HELLO_REPLY)          # rx 1, tx 1
    await tb.transact(LT.HELLO, seq=h.seq)                         # rx 2, tx 2, replay 1
    tb.send(packet(LT.HELLO, 77), 1)                               # dropped 1
    tb.send(packet(LT.HELLO, 78, length=3))                        # dropped 2
    await tb.line_idle()
    tb.drop_requests = 1
    res = await tb.axi.write(0x800, b"\xaa" * 20)                   # tx 3 (lost), 4 (retry); rx 3
    assert res.resp == AxiResp.OKAY
    await tb.pulse_irq(1)                                          # tx 5, rx 4
    await tb.wait_for(lambda: tb.irqs, 3000, "the IRQ")
    await ClockCycles(dut.clk, 300)
    s = await tb.link_stats()                                      # rx 5
    assert s == dict(rxPackets=5, rxDropped=2, txPackets=5, retries=1, replays=1), s
    s = await tb.link_stats()
    assert s == dict(rxPackets=6, rxDropped=2, txPackets=6, retries=1, replays=1), s
    tb.check()


# ------------------------------------------------------------------------------------------------
# DMA


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_dma_random(dut):
    """Random DMA writes and reads (unaligned start, 1 byte to two full bursts, random IDs) with
    random host delays and m_axis backpressure: host memory gets exactly the bytes written, reads return host memory;
    every DMA_READ is addr araddr, length (arlen+1)*beat - araddr%beat, every DMA_WRITE exactly
    the strobed bytes, tag the AXI ID; protocol_error and link_lost stay clear."""
    tb = TB(dut, seed=12)
    tb.delay = (0, 400)
    tb.sink_pause = 0.5
    await tb.reset()
    full = tb.max_burst * tb.beat
    for i in range(40):
        length = tb.rng.choice([1, 2, tb.beat - 1, tb.beat, tb.beat + 1, full - 1, full, full + 7,
                                tb.rng.randint(1, 2 * full)])
        addr = tb.rng.randrange(0x1000, MEM_SIZE - 2 * full)
        if tb.rng.random() < 0.5:
            data = bytes(tb.rng.randrange(256) for _ in range(length))
            res = await tb.axi.write(addr, data)
            assert res.resp == AxiResp.OKAY
            assert tb.mem[addr:addr + length] == data, f"write {i} at 0x{addr:x}+{length}"
        else:
            res = await tb.axi.read(addr, length)
            assert res.resp == AxiResp.OKAY
            assert res.data == tb.mem[addr:addr + length], f"read {i} at 0x{addr:x}+{length}"
    tb.check_dma_messages()
    assert len(tb.bursts) > 40
    assert int(dut.protocol_error.value) == 0 and int(dut.link_lost.value) == 0
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_dma_slverr(dut):
    """Host SLVERR (and DECERR: anything but OKAY) on memory it does not serve: the write burst's
    B and the read burst's R beats are SLVERR, no byte written, the reply carries no data;
    neighbouring good accesses are unaffected."""
    tb = TB(dut, seed=13)
    await tb.reset()
    tb.mark_bad(0x4000, 0x100)
    tb.mark_bad(0x5000, 0x100, resp=3)
    before = bytes(tb.mem[0x4000:0x4100])
    for base in (0x4000, 0x5000):
        res = await tb.axi.write(base + 3, b"\x11" * 50)
        assert res.resp == AxiResp.SLVERR
        res = await tb.axi.read(base + 8, 100)
        assert res.resp == AxiResp.SLVERR
    assert tb.mem[0x4000:0x4100] == before
    assert len(tb.dev_requests(LT.DMA_READ)) == 2
    res = await tb.axi.read(0x4100, 32)
    assert res.resp == AxiResp.OKAY and res.data == tb.mem[0x4100:0x4120]
    assert int(dut.link_lost.value) == 0 and int(dut.protocol_error.value) == 0
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_dma_lost(dut):
    """A lost request is sent again, the same bytes with the same seq, RETRY_MIN_CYCLES +
    bit_cycles * RETRY_BIT_TIMES cycles after it went out (not before; two bit_cycles values);
    a lost response makes the bridge retransmit and the host's kept response completes it (the
    write is done once); the data is right either way; LINK_STATS counts the retries."""
    tb = TB(dut, seed=14)
    await tb.reset()
    for kind, lose, bit_cycles in (("write", "request", BIT_CYCLES), ("write", "response", BIT_CYCLES),
                                   ("read", "request", 20), ("read", "response", BIT_CYCLES)):
        # the timeout scales with the line's bit time
        dut.bit_cycles.value = bit_cycles
        tb.timeout = tb.retry_min + bit_cycles * tb.retry_bits
        n0 = len(tb.dev_log)
        if lose == "request":
            tb.drop_requests = 1
        else:
            tb.drop_responses = 1
        addr = 0x3000 + tb.rng.randrange(0x100)
        if kind == "write":
            data = bytes(tb.rng.randrange(256) for _ in range(100))
            res = await tb.axi.write(addr, data)
            assert res.resp == AxiResp.OKAY and tb.mem[addr:addr + 100] == data
        else:
            res = await tb.axi.read(addr, 100)
            assert res.resp == AxiResp.OKAY and res.data == tb.mem[addr:addr + 100]
        copies = tb.dev_log[n0:]
        assert len(copies) == 2, f"{kind}, lost {lose}: {len(copies)} copies"
        assert copies[0].raw == copies[1].raw and copies[0].seq == copies[1].seq
        gap = copies[1].first_cycle - copies[0].last_cycle
        assert tb.timeout <= gap <= tb.timeout + 20, f"retransmitted {gap} cycles after, timeout {tb.timeout}"
    # each write acted on once
    writes = [s for t, s in tb.acted if t == LT.DMA_WRITE]
    assert len(writes) == len(set(writes))
    s = await tb.link_stats()
    assert s["retries"] == 4, s
    assert int(dut.link_lost.value) == 0
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_dma_stale_responses(dut):
    """Responses that are not the outstanding request's are dropped: duplicated responses
    (every response sent twice), a response with the wrong seq, one of the wrong type, and a
    DMA_READ_REPLY with the right seq but a wrong data length; the real response is taken."""
    tb = TB(dut, seed=15)
    await tb.reset()
    tb.dup_responses = True
    for i in range(6):
        addr = 0x6000 + 0x200 * i + i
        data = bytes(tb.rng.randrange(256) for _ in range(64 + i))
        assert (await tb.axi.write(addr, data)).resp == AxiResp.OKAY
        res = await tb.axi.read(addr, len(data))
        assert res.resp == AxiResp.OKAY and res.data == data
    tb.dup_responses = False
    # hold the host's answer, inject wrong ones first
    tb.delay = (3000, 3000)
    rd = tb.axi.init_read(0x7005, 40)
    await tb.wait_for(lambda: tb.dev_log and tb.dev_log[-1].type == LT.DMA_READ, 3000, "the DMA_READ")
    m = tb.dev_log[-1]
    d = m.field(fc.LINK_DMA_FIELDS)
    junk = bytes(d["length"])
    tb.respond(m, LT.DMA_READ_REPLY, dma(d["addr"], d["length"], d["tag"]) + junk, seq=m.seq + 1)
    tb.respond(m, LT.DMA_READ_REPLY, dma(d["addr"], d["length"], d["tag"]) + junk, seq=m.seq - 1)
    tb.respond(m, LT.DMA_WRITE_ACK, dma(d["addr"], d["length"], d["tag"]))
    tb.respond(m, LT.DMA_READ_REPLY, dma(d["addr"], d["length"], d["tag"]) + junk[:-1])
    tb.respond(m, LT.IRQ)
    await rd.wait()
    assert rd.data.resp == AxiResp.OKAY and rd.data.data == tb.mem[0x7005:0x7005 + 40]
    assert len([x for x in tb.dev_log if x.seq == m.seq]) == 1, "retransmitted: the real reply came in time"
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_give_up(dut):
    """With the host silent, a request goes out 1 + RETRY_LIMIT times, each a timeout after the
    last, then the bridge gives up: the write's B and the read's R beats are SLVERR, an IRQ is
    dropped; link_lost latches (clear before). Once the host answers again, DMA works."""
    tb = TB(dut, seed=16)
    await tb.reset()
    tb.drop_all = True
    assert int(dut.link_lost.value) == 0
    res = await tb.axi.write(0x1234, b"\x77" * 30)
    assert res.resp == AxiResp.SLVERR
    copies = tb.dev_log[:]
    assert len(copies) == 1 + tb.retry_limit, f"{len(copies)} sends"
    assert all(c.raw == copies[0].raw for c in copies)
    for a, b in zip(copies, copies[1:]):
        assert tb.timeout <= b.first_cycle - a.last_cycle <= tb.timeout + 20
    assert int(dut.link_lost.value) == 1
    n0 = len(tb.dev_log)
    res = await tb.axi.read(0x2000, 3 * tb.beat)
    assert res.resp == AxiResp.SLVERR and res.data == bytes(3 * tb.beat)
    assert len(tb.dev_log) - n0 == 1 + tb.retry_limit
    n0 = len(tb.dev_log)
    await tb.pulse_irq(0b1000)
    await ClockCycles(dut.clk, (1 + tb.retry_limit) * (tb.timeout + 200) + 500)
    assert len(tb.dev_log) - n0 == 1 + tb.retry_limit
    tb.drop_all = False
    res = await tb.axi.read(0x2000, 20)
    assert res.resp == AxiResp.OKAY and res.data == tb.mem[0x2000:0x2014]
    await tb.pulse_irq(0b0001)
    await tb.wait_for(lambda: tb.irqs, 3000, "the IRQ")
    assert tb.irqs == [0b0001], "the given-up vectors came back"
    assert int(dut.link_lost.value) == 1, "link_lost is sticky"
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_strobe_holes(dut):
    """Hand-driven write bursts: strobes with a hole between the first and last strobed byte
    (within a beat, or across beats) are not sent, B is SLVERR and protocol_error latches; a
    partial first and last beat with no hole becomes DMA_WRITE of exactly the strobed bytes;
    a burst with no strobe at all is not sent, B OKAY."""
    tb = TB(dut, seed=17, axi_master=False)
    bus = AxiWriteBus.from_prefix(dut, "s_axi")
    aw = AxiAWSource(bus.aw, dut.clk, dut.core_rst)
    wch = AxiWSource(bus.w, dut.clk, dut.core_rst)
    bch = AxiBSink(bus.b, dut.clk, dut.core_rst)
    await tb.reset()
    nb = tb.beat
    full = (1 << nb) - 1

    async def burst(addr, strobes, awid=1):
        await aw.send(AxiAWTransaction(awid=awid, awaddr=addr, awlen=len(strobes) - 1,
                                       awsize=(nb - 1).bit_length(), awburst=1))
        datas = []
        for k, s in enumerate(strobes):
            d = tb.rng.getrandbits(8 * nb)
            datas.append(d)
            await wch.send(AxiWTransaction(wdata=d, wstrb=s, wlast=int(k == len(strobes) - 1)))
        b = await with_timeout(bch.recv(), 200, "us")
        assert int(b.bid) == awid
        return int(b.bresp), datas

    # contiguous, partial first and last beats
    n0 = len(tb.dev_log)
    resp, datas = await burst(0x2000, [full & ~0xf, full, 0x7])
    assert resp == 0 and int(dut.protocol_error.value) == 0
    m = tb.dev_log[n0]
    d = m.field(fc.LINK_DMA_FIELDS)
    assert (d["addr"], d["length"], d["tag"]) == (0x2004, 2 * nb - 4 + 3, 1)
    want = b"".join(x.to_bytes(nb, "little") for x in datas)[4:2 * nb + 3]
    assert m.payload[DMA_BYTES:] == want and tb.mem[0x2004:0x2004 + len(want)] == want
    # no strobe at all: nothing sent, OKAY
    n0 = len(tb.dev_log)
    resp, _ = await burst(0x2100, [0, 0])
    assert resp == 0 and len(tb.dev_log) == n0 and int(dut.protocol_error.value) == 0
    # holes
    before = bytes(tb.mem)
    for strobes in ([0b101], [full & ~0xf, 0, 0x1], [0xf0 & full, full & ~0x3], [0x1, 0x0, 0x0, full]):
        resp, _ = await burst(0x3000, strobes, awid=2)
        assert resp == 2, f"strobes {strobes}: resp {resp}"
        assert int(dut.protocol_error.value) == 1
    await ClockCycles(dut.clk, 200)
    assert len(tb.dev_log) == n0, "a burst with a hole was sent"
    assert tb.mem == before
    # still works, protocol_error stays
    resp, _ = await burst(0x2200, [full])
    assert resp == 0 and int(dut.protocol_error.value) == 1
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_irq(dut):
    """IRQ: a pulse sends IRQ with its vector; pulses while an IRQ is outstanding coalesce into
    the next one; after a DMA write completes (B), a pulse's IRQ follows that DMA_WRITE; with
    a pending vector, a write burst and a read burst all waiting, the order is IRQ, DMA_WRITE,
    DMA_READ."""
    tb = TB(dut, seed=18)
    await tb.reset()
    tb.delay = (1500, 1500)
    await tb.pulse_irq(0b0001)
    await tb.wait_for(lambda: tb.dev_log, 1000, "the IRQ")
    await ClockCycles(dut.clk, 50)
    await tb.pulse_irq(0b0010)
    await ClockCycles(dut.clk, 7)
    await tb.pulse_irq(0b0100)
    await tb.pulse_irq(0b0010)
    await tb.wait_for(lambda: len(tb.irqs) == 2, 6000, "two IRQs")
    await ClockCycles(dut.clk, 3000)
    assert tb.irqs == [0b0001, 0b0110]
    tb.delay = (0, 0)

    # the core's pattern: the completion entry is written, then the vector fires
    res = await tb.axi.write(0x900, bytes(32))
    assert res.resp == AxiResp.OKAY
    await tb.pulse_irq(0b0001)
    await tb.wait_for(lambda: len(tb.irqs) == 3, 3000, "the IRQ")
    kinds = [m.type for m in tb.dev_requests()]
    assert kinds[-2:] == [LT.DMA_WRITE, LT.IRQ]

    # order: a read outstanding; then a write, a read and a vector wait
    tb.delay = (2000, 2000)
    first = tb.axi.init_read(0xa00, 16)
    await tb.wait_for(lambda: tb.dev_log[-1].type == LT.DMA_READ, 2000, "the first read")
    n0 = len(tb.dev_requests())
    rd = tb.axi.init_read(0xb00, 16)
    await ClockCycles(dut.clk, 20)
    wr = tb.axi.init_write(0xc00, b"\x01" * 16)
    await ClockCycles(dut.clk, 20)
    await tb.pulse_irq(0b1000)
    tb.delay = (0, 0)
    for e in (first, rd, wr):
        await e.wait()
    await tb.wait_for(lambda: len(tb.irqs) == 4, 3000, "the IRQ")
    kinds = [m.type for m in tb.dev_requests()[n0:]]
    assert kinds == [LT.IRQ, LT.DMA_WRITE, LT.DMA_READ], kinds
    assert tb.irqs[-1] == 0b1000
    tb.check_dma_messages()
    tb.check()


@cocotb.test(timeout_time=3, timeout_unit="ms")
async def test_input_while_r_stalled(dut):
    """With the line at one byte per 80 cycles and the core holding rready low on a full-burst
    read, the DMA_READ_REPLY's slot stays held while host requests keep coming: every byte is
    taken (tready high), every request is answered while R waits; the R data is right when
    rready rises."""
    # the bench's RETRY_BIT_TIMES (50) is far below the default (8192, longer than the largest
    # packet on the line): a large bit_cycles makes the timeout outlast the 23000-cycle reply
    tb = TB(dut, seed=19, gap=80, bit_cycles=1000)
    await tb.reset()
    tb.axi.read_if.r_channel.pause = True
    addr = 0x3000 + 5
    length = tb.max_burst * tb.beat - 5
    rd = tb.axi.init_read(addr, length)
    await tb.wait_for(lambda: int(dut.s_axi_rvalid.value) == 1, 40000, "the first R beat")
    assert not rd.is_set()
    for i in range(3):
        await tb.transact(LT.HELLO, want=LT.HELLO_REPLY)
        a = 0x100 + 4 * i
        await tb.transact(LT.MMIO_WRITE, mmio(a, 0x1000 + i), want=LT.MMIO_WRITE_ACK)
        r = await tb.transact(LT.MMIO_READ, mmio(a), want=LT.MMIO_READ_REPLY)
        assert r.field(fc.LINK_MMIO_FIELDS)["value"] == 0x1000 + i
        # copies and a dropped packet on top, to use every slot
        tb.request(LT.MMIO_READ, mmio(a), seq=r.seq)
        tb.send(packet(LT.HELLO, 999), 1)
        r2 = await tb.response(40000)
        assert r2.raw == r.raw
        assert int(dut.s_axi_rvalid.value) == 1 and int(dut.s_axi_rready.value) == 0
    assert not rd.is_set()
    tb.axi.read_if.r_channel.pause = False
    await rd.wait()
    assert rd.data.resp == AxiResp.OKAY and rd.data.data == tb.mem[addr:addr + length]
    await tb.line_idle()
    assert tb.bytes_in == HDR + DMA_BYTES + length + 3 * 116, tb.bytes_in
    tb.check()
