/* Full-SVD rung, native float64 kernels: the three loops that take ~95% of Golub–Kahan–Reinsch in
 * JS (src/kernels/svd/golub-kahan.ts): Householder reflectors applied from the left and the right
 * to a row-major block, and one QR sweep's rotations applied to the rows of Uᵀ/Vᵀ. Plain C written
 * for the auto-vectorizer; each dsvd_<isa>.c includes it under its own -m flags (DLB_DSVD names the
 * symbols). Bottleneck: L2/L3 bandwidth for the reflectors, the FMA latency chain for the sweep. */
#include "../dlb.h"

/* acc[0..cols) = Σ_i v[i]·X[r0+i][c0..], then X[r0+i][c0..] −= beta·v[i]·acc: I − beta·v·vᵀ from the
 * left. Four rows per pass so each load/store of acc serves four rows (the loops are load/store bound). */
void DLB_DSVD(dlb_dreflect_left)(double *restrict x, long ld, long r0, long len, long c0, long cols,
                                 const double *restrict v, double beta, double *restrict acc) {
  for (long c = 0; c < cols; c++) acc[c] = 0;
  long i = 0;
  for (; i + 3 < len; i += 4) {
    const double v0 = v[i], v1 = v[i + 1], v2 = v[i + 2], v3 = v[i + 3];
    const double *x0 = x + (r0 + i) * ld + c0, *x1 = x0 + ld, *x2 = x1 + ld, *x3 = x2 + ld;
    for (long c = 0; c < cols; c++) acc[c] += v0 * x0[c] + v1 * x1[c] + v2 * x2[c] + v3 * x3[c];
  }
  for (; i < len; i++) {
    const double vi = v[i], *x0 = x + (r0 + i) * ld + c0;
    for (long c = 0; c < cols; c++) acc[c] += vi * x0[c];
  }
  i = 0;
  for (; i + 3 < len; i += 4) {
    const double f0 = beta * v[i], f1 = beta * v[i + 1], f2 = beta * v[i + 2], f3 = beta * v[i + 3];
    double *x0 = x + (r0 + i) * ld + c0, *x1 = x0 + ld, *x2 = x1 + ld, *x3 = x2 + ld;
    for (long c = 0; c < cols; c++) {
      const double a = acc[c];
      x0[c] -= f0 * a;
      x1[c] -= f1 * a;
      x2[c] -= f2 * a;
      x3[c] -= f3 * a;
    }
  }
  for (; i < len; i++) {
    const double f = beta * v[i];
    double *x0 = x + (r0 + i) * ld + c0;
    for (long c = 0; c < cols; c++) x0[c] -= f * acc[c];
  }
}

/* Rows r0..r1−1, columns c0..c0+len−1: x_row −= beta·(x_row·v)·vᵀ (I − beta·v·vᵀ from the right). */
void DLB_DSVD(dlb_dreflect_right)(double *restrict x, long ld, long r0, long r1, long c0, long len,
                                  const double *restrict v, double beta) {
  long i = r0;
  for (; i + 3 < r1; i += 4) {
    double *x0 = x + i * ld + c0, *x1 = x0 + ld, *x2 = x1 + ld, *x3 = x2 + ld;
    double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (long c = 0; c < len; c++) {
      t0 += x0[c] * v[c];
      t1 += x1[c] * v[c];
      t2 += x2[c] * v[c];
      t3 += x3[c] * v[c];
    }
    t0 *= beta;
    t1 *= beta;
    t2 *= beta;
    t3 *= beta;
    for (long c = 0; c < len; c++) {
      x0[c] -= t0 * v[c];
      x1[c] -= t1 * v[c];
      x2[c] -= t2 * v[c];
      x3[c] -= t3 * v[c];
    }
  }
  for (; i < r1; i++) {
    double *x0 = x + i * ld + c0, t = 0;
    for (long c = 0; c < len; c++) t += x0[c] * v[c];
    t *= beta;
    for (long c = 0; c < len; c++) x0[c] -= t * v[c];
  }
}

/* QR sweeps on the rows of the row-major x (row length cols): sweep q applies rotations
 * k = lo[q]..hi[q]−1, in order, to rows k and k+1 with (c, s) = (cs, sn)[q·stride + k]:
 * row_k ← c·row_k + s·row_{k+1}, row_{k+1} ← −s·row_k + c·row_{k+1}. Columns are independent, so
 * the loop order is column block (32) → sweep → rotation: a block of Uᵀ (rows × 32 doubles, 256 KB
 * at 1000 rows) stays in L2 through all `count` sweeps instead of U streaming from memory once per
 * sweep. Within a block the updated row k+1 is carried in four 8-double vectors (GCC vector
 * types, so they stay in registers whatever the ISA); four chains hide the mul→FMA latency. */
typedef double dsvd_v8 __attribute__((vector_size(64), aligned(8)));
#define DSVD_LOAD(p) (*(const dsvd_v8 *)(p))
#define DSVD_STORE(p, v) (*(dsvd_v8 *)(p) = (v))

static void DLB_DSVD(sweep_block32)(double *restrict x, long ld, long lo, long hi, const double *restrict cs,
                                    const double *restrict sn) {
  const double *first = x + lo * ld;
  dsvd_v8 t0 = DSVD_LOAD(first), t1 = DSVD_LOAD(first + 8), t2 = DSVD_LOAD(first + 16),
          t3 = DSVD_LOAD(first + 24);
  for (long k = lo; k < hi; k++) {
    const double c = cs[k], s = sn[k];
    double *xk = x + k * ld;
    const double *xk1 = xk + ld;
    const dsvd_v8 y0 = DSVD_LOAD(xk1), y1 = DSVD_LOAD(xk1 + 8), y2 = DSVD_LOAD(xk1 + 16),
                  y3 = DSVD_LOAD(xk1 + 24);
    DSVD_STORE(xk, c * t0 + s * y0);
    DSVD_STORE(xk + 8, c * t1 + s * y1);
    DSVD_STORE(xk + 16, c * t2 + s * y2);
    DSVD_STORE(xk + 24, c * t3 + s * y3);
    t0 = c * y0 - s * t0;
    t1 = c * y1 - s * t1;
    t2 = c * y2 - s * t2;
    t3 = c * y3 - s * t3;
  }
  double *last = x + hi * ld;
  DSVD_STORE(last, t0);
  DSVD_STORE(last + 8, t1);
  DSVD_STORE(last + 16, t2);
  DSVD_STORE(last + 24, t3);
}

static void DLB_DSVD(sweep_column)(double *restrict x, long ld, long lo, long hi, const double *restrict cs,
                                   const double *restrict sn) {
  double t = x[lo * ld];
  for (long k = lo; k < hi; k++) {
    const double y = x[(k + 1) * ld];
    x[k * ld] = cs[k] * t + sn[k] * y;
    t = cs[k] * y - sn[k] * t;
  }
  x[hi * ld] = t;
}

void DLB_DSVD(dlb_drot_sweeps)(double *restrict x, long ld, long cols, long count, const long *lo,
                               const long *hi, const double *restrict cs, const double *restrict sn,
                               long stride) {
  long j0 = 0;
  for (; j0 + 32 <= cols; j0 += 32)
    for (long q = 0; q < count; q++)
      DLB_DSVD(sweep_block32)(x + j0, ld, lo[q], hi[q], cs + q * stride, sn + q * stride);
  for (long j = j0; j < cols; j++)
    for (long q = 0; q < count; q++)
      DLB_DSVD(sweep_column)(x + j, ld, lo[q], hi[q], cs + q * stride, sn + q * stride);
}

const dlb_dsvd_kernels DLB_DSVD(dlb_dsvd) = {DLB_DSVD(dlb_dreflect_left), DLB_DSVD(dlb_dreflect_right),
                                             DLB_DSVD(dlb_drot_sweeps)};
