"""toe_hash: every lookup and update checked against a Python model of the table (a dict plus
per-bucket occupancy from the same XOR-fold hash): lookups answered exactly LOOKUP_LATENCY
cycles after acceptance, in order, a lookup accepted in or after the cycle an update completes
(and, as documented, one cycle before) sees it; inserts fail on a duplicate key or a full
bucket, removes on an absent key or another conn; lookups every cycle; connection sets that
differ in one port or the remote address's last byte all fit; reset mid-run, then the clear
sweep (2^BUCKET_LOG2 cycles, both ports not ready, table empty after)."""

import logging
import os
import random
import re
from collections import deque

import cocotb
from cocotb.clock import Clock
from cocotb.regression import TestFactory
from cocotb.triggers import RisingEdge, with_timeout

from flue_tb import pulse_reset, random_pause

INSERT = 0
REMOVE = 1
LOOKUP_LATENCY = 3   # the module's documented fixed latency


def toe_defs():
    """The `define values of hdl/toe/toe_defs.vh (name without TOE_ -> int)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "hdl", "toe",
                        "toe_defs.vh")
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"`define\s+TOE_(\w+)\s+(\d+)", line.strip())
            if m:
                out[m.group(1)] = int(m.group(2))
    return out


DEFS = toe_defs()
KEY_WIDTH = DEFS["KEY_WIDTH"]


def make_key(local_port, remote_port, local_ip, remote_ip):
    return (local_port << DEFS["KEY_LOCAL_PORT_LSB"] | remote_port << DEFS["KEY_REMOTE_PORT_LSB"]
            | local_ip << DEFS["KEY_LOCAL_IP_LSB"] | remote_ip << DEFS["KEY_REMOTE_IP_LSB"])


def bucket_of(key, bits):
    """The documented hash: XOR fold of the key in bits-wide chunks from bit 0."""
    h = 0
    mask = (1 << bits) - 1
    while key:
        h ^= key & mask
        key >>= bits
    return h


class Model:
    """The table as the spec describes it: key -> conn, at most WAYS keys per bucket."""

    def __init__(self, bits, ways):
        self.bits = bits
        self.ways = ways
        self.table = {}
        self.load = [0] * (1 << bits)

    def clear(self):
        self.table.clear()
        self.load = [0] * (1 << self.bits)

    def lookup(self, key):
        return (1, self.table[key]) if key in self.table else (0, 0)

    def apply(self, op, key, conn):
        """Returns (ok, reason)."""
        b = bucket_of(key, self.bits)
        if op == INSERT:
            if key in self.table:
                return 0, "dup"
            if self.load[b] >= self.ways:
                return 0, "full"
            self.table[key] = conn
            self.load[b] += 1
            return 1, "insert"
        if key not in self.table:
            return 0, "absent"
        if self.table[key] != conn:
            return 0, "wrong_conn"
        del self.table[key]
        self.load[b] -= 1
        return 1, "remove"


class TB:
    """One coroutine drives both input ports from queues (each with its own idle generator,
    valid held until accepted) and checks every output cycle by cycle against the model."""

    def __init__(self, dut, idle=None, seed=1):
        self.dut = dut
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
        self.conn_width = int(dut.CONN_WIDTH.value)
        self.bits = int(dut.BUCKET_LOG2.value)
        self.ways = int(dut.WAYS.value)
        self.buckets = 1 << self.bits
        self.model = Model(self.bits, self.ways)
        self.lookups = deque()
        self.updates = deque()
        self.l_idle = idle(seed) if idle else None
        self.u_idle = idle(seed + 1000) if idle else None
        self.l_cur = None
        self.u_cur = None
        self.p_lookups = deque()   # [accept cycle, key, expected (hit, conn)]
        self.p_updates = deque()   # (accept cycle, op, key, conn)
        self.cycle = 0
        self.errors = []
        self.reasons = {}
        self.update_log = []       # ok of every update, in order
        self.results = 0
        self.hits = 0
        self.hazards = 0           # lookups one cycle before an update completing on their bucket
        self.late = 0              # lookups accepted in the completion cycle of an update on their key
        self.sweeps = []           # length of each clear sweep seen after a reset
        self.sweep_run = None
        self.last_done = {}        # key -> completion cycle of its last successful update
        for s in ("s_lookup_key", "s_lookup_valid", "s_update_op", "s_update_key", "s_update_conn",
                  "s_update_valid"):
            getattr(dut, s).setimmediatevalue(0)
        cocotb.start_soon(self._run())

    def error(self, msg):
        if len(self.errors) < 20:
            self.errors.append(f"cycle {self.cycle}: {msg}")

    async def _run(self):
        dut = self.dut
        while True:
            if self.l_cur is None and self.lookups and not (self.l_idle and next(self.l_idle)):
                self.l_cur = self.lookups.popleft()
            if self.u_cur is None and self.updates and not (self.u_idle and next(self.u_idle)):
                self.u_cur = self.updates.popleft()
            dut.s_lookup_valid.value = 0 if self.l_cur is None else 1
            dut.s_lookup_key.value = 0 if self.l_cur is None else self.l_cur
            dut.s_update_valid.value = 0 if self.u_cur is None else 1
            if self.u_cur is not None:
                dut.s_update_op.value, dut.s_update_key.value, dut.s_update_conn.value = self.u_cur
            await RisingEdge(dut.clk)
            self.cycle += 1
            if not dut.rst.value.is_resolvable:
                continue
            if int(dut.rst.value):
                # in-flight work is dropped and the table cleared; held inputs wait for the sweep
                self.p_lookups.clear()
                self.p_updates.clear()
                self.model.clear()
                self.last_done.clear()
                self.sweep_run = 0
                continue
            self._check_cycle()

    def _check_cycle(self):
        dut = self.dut
        c = self.cycle
        ready = int(dut.status_ready.value)
        l_ready = int(dut.s_lookup_ready.value)
        u_ready = int(dut.s_update_ready.value)
        if l_ready != ready:
            self.error(f"s_lookup_ready {l_ready} with status_ready {ready}")
        if not ready and u_ready:
            self.error("s_update_ready during the sweep")
        if self.sweep_run is not None:
            if ready:
                self.sweeps.append(self.sweep_run)
                self.sweep_run = None
            else:
                self.sweep_run += 1

        if int(dut.m_update_valid.value):
            if not self.p_updates:
                self.error("m_update_valid with no update pending")
            else:
                acc, op, key, conn = self.p_updates.popleft()
                if c - acc != 3:
                    self.error(f"update accepted in {acc} completed in {c}")
                ok, reason = self.model.apply(op, key, conn)
                self.reasons[reason] = self.reasons.get(reason, 0) + 1
                self.update_log.append(int(dut.m_update_ok.value))
                if int(dut.m_update_ok.value) != ok:
                    self.error(f"update op {op} key {key:x} conn {conn}: ok {int(dut.m_update_ok.value)}, "
                               f"model {ok} ({reason})")
                if ok:
                    self.last_done[key] = c
                    # documented: a lookup accepted one cycle before the write sees it too
                    b = bucket_of(key, self.bits)
                    for p in self.p_lookups:
                        if p[0] == c - 1 and bucket_of(p[1], self.bits) == b:
                            p[2] = self.model.lookup(p[1])
                            self.hazards += 1

        if int(dut.m_result_valid.value):
            if not self.p_lookups:
                self.error("m_result_valid with no lookup pending")
            else:
                acc, key, expect = self.p_lookups.popleft()
                got = (int(dut.m_result_hit.value), int(dut.m_result_conn.value))
                self.results += 1
                self.hits += got[0]
                if c - acc != LOOKUP_LATENCY:
                    self.error(f"lookup accepted in {acc} answered in {c}")
                if got != expect:
                    self.error(f"lookup key {key:x} accepted in {acc}: (hit, conn) {got}, model {expect}")
        if self.p_lookups and c - self.p_lookups[0][0] > LOOKUP_LATENCY:
            self.error(f"lookup accepted in {self.p_lookups[0][0]} never answered")
            self.p_lookups.popleft()

        if self.u_cur is not None and u_ready:
            self.p_updates.append((c,) + tuple(self.u_cur))
            self.u_cur = None
        if self.l_cur is not None and l_ready:
            key = self.l_cur
            if self.last_done.get(key) == c:
                self.late += 1
            self.p_lookups.append([c, key, self.model.lookup(key)])
            self.l_cur = None

    async def reset(self):
        await pulse_reset(self.dut)
        await self.wait_ready()

    async def wait_ready(self):
        while not (self.dut.status_ready.value.is_resolvable and int(self.dut.status_ready.value)):
            await RisingEdge(self.dut.clk)

    def busy(self):
        return bool(self.lookups or self.updates or self.l_cur is not None or self.u_cur is not None
                    or self.p_lookups or self.p_updates)

    async def _settle(self):
        while self.busy() and not self.errors:
            await RisingEdge(self.dut.clk)
        for _ in range(4):
            await RisingEdge(self.dut.clk)

    async def settle(self, us=2000):
        await with_timeout(self._settle(), us, "us")

    async def update(self, op, key, conn):
        """One update, waited for; returns its ok."""
        n = len(self.update_log)
        self.updates.append((op, key, conn))
        while len(self.update_log) == n:
            await RisingEdge(self.dut.clk)
        return self.update_log[n]

    def check(self):
        assert not self.errors, "\n".join(self.errors)
        assert not self.busy()

    def same_bucket_keys(self, rng, n):
        """n distinct random keys that the documented hash puts in one bucket: a base key XOR a
        pair of bits BUCKET_LOG2 apart (such a pair folds to zero) for the first half, random
        keys drawn until one lands in the base's bucket for the rest (so a different hash would
        spread them)."""
        base = rng.getrandbits(KEY_WIDTH)
        target = bucket_of(base, self.bits)
        picks = rng.sample(range(KEY_WIDTH - self.bits), n // 2)
        keys = [base ^ (1 << i) ^ (1 << (i + self.bits)) for i in picks]
        while len(keys) < n:
            k = rng.getrandbits(KEY_WIDTH)
            if bucket_of(k, self.bits) == target and k not in keys:
                keys.append(k)
        rng.shuffle(keys)
        return keys


async def run_test_random(dut, idle=None):
    """Random inserts, removes and lookups on a pool with crowded buckets; then every pool key
    looked up, then everything removed."""
    tb = TB(dut, idle, seed=3)
    await tb.reset()
    rng = random.Random(11)
    pool = []
    for _ in range(3):
        pool += tb.same_bucket_keys(rng, tb.ways + 2)
    pool += [rng.getrandbits(KEY_WIDTH) for _ in range(24)]
    conns = 1 << tb.conn_width
    recent = deque(maxlen=4)
    shadow = {}                     # what the bench expects to be present, for choosing conns
    for _ in range(400):
        key = rng.choice(pool)
        if rng.random() < 0.55:
            conn = rng.randrange(conns)
            tb.updates.append((INSERT, key, conn))
            shadow.setdefault(key, conn)
        else:
            conn = shadow.get(key, rng.randrange(conns)) if rng.random() < 0.7 else rng.randrange(conns)
            tb.updates.append((REMOVE, key, conn))
            if shadow.get(key) == conn:
                del shadow[key]
        recent.append(key)
        for _ in range(rng.choice([1, 2, 3, 4])):
            tb.lookups.append(rng.choice(list(recent)) if rng.random() < 0.6 else rng.choice(pool))
    await tb.settle()
    tb.lookups.extend(pool)
    await tb.settle()
    for key, conn in list(tb.model.table.items()):
        tb.updates.append((REMOVE, key, conn))
    tb.lookups.extend(pool)
    await tb.settle()
    tb.check()
    assert not tb.model.table
    for reason in ("insert", "dup", "full", "remove", "absent", "wrong_conn"):
        assert tb.reasons.get(reason, 0) > 0, f"no {reason} case: {tb.reasons}"
    assert 0 < tb.hits < tb.results


async def run_test_directed(dut):
    """A bucket filled to WAYS, the next insert fails; duplicate insert fails (same or another
    conn); remove with another conn or of an absent key fails; a freed way is reused."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(5)
    keys = tb.same_bucket_keys(rng, tb.ways + 2)
    conns = [(7 * i + 3) % (1 << tb.conn_width) for i in range(len(keys))]
    for i in range(tb.ways):
        assert await tb.update(INSERT, keys[i], conns[i]) == 1
    assert await tb.update(INSERT, keys[tb.ways], conns[tb.ways]) == 0, "bucket full"
    assert await tb.update(INSERT, keys[0], conns[0]) == 0, "duplicate, same conn"
    assert await tb.update(INSERT, keys[0], conns[1]) == 0, "duplicate, other conn"
    assert await tb.update(REMOVE, keys[1], conns[1] ^ 1) == 0, "remove with another conn"
    assert await tb.update(REMOVE, keys[tb.ways], conns[tb.ways]) == 0, "remove absent"
    tb.lookups.extend(keys)
    await tb.settle()
    assert await tb.update(REMOVE, keys[1], conns[1]) == 1
    assert await tb.update(REMOVE, keys[1], conns[1]) == 0, "removed twice"
    assert await tb.update(INSERT, keys[tb.ways + 1], conns[tb.ways + 1]) == 1, "freed way reused"
    assert await tb.update(INSERT, keys[tb.ways], conns[tb.ways]) == 0, "full again"
    tb.lookups.extend(keys)
    # a key in another bucket is unaffected by the full one
    other = keys[0] ^ 1
    assert await tb.update(INSERT, other, 1) == 1
    tb.lookups.append(other)
    await tb.settle()
    tb.check()
    assert tb.hits == 2 * tb.ways + 1


async def run_test_back_to_back(dut, idle=None):
    """Lookups every cycle on keys of the buckets being updated: one result per cycle, each
    exactly LOOKUP_LATENCY cycles later, and every update visible from the cycle it completes."""
    tb = TB(dut, idle=None)
    tb.u_idle = idle(7) if idle else None
    await tb.reset()
    rng = random.Random(21)
    keys = tb.same_bucket_keys(rng, tb.ways + 1) + tb.same_bucket_keys(rng, 3)
    for _ in range(150):
        key = rng.choice(keys)
        present = key in {k for op, k, _ in tb.updates}
        tb.updates.append((REMOVE if present and rng.random() < 0.5 else INSERT, key, 5))
    n_lookups = 700
    for _ in range(n_lookups):
        tb.lookups.append(rng.choice(keys))
    start = tb.cycle
    n0 = tb.results
    await tb.settle()
    tb.check()
    # accepted one per cycle (the checker holds each to exactly LOOKUP_LATENCY)
    assert tb.results - n0 == n_lookups
    assert tb.cycle - start <= n_lookups + LOOKUP_LATENCY + 8, tb.cycle - start
    assert tb.hazards > 0 and tb.late > 0, (tb.hazards, tb.late)


async def run_test_spread(dut):
    """Connection sets that differ only in the local port, only in the remote port, only in the
    remote address's last byte (as many as there are buckets, at most 1024, 256 for the byte,
    from an unaligned start): all inserts succeed and every lookup hits; then all removed."""
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(8)
    n_max = min(1024, tb.buckets, 1 << tb.conn_width)
    lip = 0xC0000201
    rip = 0xC6336400 | 7
    sets = {
        "local port": [make_key(40000 + 37 + i, 443, lip, rip) for i in range(n_max)],
        "remote port": [make_key(80, 1024 + 517 + i, lip, rip) for i in range(n_max)],
        "remote address": [make_key(80, 5555, lip, (rip & ~0xff) | ((7 + i) & 0xff))
                           for i in range(min(n_max, 256))],
    }
    for name, keys in sets.items():
        loads = {}
        for k in keys:
            loads[bucket_of(k, tb.bits)] = loads.get(bucket_of(k, tb.bits), 0) + 1
        assert max(loads.values()) <= 2, f"{name}: hash puts {max(loads.values())} keys in a bucket"
        n = len(tb.update_log)
        for i, k in enumerate(keys):
            tb.updates.append((INSERT, k, i))
        tb.lookups.extend(keys)
        await tb.settle(5000)
        assert all(tb.update_log[n:]), f"{name}: an insert failed"
        assert len(tb.model.table) == len(keys)
        for i, k in enumerate(keys):
            tb.updates.append((REMOVE, k, i))
        await tb.settle(5000)
        assert not tb.model.table
        tb.check()
    tb.check()


async def run_test_reset(dut):
    """Reset in the middle of traffic: in-flight work dropped, a sweep of 2^BUCKET_LOG2 cycles
    with neither port ready, then an empty table that works as before."""
    tb = TB(dut, idle=random_pause, seed=9)
    await tb.reset()
    rng = random.Random(31)
    pool = tb.same_bucket_keys(rng, tb.ways + 1) + [rng.getrandbits(KEY_WIDTH) for _ in range(20)]
    for rnd in range(2):
        for i in range(120):
            tb.updates.append((INSERT if rng.random() < 0.7 else REMOVE, rng.choice(pool), i % 4))
            tb.lookups.append(rng.choice(pool))
            tb.lookups.append(rng.choice(pool))
        for _ in range(200):
            await RisingEdge(dut.clk)
        assert tb.model.table, "something inserted before the reset"
        dut.rst.value = 1
        for _ in range(3):
            await RisingEdge(dut.clk)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        assert int(dut.status_ready.value) == 0
        await tb.settle()
        tb.check()
    # the held and queued work ran after the sweeps; now every pool key once more
    tb.lookups.extend(pool)
    await tb.settle()
    tb.check()
    assert tb.sweeps == [tb.buckets] * 3, tb.sweeps
    assert tb.reasons.get("insert", 0) > 0


if cocotb.SIM_NAME:
    factory = TestFactory(run_test_random)
    factory.add_option("idle", [None, random_pause])
    factory.generate_tests()
    factory = TestFactory(run_test_back_to_back)
    factory.add_option("idle", [None, random_pause])
    factory.generate_tests()
    for test in (run_test_directed, run_test_spread, run_test_reset):
        TestFactory(test).generate_tests()
