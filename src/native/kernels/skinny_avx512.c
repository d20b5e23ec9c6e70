/* Skinny-GEMM kernels (skinny_impl.h) for AVX-512F: 16 lanes, mask registers for the tails, 32 zmm
 * registers (axpy keeps up to 16 accumulators + 8 B vectors; col up to 24 columns of C at once). */
#include <immintrin.h>
#define SK(name) name##_avx512
#define SK_NAME "avx512"
#define VL 16
typedef __m512 vf;
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VLOADN(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), (p))
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSTOREN(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VHSUM(v) _mm512_reduce_add_ps(v)
#define AXPY_U_2 8
#define AXPY_U_4 4
#define AXPY_U_8 2
#define AXPY_UMAX 8
#define DOT_MI 4
#define DOT_JB 6
#define COL_PREFETCH 16
#define COL_U 1
#define COL_JB 24
/* Column form up to 24 MiB of A (¾ of the L3): 1.9× the general driver at 4 MiB, 1.4× at 24, 0.98× at 34. */
#define COL_A_MAX (24.0 * 1024 * 1024)
#define VADD(a, b) _mm512_add_ps((a), (b))
#define FCP_MR 4
#define FCP_SETS 2
#define FCP_PREFETCH 4096
#include "skinny_impl.h"
