"""The cocotb bridge: a cocotb test that serves the contract's link messages over a socket
(protocol/SOCKET-LINK.md) for flue's host, which runs the drivers and the lockstep scheduler.

    FLUE_LINK=unix:/tmp/flue.sock   (or tcp:127.0.0.1:5555; port 0 picks a free one)

The bridge brings nic_top out of reset, reads its identity, listens, prints one line
"flue-cocotb: listening on <address>" on stdout, and serves one host connection: MMIO becomes
AXI4-Lite transactions, TIME_ADVANCE runs the clock (and nothing else does), the card's DMA
bursts become DMA_READ and DMA_WRITE requests answered from host memory, interrupt pulses become
IRQ messages, frames the card sends become WIRE_FRAME messages and the host's WIRE_FRAME messages
are driven into the card. When the host closes the connection the test ends and so does the
simulator.
"""
from __future__ import annotations

import os
import sys
import time

import cocotb
import flue_contract as c

from .harness import Harness, MmioTimeout, RESP_SLVERR
from .link import FLAG_RESPONSE, FLAG_STOP_ON_IRQ, HostGone, LinkServer, Message, T

RESET_CYCLES = 16  # as VerilatorLink: the reset a new link (and RESET) holds
MMIO_NO_RESPONSE = 0xFF  # LinkMmio.resp when the register block did not answer in time
MASKED_WRITE = 1  # LinkDma.resp of a DMA_WRITE whose bytes are not all written: a mask follows
REFUSED = RESP_SLVERR  # LinkDma.resp of a burst the bridge refused itself (illegal): count it


class Bridge:
    """The host's side of the models (harness.Host) and the request loop."""

    def __init__(self, dut, server: LinkServer):
        self.server = server
        self.h = Harness(dut, self)
        self.epoch = 0  # the cycle the host's time counts from

    def t(self, cycle: int) -> int:
        return max(0, cycle - self.epoch)

    # ---- harness.Host: what the card asks of the host ----

    def _request(self, type_: int, payload: bytes, cycle: int, reply_type: int) -> Message:
        seq = self.server.next_seq()
        self.server.queue(type_, self.t(cycle), payload, seq=seq)
        while True:
            m = self.server.recv()
            if m.type == reply_type and m.is_response and m.seq == seq:
                return m
            if m.type == T.WIRE_FRAME and not m.is_response:
                self._rx_frame(m)
                continue
            raise HostGone(f"waiting for the host's {T(reply_type).name} to seq {seq}, got type {m.type} seq {m.seq} flags {m.flags}")

    def dma_read(self, addr: int, length: int, tag: int, cycle: int) -> tuple[int, bytes]:
        req = c.pack(c.LINK_DMA_FIELDS, {"addr": addr, "length": length, "tag": tag}, c.LINK_DMA_BYTES)
        m = self._request(T.DMA_READ, req, cycle, T.DMA_READ_REPLY)
        r = c.unpack(c.LINK_DMA_FIELDS, m.payload)
        data = m.payload[c.LINK_DMA_BYTES:]
        if r["resp"] == 0 and len(data) != length:
            raise HostGone(f"DMA_READ_REPLY for {length} bytes at {addr:#x} carried {len(data)}")
        return r["resp"], data

    def dma_write(self, addr: int, data: bytes, mask: bytes | None, tag: int, cycle: int) -> int:
        req = c.pack(c.LINK_DMA_FIELDS, {"addr": addr, "length": len(data), "tag": tag, "resp": MASKED_WRITE if mask else 0}, c.LINK_DMA_BYTES)
        m = self._request(T.DMA_WRITE, req + data + (mask or b""), cycle, T.DMA_WRITE_ACK)
        return c.unpack(c.LINK_DMA_FIELDS, m.payload)["resp"]

    def dma_refused(self, is_write: bool, addr: int, length: int, tag: int, cycle: int) -> None:
        req = c.pack(c.LINK_DMA_FIELDS, {"addr": addr, "length": length, "tag": tag, "resp": REFUSED}, c.LINK_DMA_BYTES)
        if is_write:
            self._request(T.DMA_WRITE, req, cycle, T.DMA_WRITE_ACK)
        else:
            self._request(T.DMA_READ, req, cycle, T.DMA_READ_REPLY)

    def irq(self, vectors: int, cycle: int) -> None:
        self.server.queue(T.IRQ, self.t(cycle), c.pack(c.LINK_IRQ_FIELDS, {"vectors": vectors}, c.LINK_IRQ_BYTES))

    def tx_frame(self, data: bytes, cycle: int, aborted: bool) -> None:
        head = c.pack(c.LINK_WIRE_FRAME_FIELDS, {"port": 0, "direction": 1, "aborted": int(aborted)}, c.LINK_WIRE_FRAME_BYTES)
        self.server.queue(T.WIRE_FRAME, self.t(cycle), head if aborted else head + data)

    def protocol_error(self, message: str) -> None:
        # a posted ERROR (no response flag): the host counts it and keeps the first
        self.server.queue(T.ERROR, self.t(self.h.cycle), message.encode())

    # ---- the host's requests ----

    def _rx_frame(self, m: Message) -> None:
        head = c.unpack(c.LINK_WIRE_FRAME_FIELDS, m.payload[:c.LINK_WIRE_FRAME_BYTES])
        frame = m.payload[c.LINK_WIRE_FRAME_BYTES:]
        if len(m.payload) < c.LINK_WIRE_FRAME_BYTES or head["direction"] != 0 or head["port"] != 0 or not frame:
            self.protocol_error(f"a WIRE_FRAME into the card needs port 0, direction 0 and at least one byte (got {len(m.payload)} payload bytes)")
            return
        self.h.push_rx(frame, m.time + self.epoch)

    def _reply(self, m: Message, type_: int, payload: bytes = b"") -> None:
        self.server.queue(type_, self.t(self.h.cycle), payload, seq=m.seq, flags=FLAG_RESPONSE)

    def _error(self, m: Message, text: str) -> None:
        self._reply(m, T.ERROR, text.encode())

    async def _mmio(self, m: Message) -> None:
        if len(m.payload) != c.LINK_MMIO_BYTES:
            self._error(m, f"{T(m.type).name} carries LinkMmio ({c.LINK_MMIO_BYTES} bytes), not {len(m.payload)}")
            return
        r = c.unpack(c.LINK_MMIO_FIELDS, m.payload)
        resp = 0
        try:
            if m.type == T.MMIO_READ:
                r["value"], resp = await self.h.mmio_read(r["addr"])
            else:
                resp = await self.h.mmio_write(r["addr"], r["value"])
        except MmioTimeout:
            resp = MMIO_NO_RESPONSE
        out = c.pack(c.LINK_MMIO_FIELDS, {"addr": r["addr"], "value": r["value"], "resp": resp}, c.LINK_MMIO_BYTES)
        self._reply(m, T.MMIO_READ_REPLY if m.type == T.MMIO_READ else T.MMIO_WRITE_ACK, out)

    async def serve(self, identity: dict) -> None:
        s = self.server
        while True:
            m = s.recv()
            if m.is_response:
                self.protocol_error(f"a response (type {m.type}, seq {m.seq}) with no request of the bridge outstanding")
                continue
            if m.type == T.WIRE_FRAME:
                self._rx_frame(m)
            elif m.type == T.TIME_ADVANCE:
                target = m.time + self.epoch
                await self.h.run(max(0, target - self.h.cycle), bool(m.flags & FLAG_STOP_ON_IRQ))
                self._reply(m, T.TIME_REACHED)
            elif m.type in (T.MMIO_READ, T.MMIO_WRITE):
                await self._mmio(m)
            elif m.type == T.HELLO:
                self._reply(m, T.HELLO_REPLY, c.pack(c.LINK_HELLO_FIELDS, identity, c.LINK_HELLO_BYTES))
            elif m.type == T.RESET:
                await self.h.reset(RESET_CYCLES)
                self._reply(m, T.RESET)
            elif m.type == T.LINK_STATS:
                stats = {"rxPackets": s.rx_messages, "txPackets": s.tx_messages}
                self._reply(m, T.LINK_STATS, c.pack(c.LINK_STATS_FIELDS, stats, c.LINK_STATS_BYTES))
            else:
                self._error(m, f"the cocotb bridge does not serve message type {m.type}")


async def bring_up(h: Harness) -> dict:
    """Reset, then the identity registers (before the host's time starts)."""
    await h.reset(RESET_CYCLES)
    identity = {"clockHz": c.CORE_CLOCK_HZ}
    for name, reg in (("id", c.Reg.ID), ("version", c.Reg.VERSION), ("caps", c.Reg.CAPS)):
        value, resp = await h.mmio_read(int(reg))
        if resp != 0:
            raise RuntimeError(f"bring-up: reading {reg.name} answered resp {resp}")
        identity[name] = value
    return identity


@cocotb.test()
async def serve(dut):
    """Serves one host over FLUE_LINK until it disconnects."""
    spec = os.environ.get("FLUE_LINK", "")
    if not spec:
        raise RuntimeError("set FLUE_LINK=unix:/path or tcp:HOST:PORT: the address the bridge listens on")
    accept_s = float(os.environ.get("FLUE_LINK_ACCEPT_TIMEOUT", "120"))
    server = LinkServer(spec)
    bridge = Bridge(dut, server)
    try:
        dut.driven.value = 0
        dut.m_axi_rdata.value = 0
        dut.s_axis_rx_tdata.value = 0
        identity = await bring_up(bridge.h)
        if identity["id"] != c.ID_MAGIC:
            raise RuntimeError(f"bring-up: ID reads {identity['id']:#x}, not {c.ID_MAGIC:#x}: is this nic_top?")
        print(f"flue-cocotb: listening on {server.spec}", flush=True)
        server.accept(accept_s)
        bridge.epoch = bridge.h.cycle
        t0 = time.monotonic()
        try:
            await bridge.serve(identity)
        except HostGone as e:
            cycles = bridge.h.cycle - bridge.epoch
            wall = time.monotonic() - t0
            print(f"flue-cocotb: {e}; {cycles} cycles in {wall:.1f} s ({cycles / max(wall, 1e-9):.0f} cycles/s), "
                  f"{server.rx_messages} messages in, {server.tx_messages} out, {bridge.h.protocol_errors} protocol errors",
                  file=sys.stderr, flush=True)
    finally:
        server.close()
