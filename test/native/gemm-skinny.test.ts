// The native skinny paths (src/native/skinny.c) against the float64 reference: small m (FC at small
// batch) and thin n (randomized SVD), every transpose combination, beta 0/1, padded strides and
// offsets, threads 1 and 2, each ISA this CPU has; the dispatch boundaries on both sides; and the
// per-ISA call counters, which prove each ISA's skinny kernels (not the general driver) ran.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../src/core/rng.js';
import type {GemmCall} from '../../src/kernels/gemm/engine.js';
import {callArgs} from '../../src/kernels/gemm/native.js';
import {gemmTolerance} from '../../src/kernels/gemm/spec.js';
import {loadNative, type Isa, type NativeAddon, type SgemmPath} from '../../src/native/loader.js';
import {ROOT} from '../helpers/cli.js';
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

function addon(): NativeAddon {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  return n.addon;
}

function rand(len: number, seed: number): Float32Array {
  const x = new Float32Array(len);
  fillUniform(x, createRng(seed));
  return x;
}

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  beta: 0 | 1;
}

/** A call with every stride padded past its row and every operand at an offset. */
function makeCall(c: Case, seed: number): GemmCall {
  const lda = (c.transA ? c.m : c.k) + 3,
    ldb = (c.transB ? c.k : c.n) + 5,
    ldc = c.n + 2;
  const aRows = c.transA ? c.k : c.m,
    bRows = c.transB ? c.n : c.k;
  return {
    m: c.m,
    n: c.n,
    k: c.k,
    transA: c.transA,
    transB: c.transB,
    beta: c.beta,
    a: rand(7 + aRows * lda, seed),
    aOffset: 7,
    lda,
    b: rand(5 + bRows * ldb, seed + 1),
    bOffset: 5,
    ldb,
    c: rand(3 + c.m * ldc + 4, seed + 2),
    cOffset: 3,
    ldc,
  };
}

function pathOf(isa: Isa, g: GemmCall): SgemmPath {
  const [m, n, k, , , lda, ta, , , ldb, tb] = callArgs(g);
  return addon().sgemmPath(isa, m, n, k, lda, ta, ldb, tb);
}

/** Runs g on isa and compares every element of C (inside and outside the m×n view) with the reference. */
function runAndCheck(isa: Isa, threads: number, g: GemmCall): SgemmPath {
  const c0 = Float32Array.from(g.c);
  if (!g.beta) {
    // Every element of the view must be written and none read: NaN would survive either mistake.
    for (let i = 0; i < g.m; i++) g.c.fill(NaN, g.cOffset! + i * g.ldc!, g.cOffset! + i * g.ldc! + g.n);
  }
  const want = referenceGemmCall(g, c0);
  addon().sgemm(isa, threads, ...callArgs(g));
  const tol = gemmTolerance(g.k) * g.k + 1e-6;
  let worst = 0,
    at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(g.c[i] - want[i]);
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
  }
  const path = pathOf(isa, g);
  const label = `${isa} ×${threads} ${g.m}x${g.n}x${g.k} tA${+!!g.transA} tB${+!!g.transB} β${g.beta} (${path})`;
  expect(worst, `${label}: worst error at index ${at}`).toBeLessThanOrEqual(tol);
  return path;
}

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe.each(isas.map((isa) => [isa]))('skinny paths on %s', (isa) => {
  it('small m: m = 1..9 and 16, 17; n = 1..50; odd k; every transpose; beta 0/1; padded strides', () => {
    const seen = new Set<SgemmPath>();
    let seed = 1;
    for (const m of [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17]) {
      for (let n = 1; n <= 50; n++) {
        const k = n % 2 ? 37 : 131; // odd, below and above the thin-n k threshold
        for (const [transA, transB] of TRANSPOSES) {
          const g = makeCall({m, n, k, transA, transB, beta: ((m + n) % 2) as 0 | 1}, seed++);
          const path = runAndCheck(isa, 1, g);
          seen.add(path);
          if (m <= 16 && !(k >= 128 && n <= 48 && transA && m >= 16)) {
            expect(path).toBe(transB ? 'smallm-dot' : 'smallm-axpy');
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(['general', 'smallm-axpy', 'smallm-dot', 'thinn-col']);
  });

  it('thin n: both forms, n = 1..49, m and k around their thresholds, every transpose, beta 0/1', () => {
    const seen = new Set<SgemmPath>();
    let seed = 100;
    for (const [m, k] of [
      [16, 129],
      [127, 301],
      [128, 127],
      [129, 128],
      [301, 257],
    ]) {
      for (const n of [1, 2, 7, 16, 17, 24, 25, 33, 48, 49]) {
        for (const [transA, transB] of TRANSPOSES) {
          const g = makeCall({m, n, k, transA, transB, beta: ((n + k) % 2) as 0 | 1}, seed++);
          seen.add(runAndCheck(isa, 1, g));
        }
      }
    }
    expect(seen).toContain('thinn-col');
    expect(seen).toContain('thinn-dot');
  });

  it('threads 2: every skinny path splits its work and matches the reference', () => {
    const shapes: Array<[Case, SgemmPath]> = [
      [{m: 3, n: 2001, k: 1025, transA: false, transB: false, beta: 0}, 'smallm-axpy'],
      [{m: 16, n: 777, k: 513, transA: true, transB: false, beta: 1}, 'smallm-axpy'],
      [{m: 9, n: 1003, k: 1025, transA: false, transB: true, beta: 1}, 'smallm-dot'],
      [{m: 1003, n: 25, k: 301, transA: false, transB: false, beta: 0}, 'thinn-dot'],
      [{m: 1003, n: 48, k: 301, transA: false, transB: true, beta: 1}, 'thinn-dot'],
      [{m: 601, n: 25, k: 303, transA: true, transB: false, beta: 1}, 'thinn-col'],
      [{m: 599, n: 31, k: 257, transA: true, transB: true, beta: 0}, 'thinn-col'],
    ];
    let seed = 500;
    for (const [c, want] of shapes) {
      expect(2 * c.m * c.n * c.k, 'big enough for the pool').toBeGreaterThan(4e6);
      expect(runAndCheck(isa, 2, makeCall(c, seed++))).toBe(want);
    }
  });

  it("small m and the column form sum in blocks: on 16–32 K positive products the error stays well under a serial f32 sum's", () => {
    // The column form's case keeps A at 1 MiB, inside every ISA's limit for that form.
    for (const [m, n, k, transA, want] of [
      [1, 40, 32768, 0, 'smallm-axpy'],
      [16, 8, 16384, 1, 'thinn-col'],
    ] as const) {
      const a = rand(m * k, 71).map(Math.abs),
        b = rand(k * n, 72).map(Math.abs),
        c = new Float32Array(m * n);
      const lda = transA ? m : k;
      const at = (i: number, p: number): number => (transA ? a[p * m + i] : a[i * k + p]);
      addon().sgemm(isa, 1, m, n, k, a, 0, lda, transA, b, 0, n, 0, c, 0, n, 0);
      expect(addon().sgemmPath(isa, m, n, k, lda, transA, n, 0)).toBe(want);
      let worst = 0,
        worstSerial = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let exact = 0,
            serial = 0;
          for (let p = 0; p < k; p++) {
            exact += at(i, p) * b[p * n + j];
            serial = Math.fround(serial + Math.fround(at(i, p) * b[p * n + j]));
          }
          worst = Math.max(worst, Math.abs(c[i * n + j] - exact) / exact);
          worstSerial = Math.max(worstSerial, Math.abs(serial - exact) / exact);
        }
      }
      expect(worst, want).toBeLessThan(worstSerial / 4);
    }
  });

  it('the column form stops where A outgrows the cache (the general driver streams it better)', () => {
    // Per-ISA limits in kernels/skinny_<isa>.c: 24 MiB (AVX-512), 8 MiB (AVX2), 1 MiB (scalar).
    const [m, k] = {avx512: [3072, 2048], avx2: [2048, 1024], scalar: [512, 512]}[isa];
    expect(addon().sgemmPath(isa, m, 25, k, m, 1, 25, 0)).toBe('thinn-col');
    expect(addon().sgemmPath(isa, m, 25, k + 1, m, 1, 25, 0)).toBe('general');
    // The dot form streams rows of A contiguously and has no such limit.
    expect(addon().sgemmPath(isa, m, 25, k + 1, k + 1, 0, 25, 0)).toBe('thinn-dot');
  });

  it("runs this ISA's own skinny kernels: its call counters grow, the other ISAs' do not", () => {
    const before = addon().skinnyCalls();
    const calls: Array<[Case, Exclude<SgemmPath, 'general'>]> = [
      [{m: 1, n: 300, k: 65, transA: false, transB: false, beta: 0}, 'smallm-axpy'],
      [{m: 2, n: 300, k: 65, transA: false, transB: true, beta: 0}, 'smallm-dot'],
      [{m: 200, n: 25, k: 200, transA: false, transB: false, beta: 0}, 'thinn-dot'],
      [{m: 200, n: 25, k: 200, transA: true, transB: false, beta: 0}, 'thinn-col'],
    ];
    for (const [c] of calls) runAndCheck(isa, 1, makeCall(c, 900));
    const after = addon().skinnyCalls();
    for (const [, path] of calls) expect(after[isa][path] - before[isa][path], `${isa} ${path}`).toBe(1);
    for (const other of (['avx512', 'avx2', 'scalar'] as const).filter((i) => i !== isa))
      expect(after[other]).toEqual(before[other]);
  });
});

describe('skinny dispatch boundaries', () => {
  const isa = isas[0];
  // Dense operands (ld = row width), as fc.ts and the SVD pass them.
  const path = (m: number, n: number, k: number, transA: boolean, transB: boolean): SgemmPath =>
    addon().sgemmPath(isa, m, n, k, transA ? m : k, +transA, transB ? k : n, +transB);

  it('small m up to 16 rows, in either storage order of B; general from 17', () => {
    expect(path(16, 4096, 9216, false, false)).toBe('smallm-axpy');
    expect(path(17, 4096, 9216, false, false)).toBe('general');
    expect(path(16, 4096, 9216, false, true)).toBe('smallm-dot');
    expect(path(17, 4096, 9216, false, true)).toBe('general');
  });

  it('thin n up to 48 columns with k ≥ 128; the column form from 16 rows, the dot form from 128', () => {
    expect(path(1000, 48, 1000, true, false)).toBe('thinn-col');
    expect(path(1000, 49, 1000, true, false)).toBe('general');
    expect(path(1000, 48, 1000, false, false)).toBe('thinn-dot');
    expect(path(1000, 49, 1000, false, false)).toBe('general');
    expect(path(1000, 25, 128, false, false)).toBe('thinn-dot');
    expect(path(1000, 25, 127, false, false)).toBe('general');
    expect(path(16, 25, 1000, true, false)).toBe('thinn-col');
    expect(path(17, 25, 127, true, false)).toBe('general');
    expect(path(128, 25, 1000, false, false)).toBe('thinn-dot');
    expect(path(127, 25, 1000, false, false)).toBe('general');
  });

  it('DLBENCH_NO_SKINNY=1 loads the addon with the skinny paths off (the CLI A/B switch)', () => {
    const probe =
      "import('./dist/native/loader.js').then((m) => { const n = m.loadNative(); console.log(n.ok ? n.addon.skinnyEnabled() : n.reason); })";
    const run = (env: NodeJS.ProcessEnv) =>
      execFileSync(process.execPath, ['-e', probe], {cwd: ROOT, env: {...process.env, ...env}, encoding: 'utf8'}).trim();
    expect(run({DLBENCH_NO_SKINNY: '1'})).toBe('false');
    expect(run({DLBENCH_NO_SKINNY: ''})).toBe('true');
  });

  it('skinnyEnabled(false) sends every shape to the general driver, with the same result', () => {
    const a = addon();
    const c: Case = {m: 1, n: 257, k: 300, transA: false, transB: false, beta: 1};
    expect(a.skinnyEnabled()).toBe(true);
    const g1 = makeCall(c, 42),
      g2 = makeCall(c, 42);
    runAndCheck(isa, 1, g1);
    expect(a.skinnyEnabled(false)).toBe(true);
    try {
      expect(pathOf(isa, g2)).toBe('general');
      const before = a.skinnyCalls()[isa]['smallm-axpy'];
      runAndCheck(isa, 1, g2);
      expect(a.skinnyCalls()[isa]['smallm-axpy']).toBe(before);
    } finally {
      a.skinnyEnabled(true);
    }
    for (let i = 0; i < g1.c.length; i++) expect(Math.abs(g1.c[i] - g2.c[i])).toBeLessThan(1e-4);
  });
});
