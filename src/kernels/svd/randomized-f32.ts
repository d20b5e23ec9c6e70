// Rung 2's f32 path, planned: HMT with every product on the GEMM engine, including the
// orthonormalizations (CholeskyQR, cholqr.ts) and the small SVD: Bᵀ = AᵀQ is factored as
// Q_b·R by CholeskyQR, so only the l×l R goes through the scalar Golub–Kahan (l = k + p).
// Power iterations are normalized by one shifted CholeskyQR pass (like scikit-learn's LU
// normalization, it only keeps the basis well conditioned); Q and Q_b are made orthonormal.
// All buffers come from the plan. Bottleneck: the 2q + 2 thin GEMMs with A (m×n×l each).
import {createRng, deriveSeed} from '../../core/rng.js';
import type {GemmExecutor} from '../gemm/engine.js';
import {cholQr, cholQrPass, cholQrWorkspace, type CholQrWorkspace} from './cholqr.js';
import {orthonormalizeColumns} from './dense64.js';
import {svd64} from './golub-kahan.js';
import type {SvdOutput} from './spec.js';

export interface HmtF32Plan {
  m: number;
  n: number;
  /** Output rank and sketch width, k ≤ l ≤ min(m, n). */
  k: number;
  l: number;
  power: number;
  /** Y (m×l) and Z (n×l, also Ω and Bᵀ), row-major. */
  y: Float32Array;
  z: Float32Array;
  /** The first k columns of the small SVD's factors, l×k. */
  left: Float32Array;
  right: Float32Array;
  u: Float32Array;
  v: Float32Array;
  ws: CholQrWorkspace;
}

export function planHmtF32(m: number, n: number, rank: number, oversample: number, power: number): HmtF32Plan {
  const r = Math.min(m, n);
  const l = Math.min(rank + oversample, r);
  const k = Math.min(rank, r);
  return {
    m,
    n,
    k,
    l,
    power,
    y: new Float32Array(m * l),
    z: new Float32Array(n * l),
    left: new Float32Array(l * k),
    right: new Float32Array(l * k),
    u: new Float32Array(m * k),
    v: new Float32Array(n * k),
    ws: cholQrWorkspace(Math.max(m, n), l),
  };
}

/** Copies the first k columns of the l×cols f64 x into the l×k f32 out. */
function firstColumns(x: Float64Array, rows: number, cols: number, k: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) for (let t = 0; t < k; t++) out[i * k + t] = x[i * cols + t];
}

/**
 * HMT on the m×n row-major f32 a with the plan's buffers; the Gaussian Ω comes from the seed
 * (the same stream and draws as the generic randomizedSvd). Returns views of plan.u and plan.v.
 */
export async function hmtF32(exec: GemmExecutor, plan: HmtF32Plan, a: Float32Array, seed: number): Promise<SvdOutput> {
  const {m, n, k, l, y, z, ws} = plan;
  const rng = createRng(deriveSeed(seed, 31));
  rng.fillNormal(z.subarray(0, n * l));
  const normalize = async (x: Float32Array, rows: number): Promise<void> => {
    if ((await cholQrPass(exec, x, rows, ws, 1, false)) < 0) orthonormalizeColumns(x, rows, l, rng);
  };
  await exec.gemm({m, n: l, k: n, a, b: z, c: y}); // Y = AΩ
  for (let it = 0; it < plan.power; it++) {
    await normalize(y, m);
    await exec.gemm({m: n, n: l, k: m, a, transA: true, b: y, c: z}); // Z = AᵀY
    await normalize(z, n);
    await exec.gemm({m, n: l, k: n, a, b: z, c: y}); // Y = AZ
  }
  if (!(await cholQr(exec, y, m, ws))) orthonormalizeColumns(y, m, l, rng); // Q
  await exec.gemm({m: n, n: l, k: m, a, transA: true, b: y, c: z}); // Bᵀ = AᵀQ
  let s: Float64Array;
  if (await cholQr(exec, z, n, ws, true)) {
    // Bᵀ = Q_b·R, R = Ur·S·Vrᵀ: B's left vectors are Vr, its right vectors Q_b·Ur.
    const small = svd64(ws.racc, l, l);
    firstColumns(small.v, l, l, k, plan.left);
    firstColumns(small.u, l, l, k, plan.right);
    await exec.gemm({m: n, n: k, k: l, a: z, b: plan.right, c: plan.v});
    s = small.s;
  } else {
    // Bᵀ rank-deficient to f32 precision: the dense SVD of Bᵀ (n×l) itself.
    await exec.gemm({m: n, n: l, k: m, a, transA: true, b: y, c: z});
    const small = svd64(z, n, l);
    firstColumns(small.v, l, l, k, plan.left);
    firstColumns(small.u, n, l, k, plan.v);
    s = small.s;
  }
  await exec.gemm({m, n: k, k: l, a: y, b: plan.left, c: plan.u}); // U = Q·Û
  return {k, u: plan.u, s: s.slice(0, k), v: plan.v};
}
