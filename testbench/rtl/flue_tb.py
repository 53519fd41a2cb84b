"""Helpers shared by the RTL benches: pause generators, the Internet checksum, a host-memory
model with holes, bus models, and the X/Z audit of a DUT's outputs (XWatch, x_clean)."""

import itertools
import random
import struct

from cocotb.triggers import RisingEdge

from cocotbext.axi import AxiReadBus, AxiWriteBus
from cocotbext.axi.axi_ram import AxiRamRead, AxiRamWrite
from cocotbext.axi.memory import Memory


async def pulse_reset(dut, cycles=3, idle_first=False):
    """Holds dut.rst high for `cycles` clock edges, then one edge with it low.

    idle_first: start from rst low for one edge, so the bench sees a rising edge of rst.
    """
    if idle_first:
        dut.rst.setimmediatevalue(0)
        await RisingEdge(dut.clk)
        dut.rst.value = 1
    else:
        dut.rst.setimmediatevalue(1)
    for _ in range(cycles):
        await RisingEdge(dut.clk)
    dut.rst.value = 0
    await RisingEdge(dut.clk)


def inet_checksum(data):
    """RFC 1071 ones'-complement checksum of data (odd lengths padded with a zero byte)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def cycle_pause():
    return itertools.cycle([1, 1, 1, 0])


def random_pause(seed=1):
    rng = random.Random(seed)
    while True:
        yield rng.random() < 0.3


class HostRam(Memory):
    """AXI RAM on a DUT's master port that answers SLVERR (and stores nothing) for any
    access in a marked-bad range. read/write select which halves of the port exist."""

    def __init__(self, dut, prefix, clock, reset=None, size=2**20, read=True, write=True):
        super().__init__(size)
        self.bad = []
        self.read_if = None
        self.write_if = None
        if write:
            self.write_if = AxiRamWrite(AxiWriteBus.from_prefix(dut, prefix), clock, reset, mem=self.mem)
            orig_write = self.write_if._write

            async def checked_write(address, data):
                if self.is_bad(address, len(data)):
                    raise ValueError(f"unmapped write 0x{address:x}")
                return await orig_write(address, data)

            self.write_if._write = checked_write
        if read:
            self.read_if = AxiRamRead(AxiReadBus.from_prefix(dut, prefix), clock, reset, mem=self.mem)
            orig_read = self.read_if._read

            async def checked_read(address, length):
                if self.is_bad(address, length):
                    raise ValueError(f"unmapped read 0x{address:x}")
                return await orig_read(address, length)

            self.read_if._read = checked_read

    def mark_bad(self, start, length):
        self.bad.append((start, start + length))

    def is_bad(self, address, length):
        return any(address < hi and address + length > lo for lo, hi in self.bad)

    def set_pause(self, gen_factory):
        channels = []
        if self.write_if:
            channels += [self.write_if.aw_channel, self.write_if.w_channel, self.write_if.b_channel]
        if self.read_if:
            channels += [self.read_if.ar_channel, self.read_if.r_channel]
        for ch in channels:
            ch.set_pause_generator(gen_factory() if gen_factory else None)


class DmaWritePort:
    """Model of a DMA write engine behind a requester's port: takes descriptors
    (m_axis_dma_desc_*) and, for each, its ceil(len/word bytes) data words from byte 0
    (m_axis_write_data_*, the word width is the port's), stores the bytes in mem unless the
    range is marked bad, and answers each on s_axis_dma_status_*, in order, latency cycles after
    its last word. Up to max_inflight transfers may wait for their status (1: one at a time)."""

    def __init__(self, dut, clock, size=2**20, latency=5, pause=None, max_inflight=1):
        import cocotb
        self.dut = dut
        self.clock = clock
        self.mem = bytearray(size)
        self.bad = []
        self.latency = latency
        self.pause = pause
        self.max_inflight = max_inflight
        self.word_bytes = len(dut.m_axis_write_data_tdata) // 8
        self.transfers = []
        self.pending = []      # (cycle the status is due, error)
        self.cycle = 0
        dut.m_axis_dma_desc_ready.setimmediatevalue(0)
        dut.m_axis_write_data_tready.setimmediatevalue(0)
        dut.s_axis_dma_status_valid.setimmediatevalue(0)
        dut.s_axis_dma_status_error.setimmediatevalue(0)
        cocotb.start_soon(self._run())
        cocotb.start_soon(self._status())

    def mark_bad(self, start, length):
        self.bad.append((start, start + length))

    async def _status(self):
        from cocotb.triggers import RisingEdge
        dut = self.dut
        while True:
            await RisingEdge(self.clock)
            self.cycle += 1
            dut.s_axis_dma_status_valid.value = 0
            if self.pending and self.pending[0][0] <= self.cycle:
                _, error = self.pending.pop(0)
                dut.s_axis_dma_status_error.value = 1 if error else 0
                dut.s_axis_dma_status_valid.value = 1

    async def _run(self):
        from cocotb.triggers import RisingEdge
        dut = self.dut
        gen = self.pause() if self.pause else None
        wb = self.word_bytes
        while True:
            while len(self.pending) >= self.max_inflight:
                await RisingEdge(self.clock)
            dut.m_axis_dma_desc_ready.value = 1
            while True:
                await RisingEdge(self.clock)
                if dut.m_axis_dma_desc_valid.value == 1 and dut.m_axis_dma_desc_ready.value == 1:
                    break
            addr = dut.m_axis_dma_desc_addr.value.integer
            length = dut.m_axis_dma_desc_len.value.integer
            dut.m_axis_dma_desc_ready.value = 0
            words = -(-length // wb)
            data = bytearray()
            for n in range(words):
                while True:
                    ready = 0 if (gen and next(gen)) else 1
                    dut.m_axis_write_data_tready.value = ready
                    await RisingEdge(self.clock)
                    if ready and dut.m_axis_write_data_tvalid.value == 1:
                        break
                data += dut.m_axis_write_data_tdata.value.integer.to_bytes(wb, "little")
                assert int(dut.m_axis_write_data_tlast.value) == (n == words - 1), "tlast on the last word"
            dut.m_axis_write_data_tready.value = 0
            error = any(addr < hi and addr + length > lo for lo, hi in self.bad)
            if not error:
                self.mem[addr:addr + length] = data[:length]
            self.transfers.append((addr, length, error))
            self.pending.append((self.cycle + self.latency, error))


class AxiBurstChecker:
    """Watches the AR and AW channels of an AXI master (whichever exist) and records every
    burst that is not INCR, not full width, longer than max_burst beats or crosses 4 KiB."""

    def __init__(self, dut, prefix, clock, max_burst):
        import cocotb
        self.dut = dut
        self.clock = clock
        self.max_burst = max_burst
        self.violations = []
        self.bursts = 0
        for ch in ("ar", "aw"):
            if hasattr(dut, f"{prefix}_{ch}valid"):
                cocotb.start_soon(self._watch(prefix, ch))

    async def _watch(self, prefix, ch):
        from cocotb.triggers import RisingEdge
        dut = self.dut
        valid = getattr(dut, f"{prefix}_{ch}valid")
        ready = getattr(dut, f"{prefix}_{ch}ready")
        addr_s = getattr(dut, f"{prefix}_{ch}addr")
        len_s = getattr(dut, f"{prefix}_{ch}len")
        size_s = getattr(dut, f"{prefix}_{ch}size")
        burst_s = getattr(dut, f"{prefix}_{ch}burst")
        width_bytes = len(getattr(dut, f"{prefix}_{'r' if ch == 'ar' else 'w'}data")) // 8
        while True:
            await RisingEdge(self.clock)
            if not (valid.value.is_resolvable and int(valid.value) and int(ready.value)):
                continue
            self.bursts += 1
            addr = int(addr_s.value)
            beats = int(len_s.value) + 1
            end = (addr & ~(width_bytes - 1)) + beats * width_bytes - 1
            if int(burst_s.value) != 1:
                self.violations.append(f"{ch} 0x{addr:x}: burst type {int(burst_s.value)}")
            if (1 << int(size_s.value)) != width_bytes:
                self.violations.append(f"{ch} 0x{addr:x}: size {int(size_s.value)}")
            if beats > self.max_burst:
                self.violations.append(f"{ch} 0x{addr:x}: {beats} beats > {self.max_burst}")
            if (addr >> 12) != (end >> 12):
                self.violations.append(f"{ch} 0x{addr:x}: {beats} beats cross 4 KiB")


class MacTx:
    """10G MAC on a 64-bit transmit AXI stream (m_axis_*): tready is high except for `gap` cycles
    after each tlast (preamble, FCS, inter-frame gap) and while `pause` is set. Frames (bytes
    selected by tkeep) queue for recv(); frames ended with tuser are counted in `aborted`.
    Records the cycle of every beat and every cycle tready was high with tvalid low."""

    def __init__(self, dut, prefix, clock, gap=3):
        import cocotb
        from cocotb.queue import Queue
        self.dut = dut
        self.clock = clock
        self.gap = gap
        self.pause = False
        self.queue = Queue()
        self.aborted = 0
        self.cycle = 0
        self.beat_cycles = []
        self.idle_cycles = []
        self.frame_spans = []  # (first beat cycle, last beat cycle)
        self.tdata = getattr(dut, f"{prefix}_tdata")
        self.tkeep = getattr(dut, f"{prefix}_tkeep")
        self.tvalid = getattr(dut, f"{prefix}_tvalid")
        self.tready = getattr(dut, f"{prefix}_tready")
        self.tlast = getattr(dut, f"{prefix}_tlast")
        self.tuser = getattr(dut, f"{prefix}_tuser")
        self.tready.setimmediatevalue(0)
        cocotb.start_soon(self._run())

    def empty(self):
        return self.queue.empty()

    def clear(self):
        while not self.queue.empty():
            self.queue.get_nowait()

    async def recv(self):
        return await self.queue.get()

    async def _run(self):
        from cocotb.triggers import RisingEdge
        hold = 0
        cur = bytearray()
        first = None
        ready = 0
        while True:
            ready = 0 if (hold or self.pause) else 1
            self.tready.value = ready
            await RisingEdge(self.clock)
            self.cycle += 1
            if hold:
                hold -= 1
            valid = self.tvalid.value.is_resolvable and int(self.tvalid.value)
            if ready and not valid:
                self.idle_cycles.append(self.cycle)
            if not (ready and valid):
                continue
            self.beat_cycles.append(self.cycle)
            if first is None:
                first = self.cycle
            keep = int(self.tkeep.value)
            data = int(self.tdata.value).to_bytes(8, "little")
            cur += bytes(data[i] for i in range(8) if keep >> i & 1)
            if int(self.tlast.value):
                if int(self.tuser.value):
                    self.aborted += 1
                else:
                    self.queue.put_nowait(bytes(cur))
                self.frame_spans.append((first, self.cycle))
                cur = bytearray()
                first = None
                hold = self.gap


class MacRx:
    """10G MAC on a 64-bit receive AXI stream (s_axis_*): drives queued frames one beat per cycle
    with `gap` idle cycles between frames; it never waits (tready is not looked at)."""

    def __init__(self, dut, prefix, clock, gap=3):
        import cocotb
        from cocotb.queue import Queue
        self.clock = clock
        self.gap = gap
        self.queue = Queue()
        self.busy = False
        self.tdata = getattr(dut, f"{prefix}_tdata")
        self.tkeep = getattr(dut, f"{prefix}_tkeep")
        self.tvalid = getattr(dut, f"{prefix}_tvalid")
        self.tlast = getattr(dut, f"{prefix}_tlast")
        self.tuser = getattr(dut, f"{prefix}_tuser")
        for s in (self.tdata, self.tkeep, self.tvalid, self.tlast, self.tuser):
            s.setimmediatevalue(0)
        cocotb.start_soon(self._run())

    def send_nowait(self, frame):
        self.queue.put_nowait(bytes(frame))

    async def send(self, frame):
        self.send_nowait(frame)

    async def wait(self):
        from cocotb.triggers import RisingEdge
        while self.busy or not self.queue.empty():
            await RisingEdge(self.clock)

    async def _run(self):
        from cocotb.triggers import RisingEdge
        while True:
            frame = await self.queue.get()
            self.busy = True
            for off in range(0, len(frame), 8):
                chunk = frame[off:off + 8]
                self.tdata.value = int.from_bytes(chunk, "little")
                self.tkeep.value = (1 << len(chunk)) - 1
                self.tlast.value = 1 if off + 8 >= len(frame) else 0
                self.tvalid.value = 1
                await RisingEdge(self.clock)
            self.tvalid.value = 0
            self.tlast.value = 0
            for _ in range(self.gap):
                await RisingEdge(self.clock)
            self.busy = False


class DmaReadPort:
    """Model of a DMA read engine behind a requester's port: takes descriptors
    (m_axis_dma_desc_*, up to max_inflight ahead of their data) and answers each, in order,
    latency cycles later with its bytes from mem realigned to byte 0 (s_axis_read_data_*:
    ceil(len/word bytes) words, tkeep if the port has it, tlast on the last word, tuser on it
    when the range touches a bad one), then a one-cycle status (s_axis_dma_status_*, error 1 for
    a bad range) after the last word, as dma_axi_rd does. idle pauses the data words. Records
    every descriptor as (addr, length, tag) in `requests`."""

    def __init__(self, dut, clock, size=2**20, latency=8, idle=None, max_inflight=4):
        import cocotb
        from cocotb.queue import Queue
        self.dut = dut
        self.clock = clock
        self.mem = bytearray(size)
        self.bad = []
        self.latency = latency
        self.idle = idle
        self.max_inflight = max_inflight
        self.word_bytes = len(dut.s_axis_read_data_tdata) // 8
        self.has_keep = hasattr(dut, "s_axis_read_data_tkeep")
        self.has_tag = hasattr(dut, "m_axis_dma_desc_tag")
        self.requests = []
        self.queue = Queue()
        self.owed = 0
        self.cycle = 0
        dut.m_axis_dma_desc_ready.setimmediatevalue(0)
        dut.s_axis_dma_status_valid.setimmediatevalue(0)
        dut.s_axis_dma_status_error.setimmediatevalue(0)
        for s in ("tdata", "tkeep", "tvalid", "tlast", "tuser"):
            if hasattr(dut, f"s_axis_read_data_{s}"):
                getattr(dut, f"s_axis_read_data_{s}").setimmediatevalue(0)
        cocotb.start_soon(self._desc())
        cocotb.start_soon(self._data())

    def mark_bad(self, start, length):
        self.bad.append((start, start + length))

    def is_bad(self, addr, length):
        return any(addr < hi and addr + length > lo for lo, hi in self.bad)

    def idle_now(self):
        return self.owed == 0

    async def _desc(self):
        from cocotb.triggers import RisingEdge
        dut = self.dut
        while True:
            dut.m_axis_dma_desc_ready.value = 1 if self.owed < self.max_inflight else 0
            await RisingEdge(self.clock)
            self.cycle += 1
            if int(dut.m_axis_dma_desc_ready.value) and dut.m_axis_dma_desc_valid.value.is_resolvable \
                    and int(dut.m_axis_dma_desc_valid.value):
                addr = int(dut.m_axis_dma_desc_addr.value)
                length = int(dut.m_axis_dma_desc_len.value)
                tag = int(dut.m_axis_dma_desc_tag.value) if self.has_tag else 0
                self.requests.append((addr, length, tag))
                self.owed += 1
                self.queue.put_nowait((self.cycle + self.latency, addr, length, tag))

    async def _data(self):
        from cocotb.triggers import RisingEdge
        dut = self.dut
        wb = self.word_bytes
        gen = self.idle() if self.idle else None
        while True:
            due, addr, length, tag = await self.queue.get()
            while self.cycle < due:
                await RisingEdge(self.clock)
            error = self.is_bad(addr, length)
            data = bytes(length) if error else bytes(self.mem[addr:addr + length])
            words = max(1, -(-length // wb))
            for n in range(words):
                chunk = data[n * wb:(n + 1) * wb]
                while gen and next(gen):
                    dut.s_axis_read_data_tvalid.value = 0
                    await RisingEdge(self.clock)
                dut.s_axis_read_data_tdata.value = int.from_bytes(chunk.ljust(wb, b"\0"), "little")
                if self.has_keep:
                    dut.s_axis_read_data_tkeep.value = (1 << len(chunk)) - 1
                dut.s_axis_read_data_tlast.value = 1 if n == words - 1 else 0
                dut.s_axis_read_data_tuser.value = 1 if (error and n == words - 1) else 0
                dut.s_axis_read_data_tvalid.value = 1
                while True:
                    await RisingEdge(self.clock)
                    if int(dut.s_axis_read_data_tready.value):
                        break
            dut.s_axis_read_data_tvalid.value = 0
            dut.s_axis_read_data_tlast.value = 0
            dut.s_axis_read_data_tuser.value = 0
            dut.s_axis_dma_status_error.value = 1 if error else 0
            dut.s_axis_dma_status_valid.value = 1
            await RisingEdge(self.clock)
            dut.s_axis_dma_status_valid.value = 0
            self.owed -= 1


def contract_vh():
    """The generated Verilog header as name -> (value, comment): what flue_contract.py does not
    carry (register access kinds, register field positions)."""
    import os
    import re
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "protocol", "generated",
                        "flue_contract.vh")
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"`define\s+FLUE_(\w+)\s+(\S+)\s*(?://\s*(.*))?$", line.strip())
            if not m:
                continue
            name, raw, comment = m.group(1), m.group(2), m.group(3) or ""
            v = re.match(r"(?:\d+)?'([hdb])([0-9a-fA-F_]+)$", raw)
            if v:
                value = int(v.group(2).replace("_", ""), {"h": 16, "d": 10, "b": 2}[v.group(1)])
            elif re.match(r"^\d+$", raw):
                value = int(raw)
            else:
                continue
            out[name] = (value, comment)
    return out


def reg_access():
    """Reg -> access kind ('ro', 'rw', 'w1c', 'wo') from the contract."""
    import flue_contract as fc
    vh = contract_vh()
    return {r: vh[f"REG_{r.name}"][1].split(":")[0] for r in fc.Reg}


def reg_field(reg, field):
    """(lsb, width) of a register field from the contract, e.g. reg_field('CTRL', 'ENABLE')."""
    vh = contract_vh()
    return vh[f"REG_{reg}_{field}_LSB"][0], vh[f"REG_{reg}_{field}_WIDTH"][0]


def _strip_verilog_comments(text):
    import re
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _balanced(text, start):
    """The text inside the parentheses opening at text[start] (which is '('), and the index after
    the closing one."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise ValueError("unbalanced parentheses")


def module_ports(name):
    """{port: 'input' | 'output' | 'inout'} of module `name`, in declaration order, from its ANSI
    header in hdl/ (Icarus's VPI gives cocotb no port directions)."""
    import glob
    import os
    import re
    cache = module_ports.__dict__.setdefault("cache", {})
    if name in cache:
        return cache[name]
    hdl = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hdl")
    head = re.compile(rf"^\s*module\s+{re.escape(name)}\b", re.M)
    for path in sorted(glob.glob(os.path.join(hdl, "**", "*.v"), recursive=True)):
        with open(path) as f:
            text = _strip_verilog_comments(f.read())
        m = head.search(text)
        if m:
            break
    else:
        raise ValueError(f"module {name} not found under hdl/")
    pos = m.end()
    while text[pos].isspace():
        pos += 1
    if text[pos] == "#":
        pos = text.index("(", pos)
        _, pos = _balanced(text, pos)
    ports_text, _ = _balanced(text, text.index("(", pos))
    # split at the top-level commas (ranges and expressions may hold their own)
    items, depth, cur = [], 0, ""
    for ch in ports_text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    ports = {}
    direction = None
    for item in items:
        item = re.sub(r"\[[^\]]*\]", " ", item.split("=")[0])
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", item)
        if not words:
            continue
        if words[0] in ("input", "output", "inout"):
            direction = words[0]
        if direction is None:
            raise ValueError(f"module {name}: not an ANSI port list")
        ports[words[-1]] = direction
    cache[name] = ports
    return ports


# the reason of most XWatch allowances
DATA_NO_RESET = "data path without reset, meaningful only while its valid (which is reset) is 1"


class XWatch:
    """X/Z audit of a DUT's outputs (Icarus is 4-state): from the first rising clock edge after
    reset is released (rst seen high, then low), every output port is sampled at every rising
    edge, as the benches' monitors sample (the values presented in the cycle before the edge),
    and each sample with a bit that is X or Z is recorded (signal, cycle since the release, value
    string); a later reset does not pause the watch.

    Nothing is allowed X but what is named, each with its reason (a missing reason is an error):
      qualified={"m_axis_tdata": "m_axis_tvalid", ...}: that output may be X while the
        qualifier output reads 0 (data registers without reset, meaningful only with their
        valid, as AXI allows); X while the qualifier is 1 (or itself X) is a violation.
      reason={"m_axis_tdata": "why", ...}, or one string for every allowance; or each allowance
        as qualified={"m_axis_tdata": ("m_axis_tvalid", "why")}.
    The qualifier is itself watched: a control output (valid, ready, irq, flags, counters) is
    never allowed X.

    signals: the outputs to watch (default: every output port of the DUT's module, read from its
    source under hdl/). reset: the reset signal (or its name) to wait for (default rst; None:
    start at the next edge).
    assert_clean() fails listing the first violation of each offending output, e.g.
    "cycle 12: m_axis_hdr_tdata = 0hxx..x1f while its qualifier m_axis_hdr_tvalid is 1".
    One raw read per signal per edge (no BinaryValue objects) keeps it cheap.
    """

    def __init__(self, dut, clock=None, signals=None, qualified=None, reason=None, reset="rst", keep=64):
        import re
        import cocotb
        self.dut = dut
        self.clock = dut.clk if clock is None else clock
        if signals is None:
            signals = [n for n, d in module_ports(dut._def_name or dut._name).items() if d == "output"]
        self.names = list(signals)
        qualified = dict(qualified or {})
        if isinstance(reason, str):
            reason = {n: reason for n in qualified}
        self.reason = dict(reason or {})
        for n, q in list(qualified.items()):
            if isinstance(q, tuple):
                qualified[n], self.reason[n] = q
        for n, q in qualified.items():
            if n not in self.names or q not in self.names:
                raise ValueError(f"XWatch: allowance {n} qualified by {q}: both must be watched outputs")
            if not self.reason.get(n):
                raise ValueError(f"XWatch: the allowance for {n} needs a reason")
            if q in qualified:
                raise ValueError(f"XWatch: qualifier {q} of {n} is itself only qualified")
        for n in self.reason:
            if n not in qualified:
                raise ValueError(f"XWatch: a reason for {n}, which has no allowance")
        self.qualified = qualified
        self._handles = [getattr(dut, n)._handle for n in self.names]
        index = {n: i for i, n in enumerate(self.names)}
        self._qual = [index[qualified[n]] if n in qualified else -1 for n in self.names]
        self._bad = re.compile(r"[^01]")
        self.cycle = -1            # cycles since the reset release (-1: not started)
        self.violations = []       # the first `keep`: (cycle, time ns, name, value, note)
        self.first = {}            # name -> its first violation
        self.counts = {}           # name -> cycles it was X against the rules
        self.allowed = {}          # name -> cycles it was X with its qualifier 0
        self.keep = keep
        if isinstance(reset, str):
            reset = getattr(dut, reset, None)
        self._reset = reset
        self._task = cocotb.start_soon(self._run())

    async def _run(self):
        edge = RisingEdge(self.clock)
        if self._reset is not None:
            rst = self._reset._handle
            seen = False
            while True:
                await edge
                v = rst.get_signal_val_binstr()
                if v == "1":
                    seen = True
                elif v == "0" and seen:
                    break
        else:
            await edge
        handles = self._handles
        bad = self._bad.search
        while True:
            self.cycle += 1
            vals = [h.get_signal_val_binstr() for h in handles]
            if bad("".join(vals)):
                self._record(vals)
            await edge

    def _record(self, vals):
        from cocotb.utils import get_sim_time
        bad = self._bad.search
        for i, v in enumerate(vals):
            if not bad(v):
                continue
            name = self.names[i]
            q = self._qual[i]
            if q >= 0:
                qv = vals[q]
                if qv == "0" * len(qv):
                    self.allowed[name] = self.allowed.get(name, 0) + 1
                    continue
                note = f" while its qualifier {self.names[q]} is {qv}"
            else:
                note = ""
            self.counts[name] = self.counts.get(name, 0) + 1
            rec = (self.cycle, get_sim_time("ns"), name, self.fmt(v), note)
            if name not in self.first:
                self.first[name] = rec
            if len(self.violations) < self.keep:
                self.violations.append(rec)

    @staticmethod
    def fmt(v):
        """0b.. for up to 16 bits; else hex digits, x/z for a nibble all x/z, ? for a mixed one."""
        v = v.lower()
        if len(v) <= 16:
            return "0b" + v
        v = v.rjust(-(-len(v) // 4) * 4, "0")
        out = ""
        for k in range(0, len(v), 4):
            nib = v[k:k + 4]
            if not nib.strip("01"):
                out += "%x" % int(nib, 2)
            elif nib in ("xxxx", "zzzz"):
                out += nib[0]
            else:
                out += "?"
        return "0h" + out

    def summary(self):
        """One line per allowance: cycles it was needed (X with its qualifier 0)."""
        return ", ".join(f"{n}: X on {self.allowed.get(n, 0)} cycles with {q} 0"
                         for n, q in self.qualified.items())

    def assert_clean(self, show=8):
        assert self.cycle >= 0, "XWatch: reset was never released, nothing was watched"
        if not self.counts:
            import logging
            logging.getLogger("cocotb.xwatch").info("%s: %d cycles after reset, outputs clean; allowances: %s",
                                                    self.dut._name, self.cycle + 1, self.summary() or "none")
            return
        firsts = sorted(self.first.values())
        lines = [f"cycle {c} ({t:.1f} ns): {n} = {v}{note} (X on {self.counts[n]} cycles)"
                 for c, t, n, v, note in firsts[:show]]
        if len(firsts) > show:
            lines.append(f"... and {len(firsts) - show} more outputs")
        raise AssertionError(f"XWatch: {len(self.counts)} outputs of {self.dut._name} X/Z after reset:\n  "
                             + "\n  ".join(lines))


def x_clean(**allow):
    """Decorator for a test coroutine (dut, ...): an XWatch(dut, **allow) watches the DUT's
    outputs for the whole test, and the test fails at its end unless they were clean (a test
    failing on its own also logs the X seen up to then)."""
    import functools

    def wrap(test):
        @functools.wraps(test)
        async def run(dut, *args, **kwargs):
            xw = XWatch(dut, **allow)
            try:
                await test(dut, *args, **kwargs)
            except BaseException:
                if xw.counts:
                    import logging
                    logging.getLogger("cocotb.xwatch").warning("%s", "; ".join(
                        f"{n} X first at cycle {c}{note}" for c, _, n, _, note in sorted(xw.first.values())))
                raise
            xw.assert_clean()
        return run
    return wrap
