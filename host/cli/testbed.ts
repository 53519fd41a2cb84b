/**
 * The composition root for runs with two NICs back to back: two Verilator models, a miniport
 * on each, one lockstep scheduler and one cable with a pcap. The CLI, the tests and the
 * benchmarks build their runs from here.
 */
import type { DeviceLink } from '../device/link.js';
import { VerilatorLink } from '../device/verilator/backend.js';
import { LockstepScheduler } from '../device/scheduler.js';
import { MiniportAdapter, type MiniportOptions } from '../drivers/miniport/adapter.js';
import { schedulerClock } from '../drivers/protocol/clock.js';
import { L2Link } from '../drivers/protocol/l2-link.js';
import { Stack } from '../drivers/protocol/stack.js';
import type { TcpConfig } from '../drivers/protocol/tcp-config.js';
import type { ArpConfig } from '../drivers/protocol/arp.js';
import { BackToBackWire } from '../wire/back-to-back.js';
import { PcapWriter } from '../wire/pcap.js';
import type { ImpairmentConfig } from '../wire/impair.js';
import type { ThroughputRecorder } from '../wire/throughput.js';
import type { Endpoint } from '../wire/traffic.js';

export interface Station {
  readonly link: DeviceLink;
  readonly adapter: MiniportAdapter;
  readonly endpoint: Endpoint;
}

export interface BackToBack {
  readonly a: Station;
  readonly b: Station;
  readonly scheduler: LockstepScheduler;
  readonly wire: BackToBackWire;
  readonly pcap: PcapWriter | undefined;
  close(): Promise<void>;
}

export interface BackToBackOptions {
  /** where to write the capture of the cable (none if omitted) */
  pcapPath?: string;
  /** scheduler quantum and cable latency in cycles (default 256) */
  quantum?: number;
  miniport?: MiniportOptions;
  /** FST waveform of NIC A */
  fstPath?: string;
  /** records the cable's throughput over time */
  throughput?: ThroughputRecorder;
  /** impairs the cable, seeded (times in ms of simulated time) */
  impairment?: { seed: number; aToB?: Partial<ImpairmentConfig>; bToA?: Partial<ImpairmentConfig> };
  /** each host's memory in bytes (default the link's, 16 MiB) */
  memorySize?: number;
  /**
   * station A's card, opened elsewhere (a board over its serial link, whose cable is the
   * harness's frame socket) instead of an in-process model; the bed closes it
   */
  linkA?: DeviceLink;
}

/** Documentation addresses only (RFC 5737), locally administered MACs. */
export const STATION_A: Endpoint = {
  mac: Uint8Array.of(0x02, 0x00, 0x5e, 0x00, 0x00, 0x0a), ip: Uint8Array.of(192, 0, 2, 10), port: 40000,
};
export const STATION_B: Endpoint = {
  mac: Uint8Array.of(0x02, 0x00, 0x5e, 0x00, 0x00, 0x0b), ip: Uint8Array.of(198, 51, 100, 11), port: 40001,
};

export async function createBackToBack(options: BackToBackOptions = {}): Promise<BackToBack> {
  const quantum = options.quantum ?? 256;
  const scheduler = new LockstepScheduler(quantum);
  const make = (name: string, endpoint: Endpoint, given?: DeviceLink): Station => {
    const link = given ?? new VerilatorLink({ name, ...(options.memorySize !== undefined ? { memorySize: options.memorySize } : {}) });
    const adapter = new MiniportAdapter(link, { ...options.miniport, mac: endpoint.mac });
    return { link, adapter, endpoint };
  };
  const a = make('a', STATION_A, options.linkA);
  const b = make('b', STATION_B);
  if (options.fstPath) a.link.traceStart(options.fstPath);
  const pcap = options.pcapPath ? new PcapWriter(options.pcapPath) : undefined;
  const wire = new BackToBackWire(a.link, b.link, {
    latency: quantum,
    ...(pcap ? { pcap } : {}),
    ...(options.throughput ? { throughput: options.throughput } : {}),
    ...(options.impairment ?? {}),
  });
  try {
    await a.adapter.initialize();
    await b.adapter.initialize();
  } catch (e) {
    pcap?.close();
    await a.link.close();
    await b.link.close();
    throw e;
  }
  scheduler.attach(a.link, (v) => a.adapter.handleInterrupt(v));
  scheduler.attach(b.link, (v) => b.adapter.handleInterrupt(v));
  scheduler.addWire(wire);
  return {
    a, b, scheduler, wire, pcap,
    async close() {
      pcap?.close();
      if (options.fstPath) a.link.traceStop();
      await a.link.close();
      await b.link.close();
    },
  };
}

/**
 * Miniport settings for TCP over a back-to-back pair: receive buffers past what the windows can
 * fill; completions batched by 8 or 500 cycles, and handed over 192 cycles after the last one
 * came (one 1538-byte frame's time on the 64-bit wire: nothing more for that long, the burst
 * is over), so a lone completion (a handshake, an offload, a terminate) does not wait out 500.
 */
export const TCP_MINIPORT: BackToBackOptions['miniport'] = {
  txBuffers: 128, rxBuffers: 256, reqRingLog2: 10, moderation: { count: 8, timeCycles: 500, idleCycles: 192 },
};

/**
 * A software TCP/IP stack (peer mode, no offload) on a station's plain L2 path, on the
 * scheduler's clock. The default windows (128 KiB) stay below the NIC's 256 posted receive
 * buffers, so no frame is dropped for want of a buffer and no RTO costs simulated seconds.
 */
export function stackOn(bed: BackToBack, station: Station, ip: string, seed: number, tcp: Partial<TcpConfig> = { receiveBuffer: 128 * 1024, sendBuffer: 128 * 1024 }, fixedIsn?: number, arp?: Partial<ArpConfig>): Stack {
  const link = new L2Link(station.adapter.datapath, station.endpoint.mac);
  const stack = new Stack({ ip, link, clock: schedulerClock(bed.scheduler), seed, tcp, ...(fixedIsn !== undefined ? { fixedIsn } : {}), ...(arp ? { arp } : {}) });
  link.attach(stack);
  return stack;
}
