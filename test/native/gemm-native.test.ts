// The native rung against the float64 reference: every ISA this CPU has, threads 1, 2 and 3,
// on the op's edge shapes (MR±1, NR±1, KC±1, NC±1, primes, K=1, tall-skinny, short-wide…),
// and the full GemmCall (offsets, leading dims, transposes, accumulate) through the engines.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../src/core/rng.js';
import type {GemmCall, GemmEngine} from '../../src/kernels/gemm/engine.js';
import {fastestEngine, gemmEngines} from '../../src/kernels/gemm/engines.js';
import {gemm} from '../../src/kernels/gemm/index.js';
import {makeNative, makeNativeEngine, NATIVE_TILES, nativeEngine} from '../../src/kernels/gemm/native.js';
import {openblas, openblasEngine} from '../../src/kernels/gemm/openblas.js';
import {assertBlasInCi, blasOk, needsBlas} from '../helpers/blas.js';
import {gemmTolerance} from '../../src/kernels/gemm/spec.js';
import {kernelFor, loadNative, type Isa} from '../../src/native/loader.js';
import {referenceGemmCall} from '../helpers/gemm-reference.js';

const cpuFlags =
  readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('flags'))
    ?.split(/\s+/) ?? [];
const hasIsa: Record<Isa, boolean> = {
  avx512: cpuFlags.includes('avx512f'),
  avx2: cpuFlags.includes('avx2') && cpuFlags.includes('fma'),
  scalar: true,
};
const isas = (['avx512', 'avx2', 'scalar'] as const).filter((i) => hasIsa[i]);

function rand(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  fillUniform(x, createRng(seed));
  return x;
}

describe('native addon', () => {
  it('built at npm install and loads', () => {
    const n = loadNative();
    expect(n.ok ? 'loaded' : n.reason).toBe('loaded');
  });

  it('dispatches exactly the ISAs /proc/cpuinfo lists, best first', () => {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    for (const isa of ['avx512', 'avx2', 'scalar'] as const) expect(kernelFor(isa).ok).toBe(hasIsa[isa]);
    expect(n.addon.bestIsa()).toBe(isas[0]);
  });

  it('kernel table matches the tile sizes the edge shapes are built from', () => {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const table = Object.fromEntries(
      n.addon
        .kernels()
        .filter((k) => k.isaDefault)
        .map((k) => [k.isa, k]),
    );
    for (const isa of ['avx512', 'avx2', 'scalar'] as const) {
      expect({mr: table[isa].mr, nr: table[isa].nr, kc: table[isa].kc}).toEqual(NATIVE_TILES[isa]);
      expect(table[isa].symbol).toBe(`dlb_sgemm_${isa}_${table[isa].mr}x${table[isa].nr}`);
    }
    expect(table.avx512.nc).toBe(NATIVE_TILES.nc);
    expect(table.avx2.mc).toBe(NATIVE_TILES.mcAvx2);
  });
});

describe.each(isas.map((isa) => [isa]))('gemm/native-%s on edge shapes', (isa) => {
  for (const threads of [1, 2, 3]) {
    it(`threads=${threads}`, async () => {
      const v = makeNative(isa);
      expect(v.available({threads})).toEqual({ok: true});
      const shapes = [...gemm.edgeShapes, {m: 300, n: 700, k: 70}, {m: 700, n: 40, k: 90}];
      for (const p of shapes) {
        const inputs = gemm.spec.makeInputs(p, 11);
        const s = await v.prepare(p, inputs, {threads});
        s.c.fill(NaN); // every element must be written, none read before
        const out = await v.run(s);
        const check = gemm.spec.check(p, inputs, out, {seed: 3});
        expect(check.pass, `${isa} ${gemm.spec.describe(p)} ×${threads}: ${check.detail ?? ''} ${check.error}`).toBe(true);
      }
    });
  }
});

describe('gemm/openblas', () => {
  it('is available in CI (.ci/run installs libopenblas0), so the tests below run there', () => {
    assertBlasInCi();
  });

  it.skipIf(!blasOk)(`matches the reference${needsBlas}`, async () => {
    expect(openblas.available({threads: 2})).toEqual({ok: true});
    for (const p of [
      {m: 1, n: 1, k: 1},
      {m: 13, n: 33, k: 385},
      {m: 301, n: 263, k: 257},
    ]) {
      const inputs = gemm.spec.makeInputs(p, 5);
      const out = await openblas.run(await openblas.prepare(p, inputs, {threads: 2}));
      expect(gemm.spec.check(p, inputs, out).pass).toBe(true);
    }
  });
});

type Shape = Partial<GemmCall> & {m: number; n: number; k: number};
const engineCases: [string, Shape][] = [
  ['plain', {m: 5, n: 7, k: 3}],
  ['transA', {m: 29, n: 40, k: 13, transA: true}],
  ['transB across KC', {m: 9, n: 6, k: 600, transB: true}],
  ['both transposed, accumulate', {m: 37, n: 35, k: 11, transA: true, transB: true, beta: 1}],
  [
    'sub-matrix with offsets and leading dims',
    {m: 26, n: 45, k: 14, aOffset: 3, lda: 20, bOffset: 2, ldb: 49, cOffset: 4, ldc: 50},
  ],
  [
    'strided + transposed + accumulate over blocks',
    {m: 130, n: 70, k: 520, transA: true, aOffset: 7, lda: 140, transB: true, bOffset: 1, ldb: 530, cOffset: 9, ldc: 75, beta: 1},
  ],
  ['K=1 accumulate', {m: 130, n: 3, k: 1, beta: 1}],
  ['K=0 overwrite zeroes C', {m: 4, n: 5, k: 0}],
  ['K=0 accumulate leaves C', {m: 4, n: 5, k: 0, beta: 1}],
];

function runEngineCase(engine: GemmEngine, shape: Shape, threads: number): void {
  const lda = shape.lda ?? (shape.transA ? shape.m : shape.k);
  const ldb = shape.ldb ?? (shape.transB ? shape.k : shape.n);
  const ldc = shape.ldc ?? shape.n;
  const aRows = shape.transA ? shape.k : shape.m,
    bRows = shape.transB ? shape.n : shape.k;
  const g: GemmCall = {
    ...shape,
    a: rand((shape.aOffset ?? 0) + aRows * lda + 5, 1),
    b: rand((shape.bOffset ?? 0) + bRows * ldb + 5, 2),
    c: rand((shape.cOffset ?? 0) + shape.m * ldc + 5, 3),
  };
  const c0 = Float32Array.from(g.c);
  const want = referenceGemmCall(g, c0);
  const exec = engine.create({threads});
  if (exec instanceof Promise) throw new Error(`${engine.id}: a synchronous executor was expected`);
  void exec.gemm(g);
  const tol = gemmTolerance(shape.k) * Math.max(shape.k, 1) + 1e-6;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g.c[i] - want[i]));
  expect(worst).toBeLessThan(tol);
}

describe('native GemmEngines: the full GemmCall', () => {
  const engines: GemmEngine[] = [...isas.map((i) => makeNativeEngine(i)), openblasEngine];
  for (const engine of engines) {
    for (const [name, shape] of engineCases) {
      const skip = engine === openblasEngine && !blasOk;
      it.skipIf(skip)(`${engine.id}: ${name}${skip ? needsBlas : ''}`, () => {
        expect(engine.available({threads: 2})).toEqual({ok: true});
        for (const threads of [1, 2, 3]) runEngineCase(engine, shape, threads);
      });
    }
  }

  it('native and openblas come first in gemmEngines; fastestEngine picks native', () => {
    expect(gemmEngines.slice(0, 2).map((e) => e.id)).toEqual(['gemm/native', 'gemm/openblas']);
    expect(fastestEngine({threads: 2})).toBe(nativeEngine);
  });

  it('refuses views that run past their arrays, with a RangeError, before touching memory', () => {
    const exec = nativeEngine.create({threads: 1}) as {gemm(g: GemmCall): void};
    const a = new Float32Array(12),
      b = new Float32Array(12),
      c = new Float32Array(9);
    expect(() => exec.gemm({m: 3, n: 3, k: 4, a, b, c, aOffset: 1})).toThrow(/A \(offset, lda, shape\) runs past its array/);
    expect(() => exec.gemm({m: 3, n: 3, k: 4, a, b, c, transB: true, ldb: 4, bOffset: 1})).toThrow(/B \(offset, ldb, shape\)/);
    expect(() => exec.gemm({m: 3, n: 3, k: 4, a, b, c, ldc: 4})).toThrow(/C \(offset, ldc, shape\)/);
    expect(() => exec.gemm({m: 3, n: 3, k: 4, a, b, c, lda: 3})).toThrow(/leading dimension/);
    expect(() => exec.gemm({m: 3, n: 3, k: 4, a, b: new Float64Array(12) as unknown as Float32Array, c})).toThrow(/Float32Array/);
  });
});
