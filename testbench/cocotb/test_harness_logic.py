"""Unit tests of the bridge's logic that needs no simulator: how a finished write burst becomes
a DMA_WRITE (span, mask, refusal), the X rules for nic_top's handshake vector, and the socket
address syntax. Run by `make test` (python -m unittest discover -s testbench/cocotb)."""
from __future__ import annotations

import unittest

from flue_cocotb import harness as h
from flue_cocotb.link import parse_address


class FakeHost:
    def __init__(self) -> None:
        self.writes: list[tuple[int, bytes, bytes | None]] = []
        self.refused: list[tuple[bool, int, int]] = []
        self.errors: list[str] = []

    def dma_write(self, addr, data, mask, tag, cycle):
        self.writes.append((addr, data, mask))
        return 0

    def dma_refused(self, is_write, addr, length, tag, cycle):
        self.refused.append((is_write, addr, length))

    def protocol_error(self, message):
        self.errors.append(message)


def bare_harness(beat_bytes: int = 16) -> tuple[h.Harness, FakeHost]:
    """A Harness without a simulator: only the fields the burst logic reads."""
    x = h.Harness.__new__(h.Harness)
    x.host = FakeHost()
    x.beat_bytes = beat_bytes
    x.beat_mask = beat_bytes - 1
    x.strb_all = (1 << beat_bytes) - 1
    x.axi_size = beat_bytes.bit_length() - 1
    x.max_burst = 16
    x.cycle = 100
    x.protocol_errors = 0
    return x, x.host


def burst(addr: int, beats: list[tuple[bytes, int]], ok: bool = True) -> h.WriteBurst:
    w = h.WriteBurst(addr=addr, id=1, beats=len(beats), ok=ok)
    for data, strb in beats:
        w.data.append(data)
        w.strb.append(strb)
    w.beat = len(beats)
    return w


class CommitTest(unittest.TestCase):
    def test_full_beats_are_one_plain_write(self):
        x, host = bare_harness()
        data = bytes(range(32))
        self.assertEqual(x._commit(burst(0x1000, [(data[:16], 0xFFFF), (data[16:], 0xFFFF)])), 0)
        self.assertEqual(host.writes, [(0x1000, data, None)])

    def test_an_unaligned_start_and_a_short_end_trim_the_span(self):
        x, host = bare_harness()
        data = bytes(range(32))
        # starts at lane 4 of the first beat, ends after lane 2 of the second
        x._commit(burst(0x1004, [(data[:16], 0xFFF0), (data[16:], 0x0007)]))
        self.assertEqual(host.writes, [(0x1004, data[4:19], None)])

    def test_a_hole_in_the_strobes_sends_a_mask(self):
        x, host = bare_harness(8)
        data = bytes(range(8))
        x._commit(burst(0x2000, [(data, 0b1001_0011)]))
        addr, span, mask = host.writes[0]
        self.assertEqual(addr, 0x2000)
        self.assertEqual(span, data)
        self.assertEqual(mask, bytes([0b1001_0011]))

    def test_nothing_strobed_is_still_a_counted_burst(self):
        x, host = bare_harness(8)
        x._commit(burst(0x2000, [(bytes(8), 0)]))
        self.assertEqual(host.writes, [(0x2000, b"", None)])

    def test_an_illegal_burst_is_refused_with_nothing_written(self):
        x, host = bare_harness(8)
        self.assertEqual(x._commit(burst(0x2000, [(bytes(8), 0xFF)], ok=False)), h.RESP_SLVERR)
        self.assertEqual(host.writes, [])
        self.assertEqual(host.refused, [(True, 0x2000, 8)])

    def test_burst_rules(self):
        x, host = bare_harness(16)
        self.assertTrue(x._burst_legal(0x1000, 16, 4, 1, False))
        self.assertFalse(x._burst_legal(0x1F80, 16, 4, 1, False))  # crosses 4 KiB
        self.assertFalse(x._burst_legal(0x1000, 1, 3, 1, True))  # narrower than the bus
        self.assertFalse(x._burst_legal(0x1000, 1, 4, 2, True))  # WRAP
        self.assertTrue(x._burst_legal(0x1000, 17, 4, 1, False))  # served, but reported
        self.assertEqual(len(host.errors), 4)
        self.assertIn("crosses a 4 KiB boundary", host.errors[0])
        self.assertIn("exceeds DMA_MAX_BURST=16", host.errors[3])


class XRulesTest(unittest.TestCase):
    def test_payload_bits_may_be_x_only_while_their_valid_is_low(self):
        q = h.Harness._qualified_off
        self.assertTrue(q("m_axi_wlast", 0))
        self.assertFalse(q("m_axi_wlast", h.S_WVALID))
        self.assertTrue(q("m_axis_tx_tkeep[3]", 0))
        self.assertFalse(q("m_axis_tx_tkeep[3]", h.S_TX_TVALID))
        self.assertTrue(q("s_axil_rresp[1]", 0))
        self.assertFalse(q("s_axil_rresp[1]", h.S_AXIL_RVALID))
        # handshakes and interrupts never
        for name in ("m_axi_arvalid", "m_axi_rready", "irq[0]", "s_axis_rx_tready", "s_axil_arready"):
            self.assertFalse(q(name, 0))

    def test_the_names_cover_the_vector(self):
        self.assertEqual(len(h.SAMPLED_NAMES), 31)
        self.assertEqual(h.SAMPLED_NAMES[4], "m_axi_arvalid")
        self.assertEqual(h.SAMPLED_NAMES[h.S_TX_TKEEP_SHIFT], "m_axis_tx_tkeep[0]")
        self.assertEqual(h.SAMPLED_NAMES[21], "s_axis_rx_tready")
        self.assertEqual(h.SAMPLED_NAMES[h.S_AXIL_RRESP_SHIFT + 1], "s_axil_rresp[1]")


class FakeSignal:
    """Stands in for a cocotb handle: .value is a BinaryValue made from a bit string."""

    def __init__(self, binstr: str) -> None:
        from cocotb.binary import BinaryValue
        self.value = BinaryValue(binstr, n_bits=len(binstr))


class XReportTest(unittest.TestCase):
    def sampled(self, bits: dict[int, str]) -> str:
        s = ["0"] * 31
        for i, ch in bits.items():
            s[30 - i] = ch
        return "".join(s)

    def test_an_x_on_a_handshake_is_reported_once_and_read_as_0(self):
        x, host = bare_harness()
        x.in_reset = False
        x.x_reported = set()
        x.h_sampled = FakeSignal(self.sampled({4: "x", 10: "1"}))
        self.assertEqual(x._read_sampled(), h.S_TX_TVALID)
        x._read_sampled()
        self.assertEqual(host.errors, ["cycle 100: X or Z on nic_top's m_axi_arvalid"])

    def test_payload_x_while_its_valid_is_low_is_fine_and_so_is_anything_in_reset(self):
        x, host = bare_harness()
        x.in_reset = False
        x.x_reported = set()
        x.h_sampled = FakeSignal(self.sampled({8: "x", 13: "z", 14: "x"}))  # wlast, tkeep: valids low
        x._read_sampled()
        self.assertEqual(host.errors, [])
        x.h_sampled = FakeSignal(self.sampled({8: "x", 7: "1"}))  # wlast X with wvalid high
        x._read_sampled()
        self.assertEqual(host.errors, ["cycle 100: X or Z on nic_top's m_axi_wlast"])
        x.in_reset = True
        x.h_sampled = FakeSignal(self.sampled({0: "x", 4: "x"}))
        x._read_sampled()
        self.assertEqual(len(host.errors), 1)

    def test_an_x_on_a_data_bus_read_on_its_handshake_is_reported(self):
        x, host = bare_harness()
        x.in_reset = False
        x.x_reported = set()
        self.assertEqual(x._read_int(FakeSignal("10x1"), "m_axi_araddr"), 0b1001)
        self.assertEqual(host.errors, ["cycle 100: m_axi_araddr is 10x1 (X or Z on an output of nic_top)"])


class AddressTest(unittest.TestCase):
    def test_addresses(self):
        self.assertEqual(parse_address("unix:/tmp/a.sock")[1], "/tmp/a.sock")
        self.assertEqual(parse_address("tcp:127.0.0.1:0")[1], ("127.0.0.1", 0))
        for bad in ("unix:", "tcp:localhost", "udp:1.2.3.4:5", "/tmp/a.sock"):
            with self.assertRaises(ValueError):
                parse_address(bad)


if __name__ == "__main__":
    unittest.main()
