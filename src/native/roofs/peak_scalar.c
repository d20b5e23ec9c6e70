/* The roof probes (peak_impl.h), portable scalar (compiled with -fno-tree-vectorize like the scalar
 * GEMM kernel): one lane, the roof of dlb_sgemm_scalar_4x4. Without -mfma the compiler emits a
 * separate mul and add, so 2 FLOPs cost two instructions. */
#define DLB_ROOF(name) name##_scalar
#include "peak_impl.h"

#define S_SET1(x) (x)
#define S_FMA(x, m, a) ((x) * (m) + (a))
#define S_ADD(x, y) ((x) + (y))
#define S_SUM(x) (x)

ROOF_PEAK(f32, float, 1, S_SET1, S_FMA, S_ADD, S_SUM)
ROOF_PEAK(f64, double, 1, S_SET1, S_FMA, S_ADD, S_SUM)

/* The scalar read probe keeps its 4 chains of 4-float steps rather than ROOF_READ_SUM's 8. */
double dlb_read_sum_scalar(const float *x, size_t n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (size_t i = 0; i < n; i += 4) { s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]; }
  return s0 + s1 + s2 + s3;
}
