// Every GEMM micro-kernel of the addon (all tile shapes, not only each ISA's default) through
// sgemmWith: the full GemmCall (transposes, offsets, leading dims, accumulate) with blocks small
// enough that every loop has an edge, each thread split, 1–3 threads; and the blocking model.
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../src/core/rng.js';
import type {GemmCall} from '../../src/kernels/gemm/engine.js';
import {blockingModel, machineCaches, SPLIT_CODE, ZEN4_CACHES, type Blocking} from '../../src/kernels/gemm/native-blocking.js';
import {callArgs, NATIVE_SHAPES, nativeCaches, runnableKernels} from '../../src/kernels/gemm/native.js';
import {gemmTolerance} from '../../src/kernels/gemm/spec.js';
import {loadNative, type KernelInfo} from '../../src/native/loader.js';
import {referenceGemmCall} from '../helpers/gemm-reference.js';

function rand(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  fillUniform(x, createRng(seed));
  return x;
}

type Shape = Partial<GemmCall> & {m: number; n: number; k: number};

function check(kernel: KernelInfo, bk: Blocking, shape: Shape, threads: number): void {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  const lda = shape.lda ?? (shape.transA ? shape.m : shape.k);
  const ldb = shape.ldb ?? (shape.transB ? shape.k : shape.n);
  const ldc = shape.ldc ?? shape.n;
  const g: GemmCall = {
    ...shape,
    a: rand((shape.aOffset ?? 0) + (shape.transA ? shape.k : shape.m) * lda + 3, 1),
    b: rand((shape.bOffset ?? 0) + (shape.transB ? shape.n : shape.k) * ldb + 3, 2),
    c: rand((shape.cOffset ?? 0) + shape.m * ldc + 3, 3),
  };
  const c0 = Float32Array.from(g.c);
  if (!shape.beta)
    for (let i = 0; i < shape.m; i++)
      g.c.fill(Number.NaN, (shape.cOffset ?? 0) + i * ldc, (shape.cOffset ?? 0) + i * ldc + shape.n);
  const want = referenceGemmCall(g, c0);
  n.addon.sgemmWith(kernel.symbol, bk.mc, bk.kc, bk.nc, SPLIT_CODE[bk.split], threads, ...callArgs(g));
  const tol = gemmTolerance(shape.k) * Math.max(shape.k, 1) + 1e-6;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g.c[i] - want[i]));
  // NaN compares false: an unwritten element fails here.
  expect(worst, `${kernel.symbol} ${JSON.stringify(bk)} ${JSON.stringify({...shape})} ×${threads}`).toBeLessThan(tol);
}

const kernels = runnableKernels();

describe('the addon lists every tile shape', () => {
  it('each ISA default first, symbols dlb_sgemm_<isa>_<MR>x<NR>, the AVX-512 shapes with masked edges', () => {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const all = n.addon.kernels().filter((k) => k.symbol);
    for (const k of all) expect(k.symbol).toBe(`dlb_sgemm_${k.isa}_${k.mr}x${k.nr}`);
    for (const s of NATIVE_SHAPES) {
      const k = all.find((x) => x.symbol === `dlb_sgemm_${s.isa}_${s.mr}x${s.nr}`);
      expect(k?.maskedEdges).toBe(true);
    }
    for (const isa of ['avx512', 'avx2', 'scalar'] as const) {
      const mine = n.addon.kernels().filter((k) => k.isa === isa);
      if (mine.length) expect(mine[0].isaDefault).toBe(true);
      expect(mine.filter((k) => k.isaDefault)).toHaveLength(1);
    }
  });
});

describe.each(kernels.map((k) => [k.symbol, k] as const))('%s through sgemmWith', (_, kernel) => {
  const {mr, nr} = kernel;
  // Blocks a few tiles wide so a small problem has several ic, pc and jc blocks, each with edges.
  const tiny: Blocking = {mc: 2 * mr, kc: 7, nc: 2 * nr, split: 'auto'};
  const shapes: Shape[] = [
    {m: mr - 1, n: nr + 1, k: 5},
    {m: mr + 1, n: nr - 1, k: 9},
    {m: 3 * mr + 2, n: 3 * nr + 5, k: 23},
    {m: 1, n: 1, k: 1},
    {m: 37, n: 41, k: 29, transA: true, transB: true, beta: 1},
    {m: 26, n: 45, k: 14, aOffset: 3, lda: 20, bOffset: 2, ldb: 49, cOffset: 4, ldc: 50, beta: 1},
  ];
  for (const split of ['auto', 'columns', 'rows'] as const) {
    it(`tiny blocks, split ${split}, threads 1-3`, () => {
      for (const shape of shapes) for (const threads of [1, 2, 3]) check(kernel, {...tiny, split}, shape, threads);
    });
  }
  it("the model's blocks on this machine, and 0 (the kernel's own)", () => {
    const model = blockingModel(kernel, nativeCaches());
    for (const bk of [
      {mc: model.mc, kc: model.kc, nc: model.nc, split: model.split},
      {mc: 0, kc: 0, nc: 0, split: 'auto' as const},
    ])
      for (const shape of [
        {m: 2 * mr + 3, n: 2 * nr + 7, k: model.kc + 3},
        {m: 7, n: 300, k: 2},
      ])
        for (const threads of [1, 2]) check(kernel, bk, shape, threads);
  });
});

describe('sgemmWith refuses', () => {
  it('an unknown kernel and bad blocks with one-line errors', () => {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const a = new Float32Array(4),
      b = new Float32Array(4),
      c = new Float32Array(4);
    const sym = kernels[0].symbol;
    expect(() => n.addon.sgemmWith('dlb_sgemm_nope_1x1', 0, 0, 0, 0, 1, 2, 2, 2, a, 0, 2, 0, b, 0, 2, 0, c, 0, 2, 0)).toThrow(
      /no such GEMM micro-kernel/,
    );
    expect(() => n.addon.sgemmWith(sym, -1, 0, 0, 0, 1, 2, 2, 2, a, 0, 2, 0, b, 0, 2, 0, c, 0, 2, 0)).toThrow(
      /mc, kc, nc must be >= 0/,
    );
    expect(() => n.addon.sgemmWith(sym, 0, 0, 0, 3, 1, 2, 2, 2, a, 0, 2, 0, b, 0, 2, 0, c, 0, 2, 0)).toThrow(/split 0, 1 or 2/);
  });
});

describe('blocking model', () => {
  it('reproduces the compiled Zen 4 choice for the 12x32 tile (MC 4080, KC 384, NC 512)', () => {
    const m = blockingModel({mr: 12, nr: 32}, ZEN4_CACHES);
    expect({mc: m.mc, kc: m.kc, nc: m.nc}).toEqual({mc: 4080, kc: 384, nc: 512});
    expect(m.why.join('\n')).toMatch(/KC 384.*\n.*NC 512.*\n.*MC 4080/);
  });

  it('keeps every block inside its cache share, in whole slivers, for any cache sizes', () => {
    for (const L1d of [16, 32, 48, 64].map((x) => x * 1024))
      for (const L2 of [256, 512, 1024, 2048].map((x) => x * 1024))
        for (const L3 of [4, 32, 512].map((x) => x * 1024 * 1024))
          for (const [mr, nr] of [
            [12, 32],
            [14, 32],
            [8, 48],
            [6, 64],
            [6, 16],
            [4, 4],
          ]) {
            const m = blockingModel({mr, nr}, {L1d, L2, L3, source: 'test'});
            expect(m.kc % 16).toBe(0);
            expect(m.nc % nr).toBe(0);
            expect(m.mc % mr).toBe(0);
            if (m.kc > 16) expect(4 * mr * m.kc).toBeLessThanOrEqual(L1d);
            if (m.nc > nr) expect(4 * m.kc * m.nc).toBeLessThanOrEqual(L2);
            if (m.mc > 48) expect(4 * m.mc * m.kc).toBeLessThanOrEqual(L3);
          }
  });

  it('takes each cache level from sysfs, else CPUID, else Zen 4, and says which', () => {
    expect(machineCaches({L1d: 49152, L2: 1 << 20, L3: 1 << 25}, {L1d: 1})).toMatchObject({L1d: 49152, source: 'sysfs'});
    expect(machineCaches({}, {L1d: 49152, L2: 1 << 20})).toEqual({
      L1d: 49152,
      L2: 1 << 20,
      L3: ZEN4_CACHES.L3,
      source: 'cpuid + default (Zen 4)',
    });
  });
});
