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
