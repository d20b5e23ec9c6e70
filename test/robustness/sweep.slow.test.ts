// `dlbench sweep`: bad input refused before any case is timed.
import os from 'node:os';
import {badInputTable} from './table.js';

const cores = os.availableParallelism();

badInputTable('dlbench sweep: bad input', [
  {args: ['sweep', '--threads', '1..1000'], message: /--threads: '1\.\.1000' must be within 1\.\.256/},
  {args: ['sweep', '--threads', 'x'], message: /--threads: 'x' is not a thread count/},
  ...(4 * cores + 1 <= 256
    ? [
        {
          args: ['sweep', '--threads', `1,${4 * cores + 1}`],
          message: /--threads: \d+ threads is too many. Valid: 1\.\.\d+ \(4× this machine's/,
        },
      ]
    : []),
  // 1000 sizes are within the limit; times 4 thread counts of a parallel variant they are not.
  {
    args: ['sweep', '-v', 'gemm/workers', '--size', '1..1000+1', '--threads', '1..4'],
    message: /--size: 4000 cases planned .*--max-cases 4000/,
  },
  {args: ['sweep', '--size', ''], message: /--size: empty entry/},
  {args: ['sweep', '--op', 'nope'], message: /--op: unknown op 'nope'/},
  {args: ['sweep', '--seed', '-1'], message: /--seed: '-1' is not a seed/},
]);
