import {describe, expect, it} from 'vitest';
import {blocked} from '../../../src/kernels/gemm/blocked.js';
import {blockedEngine, strassenOn} from '../../../src/kernels/gemm/engines.js';
import {gemmSpec, gemmTolerance, type GemmShape} from '../../../src/kernels/gemm/spec.js';
import {
  DEFAULT_CUTOFF,
  PARALLEL_CUTOFF,
  makeStrassen,
  paddedShape,
  strassen,
  strassenDepth,
  strassenToleranceScale,
  strassenWorkers,
} from '../../../src/kernels/gemm/strassen.js';
import {makeWorkersEngine} from '../../../src/kernels/gemm/workers.js';

const sq = (n: number): GemmShape => ({m: n, n, k: n});
const mnk = (m: number, n: number, k: number): GemmShape => ({m, n, k});

async function compute(v: ReturnType<typeof makeStrassen>, p: GemmShape, threads = 1, seed = 5) {
  const inputs = gemmSpec.makeInputs(p, seed);
  const s = await v.prepare(p, inputs, {threads});
  try {
    const c = Float32Array.from(await v.run(s));
    // A second call on the same state must give the same answer (workspace reuse, padding).
    const again = await v.run(s);
    return {
      c,
      again: Float32Array.from(again),
      inputs,
      metrics: v.measuredMetrics!(s),
      check: gemmSpec.check(p, inputs, c, {toleranceScale: v.toleranceScale!(p)}),
    };
  } finally {
    await v.dispose?.(s);
  }
}

describe('Strassen recursion depth and padding', () => {
  it('recurses while the smallest dimension exceeds the cutoff', () => {
    expect(strassenDepth(sq(64), 64)).toBe(0);
    expect(strassenDepth(sq(65), 64)).toBe(1);
    expect(strassenDepth(sq(1024), 128)).toBe(3);
    expect(strassenDepth(mnk(4096, 4096, 64), 128)).toBe(0);
    expect(strassenDepth(mnk(1025, 2000, 300), 128)).toBe(2);
  });

  it('pads every dimension to a multiple of 2^depth and no further', () => {
    expect(paddedShape(mnk(1025, 2000, 300), 2)).toEqual({m: 1028, n: 2000, k: 300});
    expect(paddedShape(mnk(97, 89, 101), 4)).toEqual({m: 112, n: 96, k: 112});
  });

  it('widens the tolerance by 4.5 per level (Higham Thm 23.3), and not at all without recursion', () => {
    expect(strassenToleranceScale(sq(64), 64)).toBe(1);
    const one = strassenToleranceScale(sq(128), 64),
      two = strassenToleranceScale(sq(256), 64);
    expect(two / one).toBeCloseTo(4.5, 10);
    expect(one).toBeCloseTo(4 * 4.5 * (1 + 6 / 64), 10);
  });
});

describe('gemm/strassen correctness', () => {
  const cutoff = 8;
  const small = makeStrassen(blockedEngine, cutoff);
  const shapes = [
    sq(1),
    mnk(1, 9, 1),
    sq(cutoff - 1),
    sq(cutoff),
    sq(cutoff + 1),
    sq(2 * cutoff - 1),
    sq(2 * cutoff + 1),
    mnk(31, 37, 41),
    mnk(97, 89, 101),
    mnk(40, 24, 72),
    mnk(130, 9, 33),
    mnk(9, 130, 33),
    mnk(64, 64, 64),
    mnk(129, 128, 127),
  ];
  for (const p of shapes) {
    it(`${gemmSpec.describe(p)} with cutoff ${cutoff} (depth ${strassenDepth(p, cutoff)})`, async () => {
      const r = await compute(small, p);
      expect(r.check.pass, `${r.check.error} > ${r.check.tolerance}`).toBe(true);
      expect(r.metrics.depth).toBe(strassenDepth(p, cutoff));
      expect(r.again).toEqual(r.c);
    });
  }

  it('is exactly its base kernel when the shape is at or below the cutoff', async () => {
    const p = mnk(37, 29, 8);
    const r = await compute(small, p);
    const s = await blocked.prepare(p, r.inputs, {threads: 1});
    expect(r.c).toEqual(await blocked.run(s));
  });

  it('has measurably larger error than classical GEMM at depth 4, yet within its widened tolerance', async () => {
    const p = sq(128);
    const r = await compute(small, p);
    expect(r.metrics.depth).toBe(4);
    expect(r.check.pass).toBe(true);
    const inputs = r.inputs;
    const classical = gemmSpec.check(p, inputs, await blocked.run(await blocked.prepare(p, inputs, {threads: 1})));
    expect(r.check.error).toBeGreaterThan(classical.error);
    expect(r.check.tolerance).toBeCloseTo(gemmTolerance(128, strassenToleranceScale(p, cutoff)), 20);
  });

  it('catches a wrong answer: the check is not made blind by the wider tolerance', async () => {
    const p = sq(33);
    const r = await compute(small, p);
    r.c[5 * 33 + 7] += 0.05;
    expect(gemmSpec.check(p, r.inputs, r.c, {toleranceScale: small.toleranceScale!(p)}).pass).toBe(false);
  });

  for (const threads of [2, 3]) {
    it(`runs its leaves on the workers engine with ${threads} threads`, async () => {
      const v = makeStrassen(makeWorkersEngine(), 16);
      expect(v.id).toBe('gemm/strassen-workers-c16');
      for (const p of [mnk(31, 37, 41), sq(17), mnk(100, 20, 70)]) {
        const r = await compute(v, p, threads);
        expect(r.check.pass, `${gemmSpec.describe(p)}: ${r.check.error} > ${r.check.tolerance}`).toBe(true);
      }
    });
  }

  it('names variants by base and cutoff, and refuses a bad cutoff or engine', () => {
    expect(strassen.id).toBe('gemm/strassen');
    expect(strassen.params).toEqual({base: 'gemm/blocked', cutoff: DEFAULT_CUTOFF});
    expect(strassenWorkers.id).toBe('gemm/strassen-workers');
    expect(strassenWorkers.backend).toBe('workers');
    expect(strassenWorkers.params).toEqual({base: 'gemm/workers', cutoff: PARALLEL_CUTOFF});
    expect(strassenOn('workers', 64).id).toBe('gemm/strassen-workers-c64');
    expect(strassenWorkers.available({threads: 1}).ok).toBe(false);
    expect(() => makeStrassen(blockedEngine, 0)).toThrow(/cutoff/);
    expect(() => strassenOn('nope')).toThrow(/--gemm: unknown GEMM engine 'nope'/);
  });
});
