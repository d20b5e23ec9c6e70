/* The roof probes (peak_impl.h) compiled for avx512 (-mavx512f -mfma): 1 zmm FMA/cycle (Zen 4) or
 * 2/cycle (Intel server cores). */
#include <immintrin.h>
#define DLB_ROOF(name) name##_avx512
#include "peak_impl.h"

ROOF_PEAK(f32, __m512, 16, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_reduce_add_ps)
ROOF_PEAK(f64, __m512d, 8, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd, _mm512_reduce_add_pd)
ROOF_READ_SUM(__m512, 16, _mm512_setzero_ps, _mm512_load_ps, _mm512_add_ps, _mm512_reduce_add_ps)
