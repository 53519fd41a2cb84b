// Types of build/addon/flue_nic.node (testbench/verilator/addon.cpp). Load it from ESM with
//   const { NicModel } = createRequire(import.meta.url)('<repo>/build/addon/flue_nic.node') as
//     typeof import('<repo>/testbench/verilator/nic-model.js');
// Cycle numbering: cycle N is the clock period ending with rising edge N+1; `cycle` counts the
// edges so far. A beat "in cycle N" completes its handshake at that edge.
// All numbers that name addresses, lengths or cycles are integers below 2^53; addresses and
// lengths may also be given as bigint.

export interface NicModelOptions {
  /** Host memory. The AXI slave reads and writes it in place; the model keeps it alive. */
  memory: ArrayBuffer;
  /** Host (bus) address of byte 0 of `memory`; may exceed 2^32. */
  memoryBase: number | bigint;
  /** Cycles from AR accept to the first R beat (default 16, >= 1); full throughput after that. */
  readLatency?: number;
}

export interface WireFrame {
  /** Frame bytes as sent on m_axis_tx (FCS excluded). */
  data: Uint8Array;
  /** Cycle of the first beat. */
  cycle: number;
}

export interface HarnessCounters {
  /** AXI read bursts accepted (AR handshakes). */
  axiReads: number;
  /** AXI write bursts accepted (AW handshakes). */
  axiWrites: number;
  /** Bursts answered SLVERR: touching unmapped bytes or bytes outside `memory`, or illegal. */
  axiErrors: number;
  /** RX beats driven while s_axis_rx_tready was low (the MAC cannot wait: each is lost). */
  rxOverruns: number;
  /** TX frames ended with tuser=1 (not returned by takeTxFrames). */
  txAborted: number;
  /** Interface rule violations by the RTL (4 KiB crossing, wlast mismatch, valid dropped...). */
  protocolErrors: number;
  /** "cycle N: what" of the first violation, "" if none. */
  firstProtocolError: string;
  /** "cycle N: read|write of B beats at 0x..." of the first burst answered SLVERR, "" if none. */
  firstAxiError: string;
}

export class NicModel {
  /** Builds one nic_top with its own VerilatedContext; several may coexist. Clock not yet run. */
  constructor(options: NicModelOptions);
  /**
   * Holds rst high for `cycles` (>= 1) cycles. In-flight harness state (AXI bursts, a partly
   * received TX frame, MMIO accesses) is dropped. The wire does not stop for the NIC's reset: an
   * RX frame already started is driven to its end (the NIC discards it), RX frames not yet
   * started stay queued and start after the reset. IRQ pulses during reset are ignored.
   */
  reset(cycles: number): void;
  /** Rising edges since construction (resets included). */
  readonly cycle: number;
  /** AXI4-Lite read of a register (4-byte aligned, < REG_SPACE_BYTES). Throws an Error with
   *  `code` 'FLUE_MMIO_RESP' and `resp` (2 = SLVERR, 3 = DECERR) on a non-OKAY response, or
   *  `code` 'FLUE_MMIO_TIMEOUT' (`resp` -1) after 1000 cycles without one. The clock runs
   *  (all models included) while it waits. */
  mmioRead(addr: number): number;
  /** AXI4-Lite write; value is a u32 (negative int32 values are taken as their bit pattern). */
  mmioWrite(addr: number, value: number): void;
  /** Clocks up to maxCycles; with stopOnIrq, stops right after a cycle in which any irq bit
   *  pulsed. Returns the cycles actually run. */
  run(maxCycles: number, stopOnIrq: boolean): number;
  /** Bit v set: vector v pulsed since the last call. Clears. */
  takeIrqs(): number;
  /** Pulses per vector (IRQ_VECTORS entries) since construction. */
  irqCounts(): number[];
  /** Makes [addr, addr+length) DMA-accessible; must lie inside `memory`. Regions may overlap.
   *  A read burst touches whole bus beats (DMA_DATA_WIDTH/8 bytes, 16 in the reference build),
   *  lanes below an unaligned start included: map buffers the NIC reads rounded out to beats. */
  mapDma(addr: number | bigint, length: number | bigint): void;
  /** Removes one region mapped with exactly this addr and length; throws RangeError otherwise. */
  unmapDma(addr: number | bigint, length: number | bigint): void;
  /** Frames completed on m_axis_tx since the last call, oldest first. */
  takeTxFrames(): WireFrame[];
  /** Queues a frame (copied) for s_axis_rx; its first beat is driven no earlier than `cycle`
   *  and at least 3 idle cycles after the previous frame's last beat. */
  pushRxFrame(data: Uint8Array, cycle: number): void;
  /** Frames not yet fully driven. */
  readonly rxQueued: number;
  counters(): HarnessCounters;
  /** Starts an FST waveform at `path` (each cycle is 2 time units: clk low, clk high). */
  traceStart(path: string): void;
  /** Closes the waveform (no-op if none is open). */
  traceStop(): void;
  /** Runs final blocks and frees the model; every later call throws. */
  close(): void;
}
