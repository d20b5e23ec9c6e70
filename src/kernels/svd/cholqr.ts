// CholeskyQR on a GEMM engine: the orthonormalization step of the randomized SVD (rung 2) for a
// tall m×l f32 X (l ≪ m). One pass is G = XᵀX (GEMM), R = chol(G + s·I) (f64, l×l), X ← X·R⁻¹
// (GEMM): 4·m·l² FLOPs on the engine and O(l³) in JS, instead of Gram–Schmidt's 4·m·l² in scalar
// JS. A shifted pass (Fukaya et al. 2020) never breaks down on an ill-conditioned X; the passes that
// follow (CholeskyQR2) make the result orthonormal to f32 rounding. Bottleneck: per-call overhead.
import type {GemmExecutor} from '../gemm/engine.js';

/** Unit roundoff of f32: the Gram matrix is accumulated in f32 by the engine. */
const U32 = 2 ** -24;
/** An unshifted pass fails when a column keeps less than this fraction of its squared norm. */
const MIN_PIVOT = 1e-5;

/** Preallocated buffers for CholeskyQR of X with up to maxRows rows and exactly l columns. */
export interface CholQrWorkspace {
  l: number;
  /** Engine outputs: the Gram matrix, the f32 copy of R⁻¹, and X·R⁻¹ before it is copied back. */
  gram: Float32Array;
  rinv32: Float32Array;
  tmp: Float32Array;
  /** f64 scratch: R (upper), R⁻¹, and the accumulated R of all passes. */
  r: Float64Array;
  rinv: Float64Array;
  racc: Float64Array;
  rnew: Float64Array;
}

export function cholQrWorkspace(maxRows: number, l: number): CholQrWorkspace {
  return {
    l,
    gram: new Float32Array(l * l),
    rinv32: new Float32Array(l * l),
    tmp: new Float32Array(maxRows * l),
    r: new Float64Array(l * l),
    rinv: new Float64Array(l * l),
    racc: new Float64Array(l * l),
    rnew: new Float64Array(l * l),
  };
}

/**
 * Upper Cholesky of the symmetric l×l g (upper triangle read) into r: g = rᵀr. Returns the
 * smallest pivot r_jj² relative to g_jj, or −1 if a pivot is not positive (or not finite).
 */
export function choleskyUpper(g: Float64Array, l: number, r: Float64Array): number {
  let worst = Infinity;
  r.fill(0);
  for (let j = 0; j < l; j++) {
    let d = g[j * l + j];
    for (let t = 0; t < j; t++) d -= r[t * l + j] * r[t * l + j];
    const rel = d / g[j * l + j];
    if (!(d > 0) || !Number.isFinite(d)) return -1;
    worst = Math.min(worst, rel);
    const rjj = Math.sqrt(d);
    r[j * l + j] = rjj;
    for (let c = j + 1; c < l; c++) {
      let s = g[j * l + c];
      for (let t = 0; t < j; t++) s -= r[t * l + j] * r[t * l + c];
      r[j * l + c] = s / rjj;
    }
  }
  return worst;
}

/** Inverse of the upper-triangular l×l r into x (upper triangular; lower part zero). */
export function invertUpper(r: Float64Array, l: number, x: Float64Array): void {
  x.fill(0);
  for (let j = l - 1; j >= 0; j--) {
    const inv = 1 / r[j * l + j];
    x[j * l + j] = inv;
    // Row j of R⁻¹: x_jc = −(Σ_{t=j+1..c} r_jt x_tc) / r_jj.
    for (let c = j + 1; c < l; c++) {
      let s = 0;
      for (let t = j + 1; t <= c; t++) s += r[j * l + t] * x[t * l + c];
      x[j * l + c] = -s * inv;
    }
  }
}

/** out = a·b for upper-triangular l×l a, b (out may not alias). */
export function multiplyUpper(a: Float64Array, b: Float64Array, l: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      let s = 0;
      for (let t = i; t <= j; t++) s += a[i * l + t] * b[t * l + j];
      out[i * l + j] = s;
    }
  }
}

/**
 * One CholeskyQR pass on the rows×l row-major x, in place: x ← x·R⁻¹ with Rᵀ R = xᵀx + s·I,
 * s = shift·(rows + l)·u₃₂·‖x‖²_F (shift 0 or 1). When accumulate, ws.racc ← R·ws.racc.
 * Returns the largest |G − I| entry of the (scaled) input Gram matrix, or −1 when the pass broke
 * down (x numerically rank-deficient for an unshifted pass, zero or non-finite for a shifted one).
 */
export async function cholQrPass(
  exec: GemmExecutor,
  x: Float32Array,
  rows: number,
  ws: CholQrWorkspace,
  shift: 0 | 1,
  accumulate: boolean,
): Promise<number> {
  const l = ws.l;
  const {gram, r, rinv, rinv32, tmp} = ws;
  await exec.gemm({m: l, n: l, k: rows, a: x, transA: true, b: x, c: gram});
  let trace = 0,
    dev = 0;
  for (let i = 0; i < l; i++) trace += gram[i * l + i];
  if (!(trace > 0) || !Number.isFinite(trace)) return -1;
  // The Gram matrix in f64 (its upper triangle), with the shift on the diagonal.
  const s = shift * (rows + l) * U32 * trace;
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      const g = gram[i * l + j];
      rinv[i * l + j] = g + (i === j ? s : 0); // rinv holds G until it is factored
      dev = Math.max(dev, Math.abs(g - (i === j ? 1 : 0)));
    }
  }
  const pivot = choleskyUpper(rinv, l, r);
  if (pivot < 0 || (shift === 0 && pivot < MIN_PIVOT)) return -1;
  invertUpper(r, l, rinv);
  for (let i = 0; i < l * l; i++) rinv32[i] = rinv[i];
  await exec.gemm({m: rows, n: l, k: l, a: x, b: rinv32, c: tmp});
  x.set(tmp.subarray(0, rows * l));
  if (accumulate) {
    multiplyUpper(r, ws.racc, l, ws.rnew);
    ws.racc.set(ws.rnew);
  }
  return dev;
}

/**
 * Orthonormalizes the columns of x (rows×l) in place: one shifted pass, then unshifted passes
 * until the input of a pass is already near-orthonormal (at most three). With accumulate,
 * ws.racc ends as R with x_in = x_out·R. Returns false when a pass broke down: x is then
 * rank-deficient to f32 precision and the caller falls back to Gram–Schmidt (which fills the
 * missing directions); x still spans the input's range but is not orthonormal.
 */
export async function cholQr(
  exec: GemmExecutor,
  x: Float32Array,
  rows: number,
  ws: CholQrWorkspace,
  accumulate = false,
): Promise<boolean> {
  if (accumulate) {
    ws.racc.fill(0);
    for (let i = 0; i < ws.l; i++) ws.racc[i * ws.l + i] = 1;
  }
  if ((await cholQrPass(exec, x, rows, ws, 1, accumulate)) < 0) return false;
  for (let pass = 0; pass < 3; pass++) {
    const dev = await cholQrPass(exec, x, rows, ws, 0, accumulate);
    if (dev < 0) return false;
    // The input was within 1e-2 of orthonormal: this pass left it at f32 rounding.
    if (dev < 1e-2) return true;
  }
  return true;
}
