import { describe, expect, it } from 'vitest';
import { L2Link, type PlainFramePath } from './l2-link.js';

describe('L2Link', () => {
  it('sends through the plain path, batches one flush per burst, and delivers received frames', async () => {
    const sent: Uint8Array[] = [];
    let flushes = 0;
    let handler: ((f: Uint8Array, c: number) => void) | undefined;
    const path: PlainFramePath = {
      sendFrame: (f, done) => { sent.push(f); done?.(sent.length === 2 ? 5 : 0); },
      flush: async () => { flushes++; },
      onReceive: (h) => { handler = h; },
    };
    const link = new L2Link(path, new Uint8Array(6));
    const got: Uint8Array[] = [];
    link.attach({ receiveFrame: (f) => got.push(f) });
    link.send(new Uint8Array(60));
    link.send(new Uint8Array(60));
    await Promise.resolve();
    expect(sent).toHaveLength(2);
    expect(flushes).toBe(1);
    expect(link.counters.sendErrors).toBe(1);
    handler!(new Uint8Array(64), 0);
    expect(got).toHaveLength(1);
  });
});
