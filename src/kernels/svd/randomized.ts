// Rung 2: randomized SVD (Halko, Martinsson & Tropp 2011, Alg. 4.4 + 5.1): Gaussian Ω (n×l,
// l = k + p), Y = AΩ, q power iterations Z = AᵀQ, Y = AZ each re-orthonormalized, Q = orth(Y),
// B = QᵀA, SVD of the small l×n B, U = Q·Û. f32 runs the planned path (randomized-f32.ts: all
// products, CholeskyQR included, on a GemmEngine — the fastest available unless --gemm names one);
// f64 runs this generic one (Gram–Schmidt, f64 JS products). 2q + 2 passes over A dominate.
import {createRng, deriveSeed} from '../../core/rng.js';
import type {Caps, KernelVariant} from '../../core/types.js';
import type {GemmEngine, GemmExecutor} from '../gemm/engine.js';
import {fastestEngine} from '../gemm/engines.js';
import {gemm64, orthonormalizeColumns, type Real} from './dense64.js';
import {svd64} from './golub-kahan.js';
import {hmtF32, planHmtF32, type HmtF32Plan} from './randomized-f32.js';
import {randomizedFlops, sketchColumns, specWithFlops, type SvdInputs, type SvdOutput, type SvdShape} from './spec.js';

/** C = op(A)·op(B) on row-major operands of the problem's dtype. */
export type RealGemm = (m: number, n: number, k: number, a: Real, transA: boolean, b: Real, c: Real) => void | Promise<void>;

export interface RandomizedOptions {
  rank: number;
  oversample: number;
  power: number;
  seed: number;
}

/** Runs HMT on the m×n row-major a; products through `gemm`, the rest in float64. */
export async function randomizedSvd(a: Real, m: number, n: number, o: RandomizedOptions, gemm: RealGemm): Promise<SvdOutput> {
  const r = Math.min(m, n);
  const l = Math.min(o.rank + o.oversample, r);
  const k = Math.min(o.rank, r);
  const make = (len: number): Real => (a instanceof Float64Array ? new Float64Array(len) : new Float32Array(len));
  const rng = createRng(deriveSeed(o.seed, 31));
  const z = make(n * l);
  rng.fillNormal(z);
  const y = make(m * l);
  await gemm(m, l, n, a, false, z, y); // Y = AΩ
  for (let it = 0; it < o.power; it++) {
    orthonormalizeColumns(y, m, l, rng);
    await gemm(n, l, m, a, true, y, z); // Z = AᵀQ
    orthonormalizeColumns(z, n, l, rng);
    await gemm(m, l, n, a, false, z, y); // Y = AZ
  }
  orthonormalizeColumns(y, m, l, rng); // Q
  const b = make(l * n);
  await gemm(l, n, m, y, true, a, b); // B = QᵀA
  const small = svd64(b, l, n); // Û l×l, V̂ n×l
  const uk = make(l * k);
  for (let i = 0; i < l; i++) for (let t = 0; t < k; t++) uk[i * k + t] = small.u[i * l + t];
  const u = make(m * k);
  await gemm(m, k, l, y, false, uk, u); // U = Q·Û
  const v = make(n * k);
  for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) v[j * k + t] = small.v[j * l + t];
  return {k, u, s: small.s.slice(0, k), v};
}

/** The f64 products: the GEMM engines are f32-only, so f64 uses gemm64 (an i-k-j loop). */
export const gemmF64: RealGemm = (m, n, k, a, transA, b, c) => {
  gemm64({m, n, k, a, transA, b, c: c as Float64Array});
};

/** The f32 products on an engine's executor (A stored m×k, or k×m when transposed). */
export function engineGemm(exec: GemmExecutor): RealGemm {
  return (m, n, k, a, transA, b, c) =>
    exec.gemm({m, n, k, a: a as Float32Array, transA, b: b as Float32Array, c: c as Float32Array});
}

interface State {
  p: SvdShape;
  a: Real;
  exec?: GemmExecutor;
  plan?: HmtF32Plan;
  engineId: string;
  seed: number;
}

/** The randomized rung on a given engine, or (no engine) on the fastest one available at prepare. */
export function makeRandomized(engine?: GemmEngine): KernelVariant<SvdShape, SvdInputs, SvdOutput, State> {
  const pick = (caps: Caps): GemmEngine => engine ?? fastestEngine(caps);
  return {
    id: engine ? `svd/randomized-${engine.id.replace(/^gemm\//, '')}` : 'svd/randomized',
    op: 'svd',
    backend: 'js',
    summary: `randomized SVD (Halko–Martinsson–Tropp): sketch, power iterations, small SVD; products on ${engine?.id ?? 'the fastest GEMM engine'} (f32) or f64 JS`,
    params: {algorithm: 'halko-martinsson-tropp', gemm: engine?.id ?? 'fastest'},
    spec: specWithFlops(randomizedFlops),
    available: (caps) => pick(caps).available(caps),
    async prepare(p, {a, seed: inputSeed}, opts) {
      const seed = deriveSeed(inputSeed, 3);
      if (p.dtype === 'f64') return {p, a, engineId: 'f64-js', seed};
      const e = pick({threads: opts.threads});
      const l = sketchColumns(p);
      const exec = await e.create({
        threads: opts.threads,
        maxM: Math.max(p.m, p.n),
        maxN: Math.max(p.n, l),
        maxK: Math.max(p.m, p.n),
      });
      return {p, a, exec, plan: planHmtF32(p.m, p.n, p.rank, p.oversample, p.power), engineId: e.id, seed};
    },
    async run(s) {
      if (s.exec && s.plan) return {...(await hmtF32(s.exec, s.plan, s.a as Float32Array, s.seed)), gemm: s.engineId};
      const gemm = s.exec ? engineGemm(s.exec) : gemmF64;
      const out = await randomizedSvd(
        s.a,
        s.p.m,
        s.p.n,
        {rank: s.p.rank, oversample: s.p.oversample, power: s.p.power, seed: s.seed},
        gemm,
      );
      return {...out, gemm: s.engineId};
    },
    async dispose(s) {
      await s.exec?.dispose?.();
    },
  };
}

export const randomized = makeRandomized();
