"""The simulator side of the socket link (protocol/SOCKET-LINK.md): messages are the contract's
LinkHeader and payload, back to back on a stream socket (Unix or TCP); no SLIP, no CRC.

Everything here blocks: the bridge calls it from inside a simulator callback, so while it waits
on the host no simulated time passes. That is the lockstep.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import flue_contract as c

T = c.LinkType
HEADER = c.LINK_HEADER_BYTES
FLAG_RESPONSE = 1
FLAG_STOP_ON_IRQ = 2
# a message larger than this is a broken peer, not a DMA burst (16 beats of 32 bytes) or a frame
MAX_PAYLOAD = 1 << 20


class HostGone(Exception):
    """The host closed the connection or broke the protocol: the bridge ends the simulation."""


@dataclass
class Message:
    type: int
    flags: int
    seq: int
    time: int
    payload: bytes

    @property
    def is_response(self) -> bool:
        return bool(self.flags & FLAG_RESPONSE)


def parse_address(spec: str) -> tuple[int, object, str]:
    """'unix:/path' or 'tcp:HOST:PORT' (PORT 0: any free port) -> (family, bind address, text)."""
    if spec.startswith("unix:"):
        path = spec[len("unix:"):]
        if not path:
            raise ValueError(f"FLUE_LINK={spec!r}: the unix socket needs a path (unix:/tmp/flue.sock)")
        return socket.AF_UNIX, path, spec
    if spec.startswith("tcp:"):
        host, _, port = spec[len("tcp:"):].rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"FLUE_LINK={spec!r}: expected tcp:HOST:PORT, e.g. tcp:127.0.0.1:5555")
        return socket.AF_INET, (host, int(port)), spec
    raise ValueError(f"FLUE_LINK={spec!r}: expected unix:/path or tcp:HOST:PORT")


class LinkServer:
    """Listens on one address and serves one host connection."""

    def __init__(self, spec: str):
        family, addr, self.spec = parse_address(spec)
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_UNIX:
            try:
                os.unlink(addr)  # a stale socket file from a killed run
            except FileNotFoundError:
                pass
        else:
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(addr)
        self.listener.listen(1)
        self.unix_path = addr if family == socket.AF_UNIX else None
        if family == socket.AF_INET:
            host, port = self.listener.getsockname()[:2]
            self.spec = f"tcp:{host}:{port}"
        self.conn: socket.socket | None = None
        self._rx = bytearray()
        self._tx = bytearray()
        self.rx_messages = 0
        self.tx_messages = 0
        self._seq = 0

    def accept(self, timeout_s: float) -> None:
        self.listener.settimeout(timeout_s)
        try:
            conn, _ = self.listener.accept()
        except socket.timeout:
            raise HostGone(f"no host connected to {self.spec} within {timeout_s:g} s") from None
        conn.settimeout(None)
        if conn.family != socket.AF_UNIX:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = conn

    def close(self) -> None:
        for s in (self.conn, self.listener):
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass
        if self.unix_path:
            try:
                os.unlink(self.unix_path)
            except OSError:
                pass

    # ---- sending: queued, written out before the bridge next waits for the host ----

    def next_seq(self) -> int:
        self._seq = self._seq % 0xFFFF + 1
        return self._seq

    def queue(self, type_: int, time: int, payload: bytes = b"", seq: int = 0, flags: int = 0) -> None:
        self._tx += c.pack(c.LINK_HEADER_FIELDS, {"type": type_, "flags": flags, "seq": seq, "length": len(payload), "time": time}, HEADER)
        self._tx += payload
        self.tx_messages += 1

    def flush(self) -> None:
        if self._tx and self.conn is not None:
            try:
                self.conn.sendall(self._tx)
            except OSError as e:
                raise HostGone(f"the host's end of {self.spec} is gone ({e})") from None
            self._tx.clear()

    # ---- receiving ----

    def recv(self) -> Message:
        """The next message from the host (flushes what is queued first)."""
        self.flush()
        assert self.conn is not None
        while True:
            if len(self._rx) >= HEADER:
                h = c.unpack(c.LINK_HEADER_FIELDS, self._rx[:HEADER])
                if h["length"] > MAX_PAYLOAD:
                    raise HostGone(f"the host sent a message of {h['length']} payload bytes (type {h['type']}); the limit is {MAX_PAYLOAD}")
                end = HEADER + h["length"]
                if len(self._rx) >= end:
                    payload = bytes(self._rx[HEADER:end])
                    del self._rx[:end]
                    self.rx_messages += 1
                    return Message(h["type"], h["flags"], h["seq"], h["time"], payload)
            try:
                chunk = self.conn.recv(1 << 16)
            except OSError as e:
                raise HostGone(f"reading from {self.spec}: {e}") from None
            if not chunk:
                raise HostGone(f"the host closed {self.spec}")
            self._rx += chunk
