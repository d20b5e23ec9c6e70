import {defineConfig} from 'vitest/config';

// `npm test` runs the fast suite; end-to-end cases that take many seconds each live in
// *.slow.test.ts files, run by `npm run test:slow` (DLBENCH_SLOW_TESTS=1), which .ci/run runs after
// `npm test`. Both together cover everything: a slow file is excluded here, never dropped.
const slow = process.env.DLBENCH_SLOW_TESTS === '1';

export default defineConfig({
  test: {
    include: slow ? ['test/**/*.slow.test.ts'] : ['test/**/*.test.ts'],
    exclude: slow ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/**/*.slow.test.ts'],
    // Kernel conformance and CLI tests spawn processes and multiply matrices: give them room on a
    // loaded 2-core runner. `npm test` runs two files at a time (most of a file's time is one
    // process waiting on a child or on a single-threaded kernel, so the second core would idle);
    // the slow end-to-end files run one at a time, as their child processes use both cores.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: !slow,
    maxWorkers: slow ? 1 : 2,
    // A summary and the failures, not one line per passing test: 2,000 green lines hide the red one.
    reporters: ['dot'],
  },
});
