// The full SVD's native float64 routines (src/native/kernels/dsvd_*.h, built per ISA and
// dispatched at run time): the Householder reflectors and batched QR sweeps (the loops of
// golub-kahan.ts), and the blocked path that replaces them when present — bidiagonalization with
// explicit Qᵀ/Pᵀ (bidiagQP) and the whole QR iteration (bdsqr). Without the addon (or with
// DLBENCH_NO_NATIVE=1) the JS loops of golub-kahan.ts run instead; the results agree to rounding.
import {bestIsa, loadNative, type Isa} from '../../native/loader.js';
import type {Svd64Kernels} from './kernels64.js';

/** Reflectors per panel of the blocked bidiagonalization and per compact-WY block of Qᵀ/Pᵀ. */
export const BIDIAG_PANEL = 32;

/** The addon's f64 SVD kernels for isa (default: the widest this CPU runs), or undefined without the addon. */
export function nativeSvdKernels(isa?: Isa): Svd64Kernels | undefined {
  const n = loadNative();
  if (!n.ok || typeof n.addon.drotSweeps !== 'function') return undefined;
  const addon = n.addon,
    which = isa ?? bestIsa() ?? 'scalar';
  return {
    name: `native-${which}`,
    reflectLeft: (x, ld, r0, len, c0, cols, v, beta, acc) => addon.dreflectLeft(which, x, ld, r0, len, c0, cols, v, beta, acc),
    reflectRight: (x, ld, r0, r1, c0, len, v, beta) => addon.dreflectRight(which, x, ld, r0, r1, c0, len, v, beta),
    rotSweeps: (xt, ld, cols, count, lo, hi, cs, sn, stride) =>
      addon.drotSweeps(which, xt, ld, cols, count, lo, hi, cs, sn, stride),
    bidiagQP(w, m, n, d, e) {
      const tauq = new Float64Array(n),
        taup = new Float64Array(Math.max(n - 1, 1)),
        ee = n > 1 ? e : new Float64Array(1);
      addon.dbidiag(which, w, m, n, BIDIAG_PANEL, d, ee, tauq, taup);
      const qt = new Float64Array(n * m),
        pt = new Float64Array(n * n);
      addon.dformQP(which, w, m, n, BIDIAG_PANEL, tauq, taup, qt, pt);
      return {qt, pt};
    },
    bdsqr: (d, e, ut, cu, vt, cv) =>
      addon.dbdsqr(which, d, e.length > 0 ? e : new Float64Array(1), d.length, ut, cu, vt, cv) === 0,
  };
}
