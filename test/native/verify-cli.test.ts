// `dlbench verify` covers the native rung: every native variant on every edge shape, passing.
import {describe, expect, it} from 'vitest';
import {blasOk} from '../helpers/blas.js';
import {runCli} from '../helpers/cli.js';

describe('dlbench verify on the native rung', () => {
  it('checks gemm/native* and gemm/openblas on all edge shapes, threads 3', async () => {
    const r = await runCli(['verify', '--variant', 'gemm/native*', '--variant', 'gemm/openblas', '--threads', '3', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {rows: {variant: string; state: string}[]; failed: number};
    expect(out.failed).toBe(0);
    const ids = [...new Set(out.rows.map((x) => x.variant))];
    expect(ids).toEqual([
      'gemm/native',
      'gemm/native-untuned',
      'gemm/native-avx512-12x32',
      'gemm/native-avx512-14x32',
      'gemm/native-avx512-8x48',
      'gemm/native-avx512-6x64',
      'gemm/native-avx512',
      'gemm/native-avx2',
      'gemm/native-scalar',
      'gemm/openblas',
    ]);
    // Without a CBLAS library (a fresh machine; test/helpers/blas.ts) gemm/openblas is a skipped row.
    for (const x of out.rows) expect(x.state, x.variant).toBe(x.variant === 'gemm/openblas' && !blasOk ? 'skipped' : 'pass');
  });
});
