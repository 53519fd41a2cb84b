"""csr_timestamp: counts core cycles from rst, carries into the high word, rst clears it."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge


class TB:
    def __init__(self, dut):
        self.dut = dut
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())

    async def reset(self):
        self.dut.rst.setimmediatevalue(1)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        self.dut.rst.value = 0

    async def sample(self):
        await RisingEdge(self.dut.clk)
        await ReadOnly()
        return int(self.dut.timestamp.value)


@cocotb.test()
async def test_counts_cycles(dut):
    tb = TB(dut)
    await tb.reset()
    await ReadOnly()
    assert int(dut.timestamp.value) == 0, "zero in the first cycle after rst"
    for n in range(1, 50):
        assert await tb.sample() == n
    # a reset in the middle restarts the count
    await FallingEdge(dut.clk)
    dut.rst.value = 1
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    await ReadOnly()
    assert int(dut.timestamp.value) == 0
    assert await tb.sample() == 1


@cocotb.test()
async def test_carry(dut):
    """The low word wraps into the high word, and the high word's top bit carries out."""
    tb = TB(dut)
    await tb.reset()
    await FallingEdge(dut.clk)
    dut.count_reg.value = 0x1_FFFF_FFFE
    values = [await tb.sample() for _ in range(3)]
    assert values == [0x1_FFFF_FFFF, 0x2_0000_0000, 0x2_0000_0001], [hex(v) for v in values]
    await FallingEdge(dut.clk)
    dut.count_reg.value = 0xFFFF_FFFF_FFFF_FFFF
    values = [await tb.sample() for _ in range(2)]
    assert values == [0, 1], "wraps at 64 bits"
