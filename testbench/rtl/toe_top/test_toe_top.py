"""toe_top: the TCP offload engine end to end, from its outer ports only (requests in,
completions out, the 64-bit wire both ways, the two DMA read and two DMA write ports), with every
block inside it real: toe_rx_parse, toe_fwd_parse, the record arbiter, toe_hash, toe_engine,
toe_rx_place, toe_tx_frame, the transmit-command FIFO and the tick divider. Around it: one DMA read engine
behind both read ports (descriptors taken round-robin, served in order on the shared data bus with
the port's tvalid, as dma_rd_mux and dma_axi_rd give them), one DMA write engine behind both write
ports (status on the port's valid), a 10G MAC on the transmit wire and a frame driver on the
receive wire; frames both ways are built and checked here byte by byte (Ethernet, IPv4 and TCP
headers, both checksums recomputed over the wire bytes, zero padding). The DMA ports, the
completion consumer and the transmit wire are paused at random; the receive wire has random gaps
between frames and now and then an idle cycle inside one. The one internal signal looked at is
the divider's tick pulse (tick_reg), to count ticks.
Checked: initiate (state block read on the state port, the 4-tuple installed in the real hash
table), send (frames segmented at the MSS, payload from host memory, completion on the peer's
ACK frame), receive (frames placed into the posted buffers by DMA, completions, the ACK frame),
the L2 copy of the wire (tdest marks only what the TOE took), the tick divider driving the
retransmission timer, and forwarded segments (TCP_FORWARD) taken beside the parser: placed like a
wire frame's, and within a few hundred cycles while the wire is saturated with back-to-back
frames."""

import logging
import random
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.queue import Queue
from cocotb.triggers import RisingEdge
from cocotb.utils import get_sim_time

import flue_contract as fc
from flue_tb import MacTx, inet_checksum, random_pause
from toe_tb import M32, ToeBench, decode_cpl, initial_rto, seq_add, state_block

Op = fc.Opcode
St = fc.CplStatus
Ev = fc.EventCode
Kind = fc.EntryKind

MEM_SIZE = 2**20
CLOCK_PS = 6400
LOCAL_MAC = bytes.fromhex("02000000aa01")

# TCP flags
PSH, ACK = 0x08, 0x10

# the TCP registers (ticks); tick_div large by default so no timer runs out unless a test wants it
CFG = {"ack_frequency": 2, "delayed_ack_ticks": 3, "max_retransmissions": 2, "dup_ack_threshold": 3,
       "push_ticks": 6, "min_rto_ticks": 2, "max_rto_ticks": 16, "fin_wait_2_ticks": 20,
       "nce_stale_ticks": 1000}
TICK_DIV = 5000


def conn_params(i, **over):
    """An ESTABLISHED connection as the host would hand it over; over replaces any field."""
    p = {"peer_mac": bytes([0x02, 0x00, 0x5e, 0x10, 0x00, i]), "local_ip": bytes([192, 0, 2, 1]),
         "remote_ip": bytes([198, 51, 100, 10 + i]), "local_port": 5000 + i, "remote_port": 40000 + 7 * i,
         "mss": 1000, "mtu": 1500, "ttl": 64, "tos": 0x10, "valid_mask": 0x1f,
         "state": int(fc.TcpState.ESTABLISHED), "snd_una": (0x10000000 * (i + 1) + 0x123) & M32,
         "rcv_nxt": (0x2345678 * (i + 3)) & M32, "rcv_wnd": 16384, "snd_wnd": 65535, "max_snd_wnd": 65535,
         "cwnd": 8000, "ssthresh": 0, "srtt": 0, "rttvar": 0}
    p.update(over)
    return p


# ---- frames --------------------------------------------------------------------------------------

def peer_segment(p, seq, ack, flags=ACK, window=65535, payload=b"", bad_tcp=False, remote_port=None):
    """A TCP segment from the connection's peer (p's remote end) to us, its checksum over the
    pseudo header right (wrong if bad_tcp)."""
    src, dst = p["remote_ip"], p["local_ip"]
    sport = p["remote_port"] if remote_port is None else remote_port
    tcp = struct.pack("!HHIIBBHHH", sport, p["local_port"], seq & M32, ack & M32, 5 << 4, flags, window, 0, 0)
    tcp += payload
    c = inet_checksum(src + dst + bytes([0, 6]) + len(tcp).to_bytes(2, "big") + tcp) ^ (0x0100 if bad_tcp else 0)
    return tcp[:16] + c.to_bytes(2, "big") + tcp[18:]


def peer_frame(p, seq, ack, flags=ACK, window=65535, payload=b"", bad_tcp=False, ip_id=0x4242,
               remote_port=None, dst_mac=LOCAL_MAC):
    """That segment in a frame from the peer: Ethernet to dst_mac / IPv4 (DF, TTL 64, its header
    checksum) / TCP, zero padded to 60 bytes."""
    tcp = peer_segment(p, seq, ack, flags, window, payload, bad_tcp, remote_port)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ip_id, 0x4000, 64, 6, 0, p["remote_ip"],
                     p["local_ip"])
    ip = ip[:10] + inet_checksum(ip).to_bytes(2, "big") + ip[12:]
    frame = dst_mac + p["peer_mac"] + b"\x08\x00" + ip + tcp
    return frame + bytes(max(0, fc.ETH_MIN_WIRE_FRAME - len(frame)))


def arp_frame(p):
    arp = bytes.fromhex("0001080006040001") + p["peer_mac"] + p["remote_ip"] + bytes(6) + p["local_ip"]
    return LOCAL_MAC + p["peer_mac"] + b"\x08\x06" + arp + bytes(18)


def parse_tx(frame):
    """A frame the card sent, checked as a receiver would: Ethernet type IPv4, a 20-byte IPv4
    header with its checksum, DF, TCP; the TCP checksum over the pseudo header and segment; the
    frame exactly the datagram, zero padded to ETH_MIN_WIRE_FRAME. Returns its fields."""
    assert len(frame) >= fc.ETH_MIN_WIRE_FRAME, len(frame)
    assert frame[12:14] == b"\x08\x00", frame[12:14].hex()
    ip = frame[14:34]
    assert ip[0] == 0x45, "IPv4, no options"
    assert inet_checksum(ip) == 0, "IP header checksum"
    total = int.from_bytes(ip[2:4], "big")
    assert int.from_bytes(ip[6:8], "big") == 0x4000, "DF, no fragment"
    assert ip[9] == 6, "TCP"
    assert len(frame) == max(14 + total, fc.ETH_MIN_WIRE_FRAME), (len(frame), total)
    assert frame[14 + total:] == bytes(len(frame) - 14 - total), "padding is zero"
    seg = frame[34:14 + total]
    pseudo = ip[12:20] + bytes([0, 6]) + len(seg).to_bytes(2, "big")
    assert inet_checksum(pseudo + seg) == 0, "TCP checksum"
    sport, dport, seq, ack, doff, flags, window, _, urg = struct.unpack("!HHIIBBHHH", seg[:20])
    doff >>= 4
    assert doff >= 5
    return {"dst_mac": frame[0:6], "src_mac": frame[6:12], "tos": ip[1], "ttl": ip[8],
            "ip_id": int.from_bytes(ip[4:6], "big"), "src_ip": ip[12:16], "dst_ip": ip[16:20],
            "sport": sport, "dport": dport, "seq": seq, "ack": ack, "flags": flags, "window": window,
            "urg": urg, "payload": seg[doff * 4:]}


def check_conn(f, p):
    """The addressing every frame of the connection carries from its state block."""
    assert (f["dst_mac"], f["src_mac"]) == (p["peer_mac"], LOCAL_MAC), f
    assert (f["src_ip"], f["dst_ip"]) == (p["local_ip"], p["remote_ip"]), f
    assert (f["sport"], f["dport"]) == (p["local_port"], p["remote_port"]), f
    assert (f["ttl"], f["tos"]) == (p["ttl"], p["tos"]), f


def high(sig):
    v = sig.value
    return v.is_resolvable and int(v) != 0


def lane(sig, index, width):
    """Lane `index` of a packed per-port vector (the other ports' lanes may hold X)."""
    s = sig.value.binstr
    return int(s[len(s) - (index + 1) * width:len(s) - index * width], 2)


# ---- the neighbours --------------------------------------------------------------------------------

class TB(ToeBench):
    """toe_top's neighbours. Models start once reset reaches the DUT, so nothing a previous test
    left on the ports is taken."""

    def __init__(self, dut, seed=1, tick_div=TICK_DIV, pause=True):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        self.rng = random.Random(seed)
        self.pause = pause
        cocotb.start_soon(Clock(dut.clk, CLOCK_PS, units="ps").start())
        self.wb = len(dut.s_axis_rd_data_tdata) // 8
        self.len_width = len(dut.m_axis_rd_desc_len) // 2
        self.mem = bytearray(MEM_SIZE)
        self.next_addr = 0x1000
        self.cpl = []            # Cpl, in stream order
        self.rd_reqs = []        # (port, addr, len)
        self.rd_owed = 0
        self.wr_reqs = []        # (port, addr, len)
        self.wr_status = []      # (cycle due, port)
        self.tx = []             # (cycle, frame) from the transmit wire
        self.l2 = []             # (first beat cycle, frame, tuser, tdest) from the L2 copy
        self.rx_first = []       # first beat cycle of each frame driven on the receive wire
        self.gapless = False     # receive wire frames back to back, no idle cycle at all
        self.ticks = []          # cycles the tick pulse was seen
        self.stat = {n: [] for n in ("stat_claimed", "stat_tx_segment", "stat_retransmit", "stat_rx_dropped",
                                     "stat_rx_csum_error", "fault_rd", "fault_wr")}
        self.req_q = Queue()
        self.rx_q = Queue()
        self.rd_q = Queue()
        for name in ("s_axis_req_tdata", "s_axis_req_tvalid", "m_axis_cpl_tready", "s_axis_rx_tdata",
                     "s_axis_rx_tkeep", "s_axis_rx_tvalid", "s_axis_rx_tlast", "s_axis_rx_tuser",
                     "m_axis_tx_tready", "m_axis_rd_desc_ready", "s_axis_rd_status_error",
                     "s_axis_rd_status_valid", "s_axis_rd_data_tdata", "s_axis_rd_data_tkeep",
                     "s_axis_rd_data_tvalid", "s_axis_rd_data_tlast", "s_axis_rd_data_tuser",
                     "m_axis_wr_desc_ready", "m_axis_wr_data_tready", "s_axis_wr_status_error",
                     "s_axis_wr_status_valid", "quiesce"):
            getattr(dut, name).setimmediatevalue(0)
        dut.local_mac.setimmediatevalue(int.from_bytes(LOCAL_MAC, "big"))
        dut.tick_div.setimmediatevalue(tick_div)
        for name, value in CFG.items():
            getattr(dut, f"cfg_{name}").setimmediatevalue(value)

    def gen(self, salt):
        return random_pause(self.rng.randrange(1 << 30) ^ salt) if self.pause else None

    async def reset(self):
        dut = self.dut
        dut.rst.setimmediatevalue(1)
        for _ in range(2):
            await RisingEdge(dut.clk)
        self.mac = MacTx(dut, "m_axis_tx", dut.clk, gap=3)
        for coro in (self._source(), self._cpl_sink(self.gen(1)), self._rd_desc(self.gen(2)),
                     self._rd_data(self.gen(3)), self._wr(self.gen(4)), self._wr_status(),
                     self._rx_wire(), self._monitor(), self._tx_collect(), self._wire_pause(self.gen(5))):
            cocotb.start_soon(coro)
        for _ in range(2):
            await RisingEdge(dut.clk)
        dut.rst.value = 0
        self.reset_cycle = self.cycle
        # the hash table's and the engine's sweeps (requests wait for both by themselves)
        await self.wait(40)
        assert int(dut.status_idle.value) == 1

    @property
    def cycle(self):
        """Clock edges since time 0 (from the simulation time, so every coroutine woken by one
        edge reads the same number)."""
        return int(get_sim_time("ps")) // CLOCK_PS

    async def _source(self):
        dut = self.dut
        while True:
            v = await self.req_q.get()
            dut.s_axis_req_tdata.value = v
            dut.s_axis_req_tvalid.value = 1
            while True:
                await RisingEdge(dut.clk)
                if int(dut.s_axis_req_tready.value):
                    break
            dut.s_axis_req_tvalid.value = 0

    async def _cpl_sink(self, gen):
        dut = self.dut
        while True:
            ready = 0 if gen and next(gen) else 1
            dut.m_axis_cpl_tready.value = ready
            await RisingEdge(dut.clk)
            if ready and dut.m_axis_cpl_tvalid.value.is_resolvable and int(dut.m_axis_cpl_tvalid.value):
                self.cpl.append(decode_cpl(int(dut.m_axis_cpl_tdata.value), self.cycle))

    async def _wire_pause(self, gen):
        """Back-pressure on the transmit wire, on top of the MAC's inter-frame gap."""
        while True:
            await RisingEdge(self.dut.clk)
            self.mac.pause = bool(gen and next(gen))

    async def _tx_collect(self):
        while True:
            frame = await self.mac.recv()
            self.tx.append((self.cycle, frame))

    async def _rd_desc(self, gen):
        """The read engine's descriptor input behind a round-robin mux: one port offered at a
        time, up to 4 reads owed."""
        dut = self.dut
        lw = self.len_width
        turn = 0
        while True:
            ready = 0
            if not (gen and next(gen)) and self.rd_owed < 4:
                ready = 1 << turn
            turn ^= 1
            dut.m_axis_rd_desc_ready.value = ready
            await RisingEdge(dut.clk)
            port = ready.bit_length() - 1
            if not (ready and lane(dut.m_axis_rd_desc_valid, port, 1)):
                continue
            addr = lane(dut.m_axis_rd_desc_addr, port, 64)
            length = lane(dut.m_axis_rd_desc_len, port, lw)
            self.rd_reqs.append((port, addr, length))
            self.rd_owed += 1
            self.rd_q.put_nowait((self.cycle + self.rng.randrange(4, 24), port, addr, length))

    async def _rd_data(self, gen):
        """Read data in descriptor order on the shared bus, realigned to byte 0 with tkeep,
        tvalid on the requester's port only; then a one-cycle status on that port."""
        dut = self.dut
        wb = self.wb
        while True:
            due, port, addr, length = await self.rd_q.get()
            while self.cycle < due:
                await RisingEdge(dut.clk)
            data = bytes(self.mem[addr:addr + length])
            words = max(1, -(-length // wb))
            for n in range(words):
                while gen and next(gen):
                    dut.s_axis_rd_data_tvalid.value = 0
                    await RisingEdge(dut.clk)
                chunk = data[n * wb:(n + 1) * wb]
                dut.s_axis_rd_data_tdata.value = int.from_bytes(chunk.ljust(wb, b"\0"), "little")
                dut.s_axis_rd_data_tkeep.value = (1 << len(chunk)) - 1
                dut.s_axis_rd_data_tlast.value = int(n == words - 1)
                dut.s_axis_rd_data_tuser.value = 0
                dut.s_axis_rd_data_tvalid.value = 1 << port
                while True:
                    await RisingEdge(dut.clk)
                    if lane(dut.s_axis_rd_data_tready, port, 1):
                        break
            dut.s_axis_rd_data_tvalid.value = 0
            dut.s_axis_rd_data_tlast.value = 0
            dut.s_axis_rd_status_error.value = 0
            dut.s_axis_rd_status_valid.value = 1 << port
            await RisingEdge(dut.clk)
            dut.s_axis_rd_status_valid.value = 0
            self.rd_owed -= 1

    async def _wr(self, gen):
        """The write engine behind a round-robin mux: a descriptor from one port, its words from
        byte 0 on that port's data bus (tlast on the last), stored; the status follows later, in
        order (up to two owed)."""
        dut = self.dut
        wb = self.wb
        width = 8 * wb
        lw = self.len_width
        turn = 0
        while True:
            ready = 0
            if not (gen and next(gen)) and len(self.wr_status) < 2:
                ready = 1 << turn
            turn ^= 1
            dut.m_axis_wr_desc_ready.value = ready
            await RisingEdge(dut.clk)
            port = ready.bit_length() - 1
            if not (ready and lane(dut.m_axis_wr_desc_valid, port, 1)):
                continue
            dut.m_axis_wr_desc_ready.value = 0
            addr = lane(dut.m_axis_wr_desc_addr, port, 64)
            length = lane(dut.m_axis_wr_desc_len, port, lw)
            words = -(-length // wb)
            data = bytearray()
            while len(data) < words * wb:
                r = 0 if gen and next(gen) else 1
                dut.m_axis_wr_data_tready.value = r << port
                await RisingEdge(dut.clk)
                if r and lane(dut.m_axis_wr_data_tvalid, port, 1):
                    data += lane(dut.m_axis_wr_data_tdata, port, width).to_bytes(wb, "little")
                    last = lane(dut.m_axis_wr_data_tlast, port, 1)
                    assert last == (len(data) == words * wb), "tlast on the last word"
            dut.m_axis_wr_data_tready.value = 0
            self.mem[addr:addr + length] = data[:length]
            self.wr_reqs.append((port, addr, length))
            last_due = self.wr_status[-1][0] if self.wr_status else self.cycle
            self.wr_status.append((max(last_due + 1, self.cycle + self.rng.randrange(2, 16)), port))

    async def _wr_status(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            dut.s_axis_wr_status_valid.value = 0
            if self.wr_status and self.wr_status[0][0] <= self.cycle:
                _, port = self.wr_status.pop(0)
                dut.s_axis_wr_status_error.value = 0
                dut.s_axis_wr_status_valid.value = 1 << port

    async def _rx_wire(self):
        """The receive wire: never waits for the card; frames with a random gap between them
        (0 to 7 cycles) and now and then an idle cycle inside one."""
        dut = self.dut
        rng = random.Random(self.rng.randrange(1 << 30))
        while True:
            frame = await self.rx_q.get()
            for off in range(0, len(frame), 8):
                while off and self.pause and not self.gapless and rng.random() < 0.05:
                    dut.s_axis_rx_tvalid.value = 0
                    await RisingEdge(dut.clk)
                chunk = frame[off:off + 8]
                dut.s_axis_rx_tdata.value = int.from_bytes(chunk.ljust(8, b"\0"), "little")
                dut.s_axis_rx_tkeep.value = (1 << len(chunk)) - 1
                dut.s_axis_rx_tlast.value = int(off + 8 >= len(frame))
                dut.s_axis_rx_tuser.value = 0
                dut.s_axis_rx_tvalid.value = 1
                await RisingEdge(dut.clk)
                if off == 0:
                    self.rx_first.append(self.cycle)
            dut.s_axis_rx_tvalid.value = 0
            dut.s_axis_rx_tlast.value = 0
            # (gapless: the next frame's first beat overrides these in this same time step)
            for _ in range(0 if self.gapless else rng.randrange(8) if self.pause else 3):
                await RisingEdge(dut.clk)

    async def _monitor(self):
        """The L2 copy of the wire (frames with their tuser and tdest on tlast), the tick pulse
        and the stat and fault pulses, each edge."""
        dut = self.dut
        cur = bytearray()
        first = None
        while True:
            await RisingEdge(dut.clk)
            c = self.cycle
            if high(dut.tick_reg):
                self.ticks.append(c)
            for name, cycles in self.stat.items():
                if high(getattr(dut, name)):
                    cycles.append(c)
            if high(dut.m_axis_l2_tvalid):
                if first is None:
                    first = c
                keep = int(dut.m_axis_l2_tkeep.value)
                data = int(dut.m_axis_l2_tdata.value).to_bytes(8, "little")
                cur += bytes(data[i] for i in range(8) if keep >> i & 1)
                if int(dut.m_axis_l2_tlast.value):
                    self.l2.append((first, bytes(cur), int(dut.m_axis_l2_tuser.value),
                                    int(dut.m_axis_l2_tdest.value)))
                    cur = bytearray()
                    first = None

    # ---- what tests call ---------------------------------------------------------------------

    def wire_rx(self, frame):
        self.rx_q.put_nowait(bytes(frame))

    async def rx_done(self):
        """Every frame queued on the receive wire driven, and time for the parser and engine."""
        await self.until(lambda: self.rx_q.empty() and not int(self.dut.s_axis_rx_tvalid.value), what="the wire")
        await self.wait(100)

    def events(self):
        """Events other than the send-backlog indication (R69, raised once an RTT is known)."""
        return [c for c in self.find(kind=Kind.EVENT) if c.opcode != Ev.TCP_SEND_BACKLOG]

    def ticks_before(self, cycle):
        return sum(1 for t in self.ticks if t < cycle)

    async def initiate(self, p, tag):
        """Install a connection (state block in host memory, read on the state port); returns
        its id."""
        addr = self.alloc(fc.CONN_STATE_BYTES)
        self.mem[addr:addr + fc.CONN_STATE_BYTES] = state_block(p)
        reads = len(self.rd_reqs)
        self.request(Op.OFFLOAD_INITIATE, tag, addr=addr, length=fc.CONN_STATE_BYTES)
        c = await self.completion(Op.OFFLOAD_INITIATE, tag)
        assert (c.kind, c.status) == (Kind.COMPLETION, St.OK), c
        assert c.conn < 1 << int(self.dut.CONN_WIDTH.value), c
        assert self.rd_reqs[reads:] == [(1, addr, fc.CONN_STATE_BYTES)], "the state block, on the state port"
        return c.conn

    def tx_frames(self, start=0):
        return [parse_tx(f) for _, f in self.tx[start:]]

    async def check_quiet(self):
        """No DMA fault, nothing dropped for want of room, no frame aborted on the wire; and every
        block idle soon after (status_idle)."""
        assert not self.stat["fault_rd"] and not self.stat["fault_wr"], self.stat
        assert not self.stat["stat_rx_dropped"], self.stat["stat_rx_dropped"]
        assert self.mac.aborted == 0
        await self.until(lambda: int(self.dut.status_idle.value) == 1, 1000, "status_idle")


# ---- 1. initiate, send, ACK --------------------------------------------------------------------

@cocotb.test()
async def test_initiate_send_ack_on_the_wire(dut):
    """Initiate: the state block is read on DMA read port 1 and the connection completes OK with
    its id. A 3100-byte PUSH send from host memory then leaves on the wire as four valid
    Ethernet/IPv4/TCP frames (both checksums right, zero padded, the connection's MACs, addresses,
    ports, TTL and TOS) cut at the MSS (1000, 1000, 1000, 100) from SND.UNA, PSH on the last only,
    acknowledging RCV.NXT, their payload exactly host memory, read on DMA read port 0 one
    segment at a time; nothing is written. The peer's ACK frame on the receive wire for the
    first 1000 bytes completes nothing; its ACK of all 3100 completes the send OK with its
    length. Nothing more is sent (no retransmission) and no event but the send backlog."""
    tb = TB(dut, seed=1)
    await tb.reset()
    p = conn_params(0)
    conn = await tb.initiate(p, 0x101)
    s0, r0 = p["snd_una"], p["rcv_nxt"]
    a = 0x20000 + 0x13     # an odd address: the DMA realigns
    data = random.Random(11).randbytes(3100)
    tb.mem[a:a + len(data)] = data
    tb.request(Op.TCP_SEND, 0x102, addr=a, length=len(data), conn=conn, flags=fc.RequestFlag.PUSH)
    await tb.until(lambda: len(tb.tx) == 4, what="the send's four frames")
    await tb.wait(300)
    frames = tb.tx_frames()
    assert len(frames) == 4, [(f["seq"], len(f["payload"])) for f in frames]
    off = 0
    for i, f in enumerate(frames):
        check_conn(f, p)
        n = min(p["mss"], len(data) - off)
        assert (f["seq"], f["ack"], len(f["payload"])) == (seq_add(s0, off), r0, n), (i, f)
        assert f["flags"] == (ACK | PSH if i == 3 else ACK), (i, hex(f["flags"]))
        assert f["window"] == p["rcv_wnd"], f["window"]
        assert f["payload"] == data[off:off + n], f"segment {i}: payload differs from host memory"
        off += n
    assert tb.rd_reqs[1:] == [(0, a + k, min(1000, 3100 - k)) for k in range(0, 3100, 1000)], tb.rd_reqs
    assert tb.wr_reqs == []
    assert len(tb.stat["stat_tx_segment"]) == 4 and not tb.stat["stat_retransmit"], tb.stat
    assert not tb.find(opcode=Op.TCP_SEND), "no completion before an ACK"

    tb.wire_rx(peer_frame(p, r0, seq_add(s0, 1000)))
    await tb.rx_done()
    await tb.wait(200)
    assert not tb.find(opcode=Op.TCP_SEND), "a partial ACK completes nothing"
    tb.wire_rx(peer_frame(p, r0, seq_add(s0, 3100)))
    c = await tb.completion(Op.TCP_SEND, 0x102)
    assert (c.status, c.length, c.conn) == (St.OK, 3100, conn), c
    await tb.wait(300)
    assert len(tb.tx) == 4, "a pure ACK needs no answer; nothing sent again"
    assert len(tb.stat["stat_claimed"]) == 2, "both ACK frames taken by the TOE"
    assert [d for _, _, _, d in tb.l2] == [1, 1], "and marked for the L2 path to drop"
    assert not tb.events(), tb.events()
    await tb.check_quiet()


# ---- 2. receive ---------------------------------------------------------------------------------

@cocotb.test()
async def test_receive_placed_in_posted_buffers_and_acked(dut):
    """Two TCP_RECV_POSTs (1500 and 4000 bytes), then four in-order data frames on the receive
    wire (700, 700, 700 and 400 bytes, PSH on the last): the payload is written by DMA (write
    port 0 only) into the posted buffers in order, the third segment split across the two; the
    first buffer completes OK with 1500 once full, the second with 1000 at the PSH; host memory
    holds exactly the data. Every second segment is acknowledged at once (ACK frequency 2): the
    card sends valid ACK frames, no payload, SEQ = SND.UNA, the last acknowledging all 2500
    bytes, well before the delayed-ACK timer could have run. The L2 copy marks all four frames
    as the TOE's."""
    tb = TB(dut, seed=2)
    await tb.reset()
    p = conn_params(1)
    conn = await tb.initiate(p, 0x201)
    s0, r0 = p["snd_una"], p["rcv_nxt"]
    b1, b2 = 0x30000 + 0x5, 0x40000
    tb.mem[b1 - 64:b1 + 1600] = bytes([0xa5]) * 1664
    tb.mem[b2 - 64:b2 + 4100] = bytes([0xa5]) * 4164
    tb.request(Op.TCP_RECV_POST, 0x202, addr=b1, length=1500, conn=conn)
    tb.request(Op.TCP_RECV_POST, 0x203, addr=b2, length=4000, conn=conn)
    await tb.wait(200)
    data = random.Random(22).randbytes(2500)
    cuts = [(0, 700), (700, 700), (1400, 700), (2100, 400)]
    for i, (off, n) in enumerate(cuts):
        tb.wire_rx(peer_frame(p, seq_add(r0, off), s0, flags=ACK | PSH if i == 3 else ACK,
                              payload=data[off:off + n], ip_id=i))
    c1 = await tb.completion(Op.TCP_RECV_POST, 0x202)
    c2 = await tb.completion(Op.TCP_RECV_POST, 0x203)
    t_last = tb.rx_first[-1]
    assert (c1.status, c1.length, c1.conn) == (St.OK, 1500, conn), c1
    assert (c2.status, c2.length, c2.conn) == (St.OK, 1000, conn), c2
    assert tb.mem[b1:b1 + 1500] == data[:1500], "first buffer"
    assert tb.mem[b2:b2 + 1000] == data[1500:], "second buffer"
    assert tb.mem[b1 - 64:b1] == bytes([0xa5]) * 64 and tb.mem[b1 + 1500:b1 + 1600] == bytes([0xa5]) * 100
    assert tb.mem[b2 + 1000:b2 + 4100] == bytes([0xa5]) * 3100, "nothing written past the data"
    assert all(port == 0 for port, _, _ in tb.wr_reqs), tb.wr_reqs
    assert sum(n for _, _, n in tb.wr_reqs) == 2500, tb.wr_reqs
    assert (0, b1, 700) in tb.wr_reqs and (0, b2, 600) in tb.wr_reqs, tb.wr_reqs

    await tb.until(lambda: any(parse_tx(f)["ack"] == seq_add(r0, 2500) for _, f in tb.tx), 2000,
                   "the ACK of all the data")
    acked_at = next(c for c, f in tb.tx if parse_tx(f)["ack"] == seq_add(r0, 2500))
    assert acked_at - t_last < TICK_DIV, "an immediate ACK, not the delayed-ACK timer"
    await tb.wait(200)
    acks = tb.tx_frames()
    assert len(acks) == 2, [a["ack"] - r0 for a in acks]
    for f in acks:
        check_conn(f, p)
        assert (f["seq"], f["flags"], f["payload"]) == (s0, ACK, b""), f
        assert 0 < f["window"] <= p["rcv_wnd"], f["window"]
    assert [(f["ack"] - r0) & M32 for f in acks] == [1400, 2500]
    assert len(tb.stat["stat_claimed"]) == 4
    assert [d for _, _, _, d in tb.l2] == [1, 1, 1, 1]
    assert not tb.events(), tb.events()
    await tb.check_quiet()


# ---- 3. what the TOE does not take ----------------------------------------------------------------

@cocotb.test()
async def test_l2_copy_marks_only_frames_the_toe_took(dut):
    """The L2 output is every wire frame, byte for byte and in order, each a fixed number of
    cycles after it came in, with tdest on tlast marking the frames the TOE took. With a receive
    buffer posted on an offloaded connection: a segment for a 4-tuple that is not offloaded (the
    peer's port one higher), an ARP frame and a segment of the offloaded 4-tuple sent to another
    MAC all pass unmarked (tdest 0) and are not claimed; a data segment of the offloaded 4-tuple
    with a bad TCP checksum is marked (tdest 1: the L2 path drops it) but not taken: counted as a
    checksum error, nothing written, nothing completed, no ACK. The same segment with a good
    checksum is claimed, marked, placed in the buffer and completes it."""
    tb = TB(dut, seed=3)
    await tb.reset()
    p = conn_params(2)
    conn = await tb.initiate(p, 0x301)
    s0, r0 = p["snd_una"], p["rcv_nxt"]
    buf = 0x50000
    tb.request(Op.TCP_RECV_POST, 0x302, addr=buf, length=100, conn=conn)
    await tb.wait(100)
    payload = random.Random(33).randbytes(100)
    other = peer_frame(p, r0, s0, payload=payload, remote_port=p["remote_port"] + 1)
    arp = arp_frame(p)
    wrong_mac = peer_frame(p, r0, s0, payload=payload, dst_mac=bytes.fromhex("02000000aa02"))
    bad = peer_frame(p, r0, s0, payload=payload, bad_tcp=True)
    good = peer_frame(p, r0, s0, payload=payload)
    assert bad != good
    sent = [other, arp, wrong_mac, bad]
    for f in sent:
        tb.wire_rx(f)
    await tb.rx_done()
    await tb.wait(400)
    assert [(f, u, d) for _, f, u, d in tb.l2] == [(other, 0, 0), (arp, 0, 0), (wrong_mac, 0, 0), (bad, 0, 1)]
    assert not tb.stat["stat_claimed"], "none of them claimed"
    assert len(tb.stat["stat_rx_csum_error"]) == 1, tb.stat["stat_rx_csum_error"]
    assert tb.wr_reqs == [] and tb.mem[buf:buf + 100] == bytes(100), "nothing placed"
    assert not tb.find(opcode=Op.TCP_RECV_POST) and not tb.tx, "nothing completed or sent"

    tb.wire_rx(good)
    c = await tb.completion(Op.TCP_RECV_POST, 0x302)
    assert (c.status, c.length, c.conn) == (St.OK, 100, conn), c
    assert tb.mem[buf:buf + 100] == payload
    assert tb.wr_reqs == [(0, buf, 100)]
    assert [(f, u, d) for _, f, u, d in tb.l2][4:] == [(good, 0, 1)]
    assert len(tb.stat["stat_claimed"]) == 1
    delays = [out - inp for (out, _, _, _), inp in zip(tb.l2, tb.rx_first)]
    assert len(delays) == 5 and len(set(delays)) == 1, f"a fixed delay: {delays}"
    assert not tb.events(), tb.events()
    await tb.check_quiet()


# ---- 4. the tick divider and the retransmission timer ----------------------------------------------

@cocotb.test()
async def test_tick_divider_drives_retransmission_timer(dut):
    """With tick_div 200 the timer tick is one pulse every 200 cycles exactly. A 1000-byte send
    that is never acknowledged leaves as one frame; the retransmission timer (initial RTO: five
    minimum RTOs, 10 ticks, no RTT known) sends it again, the same segment (SEQ, ACK, flags and
    payload, valid checksums), exactly RTO ticks after the first (counted on the divider's
    pulses, so 2000 cycles give or take one tick), then after the backed-off RTO (capped at the
    16-tick maximum). After TCP_MAX_RETRANSMISSIONS (2) the next expiry raises TCP_RETRIEVE with
    TIMEOUT_EXPIRATION and nothing more is sent; the send stays outstanding. stat_retransmit
    pulses once per retransmission, stat_tx_segment once per frame."""
    div = 200
    tb = TB(dut, seed=4, tick_div=div)
    await tb.reset()
    p = conn_params(3)
    conn = await tb.initiate(p, 0x401)
    s0, r0 = p["snd_una"], p["rcv_nxt"]
    a = 0x60000
    data = random.Random(44).randbytes(1000)
    tb.mem[a:a + 1000] = data
    tb.request(Op.TCP_SEND, 0x402, addr=a, length=1000, conn=conn)
    await tb.until(lambda: tb.stat["stat_tx_segment"], what="the send's segment")
    sent_at = tb.stat["stat_tx_segment"][0]
    t0 = tb.ticks_before(sent_at)
    rto = initial_rto(p, CFG)
    expiry = [rto]
    for _ in range(CFG["max_retransmissions"]):
        rto = min(rto * 2, CFG["max_rto_ticks"])
        expiry.append(expiry[-1] + rto)
    retrieve_at = t0 + expiry[CFG["max_retransmissions"]]
    await tb.until(lambda: tb.events(), (retrieve_at + 2 - t0) * div + 500, "the TCP_RETRIEVE event")
    await tb.wait(3 * div)

    gaps = {b - a for a, b in zip(tb.ticks, tb.ticks[1:])}
    assert gaps == {div}, f"tick pulses every tick_div cycles: {sorted(gaps)}"
    assert len(tb.ticks) >= retrieve_at
    rtx = tb.stat["stat_retransmit"]
    assert [tb.ticks_before(c) - t0 for c in rtx] == expiry[:CFG["max_retransmissions"]], (
        [tb.ticks_before(c) - t0 for c in rtx], expiry)
    assert abs((rtx[0] - sent_at) - expiry[0] * div) <= div, (rtx[0] - sent_at, expiry[0] * div)
    assert len(tb.stat["stat_tx_segment"]) == 1 + len(rtx), "every frame counted once"
    frames = tb.tx_frames()
    assert len(frames) == 1 + CFG["max_retransmissions"], len(frames)
    for f in frames:
        check_conn(f, p)
        assert (f["seq"], f["ack"], f["flags"], f["payload"]) == (s0, r0, ACK, data), f
    ev = tb.events()
    assert [(e.opcode, e.status, e.conn, e.info) for e in ev] == [
        (Ev.TCP_RETRIEVE, St.OK, conn, fc.UploadReason.TIMEOUT_EXPIRATION)], ev
    assert tb.ticks_before(ev[0].cycle) == retrieve_at, (tb.ticks_before(ev[0].cycle), retrieve_at)
    assert not tb.find(opcode=Op.TCP_SEND), "the send stays outstanding"
    await tb.check_quiet()


# ---- 5. a forwarded segment ---------------------------------------------------------------------------

@cocotb.test()
async def test_forwarded_segment_taken_like_a_wire_frame(dut):
    """TCP_FORWARD (R62): a 320-byte segment from host memory (TCP header and 300 bytes of data
    at RCV.NXT, as the peer sent it) is read on DMA read port 1 and the forward completes OK;
    toe_fwd_parse makes its record and payload beside the parser, so the L2 copy shows only a
    frame of another 4-tuple arriving on the wire meanwhile, unchanged and unmarked. The engine
    takes it as data: the next 200 bytes then come on the wire, and the posted 500-byte buffer
    holds both and completes OK, and the card acknowledges all 500 bytes at once (the second
    segment). Both segments are counted as taken (stat_claimed)."""
    tb = TB(dut, seed=5)
    await tb.reset()
    p = conn_params(4)
    conn = await tb.initiate(p, 0x501)
    s0, r0 = p["snd_una"], p["rcv_nxt"]
    buf = 0x70000
    tb.request(Op.TCP_RECV_POST, 0x502, addr=buf, length=500, conn=conn)
    rng = random.Random(55)
    d1, d2 = rng.randbytes(300), rng.randbytes(200)
    seg = peer_segment(p, r0, s0, payload=d1)
    fa = tb.alloc(len(seg)) + 0x7
    tb.mem[fa:fa + len(seg)] = seg
    other = peer_frame(p, r0, s0, payload=rng.randbytes(400), remote_port=p["remote_port"] + 1)
    tb.request(Op.TCP_FORWARD, 0x503, addr=fa, length=len(seg), conn=conn)
    await tb.wait(20)
    tb.wire_rx(other)
    c = await tb.completion(Op.TCP_FORWARD, 0x503)
    assert (c.status, c.conn) == (St.OK, conn), c
    assert (1, fa, len(seg)) in tb.rd_reqs, tb.rd_reqs
    await tb.until(lambda: len(tb.l2) == 1, what="the wire frame on the L2 copy")
    last = peer_frame(p, seq_add(r0, 300), s0, flags=ACK | PSH, payload=d2)
    tb.wire_rx(last)
    c = await tb.completion(Op.TCP_RECV_POST, 0x502)
    assert (c.status, c.length, c.conn) == (St.OK, 500, conn), c
    assert tb.mem[buf:buf + 500] == d1 + d2
    assert len(tb.stat["stat_claimed"]) == 2
    assert [(f, u, d) for _, f, u, d in tb.l2] == [(other, 0, 0), (last, 0, 1)], "nothing of the forward on the L2 copy"
    await tb.until(lambda: tb.tx, 2000, "the ACK")
    await tb.wait(200)
    acks = tb.tx_frames()
    assert len(acks) == 1, acks
    check_conn(acks[0], p)
    assert (acks[0]["seq"], acks[0]["ack"], acks[0]["flags"], acks[0]["payload"]) == (s0, seq_add(r0, 500), ACK, b"")
    assert not tb.events(), tb.events()
    await tb.check_quiet()


@cocotb.test()
async def test_forwarded_segment_placed_while_the_wire_is_saturated(dut):
    """R62 at line rate: 100 full-size frames (1514 bytes, a 4-tuple the TOE does not hold) back
    to back on the receive wire, not one idle cycle for 19 000 cycles (the L2 copy shows each
    frame's first beat exactly 190 cycles after the previous one). A forward of 300 bytes with PSH
    at RCV.NXT, requested 2 000 cycles into the burst, is read, taken by the engine and placed:
    the posted buffer completes with its bytes within FWD_BOUND cycles of the request, while the
    burst is still on the wire. (Inserted in front of the parser, it waited for a gap in the wire
    that never came.) The burst's frames pass to the L2 copy unchanged and unmarked."""
    FWD_BOUND = 600
    tb = TB(dut, seed=6)
    await tb.reset()
    p = conn_params(5)
    conn = await tb.initiate(p, 0x601)
    s0, r0 = p["snd_una"], p["rcv_nxt"]
    buf = 0x70000
    tb.request(Op.TCP_RECV_POST, 0x602, addr=buf, length=1000, conn=conn)
    await tb.wait(200)
    rng = random.Random(66)
    d1 = rng.randbytes(300)
    seg = peer_segment(p, r0, s0, flags=ACK | PSH, payload=d1)
    fa = tb.alloc(len(seg)) + 0x3
    tb.mem[fa:fa + len(seg)] = seg
    burst = [peer_frame(p, rng.getrandbits(32), s0, payload=rng.randbytes(1460), remote_port=p["remote_port"] + 1,
                        ip_id=i) for i in range(100)]
    assert all(len(f) == 1514 for f in burst)
    tb.gapless = True
    first = len(tb.rx_first)
    for f in burst:
        tb.wire_rx(f)
    await tb.until(lambda: len(tb.rx_first) > first and tb.cycle - tb.rx_first[first] >= 2000, 5000,
                   "2000 cycles of the burst")
    asked = tb.cycle
    tb.request(Op.TCP_FORWARD, 0x603, addr=fa, length=len(seg), conn=conn)
    c = await tb.completion(Op.TCP_RECV_POST, 0x602, cycles=FWD_BOUND)
    assert (c.status, c.length, c.conn) == (St.OK, 300, conn), c
    took = c.cycle - asked
    dut._log.warning("forwarded segment placed %d cycles after the request, the wire saturated", took)
    assert took <= FWD_BOUND, took
    assert not tb.rx_q.empty(), "the burst is still on the wire"
    assert tb.mem[buf:buf + 300] == d1
    f = tb.find(opcode=Op.TCP_FORWARD, tag=0x603)
    assert [(x.status, x.conn) for x in f] == [(St.OK, conn)], f

    await tb.until(lambda: len(tb.l2) == len(burst), 25000, "the burst on the L2 copy")
    tb.gapless = False
    starts = [t for t, _, _, _ in tb.l2]
    assert all(b - a == 190 for a, b in zip(starts, starts[1:])), "back to back: no idle cycle"
    assert [(fr, u, d) for _, fr, u, d in tb.l2] == [(fr, 0, 0) for fr in burst]
    await tb.until(lambda: tb.tx, 2000, "the ACK")
    await tb.wait(200)
    acks = tb.tx_frames()
    assert acks and acks[-1]["ack"] == seq_add(r0, 300), acks
    await tb.check_quiet()
