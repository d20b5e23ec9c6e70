// GEMM C = A·B, row-major fp32: A is M×K, B is K×N, C is M×N.
// Cost model: FLOPs = 2·M·N·K (one multiply and one add per MAC); compulsory bytes = 4(MK+KN+MN).
// Check: a float64 reference for small problems; for large ones, exact rows and columns
// (always the first and last, where edge tiles live, plus random ones) and Freivalds' test.
// Error unit: |c − c_ref| / (|A|·|B|)ᵢⱼ, whose worst-case bound for any summation order is
// γ_K ≈ K·u (Higham, Accuracy and Stability, §3.5); the tolerance is that bound.
import {deriveSeed, createRng, fillUniform} from '../../core/rng.js';
import type {CheckResult, OpSpec} from '../../core/types.js';

export interface GemmShape {
  m: number;
  n: number;
  k: number;
}

export interface GemmInputs {
  a: Float32Array;
  b: Float32Array;
}

export type GemmOutput = Float32Array;

/** Unit roundoff of fp32. */
export const U32 = 2 ** -24;
/** Above this many MACs the check stops computing the full reference. */
export const FULL_REFERENCE_MACS = 2 ** 24;
const SAMPLED_LINES = 6;

export function gemmTolerance(k: number, scale = 1): number {
  // +2: rounding of the stored output and of the reference's own float64 sum.
  return scale * (k + 2) * U32;
}

export const gemmSpec: OpSpec<GemmShape, GemmInputs, GemmOutput> = {
  op: 'gemm',
  describe: ({m, n, k}) => `${m}x${n}x${k}`,
  macs: ({m, n, k}) => m * n * k,
  flops: ({m, n, k}) => 2 * m * n * k,
  bytes: ({m, n, k}) => 4 * (m * k + k * n + m * n),
  // Inputs and output, packed copies or a second output, and the check's float64 scratch.
  memoryBytes: ({m, n, k}) => 8 * (m * k + k * n + m * n) + (m * n * k <= FULL_REFERENCE_MACS ? 16 * m * n : 0),
  makeInputs({m, n, k}, seed) {
    const a = new Float32Array(m * k);
    const b = new Float32Array(k * n);
    fillUniform(a, createRng(deriveSeed(seed, 0)));
    fillUniform(b, createRng(deriveSeed(seed, 1)));
    return {a, b};
  },
  check(p, inputs, out, opts = {}) {
    const tolerance = gemmTolerance(p.k, opts.toleranceScale ?? 1);
    if (out.length !== p.m * p.n) {
      return {
        pass: false,
        method: 'shape',
        error: Infinity,
        tolerance,
        detail: `output has ${out.length} elements, expected ${p.m * p.n}`,
      };
    }
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        return {
          pass: false,
          method: 'finite',
          error: Infinity,
          tolerance,
          detail: `non-finite value ${out[i]} at (${Math.floor(i / p.n)}, ${i % p.n})`,
        };
      }
    }
    return p.m * p.n * p.k <= FULL_REFERENCE_MACS
      ? checkFull(p, inputs, out, tolerance)
      : checkSampled(p, inputs, out, tolerance, opts.seed ?? 0);
  },
};

function verdict(method: string, error: number, tolerance: number, where: string): CheckResult {
  const pass = error <= tolerance;
  return {pass, method, error, tolerance, ...(pass ? {} : {detail: `largest error at ${where}`})};
}

/** Error of one element against float64, normalized by Σ|a||b| of that element. */
function elementError(p: GemmShape, {a, b}: GemmInputs, c: Float32Array, i: number, j: number): number {
  let ref = 0;
  let abs = 0;
  for (let kk = 0; kk < p.k; kk++) {
    const prod = a[i * p.k + kk] * b[kk * p.n + j];
    ref += prod;
    abs += Math.abs(prod);
  }
  return Math.abs(c[i * p.n + j] - ref) / Math.max(abs, Number.MIN_VALUE);
}

function checkFull(p: GemmShape, inputs: GemmInputs, c: Float32Array, tolerance: number): CheckResult {
  let worst = 0;
  let where = '';
  for (let i = 0; i < p.m; i++) {
    for (let j = 0; j < p.n; j++) {
      const e = elementError(p, inputs, c, i, j);
      if (!(e <= worst)) {
        worst = e;
        where = `(${i}, ${j})`;
      }
    }
  }
  return verdict('reference-f64', worst, tolerance, where);
}

function checkSampled(p: GemmShape, inputs: GemmInputs, c: Float32Array, tolerance: number, seed: number): CheckResult {
  const rng = createRng(deriveSeed(seed, 7));
  const pick = (extent: number): number[] => {
    const set = new Set([0, extent - 1]);
    for (let t = 0; t < SAMPLED_LINES; t++) set.add(Math.floor(rng.next() * extent));
    return [...set];
  };
  let worst = 0;
  let where = '';
  const note = (e: number, at: string): void => {
    if (!(e <= worst)) {
      worst = e;
      where = at;
    }
  };
  for (const i of pick(p.m)) for (let j = 0; j < p.n; j++) note(elementError(p, inputs, c, i, j), `row ${i}, col ${j}`);
  for (const j of pick(p.n)) for (let i = 0; i < p.m; i++) note(elementError(p, inputs, c, i, j), `row ${i}, col ${j}`);
  for (let trial = 0; trial < 2; trial++) {
    const x = new Float64Array(p.n);
    for (let j = 0; j < p.n; j++) x[j] = rng.next() < 0.5 ? -1 : 1;
    const [res, bound] = freivalds(p, inputs, c, x);
    for (let i = 0; i < p.m; i++) note(res[i] / Math.max(bound[i], Number.MIN_VALUE), `Freivalds row ${i}`);
  }
  return verdict('sampled-lines+freivalds', worst, tolerance, where);
}

/**
 * |C·x − A·(B·x)| per row, and a bound on what rounding alone can make it. With Rademacher x,
 * rᵢ = Σⱼ xⱼ·eᵢⱼ for rounding errors |eᵢⱼ| ≤ γ_K·(|A||B|)ᵢⱼ ≤ γ_K·‖aᵢ‖·‖bⱼ‖ (Cauchy–Schwarz), so by
 * Hoeffding |rᵢ| > 6·γ_K·‖aᵢ‖·‖B‖_F has probability below 3e-8. The worst case γ_K·(|A|(|B||x|))ᵢ
 * also holds; the smaller of the two is the row's scale.
 */
function freivalds({m, n, k}: GemmShape, {a, b}: GemmInputs, c: Float32Array, x: Float64Array): [Float64Array, Float64Array] {
  const bx = new Float64Array(k);
  const bxAbs = new Float64Array(k);
  let bFrob2 = 0;
  for (let kk = 0; kk < k; kk++) {
    let s = 0,
      t = 0;
    for (let j = 0; j < n; j++) {
      const bv = b[kk * n + j];
      const v = bv * x[j];
      s += v;
      t += Math.abs(v);
      bFrob2 += bv * bv;
    }
    bx[kk] = s;
    bxAbs[kk] = t;
  }
  const bFrob = Math.sqrt(bFrob2);
  const res = new Float64Array(m);
  const bound = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let abx = 0,
      abs = 0,
      cx = 0,
      a2 = 0;
    for (let kk = 0; kk < k; kk++) {
      const av = a[i * k + kk];
      abx += av * bx[kk];
      abs += Math.abs(av) * bxAbs[kk];
      a2 += av * av;
    }
    for (let j = 0; j < n; j++) cx += c[i * n + j] * x[j];
    res[i] = Math.abs(cx - abx);
    bound[i] = Math.min(abs, 6 * Math.sqrt(a2) * bFrob);
  }
  return [res, bound];
}

/**
 * A size limit for slow rungs: past `maxMacs` a case would take seconds per call (times the
 * minimum samples), so presets and globs skip it; naming the variant exactly forces it.
 */
export function macLimit(maxMacs: number, typicalGflops: number): (p: GemmShape) => {ok: true} | {ok: false; reason: string} {
  return (p) => {
    const macs = p.m * p.n * p.k;
    if (macs <= maxMacs) return {ok: true};
    const seconds = (2 * macs) / (typicalGflops * 1e9);
    return {
      ok: false,
      reason: `${(macs / 1e9).toFixed(1)} G MACs is past this rung's limit of ${(maxMacs / 1e9).toFixed(1)} G (about ${seconds.toFixed(0)} s a call); name it exactly with --variant to force it`,
    };
  };
}
