/**
 * The device link: the one interface through which the host reaches hardware, wherever the
 * hardware runs (in-process Verilator, a cocotb simulator over a socket, a board over a UART).
 * Nothing above host/device/ imports a backend; everything above uses this interface.
 *
 * Every method that talks to the device returns a promise: a backend across a cable or a
 * socket answers later, and the in-process one simply answers at once.
 */
import type { HostMemory } from './memory.js';

/** A frame on the wire with the simulated cycle of its first byte. */
export interface WireFrame {
  readonly data: Uint8Array;
  readonly cycle: number;
}

/** Counters kept by the backend itself (not the device's registers). */
export interface LinkCounters {
  /** DMA bursts served from host memory */
  readonly dmaReads: number;
  readonly dmaWrites: number;
  /** DMA bursts refused because they touched unmapped memory */
  readonly dmaErrors: number;
  /** where the first refused burst went ("cycle N: read of B beats at 0x..."), "" if none */
  readonly firstDmaError: string;
  /** bus protocol violations seen from the device (a bug in the RTL) */
  readonly protocolErrors: number;
  readonly firstProtocolError: string;
  /** frames the device aborted on the wire */
  readonly txAborted: number;
}

export interface DeviceLink {
  /** a name for messages: backend and instance */
  readonly name: string;
  /** core clock of the device in Hz: converts cycles to time */
  readonly clockHz: number;
  /** the device's simulated time, in core cycles since the link opened */
  readonly now: number;
  /** host memory the device reaches by DMA */
  readonly memory: HostMemory;

  /**
   * Reads a 32-bit register. Rejects with DeviceError MMIO_FAILED on an error response or a
   * time-out, CLOSED after close(). Advances simulated time by the access's own cycles.
   */
  mmioRead(addr: number): Promise<number>;
  /** Writes a 32-bit register; same failures as mmioRead. */
  mmioWrite(addr: number, value: number): Promise<void>;

  /**
   * Lets the device run for at most `cycles` core cycles. With `stopOnIrq`, it returns right
   * after the cycle in which an interrupt fired. Resolves with the cycles actually run.
   */
  advance(cycles: number, stopOnIrq: boolean): Promise<number>;
  /** Interrupt vectors that fired since the last call (bit v = vector v); clears them. */
  takeIrqs(): number;

  /** Allows the device to DMA into [addr, addr+length) of host memory. */
  mapDma(addr: number, length: number): void;
  /** Withdraws a mapping made by mapDma (the exact same range). */
  unmapDma(addr: number, length: number): void;

  /** Frames the device sent on its wire port since the last call, in order. */
  takeTxFrames(): WireFrame[];
  /** Queues a frame to arrive at the device's wire port no earlier than `cycle`. */
  pushRxFrame(data: Uint8Array, cycle: number): void;
  /** frames pushed that have not started onto the device's wire yet (where the link can tell) */
  readonly rxQueued?: number;
  /**
   * the device is elsewhere and runs on its own (a board over a serial line): it asks the host
   * for things (DMA) on the event loop, so a scheduler must give the loop a turn often
   */
  readonly remote?: boolean;

  /** Holds the device's reset line for a few cycles: every block returns to reset state. */
  resetDevice(): Promise<void>;
  /** Starts an FST waveform of the device (backends that can). */
  traceStart(path: string): void;
  traceStop(): void;
  counters(): LinkCounters;
  /** Frees the device; every later call rejects or throws CLOSED. */
  close(): Promise<void>;
}
