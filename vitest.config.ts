import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Unit tests run in parallel; cosimulation tests (*.cosim.test.ts) drive Verilator models and
// run in their own project, one file at a time per worker, with a longer time-out.
export default defineConfig({
  test: {
    // every core (vitest 3 leaves one free by default: on a 2-core machine, one file at a time)
    maxWorkers: availableParallelism(),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['host/**/*.test.ts', 'protocol/**/*.test.ts'],
          exclude: ['**/*.cosim.test.ts'],
          // the bulk transfers take 2-3 s alone; beside a cosimulation on the other core, more
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cosim',
          include: ['host/**/*.cosim.test.ts', 'testbench/**/*.cosim.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          pool: 'forks',
        },
      },
    ],
  },
});
