// Self-test of build/addon/flue_nic.node against whatever RTL it was built from.
//   node testbench/verilator/selftest.mjs            (or: make addon-selftest)
// Checks: two models side by side, the ID register, that bad arguments throw the right error
// class instead of crashing, MMIO independence, tracing, and clock-loop speed.
// Register offsets come from protocol/generated/flue_contract.hpp (parsed here so that this
// stays a plain Node script with no TypeScript toolchain).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const addonPath = process.env.FLUE_NIC_ADDON ?? path.join(root, 'build/addon/flue_nic.node');
const { NicModel } = createRequire(import.meta.url)(addonPath);

// ---- contract constants ----
const hpp = fs.readFileSync(path.join(root, 'protocol/generated/flue_contract.hpp'), 'utf8');
const regBlock = /namespace Reg \{([\s\S]*?)\n\}/.exec(hpp)?.[1] ?? '';
const Reg = Object.fromEntries([...regBlock.matchAll(/constexpr uint32_t (\w+) = (0x[0-9a-fA-F]+|\d+);/g)].map((m) => [m[1], Number(m[2])]));
const constant = (name) => Number(new RegExp(`constexpr uint64_t ${name} = (\\d+)ULL`).exec(hpp)[1]);
const fieldLsb = (reg, field) => Number(new RegExp(`namespace ${reg}_FIELDS \\{[^}]*?${field}_LSB = (\\d+)`).exec(hpp)[1]);
const ID_MAGIC = constant('ID_MAGIC');
const IRQ_VECTORS = constant('IRQ_VECTORS');
const REG_SPACE_BYTES = constant('REG_SPACE_BYTES');
assert.equal(ID_MAGIC, 0x464c5545);
assert.equal(typeof Reg.ID, 'number');

const hex = (v) => '0x' + v.toString(16);
let failures = 0;
function check(name, fn) {
  try {
    fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}

// Two NICs, as two ends of a wire would be; the second one above 4 GiB.
const memA = new ArrayBuffer(1 << 20);
const memB = new ArrayBuffer(1 << 20);
const BASE_A = 0x2000_0000;
const BASE_B = 0x1_0000_0000;
const a = new NicModel({ memory: memA, memoryBase: BASE_A });
const b = new NicModel({ memory: memB, memoryBase: BASE_B, readLatency: 24 });

check('reset and cycle counter', () => {
  assert.equal(a.cycle, 0);
  a.reset(16);
  b.reset(16);
  assert.equal(a.cycle, 16);
  assert.equal(b.cycle, 16);
});

check('ID register reads ID_MAGIC on both models', () => {
  for (const m of [a, b]) assert.equal(m.mmioRead(Reg.ID), ID_MAGIC, `ID = ${hex(m.mmioRead(Reg.ID))}`);
  console.log(`     VERSION=${hex(a.mmioRead(Reg.VERSION))} CAPS=${hex(a.mmioRead(Reg.CAPS))}`);
});

check('models are independent (MAC_LO)', () => {
  a.mmioWrite(Reg.MAC_LO, 0x11223344);
  b.mmioWrite(Reg.MAC_LO, 0x55667788);
  assert.equal(a.mmioRead(Reg.MAC_LO), 0x11223344);
  assert.equal(b.mmioRead(Reg.MAC_LO), 0x55667788);
  a.mmioWrite(Reg.MAC_LO, -1); // int32 bit pattern accepted
  assert.equal(a.mmioRead(Reg.MAC_LO), 0xffffffff);
});

check('irqCounts has IRQ_VECTORS entries', () => {
  assert.equal(a.irqCounts().length, IRQ_VECTORS);
  assert.equal(typeof a.takeIrqs(), 'number');
});

check('mapDma / unmapDma', () => {
  b.mapDma(BASE_B, 4096);
  b.mapDma(BASE_B, 4096); // the same region twice is two mappings
  b.mapDma(BigInt(BASE_B) + 8192n, 64n);
  b.unmapDma(BASE_B, 4096);
  b.unmapDma(BASE_B, 4096);
  b.unmapDma(BASE_B + 8192, 64);
  assert.throws(() => b.unmapDma(BASE_B, 4096), RangeError, 'unmapping twice');
  b.mapDma(BASE_B + 4096, 128);
  assert.throws(() => b.unmapDma(BASE_B + 4096, 64), /exactly/, 'length must match');
  b.unmapDma(BASE_B + 4096, 128);
  assert.throws(() => b.mapDma(BASE_B - 8, 16), RangeError, 'below memoryBase');
  assert.throws(() => b.mapDma(BASE_B + (1 << 20) - 8, 16), RangeError, 'past the end');
  assert.throws(() => b.mapDma(BASE_A, 16), /outside the model's memory/, "another model's memory");
  assert.throws(() => b.mapDma(BASE_B, 0), RangeError, 'zero length');
  assert.throws(() => b.mapDma(BASE_B, -4), RangeError, 'negative length');
  assert.throws(() => b.mapDma(BASE_B, 1.5), RangeError, 'fractional length');
  assert.throws(() => b.mapDma(2 ** 60, 8), RangeError, 'unsafe integer');
  assert.throws(() => b.mapDma('0x100000000', 8), TypeError, 'string address');
  assert.throws(() => b.mapDma(BASE_B), TypeError, 'missing length');
});

check('argument errors', () => {
  assert.throws(() => new NicModel(), TypeError);
  assert.throws(() => new NicModel({ memory: new Uint8Array(16), memoryBase: 0 }), /view\.buffer/);
  assert.throws(() => new NicModel({ memory: new ArrayBuffer(16) }), TypeError, 'missing memoryBase');
  assert.throws(() => new NicModel({ memory: new ArrayBuffer(16), memoryBase: 0, readLatency: 0 }), RangeError);
  assert.throws(() => NicModel({ memory: new ArrayBuffer(16), memoryBase: 0 }), TypeError, 'without new');
  assert.throws(() => a.mmioRead(2), RangeError, 'unaligned register');
  assert.throws(() => a.mmioRead(REG_SPACE_BYTES), RangeError, 'outside the register window');
  assert.throws(() => a.mmioWrite(Reg.MAC_LO, 2 ** 32), RangeError, 'value too large');
  assert.throws(() => a.mmioWrite(Reg.MAC_LO, '1'), TypeError, 'string value');
  assert.throws(() => a.run(10, 1), TypeError, 'stopOnIrq not boolean');
  assert.throws(() => a.run(-1, false), RangeError);
  assert.throws(() => a.reset(0), RangeError);
  assert.throws(() => a.pushRxFrame(new Uint8Array(0), 0), RangeError, 'empty frame');
  assert.throws(() => a.pushRxFrame([1, 2, 3], 0), TypeError, 'array instead of Uint8Array');
  assert.throws(() => a.pushRxFrame(new Uint16Array(4), 0), TypeError);
  assert.throws(() => a.traceStart(42), TypeError);
  assert.throws(() => a.traceStart(path.join(os.tmpdir(), 'no-such-dir-flue', 'x.fst')), /cannot create/);
});

check('trace to FST', () => {
  const file = path.join(os.tmpdir(), `flue-selftest-${process.pid}.fst`);
  a.traceStart(file);
  assert.throws(() => a.traceStart(file), /already/);
  a.run(200, false);
  a.traceStop();
  a.traceStop(); // no-op
  assert.ok(fs.statSync(file).size > 0);
  fs.unlinkSync(file);
});

check('an RX frame cut by a reset is driven to its end and its tail is not taken as a frame', () => {
  const c = new NicModel({ memory: new ArrayBuffer(1 << 16), memoryBase: 0 });
  c.reset(16);
  const frame = new Uint8Array(1514).map((_, i) => i);
  // nothing is posted: any frame the NIC takes whole is counted as dropped for want of a buffer
  c.pushRxFrame(frame, c.cycle);
  c.run(40, false);
  c.reset(4); // rst in the middle of the frame
  c.run(400, false);
  assert.equal(c.rxQueued, 0, 'the cut frame was driven to its end');
  c.pushRxFrame(frame, c.cycle);
  c.run(60, false);
  c.mmioWrite(Reg.CTRL, 1 << fieldLsb('CTRL', 'SOFT_RESET')); // soft reset in the middle of one
  c.run(400, false);
  assert.equal(c.mmioRead(Reg.STAT_RX_DROP_NO_BUFFER), 0, 'a tail was taken as a frame');
  assert.equal(c.mmioRead(Reg.STAT_RX_ERRORS), 0);
  c.pushRxFrame(frame.subarray(0, 100), c.cycle);
  c.run(200, false);
  assert.equal(c.mmioRead(Reg.STAT_RX_DROP_NO_BUFFER), 1, 'the next whole frame is received');
  const k = c.counters();
  assert.equal(k.rxOverruns, 0);
  assert.equal(k.protocolErrors, 0, k.firstProtocolError);
  c.close();
});

check('run returns the cycles run; counters are clean', () => {
  const c0 = b.cycle;
  assert.equal(b.run(1000, false), 1000);
  assert.equal(b.cycle, c0 + 1000);
  assert.equal(b.run(0, true), 0);
  const k = b.counters();
  assert.deepEqual(Object.keys(k).sort(), ['axiErrors', 'axiReads', 'axiWrites', 'firstAxiError', 'firstProtocolError', 'protocolErrors', 'rxOverruns', 'txAborted']);
  assert.equal(k.protocolErrors, 0, k.firstProtocolError);
  assert.equal(k.axiErrors, 0, k.firstAxiError);
  assert.equal(k.firstAxiError, '');
});

check('speed: 1e6 cycles', () => {
  const N = 1_000_000;
  a.run(1000, false); // warm up
  let t = process.hrtime.bigint();
  const n = a.run(N, false);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  assert.equal(n, N);
  console.log(`     idle NIC: ${(N / s / 1e6).toFixed(2)} M cycles/s (${s.toFixed(3)} s)`);
  // Same again while the wire is busy: back-to-back minimum-size frames on RX.
  const frame = new Uint8Array(60).map((_, i) => i);
  for (let i = 0; i < 2000; i++) a.pushRxFrame(frame, a.cycle);
  t = process.hrtime.bigint();
  a.run(100_000, false);
  const s2 = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`     RX busy:  ${(100_000 / s2 / 1e6).toFixed(2)} M cycles/s; rxQueued=${a.rxQueued}, tx frames=${a.takeTxFrames().length}`);
  assert.equal(a.rxQueued, 0);
});

check('close, then every call throws', () => {
  a.close();
  assert.throws(() => a.run(1, false), /closed/);
  assert.throws(() => a.cycle, /closed/);
  assert.throws(() => a.mmioRead(0), /closed/);
  assert.throws(() => a.close(), /closed/);
  assert.equal(b.mmioRead(Reg.ID), ID_MAGIC, 'the other model still works');
  b.close();
});

console.log(failures ? `${failures} check(s) FAILED` : 'all checks passed');
process.exitCode = failures ? 1 : 0;
