/* Full-SVD rung, native float64 kernels, compiled once per ISA (each dsvd_<isa>.c includes this
 * under its own -m flags; DLB_DSVD names the symbols). The loops golub-kahan.ts can hand over —
 * Householder reflectors from the left and the right, and batches of QR sweeps on the rows of
 * Uᵀ/Vᵀ — and, through the headers included below, the blocked path (dsvd_blocked.h): packed f64
 * GEMM, blocked bidiagonalization with Qᵀ/Pᵀ, and the bidiagonal QR iteration. Bottleneck: L2/L3
 * bandwidth for the reflectors, the FMA pipes for the fused sweeps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../dlb.h"
#include "dsvd_blocked.h"

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
 * row_k ← c·row_k + s·row_{k+1}, row_{k+1} ← −s·row_k + c·row_{k+1}. GCC vector types (8 doubles)
 * so the carried rows stay in registers whatever the ISA. */
typedef double dsvd_v8 __attribute__((vector_size(64), aligned(8)));
#define DSVD_LOAD(p) (*(const dsvd_v8 *)(p))
#define DSVD_STORE(p, v) (*(dsvd_v8 *)(p) = (v))
#define DSVD_MAX_GROUPS 256
#include "dsvd_gemm.h"
#include "dsvd_bidiag.h"

/* F sweeps, all over rotations k = L..H−1 (a sweep's rotations outside its own range padded with
 * c = 1, s = 0, which leave the rows exactly as they are), on a block of 8·NV columns, fused into
 * one pass: at step j sweep f applies its rotation k = j − f. Sweep f's upper row comes out final
 * and is handed straight to sweep f+1 as its lower row, so each row is loaded once and stored once
 * for all F sweeps while each sweep carries its pending row in registers (F·NV vectors): the pass
 * is bound by the FMA pipes instead of by L2 traffic. cf/sf: F rows of H − L coefficients. */
/* Sweep f's rotation k on its carried row cur[f] (upper) and the incoming row in (lower): the upper
 * row comes out final in `in`, the lower one stays carried. */
#define DSVD_ROT(f, k, NV)                                       \
  do {                                                           \
    const double c_ = cf[(f)*w + (k)-L], s_ = sf[(f)*w + (k)-L]; \
    for (int v = 0; v < NV; v++) {                               \
      const dsvd_v8 o_ = c_ * cur[f][v] + s_ * in[v];            \
      cur[f][v] = c_ * in[v] - s_ * cur[f][v];                   \
      in[v] = o_;                                                \
    }                                                            \
  } while (0)
#define DSVD_FUSED(NAME, F, NV)                                                                       \
  static void DLB_DSVD(NAME)(double *restrict x, long ld, long L, long H, const double *restrict cf,  \
                             const double *restrict sf) {                                             \
    const long w = H - L;                                                                             \
    dsvd_v8 cur[F][NV], in[NV];                                                                       \
    for (int v = 0; v < NV; v++) in[v] = (dsvd_v8){0};                                                \
    /* Prologue: step j = L−1+g hands row L to sweep g and runs sweeps f < g at k = L+g−1−f. */ \
    for (int g = 0; g < F; g++) {                                                                     \
      const long j = L - 1 + g;                                                                       \
      if (j + 1 <= H)                                                                                 \
        for (int v = 0; v < NV; v++) in[v] = DSVD_LOAD(x + (j + 1) * ld + 8 * v);                     \
      for (int f = 0; f < g; f++) {                                                                   \
        const long k = j - f;                                                                         \
        if (k < H) {                                                                                  \
          DSVD_ROT(f, k, NV);                                                                         \
        } else if (k == H) {                                                                          \
          for (int v = 0; v < NV; v++) in[v] = cur[f][v];                                             \
        }                                                                                             \
      }                                                                                               \
      for (int v = 0; v < NV; v++) cur[g][v] = in[v];                                                 \
    }                                                                                                 \
    /* Steady state: every sweep rotates; the last sweep's upper row is final. */                     \
    for (long j = L + F - 1; j < H; j++) {                                                            \
      for (int v = 0; v < NV; v++) in[v] = DSVD_LOAD(x + (j + 1) * ld + 8 * v);                       \
      for (int f = 0; f < F; f++) {                                                                   \
        const long k = j - f;                                                                         \
        DSVD_ROT(f, k, NV);                                                                           \
      }                                                                                               \
      for (int v = 0; v < NV; v++) DSVD_STORE(x + (j - F + 1) * ld + 8 * v, in[v]);                   \
    }                                                                                                 \
    /* Epilogue: steps from max(H, L+F−1) on, rows past H enter no more. */                         \
    for (long j = H > L + F - 1 ? H : L + F - 1; j < H + F; j++) {                                    \
      int have = 0;                                                                                   \
      for (int f = 0; f < F; f++) {                                                                   \
        const long k = j - f;                                                                         \
        if (k < L) break;                                                                             \
        if (k < H) {                                                                                  \
          DSVD_ROT(f, k, NV);                                                                         \
          have = 1;                                                                                   \
        } else if (k == H) {                                                                          \
          for (int v = 0; v < NV; v++) in[v] = cur[f][v];                                             \
          have = 1;                                                                                   \
        } else {                                                                                      \
          have = 0;                                                                                   \
        }                                                                                             \
      }                                                                                               \
      if (have && j - F + 1 >= L)                                                                     \
        for (int v = 0; v < NV; v++) DSVD_STORE(x + (j - F + 1) * ld + 8 * v, in[v]);                 \
    }                                                                                                 \
  }
DSVD_FUSED(fused4x4, 4, 4)
DSVD_FUSED(fused2x4, 2, 4)
DSVD_FUSED(fused1x4, 1, 4)
DSVD_FUSED(fused4x1, 4, 1)
DSVD_FUSED(fused2x1, 2, 1)
DSVD_FUSED(fused1x1, 1, 1)

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

/* Sweeps are fused in groups of up to four consecutive ones whose padding to their common range
 * costs at most a quarter more rotations; the loop order is column block → group, so a block of
 * the factor stays in L2 through all `count` sweeps. */
#define DSVD_GROUP_MAX 4
void DLB_DSVD(dlb_drot_sweeps)(double *restrict x, long ld, long cols, long count, const long *lo,
                               const long *hi, const double *restrict cs, const double *restrict sn,
                               long stride) {
  long gq[DSVD_MAX_GROUPS + 1], gL[DSVD_MAX_GROUPS], gH[DSVD_MAX_GROUPS], ng = 0;
  double *cf = malloc((size_t)(count * (stride > 0 ? stride : 1)) * 2 * sizeof(double));
  long off[DSVD_MAX_GROUPS];
  if (cf) {
    long q = 0, used = 0;
    while (q < count && ng < DSVD_MAX_GROUPS) {
      long f = count - q < DSVD_GROUP_MAX ? count - q : DSVD_GROUP_MAX;
      if (f == 3) f = 2; /* kernels exist for 4, 2 and 1 sweeps */
      for (; f > 1; f = f / 2) {
        long L = lo[q], H = hi[q], own = 0;
        for (long i = q; i < q + f; i++) {
          L = lo[i] < L ? lo[i] : L;
          H = hi[i] > H ? hi[i] : H;
          own += hi[i] - lo[i];
        }
        if (4 * f * (H - L) <= 5 * own) break;
      }
      long L = lo[q], H = hi[q];
      for (long i = q; i < q + f; i++) {
        L = lo[i] < L ? lo[i] : L;
        H = hi[i] > H ? hi[i] : H;
      }
      const long w = H - L;
      double *c = cf + used, *s = c + f * w;
      for (long i = 0; i < f; i++)
        for (long k = L; k < H; k++) {
          const int in = k >= lo[q + i] && k < hi[q + i];
          c[i * w + k - L] = in ? cs[(q + i) * stride + k] : 1;
          s[i * w + k - L] = in ? sn[(q + i) * stride + k] : 0;
        }
      gq[ng] = q;
      gL[ng] = L;
      gH[ng] = H;
      off[ng] = used;
      used += 2 * f * w;
      ng++;
      q += f;
    }
    gq[ng] = q;
    if (q < count) ng = 0; /* more groups than the table holds (not with ≤ 256 sweeps): plain order */
  }
  /* [width][group size 4, 2, 1]: blocks of 32 columns, then of 8. */
  typedef void (*fused_fn)(double *restrict, long, long, long, const double *restrict,
                           const double *restrict);
  static const fused_fn kern[2][3] = {{DLB_DSVD(fused4x4), DLB_DSVD(fused2x4), DLB_DSVD(fused1x4)},
                                      {DLB_DSVD(fused4x1), DLB_DSVD(fused2x1), DLB_DSVD(fused1x1)}};
  long j0 = 0;
  for (int wi = 0; wi < 2 && ng > 0; wi++) {
    const long bw = wi == 0 ? 32 : 8;
    for (; j0 + bw <= cols; j0 += bw)
      for (long g = 0; g < ng; g++) {
        const long f = gq[g + 1] - gq[g], w = gH[g] - gL[g];
        const double *c = cf + off[g], *s = c + f * w;
        if (w > 0) kern[wi][f == 4 ? 0 : f == 2 ? 1 : 2](x + j0, ld, gL[g], gH[g], c, s);
      }
  }
  for (long j = j0; j < cols; j++)
    for (long q = 0; q < count; q++)
      if (hi[q] > lo[q]) DLB_DSVD(sweep_column)(x + j, ld, lo[q], hi[q], cs + q * stride, sn + q * stride);
  free(cf);
}

#include "dsvd_bdsqr.h"

const dlb_dsvd_kernels DLB_DSVD(dlb_dsvd) = {DLB_DSVD(dlb_dreflect_left), DLB_DSVD(dlb_dreflect_right),
                                             DLB_DSVD(dlb_drot_sweeps)};

const dlb_dsvd_blocked DLB_DSVD(dlb_dsvd_blocked) = {DLB_DSVD(dlb_dgemm), DLB_DSVD(dlb_dbidiag),
                                                     DLB_DSVD(dlb_dform), DLB_DSVD(dlb_dbdsqr)};
