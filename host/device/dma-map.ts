/**
 * The ranges of host memory a card may reach by DMA, for backends that serve its bursts
 * themselves (a board's serial link, a simulator's socket): mapDma/unmapDma keep them, and a
 * burst is served only when every byte it touches lies in one or more of them.
 */
import { DeviceError, DeviceErrorCode } from './errors.js';
import { hexAddr } from './memory.js';

export class DmaMappings {
  private readonly ranges: [number, number][] = [];

  constructor(private readonly owner: string) {}

  map(addr: number, length: number): void {
    this.ranges.push([addr, length]);
  }

  /** Withdraws a range mapped with exactly this address and length. */
  unmap(addr: number, length: number): void {
    const i = this.ranges.findIndex(([a, l]) => a === addr && l === length);
    if (i < 0) throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${this.owner}: unmapDma(${hexAddr(addr)}, ${length}): no region was mapped with exactly this address and length`);
    this.ranges.splice(i, 1);
  }

  /** Why [addr, end) may not be touched ("0x... is not mapped for DMA"), or undefined if all of it is mapped. */
  unmappedIn(addr: number, end: number): string | undefined {
    if (end <= addr) return undefined;
    let at = addr;
    // ranges may touch or overlap: walk them in order until [addr, end) is covered
    const over = this.ranges.filter(([a, l]) => a < end && a + l > addr).sort((x, y) => x[0] - y[0]);
    for (const [a, l] of over) {
      if (a > at) break;
      at = Math.max(at, a + l);
      if (at >= end) return undefined;
    }
    return `${hexAddr(at)} is not mapped for DMA`;
  }
}
