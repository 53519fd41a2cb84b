/**
 * Generators for the contract in `spec.ts`: a TypeScript module, a Verilog header, a C++
 * header, a Python module and a Markdown register map. `render()` is pure; run this file
 * to write the outputs into `protocol/generated/` (`--check` only compares, exit 1 if stale).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contract, type ContractSpec, type FieldSpec, type StructSpec } from './spec.js';

const BANNER = 'Generated from protocol/spec.ts by protocol/generate.ts. Do not edit.';

/** ReqDesc -> REQ_DESC, dlSourceAddress -> DL_SOURCE_ADDRESS */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function hex(v: number, digits = 8): string {
  return '0x' + (v >>> 0).toString(16).padStart(digits, '0');
}

function fieldBits(f: FieldSpec): { lsb: number; width: number } {
  const count = f.count ?? 1;
  if (f.lsb !== undefined && f.width !== undefined) return { lsb: f.offset * 8 + f.lsb, width: f.width };
  return { lsb: f.offset * 8, width: f.size * 8 * count };
}

/** Checks the contract for overlaps, overflows and duplicates; throws naming the culprit. */
export function validate(spec: ContractSpec): void {
  const problems: string[] = [];
  for (const s of spec.structs) {
    const used = new Map<number, string>();
    for (const f of s.fields) {
      const count = f.count ?? 1;
      if (f.offset % f.size !== 0) problems.push(`${s.name}.${f.name}: offset ${f.offset} not aligned to ${f.size}`);
      if (f.offset + f.size * count > s.size) problems.push(`${s.name}.${f.name}: ends past the ${s.size}-byte structure`);
      const { lsb, width } = fieldBits(f);
      if (f.lsb !== undefined && (f.width === undefined || f.lsb + f.width > f.size * 8))
        problems.push(`${s.name}.${f.name}: bit field outside its container`);
      for (let b = lsb; b < lsb + width; b++) {
        const other = used.get(b);
        if (other !== undefined) { problems.push(`${s.name}.${f.name} overlaps ${other}`); break; }
        used.set(b, f.name);
      }
    }
  }
  const seen = new Map<number, string>();
  for (const r of spec.registers) {
    if (r.offset % 4 !== 0) problems.push(`register ${r.name}: offset not word-aligned`);
    const other = seen.get(r.offset);
    if (other !== undefined) problems.push(`register ${r.name} shares offset ${hex(r.offset, 3)} with ${other}`);
    seen.set(r.offset, r.name);
  }
  const names = new Set<string>();
  for (const n of [...spec.constants.map((c) => c.name), ...spec.registers.map((r) => r.name)]) {
    if (names.has(n)) problems.push(`name ${n} defined twice`);
    names.add(n);
  }
  if (problems.length > 0) throw new Error(`protocol/spec.ts is inconsistent:\n  ${problems.join('\n  ')}`);
}

// ---------------------------------------------------------------- TypeScript
function tsType(f: FieldSpec): string {
  if (f.count !== undefined) return 'Uint8Array';
  return f.size === 8 && f.lsb === undefined ? 'bigint' : 'number';
}

function tsRead(f: FieldSpec, at: string): string {
  if (f.count !== undefined) return `new Uint8Array(view.buffer.slice(view.byteOffset + ${at} + ${f.offset}, view.byteOffset + ${at} + ${f.offset + f.count * f.size}))`;
  const getter = { 1: 'getUint8', 2: 'getUint16', 4: 'getUint32', 8: 'getBigUint64' }[f.size];
  const le = f.size === 1 ? '' : ', true';
  const raw = `view.${getter}(${at} + ${f.offset}${le})`;
  if (f.lsb === undefined) return raw;
  const mask = f.width === 32 ? '0xffffffff' : hex((2 ** (f.width ?? 0)) - 1);
  return `(${raw} >>> ${f.lsb}) & ${mask}`;
}

function tsStruct(s: StructSpec): string {
  const out: string[] = [];
  const name = s.name;
  out.push(`/** ${s.doc} */`);
  out.push(`export interface ${name} {`);
  for (const f of s.fields) out.push(`  /** ${f.doc} */\n  ${f.name}: ${tsType(f)};`);
  out.push('}');
  out.push(`export const ${name}Layout = Object.freeze({`);
  out.push(`  size: ${s.size},`);
  for (const f of s.fields) {
    const b = fieldBits(f);
    const bitPart = f.lsb !== undefined ? `, lsb: ${f.lsb}, width: ${f.width ?? 0}` : '';
    const countPart = f.count !== undefined ? `, count: ${f.count}` : '';
    out.push(`  ${f.name}: { offset: ${f.offset}, size: ${f.size}${bitPart}${countPart}, bitLsb: ${b.lsb}, bitWidth: ${b.width} },`);
  }
  out.push('} as const);');
  // decode
  out.push(`export function decode${name}(view: DataView, at = 0): ${name} {`);
  out.push(`  if (at < 0 || at + ${s.size} > view.byteLength) throw new RangeError(\`${name} at \${at} does not fit in \${view.byteLength} bytes\`);`);
  out.push('  return {');
  for (const f of s.fields) out.push(`    ${f.name}: ${tsRead(f, 'at')},`);
  out.push('  };');
  out.push('}');
  // encode: bit fields of one container are merged
  out.push(`export function encode${name}(view: DataView, value: ${name}, at = 0): void {`);
  out.push(`  if (at < 0 || at + ${s.size} > view.byteLength) throw new RangeError(\`${name} at \${at} does not fit in \${view.byteLength} bytes\`);`);
  out.push(`  new Uint8Array(view.buffer, view.byteOffset + at, ${s.size}).fill(0);`);
  for (const f of s.fields) {
    if (f.count !== undefined) {
      out.push(`  if (value.${f.name}.length !== ${f.count}) throw new RangeError('${name}.${f.name} must have ${f.count} bytes');`);
      out.push(`  new Uint8Array(view.buffer, view.byteOffset + at + ${f.offset}, ${f.count}).set(value.${f.name});`);
      continue;
    }
    const setter = { 1: 'setUint8', 2: 'setUint16', 4: 'setUint32', 8: 'setBigUint64' }[f.size];
    const getter = { 1: 'getUint8', 2: 'getUint16', 4: 'getUint32', 8: 'getBigUint64' }[f.size];
    const le = f.size === 1 ? '' : ', true';
    if (f.lsb !== undefined) {
      const mask = (2 ** (f.width ?? 0)) - 1;
      out.push(`  view.${setter}(at + ${f.offset}, (view.${getter}(at + ${f.offset}${le}) | ((value.${f.name} & ${hex(mask)}) << ${f.lsb})) >>> 0${le});`);
    } else if (f.size === 8) {
      out.push(`  view.${setter}(at + ${f.offset}, BigInt.asUintN(64, value.${f.name})${le});`);
    } else {
      out.push(`  view.${setter}(at + ${f.offset}, value.${f.name}${le});`);
    }
  }
  out.push('}');
  return out.join('\n');
}

export function renderTypeScript(spec: ContractSpec): string {
  const out: string[] = [`// ${BANNER}`, '/* eslint-disable */', ''];
  out.push(`export const CONTRACT_VERSION = Object.freeze({ major: ${spec.version.major}, minor: ${spec.version.minor} } as const);`, '');
  for (const c of spec.constants) out.push(`/** ${c.doc} */\nexport const ${c.name} = ${c.value};`);
  out.push('');
  for (const e of spec.enums) {
    out.push(`/** ${e.doc} */`);
    out.push(`export const ${e.name} = Object.freeze({`);
    for (const v of e.values) out.push(`  /** ${v.doc || v.name} */\n  ${v.name}: ${v.value},`);
    out.push('} as const);');
    out.push(`export type ${e.name} = (typeof ${e.name})[keyof typeof ${e.name}];`);
    out.push(`const ${lowerCamel(e.name)}Names: ReadonlyMap<number, string> = new Map([${e.values.map((v) => `[${v.value}, '${v.name}']`).join(', ')}]);`);
    out.push(`/** the name of a ${e.name} value, or its number in hex when unknown */`);
    out.push(`export function ${lowerCamel(e.name)}Name(value: number): string {\n  return ${lowerCamel(e.name)}Names.get(value) ?? '0x' + value.toString(16);\n}`);
    out.push('');
  }
  out.push('/** register byte offsets */');
  out.push('export const Reg = Object.freeze({');
  for (const r of spec.registers) out.push(`  /** ${r.doc} (${r.access}) */\n  ${r.name}: ${hex(r.offset, 3)},`);
  out.push('} as const);');
  out.push('export type Reg = (typeof Reg)[keyof typeof Reg];');
  out.push('/** register values after reset */');
  out.push('export const RegReset = Object.freeze({');
  for (const r of spec.registers) out.push(`  ${r.name}: ${hex(r.reset)},`);
  out.push('} as const);');
  out.push('/** register access kinds */');
  out.push('export const RegAccess = Object.freeze({');
  for (const r of spec.registers) out.push(`  ${r.name}: '${r.access}',`);
  out.push('} as const);');
  for (const r of spec.registers) {
    if (!r.fields) continue;
    out.push(`/** fields of ${r.name} */`);
    out.push(`export const ${r.name}_FIELDS = Object.freeze({`);
    for (const f of r.fields) {
      const mask = (((2 ** f.width) - 1) * 2 ** f.lsb) >>> 0;
      out.push(`  /** ${f.doc} */\n  ${f.name}: { lsb: ${f.lsb}, width: ${f.width}, mask: ${hex(mask)} },`);
    }
    out.push('} as const);');
  }
  out.push('');
  for (const s of spec.structs) out.push(tsStruct(s), '');
  return out.join('\n');
}

// ---------------------------------------------------------------- Verilog
export function renderVerilog(spec: ContractSpec): string {
  const out: string[] = [`// ${BANNER}`, '// Include once per compilation unit; every name is a `define with the FLUE_ prefix.', '', '`ifndef FLUE_CONTRACT_VH', '`define FLUE_CONTRACT_VH', ''];
  const def = (name: string, value: string, doc: string): void => {
    out.push(`\`define ${name.padEnd(48)} ${value.padEnd(14)} // ${doc}`);
  };
  def('FLUE_VERSION_MAJOR', String(spec.version.major), 'contract version');
  def('FLUE_VERSION_MINOR', String(spec.version.minor), 'contract version');
  out.push('', '// constants');
  for (const c of spec.constants) def(`FLUE_${c.name}`, String(c.value), c.doc);
  for (const e of spec.enums) {
    out.push('', `// ${e.name}: ${e.doc}`);
    def(`FLUE_${upperSnake(e.name)}_WIDTH`, String(e.width), 'bits');
    for (const v of e.values) def(`FLUE_${upperSnake(e.name)}_${v.name}`, `${e.width}'d${v.value}`, v.doc || v.name);
  }
  out.push('', '// registers: byte offsets (12-bit), reset values, fields');
  for (const r of spec.registers) {
    def(`FLUE_REG_${r.name}`, `12'h${r.offset.toString(16).padStart(3, '0')}`, `${r.access}: ${r.doc}`);
    def(`FLUE_REG_${r.name}_RESET`, `32'h${(r.reset >>> 0).toString(16).padStart(8, '0')}`, 'reset value');
    for (const f of r.fields ?? []) {
      def(`FLUE_REG_${r.name}_${f.name}_LSB`, String(f.lsb), f.doc);
      def(`FLUE_REG_${r.name}_${f.name}_WIDTH`, String(f.width), 'bits');
    }
  }
  for (const s of spec.structs) {
    const S = upperSnake(s.name);
    out.push('', `// ${s.name}: ${s.doc}; byte 0 is bits [7:0]`);
    def(`FLUE_${S}_BYTES`, String(s.size), 'bytes');
    def(`FLUE_${S}_BITS`, String(s.size * 8), 'bits');
    for (const f of s.fields) {
      const b = fieldBits(f);
      def(`FLUE_${S}_${upperSnake(f.name)}_LSB`, String(b.lsb), f.doc);
      def(`FLUE_${S}_${upperSnake(f.name)}_WIDTH`, String(b.width), 'bits');
    }
  }
  out.push('', '`endif // FLUE_CONTRACT_VH', '');
  return out.join('\n');
}

// ---------------------------------------------------------------- C++
export function renderCpp(spec: ContractSpec): string {
  const out: string[] = [`// ${BANNER}`, '#pragma once', '#include <cstdint>', '', 'namespace flue::contract {', ''];
  out.push(`constexpr uint32_t VERSION_MAJOR = ${spec.version.major};`, `constexpr uint32_t VERSION_MINOR = ${spec.version.minor};`, '');
  for (const c of spec.constants) out.push(`constexpr uint64_t ${c.name} = ${c.value}ULL; // ${c.doc}`);
  for (const e of spec.enums) {
    out.push('', `// ${e.doc}`, `namespace ${e.name} {`);
    for (const v of e.values) out.push(`constexpr uint32_t ${v.name} = ${v.value}; // ${v.doc || v.name}`);
    out.push('}');
  }
  out.push('', '// register byte offsets', 'namespace Reg {');
  for (const r of spec.registers) out.push(`constexpr uint32_t ${r.name} = ${hex(r.offset, 3)}; // ${r.access}: ${r.doc}`);
  out.push('}', 'namespace RegReset {');
  for (const r of spec.registers) out.push(`constexpr uint32_t ${r.name} = ${hex(r.reset)};`);
  out.push('}');
  for (const r of spec.registers) {
    if (!r.fields) continue;
    out.push(`namespace ${r.name}_FIELDS {`);
    for (const f of r.fields) out.push(`constexpr uint32_t ${f.name}_LSB = ${f.lsb}, ${f.name}_WIDTH = ${f.width};`);
    out.push('}');
  }
  for (const s of spec.structs) {
    out.push('', `// ${s.name}: ${s.doc}`, `namespace ${s.name} {`, `constexpr uint32_t BYTES = ${s.size};`);
    for (const f of s.fields) {
      const extra = f.lsb !== undefined ? `, ${upperSnake(f.name)}_LSB = ${f.lsb}, ${upperSnake(f.name)}_WIDTH = ${f.width ?? 0}` : '';
      out.push(`constexpr uint32_t ${upperSnake(f.name)}_OFFSET = ${f.offset}, ${upperSnake(f.name)}_SIZE = ${f.size * (f.count ?? 1)}${extra}; // ${f.doc}`);
    }
    out.push('}');
  }
  out.push('', '} // namespace flue::contract', '');
  return out.join('\n');
}

// ---------------------------------------------------------------- Python
export function renderPython(spec: ContractSpec): string {
  const out: string[] = [`"""${BANNER}"""`, '', 'from enum import IntEnum', '', ''];
  out.push(`VERSION_MAJOR = ${spec.version.major}`, `VERSION_MINOR = ${spec.version.minor}`, '');
  for (const c of spec.constants) out.push(`${c.name} = ${c.value}  # ${c.doc}`);
  for (const e of spec.enums) {
    out.push('', '', `class ${e.name}(IntEnum):`, `    """${e.doc}"""`, '');
    for (const v of e.values) out.push(`    ${v.name} = ${v.value}`);
  }
  out.push('', '', 'class Reg(IntEnum):', '    """register byte offsets"""', '');
  for (const r of spec.registers) out.push(`    ${r.name} = ${hex(r.offset, 3)}`);
  out.push('', '', 'REG_RESET = {');
  for (const r of spec.registers) out.push(`    Reg.${r.name}: ${hex(r.reset)},`);
  out.push('}');
  out.push('');
  for (const s of spec.structs) {
    const S = upperSnake(s.name);
    out.push('', `${S}_BYTES = ${s.size}`, `${S}_FIELDS = {`);
    for (const f of s.fields) {
      const b = fieldBits(f);
      out.push(`    "${f.name}": (${f.offset}, ${f.size * (f.count ?? 1)}, ${b.lsb - f.offset * 8}, ${b.width}),  # ${f.doc}`);
    }
    out.push('}');
  }
  out.push('', '', 'def pack(fields: dict, values: dict, size: int) -> bytes:',
    '    """Serialize values (field name -> int or bytes) with a *_FIELDS table; missing fields are zero."""',
    '    buf = bytearray(size)',
    '    for name, value in values.items():',
    '        if name not in fields:',
    '            raise KeyError(f"unknown field {name}")',
    '        offset, nbytes, lsb, width = fields[name]',
    '        if isinstance(value, (bytes, bytearray)):',
    '            if len(value) != nbytes:',
    '                raise ValueError(f"{name} needs {nbytes} bytes")',
    '            buf[offset:offset + nbytes] = value',
    '            continue',
    '        word = int.from_bytes(buf[offset:offset + nbytes], "little")',
    '        word |= (int(value) & ((1 << width) - 1)) << lsb',
    '        buf[offset:offset + nbytes] = word.to_bytes(nbytes, "little")',
    '    return bytes(buf)',
    '', '',
    'def unpack(fields: dict, data: bytes) -> dict:',
    '    """Parse bytes with a *_FIELDS table into field name -> int."""',
    '    out = {}',
    '    for name, (offset, nbytes, lsb, width) in fields.items():',
    '        word = int.from_bytes(data[offset:offset + nbytes], "little")',
    '        out[name] = (word >> lsb) & ((1 << width) - 1)',
    '    return out',
    '');
  return out.join('\n');
}

// ---------------------------------------------------------------- Markdown
export function renderMarkdown(spec: ContractSpec): string {
  const out: string[] = [`# flue register map and structures`, '', `<!-- ${BANNER} -->`, '', `Contract version ${spec.version.major}.${spec.version.minor}. Registers are 32 bits on AXI4-Lite; structures are little-endian in host memory.`, ''];
  out.push('## Registers', '', '| offset | name | access | reset | description |', '|---|---|---|---|---|');
  for (const r of spec.registers) {
    out.push(`| \`${hex(r.offset, 3)}\` | ${r.name} | ${r.access} | \`${hex(r.reset)}\` | ${r.doc} |`);
    for (const f of r.fields ?? []) out.push(`| | .${f.name} [${f.lsb + f.width - 1}:${f.lsb}] | | | ${f.doc} |`);
  }
  out.push('', '## Constants', '', '| name | value | meaning |', '|---|---|---|');
  for (const c of spec.constants) out.push(`| ${c.name} | ${c.value} | ${c.doc} |`);
  for (const e of spec.enums) {
    out.push('', `## ${e.name}`, '', e.doc, '', '| name | value | meaning |', '|---|---|---|');
    for (const v of e.values) out.push(`| ${v.name} | ${v.value} | ${v.doc} |`);
  }
  for (const s of spec.structs) {
    out.push('', `## ${s.name} (${s.size} bytes)`, '', s.doc, '', '| bytes | bits | field | meaning |', '|---|---|---|---|');
    for (const f of s.fields) {
      const end = f.offset + f.size * (f.count ?? 1) - 1;
      const bits = f.lsb !== undefined ? `[${f.lsb + (f.width ?? 0) - 1}:${f.lsb}]` : '';
      out.push(`| ${f.offset}..${end} | ${bits} | ${f.name} | ${f.doc} |`);
    }
  }
  out.push('');
  return out.join('\n');
}

export interface GeneratedFile { readonly path: string; readonly text: string }

/** Every generated file, relative to protocol/generated/. */
export function render(spec: ContractSpec = contract): GeneratedFile[] {
  validate(spec);
  return [
    { path: 'contract.ts', text: renderTypeScript(spec) },
    { path: 'flue_contract.vh', text: renderVerilog(spec) },
    { path: 'flue_contract.hpp', text: renderCpp(spec) },
    { path: 'flue_contract.py', text: renderPython(spec) },
    { path: 'REGISTERS.md', text: renderMarkdown(spec) },
  ];
}

export const GENERATED_DIR = join(dirname(fileURLToPath(import.meta.url)), 'generated');

/** Names the generated files that differ from what the spec renders today. */
export function staleFiles(dir = GENERATED_DIR): string[] {
  return render().filter((f) => {
    try { return readFileSync(join(dir, f.path), 'utf8') !== f.text; } catch { return true; }
  }).map((f) => f.path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      process.stderr.write(`stale generated files in protocol/generated: ${stale.join(', ')}; run 'make gen'\n`);
      process.exit(1);
    }
  } else {
    mkdirSync(GENERATED_DIR, { recursive: true });
    for (const f of render()) writeFileSync(join(GENERATED_DIR, f.path), f.text);
    process.stdout.write(`wrote ${render().length} files to protocol/generated/\n`);
  }
}
