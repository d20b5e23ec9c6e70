/* Skinny-GEMM kernels (skinny_impl.h) for AVX2+FMA: 8 lanes, maskload/maskstore for the tails from a
 * sliding window over a ones-then-zeros table, 16 ymm registers (≤ 8 accumulators in axpy, 12 in col). */
#include <immintrin.h>
#define SK(name) name##_avx2
#define SK_NAME "avx2"
#define VL 8
typedef __m256 vf;
static const int skinny_mask_src[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
#define SK_MASK(n) _mm256_loadu_si256((const __m256i *)(skinny_mask_src + 8 - (n)))
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VLOADN(p, n) _mm256_maskload_ps((p), SK_MASK(n))
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSTOREN(p, v, n) _mm256_maskstore_ps((p), SK_MASK(n), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
static inline float skinny_hsum_avx2(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
#define VHSUM(v) skinny_hsum_avx2(v)
#define AXPY_U_2 4
#define AXPY_U_4 2
#define AXPY_U_8 1
#define AXPY_UMAX 4
#define DOT_MI 3
#define DOT_JB 3
#define COL_PREFETCH 16
#define COL_U 2
#define COL_JB 6
/* Column form up to 8 MiB of A: 1.8× the general driver at 4 MiB, 1.1× at 11–14, 0.98× at 15, 0.81× at 34. */
#define COL_A_MAX (8.0 * 1024 * 1024)
#define VADD(a, b) _mm256_add_ps((a), (b))
#define FCP_MR 1
#define FCP_SETS 1
#define FCP_PREFETCH 4096
#include "skinny_impl.h"
