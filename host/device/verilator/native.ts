/**
 * Loads the N-API addon built from testbench/verilator (build/addon/flue_nic.node); its
 * shape is declared beside its C++ in testbench/verilator/nic-model.d.ts.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeviceError, DeviceErrorCode } from '../errors.js';
// the addon's shape is declared once, beside its C++
import type { HarnessCounters, NicModel, NicModelOptions, WireFrame } from '../../../testbench/verilator/nic-model.js';

export type NativeWireFrame = WireFrame;
export type NativeCounters = HarnessCounters;
export type NativeNicModel = NicModel;
export type NativeNicModelOptions = NicModelOptions;
export type NativeNicModelClass = new (options: NativeNicModelOptions) => NativeNicModel;

/** The repository root: the nearest folder above this module holding flue's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'protocol'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new DeviceError(DeviceErrorCode.NOT_BUILT, 'cannot find the flue repository root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

let cached: NativeNicModelClass | undefined;

/** The addon's NicModel class; FLUE_ADDON overrides the path. */
export function loadNicModel(): NativeNicModelClass {
  if (cached) return cached;
  const path = process.env.FLUE_ADDON ?? join(repoRoot(), 'build', 'addon', 'flue_nic.node');
  if (!existsSync(path))
    throw new DeviceError(DeviceErrorCode.NOT_BUILT, `the Verilator model is not built (${path} missing): run 'make addon' (or 'make test')`);
  const require = createRequire(import.meta.url);
  try {
    const mod = require(path) as { NicModel: NativeNicModelClass };
    cached = mod.NicModel;
    return cached;
  } catch (cause) {
    throw new DeviceError(DeviceErrorCode.NOT_BUILT, `cannot load ${path}: ${(cause as Error).message}; rebuild with 'make addon'`, { cause });
  }
}
