/**
 * A Linux interop rig: NIC A (nic_top under Verilator) with flue's host stack and offload
 * client on one side, the Linux kernel's TCP in a network namespace on the other, joined by a
 * TAP device. The simulation runs in real-time mode: its cycles are paced at `pace` per wall
 * second, and the host's and the card's clocks count in those cycles, so every timer on both
 * sides counts the same milliseconds. Addresses are documentation ones on one link: flue
 * 192.0.2.10, Linux 192.0.2.1.
 */
import type { ChildProcess } from 'node:child_process';
import { RealTimePacer } from '../../host/device/pacer.js';
import { LockstepScheduler } from '../../host/device/scheduler.js';
import { VerilatorLink } from '../../host/device/verilator/backend.js';
import { MiniportAdapter } from '../../host/drivers/miniport/adapter.js';
import { schedulerClock } from '../../host/drivers/protocol/clock.js';
import { L2Link } from '../../host/drivers/protocol/l2-link.js';
import { Stack } from '../../host/drivers/protocol/stack.js';
import type { TcpConfig } from '../../host/drivers/protocol/tcp-config.js';
import { offloadSide, type OffloadSide } from '../../host/cli/scenario.js';
import { STATION_A, TCP_MINIPORT, type Station } from '../../host/cli/testbed.js';
import type { ImpairmentConfig } from '../../host/wire/impair.js';
import { PcapWriter } from '../../host/wire/pcap.js';
import { TapWire } from '../../host/wire/tap-wire.js';
import { LinuxPeerNet } from './netns.js';

export const FLUE_IP = '192.0.2.10';
export const LINUX_IP = '192.0.2.1';

export interface LinuxBedOptions {
  /** simulated cycles per wall-clock second (default 200 000: the model keeps up with it) */
  pace?: number;
  /** capture of the TAP wire (timestamps in the paced clock: wall-clock time) */
  pcapPath?: string;
  /** flue's stack */
  tcp?: Partial<TcpConfig>;
  /** offload each connection the moment it is established (default true) */
  offload?: boolean;
  seed?: number;
  /** tag for the namespace's name */
  prefix?: string;
  /**
   * impairment of the frames flue sends (towards Linux) and of Linux's (towards flue), applied
   * on flue's side of the TAP device (this kernel has no netem), seeded with `seed`
   */
  toLinux?: Partial<ImpairmentConfig>;
  toFlue?: Partial<ImpairmentConfig>;
}

export interface LinuxBed {
  readonly net: LinuxPeerNet;
  readonly scheduler: LockstepScheduler;
  readonly pacer: RealTimePacer;
  readonly station: Station;
  readonly stack: Stack;
  readonly offload: OffloadSide | undefined;
  readonly wire: TapWire;
  /** runs the simulation (paced) until `until` holds or `seconds` of paced time have passed */
  run(until: () => boolean, seconds: number): Promise<'done' | 'limit'>;
  /**
   * starts testbench/linux/peer.ts inside the namespace: `listening` once a listener listens,
   * `result` its one JSON line
   */
  peer(args: string[]): { child: ChildProcess; listening: Promise<void>; result: Promise<PeerResult> };
  close(): Promise<void>;
}

export interface PeerResult {
  ok: boolean;
  error?: string;
  sent: number;
  received: number;
  sha256: string;
  rst: boolean;
  ms: number;
  /** with --connections N > 1: each connection, by flue's port */
  connections?: { port: number; ok: boolean; error?: string; sent: number; received: number; sha256: string; rst: boolean }[];
}

const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const PEER = new URL('./peer.ts', import.meta.url).pathname;

export async function createLinuxBed(options: LinuxBedOptions = {}): Promise<LinuxBed> {
  const pace = options.pace ?? 200_000;
  const net = await LinuxPeerNet.create({ prefix: options.prefix ?? 'bed', linuxAddress: LINUX_IP, prefixLength: 24, congestionControl: 'cubic' });
  let link: VerilatorLink | undefined;
  let pcap: PcapWriter | undefined;
  try {
    const quantum = 256;
    const scheduler = new LockstepScheduler(quantum);
    const pacer = new RealTimePacer({ cyclesPerSecond: pace });
    scheduler.setPacer(pacer);
    link = new VerilatorLink({ name: 'a', clockHz: pace, memorySize: 64 * 2 ** 20 });
    // interrupt moderation in paced cycles: 64 of them are a third of a millisecond
    const adapter = new MiniportAdapter(link, { ...TCP_MINIPORT, moderation: { count: 8, timeCycles: 64 }, mac: STATION_A.mac });
    await adapter.initialize();
    const station: Station = { link, adapter, endpoint: STATION_A };
    pcap = options.pcapPath ? new PcapWriter(options.pcapPath) : undefined;
    const wire = new TapWire(link, net.tap, {
      latency: quantum,
      seed: options.seed ?? 1,
      ...(pcap ? { pcap } : {}),
      ...(options.toLinux ? { toPort: options.toLinux } : {}),
      ...(options.toFlue ? { fromPort: options.toFlue } : {}),
    });
    scheduler.attach(link, (v) => adapter.handleInterrupt(v));
    scheduler.addWire(wire);
    const l2 = new L2Link(adapter.datapath, STATION_A.mac);
    const stack = new Stack({ ip: FLUE_IP, link: l2, clock: schedulerClock(scheduler, pace / 1000), seed: options.seed ?? 1, tcp: { receiveBuffer: 256 * 1024, sendBuffer: 256 * 1024, ...options.tcp } });
    l2.attach(stack);
    const offload = options.offload === false ? undefined : await offloadSide(station, stack, 'nic-a', true);
    const children: ChildProcess[] = [];
    const bed: LinuxBed = {
      net, scheduler, pacer, station, stack, offload, wire,
      run: (until, seconds) => scheduler.run({ until, maxCycles: Math.round(seconds * pace) }),
      peer(args) {
        const child = net.spawn(TSX, [PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let out = '';
        let err = '';
        child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
        child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
        const listening = new Promise<void>((resolve, reject) => {
          child.stderr?.on('data', () => { if (err.includes('listening')) resolve(); });
          child.on('exit', (code, signal) => reject(new Error(`the Linux peer exited (${signal ?? code}) before it listened: ${err.trim() || out.trim() || 'no output'}`)));
        });
        listening.catch(() => {});
        const result = new Promise<PeerResult>((resolve) => {
          child.on('exit', (code, signal) => {
            const line = out.trim().split('\n').pop() ?? '';
            try {
              resolve(JSON.parse(line) as PeerResult);
            } catch {
              resolve({ ok: false, error: `the Linux peer exited (${signal ?? code}) without a result: ${err.trim() || out.trim() || 'no output'}`, sent: 0, received: 0, sha256: '', rst: false, ms: 0 });
            }
          });
        });
        return { child, listening, result };
      },
      async close() {
        for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
        pcap?.close();
        await link!.close();
        await net.close();
      },
    };
    return bed;
  } catch (e) {
    pcap?.close();
    await link?.close();
    await net.close();
    throw e;
  }
}
