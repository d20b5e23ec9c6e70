/* The roof probes (peak_impl.h) compiled for avx2 (-mavx2 -mfma): 2 ymm FMAs/cycle. */
#include <immintrin.h>
#define DLB_ROOF(name) name##_avx2
#include "peak_impl.h"

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

ROOF_PEAK(f32, __m256, 8, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, hsum_ps)
ROOF_PEAK(f64, __m256d, 4, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd, hsum_pd)
ROOF_READ_SUM(__m256, 8, _mm256_setzero_ps, _mm256_load_ps, _mm256_add_ps, hsum_ps)
