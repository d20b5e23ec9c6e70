/* The O(n²) passes of Strassen–Winograd (src/kernels/gemm/strassen.ts) in C: with native
 * leaves the JS loops cost ~20% of a one-level 4096³ product, more than the 1/8 it saves.
 * Memory-bound streams, auto-vectorized at -O3, row bands split over the pool's threads.
 * Operands may alias (z = x − z): every element is read before it is written, same index. */
#include "dlb.h"

typedef struct {
  long rows, cols;
  const float *x;
  long ldx;
  const float *y;
  long ldy;
  float *z;
  long ldz;
  float sign;
  /* combine: */
  const float *p1;
  long ldp1;
  float *c11, *c12, *c21, *c22;
  long ldc;
} ew_job;

static void band(long rows, int t, int nt, long *lo, long *hi) {
  *lo = rows * t / nt;
  *hi = rows * (t + 1) / nt;
}

static void add_task(void *ctx, int t, int nt) {
  const ew_job *j = ctx;
  long lo, hi;
  band(j->rows, t, nt, &lo, &hi);
  const float s = j->sign;
  for (long i = lo; i < hi; i++) {
    const float *x = j->x + i * j->ldx, *y = j->y + i * j->ldy;
    float *z = j->z + i * j->ldz;
    for (long c = 0; c < j->cols; c++) z[c] = x[c] + s * y[c];
  }
}

/* C12 = P1 + C12 + C22 + C11 (U5), C21 = P1 + C12 + C21 (U3), C22 = U3 + C22 (U7), one pass. */
static void combine_task(void *ctx, int t, int nt) {
  const ew_job *j = ctx;
  long lo, hi;
  band(j->rows, t, nt, &lo, &hi);
  for (long i = lo; i < hi; i++) {
    const float *p1 = j->p1 + i * j->ldp1, *c11 = j->c11 + i * j->ldc;
    float *c12 = j->c12 + i * j->ldc, *c21 = j->c21 + i * j->ldc, *c22 = j->c22 + i * j->ldc;
    for (long c = 0; c < j->cols; c++) {
      const float p5 = c22[c], u2 = p1[c] + c12[c], u3 = u2 + c21[c];
      c12[c] = u2 + p5 + c11[c];
      c21[c] = u3;
      c22[c] = u3 + p5;
    }
  }
}

/* Below ~1 M elements a pool wake-up is not worth it; row bands, so at most one thread per row. */
static int ew_threads(long rows, long cols, int threads) {
  return dlb_threads_for((double)rows * cols, rows, threads, 1 << 20);
}

void dlb_strassen_add(int threads, long rows, long cols, const float *x, long ldx, const float *y, long ldy,
                      float sign, float *z, long ldz) {
  ew_job j = {rows, cols, x, ldx, y, ldy, z, ldz, sign, 0, 0, 0, 0, 0, 0, 0};
  const int nt = ew_threads(rows, cols, threads);
  if (nt == 1)
    add_task(&j, 0, 1);
  else
    dlb_parallel(nt, add_task, &j);
}

void dlb_strassen_combine(int threads, long rows, long cols, const float *p1, long ldp1, float *c11,
                          float *c12, float *c21, float *c22, long ldc) {
  ew_job j = {rows, cols, 0, 0, 0, 0, 0, 0, 0, p1, ldp1, c11, c12, c21, c22, ldc};
  const int nt = ew_threads(rows, cols, threads);
  if (nt == 1)
    combine_task(&j, 0, 1);
  else
    dlb_parallel(nt, combine_task, &j);
}
