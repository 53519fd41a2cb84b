"""Cycle models around nic_top, a Python copy of the Verilator harness's
(testbench/verilator/harness.cpp): the AXI4 slave in front of host memory (in-order, fixed read
latency, one beat a cycle), the AXI4-Lite master for registers, the 10G MAC on both wire
directions (a 3-cycle gap after each frame), interrupt pulses and the reset sequence. The same
models with the same timing are what make a run under Icarus give the cycles, and so the
capture bytes, of the same run under Verilator.

What differs is where host memory is: here every burst crosses the link (`host`, the bridge),
while the simulator stands still. A read burst is fetched when its first beat is due, a write
burst is sent when its last beat arrives; both are within one TIME_ADVANCE for any burst the
host cannot race with, so the bytes are the ones the Verilator harness would have copied.

Clocking, as in harness.cpp: cycle N is the clock period that ends with rising edge N+1. Inputs
for cycle N are written in the callback of edge N (cocotb applies them after the edge's
flip-flops have sampled), and the outputs read in the callback of edge N+1 are cycle N's.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from cocotb.triggers import RisingEdge

# bit positions in flue_cocotb_top's `driven` vector
D_RST = 1 << 0
D_ARREADY = 1 << 1
D_RVALID = 1 << 2
D_RLAST = 1 << 3
D_RRESP_SHIFT = 4
D_AWREADY = 1 << 6
D_WREADY = 1 << 7
D_BVALID = 1 << 8
D_BRESP_SHIFT = 9
D_TX_TREADY = 1 << 11
D_RX_TVALID = 1 << 12
D_RX_TLAST = 1 << 13
D_RX_TKEEP_SHIFT = 15
D_AXIL_AWVALID = 1 << 23
D_AXIL_WVALID = 1 << 24
D_AXIL_ARVALID = 1 << 25
D_AXIL_BREADY = 1 << 26
D_AXIL_RREADY = 1 << 27
D_RID_SHIFT = 28
D_BID_SHIFT = 32

# bit positions in its `sampled` vector
S_IRQ_MASK = 0xF
S_ARVALID = 1 << 4
S_RREADY = 1 << 5
S_AWVALID = 1 << 6
S_WVALID = 1 << 7
S_WLAST = 1 << 8
S_BREADY = 1 << 9
S_TX_TVALID = 1 << 10
S_TX_TLAST = 1 << 11
S_TX_TUSER = 1 << 12
S_TX_TKEEP_SHIFT = 13
S_RX_TREADY = 1 << 21
S_AXIL_AWREADY = 1 << 22
S_AXIL_WREADY = 1 << 23
S_AXIL_BVALID = 1 << 24
S_AXIL_ARREADY = 1 << 25
S_AXIL_RVALID = 1 << 26
S_AXIL_BRESP_SHIFT = 27
S_AXIL_RRESP_SHIFT = 29
SAMPLED_NAMES = (
    ["irq[0]", "irq[1]", "irq[2]", "irq[3]", "m_axi_arvalid", "m_axi_rready", "m_axi_awvalid", "m_axi_wvalid",
     "m_axi_wlast", "m_axi_bready", "m_axis_tx_tvalid", "m_axis_tx_tlast", "m_axis_tx_tuser"]
    + [f"m_axis_tx_tkeep[{i}]" for i in range(8)]
    + ["s_axis_rx_tready", "s_axil_awready", "s_axil_wready", "s_axil_bvalid", "s_axil_arready", "s_axil_rvalid",
       "s_axil_bresp[0]", "s_axil_bresp[1]", "s_axil_rresp[0]", "s_axil_rresp[1]"]
)

READ_LATENCY = 16          # NicHarness::kDefaultReadLatency
MMIO_TIMEOUT_CYCLES = 1000  # NicHarness::kMmioTimeoutCycles
TX_IDLE_CYCLES = 3         # NicHarness::kTxIdleCycles: preamble+SFD+IFG+FCS at 8 bytes a cycle
WIRE_GAP_CYCLES = TX_IDLE_CYCLES
MAX_READS = 32
MAX_WRITES = 8
MAX_BRESPS = 16
MAX_TX_FRAME = 1 << 20
AXI_BURST_INCR = 1
RESP_OKAY, RESP_SLVERR = 0, 2


class Host(Protocol):
    """What the models need from the other side of the link (the bridge)."""

    def dma_read(self, addr: int, length: int, tag: int, cycle: int) -> tuple[int, bytes]: ...
    def dma_write(self, addr: int, data: bytes, mask: bytes | None, tag: int, cycle: int) -> int: ...
    def dma_refused(self, is_write: bool, addr: int, length: int, tag: int, cycle: int) -> None: ...
    def irq(self, vectors: int, cycle: int) -> None: ...
    def tx_frame(self, data: bytes, cycle: int, aborted: bool) -> None: ...
    def protocol_error(self, message: str) -> None: ...


def _x_as_0(binstr: str) -> int:
    """A bit string with X or Z bits, those read as 0."""
    return int("".join("1" if ch == "1" else "0" for ch in binstr), 2)


class MmioTimeout(Exception):
    pass


@dataclass
class ReadBurst:
    addr: int
    ready_at: int
    id: int
    beats: int
    ok: bool
    beat: int = 0
    resp: int = RESP_OKAY
    data: bytes | None = None


@dataclass
class WriteBurst:
    addr: int
    id: int
    beats: int
    ok: bool
    beat: int = 0
    wlast_error: bool = False
    data: list[bytes] = field(default_factory=list)
    strb: list[int] = field(default_factory=list)


class Harness:
    def __init__(self, dut, host: Host):
        self.dut = dut
        self.host = host
        self.edge = RisingEdge(dut.clk)
        self.beat_bytes = len(dut.m_axi_rdata) // 8
        if self.beat_bytes not in (8, 16, 32):
            raise ValueError(f"nic_top DMA_DATA_WIDTH {len(dut.m_axi_rdata)}: the models support 64, 128 and 256")
        self.beat_mask = self.beat_bytes - 1
        self.strb_all = (1 << self.beat_bytes) - 1
        self.axi_size = self.beat_bytes.bit_length() - 1
        self.max_burst = int(dut.dut.DMA_MAX_BURST.value)
        self.axil_mask = (1 << len(dut.s_axil_araddr)) - 1
        # raw simulator handles: the hot loop reads and writes through cocotb's own handles,
        # but looking them up once saves the attribute walk
        self.h_sampled = dut.sampled
        self.h_driven = dut.driven
        self.h_rdata = dut.m_axi_rdata
        self.h_rx_tdata = dut.s_axis_rx_tdata
        self.cycle = 0
        self.in_reset = False
        self.x_reported: set[str] = set()

        self.reads: deque[ReadBurst] = deque()
        self.writes: deque[WriteBurst] = deque()
        self.bresps: deque[tuple[int, int, int]] = deque()  # (ready_at, id, resp)
        self.ar_stalled = self.aw_stalled = self.w_stalled = self.tx_stalled = False
        self.ar_prev = (0, 0)
        self.aw_prev = (0, 0)

        self.l_aw_valid = self.l_w_valid = self.l_ar_valid = False
        self.l_aw_addr = self.l_w_data = self.l_ar_addr = 0
        self.l_read_pending = self.l_write_pending = False
        self.l_read_done = self.l_write_done = False
        self.l_rdata = 0
        self.l_resp = 0
        self.l_late_reads = self.l_late_writes = 0

        self.tx_idle = 0
        self.tx_in_frame = False
        self.tx_frame_cycle = 0
        self.tx_cur = bytearray()

        self.rx_queue: deque[tuple[bytes, int]] = deque()  # (frame, earliest start cycle)
        self.rx_offset = 0
        self.rx_next_allowed = 0
        self.rx_driving = False

        self.irq_this_cycle = False
        self.protocol_errors = 0

        # what was driven this cycle (the handshakes sample it) and last written values
        self.d = 0
        self.last_driven = -1
        self.last_rdata = -1
        self.last_rx_tdata = -1

    # ------------------------------------------------------------------ errors

    def _protocol_error(self, msg: str) -> None:
        self.protocol_errors += 1
        self.host.protocol_error(f"cycle {self.cycle}: {msg}")

    def _read_int(self, handle, name: str) -> int:
        """An output's value; X or Z bits are reported (once per signal) and read as 0."""
        v = handle.value
        try:
            return v.integer
        except ValueError:
            s = v.binstr
            if name not in self.x_reported:
                self.x_reported.add(name)
                self._protocol_error(f"{name} is {s} (X or Z on an output of nic_top)")
            return _x_as_0(s)

    def _read_sampled(self) -> int:
        v = self.h_sampled.value
        try:
            return v.integer
        except ValueError:
            s = v.binstr
            value = _x_as_0(s)
            if not self.in_reset:  # before reset has reached a register it may well be X
                bad = [SAMPLED_NAMES[len(s) - 1 - i] for i, ch in enumerate(s) if ch not in "01"]
                bad = [n for n in bad if not self._qualified_off(n, value)]
                fresh = [n for n in bad if n not in self.x_reported]
                if fresh:
                    self.x_reported.update(fresh)
                    self._protocol_error(f"X or Z on nic_top's {', '.join(fresh)}")
            return value

    @staticmethod
    def _qualified_off(name: str, s: int) -> bool:
        """A payload bit may be X while the valid that qualifies it is low (AXI's rule)."""
        if name == "m_axi_wlast":
            return not s & S_WVALID
        if name.startswith(("m_axis_tx_tlast", "m_axis_tx_tuser", "m_axis_tx_tkeep")):
            return not s & S_TX_TVALID
        if name.startswith("s_axil_bresp"):
            return not s & S_AXIL_BVALID
        if name.startswith("s_axil_rresp"):
            return not s & S_AXIL_RVALID
        return False

    # ------------------------------------------------------------------ one cycle

    def _drive(self) -> None:
        cyc = self.cycle
        if self.in_reset:
            # nothing offered or accepted during reset; only an RX frame already started goes on
            d = D_RST | self._drive_rx()
        else:
            d = D_AXIL_BREADY | D_AXIL_RREADY
            if self.l_aw_valid:
                d |= D_AXIL_AWVALID
            if self.l_w_valid:
                d |= D_AXIL_WVALID
            if self.l_ar_valid:
                d |= D_AXIL_ARVALID
            if len(self.reads) < MAX_READS:
                d |= D_ARREADY
            if self.reads and self.reads[0].ready_at <= cyc:
                b = self.reads[0]
                if b.data is None:
                    self._fetch(b)
                if b.ok:
                    beat = b.data[b.beat * self.beat_bytes:(b.beat + 1) * self.beat_bytes]
                    rdata = int.from_bytes(beat, "little")
                else:
                    rdata = 0
                if rdata != self.last_rdata:
                    self.h_rdata.value = rdata
                    self.last_rdata = rdata
                d |= D_RVALID | ((b.resp if b.ok else RESP_SLVERR) << D_RRESP_SHIFT) | (b.id << D_RID_SHIFT)
                if b.beat + 1 == b.beats:
                    d |= D_RLAST
            if len(self.writes) < MAX_WRITES:
                d |= D_AWREADY
            if self.writes and len(self.bresps) < MAX_BRESPS:
                d |= D_WREADY
            if self.bresps and self.bresps[0][0] <= cyc:
                _, bid, bresp = self.bresps[0]
                d |= D_BVALID | (bid << D_BID_SHIFT) | (bresp << D_BRESP_SHIFT)
            if self.tx_idle == 0:
                d |= D_TX_TREADY
            d |= self._drive_rx()
        self.d = d
        if d != self.last_driven:
            self.h_driven.value = d
            self.last_driven = d

    def _drive_rx(self) -> int:
        self.rx_driving = False
        if self.rx_queue and (not self.in_reset or self.rx_offset > 0):
            data, start = self.rx_queue[0]
            if self.rx_offset > 0 or (self.cycle >= start and self.cycle >= self.rx_next_allowed):
                n = min(8, len(data) - self.rx_offset)
                word = int.from_bytes(data[self.rx_offset:self.rx_offset + n], "little")
                if word != self.last_rx_tdata:
                    self.h_rx_tdata.value = word
                    self.last_rx_tdata = word
                self.rx_driving = True
                d = D_RX_TVALID | (((1 << n) - 1) << D_RX_TKEEP_SHIFT)
                if self.rx_offset + n == len(data):
                    d |= D_RX_TLAST
                return d
        return 0

    def _fetch(self, b: ReadBurst) -> None:
        base = b.addr & ~self.beat_mask
        length = self.beat_bytes * b.beats
        if not b.ok:  # refused by the bridge itself (illegal burst): the host counts it
            self.host.dma_refused(False, base, length, b.id, self.cycle)
            b.data = b""
            return
        resp, data = self.host.dma_read(base, length, b.id, self.cycle)
        if resp != RESP_OKAY or len(data) != length:
            b.ok = False
            b.data = b""
        else:
            b.data = data

    def _sample(self) -> None:
        if self.in_reset:  # only the receive side moves: nothing of nic_top's is sampled
            self._advance_rx()
            return
        s = self._read_sampled()
        d = self.d
        cyc = self.cycle
        dut = self.dut

        irq = s & S_IRQ_MASK
        self.irq_this_cycle = irq != 0
        if irq:
            self.host.irq(irq, cyc)

        # ---- AXI4 read address ----
        if s & S_ARVALID:
            addr = self._read_int(dut.m_axi_araddr, "m_axi_araddr")
            alen = self._read_int(dut.m_axi_arlen, "m_axi_arlen")
            if self.ar_stalled and (addr, alen) != self.ar_prev:
                self._protocol_error("m_axi_araddr/arlen changed while waiting for arready")
            if d & D_ARREADY:
                beats = alen + 1
                ok = self._burst_legal(addr, beats, self._read_int(dut.m_axi_arsize, "m_axi_arsize"),
                                       self._read_int(dut.m_axi_arburst, "m_axi_arburst"), False)
                self.reads.append(ReadBurst(addr, cyc + READ_LATENCY, self._read_int(dut.m_axi_arid, "m_axi_arid"), beats, ok))
                self.ar_stalled = False
            else:
                self.ar_stalled = True
                self.ar_prev = (addr, alen)
        elif self.ar_stalled:
            self._protocol_error("m_axi_arvalid dropped before arready")
            self.ar_stalled = False
        # ---- AXI4 read data ----
        if d & D_RVALID and s & S_RREADY:
            b = self.reads[0]
            b.beat += 1
            if b.beat == b.beats:
                self.reads.popleft()

        # ---- AXI4 write address ----
        if s & S_AWVALID:
            addr = self._read_int(dut.m_axi_awaddr, "m_axi_awaddr")
            alen = self._read_int(dut.m_axi_awlen, "m_axi_awlen")
            if self.aw_stalled and (addr, alen) != self.aw_prev:
                self._protocol_error("m_axi_awaddr/awlen changed while waiting for awready")
            if d & D_AWREADY:
                beats = alen + 1
                ok = self._burst_legal(addr, beats, self._read_int(dut.m_axi_awsize, "m_axi_awsize"),
                                       self._read_int(dut.m_axi_awburst, "m_axi_awburst"), True)
                self.writes.append(WriteBurst(addr, self._read_int(dut.m_axi_awid, "m_axi_awid"), beats, ok))
                self.aw_stalled = False
            else:
                self.aw_stalled = True
                self.aw_prev = (addr, alen)
        elif self.aw_stalled:
            self._protocol_error("m_axi_awvalid dropped before awready")
            self.aw_stalled = False
        # ---- AXI4 write data ----
        if s & S_WVALID:
            if d & D_WREADY:
                w = self.writes[0]
                last = w.beat + 1 == w.beats
                wlast = bool(s & S_WLAST)
                if w.ok:
                    first_lane = (w.addr & self.beat_mask) if w.beat == 0 else 0
                    allowed = self.strb_all & (self.strb_all << first_lane)
                    strb = self._read_int(dut.m_axi_wstrb, "m_axi_wstrb") & self.strb_all
                    if strb & ~allowed:
                        self._protocol_error(f"m_axi_wstrb {strb:#x} enables lanes below the burst start {w.addr:#x}")
                        strb &= allowed
                    w.data.append(self._read_int(dut.m_axi_wdata, "m_axi_wdata").to_bytes(self.beat_bytes, "little"))
                    w.strb.append(strb)
                if wlast != last:
                    self._protocol_error(f"m_axi_wlast={int(wlast)} on beat {w.beat + 1} of a {w.beats}-beat burst at {w.addr:#x}")
                    w.wlast_error = True
                w.beat += 1
                if last or wlast:  # whichever comes first ends the burst
                    resp = self._commit(w)
                    self.bresps.append((cyc + 1, w.id, resp))
                    self.writes.popleft()
                self.w_stalled = False
            else:
                self.w_stalled = True
        elif self.w_stalled:
            self._protocol_error("m_axi_wvalid dropped before wready")
            self.w_stalled = False
        # ---- AXI4 write response ----
        if d & D_BVALID and s & S_BREADY:
            self.bresps.popleft()

        # ---- AXI4-Lite master ----
        if self.l_aw_valid and s & S_AXIL_AWREADY:
            self.l_aw_valid = False
        if self.l_w_valid and s & S_AXIL_WREADY:
            self.l_w_valid = False
        if self.l_ar_valid and s & S_AXIL_ARREADY:
            self.l_ar_valid = False
        if s & S_AXIL_BVALID:
            if self.l_write_pending and not self.l_aw_valid and not self.l_w_valid:
                self.l_write_pending = False
                self.l_write_done = True
                self.l_resp = (s >> S_AXIL_BRESP_SHIFT) & 3
            elif self.l_late_writes > 0:
                self.l_late_writes -= 1
            else:
                self._protocol_error("s_axil_bvalid with no write outstanding")
        if s & S_AXIL_RVALID:
            if self.l_read_pending and not self.l_ar_valid:
                self.l_read_pending = False
                self.l_read_done = True
                self.l_resp = (s >> S_AXIL_RRESP_SHIFT) & 3
                self.l_rdata = self._read_int(dut.s_axil_rdata, "s_axil_rdata")
            elif self.l_late_reads > 0:
                self.l_late_reads -= 1
            else:
                self._protocol_error("s_axil_rvalid with no read outstanding")

        # ---- MAC TX ----
        tready = bool(d & D_TX_TREADY)
        if not tready and self.tx_idle > 0:
            self.tx_idle -= 1
        if s & S_TX_TVALID:
            if tready:
                if not self.tx_in_frame:
                    self.tx_in_frame = True
                    self.tx_frame_cycle = cyc
                    self.tx_cur = bytearray()
                tlast = bool(s & S_TX_TLAST)
                keep = (s >> S_TX_TKEEP_SHIFT) & 0xFF
                if keep != 0xFF and (not tlast or keep == 0 or (keep & (keep + 1)) != 0):
                    self._protocol_error(f"m_axis_tx_tkeep={keep:#x} {'on tlast' if tlast else 'before tlast'} (must be 0xff, or contiguous from bit 0 on tlast)")
                if len(self.tx_cur) < MAX_TX_FRAME:
                    word = self._read_int(dut.m_axis_tx_tdata, "m_axis_tx_tdata").to_bytes(8, "little")
                    if keep == 0xFF:
                        self.tx_cur += word
                    else:
                        self.tx_cur += bytes(word[i] for i in range(8) if keep & (1 << i))
                    if len(self.tx_cur) >= MAX_TX_FRAME:
                        self._protocol_error(f"m_axis_tx frame longer than {MAX_TX_FRAME} bytes without tlast (truncated)")
                if tlast:
                    self.host.tx_frame(bytes(self.tx_cur), self.tx_frame_cycle, bool(s & S_TX_TUSER))
                    self.tx_cur = bytearray()
                    self.tx_in_frame = False
                    self.tx_idle = TX_IDLE_CYCLES
                self.tx_stalled = False
            else:
                self.tx_stalled = True
        elif self.tx_stalled:
            self._protocol_error("m_axis_tx_tvalid dropped before tready")
            self.tx_stalled = False

        self._advance_rx()

    def _advance_rx(self) -> None:
        if self.rx_driving:
            # the MAC cannot wait: a beat offered while tready is low is lost (as in harness.cpp,
            # where it is counted; here too few cycles to matter are spent to count it)
            data, _ = self.rx_queue[0]
            self.rx_offset += min(8, len(data) - self.rx_offset)
            if self.rx_offset >= len(data):
                self.rx_queue.popleft()
                self.rx_offset = 0
                self.rx_next_allowed = self.cycle + 1 + WIRE_GAP_CYCLES

    def _burst_legal(self, addr: int, beats: int, size: int, burst: int, is_write: bool) -> bool:
        ch = "aw" if is_write else "ar"
        if burst != AXI_BURST_INCR:
            self._protocol_error(f"m_axi_{ch}burst={burst} at {addr:#x} (only INCR is allowed)")
            return False
        if size != self.axi_size:
            self._protocol_error(f"m_axi_{ch}size={size} at {addr:#x} (only {self.axi_size} = the {self.beat_bytes}-byte bus width is supported)")
            return False
        if beats > self.max_burst:  # served anyway: the limit is a promise of the RTL, not of AXI
            self._protocol_error(f"m_axi_{ch}len={beats - 1} at {addr:#x} exceeds DMA_MAX_BURST={self.max_burst}")
        end = (addr & ~self.beat_mask) + self.beat_bytes * beats
        if (addr >> 12) != ((end - 1) >> 12):
            self._protocol_error(f"{'write' if is_write else 'read'} burst {addr:#x} len {beats} crosses a 4 KiB boundary")
            return False
        return True

    def _commit(self, w: WriteBurst) -> int:
        """Sends a finished write burst to the host; its B response."""
        base = w.addr & ~self.beat_mask
        if not w.ok or w.wlast_error:
            self.host.dma_refused(True, w.addr, self.beat_bytes * w.beats, w.id, self.cycle)
            return RESP_SLVERR
        mask_bits = 0
        data = bytearray()
        for i, (beat, strb) in enumerate(zip(w.data, w.strb)):
            data += beat
            mask_bits |= strb << (i * self.beat_bytes)
        if mask_bits == 0:  # nothing strobed: nothing to write or check, but the host counts the burst
            return self.host.dma_write(w.addr, b"", None, w.id, self.cycle)
        lo = (mask_bits & -mask_bits).bit_length() - 1
        hi = mask_bits.bit_length()
        span = bytes(data[lo:hi])
        span_mask = mask_bits >> lo
        full = (1 << (hi - lo)) - 1
        mask = None if span_mask == full else span_mask.to_bytes((hi - lo + 7) // 8, "little")
        return self.host.dma_write(base + lo, span, mask, w.id, self.cycle)

    # ------------------------------------------------------------------ running

    async def run(self, n: int, stop_on_irq: bool) -> int:
        """Runs at most n cycles (stopping after one in which an interrupt fired); the cycles run."""
        done = 0
        edge = self.edge
        self.irq_this_cycle = False
        while done < n:
            self._drive()
            await edge
            self._sample()
            self.cycle += 1
            done += 1
            if stop_on_irq and self.irq_this_cycle:
                break
        return done

    def _flush_in_flight(self) -> None:
        self.reads.clear()
        self.writes.clear()
        self.bresps.clear()
        self.ar_stalled = self.aw_stalled = self.w_stalled = self.tx_stalled = False
        self.l_aw_valid = self.l_w_valid = self.l_ar_valid = False
        self.l_read_pending = self.l_write_pending = self.l_read_done = self.l_write_done = False
        self.l_late_reads = self.l_late_writes = 0
        self.tx_in_frame = False
        self.tx_cur = bytearray()
        self.tx_idle = 0
        self.rx_driving = False

    async def reset(self, cycles: int) -> None:
        self._flush_in_flight()
        self.in_reset = True
        try:
            await self.run(cycles, False)
        finally:
            self.in_reset = False
        self._flush_in_flight()

    async def _mmio_wait(self, done) -> None:
        for _ in range(MMIO_TIMEOUT_CYCLES):
            await self.run(1, False)
            if done():
                return

    async def mmio_read(self, addr: int) -> tuple[int, int]:
        """(value, AXI resp); raises MmioTimeout after MMIO_TIMEOUT_CYCLES cycles without R."""
        self.l_ar_addr = addr & self.axil_mask
        self.dut.s_axil_araddr.value = self.l_ar_addr
        self.l_ar_valid = True
        self.l_read_pending = True
        self.l_read_done = False
        await self._mmio_wait(lambda: self.l_read_done)
        if not self.l_read_done:
            accepted = not self.l_ar_valid
            self.l_ar_valid = False
            self.l_read_pending = False
            if accepted:
                self.l_late_reads += 1
            raise MmioTimeout(f"no response within {MMIO_TIMEOUT_CYCLES} cycles ({'address accepted, no R' if accepted else 's_axil_arready never high'})")
        return self.l_rdata, self.l_resp

    async def mmio_write(self, addr: int, value: int) -> int:
        """The AXI resp; raises MmioTimeout after MMIO_TIMEOUT_CYCLES cycles without B."""
        self.l_aw_addr = addr & self.axil_mask
        self.l_w_data = value & 0xFFFFFFFF
        self.dut.s_axil_awaddr.value = self.l_aw_addr
        self.dut.s_axil_wdata.value = self.l_w_data
        self.l_aw_valid = self.l_w_valid = True
        self.l_write_pending = True
        self.l_write_done = False
        await self._mmio_wait(lambda: self.l_write_done)
        if not self.l_write_done:
            accepted = not self.l_aw_valid and not self.l_w_valid
            self.l_aw_valid = self.l_w_valid = False
            self.l_write_pending = False
            if accepted:
                self.l_late_writes += 1
            raise MmioTimeout(f"no response within {MMIO_TIMEOUT_CYCLES} cycles")
        return self.l_resp

    def push_rx(self, data: bytes, cycle: int) -> None:
        self.rx_queue.append((data, cycle))
