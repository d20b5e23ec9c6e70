import {defineConfig} from 'vitest/config';

// `npm test` runs the fast suite; end-to-end cases that take many seconds each live in
// *.slow.test.ts files, run by `npm run test:slow` (DLBENCH_SLOW_TESTS=1), which .ci/run runs after
// `npm test`. Both together cover everything: a slow file is excluded here, never dropped.
const slow = process.env.DLBENCH_SLOW_TESTS === '1';

export default defineConfig({
  test: {
    include: slow ? ['test/**/*.slow.test.ts'] : ['test/**/*.test.ts'],
    exclude: slow ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/**/*.slow.test.ts'],
    // Kernel conformance and CLI tests spawn processes and multiply matrices: give them room
    // on a 2-core CI runner, and run files one at a time so timings don't starve each other.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // A summary and the failures, not one line per passing test: 2,000 green lines hide the red one.
    reporters: ['dot'],
  },
});
