/* Roofs, AVX2 (compiled with -mavx2 -mfma): the FMA issue limit and L1/L2/L3 read rate.
 * 12 independent ymm chains cover the 4-cycle FMA latency at 2 ymm FMAs/cycle (8 needed);
 * x ← x·m + a converges to 1, so no overflow or denormals. */
#include <immintrin.h>
#include "../dlb.h"

static float hsum_ps(__m256 v) {
  float t[8];
  _mm256_storeu_ps(t, v);
  return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}

static double hsum_pd(__m256d v) {
  double t[4];
  _mm256_storeu_pd(t, v);
  return t[0] + t[1] + t[2] + t[3];
}

#define CHAINS(T, SET1, FMA)                                                              \
  T x0 = SET1(1.0), x1 = SET1(1.1), x2 = SET1(1.2), x3 = SET1(1.3), x4 = SET1(1.4), x5 = SET1(1.5); \
  T x6 = SET1(1.6), x7 = SET1(1.7), x8 = SET1(1.8), x9 = SET1(1.9), xa = SET1(2.0), xb = SET1(2.1); \
  const T m = SET1(0.999), a = SET1(0.001);                                               \
  long iters = 0;                                                                         \
  const double t0 = dlb_now_s();                                                          \
  double t1 = t0;                                                                         \
  do {                                                                                    \
    for (int r = 0; r < 4096; r++) {                                                      \
      x0 = FMA(x0, m, a); x1 = FMA(x1, m, a); x2 = FMA(x2, m, a); x3 = FMA(x3, m, a);     \
      x4 = FMA(x4, m, a); x5 = FMA(x5, m, a); x6 = FMA(x6, m, a); x7 = FMA(x7, m, a);     \
      x8 = FMA(x8, m, a); x9 = FMA(x9, m, a); xa = FMA(xa, m, a); xb = FMA(xb, m, a);     \
    }                                                                                     \
    iters += 4096;                                                                        \
    t1 = dlb_now_s();                                                                     \
  } while ((t1 - t0) * 1e3 < ms);

static volatile float sink_f;
static volatile double sink_d;

double dlb_peak_fma_avx2(int f64, double ms) {
  if (f64) {
    CHAINS(__m256d, _mm256_set1_pd, _mm256_fmadd_pd)
    __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(x0, x1), _mm256_add_pd(x2, x3)),
                              _mm256_add_pd(_mm256_add_pd(x4, x5), _mm256_add_pd(x6, x7)));
    s = _mm256_add_pd(s, _mm256_add_pd(_mm256_add_pd(x8, x9), _mm256_add_pd(xa, xb)));
    sink_d = hsum_pd(s);
    return (double)iters * 12 * 4 * 2 / (t1 - t0) / 1e9;
  }
  CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps)
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(x0, x1), _mm256_add_ps(x2, x3)),
                           _mm256_add_ps(_mm256_add_ps(x4, x5), _mm256_add_ps(x6, x7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(x8, x9), _mm256_add_ps(xa, xb)));
  sink_f = hsum_ps(s);
  return (double)iters * 12 * 8 * 2 / (t1 - t0) / 1e9;
}

/* Sums n floats (n a multiple of 64) with 8 independent add chains of full-width loads. */
double dlb_read_sum_avx2(const float *x, size_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (size_t i = 0; i < n; i += 64) {
    s0 = _mm256_add_ps(s0, _mm256_load_ps(x + i));
    s1 = _mm256_add_ps(s1, _mm256_load_ps(x + i + 8));
    s2 = _mm256_add_ps(s2, _mm256_load_ps(x + i + 16));
    s3 = _mm256_add_ps(s3, _mm256_load_ps(x + i + 24));
    s4 = _mm256_add_ps(s4, _mm256_load_ps(x + i + 32));
    s5 = _mm256_add_ps(s5, _mm256_load_ps(x + i + 40));
    s6 = _mm256_add_ps(s6, _mm256_load_ps(x + i + 48));
    s7 = _mm256_add_ps(s7, _mm256_load_ps(x + i + 56));
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)),
                           _mm256_add_ps(_mm256_add_ps(s4, s5), _mm256_add_ps(s6, s7)));
  return hsum_ps(s);
}
