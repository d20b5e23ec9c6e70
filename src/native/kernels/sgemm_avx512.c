/* Native rung, AVX-512 micro-kernel dlb_sgemm_avx512_12x32 (compiled with -mavx512f -mfma only).
 * Over the AVX2 kernel: 32 zmm registers allow a 12×32 tile (24 accumulators, 2 B vectors, one
 * broadcast), so each k step does 24 FMAs for 2 vector loads + 12 broadcasts from L1.
 * On Zen 4 a zmm FMA is double-pumped (1/cycle), so the peak equals AVX2's 2 ymm FMAs/cycle:
 * the bottleneck is FMA issue; the wider tile mainly halves loads and loop overhead. */
#include <immintrin.h>
#include "../dlb.h"

#define MR 12
#define NR 32

static void dlb_sgemm_avx512_12x32(long kc, const float *ap, const float *bp, float *c, long ldc,
                                   int accumulate) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m512 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  __m512 c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
  __m512 c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
  /* The C tile is written once at the end: fetch its 12 rows while the k loop runs. */
  for (int i = 0; i < MR; i++) {
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
  }
/* One register-tile row per line, kept as laid out: */
/* clang-format off */
#define STEP(o)                                                          \
  do {                                                                   \
    const __m512 b0 = _mm512_load_ps(bp + (o) * NR);                     \
    const __m512 b1 = _mm512_load_ps(bp + (o) * NR + 16);                \
    const float *a_ = ap + (o) * MR;                                     \
    __m512 a;                                                            \
    a = _mm512_set1_ps(a_[0]); c00 = _mm512_fmadd_ps(a, b0, c00); c01 = _mm512_fmadd_ps(a, b1, c01); \
    a = _mm512_set1_ps(a_[1]); c10 = _mm512_fmadd_ps(a, b0, c10); c11 = _mm512_fmadd_ps(a, b1, c11); \
    a = _mm512_set1_ps(a_[2]); c20 = _mm512_fmadd_ps(a, b0, c20); c21 = _mm512_fmadd_ps(a, b1, c21); \
    a = _mm512_set1_ps(a_[3]); c30 = _mm512_fmadd_ps(a, b0, c30); c31 = _mm512_fmadd_ps(a, b1, c31); \
    a = _mm512_set1_ps(a_[4]); c40 = _mm512_fmadd_ps(a, b0, c40); c41 = _mm512_fmadd_ps(a, b1, c41); \
    a = _mm512_set1_ps(a_[5]); c50 = _mm512_fmadd_ps(a, b0, c50); c51 = _mm512_fmadd_ps(a, b1, c51); \
    a = _mm512_set1_ps(a_[6]); c60 = _mm512_fmadd_ps(a, b0, c60); c61 = _mm512_fmadd_ps(a, b1, c61); \
    a = _mm512_set1_ps(a_[7]); c70 = _mm512_fmadd_ps(a, b0, c70); c71 = _mm512_fmadd_ps(a, b1, c71); \
    a = _mm512_set1_ps(a_[8]); c80 = _mm512_fmadd_ps(a, b0, c80); c81 = _mm512_fmadd_ps(a, b1, c81); \
    a = _mm512_set1_ps(a_[9]); c90 = _mm512_fmadd_ps(a, b0, c90); c91 = _mm512_fmadd_ps(a, b1, c91); \
    a = _mm512_set1_ps(a_[10]); ca0 = _mm512_fmadd_ps(a, b0, ca0); ca1 = _mm512_fmadd_ps(a, b1, ca1); \
    a = _mm512_set1_ps(a_[11]); cb0 = _mm512_fmadd_ps(a, b0, cb0); cb1 = _mm512_fmadd_ps(a, b1, cb1); \
  } while (0)
  long p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch((const char *)(bp + 8 * NR), _MM_HINT_T0);
    _mm_prefetch((const char *)(bp + 8 * NR + 16), _MM_HINT_T0);
    _mm_prefetch((const char *)(bp + 9 * NR), _MM_HINT_T0);
    _mm_prefetch((const char *)(bp + 9 * NR + 16), _MM_HINT_T0);
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
    if (accumulate) { x0 = _mm512_add_ps(x0, _mm512_loadu_ps(r)); x1 = _mm512_add_ps(x1, _mm512_loadu_ps(r + 16)); } \
    _mm512_storeu_ps(r, x0); _mm512_storeu_ps(r + 16, x1);                              \
  } while (0)
  ROW(0, c00, c01); ROW(1, c10, c11); ROW(2, c20, c21); ROW(3, c30, c31);
  ROW(4, c40, c41); ROW(5, c50, c51); ROW(6, c60, c61); ROW(7, c70, c71);
  ROW(8, c80, c81); ROW(9, c90, c91); ROW(10, ca0, ca1); ROW(11, cb0, cb1);
#undef ROW
  /* clang-format on */
}

/* KC·MR·4 = 18 KiB A sliver stays in the 32 KiB L1d while B slivers stream from L2;
 * KC·NC·4 = 768 KiB B block in the 1 MiB L2 (NC 512 rather than 256 halves how often the A
 * block is re-read from L3: ~2% at 2048–4096); MC·KC·4 ≈ 6 MiB A block in the 32 MiB L3. */
const dlb_kernel_desc dlb_sgemm_avx512_desc = {
    "dlb_sgemm_avx512_12x32", "avx512", MR, NR, 4080, 384, 512, dlb_sgemm_avx512_12x32,
};
