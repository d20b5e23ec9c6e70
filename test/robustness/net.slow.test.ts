// `dlbench net`: bad input refused before weights are made or anything is timed.
import os from 'node:os';
import {badInputTable} from './table.js';

const tooManyThreads = String(4 * os.availableParallelism() + 1);

badInputTable('dlbench net: bad input', [
  {args: ['net', 'nope'], message: /NAME: unknown network 'nope'. Valid: alexnet/},
  {args: ['net', 'alexnet', '--batch', '0'], message: /--batch: '0' is not a positive integer/},
  {args: ['net', 'alexnet', '--batch', ''], message: /--batch: empty entry/},
  {args: ['net', 'alexnet', '--batch', '1,,8'], message: /--batch: empty entry/},
  // Was a raw RangeError and exit 1: now the memory estimate `run --size` gives.
  {
    args: ['net', 'alexnet', '--batch', '100000'],
    message: /--batch: alexnet batch 100000, conv1 needs about .* of buffers; this machine allows/,
  },
  {args: ['net', 'alexnet', '--batch', '1,100000'], message: /--batch: alexnet batch 100000/},
  // Was minutes of SVD set-up for a rank no fc layer has.
  {
    args: ['net', 'alexnet', '--lowrank', '100000'],
    message: /--lowrank: rank 100000 is more than .*min\(IN, OUT\) = 4096\)\. Valid: a rank 1\.\.4096/,
  },
  {args: ['net', 'alexnet', '--lowrank', 'abc'], message: /--lowrank: 'abc' is not a rank/},
  {args: ['net', 'alexnet', '--lowrank', '0'], message: /--lowrank: '0' is not a rank/},
  {args: ['net', 'alexnet', '--conv', 'nope'], message: /--conv/},
  {args: ['net', 'alexnet', '--layout', 'nope'], message: /--layout/},
  {
    args: ['net', 'alexnet', '--threads', tooManyThreads],
    message: /--threads: '\d+' is not a thread count. Valid: 1\.\.\d+ \(4×/,
  },
  {args: ['net', 'alexnet', '--seed', '4294967296'], message: /--seed: '4294967296' is not a seed/},
]);
