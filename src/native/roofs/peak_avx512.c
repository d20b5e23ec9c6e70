/* Roofs, AVX-512 (compiled with -mavx512f -mfma): the FMA issue limit and L1/L2/L3 read rate.
 * 12 independent zmm chains cover the 4-cycle FMA latency at 1 zmm FMA/cycle (Zen 4) or
 * 2/cycle (Intel server cores). x ← x·m + a converges to 1, so no overflow or denormals. */
#include <immintrin.h>
#include "../dlb.h"

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

double dlb_peak_fma_avx512(int f64, double ms) {
  if (f64) {
    CHAINS(__m512d, _mm512_set1_pd, _mm512_fmadd_pd)
    __m512d s = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(x0, x1), _mm512_add_pd(x2, x3)),
                              _mm512_add_pd(_mm512_add_pd(x4, x5), _mm512_add_pd(x6, x7)));
    s = _mm512_add_pd(s, _mm512_add_pd(_mm512_add_pd(x8, x9), _mm512_add_pd(xa, xb)));
    sink_d = _mm512_reduce_add_pd(s);
    return (double)iters * 12 * 8 * 2 / (t1 - t0) / 1e9;
  }
  CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps)
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(x0, x1), _mm512_add_ps(x2, x3)),
                           _mm512_add_ps(_mm512_add_ps(x4, x5), _mm512_add_ps(x6, x7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(x8, x9), _mm512_add_ps(xa, xb)));
  sink_f = _mm512_reduce_add_ps(s);
  return (double)iters * 12 * 16 * 2 / (t1 - t0) / 1e9;
}

/* Sums n floats (n a multiple of 128) with 8 independent add chains of full-width loads. */
double dlb_read_sum_avx512(const float *x, size_t n) {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (size_t i = 0; i < n; i += 128) {
    s0 = _mm512_add_ps(s0, _mm512_load_ps(x + i));
    s1 = _mm512_add_ps(s1, _mm512_load_ps(x + i + 16));
    s2 = _mm512_add_ps(s2, _mm512_load_ps(x + i + 32));
    s3 = _mm512_add_ps(s3, _mm512_load_ps(x + i + 48));
    s4 = _mm512_add_ps(s4, _mm512_load_ps(x + i + 64));
    s5 = _mm512_add_ps(s5, _mm512_load_ps(x + i + 80));
    s6 = _mm512_add_ps(s6, _mm512_load_ps(x + i + 96));
    s7 = _mm512_add_ps(s7, _mm512_load_ps(x + i + 112));
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)),
                           _mm512_add_ps(_mm512_add_ps(s4, s5), _mm512_add_ps(s6, s7)));
  return _mm512_reduce_add_ps(s);
}
