"""queue_dispatch against a model of the contract's validation: every opcode value (NOP OK,
unknown BAD_OPCODE, the TOE set UNSUPPORTED when the TOE is not built), then for L2_SEND,
L2_RECV_POST and (TOE built) each TOE opcode the length check before the address check
(BAD_LENGTH, BAD_ADDRESS at both edges of each range), routing to l2_tx, l2_rx or the TOE with
the descriptor, RESOURCES when the posted-buffer FIFO is full; tag and conn echoed;
stat_bad_desc per bad descriptor; a descriptor held across start is dropped. Run with
TOE_ENABLE 0 and 1 (VARIANTS)."""

import logging

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_contract import CplStatus, Opcode
from flue_tb import cycle_pause, pulse_reset, random_pause, x_clean

ReqBus, ReqTransaction, ReqSource, ReqSink, ReqMonitor = define_stream(
    "Req", signals=["tdata", "tvalid", "tready"])
CplBus, CplTransaction, CplSource, CplSink, CplMonitor = define_stream(
    "Cpl", signals=["tdata", "tvalid", "tready"])
CmdBus, CmdTransaction, CmdSource, CmdSink, CmdMonitor = define_stream(
    "Cmd", signals=["addr", "len", "tag", "valid", "ready"])

ADDR_LIMIT = 1 << fc.DMA_ADDR_BITS
TOE_OPCODES = {Opcode.OFFLOAD_INITIATE, Opcode.OFFLOAD_TERMINATE, Opcode.OFFLOAD_UPDATE, Opcode.OFFLOAD_QUERY,
               Opcode.OFFLOAD_INVALIDATE, Opcode.NEIGHBOR_REACH, Opcode.NEIGHBOR_NRD, Opcode.TCP_SEND, Opcode.TCP_RECV_POST,
               Opcode.TCP_DISCONNECT, Opcode.TCP_FORWARD, Opcode.TCP_RECV_RETURN}
# each TOE opcode's length range (the contract): the offload opcodes move a whole state block;
# sends and lent NIC buffers need a byte, forwards a TCP header; invalidate and a neighbor's
# reachability name no buffer
TOE_LENGTHS = {
    **{op: (fc.CONN_STATE_BYTES, fc.CONN_STATE_BYTES) for op in (
        Opcode.OFFLOAD_INITIATE, Opcode.OFFLOAD_TERMINATE, Opcode.OFFLOAD_UPDATE, Opcode.OFFLOAD_QUERY)},
    Opcode.OFFLOAD_INVALIDATE: None,
    Opcode.NEIGHBOR_REACH: None,
    Opcode.NEIGHBOR_NRD: None,
    Opcode.TCP_SEND: (1, fc.BUFFER_MAX),
    Opcode.TCP_RECV_RETURN: (1, fc.BUFFER_MAX),
    Opcode.TCP_FORWARD: (20, fc.FORWARD_MAX),
    Opcode.TCP_RECV_POST: (0, fc.BUFFER_MAX),
    Opcode.TCP_DISCONNECT: (0, fc.BUFFER_MAX),
}
BAD = {CplStatus.BAD_OPCODE, CplStatus.BAD_LENGTH, CplStatus.BAD_ADDRESS, CplStatus.UNSUPPORTED}


# X audit (flue_tb.XWatch): no output is X or Z after reset, none allowed
xwatched = x_clean()


def expect(desc, rx_room=True, toe=False):
    """('cpl', status) | ('tx',) | ('rx',) | ('toe',): the contract's checks in its order —
    opcode class, then length, then address."""
    op, length, addr = desc["opcode"], desc["length"], desc["addr"]
    addr_bad = addr == 0 or addr + length > ADDR_LIMIT
    if op == Opcode.NOP:
        return ("cpl", CplStatus.OK)
    if op == Opcode.L2_SEND:
        if not fc.ETH_MIN_FRAME <= length <= fc.ETH_MAX_FRAME:
            return ("cpl", CplStatus.BAD_LENGTH)
        if addr_bad:
            return ("cpl", CplStatus.BAD_ADDRESS)
        return ("tx",)
    if op == Opcode.L2_RECV_POST:
        if not fc.RX_BUFFER_MIN <= length <= fc.BUFFER_MAX:
            return ("cpl", CplStatus.BAD_LENGTH)
        if addr_bad:
            return ("cpl", CplStatus.BAD_ADDRESS)
        return ("rx",) if rx_room else ("cpl", CplStatus.RESOURCES)
    if op in TOE_OPCODES:
        if not toe:
            return ("cpl", CplStatus.UNSUPPORTED)
        rng = TOE_LENGTHS[op]
        if rng is None:
            return ("toe",)
        if not rng[0] <= length <= rng[1]:
            return ("cpl", CplStatus.BAD_LENGTH)
        if length > 0 and addr_bad:
            return ("cpl", CplStatus.BAD_ADDRESS)
        return ("toe",)
    return ("cpl", CplStatus.BAD_OPCODE)


class TB:
    def __init__(self, dut, idle=None, backpressure=None):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.src = ReqSource(ReqBus.from_prefix(dut, "s_axis_req"), dut.clk, dut.rst)
        self.cpl = CplSink(CplBus.from_prefix(dut, "m_axis_cpl"), dut.clk, dut.rst)
        self.tx = CmdSink(CmdBus.from_prefix(dut, "m_axis_tx_cmd"), dut.clk, dut.rst)
        self.rx = CmdSink(CmdBus.from_prefix(dut, "m_axis_rx_post"), dut.clk, dut.rst)
        self.toe = ReqSink(ReqBus.from_prefix(dut, "m_axis_toe_req"), dut.clk, dut.rst)
        self.toe_built = bool(int(dut.TOE_ENABLE.value))
        if idle:
            self.src.set_pause_generator(idle())
        if backpressure:
            self.cpl.set_pause_generator(backpressure())
            self.tx.set_pause_generator(backpressure())
            self.toe.set_pause_generator(backpressure())
        self.bad = 0
        dut.start.setimmediatevalue(0)
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        while True:
            await RisingEdge(self.dut.clk)
            v = self.dut.stat_bad_desc.value
            if v.is_resolvable and int(v):
                self.bad += 1

    async def reset(self):
        await pulse_reset(self.dut)
        self.bad = 0

    async def send(self, desc):
        raw = fc.pack(fc.REQ_DESC_FIELDS, desc, fc.REQ_DESC_BYTES)
        await self.src.send(ReqTransaction(tdata=int.from_bytes(raw, "little")))

    async def outcome(self):
        """The next thing the dispatcher emitted, whichever output it went to."""
        while True:
            if not self.cpl.empty():
                t = self.cpl.recv_nowait()
                raw = int(t.tdata).to_bytes(16, "little") + bytes(16)
                return ("cpl", fc.unpack(fc.CPL_ENTRY_FIELDS, raw))
            if not self.tx.empty():
                return ("tx", self.tx.recv_nowait())
            if not self.rx.empty():
                return ("rx", self.rx.recv_nowait())
            if not self.toe.empty():
                return ("toe", self.toe.recv_nowait())
            await RisingEdge(self.dut.clk)

    async def check(self, desc, rx_room=True, rx_either=False):
        got = await with_timeout(self.outcome(), 20, "us")
        want = expect(desc, rx_room, self.toe_built)
        if rx_either and want == ("rx",) and got[0] == "cpl":
            want = ("cpl", CplStatus.RESOURCES)
        assert got[0] == want[0], (desc, got, want)
        if got[0] == "cpl":
            e = got[1]
            assert e["status"] == want[1], (desc, CplStatus(e["status"]).name, CplStatus(want[1]).name)
            assert e["kind"] == fc.EntryKind.COMPLETION and e["opcode"] == desc["opcode"]
            assert e["tag"] == desc["tag"] and e["conn"] == desc.get("conn", 0) and e["length"] == 0
            return e["status"]
        t = got[1]
        if got[0] == "toe":
            # the TOE takes the whole descriptor
            want_raw = fc.pack(fc.REQ_DESC_FIELDS, desc, fc.REQ_DESC_BYTES)
            assert int(t.tdata) == int.from_bytes(want_raw, "little"), (desc, t)
            return None
        assert int(t.addr) == desc["addr"] and int(t.len) == desc["length"] and int(t.tag) == desc["tag"], (desc, t)
        return None


def cases():
    """Every opcode with a good-looking buffer, then the L2 length and address edges."""
    out = []
    for op in range(256):
        length = fc.RX_BUFFER_MIN if op == Opcode.L2_RECV_POST else 100
        out.append(dict(opcode=op, addr=0x10000, length=length))
    for op, lo, hi in ((Opcode.L2_SEND, fc.ETH_MIN_FRAME, fc.ETH_MAX_FRAME),
                       (Opcode.L2_RECV_POST, fc.RX_BUFFER_MIN, fc.BUFFER_MAX)):
        for length in (0, lo - 1, lo, hi, hi + 1, 2**20 + lo, 2**32 - 1):
            out.append(dict(opcode=op, addr=0x2000, length=length))
        for addr in (0, 1, ADDR_LIMIT - lo, ADDR_LIMIT - lo + 1, ADDR_LIMIT, 2**63, 2**64 - 1):
            out.append(dict(opcode=op, addr=addr, length=lo))
        # length and address both bad: the length is reported
        out.append(dict(opcode=op, addr=0, length=hi + 1))
    # each TOE opcode at the edges of its length range and of the address space (without the
    # TOE every one is UNSUPPORTED, bad fields or not)
    for op, rng in TOE_LENGTHS.items():
        lo, hi = rng if rng else (0, fc.BUFFER_MAX)
        for length in sorted({0, 1, 19, 20, lo - 1, lo, hi, hi + 1, 2**32 - 1} - {-1}):
            out.append(dict(opcode=op, addr=0x4000, length=length))
        good = max(lo, 1)
        for addr in (0, ADDR_LIMIT - good, ADDR_LIMIT - good + 1):
            out.append(dict(opcode=op, addr=addr, length=good))
        out.append(dict(opcode=op, addr=0, length=0))
    # NOP ignores its fields
    out.append(dict(opcode=Opcode.NOP, addr=0, length=2**32 - 1, flags=0xff, param=2**64 - 1))
    for i, d in enumerate(out):
        d["tag"] = 0x5000_0000 + i
        d["conn"] = (i * 0x01010101) & 0xffffffff
    return out


@xwatched
async def run_test_validation(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    all_cases = cases()
    for d in all_cases:
        await tb.send(d)
    statuses = []
    for d in all_cases:
        statuses.append(await tb.check(d))
    await Timer(100, "ns")
    assert tb.bad == sum(s in BAD for s in statuses)
    assert sum(s == CplStatus.BAD_OPCODE for s in statuses) == 256 - 3 - len(TOE_OPCODES)
    assert tb.cpl.empty() and tb.tx.empty() and tb.rx.empty() and tb.toe.empty()


@xwatched
async def run_test_resources(dut, idle=None, backpressure=None):
    """Posted-buffer FIFO full (ready low): RESOURCES, not a bad descriptor; with room the post
    goes through; with a flickering ready each post ends exactly one way."""
    tb = TB(dut, idle, backpressure)
    tb.rx.pause = True
    await tb.reset()
    posts = [dict(opcode=Opcode.L2_RECV_POST, addr=0x8000 * (i + 1), length=fc.RX_BUFFER_MIN, tag=i, conn=0)
             for i in range(4)]
    for d in posts:
        await tb.send(d)
    for d in posts:
        assert await tb.check(d, rx_room=False) == CplStatus.RESOURCES
    await Timer(50, "ns")
    assert tb.bad == 0
    tb.rx.pause = False
    for d in posts:
        await tb.send(d)
    for d in posts:
        await tb.check(d)
    tb.rx.set_pause_generator(random_pause(5))
    mixed = [dict(opcode=Opcode.L2_RECV_POST if i % 2 else Opcode.L2_SEND, addr=0x1000 + i,
                  length=fc.RX_BUFFER_MIN if i % 2 else 64, tag=0x100 + i, conn=0) for i in range(40)]
    for d in mixed:
        await tb.send(d)
    for d in mixed:
        await tb.check(d, rx_either=True)
    await Timer(50, "ns")
    assert tb.bad == 0


@xwatched
async def run_test_start(dut, idle=None, backpressure=None):
    """A descriptor held (its output stalled) when start comes is never dispatched; the next
    one is."""
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    tb.tx.set_pause_generator(None)
    tb.tx.pause = True
    held = dict(opcode=Opcode.L2_SEND, addr=0x3000, length=100, tag=1, conn=0)
    await tb.send(held)
    while int(dut.s_axis_req_tready.value):
        await RisingEdge(dut.clk)
    for _ in range(5):
        await RisingEdge(dut.clk)
    dut.start.value = 1
    await RisingEdge(dut.clk)
    dut.start.value = 0
    tb.tx.set_pause_generator(backpressure() if backpressure else None)
    tb.tx.pause = False
    nxt = dict(opcode=Opcode.NOP, addr=0, length=0, tag=2, conn=7)
    await tb.send(nxt)
    await tb.check(nxt)
    await Timer(100, "ns")
    assert tb.tx.empty() and tb.cpl.empty()


if cocotb.SIM_NAME:
    for test in (run_test_validation, run_test_resources, run_test_start):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
