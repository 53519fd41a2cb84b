#!/usr/bin/env python3
"""Smoke test of a flue board over its serial link (protocol/SERIAL-LINK.md).

Talks to the board's UART bridge: HELLO (expects HELLO_REPLY with the ID magic), MMIO_READ of
VERSION, an MMIO_WRITE then MMIO_READ of a harmless read-write register (REQ_BASE_LO, put back
to what it was), and LINK_STATS. Each request is retransmitted (same seq, same bytes) when its
response does not come in time, as the host's transport does.

Against the simulated board (default): starts build/board/flue-board-sim (or --sim PATH) with
a pseudo-terminal, runs the checks, stops it (SIGTERM) and prints its summary.
Against a real board: --port /dev/ttyUSB1 --baud 3000000.

Standard library only; the link's field layouts come from protocol/generated/flue_contract.py.
Exit status 0 when every check passed.
"""

import argparse
import os
import select
import signal
import subprocess
import sys
import termios
import time
import tty
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "protocol", "generated"))
import flue_contract as fc  # noqa: E402

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD
RESPONSE_FLAG = 1


def slip_encode(packet):
    out = bytearray([END])
    for b in packet:
        if b == END:
            out += bytes([ESC, ESC_END])
        elif b == ESC:
            out += bytes([ESC, ESC_ESC])
        else:
            out.append(b)
    out.append(END)
    return bytes(out)


class SlipDecoder:
    """Line bytes in, packets out (bad escapes drop the packet, as the receivers do)."""

    def __init__(self):
        self.buf = bytearray()
        self.esc = False
        self.bad = False
        self.dropped = 0

    def feed(self, data):
        packets = []
        for b in data:
            if b == END:
                if self.buf and not self.bad:
                    packets.append(bytes(self.buf))
                elif self.buf or self.bad:
                    self.dropped += 1
                self.buf.clear()
                self.esc = self.bad = False
            elif self.esc:
                self.esc = False
                if b == ESC_END:
                    self.buf.append(END)
                elif b == ESC_ESC:
                    self.buf.append(ESC)
                else:
                    self.bad = True
            elif b == ESC:
                self.esc = True
            else:
                self.buf.append(b)
        return packets


def link_packet(msg_type, seq, payload=b"", time_=0, flags=0):
    header = fc.pack(fc.LINK_HEADER_FIELDS, {"type": msg_type, "flags": flags, "seq": seq,
                                             "length": len(payload), "time": time_}, fc.LINK_HEADER_BYTES)
    body = header + payload
    return body + (zlib.crc32(body) & 0xFFFFFFFF).to_bytes(4, "little")


def parse_packet(packet):
    """(header dict, payload) of a packet whose CRC and length are good, else None."""
    if len(packet) < fc.LINK_HEADER_BYTES + 4:
        return None
    body, crc = packet[:-4], int.from_bytes(packet[-4:], "little")
    if zlib.crc32(body) & 0xFFFFFFFF != crc:
        return None
    header = fc.unpack(fc.LINK_HEADER_FIELDS, body[:fc.LINK_HEADER_BYTES])
    payload = body[fc.LINK_HEADER_BYTES:]
    if header["length"] != len(payload):
        return None
    return header, payload


class Link:
    def __init__(self, fd, timeout, retries, verbose):
        self.fd = fd
        self.timeout = timeout
        self.retries = retries
        self.verbose = verbose
        self.decoder = SlipDecoder()
        self.seq = 0
        self.retransmits = 0
        self.bad_packets = 0
        self.other_packets = 0

    def _write(self, data):
        view = memoryview(data)
        while view:
            _, w, _ = select.select([], [self.fd], [], self.timeout)
            if not w:
                raise TimeoutError("the serial port does not take bytes")
            n = os.write(self.fd, view)
            view = view[n:]

    def request(self, msg_type, payload=b""):
        """Sends a request and returns (header, payload) of its response (same seq, response
        flag), retransmitting on timeout."""
        self.seq = self.seq % 0xFFFF + 1  # 1..65535, skipping 0
        frame = slip_encode(link_packet(msg_type, self.seq, payload))
        for attempt in range(self.retries + 1):
            if attempt:
                self.retransmits += 1
                if self.verbose:
                    print(f"  (no response in {self.timeout} s: sending seq {self.seq} again)")
            self._write(frame)
            deadline = time.monotonic() + self.timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([self.fd], [], [], left)
                if not r:
                    continue
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                for packet in self.decoder.feed(data):
                    parsed = parse_packet(packet)
                    if parsed is None:
                        self.bad_packets += 1
                        continue
                    header, body = parsed
                    if header["seq"] == self.seq and header["flags"] & RESPONSE_FLAG:
                        return header, body
                    # a stale response, or a request of the bridge's own (DMA, IRQ): not ours
                    self.other_packets += 1
                    if self.verbose:
                        print(f"  (ignored a packet: type {header['type']} seq {header['seq']} flags {header['flags']})")
        raise TimeoutError(f"no response to request type {msg_type} seq {self.seq} after {self.retries + 1} tries")


def open_raw(path, baud=None):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[2] |= termios.CLOCAL | termios.CREAD
    attrs[2] &= ~termios.CRTSCTS
    attrs[0] &= ~(termios.IXON | termios.IXOFF | termios.IXANY)
    if baud is not None:
        speed = getattr(termios, f"B{baud}", None)
        if speed is None:
            raise SystemExit(f"smoke: termios has no B{baud} (standard rates only)")
        attrs[4] = attrs[5] = speed
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    termios.tcflush(fd, termios.TCIOFLUSH)
    return fd


def start_sim(args):
    sim = args.sim or os.path.join(REPO, "build", "board", "flue-board-sim")
    if not os.path.exists(sim):
        raise SystemExit(f"smoke: {sim} is not built (make board-sim)")
    cmd = [sim, "--baud", str(args.baud), "--seed", str(args.seed)]
    if args.flip_bit_rate:
        cmd += ["--flip-bit-rate", str(args.flip_bit_rate)]
    if args.drop_byte_rate:
        cmd += ["--drop-byte-rate", str(args.drop_byte_rate)]
    if args.fst:
        cmd += ["--fst", args.fst]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("flue-board-sim ready "):
        proc.kill()
        err = proc.communicate()[1]
        raise SystemExit(f"smoke: flue-board-sim did not come up: {line!r} {err.strip()}")
    print(line)
    fields = dict(kv.split("=", 1) for kv in line.split()[2:])
    return proc, fields["pty"]


def stop_sim(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    summary = [l for l in err.splitlines() if " summary " in l]
    print(summary[-1] if summary else err.strip())
    return proc.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", help="a real board's serial port (e.g. /dev/ttyUSB1); default: start flue-board-sim")
    ap.add_argument("--baud", type=int, default=3000000, help="line rate (default 3000000)")
    ap.add_argument("--sim", help="flue-board-sim binary (default build/board/flue-board-sim)")
    ap.add_argument("--timeout", type=float, default=1.0, help="seconds to wait for a response before sending again")
    ap.add_argument("--retries", type=int, default=8, help="retransmissions of a request before giving up")
    ap.add_argument("--flip-bit-rate", type=float, default=0.0, help="simulator only: line bit errors")
    ap.add_argument("--drop-byte-rate", type=float, default=0.0, help="simulator only: line byte losses")
    ap.add_argument("--seed", type=int, default=1, help="simulator only: impairment seed")
    ap.add_argument("--fst", help="simulator only: write an FST waveform")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    proc = None
    if args.port:
        fd = open_raw(args.port, args.baud)
    else:
        proc, pty = start_sim(args)
        fd = open_raw(pty)
    link = Link(fd, args.timeout, args.retries, args.verbose)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    def mmio(msg_type, addr, value=0):
        payload = fc.pack(fc.LINK_MMIO_FIELDS, {"addr": addr, "value": value}, fc.LINK_MMIO_BYTES)
        header, body = link.request(msg_type, payload)
        expect = fc.LinkType.MMIO_READ_REPLY if msg_type == fc.LinkType.MMIO_READ else fc.LinkType.MMIO_WRITE_ACK
        if header["type"] != expect or len(body) != fc.LINK_MMIO_BYTES:
            return header, None
        return header, fc.unpack(fc.LINK_MMIO_FIELDS, body)

    t0 = time.monotonic()
    try:
        # HELLO
        header, body = link.request(fc.LinkType.HELLO)
        check(header["type"] == fc.LinkType.HELLO_REPLY and header["flags"] == RESPONSE_FLAG and header["seq"] == 1,
              f"HELLO -> type {header['type']} flags {header['flags']} seq {header['seq']} (HELLO_REPLY, 1, 1)")
        if len(body) == fc.LINK_HELLO_BYTES:
            hello = fc.unpack(fc.LINK_HELLO_FIELDS, body)
            check(hello["id"] == fc.ID_MAGIC,
                  f"HELLO_REPLY id 0x{hello['id']:08x} version 0x{hello['version']:08x} caps 0x{hello['caps']:08x} "
                  f"clock {hello['clockHz']} Hz, board time {header['time']} cycles")
        else:
            check(False, f"HELLO_REPLY payload {len(body)} bytes, expected {fc.LINK_HELLO_BYTES}")

        # MMIO_READ VERSION
        want_version = (fc.VERSION_MAJOR << 16) | fc.VERSION_MINOR
        header, m = mmio(fc.LinkType.MMIO_READ, fc.Reg.VERSION)
        check(m is not None and m["addr"] == fc.Reg.VERSION and m["resp"] == 0 and m["value"] == want_version,
              f"MMIO_READ VERSION (0x{fc.Reg.VERSION:03x}) -> {m} (value 0x{want_version:08x}, resp 0)")

        # MMIO_WRITE / MMIO_READ of REQ_BASE_LO (rw, entry-aligned), then put it back
        reg = fc.Reg.REQ_BASE_LO
        _, before = mmio(fc.LinkType.MMIO_READ, reg)
        old = before["value"] if before else 0
        pattern = 0x5A5A5A40 if old != 0x5A5A5A40 else 0x12345660
        header, w = mmio(fc.LinkType.MMIO_WRITE, reg, pattern)
        check(w is not None and w["resp"] == 0 and w["addr"] == reg,
              f"MMIO_WRITE REQ_BASE_LO (0x{reg:03x}) = 0x{pattern:08x} -> {w}")
        header, r = mmio(fc.LinkType.MMIO_READ, reg)
        check(r is not None and r["resp"] == 0 and r["value"] == pattern,
              f"MMIO_READ REQ_BASE_LO -> {r} (value 0x{pattern:08x})")
        mmio(fc.LinkType.MMIO_WRITE, reg, old)

        # an address outside the register window: DECERR without touching the bus
        header, d = mmio(fc.LinkType.MMIO_READ, fc.REG_SPACE_BYTES)
        check(d is not None and d["resp"] == 3, f"MMIO_READ 0x{fc.REG_SPACE_BYTES:x} (outside) -> {d} (resp 3 DECERR)")

        # LINK_STATS
        header, body = link.request(fc.LinkType.LINK_STATS)
        if header["type"] == fc.LinkType.LINK_STATS and len(body) == fc.LINK_STATS_BYTES:
            stats = fc.unpack(fc.LINK_STATS_FIELDS, body)
            check(stats["rxPackets"] >= 6, f"LINK_STATS {stats}")
        else:
            check(False, f"LINK_STATS -> type {header['type']}, {len(body)} payload bytes")
    except TimeoutError as e:
        check(False, str(e))
    finally:
        elapsed = time.monotonic() - t0
        print(f"{link.seq} requests, {link.retransmits} retransmitted, {link.bad_packets} bad packets, "
              f"{link.other_packets} other packets, {link.decoder.dropped} bad SLIP frames, {elapsed:.2f} s")
        os.close(fd)
        rc = stop_sim(proc) if proc else 0
        if rc:
            failures.append(f"flue-board-sim exited {rc}")

    print("smoke: PASS" if not failures else f"smoke: FAIL ({len(failures)})")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
