// `dlbench run`: bad input refused before measuring (exit 2, one line naming the flag).
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {allVariants} from '../../src/kernels/registry.js';
import {runCli} from '../helpers/cli.js';
import {gemmReport} from '../helpers/reports.js';
import {badInputTable} from './table.js';

// 64x64x64 and 128x128x128 of gemm/naive-ijk, reordered-ikj and blocked.
const base = {'base.json': JSON.stringify(gemmReport(1))};
const tooManyThreads = String(4 * os.availableParallelism() + 1);
// 3000 distinct sizes (the repro repeated one range three times: that is refused below as a duplicate).
const huge = '1..1000+1,1001..2000+1,2001..3000+1';
// Every GEMM variant × 3000 sizes × one thread count (the ladder grows: counted from the registry).
const hugeCases = 3000 * allVariants().filter((v) => v.op === 'gemm').length;

badInputTable('dlbench run: bad input', [
  {args: ['run', '--op', 'nope'], message: /--op: unknown op 'nope'. Valid: gemm/},
  {args: ['run', '-v', 'gemm/nope'], message: /--variant: 'gemm\/nope' matches no variant. Valid: gemm\/naive-ijk/},
  {args: ['run', '--size', '12q'], message: /--size: '12q' is not a positive integer. Valid: N, MxNxK/},
  {args: ['run', '--size', '64..'], message: /--size: malformed range '64..'/},
  {args: ['run', '--size', ''], message: /--size: empty entry in ''. Valid: N, MxNxK/},
  {args: ['run', '--size', '64,,128'], message: /--size: empty entry/},
  {args: ['run', '--preset', 'nope'], message: /--preset: unknown preset 'nope'. Valid: quick/},
  {
    args: ['run', '--size', '100000', '-v', 'gemm/blocked'],
    message: /--size: gemm 100000x100000x100000 needs about .* of buffers/,
  },
  // Threads: at most 4× the cores, in every command (one shared parser).
  {
    args: ['run', '-v', 'gemm/workers', '--threads', tooManyThreads],
    message: /--threads: '\d+' is not a thread count. Valid: 1\.\.\d+ \(4× this machine's/,
  },
  {args: ['run', '-v', 'gemm/workers', '--threads', '1000'], message: /--threads: '1000' .*Valid: 1\.\./},
  {args: ['run', '--threads', '0'], message: /--threads: '0' is not a thread count/},
  {args: ['run', '--threads', 'x'], message: /--threads: 'x' is not a thread count/},
  // Seeds: integers 0..2³²−1 (2³² would alias seed 0).
  {args: ['run', '--seed', '4294967296'], message: /--seed: '4294967296' is not a seed. Valid: an integer 0\.\.4294967295/},
  {args: ['run', '--seed', '1e20'], message: /--seed: '1e20' is not a seed/},
  {args: ['run', '--seed', '100000000000000000000'], message: /--seed: .* is not a seed/},
  {args: ['run', '--seed', '-1'], message: /--seed: '-1' is not a seed/},
  {args: ['run', '--seed', '1.5'], message: /--seed: '1.5' is not a seed/},
  // Case count: 3000 sizes × 16 GEMM variants.
  {
    args: ['run', '-v', 'gemm/*', '--size', '1..1000+1,1..1000+1,1..1000+1'],
    message:
      /--size: 1x1x1, 2x2x2, 3x3x3, 4x4x4, 5x5x5 and 995 more given more than once in '1\.\.1000\+1,1\.\.1000\+1,1\.\.1000\+1'\. Valid: each size once/,
  },
  {
    args: ['run', '-v', 'gemm/*', '--size', huge],
    message: new RegExp(`--size: ${hugeCases} cases planned .* limit of 2000\\. .*--max-cases ${hugeCases}`),
  },
  {
    args: ['run', '-v', 'gemm/blocked', '--size', huge, '--max-cases', '100'],
    message: /--size: 3000 cases planned .* limit of 100/,
  },
  {args: ['run', '--max-cases', '0'], message: /--max-cases/},
  // The gate without a baseline means nothing.
  {args: ['run', '--fail-on-regression'], message: /--fail-on-regression: needs --baseline/},
  {args: ['run', '--thresholds', 'cfg.json'], message: /--thresholds: needs --baseline/},
  {args: ['run', '--threshold', '5'], message: /--threshold: needs --baseline/},
  {args: ['run', '--normalize', 'gemm/naive-ijk'], message: /--normalize: needs --baseline/},
  // The baseline, read and checked against the plan before measuring.
  {args: ['run', '--baseline', 'missing.json'], message: /missing.json: cannot read/},
  {args: ['run', '--baseline', 'bad.json'], files: {'bad.json': '{not json'}, message: /bad.json: not valid JSON/},
  {
    args: ['run', '-v', 'gemm/blocked', '--size', '32', '--baseline', 'base.json'],
    files: base,
    message: /--baseline: base.json has no case in common with this run/,
  },
  {
    args: ['run', '-v', 'gemm/blocked', '--size', '64', '--baseline', 'base.json', '--normalize', 'gemm/naive-ijk'],
    files: base,
    message: /--normalize: 'gemm\/naive-ijk' is not a case of both this run and base.json. Valid: .*gemm\/blocked/,
  },
  {
    args: [
      'run',
      '-v',
      'gemm/blocked',
      '-v',
      'gemm/strassen',
      '--size',
      '64',
      '--baseline',
      'base.json',
      '--normalize',
      'gemm/strassen',
    ],
    files: base,
    message: /--normalize: 'gemm\/strassen' is not a case of both/,
  },
  // Output paths are checked before the baseline's fit to the plan: this is an --out error.
  {
    args: ['run', '-v', 'gemm/blocked', '--size', '32', '--baseline', 'base.json', '-o', '/proc/dlbench-no/out.json'],
    files: base,
    message: /--out: cannot write/,
  },
  // --max-cases raises the limit: the same cases pass the count and stop at the baseline instead.
  {
    args: [
      'run',
      '-v',
      'gemm/*',
      '--size',
      huge,
      '--max-cases',
      String(hugeCases),
      '--baseline',
      'base.json',
      '--normalize',
      'nope',
    ],
    files: base,
    message: /--normalize: 'nope' is not a case of both/,
  },
]);

describe('dlbench run: the baseline checks refuse nothing valid', () => {
  it('runs against a baseline sharing a case, normalized by a case of both', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'dlbench-robust-'));
    writeFileSync(path.join(cwd, 'base.json'), base['base.json']);
    const args = ['run', '-v', 'gemm/naive-ijk', '-v', 'gemm/blocked', '--size', '64', '--time', '5', '--min-samples', '2'];
    const r = await runCli(
      [...args, '--baseline', 'base.json', '--normalize', 'gemm/naive-ijk', '-o', 'out.json', '--json'],
      {},
      cwd,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results).toHaveLength(2);
  }, 60_000);
});
