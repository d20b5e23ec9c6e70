// Rung 1: the full thin SVD (Golub–Kahan–Reinsch, golub-kahan.ts) in float64 whatever the input
// dtype; an f32 input is widened once and U, V narrowed back. Cost ≈ 14·M·N² + 8·N³ (M ≥ N).
// With the addon built the whole of it but the sort runs natively (native64.ts → dsvd_*.h):
// blocked bidiagonalization (panels of 32 reflectors, trailing update as two f64 GEMMs, one
// matrix–vector pass per column), Qᵀ and Pᵀ by compact-WY blocks through the same GEMM, and the
// QR iteration in C with its sweeps fused four at a time on Uᵀ/Vᵀ. Else the JS loops. Expected
// bottleneck: the rotations (≈ 6(M+N)N² flops, FMA bound) and the bidiagonalization's memory-bound
// matrix–vector half.
import type {Backend, KernelVariant} from '../../core/types.js';
import {defaultSvdKernels, svd64} from './golub-kahan.js';
import {fullFlops, specWithFlops, type SvdInputs, type SvdOutput, type SvdShape} from './spec.js';

/** Above this many FLOPs a JS full SVD takes minutes: skipped unless named with --variant. */
export const FULL_FLOP_LIMIT = 3e10;

interface State {
  p: SvdShape;
  a: SvdInputs['a'];
}

export const full: KernelVariant<SvdShape, SvdInputs, SvdOutput, State> = {
  id: 'svd/full',
  op: 'svd',
  // Where the O(n³) arithmetic runs: the addon's float64 kernels when they load. Asked on first
  // read, so importing the registry loads no addon.
  get backend(): Backend {
    return defaultSvdKernels().name.startsWith('native') ? 'native' : 'js';
  },
  summary:
    'thin SVD: Householder bidiagonalization + implicit-shift QR (Golub–Kahan–Reinsch), float64; blocked (GEMM) bidiagonalization and fused QR sweeps on the addon when built',
  get params() {
    const k = defaultSvdKernels();
    // blocked: GEMM bidiagonalization, compact-WY Qᵀ/Pᵀ and the QR loop in C; unblocked: the JS driver.
    return {
      algorithm: 'golub-kahan-reinsch',
      precision: 'f64',
      kernels: k.name,
      bidiagonalization: k.bidiagQP ? 'blocked' : 'unblocked',
    };
  },
  spec: specWithFlops(fullFlops),
  available: () => ({ok: true}),
  limits(p) {
    const f = fullFlops(p);
    return f <= FULL_FLOP_LIMIT
      ? {ok: true}
      : {
          ok: false,
          reason: `full SVD of ${p.m}x${p.n} is ${(f / 1e9).toFixed(0)} GFLOP, minutes in JS; name svd/full with --variant to force`,
        };
  },
  prepare: (p, {a}) => ({p, a}),
  run({p, a}) {
    const r = svd64(a, p.m, p.n);
    if (p.dtype === 'f64') return {k: r.r, u: r.u, s: r.s, v: r.v};
    return {k: r.r, u: Float32Array.from(r.u), s: r.s, v: Float32Array.from(r.v)};
  },
};
