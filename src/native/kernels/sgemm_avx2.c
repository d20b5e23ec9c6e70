/* Native rung, AVX2+FMA micro-kernel dlb_sgemm_avx2_6x16 (compiled with -mavx2 -mfma only).
 * 16 ymm registers: 12 accumulators (6 rows × 2 vectors of 8), 2 B vectors, 1 broadcast.
 * Per k step 12 FMAs for 2 loads + 6 broadcasts; two FMA pipes keep ≥8 chains in flight
 * (4-cycle latency), so 12 independent accumulators suffice. Bottleneck: FMA issue. */
#include <immintrin.h>
#include "../dlb.h"

#define MR 6
#define NR 16

static void dlb_sgemm_avx2_6x16(long kc, const float *ap, const float *bp, float *c, long ldc,
                                int accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int i = 0; i < MR; i++) {
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
  }
/* One register-tile row per line, kept as laid out: */
/* clang-format off */
#define STEP(o)                                                          \
  do {                                                                   \
    const __m256 b0 = _mm256_load_ps(bp + (o) * NR);                     \
    const __m256 b1 = _mm256_load_ps(bp + (o) * NR + 8);                 \
    const float *a_ = ap + (o) * MR;                                     \
    __m256 a;                                                            \
    a = _mm256_broadcast_ss(a_ + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01); \
    a = _mm256_broadcast_ss(a_ + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11); \
    a = _mm256_broadcast_ss(a_ + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21); \
    a = _mm256_broadcast_ss(a_ + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31); \
    a = _mm256_broadcast_ss(a_ + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41); \
    a = _mm256_broadcast_ss(a_ + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51); \
  } while (0)
  long p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);
    _mm_prefetch((const char *)(bp + 10 * NR), _MM_HINT_T0);
    STEP(0); STEP(1); STEP(2); STEP(3);
    ap += 4 * MR;
    bp += 4 * NR;
  }
  for (; p < kc; p++) {
    STEP(0);
    ap += MR;
    bp += NR;
  }
#undef STEP
#define ROW(i, x0, x1)                                                                  \
  do {                                                                                  \
    float *r = c + (i) * ldc;                                                           \
    if (accumulate) { x0 = _mm256_add_ps(x0, _mm256_loadu_ps(r)); x1 = _mm256_add_ps(x1, _mm256_loadu_ps(r + 8)); } \
    _mm256_storeu_ps(r, x0); _mm256_storeu_ps(r + 8, x1);                               \
  } while (0)
  ROW(0, c00, c01); ROW(1, c10, c11); ROW(2, c20, c21);
  ROW(3, c30, c31); ROW(4, c40, c41); ROW(5, c50, c51);
#undef ROW
  /* clang-format on */
}

/* KC·MR·4 = 12 KiB A sliver in L1d; KC·NC·4 = 512 KiB B block in L2; MC·KC·4 = 6 MiB in L3. */
const dlb_kernel_desc dlb_sgemm_avx2_desc = {
    "dlb_sgemm_avx2_6x16", "avx2", MR, NR, 3072, 512, 256, dlb_sgemm_avx2_6x16, NULL,
};
