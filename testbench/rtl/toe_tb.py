"""What the TOE block benches (toe_engine, toe_top, toe_fwd_parse) share: contract structs as
integers, the TOE-internal record layouts (toe_defs.vh), the completion record, the flat
connection state block an OFFLOAD_INITIATE reads, sequence arithmetic, the RTO an initiate
installs, and the calls both benches' tests make (ToeBench)."""

import collections
import os
import re

from cocotb.triggers import RisingEdge

import flue_contract as fc

M32 = 0xffffffff


def toe_layout(rec):
    """TOE_<rec>_*_LSB from toe_defs.vh as field -> (lsb, width): a field runs up to the next
    one's lsb, the last to TOE_<rec>_WIDTH."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hdl", "toe", "toe_defs.vh")
    lsbs = {}
    total = None
    with open(path) as f:
        for line in f:
            m = re.match(rf"`define\s+TOE_{rec}_(\w+)_LSB\s+(\d+)", line.strip())
            if m:
                lsbs[m.group(1).lower()] = int(m.group(2))
            m = re.match(rf"`define\s+TOE_{rec}_WIDTH\s+(\d+)", line.strip())
            if m:
                total = int(m.group(1))
    order = sorted(lsbs.items(), key=lambda kv: kv[1])
    ends = [lsb for _, lsb in order[1:]] + [total]
    return {name: (lsb, end - lsb) for (name, lsb), end in zip(order, ends)}


def pack(layout, **values):
    """A record of a toe_layout as an integer."""
    v = 0
    for name, val in values.items():
        lsb, width = layout[name]
        assert 0 <= val < 1 << width, (name, val)
        v |= val << lsb
    return v


def unpack(layout, v):
    return {name: (v >> lsb) & ((1 << width) - 1) for name, (lsb, width) in layout.items()}


def pack_fields(fields, **values):
    """A contract struct (flue_contract *_FIELDS: byte, bytes, bit, width) as an integer."""
    v = 0
    for name, val in values.items():
        byte, _, bit, width = fields[name]
        assert 0 <= val < 1 << width, (name, val)
        v |= val << (byte * 8 + bit)
    return v


def unpack_fields(fields, v):
    return {name: (v >> (byte * 8 + bit)) & ((1 << width) - 1) for name, (byte, _, bit, width) in fields.items()}


Cpl = collections.namedtuple("Cpl", "kind opcode status tag length conn info cycle")


def decode_cpl(v, cycle):
    f = unpack_fields(fc.CPL_ENTRY_FIELDS, v)
    return Cpl(f["kind"], f["opcode"], f["status"], f["tag"], f["length"], f["conn"], f["info"], cycle)


def seq_add(a, n):
    return (a + n) & M32


def state_block(p):
    """The flat connection state block (CONN_STATE_BYTES) an initiate reads, as chimney.ts
    writeConnState lays it out: MACs and IPv4 addresses as their bytes (wire order), the rest
    little endian. p holds the fields a bench's conn_params gives; those it may leave out
    default to no VLAN, no window scaling, nothing in flight, no timer running, no keepalive."""
    snd_nxt = p.get("snd_nxt", p["snd_una"])
    v = pack_fields(fc.CONN_STATE_BLOCK_FIELDS, neighborId=p.get("neighbor", 0), validMask=p["valid_mask"])
    v |= pack_fields(fc.NEIGHBOR_STATE_FIELDS, dlSourceAddress=0, vlanId=p.get("vlan", 0),
                     dlDestinationAddress=int.from_bytes(p["peer_mac"], "little"),
                     hostReachabilityDelta=p.get("hrd", 0), nicReachabilityDelta=p.get("nrd", 0)
                     ) << (8 * fc.CONN_STATE_NEIGHBOR_OFFSET)
    v |= pack_fields(fc.PATH_STATE_FIELDS, sourceAddress=int.from_bytes(p["local_ip"], "little"),
                     destinationAddress=int.from_bytes(p["remote_ip"], "little"),
                     pathMtu=p["mtu"]) << (8 * fc.CONN_STATE_PATH_OFFSET)
    v |= pack_fields(fc.TCP_CONST_STATE_FIELDS, flags=p.get("const_flags", 0), remotePort=p["remote_port"],
                     localPort=p["local_port"], sndWindScale=p.get("snd_ws", 0), rcvWindScale=p.get("rcv_ws", 0),
                     remoteMss=p["mss"]) << (8 * fc.CONN_STATE_TCP_CONST_OFFSET)
    v |= pack_fields(fc.TCP_CACHED_STATE_FIELDS, ttl=p["ttl"], tos=p["tos"], initialRcvWnd=p["rcv_wnd"],
                     flags=p.get("cached_flags", 0), kaProbeCount=p.get("ka_probe_count", 0),
                     kaTimeout=p.get("ka_timeout", 0),
                     kaInterval=p.get("ka_interval", 0), maxRt=p.get("max_rt", 0)) << (8 * fc.CONN_STATE_TCP_CACHED_OFFSET)
    v |= pack_fields(fc.TCP_DELEGATED_STATE_FIELDS, state=p["state"], rcvNxt=p["rcv_nxt"], rcvWnd=p["rcv_wnd"],
                     sndUna=p["snd_una"], sndNxt=snd_nxt, sndMax=p.get("snd_max", snd_nxt), sndWnd=p["snd_wnd"],
                     maxSndWnd=p["max_snd_wnd"], sendWl1=p.get("wl1", p["rcv_nxt"]), cWnd=p["cwnd"],
                     ssThresh=p["ssthresh"], sRtt=p["srtt"], rttVar=p["rttvar"], kaTimeoutDelta=p.get("ka_delta", M32),
                     kaProbeCount=p.get("ka_probes", 0), rtCount=p.get("rt_count", 0), totalRt=p.get("total_rt", 0),
                     rtTimeoutDelta=p.get("rt_delta", M32),
                     sndWndProbeCount=p.get("wnd_probe", 0)) << (8 * fc.CONN_STATE_TCP_DELEGATED_OFFSET)
    return v.to_bytes(fc.CONN_STATE_BYTES, "little")


def initial_rto(p, cfg):
    """The RTO an initiate installs: RFC 6298 from the block's SRTT (x8) and RTTVAR (x4), or five
    minimum RTOs when no RTT is known, within the configured bounds."""
    if p["srtt"] == 0:
        return min(cfg["min_rto_ticks"] * 5, cfg["max_rto_ticks"])
    return min(max((p["srtt"] >> 3) + p["rttvar"], cfg["min_rto_ticks"]), cfg["max_rto_ticks"])


class ToeBench:
    """The calls tests make on either bench: host memory allocation, request descriptors, waiting
    and the completions found. A subclass has dut, next_addr, req_q (descriptors as integers)
    and cpl (decoded completions and events, in stream order)."""

    def alloc(self, n, align=64):
        addr = self.next_addr
        self.next_addr = (addr + n + align - 1) // align * align
        return addr

    def request(self, opcode, tag, addr=0, length=0, conn=0, flags=0, param=0):
        self.req_q.put_nowait(pack_fields(fc.REQ_DESC_FIELDS, opcode=int(opcode), flags=int(flags), tag=tag,
                                          addr=addr, length=length, conn=conn, param=param))

    async def wait(self, cycles):
        for _ in range(cycles):
            await RisingEdge(self.dut.clk)

    async def until(self, cond, cycles=20000, what="a condition"):
        for _ in range(cycles):
            if cond():
                return
            await RisingEdge(self.dut.clk)
        assert cond(), f"timed out waiting for {what}"

    def find(self, kind=fc.EntryKind.COMPLETION, opcode=None, tag=None, conn=None):
        return [c for c in self.cpl if c.kind == kind and (opcode is None or c.opcode == opcode)
                and (tag is None or c.tag == tag) and (conn is None or c.conn == conn)]

    async def completion(self, opcode, tag, cycles=20000):
        """The one completion of (opcode, tag)."""
        await self.until(lambda: self.find(opcode=opcode, tag=tag), cycles, f"completion of {opcode!r} tag {tag:#x}")
        got = self.find(opcode=opcode, tag=tag)
        assert len(got) == 1, got
        return got[0]
