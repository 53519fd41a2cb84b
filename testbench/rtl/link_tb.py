"""Shared by the serial-link block benches (slip_tx, slip_rx, link_crc_check): the SLIP bytes and
a reference encoder as the host's link-frame.ts uses them, and the packet-sink side of a bench."""

import cocotb
from cocotb.triggers import ClockCycles, with_timeout

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD


def slip_encode(packet):
    """Reference encoder: END, the bytes escaped, END (as the host's LinkFrameEncoder)."""
    out = [END]
    for b in packet:
        if b == END:
            out += [ESC, ESC_END]
        elif b == ESC:
            out += [ESC, ESC_ESC]
        else:
            out.append(b)
    out.append(END)
    return bytes(out)


def describe(p):
    data, bad = p
    return f"{len(data)} bytes {data[:8].hex()}..{data[-4:].hex()} tuser {bad}"


class PacketSinkBench:
    """A bench whose DUT puts out packets (tdata, tlast, tuser on the last beat) into self.sink,
    fed from self.source by the subclass's send()."""

    RECV_TIMEOUT_NS = 200000

    async def recv_packet(self):
        """(bytes, tuser) of the next packet; tuser must be 0 on every beat but the last."""
        data = []
        while True:
            t = await with_timeout(self.sink.recv(), self.RECV_TIMEOUT_NS, "ns")
            data.append(int(t.tdata))
            if int(t.tlast):
                return bytes(data), int(t.tuser)
            assert int(t.tuser) == 0, "tuser set on a beat that is not the last"

    async def expect_out(self, stimulus, want):
        """Sends `stimulus` through send(), checks the packets out against `want` and that
        nothing more comes."""
        sender = cocotb.start_soon(self.send(stimulus))
        got = []
        for _ in want:
            got.append(await self.recv_packet())
        await sender
        await self.source.wait()
        await ClockCycles(self.dut.clk, 50)
        assert self.sink.empty(), "beats beyond the packets expected"
        for i, (g, w) in enumerate(zip(got, want)):
            assert g == w, f"packet {i}: {describe(g)} where {describe(w)}"


# ------------------------------------------------------------------------------------------------
# Shared by the benches of link_bridge's parts (link_rx_buffer, link_tx_buffer, link_host_req,
# link_dev_req): link messages as protocol/SERIAL-LINK.md lays them out (field offsets from
# flue_contract.py), and a model of link_tx_buffer's side toward one engine.

def link_packet(type_, seq, payload=b"", flags=0, time=0, length=None):
    """A link message: LinkHeader (length: the payload's unless given) + payload."""
    import flue_contract as fc
    hdr = fc.pack(fc.LINK_HEADER_FIELDS, dict(type=int(type_), flags=flags, seq=seq,
                                              length=len(payload) if length is None else length,
                                              time=time), fc.LINK_HEADER_BYTES)
    return hdr + bytes(payload)


def link_mmio(addr, value=0, resp=0):
    import flue_contract as fc
    return fc.pack(fc.LINK_MMIO_FIELDS, dict(addr=addr, value=value, resp=resp), fc.LINK_MMIO_BYTES)


def link_dma(addr, length, tag, resp=0):
    import flue_contract as fc
    return fc.pack(fc.LINK_DMA_FIELDS, dict(addr=addr, length=length, tag=tag, resp=resp), fc.LINK_DMA_BYTES)


class LinkMsg:
    """A link message parsed: header fields as attributes, payload; `fields(table)` unpacks it."""

    def __init__(self, raw):
        import flue_contract as fc
        self.raw = bytes(raw)
        h = fc.unpack(fc.LINK_HEADER_FIELDS, self.raw[:fc.LINK_HEADER_BYTES])
        self.type = h["type"]
        self.flags = h["flags"]
        self.seq = h["seq"]
        self.length = h["length"]
        self.time = h["time"]
        self.payload = self.raw[fc.LINK_HEADER_BYTES:]

    def fields(self, table):
        import flue_contract as fc
        return fc.unpack(table, self.payload)

    def __repr__(self):
        return f"LinkMsg(type {self.type} flags {self.flags} seq {self.seq} len {self.length} time {self.time})"


class TxBufferModel:
    """link_tx_buffer as one engine sees it (the engine's ports prefixed `x`: x_wr_en, x_wr_addr,
    x_wr_data, x_send, x_len, x_cancel in; x_pend, x_active, x_done out, whichever the DUT has),
    registered as the RTL is: x_send makes the packet pending from the next cycle, x_cancel
    withdraws it; a pending packet starts once `hold` is off and it has been pending
    `start_delay` cycles (the other source's packet going out), then is active for
    len * cycles_per_byte cycles (at least 1), and x_done pulses in the first cycle after.
    The RAM image is taken when the packet starts; `sent` lists LinkMsg-able records
    (dict: raw, send, start, done cycles) and `queue` gets each when it is done.

    Checked (into `errors`): no RAM write while the packet is active, nor while it is pending
    and not being withdrawn (it could go out half old, half new); no write outside the RAM."""

    def __init__(self, dut, prefix, clock, ram_bytes, start_delay=0, cycles_per_byte=1):
        import cocotb
        from cocotb.queue import Queue
        self.dut = dut
        self.clock = clock
        self.p = prefix
        self.ram = bytearray(ram_bytes)
        self.start_delay = start_delay
        self.cycles_per_byte = cycles_per_byte
        self.hold = False
        self.errors = []
        self.sent = []
        self.queue = Queue()
        self.sends = []        # cycles of x_send pulses (as sampled)
        self.cancels = 0       # cycles x_cancel was high while a packet was pending
        self.cycle = 0
        self.pend = False
        self.pend_since = 0
        self.active_left = 0
        self.cur = None
        self.done = False
        self.last_send = None
        self._pend_s = getattr(dut, f"{prefix}_pend", None)
        self._active_s = getattr(dut, f"{prefix}_active", None)
        self._done_s = getattr(dut, f"{prefix}_done", None)
        for s in (self._pend_s, self._active_s, self._done_s):
            if s is not None:
                s.setimmediatevalue(0)
        cocotb.start_soon(self._run())

    def sig(self, name):
        return int(getattr(self.dut, f"{self.p}_{name}").value)

    def active(self):
        return self.active_left > 0

    def reset(self):
        self.pend = False
        self.active_left = 0
        self.done = False
        self.cur = None

    async def _run(self):
        from cocotb.triggers import RisingEdge
        while True:
            await RisingEdge(self.clock)
            self.cycle += 1
            send = self.sig("send")
            cancel = self.sig("cancel")
            length = self.sig("len")
            if self.sig("wr_en"):
                addr = self.sig("wr_addr")
                if self.active():
                    self.errors.append(f"cycle {self.cycle}: {self.p} RAM written at {addr} while its packet is active")
                elif self.pend and not cancel:
                    self.errors.append(f"cycle {self.cycle}: {self.p} RAM written at {addr} while its packet is pending")
                if addr >= len(self.ram):
                    self.errors.append(f"cycle {self.cycle}: {self.p} RAM write at {addr}")
                else:
                    self.ram[addr] = self.sig("wr_data")
            if cancel and self.pend:
                self.cancels += 1
            # as link_tx_buffer: the state before this edge decides
            self.done = False
            if self.active():
                self.active_left -= 1
                if not self.active():
                    self.cur["done"] = self.cycle
                    self.sent.append(self.cur)
                    self.queue.put_nowait(self.cur)
                    self.cur = None
                    self.done = True
                pend_next = bool(send) or (self.pend and not cancel)
            elif self.pend and not cancel and not self.hold and self.cycle - self.pend_since >= self.start_delay:
                # the length is taken when the packet starts, as link_tx_buffer does
                self.cur = dict(raw=bytes(self.ram[:length]), send=self.last_send, start=self.cycle)
                self.active_left = max(1, length * self.cycles_per_byte)
                pend_next = bool(send)
            else:
                pend_next = bool(send) or (self.pend and not cancel)
            if send:
                self.sends.append(self.cycle)
                self.last_send = self.cycle
                if not self.pend or cancel:
                    self.pend_since = self.cycle
            self.pend = pend_next
            if self._pend_s is not None:
                self._pend_s.value = int(self.pend)
            if self._active_s is not None:
                self._active_s.value = int(self.active())
            if self._done_s is not None:
                self._done_s.value = int(self.done)
