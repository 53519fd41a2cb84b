import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, render, staleFiles, upperSnake, validate } from './generate.js';
import { contract, type ContractSpec } from './spec.js';
import * as gen from './generated/contract.js';

describe('protocol generators', () => {
  it('the committed generated files match the spec (run make gen when this fails)', () => {
    expect(staleFiles()).toEqual([]);
  });

  it('rejects a spec whose fields overlap or overflow', () => {
    const bad: ContractSpec = {
      ...contract,
      structs: [{ name: 'Bad', size: 8, doc: '', fields: [
        { name: 'a', offset: 0, size: 4, doc: '' },
        { name: 'b', offset: 2, size: 2, doc: '' },
        { name: 'c', offset: 8, size: 4, doc: '' },
      ] }],
    };
    expect(() => validate(bad)).toThrow(/Bad\.b overlaps a[\s\S]*Bad\.c: ends past/);
  });

  it('rejects two registers at one offset', () => {
    const bad: ContractSpec = { ...contract, registers: [...contract.registers, { name: 'DUP', offset: 0, access: 'ro', reset: 0, doc: '' }] };
    expect(() => validate(bad)).toThrow(/DUP shares offset 0x000 with ID/);
  });

  it('names things the same way in every language', () => {
    expect(upperSnake('ReqDesc')).toBe('REQ_DESC');
    expect(upperSnake('dlSourceAddress')).toBe('DL_SOURCE_ADDRESS');
    const vh = render().find((f) => f.path === 'flue_contract.vh')!.text;
    expect(vh).toMatch(/`define FLUE_REQ_DESC_ADDR_LSB\s+64\b/);
    expect(vh).toMatch(/`define FLUE_CPL_ENTRY_PHASE_LSB\s+24\b/);
    expect(vh).toMatch(/`define FLUE_REG_CPL_HEAD\s+12'h06c/);
  });

  it('round-trips every structure through the TypeScript codec', () => {
    const buf = new DataView(new ArrayBuffer(64));
    const desc: gen.ReqDesc = { opcode: gen.Opcode.L2_SEND, flags: 3, reserved0: 0, tag: 0xdeadbeef, addr: 0x1_2345_6789n, length: 1514, conn: 7, param: 0xffff_ffff_ffff_ffffn };
    gen.encodeReqDesc(buf, desc, 16);
    expect(gen.decodeReqDesc(buf, 16)).toEqual(desc);
    const entry: gen.CplEntry = { kind: 1, opcode: 2, status: 0, phase: 1, tag: 5, length: 60, conn: 0, reqHead: 65535, reserved0: 0, info: 9, timestamp: 123456789012n };
    gen.encodeCplEntry(buf, entry);
    expect(gen.decodeCplEntry(buf)).toEqual(entry);
    const tcp: gen.TcpConstState = { flags: 4, remotePort: 80, localPort: 40000, sndWindScale: 7, rcvWindScale: 14, remoteMss: 1460, hashValue: 0xabcdef01 };
    gen.encodeTcpConstState(buf, tcp);
    expect(gen.decodeTcpConstState(buf)).toEqual(tcp);
    const nb: gen.NeighborState = { dlSourceAddress: Uint8Array.of(1, 2, 3, 4, 5, 6), vlanId: 0xfff, dlDestinationAddress: Uint8Array.of(6, 5, 4, 3, 2, 1), hostReachabilityDelta: 10, nicReachabilityDelta: 20 };
    gen.encodeNeighborState(buf, nb);
    expect(gen.decodeNeighborState(buf)).toEqual(nb);
  });

  it('refuses to decode past the end of a buffer', () => {
    expect(() => gen.decodeReqDesc(new DataView(new ArrayBuffer(31)))).toThrow(RangeError);
  });

  it('the Python module agrees with the TypeScript one', () => {
    const script = [
      'import sys, json',
      `sys.path.insert(0, ${JSON.stringify(GENERATED_DIR)})`,
      'import flue_contract as c',
      'd = c.pack(c.REQ_DESC_FIELDS, {"opcode": 2, "tag": 0xdeadbeef, "addr": 0x123456789, "length": 1514}, c.REQ_DESC_BYTES)',
      'print(json.dumps({"hex": d.hex(), "cplHead": int(c.Reg.CPL_HEAD), "op": int(c.Opcode.TCP_FORWARD), "phase": c.CPL_ENTRY_FIELDS["phase"]}))',
    ].join('\n');
    const out = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as { hex: string; cplHead: number; op: number; phase: number[] };
    const view = new DataView(new ArrayBuffer(32));
    gen.encodeReqDesc(view, { opcode: 2, flags: 0, reserved0: 0, tag: 0xdeadbeef, addr: 0x123456789n, length: 1514, conn: 0, param: 0n });
    expect(out.hex).toBe(Buffer.from(view.buffer).toString('hex'));
    expect(out.cplHead).toBe(gen.Reg.CPL_HEAD);
    expect(out.op).toBe(gen.Opcode.TCP_FORWARD);
    expect(out.phase).toEqual([3, 1, 0, 1]);
  });

  it('the C++ header compiles and agrees on offsets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flue-cpp-'));
    const src = join(dir, 't.cpp');
    writeFileSync(src, [
      '#include "flue_contract.hpp"',
      'using namespace flue::contract;',
      `static_assert(Reg::CPL_HEAD == ${gen.Reg.CPL_HEAD}, "reg");`,
      `static_assert(ReqDesc::ADDR_OFFSET == ${gen.ReqDescLayout.addr.offset}, "addr");`,
      `static_assert(CplEntry::BYTES == ${gen.CplEntryLayout.size}, "size");`,
      `static_assert(Opcode::L2_RECV_POST == ${gen.Opcode.L2_RECV_POST}, "op");`,
      'int main() { return 0; }',
    ].join('\n'));
    execFileSync('g++', ['-std=c++17', '-fsyntax-only', `-I${GENERATED_DIR}`, src]);
  });
});
