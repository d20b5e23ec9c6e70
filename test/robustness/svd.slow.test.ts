// `dlbench svd`: bad input refused before any matrix is made.
import os from 'node:os';
import {badInputTable} from './table.js';

const tooManyThreads = String(4 * os.availableParallelism() + 1);

badInputTable('dlbench svd: bad input', [
  // Refused, not clamped: the row would be labelled r100 while computing rank 64.
  {
    args: ['svd', '--size', '64x64', '--rank', '100'],
    message: /--rank: 100 is more than min\(m, n\) of --size 64x64\. Valid: 1\.\.64/,
  },
  {
    args: ['svd', '--size', '64x200,32x32', '--rank', '40'],
    message: /--rank: 40 is more than min\(m, n\) of --size 32x32\. Valid: 1\.\.32/,
  },
  {
    args: ['svd', '--size', '64x64', '--lowrank-gemm', '5,100'],
    message: /--lowrank-gemm: rank 100 is more than min\(m, n\) of --size\. Valid: ranks 1\.\.64/,
  },
  {args: ['svd', '--size', ''], message: /--size: empty entry/},
  {args: ['svd', '--size', '64xq'], message: /--size/},
  {args: ['svd', '--dtype', 'f16'], message: /--dtype: unknown element type 'f16'. Valid: f32, f64/},
  {args: ['svd', '--variant', 'nope'], message: /--variant: unknown SVD 'nope'. Valid: full, randomized/},
  {args: ['svd', '--threads', tooManyThreads], message: /--threads: '\d+' is not a thread count/},
  {args: ['svd', '--seed', '1e20'], message: /--seed: '1e20' is not a seed/},
]);
