// The hot loops of the float64 SVD (golub-kahan.ts), swappable: its JS loops, or the addon's
// kernels (native64.ts). A module of its own so that neither of those imports the other's file for it.

/** The loops that dominate the cost; rotSweep, when given, works on transposed U and V. */
export interface Svd64Kernels {
  /** 'js', or 'native-<isa>'. */
  name: string;
  reflectLeft(
    x: Float64Array,
    ld: number,
    r0: number,
    len: number,
    c0: number,
    cols: number,
    v: Float64Array,
    beta: number,
    acc: Float64Array,
  ): void;
  reflectRight(x: Float64Array, ld: number, r0: number, r1: number, c0: number, len: number, v: Float64Array, beta: number): void;
  /**
   * `count` QR sweeps on the rows of the row-major xt (row length cols, stride ld): sweep q rotates
   * rows (k, k+1), k = lo[q]..hi[q]−1 in order, by (cs, sn)[q·stride + k]. Batching sweeps lets a
   * column block of xt stay in cache through all of them.
   */
  rotSweeps?(
    xt: Float64Array,
    ld: number,
    cols: number,
    count: number,
    lo: Float64Array,
    hi: Float64Array,
    cs: Float64Array,
    sn: Float64Array,
    stride: number,
  ): void;
  /**
   * Blocked bidiagonalization of the m×n row-major w (m ≥ n, overwritten): writes B's diagonal d
   * and superdiagonal e and returns Qᵀ (n×m) and Pᵀ (n×n), w = Q·B·Pᵀ. When given, rotSweeps is too.
   */
  bidiagQP?(w: Float64Array, m: number, n: number, d: Float64Array, e: Float64Array): {qt: Float64Array; pt: Float64Array};
  /**
   * The whole QR iteration on bidiag(d, e), rotating the rows of ut (n×cu) and vt (n×cv); singular
   * values left signed and unsorted. Returns false when it did not converge.
   */
  bdsqr?(d: Float64Array, e: Float64Array, ut: Float64Array, cu: number, vt: Float64Array, cv: number): boolean;
}
