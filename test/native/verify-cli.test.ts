// `dlbench verify` covers the native rung: every native variant on every edge shape, passing.
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

describe('dlbench verify on the native rung', () => {
  it('checks gemm/native* and gemm/openblas on all edge shapes, threads 3', async () => {
    const r = await runCli(['verify', '--variant', 'gemm/native*', '--variant', 'gemm/openblas', '--threads', '3', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {rows: {variant: string; state: string}[]; failed: number};
    expect(out.failed).toBe(0);
    const ids = [...new Set(out.rows.map((x) => x.variant))];
    expect(ids).toEqual(['gemm/native', 'gemm/native-avx512', 'gemm/native-avx2', 'gemm/native-scalar', 'gemm/openblas']);
    expect(out.rows.every((x) => x.state === 'pass')).toBe(true);
  });
});
