/** A FIFO of bytes kept as a list of chunks: append at the tail, read anywhere, drop from the head. */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** bytes already consumed from chunks[0] */
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  append(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.size += data.length;
  }

  /** Copies `len` bytes starting `offset` bytes from the head (must lie within the queue). */
  peek(offset: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let skip = this.head + offset;
    let at = 0;
    for (const c of this.chunks) {
      if (at >= len) break;
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      const n = Math.min(c.length - skip, len - at);
      out.set(c.subarray(skip, skip + n), at);
      at += n;
      skip = 0;
    }
    return out;
  }

  /** Removes `n` bytes from the head. */
  drop(n: number): void {
    n = Math.min(n, this.size);
    this.size -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      const left = c.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Removes and returns up to `max` bytes from the head. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.size);
    const out = this.peek(0, n);
    this.drop(n);
    return out;
  }
}
