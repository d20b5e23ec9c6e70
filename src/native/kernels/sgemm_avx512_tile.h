/* One AVX-512 register tile, instantiated per shape by sgemm_avx512.c: TILE_MR rows of C by
 * TILE_NV vectors of 16 columns, accumulated in TILE_MR·TILE_NV zmm registers. Loops have
 * constant bounds and are fully unrolled, so GCC keeps the accumulator array in registers.
 * Per k step: TILE_NV vector loads of packed B, TILE_MR broadcasts of packed A, MR·NV FMAs.
 * A full-width core (two 512-bit FMA pipes, 4-cycle latency) needs at least 8 independent
 * accumulators and two FMAs per cycle; loads (NV + MR per step) must stay within two per cycle.
 * Edge tiles (h < MR rows or w < NR columns) run the same loop and store through masks, so the
 * driver needs no scratch tile: the packed panels are zero-padded past the edge. */
#include <immintrin.h>

static inline __attribute__((always_inline)) void TILE_FN(long kc, const float *ap, const float *bp, float *c,
                                                          long ldc, int accumulate, int h, int w) {
  enum { MR = TILE_MR, NV = TILE_NV, NR = 16 * TILE_NV };
  __m512 acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) acc[i][j] = _mm512_setzero_ps();
  /* The C tile is written once at the end: fetch its rows while the k loop runs. */
  for (int i = 0; i < h; i++)
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) _mm_prefetch((const char *)(c + i * ldc + 16 * j), _MM_HINT_T0);
#pragma GCC unroll 4
  for (long p = 0; p < kc; p++) {
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) _mm_prefetch((const char *)(bp + TILE_PF * NR + 16 * j), _MM_HINT_T0);
    __m512 b[NV];
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) b[j] = _mm512_load_ps(bp + 16 * j);
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++) {
      const __m512 a = _mm512_set1_ps(ap[i]);
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) acc[i][j] = _mm512_fmadd_ps(a, b[j], acc[i][j]);
    }
    ap += MR;
    bp += NR;
  }
  if (h == MR && w == NR) {
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) {
        float *r = c + i * ldc + 16 * j;
        __m512 x = acc[i][j];
        if (accumulate) x = _mm512_add_ps(x, _mm512_loadu_ps(r));
        _mm512_storeu_ps(r, x);
      }
    return;
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++) {
    if (i >= h) break;
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) {
      const int left = w - 16 * j;
      const __mmask16 m = left >= 16  ? (__mmask16)0xffff
                          : left <= 0 ? (__mmask16)0
                                      : (__mmask16)((1u << left) - 1);
      float *r = c + i * ldc + 16 * j;
      __m512 x = acc[i][j];
      if (accumulate) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, r));
      _mm512_mask_storeu_ps(r, m, x);
    }
  }
}
