// The note under the openblas rows: pure on a context, and for real through the CLI with
// OPENBLAS_CORETYPE set in the child's environment.
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {blasKernelNote} from '../../src/report/blas-note.js';
import type {Context, Report} from '../../src/core/results.js';
import {runCli} from '../helpers/cli.js';

const ctx = (flags: string[], blas: Context['blas']): Context =>
  ({cpu: {model: 'x', cores: 2, speedMHz: 0, arch: 'x64', flags, caches: {}}, blas}) as Context;
const openblas = (corename: string, env: Record<string, string>): Context['blas'] => ({
  available: true,
  library: 'libopenblas.so.0',
  version: '0.3.21',
  config: `OpenBLAS 0.3.21 DYNAMIC_ARCH ${corename}`,
  corename,
  env,
});
const AVX512 = ['sse4_2', 'avx', 'avx2', 'avx512f'];

describe('blasKernelNote', () => {
  it('says so when OPENBLAS_CORETYPE pins a kernel below the CPU', () => {
    const note = blasKernelNote(ctx(AVX512, openblas('Haswell', {OPENBLAS_CORETYPE: 'Haswell'})));
    expect(note).toMatch(/Haswell kernels \(AVX2\) because OPENBLAS_CORETYPE=Haswell; this CPU has AVX-512/);
  });

  it('is silent when unpinned, pinned at the CPU ISA, or when BLAS is absent', () => {
    expect(blasKernelNote(ctx(AVX512, openblas('Cooperlake', {})))).toBeUndefined();
    expect(blasKernelNote(ctx(AVX512, openblas('SkylakeX', {OPENBLAS_CORETYPE: 'SkylakeX'})))).toBeUndefined();
    expect(blasKernelNote(ctx(['avx', 'avx2'], openblas('Haswell', {OPENBLAS_CORETYPE: 'Haswell'})))).toBeUndefined();
    expect(blasKernelNote(ctx(AVX512, {available: false, reason: 'none', env: {OPENBLAS_CORETYPE: 'Haswell'}}))).toBeUndefined();
  });
});

describe('the run table under OPENBLAS_CORETYPE (real CLI)', () => {
  const cpuFlags = readFileSync('/proc/cpuinfo', 'utf8');
  // Nehalem (SSE) is below any CPU with AVX; the note needs a DYNAMIC_ARCH OpenBLAS to honour it.
  const hasAvx = /^flags\s*:.*\bavx\b/m.test(cpuFlags);
  const args = (out: string) => [
    'run',
    '--op',
    'gemm',
    '--size',
    '32',
    '--variant',
    'gemm/openblas',
    '--time',
    '1',
    '--out',
    out,
  ];

  it.skipIf(!hasAvx)('prints the note when the kernel is pinned below the CPU and not when unset', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlb-blasnote-'));
    const pinned = await runCli(args(path.join(dir, 'a.json')), {OPENBLAS_CORETYPE: 'Nehalem'});
    expect(pinned.code, pinned.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8')) as Report;
    if (!rep.context.blas?.available) return; // no system BLAS: the openblas row is skipped, nothing to note
    expect(rep.context.blas.env.OPENBLAS_CORETYPE).toBe('Nehalem');
    expect(rep.context.blas.version).toMatch(/^\d+\.\d+/);
    if (rep.context.blas.corename?.toLowerCase() !== 'nehalem') return; // not DYNAMIC_ARCH: the pin has no effect
    expect(pinned.stdout).toMatch(/note: OpenBLAS runs its Nehalem kernels \(SSE\) because OPENBLAS_CORETYPE=Nehalem/);
    const unset = await runCli(args(path.join(dir, 'b.json')), {OPENBLAS_CORETYPE: undefined});
    expect(unset.code, unset.stderr).toBe(0);
    expect(unset.stdout).not.toContain('OPENBLAS_CORETYPE');
    const rep2 = JSON.parse(readFileSync(path.join(dir, 'b.json'), 'utf8')) as Report;
    expect(rep2.context.blas).toMatchObject({available: true});
    expect(rep2.context.cpu.id?.microarch).toBeTypeOf('string');
  });
});
