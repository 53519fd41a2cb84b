/**
 * nic_top under Icarus with the cocotb bridge (testbench/cocotb/flue-cocotb-sim), started as a
 * child process listening on a Unix socket (or TCP on loopback), and a SocketLink to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../child-process.js';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import { repoRoot } from '../verilator/native.js';
import { SocketLink, type SocketLinkOptions } from './socket-link.js';

export interface CocotbSimOptions {
  /** 'unix' (default): a socket in a fresh temporary folder; 'tcp': a free port on 127.0.0.1 */
  transport?: 'unix' | 'tcp';
  /** write an FST waveform of the whole run here */
  fstPath?: string;
  /** ms to wait for the bridge's "listening" line (default 60 s: Python and cocotb start first) */
  startTimeoutMs?: number;
}

export interface CocotbSim {
  /** where the bridge listens: unix:/path or tcp:127.0.0.1:PORT */
  readonly address: string;
  readonly process: ChildProcess;
  /** what the simulator printed (cocotb's log, the bridge's summary), last 20 000 characters */
  output(): string;
  /** what became of the process: undefined while it runs */
  exitState(): string | undefined;
  /** stops the simulator (SIGTERM, then SIGKILL) and waits for it; its last lines */
  stop(): Promise<string>;
}

/** The launcher make builds next to the compiled design. */
export function cocotbSimPath(): string {
  return join(repoRoot(), 'testbench', 'cocotb', 'flue-cocotb-sim');
}

/** Starts flue-cocotb-sim and waits until the bridge listens. */
export async function startCocotbSim(options: CocotbSimOptions = {}): Promise<CocotbSim> {
  const launcher = cocotbSimPath();
  const built = join(repoRoot(), 'build', 'cocotb', 'nic_top.vvp');
  if (!existsSync(built)) throw new DeviceError(DeviceErrorCode.NOT_BUILT, `${built} is not built: run make cocotb-sim (make test builds it)`);
  const dir = mkdtempSync(join(tmpdir(), 'flue-cocotb-'));
  const listen = options.transport === 'tcp' ? 'tcp:127.0.0.1:0' : `unix:${join(dir, 'link.sock')}`;
  const args = options.fstPath ? ['--fst', options.fstPath] : [];
  const child = spawn(launcher, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLUE_LINK: listen } });
  let output = '';
  const keep = (s: string): void => { output = (output + s).slice(-20000); };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', keep);
  let exit: string | undefined;
  const exited = new Promise<void>((res) => child.once('exit', (code, signal) => {
    exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
    res();
  }));
  const startMs = options.startTimeoutMs ?? 60_000;
  const address = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new DeviceError(DeviceErrorCode.TIMEOUT, `flue-cocotb-sim did not listen in ${startMs} ms: ${tail(output)}`)), startMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      keep(s);
      out += s;
      const m = /flue-cocotb: listening on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      res(m[1]!);
    });
    child.once('exit', () => { clearTimeout(timer); rej(new DeviceError(DeviceErrorCode.CLOSED, `flue-cocotb-sim ${exit ?? 'exited'} before it listened: ${tail(output)}`)); });
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    address,
    process: child,
    output: () => output,
    exitState: () => exit,
    async stop() {
      await stopChild(child, exited);
      rmSync(dir, { recursive: true, force: true });
      return tail(output);
    },
  };
}

/** Starts the simulator and connects a SocketLink to it; closing the link ends the simulator. */
export async function openCocotbLink(options: CocotbSimOptions & SocketLinkOptions = {}): Promise<{ sim: CocotbSim; link: SocketLink }> {
  const sim = await startCocotbSim(options);
  try {
    const link = await SocketLink.connect(sim.address, {
      ...options,
      name: options.name ?? `icarus:${sim.address}`,
      describeExit: () => {
        const state = sim.exitState();
        return state ? `flue-cocotb-sim ${state}; its last output: ${tail(sim.output())}` : undefined;
      },
    });
    return { sim, link };
  } catch (e) {
    await sim.stop();
    throw e;
  }
}

function tail(s: string): string {
  return s.trim().split('\n').slice(-4).map((l) => l.trim()).join(' | ');
}
