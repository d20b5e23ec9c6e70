/* Roofs, portable scalar (compiled with -fno-tree-vectorize like the scalar GEMM kernel):
 * 12 independent mul+add chains, the roof of dlb_sgemm_scalar_4x4. Without -mfma the
 * compiler emits separate mul and add, so 2 FLOPs cost two instructions. */
#include "../dlb.h"

static volatile double sink;

#define SCALAR_CHAINS(T)                                                                  \
  T x0 = 1.0, x1 = 1.1, x2 = 1.2, x3 = 1.3, x4 = 1.4, x5 = 1.5;                           \
  T x6 = 1.6, x7 = 1.7, x8 = 1.8, x9 = 1.9, xa = 2.0, xb = 2.1;                           \
  const T m = (T)0.999, a = (T)0.001;                                                     \
  long iters = 0;                                                                         \
  const double t0 = dlb_now_s();                                                          \
  double t1 = t0;                                                                         \
  do {                                                                                    \
    for (int r = 0; r < 4096; r++) {                                                      \
      x0 = x0 * m + a; x1 = x1 * m + a; x2 = x2 * m + a; x3 = x3 * m + a;                 \
      x4 = x4 * m + a; x5 = x5 * m + a; x6 = x6 * m + a; x7 = x7 * m + a;                 \
      x8 = x8 * m + a; x9 = x9 * m + a; xa = xa * m + a; xb = xb * m + a;                 \
    }                                                                                     \
    iters += 4096;                                                                        \
    t1 = dlb_now_s();                                                                     \
  } while ((t1 - t0) * 1e3 < ms);                                                         \
  sink = (double)(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + xa + xb);             \
  return (double)iters * 12 * 2 / (t1 - t0) / 1e9;

static double peak_f32(double ms) { SCALAR_CHAINS(float) }
static double peak_f64(double ms) { SCALAR_CHAINS(double) }

double dlb_peak_fma_scalar(int f64, double ms) { return f64 ? peak_f64(ms) : peak_f32(ms); }

/* Sums n floats (n a multiple of 4) with 4 independent add chains. */
double dlb_read_sum_scalar(const float *x, size_t n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (size_t i = 0; i < n; i += 4) { s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]; }
  return s0 + s1 + s2 + s3;
}
