import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Kernel conformance and CLI tests spawn processes and multiply matrices: give them room
    // on a 2-core CI runner, and run files one at a time so timings don't starve each other.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // A summary and the failures, not one line per passing test: 2,000 green lines hide the red one.
    reporters: ['dot'],
  },
});
