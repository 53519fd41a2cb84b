import { describe, expect, it } from 'vitest';
import { main, UsageError } from './main.js';

describe('flue command line', () => {
  it('rejects unknown commands and bad options with a usage error before touching any device', async () => {
    await expect(main(['frobnicate'])).rejects.toThrow(UsageError);
    await expect(main(['demo', '--frames', 'many'])).rejects.toThrow(/--frames must be an integer from 1/);
    await expect(main(['demo', '--frames', '0'])).rejects.toThrow(/--frames must be an integer/);
    await expect(main(['demo', '--seed'])).rejects.toThrow(/--seed needs a value/);
    await expect(main(['demo', '--colour', 'red'])).rejects.toThrow(/demo has no option --colour/);
    await expect(main(['demo', 'extra'])).rejects.toThrow(/unexpected argument 'extra'/);
    await expect(main(['run'])).rejects.toThrow(/run needs exactly one scenario file, got 0/);
    await expect(main(['run', 'a.json', 'b.json'])).rejects.toThrow(/got 2/);
    await expect(main(['run', 'a.json', '--frames', '3'])).rejects.toThrow(/run has no option --frames/);
    await expect(main(['demo', '--icarus', '--link', 'unix:/tmp/x'])).rejects.toThrow(/give one of them/);
    await expect(main(['demo', '--link'])).rejects.toThrow(/--link needs a value/);
    await expect(main(['demo', '--link', 'unix:/tmp/x', '--fst', 'a.fst'])).rejects.toThrow(/writes its own waveform/);
  });
});
