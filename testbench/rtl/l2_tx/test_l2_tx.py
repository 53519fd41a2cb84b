"""l2_tx: frames from host memory onto the wire byte-exact and padded to ETH_MIN_WIRE_FRAME,
each frame's beats back to back once it starts; completions in command order, OK only after
the frame's last beat left; a failed read gives DMA_ERROR and a fault and its frame never
starts; statistics; quiesce lets the frame on the wire finish and starts no other."""

import logging
import random

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, Timer, with_timeout
from cocotbext.axi.stream import define_stream

import flue_contract as fc
from flue_contract import CplStatus
from flue_tb import DmaReadPort, MacTx, cycle_pause, random_pause

CmdBus, CmdTransaction, CmdSource, CmdSink, CmdMonitor = define_stream(
    "Cmd", signals=["addr", "len", "tag", "valid", "ready"])
CplBus, CplTransaction, CplSource, CplSink, CplMonitor = define_stream(
    "Cpl", signals=["tdata", "tvalid", "tready"])


class TB:
    def __init__(self, dut, idle=None, backpressure=None, latency=10):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 6.4, units="ns").start())
        self.cmd = CmdSource(CmdBus.from_prefix(dut, "s_axis_cmd"), dut.clk, dut.rst)
        self.cpl = CplSink(CplBus.from_prefix(dut, "m_axis_cpl"), dut.clk, dut.rst)
        self.dma = DmaReadPort(dut, dut.clk, size=2**17, latency=latency, idle=idle, max_inflight=4)
        rng = random.Random(7)
        self.dma.mem[:] = bytes(rng.randrange(256) for _ in range(len(self.dma.mem)))
        self.mac = MacTx(dut, "m_axis_tx", dut.clk, gap=3)
        if idle:
            self.cmd.set_pause_generator(idle())
        if backpressure:
            self.cpl.set_pause_generator(backpressure())
        self.backpressure = backpressure
        self.ok_cpls = 0
        self.early = []            # OK completions taken before their frame left the wire
        self.frames = 0
        self.bytes = 0
        self.faults = []
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
            if not dut.m_axis_cpl_tvalid.value.is_resolvable:
                continue
            if int(dut.m_axis_cpl_tvalid.value) and int(dut.m_axis_cpl_tready.value):
                raw = int(dut.m_axis_cpl_tdata.value).to_bytes(16, "little") + bytes(16)
                if fc.unpack(fc.CPL_ENTRY_FIELDS, raw)["status"] == CplStatus.OK:
                    self.ok_cpls += 1
                    # the MAC model counts a frame on the edge its last beat is taken
                    if self.ok_cpls > len(self.mac.frame_spans):
                        self.early.append(self.ok_cpls)
            self.frames += int(dut.stat_tx_frame.value)
            self.bytes += int(dut.stat_tx_bytes.value)
            if int(dut.fault.value):
                self.faults.append(int(dut.fault_addr.value))

    async def reset(self):
        self.dut.quiesce.setimmediatevalue(0)
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)

    async def send(self, addr, length, tag):
        await self.cmd.send(CmdTransaction(addr=addr, len=length, tag=tag))

    async def recv_cpl(self):
        t = await with_timeout(self.cpl.recv(), 200, "us")
        raw = int(t.tdata).to_bytes(16, "little") + bytes(16)
        return fc.unpack(fc.CPL_ENTRY_FIELDS, raw)

    def wire_frame(self, addr, length):
        data = bytes(self.dma.mem[addr:addr + length])
        return data + bytes(max(0, fc.ETH_MIN_WIRE_FRAME - length))


def check_cpl(e, tag, status, length):
    assert e["kind"] == fc.EntryKind.COMPLETION and e["opcode"] == fc.Opcode.L2_SEND
    assert e["tag"] == tag and e["status"] == status, (hex(e["tag"]), hex(tag), e["status"], status)
    assert e["length"] == length


async def run_test_frames(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    await tb.reset()
    rng = random.Random(121)
    m = fc.ETH_MIN_WIRE_FRAME
    sizes = [fc.ETH_MIN_FRAME, m - 1, m, m + 1, fc.ETH_MAX_FRAME, 15]
    sizes += [rng.choice([rng.randrange(fc.ETH_MIN_FRAME, m), rng.randrange(m, 400)]) for _ in range(24)]
    cmds = [(0x100 + i * 0x800 + rng.randrange(16), n, 0xa000_0000 + i) for i, n in enumerate(sizes)]
    for c in cmds:
        await tb.send(*c)
    for addr, n, tag in cmds:
        check_cpl(await tb.recv_cpl(), tag, CplStatus.OK, n)
    got = [tb.mac.queue.get_nowait() for _ in range(tb.mac.queue.qsize())]
    assert len(got) == len(cmds)
    for (addr, n, _), frame in zip(cmds, got):
        assert frame == tb.wire_frame(addr, n), f"frame of {n} at 0x{addr:x}"
    await Timer(100, "ns")
    assert not tb.early, "completion before the frame left"
    assert tb.frames == len(cmds) and tb.bytes == sum(max(n, m) for n in sizes)
    assert tb.mac.aborted == 0 and not tb.faults
    if backpressure is None:
        # store and forward: a frame once started never waits for data
        for (first, last), (_, n, _) in zip(tb.mac.frame_spans, cmds):
            assert last - first + 1 == -(-max(n, m) // 8), f"frame of {n} has gaps"
    assert int(dut.status_idle.value) == 1 and int(dut.status_wire_idle.value) == 1


async def run_test_dma_error(dut, idle=None, backpressure=None):
    tb = TB(dut, idle, backpressure)
    tb.dma.mark_bad(0x10000, 0x1000)
    await tb.reset()
    rng = random.Random(122)
    cmds = []
    for i in range(16):
        bad = i % 3 == 1
        n = rng.randrange(fc.ETH_MIN_FRAME, 300)
        addr = (0x10000 + i * 0x100 if bad else 0x1000 + i * 0x800) + rng.randrange(8)
        cmds.append((addr, n, 0x77_0000 + i, bad))
    for addr, n, tag, _ in cmds:
        await tb.send(addr, n, tag)
    for addr, n, tag, bad in cmds:
        if bad:
            check_cpl(await tb.recv_cpl(), tag, CplStatus.DMA_ERROR, 0)
        else:
            check_cpl(await tb.recv_cpl(), tag, CplStatus.OK, n)
    await Timer(200, "ns")
    got = [tb.mac.queue.get_nowait() for _ in range(tb.mac.queue.qsize())]
    good = [(a, n) for a, n, _, bad in cmds if not bad]
    assert got == [tb.wire_frame(a, n) for a, n in good], "failed reads never reach the wire"
    assert tb.mac.aborted == 0
    assert tb.faults == [a for a, _, _, bad in cmds if bad]
    assert tb.frames == len(good) and not tb.early


async def run_test_quiesce(dut, idle=None, backpressure=None):
    """quiesce while a frame is on the wire: it finishes whole; the next, already stored, does
    not start until quiesce drops; status_wire_idle says when the wire is between frames."""
    tb = TB(dut, idle, None)
    await tb.reset()
    tb.mac.pause = True
    cmds = [(0x2000 + i * 0x800, 1000, 0x900 + i) for i in range(3)]
    for c in cmds:
        await tb.send(*c)
    while not int(dut.m_axis_tx_tvalid.value):
        await RisingEdge(dut.clk)
    # a few beats out, then quiesce
    for _ in range(5):
        tb.mac.pause = False
        await RisingEdge(dut.clk)
        tb.mac.pause = True
        await RisingEdge(dut.clk)
    dut.quiesce.value = 1
    assert int(dut.status_wire_idle.value) == 0
    bp = backpressure() if backpressure else None
    for _ in range(400):
        tb.mac.pause = bool(bp and next(bp))
        await RisingEdge(dut.clk)
    tb.mac.pause = False
    await Timer(100, "ns")
    assert len(tb.mac.frame_spans) == 1, "only the frame already on the wire"
    assert tb.mac.queue.get_nowait() == tb.wire_frame(0x2000, 1000)
    assert int(dut.status_wire_idle.value) == 1
    check_cpl(await tb.recv_cpl(), 0x900, CplStatus.OK, 1000)
    assert tb.cpl.empty()
    dut.quiesce.value = 0
    for addr, n, tag in cmds[1:]:
        check_cpl(await tb.recv_cpl(), tag, CplStatus.OK, n)
        assert await with_timeout(tb.mac.recv(), 10, "us") == tb.wire_frame(addr, n)


if cocotb.SIM_NAME:
    for test in (run_test_frames, run_test_dma_error, run_test_quiesce):
        factory = TestFactory(test)
        factory.add_option("idle", [None, cycle_pause])
        factory.add_option("backpressure", [None, random_pause])
        factory.generate_tests()
