"""Helpers shared by the RTL benches: pause generators and a host-memory model with holes."""

import itertools
import random

from cocotbext.axi import AxiReadBus, AxiWriteBus
from cocotbext.axi.axi_ram import AxiRamRead, AxiRamWrite
from cocotbext.axi.memory import Memory


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
    """Model of a DMA write engine behind a requester's port: takes one descriptor at a time
    (m_axis_dma_desc_*), its ceil(len/8) data words (m_axis_write_data_*), stores the bytes in
    mem unless the range is marked bad, and answers on s_axis_dma_status_* after latency."""

    def __init__(self, dut, clock, size=2**20, latency=5, pause=None):
        self.dut = dut
        self.clock = clock
        self.mem = bytearray(size)
        self.bad = []
        self.latency = latency
        self.pause = pause
        self.transfers = []
        dut.m_axis_dma_desc_ready.setimmediatevalue(0)
        dut.m_axis_write_data_tready.setimmediatevalue(0)
        dut.s_axis_dma_status_valid.setimmediatevalue(0)
        dut.s_axis_dma_status_error.setimmediatevalue(0)
        import cocotb
        cocotb.start_soon(self._run())

    def mark_bad(self, start, length):
        self.bad.append((start, start + length))

    async def _run(self):
        from cocotb.triggers import ReadOnly, RisingEdge
        dut = self.dut
        gen = self.pause() if self.pause else None
        while True:
            dut.m_axis_dma_desc_ready.value = 1
            while True:
                await RisingEdge(self.clock)
                if dut.m_axis_dma_desc_valid.value == 1 and dut.m_axis_dma_desc_ready.value == 1:
                    break
            addr = dut.m_axis_dma_desc_addr.value.integer
            length = dut.m_axis_dma_desc_len.value.integer
            dut.m_axis_dma_desc_ready.value = 0
            words = -(-length // 8)
            data = bytearray()
            for n in range(words):
                while True:
                    ready = 0 if (gen and next(gen)) else 1
                    dut.m_axis_write_data_tready.value = ready
                    await RisingEdge(self.clock)
                    if ready and dut.m_axis_write_data_tvalid.value == 1:
                        break
                data += dut.m_axis_write_data_tdata.value.integer.to_bytes(8, "little")
                assert int(dut.m_axis_write_data_tlast.value) == (n == words - 1), "tlast on the last word"
            dut.m_axis_write_data_tready.value = 0
            error = any(addr < hi and addr + length > lo for lo, hi in self.bad)
            if not error:
                self.mem[addr:addr + length] = data[:length]
            self.transfers.append((addr, length, error))
            for _ in range(self.latency):
                await RisingEdge(self.clock)
            dut.s_axis_dma_status_error.value = 1 if error else 0
            dut.s_axis_dma_status_valid.value = 1
            await RisingEdge(self.clock)
            dut.s_axis_dma_status_valid.value = 0
