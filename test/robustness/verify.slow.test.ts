// `dlbench verify`: bad input refused before any check runs.
import os from 'node:os';
import {badInputTable} from './table.js';

badInputTable('dlbench verify: bad input', [
  {args: ['verify', '-v', 'gemm/nope'], message: /--variant: 'gemm\/nope' matches no variant/},
  {args: ['verify', '--op', 'nope'], message: /--op: unknown op 'nope'/},
  {args: ['verify', '--threads', String(4 * os.availableParallelism() + 1)], message: /--threads: '\d+' is not a thread count/},
  {args: ['verify', '--seed', '4294967296'], message: /--seed: '4294967296' is not a seed/},
]);
